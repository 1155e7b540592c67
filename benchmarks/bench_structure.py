"""Benchmark twingraph.measures against plain networkx and raw igraph.

Usage::

    python benchmarks/bench_structure.py                      # wikipedia-lists-2026 (via twingraph.load)
    python benchmarks/bench_structure.py --dataset wikidata-crawl-2016
    python benchmarks/bench_structure.py --synthetic 20000 26000   # Erdos-Renyi G(n, m), no data needed
    python benchmarks/bench_structure.py --nx-full            # run networkx exactly (minutes) instead of
                                                              # extrapolating from sampled sources

Times (wall clock, ``time.perf_counter``) for
  1. exact betweenness: twingraph.measures.betweenness / raw igraph / networkx;
  2. the full KONECT statistics: twingraph.measures.konect_stats / the same numbers with raw igraph
     calls (igraph's own all-pairs ``path_length_hist``) / with networkx;
  3. a degree-preserving null-model ensemble (twingraph.measures.z_scores: transitivity, degree
     assortativity, exact mean distance, mean tie length when coordinates exist) with n_jobs=1 and 2.
networkx all-pairs work (betweenness, distance distribution) is run from ``--nx-sources`` random
sources and extrapolated linearly to all sources unless ``--nx-full``; extrapolated entries are
marked ``~``.  Peak memory: ``tracemalloc`` peak of Python/numpy allocations during each block
(re-run separately, so timings are not slowed by tracing; igraph's C allocations are invisible to
tracemalloc) and the process's maximum resident set size (``resource.getrusage``).
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np

from twingraph import measures as M


def load_graph(args: argparse.Namespace) -> tuple[ig.Graph, nx.Graph, str]:
    if args.synthetic:
        n, m = args.synthetic
        ig.set_random_number_generator(random.Random(args.seed))
        g = ig.Graph.Erdos_Renyi(n=n, m=m)
        ig.set_random_number_generator(random)
        G = nx.Graph()
        G.add_nodes_from(range(n))
        G.add_edges_from(g.get_edgelist())
        return g, G, f"Erdos-Renyi G(n={n}, m={m}), seed {args.seed}"
    import twingraph
    from twingraph import graphs

    data = twingraph.load(args.dataset)
    G = graphs.simple_graph(data)
    g, _ids = graphs.to_igraph(G)
    return g, G, f"{args.dataset} (simple graph)"


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def peak_mb(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


# --- raw igraph and networkx versions of the KONECT statistics -------------------------------

def igraph_stats(g: ig.Graph) -> dict[str, Any]:
    deg = np.asarray(g.degree())
    giant = g.connected_components().giant()
    hist = giant.path_length_hist(directed=False)
    return {
        "triangles": len(g.list_triangles()),
        "wedges": int((deg * (deg - 1) // 2).sum()),
        "transitivity": g.transitivity_undirected(),
        "avg_local_clustering": g.transitivity_avglocal_undirected(mode="zero"),
        "degree_assortativity": g.assortativity_degree(directed=False),
        "lcc_size": giant.vcount(),
        "distance_bins": list(hist.bins()),
    }


def nx_bfs_counts(G: nx.Graph, sources: list[Any]) -> np.ndarray:
    counts = np.zeros(1, dtype=np.int64)
    for s in sources:
        lengths = np.fromiter(nx.single_source_shortest_path_length(G, s).values(), dtype=np.int64)
        b = np.bincount(lengths)
        if len(b) > len(counts):
            counts = np.pad(counts, (0, len(b) - len(counts)))
        counts[: len(b)] += b
    return counts


def nx_local_stats(G: nx.Graph) -> dict[str, Any]:
    return {
        "triangles": sum(nx.triangles(G).values()) // 3,
        "transitivity": nx.transitivity(G),
        "avg_local_clustering": nx.average_clustering(G),
        "degree_assortativity": nx.degree_assortativity_coefficient(G),
        "lcc": G.subgraph(max(nx.connected_components(G), key=len)),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", default="wikipedia-lists-2026")
    ap.add_argument("--synthetic", nargs=2, type=int, metavar=("N", "M"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--nx-full", action="store_true", help="run networkx exactly (slow)")
    ap.add_argument("--nx-sources", type=int, default=200, help="sampled sources for networkx all-pairs work")
    ap.add_argument("--replicates", type=int, default=20, help="null-model replicates")
    args = ap.parse_args(argv)

    g, G, label = load_graph(args)
    n = g.vcount()
    print(f"graph: {label}: n={n:,}, m={g.ecount():,}")
    rng = np.random.default_rng(args.seed)
    nodes = list(G)
    k = min(args.nx_sources, n)
    scale = 1.0 if args.nx_full else n / k
    mark = "" if args.nx_full else "~"
    rows: list[tuple[str, float, float, float, str, float, float]] = []

    # 1. exact betweenness
    t_tw, b_tw = timed(lambda: M.betweenness(g))
    t_ig, b_ig = timed(lambda: g.betweenness(directed=False))
    if args.nx_full:
        t_nx, b_nx = timed(lambda: nx.betweenness_centrality(G, normalized=False))
        assert np.allclose([b_nx[u] for u in nodes], b_tw)
    else:
        t_nx, _ = timed(lambda: nx.betweenness_centrality(G, k=k, normalized=False, seed=args.seed))
        t_nx *= scale
    assert np.allclose(b_tw, b_ig)
    mem_tw = peak_mb(lambda: M.betweenness(g))
    mem_nx = peak_mb(lambda: nx.betweenness_centrality(G, k=min(k, 50), normalized=False, seed=args.seed))
    rows.append(("exact betweenness", t_tw, t_ig, t_nx, mark, mem_tw, mem_nx))
    t_tw2, b_tw2 = timed(lambda: M.betweenness(g, n_jobs=2))
    assert np.allclose(b_tw2, b_tw)
    rows.append(("  same, n_jobs=2", t_tw2, t_ig, t_nx, mark, float("nan"), float("nan")))

    # 2. full statistics (networkx: local statistics in full, all-pairs BFS sampled unless --nx-full)
    t_tw, s_tw = timed(lambda: M.konect_stats(g))
    t_ig, s_ig = timed(lambda: igraph_stats(g))
    t_local, s_nx = timed(lambda: nx_local_stats(G))
    H = s_nx["lcc"]
    lcc_nodes = list(H)
    bfs_sources = lcc_nodes if args.nx_full else [lcc_nodes[i] for i in rng.choice(len(lcc_nodes), size=min(k, len(lcc_nodes)), replace=False)]
    t_bfs, nx_counts = timed(lambda: nx_bfs_counts(H, bfs_sources))
    t_nx = t_local + t_bfs * (len(lcc_nodes) / len(bfs_sources))
    assert s_tw["triangles"] == s_ig["triangles"] == s_nx["triangles"]
    assert abs(s_tw["transitivity"] - s_nx["transitivity"]) < 1e-12
    assert abs(s_tw["degree_assortativity"] - s_nx["degree_assortativity"]) < 1e-9
    dd = M.distance_distribution(g)
    ig_counts = {int(lo): c for lo, _hi, c in s_ig["distance_bins"] if c}
    assert ig_counts == {i: int(c) for i, c in enumerate(dd.counts) if c}
    if args.nx_full:
        assert (nx_counts[1:] // 2).tolist() == dd.counts[1:].tolist()
    mem_tw = peak_mb(lambda: M.konect_stats(g))
    mem_nx = peak_mb(lambda: (nx_local_stats(G), nx_bfs_counts(H, lcc_nodes[:1])))
    rows.append(("full KONECT statistics", t_tw, t_ig, t_nx, mark, mem_tw, mem_nx))

    print(f"\n{'operation':<26}{'twingraph s':>12}{'igraph s':>10}{'networkx s':>12}"
          f"{'nx/tw':>9}{'ig/tw':>8}{'peak MB tw':>12}{'peak MB nx':>12}")
    for name, a, b, c, mk, m1, m2 in rows:
        print(f"{name:<26}{a:>12.2f}{b:>10.2f}{mk + format(c, '.1f'):>12}{c / a:>9.1f}{b / a:>8.2f}"
              f"{m1:>12.1f}{m2:>12.1f}")
    print("\nkonect_stats:", {key: (round(v, 6) if isinstance(v, float) else v) for key, v in s_tw.items()})

    # 3. null-model ensemble
    stats = ["transitivity", "degree_assortativity", "mean_distance"]
    if "lat" in g.vs.attributes() and "lon" in g.vs.attributes():
        stats.append("mean_geo_km")
    t1, z1 = timed(lambda: M.z_scores(g, stats, n_replicates=args.replicates, random_state=args.seed, n_jobs=1))
    t2, z2 = timed(lambda: M.z_scores(g, stats, n_replicates=args.replicates, random_state=args.seed, n_jobs=2))
    assert z1.equals(z2)
    print(f"\nnull-model ensemble ({args.replicates} rewired replicates, 10 m swap trials each, {stats}):")
    print(f"  n_jobs=1: {t1:.2f} s   n_jobs=2: {t2:.2f} s   speed-up {t1 / t2:.2f}x")
    print(z1.to_string(index=False))

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    rss_mb = rss / 2**20 if sys.platform == "darwin" else rss / 1024
    print(f"\nmax resident set size of this process: {rss_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
