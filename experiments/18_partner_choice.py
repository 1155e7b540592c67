"""Who twins with whom: a partner-choice model (conditional logit over sampled alternatives) tested on
the future, against common neighbours, Adamic-Adar, preferential attachment and gravity alone.

Time splits: fit on partnerships begun up to Y (1995, 2005) in the German (year 2000 left out: a
probable placeholder) and Czech registers, rank every candidate for each town that begins one after
Y. Candidates: places already in the network and every GeoNames city of >= 5,000 people. Cross-source:
fit on the 2016 Wikidata crawl (5 folds; coordinates from the merge with the 2026 lists, populations
from GeoNames), predict the ties the 2026 lists add.
Outputs: figures/partner_choice.png, partner_choice.csv, partner_choice_coef.csv.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _setup import FIGURES, SEED, dataset, save, stamp

import twingraph as tg
from twingraph import maps
from twingraph import partner_choice as pc
from twingraph.plotting import category_colors, panel_letters
from twingraph.resolve import enrich_population

DATASETS = ("germany-partnerships-2015", "czechia-partnerships-2013", "wikipedia-lists-2026",
            "wikidata-crawl-2016", "natural-earth-110m")
SPLITS = {"germany-partnerships-2015": ("DEU", (2000,), (1995, 2005)),
          "czechia-partnerships-2013": ("CZE", (), (1995, 2005))}
N_BOOT, K = 1000, (5, 10, 20)
METHODS = {"model": "partner-choice model", "gravity": "gravity alone", "common_neighbours": "common neighbours",
           "adamic_adar": "Adamic-Adar", "preferential_attachment": "preferential attachment"}
CAPTIONS = {
    "partner_choice.png": (
        "Predicting who twins with whom. For every town that begins a partnership after the split, all candidates "
        "(places already in the network and GeoNames cities of >= 5,000 people; 2016 crawl: its places) are ranked by "
        "each method; (a) mean AUC per town, (b) mean recall@20, with 95% bootstrap intervals over focal towns "
        f"({N_BOOT} replicates). Tests: German register (2000 left out) and Czech register, fit up to 1995 or 2005; "
        "cross-source: fit on the 2016 Wikidata crawl (5 folds), predict the ties new in the 2026 lists (every "
        "place of the crawl with one, both ends focal). A register lists one country's towns and their partners, "
        "so a focal town and a foreign candidate never share a partner there: common neighbours and Adamic-Adar "
        "sit at 0.5."),
    "partner_choice.csv": (
        "One row per test, method and metric (auc, precision@k, recall@k for k = 5, 10, 20): mean over focal towns "
        f"with a 95% percentile bootstrap interval over focal towns ({N_BOOT} replicates), the paired difference model "
        "minus method with its interval, n_focal, n_positive (future partnerships with a rankable partner), n_future "
        "(all future partnerships of those towns)."),
    "partner_choice_coef.csv": (
        "Conditional-logit coefficients of each test's training fit (50 sampled alternatives per partnership, "
        "importance-sampling offset): coefficient, dyadic-robust SE and 95% CI, odds ratio, model-based SE, n_events."),
}

borders = maps.shared_borders(maps.countries())
rows, coefs = [], []


def record(test, ev):
    rows.append(ev.summary.assign(test=test))
    coefs.append(ev.model.estimates.table.assign(test=test, n_events=ev.model.estimates.n_obs))
    s = ev.summary.set_index(["method", "metric"])
    print(test, {m: round(s.loc[(m, "auc"), "value"], 3) for m in METHODS}, "n_focal", s["n_focal"].iloc[0])


for name, (focal, skip, years) in SPLITS.items():
    cd = pc.prepare(dataset(name), borders, focal=focal, exclude_years=skip, gazetteer=True)
    for y in years:
        record(f"{name}, after {y}", pc.evaluate_split(cd, y, ks=K, n_boot=N_BOOT, random_state=SEED))

merged, _ = enrich_population(tg.merge(dataset("wikipedia-lists-2026"), dataset("wikidata-crawl-2016")))
cd16, new = pc.cross_source_split(pc.prepare(merged, borders), merged, "wikidata-crawl-2016", "wikipedia-lists-2026")
record("wikidata-crawl-2016 -> new in wikipedia-lists-2026",
       pc.evaluate_split(cd16, 2016, ks=K, n_boot=N_BOOT, features=pc.STATIC_FEATURES, test_ties=new,
                         random_state=SEED))

res = pd.concat(rows, ignore_index=True)
res = res[["test", "method", *[c for c in res.columns if c not in ("test", "method")]]]
res.to_csv(FIGURES / "partner_choice.csv", index=False, float_format="%.6g")
coef = pd.concat(coefs, ignore_index=True)
coef[["test", *[c for c in coef.columns if c != "test"]]].to_csv(FIGURES / "partner_choice_coef.csv", index=False,
                                                                 float_format="%.6g")

tests = list(dict.fromkeys(res["test"]))
colors = dict(zip(METHODS, category_colors(len(METHODS))))
fig, axes = plt.subplots(1, 2, figsize=(7.2, 3.6), sharey=True)
for ax, metric, label in ((axes[0], "auc", "AUC (mean over focal towns)"), (axes[1], "recall@20", "recall@20")):
    for k, m in enumerate(METHODS):
        d = res[(res["method"] == m) & (res["metric"] == metric)].set_index("test").loc[tests]
        y = np.arange(len(tests))[::-1] + (2 - k) * 0.14
        ax.errorbar(d["value"], y, xerr=[d["value"] - d["ci_low"], d["ci_high"] - d["value"]], fmt="o", ms=3.5,
                    color=colors[m], capsize=1.5, lw=1, label=METHODS[m])
    ax.set(xlabel=label)
axes[0].axvline(0.5, color="0.5", lw=0.8, ls="--")
axes[0].set_yticks(np.arange(len(tests))[::-1], [t.replace(", after", "\nafter").replace(" -> ", "\n-> ")
                                                 for t in tests], fontsize=7)
axes[1].legend(loc="lower right", fontsize=7)
panel_letters(axes)
fig.tight_layout()
stamp(fig, "germany-partnerships-2015, czechia-partnerships-2013, wikidata-crawl-2016 + wikipedia-lists-2026; "
           "GeoNames; Natural Earth; CLDR")
save(fig, "partner_choice.png")
