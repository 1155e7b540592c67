"""What a new user broke (issue 23): every README command line runs, hostile inputs get one line.

Each test names the failure it guards against.  The README examples are read from README.md itself,
so a changed example is tested as it stands.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import urllib.error
from pathlib import Path

import pytest

from twingraph.cli import main
from twingraph.loaders import LoadError, load
from twingraph.loaders._io import InputTooLarge, bounded_lines, check_readable

REPO = Path(__file__).resolve().parents[1]

# EU 2017 export columns (the README's --columns example maps these)
MY_TIES = (
    "origincityLabel\toriginlat\toriginlong\tsistercityLabel\tdestinationlat\tdestinationlong\tdestinationcityLabel\n"
    "Weimar\t50.98\t11.32\tSiena\t43.32\t11.33\tSiena\n"
    "Weimar\t50.98\t11.32\tTrier\t49.75\t6.64\tTrier\n"
    "Siena\t43.32\t11.33\tWeimar\t50.98\t11.32\tWeimar\n"
)
KONECT = "% sym unweighted\n% 3 3\n1 2\n2 3\n3 1\n"

#: README commands that are not run here, with the reason
NOT_RUN = {
    "fetch": "downloads (tests never touch the internet; the fetch path is tested against a local server)",
    "reproduce": "runs every experiment (minutes); tests/test_reproduce_readme.py runs a small one",
}


def readme_commands() -> list[str]:
    """The ``twingraph ...`` lines of the README's code blocks (comments stripped)."""
    out, in_block = [], False
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_block = not in_block
            continue
        if in_block and line.startswith("twingraph "):
            out.append(line.split("  #")[0].strip())
    return out


def test_readme_lists_commands() -> None:
    cmds = readme_commands()
    assert len(cmds) >= 10
    assert any("--columns" in c for c in cmds)


@pytest.mark.slow
@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_runs(command: str, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 23.1: the README's --columns example crashed with a TypeError; every example must run."""
    argv = shlex.split(command)[1:]
    if argv[0] in NOT_RUN:
        pytest.skip(NOT_RUN[argv[0]])
    monkeypatch.chdir(tmp_path)
    (tmp_path / "my_ties.csv").write_text(MY_TIES, encoding="utf-8")
    (tmp_path / "path" / "to").mkdir(parents=True)
    (tmp_path / "path" / "to" / "out.twin").write_text(KONECT, encoding="utf-8")
    if argv[0] == "validate-survival":
        argv[argv.index("--replicates") + 1] = "20"  # the README's 200 replicates take minutes; same code path
    status = main(argv)
    out, err = capsys.readouterr()
    assert status == 0, err
    assert "Traceback" not in err
    assert out.strip()
    if "--json" in argv:
        json.loads(out)


def test_columns_example_loads_the_coordinates(tmp_path: Path) -> None:
    """Issue 23.1: a mapping with a latitude but no longitude crashed; now the row is rejected with a reason."""
    f = tmp_path / "my_ties.csv"
    f.write_text(MY_TIES, encoding="utf-8")
    full = load(f, columns="a_name=origincityLabel,a_lat=originlat,a_lon=originlong,b_name=destinationcityLabel,"
                           "b_lat=destinationlat,b_lon=destinationlong")
    assert (full.rows_read, full.rows_loaded, full.rows_rejected) == (3, 3, 0)
    weimar = full.places[full.places["name"] == "Weimar"].iloc[0]
    assert (weimar["lat"], weimar["lon"]) == (50.98, 11.32)
    half = load(f, columns="a_name=origincityLabel,a_lat=originlat,b_name=destinationcityLabel")
    assert (half.rows_read, half.rows_loaded, half.rows_rejected) == (3, 0, 3)
    assert set(half.rejections["reason"]) == {"bad-coordinates"}
    assert "a latitude without a longitude" in half.rejections["detail"].iloc[0]


def test_dev_zero_fails_at_once_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 23.2: `twingraph info /dev/zero` grew to 14 GB; devices are refused before any read."""
    assert main(["info", "/dev/zero"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "character device, not a regular file" in err


def test_line_without_breaks_is_bounded(tmp_path: Path) -> None:
    """Issue 23.2: a file without line breaks is read at most MAX_LINE_CHARS at a time."""
    f = tmp_path / "blob.csv"
    f.write_text("a_name,b_name\n" + "x" * 5000, encoding="utf-8")
    with open(f, encoding="utf-8") as fh:
        with pytest.raises(InputTooLarge, match="line 2 is longer than 1,000 characters"):
            list(bounded_lines(fh, "blob.csv", limit=1000))
    big = tmp_path / "big.csv"
    big.write_text("a_name,b_name\n" + "x" * (1024**2 + 10), encoding="utf-8")
    with pytest.raises(LoadError, match="line 2 is longer than 1,048,576 characters"):
        load(big, format="table")
    # the size limit: 10 bytes allowed, the file is larger
    os.environ["TWINGRAPH_MAX_FILE_BYTES"] = "10"
    try:
        with pytest.raises(InputTooLarge, match="more than the 10-byte limit"):
            check_readable(f)
        with pytest.raises(LoadError, match="10-byte limit"):
            load(f)
    finally:
        del os.environ["TWINGRAPH_MAX_FILE_BYTES"]


def test_reproduce_only_keeps_other_captions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 23.3: `reproduce --only 07_` rewrote figures/README.md without the captions of the others."""
    from twingraph.reproduce import reproduce

    exp = tmp_path / "experiments"
    exp.mkdir()
    for k in (1, 2):
        (exp / f"0{k}_s.py").write_text(
            "from pathlib import Path\n"
            f"CAPTIONS = {{}}\nCAPTIONS['f{k}.csv'] = 'computed caption ' + str({k})\n"
            f"Path(__file__).resolve().parents[1].joinpath('figures', 'f{k}.csv').write_text('x')\n",
            encoding="utf-8")
    src = REPO / "src"
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]))
    assert reproduce(exp) == 0
    full = (tmp_path / "figures" / "README.md").read_bytes()
    assert b"computed caption 1" in full and b"computed caption 2" in full
    assert reproduce(exp, only="02_") == 0
    assert (tmp_path / "figures" / "README.md").read_bytes() == full


