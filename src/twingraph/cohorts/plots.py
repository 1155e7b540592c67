"""Cohort figures: shares ended with numbers at risk, competing risks, forest plots, maps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from ..survival import CumulativeIncidence, KaplanMeier
from .outcomes import DAYS_PER_MONTH, at_risk, survival_table

# ----------------------------------------------------------------------------------------------
# drawing (matplotlib imported lazily, as in twingraph.survival)
# ----------------------------------------------------------------------------------------------

#: Okabe–Ito colour-blind-safe palette (black first).
PALETTE: Final = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442")
#: Outcome colours for maps.
STATUS_COLORS: Final = {"no documented change": "0.6", "maintained": "#009E73", "announced": "#E69F00",
                        "suspended": "#D55E00", "terminated": "#0072B2"}


def plot_share_ended(ax: Any, sets: dict[str, pd.DataFrame], ticks: Sequence[float] = tuple(range(0, 49, 6)),
                     colors: Sequence[str] = PALETTE, risk_ax: Any = None) -> Any:
    """Kaplan–Meier share ended (1 - S) by month for several cohort tables, with numbers at risk.

    The first set is drawn thick with its 95% band, the others dashed.  The numbers at risk (ties
    with duration > t, :func:`at_risk`) at each tick go into ``risk_ax`` (an axis below ``ax``
    sharing its x range; one row per curve), or under ``ax`` when ``risk_ax`` is None.

    Parameters
    ----------
    ax : matplotlib Axes
    sets : dict
        Label -> :func:`cohort_table` rows.
    ticks : sequence of float
        Months at which to print the numbers at risk (also the x ticks).
    colors : sequence of str
    risk_ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    n = len(sets)
    pooled = survival_table(next(iter(sets.values()))).median_days if sets else None
    for k, ((name, g), col) in enumerate(zip(sets.items(), colors)):
        s = survival_table(g, median_days=pooled).table  # undated ends at the first (pooled) set's median
        f = KaplanMeier().fit(s["duration"] / DAYS_PER_MONTH, s["event"])
        t = np.r_[f.timeline_, s["duration"].max() / DAYS_PER_MONTH]
        y = 1 - np.r_[f.survival_function_.iloc[:, 0], f.survival_function_.iloc[-1, 0]]
        ax.step(t, y, where="post", color=col, lw=2.2 if k == 0 else 1.3, ls="-" if k == 0 else "--",
                label=f"{name} (n={len(s)}, {int(s['event'].sum())} ends)")
        if k == 0:
            ci = f.confidence_interval_.to_numpy()
            ax.fill_between(t, 1 - np.r_[ci[:, 1], ci[-1, 1]], 1 - np.r_[ci[:, 0], ci[-1, 0]], step="post",
                            color=col, alpha=0.12, lw=0)
        for m, r in zip(ticks, at_risk(s, ticks)):
            if risk_ax is None:
                ax.text(m, -0.19 - 0.045 * k, str(r), transform=ax.get_xaxis_transform(), ha="center", fontsize=7,
                        color=col)
            else:
                risk_ax.text(m, n - 1 - k, str(r), ha="center", va="center", fontsize=7, color=col)
        if risk_ax is not None:
            risk_ax.text(ticks[0] - 3, n - 1 - k, name, ha="right", va="center", fontsize=7, color=col)
    ax.set(xticks=list(ticks), xlim=(ticks[0] - 1, ticks[-1]), ylim=(0, 1), xlabel="months since the shock",
           ylabel="cumulative share suspended or terminated (1 − KM)")
    if risk_ax is None:
        ax.text(ticks[0] - 1, -0.145, "number at risk (rows = curves):", transform=ax.get_xaxis_transform(),
                fontsize=7)
    else:
        risk_ax.set(xlim=ax.get_xlim(), ylim=(-0.6, n - 0.4), xticks=[], yticks=[])
        risk_ax.set_title("number at risk", fontsize=7, loc="left")
        for side in ("top", "right", "bottom", "left"):
            risk_ax.spines[side].set_visible(False)
    return ax


