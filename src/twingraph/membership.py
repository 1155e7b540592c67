"""The membership layer as data in (floor 2): the association registry, matching it to a dataset's
places, and flagging association-implied ties -- the one module that owns association flagging.

* :func:`load_registry` reads the curated, sourced registry shipped with the package
  (``data/associations.csv``, ``data/memberships.csv``; see ``data/CURATED.md``);
* :func:`normalise_name` (the :data:`twingraph.names.REGISTRY` key) and :func:`match_places` match
  the registry's places to a dataset's places by name and ISO3 country; :func:`match_report` gives
  the match rate of every association;
* :func:`infer_members` finds members from cliques of the tie graph that hold the registry's
  members; :func:`attach` puts the registry (and inferred members) into a
  :class:`~twingraph.tables.TwinData`;
* :func:`association_pairs` lists co-member pairs; :func:`flag_associations` adds the
  ``via_association`` column to the spells; :func:`association_flags` does the same for a
  multigraph, so that :func:`twingraph.graphs.project` flags an unflagged graph itself when asked
  for ``associations="exclude"`` or ``"groups"``.

The analyses of the layer (statistics and rankings with and without, co-membership, membership
spells) live in :mod:`twingraph.associations`, which re-exports these names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from . import names as _names
from .dates import parse_partial_date
from .tables import (ASSOCIATION_COLUMNS, MEMBERSHIP_COLUMNS, MEMBERSHIP_END_STATUSES, SPELL_COLUMNS, TwinData,
                     empty_memberships, validate)

__all__ = [
    "FLAGGED_KINDS",
    "load_registry",
    "normalise_name",
    "match_places",
    "match_report",
    "infer_members",
    "attach",
    "association_pairs",
    "flag_associations",
    "association_flags",
]

#: Association kinds whose co-member ties are flagged as association-implied by default.
FLAGGED_KINDS: tuple[str, ...] = ("twinning association",)

def _registry_path(name: str) -> Path:
    return Path(str(resources.files("twingraph") / "data" / name))


def load_registry(associations_path: str | Path | None = None,
                  memberships_path: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Read the curated association registry.

    Parameters
    ----------
    associations_path, memberships_path : path, optional
        CSV files with the registry's columns (default: the files shipped in ``twingraph/data``).

    Returns
    -------
    associations : DataFrame
        Columns :data:`twingraph.tables.ASSOCIATION_COLUMNS`; ``founded`` is the first day of the
        partial date.
    memberships : DataFrame
        Columns :data:`twingraph.tables.MEMBERSHIP_COLUMNS` with ``place_id`` ``None`` (not yet
        matched to a dataset) and ``basis = "registry"``.

    Raises
    ------
    ValueError
        A row without a source, an unknown precision or end status, or a date that is not a date.

    References
    ----------
    The sources are the URLs in the ``source`` column; ``data/CURATED.md`` describes the files and
    ``data/association_searches.csv`` what was searched and not found.

    Examples
    --------
    >>> assoc, members = load_registry()
    >>> int((members["association_id"] == "douzelage").sum()) >= 28
    True
    """
    a = pd.read_csv(associations_path or _registry_path("associations.csv"), dtype=str, keep_default_na=False)
    m = pd.read_csv(memberships_path or _registry_path("memberships.csv"), dtype=str, keep_default_na=False)
    for name, df in (("associations", a), ("memberships", m)):
        empty = df["source"].str.strip() == ""
        if empty.any():
            raise ValueError(f"{name} row {int(np.flatnonzero(empty)[0]) + 2} has no source")
    founded = [parse_partial_date(x) for x in a["founded"]]
    a["founded"] = pd.to_datetime([f[0] for f in founded])
    a = a.reindex(columns=list(ASSOCIATION_COLUMNS))
    out = empty_memberships()
    rows = []
    for i, r in enumerate(m.to_dict("records")):
        joined, jp = parse_partial_date(r["joined"])
        left, lp = parse_partial_date(r["left"])
        for col, got, stated in (("joined", jp, r["joined_precision"]), ("left", lp, r["left_precision"])):
            if stated != got:
                raise ValueError(f"memberships row {i + 2}: {col}_precision {stated!r} does not fit {r[col]!r}")
        status = r["end_status"] or None
        if status is not None and status not in MEMBERSHIP_END_STATUSES:
            raise ValueError(f"memberships row {i + 2}: unknown end_status {status!r}")
        rows.append({"association_id": r["association_id"], "place_id": None, "place": r["place"],
                     "country": r["country"] or None, "joined": joined, "joined_precision": jp, "left": left,
                     "left_precision": lp, "end_status": status, "end_cause": r["end_cause"] or None,
                     "basis": "registry", "source": r["source"], "note": r["note"] or None})
    if rows:
        out = pd.DataFrame(rows, columns=list(MEMBERSHIP_COLUMNS))
        out["joined"] = pd.to_datetime(out["joined"])
        out["left"] = pd.to_datetime(out["left"])
    return a, out


