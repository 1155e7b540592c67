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


def _constraint_rows(data: CoxData) -> np.ndarray:
    """Distinct rows ``x_j - x_i`` (death i, j at risk at i's time), over all strata."""
    rows = []
    for ix in data.strata:
        start, stop, event, x = data.start[ix], data.stop[ix], data.event[ix], data.x[ix]
        dead = np.flatnonzero(event > 0)
        if len(dead) == 0:
            continue
        pat, pid = np.unique(x, axis=0, return_inverse=True)
        pid = pid.ravel()
        # which patterns are at risk at each distinct death time: counts via risk-set suffix sums
        ft = np.unique(stop[dead])
        onehot = np.zeros((len(ix), len(pat)))
        onehot[np.arange(len(ix)), pid] = 1.0
        so = np.argsort(stop, kind="stable")
        cs = np.concatenate([np.cumsum(onehot[so][::-1], axis=0)[::-1], np.zeros((1, len(pat)))])
        cnt = cs[np.searchsorted(stop[so], ft, side="left")]
        if np.isfinite(start).any():
            sa = np.argsort(start, kind="stable")
            cs2 = np.concatenate([np.cumsum(onehot[sa][::-1], axis=0)[::-1], np.zeros((1, len(pat)))])
            cnt = cnt - cs2[np.searchsorted(start[sa], ft, side="left")]
        at = cnt > 0.5                                     # (times, patterns)
        k = np.searchsorted(ft, stop[dead])
        pairs = np.unique(np.c_[pid[dead], k], axis=0)     # (death pattern, time)
        q_i, r_j = np.nonzero(at[pairs[:, 1]])
        rows.append(np.unique(np.c_[pairs[q_i, 0], r_j], axis=0))
        rows[-1] = pat[rows[-1][:, 1]] - pat[rows[-1][:, 0]]
    if not rows:
        return np.zeros((0, data.x.shape[1]))
    out = np.unique(np.concatenate(rows), axis=0)
    return out[np.any(out != 0, axis=1)]


def fit_or_separation(data: CoxData, max_iter: int = 50
                      ) -> tuple[np.ndarray, PartialLikelihood, int, bool, np.ndarray]:
    """Newton–Raphson, then the exact verdict: ``(beta, at_beta, iterations, converged, monotone)``.

    A finite maximiser is *certified* when the Newton step from the final point is below 1e-7 in
    every coordinate with a positive-definite information (the log partial likelihood is concave, so
    a stationary point is the global maximum).  Along a monotone direction the score and the
    curvature decay at the same exponential rate, so the Newton step stays of order 1 however far
    out the iterate is: the certificate cannot be fooled by a flat, far-out likelihood.  Without a
    certificate the linear programmes of :func:`monotone_directions` decide.
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
    """
    from scipy.optimize import linprog

    p = data.x.shape[1]
    A = _constraint_rows(data)
    out = np.zeros(p, bool)
    if len(A) == 0:            # no death has anyone with another pattern at risk: nothing pins beta
        return np.ones(p, bool) if (data.event > 0).any() else out
    if p == 1:
        a = A[:, 0]
        return np.array([bool(np.all(a <= 0) or np.all(a >= 0))])
    for k in range(p):
        for sign in (1.0, -1.0):
            c = np.zeros(p)
            c[k] = -sign                                  # maximise sign * d_k
            res = linprog(c, A_ub=A, b_ub=np.zeros(len(A)), bounds=[(-1, 1)] * p, method="highs")
            if res.status == 0 and -res.fun > tol:
                d = res.x
                # a direction along which all risk-set differences vanish is collinearity, not monotonicity
                if np.any(A @ d < -tol):
                    out[k] = True
                    break
    return out
