"""`twingraph portfolio CITY`: JSON ties, the text listing, files and map written, unknown city."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from twingraph.cli import main

HEADER = "a_name,a_country,a_lat,a_lon,b_name,b_country,b_lat,b_lon\n"


@pytest.fixture(scope="module")
def expr(tmp_path_factory: pytest.TempPathFactory) -> str:
    d = tmp_path_factory.mktemp("pf")
    (d / "older.csv").write_text(HEADER + "Weimar,DEU,50.98,11.33,Blois,FRA,47.59,1.33\n"
                                 "Weimar,DEU,50.98,11.33,Siena,ITA,43.32,11.33\n"
                                 "Erfurt,DEU,50.98,11.03,Lovech,BGR,43.13,24.72\n", encoding="utf-8")
    (d / "newer.csv").write_text(HEADER + "Weimar,DEU,50.98,11.33,Blois,FRA,47.59,1.33\n"
                                 "Weimar,DEU,50.98,11.33,Zakopane,POL,49.3,19.95\n", encoding="utf-8")
    return f"{d / 'older.csv'}+{d / 'newer.csv'}"


def test_json_lists_every_tie(expr: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["portfolio", "Weimar", "--country", "deu", "--sources", expr, "--json", "--out", str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["city"] == "Weimar" and out["country"] == "DEU"
    ties = {t["partner"]: t for t in out["ties"]}
    assert set(ties) == {"Blois", "Siena", "Zakopane"}
    for t in ties.values():
        assert {"partner", "partner_country", "status", "signals", "dormancy_score", "dormancy_class",
                "sources"} <= set(t)
    assert ties["Blois"]["partner_country"] == "FRA"
    # read against the newest source given (newer.csv): Siena is no longer there although Weimar is
    assert (ties["Blois"]["status"], ties["Siena"]["status"], ties["Zakopane"]["status"]) == (
        "listed", "dropped", "listed")
    assert "absent_newer" in ties["Siena"]["signals"]
    assert ties["Blois"]["sources"].count(".csv") == 2 and ties["Siena"]["sources"].endswith("older.csv")
    assert (tmp_path / "portfolio_Weimar.csv").is_file() and (tmp_path / "portfolio_Weimar.png").is_file()


def test_text_listing(expr: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["portfolio", "Erfurt", "--sources", expr]) == 0
    text = capsys.readouterr().out.splitlines()
    assert text[0] == "Erfurt: 1 ties" and text[1].startswith("  Lovech (BGR) |")


def test_unknown_city_names_close_matches(expr: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["portfolio", "Wiemar", "--sources", expr]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("twingraph: error: unknown city 'Wiemar'") and "weimar" in err[0]
