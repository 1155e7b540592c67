"""Shared helpers for the measures package: graph coercion, vertex labels (the seeding helpers live
in :mod:`twingraph.randomness`, the result types in :mod:`twingraph.results`; both re-exported here).

Every public measure accepts an undirected simple :class:`igraph.Graph`.  A networkx ``Graph``
is accepted too and converted by :func:`as_igraph` with the package's one converter,
:func:`twingraph.graphs.nx_to_igraph` (the same graph :func:`twingraph.graphs.to_igraph` gives).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any, TypeAlias

import igraph as ig
import networkx as nx
import numpy as np

from ..exceptions import GraphTypeError
from ..graphs import nx_to_igraph
from ..randomness import RandomState, check_random_state, igraph_rng, int_seed, spawn_seeds
from ..results import TestResult, empirical_p_value, empirical_test

#: What every measure accepts.  An explicit alias: mypy analyses igraph from its source
#: (``follow_untyped_imports`` in pyproject.toml) and networkx through types-networkx, so passing
#: anything else (a TwinData, a DataFrame, a path) is a type error, not a silent ``Any``.
GraphLike: TypeAlias = ig.Graph | nx.Graph

__all__ = ["GraphLike", "as_igraph", "igraph_seed", "igraph_rng", "check_random_state", "vertex_values", "leaves",
           "child_seeds", "int_seed", "round_sig", "RandomState", "TestResult", "empirical_test", "empirical_p_value",
           "SCORE_DIGITS"]

#: significant digits kept by :func:`round_sig` before spectral scores (eigenvector, PageRank) are
#: ranked: their last bits depend on the solver's start vector, so they are rounded away
SCORE_DIGITS = 10


def as_igraph(g: GraphLike, *, require_simple: bool = True) -> ig.Graph:
    """Return ``g`` as an undirected igraph.Graph (igraph input is returned unchanged).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        networkx input is converted by :func:`twingraph.graphs.nx_to_igraph` (multigraphs and
        directed graphs are refused); igraph input must be undirected.
    require_simple : bool
        networkx input: drop self-loops (the default) or keep them (community detection on the
        country graph, whose self-loops are domestic ties).  igraph input: refuse loops and
        parallel edges (call ``g.simplify()`` first).

    Returns
    -------
    igraph.Graph

    Raises
    ------
    GraphTypeError
        A directed graph, a multigraph, or (with ``require_simple``) an igraph graph that is not
        simple; it is both a ``TypeError`` and a ``ValueError``.
    """
    if isinstance(g, nx.Graph):
        return nx_to_igraph(g, keep_loops=not require_simple)[0]
    if not isinstance(g, ig.Graph):
        raise TypeError(f"expected igraph.Graph or networkx.Graph, got {type(g).__name__}")
    if g.is_directed():
        raise GraphTypeError("measures expect an undirected graph")
    if require_simple and not g.is_simple():
        raise GraphTypeError("measures expect a simple graph (no loops, no parallel edges); "
                         "use g.simplify() or twingraph.graphs.project")
    return g


@contextlib.contextmanager
def igraph_seed(seed: int | None) -> Iterator[None]:
    """Temporarily make igraph's random generator a ``random.Random(seed)``.

    Parameters
    ----------
    seed : int or None
        :func:`twingraph.randomness.igraph_rng` with this seed; None leaves the generator unchanged.

    Yields
    ------
    None
    """
    if seed is None:
        yield
        return
    with igraph_rng(int(seed)):
        yield


def round_sig(x: np.ndarray, digits: int = SCORE_DIGITS) -> np.ndarray:
    """Round every value to ``digits`` significant digits (0 and non-finite values unchanged).

    Used before ranking floating-point scores whose last bits are solver noise, so that equal
    scores tie exactly and ranks (and written tables) do not change between runs.

    Parameters
    ----------
    x : array-like of float
    digits : int
        Significant digits kept.

    Returns
    -------
    ndarray of float

    Examples
    --------
    >>> round_sig(np.array([0.123456789012345, 0.0, 2.0 / 3.0]), 4).tolist()
    [0.1235, 0.0, 0.6667]
    """
    x = np.asarray(x, dtype=float)
    out = x.copy()
    ok = np.isfinite(x) & (x != 0)
    mag = np.floor(np.log10(np.abs(x[ok])))
    scale = 10.0 ** (digits - 1 - mag)
    out[ok] = np.round(x[ok] * scale) / scale
    return out


def child_seeds(master_seed: RandomState, n: int) -> list[int]:
    """:func:`twingraph.randomness.spawn_seeds` under its old name.

    Parameters
    ----------
    master_seed : int, numpy.random.Generator or None
        The root.
    n : int
        Number of seeds.

    Returns
    -------
    list of int
    """
    return spawn_seeds(master_seed, n)


def vertex_values(g: ig.Graph, values: str | Sequence[Any] | np.ndarray | None,
                  default_attr: str | None = None) -> list[Any]:
    """Resolve ``values`` to one value per vertex: an attribute name, or a sequence of length n.

    Parameters
    ----------
    g : igraph.Graph
    values : str, sequence or None
        A vertex attribute name, one value per vertex, or None: ``default_attr`` when that
        attribute exists, else ``None`` for every vertex.
    default_attr : str, optional

    Returns
    -------
    list
        One value per vertex.
    """
    if values is None:
        if default_attr is not None and default_attr in g.vs.attributes():
            return list(g.vs[default_attr])
        return [None] * g.vcount()
    if isinstance(values, str):
        if values not in g.vs.attributes():
            raise KeyError(f"graph has no vertex attribute {values!r}")
        return list(g.vs[values])
    out = list(values)
    if len(out) != g.vcount():
        raise ValueError(f"expected {g.vcount()} values, got {len(out)}")
    return out


def leaves(n: int, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The degree-1 vertices hanging from a vertex of degree >= 2, which exact kernels prune.

    Parameters
    ----------
    n : int
        Number of vertices.
    edges : numpy.ndarray
        ``(m, 2)`` integer edge list of a simple undirected graph.

    Returns
    -------
    leaf_edge : numpy.ndarray of bool
        Per edge: one end is such a leaf.
    is_leaf : numpy.ndarray of bool
        Per vertex: it is such a leaf.
    count : numpy.ndarray of int64
        Per vertex: the leaves hanging from it.

    Examples
    --------
    >>> e = np.array([[0, 1], [1, 2], [1, 3], [3, 4]])
    >>> [x.tolist() for x in leaves(5, e)]
    [[True, True, False, True], [True, False, True, False, True], [0, 2, 0, 1, 0]]
    """
    deg = np.bincount(edges.ravel(), minlength=n)
    a, b = edges[:, 0], edges[:, 1]
    leaf_a = (deg[a] == 1) & (deg[b] >= 2)
    leaf_b = (deg[b] == 1) & (deg[a] >= 2)
    is_leaf = np.zeros(n, dtype=bool)
    is_leaf[a[leaf_a]] = True
    is_leaf[b[leaf_b]] = True
    count = np.bincount(np.concatenate([b[leaf_a], a[leaf_b]]), minlength=n).astype(np.int64)
    return leaf_a | leaf_b, is_leaf, count
