"""Side by side in one run: twingraph vs raw igraph vs networkx vs networkit, with ratios.

Usage::

    python benchmarks/bench_libraries.py                         # wikipedia-lists-2026
    python benchmarks/bench_libraries.py --synthetic 5000 7000   # Erdos-Renyi G(n, m), no data needed

Operations (wall clock, ``time.perf_counter``, and the process's own CPU seconds; one run each, on
whatever machine load there is: the load average is printed first and last, quote ratios):

0. worker start-up: twingraph's persistent worker processes (``twingraph._parallel.warm_up``), paid
   once per session and reported on its own line, not inside the timed operations;
1. exact betweenness (all sources): twingraph with ``--n-jobs`` workers (8 fixed source pieces)
   against one single-core igraph call, with the largest relative difference of the values;
1b. approximate betweenness: KADABRA (``method="kadabra"``, ``--epsilon``) and Riondato-Kornaropoulos
   (``method="rk"``, ``--rk-epsilon``) against twingraph's exact time, with the largest error in raw
   pair counts against the exact values and the stated bound ``epsilon n(n-1)/2``;
2. the statistics table: triangles, transitivity, degree assortativity, LCC and the exact distance
   distribution of the LCC (twingraph: ``konect_stats``; igraph: ``path_length_hist``; networkx
   and networkit: BFS from ``--sources`` sampled LCC vertices, extrapolated to all, marked ``~``);
3. an ensemble: ``--replicates`` degree-preserving rewirings (10 m switch trials), transitivity and
   degree assortativity of each (twingraph: ``null_ensemble`` with ``--n-jobs`` persistent
   workers, one batch of replicates per worker, and with ``n_jobs=1``; the others: a Python loop
   of their own rewiring routines).

networkit is optional (``pip install twingraph[bench]``); its column is "n/a" without it.  The
table gives seconds and the ratio library / twingraph (> 1: twingraph faster).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from typing import Any

import igraph as ig
import networkx as nx
import numpy as np

import twingraph as tg
from twingraph import measures as M

try:  # optional
    import networkit as nk
except ImportError:  # pragma: no cover
    nk = None


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def load_line() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def to_networkit(g: ig.Graph) -> Any:
    G = nk.Graph(g.vcount(), weighted=False, directed=False)
    for u, v in g.get_edgelist():
        G.addEdge(u, v)
    return G


def nk_stats(G: Any, sources: list[int]) -> dict[str, float]:
    G.indexEdges()
    tri = nk.sparsification.TriangleEdgeScore(G)
    tri.run()
    cc = nk.components.ConnectedComponents(G)
    cc.run()
    deg = [G.degree(v) for v in range(G.numberOfNodes())]
    ass = nk.correlation.Assortativity(G, deg)
    ass.run()
    for s in sources:
        bfs = nk.distance.BFS(G, s, storePaths=False)
        bfs.run()
    return {"triangles": sum(tri.scores()) / 3, "transitivity": nk.globals.ClusteringCoefficient.exactGlobal(G),
            "degree_assortativity": ass.getCoefficient(),
            "lcc_size": max(cc.getComponentSizes().values())}


def nx_stats(G: nx.Graph, sources: list[int]) -> dict[str, float]:
    for s in sources:
        nx.single_source_shortest_path_length(G, s)
    return {"triangles": sum(nx.triangles(G).values()) // 3, "transitivity": nx.transitivity(G),
            "degree_assortativity": nx.degree_assortativity_coefficient(G),
            "lcc_size": len(max(nx.connected_components(G), key=len))}


def ig_stats(g: ig.Graph) -> dict[str, float]:
    giant = g.connected_components().giant()
    giant.path_length_hist(directed=False)
    return {"triangles": len(g.cliques(3, 3)), "transitivity": g.transitivity_undirected(),
            "degree_assortativity": g.assortativity_degree(directed=False), "lcc_size": giant.vcount()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", default="wikipedia-lists-2026")
    ap.add_argument("--synthetic", nargs=2, type=int, metavar=("N", "M"))
    ap.add_argument("--sources", type=int, default=200, help="sampled BFS sources for networkx / networkit")
    ap.add_argument("--replicates", type=int, default=20)
    ap.add_argument("--n-jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--epsilon", type=float, default=0.005, help="KADABRA's error bound")
    ap.add_argument("--rk-epsilon", type=float, default=0.05, help="Riondato-Kornaropoulos' error bound")
    ap.add_argument("--skip-others", action="store_true", help="skip networkx and networkit columns")
    args = ap.parse_args(argv)
    if args.synthetic:
        g = ig.Graph.Erdos_Renyi(n=args.synthetic[0], m=args.synthetic[1])
        label = f"G(n={args.synthetic[0]}, m={args.synthetic[1]})"
    else:
        g = M.as_igraph(tg.simple_graph(tg.load(args.dataset)))
        label = args.dataset
    g = ig.Graph(n=g.vcount(), edges=g.get_edgelist())
    G = nx.Graph(g.get_edgelist())
    G.add_nodes_from(range(g.vcount()))
    N = to_networkit(g) if nk else None
    n = g.vcount()
    version = nk.__version__ if nk else "not installed"
    print(f"graph: {label}: n={n:,}, m={g.ecount():,}; networkit {version}")
    rng = np.random.default_rng(args.seed)
    members = np.flatnonzero(np.asarray(g.connected_components().membership)
                             == int(np.argmax(g.connected_components().sizes())))
    src = sorted(rng.choice(members, size=min(args.sources, len(members)), replace=False).tolist())
    scale = len(members) / len(src)
    rows = []

    from twingraph._parallel import warm_up

    print(load_line())
    t_warm, _ = timed(lambda: warm_up(args.n_jobs))
    print(f"persistent workers started once: {t_warm:.2f} s ({args.n_jobs} processes; not in the rows below)")
    t_tw, b = timed(lambda: M.betweenness(g, n_jobs=args.n_jobs))
    t_ig, b_ig = timed(lambda: np.asarray(g.betweenness(directed=False)))
    others = not args.skip_others
    t_nx = timed(lambda: nx.betweenness_centrality(G, k=len(src), normalized=False, seed=args.seed))[0] \
        if others else float("nan")
    t_nk = timed(lambda: nk.centrality.Betweenness(N).run())[0] if nk and others else float("nan")
    rel = float(np.max(np.abs(b - b_ig) / np.maximum(np.abs(b_ig), 1e-300)))
    rows.append((f"exact betweenness (n_jobs={args.n_jobs})", t_tw, t_ig, t_nx * n / len(src), t_nk, "~nx"))
    print(f"exact betweenness: twingraph / igraph time {t_tw / t_ig:.2f}; largest relative difference {rel:.1e}")
    pairs = n * (n - 1) / 2
    if nk:
        for method, eps in (("kadabra", args.epsilon), ("rk", args.rk_epsilon)):
            t_ap, (est, k) = timed(lambda: M.approximate_betweenness(g, epsilon=eps, delta=0.1, method=method,
                                                                     random_state=args.seed, n_jobs=args.n_jobs))
            err = float(np.max(np.abs(est - b_ig)))
            top = set(np.argsort(-b_ig)[:20]) & set(np.argsort(-est)[:20])
            print(f"approximate betweenness {method} eps={eps}: {t_ap:.2f} s, {k:,} samples; exact (twingraph) / "
                  f"approximate time {t_tw / t_ap:.1f}x; max error {err / pairs:.2e} x n(n-1)/2 (bound {eps:g}), "
                  f"{err / b_ig.max():.1%} of the largest value; top-20 overlap {len(top)}/20")
            rows.append((f"approx. betweenness ({method})", t_ap, t_ig, float("nan"), float("nan"), ""))

    t_tw, s_tw = timed(lambda: M.konect_stats(g))
    t_ig, s_ig = timed(lambda: ig_stats(g))
    t_nx0, s_nx = timed(lambda: nx_stats(G, src)) if others else (float("nan"), s_ig)
    t_nk0, s_nk = timed(lambda: nk_stats(N, src)) if nk and others else (float("nan"), {})
    assert s_tw["triangles"] == s_ig["triangles"] == s_nx["triangles"]
    assert abs(s_tw["degree_assortativity"] - s_ig["degree_assortativity"]) < 1e-9
    if nk and others:
        assert round(s_nk["triangles"]) == s_tw["triangles"] and s_nk["lcc_size"] == s_tw["lcc_size"]
    rows.append(("statistics table", t_tw, t_ig, t_nx0 * scale, t_nk0 * scale, "~nx ~nk"))

    stats = ("transitivity", "degree_assortativity")
    t_tw, ens = timed(lambda: M.null_ensemble(g, stats, n_replicates=args.replicates, random_state=args.seed,
                                               n_jobs=args.n_jobs))
    t_tw1, ens1 = timed(lambda: M.null_ensemble(g, stats, n_replicates=args.replicates, random_state=args.seed,
                                                n_jobs=1))
    assert ens.equals(ens1), "ensembles must not depend on n_jobs"

    def ig_loop() -> None:
        for _ in range(args.replicates):
            h = g.copy()
            h.rewire(n=10 * h.ecount(), allowed_edge_types="simple")
            h.transitivity_undirected(), h.assortativity_degree(directed=False)

    def nx_loop() -> None:
        for r in range(args.replicates):
            H = G.copy()
            nx.double_edge_swap(H, nswap=H.number_of_edges(), max_tries=100 * H.number_of_edges(), seed=r)
            nx.transitivity(H), nx.degree_assortativity_coefficient(H)

    def nk_loop() -> None:
        for _ in range(args.replicates):
            H = nk.Graph(N)
            sw = nk.randomization.EdgeSwitching(H, 10.0)
            sw.run()
            H = sw.getGraph()
            nk.globals.ClusteringCoefficient.exactGlobal(H)
            nk.correlation.Assortativity(H, [H.degree(v) for v in range(H.numberOfNodes())]).run()

    t_ig = timed(ig_loop)[0]
    t_nx = timed(nx_loop)[0] * 10 if others else float("nan")  # networkx: m swaps timed, scaled to 10 m
    t_nk = timed(nk_loop)[0] if nk and others else float("nan")
    rows.append((f"ensemble ({args.replicates} rewirings, n_jobs={args.n_jobs})", t_tw, t_ig, t_nx, t_nk, "~nx"))
    rows.append((f"ensemble ({args.replicates} rewirings, n_jobs=1)", t_tw1, t_ig, t_nx, t_nk, "~nx"))

    print(f"\n{'operation':<44}{'twingraph s':>12}{'igraph s':>10}{'networkx s':>12}{'networkit s':>13}"
          f"{'ig/tw':>8}{'nx/tw':>8}{'nk/tw':>8}")
    for name, a, b2, c, d, note in rows:
        print(f"{name:<44}{a:>12.2f}{b2:>10.2f}{c:>12.1f}{d:>13.2f}{b2 / a:>8.2f}{c / a:>8.1f}{d / a:>8.2f}  {note}")
    print("\n~nx / ~nk: all-pairs work timed from sampled sources and extrapolated; networkx rewiring timed for m "
          "swaps and scaled to 10 m.  ig/tw > 1: twingraph faster.")
    print(load_line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
