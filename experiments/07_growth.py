"""Growth of twinning over time from the two dated registers, with how much of each dataset is dated.

The German register (2015) dates every partnership of German municipalities; the Czech register (2013)
91.5%.  Both list partnerships as they stood when compiled (ended ones are missing).
"""

import matplotlib.pyplot as plt
import pandas as pd
from _setup import FIGURES, dataset, save, stamp

import twingraph as tg
from twingraph import formation as F
from twingraph.plotting import panel_letters

DATASETS = ("wikipedia-lists-2026", "wikidata-crawl-2016", "germany-partnerships-2015", "czechia-partnerships-2013",
            "curated")
REGISTERS = {"germany-partnerships-2015": range(1946, 2015), "czechia-partnerships-2013": range(1950, 2014)}
LAST = (2010, "2010-14")  # the last decade is incomplete
CB = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999", "#000000"]

data = {name: dataset(name) for name in DATASETS}
pairs = {name: F.partnerships(data[name]) for name in REGISTERS}
yearly = F.formation_by_source(pairs, REGISTERS)
yearly.to_csv(FIGURES / "growth.csv", index=False, float_format="%.6g")
de = pairs["germany-partnerships-2015"]
dec = F.formation_counts(de, years=range(1946, 2015), period=10)
dec.to_csv(FIGURES / "growth_by_country_decade.csv", index=False, float_format="%.6g")
places = data["germany-partnerships-2015"].places
check = F.coordinate_country_check(places[places["country"] != "DEU"])
flag = check[check["flagged"]].join(places.set_index("place_id")[["name", "country", "lat", "lon"]])
flag.to_csv(FIGURES / "partner_coordinates_flagged.csv", float_format="%.6g")
geo, detail = F.geography_by_period(de, places, period=10, years=(1950, 2014), coordinate_check=check)
geo.to_csv(FIGURES / "growth_geography.csv", index=False, float_format="%.6g")
cols = ["n_ties", "n_dated", "dated_share"]
share = pd.DataFrame([{"dataset": n, **tg.growth(d, years=range(1946, 2015))[cols].iloc[0]} for n, d in data.items()])
share.to_csv(FIGURES / "growth_dated_share.csv", index=False, float_format="%.6g")
print(geo.to_string(index=False, float_format="%.3g"), share.to_string(index=False), f"{len(flag)} flagged", sep="\n")
n_de = int(de["year"].notna().sum())
n2000 = int((de["year"] == 2000).sum())
CAPTIONS = {
    "growth.png": f"Twinning over time in the dated registers: germany-partnerships-2015 (German municipalities' "
    f"partnerships, compiled 2015, {n_de:,} partnerships, every one dated; 1946-2014 shown) and "
    "czechia-partnerships-2013 (Czech municipalities', scraped Sept 2013, 883 of 965 dated). Both miss partnerships "
    "ended before compilation, so early years are undercounted, and the last years before compilation look low. "
    f"(a, b) New partnerships per year, each register on its own axis. Black / asterisk: the German year 2000 "
    f"({n2000} partnerships, {n2000 / n_de:.0%}), probably the compiler's placeholder for an unknown year; it is "
    "in the 2000s bar of (c) and the 2000s point of (d, e). (c) German register by partner country and decade. "
    "(d) Distance to new partners, median and interquartile range (German register; 14 partners whose coordinates "
    "lie > 50 km from their stated country left out). (e) Share of new partners outside Europe. (f) Ties with a "
    "known start per dataset (ties: a pair listed under two kinds counts twice). Counts, no uncertainty.",
    "growth.csv": "New partnerships per year and cumulative per dated register, with the register's size and dated "
                  "share.",
    "growth_by_country_decade.csv": "German register: new partnerships per partner country and decade.",
    "growth_geography.csv": "German register per decade: partnerships, with distance, median and quartiles of the "
                            "distance to the partner, share per continent and beyond 1,000 km.",
    "growth_dated_share.csv": "Per dataset: ties, ties with a known start, share.",
    "partner_coordinates_flagged.csv": "Partner places of the German register whose coordinates lie > 50 km from "
                                       "their stated country (left out of the distances).",
}
fig = plt.figure(figsize=(7.2, 4.8), layout="constrained")
gs = fig.add_gridspec(2, 3)
for i, (name, g) in enumerate(yearly.groupby("dataset", sort=False)):
    ax = fig.add_subplot(gs[0, i])
    top = float(g.loc[g["year"] != 2000, "formed"].max()) * 1.2 if i == 0 else float(g["formed"].max()) * 1.1
    ax.bar(g["year"], g["formed"].clip(upper=top), width=0.9,
           color=[CB[8] if (i == 0 and y == 2000) else CB[i] for y in g["year"]])
    ax.set_ylim(0, top)
    if i == 0:
        ax.text(1999, top * 0.97, f"2000: {n2000}\n(clipped),\nprobable\nplaceholder", fontsize=5, ha="right", va="top")
    ax.set_title(f"{name.split('-')[0]} (n = {int(g['n_dated'].iloc[0]):,} dated)", fontsize=7, loc="left")
    ax.set_xlabel("year begun", fontsize=7)
    ax.set_ylabel("new partnerships per year", fontsize=7)
