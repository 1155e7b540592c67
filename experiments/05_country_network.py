"""The country network: strength, strongest pairs, communities, continent mixing, assortativity.

Data: wikipedia-lists-2026 (every place has an ISO3 country).  The wikidata-crawl-2016 data has
no countries (nor coordinates), so it cannot enter a country network.  The Wikipedia data are the
81 English "List of twin towns and sister cities in <country>" pages: a tie appears only when one
of those pages lists it, so countries without a page are seen only as partners.

``tg.country_graph``: nodes are ISO3 codes, edge weight = number of ties, domestic ties are a
self-loop.  Communities (Leiden and Louvain, modularity with resolution 1.0, plus 0.5 and 2.0)
are found on that weighted graph *with* its self-loops: the networkx graph is passed, which
``twingraph.measures.communities`` converts keeping loops.  Each method is run with 20 seeds
(children of SEED) and the partition of highest modularity is kept; the spread is reported.
Continents: ``continent_7`` (America split into North and South; Cyprus is Europe).

Place-level assortativity (``tg.simple_graph``, one edge per tie): same-country and
same-continent share against the configuration-model expectation, Newman's nominal
assortativity.  Seed 002 (../shared/seeds/002_c6a9e63515bb6e76.txt) says "Generally, partner
towns have similar demographics and size": these data carry no population, so that claim is
not tested here (``size_assortativity`` is called and finds no place with a population).

Outputs (figures/): country_strength.csv, country_pairs_top25.csv, country_pairs.png,
country_communities.csv, country_communities_summary.csv, country_communities.png,
continent_mixing.csv, continent_mixing.png, place_assortativity.csv.
"""

import time

import igraph as ig
import numpy as np
import pandas as pd
from _setup import FIGURES, SEED, dataset, save, stamp

import matplotlib.pyplot as plt
from matplotlib.collections import LineCollection
from matplotlib.colors import LogNorm
import twingraph as tg
from twingraph import measures as tm

T0 = time.perf_counter()
SRC = "wikipedia-lists-2026 (English Wikipedia lists, Feb 2026)"
CONT = "continent_7"
N_SEEDS = 20
print("note: wikidata-crawl-2016 has neither countries nor coordinates; this script uses "
      "wikipedia-lists-2026 only.")

wp = dataset("wikipedia-lists-2026")
C = tg.country_graph(wp)
g = tm.as_igraph(C, require_simple=False)  # vertex i = sorted ISO3 i, loops kept
iso = list(g.vs["name"])
cont = tm.continent_of(iso, CONT)
print(f"country graph: {g.vcount()} countries, {g.ecount()} weighted edges "
      f"({sum(g.is_loop())} domestic self-loops), {int(sum(g.es['weight']))} ties, "
      f"{C.graph['unknown_country_ties']} ties with an unknown country")

# ------------------------------------------------------------------- strength and centroids
ties = wp.spells[["a", "b"]].merge(wp.places[["place_id", "country"]], left_on="a", right_on="place_id") \
    .merge(wp.places[["place_id", "country"]], left_on="b", right_on="place_id", suffixes=("_a", "_b"))
dom = ties[ties["country_a"] == ties["country_b"]]["country_a"].value_counts()
strength = pd.Series(dict(C.degree(weight="weight")))  # tie ends: a domestic tie counts twice


def centroids(places: pd.DataFrame) -> pd.DataFrame:
    """Mean position of each country's places (mean of unit vectors: safe across the antimeridian)."""
    p = places.dropna(subset=["lat", "lon"])
    la, lo = np.radians(p["lat"].to_numpy()), np.radians(p["lon"].to_numpy())
    xyz = pd.DataFrame({"x": np.cos(la) * np.cos(lo), "y": np.cos(la) * np.sin(lo), "z": np.sin(la),
                        "country": p["country"].to_numpy()}).groupby("country").mean()
    return pd.DataFrame({"lat": np.degrees(np.arctan2(xyz["z"], np.hypot(xyz["x"], xyz["y"]))),
                         "lon": np.degrees(np.arctan2(xyz["y"], xyz["x"]))})


