"""Multiple-list capture–recapture: how many ties exist, and what share each source holds.

Each real tie is "captured" by the sources that list it; with k sources the data are the counts of
the 2^k − 1 observable capture histories (a tie in sources 1 and 3 only: history ``101``).  The
unobserved cell (in no source) is estimated by log-linear models, as Rcapture's ``closedp`` and
Fienberg (1972) fit them.

Models (:func:`fit_model`)
    A Poisson GLM on the 2^k − 1 observed cells, ``log E[n_w] = u0 + sum_j u_j w_j + sum_{(j,l) in
    I} u_jl w_j w_l [+ eta h(z_w)]``, with ``I`` a set of two-source interactions (dependence
    between sources, e.g. the 2016 crawl and the 2017 query both read Wikidata) and, optionally,
    Darroch's heterogeneity term ``h(z) = z^2 / 2`` in the number of sources ``z`` that list the
    tie (Darroch et al. 1993; Rivest & Baillargeon's ``Mth Darroch``): ties easy to find in one
    source are easy to find in the others.  The unobserved cell's design row is zero beyond the
    intercept, so ``N = n + exp(u0)``.
Heterogeneity lower bound (:func:`chao_lower_bound`)
    Chao's (1987) lower bound for model Mh with k sources, ``n + (k-1)/k * f1^2 / (2 f2)`` (f1, f2:
    ties in exactly one, two sources), which stays a lower bound under any capture heterogeneity.
Model selection (:func:`fit_models`)
    Every subset of two-source interactions (up to :data:`MAX_INTERACTIONS` of them), each with and
    without the heterogeneity term, whenever it has no more parameters than observed cells;
    models whose estimate runs away (``exp(u0)`` beyond ``1e3 * n``: a non-identifiable
    combination) are kept in the table but not selected.  The selected model minimises AIC (or
    BIC, ``criterion="bic"``).
Intervals (:func:`profile_interval`)
    Profile-likelihood intervals for N (Cormack 1992): for a candidate N the model is fitted to the
    full 2^k table with ``N − n`` ties in the unobserved cell; ``2 [l(N_hat) − l(N)]`` is referred
    to chi-square(1).  The multinomial log-likelihood keeps the ``log N! − log (N − n)!`` term, so
    N is continuous (gamma functions).

Checked against the three-list hepatitis A data of Chao et al. (2001) (``tests/test_recapture.py``)
and by simulation with known totals, heterogeneous capture and dependent sources
(:func:`simulate_captures`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations, product
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from .exceptions import TwingraphError
from .randomness import random_state_arg
from .randomness import SeedLike, check_random_state
from .results import Result

__all__ = [
    "HAV_CHAO2001",
    "MAX_INTERACTIONS",
    "RecaptureError",
    "RecaptureFit",
    "capture_counts",
    "chao_lower_bound",
    "estimate",
    "fit_model",
    "fit_models",
    "histories",
    "model_fits",
    "profile_interval",
    "RecaptureEstimate",
    "reference_table",
    "SCENARIOS",
    "simulate_captures",
    "simulation_study",
    "simulation_summary",
]

MAX_INTERACTIONS = 4
_RUNAWAY = 1e3


class RecaptureError(TwingraphError, ValueError):
    """Capture histories that cannot be analysed (fewer than two sources, no ties, bad counts)."""


def histories(k: int) -> np.ndarray:
    """The 2^k − 1 observable capture histories, one row each, from ``11…1`` down to ``0…01``
    (binary order, first source most significant), as a 0/1 integer array.

    Parameters
    ----------
    k : int
        Number of sources.

    Returns
    -------
    numpy.ndarray of int, shape (2^k - 1, k)
    """
    rows = [h for h in product((1, 0), repeat=k) if any(h)]
    return np.array(rows, dtype=int)


def capture_counts(membership: pd.DataFrame | np.ndarray) -> np.ndarray:
    """Counts of the observable histories (order of :func:`histories`) from a 0/1 table with one row
    per captured unit and one column per source.

    Parameters
    ----------
    membership : DataFrame or array of 0/1
        Units by sources (at least two columns); rows listed by no source are ignored.

    Returns
    -------
    numpy.ndarray of int
        The 2^k − 1 history counts.

    Examples
    --------
    >>> capture_counts(np.array([[1, 0], [1, 1], [0, 1], [1, 1]]))
    array([2, 1, 1])
    """
    m = np.asarray(membership, dtype=int)
    if m.ndim != 2 or m.shape[1] < 2:
        raise RecaptureError("capture histories need at least two sources (columns)")
    k = m.shape[1]
    m = m[m.any(axis=1)]
    code = m @ (1 << np.arange(k)[::-1])
    order = histories(k) @ (1 << np.arange(k)[::-1])
    counts = np.bincount(code, minlength=1 << k)
    return counts[order]


def _design(h: np.ndarray, pairs: tuple[tuple[int, int], ...], hetero: bool) -> np.ndarray:
    cols = [np.ones(len(h)), *h.T.astype(float)]
    cols += [(h[:, j] * h[:, m]).astype(float) for j, m in pairs]
    if hetero:
        z = h.sum(axis=1).astype(float)
        cols.append(z * z / 2.0)
    return np.column_stack(cols)


def _poisson_irls(X: np.ndarray, y: np.ndarray, max_iter: int = 200, tol: float = 1e-10) -> tuple[np.ndarray, bool]:
    """Poisson log-link MLE by Newton/IRLS with step halving; returns (beta, converged)."""
    beta = np.zeros(X.shape[1])
    beta[0] = np.log(max(y.mean(), 0.5))

    def loglik(b: np.ndarray) -> float:
        """Poisson log-likelihood (without the ``log y!`` term) at coefficients ``b``.

        Parameters
        ----------
        b : numpy.ndarray

        Returns
        -------
        float
        """
        eta = X @ b
        return float(np.sum(y * eta - np.exp(np.minimum(eta, 700))))

    ll = loglik(beta)
    for _ in range(max_iter):
        mu = np.exp(np.minimum(X @ beta, 700))
        grad = X.T @ (y - mu)
        hess = X.T @ (X * mu[:, None])
        try:
            step = np.linalg.solve(hess + 1e-12 * np.eye(len(beta)), grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hess, grad, rcond=None)[0]
        t = 1.0
        while t > 1e-8:
            new = beta + t * step
            ll_new = loglik(new)
            if ll_new >= ll - 1e-12:
                break
            t /= 2
        beta, ll_old, ll = new, ll, ll_new
        if abs(ll - ll_old) < tol * (1 + abs(ll)) and np.max(np.abs(t * step)) < 1e-7:
            return beta, True
    return beta, False


@dataclass(frozen=True)
class RecaptureFit(Result):
    """One fitted log-linear model.

    Attributes
    ----------
    name : str
        ``"Mt"`` (independence), ``"Mt+12+23"`` (interactions of sources 1–2 and 2–3, 1-based),
        ``"…+Darroch"`` with the heterogeneity term.
    N : float
        Estimated total (observed + unobserved cell).
    n : int
        Units captured by at least one source.
    deviance, df, aic, bic : float
        Fit to the observed cells (AIC/BIC from the Poisson log-likelihood, as Rcapture reports them).
    converged, runaway : bool
        IRLS convergence; an unobserved cell beyond 1e3 · n (not identifiable).
    pairs, hetero
        The model's terms.
    """

    name: str
    N: float
    n: int
    deviance: float
    df: int
    aic: float
    bic: float
    converged: bool
    runaway: bool
    pairs: tuple[tuple[int, int], ...] = field(default_factory=tuple)
    hetero: bool = False
    params: np.ndarray = field(default_factory=lambda: np.zeros(0))


def fit_model(counts: Any, pairs: tuple[tuple[int, int], ...] = (), hetero: bool = False) -> RecaptureFit:
    """Fit one log-linear model to the observable-history counts (order of :func:`histories`).

    Parameters
    ----------
    counts : array of 2^k − 1 counts
    pairs : tuple of (j, l)
        Two-source interactions, 0-based source indices.
    hetero : bool
        Add Darroch's heterogeneity term z^2/2.

    Returns
    -------
    RecaptureFit

    Examples
    --------
    Two independent lists give the Lincoln–Petersen estimate n1 n2 / m:

    >>> round(fit_model([20, 30, 20]).N, 6)   # histories 11, 10, 01: n1 = 50, n2 = 40, m = 20
    100.0
    """
    y = np.asarray(counts, dtype=float)
    k = int(round(np.log2(len(y) + 1)))
    if len(y) != (1 << k) - 1 or k < 2:
        raise RecaptureError(f"need 2^k - 1 history counts, got {len(y)}")
    if np.any(y < 0) or not np.all(np.isfinite(y)):
        raise RecaptureError("history counts must be finite and non-negative")
    n = int(round(y.sum()))
    if n == 0:
        raise RecaptureError("no captured units")
    h = histories(k)
    X = _design(h, pairs, hetero)
    beta, ok = _poisson_irls(X, y)
    mu = np.exp(X @ beta)
    with np.errstate(divide="ignore", invalid="ignore"):
        dev = 2 * float(np.sum(np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu)))
    ll = float(np.sum(y * np.log(np.maximum(mu, 1e-300)) - mu - special.gammaln(y + 1)))
    p = X.shape[1]
    unobs = float(np.exp(min(beta[0], 700)))
    name = "Mt" + "".join(f"+{j + 1}{m + 1}" for j, m in pairs) + ("+Darroch" if hetero else "")
    return RecaptureFit(name=name, N=n + unobs, n=n, deviance=dev, df=len(y) - p, aic=-2 * ll + 2 * p,
                        bic=-2 * ll + np.log(n) * p, converged=ok, runaway=unobs > _RUNAWAY * n,
                        pairs=tuple(pairs), hetero=hetero, params=beta)


def chao_lower_bound(counts: Any) -> float:
    """Chao's (1987) lower bound for model Mh: ``n + (k-1)/k * f1^2 / (2 f2)`` (``f2 = 0``:
    the bias-corrected ``f1 (f1 - 1) / 2``).

    Parameters
    ----------
    counts : array of 2^k − 1 counts
        In the order of :func:`histories`.

    Returns
    -------
    float
        The lower bound of N.

    Examples
    --------
    >>> round(chao_lower_bound([28, 21, 17, 69, 18, 55, 63]), 1)  # hepatitis A, three lists
    479.1
    """
    y = np.asarray(counts, dtype=float)
    k = int(round(np.log2(len(y) + 1)))
    z = histories(k).sum(axis=1)
    f1, f2 = float(y[z == 1].sum()), float(y[z == 2].sum())
    extra = f1 * f1 / (2 * f2) if f2 > 0 else f1 * (f1 - 1) / 2
    return float(y.sum() + (k - 1) / k * extra)


def model_fits(counts: Any, max_interactions: int = MAX_INTERACTIONS, heterogeneity: bool = True
               ) -> dict[str, RecaptureFit]:
    """Every candidate model fitted (see the module docstring), by model name.

    Parameters
    ----------
    counts : array of 2^k − 1 counts
        In the order of :func:`histories`.
    max_interactions : int
        Largest number of two-source interactions in a model.
    heterogeneity : bool
        Also fit every model with Darroch's term.

    Returns
    -------
    dict of str to RecaptureFit
    """
    y = np.asarray(counts, dtype=float)
    k = int(round(np.log2(len(y) + 1)))
    all_pairs = list(combinations(range(k), 2))
    fits: dict[str, RecaptureFit] = {}
    for r in range(0, min(max_interactions, len(all_pairs)) + 1):
        for pairs in combinations(all_pairs, r):
            for het in (False, True) if heterogeneity else (False,):
                if len(y) - (1 + k + r + het) < 0:  # saturated models (df 0) are fitted, as Rcapture does
                    continue
                f = fit_model(y, pairs, het)
                fits[f.name] = f
    return fits


def fit_models(counts: Any, max_interactions: int = MAX_INTERACTIONS, heterogeneity: bool = True) -> pd.DataFrame:
    """The candidate models of :func:`model_fits` as a table, one row per model, sorted by AIC:
    ``model``, ``N``, ``deviance``, ``df``, ``aic``, ``bic``, ``converged``, ``runaway``, ``n_params``.

    Parameters
    ----------
    counts : array of 2^k − 1 counts
        In the order of :func:`histories`.
    max_interactions : int
        Largest number of two-source interactions in a model.
    heterogeneity : bool
        Also fit every model with Darroch's term.

    Returns
    -------
    DataFrame
        The table described above (ties in AIC broken by model name).
    """
    return _table(model_fits(counts, max_interactions, heterogeneity))


def _table(fits: dict[str, RecaptureFit]) -> pd.DataFrame:
    rows = [{"model": f.name, "N": f.N, "deviance": f.deviance, "df": f.df, "aic": f.aic, "bic": f.bic,
             "converged": f.converged, "runaway": f.runaway, "n_params": len(f.params)} for f in fits.values()]
    return pd.DataFrame(rows).sort_values(["aic", "model"], kind="stable").reset_index(drop=True)


def _profile_loglik(y: np.ndarray, X_full: np.ndarray, N: float, n: float) -> float:
    full = np.r_[N - n, y]  # unobserved cell first (its design row: intercept only)
    beta, _ = _poisson_irls(X_full, full)
    mu = np.exp(X_full @ beta)
    p = mu / mu.sum()
    return float(special.gammaln(N + 1) - special.gammaln(N - n + 1)
                 + np.sum(np.where(full > 0, full * np.log(np.maximum(p, 1e-300)), 0.0)))


def profile_interval(counts: Any, fit: RecaptureFit, level: float = 0.95) -> tuple[float, float]:
    """Profile-likelihood interval for N under ``fit``'s model (Cormack 1992).

    Returns ``(low, high)``; ``high`` is ``inf`` when the likelihood does not fall by the
    chi-square cut-off within 1e4 · n.

    Parameters
    ----------
    counts : array of 2^k − 1 counts
        In the order of :func:`histories`.
    fit : RecaptureFit
        The model (its interactions and heterogeneity term are used).
    level : float
        Confidence level.

    Returns
    -------
    tuple of (float, float)
        ``(low, high)``.
    """
    y = np.asarray(counts, dtype=float)
    k = int(round(np.log2(len(y) + 1)))
    h = np.vstack([np.zeros(k, dtype=int), histories(k)])
    X = _design(h, fit.pairs, fit.hetero)
    n = float(y.sum())
    cut = stats.chi2.ppf(level, 1) / 2
    grid_lo = n + 1e-6
    # the profile maximum, near the Poisson estimate
    res = optimize.minimize_scalar(lambda t: -_profile_loglik(y, X, n + np.exp(t), n),
                                   bracket=(np.log(max(fit.N - n, 1e-3)) - 0.5, np.log(max(fit.N - n, 1e-3)) + 0.5))
    n_hat = n + float(np.exp(res.x))
    top = -float(res.fun)

    def g(N: float) -> float:
        """Profile log-likelihood drop at ``N`` minus the chi-square cut-off (root: an interval end).

        Parameters
        ----------
        N : float

        Returns
        -------
        float
        """
        return top - _profile_loglik(y, X, N, n) - cut

    low = grid_lo if g(grid_lo) <= 0 else optimize.brentq(g, grid_lo, n_hat, xtol=1e-6 * n)
    hi_end = n_hat
    high = float("inf")
    for _ in range(60):
        nxt = n + (hi_end - n) * 1.5 + 1
        if nxt > n * 1e4 + 1e4:
            break
        if g(nxt) > 0:
            high = optimize.brentq(g, hi_end, nxt, xtol=1e-6 * n)
            break
        hi_end = nxt
    return float(low), float(high)


@dataclass(frozen=True)
class RecaptureEstimate(Result):
    """What :func:`estimate` returns.

    Attributes
    ----------
    model : str
        The selected model (:attr:`RecaptureFit.name`).
    N, ci_low, ci_high : float
        Estimated total and its profile-likelihood interval (``ci_high`` may be ``inf``).
    n : int
        Units seen by at least one source.
    chao_lb : float
        Chao's lower bound (model Mh).
    criterion : str
        ``"aic"`` or ``"bic"``.
    table : DataFrame
        Every candidate model (:func:`fit_models`).
    capture : DataFrame
        Per source (0-based index): ``observed``, ``p_hat`` = observed / N and its interval.
    fit : RecaptureFit
        The selected model's fit.
    """

    model: str
    N: float
    ci_low: float
    ci_high: float
    n: int
    chao_lb: float
    criterion: str
    table: pd.DataFrame
    capture: pd.DataFrame
    fit: RecaptureFit


def estimate(counts: Any, criterion: str = "aic", level: float = 0.95, max_interactions: int = MAX_INTERACTIONS,
             heterogeneity: bool = True) -> RecaptureEstimate:
    """Select a model (lowest AIC or BIC among the converged, identifiable ones) and estimate N
    with its profile interval.

    Parameters
    ----------
    counts : array of 2^k − 1 counts
        In the order of :func:`histories`.
    criterion : {"aic", "bic"}
        Selection criterion (all models are candidates when none converged and is identifiable).
    level : float
        Confidence level of the interval.
    max_interactions : int
        Largest number of two-source interactions in a model.
    heterogeneity : bool
        Also fit every model with Darroch's term.

    Returns
    -------
    RecaptureEstimate

    Examples
    --------
    >>> e = estimate(HAV_CHAO2001)
    >>> e.model, round(e.N), round(e.chao_lb)
    ('Mt+Darroch', 1313, 479)
    """
    if criterion not in ("aic", "bic"):
        raise RecaptureError(f"criterion must be 'aic' or 'bic', got {criterion!r}")
    y = np.asarray(counts, dtype=float)
    fits = model_fits(y, max_interactions=max_interactions, heterogeneity=heterogeneity)
    table = _table(fits)
    ok = table[table["converged"] & ~table["runaway"]]
    if ok.empty:
        ok = table
    best = ok.sort_values([criterion, "model"], kind="stable").iloc[0]
    fit = fits[best["model"]]
    lo, hi = profile_interval(y, fit, level)
    k = int(round(np.log2(len(y) + 1)))
    per_source = (histories(k) * y[:, None]).sum(axis=0)
    capture = pd.DataFrame({"source": np.arange(k), "observed": per_source.astype(int),
                            "p_hat": per_source / fit.N,
                            "p_low": per_source / hi if np.isfinite(hi) else 0.0, "p_high": per_source / lo})
    return RecaptureEstimate(model=fit.name, N=fit.N, ci_low=lo, ci_high=hi, n=fit.n, chao_lb=chao_lower_bound(y),
                             criterion=criterion, table=table, capture=capture, fit=fit)


@random_state_arg()
def simulate_captures(N: int, p: Any, random_state: SeedLike = None, heterogeneity: float = 0.0,
                      dependence: float = 0.0) -> np.ndarray:
    """Simulated capture table (one row per unit of a population of ``N``, one column per source).

    Unit i is listed by source j with probability ``expit(logit(p_j) + heterogeneity * e_i)``,
    ``e_i ~ N(0, 1)`` (heterogeneous catchability); with ``dependence > 0`` a unit listed by source
    1 is listed by source 2 with the log-odds raised by ``dependence`` (positive dependence, as a
    2017 query of the Wikidata the 2016 crawl read).  Rows never listed are kept (the truth).

    Parameters
    ----------
    N : int
        Population size.
    p : array of float
        Capture probability of each source.
    random_state : int, numpy.random.Generator or None
        Seed.
    heterogeneity : float
        Standard deviation of the catchability effect ``e_i`` (log-odds).
    dependence : float
        Log-odds added for source 2 when source 1 lists the unit.

    Returns
    -------
    numpy.ndarray of int, shape (N, len(p))
        0/1 capture table.
    """
    rng = check_random_state(random_state)
    p = np.asarray(p, dtype=float)
    e = rng.standard_normal(N) * heterogeneity
    logit = np.log(p / (1 - p))[None, :] + e[:, None]
    cap = np.zeros((N, len(p)), dtype=int)
    for j in range(len(p)):
        lj = logit[:, j] + (dependence * cap[:, 0] if j == 1 else 0.0)
        cap[:, j] = rng.random(N) < special.expit(lj)
    return cap


#: Simulation scenarios of :func:`simulation_study`: (name, heterogeneity sd, dependence of
#: source 2 on source 1 in log-odds).
SCENARIOS = (("independent", 0.0, 0.0), ("heterogeneous", 1.0, 0.0), ("dependent", 0.0, 1.5),
             ("heterogeneous + dependent", 1.0, 1.5))


@random_state_arg()
def simulation_study(N: int = 2000, p: Any = (0.5, 0.4, 0.3, 0.6), replicates: int = 200,
                     random_state: SeedLike = 0, criterion: str = "aic", scenarios: Any = SCENARIOS) -> pd.DataFrame:
    """Recovery of known totals: per scenario and replicate, the selected model's estimate and
    interval, the independence model's estimate, and Chao's lower bound.

    Returns one row per (scenario, replicate): ``N_true``, ``N_hat``, ``ci_low``, ``ci_high``,
    ``covered``, ``model``, ``N_indep``, ``chao_lb``.

    Parameters
    ----------
    N : int
        Population size.
    p : array of float
        Capture probability of each source.
    replicates : int
        Replicates per scenario.
    random_state : int, numpy.random.Generator or None
        Seed (one generator for all draws).
    criterion : {"aic", "bic"}
        Model selection criterion.
    scenarios : sequence of (str, float, float)
        ``(name, heterogeneity, dependence)``, as :data:`SCENARIOS`.

    Returns
    -------
    DataFrame
        Columns ``scenario, replicate, N_true, N_hat, ci_low, ci_high, covered, model, N_indep,
        chao_lb, observed``.
    """
    rng = check_random_state(random_state)
    rows = []
    for name, het, dep in scenarios:
        for r in range(replicates):
            counts = capture_counts(simulate_captures(N, p, rng, het, dep))
            est = estimate(counts, criterion=criterion)
            rows.append({"scenario": name, "replicate": r, "N_true": N, "N_hat": est.N, "ci_low": est.ci_low,
                         "ci_high": est.ci_high, "covered": est.ci_low <= N <= est.ci_high,
                         "model": est.model, "N_indep": fit_model(counts).N, "chao_lb": est.chao_lb,
                         "observed": est.n})
    return pd.DataFrame(rows)


def simulation_summary(sim: pd.DataFrame) -> pd.DataFrame:
    """Per scenario: median relative bias, RMSE / N, interval coverage (with its Wilson interval
    computed from the replicates), the independence model's median bias, share of replicates whose
    Chao lower bound is below the truth.

    Parameters
    ----------
    sim : DataFrame
        Output of :func:`simulation_study`.

    Returns
    -------
    DataFrame
        One row per scenario: ``scenario, replicates, N_true, median_rel_bias, rmse_rel, coverage,
        coverage_low, coverage_high, indep_median_rel_bias, chao_lb_below_truth, mean_observed_share``.
    """
    out = []
    for name, g in sim.groupby("scenario", sort=False):
        n = len(g)
        k = int(g["covered"].sum())
        z = 1.959963984540054
        c = (k / n + z * z / (2 * n)) / (1 + z * z / n)
        h = z * np.sqrt(k / n * (1 - k / n) / n + z * z / (4 * n * n)) / (1 + z * z / n)
        t = g["N_true"].iloc[0]
        out.append({"scenario": name, "replicates": n, "N_true": t,
                    "median_rel_bias": float(np.median(g["N_hat"] / t - 1)),
                    "rmse_rel": float(np.sqrt(np.mean((g["N_hat"] / t - 1) ** 2))), "coverage": k / n,
                    "coverage_low": c - h, "coverage_high": c + h,
                    "indep_median_rel_bias": float(np.median(g["N_indep"] / t - 1)),
                    "chao_lb_below_truth": float(np.mean(g["chao_lb"] <= t)),
                    "mean_observed_share": float(np.mean(g["observed"] / t))})
    return pd.DataFrame(out)


#: Hepatitis A outbreak in a college in northern Taiwan, 1995 (Chao et al. 2001, Statistics in
#: Medicine 20:3123-3157): counts of the histories 111, 110, 101, 100, 011, 010, 001 of the lists
#: P (serum test), Q (quarantine service), E (epidemiologists); the ``HAV`` data of the R package
#: CARE1 (github.com/cran/CARE1 @ 35bc8948ce518ed667e65cf4379f1be856f3b2d6, ``data/HAV.rda``).
HAV_CHAO2001 = (28, 21, 17, 69, 18, 55, 63)


def reference_table(counts: Any = HAV_CHAO2001) -> pd.DataFrame:
    """Every candidate model on ``counts`` (default the hepatitis A data) with its profile 95%
    interval: the check against published estimates (Chao et al. 2001: 388 under independence,
    1313 with all two-list interactions).

    Parameters
    ----------
    counts : array of 2^k − 1 counts
        In the order of :func:`histories`.

    Returns
    -------
    DataFrame
        :func:`fit_models`' columns without ``n_params``, plus ``ci_low, ci_high``.
    """
    fits = model_fits(counts)
    tab = _table(fits).drop(columns="n_params")
    lo, hi = zip(*(profile_interval(counts, fits[m]) for m in tab["model"]))
    return tab.assign(ci_low=lo, ci_high=hi)
