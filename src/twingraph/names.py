"""Place-name normalisation (floor 1): the one function that reduces a name to a matching key.

:func:`normalize_name` does every step the package uses, each switched by an argument; the callers
keep their documented keys through named presets:

=====================  =========================================================================
preset                 used by
=====================  =========================================================================
:data:`RESOLVE`        :func:`twingraph.resolve.normalize_name` (place resolution): ``anyascii``
                       transliteration, lower case, apostrophes dropped, the rest of the
                       punctuation to spaces; "Halle (Saale)" keeps its qualifier
:data:`REGISTRY`       :func:`twingraph.membership.normalise_name` (association registry): text in
                       parentheses dropped, accents stripped (NFKD; ø, ł, ß spelled out), case
                       folded, "Saint"/"St."/"Sankt" -> "st"
:data:`COHORT`         ``twingraph.cohorts.normalize_place_name`` (NFKD, lower case, non-word
                       characters to spaces; letters without a decomposition such as ł kept)
=====================  =========================================================================
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Final, Literal

__all__ = ["normalize_name", "strip_accents", "RESOLVE", "REGISTRY", "COHORT"]

_PAREN = re.compile(r"\s*\([^)]*\)")
_NON_ASCII_ALNUM = re.compile(r"[^a-z0-9]+")
_NON_WORD = re.compile(r"[^\w]+")
#: letters NFKD does not decompose, spelled out before accents are stripped
_LETTERS = (("ø", "o"), ("Ø", "O"), ("ł", "l"), ("Ł", "L"), ("ß", "ss"))
_SAINT = frozenset({"saint", "st", "sankt"})

Transliterate = Literal["anyascii", "nfkd", "nfkd+letters", "none"]


def strip_accents(text: str) -> str:
    """``text`` in Unicode NFKD with the combining marks removed (``"Kőszeg"`` -> ``"Koszeg"``).

    Parameters
    ----------
    text : str

    Returns
    -------
    str
    """
    s = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in s if not unicodedata.combining(ch))


def _missing(name: Any) -> bool:
    return name is None or (isinstance(name, float) and name != name)


def normalize_name(name: Any, *, transliterate: Transliterate = "anyascii", casefold: bool = False,
                   drop_apostrophes: bool = False, drop_parentheses: bool = False,
                   keep: Literal["ascii", "word"] = "ascii", saint: bool = False,
                   missing: str | None = None) -> str:
    """A place name reduced to a matching key: words of lower-case characters separated by single spaces.

    The steps, in order: missing name -> ``missing`` (when given); text in parentheses dropped
    (``drop_parentheses``); transliteration (``"anyascii"``: any script to ASCII; ``"nfkd"``: accents
    stripped; ``"nfkd+letters"``: also ø, ł, ß spelled out; ``"none"``); lower case (or Unicode case
    folding, ``casefold``); apostrophes dropped (``drop_apostrophes``); every run of characters other
    than ``a-z0-9`` (``keep="ascii"``) or other than word characters (``keep="word"``) becomes a space;
    "saint", "st" and "sankt" become "st" (``saint``).

    Parameters
    ----------
    name : str
        A place name as a source writes it.
    transliterate, casefold, drop_apostrophes, drop_parentheses, keep, saint, missing
        The steps above.

    Returns
    -------
    str

    Examples
    --------
    >>> normalize_name("Saint-Omer") == normalize_name("Saint Omer") == "saint omer"
    True
    >>> normalize_name("Halle (Saale)", **REGISTRY), normalize_name("Žagarė", **RESOLVE)
    ('halle', 'zagare')
    """
    if missing is not None and _missing(name):
        return missing
    s = str(name)
    if drop_parentheses:
        s = _PAREN.sub("", s)
    if transliterate == "anyascii":
        if not s.isascii():
            from anyascii import anyascii

            s = anyascii(s)
    elif transliterate == "nfkd+letters":
        for a, b in _LETTERS:
            s = s.replace(a, b)
        s = strip_accents(s)
    elif transliterate == "nfkd":
        s = strip_accents(s)
    elif transliterate != "none":
        raise ValueError(f"unknown transliterate {transliterate!r}")
    s = s.casefold() if casefold else s.lower()
    if drop_apostrophes:
        s = s.replace("'", "")
    s = (_NON_ASCII_ALNUM if keep == "ascii" else _NON_WORD).sub(" ", s)
    words = s.split()
    if saint:
        words = ["st" if w in _SAINT else w for w in words]
    return " ".join(words)


#: place resolution (:func:`twingraph.resolve.normalize_name`)
RESOLVE: Final[dict[str, Any]] = {"transliterate": "anyascii", "drop_apostrophes": True}
#: the association registry (:func:`twingraph.membership.normalise_name`)
REGISTRY: Final[dict[str, Any]] = {"transliterate": "nfkd+letters", "casefold": True, "drop_parentheses": True,
                                   "saint": True, "missing": ""}
#: cohort files (``twingraph.cohorts.normalize_place_name``)
COHORT: Final[dict[str, Any]] = {"transliterate": "nfkd", "keep": "word"}
