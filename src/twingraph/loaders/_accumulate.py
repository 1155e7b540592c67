"""The tie accumulator the loaders share: input rows naming the same unordered pair -> one tie.

A loader calls :meth:`TieAccumulator.add` once per loaded row (``u`` states the tie with ``v``);
rows naming the same unordered pair merge into one tie record: ``n_rows`` counts them,
``directions`` says who states it (``"a->b"``, ``"b->a"`` or ``"both"``), ``reference`` is
``"<file>:<first line>;<line>;..."``, and a start date is pooled: dates whose periods overlap
agree and the finer one is kept (1990 and 1990-05 give 1990-05); of disagreeing dates the
earliest is kept and ``conflict`` is set.  :meth:`records` gives the spell records that
:func:`twingraph.tables.make_twindata` takes (one spell per tie).
"""

from __future__ import annotations

import pandas as pd

from ..dates import period_bounds
from ..tables import pair_key

_ORDER = {"day": 0, "month": 1, "year": 2, "unknown": 3}

__all__ = ["TieAccumulator", "parse_coordinates"]


def parse_coordinates(lat: str, lon: str) -> tuple[float | None, float | None]:
    """``(lat, lon)`` as floats, or ``(None, None)`` when either is not a number or out of range.

    Parameters
    ----------
    lat, lon : str
        Coordinate texts (degrees).

    Returns
    -------
    tuple of (float or None, float or None)

    Examples
    --------
    >>> parse_coordinates(" 50.77 ", "6.08"), parse_coordinates("", "6.08"), parse_coordinates("91", "0")
    ((50.77, 6.08), (None, None), (None, None))
    """
    try:
        la, lo = float(lat), float(lon)
    except ValueError:
        return None, None
    if not (-90 <= la <= 90 and -180 <= lo <= 180):  # NaN fails too
        return None, None
    return la, lo


class TieAccumulator:
    """Merge input rows into one tie per unordered pair of place ids.

    Parameters
    ----------
    prefix : str
        Tie ids are ``f"{prefix}{a}|{b}"`` with ``a < b`` (``"wp:"``, ``"wd:"``, ``""``).
    file : str
        File name used in ``reference``.
    kind : str
        Tie kind of every tie (see :data:`twingraph.tables.TIE_KINDS`), unless ``add`` says otherwise.
    by_kind : bool
        A tie is a pair *and a kind* (``tie_id = f"{prefix}{a}|{b}|{kind}"``): a register listing a
        pair as a friendship and as a twinning gives two ties.

    Examples
    --------
    >>> acc = TieAccumulator("wd:", "relations.tsv")
    >>> _ = acc.add("Q2", "Q1", 1); t = acc.add("Q1", "Q2", 7)
    >>> (t["tie_id"], t["directions"], t["n_rows"], t["reference"])
    ('wd:Q1|Q2', 'both', 2, 'relations.tsv:1;7')
    """

    def __init__(self, prefix: str, file: str, kind: str = "twin", by_kind: bool = False) -> None:
        self.prefix = prefix
        self.file = file
        self.kind = kind
        self.by_kind = by_kind
        self.ties: dict[tuple[str, ...], dict[str, object]] = {}
        self.merged_rows = 0  # rows that joined an existing tie
        self.date_conflicts = 0

    def __len__(self) -> int:
        return len(self.ties)

    def add(self, u: str, v: str, line: int, start: pd.Timestamp | None = None,
            start_precision: str = "unknown", kind: str | None = None) -> dict[str, object]:
        """Record that ``u`` states a tie with ``v`` on ``line``; return the tie record.

        Parameters
        ----------
        u, v : str
            Place ids, ``u`` the stating side.
        line : int
            Input line.
        start : pandas.Timestamp, optional
            Stated start (first day of its period).
        start_precision : str
            Its precision.
        kind : str, optional
            Tie kind (default: the accumulator's).

        Returns
        -------
        dict
            The tie record (updated in place by later rows).
        """
        a, b = pair_key(u, v)
        here = "a->b" if a == u else "b->a"
        start = pd.NaT if start is None else start
        kind = kind or self.kind
        key = (a, b, kind) if self.by_kind else (a, b)
        tie = self.ties.get(key)
        if tie is None:
            tie_id = f"{self.prefix}{a}|{b}|{kind}" if self.by_kind else f"{self.prefix}{a}|{b}"
            tie = {"tie_id": tie_id, "a": a, "b": b, "kind": kind,
                   "directions": here, "n_rows": 1, "start": start,
                   "start_precision": "unknown" if pd.isna(start) else start_precision,
                   "reference": f"{self.file}:{line}", "conflict": False}
            self.ties[key] = tie
            return tie
        self.merged_rows += 1
        tie["n_rows"] = int(tie["n_rows"]) + 1  # type: ignore[call-overload]
        if tie["directions"] != here:
            tie["directions"] = "both"
        tie["reference"] = f"{tie['reference']};{line}"
        old, old_prec = tie["start"], str(tie["start_precision"])
        if pd.isna(start) or (not pd.isna(old) and start == old and start_precision == old_prec):
            return tie
        if pd.isna(old):
            tie["start"], tie["start_precision"] = start, start_precision
            return tie
        lo1, hi1 = period_bounds(old, old_prec)  # type: ignore[arg-type]
        lo2, hi2 = period_bounds(start, start_precision)
        if lo1 is not None and lo2 is not None and hi1 is not None and hi2 is not None and lo1 < hi2 and lo2 < hi1:
            if _ORDER[start_precision] < _ORDER[old_prec]:  # compatible: the finer date wins
                tie["start"], tie["start_precision"] = start, start_precision
            return tie
        tie["conflict"] = True
        self.date_conflicts += 1
        if start < old:  # type: ignore[operator]
            tie["start"], tie["start_precision"] = start, start_precision
        return tie

    def records(self) -> list[dict[str, object]]:
        """The tie records, in insertion order.

        Returns
        -------
        list of dict
        """
        return list(self.ties.values())
