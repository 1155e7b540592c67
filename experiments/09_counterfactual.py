"""Counterfactual removal on the real network: cut the ties a shock concerns, against cutting as many
random ties.

Data: wikipedia-lists-2026 (places carry countries; subdivisions only for UK nations and a handful of
others).  The Wikidata crawl of 2016 has no countries, so no exposure rule can be applied to it; the
Wikipedia lists carry no dates, so every tie counts as active and exposure is the rule's static
country predicate (``tg.exposure``), not its dated form (``tg.exposure_dates``).

Scenarios: (a) every tie between a Russian place and a place abroad (the registry's rule for
``russia-invasion-2022``); (b) every USA-China tie; (c) Texas HB 128 (Texas places to CHN/RUS/IRN/PRK),
run only if Texas can be told apart in the places table.  Each is compared with removing the same
number of uniformly random edges (``tg.counterfactual_removal``: N_RANDOM replicates, seed SEED, so
distance sources and community seeds are shared by all scenarios).
Outputs: figures/counterfactual.png, counterfactual.csv (and counterfactual_replicates.csv when the
API returns replicate values).
"""

import os
import time

import numpy as np
import pandas as pd
from _setup import FIGURES, SEED, dataset, save, stamp

import matplotlib.pyplot as plt
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter
import twingraph as tg
from twingraph.shocks import ties_between

N_RANDOM = int(os.environ.get("TWINGRAPH_N_RANDOM", "50"))  # replicates per scenario
N_JOBS = 2
DATA = "wikipedia-lists-2026"
HUBS = {"wp:RUS:Saint Petersburg": "Saint Petersburg", "wp:CHN:Shanghai": "Shanghai"}

t0 = time.perf_counter()
notes: list[dict[str, object]] = []

# the 2016 crawl: check rather than assume that it has no countries
crawl = dataset("wikidata-crawl-2016")
n_crawl_countries = int(crawl.places["country"].notna().sum())
if n_crawl_countries == 0:
    msg = (f"wikidata-crawl-2016: none of its {len(crawl.places):,} places has a country, so no exposure "
           "rule can be applied to it; not used here")
    print("note:", msg)
    notes.append({"dataset": "wikidata-crawl-2016", "scenario": "all", "note": msg})

data = dataset(DATA)
G = tg.simple_graph(data)
for h in HUBS:
    if h not in G:
        raise SystemExit(f"hub {h!r} is not a node of {DATA}")
n_dated = int(data.spells["start"].notna().sum())
print(f"{DATA}: {G.number_of_nodes():,} places, {G.number_of_edges():,} edges, {n_dated} dated spells "
      "(exposure is static: every tie counts as active)")

rules = {r.shock_id: r for r in tg.default_rules()}
scenarios = [
    ("russia", "(a) all ties of a Russian place with a place abroad", rules["russia-invasion-2022"]),
    ("usa_chn", "(b) all USA-China ties",
     tg.ExposureRule("usa-chn", "exposed_usa_chn", ties_between("USA", "CHN"),
                     description="every tie between a US and a Chinese place (hypothetical)")),
    ("texas_hb128", "(c) Texas HB 128: Texas places to CHN/RUS/IRN/PRK", rules["texas-hb128-2025"]),
]

