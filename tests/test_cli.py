"""The command line: JSON keys, row accounting, exports Gephi can read, one-line user errors."""

import json
import subprocess
import sys

import networkx as nx
import pytest

from twingraph.cli import main

INFO_KEYS = {"rows_read", "rows_loaded", "rows_rejected", "rejected_by_reason", "n_places", "n_ties",
             "n_spells", "n_countries", "dated_share", "n_ended", "n_components"}


def run_json(capsys, *argv):
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("name", ["wikipedia-lists-2026", "wikidata-crawl-2016"])
def test_info_json_reconciles(shared_data, capsys, name):
    out = run_json(capsys, "info", name, "--json")
    assert INFO_KEYS <= set(out)
    assert out["rows_read"] == out["rows_loaded"] + out["rows_rejected"]
    assert sum(out["rejected_by_reason"].values()) == out["rows_rejected"]


def test_info_wikipedia_numbers(shared_data, capsys):
    out = run_json(capsys, "info", "wikipedia-lists-2026", "--json")
    assert out["n_places"] == 17_212 and out["n_ties"] == 24_858 and out["n_countries"] == 203
    assert out["dated_share"] == 0.0 and out["n_ended"] == 0


def test_info_crawl_is_one_component(shared_data, capsys):
    out = run_json(capsys, "info", "wikidata-crawl-2016", "--json")
    assert out["n_components"] == 1  # crawled outwards from Weimar
    assert out["n_ties"] == 17_401


def test_info_text_and_rejection_report(tmp_path, capsys):
    f = tmp_path / "out.toy"
    f.write_text("% sym unweighted\n1 2\n2 2\n")
    rej = tmp_path / "rej.csv"
    assert main(["info", str(f), "--rejections", str(rej)]) == 0
    text = capsys.readouterr().out
    assert "rows read         2" in text and "self-loop" in text
    assert "self-loop" in rej.read_text()


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_readable(tmp_path, fmt, capsys):
    f = tmp_path / "out.toy"
    f.write_text("% sym unweighted\n1 2\n2 3\n")
    out = tmp_path / f"g.{fmt}"
    assert main(["export", str(f), "--format", fmt, "--out", str(out)]) == 0
    G = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert G.number_of_nodes() == 3 and G.number_of_edges() == 2


def test_export_csv_and_edgelist(tmp_path):
    f = tmp_path / "out.toy"
    f.write_text("% sym unweighted\n1 2\n2 3\n1 2\n")
    assert main(["export", str(f), "--format", "csv", "--out", str(tmp_path / "csv")]) == 0
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["events.csv", "places.csv", "rejections.csv", "spells.csv"]
    assert main(["export", str(f), "--format", "edgelist", "--out", str(tmp_path / "e.txt")]) == 0
    assert (tmp_path / "e.txt").read_text().splitlines() == ["konect:1\tkonect:2\t1", "konect:2\tkonect:3\t1"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["info", "no-such-dataset"], "not a dataset name"),
        (["info", "/no/such/file.csv"], "no such file"),
        (["fetch", "nope"], "unknown dataset"),
    ],
)
def test_user_errors_one_line(argv, message):
    proc = subprocess.run([sys.executable, "-m", "twingraph.cli", *argv], capture_output=True, text=True)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("twingraph: error:") and message in lines[0]
    assert "Traceback" not in proc.stderr


def test_malformed_file_one_line(tmp_path):
    f = tmp_path / "out.bad"
    f.write_text("% bip unweighted\n1 2\n")
    proc = subprocess.run([sys.executable, "-m", "twingraph.cli", "info", str(f)], capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "bipartite" in proc.stderr


def test_missing_dataset_file_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("TWINGRAPH_DATA_DIR", str(tmp_path))
    proc = subprocess.run([sys.executable, "-m", "twingraph.cli", "info", "wikipedia-lists-2026"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "twingraph fetch wikipedia-lists-2026" in proc.stderr
    assert proc.stderr.count("\n") == 1
