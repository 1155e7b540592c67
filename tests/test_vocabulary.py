"""One word per choice: ``weights=`` (parallel ties), ``dates=`` (partial dates), ``pairs=`` (distance
pairs) replace ``convention=``; the old keywords still work for one release, with a DeprecationWarning;
the two event studies have distinct names."""

from __future__ import annotations

import inspect
import warnings

import networkx as nx
import pandas as pd
import pytest

import twingraph
from twingraph import graphs, shocks, simulate, temporal
from twingraph.measures import distances
from twingraph.survival import counting
from twingraph.survival.event_study import ends_around_events as _ends

RENAMED = [
    (graphs.project, "convention", "weights"), (graphs.simple_graph, "convention", "weights"),
    (graphs.country_graph, "convention", "weights"), (graphs.active_mask, "convention", "dates"),
    (graphs.snapshot, "convention", "dates"), (temporal.sweep, "convention", "dates"),
    (temporal.sweep_rebuild, "convention", "dates"), (temporal.active_intervals, "convention", "dates"),
    (shocks.exposure_dates, "convention", "dates"), (counting.counting_process, "date_convention", "dates"),
    (counting.exclusions, "date_convention", "dates"), (_ends, "date_convention", "dates"),
    (simulate.simulate_shock_cohort, "date_convention", "dates"),
    (simulate.dyadic_coverage, "date_convention", "dates"),
    (distances.mean_distance, "convention", "pairs"), (distances.median_distance, "convention", "pairs"),
    (distances.distance_stats, "convention", "pairs"),
]


@pytest.mark.parametrize(("fn", "old", "new"), RENAMED, ids=[f"{f.__name__}.{o}" for f, o, _ in RENAMED])
def test_renamed_argument_and_its_shim(fn, old, new) -> None:  # type: ignore[no-untyped-def]
    params = inspect.signature(fn).parameters
    assert new in params and old not in params
    assert fn.__renamed_arguments__[old] == new


def test_no_public_function_takes_convention() -> None:
    """``convention`` is gone from every public signature outside cohorts (left to the cohort work)."""
    import importlib
    import pkgutil

    found = []
    for info in pkgutil.walk_packages(twingraph.__path__, "twingraph."):
        if info.name in ("twingraph.cohorts",) or any(p.startswith("_") for p in info.name.split(".")[1:]):
            continue
        mod = importlib.import_module(info.name)
        for name, obj in vars(mod).items():
            if inspect.isfunction(obj) and obj.__module__ == info.name and not name.startswith("_"):
                params = inspect.signature(obj).parameters
                if params.keys() & {"convention", "date_convention"} and info.name != "twingraph.dates":
                    found.append(f"{info.name}.{name}")
    assert not found, f"public functions still taking convention=: {found}"


def _toy() -> twingraph.TwinData:
    from twingraph.tables import Rejections, make_twindata

    places = pd.DataFrame({"place_id": ["a", "b", "c"], "name": ["A", "B", "C"], "country": ["X", "Y", "Y"]})
    spells = pd.DataFrame({"spell_id": ["t1#0", "t1#1", "t2#0"], "tie_id": ["t1", "t1", "t2"], "spell": [0, 1, 0],
                           "a": ["a", "a", "b"], "b": ["b", "b", "c"], "kind": "twin",
                           "start": pd.to_datetime(["1957-01-01", "1990-01-01", "1960-01-01"]),
                           "start_precision": ["year", "day", "day"]})
    return make_twindata(places, spells, Rejections(), 3, 3, "toy")


def test_old_keywords_still_work_and_warn() -> None:
    M = graphs.multigraph(_toy())
    with pytest.warns(DeprecationWarning, match=r"project\(convention=...\) is deprecated; use weights="):
        old = graphs.project(M, convention="spells")
    new = graphs.project(M, weights="spells")
    assert nx.utils.graphs_equal(old, new) and new["a"]["b"]["weight"] == 2
    assert graphs.project(M, weights="ties")["a"]["b"]["weight"] == 1
    with pytest.warns(DeprecationWarning, match="use dates="):
        s_old = graphs.snapshot(_toy(), "1957-06-01", convention="latest")
    assert s_old.number_of_edges() == graphs.snapshot(_toy(), "1957-06-01", dates="latest").number_of_edges() == 0
    assert graphs.snapshot(_toy(), "1957-06-01", dates="earliest").number_of_edges() == 1
    with pytest.raises(TypeError, match="both weights= and its deprecated alias convention="):
        graphs.project(M, weights="ties", convention="ties")
    with pytest.warns(DeprecationWarning, match="use pairs="):
        assert distances.mean_distance(nx.path_graph(3), convention="distinct") == pytest.approx(4 / 3)
    assert distances.mean_distance(nx.path_graph(3), pairs="konect") == pytest.approx(8 / 9)


def test_the_two_event_studies_have_distinct_names() -> None:
    from twingraph import formation
    from twingraph.survival import ends_around_events

    assert twingraph.ends_around_events is ends_around_events
    assert ends_around_events is not formation.event_study
    assert twingraph.survival.event_study.__deprecated_alias_of__ == "twingraph.survival.ends_around_events"
    data = _toy()
    events = pd.DataFrame({"event_id": ["e"], "date": pd.to_datetime(["1980-01-01"]), "date_precision": ["day"],
                           "kind": ["shock"], "name": ["e"], "actors": [""], "targets": [""], "source": ["t"]})
    new = ends_around_events(data.spells, events, observed="2000-01-01")
    with pytest.warns(DeprecationWarning, match="twingraph.survival.event_study is deprecated; use "
                                                "twingraph.survival.ends_around_events"):
        old = twingraph.event_study(data.spells, events, observed="2000-01-01")
    pd.testing.assert_frame_equal(old, new)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ends_around_events(data.spells, events, observed="2000-01-01", dates="midpoint")
