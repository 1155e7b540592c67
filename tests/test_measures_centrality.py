"""Centralities against networkx; approximate betweenness error bound; rank table."""

from __future__ import annotations

import math

import igraph as ig
import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twingraph.measures import centrality as Ce
from twingraph.measures._common import as_igraph, igraph_seed


def nx_vec(d: dict, G: nx.Graph) -> np.ndarray:
    return np.array([d[u] for u in sorted(G)], dtype=float)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(3, 40), p=st.floats(0.05, 0.5), seed=st.integers(0, 10_000))
def test_agree_with_networkx(n, p, seed):
    G = nx.gnp_random_graph(n, p, seed=seed)
    g = as_igraph(G)
    assert Ce.betweenness(g) == pytest.approx(nx_vec(nx.betweenness_centrality(G, normalized=False), G))
    assert Ce.betweenness(g, normalized=True) == pytest.approx(nx_vec(nx.betweenness_centrality(G), G))
    assert Ce.closeness(g) == pytest.approx(nx_vec(nx.closeness_centrality(G), G))
    assert Ce.harmonic(g) == pytest.approx(nx_vec(nx.harmonic_centrality(G), G) / (n - 1))
    assert Ce.harmonic(g, normalized=False) == pytest.approx(nx_vec(nx.harmonic_centrality(G), G))
    assert Ce.core_number(g) == pytest.approx(nx_vec(nx.core_number(G), G))
    assert Ce.pagerank(g) == pytest.approx(nx_vec(nx.pagerank(G, tol=1e-12, max_iter=10_000), G), abs=1e-6)
    assert Ce.degree_centrality(g) == pytest.approx(nx_vec(dict(G.degree()), G))


def test_eigenvector_agrees_with_networkx_on_connected_graphs():
    for seed in range(5):
        G = nx.connected_watts_strogatz_graph(60, 4, 0.3, seed=seed)
        g = as_igraph(G)
        ref = nx_vec(nx.eigenvector_centrality_numpy(G), G)
        assert Ce.eigenvector(g) == pytest.approx(ref / ref.max(), abs=1e-6)


def test_parallel_betweenness_equals_serial():
    with igraph_seed(2):
        g = ig.Graph.Barabasi(800, 2)
    assert Ce.betweenness(g, n_jobs=2) == pytest.approx(Ce.betweenness(g))


def test_parallel_betweenness_matches_igraph_and_does_not_depend_on_n_jobs():
    """Sources split over worker processes: igraph's values to 1e-9 relative (only the order of the
    floating-point sum differs), and the same bits for any number of workers (fixed pieces)."""
    with igraph_seed(5):
        g = ig.Graph.Erdos_Renyi(n=1500, m=2600)
    ref = np.asarray(g.betweenness(directed=False))
    two, three = Ce.betweenness(g, n_jobs=2), Ce.betweenness(g, n_jobs=3)
    assert np.array_equal(two, three)
    assert np.allclose(two, ref, rtol=1e-9, atol=1e-9)
    w = np.linspace(1.0, 2.0, g.ecount())
    g.es["w"] = w
    assert np.allclose(Ce.betweenness(g, weights="w", n_jobs=2), g.betweenness(directed=False, weights="w"),
                       rtol=1e-9, atol=1e-9)


def test_hand_computed_path():
    g = ig.Graph([(0, 1), (1, 2), (2, 3)])
    assert Ce.betweenness(g).tolist() == [0, 2, 2, 0]
    assert Ce.closeness(g).tolist() == pytest.approx([3 / 6, 3 / 4, 3 / 4, 3 / 6])
    assert Ce.harmonic(g, normalized=False).tolist() == pytest.approx([1 + 1 / 2 + 1 / 3, 2.5, 2.5, 1 + 1 / 2 + 1 / 3])


def test_hoeffding_sample_size_formula():
    n, eps, delta = 10_000, 0.05, 0.1
    expected = math.ceil((n / (n - 1)) ** 2 * math.log(2 * n / delta) / (2 * eps**2))
    assert Ce.hoeffding_sample_size(n, eps, delta) == expected
    with pytest.raises(ValueError):
        Ce.hoeffding_sample_size(10, 0.0, 0.1)


def test_approximate_betweenness_within_bound():
    with igraph_seed(11):
        g = ig.Graph.Barabasi(3000, 2)
    eps = 0.1
    est, k = Ce.approximate_betweenness(g, epsilon=eps, delta=0.1, random_state=3, normalized=True)
    assert k == Ce.hoeffding_sample_size(3000, eps, 0.1) < 3000
    exact = Ce.betweenness(g, normalized=True)
    assert np.abs(est - exact).max() <= eps
    # the estimate is unbiased: the raw scale matches on the top vertex within a few percent
    raw, _ = Ce.approximate_betweenness(g, epsilon=eps, delta=0.1, random_state=3)
    top = int(np.argmax(exact))
    assert raw[top] == pytest.approx(Ce.betweenness(g)[top], rel=0.1)
    assert Ce.approximate_betweenness(g, epsilon=eps, random_state=3)[0].tolist() == raw.tolist()


def test_approximate_betweenness_small_graph_is_exact():
    g = ig.Graph.Famous("Zachary")
    est, k = Ce.approximate_betweenness(g, epsilon=0.05, delta=0.1)
    assert k == g.vcount()
    assert est.tolist() == pytest.approx(Ce.betweenness(g).tolist())


def test_rank_table():
    g = ig.Graph([(0, 1), (0, 2), (0, 3), (3, 4), (4, 5)])
    g.vs["name"] = [f"Q{i}" for i in range(6)]
    g.vs["label"] = ["Hub", "B", "A", "Bridge", "Mid", "End"]
    g.vs["country"] = ["DEU", "FRA", "FRA", "POL", "POL", "UKR"]
    t = Ce.rank_table(g, "degree", top=3)
    assert list(t.columns) == ["rank", "place_id", "name", "country", "degree", "score"]
    assert t["name"].tolist() == ["Hub", "Bridge", "Mid"]  # degree 3, then 2, 2 sorted by name
    assert t["rank"].tolist() == [1, 2, 2]
    assert t["place_id"].tolist() == ["Q0", "Q3", "Q4"]
    assert list(t["score"]) == sorted(t["score"], reverse=True)
    b = Ce.rank_table(g, "betweenness", top=2, names="name")
    assert b["name"].tolist() == ["Q0", "Q3"]
    assert b["score"].tolist() == pytest.approx([7.0, 6.0])  # pairs through Q0 / through Q3
    custom = Ce.rank_table(g, np.arange(6.0), top=1, countries=["x"] * 6)
    assert custom["country"].tolist() == ["x"] and custom["score"].tolist() == [5.0]
    with pytest.raises(KeyError):
        Ce.rank_table(g, "nonsense")


def test_rk_and_kadabra_estimates_are_within_their_bound():
    pytest.importorskip("networkit")
    with igraph_seed(4):
        g = ig.Graph.Barabasi(600, 2)
    n = g.vcount()
    exact = np.asarray(g.betweenness(directed=False))
    for method in ("rk", "kadabra"):
        est, k = Ce.approximate_betweenness(g, epsilon=0.02, delta=0.1, method=method, random_state=1)
        assert k > 0
        assert np.max(np.abs(est - exact)) <= 0.02 * n * (n - 1) / 2
        assert np.corrcoef(est, exact)[0, 1] > 0.9
    with pytest.raises(ValueError):
        Ce.approximate_betweenness(g, method="nope")
