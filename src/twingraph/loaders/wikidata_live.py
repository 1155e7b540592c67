"""Live Wikidata loader (dataset ``wikidata-live``): every P190 statement, with dates and ranks.

Pipeline: :class:`~twingraph.loaders.wikidata_client.WikidataClient` (polite, retrying HTTP) ->
:func:`fetch_p190` (SPARQL pages, partitioned by the subject's country, cached on disk) ->
:func:`parse_sparql_pages` (bindings -> statements -> ties and spells, places) ->
:class:`~twingraph.tables.TwinData`.

The query (:data:`P190_QUERY`) reads every P190 ("twinned administrative body") statement through
``p:P190 ?st . ?st ps:P190 ?b ; wikibase:rank ?rank`` -- all ranks, deprecated ones included -- with
the qualifiers P580 start time, P582 end time, P585 point in time (each with its
``wikibase:timePrecision``) and P1534 end cause, and for both endpoints the English label, P31
instance of (only the classes in :data:`LEVEL_BY_P31`), P17 country and its P298 ISO 3166-1
alpha-3 code, P625 coordinates and P1082 population (best-ranked ``wdt:`` values).

Conventions
-----------
Rows
    A row is one SPARQL result binding.  ``rows_read`` = bindings; ``rows_loaded`` = bindings that
    fed a statement; every other binding is a rejection with ``file`` = the cached page and
    ``line`` = the 1-based index of the binding in that page.  Reasons: ``missing-statement``,
    ``missing-qid`` (no object QID: an "unknown value" snak, or a non-item IRI), ``self-tie``,
    ``bad-date``, ``bad-rank``.
Statements
    Bindings that share a statement IRI collapse into one statement (an endpoint with two P31 or
    two P17 values yields several bindings per statement).  ``notes["statements"]`` counts them.
Ties, spells, dates, end status and places
    As documented in :mod:`twingraph.loaders.wikidata_statements` (shared with the entity JSON
    loader :mod:`twingraph.loaders.wikidata_entity`).

The HTTP client and the cache-file helpers live in :mod:`twingraph.loaders.wikidata_client`;
the names this module used to define there (and in :mod:`~twingraph.loaders.wikidata_statements`)
are re-exported here, so ``from twingraph.loaders.wikidata_live import WikidataClient`` still works.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, UTC
from pathlib import Path
from typing import Any

import pandas as pd

from ..tables import Rejections, TwinData
from ._rows import Reject, Row, RowReader
from .wikidata_client import (
    DEFAULT_ENDPOINT,
    DEFAULT_ENTITY_URL,
    WikidataClient,
    WikidataFetchError,
    _check_sparql,
    atomic_write_json,
    default_user_agent,
    read_cached_json,
)
from .wikidata_statements import (
    _QID,
    COUNTRY_ISO3,
    LEVEL_BY_P31,
    PlaceInfo,
    Statement,
    build_twindata,
    merge_statements,
    parse_wkt_point,
    wikidata_time,
)

# Re-exported for code that imported them from this module before the split.
from .wikidata_client import DEFAULT_CONTACT, RETRY_STATUSES, _check_entities, _retry_after  # noqa: F401
from .wikidata_statements import EARTH, PRECISION_ORDER, RANK_ORDER, WDate, place_records  # noqa: F401

__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_ENTITY_URL",
    "DEFAULT_PAGE_SIZE",
    "COUNTRY_ISO3",
    "LEVEL_BY_P31",
    "P190_QUERY",
    "COUNTRIES_QUERY",
    "WikidataClient",
    "WikidataFetchError",
    "default_user_agent",
    "wikidata_time",
    "p190_query",
    "fetch_countries",
    "fetch_p190",
    "cached_pages",
    "parse_sparql_pages",
    "load_wikidata_live",
    "Statement",
    "PlaceInfo",
    "merge_statements",
    "build_twindata",
    "parse_wkt_point",
]

DEFAULT_PAGE_SIZE = 5_000  # rows per request; WDQS stops any query after 60 s
SOURCE = "wikidata-live"

ENTITY_IRI = "http://www.wikidata.org/entity/"
STATEMENT_IRI = "http://www.wikidata.org/entity/statement/"
WIKIBASE = "http://wikiba.se/ontology#"
_RANK_NAMES = {WIKIBASE + "PreferredRank": "preferred", WIKIBASE + "NormalRank": "normal",
               WIKIBASE + "DeprecatedRank": "deprecated"}


# --------------------------------------------------------------------------- queries and page cache

_PREFIXES = """PREFIX wd: <http://www.wikidata.org/entity/>
PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX pqv: <http://www.wikidata.org/prop/qualifier/value/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""


