"""Competing risks: Aalen–Johansen cumulative incidence and Fine–Gray regression."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from statsmodels.duration.survfunc import CumIncidenceRight

from .base import RegressionFitter, UnivariateFitter, default_covariates, resolve_alias
from .cox import check_numeric_covariates
from .nonparametric import _loglog_ci, _step, warn_dropped

__all__ = ["CumulativeIncidence", "FineGray", "CIF_VARIANCES"]

#: The two variances of an Aalen–Johansen cumulative incidence (aliases: the R function giving it).
CIF_VARIANCES = {"aalen-johansen": "aalen-johansen", "survfit": "aalen-johansen", "gray": "gray", "cuminc": "gray"}


def gray_variance(d: np.ndarray, status: np.ndarray, code: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative incidence of cause ``code`` and its variance by ``cmprsk::cuminc`` (Gray's Fortran ``cinc``).

    Parameters
    ----------
    d
        Times (right-censored).
    status
        0 = censored, otherwise the cause code.
    code
        The cause of interest.

    Returns
    -------
    (times, F, var)
        At every distinct time: the estimate and the variance, which, as in ``cuminc``, changes only
        at times with an event of the cause of interest (it stays put at competing-only times).

    Notes
    -----
    With ``S(t-)`` the Kaplan–Meier of any event just before ``t`` (``fk``), ``S(t)`` (``fkn``),
    ``n`` at risk and ``d1``/``d2`` events of the cause / of other causes, each cause adds
    ``t6 = fk^2 (1 - (d - 1)/(n - 1)) d / n^2`` times ``(t4^2, t3 t4, t3^2)`` to ``(v1, v2, v3)``,
    with ``t3 = 1/fkn`` and ``t4 = F/fkn`` (other causes) or ``1 + F/fkn`` (the cause);
    ``var = v1 + F^2 v3 - 2 F v2`` (Gray 1988; cmprsk's ``cinc.f``).
    """
    ut, inv = np.unique(d, return_inverse=True)
    ds = np.sort(d)
    rs = (len(d) - np.searchsorted(ds, ut, side="left")).astype(float)
    nd1 = np.bincount(inv, weights=(status == code).astype(float), minlength=len(ut))
    nd = np.bincount(inv, weights=(status != 0).astype(float), minlength=len(ut))
    nd2 = nd - nd1
    fkn = np.cumprod(1 - nd / rs)
    fk = np.r_[1.0, fkn[:-1]]
    F = np.cumsum(fk * nd1 / rs)
    with np.errstate(divide="ignore", invalid="ignore"):
        t3 = np.where(fkn > 0, 1 / fkn, 0.0)

        def t6(k: np.ndarray) -> np.ndarray:
            t5 = np.where(k > 1, 1 - (k - 1) / np.maximum(rs - 1, 1), 1.0)
            return fk ** 2 * t5 * k / rs ** 2

        w2 = np.where((nd2 > 0) & (fkn > 0), t6(nd2), 0.0)
        w1 = np.where(nd1 > 0, t6(nd1), 0.0)
    t4o, t4c = F * t3, 1 + F * t3
    v1 = np.cumsum(t4o ** 2 * w2 + t4c ** 2 * w1)
    v2 = np.cumsum(t3 * t4o * w2 + t3 * t4c * w1)
    v3 = np.cumsum(t3 ** 2 * (w2 + w1))
    var = np.where(nd1 > 0, v1 + F ** 2 * v3 - 2 * F * v2, np.nan)
    var = pd.Series(var).ffill().fillna(0.0).to_numpy()
    return ut, F, var


