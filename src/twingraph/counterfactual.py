"""What the network loses when exposed ties are cut, against two nulls; everything exact.

:func:`counterfactual_removal` deletes a given set of edges (e.g. every tie of a Russian place with
a place abroad) from a simple graph and compares structural measures with the same measures after
deleting as many edges chosen uniformly at random (``n_replicates`` replicates, optionally from a
restricted ``pool``).  :func:`country_cut_null` is the matched null: it cuts *all foreign ties of
each country* in turn, so a country's loss can be ranked among every country's, and compared with
the countries that have about as many foreign ties.

Exact, never sampled: distances come from the package's all-pairs bit-parallel BFS
(:func:`twingraph.measures.distance_distribution`, ~1.5 s for 17k places), betweenness from
igraph's exact Brandes.  Replicates run through joblib (``n_jobs=None`` lets
``joblib.parallel_config`` choose the backend and worker count, e.g. a Dask cluster) and are
reproducible: replicate ``r`` draws from child ``r + 1`` of ``numpy.random.SeedSequence``, child 0
seeds the shared community detection, so results do not depend on ``n_jobs`` or the backend.

Jobs bigger than one machine
----------------------------
The replicates (and :func:`country_cut_null`'s countries, and the hubs' exact betweenness, split
into 8 source pieces) are independent tasks handed to joblib, so a Dask cluster runs them
unchanged: start a ``dask.distributed`` scheduler and workers (``dask-scheduler``, ``dask-worker
tcp://HOST:8786`` on each machine, or ``distributed.LocalCluster`` on one), connect a ``Client`` and
run the call inside ``joblib.parallel_config(backend="dask")`` with ``n_jobs=None``::

    from dask.distributed import Client
    from joblib import parallel_config
    client = Client("tcp://scheduler:8786")          # or Client(LocalCluster(n_workers=2))
    with parallel_config(backend="dask"):
        res = counterfactual_removal(G, edges, n_replicates=10_000, random_state=1)

The numbers (and the written files) are the same bytes as a local run: replicate ``r`` draws from
its own child seed, wherever it runs (``tests/test_dask_backend.py`` checks a ``LocalCluster`` run
against the serial one; needs ``pip install 'twingraph[dask]'``).  On one machine the default is
joblib's persistent process pool (:mod:`twingraph._parallel`), started once per session.

Measures (rows of the result)
-----------------------------
``lcc_size``, ``n_components``
    vertices in the largest connected component; number of components (isolated vertices count:
    places are never deleted, only ties).
``efficiency``
    exact global efficiency (:func:`twingraph.measures.global_efficiency`), the mean of
    ``1/d(u, v)`` over all pairs of distinct places (``1/inf = 0``), as ``networkx.global_efficiency``.
``mean_distance``
    exact mean shortest-path length over the *connected* pairs of distinct places.
``degree_rank[<hub>]``, ``betweenness_rank[<hub>]``
    rank of each named hub (1 = highest; ties share the best rank: 1 + number of places with a
    strictly larger value).  Exact betweenness is computed for the intact and the cut graph only
    (``betweenness_rank`` has no random replicates: NaN null columns), degree ranks for all.
``modularity``, ``n_communities``
    Louvain (igraph ``community_multilevel``, unweighted) modularity and the number of communities
    with at least 2 places.

Each row gives the ``baseline`` (intact graph), the ``observed`` value after the targeted removal,
the replicates' ``null_mean`` / ``null_sd``, the effect ``loss_ratio = (baseline - observed) /
(baseline - null_mean)`` (how many times the random cut's change the targeted cut causes) with a
95% interval from the replicates' 2.5/97.5 percentiles (NaN when random cuts change the measure in
both directions), ``z``, and the two-sided empirical
``p_value = (1 + #{|null - mean| >= |observed - mean|}) / (n_replicates + 1)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
from joblib import Parallel, delayed

from .graphs import to_igraph
from .measures import betweenness as betweenness_exact
from .measures import distance_distribution, global_efficiency
from .randomness import RandomState, igraph_rng, random_state_arg, spawn
from .results import CounterfactualResult, CountryCutResult, empirical_p_value, empirical_test

__all__ = ["remove_ties", "exposed_edges", "counterfactual_removal", "structure_measures", "country_cut_null",
           "foreign_edges", "attested_by", "MEASURES"]

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

    Parameters
    ----------
    G : networkx.Graph
    mask_or_edges : bool array/Series aligned with ``list(G.edges())``, or iterable of ``(u, v)``
        Pairs must be edges of ``G``; on a simple graph the pair's edge goes whatever its weight.

    Returns
    -------
    networkx.Graph
    """
    H = G.copy()
    H.remove_edges_from(_edge_list(G, mask_or_edges))
    return H


