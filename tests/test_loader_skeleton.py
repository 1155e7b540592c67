"""The loaders' row-reading skeleton (loaders._rows) and homonym clustering in resolve."""

from __future__ import annotations

import csv
import inspect
import io

import pytest

from twingraph.exceptions import TwingraphError
from twingraph.loaders import czechia_register, germany_register, table
from twingraph.loaders._rows import Reject, Row, RowReader, csv_rows
from twingraph.resolve import homonym_centres, nearest_centre


def test_rows_keep_physical_line_numbers_after_the_header() -> None:
    fh = io.StringIO('name,year\n"Bonn",1990\n\n"Aa\nchen",x\nKöln,2001\n')
    reader = csv.reader(fh)
    assert next(reader) == ["name", "year"]
    rows = list(csv_rows(reader, raw_limit=6))
    assert [r.line for r in rows] == [2, 5, 6]      # the blank line skipped; a quoted newline spans lines
    assert rows[1].fields == ["Aa\nchen", "x"] and rows[1].raw == "Aa\nche"


def test_reader_files_rejections_and_keeps_the_invariant() -> None:
    def parse(row: Row) -> int:
        row.expect_fields(2)
        if not row.fields[1].isdigit():
            raise Reject("bad-year", row.fields[1])
        return int(row.fields[1])

    rr = RowReader("f.csv")
    got = list(rr.records(csv_rows(io.StringIO("Bonn,1990\nAachen,x\nKöln\nTrier,2001\n")), parse))
    assert got == [1990, 2001] and rr.rows_read == 4
    rej = rr.rejections.frame()
    assert rej[["line", "reason", "detail"]].values.tolist() == [[2, "bad-year", "x"], [3, "wrong-field-count",
                                                                                       "1 fields"]]
    assert rr.rows_read == len(got) + len(rr.rejections)
    rr.reject(9, "self-tie", "", "raw")
    assert len(rr.rejections) == 3 and issubclass(Reject, TwingraphError)


def test_loaders_on_the_skeleton_are_parse_functions() -> None:
    assert "RowReader" in inspect.getsource(table.load_table)
    assert "RowReader" in inspect.getsource(germany_register.load_germany_register)
    assert "RowReader" in inspect.getsource(czechia_register.load_czechia_register)
    assert "rej.add" not in inspect.getsource(germany_register)
    assert "haversine" not in inspect.getsource(table)      # homonyms are resolve's job


def test_homonym_centres_and_nearest() -> None:
    pts = {("Saint-Denis", "FRA"): [(48.94, 2.36), (48.95, 2.35), (-20.88, 55.45)],
           ("Bonn", "DEU"): [(50.73, 7.10)]}
    c = homonym_centres(pts, 25.0)
    assert c[("Saint-Denis", "FRA")] == [(48.94, 2.36), (-20.88, 55.45)] and c[("Bonn", "DEU")] == [(50.73, 7.10)]
    assert nearest_centre(-20.9, 55.5, c[("Saint-Denis", "FRA")]) == (-20.88, 55.45)
    # 25 km is the threshold: points 30 km apart are two places, 20 km apart one
    assert len(homonym_centres({"k": [(0.0, 0.0), (0.0, 0.27)]}, 25.0)["k"]) == 2
    assert len(homonym_centres({"k": [(0.0, 0.0), (0.0, 0.18)]}, 25.0)["k"]) == 1


def test_load_table_splits_homonyms(tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "t.csv"
    f.write_text("a_name,a_country,a_lat,a_lon,b_name,b_country\n"
                 "Saint-Denis,France,48.94,2.36,Bonn,DE\n"
                 "Saint-Denis,France,-20.88,55.45,Bonn,DE\n"
                 "Saint-Denis,France,48.95,2.35,Trier,DE\n", encoding="utf-8")
    d = table.load_table(f)
    ids = sorted(p for p in d.places["place_id"] if p.startswith("tab:FRA"))
    assert ids == ["tab:FRA:Saint-Denis@-20.88,55.45", "tab:FRA:Saint-Denis@48.94,2.36"]
    assert d.notes["homonym_names_split_by_coordinates"] == 1 and d.rows_loaded == 3
    with pytest.raises(ValueError, match="no a_name"):
        g = tmp_path / "g.csv"
        g.write_text("x,y\n1,2\n", encoding="utf-8")
        table.load_table(g)
