"""Kaplan–Meier estimator and the at-risk table under survival plots."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from .base import UnivariateFitter, resolve_alias, step_function

__all__ = ["KaplanMeier", "at_risk_counts", "add_at_risk_counts", "clean_durations", "warn_dropped"]

#: Why a row is dropped, as the drop warning words it (the keys of every fitter's ``dropped_``).
DROP_REASONS = {
    "missing": "with missing values",
    "zero-length": "with entry >= duration (zero-length: never at risk)",
    "missing-cause": "with a missing cause (ended, cause unknown)",
}


def warn_dropped(dropped: dict[str, int], where: str, stacklevel: int = 3) -> None:
    """The one drop warning of every survival estimator: a ``RuntimeWarning`` when any row was dropped.

    Every estimator drops the same rows (missing values; rows never at risk, ``entry >= duration``
    or ``stop <= start``; for competing risks, ended rows without a cause), counts them by reason in
    ``dropped_`` (``n_dropped_`` = total) and warns with this message, e.g. ``KaplanMeier: dropped 3
    rows: 1 with missing values, 2 with entry >= duration (zero-length: never at risk)``.

    Parameters
    ----------
    dropped : dict of str to int
        Rows dropped, by reason (the keys of :data:`DROP_REASONS`).
    where : str
        The estimator's name, which starts the message.
    stacklevel : int
        Passed on to :func:`warnings.warn` (plus one for this function).
    """
    total = int(sum(dropped.values()))
    if total:
        parts = ", ".join(f"{n} {DROP_REASONS.get(k, k)}" for k, n in dropped.items() if n)
        warnings.warn(f"{where}: dropped {total} rows: {parts}", RuntimeWarning, stacklevel=stacklevel + 1)


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


CONF_TYPES = ("log-log", "log", "plain")
MEDIAN_RULES = ("midpoint", "first")


def _confint(p: np.ndarray, se: np.ndarray, alpha: float, conf_type: str) -> tuple[np.ndarray, np.ndarray]:
    """Pointwise CI for a survival probability ``p`` with standard error ``se`` (of ``p``), R's ``conf.type``.

    ``"log-log"``: :func:`_loglog_ci`; ``"log"``: ``exp(log p -+ z se / p)``, upper bound at most 1
    (undefined at ``p = 0``); ``"plain"``: ``p -+ z se`` clipped to ``[0, 1]``.  As survival's
    ``survfit_confint`` (``ulimit = TRUE``).
    """
    if conf_type == "log-log":
        return _loglog_ci(p, se, alpha)
    z = stats.norm.ppf(1 - alpha / 2)
    p = np.asarray(p, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        if conf_type == "log":
            v = np.where(se == 0, 0.0, se / p)
            lo = np.where(p > 0, np.exp(np.log(p) - z * v), np.nan)
            hi = np.where(p > 0, np.minimum(np.exp(np.log(p) + z * v), 1.0), np.nan)
        elif conf_type == "plain":
            lo, hi = np.maximum(p - z * se, 0.0), np.minimum(p + z * se, 1.0)
            lo, hi = np.where(np.isnan(se), np.nan, lo), np.where(np.isnan(se), np.nan, hi)
        else:
            raise ValueError(f"conf_type must be one of {CONF_TYPES}; got {conf_type!r}")
    return lo, hi


def _median_time(times: np.ndarray, curve: np.ndarray, rule: str = "midpoint", p: float = 0.5) -> float:
    """Where a decreasing step curve first reaches ``p`` (``inf`` if it never does).

    ``"midpoint"`` (R's ``print.survfit``): when the curve equals ``p`` (within ``sqrt(eps)``) over an
    interval, the midpoint between the time it reaches ``p`` and the next time it drops below;
    ``"first"`` (lifelines' ``median_survival_time_``): the first time the curve is ``<= p`` (also
    within ``sqrt(eps)``, so rounding in the product-limit does not move it).  Missing values of the
    curve (an undefined band) are skipped, as R does.
    """
    tol = np.sqrt(np.finfo(float).eps)
    y = np.asarray(curve, float)
    keep = ~np.isnan(y) & (y < p + tol)
    if not keep.any():
        return float("inf")
    x, y = np.asarray(times, float)[keep], y[keep]
    if rule == "midpoint" and abs(y[0] - p) < tol and (y < y[0]).any():
        return float((x[0] + x[np.argmax(y < y[0])]) / 2)
    return float(x[0])


_step = step_function  # the old private name


def clean_durations(durations: Any, events: Any = None, entry: Any = None, *others: Any,
                    what: str = "durations", where: str = "survival"
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, list, dict[str, int]]:
    """Arrays for the nonparametric estimators, with R's drops counted and R's refusals raised.

    Dropped, counted and warned about (:func:`warn_dropped`, naming ``where``): a missing duration,
    event flag, entry or other value (``missing``), and rows with ``entry >= duration``
    (``zero-length``: never at risk; R's ``Surv`` makes them NA and warns).
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
    where : str
        The estimator's name in the drop warning (:func:`warn_dropped`).

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
    warn_dropped(dropped, where, stacklevel=3)
    return d[keep], e[keep], None if en is None else en[keep], [o[keep] for o in arrays], dropped


class KaplanMeier(UnivariateFitter):
    """Kaplan–Meier estimator with Greenwood standard errors and left truncation.

    Parameters
    ----------
    alpha
        1 - level of the pointwise confidence band.
    conf_type
        Scale of the pointwise band, R's ``conf.type``: ``"log-log"`` (default; ``log(-log S)``, stays
        inside [0, 1]), ``"log"`` (``log S``; R's default, upper end capped at 1) or ``"plain"``
        (``S -+ z se``, clipped to [0, 1]; lifelines' default is ``"log-log"``).
    median_rule
        ``"midpoint"`` (default, R's ``print.survfit``/``quantile.survfit``): when S(t) is exactly 0.5
        over an interval, the median is the midpoint of that interval (deaths at 1-5 and 7-11: 6);
        ``"first"`` (lifelines): the first time S(t) <= 0.5 (there: 5).

    Notes
    -----
    The timeline holds every distinct duration (events *and* censoring times, as R's ``survfit``),
    preceded by the origin ``min(0, durations, entry)``.  ``entry`` handles left truncation: a subject
    is at risk strictly after its entry time (``entry < t <= duration``).  Bands are pointwise, from
    the Greenwood variance on the scale ``conf_type`` names.  ``median_survival_time_`` follows
    ``median_rule``; ``median_confidence_interval_`` is R's ``print.survfit`` interval: where the lower
    and the upper band reach 0.5, by the same rule.  A median (or bound) never reached is ``inf``
    (R prints ``NA``).  Missing values and rows with ``entry >= duration`` are dropped, counted in
    ``dropped_`` and warned about; event flags other than 0/1 raise ``ValueError``.

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

    def __init__(self, alpha: float = 0.05, conf_type: str = "log-log", median_rule: str = "midpoint") -> None:
        if conf_type not in CONF_TYPES:
            raise ValueError(f"conf_type must be one of {CONF_TYPES}; got {conf_type!r}")
        if median_rule not in MEDIAN_RULES:
            raise ValueError(f"median_rule must be one of {MEDIAN_RULES}; got {median_rule!r}")
        super().__init__(alpha)
        self.conf_type = conf_type
        self.median_rule = median_rule

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
        d, e, en, _, dropped = clean_durations(durations, events, entry, where="KaplanMeier")
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
        lo, hi = _confint(prob, se, self.alpha, self.conf_type)
        idx = pd.Index(times, name="timeline")
        self.timeline_ = times
        self.survival_function_ = pd.DataFrame({self.label: prob}, index=idx)
        level = f"{1 - self.alpha:g}"
        self.confidence_interval_ = pd.DataFrame(
            {f"{self.label}_lower_{level}": lo, f"{self.label}_upper_{level}": hi}, index=idx)
        self.standard_errors_ = pd.Series(se, index=idx, name="se")
        self.event_table_ = pd.DataFrame({"at_risk": n_risk, "observed": n_ev, "censored": n_cens}, index=idx)
        self.median_survival_time_ = _median_time(times, prob, self.median_rule)
        undefined = prob <= 0 if self.conf_type != "plain" else np.zeros(len(prob), bool)  # R: NA bands at S = 0
        self.median_confidence_interval_ = pd.DataFrame(
            {c: [_median_time(times, np.where(undefined, np.nan, b), self.median_rule)]
             for c, b in zip(self.confidence_interval_.columns, (lo, hi))}, index=pd.Index([0.5], name="quantile"))
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
