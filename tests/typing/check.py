"""Run mypy on the typing fixtures and compare its errors with the ``# E: code`` marks (used by .ci/run)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    failed = False
    for fixture in sorted(HERE.glob("graph_*.py")):
        expected = {(i, m.group(1)) for i, line in enumerate(fixture.read_text().splitlines(), start=1)
                    if (m := re.search(r"# E: ([a-z-]+)", line))}
        proc = subprocess.run([sys.executable, "-m", "mypy", "--no-error-summary", str(fixture)],
                              capture_output=True, text=True)
        got = {(int(m.group(1)), m.group(2)) for m in re.finditer(r":(\d+): error: .*\[([a-z-]+)\]", proc.stdout)}
        if got != expected:
            failed = True
            print(f"{fixture.name}: mypy errors {sorted(got)} != expected {sorted(expected)}\n{proc.stdout}")
    print("typing fixtures: " + ("FAILED" if failed else "ok"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
