"""Formation dynamics in the dated registers: growth by partner country with political events marked,
event studies of formation around those events, and the cross-source dating check (the attachment
kernel is experiment 13).

Events come from the shock/event registry (curated_events.csv); an event missing there is skipped and
said so.  Treated groups for events coded only as
"DEU" (the Wall, unification) follow issue 12 and are stated in SPECS.  Outputs: figures/
formation_by_country.png, event_study.png, event_study.csv, event_study_summary.csv, dating_agreement.csv.
"""

import matplotlib.pyplot as plt
from _setup import FIGURES, dataset, save, stamp

import twingraph as tg
from twingraph import formation as F

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
CB = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
CAPTIONS = {
    "formation_by_country.png": "New partnerships per year of German municipalities with the 12 most frequent partner "
    "countries, 1946-2014 (germany-partnerships-2015: one country's towns, partnerships still listed when compiled in "
    "2015; ended ones are missing). Dashed lines: dated events of the event registry that name the partner country. "
    "Black bar: year 2000, 12% of all rows, probably the compiler's placeholder for an unknown year; after 2001 the "
    "register was evidently not kept up to date.",
    "event_study.png": "Event studies of formation (NB2 count model, partner-country/state and year fixed effects): "
    "rate "
    "ratio of the treated group's new partnerships k years from the event relative to k = -1 and to the other groups, "
    "95% intervals; text: pooled post-event rate ratio and the joint test of the leads (pre-trends). German "
    "register 1946-2014 without 2000 (placeholder year); Czech register 1950-2013. Controls: all other partner "
    "countries, minus former Eastern-bloc and Yugoslav states for the 1989-92 events; unification: the five "
    "eastern states against the western ones (Berlin left out).",
}

events = tg.load_shocks().set_index("event_id")
de, cz = dataset("germany-partnerships-2015"), dataset("czechia-partnerships-2013")
pairs = {"DEU": F.partnerships(de), "CZE": F.partnerships(cz)}
years = {"DEU": range(1946, 2015), "CZE": range(1950, 2014)}

# ---------------------------------------------------------------- formation by partner country + events
counts = F.formation_counts(pairs["DEU"], years=years["DEU"])
top = counts.groupby("group")["n_pairs"].first().sort_values(ascending=False).index[:12]
fig, axes = plt.subplots(3, 4, figsize=(14, 8), sharex=True)
for ax, iso in zip(axes.flat, top):
    c = counts[counts["group"] == iso]
    ax.bar(c["year"], c["formed"], width=0.9, color=[CB[7] if y == 2000 else CB[0] for y in c["year"]])
    for t in F.event_times(events, iso, "DEU", years["DEU"]):
        ax.axvline(t, color=CB[3], ls="--", lw=1)
    ax.set_title(f"{iso} ({int(c['n_pairs'].iloc[0]):,} partnerships)", fontsize=9, loc="left")
for ax in axes[:, 0]:
    ax.set_ylabel("new per year")
fig.suptitle("German municipalities' new partnerships by partner country (dashed: events naming the country; "
             "black: year 2000, a probable placeholder)", x=0.01, ha="left")
stamp(fig, "germany-partnerships-2015 (5,859 partnerships, all dated); events: twingraph shock/event registry")
save(fig, "formation_by_country.png")

# ---------------------------------------------------------------------------------------- event studies
coefs, summ = F.event_studies(SPECS, events, pairs, years, window=WINDOW, exclude_years=EXCLUDE)
for eid in summ.attrs["skipped"]:
    print(f"skipped {eid}: not in the event registry")
coefs.to_csv(FIGURES / "event_study.csv", index=False, float_format="%.6g")
summ.drop(columns="unit").to_csv(FIGURES / "event_study_summary.csv", index=False, float_format="%.6g")
print(summ[["event", "register", "treated", "post_rate_ratio", "post_ci_low", "post_ci_high", "pretrend_chi2",
            "pretrend_df", "pretrend_p_value"]].to_string(index=False, float_format="%.3g"))

fig, axes = plt.subplots(2, 4, figsize=(16, 8), sharex=True, gridspec_kw={"hspace": 0.45, "wspace": 0.3})
for ax, s in zip(axes.flat, summ.to_dict("records")):
    who = "5 eastern states" if s["unit"] == "focal_subdivision" else s["treated"].replace(";", ", ")
    c = coefs[(coefs["event"] == s["event"]) & (coefs["register"] == s["register"])]
    ax.axhline(1, color="0.5", lw=0.8)
    ax.axvline(-0.5, color=CB[3], ls="--", lw=1)
    ok = c["se"].notna() & c["rate_ratio"].notna()
    ax.errorbar(c.loc[ok, "k"], c.loc[ok, "rate_ratio"], fmt="o", color=CB[0], ms=4, capsize=2,
                yerr=[c.loc[ok, "rate_ratio"] - c.loc[ok, "ci_low"], c.loc[ok, "ci_high"] - c.loc[ok, "rate_ratio"]])
    ax.plot([-1], [1], "o", mfc="white", color=CB[0], ms=4)
    ax.set_yscale("log")
    for k in c.loc[c["treated_count"] == 0, "k"]:
        ax.annotate("0", (k, 1), fontsize=7, color=CB[3], ha="center", va="center")
    ax.set_title(f"{s['event']}\n{s['register']} register; treated: {who}\n"
                 f"post RR {s['post_rate_ratio']:.2f} [{s['post_ci_low']:.2f}, {s['post_ci_high']:.2f}]; "
                 f"leads chi2={s['pretrend_chi2']:.1f}, df={s['pretrend_df']}, p={s['pretrend_p_value']:.2g}",
                 fontsize=7.5, loc="left")
fig.supxlabel("years from the event, k (open circle: reference k = -1; "
              "red 0: no treated formation that year, not estimated)",
              fontsize=9)
for ax in axes[:, 0]:
    ax.set_ylabel("rate ratio (log scale)")
for ax in axes.flat[len(summ):]:
    ax.axis("off")
fig.suptitle("Formation around political events: event-study rate ratios with 95% intervals", x=0.01, ha="left")
stamp(fig, "germany-partnerships-2015 (1946-2014), czechia-partnerships-2013 (1950-2013); events: shock/event registry")
save(fig, "event_study.png")

# ------------------------------------------------------------------------------ cross-source dating
cur = dataset("curated")
agree = F.dating_agreements(pairs["DEU"], de.places, {
    "czechia-partnerships-2013": (pairs["CZE"], cz.places, {"max_km": 15}),
    "curated": (F.partnerships(cur, focal="DEU"), cur.places, {})}, source_a="germany-partnerships-2015")
agree.to_csv(FIGURES / "dating_agreement.csv", index=False)
print(F.dating_agreement_summary(agree).to_string(index=False))
