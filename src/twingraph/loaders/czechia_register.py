"""Loader for the register of Czech municipalities' partnerships (dataset ``czechia-partnerships-2013``).

Input: ``vztahy.tsv`` from github.com/economia/partnerska-mesta (pinned commit, see
:mod:`twingraph.datasets`), scraped from partnerskamesta.cz: 966 data rows, tab-separated, Czech
headers ``kod1 lat1 lon1 obec1 stat1 kod2 lat2 lon2 obec2 stat2 rok`` (``kod`` site code, ``obec``
town, ``stat`` country -- in Czech, ``rok`` year begun).  Side 1 is always a Czech town.

Observation date
    The scraper (``zjistiVztahy.R``) wrote the relations in the commit of 2013-09-17 ("scraper ->
    vztahy.csv"); Prague's partners were added on 2013-09-19.  :data:`OBSERVED` = 2013-09-17.

Places
    * Czech town: ``place_id = "cz13:<kod1>"`` (site code, e.g. ``"cz13:S-554821"`` Ostrava).
    * Partner: ``"cz13:<kod2>"``.  Prague's 14 rows carry the placeholder codes ``S-111111`` /
      ``F-1111`` for every partner, so there the partner is identified by name and country: the
      code of the same (name, country) elsewhere in the file if any (Moskva), else
      ``"cz13:<ISO3>:<name>"``.  The partner coordinates of Prague's rows are not the partners'
      (Paříž at 47.4 N 0.8 E): they are kept only where no other row gives that place.
    * Country names are Czech and mapped by the explicit table :data:`CZECH_COUNTRIES` (every name
      in the file; ``"Korea"`` is the Republic of Korea (its two rows are Soul, Prague's partner, and
      a South Korean town); ``"Slovensko"`` is used for partnerships begun in Czechoslovak times too).  Names are
      kept in Czech (``"Drážďany"`` = Dresden): resolving them across sources is the merge layer's job.
    * Coordinates are the scrape's own geocoding, kept.

Ties
    Every row is a partnership listed by partnerskamesta.cz ("partnerská města", twin towns):
    ``kind = "twin"`` (the file has no form column).  ``tie_id = "<a>|<b>|twin"``.
    ``rok`` is the year begun: ``start`` = 1 January, ``start_precision = "year"``.

Dates kept out (the tie is kept, undated: the partnership is attested, only its year is not)
    * ``rok = 0`` (80 rows): the site's "unknown"; ``start = NaT``, precision ``"unknown"``
      (``notes["year_unknown"]``).
    * Impossible years (outside 1900 -- 2013): 1238 (Hostouň -- Waldthurn) and 37546 (Týn nad
      Vltavou -- Gmina Bardo; 37546 is the Excel serial number of 2002-10-18, but reading it as
      such would be a guess): kept undated and listed with their lines in
      ``notes["impossible_years"]``.

Repeated rows
    The same pair twice is one tie (``n_rows = 2``); Svitavy -- Žiar nad Hronom is listed with
    1975 and 2006: the earliest year is the start, ``conflict`` is set, both lines referenced.

Rejections: ``wrong-field-count``, ``missing-name``, ``unknown-country``, ``self-tie``.
Row accounting: ``rows_read == rows_loaded + rows_rejected``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from ._io import bounded_lines
from ..tables import TwinData, make_twindata
from ._accumulate import TieAccumulator, parse_coordinates
from ._rows import Reject, Row, RowReader, csv_rows

__all__ = ["COLUMNS", "CZECH_COUNTRIES", "OBSERVED", "YEAR_RANGE", "load_czechia_register"]

OBSERVED = pd.Timestamp("2013-09-17")
COLUMNS = ("kod1", "lat1", "lon1", "obec1", "stat1", "kod2", "lat2", "lon2", "obec2", "stat2", "rok")
#: Years outside this range are impossible for a twinning listed in 2013 (the oldest twinnings date
#: from the 1920s; the German register's oldest is 1913).
YEAR_RANGE = (1900, 2013)
_PLACEHOLDER_CODES = frozenset({"S-111111", "F-1111"})

#: Czech country name (as in the file) -> ISO 3166-1 alpha-3.
CZECH_COUNTRIES: dict[str, str] = {
    "Belgie": "BEL", "Bosna a Hercegovina": "BIH", "Bulharsko": "BGR", "Bělorusko": "BLR",
    "Chorvatsko": "HRV", "Dánsko": "DNK", "Estonsko": "EST", "Filipíny": "PHL", "Finsko": "FIN",
    "Francie": "FRA", "Irsko": "IRL", "Itálie": "ITA", "Japonsko": "JPN", "Kamerun": "CMR",
    "Kazachstán": "KAZ", "Korea": "KOR", "Litva": "LTU", "Lotyšsko": "LVA", "Maďarsko": "HUN",
    "Nikaragua": "NIC", "Nizozemsko": "NLD", "Německo": "DEU", "Polsko": "POL", "Rakousko": "AUT",
    "Rumunsko": "ROU", "Rusko": "RUS", "Slovensko": "SVK", "Slovinsko": "SVN",
    "Spojené státy americké": "USA", "Srbsko": "SRB", "Tchaj-wan": "TWN", "Turecko": "TUR",
    "Ukrajina": "UKR", "Velká Británie": "GBR", "Černá Hora": "MNE", "Česká republika": "CZE",
    "Řecko": "GRC", "Španělsko": "ESP", "Švédsko": "SWE", "Švýcarsko": "CHE",
}


def load_czechia_register(path: str | Path, source: str = "czechia-partnerships-2013") -> TwinData:
    """Load ``vztahy.tsv`` into the tidy tables.

    Parameters
    ----------
    path : str or Path
        The register file.
    source : str
        Dataset name written into each spell's ``source``.

    Returns
    -------
    TwinData
        Places, one spell per tie (dated to the year begun, or undated), the rejection report;
        ``observed`` = :data:`OBSERVED`; ``notes`` lists unknown and impossible years and repeats.

    Examples
    --------
    >>> data = load_czechia_register("vztahy.tsv")                   # doctest: +SKIP
    >>> data.notes["impossible_years"]                               # doctest: +SKIP
    [(77, '37546'), (170, '1238')]
    """
    path = Path(path)
    fname = path.name
    reader = RowReader(fname)
    with open(path, newline="", encoding="utf-8-sig") as fh:
        csv_reader = csv.reader(bounded_lines(fh, fh.name), delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(csv_reader, None)
        if header is None or tuple(h.strip() for h in header) != COLUMNS:
            raise ValueError(f"{path}: expected header {' '.join(COLUMNS)}, got {header}")
        records = list(csv_rows(csv_reader))
    # partner codes of (name, country) outside the placeholder rows, to identify Prague's partners
    code_of: dict[tuple[str, str], str] = {}
    for rec in records:
        row = rec.fields
        if len(row) == len(COLUMNS) and row[5].strip() not in _PLACEHOLDER_CODES:
            code_of.setdefault((row[8].strip(), row[9].strip()), row[5].strip())

    def parse(row: Row) -> tuple[int, dict[str, str], str, str, str, str, bool]:
        """One register row -> (line, fields by column, ISO3 of each side, the two place ids, guessed id?)."""
        row.expect_fields(len(COLUMNS))
        r = dict(zip(COLUMNS, (f.strip() for f in row.fields)))
        if not r["obec1"] or not r["obec2"]:
            raise Reject("missing-name")
        iso1, iso2 = CZECH_COUNTRIES.get(r["stat1"]), CZECH_COUNTRIES.get(r["stat2"])
        if iso1 is None or iso2 is None:
            raise Reject("unknown-country", r["stat1"] if iso1 is None else r["stat2"])
        id1 = f"cz13:{r['kod1']}" if r["kod1"] not in _PLACEHOLDER_CODES else f"cz13:{iso1}:{r['obec1']}"
        placeholder2 = r["kod2"] in _PLACEHOLDER_CODES
        if not placeholder2:
            id2 = f"cz13:{r['kod2']}"
        elif (r["obec2"], r["stat2"]) in code_of:
            id2 = f"cz13:{code_of[(r['obec2'], r['stat2'])]}"
        else:
            id2 = f"cz13:{iso2}:{r['obec2']}"
        if id1 == id2:
            raise Reject("self-tie")
        return row.line, r, iso1, iso2, id1, id2, placeholder2

    places: dict[str, dict[str, object]] = {}
    acc = TieAccumulator("", fname, by_kind=True)
    rows_loaded = 0
    year_unknown = 0
    impossible: list[tuple[int, str]] = []
    for line, r, iso1, iso2, id1, id2, placeholder2 in reader.records(records, parse):
        for pid, name, iso, lat, lon, guessed in ((id1, r["obec1"], iso1, r["lat1"], r["lon1"], False),
                                                  (id2, r["obec2"], iso2, r["lat2"], r["lon2"], placeholder2)):
            la, lo = parse_coordinates(lat, lon)
            p = places.get(pid)
            if p is None:
                places[pid] = {"place_id": pid, "name": name, "country": iso, "subdivision": None,
                               "level": "municipality", "lat": la, "lon": lo, "_weak": guessed}
            elif p["_weak"] and not guessed:
                p["lat"], p["lon"], p["_weak"] = la, lo, False
        year = r["rok"]
        start: pd.Timestamp | None = None
        if year == "0":
            year_unknown += 1
        elif re.fullmatch(r"[0-9]{4}", year) and YEAR_RANGE[0] <= int(year) <= YEAR_RANGE[1]:
            start = pd.Timestamp(year=int(year), month=1, day=1)
        else:
            impossible.append((line, year))
        acc.add(id1, id2, line, start=start, start_precision="year")
        rows_loaded += 1
    for p in places.values():
        p.pop("_weak")
    notes = {
        "year_unknown": year_unknown,
        "impossible_years": impossible,
        "ties_listed_twice": sum(1 for t in acc.records() if int(t["n_rows"]) > 1),  # type: ignore[call-overload,misc]
        "ties_with_conflicting_years": sum(1 for t in acc.records() if t["conflict"]),
        "czech_places": sum(1 for p in places.values() if p["country"] == "CZE"),
    }
    return make_twindata(list(places.values()), acc.records(), reader.rejections, reader.rows_read, rows_loaded,
                         source=source, observed=OBSERVED, notes=notes)
