"""Graphs built from the tidy tables.

Pipeline: :class:`~twingraph.tables.TwinData` -> :func:`multigraph` (the temporal multigraph, one
edge per tie spell) -> :func:`project` (a simple weighted graph, ``weights=`` naming what parallel
ties count) -> :func:`to_igraph` (for the heavy algorithms).  :func:`snapshot` cuts the multigraph at a
date; :func:`country_graph` aggregates ties by country pair.

Conventions for parallel ties
-----------------------------
A pair of places can be linked by several *spells* of one tie (suspended 2022, restored 2024) and,
rarely, by several *ties* of different kinds (a friendship later upgraded to a twinning).
:func:`project` (``weights=``; ``convention=`` is its deprecated name) names what an edge weight
counts:

``"ties"`` (default)
    weight = number of distinct ties (``tie_id``) between the pair: spells of one tie count once.
``"spells"``
    weight = number of spells.
``"binary"``
    weight = 1 for every linked pair.

Every structural measure in :mod:`twingraph.measures` runs on the projected simple graph, so parallel
ties never inflate a degree: degree = number of distinct partners.

Association-implied ties
------------------------
A multilateral twinning association (the Douzelage: one town per EU member state) appears in the
country lists as a clique of pairwise ties.  Once the spells are flagged
(:func:`twingraph.membership.flag_associations` adds a ``via_association`` column; an unflagged graph
is flagged by :func:`project` itself, with the same registry), every projection can choose with
``associations=``:

``"include"`` (default)
    keep the association-implied ties as pairwise edges (the lists as published).
``"exclude"``
    drop them: the bilateral network.
``"groups"``
    drop them and add one node per association (``kind="association"``, id ``"assoc:<id>"``)
    linked to its members: a bipartite place–association layer instead of the clique.
"""

from __future__ import annotations

from typing import Any, Literal

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd

from .dates import SpellConvention as DateConvention
from .dates import resolve_spell_dates
from .deprecation import renamed_arguments
from .exceptions import GraphTypeError
from .membership import association_flags
from .tables import TwinData

__all__ = [
    "igraph_skeleton",
    "multigraph",
    "project",
    "simple_graph",
    "snapshot",
    "active_mask",
    "to_igraph",
    "nx_to_igraph",
    "country_graph",
]

ParallelConvention = Literal["ties", "spells", "binary"]
AssociationMode = Literal["include", "exclude", "groups"]

_PLACE_ATTRS = ("name", "country", "subdivision", "level", "lat", "lon", "population", "qid", "konect_id")


def _clean(value: object) -> object:
    """networkx/GraphML-friendly attribute values: drop NaN/None/NaT, timestamps as ISO strings."""
    if value is None:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def multigraph(data: TwinData) -> nx.MultiGraph:
    """The temporal multigraph: nodes are places (with their attributes), one edge per tie spell.

    Edge keys are ``spell_id`` (``"<tie_id>#<spell>"``); edge attributes are the spell columns, dates
    as ISO strings, missing values omitted.  Places without ties are kept as isolated nodes.  When the
    spells carry the ``via_association`` flag, ``G.graph["associations_flagged"]`` is ``True`` and
    ``G.graph["memberships"]`` lists the matched ``(place_id, association_id)`` pairs (used by
    ``project(..., associations="groups")``).

    Parameters
    ----------
    data : TwinData

    Returns
    -------
    networkx.MultiGraph
    """
    G: nx.MultiGraph = nx.MultiGraph(source=data.source)
    if "via_association" in data.spells.columns:
        G.graph["associations_flagged"] = True
        m = data.memberships.dropna(subset=["place_id"])
        G.graph["memberships"] = sorted(set(zip(m["place_id"], m["association_id"])))
    for row in data.places.itertuples(index=False):
        attrs = {k: _clean(getattr(row, k)) for k in _PLACE_ATTRS}
        G.add_node(row.place_id, **{k: v for k, v in attrs.items() if v is not None})
    cols = [c for c in data.spells.columns if c not in ("a", "b", "spell_id")]
    for row in data.spells.itertuples(index=False):
        attrs = {c: _clean(getattr(row, c)) for c in cols}
        G.add_edge(row.a, row.b, key=row.spell_id, **{k: v for k, v in attrs.items() if v is not None})
    return G


