"""Country names -> ISO 3166-1 alpha-3, continents, and the UK's constituent countries.

Wraps :mod:`country_converter` (coco) with the quirks of twinning sources:

* the UK's constituent countries (England, Scotland, Wales, Northern Ireland) map to ``GBR`` and are
  kept as the place's *subdivision*;
* ``"<region>, <country>"`` (``"England, United Kingdom"``, ``"Réunion, France"``,
  ``"Ohio, United States"``) maps to the sovereign country, the region becoming the subdivision.
  Territories with ISO codes of their own follow the same rule when named this way (the Wikipedia
  lists name Mariehamn both "Finland" and "Åland Islands, Finland"; giving the second ``ALA`` would
  split the town in two).  The price: a territory's town and a metropolitan namesake share an id
  (Saint-Denis, Réunion and Saint-Denis near Paris), which no name-based source can resolve;
* Wikipedia's disambiguated or historical names (``"Georgia (country)"``, ``"Republic of Ireland"``,
  ``"Moldavia"``) and a few misspellings seen in the 2026 Wikipedia lists are listed in
  :data:`OVERRIDES` so the mapping is explicit and reviewable;
* ``"Northern Cyprus"`` maps to ``CYP`` with subdivision ``"Northern Cyprus"`` (ISO 3166 has no code
  for it); Kosovo is ``XKX`` (user-assigned code used by coco and the EU).

coco 1.3 mis-reads its own table under pandas 3 (obsolete rows with empty ISO2), so the table is read
here with explicit NA handling and passed to coco.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Final, Literal

import pandas as pd

__all__ = ["iso3_codes", "to_iso3", "split_country", "continent", "UK_NATIONS", "OVERRIDES"]

UK_NATIONS: Final = ("England", "Scotland", "Wales", "Northern Ireland")

#: Names coco does not resolve (or resolves wrongly) -> ISO3.  Each entry was seen in a real source.
OVERRIDES: Final[dict[str, str]] = {
    "england": "GBR",
    "scotland": "GBR",
    "wales": "GBR",
    "northern ireland": "GBR",
    "georgia (country)": "GEO",
    "republic of ireland": "IRL",
    "northern cyprus": "CYP",
    "kosovo": "XKX",
    "moldavia": "MDA",  # historical name used on one Wikipedia page
    "madagaskar": "MDG",  # misspelling in the 2026 Wikipedia lists
    "grece": "GRC",  # misspelling in the 2026 Wikipedia lists
    "kazakhstah": "KAZ",  # misspelling in the 2026 Wikipedia lists
    "japa": "JPN",  # truncated in the 2026 Wikipedia lists
    "in italy": "ITA",
    "west bank": "PSE",
    "palestine": "PSE",
    "east timor": "TLS",
    "surinam": "SUR",
    "island": "ISL",  # Icelandic/Norwegian name of Iceland, on Norway's list (Norðurþing)
}

#: Regions that are not countries in ISO terms but are named as the place's subdivision.
_SUBDIVISION_OF: Final[dict[str, str]] = {"northern cyprus": "Northern Cyprus"}


class _DropAll(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        """Drop every record.

        Parameters
        ----------
        record : logging.LogRecord
            The record.

        Returns
        -------
        bool
            Always False.
        """
        return False


_DROP_ALL: Final = _DropAll()


@contextmanager
def _coco_quiet() -> Iterator[None]:
    """Drop country_converter's "not found" warnings for the calls made here, and only those.

    A name coco cannot resolve is an expected outcome (it becomes a rejection with a reason), so its
    per-name warnings are noise; the user's own uses of coco, and its logger level, are left alone.
    """
    log = logging.getLogger("country_converter.country_converter")
    log.addFilter(_DROP_ALL)
    try:
        yield
    finally:
        log.removeFilter(_DROP_ALL)


@lru_cache(maxsize=1)
def _converter():  # type: ignore[no-untyped-def]
    import country_converter as coco

    path = os.path.join(os.path.dirname(coco.__file__), "country_data.tsv")
    table = pd.read_csv(path, sep="\t", encoding="utf-8", keep_default_na=False, na_values=[""], dtype=str)
    table = table[table["obsolete"].isna()].copy()
    table["ISO2"] = table["ISO2"].fillna("")
    with _coco_quiet():
        return coco.CountryConverter(country_data=table)


@lru_cache(maxsize=4096)
def to_iso3(name: str) -> str | None:
    """ISO3 code for a country name or code, or ``None`` when it is not a (single) country.

    Parameters
    ----------
    name : str
        Country name, ISO2 or ISO3 code.

    Returns
    -------
    str or None
    """
    key = name.strip().lower()
    if not key:
        return None
    if key in OVERRIDES:
        return OVERRIDES[key]
    if len(key) == 3 and key.isalpha():
        src = "ISO3"
    elif len(key) == 2 and key.isalpha():
        src = "ISO2"
    else:
        src = None
    cc = _converter()
    with _coco_quiet():
        out = cc.convert(name.strip(), src=src, to="ISO3", not_found=None) if src else \
            cc.convert(name.strip(), to="ISO3", not_found=None)
    if not isinstance(out, str) or out not in iso3_codes():
        return None
    return out


@lru_cache(maxsize=1)
def iso3_codes() -> frozenset[str]:
    """Every ISO 3166-1 alpha-3 code country_converter knows (current countries and territories).

    Returns
    -------
    frozenset of str
    """
    return frozenset(_converter().data["ISO3"].dropna())


def split_country(text: str) -> tuple[str | None, str | None]:
    """``"England, United Kingdom"`` -> ``("GBR", "England")``; ``"France"`` -> ``("FRA", None)``.

    Returns ``(iso3, subdivision)``; ``iso3`` is ``None`` when the country cannot be resolved.

    Parameters
    ----------
    text : str
        ``"<subdivision>, <country>"`` or a country.

    Returns
    -------
    tuple of (str or None, str or None)
    """
    text = text.strip()
    if not text:
        return None, None
    if ", " in text:
        region, country = text.rsplit(", ", 1)
        iso = to_iso3(country)
        if iso is not None:
            return iso, region.strip()
    iso = to_iso3(text)
    if iso is None:
        return None, None
    if text in UK_NATIONS:
        return iso, text
    sub = _SUBDIVISION_OF.get(text.lower())
    return iso, sub


@lru_cache(maxsize=1)
def _continent_table() -> dict[str, tuple[str, str]]:
    data = _converter().data
    return {str(r.ISO3): (str(r.continent or ""), str(r.Continent_7 or ""))
            for r in data[["ISO3", "continent", "Continent_7"]].itertuples() if isinstance(r.ISO3, str)}


def continent(iso3: str | None, scheme: Literal["continent", "continent_7"] = "continent") -> str | None:
    """Continent of an ISO3 code (case-insensitive), ``None`` when unknown.

    ``"continent"``: coco's Africa, America, Asia, Europe, Oceania (Antarctica);
    ``"continent_7"`` splits America into North America and South America.  Kosovo (XKX) is Europe.

    Parameters
    ----------
    iso3 : str or None
        ISO3 code.
    scheme : {"continent", "continent_7"}
        Continent scheme.

    Returns
    -------
    str or None
    """
    if not isinstance(iso3, str) or not iso3:
        return None
    hit = _continent_table().get(iso3.upper())
    if hit is None:
        return "Europe" if iso3.upper() == "XKX" else None
    value = hit[0] if scheme == "continent" else hit[1]
    return value or None


@lru_cache(maxsize=1)
def _iso3_to_iso2() -> dict[str, str]:
    t = _converter().data
    # country_converter's ISO2 column holds regexes for a few ("^GB$|^UK$"): keep the first code
    return {a: b.split("|")[0].strip("^$") for a, b in zip(t["ISO3"], t["ISO2"])
            if isinstance(a, str) and isinstance(b, str) and b}


def official_languages(iso3: str) -> tuple[str, ...]:
    """Official (de jure or de facto) languages of a country, from Unicode CLDR via Babel.

    Parameters
    ----------
    iso3 : str
        ISO 3166-1 alpha-3 code.

    Returns
    -------
    tuple of str
        CLDR language codes (e.g. ``("nl", "fr", "de")`` for BEL); empty when CLDR lists none or
        the code is unknown.

    References
    ----------
    Unicode CLDR supplemental ``territoryInfo`` (languagePopulation with officialStatus), as
    shipped in Babel (``babel.languages.get_official_languages(territory, de_facto=True)``).

    Examples
    --------
    >>> official_languages("AUT")
    ('de',)
    """
    from babel.languages import get_official_languages

    code = _iso3_to_iso2().get(iso3)
    return tuple(get_official_languages(code, de_facto=True)) if code else ()
