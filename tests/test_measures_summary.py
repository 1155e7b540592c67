"""konect_stats: exact keys, JSON, hand values, networkx agreement, speed, real data."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import igraph as ig
import networkx as nx
import numpy as np
import pytest

from twingraph.measures import KONECT_KEYS, konect_stats
from twingraph.measures._common import as_igraph, igraph_seed
from twingraph.measures.distances import distance_distribution, mean_distance
from twingraph.measures.size import largest_component

DATA_DIR = Path(os.environ.get("TWINGRAPH_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "data"))

EXPECTED_KEYS = (
    "n_nodes", "n_edges", "n_components", "lcc_size", "wedges", "triangles", "max_degree",
    "mean_degree", "transitivity", "avg_local_clustering", "degree_assortativity", "gini",
    "powerlaw_exponent_konect", "powerlaw_alpha_mle", "powerlaw_xmin", "diameter",
    "mean_distance", "median_distance", "effective_diameter_50", "effective_diameter_90",
)


def test_keys_types_and_json():
    s = konect_stats(ig.Graph.Famous("Zachary"))
    assert tuple(s) == EXPECTED_KEYS == KONECT_KEYS
    assert all(v is None or type(v) in (int, float) for v in s.values())
    assert json.loads(json.dumps(s)) == s


def test_triangle_with_tail_hand_computed():
    s = konect_stats(ig.Graph([(0, 1), (1, 2), (0, 2), (2, 3)]))
    assert s["n_nodes"] == 4 and s["n_edges"] == 4 and s["n_components"] == 1 and s["lcc_size"] == 4
    assert s["wedges"] == 5 and s["triangles"] == 1 and s["max_degree"] == 3
    assert s["mean_degree"] == 2.0
    assert s["transitivity"] == pytest.approx(0.6)
    assert s["avg_local_clustering"] == pytest.approx(7 / 12)
    # degrees 2,2,3,1 -> sorted 1,2,2,3: G = 2(1+4+6+12)/(4*8) - 5/4 = 0.1875
    assert s["gini"] == pytest.approx(0.1875)
    assert s["powerlaw_exponent_konect"] == pytest.approx(1 + 4 / (2 * math.log(2) + math.log(3)))
    # distances: pairs at 1: 4, at 2: 2 -> H = [4, 12, 16]
    assert s["diameter"] == 2
    assert s["mean_distance"] == pytest.approx((2 * 4 + 2 * 2 * 2) / 16)
    assert s["median_distance"] == 1
    assert s["effective_diameter_50"] == pytest.approx(0 + (8 - 4) / 8)
    assert s["effective_diameter_90"] == pytest.approx(1 + (14.4 - 12) / 4)


def test_degenerate_graphs_give_none():
    s = konect_stats(ig.Graph(n=3, edges=[(0, 1)]))
    assert s["transitivity"] is None and s["powerlaw_exponent_konect"] is None
    assert s["powerlaw_alpha_mle"] is None and s["n_components"] == 2
    s = konect_stats(ig.Graph.Full(4), distances=False)
    assert s["diameter"] is None and s["mean_distance"] is None
    assert s["degree_assortativity"] is None  # regular graph: undefined
    assert s["transitivity"] == 1.0


@pytest.mark.parametrize("seed", range(6))
def test_agrees_with_networkx(seed):
    G = nx.gnm_random_graph(120, 170, seed=seed)
    s = konect_stats(as_igraph(G))
    H = G.subgraph(max(nx.connected_components(G), key=len))
    assert s["transitivity"] == pytest.approx(nx.transitivity(G))
    assert s["avg_local_clustering"] == pytest.approx(nx.average_clustering(G))
    assert s["degree_assortativity"] == pytest.approx(nx.degree_assortativity_coefficient(G))
    assert s["n_components"] == nx.number_connected_components(G)
    assert s["diameter"] == nx.diameter(H)
    N = H.number_of_nodes()
    assert s["mean_distance"] == pytest.approx(nx.average_shortest_path_length(H) * (N - 1) / N)


def test_full_stats_on_20k_sparse_graph():
    """Scale check of the outputs; its timing is in benchmarks/bench_scale.py (no wall-clock asserts)."""
    with igraph_seed(5):
        g = ig.Graph.Erdos_Renyi(n=20_000, m=26_000)
    s = konect_stats(g)
    assert s["n_nodes"] == 20_000 and s["n_edges"] == 26_000
    assert 15_000 < s["lcc_size"] < 20_000


def read_wikidata_crawl() -> ig.Graph:
    path = DATA_DIR / "wikidata-crawl-2016" / "relations.tsv"
    if not path.exists():
        pytest.skip(f"reference data not found at {path} (set TWINGRAPH_DATA_DIR)")
    pairs = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        a, b = line.split("\t")[:2]
        if a != b:
            pairs.add((min(a, b), max(a, b)))
    names = sorted({x for p in pairs for x in p})
    index = {q: i for i, q in enumerate(names)}
    g = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in sorted(pairs)])
    g.vs["name"] = names
    return g


@pytest.mark.slow
def test_wikidata_crawl_2016():
    g = read_wikidata_crawl()
    # MANIFEST: 17,401 undirected pairs among 10,055 items, crawled from Weimar (connected)
    s = konect_stats(g)
    assert s["n_edges"] == 17_401 and s["n_nodes"] == 10_055
    assert s["n_components"] == 1 and s["lcc_size"] == 10_055
    assert s["transitivity"] == pytest.approx(3 * s["triangles"] / s["wedges"])
    assert s["wedges"] == sum(d * (d - 1) // 2 for d in g.degree())
    assert s["degree_assortativity"] == pytest.approx(g.assortativity_degree(directed=False))
    # distance counts equal igraph's all-pairs histogram
    hist = {int(lo): c for lo, _hi, c in g.path_length_hist(directed=False).bins()}
    d = distance_distribution(g)
    assert {k: int(c) for k, c in enumerate(d.counts) if c} == {k: c for k, c in hist.items() if c}
    assert s["diameter"] == max(k for k, c in hist.items() if c)
    assert s["mean_distance"] == pytest.approx(mean_distance(d, "distinct") * (d.n - 1) / d.n)
    assert s["median_distance"] >= math.floor(s["effective_diameter_50"])
    assert 0 < s["gini"] < 1 and s["powerlaw_exponent_konect"] > 1
    assert largest_component(g).vcount() == 10_055
    assert np.isfinite(s["powerlaw_alpha_mle"])
