"""Geography of ties: great-circle length of every edge, against null models.

Distances are haversine great-circle distances on a sphere of radius ``R = 6371.0088 km``
(the IUGG mean Earth radius), from the ``lat``/``lon`` vertex attributes in degrees.  Edges with
a missing coordinate at either end get ``nan`` and are left out of every summary; the number of
edges used is reported.

Null models for "is partner choice influenced by distance?":

``"configuration"``: the configuration model, realised by shuffling edge ends: the list of
    stubs (each vertex repeated ``degree`` times, geolocated vertices only) is permuted and
    paired; pairs that are a vertex with itself are dropped.  Degrees are kept exactly; the
    random pairs may repeat.  Very fast (pure numpy).
``"rewire"``: degree-preserving rewiring of the geolocated subgraph (igraph ``rewire``,
    ``10 m`` swap trials, simple graphs only).

Kaltenbrunner, Aragon, Laniado & Volkovich ("Not all paths lead to Rome: analysing the network
of sister cities", LNCS 8221, 2013; https://arxiv.org/abs/1301.6900) state that sister-city
pairing "is not influenced by geographical proximity"; :func:`distance_null_test` tests that
claim on any graph.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import igraph as ig
import numpy as np
import pandas as pd
from scipy import stats

from ..geo import EARTH_RADIUS_KM, haversine_km
from ..randomness import RandomState, check_random_state, igraph_rng, random_state_arg, spawn_seeds
from ..results import empirical_p_value
from ._common import GraphLike, as_igraph, vertex_values

__all__ = [
    "EARTH_RADIUS_KM", "haversine_km", "edge_distances", "null_distances", "distance_null_test",
    "distance_by_group_pair", "great_circle_path",
]


def _coords(g: ig.Graph, lat: str | Sequence[float], lon: str | Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    la = np.array([np.nan if v is None else float(v) for v in vertex_values(g, lat)], dtype=float)
    lo = np.array([np.nan if v is None else float(v) for v in vertex_values(g, lon)], dtype=float)
    return la, lo


def edge_distances(g: GraphLike, lat: str | Sequence[float] = "lat",
                   lon: str | Sequence[float] = "lon") -> np.ndarray:
    """Great-circle length (km) of every edge, in edge order; ``nan`` if a coordinate is missing.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    lat, lon : str or sequence of float
        Vertex attribute names, or one value per vertex (degrees).

    Returns
    -------
    numpy.ndarray of float
        One length per edge.
    """
    g = as_igraph(g)
    if g.ecount() == 0:
        return np.zeros(0)
    la, lo = _coords(g, lat, lon)
    e = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    return haversine_km(la[e[:, 0]], lo[e[:, 0]], la[e[:, 1]], lo[e[:, 1]])


def _located_subgraph(g: ig.Graph, lat: Any, lon: Any) -> tuple[ig.Graph, np.ndarray, np.ndarray]:
    la, lo = _coords(g, lat, lon)
    keep = np.flatnonzero(np.isfinite(la) & np.isfinite(lo)).tolist()
    return g.induced_subgraph(keep), la[keep], lo[keep]


@random_state_arg()
def null_distances(g: GraphLike, model: Literal["configuration", "rewire"] = "configuration",
                   random_state: RandomState = 0, lat: str | Sequence[float] = "lat",
                   lon: str | Sequence[float] = "lon") -> np.ndarray:
    """Edge lengths (km) of one null-model replicate of the geolocated subgraph (see module doc).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    model : {"configuration", "rewire"}
        Null model.
    random_state : int, numpy.random.Generator or None
        Seed.
    lat, lon : str or sequence of float
        Vertex attribute names, or one value per vertex (degrees).

    Returns
    -------
    numpy.ndarray of float
        One length per null edge (empty when the geolocated subgraph has no edge).
    """
    sub, la, lo = _located_subgraph(as_igraph(g), lat, lon)
    if sub.ecount() == 0:
        return np.zeros(0)
    if model == "configuration":
        rng = check_random_state(random_state)
        stubs = rng.permutation(np.repeat(np.arange(sub.vcount()), sub.degree()))
        a, b = stubs[0::2], stubs[1::2]
        keep = a != b
        a, b = a[keep], b[keep]
    elif model == "rewire":
        h = sub.copy()
        with igraph_rng(random_state):
            h.rewire(n=10 * h.ecount(), allowed_edge_types="simple")
        e = np.asarray(h.get_edgelist(), dtype=np.int64)
        a, b = e[:, 0], e[:, 1]
    else:
        raise ValueError(f"unknown null model {model!r}")
    return haversine_km(la[a], lo[a], la[b], lo[b])


@random_state_arg()
def distance_null_test(g: GraphLike, model: Literal["configuration", "rewire"] = "configuration",
                       n_replicates: int = 200, random_state: RandomState = 0, lat: str | Sequence[float] = "lat",
                       lon: str | Sequence[float] = "lon",
                       thresholds_km: Sequence[float] = (500.0, 1000.0)) -> dict[str, float]:
    """Compare observed tie lengths with ``n_replicates`` null replicates (replicate ``i`` seeded by the
    ``i``-th child of ``SeedSequence(random_state)``).

    Returns, for the geolocated ties: observed mean and median length; null mean/sd of those
    summaries; z-scores and two-sided empirical p-values; the share of ties shorter than each
    threshold (observed and null mean: keys ``share_lt_<t>``, ``null_share_lt_<t>``); the KS
    distance and asymptotic p-value between the observed lengths and the pooled null lengths;
    and ``ratio_median`` = observed median / null mean of medians.  Ratios near 1 and small
    z-scores support "distance has little influence on partner choice"; ratios well below 1
    (ties shorter than chance) contradict it.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    model : {"configuration", "rewire"}
        Null model.
    n_replicates : int
        Number of null replicates.
    random_state : int, numpy.random.Generator or None
        Root seed.
    lat, lon : str or sequence of float
        Vertex attribute names, or one value per vertex (degrees).
    thresholds_km : sequence of float
        Thresholds of the short-tie shares.

    Returns
    -------
    dict of str to float
        The summaries above, plus ``n_edges`` and ``n_replicates`` (only those two without geolocated ties).
    """
    g = as_igraph(g)
    obs = edge_distances(g, lat, lon)
    obs = obs[np.isfinite(obs)]
    out: dict[str, float] = {"n_edges": float(len(obs)), "n_replicates": float(n_replicates)}
    if len(obs) == 0:
        return out
    means: list[float] = []
    medians: list[float] = []
    shares: dict[float, list[float]] = {t: [] for t in thresholds_km}
    pooled: list[np.ndarray] = []
    for s in spawn_seeds(random_state, n_replicates):
        d = null_distances(g, model, s, lat, lon)
        means.append(float(d.mean()))
        medians.append(float(np.median(d)))
        for t in thresholds_km:
            shares[t].append(float(np.mean(d < t)))
        pooled.append(d)
    means_a, med_a = np.asarray(means), np.asarray(medians)

    def zp(o: float, null: np.ndarray) -> tuple[float, float]:
        """z-score and empirical p-value of an observed summary against its null draws.

        Parameters
        ----------
        o : float
            Observed value.
        null : numpy.ndarray
            Null draws.

        Returns
        -------
        tuple of (float, float)
        """
        mu, sd = null.mean(), null.std(ddof=1) if len(null) > 1 else float("nan")
        z = (o - mu) / sd if sd and sd > 0 else float("nan")
        p = empirical_p_value(o, null)
        return float(z), float(p)

    out["mean_km"], out["median_km"] = float(obs.mean()), float(np.median(obs))
    out["null_mean_km"], out["null_sd_mean_km"] = float(means_a.mean()), float(means_a.std(ddof=1))
    out["null_median_km"], out["null_sd_median_km"] = float(med_a.mean()), float(med_a.std(ddof=1))
    out["z_mean"], out["p_mean"] = zp(out["mean_km"], means_a)
    out["z_median"], out["p_median"] = zp(out["median_km"], med_a)
    out["ratio_median"] = out["median_km"] / out["null_median_km"]
    for t in thresholds_km:
        out[f"share_lt_{t:g}"] = float(np.mean(obs < t))
        out[f"null_share_lt_{t:g}"] = float(np.mean(shares[t]))
    ks = stats.ks_2samp(obs, np.concatenate(pooled))
    out["ks"], out["ks_p"] = float(ks.statistic), float(ks.pvalue)
    return out


def distance_by_group_pair(g: GraphLike, groups: str | Sequence[Any], lat: str | Sequence[float] = "lat",
                           lon: str | Sequence[float] = "lon") -> pd.DataFrame:
    """Tie lengths summarised per unordered pair of groups (e.g. continents).

    Columns: group_a, group_b (``group_a <= group_b`` as strings), n_edges, mean_km, median_km;
    sorted by n_edges descending.  Edges with a missing group or coordinate are ignored.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    groups : str or sequence
        Vertex attribute name, or one group per vertex.
    lat, lon : str or sequence of float
        Vertex attribute names, or one value per vertex (degrees).

    Returns
    -------
    DataFrame
    """
    g = as_igraph(g)
    lab = vertex_values(g, groups)
    d = edge_distances(g, lat, lon)
    rows = []
    for (u, v), km in zip(g.get_edgelist(), d):
        a, b = lab[u], lab[v]
        if a is None or b is None or not np.isfinite(km) or a != a or b != b:
            continue
        a, b = sorted((a, b), key=str)
        rows.append((a, b, km))
    df = pd.DataFrame(rows, columns=["group_a", "group_b", "km"])
    if df.empty:
        return pd.DataFrame(columns=["group_a", "group_b", "n_edges", "mean_km", "median_km"])
    out = df.groupby(["group_a", "group_b"], sort=True)["km"].agg(n_edges="size", mean_km="mean",
                                                                   median_km="median").reset_index()
    return out.sort_values(["n_edges", "group_a", "group_b"], ascending=[False, True, True],
                           kind="mergesort").reset_index(drop=True)


def great_circle_path(lat1: float, lon1: float, lat2: float, lon2: float, n: int = 60) -> list[np.ndarray]:
    """``n`` points along the great circle from (lat1, lon1) to (lat2, lon2), for drawing a tie on an
    equirectangular map: a list of ``(k, 2)`` arrays of (lon, lat) in degrees, cut where the path
    crosses the antimeridian (each piece ends/starts on lon = +-180 at the crossing latitude).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float
        End points (degrees).
    n : int
        Number of points.

    Returns
    -------
    list of numpy.ndarray
    """
    p = np.radians([[lat1, lon1], [lat2, lon2]])
    v = np.c_[np.cos(p[:, 0]) * np.cos(p[:, 1]), np.cos(p[:, 0]) * np.sin(p[:, 1]), np.sin(p[:, 0])]
    om = np.arccos(np.clip(v[0] @ v[1], -1, 1))
    t = np.linspace(0, 1, n)[:, None]
    pts = v[0] + t * (v[1] - v[0]) if np.sin(om) < 1e-9 else \
        (np.sin((1 - t) * om) * v[0] + np.sin(t * om) * v[1]) / np.sin(om)
    lon = np.degrees(np.arctan2(pts[:, 1], pts[:, 0]))
    lat = np.degrees(np.arctan2(pts[:, 2], np.hypot(pts[:, 0], pts[:, 1])))
    pieces: list[np.ndarray] = []
    start: int = 0
    head: np.ndarray | None = None
    for c in np.flatnonzero(np.abs(np.diff(lon)) > 180):
        edge = 180.0 if lon[c] > 0 else -180.0
        nxt = lon[c + 1] + (360.0 if lon[c] > 0 else -360.0)
        latc = lat[c] + (edge - lon[c]) / (nxt - lon[c]) * (lat[c + 1] - lat[c])
        body = np.c_[lon[start:c + 1], lat[start:c + 1]]
        pieces.append(np.vstack([x for x in (head, body, [[edge, latc]]) if x is not None]))
        head, start = np.array([[-edge, latc]]), int(c) + 1
    body = np.c_[lon[start:], lat[start:]]
    pieces.append(body if head is None else np.vstack([head, body]))
    return pieces
