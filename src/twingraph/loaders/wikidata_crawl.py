"""Loader for the 2016 Wikidata crawl (dataset ``wikidata-crawl-2016``).

Input: ``relations.tsv`` (``<QID>\\t<QID>``: one directed P190 statement "A is twinned with B", as
stated on item A) and ``names.tsv`` (``<QID>\\t<label>``; the labels are German, "Sankt Petersburg",
"Moskau", although the dataset's description calls them English).

Statements A->B and B->A merge into one tie (``directions = "both"``, ``n_rows = 2``); a statement
repeated verbatim is merged too (``notes["duplicate_statements"]``).  Self-statements and malformed
QIDs are rejected.  Every label row names a place; labels of items that take part in no loaded tie
are kept as isolated places (the crawl listed them, so they are data, not noise).  The crawl carries
no dates: each tie is one undated ``twin`` spell, right-censored at ``observed`` = 2016-09-01.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ..tables import Rejections, TwinData, make_twindata
from ._accumulate import TieAccumulator
from ._rows import Reject, Row, RowReader, line_rows

__all__ = ["load_wikidata_crawl"]

OBSERVED = pd.Timestamp("2016-09-01")
_QID = re.compile(r"^Q[1-9][0-9]*$")


def load_wikidata_crawl(relations_tsv: Path, names_tsv: Path | None = None,
                        source: str = "wikidata-crawl-2016") -> TwinData:
    """Load the crawl's directed QID pairs (and labels) into the tidy tables.

    Parameters
    ----------
    relations_tsv : Path
        The crawl's directed QID pairs, one per line.
    names_tsv : Path, optional
        QID -> label.
    source : str
        Dataset name written into each spell's ``source``.

    Returns
    -------
    TwinData
    """
    rej = Rejections()
    rname = Path(relations_tsv).name
    acc = TieAccumulator("wd:", rname)
    seen_directed: set[tuple[str, str]] = set()
    duplicates = rows_loaded = 0

    def _statement(row: Row) -> tuple[int, str, str]:
        row.expect_fields(2)
        u, v = row.fields[0].strip(), row.fields[1].strip()
        if not (_QID.match(u) and _QID.match(v)):
            raise Reject("bad-qid")
        if u == v:
            raise Reject("self-tie", "an item twinned with itself")
        return row.line, u, v

    relations = RowReader(rname, rej)
    with open(relations_tsv, encoding="utf-8-sig") as fh:
        for line_no, u, v in relations.records(line_rows(fh), _statement):
            rows_loaded += 1
            if (u, v) in seen_directed:
                duplicates += 1
            seen_directed.add((u, v))
            acc.add(u, v, line_no)
    rows_read = relations.rows_read
    places: dict[str, dict[str, object]] = {}
    for a, b in acc.ties:
        for q in (a, b):
            places.setdefault(q, {"place_id": q, "name": q, "qid": q, "level": "unknown"})
    if names_tsv is not None:

        def _label(row: Row) -> tuple[str, str]:
            if len(row.fields) != 2 or not _QID.match(row.fields[0].strip()):
                raise Reject("bad-label-row")
            return row.fields[0].strip(), row.fields[1].strip()

        names = RowReader(Path(names_tsv).name, rej)
        with open(names_tsv, encoding="utf-8-sig") as fh:
            for q, text in names.records(line_rows(fh), _label):
                p = places.setdefault(q, {"place_id": q, "name": q, "qid": q, "level": "unknown"})
                if text:
                    p["name"] = text
                rows_loaded += 1
        rows_read += names.rows_read
    notes = {
        "duplicate_statements": duplicates,
        "reciprocal_ties": sum(1 for t in acc.records() if t["directions"] == "both"),
        "one_sided_ties": sum(1 for t in acc.records() if t["directions"] != "both"),
    }
    return make_twindata(list(places.values()), acc.records(), rej, rows_read, rows_loaded,
                         source=source, observed=OBSERVED, notes=notes)
