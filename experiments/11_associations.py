"""The membership layer: which associations, where, since when; and how it shows in the tie lists.

Left: every sourced membership of the registry (src/twingraph/data/memberships.csv) with a known
join or end date, as a line from joining to leaving (or to the data date, Feb 2026).  Right: the
registry's members per association, dated or not, how many match a place of the 2026 Wikipedia lists
(normalised name + country), and the members inferred from the clique of the lists
(``twingraph.associations.attach``; not sourced facts).  CSVs: the registry with its match, the
match rates, co-membership vs bilateral ties, and memberships as survival spells.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _setup import FIGURES, dataset, save, stamp

from twingraph.associations import attach, co_membership_overlap, load_registry, match_report, membership_spells

DATASETS = ("wikipedia-lists-2026", "wikidata-crawl-2016")
OBSERVED = pd.Timestamp("2026-02-01")
assoc, reg = load_registry()
CAPTIONS = {
    "associations_layer.png": f"The membership layer of the twingraph registry ({len(reg)} sourced memberships of the "
    "Douzelage, the Charter of European Rural Communities, the Union of the Baltic Cities and C40; every row "
    "cites a page). Left: memberships with a known join or end date, to Feb 2026. Right: members per "
    "association with and without a join date, matched to the 2026 English Wikipedia lists, and the members "
    "inferred from the lists' clique (not sourced).",
}
COLORS = {"douzelage": "#0072B2", "cerc": "#009E73", "ubc": "#CC79A7", "c40": "#E69F00"}  # Okabe-Ito
NAMES = {"douzelage": "Douzelage", "cerc": "Charter of European\nRural Communities", "ubc": "Union of the\nBaltic Cities",
         "c40": "C40 Cities"}
ORDER = ["douzelage", "cerc", "ubc", "c40"]

wp = attach(dataset("wikipedia-lists-2026"))
crawl = attach(dataset("wikidata-crawl-2016"))
m = wp.memberships
m.sort_values(["association_id", "basis", "country", "place"]).to_csv(FIGURES / "associations_memberships.csv", index=False)
rates = pd.concat([match_report(d, reg).assign(dataset=d.source) for d in (wp, crawl)], ignore_index=True)
rates.to_csv(FIGURES / "associations_match_rates.csv", index=False)
overlap = pd.concat([co_membership_overlap(d).assign(dataset=d.source) for d in (wp, crawl)], ignore_index=True)
overlap.to_csv(FIGURES / "associations_overlap.csv", index=False)
membership_spells(reg).to_csv(FIGURES / "associations_spells.csv", index=False)
print(rates.to_string(index=False), overlap.to_string(index=False), sep="\n\n")

fig, (ax, bx) = plt.subplots(1, 2, figsize=(13, 8.5), gridspec_kw={"width_ratios": [1.6, 1]})
fig.subplots_adjust(wspace=0.45)
dated = reg[reg["joined"].notna() | reg["left"].notna()].copy()
dated["order"] = dated["association_id"].map(ORDER.index)
dated = dated.sort_values(["order", "joined", "left", "country", "place"], na_position="first").reset_index(drop=True)
founded = assoc.set_index("association_id")["founded"]
for i, r in dated.iterrows():
    c = COLORS[r["association_id"]]
    end = r["left"] if pd.notna(r["left"]) else OBSERVED
    if pd.notna(r["joined"]):
        ax.plot([r["joined"], end], [i, i], color=c, lw=3, solid_capstyle="butt")
        ax.plot(r["joined"], i, "o", color=c, ms=4)
    else:  # member before its end date, join date not found: dotted from the association's founding
        ax.plot([founded[r["association_id"]], end], [i, i], color=c, lw=1.5, ls=":")
    if pd.notna(r["left"]):
        ax.plot(end, i, "X" if r["end_status"] == "suspended" else "v", color="#D55E00", ms=8, mec="black", mew=0.5)
ax.set_yticks(range(len(dated)), [f"{p} ({c})" for p, c in zip(dated["place"], dated["country"])], fontsize=7.5)
ax.set_ylim(len(dated) - 0.4, -2.8)
ax.set_xlim(pd.Timestamp("1988-01-01"), pd.Timestamp("2027-01-01"))
ax.axvline(pd.Timestamp("2022-02-24"), color="0.5", lw=0.8, ls="--")
ax.text(pd.Timestamp("2021-10-01"), -1.6, "Russia invades\nUkraine, Feb 2022", fontsize=7, color="0.35", ha="right", va="center")
ax.set_xlabel("year joined → left (solid to Feb 2026: no end found in the sources;\n"
              "dotted: a member before its end date, join date not found)")
ax.set_title("memberships with a sourced date", fontsize=10)
ax.grid(True, axis="x", lw=0.3, color="0.85")
handles = [  # colours: the associations, named on the right panel
plt.Line2D([], [], marker="v", ls="", color="#D55E00", mec="black", label="replaced (Finland 2016, Lithuania 2018)"),
            plt.Line2D([], [], marker="X", ls="", color="#D55E00", mec="black", label="suspended (UBC, May 2022)")]
ax.legend(handles=handles, fontsize=7.5, loc="upper left", frameon=False)

y = np.arange(len(ORDER))
counts = pd.DataFrame({a: {"dated": int(((reg.association_id == a) & reg.joined.notna()).sum()),
                           "undated": int(((reg.association_id == a) & reg.joined.isna()).sum()),
                           "inferred": int(((m.association_id == a) & (m.basis == "inferred")).sum())}
                       for a in ORDER}).T
bx.barh(y, counts["dated"], color=[COLORS[a] for a in ORDER], label="registry, join date sourced")
bx.barh(y, counts["undated"], left=counts["dated"], color="white", edgecolor=[COLORS[a] for a in ORDER], hatch="///",
        label="registry, join date not found")
bx.barh(y, counts["inferred"], left=counts["dated"] + counts["undated"], color="0.85", edgecolor="0.5",
        label="inferred from the lists' clique (not sourced)")
wpr = rates[rates["dataset"] == "wikipedia-lists-2026"].set_index("association_id")
for yi, a in zip(y, ORDER):
    tot = counts.loc[a].sum()
    bx.text(tot + 0.8, yi, f"{wpr.at[a, 'matched']}/{wpr.at[a, 'members']} matched", va="center", fontsize=8)
bx.set_yticks(y, [NAMES[a] for a in ORDER], fontsize=9)
bx.invert_yaxis()
bx.set_xlim(0, counts.sum(axis=1).max() + 18)
bx.set_xlabel("places")
bx.set_title("members per association; matched in the 2026 Wikipedia lists", fontsize=10)
bx.legend(fontsize=7.5, loc="upper center", bbox_to_anchor=(0.5, -0.1), frameon=False)
bx.grid(True, axis="x", lw=0.3, color="0.85")
bx.set_axisbelow(True)
fig.suptitle("Multilateral associations as a membership layer", fontsize=12)
stamp(fig, "twingraph association registry (src/twingraph/data); wikipedia-lists-2026")
save(fig, "associations_layer.png")
