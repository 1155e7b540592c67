"""Checks of the 2022 shock estimates (issue 18): the search protocol's findings, its sensitivity, corrected
shares, a comparison cohort, the degree effect with search effort and salience, the placement and conflict
rules, and the US state laws with a power calculation (twingraph.cohorts.protocol, .checks)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _setup import FIGURES, SEED, dataset, save, stamp, table_captions

from twingraph import cohorts as C
from twingraph.resolve import enrich_population

DATASETS = ("wikipedia-lists-2026", "wikidata-crawl-2016")
DRAWS = 4000
CAPTIONS = {**table_captions(__file__),
    "cohort_2022_corrected.png": "(left) Russia 2022 primary cohort: share of ties ended by the search date three ways. "
    "Black: documented ends (any round; exact 95% CI); vermillion: corrected for the search's sensitivity "
    "measured by the independent second pass (multiple imputation, sensitivity drawn from its Beta posterior, "
    f"{DRAWS} imputations, 95% percentile interval); grey bar: bounds (documented to every tie without a "
    "documented change ended). Pooled and per partner country (one pooled sensitivity). (right) "
    "Share ended after 24 Feb 2022 (exact 95% CI) in the Russia cohort (ties attested "
    "before the shock) and in the two comparison groups searched with the same protocol: the Western cohort towns' "
    "ties with non-Russian partners and Russian places' ties with partners in non-sanctioning countries; grey: "
    "the list-loss baseline, share of the pre-shock ties missing from the February 2026 Wikipedia lists (the CSV "
    "adds the lifecycle work's tie loss by source and country, tie_loss.csv, when 14_lifecycle.py has run).",
}

wp, crawl = dataset("wikipedia-lists-2026"), dataset("wikidata-crawl-2016")
proto = C.read_protocol()
fam = {n: C.load_cohort_protocol(n, protocol=proto) for n in ("russia-2022", "china", "us-state-laws")}
tab = C.cox_covariates(C.link_qid_degrees(C.link_places(fam["russia-2022"], wp), crawl))
tab["partner"] = tab["country_a"]
pre = tab[tab["pre_shock"]]
sens = C.search_sensitivity(pd.concat(fam.values()), proto)
corr = C.corrected_shares(pre, sens, draws=DRAWS, random_state=SEED)
corr.to_csv(FIGURES / "cohort_2022_corrected.csv", index=False, float_format="%.6g")
print("sensitivity:", sens, corr.round(3).to_string(index=False), sep="\n")
eff = pre.groupby("partner")[["n_queries", "n_queries_protocol", "n_queries_total", "hits"]].mean()
(cover := C.protocol_coverage(fam)).to_csv(FIGURES / "cohort_protocol_coverage.csv", index=False, float_format="%.6g")
print("effort by partner country (mean per tie):\n", eff.round(2).to_string(), "\n", cover.to_string(index=False))

# --- rules as sensitivities: undated-end placement, conflict resolution, without the second pass ---------------
rules = []
for rule in C.UNDATED_RULES:
    rules.append(C.share_ended(C.survival_table(pre, undated=rule), (12, 24)).assign(rule=f"undated end at {rule}"))
for lab, kw in (("conflict: maintained wins", {"resolve": "maintained"}), ("first round + primary pass only", {"passes": ("primary",)})):
    alt = C.load_cohort_protocol("russia-2022", protocol=proto, **kw)
    rules.append(C.share_ended(C.survival_table(alt[alt["pre_shock"]]), (12, 24)).assign(rule=lab))
rules = pd.concat(rules, ignore_index=True).assign(
    undated_ends=C.survival_table(pre).undated_ends, conflicts=int(pre["conflict_protocol"].sum()))
rules.to_csv(FIGURES / "cohort_2022_rules.csv", index=False, float_format="%.6g")
print(rules.round(3).to_string(index=False))

comp = C.comparison_cohort(proto)  # --- comparison cohort -----------------------------------------------------
ru_crawl = pre  # attested before the shock (2016 crawl, 2015 German register), as the comparison sample
NAMES = {"western-town-non-russian-partner": "Western towns, non-Russian partners",
         "russian-place-non-sanctioning-partner": "Russian places, non-sanctioning partners"}
groups = {"Russia cohort (pre-shock attested)": ru_crawl, **{NAMES[g]: d for g, d in comp.groupby("group")}}
shares = C.group_shares(groups)
cols = ["tie_id", "duration", "event", "cluster_a", "cluster_b", "russian_partner", "western_partner"]
def dyads(t, rp, wpart):  # noqa: E302 (place labels for dyadic SEs; the group's 0/1 indicators)
    return t.assign(cluster_a=t["country_a"] + ":" + t["city_a"], cluster_b=t["country_b"] + ":" + t["city_b"],
                    russian_partner=rp, western_partner=wpart)
ru_s = C.survival_table(dyads(ru_crawl, 1, 1), covariates=cols[3:]).table
west = C.survival_table(dyads(comp[comp["group"].str.startswith("western")], 0, 1), covariates=cols[3:]).table
rusp = C.survival_table(dyads(comp[comp["group"].str.startswith("russian")], 1, 0), covariates=cols[3:]).table
hr = pd.concat([C.comparison_hazard(pd.concat([ru_s, west]), "russian_partner", "Russia cohort vs Western towns' other ties"),
                C.comparison_hazard(pd.concat([ru_s, rusp]), "western_partner",
                                    "Russia cohort vs Russian places' non-sanctioning ties")], ignore_index=True)
tl = FIGURES / "tie_loss.csv"  # the lifecycle work's tie loss without a shock (14_lifecycle.py), where it has run
base = pd.read_csv(tl).query("by == 'source' or group in ['RUS', 'DEU', 'POL', 'FIN', 'USA']") if tl.exists() else None
out = pd.concat([shares.assign(kind="share"), hr.assign(kind="hazard ratio"),
                 None if base is None else base.assign(kind="lifecycle tie loss 2013-2017 -> 2026")], ignore_index=True)
out.to_csv(FIGURES / "cohort_2022_comparison.csv", index=False, float_format="%.6g")
print(shares.round(3).to_string(index=False), hr.drop(columns=["coef", "se"]).round(3).to_string(index=False), sep="\n")

# --- the degree effect with salience (exogenous) and search effort (outcome-dependent: a tie whose end was found
# early was searched less, so queries partly measure the outcome) ------------------------------------------------
pop = enrich_population(wp)[0].places.set_index("place_id")["population"]  # GeoNames where the lists have none
for s_ in ("a", "b"):
    pre[f"log10_pop_{s_}"] = np.log10(pre[f"place_{s_}"].map(pop).astype(float))
pre["log2_queries"], pre["in_2026_list"] = np.log2(1 + pre["n_queries_total"]), pre["in_2026"].astype(int)
CV = ["log2_degree_2016_a", "log2_degree_2016_b", "log2_degree_a", "log2_degree_b", "log10_distance_km",
      "log2_queries", "in_2026_list", "log10_pop_a", "log10_pop_b", "partner", "cluster_a", "cluster_b"]
sv = C.survival_table(pre, covariates=CV).table
D16, D26 = ["log10_distance_km", "log2_degree_2016_a", "log2_degree_2016_b"], ["log10_distance_km", "log2_degree_a",
                                                                              "log2_degree_b"]
SAL = ["in_2026_list", "log10_pop_a", "log10_pop_b"]
deg = C.degree_models(sv, [("main: 2016 degrees", D16), ("2026 degrees", D26), ("2016 degrees + salience", D16 + SAL),
                           ("2026 degrees + salience", D26 + SAL),
                           ("2016 degrees + salience + queries (outcome-dependent)", D16 + SAL + ["log2_queries"])])
deg = pd.concat([deg, C.degree_models(sv.dropna(subset=SAL), [("2016 degrees, ties of the salience model", D16)])])
deg.to_csv(FIGURES / "cohort_2022_degree_checks.csv", index=False, float_format="%.6g")
print(deg[~deg["covariate"].str.startswith("partner")][["model", "covariate", "n", "events", "hazard_ratio", "hr_lower",
                                                        "hr_upper", "status"]].round(3).to_string())

# --- figures: corrected shares; comparison ----------------------------------------------------------------------
fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 4.2), gridspec_kw={"width_ratios": [1.6, 1], "wspace": 0.75})
y = np.arange(len(corr))[::-1]
a1.hlines(y, corr["bound_lower"], corr["bound_upper"], color="0.85", lw=8, label="bounds")
a1.errorbar(corr["share_documented"], y + 0.12, xerr=[corr["share_documented"] - corr["documented_lower"],
            corr["documented_upper"] - corr["share_documented"]], fmt="o", color="black", label="documented")
a1.errorbar(corr["share_corrected"], y - 0.12, xerr=[corr["share_corrected"] - corr["corrected_pct_lower"],
            corr["corrected_pct_upper"] - corr["share_corrected"]], fmt="s", color="#D55E00", label="corrected (MI)")
a1.set(yticks=y, yticklabels=[f"{s} (n={n})" for s, n in zip(corr["set"], corr["n"])], xlim=(0, 1),
       xlabel="share ended by the search date")
a1.set_title(f"sensitivity {sens.also_found}/{sens.second_ends} = "
             f"{sens.sensitivity:.2f} [{sens.lower:.2f}, {sens.upper:.2f}]", loc="left", fontsize=9, pad=16)
a1.legend(fontsize=7, frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3)
y2 = np.arange(len(shares))[::-1]
a2.errorbar(shares["share_ended"], y2, xerr=[shares["share_ended"] - shares["lower"], shares["upper"] - shares["share_ended"]],
            fmt="o", color="black", label="documented end")
a2.errorbar(shares["absent_2026_share"], y2 - 0.15, xerr=[shares["absent_2026_share"] - shares["absent_lower"],
            shares["absent_upper"] - shares["absent_2026_share"]], fmt="D", color="0.55", label="absent from 2026 lists")
a2.legend(fontsize=7, frameon=False, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=1)
a2.set(yticks=y2, yticklabels=[f"{g.replace(', ', ',' + chr(10))}\n(n={n}, {e} ended)" for g, n, e in zip(shares["group"], shares["n"], shares["ended"])],
       xlim=(0, 1), xlabel="share of ties (exact 95% CI)")
a2.tick_params(axis="y", labelsize=7)
stamp(fig, "cohort files + search protocol logs and findings (2026-12-07); 2016 crawl; 2026 lists")
save(fig, "cohort_2022_corrected.png")
