"""The two dated registers: Germany 2015 (muenchdo/TwinTowns) and Czechia 2013 (economia/partnerska-mesta).

Counts were read off the real files with ``csv`` / ``awk`` independently of the loaders (e.g.
``awk -F, 'NR>1' TwinTowns_clean.csv | wc -l`` with the file's missing final newline; form counts
p 4607 / k 805 / f 461 / empty 8 as in MANIFEST.md); hand-checked rows were read in a text editor.
"""

from __future__ import annotations

import pandas as pd
import pytest

from twingraph import load
from twingraph.loaders.czechia_register import COLUMNS as COLUMNS_CZ
from twingraph.loaders.czechia_register import CZECH_COUNTRIES, load_czechia_register
from twingraph.loaders.germany_register import COLUMNS, load_germany_register


@pytest.fixture(scope="module")
def de(shared_data):  # type: ignore[no-untyped-def]
    return load("germany-partnerships-2015")


@pytest.fixture(scope="module")
def cz(shared_data):  # type: ignore[no-untyped-def]
    return load("czechia-partnerships-2013")


def _tie(data, a_name, b_name, kind=None):  # type: ignore[no-untyped-def]
    names = data.places.set_index("place_id")["name"]
    s = data.spells
    hit = s[
        ((s["a"].map(names) == a_name) & (s["b"].map(names) == b_name))
        | ((s["a"].map(names) == b_name) & (s["b"].map(names) == a_name))
    ]
    if kind is not None:
        hit = hit[hit["kind"] == kind]
    return hit


def test_germany_row_accounting(de):
    assert de.rows_read == 5881  # 5,881 data rows (the manifest's 5,880 misses the unterminated last line)
    assert de.rows_read == de.rows_loaded + de.rows_rejected
    assert de.rejected_by_reason() == {"missing-country": 7}
    # 5,874 loaded rows -> 5,866 ties: 8 pair+kind repeats merged
    assert len(de.spells) == 5866 and de.notes["ties_listed_twice"] == 8
    assert int(de.spells["n_rows"].sum()) == de.rows_loaded
    # form counts minus the rejected rows (all 7 have form p) and the merged repeats
    assert de.spells["kind"].value_counts().to_dict() == {
        "twin": 4595,
        "cooperation": 804,
        "friendship": 459,
        "unknown": 8,
    }
    assert de.observed == pd.Timestamp("2015-06-18")
    assert de.notes["rows_dated_2000"] == 698  # seit == 2000 on 701 rows; 3 of them lack a country (rejected)


def test_germany_dates_are_years(de):
    s = de.spells
    assert (s["start_precision"] == "year").all() and s["start"].notna().all()
    assert s["start"].min() == pd.Timestamp("1913-01-01") and s["start"].max() == pd.Timestamp("2014-01-01")
    assert s["end"].isna().all() and s["end_status"].isna().all()


def test_germany_hand_checked_rows(de):
    reims = _tie(de, "Aachen", "Reims")  # line 4: Aachen,52062,...,Reims,Frankreich,France,...,1967,p
    assert len(reims) == 1 and reims["kind"].iloc[0] == "twin"
    assert (
        reims["start"].iloc[0] == pd.Timestamp("1967-01-01") and reims["reference"].iloc[0] == "TwinTowns_clean.csv:4"
    )
    monte = _tie(de, "Aachen", "Montebourg")  # line 5: ...,1960,f
    assert monte["kind"].tolist() == ["friendship"] and monte["start"].iloc[0].year == 1960
    brugg = _tie(de, "Rottweil", "Brugg")  # the oldest: 1913
    assert brugg["start"].iloc[0].year == 1913
    # Erfurt - Kati: friendship 2009, twinning 2011 -> two ties
    kati = _tie(de, "Erfurt", "Kati").sort_values("kind")
    assert kati["kind"].tolist() == ["friendship", "twin"]
    assert [t.year for t in kati["start"]] == [2009, 2011]
    # Celle - Tavistock listed 1952 and 1977: one tie, earliest year, conflict flagged
    tav = _tie(de, "Celle", "Tavistock")
    assert len(tav) == 1 and tav["start"].iloc[0].year == 1952 and bool(tav["conflict"].iloc[0])
    assert int(tav["n_rows"].iloc[0]) == 2
    places = de.places.set_index("place_id")
    aachen = places.loc["de15:DEU:Aachen:52062"]
    assert aachen["subdivision"] == "Nordrhein-Westfalen" and aachen["country"] == "DEU"
    assert aachen["lat"] == pytest.approx(50.776) and aachen["lon"] == pytest.approx(6.0872)
    assert places.loc["de15:FRA:Reims", "lat"] == pytest.approx(49.25)
    # homonyms kept apart by postcode
    assert {"de15:DEU:Fürth:90762", "de15:DEU:Fürth:64658"} <= set(places.index)
    # the district of Greiz (no postcode) is a region, the town of Greiz a municipality; both in Thuringia
    assert places.loc["de15:DEU:Greiz (Kreis) (Greiz, Stadt)", "level"] == "region"
    assert places.loc["de15:DEU:Greiz:7973", "level"] == "municipality"
    assert places.loc["de15:DEU:Greiz:7973", "subdivision"] == "Thüringen"
    assert de.notes["german_districts_and_regions"] == 173