def _endpoint_block(v: str) -> str:
    types = " ".join(f"wd:{q}" for q in LEVEL_BY_P31)
    return (f"  OPTIONAL {{ ?{v} rdfs:label ?{v}Label . FILTER(LANG(?{v}Label) = \"en\") }}\n"
            f"  OPTIONAL {{ ?{v} wdt:P31 ?{v}Type . VALUES ?{v}Type {{ {types} }} }}\n"
            f"  OPTIONAL {{ ?{v} wdt:P17 ?{v}Country . OPTIONAL {{ ?{v}Country wdt:P298 ?{v}Iso . }} }}\n"
            f"  OPTIONAL {{ ?{v} wdt:P625 ?{v}Coord . }}\n"
            f"  OPTIONAL {{ ?{v} wdt:P1082 ?{v}Pop . }}\n")


_VARS = ("?st ?a ?b ?rank ?start ?startPrec ?end ?endPrec ?pit ?pitPrec ?cause ?causeLabel "
         "?aLabel ?aType ?aCountry ?aIso ?aCoord ?aPop ?bLabel ?bType ?bCountry ?bIso ?bCoord ?bPop")

#: The P190 query template; ``{tag}``, ``{partition}``, ``{limit}``, ``{offset}`` are filled in by
#: :func:`p190_query`.  ORDER BY covers every multi-valued variable, so paging is deterministic.
P190_QUERY = (
    "#twingraph {tag}\n" + _PREFIXES.replace("{", "{{").replace("}", "}}")
    + "SELECT " + _VARS + "\nWHERE {{\n  {partition}\n"
    "  ?a p:P190 ?st .\n"
    "  ?st ps:P190 ?b ;\n"
    "      wikibase:rank ?rank .\n"
    "  OPTIONAL {{ ?st pqv:P580 [ wikibase:timeValue ?start ; wikibase:timePrecision ?startPrec ] . }}\n"
    "  OPTIONAL {{ ?st pqv:P582 [ wikibase:timeValue ?end ; wikibase:timePrecision ?endPrec ] . }}\n"
    "  OPTIONAL {{ ?st pqv:P585 [ wikibase:timeValue ?pit ; wikibase:timePrecision ?pitPrec ] . }}\n"
    "  OPTIONAL {{ ?st pq:P1534 ?cause . OPTIONAL {{ ?cause rdfs:label ?causeLabel . "
    "FILTER(LANG(?causeLabel) = \"en\") }} }}\n"
    + _endpoint_block("a").replace("{", "{{").replace("}", "}}")
    + _endpoint_block("b").replace("{", "{{").replace("}", "}}")
    + "}}\nORDER BY ?st ?aType ?bType ?aCountry ?bCountry ?aIso ?bIso ?start ?end ?pit ?cause "
    "?aCoord ?bCoord ?aPop ?bPop\nLIMIT {limit}\nOFFSET {offset}\n"
)

#: Countries (P17 of the subject) of the items that state P190, largest first.
COUNTRIES_QUERY = (
    "#twingraph countries\n" + _PREFIXES
    + "SELECT ?country (COUNT(DISTINCT ?st) AS ?n) WHERE {\n  ?a p:P190 ?st ;\n     wdt:P17 ?country .\n}\n"
    "GROUP BY ?country\nORDER BY DESC(?n) ?country\n"
)

NO_COUNTRY = "none"  # the partition of subjects without any P17


def _partition_clause(partition: str) -> str:
    if partition == NO_COUNTRY:
        return "FILTER NOT EXISTS { ?a wdt:P17 ?anyCountry . }"
    return f"?a wdt:P17 wd:{partition} ."


def _normalise_partition(value: str) -> str:
    text = str(value).strip()
    if text.lower() == NO_COUNTRY:
        return NO_COUNTRY
    text = text.rsplit("/", 1)[-1].removeprefix("wd:")
    if not _QID.match(text):
        raise ValueError(f"not a country QID: {value!r}")
    return text


