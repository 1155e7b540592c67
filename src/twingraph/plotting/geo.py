"""Panels of the geography figures (experiment 06): distance decay with its hinge fit, separate
length bins against the country-pair null, gravity rate ratios, and the country-pair map."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import ACCENT, NEUTRAL, OKABE_ITO

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..measures.gravity import DecaySlopes

__all__ = ["decay_panel", "length_bins_panel", "gravity_panel", "country_pairs_map"]


def decay_panel(ax: Axes, decay: pd.DataFrame, slopes: DecaySlopes) -> None:
    """``P(tie | distance)`` (bins from 1 km) with Wilson bands and the two hinge segments of
    :func:`twingraph.measures.decay_slopes`, the break marked.

    Parameters
    ----------
    ax : matplotlib Axes
        Target axes.
    decay : DataFrame
        :func:`twingraph.measures.distance_decay` table.
    slopes : DecaySlopes
        :func:`twingraph.measures.decay_slopes` (its table and break).
    """
    brk = slopes.break_km
    d = decay[(decay["n_ties"] > 0) & (decay["bin_lo_km"] >= 1)]
    ax.fill_between(d["km_mid"], d["p_low"], d["p_high"], color=NEUTRAL, alpha=0.25, lw=0)
    ax.plot(d["km_mid"], d["p_tie"], "o", ms=2.2, color=NEUTRAL)
    from ..measures.gravity import hinge_curve

    km = np.geomspace(slopes.table["km_from"].min(), slopes.table["km_to"].max(), 80)
    ax.plot(km, hinge_curve(slopes, km), color=ACCENT, lw=1.1)
    for s in slopes.table.itertuples():
        k = np.sqrt(max(s.km_from, 10) * s.km_to)
        ax.text(k, float(hinge_curve(slopes, [k])[0]) * 2.5, f"slope\n{s.slope:.2f}", color=ACCENT, fontsize=6,
                ha="left" if s.segment == "below" else "center", va="bottom")
    ax.axvline(brk, color="0.5", lw=0.7, ls=":")
    ax.text(brk * 1.15, float(d["p_high"].max()), f"flattens\nbeyond\n~{brk:,.0f} km", fontsize=6.5, va="top")
    ax.set(xscale="log", yscale="log", xlabel="distance between places (km)", ylabel="P(tie | distance)")


def _bin_label(lo: float, hi: float) -> str:
    return f">{lo:,.0f}" if not np.isfinite(hi) else f"{lo:,.0f}–\n{hi:,.0f}"


def length_bins_panel(ax: Axes, short: pd.DataFrame) -> None:
    """Observed / null share per separate length bin (from :func:`twingraph.measures.short_tie_bins`,
    stacked with a ``ties`` column: "all", "international"); legend in the empty upper right.

    Parameters
    ----------
    ax : matplotlib Axes
        Target axes.
    short : DataFrame
        The stacked bins (``ties``, ``lo_km``, ``hi_km``, ``ratio``, ``ci_low``, ``ci_high``).
    """
    for k, (scope, mk) in enumerate((("all", "o"), ("international", "s"))):
        s = short[short["ties"] == scope].reset_index(drop=True)
        x = np.arange(len(s)) + (k - 0.5) * 0.25
        ax.errorbar(x, s["ratio"], yerr=[s["ratio"] - s["ci_low"], s["ci_high"] - s["ratio"]],
                    fmt=mk, ms=3.2, color=(NEUTRAL, ACCENT)[k], label=f"{scope} ties", capsize=2)
    b = short[short["ties"] == "all"]
    ax.axhline(1, color="0.5", lw=0.8, ls="--")
    ax.set_xticks(range(len(b)), [_bin_label(lo, hi) for lo, hi in zip(b["lo_km"], b["hi_km"])], fontsize=6.5)
    ax.set(xlabel="tie length (km)", ylabel="observed / country-pair null", yscale="log")
    ticks = [t for t in (0.5, 0.7, 1, 2, 4) if short["ci_low"].min() * 0.9 <= t <= short["ci_high"].max() * 1.1]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.yaxis.set_minor_formatter(__import__("matplotlib").ticker.NullFormatter())
    ax.set_ylim(short["ci_low"].min() * 0.85, short["ci_high"].max() * 1.6)
    ax.legend(loc="upper right", frameon=False, fontsize=6.5, handletextpad=0.2)


def gravity_panel(ax: Axes, grav: pd.DataFrame) -> None:
    """Rate ratios of :func:`twingraph.measures.gravity_model` (distance per doubling) with 95% CIs.

    Parameters
    ----------
    ax : matplotlib Axes
        Target axes.
    grav : DataFrame
        The model's table (``term``, ``coef``, ``ci_low``, ``ci_high``, ``rate_ratio``, ``rr_low``, ``rr_high``).
    """
    from matplotlib.ticker import NullFormatter

    labels = {"log_km": "distance ×2", "border": "shared border", "shared_language": "shared\nlanguage"}
    is_km = grav["term"] == "log_km"
    rr = grav.assign(rr=np.where(is_km, 2 ** grav["coef"], grav["rate_ratio"]),
                     lo=np.where(is_km, 2 ** grav["ci_low"], grav["rr_low"]),
                     hi=np.where(is_km, 2 ** grav["ci_high"], grav["rr_high"]))
    y = np.arange(len(rr))[::-1]
    ax.errorbar(rr["rr"], y, xerr=[rr["rr"] - rr["lo"], rr["hi"] - rr["rr"]], fmt="o", ms=3.5, color=NEUTRAL,
                capsize=2)
    for yi, r in zip(y, rr.itertuples()):
        ax.text(r.rr, yi + 0.22, f"{r.rr:.2f}", ha="center", fontsize=6.5)
    ax.axvline(1, color="0.5", lw=0.8, ls="--")
    ax.set_yticks(y, [labels.get(t, t) for t in rr["term"]])
    ax.set(xscale="log", xlabel="rate ratio of ties (95% CI,\nclustered on both countries)",
           ylim=(-0.5, len(rr) - 0.3))
    ax.set_xticks([0.5, 1, 2, 3], ["0.5", "1", "2", "3"])
    ax.xaxis.set_minor_formatter(NullFormatter())


def country_pairs_map(fig: Figure, world: Any, pairs: pd.DataFrame, anchors: pd.DataFrame,
                      min_ties: dict[str, int], n_top: int = 12) -> list[Axes]:
    """The map of ties by country pair, in three panels.

    Panel a, the world: pairs with ``min_ties["world"]`` ties as curves (never cut at the map's
    edge); panel b, Europe: pairs of European countries with ``min_ties["europe"]`` as great
    circles, ISO3 labels; panel c: the ``n_top`` pairs with most ties as a labelled bar list; a
    horizontal colour bar.

    Parameters
    ----------
    fig : matplotlib Figure
        Figure the panels are added to.
    world : GeoDataFrame
        Country outlines (:func:`twingraph.maps.countries`).
    pairs : DataFrame
        ``country_a, country_b, n_ties``.
    anchors : DataFrame
        Indexed by ISO3 with ``lon, lat``.
    min_ties : dict of str to int
        Keys ``"world"`` and ``"europe"``.
    n_top : int
        Pairs in the bar list.

    Returns
    -------
    list of matplotlib Axes
        World, Europe and bar-list axes.
    """
    import matplotlib as mpl

    from .. import maps

    axw, axe = fig.add_axes((0.0, 0.44, 1.0, 0.56)), fig.add_axes((0.0, 0.0, 0.6, 0.44))
    axt, cax = fig.add_axes((0.66, 0.1, 0.32, 0.3)), fig.add_axes((0.66, 0.03, 0.3, 0.015))
    norm = mpl.colors.LogNorm(min_ties["europe"], pairs["n_ties"].max())
    lo0, lo1, la0, la1 = maps.EUROPE
    europe = set(anchors.index[anchors["lon"].between(lo0, lo1) & anchors["lat"].between(la0, la1)])
    sm = None
    for ax, key in ((axw, "world"), (axe, "europe")):
        maps.draw_choropleth(ax, world)
        shown = pairs if key == "world" else pairs[pairs["country_a"].isin(europe) & pairs["country_b"].isin(europe)]
        shown = shown[shown["n_ties"] >= min_ties[key]]
        sm = maps.draw_country_pairs(ax, shown, anchors, norm=norm, max_width=2.0 if key == "world" else 3.0,
                                     path="curve" if key == "world" else "great_circle")
        ends = sorted(set(shown["country_a"]) | set(shown["country_b"]))
        maps.label_countries(ax, anchors, [c for c in ends if key == "europe" or c not in europe])
        if key == "europe":
            maps.set_extent(ax, maps.EUROPE)
    if sm is not None:
        fig.colorbar(sm, cax=cax, orientation="horizontal", label="ties per country pair (log scale)")
    top = pairs.nlargest(n_top, "n_ties")
    axt.set_axis_off()
    axt.set(xlim=(0, 1), ylim=(n_top - 0.5, -1.2))
    axt.text(0, -1, "country pairs with most ties", fontsize=7, weight="bold")
    for i, r in enumerate(top.itertuples()):
        axt.text(0, i, f"{r.country_a}–{r.country_b}", fontsize=6.5, va="center")
        axt.text(0.46, i, f"{r.n_ties:,}", fontsize=6.5, va="center", ha="right")
        axt.barh(i, r.n_ties / top["n_ties"].max() * 0.5, left=0.5, height=0.6, color=OKABE_ITO["blue"])
    return [axw, axe, axt]
