"""Loader for the Wikidata P190 ties of towns in 25 EU states queried in May 2017 (dataset ``wikidata-eu-2017``).

Input: the 25 ``<country>.tsv`` files of github.com/rogorido/sistercities (``sparql/data/``, pinned
commit, see :mod:`twingraph.datasets`), 24,926 data rows, one header per file: ``origincityLabel,
origincountry, originlat, originlong, originpopulation, sistercityLabel, destinationlat,
destinationlong, destinationpopulation, destination_countryLabel, dist, eu``.  Each file is the
answer of one SPARQL query (``sparql/queries/<country>.sparql``, beside them): every item that is
an instance of a subclass of human settlement (``P31/P279* Q486972``) with a coordinate in that
country, each of its P190 statements whose partner has a coordinate and a country, with English
labels (no QIDs), populations and the WDQS great-circle distance (``dist``, km, rounded).

Observation date
    The data files were committed on 2017-05-29 (queried from WDQS in May 2017): :data:`OBSERVED`.

Places (homonyms resolved by coordinates)
    A place is a label, a country and a location: ``place_id = "eu17:<ISO3>:<label>"``.  Labels are
    not unique (38 origin labels stand for two or three towns: Nienhagen, Naumburg, Weingarten):
    the coordinates of every row naming (country, label), origin or partner, are clustered (single
    linkage, :data:`SAME_PLACE_KM` = 5 km); when a (country, label) has more than one cluster, each
    cluster is a place ``"eu17:<ISO3>:<label>@<lat>,<lon>"`` (the cluster's first coordinate rounded
    to 2 decimals).  A label that is a QID (``"Q4115712"``: the item had no English label) is the
    place's ``qid`` too.  ``population``: the largest value given (17 repeated rows give two).
    Origin country: the ``origincountry`` column (the query's constant); partner country:
    ``destination_countryLabel`` via :func:`twingraph.countries.to_iso3`.

A partner with several countries (P17 with several values)
    WDQS returns one row per value: Boujdour is in Morocco and in Western Sahara, Yalta in Russia
    and Ukraine, Blaj in Romania, Austria-Hungary and the Austrian Empire.  The partner's country is
    the value most rows naming that partner (label and coordinates) give, ties broken by ISO3 code;
    the rows giving another country (or one that is not a country code: ``Prussia``, a blank node
    ``t430222130``) are rejected as ``second-country`` when the tie is loaded from another row, else
    the row is ``unknown-country``.

Ties
    ``kind = "twin"``, ``tie_id = "<a>|<b>"``.  A tie between two towns of the 25 states can
    be stated twice (once from each file: ``directions = "both"``) or once (one-sided); a repeated
    (origin, partner) row is merged into its tie (``n_rows``).  No dates.

Rejections: ``wrong-field-count``, ``missing-name``, ``bad-coordinates``, ``unknown-country``,
``second-country``, ``self-tie``.  Row accounting: ``rows_read == rows_loaded + rows_rejected``.
"""

from __future__ import annotations

import csv
import math
import re
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

from ._io import bounded_lines
from ..geo import haversine_km_scalar
from ..countries import to_iso3
from ..tables import Rejections, TwinData, make_twindata
from ._accumulate import TieAccumulator, parse_coordinates
from ._rows import Reject, Row, RowReader, csv_rows

__all__ = ["COLUMNS", "COUNTRIES", "OBSERVED", "SAME_PLACE_KM", "load_wikidata_eu"]

OBSERVED = pd.Timestamp("2017-05-29")
SAME_PLACE_KM = 5.0
COLUMNS = (
    "origincityLabel", "origincountry", "originlat", "originlong", "originpopulation", "sistercityLabel",
    "destinationlat", "destinationlong", "destinationpopulation", "destination_countryLabel", "dist", "eu",
)
#: ISO3 of the 25 states with a data file (Greece's query returned no file; Luxembourg and Malta
#: have no query): a tie is *covered* by this source when one of its towns lies in these states.
COUNTRIES = frozenset(
    "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU HUN IRL ITA LVA LTU NLD POL PRT ROU SVK SVN ESP SWE GBR".split()
)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return haversine_km_scalar(a[0], a[1], b[0], b[1])


