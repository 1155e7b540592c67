"""twingraph.lifecycle on a five-source toy world with known histories, coverage, events and labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twingraph import lifecycle as L
from twingraph.tables import Rejections, make_twindata

# towns: A (CZE), B and E (DEU), C and D (FRA), F (USA); one id per town in every source (same QID)
TOWNS = {"A": ("Alpha", "CZE", 50.0, 14.0), "B": ("Beta", "DEU", 52.0, 13.0), "C": ("Gamma", "FRA", 48.0, 2.0),
         "D": ("Delta", "FRA", 45.0, 5.0), "E": ("Epsilon", "DEU", 48.0, 11.0), "F": ("Zeta", "USA", 40.0, -75.0)}
QID = {k: f"Q{i + 1}" for i, k in enumerate(TOWNS)}


def _source(name: str, observed: str, ties: list[tuple[str, str, str]], prefix: str):  # type: ignore[no-untyped-def]
    used = sorted({t for a, b, _ in ties for t in (a, b)})
    places = [{"place_id": f"{prefix}{t}", "name": TOWNS[t][0], "country": TOWNS[t][1], "lat": TOWNS[t][2],
               "lon": TOWNS[t][3], "qid": QID[t], "level": "municipality"} for t in used]
    spells = []
    for a, b, d in ties:
        pa, pb = sorted([f"{prefix}{a}", f"{prefix}{b}"])
        spells.append({"tie_id": f"{pa}|{pb}", "a": pa, "b": pb, "kind": "twin", "directions": d,
                       "start": pd.Timestamp("1990-01-01") if name.startswith(("german", "czech")) else pd.NaT,
                       "start_precision": "year" if name.startswith(("german", "czech")) else "unknown"})
    return make_twindata(places, spells, Rejections(), len(spells), len(spells), source=name,
                         observed=pd.Timestamp(observed))


@pytest.fixture(scope="module")
def lc() -> L.Lifecycle:
    sources = [
        # the lists state A-B (page of A), C-D (page of C) and B-E, not B-C: B is a page town (B-E),
        # so B-C is "not seen"
        _source("wikipedia-lists-2026", "2026-02-01",
                [("A", "B", "a->b"), ("C", "D", "a->b"), ("B", "E", "a->b")], "wp:"),
        _source("wikidata-eu-2017", "2017-05-29", [("A", "B", "both"), ("B", "C", "both"), ("C", "D", "a->b")], "eu:"),
        _source("wikidata-crawl-2016", "2016-09-01",
                [("A", "B", "both"), ("B", "C", "a->b"), ("C", "D", "both"), ("D", "F", "both")], "wd:"),
        _source("germany-partnerships-2015", "2015-06-18", [("A", "B", "both"), ("B", "C", "both")], "de:"),
        _source("czechia-partnerships-2013", "2013-09-17", [("A", "B", "both")], "cz:"),
    ]
    events = pd.DataFrame([
        {"city_a": "Delta", "country_a": "FRA", "city_b": "Zeta", "country_b": "USA", "event": "suspended",
         "date": "2022-03-01", "date_precision": "day", "source": "https://example.org/df", "note": ""},
        {"city_a": "Alpha", "country_a": "CZE", "city_b": "Beta", "country_b": "DEU", "event": "maintained",
         "date": "2023-05-01", "date_precision": "day", "source": "https://example.org/ab", "note": ""},
        {"city_a": "Nowhere", "country_a": "CZE", "city_b": "Beta", "country_b": "DEU", "event": "terminated",
         "date": "2020", "date_precision": "year", "source": "https://example.org/x", "note": ""},
    ]).assign(registry="toy.csv")
    return L.build(sources, events=events)


def tid(lc: L.Lifecycle, x: str, y: str) -> str:
    ids = lc.data.places.set_index("qid")["place_id"]
    a, b = sorted([ids[QID[x]], ids[QID[y]]])
    return f"{a}|{b}"


def test_histories_seen_not_seen_not_covered(lc: L.Lifecycle) -> None:
    h = L.tie_histories(lc)
    st = h[h["source"].isin(L.SYSTEMATIC)].set_index(["tie_id", "source"])["state"]
    bc = tid(lc, "B", "C")
    assert st[(bc, "wikipedia-lists-2026")] == "not seen"      # B states B-E in the lists
    assert st[(bc, "czechia-partnerships-2013")] == "not covered"  # neither town is Czech
    assert st[(bc, "germany-partnerships-2015")] == "seen"
    df = tid(lc, "D", "F")
    assert st[(df, "wikipedia-lists-2026")] == "not covered"    # neither D nor F has a page row
    assert st[(df, "wikidata-eu-2017")] == "not seen"           # D is in the 25 states
    assert len(h[h["source"].isin(L.SYSTEMATIC)]) == 5 * lc.data.spells["tie_id"].nunique()
    ev = h[h["source"] == "toy.csv"]
    assert sorted(ev["state"]) == ["maintained", "suspended"]


def test_status_and_loss(lc: L.Lifecycle) -> None:
    st = L.tie_status(lc).set_index("tie_id")
    assert st.loc[tid(lc, "A", "B"), "status"] == "listed"
    assert st.loc[tid(lc, "B", "C"), "status"] == "dropped"
    assert st.loc[tid(lc, "D", "F"), "status"] == "suspended"
    assert "2022-03-01" in st.loc[tid(lc, "D", "F"), "evidence"]
    assert st.loc[tid(lc, "A", "B"), "first_seen"] == 2013 and st.loc[tid(lc, "B", "C"), "last_seen"] == 2017
    loss = L.tie_loss(lc).set_index("tie_id")
    assert loss.loc[tid(lc, "B", "C"), "fate"] == "dropped"
    assert loss.loc[tid(lc, "D", "F"), "fate"] == "documented end"
    assert tid(lc, "B", "E") not in loss.index  # first seen in 2026
    br = L.loss_breakdown(loss.reset_index(), "country", min_n=1).set_index("country")
    assert br.loc["DEU", "n"] == 2 and br.loc["DEU", "dropped"] == 1 and br.loc["USA", "documented end"] == 1


def test_dormancy_signals_and_class(lc: L.Lifecycle) -> None:
    sc = L.dormancy(lc).set_index("tie_id")
    bc = sc.loc[tid(lc, "B", "C")]
    # one-sided in the 2016 crawl; missed by the 2026 lists; dropped; begun 1990 (German register):
    # 1 + 1 + 2 + 1 = 5
    assert (bc["one_sided"], bc["missed_by_sources"], bc["absent_newer"], bc["quiet"]) == (1, 1, 1, 1)
    assert bc["dormancy_score"] == 5 and bc["dormancy_class"] == "dormant"
    ab = sc.loc[tid(lc, "A", "B")]
    # begun 1990, but maintained in 2023: the latest dated activity is 2023 (not quiet), -3
    assert ab["latest_dated_activity"] == 2023 and ab["quiet"] == 0 and ab["recent_activity"] == 1
    assert ab["dormancy_score"] == -3
    assert ab["dormancy_class"] == "no signal"
    assert sc.loc[tid(lc, "D", "F"), "dormancy_class"] == "ended"
    assert sc.loc[tid(lc, "C", "D"), "signals"] == "one_sided"  # one-sided in 2017, both towns in the 25 states


def test_validate_dormancy_counts(lc: L.Lifecycle) -> None:
    sc = L.dormancy(lc)
    labels = pd.DataFrame([
        {"city_a": "Beta", "country_a": "DEU", "city_b": "Gamma", "country_b": "FRA", "label": "dormant"},
        {"city_a": "Delta", "country_a": "FRA", "city_b": "Zeta", "country_b": "USA", "label": "dormant"},
        {"city_a": "Alpha", "country_a": "CZE", "city_b": "Beta", "country_b": "DEU", "label": "active"},
        {"city_a": "Gamma", "country_a": "FRA", "city_b": "Delta", "country_b": "FRA", "label": "dormant"},
        {"city_a": "Nowhere", "country_a": "FRA", "city_b": "Delta", "country_b": "FRA", "label": "active"},
        {"city_a": "ALPHA", "country_a": "CZE", "city_b": "Zeta", "country_b": "USA", "label": "dormant"},
    ])
    v = L.validate_dormancy(lc, sc, labels)
    assert v["matched"] == 4 and v["dormant"] == 3 and v["active"] == 1
    # Alpha-Zeta: both towns known, in no source -> predicted dormant when absence counts
    assert v["places_matched"] == 5 and v["absent_by_label"] == {"dormant": 1}
    assert (v["with_absent"]["tp"], v["with_absent"]["fn"], v["with_absent"]["fp"]) == (3, 1, 0)
    assert (v["main"]["tp"], v["main"]["fp"], v["main"]["fn"]) == (2, 0, 1)
    assert v["main"]["recall"] == pytest.approx(2 / 3)
    lo, hi = L.wilson_interval(2, 3)
    assert (v["main"]["recall_low"], v["main"]["recall_high"]) == (lo, hi)


def test_wilson_interval_reference_values() -> None:
    # Wilson (1927) interval, e.g. Newcombe (1998) Table I: 81/263 -> 0.2553 .. 0.3662
    lo, hi = L.wilson_interval(81, 263)
    assert (round(lo, 4), round(hi, 4)) == (0.2553, 0.3662)
    assert np.isnan(L.wilson_interval(0, 0)[0])


def test_official_counts_keeps_national_totals() -> None:
    t = pd.DataFrame({"country": ["DEU", "DEU", "DEU", "FRA", "XEU", "JPN"],
                      "count": ["7133", "2281", "6500", "40", "40000", "1751"],
                      "count_kind": ["Städtepartnerschaften in RGRE database", "partnerships with France",
                                     "partnerships and friendships", "twinnings of French local authorities with "
                                     "Russian ones", "twinnings listed", "sister-city relationships"],
                      "year": ["2015", "2010", "2019", "", "", "2019"], "source": ["s1", "s2", "s3", "s4", "s5", "s6"]})
    off = L.official_counts(t).set_index("country")
    assert off.loc["DEU", "official_count"] == 6500 and off.loc["DEU", "official_year"] == 2019
    assert "FRA" not in off.index and "XEU" not in off.index and off.loc["JPN", "official_count"] == 1751


def test_portfolio_and_find_place(lc: L.Lifecycle) -> None:
    pids, close = L.find_place(lc, "Beta", "DEU")
    assert len(pids) == 1 and close == []
    p = L.portfolio(lc, pids)
    assert sorted(p["partner"]) == ["Alpha", "Epsilon", "Gamma"]
    assert p.iloc[0]["partner"] == "Gamma" and p.iloc[0]["dormancy_class"] == "dormant"
    assert L.find_place(lc, "Betta") == ([], ["beta"])


def test_coverage_table_columns(lc: L.Lifecycle) -> None:
    cov = L.coverage_table(lc, min_ties=1, min_sources=3)
    assert {"country", "source", "observed", "estimated_total", "ci_low", "ci_high", "official_count",
            "official_year", "official_source"} <= set(cov.columns)
    deu = cov[(cov["country"] == "DEU") & (cov["source"] == "all")]
    assert deu["observed"].iloc[0] == 3 and deu["n_sources"].iloc[0] == 4


def test_live_wikidata_qualifiers_add_events() -> None:
    live_places = [{"place_id": QID[t], "name": TOWNS[t][0], "country": TOWNS[t][1], "lat": TOWNS[t][2],
                    "lon": TOWNS[t][3], "qid": QID[t], "level": "municipality"} for t in ("B", "C", "E")]
    spells = [{"tie_id": f"{QID['B']}|{QID['C']}", "a": QID["B"], "b": QID["C"], "kind": "twin",
               "start": pd.Timestamp("1991-05-01"), "start_precision": "month", "end": pd.Timestamp("2019-01-01"),
               "end_precision": "year", "end_status": "terminated", "reference": "wds:1"},
              {"tie_id": f"{QID['B']}|{QID['E']}", "a": QID["B"], "b": QID["E"], "kind": "twin", "rank": "deprecated",
               "reference": "wds:2"}]
    live = make_twindata(live_places, spells, Rejections(), 2, 2, source="wikidata-live",
                         observed=pd.Timestamp("2026-11-01"))
    srcs = [_source("wikipedia-lists-2026", "2026-02-01", [("B", "E", "a->b")], "wp:"),
            _source("wikidata-crawl-2016", "2016-09-01", [("B", "C", "both"), ("B", "E", "both")], "wd:")]
    lc2 = L.build(srcs, live=live, events=pd.DataFrame(columns=["city_a", "country_a", "city_b", "country_b", "event",
                                                               "date", "date_precision", "source", "note", "registry"]))
    ev = lc2.events.set_index("event")
    assert set(ev.index) == {"signed", "terminated", "deprecated"}
    assert ev.loc["terminated", "date"] == pd.Timestamp("2019-01-01")
    st = L.tie_status(lc2).set_index("tie_id")
    assert st.loc[tid(lc2, "B", "C"), "status"] == "terminated"
    assert st.loc[tid(lc2, "B", "E"), "status"] == "listed"


def test_known_places_population_and_loss_tables(lc: L.Lifecycle) -> None:
    cov = L.coverage_table(lc, min_ties=1, min_sources=3, known_places=True)
    deu = cov[(cov["country"] == "DEU") & (cov["source"] == "all")].iloc[0]
    # DEU's four sources (lists, crawl, 2017 query, German register; not the Czech one) all know Alpha, Beta
    # and Gamma: A-B and B-C stay, B-E drops out (only the lists know Epsilon)
    assert deu["observed"] == 2 and deu["n_sources"] == 4
    assert deu["population"] == "ties among towns all sources know"
    tables = L.loss_tables(L.tie_loss(lc))
    src = tables[tables["by"] == "source"].set_index("group")
    assert src.loc["germany-partnerships-2015", "n"] == 2 and src.loc["germany-partnerships-2015", "dropped"] == 1
    assert src.loc["wikidata-crawl-2016", "documented end"] == 1


def test_combine_coverage_extrapolates_with_known_town_shares() -> None:
    all_ties = pd.DataFrame({"country": ["DEU", "DEU"], "source": ["all", "wikipedia-lists-2026"],
                             "observed": [100, 60], "population": "all ties"})
    known = pd.DataFrame({"country": ["DEU", "DEU"], "source": ["all", "wikipedia-lists-2026"],
                          "observed": [40, 30], "capture_prob": [0.8, 0.6], "population": "ties among towns"})
    out = L.combine_coverage(all_ties, known)
    assert out.loc[1, "extrapolated_total"] == pytest.approx(100.0) and np.isnan(out.loc[0, "extrapolated_total"])
    assert len(out) == 4
