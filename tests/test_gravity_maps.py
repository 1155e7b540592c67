"""Distance decay, gravity model, country-pair null, communities null, map outlines: hand and simulated cases."""

from __future__ import annotations

import igraph as ig
import numpy as np
import pandas as pd
import pytest

from twingraph.measures import country_pair_null, distance_decay, gravity_model, haversine_km, modularity_null
from twingraph.measures.gravity import DEFAULT_DECAY_BINS_KM, country_pairs


def test_distance_decay_counts_every_pair_like_brute_force() -> None:
    rng = np.random.default_rng(0)
    g = ig.Graph.Erdos_Renyi(300, 0.02, loops=False)
    g.vs["lat"] = rng.uniform(-60, 70, 300)
    g.vs["lon"] = rng.uniform(-180, 180, 300)
    la, lo = np.asarray(g.vs["lat"]), np.asarray(g.vs["lon"])
    i, j = np.triu_indices(300, 1)
    ref = np.histogram(haversine_km(la[i], lo[i], la[j], lo[j]), DEFAULT_DECAY_BINS_KM)[0]
    d = distance_decay(g, block=37)
    assert d["n_pairs"].tolist() == ref.tolist()
    e = np.asarray(g.get_edgelist())
    assert d["n_ties"].sum() == np.sum(haversine_km(la[e[:, 0]], lo[e[:, 0]], la[e[:, 1]], lo[e[:, 1]]) >= 1)
    full = d[d["n_pairs"] > 0]
    assert ((full["p_low"] <= full["p_tie"]) & (full["p_tie"] <= full["p_high"])).all()
    assert d.loc[d["n_pairs"] == 0, "p_tie"].isna().all()


def test_gravity_model_recovers_simulated_coefficients() -> None:
    rng = np.random.default_rng(1)
    codes = [f"C{i:02d}" for i in range(40)]
    fe = dict(zip(codes, rng.normal(0, 0.5, 40)))
    rows = []
    for a in range(40):
        for b in range(a + 1, 40):
            km = rng.uniform(100, 10000)
            border, lang = int(rng.random() < 0.1), int(rng.random() < 0.2)
            mu = np.exp(3 - 0.9 * np.log(km / 1000) + 0.5 * border + 0.8 * lang + fe[codes[a]] + fe[codes[b]])
            rows.append((codes[a], codes[b], rng.poisson(mu), km, np.log(km), 10, 10, border, lang))
    pairs = pd.DataFrame(rows, columns=["country_a", "country_b", "n_ties", "km", "log_km", "n_places_a",
                                        "n_places_b", "border", "shared_language"])
    fit = gravity_model(pairs)
    res = fit.table.set_index("term")
    for term, truth in (("log_km", -0.9), ("border", 0.5), ("shared_language", 0.8)):
        assert res.loc[term, "ci_low"] < truth < res.loc[term, "ci_high"], term
    assert fit["n_countries"] == 40 and fit.n_obs == 780 and fit.method == "poisson"
    assert 0 < fit["pseudo_r2"] < 1 and fit.to_frame().equals(fit.table)


def test_country_pairs_counts_international_ties_and_borders() -> None:
    g = ig.Graph([(0, 1), (0, 2), (1, 2), (2, 3)])
    g.vs["country"] = ["AAA", "BBB", "BBB", "CCC"]
    g.vs["lat"] = [0.0, 0.0, 1.0, 10.0]
    g.vs["lon"] = [0.0, 1.0, 1.0, 10.0]
    t = country_pairs(g, borders={("BBB", "AAA")}, languages={"AAA": ["x"], "BBB": ["y"], "CCC": ["x"]})
    t = t.set_index(["country_a", "country_b"])
    assert t.loc[("AAA", "BBB"), "n_ties"] == 2 and t.loc[("BBB", "CCC"), "n_ties"] == 1
    assert t.loc[("AAA", "CCC"), "n_ties"] == 0 and t["n_ties"].sum() == 3  # the domestic BBB tie is left out
    assert t.loc[("AAA", "BBB"), "border"] == 1 and t.loc[("AAA", "CCC"), "shared_language"] == 1


