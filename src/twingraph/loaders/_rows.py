"""The row-reading skeleton every loader shares: read rows, reject with a reason, yield records.

A loader is then a *parse function*: one input row in, one record out, or ``raise Reject(reason,
detail)``.  :class:`RowReader` counts the rows read, files each rejection (file, line, reason,
detail, raw text) in a :class:`~twingraph.tables.Rejections` table, and yields the records, so the
invariant ``rows_read == rows_loaded + rows_rejected`` holds by construction.  Rejections found
after parsing (a self-tie once both places have ids) go through :meth:`RowReader.reject`.

Every loader is on the skeleton: :mod:`~twingraph.loaders.table`,
:mod:`~twingraph.loaders.germany_register`, :mod:`~twingraph.loaders.czechia_register`,
:mod:`~twingraph.loaders.wikipedia`, :mod:`~twingraph.loaders.wikidata_crawl`,
:mod:`~twingraph.loaders.wikidata_eu`, :mod:`~twingraph.loaders.konect`,
:mod:`~twingraph.loaders.curated` (rows from :func:`csv_rows` or :func:`line_rows`), and
:mod:`~twingraph.loaders.wikidata_live` / :mod:`~twingraph.loaders.wikidata_entity`, whose rows
are structured records (a SPARQL binding, a P190 claim) carried in :attr:`Row.data`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from ._io import bounded_lines
from ..exceptions import TwingraphError
from ..tables import Rejections

__all__ = ["Reject", "Row", "RowReader", "csv_rows", "line_rows"]

R = TypeVar("R")


class Reject(TwingraphError):
    """Raised by a parse function: the row is rejected.

    Parameters
    ----------
    reason : str
        A short code (``"missing-name"``, ``"bad-date"``, ...): the rejection report counts by it.
    detail : str
        What was wrong, in words.
    raw : str, optional
        The text filed in the report instead of the row's own (e.g. a shortened line).
    """

    def __init__(self, reason: str, detail: str = "", raw: str | None = None) -> None:
        super().__init__(reason)
        self.reason, self.detail, self.raw = reason, detail, raw


@dataclass(frozen=True)
class Row:
    """One input row: its line number, its fields and its raw text (for the rejection report).

    A structured record (a SPARQL binding, a Wikidata claim) has no fields: it travels in ``data``,
    and ``line`` is its 1-based position in its document.
    """

    line: int
    fields: list[str]
    raw: str
    data: Any = None

    def expect_fields(self, n: int, detail: str | None = None) -> None:
        """Reject the row (``wrong-field-count``) unless it has ``n`` fields.

        Parameters
        ----------
        n : int
            The expected number of fields.
        detail : str, optional
            The rejection's detail (default: ``"<k> fields"``).
        """
        if len(self.fields) != n:
            raise Reject("wrong-field-count", detail if detail is not None else f"{len(self.fields)} fields")


def csv_rows(source: IO[str] | Any, delimiter: str = ",", raw_limit: int | None = None) -> Iterator[Row]:
    """The non-blank rows of a delimited file.

    Parameters
    ----------
    source : text file or csv reader
        A file opened with ``newline=""``, or a ``csv.reader`` whose header the caller has already
        read (line numbers then continue from it).
    delimiter : str
        Field delimiter (of a file; a reader has its own).
    raw_limit : int, optional
        Keep at most this many characters of each row's raw text.

    Yields
    ------
    Row
        ``line`` is the reader's physical line number (header = line 1; a quoted field may span lines).
    """
    reader: Any = (source if hasattr(source, "line_num")
                   else csv.reader(bounded_lines(source, getattr(source, "name", "input")), delimiter=delimiter))
    delim: str = reader.dialect.delimiter
    for fields in reader:
        if not fields or not any(f.strip() for f in fields):
            continue
        raw = delim.join(fields)
        yield Row(int(reader.line_num), list(fields), raw if raw_limit is None else raw[:raw_limit])


def line_rows(lines: Iterable[str], sep: str | None = "\t", comment: str | None = None) -> Iterator[Row]:
    """The non-blank lines of a line-per-record file, split into fields.

    Parameters
    ----------
    lines : iterable of str
        The file's lines (e.g. :func:`~twingraph.loaders._io.bounded_lines` of an open file).
    sep : str or None
        Field separator; ``None`` splits on runs of whitespace and strips the line first (KONECT).
        With a separator only the line end is removed, so an empty last field stays a field.
    comment : str, optional
        Lines starting with it (after stripping, when ``sep`` is None) are not rows.

    Yields
    ------
    Row
        ``line`` is the 1-based physical line number; ``raw`` the line without its end.
    """
    for line_no, line in enumerate(lines, start=1):
        text = line.strip() if sep is None else line.rstrip("\n").rstrip("\r")
        if not text.strip() or (comment is not None and text.startswith(comment)):
            continue
        yield Row(line_no, text.split(sep), text)


class RowReader:
    """Read rows, reject with a reason, yield records.

    Parameters
    ----------
    file : str
        File name written into each rejection.
    rejections : Rejections, optional
        Where rejections go (a new table by default).

    Examples
    --------
    >>> reader = RowReader("x.csv")
    >>> def parse(row):
    ...     if not row.fields[0]:
    ...         raise Reject("missing-name", "empty")
    ...     return row.fields[0].upper()
    >>> list(reader.records([Row(2, ["a"], "a"), Row(3, [""], ""), Row(4, ["b"], "b")], parse))
    ['A', 'B']
    >>> reader.rows_read, len(reader.rejections)
    (3, 1)
    """

    def __init__(self, file: str, rejections: Rejections | None = None) -> None:
        self.file = file
        self.rejections = rejections if rejections is not None else Rejections()
        self.rows_read = 0

    def records(self, rows: Iterable[Row], parse: Callable[[Row], R]) -> Iterator[R]:
        """Parse every row; yield the records, file the rejections.

        Parameters
        ----------
        rows : iterable of Row
        parse : callable
            ``Row -> record``; raises :class:`Reject` for a row that cannot be loaded.

        Yields
        ------
        record
        """
        for row in rows:
            self.rows_read += 1
            try:
                rec = parse(row)
            except Reject as r:
                self.reject(row.line, r.reason, r.detail, row.raw if r.raw is None else r.raw)
                continue
            yield rec

    def reject(self, line: int, reason: str, detail: str = "", raw: str = "") -> None:
        """File a rejection found after parsing (e.g. a self-tie once both places have ids).

        Parameters
        ----------
        line : int
            The row's line number.
        reason : str
            A short code.
        detail, raw : str
            What was wrong; the row's text.
        """
        self.rejections.add(self.file, line, reason, detail, raw)