def plot_competing(ax: Any, table: pd.DataFrame, horizon: float = 48) -> Any:
    """Aalen–Johansen incidence of suspension and termination: documented (solid) and the upper bound
    where every tie without a documented change is suspended at the median documented time (dotted).

    Parameters
    ----------
    ax : matplotlib Axes
        Target axes.
    table : DataFrame
        Rows of :func:`cohort_table`.
    horizon : float
        Right end of the x axis (months).

    Returns
    -------
    matplotlib Axes
    """
    for sc, ls, lab in (("documented", "-", "documented"), ("undocumented-ended", ":", "bound: no change = suspended")):
        s = survival_table(table, scenario=sc).table
        causes = (("suspended", "#D55E00"), ("terminated", "#0072B2"))
        for cause, col in causes if sc == "documented" else causes[:1]:
            if not (s["event_type"] == cause).any():
                if sc == "documented":
                    ax.axhline(0, color=col, label=f"{cause}: no documented case")
                continue
            f = CumulativeIncidence().fit(s["duration"] / DAYS_PER_MONTH, s["event_type"], cause=cause)
            v = f.cumulative_density_.iloc[:, 0].to_numpy()
            ax.step(np.r_[f.timeline_, horizon], np.r_[v, v[-1]], where="post", color=col, ls=ls,
                    label=f"{cause}: {lab}")
    ax.set(xlim=(-1, horizon), ylim=(-0.01, 1), xlabel="months since the shock",
           ylabel="cumulative incidence (Aalen–Johansen)")
    return ax


def plot_forest(ax: Any, cox: pd.DataFrame) -> Any:
    """Forest plot of the fitted rows of :func:`fit_cox` output (hazard ratios, log scale, 95% CI).

    Parameters
    ----------
    ax : matplotlib Axes
        Target axes.
    cox : DataFrame
        :func:`fit_cox` output (``status``, ``hazard_ratio``, ``hr_lower``, ``hr_upper``, ``covariate``,
        ``model``, ``n``, ``events``).

    Returns
    -------
    matplotlib Axes
    """
    shown = cox[cox["status"] == "fitted"].reset_index(drop=True)
    y = np.arange(len(shown))[::-1]
    ax.errorbar(shown["hazard_ratio"], y, fmt="s", color="black", capsize=3,
                xerr=[shown["hazard_ratio"] - shown["hr_lower"], shown["hr_upper"] - shown["hazard_ratio"]])
    ax.axvline(1, color="0.6", lw=0.8)
    ax.set(xscale="log", yticks=y, ylim=(-0.7, len(shown) - 0.3), xlabel="hazard ratio (95% CI)")
    ax.set_yticklabels([f"{c}  [{m}; n={n}, {e} ends]" for c, m, n, e in
                        zip(shown["covariate"], shown["model"], shown["n"], shown["events"])], fontsize=7)
    return ax


def plot_map(ax: Any, table: pd.DataFrame, world: Any, extent: tuple[float, float, float, float]) -> Any:
    """Cohort ties (linked, with coordinates) as great circles coloured by outcome on country outlines.

    ``world`` is a GeoDataFrame of outlines (e.g. Natural Earth); ``extent`` = (lon0, lon1, lat0,
    lat1).  Ties attested before the shock are drawn thick.

    Parameters
    ----------
    ax : matplotlib Axes
        Target axes.
    table : DataFrame
        Linked cohort table (``lat_a, lon_a, lat_b, lon_b``, ``status``, ``pre_shock``).
    world : GeoDataFrame
        Country outlines.
    extent : tuple of float
        ``(lon0, lon1, lat0, lat1)``.

    Returns
    -------
    matplotlib Axes
    """
    from ..measures.geography import great_circle_path

    world.plot(ax=ax, color="0.94", edgecolor="0.65", lw=0.3)
    for st, col in STATUS_COLORS.items():
        g = table[table["status"] == st].dropna(subset=["lon_a", "lon_b"])
        for r in g.itertuples():
            for piece in great_circle_path(r.lat_a, r.lon_a, r.lat_b, r.lon_b, 40):
                ax.plot(piece[:, 0], piece[:, 1], color=col, lw=1.3 if r.pre_shock else 0.6, alpha=0.75)
        ax.plot([], [], color=col, label=f"{st} ({int((table['status'] == st).sum())})")
    x0, x1, y0, y1 = extent
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xticks=[], yticks=[], xlabel="", ylabel="",
           aspect=1 / np.cos(np.radians((y0 + y1) / 2)))
    return ax


