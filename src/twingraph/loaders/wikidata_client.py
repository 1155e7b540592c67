"""HTTP and cache layer for the Wikidata loaders: a polite, retrying JSON client.

:class:`WikidataClient` talks to the Wikidata Query Service (SPARQL, used by
:mod:`twingraph.loaders.wikidata_live`) and to ``Special:EntityData`` (used by
:mod:`twingraph.loaders.wikidata_entity`).  It follows the Wikidata Query Service etiquette: one
request at a time, a descriptive User-Agent with a contact
(https://meta.wikimedia.org/wiki/User-Agent_policy, see :func:`default_user_agent`), a pause
between requests, and on HTTP 429 the wait the ``Retry-After`` header asks for (60 s when it is
absent).  Failures that outlast the retries raise :class:`WikidataFetchError`.

Cache files: both loaders keep every raw response on disk.  :func:`atomic_write_json` writes a
document via a temporary file and ``os.replace`` (an interrupted run never leaves a half-written
page), and :func:`read_cached_json` reads one back, returning ``None`` for a missing or unreadable
file so that the caller fetches it again.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

from ..exceptions import TwingraphError

__all__ = [
    "DEFAULT_ENDPOINT",
    "DEFAULT_ENTITY_URL",
    "DEFAULT_CONTACT",
    "RETRY_STATUSES",
    "WikidataClient",
    "WikidataFetchError",
    "default_user_agent",
    "atomic_write_json",
    "read_cached_json",
]

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
DEFAULT_ENTITY_URL = "https://www.wikidata.org/wiki/Special:EntityData/{qid}.json"
#: Placeholder contact for the default User-Agent; set ``$TWINGRAPH_CONTACT`` (a URL or e-mail).
DEFAULT_CONTACT = "https://example.org/twingraph-contact"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: the largest response body read (compressed and decompressed), so a server cannot exhaust memory
MAX_RESPONSE_BYTES = 512 * 1024**2


class WikidataFetchError(TwingraphError, RuntimeError):
    """A request failed for good (retries exhausted, or a status that is not worth retrying).

    Attributes: ``what`` (e.g. ``"partition Q183 page 2"``), ``url``, ``attempts``, ``status``
    (last HTTP status or ``None``), ``partition`` and ``page`` (set by
    :func:`~twingraph.loaders.wikidata_live.fetch_p190`).

    Parameters
    ----------
    message : str
        Error message.
    what, url : str
        What was fetched, and from where.
    attempts : int
        Attempts made.
    status : int, optional
        Last HTTP status.
    partition : str, optional
        Partition being fetched.
    page : int, optional
        Page being fetched.
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

    Parameters
    ----------
    contact : str, optional
        URL or e-mail address.

    Returns
    -------
    str
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
        when = when.replace(tzinfo=UTC)
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
    lists every failed attempt (what, attempt, problem, wait); ``on_retry``, when given, is called
    with that record (plus ``max_retries``) before each wait, so a caller can report retries as
    they happen; ``requests`` counts HTTP requests.
    ``cache_dir`` is where :func:`~twingraph.loaders.wikidata_live.fetch_p190` and
    :func:`~twingraph.loaders.wikidata_entity.fetch_entities` keep raw pages.

    Parameters
    ----------
    endpoint : str
        SPARQL endpoint URL.
    user_agent : str, optional
        Default: ``$TWINGRAPH_USER_AGENT``, else :func:`default_user_agent`.
    cache_dir : str or path-like, optional
        Folder of the raw pages.
    max_retries : int
        Retries after the first attempt.
    backoff, max_backoff : float
        Exponential back-off base and cap (seconds).
    timeout : float
        Socket timeout per request (seconds).
    sleep : callable
        Waits a number of seconds.
    wait_429 : float
        Wait after a 429 without ``Retry-After`` (seconds).
    pause : float
        Least time between requests (seconds).
    entity_url : str
        ``Special:EntityData`` URL template with ``{qid}``.
    clock : callable
        Current time in seconds.
    on_retry : callable, optional
        Called with the failure record before each wait.
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
        on_retry: Callable[[dict[str, object]], None] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.user_agent = user_agent or os.environ.get("TWINGRAPH_USER_AGENT") or default_user_agent()
        self.cache_dir = Path(cache_dir) if cache_dir is not None else None
        self.max_retries, self.backoff, self.timeout = int(max_retries), float(backoff), float(timeout)
        self.max_backoff, self.wait_429, self.pause = float(max_backoff), float(wait_429), float(pause)
        self.sleep, self.clock, self.entity_url = sleep, clock, entity_url
        self.on_retry = on_retry
        self.requests = 0
        self.failures: list[dict[str, object]] = []
        self._last_request: float | None = None

    def sparql(self, query: str, *, what: str = "SPARQL query") -> dict[str, Any]:
        """POST ``query`` to the endpoint; return the SPARQL JSON results document.

        Parameters
        ----------
        query : str
            SPARQL query.
        what : str
            Label for errors and the failure log.

        Returns
        -------
        dict
            The decoded document (checked to have ``results.bindings``).
        """
        data = urllib.parse.urlencode({"query": query}).encode("utf-8")
        return self.get_json(self.endpoint, data=data, accept="application/sparql-results+json",
                             what=what, check=_check_sparql)

    def entity(self, qid: str) -> dict[str, Any]:
        """GET ``Special:EntityData/<qid>.json`` (URL from ``entity_url``); return the document.

        Parameters
        ----------
        qid : str
            Item id.

        Returns
        -------
        dict
            The decoded document (checked to have ``entities``).
        """
        return self.get_json(self.entity_url.format(qid=qid), accept="application/json",
                             what=f"entity {qid}", check=_check_entities)

    def get_json(self, url: str, *, data: bytes | None = None, accept: str = "application/json",
                 what: str = "", check: Callable[[Any], None] | None = None) -> dict[str, Any]:
        """Fetch ``url`` (POST when ``data`` is given) and decode JSON, retrying as described above.

        Parameters
        ----------
        url : str
            URL.
        data : bytes, optional
            Form-encoded POST body.
        accept : str
            ``Accept`` header.
        what : str
            Label for errors and the failure log (default: the URL).
        check : callable, optional
            Raises ``ValueError`` for a document of the wrong shape (then retried).

        Returns
        -------
        dict
            The decoded JSON document.
        """
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
                reason = getattr(exc, "reason", exc)
                if isinstance(reason, socket.gaierror):  # a failed name lookup is not transient
                    host = urllib.parse.urlsplit(url).hostname
                    raise WikidataFetchError(f"{what}: cannot resolve the host {host} ({reason.strerror or reason}); "
                                             "not retried: check the endpoint and the network", what=what, url=url,
                                             attempts=attempt, status=None) from None
                problem = f"{type(exc).__name__}: {exc}"  # timeout, refused/reset, truncated body
            except ValueError as exc:
                problem = f"invalid response: {exc}"  # bad UTF-8, cut JSON, not a results document
            if wait is None:
                wait = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
            self.failures.append({"what": what, "attempt": attempt, "problem": problem, "wait": wait})
            if attempt > self.max_retries:
                raise WikidataFetchError(f"{what}: gave up after {attempt} attempts; last problem: {problem}",
                                         what=what, url=url, attempts=attempt, status=status)
            if self.on_retry is not None:
                self.on_retry({**self.failures[-1], "max_retries": self.max_retries})
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
                body = response.read(MAX_RESPONSE_BYTES + 1)
                if len(body) > MAX_RESPONSE_BYTES:
                    raise ValueError(f"response larger than {MAX_RESPONSE_BYTES:,} bytes")
                declared = response.headers.get("Content-Length", "")
                if declared.isdigit() and len(body) < int(declared):  # the connection closed early
                    raise http.client.IncompleteRead(body, int(declared) - len(body))
                if response.headers.get("Content-Encoding", "").lower() == "gzip":
                    unzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    body = unzip.decompress(body, MAX_RESPONSE_BYTES + 1)
                    if len(body) > MAX_RESPONSE_BYTES or unzip.unconsumed_tail:
                        raise ValueError(f"decompressed response larger than {MAX_RESPONSE_BYTES:,} bytes")
                    if not unzip.eof:
                        raise EOFError("truncated gzip body")
                return body
        finally:
            self._last_request = self.clock()


# --------------------------------------------------------------------------- cache files

def atomic_write_json(path: Path, doc: object) -> None:
    """Write JSON to ``path`` via a temporary file and ``os.replace`` (never a half-written file).

    Parameters
    ----------
    path : pathlib.Path
        Target file (parent folders created).
    doc : object
        JSON-serialisable document.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh, ensure_ascii=False)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_cached_json(path: Path, check: Callable[[Any], None]) -> dict[str, Any] | None:
    """The cached document at ``path``, or ``None`` when missing or unreadable (then refetched).

    Parameters
    ----------
    path : pathlib.Path
        Cache file.
    check : callable
        Raises ``ValueError`` for a document of the wrong shape.

    Returns
    -------
    dict or None
    """
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
        check(doc)
        return doc
    except (OSError, ValueError):
        return None

