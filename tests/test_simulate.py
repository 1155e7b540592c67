"""Simulation with known truth: the network generator and the survival validation."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from scipy import stats

from twingraph.simulate import country_codes, simulate_network, simulate_network_with_truth, validate_survival
from twingraph.survival import YEAR_DAYS, KaplanMeier, counting_process
from twingraph.tables import validate


def test_simulated_network_is_valid_seeded_and_simple():
    data, truth = simulate_network_with_truth(n_places=200, n_ties=800, random_state=3)
    validate(data)
    s = data.spells
    assert len(s) == 800 and s["tie_id"].is_unique
    assert not s[["a", "b"]].duplicated().any() and (s["a"] < s["b"]).all()
    assert set(data.places["country"]) <= set(country_codes(8))
    assert data.observed == pd.Timestamp("2025-01-01")
    assert s["start"].min() >= pd.Timestamp("1945-01-01") and s["start"].max() < data.observed
    assert (s.loc[s["end"].notna(), "end"] < data.observed).all()
    assert s["end_status"].isna().equals(s["end"].isna())
    # exposure = a place in the target country (default: the largest, XAA)
    cmap = data.places.set_index("place_id")["country"]
    exp = (s["a"].map(cmap) == "XAA") | (s["b"].map(cmap) == "XAA")
    assert truth.exposed.to_numpy().tolist() == exp.tolist()
    assert data.notes["truth"]["hazard_ratio"] == 2.0 and data.notes["truth"]["exposed_spells"] == exp.sum()
    assert data.events["targets"].tolist() == ["XAA"]
    # seeded: same seed, same network; another seed, another network
    again = simulate_network(n_places=200, n_ties=800, random_state=3)
    pd.testing.assert_frame_equal(again.spells, data.spells)
    pd.testing.assert_frame_equal(again.places, data.places)
    assert not simulate_network(n_places=200, n_ties=800, random_state=4).spells["a"].equals(s["a"])
    # suspensions only for exposed ties, only after the shock
    susp = s["end_status"] == "suspended"
    assert susp.sum() > 0 and truth.exposed[susp.to_numpy()].all()
    assert (s.loc[susp, "end"] >= truth.shock_date).all()


def test_homophily_and_preferential_attachment():
    def same_share(h):
        d = simulate_network(n_places=400, n_ties=3000, homophily=h, size_homophily=0.0, random_state=1)
        cmap = d.places.set_index("place_id")["country"]
        return float((d.spells["a"].map(cmap) == d.spells["b"].map(cmap)).mean()), d

    low, d1 = same_share(1.0)
    high, _ = same_share(8.0)
    assert high > low + 0.15
    # preferential attachment: degrees far more dispersed than uniform random pairing (Poisson)
    deg = pd.concat([d1.spells["a"], d1.spells["b"]]).value_counts().reindex(d1.places["place_id"], fill_value=0)
    assert deg.var() > 3 * deg.mean()


def test_baseline_and_shock_hazards_are_recovered():
    lam, hr = 0.04, 3.0
    data, truth = simulate_network_with_truth(n_places=2000, n_ties=20_000, baseline_hazard=lam, shock_hr=hr,
                                              shock_date="1990-01-01", random_state=7)
    cp = counting_process(data, exposures=truth.exposures)
    time_at_risk = (cp["stop"] - cp["start"])
    pre = cp["shock"] == 0
    lam_hat = cp.loc[pre, "event"].sum() / time_at_risk[pre].sum()        # exponential MLE
    post_hat = cp.loc[~pre, "event"].sum() / time_at_risk[~pre].sum()
    n_pre, n_post = cp.loc[pre, "event"].sum(), cp.loc[~pre, "event"].sum()
    assert abs(np.log(lam_hat / lam)) < 4 / np.sqrt(n_pre)
    assert abs(np.log(post_hat / (lam * hr))) < 4 / np.sqrt(n_post)
    # Kaplan–Meier of unexposed ties follows exp(-lambda t)
    un = cp[~truth.exposed.reindex(cp["id"]).to_numpy()]
    km = KaplanMeier().fit(un["stop"], un["event"])
    t = km.timeline_[km.timeline_ <= 40]
    assert np.max(np.abs(km.predict(t) - np.exp(-lam * t))) < 0.03
    # durations are whole days
    d = (data.spells["end"] - data.spells["start"]).dt.days.dropna()
    assert (d >= 1).all()
    assert np.isclose(YEAR_DAYS * cp["stop"].max(), round(YEAR_DAYS * cp["stop"].max()))


def test_simulation_at_1e5_ties():
    """Scale check of the outputs; its timing is in benchmarks/bench_scale.py (no wall-clock asserts)."""
    data = simulate_network(n_places=20_000, n_ties=100_000, random_state=0)
    assert len(data.spells) == 100_000 and not data.spells[["a", "b"]].duplicated().any()


def test_validate_survival_coverage_and_bias():
    res = validate_survival(n_replicates=40, hazard_ratio=2.0, random_state=0, n_jobs=2, n_ties=1000, n_places=200)
    assert res["replicates"] == 40 and res["hazard_ratio_true"] == 2.0
    assert res["n_not_estimable"] + res["n_used"] == 40   # non-estimable replicates counted, not averaged
    # P(X <= 33 | Bin(40, 0.95)) = 0.003: coverage below 34/40 would reject nominal 95% coverage
    assert res["coverage_95"] >= 34 / 40
    assert stats.binom.cdf(round(res["coverage_95"] * 40), 40, 0.95) > 0.001
    assert abs(res["bias"]) < 4 * res["sd_log_hr"] / np.sqrt(40)
    assert 0.7 < res["se_mean"] / res["sd_log_hr"] < 1.4
    assert res["km_max_abs_error"] < 0.08
    assert res["exposed_events_mean"] > 10
    again = validate_survival(n_replicates=4, random_state=1, n_jobs=1, n_ties=600, n_places=150)
    first4 = validate_survival(n_replicates=4, random_state=1, n_jobs=2, n_ties=600, n_places=150)
    assert again["bias"] == first4["bias"]  # seeded, independent of the number of workers


def test_too_many_ties_rejected():
    with pytest.raises(ValueError):
        simulate_network(n_places=10, n_ties=30)


# ------------------------------------------------------------------ the real design (dyadic coverage)

def test_shock_cohort_equals_counting_process_on_its_recorded_spells():
    """The fast replicate builds exactly the rows counting_process(origin="window") builds from the
    recorded (partial) dates, including the exclusions."""
    from twingraph.simulate import shock_design, simulate_shock_cohort

    d = shock_design(n_places=80, n_ties=400, random_state=3)
    for conv in ("earliest", "midpoint", "latest"):
        kw = dict(place_frailty_sd=1.0, partial_dates={"month": 0.3, "year": 0.3}, baseline_hazard=0.15,
                  dates=conv)
        cp = simulate_shock_cohort(d, 5, **kw)
        sp = simulate_shock_cohort(d, 5, spells=True, **kw)
        assert set(sp["start_precision"]) == {"day", "month", "year"}
        ref = counting_process(sp, origin="window", window_start=d.shock, observed=d.observed, dates=conv)
        assert len(cp) == len(ref)
        np.testing.assert_allclose(cp["start"], ref["start"], atol=1e-12)
        np.testing.assert_allclose(cp["stop"], ref["stop"], atol=1e-12)
        assert (cp["event"].to_numpy() == ref["event"].to_numpy()).all()


def test_coverage_replicate_equals_the_public_fitter():
    import warnings

    from twingraph.simulate import SE_TYPES, _coverage_replicate, shock_design, simulate_shock_cohort
    from twingraph.survival import CoxPH

    d = shock_design(n_places=100, n_ties=800, random_state=2)
    settings = dict(shock_hr=2.0, baseline_hazard=0.15, place_frailty_sd=1.0, partial_dates={}, dates="midpoint")
    seed = np.random.SeedSequence(9)
    row = _coverage_replicate(d, seed, settings)
    cp = simulate_shock_cohort(d, seed, **settings)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fits = {"model": CoxPH().fit(cp, covariates="exposed"),
                "one-way (place a)": CoxPH().fit(cp, covariates="exposed", cluster_col="a"),
                "two-way (a, b)": CoxPH().fit(cp, covariates="exposed", cluster_col=["a", "b"]),
                "dyadic": CoxPH().fit(cp, covariates="exposed", dyad_cols=("a", "b"))}
    assert np.isclose(row["log_hr"], fits["model"].params_["exposed"], rtol=1e-10)
    for k in SE_TYPES:
        assert np.isclose(row[f"se_{k}"], fits[k].standard_errors_["exposed"], rtol=1e-10)


def test_dyadic_coverage_is_seeded_and_counts_non_estimable():
    from joblib import parallel_config

    from twingraph.simulate import dyadic_coverage

    sc = {"tiny": {"place_frailty_sd": 1.0}}
    kw = dict(n_places=40, n_ties=120, baseline_hazard=0.05, pseudo_true_replicates=20, batch_size=7)
    s1, r1 = dyadic_coverage(30, sc, random_state=4, n_jobs=1, **kw)
    with parallel_config(backend="threading", n_jobs=2):
        s2, r2 = dyadic_coverage(30, sc, random_state=4, **kw)
    pd.testing.assert_frame_equal(r1, r2)          # same numbers whatever the backend and workers
    pd.testing.assert_frame_equal(s1, s2)
    # a small network with few ends: some replicates have a monotone likelihood; counted, excluded
    ne = int(s1["n_not_estimable"].iloc[0])
    assert ne > 0
    assert ne == int((~r1["estimable"]).sum()) and s1["n_used"].iloc[0] == 30 - ne
    assert r1.loc[~r1["estimable"], "log_hr"].isna().all()


def test_cli_validate_survival_dyadic(capsys):
    import json

    from twingraph.cli import main

    assert main(["validate-survival", "--dyadic", "--replicates", "3", "--seed", "2", "--jobs", "1",
                 "--pseudo-true-replicates", "3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["se_type"] for r in rows} == {"model", "one-way (place a)", "two-way (a, b)", "dyadic"}
    assert all(r["n_replicates"] == 3 for r in rows)


def test_validate_survival_counts_and_excludes_non_estimable_replicates():
    """Issue 10: non-estimable replicates were counted as covering the truth."""
    r = validate_survival(n_replicates=8, random_state=3, n_jobs=1, n_ties=60, n_places=40, baseline_hazard=0.01,
                          window_years=3.0)
    assert r["n_not_estimable"] == 6 and r["n_used"] == 2     # tiny networks: few ends, mostly separated
    assert 0 <= r["coverage_95"] <= 1 and np.isfinite(r["bias"])
