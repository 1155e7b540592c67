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
    res = gravity_model(pairs).set_index("term")
    for term, truth in (("log_km", -0.9), ("border", 0.5), ("shared_language", 0.8)):
        assert res.loc[term, "ci_low"] < truth < res.loc[term, "ci_high"], term
    assert res.attrs["n_countries"] == 40


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
