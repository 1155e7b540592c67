"""twingraph.survival against R: every number here comes from tests/r/reference.csv, written by
tests/r/make_reference.R (R 4.2.2, survival 3.5-3, cmprsk 2.2-11; Debian packages r-base-core,
r-cran-survival, r-cran-cmprsk).  The inputs are tests/r/data_<case>.csv, written by the same script."""

from __future__ import annotations

import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest

from twingraph.survival import (
    CoxPH,
    CumulativeIncidence,
    FineGray,
    FirthCoxPH,
    KaplanMeier,
    NotEstimableWarning,
    cox_zph,
    logrank_test,
)

R = pathlib.Path(__file__).parent / "r"
REF = pd.read_csv(R / "reference.csv")


def ref(case: str, quantity: str) -> np.ndarray:
    """The R value(s) of ``quantity`` (a vector when R wrote ``quantity[0]``, ``quantity[1]``, ...)."""
    sub = REF[REF["case"] == case]
    one = sub[sub["quantity"] == quantity]
    if len(one):
        return one["value"].to_numpy(float)
    vec = sub[sub["quantity"].str.startswith(quantity + "[")]
    assert len(vec), f"no reference value {case}/{quantity}"
    return vec["value"].to_numpy(float)


def data(case: str) -> pd.DataFrame:
    return pd.read_csv(R / f"data_{case}.csv")


def close(mine, r, rtol=1e-6):
    np.testing.assert_allclose(np.atleast_1d(np.asarray(mine, float)), r, rtol=rtol, atol=1e-12)


# ---------------------------------------------------------------------------------------- Cox

@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_issue_reproducer_clustered_se(ties):
    """Issue 10: R's robust SE with Efron ties is 0.713294 (twingraph gave 0.677722 with Breslow-type
    score residuals)."""
    d = data("efron_cluster")
    f = CoxPH(ties=ties).fit(d, duration_col="stop", covariates="x", cluster_col="cl")
    close(f.params_, ref("efron_cluster", f"{ties}_coef"), 1e-8)
    close(np.sqrt(np.diag(f.naive_variance_matrix_)), ref("efron_cluster", f"{ties}_se"), 1e-8)
    close(f.standard_errors_, ref("efron_cluster", f"{ties}_robust_se"), 1e-8)
    fs = CoxPH(ties=ties).fit(d, duration_col="stop", covariates="x", cluster_col="cl", strata="s")
    close(fs.params_, ref("efron_cluster", f"{ties}_strata_coef"), 1e-8)
    close(fs.standard_errors_, ref("efron_cluster", f"{ties}_strata_robust_se"), 1e-8)
    if ties == "efron":
        assert abs(f.standard_errors_["x"] / 0.713294 - 1) < 1e-4   # the issue's acceptance check


@pytest.mark.parametrize("ties", ["efron", "breslow"])
def test_counting_process_cox(ties):
    cp = data("counting")
    cov = ["x1", "x2", "z"]
    f = CoxPH(ties=ties).fit(cp, covariates=cov, cluster_col="cl")
    close(f.params_, ref("counting", f"{ties}_coef"), 1e-7)
    close(np.sqrt(np.diag(f.naive_variance_matrix_)), ref("counting", f"{ties}_se"), 1e-7)
    close(f.standard_errors_, ref("counting", f"{ties}_robust_se"), 1e-7)
    close(f.log_likelihood_, ref("counting", f"{ties}_loglik"), 1e-10)
    fi = CoxPH(ties=ties).fit(cp, covariates=cov, cluster_col="id")
    close(fi.standard_errors_, ref("counting", f"{ties}_robust_se_by_id"), 1e-7)
    fs = CoxPH(ties=ties).fit(cp, covariates=cov, cluster_col="cl", strata="g")
    close(fs.params_, ref("counting", f"{ties}_strata_coef"), 1e-7)
    close(np.sqrt(np.diag(fs.naive_variance_matrix_)), ref("counting", f"{ties}_strata_se"), 1e-7)
    close(fs.standard_errors_, ref("counting", f"{ties}_strata_robust_se"), 1e-7)
    H = -np.log(f.baseline_survival_at([1, 2.5, 5, 10]))
    close(H, ref("counting", f"{ties}_basehaz"), 1e-7)


@pytest.mark.parametrize("ties", ["efron", "breslow"])
@pytest.mark.parametrize("transform", ["km", "rank", "identity"])
def test_cox_zph_matches_survival_3(ties, transform):
    cp = data("counting")
    f = CoxPH(ties=ties).fit(cp, covariates=["x1", "x2", "z"])
    z = cox_zph(f, transform=transform)
    close(z["chisq"], ref("counting", f"{ties}_zph_{transform}_chisq"), 1e-6)
    assert list(z["df"]) == [1, 1, 1, 3]
    fs = CoxPH(ties=ties).fit(cp, covariates=["x1", "x2", "z"], strata="g")
    close(cox_zph(fs, transform=transform)["chisq"], ref("counting", f"{ties}_strata_zph_{transform}_chisq"), 1e-6)


def test_statsmodels_agrees_on_right_censored_fit():
    """Cross-library: statsmodels' PHReg and the vectorised fitter give the same Efron fit."""
    from statsmodels.duration.hazard_regression import PHReg

    cp = data("counting")
    sub = cp.groupby("id").agg(stop=("stop", "max"), event=("event", "max"), x1=("x1", "first"),
                               x2=("x2", "first"))
    f = CoxPH(ties="efron").fit(sub, duration_col="stop", covariates=["x1", "x2"])
    sm = PHReg(sub["stop"].to_numpy(), sub[["x1", "x2"]].to_numpy(), status=sub["event"].to_numpy(), ties="efron").fit()
    close(f.params_, sm.params, 1e-7)
    close(f.standard_errors_, sm.bse, 1e-6)