@renamed_arguments(convention="weights")
def project(G: nx.MultiGraph, weights: ParallelConvention = "ties", weight: str = "weight",
            associations: AssociationMode = "include") -> nx.Graph:
    """Project the multigraph to a simple weighted graph; see the module docstring for conventions.

    Self-loops (a place twinned with itself, which only malformed input produces) are dropped.
    Node attributes are copied.

    Parameters
    ----------
    G : networkx.MultiGraph
        From :func:`multigraph` (or :func:`snapshot`).
    weights : {"ties", "spells", "binary"}
        What an edge weight counts: distinct ties (default), spells, or 1 (module docstring;
        ``convention=`` is its deprecated name).
    weight : str
        Name of the edge attribute holding the weight.
    associations : {"include", "exclude", "groups"}
        What to do with association-implied ties (module docstring).  ``"exclude"`` and
        ``"groups"`` use the spells' ``via_association`` flags when the graph has them
        (:func:`twingraph.membership.flag_associations`), and otherwise flag the graph themselves
        with the sourced registry (:func:`twingraph.membership.association_flags`: the same flags).

    Returns
    -------
    networkx.Graph
        The simple graph; with ``"groups"`` it also holds one node per association.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiGraph(associations_flagged=True)
    >>> G.add_edge("a", "b", key="t1#0", tie_id="t1", via_association="douzelage")
    't1#0'
    >>> G.add_edge("b", "c", key="t2#0", tie_id="t2")
    't2#0'
    >>> sorted(project(G, associations="exclude").edges())
    [('b', 'c')]
    """
    if weights not in ("ties", "spells", "binary"):
        raise ValueError(f"unknown weights {weights!r}: use 'ties', 'spells' or 'binary'")
    if associations not in ("include", "exclude", "groups"):
        raise ValueError(f"unknown associations mode {associations!r}: use 'include', 'exclude' or 'groups'")
    pairs: dict[tuple[str, str], str] | None = None
    memberships = G.graph.get("memberships", [])
    if associations != "include" and not G.graph.get("associations_flagged"):
        pairs, memberships = association_flags(G)
    H: nx.Graph = nx.Graph(**{k: v for k, v in G.graph.items() if k != "memberships"})
    H.add_nodes_from(G.nodes(data=True))
    seen: dict[tuple[str, str], set[object]] = {}
    for u, v, key, d in G.edges(keys=True, data=True):
        if u == v:
            continue
        pair = (u, v) if u <= v else (v, u)
        if associations != "include" and (pairs.get(pair) if pairs is not None else d.get("via_association")):
            continue
        ident = d.get("tie_id", key) if weights == "ties" else key
        seen.setdefault(pair, set()).add(ident)
    for (u, v), ids in seen.items():
        H.add_edge(u, v, **{weight: 1 if weights == "binary" else len(ids)})
    if associations == "groups":
        for place, assoc in memberships:
            if place in H:
                node = f"assoc:{assoc}"
                H.add_node(node, name=assoc, kind="association")
                H.add_edge(place, node, **{weight: 1, "kind": "membership"})
    H.graph["associations"] = associations
    return H


@renamed_arguments(convention="weights")
def simple_graph(data: TwinData, weights: ParallelConvention = "ties", isolates: bool = True,
                 associations: AssociationMode = "include") -> nx.Graph:
    """``project(multigraph(data))``; places without any tie are dropped unless ``isolates``.

    Parameters
    ----------
    data : TwinData
    weights : {"ties", "spells", "binary"}
        Passed to :func:`project` (``convention=`` is its deprecated name).
    isolates : bool
        Keep places without any tie.
    associations : {"include", "exclude", "groups"}
        Passed to :func:`project` (``"exclude"`` gives the bilateral network of spells flagged by
        :func:`twingraph.associations.flag_associations`).

    Returns
    -------
    networkx.Graph
    """
    H = project(multigraph(data), weights=weights, associations=associations)
    if not isolates:
        H.remove_nodes_from([n for n, d in H.degree() if d == 0])
    return H


