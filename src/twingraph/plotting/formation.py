"""Panels of the formation figures (experiments 12 and 13): new partnerships by partner country
with events marked, event-study grids, and the attachment kernel."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import ACCENT, NEUTRAL, OKABE_ITO

if TYPE_CHECKING:  # pragma: no cover
    pass

__all__ = ["formation_grid", "event_study_grid", "attachment_panels"]


def formation_grid(axes: Any, counts: pd.DataFrame, groups: Iterable[str], events: dict[str, list[float]],
                   placeholder: int | None = 2000, label: dict[str, str] | None = None) -> None:
    """One bar panel per group (``counts``: ``group, year, formed, n_pairs``); dashed vermillion
    lines at ``events[group]``; the ``placeholder`` year's bar in black, clipped to the panel's
    y-range (set by the other years) with its height written on it.

    Parameters
    ----------
    axes : array of matplotlib Axes
        One per group (flattened).
    counts : DataFrame
        ``group, year, formed, n_pairs``.
    groups : iterable of str
        Groups, in panel order.
    events : dict of str to list of float
        Group -> event years.
    placeholder : int or None
        Year of a placeholder date.
    label : dict of str to str, optional
        Group -> panel title.
    """
    label = label or {}
    for ax, g in zip(np.ravel(axes), groups):
        c = counts[counts["group"] == g]
        other = c.loc[c["year"] != placeholder, "formed"]
        top = max(1.0, float(other.max()) * 1.15)
        ax.bar(c["year"], np.minimum(c["formed"], top), width=0.9,
               color=[OKABE_ITO["black"] if y == placeholder else NEUTRAL for y in c["year"]])
        ph = c[c["year"] == placeholder]
        if placeholder is not None and len(ph) and float(ph["formed"].iloc[0]) > top:
            ax.text(placeholder + 1.2, top * 0.97, f"2000: {int(ph['formed'].iloc[0])}", fontsize=5.5, va="top")
        for t in events.get(g, []):
            ax.axvline(t, color=ACCENT, ls="--", lw=0.8)
        ax.set_ylim(0, top)
        ax.set_title(f"{label.get(g, g)} (n = {int(c['n_pairs'].iloc[0]):,})", fontsize=7, loc="left")
        ax.tick_params(labelsize=6)


def event_study_grid(axes: Any, coefs: pd.DataFrame, summ: pd.DataFrame, notes: dict[str, str] | None = None,
                     width: int = 34) -> None:
    """One event-study panel per row of ``summ`` (from :func:`twingraph.formation.event_studies`):
    rate ratios with 95% intervals on a log scale shared by all panels, the reference year as an
    open circle, years without treated formation marked 0; title = the event's name (wrapped),
    register and treated group; the pooled effect, the model and placebo p values and the
    pre-trend test in the panel's upper-left corner; ``notes[event|register]`` in vermillion.

    Parameters
    ----------
    axes : array of matplotlib Axes
        Panels (extra ones switched off).
    coefs : DataFrame
        Per-year coefficients (``event``, ``register``, ``k``, ``rate_ratio``, ``se``, ``ci_low``,
        ``ci_high``, ``treated_count``).
    summ : DataFrame
        One row per event study.
    notes : dict of str to str, optional
        ``"<event>|<register>"`` -> note.
    width : int
        Title wrap width (characters).
    """
    notes = notes or {}
    flat = list(np.ravel(axes))
    for ax, s in zip(flat, summ.to_dict("records")):
        who = "5 eastern states" if s["unit"] == "focal_subdivision" else s["treated"].replace(";", ", ")
        c = coefs[(coefs["event"] == s["event"]) & (coefs["register"] == s["register"])]
        ax.axhline(1, color="0.6", lw=0.7)
        ax.axvline(-0.5, color=ACCENT, ls="--", lw=0.8)
        ok = c["se"].notna() & c["rate_ratio"].notna()
        rr = c.loc[ok, "rate_ratio"]
        ax.errorbar(c.loc[ok, "k"], rr, fmt="o", color=NEUTRAL, ms=2.8, capsize=1.5, lw=0.8,
                    yerr=[rr - c.loc[ok, "ci_low"], c.loc[ok, "ci_high"] - rr])
        ax.plot([-1], [1], "o", mfc="white", color=NEUTRAL, ms=2.8)
        ax.set_yscale("log")
        for k in c.loc[c["treated_count"] == 0, "k"]:
            ax.annotate("0", (k, 1), fontsize=6, color=ACCENT, ha="center", va="center")
        name = textwrap.fill(str(s.get("event_name", s["event"])), width)
        ax.set_title(f"{name}\n" + textwrap.fill(f"{s['register']} register; treated: {who}", width),
                     fontsize=6.5, loc="left")
        pp = s.get("placebo_p_value", np.nan)
        txt = (f"post RR {s['post_rate_ratio']:.2f} [{s['post_ci_low']:.2f}, {s['post_ci_high']:.2f}]\n"
               f"placebo p = {pp:.2f} ({int(s.get('placebo_n', 0))} sets)\n"
               f"pre-trend p = {s['pretrend_p_value']:.2g}")
        ax.text(0.03, 0.97, txt, transform=ax.transAxes, fontsize=5.5, va="top",
                bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})
        note = notes.get(f"{s['event']}|{s['register']}")
        if note:
            ax.text(0.97, 0.03, textwrap.fill(note, 30), transform=ax.transAxes, fontsize=5.5, va="bottom",
                    ha="right", color=ACCENT, bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1})
        ax.tick_params(labelsize=6)
    for ax in flat[len(summ):]:
        ax.axis("off")




def attachment_panels(ax: Any, ax2: Any, ak: Any, kern: pd.DataFrame) -> None:
    """(a) ``A(k)`` with exact intervals over the date-shuffled null's 95% band (drawn on top as an
    outline, so the null stays visible), the fitted ``k^alpha`` and linear ``k``; integer k ticks.
    (b) The null's ``alpha`` histogram with the observed ``alpha`` and its CI as a bar above it.

    Parameters
    ----------
    ax, ax2 : matplotlib Axes
        Panels (a) and (b).
    ak : AttachmentKernel
        Fitted kernel (``alpha_``, ``alpha_ci_``, ``null_alpha_``, ``n_replicates``).
    kern : DataFrame
        Its table by degree bin (``k_low``, ``k_high``, ``relative_rate``, ``ci_low``, ``ci_high``,
        ``observed``, ``expected``, ``null_q025``, ``null_q975``).
    """
    from matplotlib.ticker import MaxNLocator, NullFormatter

    kmid = np.sqrt(kern["k_low"] * np.maximum(kern["k_high"], kern["k_low"]))
    ax.fill_between(kmid, kern["null_q025"], kern["null_q975"], color="0.85", lw=0, zorder=1)
    for q in ("null_q025", "null_q975"):
        ax.plot(kmid, kern[q], color="0.45", lw=0.7, zorder=4)
    ax.plot([], [], color="0.45", lw=3, alpha=0.4, label="date-shuffled null, 95% range")
    rr = kern["relative_rate"]
    ax.errorbar(kmid, rr, yerr=[rr - kern["ci_low"], kern["ci_high"] - rr], fmt="o", ms=3, color=NEUTRAL,
                capsize=1.5, lw=0.8, label="observed A(k), exact 95% CI", zorder=5)
    kk = np.geomspace(1, float(kmid.max()), 50)
    scale = kern["observed"].sum() / (kern["expected"] * kmid ** ak.alpha_).sum()
    lo, hi = ak.alpha_ci_
    ax.plot(kk, scale * kk ** ak.alpha_, color=ACCENT, lw=1, zorder=3,
            label=f"fit k^α, α = {ak.alpha_:.2f} [{lo:.2f}, {hi:.2f}]")
    ax.plot(kk, (kern["observed"].sum() / (kern["expected"] * kmid).sum()) * kk, color=OKABE_ITO["bluish_green"],
            ls=":", lw=1, zorder=3, label="linear, α = 1")
    ticks = [1, 2, 3, 5, 10, 20]
    ax.set(xscale="log", yscale="log", xlabel="partners k at the start of the year",
           ylabel="relative attachment rate A(k)")
    ax.set_xticks(ticks, [str(t) for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.legend(fontsize=6, frameon=False, loc="upper left")
    ns = ak.null_summary()
    ax2.hist(ak.null_alpha_, bins=20, color="0.75", label=f"null α ({ak.n_replicates} registers)")
    ymax = ax2.get_ylim()[1]
    ax2.errorbar([ak.alpha_], [ymax * 1.12], xerr=[[ak.alpha_ - lo], [hi - ak.alpha_]], fmt="o", ms=3.5,
                 color=ACCENT, capsize=2, label="observed α, 95% CI")
    ax2.axvline(ak.alpha_, color=ACCENT, lw=0.8, ls="--")
    ax2.axvline(1, color="0.3", lw=0.6, ls=":")
    ax2.set_ylim(0, ymax * 1.35)
    ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.set(xlabel="exponent α", ylabel="replicates")
    ax2.text(0.02, 0.70, f"null 95% range\n{ns['null_low']:.2f}-{ns['null_high']:.2f}\n"
             f"observed - null mean\n= {ns['difference']:+.2f}, p = {ns['p_value']:.3f}",
             transform=ax2.transAxes, fontsize=6, va="top")
    ax2.legend(fontsize=6, frameon=False, loc="upper right")