def test_germany_rejections_name_the_partner(de):
    rej = de.rejections
    assert set(rej["reason"]) == {"missing-country"}
    assert any("Minsk" in d for d in rej["detail"]) and rej["line"].min() >= 2


def _write_de(tmp_path, rows):  # type: ignore[no-untyped-def]
    f = tmp_path / "de.csv"
    f.write_text(",".join(COLUMNS) + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return f


def test_germany_small_file(tmp_path):
    base = ("Aachen,52062,Nordrhein-Westfalen,North Rhine-Westphalia,50.77,6.08,x,"
            "{p},{land},{country},Europa,Europe,{y},{f},49.2,4.0,y")
    f = _write_de(
        tmp_path,
        [
            base.format(p="Reims", land="Frankreich", country="France", y="1967", f="p"),
            base.format(p="Reims", land="Frankreich", country="France", y="1967", f="p"),  # repeat
            base.format(p="Reims", land="Frankreich", country="France", y="1960", f="f"),  # other kind
            base.format(p="Minsk", land="", country="", y="2000", f="p"),  # missing-country
            base.format(p="X", land="", country="Atlantis", y="2000", f="p"),  # unknown-country
            base.format(p="Y", land="", country="France", y="37546", f="p"),  # bad-year
            base.format(p="Z", land="", country="France", y="2000", f="q"),  # unknown-kind
            "too,few,fields",
        ],
    )
    d = load_germany_register(f)
    assert d.rows_read == 8 and d.rows_loaded == 3 and d.rows_rejected == 5
    assert d.rejected_by_reason() == {
        "bad-year": 1,
        "missing-country": 1,
        "unknown-country": 1,
        "unknown-kind": 1,
        "wrong-field-count": 1,
    }
    assert sorted(d.spells["kind"]) == ["friendship", "twin"]
    assert d.spells.set_index("kind").loc["twin", "n_rows"] == 2


def test_germany_bad_header(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="expected header"):
        load_germany_register(f)


def test_czechia_row_accounting(cz):
    assert cz.rows_read == 966 and cz.rows_rejected == 0 and cz.rows_loaded == 966
    assert len(cz.spells) == 965  # Svitavy - Žiar nad Hronom listed twice
    assert cz.notes["ties_listed_twice"] == 1 and cz.notes["ties_with_conflicting_years"] == 1
    assert cz.notes["year_unknown"] == 80
    assert cz.notes["impossible_years"] == [(77, "37546"), (170, "1238")]
    assert cz.spells["start"].isna().sum() == 82  # 80 unknown + 2 impossible, none of them repeats
    assert (cz.spells.loc[cz.spells["start"].isna(), "start_precision"] == "unknown").all()
    assert cz.observed == pd.Timestamp("2013-09-17")
    assert cz.places["country"].notna().all()
    assert set(cz.places["country"]) <= set(CZECH_COUNTRIES.values())
    assert (cz.places["country"] == "CZE").sum() == 415


def test_czechia_hand_checked_rows(cz):
    brzeg = _tie(cz, "Beroun", "Brzeg")  # line 4: S-531057 Beroun ... F-2177 Brzeg Polsko 2002
    assert brzeg["start"].iloc[0] == pd.Timestamp("2002-01-01") and brzeg["kind"].iloc[0] == "twin"
    places = cz.places.set_index("place_id")
    assert places.loc["cz13:F-2177", "country"] == "POL"
    assert places.loc["cz13:S-531057", "lat"] == pytest.approx(49.9638244753903)
    coventry = _tie(cz, "Ostrava", "Coventry")  # rok 0
    assert coventry["start"].isna().all() and coventry["start_precision"].iloc[0] == "unknown"
    bardo = _tie(cz, "Týn nad Vltavou", "Gmina Bardo")  # rok 37546: kept, undated
    assert len(bardo) == 1 and bardo["start"].isna().all()
    svit = _tie(cz, "Svitavy", "Žiar nad Hronom")
    assert svit["start"].iloc[0].year == 1975 and bool(svit["conflict"].iloc[0])
    # Prague's placeholder code F-1111: partners identified by name; Moskva joins its real code
    moskva = _tie(cz, "Praha", "Moskva")
    assert "cz13:F-2231" in (set(moskva["a"]) | set(moskva["b"]))
    assert places.loc["cz13:FRA:Paříž", "country"] == "FRA"
    assert _tie(cz, "Praha", "Hamburk")["start"].iloc[0].year == 1990


def test_czechia_small_file(tmp_path):
    head = "\t".join(COLUMNS_CZ)
    rows = [
        "S-1\t50\t14\tA\tČeská republika\tF-1\t51\t7\tB\tNěmecko\t1999",
        "S-1\t50\t14\tA\tČeská republika\tF-2\t51\t7\tC\tAtlantida\t1999",
        "S-1\t50\t14\tA\tČeská republika\tF-3\t51\t7\tD\tPolsko\t0",
        "S-1\t50\t14\tA\tČeská republika",
    ]
    f = tmp_path / "v.tsv"
    f.write_text(head + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    d = load_czechia_register(f)
    assert (d.rows_read, d.rows_loaded, d.rows_rejected) == (4, 2, 2)
    assert d.rejected_by_reason() == {"unknown-country": 1, "wrong-field-count": 1}
    assert d.notes["year_unknown"] == 1