def exposed_edges(spells: pd.DataFrame, exposed: pd.Series) -> list[tuple[str, str]]:
    """Place pairs all of whose spells in ``spells`` are exposed: the edges a removal deletes.

    Parameters
    ----------
    spells : DataFrame
        Spells of the graph being cut (columns ``spell_id, a, b``).
    exposed : Series of bool
        Indexed by ``spell_id`` (:func:`twingraph.shocks.exposure`).

    Returns
    -------
    list of (str, str)
        ``(a, b)`` with ``a < b``, sorted.  A pair linked by an exposed and an unexposed tie keeps
        its edge; self-loops are skipped.
    """
    s = spells.loc[spells["a"] != spells["b"], ["spell_id", "a", "b"]]
    flag = s["spell_id"].map(exposed).fillna(False).astype(bool)
    allx = flag.groupby([s["a"], s["b"]]).all()
    return sorted(allx.index[allx.to_numpy()].tolist())


def foreign_edges(G: nx.Graph, country: str, attr: str = "country") -> list[tuple[Any, Any]]:
    """Edges of ``G`` between a place of ``country`` and a place of another *known* country.

    Ties to places without a country are not counted as foreign (they cannot be told apart).

    Parameters
    ----------
    G : networkx.Graph
        Simple graph whose nodes carry ``attr``.
    country : str
        ISO3 code.
    attr : str
        Node attribute holding the country.

    Returns
    -------
    list of (node, node)

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("a", "c"), ("b", "d")])
    >>> nx.set_node_attributes(G, {"a": "RUS", "b": "RUS", "c": "FRA", "d": None}, "country")
    >>> foreign_edges(G, "RUS")
    [('a', 'c')]
    """
    c = nx.get_node_attributes(G, attr)
    out = []
    for u, v in G.edges():
        cu, cv = c.get(u), c.get(v)
        if cu and cv and cu != cv and country in (cu, cv):
            out.append((u, v))
    return sorted(out)


# -------------------------------------------------------------------------------------- measures
def _rank(values: Sequence[float] | np.ndarray, i: int) -> int:
    v = np.asarray(values, dtype=float)
    return int(1 + np.sum(v > v[i] + 1e-9 * max(1.0, abs(v[i]))))


def structure_measures(n: int, edges: np.ndarray, measures: Sequence[str] = MEASURES,
                       hubs: Sequence[tuple[str, int]] = (), community_seed: int = 0,
                       betweenness: bool = True, n_jobs: int | None = 1) -> dict[str, float]:
    """The module docstring's measures on the graph with ``n`` vertices and ``edges`` (m x 2).

    Parameters
    ----------
    n : int
    edges : ndarray of int, shape (m, 2)
    measures : sequence of str
        Subset of :data:`MEASURES`.
    hubs : sequence of (label, vertex index)
    community_seed : int
        Seeds igraph's RNG for Louvain (global RNG restored afterwards).
    betweenness : bool
        Compute the hubs' exact betweenness ranks (the costly part; off for replicates).
    n_jobs : int or None
        Workers for the exact betweenness (:func:`twingraph.measures.betweenness`; only ranks are
        reported, which the summation order cannot change).

    Returns
    -------
    dict of str to float
    """
    unknown = set(measures) - set(MEASURES)
    if unknown:
        raise ValueError(f"unknown measures {sorted(unknown)}; choose from {MEASURES}")
    g = ig.Graph(n=n, edges=np.asarray(edges).tolist(), directed=False)
    out: dict[str, float] = {}
    if "lcc" in measures:
        sizes = np.asarray(g.connected_components().sizes())
        out["lcc_size"] = float(sizes.max()) if n else 0.0
        out["n_components"] = float(len(sizes))
    if "efficiency" in measures or "mean_distance" in measures:
        d = distance_distribution(g, component="all")
        if "efficiency" in measures:
            out["efficiency"] = global_efficiency(d)
        if "mean_distance" in measures:
            k = np.arange(len(d.counts))
            out["mean_distance"] = float((k * d.counts).sum() / d.n_pairs) if d.n_pairs else float("nan")
    if "hub_ranks" in measures and hubs:
        deg = g.degree()
        btw = _betweenness(n, edges, n_jobs) if betweenness else None
        for label, i in hubs:
            out[f"degree_rank[{label}]"] = float(_rank(deg, i))
            out[f"betweenness_rank[{label}]"] = float(_rank(btw, i)) if btw is not None else float("nan")
    if "modularity" in measures:
        with igraph_rng(int(community_seed)):
            cl = g.community_multilevel()
        out["modularity"] = float(cl.modularity) if g.ecount() else 0.0
        out["n_communities"] = float(sum(1 for s in cl.sizes() if s >= 2))
    return out


