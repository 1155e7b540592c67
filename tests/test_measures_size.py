"""Size and subgraph counts: hand-computed small graphs, networkx cross-checks."""

from __future__ import annotations

from math import comb

import igraph as ig
import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twingraph.measures import size as S
from twingraph.measures._common import as_igraph


def path4() -> ig.Graph:
    return ig.Graph([(0, 1), (1, 2), (2, 3)])


def star5() -> ig.Graph:
    return ig.Graph([(0, 1), (0, 2), (0, 3), (0, 4)])


def triangle_tail() -> ig.Graph:
    return ig.Graph([(0, 1), (1, 2), (0, 2), (2, 3)])


def two_components() -> ig.Graph:
    # triangle {0,1,2}, path 3-4-5, isolated vertex 6
    return ig.Graph(n=7, edges=[(0, 1), (1, 2), (0, 2), (3, 4), (4, 5)])


@pytest.mark.parametrize(
    "g, n, m, wedges, claws, triangles",
    [
        (path4(), 4, 3, 2, 0, 0),
        (star5(), 5, 4, 6, 4, 0),
        (triangle_tail(), 4, 4, 5, 1, 1),
        (ig.Graph.Full(5), 5, 10, 30, 20, 10),
        (two_components(), 7, 5, 4, 0, 1),
    ],
)
def test_hand_computed_counts(g, n, m, wedges, claws, triangles):
    assert S.n_nodes(g) == n
    assert S.n_edges(g) == m
    assert S.wedge_count(g) == wedges
    assert S.claw_count(g) == claws
    assert S.triangle_count(g) == triangles
    assert S.star_count(g, 1) == 2 * m  # 1-stars count each edge from both ends


def test_components_and_lcc_tie_break():
    g = two_components()
    assert S.component_sizes(g).tolist() == [3, 3, 1]
    assert S.n_components(g) == 3
    assert S.lcc_size(g) == 3
    lcc = S.largest_component(g)
    # both big components have 3 vertices: the one holding vertex 0 (the triangle) wins
    assert lcc.vcount() == 3 and lcc.ecount() == 3
    stats = S.size_stats(g)
    assert stats == {"n_nodes": 7, "n_edges": 5, "n_components": 3, "lcc_size": 3,
                     "wedges": 4, "claws": 0, "triangles": 1}


def test_empty_graph():
    g = ig.Graph()
    assert S.component_sizes(g).tolist() == []
    assert S.lcc_size(g) == 0
    assert S.triangle_count(g) == 0


def test_largest_component_keeps_attributes():
    g = two_components()
    g.vs["name"] = [f"p{i}" for i in range(7)]
    lcc = S.largest_component(g)
    assert lcc.vs["name"] == ["p0", "p1", "p2"]


def test_networkx_input_and_refusals():
    G = nx.Graph([("b", "a"), ("a", "c")])
    g = as_igraph(G)
    assert g.vs["name"] == ["a", "b", "c"]
    assert S.wedge_count(G) == 1
    with pytest.raises(ValueError):
        as_igraph(nx.MultiGraph([(0, 1), (0, 1)]))
    with pytest.raises(ValueError):
        as_igraph(ig.Graph([(0, 1), (0, 1)]))
    with pytest.raises(ValueError):
        as_igraph(ig.Graph([(0, 1)], directed=True))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 40), p=st.floats(0.0, 0.5), seed=st.integers(0, 10_000))
def test_counts_agree_with_networkx(n, p, seed):
    G = nx.gnp_random_graph(n, p, seed=seed)
    g = as_igraph(G)
    assert S.triangle_count(g) == sum(nx.triangles(G).values()) // 3
    assert S.wedge_count(g) == sum(comb(d, 2) for _, d in G.degree())
    assert S.claw_count(g) == sum(comb(d, 3) for _, d in G.degree())
    assert S.n_components(g) == nx.number_connected_components(G)
    assert S.lcc_size(g) == max(len(c) for c in nx.connected_components(G))
