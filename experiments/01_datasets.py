"""Table 1: what each dataset holds (row accounting, places, ties, dating) + tie ends by country."""

import pandas as pd
from _setup import FIGURES, dataset, save

import matplotlib.pyplot as plt
import twingraph as tg
from twingraph import maps
from twingraph.cli import info_summary
from twingraph.plotting import NEUTRAL, OKABE_ITO, panel_letters

DATASETS = ("wikipedia-lists-2026", "wikidata-crawl-2016", "wikidata-eu-2017", "germany-partnerships-2015",
            "czechia-partnerships-2013", "curated", "natural-earth-110m")
TOP = 25
MIN_POP = 1e6
DESIGN = {
    "wikipedia-lists-2026": ("English Wikipedia 'List of twin towns and sister cities in ...' pages, Feb 2026: "
                             "countries with a list page are over-represented", "01-09, 11, 14-18"),
    "wikidata-crawl-2016": ("snowball crawl of Wikidata P190 from one seed town, Weimar (Sept 2016): one connected "
                            "component by construction, places unreachable from the seed are missing",
                            "01-04, 07, 08, 11, 14-18"),
    "wikidata-eu-2017": ("Wikidata P190 ties of towns in 25 EU states, one SPARQL query per country (May 2017); "
                         "labels only, homonyms split by coordinates", "14"),
    "germany-partnerships-2015": ("register of German municipalities' partnerships, compiled 2015, every one "
                                  "dated; ended ones missing; year 2000 a probable placeholder",
                                  "01, 07, 08, 12-14, 17, 18"),
    "czechia-partnerships-2013": ("register of Czech municipalities' partnerships, scraped Sept 2013; ended ones "
                                  "missing", "01, 07, 12, 14, 18"),
    "curated": ("twingraph's curated registry of sourced tie events (selected on the outcome)", "01, 07, 08, 12, 14"),
}
CAPTIONS = {
    "table1_datasets.csv": "Table 1: every twinning dataset the figures use (both dated registers included), with "
                           "its sampling design and the experiments using it: input rows, rejected rows by reason, "
                           "places, ties, spells, countries, dated share, components; counts reconcile (every input "
                           "row is a tie or a rejection). Country outlines, borders and populations come from "
                           "natural-earth-110m (1:110m, v5; not a twinning dataset, used by 01, 05, 06, 08).",
    "ties_by_country.png": (
        f"Tie ends per country in wikipedia-lists-2026 (English Wikipedia lists, Feb 2026): a tie between two "
        "countries counts once for each, a domestic tie twice for its country. (a) Raw counts, top "
        f"{TOP}. (b) Per million inhabitants (Natural Earth POP_EST), top {TOP} of the countries with at least "
        f"{MIN_POP / 1e6:.0f} million. Countries with their own Wikipedia list page are over-represented by "
        "construction. Counts, no uncertainty."),
    "ties_by_country.csv": "Per country (all countries), wikipedia-lists-2026: tie ends, population (Natural Earth "
                           "POP_EST), tie ends per million people, places in the data.",
}

rows = []
for name in DATASETS[:-1]:
    s = info_summary(dataset(name))
    s.pop("notes")
    s["rejected_by_reason"] = "; ".join(f"{k}={v}" for k, v in s["rejected_by_reason"].items())
    rows.append({**s, "design": DESIGN[name][0], "used_by_experiments": DESIGN[name][1]})
table = pd.DataFrame(rows)
table.to_csv(FIGURES / "table1_datasets.csv", index=False)
print(table.drop(columns="design").to_string(index=False))

wp = dataset(DATASETS[0])
C = tg.country_graph(wp)
ends = pd.Series(dict(C.degree(weight="weight")), name="tie_ends")  # a self-loop counts twice
pop = maps.country_populations()
t = pd.DataFrame({"tie_ends": ends, "pop_est": pop.reindex(ends.index),
                  "places": wp.places["country"].value_counts().reindex(ends.index)})
t["ends_per_million"] = t["tie_ends"] / (t["pop_est"] / 1e6)
t = t.sort_values("tie_ends", ascending=False, kind="mergesort").rename_axis("country")
t.to_csv(FIGURES / "ties_by_country.csv", float_format="%.6g")
fig, axes = plt.subplots(1, 2, figsize=(7.2, 4.6))
for ax, col, xlabel, color in ((axes[0], "tie_ends", "tie ends", NEUTRAL),
                               (axes[1], "ends_per_million", "tie ends per million people",
                                OKABE_ITO["bluish_green"])):
    top = (t if col == "tie_ends" else t[t["pop_est"] >= MIN_POP]).nlargest(TOP, col)[::-1]
    ax.barh(top.index, top[col], color=color)
    for y, v in enumerate(top[col]):
        ax.text(v, y, f" {v:,.0f}" if col == "tie_ends" else f" {v:.1f}", va="center", fontsize=5.5)
    ax.set_xlabel(xlabel, fontsize=7)
    ax.set_xlim(0, float(top[col].max()) * 1.18)
    ax.tick_params(labelsize=6)
axes[1].set_title(f"countries with ≥ {MIN_POP / 1e6:.0f} million people", fontsize=7)
panel_letters(axes)
fig.tight_layout()
save(fig, "ties_by_country.png")
