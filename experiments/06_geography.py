"""Geography of ties: distance decay, a gravity model, and a map of ties by country pair.

Data: wikipedia-lists-2026 (coordinates for 17,170 of 17,212 places, from the same source).
Country outlines and land borders: natural-earth-110m; official languages: Unicode CLDR (Babel).
The wikidata-crawl-2016 data carry no coordinates and are not used.
"""

import numpy as np
import pandas as pd
from _setup import FIGURES, N_JOBS, SEED, dataset, save

import matplotlib.pyplot as plt
import twingraph as tg
from twingraph import maps
from twingraph import measures as tm
from twingraph.countries import official_languages
from twingraph.plotting import ACCENT, NEUTRAL, panel_letters

DATASETS = ("wikipedia-lists-2026", "natural-earth-110m")
N_REPLICATES = 200
THRESHOLDS = (50, 100, 300, 1000)
MIN_TIES_MAP = {"world": 25, "europe": 10}
CAPTIONS = {
    "geo_distance_decay.png": (
        "Distance and twinning (wikipedia-lists-2026, 24,850 geolocated ties). (a) Probability that two "
        "places are twinned against their great-circle distance: ties over all 147 million pairs of geolocated "
        "places in each log-spaced bin, with 95% Wilson intervals. (b) Ties shorter than a threshold, observed "
        f"share over the share expected when partners are shuffled within each country pair ({N_REPLICATES} "
        "replicates; degrees and ties per country pair kept), with 95% null intervals. (c) Gravity model of "
        "ties per country pair (Poisson PPML, one fixed effect per country, HC1 robust 95% CIs): rate ratios "
        "per doubling of distance, for a shared land border (Natural Earth 1:110m) and a shared official "
        "language (CLDR)."),
    "geo_ties_map.png": (
        f"Twinning ties aggregated by country pair ((a) pairs with at least {MIN_TIES_MAP['world']} ties, (b) "
        f"pairs of two European countries with at least {MIN_TIES_MAP['europe']}, Europe enlarged; one great-circle "
        "arc from the median position of each country's places; width and colour: number of ties, log "
        "scale), on Natural Earth 1:110m outlines in the Equal Earth projection."),
    "geo_distance_decay.csv": "P(tie | distance): ties, all place pairs, probability and Wilson 95% interval per bin.",
    "geo_short_ties.csv": "Observed vs country-pair-null share of ties below each threshold: ratio, 95% "
                          "interval, one-sided empirical p.",
    "geo_gravity.csv": "Gravity model coefficients (Poisson PPML with country fixed effects; robust SE): "
                       "coefficient, CI, rate ratio and CI, p.",
    "geo_country_pairs.csv": "Ties per country pair with distance between anchors, border and shared language.",
}

wp = dataset(DATASETS[0])
g, ids = tg.to_igraph(tg.simple_graph(wp))
world = maps.countries()
world = world[world["iso3"] != "ATA"]

decay = tm.distance_decay(g, n_jobs=N_JOBS)
decay.to_csv(FIGURES / "geo_distance_decay.csv", index=False, float_format="%.6g")

rows = []
for scope in (False, True):
    for thr in THRESHOLDS:
        r = tm.short_tie_excess(g, thr, international_only=scope, n_replicates=N_REPLICATES, random_state=SEED)
        rows.append({"ties": "international" if scope else "all", "threshold_km": thr, **r.as_dict()})
short = pd.DataFrame(rows)
short.to_csv(FIGURES / "geo_short_ties.csv", index=False, float_format="%.6g")
print(short[["ties", "threshold_km", "statistic", "null_mean", "effect_size", "ci_low", "ci_high", "p_value"]])

anchors = tm.country_anchors(g)
pairs = tm.country_pairs(g, maps.shared_borders(world), {c: official_languages(c) for c in anchors.index})
pairs.to_csv(FIGURES / "geo_country_pairs.csv", index=False, float_format="%.6g")
grav = tm.gravity_model(pairs)
grav.to_csv(FIGURES / "geo_gravity.csv", index=False, float_format="%.6g")
print(grav.to_string(), grav.attrs)

