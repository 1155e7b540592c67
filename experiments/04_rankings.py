"""Most central places, with and without association-implied ties, side by side.

Six centralities on the simple graph of each real dataset (degree, exact betweenness, PageRank,
eigenvector, harmonic, k-core; ``twingraph.associations.rankings_with_without``), once with all ties
and once on the bilateral network (ties between co-members of the Douzelage and the Charter of
European Rural Communities removed).  Ranks are 1-based; tied scores share the smallest rank.
Saint Petersburg (said to hold the most partnerships) is ranked by every measure (kind="check").
The crawl's labels are German ("Sankt Petersburg") and it has no countries.
"""

import os

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _setup import FIGURES, REAL, dataset, save, stamp

from twingraph.associations import flag_associations, rankings_with_without

DATASETS = ("wikipedia-lists-2026", "wikidata-crawl-2016")
TOP = 20
N_JOBS = int(os.environ.get("TWINGRAPH_N_JOBS", "2"))  # the scores' bits do not depend on it
SAINT_PETERSBURG = {"wikipedia-lists-2026": "wp:RUS:Saint Petersburg", "wikidata-crawl-2016": "Q656"}
CAPTIONS = {
    "rankings_top20.png": "Most central places of the 2026 English Wikipedia lists (17,212 places, 24,858 ties; "
    "no dates). Left and middle: top 20 by degree and by exact betweenness on the bilateral network (838 ties "
    "between co-members of the Douzelage and the Charter of European Rural Communities removed). Right: share "
    "of each measure's top 20 (all ties) held by members of those two associations, and share that leaves the "
    "top 20 once their ties are removed.",
}
BLUE, ORANGE, GREY, VERMILION = "#0072B2", "#E69F00", "#999999", "#D55E00"  # Okabe-Ito

tables = {}
for name in REAL:
    t = rankings_with_without(flag_associations(dataset(name)), top=TOP, check=[SAINT_PETERSBURG[name]],
                              n_jobs=N_JOBS)
    t.to_csv(FIGURES / f"rankings_{name}.csv", index=False)
    ex = pd.DataFrame(t.attrs["explained"]).T.rename_axis("measure").reset_index()
    ex.insert(0, "dataset", name)
    ex.to_csv(FIGURES / f"rankings_explained_{name}.csv", index=False)
    tables[name] = (t, ex)
    print(f"wrote figures/rankings_{name}.csv, rankings_explained_{name}.csv")
    print(ex.to_string(index=False))
    chk = t.query("kind == 'check'").pivot(index="measure", columns="network", values="rank")
    print(f"{name}: Saint Petersburg's rank (with / without association ties)\n{chk.to_string()}")

name = "wikipedia-lists-2026"
t, ex = tables[name]
fig, axes = plt.subplots(1, 3, figsize=(14, 6.4), gridspec_kw={"width_ratios": [1, 1, 0.8]})
fig.subplots_adjust(wspace=0.8, bottom=0.12)
for ax, measure, xlabel in (
    (axes[0], "degree", "degree (distinct partner places)"),
    (axes[1], "betweenness", "betweenness, millions of place pairs\nwhose shortest path runs through it"),
):
    top = t.query("kind == 'top' and measure == @measure and network == 'without'").iloc[::-1]
    values = top["score"] / (1e6 if measure == "betweenness" else 1)
    is_sp = (top["place_id"] == SAINT_PETERSBURG[name]).to_numpy()
    ax.barh(np.arange(len(top)), values, color=np.where(is_sp, ORANGE, BLUE))
    ax.set_yticks(np.arange(len(top)), [f"{r.rank}. {r.name} ({r.country})" for r in top.itertuples()], fontsize=8)
    ax.set_ylim(-0.6, len(top) - 0.4)
    ax.set_xlabel(xlabel)
    ax.set_title(f"top {TOP} by {measure}, bilateral network", fontsize=10)
    ax.grid(True, axis="x", lw=0.3, color="0.85")
    ax.set_axisbelow(True)
ax = axes[2]
y = np.arange(len(ex))
for dy, col, color, label in ((-0.2, "members_in_top", VERMILION, "held by association members"),
                              (0.2, "left_top", GREY, "leave the top 20 without their ties")):
    ax.barh(y + dy, ex[col], height=0.38, color=color, label=label)
    for yi, v in zip(y + dy, ex[col]):
        ax.text(min(v, 0.78) + 0.02, yi, f"{v:.0%}", va="center", fontsize=7)
ax.set_yticks(y, ex["measure"].str.replace("_", "-"), fontsize=9)
ax.invert_yaxis()
ax.set_xlim(0, 1)
ax.set_xlabel("share of the top 20 with all ties")
ax.set_title("what the two associations do to the top 20", fontsize=10)
ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False)
ax.grid(True, axis="x", lw=0.3, color="0.85")
ax.set_axisbelow(True)
chk = t.query("kind == 'check' and network == 'without' and measure in ('degree', 'betweenness')")
sp_txt = ", ".join(f"{r.measure} #{r.rank}" for r in chk.itertuples())
fig.suptitle(f"Most central places in {name}, association-implied ties removed\n"
             f"(Saint Petersburg in orange: {sp_txt})", fontsize=11, x=0.5)
stamp(fig, f"{name} (English Wikipedia lists, Feb 2026), simple graph; exact betweenness; "
      "associations: twingraph registry + matching clique")
save(fig, "rankings_top20.png")
