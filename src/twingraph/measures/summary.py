"""One-call summary of the KONECT network statistics.

:func:`konect_stats` returns plain Python ints/floats (``None`` where undefined or not
computed), ready for ``json.dumps``.  Definitions follow KONECT (see the module docs of
:mod:`.size`, :mod:`.degree`, :mod:`.clustering`, :mod:`.assortativity`, :mod:`.distances`):
the graph is simple (parallel ties already merged), isolated vertices count in ``n_nodes`` and
``mean_degree`` but not in the Gini coefficient or the power-law exponents, distance statistics
are exact on the largest connected component with KONECT's conventions (ordered pairs including
``(u, u)``), and the tail power law is the Clauset-Shalizi-Newman MLE with a continuous alpha
(``fit_powerlaw(..., alpha_grid=KONECT_ALPHA_GRID)`` gives KONECT's 0.01-grid value instead).

Published KONECT values for "twin" (Sister cities, Wikidata 2017-10,
http://konect.cc/networks/twin/): n = 14,274, m = 20,573, s = 170,445, z = 1,448,380,
t = 6,327, d_max = 99, d = 2.88258, N = 10,320, delta = 25, delta_0.5 = 7.00401,
delta_0.9 = 10.1647, median 8, mean 7.65392 (HyperANF estimates), G = 0.506040,
gamma = 2.60121, gamma_t = 2.99100, rho = +0.386786, c = 0.111361.
"""

from __future__ import annotations

import math
from typing import Any

from ._common import GraphLike, as_igraph
from .assortativity import degree_assortativity
from .clustering import average_local_clustering
from .degree import degrees, fit_powerlaw, gini, powerlaw_exponent_konect
from .distances import (EXACT_DISTANCE_LIMIT, distance_distribution, effective_diameter, mean_distance,
                        median_distance, sampled_distance_stats)
from .size import size_stats

__all__ = ["KONECT_KEYS", "KONECT_TWIN", "KONECT_TWIN_SOURCE", "konect_stats"]

#: where :data:`KONECT_TWIN` comes from
KONECT_TWIN_SOURCE = "KONECT twin (Sister cities, Wikidata 2017-10), http://konect.cc/networks/twin/"
#: KONECT's published statistics of its "twin" network, keyed like :data:`KONECT_KEYS` where the
#: definitions match (plus ``powerlaw_exponent_tail``, KONECT's gamma_t on its 0.01 alpha grid).
#: Distances are HyperANF estimates on KONECT's side.  The one copy in the package: experiments
#: and tests import it from here.
KONECT_TWIN: dict[str, float] = {
    "n_nodes": 14_274, "n_edges": 20_573, "wedges": 170_445, "claws": 1_448_380, "triangles": 6_327,
    "max_degree": 99, "mean_degree": 2.88258, "lcc_size": 10_320, "diameter": 25,
    "effective_diameter_50": 7.00401, "effective_diameter_90": 10.1647, "median_distance": 8,
    "mean_distance": 7.65392, "transitivity": 0.111361, "degree_assortativity": 0.386786,
    "gini": 0.506040, "powerlaw_exponent_konect": 2.60121, "powerlaw_exponent_tail": 2.99100,
}

KONECT_KEYS: tuple[str, ...] = (
    "n_nodes", "n_edges", "n_components", "lcc_size", "wedges", "triangles", "max_degree",
    "mean_degree", "transitivity", "avg_local_clustering", "degree_assortativity", "gini",
    "powerlaw_exponent_konect", "powerlaw_alpha_mle", "powerlaw_xmin", "diameter",
    "mean_distance", "median_distance", "effective_diameter_50", "effective_diameter_90",
)


def _f(x: Any) -> float | None:
    x = float(x)
    return None if math.isnan(x) or math.isinf(x) else x


def konect_stats(g: GraphLike, distances: bool = True,
                 exact_limit: int | None = EXACT_DISTANCE_LIMIT) -> dict[str, int | float | str | None]:
    """KONECT-style statistics of an undirected simple graph, keys :data:`KONECT_KEYS`.

    ``distances=False`` skips the all-pairs BFS (the distance keys are then ``None``).
    Distances are exact (all-pairs BFS) when the largest component has at most ``exact_limit``
    vertices (default :data:`~twingraph.measures.distances.EXACT_DISTANCE_LIMIT`; None: always
    exact).  Above it they are estimated by
    :func:`~twingraph.measures.distances.sampled_distance_stats` (BFS from 1,024 random LCC
    vertices) and three more keys follow :data:`KONECT_KEYS`: ``distances`` (the method, in
    words), ``distances_se`` (jackknife standard error of each estimated statistic) and
    ``distances_sources``; ``diameter`` is then a lower bound.
    ``transitivity`` is ``3 triangles / wedges``; ``powerlaw_alpha_mle`` / ``powerlaw_xmin``
    come from :func:`.degree.fit_powerlaw` on the positive degrees (``None`` when fewer than two
    distinct degrees).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
    distances : bool
        Compute the distance statistics (exact, all pairs of the largest component).
    exact_limit : int or None
        Largest component size up to which the distance statistics are exact; above it they come
        from sampled BFS (:func:`twingraph.measures.distances.sampled_distance_stats`), with standard
        errors, and the table says so (None: always exact).

    Returns
    -------
    dict
        :data:`KONECT_KEYS` -> value.
    """
    g = as_igraph(g)
    s = size_stats(g)
    d = degrees(g)
    n, m = s["n_nodes"], s["n_edges"]
    try:
        fit = fit_powerlaw(d[d > 0])
        alpha, xmin = _f(fit.alpha), int(fit.xmin)
    except ValueError:
        alpha, xmin = None, None
    out: dict[str, int | float | str | None] = {
        "n_nodes": n,
        "n_edges": m,
        "n_components": s["n_components"],
        "lcc_size": s["lcc_size"],
        "wedges": s["wedges"],
        "triangles": s["triangles"],
        "max_degree": int(d.max()) if n else 0,
        "mean_degree": _f(2.0 * m / n) if n else None,
        "transitivity": _f(3.0 * s["triangles"] / s["wedges"]) if s["wedges"] else None,
        "avg_local_clustering": _f(average_local_clustering(g)) if n else None,
        "degree_assortativity": _f(degree_assortativity(g)) if m else None,
        "gini": _f(gini(d)),
        "powerlaw_exponent_konect": _f(powerlaw_exponent_konect(d)),
        "powerlaw_alpha_mle": alpha,
        "powerlaw_xmin": xmin,
        "diameter": None,
        "mean_distance": None,
        "median_distance": None,
        "effective_diameter_50": None,
        "effective_diameter_90": None,
    }
    lcc = s["lcc_size"]
    if distances and n and exact_limit is not None and lcc > exact_limit:
        est = sampled_distance_stats(g)
        for key, value in est.values.items():
            out[key] = _f(value) if isinstance(value, float) else value
        assert tuple(out) == KONECT_KEYS
        out["distances"] = (f"estimated (largest component {lcc:,} > {exact_limit:,} vertices): {est.method}")
        out["distances_se"] = {k: _f(v) for k, v in est.se.items()}  # type: ignore[assignment]
        out["distances_sources"] = est.n_sources
        return out
    if distances and n:
        dd = distance_distribution(g)
        out["diameter"] = dd.diameter
        out["mean_distance"] = _f(mean_distance(dd, "konect"))
        out["median_distance"] = median_distance(dd, "konect")
        out["effective_diameter_50"] = _f(effective_diameter(dd, 0.5))
        out["effective_diameter_90"] = _f(effective_diameter(dd, 0.9))
    assert tuple(out) == KONECT_KEYS
    return out
