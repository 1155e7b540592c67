"""The Cox partial likelihood on sorted arrays: Breslow and Efron ties, counting-process risk sets.

Everything is vectorised numpy: risk-set sums are suffix sums over rows sorted by ``stop`` minus
suffix sums over rows sorted by ``start`` (a row is at risk at ``t`` when ``start < t <= stop``, as
in R's ``Surv(start, stop, event)``), and tied deaths are expanded into one *sub-step* per death so
that Efron's approximation is a weighted version of the same sums.  Strata are fitted separately and
added.  No Python loop runs over rows or event times.

References
----------
Efron, B. (1977). The efficiency of Cox's likelihood function for censored data. *JASA* 72, 557-565.
Therneau, T. M. & Grambsch, P. M. (2000). *Modeling Survival Data: Extending the Cox Model*.
Springer, ch. 3 (risk sets, ties), 7.2 (score residuals and the robust variance).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

__all__ = ["CoxData", "PartialLikelihood", "prepare", "evaluate", "score_residuals", "newton"]


@dataclass
class CoxData:
    """Rows of one fit, grouped by stratum; ``start = -inf`` for right-censored data."""

    start: np.ndarray
    stop: np.ndarray
    event: np.ndarray
    x: np.ndarray
    strata: list[np.ndarray]          # row indices of each stratum
    efron: bool


@dataclass
class PartialLikelihood:
    """Log partial likelihood, score, information and per-event-time pieces at one beta."""

    loglik: float
    score: np.ndarray
    information: np.ndarray
    # per event sub-step (one per death), concatenated over strata:
    time: np.ndarray        # event time of the sub-step
    stratum: np.ndarray     # stratum index
    weight_mean: np.ndarray  # m_j = weighted covariate mean of the sub-step's risk set
    info_step: np.ndarray   # (E, p, p) information contribution of the sub-step
    xbar_death: np.ndarray  # (E, p) x of the death minus m averaged over the tie group (Schoenfeld)
    death_time: np.ndarray  # (E,) time of each death (order of xbar_death)


def prepare(start: np.ndarray | None, stop: np.ndarray, event: np.ndarray, x: np.ndarray,
            strata: np.ndarray | None = None, ties: str = "breslow") -> CoxData:
    """Check and bundle arrays for :func:`evaluate` (``start`` may be None: right-censored data).

    Parameters
    ----------
    start : numpy.ndarray or None
        Entry times (rows at risk on ``(start, stop]``).
    stop : numpy.ndarray
        Exit times.
    event : numpy.ndarray
        0/1 event flags.
    x : numpy.ndarray
        Covariates, rows x p (a vector is one covariate).
    strata : numpy.ndarray, optional
        Stratum label of each row.
    ties : {"breslow", "efron"}
        Handling of tied event times.

    Returns
    -------
    CoxData
    """
    stop = np.asarray(stop, float)
    start = np.full_like(stop, -np.inf) if start is None else np.asarray(start, float)
    event = np.asarray(event, float)
    x = np.asarray(x, float).reshape(len(stop), -1)
    if ties not in ("breslow", "efron"):
        raise ValueError("ties must be 'breslow' or 'efron'")
    if strata is None:
        groups = [np.arange(len(stop))]
    else:
        codes = np.unique(np.asarray(strata), return_inverse=True)[1]
        order = np.argsort(codes, kind="stable")
        cuts = np.flatnonzero(np.diff(codes[order])) + 1
        groups = np.split(order, cuts)
    return CoxData(start, stop, event, x, groups, ties == "efron")


def _suffix_at(key: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """sum of values[key >= a] for each a in at (values: rows x ...)."""
    o = np.argsort(key, kind="stable")
    cs = np.cumsum(values[o][::-1], axis=0)[::-1]
    cs = np.concatenate([cs, np.zeros((1,) + values.shape[1:])])
    return cs[np.searchsorted(key[o], at, side="left")]


def _risk_sums(start: np.ndarray, stop: np.ndarray, values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """sum of values over rows with start < a <= stop, for each a in at."""
    out = _suffix_at(stop, values, at)
    if np.isfinite(start).any():
        out = out - _suffix_at(start, values, at)
    return out


def _stratum(start, stop, event, x, beta, efron, want_steps):
    """Pieces of one stratum (see :func:`evaluate`)."""
    p = x.shape[1]
    dead = event > 0
    if not dead.any():
        z = np.zeros(0)
        return (0.0, np.zeros(p), np.zeros((p, p)), z, np.zeros((0, p)), np.zeros((0, p, p)), np.zeros((0, p)), None,
                z)
    eta = x @ beta
    shift = eta.max()
    r = np.exp(eta - shift)
    ft, inv, dk = np.unique(stop[dead], return_inverse=True, return_counts=True)
    rx = r[:, None] * x
    rxx = rx[:, :, None] * x[:, None, :]
    s0 = _risk_sums(start, stop, r, ft)
    s1 = _risk_sums(start, stop, rx, ft)
    s2 = _risk_sums(start, stop, rxx, ft)
    # sub-steps: death number l = 0..d_k-1 at event time k; Efron removes l/d_k of the tied deaths
    k_of = np.repeat(np.arange(len(ft)), dk)
    first = np.concatenate([[0], np.cumsum(dk)[:-1]])
    l_of = np.arange(len(k_of)) - first[k_of]
    a = l_of / dk[k_of] if efron else np.zeros(len(k_of))
    d0 = np.bincount(inv, weights=r[dead], minlength=len(ft))
    d1 = np.zeros((len(ft), p))
    np.add.at(d1, inv, rx[dead])
    d2 = np.zeros((len(ft), p, p))
    np.add.at(d2, inv, rxx[dead])
    den = s0[k_of] - a * d0[k_of]
    m = (s1[k_of] - a[:, None] * d1[k_of]) / den[:, None]
    info_step = (s2[k_of] - a[:, None, None] * d2[k_of]) / den[:, None, None] - m[:, :, None] * m[:, None, :]
    loglik = float(eta[dead].sum() - (np.log(den) + shift).sum())
    score = x[dead].sum(0) - m.sum(0)
    info = info_step.sum(0)
    # mean of m over the sub-steps of each event time (the x-bar a tied death is compared with)
    mbar = np.zeros((len(ft), p))
    np.add.at(mbar, k_of, m)
    mbar /= dk[:, None]
    extra = (ft, dk, k_of, a, den, m, mbar, r, inv, dead)
    resid_death = x[dead] - mbar[inv]
    return loglik, score, info, ft[k_of], m, info_step, resid_death, extra, stop[dead]


def evaluate(data: CoxData, beta: np.ndarray, steps: bool = False) -> PartialLikelihood:
    """Log partial likelihood, score and observed information at ``beta`` (sums over strata).

    Parameters
    ----------
    data : CoxData
        The rows.
    beta : numpy.ndarray
        Coefficients.
    steps : bool
        Also fill the per-event-time pieces (empty arrays otherwise).

    Returns
    -------
    PartialLikelihood
    """
    beta = np.asarray(beta, float)
    p = data.x.shape[1]
    ll, sc, inf = 0.0, np.zeros(p), np.zeros((p, p))
    times, strat, ms, infos, rds, dts = [], [], [], [], [], []
    for s, ix in enumerate(data.strata):
        out = _stratum(data.start[ix], data.stop[ix], data.event[ix], data.x[ix], beta, data.efron, steps)
        ll += out[0]
        sc += out[1]
        inf += out[2]
        if steps:
            times.append(out[3])
            strat.append(np.full(len(out[3]), s))
            ms.append(out[4])
            infos.append(out[5])
            rds.append(out[6])
            dts.append(out[8])
    if steps and times:
        return PartialLikelihood(ll, sc, inf, np.concatenate(times), np.concatenate(strat), np.concatenate(ms),
                                 np.concatenate(infos), np.concatenate(rds), np.concatenate(dts))
    z = np.zeros(0)
    return PartialLikelihood(ll, sc, inf, z, z, np.zeros((0, p)), np.zeros((0, p, p)), np.zeros((0, p)), z)


def score_residuals(data: CoxData, beta: np.ndarray) -> np.ndarray:
    """Score residuals of each row (Breslow or Efron type, as R's ``residuals(fit, "score")``).

    Row ``i``: ``sum_k delta_ik (x_i - mbar_k) - sum_j c_ij r_i (x_i - m_j) / den_j`` over the
    death sub-steps ``j`` at times in ``(start_i, stop_i]``, where ``c_ij = 1 - l_j / d_k`` if row
    ``i`` dies at that time (Efron; 1 for Breslow) and 1 otherwise.  They sum to the score; their
    cluster sums give the robust (sandwich) variance.

    Parameters
    ----------
    data : CoxData
        The rows.
    beta : numpy.ndarray
        Coefficients.

    Returns
    -------
    numpy.ndarray
        Rows x p, in the row order of ``data``.
    """
    beta = np.asarray(beta, float)
    out = np.zeros_like(data.x)
    p = data.x.shape[1]
    for ix in data.strata:
        start, stop, event, x = data.start[ix], data.stop[ix], data.event[ix], data.x[ix]
        res = _stratum(start, stop, event, x, beta, data.efron, True)
        if res[7] is None:
            continue
        ft, _, k_of, a, den, m, mbar, r, inv, dead = res[7]
        h = 1.0 / den
        H = np.bincount(k_of, weights=h, minlength=len(ft))
        HM = np.zeros((len(ft), p))
        np.add.at(HM, k_of, h[:, None] * m)
        c0 = np.concatenate([[0.0], np.cumsum(H)])
        c1 = np.concatenate([np.zeros((1, p)), np.cumsum(HM, axis=0)])
        lo = np.searchsorted(ft, start, side="right")     # event times > start
        hi = np.searchsorted(ft, stop, side="right")      # event times <= stop
        res_i = -(r[:, None] * (x * (c0[hi] - c0[lo])[:, None] - (c1[hi] - c1[lo])))
        di = np.flatnonzero(dead)
        # a death's own time: Efron weights it by (1 - a_j) in sub-step j, so add back a_j h_j (x - m_j)
        A0 = np.bincount(k_of, weights=a * h, minlength=len(ft))
        A1 = np.zeros((len(ft), p))
        np.add.at(A1, k_of, (a * h)[:, None] * m)
        res_i[di] += r[di, None] * (x[di] * A0[inv][:, None] - A1[inv]) + (x[di] - mbar[inv])
        out[ix] = res_i
    return out


Penalty = Callable[[np.ndarray, PartialLikelihood], tuple[float, np.ndarray, np.ndarray]]


def newton(data: CoxData, beta0: np.ndarray | None = None, max_iter: int = 50, tol: float = 1e-10,
           penalty: Penalty | None = None) -> tuple[np.ndarray, PartialLikelihood, int, bool]:
    """Newton–Raphson with step halving (as R's ``coxph``): ``(beta, at_beta, iterations, converged)``.

    Converged when the Newton step is below ``tol`` in every coordinate (or, unpenalised, the
    log-likelihood changes by less than 1e-14 relative).  ``penalty`` (optional) is a callable
    ``(beta, PartialLikelihood) -> (value, gradient, hessian_to_add)`` added to the log partial
    likelihood (used for Firth's correction).

    Parameters
    ----------
    data : CoxData
        The rows.
    beta0 : numpy.ndarray, optional
        Start (default zeros).
    max_iter : int
        Maximum number of iterations.
    tol : float
        Step tolerance.
    penalty : callable, optional
        Penalty term (see above).

    Returns
    -------
    tuple of (numpy.ndarray, PartialLikelihood, int, bool)
        ``(beta, at_beta, iterations, converged)``.
    """
    p = data.x.shape[1]
    beta = np.zeros(p) if beta0 is None else np.asarray(beta0, float).copy()

    def objective(b):
        """Partial likelihood at ``b`` and the (penalised) objective, gradient and information.

        Parameters
        ----------
        b : numpy.ndarray
            Coefficients.

        Returns
        -------
        tuple
            ``(PartialLikelihood, value, gradient, information)``.
        """
        pl = evaluate(data, b)
        if penalty is None:
            return pl, pl.loglik, pl.score, pl.information
        v, g, hinfo = penalty(b, pl)
        return pl, pl.loglik + v, pl.score + g, pl.information + hinfo

    pl, f, g, info = objective(beta)
    for it in range(1, max_iter + 1):
        try:
            step = np.linalg.solve(info, g)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(info, g, rcond=None)[0]
        new = beta + step
        pl2, f2, g2, info2 = objective(new)
        halvings = 0
        while not (f2 >= f - 1e-12 * abs(f)) and halvings < 30:
            step = step / 2
            new = beta + step
            pl2, f2, g2, info2 = objective(new)
            halvings += 1
        done = np.max(np.abs(step)) < tol or (penalty is None and abs(f2 - f) <= 1e-14 * max(1.0, abs(f)))
        beta, pl, f, g, info = new, pl2, f2, g2, info2
        if done:
            return beta, pl, it, True
    return beta, pl, max_iter, False
