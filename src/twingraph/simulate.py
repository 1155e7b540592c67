"""A synthetic twinning network with known truth, and a check that the survival tools recover it.

:func:`simulate_network` grows a network of ties between synthetic places and lets every tie spell
end at a known hazard, with a shock that multiplies the hazard of exposed ties by a known factor.
:func:`validate_survival` repeats that many times and reports how well :class:`~twingraph.survival.CoxPH`
and :class:`~twingraph.survival.KaplanMeier` recover the truth (bias, CI coverage, KM error).

The model (everything seeded from one ``numpy`` Generator)
-----------------------------------------------------------
* **Countries** are labelled with ISO 3166-1 *user-assigned* alpha-3 codes ``XAA``, ``XAB``, ...
  (never real countries) unless given.  Places fall in country ``k`` (0-based) with probability
  proportional to ``1 / (k + 1)`` (Zipf), so ``XAA`` is the largest.
* **Places**: population lognormal (median 20,000, log-sd 1.2); coordinates scattered (sd 3 degrees)
  around a uniformly drawn country centre.
* **Ties** start at uniform random days in ``[years[0]-01-01, years[1]-01-01)`` and are formed in
  chronological batches (at most 50).  Within a batch the attractiveness of a place is
  ``degree + 1`` (preferential attachment, degrees updated between batches).  The first place
  ``a`` is drawn by attractiveness; the partner ``b`` by attractiveness times ``homophily`` if it
  is in ``a``'s country, accepted with probability ``exp(-size_homophily * |log pop_a - log pop_b|)``;
  self-pairs and already tied pairs are redrawn (all ties are ``kind="twin"``, one spell each).
* **Ends**: constant baseline hazard ``baseline_hazard`` per year on the duration scale.  A tie is
  *exposed* when one of its places is in ``target_countries`` (default: the largest country); its
  hazard is ``shock_hr * baseline_hazard`` from ``max(start, shock_date)`` on (piecewise
  exponential, drawn by inverting the cumulative hazard of one Exp(1) variable).  End dates are
  rounded *up* to the next whole day; ties still running at ``observed = years[1]-01-01`` are
  right-censored (active).
* **End types**: a baseline end is ``"lapsed"`` or ``"terminated"`` with probability 1/2 each; an
  exposed end after the shock is ``"suspended"`` with probability ``(shock_hr - 1) / shock_hr`` (the
  excess hazard, when ``shock_hr > 1``), otherwise a baseline type.  So the cause-specific hazard
  of ``"suspended"`` is ``(shock_hr - 1) * baseline_hazard`` for exposed ties after the shock and 0
  otherwise.
"""

from __future__ import annotations

import functools
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .dates import resolve_dates
from .deprecation import renamed_arguments
from .randomness import RandomState, SeedLike, check_random_state, random_state_arg, spawn
from .results import CoverageStudy, SurvivalValidation
from .survival import YEAR_DAYS, CoxPH, KaplanMeier, NotEstimableWarning, counting_process
from .tables import Rejections, TwinData, make_twindata

__all__ = ["SimulationTruth", "simulate_network", "simulate_network_with_truth", "validate_survival",
           "country_codes", "ShockDesign", "shock_design", "simulate_shock_cohort", "dyadic_coverage",
           "COVERAGE_SCENARIOS", "SE_TYPES"]


@dataclass
class SimulationTruth:
    """What generated a simulated network.

    ``exposed`` is a boolean Series indexed by spell_id; ``exposures`` is ready for
    :func:`twingraph.survival.counting_process` (``{"shock": Series spell_id -> shock date}`` for the
    exposed spells).  :meth:`survival` is the true survival of an unexposed spell.
    """

    hazard_ratio: float
    baseline_hazard: float
    shock_date: pd.Timestamp
    target_countries: list[str]
    observed: pd.Timestamp
    exposed: pd.Series
    exposures: dict[str, pd.Series] = field(default_factory=dict)

    def survival(self, t: Any) -> np.ndarray:
        """True survival of an unexposed spell.

        Parameters
        ----------
        t : float or array-like
            Years.

        Returns
        -------
        ndarray
            ``exp(-baseline_hazard * t)``.
        """
        return np.exp(-self.baseline_hazard * np.asarray(t, float))


def country_codes(n: int) -> list[str]:
    """User-assigned ISO 3166-1 alpha-3 codes (``XAA`` ... ``XZZ``), never real countries.

    Parameters
    ----------
    n : int
        How many (1 to 676).

    Returns
    -------
    list of str
    """
    if not 1 <= n <= 676:
        raise ValueError("between 1 and 676 countries")
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [f"X{letters[i // 26]}{letters[i % 26]}" for i in range(n)]


