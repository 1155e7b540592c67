"""Table 1: what each dataset holds (row accounting, places, ties, dating) + tie ends by country."""

import pandas as pd
from _setup import FIGURES, dataset, save

import matplotlib.pyplot as plt
import twingraph as tg
from twingraph.cli import info_summary
from twingraph.plotting import NEUTRAL

DATASETS = ("wikipedia-lists-2026", "wikidata-crawl-2016", "curated")
TOP = 30
CAPTIONS = {
    "table1_datasets.csv": "Table 1: per dataset, input rows, rejected rows by reason, places, ties, spells, "
                           "dated share; counts reconcile (every input row is a tie or a rejection).",
    "ties_by_country.png": (
        f"Tie ends per country, top {TOP}, in wikipedia-lists-2026 (English Wikipedia lists, Feb 2026): a tie "
        "between two countries counts once for each, a domestic tie twice for its country. Countries with "
        "their own Wikipedia list page are over-represented by construction."),
    "ties_by_country.csv": "Tie ends per country (all countries), wikipedia-lists-2026.",
}

rows = []
for name in DATASETS:
    s = info_summary(dataset(name))
    s.pop("notes")
    s["rejected_by_reason"] = "; ".join(f"{k}={v}" for k, v in s["rejected_by_reason"].items())
    rows.append(s)
table = pd.DataFrame(rows)
table.to_csv(FIGURES / "table1_datasets.csv", index=False)
print(table.to_string(index=False))

C = tg.country_graph(dataset(DATASETS[0]))
ends = pd.Series(dict(C.degree(weight="weight")), name="tie_ends")  # a self-loop counts twice
ends = ends.sort_values(ascending=False, kind="mergesort").rename_axis("country")
ends.to_csv(FIGURES / "ties_by_country.csv", header=True)
top = ends.head(TOP)[::-1]
fig, ax = plt.subplots(figsize=(3.6, 5.2))
ax.barh(top.index, top.values, color=NEUTRAL)
ax.set_xlabel("tie ends")
ax.tick_params(axis="y", labelsize=7)
fig.tight_layout()
save(fig, "ties_by_country.png")
