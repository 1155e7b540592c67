"""Clustering coefficients (KONECT Handbook sec. "Clustering statistics").

* global clustering coefficient / transitivity ``c = 3t / s`` (KONECT ``clusco``; ``t``
  triangles, ``s`` wedges), ``nan`` when there is no wedge;
* local clustering ``c(u)`` = share of pairs of distinct neighbours of ``u`` that are adjacent,
  **0 when d(u) < 2** (KONECT's and networkx's convention);
* average local clustering = mean of ``c(u)`` over *all* vertices, zeros included (KONECT
  ``clusco2``, networkx ``average_clustering``);
* ``C(k)`` = mean local clustering of the vertices of degree ``k`` (for ``k >= 2``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._common import GraphLike, as_igraph

__all__ = ["transitivity", "local_clustering", "average_local_clustering", "clustering_by_degree"]


def transitivity(g: GraphLike) -> float:
    """Global clustering coefficient ``3 t / s`` (``nan`` without wedges).

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.

    Returns
    -------
    float
    """
    return float(as_igraph(g).transitivity_undirected(mode="nan"))


def local_clustering(g: GraphLike) -> np.ndarray:
    """Local clustering coefficient of every vertex; 0 for vertices of degree 0 or 1.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.

    Returns
    -------
    numpy.ndarray of float
        One value per vertex.
    """
    g = as_igraph(g)
    return np.asarray(g.transitivity_local_undirected(mode="zero"), dtype=float)


def average_local_clustering(g: GraphLike) -> float:
    """Mean local clustering over all vertices (degree < 2 counts as 0); ``nan`` if empty.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.

    Returns
    -------
    float
    """
    c = local_clustering(g)
    return float(c.mean()) if len(c) else float("nan")


def clustering_by_degree(g: GraphLike) -> pd.DataFrame:
    """``C(k)``: columns ``degree``, ``n_nodes``, ``mean_clustering`` for every degree ``k >= 2``
    present in the graph, ascending.

    Parameters
    ----------
    g : igraph.Graph or networkx.Graph
        Simple graph.

    Returns
    -------
    DataFrame
        One row per degree.
    """
    g = as_igraph(g)
    df = pd.DataFrame({"degree": np.asarray(g.degree(), dtype=np.int64), "c": local_clustering(g)})
    df = df[df["degree"] >= 2]
    out = df.groupby("degree", sort=True)["c"].agg(["size", "mean"]).reset_index()
    out.columns = ["degree", "n_nodes", "mean_clustering"]
    return out