def _draw_pairs(rng: np.random.Generator, n_ties: int, country: np.ndarray, logpop: np.ndarray,
                homophily: float, size_homophily: float, n_batches: int) -> tuple[np.ndarray, np.ndarray]:
    """Endpoints (a, b) of ties in formation order (see the module docstring); vectorised per batch."""
    n = len(country)
    order = np.argsort(country, kind="stable")           # places grouped by country
    c_sorted = country[order]
    k = int(country.max()) + 1
    lo = np.searchsorted(c_sorted, np.arange(k), side="left")
    hi = np.searchsorted(c_sorted, np.arange(k), side="right")
    deg = np.zeros(n)
    used = np.empty(0, np.int64)
    A = np.empty(n_ties, np.int64)
    B = np.empty(n_ties, np.int64)
    bounds = np.linspace(0, n_ties, n_batches + 1).astype(int)
    for i0, i1 in zip(bounds[:-1], bounds[1:]):
        w = deg + 1.0
        cw = np.cumsum(w)
        cws = np.cumsum(w[order])
        todo = np.arange(i0, i1)
        batch_keys = np.empty(0, np.int64)
        for _ in range(10_000):
            m = len(todo)
            if m == 0:
                break
            a = np.minimum(np.searchsorted(cw, rng.uniform(0, cw[-1], m), side="right"), n - 1)
            ca = country[a]
            w_in = cws[hi[ca] - 1] - np.where(lo[ca] > 0, cws[lo[ca] - 1], 0.0)
            p_same = homophily * w_in / (homophily * w_in + cw[-1] - w_in)
            same = rng.uniform(size=m) < p_same
            b = np.empty(m, np.int64)
            base = np.where(lo[ca] > 0, cws[lo[ca] - 1], 0.0)
            u = base + rng.uniform(size=m) * w_in
            b[same] = order[np.minimum(np.searchsorted(cws, u[same], side="right"), n - 1)]
            other = np.flatnonzero(~same)
            while len(other):  # partner outside a's country: rejection from all places
                cand = np.searchsorted(cw, rng.uniform(0, cw[-1], len(other)), side="right")
                cand = np.minimum(cand, n - 1)
                okc = country[cand] != ca[other]
                b[other[okc]] = cand[okc]
                other = other[~okc]
                if len(other) and np.all(w_in[other] >= cw[-1]):  # single-country world
                    b[other] = a[other]
                    break
            ok = rng.uniform(size=m) < np.exp(-size_homophily * np.abs(logpop[a] - logpop[b]))
            ok &= a != b
            key = np.minimum(a, b) * n + np.maximum(a, b)
            pos = np.searchsorted(used, key)
            ok &= used[np.minimum(pos, len(used) - 1)] != key if len(used) else True
            pos = np.searchsorted(batch_keys, key)
            ok &= batch_keys[np.minimum(pos, len(batch_keys) - 1)] != key if len(batch_keys) else True
            first = np.zeros(m, bool)
            _, idx = np.unique(np.where(ok, key, -1 - np.arange(m)), return_index=True)
            first[idx] = True
            ok &= first
            A[todo[ok]], B[todo[ok]] = a[ok], b[ok]
            batch_keys = np.sort(np.concatenate([batch_keys, key[ok]]))
            todo = todo[~ok]
        else:
            raise RuntimeError("could not place all ties: too many ties for the number of places?")
        used = np.sort(np.concatenate([used, batch_keys]))
        deg += np.bincount(A[i0:i1], minlength=n) + np.bincount(B[i0:i1], minlength=n)
    return A, B


