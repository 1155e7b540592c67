"""Import cost of twingraph: ``import twingraph`` and ``twingraph --version`` in fresh processes.

Each command runs ``--repeat`` times in a new interpreter (so nothing is cached in-process) and the
median wall time is reported, with the heaviest modules from ``python -X importtime``.  Compare two
source trees (before/after a change) with ``--src``::

    python benchmarks/bench_import.py                       # this checkout's src/
    python benchmarks/bench_import.py --src ../main/src     # another tree, e.g. before lazy imports

A timing script, not a test: the numbers depend on the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]


def _time(cmd: list[str], env: dict[str, str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        out.append(time.perf_counter() - t0)
    return out


def _importtime(env: dict[str, str], top: int) -> list[tuple[int, str]]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "import twingraph"], env=env,
                          capture_output=True, text=True, check=True)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _self_us, cum_us, name = line.removeprefix("import time:").split("|", 2)
        rows.append((int(cum_us), name.strip()))
    return sorted(rows, reverse=True)[:top]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--src", default=str(HERE / "src"), help="source tree to put first on PYTHONPATH")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--top", type=int, default=8, help="heaviest imports to list (cumulative)")
    args = p.parse_args(argv)
    env = {**os.environ, "PYTHONPATH": str(Path(args.src).resolve())}
    baseline = _time([sys.executable, "-c", "pass"], env, args.repeat)
    imp = _time([sys.executable, "-c", "import twingraph"], env, args.repeat)
    ver = _time([sys.executable, "-m", "twingraph", "--version"], env, args.repeat)
    print(f"source tree: {Path(args.src).resolve()}  (Python {sys.version.split()[0]}, "
          f"load average {os.getloadavg()[0]:.2f}, {args.repeat} runs each, median [min-max] seconds)")
    for label, ts in (("python -c pass", baseline), ("import twingraph", imp), ("twingraph --version", ver)):
        print(f"  {label:<22}{statistics.median(ts):6.3f}  [{min(ts):.3f}-{max(ts):.3f}]")
    print("heaviest imports under `import twingraph` (cumulative, python -X importtime):")
    for cum, name in _importtime(env, args.top):
        print(f"  {cum / 1e6:6.3f} s  {name.strip()}")


if __name__ == "__main__":
    main()