@renamed_arguments(convention="dates")
def active_mask(
    spells: pd.DataFrame,
    at: str | pd.Timestamp,
    dates: DateConvention = "earliest",
    undated: Literal["exclude", "include"] = "exclude",
) -> pd.Series:
    """Boolean mask of the spells active on date ``at`` (precision-aware).

    A partial date stands for a period (``"1957"`` = all of 1957).  With ``dates`` (``convention=``
    is its deprecated name):

    ``"earliest"`` (default)
        start and end resolve to the first day of their period: a tie signed "in 1957" is active
        from 1957-01-01; one ended "in 2025" is inactive from 2025-01-01.
    ``"midpoint"``
        both resolve to the middle day of their period (1957-07-02; 2025-07-02).
    ``"latest"``
        both resolve to the last day of their period: active from 1957-12-31, inactive from
        2025-12-31.
    ``"strict"``
        only spells certainly active: start on its period's last day, end on its first day.

    Dates are resolved by :func:`twingraph.dates.resolve_spell_dates`.  A spell is active iff
    ``start <= at < end``; a missing end means still active (right-censored).
    Spells with an unknown start are excluded unless ``undated="include"``, which treats them as
    active since forever (sensible only for a date close to when the data was observed).

    Parameters
    ----------
    spells : DataFrame
        Tie spells (:data:`twingraph.tables.SPELL_COLUMNS`).
    at : date-like
        The day.
    dates : {"earliest", "midpoint", "latest", "strict"}
        How partial dates resolve (above).
    undated : {"exclude", "include"}
        Spells with an unknown start.

    Returns
    -------
    Series of bool
        Aligned with ``spells``.
    """
    if undated not in ("exclude", "include"):
        raise ValueError(f"undated must be 'exclude' or 'include', not {undated!r}")
    start, end = resolve_spell_dates(spells, dates)  # validates the rule
    t = np.datetime64(pd.Timestamp(at), "us")
    started = start <= t  # NaT compares False
    if undated == "include":
        started |= np.isnat(start)
    return pd.Series(started & (np.isnat(end) | (t < end)), index=spells.index, dtype=bool)


@renamed_arguments(convention="dates")
def snapshot(
    data: TwinData,
    at: str | pd.Timestamp,
    dates: DateConvention = "earliest",
    undated: Literal["exclude", "include"] = "exclude",
) -> nx.MultiGraph:
    """The multigraph of the spells active on ``at``; all places kept as nodes.

    Parameters
    ----------
    data : TwinData
    at : date-like
    dates : {"earliest", "midpoint", "latest", "strict"}
        How partial dates resolve (:func:`active_mask`; ``convention=`` is its deprecated name).
    undated : {"exclude", "include"}
        Spells with an unknown start (:func:`active_mask`).

    Returns
    -------
    networkx.MultiGraph
    """
    mask = active_mask(data.spells, at, dates=dates, undated=undated)
    sub = TwinData(
        places=data.places, spells=data.spells.loc[mask.to_numpy()], events=data.events,
        rejections=data.rejections, rows_read=data.rows_read, rows_loaded=data.rows_loaded,
        source=data.source, observed=data.observed, notes=data.notes,
    )
    G = multigraph(sub)
    G.graph["at"] = pd.Timestamp(at).date().isoformat()
    return G


#: vertex attributes :func:`nx_to_igraph` always sets, as floats (NaN when missing)
FLOAT_VERTEX_ATTRS = ("lat", "lon", "population")


def nx_to_igraph(G: nx.Graph, *, keep_loops: bool = False, weight: str = "weight") -> tuple[ig.Graph, list[Any]]:
    """**The** networkx -> igraph converter (behind :func:`to_igraph` and
    :func:`twingraph.measures.as_igraph`, so both give the same graph for the same input).

    Parameters
    ----------
    G : networkx.Graph
        Undirected, not a multigraph (else :class:`~twingraph.exceptions.GraphTypeError`: project
        the multigraph first with :func:`project`).
    keep_loops : bool
        Keep self-loops (the country graph's domestic ties); dropped by default.
    weight : str
        Edge attribute copied to the igraph ``weight`` attribute (1.0 when absent).

    Returns
    -------
    (igraph.Graph, list)
        The graph and the node ids in vertex order.  Vertex ``i`` is ``ids[i]``: the ids sorted
        (insertion order when they are not sortable), so the same graph always gives the same
        numbering.  Vertex attributes: ``name`` = ``str(id)``; ``label`` = the node's ``name``
        attribute (its display name) or the id; ``country`` (None when missing); ``lat``, ``lon``,
        ``population`` as floats (NaN when missing); every other node attribute as is (None when
        missing).  Edge attributes: every edge attribute as is, and ``weight`` as a float.

    Examples
    --------
    >>> g, ids = nx_to_igraph(nx.Graph([("b", "a", {"weight": 2})]))
    >>> ids, g.vs["name"], g.es["weight"], g.vs["lat"][0] != g.vs["lat"][0]
    (['a', 'b'], ['a', 'b'], [2.0], True)
    """
    if G.is_directed() or G.is_multigraph():
        raise GraphTypeError("expected an undirected simple graph (networkx.Graph); "
                             "project a multigraph first (twingraph.graphs.project)")
    g, ids, edge_data = igraph_skeleton(G, keep_loops=keep_loops)
    nodes = G.nodes
    g.vs["name"] = [str(n) for n in ids]
    g.vs["label"] = [nodes[n].get("name", n) for n in ids]
    g.vs["country"] = [nodes[n].get("country") for n in ids]
    for attr in FLOAT_VERTEX_ATTRS:
        g.vs[attr] = [float(nodes[n][attr]) if nodes[n].get(attr) is not None else float("nan") for n in ids]
    fixed = {"name", "label", "country", *FLOAT_VERTEX_ATTRS}
    for k in sorted({k for _, d in G.nodes(data=True) for k in d} - fixed):
        g.vs[k] = [nodes[n].get(k) for n in ids]
    for k in sorted({k for d in edge_data for k in d} - {"weight"}):
        g.es[k] = [d.get(k) for d in edge_data]
    g.es["weight"] = [float(d.get(weight, 1)) for d in edge_data]
    return g, ids


