"""Shock cohorts: every exposed tie followed to a sourced outcome or a logged search (twingraph.cohorts).

Primary = ties attested before the shock (German register 2015, Wikidata crawl 2016); ties known only
from the February 2026 Wikipedia lists are conditioned on being listed then: sensitivity only. The
curated registry (selected on the outcome) is written as a table of sourced events, without curves.
"""

import matplotlib.pyplot as plt
import pandas as pd
from _setup import FIGURES, dataset, save, stamp, table_captions

import twingraph as tg
from twingraph import cohorts as C

DATASETS = ("wikipedia-lists-2026", "wikidata-crawl-2016")  # + "natural-earth-110m" once registered (map)
MAP = "natural-earth-110m" in tg.DATASETS
MONTHS, TICKS, MIN_N = (6, 12, 24), list(range(0, 49, 6)), 30  # curves drawn for partner countries with >= 30 ties
COV = ["log10_distance_km", "log2_degree_a", "log2_degree_b"]  # degrees in the 2026 lists
COV16 = ["log10_distance_km", "log2_degree_2016_a", "log2_degree_2016_b"]  # degrees in the 2016 crawl (pre-shock)
CAPTIONS = {**table_captions(__file__),
    "cohort_2022.png":
    "Russia 2022 cohorts (src/twingraph/data/cohort_*russia_2022*.csv and the search protocol's findings, "
    "protocol/: every tie of a Russian place with the partner countries researched). Kaplan–Meier share "
    "suspended or terminated by month since 24 Feb 2022 (95% log-log band on the pooled curve), at-risk "
    "numbers below; partner countries with at least 30 ties (all in cohort_2022_km.csv). Left: ties attested "
    "before the shock (2015 German register, 2016 Wikidata crawl): the primary cohort. Middle: ties known "
    "only from the Feb 2026 Wikipedia lists (conditioned on being listed in 2026: sensitivity). Right: "
    "primary cohort, Aalen–Johansen cumulative incidence of suspension and termination; dotted = bound if "
    "every tie without a documented change had been suspended undocumented at the median documented time. "
    "Undated ends at that median; ties that ended before the shock or lack an outcome and a search (listed in"
    " cohort_2022_ties.csv) are left out. No p-values.",
    "cohort_cox_2022.png":
    "Hazard ratios (95% CI) of a documented end after 24 Feb 2022, Cox (Breslow), with SEs that let ties "
    "sharing a place be dependent (dyadic-robust, Aronow, Samii & Assenova 2015; one-way clustered on the "
    "Russian place and model-based SEs in cohort_2022_cox.csv). Distance from the 2026 Wikipedia lists; "
    "degrees (other partners of each place) from the 2016 Wikidata crawl for the pre-shock ties (complete "
    "cases), from the 2026 lists for the register model (tie age from the 2015 register). Models with fewer "
    "than 2 events per covariate, and partner countries without any documented end, are not estimable "
    "(listed in the CSV, not plotted). One model per panel, with its n and number of ends.",
    "cohort_map_2022.png": "Russia 2022 cohort ties aggregated by partner country: a line from the mean position "
    "of a country's cohort towns to the mean position of their Russian partners, width by ties, colour by the share "
    "with a documented end (only places inside the panel); towns coloured by outcome. (a) European partner "
    "countries; (b) US ties (northern hemisphere).",
}

wp = dataset("wikipedia-lists-2026")
ru = C.load_cohort_protocol("russia-2022")  # first round + search protocol (SEARCH_PROTOCOL.md), every round
tab = C.cox_covariates(C.link_qid_degrees(C.link_places(ru, wp), dataset("wikidata-crawl-2016")))
tab["partner"] = tab["country_a"]
tab.drop(columns=["tie_key"], errors="ignore").to_csv(FIGURES / "cohort_2022_ties.csv", index=False,
                                                      float_format="%.6g")
surv_ship = C.survivorship(tab)
surv_ship.to_csv(FIGURES / "cohort_2022_survivorship.csv", index=False)
C.outcome_counts(tab).to_csv(FIGURES / "cohort_2022_outcomes.csv", index=False)
print(f"linked {tab[['place_a', 'place_b']].notna().to_numpy().mean():.1%} of place ends to wikipedia-lists-2026", surv_ship.to_string(index=False))
pre, late = tab[tab["pre_shock"]], tab[~tab["pre_shock"] & tab["in_2026"]]
panels = {"Ties attested before the shock (primary)": C.partner_sets(pre, "pre-shock", MIN_N),
          "Ties known only from the 2026 lists (selected)": C.partner_sets(late, "2026-only", MIN_N)}