cen = centroids(wp.places)
n_places = wp.places["country"].value_counts()
st = pd.DataFrame({"iso3": iso, "continent": cont})
st["tie_ends"] = [int(strength[c]) for c in iso]
st["domestic_ties"] = [int(dom.get(c, 0)) for c in iso]
st["foreign_ties"] = st["tie_ends"] - 2 * st["domestic_ties"]
st["ties"] = st["foreign_ties"] + st["domestic_ties"]
st["partner_countries"] = [sum(1 for v in C[c] if v != c) for c in iso]
st["n_places"] = [int(n_places.get(c, 0)) for c in iso]
st["centroid_lat"] = [round(float(cen["lat"].get(c, np.nan)), 3) for c in iso]
st["centroid_lon"] = [round(float(cen["lon"].get(c, np.nan)), 3) for c in iso]

# --------------------------------------------------------------------------------- communities
seeds = tm.child_seeds(SEED, N_SEEDS)
runs, best = [], {}
for method, fn in (("leiden", tm.leiden), ("louvain", tm.louvain)):
    for res in (0.5, 1.0, 2.0):
        parts = [fn(C, resolution=res, seed=s) for s in seeds]
        qs = np.array([p.modularity for p in parts])
        top = parts[int(np.argmax(qs))]
        best[method, res] = top
        nmi = [ig.compare_communities(parts[i].membership, parts[j].membership, "nmi")
               for i in range(len(parts)) for j in range(i + 1, len(parts))]
        runs.append({"method": method, "resolution": res, "n_seeds": N_SEEDS, "best_modularity": top.modularity,
                     "median_modularity": float(np.median(qs)), "min_modularity": float(qs.min()),
                     "best_n_communities": top.n_communities,
                     "n_communities_range": f"{min(p.n_communities for p in parts)}-"
                                            f"{max(p.n_communities for p in parts)}",
                     "mean_pairwise_nmi": float(np.mean(nmi))})
summary = pd.DataFrame(runs)
for res in (0.5, 1.0, 2.0):
    summary.loc[summary["resolution"] == res, "nmi_best_leiden_vs_louvain"] = ig.compare_communities(
        best["leiden", res].membership, best["louvain", res].membership, "nmi")
# modularity of the continent partition, as a yardstick
cont_codes = pd.factorize(pd.Series(cont, dtype=object))[0].tolist()
q_cont = tm.modularity(g, cont_codes)
summary.to_csv(FIGURES / "country_communities_summary.csv", index=False)
print(summary.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
print(f"modularity of the continent partition ({CONT}): {q_cont:.4f}")

lei = best["leiden", 1.0]
# communities numbered 1.. by decreasing size (CommunityResult numbers them 0.. the same way)
for method, res in (("leiden", 1.0), ("louvain", 1.0), ("leiden", 0.5), ("leiden", 2.0)):
    st[f"{method}_{res}"] = np.asarray(best[method, res].membership) + 1
st = st.sort_values("tie_ends", ascending=False, kind="mergesort").reset_index(drop=True)
st.to_csv(FIGURES / "country_strength.csv", index=False)
print(st.head(15).to_string(index=False))

# one row per community: members by strength
com_rows = []
for k in range(1, lei.n_communities + 1):
    m = st[st["leiden_1.0"] == k]
    internal = sum(w for u, v, w in C.edges(data="weight")
                   if u in set(m["iso3"]) and v in set(m["iso3"]))
    com_rows.append({"community": k, "n_countries": len(m), "tie_ends": int(m["tie_ends"].sum()),
                     "internal_ties": int(internal),
                     "internal_share": internal / (m["tie_ends"].sum() / 2) if len(m) else np.nan,
                     "members_by_strength": " ".join(m["iso3"])})
coms = pd.DataFrame(com_rows)
coms.to_csv(FIGURES / "country_communities.csv", index=False)
for r in coms.itertuples():
    print(f"community {r.community}: {r.n_countries} countries, {r.tie_ends} tie ends, "
          f"{r.internal_share:.0%} of its ties internal: {r.members_by_strength[:120]}")

# ----------------------------------------------------------------------- strongest pairs
pairs = pd.DataFrame([(u, v, int(w)) for u, v, w in C.edges(data="weight") if u != v],
                     columns=["country_a", "country_b", "ties"])
pairs[["country_a", "country_b"]] = np.sort(pairs[["country_a", "country_b"]].to_numpy(), axis=1)
total_foreign = pairs["ties"].sum()
pairs = pairs.sort_values(["ties", "country_a", "country_b"], ascending=[False, True, True],
                          kind="mergesort").reset_index(drop=True)
comm_of = dict(zip(st["iso3"], st["leiden_1.0"]))
pairs["share_of_international_ties"] = pairs["ties"] / total_foreign
pairs["same_leiden_community"] = [comm_of[a] == comm_of[b] for a, b in zip(pairs["country_a"], pairs["country_b"])]
top25 = pairs.head(25).copy()
top25.insert(0, "rank", range(1, 26))
top25.to_csv(FIGURES / "country_pairs_top25.csv", index=False)
print(top25.to_string(index=False))
print(f"the 25 strongest pairs hold {top25['ties'].sum() / total_foreign:.1%} of {total_foreign} "
      f"international ties ({len(pairs)} country pairs)")

PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
           "#bcbd22", "#7f7f7f", "#393b79", "#637939"]


