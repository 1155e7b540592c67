"""Survival analysis of tie spells: counting-process tables, Kaplan–Meier, log-rank, Cox, competing risks.

A *spell* (see :mod:`twingraph.tables`) is one continuous period of a tie.  This package asks how long
spells last and whether a shock (a war, an annexation) shortens them.

Modules
-------
* :mod:`~twingraph.survival.counting` -- counting-process tables (:func:`counting_process`, :func:`exclusions`);
* :mod:`~twingraph.survival.nonparametric` -- :class:`KaplanMeier`, :func:`add_at_risk_counts`;
* :mod:`~twingraph.survival.logrank` -- :func:`logrank_test` (strata, Fleming–Harrington ``rho``);
* :mod:`~twingraph.survival.likelihood` -- the vectorised Cox partial likelihood (Breslow/Efron);
* :mod:`~twingraph.survival.cox` -- :class:`CoxPH`; :mod:`~twingraph.survival.firth` -- :class:`FirthCoxPH`;
* :mod:`~twingraph.survival.separation` -- exact monotone-likelihood detection;
* :mod:`~twingraph.survival.robust` -- clustered, multi-way and dyadic sandwich variances;
* :mod:`~twingraph.survival.zph` -- :func:`cox_zph` (R ``cox.zph``, survival >= 3.0);
* :mod:`~twingraph.survival.competing` -- :class:`CumulativeIncidence`, :class:`FineGray`;
* :mod:`~twingraph.survival.event_study` -- :func:`ends_around_events` (``event_study`` is its
  deprecated name);
* :mod:`~twingraph.survival.base` -- :class:`~twingraph.survival.base.BaseFitter`, the base of every fitter.

Conventions used throughout
---------------------------
* **Time scale.**  Durations are in **years of 365.25 days**.  With ``origin="start"`` (the default)
  time is *years since the spell's start* (a duration analysis); with ``origin="window"`` it is
  *years since* ``window_start`` (calendar time after the shock).
* **Partial dates** are resolved by a named convention (:func:`twingraph.dates.resolve_dates`):
  ``earliest`` = first day of the period (what the tables store), ``midpoint`` = first day plus
  ``floor(days_in_period / 2)`` days (``1957`` -> 1957-07-02, ``1957-10`` -> 1957-10-16), ``latest``
  = last day of the period (``1957`` -> 1957-12-31).  The same convention applies to starts and
  ends.  A date whose precision is ``"unknown"`` is unknown, as in :func:`twingraph.dates.period_bounds`.
* **Events.**  A spell has ended when it has an ``end_status`` or an ``end`` date; ``event = 1`` for
  any end, and ``event_type`` is its ``end_status`` (``terminated``/``suspended``/``lapsed``) or
  ``"unspecified"`` for an end date without a status.  Active spells are right-censored at
  ``observed`` (the data date); an end dated after ``observed`` is censored at ``observed`` too.
* **Episodes** are half-open ``(start, stop]`` intervals (a spell is at risk strictly after its entry
  time), as R's ``Surv(start, stop, event)``.
* **Bad input** is refused with a ``ValueError`` (event flags other than 0/1, no events, one group,
  constant or collinear covariates, text covariates -- the error names the column) or dropped,
  *counted* and warned about, the same way in every estimator (missing values; rows never at risk
  because ``stop <= start``; competing-risk ends without a cause): see each fitter's ``dropped_`` and
  :func:`~twingraph.survival.nonparametric.warn_dropped`.
* **Conventions against R and lifelines** (KM median rule, bands, CIF variance, log-rank weights):
  the table in ``docs/conventions/survival.rst``.

The fitters follow lifelines' API (lifelines itself is not used: it pins ``pandas<3``): ``fit(...)``
returns ``self``, learned attributes end in ``_``, ``summary`` is a DataFrame, ``print_summary()``
prints it, ``plot(ax=None)`` draws on a Matplotlib axis; lifelines' argument names
(``event_observed``, ``cluster_col``, ``event_of_interest``) are accepted.  Every estimate is checked
against R (``tests/r/make_reference.R``, survival 3.5, cmprsk 2.2).
"""

from __future__ import annotations

from .competing import CIF_VARIANCES, CumulativeIncidence, FineGray
from .counting import DATE_CONVENTIONS, EXCLUSION_REASONS, YEAR_DAYS, counting_process, exclusions
from .cox import CoxPH, NotEstimableWarning, _score_residuals  # noqa: F401  (kept importable from here)
from .event_study import ends_around_events, event_study
from .firth import FirthCoxPH
from .logrank import LogrankResult, logrank_test
from .nonparametric import KaplanMeier, add_at_risk_counts, at_risk_counts
from .robust import cluster_variance, dyadic_variance, multiway_variance
from .zph import cox_zph

__all__ = [
    "YEAR_DAYS",
    "DATE_CONVENTIONS",
    "EXCLUSION_REASONS",
    "counting_process",
    "exclusions",
    "KaplanMeier",
    "at_risk_counts",
    "add_at_risk_counts",
    "LogrankResult",
    "logrank_test",
    "CoxPH",
    "NotEstimableWarning",
    "FirthCoxPH",
    "cox_zph",
    "cluster_variance",
    "multiway_variance",
    "dyadic_variance",
    "CumulativeIncidence",
    "CIF_VARIANCES",
    "FineGray",
    "ends_around_events",
    "event_study",
]