class CumulativeIncidence(UnivariateFitter):
    """Aalen–Johansen cumulative incidence of one cause among competing end types (statsmodels ``CumIncidenceRight``).

    Parameters
    ----------
    alpha
        1 - level of the pointwise band.
    variance
        Which variance ``standard_errors_`` and the band use (both are always computed, see
        ``variances_``):

        * ``"aalen-johansen"`` (default; alias ``"survfit"``): the Aalen–Johansen variance of R's
          ``survfit(Surv(time, factor(cause)) ~ 1)`` (its ``std.err``; statsmodels'
          ``CumIncidenceRight``);
        * ``"gray"`` (alias ``"cuminc"``): Gray's (1988) variance of ``cmprsk::cuminc`` (its ``var``),
          up to a few percent different, and constant between events of the cause of interest.

    Notes
    -----
    ``event_types`` holds the cause of each ended spell (e.g. ``"suspended"``, ``"terminated"``)
    and ``None``/NaN for censored ones, or pass ``events``: rows with 0 are censored, and a row with
    1 but no cause is a *missing cause*: dropped, counted (``dropped_["missing-cause"]``) and warned
    about, as ``cuminc`` drops it (``na.omit``).  Right censoring only, no left truncation.  The band
    is pointwise, ``F ** exp(-+ z se / (F log F))`` (the log(-log) scale).  The CIFs of all causes
    add up to 1 - Kaplan–Meier of any end.
    """

    _estimate_attr = "cumulative_density_"
    _estimate_name = "cumulative_incidence"
    _before = 0.0
    _ylabel = "cumulative incidence"

    def __init__(self, alpha: float = 0.05, variance: str = "aalen-johansen") -> None:
        if variance not in CIF_VARIANCES:
            raise ValueError(f"variance must be one of {sorted(CIF_VARIANCES)}; got {variance!r}")
        super().__init__(alpha)
        self.variance = variance

    def fit(self, durations: Any, event_types: Any, cause: Any = None, events: Any = None,
            label: str | None = None, *, event_of_interest: Any = None) -> CumulativeIncidence:
        """Estimate F(t) = P(T <= t, cause) for ``cause``.

        Parameters
        ----------
        durations
            Time of end or censoring; rows with a missing duration (or event flag) are dropped,
            counted (``dropped_``, ``n_dropped_``) and warned about.
        event_types
            Cause of each ended row; None/NaN = censored (unless ``events`` says the row ended).
        cause
            The cause of interest.
        events
            Optional 0/1 flags: rows with 0 are censored whatever their type; rows with 1 and no
            type have a missing cause (dropped and counted).
        label
            Column name of the curve.
        event_of_interest
            The lifelines alias of ``cause``.

        Returns
        -------
        self
        """
        cause = resolve_alias("cause", cause, "event_of_interest", event_of_interest)
        if cause is None:
            raise ValueError("cause (event_of_interest) is required")
        d = np.asarray(durations, float)
        types = pd.Series(np.asarray(event_types, dtype=object))
        censored = types.isna().to_numpy().copy()
        keep = ~np.isnan(d)
        no_cause = np.zeros(len(d), bool)
        if events is not None:
            ev = np.asarray(pd.to_numeric(pd.Series(np.asarray(events)), errors="coerce"), float)
            bad = ~np.isnan(ev) & ~np.isin(ev, [0.0, 1.0])
            if bad.any():
                raise ValueError("events must be 0/1")
            keep &= ~np.isnan(ev)
            no_cause = keep & (ev == 1) & censored
            censored |= ev == 0
        if np.isinf(d[keep]).any():
            raise ValueError("infinite durations")
        self.dropped_ = {"missing": int((~keep).sum()), "missing-cause": int(no_cause.sum())}
        self.n_dropped_ = int(sum(self.dropped_.values()))
        warn_dropped(self.dropped_, "CumulativeIncidence", stacklevel=2)
        keep &= ~no_cause
        d, types, censored = d[keep], types[keep].reset_index(drop=True), censored[keep]
        if len(d) == 0:
            raise ValueError("no usable durations")
        # causes are matched by value (1 == 1.0), labelled by their text
        key = types.map(lambda v: v if isinstance(v, str) else (float(v) if pd.notna(v) else v))
        kc = cause if isinstance(cause, str) else float(cause)
        present = sorted({k for k in key[~censored]}, key=str)
        causes = [str(c) for c in present]
        if kc not in present:
            raise ValueError(f"cause {cause!r} never occurs; causes: {causes}")
        code = {c: i + 1 for i, c in enumerate(present)}
        status = np.where(censored, 0, key.map(code).fillna(0).to_numpy()).astype(float)
        with np.errstate(divide="ignore", invalid="ignore"):  # SE at the last time: 0/0
            ci = CumIncidenceRight(d, status)
        k = code[kc] - 1
        start = min(0.0, float(d.min()))
        times, f, se = np.asarray(ci.times, float), np.asarray(ci.cinc[k], float), np.asarray(ci.cinc_se[k], float)
        gt, _, gvar = gray_variance(d, status, code[kc])
        se_gray = np.sqrt(_step(gt, gvar, times, before=0.0))
        if not len(times) or times[0] > start:     # the origin, unless an end happens there
            times, f, se, se_gray = np.r_[start, times], np.r_[0.0, f], np.r_[0.0, se], np.r_[0.0, se_gray]
        self.label = label or f"CIF_{cause}"
        self.cause, self.causes_ = cause, causes
        idx = pd.Index(times, name="timeline")
        self.timeline_ = times
        self.cumulative_density_ = pd.DataFrame({self.label: f}, index=idx)
        self.variance_type_ = CIF_VARIANCES[self.variance]
        self.variances_ = pd.DataFrame({"aalen-johansen": se ** 2, "gray": se_gray ** 2}, index=idx)
        chosen = se if self.variance_type_ == "aalen-johansen" else se_gray
        lo, hi = _loglog_ci(f, chosen, self.alpha)
        lo[f <= 0] = hi[f <= 0] = 0.0
        level = f"{1 - self.alpha:g}"
        self.confidence_interval_ = pd.DataFrame({f"{self.label}_lower_{level}": lo,
                                                  f"{self.label}_upper_{level}": hi}, index=idx)
        self.standard_errors_ = pd.Series(chosen, index=idx, name="se")
        self.results_ = ci
        return self


    @property
    def summary(self) -> pd.DataFrame:
        """cumulative_incidence, se and lower/upper (of the chosen variance), then both SEs by name.

        ``variance_type_`` names the variance behind ``se`` and the band; ``se_aalen_johansen`` is
        R ``survfit``'s ``std.err``, ``se_gray`` is ``sqrt`` of ``cmprsk::cuminc``'s ``var``.

        Returns
        -------
        DataFrame
            One row per time of the timeline.
        """
        self._check_fitted()
        ci = self.confidence_interval_.set_axis(["lower", "upper"], axis=1)
        out = pd.concat([self.cumulative_density_.set_axis(["cumulative_incidence"], axis=1),
                         self.standard_errors_, ci], axis=1)
        out["se_aalen_johansen"] = np.sqrt(self.variances_["aalen-johansen"])
        out["se_gray"] = np.sqrt(self.variances_["gray"])
        return out

    def plot(self, ax: Any = None, ci: bool = True, **kwargs: Any) -> Any:
        """Step plot of the cumulative incidence with its band.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw (default: the current axes).
        ci : bool
            Shade the pointwise band.
        **kwargs
            Passed to ``Axes.step``.

        Returns
        -------
        matplotlib Axes
        """
        import matplotlib.pyplot as plt

        self._check_fitted()
        ax = ax or plt.gca()
        t = self.timeline_
        (line,) = ax.step(t, self.cumulative_density_.iloc[:, 0], where="post", label=self.label, **kwargs)
        if ci:
            ax.fill_between(t, self.confidence_interval_.iloc[:, 0], self.confidence_interval_.iloc[:, 1],
                            step="post", alpha=0.25, color=line.get_color())
        ax.set_xlabel("years")
        ax.set_ylabel("cumulative incidence")
        return ax



