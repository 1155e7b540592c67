"""Scale timings moved out of the test suite (tests assert outputs, never wall-clock time).

* ``konect_stats`` (every KONECT statistic, exact distances) on a 20,000-node, 26,000-edge sparse
  random graph: about 1 s on a 2-core machine;
* ``simulate_network`` with 100,000 ties on 20,000 places: a few seconds;
* ``load_konect`` on a 3-row file naming node 10^9 (rejected as ``id-out-of-range``): time and peak
  memory (tracemalloc), the case that used to allocate a place per id.

* ``--million``: ``twingraph stats`` on a KONECT file of G(n = 10^6, m = 1.5 x 10^6) (written first),
  as a child process: wall and CPU seconds and peak memory (``getrusage`` of the child).  The file is
  read as arrays and the distances are estimated (largest component above 200,000 vertices).

    python benchmarks/bench_scale.py [--million]
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import igraph as ig

from twingraph.loaders import load_konect
from twingraph.measures._common import igraph_seed
from twingraph.measures.summary import konect_stats
from twingraph.simulate import simulate_network


def _timed(label: str, fn):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn()
    print(f"{label:<58}{time.perf_counter() - t0:8.2f} s")
    return out


def million() -> None:
    import numpy as np

    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "out.gnm"
        with igraph_seed(0):
            g = ig.Graph.Erdos_Renyi(n=1_000_000, m=1_500_000)
        with open(f, "w") as fh:
            fh.write("% sym unweighted\n% 1500000 1000000 1000000\n")
            np.savetxt(fh, np.asarray(g.get_edgelist(), dtype=np.int64) + 1, fmt="%d")
        del g
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "twingraph", "stats", str(f)], capture_output=True, text=True,
                             check=True)
        wall = time.perf_counter() - t0
        ru = resource.getrusage(resource.RUSAGE_CHILDREN)
        print(out.stdout + out.stderr)
        print(f"twingraph stats, G(10^6, 1.5 x 10^6): {wall:.1f} s wall, {ru.ru_utime + ru.ru_stime:.1f} s CPU, "
              f"peak {ru.ru_maxrss / 1024:.0f} MiB")


def main() -> None:
    if "--million" in sys.argv[1:]:
        million()
        return
    with igraph_seed(5):
        g = ig.Graph.Erdos_Renyi(n=20_000, m=26_000)
    _timed("konect_stats, 20,000 nodes / 26,000 edges", lambda: konect_stats(g))
    _timed("simulate_network, 100,000 ties", lambda: simulate_network(n_places=20_000, n_ties=100_000, seed=0))
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "out.huge"
        f.write_text("% sym unweighted\n1 2\n2 3\n1 1000000000\n")
        tracemalloc.start()
        d = _timed("load_konect, 3 rows naming node 10^9", lambda: load_konect(f))
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"{'  peak memory (tracemalloc)':<58}{peak / 2**20:8.2f} MiB; {len(d.places)} places, "
              f"rejected: {d.rejected_by_reason()}")


if __name__ == "__main__":
    main()
