"""Assortativity: degree, nominal labels, same-label share, size assortativity."""

from __future__ import annotations

import math

import igraph as ig
import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from twingraph.measures import assortativity as A
from twingraph.measures._common import as_igraph


def two_triangles() -> ig.Graph:
    g = ig.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
    g.vs["country"] = ["A", "A", "A", "B", "B", "B"]
    return g


def test_degree_assortativity_hand_computed():
    assert A.degree_assortativity(ig.Graph([(0, 1), (1, 2), (2, 3)])) == pytest.approx(-0.5)
    assert A.degree_assortativity(ig.Graph([(0, 1), (0, 2), (0, 3)])) == pytest.approx(-1.0)
    assert math.isnan(A.degree_assortativity(ig.Graph.Ring(6)))  # regular: undefined


def test_nominal_assortativity_hand_computed():
    # e_AA = e_BB = 3/7, e_AB = e_BA = 0.5/7, a_A = a_B = 1/2: r = (6/7 - 1/2) / (1/2) = 5/7
    g = two_triangles()
    assert A.nominal_assortativity(g, "country") == pytest.approx(5 / 7)
    assert A.nominal_assortativity(g, ["x", "x", "x", "y", "y", "y"]) == pytest.approx(5 / 7)


def test_missing_labels_are_dropped():
    g = two_triangles()
    g.add_vertices(1)
    g.add_edges([(6, 0), (6, 5)])
    g.vs[6]["country"] = None
    assert A.nominal_assortativity(g) == pytest.approx(5 / 7)
    share = A.same_label_share(g)
    assert share["n_edges"] == 7


def test_same_label_share_hand_computed():
    share = A.same_label_share(two_triangles())
    assert share["observed"] == pytest.approx(6 / 7)
    assert share["expected"] == pytest.approx(0.5)  # D_A = D_B = 7, 2m = 14
    assert share["ratio"] == pytest.approx(12 / 7)


def test_continent_of():
    assert A.continent_of(["DEU", "USA", "BRA", "JPN", "AUS", "EGY", "NAM", None, "ZZZ"]) == [
        "Europe", "America", "America", "Asia", "Oceania", "Africa", "Africa", None, None]
    assert A.continent_of(["USA", "BRA"], scheme="continent_7") == ["North America", "South America"]


def size_graph() -> ig.Graph:
    rng = np.random.default_rng(0)
    n = 120
    pop = 10 ** rng.uniform(3, 7, size=n)
    order = np.argsort(pop)
    # connect each place to its 3 nearest neighbours in size rank: strongly size-assortative
    edges = {tuple(sorted((int(order[i]), int(order[j])))) for i in range(n) for j in range(i + 1, min(n, i + 4))}
    g = ig.Graph(n=n, edges=sorted(edges))
    g.vs["population"] = pop.tolist()
    return g


def test_size_assortativity_pearson_spearman_and_null():
    g = size_graph()
    g.vs[0]["population"] = None  # dropped
    res = A.size_assortativity(g, n_replicates=60, random_state=1)
    sub = g.induced_subgraph([i for i in range(g.vcount()) if g.vs[i]["population"] is not None])
    x = np.log10(sub.vs["population"])
    assert res["pearson"] == pytest.approx(sub.assortativity(x.tolist(), directed=False))
    e = np.array(sub.get_edgelist())
    a = np.r_[x[e[:, 0]], x[e[:, 1]]]
    b = np.r_[x[e[:, 1]], x[e[:, 0]]]
    assert res["spearman"] == pytest.approx(stats.spearmanr(a, b)[0])
    assert res["pearson"] > 0.9 and res["z_pearson"] > 5 and res["p_pearson"] == pytest.approx(1 / 61)
    assert abs(res["null_mean_pearson"]) < 0.1
    assert res["n_vertices"] == 119
    again = A.size_assortativity(g, n_replicates=60, random_state=1)
    assert again == res
    rew = A.size_assortativity(g, null="rewire", n_replicates=20, random_state=2)
    assert rew["z_pearson"] > 3


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # networkx, r undefined
@settings(max_examples=30, deadline=None)
@given(n=st.integers(4, 50), p=st.floats(0.05, 0.5), seed=st.integers(0, 10_000))
def test_agree_with_networkx(n, p, seed):
    G = nx.gnp_random_graph(n, p, seed=seed)
    rng = np.random.default_rng(seed)
    for u in G:
        G.nodes[u]["country"] = str(rng.choice(["A", "B", "C"]))
        G.nodes[u]["population"] = float(10 ** rng.uniform(2, 6))
    g = as_igraph(G)
    degs = [d for _, d in G.degree()]
    if G.number_of_edges() > 1 and len(set(degs)) > 1:
        r_nx = nx.degree_assortativity_coefficient(G)
        if np.isfinite(r_nx):
            assert A.degree_assortativity(g) == pytest.approx(r_nx, abs=1e-9)
    if G.number_of_edges() > 0:
        r_nom = nx.attribute_assortativity_coefficient(G, "country")
        mine = A.nominal_assortativity(g, "country")
        if np.isfinite(r_nom):
            assert mine == pytest.approx(r_nom, abs=1e-9)
    if G.number_of_edges() > 1:
        for u in G:
            G.nodes[u]["logpop"] = math.log10(G.nodes[u]["population"])
        r_num = nx.numeric_assortativity_coefficient(G, "logpop")
        res = A.size_assortativity(g, n_replicates=2, random_state=0)
        if np.isfinite(r_num):
            assert res["pearson"] == pytest.approx(r_num, abs=1e-9)
