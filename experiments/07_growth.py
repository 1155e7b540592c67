"""Growth of twinning over time from the two dated registers, with how much of each dataset is dated.

The German register (2015) dates every partnership of German municipalities; the Czech register (2013)
dates 91.5% of Czech municipalities' partnerships.  Both list partnerships as they stood when compiled:
ended ones are missing, so early decades are undercounted.  The Wikipedia lists and the 2016 crawl carry
no dates; the curated registry is a small set of documented cases.
Panels: (A) new partnerships per year and cumulatively in each register; (B) German register by partner
country and decade; (C) distance to new partners by decade, partner coordinates far from their stated
country left out; (D) share of partners outside Europe by decade; (E) dated share per dataset.
Outputs: figures/growth.png, growth.csv, growth_by_country_decade.csv, growth_geography.csv,
growth_dated_share.csv, partner_coordinates_flagged.csv.
"""

import matplotlib.pyplot as plt
import pandas as pd
from _setup import FIGURES, dataset, save, stamp

import twingraph as tg
from twingraph import formation as F

DATASETS = ("wikipedia-lists-2026", "wikidata-crawl-2016", "germany-partnerships-2015", "czechia-partnerships-2013",
            "curated")
REGISTERS = {"germany-partnerships-2015": range(1946, 2015), "czechia-partnerships-2013": range(1950, 2014)}
LAST = (2010, "2010-14")  # the last decade is incomplete
CB = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999", "#000000"]
CAPTIONS = {"growth.png": "Twinning over time in the dated registers: germany-partnerships-2015 (German "
            "municipalities' partnerships, compiled 2015, every one dated; 1946-2014 shown, 3 earlier) and "
            "czechia-partnerships-2013 (Czech municipalities', scraped Sept 2013, 82 of 965 undated). Both miss "
            "partnerships ended before compilation, so early years are undercounted, and the last years before "
            "compilation look low (reporting lag). (C, D) German "
            "register only; 14 partners whose coordinates lie > 50 km from their stated country are left out of C."}

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
print(geo.to_string(index=False, float_format="%.3g"))
print(share.to_string(index=False))
print(f"{len(flag)} partner places with coordinates > 50 km from their stated country:", ", ".join(flag["name"]))

fig = plt.figure(figsize=(15, 9))
gs = fig.add_gridspec(2, 3, hspace=0.5, wspace=0.45)
axA = fig.add_subplot(gs[0, :2])
axA2 = axA.twinx()
for (name, g), col, ax in zip(yearly.groupby("dataset", sort=False), CB, (axA, axA2)):
    ax.plot(g["year"], g["formed"], color=col, lw=1.6,
            label=f"{name} ({int(g['n_dated'].iloc[0]):,} dated of {int(g['n_pairs'].iloc[0]):,})")
    ax.set_ylabel(f"new per year, {name.split('-')[0]} (" + ("left" if ax is axA else "right") + ")", color=col)
    ax.set_ylim(0, None)
g2000 = yearly[(yearly["dataset"] == "germany-partnerships-2015") & (yearly["year"] == 2000)]["formed"].iloc[0]
axA.annotate("2000: 12% of all rows,\nprobably a placeholder year", (2000, g2000), (1975, g2000 * 0.85), fontsize=8,
             arrowprops={"arrowstyle": "->", "color": "0.3"})
axA.set_xlabel("year the partnership began")
h1, l1 = axA.get_legend_handles_labels()
h2, l2 = axA2.get_legend_handles_labels()
axA.legend(h1 + h2, l1 + l2, fontsize=8, frameon=False, loc="upper left")
axA.set_title("(A) New partnerships per year in the two dated registers", fontsize=10, loc="left")

axB = fig.add_subplot(gs[0, 2])
piv = F.top_groups_by_period(dec, n=8)
bottom = 0
for col, c in zip(piv.columns, CB):
    axB.bar(piv.index, piv[col], bottom=bottom, width=8, color=c, label=col)
    bottom = bottom + piv[col]
axB.set_xticks(piv.index, F.period_labels(piv.index, last=LAST), rotation=45, fontsize=8)
axB.set_ylabel("new partnerships per decade")
axB.legend(fontsize=7.5, frameon=False, ncol=2, title="partner country", title_fontsize=8)
axB.set_title("(B) German register by partner country", fontsize=10, loc="left")

axC = fig.add_subplot(gs[1, 0])
axC.errorbar(range(len(geo)), geo["median_km"],
             yerr=[geo["median_km"] - geo["q25_km"], geo["q75_km"] - geo["median_km"]],
             fmt="o-", color=CB[0], capsize=3)
axC.set_xticks(range(len(geo)), F.period_labels(geo["period"], geo["n_distance"], last=LAST), fontsize=7.5)
axC.set_xlabel("decade begun / partnerships with distance")
axC.set_ylabel("distance to partner, km (median, IQR)")
axC.set_title("(C) How far German towns' new partners are", fontsize=10, loc="left")
axD = fig.add_subplot(gs[1, 1])
conts = [c for c in geo.columns if c.startswith("share_") and c not in ("share_Europe", "share_over_1000km")]
bottom = 0
for c, col in zip(conts, CB[1:]):
    axD.bar(range(len(geo)), 100 * geo[c], bottom=bottom, color=col, label=c.removeprefix("share_"))
    bottom = bottom + 100 * geo[c]
axD.set_xticks(range(len(geo)), F.period_labels(geo["period"], geo["n"], last=LAST), fontsize=7.5)
axD.set_xlabel("decade begun / partnerships")
axD.set_ylim(0, float(bottom.max()) * 1.1)
axD.set_ylabel("% of new partners outside Europe")
axD.legend(fontsize=8, frameon=False)
axD.set_title("(D) Continents beyond Europe", fontsize=10, loc="left")

axE = fig.add_subplot(gs[1, 2])
ypos = range(len(share))[::-1]
axE.barh(list(ypos), share["dated_share"], color=[CB[3] if s == 0 else CB[0] for s in share["dated_share"]])
for y, r in zip(ypos, share.itertuples()):
    axE.text(r.dated_share + 0.02, y, f"{r.dated_share:.0%} ({int(r.n_dated):,} of {int(r.n_ties):,})",
             va="center", fontsize=8)
axE.set_yticks(list(ypos), [n.replace("-partnerships", "").replace("-lists", "") for n in share["dataset"]], fontsize=8)
axE.set(xlim=(0, 1.7), xticks=[0, 0.5, 1], xticklabels=["0%", "50%", "100%"], xlabel="ties with a known start")
axE.set_title("(E) Which ties can be placed in time", fontsize=10, loc="left")
fig.suptitle("Twinning over time: dated registers of German (2015) and Czech (2013) municipalities", x=0.01, ha="left")
stamp(fig, "germany-partnerships-2015, czechia-partnerships-2013 (partnerships as listed when compiled); "
      "E also wikipedia-lists-2026, wikidata-crawl-2016, curated")
save(fig, "growth.png")
