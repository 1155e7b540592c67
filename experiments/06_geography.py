"""Geography of ties: how long are twinning ties, and are they shorter than chance?

Data: wikipedia-lists-2026 (coordinates for 17,170 of 17,212 places, from the geocoded file of
the same source).  The wikidata-crawl-2016 data carry no coordinates, so they cannot be used here.

Claim tested (seed 002, ../shared/seeds/002_c6a9e63515bb6e76.txt): "A recent study has concluded
that geographical distance has very little, if any, influence upon communities' selections of a
twin town."  Observed great-circle tie lengths (``edge_distances``) are compared with three null
models, 50 replicates each, seeded from SEED:

* configuration (``distance_null_test``): edge ends shuffled, every place keeps its degree;
* rewire (``distance_null_test``): degree-preserving edge swaps of the simple graph;
* country pairs (here, numpy): inside each country pair (e.g. all FRA-DEU ties), the partner
  ends are shuffled, so degrees *and* the number of ties per country pair are kept.  It asks
  whether distance matters once the choice of partner country is given.

Also: tie length by continent pair (``distance_by_group_pair``, continents ``continent_7``)
and a map of all ties as great-circle arcs (equirectangular lon/lat; no basemap package is
installed, the grey dots are the geocoded places themselves).

Outputs (figures/): geo_null_tests.csv, geo_length_hist.csv, geo_length_distribution.png,
geo_continent_pairs.csv, geo_continent_pairs.png, geo_tie_lengths.csv, geo_ties_map.png.
"""

import time

import numpy as np
import pandas as pd
from _setup import FIGURES, SEED, dataset, save, stamp

import matplotlib.pyplot as plt
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap, LogNorm
from scipy import stats
import twingraph as tg
from twingraph import measures as tm

T0 = time.perf_counter()
SRC = "wikipedia-lists-2026 (English Wikipedia lists, Feb 2026; coordinates from the same source)"
CONT = "continent_7"
N_NULL = 50
THRESHOLDS = (100, 500, 1000)
print("note: wikidata-crawl-2016 has neither countries nor coordinates; this script uses "
      "wikipedia-lists-2026 only.")

wp = dataset("wikipedia-lists-2026")
g, ids = tg.to_igraph(tg.simple_graph(wp))
km = tm.edge_distances(g)
E = np.asarray(g.get_edgelist())
ctry = np.asarray(g.vs["country"], dtype=object)
located = np.isfinite(km)
print(f"{g.ecount()} ties, {located.sum()} with coordinates at both ends; "
      f"{np.isfinite(np.asarray(g.vs['lat'])).sum()} of {g.vcount()} places located")
lat, lon = np.asarray(g.vs["lat"]), np.asarray(g.vs["lon"])

# Data check.  The source's geocoding puts some places at a namesake abroad (Perth CAN at Perth
# AUS, Subiaco ITA at Subiaco AUS, Christchurch GBR in New Zealand).  Flag (a) international ties
# shorter than 1 km and (b) places farther from the median position of their country's places
# than max(1,500 km, 3 x that country's 95th percentile); (b) also catches genuine overseas
# places (Reunion for FRA), so the check is conservative.  The main results keep every tie; the
# null tests are repeated without the flagged ties as a sensitivity check.
zero_int = located & (km < 1) & (ctry[E[:, 0]] != ctry[E[:, 1]])
pl = pd.DataFrame({"country": ctry, "lat": lat, "lon": lon})
med = pl.dropna().groupby("country")[["lat", "lon"]].median()
off = tm.haversine_km(lat, lon, med["lat"].reindex(ctry).to_numpy(), med["lon"].reindex(ctry).to_numpy())
limit = np.maximum(1500.0, 3 * pd.Series(off).groupby(ctry).transform(lambda x: x.quantile(0.95)).to_numpy())
far = np.isfinite(off) & (off > limit)
flagged = located & (zero_int | far[E[:, 0]] | far[E[:, 1]])
print(f"data check: {int((km[located] < 1).sum())} ties shorter than 1 km, {int(zero_int.sum())} of them "
      f"international (namesake geocoding); {int(far.sum())} places far from the rest of their country; "
      f"{int(flagged.sum())} ties flagged ({flagged.mean():.1%})")