def normalise_name(name: object) -> str:
    """A place name reduced for matching: accents stripped, case folded, disambiguation dropped.

    Parameters
    ----------
    name : str
        A place name as a source writes it.

    Returns
    -------
    str
        Lower-case ASCII letters and digits separated by single spaces; text in parentheses (a
        Wikipedia disambiguation) is removed; ``"Saint"``/``"St."`` become ``"st"``.

    References
    ----------
    Unicode Standard Annex #15, Unicode Normalization Forms (NFKD), https://unicode.org/reports/tr15/.

    Examples
    --------
    >>> normalise_name("Kőszeg")
    'koszeg'
    >>> normalise_name("Halle (Saale)")
    'halle'
    >>> normalise_name("St. Petersburg") == normalise_name("Saint Petersburg")
    True
    """
    return _names.normalize_name(name, **_names.REGISTRY)


def _components(name: object) -> list[str]:
    """The parts of a compound Wikipedia name: "Haaren – Esch" -> ["haaren", "esch"]."""
    raw = str(name)
    parts = re.split(r"\s+[–—-]\s+|\(|\)", raw)
    return [p for p in (normalise_name(x) for x in parts) if p]


def match_places(memberships: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Match the registry's places to a dataset's places by normalised name and country.

    Parameters
    ----------
    memberships : DataFrame
        Registry memberships (``place``, ``country`` columns).
    places : DataFrame
        A dataset's places (:data:`twingraph.tables.PLACE_COLUMNS`).

    Returns
    -------
    DataFrame
        One row per membership row, in the same order: ``place_id`` (``None`` when unmatched) and
        ``match`` -- ``"exact"`` (same normalised name and country), ``"component"`` (the name is one
        part of a compound name such as "Haaren – Esch"), ``"name-only"`` (the dataset has no
        country for the place: the Wikidata crawl), ``"ambiguous"`` or ``"none"``.

    References
    ----------
    Issue 9 (the membership layer); ``data/CURATED.md`` for the registry's spelling conventions.

    Examples
    --------
    >>> pl = pd.DataFrame({"place_id": ["p1", "p2"], "name": ["Kőszeg", "Haaren – Esch"],
    ...                    "country": ["HUN", "NLD"]})
    >>> ms = pd.DataFrame({"place": ["Koszeg", "Haaren", "Lima"], "country": ["HUN", "NLD", "PER"]})
    >>> match_places(ms, pl)["match"].tolist()
    ['exact', 'component', 'none']
    """
    norm = places["name"].map(normalise_name)
    country = [c if isinstance(c, str) and c else None for c in places["country"]]
    exact: dict[tuple[str, object], list[str]] = {}
    comp: dict[tuple[str, object], list[tuple[int, str]]] = {}
    for pid, n, c, raw in zip(places["place_id"], norm, country, places["name"]):
        exact.setdefault((n, c), []).append(pid)
        parts = _components(raw)
        if len(parts) > 1:
            for k, part in enumerate(parts):
                comp.setdefault((part, c), []).append((k, pid))
    out: list[tuple[str | None, str]] = []
    for place, c in zip(memberships["place"], memberships["country"]):
        n = normalise_name(place)
        hits = sorted(exact.get((n, c), []))
        if len(hits) == 1:
            out.append((hits[0], "exact"))
            continue
        if len(hits) > 1:
            same = sorted(h for h in hits if places.loc[places["place_id"] == h, "name"].iloc[0] == place)
            out.append((same[0], "exact") if len(same) == 1 else (None, "ambiguous"))
            continue
        nameonly = sorted(exact.get((n, None), []))
        if len(nameonly) == 1:
            out.append((nameonly[0], "name-only"))
            continue
        cparts = sorted(comp.get((n, c), []))  # (position of the part, place id): the leading part first
        if cparts:
            out.append((cparts[0][1], "component"))
            continue
        out.append((None, "none"))
    return pd.DataFrame(out, columns=["place_id", "match"], index=memberships.index)


def match_report(data: TwinData, memberships: pd.DataFrame | None = None) -> pd.DataFrame:
    """Match rate of every association's registry members in a dataset.

    Parameters
    ----------
    data : TwinData
        The dataset.
    memberships : DataFrame, optional
        Registry memberships (default: :func:`load_registry`).

    Returns
    -------
    DataFrame
        One row per association: ``members`` (registry rows), ``matched``, ``match_rate``,
        ``with_ties`` (matched places with at least one tie in the dataset), and the counts of each
        match kind.

    References
    ----------
    Issue 9: "report match rates".

    Examples
    --------
    >>> pl = pd.DataFrame({"place_id": ["p1"], "name": ["Altea"], "country": ["ESP"]})
    >>> ms = pd.DataFrame({"association_id": ["d", "d"], "place": ["Altea", "Lima"], "country": ["ESP", "PER"]})
    >>> d = TwinData(places=pl, spells=pd.DataFrame({"a": [], "b": []}), events=None, rejections=None,
    ...              rows_read=0, rows_loaded=0, source="x")
    >>> match_report(d, ms)[["members", "matched"]].values.tolist()
    [[2, 1]]
    """
    if memberships is None:
        memberships = load_registry()[1]
    m = memberships.reset_index(drop=True)
    got = match_places(m, data.places)
    tied = set(data.spells["a"]) | set(data.spells["b"])
    df = pd.concat([m[["association_id"]], got], axis=1)
    df["with_ties"] = df["place_id"].isin(tied)
    rows = []
    for aid, g in df.groupby("association_id", sort=True):
        row = {"association_id": aid, "members": len(g), "matched": int(g["place_id"].notna().sum()),
               "with_ties": int(g["with_ties"].sum())}
        row["match_rate"] = row["matched"] / row["members"] if row["members"] else float("nan")
        for kind in ("exact", "component", "name-only", "ambiguous", "none"):
            row[kind] = int((g["match"] == kind).sum())
        rows.append(row)
    return pd.DataFrame(rows)


def infer_members(G: nx.Graph, seeds: Iterable[str], min_seeds: int = 3, min_size: int = 10,
                  near: float = 0.75) -> list[str]:
    """Members of an association inferred from a clique of the tie graph that matches its members.

    The largest maximal clique holding the most registry members (``seeds``) is taken if it holds at
    least ``min_seeds`` of them and has at least ``min_size`` places; it is then extended by every
    place linked to at least ``near`` of the clique (a near-clique: a member listed under two
    spellings, or a tie missing from one country's list).

    Parameters
    ----------
    G : networkx.Graph
        The simple tie graph (all ties included).
    seeds : iterable of str
        Place ids of the registry's matched members.
    min_seeds, min_size : int
        Minimum registry members in, and size of, the clique.
    near : float
        Share of the clique a place must be linked to, to join the near-clique.

    Returns
    -------
    list of str
        Sorted place ids of the (near-)clique; empty when no clique qualifies.

    References
    ----------
    Bron, C., Kerbosch, J. (1973). Algorithm 457: finding all cliques of an undirected graph.
    Communications of the ACM 16(9), 575-577 (``networkx.find_cliques``).

    Examples
    --------
    >>> K = nx.complete_graph(["a", "b", "c", "d"])
    >>> K.add_edge("d", "e")
    >>> infer_members(K, ["a", "b"], min_seeds=2, min_size=4)
    ['a', 'b', 'c', 'd']
    """
    seeds = sorted(s for s in set(seeds) if s in G)
    best: tuple[int, int, list[str]] | None = None
    seen: set[frozenset[str]] = set()
    for s in seeds:
        for clique in nx.find_cliques(G, [s]):
            key = frozenset(clique)
            if key in seen:
                continue
            seen.add(key)
            cand = (len(key & set(seeds)), len(key), sorted(key))
            if best is None or cand[:2] > best[:2] or (cand[:2] == best[:2] and cand[2] < best[2]):
                best = cand
    if best is None or best[0] < min_seeds or best[1] < min_size:
        return []
    core = set(best[2])
    need = near * len(core)
    extra = set()
    for u in sorted(set().union(*(set(G[c]) for c in core)) - core):
        if len(set(G[u]) & core) >= need:
            extra.add(u)
    return sorted(core | extra)


def _tie_graph(edges: Iterable[tuple[str, str]]) -> nx.Graph:
    """The simple graph of every tie (self-loops dropped, isolates absent): what clique inference reads."""
    G: nx.Graph = nx.Graph()
    G.add_edges_from((a, b) for a, b in edges if a != b)
    return G


def _matched(places: pd.DataFrame, edges: Iterable[tuple[str, str]], assoc: pd.DataFrame, members: pd.DataFrame,
             infer: bool, kinds: Sequence[str] | None,
             **infer_kw: Any) -> tuple[pd.DataFrame, list[tuple[str, list[str]]]]:
    """Registry members matched to ``places`` (``place_id`` filled or None), and the members inferred per
    association of ``kinds`` from cliques of the tie graph (:func:`infer_members`)."""
    members = members.reset_index(drop=True).copy()
    got = match_places(members, places)
    members["place_id"] = got["place_id"].where(got["place_id"].notna(), None)
    inferred_by: list[tuple[str, list[str]]] = []
    if infer:
        G = _tie_graph(edges)
        chosen = assoc if kinds is None else assoc.loc[assoc["kind"].isin(kinds)]
        for aid in sorted(chosen["association_id"]):
            seeds = members.loc[(members["association_id"] == aid) & members["place_id"].notna(), "place_id"]
            inferred = sorted(set(infer_members(G, seeds, **infer_kw)) - set(seeds))
            if inferred:
                inferred_by.append((aid, inferred))
    return members, inferred_by


def attach(data: TwinData, registry: tuple[pd.DataFrame, pd.DataFrame] | None = None, infer: bool = True,
           kinds: Sequence[str] = FLAGGED_KINDS, **infer_kw: Any) -> TwinData:
    """A copy of ``data`` with the association registry matched to its places.

    Parameters
    ----------
    data : TwinData
        A loaded dataset.
    registry : (associations, memberships), optional
        Default :func:`load_registry`.
    infer : bool
        Also add members inferred from cliques of the dataset (:func:`infer_members`) for the
        associations of ``kinds``; they get ``basis="inferred"`` and the clique as ``source``.
    kinds : sequence of str
        Association kinds for which members are inferred.
    **infer_kw
        Passed to :func:`infer_members`.

    Returns
    -------
    TwinData
        ``associations`` and ``memberships`` filled (validated); ``notes["association_matches"]``
        holds :func:`match_report`.

    References
    ----------
    ``data/CURATED.md`` (the registry and its sources).

    Examples
    --------
    >>> import twingraph as tg                      # doctest: +SKIP
    >>> d = attach(tg.load("wikipedia-lists-2026"))  # doctest: +SKIP
    """
    assoc, members = registry if registry is not None else load_registry()
    members, inferred_by = _matched(data.places, zip(data.spells["a"], data.spells["b"]), assoc, members, infer,
                                    kinds, **infer_kw)
    parts = [members]
    if infer:
        for aid, inferred in inferred_by:
            pl = data.places.set_index("place_id").loc[inferred]
            parts.append(pd.DataFrame({
                "association_id": aid, "place_id": inferred, "place": pl["name"].to_list(),
                "country": pl["country"].to_list(), "joined": pd.NaT, "joined_precision": "unknown",
                "left": pd.NaT, "left_precision": "unknown", "end_status": None, "end_cause": None,
                "basis": "inferred", "source": f"clique in {data.source}",
                "note": ("inferred: in the (near-)clique of the dataset that holds the registry's members; "
                         "not a sourced fact")}))
    m = pd.concat(parts, ignore_index=True) if len(parts) > 1 else members
    m = m.reindex(columns=list(MEMBERSHIP_COLUMNS))
    m["joined"] = pd.to_datetime(m["joined"])
    m["left"] = pd.to_datetime(m["left"])
    notes = dict(data.notes)
    notes["association_matches"] = match_report(data, members).to_dict("records")
    out = replace(data, associations=assoc.reset_index(drop=True), memberships=m, notes=notes)
    validate(out)
    return out


def association_pairs(memberships: pd.DataFrame, associations: pd.DataFrame | None = None,
                      kinds: Sequence[str] | None = FLAGGED_KINDS) -> dict[tuple[str, str], str]:
    """Pairs of places that are co-members of an association.

    Parameters
    ----------
    memberships : DataFrame
        Matched memberships (``place_id`` filled; unmatched rows are skipped).
    associations : DataFrame, optional
        Needed to select ``kinds``.
    kinds : sequence of str or None
        Only associations of these kinds; ``None`` for all.

    Returns
    -------
    dict
        ``(a, b)`` with ``a < b`` -> association ids joined by ``";"`` (sorted).

    References
    ----------
    Breiger, R. L. (1974). The duality of persons and groups. Social Forces 53(2), 181-190.

    Examples
    --------
    >>> m = pd.DataFrame({"association_id": ["x", "x", "x"], "place_id": ["a", "b", "c"]})
    >>> sorted(association_pairs(m, kinds=None))
    [('a', 'b'), ('a', 'c'), ('b', 'c')]
    """
    m = memberships.dropna(subset=["place_id"])
    if kinds is not None and associations is not None:
        m = m[m["association_id"].isin(associations.loc[associations["kind"].isin(kinds), "association_id"])]
    pairs: dict[tuple[str, str], set[str]] = {}
    for aid, g in m.groupby("association_id", sort=True):
        for u, v in combinations(sorted(set(g["place_id"])), 2):
            pairs.setdefault((u, v), set()).add(aid)
    return {k: ";".join(sorted(v)) for k, v in sorted(pairs.items())}


def flag_associations(data: TwinData, kinds: Sequence[str] | None = FLAGGED_KINDS, **attach_kw: Any) -> TwinData:
    """Flag the spells of ties between co-members of an association (``via_association``).

    Parameters
    ----------
    data : TwinData
        A dataset; if its ``memberships`` are empty, :func:`attach` is called first (with
        ``attach_kw``).
    kinds : sequence of str or None
        Association kinds whose co-member ties are flagged (default: twinning associations only).
    **attach_kw
        Passed to :func:`attach` when the memberships are empty.

    Returns
    -------
    TwinData
        A copy whose spells carry ``via_association`` (association id(s), or ``None``);
        ``notes["association_ties"]`` counts the flagged ties.

    References
    ----------
    Issue 9: the Douzelage clique and the Charter's near-clique in the 2026 Wikipedia lists.

    Examples
    --------
    >>> from twingraph.tables import Rejections, make_twindata
    >>> places = [{"place_id": p, "name": p, "country": "FRA"} for p in "abcd"]
    >>> spells = [{"tie_id": f"{u}-{v}", "a": u, "b": v} for u, v in [("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")]]
    >>> d = make_twindata(places, spells, Rejections(), 4, 4, "toy")
    >>> assoc = pd.DataFrame({"association_id": ["x"], "name": ["X"], "kind": ["twinning association"],
    ...                       "founded": [pd.NaT], "founded_precision": ["unknown"], "source": ["s"], "note": [None]})
    >>> mem = pd.DataFrame({"association_id": "x", "place_id": None, "place": list("abc"), "country": "FRA",
    ...                     "joined": pd.NaT, "joined_precision": "unknown", "left": pd.NaT,
    ...                     "left_precision": "unknown", "end_status": None, "end_cause": None,
    ...                     "basis": "registry", "source": "s", "note": None})
    >>> f = flag_associations(d, registry=(assoc, mem), infer=False)
    >>> int(f.spells["via_association"].notna().sum())
    3
    """
    if not len(data.memberships):
        data = attach(data, **attach_kw)
    pairs = association_pairs(data.memberships, data.associations, kinds)
    s = data.spells.reindex(columns=list(SPELL_COLUMNS)).copy()
    s["via_association"] = [pairs.get((a, b)) for a, b in zip(s["a"], s["b"])]
    notes = dict(data.notes)
    flagged = s.loc[s["via_association"].notna(), "tie_id"].nunique()
    notes["association_ties"] = int(flagged)
    out = replace(data, spells=s, notes=notes)
    validate(out)
    return out


def association_flags(G: nx.MultiGraph, registry: tuple[pd.DataFrame, pd.DataFrame] | None = None,
                      infer: bool = True, kinds: Sequence[str] | None = FLAGGED_KINDS,
                      **infer_kw: Any) -> tuple[dict[tuple[str, str], str], list[tuple[str, str]]]:
    """What :func:`flag_associations` would flag, computed on a multigraph (the one from
    :func:`twingraph.graphs.multigraph`): the co-member pairs and the matched memberships.

    The registry is matched to the graph's nodes (their ``name`` and ``country`` attributes) and
    members are inferred from cliques of its ties, exactly as :func:`attach` does on the TwinData
    the graph was built from, so ``project(multigraph(data), associations=...)`` equals
    ``project(multigraph(flag_associations(data)), associations=...)``.

    Parameters
    ----------
    G : networkx.MultiGraph
        Nodes are place ids with ``name`` and ``country`` attributes; edges are tie spells.
    registry : (associations, memberships), optional
        Default :func:`load_registry`.
    infer : bool
        Also infer members from cliques (:func:`infer_members`).
    kinds : sequence of str or None
        Association kinds flagged (and inferred).
    **infer_kw
        Passed to :func:`infer_members`.

    Returns
    -------
    (dict, list)
        ``(a, b)`` with ``a < b`` -> association ids (:func:`association_pairs`); and the sorted
        ``(place_id, association_id)`` pairs of the matched and inferred memberships.

    Examples
    --------
    >>> M = nx.MultiGraph()
    >>> M.add_nodes_from([(p, {"name": p, "country": "FRA"}) for p in "abcd"])
    >>> M.add_edges_from([("a", "b"), ("a", "c"), ("b", "c"), ("c", "d")])
    [0, 0, 0, 0]
    >>> assoc = pd.DataFrame({"association_id": ["x"], "kind": ["twinning association"]})
    >>> mem = pd.DataFrame({"association_id": "x", "place": list("abc"), "country": "FRA"})
    >>> pairs, members = association_flags(M, registry=(assoc, mem), infer=False)
    >>> sorted(pairs), members[:1]
    ([('a', 'b'), ('a', 'c'), ('b', 'c')], [('a', 'x')])
    """
    assoc, members = registry if registry is not None else load_registry()
    nodes = list(G.nodes(data=True))
    places = pd.DataFrame({"place_id": [n for n, _ in nodes], "name": [d.get("name") for _, d in nodes],
                           "country": [d.get("country") for _, d in nodes]})
    members, inferred_by = _matched(places, ((u, v) for u, v in G.edges()), assoc, members, infer, kinds,
                                    **infer_kw)
    m = pd.concat([members[["association_id", "place_id"]]]
                  + [pd.DataFrame({"association_id": aid, "place_id": ids}) for aid, ids in inferred_by],
                  ignore_index=True)
    pairs = association_pairs(m, assoc, kinds)
    m = m.dropna(subset=["place_id"])
    return pairs, sorted(set(zip(m["place_id"], m["association_id"])))