def _clusters(points: list[tuple[float, float]]) -> list[int]:
    """Single-linkage clusters of points within :data:`SAME_PLACE_KM` (cluster index per point, in
    order of first appearance)."""
    label = list(range(len(points)))

    def find(i: int) -> int:
        """Root of point ``i``'s cluster (path halving).

        Parameters
        ----------
        i : int
            Point index.

        Returns
        -------
        int
        """
        while label[i] != i:
            label[i] = label[label[i]]
            i = label[i]
        return i

    for i in range(len(points)):
        for j in range(i):
            if _km(points[i], points[j]) <= SAME_PLACE_KM:
                ri, rj = find(i), find(j)
                if ri != rj:
                    label[max(ri, rj)] = min(ri, rj)
    roots: dict[int, int] = {}
    return [roots.setdefault(find(i), len(roots)) for i in range(len(points))]


def _number(text: str) -> float | None:
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) and v >= 0 else None


def load_wikidata_eu(*paths: str | Path, source: str = "wikidata-eu-2017") -> TwinData:
    """Load the 25 ``<country>.tsv`` files (other files given, e.g. the queries, are ignored).

    Parameters
    ----------
    *paths : str or Path
        The data files.
    source : str
        Dataset name written into each spell's ``source``.

    Returns
    -------
    TwinData
        Places (homonyms split by coordinates), one undated spell per tie, the rejection report;
        ``observed`` = :data:`OBSERVED`; ``notes``: homonym labels, one-sided ties, repeated rows.

    Examples
    --------
    >>> data = load_wikidata_eu(*sorted(Path("wikidata-eu-2017").glob("*.tsv")))   # doctest: +SKIP
    >>> data.rows_read == data.rows_loaded + data.rows_rejected                     # doctest: +SKIP
    True
    """
    files = [Path(p) for p in paths if Path(p).suffix == ".tsv"]
    if not files:
        raise ValueError("wikidata-eu-2017: no .tsv data file given")
    rej = Rejections()
    # ---- pass 1 (the parse function): well-formed rows, candidate countries of each partner
    good: list[tuple[str, int, str, dict[str, str], str, tuple[float, float], tuple[float, float]]] = []
    votes: dict[tuple[str, tuple[float, float]], Counter[str]] = defaultdict(Counter)

    def _statement(row: Row) -> tuple[Row, dict[str, str], str, tuple[float, float], tuple[float, float]]:
        row.expect_fields(len(COLUMNS))
        r = dict(zip(COLUMNS, (f.strip() for f in row.fields)))
        if not r["origincityLabel"] or not r["sistercityLabel"]:
            raise Reject("missing-name")
        o_iso = to_iso3(r["origincountry"])
        if o_iso is None:
            raise Reject("unknown-country", r["origincountry"])
        o_xy, d_xy = parse_coordinates(r["originlat"], r["originlong"]), parse_coordinates(
            r["destinationlat"], r["destinationlong"])
        if o_xy[0] is None or d_xy[0] is None:
            raise Reject("bad-coordinates")
        return row, r, o_iso, (float(o_xy[0]), float(o_xy[1])), (float(d_xy[0]), float(d_xy[1]))  # type: ignore[arg-type]

    rows_read = 0
    for path in sorted(files):
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(bounded_lines(fh, fh.name), delimiter="\t", quoting=csv.QUOTE_NONE)
            header = next(reader, None)
            if header is None or tuple(h.strip() for h in header) != COLUMNS:
                raise ValueError(f"{path}: expected header {' '.join(COLUMNS)}, got {header}")
            rr = RowReader(path.name, rej)
            for row, r, o_iso, o_pt, d_pt in rr.records(csv_rows(reader), _statement):
                d_iso = to_iso3(r["destination_countryLabel"])
                if d_iso is not None:
                    votes[(r["sistercityLabel"], d_pt)][d_iso] += 1
                good.append((path.name, row.line, row.raw, r, o_iso, o_pt, d_pt))
        rows_read += rr.rows_read
    country_of = {k: sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] for k, c in votes.items()}

    # ---- pass 2: rows kept (one country per partner), and the coordinates of every (country, label)
    kept: list[tuple[str, int, str, dict[str, str], str, tuple[float, float], str, tuple[float, float]]] = []
    for fname, line, raw, r, o_iso, o_pt, d_pt in good:
        key = (r["sistercityLabel"], d_pt)
        d_iso = to_iso3(r["destination_countryLabel"])
        chosen = country_of.get(key)
        if chosen is None:
            rej.add(fname, line, "unknown-country", r["destination_countryLabel"], raw)
            continue
        if d_iso != chosen:
            rej.add(fname, line, "second-country",
                    f"{r['sistercityLabel']!r} also in {chosen}: kept there", raw)
            continue
        kept.append((fname, line, raw, r, o_iso, o_pt, d_iso, d_pt))
    points: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for _, _, _, r, o_iso, o_pt, d_iso, d_pt in kept:
        for key2, pt in (((o_iso, r["origincityLabel"]), o_pt), ((d_iso, r["sistercityLabel"]), d_pt)):
            if pt not in points[key2]:
                points[key2].append(pt)
    place_of: dict[tuple[str, str, tuple[float, float]], str] = {}
    homonyms = 0
    for (iso, label), pts in points.items():
        cl = _clusters(pts)
        n = max(cl) + 1
        homonyms += n > 1
        first: dict[int, tuple[float, float]] = {}
        for pt, c in zip(pts, cl):
            first.setdefault(c, pt)
            base = f"eu17:{iso}:{label}"
            place_of[(iso, label, pt)] = base if n == 1 else f"{base}@{first[c][0]:.2f},{first[c][1]:.2f}"

    places: dict[str, dict[str, object]] = {}
    acc = TieAccumulator("", "", kind="twin")
    refs: dict[str, list[str]] = defaultdict(list)
    rows_loaded = 0
    for fname, line, raw, r, o_iso, o_pt, d_iso, d_pt in kept:
        ids = []
        for label, iso, pt, pop in ((r["origincityLabel"], o_iso, o_pt, r["originpopulation"]),
                                    (r["sistercityLabel"], d_iso, d_pt, r["destinationpopulation"])):
            pid = place_of[(iso, label, pt)]
            ids.append(pid)
            p = places.get(pid)
            popv = _number(pop)
            if p is None:
                places[pid] = {"place_id": pid, "name": label, "country": iso, "subdivision": None,
                               "level": "municipality", "lat": pt[0], "lon": pt[1], "population": popv,
                               "qid": label if re.fullmatch(r"Q[1-9][0-9]*", label) else None}
            elif popv is not None and (p["population"] is None or popv > p["population"]):  # type: ignore[operator]
                p["population"] = popv
        if ids[0] == ids[1]:
            rej.add(fname, line, "self-tie", "", raw)
            continue
        tie = acc.add(ids[0], ids[1], line)
        refs[str(tie["tie_id"])].append(f"{fname}:{line}")
        rows_loaded += 1
    recs = acc.records()
    for t in recs:  # rows of one tie can come from two files: "<file>:<line>" joined by ";"
        t["reference"] = ";".join(refs[str(t["tie_id"])])
    notes = {
        "files": len(files),
        "homonym_labels": homonyms,
        "ties_one_sided": sum(1 for t in recs if t["directions"] != "both"),
        "ties_both_sides": sum(1 for t in recs if t["directions"] == "both"),
        "rows_merged_into_a_tie": acc.merged_rows,
        "partners_with_several_countries": sum(1 for c in votes.values() if len(c) > 1),
    }
    return make_twindata(list(places.values()), recs, rej, rows_read, rows_loaded, source=source,
                         observed=OBSERVED, notes=notes)
