"""Spell ends in bins around dated shocks (:func:`ends_around_events`; the old name ``event_study`` is a
deprecated alias, distinct from :func:`twingraph.formation.event_study`, the event study of tie formation)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..deprecation import deprecated_alias, renamed_arguments
from ..tables import TwinData
from .counting import _DAY, YEAR_DAYS, _resolve

__all__ = ["ends_around_events", "event_study"]


def _days(x: pd.Series) -> np.ndarray:
    return ((pd.to_datetime(x) - pd.Timestamp(0)) / _DAY).to_numpy(dtype=float)


@renamed_arguments(date_convention="dates")
def ends_around_events(
    spells: pd.DataFrame | TwinData,
    events: pd.DataFrame | None = None,
    window: tuple[str, str] = ("-365D", "365D"),
    bin: str = "30D",
    baseline: str | tuple[Any, Any] | float = "pre",
    *,
    places: pd.DataFrame | None = None,
    observed: Any = None,
    dates: str = "earliest",
    unknown_start: str = "before",
) -> pd.DataFrame:
    """Spell ends in bins around each shock date, as counts and as rates per tie-year at risk.

    For each dated event ``D`` (``events`` rows; from a :class:`TwinData` by default) the window
    ``[D + window[0], D + window[1])`` is cut into bins of width ``bin`` (the last may be shorter).
    Per bin: ``at_risk`` (spells active at the bin's first day), ``person_years`` (tie-years at
    risk inside the bin), counts ``terminated``/``suspended``/``lapsed``/``ended`` (any end,
    including an end date without status) by the end date, and ``rate`` = ended / person_years,
    ``termination_rate``, ``suspension_rate``.  ``baseline``: ``"pre"`` = the rate over the bins
    before ``D``; a ``(from, to)`` pair of dates = the rate over that calendar period; a number = a
    given rate.  ``rate_ratio`` = rate / baseline_rate.

    When ``places`` is known (given, or from the TwinData) and an event names countries (actors or
    targets), only spells with a place in one of those countries are counted.  Dates are resolved
    with ``dates`` (``date_convention=`` is its deprecated name); spells with an unknown start are
    taken to have started before the window (``unknown_start="before"``) or dropped
    (``"exclude"``); ended spells with an unknown end date are dropped; active spells are at risk
    until ``observed`` (or the window's end).

    Parameters
    ----------
    spells : DataFrame or TwinData
        Tie spells; a TwinData also gives ``events``, ``places`` and ``observed``.
    events : DataFrame, optional
        Dated events (:data:`twingraph.tables.EVENT_COLUMNS`).
    window : (str, str)
        Offsets of the window around each event date (pandas Timedelta strings).
    bin : str
        Bin width (a pandas Timedelta string).
    baseline : "pre", (date, date) or float
        The baseline rate (see above).
    places : DataFrame, optional
        Places with their ``country`` (restricts each event to the spells of its countries).
    observed : date-like, optional
        The data date (active spells are at risk until then).
    dates : {"earliest", "midpoint", "latest"}
        How partial dates resolve.
    unknown_start : {"before", "exclude"}
        Spells with an unknown start.

    Returns
    -------
    DataFrame
        One row per event and bin: the counts, ``person_years``, the rates and ``rate_ratio``.
    """
    if isinstance(spells, TwinData):
        events = spells.events if events is None else events
        places = spells.places if places is None else places
        observed = spells.observed if observed is None else observed
        s = spells.spells
    else:
        s = spells
    if events is None:
        raise ValueError("no events")
    w0, w1, width = pd.Timedelta(window[0]), pd.Timedelta(window[1]), pd.Timedelta(bin)
    edges = np.arange(w0 / _DAY, w1 / _DAY, width / _DAY)
    edges = np.r_[edges, w1 / _DAY]
    start = _resolve(s["start"], s["start_precision"], dates)
    end = _resolve(s["end"], s["end_precision"], dates)
    ended = s["end_status"].notna() | end.notna()
    keep = ~(ended & end.isna())
    if unknown_start == "exclude":
        keep &= start.notna()
    elif unknown_start != "before":
        raise ValueError("unknown_start must be 'before' or 'exclude'")
    sd = np.where(start.notna(), _days(start), -np.inf)
    ed = _days(end)
    status = s["end_status"].to_numpy(dtype=object)
    country = None
    if places is not None and len(places):
        cmap = places.set_index("place_id")["country"]
        country = (s["a"].map(cmap).to_numpy(dtype=object), s["b"].map(cmap).to_numpy(dtype=object))

    ev = events.copy()
    ev_dates = _resolve(ev["date"], ev.get("date_precision", pd.Series("day", index=ev.index)),
                                     dates)
    rows = []
    for i in np.flatnonzero(ev_dates.notna().to_numpy()):
        e = ev.iloc[i]
        D = _days(pd.Series([ev_dates.iloc[i]]))[0]
        mask = keep.to_numpy().copy()
        codes = {c for col in ("actors", "targets") for c in str(e.get(col) or "").split(";") if c and c != "nan"}
        if country is not None and codes:
            mask &= np.isin(country[0], list(codes)) | np.isin(country[1], list(codes))
        obs_d = _days(pd.Series([pd.Timestamp(observed)]))[0] if observed is not None else D + edges[-1]
        st = sd[mask]
        en = np.where(np.isnan(ed[mask]), obs_d, ed[mask])
        en = np.minimum(en, obs_d)
        lo, hi = D + edges[:-1], D + edges[1:]
        overlap = np.clip(np.minimum(en[:, None], hi) - np.maximum(st[:, None], lo), 0, None)
        py = overlap.sum(0) / YEAR_DAYS
        at_risk = ((st[:, None] <= lo) & (en[:, None] > lo)).sum(0)
        end_in = ed[mask]
        stat_m = status[mask]

        def count(sel: np.ndarray) -> np.ndarray:
            x = end_in[sel & ~np.isnan(end_in)]
            return np.histogram(x - D, bins=edges)[0] if len(x) else np.zeros(len(lo), int)

        anyend = np.ones(mask.sum(), bool)
        counts = {k: count(stat_m == k) for k in ("terminated", "suspended", "lapsed")}
        counts["ended"] = count(anyend)
        if isinstance(baseline, str) and baseline == "pre":
            pre = edges[1:] <= 0
            base = counts["ended"][pre].sum() / py[pre].sum() if py[pre].sum() > 0 else np.nan
        elif isinstance(baseline, tuple):
            b0, b1 = (_days(pd.Series([pd.Timestamp(x)]))[0] for x in baseline)
            ov = np.clip(np.minimum(en, b1) - np.maximum(st, b0), 0, None).sum() / YEAR_DAYS
            n = int(((end_in >= b0) & (end_in < b1)).sum())
            base = n / ov if ov > 0 else np.nan
        else:
            base = float(baseline)
        with np.errstate(divide="ignore", invalid="ignore"):
            frame = pd.DataFrame({
                "event_id": e["event_id"], "event_date": ev_dates.iloc[i], "bin": np.arange(len(lo)),
                "offset_start_days": edges[:-1], "offset_end_days": edges[1:],
                "date_start": ev_dates.iloc[i] + pd.to_timedelta(edges[:-1], unit="D"),
                "date_end": ev_dates.iloc[i] + pd.to_timedelta(edges[1:], unit="D"),
                "at_risk": at_risk, "person_years": py, **counts,
                "rate": counts["ended"] / py, "termination_rate": counts["terminated"] / py,
                "suspension_rate": counts["suspended"] / py, "baseline_rate": base,
            })
            frame["rate_ratio"] = frame["rate"] / base
        rows.append(frame)
    if not rows:
        return pd.DataFrame(columns=["event_id", "event_date", "bin", "offset_start_days", "offset_end_days",
                                     "date_start", "date_end", "at_risk", "person_years", "terminated", "suspended",
                                     "lapsed", "ended", "rate", "termination_rate", "suspension_rate",
                                     "baseline_rate", "rate_ratio"])
    return pd.concat(rows, ignore_index=True)


#: the old name (deprecated): two functions were called ``event_study``
event_study = deprecated_alias(ends_around_events, "twingraph.survival.event_study",
                               "twingraph.survival.ends_around_events")
