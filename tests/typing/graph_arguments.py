"""Type-checking fixture (not run): ``tests/typing/check.py`` (called by ``.ci/run``) runs mypy on this
file and requires exactly the errors marked ``# E:`` below, so a ``GraphLike`` that silently became
``Any`` fails CI."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import igraph as ig
    import networkx as nx

    from twingraph.measures.assortativity import degree_assortativity
    from twingraph.tables import TwinData

    def graphs(data: TwinData) -> None:
        degree_assortativity(ig.Graph.Ring(4))
        degree_assortativity(nx.path_graph(4))
        degree_assortativity("out.twin")  # E: arg-type
        degree_assortativity(data)  # E: arg-type
