"""twingraph.survival against R: every number here comes from tests/r/reference.csv, written by
tests/r/make_reference.R (R 4.2.2, survival 3.5-3, cmprsk 2.2-11; Debian packages r-base-core,
r-cran-survival, r-cran-cmprsk; recorded in tests/r/versions.txt).  The inputs are tests/r/data_<case>.csv,
written by the same script.  Round 2 (issue 22: log-rank strata and rho, KM median rule/CI and bands, CIF
variances, missing causes) is compared to 1e-8 absolute."""

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
    with pytest.warns(RuntimeWarning, match="CoxPH: dropped 10 rows: 10 with entry >= duration"):
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


# ------------------------------------------------------------------------ round 2 (issue 22)

def agree(mine, r, tol=1e-8):
    """Absolute agreement with R to ``tol`` (R's NA, "not reached", is ``inf`` here)."""
    mine = np.atleast_1d(np.asarray(mine, float))
    r = np.where(np.isnan(r), np.inf, r)
    assert mine.shape == r.shape
    assert np.array_equal(np.isinf(mine), np.isinf(r)), (mine, r)
    fin = np.isfinite(r)
    assert np.max(np.abs(mine[fin] - r[fin]), initial=0) <= tol, (mine, r)


def _subjects() -> pd.DataFrame:
    return data("counting").groupby("id").agg(start=("start", "min"), stop=("stop", "max"), event=("event", "max"),
                                              g=("g", "first"), x1=("x1", "first"), cl=("cl", "first"))


@pytest.mark.parametrize("rho", [0, 0.5, 1, 2])
def test_logrank_strata_and_fleming_harrington_match_survdiff(rho):
    sub = _subjects()
    tag = f"rho{rho:g}"
    lr = logrank_test(sub["stop"], sub["event"], sub["g"], rho=rho)
    agree(lr.statistic, ref("logrank", f"{tag}_chisq"))
    agree(lr.observed, ref("logrank", f"{tag}_obs"))
    agree(lr.expected, ref("logrank", f"{tag}_exp"))
    agree(lr.variance.T.ravel(), ref("logrank", f"{tag}_var"))       # R's matrix is column-major
    ls = logrank_test(sub["stop"], sub["event"], sub["g"], strata=sub["x1"], rho=rho)
    agree(ls.statistic, ref("logrank", f"{tag}_strata_chisq"))
    agree(ls.observed, ref("logrank", f"{tag}_strata_obs"))
    agree(ls.expected, ref("logrank", f"{tag}_strata_exp"))
    assert ls.n_strata == 2 and ls.dof == 2 and ls.rho == rho
    # two strata columns (R: strata(g, cl > 20)); x1 is the group
    l2 = logrank_test(sub["stop"], sub["event"], sub["x1"], strata=[sub["g"], sub["cl"] > 20], rho=rho)
    agree(l2.statistic, ref("logrank", f"{tag}_strata2_chisq"))
    assert l2.n_strata == 6


@pytest.mark.parametrize("conf_type", ["log-log", "log", "plain"])
@pytest.mark.parametrize("case", ["km_median", "km_median_censored"])
def test_km_median_rule_ci_and_bands_match_print_survfit(conf_type, case):
    d = data(case)
    tag = conf_type.replace("-", "")
    km = KaplanMeier(conf_type=conf_type).fit(d["time"], d["event"])
    agree(km.median_survival_time_, ref(case, f"{tag}_median"))
    agree(km.median_confidence_interval_.iloc[0].to_numpy(),
          np.r_[ref(case, f"{tag}_median_lcl"), ref(case, f"{tag}_median_ucl")])
    t = ref("km_median", "times")
    i = np.searchsorted(km.timeline_, t, side="right") - 1
    ci = km.confidence_interval_.to_numpy()[i]
    agree(ci[:, 0], ref(case, f"{tag}_lower"))
    agree(ci[:, 1], ref(case, f"{tag}_upper"))


def test_km_median_midpoint_and_lifelines_rule():
    d = data("km_median")                                       # deaths at 1-5 and 7-11
    assert KaplanMeier().fit(d["time"], d["event"]).median_survival_time_ == 6.0              # R
    assert KaplanMeier(median_rule="first").fit(d["time"], d["event"]).median_survival_time_ == 5.0  # lifelines