def p190_query(partition: str, limit: int, offset: int) -> str:
    """The P190 query for one partition (a country QID, or ``"none"``) and one page.

    Parameters
    ----------
    partition : str
        Country QID (or its IRI, ``wd:`` prefix allowed) or ``"none"``.
    limit, offset : int
        Page size and offset.

    Returns
    -------
    str
        The SPARQL text.
    """
    part = _normalise_partition(partition)
    tag = f"p190 partition={part} limit={int(limit)} offset={int(offset)}"
    return P190_QUERY.format(tag=tag, partition=_partition_clause(part), limit=int(limit), offset=int(offset))


def _query_hash(page_size: int) -> str:
    return hashlib.sha256(f"{P190_QUERY}|limit={int(page_size)}".encode()).hexdigest()[:12]


def _page_dir(cache_dir: Path, page_size: int) -> Path:
    return Path(cache_dir) / "wikidata-live" / f"p190-{_query_hash(page_size)}-{int(page_size)}"


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _require_cache(client: WikidataClient) -> Path:
    if client.cache_dir is None:
        raise ValueError("the WikidataClient needs a cache_dir to fetch into")
    return client.cache_dir


def fetch_countries(client: WikidataClient) -> list[str]:
    """QIDs of the countries (P17) of items stating P190, largest first; cached like the pages.

    Parameters
    ----------
    client : WikidataClient
        Client with a ``cache_dir``.

    Returns
    -------
    list of str
    """
    digest = hashlib.sha256(COUNTRIES_QUERY.encode()).hexdigest()[:12]
    path = _require_cache(client) / "wikidata-live" / f"countries-{digest}.json"
    doc = read_cached_json(path, _check_sparql)
    if doc is None:
        doc = client.sparql(COUNTRIES_QUERY, what="country list")
        doc["twingraph"] = {"query": "countries", "fetched": _now_iso(), "endpoint": client.endpoint}
        atomic_write_json(path, doc)
    out: list[str] = []
    for binding in doc["results"]["bindings"]:
        qid = _qid(_value(binding, "country"))
        if qid and qid not in out:
            out.append(qid)
    return out


def fetch_p190(client: WikidataClient, countries: Iterable[str] | None = None,
               page_size: int = DEFAULT_PAGE_SIZE, progress: bool = True) -> list[Path]:
    """Fetch every P190 statement page by page into ``client.cache_dir``; return the page paths.

    Partitions: one per subject country (``countries``, QIDs; default: :func:`fetch_countries`
    plus ``"none"`` for subjects without P17).  Each partition is paged with LIMIT/OFFSET and stops
    at the first page with fewer than ``page_size`` bindings.  Each page is written atomically to
    ``<cache>/wikidata-live/p190-<hash>-<size>/<partition>-<page>.json`` (the raw results document
    plus a ``"twingraph"`` member with partition, page, offset and fetch time); cached pages are
    read back instead of fetched, so an interrupted run resumes where it stopped.  A subject with
    two countries appears in both partitions (its statements collapse when parsed).  Raises
    :class:`WikidataFetchError` (with ``partition`` and ``page`` set) when a page cannot be had.

    Parameters
    ----------
    client : WikidataClient
        Client with a ``cache_dir``.
    countries : iterable of str, optional
        Partitions (country QIDs or ``"none"``).
    page_size : int
        LIMIT of each page.
    progress : bool
        Show a progress bar.

    Returns
    -------
    list of pathlib.Path
        The page files, in fetch order.
    """
    from tqdm.auto import tqdm

    if page_size < 1:
        raise ValueError("page_size must be positive")
    folder = _page_dir(_require_cache(client), page_size)
    if countries is None:
        parts = fetch_countries(client) + [NO_COUNTRY]
    else:
        parts = list(dict.fromkeys(_normalise_partition(c) for c in countries))
    paths: list[Path] = []
    for part in tqdm(parts, desc="Wikidata P190", unit="country", disable=not progress):
        page = 0
        while True:
            path = folder / f"{part}-{page:05d}.json"
            doc = read_cached_json(path, _check_sparql)
            if doc is None:
                what = f"partition {part} page {page}"
                try:
                    doc = client.sparql(p190_query(part, page_size, page * page_size), what=what)
                except WikidataFetchError as exc:
                    exc.partition, exc.page = part, page
                    raise
                doc["twingraph"] = {"query": "p190", "partition": part, "page": page, "limit": page_size,
                                    "offset": page * page_size, "fetched": _now_iso(),
                                    "endpoint": client.endpoint, "query_hash": _query_hash(page_size)}
                atomic_write_json(path, doc)
            paths.append(path)
            if len(doc["results"]["bindings"]) < page_size:
                break
            page += 1
    return paths


