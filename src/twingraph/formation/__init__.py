"""Formation dynamics from dated registers: growth, event studies, attachment kernels, geography, dating.

The dated registers (``germany-partnerships-2015``, ``czechia-partnerships-2013``) list one country's
towns' partnerships *as they stood when the register was compiled*, each with the year it began.
Everything here is computed on **partnerships**: unordered pairs of places, whatever the kind (a
friendship later upgraded to a twinning is one partnership, dated by its earliest year).  Three
limits hold for every result and are repeated in the figures:

* coverage is one country's towns (the *focal* country) and their partners;
* ties that ended before the compilation are absent (survivorship): early years are undercounted,
  more so for partnerships that did not last;
* a town enters the register with its first partnership: towns without partners are not listed.

Functions
    :func:`partnerships` -- one row per partnership (focal place, partner, countries, year begun);
    :func:`formation_counts` -- new partnerships per year (or decade) per group, with coverage;
    :func:`event_study_design` / :func:`event_study` -- a Poisson (or negative binomial) event study
    of formation counts around a dated event, with unit and year fixed effects, leads and lags, a
    pooled post-event rate ratio and a joint test of the leads (pre-trends);
    :func:`attachment_kernel` -- the rate at which a place with ``k`` partners gains another, from the
    dated sequence (Newman 2001; Jeong, Néda & Barabási 2003), with exact Poisson intervals, the
    fitted exponent of ``A(k) ∝ k^alpha`` and a null that shuffles the dates;
    :func:`geography_by_period` -- distance and continent of new partners by decade, with partner
    coordinates checked against the stated country;
    :func:`dating_agreement` -- the same tie dated by two sources: do the years agree?

References
----------
M. E. J. Newman, "Clustering and preferential attachment in growing networks", Phys. Rev. E 64,
025102 (2001).
H. Jeong, Z. Néda, A.-L. Barabási, "Measuring preferential attachment in evolving networks",
Europhys. Lett. 61, 567 (2003).
"""

from __future__ import annotations

from .attachment import AttachmentKernel, attachment_counts, attachment_kernel, exact_poisson_interval
from .attachment import _alpha_concentrated, _fit_alpha  # noqa: F401  (tests compare the two fits)
from .counts import formation_by_source, formation_counts, partnerships, period_labels, top_groups_by_period
from .dating import dating_agreement, dating_agreement_summary, dating_agreements
from .events import (EventDesign, EventStudyResult, PlaceboTest, event_studies, event_study, event_study_design,
                     event_times, event_units, placebo_test)
from .geography import coordinate_country_check, geography_by_period

__all__ = [
    "AttachmentKernel",
    "EventDesign",
    "PlaceboTest",
    "EventStudyResult",
    "attachment_counts",
    "attachment_kernel",
    "coordinate_country_check",
    "dating_agreement",
    "dating_agreement_summary",
    "dating_agreements",
    "event_studies",
    "event_study",
    "event_study_design",
    "event_times",
    "event_units",
    "exact_poisson_interval",
    "formation_by_source",
    "formation_counts",
    "geography_by_period",
    "partnerships",
    "period_labels",
    "placebo_test",
    "top_groups_by_period",
]
