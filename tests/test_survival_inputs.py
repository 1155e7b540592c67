"""Bad input, non-estimable fits, robust variances and the lifelines-style API of twingraph.survival."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from twingraph.survival import (  # noqa: E402
    CoxPH,
    CumulativeIncidence,
    FineGray,
    FirthCoxPH,
    KaplanMeier,
    NotEstimableWarning,
    add_at_risk_counts,
    cluster_variance,
    dyadic_variance,
    logrank_test,
    multiway_variance,
)
from twingraph.survival import likelihood as lk  # noqa: E402
from twingraph.survival.separation import monotone_directions  # noqa: E402


def _df(n=60, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 2, n).astype(float)
    t = rng.exponential(1 / np.exp(0.5 * x))
    return pd.DataFrame({"start": 0.0, "stop": t, "event": (rng.uniform(size=n) < 0.8).astype(int), "x": x,
                         "w": rng.normal(size=n), "id": np.arange(n)})


# ---------------------------------------------------------------------------------- bad input

def test_event_flag_two_is_refused():
    df = _df()
    df.loc[3, "event"] = 2
    with pytest.raises(ValueError, match="0/1"):
        CoxPH().fit(df, covariates="x")
    with pytest.raises(ValueError, match="0/1"):
        KaplanMeier().fit(df["stop"], df["event"])
    with pytest.raises(ValueError, match="0/1"):
        logrank_test(df["stop"], df["event"], df["x"])


def test_constant_covariate_is_refused_not_given_se_zero():
    """Issue 10: a constant covariate next to a real one gave the real one SE 0 and p 0."""
    df = _df().assign(c=1.0)
    with pytest.raises(ValueError, match="'c'"):
        CoxPH().fit(df, covariates=["x", "c"])
    with pytest.raises(ValueError, match="collinear"):
        CoxPH().fit(df.assign(x2=2 * df["x"] - 1), covariates=["x", "x2"])


def test_no_events_and_one_group_are_clear_errors():
    df = _df().assign(event=0)
    with pytest.raises(ValueError, match="no events"):
        CoxPH().fit(df, covariates="x")
    with pytest.raises(ValueError, match="no events"):
        logrank_test(df["stop"], df["event"], df["x"])
    with pytest.raises(ValueError, match="two groups"):
        logrank_test(_df()["stop"], _df()["event"], np.zeros(60))


def test_missing_values_are_dropped_and_counted_in_cox():
    df = _df()
    df.loc[[1, 2], "x"] = np.nan
    df.loc[5, "stop"] = np.nan
    with pytest.warns(RuntimeWarning, match="CoxPH: dropped 3 rows: 3 with missing values"):
        f = CoxPH().fit(df, covariates="x")
    assert f.dropped_ == {"missing": 3, "zero-length": 0} and f.n_obs_ == 57
    ref = CoxPH().fit(df.dropna(), covariates="x")
    assert np.isclose(f.params_["x"], ref.params_["x"])


def test_zero_length_rows_are_handled_the_same_everywhere():
    """Issue 22: CoxPH dropped zero-length rows silently while KaplanMeier warned: one rule, one message."""
    df = _df()
    df.loc[[0, 1, 2], "start"] = df.loc[[0, 1, 2], "stop"]          # never at risk
    df.loc[3, "start"] = df.loc[3, "stop"] + 1                       # stop < start
    msg = r"dropped 4 rows: 4 with entry >= duration \(zero-length: never at risk\)"
    fits = []
    with pytest.warns(RuntimeWarning, match="KaplanMeier: " + msg):
        fits.append(KaplanMeier().fit(df["stop"], df["event"], entry=df["start"]))
    with pytest.warns(RuntimeWarning, match="CoxPH: " + msg):
        fits.append(CoxPH().fit(df, covariates="x"))
    with pytest.warns(RuntimeWarning, match="FirthCoxPH: " + msg):
        fits.append(FirthCoxPH().fit(df, covariates="x"))
    for f in fits:
        assert f.dropped_ == {"missing": 0, "zero-length": 4} and f.n_dropped_ == 4
    with pytest.warns(RuntimeWarning, match="logrank_test: " + msg):
        lr = logrank_test(df["stop"], df["event"], df["x"], entry=df["start"])
    assert lr.n_dropped == 4 and lr.dropped == {"missing": 0, "zero-length": 4}
    # the same fits on the valid rows alone, without a warning
    ok = df[df["stop"] > df["start"]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isclose(CoxPH().fit(ok, covariates="x").params_["x"], fits[1].params_["x"])


@pytest.mark.parametrize("fitter", ["cox", "firth", "finegray"])
def test_string_covariate_error_names_the_column(fitter):
    """Issue 22: a text covariate gave numpy's "could not convert string to float"."""
    df = _df().assign(region=lambda d: np.where(d["x"] > 0, "east", "west"), cause=lambda d: d["event"])
    fit = {"cox": lambda cov: CoxPH().fit(df, covariates=cov),
           "firth": lambda cov: FirthCoxPH().fit(df, covariates=cov),
           "finegray": lambda cov: FineGray().fit(df, "stop", "cause", 1, cov)}[fitter]
    with pytest.raises(ValueError, match=r"covariate 'region' is not numeric .*'east'.*pd.get_dummies"):
        fit(["w", "region"])
    df["region"] = df["region"].astype("category")
    with pytest.raises(ValueError, match="covariate 'region' is not numeric"):
        fit(["w", "region"])
    # numbers stored as text objects pass; dummies (R's factor coding) fit
    df["region"] = np.where(df["x"] > 0, "east", "west")
    df["w_obj"] = df["w"].astype(object)
    fit(["w_obj", "x"])
    dummies = pd.get_dummies(df, columns=["region"], drop_first=True, dtype=float)
    assert "region_west" in dummies and np.isfinite(
        CoxPH().fit(dummies, covariates=["w", "region_west"]).params_["region_west"])