@pytest.mark.parametrize("conf_type", ["log-log", "log", "plain"])
def test_km_bands_and_median_ci_left_truncated(conf_type):
    sub = _subjects()
    tag = conf_type.replace("-", "")
    km = KaplanMeier(conf_type=conf_type).fit(sub["stop"], sub["event"], entry=sub["start"])
    t = ref("km_bands", "times")
    ci = km.confidence_interval_.to_numpy()[np.searchsorted(km.timeline_, t, side="right") - 1]
    agree(ci[:, 0], ref("km_bands", f"{tag}_lower"))
    agree(ci[:, 1], ref("km_bands", f"{tag}_upper"))
    agree(km.median_survival_time_, ref("km_bands", f"{tag}_median"))
    agree(km.median_confidence_interval_.iloc[0].to_numpy(),
          np.r_[ref("km_bands", f"{tag}_median_lcl"), ref("km_bands", f"{tag}_median_ucl")])


@pytest.mark.parametrize("cause", [1, 2])
def test_cif_variances_survfit_and_cuminc(cause):
    d = data("competing")
    types = d["cause"].where(d["cause"] != 0)
    t = ref("cif_variance", "times")
    aj = CumulativeIncidence().fit(d["time"], types, cause=cause)
    gray = CumulativeIncidence(variance="cuminc").fit(d["time"], types, cause=cause)
    i = np.searchsorted(aj.timeline_, t, side="right") - 1
    agree(aj.predict(t), ref("cif_variance", f"survfit_cif{cause}"))
    assert aj.variance_type_ == "aalen-johansen" and gray.variance_type_ == "gray"
    agree(aj.standard_errors_.to_numpy()[i], ref("cif_variance", f"survfit_se{cause}"))
    agree(gray.standard_errors_.to_numpy()[i] ** 2, ref("cif_variance", f"cuminc_var{cause}"))
    agree(aj.variances_["gray"].to_numpy()[i], ref("cif_variance", f"cuminc_var{cause}"))
    s = gray.summary
    assert gray.variance_type_ == "gray" and np.allclose(s["se"], s["se_gray"])
    ratio = aj.variances_["gray"] / aj.variances_["aalen-johansen"]
    assert 0.9 < ratio[aj.variances_["aalen-johansen"] > 0].min() and ratio.max() < 1.1     # "a few percent"


def test_missing_cause_is_dropped_as_cmprsk_does():
    d = data("missing_cause")
    with pytest.warns(RuntimeWarning, match="FineGray: dropped 15 rows: 15 with a missing cause"):
        fg = FineGray().fit(d, "time", "cause", event_of_interest=1, covariates=["x", "z"])
    agree(fg.params_, ref("missing_cause", "crr_coef"))
    agree(fg.standard_errors_, ref("missing_cause", "crr_se"))
    assert fg.n_obs_ == ref("missing_cause", "crr_n")[0]
    assert fg.n_dropped_ == ref("missing_cause", "crr_n_missing")[0] and fg.dropped_["missing-cause"] == 15
    with pytest.raises(ValueError, match="15 rows have a missing cause"):
        FineGray().fit(d, "time", "cause", event_of_interest=1, covariates=["x", "z"], missing_cause="raise")
    t = ref("missing_cause", "times")
    with pytest.warns(RuntimeWarning, match="CumulativeIncidence: dropped 15 rows"):
        c = CumulativeIncidence(variance="cuminc").fit(d["time"], d["cause"].where(d["cause"] != 0), cause=1,
                                                       events=d["cause"] != 0)      # NaN != 0: ended, cause unknown
    agree(c.predict(t), ref("missing_cause", "cif1"))
    i = np.searchsorted(c.timeline_, t, side="right") - 1
    agree(c.standard_errors_.to_numpy()[i] ** 2, ref("missing_cause", "cif1_var"))
    assert c.dropped_ == {"missing": 0, "missing-cause": 15}


def test_reference_versions_are_recorded():
    v = (R / "versions.txt").read_text().splitlines()
    assert v[0].startswith("R version 4.2.2") and v[1] == "survival 3.5.3" and v[2] == "cmprsk 2.2.11"
