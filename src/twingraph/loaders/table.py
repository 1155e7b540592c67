"""Generic loader for a researcher's own CSV/TSV of ties, with a column mapping.

Canonical columns (any order; only ``a_name`` and ``b_name`` are required; other columns are
ignored and listed in ``notes["ignored_columns"]``):

========================  =====================================================================
``a_name``, ``b_name``    the two places' names
``a_country``, ...        country name or ISO code (``"Germany"``, ``"DE"``, ``"DEU"``, ``"England"``)
``a_subdivision``         state, province, UK nation (overrides one derived from the country text)
``a_lat``, ``a_lon``      coordinates in decimal degrees (WGS84)
``a_qid``                 Wikidata QID (``Q64``)
``a_population``          population (reaches ``places.population``)
``start``, ``end``        partial dates: ``1989``, ``1989-05``, ``1989-05-12`` (a float year ``1989.0`` too)
``kind``                  tie kind: ``twin``/``sister``, ``friendship``, ``partnership``, ``cooperation``
``end_status``            ``suspended``/``terminated``/``lapsed`` (an ``end`` alone means ``terminated``)
``reference``             a URL or note per row
========================  =====================================================================

(``b_…`` likewise.)  A mapping renames the file's columns to canonical ones:
``columns={"a_name": "origincityLabel", "b_lat": "destinationlat"}`` in Python, or
``--columns a_name=origincityLabel,b_lat=destinationlat`` on the command line.  The delimiter is a
tab when the header line has one, else a comma.

Places
    A place with a QID is that QID.  Otherwise it is its name and country *and* its coordinates:
    rows naming the same place (same name and country) with coordinates more than ``max_km`` (25 km)
    apart are different places (homonyms: several Saint-Denis in France, Springfields in the US),
    ``place_id = "tab:<ISO3>:<name>@<lat>,<lon>"``; otherwise ``"tab:<ISO3>:<name>"`` (``?`` for
    an unknown country).  A country text that cannot be resolved leaves the country empty
    (``notes["unresolved_countries"]``).  Coordinates of one place are averaged.
Ties
    Rows naming the same pair of places merge into one tie (one spell; ``n_rows`` counts them;
    disagreeing starts keep the earliest and set ``conflict``; the latest end is kept).
Rejections
    ``wrong-field-count``, ``missing-name``, ``bad-coordinates`` (unparsable or out of range),
    ``bad-date``, ``end-before-start``, ``bad-population``, ``self-tie`` (both ends the same place); every other row is
    loaded, so ``rows_read == rows_loaded + rows_rejected``.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._io import bounded_lines
from ..countries import split_country, to_iso3
from ..dates import parse_partial_date, period_bounds
from ..tables import END_STATUSES, TwinData, make_twindata
from ._accumulate import TieAccumulator
from ._rows import Reject, Row, RowReader, csv_rows

__all__ = ["CANONICAL_COLUMNS", "load_table", "parse_columns"]

_ENDPOINT = ("name", "country", "subdivision", "lat", "lon", "qid", "population")
CANONICAL_COLUMNS = (
    *(f"a_{c}" for c in _ENDPOINT), *(f"b_{c}" for c in _ENDPOINT),
    "start", "end", "kind", "end_status", "reference",
)
_KINDS = {
    "twin": "twin", "twins": "twin", "sister": "twin", "sister city": "twin", "twin town": "twin",
    "twinning": "twin", "p": "twin", "partnerschaft": "twin",
    "friendship": "friendship", "friend": "friendship", "f": "friendship", "freundschaft": "friendship",
    "partnership": "partnership", "partner": "partnership",
    "cooperation": "cooperation", "co-operation": "cooperation", "k": "cooperation", "contact": "cooperation",
    "unknown": "unknown", "": "unknown",
}
_QID = re.compile(r"^Q[1-9][0-9]*$")


def parse_columns(text: str | Mapping[str, str] | None) -> dict[str, str]:
    """``"a_name=origincityLabel,b_lat=destinationlat"`` -> ``{"a_name": "origincityLabel", ...}``.

    Parameters
    ----------
    text : str, mapping or None
        The mapping as text (``--columns``) or as a dict.

    Returns
    -------
    dict
        Canonical column -> the file's column.

    Raises
    ------
    ValueError
        For an unknown canonical name or a malformed item.
    """
    if text is None:
        return {}
    items = dict(text) if isinstance(text, Mapping) else {}
    if isinstance(text, str):
        for item in (t.strip() for t in text.split(",")):
            if not item:
                continue
            if "=" not in item:
                raise ValueError(f"--columns item {item!r} is not canonical=column")
            k, v = (x.strip() for x in item.split("=", 1))
            items[k] = v
    bad = sorted(set(items) - set(CANONICAL_COLUMNS))
    if bad:
        raise ValueError(f"unknown canonical column(s) {', '.join(bad)}; known: {', '.join(CANONICAL_COLUMNS)}")
    return items


def _country(text: str) -> tuple[str | None, str | None, bool]:
    """-> (iso3, subdivision, resolved?)"""
    text = text.strip()
    if not text:
        return None, None, True
    if re.fullmatch(r"[A-Z]{3}", text):
        return text, None, True
    if re.fullmatch(r"[A-Za-z]{2}", text):
        iso = to_iso3(text.upper())
        return iso, None, iso is not None
    iso, sub = split_country(text)
    return iso, sub, iso is not None


def _float(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    v = float(text)  # ValueError -> rejection
    if math.isnan(v):
        return None
    return v


def _date(text: str) -> tuple[pd.Timestamp | None, str]:
    text = text.strip()
    if re.fullmatch(r"\d{4}\.0+", text):
        text = text.split(".")[0]
    return parse_partial_date(text)


def load_table(path: Path, columns: str | Mapping[str, str] | None = None, source: str | None = None,
               max_km: float = 25.0) -> TwinData:
    """Load a CSV/TSV of ties with canonical (or mapped) column names.

    Parameters
    ----------
    path : Path
        The file (UTF-8; a BOM is fine).
    columns : str or mapping, optional
        Canonical name -> the file's column name (see :func:`parse_columns`).
    source : str, optional
        Source name (default: the path).
    max_km : float
        Rows naming one place (name and country) with coordinates further apart are homonyms.

    Returns
    -------
    TwinData

    Examples
    --------
    >>> data = load_table("ties.csv", columns="a_name=origin,b_name=destination")  # doctest: +SKIP
    """
    from ..resolve import homonym_centres, nearest_centre

    path = Path(path)
    mapping = parse_columns(columns)
    fname = path.name
    with open(path, newline="", encoding="utf-8-sig") as fh:
        first = fh.readline()
        delim = "\t" if "\t" in first else ","
        fh.seek(0)
        if fh.read(1) != "\ufeff":
            fh.seek(0)
        csv_reader = csv.reader(bounded_lines(fh, fh.name), delimiter=delim)
        header = [h.strip() for h in next(csv_reader, [])]
        col = {c: i for i, c in enumerate(header)}
        missing = [f"{k}={v}" for k, v in mapping.items() if v not in col]
        if missing:
            raise ValueError(f"{path}: mapped column(s) not in the header: {', '.join(missing)}")
        where: dict[str, int] = {c: col[c] for c in CANONICAL_COLUMNS if c in col}
        where.update({k: col[v] for k, v in mapping.items()})
        for need in ("a_name", "b_name"):
            if need not in where:
                raise ValueError(f"{path}: no {need} column (header: {','.join(header)}); map one with "
                                 f"--columns {need}=<column>")
        used = set(where.values())
        ignored = [h for i, h in enumerate(header) if i not in used]
        reader = RowReader(fname)
        unresolved: set[str] = set()
        odd_kinds: dict[str, int] = defaultdict(int)

        def parse(row: Row) -> dict[str, Any]:
            """One row -> a record with both endpoints, dates, kind, end status and reference."""
            row.expect_fields(len(header), f"{len(row.fields)} fields, header has {len(header)}")

            def get(c: str) -> str:
                return row.fields[where[c]].strip() if c in where else ""

            rec: dict[str, Any] = {"line": row.line}
            for side in ("a", "b"):
                name = get(f"{side}_name")
                if not name:
                    raise Reject("missing-name", f"{side}_name is empty")
                iso, sub, ok = _country(get(f"{side}_country"))
                if not ok:
                    unresolved.add(get(f"{side}_country"))
                try:
                    lat, lon = _float(get(f"{side}_lat")), _float(get(f"{side}_lon"))
                except ValueError:
                    bad = f"{side}: {get(f'{side}_lat')!r}, {get(f'{side}_lon')!r}"
                    raise Reject("bad-coordinates", bad) from None
                if (lat is None) != (lon is None):
                    raise Reject("bad-coordinates", f"{side}: a latitude without a longitude or the reverse "
                                 f"({get(f'{side}_lat')!r}, {get(f'{side}_lon')!r})")
                if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
                    raise Reject("bad-coordinates", f"{side}: {lat}, {lon} out of range")
                try:
                    pop = _float(get(f"{side}_population").replace(",", ""))
                except ValueError:
                    raise Reject("bad-population", f"{side}: {get(f'{side}_population')!r}") from None
                qid = get(f"{side}_qid").rsplit("/", 1)[-1]
                rec[side] = {"name": name, "country": iso, "subdivision": get(f"{side}_subdivision") or sub,
                             "lat": lat, "lon": lon, "population": pop, "qid": qid if _QID.match(qid) else None}
            for fld in ("start", "end"):
                try:
                    rec[fld] = _date(get(fld))
                except ValueError as exc:
                    raise Reject("bad-date", f"{fld}: {exc}") from None
            (s0, p0), (e0, p1) = rec["start"], rec["end"]
            if s0 is not None and e0 is not None and period_bounds(e0, p1)[1] <= period_bounds(s0, p0)[0]:  # type: ignore[operator]
                raise Reject("end-before-start", f"start {get('start')}, end {get('end')}")
            kind_text = get("kind").lower()
            kind = _KINDS.get(kind_text)
            if kind is None:
                odd_kinds[kind_text] += 1
                kind = "unknown"
            rec["kind"] = kind
            status = get("end_status").lower()
            ended = rec["end"][0] is not None
            rec["end_status"] = status if status in END_STATUSES else ("terminated" if ended else None)
            rec["reference"] = get("reference")
            return rec

        rows = list(reader.records(csv_rows(csv_reader, raw_limit=500), parse))
    rej, rows_read = reader.rejections, reader.rows_read

    # places: (name, country) groups split by coordinates (homonyms: twingraph.resolve.homonym_centres)
    pts: dict[tuple[str, str | None], list[tuple[float, float]]] = defaultdict(list)
    for rec in rows:
        for side in ("a", "b"):
            e = rec[side]
            if not e["qid"] and e["lat"] is not None:
                pts[(e["name"], e["country"])].append((e["lat"], e["lon"]))
    centres = homonym_centres(pts, max_km)
    places: dict[str, dict[str, object]] = {}
    coords: dict[str, list[tuple[float, float]]] = defaultdict(list)
    homonym_keys = sum(1 for cs in centres.values() if len(cs) > 1)

    def place_id(e: dict[str, object]) -> str:
        """The place id of one endpoint (QID, else name and country, with its homonym's centre)."""
        if e["qid"]:
            return str(e["qid"])
        key = (str(e["name"]), e["country"])
        base = f"tab:{e['country'] or '?'}:{e['name']}"
        cs = centres.get(key, [])  # type: ignore[arg-type]
        if len(cs) <= 1 or e["lat"] is None:
            return base
        c = nearest_centre(float(e["lat"]), float(e["lon"]), cs)  # type: ignore[arg-type]
        return f"{base}@{c[0]:.2f},{c[1]:.2f}"

    acc = TieAccumulator("tab:", fname)
    ends: dict[str, tuple[pd.Timestamp | None, str, str | None]] = {}
    rows_loaded = 0
    for rec in rows:
        ids = []
        for side in ("a", "b"):
            e = rec[side]  # type: ignore[assignment]
            pid = place_id(e)  # type: ignore[arg-type]
            ids.append(pid)
            p = places.setdefault(pid, {"place_id": pid, "name": e["name"], "country": e["country"],  # type: ignore[index]
                                        "subdivision": e["subdivision"], "level": "unknown",  # type: ignore[index]
                                        "qid": e["qid"], "population": None})  # type: ignore[index]
            if e["population"] is not None:  # type: ignore[index]
                p["population"] = max(float(p["population"] or 0), float(e["population"]))  # type: ignore[index, arg-type]
            if e["lat"] is not None:  # type: ignore[index]
                coords[pid].append((e["lat"], e["lon"]))  # type: ignore[index]
            for c in ("country", "subdivision"):
                if not p[c] and e[c]:  # type: ignore[index]
                    p[c] = e[c]  # type: ignore[index]
        if ids[0] == ids[1]:
            rej.add(fname, int(rec["line"]), "self-tie", f"both ends are {ids[0]}", "")  # type: ignore[call-overload]
            continue
        start, sprec = rec["start"]  # type: ignore[misc]
        tie = acc.add(ids[0], ids[1], int(rec["line"]), start=start, start_precision=sprec,  # type: ignore[call-overload]
                      kind=str(rec["kind"]))
        end, eprec = rec["end"]  # type: ignore[misc]
        if end is not None:
            old = ends.get(str(tie["tie_id"]))
            if old is None or old[0] is None or end > old[0]:
                ends[str(tie["tie_id"])] = (end, eprec, rec["end_status"])  # type: ignore[assignment]
        elif rec["end_status"] and str(tie["tie_id"]) not in ends:
            ends[str(tie["tie_id"])] = (None, "unknown", rec["end_status"])  # type: ignore[assignment]
        rows_loaded += 1
    for pid, cs in coords.items():
        arr = np.asarray(cs)
        places[pid]["lat"], places[pid]["lon"] = float(arr[:, 0].mean()), float(arr[:, 1].mean())
    spells = acc.records()
    for t in spells:
        e = ends.get(str(t["tie_id"]))
        if e is not None:
            t["end"], t["end_precision"], t["end_status"] = e[0] if e[0] is not None else pd.NaT, e[1], e[2]
        t["reference"] = str(t["reference"])
    used_places = {p for t in spells for p in (t["a"], t["b"])}
    notes: dict[str, object] = {
        "ignored_columns": ",".join(ignored),
        "unresolved_countries": len(unresolved),
        "homonym_names_split_by_coordinates": homonym_keys,
        "unknown_kinds": sum(odd_kinds.values()),
        "pairs_listed_more_than_once": sum(1 for t in spells if int(t["n_rows"]) > 1),  # type: ignore[call-overload,misc]
    }
    pl = [p for pid, p in places.items() if pid in used_places]
    return make_twindata(pl, spells, rej, rows_read, rows_loaded, source=source or str(path), notes=notes)


_Reject = Reject  # the old private name