@random_state_arg()
def simulate_network_with_truth(
    n_places: int = 500,
    n_ties: int = 2000,
    years: tuple[int, int] = (1945, 2025),
    countries: int | list[str] = 8,
    shock_date: Any = "2022-02-24",
    shock_hr: float = 2.0,
    baseline_hazard: float = 0.03,
    homophily: float = 2.0,
    size_homophily: float = 0.5,
    target_countries: list[str] | None = None,
    random_state: SeedLike = 0,
) -> tuple[TwinData, SimulationTruth]:
    """Simulate a twinning network (see the module docstring) and return it with its truth.

    Parameters
    ----------
    n_places, n_ties : int
        Network size (``n_ties`` at most half the possible pairs).
    years : (int, int)
        Ties start in ``[years[0]-01-01, years[1]-01-01)``; the data date is ``years[1]-01-01``.
    countries : int or list of str
        Number of synthetic countries (``XAA``, ``XAB``, ...) or their codes.
    shock_date : date-like
        Date of the shock.
    shock_hr : float
        Multiplies the hazard of exposed ties from the shock date on.
    baseline_hazard : float
        Per year (365.25 days).
    homophily, size_homophily : float
        Same-country and similar-size preference (module docstring).
    target_countries : list of str, optional
        Countries whose ties are exposed (default: the largest).
    random_state : int, numpy.random.Generator or None
        Seeds every draw (``seed=`` is its deprecated name).

    Returns
    -------
    (TwinData, SimulationTruth)
        The TwinData's ``events`` holds the shock (kind ``"shock"``, targets = target countries)
        and ``notes["truth"]`` the scalar truth.
    """
    if n_ties > 0.5 * n_places * (n_places - 1) / 2:
        raise ValueError("n_ties must be at most half the number of possible pairs")
    seed = random_state
    rng = check_random_state(random_state)
    codes = country_codes(countries) if isinstance(countries, int) else list(countries)
    targets = list(target_countries) if target_countries is not None else [codes[0]]
    kw = 1.0 / np.arange(1, len(codes) + 1)
    country = rng.choice(len(codes), size=n_places, p=kw / kw.sum())
    logpop = rng.normal(np.log(20_000), 1.2, n_places)
    centre_lat = rng.uniform(-50, 65, len(codes))
    centre_lon = rng.uniform(-170, 180, len(codes))
    lat = np.clip(centre_lat[country] + rng.normal(0, 3, n_places), -89.9, 89.9)
    lon = (centre_lon[country] + rng.normal(0, 3, n_places) + 180) % 360 - 180

    t0, t1 = pd.Timestamp(year=years[0], month=1, day=1), pd.Timestamp(year=years[1], month=1, day=1)
    span = (t1 - t0).days
    start_day = np.sort(np.floor(rng.uniform(0, span, n_ties))).astype(np.int64)
    a, b = _draw_pairs(rng, n_ties, country, logpop, homophily, size_homophily, min(50, max(1, n_ties)))
    a, b = np.minimum(a, b), np.maximum(a, b)   # place ids are zero-padded: index order = id order

    code_arr = np.array(codes, dtype=object)
    exposed = np.isin(code_arr[country[a]], targets) | np.isin(code_arr[country[b]], targets)
    shock = pd.Timestamp(shock_date)
    lam = baseline_hazard / YEAR_DAYS                       # per day
    s = np.maximum((shock - t0).days - start_day, 0).astype(float)   # days from start to shock
    E = rng.exponential(size=n_ties)
    dur = E / lam
    late = exposed & (E > lam * s)
    dur[late] = s[late] + (E[late] - lam * s[late]) / (lam * shock_hr)
    end_day = start_day + np.ceil(dur).astype(np.int64)
    ended = end_day < span
    after = late & ended
    kind = np.where(rng.uniform(size=n_ties) < 0.5, "lapsed", "terminated").astype(object)
    if shock_hr > 1:
        susp = after & (rng.uniform(size=n_ties) < (shock_hr - 1) / shock_hr)
        kind[susp] = "suspended"
    end_status = np.where(ended, kind, np.array(None, dtype=object))

    width = len(str(n_places))
    pid = np.array([f"sim:P{i:0{width}d}" for i in range(n_places)], dtype=object)
    tw = len(str(n_ties))
    tie_id = np.array([f"sim:T{i:0{tw}d}" for i in range(n_ties)], dtype=object)
    places = pd.DataFrame({
        "place_id": pid, "name": [f"Place {i}" for i in range(n_places)], "country": code_arr[country],
        "subdivision": None, "level": "municipality", "lat": lat, "lon": lon,
        "population": np.round(np.exp(logpop)), "qid": None, "konect_id": None,
    })
    start = t0 + pd.to_timedelta(start_day, unit="D")
    end = pd.Series(t0 + pd.to_timedelta(end_day, unit="D")).where(ended, pd.NaT)
    spells = pd.DataFrame({
        "spell_id": tie_id + "#0", "tie_id": tie_id, "spell": 0, "a": pid[a], "b": pid[b], "kind": "twin",
        "start": start, "start_precision": "day", "end": end,
        "end_precision": np.where(ended, "day", "unknown"), "end_status": end_status, "end_cause": None,
        "rank": "normal", "directions": "both", "n_rows": 1, "conflict": False, "source": "simulation",
        "reference": None,
    })
    events = pd.DataFrame({
        "event_id": ["sim:shock"], "date": [shock], "date_precision": ["day"], "kind": ["shock"],
        "name": ["simulated shock"], "actors": [""], "targets": [";".join(targets)],
        "description": [f"hazard of ties with a place in {', '.join(targets)} x {shock_hr} from this date"],
        "source": ["simulation"],
    })
    truth_scalar = {"hazard_ratio": float(shock_hr), "baseline_hazard_per_year": float(baseline_hazard),
                    "shock_date": str(shock.date()), "target_countries": targets,
                    "exposed_spells": int(exposed.sum()), "seed": seed if isinstance(seed, int) else None}
    n_rows = n_places + n_ties
    data = make_twindata(places, spells, Rejections(), n_rows, n_rows, "simulation", events=events,
                         observed=t1, notes={"truth": truth_scalar})
    ex = pd.Series(exposed, index=tie_id + "#0")
    truth = SimulationTruth(
        hazard_ratio=float(shock_hr), baseline_hazard=float(baseline_hazard), shock_date=shock,
        target_countries=targets, observed=t1, exposed=ex,
        exposures={"shock": pd.Series(shock, index=ex.index[ex.to_numpy()])},
    )
    return data, truth


@random_state_arg()
def simulate_network(*, random_state: RandomState = 0, **kwargs: Any) -> TwinData:
    """Like :func:`simulate_network_with_truth` but only the TwinData (truth in ``notes["truth"]``).

    Parameters
    ----------
    random_state : int, numpy.random.Generator or None
        Seeds every draw (``seed=`` is its deprecated name).
    **kwargs
        The other arguments of :func:`simulate_network_with_truth`.

    Returns
    -------
    TwinData
    """
    return simulate_network_with_truth(random_state=random_state, **kwargs)[0]