_BTW_CACHE: dict[tuple[int, bytes], np.ndarray] = {}


def _betweenness(n: int, edges: np.ndarray, n_jobs: int | None) -> np.ndarray:
    """Exact betweenness, remembered for the last few graphs (the intact graph recurs per scenario)."""
    e = np.ascontiguousarray(edges, dtype=np.int64)
    key = (n, e.tobytes())
    if key not in _BTW_CACHE:
        if len(_BTW_CACHE) >= 4:
            _BTW_CACHE.pop(next(iter(_BTW_CACHE)))
        _BTW_CACHE[key] = betweenness_exact(ig.Graph(n=n, edges=e.tolist(), directed=False), n_jobs=n_jobs)
    return _BTW_CACHE[key]


def _replicate(n: int, edges: np.ndarray, pool: np.ndarray, k: int, ss: np.random.SeedSequence,
               measures: Sequence[str], hubs: Sequence[tuple[str, int]], cseed: int) -> dict[str, float]:
    rng = np.random.default_rng(ss)
    drop = rng.choice(pool, size=k, replace=False) if k else np.empty(0, dtype=np.int64)
    keep = np.ones(len(edges), dtype=bool)
    keep[drop] = False
    return structure_measures(n, edges[keep], measures, hubs, cseed, betweenness=False)


def _summary_row(name: str, base: float, obs: float, r: np.ndarray) -> dict[str, Any]:
    r = r[np.isfinite(r)]
    R = len(r)
    constant = R > 0 and np.ptp(r) == 0  # avoid rounding noise in mean and sd
    mean = float(r[0]) if constant else float(r.mean()) if R else float("nan")
    sd = (0.0 if constant else float(r.std(ddof=1))) if R > 1 else float("nan")
    if R:
        p = empirical_p_value(obs, r, center=mean)
        lo, hi = np.percentile(r, [2.5, 97.5])
    else:
        p, lo, hi = float("nan"), float("nan"), float("nan")
    denom = base - mean
    ratio = (base - obs) / denom if denom else float("nan")
    # interval: the targeted change over the 2.5 / 97.5 percentiles of the random change
    ends = [(base - obs) / (base - q) if base != q else float("nan") for q in (lo, hi)]
    if (base - lo) * (base - hi) <= 0:  # random changes of both signs: the ratio has no interval
        ends = [float("nan"), float("nan")]
    return {"measure": name, "baseline": base, "observed": obs, "null_mean": mean, "null_sd": sd,
            "null_q025": float(lo), "null_q975": float(hi),
            "z": (obs - mean) / sd if sd and np.isfinite(sd) else float("nan"),
            "loss_ratio": float(ratio),
            "loss_ratio_low": float(np.nanmin(ends)) if np.isfinite(ends).any() else float("nan"),
            "loss_ratio_high": float(np.nanmax(ends)) if np.isfinite(ends).any() else float("nan"),
            "p_value": p, "n_replicates": R}


