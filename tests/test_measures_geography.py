"""Great-circle tie lengths and the distance null-model test."""

from __future__ import annotations

import math

import igraph as ig
import numpy as np
import pytest

from twingraph.measures import geography as Ge

R = Ge.EARTH_RADIUS_KM


def test_haversine_known_values():
    assert Ge.haversine_km(0, 0, 0, 90) == pytest.approx(math.pi / 2 * R)
    assert Ge.haversine_km(0, 0, 90, 0) == pytest.approx(math.pi / 2 * R)
    assert Ge.haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * R)
    assert Ge.haversine_km(10, 20, 10, 20) == 0.0
    assert Ge.haversine_km(0, 179.5, 0, -179.5) == pytest.approx(R * math.radians(1.0))
    # one degree of latitude
    assert Ge.haversine_km(45, 7, 46, 7) == pytest.approx(R * math.pi / 180)
    d = Ge.haversine_km([0, 0], [0, 0], [0, 0], [90, 180])
    assert d.tolist() == pytest.approx([math.pi / 2 * R, math.pi * R])


def test_edge_distances_with_missing_coordinates():
    g = ig.Graph([(0, 1), (1, 2), (2, 3)])
    g.vs["lat"] = [0.0, 0.0, None, 1.0]
    g.vs["lon"] = [0.0, 90.0, 0.0, 0.0]
    d = Ge.edge_distances(g)
    assert d[0] == pytest.approx(math.pi / 2 * R)
    assert np.isnan(d[1]) and np.isnan(d[2])


def spread_graph(local: bool, seed: int = 0) -> ig.Graph:
    """Places spread over the globe; ties either to one of the 3 nearest places or random."""
    rng = np.random.default_rng(seed)
    n = 200
    lat = np.degrees(np.arcsin(rng.uniform(-0.8, 0.9, n)))
    lon = rng.uniform(-180, 180, n)
    edges = set()
    if local:
        dist = Ge.haversine_km(lat[:, None], lon[:, None], lat[None, :], lon[None, :])
        for a in range(n):
            for b in np.argsort(dist[a])[1:4]:
                edges.add((min(a, int(b)), max(a, int(b))))
    else:
        while len(edges) < 400:
            a, b = (int(x) for x in rng.integers(n, size=2))
            if a != b:
                edges.add((min(a, b), max(a, b)))
    g = ig.Graph(n=n, edges=sorted(edges))
    g.vs["lat"], g.vs["lon"] = lat.tolist(), lon.tolist()
    return g


def test_null_distances_configuration_keeps_degrees():
    g = spread_graph(local=True)
    d = Ge.null_distances(g, "configuration", random_state=1)
    assert g.ecount() - 20 <= len(d) <= g.ecount()  # only self-pairs are dropped
    assert Ge.null_distances(g, "configuration", random_state=1).tolist() == d.tolist()
    r = Ge.null_distances(g, "rewire", random_state=1)
    assert len(r) == g.ecount()


def test_local_ties_are_detected():
    g = spread_graph(local=True)
    res = Ge.distance_null_test(g, n_replicates=50, random_state=0)
    assert res["n_edges"] == g.ecount()
    assert res["ratio_median"] < 0.3
    assert res["z_median"] < -5 and res["z_mean"] < -5 and res["p_median"] == pytest.approx(1 / 51)
    assert res["share_lt_1000"] > 2 * res["null_share_lt_1000"]
    assert res["ks"] > 0.3 and res["ks_p"] < 1e-10


@pytest.mark.parametrize("model", ["configuration", "rewire"])
def test_random_ties_look_like_the_null(model):
    res = Ge.distance_null_test(spread_graph(local=False, seed=2), model=model, n_replicates=50, random_state=1)
    assert abs(res["z_mean"]) < 3.5
    assert res["ratio_median"] == pytest.approx(1.0, abs=0.25)
    assert Ge.distance_null_test(spread_graph(local=False, seed=2), model=model, n_replicates=50, random_state=1) == res


def test_distance_by_group_pair():
    g = ig.Graph([(0, 1), (1, 2), (2, 3), (0, 3)])
    g.vs["lat"] = [0.0, 0.0, 0.0, 0.0]
    g.vs["lon"] = [0.0, 90.0, 180.0, -90.0]
    g.vs["continent"] = ["B", "A", "A", None]
    t = Ge.distance_by_group_pair(g, "continent")
    assert t[["group_a", "group_b", "n_edges"]].values.tolist() == [["A", "A", 1], ["A", "B", 1]]
    assert t["median_km"].tolist() == pytest.approx([math.pi / 2 * R] * 2)
    empty = Ge.distance_by_group_pair(ig.Graph(n=2), [None, None])
    assert list(empty.columns) == ["group_a", "group_b", "n_edges", "mean_km", "median_km"] and empty.empty


def test_great_circle_path_endpoints_and_antimeridian():
    from twingraph.measures.geography import great_circle_path

    pieces = great_circle_path(52.4, -1.5, 48.7, 44.5, n=20)  # Coventry -> Volgograd: one piece
    assert len(pieces) == 1 and pieces[0].shape == (20, 2)
    assert np.allclose(pieces[0][0], [-1.5, 52.4]) and np.allclose(pieces[0][-1], [44.5, 48.7])
    # Tokyo -> San Francisco crosses lon 180: two pieces meeting at +-180 on the same latitude
    a, b = great_circle_path(35.7, 139.7, 37.8, -122.4, n=50)
    assert a[-1][0] == 180.0 and b[0][0] == -180.0 and a[-1][1] == pytest.approx(b[0][1])
    assert (a[:, 0] > 0).all() and (b[:, 0] < 0).all()