def _replicate(seed: np.random.SeedSequence, hazard_ratio: float, kwargs: dict[str, Any],
               km_horizon: float, window_years: float | None) -> dict[str, float]:
    data, truth = simulate_network_with_truth(shock_hr=hazard_ratio, random_state=seed, **kwargs)
    window = None if window_years is None else truth.shock_date - pd.Timedelta(days=window_years * YEAR_DAYS)
    cp = counting_process(data, exposures=truth.exposures, window_start=window)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotEstimableWarning)
            fit = CoxPH().fit(cp, covariates=["shock"])
        ok = bool(fit.estimable_["shock"])
    except ValueError:   # no events, or the exposure never varies within a risk set: nothing to estimate
        ok = False
    b = float(fit.params_["shock"]) if ok else float("nan")
    se = float(fit.standard_errors_["shock"]) if ok else float("nan")
    full = counting_process(data)
    un = full.loc[~truth.exposed.reindex(full["id"]).to_numpy()]
    km = KaplanMeier().fit(un["stop"], un["event"])
    t = km.timeline_[km.timeline_ <= km_horizon]
    err = float(np.max(np.abs(km.predict(t) - truth.survival(t)))) if len(t) else float("nan")
    return {"log_hr": b, "se": se, "estimable": ok, "km_err": err, "events": int(cp["event"].sum()),
            "exposed_events": int(cp.loc[cp["shock"] == 1, "event"].sum())}


@random_state_arg()
def validate_survival(
    n_replicates: int = 200,
    hazard_ratio: float = 2.0,
    random_state: RandomState = 0,
    n_jobs: int = 2,
    n_ties: int = 2000,
    n_places: int = 300,
    baseline_hazard: float = 0.03,
    km_horizon: float = 40.0,
    window_years: float | None = 10.0,
    **simulate_kwargs: Any,
) -> SurvivalValidation:
    """Simulate ``n_replicates`` networks with a known shock hazard ratio and check the estimators.

    Each replicate (seeded by :func:`twingraph.randomness.spawn` ``(random_state, n_replicates)``,
    ``seed=`` being the deprecated name of ``random_state``; run in parallel with
    joblib) fits ``CoxPH`` with the time-varying covariate ``shock`` (0 before the shock date, 1
    after, for exposed ties) on the duration scale (years since the tie's start), with the spells
    left-truncated at ``window_years`` before the shock (delayed entry; ``None`` = the whole
    history: same estimand, slower), and a Kaplan–Meier curve to all unexposed ties (no
    truncation).  Returns a :class:`~twingraph.results.SurvivalValidation` (``as_dict()`` is
    JSON-ready; ``res["bias"]`` works as on a dict) with:

    * ``hazard_ratio_true``; ``hazard_ratio_mean`` (mean of exp(beta_hat)) and
      ``hazard_ratio_geomean`` (exp of the mean log-HR);
    * ``bias`` = mean(log HR_hat) - log(HR_true), **on the log scale**; ``rmse`` likewise;
    * ``se_mean`` (mean model SE) vs ``sd_log_hr`` (spread of the estimates);
    * ``n_not_estimable``: replicates whose partial likelihood is monotone (exact check; the MLE is
      infinite) or that have no events or no variation of the exposure within any risk set: counted
      and *excluded* from every summary below (``n_used`` = the rest);
    * ``coverage_95`` = share of the estimable replicates whose 95% Wald CI contains log(HR_true), with
      its Monte-Carlo standard error ``coverage_mc_se``;
    * ``km_max_abs_error`` = mean over replicates of max ``|KM(t) - exp(-lambda t)|`` over the KM jump
      times t <= ``km_horizon`` years (``km_max_abs_error_max``: the worst replicate);
    * ``events_mean`` / ``exposed_events_mean`` (ends, and ends while exposed, per replicate),
      ``elapsed_seconds``.

    Parameters
    ----------
    n_replicates : int
        Simulated networks.
    hazard_ratio : float
        The true shock hazard ratio.
    random_state : int, numpy.random.Generator or None
        Root of the replicate seeds (``seed=`` is its deprecated name).
    n_jobs : int
        joblib workers.
    n_ties, n_places, baseline_hazard
        Passed to :func:`simulate_network_with_truth`.
    km_horizon : float
        Years over which the Kaplan–Meier error is measured.
    window_years : float or None
        Left truncation before the shock (None: the whole history).
    **simulate_kwargs
        Further arguments of :func:`simulate_network_with_truth`.

    Returns
    -------
    SurvivalValidation
        The fields above.
    """
    from joblib import Parallel, delayed

    kwargs = dict(n_ties=n_ties, n_places=n_places, baseline_hazard=baseline_hazard, **simulate_kwargs)
    seeds = spawn(random_state, n_replicates)
    t_start = time.perf_counter()
    out = Parallel(n_jobs=n_jobs)(delayed(_replicate)(s, hazard_ratio, kwargs, km_horizon, window_years)
                                  for s in seeds)
    elapsed = time.perf_counter() - t_start
    ok = np.array([o["estimable"] for o in out], bool)
    b = np.array([o["log_hr"] for o in out])[ok]
    se = np.array([o["se"] for o in out])[ok]
    km = np.array([o["km_err"] for o in out])
    truth = np.log(hazard_ratio)
    cover = np.abs(b - truth) <= 1.959963984540054 * se
    c = float(cover.mean()) if len(b) else float("nan")
    used = int(ok.sum())
    return SurvivalValidation(
        replicates=int(n_replicates), n_not_estimable=int((~ok).sum()), n_used=used,
        hazard_ratio_true=float(hazard_ratio),
        hazard_ratio_mean=float(np.exp(b).mean()), hazard_ratio_geomean=float(np.exp(b.mean())),
        bias=float(b.mean() - truth), bias_scale="log hazard ratio",
        rmse=float(np.sqrt(((b - truth) ** 2).mean())),
        se_mean=float(se.mean()), sd_log_hr=float(b.std(ddof=1)) if len(b) > 1 else float("nan"),
        coverage_95=c, coverage_mc_se=float(np.sqrt(c * (1 - c) / used)) if used else float("nan"),
        km_max_abs_error=float(np.nanmean(km)), km_max_abs_error_max=float(np.nanmax(km)),
        events_mean=float(np.mean([o["events"] for o in out])),
        exposed_events_mean=float(np.mean([o["exposed_events"] for o in out])),
        n_ties=int(n_ties), n_places=int(n_places), baseline_hazard=float(baseline_hazard),
        window_years=window_years,
        seed=random_state if isinstance(random_state, int) else None, elapsed_seconds=round(elapsed, 2),
    )


