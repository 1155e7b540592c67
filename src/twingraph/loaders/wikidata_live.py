"""Live Wikidata loader (dataset ``wikidata-live``): every P190 statement, with dates and ranks.

Pipeline: :class:`WikidataClient` (polite, retrying HTTP) -> :func:`fetch_p190` (SPARQL pages,
partitioned by the subject's country, cached on disk) -> :func:`parse_sparql_pages` (bindings ->
statements -> ties and spells, places) -> :class:`~twingraph.tables.TwinData`.

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
Ties and spells
    Statements A->B and B->A merge into one tie ``"wd:<a>|<b>"`` (``a < b``); ``directions`` says
    who states it and ``n_rows`` counts the *statements* merged into the spell (not bindings).
    Deprecated statements are kept but never mixed with the others: they form their own spells
    with ``rank = "deprecated"``, numbered before the tie's other spells so that
    :attr:`TwinData.ties` (the last spell) shows the current, non-deprecated state.  Among the
    others, ``rank`` is ``"preferred"`` if any merged statement is preferred, else ``"normal"``.
    A tie splits into several spells only when a statement starts at or after the end of the
    statements before it (a re-twinning); undated statements join the latest spell.
Dates
    Wikidata precision codes map to ``11+ -> day``, ``10 -> month``, ``9 -> year``; coarser codes
    (decade, century, ...) become ``unknown`` (``NaT``) and are counted in
    ``notes["coarse_dates"]`` (matching :data:`twingraph.dates.WIKIDATA_PRECISION`).  P585 point
    in time is used as the start only when no merged statement has P580
    (``notes["point_in_time_as_start"]``).  Within a spell the stated values are pooled: values
    whose periods overlap are compatible and the finest one wins (1957 and 1957-10-02 give
    1957-10-02).  Values whose periods are disjoint conflict: the spell gets ``conflict = True``
    and ``notes["date_conflicts"]`` gets one dict per (tie, field) listing every value with its
    statement, direction, rank and precision; the kept value is the best-ranked, then the finest,
    then the earliest start / latest end (the union of what the statements claim).  An end that
    lies wholly before the start is dropped (kept in ``date_conflicts`` as field ``"end<start"``);
    an end coarser than, and overlapping, the start coarsens the start to the end's precision.
End status
    A spell with an end time or an end cause has ended: ``"suspended"`` when an English label of
    an end cause contains "suspen", else ``"terminated"``; ``end_cause`` = the cause QIDs joined
    by ``";"``.  No end and no cause = active (``None``, right-censored at ``observed``).
Places
    Every endpoint of a loaded statement: ``name`` = English label or the QID; ``country`` = P298
    of its P17 country (falling back on :data:`COUNTRY_ISO3`; with several countries the
    alphabetically first code, counted in ``notes["places_with_several_countries"]``); ``level``
    from P31 via :data:`LEVEL_BY_P31` (municipality before province before country when several
    apply); ``lat``/``lon`` from the WKT ``Point(lon lat)`` (Earth only); ``population`` = the
    largest best-ranked P1082.

HTTP follows the Wikidata Query Service etiquette: one request at a time, a descriptive
User-Agent with a contact (https://meta.wikimedia.org/wiki/User-Agent_policy), a pause between
requests, and on HTTP 429 the wait the ``Retry-After`` header asks for (60 s when it is absent).
"""

from __future__ import annotations

import email.utils
import gzip
import hashlib
import http.client
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from ..dates import format_partial_date, parse_partial_date, period_bounds
from ..tables import Rejections, TwinData, make_twindata, pair_key

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

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
DEFAULT_ENTITY_URL = "https://www.wikidata.org/wiki/Special:EntityData/{qid}.json"
DEFAULT_PAGE_SIZE = 5_000  # rows per request; WDQS stops any query after 60 s
#: Placeholder contact for the default User-Agent; set ``$TWINGRAPH_CONTACT`` (a URL or e-mail).
DEFAULT_CONTACT = "https://example.org/twingraph-contact"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
SOURCE = "wikidata-live"

