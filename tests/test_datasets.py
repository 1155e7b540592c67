"""Dataset registry: hash-checked fetch from an origin, verification, clear errors."""

import shutil

import pytest

from twingraph import datasets
from twingraph.datasets import DatasetError, fetch, path


def _serve_crawl(shared_data, www):
    (www / "relations.tsv").write_bytes((shared_data / "wikidata-crawl-2016" / "relations.tsv").read_bytes())
    (www / "names.tsv").write_bytes((shared_data / "wikidata-crawl-2016" / "names.tsv").read_bytes())


def test_fetch_from_origin_then_cached(shared_data, file_server, tmp_path):
    base, www, hits = file_server
    _serve_crawl(shared_data, www)
    root = tmp_path / "cache"
    got = fetch("wikidata-crawl-2016", root=root, base_url=base)
    assert [p.name for p in got] == ["relations.tsv", "names.tsv"]
    assert len(hits) == 2
    assert path("wikidata-crawl-2016", "relations.tsv", root=root).is_file()
    fetch("wikidata-crawl-2016", root=root, base_url=base)
    assert len(hits) == 2  # verified by hash, not downloaded again


def test_corrupted_file_detected_and_refetched(shared_data, file_server, tmp_path):
    base, www, hits = file_server
    _serve_crawl(shared_data, www)
    root = tmp_path / "cache"
    fetch("wikidata-crawl-2016", root=root, base_url=base)
    local = root / "wikidata-crawl-2016" / "relations.tsv"
    local.write_bytes(local.read_bytes()[:1000])  # a partial download
    with pytest.raises(DatasetError, match="corrupted or incomplete"):
        path("wikidata-crawl-2016", "relations.tsv", root=root)
    fetch("wikidata-crawl-2016", root=root, base_url=base)
    assert hits.count("/relations.tsv") == 2
    assert datasets.sha256(local) == datasets.DATASETS["wikidata-crawl-2016"].files[0].sha256


def test_origin_serving_wrong_bytes_is_an_error(file_server, tmp_path):
    base, www, _ = file_server
    (www / "relations.tsv").write_text("Q1\tQ2\n")
    (www / "names.tsv").write_text("Q1\tA\n")
    with pytest.raises(DatasetError, match="hash check"):
        fetch("wikidata-crawl-2016", root=tmp_path, base_url=base)


def test_offline_is_reported(tmp_path):
    with pytest.raises(DatasetError, match="could not download"):
        fetch("wikidata-crawl-2016", root=tmp_path, base_url="http://127.0.0.1:9")


def test_missing_and_unknown(tmp_path):
    with pytest.raises(DatasetError, match="twingraph fetch wikipedia-lists-2026"):
        path("wikipedia-lists-2026", "twin_cities_raw.csv", root=tmp_path)
    with pytest.raises(DatasetError, match="unknown dataset"):
        fetch("nope", root=tmp_path)


def test_read_only_snapshot_dir_works(shared_data, tmp_path, monkeypatch):
    ro = tmp_path / "ro"
    shutil.copytree(shared_data / "wikidata-crawl-2016", ro / "wikidata-crawl-2016")
    for p in (ro / "wikidata-crawl-2016").iterdir():
        p.chmod(0o444)
    monkeypatch.setenv("TWINGRAPH_DATA_DIR", str(ro))
    assert datasets.data_dir() == ro
    assert path("wikidata-crawl-2016", "names.tsv").parent == ro / "wikidata-crawl-2016"
    from twingraph import load

    assert len(load("wikidata-crawl-2016").spells) == 17_401


def test_manifest_hashes_match_shared_snapshots(shared_data):
    for ds in datasets.DATASETS.values():
        for f in ds.files:
            assert datasets.sha256(shared_data / ds.name / f.name) == f.sha256