axB = fig.add_subplot(gs[0, 2])
piv = F.top_groups_by_period(dec, n=8)
bottom = 0
for col, c in zip(piv.columns, CB):
    axB.bar(piv.index, piv[col], bottom=bottom, width=8, color=c, label=col)
    bottom = bottom + piv[col]
dlab = [lab + ("*" if p == 2000 else "") for p, lab in zip(piv.index, F.period_labels(piv.index, last=LAST))]
axB.set_xticks(piv.index, dlab, rotation=60, fontsize=5.5)
axB.set_ylabel("new per decade, German register", fontsize=7)
axB.legend(fontsize=4.5, frameon=False, ncol=1, loc="upper left", bbox_to_anchor=(1.0, 1.0), handlelength=1)
star = ["*" if p == 2000 else "" for p in geo["period"]]


def dlabels(counts: pd.Series) -> list[str]:  # decade (n in growth_geography.csv), * = holds the year 2000
    return [f"{lab}{s}" for lab, s in zip(F.period_labels(geo["period"], last=LAST), star)]


axC = fig.add_subplot(gs[1, 0])
yerr = [geo["median_km"] - geo["q25_km"], geo["q75_km"] - geo["median_km"]]
axC.errorbar(range(len(geo)), geo["median_km"], yerr=yerr, fmt="o-", color=CB[0], capsize=2, ms=3)
axC.set_xticks(range(len(geo)), dlabels(geo["n_distance"]), fontsize=5, rotation=60)
axC.set_ylabel("km to partner (median, IQR)", fontsize=7)
axD = fig.add_subplot(gs[1, 1])
conts = [c for c in geo.columns if c.startswith("share_") and c not in ("share_Europe", "share_over_1000km")]
bottom = 0
for c, col in zip(conts, CB[1:]):
    axD.bar(range(len(geo)), 100 * geo[c], bottom=bottom, color=col, label=c.removeprefix("share_"))
    bottom = bottom + 100 * geo[c]
axD.set_xticks(range(len(geo)), dlabels(geo["n"]), fontsize=5, rotation=60)
axD.set_ylim(0, float(bottom.max()) * 1.1)
axD.set_ylabel("% of new partners outside Europe", fontsize=7)
axD.legend(fontsize=5.5, frameon=False)
axE = fig.add_subplot(gs[1, 2])
ypos = range(len(share))[::-1]
axE.barh(list(ypos), share["dated_share"], color=[CB[3] if s == 0 else CB[0] for s in share["dated_share"]])
for y, r in zip(ypos, share.itertuples()):
    axE.text(r.dated_share + 0.03, y, f"{r.dated_share:.0%}\n({int(r.n_dated):,} of {int(r.n_ties):,})", va="center",
             fontsize=5)
axE.set_yticks(list(ypos), [n.replace("-partnerships", "").replace("-lists", "").replace("wikidata-", "")
                            for n in share["dataset"]], fontsize=5.5)
axE.set(xlim=(0, 1.9), xticks=[0, 0.5, 1], xticklabels=["0%", "50%", "100%"])
axE.set_xlabel("ties with a known start", fontsize=7)
for ax in fig.axes:
    ax.tick_params(labelsize=5.5)
panel_letters(fig.axes)
stamp(fig, "German (2015) and Czech (2013) registers; (f) also wikipedia-lists-2026, wikidata-crawl-2016, curated")
save(fig, "growth.png")
