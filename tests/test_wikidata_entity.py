"""Wikidata entity JSON loader and fetcher -- fixtures and a scripted 127.0.0.1 server.

The documents in tests/fixtures/wikidata/entities/ are synthetic Special:EntityData documents for
made-up items Q9900001..Q9900004 (plus a cause item and a minimal country document); the expected
values are worked out by hand from them.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import country_converter as coco
import pandas as pd
import pytest

from twingraph.loaders.wikidata_entity import entity_cache_path, fetch_entities, load_entity_json
from twingraph.loaders.wikidata_live import COUNTRY_ISO3, WikidataClient, WikidataFetchError
from twingraph.tables import validate

FIXTURES = Path(__file__).parent / "fixtures" / "wikidata" / "entities"
UA = "twingraph-tests/1.0 (https://example.org/tests; tests@example.org) python-urllib"


def docs() -> list[Path]:
    return sorted(FIXTURES.glob("*.json"))


def test_load_entity_fixtures() -> None:
    d = load_entity_json(docs())
    validate(d)
    # 9 P190 claims: a "no value" claim, a self-tie and month 13 rejected
    assert (d.rows_read, d.rows_loaded, d.rows_rejected) == (9, 6, 3)
    rej = {r.reason: (Path(r.file).name, r.line) for r in d.rejections.itertuples()}
    assert rej == {"missing-qid": ("Q9900001.json", 3), "self-tie": ("Q9900001.json", 4), "bad-date": ("Q9900004.json", 2)}
    s = d.spells.set_index("tie_id")
    assert list(s.index) == ["wd:Q9900001|Q9900002", "wd:Q9900001|Q9900005", "wd:Q9900003|Q9900004", "wd:Q9900003|Q9900006"]

    t = s.loc["wd:Q9900001|Q9900002"]  # +1957-10-02 (day) and +1957-00-00 (year) agree
    assert (t.directions, t.n_rows, t.conflict, t.start, t.start_precision) == ("both", 2, False, pd.Timestamp("1957-10-02"), "day")

    t = s.loc["wd:Q9900003|Q9900004"]  # 1965-05 vs 1966: conflict kept visible
    assert (t.directions, t.conflict, t.start, t.start_precision) == ("both", True, pd.Timestamp("1965-05-01"), "month")
    assert (t.end, t.end_status, t.end_cause) == (pd.Timestamp("2022-03-01"), "suspended", "Q9900100")  # label from Q9900100.json
    [c] = d.notes["date_conflicts"]
    assert [(v["date"], v["statement"]) for v in c["values"]] == [
        ("1965-05", "Q9900003$1A2B3C4D-0003-4000-8000-000000000003"), ("1966", "Q9900004$1A2B3C4D-0004-4000-8000-000000000004")]

    t = s.loc["wd:Q9900001|Q9900005"]
    assert (t["rank"], t.start, t.start_precision) == ("deprecated", pd.Timestamp("1990-01-01"), "year")

    t = s.loc["wd:Q9900003|Q9900006"]  # P580 "unknown value" + P585 2001-06
    assert (t.start, t.start_precision) == (pd.Timestamp("2001-06-01"), "month")
    assert d.notes["unknown_value_dates"] == 1 and d.notes["point_in_time_as_start"] == 1


def test_entity_places() -> None:
    p = load_entity_json(docs()).places.set_index("place_id")
    assert list(p.index) == [f"Q990000{i}" for i in range(1, 7)]  # countries and the cause are no places
    assert p["name"].tolist() == ["Aldorf", "Belville", "Cestown", "Dorbourg", "Q9900005", "Q9900006"]
    # DEU/FRA from the built-in map, UGA from the Q1036 document's P298, partners without documents: None
    assert p["country"].fillna("-").tolist() == ["DEU", "FRA", "DEU", "UGA", "-", "-"]
    assert p["level"].tolist() == ["municipality"] * 4 + ["unknown"] * 2
    assert p.loc["Q9900001", "population"] == 12345.0  # the preferred P1082 beats the normal one
    assert (p.loc["Q9900001", "lat"], p.loc["Q9900001", "lon"]) == (50.5, 11.5)
    # without the country document Dorbourg's country is unknown
    q = load_entity_json([x for x in docs() if x.name != "Q1036.json"]).places.set_index("place_id")
    assert pd.isna(q.loc["Q9900004", "country"])


def test_entity_dicts_redirects_and_duplicates() -> None:
    as_dicts = [json.loads(p.read_text()) for p in docs()]
    d = load_entity_json(as_dicts)
    assert (d.rows_read, d.rows_loaded, len(d.spells)) == (9, 6, 4)
    assert set(d.rejections["file"]) == {"<doc 2>", "<doc 5>"}  # Q9900001.json, Q9900004.json in sorted order
    # Q9900007.json is a redirect to Q9900003: a second copy, whose claims are rejected, not doubled
    d = load_entity_json(docs() + [FIXTURES / "redirect" / "Q9900007.json"])
    assert d.notes["redirects"] == {"Q9900007": "Q9900003"}
    assert (d.rows_read, d.rows_loaded) == (11, 6)
    assert d.rejected_by_reason() == {"bad-date": 1, "duplicate-entity": 2, "missing-qid": 1, "self-tie": 1}
    assert d.spells["n_rows"].sum() == 6


def test_missing_entity_is_skipped() -> None:
    doc = {"entities": {"Q9900999": {"id": "Q9900999", "missing": ""}}}
    d = load_entity_json([doc, json.loads((FIXTURES / "Q9900002.json").read_text())])
    assert d.notes["missing_entities"] == 1 and (d.rows_read, len(d.spells)) == (1, 1)
    assert d.spells["directions"].tolist() == ["b->a"]  # only Belville states it: Q9900001 < Q9900002


def test_builtin_country_map_is_real_iso3() -> None:
    """Every fallback code is an ISO 3166-1 alpha-3 code in country_converter's country table."""
    codes = list(COUNTRY_ISO3.values())
    assert len(set(COUNTRY_ISO3)) == len(codes) == len(set(codes))
    # read the table directly: keep_default_na=False, or Namibia's ISO2 "NA" turns into NaN
    table = pd.read_csv(Path(coco.__file__).parent / "country_data.tsv", sep="\t", keep_default_na=False)
    assert set(codes) <= set(table["ISO3"])
    for qid, iso in {"Q183": "DEU", "Q142": "FRA", "Q145": "GBR", "Q30": "USA", "Q159": "RUS", "Q148": "CHN",
                     "Q17": "JPN", "Q213": "CZE", "Q38": "ITA", "Q29": "ESP", "Q43": "TUR", "Q219": "BGR",
                     "Q212": "UKR", "Q16": "CAN", "Q865": "TWN"}.items():
        assert COUNTRY_ISO3[qid] == iso


