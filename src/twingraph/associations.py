"""Multilateral associations as a membership layer, not as cliques of pairwise ties.

A twinning association such as the Douzelage (one town per EU member state, founded 1991) is
recorded in Wikipedia's country lists as a clique: every member listed as the twin of every other.
Flattened into pairwise ties, such cliques dominate triangle counts, clustering, assortativity and
the top of the eigenvector and k-core rankings.  This module keeps them apart:

* :func:`load_registry` reads the curated, sourced registry shipped with the package
  (``data/associations.csv``, ``data/memberships.csv``; see ``data/CURATED.md``);
* :func:`match_places` matches the registry's places to a dataset's places by normalised name and
  ISO3 country, and :func:`match_report` gives the match rate of every association;
* :func:`attach` puts the registry into a :class:`~twingraph.tables.TwinData` (``associations`` and
  ``memberships`` tables), adding members *inferred* from cliques of the dataset that match a
  registry's member list (:func:`infer_members`, ``basis="inferred"``);
* :func:`flag_associations` adds the ``via_association`` column to the spells: a tie between two
  members of one twinning association.  Every projection then chooses
  ``associations="include" | "exclude" | "groups"`` (:func:`twingraph.graphs.project`);
* :func:`structure_with_without`, :func:`explained_shares` and :func:`rankings_with_without` give
  the statistics and rankings side by side, with the share of triangles, wedges and top-k ranks the
  associations explain;
* :func:`membership_graph`, :func:`co_membership` and :func:`co_membership_overlap` give the
  bipartite place × association graph and its overlap with bilateral twinning;
* :func:`membership_spells` turns memberships into spells for the survival code (an expulsion,
  suspension or replacement is an event like a tie's end).

Only associations of kind ``"twinning association"`` are flagged by default: co-members of a
thematic network (C40) or a regional network (Union of the Baltic Cities) twin bilaterally for their
own reasons, so their ties are not association-implied; their overlap is measured instead.

A flagged tie may also exist bilaterally (Granville and Sherborne twinned in 1989, before the
Douzelage): the country lists carry no dates, so the flag says "explained by co-membership", not
"created by the association".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from importlib import resources
from itertools import combinations
from pathlib import Path
from typing import Any, Literal
from collections.abc import Iterable, Sequence

import networkx as nx
import numpy as np
import pandas as pd

from .dates import parse_partial_date
from .tables import (ASSOCIATION_COLUMNS, MEMBERSHIP_COLUMNS, MEMBERSHIP_END_STATUSES, SPELL_COLUMNS, TwinData,
                     empty_memberships, validate)

__all__ = [
    "load_registry",
    "normalise_name",
    "match_places",
    "match_report",
    "infer_members",
    "attach",
    "association_pairs",
    "flag_associations",
    "explained_shares",
    "structure_with_without",
    "rankings_with_without",
    "membership_graph",
    "co_membership",
    "co_membership_overlap",
    "membership_spells",
    "FLAGGED_KINDS",
]

#: Association kinds whose co-member ties are flagged as association-implied by default.
FLAGGED_KINDS: tuple[str, ...] = ("twinning association",)

_END_TO_SPELL = {"suspended": "suspended", "expelled": "terminated", "withdrew": "terminated",
                 "replaced": "terminated", "lapsed": "lapsed"}


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


_PAREN = re.compile(r"\s*\([^)]*\)")
_DASHES = re.compile(r"[\u2010-\u2015\-–—/]+")


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
    if name is None or (isinstance(name, float) and np.isnan(name)):
        return ""
    s = _PAREN.sub("", str(name))
    s = s.replace("ø", "o").replace("Ø", "O").replace("ł", "l").replace("Ł", "L").replace("ß", "ss")
    s = unicodedata.normalize("NFKD", s)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()
    s = _DASHES.sub(" ", s)
    s = re.sub(r"[^a-z0-9 ]+", " ", s)
    words = ["st" if w in ("saint", "st", "sankt") else w for w in s.split()]
    return " ".join(words)


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
    members = members.reset_index(drop=True).copy()
    got = match_places(members, data.places)
    members["place_id"] = got["place_id"].where(got["place_id"].notna(), None)
    parts = [members]
    if infer:
        from .graphs import simple_graph

        G = simple_graph(data, isolates=False)
        for aid in sorted(assoc.loc[assoc["kind"].isin(kinds), "association_id"]):
            seeds = members.loc[(members["association_id"] == aid) & members["place_id"].notna(), "place_id"]
            inferred = sorted(set(infer_members(G, seeds, **infer_kw)) - set(seeds))
            if not inferred:
                continue
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


def explained_shares(g_all: Any, g_without: Any) -> dict[str, float | int]:
    """Share of edges, triangles and wedges that the association-implied ties account for.

    A triangle (wedge) is explained when removing the flagged ties destroys it, i.e. it holds at
    least one flagged tie: share = 1 - count(without) / count(with).

    Parameters
    ----------
    g_all, g_without : igraph.Graph or networkx.Graph
        The simple graph with all ties and the one with association-implied ties excluded (same
        places).

    Returns
    -------
    dict
        ``edges``, ``edges_removed``, ``edge_share``, ``triangles``, ``triangles_removed``,
        ``triangle_share``, ``wedges``, ``wedges_removed``, ``wedge_share``.

    References
    ----------
    Newman, M. E. J. (2003). The structure and function of complex networks. SIAM Review 45(2),
    167-256 (transitivity = 3 triangles / connected triples).

    Examples
    --------
    >>> K = nx.complete_graph(4); H = K.copy(); H.remove_edge(0, 1)
    >>> explained_shares(K, H)["triangle_share"]
    0.5
    """
    from .measures.size import size_stats

    a, b = size_stats(g_all), size_stats(g_without)
    out: dict[str, float | int] = {}
    for key, name in (("n_edges", "edges"), ("triangles", "triangles"), ("wedges", "wedges")):
        out[name] = int(a[key])
        out[f"{name}_removed"] = int(a[key] - b[key])
        share_key = "edge_share" if name == "edges" else f"{name[:-1]}_share"
        out[share_key] = (a[key] - b[key]) / a[key] if a[key] else float("nan")
    return out


def structure_with_without(data: TwinData, distances: bool = True) -> pd.DataFrame:
    """KONECT statistics with and without the association-implied ties, side by side.

    Parameters
    ----------
    data : TwinData
        Flagged by :func:`flag_associations` (flagged here if not).
    distances : bool
        Compute the all-pairs distance statistics.

    Returns
    -------
    DataFrame
        Index :data:`twingraph.measures.summary.KONECT_KEYS` followed by the keys of
        :func:`explained_shares` prefixed ``explained_``; columns ``"with associations"`` and ``"bilateral (excluded)"``
        (object dtype: counts stay ints).

    References
    ----------
    Kunegis, J. (2013). KONECT -- the Koblenz Network Collection. WWW '13 Companion, 1343-1350.

    Examples
    --------
    >>> import twingraph as tg                                                    # doctest: +SKIP
    >>> structure_with_without(tg.load("wikipedia-lists-2026")).loc["transitivity"]  # doctest: +SKIP
    """
    from .graphs import simple_graph, to_igraph
    from .measures.summary import KONECT_KEYS, konect_stats

    if "via_association" not in data.spells.columns:
        data = flag_associations(data)
    g_all, _ = to_igraph(simple_graph(data, isolates=True))
    g_wo, _ = to_igraph(simple_graph(data, isolates=True, associations="exclude"))
    sa, sw = konect_stats(g_all, distances=distances), konect_stats(g_wo, distances=distances)
    shares = explained_shares(g_all, g_wo)
    index = list(KONECT_KEYS) + [f"explained_{k}" for k in shares]
    col_a = [sa[k] for k in KONECT_KEYS] + list(shares.values())
    col_w = [sw[k] for k in KONECT_KEYS] + [None] * len(shares)
    return pd.DataFrame({"with associations": pd.Series(col_a, index=index, dtype=object),
                         "bilateral (excluded)": pd.Series(col_w, index=index, dtype=object)})


def _scores(g: Any, fn: Any) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # 12 decimals: ARPACK's random start (eigenvector) moves the last digits between runs;
        # rounded, ranks and written tables are reproducible
        return np.round(np.asarray(fn(g), dtype=float), 12)


def rankings_with_without(data: TwinData, measures: dict[str, Any] | None = None, top: int = 20,
                          check: Sequence[str] = (), n_jobs: int | None = 1) -> pd.DataFrame:
    """Top-``top`` places by each centrality, with and without association-implied ties.

    Parameters
    ----------
    data : TwinData
        Flagged by :func:`flag_associations` (flagged here if not).
    measures : dict, optional
        ``name -> function(igraph.Graph) -> scores``; default degree, betweenness, PageRank,
        eigenvector, harmonic and k-core from :mod:`twingraph.measures`.
    top : int
        How many ranks.
    check : sequence of str
        Place ids whose rank by every measure is also reported (rows with ``kind="check"``; rank =
        1 + number of places with a higher score, so tied places share the smallest rank).  Scores
        are rounded to 12 decimals first, so that reruns give the same ranks.
    n_jobs : int or None
        Worker processes: each (network, measure) score is one task (every measure runs serially
        inside its task, so the scores are the same bits whatever ``n_jobs``); ``measures`` must
        then be picklable (module-level functions).  None defers to ``joblib.parallel_config``.

    Returns
    -------
    DataFrame
        One row per (measure, network, rank): ``kind`` (``"top"``/``"check"``), ``measure``,
        ``network`` (``"with"``/``"without"``), ``rank``, ``place_id``, ``name``, ``country``,
        ``score``, ``member`` (association id(s) of a twinning association the place belongs to,
        else ``None``).  ``attrs["explained"]`` holds,
        per measure, the share of the top-``top`` (with associations) held by association members
        and the share that leaves the top-``top`` when the ties are excluded.

    References
    ----------
    Brandes, U. (2001). A faster algorithm for betweenness centrality. J. Math. Sociol. 25(2),
    163-177; Bonacich, P. (1987). Power and centrality. Am. J. Sociol. 92(5), 1170-1182.

    Examples
    --------
    >>> import twingraph as tg                                          # doctest: +SKIP
    >>> rankings_with_without(tg.load("wikipedia-lists-2026")).attrs    # doctest: +SKIP
    """
    from ._parallel import run
    from .graphs import simple_graph, to_igraph
    from .measures import betweenness, core_number, degree_centrality, eigenvector, harmonic, pagerank
    from .measures.centrality import rank_table

    if "via_association" not in data.spells.columns:
        data = flag_associations(data)
    if measures is None:
        measures = {"degree": degree_centrality, "betweenness": betweenness, "pagerank": pagerank,
                    "eigenvector": eigenvector, "harmonic": harmonic, "k_core": core_number}
    flagged_assoc = set(data.associations.loc[data.associations["kind"].isin(FLAGGED_KINDS), "association_id"])
    mm = data.memberships.dropna(subset=["place_id"])
    mm = mm[mm["association_id"].isin(flagged_assoc)]
    member = mm.groupby("place_id")["association_id"].agg(lambda x: ";".join(sorted(set(x)))).to_dict()
    parts, explained = [], {}
    tops: dict[tuple[str, str], list[str]] = {}
    cols = ["kind", "measure", "network", "rank", "place_id", "name", "country", "score", "member"]
    modes: tuple[tuple[str, Literal["include", "exclude"]], ...] = (("with", "include"), ("without", "exclude"))
    graphs = {network: to_igraph(simple_graph(data, isolates=True, associations=mode)) for network, mode in modes}
    # costliest first (exact betweenness, harmonic), so two workers finish together
    order = sorted(((network, name) for network, _ in modes for name in measures),
                   key=lambda t: (t[1] not in ("betweenness", "harmonic"), t[1] != "betweenness"))
    computed = run(_scores, [(graphs[nw][0], measures[nm]) for nw, nm in order], n_jobs)
    all_scores = dict(zip(order, computed))
    for network, _mode in modes:
        g, ids = graphs[network]
        for name in measures:
            score = all_scores[(network, name)]
            t = rank_table(g, by=score, top=top)
            t.insert(0, "network", network)
            t.insert(0, "measure", name)
            t.insert(0, "kind", "top")
            t["member"] = [member.get(p) for p in t["place_id"]]
            tops[(name, network)] = list(t["place_id"])
            parts.append(t[cols])
            for pid in check:
                i = ids.index(pid)
                parts.append(pd.DataFrame([{"kind": "check", "measure": name, "network": network,
                                            "rank": 1 + int((score > score[i]).sum()), "place_id": pid,
                                            "name": g.vs[i]["label"], "country": g.vs[i]["country"],
                                            "score": float(score[i]), "member": member.get(pid)}], columns=cols))
    for name in measures:
        w, wo = tops[(name, "with")], set(tops[(name, "without")])
        explained[name] = {"members_in_top": sum(p in member for p in w) / len(w) if w else float("nan"),
                           "left_top": sum(p not in wo for p in w) / len(w) if w else float("nan")}
    out = pd.concat(parts, ignore_index=True)
    out.attrs["explained"] = explained
    return out


def _member_key(row: pd.Series) -> str:
    return row["place_id"] if isinstance(row["place_id"], str) else f"{row['place']}|{row['country']}"


def membership_graph(memberships: pd.DataFrame, basis: Sequence[str] = ("registry",)) -> nx.Graph:
    """The bipartite place × association graph.

    Parameters
    ----------
    memberships : DataFrame
        Memberships (registry or attached); unmatched places are keyed ``"<place>|<ISO3>"``.
    basis : sequence of str
        Which rows to use (default: sourced registry rows only).

    Returns
    -------
    networkx.Graph
        Place nodes with ``bipartite=0``, association nodes ``"assoc:<id>"`` with ``bipartite=1``;
        an edge per membership (attributes ``joined``, ``left``, ``end_status``).

    References
    ----------
    networkx.algorithms.bipartite (https://networkx.org/documentation/stable/reference/algorithms/bipartite.html).

    Examples
    --------
    >>> m = pd.DataFrame({"association_id": ["x", "x", "y"], "place_id": ["a", "b", "a"], "place": list("aba"),
    ...                   "country": "FRA", "basis": "registry", "joined": pd.NaT, "left": pd.NaT, "end_status": None})
    >>> B = membership_graph(m)
    >>> dict(B.degree(["a", "assoc:x"]))
    {'a': 2, 'assoc:x': 2}
    """
    B: nx.Graph = nx.Graph()
    m = memberships[memberships["basis"].isin(basis)]
    for _, r in m.sort_values(["association_id", "place"]).iterrows():
        p, a = _member_key(r), f"assoc:{r['association_id']}"
        B.add_node(p, bipartite=0, name=r["place"], country=r["country"])
        B.add_node(a, bipartite=1, name=r["association_id"])
        B.add_edge(p, a, joined=None if pd.isna(r["joined"]) else r["joined"].date().isoformat(),
                   left=None if pd.isna(r["left"]) else r["left"].date().isoformat(), end_status=r["end_status"])
    return B


def co_membership(memberships: pd.DataFrame, basis: Sequence[str] = ("registry",)) -> nx.Graph:
    """Co-membership projection: places linked when they share an association.

    Parameters
    ----------
    memberships : DataFrame
        As for :func:`membership_graph`.
    basis : sequence of str
        Which rows to use.

    Returns
    -------
    networkx.Graph
        Place nodes; edge ``weight`` = number of shared associations.

    References
    ----------
    Breiger, R. L. (1974). The duality of persons and groups. Social Forces 53(2), 181-190.

    Examples
    --------
    >>> m = pd.DataFrame({"association_id": ["x", "x", "y", "y"], "place_id": ["a", "b", "a", "b"],
    ...                   "place": list("abab"), "country": "FRA", "basis": "registry", "joined": pd.NaT,
    ...                   "left": pd.NaT, "end_status": None})
    >>> co_membership(m)["a"]["b"]["weight"]
    2
    """
    B = membership_graph(memberships, basis)
    places = sorted(n for n, d in B.nodes(data=True) if d["bipartite"] == 0)
    return nx.bipartite.weighted_projected_graph(B, places)


def co_membership_overlap(data: TwinData, associations: Sequence[str] | None = None) -> pd.DataFrame:
    """Do co-members also twin?  Share of co-member pairs tied in the dataset, per association.

    Parameters
    ----------
    data : TwinData
        Attached (:func:`attach`); only registry rows matched to the dataset are used.
    associations : sequence of str, optional
        Association ids (default: all).

    Returns
    -------
    DataFrame
        ``association_id``, ``kind``, ``matched_members``, ``co_member_pairs``, ``pairs_tied``,
        ``share_tied``, ``members_with_outside_ties`` (members with a tie to a place outside the
        association), ``mean_outside_degree``.

    References
    ----------
    Issue 9: "do co-members also twin bilaterally?".

    Examples
    --------
    >>> import twingraph as tg                                              # doctest: +SKIP
    >>> co_membership_overlap(attach(tg.load("wikipedia-lists-2026")))      # doctest: +SKIP
    """
    from .graphs import simple_graph

    G = simple_graph(data, isolates=True)
    m = data.memberships[(data.memberships["basis"] == "registry") & data.memberships["place_id"].notna()]
    kinds = data.associations.set_index("association_id")["kind"]
    rows = []
    for aid in sorted(associations or data.associations["association_id"]):
        ids = sorted(set(m.loc[m["association_id"] == aid, "place_id"]))
        pairs = list(combinations(ids, 2))
        tied = sum(G.has_edge(u, v) for u, v in pairs)
        s = set(ids)
        outside = [len(set(G[u]) - s) for u in ids]
        rows.append({"association_id": aid, "kind": kinds.get(aid), "matched_members": len(ids),
                     "co_member_pairs": len(pairs), "pairs_tied": tied,
                     "share_tied": tied / len(pairs) if pairs else float("nan"),
                     "members_with_outside_ties": int(sum(o > 0 for o in outside)),
                     "mean_outside_degree": float(np.mean(outside)) if outside else float("nan")})
    return pd.DataFrame(rows)


def membership_spells(memberships: pd.DataFrame, basis: Sequence[str] = ("registry",)) -> pd.DataFrame:
    """Memberships as spells, for the survival code (:func:`twingraph.survival.counting_process`).

    Parameters
    ----------
    memberships : DataFrame
        Registry or attached memberships.
    basis : sequence of str
        Which rows to use (inferred members have no dates).

    Returns
    -------
    DataFrame
        Columns :data:`twingraph.tables.SPELL_COLUMNS` plus ``association_id``: ``a`` = the place
        (id, or ``"<place>|<ISO3>"`` when unmatched), ``b`` = ``"assoc:<id>"``, ``kind`` =
        ``"partnership"``, ``start``/``end`` = joined/left with their precisions, ``end_status``
        mapped to the spell vocabulary (suspended -> suspended; expelled, withdrew, replaced ->
        terminated; lapsed -> lapsed) and ``end_cause`` = ``"<membership status>: <cause>"``.  A
        membership with no known end is right-censored: pass ``observed`` to the survival code.

    References
    ----------
    Andersen, P. K., Gill, R. D. (1982). Cox's regression model for counting processes. Ann. Stat.
    10(4), 1100-1120 (the counting-process form used by :func:`twingraph.survival.counting_process`).

    Examples
    --------
    >>> _, m = load_registry()
    >>> s = membership_spells(m)
    >>> sorted(s.loc[s["end_status"].notna(), "association_id"].unique())
    ['douzelage', 'ubc']
    """
    m = memberships[memberships["basis"].isin(basis)].sort_values(["association_id", "country", "place"])
    rows = []
    for _, r in m.iterrows():
        a = _member_key(r)
        b = f"assoc:{r['association_id']}"
        tie = f"{r['association_id']}:{a}"
        status = r["end_status"] if isinstance(r["end_status"], str) else None
        rows.append({"spell_id": f"{tie}#0", "tie_id": tie, "spell": 0, "a": a, "b": b, "kind": "partnership",
                     "start": r["joined"], "start_precision": r["joined_precision"], "end": r["left"],
                     "end_precision": r["left_precision"], "end_status": _END_TO_SPELL.get(status) if status else None,
                     "end_cause": f"{status}: {r['end_cause']}" if status else None, "rank": "normal",
                     "directions": "both", "n_rows": 1, "conflict": False, "source": "associations",
                     "reference": r["source"], "association_id": r["association_id"]})
    out = pd.DataFrame(rows, columns=list(SPELL_COLUMNS) + ["association_id"])
    out["start"] = pd.to_datetime(out["start"])
    out["end"] = pd.to_datetime(out["end"])
    return out.reset_index(drop=True)