results: dict[str, pd.DataFrame] = {}
for key, label, rule in scenarios:
    exp = tg.exposure(data, rule)
    edges = tg.exposed_edges(data.spells, exp)
    und = exp.attrs["undetermined"]
    print(f"{label}: rule {rule.shock_id!r}: {int(exp.sum()):,} exposed spells -> {len(edges):,} edges; "
          f"{und:,} spells undetermined (missing country/subdivision)")
    if not edges:
        n_tx = int((data.places["subdivision"].str.casefold() == "texas").sum())
        n_sub_us = int(data.places.loc[data.places["country"] == "USA", "subdivision"].notna().sum())
        n_us = int((data.places["country"] == "USA").sum())
        msg = (f"skipped: {n_tx} places have subdivision 'Texas' ({n_sub_us} of {n_us:,} US places have any "
               f"subdivision), so Texas cannot be identified; the {und:,} ties between a US place and "
               "CHN/RUS/IRN/PRK are undetermined")
        print("note:", msg)
        notes.append({"dataset": DATA, "scenario": key, "note": msg})
        continue
    t = time.perf_counter()
    res = tg.counterfactual_removal(G, edges, hubs=list(HUBS), n_random=N_RANDOM, seed=SEED, n_jobs=N_JOBS)
    print(f"  {time.perf_counter() - t:.1f} s, distances {res.attrs['distances']}")
    print(res.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    res.attrs["label"] = label
    results[key] = res

# --------------------------------------------------------------------------------------------- CSV
rows = []
for key, res in results.items():
    rows.append(res.assign(dataset=DATA, scenario=key, k_removed=res.attrs["k"], n=res.attrs["n"],
                           m=res.attrs["m"], seed=res.attrs["seed"], distances=res.attrs["distances"], note=""))
table = pd.concat(rows + [pd.DataFrame(notes)], ignore_index=True)
first = ["dataset", "scenario", "measure", "k_removed", "n", "m"]
table = table[first + [c for c in table.columns if c not in first]]
table = table.astype({c: "Int64" for c in ("k_removed", "n", "m", "n_random", "seed")})
table.to_csv(FIGURES / "counterfactual.csv", index=False)
reps = {k: r.attrs["replicates"] for k, r in results.items() if "replicates" in r.attrs}
if reps:
    pd.concat([pd.DataFrame(v).assign(scenario=k) for k, v in reps.items()], ignore_index=True) \
        .to_csv(FIGURES / "counterfactual_replicates.csv", index=False)

# ------------------------------------------------------------------------------------------ figure
MEASURES = [("lcc_size", "largest component\n(places)", False),
            ("efficiency", "global efficiency", False),
            ("mean_distance", "mean distance in\nlargest comp. (steps)", False),
            ("modularity", "modularity (Louvain)", False)]
for h, name in HUBS.items():
    MEASURES += [(f"degree_rank[{h}]", f"{name}:\ndegree rank", True),
                 (f"betweenness_rank[{h}]", f"{name}:\nbetweenness rank", True)]

cols = list(results)
H_ROW = 1.35
fig, axes = plt.subplots(len(MEASURES), len(cols), figsize=(5.2 * len(cols) + 1.5, H_ROW * len(MEASURES) + 2.2),
                         squeeze=False)
inch = 1 / fig.get_figheight()


def fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.4g}"