ENTITY_IRI = "http://www.wikidata.org/entity/"
STATEMENT_IRI = "http://www.wikidata.org/entity/statement/"
WIKIBASE = "http://wikiba.se/ontology#"
EARTH = "http://www.wikidata.org/entity/Q2"
_RANK_NAMES = {WIKIBASE + "PreferredRank": "preferred", WIKIBASE + "NormalRank": "normal",
               WIKIBASE + "DeprecatedRank": "deprecated"}
RANK_ORDER = {"preferred": 0, "normal": 1, "deprecated": 2}
PRECISION_ORDER = {"day": 0, "month": 1, "year": 2, "unknown": 3}
_QID = re.compile(r"^Q[1-9][0-9]*$")
_WKT = re.compile(r"^\s*(?:<([^>]*)>\s*)?Point\(\s*(\S+)\s+(\S+)\s*\)\s*$", re.IGNORECASE)
_SUSPENDED = re.compile(r"suspen", re.IGNORECASE)

#: P31 classes -> our place levels (only these classes are asked for in the query).
LEVEL_BY_P31: dict[str, str] = {
    "Q515": "municipality",       # city
    "Q1549591": "municipality",   # big city
    "Q3957": "municipality",      # town
    "Q532": "municipality",       # village
    "Q484170": "municipality",    # commune of France
    "Q262166": "municipality",    # municipality of Germany
    "Q15284": "municipality",     # municipality
    "Q10864048": "province",      # first-level administrative country subdivision
    "Q35657": "province",         # state of the United States
    "Q6256": "country",           # country
}
_LEVEL_PRIORITY = ("municipality", "province", "country")

#: Fallback ISO 3166-1 alpha-3 codes for common country items, used when the country's own P298
#: is not at hand (the SPARQL query asks for P298; entity documents may not include the country).
#: Values as Wikidata P298 states them (https://www.wikidata.org/wiki/Property:P298); checked
#: against two independent public QID->ISO lists.
COUNTRY_ISO3: dict[str, str] = {
    "Q183": "DEU", "Q142": "FRA", "Q145": "GBR", "Q30": "USA", "Q159": "RUS", "Q148": "CHN",
    "Q17": "JPN", "Q213": "CZE", "Q38": "ITA", "Q29": "ESP", "Q43": "TUR", "Q219": "BGR",
    "Q212": "UKR", "Q16": "CAN", "Q865": "TWN", "Q36": "POL", "Q55": "NLD", "Q31": "BEL",
    "Q40": "AUT", "Q39": "CHE", "Q34": "SWE", "Q20": "NOR", "Q35": "DNK", "Q33": "FIN",
    "Q45": "PRT", "Q41": "GRC", "Q28": "HUN", "Q218": "ROU", "Q214": "SVK", "Q215": "SVN",
    "Q224": "HRV", "Q403": "SRB", "Q184": "BLR", "Q37": "LTU", "Q211": "LVA", "Q191": "EST",
    "Q27": "IRL", "Q32": "LUX", "Q668": "IND", "Q884": "KOR", "Q408": "AUS", "Q664": "NZL",
    "Q155": "BRA", "Q96": "MEX", "Q414": "ARG", "Q298": "CHL", "Q739": "COL", "Q419": "PER",
    "Q717": "VEN", "Q241": "CUB", "Q794": "IRN", "Q801": "ISR", "Q79": "EGY", "Q258": "ZAF",
    "Q1028": "MAR", "Q252": "IDN", "Q928": "PHL", "Q881": "VNM", "Q869": "THA", "Q833": "MYS",
    "Q334": "SGP", "Q843": "PAK", "Q232": "KAZ", "Q230": "GEO", "Q399": "ARM", "Q227": "AZE",
    "Q217": "MDA", "Q229": "CYP", "Q233": "MLT", "Q189": "ISL", "Q222": "ALB", "Q225": "BIH",
    "Q221": "MKD", "Q236": "MNE",
}


