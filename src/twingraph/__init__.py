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
from .dates import resolve_dates, resolve_spell_dates
from .temporal import growth, sweep, sweep_rebuild
from .shocks import ExposureRule, default_rules, exposure, exposure_dates, load_shocks
from .counterfactual import counterfactual_removal, exposed_edges, remove_ties
from .survival import (CoxPH, CumulativeIncidence, KaplanMeier, counting_process, event_study, exclusions,
                       logrank_test)
from .simulate import simulate_network, simulate_network_with_truth, validate_survival

__all__ = [
    "__version__",
    "DATASETS",
    "DatasetError",
    "LoadError",
    "TwinData",
    "ExposureRule",
    "CoxPH",
    "CumulativeIncidence",
    "KaplanMeier",
    "counting_process",
    "event_study",
    "exclusions",
    "logrank_test",
    "simulate_network",
    "simulate_network_with_truth",
    "validate_survival",
    "counterfactual_removal",
    "default_rules",
    "exposed_edges",
    "exposure",
    "exposure_dates",
    "growth",
    "load_shocks",
    "remove_ties",
    "resolve_dates",
    "resolve_spell_dates",
    "sweep",
    "sweep_rebuild",
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
