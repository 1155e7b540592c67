"""Tie lifecycle: each tie's history across dated sources, how much each source sees, tie loss
without a shock, and dormancy signals.

Sources (:data:`SYSTEMATIC`, in time order) and what each *covers*
    A source covers a tie when it would have listed it had it known it: when one of the tie's
    places is a place whose ties the source lists (its *home places*):

    ============================  ==========  ===================================================
    source                        observed    home places
    ============================  ==========  ===================================================
    czechia-partnerships-2013     2013-09-17  Czech places of the register (partnerskamesta.cz)
    germany-partnerships-2015     2015-06-18  German places of the register
    wikidata-crawl-2016           2016-09     every item of the crawl (the component reachable
                                              from Weimar: an item's P190 ties were all followed)
    wikidata-eu-2017              2017-05-29  places of the file in its 25 EU states (the query
                                              listed every P190 tie of their towns)
    wikipedia-lists-2026          2026-02-01  places stating a tie (the first town of a row: the
                                              town whose country page lists its partners)
    ============================  ==========  ===================================================

    For each tie and source the history (:func:`tie_histories`) says ``seen``, ``not seen``
    (covered, not listed) or ``not covered``.  The curated registry and the cohort registries
    (``cohort_outcomes_*.csv``) add documented events (signed, suspended, terminated, restored,
    maintained) with dates and sources (:func:`documented_events`); a fetched live-Wikidata cache
    adds P580/P582 dates and deprecated ranks as another merged source (``live=``).
Status (:func:`tie_status`), as of the newest source (the 2026 lists)
    ``suspended`` / ``terminated`` / ``ended`` (lapsed, or a live-Wikidata P582 end): a documented
    end not followed by a documented restoration;
    ``listed``: in the 2026 lists; ``dropped``: seen before, covered by the 2026 lists and absent;
    ``not covered``: seen before, the 2026 lists cover neither town.  Absence is never an end.
Tie loss (:func:`tie_loss`)
    Ties attested in 2013/2015/2016/2017 and absent in 2026, split into ``documented end``,
    ``no longer covered`` and ``dropped by the source``, with covariates for breakdowns and a
    logistic model with dyadic-robust SEs (:func:`loss_model`).
Coverage (:func:`coverage_table`)
    Per country: the ties with a town in that country, captured by the sources that cover the whole
    country (the 2026 lists if the country has a list page, the crawl, the 2017 query for its 25
    states, the German and Czech registers for their own country); log-linear capture–recapture
    (:mod:`twingraph.recapture`) where three or more sources cover it.  The sources span 2013–2026:
    the estimate is of ties that existed and were listable at some time in that span (a tie ended in
    2014 cannot be in the 2026 lists), and missed links between sources' spellings of a place
    inflate it (resolver recall 0.90).
Dormancy (:func:`dormancy`)
    Signals per tie and a documented score and class (see :data:`DORMANCY_WEIGHTS`), validated
    against sourced labels (:func:`validate_dormancy`).
"""

from __future__ import annotations

from typing import Any

from .core import (DORMANCY_WEIGHTS, EU2017_COUNTRIES, SYSTEMATIC, YEARS, Lifecycle, LifecycleError, build,
                   documented_events, match_ties, newest_source, read_package_csv, tie_histories, tie_status)
from .coverage import combine_coverage, coverage_table, official_counts
from .signals import dormancy, find_place, portfolio, validate_dormancy, validation_table, wilson_interval
from .loss import loss_breakdown, loss_model, loss_tables, tie_loss

# the other module-level names of the former single module, for callers that use them
from .core import (ACTIVE_EVENTS, END_EVENTS, ENDED, MERGE_ORDER, NEWEST, OBSERVED_2016,  # noqa: F401
                   OLDER, QUIET_YEARS)  # noqa: F401
from .signals import to_records  # noqa: F401  (twingraph.portfolio)
from .loss import FATES  # noqa: F401

__all__ = [
    "DORMANCY_WEIGHTS",
    "EU2017_COUNTRIES",
    "LifecycleError",
    "Lifecycle",
    "SYSTEMATIC",
    "YEARS",
    "build",
    "combine_coverage",
    "coverage_table",
    "documented_events",
    "dormancy",
    "find_place",
    "loss_breakdown",
    "loss_model",
    "loss_tables",
    "newest_source",
    "plot_coverage",
    "plot_loss",
    "match_ties",
    "official_counts",
    "portfolio",
    "read_package_csv",
    "tie_histories",
    "tie_loss",
    "tie_status",
    "validate_dormancy",
    "validation_table",
    "wilson_interval",
]

#: figure code lives in :mod:`twingraph.plotting.lifecycle` (floor 5); imported on first use
_PLOTTING = ("plot_coverage", "plot_loss", "SOURCE_LABELS")


def __getattr__(name: str) -> Any:
    if name in _PLOTTING:
        from ..plotting import lifecycle as _plots

        return getattr(_plots, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