def ccolor(k: int) -> str:
    return PALETTE[(k - 1) % len(PALETTE)]


fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 6.2), gridspec_kw={"width_ratios": [1.35, 1]})
lab = [f"{a} – {b}" for a, b in zip(top25["country_a"], top25["country_b"])][::-1]
col = [ccolor(comm_of[a]) if s else "0.6" for a, s in zip(top25["country_a"], top25["same_leiden_community"])][::-1]
ax.barh(lab, top25["ties"][::-1], color=col)
ax.set_xlabel("ties between the two countries")
ax.set_title("A. The 25 strongest international country pairs", loc="left", fontsize=10)
ax.tick_params(axis="y", labelsize=8)
ax.text(0.98, 0.02, "colour: both countries in the same Leiden\ncommunity (as in country_communities.png);"
        "\ngrey: pair spans two communities", transform=ax.transAxes, ha="right", va="bottom", fontsize=7)
top_dom = st.sort_values("domestic_ties", ascending=False).head(15)[::-1]
bx.barh(top_dom["iso3"], top_dom["domestic_ties"], color=[ccolor(k) for k in top_dom["leiden_1.0"]])
bx.set_xlabel("domestic ties (both places in the country)")
bx.set_title("B. Domestic ties, top 15 (self-loops of the graph)", loc="left", fontsize=10)
bx.tick_params(axis="y", labelsize=8)
fig.suptitle(f"Country network: {g.vcount()} countries, {len(pairs)} linked pairs, "
             f"{int(sum(g.es['weight']))} ties ({int(st['domestic_ties'].sum())} domestic)", fontsize=11)
fig.tight_layout(rect=(0, 0.02, 1, 1))
stamp(fig, SRC)
save(fig, "country_pairs.png")


# --------------------------------------------------------------------- community map figure


fig = plt.figure(figsize=(14, 11.5))
axw = fig.add_axes((0.05, 0.50, 0.92, 0.46))
axe = fig.add_axes((0.05, 0.05, 0.42, 0.38))
axt = fig.add_axes((0.50, 0.05, 0.48, 0.38))
EUROPE = (-12, 45, 34, 71)
top_edges = pairs.head(40)
wmax = top_edges["ties"].max()
segs, lw = [], []
for r in top_edges.itertuples():
    pieces = tm.geography.great_circle_path(cen.loc[r.country_a, "lat"], cen.loc[r.country_a, "lon"],
                          cen.loc[r.country_b, "lat"], cen.loc[r.country_b, "lon"])
    segs += pieces
    lw += [0.4 + 4.0 * r.ties / wmax] * len(pieces)
