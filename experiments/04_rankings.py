"""Most central places: top-20 tables by six centralities, and where Saint Petersburg ranks.

Centralities on the simple graph of each real dataset (``twingraph.measures``): degree (distinct
partners), exact betweenness (Brandes, unordered pairs once), PageRank (damping 0.85),
eigenvector (max 1), harmonic (normalised by n - 1) and k-core number.  Ranks are 1-based; tied
scores share the smallest rank.  The seed documents say Saint Petersburg holds the most
partnerships; its rank by every measure is printed and written into the CSV (kind="check").
The Wikidata crawl carries no countries, so its country column is empty, and its labels are the
German ones of the crawl's names.tsv ("Sankt Petersburg", "Moskau").  Eigenvector centrality
localises on one dense cluster of these sparse graphs (igraph warns that many values are near
zero); it is reported as computed, with the warning replaced by a note.
"""

import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _setup import REAL, FIGURES, dataset, save, stamp

import twingraph as tg
from twingraph.measures import (betweenness, core_number, degree_centrality, eigenvector, harmonic,
                                pagerank, rank_table)

t0 = time.perf_counter()
TOP = 20
MEASURES = {
    "degree": degree_centrality,
    "betweenness": betweenness,  # exact
    "pagerank": pagerank,
    "eigenvector": eigenvector,
    "harmonic": harmonic,
    "k_core": core_number,
}
SAINT_PETERSBURG = {"wikipedia-lists-2026": "wp:RUS:Saint Petersburg", "wikidata-crawl-2016": "Q656"}

tables = {}
checks = []
for name in REAL:
    g, ids = tg.to_igraph(tg.simple_graph(dataset(name), isolates=True))
    sp = ids.index(SAINT_PETERSBURG[name])
    parts = []
    for measure, fn in MEASURES.items():
        t = time.perf_counter()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            score = fn(g)
        if any("nearly zero" in str(w.message) for w in caught):
            print(f"{name}: note: {measure} is near zero on "
                  f"{int((score < 1e-6 * score.max()).sum())} of {g.vcount()} places (localised)")
        top = rank_table(g, by=score, top=TOP)
        top.insert(0, "measure", measure)
        top.insert(0, "kind", "top")
        parts.append(top)
        rank = 1 + int((score > score[sp]).sum())        # ties share the smallest rank
        tied = int((score == score[sp]).sum())
        parts.append(pd.DataFrame([{
            "kind": "check", "measure": measure, "rank": rank, "place_id": ids[sp],
            "name": g.vs[sp]["label"], "country": g.vs[sp]["country"], "degree": g.degree(sp),
            "score": score[sp], "tied_with": tied - 1, "n_places": g.vcount(),
        }]))
        checks.append({"dataset": name, "measure": measure, "rank": rank, "tied_with": tied - 1,
                       "score": score[sp], "top_name": top.at[0, "name"], "top_score": top.at[0, "score"]})
        print(f"{name}: {measure} in {time.perf_counter() - t:.1f} s")
    table = pd.concat(parts, ignore_index=True)
    table["rank"] = table["rank"].astype(int)
    table[["tied_with", "n_places"]] = table[["tied_with", "n_places"]].astype("Int64")
    table.to_csv(FIGURES / f"rankings_{name}.csv", index=False)
    print(f"wrote figures/rankings_{name}.csv")
    tables[name] = table

checks = pd.DataFrame(checks)
print("\nSaint Petersburg (wp:RUS:Saint Petersburg / Q656): rank by each measure")
with pd.option_context("display.width", 200):
    print(checks.to_string(index=False))
for name in REAL:
    top_deg = tables[name].query("kind == 'top' and measure == 'degree'")
    print(f"\n{name}: top {TOP} by degree")
    print(top_deg[["rank", "name", "country", "degree"]].to_string(index=False))

# --- Figure: top 20 by degree and by betweenness, wikipedia-lists-2026 -------------------------
name = "wikipedia-lists-2026"
t = tables[name]
fig, axes = plt.subplots(1, 2, figsize=(11, 6.4))
fig.subplots_adjust(wspace=0.75, bottom=0.12)
for ax, measure, xlabel, color in (
    (axes[0], "degree", "degree (distinct partner places)", "#3b6ea8"),
    (axes[1], "betweenness", "betweenness, millions of place pairs whose shortest\npath runs through it (shared among equal paths)", "#c8553d"),
):
    top = t.query("kind == 'top' and measure == @measure").iloc[::-1]
    values = top["score"] / (1e6 if measure == "betweenness" else 1)
    labels = [f"{r.rank}. {r.name} ({r.country})" for r in top.itertuples()]
    is_sp = (top["place_id"] == SAINT_PETERSBURG[name]).to_numpy()
    ax.barh(np.arange(len(top)), values, color=np.where(is_sp, "#e0a030", color))
    ax.set_yticks(np.arange(len(top)), labels, fontsize=8)
    ax.set_ylim(-0.6, len(top) - 0.4)
    ax.set_xlabel(xlabel)
    ax.set_title(f"top {TOP} by {measure}", fontsize=10)
    ax.grid(True, axis="x", lw=0.3, color="0.85")
    ax.set_axisbelow(True)
sp_row = checks.query("dataset == @name")
sp_txt = ", ".join(f"{r.measure} #{r.rank}" for r in sp_row.itertuples() if r.measure in ("degree", "betweenness"))
fig.suptitle(f"Most central places in {name}\n(Saint Petersburg in orange: {sp_txt})", fontsize=11, x=0.55)
stamp(fig, f"{name} (English Wikipedia lists, Feb 2026), simple graph; exact betweenness")
save(fig, "rankings_top20.png")
print(f"done in {time.perf_counter() - t0:.1f} s")
