"""Loader for the register of German municipalities' partnerships (dataset ``germany-partnerships-2015``).

Input: ``TwinTowns_clean.csv`` from github.com/muenchdo/TwinTowns (pinned commit, see
:mod:`twingraph.datasets`): one row per partnership of a German municipality, 5,881 data rows, columns
``municipality, plz, bundesland, state, latitude, longitude, municipality_place_name,
partnergemeinde, land, country, kontinent, continent, seit, form, partner_latitude,
partner_longitude, partner_place_name``.

Observation date
    The file was compiled for a 2015 course project; the data first appear in the repository on
    2015-06-18 (commit 6144481, "Initial commit"; the latest partnership year in the file is 2014).
    :data:`OBSERVED` = 2015-06-18: ties carry no end, so they are right-censored there.

Places
    * German town: ``place_id = "de15:DEU:<municipality>:<plz>"`` (postcode keeps the 25 homonyms
      apart -- two Bergen, two Fürth, ...; 29 rows without postcode use ``"de15:DEU:<municipality>"``);
      ``subdivision`` = the ``bundesland`` column (German state names: ``"Sachsen"``,
      ``"Thüringen"``; two district rows carry ``#VALUE!`` there and get ``None``); ``level``
      ``"region"`` for districts and regions (name contains ``"(Kreis)"`` or starts with ``"Bezirk"``),
      else ``"municipality"``; coordinates kept (52 rows have none).
    * Partner: ``place_id = "de15:<ISO3>:<partnergemeinde>"`` (name as the German compiler wrote
      it, exonyms such as ``"Moskau"`` included), country from the English ``country`` column via
      :func:`twingraph.countries.to_iso3` (every non-empty value resolves), coordinates kept as
      given (some were geocoded to a namesake; the file gives one coordinate pair per partner name).

Ties (kind mapping from ``form``)
    ============  =====================================  ===============
    ``form``      meaning in the register                tie ``kind``
    ============  =====================================  ===============
    ``p``         Partnerschaft (town twinning)          ``twin``
    ``f``         Freundschaft (friendship)              ``friendship``
    ``k``         Kontakt (contact, looser relation)     ``cooperation``
    (empty)       not stated (8 rows)                    ``unknown``
    ============  =====================================  ===============

    A tie is a pair and a kind (:mod:`twingraph.tables`), ``tie_id = "<a>|<b>|<kind>"``: Berlin
    -- St. Petersburg listed as ``f`` and as ``p`` is two ties; Erfurt -- Kati ``f`` 2009 and ``p``
    2011 is a friendship then a twinning.  ``seit`` is the year the partnership began: ``start`` =
    1 January of that year, ``start_precision = "year"`` (every row has a four-digit year,
    1913--2014).  No end dates.

Year 2000 (a probable placeholder)
    701 rows (12%) carry ``seit = 2000``, three times any other year (1991: 252), and 52% of them
    are contacts (``k``) against 14% in the file: 2000 looks like the compiler's default for an
    unknown year.  The loader keeps the year as given (it cannot know which are true) and counts
    the loaded ones in ``notes["rows_dated_2000"]`` (698; 3 are rejected); analyses of timing should
    leave 2000 out or test their sensitivity to it (:func:`twingraph.formation.event_study`
    ``exclude_years``).  After
    2001 the yearly counts drop to a fifth of the 1990s level: the register's sources were
    evidently not kept up to date, so 2001-2014 are undercounted too.

Repeated rows
    A pair and kind listed twice is one tie with ``n_rows = 2``; when the two years differ (Celle --
    Tavistock 1952 and 1977, Malterdingen -- Lentilly 1993 and 1994) the *earliest* year is the
    start (the tie existed by then), ``conflict`` is set and both lines are in ``reference``.

Rejections (reason codes; 1-based physical line, header = line 1)
    ``missing-country`` (7 rows: the partner's country is empty; the file's geocoded place name is
    in ``detail`` but is wrong for 2 of them -- Pinsk geocoded to Austria, Woltschja Gora to India --
    so no country is guessed), ``missing-name``, ``unknown-country``, ``bad-year``,
    ``wrong-field-count``, ``self-tie``.

Row accounting: ``rows_read`` (data rows) ``== rows_loaded + rows_rejected``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd

from ._io import bounded_lines
from ..countries import to_iso3
from ..tables import TwinData, make_twindata
from ._accumulate import TieAccumulator, parse_coordinates
from ._rows import Reject, Row, RowReader, csv_rows

__all__ = ["COLUMNS", "FORM_KINDS", "OBSERVED", "load_germany_register"]

OBSERVED = pd.Timestamp("2015-06-18")

#: ``form`` code -> tie kind (see the module docstring).
FORM_KINDS: dict[str, str] = {"p": "twin", "f": "friendship", "k": "cooperation", "": "unknown"}

COLUMNS = (
    "municipality", "plz", "bundesland", "state", "latitude", "longitude", "municipality_place_name",
    "partnergemeinde", "land", "country", "kontinent", "continent", "seit", "form", "partner_latitude",
    "partner_longitude", "partner_place_name",
)

_REGION = re.compile(r"\(Kreis\)|^Bezirk")


def _parse_row(row: Row) -> tuple[int, dict[str, str], str, str, str]:
    """One register row -> (line, fields by column, partner ISO3, German place id, partner place id)."""
    row.expect_fields(len(COLUMNS))
    r = dict(zip(COLUMNS, (f.strip() for f in row.fields)))
    if not r["municipality"] or not r["partnergemeinde"]:
        raise Reject("missing-name")
    if not r["country"]:
        raise Reject("missing-country", f"partner {r['partnergemeinde']!r} has no country (file's geocode: "
                                        f"{r['partner_place_name']!r})")
    iso = to_iso3(r["country"])
    if iso is None:
        raise Reject("unknown-country", r["country"])
    if not re.fullmatch(r"[0-9]{4}", r["seit"]) or not 1900 <= int(r["seit"]) <= OBSERVED.year:
        raise Reject("bad-year", r["seit"])
    if r["form"] not in FORM_KINDS:
        raise Reject("unknown-kind", r["form"])
    de_id = f"de15:DEU:{r['municipality']}" + (f":{r['plz']}" if r["plz"] else "")
    pa_id = f"de15:{iso}:{r['partnergemeinde']}"
    if de_id == pa_id:
        raise Reject("self-tie")
    return row.line, r, iso, de_id, pa_id


def load_germany_register(path: str | Path, source: str = "germany-partnerships-2015") -> TwinData:
    """Load ``TwinTowns_clean.csv`` into the tidy tables.

    Parameters
    ----------
    path : str or Path
        The register file.
    source : str
        Dataset name written into each spell's ``source``.

    Returns
    -------
    TwinData
        Places, one spell per tie (dated to the year begun), the rejection report; ``observed`` =
        :data:`OBSERVED`; ``notes`` counts repeated rows, date conflicts, kinds and district rows.

    Examples
    --------
    >>> data = load_germany_register("TwinTowns_clean.csv")          # doctest: +SKIP
    >>> data.rows_read == data.rows_loaded + data.rows_rejected      # doctest: +SKIP
    True
    """
    path = Path(path)
    fname = path.name
    reader = RowReader(fname)
    places: dict[str, dict[str, object]] = {}
    acc = TieAccumulator("", fname, by_kind=True)
    rows_loaded = 0
    kinds: dict[str, int] = {}
    rows_2000 = 0
    with open(path, newline="", encoding="utf-8-sig") as fh:
        csv_reader = csv.reader(bounded_lines(fh, fh.name))
        header = next(csv_reader, None)
        if header is None or tuple(h.strip() for h in header) != COLUMNS:
            raise ValueError(f"{path}: expected header {','.join(COLUMNS)}, got {header}")
        for line, r, iso, de_id, pa_id in reader.records(csv_rows(csv_reader), _parse_row):
            if de_id not in places:
                lat, lon = parse_coordinates(r["latitude"], r["longitude"])
                state = r["bundesland"] if r["bundesland"] and not r["bundesland"].startswith("#") else None
                places[de_id] = {"place_id": de_id, "name": r["municipality"], "country": "DEU",
                                 "subdivision": state,
                                 "level": "region" if _REGION.search(r["municipality"]) else "municipality",
                                 "lat": lat, "lon": lon}
            if pa_id not in places:
                lat, lon = parse_coordinates(r["partner_latitude"], r["partner_longitude"])
                places[pa_id] = {"place_id": pa_id, "name": r["partnergemeinde"], "country": iso,
                                 "subdivision": None, "level": "municipality", "lat": lat, "lon": lon}
            kind = FORM_KINDS[r["form"]]
            start = pd.Timestamp(year=int(r["seit"]), month=1, day=1)
            rows_2000 += r["seit"] == "2000"
            before = len(acc)
            acc.add(de_id, pa_id, line, start=start, start_precision="year", kind=kind)
            if len(acc) > before:
                kinds[kind] = kinds.get(kind, 0) + 1
            rows_loaded += 1
    notes = {
        "ties_by_kind": dict(sorted(kinds.items())),
        "rows_dated_2000": rows_2000,
        "ties_listed_twice": sum(1 for t in acc.records() if int(t["n_rows"]) > 1),  # type: ignore[call-overload,misc]
        "ties_with_conflicting_years": sum(1 for t in acc.records() if t["conflict"]),
        "german_places": sum(1 for p in places.values() if p["country"] == "DEU"),
        "german_districts_and_regions": sum(1 for p in places.values() if p["level"] == "region"),
        "partner_places": sum(1 for p in places.values() if p["country"] != "DEU"),
        "places_without_coordinates": sum(1 for p in places.values() if p["lat"] is None),
    }
    return make_twindata(list(places.values()), acc.records(), reader.rejections, reader.rows_read, rows_loaded,
                         source=source, observed=OBSERVED, notes=notes)