sizes = 8 + 600 * st["tie_ends"] / st["tie_ends"].max()
in_europe = st["centroid_lon"].between(EUROPE[0], EUROPE[1]) & st["centroid_lat"].between(EUROPE[2], EUROPE[3])
for axis, (x0, x1, y0, y1), labelled in ((axw, (-180, 180, -60, 80), st[~in_europe].head(45)),
                                         (axe, EUROPE, st[in_europe])):
    axis.add_collection(LineCollection(segs, linewidths=lw, colors="0.25", alpha=0.35, zorder=1))
    axis.scatter(st["centroid_lon"], st["centroid_lat"], s=sizes, c=[ccolor(k) for k in st["leiden_1.0"]],
                 edgecolors="white", linewidths=0.5, alpha=0.9, zorder=2)
    for r in labelled.itertuples():
        axis.annotate(r.iso3, (r.centroid_lon, r.centroid_lat), fontsize=6.5, ha="center", va="center",
                      zorder=3, color="black")
    axis.set_xlim(x0, x1)
    axis.set_ylim(y0, y1)
    axis.set_aspect("equal")
    axis.grid(color="0.9", lw=0.5)
    axis.set_xlabel("longitude (°)", fontsize=8)
    axis.set_ylabel("latitude (°)", fontsize=8)
    axis.tick_params(labelsize=7)
axw.set_xticks(range(-180, 181, 30))
axw.add_patch(plt.Rectangle(EUROPE[::2], EUROPE[1] - EUROPE[0], EUROPE[3] - EUROPE[2], fill=False, ec="0.4",
                            lw=0.8, ls="--", zorder=4))
axw.set_title("A. Countries at the mean position of their places, coloured by Leiden community; area ∝ tie "
              "ends; lines: great circles of the 40 strongest international pairs (width ∝ ties); "
              "dashed box: panel B", loc="left", fontsize=9)
axe.set_title("B. Europe (every country labelled)", loc="left", fontsize=9)
# membership table
axt.axis("off")
axt.set_xlim(0, 1)
axt.set_ylim(0, 1)
y = 0.97
for r in coms.itertuples():
    mem = r.members_by_strength.split()
    body = [" ".join(mem[i:i + 14]) for i in range(0, min(len(mem), 42), 14)]
    if len(mem) > 42:
        body[-1] += f" +{len(mem) - 42}"
    axt.add_patch(plt.Rectangle((0.0, y - 0.028), 0.018, 0.026, color=ccolor(r.community)))
    axt.text(0.03, y, f"Community {r.community}: {r.n_countries} countries, {r.tie_ends} tie ends, "
             f"{r.internal_share:.0%} of their ties internal", fontsize=8.5, weight="bold", va="top")
    axt.text(0.03, y - 0.038, "\n".join(body), fontsize=7, va="top", family="monospace", linespacing=1.25)
    y -= 0.075 + 0.034 * len(body)
axt.set_title(f"C. Leiden communities (resolution 1.0, Q = {lei.modularity:.3f}, best of {N_SEEDS} seeds;\n"
              f"Louvain Q = {best['louvain', 1.0].modularity:.3f}; continents as partition Q = {q_cont:.3f}).\n"
              "Members by tie ends (ISO3); all members in country_communities.csv", loc="left", fontsize=9)
stamp(fig, SRC + "; positions: mean of the country's geocoded places")
save(fig, "country_communities.png")

# --------------------------------------------------------------------------- continent mixing
e = tm.mixing_matrix(g, cont, normalized=True)
a = e.sum(axis=1)
ratio = e / np.outer(a, a)
raw = tm.mixing_matrix(g, cont, normalized=False)
r_cont = (np.trace(e) - (a ** 2).sum()) / (1 - (a ** 2).sum())
mix = pd.concat({"ties": raw, "e": e, "observed_over_expected": ratio}, names=["matrix", "continent"])
mix.to_csv(FIGURES / "continent_mixing.csv")
print("continent mixing (Newman e, share of tie ends):")
print(e.round(4).to_string())

