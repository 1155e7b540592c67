"""Shortest-path distance statistics: diameter, mean/median distance, effective diameters.

Everything is computed *exactly* from the distance distribution, obtained by a BFS from every
vertex (bit-parallel, 64 sources per machine word, vectorised with numpy; cross-checked against
igraph's ``Graph.path_length_hist`` in the tests), by default on the largest connected component
(LCC), as KONECT does.

Two sets of pairs are offered wherever they differ (``pairs=``; ``convention=`` is its deprecated name):

``"konect"`` (default; KONECT Handbook sec. "Distance statistics", konect-analysis
    ``m/statistic_diameff.m``, ``m/mediandist.m``, toolbox ``konect_diameff.m``,
    ``konect_diammean.m``): the distribution of all ``N^2`` *ordered* pairs ``(u, v)`` of LCC
    vertices, **including the N pairs (u, u) at distance 0**.  The cumulative hop plot is
    ``H(k) = #{(u,v): d(u,v) <= k}``, so ``H(0) = N``, ``H(1) = N + 2m``, ``H(diam) = N^2``.
    mean distance = ``sum_{u,v} d(u,v) / N^2``; median = smallest ``k`` with ``H(k) > N^2/2``;
    q-effective diameter = ``k + (qN^2 - H(k)) / (H(k+1) - H(k))`` for the ``k`` with
    ``H(k) <= qN^2 < H(k+1)`` (linear interpolation of the hop plot).
    Note: KONECT estimates ``H`` with HyperANF (an approximation); here ``H`` is exact, so the
    published twin values (delta_0.5 = 7.00401, delta_0.9 = 10.1647, mean 7.65392, median 8)
    can differ from ours in the last digits even on identical data.

``"distinct"``: the ``N(N-1)/2`` unordered pairs of distinct vertices (networkx's
    ``average_shortest_path_length``).  mean = ``sum_{u<v} d / P``; median = lower median;
    the integer q-percentile ("effective diameter, integer") = smallest ``k`` such that at
    least a fraction ``q`` of pairs are within distance ``k``.

The two means differ by the factor ``(N-1)/N``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import igraph as ig
import numpy as np

from ..deprecation import renamed_arguments
from ..randomness import RandomState, random_state_arg
from ._common import GraphLike, as_igraph, leaves
from .size import largest_component

Pairs = Literal["konect", "distinct"]
Convention = Pairs  # the old name

__all__ = [
    "DistanceDistribution", "distance_distribution", "diameter", "mean_distance",
    "median_distance", "effective_diameter", "effective_diameter_int", "distance_stats",
    "global_efficiency", "EXACT_DISTANCE_LIMIT", "SampledDistances", "sampled_distance_stats",
]


@dataclass(frozen=True)
class DistanceDistribution:
    """Exact distance distribution.

    ``counts[k]`` = number of unordered pairs of *distinct* vertices at distance ``k``
    (``counts[0] == 0``); ``n`` = number of vertices considered; ``unconnected`` = unordered
    pairs of distinct vertices with no path (0 when computed on the LCC).
    """

    counts: np.ndarray
    n: int
    unconnected: int = 0

    @property
    def n_pairs(self) -> int:
        """Connected unordered pairs of distinct vertices.

        Returns
        -------
        int
            Sum of ``counts``.
        """
        return int(self.counts.sum())

    @property
    def diameter(self) -> int:
        """Largest finite distance (0 for a graph without connected pairs).

        Returns
        -------
        int
            The diameter.
        """
        nz = np.flatnonzero(self.counts)
        return int(nz[-1]) if len(nz) else 0

    def konect_hop_plot(self) -> np.ndarray:
        """KONECT's cumulative hop plot ``H(k)``, k = 0..diameter: ordered pairs incl. (u, u).

        Returns
        -------
        numpy.ndarray of int64
            ``H(0), ..., H(diameter)`` (``ValueError`` when some pairs are unconnected).
        """
        if self.unconnected:
            raise ValueError("the KONECT hop plot needs a connected graph (use the LCC)")
        c = self.counts[: self.diameter + 1].astype(np.int64)
        return self.n + 2 * np.cumsum(c)


_SMALL_DEGREE_BUCKETS = ((1, 1), (2, 2), (3, 4), (5, 8))

# (n, [(start, stop, padded neighbour matrix)], (start_big, flat neighbours, reduceat offsets))
_Plan = tuple[int, list[tuple[int, int, np.ndarray]], tuple[int, np.ndarray, np.ndarray]]


def _csr(n: int, edges: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(indptr, indices)`` of the symmetric adjacency of the undirected ``edges`` (m x 2)."""
    e = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    src = np.concatenate([e[:, 0], e[:, 1]])
    dst = np.concatenate([e[:, 1], e[:, 0]])
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst[order]


