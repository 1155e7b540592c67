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
from ._common import GraphLike, as_igraph
from .size import largest_component

Pairs = Literal["konect", "distinct"]
Convention = Pairs  # the old name

__all__ = [
    "DistanceDistribution", "distance_distribution", "diameter", "mean_distance",
    "median_distance", "effective_diameter", "effective_diameter_int", "distance_stats",
    "global_efficiency",
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
        """Connected unordered pairs of distinct vertices."""
        return int(self.counts.sum())

    @property
    def diameter(self) -> int:
        """Largest finite distance (0 for a graph without connected pairs)."""
        nz = np.flatnonzero(self.counts)
        return int(nz[-1]) if len(nz) else 0

    def konect_hop_plot(self) -> np.ndarray:
        """KONECT's cumulative hop plot ``H(k)``, k = 0..diameter: ordered pairs incl. (u, u)."""
        if self.unconnected:
            raise ValueError("the KONECT hop plot needs a connected graph (use the LCC)")
        c = self.counts[: self.diameter + 1].astype(np.int64)
        return self.n + 2 * np.cumsum(c)


_SMALL_DEGREE_BUCKETS = ((1, 1), (2, 2), (3, 4), (5, 8))

# (n, [(start, stop, padded neighbour matrix)], (start_big, flat neighbours, reduceat offsets))
_Plan = tuple[int, list[tuple[int, int, np.ndarray]], tuple[int, np.ndarray, np.ndarray]]


def _adjacency_plan(g: ig.Graph) -> _Plan:
    """Vectorised 'pull' plan.  Vertices are relabelled by increasing degree so that every degree
    bucket is a contiguous block; low-degree blocks get a padded neighbour matrix (padding points
    to the all-zero sentinel row ``n``), the high-degree block a CSR slice for ``reduceat``."""
    n = g.vcount()
    adj = g.get_adjlist()
    deg = np.fromiter((len(a) for a in adj), dtype=np.int64, count=n)
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
        for i in range(start, stop):
            nb = adj[order[i]]
            mat[: len(nb), i - start] = new[nb]
        small.append((start, stop, mat))
    start_big = int(np.searchsorted(sdeg, _SMALL_DEGREE_BUCKETS[-1][1] + 1))
    big_old = order[start_big:]
    flat = np.fromiter((new[u] for v in big_old for u in adj[v]), dtype=np.int64,
                       count=int(sdeg[start_big:].sum()))
    starts = np.zeros(len(big_old), dtype=np.int64)
    if len(big_old) > 1:
        np.cumsum(sdeg[start_big:-1], out=starts[1:])
    return n, small, (start_big, flat, starts)


def _bfs_batch_counts(plan: _Plan, first: int, last: int, words: int) -> np.ndarray:
    """Multi-source bit-parallel BFS (one bit per source) from relabelled sources ``first..last-1``.

    Returns ``out[k]`` = number of ordered (source, target) pairs at distance ``k >= 1``.
    """
    n, small, (start_big, flat, starts) = plan
    out = np.zeros(n + 1, dtype=np.int64)
    one = np.uint64(1)
    step = 64 * words
    for b0 in range(first, last, step):
        k = min(step, last - b0)
        w = (k + 63) // 64
        bits = np.arange(k)
        visited = np.zeros((n + 1, w), dtype=np.uint64)  # row n: zero sentinel
        visited[b0 + bits, bits // 64] = np.left_shift(one, (bits % 64).astype(np.uint64))
        frontier = visited.copy()
        nxt = np.zeros_like(visited)
        tmp = np.empty((max((m.shape[1] for _, _, m in small), default=0), w), dtype=np.uint64)
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
            nxt &= ~visited
            found = int(np.bitwise_count(nxt).sum())
            if found == 0:
                break
            out[level] += found
            visited |= nxt
            frontier, nxt = nxt, frontier
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
    """
    g = as_igraph(g)
    h = largest_component(g) if component == "lcc" else g
    n = h.vcount()
    if n < 2:
        return DistanceDistribution(np.zeros(1, dtype=np.int64), n, 0)
    ordered = _bfs_batch_counts(_adjacency_plan(h), 0, n, words)
    nz = np.flatnonzero(ordered)
    top = int(nz[-1]) if len(nz) else 0
    counts = ordered[: top + 1] // 2
    unconnected = n * (n - 1) // 2 - int(counts.sum())
    return DistanceDistribution(counts, n, unconnected)


def _dist(x: GraphLike | DistanceDistribution) -> DistanceDistribution:
    return x if isinstance(x, DistanceDistribution) else distance_distribution(x)


def diameter(g: GraphLike | DistanceDistribution) -> int:
    """Exact diameter (longest shortest path) of the LCC (KONECT ``diam``)."""
    return _dist(g).diameter


@renamed_arguments(convention="pairs")
def mean_distance(g: GraphLike | DistanceDistribution, pairs: Pairs = "konect") -> float:
    """Mean shortest-path distance in the LCC (``nan`` when there is no pair).

    ``"konect"``: ``sum_{u,v in LCC} d(u,v) / N^2`` over ordered pairs incl. ``(u, u)``
    (KONECT ``meandist``); ``"distinct"``: mean over unordered pairs of distinct vertices.
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
    pairs of distinct LCC vertices are at distance <= ``k``."""
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
