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

from ..randomness import RandomState, check_random_state, igraph_rng, int_seed, random_state_arg, spawn_seeds
from ..results import TableResult
from ._common import GraphLike, TestResult, as_igraph, vertex_values

__all__ = ["CommunityResult", "modularity", "leiden", "louvain", "mixing_matrix", "best_partition",
           "resolution_profile", "modularity_null"]


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
    """Modularity of a partition (see module doc for the self-loop convention).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Graph (self-loops allowed).
    membership : sequence of int
        Community of each vertex.
    weights : str or None
        Edge attribute of the weights (unweighted when None or absent).
    resolution : float
        Resolution ``gamma``.

    Returns
    -------
    float
        ``Q``.
    """
    g = as_igraph(g, require_simple=False)
    return float(g.modularity(list(membership), weights=_weights(g, weights), resolution=resolution,
                              directed=False))


@random_state_arg()
def leiden(g: GraphLike, weights: str | None = "weight", resolution: float = 1.0,
           random_state: RandomState = 0, n_iterations: int = -1) -> CommunityResult:
    """Leiden algorithm (leidenalg) optimising modularity with a resolution parameter.

    Uses ``RBConfigurationVertexPartition`` (= modularity at ``resolution=1``), seeded from
    ``random_state`` (int, numpy Generator or None);
    ``n_iterations=-1`` iterates until the partition is stable.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Graph (self-loops allowed).
    weights : str or None
        Edge attribute of the weights (unweighted when None or absent).
    resolution : float
        Resolution parameter.
    random_state : int, numpy.random.Generator or None
        Seed.
    n_iterations : int
        Leiden iterations (negative: until stable).

    Returns
    -------
    CommunityResult
    """
    g = as_igraph(g, require_simple=False)
    part = leidenalg.find_partition(g, leidenalg.RBConfigurationVertexPartition,
                                    weights=_weights(g, weights), resolution_parameter=resolution,
                                    n_iterations=n_iterations, seed=int_seed(random_state, 2**31 - 1))
    mem = _relabel(part.membership)
    return CommunityResult(mem, modularity(g, mem, weights, resolution), len(set(mem)), "leiden", resolution)


@random_state_arg()
def louvain(g: GraphLike, weights: str | None = "weight", resolution: float = 1.0,
            random_state: RandomState = 0) -> CommunityResult:
    """Louvain (igraph ``community_multilevel``), final level, igraph drawing from ``random_state``
    (int, numpy Generator or None; igraph's global RNG is restored).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Graph (self-loops allowed).
    weights : str or None
        Edge attribute of the weights (unweighted when None or absent).
    resolution : float
        Resolution parameter.
    random_state : int, numpy.random.Generator or None
        Seed.

    Returns
    -------
    CommunityResult
    """
    g = as_igraph(g, require_simple=False)
    with igraph_rng(random_state):
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

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Graph (self-loops allowed).
    groups : str or sequence
        Vertex attribute name, or one group per vertex.
    weights : str or None
        Edge attribute of the weights (1 per edge when None or absent).
    normalized : bool
        Return Newman's ``e`` matrix.

    Returns
    -------
    DataFrame
        Groups x groups, labels sorted as strings.
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


@random_state_arg()
def best_partition(g: GraphLike, method: str = "leiden", resolution: float = 1.0, n_seeds: int = 20,
                   random_state: RandomState = 0,
                   weights: str | None = "weight") -> tuple[CommunityResult, pd.DataFrame]:
    """The highest-modularity partition over ``n_seeds`` seeded runs, and the spread of the runs.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Weighted graph (self-loops kept, e.g. domestic ties of the country graph).
    method : {"leiden", "louvain"}
    resolution : float
    n_seeds : int
        Runs, seeded by the children of ``numpy.random.SeedSequence(random_state)``.
    random_state : int, numpy.random.Generator or None
        Root of the run seeds (:func:`twingraph.randomness.spawn_seeds`).
    weights : str or None

    Returns
    -------
    (CommunityResult, DataFrame)
        The best run, and one row per run: ``seed, modularity, n_communities, nmi_to_best``.
    """
    fn = {"leiden": leiden, "louvain": louvain}[method]
    g = as_igraph(g, require_simple=False)
    seeds = spawn_seeds(random_state, n_seeds)
    parts = [fn(g, weights=weights, resolution=resolution, random_state=s) for s in seeds]
    qs = np.array([p.modularity for p in parts])
    best = parts[int(np.argmax(qs))]
    runs = pd.DataFrame({"seed": seeds, "modularity": qs,
                         "n_communities": [p.n_communities for p in parts],
                         "nmi_to_best": [ig.compare_communities(p.membership, best.membership, "nmi") for p in parts]})
    return best, runs


