"""The attachment kernel: how fast a place with k partners gains another, with a date-shuffling null."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from ..randomness import random_state_arg
from ..results import empirical_p_value


# ------------------------------------------------------------------------------- attachment kernel
def exact_poisson_interval(count: Any, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for the mean of a Poisson count.

    Parameters
    ----------
    count : int or array of int
    level : float

    Returns
    -------
    (low, high) : arrays
        ``low = chi2.ppf(a/2, 2n)/2`` (0 when n = 0), ``high = chi2.ppf(1 - a/2, 2n + 2)/2``.

    Examples
    --------
    >>> lo, hi = exact_poisson_interval(10)
    >>> round(float(lo), 3), round(float(hi), 3)
    (4.795, 18.39)
    """
    n = np.asarray(count, dtype=float)
    a = 1 - level
    lo = np.where(n > 0, stats.chi2.ppf(a / 2, 2 * n) / 2, 0.0)
    hi = stats.chi2.ppf(1 - a / 2, 2 * n + 2) / 2
    return lo, hi


def attachment_counts(pairs: pd.DataFrame, side: Literal["focal", "both"] = "focal",
                      last_year: int | None = None) -> pd.DataFrame:
    """Exposure and attachments by degree and year: the data of an attachment kernel.

    A place's degree ``k`` at the start of year ``t`` is the number of its dated partnerships begun
    before ``t``.  A place is at risk from the year after its first partnership (before that its
    ``k = 0`` years are unobserved: the register lists no town without partners) to ``last_year``.
    Each partnership begun in year ``t`` is one attachment to each endpoint counted (``side``).

    Parameters
    ----------
    pairs : DataFrame
        From :func:`partnerships` (undated pairs are ignored).
    side : {"focal", "both"}
        Whose degrees: the focal country's towns (their partnership lists are what the register
        compiles) or every place (a partner's degree is then its number of partners *in the
        register*).
    last_year : int, optional
        Last year at risk (default: the last dated year).

    Returns
    -------
    DataFrame
        ``year, k, n_at_risk, gained`` for every (year, k) with at least one place at risk: places
        with degree ``k`` at the start of ``year`` and the partnerships they began that year.

    Examples
    --------
    >>> p = pd.DataFrame({"focal": ["x", "x", "x"], "partner": ["a", "b", "c"],
    ...                   "year": pd.array([2000, 2002, 2002], "Int64")})
    >>> attachment_counts(p).values.tolist()
    [[2001, 1, 1, 0], [2002, 1, 1, 2]]
    """
    p = pairs[pairs["year"].notna()]
    ends = [p[["focal", "year"]].rename(columns={"focal": "node"})]
    if side == "both":
        ends.append(p[["partner", "year"]].rename(columns={"partner": "node"}))
    elif side != "focal":
        raise ValueError("side must be 'focal' or 'both'")
    e = pd.concat(ends, ignore_index=True)
    e["year"] = e["year"].astype(int)
    T = int(e["year"].max()) if last_year is None else int(last_year)
    e = e[e["year"] <= T]
    per = e.groupby(["node", "year"], sort=True).size().rename("c").reset_index()
    per["k"] = per.groupby("node")["c"].cumsum() - per["c"]  # degree at the start of the year
    per["first"] = per.groupby("node")["year"].transform("min")
    # attachments by nodes already present (k >= 1)
    gained = per[per["year"] > per["first"]].groupby(["year", "k"])["c"].sum()
    # exposure: each node holds degree k from the year after the year it reached k to the next change
    per["k_after"] = per["k"] + per["c"]
    per["next"] = per.groupby("node")["year"].shift(-1).fillna(T + 1).astype(int)
    ys = np.arange(int(e["year"].min()), T + 2)
    kmax = int(per["k_after"].max())
    diff = np.zeros((kmax + 1, len(ys) + 1), dtype=np.int64)
    s = per["year"].to_numpy() + 1 - ys[0]
    t = per["next"].to_numpy() + 1 - ys[0]  # held at the start of years year+1 .. next
    kk = per["k_after"].to_numpy()
    np.add.at(diff, (kk, s), 1)
    np.add.at(diff, (kk, t), -1)
    expo = np.cumsum(diff, axis=1)[:, : len(ys)]
    rows = []
    for ki, yi in zip(*np.nonzero(expo)):
        year = int(ys[yi])
        if year > T:
            continue
        rows.append((year, int(ki), int(expo[ki, yi]), int(gained.get((year, int(ki)), 0))))
    out = pd.DataFrame(rows, columns=["year", "k", "n_at_risk", "gained"])
    return out.sort_values(["year", "k"], kind="stable").reset_index(drop=True)