def _neighbours_of(indptr: np.ndarray, indices: np.ndarray, verts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Concatenated neighbour lists of ``verts`` and each entry's position within its list."""
    d = indptr[verts + 1] - indptr[verts]
    total = int(d.sum())
    first = np.repeat(np.cumsum(d) - d, d)
    pos = np.arange(total, dtype=np.int64) - first
    return indices[np.repeat(indptr[verts], d) + pos], pos


def _adjacency_plan(g: ig.Graph | tuple[int, np.ndarray]) -> _Plan:
    """Vectorised 'pull' plan.  Vertices are relabelled by increasing degree so that every degree
    bucket is a contiguous block; low-degree blocks get a padded neighbour matrix (padding points
    to the all-zero sentinel row ``n``), the high-degree block a CSR slice for ``reduceat``.
    ``g``: an igraph graph or ``(n, edges)``; built with numpy only (no per-vertex Python loop)."""
    if isinstance(g, ig.Graph):
        n, edges = g.vcount(), np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    else:
        n, edges = g
    plan, _ = _plan_and_order(n, edges)
    return plan


def _plan_and_order(n: int, edges: np.ndarray) -> tuple[_Plan, np.ndarray]:
    indptr, indices = _csr(n, edges)
    deg = np.diff(indptr)
    order = np.argsort(deg, kind="stable")
    new = np.empty(n, dtype=np.int64)
    new[order] = np.arange(n)
    sdeg = deg[order]
    small = []
    for lo, hi in _SMALL_DEGREE_BUCKETS:
        start, stop = (int(x) for x in np.searchsorted(sdeg, [lo, hi + 1]))
        if stop == start:
            continue
        mat = np.full((hi, stop - start), n, dtype=np.int64)
        nb, pos = _neighbours_of(indptr, indices, order[start:stop])
        col = np.repeat(np.arange(stop - start), sdeg[start:stop])
        mat[pos, col] = new[nb]
        small.append((start, stop, mat))
    start_big = int(np.searchsorted(sdeg, _SMALL_DEGREE_BUCKETS[-1][1] + 1))
    nb, _ = _neighbours_of(indptr, indices, order[start_big:])
    flat = new[nb]
    starts = np.zeros(n - start_big, dtype=np.int64)
    if n - start_big > 1:
        np.cumsum(sdeg[start_big:-1], out=starts[1:])
    return (n, small, (start_big, flat, starts)), new


def _bfs_batch_counts(plan: _Plan, first: int, last: int, words: int,
                      leaves: np.ndarray | None = None, sources: np.ndarray | None = None,
                      per_word: list[np.ndarray] | None = None) -> np.ndarray:
    """Multi-source bit-parallel BFS (one bit per source) from relabelled sources ``first..last-1``.

    Returns ``out[k]`` = number of ordered (source, target) pairs at distance ``k >= 1``.

    With ``leaves`` (per relabelled vertex, the number of pruned degree-1 neighbours hanging from
    it; see :func:`_pruned_counts`) every pair found at distance ``k`` also stands for its leaves'
    pairs: ``l(t)`` at ``k + 1`` on the target side, as many on the source side, ``l(s) l(t)`` at
    ``k + 2``.  The source-side sum equals the target-side one once summed over *all* sources of
    a component (the set of pairs is symmetric), so the target side is counted twice; callers
    must run every source of each component.  Sources are then taken in decreasing ``l`` so that
    most 64-bit words hold sources of one leaf count (a word with mixed counts is weighted bit by
    bit through binary-digit masks).

    ``sources`` (relabelled ids) replaces the range ``first..last``; ``per_word``, a list, receives
    for every 64-source word an array of its counts by distance (sampled estimates, no ``leaves``).
    """
    n, small, (start_big, flat, starts) = plan
    out = np.zeros(n + 3, dtype=np.int64)
    one = np.uint64(1)
    step = 64 * words
    weighted = leaves is not None and bool(np.any(leaves))
    if weighted:
        assert leaves is not None
        srcs = first + np.argsort(-leaves[first:last], kind="stable")
        leafy = np.flatnonzero(leaves)
        lw = leaves[leafy].astype(np.int64)
        digits = int(leaves.max()).bit_length()
        sub = np.empty((len(leafy), words), dtype=np.uint64)
    else:
        srcs = np.arange(first, last) if sources is None else np.asarray(sources, dtype=np.int64)
    for b0 in range(0, len(srcs), step):
        batch = srcs[b0:b0 + step]
        k = len(batch)
        w = (k + 63) // 64
        bits = np.arange(k)
        visited = np.zeros((n + 1, w), dtype=np.uint64)  # the sources; row n: zero sentinel
        visited[batch, bits // 64] = np.left_shift(one, (bits % 64).astype(np.uint64))
        frontier = visited.copy()
        unvisited = ~visited
        nxt = np.zeros_like(visited)
        tmp = np.empty((max((m.shape[1] for _, _, m in small), default=0), w), dtype=np.uint64)
        if weighted:
            assert leaves is not None
            lsrc = np.zeros(64 * w, dtype=np.int64)
            lsrc[:k] = leaves[batch]
            lmat = lsrc.reshape(w, 64)
            word_l = lmat[:, 0].copy()
            mixed = np.flatnonzero((lmat != lmat[:, :1]).any(axis=1))
            word_l[mixed] = 0
            masks = np.zeros((len(mixed), digits), dtype=np.uint64)
            for a, c in enumerate(mixed):
                for j in range(digits):
                    on = np.flatnonzero((lmat[c] >> j) & 1).astype(np.uint64)
                    masks[a, j] = np.bitwise_or.reduce(np.left_shift(one, on)) if len(on) else 0
            lsub = sub[:, :w]
        word_counts = np.zeros((n + 3, w), dtype=np.int64) if per_word is not None else None
        level = 0
        while True:
            level += 1
            for start, stop, mat in small:
                acc = nxt[start:stop]
                np.take(frontier, mat[0], axis=0, out=acc, mode="clip")
                buf = tmp[: stop - start]
                for row in mat[1:]:
                    np.take(frontier, row, axis=0, out=buf, mode="clip")
                    acc |= buf
            if start_big < n:
                nxt[start_big:n] = np.bitwise_or.reduceat(
                    np.take(frontier, flat, axis=0, mode="clip"), starts, axis=0)
            nxt &= unvisited
            pc = np.bitwise_count(nxt[:n])
            found = int(pc.sum())
            if found == 0:
                break
            out[level] += found
            if word_counts is not None:
                word_counts[level] = pc.sum(axis=0, dtype=np.int64)
            if weighted:
                col = lw @ pc[leafy]  # per word: sum over targets of l(t) * new bits
                out[level + 1] += 2 * int(col.sum())
                cross = int(col @ word_l)
                if len(mixed):
                    np.take(nxt, leafy, axis=0, out=lsub)
                    for a, c in enumerate(mixed):
                        for j in range(digits):
                            if masks[a, j]:
                                cross += int(lw @ np.bitwise_count(lsub[:, c] & masks[a, j])) << j
                out[level + 2] += cross
            unvisited ^= nxt  # nxt holds unvisited bits only
            frontier, nxt = nxt, frontier
        if per_word is not None and word_counts is not None:
            per_word.extend(word_counts[:, j] for j in range(w))
    return out


def _pruned_counts(g: ig.Graph, words: int) -> np.ndarray:
    """``out[k]``: ordered pairs of distinct vertices of ``g`` at distance ``k``, exactly.

    Degree-1 vertices whose neighbour has degree >= 2 (about half the places of a twinning
    network) are pruned first: a leaf ``a`` hanging from ``u`` has ``d(a, x) = 1 + d(u, x)``, so
    the bit-parallel BFS runs on the core only, from the core's vertices, one component group at
    a time (the largest component, then all the others together), and each core pair ``(s, t)``
    at distance ``k`` also counts ``l(s) + l(t)`` pairs at ``k + 1`` and ``l(s) l(t)`` at ``k + 2``
    (``l`` = leaves hanging from a vertex); a vertex's own leaves add ``2 l`` ordered pairs at
    distance 1 and ``l (l - 1)`` at 2.  Sum over source-side and target-side leaf terms are equal
    (the pair set is symmetric), so the BFS adds the target side and it is doubled here.
    """
    n = g.vcount()
    edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    leaf_edge, is_leaf, lcount = leaves(n, edges)
    core = np.flatnonzero(~is_leaf)
    cid = np.full(n, -1, dtype=np.int64)
    cid[core] = np.arange(len(core))
    ce = edges[~leaf_edge]
    ce = cid[ce]
    out = np.zeros(n + 3, dtype=np.int64)
    out[1] += 2 * int(lcount.sum())
    out[2] += int((lcount * (lcount - 1)).sum())
    if len(core) < 2:
        return out
    h = ig.Graph(n=len(core), edges=ce, directed=False)
    memb = np.asarray(h.connected_components().membership, dtype=np.int64)
    sizes = np.bincount(memb)
    big = int(np.argmax(sizes))
    lcore = lcount[core]
    for group in (memb == big, memb != big):
        verts = np.flatnonzero(group)
        if len(verts) < 2:
            continue
        gid = np.full(len(core), -1, dtype=np.int64)
        gid[verts] = np.arange(len(verts))
        ge = gid[ce[group[ce[:, 0]]]] if len(ce) else np.empty((0, 2), dtype=np.int64)
        plan, new = _plan_and_order(len(verts), ge)
        lv = np.zeros(len(verts), dtype=np.int64)
        lv[new] = lcore[verts]
        res = _bfs_batch_counts(plan, 0, len(verts), words, lv)
        m = min(len(res), len(out))
        out[:m] += res[:m]
    return out


def distance_distribution(g: GraphLike, component: Literal["lcc", "all"] = "lcc", *,
                          words: int = 4) -> DistanceDistribution:
    """Exact distance distribution by BFS from every vertex.

    ``component="lcc"`` (default) restricts to the largest connected component;
    ``"all"`` uses every connected pair of the whole graph and reports the unconnected pairs.
    The BFS is bit-parallel (64 * ``words`` sources per sweep, vectorised with numpy) and gives
    exactly the counts of igraph's ``path_length_hist`` (tested), about 10x faster on sparse
    graphs (0.8 s instead of 11 s on an 18k-vertex LCC).  Cost: O(N (N + M) / 64) word
    operations, O((N + M) * words) memory.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    component : {"lcc", "all"}
        Vertices considered.
    words : int
        64-bit words of sources per BFS sweep.

    Returns
    -------
    DistanceDistribution
        Counts by distance of the unordered pairs, ``n`` and the unconnected pairs.
    """
    g = as_igraph(g)
    h = largest_component(g) if component == "lcc" else g
    n = h.vcount()
    if n < 2:
        return DistanceDistribution(np.zeros(1, dtype=np.int64), n, 0)
    ordered = _pruned_counts(h, words)
    nz = np.flatnonzero(ordered)
    top = int(nz[-1]) if len(nz) else 0
    counts = ordered[: top + 1] // 2
    unconnected = n * (n - 1) // 2 - int(counts.sum())
    return DistanceDistribution(counts, n, unconnected)


def _dist(x: GraphLike | DistanceDistribution) -> DistanceDistribution:
    return x if isinstance(x, DistanceDistribution) else distance_distribution(x)


def diameter(g: GraphLike | DistanceDistribution) -> int:
    """Exact diameter (longest shortest path) of the LCC (KONECT ``diam``).

    Parameters
    ----------
    g : igraph.Graph, networkx.Graph or DistanceDistribution
        Graph, or its distance distribution.

    Returns
    -------
    int
        The diameter (0 without connected pairs).
    """
    return _dist(g).diameter


@renamed_arguments(convention="pairs")
def mean_distance(g: GraphLike | DistanceDistribution, pairs: Pairs = "konect") -> float:
    """Mean shortest-path distance in the LCC (``nan`` when there is no pair).

    ``"konect"``: ``sum_{u,v in LCC} d(u,v) / N^2`` over ordered pairs incl. ``(u, u)``
    (KONECT ``meandist``); ``"distinct"``: mean over unordered pairs of distinct vertices.

    Parameters
    ----------
    g : igraph.Graph, networkx.Graph or DistanceDistribution
        Graph, or its distance distribution.
    pairs : {"konect", "distinct"}
        Set of pairs averaged over.

    Returns
    -------
    float
        The mean distance.
    """
    d = _dist(g)
    k = np.arange(len(d.counts))
    total = float((k * d.counts).sum())
    if pairs == "konect":
        return 2.0 * total / float(d.n) ** 2 if d.n else float("nan")
    if pairs == "distinct":
        return total / d.n_pairs if d.n_pairs else float("nan")
    raise ValueError(f"unknown pairs {pairs!r}: use 'konect' or 'distinct'")


@renamed_arguments(convention="pairs")
def median_distance(g: GraphLike | DistanceDistribution, pairs: Pairs = "konect") -> int:
    """Median shortest-path distance in the LCC (an integer).

    ``"konect"``: smallest ``k`` with ``H(k) > N^2/2`` (konect-analysis ``m/mediandist.m``);
    ``"distinct"``: lower median of the distances of unordered distinct pairs.

    Parameters
    ----------
    g : igraph.Graph, networkx.Graph or DistanceDistribution
        Graph, or its distance distribution.
    pairs : {"konect", "distinct"}
        Set of pairs.

    Returns
    -------
    int
        The median distance (0 without pairs).
    """
    d = _dist(g)
    if pairs == "konect":
        if d.n == 0:
            return 0
        hop = d.konect_hop_plot()
        return int(np.count_nonzero(hop <= hop[-1] / 2.0))
    if pairs == "distinct":
        if d.n_pairs == 0:
            return 0
        cum = np.cumsum(d.counts)
        return int(np.searchsorted(cum, d.n_pairs / 2.0, side="left"))
    raise ValueError(f"unknown pairs {pairs!r}: use 'konect' or 'distinct'")


def effective_diameter(g: GraphLike | DistanceDistribution, q: float = 0.9) -> float:
    """KONECT's interpolated ``q``-percentile effective diameter of the LCC (``diameff50/90``).

    Linear interpolation of the hop plot ``H`` (ordered pairs incl. ``(u, u)``, see module doc)
    at ``q N^2``, exactly as ``konect_diameff.m``; returns 0.0 when already ``H(0) > q N^2``.

    Parameters
    ----------
    g : igraph.Graph, networkx.Graph or DistanceDistribution
        Graph, or its distance distribution.
    q : float
        Fraction of pairs, in (0, 1).

    Returns
    -------
    float
        The effective diameter (NaN for an empty graph).
    """
    if not 0.0 < q < 1.0:
        raise ValueError("q must be in (0, 1)")
    d = _dist(g)
    if d.n == 0:
        return float("nan")
    hop = d.konect_hop_plot().astype(float)
    amount = q * hop[-1]
    if amount < hop[0]:
        return 0.0
    for k in range(len(hop) - 1):
        if hop[k] <= amount < hop[k + 1]:
            return float(k + (amount - hop[k]) / (hop[k + 1] - hop[k]))
    return float(len(hop))  # konect_diameff's fallback; unreachable for 0 < q < 1


def effective_diameter_int(g: GraphLike | DistanceDistribution, q: float = 0.9) -> int:
    """Integer ``q``-percentile: smallest ``k`` such that a fraction >= ``q`` of the unordered
    pairs of distinct LCC vertices are at distance <= ``k``.

    Parameters
    ----------
    g : igraph.Graph, networkx.Graph or DistanceDistribution
        Graph, or its distance distribution.
    q : float
        Fraction of pairs, in (0, 1].

    Returns
    -------
    int
        ``k`` (0 without pairs).
    """
    if not 0.0 < q <= 1.0:
        raise ValueError("q must be in (0, 1]")
    d = _dist(g)
    if d.n_pairs == 0:
        return 0
    frac = np.cumsum(d.counts) / d.n_pairs
    return int(np.searchsorted(frac, q - 1e-12, side="left"))


@renamed_arguments(convention="pairs")
def distance_stats(g: GraphLike | DistanceDistribution, pairs: Pairs = "konect") -> dict[str, float | int]:
    """All distance statistics of the LCC from one distance distribution, as plain numbers.

    Keys: lcc_size, n_pairs, diameter, mean_distance, median_distance (over ``pairs``; ``convention=``
    is its deprecated name),
    effective_diameter_50, effective_diameter_90 (KONECT interpolation),
    effective_diameter_50_int, effective_diameter_90_int (integer percentiles, distinct pairs).

    Parameters
    ----------
    g : igraph.Graph, networkx.Graph or DistanceDistribution
        Graph, or its distance distribution.
    pairs : {"konect", "distinct"}
        Set of pairs for the mean and the median.

    Returns
    -------
    dict of str to float or int
        The statistics under the keys above.
    """
    d = _dist(g)
    return {
        "lcc_size": d.n,
        "n_pairs": d.n_pairs,
        "diameter": d.diameter,
        "mean_distance": mean_distance(d, pairs),
        "median_distance": median_distance(d, pairs),
        "effective_diameter_50": effective_diameter(d, 0.5),
        "effective_diameter_90": effective_diameter(d, 0.9),
        "effective_diameter_50_int": effective_diameter_int(d, 0.5),
        "effective_diameter_90_int": effective_diameter_int(d, 0.9),
    }


def global_efficiency(g: GraphLike | DistanceDistribution) -> float:
    """Exact global efficiency: the mean of ``1/d(u, v)`` over pairs of distinct vertices (``1/inf = 0``).

    Parameters
    ----------
    g : igraph.Graph, networkx.Graph or DistanceDistribution
        A graph (its whole vertex set is used, isolated vertices included) or a distribution made
        with ``component="all"``.

    Returns
    -------
    float
        ``2 / (n (n - 1)) * sum_{u<v} 1 / d(u, v)`` (Latora & Marchiori 2001); 0 when ``n < 2``.

    References
    ----------
    Latora, V. & Marchiori, M. (2001). Efficient behavior of small-world networks. PRL 87, 198701.
    networkx ``global_efficiency`` (same definition; checked in the tests).

    Examples
    --------
    >>> import igraph as ig
    >>> round(global_efficiency(ig.Graph.Star(4)), 4)   # 3 pairs at 1, 3 at 2: (3 + 1.5) / 6
    0.75
    """
    d = g if isinstance(g, DistanceDistribution) else distance_distribution(g, component="all")
    if d.n < 2:
        return 0.0
    k = np.arange(1, len(d.counts))
    return float(2.0 * np.sum(d.counts[1:] / k) / (d.n * (d.n - 1)))


#: above this many vertices in the largest component, :func:`sampled_distance_stats` replaces the
#: exact all-pairs BFS in :func:`twingraph.measures.konect_stats` (exact cost grows as N^2; at
#: 200,000 vertices the exact BFS takes minutes, the estimate seconds)
EXACT_DISTANCE_LIMIT = 200_000


@dataclass(frozen=True)
class SampledDistances:
    """Distance statistics of the LCC estimated by BFS from sampled sources, with standard errors.

    ``values`` and ``se`` are keyed like :func:`distance_stats` (``diameter`` is the largest
    distance seen, a lower bound, without SE); ``method`` says how they were made.
    """

    values: dict[str, float | int]
    se: dict[str, float]
    n_sources: int
    n_groups: int
    lcc_size: int
    method: str


def _stats_from_counts(ordered: np.ndarray, n_src: int, N: int) -> dict[str, float | int]:
    """KONECT statistics from ordered-pair counts by distance from ``n_src`` uniform sources,
    scaled to all ``N`` sources (the ``N`` pairs ``(u, u)`` at distance 0 included)."""
    c = ordered.astype(float) * (N / n_src)
    nz = np.flatnonzero(c)
    diam = int(nz[-1]) if len(nz) else 0
    c = c[: diam + 1]
    c[0] = N
    hop = np.cumsum(c)
    total = hop[-1]
    mean = float((np.arange(len(c)) * c).sum() / total)
    median = int(np.count_nonzero(hop <= total / 2.0))
    eff = []
    for q in (0.5, 0.9):
        amount = q * total
        val = 0.0
        for k in range(len(hop) - 1):
            if hop[k] <= amount < hop[k + 1]:
                val = float(k + (amount - hop[k]) / (hop[k + 1] - hop[k]))
                break
        eff.append(val)
    return {"diameter": diam, "mean_distance": mean, "median_distance": median,
            "effective_diameter_50": eff[0], "effective_diameter_90": eff[1]}


@random_state_arg()
def sampled_distance_stats(g: GraphLike, n_sources: int = 1024, random_state: RandomState = 0,
                           words: int = 8) -> SampledDistances:
    """KONECT distance statistics of the LCC from BFS out of ``n_sources`` random LCC vertices.

    Estimator: the hop plot ``H(k)`` (ordered pairs within distance ``k``, see the module docstring)
    is estimated by ``N / s`` times the pairs found within ``k`` of ``s`` sources drawn uniformly
    without replacement from the ``N`` LCC vertices (an unbiased estimate of ``H(k)``; the
    statistics are smooth functions of it).  The BFS is the exact bit-parallel kernel, 64 sources
    per machine word.  Standard errors: delete-one-group jackknife over the ``s / 64`` groups of
    64 sources (each word of the kernel is one group).  The diameter is the largest distance found,
    a lower bound.  (KONECT itself estimates these statistics with HyperANF; sampled BFS is the
    simpler estimator with an honest error bar.)  Cost: ``O(s (N + M) / 64)`` word operations and
    ``O((N + M) * words)`` memory.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    n_sources : int
        Number of sources (raised to 64, capped at the LCC size).
    random_state : int, numpy.random.Generator or None
        Seed of the source sample.
    words : int
        64-bit words of sources per BFS sweep.

    Returns
    -------
    SampledDistances
        Estimates, jackknife standard errors (empty with fewer than 2 groups), number of sources
        and groups, LCC size and a description of the method.
    """
    g = as_igraph(g)
    h = largest_component(g)
    N = h.vcount()
    s = int(min(max(64, n_sources), N))
    rng = np.random.default_rng(random_state)
    chosen = np.sort(rng.choice(N, size=s, replace=False))
    edges = np.asarray(h.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    plan, new = _plan_and_order(N, edges)
    per_word: list[np.ndarray] = []
    total = _bfs_batch_counts(plan, 0, 0, words, sources=new[chosen], per_word=per_word)
    sizes = [min(64, s - 64 * i) for i in range(len(per_word))]
    values = _stats_from_counts(total, s, N)
    G = len(per_word)
    se: dict[str, float] = {}
    if G >= 2:
        reps = [_stats_from_counts(total - per_word[i], s - sizes[i], N) for i in range(G)]
        for key in ("mean_distance", "median_distance", "effective_diameter_50", "effective_diameter_90"):
            r = np.array([x[key] for x in reps], dtype=float)
            se[key] = float(np.sqrt((G - 1) / G * np.sum((r - r.mean()) ** 2)))
    seed_text = random_state if isinstance(random_state, int) else "from a Generator"
    method = (f"sampled BFS from {s:,} random LCC vertices of {N:,} (seed {seed_text}); "
              f"standard errors: jackknife over {G} groups of 64 sources; diameter: largest distance found "
              "(a lower bound)")
    return SampledDistances(values, se, s, G, N, method)
