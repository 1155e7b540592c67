"""US state laws against sister-city ties with "foreign adversary" countries: every US tie with a partner in
CHN, CUB, IRN, PRK, RUS or VEN from the 2026 lists and the 2016 crawl (merged), states from the places'
subdivision or reverse geocoding, outcomes from the researched cohorts (first round + search protocol) and, for
the ties no cohort holds, from the tie-specific query of the state-law pass (protocol/state_law_sample.csv), laws
from the protocol's sourced table (protocol/state_laws.csv); ends in law states vs the other states, before
and after each law, and the number of ties an estimate would need."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy import stats
from _setup import FIGURES, save, stamp, table_captions

import twingraph as tg
from twingraph import cohorts as C

DATASETS = ("wikipedia-lists-2026", "wikidata-crawl-2016")
COUNTRIES = ("CHN", "CUB", "IRN", "PRK", "RUS", "VEN")
CAPTIONS = {**table_captions(__file__),
    "us_state_laws.png": "US ties with partners in CHN, CUB, IRN, PRK, RUS or VEN (2026 Wikipedia lists merged with "
    "the 2016 Wikidata crawl; states from reverse geocoding), for each state law in protocol/state_laws.csv: ties "
    "with a documented end before the law (same length of window) and after it, in the law state and in all "
    "other states, over the ties of that state group (partners in the law's countries). Every tie was searched: "
    "cohort ties by the full protocol (tie query, partner-language query, official page), the others by the "
    "tie-specific query (state-law pass); a tie not researched would count as a tie, not as an end. An end dated only "
    "by a period that contains the law's date (e.g. '2025') is in neither window: counted under the bars as undated.",
}

data = tg.merge(*DATASETS)
proto = C.read_protocol()
res = pd.concat([*(C.load_cohort_protocol(n, protocol=proto) for n in ("russia-2022", "us-state-laws")),
                 C.state_law_sample_cohort(proto)])
ties = C.us_partner_ties(data, res, COUNTRIES)
ties.to_csv(FIGURES / "us_state_laws_ties.csv", index=False)
print(f"{len(ties)} US ties with partners in {', '.join(COUNTRIES)}; with a state {ties['state'].notna().sum()}; "
      f"researched {ties['researched'].sum()}; documented ends {ties['ended'].sum()}")
print(ties.groupby("country_b").agg(ties=("city_a", "size"), researched=("researched", "sum"), ended=("ended", "sum")))
laws = proto.state_laws
table = C.state_law_table(ties, laws)

# power: ties needed in the law state (the other states as many times as now) for 80% power (two-sided 5%) to tell
# the other states' post-law end share p0 (5% when zero) from 2 p0 and from p0 + 0.20; Fisher's exact test now
need = []
for r in table[table["side"] == "law state"].itertuples():
    o = table[(table["law_state"] == r.law_state) & (table["side"] == "other states")].iloc[0]
    p0, ratio = (o["share_after"] if o["share_after"] > 0 else 0.05), max(o["ties"] / max(r.ties, 1), 1.0)
    fisher = stats.fisher_exact([[r.ended_after, r.ties - r.ended_after], [o["ended_after"], o["ties"] - o["ended_after"]]])
    need.append({"law_state": r.law_state, "side": "law state", "p_other_after": p0, "ratio_other_to_law": ratio,
                 "fisher_p_after": fisher.pvalue, "ties_needed_doubling": C.power_two_proportions(2 * p0, p0, ratio=ratio),
                 "ties_needed_plus_20_points": C.power_two_proportions(p0 + 0.2, p0, ratio=ratio)})
table = table.merge(pd.DataFrame(need), on=["law_state", "side"], how="left") if need else table
table.to_csv(FIGURES / "us_state_laws.csv", index=False, float_format="%.6g")
print(table.drop(columns=["instrument"]).round(3).to_string(index=False))

used = table.dropna(subset=["date"])
fig, axes = plt.subplots(1, max(used["law_state"].nunique(), 1), figsize=(3.2 * max(used["law_state"].nunique(), 1), 3.2),
                         squeeze=False, sharey=True)
for ax, (state, g) in zip(axes[0], used.groupby("law_state", sort=False)):
    x = np.arange(len(g))
    ax.bar(x - 0.2, g["ended_before"] / g["ties"].clip(lower=1), 0.4, color="0.6", label="ended before the law")
    ax.bar(x + 0.2, g["ended_after"] / g["ties"].clip(lower=1), 0.4, color="#D55E00", label="ended after the law")
    for xi, (b, a, n) in enumerate(zip(g["ended_before"], g["ended_after"], g["ties"])):
        ax.annotate(f"{int(b)}/{int(n)}   {int(a)}/{int(n)}", (xi, 0), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=7)
    ax.set_xticks(x, [f"{s}\nn={int(n)}\n{int(u)} undated end(s)" if u else f"{s}\nn={int(n)}"
                      for s, n, u in zip(g["side"], g["ties"], g["ended_undated"])], fontsize=7)
    ax.set_title(f"{state}, {g['date'].iloc[0]}\n({g['countries'].iloc[0]})", fontsize=8)
axes[0, 0].set_ylabel("share of ties with a documented end")
axes[0, 0].legend(fontsize=7, frameon=False)
fig.subplots_adjust(bottom=0.24)  # room for the three-line tick labels above the data stamp
stamp(fig, "wikipedia-lists-2026 + wikidata-crawl-2016 (merged); cohort outcomes + search protocol; protocol/state_laws.csv")
save(fig, "us_state_laws.png")