for j, key in enumerate(cols):
    res = results[key].set_index("measure")
    for i, (m, mlabel, is_rank) in enumerate(MEASURES):
        ax = axes[i, j]
        r = res.loc[m]
        base, obs, mu, sd = r["baseline"], r["observed"], r["random_mean"], r["random_sd"]
        if key in reps:  # replicate values: a strip with jitter
            vals = np.asarray(pd.DataFrame(reps[key])[m], dtype=float)
            jit = np.random.default_rng(SEED).uniform(-0.25, 0.25, len(vals))
            ax.scatter(vals, jit, s=10, color="#3b6ea8", alpha=0.6, lw=0, label="random removals")
            lo, hi = vals.min(), vals.max()
        else:  # only the summary is available: mean, +-1 and +-2 sd
            ax.axvspan(mu - 2 * sd, mu + 2 * sd, color="#3b6ea8", alpha=0.15, lw=0, label="random removals: mean ± 2 sd")
            ax.axvspan(mu - sd, mu + sd, color="#3b6ea8", alpha=0.3, lw=0, label="random removals: mean ± 1 sd")
            ax.axvline(mu, color="#3b6ea8", lw=1.2, label="random removals: mean")
            lo, hi = mu - 2 * sd, mu + 2 * sd
        ax.axvline(base, color="0.3", lw=1.2, ls="--", label="intact network")
        ax.axvline(obs, color="#c0392b", lw=2, label="targeted removal")
        xs = np.array([lo, hi, base, obs], dtype=float)
        if is_rank and xs.max() / max(xs.min(), 1) > 20:
            ax.set_xscale("log")
            ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:,.0f}"))
            ax.xaxis.set_minor_formatter(NullFormatter())
            a, b = max(0.8, xs.min() / 1.6), xs.max() * 1.6
        else:
            span = xs.max() - xs.min()
            if span == 0:
                span = 1e-3 * max(1.0, abs(xs.max()))
            a, b = xs.min() - 0.12 * span, xs.max() + 0.12 * span
            if is_rank:  # ranks are integers >= 1: show a few either side
                a, b = max(0.5, min(a, xs.min() - 3)), max(b, xs.max() + 3)
            ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=is_rank))
        ax.set_xlim(a, b)
        ax.set_ylim(-0.5, 0.5)
        ax.set_yticks([])
        ax.tick_params(axis="x", labelsize=7.5)
        if sd == 0 and obs == base == mu:
            stats = f"unchanged: {fmt(obs)} in the intact network, after the targeted and every random removal"
        else:
            z = r["z"]
            zs = "n/a (sd 0)" if not np.isfinite(z) else (f"{z:+.2g}" if abs(z) >= 100 else f"{z:+.1f}")
            stats = (f"intact {fmt(base)} · targeted {fmt(obs)} · random {fmt(mu)} ± {fmt(sd)}"
                     f" · z {zs} · p {r['p']:.2g}")
        ax.set_title(stats, fontsize=7, loc="right", pad=2, color="0.15")
        if j == 0:
            ax.set_ylabel(mlabel, rotation=0, ha="right", va="center", fontsize=8.5)
handles, labels = axes[0, 0].get_legend_handles_labels()
fig.legend(handles, labels, loc="upper center", ncol=len(labels), fontsize=8, frameon=False,
           bbox_to_anchor=(0.5, 1 - 0.45 * inch))
fig.suptitle(f"Cutting the ties a shock concerns in the Wikipedia twinning network, vs {N_RANDOM} random "
             "cuts of as many ties", fontsize=11.5, y=1 - 0.05 * inch)
pmin = 2 / (N_RANDOM + 1)
skipped = "\n".join(f"Not shown: {n['scenario']}: {n['note']}." for n in notes)
band = ("" if reps else "Bands show only the mean and sd of the random replicates (the API returns no replicate "
        "values); where band and p disagree (a skewed distribution), trust p.\n")
fig.text(0.01, 0.3 * inch, f"p: two-sided empirical, smallest possible with {N_RANDOM} replicates = {pmin:.2g}. "
         "z = (targeted - random mean) / random sd.\n" + band + skipped, fontsize=7, color="0.35",
         ha="left", va="bottom")
fig.tight_layout(rect=(0, 1.0 * inch, 1, 1 - 1.1 * inch), h_pad=1.0)
for j, key in enumerate(cols):  # column headers, placed once the layout is fixed
    res, box = results[key], axes[0, j].get_position()
    fig.text((box.x0 + box.x1) / 2, box.y1 + 0.3 * inch,
             f"{res.attrs['label']}\n{res.attrs['k']:,} of {res.attrs['m']:,} edges removed",
             ha="center", va="bottom", fontsize=9.5)
stamp(fig, f"{DATA} (English Wikipedia lists, Feb 2026), undated: all ties treated as active; "
      f"ranks: 1 = highest, log axis when they span > 20x; distances {results[cols[0]].attrs['distances']}; seed {SEED}")
save(fig, "counterfactual.png")
print(f"runtime {time.perf_counter() - t0:.1f} s (n_random={N_RANDOM}, n_jobs={N_JOBS})")
