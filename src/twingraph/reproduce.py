"""``twingraph reproduce``: run every experiment script in order, writing into ``figures/``.

Scripts are the ``*.py`` files of the experiments folder, run in name order (``01_…``, ``02_…``) as
separate processes with the folder's parent as working directory, so each is independent and
re-runnable on its own (``python experiments/01_….py``).  A progress bar shows which is running; a
failing script is reported with its exit status and the run goes on, so one broken figure does not
hide the others; the exit status is non-zero if any failed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from tqdm import tqdm

__all__ = ["reproduce", "experiment_scripts"]


def experiment_scripts(folder: Path, only: str | None = None) -> list[Path]:
    scripts = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    return [p for p in scripts if only is None or only in p.name]


def reproduce(folder: Path = Path("experiments"), only: str | None = None) -> int:
    """Run the experiment scripts; returns 0 if all succeeded, 1 otherwise."""
    folder = Path(folder)
    if not folder.is_dir():
        print(f"twingraph: error: no experiments folder at {folder.resolve()}", file=sys.stderr)
        return 2
    scripts = experiment_scripts(folder, only)
    if not scripts:
        print(f"twingraph: error: no experiment scripts in {folder}", file=sys.stderr)
        return 2
    failed = []
    bar = tqdm(scripts, unit="script", desc="reproduce")
    for script in bar:
        bar.set_postfix_str(script.name)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, str(script.resolve())], cwd=folder.resolve().parent)
        dt = time.perf_counter() - t0
        status = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
        tqdm.write(f"{script.name:<40} {status:<18} {dt:7.1f} s")
        if proc.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"twingraph: {len(failed)} experiment(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