def test_logrank_options():
    df = _df(120, seed=3).assign(s=lambda d: np.arange(len(d)) % 3)
    plain = logrank_test(df["stop"], df["event"], df["x"])
    assert tuple(plain) == tuple(logrank_test(df["stop"], df["event"], df["x"], rho=0))  # same 4-tuple
    stat, p, dof, n_dropped = plain                                          # still unpacks as before
    assert dof == 1 and n_dropped == 0 and plain.n_strata == 1
    # one stratum per row group: the statistic is the sum over strata only through O, E and V
    st = logrank_test(df["stop"], df["event"], df["x"], strata=df["s"])
    parts = [logrank_test(g["stop"], g["event"], g["x"]) for _, g in df.groupby("s")]
    o_e = sum(r.observed - r.expected for r in parts)
    v = sum(r.variance for r in parts)
    assert np.isclose(st.statistic, o_e[1] ** 2 / v[1, 1])
    assert st.n_strata == 3
    # Fleming-Harrington weights: rho=1 down-weights late differences (Peto-Peto)
    fh = logrank_test(df["stop"], df["event"], df["x"], rho=1)
    assert fh.observed.sum() < plain.observed.sum()
    with pytest.raises(ValueError, match="rho"):
        logrank_test(df["stop"], df["event"], df["x"], rho=-1)
    with pytest.raises(ValueError, match="one value per row"):
        logrank_test(df["stop"], df["event"], df["x"], strata=df["s"][:10])


