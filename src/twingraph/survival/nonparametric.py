"""Kaplan–Meier estimator and the at-risk table under survival plots."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .base import UnivariateFitter, resolve_alias, step_function

__all__ = ["KaplanMeier", "at_risk_counts", "add_at_risk_counts", "clean_durations"]


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


_step = step_function  # the old private name


def clean_durations(durations: Any, events: Any = None, entry: Any = None, *others: Any,
                    what: str = "durations") -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list, dict[str, int]]:
    """Arrays for the nonparametric estimators, with R's drops counted and R's refusals raised.

    Dropped and counted: a missing duration, event flag, entry or other value (``missing``), and rows
    with ``entry >= duration`` (``zero-length``: never at risk; R's ``Surv`` makes them NA).
    Refused (``ValueError``): event flags other than 0/1/True/False, infinite times, no rows left.

    Parameters
    ----------
    durations : array-like
        Time of event or censoring.
    events : array-like, optional
        0/1 flags (default all 1).
    entry : array-like, optional
        Left-truncation times.
    *others : array-like
        Further columns filtered alongside (e.g. groups).
    what : str
        What the durations are called in the messages.

    Returns
    -------
    (durations, events, entry, others, dropped)
        The kept rows, and the counts of dropped rows by reason.
    """
    d = np.asarray(durations, float)
    e = np.ones_like(d) if events is None else np.asarray(pd.to_numeric(pd.Series(np.asarray(events)),
                                                                         errors="coerce"), float)
    en = None if entry is None else np.asarray(entry, float)
    if len(e) != len(d) or (en is not None and len(en) != len(d)):
        raise ValueError("durations, events and entry must have the same length")
    miss = np.isnan(d) | np.isnan(e) | (np.isnan(en) if en is not None else False)
    arrays = [np.asarray(o) for o in others]
    for o in arrays:
        miss |= pd.isna(o)
    bad = ~miss & ~np.isin(e, [0.0, 1.0])
    if bad.any():
        raise ValueError(f"event flags must be 0/1 (censored/event); found {sorted(set(e[bad].tolist()))[:5]}")
    if np.isinf(d[~miss]).any() or (en is not None and np.isinf(en[~miss]).any()):
        raise ValueError(f"infinite {what}")
    zero = ~miss & (en >= d) if en is not None else np.zeros(len(d), bool)
    keep = ~miss & ~zero
    dropped = {"missing": int(miss.sum()), "zero-length": int(zero.sum())}
    if not keep.any():
        raise ValueError(f"no usable {what}")
    if not keep.all():
        warnings.warn(f"dropped {dropped['missing']} rows with missing values and {dropped['zero-length']} "
                      "with entry >= duration (never at risk)", RuntimeWarning, stacklevel=3)
    return d[keep], e[keep], None if en is None else en[keep], [o[keep] for o in arrays], dropped


class KaplanMeier(UnivariateFitter):
    """Kaplan–Meier estimator with Greenwood standard errors and left truncation.

    Parameters
    ----------
    alpha
        1 - level of the pointwise confidence band.

    Notes
    -----
    The timeline holds every distinct duration (events *and* censoring times, as R's ``survfit``),
    preceded by the origin ``min(0, durations, entry)``.  ``entry`` handles left truncation: a subject
    is at risk strictly after its entry time (``entry < t <= duration``).  Bands are pointwise, from
    the Greenwood variance on the log(-log S) scale (R's ``conf.type = "log-log"``), inside [0, 1].
    Missing values and rows with ``entry >= duration`` are dropped and counted in ``dropped_``; event
    flags other than 0/1 raise ``ValueError``.

    References
    ----------
    Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete observations.
    *JASA* 53, 457-481.

    Examples
    --------
    >>> km = KaplanMeier().fit([1, 2, 2, 3], [1, 1, 0, 1])
    >>> km.predict([0.5, 1, 2.5]).round(3).tolist()
    [1.0, 0.75, 0.5]
    """

    _estimate_attr = "survival_function_"
    _estimate_name = "survival"
    _before = 1.0
    _ylabel = "survival"
    _ylim = (0.0, 1.02)

    def __init__(self, alpha: float = 0.05) -> None:
        super().__init__(alpha)

    def fit(self, durations: Any, events: Any = None, entry: Any = None, label: str | None = None,
            event_observed: Any = None) -> KaplanMeier:
        """Estimate S(t).

        Parameters
        ----------
        durations
            Time of event or censoring.
        events
            1 = event, 0 = censored (default all 1); ``event_observed`` is the lifelines alias.
        entry
            Left-truncation (delayed entry) times.
        label
            Column name of the curve.
        event_observed
            The lifelines alias of ``events``.

        Returns
        -------
        self
        """
        events = resolve_alias("events", events, "event_observed", event_observed)
        d, e, en, _, dropped = clean_durations(durations, events, entry)
        self.label = label or "KM_estimate"
        start = min(0.0, float(d.min()), float(en.min()) if en is not None else 0.0)
        times = np.unique(d)
        n_ev = np.bincount(np.searchsorted(times, d), weights=e, minlength=len(times))
        n_cens = np.bincount(np.searchsorted(times, d), weights=1 - e, minlength=len(times))
        ds = np.sort(d)
        n_risk = (len(d) - np.searchsorted(ds, times, side="left")).astype(float)
        if en is not None:
            n_risk -= len(en) - np.searchsorted(np.sort(en), times, side="left")
        with np.errstate(divide="ignore", invalid="ignore"):
            q = np.where(n_risk > 0, n_ev / n_risk, 0.0)
            prob = np.cumprod(1 - q)
            gw = np.cumsum(np.where(n_risk > n_ev, n_ev / (n_risk * (n_risk - n_ev)), np.where(n_ev > 0, np.inf, 0)))
            se = prob * np.sqrt(gw)
        se = np.where(np.isfinite(se), se, np.nan)
        if times[0] > start:
            times = np.r_[start, times]
            prob = np.r_[1.0, prob]
            se = np.r_[0.0, se]
            n_risk = np.r_[np.nan, n_risk]
            n_ev = np.r_[0.0, n_ev]
            n_cens = np.r_[0.0, n_cens]
        lo, hi = _loglog_ci(prob, se, self.alpha)
        idx = pd.Index(times, name="timeline")
        self.timeline_ = times
        self.survival_function_ = pd.DataFrame({self.label: prob}, index=idx)
        level = f"{1 - self.alpha:g}"
        self.confidence_interval_ = pd.DataFrame(
            {f"{self.label}_lower_{level}": lo, f"{self.label}_upper_{level}": hi}, index=idx)
        self.standard_errors_ = pd.Series(se, index=idx, name="se")
        self.event_table_ = pd.DataFrame({"at_risk": n_risk, "observed": n_ev, "censored": n_cens}, index=idx)
        below = np.flatnonzero(prob <= 0.5)
        self.median_survival_time_ = float(times[below[0]]) if len(below) else float("inf")
        self.durations, self.events, self.entry = d, e, en
        self.dropped_ = dropped
        self.n_dropped_ = int(sum(dropped.values()))
        return self

    survival_function_at_times = UnivariateFitter.predict

    def _summary_parts(self) -> list[pd.DataFrame | pd.Series]:
        """The event table (at_risk, observed, censored) before the curve in :attr:`summary`."""
        return [self.event_table_]


def at_risk_counts(fitter: KaplanMeier, times: Any) -> pd.DataFrame:
    """At risk, cumulative censored and cumulative events of a fitted Kaplan–Meier at ``times``.

    At risk at ``t``: subjects with ``entry < t <= duration`` (the risk set of an event at ``t``, as R's
    ``summary(survfit, times=)``); at or before the earliest entry, everyone with ``duration >= t``.
    Events and censored: cumulative counts in ``(origin, t]``.

    Parameters
    ----------
    fitter
        A fitted :class:`KaplanMeier`.
    times
        Where to count (e.g. the x ticks of a plot).

    Returns
    -------
    DataFrame indexed by time with ``at_risk``, ``censored``, ``events``.
    """
    t = np.atleast_1d(np.asarray(times, float))
    d, e, en = fitter.durations, fitter.events, fitter.entry
    entered = (en[None, :] < t[:, None]) if en is not None else np.ones((len(t), len(d)), bool)
    if en is not None:
        entered |= t[:, None] <= en.min()
    at_risk = (entered & (d[None, :] >= t[:, None])).sum(1)
    events = ((d[None, :] <= t[:, None]) & (e[None, :] == 1)).sum(1)
    cens = ((d[None, :] <= t[:, None]) & (e[None, :] == 0)).sum(1)
    return pd.DataFrame({"at_risk": at_risk, "censored": cens, "events": events}, index=pd.Index(t, name="time"))


def add_at_risk_counts(ax: Any, *fitters: KaplanMeier, rows_to_show: tuple[str, ...] = ("at_risk",),
                       labels: list[str] | None = None, fontsize: float = 8) -> Any:
    """Write an at-risk table under a survival plot, one line per fitter at the axis' x ticks (as lifelines).

    Parameters
    ----------
    ax
        The Matplotlib axis of the survival plot (its x ticks give the times).
    *fitters
        Fitted :class:`KaplanMeier` objects.
    rows_to_show
        Any of ``"at_risk"``, ``"censored"``, ``"events"`` (see :func:`at_risk_counts`).
    labels
        Row labels (default: the fitters' labels).
    fontsize
        Text size.

    Returns
    -------
    The axis.
    """
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    labels = labels or [f.label for f in fitters]
    names = {"at_risk": "At risk", "censored": "Censored", "events": "Events"}
    lines = []
    for lab, f in zip(labels, fitters):
        tab = at_risk_counts(f, ticks)
        for r in rows_to_show:
            lines.append((f"{lab} {names[r].lower()}" if len(rows_to_show) > 1 else lab, tab[r].to_numpy()))
    trans = ax.get_xaxis_transform()
    for i, (lab, vals) in enumerate(lines):
        y = -0.18 - 0.07 * i
        ax.text(ax.get_xlim()[0], y, lab + "  ", transform=trans, ha="right", va="top", fontsize=fontsize)
        for t, v in zip(ticks, vals):
            ax.text(t, y, f"{int(v)}", transform=trans, ha="center", va="top", fontsize=fontsize)
    return ax
