"""Shock cohorts: every tie exposed to a shock, followed to a sourced outcome or to a logged search.

A *cohort* is a set of ties defined before looking at outcomes (e.g. every tie between a Russian
place and a German place in the 2015 German register).  Three files describe it, shipped in
``twingraph/data`` (see ``COHORTS.md`` and ``CURATED.md`` there):

``cohort_<stem>_ties*.csv``
    one row per tie: ``cohort, city_a, country_a, city_b, country_b`` and provenance flags
    ``in_<source>_<year>`` (True when the source lists the tie), optional ``register_year`` (year the
    tie began, from a register) and ``subdivision_a``;
``cohort_outcomes_<stem>*.csv``
    sourced facts, one row per fact, in the columns of ``curated_tie_events.csv`` (event
    ``suspended | terminated | lapsed | restored | maintained | announced`` with date, precision and
    source URL);
``cohort_searches_<stem>*.csv``
    the negative results: one row per cohort tie with no documented change (date of the search,
    corpus, queries, result).

:func:`cohort_table` joins them into one tidy row per tie and **fails** (:class:`CohortError`) when a
tie has neither a sourced outcome nor a logged search.  :func:`survival_table` turns the table into
durations for :mod:`twingraph.survival` (time origin = the shock date, in days), and the helpers
below compute Kaplan–Meier shares ended, Aalen–Johansen cumulative incidences, Cox fits with a
clear "not estimable" and the sensitivity bounds for undocumented outcomes.

Design rules (the reasons are in ``COHORTS.md``):

* **Survivorship.**  A tie is *pre-shock attested* when a source observed before the shock lists it
  (:data:`SOURCE_OBSERVED`).  Ties known only from the February 2026 Wikipedia lists are
  conditioned on being listed in 2026 (lists drop many ended ties): they enter sensitivity analyses
  only.  A pre-shock tie missing from the 2026 lists gets the flag ``absent_2026``: a separate,
  unsourced status, never a documented end.
* **Outcome of a tie** = its first documented end (``suspended``; ``terminated`` and ``lapsed`` both
  count as ``terminated``) on or after the shock; first exit wins (a later termination of a
  suspended tie is kept in ``later_events``).  ``announced`` is not an end; ``maintained`` is a
  documented survival to its date; ``restored`` is recorded.  An end whose period lies wholly
  before the shock takes the tie out of the risk set (``ended_before_shock``).
* **Partial dates** are resolved by :func:`twingraph.dates.resolve_dates`, with the period clipped
  to start at the shock (an end "in February 2022" caused by the 24 February invasion is after
  it).  Undated ends are placed at the median time of the dated documented ends of the same table
  (flagged ``imputed``); a ``maintained`` fact inside an end's period bounds the end from below
  (``end_after_maintained``); an undated end beside a dated one (often a later status report, "still
  resting in February 2025") makes the dated one an upper bound, and the end is placed at the
  earlier of the two.
* **Censoring**: a tie without a documented end is censored at its search date (the search log's
  ``searched_on``; :data:`RESEARCH_DATE` for ties researched into the outcome file), or, with
  ``maintained="date"``, a maintained tie at its last documented date.
* **Conflicts** between sources are flagged, not resolved: a ``maintained`` fact certainly after the
  first end with no restoration between, an undated ``maintained`` fact beside an end, or a
  researcher's note saying that sources disagree.

References: Aalen & Johansen (1978), *Scand. J. Statist.* 5, 141–150 (cumulative incidence);
Heinze & Schemper (2001), *Biometrics* 57, 114–119 (monotone likelihood in Cox regression);
Aronow, Samii & Assenova (2015), *Political Analysis* 23, 564–577 (dyadic-robust SEs).
"""

from .checks import (
    comparison_hazard,
    corrected_shares,
    degree_models,
    group_shares,
    power_two_proportions,
    state_law_table,
    us_partner_ties,
)
from .models import (
    attach_membership,
    check_us_states,
    cox_covariates,
    dyadic_supported,
    fit_cox,
    fit_cox_partners,
    link_places,
    link_qid_degrees,
    sourced_events,
    us_states,
)
from .outcomes import (
    COHORT_FILES,
    COHORT_SHOCKS,
    DAYS_PER_MONTH,
    END_EVENTS,
    KEY,
    OUTCOME_EVENTS,
    RESEARCH_DATE,
    SOURCE_OBSERVED,
    UNDATED_RULES,
    CohortError,
    CohortFiles,
    _base_name as _base_name,  # tested directly
    _clipped as _clipped,  # tested directly
    at_risk,
    cohort_table,
    cumulative_incidence,
    load_cohort,
    normalize_place_name,
    outcome_counts,
    outside_cohort,
    partner_sets,
    provenance_columns,
    read_cohort_files,
    sensitivity_tables,
    share_ended,
    share_ended_sets,
    survival_table,
    survivorship,
    CohortSurvival,
)
from .protocol import (
    PROTOCOL_EVENTS,
    Protocol,
    clopper_pearson,
    corrected_share,
    COMPARISON_GROUPS,
    comparison_cohort,
    protocol_coverage,
    state_law_sample_cohort,
    load_cohort_protocol,
    read_protocol,
    search_sensitivity,
    SearchSensitivity,
    tie_effort,
)
from .plots import (
    COVARIATE_LABELS,
    PALETTE,
    STATUS_COLORS,
    plot_competing,
    plot_flow_map,
    plot_forest,
    plot_forest_panels,
    plot_map,
    plot_map_panels,
    plot_flow_map_figure,
    plot_share_ended,
    plot_share_ended_panels,
)

__all__ = [
    "COHORT_FILES",
    "COHORT_SHOCKS",
    "COVARIATE_LABELS",
    "DAYS_PER_MONTH",
    "END_EVENTS",
    "KEY",
    "OUTCOME_EVENTS",
    "PALETTE",
    "RESEARCH_DATE",
    "SOURCE_OBSERVED",
    "STATUS_COLORS",
    "CohortError",
    "CohortFiles",
    "COMPARISON_GROUPS",
    "comparison_cohort",
    "protocol_coverage",
    "state_law_sample_cohort",
    "comparison_hazard",
    "corrected_shares",
    "degree_models",
    "group_shares",
    "power_two_proportions",
    "state_law_table",
    "us_partner_ties",
    "PROTOCOL_EVENTS",
    "Protocol",
    "UNDATED_RULES",
    "clopper_pearson",
    "corrected_share",
    "load_cohort_protocol",
    "read_protocol",
    "search_sensitivity",
    "SearchSensitivity",
    "tie_effort",
    "at_risk",
    "attach_membership",
    "check_us_states",
    "cohort_table",
    "cox_covariates",
    "cumulative_incidence",
    "dyadic_supported",
    "fit_cox",
    "fit_cox_partners",
    "link_places",
    "link_qid_degrees",
    "load_cohort",
    "normalize_place_name",
    "outcome_counts",
    "partner_sets",
    "plot_competing",
    "plot_flow_map",
    "plot_forest",
    "plot_forest_panels",
    "plot_map",
    "plot_map_panels",
    "plot_flow_map_figure",
    "plot_share_ended",
    "plot_share_ended_panels",
    "outside_cohort",
    "provenance_columns",
    "read_cohort_files",
    "sensitivity_tables",
    "share_ended",
    "share_ended_sets",
    "sourced_events",
    "survival_table",
    "CohortSurvival",
    "survivorship",
    "us_states",
]