def plot_share_ended_panels(axes: Sequence[Any], risk_axes: Sequence[Any], panels: dict[str, dict[str, pd.DataFrame]],
                            ticks: Sequence[float] = tuple(range(0, 49, 6)), xlabel: str = "months since the shock",
                            ) -> None:
    """:func:`plot_share_ended` of several sets of :func:`partner_sets`, one panel each.

    Curves are labelled by the part of each key after ``": "`` (the partner country, or ``all``).

    Parameters
    ----------
    axes, risk_axes : sequence of matplotlib Axes
        Curve and numbers-at-risk axes, zipped with ``panels``.
    panels : dict
        Panel title -> :func:`partner_sets` output.
    ticks : sequence of float
        Months of the x ticks and of the numbers at risk.
    xlabel : str
        x-axis label.
    """
    order: list[str] = []  # one colour per label across the panels (FIN is the same colour everywhere)
    for sets in panels.values():
        order += [k.split(": ")[1] for k in sets if k.split(": ")[1] not in order]
    colour = dict(zip(order, PALETTE)) if order and order[0] == "all" else {}
    for ax, risk, (title, sets) in zip(axes, risk_axes, panels.items()):
        labels = [k.split(": ")[1] for k in sets]
        cols = [colour[x] for x in labels] if colour and len(order) <= len(PALETTE) else PALETTE
        plot_share_ended(ax, dict(zip(labels, sets.values())), ticks, colors=cols, risk_ax=risk)
        ax.set(title=title, xlabel=xlabel)
        ax.legend(fontsize=7, frameon=False, loc="upper left", title="partner country", title_fontsize=7)


def plot_map_panels(table: pd.DataFrame, world: Any, extents: Sequence[tuple[float, float, float, float]],
                    width_ratios: Sequence[float] = (1, 1.7), figsize: tuple[float, float] = (15, 5)) -> Any:
    """A figure of :func:`plot_map` panels side by side, the outcome legend under the last one.

    Parameters
    ----------
    table : DataFrame
        Linked cohort table (``lat_a, lon_a, lat_b, lon_b``, ``status``, ``pre_shock``).
    world : GeoDataFrame
        Country outlines.
    extents : sequence of (lon0, lon1, lat0, lat1)
        One per panel.
    width_ratios : sequence of float
        Relative panel widths.
    figsize : tuple of float
        Figure size (inches).

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(extents), figsize=figsize, squeeze=False,
                             gridspec_kw={"width_ratios": list(width_ratios), "wspace": 0.03})
    for ax, extent in zip(axes[0], extents):
        plot_map(ax, table, world, extent)
    axes[0, -1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(0, -0.02), ncol=5, frameon=False,
                       title="outcome (thick = attested before the shock)", title_fontsize=7)
    return fig


#: Readable names of the Cox covariates of the cohort models (forest plots).
COVARIATE_LABELS: Final = {
    "log10_distance_km": "distance (per 10×)", "log2_degree_a": "partners of the non-Russian place, 2026 (per 2×)",
    "log2_degree_b": "partners of the Russian place, 2026 (per 2×)",
    "log2_degree_2016_a": "partners of the non-Russian place, 2016 (per 2×)",
    "log2_degree_2016_b": "partners of the Russian place, 2016 (per 2×)", "tie_age_decades": "tie age (per decade)",
    "log2_queries": "search queries (per 2×)", "in_2026_list": "listed in the 2026 lists",
    "log10_pop_a": "population, non-Russian place (per 10×)", "log10_pop_b": "population, Russian place (per 10×)",
}


def _label(cov: str) -> str:
    if cov in COVARIATE_LABELS:
        return COVARIATE_LABELS[cov]
    if cov.startswith("partner_") and "_vs_" in cov:
        a, b = cov.removeprefix("partner_").split("_vs_")
        return f"partner country {a} (vs {b})"
    return cov.replace("_", " ")


def plot_forest_panels(cox: pd.DataFrame, models: Sequence[str] | None = None, width: float = 7.5) -> Any:
    """One forest panel per model (fitted rows of :func:`~twingraph.cohorts.fit_cox`), readable labels.

    Each panel's title names the model with its ``n`` and number of ends; covariates that are not
    estimable are listed under the panel instead of plotted.  Returns the matplotlib Figure.

    Parameters
    ----------
    cox : DataFrame
        :func:`~twingraph.cohorts.fit_cox` output.
    models : sequence of str, optional
        Models to draw, in order (default: all, in order of appearance).
    width : float
        Figure width (inches).

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    models = list(dict.fromkeys(cox["model"])) if models is None else list(models)
    sizes = [max(int(((cox["model"] == m) & (cox["status"] == "fitted")).sum()), 1) for m in models]
    fig, axes = plt.subplots(len(models), 1, figsize=(width, 0.32 * sum(sizes) + 1.1 * len(models)), squeeze=False,
                             height_ratios=sizes, sharex=True)
    for ax, m in zip(axes[:, 0], models):
        g = cox[cox["model"] == m]
        shown = g[g["status"] == "fitted"].reset_index(drop=True)
        y = np.arange(len(shown))[::-1]
        ax.errorbar(shown["hazard_ratio"], y, fmt="s", color="black", capsize=3, ms=4,
                    xerr=[shown["hazard_ratio"] - shown["hr_lower"], shown["hr_upper"] - shown["hazard_ratio"]])
        ax.axvline(1, color="0.6", lw=0.8)
        ax.set_yticks(y, [_label(c) for c in shown["covariate"]], fontsize=8)
        ax.set_ylim(-0.7, max(len(shown), 1) - 0.3)
        n = int(g["n"].dropna().max()) if g["n"].notna().any() else 0
        e = int(g["events"].dropna().max()) if g["events"].notna().any() else 0
        ax.set_title(f"{m} (n = {n} ties, {e} ends)", fontsize=8.5, loc="left")
        skipped = g[~g["status"].isin(["fitted", "reference"])]
        if len(skipped):
            ax.text(1.0, -0.02, "not estimable: " + ", ".join(_label(c) for c in skipped["covariate"]),
                    transform=ax.transAxes, ha="right", va="top", fontsize=6.5, color="0.4")
    axes[-1, 0].set_xscale("log")
    axes[-1, 0].set_xlabel("hazard ratio of a documented end (95% CI)")
    fig.tight_layout()
    return fig


