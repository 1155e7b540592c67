"""Robustness of the first commands: lazy import, one-line errors, options, rejected input, KONECT ids
far beyond the data, the up-front data check of ``reproduce``, download errors, contract breaches."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from twingraph.cli import main

HEAVY = ("pandas", "numpy", "scipy", "igraph", "statsmodels", "networkx", "matplotlib", "pooch")


def _run(*argv: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess:  # type: ignore[no-untyped-def]
    return subprocess.run([sys.executable, "-m", "twingraph", *argv], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, **kw)


def _one_line_error(*argv: str, env: dict[str, str] | None = None) -> str:
    proc = _run(*argv, env=env)
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("twingraph: error:"), proc.stderr
    return proc.stderr


# ------------------------------------------------------------------------------------ import cost
def test_import_loads_no_heavy_dependency():
    code = ("import sys, twingraph; from twingraph.cli import _parser; _parser(); "
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_version_loads_no_heavy_dependency():
    code = ("import sys, runpy\nsys.argv = ['twingraph', '--version']\ntry:\n"
            "    runpy.run_module('twingraph', run_name='__main__')\nexcept SystemExit:\n    pass\n"
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.splitlines() == ["twingraph 0.1.0", "[]"]


def test_every_public_name_resolves_lazily():
    import twingraph

    for name in twingraph.__all__:
        assert getattr(twingraph, name) is not None, name
    assert set(twingraph.__all__) <= set(dir(twingraph))
    from twingraph.survival import CoxPH

    assert twingraph.CoxPH is CoxPH
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        twingraph.nope  # noqa: B018


# ------------------------------------------------------------------------------------ KONECT ids
def _konect(tmp_path: Path, body: str, name: str = "out.t") -> Path:
    f = tmp_path / name
    f.write_text(body)
    return f


def test_konect_huge_id_is_rejected_with_modest_memory(tmp_path):
    from twingraph.loaders import load_konect

    f = _konect(tmp_path, "% sym unweighted\n1 2\n2 3\n1 1000000000\n")
    tracemalloc.start()
    try:
        d = load_konect(f)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20  # before: a place per id up to 10^9 (MemoryError; 1.17 GB for 10^6)
    assert len(d.places) == 3 and d.rows_loaded == 2
    (row,) = d.rejections.itertuples()
    assert (row.line, row.reason) == (4, "id-out-of-range")
    assert "1,000,000,000" in row.detail and "3 edge rows" in row.detail


def test_konect_id_far_beyond_the_header_is_rejected(tmp_path):
    from twingraph.loaders import load_konect

    f = _konect(tmp_path, "% sym unweighted\n% 3 3\n1 2\n2 3\n1 1000000\n")
    d = load_konect(f)
    assert list(d.rejections["reason"]) == ["id-out-of-range"]
    assert "3 nodes the size line declares" in d.rejections["detail"].iloc[0]
    assert len(d.places) == 3


def test_konect_limit_is_at_the_stated_bound(tmp_path):
    """Size line n = 10: ids up to max(2n, n + 1000) = 1010 load, 1011 does not."""
    from twingraph.loaders import load_konect

    d = load_konect(_konect(tmp_path, "% sym unweighted\n% 2 10\n1 1010\n1 1011\n"))
    assert d.rows_loaded == 1 and list(d.rejections["line"]) == [4]
    assert len(d.places) == 1010


def test_konect_header_disagreement_is_reported(tmp_path, capsys):
    from twingraph.loaders import load_konect

    more_ids = load_konect(_konect(tmp_path, "% sym unweighted\n% 2 3\n1 2\n3 5\n", "out.a"))
    assert len(more_ids.places) == 5  # ids 4, 5 are beyond the declared 3 but not far: kept, reported
    assert more_ids.notes["header_mismatch"] == "size line says 3 nodes, edges name ids up to 5"
    unused = load_konect(_konect(tmp_path, "% sym unweighted\n% 1 100\n1 2\n", "out.b"))
    assert unused.notes["header_mismatch"] == "size line says 100 nodes, edges use only 2 of them"
    fine = load_konect(_konect(tmp_path, "% sym unweighted\n% 2 3\n1 2\n2 3\n", "out.c"))
    assert "header_mismatch" not in fine.notes
    assert main(["info", str(tmp_path / "out.b")]) == 0
    assert "note: header_mismatch = size line says 100 nodes, edges use only 2 of them" in capsys.readouterr().out


def test_konect_implausible_header_is_one_line(tmp_path):
    f = _konect(tmp_path, "% sym unweighted\n% 1 1000000000\n1 2\n")
    assert "declares 1,000,000,000 nodes for 1 edge rows" in _one_line_error("info", str(f))


# ----------------------------------------------------------------------------- rejected input
WIKI_HEADER = "city1,country1,city2,country2\n"


def _all_rejected(tmp_path: Path) -> Path:
    f = tmp_path / "pairs.csv"
    f.write_text(WIKI_HEADER + "".join(f"A{i},France,B{i},Germany,extra\n" for i in range(49)))
    return f


@pytest.mark.parametrize("command", [["stats"], ["rank"], ["export", "--format", "edgelist", "--out", "{tmp}/e.txt"]])
def test_nothing_loaded_is_an_error(tmp_path, command):
    f = _all_rejected(tmp_path)
    argv = [c.replace("{tmp}", str(tmp_path)) for c in command]
    err = _one_line_error(argv[0], str(f), *argv[1:])
    assert "nothing loaded: all 49 rows rejected" in err
    assert not (tmp_path / "e.txt").exists()


def test_info_reports_then_fails_when_nothing_loaded(tmp_path):
    f = _all_rejected(tmp_path)
    rej = tmp_path / "rej.csv"
    proc = _run("info", str(f), "--json", "--rejections", str(rej))
    assert proc.returncode == 2
    summary = json.loads(proc.stdout)
    assert (summary["rows_read"], summary["rows_loaded"], summary["rows_rejected"]) == (49, 0, 49)
    assert proc.stderr.count("\n") == 1 and "nothing loaded" in proc.stderr
    assert len(rej.read_text().splitlines()) == 50


def test_empty_file_is_an_error(tmp_path):
    f = _konect(tmp_path, "% sym unweighted\n")
    assert "no data rows" in _one_line_error("stats", str(f))


def test_partial_rejection_is_said_on_stderr(tmp_path, capsys):
    f = _konect(tmp_path, "% sym unweighted\n1 2\n2 3\n3 3\n4 4\nx 1\n")
    assert main(["rank", str(f), "--top", "1"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "2 of 5 rows rejected" not in err and "3 of 5 rows rejected (self-loop 2, bad-node-id 1)" in err


def test_no_rejection_no_stderr(tmp_path, capsys):
    f = _konect(tmp_path, "% sym unweighted\n1 2\n2 3\n")
    assert main(["stats", str(f), "--no-distances"]) == 0
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------------------------- options
@pytest.mark.parametrize("top", ["0", "-5", "two"])
def test_rank_top_must_be_positive(tmp_path, top):
    f = _konect(tmp_path, "% sym unweighted\n1 2\n2 3\n")
    assert "--top" in _one_line_error("rank", str(f), "--top", top)


def test_rank_top_is_applied(tmp_path, capsys):
    f = _konect(tmp_path, "% sym unweighted\n1 2\n2 3\n3 4\n")
    assert main(["rank", str(f), "--top", "3", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3


@pytest.mark.parametrize("argv", [["info", "curated", "--format", "konect"],
                                  ["stats", "wikipedia-lists-2026", "--format", "konect"],
                                  ["export", "curated", "--format", "csv", "--out", "x", "--input-format", "konect"]])
def test_format_with_a_dataset_name_is_an_error(argv):
    assert "applies to files" in _one_line_error(*argv)


@pytest.mark.parametrize("command", [["info"], ["export", "--format", "edgelist", "--out", "{tmp}/a/e.txt"]])
def test_rejections_creates_parent_folders(tmp_path, command, capsys):
    f = _konect(tmp_path, "% sym unweighted\n1 2\n2 2\n")
    target = tmp_path / "deep" / "er" / "rej.csv"
    argv = [c.replace("{tmp}", str(tmp_path)) for c in command]
    assert main([argv[0], str(f), *argv[1:], "--rejections", str(target)]) == 0
    assert "self-loop" in target.read_text()


def test_rejections_under_a_file_is_one_line(tmp_path):
    f = _konect(tmp_path, "% sym unweighted\n1 2\n")
    assert f"{f} is not a directory" in _one_line_error("info", str(f), "--rejections", str(f / "r.csv"))
    assert f"{f} is not a directory" in _one_line_error("export", str(f), "--format", "gexf", "--out", str(f / "a" / "g.gexf"))


needs_dev_full = pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")


@needs_dev_full
@pytest.mark.parametrize("argv", [["export", "--format", "graphml", "--out", "/dev/full"],
                                  ["info", "--rejections", "/dev/full"]])
def test_full_disk_is_reported(tmp_path, argv):
    f = _konect(tmp_path, "% sym unweighted\n1 2\n2 3\n")
    assert "No space left on device" in _one_line_error(argv[0], str(f), *argv[1:])


@needs_dev_full
def test_full_stdout_is_reported(tmp_path):
    f = _konect(tmp_path, "% sym unweighted\n1 2\n")
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "twingraph", "info", str(f)], stdout=full,
                              stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 2
    assert proc.stderr == "twingraph: error: cannot write output: No space left on device\n"


@needs_dev_full
def test_csv_export_onto_a_file_says_so(tmp_path):
    f = _konect(tmp_path, "% sym unweighted\n1 2\n")
    assert "is not a directory" in _one_line_error("export", str(f), "--format", "csv", "--out", "/dev/full")


# ------------------------------------------------------------------------------------- fetch
def _serve_wikipedia(shared_data: Path, www: Path) -> None:
    for name in ("twin_cities_raw.csv", "twin_cities_geocoded.csv"):
        (www / name).write_bytes((shared_data / "wikipedia-lists-2026" / name).read_bytes())


@pytest.mark.parametrize("quiet", [True, False])
def test_fetch_quiet_silences_pooch(shared_data, file_server, tmp_path, quiet):
    import pooch

    from twingraph.datasets import fetch

    url, www, _ = file_server
    _serve_wikipedia(shared_data, www)
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.getMessage())

    log, keep = pooch.get_logger(), Keep()
    level = log.level
    log.addHandler(keep)
    try:
        fetch("wikipedia-lists-2026", root=tmp_path / "cache", base_url=url, quiet=quiet)
    finally:
        log.removeHandler(keep)
    assert any(m.startswith("Downloading") for m in seen) is (not quiet)
    assert log.level == level  # restored


def test_fetch_cli_passes_quiet(monkeypatch, tmp_path):
    import twingraph.datasets

    seen = {}

    def fake_fetch(name, root=None, progress=False, base_url=None, quiet=False):  # type: ignore[no-untyped-def]
        seen.update(name=name, progress=progress, quiet=quiet)
        return []

    monkeypatch.setattr(twingraph.datasets, "fetch", fake_fetch)
    assert main(["fetch", "wikipedia-lists-2026", "--quiet", "--dir", str(tmp_path)]) == 0
    assert seen == {"name": "wikipedia-lists-2026", "progress": False, "quiet": True}


def test_download_errors_are_short(file_server, tmp_path):
    from twingraph.datasets import DatasetError, fetch

    url, _, _ = file_server  # serves nothing: 404
    with pytest.raises(DatasetError) as info:
        fetch("wikipedia-lists-2026", root=tmp_path, base_url=url, quiet=True)
    msg = str(info.value)
    assert msg.endswith(": HTTP 404 File not found") and "\n" not in msg and len(msg) < 200
    with pytest.raises(DatasetError) as info:
        fetch("wikipedia-lists-2026", root=tmp_path, base_url="http://127.0.0.1:1", quiet=True)
    msg = str(info.value)
    assert msg.endswith(": Connection refused") and len(msg) < 200


def test_fetch_does_not_hide_bugs(monkeypatch, tmp_path):
    import pooch

    from twingraph.datasets import fetch

    def broken(**kw):  # type: ignore[no-untyped-def]
        raise TypeError("a bug, not a network error")

    monkeypatch.setattr(pooch, "retrieve", broken)
    with pytest.raises(TypeError, match="a bug"):
        fetch("wikipedia-lists-2026", root=tmp_path)


def test_wikidata_live_needs_a_contact(monkeypatch):
    env = {k: v for k, v in os.environ.items() if k != "TWINGRAPH_CONTACT"}
    proc = subprocess.run([sys.executable, "-m", "twingraph", "fetch", "wikidata-live"], capture_output=True,
                          text=True, env=env)
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert "--contact" in proc.stderr and "User-Agent policy" in proc.stderr


def test_wikimedia_hosts():
    from twingraph.cli import _is_wikimedia

    assert _is_wikimedia("https://query.wikidata.org/sparql")
    assert _is_wikimedia("https://www.wikidata.org/wiki/Special:EntityData/Q1.json")
    assert not _is_wikimedia("http://127.0.0.1:8000/sparql")
    assert not _is_wikimedia("https://notwikidata.org/sparql")


def test_retries_are_reported_as_they_happen(tmp_path, capsys):
    import urllib.error

    from twingraph.cli import _report_retry
    from twingraph.loaders.wikidata_client import WikidataClient

    client = WikidataClient(endpoint="http://127.0.0.1:1/sparql", cache_dir=tmp_path, max_retries=3,
                            sleep=lambda s: None, pause=0, on_retry=_report_retry)
    calls = iter([urllib.error.URLError("refused"), TimeoutError("timed out"), b'{"results": {"bindings": []}}'])

    def fake_fetch(url, data, accept):  # type: ignore[no-untyped-def]
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        return item

    client._fetch = fake_fetch  # type: ignore[method-assign]
    assert client.sparql("SELECT 1", what="partition Q183 page 0") == {"results": {"bindings": []}}
    lines = capsys.readouterr().err.splitlines()
    assert lines == ["twingraph: partition Q183 page 0: URLError: <urlopen error refused>; retry 1/3 in 2 s",
                     "twingraph: partition Q183 page 0: TimeoutError: timed out; retry 2/3 in 4 s"]


# ----------------------------------------------------------------------------------- reproduce
def _experiments(tmp_path: Path, scripts: dict[str, str]) -> Path:
    exp = tmp_path / "experiments"
    exp.mkdir()
    for name, text in scripts.items():
        (exp / name).write_text(text)
    return exp


def test_reproduce_without_data_stops_at_once(tmp_path):
    exp = _experiments(tmp_path, {
        "01_a.py": "DATASETS = ('curated',)\nopen('ran.txt', 'a').write('a')\n",
        "02_b.py": "DATASETS = ('wikipedia-lists-2026', 'wikidata-crawl-2016')\nopen('ran.txt', 'a').write('b')\n",
    })
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = _run("reproduce", "--experiments", str(exp), env={"TWINGRAPH_DATA_DIR": str(empty)}, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1
    assert "wikipedia-lists-2026, wikidata-crawl-2016" in proc.stderr and "TWINGRAPH_DATA_DIR" in proc.stderr
    assert "`twingraph fetch wikipedia-lists-2026` and `twingraph fetch wikidata-crawl-2016`" in proc.stderr
    assert not (tmp_path / "ran.txt").exists()  # nothing ran


def test_reproduce_runs_when_data_are_there(tmp_path, shared_data):
    from twingraph.reproduce import reproduce

    exp = _experiments(tmp_path, {"01_a.py": "DATASETS = ('wikipedia-lists-2026',)\nopen('ran.txt', 'a').write('a')\n"})
    assert reproduce(exp) == 0
    assert (tmp_path / "ran.txt").read_text() == "a"


def test_declared_datasets(tmp_path):
    from twingraph.reproduce import declared_datasets, missing_datasets

    exp = _experiments(tmp_path, {
        "_setup.py": "REAL = ('wikipedia-lists-2026', 'wikidata-crawl-2016')\nOTHER = 'x'\n",
        "01.py": "from _setup import REAL\nfor n in REAL: pass\n",
        "02.py": "DATASETS = ('curated',)\nx = 'wikipedia-lists-2026'\n",
        "03.py": "from _setup import OTHER\nload('wikidata-crawl-2016')\n",
        "04.py": "NAMES = ('curated',)\nDATASETS = NAMES\n",
        "05.py": "DATASETS = ('no-such-data',)\n",
    })
    assert declared_datasets(exp / "01.py") == ("wikidata-crawl-2016", "wikipedia-lists-2026")
    assert declared_datasets(exp / "02.py") == ("curated",)  # the declaration wins over the scan
    assert declared_datasets(exp / "03.py") == ("wikidata-crawl-2016",)
    with pytest.raises(ValueError, match="literal tuple"):
        declared_datasets(exp / "04.py")
    with pytest.raises(ValueError, match="unknown dataset 'no-such-data'"):
        missing_datasets([exp / "05.py"], root=tmp_path)
    assert missing_datasets([exp / "02.py"], root=tmp_path) == []


def test_real_experiments_name_known_datasets():
    from twingraph.reproduce import experiment_scripts, missing_datasets

    scripts = experiment_scripts(Path(__file__).resolve().parents[1] / "experiments")
    assert scripts
    missing_datasets(scripts, root=Path("/nonexistent"))  # raises on an unknown name or a non-literal


# ------------------------------------------------------------------------------ bugs vs users
def test_contract_breach_in_a_loader_keeps_its_traceback(tmp_path, monkeypatch):
    import twingraph.loaders as loaders
    from twingraph.tables import ContractError, Rejections, make_twindata

    def broken_loader(path, source=None):  # type: ignore[no-untyped-def]
        tie = {"tie_id": "konect:1|konect:9", "a": "konect:1", "b": "konect:9", "kind": "twin"}
        return make_twindata([{"place_id": "konect:1"}], [tie], Rejections(), 1, 1, source="broken")

    monkeypatch.setattr(loaders, "load_konect", broken_loader)
    f = _konect(tmp_path, "% sym unweighted\n1 9\n")
    with pytest.raises(ContractError, match="unknown places"):
        loaders.load(f)
    with pytest.raises(ContractError):
        main(["info", str(f)])


def test_country_converter_logger_is_left_alone(caplog):
    from twingraph.countries import to_iso3

    coco_log = logging.getLogger("country_converter.country_converter")
    before = (logging.getLogger("country_converter").level, coco_log.level, list(coco_log.filters))
    with caplog.at_level(logging.WARNING):
        assert to_iso3("Atlantis of the North") is None
    assert not [r for r in caplog.records if r.name.startswith("country_converter")]  # our call: quiet
    assert (logging.getLogger("country_converter").level, coco_log.level, list(coco_log.filters)) == before
    with caplog.at_level(logging.WARNING):
        coco_log.warning("a user's own coco call")
    assert [r.getMessage() for r in caplog.records] == ["a user's own coco call"]


# ------------------------------------------------------------------------------ numpy datetimes
def test_every_datetime64_in_src_names_its_unit():
    """numpy 2.5 deprecates generic-unit datetimes (``np.datetime64("NaT")``, ``datetime64 + 1``)."""
    import ast

    src = Path(__file__).resolve().parents[1] / "src" / "twingraph"
    bare = []
    for path in src.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("datetime64", "timedelta64") and len(node.args) + len(node.keywords) < 2):
                bare.append(f"{path.name}:{node.lineno}")
    assert not bare, f"datetime64/timedelta64 without a unit: {bare}"


def test_date_paths_raise_no_deprecation_warning():
    import warnings

    import pandas as pd

    from twingraph.dates import resolve_dates, resolve_spell_dates
    from twingraph.temporal import active_intervals

    spells = pd.DataFrame({"start": pd.to_datetime(["1957-01-01", None, "2001-05-01"]),
                           "start_precision": ["year", "unknown", "month"],
                           "end": pd.to_datetime([None, None, "2022-03-01"]),
                           "end_precision": ["unknown", "unknown", "day"],
                           "end_status": [None, "terminated", "terminated"]})
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        warnings.simplefilter("error", FutureWarning)
        for convention in ("earliest", "midpoint", "latest"):
            resolve_dates(spells["start"], spells["start_precision"], convention)
        start, end = resolve_spell_dates(spells, "earliest")
        first, stop = active_intervals(spells, [pd.Timestamp(f"{y}-12-31") for y in (1956, 1957, 2021, 2022)])
    assert str(start.dtype) == "datetime64[us]"
    active = [[k for k in range(4) if first[i] <= k < stop[i]] for i in range(3)]
    # 1957 (year) is active from 1957-12-31 on; an undated spell is excluded; 2001-05..2022-03-01
    # is active at the ends of 2021 but not of 2022
    assert active == [[1, 2, 3], [], [2]]


# ------------------------------------------------------------------------------ the contract
def _toy_tables():  # type: ignore[no-untyped-def]
    from twingraph.tables import Rejections, make_twindata

    places = [{"place_id": "p:1"}, {"place_id": "p:2"}]
    ties = [{"tie_id": "p:1|p:2", "a": "p:1", "b": "p:2", "kind": "twin"}]
    rej = Rejections()
    rej.add("f.csv", 3, "bad-row", "", "x")
    return make_twindata(places, ties, rej, rows_read=2, rows_loaded=1, source="toy")


@pytest.mark.parametrize("breach, message", [
    (lambda d: setattr(d, "rows_read", 3), "row accounting broken: read 3 != loaded 1 + rejected 1"),
    (lambda d: setattr(d, "rejections", d.rejections.iloc[0:0]), "row accounting broken"),
    (lambda d: d.spells.__setitem__("b", "p:9"), "unknown places"),
    (lambda d: d.spells.__setitem__("a", "p:2"), "a < b"),
    (lambda d: d.spells.__setitem__("kind", "friendship-ish"), "unknown tie kind"),
])
def test_validate_catches_each_breach(breach, message):
    """The accounting the loaders' tests no longer assert one by one is checked here, once."""
    from twingraph.tables import ContractError, validate

    d = _toy_tables()
    validate(d)  # the toy itself is sound
    breach(d)
    with pytest.raises(ContractError, match=re.escape(message)):
        validate(d)
