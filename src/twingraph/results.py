"""The package's one result model (floor 1): what tests, estimates, simulations and counterfactuals return.

Every result is a frozen dataclass deriving from :class:`Result`, so it has

* typed, documented attributes (``res.p_value``, ``res.table``), never ``DataFrame.attrs``;
* :meth:`Result.as_dict` (a plain dict of the fields, JSON-ready for the scalar ones);
* :meth:`Result.to_frame` (a DataFrame: one row of the scalar fields, or the result's main table).

The classes:

=================================  =================================================================
:class:`TestResult`                a test statistic, its p-value, its null and an effect size
:func:`empirical_p_value`          **the** empirical p-value ``(1 + #{null as extreme}) / (R + 1)``
:func:`empirical_test`             a :class:`TestResult` from an observation and a simulated null
:class:`LogrankResult`             the log-rank test (a :class:`TestResult` with ``dof``, ``n_dropped``)
:class:`EstimateTable`             coefficient table of a fitted model plus the fit's scalars
:class:`TableResult`               base of a table returned with typed facts of how it was made
:class:`SurvivalValidation`        :func:`twingraph.simulate.validate_survival`
:class:`CoverageStudy`             :func:`twingraph.simulate.dyadic_coverage`
:class:`CounterfactualResult`      :func:`twingraph.counterfactual.counterfactual_removal`
:class:`CountryCutResult`          :func:`twingraph.counterfactual.country_cut_null`
=================================  =================================================================
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = ["Result", "TestResult", "empirical_p_value", "empirical_test", "LogrankResult", "EstimateTable",
           "TableResult", "DeprecatedKeys",
           "SurvivalValidation", "CoverageStudy", "CounterfactualResult", "CountryCutResult", "P_TOLERANCE"]

#: Relative tolerance of :func:`empirical_p_value`: a null value that equals the observed one up to
#: floating-point noise (``1e-12 * max(1, |observed|)``) counts as "as extreme".
P_TOLERANCE = 1e-12

Alternative = Literal["two-sided", "less", "greater"]


@dataclass(frozen=True)
class Result:
    """Base of every result: a frozen dataclass with :meth:`as_dict` and :meth:`to_frame`."""

    def as_dict(self) -> dict[str, Any]:
        """The fields as a plain dict.

        Returns
        -------
        dict
            Field name -> value, in declaration order.
        """
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def to_frame(self) -> pd.DataFrame:
        """The result as a table.

        Returns
        -------
        DataFrame
            One row holding the scalar fields (tables, arrays and nested results are left out).
        """
        row = {k: v for k, v in self.as_dict().items()
               if v is None or isinstance(v, (str, bool, int, float, np.generic))}
        return pd.DataFrame([row])


# ------------------------------------------------------------------------------------------- tests
def empirical_p_value(statistic: float, null: Any, alternative: Alternative = "two-sided", *,
                      center: float | None = None, tol: float = P_TOLERANCE) -> float:
    """The empirical (Monte-Carlo) p-value of ``statistic`` against its simulated ``null``.

    ``(1 + #{replicates at least as extreme}) / (R + 1)`` (Davison & Hinkley 1997, eq. 4.11; never 0),
    over the ``R`` finite null values.  "At least as extreme" allows floating-point noise: a
    replicate within ``tol * max(1, |statistic|)`` of the boundary counts.

    Parameters
    ----------
    statistic : float
        The observed value.
    null : array-like of float
        The statistic on each null replicate (non-finite values are dropped).
    alternative : {"two-sided", "less", "greater"}
        ``"two-sided"``: ``|null - center| >= |statistic - center|``; ``"greater"``:
        ``null >= statistic``; ``"less"``: ``null <= statistic``.
    center : float, optional
        Centre of the two-sided comparison (default: the null mean).
    tol : float
        Relative tolerance (:data:`P_TOLERANCE`).

    Returns
    -------
    float
        In ``(0, 1]``; 1 when the null has no finite value (the formula with ``R = 0``).

    Examples
    --------
    >>> empirical_p_value(3.0, [0.0, 1.0, 2.0, 3.0], "greater")
    0.4
    >>> empirical_p_value(0.1 + 0.2, [0.3, 0.0], "greater")   # 0.1 + 0.2 != 0.3 in floating point
    0.6666666666666666
    """
    r = np.asarray(null, dtype=float).ravel()
    r = r[np.isfinite(r)]
    if len(r) == 0:
        return 1.0
    slack = tol * max(1.0, abs(statistic))
    if alternative == "two-sided":
        c = float(r.mean()) if center is None else float(center)
        extreme = np.abs(r - c) >= abs(statistic - c) - slack
    elif alternative == "greater":
        extreme = r >= statistic - slack
    elif alternative == "less":
        extreme = r <= statistic + slack
    else:
        raise ValueError(f"unknown alternative {alternative!r}; use 'two-sided', 'less' or 'greater'")
    return float((1 + np.sum(extreme)) / (len(r) + 1))


#: how :func:`empirical_test` words each alternative in :attr:`TestResult.convention`
EMPIRICAL_CONVENTIONS = {
    "two-sided": "two-sided empirical (1 + #{|null - mean| >= |obs - mean|}) / (R + 1)",
    "less": "one-sided empirical (1 + #{null <= obs}) / (R + 1)",
    "greater": "one-sided empirical (1 + #{null >= obs}) / (R + 1)",
}


@dataclass(frozen=True)
class TestResult(Result):
    """One result object for every test statistic in twingraph.

    Attributes
    ----------
    statistic : float
        The observed value of the statistic.
    p_value : float
        The p-value under ``convention``.
    convention : str
        How ``p_value`` was computed, e.g. ``"two-sided empirical (1 + #|null - mean| >= |obs -
        mean|) / (n_replicates + 1)"`` or ``"likelihood ratio, chi2(1)"``.
    null_mean, null_sd : float
        Mean and standard deviation (ddof=1) of the statistic under the null model (NaN when the
        test has no simulated null).
    effect_size : float
        A named effect size (``effect_name``): e.g. observed / null mean, a rate ratio, a
        log-likelihood ratio.  NaN when not defined.
    effect_name : str
        What ``effect_size`` is.
    ci_low, ci_high : float
        An interval for the effect size (``ci_level``), NaN when not available.
    ci_level : float
        Level of that interval.
    n_replicates : int
        Null-model replicates behind ``null_mean``/``null_sd``/``p_value`` (0 for analytic tests).
    null_model : str
        The null model, in words.
    """

    __test__ = False  # not a pytest class

    statistic: float
    p_value: float
    convention: str
    null_mean: float = float("nan")
    null_sd: float = float("nan")
    effect_size: float = float("nan")
    effect_name: str = ""
    ci_low: float = float("nan")
    ci_high: float = float("nan")
    ci_level: float = 0.95
    n_replicates: int = 0
    null_model: str = ""

    @property
    def z(self) -> float:
        """The standardised statistic.

        Returns
        -------
        float
            ``(statistic - null_mean) / null_sd`` (NaN when the sd is 0 or unknown).
        """
        if not np.isfinite(self.null_sd) or self.null_sd == 0:
            return float("nan")
        return (self.statistic - self.null_mean) / self.null_sd

    def as_dict(self) -> dict[str, Any]:
        """The fields (and ``z``) as a plain dict, e.g. for one row of a table.

        Returns
        -------
        dict
            The twelve fields in declaration order, then ``z``.
        """
        d = {f.name: getattr(self, f.name) for f in fields(TestResult)}
        d["z"] = self.z
        return d

    def significant(self, alpha: float = 0.05) -> bool:
        """Whether the test rejects at level ``alpha``.

        Parameters
        ----------
        alpha : float
            Significance level.

        Returns
        -------
        bool
            ``p_value < alpha`` (False when the p-value is NaN).
        """
        return bool(self.p_value < alpha)

    @classmethod
    def from_null(cls, statistic: float, null: Any, null_model: str, alternative: Alternative = "two-sided",
                  effect: Literal["ratio", "difference"] = "ratio") -> TestResult:
        """:func:`empirical_test` as a constructor.

        Parameters
        ----------
        statistic : float
            The observed value.
        null : array of float
            The statistic on each null replicate.
        null_model : str
            Words for the null model.
        alternative : {"two-sided", "less", "greater"}
            See :func:`empirical_p_value`.
        effect : {"ratio", "difference"}
            See :func:`empirical_test`.

        Returns
        -------
        TestResult
        """
        return empirical_test(statistic, null, null_model, alternative, effect)


def empirical_test(statistic: float, null: Any, null_model: str, alternative: Alternative = "two-sided",
                   effect: Literal["ratio", "difference"] = "ratio") -> TestResult:
    """A :class:`TestResult` from an observed statistic and its simulated null distribution.

    Parameters
    ----------
    statistic : float
        The observed value.
    null : array of float
        The statistic on each null replicate.
    null_model : str
        Words for the null model (kept in the result).
    alternative : {"two-sided", "less", "greater"}
        See :func:`empirical_p_value`.
    effect : {"ratio", "difference"}
        Effect size: observed / null mean (with a 95% interval from the null's 2.5 and 97.5
        percentiles, ``obs / q``) or observed - null mean (interval ``obs - q``).

    Returns
    -------
    TestResult

    Examples
    --------
    >>> r = empirical_test(4.0, [1.0, 2.0, 3.0], "toy", alternative="greater")
    >>> r.p_value, r.effect_size, r.n_replicates
    (0.25, 2.0, 3)
    """
    r = np.asarray(null, dtype=float)
    r = r[np.isfinite(r)]
    R = len(r)
    if alternative not in EMPIRICAL_CONVENTIONS:
        raise ValueError(f"unknown alternative {alternative!r}")
    mean = float(r.mean()) if R else float("nan")
    sd = float(r.std(ddof=1)) if R > 1 else float("nan")
    p = empirical_p_value(statistic, r, alternative)
    lo, hi = (np.percentile(r, [2.5, 97.5]) if R else (np.nan, np.nan))
    if effect == "ratio":
        eff = statistic / mean if mean else float("nan")
        ci = sorted((statistic / hi if hi else np.nan, statistic / lo if lo else np.nan))
        name = "observed / null mean"
    elif effect == "difference":
        eff, ci, name = statistic - mean, sorted((statistic - hi, statistic - lo)), "observed - null mean"
    else:
        raise ValueError(f"unknown effect {effect!r}")
    return TestResult(float(statistic), p, EMPIRICAL_CONVENTIONS[alternative], mean, sd, float(eff), name,
                      float(ci[0]), float(ci[1]), 0.95, R, null_model)


@dataclass(frozen=True)
class LogrankResult(TestResult):
    """The log-rank test (:func:`twingraph.survival.logrank_test`): a :class:`TestResult` with the
    degrees of freedom (groups - 1) and the number of rows dropped.

    Unpacks like the NamedTuple it replaces: ``chi2, p, dof, n_dropped = logrank_test(...)``.
    Beyond the tuple (R's ``survdiff`` names in brackets): ``groups`` (labels), ``observed``
    (``obs``) and ``expected`` (``exp``), weighted and summed over strata, ``variance`` (``var``),
    ``rho`` (0: log-rank; Fleming–Harrington weights ``S(t-)**rho`` otherwise), ``n_strata`` and
    ``dropped`` (rows dropped by reason).
    """

    dof: int = 0
    n_dropped: int = 0
    groups: list[str] = field(default_factory=list, compare=False)
    observed: np.ndarray = field(default_factory=lambda: np.zeros(0), compare=False)
    expected: np.ndarray = field(default_factory=lambda: np.zeros(0), compare=False)
    variance: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), compare=False)
    rho: float = 0.0
    n_strata: int = 1
    dropped: dict[str, int] = field(default_factory=dict, compare=False)

    def __iter__(self) -> Iterator[Any]:
        return iter((self.statistic, self.p_value, self.dof, self.n_dropped))

    def as_dict(self) -> dict[str, Any]:
        """The scalar fields as a plain dict (``z`` left out: the test has no simulated null).

        Returns
        -------
        dict
        """
        return {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("groups", "observed", "expected", "variance", "dropped")}


# --------------------------------------------------------------------------------------- estimates
@dataclass(frozen=True)
class EstimateTable(Result):
    """A fitted model: one row per term, and the fit's scalars.

    Attributes
    ----------
    table : DataFrame
        One row per term (``term, coef, se, ci_low, ci_high, ..., p_value``).
    n_obs : int
        Observations the model was fitted to.
    method : str
        The model, in words (e.g. ``"poisson"``).
    info : dict
        Further scalars of the fit (e.g. ``pseudo_r2``, ``n_dropped``).
    """

    table: pd.DataFrame
    n_obs: int
    method: str
    info: dict[str, Any] = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The main table of the result.

        Returns
        -------
        DataFrame
            A copy of :attr:`table`.
        """
        return self.table.copy()

    def __getitem__(self, key: str) -> Any:
        """A scalar of the fit: ``n_obs``, ``method`` or a key of :attr:`info`."""
        if key in ("n_obs", "method"):
            return getattr(self, key)
        return self.info[key]


class DeprecatedKeys:
    """Mixin of a result that replaced a dict: ``res["key"]`` still answers ``res.key`` (names that
    changed are in ``_KEY_ALIASES``), with a :class:`DeprecationWarning`, for one release."""

    _KEY_ALIASES: dict[str, str] = {}

    def __getitem__(self, key: str) -> Any:
        import warnings
        name = self._KEY_ALIASES.get(key, key)
        warnings.warn(f"{type(self).__name__} replaced a dict: use .{name} (dict access goes in the next release)",
                      DeprecationWarning, stacklevel=2)
        return getattr(self, name)


# ------------------------------------------------------------------------------------------ tables
@dataclass(frozen=True, eq=False)
class TableResult(Result):
    """A table and typed facts of how it was made (what ``DataFrame.attrs`` used to carry).

    Subclasses add the facts as typed, documented fields (``excluded``, ``median_days``, ...); the
    table is :attr:`table`.  For one release the result also forwards DataFrame access (``res["x"]``,
    ``res.loc``, ``len(res)``) to :attr:`table` with a :class:`DeprecationWarning`, so code written for
    the old DataFrame return keeps working while it is moved to ``res.table``.

    Attributes
    ----------
    table : DataFrame
        The table the function computes.
    """

    table: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The main table of the result.

        Returns
        -------
        DataFrame
            A copy of :attr:`table`.
        """
        return self.table.copy()

    def _forward(self, what: str) -> pd.DataFrame:
        import warnings
        warnings.warn(f"{type(self).__name__} is a typed result, no longer a DataFrame: use .table{what} "
                      "(DataFrame access on the result goes in the next release)", DeprecationWarning, stacklevel=3)
        return self.table

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == "table":
            raise AttributeError(name)
        return getattr(self._forward("." + name), name)

    def __getitem__(self, key: Any) -> Any:
        return self._forward("[...]")[key]

    def __len__(self) -> int:
        return len(self._forward(" (len)"))


# ------------------------------------------------------------------------------------- simulations
@dataclass(frozen=True)
class SurvivalValidation(Result):
    """How well the Cox and Kaplan–Meier fits recover a simulated truth
    (:func:`twingraph.simulate.validate_survival`; the fields are documented there).

    ``res["bias"]`` and ``res.items()`` work as on the dict it replaces; :meth:`as_dict` is JSON-ready.
    """

    replicates: int
    n_not_estimable: int
    n_used: int
    hazard_ratio_true: float
    hazard_ratio_mean: float
    hazard_ratio_geomean: float
    bias: float
    bias_scale: str
    rmse: float
    se_mean: float
    sd_log_hr: float
    coverage_95: float
    coverage_mc_se: float
    km_max_abs_error: float
    km_max_abs_error_max: float
    events_mean: float
    exposed_events_mean: float
    n_ties: int
    n_places: int
    baseline_hazard: float
    window_years: float | None
    seed: int | None
    elapsed_seconds: float

    def __getitem__(self, key: str) -> Any:
        return getattr(self, key)

    def keys(self) -> list[str]:
        """The field names, as on the dict this result replaces.

        Returns
        -------
        list of str
        """
        return [f.name for f in fields(self)]

    def items(self) -> list[tuple[str, Any]]:
        """``(name, value)`` pairs, as on the dict this result replaces.

        Returns
        -------
        list of tuple
        """
        return list(self.as_dict().items())


@dataclass(frozen=True)
class CoverageStudy(Result):
    """Coverage of Wald intervals over simulated replicates (:func:`twingraph.simulate.dyadic_coverage`).

    Attributes
    ----------
    summary : DataFrame
        One row per scenario and standard-error type.
    replicates : DataFrame
        One row per replicate.

    Unpacks as ``summary, replicates = dyadic_coverage(...)``.
    """

    summary: pd.DataFrame
    replicates: pd.DataFrame

    def __iter__(self) -> Iterator[pd.DataFrame]:
        return iter((self.summary, self.replicates))

    def to_frame(self) -> pd.DataFrame:
        """The main table of the result.

        Returns
        -------
        DataFrame
            A copy of :attr:`summary`.
        """
        return self.summary.copy()


# --------------------------------------------------------------------------------- counterfactuals
@dataclass(frozen=True)
class CounterfactualResult(Result):
    """Targeted vs random tie removal (:func:`twingraph.counterfactual.counterfactual_removal`).

    Attributes
    ----------
    table : DataFrame
        One row per measure (columns documented in :mod:`twingraph.counterfactual`).
    replicates : DataFrame
        One row per random removal, one column per measure.
    k, n, m : int
        Edges cut; nodes and edges of the intact graph.
    random_state : int or None
        The int seed (None when a Generator or None was given).
    distances : str
        ``"exact"``.
    p_convention : str
        How ``table["p_value"]`` is computed.
    """

    table: pd.DataFrame
    replicates: pd.DataFrame
    k: int
    n: int
    m: int
    random_state: int | None
    distances: str = "exact"
    p_convention: str = "two-sided empirical (1 + #{|null - mean| >= |observed - mean|}) / (R + 1)"

    def to_frame(self) -> pd.DataFrame:
        """The main table of the result.

        Returns
        -------
        DataFrame
            A copy of :attr:`table`.
        """
        return self.table.copy()


@dataclass(frozen=True)
class CountryCutResult(Result):
    """The matched country null (:func:`twingraph.counterfactual.country_cut_null`).

    Attributes
    ----------
    table : DataFrame
        One row per country, largest loss first.
    baseline : float
        Efficiency of the intact graph.
    focal : str
        The country under study.
    focal_rank, focal_rank_per_tie : int
        Its rank by loss and by loss per tie (1 = largest).
    n_countries, n_comparable : int
        Countries cut; countries comparable to ``focal``.
    matched : TestResult
        The focal loss against the comparable countries' losses.
    """

    table: pd.DataFrame
    baseline: float
    focal: str
    focal_rank: int
    focal_rank_per_tie: int
    n_countries: int
    n_comparable: int
    matched: TestResult

    def to_frame(self) -> pd.DataFrame:
        """The main table of the result.

        Returns
        -------
        DataFrame
            A copy of :attr:`table`.
        """
        return self.table.copy()