@dataclass
class AttachmentKernel:
    """What :func:`attachment_kernel` returns.

    Attributes
    ----------
    kernel : DataFrame
        ``k_low, k_high, label, observed, expected, n_at_risk, relative_rate, ci_low, ci_high``
        per degree bin: ``observed`` attachments against ``expected`` ones if every place at risk in
        a year gained partners at that year's mean rate; ``relative_rate = observed / expected``
        (``A(k)`` up to a constant, 1 = the year's average), exact Poisson interval.
    alpha_ : float
        Fitted exponent of ``A(k) ∝ k^alpha`` (Poisson GLM with year effects and ``log n_at_risk``
        offset, on every (year, k) cell).
    alpha_ci_ : tuple of float
        Its interval (sandwich standard error, HC1).
    linear_p_value_ : float
        Wald test of ``alpha = 1`` (linear preferential attachment).
    null_alpha_ : ndarray
        ``alpha`` in each date-shuffled replicate (empty when ``n_replicates = 0``).
    null_kernel_ : DataFrame
        Mean ``relative_rate`` per bin over the replicates, with its 2.5 and 97.5 percentiles.
    counts : DataFrame
        From :func:`attachment_counts`.
    n_replicates, random_state
    """

    kernel: pd.DataFrame
    alpha_: float
    alpha_ci_: tuple[float, float]
    linear_p_value_: float
    null_alpha_: np.ndarray
    null_kernel_: pd.DataFrame
    counts: pd.DataFrame
    n_replicates: int
    random_state: Any = None

    def null_summary(self) -> dict[str, float]:
        """The observed exponent against the date-shuffled null: ``null_mean``, ``null_low`` /
        ``null_high`` (2.5 / 97.5 percentiles), ``difference`` (observed - null mean) and the
        two-sided empirical ``p_value`` ``(1 + #{|null - mean| >= |obs - mean|}) / (R + 1)``.

        Returns
        -------
        dict of str to float
            The five values (all NaN without replicates).

        Examples
        --------
        >>> ak = AttachmentKernel(pd.DataFrame(), 0.9, (0.8, 1.0), 0.05, np.array([1.0, 1.1, 1.2]),
        ...                       pd.DataFrame(), pd.DataFrame(), 3)
        >>> ak.null_summary()["p_value"]
        0.25
        """
        r = np.asarray(self.null_alpha_, dtype=float)
        if not len(r):
            return {"null_mean": np.nan, "null_low": np.nan, "null_high": np.nan, "difference": np.nan,
                    "p_value": np.nan}
        m = float(r.mean())
        p = empirical_p_value(self.alpha_, r, "two-sided", center=m)
        return {"null_mean": m, "null_low": float(np.percentile(r, 2.5)), "null_high": float(np.percentile(r, 97.5)),
                "difference": float(self.alpha_ - m), "p_value": float(p)}


def _kernel_table(c: pd.DataFrame, bins: Sequence[int], level: float) -> pd.DataFrame:
    by_year = c.groupby("year")[["n_at_risk", "gained"]].sum()
    rate = (by_year["gained"] / by_year["n_at_risk"]).rename("rate")
    c = c.join(rate, on="year")
    c["expected"] = c["n_at_risk"] * c["rate"]
    edges = list(bins) + [np.inf]
    rows = []
    for lo_, hi_ in zip(edges[:-1], edges[1:]):
        m = (c["k"] >= lo_) & (c["k"] < hi_)
        obs, exp_ = int(c.loc[m, "gained"].sum()), float(c.loc[m, "expected"].sum())
        risk = int(c.loc[m, "n_at_risk"].sum())
        lo, hi = exact_poisson_interval(obs, level)
        hi_int = int(c.loc[m, "k"].max()) if m.any() else (int(hi_) - 1 if np.isfinite(hi_) else int(lo_))
        label = f"{int(lo_)}" if hi_ - lo_ == 1 else f"{int(lo_)}-{hi_int}" if np.isfinite(hi_) else f"{int(lo_)}+"
        rows.append({"k_low": int(lo_), "k_high": hi_int, "label": label, "observed": obs, "expected": exp_,
                     "n_at_risk": risk,
                     "relative_rate": obs / exp_ if exp_ > 0 else np.nan,
                     "ci_low": float(lo) / exp_ if exp_ > 0 else np.nan,
                     "ci_high": float(hi) / exp_ if exp_ > 0 else np.nan})
    return pd.DataFrame(rows)


def _fit_alpha(c: pd.DataFrame) -> tuple[float, float, float]:
    import statsmodels.api as sm

    c = c[c["k"] >= 1]
    yrs = c.groupby("year")["gained"].transform("sum") > 0  # years without attachment carry nothing
    c = c[yrs]
    X = pd.get_dummies(c["year"].astype(str), prefix="t", dtype=float)
    X["logk"] = np.log(c["k"].to_numpy(float))
    res = sm.GLM(c["gained"].to_numpy(float), X, family=sm.families.Poisson(),
                 offset=np.log(c["n_at_risk"].to_numpy(float))).fit(cov_type="HC1")
    return float(res.params["logk"]), float(res.bse["logk"]), 0.0


