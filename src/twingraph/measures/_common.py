"""Shared helpers for the measures package: graph coercion, seeding, vertex labels.

Every public measure accepts an undirected simple :class:`igraph.Graph`.  A networkx ``Graph``
is accepted too and converted by :func:`as_igraph` (vertex ``i`` <-> the ``i``-th node in
sorted order when the nodes are sortable, else insertion order; node attributes are copied as
vertex attributes, the node itself becomes the ``"name"`` attribute, edge attributes are copied).
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator, Sequence
from typing import Any, TypeAlias

import igraph as ig
import networkx as nx
import numpy as np

#: What every measure accepts.  An explicit alias: mypy analyses igraph from its source
#: (``follow_untyped_imports`` in pyproject.toml) and networkx through types-networkx, so passing
#: anything else (a TwinData, a DataFrame, a path) is a type error, not a silent ``Any``.
GraphLike: TypeAlias = ig.Graph | nx.Graph

__all__ = ["GraphLike", "as_igraph", "igraph_seed", "vertex_values", "child_seeds"]


def _nx_to_igraph(G: nx.Graph, keep_loops: bool = False) -> ig.Graph:
    if G.is_directed():
        raise ValueError("measures expect an undirected graph")
    if G.is_multigraph():
        raise ValueError("measures expect a simple graph; project the multigraph first "
                         "(twingraph.graphs.project)")
    nodes = list(G.nodes())
    try:
        nodes = sorted(nodes)
    except TypeError:
        pass
    index = {u: i for i, u in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in G.edges() if keep_loops or u != v]
    g = ig.Graph(n=len(nodes), edges=edges, directed=False)
    g.vs["name"] = [str(u) for u in nodes]
    keys = sorted({k for _, d in G.nodes(data=True) for k in d} - {"name"})
    for k in keys:
        g.vs[k] = [G.nodes[u].get(k) for u in nodes]
    ekeys = sorted({k for _, _, d in G.edges(data=True) for k in d})
    for k in ekeys:
        g.es[k] = [d.get(k) for u, v, d in G.edges(data=True) if keep_loops or u != v]
    return g


def as_igraph(g: GraphLike, *, require_simple: bool = True) -> ig.Graph:
    """Return ``g`` as an undirected igraph.Graph (igraph input is returned unchanged).

    networkx input: multigraphs and directed graphs are refused; self-loops are dropped when
    ``require_simple`` (the default) and kept otherwise (community detection on the country
    graph, whose self-loops are domestic ties).
    igraph input: must be undirected; with ``require_simple`` it must have no loops and no
    parallel edges (``ValueError`` otherwise, call ``g.simplify()`` first).
    """
    if isinstance(g, nx.Graph):
        return _nx_to_igraph(g, keep_loops=not require_simple)
    if not isinstance(g, ig.Graph):
        raise TypeError(f"expected igraph.Graph or networkx.Graph, got {type(g).__name__}")
    if g.is_directed():
        raise ValueError("measures expect an undirected graph")
    if require_simple and not g.is_simple():
        raise ValueError("measures expect a simple graph (no loops, no parallel edges); "
                         "use g.simplify() or twingraph.graphs.project")
    return g


@contextlib.contextmanager
def igraph_seed(seed: int | None) -> Iterator[None]:
    """Temporarily make igraph's random generator a ``random.Random(seed)``.

    igraph draws from Python's global ``random`` module by default; this context manager
    swaps in a private generator so that seeded calls (rewire, Louvain, ...) are reproducible
    and leave the global state alone.  ``seed=None`` leaves the generator unchanged.
    """
    if seed is None:
        yield
        return
    ig.set_random_number_generator(random.Random(int(seed)))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


def child_seeds(master_seed: int, n: int) -> list[int]:
    """``n`` independent integer seeds derived from ``master_seed`` via numpy SeedSequence."""
    children = np.random.SeedSequence(int(master_seed)).spawn(int(n))
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]


def vertex_values(g: ig.Graph, values: str | Sequence[Any] | np.ndarray | None,
                  default_attr: str | None = None) -> list[Any]:
    """Resolve ``values`` to one value per vertex: an attribute name, or a sequence of length n.

    ``None`` falls back to ``default_attr`` when that attribute exists, else to ``None`` for all.
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
