"""The wikidata-eu-2017 loader: row accounting on the real files, homonyms split by coordinates,
partners with several countries, the registry entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twingraph import datasets
from twingraph.loaders.wikidata_eu import COLUMNS, OBSERVED, load_wikidata_eu

HEADER = "\t".join(COLUMNS)


def _write(tmp_path: Path, name: str, rows: list[str]) -> Path:
    p = tmp_path / name
    p.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return p


def test_small_files_homonyms_countries_and_directions(tmp_path: Path) -> None:
    de = _write(tmp_path, "germany.tsv", [
        # two Naumburgs 170 km apart: two places
        "Naumburg\tGermany\t51.15\t11.8167\t32756\tAix-en-Provence\t43.5263\t5.4454\t142668\tFrance\t1020\tEU",
        "Naumburg\tGermany\t51.25\t9.1667\t5085\tOlbersdorf\t50.87\t14.77\t\tGermany\t392\tEU",
        # stated twice (once from each file: below) -> one tie, directions both
        "Weimar\tGermany\t50.98\t11.33\t65000\tBlois\t47.59\t1.33\t46000\tFrance\t960\tEU",
        # a partner with two countries: Morocco (2 rows) beats Western Sahara (1 row)
        "Weimar\tGermany\t50.98\t11.33\t65000\tBoujdour\t26.13\t-14.48\t\tMorocco\t3000\tNon-EU",
        "Weimar\tGermany\t50.98\t11.33\t65000\tBoujdour\t26.13\t-14.48\t\tWestern Sahara\t3000\tNon-EU",
        "Erfurt\tGermany\t50.98\t11.03\t\tBoujdour\t26.13\t-14.48\t\tMorocco\t3000\tNon-EU",
        "Erfurt\tGermany\t50.98\t11.03\t\tNowhere\t1.0\t1.0\t\tt431584180\t3000\tNon-EU",
        "Erfurt\tGermany\t50.98\t11.03\t\ttoo few fields",
    ])
    fr = _write(tmp_path, "france.tsv", [
        "Blois\tFrance\t47.59\t1.33\t46100\tWeimar\t50.98\t11.33\t65000\tGermany\t960\tEU",
    ])
    d = load_wikidata_eu(de, fr, tmp_path / "queries" / "germany.sparql")
    assert d.observed == OBSERVED
    assert d.rows_read == 9 and d.rows_loaded == 6 and d.spells["tie_id"].nunique() == 5
    assert d.rejected_by_reason() == {"second-country": 1, "unknown-country": 1, "wrong-field-count": 1}
    ids = set(d.places["place_id"])
    assert {"eu17:DEU:Naumburg@51.15,11.82", "eu17:DEU:Naumburg@51.25,9.17"} <= ids
    assert "eu17:MAR:Boujdour" in ids and "eu17:ESH:Boujdour" not in ids
    blois = d.spells[d.spells["tie_id"] == "eu17:DEU:Weimar|eu17:FRA:Blois"]
    assert blois["directions"].tolist() == ["both"] and blois["n_rows"].tolist() == [2]
    assert blois["reference"].iloc[0] == "france.tsv:2;germany.tsv:4"
    pop = d.places.set_index("place_id").loc["eu17:FRA:Blois", "population"]
    assert pop == 46100  # the largest value given


def test_real_files_reconcile(shared_data: Path) -> None:
    from twingraph import load

    d = load("wikidata-eu-2017")
    assert d.rows_read == 24926 == d.rows_loaded + d.rows_rejected
    assert d.rejected_by_reason() == {"second-country": 64, "unknown-country": 5}
    assert len(d.places) == 12609 and d.spells["tie_id"].nunique() == 15916
    naumburg = d.places[d.places["name"] == "Naumburg"]
    assert len(naumburg) == 2 and naumburg["country"].tolist() == ["DEU", "DEU"]
    assert d.notes["ties_both_sides"] == 8497
    assert set(d.places["country"].dropna()) >= {"FRA", "DEU", "GBR", "CHN", "USA"}


def test_registry_entry() -> None:
    ds = datasets.DATASETS["wikidata-eu-2017"]
    assert "6bb5473459b9f7e16f59ecd0a2f9d76c3ccf9ce6" in ds.origin
    tsv = [f for f in ds.files if f.name.endswith(".tsv")]
    assert len(tsv) == 25 and all(f.url.endswith("/sparql/data/" + f.name) for f in tsv)
    assert sum(f.name.startswith("queries/") for f in ds.files) == 26
    assert ds.files[0].sha256 == "b0d11258a2f9fa1a9fce54ea78b896e34b7e9b1a133109a4e4cc0f6a3e259846"


def test_fetch_puts_query_files_in_their_folder(tmp_path: Path, file_server) -> None:  # type: ignore[no-untyped-def]
    base, www, _ = file_server
    src = Path(datasets.data_dir()) / "wikidata-eu-2017"
    if not src.is_dir():
        pytest.skip("no snapshot")
    (www / "queries").mkdir()
    for f in datasets.DATASETS["wikidata-eu-2017"].files:
        (www / f.name).write_bytes((src / f.name).read_bytes())
    got = datasets.fetch("wikidata-eu-2017", root=tmp_path / "cache", base_url=base, quiet=True)
    assert (tmp_path / "cache" / "wikidata-eu-2017" / "queries" / "uk.sparql") in got


_FUZZ_ROW = "Weimar\tGermany\t50.98\t11.33\t65000\tBlois\t47.59\t1.33\t46000\tFrance\t960\tEU"


@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_FUZZ_ROW) - 1), st.sampled_from(["", "\t", "x", "Q1", "-", "9e9"])),
                max_size=6), st.integers(1, 4))
def test_mutated_rows_reconcile_or_fail_in_one_line(tmp_path_factory: pytest.TempPathFactory,
                                                     edits: list[tuple[int, str]], copies: int) -> None:
    row = _FUZZ_ROW
    for pos, text in edits:
        row = row[:pos] + text + row[pos + 1:]
    path = tmp_path_factory.mktemp("fz") / "germany.tsv"
    path.write_text(HEADER + "\n" + "\n".join([row, _FUZZ_ROW] * copies) + "\n", encoding="utf-8")
    d = load_wikidata_eu(path)  # validate() inside: a ContractError would fail the test
    assert d.rows_read == 2 * copies == d.rows_loaded + d.rows_rejected
