"""Distance decay and a gravity model of twinning: how distance, borders and language shape ties.

* :func:`distance_decay` -- ``P(tie | distance)``: for distance bins, the number of ties over the
  number of *all* pairs of geolocated places in the bin (exact, every pair counted, in blocks).
* :func:`country_pairs` -- the country-pair table a gravity model needs: every unordered pair of
  countries with geolocated places (the risk set, zeros included), its number of ties, the distance
  between the countries' anchors (median position of their places) and the product of their
  numbers of places.
* :func:`gravity_model` -- a Poisson pseudo-maximum-likelihood (PPML) count model (Santos Silva &
  Tenreyro 2006), ``E[ties_ab] = exp(b log km_ab + c border_ab + d language_ab + u_a + u_b)``, with
  one fixed effect per country (a pair's row has a 1 in both countries' columns), standard errors
  clustered on both countries of the pair (dyadic-robust: two pairs sharing a country are
  dependent; HC1 kept beside them); optionally negative binomial (NB2) for comparison.  Effects are
  reported as rate ratios with 95% intervals.
* :func:`country_pair_null` / :func:`short_tie_excess` -- inside each country pair (all FRA-DEU
  ties, ...) the partner ends are shuffled, keeping degrees and ties per country pair; the share of
  ties shorter than a threshold is compared with that null (effect = observed share / null mean,
  a :class:`~twingraph.measures.TestResult`).

References
----------
Santos Silva, J. M. C. & Tenreyro, S. (2006). The log of gravity. Review of Economics and
Statistics 88(4), 641-658.
Head, K. & Mayer, T. (2014). Gravity equations: workhorse, toolkit, and cookbook. Handbook of
International Economics 4, 131-195 (country fixed effects for multilateral resistance).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..randomness import RandomState, check_random_state, random_state_arg
from ..results import EstimateTable, TableResult, TestResult, empirical_test
from ._common import GraphLike, as_igraph
from .geography import edge_distances, haversine_km

__all__ = ["distance_decay", "decay_slopes", "country_anchors", "country_pairs", "gravity_model",
           "country_pair_null", "short_tie_excess", "short_tie_bins", "hinge_curve", "gravity_expected",
           "DecaySlopes", "GravityExpected", "DEFAULT_DECAY_BINS_KM"]

#: log-spaced distance bins, 1 km to half the Earth's circumference
DEFAULT_DECAY_BINS_KM = np.logspace(0, np.log10(20040), 44)


def _located(g: Any) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    lat = np.asarray(g.vs["lat"], dtype=float)
    lon = np.asarray(g.vs["lon"], dtype=float)
    ok = np.isfinite(lat) & np.isfinite(lon)
    return g, lat, lon, ok


def _decay_pairs(v: np.ndarray, edges_dot: np.ndarray, starts: np.ndarray, block: int) -> np.ndarray:
    """Pair counts per distance bin for the row blocks starting at ``starts`` (integers: the sum
    over any split of the blocks is exact)."""
    pairs = np.zeros(len(edges_dot) - 1, dtype=np.int64)
    for s in starts.tolist():
        dots = v[s:s + block] @ v[s:].T  # rows i in the block, columns j >= s
        k = np.arange(dots.shape[0])
        mask = np.arange(dots.shape[1])[None, :] > k[:, None]  # j > i
        x = np.clip(dots[mask], -1.0, 1.0)  # identical coordinates: dot may round above 1
        # bin b holds edges_dot[b+1] < x <= edges_dot[b]  (distance in [bins[b], bins[b+1]))
        pos = np.searchsorted(-edges_dot, -x, side="right") - 1
        inside = (pos >= 0) & (pos < len(pairs))
        pairs += np.bincount(pos[inside], minlength=len(pairs))[: len(pairs)]
    return pairs


def distance_decay(g: GraphLike, bins_km: Sequence[float] | np.ndarray = DEFAULT_DECAY_BINS_KM,
                   block: int = 400, n_jobs: int | None = 1) -> pd.DataFrame:
    """``P(tie | distance)`` over all pairs of geolocated places, exactly.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph with ``lat``/``lon`` vertex attributes (degrees).
    bins_km : array of float
        Bin edges (km); pairs outside are ignored.
    block : int
        Rows of the pair matrix computed at once (memory ~ ``block * n * 8`` bytes).
    n_jobs : int or None
        Worker processes for the pair counts (integers, so the table is the same for any
        ``n_jobs``); the row blocks are dealt out round-robin (later blocks have fewer pairs).

    Returns
    -------
    DataFrame
        ``bin_lo_km, bin_hi_km, km_mid`` (geometric mid), ``n_ties``, ``n_pairs`` (unordered pairs of
        distinct geolocated places), ``p_tie = n_ties / n_pairs`` and its 95% Wilson interval
        ``p_low, p_high`` (NaN for a bin without pairs).

    Examples
    --------
    >>> import igraph as ig
    >>> g = ig.Graph([(0, 1)]); g.add_vertices(1)
    >>> g.vs["lat"] = [0.0, 0.0, 0.0]; g.vs["lon"] = [0.0, 0.1, 1.0]
    >>> distance_decay(g, [1, 50, 200])[["n_ties", "n_pairs"]].values.tolist()
    [[1, 1], [0, 2]]
    """
    g = as_igraph(g)
    _, lat, lon, ok = _located(g)
    bins = np.asarray(bins_km, dtype=float)
    idx = np.flatnonzero(ok)
    phi, lam = np.radians(lat[idx]), np.radians(lon[idx])
    v = np.c_[np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)]
    # great-circle distance d <-> dot product cos(d / R): bins become dot-product thresholds (descending)
    from .geography import EARTH_RADIUS_KM

    edges_dot = np.cos(np.clip(bins / EARTH_RADIUS_KM, 0, np.pi))
    from .._parallel import effective_jobs, run

    blocks = np.arange(0, len(idx), block)
    k = max(1, min(len(blocks), 1 if n_jobs == 1 else effective_jobs(n_jobs)))
    parts = run(_decay_pairs, [(v, edges_dot, blocks[i::k], block) for i in range(k)], n_jobs)
    pairs = np.zeros(len(bins) - 1, dtype=np.int64)
    for part in parts:
        pairs += part
    ties = np.histogram(edge_distances(g), bins)[0]
    p = np.divide(ties, pairs, out=np.zeros(len(pairs)), where=pairs > 0)
    z = 1.959963984540054
    denom = 1 + z * z / np.maximum(pairs, 1)
    centre = (p + z * z / (2 * np.maximum(pairs, 1))) / denom
    half = z * np.sqrt(p * (1 - p) / np.maximum(pairs, 1) + z * z / (4 * np.maximum(pairs, 1) ** 2)) / denom
    empty = pairs == 0  # no pair at that distance: no probability
    p_low = np.where(empty, np.nan, np.minimum(p, np.clip(centre - half, 0, 1)))
    p_high = np.where(empty, np.nan, np.maximum(p, np.clip(centre + half, 0, 1)))
    return pd.DataFrame({"bin_lo_km": bins[:-1], "bin_hi_km": bins[1:], "km_mid": np.sqrt(bins[:-1] * bins[1:]),
                         "n_ties": ties, "n_pairs": pairs, "p_tie": np.where(empty, np.nan, p),
                         "p_low": p_low, "p_high": p_high})


def country_anchors(g: GraphLike, country: str = "country") -> pd.DataFrame:
    """Where each country's places are: median latitude and longitude of its geolocated places.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Graph with ``lat``/``lon`` vertex attributes.
    country : str
        Vertex attribute holding the ISO3 country.

    Returns
    -------
    DataFrame
        Indexed by ISO3 (sorted), columns ``lat, lon, n`` (number of geolocated places).
    """
    g = as_igraph(g)
    _, lat, lon, ok = _located(g)
    c = np.asarray([x if isinstance(x, str) and x else "" for x in g.vs[country]], dtype=object)
    ok = ok & (c != "")
    places = pd.DataFrame({"c": c[ok], "lat": lat[ok], "lon": lon[ok]})
    out = places.groupby("c").agg(lat=("lat", "median"), lon=("lon", "median"), n=("lat", "size"))
    out.index.name = "iso3"
    return out


def country_pairs(g: GraphLike, borders: Collection[tuple[str, str]] = (),
                  languages: Mapping[str, Collection[str]] | None = None,
                  country: str = "country") -> pd.DataFrame:
    """Every unordered pair of distinct countries with geolocated places: ties and covariates.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph with ``lat``, ``lon`` and ``country`` (ISO3) vertex attributes.
    borders : collection of (str, str)
        Country pairs sharing a land border (e.g. :func:`twingraph.maps.shared_borders`).
    languages : mapping of ISO3 to a collection of language codes, optional
        Official languages per country; ``shared_language`` is 1 when the two sets intersect
        (NaN column when omitted).
    country : str
        Vertex attribute holding the ISO3 code.

    Returns
    -------
    DataFrame
        ``country_a < country_b``, ``n_ties`` (international ties between them, 0 included),
        ``km`` (great-circle distance between the countries' anchors: median lat and lon of their
        geolocated places), ``log_km``, ``n_places_a``, ``n_places_b``, ``border`` (0/1),
        ``shared_language`` (0/1 or NaN).  Sorted by the pair.
    """
    g = as_igraph(g)
    c = np.asarray([x if isinstance(x, str) and x else "" for x in g.vs[country]], dtype=object)
    anchor = country_anchors(g, country)
    codes = anchor.index.to_numpy()
    ia, ib = np.triu_indices(len(codes), k=1)
    df = pd.DataFrame({"country_a": codes[ia], "country_b": codes[ib]})
    e = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    ca, cb = c[e[:, 0]], c[e[:, 1]]
    intl = (ca != "") & (cb != "") & (ca != cb)
    xa, xb = ca[intl].astype(str), cb[intl].astype(str)
    lo_, hi_ = np.where(xa < xb, xa, xb), np.where(xa < xb, xb, xa)
    counts = pd.Series(1, index=pd.MultiIndex.from_arrays([lo_, hi_])).groupby(level=[0, 1]).sum()
    df["n_ties"] = [int(counts.get((a, b), 0)) for a, b in zip(df["country_a"], df["country_b"])]
    df["km"] = haversine_km(anchor["lat"].to_numpy()[ia], anchor["lon"].to_numpy()[ia],
                            anchor["lat"].to_numpy()[ib], anchor["lon"].to_numpy()[ib])
    df["km"] = np.maximum(df["km"], 1.0)
    df["log_km"] = np.log(df["km"])
    df["n_places_a"] = anchor["n"].to_numpy()[ia]
    df["n_places_b"] = anchor["n"].to_numpy()[ib]
    bset = {tuple(sorted(p)) for p in borders}
    df["border"] = [int((a, b) in bset) for a, b in zip(df["country_a"], df["country_b"])]
    if languages is None:
        df["shared_language"] = np.nan
    else:
        df["shared_language"] = [int(bool(set(languages.get(a, ())) & set(languages.get(b, ()))))
                                 if a in languages and b in languages else np.nan
                                 for a, b in zip(df["country_a"], df["country_b"])]
    return df.reset_index(drop=True)


def gravity_model(pairs: pd.DataFrame, covariates: Sequence[str] = ("log_km", "border", "shared_language"),
                  family: str = "poisson", fixed_effects: bool = True, se: str = "dyadic") -> EstimateTable:
    """Fit the gravity count model to a :func:`country_pairs` table.

    Parameters
    ----------
    pairs : DataFrame
        From :func:`country_pairs`; rows with a missing covariate are dropped (counted in ``info["n_dropped"]``).
    covariates : sequence of str
        Columns entering the model.
    family : {"poisson", "negbin"}
        ``"poisson"``: PPML (GLM Poisson, HC1 robust SEs), consistent whenever the mean is right.
        ``"negbin"``: GLM negative binomial (NB2) with the dispersion ``alpha`` estimated by
        maximum likelihood first (statsmodels ``NegativeBinomial``), model-based SEs.
    fixed_effects : bool
        One dummy per country (1 if the pair involves it); without them, ``log(n_places_a *
        n_places_b)`` enters as a size control instead.
    se : {"dyadic", "hc1"}
        Poisson only.  ``"dyadic"`` (default): the sandwich clustered on both countries of the pair
        (Aronow, Samii & Assenova 2015; :func:`twingraph.survival.robust.dyadic_variance` on the
        GLM score residuals): FRA-DEU and FRA-ITA are dependent because both involve France.
        ``"hc1"``: heteroskedasticity-robust only (pairs independent); its SE is always returned
        as ``se_hc1``.

    Returns
    -------
    EstimateTable
        ``table``: one row per covariate: ``term, coef, se, ci_low, ci_high, rate_ratio, rr_low,
        rr_high, p_value`` (Wald, two-sided, with the ``se`` chosen), ``se_hc1``, ``se_type``.
        ``rate_ratio = exp(coef)``: for ``log_km`` the factor by which expected ties change when
        distance is multiplied by e; ``2 ** coef`` is per doubling.  ``n_obs`` = country pairs used,
        ``method`` = ``family``; ``info``: ``n_pairs``, ``n_countries``, ``n_dropped``, ``family``,
        ``alpha`` (NB only), ``pseudo_r2`` (1 - deviance / null deviance); ``res["pseudo_r2"]`` reads them.
    """
    import statsmodels.api as sm

    cols = list(covariates)
    d = pairs.dropna(subset=cols).reset_index(drop=True)
    X = d[cols].astype(float).copy()
    if fixed_effects:
        codes = sorted(set(d["country_a"]) | set(d["country_b"]))
        fe = np.zeros((len(d), len(codes)))
        pos = {c: i for i, c in enumerate(codes)}
        fe[np.arange(len(d)), d["country_a"].map(pos).to_numpy()] = 1
        fe[np.arange(len(d)), d["country_b"].map(pos).to_numpy()] = 1
        X = pd.concat([X, pd.DataFrame(fe[:, 1:], columns=[f"fe_{c}" for c in codes[1:]])], axis=1)
    else:
        X["log_size"] = np.log(d["n_places_a"] * d["n_places_b"])
    X = sm.add_constant(X, has_constant="add")
    y = d["n_ties"].to_numpy(dtype=float)
    alpha = float("nan")
    if se not in ("dyadic", "hc1"):
        raise ValueError(f"unknown se {se!r}; use 'dyadic' or 'hc1'")
    se_hc1 = None
    if family == "poisson":
        res = sm.GLM(y, X, family=sm.families.Poisson()).fit(cov_type="HC1", maxiter=200, tol=1e-10)
        se_hc1 = res.bse[cols].to_numpy()
        if se == "dyadic":
            from scipy import stats

            from ..survival.robust import dyadic_variance

            Xa = X.to_numpy(dtype=float)
            mu = res.mu
            bread = np.linalg.pinv(Xa.T @ (Xa * mu[:, None]))
            V, _ = dyadic_variance(Xa * (y - mu)[:, None], bread, d["country_a"].astype(str),
                                   d["country_b"].astype(str))
            idx = [list(X.columns).index(c) for c in cols]
            sd = np.sqrt(np.diag(V)[idx])
            coef = res.params[cols].to_numpy()
            z = stats.norm.ppf(0.975)
            out = pd.DataFrame({"term": cols, "coef": coef, "se": sd, "ci_low": coef - z * sd,
                                "ci_high": coef + z * sd, "p_value": 2 * stats.norm.sf(np.abs(coef / sd))})
            return _gravity_table(out, se_hc1, "dyadic (both countries of the pair)", res, d, pairs, family,
                                  float("nan"))
    elif family == "negbin":
        pois = sm.GLM(y, X, family=sm.families.Poisson()).fit(maxiter=200)
        nb = sm.NegativeBinomial(y, X, loglike_method="nb2").fit(
            start_params=np.r_[pois.params.to_numpy(), 1.0], disp=0, maxiter=200, method="newton")
        alpha = float(nb.params["alpha"])
        res = sm.GLM(y, X, family=sm.families.NegativeBinomial(alpha=alpha)).fit(maxiter=200)
    else:
        raise ValueError(f"unknown family {family!r}; use 'poisson' or 'negbin'")
    ci = res.conf_int()
    out = pd.DataFrame({"term": cols, "coef": res.params[cols].to_numpy(), "se": res.bse[cols].to_numpy(),
                        "ci_low": ci.loc[cols, 0].to_numpy(), "ci_high": ci.loc[cols, 1].to_numpy(),
                        "p_value": res.pvalues[cols].to_numpy()})
    return _gravity_table(out, se_hc1, "HC1" if family == "poisson" else "model-based", res, d, pairs,
                          family, alpha)


def _gravity_table(out: pd.DataFrame, se_hc1: Any, se_type: str, res: Any, d: pd.DataFrame,
                   pairs: pd.DataFrame, family: str, alpha: float) -> EstimateTable:
    out["rate_ratio"] = np.exp(out["coef"])
    out["rr_low"], out["rr_high"] = np.exp(out["ci_low"]), np.exp(out["ci_high"])
    out["se_hc1"] = se_hc1 if se_hc1 is not None else np.nan
    out["se_type"] = se_type
    out = out[["term", "coef", "se", "ci_low", "ci_high", "rate_ratio", "rr_low", "rr_high", "p_value",
               "se_hc1", "se_type"]]
    info = dict(n_pairs=len(d), n_countries=len(set(d["country_a"]) | set(d["country_b"])),
                n_dropped=len(pairs) - len(d), family=family, alpha=alpha,
                pseudo_r2=float(1 - res.deviance / res.null_deviance))
    return EstimateTable(table=out, n_obs=len(d), method=family, info=info)


@random_state_arg()
def country_pair_null(g: GraphLike, random_state: RandomState = None,
                      country: str = "country") -> tuple[np.ndarray, np.ndarray]:
    """One replicate of the country-pair null: partner ends shuffled inside each country pair.

    Every geolocated tie is oriented so that ``a`` holds the alphabetically first country; the
    ``b`` ends are permuted within each (country a, country b) group (domestic ties within their
    country), so every place keeps its degree and every country pair its number of ties.  Pairs
    of a place with itself are dropped.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Graph with ``lat``/``lon`` and ``country`` vertex attributes.
    random_state : int, numpy.random.Generator or None
        Seed of the shuffle.
    country : str
        Vertex attribute holding the ISO3 country.

    Returns
    -------
    (km, observed_km) : tuple of arrays
        Lengths of the replicate's ties and of the observed ties (same filter).
    """
    setup = _country_pair_setup(as_igraph(g), country)
    return _country_pair_replicate(setup, check_random_state(random_state)), setup[-1]


def _country_pair_setup(g: Any, country: str = "country") -> tuple[np.ndarray, ...]:
    """What every replicate of :func:`country_pair_null` shares (computed once per graph)."""
    km = edge_distances(g)
    e = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)[np.isfinite(km)]
    c = np.asarray([str(x) for x in g.vs[country]], dtype=object)
    la, lo = np.asarray(g.vs["lat"], dtype=float), np.asarray(g.vs["lon"], dtype=float)
    a, b = e[:, 0].copy(), e[:, 1].copy()
    swap = c[a] > c[b]
    a[swap], b[swap] = b[swap], a[swap]
    grp = pd.factorize(pd.Series(c[a]).astype(str) + "-" + pd.Series(c[b]).astype(str))[0]
    slots = np.lexsort((np.arange(len(b)), grp))
    return a, b, grp, slots, la, lo, km[np.isfinite(km)]


def _country_pair_replicate(setup: tuple[np.ndarray, ...], rng: np.random.Generator) -> np.ndarray:
    a, b, grp, slots, la, lo, _ = setup
    order = np.lexsort((rng.random(len(b)), grp))
    nb = np.empty_like(b)
    nb[slots] = b[order]
    keep = a != nb
    return haversine_km(la[a], lo[a], la[nb], lo[nb])[keep]


@random_state_arg()
def short_tie_excess(g: GraphLike, threshold_km: float = 100.0, international_only: bool = False,
                     n_replicates: int = 200, random_state: RandomState = 0) -> TestResult:
    """How many times more common ties shorter than ``threshold_km`` are than the country-pair null.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph with ``lat``, ``lon``, ``country``.
    threshold_km : float
    international_only : bool
        Only ties between two different countries (and their shuffles).
    n_replicates : int
        Replicates of :func:`country_pair_null`.
    random_state : int, Generator or None

    Returns
    -------
    TestResult
        ``statistic`` = observed share of ties below the threshold; ``effect_size`` = observed share /
        null mean share, with a 95% interval from the null's 2.5/97.5 percentiles; one-sided
        empirical p (null share >= observed).
    """
    g = as_igraph(g)
    rng = check_random_state(random_state)
    if international_only:
        c = np.asarray([str(x) for x in g.vs["country"]], dtype=object)
        e = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        h = g.copy()
        h.delete_edges(np.flatnonzero(c[e[:, 0]] == c[e[:, 1]]).tolist())
        g = h
    obs = edge_distances(g)
    obs = obs[np.isfinite(obs)]
    stat = float(np.mean(obs < threshold_km))
    setup = _country_pair_setup(g)  # the shuffles' shared arrays, once (same draws as country_pair_null)
    null = np.array([np.mean(_country_pair_replicate(setup, rng) < threshold_km) for _ in range(n_replicates)])
    r = empirical_test(stat, null, alternative="greater",
                       null_model="partner ends shuffled within each country pair (degrees and ties per "
                                  "country pair kept)")
    return r


@dataclass(frozen=True, eq=False)
class DecaySlopes(TableResult):
    """:func:`decay_slopes`: the two hinge segments and the fit behind them.

    Attributes
    ----------
    table : DataFrame
        Two rows (``segment`` = "below", "above"): ``km_from, km_to, slope, se, ci_low, ci_high``.
    break_km : float
        The break with the smallest deviance.
    dispersion : float
        Pearson dispersion of the quasi-Poisson fit.
    n_bins : int
        Bins fitted.
    coef : tuple of float
        ``(a, b1, b2)`` of the hinge (see :func:`hinge_curve`).
    """

    break_km: float
    dispersion: float
    n_bins: int
    coef: tuple[float, float, float]


@dataclass(frozen=True, eq=False)
class GravityExpected(TableResult):
    """:func:`gravity_expected`: expected ties per country pair and the model's coefficients.

    Attributes
    ----------
    table : DataFrame
        ``country_a, country_b`` (equal for a domestic row), ``n_ties``, ``mu``.
    coef : dict of str to float
        Coefficients of the covariates and of ``domestic``.
    n_dropped : int
        Pairs dropped for a missing covariate.
    """

    coef: dict[str, float]
    n_dropped: int


def decay_slopes(decay: pd.DataFrame, min_km: float = 10.0,
                 candidates_km: Sequence[float] | None = None) -> DecaySlopes:
    """Where the distance decay flattens: a log-log hinge fitted to a :func:`distance_decay` table.

    ``E[ties_bin] = pairs_bin * exp(a + b1 log d + b2 max(0, log d - log c))`` (quasi-Poisson GLM,
    offset ``log n_pairs``, ``d`` = the bin's geometric mid) over bins from ``min_km`` on.  The
    break ``c`` is the candidate with the smallest deviance (profile); the slopes below and above it
    are elasticities of P(tie) with distance (P ∝ d^slope: -1 halves P per doubling of distance).

    Parameters
    ----------
    decay : DataFrame
        From :func:`distance_decay`.
    min_km : float
        Bins whose lower edge is below this are left out (few pairs, place-level geocoding noise).
    candidates_km : sequence of float, optional
        Break candidates (default: the bin edges from 100 km to 5,000 km).

    Returns
    -------
    DecaySlopes
        ``table``: two rows (``segment`` = "below", "above"): ``km_from, km_to, slope, se, ci_low,
        ci_high`` (Wald 95%, quasi-Poisson SE with the Pearson dispersion, conditional on the break);
        ``break_km``, ``dispersion``, ``n_bins``, ``coef`` (a, b1, b2; see :func:`hinge_curve`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> km = np.logspace(1, 4, 30)
    >>> p = np.where(km < 1000, 1e-3 * (km / 10) ** -1.0, 1e-5)
    >>> t = pd.DataFrame({"bin_lo_km": km, "km_mid": km, "n_pairs": 1e9, "n_ties": 1e9 * p})
    >>> r = decay_slopes(t, candidates_km=[300, 1000, 3000])
    >>> r.break_km, round(float(r.table["slope"].iloc[0]), 3), abs(round(float(r.table["slope"].iloc[1]), 3))
    (1000.0, -1.0, 0.0)
    """
    import statsmodels.api as sm

    t = decay[(decay["bin_lo_km"] >= min_km) & (decay["n_pairs"] > 0)]
    x = np.log(t["km_mid"].to_numpy(dtype=float))
    y = t["n_ties"].to_numpy(dtype=float)
    off = np.log(t["n_pairs"].to_numpy(dtype=float))
    cands = (np.asarray(candidates_km, dtype=float) if candidates_km is not None else
             np.unique(t["bin_lo_km"][(t["bin_lo_km"] >= 100) & (t["bin_lo_km"] <= 5000)].to_numpy(dtype=float)))

    def _fit(c: float) -> Any:
        X = np.c_[np.ones_like(x), x, np.maximum(0.0, x - np.log(c))]
        return sm.GLM(y, X, family=sm.families.Poisson(), offset=off).fit(scale="X2")

    fits = [_fit(c) for c in cands]
    best = int(np.argmin([f.deviance for f in fits]))
    res, c = fits[best], float(cands[best])
    cov = res.cov_params()
    cov = np.asarray(cov)
    slopes = [res.params[1], res.params[1] + res.params[2]]
    ses = [np.sqrt(cov[1, 1]), np.sqrt(cov[1, 1] + cov[2, 2] + 2 * cov[1, 2])]
    kmax = float(t["bin_hi_km"].max()) if "bin_hi_km" in t else float(np.exp(x.max()))
    out = pd.DataFrame({"segment": ["below", "above"], "km_from": [float(t["bin_lo_km"].min()), c],
                        "km_to": [c, kmax], "slope": slopes, "se": ses})
    out["ci_low"] = out["slope"] - 1.959963984540054 * out["se"]
    out["ci_high"] = out["slope"] + 1.959963984540054 * out["se"]
    a, b1, b2 = (float(v) for v in res.params)
    return DecaySlopes(out, break_km=c, dispersion=float(res.scale), n_bins=len(t), coef=(a, b1, b2))


def hinge_curve(slopes: DecaySlopes, km: Any) -> np.ndarray:
    """Fitted ``P(tie | distance)`` of :func:`decay_slopes` at distances ``km``.

    Parameters
    ----------
    slopes : DecaySlopes
        From :func:`decay_slopes` (its coefficients and break).
    km : array-like of float
        Distances in km.

    Returns
    -------
    numpy.ndarray
        The fitted probability at each distance.
    """
    a, b1, b2 = slopes.coef
    x = np.log(np.asarray(km, dtype=float))
    return np.asarray(np.exp(a + b1 * x + b2 * np.maximum(0.0, x - np.log(slopes.break_km))))


@random_state_arg()
def short_tie_bins(g: GraphLike, edges_km: Sequence[float] = (0, 50, 100, 300, 1000, np.inf),
                   international_only: bool = False, n_replicates: int = 200,
                   random_state: RandomState = 0) -> pd.DataFrame:
    """Share of ties in separate length bins, observed over the country-pair null (:func:`country_pair_null`).

    Unlike :func:`short_tie_excess` (ties *shorter* than a threshold, cumulative), each bin
    ``[lo, hi)`` is counted on its own, so a bin's excess is not carried by the shorter ones.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph with ``lat``, ``lon``, ``country``.
    edges_km : sequence of float
        Bin edges (km), increasing; ``np.inf`` allowed as the last.
    international_only : bool
        Only ties between two different countries.
    n_replicates : int
    random_state : int, Generator or None

    Returns
    -------
    DataFrame
        One row per bin: ``lo_km, hi_km, n_ties, share`` (observed), ``null_mean, null_sd``,
        ``ratio`` (share / null mean) with a 95% interval from the null's 2.5/97.5 percentiles
        (``ci_low, ci_high``), two-sided empirical ``p_value`` (R + 1 denominator),
        ``n_replicates``.
    """
    g = as_igraph(g)
    rng = check_random_state(random_state)
    if international_only:
        c = np.asarray([str(x) for x in g.vs["country"]], dtype=object)
        e = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        h = g.copy()
        h.delete_edges(np.flatnonzero(c[e[:, 0]] == c[e[:, 1]]).tolist())
        g = h
    edges = np.asarray(edges_km, dtype=float)
    obs = edge_distances(g)
    obs = obs[np.isfinite(obs)]
    counts = np.histogram(obs, edges)[0]
    share = counts / len(obs)
    null = np.array([np.histogram(k, edges)[0] / len(k) for k in
                     (country_pair_null(g, rng)[0] for _ in range(n_replicates))])
    rows = []
    for b in range(len(edges) - 1):
        r = empirical_test(float(share[b]), null[:, b], alternative="two-sided",
                           null_model="partner ends shuffled within each country pair")
        rows.append({"lo_km": edges[b], "hi_km": edges[b + 1], "n_ties": int(counts[b]), "share": share[b],
                     "null_mean": r.null_mean, "null_sd": r.null_sd, "ratio": r.effect_size,
                     "ci_low": r.ci_low, "ci_high": r.ci_high, "p_value": r.p_value,
                     "n_replicates": n_replicates})
    return pd.DataFrame(rows)


def gravity_expected(pairs: pd.DataFrame, domestic: Mapping[str, float],
                     covariates: Sequence[str] = ("log_km", "border", "shared_language")) -> GravityExpected:
    """Expected ties of every country pair *and of every country with itself* under a gravity model.

    A Poisson (PPML) model with one fixed effect per country, the ``covariates`` for international
    pairs and one ``domestic`` indicator for a country's ties with itself (whose covariates are set
    to 0, so the indicator absorbs them): ``E[n_ab] = exp(c + u_a + u_b + x_ab b)`` and
    ``E[n_aa] = exp(c + 2 u_a + d)``.  The fixed effects make every country's expected tie ends
    (domestic ties counted twice) equal its observed ones, and the domestic indicator makes the
    expected domestic total equal the observed one; distance, borders and language place the
    rest.  Drawing ``Poisson(mu)`` per pair gives a null network that keeps geography, sizes and
    domestic ties in expectation (:func:`twingraph.measures.modularity_null` with ``expected=``).

    Parameters
    ----------
    pairs : DataFrame
        From :func:`country_pairs` (``n_ties`` may be replaced by another count of the same pairs);
        rows with a missing covariate are dropped.
    domestic : mapping of ISO3 to float
        Domestic ties per country (countries absent from ``pairs`` are ignored).
    covariates : sequence of str

    Returns
    -------
    GravityExpected
        ``table``: ``country_a, country_b`` (equal for a domestic row), ``n_ties``, ``mu``;
        ``coef`` (covariates and ``domestic``), ``n_dropped``.

    Examples
    --------
    >>> p = pd.DataFrame({"country_a": ["A", "A", "B"], "country_b": ["B", "C", "C"], "n_ties": [4, 1, 1],
    ...                   "log_km": [0.0, 1.0, 1.0]})
    >>> e = gravity_expected(p, {"A": 2, "B": 0, "C": 1}, covariates=["log_km"])
    >>> round(float(e.table["mu"].sum()), 6) == float(e.table["n_ties"].sum())
    True
    """
    import statsmodels.api as sm

    cols = list(covariates)
    d = pairs.dropna(subset=cols)
    codes = sorted(set(d["country_a"]) | set(d["country_b"]))
    dom = pd.DataFrame({"country_a": codes, "country_b": codes,
                        "n_ties": [float(domestic.get(c, 0)) for c in codes]})
    for c in cols:
        dom[c] = 0.0
    t = pd.concat([d[["country_a", "country_b", "n_ties", *cols]].assign(domestic=0.0), dom.assign(domestic=1.0)],
                  ignore_index=True)
    pos = {c: i for i, c in enumerate(codes)}
    fe = np.zeros((len(t), len(codes)))
    np.add.at(fe, (np.arange(len(t)), t["country_a"].map(pos).to_numpy()), 1.0)
    np.add.at(fe, (np.arange(len(t)), t["country_b"].map(pos).to_numpy()), 1.0)
    X = np.c_[np.ones(len(t)), t[cols + ["domestic"]].to_numpy(float), fe[:, 1:]]
    y = t["n_ties"].to_numpy(float)
    res = sm.GLM(y, X, family=sm.families.Poisson()).fit(maxiter=300, tol=1e-10)
    out = t[["country_a", "country_b", "n_ties"]].copy()
    out["mu"] = res.mu
    return GravityExpected(out, coef=dict(zip(cols + ["domestic"], (float(v) for v in res.params[1:len(cols) + 2]))),
                           n_dropped=len(pairs) - len(d))
