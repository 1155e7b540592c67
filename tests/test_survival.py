"""Survival analysis of tie spells: hand-built counting-process cases and cross-library checks."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from scipy import stats  # noqa: E402

from twingraph.survival import (  # noqa: E402
    YEAR_DAYS,
    CoxPH,
    CumulativeIncidence,
    KaplanMeier,
    counting_process,
    ends_around_events,
    exclusions,
    logrank_test,
)
from twingraph.tables import Rejections, make_twindata  # noqa: E402

OBSERVED = pd.Timestamp("2024-01-01")


def _data(spells, countries=None):
    ids = sorted({p for s in spells for p in (s["a"], s["b"])})
    countries = countries or {}
    places = [{"place_id": p, "name": p, "country": countries.get(p)} for p in ids]
    return make_twindata(places, spells, Rejections(), len(ids) + len(spells), len(ids) + len(spells), "test",
                         observed=OBSERVED)


def _spell(tie, a, b, start, sp, end=None, ep="unknown", status=None):
    return dict(tie_id=tie, a=a, b=b, start=start, start_precision=sp, end=end, end_precision=ep, end_status=status)


SPELLS = [
    # started 2010-01-01, suspended 2022-03-01; the shock switches on 2022-02-24 (mid-spell)
    _spell("t1", "A", "B", "2010-01-01", "day", "2022-03-01", "day", "suspended"),
    # started in 1960 (year precision), still active: censored at OBSERVED
    _spell("t2", "B", "C", "1960-01-01", "year"),
    # unknown start: cannot enter a duration analysis
    _spell("t3", "A", "C", None, "unknown", "2022-03-01", "day", "terminated"),
    # started 2000-06 (month), lapsed in 2005 (year)
    _spell("t4", "C", "D", "2000-06-01", "month", "2005-01-01", "year", "lapsed"),
]
SHOCK = pd.Timestamp("2022-02-24")


# ------------------------------------------------------------------------------ partial dates

# ------------------------------------------------------------------------------ counting process

def test_counting_process_exposure_split_censoring_and_exclusion():
    cp = counting_process(_data(SPELLS), exposures={"shock": pd.Series({"t1#0": SHOCK, "t2#0": SHOCK})})
    assert exclusions(_data(SPELLS)).to_dict() == {"t3#0": "unknown-start"}
    t1 = cp[cp["id"] == "t1#0"]
    # 2010-01-01 -> 2022-02-24 = 12*365 + 3 leap days + 31 + 23 = 4437 days; -> 2022-03-01 = 4442 days
    np.testing.assert_allclose(t1["start"], [0, 4437 / YEAR_DAYS])
    np.testing.assert_allclose(t1["stop"], [4437 / YEAR_DAYS, 4442 / YEAR_DAYS])
    assert t1["shock"].tolist() == [0.0, 1.0]
    assert t1["event"].tolist() == [0, 1]
    assert t1["event_type"].isna().tolist() == [True, False] and t1["event_type"].iloc[1] == "suspended"
    t2 = cp[cp["id"] == "t2#0"]
    # 1960-01-01 -> 2024-01-01 = 64 years with 16 leap days = exactly 64 * 365.25 days
    np.testing.assert_allclose(t2["stop"].iloc[-1], 64.0)
    assert t2["event"].tolist() == [0, 0] and t2["shock"].tolist() == [0.0, 1.0]
    t4 = cp[cp["id"] == "t4#0"]
    assert len(t4) == 1 and t4["event"].item() == 1 and t4["event_type"].item() == "lapsed"
    assert t4["shock"].item() == 0.0
    np.testing.assert_allclose(t4["stop"].item(), 1675 / YEAR_DAYS)  # 2000-06-01 -> 2005-01-01
    # the same exposure as a (spell_id, date, covariate, value) frame gives the same table
    frame = pd.DataFrame({"spell_id": ["t1#0", "t2#0"], "date": [SHOCK, SHOCK], "covariate": "shock", "value": 1})
    pd.testing.assert_frame_equal(counting_process(_data(SPELLS), exposures=frame), cp)
    # without a value column (twingraph.shocks.exposure_dates' layout) the value is 1
    pd.testing.assert_frame_equal(counting_process(_data(SPELLS), exposures=frame.drop(columns="value")), cp)


def test_counting_process_left_truncation_and_window_origin():
    window = pd.Timestamp("2014-01-01")
    cp = counting_process(_data(SPELLS), window_start=window)
    assert cp["id"].tolist() == ["t1#0", "t2#0"]
    assert exclusions(_data(SPELLS), window_start=window).to_dict() == {"t3#0": "unknown-start",
                                                                         "t4#0": "ended-before-window"}
    # entry = years from the spell's start to the window: 2010 -> 2014 = 1461 days = 4 years exactly
    np.testing.assert_allclose(cp["start"], [4.0, (54 * 365 + 14) / YEAR_DAYS])
    np.testing.assert_allclose(cp["stop"], [4442 / YEAR_DAYS, 64.0])
    assert (cp["start_date"] == window).all()
    cw = counting_process(_data(SPELLS), window_start=window, origin="window")
    np.testing.assert_allclose(cw["start"], [0.0, 0.0])
    np.testing.assert_allclose(cw["stop"], [(SHOCK - window).days / YEAR_DAYS + 5 / YEAR_DAYS,
                                            (OBSERVED - window).days / YEAR_DAYS])


@pytest.mark.parametrize("conv,days", [("earliest", 1675), ("midpoint", 1842), ("latest", 2010)])
def test_counting_process_partial_date_conventions(conv, days):
    # 2000-06 -> 2005: earliest 06-01 -> 01-01; midpoint 06-16 -> 07-02; latest 06-30 -> 12-31
    cp = counting_process(_data(SPELLS), dates=conv)
    np.testing.assert_allclose(cp.loc[cp["id"] == "t4#0", "stop"].item(), days / YEAR_DAYS)


def test_counting_process_edge_cases():
    spells = [
        _spell("z", "A", "B", "1990-01-01", "year", "1990-01-01", "year", "terminated"),    # same year
        _spell("late", "A", "C", "2020-01-01", "day", "2025-06-01", "day", "terminated"),  # ends after observed
        _spell("u", "B", "C", "2001-01-01", "day", None, "unknown", "terminated"),          # ended, no date
        _spell("f", "C", "D", "2030-01-01", "day"),                                        # starts after observed
        _spell("n", "A", "D", "2020-01-01", "day", "2021-01-01", "day", None),              # end date, no status
        _spell("pre", "B", "D", "2021-01-01", "day", "2023-01-01", "day", "lapsed"),
    ]
    cp = counting_process(_data(spells), exposures={"post": pd.Timestamp("2020-06-01"),
                                                    "x": pd.Series({"pre#0": pd.Timestamp("2000-01-01")})})
    assert exclusions(_data(spells)).value_counts().to_dict() == {"unknown-end": 1, "starts-after-observed": 1,
                                                                  "zero-length": 1}
    late = cp[cp["id"] == "late#0"]
    assert late["event"].tolist() == [0, 0] and late["stop_date"].iloc[-1] == OBSERVED
    assert late["post"].tolist() == [0.0, 1.0]
    n = cp[cp["id"] == "n#0"]
    assert n["event"].tolist() == [0, 1] and n["event_type"].iloc[-1] == "unspecified"
    pre = cp[cp["id"] == "pre#0"]  # switched on before the spell started: one row, covariate 1
    assert len(pre) == 1 and pre["x"].item() == 1.0 and pre["post"].item() == 1.0
    # total time at risk is preserved by splitting
    whole = counting_process(_data(spells))
    assert np.isclose((cp["stop"] - cp["start"]).sum(), (whole["stop"] - whole["start"]).sum())
    assert cp["event"].sum() == whole["event"].sum() == 2
    with pytest.raises(ValueError, match="observed"):
        counting_process(_data(spells).spells)  # active spells but no data date


# ------------------------------------------------------------------------------ Kaplan–Meier, log-rank

def test_kaplan_meier_hand_case_greenwood_and_median():
    km = KaplanMeier().fit([1, 2, 2, 3, 5, 8], [1, 1, 0, 1, 0, 1])
    # the timeline keeps the censoring time 5 (as R's survfit), where S does not jump
    np.testing.assert_allclose(km.survival_function_.iloc[:, 0], [1, 5 / 6, 2 / 3, 4 / 9, 4 / 9, 0])
    np.testing.assert_allclose(km.timeline_, [0, 1, 2, 3, 5, 8])
    assert km.event_table_.loc[5.0, "censored"] == 1 and km.event_table_.loc[5.0, "observed"] == 0
    assert km.median_survival_time_ == 3.0
    s1 = 5 / 6
    se1 = s1 * np.sqrt(1 / (6 * 5))  # Greenwood
    assert np.isclose(km.standard_errors_.iloc[1], se1)
    v = se1 / (s1 * abs(np.log(s1)))
    lo, hi = km.confidence_interval_.iloc[1]
    assert np.isclose(lo, s1 ** np.exp(1.959963984540054 * v)) and np.isclose(hi, s1 ** np.exp(-1.959963984540054 * v))
    assert km.summary.loc[2.0, "at_risk"] == 5 and km.summary.loc[2.0, "observed"] == 1
    ax = km.plot(ax=plt.figure().gca())
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [1, 5 / 6, 2 / 3, 4 / 9, 4 / 9, 0])
    plt.close("all")


def test_kaplan_meier_left_truncation_hand_case():
    # subject 2 enters at 2.5, so at t=2 only subjects 1 and 3 are at risk
    km = KaplanMeier().fit([2, 3, 4], [1, 1, 1], entry=[0, 2.5, 0])
    np.testing.assert_allclose(km.predict([1, 2, 3, 4]), [1, 0.5, 0.25, 0.0])


def _scipy_sf(t, e, grid):
    res = stats.ecdf(stats.CensoredData.right_censored(t, ~e.astype(bool)))
    return res.sf.evaluate(grid)


def test_kaplan_meier_matches_scipy_ecdf():
    rng = np.random.default_rng(3)
    t = np.round(rng.exponential(5, 300), 1)  # rounded: many tied times
    e = (rng.uniform(size=300) < 0.7).astype(int)
    grid = np.unique(np.r_[t, t + 0.05, 0.0])
    km = KaplanMeier().fit(t, e)
    np.testing.assert_allclose(km.predict(grid), _scipy_sf(t, e, grid), rtol=0, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 20), st.booleans()), min_size=1, max_size=30))
def test_kaplan_meier_matches_scipy_ecdf_property(rows):
    t = np.array([r[0] for r in rows], float)
    e = np.array([r[1] for r in rows], int)
    if e.sum() == 0:
        e[0] = 1
    grid = np.arange(0, 22, 0.5)
    np.testing.assert_allclose(KaplanMeier().fit(t, e).predict(grid), _scipy_sf(t, e, grid), atol=1e-12)


def test_logrank_matches_scipy():
    rng = np.random.default_rng(7)
    t = np.r_[rng.exponential(1.0, 80), rng.exponential(1.6, 90)]
    e = (rng.uniform(size=170) < 0.8).astype(int)
    g = np.r_[np.zeros(80), np.ones(90)]
    chi2, p, dof, dropped = logrank_test(t, e, g)
    assert dof == 1 and dropped == 0
    x = stats.CensoredData.right_censored(t[g == 0], e[g == 0] == 0)
    y = stats.CensoredData.right_censored(t[g == 1], e[g == 1] == 0)
    ref = stats.logrank(x, y)
    assert np.isclose(chi2, ref.statistic**2, rtol=1e-9) and np.isclose(p, ref.pvalue, rtol=1e-9)


# ------------------------------------------------------------------------------ Cox

def _exp_data(n, beta, rng, cens=2.0):
    x = rng.integers(0, 2, n).astype(float)
    t = rng.exponential(1 / np.exp(beta * x))
    c = rng.exponential(cens, n)
    return pd.DataFrame({"duration": np.minimum(t, c), "event": (t <= c).astype(int), "x": x,
                         "id": np.arange(n)})


def test_cox_score_test_equals_logrank_and_recovers_beta():
    rng = np.random.default_rng(11)
    df = _exp_data(3000, np.log(2), rng)
    fit = CoxPH().fit(df, duration_col="duration", covariates=["x"])
    assert abs(fit.params_["x"] - np.log(2)) < 3 * fit.standard_errors_["x"]
    from twingraph.survival import likelihood as lk

    at0 = lk.evaluate(fit._data, np.zeros(1))
    u, info = at0.score, at0.information
    chi2 = logrank_test(df["duration"], df["event"], df["x"]).statistic
    assert np.isclose(u[0] ** 2 / info[0, 0], chi2, rtol=1e-8)  # no tied times: identical
    s = fit.summary.loc["x"]
    z = 1.959963984540054
    assert np.isclose(s["hr_lower"], np.exp(s["coef"] - z * s["se"]))
    assert np.isclose(s["p"], 2 * stats.norm.sf(abs(s["coef"] / s["se"])))
    assert fit.n_events_ == df["event"].sum() and fit.n_obs_ == 3000


def test_cox_counting_process_split_is_invariant_and_clustered_by_id():
    rng = np.random.default_rng(5)
    df = _exp_data(400, 0.7, rng)
    whole = CoxPH().fit(df.assign(start=0.0, stop=df["duration"]), covariates=["x"])
    # cut each spell at the last failure time before its end: every cut coincides with an event, so
    # the risk set must be (start, stop] (a row is not at risk at its own entry time)
    ft = np.sort(df.loc[df["event"] == 1, "duration"].to_numpy())
    k = np.searchsorted(ft, df["duration"], side="left") - 1
    cut = pd.Series(np.where(k >= 0, ft[np.clip(k, 0, None)], df["duration"] / 2), index=df.index)
    assert (cut < df["duration"]).all() and (k >= 0).sum() > 300
    split = pd.concat([
        pd.DataFrame({"id": df["id"], "start": 0.0, "stop": cut, "event": 0, "x": df["x"]}),
        pd.DataFrame({"id": df["id"], "start": cut, "stop": df["duration"], "event": df["event"], "x": df["x"]}),
    ], ignore_index=True)
    parts = CoxPH().fit(split, covariates=["x"])
    assert np.isclose(parts.params_["x"], whole.params_["x"], rtol=1e-10)
    assert np.isclose(parts.standard_errors_["x"], whole.standard_errors_["x"], rtol=1e-10)
    # sandwich SEs: clustering the two episodes of a subject == one cluster per subject unsplit
    w_rob = CoxPH().fit(df.assign(start=0.0, stop=df["duration"]), covariates=["x"], cluster="id")
    p_rob = CoxPH().fit(split, covariates=["x"], cluster="id")
    assert np.isclose(p_rob.standard_errors_["x"], w_rob.standard_errors_["x"], rtol=1e-8)
    assert p_rob.n_clusters_ == 400
    # the vectorised score residuals equal statsmodels' on data without delayed entry (statsmodels'
    # own set-based loop keeps a row whose (entry, stop] holds no failure time in the risk set)
    from statsmodels.duration.hazard_regression import PHReg

    from twingraph.survival import _score_residuals

    b = w_rob.params_.to_numpy()
    sm = PHReg(df["duration"].to_numpy(), df[["x"]].to_numpy(), status=df["event"].to_numpy(float))
    assert np.isclose(sm.fit().params[0], b[0], rtol=1e-8)  # statsmodels agrees on the estimate
    ref = np.nan_to_num(sm.score_residuals(b))
    mine = _score_residuals(df["duration"].to_numpy(), np.zeros(len(df)), df["event"].to_numpy(float),
                            df[["x"]].to_numpy(), None, b)
    np.testing.assert_allclose(mine, ref, atol=1e-10)
    assert abs(mine.sum()) < 1e-6  # the score is 0 at the MLE
    # one constant stratum changes nothing
    one = CoxPH().fit(split.assign(s="all"), covariates=["x"], strata="s")
    assert np.isclose(one.params_["x"], parts.params_["x"])
    ax = parts.plot(ax=plt.figure().gca())
    assert len(ax.get_yticklabels()) == 1
    plt.close("all")


def test_cox_strata_separate_baselines():
    rng = np.random.default_rng(2)
    a = _exp_data(1500, np.log(2), rng)
    b = _exp_data(1500, np.log(2), rng)
    b["duration"] /= 8.0  # stratum b: 8x the baseline hazard, same HR
    df = pd.concat([a.assign(g="a"), b.assign(g="b")], ignore_index=True)
    fit = CoxPH().fit(df, duration_col="duration", covariates=["x"], strata="g")
    assert abs(fit.params_["x"] - np.log(2)) < 3 * fit.standard_errors_["x"]


def test_proportional_hazards_check():
    rng = np.random.default_rng(4)
    ph = _exp_data(1500, 0.8, rng)
    fit = CoxPH().fit(ph, duration_col="duration", covariates=["x"])
    res = fit.check_proportional_hazards()
    assert res.loc["x", "p"] > 0.01
    # non-proportional: x doubles the hazard before t = 0.5 and halves it after
    n = 1500
    x = rng.integers(0, 2, n).astype(float)
    e = rng.exponential(size=n)
    h1 = np.where(x == 1, 2.0, 1.0)
    h2 = np.where(x == 1, 0.5, 1.0)
    t = np.where(e <= 0.5 * h1, e / h1, 0.5 + (e - 0.5 * h1) / h2)
    nph = pd.DataFrame({"duration": t, "event": 1, "x": x})
    fit2 = CoxPH().fit(nph, duration_col="duration", covariates=["x"])
    for tr in ("rank", "km", "identity", "log"):
        r2 = fit2.check_proportional_hazards(transform=tr)
        assert r2.loc["x", "p"] < 1e-6 and r2.loc["GLOBAL", "df"] == 1
        assert np.isclose(r2.loc["x", "chisq"], r2.loc["GLOBAL", "chisq"])  # one covariate: the same test


# ------------------------------------------------------------------------------ competing risks

def test_cumulative_incidence_hand_case():
    t, types = [1, 2, 3, 4], ["A", "B", None, "A"]
    a = CumulativeIncidence().fit(t, types, "A")
    b = CumulativeIncidence().fit(t, types, "B")
    np.testing.assert_allclose(a.predict([0.5, 1, 2, 3, 4]), [0, 0.25, 0.25, 0.25, 0.75])
    np.testing.assert_allclose(b.predict([0.5, 1, 2, 3, 4]), [0, 0, 0.25, 0.25, 0.25])
    with pytest.raises(ValueError):
        CumulativeIncidence().fit(t, types, "C")


def test_cumulative_incidences_sum_to_one_minus_km():
    rng = np.random.default_rng(9)
    n = 400
    t = np.round(rng.exponential(3, n), 2)
    types = rng.choice(np.array(["suspended", "terminated", None], dtype=object), n, p=[0.3, 0.4, 0.3])
    grid = np.linspace(0, 15, 61)
    total = sum(CumulativeIncidence().fit(t, types, c).predict(grid) for c in ("suspended", "terminated"))
    km = KaplanMeier().fit(t, pd.notna(types).astype(int))
    np.testing.assert_allclose(total, 1 - km.predict(grid), atol=1e-12)
    single = CumulativeIncidence().fit(t, np.where(pd.notna(types), "end", None), "end")
    np.testing.assert_allclose(single.predict(grid), 1 - km.predict(grid), atol=1e-12)
    ax = single.plot(ax=plt.figure().gca())
    assert len(ax.lines) == 1
    plt.close("all")


# ------------------------------------------------------------------------------ event study

def test_event_study_hand_case():
    D = SHOCK

    def day(k):
        return str((D + pd.Timedelta(days=k)).date())

    spells = [
        _spell("s1", "A", "B", "2000-01-01", "day", day(10), "day", "terminated"),
        _spell("s2", "A", "C", "2000-01-01", "day", day(40), "day", "suspended"),
        _spell("s3", "A", "E", "2000-01-01", "day", day(-20), "day", "terminated"),
        _spell("s4", "A", "F", "2000-01-01", "day"),
        _spell("s5", "B", "C", "2000-01-01", "day", day(5), "day", "terminated"),  # not exposed
        _spell("s6", "A", "G", day(15), "day"),
    ]
    data = _data(spells, {"A": "RUS", "B": "DEU", "C": "FRA", "E": "FIN", "F": "ITA", "G": "ESP"})
    events = pd.DataFrame({"event_id": ["e1"], "date": [D], "date_precision": ["day"], "kind": ["war"],
                           "name": ["x"], "actors": ["RUS"], "targets": ["UKR"], "description": [""], "source": [""]})
    es = ends_around_events(data, events, window=("-60D", "60D"), bin="30D")
    assert es["offset_start_days"].tolist() == [-60, -30, 0, 30]
    assert es["at_risk"].tolist() == [4, 4, 3, 3]
    np.testing.assert_allclose(es["person_years"] * YEAR_DAYS, [120, 100, 85, 70])
    assert es["terminated"].tolist() == [0, 1, 1, 0]
    assert es["suspended"].tolist() == [0, 0, 0, 1]
    assert es["ended"].tolist() == [0, 1, 1, 1]
    base = 1 / (220 / YEAR_DAYS)
    np.testing.assert_allclose(es["baseline_rate"], base)
    np.testing.assert_allclose(es["rate"], [0, YEAR_DAYS / 100, YEAR_DAYS / 85, YEAR_DAYS / 70])
    np.testing.assert_allclose(es["rate_ratio"].iloc[2], (YEAR_DAYS / 85) / base)
    # without place countries every spell counts (s5 ends in bin 2)
    allsp = ends_around_events(data.spells, events, window=("-60D", "60D"), bin="30D", observed=OBSERVED, baseline=0.5)
    assert allsp["ended"].tolist() == [0, 1, 2, 1]
    np.testing.assert_allclose(allsp["baseline_rate"], 0.5)
    cal = ends_around_events(data, events, window=("-60D", "60D"), bin="30D",
                      baseline=(D - pd.Timedelta(days=30), D))
    np.testing.assert_allclose(cal["baseline_rate"], 1 / (100 / YEAR_DAYS))


def test_cox_flags_monotone_likelihood():
    """Every exposed tie ends, no unexposed one does: no finite MLE, so no hazard ratio is reported as real."""
    import warnings

    table = pd.DataFrame({"start": 0.0, "stop": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
                          "event": [1, 1, 1, 0, 0, 0], "x": [1, 1, 1, 0, 0, 0]})
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        cox = CoxPH().fit(table, covariates=["x"])
    assert not cox.converged_ and not cox.estimable_["x"]
    assert any("not estimable" in str(x.message) for x in w)
    # the summary says so instead of printing a hazard ratio of 1e12
    s = cox.summary.loc["x"]
    assert s["status"].startswith("not estimable") and np.isnan(s["hazard_ratio"]) and np.isnan(s["p"])


def test_logrank_p_value_does_not_underflow():
    t = np.r_[np.arange(1, 41) * 0.01, np.arange(1, 41) * 10.0]
    res = logrank_test(t, np.ones(80), np.r_[np.zeros(40), np.ones(40)])
    assert 0 < res.p_value < 1e-16
