"""One base for the survival fitters (twingraph.survival.base): shared checks, summary, plot."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from twingraph import survival as S  # noqa: E402
from twingraph.exceptions import NotFittedError, TwingraphError  # noqa: E402
from twingraph.survival.base import BaseFitter, RegressionFitter, UnivariateFitter  # noqa: E402

FITTERS = [S.KaplanMeier, S.CumulativeIncidence, S.CoxPH, S.FirthCoxPH, S.FineGray]


def _table() -> pd.DataFrame:
    return pd.DataFrame({"t": [1.0, 2, 3, 4, 5, 6, 7, 8], "e": [1, 1, 0, 1, 1, 0, 1, 1],
                         "cause": [1, 2, 0, 1, 2, 0, 1, 1], "x": [0.0, 1, 0, 1, 1, 0, 0, 1]})


def _fitted(cls: type) -> BaseFitter:
    df = _table()
    if cls is S.KaplanMeier:
        return S.KaplanMeier().fit(df["t"], df["e"])
    if cls is S.CumulativeIncidence:
        return S.CumulativeIncidence().fit(df["t"], df["cause"].where(df["cause"] > 0), cause=1)
    if cls is S.FineGray:
        return S.FineGray().fit(df, "t", "cause", event_of_interest=1, covariates="x")
    return cls().fit(df, duration_col="t", event_col="e", covariates="x")


@pytest.mark.parametrize("cls", FITTERS)
def test_every_fitter_shares_the_base(cls: type) -> None:
    assert issubclass(cls, BaseFitter)
    assert issubclass(cls, UnivariateFitter) != issubclass(cls, RegressionFitter)
    f = cls()
    assert not f.fitted and "unfitted" in repr(f)
    with pytest.raises(NotFittedError, match="not fitted yet"):
        f.summary  # noqa: B018
    with pytest.raises(TwingraphError):
        f.print_summary()
    with pytest.raises(ValueError, match="alpha must be between 0 and 1"):
        cls(alpha=1.5)
    fit = _fitted(cls)
    assert fit.fitted and "fitted" in repr(fit)


@pytest.mark.parametrize("cls", FITTERS)
def test_print_summary_and_plot(cls: type, capsys: pytest.CaptureFixture[str]) -> None:
    fit = _fitted(cls)
    text = fit.print_summary(decimals=2)
    assert capsys.readouterr().out.strip() == text.strip()
    assert text.startswith(f"<twingraph.survival.{cls.__name__}")
    fig, ax = plt.subplots()
    assert fit.plot(ax=ax) is ax
    assert ax.get_xlabel() != ""
    plt.close(fig)


def test_univariate_summaries_by_hand() -> None:
    km = _fitted(S.KaplanMeier)
    s = km.summary
    assert list(s.columns) == ["at_risk", "observed", "censored", "survival", "se", "lower", "upper"]
    # S(1) = 7/8, S(2) = 7/8 * 6/7 = 3/4
    assert s.loc[1.0, "survival"] == pytest.approx(7 / 8) and s.loc[2.0, "survival"] == pytest.approx(0.75)
    assert km.predict([0.5, 2.5]).tolist() == pytest.approx([1.0, 0.75])
    assert km.survival_function_at_times(2.0).tolist() == pytest.approx([0.75])
    cif = _fitted(S.CumulativeIncidence)
    c = cif.summary
    assert list(c.columns)[:4] == ["cumulative_incidence", "se", "lower", "upper"]  # then se_aalen_johansen, se_gray
    assert cif.predict([0.5, 1.0]).tolist() == pytest.approx([0.0, 1 / 8])


def test_regression_summaries_share_the_wald_table() -> None:
    cox = _fitted(S.CoxPH)
    w = cox.wald_table()
    s = cox.summary
    assert list(s.columns) == ["coef", "se", "hazard_ratio", "hr_lower", "hr_upper", "z", "p", "status"]
    pd.testing.assert_frame_equal(s.drop(columns="status"), w)
    assert s.loc["x", "hazard_ratio"] == pytest.approx(np.exp(cox.params_["x"]))
    fg = _fitted(S.FineGray)
    assert list(fg.summary.columns) == ["coef", "se", "hazard_ratio", "hr_lower", "hr_upper", "z", "p"]
    assert "sHR" in fg.print_summary()


def test_lifelines_aliases_are_checked_once() -> None:
    with pytest.raises(ValueError, match="give events or event_observed, not both"):
        S.KaplanMeier().fit([1, 2], [1, 1], event_observed=[1, 1])
    with pytest.raises(ValueError, match="give cause or event_of_interest, not both"):
        S.CumulativeIncidence().fit([1, 2], [1, 2], cause=1, event_of_interest=1)
    df = _table().assign(g=[0, 0, 1, 1, 2, 2, 3, 3])
    with pytest.raises(ValueError, match="give cluster_col or cluster, not both"):
        S.CoxPH().fit(df, "t", "e", "x", cluster_col="g", cluster="g")
    a = S.KaplanMeier().fit([1, 2, 3], event_observed=[1, 0, 1]).summary
    b = S.KaplanMeier().fit([1, 2, 3], [1, 0, 1]).summary
    pd.testing.assert_frame_equal(a, b)