def _alpha_concentrated(c: pd.DataFrame) -> float:
    """The same ``alpha`` as :func:`_fit_alpha` from the likelihood with the year effects profiled
    out (Poisson with year effects = multinomial within years): a 1-D optimisation, for replicates."""
    from scipy.optimize import minimize_scalar

    c = c[c["k"] >= 1]
    year = c["year"].to_numpy()
    logk = np.log(c["k"].to_numpy(float))
    n = c["n_at_risk"].to_numpy(float)
    m = c["gained"].to_numpy(float)
    _, inv = np.unique(year, return_inverse=True)
    M = np.bincount(inv, weights=m)

    def nll(a: float) -> float:
        """Negative profile log-likelihood of exponent ``a`` (year effects profiled out).

        Parameters
        ----------
        a : float
            Exponent.

        Returns
        -------
        float
        """
        w = n * np.exp(a * logk)
        return -(float(a * (m * logk).sum()) - float((M * np.log(np.bincount(inv, weights=w))).sum()))

    return float(minimize_scalar(nll, bounds=(-5.0, 5.0), method="bounded", options={"xatol": 1e-6}).x)


@random_state_arg()
def attachment_kernel(
    pairs: pd.DataFrame,
    bins: Sequence[int] = (1, 2, 3, 4, 5, 7, 10, 15),
    side: Literal["focal", "both"] = "focal",
    n_replicates: int = 100,
    random_state: int | np.random.Generator | None = None,
    level: float = 0.95,
    exclude_years: Iterable[int] = (),
    last_year: int | None = None,
) -> AttachmentKernel:
    """The attachment kernel ``A(k)`` of a dated register, its exponent and a date-shuffling null.

    ``A(k)`` is estimated as in Newman (2001) and Jeong, Néda & Barabási (2003): the attachments a
    place of degree ``k`` receives, relative to the number expected if all places at risk that year
    gained partners at the year's average rate (a standardized ratio; exact Poisson intervals).  The
    exponent ``alpha`` of ``A(k) ∝ k^alpha`` comes from a Poisson model of the (year, k) cells with
    year effects and offset ``log n_at_risk``; ``alpha = 1`` is linear preferential attachment,
    ``alpha = 0`` none.  The null keeps every partnership and shuffles the years among them
    (``n_replicates`` times), which keeps each place's final degree and the yearly totals but breaks
    the order in time: an ``alpha`` the null reproduces is explained by places' differing final
    degrees (heterogeneous fitness), not by degree-driven growth.

    Parameters
    ----------
    pairs : DataFrame
        From :func:`partnerships`.
    bins : sequence of int
        Left edges of the degree bins reported in ``kernel`` (the last bin is open).
    side : {"focal", "both"}
        See :func:`attachment_counts`.
    n_replicates : int
        Date-shuffled replicates.
    random_state : int, Generator or None
        Seed of the shuffles.
    level : float
    exclude_years : iterable of int
        Years treated as unknown: partnerships dated in them are left out, as undated ones are (the
        German register's 2000, a probable placeholder, as in the event studies).  The places'
        degrees then omit those partnerships.
    last_year : int, optional
        Last year at risk (default: the last dated year); partnerships begun later are left out,
        e.g. to keep a register's well-covered years only.

    Returns
    -------
    AttachmentKernel

    References
    ----------
    Newman (2001), Phys. Rev. E 64, 025102; Jeong, Néda & Barabási (2003), Europhys. Lett. 61, 567.

    Examples
    --------
    >>> ak = attachment_kernel(partnerships(tg.load("germany-partnerships-2015")), random_state=1)  # doctest: +SKIP
    >>> ak.alpha_, ak.alpha_ci_                                                                    # doctest: +SKIP
    """
    excl = {int(y) for y in exclude_years}
    if excl or last_year is not None:
        yr = pairs["year"]
        drop = yr.isin(excl).fillna(False).astype(bool)
        if last_year is not None:
            drop |= (yr > last_year).fillna(False).astype(bool)
        pairs = pairs[~drop]
    c = attachment_counts(pairs, side=side)
    kernel = _kernel_table(c, bins, level)
    a, se, _ = _fit_alpha(c)
    z = stats.norm.ppf(0.5 + level / 2)
    rng = np.random.default_rng(random_state)
    dated = pairs[pairs["year"].notna()].copy()
    null_a = np.empty(n_replicates)
    null_rates = []
    for r in range(n_replicates):
        sh = dated.copy()
        sh["year"] = rng.permutation(sh["year"].to_numpy())
        cr = attachment_counts(sh, side=side)
        null_a[r] = _alpha_concentrated(cr)
        null_rates.append(_kernel_table(cr, bins, level)["relative_rate"].to_numpy())
    if n_replicates:
        arr = np.vstack(null_rates)
        null_kernel = pd.DataFrame({"label": kernel["label"], "mean": np.nanmean(arr, axis=0),
                                    "q025": np.nanpercentile(arr, 2.5, axis=0),
                                    "q975": np.nanpercentile(arr, 97.5, axis=0)})
    else:
        null_kernel = pd.DataFrame(columns=["label", "mean", "q025", "q975"])
    return AttachmentKernel(kernel=kernel, alpha_=a, alpha_ci_=(a - z * se, a + z * se),
                            linear_p_value_=float(2 * stats.norm.sf(abs(a - 1) / se)),
                            null_alpha_=null_a, null_kernel_=null_kernel, counts=c,
                            n_replicates=n_replicates, random_state=random_state)


# ----------------------------------------------------------------------------------------- geography
