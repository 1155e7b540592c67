"""One base for the survival fitters (the anchor: lifelines' ``BaseFitter``).

:class:`BaseFitter` holds what every fitter shares: the ``alpha`` check, the fitted check (an unfitted
fitter raises :class:`~twingraph.exceptions.NotFittedError` instead of an ``AttributeError``),
``repr``, :meth:`~BaseFitter.print_summary`, and the argument checks (lifelines aliases, covariate
lists).  Two families:

* :class:`UnivariateFitter` -- one curve over a timeline with a pointwise band
  (:class:`~twingraph.survival.KaplanMeier`, :class:`~twingraph.survival.CumulativeIncidence`):
  ``predict``, ``summary`` and a step ``plot``;
* :class:`RegressionFitter` -- coefficients with Wald or likelihood intervals
  (:class:`~twingraph.survival.CoxPH`, :class:`~twingraph.survival.FirthCoxPH`,
  :class:`~twingraph.survival.FineGray`): ``summary``, a forest ``plot`` and ``print_summary``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from ..exceptions import NotFittedError

__all__ = ["BaseFitter", "UnivariateFitter", "RegressionFitter", "check_alpha", "resolve_alias",
           "default_covariates", "step_function"]


def check_alpha(alpha: float) -> float:
    """``alpha`` (1 - confidence level) as a float in (0, 1), else ``ValueError``.

    Parameters
    ----------
    alpha : float

    Returns
    -------
    float
    """
    a = float(alpha)
    if not 0.0 < a < 1.0:
        raise ValueError(f"alpha must be between 0 and 1 (1 - confidence level), got {alpha!r}")
    return a


def resolve_alias(name: str, value: Any, alias: str, alias_value: Any) -> Any:
    """The value of an argument that has a lifelines alias (``events`` / ``event_observed``).

    Parameters
    ----------
    name, alias : str
        The argument's name and its alias.
    value, alias_value
        What the caller passed under each (None = not passed).

    Returns
    -------
    object
        ``value``, or ``alias_value`` when only the alias was given.

    Raises
    ------
    ValueError
        When both were given.
    """
    if alias_value is None:
        return value
    if value is not None:
        raise ValueError(f"give {name} or {alias}, not both")
    return alias_value


def default_covariates(table: pd.DataFrame, covariates: Sequence[str] | str | None, used: set[str]) -> list[str]:
    """The covariate list of a regression fitter.

    Parameters
    ----------
    table : DataFrame
    covariates : str, sequence of str or None
        None = every numeric, non-boolean column not in ``used``.
    used : set of str
        Columns with another role (times, events, strata, clusters).

    Returns
    -------
    list of str
    """
    if covariates is None:
        return [c for c in table.columns if c not in used
                and pd.api.types.is_numeric_dtype(table[c]) and not pd.api.types.is_bool_dtype(table[c])]
    return [covariates] if isinstance(covariates, str) else list(covariates)


def step_function(timeline: np.ndarray, values: np.ndarray, times: Any, before: float = np.nan) -> np.ndarray:
    """Right-continuous step function through (timeline, values) at ``times``; ``before`` before the first.

    Parameters
    ----------
    timeline : ndarray
        Increasing jump times.
    values : ndarray
        Value from each jump on.
    times : array-like
        Where to evaluate.
    before : float
        Value before the first jump.

    Returns
    -------
    ndarray
    """
    t = np.atleast_1d(np.asarray(times, float))
    idx = np.searchsorted(timeline, t, side="right") - 1
    return np.where(idx >= 0, values[np.clip(idx, 0, None)], before)


class BaseFitter:
    """Base of every survival fitter: ``alpha``, the fitted check, ``repr`` and ``print_summary``.

    Subclasses set :attr:`_fitted_attr` (an attribute that exists only after ``fit``) and implement
    ``fit`` (returning ``self``), the ``summary`` property and :meth:`_summary_lines`.

    Parameters
    ----------
    alpha : float
        1 - confidence level of the fitter's intervals, in (0, 1).
    """

    #: an attribute ``fit`` sets; its absence means "not fitted"
    _fitted_attr: ClassVar[str] = "params_"

    def __init__(self, alpha: float = 0.05) -> None:
        self.alpha = check_alpha(alpha)

    @property
    def fitted(self) -> bool:
        """Whether ``fit`` has run.

        Returns
        -------
        bool
        """
        return self._fitted_attr in self.__dict__

    def _check_fitted(self) -> None:
        if not self.fitted:
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet: call fit(...) first")

    def __repr__(self) -> str:
        state = "fitted" if self.fitted else "unfitted"
        return f"<twingraph.survival.{type(self).__name__}: {state}, alpha={self.alpha:g}>"

    @property
    def summary(self) -> pd.DataFrame:
        """The fitted estimates as a table (each fitter says which columns).

        Returns
        -------
        DataFrame
        """
        raise NotImplementedError

    def _summary_lines(self, decimals: int) -> list[str]:
        raise NotImplementedError

    def print_summary(self, decimals: int = 3) -> str:
        """Print (and return) a text summary like lifelines' ``print_summary``.

        Parameters
        ----------
        decimals : int
            Decimals of the estimates.

        Returns
        -------
        str
            The printed text.
        """
        self._check_fitted()
        text = "\n".join(self._summary_lines(decimals))
        print(text)
        return text


class UnivariateFitter(BaseFitter):
    """One estimated curve over ``timeline_`` with a pointwise band.

    Subclasses set :attr:`_estimate_attr` (the curve's DataFrame attribute), :attr:`_estimate_name`
    (its column in :attr:`summary`), :attr:`_before` (its value before the timeline) and
    :attr:`_ylabel`, and fill ``timeline_``, the curve, ``confidence_interval_`` and
    ``standard_errors_`` in ``fit``.
    """

    _fitted_attr = "timeline_"
    _estimate_attr: ClassVar[str] = ""
    _estimate_name: ClassVar[str] = ""
    _before: ClassVar[float] = float("nan")
    _ylabel: ClassVar[str] = ""
    _ylim: ClassVar[tuple[float, float] | None] = None
    label: str
    timeline_: np.ndarray
    confidence_interval_: pd.DataFrame
    standard_errors_: pd.Series

    def _estimate(self) -> pd.DataFrame:
        self._check_fitted()
        out: pd.DataFrame = getattr(self, self._estimate_attr)
        return out

    def predict(self, times: Any) -> np.ndarray:
        """The curve at ``times`` (right-continuous steps; :attr:`_before` before the timeline).

        Parameters
        ----------
        times : float or array-like

        Returns
        -------
        ndarray
        """
        return step_function(self.timeline_, self._estimate().iloc[:, 0].to_numpy(), times, before=self._before)

    def _summary_parts(self) -> list[pd.DataFrame | pd.Series]:
        return []

    @property
    def summary(self) -> pd.DataFrame:
        """The curve as a table.

        Returns
        -------
        DataFrame
            One row per time on the timeline: (fitter-specific columns,) the estimate, se, lower, upper.
        """
        est = self._estimate().set_axis([self._estimate_name], axis=1)
        ci = self.confidence_interval_.set_axis(["lower", "upper"], axis=1)
        return pd.concat([*self._summary_parts(), est, self.standard_errors_, ci], axis=1)

    def _summary_lines(self, decimals: int) -> list[str]:
        last = self.summary.iloc[-1]
        return [f"<twingraph.survival.{type(self).__name__}: {self.label}>",
                f"  timeline {self.timeline_[0]:g} .. {self.timeline_[-1]:g} ({len(self.timeline_)} times)",
                f"  at the end: {self._estimate_name} {last[self._estimate_name]:.{decimals}f} "
                f"[{last['lower']:.{decimals}f}, {last['upper']:.{decimals}f}] ({1 - self.alpha:.0%} pointwise)"]

    def plot(self, ax: Any = None, ci: bool = True, **kwargs: Any) -> Any:
        """Step plot of the curve with its confidence band.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Default: the current axis.
        ci : bool
            Draw the pointwise band.
        **kwargs
            Passed to ``ax.step``.

        Returns
        -------
        matplotlib Axes
        """
        import matplotlib.pyplot as plt

        est = self._estimate()
        ax = ax or plt.gca()
        t = self.timeline_
        (line,) = ax.step(t, est.iloc[:, 0], where="post", label=self.label, **kwargs)
        if ci:
            ax.fill_between(t, self.confidence_interval_.iloc[:, 0], self.confidence_interval_.iloc[:, 1],
                            step="post", alpha=0.25, color=line.get_color())
        ax.set_xlabel("years")
        ax.set_ylabel(self._ylabel)
        if self._ylim is not None:
            ax.set_ylim(*self._ylim)
        return ax


class RegressionFitter(BaseFitter):
    """Coefficients ``params_`` with ``standard_errors_`` and ``confidence_intervals_`` (lower, upper).

    :meth:`wald_table` builds the usual summary columns; :meth:`plot` draws the forest plot;
    subclasses give :meth:`_summary_header` and may override :meth:`_summary_line`.
    """

    _fitted_attr = "params_"
    #: what ``exp(coef)`` is called in the printed summary
    _ratio_name: ClassVar[str] = "HR"
    params_: pd.Series
    standard_errors_: pd.Series
    confidence_intervals_: pd.DataFrame

    def wald_table(self, ok: pd.Series | None = None) -> pd.DataFrame:
        """``coef, se, hazard_ratio, hr_lower, hr_upper, z, p`` (two-sided Wald) of the fitted coefficients.

        Parameters
        ----------
        ok : Series of bool, optional
            Coefficients to show; the others are NaN.

        Returns
        -------
        DataFrame
            One row per coefficient.
        """
        self._check_fitted()
        b, se = self.params_, self.standard_errors_
        lo, hi = self.confidence_intervals_["lower"], self.confidence_intervals_["upper"]
        if ok is not None:
            b, se, lo, hi = b.where(ok), se.where(ok), lo.where(ok), hi.where(ok)
        zv = b / se
        return pd.DataFrame({"coef": b, "se": se, "hazard_ratio": np.exp(b), "hr_lower": np.exp(lo),
                             "hr_upper": np.exp(hi), "z": zv, "p": 2 * stats.norm.sf(np.abs(zv))})

    @property
    def summary(self) -> pd.DataFrame:
        """The coefficients as a table.

        Returns
        -------
        DataFrame
            :meth:`wald_table`.
        """
        return self.wald_table()

    def _summary_header(self, decimals: int) -> list[str]:
        return [f"<twingraph.survival.{type(self).__name__}>"]

    def _summary_line(self, name: Any, row: pd.Series, decimals: int) -> str:
        return (f"  {name}: coef {row['coef']:.{decimals}f} (se {row['se']:.{decimals}f}), {self._ratio_name} "
                f"{row['hazard_ratio']:.{decimals}f} [{row['hr_lower']:.{decimals}f}, {row['hr_upper']:.{decimals}f}], "
                f"z {row['z']:.2f}, p {row['p']:.3g}")

    def _summary_lines(self, decimals: int) -> list[str]:
        return self._summary_header(decimals) + [self._summary_line(name, row, decimals)
                                                 for name, row in self.summary.iterrows()]

    def plot(self, ax: Any = None) -> Any:
        """Forest plot of the log ratios with their confidence intervals.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Default: the current axis.

        Returns
        -------
        matplotlib Axes
        """
        import matplotlib.pyplot as plt

        self._check_fitted()
        ax = ax or plt.gca()
        y = np.arange(len(self.params_))[::-1]
        ci = self.confidence_intervals_
        ax.errorbar(self.params_, y, xerr=[self.params_ - ci["lower"], ci["upper"] - self.params_], fmt="s", capsize=3)
        ax.axvline(0, color="grey", lw=0.8)
        ax.set_yticks(y, list(self.params_.index))
        ax.set_xlabel(f"log {'hazard' if self._ratio_name == 'HR' else 'subdistribution hazard'} ratio "
                      f"({1 - self.alpha:.0%} CI)")
        return ax
