"""Loader for the 2026 Wikipedia lists of twin towns (dataset ``wikipedia-lists-2026``).

Input: ``twin_cities_raw.csv`` (``city1,country1,city2,country2``; one row per pair as listed on
the country page of ``city1``) and ``twin_cities_geocoded.csv`` (the same pairs with ``lat1,lng1``,
``lat2,lng2``).

Decisions (all counted in ``TwinData.notes`` and the rejection report):

* A place is identified by its Wikipedia display name and its country:
  ``place_id = "wp:<ISO3>:<name>"``.  Disambiguation is kept in the name (``"Halle (Saale)"``), so
  two spellings of one town on two countries' pages stay two places (the lists give no ids to join
  them; we report nothing we cannot know).
* Countries go through :func:`twingraph.countries.split_country`: ``"England, United Kingdom"`` and
  ``"England"`` both give ``GBR`` with subdivision ``England``.
* An empty country with a ``"City, Country"`` name (``"Varna, Bulgaria"``) is recovered from the
  name; a place whose name is itself a territory (``"American Samoa"``, ``"Falkland Islands"``) gets
  that territory's code; otherwise the row is rejected (``missing-country``).
* Same-name pairs in *different* countries (Toledo, Ohio – Toledo, Spain; 118 rows) are real
  twinnings and kept (``notes["same_name_pairs_kept"]``).  Same-name pairs in the *same* country
  (Nienburg – Nienburg: Nienburg/Weser and Nienburg (Saale)) cannot be told apart by name and are
  rejected as ``ambiguous-same-name``.
* A pair listed twice (once on each country's page) is one tie with ``n_rows = 2``.
* Places of one country sharing coordinates are counted (``notes["places_sharing_coordinates"]``)
  but not merged: as many are a city and its district as are two spellings of one town.
* Coordinates come from the geocoded file; a place geocoded inconsistently across rows gets the
  median of its coordinates (``notes["places_with_inconsistent_coordinates"]``).  Every geocoded row
  either gives coordinates to a listed pair or is rejected (``geocode-unmatched``); blank lines are
  not rows, in either file.
* There are no dates: every tie is one spell of kind ``twin`` with unknown start, active at
  ``observed`` = 2026-02-01 (the month of the scrape).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from ._io import bounded_lines
from ..countries import split_country
from ..tables import Rejections, TwinData, make_twindata
from ._accumulate import TieAccumulator
from ._rows import Reject, Row, RowReader, csv_rows

__all__ = ["load_wikipedia_lists"]

OBSERVED = pd.Timestamp("2026-02-01")


def _place(city: str, country_text: str) -> tuple[str | None, str | None, str, str]:
    """-> (iso3, subdivision, name, reason_if_unresolved)."""
    city = city.strip()
    country_text = country_text.strip()
    if not country_text and ", " in city:
        name, ctext = city.rsplit(", ", 1)
        iso, sub = split_country(ctext)
        if iso is not None:
            return iso, sub, name.strip(), ""
    if not country_text:
        iso, _ = split_country(city)
        if iso is not None:  # the "city" is itself a territory (American Samoa, Falkland Islands)
            return iso, None, city, ""
        return None, None, city, "missing-country"
    iso, sub = split_country(country_text)
    if iso is None:
        return None, None, city, "unknown-country"
    return iso, sub, city, ""


def load_wikipedia_lists(raw_csv: Path, geocoded_csv: Path | None = None,
                         source: str = "wikipedia-lists-2026") -> TwinData:
    """Load the Wikipedia name pairs (and, if given, their coordinates) into the tidy tables.

    Parameters
    ----------
    raw_csv : Path
        The name pairs (``city1,country1,city2,country2``).
    geocoded_csv : Path, optional
        Their coordinates.
    source : str
        Dataset name written into each spell's ``source``.

    Returns
    -------
    TwinData
    """
    rej = Rejections()
    places: dict[str, dict[str, object]] = {}
    row_key: dict[tuple[str, str, str, str], tuple[str, str]] = {}
    same_name_kept = rows_loaded = 0
    fname = Path(raw_csv).name
    acc = TieAccumulator("wp:", fname)

    def _pair(row: Row) -> tuple[int, list[str], list[tuple[str, str | None, str]], str, str]:
        row.expect_fields(4)
        c1, k1, c2, k2 = row.fields
        if not c1.strip() or not c2.strip():
            raise Reject("missing-name")
        ends = []
        for city, ctext in ((c1, k1), (c2, k2)):
            iso, sub, name, reason = _place(city, ctext)
            if reason:
                raise Reject(reason, f"{reason}: {ctext or city!r}")
            ends.append((str(iso), sub, name))
        id1, id2 = f"wp:{ends[0][0]}:{ends[0][2]}", f"wp:{ends[1][0]}:{ends[1][2]}"
        if id1 == id2:
            raise Reject("ambiguous-same-name", "both places have the same name in the same country")
        return row.line, row.fields, ends, id1, id2

    pairs = RowReader(fname, rej)
    with open(raw_csv, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(bounded_lines(fh, fh.name))
        header = next(reader, None)
        if header is None or [h.strip() for h in header[:4]] != ["city1", "country1", "city2", "country2"]:
            raise ValueError(f"{raw_csv}: expected header city1,country1,city2,country2, got {header}")
        for line, fields, ((i1, s1, n1), (i2, s2, n2)), id1, id2 in pairs.records(csv_rows(reader), _pair):
            if n1 == n2:
                same_name_kept += 1
            for pid, iso, sub, name in ((id1, i1, s1, n1), (id2, i2, s2, n2)):
                p = places.get(pid)
                if p is None:
                    places[pid] = {"place_id": pid, "name": name, "country": iso, "subdivision": sub,
                                   "level": "municipality"}
                elif sub and not p["subdivision"]:
                    p["subdivision"] = sub
            acc.add(id1, id2, line)
            row_key[(fields[0], fields[1], fields[2], fields[3])] = (id1, id2)
            rows_loaded += 1
    rows_read = pairs.rows_read

    coords: dict[str, list[tuple[float, float]]] = defaultdict(list)
    if geocoded_csv is not None:

        def _located(row: Row) -> tuple[tuple[str, str], float, float, float, float]:
            row.expect_fields(8)
            ids = row_key.get((row.fields[0], row.fields[1], row.fields[4], row.fields[5]))
            if ids is None:
                raise Reject("geocode-unmatched", "pair not loaded from the raw list")
            try:
                lat1, lon1, lat2, lon2 = (float(row.fields[i]) for i in (2, 3, 6, 7))
            except ValueError:
                raise Reject("bad-coordinates") from None
            if not (-90 <= lat1 <= 90 and -90 <= lat2 <= 90 and -180 <= lon1 <= 180 and -180 <= lon2 <= 180):
                raise Reject("bad-coordinates", "out of range")
            return ids, lat1, lon1, lat2, lon2

        geocoded = RowReader(Path(geocoded_csv).name, rej)
        with open(geocoded_csv, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(bounded_lines(fh, fh.name))
            header = next(reader, None)
            expected = ["city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2"]
            if header is None or [h.strip() for h in header[:8]] != expected:
                raise ValueError(f"{geocoded_csv}: expected header {','.join(expected)}, got {header}")
            for ids, lat1, lon1, lat2, lon2 in geocoded.records(csv_rows(reader), _located):
                coords[ids[0]].append((lat1, lon1))
                coords[ids[1]].append((lat2, lon2))
                rows_loaded += 1
        rows_read += geocoded.rows_read
    inconsistent = 0
    for pid, pts in coords.items():
        arr = np.asarray(pts)
        if np.ptp(arr[:, 0]) > 0.1 or np.ptp(arr[:, 1]) > 0.1:
            inconsistent += 1
        places[pid]["lat"], places[pid]["lon"] = float(np.median(arr[:, 0])), float(np.median(arr[:, 1]))

    # places sharing a country and (rounded) coordinates: often one town spelled two ways
    # ("Vagharshapat"/"Vagarshapat"), but as often a city and its district or region (Baku and
    # "Nəsimi (Baku)", Brisbane and Queensland), so they are reported, never merged.
    keys: dict[tuple[object, float, float], int] = defaultdict(int)
    for pid in coords:
        keys[(places[pid]["country"], round(float(places[pid]["lat"]), 3), round(float(places[pid]["lon"]), 3))] += 1  # type: ignore[arg-type]
    notes = {
        "same_name_pairs_kept": same_name_kept,
        "places_sharing_coordinates": sum(n for n in keys.values() if n > 1),
        "pairs_listed_twice": sum(1 for t in acc.records() if int(t["n_rows"]) > 1),  # type: ignore[call-overload,misc]
        "places_with_coordinates": len(coords),
        "places_with_inconsistent_coordinates": inconsistent,
    }
    return make_twindata(list(places.values()), acc.records(), rej, rows_read, rows_loaded,
                         source=source, observed=OBSERVED, notes=notes)
