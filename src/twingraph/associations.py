"""Multilateral associations as a membership layer, not as cliques of pairwise ties.

A twinning association such as the Douzelage (one town per EU member state, founded 1991) is
recorded in Wikipedia's country lists as a clique: every member listed as the twin of every other.
Flattened into pairwise ties, such cliques dominate triangle counts, clustering, assortativity and
the top of the eigenvector and k-core rankings.  This module keeps them apart (the data-in half --
registry, matching, flagging -- lives in :mod:`twingraph.membership` and is re-exported here):

* :func:`load_registry` reads the curated, sourced registry shipped with the package
  (``data/associations.csv``, ``data/memberships.csv``; see ``data/CURATED.md``);
* :func:`match_places` matches the registry's places to a dataset's places by normalised name and
  ISO3 country, and :func:`match_report` gives the match rate of every association;
* :func:`attach` puts the registry into a :class:`~twingraph.tables.TwinData` (``associations`` and
  ``memberships`` tables), adding members *inferred* from cliques of the dataset that match a
  registry's member list (:func:`infer_members`, ``basis="inferred"``);
* :func:`flag_associations` adds the ``via_association`` column to the spells: a tie between two
  members of one twinning association.  Every projection then chooses
  ``associations="include" | "exclude" | "groups"`` (:func:`twingraph.graphs.project`);
* :func:`structure_with_without`, :func:`explained_shares` and :func:`rankings_with_without` give
  the statistics and rankings side by side, with the share of triangles, wedges and top-k ranks the
  associations explain;
* :func:`membership_graph`, :func:`co_membership` and :func:`co_membership_overlap` give the
  bipartite place × association graph and its overlap with bilateral twinning;
* :func:`membership_spells` turns memberships into spells for the survival code (an expulsion,
  suspension or replacement is an event like a tie's end).

Only associations of kind ``"twinning association"`` are flagged by default: co-members of a
thematic network (C40) or a regional network (Union of the Baltic Cities) twin bilaterally for their
own reasons, so their ties are not association-implied; their overlap is measured instead.

A flagged tie may also exist bilaterally (Granville and Sherborne twinned in 1989, before the
Douzelage): the country lists carry no dates, so the flag says "explained by co-membership", not
"created by the association".
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import Any, Literal
from collections.abc import Sequence

import networkx as nx
import numpy as np
import pandas as pd

from .membership import _registry_path  # noqa: F401  (kept importable from here)
from .membership import (FLAGGED_KINDS, association_flags, association_pairs, attach, flag_associations,
                         infer_members, load_registry, match_places, match_report, normalise_name)
from .results import TableResult
from .tables import SPELL_COLUMNS, TwinData

__all__ = [
    "load_registry",
    "normalise_name",
    "match_places",
    "match_report",
    "infer_members",
    "attach",
    "association_pairs",
    "flag_associations",
    "explained_shares",
    "structure_with_without",
    "rankings_with_without",
    "Rankings",
    "membership_graph",
    "co_membership",
    "co_membership_overlap",
    "membership_spells",
    "FLAGGED_KINDS",
    "association_flags",
]

_END_TO_SPELL = {"suspended": "suspended", "expelled": "terminated", "withdrew": "terminated",
                 "replaced": "terminated", "lapsed": "lapsed"}


def explained_shares(g_all: Any, g_without: Any) -> dict[str, float | int]:
    """Share of edges, triangles and wedges that the association-implied ties account for.

    A triangle (wedge) is explained when removing the flagged ties destroys it, i.e. it holds at
    least one flagged tie: share = 1 - count(without) / count(with).

    Parameters
    ----------
    g_all, g_without : igraph.Graph or networkx.Graph
        The simple graph with all ties and the one with association-implied ties excluded (same
        places).

    Returns
    -------
    dict
        ``edges``, ``edges_removed``, ``edge_share``, ``triangles``, ``triangles_removed``,
        ``triangle_share``, ``wedges``, ``wedges_removed``, ``wedge_share``.

    References
    ----------
    Newman, M. E. J. (2003). The structure and function of complex networks. SIAM Review 45(2),
    167-256 (transitivity = 3 triangles / connected triples).

    Examples
    --------
    >>> K = nx.complete_graph(4); H = K.copy(); H.remove_edge(0, 1)
    >>> explained_shares(K, H)["triangle_share"]
    0.5
    """
    from .measures.size import size_stats

    a, b = size_stats(g_all), size_stats(g_without)
    out: dict[str, float | int] = {}
    for key, name in (("n_edges", "edges"), ("triangles", "triangles"), ("wedges", "wedges")):
        out[name] = int(a[key])
        out[f"{name}_removed"] = int(a[key] - b[key])
        share_key = "edge_share" if name == "edges" else f"{name[:-1]}_share"
        out[share_key] = (a[key] - b[key]) / a[key] if a[key] else float("nan")
    return out


def structure_with_without(data: TwinData, distances: bool = True) -> pd.DataFrame:
    """KONECT statistics with and without the association-implied ties, side by side.

    Parameters
    ----------
    data : TwinData
        Flagged by :func:`flag_associations` (flagged here if not).
    distances : bool
        Compute the all-pairs distance statistics.

    Returns
    -------
    DataFrame
        Index :data:`twingraph.measures.summary.KONECT_KEYS` followed by the keys of
        :func:`explained_shares` prefixed ``explained_``; columns ``"with associations"`` and ``"bilateral (excluded)"``
        (object dtype: counts stay ints).

    References
    ----------
    Kunegis, J. (2013). KONECT -- the Koblenz Network Collection. WWW '13 Companion, 1343-1350.

    Examples
    --------
    >>> import twingraph as tg                                                    # doctest: +SKIP
    >>> structure_with_without(tg.load("wikipedia-lists-2026")).loc["transitivity"]  # doctest: +SKIP
    """
    from .graphs import simple_graph, to_igraph
    from .measures.summary import KONECT_KEYS, konect_stats

    if "via_association" not in data.spells.columns:
        data = flag_associations(data)
    g_all, _ = to_igraph(simple_graph(data, isolates=True))
    g_wo, _ = to_igraph(simple_graph(data, isolates=True, associations="exclude"))
    sa, sw = konect_stats(g_all, distances=distances), konect_stats(g_wo, distances=distances)
    shares = explained_shares(g_all, g_wo)
    index = list(KONECT_KEYS) + [f"explained_{k}" for k in shares]
    col_a = [sa[k] for k in KONECT_KEYS] + list(shares.values())
    col_w = [sw[k] for k in KONECT_KEYS] + [None] * len(shares)
    return pd.DataFrame({"with associations": pd.Series(col_a, index=index, dtype=object),
                         "bilateral (excluded)": pd.Series(col_w, index=index, dtype=object)})


def _scores(g: Any, fn: Any) -> np.ndarray:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # 12 decimals: ARPACK's random start (eigenvector) moves the last digits between runs;
        # rounded, ranks and written tables are reproducible
        return np.round(np.asarray(fn(g), dtype=float), 12)


@dataclass(frozen=True, eq=False)
class Rankings(TableResult):
    """:func:`rankings_with_without`: the ranking table and what association ties explain.

    Attributes
    ----------
    table : DataFrame
        One row per (measure, network, rank); columns in :func:`rankings_with_without`.
    explained : dict
        Per measure: ``members_in_top``, ``left_top`` and ``n_top`` (see :func:`rankings_with_without`).
    """

    explained: dict[str, dict[str, float]]


def rankings_with_without(data: TwinData, measures: dict[str, Any] | None = None, top: int = 20,
                          check: Sequence[str] = (), n_jobs: int | None = 1) -> Rankings:
    """Top-``top`` places by each centrality, with and without association-implied ties.

    Parameters
    ----------
    data : TwinData
        Flagged by :func:`flag_associations` (flagged here if not).
    measures : dict, optional
        ``name -> function(igraph.Graph) -> scores``; default degree, betweenness, PageRank,
        eigenvector, harmonic and k-core from :mod:`twingraph.measures`.
    top : int
        How many ranks.
    check : sequence of str
        Place ids whose rank by every measure is also reported (rows with ``kind="check"``; rank =
        1 + number of places with a higher score, so tied places share the smallest rank).  Scores
        are rounded to 12 decimals first, so that reruns give the same ranks.
    n_jobs : int or None
        Worker processes: each (network, measure) score is one task (every measure runs serially
        inside its task, so the scores are the same bits whatever ``n_jobs``); ``measures`` must
        then be picklable (module-level functions).  None defers to ``joblib.parallel_config``.

    Returns
    -------
    Rankings
        ``table``: one row per (measure, network, rank): ``kind`` (``"top"``/``"check"``), ``measure``,
        ``network`` (``"with"``/``"without"``), ``rank`` (tied places share the smallest rank),
        ``n_tied`` (places in the whole network with that score: the rank is shared by all of them,
        so a tie group crossing rank ``top`` is listed only up to ``top`` rows, ordered by place id),
        ``place_id``, ``name``, ``country``, ``score``, ``member`` (association id(s) of a twinning
        association the place belongs to, else ``None``).  ``explained`` holds, per
        measure, over every place ranked ``<= top`` with all ties (``n_top``, tie groups whole):
        the share held by association members (``members_in_top``) and the share whose rank
        without the association ties is worse than ``top`` (``left_top``).

    References
    ----------
    Brandes, U. (2001). A faster algorithm for betweenness centrality. J. Math. Sociol. 25(2),
    163-177; Bonacich, P. (1987). Power and centrality. Am. J. Sociol. 92(5), 1170-1182.

    Examples
    --------
    >>> import twingraph as tg                                          # doctest: +SKIP
    >>> rankings_with_without(tg.load("wikipedia-lists-2026")).explained    # doctest: +SKIP
    """
    from ._parallel import run
    from .graphs import simple_graph, to_igraph
    from .measures import betweenness, core_number, degree_centrality, eigenvector, harmonic, pagerank
    from .measures.centrality import rank_table

    if "via_association" not in data.spells.columns:
        data = flag_associations(data)
    if measures is None:
        measures = {"degree": degree_centrality, "betweenness": betweenness, "pagerank": pagerank,
                    "eigenvector": eigenvector, "harmonic": harmonic, "k_core": core_number}
    flagged_assoc = set(data.associations.loc[data.associations["kind"].isin(FLAGGED_KINDS), "association_id"])
    mm = data.memberships.dropna(subset=["place_id"])
    mm = mm[mm["association_id"].isin(flagged_assoc)]
    member = mm.groupby("place_id")["association_id"].agg(lambda x: ";".join(sorted(set(x)))).to_dict()
    from scipy.stats import rankdata

    parts, explained = [], {}
    ranks: dict[tuple[str, str], dict[str, int]] = {}
    cols = ["kind", "measure", "network", "rank", "n_tied", "place_id", "name", "country", "score", "member"]
    modes: tuple[tuple[str, Literal["include", "exclude"]], ...] = (("with", "include"), ("without", "exclude"))
    graphs = {network: to_igraph(simple_graph(data, isolates=True, associations=mode)) for network, mode in modes}
    # costliest first (exact betweenness, harmonic), so two workers finish together
    order = sorted(((network, name) for network, _ in modes for name in measures),
                   key=lambda t: (t[1] not in ("betweenness", "harmonic"), t[1] != "betweenness"))
    computed = run(_scores, [(graphs[nw][0], measures[nm]) for nw, nm in order], n_jobs)
    all_scores = dict(zip(order, computed))
    for network, _mode in modes:
        g, ids = graphs[network]
        for name in measures:
            score = all_scores[(network, name)]
            t = rank_table(g, by=score, top=top)
            t.insert(0, "network", network)
            t.insert(0, "measure", name)
            t.insert(0, "kind", "top")
            t["member"] = [member.get(p) for p in t["place_id"]]
            vals, counts = np.unique(score, return_counts=True)
            n_tied = dict(zip(vals.tolist(), counts.tolist()))
            t["n_tied"] = [int(n_tied[float(v)]) for v in t["score"]]
            ranks[(name, network)] = dict(zip(ids, rankdata(-score, method="min").astype(int).tolist()))
            parts.append(t[cols])
            for pid in check:
                i = ids.index(pid)
                parts.append(pd.DataFrame([{"kind": "check", "measure": name, "network": network,
                                            "rank": 1 + int((score > score[i]).sum()),
                                            "n_tied": int((score == score[i]).sum()), "place_id": pid,
                                            "name": g.vs[i]["label"], "country": g.vs[i]["country"],
                                            "score": float(score[i]), "member": member.get(pid)}], columns=cols))
    for name in measures:
        rw, rwo = ranks[(name, "with")], ranks[(name, "without")]
        w = [p for p, r in rw.items() if r <= top]  # tied ranks: every place ranked <= top, not a cut by id
        explained[name] = {"members_in_top": sum(p in member for p in w) / len(w) if w else float("nan"),
                           "left_top": sum(rwo.get(p, top + 1) > top for p in w) / len(w) if w else float("nan"),
                           "n_top": len(w)}
    return Rankings(pd.concat(parts, ignore_index=True), explained=explained)


def _member_key(row: pd.Series) -> str:
    return row["place_id"] if isinstance(row["place_id"], str) else f"{row['place']}|{row['country']}"


def membership_graph(memberships: pd.DataFrame, basis: Sequence[str] = ("registry",)) -> nx.Graph:
    """The bipartite place × association graph.

    Parameters
    ----------
    memberships : DataFrame
        Memberships (registry or attached); unmatched places are keyed ``"<place>|<ISO3>"``.
    basis : sequence of str
        Which rows to use (default: sourced registry rows only).

    Returns
    -------
    networkx.Graph
        Place nodes with ``bipartite=0``, association nodes ``"assoc:<id>"`` with ``bipartite=1``;
        an edge per membership (attributes ``joined``, ``left``, ``end_status``).

    References
    ----------
    networkx.algorithms.bipartite (https://networkx.org/documentation/stable/reference/algorithms/bipartite.html).

    Examples
    --------
    >>> m = pd.DataFrame({"association_id": ["x", "x", "y"], "place_id": ["a", "b", "a"], "place": list("aba"),
    ...                   "country": "FRA", "basis": "registry", "joined": pd.NaT, "left": pd.NaT, "end_status": None})
    >>> B = membership_graph(m)
    >>> dict(B.degree(["a", "assoc:x"]))
    {'a': 2, 'assoc:x': 2}
    """
    B: nx.Graph = nx.Graph()
    m = memberships[memberships["basis"].isin(basis)]
    for _, r in m.sort_values(["association_id", "place"]).iterrows():
        p, a = _member_key(r), f"assoc:{r['association_id']}"
        B.add_node(p, bipartite=0, name=r["place"], country=r["country"])
        B.add_node(a, bipartite=1, name=r["association_id"])
        B.add_edge(p, a, joined=None if pd.isna(r["joined"]) else r["joined"].date().isoformat(),
                   left=None if pd.isna(r["left"]) else r["left"].date().isoformat(), end_status=r["end_status"])
    return B


def co_membership(memberships: pd.DataFrame, basis: Sequence[str] = ("registry",)) -> nx.Graph:
    """Co-membership projection: places linked when they share an association.

    Parameters
    ----------
    memberships : DataFrame
        As for :func:`membership_graph`.
    basis : sequence of str
        Which rows to use.

    Returns
    -------
    networkx.Graph
        Place nodes; edge ``weight`` = number of shared associations.

    References
    ----------
    Breiger, R. L. (1974). The duality of persons and groups. Social Forces 53(2), 181-190.

    Examples
    --------
    >>> m = pd.DataFrame({"association_id": ["x", "x", "y", "y"], "place_id": ["a", "b", "a", "b"],
    ...                   "place": list("abab"), "country": "FRA", "basis": "registry", "joined": pd.NaT,
    ...                   "left": pd.NaT, "end_status": None})
    >>> co_membership(m)["a"]["b"]["weight"]
    2
    """
    B = membership_graph(memberships, basis)
    places = sorted(n for n, d in B.nodes(data=True) if d["bipartite"] == 0)
    return nx.bipartite.weighted_projected_graph(B, places)


def co_membership_overlap(data: TwinData, associations: Sequence[str] | None = None) -> pd.DataFrame:
    """Do co-members also twin?  Share of co-member pairs tied in the dataset, per association.

    Parameters
    ----------
    data : TwinData
        Attached (:func:`attach`); only registry rows matched to the dataset are used.
    associations : sequence of str, optional
        Association ids (default: all).

    Returns
    -------
    DataFrame
        ``association_id``, ``kind``, ``matched_members``, ``co_member_pairs``, ``pairs_tied``,
        ``share_tied``, ``members_with_outside_ties`` (members with a tie to a place outside the
        association), ``mean_outside_degree``; and a baseline: ``baseline_share``, the share of
        co-member pairs expected tied if each pair were tied as often as any two places of the
        same two countries are (ties between those countries over the pairs of their places,
        without the co-member pairs' own ties, which would make the baseline circular),
        ``rate_ratio = share_tied / baseline_share``; ``baseline_degree_share``, the share expected
        from the members' degrees alone (``k_u k_v / 2m`` per pair, capped at 1, with degrees and
        ``m`` counted without ties among co-members), a fairer baseline for hubs such as C40 cities.

    References
    ----------
    Issue 9: "do co-members also twin bilaterally?".

    Examples
    --------
    >>> import twingraph as tg                                              # doctest: +SKIP
    >>> co_membership_overlap(attach(tg.load("wikipedia-lists-2026")))      # doctest: +SKIP
    """
    from .graphs import simple_graph

    G = simple_graph(data, isolates=True)
    m = data.memberships[(data.memberships["basis"] == "registry") & data.memberships["place_id"].notna()]
    country = nx.get_node_attributes(G, "country")
    n_places = pd.Series(country).value_counts()
    cp = pd.Series([tuple(sorted((str(country.get(u)), str(country.get(v))))) for u, v in G.edges()]).value_counts()
    kinds = data.associations.set_index("association_id")["kind"]
    rows = []
    for aid in sorted(associations or data.associations["association_id"]):
        ids = sorted(set(m.loc[m["association_id"] == aid, "place_id"]))
        pairs = list(combinations(ids, 2))
        tied = sum(G.has_edge(u, v) for u, v in pairs)
        s = set(ids)
        outside = [len(set(G[u]) - s) for u in ids]
        base = []
        for u, v in pairs:
            cu, cv = str(country.get(u)), str(country.get(v))
            key = tuple(sorted((cu, cv)))
            own = sum(G.has_edge(x, y) for x, y in pairs
                      if tuple(sorted((str(country.get(x)), str(country.get(y))))) == key)
            npairs = (n_places.get(cu, 0) * (n_places.get(cu, 0) - 1) / 2 if cu == cv
                      else n_places.get(cu, 0) * n_places.get(cv, 0))
            npairs -= sum(1 for x, y in pairs if tuple(sorted((str(country.get(x)), str(country.get(y))))) == key)
            base.append((cp.get(key, 0) - own) / npairs if npairs > 0 else np.nan)
        baseline = float(np.nanmean(base)) if base else float("nan")
        inner = sum(G.has_edge(u, v) for u, v in pairs)
        two_m = 2 * (G.number_of_edges() - inner)
        kdeg = {u: G.degree(u) - sum(1 for w in G[u] if w in s) for u in ids}
        degree_base = float(np.mean([min(1.0, kdeg[u] * kdeg[v] / two_m) for u, v in pairs])) if pairs else np.nan
        rows.append({"association_id": aid, "kind": kinds.get(aid), "matched_members": len(ids),
                     "co_member_pairs": len(pairs), "pairs_tied": tied,
                     "share_tied": tied / len(pairs) if pairs else float("nan"),
                     "members_with_outside_ties": int(sum(o > 0 for o in outside)),
                     "mean_outside_degree": float(np.mean(outside)) if outside else float("nan"),
                     "baseline_share": baseline, "baseline_degree_share": degree_base,
                     "rate_ratio": (tied / len(pairs)) / baseline if pairs and baseline > 0 else float("nan")})
    return pd.DataFrame(rows)


def membership_spells(memberships: pd.DataFrame, basis: Sequence[str] = ("registry",)) -> pd.DataFrame:
    """Memberships as spells, for the survival code (:func:`twingraph.survival.counting_process`).

    Parameters
    ----------
    memberships : DataFrame
        Registry or attached memberships.
    basis : sequence of str
        Which rows to use (inferred members have no dates).

    Returns
    -------
    DataFrame
        Columns :data:`twingraph.tables.SPELL_COLUMNS` plus ``association_id``: ``a`` = the place
        (id, or ``"<place>|<ISO3>"`` when unmatched), ``b`` = ``"assoc:<id>"``, ``kind`` =
        ``"partnership"``, ``start``/``end`` = joined/left with their precisions, ``end_status``
        mapped to the spell vocabulary (suspended -> suspended; expelled, withdrew, replaced ->
        terminated; lapsed -> lapsed) and ``end_cause`` = ``"<membership status>: <cause>"``.  A
        membership with no known end is right-censored: pass ``observed`` to the survival code.

    References
    ----------
    Andersen, P. K., Gill, R. D. (1982). Cox's regression model for counting processes. Ann. Stat.
    10(4), 1100-1120 (the counting-process form used by :func:`twingraph.survival.counting_process`).

    Examples
    --------
    >>> _, m = load_registry()
    >>> s = membership_spells(m)
    >>> sorted(s.loc[s["end_status"].notna(), "association_id"].unique())
    ['douzelage', 'ubc']
    """
    m = memberships[memberships["basis"].isin(basis)].sort_values(["association_id", "country", "place"])
    rows = []
    for _, r in m.iterrows():
        a = _member_key(r)
        b = f"assoc:{r['association_id']}"
        tie = f"{r['association_id']}:{a}"
        status = r["end_status"] if isinstance(r["end_status"], str) else None
        rows.append({"spell_id": f"{tie}#0", "tie_id": tie, "spell": 0, "a": a, "b": b, "kind": "partnership",
                     "start": r["joined"], "start_precision": r["joined_precision"], "end": r["left"],
                     "end_precision": r["left_precision"], "end_status": _END_TO_SPELL.get(status) if status else None,
                     "end_cause": f"{status}: {r['end_cause']}" if status else None, "rank": "normal",
                     "directions": "both", "n_rows": 1, "conflict": False, "source": "associations",
                     "reference": r["source"], "association_id": r["association_id"]})
    out = pd.DataFrame(rows, columns=list(SPELL_COLUMNS) + ["association_id"])
    out["start"] = pd.to_datetime(out["start"])
    out["end"] = pd.to_datetime(out["end"])
    return out.reset_index(drop=True)
