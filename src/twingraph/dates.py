"""Partial dates with an explicit precision.

Twinning facts are dated to the day ("2020-01-14"), the month ("2017-12"), the year ("1957") or not
at all.  A partial date is stored as the *first day* of its period (a ``pandas.Timestamp``) plus its
precision, one of :data:`PRECISIONS`.  :func:`period_bounds` gives the half-open interval
``[lo, hi)`` a partial date stands for, which is what the precision-aware snapshot uses.
"""

from __future__ import annotations

import re
from typing import Final

import pandas as pd

__all__ = ["PRECISIONS", "parse_partial_date", "period_bounds", "WIKIDATA_PRECISION"]

PRECISIONS: Final = ("day", "month", "year", "unknown")

#: Wikidata time precision codes (``wikibase:timePrecision``) -> our precision names.
#: 11 = day, 10 = month, 9 = year; coarser values (decade = 8, century = 7, ...) are kept as "year"
#: of the stated value only if they are year-level or finer; coarser become "unknown".
WIKIDATA_PRECISION: Final = {11: "day", 10: "month", 9: "year"}

_DATE_RE = re.compile(r"^\s*([+-]?\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:T[0-9:]+Z?)?\s*$")


def parse_partial_date(text: object) -> tuple[pd.Timestamp | None, str]:
    """Parse ``"YYYY"``, ``"YYYY-MM"``, ``"YYYY-MM-DD"`` (or a Wikidata ``+YYYY-MM-DDT00:00:00Z``).

    Returns ``(timestamp_of_first_day, precision)``; ``(None, "unknown")`` for an empty value.
    Wikidata writes month/day ``00`` for year- or month-precision values; those are read as coarser
    precision.  Raises ``ValueError`` for text that is not a date (callers turn it into a
    rejection).
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None, "unknown"
    if isinstance(text, pd.Timestamp):
        return text.normalize(), "day"
    s = str(text).strip()
    if not s:
        return None, "unknown"
    m = _DATE_RE.match(s)
    if not m:
        raise ValueError(f"not a date: {s!r}")
    year = int(m.group(1))
    month = int(m.group(2)) if m.group(2) else 0
    day = int(m.group(3)) if m.group(3) else 0
    if not 1 <= year <= 2262:  # pandas Timestamp range; twinning predates no such year
        raise ValueError(f"year out of range: {s!r}")
    if month == 0:
        return pd.Timestamp(year=year, month=1, day=1), "year"
    if not 1 <= month <= 12:
        raise ValueError(f"bad month: {s!r}")
    if day == 0:
        return pd.Timestamp(year=year, month=month, day=1), "month"
    try:
        return pd.Timestamp(year=year, month=month, day=day), "day"
    except ValueError as exc:
        raise ValueError(f"bad day: {s!r}") from exc


def period_bounds(ts: pd.Timestamp | None, precision: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """The half-open interval ``[lo, hi)`` a partial date stands for.

    ``("1957-01-01", "year")`` -> ``[1957-01-01, 1958-01-01)``; unknown -> ``(None, None)``.
    """
    if ts is None or pd.isna(ts) or precision == "unknown":
        return None, None
    if precision == "day":
        return ts, ts + pd.Timedelta(days=1)
    if precision == "month":
        return ts, ts + pd.offsets.MonthBegin(1)
    if precision == "year":
        return ts, pd.Timestamp(year=ts.year + 1, month=1, day=1)
    raise ValueError(f"unknown precision {precision!r}; expected one of {PRECISIONS}")


def format_partial_date(ts: pd.Timestamp | None, precision: str) -> str:
    """Inverse of :func:`parse_partial_date`: ``"1957"``, ``"1957-10"``, ``"1957-10-02"`` or ``""``."""
    if ts is None or pd.isna(ts) or precision == "unknown":
        return ""
    if precision == "year":
        return f"{ts.year:04d}"
    if precision == "month":
        return f"{ts.year:04d}-{ts.month:02d}"
    return f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d}"