# --------------------------------------------------------------------------- fetching

class EntityServer:
    """Serves ``/wiki/Special:EntityData/<QID>.json`` from the fixtures; ``faults[qid]`` = statuses first."""

    def __init__(self, faults: dict[str, list[int]] | None = None) -> None:
        self.faults = {k: list(v) for k, v in (faults or {}).items()}
        self.log: list[tuple[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                m = re.match(r"^/wiki/Special:EntityData/(Q\d+)\.json$", self.path)
                qid = m.group(1) if m else "?"
                owner.log.append((qid, self.headers.get("User-Agent", "")))
                queue = owner.faults.get(qid, [])
                path = FIXTURES / f"{qid}.json"
                status = queue.pop(0) if queue else (200 if path.exists() else 404)
                body = path.read_bytes() if status == 200 else b"{}"
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "3")
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.template = f"http://127.0.0.1:{self.server.server_address[1]}/wiki/Special:EntityData/{{qid}}.json"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def entity_server():  # type: ignore[no-untyped-def]
    servers: list[EntityServer] = []

    def start(faults: dict[str, list[int]] | None = None) -> EntityServer:
        servers.append(EntityServer(faults))
        return servers[-1]

    yield start
    for s in servers:
        s.stop()


def client_for(server: EntityServer, cache: Path, sleeps: list[float]) -> WikidataClient:
    return WikidataClient(user_agent=UA, cache_dir=cache, max_retries=3, backoff=0.25, timeout=5.0, pause=0.0,
                          sleep=sleeps.append, entity_url=server.template)


def test_fetch_entities_retries_caches_and_loads(entity_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = entity_server({"Q9900001": [429, 503], "Q9900003": [500]})
    sleeps: list[float] = []
    qids = ["Q9900001", "Q9900002", "Q9900003", "Q9900004", "Q9900100"]
    paths = fetch_entities(client_for(server, tmp_path, sleeps), qids)
    assert paths == [entity_cache_path(tmp_path, q) for q in qids]
    assert sleeps == [3.0, 0.5, 0.25]  # Retry-After 3; then backoff 0.25 * 2**(k-1)
    assert [q for q, _ in server.log] == ["Q9900001"] * 3 + ["Q9900002", "Q9900003", "Q9900003", "Q9900004", "Q9900100"]
    assert {ua for _, ua in server.log} == {UA}
    d = load_entity_json(paths)
    assert (d.rows_read, d.rows_loaded, len(d.spells)) == (9, 6, 4)
    assert pd.isna(d.places.set_index("place_id").loc["Q9900004", "country"])  # Q1036 was not fetched

    # everything cached: a second run sends no request; include_countries follows Dorbourg's P17 to Q1036
    server.log.clear()
    assert fetch_entities(client_for(server, tmp_path, sleeps), qids) == paths and server.log == []
    more = fetch_entities(client_for(server, tmp_path, sleeps), ["Q9900004"], include_countries=True)
    assert [p.name for p in more] == ["Q9900004.json", "Q1036.json"] and [q for q, _ in server.log] == ["Q1036"]
    assert load_entity_json(paths + more[1:]).places.set_index("place_id").loc["Q9900004", "country"] == "UGA"


def test_fetch_entities_failure_names_the_item(entity_server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server = entity_server({"Q9900002": [503] * 10})
    sleeps: list[float] = []
    with pytest.raises(WikidataFetchError) as err:
        fetch_entities(client_for(server, tmp_path, sleeps), ["Q9900001", "Q9900002"])
    assert "entity Q9900002" in str(err.value) and err.value.partition == "Q9900002" and err.value.attempts == 4
    assert len(sleeps) == 3 and entity_cache_path(tmp_path, "Q9900001").exists()
    with pytest.raises(WikidataFetchError) as err:  # 404: not retried
        fetch_entities(client_for(server, tmp_path, sleeps), ["Q9900555"])
    assert err.value.status == 404 and err.value.attempts == 1
    with pytest.raises(ValueError):
        fetch_entities(client_for(server, tmp_path, sleeps), ["Berlin"])
