"""Shock registry and exposure rules: loading, predicates, time-varying exposure covariates."""

from __future__ import annotations

import pandas as pd
import pytest

from twingraph.shocks import (
    DEFAULT_RULES, TEXAS_HB128_COUNTRIES, ExposureRule, default_rules, exposure, exposure_dates, load_shocks, undetermined_exposure,
    subdivision_to_countries, ties_between, ties_with_country,
)
from twingraph.tables import EVENT_COLUMNS, Rejections, make_twindata

REGISTRY = """event_id,date,date_precision,kind,name,actors,targets,description,source
war-x,2022-02-24,day,war,A war,RUS,UKR,first,seed:x
law-y,2025-06,,law,A law,USA,CHN;RUS,second,https://example.org/y
old-z,2016,year,dispute,A dispute,BGR,TUR,third,seed:z
"""


@pytest.fixture
def registry(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(REGISTRY, encoding="utf-8")
    return load_shocks(path)


def toy():
    """Places in several countries; Dallas and Austin in Texas, Columbus in Ohio, one unknown country."""
    places = [
        {"place_id": "dal", "name": "Dallas", "country": "USA", "subdivision": "Texas"},
        {"place_id": "aus", "name": "Austin", "country": "USA", "subdivision": "TEXAS"},
        {"place_id": "col", "name": "Columbus", "country": "USA", "subdivision": "Ohio"},
        {"place_id": "lou", "name": "Louisville", "country": "USA"},
        {"place_id": "sar", "name": "Saratov", "country": "RUS"},
        {"place_id": "prm", "name": "Perm", "country": "RUS"},
        {"place_id": "tia", "name": "Tianjin", "country": "CHN"},
        {"place_id": "cov", "name": "Coventry", "country": "GBR"},
        {"place_id": "unk", "name": "Somewhere"},
    ]
    spells = [  # tie_id, a, b, start, start_precision, end, end_precision
        ("dal-sar", "dal", "sar", "2004-01-01", "year", "2022-03-01", "month"),
        ("dal-tia", "dal", "tia", "1995-01-01", "year", None, "unknown"),
        ("aus-tia", "aus", "tia", "2024-01-01", "year", None, "unknown"),  # starts after the war
        ("col-tia", "col", "tia", "1990-01-01", "year", None, "unknown"),  # Ohio, not Texas
        ("lou-prm", "lou", "prm", None, "unknown", None, "unknown"),  # undated, no subdivision
        ("cov-sar", "cov", "sar", "1990-01-01", "year", None, "unknown"),
        ("prm-sar", "prm", "sar", "2000-01-01", "year", None, "unknown"),  # domestic Russian tie
        ("sar-unk", "sar", "unk", "2001-01-01", "year", None, "unknown"),  # partner country unknown
        ("col-cov", "col", "cov", "1970-01-01", "year", "2010-01-01", "year"),
    ]
    recs = [{"tie_id": t, "a": min(a, b), "b": max(a, b), "start": s, "start_precision": sp,
             "end": e, "end_precision": ep} for t, a, b, s, sp, e, ep in spells]
    return make_twindata(places, recs, Rejections(), rows_read=len(recs), rows_loaded=len(recs), source="toy")


def hits(series: pd.Series) -> set[str]:
    return {i.split("#")[0] for i in series.index[series.to_numpy()]}


def test_load_shocks_fixture(registry):
    assert list(registry.columns) == list(EVENT_COLUMNS)
    assert registry["event_id"].tolist() == ["war-x", "law-y", "old-z"]
    assert registry["date"].tolist() == [pd.Timestamp("2022-02-24"), pd.Timestamp("2025-06-01"),
                                         pd.Timestamp("2016-01-01")]
    assert registry["date_precision"].tolist() == ["day", "month", "year"]  # empty precision derived
    assert registry.loc[1, "targets"] == "CHN;RUS"


def test_load_shocks_rejects_duplicates_and_missing_columns(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text(REGISTRY + "war-x,2022,year,war,again,RUS,UKR,,s\n", encoding="utf-8")
    with pytest.raises(ValueError, match="duplicate event_id"):
        load_shocks(p)
    p.write_text("event_id,date\nx,2020\n", encoding="utf-8")
    with pytest.raises(ValueError, match="lacks columns"):
        load_shocks(p)


def test_packaged_registry_supports_default_rules():
    shocks = load_shocks()
    assert list(shocks.columns) == list(EVENT_COLUMNS)
    ids = set(shocks["event_id"])
    assert {r.shock_id for r in DEFAULT_RULES} <= ids
    assert [r.shock_id for r in default_rules(shocks)] == [r.shock_id for r in DEFAULT_RULES]
    texas = shocks.set_index("event_id").loc["texas-hb128-2025"]
    # the registry's targets are the four countries the seed names for HB 128
    assert sorted(texas["targets"].split(";")) == sorted(TEXAS_HB128_COUNTRIES)
    assert shocks.set_index("event_id").loc["russia-invasion-2022", "date"] == pd.Timestamp("2022-02-24")


def test_ties_with_country():
    data = toy()
    rule = ExposureRule("war-x", "ru", ties_with_country("RUS"))
    e = exposure(data, rule)
    assert e.name == "ru" and e.index.name == "spell_id" and len(e) == len(data.spells)
    assert hits(e) == {"dal-sar", "lou-prm", "cov-sar"}  # domestic prm-sar excluded, sar-unk undecidable
    assert undetermined_exposure(data, rule) == 1
    dom = exposure(data, ExposureRule("war-x", "ru", ties_with_country("rus", domestic=True)))
    assert hits(dom) == {"dal-sar", "lou-prm", "cov-sar", "prm-sar"}
    gb_rule = ExposureRule("war-x", "ru_gb", ties_with_country("RUS", partners=["GBR"]))
    gb = exposure(data, gb_rule)
    assert hits(gb) == {"cov-sar"} and undetermined_exposure(data, gb_rule) == 1
    with pytest.raises(ValueError, match="ISO3"):
        ties_with_country("Russia")


def test_ties_between_either_order():
    data = toy()
    us_cn = ExposureRule("law-y", "us_cn", ties_between("USA", ["CHN"]))
    e = exposure(data, us_cn)
    assert hits(e) == {"dal-tia", "aus-tia", "col-tia"}
    assert hits(exposure(data, ExposureRule("law-y", "cn_us", ties_between(["CHN"], "USA")))) == hits(e)
    assert undetermined_exposure(data, us_cn) == 0  # sar-unk cannot be a USA-CHN tie: one side is known RUS


def test_subdivision_to_countries():
    data = toy()
    rule = ExposureRule("law-y", "tx", subdivision_to_countries("Texas", "USA", TEXAS_HB128_COUNTRIES))
    e = exposure(data, rule)
    assert hits(e) == {"dal-sar", "dal-tia", "aus-tia"}  # case-insensitive "TEXAS"; Ohio excluded
    assert undetermined_exposure(data, rule) == 2  # Louisville (no subdivision)-Perm; Saratov-unknown place


def test_exposure_dates_switch_on(registry):
    data = toy()
    war = ExposureRule("war-x", "ru", ties_with_country("RUS"))
    tx = ExposureRule("law-y", "tx", subdivision_to_countries("Texas", "USA", TEXAS_HB128_COUNTRIES))
    out = exposure_dates(data, [war, tx], shocks=registry)
    assert list(out.columns) == ["spell_id", "covariate", "date"]
    got = {(s.split("#")[0], c, d) for s, c, d in out.itertuples(index=False)}
    assert got == {
        # dal-sar ended 2022-03 (after the war began 2022-02-24); lou-prm is undated and open
        ("dal-sar", "ru", pd.Timestamp("2022-02-24")),
        ("lou-prm", "ru", pd.Timestamp("2022-02-24")),
        ("cov-sar", "ru", pd.Timestamp("2022-02-24")),
        # the law (2025-06): dal-sar has ended; aus-tia started 2024, before the law
        ("dal-tia", "tx", pd.Timestamp("2025-06-01")),
        ("aus-tia", "tx", pd.Timestamp("2025-06-01")),
    }
    excl = exposure_dates(data, [war], shocks=registry, undated="exclude")
    assert not excl["spell_id"].str.startswith("lou-prm").any()


def test_exposure_dates_later_spells_and_overrides(registry):
    data = toy()
    early = ExposureRule("any", "us_cn", ties_between("USA", "CHN"), date=pd.Timestamp("2000-01-01"))
    out = exposure_dates(data, [early], shocks=registry)
    when = {s.split("#")[0]: d for s, d in zip(out["spell_id"], out["date"])}
    assert when == {"dal-tia": pd.Timestamp("2000-01-01"), "col-tia": pd.Timestamp("2000-01-01"),
                    "aus-tia": pd.Timestamp("2024-01-01")}  # starts later: exposed from its start
    out = exposure_dates(data, [early], shocks=registry, later="exclude")
    assert set(out["spell_id"].str.split("#").str[0]) == {"dal-tia", "col-tia"}
    with pytest.raises(KeyError, match="nope"):
        exposure_dates(data, [ExposureRule("nope", "x", ties_between("USA", "CHN"))], shocks=registry)


def test_default_rules_on_curated_registry_data():
    """The packaged curated data: ties the press sources say were cut are exposed."""
    from twingraph import load

    data = load("curated")
    name = data.places.set_index("place_id")["name"]
    rules = {r.shock_id: r for r in default_rules()}

    def named(rule: ExposureRule) -> set[frozenset[str]]:
        e = exposure(data, rule)
        s = data.spells.set_index("spell_id").loc[e.index[e.to_numpy()]]
        return {frozenset((name[a], name[b])) for a, b in zip(s["a"], s["b"])}

    ru = named(rules["russia-invasion-2022"])
    assert {frozenset(("Wakefield", "Belgorod")), frozenset(("Dallas", "Saratov"))} <= ru
    assert {frozenset(("Dallas", "Tianjin")), frozenset(("Dallas", "Saratov"))} <= named(rules["texas-hb128-2025"])
    assert frozenset(("Edirne", "Svilengrad")) in named(rules["turkey-armenian-genocide-recognition"])