print("  farthest:", "; ".join(f"{g.vs[i]['label']} {ctry[i]} ({off[i]:,.0f} km)"
                                for i in np.argsort(-np.nan_to_num(off))[:8]))

ties = pd.DataFrame({"a": [ids[i] for i in E[:, 0]], "b": [ids[i] for i in E[:, 1]],
                     "country_a": ctry[E[:, 0]], "country_b": ctry[E[:, 1]], "km": np.round(km, 1),
                     "flagged_geocoding": flagged})
ties.to_csv(FIGURES / "geo_tie_lengths.csv", index=False)


# ---------------------------------------------------------------------------------- null models
def country_pair_null(gr, seed: int) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """One replicate: partner ends shuffled inside each country pair (degrees and ties per country
    pair kept; pairs of a place with itself dropped).  Returns lengths and the (a, b) end arrays."""
    e = np.asarray(gr.get_edgelist())
    e = e[np.isfinite(tm.edge_distances(gr))]
    c = np.asarray(gr.vs["country"], dtype=str)
    la, lo = np.asarray(gr.vs["lat"]), np.asarray(gr.vs["lon"])
    a, b = e[:, 0].copy(), e[:, 1].copy()
    swap = c[a] > c[b]  # orient: a holds the alphabetically first country
    a[swap], b[swap] = b[swap], a[swap]
    grp = pd.factorize(pd.Series(c[a]) + "-" + c[b])[0]
    rng = np.random.default_rng(seed)
    order = np.lexsort((rng.random(len(b)), grp))  # random order inside each group
    slots = np.lexsort((np.arange(len(b)), grp))  # original order inside each group
    nb = np.empty_like(b)
    nb[slots] = b[order]
    keep = a != nb
    return tm.haversine_km(la[a], lo[a], la[nb], lo[nb])[keep], (a[keep], nb[keep])


def zp(o: float, null: np.ndarray) -> tuple[float, float]:
    mu, sd = null.mean(), null.std(ddof=1)
    return float((o - mu) / sd), float((1 + np.sum(np.abs(null - mu) >= abs(o - mu))) / (len(null) + 1))


def null_tests(gr, ties_used: str) -> tuple[list[dict], dict[str, np.ndarray]]:
    """The three null models on graph ``gr``: summary rows and pooled null lengths."""
    rows, pooled = [], {}
    for model in ("configuration", "rewire"):
        t = time.perf_counter()
        r = tm.distance_null_test(gr, model, n_null=N_NULL, seed=SEED, thresholds_km=THRESHOLDS)
        rows.append({"ties_used": ties_used, "model": model, **r})
        print(f"null model {model} ({ties_used}): {time.perf_counter() - t:.1f} s")
        pooled[model] = np.concatenate([tm.null_distances(gr, model, s) for s in child])
    t = time.perf_counter()
    obs = tm.edge_distances(gr)
    obs = obs[np.isfinite(obs)]
    cp = [country_pair_null(gr, s)[0] for s in child]
    means, meds = np.array([c.mean() for c in cp]), np.array([np.median(c) for c in cp])
    pooled["country pairs"] = np.concatenate(cp)
    r = {"n_edges": float(len(obs)), "n_null": float(N_NULL), "mean_km": obs.mean(),
         "median_km": np.median(obs), "null_mean_km": means.mean(), "null_sd_mean_km": means.std(ddof=1),
         "null_median_km": meds.mean(), "null_sd_median_km": meds.std(ddof=1)}
    r["z_mean"], r["p_mean"] = zp(r["mean_km"], means)
    r["z_median"], r["p_median"] = zp(r["median_km"], meds)
    r["ratio_median"] = r["median_km"] / r["null_median_km"]
    for thr in THRESHOLDS:
        r[f"share_lt_{thr}"] = float(np.mean(obs < thr))
        r[f"null_share_lt_{thr}"] = float(np.mean([np.mean(c < thr) for c in cp]))
    ks = stats.ks_2samp(obs, pooled["country pairs"])
    r["ks"], r["ks_p"] = float(ks.statistic), float(ks.pvalue)
    rows.append({"ties_used": ties_used, "model": "country pairs", **r})
    print(f"null model country pairs ({ties_used}): {time.perf_counter() - t:.1f} s")
    return rows, pooled


