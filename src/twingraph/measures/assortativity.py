"""Assortativity: degree, nominal attributes (country, continent), and city size.

Conventions:

* degree assortativity = Pearson correlation of the degrees at the two ends of every edge,
  each edge taken in both orientations (Newman's r; KONECT ``assortativity``, which ignores
  multiplicities and loops: ``konect_statistic_assortativity.m``);
* nominal assortativity = Newman's ``r = (sum_i e_ii - sum_i a_i^2) / (1 - sum_i a_i^2)``;
* vertices whose label/value is missing (``None``/NaN, non-positive population) are dropped
  together with their edges before computing attribute measures; the number of edges used is
  reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import igraph as ig
import numpy as np
import pandas as pd
from scipy import stats

from ..countries import continent

from ..randomness import RandomState, igraph_rng, random_state_arg, spawn_seeds
from ..results import empirical_p_value
from ._common import GraphLike, as_igraph, vertex_values

__all__ = [
    "degree_assortativity", "nominal_assortativity", "continent_of", "same_label_share",
    "size_assortativity",
]


def degree_assortativity(g: GraphLike) -> float:
    """Degree assortativity (Pearson over edges, both orientations); ``nan`` if undefined.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.

    Returns
    -------
    float
    """
    return float(as_igraph(g).assortativity_degree(directed=False))


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA or v is pd.NaT


def _labelled_subgraph(g: ig.Graph, labels: list[Any]) -> tuple[ig.Graph, list[Any]]:
    keep = [i for i, v in enumerate(labels) if not _missing(v)]
    return g.induced_subgraph(keep), [labels[i] for i in keep]


def nominal_assortativity(g: GraphLike, labels: str | Sequence[Any] = "country") -> float:
    """Newman's nominal assortativity of a categorical vertex label (attribute name or values).

    Vertices with a missing label are dropped with their edges.  ``nan`` if undefined.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    labels : str or sequence
        Vertex attribute name, or one label per vertex.

    Returns
    -------
    float
    """
    g = as_igraph(g)
    sub, lab = _labelled_subgraph(g, vertex_values(g, labels))
    if sub.ecount() == 0:
        return float("nan")
    codes = pd.factorize(pd.Series(lab, dtype=object))[0].tolist()
    return float(sub.assortativity_nominal(codes, directed=False))


def continent_of(iso3: Sequence[str | None],
                 scheme: Literal["continent", "continent_7"] = "continent") -> list[str | None]:
    """Continent of each ISO3 code (``None`` if unknown): :func:`twingraph.countries.continent`.

    ``"continent"``: Africa, America, Asia, Europe, Oceania, Antarctica;
    ``"continent_7"`` splits America into North America and South America.

    Parameters
    ----------
    iso3 : sequence of str or None
        ISO3 codes.
    scheme : {"continent", "continent_7"}
        Continent scheme.

    Returns
    -------
    list of str or None
        One continent per code.
    """
    return [continent(code, scheme) for code in iso3]


def same_label_share(g: GraphLike, labels: str | Sequence[Any] = "country") -> dict[str, float]:
    """Share of edges joining two vertices with the same label, against random mixing.

    ``observed`` = same-label edges / labelled edges; ``expected`` = ``sum_c (D_c / 2m)^2``
    with ``D_c`` the total degree of label ``c`` in the labelled subgraph (the configuration-
    model expectation: edge ends paired at random, degrees kept); ``ratio`` = observed/expected.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    labels : str or sequence
        Vertex attribute name, or one label per vertex.

    Returns
    -------
    dict of str to float
        ``observed``, ``expected``, ``ratio`` and ``n_edges`` (NaNs and 0 without labelled edges).
    """
    g = as_igraph(g)
    sub, lab = _labelled_subgraph(g, vertex_values(g, labels))
    m = sub.ecount()
    if m == 0:
        return {"observed": float("nan"), "expected": float("nan"), "ratio": float("nan"), "n_edges": 0}
    codes = np.asarray(pd.factorize(pd.Series(lab, dtype=object))[0])
    e = np.asarray(sub.get_edgelist())
    observed = float(np.mean(codes[e[:, 0]] == codes[e[:, 1]]))
    dsum = np.bincount(codes, weights=np.asarray(sub.degree(), dtype=float))
    expected = float(((dsum / (2.0 * m)) ** 2).sum())
    return {"observed": observed, "expected": expected, "ratio": observed / expected, "n_edges": m}


def _edge_correlations(sub: ig.Graph, x: np.ndarray) -> tuple[float, float]:
    e = np.asarray(sub.get_edgelist())
    a = np.concatenate([x[e[:, 0]], x[e[:, 1]]])
    b = np.concatenate([x[e[:, 1]], x[e[:, 0]]])
    if np.ptp(a) == 0:
        return float("nan"), float("nan")
    return float(stats.pearsonr(a, b)[0]), float(stats.spearmanr(a, b)[0])


def _z_p(obs: float, null: np.ndarray) -> tuple[float, float, float, float]:
    mu, sd = float(np.mean(null)), float(np.std(null, ddof=1)) if len(null) > 1 else float("nan")
    z = (obs - mu) / sd if sd and sd > 0 else float("nan")
    p = empirical_p_value(obs, null)
    return mu, sd, z, p


@random_state_arg()
def size_assortativity(g: GraphLike, population: str | Sequence[float] = "population",
                       null: Literal["permute", "rewire"] = "permute", n_replicates: int = 200,
                       random_state: RandomState = 0) -> dict[str, float]:
    """Do twinned places have similar sizes?  Correlation of log10(population) across edges.

    Pearson and Spearman correlations over the edge list taken in both orientations (so the
    Pearson value is Newman's scalar assortativity), on the vertices with a positive population.
    Null model (``n_replicates`` replicates, replicate ``i`` seeded by the ``i``-th child of
    ``SeedSequence(random_state)``): ``"permute"`` shuffles populations over the vertices (graph fixed);
    ``"rewire"`` keeps populations and rewires the graph (degree-preserving, 10 m swaps).
    Returns observed values, null mean/sd, z-scores and two-sided empirical p-values
    (``(1 + #|null - mean| >= |obs - mean|) / (n_replicates + 1)``).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.
    population : str or sequence of float
        Vertex attribute name, or one population per vertex.
    null : {"permute", "rewire"}
        Null model.
    n_replicates : int
        Number of null replicates.
    random_state : int, numpy.random.Generator or None
        Root seed.

    Returns
    -------
    dict of str to float
        ``n_vertices``, ``n_edges``, ``pearson``, ``spearman`` and, with at least 2 edges,
        ``null_mean_*``, ``null_sd_*``, ``z_*``, ``p_*`` for both.
    """
    g = as_igraph(g)
    vals = [float(v) if not _missing(v) else float("nan") for v in vertex_values(g, population)]
    keep = [i for i, v in enumerate(vals) if np.isfinite(v) and v > 0]
    sub = g.induced_subgraph(keep)
    x = np.log10(np.asarray([vals[i] for i in keep]))
    out: dict[str, float] = {"n_vertices": float(sub.vcount()), "n_edges": float(sub.ecount())}
    if sub.ecount() < 2:
        return out | {"pearson": float("nan"), "spearman": float("nan")}
    pearson, spearman = _edge_correlations(sub, x)
    null_p, null_s = [], []
    for s in spawn_seeds(random_state, n_replicates):
        if null == "permute":
            rng = np.random.default_rng(s)
            p_, s_ = _edge_correlations(sub, rng.permutation(x))
        elif null == "rewire":
            h = sub.copy()
            with igraph_rng(s):
                h.rewire(n=10 * h.ecount(), allowed_edge_types="simple")
            p_, s_ = _edge_correlations(h, x)
        else:
            raise ValueError(f"unknown null model {null!r}")
        null_p.append(p_)
        null_s.append(s_)
    mp, sp, zp, pp = _z_p(pearson, np.asarray(null_p))
    ms, ss, zs, ps = _z_p(spearman, np.asarray(null_s))
    return out | {
        "pearson": pearson, "spearman": spearman,
        "null_mean_pearson": mp, "null_sd_pearson": sp, "z_pearson": zp, "p_pearson": pp,
        "null_mean_spearman": ms, "null_sd_spearman": ss, "z_spearman": zs, "p_spearman": ps,
    }