def test_km_band_and_median_options():
    t = [1, 2, 3, 4, 5, 7, 8, 9, 10, 11]
    bands = {c: KaplanMeier(conf_type=c).fit(t).confidence_interval_.to_numpy() for c in ("log-log", "log", "plain")}
    s = KaplanMeier().fit(t).survival_function_.to_numpy()[:, 0]
    for lo_hi in bands.values():
        ok = ~np.isnan(lo_hi).any(axis=1)
        assert np.all(lo_hi[ok, 0] <= s[ok] + 1e-12) and np.all(s[ok] <= lo_hi[ok, 1] + 1e-12)
        assert np.all((lo_hi[ok] >= 0) & (lo_hi[ok] <= 1))
    with pytest.raises(ValueError, match="conf_type"):
        KaplanMeier(conf_type="logit")
    with pytest.raises(ValueError, match="median_rule"):
        KaplanMeier(median_rule="last")
    km = KaplanMeier(median_rule="first").fit(t)
    assert km.median_survival_time_ == 5.0
    assert KaplanMeier().fit([1, 2, 3], [1, 0, 0]).median_survival_time_ == np.inf   # never reached


def test_duration_col_stop_does_not_use_start_as_covariate():
    """Issue 10: fit(df, duration_col="stop") silently took the start column as a covariate."""
    df = _df().assign(start=np.linspace(0, 0.5, 60))
    f = CoxPH().fit(df.drop(columns=["w", "id"]), duration_col="stop")
    assert f.covariates_ == ["x"]


def test_cif_timeline_has_no_repeated_zero_and_lifelines_names():
    t = np.array([0.0, 1, 2, 3, 4])
    types = np.array(["a", "b", None, "a", "b"], dtype=object)
    c = CumulativeIncidence().fit(t, types, event_of_interest="a")
    assert np.all(np.diff(c.timeline_) > 0) and c.timeline_[0] == 0
    assert c.predict(-1.0)[0] == 0.0
    km = KaplanMeier().fit(t + 1, event_observed=[1, 1, 0, 1, 1])
    assert km.predict(-5.0)[0] == 1.0   # the docstring: 1 before the origin


# ------------------------------------------------------------------------- monotone likelihood

def test_monotone_detection_is_exact_not_a_threshold():
    """A well-determined coefficient of about 62 is estimable; a separated covariate is not."""
    rng = np.random.default_rng(1)
    n = 400
    x = rng.normal(size=n) / 60          # tiny scale: beta about 62 is well determined
    t = rng.exponential(1 / np.exp(62 * x))
    df = pd.DataFrame({"stop": t, "event": 1, "x": x})
    f = CoxPH().fit(df, duration_col="stop", covariates="x")
    assert f.converged_ and f.estimable_["x"] and 40 < f.params_["x"] < 90
    # separation along u + v only: deaths (t = 1..4) have u + v = 4, 3, 2, 1 and the censored 0, so every
    # death has the largest u + v of its risk set, yet neither u nor v alone orders the deaths this way
    d = pd.DataFrame({"stop": np.arange(1.0, 9), "event": [1, 1, 1, 1, 0, 0, 0, 0],
                      "u": [4, 0, 2, 0, 0, 1, -1, 0], "v": [0, 3, 0, 1, 0, -1, 1, 0]})
    for one in ("u", "v"):
        assert CoxPH().fit(d, duration_col="stop", covariates=one).converged_
    with warnings.catch_warnings():
        warnings.simplefilter("error", NotEstimableWarning)
        with pytest.raises(NotEstimableWarning):
            CoxPH().fit(d, duration_col="stop", covariates=["u", "v"])
    data = lk.prepare(None, d["stop"], d["event"], d[["u", "v"]].to_numpy())
    assert monotone_directions(data).tolist() == [True, True]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 9), st.booleans(), st.integers(0, 1)), min_size=4, max_size=14))
