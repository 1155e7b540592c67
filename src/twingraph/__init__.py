"""twingraph: the network science of town twinning.

Pipeline: sources -> tidy tables (:mod:`twingraph.tables`) -> graphs (:mod:`twingraph.graphs`) ->
analyses (:mod:`twingraph.measures`, :mod:`twingraph.temporal`, :mod:`twingraph.survival`,
:mod:`twingraph.counterfactual`) -> figures (``experiments/``).

>>> import twingraph as tg
>>> data = tg.load("wikipedia-lists-2026")          # doctest: +SKIP
>>> G = tg.simple_graph(data)                        # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Names are imported on first use (PEP 562): ``import twingraph`` and ``twingraph --version`` stay fast
# because pandas, scipy, statsmodels and igraph load only when a function that needs them is used.
_LAZY: dict[str, str] = {
    "DATASETS": "datasets", "DatasetError": "datasets", "data_dir": "datasets", "fetch": "datasets",
    "active_mask": "graphs", "country_graph": "graphs", "multigraph": "graphs", "project": "graphs",
    "simple_graph": "graphs", "snapshot": "graphs", "to_igraph": "graphs",
    "LoadError": "loaders", "load": "loaders",
    "merge": "merge", "merge_sources": "merge", "overlap_report": "merge", "resolve_places": "resolve",
    "TwinData": "tables",
    "resolve_dates": "dates", "resolve_spell_dates": "dates",
    "growth": "temporal", "sweep": "temporal", "sweep_rebuild": "temporal",
    "ExposureRule": "shocks", "default_rules": "shocks", "exposure": "shocks", "exposure_dates": "shocks",
    "load_shocks": "shocks", "undetermined_exposure": "shocks",
    "counterfactual_removal": "counterfactual", "exposed_edges": "counterfactual", "remove_ties": "counterfactual",
    "country_cut_null": "counterfactual", "foreign_edges": "counterfactual",
    "CoxPH": "survival", "CumulativeIncidence": "survival", "KaplanMeier": "survival",
    "counting_process": "survival", "event_study": "survival", "ends_around_events": "survival",
    "exclusions": "survival",
    "logrank_test": "survival", "FirthCoxPH": "survival", "FineGray": "survival", "cox_zph": "survival",
    "add_at_risk_counts": "survival",
    "simulate_network": "simulate", "simulate_network_with_truth": "simulate", "validate_survival": "simulate",
    "dyadic_coverage": "simulate",
}

if TYPE_CHECKING:  # what type checkers and IDEs see: the eager imports
    from .counterfactual import counterfactual_removal, country_cut_null, exposed_edges, foreign_edges, remove_ties
    from .datasets import DATASETS, DatasetError, data_dir, fetch
    from .dates import resolve_dates, resolve_spell_dates
    from .graphs import (active_mask, country_graph, multigraph, project, simple_graph, snapshot,
                         to_igraph)
    from .loaders import LoadError, load
    from .merge import merge, merge_sources, overlap_report
    from .resolve import resolve_places
    from .shocks import ExposureRule, default_rules, exposure, exposure_dates, load_shocks, undetermined_exposure
    from .simulate import dyadic_coverage, simulate_network, simulate_network_with_truth, validate_survival
    from .survival import (CoxPH, CumulativeIncidence, FineGray, FirthCoxPH, KaplanMeier, add_at_risk_counts,
                           counting_process, cox_zph, ends_around_events, event_study, exclusions,
                           logrank_test)
    from .tables import TwinData
    from .temporal import growth, sweep, sweep_rebuild


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'twingraph' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later look-ups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "__version__",
    "DATASETS",
    "DatasetError",
    "LoadError",
    "TwinData",
    "merge",
    "merge_sources",
    "overlap_report",
    "resolve_places",
    "ExposureRule",
    "CoxPH",
    "FirthCoxPH",
    "FineGray",
    "cox_zph",
    "add_at_risk_counts",
    "dyadic_coverage",
    "CumulativeIncidence",
    "KaplanMeier",
    "counting_process",
    "event_study",
    "ends_around_events",
    "exclusions",
    "logrank_test",
    "simulate_network",
    "simulate_network_with_truth",
    "validate_survival",
    "counterfactual_removal", "country_cut_null", "foreign_edges",
    "default_rules",
    "exposed_edges",
    "exposure",
    "exposure_dates",
    "undetermined_exposure",
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
