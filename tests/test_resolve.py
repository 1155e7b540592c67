"""Place resolution (twingraph.resolve): names, rules, guards, overrides, and the labelled sample."""

from __future__ import annotations

import pandas as pd
import pytest

from twingraph.resolve import (
    admin_kind,
    name_parts,
    normalize_name,
    read_overrides,
    resolution_summary,
    resolve_places,
)
from twingraph.tables import Rejections, make_twindata

LABELS = "tests/fixtures/resolve_labels.csv"


def _data(source, places, ties=()):
    spells = [{"tie_id": f"{a}|{b}", "a": min(a, b), "b": max(a, b), "kind": "twin"} for a, b in ties]
    return make_twindata(places, spells, Rejections(), 0, 0, source=source)


# ---------------------------------------------------------------- names


@pytest.mark.parametrize("a, b", [
    ("Esch (Haaren)", "Haaren – Esch"), ("Samuel (Soure)", "Soure – Samuel"),
    ("Kandava (Tukums)", "Tukums – Kandava"), ("Žagarė (Joniškis)", "Joniškis – Žagarė"),
])
def test_district_patterns_give_one_key(a, b):
    assert name_parts(a) == name_parts(b)


def test_normalisation():
    assert normalize_name("Saint-Omer") == normalize_name("Saint Omer") == "saint omer"
    assert normalize_name("Petroşani") == normalize_name("Petroșani")  # cedilla and comma below
    assert normalize_name("Kan'onji") == "kanonji"
    assert name_parts("Halle (Saale)") == ("halle", "saale")
    assert name_parts("Esch-sur-Alzette") == ("esch sur alzette", "")  # a hyphen is not the district dash
    assert admin_kind("Unna (district)") == {"district"} and admin_kind("Unna") == set()


# ---------------------------------------------------------------- rules and guards (hand-made cases)


def test_homonyms_far_apart_are_never_merged():
    places = [
        {"place_id": "x:1", "name": "Saint-Denis", "country": "FRA", "lat": 48.936, "lon": 2.357},
        {"place_id": "x:2", "name": "Saint-Denis", "country": "FRA", "lat": -20.88, "lon": 55.45},
    ]
    a = _data("a", places[:1] + [{"place_id": "x:9", "name": "Nablus", "country": "PSE"}], [("x:1", "x:9")])
    b = _data("b", places[1:] + [{"place_id": "x:8", "name": "Nablus", "country": "PSE"}], [("x:2", "x:8")])
    res = resolve_places([a, b], overrides=False)
    m = res.mapping()
    assert m[("a", "x:1")] != m[("b", "x:2")]
    refused = res.decisions[~res.decisions["accepted"]]
    assert refused["reason"].str.startswith("coordinates-").any()
    assert m[("a", "x:9")] == m[("b", "x:8")]  # the Nablus rows (no coordinates) are one place


def test_district_and_town_kept_apart_and_qualifiers_respected():
    places = [
        {"place_id": "p:1", "name": "Unna", "country": "DEU", "lat": 51.53, "lon": 7.69},
        {"place_id": "p:2", "name": "Unna (district)", "country": "DEU", "lat": 51.55, "lon": 7.70},
        {"place_id": "p:3", "name": "Mitte (Berlin)", "country": "DEU", "lat": 52.53, "lon": 13.38},
        {"place_id": "p:4", "name": "Mitte (Hamburg)", "country": "DEU", "lat": 52.54, "lon": 13.39},
        {"place_id": "p:5", "name": "Kandava (Tukums)", "country": "LVA", "lat": 57.03, "lon": 22.80},
        {"place_id": "p:6", "name": "Kandava", "country": "LVA", "lat": 57.04, "lon": 22.78},
        {"place_id": "p:7", "name": "Prague 5", "country": "CZE", "lat": 50.07, "lon": 14.40},
        {"place_id": "p:8", "name": "Prague 15", "country": "CZE", "lat": 50.06, "lon": 14.42},
        {"place_id": "p:9", "name": "Vagharshapat", "country": "ARM", "lat": 40.16, "lon": 44.29},
        {"place_id": "p:10", "name": "Vagarshapat", "country": "ARM", "lat": 40.16, "lon": 44.29},
    ]
    res = resolve_places([_data("a", places)], overrides=False)
    g = res.places.set_index("place_id")["global_id"]
    assert g["p:1"] != g["p:2"]
    assert g["p:3"] != g["p:4"]
    assert g["p:5"] == g["p:6"]
    assert g["p:7"] != g["p:8"]
    assert g["p:9"] == g["p:10"]