fig, axes = plt.subplots(1, 3, figsize=(7.2, 2.6), gridspec_kw={"width_ratios": [1.2, 1, 1]})
ax = axes[0]
d = decay[decay["n_ties"] > 0]
ax.fill_between(d["km_mid"], d["p_low"], d["p_high"], color=NEUTRAL, alpha=0.25, lw=0)
ax.plot(d["km_mid"], d["p_tie"], "o-", ms=2.5, color=NEUTRAL)
ax.set(xscale="log", yscale="log", xlabel="distance between places (km)", ylabel="P(tie | distance)")
ax = axes[1]
for k, (scope, mk) in enumerate((("all", "o"), ("international", "s"))):
    s = short[short["ties"] == scope]
    x = np.arange(len(s)) + (k - 0.5) * 0.2
    ax.errorbar(x, s["effect_size"], yerr=[s["effect_size"] - s["ci_low"], s["ci_high"] - s["effect_size"]],
                fmt=mk, ms=3.5, color=(NEUTRAL, ACCENT)[k], label=f"{scope} ties", capsize=2)
ax.axhline(1, color="0.5", lw=0.8, ls="--")
ax.set_xticks(range(len(THRESHOLDS)), [f"<{t:,}" for t in THRESHOLDS])
ax.set(xlabel="tie length (km)", ylabel="observed / country-pair null")
ax.legend(loc="upper right")
ax = axes[2]
labels = {"log_km": "distance ×2", "border": "shared border", "shared_language": "shared language"}
rr = grav.assign(rr=np.where(grav["term"] == "log_km", 2 ** grav["coef"], grav["rate_ratio"]),
                 lo=np.where(grav["term"] == "log_km", 2 ** grav["ci_low"], grav["rr_low"]),
                 hi=np.where(grav["term"] == "log_km", 2 ** grav["ci_high"], grav["rr_high"]))
y = np.arange(len(rr))[::-1]
ax.errorbar(rr["rr"], y, xerr=[rr["rr"] - rr["lo"], rr["hi"] - rr["rr"]], fmt="o", ms=3.5, color=NEUTRAL, capsize=2)
ax.axvline(1, color="0.5", lw=0.8, ls="--")
ax.set_yticks(y, [labels[t] for t in rr["term"]])
ax.set(xscale="log", xlabel="rate ratio of ties (95% CI)")
ax.set_xticks([0.5, 1, 2, 3], ["0.5", "1", "2", "3"])
ax.xaxis.set_minor_formatter(plt.NullFormatter())
panel_letters(axes)
fig.tight_layout()
save(fig, "geo_distance_decay.png")

fig = plt.figure(figsize=(7.2, 5.6))
axw = fig.add_axes((0.0, 0.42, 1.0, 0.58))
axe = fig.add_axes((0.0, 0.0, 0.62, 0.42))
cax = fig.add_axes((0.68, 0.08, 0.02, 0.28))
norm = plt.matplotlib.colors.LogNorm(MIN_TIES_MAP["europe"], pairs["n_ties"].max())
lo0, lo1, la0, la1 = maps.EUROPE
europe = anchors.index[anchors["lon"].between(lo0, lo1) & anchors["lat"].between(la0, la1)]
for ax, box, key in ((axw, None, "world"), (axe, maps.EUROPE, "europe")):
    maps.draw_choropleth(ax, world)
    shown = pairs if box is None else pairs[pairs["country_a"].isin(europe) & pairs["country_b"].isin(europe)]
    sm = maps.draw_country_pairs(ax, shown[shown["n_ties"] >= MIN_TIES_MAP[key]], anchors, norm=norm,
                                 max_width=2.0 if box is None else 3.0)
    if box is not None:
        maps.set_extent(ax, box)
fig.colorbar(sm, cax=cax, label="ties per country pair")
panel_letters([axw, axe])
save(fig, "geo_ties_map.png")