# ----------------------------------------------------------------------------------------------
# The real design: ties at risk from a shock, place-level frailty, partial dates
# ----------------------------------------------------------------------------------------------

#: Scenarios of :func:`dyadic_coverage` (name -> settings); every one uses the time-since-shock origin.
COVERAGE_SCENARIOS: dict[str, dict[str, Any]] = {
    "independent ties": {"place_frailty_sd": 0.0, "partial_dates": {}},
    "place frailty sd 1": {"place_frailty_sd": 1.0, "partial_dates": {}},
    "place frailty sd 1.5": {"place_frailty_sd": 1.5, "partial_dates": {}},
    "place frailty sd 1, partial dates": {"place_frailty_sd": 1.0, "partial_dates": {"month": 0.3, "year": 0.3}},
}
#: Standard-error types compared by :func:`dyadic_coverage`.
SE_TYPES = ("model", "one-way (place a)", "two-way (a, b)", "dyadic")


@dataclass
class ShockDesign:
    """A fixed network for :func:`simulate_shock_cohort`: endpoints, start days, exposure.

    ``a``/``b`` are place indices (0..n_places-1), ``start_day`` days since ``t0``; ``exposed`` marks
    ties with a place in a target country; ``shock`` and ``observed`` are dates.
    """

    a: np.ndarray
    b: np.ndarray
    start_day: np.ndarray
    exposed: np.ndarray
    n_places: int
    t0: pd.Timestamp
    shock: pd.Timestamp
    observed: pd.Timestamp


@random_state_arg()
def shock_design(n_places: int = 300, n_ties: int = 2000, random_state: SeedLike = 0,
                 **kwargs: Any) -> ShockDesign:
    """Draw the network (pairs, start dates, exposure) once with :func:`simulate_network_with_truth`.

    Parameters
    ----------
    n_places, n_ties
        Network size.
    random_state : int, numpy.random.Generator or None
        Seed (a SeedSequence is accepted too: how :func:`dyadic_coverage` seeds it).
    **kwargs
        Passed on (``years``, ``countries``, ``shock_date``, ``homophily``, ...).

    Returns
    -------
    ShockDesign
    """
    data, truth = simulate_network_with_truth(n_places=n_places, n_ties=n_ties, random_state=random_state, **kwargs)
    s = data.spells
    index = pd.Index(data.places["place_id"])
    t0 = pd.Timestamp(s["start"].min()).normalize()
    t0 = pd.Timestamp(year=t0.year, month=1, day=1)
    return ShockDesign(
        a=index.get_indexer(s["a"]).astype(np.int64), b=index.get_indexer(s["b"]).astype(np.int64),
        start_day=((s["start"] - t0) / pd.Timedelta(days=1)).to_numpy().astype(np.int64),
        exposed=truth.exposed.reindex(s["spell_id"]).to_numpy(bool), n_places=len(index), t0=t0,
        shock=truth.shock_date, observed=truth.observed)


@functools.lru_cache(maxsize=32)
def _period_lookup(t0: str, first_year: int, n_years: int, convention: Any) -> tuple[np.ndarray, np.ndarray]:
    """Resolved day (since ``t0``) of every month and every year in the range, by
    :func:`twingraph.dates.resolve_dates` (called once per range and convention)."""
    months = np.arange(np.datetime64(f"{first_year}-01", "M"), np.datetime64(f"{first_year + n_years}-01", "M"))
    years = np.arange(np.datetime64(str(first_year), "Y"), np.datetime64(str(first_year + n_years), "Y"))
    origin = np.datetime64(t0, "D")
    m = resolve_dates(months.astype("datetime64[D]"), "month", convention).astype("datetime64[D]") - origin
    y = resolve_dates(years.astype("datetime64[D]"), "year", convention).astype("datetime64[D]") - origin
    return m.astype(float), y.astype(float)