@random_state_arg()
def counterfactual_removal(
    G: nx.Graph,
    removed_edges: Any,
    measures: Sequence[str] = MEASURES,
    hubs: Iterable[str] = (),
    n_replicates: int = 500,
    random_state: RandomState = 0,
    n_jobs: int | None = None,
    pool: Any = None,
) -> CounterfactualResult:
    """Targeted vs random tie removal on the simple graph ``G``, exactly: one row per measure.

    Parameters
    ----------
    G : networkx.Graph
        Simple graph (e.g. :func:`twingraph.simple_graph`).
    removed_edges : edges or bool mask
        What :func:`remove_ties` accepts (duplicates count once).
    measures : sequence of str
        Subset of :data:`MEASURES`.
    hubs : iterable of node ids
        Places whose degree and betweenness ranks to track.
    n_replicates : int
        Random removals of as many edges, uniformly without replacement from ``pool``.
    random_state : int, numpy Generator or None
        Seeds the replicates (see the module docstring).
    n_jobs : int or None
        joblib workers; None defers to ``joblib.parallel_config``.
    pool : edges, optional
        Edges the random cuts are drawn from (default: all edges of ``G``).

    Returns
    -------
    CounterfactualResult
        ``table``: one row per measure, columns ``measure, baseline, observed, null_mean, null_sd,
        null_q025, null_q975, z, loss_ratio, loss_ratio_low, loss_ratio_high, p_value, n_replicates``
        (module docstring); ``replicates`` (one row per random removal); ``k`` (edges cut), ``n``,
        ``m``, ``random_state``, ``distances="exact"``, ``p_convention``.

    Examples
    --------
    >>> G = nx.path_graph(["a", "b", "c", "d"])
    >>> r = counterfactual_removal(G, [("b", "c")], measures=("lcc",), n_replicates=20)
    >>> r.table.set_index("measure").loc["lcc_size", ["baseline", "observed"]].tolist()
    [4.0, 2.0]
    """
    g, ids = to_igraph(G)
    n, index = len(ids), {v: i for i, v in enumerate(ids)}
    edges = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    eid = {(min(u, v), max(u, v)): i for i, (u, v) in enumerate(edges.tolist())}

    def ids_of(es: list[tuple[Any, Any]]) -> np.ndarray:
        """Sorted igraph edge ids of the networkx edges ``es``."""
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

    root, *children = spawn(random_state, n_replicates + 1)
    cseed = int(np.random.default_rng(root).integers(2**31 - 1))
    keep = np.ones(len(edges), dtype=bool)
    keep[removed] = False
    baseline = structure_measures(n, edges, measures, hub_list, cseed, n_jobs=n_jobs)
    observed = structure_measures(n, edges[keep], measures, hub_list, cseed, n_jobs=n_jobs)
    reps = Parallel(n_jobs=n_jobs)(
        delayed(_replicate)(n, edges, pool_ids, k, ss, measures, hub_list, cseed) for ss in children
    )
    rep_df = pd.DataFrame(list(reps), columns=list(baseline), dtype=float)
    rows = [_summary_row(name, baseline[name], observed[name], rep_df[name].to_numpy())
            for name in baseline]
    return CounterfactualResult(table=pd.DataFrame(rows), replicates=rep_df, k=k, n=n, m=len(edges),
                                random_state=random_state if isinstance(random_state, int) else None)


def _country_cut(n: int, edges: np.ndarray, drop: np.ndarray) -> tuple[float, float]:
    keep = np.ones(len(edges), dtype=bool)
    keep[drop] = False
    g = ig.Graph(n=n, edges=edges[keep].tolist(), directed=False)
    return global_efficiency(g), float(max(g.connected_components().sizes(), default=0))


