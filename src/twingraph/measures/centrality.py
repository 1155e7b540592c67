"""Vertex centralities (igraph C core) and a ranked table of the most central places.

Conventions (all undirected, unweighted unless ``weights`` is given):

* ``betweenness``: Brandes; each unordered pair ``{s, t}`` counted once, split over the
  shortest paths (networkx ``betweenness_centrality(normalized=False)``); ``normalized=True``
  divides by ``(n-1)(n-2)/2``;
* ``approximate_betweenness``: source sampling (Brandes & Pich 2007) with a Hoeffding bound,
  see its docstring;
* ``eigenvector``: leading eigenvector of the adjacency matrix, scaled to max 1;
* ``pagerank``: damping 0.85, uniform teleport, dangling vertices jump uniformly;
* ``harmonic``: ``sum_{v != u} 1/d(u, v)`` (unreachable: 0), divided by ``n - 1`` when
  normalized (networkx ``harmonic_centrality`` / (n - 1));
* ``closeness``: Wasserman-Faust variant of networkx (``wf_improved=True``):
  ``(r - 1) / sum_v d(u, v) * (r - 1) / (n - 1)`` with ``r`` the size of u's component;
  0 for isolated vertices;
* ``core_number``: k-core index (coreness).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import igraph as ig
import numpy as np
import pandas as pd
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from ..randomness import RandomState, check_random_state, random_state_arg
from ._common import SCORE_DIGITS, GraphLike, as_igraph, leaves, round_sig, vertex_values

__all__ = [
    "degree_centrality", "betweenness", "BETWEENNESS_PIECES", "hoeffding_sample_size", "approximate_betweenness",
    "eigenvector", "pagerank", "harmonic", "closeness", "core_number", "CENTRALITIES",
    "rank_table", "place_scores",
]


def degree_centrality(g: GraphLike) -> np.ndarray:
    """Degree of every vertex (number of distinct partners), as float.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.

    Returns
    -------
    numpy.ndarray of float
        One degree per vertex.
    """
    return np.asarray(as_igraph(g).degree(), dtype=float)


#: source pieces of a parallel exact betweenness: fixed, so the floating-point sum (and every
#: written digit) does not depend on the number of workers
BETWEENNESS_PIECES = 8


def betweenness(g: GraphLike, normalized: bool = False, weights: str | None = None,
                n_jobs: int | None = 1) -> np.ndarray:
    """Exact betweenness (Brandes, igraph C); unordered pairs counted once.

    ``n_jobs == 1`` (default): one igraph call.  Otherwise the sources are split into
    :data:`BETWEENNESS_PIECES` strided pieces (balanced work), each piece runs igraph's
    ``betweenness(sources=piece)`` in a persistent worker process (:mod:`twingraph._parallel`;
    ``n_jobs=None`` defers to ``joblib.parallel_config``) and the pieces are added in piece order.
    That is Brandes' algorithm partitioned by source, as in networkit's parallel Brandes.
    Unweighted, degree-1 vertices are not sources at all: their hub stands for them with a
    multiplicity (:func:`_leaf_pruned_betweenness`; half the sources of a twinning network).
    The result is exact, identical for every ``n_jobs != 1``, and differs from the single igraph
    call only by floating-point rounding (relative differences ~1e-13; tested below 1e-9).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    normalized : bool
        Divide by ``(n-1)(n-2)/2`` (all zeros when ``n <= 2``).
    weights : str, optional
        Edge attribute holding path lengths; None for unweighted.
    n_jobs : int or None
        Worker processes (see above).

    Returns
    -------
    numpy.ndarray of float
        One betweenness per vertex.
    """
    g = as_igraph(g)
    n = g.vcount()
    if n_jobs == 1 or n < 3:
        b = np.asarray(g.betweenness(directed=False, weights=weights), dtype=float)
    else:
        from .._parallel import betweenness_part, betweenness_weighted_part, run, strided

        edges = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        if weights:
            w = np.asarray(g.es[weights], dtype=float)
            parts = run(betweenness_part, [(n, edges, p, w) for p in strided(n, BETWEENNESS_PIECES)], n_jobs)
            b = parts[0].copy()
            for p in parts[1:]:
                b += p
        else:
            b = _leaf_pruned_betweenness(g, n, edges, n_jobs, run, betweenness_weighted_part)
    if normalized:
        b = b / ((n - 1) * (n - 2) / 2.0) if n > 2 else np.zeros(n)
    return b


def _leaf_pruned_betweenness(g: ig.Graph, n: int, edges: np.ndarray, n_jobs: int | None,
                             run: Any, part: Any) -> np.ndarray:
    """Exact unweighted betweenness with degree-1 vertices left out of the sources.

    A leaf ``a`` hanging from ``u`` (``deg a = 1 <= 2 <= deg u``) reaches everything through ``u``:
    its one-source dependencies equal ``u``'s on every vertex but ``u``, which lies on the paths
    from ``a`` to all ``c - 2`` other vertices of their component (size ``c``); a leaf lies inside no
    shortest path.  So, with ``l(u)`` leaves hanging from ``u`` and Brandes' one-source dependency
    ``delta_s``, ``BC(v) = 1/2 sum_{s not a leaf} (1 + l(s)) delta_s(v) + l(v) (c(v) - 2) / 2``:
    only the other vertices are sources (about half the places of a twinning network), each
    weighted by the vertices it stands for.  Sources sorted by ``(l, id)`` are dealt into
    :data:`BETWEENNESS_PIECES` fixed strided pieces; each piece runs igraph's
    ``betweenness(sources=...)`` once per distinct ``l`` and the pieces are added in order.
    """
    _, is_leaf, lcount = leaves(n, edges)
    core = np.flatnonzero(~is_leaf)
    core = core[np.lexsort((core, lcount[core]))]
    pieces = [core[i::BETWEENNESS_PIECES] for i in range(BETWEENNESS_PIECES) if len(core[i::BETWEENNESS_PIECES])]
    parts = run(part, [(n, edges, p, 1 + lcount[p]) for p in pieces], n_jobs)
    out = np.zeros(n)
    for p in parts:
        out += p
    memb = np.asarray(g.connected_components().membership, dtype=np.int64)
    comp = np.bincount(memb)[memb]
    return out + lcount * (comp - 2) / 2.0 * (lcount > 0)


def hoeffding_sample_size(n: int, epsilon: float, delta: float) -> int:
    """Number of sampled sources ``k = ceil((n/(n-1))^2 ln(2n/delta) / (2 epsilon^2))``.

    With ``k`` sources drawn uniformly, with probability ``>= 1 - delta`` every vertex's
    estimated *normalized* betweenness is within ``epsilon`` of the exact one.  Derivation:
    ``Y_s = n delta_s(v) / ((n-1)(n-2))`` lies in ``[0, n/(n-1)]`` and has mean ``b(v)``
    (``delta_s`` = Brandes' one-source dependency); Hoeffding's inequality for the mean of ``k``
    such draws, with a union bound over the ``n`` vertices.  Hoeffding's bound also holds when
    drawing without replacement (Hoeffding 1963, thm. 4), which is what is done here.

    Parameters
    ----------
    n : int
        Number of vertices.
    epsilon : float
        Additive error bound on the normalized betweenness, in (0, 1).
    delta : float
        Failure probability, in (0, 1).

    Returns
    -------
    int
        ``k``.
    """
    if not (0 < epsilon < 1 and 0 < delta < 1):
        raise ValueError("epsilon and delta must be in (0, 1)")
    r = n / (n - 1) if n > 1 else 1.0
    return int(math.ceil(r * r * math.log(2.0 * n / delta) / (2.0 * epsilon * epsilon)))


def _networkit(g: ig.Graph) -> Any:
    try:
        import networkit as nk
    except ImportError:  # pragma: no cover - optional
        raise ImportError("method='rk' / 'kadabra' need networkit: pip install 'twingraph[bench]'") from None
    e = np.asarray(g.get_edgelist(), dtype=np.uint64).reshape(-1, 2)
    G = nk.Graph(g.vcount(), weighted=False, directed=False)
    if len(e):
        G.addEdges((e[:, 0].copy(), e[:, 1].copy()))
    return nk, G


@random_state_arg()
def approximate_betweenness(g: GraphLike, epsilon: float = 0.01, delta: float = 0.1,
                            random_state: RandomState = 0, normalized: bool = False,
                            method: str = "sources", n_jobs: int = 1) -> tuple[np.ndarray, int]:
    """Betweenness estimated by sampling, with a stated additive error bound.

    Returns ``(values, k)``: values are raw (pair counts, as :func:`betweenness`) unless
    ``normalized`` (divided by ``(n-1)(n-2)/2``); ``k`` is the number of samples.

    ``method="sources"`` (default, igraph only): ``k = hoeffding_sample_size(n, epsilon, delta)``
    distinct sources drawn uniformly (numpy Generator from ``random_state``), igraph computes
    their one-source dependencies in C (``betweenness(sources=S)``), scaled by ``n/k``.
    Guarantee: ``P(max_v |b_hat(v) - b(v)| <= epsilon) >= 1 - delta`` for the betweenness
    normalised by ``(n-1)(n-2)/2``.  When ``k >= n`` the exact values are returned.  The bound
    is additive and loose: with the default ``epsilon=0.01`` the sample reaches ``n`` below ~60k
    vertices (exact computation), and on sparse twinning graphs the largest normalized
    betweenness is itself only ~0.03, so a useful ``epsilon`` means exact work.

    ``method="rk"``: Riondato & Kornaropoulos (2016): ``r = (c / epsilon^2)(floor(log2(VD - 2)) + 1
    + ln(1 / delta))`` shortest paths between uniform random pairs, one uniform shortest path each
    (``VD`` the vertex diameter, bounded by a BFS; ``c = 0.5``), networkit's ``ApproxBetweenness``.
    ``method="kadabra"``: Borassi & Natale (2016), adaptive sampling of shortest paths by balanced
    bidirectional BFS with the same kind of guarantee and far fewer samples (networkit's
    ``KadabraBetweenness``, ``deterministic=True``: the same numbers for a seed whatever the number
    of threads, ``n_jobs``).  Guarantee, for both: with probability ``>= 1 - delta`` every
    vertex's betweenness normalised by the ``n(n-1)`` ordered pairs (``2 b / (n(n-1))`` for the raw
    ``b``) is within ``epsilon``, i.e. ``|b_hat - b| <= epsilon n(n-1)/2`` in raw pair counts.
    (networkit reports RK's score as ``b / (n(n-1)/2)`` and KADABRA's, doubled for undirected
    graphs, as ``b / (n(n-1)/4)``; both are converted back to raw counts here.)  Caveat, measured
    on the 2026 lists: networkit 11.3's KADABRA sampler picks a shortest path's predecessors with
    the wrong weights (``backtrackPath`` adds ``nPaths[v]`` for every predecessor), so its paths
    are not exactly uniform and the top scores come out ~3% high; the errors stayed inside the
    bound.  Both need networkit (``pip install 'twingraph[bench]'``); results are seeded by
    ``random_state`` (an int).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    epsilon : float
        Additive error bound, in (0, 1).
    delta : float
        Failure probability, in (0, 1).
    random_state : int, numpy.random.Generator or None
        Seed of the sample.
    normalized : bool
        Divide the estimates by ``(n-1)(n-2)/2``.
    method : {"sources", "rk", "kadabra"}
        Sampling scheme (see above).
    n_jobs : int
        networkit threads (``"rk"``, ``"kadabra"``).

    Returns
    -------
    values : numpy.ndarray of float
        One estimate per vertex (exact values for fewer than 3 vertices or when ``k >= n``).
    k : int
        Number of samples (0 for ``"rk"``/``"kadabra"`` with fewer than 3 vertices).

    References
    ----------
    Brandes, U. & Pich, C. (2007). Centrality estimation in large networks. IJBC 17(7).
    Riondato, M. & Kornaropoulos, E. M. (2016). Fast approximation of betweenness centrality
    through sampling. Data Min. Knowl. Discov. 30, 438-475.
    Borassi, M. & Natale, E. (2016). KADABRA is an ADaptive Algorithm for Betweenness via Random
    Approximation. ESA 2016; parallel: van der Grinten, Angriman & Meyerhenke, Euro-Par 2019.
    """
    g = as_igraph(g)
    n = g.vcount()
    if method in ("rk", "kadabra"):
        if not (0 < epsilon < 1 and 0 < delta < 1):
            raise ValueError("epsilon and delta must be in (0, 1)")
        if n < 3:
            return betweenness(g, normalized=normalized), 0
        nk, G = _networkit(g)
        nk.engineering.setNumberOfThreads(max(1, int(n_jobs)))
        nk.setSeed(int(random_state) if isinstance(random_state, (int, np.integer)) else 0, True)
        if method == "rk":
            algo = nk.centrality.ApproxBetweenness(G, epsilon=epsilon, delta=delta, universalConstant=0.5)
            algo.run()
            k = int(algo.numberOfSamples())
        else:
            algo = nk.centrality.KadabraBetweenness(G, epsilon, delta, True)
            algo.run()
            k = int(algo.getNumberOfIterations())
        # networkit's scales (checked against exact values in the tests): RK's score is the raw
        # betweenness over the n(n-1)/2 unordered pairs, KADABRA's over n(n-1)/4
        est = np.asarray(algo.scores(), dtype=float) * (n * (n - 1) / (2.0 if method == "rk" else 4.0))
        if normalized:
            est = est / ((n - 1) * (n - 2) / 2.0)
        return est, k
    if method != "sources":
        raise ValueError(f"unknown method {method!r}; choose 'sources', 'rk' or 'kadabra'")
    k = hoeffding_sample_size(n, epsilon, delta) if n > 2 else n
    if k >= n:
        return betweenness(g, normalized=normalized), n
    rng = check_random_state(random_state)
    sources = np.sort(rng.choice(n, size=k, replace=False)).tolist()
    part = np.asarray(g.betweenness(directed=False, sources=sources), dtype=float)
    est = part * (n / k)
    if normalized:
        est = est / ((n - 1) * (n - 2) / 2.0)
    return est, k


def _adjacency(g: ig.Graph, weights: str | None) -> sp.csr_matrix:
    n = g.vcount()
    e = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    w = np.asarray(g.es[weights], dtype=float) if weights else np.ones(len(e))
    A = sp.coo_matrix((np.r_[w, w], (np.r_[e[:, 0], e[:, 1]], np.r_[e[:, 1], e[:, 0]])), shape=(n, n))
    return A.tocsr()


def eigenvector(g: GraphLike, weights: str | None = None, digits: int | None = SCORE_DIGITS,
                tol: float = 1e-14) -> np.ndarray:
    """Eigenvector centrality (leading adjacency eigenvector), scaled so that the maximum is 1.

    Computed deterministically: scipy's ARPACK (``eigsh``) from the fixed start vector
    ``1 + degree`` (igraph's ``eigenvector_centrality`` starts ARPACK from a random vector drawn
    from Python's global ``random`` module, so its last bits changed from run to run), then
    rounded to ``digits`` significant digits (:func:`round_sig`; ``None`` keeps all bits).
    Agrees with igraph and networkx to ~1e-12 on connected graphs (tested).  On a disconnected
    graph the vector lives on the component with the largest leading eigenvalue (others ~0).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    weights : str, optional
        Edge attribute holding the adjacency weights.
    digits : int or None
        Significant digits kept.
    tol : float
        ARPACK tolerance.

    Returns
    -------
    numpy.ndarray of float
        One score per vertex in [0, 1] (all zeros for a graph without edges).
    """
    g = as_igraph(g)
    n = g.vcount()
    if g.ecount() == 0:
        return np.zeros(n)
    A = _adjacency(g, weights)
    v0 = 1.0 + np.asarray(A.sum(axis=1)).ravel()
    if n <= 3:
        vals, vecs = np.linalg.eigh(A.toarray())
    else:
        vals, vecs = spla.eigsh(A, k=1, which="LA", v0=v0, tol=tol, maxiter=100_000)
    x = np.abs(vecs[:, int(np.argmax(vals))])
    x = x / x.max()
    x[x < 1e-13] = 0.0
    return x if digits is None else round_sig(x, digits)


def pagerank(g: GraphLike, damping: float = 0.85, weights: str | None = None,
             digits: int | None = SCORE_DIGITS, tol: float = 1e-15, max_iter: int = 100_000) -> np.ndarray:
    """PageRank (sums to 1): damping ``damping``, uniform teleport, dangling vertices jump uniformly.

    Computed deterministically by power iteration on scipy sparse matrices from the uniform
    vector until the L1 change is below ``n * tol`` (igraph's PRPACK gives last bits that differ
    between runs, ~1e-15, enough to reorder near-tied places), then rounded to ``digits``
    significant digits.  Agrees with igraph and networkx to 1e-10 (tested).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    damping : float
        Damping factor.
    weights : str, optional
        Edge attribute holding the adjacency weights.
    digits : int or None
        Significant digits kept.
    tol : float
        Convergence threshold per vertex.
    max_iter : int
        Maximum number of iterations.

    Returns
    -------
    numpy.ndarray of float
        One score per vertex.
    """
    g = as_igraph(g)
    n = g.vcount()
    if n == 0:
        return np.zeros(0)
    A = _adjacency(g, weights)
    out = np.asarray(A.sum(axis=1)).ravel()
    dangling = out == 0
    inv = np.where(dangling, 0.0, 1.0 / np.where(dangling, 1.0, out))
    P = A.T.tocsr()  # column-stochastic after scaling by inv
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = damping * (P @ (x * inv)) + (damping * x[dangling].sum() + 1.0 - damping) / n
        new /= new.sum()
        if np.abs(new - x).sum() < n * tol:
            x = new
            break
        x = new
    return x if digits is None else round_sig(x, digits)


def harmonic(g: GraphLike, normalized: bool = True) -> np.ndarray:
    """Harmonic centrality ``sum_{v != u} 1/d(u,v)``, divided by ``n - 1`` if ``normalized``.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    normalized : bool
        Divide by ``n - 1``.

    Returns
    -------
    numpy.ndarray of float
        One score per vertex.
    """
    g = as_igraph(g)
    return np.asarray(g.harmonic_centrality(normalized=normalized), dtype=float)


def closeness(g: GraphLike) -> np.ndarray:
    """Closeness with the Wasserman-Faust correction for disconnected graphs (networkx default).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.

    Returns
    -------
    numpy.ndarray of float
        One score per vertex.
    """
    g = as_igraph(g)
    n = g.vcount()
    c = np.nan_to_num(np.asarray(g.closeness(normalized=True), dtype=float))
    membership = np.asarray(g.connected_components().membership)
    r = np.bincount(membership)[membership].astype(float)
    return c * (r - 1.0) / (n - 1.0) if n > 1 else np.zeros(n)


def core_number(g: GraphLike) -> np.ndarray:
    """k-core number of every vertex.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.

    Returns
    -------
    numpy.ndarray of float
        One coreness per vertex.
    """
    return np.asarray(as_igraph(g).coreness(), dtype=float)


#: name -> function(graph) -> one score per vertex; used by :func:`rank_table`.
CENTRALITIES: dict[str, Callable[[ig.Graph], np.ndarray]] = {
    "degree": degree_centrality,
    "betweenness": betweenness,
    "eigenvector": eigenvector,
    "pagerank": pagerank,
    "harmonic": harmonic,
    "closeness": closeness,
    "core_number": core_number,
    "core": core_number,  # alias used by `twingraph rank --by core`
}


def rank_table(g: GraphLike, by: str | Sequence[float] | np.ndarray = "betweenness", top: int = 20,
               names: str | Sequence[Any] | None = None,
               countries: str | Sequence[Any] | None = None) -> pd.DataFrame:
    """The ``top`` vertices by a centrality, as a DataFrame.

    ``by``: a key of :data:`CENTRALITIES` or one score per vertex.  ``names`` / ``countries``:
    vertex attribute names or sequences; by default the ``"label"`` attribute (else ``"name"``)
    and ``"country"`` when present.  Columns: rank (1-based, ties share the smallest rank),
    place_id (vertex ``"name"`` attribute or index), name, country, degree, score.
    Order: score descending, then place_id (ties are ranked by place id, so the table does not
    depend on the solver's noise or on display names).  Spectral scores arrive rounded
    (:data:`SCORE_DIGITS` significant digits), so numerically equal places tie exactly.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    by : str or sequence of float
        Centrality name or scores.
    top : int
        Number of rows.
    names, countries : str or sequence, optional
        Vertex attributes or values for the ``name`` and ``country`` columns.

    Returns
    -------
    DataFrame
        The columns above.
    """
    g = as_igraph(g)
    if isinstance(by, str):
        if by not in CENTRALITIES:
            raise KeyError(f"unknown centrality {by!r}; choose from {sorted(CENTRALITIES)}")
        score = CENTRALITIES[by](g)
    else:
        score = np.asarray(by, dtype=float)
        if len(score) != g.vcount():
            raise ValueError("one score per vertex expected")
    default_name = "label" if "label" in g.vs.attributes() else "name"
    ids = list(g.vs["name"]) if "name" in g.vs.attributes() else list(range(g.vcount()))
    df = pd.DataFrame({
        "place_id": ids,
        "name": vertex_values(g, names, default_name),
        "country": vertex_values(g, countries, "country"),
        "degree": np.asarray(g.degree(), dtype=np.int64),
        "score": score,
    })
    df = df.sort_values(["score", "place_id"], ascending=[False, True],
                        key=lambda s: s if s.name == "score" else s.astype(str), kind="mergesort")
    df = df.head(top).reset_index(drop=True)
    df.insert(0, "rank", df["score"].rank(method="min", ascending=False).astype(int))
    return df


def place_scores(g: GraphLike, by: str = "betweenness") -> pd.Series:
    """One centrality per place, as a pandas Series indexed by place id (the vertex ``name``).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        A networkx graph's nodes (place ids) become the index; an igraph graph needs a ``name``
        vertex attribute (else the vertex index is used).
    by : str
        A key of :data:`CENTRALITIES`.

    Returns
    -------
    pandas.Series
        Named ``by``, index named ``place_id``, in vertex order.

    Examples
    --------
    >>> import networkx as nx
    >>> place_scores(nx.path_graph(["a", "b", "c"]), "degree").to_dict()
    {'a': 1.0, 'b': 2.0, 'c': 1.0}
    """
    if by not in CENTRALITIES:
        raise KeyError(f"unknown centrality {by!r}; choose from {sorted(CENTRALITIES)}")
    h = as_igraph(g)
    ids = list(h.vs["name"]) if "name" in h.vs.attributes() else list(range(h.vcount()))
    return pd.Series(CENTRALITIES[by](h), index=pd.Index(ids, name="place_id"), name=by)
