"""Event studies of formation counts (unit and year fixed effects, leads and lags, pre-trends, placebo inference)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from ..exceptions import TwingraphWarning
from ..randomness import random_state_arg
from ..results import DeprecatedKeys, TableResult, TestResult, empirical_p_value
from .counts import formation_counts


def event_units(event: pd.Series | dict[str, Any], focal: str) -> list[str]:
    """Partner countries an event concerns: its actors and targets other than the focal country.

    Parameters
    ----------
    event : Series or dict
        One row of the events table (``actors``, ``targets``: ISO3 codes joined by ``";"``).
    focal : str
        The register's home country.

    Returns
    -------
    list of str
        Sorted ISO3 codes (empty when the event names only the focal country, e.g. the fall of the
        Berlin Wall coded ``DEU``: the analyst then states the treated units).

    Examples
    --------
    >>> event_units({"actors": "FRA;DEU", "targets": None}, "DEU")
    ['FRA']
    """
    codes: set[str] = set()
    for col in ("actors", "targets"):
        v = event.get(col) if isinstance(event, dict) else event[col]
        if isinstance(v, str):
            codes |= {c.strip() for c in v.split(";") if c.strip()}
    return sorted(codes - {focal})


@dataclass(frozen=True, eq=False)
class EventDesign(TableResult):
    """:func:`event_study_design`: the panel and what went into it.

    Attributes
    ----------
    table : DataFrame
        One row per (group, year): ``unit, year, k, treated, post, y`` and the lead/lag dummies.
    event_year, reference : int
        The event's calendar year and the omitted relative year.
    window : (int, int)
        Relative years kept.
    treated : list of str
        Treated units present in the panel.
    dropped_units : list of str
        Units without formation in the window (dropped).
    excluded_years : list of int
        Calendar years left out.
    treated_absent : list of str
        Treated units not in the panel.
    """

    event_year: int
    window: tuple[int, int]
    reference: int
    treated: list[str]
    dropped_units: list[str]
    excluded_years: list[int]
    treated_absent: list[str]


def event_study_design(
    counts: pd.DataFrame,
    event_year: int,
    treated: Iterable[str],
    window: tuple[int, int] = (-6, 6),
    reference: int = -1,
    units: Iterable[str] | None = None,
    exclude_years: Iterable[int] = (),
) -> EventDesign:
    """The panel and dummies of an event study of formation counts.

    Parameters
    ----------
    counts : DataFrame
        ``group, year, formed`` (from :func:`formation_counts` with ``period=1``).
    event_year : int
        Calendar year of the event; relative time ``k = year - event_year`` (``k = 0`` is the year
        that contains the event).
    treated : iterable of str
        Groups the event concerns.
    window : (int, int)
        Relative years kept, inclusive (e.g. ``(-6, 6)``).
    reference : int
        The omitted relative year (``-1``: the year before the event).
    units : iterable of str, optional
        Groups kept (default: all); groups with no new partnership inside the window are dropped
        (a fixed-effects Poisson model learns nothing from them), see ``dropped_units``.
    exclude_years : iterable of int
        Calendar years left out of the panel (e.g. a year the source uses as a placeholder, such
        as 2000 in the German register); their relative-year dummy is dropped.

    Returns
    -------
    EventDesign
        ``table``: one row per (group, year) in the window: ``unit, year, k, treated, post, y`` and one
        0/1 column ``lead_<m>`` / ``lag_<m>`` per relative year other than ``reference``
        (``lead_3`` is ``k = -3``; ``lag_0`` is ``k = 0``), equal to 1 for treated units in that
        year.  ``post`` is ``treated * (k >= 0)``.

    Examples
    --------
    >>> c = pd.DataFrame({"group": ["A"] * 3 + ["B"] * 3, "year": [1, 2, 3] * 2, "formed": [1, 2, 3, 1, 1, 1]})
    >>> d = event_study_design(c, 2, ["A"], window=(-1, 1)).table
    >>> d[["unit", "k", "lag_0", "lag_1", "post"]].values.tolist()[:3]
    [['A', -1, 0, 0, 0], ['A', 0, 1, 0, 1], ['A', 1, 0, 1, 1]]
    """
    lo, hi = window
    if not lo <= reference <= hi or lo > -1 or hi < 0:
        raise ValueError(f"window {window} must contain the reference {reference}, a pre and a post year")
    treated = set(treated)
    c = counts[(counts["year"] >= event_year + lo) & (counts["year"] <= event_year + hi)]
    if units is not None:
        c = c[c["group"].isin(set(units))]
    excl = {int(y) for y in exclude_years}
    if event_year + reference in excl:
        raise ValueError(f"the reference year {event_year + reference} is excluded")
    c = c[~c["year"].isin(excl)]
    missing = set(range(event_year + lo, event_year + hi + 1)) - set(c["year"]) - excl
    if missing:
        raise ValueError(f"counts lack years {sorted(missing)[:5]} of the window")
    tot = c.groupby("group")["formed"].sum()
    keep = tot[tot > 0].index
    dropped = sorted(set(tot.index) - set(keep))
    c = c[c["group"].isin(keep)].sort_values(["group", "year"], kind="stable")
    d = pd.DataFrame({"unit": c["group"].astype(str).to_numpy(), "year": c["year"].astype(int).to_numpy(),
                      "y": c["formed"].astype(int).to_numpy()})
    d["k"] = d["year"] - event_year
    d["treated"] = d["unit"].isin(treated).astype(int)
    d["post"] = d["treated"] * (d["k"] >= 0).astype(int)
    for k in range(lo, hi + 1):
        if k == reference:
            continue
        d[_kname(k)] = d["treated"] * (d["k"] == k).astype(int)
    ks = [k for k in range(lo, hi + 1) if k != reference and event_year + k not in excl]
    d = d[["unit", "year", "k", "treated", "post", "y", *[_kname(k) for k in ks]]]
    d = d.reset_index(drop=True)
    return EventDesign(d, event_year=int(event_year), window=(int(lo), int(hi)), reference=int(reference),
                       treated=sorted(treated & set(d["unit"])), dropped_units=dropped, excluded_years=sorted(excl),
                       treated_absent=sorted(treated - set(d["unit"])))


def _kname(k: int) -> str:
    return f"lead_{-k}" if k < 0 else f"lag_{k}"


@dataclass
class EventStudyResult:
    """What :func:`event_study` returns.

    Attributes
    ----------
    coefficients : DataFrame
        ``k, term, treated_count, coef, se, rate_ratio, ci_low, ci_high, p_value`` per relative
        year (the reference year has ``rate_ratio = 1`` and no interval; a year in which the treated
        units formed nothing has no finite estimate and is reported as NaN).
    post : dict
        Pooled effect of the treated units' post-event years against their pre-event years,
        relative to the other units (``rate_ratio, ci_low, ci_high, p_value, coef, se``).
    pretrend : dict
        Joint Wald test that every lead other than the reference (and other than leads without
        treated formation, listed in ``notes``) is zero: ``chi2, df, p_value``;
        and ``slope_rate_ratio`` with interval: a linear treated-specific trend fitted on the
        pre-event years only (1 = parallel pre-trends).
    n_obs, n_units, n_treated : int
    family : str
    design : EventDesign
        The design from :func:`event_study_design`.
    notes : dict
        Dropped units, treated units absent from the data, estimation warnings.
    """

    coefficients: pd.DataFrame
    post: dict[str, float]
    pretrend: dict[str, float]
    n_obs: int
    n_units: int
    n_treated: int
    family: str
    design: EventDesign
    notes: dict[str, object] = field(default_factory=dict)


def _fit_count(y: np.ndarray, X: pd.DataFrame, family: str, cov_type: str,  # type: ignore[no-untyped-def]
               alpha: float | None = None):
    import statsmodels.api as sm

    if family == "poisson":
        return sm.GLM(y, X, family=sm.families.Poisson()).fit(cov_type=cov_type)
    if family == "negbin":
        # NB2 with alpha by profile likelihood (as R's MASS::glm.nb alternates): GLM IRLS for a given
        # alpha is stable where the joint Newton fit fails near alpha = 0
        from scipy.optimize import minimize_scalar

        start = sm.GLM(y, X, family=sm.families.Poisson()).fit().params

        def nll(log_alpha: float) -> float:
            fam = sm.families.NegativeBinomial(alpha=float(np.exp(log_alpha)))
            return -float(sm.GLM(y, X, family=fam).fit(start_params=start).llf)

        if alpha is None:
            opt = minimize_scalar(nll, bounds=(-9.0, 2.5), method="bounded", options={"xatol": 1e-2})
            alpha = float(np.exp(opt.x))
        res = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=alpha)).fit(start_params=start)
        res.nb_alpha = alpha
        return res
    raise ValueError(f"family must be 'poisson' or 'negbin', not {family!r}")


def _fe_matrix(d: pd.DataFrame, terms: list[str]) -> pd.DataFrame:
    units = pd.get_dummies(d["unit"], prefix="u", dtype=float)
    years = pd.get_dummies(d["year"].astype(str), prefix="t", dtype=float).iloc[:, 1:]
    X = pd.concat([units, years, d[terms].astype(float)], axis=1)
    return X


def event_study(
    counts: pd.DataFrame,
    event_year: int,
    treated: Iterable[str],
    window: tuple[int, int] = (-6, 6),
    reference: int = -1,
    units: Iterable[str] | None = None,
    exclude_years: Iterable[int] = (),
    family: Literal["poisson", "negbin"] = "negbin",
    cov_type: str = "HC1",
    level: float = 0.95,
) -> EventStudyResult:
    """Event study of formation counts with unit and year fixed effects (Poisson or NB2).

    Model: ``log E[y_ut] = a_u + b_t + sum_k beta_k D_k(u, t)`` where ``D_k`` is 1 for a treated
    unit ``k`` years from the event (``k`` in the window except ``reference``).  ``exp(beta_k)`` is
    the rate ratio of the treated units' formation ``k`` years from the event, relative to the
    reference year and to the other units' change over the same years.  A second model replaces the
    dummies by one ``post`` indicator (pooled post-event rate ratio), a third fits a treated-specific
    linear trend on pre-event years only (pre-trend slope).

    Parameters
    ----------
    counts, event_year, treated, window, reference, units, exclude_years
        See :func:`event_study_design`.
    family : {"poisson", "negbin"}
        ``"poisson"``: GLM Poisson, standard errors ``cov_type`` (``"HC1"`` sandwich: robust to
        overdispersion); ``"negbin"``: NB2 maximum likelihood (statsmodels ``NegativeBinomial``),
        model-based standard errors.
    cov_type : str
        Covariance of the Poisson fit (statsmodels name).
    level : float
        Confidence level of the intervals.

    Returns
    -------
    EventStudyResult

    Notes
    -----
    With one or a few treated units the intervals rest on the model (and sandwich) assumptions,
    not on many independent treated clusters; read them as descriptive.  Units whose counts are all
    zero in the window are dropped (they carry no information with unit fixed effects).

    Examples
    --------
    >>> res = event_study(counts, 1963, ["FRA"], window=(-6, 6))      # doctest: +SKIP
    >>> res.post["rate_ratio"]                                        # doctest: +SKIP
    """
    design = event_study_design(counts, event_year, treated, window, reference, units, exclude_years)
    d = design.table
    if not design.treated:
        raise ValueError(f"no treated unit with formation in the window (treated: {sorted(set(treated))})")
    z = stats.norm.ppf(0.5 + level / 2)
    lo, hi = design.window
    excl = set(design.excluded_years)
    terms = [_kname(k) for k in range(lo, hi + 1) if k != reference and event_year + k not in excl]
    y = d["y"].to_numpy(dtype=float)
    notes: dict[str, object] = {"dropped_units": design.dropped_units, "treated_absent": design.treated_absent}
    res = _fit_count(y, _fe_matrix(d, terms), family, cov_type)
    nb_alpha = getattr(res, "nb_alpha", None)  # NB: one dispersion, from the event-study model, for all three
    params, bse, pvals = res.params, res.bse, res.pvalues
    tr_count = d[d["treated"] == 1].groupby("k")["y"].sum()
    if tr_count.get(reference, 0) == 0:
        notes["warning"] = "the treated units formed nothing in the reference year: every rate ratio is unbounded"
    rows: list[dict[str, Any]] = []
    for k in range(lo, hi + 1):
        if event_year + k in excl:
            continue
        n_k = int(tr_count.get(k, 0))
        if k == reference:
            rows.append({"k": k, "term": "reference", "treated_count": n_k, "coef": 0.0, "se": np.nan,
                         "rate_ratio": 1.0, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan})
            continue
        t = _kname(k)
        if n_k == 0:  # no treated formation that year: the estimate runs to -inf, nothing to report
            rows.append({"k": k, "term": t, "treated_count": 0, "coef": np.nan, "se": np.nan, "rate_ratio": np.nan,
                         "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan})
            continue
        b, se = float(params[t]), float(bse[t])
        rows.append({"k": k, "term": t, "treated_count": n_k, "coef": b, "se": se, "rate_ratio": float(np.exp(b)),
                     "ci_low": float(np.exp(b - z * se)), "ci_high": float(np.exp(b + z * se)),
                     "p_value": float(pvals[t])})
    coef = pd.DataFrame(rows)
    leads = [r["term"] for r in rows if r["term"].startswith("lead_") and r["treated_count"] > 0]
    notes["leads_without_treated_formation"] = [r["term"] for r in rows
                                                if r["term"].startswith("lead_") and r["treated_count"] == 0]
    if leads:
        idx = [list(params.index).index(t) for t in leads]
        bl = np.asarray(params)[idx]
        V = np.asarray(res.cov_params())[np.ix_(idx, idx)]
        try:
            chi2 = float(bl @ np.linalg.solve(V, bl))
            pt = {"chi2": chi2, "df": len(leads), "p_value": float(stats.chi2.sf(chi2, len(leads)))}
        except np.linalg.LinAlgError:
            pt = {"chi2": np.nan, "df": len(leads), "p_value": np.nan}
    else:
        pt = {"chi2": np.nan, "df": 0, "p_value": np.nan}
    # pre-event years only: treated-specific linear trend
    pre = d[d["k"] < 0].copy()
    pre["trend"] = pre["treated"] * pre["k"]
    pre = pre[pre["unit"].isin(pre.groupby("unit")["y"].sum().pipe(lambda s: s[s > 0]).index)]
    if pre["treated"].sum() and pre["k"].nunique() >= 3 and pre.loc[pre["treated"] == 1, "y"].sum() > 0:
        r3 = _fit_count(pre["y"].to_numpy(float), _fe_matrix(pre, ["trend"]), family, cov_type, nb_alpha)
        bt, st = float(r3.params["trend"]), float(r3.bse["trend"])
        pt.update(slope_rate_ratio=float(np.exp(bt)), slope_ci_low=float(np.exp(bt - z * st)),
                  slope_ci_high=float(np.exp(bt + z * st)), slope_p_value=float(r3.pvalues["trend"]))
    else:
        pt.update(slope_rate_ratio=np.nan, slope_ci_low=np.nan, slope_ci_high=np.nan, slope_p_value=np.nan)
    r2 = _fit_count(y, _fe_matrix(d, ["post"]), family, cov_type, nb_alpha)
    bp, sp = float(r2.params["post"]), float(r2.bse["post"])
    post = {"coef": bp, "se": sp, "rate_ratio": float(np.exp(bp)), "ci_low": float(np.exp(bp - z * sp)),
            "ci_high": float(np.exp(bp + z * sp)), "p_value": float(r2.pvalues["post"])}
    tr = d[d["treated"] == 1]
    notes["treated_pre_mean"] = float(tr.loc[tr["k"] < 0, "y"].mean())
    notes["treated_post_mean"] = float(tr.loc[tr["k"] >= 0, "y"].mean())
    if family == "negbin":
        notes["alpha"] = float(res.nb_alpha)
    return EventStudyResult(coefficients=coef, post=post, pretrend=pt, n_obs=len(d),
                            n_units=int(d["unit"].nunique()), n_treated=len(design.treated),
                            family=family, design=design, notes=notes)


_PLACEBO_P = "two-sided randomization: (1 + #{|b_placebo| >= |b_observed|}) / (n_placebos + 1)"
#: The null model of :func:`placebo_test`, in words.
PLACEBO_NULL: str = ("the pooled post-event PPML coefficient (unit and year fixed effects) with as many control "
                     "units declared treated, every such set or n_draws drawn without replacement")


@dataclass(frozen=True)
class PlaceboTest(DeprecatedKeys, TestResult):
    """:func:`placebo_test`: a :class:`~twingraph.results.TestResult` with the placebo distribution.

    ``statistic`` is the observed pooled coefficient, ``effect_size`` its rate ratio; the null fields
    describe the placebo coefficients.  It still answers the dict keys it replaces (``res["p_value"]``,
    ``res["observed"]``, ...), with a :class:`DeprecationWarning`, for one release.

    Attributes
    ----------
    n_placebos : int
        Placebo sets with a finite statistic.
    exhaustive : bool
        Every set of control units was used.
    coefs : numpy.ndarray
        The placebo statistics.
    min_p : float
        The smallest p-value the design allows, ``1 / (n_placebos + 1)``.
    """

    __test__ = False  # not a pytest class
    _KEY_ALIASES = {"observed": "statistic"}
    n_placebos: int = 0
    exhaustive: bool = False
    coefs: np.ndarray = field(default_factory=lambda: np.zeros(0), compare=False)
    min_p: float = float("nan")


@random_state_arg()
def placebo_test(
    counts: pd.DataFrame,
    event_year: int,
    treated: Iterable[str],
    window: tuple[int, int] = (-6, 6),
    reference: int = -1,
    units: Iterable[str] | None = None,
    exclude_years: Iterable[int] = (),
    n_draws: int = 99,
    random_state: Any = 0,
) -> PlaceboTest:
    """Design-based (randomization) inference for the pooled post-event effect of few treated units.

    The statistic is the pooled post-event coefficient of a Poisson (PPML) model with unit and year
    fixed effects, as in :func:`event_study` (any statistic gives a valid randomization test when
    observed and placebos use the same one; PPML is consistent under overdispersion and fast).
    The treated units are removed; every set of as many control units (all of them when there are
    at most ``n_draws`` such sets, else ``n_draws`` sets drawn at random without replacement) is
    declared treated in turn and the statistic recomputed on the controls alone.  The p value is
    the share of placebo statistics at least as large in absolute value as the observed one,
    ``(1 + #{|b_placebo| >= |b_obs|}) / (R + 1)``: it needs no model for the SEs, only that the
    treated units could have been any of the controls; its smallest possible value is ``1/(R + 1)``.

    Parameters
    ----------
    counts, event_year, treated, window, reference, units, exclude_years
        As :func:`event_study`.
    n_draws : int
        Largest number of placebo sets.
    random_state : int or numpy Generator
        Seed of the draws (used only when the sets are sampled).

    Returns
    -------
    PlaceboTest
        ``statistic`` (the observed coefficient), ``p_value``, ``n_placebos``, ``exhaustive`` (all
        sets used), ``coefs`` (the placebo statistics), ``min_p`` (= 1 / (n_placebos + 1)), the
        placebo mean and sd as the null, the rate ratio as the effect size.

    Examples
    --------
    >>> r = placebo_test(counts, 1963, ["FRA"])      # doctest: +SKIP
    """
    from itertools import combinations
    from math import comb

    treated = set(treated)
    pool_all = set(counts["group"].unique()) if units is None else set(units)
    d_obs = event_study_design(counts, event_year, treated, window, reference, sorted(pool_all | treated),
                               exclude_years).table
    observed = float(_fit_count(d_obs["y"].to_numpy(float), _fe_matrix(d_obs, ["post"]), "poisson",
                                "nonrobust").params["post"])
    c = counts[counts["group"].isin(pool_all - treated)]
    d0 = event_study_design(c, event_year, [], window, reference, None, exclude_years).table
    controls = sorted(d0["unit"].unique())
    m = len(treated & set(counts["group"]))
    if m == 0 or len(controls) <= m:
        return PlaceboTest(observed, float("nan"), _PLACEBO_P, effect_size=float(np.exp(observed)),
                           effect_name="rate ratio", null_model=PLACEBO_NULL)
    if comb(len(controls), m) <= n_draws:
        sets = [list(s) for s in combinations(controls, m)]
        exhaustive = True
    else:
        rng = np.random.default_rng(random_state)
        sets = [list(rng.choice(controls, size=m, replace=False)) for _ in range(n_draws)]
        exhaustive = False
    coefs = []
    for s in sets:
        d = event_study_design(c, event_year, s, window, reference, controls, exclude_years).table
        if d.loc[d["treated"] == 1, "y"].sum() == 0 or d.loc[d["post"] == 1, "y"].sum() == 0:
            coefs.append(np.nan)  # a placebo set with no post-event formation has no finite estimate
            continue
        r = _fit_count(d["y"].to_numpy(float), _fe_matrix(d, ["post"]), "poisson", "nonrobust")
        coefs.append(float(r.params["post"]))
    b = np.asarray(coefs, dtype=float)
    b = b[np.isfinite(b)]
    p = empirical_p_value(observed, b, "two-sided", center=0.0)
    return PlaceboTest(observed, float(p), _PLACEBO_P,
                       null_mean=float(b.mean()) if len(b) else float("nan"),
                       null_sd=float(b.std(ddof=1)) if len(b) > 1 else float("nan"),
                       effect_size=float(np.exp(observed)), effect_name="rate ratio", n_replicates=len(b),
                       null_model=PLACEBO_NULL, n_placebos=len(b), exhaustive=exhaustive, coefs=b,
                       min_p=1 / (len(b) + 1))


def event_times(events: pd.DataFrame, country: str, focal: str, years: Iterable[int]) -> list[float]:
    """Dates (decimal years) of the registry's events that concern ``country`` from ``focal``'s side.

    Parameters
    ----------
    events : DataFrame
        Event registry with a ``date`` column (Timestamp) and the columns :func:`event_units` reads.
    country : str
        ISO3 code of the partner country.
    focal : str
        ISO3 code of the register's country (left out of the event's units).
    years : iterable of int
        Years shown; events dated outside ``[min(years), max(years)]`` are dropped.

    Returns
    -------
    list of float
        ``year + (day_of_year - 1) / 365.25`` of each event, in registry order.

    Examples
    --------
    >>> ev = pd.DataFrame({"date": [pd.Timestamp("1963-01-22")], "actors": ["DEU;FRA"], "targets": [""]})
    >>> [round(t, 3) for t in event_times(ev, "FRA", "DEU", range(1946, 2015))]
    [1963.057]
    """
    ys = list(years)
    lo, hi = min(ys), max(ys)
    return [e["date"].year + (e["date"].day_of_year - 1) / 365.25 for _, e in events.iterrows()
            if country in event_units(e, focal) and lo <= e["date"].year <= hi]


@random_state_arg()
def event_studies(
    specs: Iterable[tuple[str, str, str, Iterable[str] | None, Iterable[str]]],
    events: pd.DataFrame,
    pairs: dict[str, pd.DataFrame],
    years: dict[str, Iterable[int]],
    window: tuple[int, int] = (-6, 6),
    exclude_years: dict[str, Iterable[int]] | None = None,
    placebo_draws: int = 0,
    random_state: Any = 0,
    **kwargs: Any,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run :func:`event_study` for several events and registers; stack coefficients and summaries.

    Parameters
    ----------
    specs : iterable of (event_id, register, unit, treated, leave_out)
        ``register`` keys ``pairs``/``years``; ``unit`` is the ``by`` of :func:`formation_counts`;
        ``treated`` the treated groups (``None`` or empty: :func:`event_units` of the event); ``leave_out``
        control groups dropped from the panel (treated groups are always kept).
    events : DataFrame
        Event registry indexed by ``event_id`` with a ``date`` column (Timestamp).  Events missing
        from it are skipped, with a :class:`~twingraph.exceptions.TwingraphWarning` naming them.
    pairs : dict of str to DataFrame
        :func:`partnerships` of each register.
    years : dict of str to iterable of int
        Years of each register's panel.
    window : tuple of int
        Event window, see :func:`event_study_design`.
    exclude_years : dict of str to iterable of int, optional
        Years left out of each register's panel.
    placebo_draws : int
        With ``> 0``, :func:`placebo_test` of every spec's pooled effect over placebo units (at most
        this many sets), reported as ``placebo_p_value, placebo_n, placebo_exhaustive``.
    random_state : int or numpy Generator
        Seed of the placebo draws.
    **kwargs
        Passed to :func:`event_study`.

    Returns
    -------
    coefficients : DataFrame
        :attr:`EventStudyResult.coefficients` of every spec with ``event`` and ``register`` columns.
    summary : DataFrame
        One row per spec run: event, register, event_date, treated (``;``-joined), n_units, n_obs,
        ``post_*``, ``pretrend_*``, ``placebo_*`` (with ``placebo_draws``), nb_alpha,
        treated_mean_pre, treated_mean_post, ``event_name`` (the registry's ``name`` when it has one)
        and unit.

    Examples
    --------
    >>> coefs, summ = event_studies(specs, events, pairs, years)      # doctest: +SKIP
    """
    exclude_years = exclude_years or {}
    coef_rows, summary, skipped = [], [], []
    for eid, focal, unit, treated, leave_out in specs:
        if eid not in events.index:
            skipped.append(eid)
            continue
        e = events.loc[eid]
        tr = list(treated) if treated else event_units(e, focal)
        cnt = formation_counts(pairs[focal], by=unit, years=years[focal])
        out = set(leave_out)
        keep = [g for g in cnt["group"].unique() if g in tr or g not in out]
        r = event_study(cnt, e["date"].year, tr, window=window, units=keep,
                        exclude_years=exclude_years.get(focal, ()), **kwargs)
        coef_rows.append(r.coefficients.assign(event=eid, register=focal))
        plac: dict[str, Any] = {}
        if placebo_draws > 0:
            pt = placebo_test(cnt, e["date"].year, tr, window=window, units=keep,
                              exclude_years=exclude_years.get(focal, ()), n_draws=placebo_draws,
                              random_state=random_state)
            plac = {"placebo_p_value": pt.p_value, "placebo_n": pt.n_placebos, "placebo_exhaustive": pt.exhaustive}
        summary.append({"event": eid, "register": focal, "event_date": e["date"].date(),
                        "treated": ";".join(r.design.treated), "n_units": r.n_units, "n_obs": r.n_obs,
                        **{f"post_{k}": v for k, v in r.post.items()},
                        **{f"pretrend_{k}": v for k, v in r.pretrend.items()}, "nb_alpha": r.notes.get("alpha"),
                        "treated_mean_pre": r.notes["treated_pre_mean"],
                        "treated_mean_post": r.notes["treated_post_mean"], **plac,
                        "event_name": e["name"] if "name" in e else eid, "unit": unit})
    coefs = pd.concat(coef_rows, ignore_index=True) if coef_rows else pd.DataFrame()
    summ = pd.DataFrame(summary)
    if skipped:
        import warnings
        warnings.warn(f"event_studies: skipped {len(skipped)} event(s) not in the event registry: "
                      f"{', '.join(map(str, skipped))}", TwingraphWarning, stacklevel=2)
    return coefs, summ