def _coarsen(day: np.ndarray, t0: pd.Timestamp, rng: np.random.Generator, partial: dict[str, float],
             convention: str) -> tuple[np.ndarray, np.ndarray]:
    """Record each day at a random precision (its month or year, as the tables store it: the first day)
    and resolve it back under ``convention`` (:func:`twingraph.dates.resolve_dates`, via a lookup).
    Returns (resolved day, precision name of each)."""
    if not partial:
        return day.astype(float), np.full(len(day), "day", dtype=object)
    names = ["day"] + list(partial)
    p = np.r_[1 - sum(partial.values()), list(partial.values())]
    prec = rng.choice(len(names), size=len(day), p=p)
    dates = np.datetime64(t0.date(), "D") + day.astype("timedelta64[D]")
    first_year = int(str(dates.min().astype("datetime64[Y]")))
    n_years = int(str(dates.max().astype("datetime64[Y]"))) - first_year + 1
    m_res, y_res = _period_lookup(str(t0.date()), first_year, n_years, convention)
    out = day.astype(float)
    mi = (dates.astype("datetime64[M]") - np.datetime64(f"{first_year}-01", "M")).astype(int)
    yi = (dates.astype("datetime64[Y]") - np.datetime64(str(first_year), "Y")).astype(int)
    for k, name in enumerate(names):
        sel = prec == k
        if name == "month":
            out[sel] = m_res[mi[sel]]
        elif name == "year":
            out[sel] = y_res[yi[sel]]
        elif name != "day":
            raise ValueError(f"partial_dates keys must be 'month' or 'year', not {name!r}")
    return out, np.array(names, dtype=object)[prec]


@renamed_arguments(date_convention="dates")
@random_state_arg()
def simulate_shock_cohort(design: ShockDesign, random_state: SeedLike = None, *, shock_hr: float = 2.0,
                          baseline_hazard: float = 0.05, place_frailty_sd: float = 0.0,
                          partial_dates: dict[str, float] | None = None,
                          dates: str = "midpoint", spells: bool = False) -> pd.DataFrame:
    """One replicate of the real design: ends of the ties of ``design``, analysed from the shock on.

    Parameters
    ----------
    design
        The fixed network (:func:`shock_design`).
    random_state
        Seed of this replicate.
    shock_hr
        Hazard ratio of exposed ties from the shock on (conditional on the frailties).
    baseline_hazard
        Per year (365.25 days).
    place_frailty_sd
        Each place has a log-frailty ``u ~ N(-sd^2/2, sd^2)`` (mean frailty 1); a tie's hazard is
        multiplied by ``exp(u_a + u_b)``, so ties sharing a place are dependent.
    partial_dates
        ``{"month": p_m, "year": p_y}``: each start and end date is recorded at month or year precision
        with these probabilities (else to the day) and resolved with ``dates``.
    dates
        ``earliest`` | ``midpoint`` | ``latest`` (:func:`twingraph.dates.resolve_dates`);
        ``date_convention=`` is its deprecated name.
    spells
        Return instead the recorded spells table (:data:`twingraph.tables.SPELL_COLUMNS` subset:
        partial dates stored as the first day of their period with their precision), from which
        ``counting_process(spells, origin="window", window_start=design.shock,
        observed=design.observed, dates=dates)`` builds the same rows.

    Returns
    -------
    DataFrame of the ties at risk after the shock, as :func:`twingraph.survival.counting_process`
    with ``origin="window", window_start=shock`` would build it from the recorded dates: ``start``
    (entry, years since the shock; 0 for ties older than the shock), ``stop``, ``event``, ``exposed``
    (0/1), ``a``, ``b`` (place indices).  Ties left out (ended on or before the shock, started after
    the data date, zero length) are those :func:`twingraph.survival.exclusions` lists for the
    ``spells=True`` table with ``window_start=design.shock``.
    """
    rng = check_random_state(random_state)
    n = len(design.a)
    lam = baseline_hazard / YEAR_DAYS
    u = rng.normal(-place_frailty_sd**2 / 2, place_frailty_sd, design.n_places) if place_frailty_sd > 0 \
        else np.zeros(design.n_places)
    z = np.exp(u[design.a] + u[design.b])
    shock_day = (design.shock - design.t0).days
    span = (design.observed - design.t0).days
    s = np.maximum(shock_day - design.start_day, 0).astype(float)
    E = rng.exponential(size=n)
    rate = lam * z
    dur = E / rate
    late = design.exposed & (E > rate * s)
    dur[late] = s[late] + (E[late] - rate[late] * s[late]) / (rate[late] * shock_hr)
    end_day = design.start_day + np.ceil(dur)
    ended = end_day < span
    partial = dict(partial_dates or {})
    start_r, start_p = _coarsen(design.start_day, design.t0, rng, partial, dates)
    end_r, end_p = _coarsen(np.where(ended, end_day, 0).astype(np.int64), design.t0, rng, partial, dates)
    end_r = np.where(ended, end_r, np.nan)
    if spells:
        origin = np.datetime64(design.t0.date(), "D")

        def stored(day: np.ndarray, prec: np.ndarray) -> np.ndarray:
            d = origin + day.astype(np.int64).astype("timedelta64[D]")
            d = np.where(prec == "month", d.astype("datetime64[M]").astype("datetime64[D]"), d)
            return np.where(prec == "year", d.astype("datetime64[Y]").astype("datetime64[D]"), d)

        ids = np.array([f"sim:T{i}" for i in range(n)], dtype=object)
        return pd.DataFrame({
            "spell_id": ids + "#0", "tie_id": ids, "a": design.a, "b": design.b, "kind": "twin",
            "start": pd.to_datetime(stored(design.start_day, start_p)), "start_precision": start_p,
            "end": pd.Series(pd.to_datetime(stored(np.where(ended, end_day, 0), end_p))).where(ended),
            "end_precision": np.where(ended, end_p, "unknown"),
            "end_status": np.where(ended, "terminated", np.array(None, dtype=object)),
            "exposed": design.exposed.astype(float)})
    late_end = ended & (end_r > span)                     # resolved after the data date: censored there
    event = ended & ~late_end
    stop_day = np.where(event, end_r, span)
    entry_day = np.maximum(start_r, shock_day)
    reasons = {"starts-after-observed": start_r > span, "ended-before-window": stop_day <= shock_day}
    reasons["zero-length"] = ~(stop_day > entry_day) & ~reasons["starts-after-observed"] & \
        ~reasons["ended-before-window"]
    keep = ~(reasons["starts-after-observed"] | reasons["ended-before-window"] | reasons["zero-length"])
    out = pd.DataFrame({"start": (entry_day[keep] - shock_day) / YEAR_DAYS,
                        "stop": (stop_day[keep] - shock_day) / YEAR_DAYS,
                        "event": event[keep].astype(np.int64), "exposed": design.exposed[keep].astype(float),
                        "a": design.a[keep], "b": design.b[keep]})
    return out