km = C.share_ended_sets({"pre-shock": pre, "2026-only": late}, MONTHS)
km.to_csv(FIGURES / "cohort_2022_km.csv", index=False, float_format="%.6g")
surv = C.survival_table(pre, covariates=COV + COV16[1:] + ["tie_age_decades", "partner", "cluster_a", "cluster_b"]).table
cif = C.cumulative_incidence(surv, MONTHS)
cif.to_csv(FIGURES / "cohort_2022_cif.csv", index=False, float_format="%.6g")
sens = C.sensitivity_tables(pre, MONTHS)
sens.to_csv(FIGURES / "cohort_2022_sensitivity.csv", index=False, float_format="%.6g")
print(km.round(3).to_string(index=False), cif.round(3).to_string(index=False), sens.round(3).to_string(index=False),
      sep="\n")
reg, SE = surv[surv["tie_age_decades"].notna()], {"dyad": ("cluster_a", "cluster_b")}  # ties sharing a place
late_s = C.survival_table(late, covariates=COV + ["partner", "cluster_a", "cluster_b"]).table
cox = pd.concat([C.fit_cox_partners(surv, COV16, partner_col="partner", model="pre-shock ties", **SE),
                 C.fit_cox_partners(surv, COV, partner_col="partner", model="pre-shock, 2026 degrees", **SE),
                 *(C.fit_cox(reg, ["tie_age_decades", *COV], model="2015 register ties (tie age)", **kw)
                   for kw in (SE, {"cluster": "cluster_b"}, {})),
                 C.fit_cox_partners(late_s, COV, partner_col="partner", model="2026-only ties (selected)", **SE)])
cox = cox.drop_duplicates(["model", "covariate", "se_type"], ignore_index=True)
cox.to_csv(FIGURES / "cohort_2022_cox.csv", index=False, float_format="%.6g")
print(cox.drop(columns=["coef", "se", "p", "clusters"]).round(3).to_string(index=False))
C.sourced_events("russia-invasion-2022").to_csv(FIGURES / "curated_events_2022.csv", index=False)
others = pd.concat([C.load_cohort(n, unresearched="report") for n in ("china", "us-state-laws")])
C.outcome_counts(others).to_csv(FIGURES / "cohort_other_outcomes.csv", index=False)  # too small for curves: counts
C.survivorship(others).to_csv(FIGURES / "cohort_other_survivorship.csv", index=False)
us, summ = C.check_us_states(pd.concat([tab, others]), wp)
us[["cohort", *C.KEY, "lat_a", "lon_a", "subdivision_a", "state_geocoded", "agrees"]].to_csv(
    FIGURES / "cohort_us_states.csv", index=False)
print("reverse geocoding of US places:", summ)

# --- figure 1: share ended with at-risk numbers; competing risks with bounds ------------------------
rows = max(len(v) for v in panels.values())
fig, grid = plt.subplots(2, 3, figsize=(17, 5.5 + 0.2 * rows), height_ratios=[4, 0.25 * rows],
                         gridspec_kw={"wspace": 0.25, "hspace": 0.3})
axes = grid[0]
grid[1, 2].axis("off")
C.plot_share_ended_panels(axes, grid[1], panels, TICKS, xlabel="months since 24 Feb 2022")
axes[1].set_ylabel("")
C.plot_competing(axes[2], pre).set(xticks=TICKS, xlabel="months since 24 Feb 2022",
                                   title=f"Primary cohort (n={len(surv)}): competing risks")
axes[2].legend(fontsize=7, frameon=False, loc="center right")
stamp(fig, "cohort files (sourced outcomes + search protocol logs of 2026-12-07); German register 2015; Wikidata crawl 2016; "
           "Wikipedia lists Feb 2026")
save(fig, "cohort_2022.png")

shown = cox[(cox["se_type"] == cox["se_type"].iloc[0]) & ~cox["model"].str.contains("2026-only")]  # --- fig 2 ---
fig = C.plot_forest_panels(shown)
stamp(fig, "Russia 2022 cohort files + search protocol; 2015 register; 2016 crawl; 2026 Wikipedia lists")
save(fig, "cohort_cox_2022.png")
if MAP:  # --- figure 3: map of the cohort ties aggregated by partner country ---------------------------
    import geopandas as gpd

    tg.fetch("natural-earth-110m")
    world = gpd.read_file(tg.datasets.path("natural-earth-110m", "ne_110m_admin_0_countries.geojson"))
    fig = C.plot_flow_map_figure(tab, world)
    stamp(fig, "Russia 2022 cohort files + search protocol; coordinates: 2026 lists; outlines: Natural Earth 1:110m")
    save(fig, "cohort_map_2022.png")
