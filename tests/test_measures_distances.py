"""Distance statistics: hand-computed values in both conventions, igraph/networkx cross-checks."""

from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twingraph.measures import distances as D
from twingraph.measures._common import as_igraph, igraph_seed
from twingraph.measures.size import largest_component


def igraph_counts(g: ig.Graph) -> np.ndarray:
    hist = g.path_length_hist(directed=False)
    bins = list(hist.bins())
    out = np.zeros(int(bins[-1][0]) + 1 if bins else 1, dtype=np.int64)
    for lo, _hi, c in bins:
        out[int(lo)] = c
    nz = np.flatnonzero(out)
    return out[: nz[-1] + 1] if len(nz) else out[:1]


def test_path4_hand_computed():
    d = D.distance_distribution(ig.Graph([(0, 1), (1, 2), (2, 3)]))
    assert d.counts.tolist() == [0, 3, 2, 1]
    assert d.n == 4 and d.n_pairs == 6 and d.diameter == 3
    assert d.konect_hop_plot().tolist() == [4, 10, 14, 16]
    assert D.mean_distance(d, "konect") == pytest.approx(20 / 16)
    assert D.mean_distance(d, "distinct") == pytest.approx(10 / 6)
    assert D.median_distance(d, "konect") == 1
    assert D.median_distance(d, "distinct") == 1
    assert D.effective_diameter(d, 0.5) == pytest.approx(4 / 6)
    assert D.effective_diameter(d, 0.9) == pytest.approx(2.2)
    assert D.effective_diameter_int(d, 0.5) == 1
    assert D.effective_diameter_int(d, 0.9) == 3


def test_star_hand_computed():
    d = D.distance_distribution(ig.Graph([(0, 1), (0, 2), (0, 3), (0, 4)]))
    assert d.counts.tolist() == [0, 4, 6]
    assert D.mean_distance(d, "konect") == pytest.approx(32 / 25)
    assert D.mean_distance(d, "distinct") == pytest.approx(1.6)
    assert D.effective_diameter(d, 0.5) == pytest.approx(7.5 / 8)
    assert D.effective_diameter(d, 0.9) == pytest.approx(1 + 9.5 / 12)
    assert D.median_distance(d, "konect") == 1
    assert D.median_distance(d, "distinct") == 2  # 6 of 10 pairs are at distance 2


def test_complete_graph():
    d = D.distance_distribution(ig.Graph.Full(5))
    assert d.counts.tolist() == [0, 10]
    assert D.diameter(d) == 1
    assert D.mean_distance(d, "konect") == pytest.approx(0.8)
    assert D.mean_distance(d, "distinct") == pytest.approx(1.0)
    assert D.effective_diameter(d, 0.9) == pytest.approx(17.5 / 20)


def test_two_components_lcc_and_all():
    g = ig.Graph(n=7, edges=[(0, 1), (1, 2), (0, 2), (3, 4), (4, 5)])
    lcc = D.distance_distribution(g)
    assert lcc.n == 3 and lcc.counts.tolist() == [0, 3] and lcc.unconnected == 0
    everything = D.distance_distribution(g, component="all")
    assert everything.counts.tolist() == [0, 5, 1]
    assert everything.unconnected == 21 - 6
    with pytest.raises(ValueError):
        everything.konect_hop_plot()
    stats = D.distance_stats(g)
    assert stats["lcc_size"] == 3 and stats["diameter"] == 1


def test_tiny_graphs():
    d = D.distance_distribution(ig.Graph(n=1))
    assert d.diameter == 0 and D.mean_distance(d) == 0.0 and D.effective_diameter(d, 0.9) == 0.0
    d = D.distance_distribution(ig.Graph([(0, 1)]))
    assert d.counts.tolist() == [0, 1]
    with pytest.raises(ValueError):
        D.effective_diameter(d, 1.5)


def test_konect_means_relation():
    # KONECT's mean (N^2 ordered pairs incl. (u, u)) = distinct mean * (N - 1) / N
    with igraph_seed(1):
        g = ig.Graph.Erdos_Renyi(n=300, m=450)
    d = D.distance_distribution(g)
    assert D.mean_distance(d, "konect") == pytest.approx(D.mean_distance(d, "distinct") * (d.n - 1) / d.n)