def test_overrides_must_and_cannot_link(tmp_path):
    places = [
        {"place_id": "p:1", "name": "Biebrich", "country": "DEU", "lat": 50.30, "lon": 7.95},
        {"place_id": "p:2", "name": "Wiesbaden – Biebrich", "country": "DEU", "lat": 50.05, "lon": 8.23},
        {"place_id": "p:3", "name": "Löhne", "country": "DEU", "lat": 52.19, "lon": 8.71},
        {"place_id": "p:4", "name": "Lohne", "country": "DEU", "lat": 52.19, "lon": 8.71},  # pretend: same spot
    ]
    d = _data("a", places)
    g = resolve_places([d], overrides=False).places.set_index("place_id")["global_id"]
    assert g["p:1"] != g["p:2"] and g["p:3"] == g["p:4"]
    f = tmp_path / "o.csv"
    f.write_text("# comment\naction,source_a,place_a,source_b,place_b,reason\n"
                 "must-link,a,p:1,a,p:2,partner Glarus on both\ncannot-link,,p:3,,p:4,two towns\n", encoding="utf-8")
    res = resolve_places([d], overrides=f)
    g = res.places.set_index("place_id")["global_id"]
    assert g["p:1"] == g["p:2"] and g["p:3"] != g["p:4"]
    assert set(res.decisions["rule"]) >= {"must-link"}
    assert res.decisions.loc[~res.decisions["accepted"], "reason"].eq("cannot-link").any()


def test_bad_overrides_file(tmp_path):
    f = tmp_path / "o.csv"
    f.write_text("action,source_a,place_a,source_b,place_b,reason\nmaybe,,a,,b,\n", encoding="utf-8")
    with pytest.raises(ValueError, match="row 2"):
        read_overrides(f)


def test_shipped_overrides_read():
    ov = read_overrides()
    assert len(ov) >= 5 and ov["reason"].str.len().gt(20).all()


# ---------------------------------------------------------------- the real data


@pytest.fixture(scope="module")
def resolution(wikipedia, crawl):
    return resolve_places([wikipedia, crawl], overrides=False)


@pytest.mark.parametrize("a, b", [
    ("wp:NLD:Esch (Haaren)", "wp:NLD:Haaren – Esch"), ("wp:PRT:Samuel (Soure)", "wp:PRT:Soure – Samuel"),
    ("wp:LVA:Kandava (Tukums)", "wp:LVA:Tukums – Kandava"), ("wp:LTU:Žagarė (Joniškis)", "wp:LTU:Joniškis – Žagarė"),
])
def test_four_duplicate_spellings_are_one_place(resolution, a, b):
    m = resolution.mapping()
    assert m[("wikipedia-lists-2026", a)] == m[("wikipedia-lists-2026", b)]


def test_exonyms_of_the_crawl(resolution):
    m = resolution.mapping()
    wp, wd = "wikipedia-lists-2026", "wikidata-crawl-2016"
    assert m[(wd, "Q490")] == m[(wp, "wp:ITA:Milan")] == "Q490"  # "Mailand"
    assert m[(wd, "Q365")] == m[(wp, "wp:DEU:Cologne")]  # "Köln"
    assert m[(wp, "wp:USA:Springfield")] != m[(wp, "wp:USA:West Springfield")]


