"""Writers: the graph for Gephi (GraphML, GEXF), a plain edge list, and the tidy tables as CSV.

GraphML and GEXF hold the *projected* simple graph (one edge per linked pair, ``weight`` = number of
ties, plus ``n_spells``, the earliest known start ``first_start`` and ``ended`` = all spells of the pair
ended), with every place attribute; Gephi opens both.  ``edgelist`` writes ``a b weight`` lines
(isolated places cannot appear in an edge list; use GraphML or CSV to keep them).  ``csv``
writes the lossless form: ``places.csv``, ``spells.csv``, ``events.csv`` and ``rejections.csv`` into a
directory.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from .graphs import multigraph, project
from .tables import TwinData

__all__ = ["export", "EXPORT_FORMATS"]

EXPORT_FORMATS = ("graphml", "gexf", "edgelist", "csv")


def _gephi_graph(data: TwinData) -> nx.Graph:
    M = multigraph(data)
    H = project(M, weights="ties")
    for u, v, d in H.edges(data=True):
        spells = list(M.get_edge_data(u, v).values())
        d["n_spells"] = len(spells)
        starts = [s["start"] for s in spells if s.get("start")]
        if starts:  # not "start": GEXF writers read that as a dynamic time interval
            d["first_start"] = min(starts)
        d["ended"] = all(s.get("end_status") for s in spells)
    for _, nd in H.nodes(data=True):
        nd["label"] = nd.get("name", "")
    H.graph = {k: str(v) for k, v in H.graph.items()}
    return H


def export(data: TwinData, out: str | Path, format: str) -> list[Path]:
    """Write ``data`` in ``format`` to ``out``; returns the paths written.

    Parameters
    ----------
    data : TwinData
    out : str or Path
        A folder (``csv``) or a file.
    format : str
        One of :data:`EXPORT_FORMATS`.

    Returns
    -------
    list of Path
        The files written.
    """
    out = Path(out)
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}; use one of {', '.join(EXPORT_FORMATS)}")
    if format == "csv":
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, df in (("places", data.places), ("spells", data.spells), ("events", data.events),
                         ("rejections", data.rejections)):
            p = out / f"{name}.csv"
            df.to_csv(p, index=False)
            paths.append(p)
        return paths
    out.parent.mkdir(parents=True, exist_ok=True)
    H = _gephi_graph(data)
    if format == "graphml":
        nx.write_graphml(H, out)
    elif format == "gexf":
        nx.write_gexf(H, out)
    else:
        with open(out, "w", encoding="utf-8") as fh:
            for u, v, d in sorted(H.edges(data=True)):
                fh.write(f"{u}\t{v}\t{d['weight']}\n")
    return [out]