fig, (ax, bx) = plt.subplots(1, 2, figsize=(13, 5.6))
pct = e.to_numpy() * 100
im = ax.imshow(np.where(pct > 0, pct, np.nan), cmap="Blues", norm=LogNorm(vmin=0.01, vmax=100))
for i in range(len(e)):
    for j in range(len(e)):
        v = pct[i, j]
        ax.text(j, i, f"{v:.1f}" if v >= 0.05 else ("<0.1" if v > 0 else "0"), ha="center", va="center",
                fontsize=8, color="white" if v > 10 else "black")
fig.colorbar(im, ax=ax, shrink=0.8, label="% of tie ends (log colour)")
ax.set_title("A. Mixing matrix e (% of tie ends, sums to 100): diagonal = ties inside\n"
             "a continent, off-diagonal = half the ties between two continents", loc="left", fontsize=9)
rat = ratio.to_numpy()
lr = np.log2(np.where(rat > 0, rat, np.nan))
lim = 3.5
bx.imshow(np.isnan(lr), cmap="Greys", vmin=0, vmax=5)  # grey under cells with no tie at all
im2 = bx.imshow(lr, cmap="RdBu_r", vmin=-lim, vmax=lim)
for i in range(len(e)):
    for j in range(len(e)):
        v, n = rat[i, j], int(raw.iloc[i, j])
        txt = "no tie" if n == 0 else (f"{v:.2f}" if v < 10 else f"{v:.0f}") + f"\n({n})"
        bx.text(j, i, txt, ha="center", va="center", fontsize=7.5,
                color="white" if np.isfinite(lr[i, j]) and abs(lr[i, j]) > 2.2 else "black")
fig.colorbar(im2, ax=bx, shrink=0.8, label="log2(observed / expected)")
bx.set_title(f"B. Observed / expected under random mixing, e_ij / (a_i a_j); in brackets:\n"
             f"number of ties. Nominal assortativity r = {r_cont:.3f}", loc="left", fontsize=9)
for axis in (ax, bx):
    axis.set_xticks(range(len(e)), [c.replace(" ", "\n") for c in e.columns], fontsize=8)
    axis.set_yticks(range(len(e)), e.index, fontsize=8)
fig.tight_layout(rect=(0, 0.03, 1, 1))
stamp(fig, SRC + f"; continents: country_converter {CONT}")
save(fig, "continent_mixing.png")

# ----------------------------------------------------------------- place-level assortativity
G = tg.simple_graph(wp)
pg, ids = tg.to_igraph(G)
pcont = tm.continent_of(pg.vs["country"], CONT)
rows = []
for label, values in (("country", "country"), ("continent_7", pcont),
                      ("continent (5)", tm.continent_of(pg.vs["country"], "continent"))):
    s = tm.same_label_share(pg, values)
    rows.append({"measure": f"same {label} share", "observed": s["observed"], "expected": s["expected"],
                 "ratio": s["ratio"], "n_edges": s["n_edges"],
                 "note": "expected: configuration model, sum_c (D_c/2m)^2"})
    rows.append({"measure": f"nominal assortativity ({label})", "observed": tm.nominal_assortativity(pg, values),
                 "expected": 0.0, "ratio": np.nan, "n_edges": s["n_edges"], "note": "Newman r"})
rows.append({"measure": "degree assortativity (number of twins, not size)",
             "observed": tm.degree_assortativity(pg), "expected": np.nan, "ratio": np.nan,
             "n_edges": pg.ecount(), "note": "Pearson over edges; degree is not population"})
size = tm.size_assortativity(pg, n_null=0, seed=SEED)
rows.append({"measure": "size assortativity (log10 population)", "observed": size.get("pearson", np.nan),
             "expected": np.nan, "ratio": np.nan, "n_edges": int(size["n_edges"]),
             "note": f"not testable: {int(size['n_vertices'])} of {pg.vcount()} places have a population"})
assort = pd.DataFrame(rows)
assort.to_csv(FIGURES / "place_assortativity.csv", index=False)
print(assort.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
print(f"check: continent r from the country mixing matrix {r_cont:.6f} vs place graph "
      f"{assort.loc[3, 'observed']:.6f}")
print("note: seed 002's claim that partners 'have similar demographics and size' cannot be tested: "
      "neither dataset carries populations.")
print(f"runtime {time.perf_counter() - T0:.1f} s")
