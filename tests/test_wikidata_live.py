"""Live Wikidata loader: SPARQL paging, caching, resume, retries -- against a scripted 127.0.0.1 server.

Fixture pages (tests/fixtures/wikidata/sparql/) are synthetic W3C SPARQL 1.1 JSON results pages for
made-up items Q9900001..Q9900006 (see the README there); the expected values below are worked out
by hand from them.
"""

from __future__ import annotations

import email.utils
import gzip
import json
import re
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twingraph.loaders import wikidata_live as wl
from twingraph.loaders.wikidata_live import (
    Statement,
    WikidataClient,
    WikidataFetchError,
    fetch_p190,
    load_wikidata_live,
    p190_query,
    parse_sparql_pages,
    wikidata_time,
)
from twingraph.tables import validate

FIXTURES = Path(__file__).parent / "fixtures" / "wikidata" / "sparql"
PAGE_SIZE = 4  # the fixture pages were cut for LIMIT 4
ALL_PAGES = ["Q183-0", "Q183-1", "Q142-0", "Q142-1", "none-0"]
UA = "twingraph-tests/1.0 (https://example.org/tests; tests@example.org) python-urllib"


def fixture_pages() -> list[Path]:
    return sorted(FIXTURES.glob("p190-*.json"))


# --------------------------------------------------------------------------- the scripted server

