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
from twingraph.plotting import panel_letters

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
BLUE, GREY, VERMILION = "#0072B2", "#999999", "#D55E00"  # Okabe-Ito

tables = {}
for name in REAL:
    res = rankings_with_without(flag_associations(dataset(name)), top=TOP, check=[SAINT_PETERSBURG[name]],
                                n_jobs=N_JOBS)
    t = res.table
    t.to_csv(FIGURES / f"rankings_{name}.csv", index=False)
    ex = pd.DataFrame(res.explained).T.rename_axis("measure").reset_index()
    ex.insert(0, "dataset", name)
    ex.to_csv(FIGURES / f"rankings_explained_{name}.csv", index=False)
    tables[name] = (t, ex)
    print(f"wrote figures/rankings_{name}.csv, rankings_explained_{name}.csv")
    print(ex.to_string(index=False))
    chk = t.query("kind == 'check'").pivot(index="measure", columns="network", values="rank")
    print(f"{name}: Saint Petersburg's rank (with / without association ties)\n{chk.to_string()}")

name = "wikipedia-lists-2026"
t, ex = tables[name]
ex_txt = ", ".join(f"{r.measure.replace('_', '-')} {r.left_top:.0%}" for r in ex.itertuples())
CAPTIONS["rankings_top20.png"] = (
    "Most central places of the 2026 English Wikipedia lists (17,212 places, 24,858 ties; no dates). (a, b) Top 20 "
    "by degree and by exact betweenness on the bilateral network (838 ties between co-members of the Douzelage and "
    "the Charter of European Rural Communities removed); '=' marks a rank shared by tied places; Saint Petersburg "
    "in green. (c) For each measure, every place ranked 20 or better with all ties (tie groups whole: n in "
    "brackets): share that are members of those two associations (vermillion) and share whose rank falls below 20 "
    f"once the association ties are removed (grey): {ex_txt}. Exact scores, no uncertainty.")
CAPTIONS.update({
    f"rankings_{n}.csv": f"Top {TOP} places per measure with all ties and on the bilateral network ({n}"
    + ("; a snowball crawl from one seed town, Weimar: one component" if "crawl" in n else "") + "): tied "
    "rank (shared smallest rank), n_tied (places sharing the score), score, association membership; 'check' rows: "
    "Saint Petersburg's rank by every measure. Exact scores, no uncertainty." for n in REAL})
CAPTIONS.update({
    f"rankings_explained_{n}.csv": f"Per measure ({n}): n_top (places ranked <= {TOP} with all ties, tie groups "
    "whole), share held by association members, share leaving the top 20 without the association ties." for n in REAL})
SP = "#009E73"  # Okabe-Ito bluish green: Saint Petersburg (a meaning of its own)
fig, axes = plt.subplots(1, 3, figsize=(7.2, 4.4), gridspec_kw={"width_ratios": [1, 1, 0.8]})
for ax, measure, xlabel in (
    (axes[0], "degree", "degree (distinct partners)"),
    (axes[1], "betweenness", "betweenness (millions of\nshortest paths through it)"),
):
    top = t.query("kind == 'top' and measure == @measure and network == 'without'").iloc[::-1]
    values = top["score"] / (1e6 if measure == "betweenness" else 1)
    is_sp = (top["place_id"] == SAINT_PETERSBURG[name]).to_numpy()
    ax.barh(np.arange(len(top)), values, color=np.where(is_sp, SP, BLUE))
    ax.set_yticks(np.arange(len(top)), [f"{'=' if r.n_tied > 1 else ''}{r.rank}. {r.name} ({r.country})"
                                        for r in top.itertuples()], fontsize=5.5)
    ax.set_ylim(-0.6, len(top) - 0.4)
    ax.set_xlabel(xlabel, fontsize=7)
    ax.set_title(f"top {TOP} by {measure},\nbilateral network", fontsize=7, pad=10)
    ax.tick_params(axis="x", labelsize=6)
ax = axes[2]
y = np.arange(len(ex))
for dy, col, color, label in ((-0.2, "members_in_top", VERMILION, "association members"),
                              (0.2, "left_top", GREY, "leave the top 20\nwithout their ties")):
    ax.barh(y + dy, ex[col], height=0.38, color=color, label=label)
    for yi, v in zip(y + dy, ex[col]):
        ax.text(v + 0.02 if v < 0.75 else v - 0.02, yi, f"{v:.0%}", va="center", fontsize=5.5,
                ha="left" if v < 0.75 else "right", color="black" if v < 0.75 else "white")
ax.set_yticks(y, [f"{m.replace('_', '-')}\n(n = {int(n)})" for m, n in zip(ex["measure"], ex["n_top"])], fontsize=6)
ax.invert_yaxis()
ax.set_xlim(0, 1)
ax.set_xticks([0, 0.5, 1], ["0", "50%", "100%"], fontsize=6)
ax.set_xlabel("share of places ranked ≤ 20 with all ties", fontsize=6)
ax.set_title("what the two associations\ndo to the top 20", fontsize=7, pad=10)
ax.legend(fontsize=5.5, loc="upper center", bbox_to_anchor=(0.4, -0.22), frameon=False)
panel_letters(axes)
fig.tight_layout()
stamp(fig, f"{name} (English Wikipedia lists, Feb 2026), simple graph; exact betweenness")
save(fig, "rankings_top20.png")
