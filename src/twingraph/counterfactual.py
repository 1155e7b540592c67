"""What the network loses when exposed ties are cut, against cutting as many random ties.

:func:`counterfactual_removal` deletes a given set of edges (e.g. every tie with Russia) from a
simple graph and compares a set of structural measures with the same measures after deleting the
same number of edges chosen uniformly at random (``n_random`` replicates, optionally from a
restricted ``pool``).  Everything runs on igraph / scipy (:func:`twingraph.graphs.to_igraph`);
replicates run in parallel with joblib and are reproducible: replicate ``r`` draws from child
``r + 1`` of ``numpy.random.SeedSequence(seed)``, child 0 seeds the shared choices (distance
sources, the community detection on the intact and observed graphs), so the result does not depend
on ``n_jobs``.

Measures (rows of the result)
-----------------------------
``lcc_size``, ``n_components``
    vertices in the largest connected component; number of components (isolated vertices count:
    places are never deleted, only ties).
``efficiency``
    global efficiency, the mean of ``1/d(u, v)`` over ordered pairs ``u != v`` (``1/inf = 0``), as
    ``networkx.global_efficiency``, computed as the mean normalized harmonic centrality (igraph).
    Exact (BFS from every vertex) when ``n <= exact_max``; above it, estimated from BFS out of
    ``n_sources`` vertices drawn uniformly without replacement (the same sources for the intact,
    observed and random graphs: common random numbers), an unbiased estimate of the mean.
``mean_distance``
    mean shortest-path length between distinct vertices of the largest component (the mean of
    ``1 / normalized closeness`` over its vertices, igraph); exact or, above ``exact_max``, from the
    sampled sources that fall in that component.
``degree_rank[<hub>]``, ``betweenness_rank[<hub>]``
    rank of each named hub (1 = highest; ties share the best rank: 1 + number of vertices with a
    strictly larger value).  Betweenness is exact up to ``exact_max`` vertices, else estimated from
    the sampled sources (igraph ``betweenness(sources=...)``; ranks are unaffected by the scale).
``modularity``, ``n_communities``
    Louvain (igraph ``community_multilevel``, unweighted) modularity and the number of communities
    with at least 2 vertices (singletons are isolated places).

For each measure the result gives the ``baseline`` (intact graph), the ``observed`` value after the
targeted removal, the random replicates' ``random_mean`` / ``random_sd``, ``z = (observed -
random_mean) / random_sd`` (NaN when the sd is 0), one-sided empirical p-values ``p_low = (1 + #{r <=
observed}) / (n_random + 1)`` and ``p_high`` (with ``>=``), and the two-sided ``p = min(1, 2 min(p_low,
p_high))``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from .graphs import to_igraph

__all__ = ["remove_ties", "exposed_edges", "counterfactual_removal", "structure_measures", "MEASURES"]

MEASURES = ("lcc", "efficiency", "mean_distance", "hub_ranks", "modularity")


def _edge_list(G: nx.Graph, mask_or_edges: Any) -> list[tuple[Any, Any]]:
    """A boolean mask aligned with ``list(G.edges())``, or an iterable of ``(u, v)`` pairs in ``G``."""
    if isinstance(mask_or_edges, (np.ndarray, pd.Series)) and np.asarray(mask_or_edges).dtype == bool:
        mask = np.asarray(mask_or_edges)
        if len(mask) != G.number_of_edges():
            raise ValueError(f"mask has {len(mask)} entries for {G.number_of_edges()} edges")
        return [e for e, m in zip(G.edges(), mask) if m]
    edges = [tuple(e[:2]) for e in mask_or_edges]
    absent = [e for e in edges if not G.has_edge(*e)]
    if absent:
        raise ValueError(f"{len(absent)} edges to remove are not in the graph, e.g. {absent[0]}")
    return edges


def remove_ties(G: nx.Graph, mask_or_edges: Any) -> nx.Graph:
    """A copy of ``G`` without the given edges; all nodes are kept (they may become isolated).

    ``mask_or_edges`` is a boolean array/Series aligned with ``list(G.edges())`` or an iterable of
    ``(u, v)`` pairs (which must be edges of ``G``; on a simple graph the pair's edge goes whatever
    its weight, i.e. however many ties it stands for).
    """
    H = G.copy()
    H.remove_edges_from(_edge_list(G, mask_or_edges))
    return H


def exposed_edges(spells: pd.DataFrame, exposed: pd.Series) -> list[tuple[str, str]]:
    """Place pairs all of whose spells in ``spells`` are exposed: the edges a removal deletes.

    ``exposed`` is a boolean Series indexed by ``spell_id`` (:func:`twingraph.shocks.exposure`).  A
    pair linked by an exposed and an unexposed tie keeps its edge.  Pass the spells of the graph
    being cut (e.g. those active on the cut date, ``spells[graphs.active_mask(...)]``).  Self-loops
    are skipped.  Pairs come as ``(a, b)`` with ``a < b``, sorted.
    """
    s = spells.loc[spells["a"] != spells["b"], ["spell_id", "a", "b"]]
    flag = s["spell_id"].map(exposed).fillna(False).astype(bool)
    allx = flag.groupby([s["a"], s["b"]]).all()
    return sorted(allx.index[allx.to_numpy()].tolist())


# -------------------------------------------------------------------------------------- measures
def _igraph(n: int, edges: np.ndarray) -> ig.Graph:
    return ig.Graph(n=n, edges=edges.tolist(), directed=False)


def _rank(values: Sequence[float], i: int) -> int:
    v = np.asarray(values, dtype=float)
    return int(1 + np.sum(v > v[i] + 1e-9 * max(1.0, abs(v[i]))))


def structure_measures(
    n: int,
    edges: np.ndarray,
    measures: Sequence[str] = MEASURES,
    hubs: Sequence[tuple[str, int]] = (),
    sources: np.ndarray | None = None,
    community_seed: int = 0,
) -> dict[str, float]:
    """The measures of the module docstring on the graph with ``n`` vertices and ``edges`` (m x 2).

    ``hubs`` are ``(label, vertex index)`` pairs; ``sources=None`` means exact distances/betweenness,
    else BFS from those vertices only; ``community_seed`` seeds igraph's RNG for Louvain.
    """
    unknown = set(measures) - set(MEASURES)
    if unknown:
        raise ValueError(f"unknown measures {sorted(unknown)}; choose from {MEASURES}")
    g = _igraph(n, edges)
    out: dict[str, float] = {}
    comps = g.connected_components()
    sizes = np.asarray(comps.sizes())
    lcc_id = int(np.argmax(sizes)) if len(sizes) else -1
    if "lcc" in measures:
        out["lcc_size"] = float(sizes.max()) if n else 0.0
        out["n_components"] = float(len(sizes))
    src = list(range(n)) if sources is None else [int(x) for x in sources]
    if "efficiency" in measures:
        # normalized harmonic centrality of v = mean of 1/d(v, u) over u != v
        h = g.harmonic_centrality(vertices=src, normalized=True) if n > 1 else []
        out["efficiency"] = float(np.mean(h)) if len(h) else 0.0
    if "mean_distance" in measures:
        member = comps.membership
        in_lcc = [v for v in src if member[v] == lcc_id]
        # normalized closeness of v = 1 / mean distance to the vertices it reaches (its component)
        c = (np.asarray(g.closeness(vertices=in_lcc, normalized=True), dtype=float) if sizes.max(initial=0) > 1
             else np.empty(0))
        out["mean_distance"] = float(np.mean(1.0 / np.asarray(c))) if len(c) else float("nan")
    if "hub_ranks" in measures and hubs:
        deg = g.degree()
        btw = g.betweenness(directed=False) if sources is None else g.betweenness(directed=False, sources=src)
        for label, i in hubs:
            out[f"degree_rank[{label}]"] = float(_rank(deg, i))
            out[f"betweenness_rank[{label}]"] = float(_rank(btw, i))
    if "modularity" in measures:
        ig.set_random_number_generator(random.Random(int(community_seed)))
        try:
            cl = g.community_multilevel()
        finally:
            ig.set_random_number_generator(random)
        out["modularity"] = float(cl.modularity) if g.ecount() else 0.0
        out["n_communities"] = float(sum(1 for s in cl.sizes() if s >= 2))
    return out


def _replicate(n: int, edges: np.ndarray, pool: np.ndarray, k: int, ss: np.random.SeedSequence,
               measures: Sequence[str], hubs: Sequence[tuple[str, int]],
               sources: np.ndarray | None) -> dict[str, float]:
    rng = np.random.default_rng(ss)
    drop = rng.choice(pool, size=k, replace=False) if k else np.empty(0, dtype=np.int64)
    keep = np.ones(len(edges), dtype=bool)
    keep[drop] = False
    return structure_measures(n, edges[keep], measures, hubs, sources, int(rng.integers(2**31 - 1)))


def counterfactual_removal(
    G: nx.Graph,
    removed_edges: Any,
    measures: Sequence[str] = MEASURES,
    hubs: Iterable[str] = (),
    n_random: int = 100,
    seed: int = 0,
    n_jobs: int = 1,
    pool: Any = None,
    exact_max: int = 2000,
    n_sources: int = 256,
) -> pd.DataFrame:
    """Targeted vs random tie removal on the simple graph ``G``: one row per measure.

    ``removed_edges``: what :func:`remove_ties` accepts (duplicates count once).  ``hubs``: node ids
    (e.g. a place's QID) whose degree and betweenness ranks to track.  Random replicates delete the
    same number ``k`` of edges uniformly without replacement from ``pool`` (default: all edges of
    ``G``; pass edges, e.g. all ties of the exposed country's neighbours, for a stricter null).
    Columns: ``measure, baseline, observed, random_mean, random_sd, z, p_low, p_high, p, n_random``;
    ``attrs`` record ``k``, ``n``, ``m``, ``seed``, ``distances`` ("exact" or "sampled from N sources").
    See the module docstring for definitions and the seeding scheme.
    """
    g, ids = to_igraph(G)
    n, index = len(ids), {v: i for i, v in enumerate(ids)}
    edges = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    eid = {(min(u, v), max(u, v)): i for i, (u, v) in enumerate(edges.tolist())}

    def ids_of(es: list[tuple[Any, Any]]) -> np.ndarray:
        return np.array(sorted({eid[(min(index[u], index[v]), max(index[u], index[v]))] for u, v in es}),
                        dtype=np.int64)

    removed = ids_of(_edge_list(G, removed_edges))
    k = len(removed)
    pool_ids = np.arange(len(edges)) if pool is None else ids_of(_edge_list(G, pool))
    if k > len(pool_ids):
        raise ValueError(f"cannot draw {k} random edges from a pool of {len(pool_ids)}")
    hub_list = []
    for h in hubs:
        if h not in index:
            raise ValueError(f"hub {h!r} is not a node of the graph")
        hub_list.append((str(h), index[h]))

    root, *children = np.random.SeedSequence(seed).spawn(n_random + 1)
    rng0 = np.random.default_rng(root)
    sources = None if n <= exact_max else np.sort(rng0.choice(n, size=min(n_sources, n), replace=False))
    cseed = int(rng0.integers(2**31 - 1))
    keep = np.ones(len(edges), dtype=bool)
    keep[removed] = False
    baseline = structure_measures(n, edges, measures, hub_list, sources, cseed)
    observed = structure_measures(n, edges[keep], measures, hub_list, sources, cseed)
    reps = Parallel(n_jobs=n_jobs)(
        delayed(_replicate)(n, edges, pool_ids, k, ss, measures, hub_list, sources) for ss in children
    )
    rows = []
    for name in baseline:
        r = np.array([x[name] for x in reps], dtype=float)
        obs = observed[name]
        constant = len(r) > 0 and np.ptp(r) == 0  # avoid rounding noise in mean and sd
        mean = float(r[0]) if constant else float(r.mean()) if len(r) else float("nan")
        sd = (0.0 if constant else float(r.std(ddof=1))) if len(r) > 1 else float("nan")
        p_low = (1 + np.sum(r <= obs)) / (len(r) + 1)
        p_high = (1 + np.sum(r >= obs)) / (len(r) + 1)
        rows.append({
            "measure": name, "baseline": baseline[name], "observed": obs, "random_mean": mean,
            "random_sd": sd, "z": (obs - mean) / sd if sd and np.isfinite(sd) else float("nan"),
            "p_low": float(p_low), "p_high": float(p_high), "p": float(min(1.0, 2 * min(p_low, p_high))),
            "n_random": len(r),
        })
    df = pd.DataFrame(rows)
    df.attrs.update(k=k, n=n, m=len(edges), seed=seed,
                    distances="exact" if sources is None else f"sampled from {len(sources)} sources")
    df.attrs["replicates"] = pd.DataFrame(list(reps), columns=list(baseline))  # one row per random removal
    return df
