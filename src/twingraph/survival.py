"""Survival analysis of tie spells: counting-process tables, Kaplan–Meier, log-rank, Cox, competing risks.

A *spell* (see :mod:`twingraph.tables`) is one continuous period of a tie.  This module asks how long
spells last and whether a shock (a war, an annexation) shortens them.

Conventions used throughout
---------------------------
* **Time scale.**  Durations are in **years of 365.25 days**.  With ``origin="start"`` (the default)
  time is *years since the spell's start* (a duration analysis); with ``origin="window"`` it is
  *years since* ``window_start`` (calendar time after the shock).
* **Partial dates** are resolved by a named convention (:func:`twingraph.dates.resolve_dates`):
  ``earliest`` = first day of the period (what the tables store), ``midpoint`` = first day plus
  ``floor(days_in_period / 2)`` days (``1957`` -> 1957-07-02, ``1957-10`` -> 1957-10-16), ``latest``
  = last day of the period (``1957`` -> 1957-12-31).  The same convention applies to starts and
  ends.  A date whose precision is ``"unknown"`` is unknown, as in :func:`twingraph.dates.period_bounds`.
* **Events.**  A spell has ended when it has an ``end_status`` or an ``end`` date; ``event = 1`` for
  any end, and ``event_type`` is its ``end_status`` (``terminated``/``suspended``/``lapsed``) or
  ``"unspecified"`` for an end date without a status.  Active spells are right-censored at
  ``observed`` (the data date); an end dated after ``observed`` is censored at ``observed`` too.
* **Episodes** are half-open ``(start, stop]`` intervals (a spell is at risk strictly after its entry
  time), which is what statsmodels' ``entry`` means and what :class:`CoxPH` fits.

The fitters follow a lifelines-like API (lifelines itself is not used: it pins ``pandas<3``):
``fit(...)`` returns ``self``, learned attributes end in ``_``, ``summary`` is a DataFrame and
``plot(ax=None)`` draws on a Matplotlib axis.  Estimation is delegated to statsmodels
(``SurvfuncRight``, ``survdiff``, ``PHReg``, ``CumIncidenceRight``).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.duration.survfunc import CumIncidenceRight, SurvfuncRight, survdiff
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from .dates import DATE_CONVENTIONS, resolve_dates
from .tables import TwinData

__all__ = [
    "YEAR_DAYS",
    "DATE_CONVENTIONS",
    "EXCLUSION_REASONS",
    "counting_process",
    "exclusions",
    "KaplanMeier",
    "LogrankResult",
    "logrank_test",
    "CoxPH",
    "CumulativeIncidence",
    "event_study",
]

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


# ----------------------------------------------------------------------------------------------
# Dates and the counting-process table
# ----------------------------------------------------------------------------------------------

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
                    date_convention: str) -> dict[str, Any]:
    """Resolved dates, event flags and the exclusion reason (None = usable) of every spell."""
    if isinstance(spells, TwinData):
        if observed is None:
            observed = spells.observed
        s = spells.spells
    else:
        s = spells
    window, obs = _as_ts(window_start), _as_ts(observed)
    s = s.reset_index(drop=True)
    start = _resolve(s["start"], s["start_precision"], date_convention)
    end = _resolve(s["end"], s["end_precision"], date_convention)
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


def exclusions(
    spells: pd.DataFrame | TwinData,
    *,
    window_start: Any = None,
    observed: Any = None,
    date_convention: str = "earliest",
) -> pd.Series:
    """Which spells :func:`counting_process` leaves out, and why: Series spell_id -> reason.

    Reasons are :data:`EXCLUSION_REASONS` (first applicable one); usable spells are not listed.
    """
    r = _resolve_spells(spells, window_start, observed, date_convention)
    bad = r["reason"].notna()
    return pd.Series(r["reason"][bad].to_numpy(dtype=object), index=r["spells"].loc[bad, "spell_id"].to_numpy(),
                     name="reason")


def counting_process(
    spells: pd.DataFrame | TwinData,
    *,
    origin: str = "start",
    window_start: Any = None,
    observed: Any = None,
    exposures: pd.DataFrame | Mapping[str, Any] | None = None,
    date_convention: str = "earliest",
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
    date_convention
        ``earliest`` | ``midpoint`` | ``latest`` (see :func:`twingraph.dates.resolve_dates`).

    Returns
    -------
    DataFrame with columns ``id`` (spell_id), ``tie_id``, ``a``, ``b``, ``kind``, ``start``,
    ``stop`` (years), ``event`` (1 only on a spell's last episode, if it ended), ``event_type``
    (missing when censored), ``start_date``, ``stop_date`` and one float column per covariate.
    ``attrs["excluded"]`` maps each of :data:`EXCLUSION_REASONS` to a count (which spells:
    :func:`exclusions`); spells with an unknown start cannot enter a duration analysis and are
    counted, not guessed.
    """
    if origin not in ("start", "window"):
        raise ValueError("origin must be 'start' or 'window'")
    if origin == "window" and _as_ts(window_start) is None:
        raise ValueError("origin='window' needs window_start")
    r = _resolve_spells(spells, window_start, observed, date_convention)
    s, reason, window, obs = r["spells"], r["reason"], r["window"], r["observed"]
    start, entry_date, stop_date, event = r["start"], r["entry_date"], r["stop_date"], r["event"]
    keep = reason.isna()
    excluded = {x: int((reason == x).sum()) for x in EXCLUSION_REASONS}

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
    out.attrs.update({
        "excluded": excluded, "n_spells": int(len(s)),
        "n_spells_used": int(len(k)), "origin": origin, "date_convention": date_convention,
        "window_start": window, "observed": obs, "time_unit": "years of 365.25 days",
    })
    return out


