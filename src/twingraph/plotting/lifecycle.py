"""Panels of the lifecycle figures (experiment 14): coverage beside official counts with the
capture-recapture simulation check, and tie loss without a shock (:mod:`twingraph.lifecycle`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..lifecycle.core import OLDER, SYSTEMATIC
from ..lifecycle.loss import FATES

__all__ = ["SOURCE_LABELS", "plot_coverage", "plot_loss"]

SOURCE_LABELS = {"czechia-partnerships-2013": "CZ register 2013", "germany-partnerships-2015": "DE register 2015",
                 "wikidata-crawl-2016": "Wikidata crawl 2016", "wikidata-eu-2017": "Wikidata EU 2017",
                 "wikipedia-lists-2026": "Wikipedia lists 2026"}
_CB = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]


def plot_coverage(axes: Any, cov: pd.DataFrame, sim: pd.DataFrame, summ: pd.DataFrame) -> None:
    """(a) observed, estimated (both populations) and official totals per country; (b) share of
    the ties among known towns each source holds; (c) simulation: relative error and coverage.

    Parameters
    ----------
    axes : sequence of matplotlib Axes
        Three panels.
    cov : DataFrame
        :func:`twingraph.lifecycle.combine_coverage` (countries with 3+ sources or an official
        count are drawn).
    sim : DataFrame
        Replicates of :func:`twingraph.recapture.simulation_study` (``scenario``, ``N_hat``,
        ``N_true``).
    summ : DataFrame
        :func:`twingraph.recapture.simulation_summary` of ``sim`` (``scenario``, ``coverage``).
    """
    show = set(cov.loc[(cov["n_sources"] >= 3) | cov["official_count"].notna(), "country"])
    allc = cov[(cov["source"] == "all") & (cov["population"] == "all ties") & cov["country"].isin(show)]
    known = cov[(cov["source"] == "all") & (cov["population"] != "all ties") & cov["country"].isin(show)]
    order = allc.sort_values("observed")["country"].tolist()
    y = {c: i for i, c in enumerate(order)}
    ax = axes[0]
    for df, col, dy, fill in ((allc, _CB[0], 0.15, "white"), (known, _CB[2], -0.15, _CB[2])):
        yy = df["country"].map(y) + dy
        ax.hlines(yy, df["ci_low"], df["ci_high"].clip(upper=3e5), color=col, lw=1.2)
        ax.plot(df["estimated_total"], yy, "o", mfc=fill, color=col, ms=5)
    ax.plot(allc["observed"], allc["country"].map(y), "|", color="0.3", ms=9, label="seen by any source")
    ax.plot(allc["official_count"], allc["country"].map(y), "x", color=_CB[3], ms=7, mew=2, label="official count")
    ax.plot([], [], "o", mfc="white", color=_CB[0], label="estimate, all ties")
    ax.plot([], [], "o", color=_CB[2], label="estimate, ties among towns every source knows")
    nsrc = allc.set_index("country")["n_sources"]
    ax.set(xscale="log", yticks=range(len(order)), yticklabels=[f"{c} ({nsrc[c]})" for c in order],
           xlabel="ties (log scale); countries with 3+ sources or an official count (number of sources)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0.0, -0.08), ncol=2)
    ax = axes[1]
    ks = known[known["n_sources"] >= 3].sort_values("observed")["country"].tolist()
    per = cov[(cov["population"] != "all ties") & cov["country"].isin(ks) & (cov["source"] != "all")]
    for k, src in enumerate(s for s in SYSTEMATIC if s in set(per["source"])):
        g = per[per["source"] == src].set_index("country").reindex(ks)
        yy = np.arange(len(ks)) + (k - 2) * 0.15
        ax.errorbar(g["capture_prob"], yy, xerr=[g["capture_prob"] - g["capture_low"],
                                                 g["capture_high"] - g["capture_prob"]],
                    fmt="o", ms=3, color=_CB[k], label=SOURCE_LABELS[src], lw=0.8)
    ax.set(yticks=range(len(ks)), yticklabels=ks, xlim=(0, 1), xlabel="share of the ties among known towns held")
    ax.legend(fontsize=7, loc="lower left")
    ax = axes[2]
    for i, (name, g) in enumerate(sim.groupby("scenario", sort=False)):
        ax.boxplot(g["N_hat"] / g["N_true"] - 1, positions=[i], widths=0.5, showfliers=False)
        s = summ.set_index("scenario").loc[name]
        ax.text(i, 0.4, f"cover\n{s['coverage']:.2f}", ha="center", fontsize=8)
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set(xticks=range(len(summ)), ylim=(-0.45, 0.5), ylabel="relative error of the estimate")
    ax.set_xticklabels(summ["scenario"].str.replace(" + ", "\n+ "), fontsize=7, rotation=30)


def plot_loss(axes: Any, loss: pd.DataFrame, tables: pd.DataFrame, model: pd.DataFrame) -> None:
    """(a) 2026 state of each older source's ties; (b) share dropped among covered ties by degree,
    distance and age; (c) the loss model's odds ratios with dyadic-robust intervals.

    Parameters
    ----------
    axes : sequence of matplotlib Axes
        Three panels.
    loss : DataFrame
        :func:`twingraph.lifecycle.tie_loss` (not read: the panels draw ``tables`` and ``model``).
    tables : DataFrame
        :func:`twingraph.lifecycle.loss_tables` of ``loss``.
    model : DataFrame
        :func:`twingraph.lifecycle.loss_model` of ``loss``.
    """
    src = tables[tables["by"] == "source"].set_index("group").reindex(list(OLDER))
    share = src[list(FATES)].div(src["n"], axis=0).rename(index=SOURCE_LABELS)
    left = np.zeros(len(share))
    for k, f in enumerate(FATES):
        axes[0].barh(range(len(share)), share[f], left=left, color=_CB[k], label=f, height=0.7)
        left += share[f].to_numpy()
    axes[0].set(yticks=range(len(share)), yticklabels=share.index, xlabel="share of the source's ties, by 2026 state")
    axes[0].set_xlim(0, 1.42)
    axes[0].set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    axes[0].legend(fontsize=7, loc="center right")
    bins = {"degree": ["1-5", "6-10", "11-20", "21-50", "51+"],
            "distance": ["<250", "250-500", "500-1000", "1000-2000", "2000-5000", "5000+"],
            "age": ["<20", "20-29", "30-39", "40-49", "50-59", "60+"]}
    for k, (by, labels) in enumerate(bins.items()):
        b = tables[tables["by"] == by].set_index("group").reindex(labels)
        axes[1].plot(range(len(b)), b["share_dropped_of_covered"], "o-", color=_CB[k], label=by)
        for i, g in enumerate(labels):
            axes[1].annotate(g, (i, b["share_dropped_of_covered"].iloc[i]), fontsize=6, color=_CB[k],
                             xytext=(2, 3), textcoords="offset points")
    axes[1].set(xlabel="bin (low to high): larger end's degree, distance (km), years since the dated start",
                ylabel="share dropped among covered ties", ylim=(0, 1))
    axes[1].legend(fontsize=8)
    m = model[model["term"] != "intercept"]
    axes[2].errorbar(m["odds_ratio"], range(len(m)), fmt="o", color=_CB[0],
                     xerr=[m["odds_ratio"] - m["ci_low"], m["ci_high"] - m["odds_ratio"]])
    axes[2].axvline(1, color="0.5", lw=0.8)
    axes[2].set(xscale="log", yticks=range(len(m)), yticklabels=m["term"],
                xlabel="odds ratio of being dropped (dyadic-robust 95% CI)")
    axes[2].set_xticks([0.25, 0.5, 1, 2], ["0.25", "0.5", "1", "2"])
    axes[2].minorticks_off()
