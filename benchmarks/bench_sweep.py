"""Benchmark: incremental ``temporal.sweep`` vs the per-year rebuild ``temporal.sweep_rebuild``.

Usage::

    python benchmarks/bench_sweep.py                       # simulated table, ~20k spells
    python benchmarks/bench_sweep.py --topology wikipedia-lists-2026   # real pairs, simulated dates

The simulated table: ``--ties`` ties between ``--places`` places, partners drawn with probability
proportional to (1 + number of ties so far) (preferential attachment); first-spell start years grow
exponentially from 1945 to 2025; start precision 55% year / 25% month / 10% day / 10% unknown; 12% of
first spells get an end (year or month precision) 1-39 years after the start, kept if <= 2025, and
half of those ended before 2024 are restored by a second spell.  With
``--topology`` the place pairs come from a real dataset (read via ``TWINGRAPH_DATA_DIR``, which has
no dates) and only the dates are simulated.  Both functions run on the same table, years 1945-2025,
year-end, "earliest" convention; the script checks their outputs are identical and prints the times
and the speed ratio.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from twingraph.temporal import sweep, sweep_rebuild


def simulate_spells(n_places: int = 12_000, n_ties: int = 19_500, seed: int = 0,
                    pairs: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """A synthetic spell table following the data contract's spell columns used by the sweep."""
    rng = np.random.default_rng(seed)
    if pairs is None:
        weight = np.ones(n_places)
        seen: set[tuple[int, int]] = set()
        while len(seen) < n_ties:
            u = int(rng.integers(n_places))
            v = int(rng.choice(n_places, p=weight / weight.sum())) if rng.random() < 0.7 else int(rng.integers(n_places))
            if u == v or (min(u, v), max(u, v)) in seen:
                continue
            seen.add((min(u, v), max(u, v)))
            weight[[u, v]] += 1
        pairs = [(f"p{u:06d}", f"p{v:06d}") for u, v in sorted(seen)]
    rows = []
    years = 1945 + np.floor(80.999 * np.log1p(rng.random(len(pairs)) * (np.e**3 - 1)) / 3).astype(int)
    for t, ((a, b), y) in enumerate(zip(pairs, years)):
        prec = rng.choice(["year", "month", "day", "unknown"], p=[0.55, 0.25, 0.10, 0.10])
        month = int(rng.integers(1, 13)) if prec in ("month", "day") else 1
        day = int(rng.integers(1, 29)) if prec == "day" else 1
        start = pd.NaT if prec == "unknown" else pd.Timestamp(int(y), month, day)
        spell = {"tie_id": f"t{t}", "a": min(a, b), "b": max(a, b), "start": start, "start_precision": prec,
                 "end": pd.NaT, "end_precision": "unknown"}
        rows.append(spell | {"spell": 0})
        if rng.random() < 0.12:
            y_end = int(y + rng.integers(1, 40))
            if y_end > 2025:  # would end in the future: still active
                continue
            eprec = rng.choice(["year", "month"])
            rows[-1] |= {"end": pd.Timestamp(y_end, int(rng.integers(1, 13)) if eprec == "month" else 1, 1),
                         "end_precision": eprec}
            if rng.random() < 0.5 and y_end < 2024:
                y2 = int(rng.integers(y_end + 1, 2026))
                rows.append(spell | {"spell": 1, "start": pd.Timestamp(y2, 1, 1), "start_precision": "year"})
    df = pd.DataFrame(rows)
    df["spell_id"] = df["tie_id"] + "#" + df["spell"].astype(str)
    return df


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--places", type=int, default=12_000)
    ap.add_argument("--ties", type=int, default=19_500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--topology", default=None, help="dataset whose place pairs to use (dates simulated)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs of sweep (best is reported)")
    args = ap.parse_args()

    if args.topology:
        import twingraph as tg

        data = tg.load(args.topology)
        pairs = [(a, b) for a, b in zip(data.ties["a"], data.ties["b"]) if a != b]
        spells = simulate_spells(seed=args.seed, pairs=pairs)
        label = f"{args.topology} pairs, simulated dates"
    else:
        spells = simulate_spells(args.places, args.ties, args.seed)
        label = f"simulated ({args.places} places, {args.ties} ties)"
    years = range(1945, 2026)
    print(f"table: {label}: {len(spells)} spells, {spells['tie_id'].nunique()} ties, years 1945-2025")

    fast_times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        fast = sweep(spells, years)
        fast_times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    slow = sweep_rebuild(spells, years)
    t_slow = time.perf_counter() - t0
    pd.testing.assert_frame_equal(fast, slow)
    t_fast = min(fast_times)
    print(f"sweep (incremental): {t_fast:.2f} s (best of {args.repeat})")
    print(f"sweep_rebuild (snapshot per year): {t_slow:.2f} s")
    print(f"speed ratio: {t_slow / t_fast:.1f}x; outputs identical")
    print(fast.iloc[[0, 20, 40, 60, 80]].to_string(index=False))


if __name__ == "__main__":
    main()