def test_country_pair_null_keeps_degrees_and_pair_counts() -> None:
    rng = np.random.default_rng(2)
    g = ig.Graph.Erdos_Renyi(200, 0.03)
    g.vs["country"] = rng.choice(["AAA", "BBB", "CCC"], 200).tolist()
    g.vs["lat"] = rng.uniform(-50, 50, 200)
    g.vs["lon"] = rng.uniform(-50, 50, 200)
    km, obs = country_pair_null(g, 3)
    e = np.asarray(g.get_edgelist())
    la, lo = np.asarray(g.vs["lat"]), np.asarray(g.vs["lon"])
    assert len(obs) == g.ecount() and len(km) <= len(obs)
    assert np.isclose(obs.sum(), haversine_km(la[e[:, 0]], lo[e[:, 0]], la[e[:, 1]], lo[e[:, 1]]).sum())
    assert not np.allclose(np.sort(km)[: len(km) // 2], np.sort(obs)[: len(km) // 2])  # shuffled


def test_modularity_null_separates_planted_cliques() -> None:
    g = ig.Graph.Full(6) + ig.Graph.Full(6) + ig.Graph.Full(6)
    g.add_edges([(0, 6), (6, 12)])
    g.es["weight"] = 1.0
    res, null = modularity_null(g, n_replicates=30, random_state=0)
    assert res.statistic > null.max() and res.effect_size > 1 and res.n_replicates == 30
    assert res.p_value == pytest.approx(1 / 31)


def test_natural_earth_outlines_and_borders(shared_data) -> None:  # type: ignore[no-untyped-def]
    if not (shared_data / "natural-earth-110m").is_dir():
        pytest.skip("natural-earth-110m not in the data directory")
    from twingraph import maps

    w = maps.countries()
    assert len(w) == 177 and {"FRA", "NOR", "XKX", "DEU"} <= set(w["iso3"]) and not w["iso3"].duplicated().any()
    b = maps.shared_borders(w)
    assert ("DEU", "FRA") in b and ("FRA", "GBR") not in b and ("GBR", "IRL") in b
    x, y = maps.project_lonlat([0.0], [0.0])
    assert abs(x[0]) < 1e-6 and abs(y[0]) < 1e-6


def _sim_pairs(seed: int = 1, n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    codes = [f"C{i:02d}" for i in range(n)]
    fe = dict(zip(codes, rng.normal(0, 0.5, n)))
    rows = []
    for a in range(n):
        for b in range(a + 1, n):
            km = rng.uniform(100, 10000)
            border, lang = int(rng.random() < 0.1), int(rng.random() < 0.2)
            mu = np.exp(3 - 0.9 * np.log(km / 1000) + 0.5 * border + 0.8 * lang + fe[codes[a]] + fe[codes[b]])
            rows.append((codes[a], codes[b], rng.poisson(mu), km, np.log(km), 10, 10, border, lang))
    return pd.DataFrame(rows, columns=["country_a", "country_b", "n_ties", "km", "log_km", "n_places_a",
                                       "n_places_b", "border", "shared_language"])


def test_gravity_dyadic_se_matches_the_sandwich_by_hand_and_widens_with_country_shocks() -> None:
    import statsmodels.api as sm

    from twingraph.survival.robust import dyadic_variance

    pairs = _sim_pairs()
    res = gravity_model(pairs).table.set_index("term")
    assert (res["se_type"] == "dyadic (both countries of the pair)").all()
    # by hand: GLM score residuals and the inverse information, dyadic meat over the two countries
    codes = sorted(set(pairs["country_a"]) | set(pairs["country_b"]))
    X = pairs[["log_km", "border", "shared_language"]].astype(float)
    for c in codes[1:]:
        X[f"fe_{c}"] = ((pairs["country_a"] == c) | (pairs["country_b"] == c)).astype(float)
    X = sm.add_constant(X)
    fit = sm.GLM(pairs["n_ties"].to_numpy(float), X, family=sm.families.Poisson()).fit()
    Xa = X.to_numpy(float)
    V, _ = dyadic_variance(Xa * (pairs["n_ties"].to_numpy() - fit.mu)[:, None],
                           np.linalg.inv(Xa.T @ (Xa * fit.mu[:, None])), pairs["country_a"], pairs["country_b"])
    assert res.loc["log_km", "se"] == pytest.approx(np.sqrt(V[1, 1]), rel=1e-6)
    hc1 = gravity_model(pairs, se="hc1").table.set_index("term")
    assert hc1.loc["log_km", "se"] == pytest.approx(res.loc["log_km", "se_hc1"])
    # a shock shared by all pairs of a country (not in the model) makes pairs dependent: dyadic SEs grow
    rng = np.random.default_rng(5)
    shock = dict(zip(codes, rng.normal(0, 0.8, len(codes))))
    km_shock = pairs.assign(n_ties=rng.poisson(pairs["n_ties"] * np.exp(
        pairs["country_a"].map(shock) * (pairs["log_km"] - pairs["log_km"].mean())) + 0.0))
    r2 = gravity_model(km_shock).table.set_index("term")
    assert r2.loc["log_km", "se"] > 1.5 * r2.loc["log_km", "se_hc1"]


def test_decay_slopes_finds_the_break_and_short_tie_bins_partition_the_ties() -> None:
    from twingraph.measures import decay_slopes, short_tie_bins
    from twingraph.measures.gravity import hinge_curve

    km = np.logspace(1, 4.3, 34)
    p = np.where(km < 1500, 1e-3 * (km / 10) ** -0.8, 1e-3 * 150 ** -0.8 * (km / 1500) ** -0.1)
    t = pd.DataFrame({"bin_lo_km": km, "bin_hi_km": km * 1.25, "km_mid": km, "n_pairs": 1e9, "n_ties": 1e9 * p})
    r = decay_slopes(t, candidates_km=[500, 1000, 1500, 2000])
    assert r.break_km == 1500.0 and r.n_bins == 34
    assert r.table["slope"].tolist() == pytest.approx([-0.8, -0.1], abs=1e-6)
    assert hinge_curve(r, [100.0])[0] == pytest.approx(1e-3 * 10 ** -0.8, rel=1e-6)
    rng = np.random.default_rng(0)
    g = ig.Graph.Erdos_Renyi(200, 0.03)
    g.vs["lat"], g.vs["lon"] = rng.uniform(40, 60, 200), rng.uniform(0, 30, 200)
    g.vs["country"] = [f"C{i % 4}" for i in range(200)]
    b = short_tie_bins(g, (0, 300, 1000, np.inf), n_replicates=20, random_state=1)
    assert b["n_ties"].sum() == g.ecount() and b["share"].sum() == pytest.approx(1.0)
    assert b["null_mean"].sum() == pytest.approx(1.0)
    # an Erdos-Renyi graph ignores distance: every bin's ratio is near 1
    assert ((b["ratio"] > 0.7) & (b["ratio"] < 1.5)).all() and (b["p_value"] > 0.01).all()


def test_gravity_expected_keeps_strengths_and_the_domestic_total_and_feeds_the_modularity_null() -> None:
    from twingraph.measures import gravity_expected

    pairs = _sim_pairs(n=12)
    dom = {c: 30 + 5 * i for i, c in enumerate(sorted(set(pairs["country_a"]) | set(pairs["country_b"])))}
    res_e = gravity_expected(pairs, dom)
    e = res_e.table
    ends = pd.concat([e[["country_a", "mu", "n_ties"]].rename(columns={"country_a": "c"}),
                      e[["country_b", "mu", "n_ties"]].rename(columns={"country_b": "c"})]).groupby("c").sum()
    np.testing.assert_allclose(ends["mu"], ends["n_ties"], rtol=1e-6)
    d = e[e["country_a"] == e["country_b"]]
    assert d["mu"].sum() == pytest.approx(sum(dom.values()), rel=1e-6)
    assert res_e.n_dropped == 0 and res_e.coef["log_km"] == pytest.approx(-0.9, abs=0.1)
    g = ig.Graph()
    g.add_vertices(sorted(dom))
    g.add_edges([(a, b) for a, b in zip(e["country_a"], e["country_b"])])
    g.es["weight"] = e["n_ties"].astype(float).tolist()
    res, null = modularity_null(g, n_replicates=5, n_seeds=1, random_state=3, expected=e)
    assert len(null) == 5 and "gravity-expected" in res.null_model


def _geo_graph(n: int = 300, m: int = 500, seed: int = 2) -> ig.Graph:
    rng = np.random.default_rng(seed)
    g = ig.Graph.Erdos_Renyi(n=n, m=m)
    g.vs["lat"] = rng.uniform(35, 60, n).tolist()
    g.vs["lon"] = rng.uniform(-10, 30, n).tolist()
    g.vs["country"] = rng.choice(["DEU", "FRA", "POL", "ITA"], n).tolist()
    return g


def test_distance_decay_and_short_ties_do_not_depend_on_workers_or_setup_reuse():
    from twingraph.measures import short_tie_excess

    g = _geo_graph()
    pd.testing.assert_frame_equal(distance_decay(g, block=37), distance_decay(g, block=37, n_jobs=2))
    # short_tie_excess reuses one setup for every replicate: the same draws as country_pair_null
    r = short_tie_excess(g, 300, n_replicates=20, random_state=np.random.default_rng(5))
    rng = np.random.default_rng(5)
    ref = np.array([np.mean(country_pair_null(g, rng)[0] < 300) for _ in range(20)])
    assert r.n_replicates == 20 and r.null_mean == float(ref.mean()) and r.null_sd == float(ref.std(ddof=1))
