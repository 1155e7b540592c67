"""Counting-process tables of tie spells: resolved dates, exclusions and time-varying exposures."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from ..deprecation import renamed_arguments
from ..dates import DATE_CONVENTIONS, resolve_dates
from ..tables import TwinData

__all__ = ["YEAR_DAYS", "DATE_CONVENTIONS", "EXCLUSION_REASONS", "counting_process", "exclusions"]


YEAR_DAYS = 365.25
#: Why a spell cannot enter the analysis, in the order the reasons are checked (first one wins).
EXCLUSION_REASONS = (
    "unknown-start",          # no start date: its duration is unknown
    "unknown-end",            # ended (has an end_status) but the end date is unknown
    "starts-after-observed",  # starts after the data date
    "ended-before-window",    # ended on or before window_start: never at risk in the window
    "zero-length",            # resolved stop <= entry (e.g. start and end in the same year, earliest)
)
_DAY = pd.Timedelta(days=1)



def _resolve(dates: Any, precision: Any, convention: str) -> pd.Series:
    """:func:`twingraph.dates.resolve_dates` as a Series aligned with ``dates``."""
    index = dates.index if isinstance(dates, pd.Series) else None
    return pd.Series(resolve_dates(dates, precision, convention), index=index)  # type: ignore[arg-type]


def _as_ts(x: Any) -> pd.Timestamp | None:
    if x is None:
        return None
    ts = pd.Timestamp(x)
    return None if pd.isna(ts) else ts


def _exposure_frame(exposures: Any, spell_ids: pd.Series) -> pd.DataFrame:
    """Normalise ``exposures`` to rows (spell_id, date, covariate, value)."""
    cols = ["spell_id", "date", "covariate", "value"]
    if exposures is None:
        exposures = {}
    if isinstance(exposures, pd.DataFrame):
        missing = {"spell_id", "date", "covariate"} - set(exposures.columns)
        if missing:
            raise ValueError(f"exposures frame lacks columns {sorted(missing)}")
        ex = exposures.copy()
        if "value" not in ex.columns:
            ex["value"] = 1.0
        ex = ex[cols]
    elif isinstance(exposures, Mapping):
        parts = []
        for name, v in exposures.items():
            if isinstance(v, pd.Series):
                parts.append(pd.DataFrame({"spell_id": v.index.astype(str), "date": pd.to_datetime(v.to_numpy()),
                                           "covariate": name, "value": 1.0}))
            else:  # one calendar date for every spell
                parts.append(pd.DataFrame({"spell_id": spell_ids.to_numpy(), "date": pd.Timestamp(v),
                                           "covariate": name, "value": 1.0}))
        ex = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
            {"spell_id": [], "date": pd.to_datetime([]), "covariate": [], "value": []})
    else:
        raise TypeError("exposures must be a DataFrame (spell_id, date, covariate, value) or a dict")
    ex["spell_id"] = ex["spell_id"].astype(str)
    ex["date"] = pd.to_datetime(ex["date"]).astype("datetime64[ns]")
    ex["value"] = pd.to_numeric(ex["value"]).astype(float)
    return ex.dropna(subset=["date"]).reset_index(drop=True)


def _resolve_spells(spells: pd.DataFrame | TwinData, window_start: Any, observed: Any,
                    dates: str) -> dict[str, Any]:
    """Resolved dates, event flags and the exclusion reason (None = usable) of every spell."""
    if isinstance(spells, TwinData):
        if observed is None:
            observed = spells.observed
        s = spells.spells
    else:
        s = spells
    window, obs = _as_ts(window_start), _as_ts(observed)
    s = s.reset_index(drop=True)
    start = _resolve(s["start"], s["start_precision"], dates)
    end = _resolve(s["end"], s["end_precision"], dates)
    ended = s["end_status"].notna() | end.notna()
    if obs is None and (~ended & start.notna()).any():
        raise ValueError("some spells are active: pass observed= (the data date) to censor them")
    stop_date = end.where(ended, obs if obs is not None else pd.NaT)
    event = ended.copy()
    if obs is not None:
        late = ended & end.notna() & (end > obs)
        stop_date[late] = obs
        event[late] = False
    entry_date = start if window is None else start.where(start > window, window)
    no = pd.Series(False, index=s.index)
    reason = pd.Series(None, index=s.index, dtype=object)
    checks = {
        "unknown-start": start.isna(),
        "unknown-end": ended & end.isna(),
        "starts-after-observed": (start > obs) if obs is not None else no,
        "ended-before-window": (stop_date <= window) if window is not None else no,
        "zero-length": ~(stop_date > entry_date),
    }
    for name, mask in checks.items():
        reason[mask.fillna(False).astype(bool) & reason.isna()] = name
    return {"spells": s, "reason": reason, "window": window, "observed": obs, "start": start,
            "entry_date": entry_date, "stop_date": stop_date, "event": event}


@renamed_arguments(date_convention="dates")
def exclusions(
    spells: pd.DataFrame | TwinData,
    *,
    window_start: Any = None,
    observed: Any = None,
    dates: str = "earliest",
) -> pd.Series:
    """Which spells :func:`counting_process` leaves out, and why.

    Parameters
    ----------
    spells : DataFrame or TwinData
        Tie spells (a TwinData gives its spells and observation date).
    window_start, observed, dates
        As in :func:`counting_process` (``date_convention=`` is the deprecated name of ``dates``).

    Returns
    -------
    Series
        spell_id -> reason, one of :data:`EXCLUSION_REASONS` (the first applicable); usable spells
        are not listed.
    """
    r = _resolve_spells(spells, window_start, observed, dates)
    bad = r["reason"].notna()
    return pd.Series(r["reason"][bad].to_numpy(dtype=object), index=r["spells"].loc[bad, "spell_id"].to_numpy(),
                     name="reason")


@renamed_arguments(date_convention="dates")
def counting_process(
    spells: pd.DataFrame | TwinData,
    *,
    origin: str = "start",
    window_start: Any = None,
    observed: Any = None,
    exposures: pd.DataFrame | Mapping[str, Any] | None = None,
    dates: str = "earliest",
) -> pd.DataFrame:
    """Build a counting-process table: one row per ``(start, stop]`` episode of each usable spell.

    Parameters
    ----------
    spells
        A spells table (:data:`twingraph.tables.SPELL_COLUMNS`) or a :class:`TwinData` (then
        ``observed`` defaults to ``data.observed``).
    origin
        ``"start"``: time = years since the spell's start (duration); ``"window"``: years since
        ``window_start``.
    window_start
        Left truncation: a spell enters observation at ``max(start, window_start)``; its entry time
        is then ``(window_start - start)`` years on the duration scale.  Spells that ended on or
        before ``window_start`` are excluded (``"ended-before-window"``).
    observed
        The data date.  Active spells are censored there (``event = 0``); required if any spell is
        active.
    exposures
        Time-varying 0/1 covariates.  Either a DataFrame ``(spell_id, date, covariate[, value])``
        (the covariate takes ``value``, default 1, *after* ``date``; 0 before the first change), or a
        dict ``{covariate: Series spell_id -> switch-on date}`` (``NaT`` = never), or
        ``{covariate: date}`` (the same calendar date for every spell).  With a DataFrame the
        covariates are the names present in its rows.  Each spell is split at every change date
        strictly inside its observed interval; a change on or before entry sets the initial value;
        changes after the stop are ignored.
    dates
        ``earliest`` | ``midpoint`` | ``latest`` (see :func:`twingraph.dates.resolve_dates`);
        ``date_convention=`` is its deprecated name.

    Returns
    -------
    DataFrame with columns ``id`` (spell_id), ``tie_id``, ``a``, ``b``, ``kind``, ``start``,
    ``stop`` (years), ``event`` (1 only on a spell's last episode, if it ended), ``event_type``
    (missing when censored), ``start_date``, ``stop_date`` and one float column per covariate.
    Spells left out are listed with their reason (one of :data:`EXCLUSION_REASONS`) by
    :func:`exclusions` with the same arguments; spells with an unknown start cannot enter a duration
    analysis and are listed, not guessed.  Times are in years of 365.25 days.
    """
    if origin not in ("start", "window"):
        raise ValueError("origin must be 'start' or 'window'")
    if origin == "window" and _as_ts(window_start) is None:
        raise ValueError("origin='window' needs window_start")
    r = _resolve_spells(spells, window_start, observed, dates)
    s, reason, window = r["spells"], r["reason"], r["window"]
    start, entry_date, stop_date, event = r["start"], r["entry_date"], r["stop_date"], r["event"]
    keep = reason.isna()

    k = s.loc[keep].reset_index(drop=True)
    origin_date = (start[keep] if origin == "start" else pd.Series(window, index=s.index)[keep]).reset_index(drop=True)
    base = pd.DataFrame({
        "_k": np.arange(len(k)),
        "entry": ((entry_date[keep].reset_index(drop=True) - origin_date) / _DAY).astype(float),
        "exit": ((stop_date[keep].reset_index(drop=True) - origin_date) / _DAY).astype(float),
        "event": event[keep].reset_index(drop=True).astype("int64"),
    })
    status = s.loc[keep, "end_status"].reset_index(drop=True)
    base["event_type"] = np.where(base["event"] == 1, status.where(status.notna(), "unspecified"), None)

    ex = _exposure_frame(exposures, k["spell_id"].astype(str))
    covariates = list(dict.fromkeys(ex["covariate"].tolist())) if len(ex) else (
        list(exposures.keys()) if isinstance(exposures, Mapping) else [])
    pos = pd.Series(np.arange(len(k)), index=k["spell_id"].astype(str).to_numpy())
    ex = ex[ex["spell_id"].astype(str).isin(pos.index)].copy()
    ex["_k"] = pos.loc[ex["spell_id"]].to_numpy().astype("int64")
    od_ns = origin_date.to_numpy().astype("datetime64[ns]")
    ex["t"] = ((ex["date"].to_numpy() - od_ns[ex["_k"].to_numpy()]) / np.timedelta64(1, "D")).astype(float)

    # Episode boundaries: entry, every change time strictly inside (entry, exit), exit.
    inside = ex.merge(base[["_k", "entry", "exit"]], on="_k")
    inside = inside.loc[(inside["t"] > inside["entry"]) & (inside["t"] < inside["exit"]), ["_k", "t"]]
    points = pd.concat([base[["_k", "entry"]].rename(columns={"entry": "t"}), inside,
                        base[["_k", "exit"]].rename(columns={"exit": "t"})], ignore_index=True)
    points = points.drop_duplicates().sort_values(["_k", "t"], kind="stable")
    points["stop"] = points.groupby("_k")["t"].shift(-1)
    ep = points.dropna(subset=["stop"]).rename(columns={"t": "start"}).reset_index(drop=True)
    ep = ep.merge(base, on="_k", how="left")
    last = ep["stop"] == ep["exit"]
    ep["event"] = np.where(last, ep["event"], 0).astype("int64")
    ep["event_type"] = ep["event_type"].where(last, None)

    for cov in covariates:
        chg = ex.loc[ex["covariate"] == cov, ["_k", "t", "value"]].drop_duplicates(["_k", "t"], keep="last")
        ep = ep.sort_values("start", kind="stable")
        if len(chg):
            ep = pd.merge_asof(ep, chg.sort_values("t").rename(columns={"value": cov}), left_on="start",
                               right_on="t", by="_k", direction="backward", allow_exact_matches=True)
            ep = ep.drop(columns="t")
            ep[cov] = ep[cov].fillna(0.0).astype(float)
        else:
            ep[cov] = 0.0
    ep = ep.sort_values(["_k", "start"], kind="stable").reset_index(drop=True)

    od = origin_date.to_numpy()[ep["_k"].to_numpy()]
    out = pd.DataFrame({
        "id": k["spell_id"].to_numpy()[ep["_k"].to_numpy()],
        "tie_id": k["tie_id"].to_numpy()[ep["_k"].to_numpy()],
        "a": k["a"].to_numpy()[ep["_k"].to_numpy()],
        "b": k["b"].to_numpy()[ep["_k"].to_numpy()],
        "kind": k["kind"].to_numpy()[ep["_k"].to_numpy()],
        "start": ep["start"].to_numpy() / YEAR_DAYS,
        "stop": ep["stop"].to_numpy() / YEAR_DAYS,
        "event": ep["event"].to_numpy(),
        "event_type": [x if isinstance(x, str) else None for x in ep["event_type"]],
        "start_date": pd.to_datetime(od + pd.to_timedelta(ep["start"].to_numpy(), unit="D")),
        "stop_date": pd.to_datetime(od + pd.to_timedelta(ep["stop"].to_numpy(), unit="D")),
    })
    for cov in covariates:
        out[cov] = ep[cov].to_numpy()
    return out

