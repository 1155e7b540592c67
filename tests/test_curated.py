"""The curated registry (twingraph/data/curated_*.csv) and its loader."""

from __future__ import annotations

import csv
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twingraph.loaders.curated import EVENTS_FILE, TIE_EVENT_COLUMNS, TIE_EVENTS_FILE, load_curated
from twingraph.tables import EVENT_COLUMNS

T = pd.Timestamp


@pytest.fixture(scope="module")
def cur():  # type: ignore[no-untyped-def]
    return load_curated()


def spells_of(data, a: str, b: str, kind: str = "twin") -> pd.DataFrame:  # type: ignore[no-untyped-def]
    lo, hi = sorted([a, b])
    return data.spells[data.spells["tie_id"] == f"{lo}|{hi}|{kind}"].sort_values("spell")


def packaged_rows(name: str) -> list[dict[str, str]]:
    with (files("twingraph") / "data" / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


# ------------------------------------------------------------------------------ packaged registry
def test_every_row_of_both_files_cites_a_source() -> None:
    ties, events = packaged_rows(TIE_EVENTS_FILE), packaged_rows(EVENTS_FILE)
    assert len(ties) == 68 and len(events) == 14
    assert all(r["source"].strip() for r in ties)
    assert all(r["source"].strip() for r in events)
    assert all(r["source"].startswith(("seed:", "http://", "https://")) for r in ties)
    assert list(ties[0]) == list(TIE_EVENT_COLUMNS) and list(events[0]) == list(EVENT_COLUMNS)


def test_row_accounting_and_counts(cur) -> None:  # type: ignore[no-untyped-def]
    assert cur.rows_read == 68 + 14  # rows_read == loaded + rejected is enforced by tables.validate
    assert cur.rows_rejected == 0
    assert cur.notes["event_counts"] == {"signed": 47, "announced": 1, "suspended": 5, "terminated": 15,
                                         "lapsed": 0, "restored": 0}
    assert cur.notes["ties"] == cur.spells["tie_id"].nunique() == 56
    assert len(cur.spells) == 56 and len(cur.places) == 85 and len(cur.events) == 14
    assert cur.observed == T("2025-06-20")  # Texas HB 128 signed, the latest dated fact
    assert cur.source == "curated"


def test_osaka_san_francisco_one_spell_first_exit(cur) -> None:  # type: ignore[no-untyped-def]
    s = spells_of(cur, "cur:JPN:Osaka", "cur:USA:San Francisco")
    assert len(s) == 1
    row = s.iloc[0]
    assert (row["start"], row["start_precision"]) == (T("1957-10-01"), "month")
    # the December 2017 decision is an announcement; the end is the Japan Times date, and the
    # seed's October 9 is a disagreeing report of the same end
    assert (row["end"], row["end_precision"], row["end_status"]) == (T("2018-10-02"), "day", "terminated")
    assert row["end"].to_period("M") == pd.Period("2018-10", "M")
    assert row["conflict"] and row["n_rows"] == 4
    assert "[osaka-sf-comfort-women]" in row["end_cause"]


def test_dallas_saratov_suspended_then_terminated(cur) -> None:  # type: ignore[no-untyped-def]
    s = spells_of(cur, "cur:USA:Dallas", "cur:RUS:Saratov")
    assert len(s) == 1
    row = s.iloc[0]
    assert (row["start"], row["start_precision"]) == (T("2004-01-01"), "year")
    assert (row["end"], row["end_precision"], row["end_status"]) == (T("2022-03-01"), "month", "suspended")
    assert row["end_cause"].startswith("Russian invasion of Ukraine [russia-invasion-2022]; then terminated 2025")
    later = [e for e in cur.notes["later_end_events"] if e["spell_id"] == row["spell_id"]]
    assert later == [{"event": "terminated", "date": "2025", "line": 56, "same_status": False,
                      "spell_id": row["spell_id"]}]
    assert cur.notes["end_shock_ids"][row["spell_id"]] == "russia-invasion-2022"
    t = spells_of(cur, "cur:USA:Dallas", "cur:CHN:Tianjin").iloc[0]
    assert (t["start"], t["end"], t["end_status"]) == (T("1995-01-01"), T("2025-01-01"), "terminated")
    assert cur.notes["end_shock_ids"][t["spell_id"]] == "texas-hb128-2025"


def test_early_twinnings(cur) -> None:  # type: ignore[no-untyped-def]
    cv = spells_of(cur, "cur:GBR:Coventry", "cur:RUS:Volgograd").iloc[0]
    assert (cv["start"], cv["start_precision"]) == (T("1944-01-01"), "year")
    assert (cv["end"], cv["end_status"]) == (T("2022-03-23"), "suspended")
    rp = spells_of(cur, "cur:ITA:Rome", "cur:FRA:Paris").iloc[0]
    assert (rp["start"], rp["start_precision"]) == (T("1956-04-09"), "day") and pd.isna(rp["end_status"])
    tol = spells_of(cur, "cur:USA:Toledo", "cur:ESP:Toledo")
    assert len(tol) == 1 and tol.iloc[0]["start"] == T("1931-01-01")
    p = cur.places.set_index("place_id")
    assert p.loc["cur:USA:Toledo", "name"] == p.loc["cur:ESP:Toledo", "name"] == "Toledo"
    assert p.loc["cur:USA:Toledo", "subdivision"] == "Ohio"
    assert p.loc["cur:USA:Dallas", "subdivision"] == "Texas"
    assert {s.iloc[0]["start"].year for s in (spells_of(cur, "cur:GBR:Coventry", "cur:DEU:Kiel"),
                                              spells_of(cur, "cur:GBR:Coventry", "cur:DEU:Dresden"),
                                              spells_of(cur, "cur:GBR:Coventry", "cur:SRB:Belgrade"))} == {1947, 1956, 1957}


def test_alberta_sister_provinces(cur) -> None:  # type: ignore[no-untyped-def]
    s = cur.spells[(cur.spells["a"] == "cur:CAN:Alberta") | (cur.spells["b"] == "cur:CAN:Alberta")]
    years = {(k, int(y)) for k, y in zip(s["kind"], s["start"].dt.year)}
    assert years == {("twin", 1974), ("twin", 1980), ("twin", 1981), ("twin", 1999), ("twin", 2004),
                     ("twin", 2005), ("twin", 2017), ("twin", 2018),
                     ("cooperation", 2013), ("cooperation", 2015), ("cooperation", 2018)}
    p = cur.places.set_index("place_id")
    assert p.loc["cur:CAN:Alberta", "level"] == p.loc["cur:KOR:Gangwon", "level"] == "province"


def test_edirne_ties(cur) -> None:  # type: ignore[no-untyped-def]
    y = spells_of(cur, "cur:TUR:Edirne", "cur:BGR:Yambol", "partnership").iloc[0]
    assert (y["start"], y["end"], y["end_status"]) == (T("2008-01-01"), T("2010-11-01"), "suspended")
    h = spells_of(cur, "cur:TUR:Edirne", "cur:BGR:Haskovo").iloc[0]
    assert (h["end"], h["end_precision"], h["n_rows"], bool(h["conflict"])) == (T("2016-01-01"), "year", 3, False)
    b = spells_of(cur, "cur:TUR:Edirne", "cur:BGR:Burgas", "partnership").iloc[0]
    assert pd.isna(b["start"]) and pd.isna(b["end"]) and b["end_status"] == "terminated"


def test_shock_registry(cur) -> None:  # type: ignore[no-untyped-def]
    e = cur.events.set_index("event_id")
    assert (e.loc["russia-invasion-2022", "date"], e.loc["russia-invasion-2022", "date_precision"]) == (
        T("2022-02-24"), "day")
    assert (e.loc["russia-invasion-2022", "actors"], e.loc["russia-invasion-2022", "targets"]) == ("RUS", "UKR")
    assert set(e.loc["texas-hb128-2025", "targets"].split(";")) == {"CHN", "RUS", "IRN", "PRK"}
    assert e.loc["shanghai-prague-2020", "date"] == T("2020-01-14")
    # House Enrolled Act 1120 names six countries (youarecurrent.com, 2024-03-27)
    assert set(e.loc["indiana-ban-2024", "targets"].split(";")) == {"CHN", "CUB", "IRN", "PRK", "RUS", "VEN"}
    assert (e.loc["elysee-treaty-1963", "date"], e.loc["elysee-treaty-1963", "kind"]) == (T("1963-01-22"), "treaty")
    assert "crimea-annexation-2014" not in e.index  # no source here dates it
    assert set(e["kind"]) <= {"war", "annexation", "dispute", "law", "treaty", "political", "enlargement"}
    used = {r["shock_id"] for r in packaged_rows(TIE_EVENTS_FILE) if r["shock_id"]}
    assert used <= set(e.index)


# --------------------------------------------------------------------------- malformed fixtures
EVENTS_FIXTURE = """event_id,date,date_precision,kind,name,actors,targets,description,source
war-1,2022-02-24,day,war,A war,RUS,UKR,d,src
law-1,2025,year,law,A law,USA,QQQ,d,src
war-1,2023,year,war,Repeated id,RUS,UKR,d,src
"""

TIES_FIXTURE = """city_a,country_a,subdivision_a,level_a,city_b,country_b,subdivision_b,level_b,kind,event,date,date_precision,cause,shock_id,source,note
A,GBR,,municipality,B,RUS,,municipality,twin,signed,1990,year,,,s1,
A,GBR,,municipality,B,RUS,,municipality,twin,suspended,2022-03,month,war,war-1,s2,"a note
over two lines"
A,GBR,,municipality,B,RUS,,municipality,twin,terminated,2025,year,law,,s3,
C,USA,,municipality,D,ESP,,municipality,twin,signed,2020-13,,,,s4,
E,XXZ,,municipality,F,FRA,,municipality,twin,signed,2000,year,,,s5,
G,DEU,,municipality,H,FRA,,municipality,twin,restored,2001,year,,,s6,
I,ITA,,municipality,J,ESP,,municipality,twin,signed,2010,year,,,s7,
I,ITA,,municipality,J,ESP,,municipality,twin,terminated,2005,year,,,s8,
A,GBR,,municipality,B,RUS,,municipality,twin,signed,1990,year,,,s1,duplicate of line 2
K,JPN,,municipality,L,USA,,municipality,twin,terminated,2019,year,x,no-such-shock,s9,
M,NOR,,municipality,N,SWE,,municipality,twin,signed,1990,year,,,s10,
M,NOR,,municipality,N,SWE,,municipality,twin,suspended,2014,year,,,s10,
M,NOR,,municipality,N,SWE,,municipality,twin,restored,2016-05,month,,,s10,
M,NOR,,municipality,N,SWE,,municipality,twin,terminated,2022,year,,,s10,
O,POL,,municipality,P,UKR,,municipality,twin,signed,2000,year,,,s11,
O,POL,,municipality,P,UKR,,municipality,twin,suspended,2010,year,,,s11,
O,POL,,municipality,P,UKR,,municipality,twin,restored,2005,year,,,s11,
Q,JPN,,municipality,R,USA,,municipality,twin,signed,1957-10,month,,,s12,
Q,JPN,,municipality,R,USA,,municipality,twin,announced,2017-12,month,,,s12,
Q,JPN,,municipality,R,USA,,municipality,twin,terminated,2018-10-02,day,,,s12,
S,GBR,,municipality,T,RUS,,municipality,twin,suspended,2022,year,,,s13,
U,FIN,,municipality,V,EST,,municipality,twin,signed,2001,day,,,s14,
W,FIN,,municipality,X,EST,,municipality,twin,signed,2001,year
Y,FIN,,municipality,Z,EST,,municipality,twin,signed,2001,year,,,,
"""


@pytest.fixture
def fixture_data(tmp_path: Path):  # type: ignore[no-untyped-def]
    (tmp_path / "events.csv").write_text(EVENTS_FIXTURE, encoding="utf-8")
    (tmp_path / "ties.csv").write_text(TIES_FIXTURE, encoding="utf-8")
    return load_curated(tmp_path / "ties.csv", tmp_path / "events.csv")


def test_fixture_rejections_exact(fixture_data) -> None:  # type: ignore[no-untyped-def]
    got = list(zip(fixture_data.rejections["file"], fixture_data.rejections["line"],
                   fixture_data.rejections["reason"]))
    # events.csv is read first; ties.csv line 3 holds a two-line note, so later rows sit one line lower
    assert got == [
        ("events.csv", 3, "unknown-country"),
        ("events.csv", 4, "duplicate"),
        ("ties.csv", 6, "bad-date"),
        ("ties.csv", 7, "unknown-country"),
        ("ties.csv", 8, "restore-without-end"),
        ("ties.csv", 10, "end-before-start"),
        ("ties.csv", 11, "duplicate"),
        ("ties.csv", 12, "unknown-shock"),
        ("ties.csv", 19, "out-of-order"),
        ("ties.csv", 24, "precision-mismatch"),
        ("ties.csv", 25, "malformed-row"),
        ("ties.csv", 26, "missing-source"),
    ]
    assert fixture_data.rows_read == 3 + 24
    assert fixture_data.rows_loaded == 1 + 14


def test_fixture_spell_conventions(fixture_data) -> None:  # type: ignore[no-untyped-def]
    d = fixture_data
    ab = spells_of(d, "cur:GBR:A", "cur:RUS:B")  # suspended then terminated: first exit wins
    assert len(ab) == 1
    assert (ab.iloc[0]["end"], ab.iloc[0]["end_status"]) == (T("2022-03-01"), "suspended")
    assert ab.iloc[0]["end_cause"] == "war [war-1]; then terminated 2025: law"
    mn = spells_of(d, "cur:NOR:M", "cur:SWE:N")  # restored opens a second spell
    assert list(mn["spell"]) == [0, 1]
    assert list(mn["start"]) == [T("1990-01-01"), T("2016-05-01")]
    assert list(mn["end"]) == [T("2014-01-01"), T("2022-01-01")]
    assert list(mn["end_status"]) == ["suspended", "terminated"]
    assert list(mn["spell_id"]) == [f"cur:NOR:M|cur:SWE:N|twin#{i}" for i in (0, 1)]
    op = spells_of(d, "cur:POL:O", "cur:UKR:P")  # the out-of-order restore left the spell closed
    assert len(op) == 1 and op.iloc[0]["end_status"] == "suspended"
    qr = spells_of(d, "cur:JPN:Q", "cur:USA:R").iloc[0]  # an announcement does not close the spell
    assert (qr["end"], qr["n_rows"]) == (T("2018-10-02"), 3)
    stt = spells_of(d, "cur:GBR:S", "cur:RUS:T").iloc[0]  # an end with no signing: unknown start
    assert pd.isna(stt["start"]) and stt["start_precision"] == "unknown" and stt["end_status"] == "suspended"
    ij = spells_of(d, "cur:ITA:I", "cur:ESP:J").iloc[0]  # the rejected end left it open
    assert pd.isna(ij["end"]) and pd.isna(ij["end_status"])
    assert d.notes["event_counts"]["restored"] == 1 and d.notes["event_counts"]["announced"] == 1
    assert set(d.events["event_id"]) == {"war-1"}
    assert d.observed == T("2025-01-01")  # latest loaded date: A-B terminated 2025


def test_bad_header_raises(tmp_path: Path) -> None:
    (tmp_path / "ties.csv").write_text("city_a,country_a\nA,GBR\n", encoding="utf-8")
    with pytest.raises(ValueError, match="header"):
        load_curated(tmp_path / "ties.csv")


# --------------------------------------------------------------------- invariant (hypothesis)
_EVENTS = ("signed", "announced", "suspended", "terminated", "lapsed", "restored")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_EVENTS), st.one_of(st.none(), st.integers(1950, 2025))),
                min_size=1, max_size=8))
def test_any_event_sequence_accounts_for_every_row(tmp_path_factory, seq) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("seq")
    lines = [",".join(TIE_EVENT_COLUMNS)]
    for i, (ev, year) in enumerate(seq):
        date = "" if year is None else str(year)
        lines.append(f"A,GBR,,municipality,B,FRA,,municipality,twin,{ev},{date},,,,src{i},")
    (folder / "t.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "e.csv").write_text(",".join(EVENT_COLUMNS) + "\n", encoding="utf-8")
    d = load_curated(folder / "t.csv", folder / "e.csv")  # make_twindata validates the tables
    assert d.rows_read == len(seq)  # and == loaded + rejected: validate enforces it
    s = d.spells
    both = s["start"].notna() & s["end"].notna()
    assert (s.loc[both, "end"] >= s.loc[both, "start"]).all()
    assert (s["end_status"].isna().sum()) <= 1  # at most one open spell per tie
    assert int(s["n_rows"].sum()) == d.rows_loaded