def country_cut_null(G: nx.Graph, focal: str, attr: str = "country", countries: Sequence[str] | None = None,
                     comparable: tuple[float, float] = (0.5, 2.0), n_jobs: int | None = None) -> CountryCutResult:
    """Matched null: cut all foreign ties of each country in turn; rank ``focal``'s loss among all.

    Parameters
    ----------
    G : networkx.Graph
        Simple graph whose nodes carry ``attr`` (ISO3 country).
    focal : str
        The country under study (e.g. ``"RUS"``).
    attr : str
        Node attribute holding the country.
    countries : sequence of str, optional
        Countries to cut (default: every country with at least one foreign tie, see
        :func:`foreign_edges`).
    comparable : (float, float)
        A country is *comparable* to ``focal`` when its number of foreign edges is within these
        factors of ``focal``'s (default: half to twice).
    n_jobs : int or None
        joblib workers (None: ``joblib.parallel_config`` decides).

    Returns
    -------
    CountryCutResult
        ``table``: one row per country, sorted by loss (largest first): ``country, k_foreign,
        efficiency`` (after the cut, exact), ``loss`` (intact - cut efficiency),
        ``loss_per_1000_ties``, ``lcc_size``, ``rank`` (1 = largest loss, ties share the best rank),
        ``rank_per_tie``, ``comparable`` (bool); ``baseline`` efficiency, ``focal``, ``focal_rank``,
        ``focal_rank_per_tie``, ``n_countries``, ``n_comparable``, and ``matched`` (a
        :class:`~twingraph.results.TestResult`: the focal loss against the comparable countries'
        losses; effect size = focal loss / their mean, interval from their 2.5/97.5 percentiles).
    """
    g, ids = to_igraph(G)
    n, index = len(ids), {v: i for i, v in enumerate(ids)}
    edges = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    eid = {(int(u), int(v)): i for i, (u, v) in enumerate(edges.tolist())}
    ctry = np.array([G.nodes[v].get(attr) or "" for v in ids], dtype=object)
    cu, cv = ctry[edges[:, 0]], ctry[edges[:, 1]]
    foreign = (cu != "") & (cv != "") & (cu != cv)
    if countries is None:
        countries = sorted(set(cu[foreign]) | set(cv[foreign]))
    if focal not in countries:
        raise ValueError(f"focal country {focal!r} has no foreign tie in the graph")
    drops = {c: np.flatnonzero(foreign & ((cu == c) | (cv == c))) for c in countries}
    base = global_efficiency(g)
    res = Parallel(n_jobs=n_jobs)(delayed(_country_cut)(n, edges, drops[c]) for c in countries)
    df = pd.DataFrame({"country": list(countries), "k_foreign": [len(drops[c]) for c in countries],
                       "efficiency": [r[0] for r in res], "lcc_size": [r[1] for r in res]})
    df["loss"] = base - df["efficiency"]
    df["loss_per_1000_ties"] = 1000 * df["loss"] / df["k_foreign"]
    df["rank"] = df["loss"].rank(method="min", ascending=False).astype(int)
    df["rank_per_tie"] = df["loss_per_1000_ties"].rank(method="min", ascending=False).astype(int)
    kf = int(df.loc[df["country"] == focal, "k_foreign"].iloc[0])
    lo, hi = comparable
    df["comparable"] = (df["k_foreign"] >= lo * kf) & (df["k_foreign"] <= hi * kf) & (df["country"] != focal)
    df = df.sort_values(["loss", "country"], ascending=[False, True], kind="mergesort").reset_index(drop=True)
    f = df.loc[df["country"] == focal].iloc[0]
    matched = empirical_test(float(f["loss"]), df.loc[df["comparable"], "loss"].to_numpy(),
                             null_model=f"cut all foreign ties of each country with {lo:g}-{hi:g}x "
                                        f"{focal}'s {kf} foreign edges", alternative="greater")
    del eid, index
    return CountryCutResult(table=df, baseline=base, focal=focal, focal_rank=int(f["rank"]),
                            focal_rank_per_tie=int(f["rank_per_tie"]), n_countries=len(df),
                            n_comparable=int(df["comparable"].sum()), matched=matched)


def attested_by(data: Any, sources: Sequence[str]) -> Any:
    """The part of a merged dataset that ``sources`` attest: their spells and the places those touch.

    For a counterfactual on the network as a source saw it (e.g. the pre-shock network: the ties of
    the 2016 crawl and the 2015 German register, with the countries the merge gave their places).

    Parameters
    ----------
    data : TwinData
        :func:`twingraph.merge` output (``spells.source`` = ``;``-joined source names).
    sources : sequence of str
        Source names; a spell is kept when any of them attests it.

    Returns
    -------
    TwinData
        A copy with the spells kept and the places without a kept spell dropped (isolated places would
        change the efficiency's denominator).
    """
    import dataclasses

    src = data.spells["source"].fillna("").str.split(";")
    keep = src.map(lambda s: bool(set(s) & set(sources)))
    spells = data.spells[keep.to_numpy()]
    used = set(spells["a"]) | set(spells["b"])
    return dataclasses.replace(data, spells=spells.reset_index(drop=True),
                               places=data.places[data.places["place_id"].isin(used)].reset_index(drop=True))