class WikidataFetchError(RuntimeError):
    """A request failed for good (retries exhausted, or a status that is not worth retrying).

    Attributes: ``what`` (e.g. ``"partition Q183 page 2"``), ``url``, ``attempts``, ``status``
    (last HTTP status or ``None``), ``partition`` and ``page`` (set by :func:`fetch_p190`).
    """

    def __init__(self, message: str, *, what: str = "", url: str = "", attempts: int = 0,
                 status: int | None = None, partition: str | None = None, page: int | None = None) -> None:
        super().__init__(message)
        self.what, self.url, self.attempts, self.status = what, url, attempts, status
        self.partition, self.page = partition, page


def _package_version() -> str:
    try:
        from importlib.metadata import version

        return version("twingraph")
    except Exception:  # pragma: no cover - not installed
        return "0"


def default_user_agent(contact: str | None = None) -> str:
    """``"twingraph/<version> (<contact>) python-urllib/<x.y>"`` as the Wikimedia policy asks.

    ``contact`` defaults to ``$TWINGRAPH_CONTACT``, else the placeholder :data:`DEFAULT_CONTACT`.
    """
    contact = contact or os.environ.get("TWINGRAPH_CONTACT") or DEFAULT_CONTACT
    py = f"{sys.version_info.major}.{sys.version_info.minor}"
    return f"twingraph/{_package_version()} ({contact}) python-urllib/{py}"


def _retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP-date), else None."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, when.timestamp() - now)


def _check_sparql(doc: Any) -> None:
    if not (isinstance(doc, dict) and isinstance(doc.get("results"), dict)
            and isinstance(doc["results"].get("bindings"), list)):
        raise ValueError("not a SPARQL JSON results document (no results.bindings)")


def _check_entities(doc: Any) -> None:
    if not (isinstance(doc, dict) and isinstance(doc.get("entities"), dict)):
        raise ValueError("not a Special:EntityData document (no entities)")


