"""One networkx -> igraph converter: graphs.to_igraph and measures.as_igraph give the same graph."""

from __future__ import annotations

import math

import igraph as ig
import networkx as nx
import pytest

from twingraph.exceptions import GraphTypeError, TwingraphError
from twingraph.graphs import nx_to_igraph, to_igraph
from twingraph.measures import as_igraph


def _places() -> nx.Graph:
    G = nx.Graph()
    G.add_node("p:b", name="Bonn", country="DEU", lat=50.7, lon=7.1, population=300_000, level="city")
    G.add_node("p:a", name="Aachen", country="DEU", lat=50.8, lon=6.1, population=None)
    G.add_node("p:c", country=None)                                   # no name, no coordinates
    G.add_edge("p:a", "p:b", weight=3, kind="twin")
    G.add_edge("p:b", "p:c")                                          # no weight: 1.0
    G.add_edge("p:c", "p:c", weight=2)                                # self-loop
    return G


def _same(g: ig.Graph, h: ig.Graph) -> None:
    assert g.vcount() == h.vcount() and g.get_edgelist() == h.get_edgelist()
    assert sorted(g.vs.attributes()) == sorted(h.vs.attributes())
    assert sorted(g.es.attributes()) == sorted(h.es.attributes())
    for a in g.vs.attributes():
        assert [repr(x) for x in g.vs[a]] == [repr(x) for x in h.vs[a]], a
    for a in g.es.attributes():
        assert [repr(x) for x in g.es[a]] == [repr(x) for x in h.es[a]], a


def test_to_igraph_and_as_igraph_give_the_same_graph() -> None:
    G = _places()
    g, ids = to_igraph(G)
    _same(g, as_igraph(G))
    assert ids == ["p:a", "p:b", "p:c"]
    assert g.get_edgelist() == [(0, 1), (1, 2)]                          # the self-loop dropped
    assert g.vs["name"] == ids and g.vs["label"] == ["Aachen", "Bonn", "p:c"]
    assert g.vs["country"] == ["DEU", "DEU", None] and g.vs["level"] == [None, "city", None]
    assert g.vs["population"][1] == 300_000.0 and math.isnan(g.vs["population"][0])
    assert g.vs["lat"][:2] == [50.8, 50.7] and math.isnan(g.vs["lon"][2])
    assert g.es["weight"] == [3.0, 1.0] and g.es["kind"] == ["twin", None]
    # with loops kept (the country graph), the same converter
    loops = as_igraph(G, require_simple=False)
    _same(loops, nx_to_igraph(G, keep_loops=True)[0])
    assert loops.get_edgelist() == [(0, 1), (1, 2), (2, 2)] and loops.es["weight"] == [3.0, 1.0, 2.0]


def test_unsortable_and_integer_nodes() -> None:
    g, ids = nx_to_igraph(nx.path_graph(3))
    assert ids == [0, 1, 2] and g.vs["name"] == ["0", "1", "2"] and g.vs["label"] == [0, 1, 2]
    G = nx.Graph([(1, "a")])
    g, ids = nx_to_igraph(G)
    assert ids == [1, "a"] and g.vs["name"] == ["1", "a"]


@pytest.mark.parametrize("G", [nx.DiGraph([(1, 2)]), nx.MultiGraph([(1, 2), (1, 2)])])
def test_one_error_for_the_wrong_kind_of_graph(G: nx.Graph) -> None:
    for convert in (to_igraph, as_igraph, nx_to_igraph):
        with pytest.raises(GraphTypeError, match="undirected simple graph"):
            convert(G)
    assert issubclass(GraphTypeError, TypeError) and issubclass(GraphTypeError, ValueError)
    assert issubclass(GraphTypeError, TwingraphError)
    with pytest.raises(GraphTypeError):
        as_igraph(ig.Graph([(0, 1)], directed=True))
    with pytest.raises(GraphTypeError, match="simple"):
        as_igraph(ig.Graph([(0, 1), (0, 1)]))