def _coverage_replicate(design: ShockDesign, seed: np.random.SeedSequence, settings: dict[str, Any]) -> dict[str, Any]:
    """Simulate one replicate and fit it on the arrays (the same numbers as ``CoxPH().fit(cp,
    covariates="exposed", dyad_cols=("a", "b"))``, without the DataFrame checks)."""
    from .survival import cluster_variance, dyadic_variance, likelihood, multiway_variance
    from .survival.separation import monotone_directions

    cp = simulate_shock_cohort(design, seed, **settings)
    x, e = cp["exposed"].to_numpy(), cp["event"].to_numpy(float)
    row: dict[str, Any] = {"events": int(e.sum()), "exposed_events": int(e[x == 1].sum()), "n_ties": int(len(cp)),
                           "estimable": False, "log_hr": np.nan, **{f"se_{k}": np.nan for k in SE_TYPES}}
    if e.sum() == 0 or len(np.unique(x)) < 2:
        return row
    data = likelihood.prepare(cp["start"].to_numpy(), cp["stop"].to_numpy(), e, x[:, None])
    if monotone_directions(data)[0]:
        return row
    beta, pl, _, _ = likelihood.newton(data)
    try:
        B = np.linalg.inv(pl.information)
    except np.linalg.LinAlgError:  # no information on the exposure (e.g. no exposed tie at risk at an event)
        return row
    U = likelihood.score_residuals(data, beta)
    a, b = cp["a"].to_numpy(), cp["b"].to_numpy()
    var = {"model": B, "one-way (place a)": cluster_variance(U, B, a),
           "two-way (a, b)": multiway_variance(U, B, a, b)[0], "dyadic": dyadic_variance(U, B, a, b)[0]}
    row.update(estimable=True, log_hr=float(beta[0]), **{f"se_{k}": float(np.sqrt(var[k][0, 0])) for k in SE_TYPES})
    return row


def _coverage_batch(design: ShockDesign, seeds: list, settings: dict[str, Any]) -> list[dict[str, Any]]:
    return [_coverage_replicate(design, s, settings) for s in seeds]


def _pseudo_true(design: ShockDesign, seeds: list, settings: dict[str, Any]) -> float:
    """The probability limit of the Cox estimate under a scenario: one fit to many pooled replicates."""
    from .survival import CoxPH

    parts = [simulate_shock_cohort(design, s, **settings) for s in seeds]
    pooled = pd.concat(parts, ignore_index=True)
    return float(CoxPH().fit(pooled, covariates="exposed").params_.iloc[0])


