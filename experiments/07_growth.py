"""Growth of twinning over time, with how much of each dataset is dated.

Only the curated registry carries dates: the Wikipedia lists (2026) and the Wikidata crawl (2016)
have none, so their ties cannot be placed in time (panel B shows it, computed, not asserted).  The
registry is a small set of documented cases, not a census: the curves say what the registry holds,
not how twinning grew worldwide.

Panels: (A) curated ties formed per year and cumulatively, 1920-2025 (``tg.growth``); (B) dated
share per dataset and, within the registry, per continent; (C, D) the incremental
sweep (``tg.sweep``, evaluated on 31 December): ties active, and ties ended per year, once leaving
undated ties out and once counting them as active since before 1920 (undated starts hide most
recorded endings otherwise).
Outputs: figures/growth.png, growth.csv, growth_dated_share.csv, sweep_curated.csv.
"""

import pandas as pd
from _setup import REAL, FIGURES, dataset, save, stamp

import matplotlib.pyplot as plt
import twingraph as tg

YEARS = range(1920, 2026)

# ------------------------------------------------------------------------------------------ data
cur = dataset("curated")
growth = pd.concat([tg.growth(cur, years=YEARS), tg.growth(cur, by="continent", years=YEARS)],
                   ignore_index=True)
growth.insert(0, "dataset", "curated")
growth.to_csv(FIGURES / "growth.csv", index=False)
allg = growth[growth["group"] == "all"]
n_ties, n_dated = int(allg["n_ties"].iloc[0]), int(allg["n_dated"].iloc[0])
before = int(allg["cumulative"].iloc[0] - allg["formed"].iloc[0])  # formed before 1920

# dated share: every dataset (years given, so a dataset without any date still gets its row)
share_rows = []
for name in (*REAL, "curated"):
    d = cur if name == "curated" else dataset(name)
    g = tg.growth(d, years=YEARS)
    share_rows.append({"dataset": name, "group": "all", **g[["n_ties", "n_dated", "dated_share"]].iloc[0]})
cont = growth[growth["group"] != "all"].groupby("group", sort=True)[["n_ties", "n_dated", "dated_share"]].first()
share_rows += [{"dataset": "curated", "group": grp, **row} for grp, row in cont.iterrows()]
share = pd.DataFrame(share_rows).astype({"n_ties": "int64", "n_dated": "int64"})
share.to_csv(FIGURES / "growth_dated_share.csv", index=False)

sweeps = pd.concat([tg.sweep(cur, years=YEARS, undated=u).assign(undated=u) for u in ("exclude", "include")],
                   ignore_index=True)
sweeps.to_csv(FIGURES / "sweep_curated.csv", index=False)
sx = sweeps[sweeps["undated"] == "exclude"].set_index("year")
si = sweeps[sweeps["undated"] == "include"].set_index("year")

print(f"curated registry: {n_ties} ties, {n_dated} with a known start ({n_dated / n_ties:.0%}); "
      f"{before} formed before {YEARS[0]}")
print(share.to_string(index=False))
ended = pd.DataFrame({"ended (undated excluded)": sx["ties_ended"], "ended (undated included)": si["ties_ended"]})
print(ended[ended.sum(axis=1) > 0].to_string())
terminated_no_end = cur.spells[cur.spells["end_status"].notna() & cur.spells["end"].isna()]
print(f"{len(terminated_no_end)} spells ended (status {sorted(set(terminated_no_end['end_status']))}) "
      f"without an end date; under the 'earliest' convention the sweep never counts them active: "
      f"{list(terminated_no_end['tie_id'])}")

# ---------------------------------------------------------------------------------------- figure
fig = plt.figure(figsize=(14, 8.6))
gs = fig.add_gridspec(2, 2, width_ratios=[2.1, 1], hspace=0.55, wspace=0.5)
axA = fig.add_subplot(gs[0, 0])
axC = fig.add_subplot(gs[1, 0], sharex=axA)
axB = fig.add_subplot(gs[0, 1])
axD = fig.add_subplot(gs[1, 1])
years = allg["year"].to_numpy()

