"""Shocks to the structure: the curated shock registry and declarative exposure rules.

A *shock* is a dated event that can affect ties (a war, a law, a dispute), one row of the registry
``twingraph/data/curated_events.csv`` (the events table of :mod:`twingraph.tables`).  An
:class:`ExposureRule` says which ties a shock concerns, with a small declarative *predicate* built by
a factory:

* :func:`ties_with_country` -- a tie with a place in one country, optionally only when the partner is
  in a given set of countries (pass the set, e.g. countries whose government condemned the 2022
  invasion, from a cited source; none is built in);
* :func:`ties_between` -- a tie between a place in countries A and a place in countries B;
* :func:`subdivision_to_countries` -- a tie between a place in a subdivision of a country (a Texas
  city) and a place in named countries.

Predicates read the countries and subdivisions of both endpoints from the places table.  A spell
whose exposure cannot be decided (it would be exposed for some value of a missing country or
subdivision) counts as not exposed; :func:`undetermined_exposure` counts them, so an undercount is
visible.

:func:`exposure` gives the static mask; :func:`exposure_dates` turns rules into time-varying
covariates for survival analysis: the covariate switches on at the shock date for exposed spells
active then (and at their start for exposed spells that start later).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import pandas as pd

from .deprecation import renamed_arguments
from .dates import parse_partial_date, resolve_spell_dates
from .tables import EVENT_COLUMNS, TwinData

__all__ = [
    "load_shocks",
    "ExposureRule",
    "ties_with_country",
    "ties_between",
    "subdivision_to_countries",
    "exposure",
    "undetermined_exposure",
    "exposure_dates",
    "DEFAULT_RULES",
    "default_rules",
    "TEXAS_HB128_COUNTRIES",
    "INDIANA_2024_COUNTRIES",
]

#: Countries named by Texas HB 128 (2025), per the seed /work/shared/seeds/002_c6a9e63515bb6e76.txt:
#: "Texas enacted a 2025 law prohibiting cities from forming or maintaining sister city ties with
#: entities in China, Russia, Iran, or North Korea".
TEXAS_HB128_COUNTRIES: tuple[str, ...] = ("CHN", "RUS", "IRN", "PRK")
#: Countries named by Indiana House Enrolled Act 1120 (2024; "the Maduro Regime in Venezuela" as VEN).
INDIANA_2024_COUNTRIES: tuple[str, ...] = ("CHN", "CUB", "IRN", "PRK", "RUS", "VEN")


def load_shocks(path: str | Path | None = None) -> pd.DataFrame:
    """The shock registry as an events table (:data:`twingraph.tables.EVENT_COLUMNS`).

    ``path=None`` reads the packaged ``twingraph/data/curated_events.csv``.  ``date`` is the first
    day of the (partial) date; ``date_precision`` is taken from the file, or from the date's own
    form when the file leaves it empty.

    Parameters
    ----------
    path : str, pathlib.Path or None
        CSV with the :data:`~twingraph.tables.EVENT_COLUMNS` (read as text); None: the packaged registry.

    Returns
    -------
    DataFrame
        The events table, one row per shock (empty strings as None).
    """
    src = files("twingraph") / "data" / "curated_events.csv" if path is None else Path(path)
    if path is None and not src.is_file():
        raise FileNotFoundError("packaged shock registry twingraph/data/curated_events.csv is missing")
    raw = pd.read_csv(src, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = [c for c in EVENT_COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"shock registry lacks columns {missing}")
    parsed = [parse_partial_date(x) for x in raw["date"]]
    df = raw[list(EVENT_COLUMNS)].copy()
    df["date"] = pd.to_datetime(pd.Series([d for d, _ in parsed], index=df.index, dtype="object"))
    given = df["date_precision"].str.strip()
    df["date_precision"] = given.where(given != "", pd.Series([p for _, p in parsed], index=df.index))
    if df["event_id"].duplicated().any():
        raise ValueError(f"duplicate event_id {df.loc[df['event_id'].duplicated(), 'event_id'].iloc[0]!r}")
    return df.replace({"": None}).reset_index(drop=True)


# ------------------------------------------------------------------------------------ predicates
class Predicate(Protocol):
    """Selects ties: called on a tie table (spells with ``country_a``, ``country_b``, ``subdivision_a``,
    ``subdivision_b``), returns a boolean Series aligned with it."""

    def __call__(self, ties: pd.DataFrame) -> pd.Series: ...
    def undetermined(self, ties: pd.DataFrame) -> pd.Series:
        """Ties not selected that would be for some value of a missing country or subdivision.

        Parameters
        ----------
        ties : DataFrame
            Tie table, as for a call.

        Returns
        -------
        pandas.Series of bool
        """
        ...


def _codes(countries: Iterable[str] | str) -> frozenset[str]:
    if isinstance(countries, str):
        countries = [countries]
    out = frozenset(c.strip().upper() for c in countries)
    if any(len(c) != 3 or not c.isalpha() for c in out):
        raise ValueError(f"expected ISO3 country codes, got {sorted(out)}")
    return out


def _maybe_in(values: pd.Series, codes: Iterable[str]) -> pd.Series:
    """In ``codes``, or unknown (so it might be)."""
    return values.isin(list(codes)) | values.isna()


def _mirror(ties: pd.DataFrame, one_side) -> pd.Series:  # type: ignore[no-untyped-def]
    """``one_side(x, y)`` evaluated with endpoints in either order (a tie is unordered)."""
    return one_side("a", "b") | one_side("b", "a")


@dataclass(frozen=True)
class TiesWithCountry:
    """A tie with a place in ``iso3`` and one in another country (in ``partners`` if set); domestic
    ties (both places in ``iso3``) only if ``domestic``."""

    iso3: str
    partners: frozenset[str] | None = None
    domestic: bool = False

    def __call__(self, ties: pd.DataFrame) -> pd.Series:
        def side(x: str, y: str) -> pd.Series:
            """Ties with endpoint ``x`` in ``iso3`` and endpoint ``y`` a selected partner.

            Parameters
            ----------
            x, y : {"a", "b"}

            Returns
            -------
            pandas.Series of bool
            """
            other = ties[f"country_{y}"]
            hit = (ties[f"country_{x}"] == self.iso3) & other.notna()
            if not self.domestic:
                hit &= other != self.iso3
            return hit & other.isin(self.partners) if self.partners is not None else hit
        return _mirror(ties, side)

    def undetermined(self, ties: pd.DataFrame) -> pd.Series:
        """Ties not selected that a missing country could make selected.

        Parameters
        ----------
        ties : DataFrame
            Tie table.

        Returns
        -------
        pandas.Series of bool
        """
        def side(x: str, y: str) -> pd.Series:
            """Ties with endpoint ``x`` possibly in ``iso3`` and ``y`` possibly a selected partner.

            Parameters
            ----------
            x, y : {"a", "b"}

            Returns
            -------
            pandas.Series of bool
            """
            other = ties[f"country_{y}"]
            ok = other.isna() | (other != self.iso3) if not self.domestic else pd.Series(True, index=ties.index)
            if self.partners is not None:
                ok &= _maybe_in(other, self.partners)
            return _maybe_in(ties[f"country_{x}"], {self.iso3}) & ok
        return _mirror(ties, side) & ~self(ties)


@dataclass(frozen=True)
class TiesBetween:
    """A tie between a place in ``countries_a`` and a place in ``countries_b``."""

    countries_a: frozenset[str]
    countries_b: frozenset[str]

    def __call__(self, ties: pd.DataFrame) -> pd.Series:
        return _mirror(ties, lambda x, y: ties[f"country_{x}"].isin(self.countries_a)
                       & ties[f"country_{y}"].isin(self.countries_b))

    def undetermined(self, ties: pd.DataFrame) -> pd.Series:
        """Ties not selected that a missing country could make selected.

        Parameters
        ----------
        ties : DataFrame
            Tie table.

        Returns
        -------
        pandas.Series of bool
        """
        return _mirror(ties, lambda x, y: _maybe_in(ties[f"country_{x}"], self.countries_a)
                       & _maybe_in(ties[f"country_{y}"], self.countries_b)) & ~self(ties)


@dataclass(frozen=True)
class SubdivisionToCountries:
    """A tie between a place in ``subdivision`` of ``iso3`` and a place in ``countries``.

    Subdivisions compare case-insensitively on the places table's ``subdivision`` column.
    """

    subdivision: str
    iso3: str
    countries: frozenset[str]

    def __call__(self, ties: pd.DataFrame) -> pd.Series:
        want = self.subdivision.casefold()
        return _mirror(ties, lambda x, y: (ties[f"country_{x}"] == self.iso3)
                       & (ties[f"subdivision_{x}"].str.casefold() == want).fillna(False).astype(bool)
                       & ties[f"country_{y}"].isin(self.countries))

    def undetermined(self, ties: pd.DataFrame) -> pd.Series:
        """Ties not selected that a missing country or subdivision could make selected.

        Parameters
        ----------
        ties : DataFrame
            Tie table.

        Returns
        -------
        pandas.Series of bool
        """
        want = self.subdivision.casefold()

        def side(x: str, y: str) -> pd.Series:
            """Ties with endpoint ``x`` possibly in the subdivision and ``y`` possibly in ``countries``.

            Parameters
            ----------
            x, y : {"a", "b"}

            Returns
            -------
            pandas.Series of bool
            """
            sub = ties[f"subdivision_{x}"]
            sub_ok = sub.isna() | (sub.str.casefold() == want).fillna(False).astype(bool)
            return (_maybe_in(ties[f"country_{x}"], {self.iso3}) & sub_ok
                    & _maybe_in(ties[f"country_{y}"], self.countries))
        return _mirror(ties, side) & ~self(ties)


def ties_with_country(iso3: str, partners: Iterable[str] | None = None, domestic: bool = False) -> TiesWithCountry:
    """Predicate: a tie between a place in ``iso3`` and a place abroad; with ``partners``, only if the
    other place's country is one of them (e.g. countries that condemned an invasion -- supply a
    sourced list).  Domestic ties (both places in ``iso3``) count only with ``domestic=True``.

    Parameters
    ----------
    iso3 : str
        ISO3 code of the country.
    partners : iterable of str, optional
        ISO3 codes the other place must be in.
    domestic : bool
        Also select ties inside ``iso3``.

    Returns
    -------
    TiesWithCountry
    """
    (code,) = _codes(iso3)
    return TiesWithCountry(code, None if partners is None else _codes(partners), bool(domestic))


def ties_between(countries_a: Iterable[str] | str, countries_b: Iterable[str] | str) -> TiesBetween:
    """Predicate: a tie between a place in ``countries_a`` and one in ``countries_b`` (either order).

    Parameters
    ----------
    countries_a, countries_b : str or iterable of str
        ISO3 codes.

    Returns
    -------
    TiesBetween
    """
    return TiesBetween(_codes(countries_a), _codes(countries_b))


def subdivision_to_countries(subdivision: str, iso3: str, countries: Iterable[str]) -> SubdivisionToCountries:
    """Predicate: a tie between a place in ``subdivision`` of country ``iso3`` and a place in ``countries``
    (e.g. ``("Texas", "USA", TEXAS_HB128_COUNTRIES)``).

    Parameters
    ----------
    subdivision : str
        Subdivision name (compared case-insensitively).
    iso3 : str
        ISO3 code of its country.
    countries : iterable of str
        ISO3 codes of the partner countries.

    Returns
    -------
    SubdivisionToCountries
    """
    (code,) = _codes(iso3)
    return SubdivisionToCountries(subdivision.strip(), code, _codes(countries))


@dataclass(frozen=True)
class ExposureRule:
    """Which ties a registered shock concerns.

    ``shock_id`` is the registry's ``event_id``; ``name`` names the covariate; ``date`` overrides the
    registry date (``None``: use the registry's).
    """

    shock_id: str
    name: str
    predicate: Predicate
    date: pd.Timestamp | None = None
    description: str = field(default="", compare=False)


# -------------------------------------------------------------------------------------- exposure
def _tie_table(data: TwinData) -> pd.DataFrame:
    """Spells with both endpoints' ``country`` and ``subdivision`` attached."""
    p = data.places.set_index("place_id")
    t = data.spells.copy()
    for x in ("a", "b"):
        t[f"country_{x}"] = t[x].map(p["country"]).astype("object").where(lambda s: s.notna(), None)
        t[f"subdivision_{x}"] = t[x].map(p["subdivision"]).astype("object").where(lambda s: s.notna(), None)
    return t


def exposure(data: TwinData, rule: ExposureRule) -> pd.Series:
    """Boolean Series indexed by ``spell_id`` (named ``rule.name``): spells the rule's predicate selects.

    Static: ignores dates (see :func:`exposure_dates`).  Spells whose exposure cannot be decided
    (missing country/subdivision) are ``False``; :func:`undetermined_exposure` counts them.

    Parameters
    ----------
    data : TwinData
        Places and spells.
    rule : ExposureRule
        The rule whose predicate selects the exposed spells.

    Returns
    -------
    Series of bool
        Indexed by ``spell_id``, named ``rule.name``.
    """
    ties = _tie_table(data)
    hit = rule.predicate(ties).fillna(False).astype(bool)
    return pd.Series(hit.to_numpy(), index=pd.Index(ties["spell_id"], name="spell_id"), name=rule.name)


def undetermined_exposure(data: TwinData, rule: ExposureRule) -> int:
    """How many spells the rule can neither select nor rule out (a missing country or subdivision).

    :func:`exposure` counts them as not exposed, so this is the size of its possible undercount.

    Parameters
    ----------
    data : TwinData
        Places and spells.
    rule : ExposureRule
        The rule.

    Returns
    -------
    int
        Spells that would be exposed for some value of a missing country or subdivision.
    """
    return int(rule.predicate.undetermined(_tie_table(data)).fillna(False).sum())


def _shock_date(rule: ExposureRule, shocks: pd.DataFrame | None) -> pd.Timestamp:
    if rule.date is not None:
        return pd.Timestamp(rule.date)
    if shocks is None:
        shocks = load_shocks()
    row = shocks.loc[shocks["event_id"] == rule.shock_id]
    if row.empty:
        raise KeyError(f"shock {rule.shock_id!r} is not in the registry")
    date = row["date"].iloc[0]
    if pd.isna(date):
        raise ValueError(f"shock {rule.shock_id!r} has no date in the registry")
    return pd.Timestamp(date)


@renamed_arguments(convention="dates")
def exposure_dates(
    data: TwinData,
    rules: Sequence[ExposureRule],
    shocks: pd.DataFrame | None = None,
    dates: Literal["earliest", "latest", "strict"] = "earliest",
    undated: Literal["exclude", "include"] = "include",
    later: Literal["from_start", "exclude"] = "from_start",
) -> pd.DataFrame:
    """Time-varying exposure covariates: ``DataFrame(spell_id, covariate, date)``, one row per switch-on.

    For each rule with shock date ``D`` (the rule's ``date``, else the registry's, the first day of a
    partial date) and each spell its predicate selects, dates resolved with
    :func:`twingraph.dates.resolve_spell_dates` under ``dates`` (``convention=`` is its deprecated name):

    * active on ``D`` (``start <= D < end``; end missing = open) -> the covariate switches on at ``D``;
    * undated (start unknown) and not ended by ``D`` -> on at ``D`` if ``undated="include"``
      (default: the data say the tie exists), left out if ``"exclude"``;
    * starts after ``D`` -> on from its (resolved) start if ``later="from_start"``, else left out;
    * ended on or before ``D`` -> never exposed.

    ``covariate`` is the rule's ``name``.  Rows are sorted by covariate, date, spell_id.

    Parameters
    ----------
    data : TwinData
        Places and spells.
    rules : sequence of ExposureRule
        One covariate each.
    shocks : DataFrame, optional
        Shock registry (default :func:`load_shocks`), for rules without a ``date``.
    dates : {"earliest", "latest", "strict"}
        How partial spell dates are resolved.
    undated : {"include", "exclude"}
        Undated exposed spells.
    later : {"from_start", "exclude"}
        Exposed spells starting after the shock.

    Returns
    -------
    DataFrame
        ``spell_id, covariate, date``.
    """
    spells = data.spells
    start, end = resolve_spell_dates(spells, dates)
    out = []
    for rule in rules:
        d = np.datetime64(_shock_date(rule, shocks), "us")
        hit = exposure(data, rule).to_numpy()
        not_ended = np.isnat(end) | (d < end)
        undated_mask = np.isnat(start)
        on_shock = hit & not_ended & ((~undated_mask & (start <= d)) | (undated_mask & (undated == "include")))
        after = hit & ~undated_mask & (start > d) & (later == "from_start")
        when = np.where(on_shock, d, start)
        keep = on_shock | after
        out.append(pd.DataFrame({"spell_id": spells["spell_id"].to_numpy()[keep], "covariate": rule.name,
                                 "date": pd.to_datetime(when[keep])}))
    cols = ["spell_id", "covariate", "date"]
    if not out:
        return pd.DataFrame({"spell_id": [], "covariate": [], "date": pd.to_datetime([])})[cols]
    df = pd.concat(out, ignore_index=True)[cols]
    return df.sort_values(["covariate", "date", "spell_id"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------- default rules
#: Rules for shocks in the packaged registry, each following what the registry row (and its cited
#: source) says the shock concerns.  Partner-country conditions ("the partner's country condemned the
#: invasion") are left to the caller, who must cite the list.  No default rule for:
#: ``prague-taipei-2019``, ``shanghai-prague-2020``, ``osaka-sf-comfort-women`` (each concerns one
#: named tie, not a class of ties: a country-pair rule would over-reach).
DEFAULT_RULES: tuple[ExposureRule, ...] = (
    ExposureRule(
        "russia-invasion-2022", "exposed_russia_2022", ties_with_country("RUS"),
        description="ties between a Russian place and a place abroad (UK and US suspensions and "
                    "terminations in the press sources followed the invasion)",
    ),
    ExposureRule(
        "turkey-armenian-genocide-recognition", "exposed_tur_bgr_2016", ties_between("TUR", "BGR"),
        description="Turkish-Bulgarian ties: Turkey bans partnerships with cities in a country that "
                    "recognizes the Armenian genocide; Bulgaria did in 2016 (seed 002)",
    ),
    ExposureRule(
        "texas-hb128-2025", "exposed_texas_hb128",
        subdivision_to_countries("Texas", "USA", TEXAS_HB128_COUNTRIES),
        description="ties between a Texas place and a place in China, Russia, Iran or North Korea "
                    "(HB 128; seed 002, europesays.com, communityimpact.com)",
    ),
    ExposureRule(
        "indiana-ban-2024", "exposed_indiana_2024",
        subdivision_to_countries("Indiana", "USA", INDIANA_2024_COUNTRIES),
        description="ties between an Indiana place and a place in China, Cuba, Iran, North Korea, "
                    "Russia or Venezuela (House Enrolled Act 1120; youarecurrent.com)",
    ),
)


def default_rules(shocks: pd.DataFrame | None = None) -> list[ExposureRule]:
    """:data:`DEFAULT_RULES` whose ``shock_id`` is in the registry (``shocks`` or the packaged one).

    Parameters
    ----------
    shocks : DataFrame, optional
        Shock registry (default :func:`load_shocks`).

    Returns
    -------
    list of ExposureRule
    """
    shocks = load_shocks() if shocks is None else shocks
    ids = set(shocks["event_id"])
    return [r for r in DEFAULT_RULES if r.shock_id in ids]