def test_overlap_reports_rejections_on_stderr(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 23.4: `overlap` printed no rejections although rows were rejected."""
    assert main(["overlap", "wikipedia-lists-2026+czechia-partnerships-2013"]) == 0
    err = capsys.readouterr().err
    assert "rows rejected" in err and "--rejections FILE" in err


def test_columns_per_file_in_an_expression(shared_data: Path, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 23.5: a CSV that needs --columns could not be used inside an expression."""
    f = tmp_path / "my.csv"
    f.write_text(MY_TIES, encoding="utf-8")
    mapping = "a_name=origincityLabel,b_name=destinationcityLabel"
    assert main(["info", f"{f}+czechia-partnerships-2013", "--columns", f"{f}:{mapping}", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows_read"] == 3 + 966
    assert main(["info", f"{f}+czechia-partnerships-2013", "--columns", f"elsewhere.csv:{mapping}"]) == 2
    assert "not a term of" in capsys.readouterr().err


def test_map_layer_is_not_a_twinning_dataset(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 23.6: `info natural-earth-110m` said the registry names an unknown loader ''."""
    assert main(["info", "natural-earth-110m"]) == 2
    err = capsys.readouterr().err
    assert "is a map layer" in err and "unknown loader" not in err


def test_huge_konect_id_rejects_the_row_only(tmp_path: Path) -> None:
    """Issue 23.7: an id of 5,000 digits refused the whole file with Python's int-size message."""
    f = tmp_path / "out.test"
    f.write_text("% sym unweighted\n1 2\n" + "9" * 5000 + " 1\n2 3\n", encoding="utf-8")
    d = load(f)
    assert (d.rows_read, d.rows_loaded, d.rows_rejected) == (3, 2, 1)
    assert d.rejections["reason"].tolist() == ["id-out-of-range"]
    assert "5,000 digits" in d.rejections["detail"].iloc[0]


def test_no_none_in_text_output(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 23.8: "None" was printed as a country and as distances."""
    assert main(["stats", "wikidata-crawl-2016", "--no-distances"]) == 0
    out = capsys.readouterr().out
    assert "None" not in out and "not computed (--no-distances)" in out
    assert main(["rank", "wikidata-crawl-2016", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert "None" not in out and "NaN" not in out


def test_dns_failure_is_not_retried() -> None:
    """Issue 23.9: `fetch wikidata-live` retried a failed name lookup 5 times over 63 s."""
    from twingraph.loaders.wikidata_client import WikidataClient, WikidataFetchError

    waits: list[float] = []
    client = WikidataClient(endpoint="http://no-such-host.invalid/sparql", sleep=waits.append, pause=0)

    def fail(*args: object) -> bytes:
        raise urllib.error.URLError(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))

    client._fetch = fail  # type: ignore[method-assign]
    with pytest.raises(WikidataFetchError, match="cannot resolve the host no-such-host.invalid"):
        client.sparql("SELECT 1")
    assert waits == [] and len(client.failures) == 0
