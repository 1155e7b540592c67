"""Counterfactual tie removal: exact small cases, cross-checks with networkx, seeding."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from twingraph.counterfactual import (counterfactual_removal, country_cut_null, exposed_edges, foreign_edges,
                                      remove_ties)


def barbell() -> nx.Graph:
    """Two triangles {a1,a2,a3} and {b1,b2,b3} joined by the bridge a1-b1, plus a pendant c on b2."""
    G = nx.Graph()
    G.add_edges_from([("a1", "a2"), ("a2", "a3"), ("a1", "a3"), ("b1", "b2"), ("b2", "b3"), ("b1", "b3"),
                      ("a1", "b1"), ("b2", "c")], weight=1)
    return G


def row(res, measure: str) -> pd.Series:  # type: ignore[no-untyped-def]
    return res.table.set_index("measure").loc[measure]


def test_remove_ties_by_edges_and_mask():
    G = barbell()
    H = remove_ties(G, [("b1", "a1")])
    assert H.number_of_edges() == 7 and not H.has_edge("a1", "b1") and G.has_edge("a1", "b1")
    assert set(H.nodes) == set(G.nodes)
    mask = np.array([u == "b2" or v == "b2" for u, v in G.edges()])
    H2 = remove_ties(G, mask)
    assert H2.degree("b2") == 0 and H2.number_of_edges() == 5
    with pytest.raises(ValueError, match="not in the graph"):
        remove_ties(G, [("a1", "c")])
    with pytest.raises(ValueError, match="mask has"):
        remove_ties(G, np.array([True, False]))


def test_bridge_removal_splits_lcc_exactly():
    G = barbell()
    df = counterfactual_removal(G, [("a1", "b1")], n_replicates=200, random_state=1)
    lcc = row(df, "lcc_size")
    assert lcc["baseline"] == 7 and lcc["observed"] == 4  # {b1,b2,b3,c} remains, {a1,a2,a3} splits off
    assert row(df, "n_components")["observed"] == 2
    H = remove_ties(G, [("a1", "b1")])
    assert row(df, "efficiency")["baseline"] == pytest.approx(nx.global_efficiency(G), rel=1e-12)
    assert row(df, "efficiency")["observed"] == pytest.approx(nx.global_efficiency(H), rel=1e-12)
    # mean over connected pairs: components {a1,a2,a3} (3 pairs at 1) and {b1,b2,b3,c}
    d = dict(nx.all_pairs_shortest_path_length(H))
    pairs = [d[u][v] for u in H for v in d[u] if u < v]
    assert row(df, "mean_distance")["observed"] == pytest.approx(np.mean(pairs), rel=1e-12)
    assert row(df, "mean_distance")["baseline"] == pytest.approx(nx.average_shortest_path_length(G), rel=1e-12)
    # a random single cut leaves an LCC of 4 (the bridge, p = 1/8), 6 (b2-c, 1/8) or 7 (6/8): mean 6.5, sd 1
    assert row(df, "lcc_size")["null_mean"] == pytest.approx(6.5, abs=0.3)
    assert row(df, "lcc_size")["null_sd"] == pytest.approx(1.0, abs=0.2)
    # two-sided: |null - 6.5| >= |4 - 6.5| only for LCC 4 (p = 1/8)
    assert row(df, "lcc_size")["p_value"] == pytest.approx(1 / 8, abs=0.07)
    assert df.k == 1 and df.distances == "exact" and df.n == 7 and df.m == 8 and df.random_state == 1
    assert df.replicates.shape == (200, len(df.table)) and df.to_frame().equals(df.table)


def test_removing_nothing_changes_nothing():
    G = barbell()
    df = counterfactual_removal(G, [], hubs=["b2"], n_replicates=10, random_state=0).table
    assert (df["observed"] == df["baseline"]).all()
    btw = df["measure"].str.startswith("betweenness_rank")  # exact for intact/cut graphs only
    assert btw.sum() == 1 and df.loc[btw, "null_mean"].isna().all() and (df.loc[btw, "n_replicates"] == 0).all()
    rest = df[~btw]
    assert np.allclose(rest["null_mean"], rest["baseline"]) and (rest["null_sd"] == 0).all()
    assert rest["z"].isna().all() and (rest["p_value"] == 1.0).all()


def test_seeds_reproducible_and_n_jobs_invariant():
    G = nx.relabel_nodes(nx.karate_club_graph(), lambda i: f"k{i:02d}")
    cut = [("k00", "k01"), ("k00", "k02"), ("k32", "k33")]
    a = counterfactual_removal(G, cut, hubs=["k00", "k33"], n_replicates=30, random_state=7)
    b = counterfactual_removal(G, cut, hubs=["k00", "k33"], n_replicates=30, random_state=7)
    pd.testing.assert_frame_equal(a.table, b.table)
    c = counterfactual_removal(G, cut, hubs=["k00", "k33"], n_replicates=30, random_state=8)
    assert not np.allclose(a.table["null_mean"], c.table["null_mean"])
    d = counterfactual_removal(G, cut, hubs=["k00", "k33"], n_replicates=30, random_state=7, n_jobs=2)
    pd.testing.assert_frame_equal(a.table, d.table)
    from joblib import parallel_config

    with parallel_config(backend="threading", n_jobs=2):
        e = counterfactual_removal(G, cut, hubs=["k00", "k33"], n_replicates=30, random_state=7)
    pd.testing.assert_frame_equal(a.table, e.table)
    # Louvain on the intact karate club: modularity ~0.42 (Blondel et al. report 0.42)
    assert row(a, "modularity")["baseline"] == pytest.approx(0.4188, abs=0.01)


def test_hub_ranks_and_modularity_hand_case():
    # star centre s with 4 leaves, leaf l1 also tied to x-y-z path: s is the top hub
    G = nx.Graph([("s", "l1"), ("s", "l2"), ("s", "l3"), ("s", "l4"), ("l1", "x"), ("x", "y"), ("y", "z")])
    df = counterfactual_removal(G, [("s", "l2"), ("s", "l3"), ("s", "l4")], hubs=["s", "x"], n_replicates=5, random_state=0)
    assert row(df, "degree_rank[s]")["baseline"] == 1
    assert row(df, "degree_rank[s]")["observed"] == 4  # degree 1 now, below l1, x, y (degree 2)
    assert row(df, "betweenness_rank[s]")["baseline"] == 1  # s carries 15 shortest paths, l1 12
    assert row(df, "betweenness_rank[x]")["baseline"] == 3
    assert row(df, "betweenness_rank[x]")["observed"] == 1  # path s-l1-x-y-z: x is its middle
    # two 4-cliques joined by one edge: Louvain finds the two cliques
    K = nx.Graph()
    K.add_edges_from(nx.complete_graph(["p1", "p2", "p3", "p4"]).edges())
    K.add_edges_from(nx.complete_graph(["q1", "q2", "q3", "q4"]).edges())
    K.add_edge("p1", "q1")
    m = row(counterfactual_removal(K, [], n_replicates=0), "modularity")["baseline"]
    want = nx.community.modularity(K, [{"p1", "p2", "p3", "p4"}, {"q1", "q2", "q3", "q4"}])
    assert m == pytest.approx(want, rel=1e-12) and want == pytest.approx(2 * (6 / 13 - (13 / 26) ** 2))
    with pytest.raises(ValueError, match="hub"):
        counterfactual_removal(K, [], hubs=["nowhere"], n_replicates=0)


def test_efficiency_and_distances_are_exact_against_networkx():
    G = nx.relabel_nodes(nx.les_miserables_graph(), str)
    G = nx.Graph(G.edges())
    cut = sorted(G.edges())[:30]
    df = counterfactual_removal(G, cut, measures=("efficiency", "mean_distance"), n_replicates=3, random_state=2)
    H = remove_ties(G, cut)
    assert row(df, "efficiency")["baseline"] == pytest.approx(nx.global_efficiency(G), rel=1e-12)
    assert row(df, "efficiency")["observed"] == pytest.approx(nx.global_efficiency(H), rel=1e-12)
    assert row(df, "mean_distance")["baseline"] == pytest.approx(nx.average_shortest_path_length(G), rel=1e-12)
    assert df.distances == "exact"
    assert df.replicates.shape == (3, 2)


def test_country_cut_null_ranks_every_country():
    # country X is a bridge between two halves; Y and Z hang off one side
    G = nx.Graph([("x1", "a1"), ("x1", "b1"), ("a1", "a2"), ("b1", "b2"), ("y1", "a2"), ("z1", "b2"),
                  ("x1", "x2")])
    ctry = {"x1": "X", "x2": "X", "a1": "A", "a2": "A", "b1": "B", "b2": "B", "y1": "Y", "z1": "Z"}
    nx.set_node_attributes(G, ctry, "country")
    res = country_cut_null(G, "X", comparable=(0.1, 10))
    df = res.table
    base = nx.global_efficiency(G)
    for c in "XABYZ":
        H = remove_ties(G, foreign_edges(G, c))
        got = df.set_index("country").loc[c]
        assert got["efficiency"] == pytest.approx(nx.global_efficiency(H), rel=1e-12)
        assert got["loss"] == pytest.approx(base - nx.global_efficiency(H), rel=1e-9)
    assert res.focal_rank == 1 and df["country"].iloc[0] == "X" and res.baseline == pytest.approx(base)
    assert df.set_index("country").loc["X", "k_foreign"] == 2
    assert res.matched.statistic == pytest.approx(df["loss"].iloc[0])
    assert res.n_comparable == 4 and res.n_countries == 5 and res.focal == "X"


def test_random_pool_restricts_the_null():
    G = barbell()
    # random cuts drawn only from the two triangles' internal edges never disconnect anything
    pool = [("a1", "a2"), ("a2", "a3"), ("b2", "b3")]
    df = counterfactual_removal(G, [("a1", "b1")], measures=("lcc",), pool=pool, n_replicates=10, random_state=0)
    assert row(df, "lcc_size")["null_mean"] == 7 and row(df, "lcc_size")["null_sd"] == 0
    with pytest.raises(ValueError, match="pool"):
        counterfactual_removal(G, [("a1", "b1"), ("b2", "c")], measures=("lcc",), pool=[("a1", "a2")])


def test_exposed_edges_keeps_pairs_with_an_unexposed_tie():
    spells = pd.DataFrame({
        "spell_id": ["t1#0", "t2#0", "t3#0", "t4#0", "t5#0"],
        "a": ["a", "a", "b", "c", "d"],
        "b": ["b", "b", "c", "d", "d"],
    })
    exposed = pd.Series([True, False, True, True, True], index=spells["spell_id"])
    assert exposed_edges(spells, exposed) == [("b", "c"), ("c", "d")]  # a-b has an unexposed tie; d-d a loop
