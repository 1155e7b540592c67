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


STATS_KEYS = {"n_nodes", "n_edges", "n_components", "lcc_size", "wedges", "triangles", "max_degree", "mean_degree",
              "transitivity", "avg_local_clustering", "degree_assortativity", "gini", "powerlaw_exponent_konect",
              "powerlaw_alpha_mle", "powerlaw_xmin", "diameter", "mean_distance", "median_distance",
              "effective_diameter_50", "effective_diameter_90"}


def test_stats_json_on_a_konect_file(tmp_path, capsys):
    """Triangle 1-2-3 with a tail 3-4, plus an isolated node 5 (from the size line)."""
    f = tmp_path / "out.toy"
    f.write_text("% sym unweighted\n% 4 5 5\n1 2\n2 3\n3 1\n3 4\n")
    out = run_json(capsys, "stats", str(f), "--json")
    assert set(out) == STATS_KEYS
    assert (out["n_nodes"], out["n_edges"], out["n_components"], out["lcc_size"]) == (5, 4, 2, 4)
    assert out["wedges"] == 1 + 1 + 3 + 0  # sum of d(d-1)/2 over degrees 2, 2, 3, 1, 0
    assert out["triangles"] == 1 and out["max_degree"] == 3
    assert out["mean_degree"] == pytest.approx(8 / 5)
    assert out["transitivity"] == pytest.approx(3 * 1 / 5)
    assert out["diameter"] == 2


def test_rank_names_the_hub(tmp_path, capsys):
    f = tmp_path / "out.star"
    (tmp_path / "ent.star.city.name").write_text("Hub\nA\nB\nC\n")
    f.write_text("% sym unweighted\n1 2\n1 3\n1 4\n")
    assert main(["rank", str(f), "--by", "betweenness", "--top", "2", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["name"] == "Hub" and rows[0]["score"] == pytest.approx(3.0)


def test_validate_survival_json_keys(capsys):
    out = run_json(capsys, "validate-survival", "--replicates", "2", "--seed", "1", "--jobs", "1", "--json")
    assert {"replicates", "hazard_ratio_true", "hazard_ratio_mean", "bias", "coverage_95"} <= set(out)
    assert out["replicates"] == 2 and out["hazard_ratio_true"] == 2.0
    assert 1.0 < out["hazard_ratio_mean"] < 4.0


def test_validate_survival_bad_option():
    proc = subprocess.run([sys.executable, "-m", "twingraph.cli", "validate-survival", "--hazard-ratio", "-1"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.strip().startswith("twingraph: error: --hazard-ratio")


def test_reproduce_runs_scripts_in_order_and_reports_failures(tmp_path, capsys):
    exp = tmp_path / "experiments"
    exp.mkdir()
    (exp / "01_a.py").write_text("open('order.txt', 'a').write('a')\n")
    (exp / "02_b.py").write_text("open('order.txt', 'a').write('b')\nraise SystemExit(3)\n")
    (exp / "03_c.py").write_text("open('order.txt', 'a').write('c')\n")
    (exp / "_helper.py").write_text("raise SystemExit('helpers are not experiments')\n")
    assert main(["reproduce", "--experiments", str(exp)]) == 1
    assert (tmp_path / "order.txt").read_text() == "abc"
    assert "02_b.py" in capsys.readouterr().err


@pytest.mark.parametrize("by", ["betweenness", "degree", "pagerank", "eigenvector", "harmonic", "closeness", "core"])
def test_rank_every_choice(tmp_path, capsys, by):
    f = tmp_path / "out.path"
    f.write_text("% sym unweighted\n1 2\n2 3\n3 4\n4 5\n")
    assert main(["rank", str(f), "--by", by, "--top", "1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1
    if by == "core":  # every place of a path is in the 1-core
        assert rows[0]["score"] == 1
    else:
        assert rows[0]["place_id"] in {"konect:2", "konect:3", "konect:4"}


def _one_line_error(*argv):
    proc = subprocess.run([sys.executable, "-m", "twingraph.cli", *argv], capture_output=True, text=True)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("twingraph: error:"), proc.stderr
    return proc.stderr


def test_more_user_errors_are_one_line(tmp_path, shared_data):
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("city1,country1,city2,country2\nGöttingen,Germany,Cheltenham,England\n".encode("latin-1"))
    assert "not UTF-8" in _one_line_error("info", str(latin1))
    geo = shared_data / "wikipedia-lists-2026" / "twin_cities_geocoded.csv"
    assert "geocoded companion" in _one_line_error("info", str(geo))
    names = shared_data / "wikidata-crawl-2016" / "names.tsv"
    assert "label file" in _one_line_error("info", str(names))
    toy = tmp_path / "out.toy"
    toy.write_text("% sym unweighted\n1 2\n")
    # missing parent folders are created (as export --out does); a file in the way is one line
    assert "is not a directory" in _one_line_error("info", str(toy), "--rejections", str(toy / "dir" / "r.csv"))
    huge = tmp_path / "out.huge"
    huge.write_text("% sym unweighted\n% 1 1000000000 1000000000\n1 2\n")
    assert "not a plausible" in _one_line_error("info", str(huge))
    assert "--jobs" in _one_line_error("validate-survival", "--jobs", "0")
    assert "--page-size" in _one_line_error("fetch", "wikidata-live", "--page-size", "0")


def test_byte_order_mark_is_ignored(tmp_path, capsys):
    f = tmp_path / "pairs.csv"
    f.write_bytes("\ufeffcity1,country1,city2,country2\nCoventry,England,Dresden,Germany\n\n".encode("utf-8"))
    out = run_json(capsys, "info", str(f), "--json")
    assert (out["rows_read"], out["rows_loaded"], out["n_ties"]) == (1, 1, 1)  # the blank line is no row


def test_konect_rejects_odd_ids(tmp_path):
    from twingraph.loaders import load_konect

    f = tmp_path / "out.odd"
    f.write_text("% sym unweighted\n1_0 2\n+1 2\n1 2\n")
    d = load_konect(f)
    assert list(d.rejections["reason"]) == ["bad-node-id", "bad-node-id"]
    assert len(d.places) == 2
