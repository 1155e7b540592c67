"""twingraph: the network science of town twinning.

Pipeline: sources -> tidy tables (:mod:`twingraph.tables`) -> graphs (:mod:`twingraph.graphs`) ->
analyses (:mod:`twingraph.measures`, :mod:`twingraph.temporal`, :mod:`twingraph.survival`,
:mod:`twingraph.counterfactual`) -> figures (``experiments/``).

>>> import twingraph as tg
>>> data = tg.load("wikipedia-lists-2026")          # doctest: +SKIP
>>> G = tg.simple_graph(data)                        # doctest: +SKIP
"""

from __future__ import annotations

__version__ = "0.1.0"

from .datasets import DATASETS, DatasetError, data_dir, fetch
from .graphs import active_mask, country_graph, multigraph, project, simple_graph, snapshot, to_igraph
from .loaders import LoadError, load
from .tables import TwinData

__all__ = [
    "__version__",
    "DATASETS",
    "DatasetError",
    "LoadError",
    "TwinData",
    "active_mask",
    "country_graph",
    "data_dir",
    "fetch",
    "load",
    "multigraph",
    "project",
    "simple_graph",
    "snapshot",
    "to_igraph",
]
