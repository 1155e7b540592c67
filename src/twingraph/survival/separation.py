"""Exact detection of a monotone partial likelihood (coefficients that run off to +-infinity).

The Cox log partial likelihood is concave; it has no finite maximum in a direction ``d`` exactly when
``d`` never lowers the linear predictor of a death relative to anyone at risk with it:
``(x_j - x_i) . d <= 0`` for every death ``i`` at time ``t`` and every row ``j`` in the risk set at ``t``
(same stratum), with ``d`` not a direction in which all covariates are collinear.  Along such a
``d`` the likelihood rises (or stays flat while some constraint is strict) for ever: every
coefficient with ``d_k != 0`` is *not estimable* (Bryson & Johnson 1981; Heinze & Schemper 2002).

The constraints are collapsed to distinct covariate patterns, and for each coefficient ``k`` a
linear programme asks whether some feasible ``d`` (in ``[-1, 1]^p``) has ``d_k > 0`` or ``d_k < 0``.
With one covariate this reduces to a risk-set minimum/maximum check (no LP).

References
----------
Bryson, M. C. & Johnson, M. E. (1981). The incidence of monotone likelihood in the Cox model.
*Technometrics* 23, 381-383.
Heinze, G. & Schemper, M. (2001). A solution to the problem of monotone likelihood in Cox regression.
*Biometrics* 57, 114-119.
"""

from __future__ import annotations

import numpy as np

from .likelihood import CoxData, PartialLikelihood

__all__ = ["monotone_directions", "fit_or_separation"]


def _risk_set_argmax(data: CoxData, score: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For every death ``i``: ``(i, j*, max_j score_j - score_i)`` over the rows ``j`` at risk at its time.

    Right-censored data: suffix maxima over rows sorted by time.  Counting-process rows: the risk
    sets ``start < t <= stop`` are scanned in blocks of event times (memory ``block x rows``).
    """
    deaths, best, gap = [], [], []
    for ix in data.strata:
        start, stop, event = data.start[ix], data.stop[ix], data.event[ix]
        sc = score[ix]
        dead = np.flatnonzero(event > 0)
        if len(dead) == 0:
            continue
        ft, inv = np.unique(stop[dead], return_inverse=True)
        if not np.isfinite(start).any():
            o = np.argsort(-stop, kind="stable")          # descending stop: prefix = rows with stop >= t
            run = np.maximum.accumulate(sc[o])
            pos = np.r_[0, np.flatnonzero(run[1:] > run[:-1]) + 1]
            arg = o[pos[np.searchsorted(pos, np.arange(len(o)), side="right") - 1]]
            k = np.searchsorted(-stop[o], -ft, side="right") - 1   # last row with stop >= t
            m_t, a_t = run[k], arg[k]
        else:
            m_t, a_t = np.empty(len(ft)), np.empty(len(ft), np.int64)
            for lo in range(0, len(ft), 256):
                t = ft[lo:lo + 256, None]
                at = (start[None, :] < t) & (stop[None, :] >= t)
                masked = np.where(at, sc[None, :], -np.inf)
                a_t[lo:lo + 256] = masked.argmax(1)
                m_t[lo:lo + 256] = masked.max(1)
        deaths.append(ix[dead])
        best.append(ix[a_t[inv]])
        gap.append(m_t[inv] - sc[dead])
    if not deaths:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    return np.concatenate(deaths), np.concatenate(best), np.concatenate(gap)


def fit_or_separation(data: CoxData, max_iter: int = 50
                      ) -> tuple[np.ndarray, PartialLikelihood, int, bool, np.ndarray]:
    """Newton–Raphson, then the exact verdict: ``(beta, at_beta, iterations, converged, monotone)``.

    A finite maximiser is *certified* when the Newton step from the final point is below 1e-7 in
    every coordinate with a positive-definite information (the log partial likelihood is concave, so
    a stationary point is the global maximum).  Along a monotone direction the score and the
    curvature decay at the same exponential rate, so the Newton step stays of order 1 however far
    out the iterate is: the certificate cannot be fooled by a flat, far-out likelihood.  Without a
    certificate the linear programmes of :func:`monotone_directions` decide.

    Parameters
    ----------
    data : CoxData
        From :func:`twingraph.survival.likelihood.prepare`.
    max_iter : int
        Newton iterations.

    Returns
    -------
    (beta, at_beta, iterations, converged, monotone)
    """
    from .likelihood import newton

    beta, pl, iters, conv = newton(data, max_iter=max_iter)
    info = pl.information
    try:
        np.linalg.cholesky(info)
        step = np.linalg.solve(info, pl.score)
        certified = bool(np.all(np.isfinite(step)) and np.max(np.abs(step)) < 1e-7)
    except np.linalg.LinAlgError:
        certified = False
    mono = np.zeros(len(beta), bool) if certified else monotone_directions(data)
    return beta, pl, iters, conv, mono


def monotone_directions(data: CoxData, tol: float = 1e-9) -> np.ndarray:
    """Boolean per coefficient: True = the partial likelihood has no finite maximum in it.

    Parameters
    ----------
    data
        Prepared arrays (:func:`twingraph.survival.likelihood.prepare`).
    tol
        A linear-programme optimum above ``tol`` counts as a direction.

    Returns
    -------
    numpy.ndarray of bool, one per covariate (column of ``data.x``).

    Notes
    -----
    One covariate: ``d = +1`` (or ``-1``) is a direction iff every death has the largest (smallest)
    value of its risk set.  Several: for each coefficient ``k`` and sign, the linear programme
    ``max sign * d_k`` s.t. ``(x_j - x_i) . d <= 0`` for all deaths ``i`` and rows ``j`` at risk with
    them, ``-1 <= d <= 1``, is solved by constraint generation: solve with the constraints found so
    far, add each death's most violated constraint (its risk-set maximum of ``x . d``), repeat until
    no constraint is violated; the optimum is then that of the full programme.  The verdict assumes
    no *flat* direction (the information is positive definite: no covariate is constant or collinear
    within the risk sets), which :class:`~twingraph.survival.CoxPH` checks before asking.
    """
    from scipy.optimize import linprog

    p = data.x.shape[1]
    out = np.zeros(p, bool)
    if not (data.event > 0).any():
        return out
    if p == 1:
        for sign in (1.0, -1.0):
            _, _, gap = _risk_set_argmax(data, sign * data.x[:, 0])
            # every death has the extreme value of its risk set, and some risk set is not all equal
            if np.all(gap <= 0):
                _, _, other = _risk_set_argmax(data, -sign * data.x[:, 0])
                if np.any(other > 0):
                    out[0] = True
        return out
    for k in range(p):
        for sign in (1.0, -1.0):
            c = np.zeros(p)
            c[k] = -sign                                   # maximise sign * d_k
            rows = np.zeros((0, p))
            d = None
            for _ in range(200):
                res = linprog(c, A_ub=rows if len(rows) else None, b_ub=np.zeros(len(rows)) if len(rows) else None,
                              bounds=[(-1, 1)] * p, method="highs")
                if res.status != 0:
                    break
                d = res.x
                i, j, gap = _risk_set_argmax(data, data.x @ d)
                viol = gap > tol
                if not viol.any():
                    break
                new = np.unique(data.x[j[viol]] - data.x[i[viol]], axis=0)
                rows = np.unique(np.concatenate([rows, new]), axis=0)
            else:
                d = None
            if d is None or -res.fun <= tol:
                continue
            # strictly monotone: some death is strictly below the maximum of its risk set along -d
            i, j, gap = _risk_set_argmax(data, -(data.x @ d))
            if np.any(gap > tol):
                out[k] = True
                break
    return out