def cached_pages(cache_dir: str | os.PathLike[str], page_size: int = DEFAULT_PAGE_SIZE) -> list[Path]:
    """The cached P190 pages for ``page_size`` under ``cache_dir`` (sorted), without fetching.

    Parameters
    ----------
    cache_dir : str or path-like
        The cache folder.
    page_size : int
        Page size the pages were fetched with.

    Returns
    -------
    list of pathlib.Path
    """
    return sorted(_page_dir(Path(cache_dir), page_size).glob("*.json"))


# --------------------------------------------------------------------------- SPARQL pages -> TwinData

def _value(binding: dict[str, Any], var: str) -> str | None:
    cell = binding.get(var)
    if isinstance(cell, dict):
        value = cell.get("value")
        return str(value) if value is not None else None
    return None


def _qid(iri: str | None) -> str | None:
    if iri and iri.startswith(ENTITY_IRI):
        q = iri[len(ENTITY_IRI):]
        if _QID.match(q):
            return q
    return None


def _statement_id(iri: str | None) -> str | None:
    """``wds:Q64-3B1B...`` -> ``"Q64$3B1B..."`` (the id entity JSON uses)."""
    if not iri or not iri.startswith(STATEMENT_IRI):
        return None
    m = re.match(r"^([Qq][1-9][0-9]*)-(.+)$", iri[len(STATEMENT_IRI):])
    return f"{m.group(1).upper()}${m.group(2)}" if m else None


def _float(text: str | None, counts: Counter[str]) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        counts["bad_attribute_values"] += 1
        return None


def _add_endpoint(info: PlaceInfo, binding: dict[str, Any], v: str, counts: Counter[str]) -> None:
    label = _value(binding, f"{v}Label")
    if label:
        info.labels.add(label)
    t = _qid(_value(binding, f"{v}Type"))
    if t:
        info.types.add(t)
    info.add_country(_qid(_value(binding, f"{v}Country")), _value(binding, f"{v}Iso"))
    coord_text = _value(binding, f"{v}Coord")
    coord = parse_wkt_point(coord_text)
    if coord:
        info.coords.add(coord)
    elif coord_text:
        counts["bad_attribute_values"] += 1
    pop = _float(_value(binding, f"{v}Pop"), counts)
    if pop is not None:
        info.populations.add(pop)


def _binding_dates(binding: dict[str, Any]) -> dict[str, tuple[pd.Timestamp | None, str, str]]:
    out = {}
    for which, var, prop in (("start", "start", "P580"), ("end", "end", "P582"), ("point", "pit", "P585")):
        value = _value(binding, var)
        if value is None:
            continue
        try:
            ts, precision = wikidata_time(value, _value(binding, f"{var}Prec"))
        except ValueError as exc:
            raise ValueError(f"{prop} {value!r}: {exc}") from exc
        out[which] = (ts, precision, prop)
    return out


def _statement_row(row: Row) -> tuple[str, str, str, str, dict[str, tuple[pd.Timestamp | None, str, str]],
                                      dict[str, Any]]:
    """Parse function of one SPARQL binding: its statement id, places, rank and dates, or a rejection."""
    binding = row.data
    sid = _statement_id(_value(binding, "st"))
    a, b = _qid(_value(binding, "a")), _qid(_value(binding, "b"))
    rank = _RANK_NAMES.get(_value(binding, "rank") or "")
    if sid is None:
        raise Reject("missing-statement", f"st={_value(binding, 'st')!r}")
    if a is None or b is None:
        raise Reject("missing-qid", f"a={_value(binding, 'a')!r} b={_value(binding, 'b')!r}")
    if a == b:
        raise Reject("self-tie", f"{a} twinned with itself")
    if rank is None:
        raise Reject("bad-rank", f"rank={_value(binding, 'rank')!r}")
    try:
        dates = _binding_dates(binding)
    except ValueError as exc:
        raise Reject("bad-date", str(exc)) from None
    return sid, a, b, rank, dates, binding