@example([(1, False, 0), (1, False, 0), (1, False, 0), (2, True, 1)])  # flat: no mixed risk set at a death
def test_monotone_check_agrees_with_the_exposed_unexposed_rule(rows):
    """One 0/1 covariate: finite MLE iff some x=1 death has an x=0 row at risk and vice versa
    (the rule experiment 08 applied by hand).  When no death has a mixed risk set the partial
    likelihood is flat in beta (no information, not a monotone likelihood): no direction is reported."""
    t = np.array([r[0] for r in rows], float)
    e = np.array([r[1] for r in rows], float)
    x = np.array([r[2] for r in rows], float)
    if e.sum() == 0 or len(set(x)) < 2:
        return
    data = lk.prepare(None, t, e, x[:, None])
    found = {0.0: False, 1.0: False}
    for ti, xi in zip(t[e == 1], x[e == 1]):
        found[xi] |= bool(((t >= ti) & (x != xi)).any())
    if not (found[0.0] or found[1.0]):   # x never varies within a risk set: flat, not monotone
        assert not monotone_directions(data)[0]      # (CoxPH refuses it as a constant covariate)
        return
    assert monotone_directions(data)[0] == (not (found[0.0] and found[1.0]))


def test_not_estimable_summary_and_print():
    d = pd.DataFrame({"stop": [1.0, 2, 3, 4, 5, 6], "event": [1, 1, 1, 0, 0, 0], "x": [1, 1, 1, 0, 0, 0],
                      "w": [0.1, 0.5, -0.3, 0.2, 0.9, -1.0]})
    with pytest.warns(NotEstimableWarning):
        f = CoxPH().fit(d, duration_col="stop", covariates=["x", "w"])
    assert f.summary.loc["x", "status"].startswith("not estimable") and f.summary.loc["w", "status"] == "estimated"
    text = f.print_summary()
    assert "x: not estimable" in text and "e+" not in text


# ----------------------------------------------------------------------------- robust variances

def _brute(resid, bread, dep):
    meat = sum(np.outer(resid[i], resid[j]) for i in range(len(resid)) for j in range(len(resid)) if dep(i, j))
    return bread @ meat @ bread


def test_dyadic_and_multiway_meats_equal_the_pair_sums():
    rng = np.random.default_rng(3)
    n = 40
    a = rng.integers(0, 8, n)
    b = (a + 1 + rng.integers(0, 7, n)) % 8          # never equal to a
    U = np.abs(rng.normal(size=(n, 1)))      # positive residuals: every pair sum is positive (no clipping)
    B = np.array([[0.7]])
    share = lambda i, j: len({a[i], b[i]} & {a[j], b[j]}) > 0  # noqa: E731
    V, clipped = dyadic_variance(U, B, a, b)
    assert not clipped
    np.testing.assert_allclose(V, _brute(U, B, share), rtol=1e-10)
    V2, clipped2 = multiway_variance(U, B, a, b)
    assert not clipped2
    np.testing.assert_allclose(V2, _brute(U, B, lambda i, j: a[i] == a[j] or b[i] == b[j]), rtol=1e-10)
    V1 = cluster_variance(U, B, a)
    np.testing.assert_allclose(V1, _brute(U, B, lambda i, j: a[i] == a[j]), rtol=1e-10)


def test_dyadic_cox_fit_uses_both_endpoints():
    rng = np.random.default_rng(8)
    n = 300
    df = _df(n, seed=8).assign(a=rng.integers(0, 30, n))
    df["b"] = (df["a"] + 1 + rng.integers(0, 29, n)) % 30
    f = CoxPH().fit(df, covariates="x", dyad_cols=("a", "b"))
    assert f.variance_type_ == "dyadic" and f.n_clusters_ == 30
    U, B = f.score_residuals_, f.naive_variance_matrix_.to_numpy()
    np.testing.assert_allclose(f.variance_matrix_.to_numpy(), dyadic_variance(U, B, df["a"], df["b"])[0])
    two = CoxPH().fit(df, covariates="x", cluster_col=["a", "b"])
    assert two.variance_type_ == "multiway"
    assert "dyadic" in f.print_summary()


# -------------------------------------------------------------------------- prediction, at-risk

