"""Shock cohorts: every exposed tie followed to a sourced outcome or a logged search (twingraph.cohorts).

Primary cohort = ties attested before the shock (German register 2015); ties known only from the
February 2026 Wikipedia lists are conditioned on being listed then and enter only as sensitivity
analyses.  The curated registry (selected on the outcome) is written as a table of sourced events.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _setup import FIGURES, dataset, save, stamp

import twingraph as tg
from twingraph import cohorts as C

DATASETS = ("wikipedia-lists-2026",)
MONTHS = (6, 12, 24)
COV = ["tie_age_decades", "log10_distance_km", "log2_degree_a", "log2_degree_b"]
CAPTIONS = {
    "cohort_2022.png": "Russia 2022 cohorts (src/twingraph/data/cohort_*russia_2022*.csv: 201 ties with a Russian place, "
    "each with a sourced outcome or a logged search). Left: Kaplan–Meier share suspended or terminated by month since "
    "24 Feb 2022, 95% log-log bands, at-risk numbers below; solid = primary cohort (the 75 German–Russian ties of the "
    "2015 German register, attested before the shock), dashed = ties known only from the Feb 2026 Wikipedia lists "
    "(conditioned on being listed in 2026). Right: primary cohort, Aalen–Johansen cumulative incidence of suspension "
    "(no documented termination), with the bounds if every tie without a documented change had been suspended "
    "undocumented at the median documented time. Undated ends at that median. No p-values.",
    "cohort_cox_2022.png": "Hazard ratios (95% CI) of any documented end after 24 Feb 2022, Cox (Breslow), SEs clustered "
    "on the Russian place (ties sharing it are dependent; dyadic SEs pending). Top: primary cohort (2015 register, "
    "complete cases). Bottom: all ties incl. the 2026-only ones (selected on surviving to 2026 in the lists), DEU and "
    "USA (GBR not estimable: no event). Degrees and distance from the 2026 Wikipedia lists.",
}

wp = dataset("wikipedia-lists-2026")
tab = C.cox_covariates(C.link_places(C.load_cohort("russia-2022"), wp))
print(f"linked {tab.attrs['match_rate']:.1%} of place ends to wikipedia-lists-2026")
tab.drop(columns=["tie_key"], errors="ignore").to_csv(FIGURES / "cohort_2022_ties.csv", index=False, float_format="%.6g")
C.survivorship(tab).to_csv(FIGURES / "cohort_2022_survivorship.csv", index=False)
print(C.survivorship(tab).to_string(index=False))
counts = tab.groupby(["cohort", "pre_shock", "status"]).size().rename("ties").reset_index()
counts.to_csv(FIGURES / "cohort_2022_outcomes.csv", index=False)
prim = tab[tab["pre_shock"]]
sets = {"primary: DEU register 2015 (pre-shock)": prim}
sets.update({f"2026-only {c[-3:]} (listed in 2026)": g for c, g in tab[~tab["pre_shock"]].groupby("cohort")})
km = pd.concat([C.share_ended(C.survival_table(g), MONTHS).assign(set=k, n=len(g)) for k, g in sets.items()])
km.to_csv(FIGURES / "cohort_2022_km.csv", index=False, float_format="%.6g")
surv = C.survival_table(prim, covariates=COV + ["cluster_b"])
cif = C.cumulative_incidence(surv, MONTHS)
cif.to_csv(FIGURES / "cohort_2022_cif.csv", index=False, float_format="%.6g")
sens = C.sensitivity_tables(prim, MONTHS)
sens.to_csv(FIGURES / "cohort_2022_sensitivity.csv", index=False, float_format="%.6g")
print(km.round(3).to_string(index=False), cif.round(3).to_string(index=False), sens.round(3).to_string(index=False),
      sep="\n")

sall = C.survival_table(tab[tab["country_a"].isin(["DEU", "USA"])], covariates=COV + ["partner_USA", "cluster_b"])
cox = pd.concat([C.fit_cox(surv, COV, "cluster_b", "primary: DEU register 2015"),
                 C.fit_cox(surv, COV, None, "primary: DEU register 2015"),
                 C.fit_cox(sall, ["partner_USA"] + COV[1:], "cluster_b", "all listed ties, DEU+USA (selected)"),
                 C.fit_cox(C.survival_table(tab, covariates=["partner_GBR", "cluster_b"]), ["partner_GBR"], "cluster_b",
                           "all ties, GBR vs rest")])
cox.to_csv(FIGURES / "cohort_2022_cox.csv", index=False, float_format="%.6g")
print(cox[["model", "covariate", "n", "events", "se_type", "hazard_ratio", "hr_lower", "hr_upper", "status"]]
      .round(3).to_string(index=False))
C.sourced_events("russia-invasion-2022").to_csv(FIGURES / "curated_events_2022.csv", index=False)
us, summ = C.check_us_states(pd.concat([tab, C.load_cohort("us-state-laws")]), wp)
us[["cohort", "city_a", "city_b", "lat_a", "lon_a", "subdivision_a", "state_geocoded", "agrees"]].to_csv(
    FIGURES / "cohort_us_states.csv", index=False)
print("reverse geocoding of US places:", summ)

# --- figure 1: cumulative share ended, with at-risk table; competing risks with bounds ---------------
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, 6.2), gridspec_kw={"wspace": 0.25})
fig.subplots_adjust(bottom=0.3)
colors = ["#000000", "#E69F00", "#56B4E9", "#009E73"]
ticks = list(range(0, 49, 6))
for k, ((name, g), col) in enumerate(zip(sets.items(), colors)):
    s = C.survival_table(g)
    f = tg.KaplanMeier().fit(s["duration"] / C.DAYS_PER_MONTH, s["event"])
    t = np.r_[f.timeline_, s["duration"].max() / C.DAYS_PER_MONTH]
    y = 1 - np.r_[f.survival_function_.iloc[:, 0], f.survival_function_.iloc[-1, 0]]
    ci = f.confidence_interval_.to_numpy()
    ax.step(t, y, where="post", color=col, ls="-" if k == 0 else "--", lw=2 if k == 0 else 1.3,
            label=f"{name}, n={len(g)}, {int(s['event'].sum())} ends")
    if k == 0:
        ax.fill_between(t, 1 - np.r_[ci[:, 1], ci[-1, 1]], 1 - np.r_[ci[:, 0], ci[-1, 0]], step="post", color=col,
                        alpha=0.15, lw=0)
    for m, n in zip(ticks, C.at_risk(s, ticks)):
        ax.text(m, -0.19 - 0.045 * k, str(n), transform=ax.get_xaxis_transform(), ha="center", fontsize=7, color=col)
ax.text(-1, -0.145, "number at risk (rows = curves):", transform=ax.get_xaxis_transform(), ha="left", fontsize=7)
ax.set(xticks=ticks, xlim=(-1, 48), ylim=(0, 1), xlabel="months since 24 Feb 2022",
       ylabel="cumulative share suspended or terminated (1 − KM)", title="Ties with a Russian place")
ax.legend(fontsize=7, frameon=False, loc="upper left")
lo, hi = (C.survival_table(prim, scenario=sc) for sc in ("documented", "undocumented-ended"))
for s, ls, lab in ((lo, "-", "documented only (lower bound)"), (hi, ":", "no documented change = suspended (upper)")):
    f = tg.CumulativeIncidence().fit(s["duration"] / C.DAYS_PER_MONTH, s["event_type"], cause="suspended")
    ax2.step(np.r_[f.timeline_, 48], np.r_[f.cumulative_density_.iloc[:, 0], f.cumulative_density_.iloc[-1, 0]],
             where="post", color="#D55E00", ls=ls, label=f"suspended: {lab}")
ax2.axhline(0, color="#0072B2", label="terminated: no documented case", lw=1.5)
ax2.set(xticks=ticks, xlim=(-1, 48), ylim=(-0.02, 1), xlabel="months since 24 Feb 2022",
        ylabel="cumulative incidence (Aalen–Johansen)", title=f"Primary cohort (n={len(prim)}): competing risks")
ax2.legend(fontsize=7, frameon=False, loc="center right")
stamp(fig, "cohort files (sourced outcomes + search logs, 2026-12-01); German register 2015; Wikipedia lists Feb 2026")
save(fig, "cohort_2022.png")

# --- figure 2: forest plot of hazard ratios ------------------------------------------------------------
shown = cox[cox["se_type"] != "model-based"].reset_index(drop=True)
fig, ax = plt.subplots(figsize=(7, 4.2))
y = np.arange(len(shown))[::-1]
ok = shown["status"] == "fitted"
ax.errorbar(shown.loc[ok, "hazard_ratio"], y[ok], fmt="s", color="black", capsize=3,
            xerr=[shown.loc[ok, "hazard_ratio"] - shown.loc[ok, "hr_lower"],
                  shown.loc[ok, "hr_upper"] - shown.loc[ok, "hazard_ratio"]])
for yi, r in zip(y[~ok], shown[~ok].itertuples()):
    ax.text(1.05, yi, "not estimable: no end among GBR ties", fontsize=7, va="center", ha="left", color="0.3")
ax.axvline(1, color="0.6", lw=0.8)
ax.set_ylim(-0.8, len(shown) - 0.4)
ax.set(xscale="log", yticks=y, xlabel="hazard ratio of a documented end (95% CI, clustered on the Russian place)")
ax.set_yticklabels([f"{c}  [{m.split(':')[0]}, n={n}, {e} ends]" for c, m, n, e in
                    zip(shown["covariate"], shown["model"], shown["n"], shown["events"])], fontsize=7)
stamp(fig, "Russia 2022 cohort files; covariates from the 2015 register and the 2026 Wikipedia lists")
save(fig, "cohort_cox_2022.png")
print("map of cohort ties: skipped (twingraph.maps / natural-earth-110m not on main yet)")
