"""Partial dates with an explicit precision.

Twinning facts are dated to the day ("2020-01-14"), the month ("2017-12"), the year ("1957") or not
at all.  A partial date is stored as the *first day* of its period (a ``pandas.Timestamp``) plus its
precision, one of :data:`PRECISIONS`.  :func:`period_bounds` gives the half-open interval
``[lo, hi)`` a partial date stands for.

This module is the one place where partial dates are *resolved* to days.  The vocabulary is the same
everywhere in the package (:data:`DATE_CONVENTIONS`):

``"earliest"``
    the first day of the period (``1957`` -> 1957-01-01; what the tables store);
``"midpoint"``
    the first day plus ``floor(days_in_period / 2)`` days (``1957`` -> 1957-07-02,
    ``1957-10`` -> 1957-10-16);
``"latest"``
    the last day of the period (``1957`` -> 1957-12-31, ``1957-10`` -> 1957-10-31).

A day-precision date is itself under every convention; precision ``"unknown"`` (or a missing date)
resolves to ``NaT``.  :func:`resolve_dates` does it for whole columns (vectorised) and
:func:`resolve_spell_dates` for the start and end of tie spells, where a spell is *active on day t*
iff ``start <= t < end`` and a snapshot may also ask for ``"strict"`` (only spells certainly active:
start resolved ``"latest"``, end ``"earliest"``).  Snapshots (:func:`twingraph.graphs.snapshot`),
year sweeps (:mod:`twingraph.temporal`), shock exposure (:mod:`twingraph.shocks`), the contract check
(:func:`twingraph.tables.validate`) and survival tables all call these two functions.

Examples
--------
>>> import numpy as np
>>> resolve_dates(np.array(["1957-01-01", "1957-10-01", "2020-01-14"], dtype="datetime64[D]"),
...               ["year", "month", "day"], "latest").astype("datetime64[D]").tolist()
[datetime.date(1957, 12, 31), datetime.date(1957, 10, 31), datetime.date(2020, 1, 14)]
"""

from __future__ import annotations

import re
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

__all__ = [
    "PRECISIONS", "DATE_CONVENTIONS", "SPELL_CONVENTIONS", "WIKIDATA_PRECISION", "parse_partial_date",
    "format_partial_date", "period_bounds", "resolve_dates", "resolve_spell_dates",
]

PRECISIONS: Final = ("day", "month", "year", "unknown")

DateConvention = Literal["earliest", "midpoint", "latest"]
SpellConvention = Literal["earliest", "midpoint", "latest", "strict"]

#: How a partial date becomes one day: the first, middle or last day of its period.
DATE_CONVENTIONS: Final = ("earliest", "midpoint", "latest")
#: For spells (start, end): every date convention applied to both ends, or ``"strict"``.
SPELL_CONVENTIONS: Final = ("earliest", "midpoint", "latest", "strict")

_DT: Final = "datetime64[us]"
_ONE_DAY: Final = np.timedelta64(1, "D")

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

    Parameters
    ----------
    text : object
        Date text, a ``pandas.Timestamp`` (day precision), None or NaN.

    Returns
    -------
    tuple of (pandas.Timestamp or None, str)
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

    Parameters
    ----------
    ts : pandas.Timestamp or None
        First day of the period.
    precision : str
        ``"day"``, ``"month"``, ``"year"`` or ``"unknown"``.

    Returns
    -------
    tuple of (pandas.Timestamp or None, pandas.Timestamp or None)
        ``(lo, hi)``.
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
    """Inverse of :func:`parse_partial_date`: ``"1957"``, ``"1957-10"``, ``"1957-10-02"`` or ``""``.

    Parameters
    ----------
    ts : pandas.Timestamp or None
        First day of the period.
    precision : str
        ``"day"``, ``"month"``, ``"year"`` or ``"unknown"``.

    Returns
    -------
    str
    """
    if ts is None or pd.isna(ts) or precision == "unknown":
        return ""
    if precision == "year":
        return f"{ts.year:04d}"
    if precision == "month":
        return f"{ts.year:04d}-{ts.month:02d}"
    return f"{ts.year:04d}-{ts.month:02d}-{ts.day:02d}"


def _check_convention(convention: str, allowed: tuple[str, ...]) -> None:
    if convention not in allowed:
        raise ValueError(f"unknown date convention {convention!r}; expected one of {allowed}")


