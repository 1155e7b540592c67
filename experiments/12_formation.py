"""Formation in the dated registers: new partnerships by partner country, event studies, dating check.

Growth by partner country with political events marked, event studies of formation around those
events, and the cross-source dating check (the attachment kernel is experiment 13).

Events come from the shock/event registry (curated_events.csv); an event missing there is skipped and
said so.  Treated groups for events coded only as
"DEU" (the Wall, unification) follow issue 12 and are stated in SPECS.  Outputs: figures/
formation_by_country.png, event_study.png, event_study.csv, event_study_summary.csv, dating_agreement.csv.
"""

import matplotlib.pyplot as plt
from _setup import FIGURES, SEED, dataset, save, stamp

import twingraph as tg
from twingraph import formation as F
from twingraph.plotting.formation import event_study_grid, formation_grid

DATASETS = ("germany-partnerships-2015", "czechia-partnerships-2013", "curated")
EAST = ("ALB ARM AZE BGR BIH BLR CZE EST GEO HRV HUN KAZ LTU LVA MDA MKD MNE POL ROU RUS SRB SVK SVN UKR "
        "XKX").split()
GDR = ["Brandenburg", "Mecklenburg-Vorpommern", "Sachsen", "Sachsen-Anhalt", "Thüringen"]
# (event_id, register, panel unit, treated (None: the event's countries other than the register's), controls left out)
# 2000 is left out of the German panels: 701 rows (12%) carry it, probably as a placeholder (see the loader)
SPECS = [("elysee-treaty-1963", "DEU", "partner_country", None, []),
         ("berlin-wall-fall-1989", "DEU", "partner_country", ["POL", "CZE", "SVK"], EAST),
         ("german-reunification-1990", "DEU", "focal_subdivision", GDR, ["Berlin"]),
         ("german-polish-border-treaty-1990", "DEU", "partner_country", None, EAST),
         ("german-polish-good-neighbourship-1991", "DEU", "partner_country", None, EAST),
         ("czechoslovak-german-treaty-1992", "DEU", "partner_country", None, EAST),
         ("eu-enlargement-2004", "DEU", "partner_country", None, []),
         ("eu-enlargement-2004", "CZE", "partner_country", None, [])]
WINDOW = (-6, 6)
EXCLUDE = {"DEU": (2000,), "CZE": ()}
N_PLACEBO = 99
OVERLAP = "1989-92 opening in the leads: not separately identified"
NOTES = {"german-polish-border-treaty-1990|DEU": OVERLAP, "german-polish-good-neighbourship-1991|DEU": OVERLAP,
         "czechoslovak-german-treaty-1992|DEU": OVERLAP,
         "eu-enlargement-2004|DEU": "withdrawn: window outside the register's well-covered years (to 1996)"}
SHOWN = ["elysee-treaty-1963|DEU", "berlin-wall-fall-1989|DEU", "german-reunification-1990|DEU",
         "german-polish-good-neighbourship-1991|DEU", "czechoslovak-german-treaty-1992|DEU", "eu-enlargement-2004|CZE"]
events = tg.load_shocks().set_index("event_id")
de, cz = dataset("germany-partnerships-2015"), dataset("czechia-partnerships-2013")
pairs = {"DEU": F.partnerships(de), "CZE": F.partnerships(cz)}
years = {"DEU": range(1946, 2015), "CZE": range(1950, 2014)}
counts = F.formation_counts(pairs["DEU"], years=years["DEU"])
top = counts.groupby("group")["n_pairs"].first().sort_values(ascending=False).index[:12]
per_year = counts.groupby("year")["formed"].sum()
coefs, summ = F.event_studies(SPECS, events, pairs, years, window=WINDOW, exclude_years=EXCLUDE,
                              placebo_draws=N_PLACEBO, random_state=SEED)