class FineGray(RegressionFitter):
    """Fine–Gray proportional subdistribution-hazards regression (R ``cmprsk::crr``).

    Parameters
    ----------
    alpha
        1 - level of the Wald intervals.

    Notes
    -----
    Subjects failing from a competing cause stay in the risk set after their failure with weight
    ``G(t-) / G(T_j-)`` (``G`` = Kaplan–Meier of the censoring distribution, one censoring group),
    Breslow handling of ties.  The variance is Fine & Gray's sandwich ``I^-1 sum_i (eta_i + psi_i)^2
    I^-1``, where ``psi_i`` accounts for the estimation of ``G`` (as ``crr``'s ``crrvv``).  Rows with a
    missing time or covariate, and (by default) rows with a missing cause, are dropped, counted
    (``dropped_``, ``n_dropped_``; cmprsk's ``n.missing``) and warned about.

    References
    ----------
    Fine, J. P. & Gray, R. J. (1999). A proportional hazards model for the subdistribution of a
    competing risk. *JASA* 94, 496-509.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"t": [1, 2, 3, 4, 5, 6, 7, 8], "cause": [1, 2, 1, 0, 1, 2, 0, 1],
    ...                    "x": [1, 0, 1, 0, 0, 1, 0, 1]})
    >>> fg = FineGray().fit(df, "t", "cause", event_of_interest=1, covariates="x")
    >>> list(fg.summary.columns)[:3]
    ['coef', 'se', 'hazard_ratio']
    """

    _ratio_name = "sHR"

    def __init__(self, alpha: float = 0.05) -> None:
        super().__init__(alpha)

    def fit(self, table: pd.DataFrame, duration_col: str, event_col: str, event_of_interest: Any,
            covariates: Any = None, *, censored_value: Any = 0, missing_cause: str = "drop") -> FineGray:
        """Fit the subdistribution hazard of ``event_of_interest``.

        Parameters
        ----------
        table
            One row per subject.
        duration_col
            Time of failure or censoring.
        event_col
            Cause of failure; ``censored_value`` (default 0) = censored.  A missing value is a
            *missing cause* (see ``missing_cause``), not a censoring.
        event_of_interest
            The cause whose cumulative incidence is modelled.
        covariates
            Column(s); None = every other numeric column.  A column that is not numeric raises
            ``ValueError`` naming it (encode text as dummies first).
        censored_value
            The code of censored rows.
        missing_cause
            ``"drop"`` (default, as ``cmprsk::crr``'s ``na.omit``): rows with a missing cause are
            dropped, counted in ``dropped_["missing-cause"]`` and warned about; ``"raise"``: refuse
            them with ``ValueError``.

        Returns
        -------
        self
        """
        from scipy import stats

        if missing_cause not in ("drop", "raise"):
            raise ValueError(f"missing_cause must be 'drop' or 'raise'; got {missing_cause!r}")
        covariates = default_covariates(table, covariates, {duration_col, event_col})
        check_numeric_covariates(table, covariates, "FineGray")
        df = table[[duration_col, event_col] + covariates]
        status_raw = df[event_col]
        miss = df[[duration_col] + covariates].isna().any(axis=1)
        no_cause = ~miss & status_raw.isna()
        if no_cause.any() and missing_cause == "raise":
            raise ValueError(f"FineGray: {int(no_cause.sum())} rows have a missing cause in {event_col!r} "
                             "(missing_cause='drop' drops and counts them, as cmprsk::crr)")
        self.dropped_ = {"missing": int(miss.sum()), "missing-cause": int(no_cause.sum())}
        self.n_dropped_ = int(sum(self.dropped_.values()))
        warn_dropped(self.dropped_, "FineGray", stacklevel=2)
        keep = ~miss & ~no_cause
        cens = status_raw == censored_value
        df, cens = df[keep], cens[keep]
        if not (status_raw[keep] == event_of_interest).any():
            raise ValueError(f"event_of_interest {event_of_interest!r} never occurs")
        order = np.argsort(df[duration_col].to_numpy(float), kind="stable")
        t = df[duration_col].to_numpy(float)[order]
        x = df[covariates].to_numpy(float)[order]
        ici = np.where(cens.to_numpy()[order], 0, np.where(status_raw[keep].to_numpy()[order] == event_of_interest,
                                                             1, 2))
        n, p = x.shape
        # G(t-): Kaplan–Meier of the censoring distribution just before each row's time
        ut, inv = np.unique(t, return_inverse=True)
        Y = (n - np.searchsorted(t, ut, side="left")).astype(float)
        c = np.bincount(inv, weights=(ici == 0).astype(float), minlength=len(ut))
        G_at = np.cumprod(1 - c / Y)
        G_before = np.r_[1.0, G_at[:-1]]
        G = G_before[inv]                                   # G(t_i-)
        fail = np.flatnonzero(ici == 1)
        oc = ici == 2

        def pieces(beta: np.ndarray):
            """Log-likelihood pieces of the weighted risk sets at ``beta``."""
            e = np.exp(x @ beta - (x @ beta).max())
            ex, exx = e[:, None] * x, e[:, None, None] * x[:, :, None] * x[:, None, :]
            tf = t[fail]
            first = np.searchsorted(t, tf, side="left")     # rows with t >= t_f start here
            sums = []
            for v in (e, ex, exx):
                suffix = np.concatenate([np.cumsum(v[::-1], axis=0)[::-1], np.zeros((1,) + v.shape[1:])])
                w = np.where(oc.reshape((-1,) + (1,) * (v.ndim - 1)), v / G.reshape((-1,) + (1,) * (v.ndim - 1)), 0)
                prefix = np.concatenate([np.zeros((1,) + v.shape[1:]), np.cumsum(w, axis=0)])
                gf = G[fail].reshape((-1,) + (1,) * (v.ndim - 1))
                sums.append(suffix[first] + gf * prefix[first])
            s0, s1, s2 = sums
            m = s1 / s0[:, None]
            info = (s2 / s0[:, None, None] - m[:, :, None] * m[:, None, :]).sum(0)
            shift = (x @ beta).max()
            ll = float((x[fail] @ beta).sum() - (np.log(s0) + shift).sum())
            score = (x[fail] - m).sum(0)
            return ll, score, info, e, s0, m

        beta = np.zeros(p)
        ll, score, info, *_ = pieces(beta)
        for _ in range(100):
            step = np.linalg.solve(info, score)
            for _h in range(40):
                ll2, score2, info2, *_ = pieces(beta + step)
                if ll2 >= ll - 1e-12 * abs(ll):
                    break
                step /= 2
            beta = beta + step
            done = np.max(np.abs(step)) < 1e-11
            ll, score, info = ll2, score2, info2
            if done:
                break
        ll, score, info, e, s0, m = pieces(beta)
        # eta_i: the score residual of row i
        tf, Gf = t[fail], G[fail]
        C0 = np.r_[0.0, np.cumsum(1 / s0)]
        C1 = np.r_[np.zeros((1, p)), np.cumsum(m / s0[:, None], axis=0)]
        upto = np.searchsorted(tf, t, side="right")          # failures with t_f <= t_i
        eta = -(e[:, None] * (x * C0[upto][:, None] - C1[upto]))
        D0 = np.r_[np.cumsum((Gf / s0)[::-1])[::-1], 0.0]
        D1 = np.r_[np.cumsum((Gf[:, None] * m / s0[:, None])[::-1], axis=0)[::-1], np.zeros((1, p))]
        later = upto                                          # first failure with t_f > t_i
        w_oc = np.where(oc, e / G, 0.0)
        eta -= w_oc[:, None] * (x * D0[later][:, None] - D1[later])
        eta[fail] += x[fail] - m
        # psi_i: the correction for estimating G
        first_f = np.searchsorted(tf, ut, side="left")        # failures with t_f >= u
        E0 = np.r_[np.cumsum((Gf / s0)[::-1])[::-1], 0.0][first_f]
        E1 = np.r_[np.cumsum((Gf[:, None] * m / s0[:, None])[::-1], axis=0)[::-1], np.zeros((1, p))][first_f]
        wx = np.where(oc, e / G, 0.0)
        P0 = np.r_[0.0, np.cumsum(wx)][np.searchsorted(t, ut, side="left")]
        P1 = np.r_[np.zeros((1, p)), np.cumsum(wx[:, None] * x, axis=0)][np.searchsorted(t, ut, side="left")]
        q = P1 * E0[:, None] - P0[:, None] * E1               # q(u) at each distinct time u
        comp = np.cumsum(c[:, None] * q / Y[:, None] ** 2, axis=0)
        psi = -comp[inv]
        psi[ici == 0] += q[inv][ici == 0] / Y[inv][ici == 0, None]
        U = eta + psi
        Iinv = np.linalg.inv(info)
        cov = Iinv @ (U.T @ U) @ Iinv
        se = np.sqrt(np.diag(cov))
        z = stats.norm.ppf(1 - self.alpha / 2)
        self.covariates_ = covariates
        self.params_ = pd.Series(beta, index=covariates, name="coef")
        self.standard_errors_ = pd.Series(se, index=covariates, name="se")
        self.variance_matrix_ = pd.DataFrame(cov, index=covariates, columns=covariates)
        self.naive_variance_matrix_ = pd.DataFrame(Iinv, index=covariates, columns=covariates)
        self.confidence_intervals_ = pd.DataFrame({"lower": beta - z * se, "upper": beta + z * se}, index=covariates)
        self.log_likelihood_ = ll
        self.n_obs_, self.n_events_ = int(n), int(len(fail))
        self.n_competing_, self.n_censored_ = int(oc.sum()), int((ici == 0).sum())
        self.event_of_interest = event_of_interest
        return self

    @property
    def summary(self) -> pd.DataFrame:
        """The coefficients as a table.

        Returns
        -------
        DataFrame
            coef (log subdistribution HR), se, hazard_ratio, hr_lower, hr_upper, z, p (Wald).
        """
        return self.wald_table()

    def _summary_header(self, decimals: int) -> list[str]:
        return [f"<twingraph.survival.FineGray: event_of_interest={self.event_of_interest!r}>",
                f"  observations = {self.n_obs_} (dropped {self.n_dropped_}), events of interest = {self.n_events_}, "
                f"competing = {self.n_competing_}, censored = {self.n_censored_}", ""]

    def _summary_line(self, name: Any, row: pd.Series, decimals: int) -> str:
        return (f"  {name}: coef {row['coef']:.{decimals}f} (se {row['se']:.{decimals}f}), sHR "
                f"{row['hazard_ratio']:.{decimals}f} "
                f"[{row['hr_lower']:.{decimals}f}, {row['hr_upper']:.{decimals}f}], "
                f"p {row['p']:.3g}")