def test_every_decision_is_reported(resolution):
    d = resolution.decisions
    assert d["accepted"].any() and (~d["accepted"]).any()
    assert d.loc[~d["accepted"], "reason"].str.len().gt(0).all()
    assert d.loc[d["accepted"], "reason"].eq("").all()
    s = resolution_summary(resolution)
    merged_rows = len(resolution.places) - resolution.places["global_id"].nunique()
    # a union-find joins n rows into g groups with n - g accepted joins
    assert sum(v for k, v in s["decisions"].items() if k.endswith(":accepted")) == merged_rows


def test_precision_and_recall_on_the_labelled_sample(resolution):
    """364 candidate pairs drawn from the real data (see tests/fixtures/resolve_labels.md), 352 labelled
    same/different by reading names, countries, coordinates and partner lists (12 left unsure).
    Measured without the shipped overrides: precision 1.000, recall 0.904 (207 of 229 same pairs)."""
    lab = pd.read_csv(LABELS)
    assert len(lab) >= 300 and lab["pair_id"].is_unique
    lab = lab[(lab["label"] != "unsure") & ~lab["stratum"].str.startswith("de-")]  # German pairs: test_merge
    assert len(lab) >= 300 and (lab["label"] == "different").sum() >= 100
    m = resolution.mapping()
    pred = [m[(sa, pa)] == m[(sb, pb)] for sa, pa, sb, pb in
            zip(lab["source_a"], lab["place_a"], lab["source_b"], lab["place_b"], strict=True)]
    truth = (lab["label"] == "same").to_numpy()
    pred = pd.Series(pred).to_numpy()
    tp, fp, fn = int((pred & truth).sum()), int((pred & ~truth).sum()), int((~pred & truth).sum())
    assert tp / (tp + fp) >= 0.98
    assert tp / (tp + fn) >= 0.88


def test_population_enrichment_rule():
    from twingraph.resolve import enrich_population

    places = [
        {"place_id": "p:1", "name": "Cuxhaven", "country": "DEU", "lat": 53.86, "lon": 8.69},
        {"place_id": "p:2", "name": "Cuxhaven", "country": "DEU", "lat": 48.0, "lon": 11.0},  # namesake far away
        {"place_id": "p:3", "name": "Halle (Saale)", "country": "DEU", "lat": 51.48, "lon": 11.97},
        {"place_id": "p:4", "name": "Springfield", "country": "USA"},  # no coordinates, many Springfields
        {"place_id": "p:5", "name": "Nowhere-upon-Nothing", "country": "GBR", "lat": 52.0, "lon": 0.0},
        {"place_id": "p:6", "name": "Lyon", "country": None},
        {"place_id": "p:7", "name": "Bonn", "country": "DEU", "population": 1.0},
    ]
    d, rep = enrich_population(_data("a", places))
    pop = d.places.set_index("place_id")["population"]
    rule = rep.set_index("place_id")["rule"]
    assert 40_000 < pop["p:1"] < 60_000 and rule["p:1"] == "name+coords"
    assert pd.isna(pop["p:2"]) and rule["p:2"] == "no-match"
    assert pop["p:3"] > 200_000
    assert rule["p:4"] == "ambiguous" and rule["p:5"] == "no-match" and rule["p:6"] == "no-country"
    assert pop["p:7"] == 1.0 and "p:7" not in rule.index  # known populations are never replaced
    assert d.notes["population_from_gazetteer"] == 2


def test_homonyms_in_two_sources_each_find_their_namesake():
    a = _data("a", [
        {"place_id": "t:MA", "name": "Springfield", "country": "USA", "lat": 42.10, "lon": -72.59},
        {"place_id": "t:IL", "name": "Springfield", "country": "USA", "lat": 39.80, "lon": -89.64},
    ][:1])
    b = _data("b", [{"place_id": "t:IL", "name": "Springfield", "country": "USA", "lat": 39.80, "lon": -89.64}])
    c = _data("c", [{"place_id": "w:Springfield", "name": "Springfield", "country": "USA",
                     "lat": 39.799, "lon": -89.644}])
    m = resolve_places([a, b, c], overrides=False).mapping()
    assert m[("b", "t:IL")] == m[("c", "w:Springfield")] != m[("a", "t:MA")]