class ScriptedWDQS:
    """A WDQS stand-in on 127.0.0.1: SPARQL POSTs answered from the fixture pages.

    ``faults[key]`` is a list of actions served (one per request) before the good page, where key is
    ``"countries"`` or ``"<partition>-<page>"``.  Actions: ``("status", code, headers)``,
    ``("stall", seconds)``, ``("truncate",)`` (Content-Length larger than the body),
    ``("cut",)`` (valid length, JSON cut in half), ``("drop",)`` (close without answering),
    ``("always", action)`` (serve ``action`` for every request).  Pages in ``gzip_keys`` are
    served gzip-encoded.  ``log`` records (key, User-Agent, action name) per request.
    """

    def __init__(self, faults: dict[str, list[tuple[Any, ...]]] | None = None, gzip_keys: set[str] | None = None) -> None:
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.gzip_keys = gzip_keys or set()
        self.log: list[tuple[str, str, str]] = []
        self.lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode("utf-8"))
                owner.answer(self, form.get("query", [""])[0])

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.block_on_close = False  # a stalled handler must not hold up shutdown
        self.server.handle_error = lambda request, address: None  # client hung up on a stall: fine
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.alive = True

    @staticmethod
    def key(query: str) -> str:
        first = query.splitlines()[0]
        if first.startswith("#twingraph countries"):
            return "countries"
        m = re.match(r"#twingraph p190 partition=(\S+) limit=(\d+) offset=(\d+)", first)
        assert m, f"unexpected query: {first!r}"
        return f"{m.group(1)}-{int(m.group(3)) // int(m.group(2))}"

    def body(self, key: str) -> bytes:
        if key == "countries":
            return (FIXTURES / "countries.json").read_bytes()
        part, page = key.rsplit("-", 1)
        return (FIXTURES / f"p190-{part}-{int(page):05d}.json").read_bytes()

    def answer(self, h: BaseHTTPRequestHandler, query: str) -> None:
        key = self.key(query)
        with self.lock:
            queue = self.faults.get(key, [])
            action: tuple[Any, ...] = ("good",)
            if queue:
                action = queue[0][1] if queue[0][0] == "always" else queue.pop(0)
            self.log.append((key, h.headers.get("User-Agent", ""), action[0]))
        body = self.body(key)
        kind = action[0]
        if kind == "status":
            h.send_response(action[1])
            for name, value in (action[2] if len(action) > 2 else {}).items():
                h.send_header(name, value)
            h.send_header("Content-Length", "5")
            h.end_headers()
            h.wfile.write(b"error")
        elif kind == "drop":
            h.close_connection = True  # no status line at all
        elif kind == "stall":
            time.sleep(action[1])
            self._send(h, body)
        elif kind == "truncate":
            h.send_response(200)
            h.send_header("Content-Type", "application/sparql-results+json")
            h.send_header("Content-Length", str(len(body)))
            h.end_headers()
            h.wfile.write(body[: len(body) // 2])
            h.close_connection = True
        elif kind == "cut":
            self._send(h, body[: len(body) // 2])
        else:
            if key in self.gzip_keys and "gzip" in h.headers.get("Accept-Encoding", ""):
                self._send(h, gzip.compress(body), {"Content-Encoding": "gzip"})
            else:
                self._send(h, body)

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, body: bytes, headers: dict[str, str] | None = None) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/sparql-results+json")
        for name, value in (headers or {}).items():
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def keys(self) -> list[str]:
        return [k for k, _, _ in self.log]

    def stop(self) -> None:
        if self.alive:
            self.alive = False
            self.server.shutdown()
            self.server.server_close()


@pytest.fixture
def wdqs():  # type: ignore[no-untyped-def]
    servers: list[ScriptedWDQS] = []

    def start(faults: dict[str, list[tuple[Any, ...]]] | None = None, gzip_keys: set[str] | None = None) -> ScriptedWDQS:
        servers.append(ScriptedWDQS(faults, gzip_keys))
        return servers[-1]

    yield start
    for s in servers:
        s.stop()


def make_client(url: str, cache: Path, sleeps: list[float], **kw: Any) -> WikidataClient:
    opts: dict[str, Any] = {"user_agent": UA, "max_retries": 5, "backoff": 0.5, "timeout": 2.0, "pause": 0.0}
    opts.update(kw)
    return WikidataClient(endpoint=url, cache_dir=cache, sleep=sleeps.append, **opts)


# --------------------------------------------------------------------------- pure functions

@pytest.mark.parametrize(
    ("value", "code", "expected", "precision"),
    [
        ("1957-10-02T00:00:00Z", 11, "1957-10-02", "day"),
        ("1957-10-02T00:00:00Z", 14, "1957-10-02", "day"),      # second precision: still a day
        ("1957-10-02T00:00:00Z", 10, "1957-10-01", "month"),    # truncated to the period start
        ("1957-10-02T00:00:00Z", 9, "1957-01-01", "year"),
        ("1957-01-01T00:00:00Z", "9", "1957-01-01", "year"),    # WDQS literal as text
        ("+1957-00-00T00:00:00Z", 9, "1957-01-01", "year"),     # entity-JSON style
        ("+1957-00-00T00:00:00Z", 11, "1957-01-01", "year"),    # never finer than the text
        ("1960-01-01T00:00:00Z", 8, None, "unknown"),           # decade -> unknown
        ("1900-01-01T00:00:00Z", 7, None, "unknown"),           # century -> unknown
    ],
)
def test_wikidata_time_precision_mapping(value: str, code: object, expected: str | None, precision: str) -> None:
    ts, prec = wikidata_time(value, code)
    assert prec == precision
    assert (ts is None and expected is None) or ts == pd.Timestamp(expected)


@pytest.mark.parametrize(("value", "code"), [("1957-13-01T00:00:00Z", 11), ("sometime", 9), ("1957-01-01T00:00:00Z", "x")])
def test_wikidata_time_rejects_garbage(value: str, code: object) -> None:
    with pytest.raises(ValueError):
        wikidata_time(value, code)


def test_retry_after_forms() -> None:
    now = 1_700_000_000.0
    assert wl._retry_after("7", now) == 7.0
    assert wl._retry_after(" 120 ", now) == 120.0
    http_date = email.utils.formatdate(now + 30, usegmt=True)
    assert wl._retry_after(http_date, now) == pytest.approx(30.0)
    assert wl._retry_after(email.utils.formatdate(now - 30, usegmt=True), now) == 0.0  # already past
    assert wl._retry_after("soon", now) is None
    assert wl._retry_after(None, now) is None


def test_query_text() -> None:
    q = p190_query("wd:Q183", 4, 8)
    assert q.startswith("#twingraph p190 partition=Q183 limit=4 offset=8\n")
    for needle in ("?a p:P190 ?st .", "?st ps:P190 ?b ;", "wikibase:rank ?rank",
                   "pqv:P580 [ wikibase:timeValue ?start ; wikibase:timePrecision ?startPrec ]",
                   "pqv:P582 [ wikibase:timeValue ?end ; wikibase:timePrecision ?endPrec ]",
                   "pqv:P585 [ wikibase:timeValue ?pit ; wikibase:timePrecision ?pitPrec ]",
                   "pq:P1534 ?cause", "?aCountry wdt:P298 ?aIso", "?b wdt:P625 ?bCoord", "?b wdt:P1082 ?bPop",
                   "?a wdt:P17 wd:Q183 .", "ORDER BY ?st ", "LIMIT 4\nOFFSET 8"):
        assert needle in q, needle
    assert "FILTER NOT EXISTS { ?a wdt:P17" in p190_query("none", 4, 0)
    with pytest.raises(ValueError):
        p190_query("Germany", 4, 0)
    # the cache key ignores partition and offset but not the page size
    assert wl._query_hash(4) == wl._query_hash(4) != wl._query_hash(5)


def test_user_agent_default_names_package_and_contact(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWINGRAPH_CONTACT", raising=False)
    monkeypatch.delenv("TWINGRAPH_USER_AGENT", raising=False)
    ua = WikidataClient().user_agent
    assert re.match(r"^twingraph/\S+ \(https://example\.org/twingraph-contact\) python-urllib/3\.\d+$", ua), ua
    monkeypatch.setenv("TWINGRAPH_CONTACT", "mailto:someone@example.org")
    assert "(mailto:someone@example.org)" in WikidataClient().user_agent
    assert WikidataClient(user_agent="x/1 (y)").user_agent == "x/1 (y)"


# --------------------------------------------------------------------------- parsing the fixture pages

def test_parse_fixture_pages_tables() -> None:
    d = parse_sparql_pages(fixture_pages())
    validate(d)
    # row accounting: 12 bindings; self-tie, unknown-value object and a malformed date rejected
    assert (d.rows_read, d.rows_loaded, d.rows_rejected) == (12, 9, 3)
    assert d.rejected_by_reason() == {"bad-date": 1, "missing-qid": 1, "self-tie": 1}
    rej = {r.reason: (Path(r.file).name, r.line) for r in d.rejections.itertuples()}
    assert rej == {"self-tie": ("p190-Q183-00000.json", 4), "missing-qid": ("p190-Q183-00001.json", 3),
                   "bad-date": ("p190-Q142-00000.json", 4)}
    # 9 loaded bindings -> 8 statements (statement 1 came as two bindings: Aldorf has two P31)
    assert d.notes["statements"] == 8 and d.notes["max_rows_per_statement"] == 2 and d.notes["pages"] == 5
    assert len(d.spells) == 6 and d.spells["tie_id"].is_unique
    s = d.spells.set_index("tie_id")

    # reciprocal statements merge; 1957 (year) and 1957-10-02 (day) agree -> the finer one
    t = s.loc["wd:Q9900001|Q9900002"]
    assert (t.directions, t.n_rows, t.conflict, t["rank"]) == ("both", 2, False, "normal")
    assert (t.start, t.start_precision) == (pd.Timestamp("1957-10-02"), "day") and pd.isna(t.end_status)
    assert t.reference == "Q9900001$1A2B3C4D-0001-4000-8000-000000000001;Q9900002$1A2B3C4D-0002-4000-8000-000000000002"

    # conflicting starts (1965-05 vs 1966): flagged, both values kept in the notes, month wins
    t = s.loc["wd:Q9900003|Q9900004"]
    assert (t.directions, t.n_rows, t.conflict) == ("both", 2, True)
    assert (t.start, t.start_precision) == (pd.Timestamp("1965-05-01"), "month")
    assert (t.end, t.end_precision, t.end_status, t.end_cause) == (pd.Timestamp("2022-03-01"), "day", "suspended", "Q9900100")
    [c] = d.notes["date_conflicts"]
    assert (c["tie_id"], c["field"], c["chosen"]) == ("wd:Q9900003|Q9900004", "start", "1965-05")
    assert [(v["date"], v["precision"], v["direction"]) for v in c["values"]] == [("1965-05", "month", "a->b"), ("1966", "year", "b->a")]
    assert d.notes["one_sided_end"] == 1  # only Cestown's statement states the end

    # deprecated statement kept, flagged
    t = s.loc["wd:Q9900001|Q9900005"]
    assert (t["rank"], t.directions, t.start, t.start_precision) == ("deprecated", "a->b", pd.Timestamp("1990-01-01"), "year")
    assert d.notes["deprecated_spells"] == 1

    # P585 point in time stands in for a missing P580
    t = s.loc["wd:Q9900003|Q9900006"]
    assert (t.start, t.start_precision, t.directions) == (pd.Timestamp("2001-06-01"), "month", "a->b")
    assert d.notes["point_in_time_as_start"] == 1

    # an end time alone: terminated, no start; stated by the b side
    t = s.loc["wd:Q9900003|Q9900005"]
    assert (t.directions, t.end, t.end_precision, t.end_status) == ("b->a", pd.Timestamp("1999-01-01"), "year", "terminated")
    assert pd.isna(t.start) and t.start_precision == "unknown"

    # decade precision start -> unknown
    t = s.loc["wd:Q9900002|Q9900006"]
    assert pd.isna(t.start) and t.start_precision == "unknown" and d.notes["coarse_dates"] == 1


def test_parse_fixture_pages_places() -> None:
    p = parse_sparql_pages(fixture_pages()).places.set_index("place_id")
    assert list(p.index) == [f"Q990000{i}" for i in range(1, 7)]
    assert list(p["name"]) == ["Aldorf", "Belville", "Cestown", "Dorbourg", "Eastham", "Fernland"]
    assert p["country"].fillna("-").tolist() == ["DEU", "FRA", "DEU", "FRA", "-", "FRA"]
    assert p["level"].tolist() == ["municipality"] * 5 + ["province"]
    assert (p.loc["Q9900001", "lat"], p.loc["Q9900001", "lon"]) == (50.5, 11.5)  # WKT is Point(lon lat)
    assert p.loc["Q9900005", "lon"] == -1.5 and pd.isna(p.loc["Q9900006", "lat"])
    assert p.loc["Q9900006", "population"] == 1_000_000.0 and pd.isna(p.loc["Q9900005", "population"])


def test_statement_in_two_partitions_collapses(tmp_path: Path) -> None:
    """A subject with two countries comes back in two partitions: one statement, rows counted twice."""
    doc = json.loads((FIXTURES / "p190-none-00000.json").read_text())
    (tmp_path / "none-00000.json").write_text(json.dumps(doc))
    doc["twingraph"] = {"partition": "Q999", "fetched": "2026-05-01T12:00:00Z"}
    (tmp_path / "Q999-00000.json").write_text(json.dumps(doc))
    d = parse_sparql_pages(sorted(tmp_path.glob("*.json")))
    assert (d.rows_read, d.rows_loaded, len(d.spells)) == (2, 2, 1)
    assert d.spells["n_rows"].tolist() == [1] and d.notes["statements_in_several_partitions"] == 1
    assert d.observed == pd.Timestamp("2026-05-01")


def _statement(sid: str, subject: str, obj: str, rank: str, start: tuple[str, str] | None, end: tuple[str, str] | None) -> Statement:
    st_ = Statement(sid, subject, obj, rank)
    if start:
        st_.add_date("start", pd.Timestamp(start[0]), start[1], "P580")
    if end:
        st_.add_date("end", pd.Timestamp(end[0]), end[1], "P582")
    return st_


def test_retwinning_splits_into_spells_and_deprecated_comes_first() -> None:
    counts: Counter[str] = Counter()
    conflicts: list[dict[str, object]] = []
    stmts = [
        _statement("A$1", "QA", "QB", "normal", ("1960-01-01", "year"), ("1990-01-01", "year")),
        _statement("B$1", "QB", "QA", "normal", ("1960-01-01", "year"), None),
        _statement("A$2", "QA", "QB", "preferred", ("2000-05-01", "month"), None),
        _statement("A$3", "QA", "QB", "deprecated", None, None),
    ]
    recs = wl.merge_statements("QA", "QB", stmts, "t", counts, conflicts)
    assert [(r["spell"], r["rank"], r["directions"], r["n_rows"]) for r in recs] == [
        (0, "deprecated", "a->b", 1), (1, "normal", "both", 2), (2, "preferred", "a->b", 1)]
    assert (recs[1]["start"], recs[1]["end"], recs[1]["end_status"]) == (pd.Timestamp("1960-01-01"), pd.Timestamp("1990-01-01"), "terminated")
    assert (recs[2]["start"], recs[2]["start_precision"], recs[2]["end_status"]) == (pd.Timestamp("2000-05-01"), "month", None)
    assert conflicts == [] and counts["one_sided_end"] == 1


def test_end_before_start_is_dropped_and_reported() -> None:
    counts: Counter[str] = Counter()
    conflicts: list[dict[str, object]] = []
    stmts = [_statement("A$1", "QA", "QB", "normal", ("1990-05-10", "day"), ("1980-01-01", "year"))]
    [r] = wl.merge_statements("QA", "QB", stmts, "t", counts, conflicts)
    assert pd.isna(r["end"]) and r["conflict"] and r["end_status"] == "terminated"
    assert conflicts[0]["field"] == "end<start" and counts["end_before_start"] == 1
    # an end coarser than, and overlapping, the start coarsens the start instead
    stmts = [_statement("A$1", "QA", "QB", "normal", ("1990-05-10", "day"), ("1990-01-01", "year"))]
    [r] = wl.merge_statements("QA", "QB", stmts, "t", counts, conflicts)
    assert (r["start"], r["start_precision"], r["end"], r["conflict"]) == (pd.Timestamp("1990-01-01"), "year", pd.Timestamp("1990-01-01"), False)


_precisions = st.sampled_from(["day", "month", "year"])
_dates = st.tuples(st.dates(min_value=pd.Timestamp("1950-01-01").date(), max_value=pd.Timestamp("2025-12-31").date()), _precisions)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from(["normal", "preferred", "deprecated"]),
                          st.none() | _dates, st.none() | _dates), min_size=1, max_size=6))
def test_merge_invariants(rows: list[Any]) -> None:
    """Any statements of one pair: every statement lands in exactly one spell; spells are valid."""
    stmts = []
    for i, (forward, rank, start, end) in enumerate(rows):
        s = Statement(f"S${i}", "QA" if forward else "QB", "QB" if forward else "QA", rank)
        for which, val, prop in (("start", start, "P580"), ("end", end, "P582")):
            if val:
                ts, prec = wikidata_time(val[0].isoformat(), {"day": 11, "month": 10, "year": 9}[val[1]])
                s.add_date(which, ts, prec, prop)
        stmts.append(s)
    counts: Counter[str] = Counter()
    conflicts: list[dict[str, object]] = []
    recs = wl.merge_statements("QA", "QB", stmts, "t", counts, conflicts)
    assert sum(int(r["n_rows"]) for r in recs) == len(stmts)  # type: ignore[call-overload]
    refs = [sid for r in recs for sid in str(r["reference"]).split(";")]
    assert sorted(refs) == sorted(s.sid for s in stmts)
    assert [r["spell"] for r in recs] == list(range(len(recs)))
    for r in recs:
        if pd.notna(r["start"]) and pd.notna(r["end"]):
            assert r["end"] >= r["start"]
        assert (r["rank"] == "deprecated") == all(s.rank == "deprecated" for s in stmts if s.sid in str(r["reference"]).split(";"))
        assert (r["end_status"] is not None) == any(s.ends for s in stmts if s.sid in str(r["reference"]).split(";"))
    assert bool(conflicts) == any(bool(r["conflict"]) for r in recs)
    # deprecated spells come first, so the last spell is non-deprecated whenever one exists
    if any(s.rank != "deprecated" for s in stmts):
        assert recs[-1]["rank"] != "deprecated"


# --------------------------------------------------------------------------- HTTP: faults, resume

def test_client_recovers_from_every_fault(wdqs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    faults = {"Q183-0": [("status", 429, {"Retry-After": "7"}), ("status", 500), ("stall", 3.0),
                         ("truncate",), ("cut",), ("drop",)]}
    server = wdqs(faults, gzip_keys={"Q142-0"})
    sleeps: list[float] = []
    client = make_client(server.url, tmp_path, sleeps, max_retries=6, timeout=1.5)
    paths = fetch_p190(client, page_size=PAGE_SIZE, progress=False)

    # the 429's Retry-After is obeyed as given; the rest back off 0.5 * 2**(k-1)
    assert sleeps == [7.0, 1.0, 2.0, 4.0, 8.0, 16.0]
    problems = [str(f["problem"]) for f in client.failures]
    assert problems[0] == "HTTP 429" and problems[1] == "HTTP 500"
    assert "timed out" in problems[2]
    assert problems[3].startswith("IncompleteRead")
    assert problems[4].startswith("invalid response")
    assert "RemoteDisconnected" in problems[5]
    assert server.keys() == ["countries"] + ["Q183-0"] * 7 + ["Q183-1", "Q142-0", "Q142-1", "none-0"]
    assert {ua for _, ua, _ in server.log} == {UA}
    assert client.requests == 12

    assert [p.name for p in paths] == ["Q183-00000.json", "Q183-00001.json", "Q142-00000.json", "Q142-00001.json", "none-00000.json"]
    d = parse_sparql_pages(paths)
    ref = parse_sparql_pages(fixture_pages())
    assert (d.rows_read, d.rows_loaded, d.notes["statements"]) == (ref.rows_read, ref.rows_loaded, ref.notes["statements"])
    cols = [c for c in ref.spells.columns if c != "source"]
    pd.testing.assert_frame_equal(d.spells[cols], ref.spells[cols])
    assert d.observed is not None and d.observed.normalize() == pd.Timestamp.now("UTC").tz_convert(None).normalize()


def test_retry_after_http_date_and_missing_header(wdqs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    now = 1_800_000_000.0
    faults = {"countries": [("status", 503, {"Retry-After": email.utils.formatdate(now + 30, usegmt=True)}),
                            ("status", 429), ("status", 502)]}
    server = wdqs(faults)
    sleeps: list[float] = []
    client = make_client(server.url, tmp_path, sleeps, clock=lambda: now, wait_429=60.0)
    assert wl.fetch_countries(client) == ["Q183", "Q142"]
    assert sleeps == [pytest.approx(30.0), 60.0, 2.0]  # HTTP-date; 429 without header; plain backoff
    assert server.keys() == ["countries"] * 4
    # cached now: no more requests
    assert wl.fetch_countries(client) == ["Q183", "Q142"] and len(server.log) == 4


def test_non_retryable_status_fails_at_once(wdqs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = wdqs({"Q142-0": [("status", 400)]})
    sleeps: list[float] = []
    client = make_client(server.url, tmp_path, sleeps)
    with pytest.raises(WikidataFetchError) as err:
        fetch_p190(client, countries=["Q142"], page_size=PAGE_SIZE, progress=False)
    assert (err.value.status, err.value.partition, err.value.page, err.value.attempts) == (400, "Q142", 0, 1)
    assert "partition Q142 page 0" in str(err.value) and sleeps == []


def test_resume_after_retries_exhausted(wdqs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = wdqs({"Q183-1": [("always", ("status", 503))]})
    sleeps: list[float] = []
    client = make_client(server.url, tmp_path, sleeps, max_retries=2)
    with pytest.raises(WikidataFetchError) as err:
        fetch_p190(client, page_size=PAGE_SIZE, progress=False)
    assert (err.value.partition, err.value.page, err.value.attempts, err.value.status) == ("Q183", 1, 3, 503)
    assert "partition Q183 page 1" in str(err.value) and "gave up after 3 attempts" in str(err.value)
    assert server.keys() == ["countries", "Q183-0", "Q183-1", "Q183-1", "Q183-1"]
    assert sleeps == [0.5, 1.0]
    cached = sorted(p.name for p in (tmp_path / "wikidata-live").rglob("*.json"))
    assert len(cached) == 2 and "Q183-00000.json" in cached  # the country list and page 0
    assert not list((tmp_path / "wikidata-live").rglob("*.tmp"))  # atomic writes leave no debris

    # resumed run against a healthy server: only the missing pages are requested
    healthy = wdqs()
    paths = fetch_p190(make_client(healthy.url, tmp_path, sleeps), page_size=PAGE_SIZE, progress=False)
    assert healthy.keys() == ["Q183-1", "Q142-0", "Q142-1", "none-0"]
    d = parse_sparql_pages(paths)
    assert (d.rows_read, d.rows_loaded, d.rows_rejected, len(d.spells)) == (12, 9, 3, 6)
    # a third run is served from the cache alone
    again = wdqs()
    assert fetch_p190(make_client(again.url, tmp_path, sleeps), page_size=PAGE_SIZE, progress=False) == paths
    assert again.log == []


def test_resume_after_server_dies(wdqs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The server vanishes while page 1 is being retried: connection refused until we give up."""
    server = wdqs({"Q183-1": [("status", 503)]})
    sleeps: list[float] = []

    def sleep_and_kill(seconds: float) -> None:
        sleeps.append(seconds)
        server.stop()

    client = WikidataClient(endpoint=server.url, user_agent=UA, cache_dir=tmp_path, max_retries=3, backoff=0.5,
                            timeout=2.0, pause=0.0, sleep=sleep_and_kill)
    with pytest.raises(WikidataFetchError) as err:
        fetch_p190(client, countries=["Q183", "Q142", "none"], page_size=PAGE_SIZE, progress=False)
    assert (err.value.partition, err.value.page) == ("Q183", 1)
    assert server.keys() == ["Q183-0", "Q183-1"] and len(sleeps) == 3
    assert all("URLError" in str(f["problem"]) or "Connection" in str(f["problem"]) for f in client.failures[1:])

    healthy = wdqs()
    paths = fetch_p190(make_client(healthy.url, tmp_path, []), countries=["Q183", "Q142", "none"],
                       page_size=PAGE_SIZE, progress=False)
    assert healthy.keys() == ["Q183-1", "Q142-0", "Q142-1", "none-0"] and len(paths) == 5


def test_corrupt_cached_page_is_refetched(wdqs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = wdqs()
    client = make_client(server.url, tmp_path, [])
    paths = fetch_p190(client, countries=["none"], page_size=PAGE_SIZE, progress=False)
    paths[0].write_text('{"head": {"vars": []}, "results": {"bindi')  # e.g. a disk filled up mid-copy
    fetch_p190(client, countries=["none"], page_size=PAGE_SIZE, progress=False)
    assert server.keys() == ["none-0", "none-0"]
    assert json.loads(paths[0].read_text())["twingraph"]["partition"] == "none"


def test_load_wikidata_live_from_cache(wdqs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FileNotFoundError):
        load_wikidata_live(tmp_path, page_size=PAGE_SIZE, fetch=False)
    server = wdqs()
    d = load_wikidata_live(tmp_path, client=make_client(server.url, tmp_path, []), page_size=PAGE_SIZE, progress=False)
    offline = load_wikidata_live(tmp_path, page_size=PAGE_SIZE, fetch=False)
    assert d.source == offline.source == "wikidata-live"
    assert (offline.rows_read, offline.rows_loaded, len(offline.spells), len(offline.places)) == (12, 9, 6, 6)
    assert len(server.log) == 6  # countries + five pages, once


def test_cli_fetch_then_info(wdqs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    """`twingraph fetch wikidata-live` against the local server, then `info wikidata-live` offline."""
    import json

    from twingraph.cli import main

    server = wdqs({"Q183-1": [("status", 429, {"Retry-After": "0"})]})
    monkeypatch.setenv("TWINGRAPH_DATA_DIR", str(tmp_path))
    assert main(["fetch", "wikidata-live", "--endpoint", server.url, "--page-size", str(PAGE_SIZE), "--quiet"]) == 0
    assert "5 pages cached" in capsys.readouterr().out
    server.stop()
    assert main(["info", "wikidata-live", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["rows_read"], out["rows_loaded"], out["rows_rejected"], out["n_spells"]) == (12, 9, 3, 6)
