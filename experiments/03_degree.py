"""Degree distributions: CCDF with the power-law tail and its competitors, and Lorenz curves.

For each real network (simple graph: a place's degree = its number of distinct partners): the
Clauset-Shalizi-Newman discrete power-law fit (x_min by minimum KS) with its semi-parametric
bootstrap p-value, likelihood-ratio tests against lognormal, truncated power law, exponential and
stretched exponential tails, the Gini coefficient, and KONECT's published "twin" values.
"""

import numpy as np
import pandas as pd
from _setup import FIGURES, SEED, dataset, save

import matplotlib.pyplot as plt
from scipy import special, stats
import twingraph as tg
from twingraph.measures import (KONECT_TWIN, KONECT_TWIN_SOURCE, compare_tail_fits, degree_ccdf, degrees,
                                fit_powerlaw, gini, lorenz_curve, powerlaw_exponent_konect, powerlaw_pvalue)
from twingraph.plotting import category_colors, panel_letters

DATASETS = ("wikipedia-lists-2026", "wikidata-crawl-2016")
N_REPLICATES = 500
CAPTIONS = {
    "degree.png": (
        "Degree distributions of wikipedia-lists-2026 (17,212 places) and wikidata-crawl-2016 (10,055 places; a "
        "snowball crawl from one seed town, Weimar, so one connected component and no place the seed cannot reach), "
        "simple graphs (degree = distinct partner places). (a) Complementary cumulative distribution (markers) "
        "with the discrete power law fitted to the tail k >= x_min (solid) and the best competing tail, a "
        "lognormal (dashed), both by maximum likelihood on the same tail; the tail-fit table "
        "(degree_tail_fits.csv) gives the likelihood-ratio tests. (b) Lorenz curves of the degree with Gini "
        "coefficients; dotted: equality. KONECT's published twin values are in degree_powerlaw_fits.csv."),
    "degree_powerlaw_fits.csv": f"Power-law tail fit per dataset: alpha (MLE), x_min, KS, tail size, bootstrap "
                                f"p ({N_REPLICATES} replicates), KONECT-style exponents, Gini, and KONECT's "
                                "published twin values for comparison.",
    "degree_tail_fits.csv": "Power law vs lognormal, truncated power law, exponential, stretched exponential "
                            "on the same tail: log-likelihood ratio (positive favours the power law), "
                            "normalised R, p (Vuong; chi2(1) for the nested truncated law), fitted parameters.",
    "degree_ccdf.csv": "The plotted CCDF points.",
}

fits, tails, deg = [], [], {}
for i, name in enumerate(DATASETS):
    g, _ = tg.to_igraph(tg.simple_graph(dataset(name)))
    d = degrees(g)
    deg[name] = d = d[d > 0]
    fit = fit_powerlaw(d)
    p, _ = powerlaw_pvalue(d, fit, n_replicates=N_REPLICATES, random_state=SEED + i)
    fits.append({"dataset": name, "n_places": len(d), "alpha_mle": fit.alpha, "xmin": fit.xmin, "ks": fit.ks,
                 "n_tail": fit.n_tail, "p_value_bootstrap": p, "n_replicates": N_REPLICATES,
                 "gamma_konect": powerlaw_exponent_konect(d), "gini": gini(d), "max_degree": int(d.max())})
    tails.append(compare_tail_fits(d, xmin=fit.xmin).assign(dataset=name))
fits.append({"dataset": KONECT_TWIN_SOURCE, "n_places": KONECT_TWIN["n_nodes"],
             "gamma_konect": KONECT_TWIN["powerlaw_exponent_konect"],
             "alpha_mle": KONECT_TWIN["powerlaw_exponent_tail"],
             "gini": KONECT_TWIN["gini"], "max_degree": KONECT_TWIN["max_degree"]})
fits = pd.DataFrame(fits)
tails = pd.concat(tails, ignore_index=True)
fits.to_csv(FIGURES / "degree_powerlaw_fits.csv", index=False, float_format="%.6g")
tails.to_csv(FIGURES / "degree_tail_fits.csv", index=False, float_format="%.6g")
print(fits.to_string(index=False), "\n", tails.drop(columns="parameters").to_string(index=False))

fig, (ax, bx) = plt.subplots(1, 2, figsize=(7.2, 3.1), gridspec_kw={"width_ratios": [1.35, 1]})
rows = []
for (name, d), c in zip(deg.items(), category_colors(2)):
    k, pk = degree_ccdf(d)
    rows.append(pd.DataFrame({"dataset": name, "degree": k, "ccdf": pk}))
    f = fits.set_index("dataset").loc[name]
    ax.loglog(k, pk, "o", ms=2.5, mfc="none", mew=0.7, color=c, label=name)
    kk = np.arange(int(f["xmin"]), int(f["max_degree"]) + 1)
    share = f["n_tail"] / f["n_places"]
    ax.loglog(kk, share * special.zeta(f["alpha_mle"], kk) / special.zeta(f["alpha_mle"], f["xmin"]), "-", color=c,
              lw=1.2, label=f"  power law α = {f['alpha_mle']:.2f}, k ≥ {int(f['xmin'])}")
    ln = tails[(tails["dataset"] == name) & (tails["alternative"] == "lognormal")].iloc[0]
    mu, sigma = (float(v.split("=")[1]) for v in ln["parameters"].split("; "))
    lognormal = stats.lognorm(s=sigma, scale=np.exp(mu))
    surv = lognormal.sf(kk - 0.5) / lognormal.sf(f["xmin"] - 0.5)
    ax.loglog(kk, share * surv, "--", color=c, lw=1.0, label=f"  lognormal (LR p = {ln['p_value']:.1g})")
    x, y = lorenz_curve(d)
    bx.plot(x, y, color=c, lw=1.4, label=f"{name}\nGini {f['gini']:.3f}")
pd.concat(rows).to_csv(FIGURES / "degree_ccdf.csv", index=False)
ax.set(xlabel="degree k (distinct partner places)", ylabel="P(degree ≥ k)")
ax.legend(loc="lower left", fontsize=6.5)
bx.plot([0, 1], [0, 1], color="0.5", lw=0.8, ls=":")
bx.set(xlabel="share of places (ascending degree)", ylabel="share of tie ends", xlim=(0, 1), ylim=(0, 1))
bx.set_aspect("equal")
bx.legend(loc="upper left", fontsize=6.5)
panel_letters([ax, bx])
fig.tight_layout()
save(fig, "degree.png")
