"""Shared set-up for the experiment scripts: paths, the Agg backend, a stamp for every figure."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import twingraph as tg  # noqa: E402
from twingraph.plotting import style  # noqa: E402

style()

FIGURES = Path(__file__).resolve().parents[1] / "figures"
FIGURES.mkdir(exist_ok=True)
SEED = int(os.environ.get("TWINGRAPH_SEED", "20261121"))
N_JOBS = int(os.environ.get("TWINGRAPH_N_JOBS", "2"))  # worker processes; results do not depend on it
REAL = ("wikipedia-lists-2026", "wikidata-crawl-2016")


def dataset(name: str) -> tg.TwinData:
    """Load a dataset, downloading it first if the data directory lacks it."""
    if name in tg.DATASETS:
        tg.fetch(name)
    return tg.load(name)


def stamp(fig: plt.Figure, text: str) -> None:
    """Write the data source on the figure itself, below the axes (small; kept by bbox 'tight')."""
    fig.text(0.01, -0.01, f"data: {text} · twingraph {tg.__version__}", fontsize=7, color="0.35",
             ha="left", va="top")


def save(fig: plt.Figure, name: str) -> Path:
    """Write ``figures/<name>`` as a 300-dpi PNG plus a vector PDF, byte-identical across runs."""
    from twingraph.plotting import save_figure

    paths = save_figure(fig, name, FIGURES)
    for p in paths:
        print(f"wrote {p.relative_to(FIGURES.parent)}")
    return paths[0]


def table_captions(script: str) -> dict[str, str]:
    """The captions of the tables a script writes (``experiments/_captions.py``), by its file name."""
    from _captions import TABLE_CAPTIONS

    return dict(TABLE_CAPTIONS.get(Path(script).stem, {}))