class WikidataClient:
    """A polite, retrying JSON client for the Wikidata Query Service and Special:EntityData.

    Retries (up to ``max_retries`` times after the first attempt) on HTTP 429/500/502/503/504,
    timeouts, refused or reset connections, truncated bodies and invalid JSON.  The wait before
    retry ``k`` (1-based) is the ``Retry-After`` header when present (seconds or HTTP-date, obeyed
    as given), else ``wait_429`` for a 429, else ``min(max_backoff, backoff * 2**(k-1))``.  Other
    HTTP errors (400, 403, 404, ...) fail at once.  ``sleep`` and ``clock`` are injectable so tests
    run without waiting; ``pause`` seconds are kept between consecutive requests.  ``failures``
    lists every failed attempt (what, attempt, problem, wait); ``requests`` counts HTTP requests.
    ``cache_dir`` is where :func:`fetch_p190` and ``fetch_entities`` keep raw pages.
    """

    def __init__(
        self,
        endpoint: str = DEFAULT_ENDPOINT,
        user_agent: str | None = None,
        cache_dir: str | os.PathLike[str] | None = None,
        max_retries: int = 5,
        backoff: float = 2.0,
        timeout: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        *,
        max_backoff: float = 300.0,
        wait_429: float = 60.0,
        pause: float = 1.0,
        entity_url: str = DEFAULT_ENTITY_URL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.endpoint = endpoint
        self.user_agent = user_agent or os.environ.get("TWINGRAPH_USER_AGENT") or default_user_agent()
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.max_retries, self.backoff, self.timeout = int(max_retries), float(backoff), float(timeout)
        self.max_backoff, self.wait_429, self.pause = float(max_backoff), float(wait_429), float(pause)
        self.sleep, self.clock, self.entity_url = sleep, clock, entity_url
        self.requests = 0
        self.failures: list[dict[str, object]] = []
        self._last_request: float | None = None

    def sparql(self, query: str, *, what: str = "SPARQL query") -> dict[str, Any]:
        """POST ``query`` to the endpoint; return the SPARQL JSON results document."""
        data = urllib.parse.urlencode({"query": query}).encode("utf-8")
        return self.get_json(self.endpoint, data=data, accept="application/sparql-results+json",
                             what=what, check=_check_sparql)

    def entity(self, qid: str) -> dict[str, Any]:
        """GET ``Special:EntityData/<qid>.json`` (URL from ``entity_url``); return the document."""
        return self.get_json(self.entity_url.format(qid=qid), accept="application/json",
                             what=f"entity {qid}", check=_check_entities)

    def get_json(self, url: str, *, data: bytes | None = None, accept: str = "application/json",
                 what: str = "", check: Callable[[Any], None] | None = None) -> dict[str, Any]:
        """Fetch ``url`` (POST when ``data`` is given) and decode JSON, retrying as described above."""
        what = what or url
        attempt = 0
        while True:
            attempt += 1
            self._keep_pace()
            wait: float | None = None
            status: int | None = None
            try:
                body = self._fetch(url, data, accept)
                doc = json.loads(body.decode("utf-8"))
                if check is not None:
                    check(doc)
                return doc
            except urllib.error.HTTPError as exc:
                status = exc.code
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
                exc.close()
                if status not in RETRY_STATUSES:
                    raise WikidataFetchError(f"{what}: HTTP {status} from {url} (not retried)", what=what,
                                             url=url, attempts=attempt, status=status) from exc
                problem = f"HTTP {status}"
                wait = _retry_after(retry_after, self.clock())
                if wait is None and status == 429:
                    wait = self.wait_429
            except (urllib.error.URLError, http.client.HTTPException, OSError, EOFError) as exc:
                problem = f"{type(exc).__name__}: {exc}"  # timeout, refused/reset, truncated body
            except ValueError as exc:
                problem = f"invalid response: {exc}"  # bad UTF-8, cut JSON, not a results document
            if wait is None:
                wait = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
            self.failures.append({"what": what, "attempt": attempt, "problem": problem, "wait": wait})
            if attempt > self.max_retries:
                raise WikidataFetchError(f"{what}: gave up after {attempt} attempts; last problem: {problem}",
                                         what=what, url=url, attempts=attempt, status=status)
            self.sleep(wait)

    def _keep_pace(self) -> None:
        if self.pause > 0 and self._last_request is not None:
            gap = self.pause - (self.clock() - self._last_request)
            if gap > 0:
                self.sleep(gap)

    def _fetch(self, url: str, data: bytes | None, accept: str) -> bytes:
        headers = {"User-Agent": self.user_agent, "Accept": accept, "Accept-Encoding": "gzip"}
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(url, data=data, headers=headers)
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read()
                if response.headers.get("Content-Encoding", "").lower() == "gzip":
                    body = gzip.decompress(body)
                return body
        finally:
            self._last_request = self.clock()


# --------------------------------------------------------------------------- queries and cache

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
    """The P190 query for one partition (a country QID, or ``"none"``) and one page."""
    part = _normalise_partition(partition)
    tag = f"p190 partition={part} limit={int(limit)} offset={int(offset)}"
    return P190_QUERY.format(tag=tag, partition=_partition_clause(part), limit=int(limit), offset=int(offset))


def _query_hash(page_size: int) -> str:
    return hashlib.sha256(f"{P190_QUERY}|limit={int(page_size)}".encode()).hexdigest()[:12]


def _page_dir(cache_dir: Path, page_size: int) -> Path:
    return Path(cache_dir) / "wikidata-live" / f"p190-{_query_hash(page_size)}-{int(page_size)}"


def atomic_write_json(path: Path, doc: object) -> None:
    """Write JSON to ``path`` via a temporary file and ``os.replace`` (never a half-written file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_cached_json(path: Path, check: Callable[[Any], None]) -> dict[str, Any] | None:
    """The cached document at ``path``, or ``None`` when missing or unreadable (then refetched)."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        check(doc)
        return doc
    except (OSError, ValueError):
        return None


def _now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _require_cache(client: WikidataClient) -> Path:
    if client.cache_dir is None:
        raise ValueError("the WikidataClient needs a cache_dir to fetch into")
    return client.cache_dir


def fetch_countries(client: WikidataClient) -> list[str]:
    """QIDs of the countries (P17) of items stating P190, largest first; cached like the pages."""
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
    """The cached P190 pages for ``page_size`` under ``cache_dir`` (sorted), without fetching."""
    return sorted(_page_dir(Path(cache_dir), page_size).glob("*.json"))


# --------------------------------------------------------------------------- statements -> spells

@dataclass(frozen=True)
class WDate:
    """One stated date: first day of the period, precision, property, and who stated it."""

    ts: pd.Timestamp
    precision: str
    prop: str
    sid: str
    subject: str
    rank: str


@dataclass
class Statement:
    """One P190 statement (subject -> obj) with every qualifier value seen for it."""

    sid: str
    subject: str
    obj: str
    rank: str
    starts: list[WDate] = field(default_factory=list)
    ends: list[WDate] = field(default_factory=list)
    points: list[WDate] = field(default_factory=list)
    causes: set[str] = field(default_factory=set)
    cause_labels: set[str] = field(default_factory=set)
    coarse: set[str] = field(default_factory=set)
    rows: int = 0

    def add_date(self, which: str, ts: pd.Timestamp | None, precision: str, prop: str) -> None:
        """Record a stated date; ``ts=None`` (coarser than a year) is only remembered in ``coarse``."""
        if ts is None:
            self.coarse.add(prop)
            return
        target = {"start": self.starts, "end": self.ends, "point": self.points}[which]
        d = WDate(ts, precision, prop, self.sid, self.subject, self.rank)
        if all((x.ts, x.precision) != (ts, precision) for x in target):
            target.append(d)


def wikidata_time(value: object, precision: object) -> tuple[pd.Timestamp | None, str]:
    """A Wikidata time value and precision code -> ``(first day of the period, precision name)``.

    Codes: 11 or finer -> ``"day"``, 10 -> ``"month"``, 9 -> ``"year"``, coarser ->
    ``(None, "unknown")``.  The value may be WDQS style (``"1957-01-01T00:00:00Z"``) or entity
    JSON style (``"+1957-00-00T00:00:00Z"``); the result is never finer than the text itself.
    Raises ``ValueError`` for a value or code that cannot be read.
    """
    ts, text_precision = parse_partial_date(value)
    if ts is None:
        return None, "unknown"
    if precision is None or precision == "":
        name = text_precision
    else:
        code = int(str(precision).strip())
        if code < 9:
            return None, "unknown"
        name = "day" if code >= 11 else "month" if code == 10 else "year"
        if PRECISION_ORDER[text_precision] > PRECISION_ORDER[name]:
            name = text_precision
    return _truncate(ts, name), name


def _truncate(ts: pd.Timestamp, precision: str) -> pd.Timestamp:
    if precision == "year":
        return pd.Timestamp(year=ts.year, month=1, day=1)
    if precision == "month":
        return pd.Timestamp(year=ts.year, month=ts.month, day=1)
    return ts


def _overlap(x: WDate, y: WDate) -> bool:
    xlo, xhi = period_bounds(x.ts, x.precision)
    ylo, yhi = period_bounds(y.ts, y.precision)
    return bool(xlo < yhi and ylo < xhi)  # type: ignore[operator]


def _pick(values: Sequence[WDate], latest: bool) -> tuple[WDate | None, bool]:
    """The kept value among stated ones, and whether any two of them conflict (disjoint periods)."""
    uniq: list[WDate] = []
    for v in values:
        if all((u.ts, u.precision) != (v.ts, v.precision) for u in uniq):
            uniq.append(v)
    if not uniq:
        return None, False
    conflict = any(not _overlap(x, y) for i, x in enumerate(uniq) for y in uniq[i + 1:])

    def key(d: WDate) -> tuple[int, int, int]:
        order = -d.ts.value if latest else d.ts.value
        return (RANK_ORDER.get(d.rank, 1) if conflict else 0, PRECISION_ORDER[d.precision], order)

    return min(uniq, key=key), conflict


def _start_values(statements: Sequence[Statement]) -> tuple[list[WDate], bool]:
    starts = [d for s in statements for d in s.starts]
    if starts:
        return starts, False
    points = [d for s in statements for d in s.points]
    return points, bool(points)


def _clusters(group: list[Statement]) -> list[list[Statement]]:
    rep = {s.sid: _pick(_start_values([s])[0], latest=False)[0] for s in group}
    dated = sorted((s for s in group if rep[s.sid] is not None), key=lambda s: (rep[s.sid].ts, s.sid))  # type: ignore[union-attr]
    clusters: list[list[Statement]] = []
    end_hi: pd.Timestamp | None = None
    for s in dated:
        lo, _ = period_bounds(rep[s.sid].ts, rep[s.sid].precision)  # type: ignore[union-attr]
        if not clusters or (end_hi is not None and lo >= end_hi):
            clusters.append([])
            end_hi = None
        clusters[-1].append(s)
        for e in s.ends:
            hi = period_bounds(e.ts, e.precision)[1]
            end_hi = hi if end_hi is None or hi > end_hi else end_hi  # type: ignore[operator]
    undated = [s for s in group if rep[s.sid] is None]
    if undated:
        if clusters:
            clusters[-1].extend(undated)
        else:
            clusters.append(undated)
    return clusters


def _direction(a: str, subject: str) -> str:
    return "a->b" if subject == a else "b->a"


def _conflict_record(tie_id: str, a: str, b: str, fieldname: str, values: Sequence[WDate],
                     chosen: WDate | None, rule: str) -> dict[str, object]:
    return {
        "tie_id": tie_id, "a": a, "b": b, "field": fieldname, "rule": rule,
        "chosen": format_partial_date(chosen.ts, chosen.precision) if chosen else None,
        "values": [{"date": format_partial_date(v.ts, v.precision), "precision": v.precision,
                    "property": v.prop, "statement": v.sid, "direction": _direction(a, v.subject),
                    "rank": v.rank} for v in sorted(values, key=lambda v: (v.ts, v.sid))],
    }


def merge_statements(a: str, b: str, statements: Sequence[Statement], source: str,
                     counts: Counter[str], conflicts: list[dict[str, object]]) -> list[dict[str, object]]:
    """Spell records for the tie between ``a < b`` from all its statements (both directions).

    See the module docstring for the rules; ``counts`` and ``conflicts`` collect the notes.
    """
    tie_id = f"wd:{a}|{b}"
    records: list[dict[str, object]] = []
    groups = ([s for s in statements if s.rank == "deprecated"], [s for s in statements if s.rank != "deprecated"])
    for group in groups:
        if not group:
            continue
        for cluster in _clusters(group):
            start_values, from_points = _start_values(cluster)
            end_values = [d for s in cluster for d in s.ends]
            start, start_conflict = _pick(start_values, latest=False)
            end, end_conflict = _pick(end_values, latest=True)
            conflict = start_conflict or end_conflict
            if from_points:
                counts["point_in_time_as_start"] += 1
            if start_conflict:
                conflicts.append(_conflict_record(tie_id, a, b, "start", start_values, start,
                                                  "best rank, then finest precision, then earliest"))
            if end_conflict:
                conflicts.append(_conflict_record(tie_id, a, b, "end", end_values, end,
                                                  "best rank, then finest precision, then latest"))
            if start is not None and end is not None:
                s_lo = period_bounds(start.ts, start.precision)[0]
                e_hi = period_bounds(end.ts, end.precision)[1]
                if e_hi <= s_lo:  # type: ignore[operator]
                    conflict = True
                    counts["end_before_start"] += 1
                    conflicts.append(_conflict_record(tie_id, a, b, "end<start", [start, end], start,
                                                      "end before start: end dropped"))
                    end = None
                elif end.ts < start.ts:
                    counts["start_coarsened"] += 1
                    start = WDate(_truncate(start.ts, end.precision), end.precision, start.prop,
                                  start.sid, start.subject, start.rank)
            sides = {_direction(a, s.subject) for s in cluster}
            if len(sides) == 2 and end_values and any(not s.ends for s in cluster):
                counts["one_sided_end"] += 1
            causes = sorted(set().union(*(s.causes for s in cluster)))
            labels = set().union(*(s.cause_labels for s in cluster))
            ended = bool(end_values or causes)
            if causes and not end_values:
                counts["end_cause_without_end_time"] += 1
            end_status = ("suspended" if any(_SUSPENDED.search(t) for t in labels) else "terminated") if ended else None
            ranks = {s.rank for s in cluster}
            rank = "deprecated" if ranks == {"deprecated"} else "preferred" if "preferred" in ranks else "normal"
            records.append({
                "tie_id": tie_id, "a": a, "b": b, "kind": "twin",
                "start": start.ts if start else pd.NaT, "start_precision": start.precision if start else "unknown",
                "end": end.ts if end else pd.NaT, "end_precision": end.precision if end else "unknown",
                "end_status": end_status, "end_cause": ";".join(causes) or None, "rank": rank,
                "directions": "both" if len(sides) == 2 else sides.pop(), "n_rows": len(cluster),
                "conflict": conflict, "source": source,
                "reference": ";".join(sorted(s.sid for s in cluster)),
            })
    for i, rec in enumerate(records):
        rec["spell"] = i
        rec["spell_id"] = f"{tie_id}#{i}"
    counts["deprecated_spells"] += sum(1 for r in records if r["rank"] == "deprecated")
    return records


# --------------------------------------------------------------------------- places

@dataclass
class PlaceInfo:
    """Attributes of one item gathered from every row that mentions it."""

    labels: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    countries: dict[str, str | None] = field(default_factory=dict)
    coords: set[tuple[float, float]] = field(default_factory=set)
    populations: set[float] = field(default_factory=set)

    def add_country(self, qid: str | None, iso: str | None) -> None:
        if qid:
            iso = iso.strip().upper() if iso else None
            if iso or qid not in self.countries:
                self.countries[qid] = iso or self.countries.get(qid)


def parse_wkt_point(text: str | None) -> tuple[float, float] | None:
    """``"Point(lon lat)"`` (optionally prefixed by a globe IRI; Earth only) -> ``(lat, lon)``."""
    if not text:
        return None
    m = _WKT.match(text)
    if not m or (m.group(1) and m.group(1) != EARTH):
        return None
    try:
        lon, lat = float(m.group(2)), float(m.group(3))
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return lat, lon


def place_records(infos: dict[str, PlaceInfo], counts: Counter[str],
                  iso_fallback: dict[str, str] | None = None) -> list[dict[str, object]]:
    """Place rows (contract columns) for the given items; see the module docstring for the rules."""
    fallback = COUNTRY_ISO3 if iso_fallback is None else iso_fallback
    out = []
    for qid in sorted(infos, key=lambda q: (len(q), q)):
        info = infos[qid]
        isos = sorted({iso or fallback.get(c, "") for c, iso in info.countries.items()} - {""})
        if info.countries and not isos:
            counts["unresolved_country"] += 1
        if len(isos) > 1:
            counts["places_with_several_countries"] += 1
        levels = {LEVEL_BY_P31[t] for t in info.types if t in LEVEL_BY_P31}
        level = next((lv for lv in _LEVEL_PRIORITY if lv in levels), "unknown")
        lat, lon = sorted(info.coords)[0] if info.coords else (None, None)
        out.append({
            "place_id": qid, "name": sorted(info.labels)[0] if info.labels else qid,
            "country": isos[0] if isos else None, "subdivision": None, "level": level,
            "lat": lat, "lon": lon, "population": max(info.populations) if info.populations else None,
            "qid": qid, "konect_id": None,
        })
    return out


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


def parse_sparql_pages(paths: Iterable[str | os.PathLike[str]], source: str = SOURCE) -> TwinData:
    """Parse cached (or hand-saved) SPARQL JSON result pages of :data:`P190_QUERY` into TwinData.

    Accepts raw WDQS results documents; the ``"twingraph"`` member written by :func:`fetch_p190`
    is optional (it gives partitions and ``observed`` = the latest fetch day).  See the module
    docstring for row accounting, merging, dates and places.
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
        for line, binding in enumerate(doc["results"]["bindings"], start=1):
            rows_read += 1
            raw = json.dumps({k: _value(binding, k) for k in binding}, ensure_ascii=False)[:1000]
            sid = _statement_id(_value(binding, "st"))
            a, b = _qid(_value(binding, "a")), _qid(_value(binding, "b"))
            rank = _RANK_NAMES.get(_value(binding, "rank") or "")
            if sid is None:
                rej.add(str(path), line, "missing-statement", f"st={_value(binding, 'st')!r}", raw)
                continue
            if a is None or b is None:
                rej.add(str(path), line, "missing-qid", f"a={_value(binding, 'a')!r} b={_value(binding, 'b')!r}", raw)
                continue
            if a == b:
                rej.add(str(path), line, "self-tie", f"{a} twinned with itself", raw)
                continue
            if rank is None:
                rej.add(str(path), line, "bad-rank", f"rank={_value(binding, 'rank')!r}", raw)
                continue
            try:
                dates = _binding_dates(binding)
            except ValueError as exc:
                rej.add(str(path), line, "bad-date", str(exc), raw)
                continue
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
    data = build_twindata(statements.values(), infos, rej, rows_read, rows_loaded, source, counts)
    data.notes.update({
        "pages": n_pages,
        "statements_in_several_partitions": sum(1 for p in partitions_of.values() if len(p) > 1),
        "max_rows_per_statement": max((s.rows for s in statements.values()), default=0),
    })
    if fetched:
        data.observed = pd.Timestamp(max(fetched)).tz_convert(None).normalize()
    return data


def build_twindata(statements: Iterable[Statement], infos: dict[str, PlaceInfo], rej: Rejections,
                   rows_read: int, rows_loaded: int, source: str, counts: Counter[str],
                   iso_fallback: dict[str, str] | None = None) -> TwinData:
    """Statements + place attributes -> validated TwinData (shared by the SPARQL and entity loaders)."""
    by_pair: dict[tuple[str, str], list[Statement]] = defaultdict(list)
    n_statements = 0
    for st in statements:
        n_statements += 1
        counts["coarse_dates"] += len(st.coarse)
        by_pair[pair_key(st.subject, st.obj)].append(st)
    conflicts: list[dict[str, object]] = []
    spells: list[dict[str, object]] = []
    for (a, b), group in sorted(by_pair.items()):
        spells.extend(merge_statements(a, b, sorted(group, key=lambda s: s.sid), source, counts, conflicts))
    used = {q for pair in by_pair for q in pair}
    places = place_records({q: infos.get(q, PlaceInfo()) for q in used}, counts, iso_fallback)
    notes: dict[str, object] = {
        "statements": n_statements,
        "date_conflicts": conflicts,
        **{k: int(counts.get(k, 0)) for k in (
            "point_in_time_as_start", "coarse_dates", "one_sided_end", "end_cause_without_end_time",
            "end_before_start", "start_coarsened", "deprecated_spells", "places_with_several_countries",
            "unresolved_country", "bad_attribute_values")},
    }
    return make_twindata(places, spells, rej, rows_read, rows_loaded, source, notes=notes)


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
