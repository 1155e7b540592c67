"""Degree-preserving rewiring ensembles: invariants, seeding, parallel == serial, z-scores."""

from __future__ import annotations

import igraph as ig
import numpy as np
import pytest

from twingraph.measures import nullmodels as Nm
from twingraph.measures._common import child_seeds, igraph_seed


def triangles_graph() -> ig.Graph:
    """40 disjoint triangles chained by a path of bridges: transitivity far above chance."""
    edges = []
    for t in range(40):
        a = 3 * t
        edges += [(a, a + 1), (a + 1, a + 2), (a, a + 2)]
        if t:
            edges.append((a - 1, a))
    return ig.Graph(edges)


def test_child_seeds_are_deterministic_and_distinct():
    s = child_seeds(42, 5)
    assert s == child_seeds(42, 5) and len(set(s)) == 5
    assert child_seeds(43, 5) != s


def test_rewire_keeps_degrees_and_simplicity():
    with igraph_seed(1):
        g = ig.Graph.Barabasi(500, 2)
    h = Nm.rewire(g, random_state=3)
    assert h.degree() == g.degree() and h.is_simple()
    assert set(h.get_edgelist()) != set(g.get_edgelist())
    assert Nm.rewire(g, random_state=3).get_edgelist() == h.get_edgelist()
    assert g.get_edgelist() == Nm.rewire(g, n_swaps=0, random_state=3).get_edgelist()


def test_z_scores_detect_clustering():
    z = Nm.z_scores(triangles_graph(), ("transitivity", "triangles", "degree_assortativity"),
                    n_replicates=30, random_state=0)
    row = z.set_index("statistic")
    assert row.loc["transitivity", "observed"] == pytest.approx(3 * 40 / (3 * 40 + 2 * 39 * 2 + 0))
    assert row.loc["transitivity", "z"] > 10
    assert row.loc["triangles", "observed"] == 40 and row.loc["triangles", "null_mean"] < 5
    assert row.loc["transitivity", "p_empirical"] == pytest.approx(1 / 31)
    assert list(z.columns) == ["statistic", "observed", "null_mean", "null_sd", "z", "p_empirical", "n_replicates"]


def test_ensemble_reproducible_and_parallel_equals_serial():
    g = triangles_graph()
    g.vs["lat"] = np.linspace(-60, 60, g.vcount()).tolist()
    g.vs["lon"] = np.linspace(-170, 170, g.vcount()).tolist()
    stats = ("transitivity", "mean_distance", "mean_geo_km")
    a = Nm.null_ensemble(g, stats, n_replicates=6, random_state=9)
    b = Nm.null_ensemble(g, stats, n_replicates=6, random_state=9, n_jobs=2)
    assert a.equals(b)
    assert a["seed"].tolist() == child_seeds(9, 6)
    assert list(a.columns) == ["replicate", "seed", *stats]


def _max_degree(g: ig.Graph) -> float:
    return float(max(g.degree()))


def test_custom_statistic_mapping():
    g = triangles_graph()
    z = Nm.z_scores(g, {"max_degree": _max_degree}, n_replicates=5, random_state=1)
    assert z.loc[0, "observed"] == 3.0 and z.loc[0, "null_mean"] == 3.0  # degrees are preserved
    assert np.isnan(z.loc[0, "z"])  # zero variance
    with pytest.raises(KeyError):
        Nm.z_scores(g, ("nonsense",), n_replicates=2)