def test_baseline_survival_and_prediction():
    df = _df(200, seed=4)
    f = CoxPH().fit(df, duration_col="stop", covariates="x")
    s = f.predict_survival_function(pd.DataFrame({"x": [0.0, 1.0]}), [0.5, 1.0])
    np.testing.assert_allclose(s.iloc[:, 1], s.iloc[:, 0] ** np.exp(f.params_["x"]))
    np.testing.assert_allclose(f.predict_partial_hazard(pd.DataFrame({"x": [0.0, 1.0]})), [1, f.hazard_ratios_["x"]])
    # with no covariate effect the baseline is the Nelson–Aalen estimate
    g = CoxPH().fit(df.assign(x=df["x"] * 0 + np.arange(200) % 2), duration_col="stop", covariates="x")
    bh = g.baseline_cumulative_hazard_
    assert bh["cumulative_hazard"].is_monotonic_increasing and bh["events"].sum() == df["event"].sum()


def test_at_risk_table_under_a_km_plot():
    km = KaplanMeier().fit([1, 2, 3, 4, 5, 6], [1, 0, 1, 1, 0, 1], label="all")
    from twingraph.survival import at_risk_counts

    tab = at_risk_counts(km, [0, 2, 4, 6])
    assert tab["at_risk"].tolist() == [6, 5, 3, 1]          # durations >= t (the risk set of an event at t)
    assert tab["events"].tolist() == [0, 1, 3, 4] and tab["censored"].tolist() == [0, 1, 1, 2]
    left = KaplanMeier().fit([3, 4, 5], [1, 1, 1], entry=[0, 2, 3])
    assert at_risk_counts(left, [0, 2, 3, 4]).loc[:, "at_risk"].tolist() == [3, 1, 2, 2]
    ax = km.plot(ax=plt.figure().gca())
    ax.set_xticks([0, 2, 4, 6])
    add_at_risk_counts(ax, km, rows_to_show=("at_risk", "events"))
    texts = [t.get_text() for t in ax.texts]
    assert "6" in texts and "all at risk  " in texts
    plt.close("all")


def test_constraint_generation_equals_the_full_linear_programme():
    """Two covariates, left truncation, ties: the cutting-plane LPs give the verdict of the LP over every
    (death, at-risk row) constraint, on random data whose information at 0 is positive definite."""
    from scipy.optimize import linprog

    def full_lp(st, t, e, X):
        A = np.array([X[j] - X[i] for i in np.flatnonzero(e == 1) for j in np.flatnonzero((st < t[i]) & (t >= t[i]))])
        A = A[np.any(A != 0, axis=1)]
        out = np.zeros(2, bool)
        for k in range(2):
            for s in (1.0, -1.0):
                c = np.zeros(2)
                c[k] = -s
                r = linprog(c, A_ub=A, b_ub=np.zeros(len(A)), bounds=[(-1, 1)] * 2, method="highs")
                out[k] |= bool(r.status == 0 and -r.fun > 1e-9 and np.any(A @ r.x < -1e-9))
        return out

    rng = np.random.default_rng(7)
    checked = separated = 0
    while checked < 60:
        n = int(rng.integers(5, 14))
        t = rng.integers(1, 8, n).astype(float)
        e = (rng.uniform(size=n) < 0.5).astype(float)
        X = np.c_[rng.integers(0, 2, n), rng.integers(-1, 2, n)].astype(float)
        st = np.where(rng.uniform(size=n) < 0.3, t - 1, -np.inf)
        data = lk.prepare(st, t, e, X)
        if e.sum() == 0 or np.linalg.eigvalsh(lk.evaluate(data, np.zeros(2)).information).min() < 1e-9:
            continue    # no events, or a flat direction (CoxPH refuses those before asking)
        mine = monotone_directions(data)
        assert mine.tolist() == full_lp(st, t, e, X).tolist()
        checked += 1
        separated += bool(mine.any())
    assert 10 < separated < 55       # both verdicts are exercised