# ----------------------------------------------------------------------------------------------
# Kaplan–Meier and the log-rank test
# ----------------------------------------------------------------------------------------------

def _loglog_ci(p: np.ndarray, se: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise CI for a probability p by the log(-log p) transform (stays inside [0, 1])."""
    z = stats.norm.ppf(1 - alpha / 2)
    p = np.asarray(p, float)
    lo = np.full_like(p, np.nan)
    hi = np.full_like(p, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = se / (p * np.abs(np.log(p)))
        ok = (p > 0) & (p < 1) & np.isfinite(v)
        lo[ok] = p[ok] ** np.exp(z * v[ok])
        hi[ok] = p[ok] ** np.exp(-z * v[ok])
    one = p >= 1
    lo[one] = hi[one] = 1.0
    lo[p <= 0] = 0.0  # the upper bound at p = 0 is undefined (NaN)
    return lo, hi


def _step(timeline: np.ndarray, values: np.ndarray, times: Any) -> np.ndarray:
    """Right-continuous step function through (timeline, values) evaluated at ``times``."""
    t = np.atleast_1d(np.asarray(times, float))
    idx = np.searchsorted(timeline, t, side="right") - 1
    out = np.where(idx >= 0, values[np.clip(idx, 0, None)], values[0] if timeline[0] <= 0 else np.nan)
    return out


class KaplanMeier:
    """Kaplan–Meier estimator (statsmodels ``SurvfuncRight``) with Greenwood standard errors.

    Confidence bands are pointwise, from the Greenwood variance on the log(-log S) scale
    ("exponential Greenwood", as lifelines), so they stay inside [0, 1].  ``entry`` handles left
    truncation: a subject is at risk strictly after its entry time.
    """

    def __init__(self, alpha: float = 0.05) -> None:
        self.alpha = alpha

    def fit(self, durations: Any, events: Any = None, entry: Any = None, label: str | None = None) -> KaplanMeier:
        """Estimate S(t) from durations, event flags (1 = event, 0 = censored; default all 1) and entry."""
        d = np.asarray(durations, float)
        e = np.ones_like(d) if events is None else np.asarray(events, float)
        en = None if entry is None else np.asarray(entry, float)
        if len(d) == 0:
            raise ValueError("no durations")
        if en is not None and np.any(en > d):
            raise ValueError("entry after duration")
        sf = SurvfuncRight(d, e, entry=en)
        self.label = label or "KM_estimate"
        times, prob, se = sf.surv_times, sf.surv_prob, sf.surv_prob_se
        start = min(0.0, float(d.min()), float(en.min()) if en is not None else 0.0)
        if len(times) == 0 or times[0] > start:
            times = np.r_[start, times]
            prob = np.r_[1.0, prob]
            se = np.r_[0.0, se]
            n_risk = np.r_[np.nan, sf.n_risk]
            n_ev = np.r_[0.0, sf.n_events]
        else:
            n_risk, n_ev = np.asarray(sf.n_risk, float), np.asarray(sf.n_events, float)
        lo, hi = _loglog_ci(prob, se, self.alpha)
        idx = pd.Index(times, name="timeline")
        self.timeline_ = times
        self.survival_function_ = pd.DataFrame({self.label: prob}, index=idx)
        level = f"{1 - self.alpha:g}"
        self.confidence_interval_ = pd.DataFrame(
            {f"{self.label}_lower_{level}": lo, f"{self.label}_upper_{level}": hi}, index=idx)
        self.standard_errors_ = pd.Series(se, index=idx, name="se")
        self.event_table_ = pd.DataFrame({"at_risk": n_risk, "observed": n_ev}, index=idx)
        below = np.flatnonzero(prob <= 0.5)
        self.median_survival_time_ = float(times[below[0]]) if len(below) else float("inf")
        self.durations, self.events, self.entry = d, e, en
        self.results_ = sf
        return self

    def predict(self, times: Any) -> np.ndarray:
        """S(t) at the given times (right-continuous steps; NaN before the first time)."""
        return _step(self.timeline_, self.survival_function_.iloc[:, 0].to_numpy(), times)

    survival_function_at_times = predict

    @property
    def summary(self) -> pd.DataFrame:
        """One row per time on the timeline: at_risk, observed (events), survival, se, lower, upper."""
        ci = self.confidence_interval_.set_axis(["lower", "upper"], axis=1)
        return pd.concat([self.event_table_, self.survival_function_.set_axis(["survival"], axis=1),
                          self.standard_errors_, ci], axis=1)

    def plot(self, ax: Any = None, ci: bool = True, **kwargs: Any) -> Any:
        """Step plot of S(t) with its confidence band; returns the axis."""
        import matplotlib.pyplot as plt

        ax = ax or plt.gca()
        t = self.timeline_
        (line,) = ax.step(t, self.survival_function_.iloc[:, 0], where="post", label=self.label, **kwargs)
        if ci:
            ax.fill_between(t, self.confidence_interval_.iloc[:, 0], self.confidence_interval_.iloc[:, 1],
                            step="post", alpha=0.25, color=line.get_color())
        ax.set_xlabel("years")
        ax.set_ylabel("survival")
        ax.set_ylim(0, 1.02)
        return ax


class LogrankResult(NamedTuple):
    """Chi-square statistic (df = number of groups - 1) and its p-value."""

    statistic: float
    p_value: float


def logrank_test(durations: Any, events: Any, groups: Any, entry: Any = None) -> LogrankResult:
    """Log-rank test of equal survival across groups (statsmodels ``survdiff``; ``entry`` = left truncation)."""
    groups = np.asarray(groups)
    stat, _ = survdiff(np.asarray(durations, float), np.asarray(events, float), groups,
                       entry=None if entry is None else np.asarray(entry, float))
    dof = len(np.unique(groups)) - 1
    return LogrankResult(float(stat), float(stats.chi2.sf(stat, dof)))  # sf: no 1 - cdf underflow


# ----------------------------------------------------------------------------------------------
# Cox proportional hazards
# ----------------------------------------------------------------------------------------------

def _score_residuals(stop: np.ndarray, start: np.ndarray, status: np.ndarray, exog: np.ndarray,
                     strata: np.ndarray | None, params: np.ndarray) -> np.ndarray:
    """Breslow score residuals of each row (risk set = rows with start < t <= stop), vectorised.

    Row i: ``delta_i (x_i - xbar(t_i)) - exp(eta_i) sum_k (x_i - xbar_k) dLambda_k`` over the failure
    times t_k of its stratum inside (start_i, stop_i].  Rows at risk at no failure time get 0.
    The same residuals as statsmodels' ``PHReg.score_residuals`` (which loops in Python).
    """
    out = np.zeros_like(exog, dtype=float)
    labels = np.zeros(len(stop), int) if strata is None else pd.factorize(strata)[0]
    for lab in np.unique(labels):
        ix = np.flatnonzero(labels == lab)
        t, e, d, x = stop[ix], start[ix], status[ix], exog[ix]
        if d.sum() == 0:
            continue
        ft, dk = np.unique(t[d == 1], return_counts=True)
        eta = x @ params
        r = np.exp(eta - eta.max())
        rx = r[:, None] * x

        def at_risk_sum(v: np.ndarray) -> np.ndarray:
            # sum over rows with start < t_k <= stop = sum(stop >= t_k) - sum(start >= t_k)
            res = []
            for key in (t, e):
                o = np.argsort(key, kind="stable")
                suffix = np.concatenate([np.cumsum(v[o][::-1], axis=0)[::-1], np.zeros((1,) + v.shape[1:])])
                res.append(suffix[np.searchsorted(key[o], ft, side="left")])
            return res[0] - res[1]

        s0 = at_risk_sum(r)
        xbar = at_risk_sum(rx) / s0[:, None]
        dlam = dk / s0
        c0 = np.concatenate([[0.0], np.cumsum(dlam)])
        c1 = np.concatenate([np.zeros((1, x.shape[1])), np.cumsum(xbar * dlam[:, None], axis=0)])
        lo = np.searchsorted(ft, e, side="right")
        hi = np.searchsorted(ft, t, side="right")
        res = -(r[:, None] * (x * (c0[hi] - c0[lo])[:, None] - (c1[hi] - c1[lo])))
        ev = d == 1
        res[ev] += x[ev] - xbar[np.searchsorted(ft, t[ev])]
        out[ix] = res
    return out


class CoxPH:
    """Cox proportional-hazards regression (statsmodels ``PHReg``) on a duration or counting-process table.

    With ``start``/``stop`` columns, ``start`` is the entry time (left truncation / earlier episodes
    of a time-varying covariate) and the row is at risk on ``(start, stop]``.  ``strata`` fits a
    separate baseline hazard per stratum; ``cluster`` gives Huber–White sandwich standard errors
    summing score residuals within each cluster (statsmodels ``groups``; no small-sample
    correction).  Use a cluster column such as a place id or a country (a tie has two places: pick
    one, e.g. the exposed place's country).  Ties in event times: Breslow (default) or Efron.

    After ``fit``: ``params_``, ``standard_errors_``, ``hazard_ratios_``, ``confidence_intervals_``,
    ``variance_matrix_`` (clustered when ``cluster``), ``naive_variance_matrix_``, ``n_obs_``,
    ``n_events_``, ``n_clusters_`` and ``converged_``: ``False`` (with a ``RuntimeWarning``) when the
    partial likelihood has no finite maximum, e.g. every event in one group and none in the other
    while both are at risk; the hazard ratios are then not estimable and must not be reported.
    """

    def __init__(self, alpha: float = 0.05, ties: str = "breslow") -> None:
        self.alpha = alpha
        self.ties = ties

    def fit(
        self,
        table: pd.DataFrame,
        duration_col: str | None = None,
        event_col: str = "event",
        covariates: Sequence[str] | str | None = None,
        *,
        start_col: str = "start",
        stop_col: str = "stop",
        strata: Sequence[str] | str | None = None,
        cluster: str | None = None,
    ) -> CoxPH:
        """Fit; ``covariates=None`` takes every numeric column not used as time, event, strata or cluster.

        Rows with a missing value in a used column are dropped (``n_dropped_``).
        """
        strata_cols = [strata] if isinstance(strata, str) else list(strata or [])
        time_cols = [duration_col] if duration_col else [start_col, stop_col]
        used = set(time_cols) | {event_col} | set(strata_cols) | ({cluster} if cluster else set())
        if covariates is None:
            covariates = [c for c in table.columns if c not in used and c != "id"
                          and pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])]
        elif isinstance(covariates, str):
            covariates = [covariates]
        covariates = list(covariates)
        if not covariates:
            raise ValueError("no covariates to fit")
        cols = list(dict.fromkeys(time_cols + [event_col] + covariates + strata_cols + ([cluster] if cluster else [])))
        df = table[cols].dropna()
        if not duration_col:
            df = df[df[stop_col] > df[start_col]]  # an empty (start, stop] is never at risk
        self.n_dropped_ = int(len(table) - len(df))
        exog = df[covariates].to_numpy(float)
        status = df[event_col].to_numpy(float)
        if duration_col:
            endog, entry = df[duration_col].to_numpy(float), np.full(len(df), -np.inf)
        else:
            endog, entry = df[stop_col].to_numpy(float), df[start_col].to_numpy(float)
        strat = df[strata_cols].astype(str).agg("|".join, axis=1).to_numpy() if strata_cols else None
        groups = pd.factorize(df[cluster])[0] if cluster else None
        # PHReg keeps a row at risk at a failure time equal to its entry ([entry, stop]); the next
        # float up gives the counting-process risk set (entry, stop] (as R's survival does).
        model = PHReg(endog, exog, status=status, entry=None if duration_col else np.nextafter(entry, np.inf),
                      strata=strat, ties=self.ties)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", category=ConvergenceWarning)
            res = model.fit()
        diverged = any(issubclass(w.category, ConvergenceWarning) for w in caught)
        params = np.asarray(res.params, float)
        # a partial likelihood without a finite maximum (no event in one group while the other is
        # at risk: "monotone likelihood") drifts off; report it instead of a meaningless HR
        self.converged_ = not diverged and bool(np.all(np.abs(params) < 20))
        if not self.converged_:
            warnings.warn("CoxPH: the partial likelihood has no finite maximum (or did not converge); "
                          "hazard ratios are not estimable from these data", RuntimeWarning, stacklevel=2)
        naive = np.linalg.inv(-model.hessian(params))
        if groups is not None:
            resid = _score_residuals(endog, entry, status, exog, strat, params)
            g = np.zeros((groups.max() + 1, exog.shape[1]))
            np.add.at(g, groups, resid)
            cov = naive @ (g.T @ g) @ naive
        else:
            cov = naive
        se = np.sqrt(np.diag(cov))
        z = stats.norm.ppf(1 - self.alpha / 2)
        self.covariates_ = covariates
        self.params_ = pd.Series(params, index=covariates, name="coef")
        self.standard_errors_ = pd.Series(se, index=covariates, name="se")
        self.variance_matrix_ = pd.DataFrame(cov, index=covariates, columns=covariates)
        self.naive_variance_matrix_ = pd.DataFrame(naive, index=covariates, columns=covariates)
        self.hazard_ratios_ = pd.Series(np.exp(params), index=covariates, name="hazard_ratio")
        self.confidence_intervals_ = pd.DataFrame({"lower": params - z * se, "upper": params + z * se},
                                                  index=covariates)
        self.log_likelihood_ = float(model.loglike(params))
        self.n_obs_ = int(len(df))
        self.n_events_ = int(status.sum())
        self.n_clusters_ = int(groups.max() + 1) if groups is not None else None
        self.cluster_ = cluster
        self.results_, self.model_ = res, model
        self._table = df
        self._time_cols = (duration_col, start_col, stop_col, event_col)
        return self

    @property
    def summary(self) -> pd.DataFrame:
        """coef (log HR), se (robust if clustered), hazard_ratio, hr_lower/hr_upper (1 - alpha CI), z, p."""
        b, se = self.params_, self.standard_errors_
        zval = b / se
        return pd.DataFrame({
            "coef": b, "se": se, "hazard_ratio": np.exp(b),
            "hr_lower": np.exp(self.confidence_intervals_["lower"]),
            "hr_upper": np.exp(self.confidence_intervals_["upper"]),
            "z": zval, "p": 2 * stats.norm.sf(np.abs(zval)),
        })

    def check_proportional_hazards(self, time_transform: str = "rank") -> pd.DataFrame:
        """Grambsch–Therneau test on scaled Schoenfeld residuals, one row per covariate.

        Scaled residuals ``r* = beta + d * r V`` (``r`` = statsmodels' Schoenfeld residuals at the
        ``d`` event rows, ``V`` = model-based covariance).  For ``g(t)`` = ``time_transform`` of
        the event time (``identity``, ``log``, ``rank`` or ``km`` = 1 - KM(t)):
        ``T_j = (sum (g - gbar) r*_j)^2 / (d V_jj sum (g - gbar)^2)`` ~ chi2(1) under proportional
        hazards (the approximation of R's pre-2020 ``cox.zph`` and lifelines), plus ``rho``, the
        Pearson correlation of ``g`` with ``r*_j``.  Small p = the hazard ratio drifts in time.
        """
        res = self.results_
        r = np.asarray(res.schoenfeld_residuals, float)
        status = self.model_.status
        ok = (status == 1) & np.all(np.isfinite(r), axis=1)
        r = r[ok]
        t = np.asarray(self.model_.endog, float)[ok]
        d = len(t)
        V = self.naive_variance_matrix_.to_numpy()
        scaled = self.params_.to_numpy() + d * r @ V
        if time_transform == "identity":
            g = t
        elif time_transform == "log":
            g = np.log(t)
        elif time_transform == "rank":
            g = stats.rankdata(t)
        elif time_transform == "km":
            dcol, scol, tcol, ecol = self._time_cols
            tab = self._table
            km = KaplanMeier().fit(tab[dcol] if dcol else tab[tcol], tab[ecol],
                                   entry=None if dcol else tab[scol])
            g = 1 - km.predict(t)
        else:
            raise ValueError("time_transform must be identity, log, rank or km")
        gc = g - g.mean()
        num = (gc[:, None] * scaled).sum(0) ** 2
        stat = num / (d * np.diag(V) * (gc**2).sum())
        rho = [stats.pearsonr(g, scaled[:, j])[0] if d > 2 else np.nan for j in range(scaled.shape[1])]
        self.scaled_schoenfeld_ = pd.DataFrame(scaled, columns=self.covariates_).assign(time=t, g=g)
        return pd.DataFrame({"rho": rho, "test_statistic": stat, "p": stats.chi2.sf(stat, 1)},
                            index=pd.Index(self.covariates_, name="covariate")).assign(time_transform=time_transform)

    def plot(self, ax: Any = None) -> Any:
        """Forest plot of log hazard ratios with their confidence intervals; returns the axis."""
        import matplotlib.pyplot as plt

        ax = ax or plt.gca()
        y = np.arange(len(self.params_))[::-1]
        ci = self.confidence_intervals_
        ax.errorbar(self.params_, y, xerr=[self.params_ - ci["lower"], ci["upper"] - self.params_], fmt="s", capsize=3)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, self.covariates_)
        ax.set_xlabel(f"log hazard ratio ({1 - self.alpha:.0%} CI)")
        return ax


# ----------------------------------------------------------------------------------------------
# Competing risks
# ----------------------------------------------------------------------------------------------

class CumulativeIncidence:
    """Aalen–Johansen cumulative incidence of one cause among competing end types (statsmodels ``CumIncidenceRight``).

    ``event_types`` holds the cause of each ended spell (e.g. ``"suspended"``, ``"terminated"``)
    and ``None``/NaN for censored ones (or pass ``events``: rows with 0 are censored).  Right
    censoring only, no left truncation.  CI: pointwise, delta-method SE on the log(-log F) scale.
    The CIFs of all causes add up to 1 - Kaplan–Meier of any end.
    """

    def __init__(self, alpha: float = 0.05) -> None:
        self.alpha = alpha

    def fit(self, durations: Any, event_types: Any, cause: Any, events: Any = None,
            label: str | None = None) -> CumulativeIncidence:
        """Estimate F(t) = P(T <= t, cause) for ``cause``."""
        d = np.asarray(durations, float)
        types = pd.Series(np.asarray(event_types, dtype=object))
        censored = types.isna().to_numpy().copy()
        if events is not None:
            censored |= np.asarray(events, float) == 0
        causes = sorted({str(x) for x in types[~censored]})
        if str(cause) not in causes:
            raise ValueError(f"cause {cause!r} never occurs; causes: {causes}")
        code = {c: i + 1 for i, c in enumerate(causes)}
        status = np.where(censored, 0, types.astype(str).map(code).fillna(0).to_numpy()).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):  # SE at the last time: 0/0
            ci = CumIncidenceRight(d, status)
        k = code[str(cause)] - 1
        times = np.r_[min(0.0, d.min()), ci.times]
        f = np.r_[0.0, ci.cinc[k]]
        se = np.r_[0.0, ci.cinc_se[k]]
        self.label = label or f"CIF_{cause}"
        self.cause, self.causes_ = cause, causes
        idx = pd.Index(times, name="timeline")
        self.timeline_ = times
        self.cumulative_density_ = pd.DataFrame({self.label: f}, index=idx)
        lo, hi = _loglog_ci(f, se, self.alpha)
        lo[f <= 0] = hi[f <= 0] = 0.0
        level = f"{1 - self.alpha:g}"
        self.confidence_interval_ = pd.DataFrame({f"{self.label}_lower_{level}": lo,
                                                  f"{self.label}_upper_{level}": hi}, index=idx)
        self.standard_errors_ = pd.Series(se, index=idx, name="se")
        self.results_ = ci
        return self

    def predict(self, times: Any) -> np.ndarray:
        """F(t) at the given times (right-continuous steps)."""
        return _step(self.timeline_, self.cumulative_density_.iloc[:, 0].to_numpy(), times)

    @property
    def summary(self) -> pd.DataFrame:
        """timeline, cumulative incidence, se, lower, upper."""
        ci = self.confidence_interval_.set_axis(["lower", "upper"], axis=1)
        return pd.concat([self.cumulative_density_.set_axis(["cumulative_incidence"], axis=1),
                          self.standard_errors_, ci], axis=1)

    def plot(self, ax: Any = None, ci: bool = True, **kwargs: Any) -> Any:
        """Step plot of the cumulative incidence with its band; returns the axis."""
        import matplotlib.pyplot as plt

        ax = ax or plt.gca()
        t = self.timeline_
        (line,) = ax.step(t, self.cumulative_density_.iloc[:, 0], where="post", label=self.label, **kwargs)
        if ci:
            ax.fill_between(t, self.confidence_interval_.iloc[:, 0], self.confidence_interval_.iloc[:, 1],
                            step="post", alpha=0.25, color=line.get_color())
        ax.set_xlabel("years")
        ax.set_ylabel("cumulative incidence")
        return ax


# ----------------------------------------------------------------------------------------------
# Event study
# ----------------------------------------------------------------------------------------------

def _days(x: pd.Series) -> np.ndarray:
    return ((pd.to_datetime(x) - pd.Timestamp(0)) / _DAY).to_numpy(dtype=float)


def event_study(
    spells: pd.DataFrame | TwinData,
    events: pd.DataFrame | None = None,
    window: tuple[str, str] = ("-365D", "365D"),
    bin: str = "30D",
    baseline: str | tuple[Any, Any] | float = "pre",
    *,
    places: pd.DataFrame | None = None,
    observed: Any = None,
    date_convention: str = "earliest",
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
    with ``date_convention``; spells with an unknown start are taken to have started before the
    window (``unknown_start="before"``) or dropped (``"exclude"``); ended spells with an unknown
    end date are dropped; active spells are at risk until ``observed`` (or the window's end).
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
    start = _resolve(s["start"], s["start_precision"], date_convention)
    end = _resolve(s["end"], s["end_precision"], date_convention)
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
                                     date_convention)
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