@renamed_arguments(date_convention="dates")
@random_state_arg()
def dyadic_coverage(
    n_replicates: int = 1000,
    scenarios: dict[str, dict[str, Any]] | None = None,
    *,
    shock_hr: float = 2.0,
    baseline_hazard: float = 0.15,
    n_places: int = 150,
    n_ties: int = 2000,
    dates: str = "midpoint",
    pseudo_true_replicates: int = 300,
    random_state: RandomState = 0,
    n_jobs: int | None = None,
    batch_size: int = 50,
) -> CoverageStudy:
    """Coverage of 95% Wald intervals for the shock log-HR with model-based, one-way, two-way and dyadic SEs.

    For each scenario (:data:`COVERAGE_SCENARIOS` by default) one network is drawn
    (:func:`shock_design`, seeded from ``random_state``) and held fixed; each replicate redraws the
    place frailties, the end times and the date precisions (:func:`simulate_shock_cohort`) and fits
    ``CoxPH`` with the 0/1 exposure on the time-since-shock scale.  Replicates whose likelihood is
    monotone (exact check, :mod:`twingraph.survival.separation`) are counted as not estimable and
    excluded.  Under place frailty the Cox model omits the frailty, so its estimand is the marginal
    (attenuated) log-HR; coverage is measured against that *pseudo-true* value, estimated by one fit
    to ``pseudo_true_replicates`` further pooled replicates (independent seeds), and also reported
    against the conditional (generating) log-HR.

    Parameters
    ----------
    n_replicates
        Replicates per scenario.
    scenarios
        ``{name: {"place_frailty_sd": ..., "partial_dates": {...}}}``.
    shock_hr, baseline_hazard, dates
        See :func:`simulate_shock_cohort` (``date_convention=`` is the deprecated name of ``dates``).
    n_places, n_ties
        Network size.
    pseudo_true_replicates
        Replicates pooled for the pseudo-true value.
    random_state
        Root seed; every replicate gets its own ``numpy.random.SeedSequence`` child, so the results do
        not depend on the joblib backend, the number of workers or the order of execution.
    n_jobs
        joblib workers (None: whatever ``joblib.parallel_config`` says, default 1).
    batch_size
        Replicates per joblib task.

    Returns
    -------
    CoverageStudy
        Unpacks as ``(summary, replicates)``: ``summary`` has one row per scenario and SE type with
    ``n_replicates``, ``n_not_estimable``, ``n_used``, ``pseudo_true_log_hr``, ``coverage`` (of the pseudo-true value),
    ``coverage_wilson_lo``/``_hi``, ``coverage_mc_band_lo``/``_hi`` (central 95% of the coverage of an
    exact interval over ``n_used`` replicates, binomial), ``coverage_generating`` (of log ``shock_hr``), ``se_mean``,
    ``sd_log_hr``, ``se_over_sd``, ``bias`` (mean estimate minus pseudo-true), ``events_mean``;
    ``replicates`` has one row per replicate.

    References
    ----------
    Aronow, P. M., Samii, C. & Assenova, V. A. (2015). Cluster-robust variance estimation for dyadic
    data. *Political Analysis* 23, 564-577.
    Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2011). Robust inference with multiway clustering.
    *J. Business & Economic Statistics* 29, 238-249.

    Examples
    --------
    >>> s, r = dyadic_coverage(20, {"independent": {}}, n_places=80, n_ties=300, pseudo_true_replicates=5)
    >>> sorted(s["se_type"].unique()) == sorted(SE_TYPES)
    True
    """
    from joblib import Parallel, delayed
    from scipy import stats

    scenarios = COVERAGE_SCENARIOS if scenarios is None else scenarios
    per_scenario = spawn(random_state, len(scenarios))
    z = stats.norm.ppf(0.975)
    summary, reps = [], []
    for (name, sc), ss in zip(scenarios.items(), per_scenario):
        design_seed, rep_seed, truth_seed = spawn(ss, 3)
        design = shock_design(n_places=n_places, n_ties=n_ties, random_state=design_seed)
        settings: dict[str, Any] = {"shock_hr": shock_hr, "baseline_hazard": baseline_hazard,
                                    "dates": dates,
                    "place_frailty_sd": float(sc.get("place_frailty_sd", 0.0)),
                    "partial_dates": dict(sc.get("partial_dates", {}))}
        seeds = spawn(rep_seed, n_replicates)
        batches = [seeds[i:i + batch_size] for i in range(0, n_replicates, batch_size)]
        out = Parallel(n_jobs=n_jobs)(delayed(_coverage_batch)(design, b, settings) for b in batches)
        per = pd.DataFrame([r for batch in out for r in batch])
        per.insert(0, "scenario", name)
        per.insert(1, "replicate", np.arange(n_replicates))
        reps.append(per)
        truth = _pseudo_true(design, spawn(truth_seed, pseudo_true_replicates), settings)
        ok = per["estimable"].to_numpy(bool)
        b = per.loc[ok, "log_hr"].to_numpy()
        for k in SE_TYPES:
            se = per.loc[ok, f"se_{k}"].to_numpy()
            hit = int((np.abs(b - truth) <= z * se).sum())
            m = int(ok.sum())
            ci = stats.binomtest(hit, m).proportion_ci(0.95, method="wilson") if m else None
            summary.append({
                "scenario": name, "se_type": k, "n_replicates": n_replicates, "n_not_estimable": int((~ok).sum()),
                "n_used": m, "pseudo_true_log_hr": truth, "generating_log_hr": float(np.log(shock_hr)),
                "coverage": hit / m if m else np.nan,
                "coverage_wilson_lo": ci.low if ci else np.nan, "coverage_wilson_hi": ci.high if ci else np.nan,
                "coverage_mc_band_lo": stats.binom.ppf(0.025, m, 0.95) / m if m else np.nan,
                "coverage_mc_band_hi": stats.binom.ppf(0.975, m, 0.95) / m if m else np.nan,
                "coverage_generating": float(np.mean(np.abs(b - np.log(shock_hr)) <= z * se)) if m else np.nan,
                "se_mean": float(se.mean()) if m else np.nan, "sd_log_hr": float(b.std(ddof=1)) if m > 1 else np.nan,
                "se_over_sd": float(se.mean() / b.std(ddof=1)) if m > 1 else np.nan,
                "bias": float(b.mean() - truth) if m else np.nan, "events_mean": float(per["events"].mean()),
                "exposed_events_mean": float(per["exposed_events"].mean()),
                "place_frailty_sd": settings["place_frailty_sd"],
                "partial_dates": ";".join(f"{k2}={v}" for k2, v in settings["partial_dates"].items()) or "none",
            })
    return CoverageStudy(summary=pd.DataFrame(summary), replicates=pd.concat(reps, ignore_index=True))
