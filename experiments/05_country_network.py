"""The country network: communities of countries, their robustness, and a null-model baseline.

Data: wikipedia-lists-2026 (every place has an ISO3 country; the wikidata-crawl-2016 data have no
countries).  ``tg.country_graph``: nodes are ISO3 codes, edge weight = number of ties, domestic
ties a self-loop (kept: a country's ties with itself count towards its own community).
"""

import pandas as pd
from _setup import FIGURES, SEED, dataset, save

import matplotlib.pyplot as plt
import twingraph as tg
from twingraph import maps
from twingraph import measures as tm
from twingraph.plotting import ACCENT, NEUTRAL, category_colors, panel_letters

DATASETS = ("wikipedia-lists-2026", "natural-earth-110m")
N_SEEDS = 20
N_REPLICATES = 100
RESOLUTIONS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
CAPTIONS = {
    "country_communities.png": (
        "Communities of countries in the twinning network (wikipedia-lists-2026; countries linked by their "
        "number of ties, domestic ties as self-loops). (a) The highest-modularity Leiden partition at "
        f"resolution 1 (best of {N_SEEDS} seeds) on Natural Earth outlines, Equal Earth projection; grey: no "
        "place in the data. (b) Resolution sensitivity: number of communities (bars) and agreement with the "
        "resolution-1 partition (normalised mutual information, line). (c) Modularity of the observed "
        f"partition (vermillion) against {N_REPLICATES} stub-matching null networks that keep every "
        "country's number of tie ends (histogram)."),
    "country_communities.csv": "Membership: one row per country (ISO3, name, community at resolution 1, ties, "
                               "domestic ties) and its community at every resolution.",
    "country_communities_resolution.csv": "Resolution profile: modularity, number of communities, NMI to the "
                                          "resolution-1 partition, median NMI between seeds.",
    "country_communities_null.csv": "Modularity of each null replicate, with the observed value and the test.",
}

wp = dataset(DATASETS[0])
C = tg.country_graph(wp)
g = tm.as_igraph(C, require_simple=False)
iso = list(g.vs["name"])
world = maps.countries()
world = world[world["iso3"] != "ATA"]

best, runs = tm.best_partition(g, "leiden", 1.0, N_SEEDS, SEED)
members = pd.DataFrame({"iso3": iso, "community": [m + 1 for m in best.membership]})
members["name"] = members["iso3"].map(world.set_index("iso3")["name"])
members["ties"] = [int(sum(C[c][v]["weight"] for v in C[c] if v != c) + C[c].get(c, {}).get("weight", 0))
                   for c in iso]
members["domestic_ties"] = [int(C[c].get(c, {}).get("weight", 0)) for c in iso]
for r in RESOLUTIONS:
    members[f"community_r{r:g}"] = [m + 1 for m in tm.best_partition(g, "leiden", r, N_SEEDS, SEED)[0].membership]
members = members.sort_values(["community", "ties", "iso3"], ascending=[True, False, True])
members.to_csv(FIGURES / "country_communities.csv", index=False)
profile = tm.resolution_profile(g, RESOLUTIONS, "leiden", N_SEEDS, SEED)
profile.to_csv(FIGURES / "country_communities_resolution.csv", index=False, float_format="%.6g")
test, null = tm.modularity_null(g, N_REPLICATES, "leiden", 1.0, 3, SEED)
pd.DataFrame({"replicate": range(len(null)), "modularity": null}).assign(**{
    k: v for k, v in test.as_dict().items() if k in ("statistic", "p_value", "effect_size", "ci_low", "ci_high")
}).to_csv(FIGURES / "country_communities_null.csv", index=False, float_format="%.6g")
print(f"{best.n_communities} communities, modularity {best.modularity:.4f} (seeds: {runs['modularity'].min():.4f}-"
      f"{runs['modularity'].max():.4f}); null {test.null_mean:.4f} ± {test.null_sd:.4f}, ratio {test.effect_size:.2f} "
      f"[{test.ci_low:.2f}, {test.ci_high:.2f}], p {test.p_value:.3g}")
print(profile.to_string(index=False))

fig = plt.figure(figsize=(7.2, 5.4))
ax = fig.add_axes((0.0, 0.38, 1.0, 0.62))
colors = dict(zip(range(1, best.n_communities + 1), category_colors(best.n_communities)))
maps.draw_choropleth(ax, world, members.set_index("iso3")["community"], colors=colors)
for k, c in colors.items():
    top = members[members["community"] == k].head(3)["iso3"].tolist()
    size = int((members["community"] == k).sum())
    ax.scatter([], [], color=c, marker="s", s=30, label=f"{k}: {', '.join(top)}, … ({size})")
ax.legend(loc="lower left", fontsize=6.5, title="community: largest members (countries)", title_fontsize=6.5)
bx = fig.add_axes((0.08, 0.07, 0.38, 0.25))
bx.bar(range(len(profile)), profile["n_communities"], color=NEUTRAL, alpha=0.6)
bx.set_xticks(range(len(profile)), [f"{r:g}" for r in profile["resolution"]])
bx.set(xlabel="resolution γ", ylabel="communities")
bx.yaxis.set_major_locator(plt.MaxNLocator(integer=True))
tx = bx.twinx()
tx.plot(range(len(profile)), profile["nmi_to_r1"], "o-", color=ACCENT, ms=3)
tx.set_ylim(0, 1.05)
tx.set_ylabel("NMI to γ = 1", color=ACCENT)
tx.spines["right"].set_visible(True)
cx = fig.add_axes((0.6, 0.07, 0.36, 0.25))
cx.hist(null, bins=20, color=NEUTRAL, alpha=0.7, label=f"{N_REPLICATES} null networks")
cx.axvline(test.statistic, color=ACCENT, lw=2, label="observed")
cx.set(xlabel="modularity (γ = 1)", ylabel="replicates")
cx.yaxis.set_major_locator(plt.MaxNLocator(integer=True))
cx.legend(loc="upper center", fontsize=6.5)
panel_letters([ax, bx, cx])
save(fig, "country_communities.png")
