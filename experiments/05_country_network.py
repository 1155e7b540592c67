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
from twingraph.countries import official_languages
from twingraph.plotting import ACCENT, NEUTRAL, OKABE_ITO, category_colors, panel_letters

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
        "resolution-1 partition (normalised mutual information, line; NMI = 1 at γ = 1 holds by construction, "
        "open marker). (c) Best modularity of the observed network (vermillion line) against two nulls of "
        f"{N_REPLICATES} networks each (histograms; best of 3 Leiden runs per network): stub matching, which keeps "
        "every country's number of tie ends; and a gravity null, Poisson draws of the ties each country pair "
        "(and each country with itself: the domestic ties, self-loops) is expected to have under a PPML gravity "
        "model with country fixed effects, distance, shared border, shared language and a domestic indicator, "
        "which keeps geography, sizes and domestic ties in expectation. Empirical one-sided p with R + 1 "
        "denominator; no SE (a single network)."),
    "country_communities.csv": "Membership: one row per country (ISO3, name, community at resolution 1, ties, "
                               "domestic ties) and its community at every resolution.",
    "country_communities_resolution.csv": "Resolution profile: modularity, number of communities, NMI to the "
                                          "resolution-1 partition, median NMI between seeds.",
    "country_communities_null.csv": "Best modularity of each null replicate per null (stub, gravity), with the "
                                    "observed value, observed / null mean with the null's 95% range, and the "
                                    "one-sided empirical p.",
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
sg, _ = tg.to_igraph(tg.simple_graph(wp))
pairs = tm.country_pairs(sg, maps.shared_borders(world), {c: official_languages(c) for c in iso})
pairs["n_ties"] = [int(C[a][b]["weight"]) if C.has_edge(a, b) else 0
                   for a, b in zip(pairs["country_a"], pairs["country_b"])]
expected = tm.gravity_expected(pairs, members.set_index("iso3")["domestic_ties"].to_dict())
nulls = {"stub": tm.modularity_null(g, N_REPLICATES, "leiden", 1.0, 3, SEED),
         "gravity": tm.modularity_null(g, N_REPLICATES, "leiden", 1.0, 3, SEED, expected=expected)}
keep = ("statistic", "null_mean", "effect_size", "ci_low", "ci_high", "p_value")
pd.concat([pd.DataFrame({"null": k, "replicate": range(len(v)), "modularity": v}).assign(
    **{f: t.as_dict()[f] for f in keep}) for k, (t, v) in nulls.items()]).to_csv(
    FIGURES / "country_communities_null.csv", index=False, float_format="%.6g")
test, null = nulls["stub"]
print({k: (round(t.null_mean, 4), round(t.effect_size, 2), t.p_value) for k, (t, v) in nulls.items()},
      expected.coef, f"dropped {expected.n_dropped}", f"domestic ties {int(members['domestic_ties'].sum())}")
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
r1 = list(profile["resolution"]).index(1.0)
tx.plot([r1], [1], "o", mfc="white", color=ACCENT, ms=4)
tx.annotate("1 by\nconstruction", (r1, 1), (r1 + 0.3, 0.55), fontsize=5.5, color=ACCENT,
            arrowprops={"arrowstyle": "-", "color": ACCENT, "lw": 0.5})
tx.set_ylim(0, 1.05)
tx.set_ylabel("NMI to γ = 1", color=ACCENT)
tx.spines["right"].set_visible(True)
cx = fig.add_axes((0.6, 0.07, 0.36, 0.25))
for (k, (t, v)), col in zip(nulls.items(), (NEUTRAL, OKABE_ITO["bluish_green"])):
    cx.hist(v, bins=15, color=col, alpha=0.75, label=f"{k} null ({t.effect_size:.2f}×)")
cx.axvline(test.statistic, color=ACCENT, lw=2, label=f"observed {test.statistic:.3f}")
cx.set(xlabel="best modularity (γ = 1)", ylabel="replicates")
cx.yaxis.set_major_locator(plt.MaxNLocator(integer=True))
cx.legend(loc="upper center", fontsize=6, frameon=False)
panel_letters([ax, bx, cx])
save(fig, "country_communities.png")