def resolve_dates(dates: Any, precision: Any, convention: DateConvention = "earliest") -> np.ndarray:
    """Resolve partial dates (first day of the period + precision) to one day each, vectorised.

    Parameters
    ----------
    dates : array-like of datetime-like
        The first day of each period (as the tables store it); ``NaT``/``None`` for unknown.
    precision : array-like of str or str
        ``"day"``, ``"month"``, ``"year"`` or ``"unknown"`` per date (missing = unknown); a single
        string applies to every date.
    convention : {"earliest", "midpoint", "latest"}
        The first, middle (first + ``floor(days / 2)``) or last day of the period.

    Returns
    -------
    numpy.ndarray of ``datetime64[us]``
        One day per input date (midnight), ``NaT`` where the date or its precision is unknown.

    Raises
    ------
    ValueError
        For an unknown convention or precision.

    Examples
    --------
    >>> resolve_dates(["1957-01-01"], ["year"], "midpoint").astype("datetime64[D]").tolist()
    [datetime.date(1957, 7, 2)]
    """
    _check_convention(convention, DATE_CONVENTIONS)
    d = pd.to_datetime(pd.Series(np.asarray(dates, dtype=object) if not isinstance(dates, pd.Series) else dates)
                       ).to_numpy(_DT)
    if isinstance(precision, str):
        prec = np.full(len(d), precision, dtype=object)
    else:
        prec = pd.Series(precision, dtype=object).fillna("unknown").astype(str).to_numpy()
    if len(prec) != len(d):
        raise ValueError(f"{len(d)} dates but {len(prec)} precisions")
    bad = ~np.isin(prec, PRECISIONS)
    if bad.any():
        raise ValueError(f"unknown precision {prec[bad][0]!r}; expected one of {PRECISIONS}")
    known = ~np.isnat(d) & (prec != "unknown")
    out = np.full(len(d), np.datetime64("NaT", "us"), dtype=_DT)
    lo = d.astype("datetime64[D]")
    out[known] = lo[known].astype(_DT)
    if convention == "earliest":
        return out
    hi = lo + _ONE_DAY  # day precision: the period is one day
    month, year = known & (prec == "month"), known & (prec == "year")
    hi[month] = (lo[month].astype("datetime64[M]") + np.timedelta64(1, "M")).astype("datetime64[D]")
    hi[year] = (lo[year].astype("datetime64[Y]") + np.timedelta64(1, "Y")).astype("datetime64[D]")
    if convention == "latest":
        day = hi - _ONE_DAY
    else:  # midpoint
        day = lo + (hi - lo) // 2
    out[known] = day[known].astype(_DT)
    return out


#: Spells that ended at an unknown date resolve to this end under every convention but "latest".
_ENDED_UNDATED: Final = np.datetime64("1000-01-01", "us")


def resolve_spell_dates(spells: pd.DataFrame,
                        convention: SpellConvention = "earliest") -> tuple[np.ndarray, np.ndarray]:
    """Resolve tie spells' partial start and end dates to days: ``(start, end)``.

    A spell is *active on day t* iff ``start <= t < end``: it is active on the day it starts and no
    longer on the day it ends.

    Parameters
    ----------
    spells : DataFrame
        With columns ``start``, ``start_precision``, ``end``, ``end_precision`` and optionally
        ``end_status`` (the tie-spell table of :mod:`twingraph.tables`).
    convention : {"earliest", "midpoint", "latest", "strict"}
        A date convention of :func:`resolve_dates` applied to both ends, or ``"strict"``: only
        spells *certainly* active (start resolved ``"latest"``, end ``"earliest"``).

    Returns
    -------
    (start, end) : tuple of numpy.ndarray of ``datetime64[us]``
        Row order follows ``spells``.  ``NaT`` in ``start`` means undated; ``NaT`` in ``end`` means
        no end (still active).  A spell with an ``end_status`` but no end date (ended at an unknown
        date: it may have ended as soon as it began) resolves to an end in the year 1000, i.e. is
        never active, under every convention but ``"latest"``, which keeps it open.

    Examples
    --------
    >>> import pandas as pd
    >>> sp = pd.DataFrame({"start": pd.to_datetime(["1957-01-01"]), "start_precision": ["year"],
    ...                    "end": pd.to_datetime(["2022-03-01"]), "end_precision": ["month"]})
    >>> [x.astype("datetime64[D]").tolist()[0] for x in resolve_spell_dates(sp, "strict")]
    [datetime.date(1957, 12, 31), datetime.date(2022, 3, 1)]
    """
    _check_convention(convention, SPELL_CONVENTIONS)
    start_conv = "latest" if convention == "strict" else convention
    end_conv = "earliest" if convention == "strict" else convention
    start = resolve_dates(spells["start"], spells["start_precision"], start_conv)  # type: ignore[arg-type]
    end = resolve_dates(spells["end"], spells["end_precision"], end_conv)  # type: ignore[arg-type]
    if convention != "latest" and "end_status" in spells.columns:
        ended_undated = spells["end_status"].notna().to_numpy() & np.isnat(end)
        end[ended_undated] = _ENDED_UNDATED
    return start, end
