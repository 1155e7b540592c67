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
from twingraph.literature import kaltenbrunner_2013
from twingraph.measures.gravity import DEFAULT_DECAY_BINS_KM
from twingraph.plotting import panel_letters
from twingraph.plotting.geo import country_pairs_map, decay_panel, gravity_panel, length_bins_panel

DATASETS = ("wikipedia-lists-2026", "natural-earth-110m")
N_REPLICATES = 200
BINS = (0, 50, 100, 300, 1000, np.inf)
MIN_TIES_MAP = {"world": 25, "europe": 10}
wp = dataset(DATASETS[0])
g, ids = tg.to_igraph(tg.simple_graph(wp))
world = maps.countries()
world = world[world["iso3"] != "ATA"]

decay = tm.distance_decay(g, np.r_[0, DEFAULT_DECAY_BINS_KM], n_jobs=N_JOBS)  # first row: pairs under 1 km
decay.to_csv(FIGURES / "geo_distance_decay.csv", index=False, float_format="%.6g")
under1 = decay.iloc[0]
slopes = tm.decay_slopes(decay)
slopes.table.to_csv(FIGURES / "geo_decay_slopes.csv", index=False, float_format="%.6g")
brk = slopes.break_km
print(slopes.table.to_string(), f"break {brk:g} km, dispersion {slopes.dispersion:.3g}",
      f"under 1 km: {under1['n_ties']} ties, {under1['n_pairs']} pairs")

short = pd.concat([tm.short_tie_bins(g, BINS, international_only=s, n_replicates=N_REPLICATES, random_state=SEED)
                   .assign(ties="international" if s else "all") for s in (False, True)], ignore_index=True)
short.to_csv(FIGURES / "geo_short_ties.csv", index=False, float_format="%.6g")
print(short.to_string())

anchors = tm.country_anchors(g)
pairs = tm.country_pairs(g, maps.shared_borders(world), {c: official_languages(c) for c in anchors.index})
pairs.to_csv(FIGURES / "geo_country_pairs.csv", index=False, float_format="%.6g")
gravity = tm.gravity_model(pairs)
grav = gravity.table
grav.to_csv(FIGURES / "geo_gravity.csv", index=False, float_format="%.6g")
print(grav.to_string(), gravity.info)
n_geo = int(decay["n_ties"].sum())
lit = kaltenbrunner_2013(g.vcount(), g.ecount(), slopes, grav, pd.read_csv(FIGURES / "table2_structure.csv"),
                        pd.read_csv(FIGURES / "country_communities_resolution.csv"))  # from experiments 02 and 05
lit.to_csv(FIGURES / "kaltenbrunner_2013.csv", index=False)
CAPTIONS = {
    "geo_distance_decay.png": (
        f"Distance and twinning (wikipedia-lists-2026, {n_geo:,} geolocated ties). (a) Probability that two places "
        "are twinned against their great-circle distance: ties over all pairs of geolocated places in each "
        f"log-spaced bin from 1 km, 95% Wilson intervals (binomial, pairs independent). The {int(under1['n_ties'])} "
        f"ties (of {int(under1['n_pairs']):,} pairs) under 1 km are counted in the CSV but not drawn: they join "
        "places sharing one coordinate (a town and its district, or two entries geocoded to the same centre), "
        f"so their length is not measured. Line: log-log hinge fit from 10 km (quasi-Poisson): P ∝ "
        f"d^{slopes.table['slope'][0]:.2f} up to {brk:,.0f} km, then d^{slopes.table['slope'][1]:.2f}: the decay flattens "
        f"beyond about {brk:,.0f} km. (b) Share of ties in separate length bins over the share when partners are "
        f"shuffled within each country pair ({N_REPLICATES} replicates; degrees and ties per country pair kept), "
        "intervals: 2.5-97.5% of the null. (c) Gravity model of ties per country pair (Poisson PPML, one fixed "
        f"effect per country, {gravity.info['n_pairs']:,} pairs of {gravity.info['n_countries']} countries), rate ratios "
        "with 95% CIs from SEs clustered on both countries of the pair (dyadic-robust): per doubling of distance, a "
        "shared land border (Natural Earth 1:110m), a shared official language (CLDR)."),
    "geo_ties_map.png": (
        f"Where twinning ties run, by country pair (wikipedia-lists-2026). (a) World: pairs with at least "
        f"{MIN_TIES_MAP['world']} ties, drawn as curves between the median positions of each country's places "
        "(curves bowed poleward, not great circles, so no line is cut at the map's edge: trans-Pacific pairs "
        "such as USA-JPN are drawn across the map). "
        f"(b) Europe enlarged: pairs of two European countries with at least {MIN_TIES_MAP['europe']} ties, as "
        "great circles. Width and colour: number of ties (log scale); ISO3 codes label the anchors (in (a) outside "
        "Europe). (c) The 12 pairs with the most ties. Counts, no uncertainty. Natural Earth 1:110m outlines, "
        "Equal Earth projection."),
    "geo_distance_decay.csv": "P(tie | distance) per bin (first row: under 1 km): ties, all place pairs, "
                              "probability and Wilson 95% interval.",
    "geo_decay_slopes.csv": "Hinge fit of the decay: slope (elasticity of P(tie) with distance) below and above "
                            "the profiled break, quasi-Poisson SE and 95% CI (conditional on the break).",
    "geo_short_ties.csv": f"Ties per length bin (separate bins, all and international ties): observed share, "
                          f"country-pair-null mean and sd ({N_REPLICATES} replicates), ratio with the null's 95% "
                          "interval, two-sided empirical p.",
    "geo_gravity.csv": "Gravity model (Poisson PPML, country fixed effects): coefficient, SE clustered on both "
                       "countries of the pair (dyadic), 95% CI, rate ratio and CI, p; se_hc1 for comparison.",
    "kaltenbrunner_2013.csv": "Kaltenbrunner et al. 2013 (IWSOS, arXiv 1301.6900): their published findings "
                              "(abstract; numbers not retrieved) beside this package's on the closest data "
                              "(wikipedia-lists-2026), agreement, and why findings differ.",
    "geo_country_pairs.csv": "Ties per country pair (the risk set, zeros included) with distance between "
                             "anchors, border and shared language.",
}

fig, axes = plt.subplots(1, 3, figsize=(7.2, 2.7), gridspec_kw={"width_ratios": [1.2, 1.1, 1]})
decay_panel(axes[0], decay, slopes)
length_bins_panel(axes[1], short)
gravity_panel(axes[2], grav)
panel_letters(axes)
fig.tight_layout()
save(fig, "geo_distance_decay.png")

fig = plt.figure(figsize=(7.2, 6.4))
panel_letters(country_pairs_map(fig, world, pairs, anchors, MIN_TIES_MAP))
save(fig, "geo_ties_map.png")