# ---------------------------------------------------------------------------- KM, log-rank, drops

def test_kaplan_meier_left_truncated():
    sub = data("counting").groupby("id").agg(start=("start", "min"), stop=("stop", "max"), event=("event", "max"),
                                             g=("g", "first"))
    km = KaplanMeier().fit(sub["stop"], sub["event"], entry=sub["start"])
    t = ref("counting", "km_times")
    close(km.predict(t), ref("counting", "km_surv"), 1e-10)
    se = km.standard_errors_.to_numpy()[np.searchsorted(km.timeline_, t, side="right") - 1]
    close(se, ref("counting", "km_std_err"), 1e-8)
    ci = km.confidence_interval_.to_numpy()[np.searchsorted(km.timeline_, t, side="right") - 1]
    close(ci[:, 0], ref("counting", "km_lower"), 1e-8)
    close(ci[:, 1], ref("counting", "km_upper"), 1e-8)
    from twingraph.survival import at_risk_counts

    close(at_risk_counts(km, t)["at_risk"], ref("counting", "km_n_risk"))
    close(km.median_survival_time_, ref("counting", "km_median"))
    lr = logrank_test(sub["stop"], sub["event"], sub["g"])
    close(lr.statistic, ref("counting", "logrank_chisq"), 1e-10)
    assert lr.dof == 2


def test_missing_duration_is_dropped_and_counted():
    """Issue 10: a NaN duration stayed in the risk sets (median 5; R: 4)."""
    d = data("missing")
    with pytest.warns(RuntimeWarning, match="dropped 1"):
        km = KaplanMeier().fit(d["time"], d["event"])
    assert km.dropped_ == {"missing": 1, "zero-length": 0}
    close(km.median_survival_time_, ref("missing", "km_median"))
    assert len(km.durations) == ref("missing", "km_n")[0]


def test_zero_length_rows_are_dropped_and_counted():
    """Issue 10: ten (start == stop) rows flagged as events gave chi2 40.3 instead of 3.0."""
    d = data("zero_length")
    with pytest.warns(RuntimeWarning, match="10 with entry >= duration"):
        lr = logrank_test(d["stop"], d["event"], d["grp"], entry=d["start"])
    assert lr.n_dropped == 10
    close(lr.statistic, ref("zero_length", "logrank_valid_rows"), 1e-8)   # R's survdiff on the valid rows
    f = CoxPH().fit(d, covariates="grp")
    assert f.dropped_["zero-length"] == 10 and f.n_obs_ == ref("zero_length", "n_used")[0]


# ------------------------------------------------------------------------------------- Firth

def test_firth_on_a_monotone_likelihood():
    d = data("firth")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        mle = CoxPH().fit(d, "time", "event", "x")
    assert any(issubclass(x.category, NotEstimableWarning) for x in w)
    assert not mle.estimable_["x"] and ref("firth", "mle_coef_runs_off")[0] > 15  # R runs off too
    f = FirthCoxPH().fit(d, "time", "event", "x")
    assert f.monotone_["x"]
    close(f.params_, ref("firth", "x_only_coef"), 1e-6)
    close(f.confidence_intervals_["lower"], ref("firth", "x_only_lower"), 1e-6)
    close(f.confidence_intervals_["upper"], ref("firth", "x_only_upper"), 1e-6)
    close(f.p_values_, ref("firth", "x_only_p"), 1e-5)
    f2 = FirthCoxPH().fit(d, "time", "event", ["x", "w"])
    close(f2.params_, ref("firth", "xw_coef"), 1e-5)
    close(f2.confidence_intervals_.loc["x"], np.r_[ref("firth", "xw_x_lower"), ref("firth", "xw_x_upper")], 1e-5)
    assert "Firth" in f2.print_summary()


def test_firth_gradient_is_the_derivative_of_the_penalised_likelihood():
    from twingraph.survival.firth import firth_penalty

    cox = CoxPH(ties="efron").fit(data("counting"), covariates=["x1", "x2", "z"])   # Efron, strata-free arrays
    b = cox.params_.to_numpy() + np.array([0.1, -0.2, 0.05])
    _, grad = firth_penalty(cox._data, b)
    h = 1e-6
    num = [(firth_penalty(cox._data, b + h * e)[0] - firth_penalty(cox._data, b - h * e)[0]) / (2 * h)
           for e in np.eye(3)]
    close(grad, num, 1e-5)
    f = FirthCoxPH(ties="efron").fit(data("firth"), "time", "event", ["x", "w"])
    assert np.all(np.abs(firth_penalty(f._data, f.params_.to_numpy())[1]) < 1e-7)  # score 0 at the estimate


# --------------------------------------------------------------------------- competing risks

def test_fine_gray_matches_crr():
    d = data("competing")
    fg = FineGray().fit(d, "time", "cause", event_of_interest=1, covariates=["x", "z"])
    close(fg.params_, ref("competing", "crr_coef"), 1e-7)
    close(fg.standard_errors_, ref("competing", "crr_se"), 1e-7)
    assert "sHR" in fg.print_summary() and fg.n_events_ == int((d["cause"] == 1).sum())


def test_cumulative_incidence_matches_cuminc():
    d = data("competing")
    types = d["cause"].where(d["cause"] != 0)
    t = ref("competing", "cif_times")
    c1 = CumulativeIncidence().fit(d["time"], types, event_of_interest=1)
    close(c1.predict(t), ref("competing", "cif1"), 1e-10)
    c2 = CumulativeIncidence().fit(d["time"], types, cause=2)
    close(c2.predict(t), ref("competing", "cif2"), 1e-10)
    assert c1.timeline_[0] == 0 and np.all(np.diff(c1.timeline_) > 0)   # no repeated t = 0
