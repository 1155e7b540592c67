"""Cox proportional-hazards regression on a duration or counting-process table.

Estimation runs on the vectorised partial likelihood of :mod:`twingraph.survival.likelihood`
(Breslow or Efron ties, Newton–Raphson with step halving, as R's ``coxph``), checked against R's
``survival`` and statsmodels' ``PHReg`` in the tests.  Standard errors: model-based, one-way or
multi-way clustered, or dyadic-robust (:mod:`twingraph.survival.robust`).  A monotone likelihood is
detected exactly (:mod:`twingraph.survival.separation`) and reported as *not estimable*; for those
data use :class:`twingraph.survival.FirthCoxPH`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import linalg, stats

from ..exceptions import TwingraphWarning
from . import likelihood as lk
from .nonparametric import warn_dropped
from .base import RegressionFitter, default_covariates, resolve_alias
from .robust import cluster_variance, dyadic_variance, multiway_variance
from .separation import fit_or_separation

__all__ = ["CoxPH", "NotEstimableWarning"]


class NotEstimableWarning(TwingraphWarning, RuntimeWarning):
    """The partial likelihood has no finite maximum in some coefficient (monotone likelihood)."""


def _score_residuals(stop: np.ndarray, start: np.ndarray, status: np.ndarray, exog: np.ndarray,
                     strata: np.ndarray | None, params: np.ndarray, ties: str = "breslow") -> np.ndarray:
    """Score residuals of each row (risk set ``start < t <= stop``); see :func:`likelihood.score_residuals`."""
    data = lk.prepare(start, stop, status, exog, strata, ties)
    return lk.score_residuals(data, params)


def _as_list(x: Sequence[str] | str | None) -> list[str]:
    return [x] if isinstance(x, str) else list(x or [])


def check_numeric_covariates(table: pd.DataFrame, covariates: Sequence[str], where: str) -> None:
    """Refuse a covariate that is not numeric, naming the column (instead of numpy's "could not convert").

    Numeric and boolean columns pass, and so do object columns whose values are all numbers (or
    missing).  Text, categorical and date columns raise ``ValueError``: encode them first, as R's
    factor coding does, e.g. ``pd.get_dummies(table, columns=[name], drop_first=True, dtype=float)``
    (the first level is the reference).

    Parameters
    ----------
    table : DataFrame
        The data.
    covariates : sequence of str
        Columns to check.
    where : str
        Caller's name, for the message.
    """
    for c in covariates:
        col = table[c]
        if pd.api.types.is_bool_dtype(col) or (pd.api.types.is_numeric_dtype(col)
                                               and not isinstance(col.dtype, pd.CategoricalDtype)):
            continue
        if pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col):
            conv = pd.to_numeric(col, errors="coerce")
            bad = col.notna() & conv.isna()
            if not bad.any():
                continue
            examples = list(dict.fromkeys(col[bad].astype(str)))[:3]
        else:
            examples = list(dict.fromkeys(col.dropna().astype(str)))[:3]
        raise ValueError(
            f"{where}: covariate {c!r} is not numeric ({col.dtype}; values such as {examples}). Encode it "
            f"first, e.g. as R's factor coding does: pd.get_dummies(table, columns=[{c!r}], drop_first=True, "
            "dtype=float) (the first level is the reference)")


def clean_survival_table(table: pd.DataFrame, time_cols: list[str], event_col: str, other_cols: list[str],
                         counting: bool) -> tuple[pd.DataFrame, dict[str, int]]:
    """Drop rows R's ``survival`` would drop, with counts; raise on values R would refuse.

    Dropped (counted in the returned dict): a missing value in a used column (``missing``); with
    ``(start, stop]`` rows, ``stop <= start`` (``zero-length``: never at risk; R's ``Surv`` makes
    them NA).  Refused: event flags other than 0/1 (or False/True), non-numeric times.

    Parameters
    ----------
    table : DataFrame
        The data.
    time_cols : list of str
        ``[duration]`` or ``[start, stop]``.
    event_col : str
        Event flag column.
    other_cols : list of str
        Other used columns (covariates, strata, clusters).
    counting : bool
        ``time_cols`` are ``(start, stop]``.

    Returns
    -------
    table : DataFrame
        The kept rows, restricted to the used columns.
    dropped : dict of str to int
        ``missing`` and ``zero-length`` counts.
    """
    df = table[list(dict.fromkeys(time_cols + [event_col] + other_cols))]
    miss = df.isna().any(axis=1)
    for c in time_cols:
        if not pd.api.types.is_numeric_dtype(df[c]) or pd.api.types.is_bool_dtype(df[c]):
            raise ValueError(f"time column {c!r} must be numeric")
    ok_times = np.isfinite(df[time_cols].to_numpy(float)).all(axis=1) | miss.to_numpy()
    if not ok_times.all():
        raise ValueError(f"infinite values in {time_cols}")
    ev = df[event_col]
    bad = ev.notna() & ~ev.isin([0, 1])
    if bad.any():
        raise ValueError(f"{event_col!r} must be 0/1 (censored/event); found {sorted(set(ev[bad].tolist()))[:5]} "
                         "(for competing causes use CumulativeIncidence / FineGray)")
    df = df[~miss]
    zero = pd.Series(False, index=df.index)
    if counting:
        zero = ~(df[time_cols[1]] > df[time_cols[0]])
        df = df[~zero]
    return df, {"missing": int(miss.sum()), "zero-length": int(zero.sum())}


class CoxPH(RegressionFitter):
    """Cox proportional-hazards regression on a duration or counting-process table.

    Parameters
    ----------
    alpha
        1 - confidence level of the Wald intervals.
    ties
        ``"breslow"`` (default) or ``"efron"`` (R's default) for tied event times.

    Notes
    -----
    With ``start``/``stop`` columns a row is at risk on ``(start, stop]`` (left truncation, or the
    episodes of a time-varying covariate), as R's ``Surv(start, stop, event)``.  ``strata`` fits a
    separate baseline hazard per stratum.

    Standard errors (``fit(..., cluster_col=..., dyad_cols=...)``):

    * none: model-based (inverse observed information);
    * ``cluster_col="g"``: Lin–Wei sandwich summing score residuals (Breslow- or Efron-type, matching
      ``ties``) within clusters, as R's ``coxph(..., cluster=g)`` (no small-sample factor);
    * ``cluster_col=["g", "h"]``: two-way (multi-way) clustering (Cameron, Gelbach & Miller 2011);
    * ``dyad_cols=("a", "b")``: dyadic-robust (Aronow, Samii & Assenova 2015): rows whose dyads
      share either endpoint are dependent.  This is the right one for ties between places.

    Bad input: rows with a missing used value and ``(start, stop]`` rows with ``stop <= start`` are
    dropped, counted (``dropped_``, ``n_dropped_``) and warned about (``RuntimeWarning``, the same
    message as :class:`KaplanMeier` and :func:`logrank_test`); event flags other than 0/1, no events,
    covariates that are not numeric (the error names the column; encode text as dummies first), and
    covariates that are constant or collinear (within strata) raise ``ValueError``.

    Monotone likelihood: when some coefficient has no finite maximum (e.g. every exposed tie ends
    and no unexposed one does while both are at risk) the coefficient is *not estimable*:
    ``estimable_[name]`` is False, ``converged_`` is False, a :class:`NotEstimableWarning` is issued,
    and :attr:`summary` shows NaN with ``status = "not estimable (monotone likelihood)"``.  Use
    :class:`~twingraph.survival.FirthCoxPH` for a finite, penalised estimate.

    Learned attributes: ``params_``, ``standard_errors_``, ``hazard_ratios_``,
    ``confidence_intervals_``, ``variance_matrix_`` (of the chosen SE type), ``naive_variance_matrix_``,
    ``score_residuals_`` (rows x p), ``log_likelihood_``, ``log_likelihood_null_``, ``n_obs_``,
    ``n_events_``, ``n_clusters_``, ``estimable_``, ``converged_``, ``n_iterations_``,
    ``baseline_cumulative_hazard_`` (at covariates 0, per stratum), ``variance_type_``.

    References
    ----------
    Cox, D. R. (1972). Regression models and life-tables. *JRSS B* 34, 187-220.
    Therneau, T. M. & Grambsch, P. M. (2000). *Modeling Survival Data*. Springer.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"stop": [1, 2, 3, 4, 5, 6], "event": [1, 1, 0, 1, 1, 0],
    ...                    "x": [0, 1, 0, 1, 1, 0]})
    >>> round(float(CoxPH().fit(df, duration_col="stop", covariates="x").params_["x"]), 4)  # R coxph: 0.84553
    0.8455
    """

    def __init__(self, alpha: float = 0.05, ties: str = "breslow") -> None:
        if ties not in ("breslow", "efron"):
            raise ValueError("ties must be 'breslow' or 'efron'")
        super().__init__(alpha)
        self.ties = ties

    # ------------------------------------------------------------------------------------------
    def _prepare(self, table: pd.DataFrame, duration_col: str | None, event_col: str, covariates: Any,
                 start_col: str, stop_col: str, strata: Any, extra_cols: list[str]
                 ) -> tuple[pd.DataFrame, dict[str, int], list[str], list[str], lk.CoxData]:
        strata_cols = _as_list(strata)
        time_cols = [duration_col] if duration_col else [start_col, stop_col]
        used = {start_col, stop_col, event_col, "id"} | set(time_cols) | set(strata_cols) | set(extra_cols)
        covariates = default_covariates(table, covariates, used)
        if not covariates:
            raise ValueError("no covariates to fit")
        for c in covariates:
            if c not in table.columns:
                raise KeyError(f"covariate {c!r} not in the table")
        check_numeric_covariates(table, covariates, type(self).__name__)
        df, dropped = clean_survival_table(table, time_cols, event_col, covariates + strata_cols + list(extra_cols),
                                           counting=not duration_col)
        warn_dropped(dropped, type(self).__name__, stacklevel=3)
        if len(df) == 0:
            raise ValueError("no usable rows")
        status = df[event_col].to_numpy(float)
        if status.sum() == 0:
            raise ValueError("no events: the Cox model cannot be fitted")
        start: np.ndarray | None
        if duration_col:
            stop, start = df[duration_col].to_numpy(float), None
        else:
            stop, start = df[stop_col].to_numpy(float), df[start_col].to_numpy(float)
        strat = df[strata_cols].astype(str).agg("|".join, axis=1).to_numpy() if strata_cols else None
        data = lk.prepare(start, stop, status, df[covariates].to_numpy(float), strat, self.ties)
        return df, dropped, covariates, strata_cols, data

    @staticmethod
    def _check_collinear(data: lk.CoxData, covariates: list[str]) -> None:
        info0 = lk.evaluate(data, np.zeros(len(covariates))).information
        scale = np.sqrt(np.clip(np.diag(info0), 0, None))
        dead = [c for c, s in zip(covariates, scale) if not s > 1e-12 * max(1.0, scale.max())]
        if dead:
            raise ValueError(f"covariate(s) {dead} do not vary within any risk set (constant, or constant "
                             "within strata): drop them")
        corr = info0 / np.outer(scale, scale)
        _, r, piv = linalg.qr(corr, pivoting=True)
        d = np.abs(np.diag(r))
        rank = int((d > 1e-10 * d[0]).sum())
        if rank < len(covariates):
            bad = [covariates[i] for i in piv[rank:]]
            raise ValueError(f"covariates are collinear (within risk sets): drop one of {bad}")

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
        cluster_col: Sequence[str] | str | None = None,
        dyad_cols: tuple[str, str] | None = None,
        cluster: Sequence[str] | str | None = None,
    ) -> CoxPH:
        """Fit the model.

        Parameters
        ----------
        table
            One row per subject (``duration_col``) or per ``(start, stop]`` episode.
        duration_col
            Right-censored durations; if None, ``start_col``/``stop_col`` give counting-process rows.
        event_col
            0/1 event flag.
        covariates
            Column(s) to fit; None = every numeric column other than time, event, ``id``, strata,
            cluster and dyad columns (``start``/``stop`` are never covariates).
        start_col, stop_col
            Counting-process interval columns.
        strata
            Column(s) defining separate baseline hazards.
        cluster_col
            One column (one-way clustered SEs) or several (multi-way).  ``cluster`` is an alias.
        dyad_cols
            Two endpoint columns for dyadic-robust SEs (exclusive with ``cluster_col``).
        cluster
            Alias of ``cluster_col``.

        Returns
        -------
        self
        """
        cluster_col = resolve_alias("cluster_col", cluster_col, "cluster", cluster)
        clusters = _as_list(cluster_col)
        dyads = list(dyad_cols) if dyad_cols is not None else []
        if dyads and clusters:
            raise ValueError("dyad_cols and cluster_col are exclusive")
        if dyads and len(dyads) != 2:
            raise ValueError("dyad_cols must name two columns")
        df, dropped, covariates, strata_cols, data = self._prepare(
            table, duration_col, event_col, covariates, start_col, stop_col, strata, clusters + dyads)
        self._check_collinear(data, covariates)
        beta, pl, iters, conv, mono = fit_or_separation(data)
        info = pl.information
        try:
            naive = np.linalg.inv(info)
        except np.linalg.LinAlgError:
            naive = np.linalg.pinv(info)
        resid = lk.score_residuals(data, beta)
        clipped = False
        if dyads:
            cov, clipped = dyadic_variance(resid, naive, df[dyads[0]].to_numpy(), df[dyads[1]].to_numpy())
            vtype, n_cl = "dyadic", int(pd.unique(np.r_[df[dyads[0]].to_numpy(), df[dyads[1]].to_numpy()]).size)
        elif len(clusters) == 1:
            cov = cluster_variance(resid, naive, df[clusters[0]].to_numpy())
            vtype, n_cl = "cluster", int(df[clusters[0]].nunique())
        elif clusters:
            cov, clipped = multiway_variance(resid, naive, *(df[c].to_numpy() for c in clusters))
            vtype, n_cl = "multiway", int(min(df[c].nunique() for c in clusters))
        else:
            cov, vtype, n_cl = naive, "model", None
        se = np.sqrt(np.clip(np.diag(cov), 0, None))
        z = stats.norm.ppf(1 - self.alpha / 2)
        self.covariates_ = covariates
        self.estimable_ = pd.Series(~mono, index=covariates, name="estimable")
        self.converged_ = bool(conv and not mono.any())
        self.n_iterations_ = int(iters)
        if mono.any():
            warnings.warn(f"CoxPH: monotone partial likelihood: {[c for c, m in zip(covariates, mono) if m]} "
                          "not estimable (coefficient -> +-infinity); see FirthCoxPH", NotEstimableWarning,
                          stacklevel=2)
        self.params_ = pd.Series(beta, index=covariates, name="coef")
        self.standard_errors_ = pd.Series(se, index=covariates, name="se")
        self.variance_matrix_ = pd.DataFrame(cov, index=covariates, columns=covariates)
        self.naive_variance_matrix_ = pd.DataFrame(naive, index=covariates, columns=covariates)
        self.hazard_ratios_ = pd.Series(np.exp(beta), index=covariates, name="hazard_ratio")
        self.confidence_intervals_ = pd.DataFrame({"lower": beta - z * se, "upper": beta + z * se}, index=covariates)
        self.log_likelihood_ = float(pl.loglik)
        self.log_likelihood_null_ = float(lk.evaluate(data, np.zeros(len(covariates))).loglik)
        self.score_residuals_ = resid
        self.variance_type_ = vtype
        self.variance_clipped_ = clipped
        self.n_obs_ = int(len(df))
        self.n_events_ = int(data.event.sum())
        self.n_clusters_ = n_cl
        self.dropped_ = dropped
        self.n_dropped_ = int(sum(dropped.values()))
        self.cluster_ = cluster_col
        self.strata_ = strata_cols
        self._data = data
        self._table = df
        self._time_cols = (duration_col, start_col, stop_col, event_col)
        self._baseline(df, strata_cols)
        return self

    # ------------------------------------------------------------------------------------------
    def _baseline(self, df: pd.DataFrame, strata_cols: list[str]) -> None:
        """Breslow (or Efron-adjusted) cumulative baseline hazard at covariates 0, per stratum."""
        # hazard increment of a death sub-step j: 1 / (sum over the risk set of exp(x beta), Efron: minus
        # a_j of the tied deaths' share); summed per event time (R's survfit.coxph / basehaz)
        rows = []
        labels = (df[strata_cols].astype(str).agg("|".join, axis=1).to_numpy() if strata_cols
                  else np.full(len(df), ""))
        beta = self.params_.to_numpy()
        for ix in self._data.strata:
            st, sp, ev, x = self._data.start[ix], self._data.stop[ix], self._data.event[ix], self._data.x[ix]
            r = np.exp(x @ beta)
            dead = ev > 0
            if not dead.any():
                continue
            ft, inv, dk = np.unique(sp[dead], return_inverse=True, return_counts=True)
            s0 = lk._risk_sums(st, sp, r, ft)
            d0 = np.bincount(inv, weights=r[dead], minlength=len(ft))
            if self._data.efron:
                k_of = np.repeat(np.arange(len(ft)), dk)
                first = np.concatenate([[0], np.cumsum(dk)[:-1]])
                a = (np.arange(len(k_of)) - first[k_of]) / dk[k_of]
                dl = np.bincount(k_of, weights=1.0 / (s0[k_of] - a * d0[k_of]), minlength=len(ft))
            else:
                dl = dk / s0
            rows.append(pd.DataFrame({"stratum": labels[ix[0]], "time": ft, "events": dk,
                                      "cumulative_hazard": np.cumsum(dl)}))
        self.baseline_cumulative_hazard_ = pd.concat(rows, ignore_index=True)

    @property
    def summary(self) -> pd.DataFrame:
        """coef (log HR), se (of the chosen type), hazard_ratio, hr_lower/hr_upper, z, p, status.

        A coefficient that is not estimable (monotone likelihood) shows NaN and its status says so.

        Returns
        -------
        DataFrame
            One row per covariate.
        """
        self._check_fitted()
        ok = self.estimable_
        out = self.wald_table(ok)
        out["status"] = np.where(ok, "estimated", "not estimable (monotone likelihood)")
        return out

    def _summary_header(self, decimals: int) -> list[str]:
        se_name = {"model": "model-based", "cluster": f"clustered on {self.cluster_}",
                   "multiway": f"multi-way clustered on {self.cluster_}", "dyadic": "dyadic-robust"}
        return [f"<twingraph.survival.CoxPH: ties={self.ties}>",
                f"  observations = {self.n_obs_} (dropped {self.n_dropped_}: {self.dropped_})",
                f"  events = {self.n_events_}",
                f"  standard errors = {se_name[self.variance_type_]}"
                + (f" ({self.n_clusters_} clusters/nodes)" if self.n_clusters_ else ""),
                f"  partial log-likelihood = {self.log_likelihood_:.{decimals}f}"
                + ("" if self.converged_ else "  (no finite maximum)"), ""]

    def _summary_line(self, name: Any, row: pd.Series, decimals: int) -> str:
        if row["status"] != "estimated":
            return f"  {name}: not estimable (monotone likelihood: the coefficient runs to infinity)"
        return super()._summary_line(name, row, decimals)

    # ------------------------------------------------------------------------------------------
    def _design(self, X: Any) -> np.ndarray:
        if isinstance(X, pd.DataFrame):
            return X[self.covariates_].to_numpy(float)
        return np.asarray(X, float).reshape(-1, len(self.covariates_))

    def predict_log_partial_hazard(self, X: Any) -> np.ndarray:
        """Linear predictor ``x beta`` (relative to all covariates 0) of each row of ``X``.

        Parameters
        ----------
        X : DataFrame or array
            Covariate rows (a DataFrame by column name, an array in the order of ``covariates_``).

        Returns
        -------
        numpy.ndarray of float
        """
        return self._design(X) @ self.params_.to_numpy()

    def predict_partial_hazard(self, X: Any) -> np.ndarray:
        """``exp(x beta)``: the hazard of each row relative to a subject with all covariates 0.

        Parameters
        ----------
        X : DataFrame or array
            Covariate rows (a DataFrame by column name, an array in the order of ``covariates_``).

        Returns
        -------
        numpy.ndarray of float
        """
        return np.exp(self.predict_log_partial_hazard(X))

    predict = predict_partial_hazard

    def baseline_survival_at(self, times: Any, stratum: str = "") -> np.ndarray:
        """Baseline survival ``exp(-Lambda_0(t))`` at covariates 0 (right-continuous steps).

        Parameters
        ----------
        times : float or array of float
            Times.
        stratum : str
            Stratum label (strata values joined with ``|``; ``""`` without strata).

        Returns
        -------
        numpy.ndarray of float
            One value per time (``KeyError`` for an unknown stratum).
        """
        bh = self.baseline_cumulative_hazard_
        bh = bh[bh["stratum"] == stratum]
        if not len(bh):
            raise KeyError(f"no stratum {stratum!r}")
        t = np.atleast_1d(np.asarray(times, float))
        i = np.searchsorted(bh["time"].to_numpy(), t, side="right") - 1
        H = np.where(i >= 0, bh["cumulative_hazard"].to_numpy()[np.clip(i, 0, None)], 0.0)
        return np.exp(-H)

    def predict_survival_function(self, X: Any, times: Any, stratum: str = "") -> pd.DataFrame:
        """Survival ``S_0(t) ** exp(x beta)`` for each row of ``X`` (columns) at ``times`` (index).

        Parameters
        ----------
        X : DataFrame or array
            Covariate rows.
        times : float or array of float
            Times.
        stratum : str
            Stratum label (``""`` without strata).

        Returns
        -------
        DataFrame
            Times x rows, index named ``timeline``.
        """
        s0 = self.baseline_survival_at(times, stratum)
        ph = self.predict_partial_hazard(X)
        return pd.DataFrame(s0[:, None] ** ph[None, :], index=pd.Index(np.atleast_1d(times), name="timeline"))

    def check_proportional_hazards(self, transform: str = "km", time_transform: str | None = None) -> pd.DataFrame:
        """The proportional-hazards test of R's ``cox.zph`` (survival >= 3.0); see :func:`cox_zph`.

        Parameters
        ----------
        transform : str
            Time transform: ``"km"``, ``"rank"``, ``"identity"`` or ``"log"``.
        time_transform : str, optional
            Overrides ``transform``.

        Returns
        -------
        DataFrame
            :func:`cox_zph`'s table.
        """
        from .zph import cox_zph

        return cox_zph(self, transform=time_transform or transform)
