"""Test of proportional hazards as R's ``cox.zph`` computes it since survival 3.0.

For a time transform ``g`` (``km``: 1 - KM(t-) of all rows, the default; ``rank``, ``identity``,
``log``) centred at its mean over the deaths, the Cox model is expanded with the covariates
``x * g(t)`` and a score test of their coefficients ``gamma = 0`` is computed at
``(beta_hat, gamma = 0)``: the score for ``gamma`` is ``u = sum_deaths g(t_i) (x_i - xbar(t_i))``
(Schoenfeld residuals weighted by ``g``), the information of the expanded model has blocks
``sum_j I_j``, ``sum_j g_j I_j``, ``sum_j g_j^2 I_j`` over the death sub-steps ``j`` (Breslow or Efron).
The test of covariate ``k`` is ``u_k^2`` over the ``k`` diagonal element of the inverse of the
information restricted to ``(beta, gamma_k)``; the global test uses all ``gamma`` (p degrees of
freedom).  This replaces the pre-3.0 approximation (Grambsch & Therneau 1994) that lifelines uses.

References
----------
Grambsch, P. M. & Therneau, T. M. (1994). Proportional hazards tests and diagnostics based on weighted
residuals. *Biometrika* 81, 515-526.
Therneau, T. M. (2020). survival 3.0 NEWS: ``cox.zph`` now computes the exact score test.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from . import likelihood as lk
from .nonparametric import KaplanMeier

__all__ = ["cox_zph"]


def _transform(fit: Any, transform: str) -> tuple[np.ndarray, np.ndarray]:
    """(time of each row, g of each row's stop time) for the fitted rows."""
    d = fit._data
    times = d.stop
    if transform == "identity":
        g = times.copy()
    elif transform == "log":
        g = np.log(times)
    elif transform == "rank":
        g = stats.rankdata(times)
    elif transform == "km":
        entry = d.start if np.isfinite(d.start).any() else None
        km = KaplanMeier().fit(times, d.event, entry=entry)
        tl = km.timeline_
        sv = km.survival_function_.iloc[:, 0].to_numpy()
        # left-continuous: S(t-) = S at the last timeline point strictly before t (1 before the first)
        i = np.searchsorted(tl, times, side="left") - 1
        g = 1 - np.where(i >= 0, sv[np.clip(i, 0, None)], 1.0)
    else:
        raise ValueError("transform must be km, rank, identity or log")
    return times, g


def cox_zph(fit: Any, transform: str = "km", global_test: bool = True) -> pd.DataFrame:
    """Per-covariate and global score tests of proportional hazards (R ``cox.zph``, survival >= 3.0).

    Parameters
    ----------
    fit
        A fitted :class:`~twingraph.survival.CoxPH` (Breslow or Efron).
    transform
        ``"km"`` (default, as R), ``"rank"``, ``"identity"`` or ``"log"``.
    global_test
        Add a ``GLOBAL`` row (p degrees of freedom).

    Returns
    -------
    DataFrame indexed by covariate (and ``GLOBAL``) with ``chisq``, ``df``, ``p``.  Small p: the
    hazard ratio drifts with time.

    Examples
    --------
    >>> import pandas as pd
    >>> from twingraph.survival import CoxPH
    >>> df = pd.DataFrame({"t": [1, 2, 3, 4, 5, 6, 7, 8], "e": [1, 1, 1, 0, 1, 1, 0, 1],
    ...                    "x": [0, 1, 0, 1, 0, 1, 1, 0]})
    >>> list(cox_zph(CoxPH().fit(df, "t", "e", "x")).index)
    ['x', 'GLOBAL']
    """
    if not fit.estimable_.all():
        raise ValueError("cox_zph: the fit has non-estimable coefficients (monotone likelihood)")
    d = fit._data
    times, g_rows = _transform(fit, transform)
    g_mean = g_rows[d.event > 0].mean()
    lookup = pd.Series(g_rows - g_mean, index=times).groupby(level=0).first()
    pl = lk.evaluate(d, fit.params_.to_numpy(), steps=True)
    gj = lookup.reindex(pl.time).to_numpy()            # per death sub-step
    gd = lookup.reindex(pl.death_time).to_numpy()      # per death
    p = len(fit.covariates_)
    u = (gd[:, None] * pl.xbar_death).sum(0)
    I_bb = pl.info_step.sum(0)
    I_bg = (gj[:, None, None] * pl.info_step).sum(0)
    I_gg = ((gj**2)[:, None, None] * pl.info_step).sum(0)
    full = np.block([[I_bb, I_bg], [I_bg.T, I_gg]])
    rows = {}
    for k, name in enumerate(fit.covariates_):
        kk = np.r_[np.arange(p), p + k]
        uu = np.r_[np.zeros(p), u[k]]
        chi = float(uu @ np.linalg.solve(full[np.ix_(kk, kk)], uu))
        rows[name] = (chi, 1, stats.chi2.sf(chi, 1))
    if global_test:
        uu = np.r_[np.zeros(p), u]
        chi = float(uu @ np.linalg.solve(full, uu))
        rows["GLOBAL"] = (chi, p, stats.chi2.sf(chi, p))
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["chisq", "df", "p"])
    out.index.name = "covariate"
    return out
