"""Clustering coefficients: hand-computed values and networkx cross-checks."""

from __future__ import annotations

import math

import igraph as ig
import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twingraph.measures import clustering as C
from twingraph.measures._common import as_igraph

TRIANGLE_TAIL = ig.Graph([(0, 1), (1, 2), (0, 2), (2, 3)])


def test_triangle_with_tail():
    g = TRIANGLE_TAIL
    assert C.transitivity(g) == pytest.approx(3 * 1 / 5)
    assert C.local_clustering(g).tolist() == pytest.approx([1.0, 1.0, 1 / 3, 0.0])
    assert C.average_local_clustering(g) == pytest.approx((1 + 1 + 1 / 3) / 4)
    ck = C.clustering_by_degree(g)
    assert ck["degree"].tolist() == [2, 3]
    assert ck["n_nodes"].tolist() == [2, 1]
    assert ck["mean_clustering"].tolist() == pytest.approx([1.0, 1 / 3])


def test_special_graphs():
    assert C.transitivity(ig.Graph.Full(5)) == pytest.approx(1.0)
    assert C.average_local_clustering(ig.Graph.Full(5)) == pytest.approx(1.0)
    star = ig.Graph([(0, 1), (0, 2), (0, 3)])
    assert C.transitivity(star) == 0.0
    assert C.local_clustering(star).tolist() == [0.0, 0.0, 0.0, 0.0]  # leaves: degree 1 -> 0
    assert math.isnan(C.transitivity(ig.Graph([(0, 1), (2, 3)])))  # no wedge at all
    # isolated vertices count as zeros in the average (KONECT clusco2, networkx)
    g = ig.Graph(n=4, edges=[(0, 1), (1, 2), (0, 2)])
    assert C.average_local_clustering(g) == pytest.approx(0.75)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 50), p=st.floats(0.0, 0.6), seed=st.integers(0, 10_000))
def test_agrees_with_networkx(n, p, seed):
    G = nx.gnp_random_graph(n, p, seed=seed)
    g = as_igraph(G)
    wedges = sum(d * (d - 1) // 2 for _, d in G.degree())
    if wedges:
        assert C.transitivity(g) == pytest.approx(nx.transitivity(G))
    assert C.average_local_clustering(g) == pytest.approx(nx.average_clustering(G))
    local = nx.clustering(G)
    assert C.local_clustering(g).tolist() == pytest.approx([local[u] for u in sorted(G)])
    ck = C.clustering_by_degree(g)
    for k, mean in zip(ck["degree"], ck["mean_clustering"]):
        nodes = [u for u in G if G.degree(u) == k]
        assert mean == pytest.approx(np.mean([local[u] for u in nodes]))