child = tm.child_seeds(SEED, N_NULL)
rows, pooled = null_tests(g, "all")
clean = g.copy()
clean.delete_edges(np.flatnonzero(flagged).tolist())
rows_clean, pooled_clean = null_tests(clean, "without flagged geocoding")
nulls = pd.DataFrame(rows + rows_clean)
nulls.to_csv(FIGURES / "geo_null_tests.csv", index=False)
show = ["ties_used", "model", "n_edges", "median_km", "null_median_km", "null_sd_median_km", "z_median",
        "p_median", "mean_km", "null_mean_km", "z_mean", "ratio_median", "share_lt_100", "null_share_lt_100",
        "share_lt_500",
        "null_share_lt_500", "share_lt_1000", "null_share_lt_1000", "ks"]
print(nulls[show].to_string(index=False, float_format=lambda x: f"{x:.3f}"))
obs = km[located]
clean_km = tm.edge_distances(clean)
clean_km = clean_km[np.isfinite(clean_km)]

# --------------------------------------------------------------------- distribution figure
bins = np.logspace(0, np.log10(20100), 61)
hist = pd.DataFrame({"bin_lo_km": bins[:-1], "bin_hi_km": bins[1:],
                     "observed": np.histogram(obs, bins)[0],
                     "observed_without_flagged": np.histogram(clean_km, bins)[0]})
for name, d in pooled.items():
    hist[f"null_{name.replace(' ', '_')}_per_replicate"] = np.histogram(d, bins)[0] / N_NULL
for name, d in pooled_clean.items():
    hist[f"null_{name.replace(' ', '_')}_without_flagged_per_replicate"] = np.histogram(d, bins)[0] / N_NULL
hist.to_csv(FIGURES / "geo_length_hist.csv", index=False)

STYLE = {"configuration": ("#d62728", "--"), "rewire": ("#ff7f0e", ":"), "country pairs": ("#2ca02c", "-.")}
fig, (ax, bx) = plt.subplots(1, 2, figsize=(13, 5.2), gridspec_kw={"width_ratios": [1.6, 1]})
width = np.diff(np.log10(bins))
ax.stairs(hist["observed"] / len(obs) / width, bins, fill=True, color="#3b6ea8", alpha=0.45,
          label=f"observed ({len(obs):,} ties)")
ax.stairs(hist["observed"] / len(obs) / width, bins, color="#3b6ea8", lw=1.2)
for name, d in pooled.items():
    col, ls = STYLE[name]
    row = nulls[nulls["ties_used"] == "all"].set_index("model").loc[name]
    ax.stairs(np.histogram(d, bins)[0] / len(d) / width, bins, color=col, ls=ls, lw=1.6,
              label=f"null: {name} (median {row['null_median_km']:,.0f} km; z = {row['z_median']:.0f})")
ax.axvline(np.median(obs), color="#3b6ea8", lw=0.8)
ax.text(np.median(obs) * 1.08, ax.get_ylim()[1] * 0.96, f"observed median\n{np.median(obs):,.0f} km",
        color="#3b6ea8", fontsize=8, va="top")
ax.set_xscale("log")
ax.set_xlim(1, 20100)
ax.set_xlabel("great-circle length of the tie (km, log scale)")
ax.set_ylabel("density per decade of km")
ax.legend(fontsize=8, loc="upper left", frameon=False)
ax.set_title(f"A. Tie lengths against null models ({N_NULL} replicates each; z of the median)",
             loc="left", fontsize=10)