@random_state_arg()
def resolution_profile(g: GraphLike, resolutions: Sequence[float] = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0),
                       method: str = "leiden", n_seeds: int = 10, random_state: RandomState = 0,
                       weights: str | None = "weight") -> pd.DataFrame:
    """Best partition at each resolution: how many communities, their modularity, and how close
    each partition is to the one at resolution 1 (normalised mutual information).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Graph (self-loops allowed).
    resolutions : sequence of float
        Resolutions tried.
    method : {"leiden", "louvain"}
        Algorithm.
    n_seeds : int
        Runs per resolution (:func:`best_partition`).
    random_state : int, numpy.random.Generator or None
        Root seed, the same for every resolution.
    weights : str or None
        Edge attribute of the weights.

    Returns
    -------
    DataFrame
        ``resolution, modularity`` (at that resolution), ``modularity_r1`` (the partition's
        standard modularity), ``n_communities, nmi_to_r1, median_nmi_between_seeds``.
    """
    g = as_igraph(g, require_simple=False)
    seed = int_seed(random_state)  # one root for every resolution (an int is used as is)
    best = {r: best_partition(g, method, r, n_seeds, seed, weights) for r in resolutions}
    ref = best[1.0][0] if 1.0 in best else best_partition(g, method, 1.0, n_seeds, seed, weights)[0]
    rows = []
    for r, (p, runs) in best.items():
        rows.append({"resolution": r, "modularity": p.modularity,
                     "modularity_r1": modularity(g, p.membership, weights, 1.0), "n_communities": p.n_communities,
                     "nmi_to_r1": ig.compare_communities(p.membership, ref.membership, "nmi"),
                     "median_nmi_between_seeds": float(runs["nmi_to_best"].median())})
    return pd.DataFrame(rows)


def _stub_null_graph(g: ig.Graph, w: np.ndarray, rng: np.random.Generator) -> ig.Graph:
    e = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    wi = np.round(w).astype(np.int64)
    stubs = np.concatenate([np.repeat(e[:, 0], wi), np.repeat(e[:, 1], wi)])
    stubs = rng.permutation(stubs)
    a, b = stubs[0::2], stubs[1::2]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    key, counts = np.unique(lo * g.vcount() + hi, return_counts=True)
    h = ig.Graph(n=g.vcount(), edges=np.c_[key // g.vcount(), key % g.vcount()].tolist(), directed=False)
    h.es["weight"] = counts.astype(float).tolist()
    return h


def _expected_null_graph(g: ig.Graph, expected: pd.DataFrame, rng: np.random.Generator) -> ig.Graph:
    pos = {n: i for i, n in enumerate(g.vs["name"])}
    e = expected[expected["country_a"].isin(pos) & expected["country_b"].isin(pos)]
    w = rng.poisson(e["mu"].to_numpy(float))
    keep = w > 0
    a = e["country_a"].map(pos).to_numpy()[keep]
    b = e["country_b"].map(pos).to_numpy()[keep]
    h = ig.Graph(n=g.vcount(), edges=np.c_[a, b].tolist(), directed=False)
    h.vs["name"] = g.vs["name"]
    h.es["weight"] = w[keep].astype(float).tolist()
    return h


@random_state_arg()
def modularity_null(g: GraphLike, n_replicates: int = 200, method: str = "leiden", resolution: float = 1.0,
                    n_seeds: int = 3, random_state: RandomState = 0, weights: str = "weight",
                    expected: pd.DataFrame | TableResult | None = None) -> tuple[TestResult, np.ndarray]:
    """Is the community structure stronger than in random graphs with the same strengths?

    Null model (default): the weighted graph is read as a multigraph of ``weight`` (integer) ties;
    the tie ends ("stubs") are shuffled and paired at random (configuration model on the multigraph:
    every vertex keeps its strength, loops such as domestic ties may form and are kept).  With
    ``expected`` (``country_a, country_b, mu`` per pair of vertex names, self-pairs included, e.g.
    :func:`twingraph.measures.gravity_expected`), each replicate instead draws ``Poisson(mu)`` ties
    per pair: a null that keeps geography and domestic ties in expectation, so the test asks
    whether the communities are more than distance, borders, language and size produce.  Each
    replicate gets the best of ``n_seeds`` runs of ``method``; the observed value is the best of
    ``5 * n_seeds`` runs.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Graph (self-loops allowed).
    n_replicates : int
        Null replicates.
    method : {"leiden", "louvain"}
        Algorithm.
    resolution : float
        Resolution parameter.
    n_seeds : int
        Runs per replicate.
    random_state : int, numpy.random.Generator or None
        Root seed.
    weights : str
        Edge attribute of the (integer) weights; 1 per edge when absent.
    expected : DataFrame, optional
        Expected ties per pair (``country_a, country_b, mu``).

    Returns
    -------
    (TestResult, ndarray)
        ``statistic`` = observed best modularity; null mean/sd; effect size = observed / null mean
        with a 95% interval from the null's 2.5/97.5 percentiles; one-sided empirical p (null >=
        observed); and the replicate modularities.
    """
    if isinstance(expected, TableResult):  # gravity_expected's result
        expected = expected.table
    from ._common import empirical_test

    g = as_igraph(g, require_simple=False)
    w = np.asarray(g.es[weights], dtype=float) if weights in g.es.attributes() else np.ones(g.ecount())
    rng = check_random_state(random_state)
    obs = best_partition(g, method, resolution, 5 * n_seeds, int(rng.integers(2**31 - 1)), weights)[0].modularity
    null = []
    for s in spawn_seeds(int(rng.integers(2**31 - 1)), n_replicates):
        h = (_stub_null_graph(g, w, np.random.default_rng(s)) if expected is None
             else _expected_null_graph(g, expected, np.random.default_rng(s)))
        null.append(best_partition(h, method, resolution, n_seeds, s, "weight")[0].modularity)
    arr = np.asarray(null)
    model = ("stub-matching configuration model on the tie multigraph (strengths kept)" if expected is None
             else "Poisson draws of gravity-expected ties per pair (geography, strengths and domestic ties kept "
                  "in expectation)")
    res = empirical_test(obs, arr, alternative="greater",
                         null_model=f"{model}, best of {n_seeds} {method} runs per replicate")
    return res, arr
