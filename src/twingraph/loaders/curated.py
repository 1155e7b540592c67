"""The curated registry: dated twinning facts with sources, shipped with the package.

Two CSV files in ``twingraph/data`` (documented in ``twingraph/data/CURATED.md``):

* ``curated_tie_events.csv`` -- an event log about ties, one row per sourced fact: ``city_a,
  country_a, subdivision_a, level_a, city_b, country_b, subdivision_b, level_b, kind, event, date,
  date_precision, cause, shock_id, source, note``;
* ``curated_events.csv`` -- the shock registry (wars, disputes, laws), the events table of
  :mod:`twingraph.tables`.

:func:`load_curated` turns the log into places and tie *spells*.

Identifiers
    ``place_id = "cur:<ISO3>:<name>"`` (two Toledos in USA and ESP are two places); a tie is an
    unordered pair of places and a kind, ``tie_id = a + "|" + b + "|" + kind`` with
    ``a < b``.  The same pair with two kinds (Yokohama-Odesa ``twin`` and ``cooperation``) is two ties.

Events and spells (rows of one tie are read in file order, which is meant to be chronological)
    * ``signed`` opens a spell (start = its date).  A second ``signed`` while the spell is open is
      another report of the same start: merged (``n_rows`` + 1), the finer of two compatible dates
      kept, ``conflict`` set when the two dates' periods do not overlap (the first report is kept).
      A ``signed`` after a closed spell is a re-signing and opens a new spell.
    * ``suspended`` / ``terminated`` / ``lapsed`` close the open spell: ``end``, ``end_precision``,
      ``end_status`` (the event) and ``end_cause`` (the row's ``cause``, plus ``" [<shock_id>]"``).
      An end with no earlier row for the tie opens a spell with unknown start and closes it.
    * ``restored`` opens a new spell after a closed one.
    * ``announced`` (an announced or decided end that a later source says took effect later, e.g.
      Osaka's December 2017 decision, carried out in October 2018) is kept as a row of the spell
      (``n_rows``) but does not close it.

Competing risks: the *first* exit wins
    A spell ends at its first end event, with that event's status.  Later end rows for the closed
    spell are merged into it rather than opening zero-length spells: a report with the same status is
    another report of the same end (``conflict`` when the dates disagree, e.g. Osaka-San Francisco
    terminated 2018-10-02 in the Japan Times and 2018-10-09 in seed 002); a report with another status
    is a later transition (Dallas-Saratov suspended 2022-03, terminated 2025): the spell stays
    ``suspended`` at 2022-03 -- the time to the first exit, which is what a survival model of the
    2022 shock needs -- and the later transition is appended to ``end_cause`` ("; then terminated
    2025: ...") and listed in ``notes["later_end_events"]``.

Rejections (reason codes; file and 1-based physical line, header = line 1)
    ``malformed-row`` (wrong number of fields), ``missing-source``, ``missing-name``,
    ``unknown-country`` (not an ISO 3166-1 alpha-3 code), ``unknown-level``, ``unknown-kind``,
    ``unknown-event``, ``bad-date``, ``precision-mismatch`` (``date_precision`` contradicts the
    date's form), ``unknown-shock`` (``shock_id`` not a loaded registry event), ``self-tie``,
    ``duplicate`` (a row equal to an earlier one in pair, kind, event, date and source; in the
    shock registry: a repeated ``event_id``), ``restore-without-end``, ``end-before-start`` (the end's
    period lies wholly before the spell's start), ``out-of-order`` (a signing/restoration before the
    previous end, an announcement before the start, a different-status end before the recorded
    end); shock rows also ``missing-id`` and ``missing-date``.  Undated rows are never out of order.

Row accounting: ``rows_read`` = data rows of both files (blank lines are not rows);
``rows_loaded`` = tie-event rows that became part of a spell + shock rows loaded.
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib.resources import as_file, files
from pathlib import Path
from typing import Any

import pandas as pd

from ._io import bounded_lines
from ._rows import Reject, Row, RowReader
from ..dates import format_partial_date, parse_partial_date, period_bounds
from ..countries import iso3_codes
from ..tables import EVENT_COLUMNS, LEVELS, TIE_KINDS, Rejections, TwinData, make_twindata

__all__ = [
    "load_curated",
    "TIE_EVENT_COLUMNS",
    "TIE_EVENTS",
    "END_EVENTS",
    "SHOCK_KINDS",
    "TIE_EVENTS_FILE",
    "EVENTS_FILE",
]

TIE_EVENTS_FILE = "curated_tie_events.csv"
EVENTS_FILE = "curated_events.csv"
TIE_EVENT_COLUMNS = (
    "city_a", "country_a", "subdivision_a", "level_a", "city_b", "country_b", "subdivision_b", "level_b",
    "kind", "event", "date", "date_precision", "cause", "shock_id", "source", "note",
)
END_EVENTS = ("suspended", "terminated", "lapsed")
TIE_EVENTS = ("signed", "announced", *END_EVENTS, "restored")
SHOCK_KINDS = ("war", "annexation", "dispute", "law", "treaty", "political", "enlargement")
_PREC_RANK = {"day": 0, "month": 1, "year": 2, "unknown": 3}

PartialDate = tuple[pd.Timestamp | None, str]


# ------------------------------------------------------------------------------------- helpers
@contextlib.contextmanager
def _resolve(path: str | os.PathLike[str] | None, packaged: str) -> Iterator[Path]:
    if path is not None:
        yield Path(path)
        return
    with as_file(files("twingraph") / "data" / packaged) as p:
        yield Path(p)


def _read_rows(path: Path, columns: tuple[str, ...]) -> list[Row]:
    """The data records (line = a record's *first* physical line); blank lines skipped."""
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(bounded_lines(fh, fh.name))
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{path}: empty file")
        header = [h.strip() for h in header]
        if tuple(header) != columns:
            raise ValueError(f"{path}: header {header} != expected {list(columns)}")
        while True:
            first_line = reader.line_num + 1
            try:
                fields = next(reader)
            except StopIteration:
                break
            if not fields or all(not f.strip() for f in fields):
                continue
            out.append(Row(first_line, fields, ",".join(fields)))
    return out


def _date(text: str, given_precision: str) -> tuple[PartialDate | None, str, str]:
    """-> (partial date or None, reason, detail); reason "" when fine."""
    try:
        ts, prec = parse_partial_date(text)
    except ValueError as exc:
        return None, "bad-date", str(exc)
    given = given_precision.strip()
    if given and given != prec:
        return None, "precision-mismatch", f"date {text!r} has precision {prec}, row says {given!r}"
    return (ts, prec), "", ""


def _before(x: PartialDate, y: PartialDate) -> bool:
    """True when period ``x`` lies wholly before period ``y`` (False if either is undated)."""
    _, x_hi = period_bounds(*x)
    y_lo, _ = period_bounds(*y)
    return x_hi is not None and y_lo is not None and x_hi <= y_lo


def _compatible(x: PartialDate, y: PartialDate) -> bool:
    """True when the two periods overlap or either is undated."""
    return not (_before(x, y) or _before(y, x))


def _fmt(d: PartialDate) -> str:
    return format_partial_date(*d) or "undated"


# ----------------------------------------------------------------------------------- the shocks
def _load_events(path: Path, rej: Rejections) -> tuple[pd.DataFrame, int, int]:
    codes = iso3_codes()
    records: list[dict[str, object]] = []
    seen: set[str] = set()

    def _event(row: Row) -> tuple[Row, dict[str, Any]]:
        if len(row.fields) != len(EVENT_COLUMNS):
            raise Reject("malformed-row", f"{len(row.fields)} fields, expected {len(EVENT_COLUMNS)}")
        rec: dict[str, Any] = {c: f.strip() for c, f in zip(EVENT_COLUMNS, row.fields)}
        if not rec["event_id"]:
            raise Reject("missing-id")
        if not rec["source"]:
            raise Reject("missing-source", rec["event_id"])
        if rec["kind"] not in SHOCK_KINDS:
            raise Reject("unknown-kind", f"{rec['kind']!r} not in {SHOCK_KINDS}")
        bad = [c for col in ("actors", "targets") for c in rec[col].split(";") if c.strip()
               and c.strip() not in codes]
        if bad:
            raise Reject("unknown-country", f"not ISO3: {bad}")
        d, reason, detail = _date(rec["date"], rec["date_precision"])
        if d is None or d[0] is None:
            raise Reject(reason or "missing-date", detail)
        rec["date"], rec["date_precision"] = d
        return row, rec

    reader = RowReader(path.name, rej)
    for row, rec in reader.records(_read_rows(path, EVENT_COLUMNS), _event):
        if rec["event_id"] in seen:
            reader.reject(row.line, "duplicate", f"event_id {rec['event_id']!r} repeated", row.raw)
            continue
        seen.add(rec["event_id"])
        for col in ("actors", "targets"):
            rec[col] = ";".join(c.strip() for c in rec[col].split(";") if c.strip()) or None
        records.append({c: (rec[c] if rec[c] != "" else None) for c in EVENT_COLUMNS})
    df = pd.DataFrame(records, columns=list(EVENT_COLUMNS))
    df["date"] = pd.to_datetime(df["date"])
    return df, reader.rows_read, len(records)


# ------------------------------------------------------------------------------------ the spells
@dataclass
class _Spell:
    start: PartialDate = (None, "unknown")
    end: PartialDate = (None, "unknown")
    end_status: str | None = None
    end_cause: str | None = None
    n_rows: int = 0
    conflict: bool = False
    refs: list[str] = field(default_factory=list)


@dataclass
class _Tie:
    a: str
    b: str
    kind: str
    spells: list[_Spell] = field(default_factory=list)

    @property
    def state(self) -> str:
        """``"none"`` (no spell yet), ``"open"`` (last spell not ended) or ``"closed"``.

        Returns
        -------
        str
        """
        if not self.spells:
            return "none"
        return "open" if self.spells[-1].end_status is None else "closed"


def _cause(cause: str, shock: str) -> str | None:
    text = cause + (f" [{shock}]" if shock else "")
    return text.strip() or None


def _apply(tie: _Tie, event: str, d: PartialDate, cause: str, shock: str, ref: str,
           later: list[dict[str, object]], line: int) -> tuple[str, str]:
    """Apply one row to a tie's spells; -> (rejection reason, detail), ("", "") when applied."""
    state, cur = tie.state, (tie.spells[-1] if tie.spells else None)

    def merge_date(sp: _Spell, attr: str) -> None:
        """Pool the row's date ``d`` into ``sp.<attr>``: a finer compatible date replaces it, an incompatible
        one flags a conflict.

        Parameters
        ----------
        sp : _Spell
            The spell.
        attr : str
            ``"start"`` or ``"end"``.
        """
        old = getattr(sp, attr)
        if not _compatible(old, d):
            sp.conflict = True
        elif _PREC_RANK[d[1]] < _PREC_RANK[old[1]]:
            setattr(sp, attr, d)

    if event in ("signed", "restored"):
        if event == "restored" and state != "closed":
            return "restore-without-end", f"tie is {state}"
        if state == "open":  # another report of the current start
            assert cur is not None
            merge_date(cur, "start")
        else:
            if cur is not None and _before(d, cur.end):
                return "out-of-order", f"{event} {_fmt(d)} precedes the previous end {_fmt(cur.end)}"
            cur = _Spell(start=d)
            tie.spells.append(cur)
    elif event == "announced":
        if cur is None:
            cur = _Spell()
            tie.spells.append(cur)
        elif _before(d, cur.start):
            return "out-of-order", f"announced {_fmt(d)} precedes the start {_fmt(cur.start)}"
    else:  # an end event
        if cur is not None and _before(d, cur.start):
            return "end-before-start", f"{event} {_fmt(d)} precedes the start {_fmt(cur.start)}"
        if state == "closed":
            assert cur is not None
            if event == cur.end_status:
                merge_date(cur, "end")
            elif _before(d, cur.end):
                return "out-of-order", f"{event} {_fmt(d)} precedes the recorded {cur.end_status} {_fmt(cur.end)}"
            else:
                then = f"then {event} {_fmt(d)}: {_cause(cause, shock) or ''}"
                cur.end_cause = f"{cur.end_cause or ''}; {then}".strip("; ")
            later.append({"tie_id": "", "spell": len(tie.spells) - 1, "event": event, "date": _fmt(d),
                          "line": line, "same_status": event == cur.end_status})
        else:
            if cur is None:
                cur = _Spell()
                tie.spells.append(cur)
            cur.end, cur.end_status, cur.end_cause = d, event, _cause(cause, shock)
    assert cur is not None
    cur.n_rows += 1
    cur.refs.append(ref)
    return "", ""


def load_curated(
    tie_events_path: str | os.PathLike[str] | None = None,
    events_path: str | os.PathLike[str] | None = None,
) -> TwinData:
    """Load the curated registry (see the module docstring for every convention).

    ``None`` paths read the packaged ``twingraph/data/curated_tie_events.csv`` and
    ``curated_events.csv``.  Returns a :class:`TwinData` with ``source="curated"``, the shock
    registry as its events table, ``observed`` = the latest date in either file (first day of its
    period), and ``notes`` with ``event_counts`` (loaded tie rows per event type), ``ties``,
    ``spells``, ``shocks``, ``conflicting_spells``, ``unknown_start_spells``, ``later_end_events``
    (ends merged into an already closed spell), ``end_shock_ids`` (spell_id -> shock of its end) and
    ``place_attribute_conflicts``.

    Parameters
    ----------
    tie_events_path : str or path-like, optional
        Tie events CSV.
    events_path : str or path-like, optional
        Shock registry CSV.

    Returns
    -------
    TwinData
    """
    rej = Rejections()
    with _resolve(events_path, EVENTS_FILE) as epath, _resolve(tie_events_path, TIE_EVENTS_FILE) as tpath:
        events, ev_read, ev_loaded = _load_events(epath, rej)
        rows = _read_rows(tpath, TIE_EVENT_COLUMNS)
        reader = RowReader(tpath.name, rej)
        fname = tpath.name
    shock_ids = set(events["event_id"])
    codes = iso3_codes()
    places: dict[str, dict[str, object]] = {}
    ties: dict[str, _Tie] = {}
    seen: set[tuple[str, ...]] = set()
    later: list[dict[str, object]] = []
    counts: dict[str, int] = {e: 0 for e in TIE_EVENTS}
    end_shocks: dict[tuple[str, int], str] = {}
    place_conflicts = 0
    dates: list[pd.Timestamp] = [d for d in events["date"] if pd.notna(d)]
    loaded = 0

    def _tie_event(row: Row) -> tuple[int, str, dict[str, str], PartialDate, list[dict[str, Any]], str, str]:
        if len(row.fields) != len(TIE_EVENT_COLUMNS):
            raise Reject("malformed-row", f"{len(row.fields)} fields, expected {len(TIE_EVENT_COLUMNS)}")
        r = {c: f.strip() for c, f in zip(TIE_EVENT_COLUMNS, row.fields)}
        if not r["source"]:
            raise Reject("missing-source")
        if not r["city_a"] or not r["city_b"]:
            raise Reject("missing-name")
        bad = [r[c] for c in ("country_a", "country_b") if r[c] not in codes]
        if bad:
            raise Reject("unknown-country", f"not ISO3: {bad}")
        lv = [r[c] or "unknown" for c in ("level_a", "level_b")]
        if any(x not in LEVELS for x in lv):
            raise Reject("unknown-level", f"{lv} not in {LEVELS}")
        if r["kind"] not in TIE_KINDS:
            raise Reject("unknown-kind", f"{r['kind']!r} not in {TIE_KINDS}")
        if r["event"] not in TIE_EVENTS:
            raise Reject("unknown-event", f"{r['event']!r} not in {TIE_EVENTS}")
        d, reason, detail = _date(r["date"], r["date_precision"])
        if d is None:
            raise Reject(reason, detail)
        if r["shock_id"] and r["shock_id"] not in shock_ids:
            raise Reject("unknown-shock", f"{r['shock_id']!r} is not a loaded event of the shock registry")
        ends: list[dict[str, Any]] = []
        for x in ("a", "b"):
            ends.append({"place_id": f"cur:{r['country_' + x]}:{r['city_' + x]}", "name": r["city_" + x],
                         "country": r["country_" + x], "subdivision": r["subdivision_" + x] or None,
                         "level": r["level_" + x] or "unknown"})
        a, b = sorted(str(e["place_id"]) for e in ends)
        if a == b:
            raise Reject("self-tie", a)
        return row.line, row.raw, r, d, ends, a, b

    for line, raw, r, d, ends, a, b in reader.records(rows, _tie_event):
        def reject(reason: str, detail: str = "") -> None:
            reader.reject(line, reason, detail, raw)
        key = (a, b, r["kind"], r["event"], _fmt(d), r["source"])
        if key in seen:
            reject("duplicate", "same pair, kind, event, date and source as an earlier row")
            continue
        tie_id = f"{a}|{b}|{r['kind']}"  # place ids already carry the "cur:" prefix
        tie = ties.get(tie_id) or _Tie(a, b, r["kind"])
        n_later = len(later)
        reason, detail = _apply(tie, r["event"], d, r["cause"], r["shock_id"], f"{fname}:{line} {r['source']}",
                                later, line)
        if reason:
            reject(reason, detail)
            continue
        ties[tie_id] = tie
        seen.add(key)
        loaded += 1
        counts[r["event"]] += 1
        if d[0] is not None:
            dates.append(d[0])
        for item in later[n_later:]:
            item["tie_id"] = tie_id
        if r["event"] in END_EVENTS and r["shock_id"] and len(later) == n_later:
            end_shocks[(tie_id, len(tie.spells) - 1)] = r["shock_id"]
        for e in ends:
            old = places.get(str(e["place_id"]))
            if old is None:
                places[str(e["place_id"])] = e
                continue
            for col in ("subdivision", "level"):
                blank = old[col] is None or old[col] == "unknown"
                if blank:
                    old[col] = e[col]
                elif e[col] not in (None, "unknown") and e[col] != old[col]:
                    place_conflicts += 1

    spells = []
    for tie_id, tie in ties.items():
        for i, sp in enumerate(tie.spells):
            spells.append({
                "tie_id": tie_id, "spell": i, "spell_id": f"{tie_id}#{i}", "a": tie.a, "b": tie.b,
                "kind": tie.kind, "start": sp.start[0], "start_precision": sp.start[1],
                "end": sp.end[0], "end_precision": sp.end[1], "end_status": sp.end_status,
                "end_cause": sp.end_cause, "rank": "normal", "directions": "both", "n_rows": sp.n_rows,
                "conflict": sp.conflict, "source": "curated", "reference": " | ".join(sp.refs),
            })
    for item in later:
        item["spell_id"] = f"{item.pop('tie_id')}#{item.pop('spell')}"
    place_records = [{**p, "lat": None, "lon": None, "population": None, "qid": None, "konect_id": None}
                     for p in places.values()]
    notes: dict[str, object] = {
        "event_counts": counts,
        "ties": len(ties),
        "spells": len(spells),
        "shocks": ev_loaded,
        "conflicting_spells": sum(bool(s["conflict"]) for s in spells),
        "unknown_start_spells": sum(s["start"] is None for s in spells),
        "later_end_events": later,
        "end_shock_ids": {f"{t}#{i}": s for (t, i), s in end_shocks.items()},
        "place_attribute_conflicts": place_conflicts,
    }
    return make_twindata(
        place_records, spells, rej, rows_read=ev_read + reader.rows_read, rows_loaded=ev_loaded + loaded,
        source="curated", events=events, observed=max(dates) if dates else None, notes=notes,
    )
