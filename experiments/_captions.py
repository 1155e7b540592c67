"""Captions of the tables (CSV files) the experiments write, by script: each says what the file holds,
its n, the uncertainty and the SE type.  ``_setup.table_captions(__file__)`` gives a script its own;
``twingraph reproduce`` writes them into figures/README.md beside the figures' captions."""

TABLE_CAPTIONS = {
    "08_survival_2022": {
        "cohort_2022_ties.csv": "The Russia 2022 cohort, one row per tie (460: 346 attested before the shock, the rest "
                                "known only from the 2026 lists): sources, status under the search protocol, end "
                                "date and how it was resolved, search effort, conflicts. Counts, no uncertainty.",
        "cohort_2022_outcomes.csv": "Ties per cohort file, pre-shock flag and status (documented end, maintained after "
                                    "the shock, no documented change, ...). Counts.",
        "cohort_2022_survivorship.csv": "Survivorship of the cohort in the sources: ties, pre-shock, 2026-only, absent "
                                        "from the 2026 lists (with and without a documented end) per partner country. "
                                        "Counts and shares.",
        "cohort_2022_km.csv": "Kaplan–Meier share with a documented end at 6, 12 and 24 months after 2022-02-24, per "
                              "set (pre-shock ties, all and by partner country; 2026-only ties), with numbers at risk "
                              "and events; pointwise 95% log-log intervals (Greenwood).",
        "cohort_2022_cif.csv": "Aalen–Johansen cumulative incidence of suspension and termination (competing ends) at "
                               "6, 12, 24 months, pre-shock ties (n 346); pointwise 95% log-log intervals from the "
                               "Aalen–Johansen variance.",
        "cohort_2022_sensitivity.csv": "Share ended by month under each scenario for ties without a documented change "
                                       "(documented only; all suspended undocumented: the upper bound), with numbers "
                                       "at risk; Kaplan–Meier, 95% log-log intervals.",
        "cohort_2022_cox.csv": "Cox models of a documented end (pre-shock ties with 2016 degrees, n 285, 123 ends; "
                               "with 2026 degrees, n 311; 2015-register ties with tie age, n 63; 2026-only ties): "
                               "hazard ratios with 95% CIs from dyadic-robust SEs (both places of the tie; Aronow, "
                               "Samii & Assenova 2015), or 'not estimable' with the reason.",
        "cohort_other_outcomes.csv": "Ties per status in the China and US-state-law cohorts (pre-shock flag). Counts.",
        "cohort_other_survivorship.csv": "Survivorship of the China and US-state-law cohorts in the sources. Counts.",
        "cohort_us_states.csv": "US ties of the cohorts with the state from reverse geocoding (GeoNames) beside the "
                                "state the cohort file gives, and whether they agree (137 ties).",
        "curated_events_2022.csv": "The curated registry's sourced events of 2022 (a table of events selected for "
                                   "their dates, not a sample: no shares or curves are computed from it).",
    },
    "14_lifecycle": {
        "lifecycle_sources.csv": "Per source, the merged ties (40,551) it saw, did not see although it covers a town "
                                 "of the tie, and does not cover. Counts.",
        "lifecycle_status.csv": "Status of every merged tie with its evidence class (listed, dropped, not covered, "
                                "suspended, terminated, ended). Counts.",
        "recapture_hav.csv": "Log-linear capture–recapture on the three-list hepatitis A data (271 cases): each "
                             "model's total N with its 95% profile-likelihood interval, deviance, df, AIC, BIC.",
        "recapture_simulation.csv": "Recovery of known totals by simulation (N = 2,000, four sources; heterogeneous "
                                    "and/or dependent capture; 100-200 replicates per scenario): median relative "
                                    "bias, relative RMSE, coverage of the 95% profile intervals with its Wilson "
                                    "interval, the independence model's bias, Chao's bound below the truth.",
        "coverage.csv": "Per country and source: ties observed, estimated total with its 95% profile-likelihood "
                        "interval (AIC-selected log-linear model; BIC's beside it), capture probability with its "
                        "interval, Chao's lower bound, and the sourced official count (year, source, kind) with the "
                        "share of it. 'population' says whether all ties or only ties among towns every source knows "
                        "are counted; the all-ties estimates of EU countries are inflated by unlinked spellings.",
        "coverage_pairs.csv": "As coverage.csv, per country pair where the numbers allow.",
        "tie_loss.csv": "Ties attested 2013–2017 and their state in 2026 (listed, dropped, no longer covered, "
                        "documented end) by group: shock exposure, partner country, tie age, distance, degree, "
                        "association membership. Counts and shares, no intervals.",
        "tie_loss_model.csv": "Logistic model of a covered tie being dropped by 2026 (n 17,108): odds ratios with 95% "
                              "CIs from dyadic-robust SEs (both places), model SEs beside them.",
        "dormancy.csv": "Every merged tie's dormancy signals, score and class (15,426 ties with a signal).",
        "dormancy_labels_scored.csv": "The 54 sourced dormant/active labels matched to the merged ties (40 match), "
                                      "with the score and class each tie gets.",
        "dormancy_validation.csv": "Precision and recall of each dormancy rule on the matched labels, with exact "
                                   "(Clopper–Pearson) 95% intervals; n and the confusion counts.",
    },
    "15_shock_checks": {
        "cohort_protocol_coverage.csv": "Per cohort family (Russia 2022 primary and extension, China, US state "
                                        "laws) and all: ties, documented ends, protocol-complete searches (S1 tie "
                                        "query, S2 partner-language query, S3 official-page query), ties without a "
                                        "documented end whose search is complete, ties with neither (the criterion "
                                        "is 0), and mean protocol queries per tie.",
        "cohort_2022_corrected.csv": "Share of pre-shock ties ended by the search date three ways, pooled and per "
                                     "partner country: documented (exact 95% CI), corrected for the search's "
                                     "sensitivity measured by the independent second pass (multiple imputation, "
                                     "4,000 draws, Rubin and percentile 95% intervals; sensitivity with its exact "
                                     "interval), and the bounds.",
        "cohort_2022_comparison.csv": "The Russia cohort beside the two comparison groups (40 ties each, seed "
                                      "20261207): share ended with exact 95% CIs, list-loss baseline; hazard ratio of "
                                      "a Russian partner (dyadic-robust Cox where estimable, else Firth with profile "
                                      "95% CI).",
        "cohort_2022_rules.csv": "Kaplan–Meier share ended under each rule for undated ends (median, shock day, "
                                 "midpoint, search date) and for conflicts (documented end wins / maintained wins), "
                                 "with numbers at risk; 95% log-log intervals.",
        "cohort_2022_degree_checks.csv": "Cox models of the degree effect (2016 or 2026 degrees; with salience; with "
                                         "search effort, flagged as outcome-dependent): hazard ratios with 95% CIs from "
                                         "dyadic-robust SEs.",
    },
    "16_state_laws": {
        "us_state_laws.csv": "Per sourced state law: US ties with partners in the listed countries in the law state "
                             "and in the other states, ends before and after the law in the same window, Fisher's "
                             "exact p, and the ties an estimate would need (doubling; +20 points).",
        "us_state_laws_ties.csv": "The 311 US ties with partners in CHN, CUB, IRN, PRK, RUS, VEN (2026 lists and 2016 "
                                  "crawl): state by reverse geocoding, researched or not, status and end dates.",
    },
}