def plot_flow_map(ax: Any, table: pd.DataFrame, world: Any, extent: tuple[float, float, float, float],
                  cmap: str = "viridis_r", towns: bool = False) -> Any:
    """Ties aggregated by partner country: one line per country from the mean position of its cohort towns to the
    mean position of their Russian partners, width by ties, colour by the share with a documented end.

    Only towns inside ``extent`` (lon0, lon1, lat0, lat1) enter the means, so no line leaves the frame; the
    country code with its ties and share is written at the line's Western end.  ``towns=True`` also marks each
    cohort town by its outcome (:data:`STATUS_COLORS`).  Returns a ScalarMappable for a colour bar.

    Parameters
    ----------
    ax : matplotlib Axes
        Target axes.
    table : DataFrame
        Linked cohort table (``lat_a, lon_a, lat_b, lon_b``, ``country_a``, ``status``).
    world : GeoDataFrame
        Country outlines.
    extent : tuple of float
        ``(lon0, lon1, lat0, lat1)``.
    cmap : str
        Colour map of the ended share.
    towns : bool
        Mark each cohort town.

    Returns
    -------
    matplotlib.cm.ScalarMappable
    """
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    x0, x1, y0, y1 = extent
    inside = table.dropna(subset=["lon_a", "lat_a", "lon_b", "lat_b"])
    inside = inside[inside["lon_a"].between(x0, x1) & inside["lat_a"].between(y0, y1)
                    & inside["lon_b"].between(x0, x1) & inside["lat_b"].between(y0, y1)]
    world.plot(ax=ax, color="0.94", edgecolor="0.7", lw=0.3)
    norm, cm = Normalize(0, 1), plt.get_cmap(cmap)
    ended = inside["status"].isin(["suspended", "terminated"])
    agg = inside.assign(ended=ended).groupby("country_a").agg(
        ties=("ended", "size"), ended=("ended", "mean"), xa=("lon_a", "mean"), ya=("lat_a", "mean"),
        xb=("lon_b", "mean"), yb=("lat_b", "mean"))
    lines = []
    for cc, r in agg.sort_values("ties", ascending=False).iterrows():
        ax.plot([r["xa"], r["xb"]], [r["ya"], r["yb"]], color=cm(norm(r["ended"])), lw=1 + 6 * np.sqrt(r["ties"] / 120),
                solid_capstyle="round", alpha=0.9, zorder=2)
        ax.annotate(cc, (r["xa"], r["ya"]), fontsize=7, fontweight="bold", xytext=(-3, 0),
                    textcoords="offset points", ha="right", va="center", zorder=6,
                    bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8})
        lines.append(f"{cc}: {int(r['ties'])} ties, {r['ended']:.0%} ended")
    ax.text(0.01, 0.99, "\n".join(lines), transform=ax.transAxes, ha="left", va="top", fontsize=7,
            bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": "0.7", "alpha": 0.9}, zorder=5)
    ax.scatter(inside["lon_b"], inside["lat_b"], s=4, color="0.3", zorder=3, label="Russian partner place")
    if towns:
        for st, col in STATUS_COLORS.items():
            g = inside[inside["status"] == st]
            ax.scatter(g["lon_a"], g["lat_a"], s=7, color=col, zorder=4, lw=0, label=f"{st} ({len(g)} ties)")
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xticks=[], yticks=[], xlabel="", ylabel="",
           aspect=1 / np.cos(np.radians((y0 + y1) / 2)))
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cm)
    return sm