sens = nulls[nulls["ties_used"] != "all"].set_index("model")
ax.text(0.01, 0.66, f"{int((obs < 1).sum())} ties < 1 km (mostly namesakes geocoded\nat the same point) "
        f"are left of the axis.\nWithout the {int(flagged.sum())} ties flagged for geocoding\n"
        "(see geo_tie_lengths.csv): "
        f"median {sens['median_km'].iloc[0]:,.0f} km;\nz = " + ", ".join(f"{z:.0f}" for z in sens["z_median"])
        + " (same order)", transform=ax.transAxes, fontsize=7, color="0.3", va="top")

labels = ["< 100 km", "< 500 km", "< 1,000 km", "< 3,000 km"]
thr = [100, 500, 1000, 3000]
xs = np.arange(len(thr))
series = {"observed": obs, **pooled}
wbar = 0.2
for k, (name, d) in enumerate(series.items()):
    col = "#3b6ea8" if name == "observed" else STYLE[name][0]
    vals = [np.mean(d < t) * 100 for t in thr]
    bx.bar(xs + (k - 1.5) * wbar, vals, wbar, color=col, label=name if name == "observed" else f"null: {name}")
    for x, v in zip(xs + (k - 1.5) * wbar, vals):
        bx.text(x, v + 0.8, f"{v:.0f}", ha="center", fontsize=6.5)
bx.set_xticks(xs, labels)
bx.set_ylabel("% of ties")
bx.legend(fontsize=8, frameon=False)
bx.set_title("B. Share of ties shorter than a threshold", loc="left", fontsize=10)
fig.tight_layout(rect=(0, 0.03, 1, 1))
stamp(fig, SRC)
save(fig, "geo_length_distribution.png")

# --------------------------------------------------------------------------- continent pairs
vcont = tm.continent_of(g.vs["country"], CONT)
byc = tm.distance_by_group_pair(g, vcont)
# the same summary for the pooled country-pair null (a, nb kept from each replicate)
carr = np.asarray(vcont, dtype=object)
null_rows = []
for s in child[:10]:
    d, (a, nb) = country_pair_null(g, s)
    pair = np.sort(np.c_[carr[a].astype(str), carr[nb].astype(str)], axis=1)
    null_rows.append(pd.DataFrame({"group_a": pair[:, 0], "group_b": pair[:, 1], "km": d}))
nullc = pd.concat(null_rows).groupby(["group_a", "group_b"])["km"].median().rename("null_country_pairs_median_km")
byc = byc.merge(nullc.reset_index(), on=["group_a", "group_b"], how="left")
byc.to_csv(FIGURES / "geo_continent_pairs.csv", index=False)
print(byc.to_string(index=False, float_format=lambda x: f"{x:,.0f}"))

names = sorted(set(byc["group_a"]) | set(byc["group_b"]))
M = pd.DataFrame(np.nan, index=names, columns=names)
N = pd.DataFrame(0, index=names, columns=names)
for rr in byc.itertuples():
    for i, j in ((rr.group_a, rr.group_b), (rr.group_b, rr.group_a)):
        M.loc[i, j], N.loc[i, j] = rr.median_km, rr.n_edges
fig, ax = plt.subplots(figsize=(7.4, 6))
im = ax.imshow(M.to_numpy(), cmap="viridis", norm=LogNorm(vmin=max(100, np.nanmin(M.to_numpy())), vmax=20000))
for i in range(len(names)):
    for j in range(len(names)):
        if N.iloc[i, j]:
            v = M.iloc[i, j]
            ax.text(j, i, f"{v:,.0f} km\n({N.iloc[i, j]:,})", ha="center", va="center", fontsize=7.5,
                    color="white" if v < 3000 else "black")
        else:
            ax.text(j, i, "no tie", ha="center", va="center", fontsize=7.5, color="0.4")
