"""Firth-penalised Cox regression (Heinze & Schemper 2001), finite under a monotone likelihood.

The penalised log partial likelihood is ``l*(beta) = l(beta) + 1/2 log det I(beta)`` (Firth 1993's
Jeffreys-prior penalty).  Its score is ``U_r + 1/2 tr(I^-1 dI/dbeta_r)``; the derivative of the
information uses third-order risk-set sums (``sum r x x' x_r``), vectorised like the likelihood.
The maximiser is finite even when every exposed subject fails and no unexposed one does, and removes
the first-order bias of the MLE.  Confidence intervals and p-values come from the *profile
penalised likelihood* (Heinze & Schemper 2001, section 3): the interval for ``beta_k`` is
``{b: 2 (l*(beta_hat) - max_{beta_-k} l*(b, beta_-k)) <= chi2_{1, 1-alpha}}`` and the p-value is the
penalised likelihood-ratio test of ``beta_k = 0``.  Wald intervals are not reported: they are wrong
exactly where Firth is needed.

This is what R's ``coxphf`` (Breslow ties) computes.  ``coxphf`` is not packaged for Debian; the
tests check against an independent R computation of the same penalised likelihood from
``survival::coxph`` (``tests/r/make_reference.R``).

References
----------
Firth, D. (1993). Bias reduction of maximum likelihood estimates. *Biometrika* 80, 27-38.
Heinze, G. & Schemper, M. (2001). A solution to the problem of monotone likelihood in Cox regression.
*Biometrics* 57, 114-119.
Heinze, G. & Dunkler, D. (2008). Avoiding infinite estimates of time-dependent effects in small-sample
survival studies. *Statistics in Medicine* 27, 6455-6469.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, stats

from . import likelihood as lk
from .cox import CoxPH
from .separation import fit_or_separation

__all__ = ["FirthCoxPH", "firth_penalty"]


def _penalty_gradient(data: lk.CoxData, beta: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
    """(1/2 log det I, its gradient, I) at beta."""
    p = data.x.shape[1]
    info = np.zeros((p, p))
    dI = np.zeros((p, p, p))            # dI[:, :, r] = dI / dbeta_r
    for ix in data.strata:
        start, stop, event, x = data.start[ix], data.stop[ix], data.event[ix], data.x[ix]
        dead = event > 0
        if not dead.any():
            continue
        eta = x @ beta
        r = np.exp(eta - eta.max())
        ft, inv, dk = np.unique(stop[dead], return_inverse=True, return_counts=True)
        rx = r[:, None] * x
        rxx = rx[:, :, None] * x[:, None, :]
        rxxx = rxx[:, :, :, None] * x[:, None, None, :]
        s = [lk._risk_sums(start, stop, v, ft) for v in (r, rx, rxx, rxxx)]
        k_of = np.repeat(np.arange(len(ft)), dk)
        first = np.concatenate([[0], np.cumsum(dk)[:-1]])
        a = (np.arange(len(k_of)) - first[k_of]) / dk[k_of] if data.efron else np.zeros(len(k_of))
        dsum = []
        for v in (r, rx, rxx, rxxx):
            out = np.zeros((len(ft),) + v.shape[1:])
            np.add.at(out, inv, v[dead])
            dsum.append(out)
        tl = [s[i][k_of] - a.reshape((-1,) + (1,) * (s[i].ndim - 1)) * dsum[i][k_of] for i in range(4)]
        den = tl[0]
        m = tl[1] / den[:, None]
        S2 = tl[2] / den[:, None, None]
        S3 = tl[3] / den[:, None, None, None]
        V = S2 - m[:, :, None] * m[:, None, :]
        info += V.sum(0)
        # dV/dbeta_r = S3[..., r] - S2 m_r - V[:, r] m' - m V[r, :]
        dI += (S3 - S2[:, :, :, None] * m[:, None, None, :]
               - V[:, :, None, :] * m[:, None, :, None] - m[:, :, None, None] * V[:, None, :, :]).sum(0)
    sign, logdet = np.linalg.slogdet(info)
    if sign <= 0:
        return -np.inf, np.zeros(p), info
    Iinv = np.linalg.inv(info)
    grad = 0.5 * np.einsum("ij,jir->r", Iinv, dI)
    return 0.5 * logdet, grad, info


def firth_penalty(data: lk.CoxData, beta: np.ndarray) -> tuple[float, np.ndarray]:
    """Penalised log partial likelihood ``l + 1/2 log det I`` and its gradient at ``beta``.

    Parameters
    ----------
    data : CoxData
        The rows (:func:`twingraph.survival.likelihood.prepare`).
    beta : numpy.ndarray
        Coefficients.

    Returns
    -------
    value : float
        Penalised log partial likelihood (``-inf`` when the information is not positive definite).
    gradient : numpy.ndarray
        Its gradient.
    """
    pl = lk.evaluate(data, beta)
    v, g, _ = _penalty_gradient(data, beta)
    return pl.loglik + v, pl.score + g


class FirthCoxPH(CoxPH):
    """Cox regression with Firth's penalty and profile-penalised-likelihood intervals.

    Parameters
    ----------
    alpha
        1 - level of the profile-likelihood intervals.
    ties
        ``"breslow"`` (default, as R's ``coxphf``) or ``"efron"``.

    Notes
    -----
    Same table conventions, input checks and drops as :class:`CoxPH`.  Learned attributes:
    ``params_`` (penalised estimates), ``standard_errors_`` (sqrt of the diagonal of ``I(beta)^-1``,
    for reference only), ``confidence_intervals_`` (profile penalised likelihood), ``p_values_``
    (penalised likelihood-ratio tests), ``penalized_log_likelihood_``, ``monotone_`` (which
    coefficients the *unpenalised* likelihood cannot estimate).

    References
    ----------
    Heinze, G. & Schemper, M. (2001). A solution to the problem of monotone likelihood in Cox
    regression. *Biometrics* 57, 114-119.

    Examples
    --------
    Every exposed subject fails before any unexposed one: the MLE is infinite, Firth's is not.

    >>> import pandas as pd
    >>> df = pd.DataFrame({"t": [1, 2, 3, 4, 5, 6], "e": [1, 1, 1, 0, 0, 0], "x": [1, 1, 1, 0, 0, 0]})
    >>> f = FirthCoxPH().fit(df, "t", "e", "x")
    >>> bool(f.monotone_["x"]), bool(f.params_["x"] < 5)
    (True, True)
    """

    def __init__(self, alpha: float = 0.05, ties: str = "breslow") -> None:
        super().__init__(alpha=alpha, ties=ties)

    def fit(self, table: pd.DataFrame, duration_col: str | None = None, event_col: str = "event",
            covariates: Sequence[str] | str | None = None, *, start_col: str = "start", stop_col: str = "stop",
            strata: Sequence[str] | str | None = None, **ignored: Any) -> FirthCoxPH:
        """Fit the penalised model (clustered SEs are not offered: intervals are likelihood-based).

        Parameters
        ----------
        table, duration_col, event_col, covariates, start_col, stop_col, strata
            As :meth:`CoxPH.fit`.
        **ignored
            Any other keyword (``cluster_col``, ``dyad_cols``, ...) raises ``TypeError``.

        Returns
        -------
        self
        """
        if ignored:
            raise TypeError(f"FirthCoxPH.fit does not take {sorted(ignored)}")
        df, dropped, covariates, strata_cols, data = self._prepare(
            table, duration_col, event_col, covariates, start_col, stop_col, strata, [])
        self._check_collinear(data, covariates)
        self.monotone_ = pd.Series(fit_or_separation(data)[4], index=covariates, name="monotone")

        def penalty(b: np.ndarray, pl: lk.PartialLikelihood) -> tuple[float, np.ndarray, np.ndarray]:
            """Firth's term for :func:`~twingraph.survival.likelihood.newton`: ``1/2 log det I``, its gradient,
            no Hessian.

            Parameters
            ----------
            b : numpy.ndarray
                Coefficients.
            pl : PartialLikelihood
                Unused.

            Returns
            -------
            tuple of (float, numpy.ndarray, numpy.ndarray)
            """
            v, g, _ = _penalty_gradient(data, b)
            return v, g, np.zeros((len(b), len(b)))

        beta, pl, iters, conv = lk.newton(data, max_iter=100, penalty=penalty)
        fmax = firth_penalty(data, beta)[0]
        p = len(covariates)
        q = stats.chi2.ppf(1 - self.alpha, 1)

        def profile(k: int, b: float, start: np.ndarray) -> tuple[float, np.ndarray]:
            """Profile penalised log-likelihood with coefficient ``k`` fixed at ``b``.

            Parameters
            ----------
            k : int
                Index of the fixed coefficient.
            b : float
                Its value.
            start : numpy.ndarray
                Start for the other coefficients.

            Returns
            -------
            tuple of (float, numpy.ndarray)
                The maximum and the other coefficients at it.
            """
            if p == 1:
                return firth_penalty(data, np.array([b]))[0], start
            free = [j for j in range(p) if j != k]

            def neg(v: np.ndarray) -> tuple[float, np.ndarray]:
                """Minus the penalised log-likelihood and gradient over the free coefficients.

                Parameters
                ----------
                v : numpy.ndarray
                    Free coefficients.

                Returns
                -------
                tuple of (float, numpy.ndarray)
                """
                full = np.insert(v, k, b)
                f, g = firth_penalty(data, full)
                return -f, -g[free]

            res = optimize.minimize(neg, start, jac=True, method="BFGS", options={"gtol": 1e-9})
            return -res.fun, res.x

        lower, upper, pvals = [], [], []
        info = pl.information
        se = np.sqrt(np.clip(np.diag(np.linalg.inv(info)), 0, None))
        for k in range(p):
            rest = np.delete(beta, k)
            def dev(b: float, k: int = k, rest: np.ndarray = rest) -> float:
                return 2 * (fmax - profile(k, b, rest)[0]) - q

            bounds = []
            for sign in (-1.0, 1.0):
                step = max(se[k], 0.1)
                lo, hi = beta[k], beta[k] + sign * step
                while dev(hi) < 0 and abs(hi - beta[k]) < 100:
                    lo, hi = hi, beta[k] + 2 * (hi - beta[k])
                bounds.append(optimize.brentq(dev, min(lo, hi), max(lo, hi), xtol=1e-10) if dev(hi) >= 0
                              else sign * np.inf)
            lower.append(bounds[0])
            upper.append(bounds[1])
            lr = max(2 * (fmax - profile(k, 0.0, rest)[0]), 0.0)
            pvals.append(float(stats.chi2.sf(lr, 1)))
        self.covariates_ = covariates
        self.params_ = pd.Series(beta, index=covariates, name="coef")
        self.standard_errors_ = pd.Series(se, index=covariates, name="se")
        self.hazard_ratios_ = pd.Series(np.exp(beta), index=covariates, name="hazard_ratio")
        self.confidence_intervals_ = pd.DataFrame({"lower": lower, "upper": upper}, index=covariates)
        self.p_values_ = pd.Series(pvals, index=covariates, name="p")
        self.variance_matrix_ = self.naive_variance_matrix_ = pd.DataFrame(np.linalg.inv(info), index=covariates,
                                                                           columns=covariates)
        self.penalized_log_likelihood_ = float(fmax)
        self.log_likelihood_ = float(pl.loglik)
        self.log_likelihood_null_ = float(lk.evaluate(data, np.zeros(p)).loglik)
        self.estimable_ = pd.Series(True, index=covariates, name="estimable")
        self.converged_ = bool(conv)
        self.n_iterations_ = int(iters)
        self.variance_type_ = "profile penalized likelihood"
        self.n_obs_, self.n_events_, self.n_clusters_ = int(len(df)), int(data.event.sum()), None
        self.dropped_, self.n_dropped_ = dropped, int(sum(dropped.values()))
        self.cluster_, self.strata_ = None, strata_cols
        self.score_residuals_ = lk.score_residuals(data, beta)
        self.variance_clipped_ = False
        self._data, self._table = data, df
        self._time_cols = (duration_col, start_col, stop_col, event_col)
        self._baseline(df, strata_cols)
        return self

    @property
    def summary(self) -> pd.DataFrame:
        """coef, se (information-based, reference only), hazard_ratio, hr_lower/hr_upper (profile
        penalised likelihood), p (penalised likelihood-ratio test), status.

        Returns
        -------
        DataFrame
            One row per covariate.
        """
        self._check_fitted()
        b = self.params_
        out = pd.DataFrame({"coef": b, "se": self.standard_errors_, "hazard_ratio": np.exp(b),
                            "hr_lower": np.exp(self.confidence_intervals_["lower"]),
                            "hr_upper": np.exp(self.confidence_intervals_["upper"]), "p": self.p_values_})
        out["status"] = np.where(self.monotone_, "Firth estimate (unpenalised MLE infinite)", "Firth estimate")
        return out

    def _summary_header(self, decimals: int) -> list[str]:
        return [f"<twingraph.survival.FirthCoxPH: ties={self.ties}>",
                f"  observations = {self.n_obs_} (dropped {self.n_dropped_}: {self.dropped_}), "
                f"events = {self.n_events_}",
                f"  penalized log-likelihood = {self.penalized_log_likelihood_:.{decimals}f}",
                f"  intervals: profile penalized likelihood, {1 - self.alpha:.0%}; p: penalized LR test", ""]

    def _summary_line(self, name: Any, row: pd.Series, decimals: int) -> str:
        return (f"  {name}: coef {row['coef']:.{decimals}f}, HR {row['hazard_ratio']:.{decimals}f} "
                f"[{row['hr_lower']:.{decimals}f}, {row['hr_upper']:.{decimals}f}], p {row['p']:.3g}  "
                f"({row['status']})")