def parse_sparql_pages(paths: Iterable[str | os.PathLike[str]], source: str = SOURCE) -> TwinData:
    """Parse cached (or hand-saved) SPARQL JSON result pages of :data:`P190_QUERY` into TwinData.

    Accepts raw WDQS results documents; the ``"twingraph"`` member written by :func:`fetch_p190`
    is optional (it gives partitions and ``observed`` = the latest fetch day).  See the module
    docstring for row accounting and :mod:`twingraph.loaders.wikidata_statements` for merging,
    dates and places.

    Parameters
    ----------
    paths : iterable of str or path-like
        Page files.
    source : str
        Dataset name.

    Returns
    -------
    TwinData
    """
    rej = Rejections()
    rows_read = rows_loaded = 0
    counts: Counter[str] = Counter()
    statements: dict[str, Statement] = {}
    infos: dict[str, PlaceInfo] = defaultdict(PlaceInfo)
    partitions_of: dict[str, set[str]] = defaultdict(set)
    fetched: list[str] = []
    n_pages = 0
    for path in paths:
        path = Path(path)
        doc = json.loads(path.read_text(encoding="utf-8"))
        _check_sparql(doc)
        n_pages += 1
        meta = doc.get("twingraph") if isinstance(doc.get("twingraph"), dict) else {}
        if meta.get("fetched"):
            fetched.append(str(meta["fetched"]))
        partition = str(meta.get("partition", path.stem.rsplit("-", 1)[0]))
        reader = RowReader(str(path), rej)
        bindings = (Row(line, [], json.dumps({k: _value(b, k) for k in b}, ensure_ascii=False)[:1000], b)
                    for line, b in enumerate(doc["results"]["bindings"], start=1))
        for sid, a, b, rank, dates, binding in reader.records(bindings, _statement_row):
            rows_loaded += 1
            st = statements.get(sid)
            if st is None:
                st = statements[sid] = Statement(sid, a, b, rank)
            st.rows += 1
            partitions_of[sid].add(partition)
            for which, (ts, precision, prop) in dates.items():
                st.add_date(which, ts, precision, prop)
            cause = _qid(_value(binding, "cause"))
            if cause:
                st.causes.add(cause)
                label = _value(binding, "causeLabel")
                if label:
                    st.cause_labels.add(label)
            _add_endpoint(infos[a], binding, "a", counts)
            _add_endpoint(infos[b], binding, "b", counts)
        rows_read += reader.rows_read
    data = build_twindata(statements.values(), infos, rej, rows_read, rows_loaded, source, counts)
    data.notes.update({
        "pages": n_pages,
        "statements_in_several_partitions": sum(1 for p in partitions_of.values() if len(p) > 1),
        "max_rows_per_statement": max((s.rows for s in statements.values()), default=0),
    })
    if fetched:
        data.observed = pd.Timestamp(max(fetched)).tz_convert(None).normalize()
    return data


def load_wikidata_live(
    cache_dir: str | os.PathLike[str],
    *,
    client: WikidataClient | None = None,
    countries: Iterable[str] | None = None,
    page_size: int = DEFAULT_PAGE_SIZE,
    fetch: bool = True,
    progress: bool = True,
    user_agent: str | None = None,
) -> TwinData:
    """Fetch (or resume fetching) all P190 statements into ``cache_dir`` and parse them.

    With ``fetch=False`` only the pages already cached for ``page_size`` are parsed (no network;
    ``FileNotFoundError`` when there are none).  ``client`` defaults to a :class:`WikidataClient`
    on the public endpoint caching into ``cache_dir``.

    Parameters
    ----------
    cache_dir : str or path-like
        The cache folder.
    client : WikidataClient, optional
        HTTP client (given a ``cache_dir`` when it has none).
    countries : iterable of str, optional
        Partitions (:func:`fetch_p190`).
    page_size : int
        LIMIT of each page.
    fetch : bool
        Fetch missing pages (False: cached pages only).
    progress : bool
        Show a progress bar.
    user_agent : str, optional
        User-Agent of the default client.

    Returns
    -------
    TwinData
    """
    if fetch:
        client = client or WikidataClient(user_agent=user_agent, cache_dir=cache_dir)
        if client.cache_dir is None:
            client.cache_dir = Path(cache_dir)
        paths = fetch_p190(client, countries=countries, page_size=page_size, progress=progress)
    else:
        paths = cached_pages(cache_dir, page_size)
        if not paths:
            raise FileNotFoundError(f"no cached Wikidata P190 pages for page_size={page_size} under {cache_dir}")
    return parse_sparql_pages(paths, source=SOURCE)
