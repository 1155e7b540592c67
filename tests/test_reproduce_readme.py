"""figures/README.md from CAPTIONS, and byte-identical outputs across two reproduce runs."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from twingraph.reproduce import declared_captions, figures_readme, reproduce

SRC = Path(__file__).resolve().parents[1] / "src"

SCRIPT = '''"""A tiny experiment: one figure, one table."""
import sys
import numpy as np
import pandas as pd
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from pathlib import Path
from twingraph.plotting import panel_letters, save_figure, style

DATASETS = ()
N = 50
CAPTIONS = {
    "tiny.png": f"{N} points drawn with seed 1; "
                "a second line.",
    "tiny.csv": "The points.",
}
out = Path(__file__).resolve().parents[1] / "figures"
style()
x = np.random.default_rng(1).normal(size=N)
pd.DataFrame({"x": x}).to_csv(out / "tiny.csv", index=False, float_format="%.6g")
fig, ax = plt.subplots()
ax.hist(x, bins=10)
ax.set_title("tiny")
panel_letters([ax])
save_figure(fig, "tiny.png", out)
CAPTIONS["tiny.csv"] = f"The {len(x)} points."  # computed at run time: captured by reproduce
assert sys.argv[0].endswith("01_tiny.py") and __name__ == "__main__"
'''


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_two_runs_give_byte_identical_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exp = tmp_path / "experiments"
    exp.mkdir()
    (tmp_path / "figures").mkdir()
    (exp / "01_tiny.py").write_text(SCRIPT, encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    assert reproduce(exp) == 0
    first = _hashes(tmp_path / "figures")
    assert set(first) == {"tiny.png", "tiny.pdf", "tiny.csv", "README.md", ".captions.json"}
    assert reproduce(exp) == 0
    assert _hashes(tmp_path / "figures") == first
    readme = (tmp_path / "figures" / "README.md").read_text(encoding="utf-8")
    assert "## 01_tiny.py" in readme
    assert "- `tiny.png`: 50 points drawn with seed 1; a second line." in readme
    assert "- `tiny.csv`: The 50 points." in readme
    assert "Files without a caption" not in readme  # the PDF is covered by the PNG's caption


def test_readme_flags_missing_and_uncaptioned_files(tmp_path: Path) -> None:
    exp = tmp_path / "experiments"
    exp.mkdir()
    fig = tmp_path / "figures"
    fig.mkdir()
    (exp / "01_a.py").write_text('"""First."""\nCAPTIONS = {"a.png": "A."}\n', encoding="utf-8")
    (exp / "02_b.py").write_text('"""Second."""\nX = 1\n', encoding="utf-8")
    (fig / "stray.csv").write_text("x\n", encoding="utf-8")
    text = figures_readme(exp, fig)
    assert text.index("## 01_a.py") < text.index("## 02_b.py")
    assert "- `a.png` *(not generated)*: A." in text
    assert "(no CAPTIONS declared)" in text and "- `stray.csv`" in text


def test_captions_must_be_literal(tmp_path: Path) -> None:
    s = tmp_path / "03_c.py"
    s.write_text('import os\nN = int(os.environ.get("N", "5"))\nCAPTIONS = {"c.png": f"{N} reps"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="03_c.py"):
        declared_captions(s)
    s.write_text('N = 5\nCAPTIONS = {"c.png": f"{N:,} reps"}\n', encoding="utf-8")
    assert declared_captions(s) == {"c.png": "5 reps"}


def test_every_experiment_declares_captions_that_parse() -> None:
    folder = Path(__file__).resolve().parents[1] / "experiments"
    for name in ("01_datasets.py", "03_degree.py", "05_country_network.py", "09_counterfactual.py"):  # 06: computed
        caps = declared_captions(folder / name)
        assert caps and all(len(c) > 20 for c in caps.values()), name
    text = figures_readme(folder)  # scripts with computed CAPTIONS get a note, not an error
    assert text.count("\n## ") >= 10
