"""The generic CSV/TSV loader with a column mapping (twingraph.loaders.table)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twingraph import load
from twingraph.cli import main
from twingraph.loaders.table import load_table, parse_columns

MAPPING = ("a_name=origin,a_country=ocountry,a_lat=olat,a_lon=olon,b_name=destination,"
           "b_country=dcountry,b_lat=dlat,b_lon=dlon,start=year,a_population=opop")


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_mapping_homonyms_and_rejections(tmp_path):
    f = _write(tmp_path / "ties.csv", (
        "origin,ocountry,olat,olon,opop,destination,dcountry,dlat,dlon,year,km\n"
        "Saint-Denis,France,48.936,2.357,113000,Nablus,Palestine,32.22,35.26,1989,3300\n"      # line 2
        "Saint-Denis,France,-20.88,55.45,,Nablus,Palestine,32.22,35.26,,7000\n"                # 3: Réunion
        "Springfield,USA,39.80,-89.64,114000,Lyon,France,45.76,4.83,1990.0,7000\n"              # 4
        "Springfield,USA,42.10,-72.59,,Lyon,France,45.76,4.83,xx,5800\n"                        # 5: bad year
        "Springfield,USA,39.80,-89.64,,Lyon,France,45.76,4.83,1990-05,7000\n"                   # 6: repeated
        ",USA,1,1,,Lyon,France,45.76,4.83,,0\n"                                                  # 7: no name
        "Lyon,France,45.76,4.83,,Lyon,France,45.76,4.83,,0\n"                                   # 8: self-tie
        "Oslo,Norway,95,10,,Lyon,France,45.76,4.83,,0\n"                                        # 9: lat > 90
        "Lyon,France,45.76,4.83,,Beja,Portugal,38.0,-7.9,2000,2010\n"                           # 10
    ))
    d = load_table(f, columns=MAPPING)
    assert d.rows_read == 9 and d.rows_read == d.rows_loaded + d.rows_rejected
    assert d.rejected_by_reason() == {"bad-coordinates": 1, "bad-date": 1, "missing-name": 1, "self-tie": 1}
    p = d.places.set_index("place_id")
    # the two Saint-Denis are two places (coordinates 9,000 km apart), Springfield one (the Massachusetts
    # row was rejected for its year, so only Illinois remains)
    sd = [i for i in p.index if "Saint-Denis" in i]
    assert len(sd) == 2 and set(p.loc[sd, "country"]) == {"FRA"}
    assert p.loc["tab:USA:Springfield", "population"] == 114000
    s = d.spells.set_index("tie_id")
    tie = s.loc["tab:tab:FRA:Lyon|tab:USA:Springfield"]
    assert tie["n_rows"] == 2 and not tie["conflict"]  # 1990 and 1990-05 agree: the finer is kept
    assert tie["start"] == pd.Timestamp("1990-05-01") and tie["start_precision"] == "month"
    assert d.notes["ignored_columns"] == "km"
    assert d.notes["homonym_names_split_by_coordinates"] == 1


def test_canonical_header_detected_and_tsv(tmp_path):
    f = _write(tmp_path / "ties.tsv", "a_name\ta_country\tb_name\tb_country\tkind\tend\n"
                                      "Kostroma\tRussia\tDurham\tUSA\tsister city\t2022-08\n")
    d = load(f)
    assert d.rows_loaded == 1 and d.spells["kind"].iloc[0] == "twin"
    assert d.spells["end_status"].iloc[0] == "terminated"
    assert d.spells["end_precision"].iloc[0] == "month"


def test_parse_columns_errors():
    assert parse_columns("a_name=x, b_name=y") == {"a_name": "x", "b_name": "y"}
    with pytest.raises(ValueError, match="unknown canonical"):
        parse_columns("a_town=x")
    with pytest.raises(ValueError, match="canonical=column"):
        parse_columns("a_name")


def test_missing_mapped_column_is_one_line_error(tmp_path, capsys):
    f = _write(tmp_path / "t.csv", "x,y\n1,2\n")
    assert main(["info", str(f), "--format", "table", "--columns", "a_name=origin,b_name=y"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("twingraph: error:") and "a_name=origin" in err and err.count("\n") == 1


def test_forced_format_loading_nothing_is_an_error(tmp_path, capsys):
    f = _write(tmp_path / "t.csv", "city1,country1,city2,country2\nBerat,Albania,Fermo,Italy\n")
    d = load(f, format="wikidata-crawl")  # every line is one field, not two QIDs: all rejected, reported
    assert d.rows_loaded == 0 and d.rejected_by_reason() == {"wrong-field-count": 2}
    assert main(["info", str(f), "--format", "wikidata-crawl"]) == 2  # the CLI: an error, one line
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("twingraph: error:") and "all 2 rows rejected (wrong-field-count 2)" in err[-1]
    assert load(f).rows_loaded == 1  # detected, it loads


def test_homonyms_of_the_german_register_keep_true_lengths(shared_data, tmp_path):
    """A real name-only table: the German register's towns *without* their postcodes (two Fürth, two
    Bergen, ...), with coordinates and a distance column computed independently (pyproj's geodesic
    on the WGS84 ellipsoid).  Loading must keep homonyms apart: every tie's length recomputed from the
    loaded places agrees with the distance column (spherical vs ellipsoidal: within 0.6 %)."""
    from pyproj import Geod

    raw = pd.read_csv(shared_data / "germany-partnerships-2015" / "TwinTowns_clean.csv", dtype=str)
    raw = raw.dropna(subset=["latitude", "longitude", "partner_latitude", "partner_longitude", "country"])
    lat1, lon1 = raw["latitude"].astype(float), raw["longitude"].astype(float)
    lat2, lon2 = raw["partner_latitude"].astype(float), raw["partner_longitude"].astype(float)
    _, _, dist_m = Geod(ellps="WGS84").inv(lon1.to_numpy(), lat1.to_numpy(), lon2.to_numpy(), lat2.to_numpy())
    table = pd.DataFrame({"origincityLabel": raw["municipality"], "origincountry": "Germany",
                          "originlat": lat1, "originlon": lon1, "destinationcityLabel": raw["partnergemeinde"],
                          "destinationcountry": raw["country"], "destinationlat": lat2, "destinationlon": lon2,
                          "distance_km": dist_m / 1000})
    table = table[table["distance_km"] > 1]
    path = tmp_path / "names_only.csv"
    table.to_csv(path, index=False)
    homonyms = table.groupby("origincityLabel")[["originlat", "originlon"]].nunique().max(axis=1)
    assert (homonyms > 1).sum() >= 10  # the table really has homonyms (Bergen, Fürth, Neustadt, ...)
    d = load(path, columns="a_name=origincityLabel,a_country=origincountry,a_lat=originlat,a_lon=originlon,"
                           "b_name=destinationcityLabel,b_country=destinationcountry,b_lat=destinationlat,"
                           "b_lon=destinationlon")
    assert d.rows_read == len(table) == d.rows_loaded + d.rows_rejected
    xy = d.places.set_index("place_id")[["lat", "lon"]]
    s = d.spells
    from twingraph.resolve import haversine_km

    length = haversine_km(xy.loc[s["a"], "lat"].to_numpy(), xy.loc[s["a"], "lon"].to_numpy(),
                          xy.loc[s["b"], "lat"].to_numpy(), xy.loc[s["b"], "lon"].to_numpy())
    first_line = s["reference"].str.extract(r":(\d+)")[0].astype(int)  # file line of the tie's first row
    expected = table["distance_km"].to_numpy()[first_line.to_numpy() - 2]
    rel = np.abs(length - expected) / expected
    # places averaged over rows within 25 km can move a little: allow 25 km absolute for short ties
    assert ((rel < 0.006) | (np.abs(length - expected) < 25)).all()


def test_observation_dates_read_from_files(tmp_path):
    """KONECT's meta.<name> ``timeiso`` and Wikidata entity JSON ``modified`` give ``observed``."""
    import json
    import shutil

    (tmp_path / "out.twin").write_text("% sym unweighted\n% 2 3 3\n1 2\n2 3\n", encoding="utf-8")
    (tmp_path / "meta.twin").write_text("name: Sister cities\ntimeiso: 2017-10-22\n", encoding="utf-8")
    assert load(tmp_path / "out.twin").observed == pd.Timestamp("2017-10-22")
    (tmp_path / "meta.twin").write_text("name: no date here\n", encoding="utf-8")
    assert load(tmp_path / "out.twin").observed is None

    src = Path(__file__).parent / "fixtures" / "wikidata" / "entities" / "Q9900001.json"
    doc = json.loads(src.read_text(encoding="utf-8"))
    for ent in doc["entities"].values():
        ent["modified"] = "2024-03-05T10:11:12Z"
    f = tmp_path / "Q9900001.json"
    f.write_text(json.dumps(doc), encoding="utf-8")
    assert load(f).observed == pd.Timestamp("2024-03-05")
    shutil.copy(src, tmp_path / "plain.json")
    assert load(tmp_path / "plain.json").observed is None


def test_cli_enrich_population(tmp_path, capsys):
    import json

    f = _write(tmp_path / "t.csv", "a_name,a_country,a_lat,a_lon,b_name,b_country,b_population\n"
                                   "Cuxhaven,Germany,53.86,8.69,Penzance,GB,21000\n")
    assert main(["info", str(f), "--json", "--enrich-population"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["notes"]["population_from_gazetteer"] == 1  # Cuxhaven; Penzance keeps its own figure
    d = load(f)
    assert d.places.set_index("name").loc["Penzance", "population"] == 21000
