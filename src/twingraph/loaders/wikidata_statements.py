"""The statement-merging model shared by the Wikidata loaders (SPARQL pages and entity JSON).

Both :mod:`twingraph.loaders.wikidata_live` and :mod:`twingraph.loaders.wikidata_entity` turn
what they read into :class:`Statement` objects (one P190 statement each, with its qualifier dates,
end causes and rank) and :class:`PlaceInfo` objects (attributes of one item), then call
:func:`build_twindata`, which merges statements into ties and spells (:func:`merge_statements`)
and builds the place rows (:func:`place_records`).  ``notes["statements"]`` counts the statements.

Conventions
-----------
Ties and spells
    Statements A->B and B->A merge into one tie ``"wd:<a>|<b>"`` (``a < b``); ``directions`` says
    who states it and ``n_rows`` counts the *statements* merged into the spell (not rows).
    Deprecated statements are kept but never mixed with the others: they form their own spells
    with ``rank = "deprecated"``, numbered before the tie's other spells so that
    :attr:`TwinData.ties` (the last spell) shows the current, non-deprecated state.  Among the
    others, ``rank`` is ``"preferred"`` if any merged statement is preferred, else ``"normal"``.
    A tie splits into several spells only when a statement starts at or after the end of the
    statements before it (a re-twinning); undated statements join the latest spell.
Dates
    Wikidata precision codes map to ``11+ -> day``, ``10 -> month``, ``9 -> year``; coarser codes
    (decade, century, ...) become ``unknown`` (``NaT``) and are counted in
    ``notes["coarse_dates"]`` (matching :data:`twingraph.dates.WIKIDATA_PRECISION`; see
    :func:`wikidata_time`).  P585 point in time is used as the start only when no merged statement
    has P580 (``notes["point_in_time_as_start"]``).  Within a spell the stated values are pooled:
    values whose periods overlap are compatible and the finest one wins (1957 and 1957-10-02 give
    1957-10-02).  Values whose periods are disjoint conflict: the spell gets ``conflict = True``
    and ``notes["date_conflicts"]`` gets one dict per (tie, field) listing every value with its
    statement, direction, rank and precision; the kept value is the best-ranked, then the finest,
    then the earliest start / latest end (the union of what the statements claim).  An end that
    lies wholly before the start is dropped (kept in ``date_conflicts`` as field ``"end<start"``);
    an end coarser than, and overlapping, the start coarsens the start to the end's precision.
End status
    A spell with an end time or an end cause has ended: ``"suspended"`` when an English label of
    an end cause contains "suspen", else ``"terminated"``; ``end_cause`` = the cause QIDs joined
    by ``";"``.  No end and no cause = active (``None``, right-censored at ``observed``).
Places
    Every endpoint of a loaded statement: ``name`` = English label or the QID; ``country`` = P298
    of its P17 country (falling back on :data:`COUNTRY_ISO3`; with several countries the
    alphabetically first code, counted in ``notes["places_with_several_countries"]``); ``level``
    from P31 via :data:`LEVEL_BY_P31` (municipality before province before country when several
    apply); ``lat``/``lon`` from the WKT ``Point(lon lat)`` (Earth only, see
    :func:`parse_wkt_point`); ``population`` = the largest best-ranked P1082.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from ..dates import format_partial_date, parse_partial_date, period_bounds
from ..tables import Rejections, TwinData, make_twindata, pair_key

__all__ = [
    "COUNTRY_ISO3",
    "LEVEL_BY_P31",
    "EARTH",
    "RANK_ORDER",
    "PRECISION_ORDER",
    "WDate",
    "Statement",
    "PlaceInfo",
    "wikidata_time",
    "merge_statements",
    "place_records",
    "build_twindata",
    "parse_wkt_point",
]

EARTH = "http://www.wikidata.org/entity/Q2"
RANK_ORDER = {"preferred": 0, "normal": 1, "deprecated": 2}
PRECISION_ORDER = {"day": 0, "month": 1, "year": 2, "unknown": 3}
_QID = re.compile(r"^Q[1-9][0-9]*$")
_WKT = re.compile(r"^\s*(?:<([^>]*)>\s*)?Point\(\s*(\S+)\s+(\S+)\s*\)\s*$", re.IGNORECASE)
_SUSPENDED = re.compile(r"suspen", re.IGNORECASE)

#: P31 classes -> our place levels (only these classes are asked for in the query).
LEVEL_BY_P31: dict[str, str] = {
    "Q515": "municipality",       # city
    "Q1549591": "municipality",   # big city
    "Q3957": "municipality",      # town
    "Q532": "municipality",       # village
    "Q484170": "municipality",    # commune of France
    "Q262166": "municipality",    # municipality of Germany
    "Q15284": "municipality",     # municipality
    "Q10864048": "province",      # first-level administrative country subdivision
    "Q35657": "province",         # state of the United States
    "Q6256": "country",           # country
}
_LEVEL_PRIORITY = ("municipality", "province", "country")

#: Fallback ISO 3166-1 alpha-3 codes for common country items, used when the country's own P298
#: is not at hand (the SPARQL query asks for P298; entity documents may not include the country).
#: Values as Wikidata P298 states them (https://www.wikidata.org/wiki/Property:P298); checked
#: against two independent public QID->ISO lists.
COUNTRY_ISO3: dict[str, str] = {
    "Q183": "DEU", "Q142": "FRA", "Q145": "GBR", "Q30": "USA", "Q159": "RUS", "Q148": "CHN",
    "Q17": "JPN", "Q213": "CZE", "Q38": "ITA", "Q29": "ESP", "Q43": "TUR", "Q219": "BGR",
    "Q212": "UKR", "Q16": "CAN", "Q865": "TWN", "Q36": "POL", "Q55": "NLD", "Q31": "BEL",
    "Q40": "AUT", "Q39": "CHE", "Q34": "SWE", "Q20": "NOR", "Q35": "DNK", "Q33": "FIN",
    "Q45": "PRT", "Q41": "GRC", "Q28": "HUN", "Q218": "ROU", "Q214": "SVK", "Q215": "SVN",
    "Q224": "HRV", "Q403": "SRB", "Q184": "BLR", "Q37": "LTU", "Q211": "LVA", "Q191": "EST",
    "Q27": "IRL", "Q32": "LUX", "Q668": "IND", "Q884": "KOR", "Q408": "AUS", "Q664": "NZL",
    "Q155": "BRA", "Q96": "MEX", "Q414": "ARG", "Q298": "CHL", "Q739": "COL", "Q419": "PER",
    "Q717": "VEN", "Q241": "CUB", "Q794": "IRN", "Q801": "ISR", "Q79": "EGY", "Q258": "ZAF",
    "Q1028": "MAR", "Q252": "IDN", "Q928": "PHL", "Q881": "VNM", "Q869": "THA", "Q833": "MYS",
    "Q334": "SGP", "Q843": "PAK", "Q232": "KAZ", "Q230": "GEO", "Q399": "ARM", "Q227": "AZE",
    "Q217": "MDA", "Q229": "CYP", "Q233": "MLT", "Q189": "ISL", "Q222": "ALB", "Q225": "BIH",
    "Q221": "MKD", "Q236": "MNE",
}


# --------------------------------------------------------------------------- statements -> spells

@dataclass(frozen=True)
class WDate:
    """One stated date: first day of the period, precision, property, and who stated it."""

    ts: pd.Timestamp
    precision: str
    prop: str
    sid: str
    subject: str
    rank: str


@dataclass
class Statement:
    """One P190 statement (subject -> obj) with every qualifier value seen for it."""

    sid: str
    subject: str
    obj: str
    rank: str
    starts: list[WDate] = field(default_factory=list)
    ends: list[WDate] = field(default_factory=list)
    points: list[WDate] = field(default_factory=list)
    causes: set[str] = field(default_factory=set)
    cause_labels: set[str] = field(default_factory=set)
    coarse: set[str] = field(default_factory=set)
    rows: int = 0

    def add_date(self, which: str, ts: pd.Timestamp | None, precision: str, prop: str) -> None:
        """Record a stated date; ``ts=None`` (coarser than a year) is only remembered in ``coarse``.

        Parameters
        ----------
        which : {"start", "end", "point"}
            Qualifier kind.
        ts : pandas.Timestamp or None
            First day of the period.
        precision : str
            ``"day"``, ``"month"`` or ``"year"``.
        prop : str
            Property id (``P580``, ``P582``, ``P585``).
        """
        if ts is None:
            self.coarse.add(prop)
            return
        target = {"start": self.starts, "end": self.ends, "point": self.points}[which]
        d = WDate(ts, precision, prop, self.sid, self.subject, self.rank)
        if all((x.ts, x.precision) != (ts, precision) for x in target):
            target.append(d)


def wikidata_time(value: object, precision: object) -> tuple[pd.Timestamp | None, str]:
    """A Wikidata time value and precision code -> ``(first day of the period, precision name)``.

    Codes: 11 or finer -> ``"day"``, 10 -> ``"month"``, 9 -> ``"year"``, coarser ->
    ``(None, "unknown")``.  The value may be WDQS style (``"1957-01-01T00:00:00Z"``) or entity
    JSON style (``"+1957-00-00T00:00:00Z"``); the result is never finer than the text itself.
    Raises ``ValueError`` for a value or code that cannot be read.

    Parameters
    ----------
    value : object
        Time value (text).
    precision : object
        Wikidata precision code (int or text); None or ``""`` uses the text's own precision.

    Returns
    -------
    tuple of (pandas.Timestamp or None, str)
    """
    ts, text_precision = parse_partial_date(value)
    if ts is None:
        return None, "unknown"
    if precision is None or precision == "":
        name = text_precision
    else:
        code = int(str(precision).strip())
        if code < 9:
            return None, "unknown"
        name = "day" if code >= 11 else "month" if code == 10 else "year"
        if PRECISION_ORDER[text_precision] > PRECISION_ORDER[name]:
            name = text_precision
    return _truncate(ts, name), name


def _truncate(ts: pd.Timestamp, precision: str) -> pd.Timestamp:
    if precision == "year":
        return pd.Timestamp(year=ts.year, month=1, day=1)
    if precision == "month":
        return pd.Timestamp(year=ts.year, month=ts.month, day=1)
    return ts


def _overlap(x: WDate, y: WDate) -> bool:
    xlo, xhi = period_bounds(x.ts, x.precision)
    ylo, yhi = period_bounds(y.ts, y.precision)
    return bool(xlo < yhi and ylo < xhi)  # type: ignore[operator]


def _pick(values: Sequence[WDate], latest: bool) -> tuple[WDate | None, bool]:
    """The kept value among stated ones, and whether any two of them conflict (disjoint periods)."""
    uniq: list[WDate] = []
    for v in values:
        if all((u.ts, u.precision) != (v.ts, v.precision) for u in uniq):
            uniq.append(v)
    if not uniq:
        return None, False
    conflict = any(not _overlap(x, y) for i, x in enumerate(uniq) for y in uniq[i + 1:])

    def key(d: WDate) -> tuple[int, int, int]:
        """Sort key: rank (only when the values conflict), precision, then earliest (latest) date.

        Parameters
        ----------
        d : WDate

        Returns
        -------
        tuple of (int, int, int)
        """
        order = -d.ts.value if latest else d.ts.value
        return (RANK_ORDER.get(d.rank, 1) if conflict else 0, PRECISION_ORDER[d.precision], order)

    return min(uniq, key=key), conflict


def _start_values(statements: Sequence[Statement]) -> tuple[list[WDate], bool]:
    starts = [d for s in statements for d in s.starts]
    if starts:
        return starts, False
    points = [d for s in statements for d in s.points]
    return points, bool(points)


def _clusters(group: list[Statement]) -> list[list[Statement]]:
    rep = {s.sid: _pick(_start_values([s])[0], latest=False)[0] for s in group}
    dated = sorted((s for s in group if rep[s.sid] is not None), key=lambda s: (rep[s.sid].ts, s.sid))  # type: ignore[union-attr]
    clusters: list[list[Statement]] = []
    end_hi: pd.Timestamp | None = None
    for s in dated:
        lo, _ = period_bounds(rep[s.sid].ts, rep[s.sid].precision)  # type: ignore[union-attr]
        if not clusters or (end_hi is not None and lo >= end_hi):
            clusters.append([])
            end_hi = None
        clusters[-1].append(s)
        for e in s.ends:
            hi = period_bounds(e.ts, e.precision)[1]
            end_hi = hi if end_hi is None or hi > end_hi else end_hi  # type: ignore[operator]
    undated = [s for s in group if rep[s.sid] is None]
    if undated:
        if clusters:
            clusters[-1].extend(undated)
        else:
            clusters.append(undated)
    return clusters


def _direction(a: str, subject: str) -> str:
    return "a->b" if subject == a else "b->a"


def _conflict_record(tie_id: str, a: str, b: str, fieldname: str, values: Sequence[WDate],
                     chosen: WDate | None, rule: str) -> dict[str, object]:
    return {
        "tie_id": tie_id, "a": a, "b": b, "field": fieldname, "rule": rule,
        "chosen": format_partial_date(chosen.ts, chosen.precision) if chosen else None,
        "values": [{"date": format_partial_date(v.ts, v.precision), "precision": v.precision,
                    "property": v.prop, "statement": v.sid, "direction": _direction(a, v.subject),
                    "rank": v.rank} for v in sorted(values, key=lambda v: (v.ts, v.sid))],
    }


def merge_statements(a: str, b: str, statements: Sequence[Statement], source: str,
                     counts: Counter[str], conflicts: list[dict[str, object]]) -> list[dict[str, object]]:
    """Spell records for the tie between ``a < b`` from all its statements (both directions).

    See the module docstring for the rules; ``counts`` and ``conflicts`` collect the notes.

    Parameters
    ----------
    a, b : str
        QIDs, ``a < b``.
    statements : sequence of Statement
        Every statement between them.
    source : str
        Dataset name of the spells.
    counts : collections.Counter
        Note counts, updated.
    conflicts : list of dict
        Date-conflict records, appended to.

    Returns
    -------
    list of dict
        Spell records, numbered (``spell``, ``spell_id``): deprecated spells first.
    """
    tie_id = f"wd:{a}|{b}"
    records: list[dict[str, object]] = []
    groups = ([s for s in statements if s.rank == "deprecated"], [s for s in statements if s.rank != "deprecated"])
    for group in groups:
        if not group:
            continue
        for cluster in _clusters(group):
            start_values, from_points = _start_values(cluster)
            end_values = [d for s in cluster for d in s.ends]
            start, start_conflict = _pick(start_values, latest=False)
            end, end_conflict = _pick(end_values, latest=True)
            conflict = start_conflict or end_conflict
            if from_points:
                counts["point_in_time_as_start"] += 1
            if start_conflict:
                conflicts.append(_conflict_record(tie_id, a, b, "start", start_values, start,
                                                  "best rank, then finest precision, then earliest"))
            if end_conflict:
                conflicts.append(_conflict_record(tie_id, a, b, "end", end_values, end,
                                                  "best rank, then finest precision, then latest"))
            if start is not None and end is not None:
                s_lo = period_bounds(start.ts, start.precision)[0]
                e_hi = period_bounds(end.ts, end.precision)[1]
                if e_hi <= s_lo:  # type: ignore[operator]
                    conflict = True
                    counts["end_before_start"] += 1
                    conflicts.append(_conflict_record(tie_id, a, b, "end<start", [start, end], start,
                                                      "end before start: end dropped"))
                    end = None
                elif end.ts < start.ts:
                    counts["start_coarsened"] += 1
                    start = WDate(_truncate(start.ts, end.precision), end.precision, start.prop,
                                  start.sid, start.subject, start.rank)
            sides = {_direction(a, s.subject) for s in cluster}
            if len(sides) == 2 and end_values and any(not s.ends for s in cluster):
                counts["one_sided_end"] += 1
            causes = sorted(set().union(*(s.causes for s in cluster)))
            labels = set().union(*(s.cause_labels for s in cluster))
            ended = bool(end_values or causes)
            if causes and not end_values:
                counts["end_cause_without_end_time"] += 1
            end_status = ("suspended" if any(_SUSPENDED.search(t) for t in labels) else "terminated") if ended else None
            ranks = {s.rank for s in cluster}
            rank = "deprecated" if ranks == {"deprecated"} else "preferred" if "preferred" in ranks else "normal"
            records.append({
                "tie_id": tie_id, "a": a, "b": b, "kind": "twin",
                "start": start.ts if start else pd.NaT, "start_precision": start.precision if start else "unknown",
                "end": end.ts if end else pd.NaT, "end_precision": end.precision if end else "unknown",
                "end_status": end_status, "end_cause": ";".join(causes) or None, "rank": rank,
                "directions": "both" if len(sides) == 2 else sides.pop(), "n_rows": len(cluster),
                "conflict": conflict, "source": source,
                "reference": ";".join(sorted(s.sid for s in cluster)),
            })
    for i, rec in enumerate(records):
        rec["spell"] = i
        rec["spell_id"] = f"{tie_id}#{i}"
    counts["deprecated_spells"] += sum(1 for r in records if r["rank"] == "deprecated")
    return records


# --------------------------------------------------------------------------- places

@dataclass
class PlaceInfo:
    """Attributes of one item gathered from every row that mentions it."""

    labels: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    countries: dict[str, str | None] = field(default_factory=dict)
    coords: set[tuple[float, float]] = field(default_factory=set)
    populations: set[float] = field(default_factory=set)

    def add_country(self, qid: str | None, iso: str | None) -> None:
        """Record a P17 country with its ISO3 code (a known code is not replaced by a missing one).

        Parameters
        ----------
        qid : str or None
            Country item; None is ignored.
        iso : str or None
            Its P298 code.
        """
        if qid:
            iso = iso.strip().upper() if iso else None
            if iso or qid not in self.countries:
                self.countries[qid] = iso or self.countries.get(qid)


def parse_wkt_point(text: str | None) -> tuple[float, float] | None:
    """``"Point(lon lat)"`` (optionally prefixed by a globe IRI; Earth only) -> ``(lat, lon)``.

    Parameters
    ----------
    text : str or None
        WKT literal.

    Returns
    -------
    tuple of (float, float) or None
        None for an empty, unreadable, non-Earth or out-of-range point.
    """
    if not text:
        return None
    m = _WKT.match(text)
    if not m or (m.group(1) and m.group(1) != EARTH):
        return None
    try:
        lon, lat = float(m.group(2)), float(m.group(3))
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def place_records(infos: dict[str, PlaceInfo], counts: Counter[str],
                  iso_fallback: dict[str, str] | None = None) -> list[dict[str, object]]:
    """Place rows (contract columns) for the given items; see the module docstring for the rules.

    Parameters
    ----------
    infos : dict of str to PlaceInfo
        Items by QID.
    counts : collections.Counter
        Note counts, updated.
    iso_fallback : dict of str to str, optional
        Country QID -> ISO3 (default :data:`COUNTRY_ISO3`).

    Returns
    -------
    list of dict
        One record per item, sorted by QID (shorter first).
    """
    fallback = COUNTRY_ISO3 if iso_fallback is None else iso_fallback
    out: list[dict[str, object]] = []
    for qid in sorted(infos, key=lambda q: (len(q), q)):
        info = infos[qid]
        isos = sorted({iso or fallback.get(c, "") for c, iso in info.countries.items()} - {""})
        if info.countries and not isos:
            counts["unresolved_country"] += 1
        if len(isos) > 1:
            counts["places_with_several_countries"] += 1
        levels = {LEVEL_BY_P31[t] for t in info.types if t in LEVEL_BY_P31}
        level = next((lv for lv in _LEVEL_PRIORITY if lv in levels), "unknown")
        lat, lon = sorted(info.coords)[0] if info.coords else (None, None)
        out.append({
            "place_id": qid, "name": sorted(info.labels)[0] if info.labels else qid,
            "country": isos[0] if isos else None, "subdivision": None, "level": level,
            "lat": lat, "lon": lon, "population": max(info.populations) if info.populations else None,
            "qid": qid, "konect_id": None,
        })
    return out


# --------------------------------------------------------------------------- statements + places -> TwinData

def build_twindata(statements: Iterable[Statement], infos: dict[str, PlaceInfo], rej: Rejections,
                   rows_read: int, rows_loaded: int, source: str, counts: Counter[str],
                   iso_fallback: dict[str, str] | None = None) -> TwinData:
    """Statements + place attributes -> validated TwinData (shared by the SPARQL and entity loaders).

    Parameters
    ----------
    statements : iterable of Statement
        P190 statements.
    infos : dict of str to PlaceInfo
        Place attributes by QID.
    rej : Rejections
        Rejected rows.
    rows_read, rows_loaded : int
        Row accounting.
    source : str
        Dataset name.
    counts : collections.Counter
        Note counts.
    iso_fallback : dict of str to str, optional
        Country QID -> ISO3 (default :data:`COUNTRY_ISO3`).

    Returns
    -------
    TwinData
    """
    by_pair: dict[tuple[str, str], list[Statement]] = defaultdict(list)
    n_statements = 0
    for st in statements:
        n_statements += 1
        counts["coarse_dates"] += len(st.coarse)
        by_pair[pair_key(st.subject, st.obj)].append(st)
    conflicts: list[dict[str, object]] = []
    spells: list[dict[str, object]] = []
    for (a, b), group in sorted(by_pair.items()):
        spells.extend(merge_statements(a, b, sorted(group, key=lambda s: s.sid), source, counts, conflicts))
    used = {q for pair in by_pair for q in pair}
    places = place_records({q: infos.get(q, PlaceInfo()) for q in used}, counts, iso_fallback)
    notes: dict[str, object] = {
        "statements": n_statements,
        "date_conflicts": conflicts,
        **{k: int(counts.get(k, 0)) for k in (
            "point_in_time_as_start", "coarse_dates", "one_sided_end", "end_cause_without_end_time",
            "end_before_start", "start_coarsened", "deprecated_spells", "places_with_several_countries",
            "unresolved_country", "bad_attribute_values")},
    }
    return make_twindata(places, spells, rej, rows_read, rows_loaded, source, notes=notes)
