"""Degree distributions: log-log CCDF with the discrete power-law tail fit, and Lorenz curves.

For each real network (simple graph: a place's degree = its number of distinct partners):
Clauset-Shalizi-Newman discrete power-law MLE (x_min by minimum KS distance), the
semi-parametric bootstrap p-value (seeded, N_BOOT replicates), and the same fit on KONECT's
0.01 alpha grid for comparison with KONECT's published tail exponent of its "twin" network.
"""

import time

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from _setup import REAL, FIGURES, SEED, dataset, save, stamp
from scipy import special

import twingraph as tg
from twingraph.measures import (KONECT_ALPHA_GRID, degree_ccdf, degrees, fit_powerlaw, gini,
                                lorenz_curve, powerlaw_exponent_konect, powerlaw_pvalue)

t0 = time.perf_counter()
N_BOOT = 500
# KONECT "twin" (Wikidata 2017-10), http://konect.cc/networks/twin/
KONECT = {"gamma": 2.60121, "gamma_t": 2.99100, "gini": 0.506040}
COLORS = {"wikipedia-lists-2026": "#3b6ea8", "wikidata-crawl-2016": "#c8553d"}

deg = {}
fits = []
ccdf_rows = []
for i, name in enumerate(REAL):
    g, _ = tg.to_igraph(tg.simple_graph(dataset(name), isolates=True))
    d = degrees(g)
    d = d[d > 0]  # places without partners carry no degree information (there are none here)
    deg[name] = d
    fit = fit_powerlaw(d)
    grid = fit_powerlaw(d, alpha_grid=KONECT_ALPHA_GRID)
    p, _ = powerlaw_pvalue(d, fit, n_boot=N_BOOT, seed=SEED + i)
    fits.append({
        "dataset": name, "n_places": len(d), "alpha_mle": fit.alpha, "xmin": fit.xmin, "ks": fit.ks,
        "n_tail": fit.n_tail, "tail_share": fit.n_tail / len(d), "loglik": fit.loglik,
        "p_value": p, "n_boot": N_BOOT, "boot_seed": SEED + i,
        "alpha_konect_grid": grid.alpha, "xmin_konect_grid": grid.xmin,
        "gamma_konect": powerlaw_exponent_konect(d), "gini": gini(d), "max_degree": int(d.max()),
    })
    k, pk = degree_ccdf(d)
    ccdf_rows.append(pd.DataFrame({"dataset": name, "degree": k, "ccdf": pk}))
    print(f"{name}: fitted in {time.perf_counter() - t0:.1f} s (cumulative)")

fits = pd.DataFrame(fits)
fits.to_csv(FIGURES / "degree_powerlaw_fits.csv", index=False)
pd.concat(ccdf_rows).to_csv(FIGURES / "degree_ccdf.csv", index=False)
with pd.option_context("display.width", 200, "display.max_columns", 30):
    print(fits.to_string(index=False))

# --- Figure 1: CCDF with the fitted tail -------------------------------------------------------
fig, ax = plt.subplots(figsize=(6.4, 5.0))
fig.subplots_adjust(bottom=0.14)  # room for the data stamp below the x label
for row in fits.itertuples():
    c = COLORS[row.dataset]
    k, pk = degree_ccdf(deg[row.dataset])
    ax.loglog(k, pk, "o", ms=3.5, mfc="none", mew=0.9, color=c, label=f"{row.dataset}")
    # fitted model for k >= x_min: P(D >= k) = (n_tail / n) zeta(alpha, k) / zeta(alpha, x_min)
    kk = np.arange(row.xmin, row.max_degree + 1)
    model = row.tail_share * special.zeta(row.alpha_mle, kk) / special.zeta(row.alpha_mle, row.xmin)
    p_txt = (f"p < {1 / N_BOOT:.3f} (0/{N_BOOT})" if row.p_value == 0
             else f"p = {row.p_value:.3f} ({N_BOOT} bootstraps)")
    ax.loglog(kk, model, "-", lw=1.6, color=c,
              label=f"  power law: α = {row.alpha_mle:.2f}, $x_{{\\min}}$ = {row.xmin}, "
                    f"KS = {row.ks:.3f}, {p_txt}")
ax.set_xlabel("degree k (number of distinct partner places)")
ax.set_ylabel("P(degree ≥ k)  (places with ≥ 1 partner)")
ax.set_title("Degree distribution (CCDF) with discrete power-law tail fit")
ax.legend(fontsize=7.5, loc="lower left", frameon=False)
short = " / ".join(n.split("-")[0] for n in fits.dataset)
ax.text(0.98, 0.98,
        f"KONECT twin (Wikidata 2017-10): γ = {KONECT['gamma']:.3f}, tail γ$_t$ = {KONECT['gamma_t']:.3f}\n"
        f"same estimators here ({short}):\n"
        f"γ = {' / '.join(f'{v:.2f}' for v in fits.gamma_konect)}, "
        f"γ$_t$ (α grid 0.01) = {' / '.join(f'{v:.2f}' for v in fits.alpha_konect_grid)}",
        transform=ax.transAxes, ha="right", va="top", fontsize=7.5, color="0.25")
ax.grid(True, which="major", lw=0.3, color="0.85")
stamp(fig, f"{', '.join(REAL)} (simple graphs); bootstrap n={N_BOOT}, seed {SEED}+i")
save(fig, "degree_ccdf.png")

# --- Figure 2: Lorenz curves ------------------------------------------------------------------
fig, ax = plt.subplots(figsize=(4.8, 5.0))
fig.subplots_adjust(bottom=0.14)
lorenz_rows = []
for row in fits.itertuples():
    x, y = lorenz_curve(deg[row.dataset])
    ax.plot(x, y, color=COLORS[row.dataset], lw=1.6, label=f"{row.dataset} (Gini {row.gini:.3f})")
    step = max(1, len(x) // 1000)  # the CSV keeps ~1000 points per curve plus the end point
    keep = np.unique(np.r_[np.arange(0, len(x), step), len(x) - 1])
    lorenz_rows.append(pd.DataFrame({"dataset": row.dataset, "share_of_places": x[keep].round(6),
                                     "share_of_tie_ends": y[keep].round(6)}))
ax.plot([0, 1], [0, 1], color="0.5", lw=0.8, ls="--", label="equality (Gini 0)")
ax.set_xlabel("share of places, by ascending degree")
ax.set_ylabel("share of tie ends (sum of degrees)")
ax.set_xlim(0, 1)
ax.set_ylim(0, 1)
ax.set_aspect("equal")
ax.set_title("Lorenz curves of the degree")
ax.legend(fontsize=8, loc="upper left", frameon=False,
          title=f"KONECT twin (2017-10): Gini {KONECT['gini']:.3f}", title_fontsize=7.5)
ax.grid(True, lw=0.3, color="0.85")
stamp(fig, f"{', '.join(REAL)} (simple graphs)")
save(fig, "degree_lorenz.png")
pd.concat(lorenz_rows).to_csv(FIGURES / "degree_lorenz.csv", index=False)
print(f"done in {time.perf_counter() - t0:.1f} s")
