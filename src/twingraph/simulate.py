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

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .survival import YEAR_DAYS, CoxPH, KaplanMeier, counting_process
from .tables import Rejections, TwinData, make_twindata

__all__ = ["SimulationTruth", "simulate_network", "simulate_network_with_truth", "validate_survival",
           "country_codes"]


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
        """True survival of an unexposed spell, exp(-baseline_hazard * t), t in years."""
        return np.exp(-self.baseline_hazard * np.asarray(t, float))


def country_codes(n: int) -> list[str]:
    """``n`` user-assigned ISO 3166-1 alpha-3 codes (``XAA`` ... ``XZZ``), never real countries."""
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
    seed: int | np.random.SeedSequence | np.random.Generator = 0,
) -> tuple[TwinData, SimulationTruth]:
    """Simulate a twinning network (see the module docstring) and return it with its truth.

    ``baseline_hazard`` is per year (365.25 days); ``shock_hr`` multiplies the hazard of exposed
    ties from the shock date on.  Returns ``(TwinData, SimulationTruth)``; the TwinData's ``events``
    holds the shock (kind ``"shock"``, targets = target countries) and ``notes["truth"]`` the
    scalar truth.
    """
    if n_ties > 0.5 * n_places * (n_places - 1) / 2:
        raise ValueError("n_ties must be at most half the number of possible pairs")
    rng = np.random.default_rng(seed)
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


def simulate_network(**kwargs: Any) -> TwinData:
    """Like :func:`simulate_network_with_truth` but only the TwinData (truth in ``notes["truth"]``)."""
    return simulate_network_with_truth(**kwargs)[0]


def _replicate(seed: np.random.SeedSequence, hazard_ratio: float, kwargs: dict[str, Any],
               km_horizon: float, window_years: float | None) -> dict[str, float]:
    data, truth = simulate_network_with_truth(shock_hr=hazard_ratio, seed=seed, **kwargs)
    window = None if window_years is None else truth.shock_date - pd.Timedelta(days=window_years * YEAR_DAYS)
    cp = counting_process(data, exposures=truth.exposures, window_start=window)
    fit = CoxPH().fit(cp, covariates=["shock"])
    b = float(fit.params_["shock"])
    se = float(fit.standard_errors_["shock"])
    full = counting_process(data)
    un = full.loc[~truth.exposed.reindex(full["id"]).to_numpy()]
    km = KaplanMeier().fit(un["stop"], un["event"])
    t = km.timeline_[km.timeline_ <= km_horizon]
    err = float(np.max(np.abs(km.predict(t) - truth.survival(t)))) if len(t) else float("nan")
    return {"log_hr": b, "se": se, "km_err": err, "events": int(cp["event"].sum()),
            "exposed_events": int(cp.loc[cp["shock"] == 1, "event"].sum())}


def validate_survival(
    replicates: int = 200,
    hazard_ratio: float = 2.0,
    seed: int = 0,
    n_jobs: int = 2,
    n_ties: int = 2000,
    n_places: int = 300,
    baseline_hazard: float = 0.03,
    km_horizon: float = 40.0,
    window_years: float | None = 10.0,
    **simulate_kwargs: Any,
) -> dict[str, Any]:
    """Simulate ``replicates`` networks with a known shock hazard ratio and check the estimators.

    Each replicate (seeded by ``numpy.random.SeedSequence(seed).spawn``, run in parallel with
    joblib) fits ``CoxPH`` with the time-varying covariate ``shock`` (0 before the shock date, 1
    after, for exposed ties) on the duration scale (years since the tie's start), with the spells
    left-truncated at ``window_years`` before the shock (delayed entry; ``None`` = the whole
    history: same estimand, slower), and a Kaplan–Meier curve to all unexposed ties (no
    truncation).  Returns a JSON-ready dict:

    * ``hazard_ratio_true``; ``hazard_ratio_mean`` (mean of exp(beta_hat)) and
      ``hazard_ratio_geomean`` (exp of the mean log-HR);
    * ``bias`` = mean(log HR_hat) - log(HR_true), **on the log scale**; ``rmse`` likewise;
    * ``se_mean`` (mean model SE) vs ``sd_log_hr`` (spread of the estimates);
    * ``coverage_95`` = share of replicates whose 95% Wald CI contains log(HR_true), with its
      Monte-Carlo standard error ``coverage_mc_se``;
    * ``km_max_abs_error`` = mean over replicates of max ``|KM(t) - exp(-lambda t)|`` over the KM jump
      times t <= ``km_horizon`` years (``km_max_abs_error_max``: the worst replicate);
    * ``events_mean`` / ``exposed_events_mean`` (ends, and ends while exposed, per replicate),
      ``elapsed_seconds``.
    """
    from joblib import Parallel, delayed

    kwargs = dict(n_ties=n_ties, n_places=n_places, baseline_hazard=baseline_hazard, **simulate_kwargs)
    seeds = np.random.SeedSequence(seed).spawn(replicates)
    t_start = time.perf_counter()
    out = Parallel(n_jobs=n_jobs)(delayed(_replicate)(s, hazard_ratio, kwargs, km_horizon, window_years)
                                  for s in seeds)
    elapsed = time.perf_counter() - t_start
    b = np.array([o["log_hr"] for o in out])
    se = np.array([o["se"] for o in out])
    km = np.array([o["km_err"] for o in out])
    truth = np.log(hazard_ratio)
    cover = np.abs(b - truth) <= 1.959963984540054 * se
    c = float(cover.mean())
    return {
        "replicates": int(replicates), "hazard_ratio_true": float(hazard_ratio),
        "hazard_ratio_mean": float(np.exp(b).mean()), "hazard_ratio_geomean": float(np.exp(b.mean())),
        "bias": float(b.mean() - truth), "bias_scale": "log hazard ratio",
        "rmse": float(np.sqrt(((b - truth) ** 2).mean())),
        "se_mean": float(se.mean()), "sd_log_hr": float(b.std(ddof=1)) if len(b) > 1 else float("nan"),
        "coverage_95": c, "coverage_mc_se": float(np.sqrt(c * (1 - c) / replicates)),
        "km_max_abs_error": float(np.nanmean(km)), "km_max_abs_error_max": float(np.nanmax(km)),
        "events_mean": float(np.mean([o["events"] for o in out])),
        "exposed_events_mean": float(np.mean([o["exposed_events"] for o in out])),
        "n_ties": int(n_ties), "n_places": int(n_places), "baseline_hazard": float(baseline_hazard),
        "window_years": window_years, "seed": int(seed), "elapsed_seconds": round(elapsed, 2),
    }