def to_igraph(G: nx.Graph, weight: str = "weight") -> tuple[ig.Graph, list[str]]:
    """Convert a simple networkx graph to an undirected igraph graph with a stable id mapping
    (:func:`nx_to_igraph`, self-loops dropped).

    Parameters
    ----------
    G : networkx.Graph
        Undirected simple graph (e.g. :func:`simple_graph`).
    weight : str
        Edge attribute that becomes ``weight`` (1 when absent).

    Returns
    -------
    (igraph.Graph, list of str)
        The graph and the node ids in vertex order (vertex ``i`` is ``ids[i]``).
    """
    return nx_to_igraph(G, weight=weight)


def igraph_skeleton(G: nx.Graph, keep_loops: bool = False) -> tuple[ig.Graph, list[Any], list[dict[str, Any]]]:
    """The one networkx -> igraph numbering: vertices and edges only, no attributes but ``name``.

    Parameters
    ----------
    G : networkx.Graph
        Undirected, not a multigraph (not checked here: callers refuse the others with their own error).
    keep_loops : bool
        Keep self-loops (dropped by default).

    Returns
    -------
    (igraph.Graph, list, list of dict)
        The graph (vertex ``i`` is ``nodes[i]``, also its ``name`` attribute), the nodes in sorted
        order (insertion order when they are not sortable), and the data dict of each kept edge in
        igraph edge order.

    Examples
    --------
    >>> g, ids, _ = igraph_skeleton(nx.Graph([("b", "a"), ("a", "a")]))
    >>> ids, g.get_edgelist()
    (['a', 'b'], [(0, 1)])
    """
    ids = list(G.nodes())
    try:
        ids = sorted(ids)
    except TypeError:
        pass
    index = {n: i for i, n in enumerate(ids)}
    kept = [(u, v, d) for u, v, d in G.edges(data=True) if keep_loops or u != v]
    g = ig.Graph(n=len(ids), edges=[(index[u], index[v]) for u, v, _ in kept], directed=False)
    g.vs["name"] = ids
    return g, ids, [d for _, _, d in kept]


@renamed_arguments(convention="weights")
def country_graph(data: TwinData, weights: ParallelConvention = "ties") -> nx.Graph:
    """Ties aggregated by country pair: nodes are ISO3 codes, ``weight`` = number of ties.

    Domestic ties (both places in one country) become a self-loop on that country, so that
    ``strength`` can include or exclude them explicitly.  Ties with a place of unknown country are
    left out and counted in ``graph["unknown_country_ties"]``.

    Parameters
    ----------
    data : TwinData
    weights : {"ties", "spells", "binary"}
        What a place-pair edge counts before aggregation (:func:`project`; ``convention=`` is its
        deprecated name).

    Returns
    -------
    networkx.Graph
        Nodes are ISO3 codes; ``graph["unknown_country_ties"]`` counts the ties left out.
    """
    H = project(multigraph(data), weights=weights)
    C: nx.Graph = nx.Graph(source=data.source)
    unknown = 0
    for u, v, d in H.edges(data=True):
        cu, cv = H.nodes[u].get("country"), H.nodes[v].get("country")
        if not cu or not cv:
            unknown += 1
            continue
        w = d.get("weight", 1)
        if C.has_edge(cu, cv):
            C[cu][cv]["weight"] += w
        else:
            C.add_edge(cu, cv, weight=w)
    C.graph["unknown_country_ties"] = unknown
    return C