def plot_flow_map_figure(table: pd.DataFrame, world: Any, width: float = 7.2) -> Any:
    """The cohort map as one figure: European partner countries above (legend and colour bar beside
    them), US ties below across the full width, every panel filling its cell (no idle margins).

    Parameters
    ----------
    table : DataFrame
        Linked cohort table (:func:`plot_flow_map`), US ties by ``country_a == "USA"``.
    world : GeoDataFrame
        Country outlines.
    width : float
        Figure width in inches (7.2: a journal page).

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    eu, us = (-12.0, 62.0, 40.0, 71.0), (-165.0, 180.0, 18.0, 74.0)

    def _ratio(e: tuple[float, float, float, float]) -> float:  # height / width of a panel at its aspect
        return (e[3] - e[2]) / ((e[1] - e[0]) * np.cos(np.radians((e[2] + e[3]) / 2)))

    wa = 0.62 * width
    ha, hb = wa * _ratio(eu), width * _ratio(us)
    fig = plt.figure(figsize=(width, ha + hb + 0.45))
    gs = fig.add_gridspec(2, 2, width_ratios=[wa, width - wa], height_ratios=[ha, hb], wspace=0.02, hspace=0.1,
                          left=0.01, right=0.99, bottom=0.02, top=0.96)
    ax_a, side, ax_b = fig.add_subplot(gs[0, 0]), fig.add_subplot(gs[0, 1]), fig.add_subplot(gs[1, :])
    usa = table["country_a"] == "USA"
    sm = plot_flow_map(ax_a, table[~usa], world, eu, towns=True)
    plot_flow_map(ax_b, table[usa], world, us, towns=True)
    for ax in (ax_a, ax_b):
        for sp in ax.spines.values():
            sp.set(visible=True, lw=0.5, color="0.6")
    ax_a.set_title("(a) European partner countries", fontsize=8, loc="left")
    ax_b.set_title("(b) US ties (towns in the US, partners in Russia)", fontsize=8, loc="left")
    side.axis("off")
    handles, labels = ax_a.get_legend_handles_labels()
    side.legend(handles, labels, loc="upper left", fontsize=7, frameon=False, markerscale=1.6,
                title="outcome of each tie in (a),\na dot at its non-Russian town", title_fontsize=7, alignment="left")
    cax = side.inset_axes((0.06, 0.12, 0.8, 0.05))
    fig.colorbar(sm, cax=cax, orientation="horizontal")
    cax.set_title("line: share of the ties\nwith a documented end", fontsize=7, loc="left")
    cax.tick_params(labelsize=6.5)
    return fig
