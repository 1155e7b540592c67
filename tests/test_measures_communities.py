"""Community detection and mixing matrices on weighted graphs with self-loops."""

from __future__ import annotations

import igraph as ig
import networkx as nx
import numpy as np
import pytest
from networkx.algorithms.community import modularity as nx_modularity

from twingraph.measures import communities as Co


def two_cliques() -> ig.Graph:
    g = ig.Graph.Full(5)
    g.add_vertices(5)
    g.add_edges([(5 + i, 5 + j) for i in range(5) for j in range(i + 1, 5)] + [(4, 5)])
    g.es["weight"] = [1.0] * g.ecount()
    return g


def country_like() -> tuple[ig.Graph, nx.Graph]:
    """A weighted 'country graph' with self-loops (domestic ties)."""
    edges = [("DEU", "FRA", 30), ("DEU", "POL", 20), ("FRA", "POL", 5), ("DEU", "DEU", 4),
             ("USA", "JPN", 25), ("USA", "CHN", 15), ("JPN", "CHN", 10), ("USA", "USA", 8),
             ("FRA", "USA", 3)]
    G = nx.Graph()
    G.add_weighted_edges_from(edges)
    nodes = sorted(G)
    g = ig.Graph(n=len(nodes), edges=[(nodes.index(a), nodes.index(b)) for a, b, _ in edges])
    g.vs["name"] = nodes
    g.es["weight"] = [float(w) for _, _, w in edges]
    return g, G


def test_two_cliques_found_by_both_methods():
    g = two_cliques()
    for res in (Co.leiden(g, random_state=1), Co.louvain(g, random_state=1)):
        assert res.n_communities == 2
        assert res.membership == [0] * 5 + [1] * 5
        # Q = sum_c [L_c/m - (d_c/2m)^2] with m = 21, L_c = 10, d_c = 21
        assert res.modularity == pytest.approx(2 * (10 / 21 - 0.25))


def test_modularity_matches_networkx_with_weights_and_loops():
    g, G = country_like()
    nodes = g.vs["name"]
    for res in (Co.leiden(g, random_state=0), Co.louvain(g, random_state=0), Co.leiden(g, resolution=0.5, random_state=0)):
        parts = [{nodes[i] for i, c in enumerate(res.membership) if c == k} for k in range(res.n_communities)]
        ref = nx_modularity(G, parts, weight="weight", resolution=res.resolution)
        assert res.modularity == pytest.approx(ref)
    best = Co.leiden(g, random_state=0)
    groups = sorted(sorted(nodes[i] for i, c in enumerate(best.membership) if c == k) for k in range(best.n_communities))
    assert groups == [["CHN", "JPN", "USA"], ["DEU", "FRA", "POL"]]
    # unweighted modularity differs from the weighted one
    assert Co.modularity(g, best.membership, weights=None) != pytest.approx(best.modularity)


def test_seeded_results_are_reproducible():
    rng = np.random.default_rng(0)
    G = nx.planted_partition_graph(4, 25, 0.3, 0.02, seed=3)
    g = ig.Graph(n=G.number_of_nodes(), edges=list(G.edges()))
    g.es["weight"] = rng.integers(1, 5, size=g.ecount()).astype(float).tolist()
    assert Co.leiden(g, random_state=5) == Co.leiden(g, random_state=5)
    assert Co.louvain(g, random_state=5) == Co.louvain(g, random_state=5)
    assert Co.leiden(g, random_state=5).n_communities == 4


def test_mixing_matrix_counts_and_newman_normalisation():
    g, _ = country_like()
    cont = {"DEU": "Europe", "FRA": "Europe", "POL": "Europe", "USA": "America", "JPN": "Asia", "CHN": "Asia"}
    m = Co.mixing_matrix(g, [cont[x] for x in g.vs["name"]])
    assert list(m.index) == ["America", "Asia", "Europe"]
    assert m.loc["Europe", "Europe"] == 30 + 20 + 5 + 4
    assert m.loc["America", "America"] == 8
    assert m.loc["Asia", "Asia"] == 10
    assert m.loc["America", "Asia"] == m.loc["Asia", "America"] == 40
    assert m.loc["America", "Europe"] == 3
    e = Co.mixing_matrix(g, [cont[x] for x in g.vs["name"]], normalized=True)
    total = 120.0
    assert e.to_numpy().sum() == pytest.approx(1.0)
    assert e.loc["Europe", "Europe"] == pytest.approx(59 / total)
    assert e.loc["America", "Asia"] == pytest.approx(40 / (2 * total))
    u = Co.mixing_matrix(g, [cont[x] for x in g.vs["name"]], weights=None).to_numpy()
    assert np.trace(u) + (u.sum() - np.trace(u)) / 2 == g.ecount()  # every edge counted once


def test_networkx_country_graph_keeps_self_loops():
    _, G = country_like()
    res = Co.leiden(G, random_state=0)  # networkx input converted with its self-loops
    nodes = sorted(G)
    parts = [{nodes[i] for i, c in enumerate(res.membership) if c == k} for k in range(res.n_communities)]
    assert res.modularity == pytest.approx(nx_modularity(G, parts, weight="weight"))
    m = Co.mixing_matrix(G, ["Europe" if x in {"DEU", "FRA", "POL"} else "Other" for x in nodes])
    assert m.loc["Europe", "Europe"] == 59  # includes the DEU-DEU self-loop (4)
