"""Size and subgraph-count statistics, as defined in KONECT's Handbook of Network Analysis.

Conventions (Kunegis, *Handbook of Network Analysis*, sec. "Basic network statistics" and
"Subgraph count statistics", https://github.com/kunegis/konect-handbook):

* size ``n`` = number of vertices (isolated vertices count);
* volume ``m`` = number of edges.  The input is a *simple* graph, so ``m`` is KONECT's
  "unique edge count"; parallel ties must be projected away before (twingraph.graphs.project).
  KONECT's "twin" network is itself "Unweighted, no multiple edges", so there both coincide;
* wedges (2-stars) ``s = sum_u C(d(u), 2)``, claws (3-stars) ``z = sum_u C(d(u), 3)``,
  general ``k``-stars ``S_k = sum_u C(d(u), k)``;
* triangles ``t`` = number of 3-cliques (loops and multiplicities ignored);
* components are weakly connected components; the largest connected component (LCC) is the
  biggest one, ties broken by the smallest vertex index.
"""

from __future__ import annotations

from math import comb

import igraph as ig
import numpy as np

from ._common import GraphLike, as_igraph

__all__ = [
    "n_nodes", "n_edges", "component_sizes", "n_components", "largest_component",
    "lcc_size", "star_count", "wedge_count", "claw_count", "triangle_count", "size_stats",
]


def n_nodes(g: GraphLike) -> int:
    """Number of vertices ``n`` (KONECT ``size``), isolated vertices included.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple undirected graph.

    Returns
    -------
    int
        Number of vertices.
    """
    return as_igraph(g).vcount()


def n_edges(g: GraphLike) -> int:
    """Number of edges ``m`` of the simple graph (KONECT ``volume`` = ``uniquevolume`` here).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple undirected graph.

    Returns
    -------
    int
        Number of edges.
    """
    return as_igraph(g).ecount()


def component_sizes(g: GraphLike) -> np.ndarray:
    """Sizes of the connected components, largest first (isolated vertices are size-1 components).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple undirected graph.

    Returns
    -------
    numpy.ndarray of int64
        Component sizes in decreasing order (empty for a graph without vertices).
    """
    g = as_igraph(g)
    if g.vcount() == 0:
        return np.zeros(0, dtype=np.int64)
    sizes = np.asarray(g.connected_components(mode="weak").sizes(), dtype=np.int64)
    return np.sort(sizes)[::-1]


def n_components(g: GraphLike) -> int:
    """Number of connected components (isolated vertices count as components).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple undirected graph.

    Returns
    -------
    int
        Number of connected components (0 for a graph without vertices).
    """
    return int(len(component_sizes(g)))


def largest_component(g: GraphLike) -> ig.Graph:
    """Induced subgraph on the largest connected component (ties: the one holding the lowest
    vertex index).  Vertex and edge attributes are kept; vertex order follows the original.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple undirected graph.

    Returns
    -------
    igraph.Graph
        The induced subgraph (a copy of ``g`` when it has no vertices).
    """
    g = as_igraph(g)
    if g.vcount() == 0:
        return g.copy()
    membership = np.asarray(g.connected_components(mode="weak").membership)
    sizes = np.bincount(membership)
    first = np.full(len(sizes), g.vcount())
    np.minimum.at(first, membership, np.arange(g.vcount()))
    best = min(range(len(sizes)), key=lambda c: (-sizes[c], first[c]))
    return g.induced_subgraph(np.flatnonzero(membership == best).tolist())


def lcc_size(g: GraphLike) -> int:
    """Number of vertices in the largest connected component ``N`` (KONECT ``coco``).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple undirected graph.

    Returns
    -------
    int
        Size of the largest component (0 for a graph without vertices).
    """
    sizes = component_sizes(g)
    return int(sizes[0]) if len(sizes) else 0


def star_count(g: GraphLike, k: int) -> int:
    """Number of ``k``-stars ``S_k = sum_u C(d(u), k)`` (exact integer).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple undirected graph.
    k : int
        Number of leaves of the star (``k >= 0``; ``ValueError`` otherwise).

    Returns
    -------
    int
        ``S_k``.
    """
    if k < 0:
        raise ValueError("k must be >= 0")
    deg = np.asarray(as_igraph(g).degree(), dtype=np.int64)
    values, counts = np.unique(deg, return_counts=True)
    return int(sum(comb(int(d), k) * int(c) for d, c in zip(values, counts)))


def wedge_count(g: GraphLike) -> int:
    """Number of wedges (2-stars, 2-paths) ``s = sum_u d(u)(d(u)-1)/2`` (KONECT ``twostars``).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple undirected graph.

    Returns
    -------
    int
        Number of wedges ``s``.
    """
    return star_count(g, 2)


def claw_count(g: GraphLike) -> int:
    """Number of claws (3-stars) ``z = sum_u d(u)(d(u)-1)(d(u)-2)/6`` (KONECT ``threestars``).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple undirected graph.

    Returns
    -------
    int
        Number of claws ``z``.
    """
    return star_count(g, 3)


def triangle_count(g: GraphLike) -> int:
    """Number of triangles ``t`` (KONECT ``triangles``), each unordered triple counted once.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple undirected graph.

    Returns
    -------
    int
        Number of triangles ``t``.
    """
    return len(as_igraph(g).list_triangles())


def size_stats(g: GraphLike) -> dict[str, int]:
    """All size/count statistics of this module in one dict of plain ints.

    Keys: n_nodes, n_edges, n_components, lcc_size, wedges, claws, triangles.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple undirected graph.

    Returns
    -------
    dict of str to int
        The statistics under the keys above.
    """
    g = as_igraph(g)
    sizes = component_sizes(g)
    return {
        "n_nodes": g.vcount(),
        "n_edges": g.ecount(),
        "n_components": int(len(sizes)),
        "lcc_size": int(sizes[0]) if len(sizes) else 0,
        "wedges": wedge_count(g),
        "claws": claw_count(g),
        "triangles": triangle_count(g),
    }