@pytest.mark.parametrize("words", [1, 2, 4])
def test_bitparallel_bfs_matches_igraph_with_hubs(words):
    with igraph_seed(7):
        g = ig.Graph.Barabasi(1500, 2)  # hubs exercise the high-degree (reduceat) branch
    g.add_vertices(3)
    g.add_edges([(1500, 1501)])  # a separate small component and an isolated vertex
    d = D.distance_distribution(g, component="all", words=words)
    assert d.counts.tolist() == igraph_counts(g).tolist()
    assert d.unconnected == g.path_length_hist(directed=False).unconnected
    lcc = D.distance_distribution(g, words=words)
    assert lcc.counts.tolist() == igraph_counts(largest_component(g)).tolist()


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 60), p=st.floats(0.02, 0.4), seed=st.integers(0, 10_000))
def test_agrees_with_networkx_and_igraph(n, p, seed):
    G = nx.gnp_random_graph(n, p, seed=seed)
    g = as_igraph(G)
    d = D.distance_distribution(g)
    assert d.counts.tolist() == igraph_counts(largest_component(g)).tolist()
    H = G.subgraph(max(nx.connected_components(G), key=len))
    if H.number_of_nodes() > 1:
        assert d.diameter == nx.diameter(H)
        assert D.mean_distance(d, "distinct") == pytest.approx(nx.average_shortest_path_length(H))
        lengths = [l for u, row in nx.all_pairs_shortest_path_length(H) for v, l in row.items() if u < v]
        assert D.median_distance(d, "distinct") == int(np.sort(lengths)[(len(lengths) - 1) // 2])
        # integer percentile = smallest k with share of pairs within k >= q
        assert D.effective_diameter_int(d, 0.9) == int(np.ceil(np.quantile(lengths, 0.9, method="inverted_cdf")))


def test_effective_diameter_is_interpolated_inverse_of_hop_plot():
    with igraph_seed(3):
        g = ig.Graph.Erdos_Renyi(n=500, m=800)
    d = D.distance_distribution(g)
    hop = d.konect_hop_plot().astype(float)
    for q in (0.1, 0.5, 0.9, 0.99):
        x = D.effective_diameter(d, q)
        k = int(np.floor(x))
        # linear interpolation of H between k and k + 1 hits q N^2 at x
        assert hop[k] + (x - k) * (hop[k + 1] - hop[k]) == pytest.approx(q * hop[-1])


def test_pruned_kernel_matches_igraph_on_graphs_with_leaves_and_components():
    """Degree-1 pruning (leaf counts as weights) gives igraph's exact histogram, over many graphs."""
    import random

    rng = random.Random(3)
    for trial in range(40):
        n = rng.randint(2, 90)
        ig.set_random_number_generator(random.Random(trial))
        try:
            g = ig.Graph.Erdos_Renyi(n=n, m=rng.randint(0, 2 * n)) if trial % 2 else ig.Graph.Barabasi(n, 1)
        finally:
            ig.set_random_number_generator(random)
        d = D.distance_distribution(g, component="all")
        ref = np.zeros(len(d.counts), dtype=np.int64)
        for lo, _hi, c in g.path_length_hist(directed=False).bins():
            ref[int(lo)] = c
        assert np.array_equal(d.counts, ref)
        assert d.unconnected == g.path_length_hist(directed=False).unconnected


def test_sampled_distances_are_close_to_exact_with_standard_errors():
    import random

    ig.set_random_number_generator(random.Random(1))
    try:
        g = ig.Graph.Erdos_Renyi(n=4000, m=6000)
    finally:
        ig.set_random_number_generator(random)
    exact = D.distance_stats(g)
    est = D.sampled_distance_stats(g, n_sources=512)
    assert est.n_groups == 8 and est.values["diameter"] <= exact["diameter"]
    for key in ("mean_distance", "effective_diameter_50", "effective_diameter_90"):
        assert abs(est.values[key] - exact[key]) < 5 * est.se[key] + 1e-9
    from twingraph.measures import konect_stats

    s = konect_stats(g, exact_limit=1000)
    assert str(s["distances"]).startswith("estimated (largest component")
    assert s["distances_sources"] == 1024 and set(s["distances_se"]) >= {"mean_distance"}
    assert list(konect_stats(g))[-1] == "effective_diameter_90"  # exact below the limit: the usual keys
