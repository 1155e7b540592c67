"""The temporal network: one evolving graph swept year by year, and tie formation over time.

Date semantics (shared with :func:`twingraph.graphs.snapshot`)
---------------------------------------------------------------
A spell is *active* on day ``t`` iff ``start <= t < end``; a missing end means still active
(right-censored).  Partial dates stand for a period (``"1957"`` = all of 1957) and are resolved to
days by :func:`twingraph.dates.resolve_spell_dates` under the rule ``dates=`` (``convention=`` is its
deprecated name): ``"earliest"``
(default: the first day of each period), ``"midpoint"``, ``"latest"`` (the last day), or
``"strict"`` (only spells certainly active: start on its period's last day, end on its first).

Spells with an unknown start are left out (``undated="exclude"``, default) or treated as active
since forever (``undated="include"``).

:func:`sweep` evaluates the network on one date per year: ``at="year-end"`` is 31 December of the
year, ``at="year-start"`` is 1 January.  Row ``Y`` of :func:`sweep` equals the snapshot
``graphs.snapshot(data, at=<that date>, dates, undated)`` projected to a simple graph
(``graphs.project``, ``weights="ties"``) without isolates; :func:`sweep_rebuild` computes exactly that,
the slow way, and the tests check the two agree.

How :func:`sweep` avoids rebuilding N graphs
--------------------------------------------
Every spell is active on a contiguous run of evaluation dates, found with one ``searchsorted`` on the
sorted dates; its start and end become one add event and one remove event.  Events are applied year
by year to a single structure: active-spell counts per tie, active-tie counts per pair, adjacency
sets.  Measures are then

* **incremental** (O(1) or O(min degree) per edge insert/delete): ``ties_active``, ``ties_new``,
  ``ties_ended``, ``edges_active``, ``nodes_active``, ``mean_degree``, and ``clustering`` (global
  transitivity: the triangle count is updated by intersecting the endpoints' neighbour sets, the
  connected-triple count ``sum_v C(d_v, 2)`` from the endpoint degrees);
* **recomputed per year from the current edge set**: ``n_components``, ``lcc_size``, ``lcc_share``
  (``scipy.sparse.csgraph.connected_components``, O(n + m)) and ``max_kcore`` (igraph
  ``coreness``, O(m)).  Components are not maintained incrementally because ties also end, and
  union-find cannot delete.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from .dates import SpellConvention as DateConvention
from .dates import resolve_spell_dates
from .deprecation import renamed_arguments
from .tables import TwinData

__all__ = ["active_intervals", "eval_date", "sweep", "sweep_rebuild", "growth", "continent_of"]

Undated = Literal["exclude", "include"]
At = Literal["year-end", "year-start"]

_DT = "datetime64[us]"

SWEEP_COLUMNS = (
    "year", "ties_active", "ties_new", "ties_ended", "edges_active", "nodes_active", "n_components",
    "lcc_size", "lcc_share", "mean_degree", "clustering", "max_kcore",
)


def eval_date(year: int, at: At = "year-end") -> pd.Timestamp:
    """The date a sweep evaluates year ``year`` on: 31 December (``"year-end"``) or 1 January.

    Parameters
    ----------
    year : int
        Calendar year.
    at : {"year-end", "year-start"}
        Day of the year.

    Returns
    -------
    pandas.Timestamp
    """
    if at == "year-end":
        return pd.Timestamp(year=int(year), month=12, day=31)
    if at == "year-start":
        return pd.Timestamp(year=int(year), month=1, day=1)
    raise ValueError(f"at must be 'year-end' or 'year-start', not {at!r}")


@renamed_arguments(convention="dates")
def active_intervals(
    spells: pd.DataFrame,
    times: Iterable[pd.Timestamp],
    dates: DateConvention = "earliest",
    undated: Undated = "exclude",
) -> tuple[np.ndarray, np.ndarray]:
    """For sorted evaluation dates ``times``, the index run ``[first, stop)`` each spell is active on.

    Spell ``i`` is active on ``times[k]`` iff ``first[i] <= k < stop[i]`` (empty when
    ``first >= stop``, e.g. excluded undated spells).  One ``searchsorted`` per array: this is what
    lets :func:`sweep` turn spells into add/remove events instead of testing every spell every year.

    Parameters
    ----------
    spells : DataFrame
        Spells table.
    times : iterable of pandas.Timestamp
        Strictly increasing evaluation dates.
    dates : {"earliest", "midpoint", "latest", "strict"}
        Resolution of partial dates.
    undated : {"exclude", "include"}
        Spells without a start: never active, or active from the first date.

    Returns
    -------
    first, stop : numpy.ndarray of int64
        One value per spell.
    """
    if undated not in ("exclude", "include"):
        raise ValueError(f"undated must be 'exclude' or 'include', not {undated!r}")
    t = np.array([np.datetime64(pd.Timestamp(x), "us") for x in times], dtype=_DT)
    if len(t) > 1 and not (np.diff(t) > np.timedelta64(0, "us")).all():
        raise ValueError("evaluation dates must be strictly increasing")
    start, end = resolve_spell_dates(spells, dates)
    first = np.searchsorted(t, start, side="left")  # first k with t_k >= start
    stop = np.searchsorted(t, end, side="left")  # first k with t_k >= end
    undated_mask = np.isnat(start)
    first[undated_mask] = 0 if undated == "include" else len(t)
    stop[np.isnat(end)] = len(t)
    return first.astype(np.int64), stop.astype(np.int64)


# ----------------------------------------------------------------------------------------- sweep
def _spells_of(spells_or_data: TwinData | pd.DataFrame) -> pd.DataFrame:
    return spells_or_data.spells if isinstance(spells_or_data, TwinData) else spells_or_data


def _years(years: Iterable[int]) -> list[int]:
    ys = [int(y) for y in years]
    if not ys:
        raise ValueError("years is empty")
    if any(b <= a for a, b in zip(ys, ys[1:])):
        raise ValueError("years must be strictly increasing")
    return ys


class _Evolving:
    """A simple graph under edge insertions and deletions, with triangle and triple counts."""

    def __init__(self, n: int) -> None:
        self.n = n
        self.adj: list[set[int]] = [set() for _ in range(n)]
        self.m = 0
        self._e = np.empty((1024, 2), dtype=np.int64)  # edges [0, m) as rows; deletion swaps in the last row
        self._pos: dict[tuple[int, int], int] = {}
        self.n_active_nodes = 0
        self.triangles = 0
        self.triples = 0  # sum over nodes of C(deg, 2): connected triples centred on each node

    def add(self, u: int, v: int) -> None:
        """Insert the edge ``u``-``v`` (not present) and update the counts.

        Parameters
        ----------
        u, v : int
            Vertex indices.
        """
        au, av = self.adj[u], self.adj[v]
        self.triangles += len(au & av)  # CPython iterates over the smaller set
        du, dv = len(au), len(av)
        self.triples += du + dv
        self.n_active_nodes += (du == 0) + (dv == 0)
        au.add(v)
        av.add(u)
        if self.m == len(self._e):
            self._e = np.concatenate([self._e, np.empty_like(self._e)])
        key = (u, v) if u < v else (v, u)
        self._e[self.m] = key
        self._pos[key] = self.m
        self.m += 1

    def remove(self, u: int, v: int) -> None:
        """Delete the edge ``u``-``v`` (present) and update the counts.

        Parameters
        ----------
        u, v : int
            Vertex indices.
        """
        au, av = self.adj[u], self.adj[v]
        au.discard(v)
        av.discard(u)
        self.triangles -= len(au & av)
        du, dv = len(au), len(av)
        self.triples -= du + dv
        self.n_active_nodes -= (du == 0) + (dv == 0)
        i = self._pos.pop((u, v) if u < v else (v, u))
        self.m -= 1
        if i != self.m:
            last = self._e[self.m]
            self._e[i] = last
            self._pos[(int(last[0]), int(last[1]))] = i

    def recomputed(self) -> tuple[int, int, int]:
        """(n_components among active nodes, LCC size, max coreness), from the current edge set.

        Returns
        -------
        tuple of (int, int, int)
            All zeros without edges.
        """
        m = self.m
        if m == 0:
            return 0, 0, 0
        e = self._e[:m]
        adj = coo_matrix((np.ones(m, dtype=np.int8), (e[:, 0], e[:, 1])), shape=(self.n, self.n))
        n_comp, labels = connected_components(adj, directed=False)
        active = np.zeros(self.n, dtype=bool)
        active[e.ravel()] = True
        lcc = int(np.bincount(labels[active]).max())
        n_comp_active = int(n_comp - (self.n - active.sum()))  # every inactive node is its own component
        core = max(ig.Graph(n=self.n, edges=e, directed=False).coreness())
        return n_comp_active, lcc, int(core)


def _row(year: int, n_ties: int, new: int, ended: int, G: _Evolving) -> dict[str, object]:
    m, n = G.m, G.n_active_nodes
    n_comp, lcc, core = G.recomputed()
    return {
        "year": year, "ties_active": n_ties, "ties_new": new, "ties_ended": ended, "edges_active": m,
        "nodes_active": n, "n_components": n_comp, "lcc_size": lcc,
        "lcc_share": lcc / n if n else float("nan"),
        "mean_degree": 2 * m / n if n else 0.0,
        "clustering": 3 * G.triangles / G.triples if G.triangles else 0.0,
        "max_kcore": core,
    }


def _frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(SWEEP_COLUMNS))
    ints = [c for c in SWEEP_COLUMNS if c not in ("lcc_share", "mean_degree", "clustering")]
    return df.astype({c: "int64" for c in ints} | {c: "float64" for c in ("lcc_share", "mean_degree", "clustering")})


@renamed_arguments(convention="dates")
def sweep(
    spells_or_data: TwinData | pd.DataFrame,
    years: Iterable[int] = range(1945, 2026),
    at: At = "year-end",
    dates: DateConvention = "earliest",
    undated: Undated = "exclude",
) -> pd.DataFrame:
    """Structure of the twinning network year by year, from one incrementally updated graph.

    One row per year, evaluated on :func:`eval_date` ``(year, at)`` with the module's date semantics:

    ``ties_active`` distinct ``tie_id`` with an active spell; ``ties_new`` / ``ties_ended`` ties active
    now but not on the previous evaluation date / the reverse (for the first year, the previous date
    is the same day one year earlier); ``edges_active`` linked place pairs (parallel ties count once,
    self-loops dropped: the "ties" projection); ``nodes_active`` places with >= 1 such edge;
    ``n_components``, ``lcc_size``, ``lcc_share`` (= lcc_size / nodes_active, NaN when empty) among
    active places; ``mean_degree`` = 2 edges / nodes; ``clustering`` = global transitivity
    (3 x triangles / connected triples, 0 without triangles, as ``networkx.transitivity``);
    ``max_kcore`` the largest k with a non-empty k-core.  Which measures are incremental and which are
    recomputed per year: see the module docstring.  Equals :func:`sweep_rebuild` exactly.

    Parameters
    ----------
    spells_or_data : TwinData or DataFrame
        Data, or its spells table.
    years : iterable of int
        Strictly increasing years.
    at : {"year-end", "year-start"}
        Evaluation day of each year.
    dates : {"earliest", "midpoint", "latest", "strict"}
        Resolution of partial dates.
    undated : {"exclude", "include"}
        Spells without a start.

    Returns
    -------
    DataFrame
        Columns ``year`` and the measures above (:data:`SWEEP_COLUMNS`).
    """
    spells = _spells_of(spells_or_data)
    ys = _years(years)
    times = [eval_date(ys[0] - 1, at)] + [eval_date(y, at) for y in ys]
    K = len(times)
    first, stop = active_intervals(spells, times, dates, undated)
    live = first < stop

    tie_codes, _ = pd.factorize(spells["tie_id"])
    a = spells["a"].astype(str).to_numpy()
    b = spells["b"].astype(str).to_numpy()
    nodes, inv = np.unique(np.concatenate([a, b]), return_inverse=True)
    ia, ib = inv[: len(a)], inv[len(a):]
    pair = [(int(u), int(v)) if u < v else (int(v), int(u)) for u, v in zip(ia, ib)]

    adds: dict[int, list[int]] = defaultdict(list)
    removes: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(live):
        adds[int(first[i])].append(int(i))
        if stop[i] < K:
            removes[int(stop[i])].append(int(i))

    tie_count: dict[int, int] = defaultdict(int)  # active spells per tie
    tie_pair: dict[int, tuple[int, int]] = {}
    pair_count: dict[tuple[int, int], int] = defaultdict(int)  # active ties per pair
    G = _Evolving(len(nodes))
    n_ties = 0
    rows: list[dict[str, object]] = []
    for k in range(K):
        touched: dict[int, int] = {}  # tie -> active count before this step
        for i, delta in [(i, -1) for i in removes.get(k, ())] + [(i, +1) for i in adds.get(k, ())]:  # type: ignore[assignment]
            t = int(tie_codes[i])
            touched.setdefault(t, tie_count[t])
            tie_count[t] += delta
            tie_pair.setdefault(t, pair[i])
        new = ended = 0
        pair_touched: dict[tuple[int, int], int] = {}
        for t, before in touched.items():
            after = tie_count[t]
            if (before > 0) == (after > 0):
                continue
            p = tie_pair[t]
            pair_touched.setdefault(p, pair_count[p])
            if after > 0:
                new += 1
                pair_count[p] += 1
            else:
                ended += 1
                pair_count[p] -= 1
        for p, before in pair_touched.items():
            after = pair_count[p]
            if p[0] == p[1] or (before > 0) == (after > 0):
                continue
            if after > 0:
                G.add(*p)
            else:
                G.remove(*p)
        n_ties += new - ended
        if k > 0:
            rows.append(_row(ys[k - 1], n_ties, new, ended, G))
    return _frame(rows)


def _as_twindata(spells: pd.DataFrame) -> TwinData:
    from .tables import EVENT_COLUMNS, PLACE_COLUMNS, REJECTION_COLUMNS

    ids = sorted(set(spells["a"].astype(str)) | set(spells["b"].astype(str)))
    places = pd.DataFrame({c: [None] * len(ids) for c in PLACE_COLUMNS})
    places["place_id"] = ids
    empty = lambda cols: pd.DataFrame({c: [] for c in cols})  # noqa: E731
    return TwinData(places=places, spells=spells, events=empty(EVENT_COLUMNS),
                    rejections=empty(REJECTION_COLUMNS), rows_read=0, rows_loaded=0, source="spells")


@renamed_arguments(convention="dates")
def sweep_rebuild(
    spells_or_data: TwinData | pd.DataFrame,
    years: Iterable[int] = range(1945, 2026),
    at: At = "year-end",
    dates: DateConvention = "earliest",
    undated: Undated = "exclude",
) -> pd.DataFrame:
    """The naive reference for :func:`sweep`: a fresh networkx graph per year via ``graphs.snapshot``.

    Same columns and conventions as :func:`sweep`; O(years x (places + spells)) and slow on purpose.

    Parameters
    ----------
    spells_or_data : TwinData or DataFrame
        Data, or its spells table.
    years : iterable of int
        Strictly increasing years.
    at : {"year-end", "year-start"}
        Evaluation day of each year.
    dates : {"earliest", "midpoint", "latest", "strict"}
        Resolution of partial dates.
    undated : {"exclude", "include"}
        Spells without a start.

    Returns
    -------
    DataFrame
        As :func:`sweep`.
    """
    from .graphs import project, snapshot

    data = spells_or_data if isinstance(spells_or_data, TwinData) else _as_twindata(spells_or_data)
    ys = _years(years)
    prev: set[object] = set()
    rows = []
    for k, y in enumerate([ys[0] - 1] + ys):
        M = snapshot(data, at=eval_date(y, at), dates=dates, undated=undated)
        ties = {d["tie_id"] for _, _, d in M.edges(data=True)}
        H = project(M)
        H.remove_nodes_from([v for v, d in H.degree() if d == 0])
        if k > 0:
            n, m = H.number_of_nodes(), H.number_of_edges()
            comps = [len(c) for c in nx.connected_components(H)]
            rows.append({
                "year": y, "ties_active": len(ties), "ties_new": len(ties - prev), "ties_ended": len(prev - ties),
                "edges_active": m, "nodes_active": n, "n_components": len(comps),
                "lcc_size": max(comps, default=0), "lcc_share": max(comps) / n if n else float("nan"),
                "mean_degree": sum(d for _, d in H.degree()) / n if n else 0.0,
                "clustering": float(nx.transitivity(H)),
                "max_kcore": max(nx.core_number(H).values(), default=0),
            })
        prev = ties
    return _frame(rows)


# ---------------------------------------------------------------------------------------- growth
def continent_of(iso3: str | None) -> str | None:
    """The continent of an ISO3 code, ``None`` when unknown (:func:`twingraph.countries.continent`).

    Parameters
    ----------
    iso3 : str or None
        ISO3 code.

    Returns
    -------
    str or None
    """
    from .countries import continent

    return continent(str(iso3)) if _ok(iso3) else None


def growth(
    spells_or_data: TwinData | pd.DataFrame,
    places: pd.DataFrame | None = None,
    by: Literal["continent", "continent_pair", "country_pair"] | None = None,
    years: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Ties formed per year and cumulatively, overall or by group, with each group's dated share.

    A tie is *formed* in the calendar year of the start of its first spell (``spell`` 0); that year
    is exact for day, month and year precision.  A tie whose first spell has no start is *undated*:
    it is counted in ``n_ties`` but never in ``formed``, so ``dated_share = n_dated / n_ties`` tells
    how much of a group's history the curve can show (a flat curve with a low dated share is missing
    data, not a trend).

    Groups (``by``): ``None`` -> ``"all"``; ``"country_pair"`` -> sorted ISO3 pair ``"FRA-GBR"``;
    ``"continent_pair"`` -> sorted continent pair ``"Asia-Europe"`` (``"Europe"`` for an intra-European
    tie); ``"continent"`` -> every continent the tie touches, so a tie between two continents counts
    once in each and group totals exceed the overall total.  Unknown countries/continents form the
    group ``"unknown"``.

    Returns one row per (group, year): ``group, year, formed, cumulative`` (dated ties formed up to and
    including that year, including years before the range), ``n_ties, n_dated, dated_share``
    (constant within a group).  ``years`` defaults to the range of dated formation years.

    Parameters
    ----------
    spells_or_data : TwinData or DataFrame
        Data, or its spells table.
    places : DataFrame, optional
        Places table (``place_id``, ``country``), needed for ``by``; default: that of the TwinData.
    by : {None, "continent", "continent_pair", "country_pair"}
        Grouping.
    years : iterable of int, optional
        Strictly increasing years.

    Returns
    -------
    DataFrame
        The rows described above (empty with these columns when there are no ties).
    """
    if isinstance(spells_or_data, TwinData):
        spells, places = spells_or_data.spells, spells_or_data.places if places is None else places
    else:
        spells = spells_or_data
    if by is not None and places is None:
        raise ValueError(f"by={by!r} needs the places table")
    firsts = spells.sort_values(["tie_id", "spell"], kind="stable").groupby("tie_id", sort=True).head(1)
    undated = firsts["start"].isna() | (firsts["start_precision"] == "unknown")
    year = pd.to_datetime(firsts["start"]).dt.year.where(~undated)
    ties = pd.DataFrame({"tie_id": firsts["tie_id"].to_numpy(), "year": year.to_numpy()})
    if by is None:
        ties["group"] = "all"
    else:
        assert places is not None  # checked above
        country = dict(zip(places["place_id"], places["country"]))
        ca = [country.get(x) for x in firsts["a"]]
        cb = [country.get(x) for x in firsts["b"]]
        if by == "country_pair":
            keys = ["-".join(sorted((str(x), str(y)))) if _ok(x) and _ok(y) else "unknown" for x, y in zip(ca, cb)]
        elif by in ("continent", "continent_pair"):
            na = [continent_of(x) if _ok(x) else None for x in ca]
            nb = [continent_of(x) if _ok(x) else None for x in cb]
            if by == "continent_pair":
                keys = ["-".join(sorted({x, y})) if x and y else "unknown" for x, y in zip(na, nb)]
            else:
                keys = [sorted({x or "unknown", y or "unknown"}) for x, y in zip(na, nb)]  # type: ignore[misc]
        else:
            raise ValueError(f"by must be None, 'continent', 'continent_pair' or 'country_pair', not {by!r}")
        ties["group"] = keys
        ties = ties.explode("group") if by == "continent" else ties
    dated_years = ties["year"].dropna().astype(int)
    if years is None:
        ys = list(range(int(dated_years.min()), int(dated_years.max()) + 1)) if len(dated_years) else []
    else:
        ys = _years(years)
    out = []
    for group, g in ties.groupby("group", sort=True):
        gy = g["year"].dropna().astype(int)
        counts = gy.value_counts()
        before = int((gy < ys[0]).sum()) if ys else 0
        formed = np.array([int(counts.get(y, 0)) for y in ys], dtype=np.int64)
        n, nd = len(g), len(gy)
        out.append(pd.DataFrame({
            "group": group, "year": np.array(ys, dtype=np.int64), "formed": formed,
            "cumulative": before + np.cumsum(formed), "n_ties": n, "n_dated": nd, "dated_share": nd / n,
        }))
    cols = ["group", "year", "formed", "cumulative", "n_ties", "n_dated", "dated_share"]
    return pd.concat(out, ignore_index=True)[cols] if out else pd.DataFrame(columns=cols)


def _ok(x: object) -> bool:
    return isinstance(x, str) and bool(x)