ax.set_xticks(range(len(names)), [n.replace(" ", "\n") for n in names], fontsize=8)
ax.set_yticks(range(len(names)), names, fontsize=8)
fig.colorbar(im, ax=ax, shrink=0.8, label="median tie length (km, log colour)")
ax.set_title("Median tie length by continent pair (number of ties);\n"
             "country-pair null medians in geo_continent_pairs.csv", loc="left", fontsize=10)
fig.tight_layout(rect=(0, 0.03, 1, 1))
stamp(fig, "wikipedia-lists-2026; continents: country_converter continent_7")
save(fig, "geo_continent_pairs.png")


# ---------------------------------------------------------------------------------- tie map


t = time.perf_counter()
order = np.flatnonzero(located)[np.argsort(-km[located], kind="mergesort")]  # long first, short on top
segs, vals = [], []
for i in order:
    u, w = E[i]
    n = int(np.clip(km[i] / 60, 2, 300))
    pieces = tm.geography.great_circle_path(lat[u], lon[u], lat[w], lon[w], n)
    segs += pieces
    vals += [max(km[i], 1.0)] * len(pieces)
print(f"map: {len(order)} arcs as {len(segs)} polylines, {sum(len(s) for s in segs):,} points "
      f"({time.perf_counter() - t:.1f} s)")
norm = LogNorm(vmin=10, vmax=20000)
cmap = ListedColormap(plt.get_cmap("plasma_r")(np.linspace(0.0, 0.72, 256)))  # no near-black end
vals = np.asarray(vals)
rgba = cmap(norm(vals))
rgba[:, 3] = np.interp(np.log10(vals), [2.0, 4.0], [0.35, 0.13])  # long arcs fainter: they would hide the rest
fig, ax = plt.subplots(figsize=(15, 7.6))
EUROPE = (-12, 45, 34, 71)
inset = ax.inset_axes((-178, -88, 1.5 * (EUROPE[1] - EUROPE[0]), 1.5 * (EUROPE[3] - EUROPE[2])),
                      transform=ax.transData)
for axis, lw in ((ax, 0.25), (inset, 0.3)):
    axis.set_facecolor("#0b1a2a")
    axis.scatter(lon, lat, s=0.3, color="0.55", lw=0, zorder=1)
    axis.add_collection(LineCollection(segs, colors=rgba, linewidths=lw, zorder=2))
    axis.grid(color="0.35", lw=0.4, alpha=0.6)
    axis.set_axisbelow(True)
    axis.set_aspect("equal")
ax.set_xlim(-180, 180)
ax.set_ylim(-90, 90)
ax.set_xticks(range(-180, 181, 30))
ax.set_yticks(range(-90, 91, 30))
ax.set_xlabel("longitude (°)")
ax.set_ylabel("latitude (°)")
inset.set_xlim(EUROPE[0], EUROPE[1])
inset.set_ylim(EUROPE[2], EUROPE[3])
inset.set_xticks(range(-10, 46, 10))
inset.set_yticks(range(35, 71, 5))
inset.tick_params(length=0, labelbottom=False, labelleft=False)
for sp in inset.spines.values():
    sp.set_color("0.8")
inset.text(0.02, 0.97, "Europe (dashed box), ×1.5; graticule every 10° / 5°", transform=inset.transAxes,
           color="white", fontsize=8, va="top")
ax.add_patch(plt.Rectangle(EUROPE[::2], EUROPE[1] - EUROPE[0], EUROPE[3] - EUROPE[2], fill=False,
                           ec="0.85", lw=0.8, ls="--", zorder=3))
ax.set_title(f"All {len(order):,} geolocated twinning ties as great-circle arcs, coloured by length "
             f"(equirectangular lon/lat; grey dots: the {np.isfinite(lat).sum():,} places; "
             "longer arcs drawn fainter)",
             loc="left", fontsize=10)
sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
fig.colorbar(sm, ax=ax, shrink=0.75, pad=0.01, label="tie length (km, log scale)")
fig.tight_layout(rect=(0, 0.02, 1, 1))
stamp(fig, SRC)
save(fig, "geo_ties_map.png")
print(f"runtime {time.perf_counter() - T0:.1f} s")
