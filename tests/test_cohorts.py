"""Shock cohorts: reading, validation, outcome rules, survival input, sensitivity bounds, geocoding.

Expected numbers are computed by hand in the comments (Kaplan–Meier products, Aalen–Johansen sums),
or are the counts of the shipped research files (src/twingraph/data/cohort_*.csv, COHORTS.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from twingraph import cohorts as C

SHOCKS = pd.DataFrame({"event_id": ["russia-invasion-2022"], "date": [pd.Timestamp("2022-02-24")]})
OUT_COLS = ("city_a,country_a,subdivision_a,level_a,city_b,country_b,subdivision_b,level_b,kind,event,date,"
            "date_precision,cause,shock_id,source,note")
TIES = """cohort,city_a,country_a,city_b,country_b,in_wikipedia_2026,in_germany_register_2015,register_year
russia-2022-DEU,Aa,DEU,Ra,RUS,True,True,1990
russia-2022-DEU,Bb,DEU,Rb,RUS,False,True,2000
russia-2022-DEU,Cc,DEU,Rc,RUS,False,True,1980
russia-2022-DEU,Dd,DEU,Rd,RUS,True,True,
russia-2022-USA,Ee,USA,Re,RUS,True,False,
"""
# Aa suspended day 10 (2022-03-06); Bb suspended day 30 (2022-03-26), later terminated;
# Dd maintained 2022-03-14 (day 18); Cc and Ee: searched, nothing found
OUTCOMES = OUT_COLS + """
Aa,DEU,,municipality,Ra,RUS,,municipality,twin,suspended,2022-03-06,day,war,russia-invasion-2022,https://a.example,
Bb,DEU,,municipality,Rb,RUS,,municipality,twin,suspended,2022-03-26,day,war,russia-invasion-2022,https://b.example,
Bb,DEU,,municipality,Rb,RUS,,municipality,twin,terminated,2023,year,war,russia-invasion-2022,https://b2.example,
Dd,DEU,,municipality,Rd,RUS,,municipality,twin,maintained,2022-03-14,day,,russia-invasion-2022,https://d.example,
Zz,DEU,,municipality,Rz,RUS,,municipality,twin,suspended,2022-03-01,day,,russia-invasion-2022,https://z.example,\
not in cohort
"""
SEARCHES = """cohort,city_a,country_a,city_b,country_b,searched_on,corpus,queries,result,note
russia-2022-DEU,Cc,DEU,Rc,RUS,2026-12-01,pages,q1 | q2,no documented change found,
russia-2022-USA,Ee,USA,Re,RUS,2026-12-01,pages,q1,no documented change found,
"""


def write(tmp: Path, ties: str = TIES, outcomes: str = OUTCOMES, searches: str = SEARCHES) -> tuple[Path, ...]:
    paths = (tmp / "cohort_t_ties.csv", tmp / "cohort_outcomes_t.csv", tmp / "cohort_searches_t.csv")
    for p, text in zip(paths, (ties, outcomes, searches)):
        p.write_text(text, encoding="utf-8")
    return paths


@pytest.fixture
def table(tmp_path: Path) -> pd.DataFrame:
    t, o, s = write(tmp_path)
    return C.cohort_table(*C.read_cohort_files([t], [o], [s]), shocks=SHOCKS)


def test_tidy_table(table: pd.DataFrame, tmp_path: Path) -> None:
    r = table.set_index("city_a")
    ties, outcomes, _ = C.read_cohort_files(*([p] for p in write(tmp_path)))  # the fixture's files
    assert len(table) == 5 and len(C.outside_cohort(ties, outcomes)) == 1
    assert r.loc["Aa", "status"] == "suspended" and r.loc["Aa", "end_source"] == "https://a.example"
    # first exit wins: suspended on 2022-03-26, the later termination is kept as a later event
    assert r.loc["Bb", "status"] == "suspended" and r.loc["Bb", "later_events"] == "terminated 2023"
    assert r.loc["Cc", "status"] == "no documented change" and r.loc["Cc", "n_queries"] == 2
    assert r.loc["Dd", "status"] == "maintained" and r.loc["Dd", "last_maintained"] == pd.Timestamp("2022-03-14")
    # provenance: the 2015 register predates the shock, the 2026 lists do not
    assert r["pre_shock"].tolist() == [True, True, True, True, False]
    assert r["absent_2026"].tolist() == [False, True, True, False, False]
    assert r.loc["Aa", "start_year"] == 1990 and not table["conflict"].any()
    s = C.survivorship(table).set_index("cohort")
    assert s.loc["russia-2022-DEU", "absent_2026"] == 2 and s.loc["russia-2022-DEU", "absent_2026_no_record"] == 1
    assert s.loc["russia-2022-DEU", "absent_2026_documented_end"] == 1 and s.loc["russia-2022-USA", "only_2026"] == 1


def test_every_tie_needs_outcome_or_search(tmp_path: Path) -> None:
    bad = SEARCHES.replace("russia-2022-DEU,Cc,DEU,Rc,RUS,2026-12-01,pages,q1 | q2,no documented change found,\n", "")
    t, o, s = write(tmp_path, searches=bad)
    with pytest.raises(C.CohortError, match=r"1 cohort tie\(s\) with neither.*Cc\|DEU\|Rc\|RUS"):
        C.cohort_table(*C.read_cohort_files([t], [o], [s]), shocks=SHOCKS)


def test_bad_files(tmp_path: Path) -> None:
    t, o, s = write(tmp_path, outcomes=OUTCOMES.replace(",maintained,", ",kept,"))
    with pytest.raises(C.CohortError, match="unknown event 'kept'"):
        C.read_cohort_files([t], [o], [s])
    t, o, s = write(tmp_path, outcomes=OUTCOMES.replace("https://a.example", ""))
    with pytest.raises(C.CohortError, match="without a source"):
        C.read_cohort_files([t], [o], [s])
    t, o, s = write(tmp_path, ties=TIES.replace("city_b,", "town_b,"))
    with pytest.raises(C.CohortError, match="missing column"):
        C.read_cohort_files([t], [o], [s])


def test_conflicts_and_partial_dates(tmp_path: Path) -> None:
    extra = (
        "Aa,DEU,,municipality,Ra,RUS,,municipality,twin,maintained,2022-05,month,,,https://a2.example,\n"
        "Cc,DEU,,municipality,Rc,RUS,,municipality,twin,suspended,2022-02,month,,,https://c.example,sources disagree\n"
        "Dd,DEU,,municipality,Rd,RUS,,municipality,twin,suspended,,unknown,,,https://d2.example,\n"
        "Ee,USA,,municipality,Re,RUS,,municipality,twin,terminated,2020,year,,,https://e.example,\n")
    t, o, s = write(tmp_path, outcomes=OUTCOMES + extra)
    r = C.cohort_table(*C.read_cohort_files([t], [o], [s]), shocks=SHOCKS).set_index("city_a")
    assert r.loc["Aa", "conflict"] and "dated after the first end" in r.loc["Aa", "conflict_reason"]
    assert r.loc["Cc", "conflict"] and "disagree" in r.loc["Cc", "conflict_reason"]
    # "2022-02" is clipped to [2022-02-24, 2022-02-28]: midpoint 2022-02-26, two days after the shock
    assert r.loc["Cc", "end_resolved"] == pd.Timestamp("2022-02-26")
    assert r.loc["Dd", "status"] == "suspended" and pd.isna(r.loc["Dd", "end_resolved"])
    assert r.loc["Ee", "status"] == "ended before shock"
    tab = r.reset_index()
    res = C.survival_table(tab)
    s_ = res.table
    assert len(s_) == 4 and res.dropped == 1  # Ee ended in 2020: never at risk
    # documented exact ends at days 2 (Cc), 10 (Aa), 30 (Bb): median 10 for Dd's undated end
    assert res.median_days == 10.0 and res.undated_ends == 1
    d = s_.set_index("tie_id")["duration"]
    assert d[tab["tie_id"][3]] == 10.0 and "median" in s_.set_index("tie_id").loc[tab["tie_id"][3], "imputed"]


def test_sensitivity_bounds_by_hand(table: pd.DataFrame) -> None:
    deu = table[table["cohort"] == "russia-2022-DEU"]
    # documented: ends at days 10 and 30 among 4 ties: S = 3/4 * 2/3 = 1/2 after day 30
    doc = C.share_ended(C.survival_table(deu), [0.5, 6])
    assert doc["share_ended"].tolist() == pytest.approx([0.25, 0.5])
    assert doc["at_risk"].tolist() == [3, 2]
    s = C.sensitivity_tables(deu, [6]).set_index("scenario")
    assert s.loc["documented", "median_days"] == 20.0  # median of days 10 and 30
    # Cc (no documented change) suspended at day 20: ends 10, 20, 30: S = 3/4 * 2/3 * 1/2 = 1/4
    assert s.loc["undocumented-ended", "share_ended"] == pytest.approx(0.75)
    # also Dd (maintained to day 18) at max(20, 18) = 20: every tie ends, S = 0
    assert s.loc["all-undocumented-ended", "share_ended"] == pytest.approx(1.0)
    # absent-2026: only Cc (absent from the 2026 lists, no record) is taken as ended
    assert s.loc["absent-2026-ended", "share_ended"] == pytest.approx(0.75)
    # censoring a maintained tie at its date instead of the search date: Dd leaves the risk set at day 18
    m = C.survival_table(deu, maintained="date").table.set_index("tie_id")
    assert m.loc[deu["tie_id"].iloc[3], "duration"] == 18.0


def test_competing_risks_add_up(table: pd.DataFrame) -> None:
    surv = C.survival_table(table).table
    surv.loc[1, "event_type"] = "terminated"  # Bb as a termination: two causes at days 10 and 30
    cif = C.cumulative_incidence(surv, [12]).set_index("cause")["cumulative_incidence"]
    # 5 ties: suspension at day 10 (1/5); termination at day 30 with 4 at risk: 4/5 * 1/4 = 1/5
    assert cif["suspended"] == pytest.approx(0.2) and cif["terminated"] == pytest.approx(0.2)
    km = C.share_ended(surv, [12])["share_ended"].iloc[0]
    assert cif.sum() == pytest.approx(km)


def test_cox_not_estimable_and_fitted() -> None:
    # every event in group x=1 while x=0 is at risk: monotone likelihood, no numbers
    surv = pd.DataFrame({"duration": [1.0, 2, 3, 4, 5, 6], "event": [1, 1, 1, 0, 0, 0], "x": [1, 1, 1, 0, 0, 0]})
    res = C.fit_cox(surv, ["x"])
    assert res["status"].iloc[0].startswith("not estimable") and np.isnan(res["hazard_ratio"].iloc[0])
    # interleaved: finite; the same estimate as twingraph.survival.CoxPH (years scale does not matter)
    from twingraph import CoxPH

    surv = pd.DataFrame({"duration": [1.0, 2, 3, 4, 5, 6, 7, 8], "event": [1, 1, 0, 1, 1, 0, 1, 0],
                         "x": [1, 0, 1, 1, 0, 0, 1, 0], "cl": list("aabbccdd")})
    res = C.fit_cox(surv, ["x"], cluster="cl").iloc[0]
    ref = CoxPH().fit(surv, duration_col="duration", covariates=["x"], cluster="cl")
    assert res["status"] == "fitted" and res["clusters"] == 4
    assert res["coef"] == pytest.approx(ref.params_["x"]) and res["se"] == pytest.approx(ref.standard_errors_["x"])


def test_reverse_geocoding_known_places() -> None:
    states = C.us_states([32.7767, 39.1653, 40.4842, 48.8566, np.nan], [-96.7970, -86.5264, -88.9937, 2.3522, 0.0])
    assert states.tolist() == ["Texas", "Indiana", "Illinois", None, None]


def test_name_matching_rule() -> None:
    assert C.normalize_place_name("Berlin – Neukölln") == "berlin neukolln"
    assert C._base_name("Oberursel (Taunus)") == "oberursel"
    assert C._base_name("Neunkirchen (district)") == "neunkirchen district"


def test_shipped_registry_counts() -> None:
    # counts of the research files (COHORTS.md): 201 ties of the first cohort file, 194 FIN/POL/Baltic
    # ties and the 2016 crawl's ties, merged per tie; every one has an outcome or a search
    ru = C.load_cohort("russia-2022")  # raises CohortError if a tie has neither an outcome nor a search
    assert (ru["status"] != "not researched").all()
    assert len(ru) == 460 and ru["cohort"].value_counts().to_dict() == {
        "russia-2022-DEU": 138, "russia-2022-USA": 111, "russia-2022-POL": 69, "russia-2022-FIN": 65,
        "russia-2022-LVA": 24, "russia-2022-LTU": 21, "russia-2022-GBR": 17, "russia-2022-EST": 15}
    assert ((ru["n_outcome_rows"] > 0) | ru["searched_on"].notna()).sum() == 460
    pre = ru[ru["pre_shock"]]
    assert len(pre) == 350 and int(pre["absent_2026"].sum()) == 217
    assert pre["status"].value_counts().to_dict() == {
        "no documented change": 214, "suspended": 66, "maintained": 33, "terminated": 31, "announced": 5,
        "ended before shock": 1}  # ended before: Chapel Hill–Saratov, terminated 2014
    reg = ru[ru["start_year"].notna()]  # the 75 ties of the 2015 German register
    assert len(reg) == 75 and set(reg["cohort"]) == {"russia-2022-DEU"} and reg["pre_shock"].all()
    assert int(reg["absent_2026"].sum()) == 38
    assert reg["status"].value_counts().to_dict() == {"no documented change": 37, "suspended": 25, "maintained": 11,
                                                       "announced": 2}
    cn, us = C.load_cohort("china"), C.load_cohort("us-state-laws")
    # with the 2016 crawl files: China 19 ties (1 pre-shock: Prague–Guangzhou; Sweden has no registered
    # shock), US state laws 26 (12 pre-shock)
    assert cn["cohort"].value_counts().to_dict() == {"china-SWE": 13, "china-CZE": 6}
    assert us["cohort"].value_counts().to_dict() == {"indiana-2024": 13, "texas-hb128": 13}
    assert int(cn["pre_shock"].sum()) == 1 and int(us["pre_shock"].sum()) == 12


def test_crawl_spellings_aligned_with_cohort_file() -> None:
    from importlib.resources import files

    root = Path(str(files("twingraph") / "data"))
    ties, _, _ = C.read_cohort_files(*C.COHORT_FILES["russia-2022"].paths(root))
    aligned = ties[ties["crawl_key"].notna()]
    assert sorted(zip(aligned["crawl_key"], aligned["tie_key"])) == [
        ("Bloomington–Normal|USA|Vladimir|RUS", "Bloomington|USA|Vladimir|RUS"),
        ("Bloomington–Normal|USA|Vladimir|RUS", "Normal|USA|Vladimir|RUS"),
        ("Ingolstadt|DEU|Moscow|RUS", "Ingolstadt|DEU|Central AO (Moscow)|RUS"),
        ("Kaarina|FIN|Sovetsky, Leningrad Oblast|RUS", "Kaarina|FIN|Sovetsky|RUS")]
    ing = ties[ties["tie_key"] == "Ingolstadt|DEU|Central AO (Moscow)|RUS"].iloc[0]
    assert ing["in_crawl_2016"] and ing["in_germany_register_2015"]
    # a district is not its city: Berlin – Reinickendorf stays its own tie (it has its own search row)
    assert "Berlin – Reinickendorf|DEU|Saint Petersburg|RUS" in set(ties["tie_key"])


def test_link_places_real(wikipedia) -> None:  # type: ignore[no-untyped-def]
    ru = C.link_places(C.load_cohort("russia-2022", unresearched="report"), wikipedia)
    assert ru[["place_a", "place_b"]].notna().to_numpy().mean() > 0.9  # place ends matched
    kiel = ru[(ru["city_a"] == "Kiel") & (ru["city_b"] == "Kaliningrad")].iloc[0]
    assert 550 < kiel["distance_km"] < 750  # Kiel–Kaliningrad is about 650 km
    assert ru.loc[ru["in_2026"], "in_data"].mean() > 0.95 and not ru.loc[~ru["in_2026"], "in_data"].any()


def test_crawl_file_merges_into_cohorts(tmp_path: Path) -> None:
    t, o, s = write(tmp_path)
    crawl = tmp_path / "cohort_t_crawl2016.csv"
    crawl.write_text("cohort,qid_a,city_a,country_a,qid_b,city_b,country_b,in_cohort_file\n"
                     "russia-2022-crawl2016-USA,Q1,Ee,USA,Q2,Re,RUS,True\n"
                     "russia-2022-crawl2016-USA,Q3,Ff,USA,Q4,Rf,RUS,False\n", encoding="utf-8")
    ties, out, se = C.read_cohort_files([t, crawl], [o], [s])
    assert C.provenance_columns(ties.columns) == ["in_wikipedia_2026", "in_germany_register_2015", "in_crawl_2016"]
    r = ties.set_index("city_a")
    assert len(ties) == 6 and r.loc["Ee", "cohort"] == "russia-2022-USA"  # one tie, two sources
    assert bool(r.loc["Ee", "in_crawl_2016"]) and bool(r.loc["Ee", "in_wikipedia_2026"])
    assert not r.loc["Ff", "in_wikipedia_2026"]
    with pytest.raises(C.CohortError, match="Ff"):  # Ff has neither an outcome nor a search
        C.cohort_table(ties, out, se, shocks=SHOCKS)
    tab = C.cohort_table(ties, out, se, shocks=SHOCKS, unresearched="report").set_index("city_a")
    assert (tab["status"] == "not researched").sum() == 1 and tab.loc["Ff", "status"] == "not researched"
    # the 2016 crawl predates the shock: Ee is now pre-shock attested, Ff is pre-shock and absent in 2026
    assert tab.loc["Ee", "pre_shock"] and tab.loc["Ff", "absent_2026"]
    assert len(C.survival_table(tab.reset_index()).table) == 5


def test_cox_partners_leaves_out_countries_without_events() -> None:
    rng = np.random.default_rng(0)
    n = 60
    surv = pd.DataFrame({"duration": rng.exponential(100, n).round() + 1, "event": rng.integers(0, 2, n),
                         "country_a": ["DEU"] * 30 + ["USA"] * 20 + ["GBR"] * 10, "z": rng.normal(size=n)})
    surv.loc[surv["country_a"] == "GBR", "event"] = 0
    res = C.fit_cox_partners(surv, ["z"]).set_index("covariate")
    assert res.loc["partner_GBR", "status"] == "not estimable: no documented end among 10 ties"
    assert res.loc["partner_DEU", "status"] == "reference" and res.loc["partner_USA_vs_DEU", "n"] == 50
    # the same fit as fit_cox on the DEU + USA rows with a USA dummy
    sub = surv[surv["country_a"] != "GBR"].assign(partner_USA_vs_DEU=lambda d: (d["country_a"] == "USA").astype(int))
    ref = C.fit_cox(sub, ["partner_USA_vs_DEU", "z"]).set_index("covariate")
    assert res.loc["z", "coef"] == pytest.approx(ref.loc["z", "coef"])


def test_plots_show_numbers_at_risk(table: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    deu = table[table["cohort"] == "russia-2022-DEU"]
    fig, (a1, a2, a3) = plt.subplots(1, 3)
    C.plot_share_ended(a1, {"DEU": deu}, ticks=[0, 6])
    texts = [t.get_text() for t in a1.texts]
    assert texts[:2] == ["4", "2"]  # 4 at the shock; after Aa (day 10) and Bb (day 30): 2 at 6 months
    assert a1.lines[0].get_ydata()[-1] == pytest.approx(0.5)  # documented share ended, as computed by hand
    C.plot_competing(a2, deu)
    assert {"suspended: documented", "terminated: no documented case"} <= set(a2.get_legend_handles_labels()[1])
    surv = pd.DataFrame({"duration": [1.0, 2, 3, 4, 5, 6, 7, 8], "event": [1, 1, 0, 1, 1, 0, 1, 0],
                         "x": [1, 0, 1, 1, 0, 0, 1, 0]})
    C.plot_forest(a3, C.fit_cox(surv, ["x"], model="m"))
    assert [t.get_text() for t in a3.get_yticklabels()] == ["x  [m; n=8, 5 ends]"]
    plt.close(fig)


@pytest.mark.skipif(not C.dyadic_supported(), reason="twingraph.survival.CoxPH has no dyad_cols yet")
def test_dyadic_equals_tie_clustering_when_no_place_is_shared() -> None:
    # every place in one tie only: the dyadic meat has only each tie's own score, = clustering by tie
    rng = np.random.default_rng(3)
    n = 40
    surv = pd.DataFrame({"duration": rng.exponential(100, n).round() + 1, "event": rng.integers(0, 2, n),
                         "z": rng.normal(size=n), "a": [f"a{i}" for i in range(n)], "b": [f"b{i}" for i in range(n)],
                         "tie": np.arange(n)})
    dy = C.fit_cox(surv, ["z"], dyad=("a", "b")).iloc[0]
    cl = C.fit_cox(surv, ["z"], "tie").iloc[0]
    assert dy["se_type"].startswith("dyadic") and dy["se"] == pytest.approx(cl["se"], rel=1e-8)
    # a shared place changes it
    surv.loc[: n // 2, "b"] = "hub"
    assert C.fit_cox(surv, ["z"], dyad=("a", "b")).iloc[0]["se"] != pytest.approx(cl["se"], rel=1e-3)


def test_fit_cox_refuses_two_dependence_structures() -> None:
    surv = pd.DataFrame({"duration": [1.0, 2], "event": [1, 0], "z": [0.0, 1], "a": ["x", "y"], "b": ["u", "v"]})
    with pytest.raises(ValueError, match="cluster or dyad"):
        C.fit_cox(surv, ["z"], "a", dyad=("a", "b"))


def test_maintained_fact_bounds_a_coarse_end(tmp_path: Path) -> None:
    # Witten-like: maintained 2022-03-31, suspended "2022": the end lies in [2022-03-31, 2022-12-31],
    # 276 days, midpoint as dates.resolve_dates: 2022-03-31 + floor(276 / 2) days = 2022-08-16
    extra = ("Cc,DEU,,municipality,Rc,RUS,,municipality,twin,maintained,2022-03-31,day,,,https://c.example,\n"
             "Cc,DEU,,municipality,Rc,RUS,,municipality,twin,suspended,2022,year,,,https://c2.example,\n")
    t, o, s = write(tmp_path, outcomes=OUTCOMES + extra)
    r = C.cohort_table(*C.read_cohort_files([t], [o], [s]), shocks=SHOCKS).set_index("city_a").loc["Cc"]
    assert r["status"] == "suspended" and r["end_after_maintained"] and not r["conflict"]
    assert r["end_resolved"] == pd.Timestamp("2022-08-16")


def test_unclipped_resolution_equals_dates_module() -> None:
    from twingraph.dates import resolve_dates

    d = pd.Series(pd.to_datetime(["2022-01-01", "2022-02-01", "2020-01-01", "2022-03-08"]))
    p = pd.Series(["year", "month", "year", "day"])
    for conv in ("earliest", "midpoint", "latest"):
        assert (C._clipped(d, p, pd.Timestamp("1900-01-01"), conv) == resolve_dates(d, p, conv)).all()


def test_qid_degrees_from_crawl(crawl) -> None:  # type: ignore[no-untyped-def]
    ru = C.link_qid_degrees(C.load_cohort("russia-2022", unresearched="report"), crawl)
    has = ru["qid_a"].notna()
    assert has.sum() > 250 and ru.loc[has, "degree_2016_a"].notna().mean() > 0.99
    # Moscow (Q649): distinct partners counted straight from the raw relations.tsv (either direction)
    import twingraph as tg

    rel = pd.read_csv(tg.datasets.path("wikidata-crawl-2016", "relations.tsv"), sep="\t", header=None, dtype=str)
    a, b = rel.iloc[:, 0].str.extract(r"(Q\d+)")[0], rel.iloc[:, 1].str.extract(r"(Q\d+)")[0]
    partners = set(b[a == "Q649"]) | set(a[b == "Q649"])
    row = ru[ru["qid_b"] == "Q649"].iloc[0]
    assert row["degree_2016_b"] == len(partners - {"Q649"}) > 10


def test_us_states_against_research(wikipedia) -> None:  # type: ignore[no-untyped-def]
    us = C.load_cohort("us-state-laws")
    rows, summ = C.check_us_states(us, wikipedia)
    assert summ["match_rate"] > 0.9 and summ["comparable"] >= 20
    r = rows.set_index("city_a")
    assert r.loc["Fort Worth", "state_geocoded"] == "Texas"
    # COHORTS.md: the lists' coordinates of Anderson, Columbus and Lafayette are namesakes in other states
    assert r.loc["Columbus", "state_geocoded"] == "Ohio" and r.loc["Columbus", "subdivision_a"] == "Indiana"


def test_survivorship_without_a_registered_shock_and_at_risk_convention() -> None:
    # COHORTS.md (China crawl): 9 Swedish–Chinese ties in the 2016 crawl, 5 of them missing from the
    # 2026 lists; Sweden has no registered shock, so none is "pre-shock" but the count still shows
    s = C.survivorship(C.load_cohort("china")).set_index("cohort").loc["china-SWE"]
    assert (s["earlier_source"], s["earlier_absent_2026"], s["pre_shock"]) == (9, 5, 0)
    assert s["only_2026"] == 4  # listed in 2026 and in no earlier source
    # at risk at t counts ends at exactly t (duration >= t, as R's summary(survfit, times=))
    surv = pd.DataFrame({"duration": [6 * C.DAYS_PER_MONTH, 400.0, 10.0], "event": [1, 0, 1]})
    assert C.at_risk(surv, [0, 6, 12, 14]) == [3, 2, 1, 0]


def test_partner_sets_share_ended_sets_and_outcome_counts(table: pd.DataFrame) -> None:
    t = table.assign(partner=table["country_a"])  # 4 DEU ties, 1 USA tie
    sets = C.partner_sets(t, "x", min_n=2)
    assert list(sets) == ["x: all", "x: DEU"] and len(sets["x: DEU"]) == 4
    assert list(C.partner_sets(t[t["partner"] == "DEU"], "d")) == ["d: all"]  # one country: no subsets
    km = C.share_ended_sets({"x": t}, months=[6])
    assert km["set"].tolist() == ["x: all", "x: DEU", "x: USA"]
    deu = km[km["set"] == "x: DEU"].iloc[0]
    assert deu["share_ended"] == pytest.approx(0.5) and deu["events"] == 2  # Aa and Bb suspended (see above)
    counts = C.outcome_counts(t)
    assert counts["ties"].sum() == len(t)
    assert counts.set_index(["cohort", "status"]).loc[("russia-2022-DEU", "suspended"), "ties"] == 2


def test_panel_figures(table: pd.DataFrame) -> None:
    import matplotlib.pyplot as plt

    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import box
    t = table.assign(partner=table["country_a"])
    fig, grid = plt.subplots(2, 2)
    C.plot_share_ended_panels(grid[0], grid[1], {"A": C.partner_sets(t, "a"), "B": C.partner_sets(t, "b", 9)},
                              ticks=[0, 6], xlabel="months")
    assert [ax.get_title() for ax in grid[0]] == ["A", "B"] and grid[0, 0].get_xlabel() == "months"
    assert [x.get_text() for x in grid[0, 1].get_legend().get_texts()][0].startswith("all (n=5")
    plt.close(fig)
    world = gpd.GeoDataFrame(geometry=[box(0, 40, 40, 60)])
    t = t.assign(lat_a=50.0, lon_a=10.0, lat_b=55.0, lon_b=37.0)
    fig = C.plot_map_panels(t, world, [(0, 40, 40, 60), (-10, 50, 30, 70)])
    assert len(fig.axes) == 2 and fig.axes[1].get_xlim() == (-10, 50)
    assert fig.axes[1].get_legend() is not None and fig.axes[0].get_legend() is None
    plt.close(fig)


def test_flow_map_figure(table: pd.DataFrame) -> None:
    """Europe above with its legend beside it, the US below; a tie outside a panel's frame is left out
    of that panel's line (no line leaves the frame)."""
    import matplotlib.pyplot as plt

    gpd = pytest.importorskip("geopandas")
    from shapely.geometry import box
    world = gpd.GeoDataFrame(geometry=[box(-170, 10, 180, 75)])
    t = table.assign(lat_a=50.0, lon_a=10.0, lat_b=55.0, lon_b=37.0)
    t.loc[t["country_a"] == "USA", ["lat_a", "lon_a"]] = [40.0, -90.0]  # Ee, the fixture's US tie
    t.loc[t["city_a"] == "Bb", ["lon_b"]] = 100.0  # its Russian partner lies outside panel (a)
    fig = C.plot_flow_map_figure(t, world)
    ax_a, side, ax_b = fig.axes[:3]
    assert ax_a.get_xlim() == (-12.0, 62.0) and ax_b.get_xlim() == (-165.0, 180.0)
    box_a = [x.get_text() for x in ax_a.texts if "ties," in x.get_text()][0]
    counted = sum(int(line.split(": ")[1].split(" ties")[0]) for line in box_a.splitlines())
    assert counted == len(t) - 2  # the US tie and the one with a partner outside the frame are left out
    assert "USA: 1 ties" in [x.get_text() for x in ax_b.texts if "ties," in x.get_text()][0]
    assert side.get_legend() is not None and len(side.child_axes) == 1  # the colour bar
    plt.close(fig)
