"""The membership layer: which associations, where, since when; and how it shows in the tie lists.

Registry: src/twingraph/data/memberships.csv (sourced rows); inferred members come from the lists'
clique (``twingraph.associations.attach``; not sourced facts).
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _setup import FIGURES, dataset, save, stamp

from twingraph.associations import attach, co_membership_overlap, load_registry, match_report, membership_spells
from twingraph.plotting import panel_letters

DATASETS = ("wikipedia-lists-2026", "wikidata-crawl-2016")
OBSERVED = pd.Timestamp("2026-02-01")
assoc, reg = load_registry()
CAPTIONS = {
    "associations_layer.png": f"The membership layer of the twingraph registry ({len(reg)} sourced memberships of the "
    "Douzelage, the Charter of European Rural Communities, the Union of the Baltic Cities and C40; every row "
    "cites a page; for UBC and C40 the registry is a subset of the members). (a) Memberships with a known join or "
    "end date: solid line from the sourced join date (dot) to Feb 2026 when no end was found, dotted when only "
    "the end is sourced. (b) Registry members per association with and without a join date (the registry's "
    "subset, beside the association's own size where sourced), matched to the 2026 English Wikipedia lists, and "
    "members inferred from the lists' clique (not sourced). (c) Share of co-member pairs twinned in the lists "
    "against two baselines: pairs of places in the same two countries, and pairs with the members' degrees "
    "(k_u k_v / 2m), both without the co-member ties. Counts and shares, no uncertainty.",
    "associations_memberships.csv": "Memberships attached to wikipedia-lists-2026: registry rows with their match "
                                    "and inferred rows (basis column).",
    "associations_match_rates.csv": "Per association and dataset: registry members, matched to a place, with ties, "
                                    "match rate and match type.",
    "associations_overlap.csv": "Per association and dataset: co-member pairs, pairs tied, share tied, country-pair "
                                "and degree baselines with the rate ratio, members' outside ties.",
    "associations_spells.csv": "Registry memberships as survival spells (join, end, status).",
}
TOTAL = {"douzelage": "one town per EU state", "cerc": "28 members", "ubc": "32 founders", "c40": "96-97 cities"}
COLORS = {"douzelage": "#0072B2", "cerc": "#009E73", "ubc": "#CC79A7", "c40": "#E69F00"}  # Okabe-Ito
NAMES = {"douzelage": "Douzelage", "cerc": "Charter of European\nRural Communities",
         "ubc": "Union of the\nBaltic Cities", "c40": "C40 Cities"}
ORDER = ["douzelage", "cerc", "ubc", "c40"]

wp = attach(dataset("wikipedia-lists-2026"))
crawl = attach(dataset("wikidata-crawl-2016"))
m = wp.memberships
m.sort_values(["association_id", "basis", "country", "place"]).to_csv(FIGURES / "associations_memberships.csv",
                                                                     index=False)
rates = pd.concat([match_report(d, reg).assign(dataset=d.source) for d in (wp, crawl)], ignore_index=True)
rates.to_csv(FIGURES / "associations_match_rates.csv", index=False)
overlap = pd.concat([co_membership_overlap(d).assign(dataset=d.source) for d in (wp, crawl)], ignore_index=True)
overlap.to_csv(FIGURES / "associations_overlap.csv", index=False)
membership_spells(reg).to_csv(FIGURES / "associations_spells.csv", index=False)
print(rates.to_string(index=False), overlap.to_string(index=False), sep="\n\n")

fig, (ax, bx, cx) = plt.subplots(1, 3, figsize=(7.2, 6.2), gridspec_kw={"width_ratios": [1.5, 1, 0.8]})
fig.subplots_adjust(bottom=0.22, wspace=0.35)
dated = reg[reg["joined"].notna() | reg["left"].notna()].copy()
dated["order"] = dated["association_id"].map(ORDER.index)
dated = dated.sort_values(["order", "joined", "left", "country", "place"], na_position="first")
dated = dated.reset_index(drop=True)
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
ax.set_yticks(range(len(dated)), [f"{p} ({c})" for p, c in zip(dated["place"], dated["country"])], fontsize=4.5)
ax.set_ylim(len(dated) - 0.4, -2.8)
ax.set_xlim(pd.Timestamp("1988-01-01"), pd.Timestamp("2027-01-01"))
ax.axvline(pd.Timestamp("2022-02-24"), color="0.5", lw=0.8, ls="--")
ax.text(pd.Timestamp("2021-10-01"), -1.6, "invasion of\nUkraine", fontsize=5, color="0.35", ha="right", va="center")
ax.set_xlabel("year joined → left", fontsize=6)
ax.set_title("memberships with a sourced date", fontsize=7)
handles = [  # colours: the associations, named on the middle panel
    plt.Line2D([], [], color="0.3", lw=2, marker="o", ms=3, label="member since the sourced join date\n(no end found)"),
    plt.Line2D([], [], color="0.3", lw=1, ls=":", label="member before a sourced end"),
    plt.Line2D([], [], marker="v", ls="", color="#D55E00", mec="black", label="replaced (FIN 2016, LTU 2018)"),
    plt.Line2D([], [], marker="X", ls="", color="#D55E00", mec="black", label="suspended (UBC, May 2022)")]
ax.legend(handles=handles, fontsize=5, loc="upper left", frameon=False, bbox_to_anchor=(-0.3, -0.07))

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
    bx.text(tot + 0.8, yi, f"{NAMES[a]}\n{wpr.at[a, 'matched']}/{wpr.at[a, 'members']} matched\n(of {TOTAL[a]})",
            va="center", fontsize=4.5)
bx.set_yticks([])
bx.invert_yaxis()
bx.set_xlim(0, counts.sum(axis=1).max() + 40)
bx.set_xlabel("places in the registry subset", fontsize=6)
bx.set_title("registry members", fontsize=7)
bx.legend(fontsize=5, loc="upper left", bbox_to_anchor=(0, -0.07), frameon=False)
ov = overlap[overlap["dataset"] == "wikipedia-lists-2026"].set_index("association_id").loc[ORDER]
for dy, col, mk, lab in ((-0.2, "share_tied", "o", "co-members"), (0, "baseline_degree_share", "s", "degree baseline"),
                         (0.2, "baseline_share", "^", "country-pair baseline")):
    cx.scatter(ov[col], y + dy, marker=mk, s=12, color=[COLORS[a] if col == "share_tied" else "0.45" for a in ORDER],
               label=lab)
cx.set(xscale="log", xlim=(1e-4, 1.5), ylim=(len(ORDER) - 0.5, -0.5))
cx.set_yticks(y, [f"{r:,.0f}x" for r in ov["share_tied"] / ov["baseline_degree_share"]], fontsize=5)
cx.set_xlabel("share of pairs twinned (log)", fontsize=6)
cx.set_title("co-members twin\n(× degree baseline)", fontsize=7)
cx.legend(fontsize=5, loc="upper left", bbox_to_anchor=(0, -0.07), frameon=False)
for a_ in (ax, bx, cx):
    a_.tick_params(labelsize=5)
panel_letters([ax, bx, cx], size=9)
stamp(fig, "twingraph association registry (src/twingraph/data); wikipedia-lists-2026")
save(fig, "associations_layer.png")
