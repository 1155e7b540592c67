"""Community detection on (weighted) graphs such as the country network, and mixing matrices.

Modularity (Newman; with resolution ``gamma``):
``Q = 1/(2W) sum_ij [A_ij - gamma k_i k_j / (2W)] delta(c_i, c_j)`` with ``A_ij`` the edge
weight, ``k_i`` the strength and ``W`` the total weight.  A self-loop of weight ``w`` (domestic
ties in twingraph's country graph) adds ``2w`` to ``A_ii`` and ``2w`` to ``k_i``, as in igraph
and networkx.  Edge weights come from the ``"weight"`` edge attribute unless told otherwise;
``weights=None`` means unweighted.  This module accepts graphs with self-loops.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import igraph as ig
import leidenalg
import numpy as np
import pandas as pd

from ._common import GraphLike, as_igraph, igraph_seed, vertex_values

__all__ = ["CommunityResult", "modularity", "leiden", "louvain", "mixing_matrix"]


@dataclass(frozen=True)
class CommunityResult:
    """A partition: ``membership[i]`` = community of vertex ``i`` (0..k-1, largest first)."""

    membership: list[int]
    modularity: float
    n_communities: int
    method: str
    resolution: float


def _weights(g: ig.Graph, weights: str | None) -> list[float] | None:
    if weights is None or weights not in g.es.attributes():
        return None
    return [float(w) for w in g.es[weights]]


def _relabel(membership: Sequence[int]) -> list[int]:
    """Renumber communities by decreasing size (ties: first vertex)."""
    m = np.asarray(membership)
    labels, first, counts = np.unique(m, return_index=True, return_counts=True)
    order = sorted(range(len(labels)), key=lambda i: (-counts[i], first[i]))
    new = {int(labels[i]): r for r, i in enumerate(order)}
    return [new[int(c)] for c in m]


def modularity(g: GraphLike, membership: Sequence[int], weights: str | None = "weight",
               resolution: float = 1.0) -> float:
    """Modularity of a partition (see module doc for the self-loop convention)."""
    g = as_igraph(g, require_simple=False)
    return float(g.modularity(list(membership), weights=_weights(g, weights), resolution=resolution,
                              directed=False))


def leiden(g: GraphLike, weights: str | None = "weight", resolution: float = 1.0, seed: int = 0,
           n_iterations: int = -1) -> CommunityResult:
    """Leiden algorithm (leidenalg) optimising modularity with a resolution parameter.

    Uses ``RBConfigurationVertexPartition`` (= modularity at ``resolution=1``), seeded;
    ``n_iterations=-1`` iterates until the partition is stable.
    """
    g = as_igraph(g, require_simple=False)
    part = leidenalg.find_partition(g, leidenalg.RBConfigurationVertexPartition,
                                    weights=_weights(g, weights), resolution_parameter=resolution,
                                    n_iterations=n_iterations, seed=int(seed))
    mem = _relabel(part.membership)
    return CommunityResult(mem, modularity(g, mem, weights, resolution), len(set(mem)), "leiden", resolution)


def louvain(g: GraphLike, weights: str | None = "weight", resolution: float = 1.0,
            seed: int = 0) -> CommunityResult:
    """Louvain (igraph ``community_multilevel``), final level, seeded via igraph's RNG."""
    g = as_igraph(g, require_simple=False)
    with igraph_seed(seed):
        cl = g.community_multilevel(weights=_weights(g, weights), resolution=resolution)
    mem = _relabel(cl.membership)
    return CommunityResult(mem, modularity(g, mem, weights, resolution), len(set(mem)), "louvain", resolution)


def mixing_matrix(g: GraphLike, groups: str | Sequence[Any], weights: str | None = "weight",
                  normalized: bool = False) -> pd.DataFrame:
    """Group-by-group edge weight matrix (e.g. continents), symmetric, labels sorted.

    ``M[a, b]`` (a != b) = total weight of edges between groups a and b (each edge once, in both
    cells); ``M[a, a]`` = total weight of edges inside group a (self-loops included, once).
    ``normalized=True`` returns Newman's ``e`` matrix: off-diagonal cells ``M[a,b] / (2W)``,
    diagonal ``M[a,a] / W``, so that all entries sum to 1 and row sums are the edge-end shares.
    Edges touching a vertex with a missing group are ignored.
    """
    g = as_igraph(g, require_simple=False)
    lab = vertex_values(g, groups)
    w = _weights(g, weights) or [1.0] * g.ecount()
    names = sorted({x for x in lab if x is not None and x == x}, key=str)
    idx = {x: i for i, x in enumerate(names)}
    m = np.zeros((len(names), len(names)))
    for (u, v), wt in zip(g.get_edgelist(), w):
        a, b = lab[u], lab[v]
        if a not in idx or b not in idx:
            continue
        i, j = idx[a], idx[b]
        m[i, j] += wt
        if i != j:
            m[j, i] += wt
    if normalized:
        total = np.trace(m) + (m.sum() - np.trace(m)) / 2.0
        if total > 0:
            e = m / (2.0 * total)
            np.fill_diagonal(e, np.diag(m) / total)
            m = e
    return pd.DataFrame(m, index=names, columns=names)
