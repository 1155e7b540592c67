"""The randomness contract (twingraph.randomness): every public function that draws random numbers takes
``random_state`` (int, numpy Generator or None), wears the ``random_state_arg`` decorator, and gives
the same output for the same int.  The functions are found by introspection, so a new one must join
the table of calls below."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import warnings
from collections.abc import Callable
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd
import pytest

import twingraph
from twingraph.exceptions import RandomStateError, TwingraphError
from twingraph.randomness import (check_random_state, int_seed, random_state_arg, seed_sequence, spawn, spawn_seeds,
                                  validate_random_state)

SEED_NAMES = {"random_state", "seed", "rng"}


def _public_functions() -> dict[str, Callable[..., Any]]:
    """Every public function of every twingraph module (defined there, not re-exported)."""
    out: dict[str, Callable[..., Any]] = {}
    for info in pkgutil.walk_packages(twingraph.__path__, "twingraph."):
        if any(part.startswith("_") for part in info.name.split(".")[1:]):
            continue
        mod = importlib.import_module(info.name)
        for name, obj in vars(mod).items():
            if name.startswith("_") or not inspect.isfunction(obj) or obj.__module__ != info.name:
                continue
            out[f"{info.name}.{name}"] = obj
    return out


def _seeded() -> dict[str, Callable[..., Any]]:
    out = {}
    for name, fn in _public_functions().items():
        if name == "twingraph.randomness.random_state_arg":
            continue
        params = set(inspect.signature(fn).parameters)
        if params & SEED_NAMES or hasattr(fn, "__random_state__"):
            out[name] = fn
    return out


SEEDED = _seeded()
# helpers of the contract itself take a random_state but are the contract, not users of it
CONTRACT = {f"twingraph.randomness.{n}" for n in ("check_random_state", "validate_random_state", "int_seed",
                                                  "seed_sequence", "spawn", "spawn_seeds", "igraph_rng")}


# ----------------------------------------------------------------------------------- the helpers
def test_spawn_seeds_are_the_seedsequence_children() -> None:
    # the values child_seeds always gave (numpy SeedSequence(42).spawn(3), first uint32 word of each)
    assert spawn_seeds(42, 3) == [2684470948, 4091952314, 233227757]
    assert spawn_seeds(np.int64(42), 3) == spawn_seeds(42, 3)
    assert [int(c.generate_state(1, dtype=np.uint32)[0]) for c in spawn(42, 3)] == spawn_seeds(42, 3)


def test_generator_and_none_roots() -> None:
    a = spawn_seeds(np.random.default_rng(5), 4)
    assert a == spawn_seeds(np.random.default_rng(5), 4) and len(set(a)) == 4
    # a Generator roots SeedSequence(one 63-bit draw of it)
    draw = int(np.random.default_rng(5).integers(2**63 - 1))
    assert a == spawn_seeds(draw, 4)
    assert spawn_seeds(None, 3) != spawn_seeds(None, 3)  # fresh entropy (collision chance 2^-96)


def test_check_random_state_and_int_seed() -> None:
    g = np.random.default_rng(1)
    assert check_random_state(g) is g
    assert check_random_state(7).integers(1000) == np.random.default_rng(7).integers(1000)
    assert int_seed(7) == 7 and int_seed(np.uint8(9)) == 9
    assert int_seed(np.random.default_rng(0), 100) == int(np.random.default_rng(0).integers(100))
    ss = np.random.SeedSequence(3)
    assert seed_sequence(ss) is ss and seed_sequence(3).entropy == 3


@pytest.mark.parametrize("bad", [1.5, "3", True, np.random.RandomState(0), [1], -1])
def test_bad_random_states_raise_one_clear_error(bad: Any) -> None:
    with pytest.raises(RandomStateError, match="random_state must be"):
        validate_random_state(bad)
    with pytest.raises(TypeError):
        check_random_state(bad)
    assert issubclass(RandomStateError, TwingraphError)


def test_decorator_maps_deprecated_seed_and_checks_early() -> None:
    calls: list[Any] = []

    @random_state_arg()
    def draw(n: int, random_state: Any = 0) -> list[int]:
        calls.append(random_state)
        return check_random_state(random_state).integers(100, size=n).tolist()

    with pytest.warns(DeprecationWarning, match=r"draw\(seed=...\) is deprecated; use random_state="):
        old = draw(3, seed=4)
    assert old == draw(3, random_state=4) == draw(3, np.int64(4)) == [int(x) for x in
                                                                    np.random.default_rng(4).integers(100, size=3)]
    assert type(calls[-1]) is int  # numpy integers normalised
    with pytest.raises(TypeError, match="both random_state= and its deprecated alias seed="):
        draw(3, seed=1, random_state=1)
    n_calls = len(calls)
    with pytest.raises(RandomStateError):
        draw(3, random_state="x")
    assert len(calls) == n_calls  # refused before the body ran
    assert draw.__random_state__ == "random_state"


# ----------------------------------------------------------------------------------- the contract
@pytest.mark.parametrize("name", sorted(set(SEEDED) - CONTRACT))
def test_every_seeded_function_wears_the_decorator(name: str) -> None:
    fn = SEEDED[name]
    params = inspect.signature(fn).parameters
    assert getattr(fn, "__random_state__", None) == "random_state", \
        f"{name}: decorate it with @twingraph.randomness.random_state_arg()"
    assert "random_state" in params and not params.keys() & {"seed", "rng"}, \
        f"{name}: name the argument random_state (seed=/rng= only as deprecated aliases)"


def _graph(n: int = 40, p: float = 0.15, seed: int = 1) -> ig.Graph:
    rng = np.random.default_rng(seed)
    g = ig.Graph.Erdos_Renyi(n, p, directed=False, loops=False)
    g.vs["name"] = [f"v{i}" for i in range(n)]
    g.vs["country"] = rng.choice(["AAA", "BBB", "CCC"], n).tolist()
    g.vs["lat"] = rng.uniform(40, 55, n).tolist()
    g.vs["lon"] = rng.uniform(0, 20, n).tolist()
    g.vs["population"] = np.round(np.exp(rng.normal(9, 1.5, n))).tolist()
    g.es["weight"] = rng.integers(1, 4, g.ecount()).astype(float).tolist()
    return g


def _pairs() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = [(f"f{rng.integers(8)}", f"p{i}", int(rng.integers(1990, 2000))) for i in range(60)]
    df = pd.DataFrame(rows, columns=["focal", "partner", "year"])
    df["year"] = df["year"].astype("Int64")
    return df


def _design() -> Any:
    from twingraph.simulate import shock_design

    return shock_design(n_places=60, n_ties=200, random_state=1)


G = None  # built lazily (igraph's Erdos_Renyi draws from the global RNG: seed it once)


def _g() -> ig.Graph:
    global G
    if G is None:
        from twingraph.randomness import igraph_rng

        with igraph_rng(11):
            G = _graph()
    return G


def _panel() -> pd.DataFrame:
    """Formation counts of 12 units over 1984-1996 (Poisson, a year trend)."""
    rng = np.random.default_rng(4)
    rows = [{"group": f"u{u:02d}", "year": y, "formed": int(rng.poisson(2.0 + 0.1 * (y - 1984)))}
            for u in range(12) for y in range(1984, 1997)]
    return pd.DataFrame(rows)


def _panel_pairs() -> pd.DataFrame:
    c = _panel()
    pairs = pd.DataFrame({"focal": [f"t{i}" for i in range(len(c))], "partner": "p",
                          "partner_country": c["group"].to_numpy(), "year": c["year"].to_numpy()})
    return pairs.loc[pairs.index.repeat(c["formed"].to_numpy())].reset_index(drop=True)


def _choice() -> Any:
    """A partner-choice data set of 40 places and 60 partnerships (30 before 1995, 30 after)."""
    from twingraph import partner_choice as pc

    rng = np.random.default_rng(3)
    n, m = 40, 60
    ties = pd.DataFrame({"i": rng.integers(0, 20, m), "j": rng.integers(20, n, m)})
    ties["year"] = np.r_[np.full(30, 1990.0), np.full(30, 2000.0)]
    ties["pair_id"] = [f"{a}|{b}" for a, b in zip(ties["i"], ties["j"])]
    return pc.ChoiceData(ids=np.array([f"p{k}" for k in range(n)]), names=np.array([f"P{k}" for k in range(n)]),
                         country=np.array(["AAA"] * n, dtype=object), country_code=np.zeros(n, int),
                         countries=np.array(["AAA"], dtype=object), lat=rng.uniform(40, 50, n),
                         lon=rng.uniform(0, 20, n), log_pop=rng.normal(10, 1, n), pop_unknown=np.zeros(n),
                         bloc=np.full(n, np.nan), usable=np.ones(n, bool), ties=ties,
                         border_matrix=np.zeros((1, 1)), language_matrix=np.ones((1, 1)), in_gazetteer=np.ones(n, bool))


#: one cheap call per seeded public function: ``random_state`` is passed by keyword
CALLS: dict[str, Callable[[Any], Any]] = {
    "twingraph.measures.assortativity.size_assortativity": lambda rs: size_assortativity(_g(), n_replicates=5,
                                                                                        random_state=rs),
    "twingraph.measures.centrality.approximate_betweenness": lambda rs: M.approximate_betweenness(
        _g(), epsilon=0.3, delta=0.3, random_state=rs),
    "twingraph.measures.communities.leiden": lambda rs: M.leiden(_g(), random_state=rs),
    "twingraph.measures.communities.louvain": lambda rs: M.louvain(_g(), random_state=rs),
    "twingraph.measures.communities.best_partition": lambda rs: M.best_partition(_g(), n_seeds=3, random_state=rs),
    "twingraph.measures.communities.resolution_profile": lambda rs: M.resolution_profile(
        _g(), resolutions=(0.5, 1.0), n_seeds=2, random_state=rs),
    "twingraph.measures.communities.modularity_null": lambda rs: M.modularity_null(
        _g(), n_replicates=3, n_seeds=1, random_state=rs),
    "twingraph.measures.degree.powerlaw_pvalue": lambda rs: M.powerlaw_pvalue(
        np.array([1, 1, 2, 2, 3, 4, 5, 8, 13, 21]), n_replicates=3, random_state=rs),
    "twingraph.measures.degree.sample_discrete_powerlaw": lambda rs: M.sample_discrete_powerlaw(
        2.5, 1, 50, random_state=rs),
    "twingraph.measures.geography.null_distances": lambda rs: M.null_distances(_g(), random_state=rs),
    "twingraph.measures.geography.distance_null_test": lambda rs: M.distance_null_test(
        _g(), n_replicates=4, random_state=rs),
    "twingraph.measures.gravity.country_pair_null": lambda rs: M.country_pair_null(_g(), random_state=rs),
    "twingraph.measures.gravity.short_tie_excess": lambda rs: M.short_tie_excess(
        _g(), threshold_km=300, n_replicates=5, random_state=rs),
    "twingraph.measures.nullmodels.rewire": lambda rs: M.rewire(_g(), random_state=rs),
    "twingraph.measures.nullmodels.null_ensemble": lambda rs: M.null_ensemble(
        _g(), ("transitivity",), n_replicates=3, random_state=rs),
    "twingraph.measures.nullmodels.z_scores": lambda rs: M.z_scores(
        _g(), ("transitivity",), n_replicates=3, random_state=rs),
    "twingraph.counterfactual.counterfactual_removal": lambda rs: counterfactual_removal(
        nx.path_graph(8), [(2, 3)], measures=("lcc",), n_replicates=4, random_state=rs, n_jobs=1),
    "twingraph.formation.attachment.attachment_kernel": lambda rs: attachment_kernel(_pairs(), n_replicates=2,
                                                                                     random_state=rs),
    "twingraph.formation.events.placebo_test": lambda rs: placebo_test(
        _panel(), 1990, ["u00", "u01"], window=(-3, 3), n_draws=4, random_state=rs).coefs,
    "twingraph.formation.events.event_studies": lambda rs: event_studies(
        [("e", "X", "partner_country", ["u00", "u01"], [])],
        pd.DataFrame({"event_id": ["e"], "date": [pd.Timestamp("1990-06-01")], "actors": ["u00;u01"],
                      "targets": [""], "name": ["An event"]}).set_index("event_id"),
        {"X": _panel_pairs()}, {"X": range(1984, 1997)}, window=(-3, 3), placebo_draws=4, family="poisson",
        random_state=rs)[1],
    "twingraph.measures.distances.sampled_distance_stats": lambda rs: sampled_distance_stats(
        _g(), n_sources=8, random_state=rs),
    "twingraph.measures.gravity.short_tie_bins": lambda rs: M.short_tie_bins(
        _g(), (0, 300, np.inf), n_replicates=3, random_state=rs),
    "twingraph.simulate.simulate_network_with_truth": lambda rs: simulate_network_with_truth(
        n_places=40, n_ties=60, random_state=rs)[0],
    "twingraph.simulate.simulate_network": lambda rs: simulate_network(n_places=40, n_ties=60, random_state=rs),
    "twingraph.simulate.validate_survival": lambda rs: {
        k: v for k, v in validate_survival(n_replicates=2, n_jobs=1, n_ties=80, n_places=40, random_state=rs).items()
        if k not in ("elapsed_seconds", "seed")},
    "twingraph.cohorts.protocol.corrected_share": lambda rs: corrected_share(50, 5, 4, 3.0, 2.0, draws=50,
                                                                             random_state=rs),
    "twingraph.cohorts.checks.corrected_shares": lambda rs: corrected_shares(
        pd.DataFrame({"status": ["suspended", "no documented change", "terminated"], "partner": ["A", "A", "B"],
                      "ended_before_shock": [False] * 3, "end_first_round_or_primary": [True, False, True]}),
        SearchSensitivity(sample=10, searched=10, second_ends=8, also_found=7, sensitivity=0.8, lower=0.5, upper=1.0,
                          beta_a=8, beta_b=2), draws=50, random_state=rs),
    "twingraph.recapture.simulate_captures": lambda rs: simulate_captures(50, [0.5, 0.4, 0.3], random_state=rs),
    "twingraph.recapture.simulation_study": lambda rs: simulation_study(N=60, p=(0.5, 0.4, 0.6), replicates=2,
                                                                        random_state=rs,
                                                                        scenarios=(("independent", 0.0, 0.0),)),
    "twingraph.partner_choice.fit_partner_choice": lambda rs: pc.fit_partner_choice(
        _choice(), features=("log_km", "log_population"), n_alternatives=5, random_state=rs).coef.tolist(),
    "twingraph.partner_choice.evaluate_split": lambda rs: pc.evaluate_split(
        _choice(), 1995, ks=(5,), n_boot=5, features=("log_km",), n_alternatives=5, random_state=rs).summary,
    "twingraph.simulate.shock_design": lambda rs: shock_design(n_places=40, n_ties=60, random_state=rs),
    "twingraph.simulate.simulate_shock_cohort": lambda rs: simulate_shock_cohort(_design(), random_state=rs),
    "twingraph.simulate.dyadic_coverage": lambda rs: dyadic_coverage(
        4, {"independent": {}}, n_places=40, n_ties=100, pseudo_true_replicates=2, random_state=rs, n_jobs=1),
}

from twingraph import measures as M  # noqa: E402
from twingraph import partner_choice as pc  # noqa: E402
from twingraph.measures.distances import sampled_distance_stats  # noqa: E402
from twingraph.cohorts.checks import corrected_shares  # noqa: E402
from twingraph.cohorts.protocol import SearchSensitivity, corrected_share  # noqa: E402
from twingraph.counterfactual import counterfactual_removal  # noqa: E402
from twingraph.recapture import simulate_captures, simulation_study  # noqa: E402
from twingraph.formation import attachment_kernel, event_studies, placebo_test  # noqa: E402
from twingraph.measures import size_assortativity  # noqa: E402
from twingraph.simulate import (dyadic_coverage, shock_design, simulate_network, simulate_network_with_truth,  # noqa: E402
                                simulate_shock_cohort, validate_survival)


def test_the_call_table_covers_every_seeded_function() -> None:
    missing = sorted(set(SEEDED) - CONTRACT - set(CALLS))
    assert not missing, f"add a cheap call to CALLS in tests/test_randomness.py for: {missing}"
    assert not set(CALLS) - set(SEEDED), "CALLS names a function that no longer takes random_state"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.random.Generator):   # a result that records the Generator it was given
        return isinstance(b, np.random.Generator)
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
        return True
    if isinstance(a, pd.Series):
        pd.testing.assert_series_equal(a, b)
        return True
    if isinstance(a, np.ndarray):
        np.testing.assert_array_equal(a, b)
        return True
    if isinstance(a, ig.Graph):
        return sorted(a.get_edgelist()) == sorted(b.get_edgelist())
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, twingraph.TwinData):
        return _same(a.spells, b.spells) and _same(a.places, b.places)
    if dataclasses.is_dataclass(a):
        return all(_same(getattr(a, f.name), getattr(b, f.name)) for f in dataclasses.fields(a))
    if isinstance(a, float) and np.isnan(a):
        return bool(np.isnan(b))
    return bool(a == b)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_int_generator_and_none_are_accepted_and_an_int_reproduces(name: str) -> None:
    call = CALLS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # numerical warnings of tiny inputs are not the point here
        first = call(3)
        assert _same(first, call(3)), f"{name}: the same int gave different outputs"
        assert _same(call(np.random.default_rng(3)), call(np.random.default_rng(3))), \
            f"{name}: the same Generator state gave different outputs"
        call(None)
    with pytest.raises(RandomStateError):
        call("3")


def test_deprecated_seed_keyword_of_the_simulators() -> None:
    with pytest.warns(DeprecationWarning, match="seed="):
        old = simulate_network(n_places=40, n_ties=60, seed=2)
    new = simulate_network(n_places=40, n_ties=60, random_state=2)
    pd.testing.assert_frame_equal(old.spells, new.spells)
    with pytest.warns(DeprecationWarning):
        a, _ = simulate_network_with_truth(n_places=40, n_ties=60, seed=2)
    pd.testing.assert_frame_equal(a.spells, new.spells)
    # the four functions that used to raise a bare TypeError for a Generator or None
    g = _g()
    for fn in (lambda rs: M.powerlaw_pvalue(np.array([1, 2, 2, 3, 5, 8]), n_replicates=2, random_state=rs),
               lambda rs: M.best_partition(g, n_seeds=2, random_state=rs),
               lambda rs: M.distance_null_test(g, n_replicates=2, random_state=rs),
               lambda rs: size_assortativity(g, n_replicates=2, random_state=rs)):
        fn(None)
        fn(np.random.default_rng(0))


def test_best_partition_seeds_runs_with_the_children() -> None:
    _, runs = M.best_partition(_g(), n_seeds=3, random_state=42)
    assert runs["seed"].tolist() == [2684470948, 4091952314, 233227757]