summ["note"] = [NOTES.get(f"{e}|{r}", "") for e, r in zip(summ["event"], summ["register"])]
CAPTIONS = {
    "formation_by_country.png": "New partnerships per year of German municipalities with the 12 most frequent partner "
    f"countries, 1946-2014 (germany-partnerships-2015, {len(pairs['DEU']):,} partnerships: one country's towns, "
    "partnerships still listed when compiled in 2015; ended ones are missing; n = partnerships with that country). "
    "Dashed: dated events of the event registry that name the partner country. Black bar: year 2000 "
    f"({int(per_year[2000])} rows in all, probably the compiler's placeholder for an unknown year), clipped to the "
    "scale of the other years with its height written beside it. The register's well-covered years end in 1996 "
    f"({int(per_year[1996])} new partnerships; {int(per_year[1997])} in 1997, {int(per_year[2013])} in 2013). "
    "Counts, no uncertainty.",
    "event_study.png": "Event studies of formation (NB2 count model, partner-country/state and year fixed effects): "
    "rate ratio of the treated group's new partnerships k years from the event relative to k = -1 and to the other "
    "groups, 95% intervals (model-based SEs); one log scale shared by all panels. Box: pooled post-event rate ratio "
    f"[95% CI], its design-based p from {N_PLACEBO} or all placebo sets of as many control units (randomization "
    "inference on the pooled PPML coefficient, treated units removed; smallest possible p = 1/(sets + 1)) and the "
    "joint Wald test of the leads "
    "(pre-trends). German register 1946-2014 without 2000 (placeholder year); Czech register 1950-2013. Controls: "
    "other partner countries, minus former Eastern-bloc and Yugoslav states for the 1989-92 events; unification: "
    "the five eastern states against the western ones (Berlin left out). The 1991 and 1992 treaties follow the "
    "1989 opening by one to three years, so their leads hold it and their pre-trends fail: not separately "
    "identified. The German 2004 study (in the CSV) is withdrawn: its window lies outside the register's "
    "well-covered years.",
    "event_study.csv": "Event-study coefficients per event, register and relative year k: treated count, coefficient, "
    "model-based SE, rate ratio with 95% CI, Wald p (reference k = -1: rate ratio 1).",
    "event_study_summary.csv": "One row per event study: treated units, n, pooled post-event rate ratio with 95% CI "
    "(model-based SE) and Wald p, placebo_p_value (randomization over placebo control sets, placebo_n sets, "
    "exhaustive or sampled), joint pre-trend Wald test and pre-period trend, NB2 alpha, means, note (overlap, "
    "withdrawn).",
    "dating_agreement.csv": "The same partnership dated by two sources (German register vs Czech register and vs "
    "the curated registry): pair ids and names, years, difference, distance between the matched places, matching "
    "rule. Counts, no uncertainty.",
}

fig, axes = plt.subplots(3, 4, figsize=(7.2, 5.4), sharex=True)
formation_grid(axes, counts, top, {iso: F.event_times(events, iso, "DEU", years["DEU"]) for iso in top})
fig.supxlabel("year the partnership began", fontsize=8)
fig.supylabel("new partnerships per year", fontsize=8)
fig.tight_layout()
stamp(fig, f"germany-partnerships-2015 ({len(pairs['DEU']):,} partnerships, all dated); events: shock/event registry")
save(fig, "formation_by_country.png")

coefs.to_csv(FIGURES / "event_study.csv", index=False, float_format="%.6g")
summ.drop(columns="unit").to_csv(FIGURES / "event_study_summary.csv", index=False, float_format="%.6g")
print(summ[["event", "register", "post_rate_ratio", "post_ci_low", "post_ci_high", "post_p_value", "placebo_p_value",
            "placebo_n", "pretrend_p_value"]].to_string(index=False, float_format="%.3g"))
shown = summ[(summ["event"] + "|" + summ["register"]).isin(SHOWN)]
fig, axes = plt.subplots(2, 3, figsize=(7.2, 5.2), sharex=True, sharey=True)
event_study_grid(axes, coefs, shown, NOTES)
fig.supxlabel("years from the event, k (open circle: reference k = -1; 0: no treated formation that year)",
              fontsize=7)
fig.supylabel("rate ratio (log scale, shared)", fontsize=7)
fig.tight_layout()
stamp(fig, "germany-partnerships-2015 (1946-2014), czechia-partnerships-2013 (1950-2013); events: shock/event registry")
save(fig, "event_study.png")

cur = dataset("curated")
agree = F.dating_agreements(pairs["DEU"], de.places, {
    "czechia-partnerships-2013": (pairs["CZE"], cz.places, {"max_km": 15}),
    "curated": (F.partnerships(cur, focal="DEU"), cur.places, {})}, source_a="germany-partnerships-2015")
agree.to_csv(FIGURES / "dating_agreement.csv", index=False)
print(F.dating_agreement_summary(agree).to_string(index=False))