axA.bar(years, allg["formed"], width=0.85, color="#3b6ea8", label="formed that year (left axis)")
axA.set_ylabel("ties formed per year")
axA.set_ylim(0, max(4, allg["formed"].max() + 2))
axA.yaxis.get_major_locator().set_params(integer=True)
axA2 = axA.twinx()
axA2.step(years, allg["cumulative"], where="post", color="#c0392b", lw=1.8, label="cumulative dated ties (right axis)")
axA2.set_ylabel("cumulative dated ties", color="#c0392b")
axA2.set_ylim(0, n_ties * 1.2)
axA2.axhline(n_ties, color="0.5", lw=0.8, ls=":")
axA2.text(years[0] + 1, n_ties + 0.8, f"all {n_ties} ties in the registry; {n_ties - n_dated} undated ones never enter the curve",
          fontsize=7.5, color="0.35", va="bottom")
h1, l1 = axA.get_legend_handles_labels()
h2, l2 = axA2.get_legend_handles_labels()
axA.legend(h1 + h2, l1 + l2, loc="upper left", bbox_to_anchor=(0, 0.8), fontsize=8, frameon=False)
axA.set_title(f"(A) Ties formed per year: {n_dated} of {n_ties} registry ties dated"
              + (f"; cumulative includes {before} formed before {YEARS[0]}" if before else ""),
              fontsize=9.5, loc="left")
axA.set_xlim(YEARS[0] - 1, YEARS[-1] + 1)

axC.plot(si.index, si["ties_active"], color="#e67e22", lw=1.8, label="undated ties counted as active throughout")
axC.plot(sx.index, sx["ties_active"], color="#2c3e50", lw=1.8, label="undated ties left out")
axC.set_ylabel("ties active on 31 December")
axC.set_ylim(0, n_ties * 1.05)
axC.set_xlabel("year")
axC.legend(loc="upper left", fontsize=8, frameon=False)
axC.set_title("(C) Incremental sweep (tg.sweep): ties active at each year's end", fontsize=9.5, loc="left")

recent = [y for y in YEARS if y >= 2005]
axD.bar([y - 0.2 for y in recent], si.loc[recent, "ties_ended"], width=0.4, color="#e67e22",
        label="undated ties counted")
axD.bar([y + 0.2 for y in recent], sx.loc[recent, "ties_ended"], width=0.4, color="#2c3e50",
        label="undated ties left out")
axD.set_ylabel("ties ended that year")
axD.set_xlabel("year")
axD.set_xticks(range(2005, 2026, 5))
axD.yaxis.get_major_locator().set_params(integer=True)
axD.set_ylim(0, si["ties_ended"].max() + 1.5)
axD.legend(loc="upper left", fontsize=8, frameon=False)
axD.set_title(f"(D) Ties ended per year, {recent[0]}-{recent[-1]}", fontsize=9.5, loc="left")
early = int(si.loc[:recent[0] - 1, "ties_ended"].sum())
axD.text(0.01, 0.72, ("No tie" if early == 0 else f"{early} ties") + f" ended before {recent[0]}.\n"
         f"{len(terminated_no_end)} ties marked terminated but without an\nend date are never counted active in C.",
         transform=axD.transAxes, fontsize=7.5, va="top", color="0.3")

labels = [f"{r.dataset}" if r.group == "all" else f"curated: {r.group}" for r in share.itertuples()]
ypos = list(range(len(share)))[::-1]
colors = ["#c0392b" if r.dataset != "curated" else ("#3b6ea8" if r.group == "all" else "#85a9d6")
          for r in share.itertuples()]
axB.barh(ypos, share["dated_share"], color=colors, height=0.7)
for y, r in zip(ypos, share.itertuples()):
    txt = f"{r.dated_share:.0%}  ({int(r.n_dated):,} of {int(r.n_ties):,})"
    axB.text(r.dated_share + 0.02, y, txt, va="center", fontsize=8,
             color="#c0392b" if r.n_dated == 0 else "black")
axB.set_yticks(ypos, labels, fontsize=8.5)
axB.set_xlim(0, 1.6)
axB.set_xticks([0, 0.5, 1.0], ["0%", "50%", "100%"])
axB.set_xlabel("dated share (ties with a known start)")
axB.set_title("(B) Which ties can be placed in time", fontsize=9.5, loc="left")
axB.text(0.0, -0.24, "Wikipedia lists and the 2016 crawl carry no dates.\nA continent counts every tie touching it.",
         transform=axB.transAxes, fontsize=7.5, va="top", ha="left", color="0.3")

fig.suptitle(f"Twinning over time in a curated registry of {n_ties} documented cases (not a census)",
             fontsize=12, x=0.01, ha="left", y=0.97)
stamp(fig, "curated registry (twingraph/data/curated_tie_events.csv, every row sourced), panels A-D; "
      "dated shares in B also from wikipedia-lists-2026 and wikidata-crawl-2016")
save(fig, "growth.png")
