"""Temporal network: date resolution, the incremental sweep vs the rebuild reference, growth."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twingraph.dates import period_bounds, resolve_spell_dates
from twingraph.graphs import active_mask
from twingraph.temporal import (
    SWEEP_COLUMNS, active_intervals, continent_of, eval_date, growth, sweep, sweep_rebuild,
)

PRECISIONS = ("day", "month", "year", "unknown")
BASE = pd.Timestamp("1988-01-01")
# day offsets from BASE that sit on year boundaries (Dec 31 / Jan 1), where at="year-end"/"year-start" bite
EDGE_DAYS = [(pd.Timestamp(y, 12, 31) - BASE).days for y in range(1989, 2001, 3)] + \
            [(pd.Timestamp(y, 1, 1) - BASE).days for y in range(1990, 2002, 3)]


def _partial(offset: int, precision: str) -> pd.Timestamp:
    """A date ``offset`` days after BASE, cut to the first day of its period."""
    if precision == "unknown":
        return pd.NaT
    t = BASE + pd.Timedelta(days=offset)
    if precision == "year":
        return pd.Timestamp(t.year, 1, 1)
    if precision == "month":
        return pd.Timestamp(t.year, t.month, 1)
    return t


offsets = st.one_of(st.integers(0, 15 * 365), st.sampled_from(EDGE_DAYS))


@st.composite
def spell_tables(draw, n_places: int = 7, max_ties: int = 14) -> pd.DataFrame:
    """Random spell tables: 1-2 spells per tie, partial dates of every precision, open ends, loops."""
    rows = []
    for t in range(draw(st.integers(0, max_ties))):
        a, b = sorted((draw(st.integers(0, n_places - 1)), draw(st.integers(0, n_places - 1))))
        for s in range(draw(st.integers(1, 2))):
            sp, ep = draw(st.sampled_from(PRECISIONS)), draw(st.sampled_from(PRECISIONS))
            so = draw(offsets)
            eo = so + draw(st.integers(0, 8 * 365))
            rows.append({"spell_id": f"t{t}#{s}", "tie_id": f"t{t}", "spell": s, "a": f"p{a}", "b": f"p{b}",
                         "start": _partial(so, sp), "start_precision": sp,
                         "end": _partial(eo, ep), "end_precision": ep})
    cols = ["spell_id", "tie_id", "spell", "a", "b", "start", "start_precision", "end", "end_precision"]
    df = pd.DataFrame(rows, columns=cols)
    df["start"] = pd.to_datetime(df["start"])
    df["end"] = pd.to_datetime(df["end"])
    return df


def _day(ts, precision, how):
    """One partial date resolved row by row from dates.period_bounds [lo, hi): first/middle/last day."""
    lo, hi = period_bounds(None if pd.isna(ts) else ts, precision)
    if lo is None:
        return None
    ndays = (hi - lo).days
    return {"earliest": lo, "latest": hi - pd.Timedelta(days=1), "midpoint": lo + pd.Timedelta(days=ndays // 2)}[how]


def _naive_resolve(spells: pd.DataFrame, convention: str) -> tuple[list, list]:
    """Row by row: (start, end) per spell, None when unknown."""
    s_how = "latest" if convention == "strict" else convention
    e_how = "earliest" if convention == "strict" else convention
    starts = [_day(r.start, r.start_precision, s_how) for r in spells.itertuples()]
    ends = [_day(r.end, r.end_precision, e_how) for r in spells.itertuples()]
    return starts, ends


# ------------------------------------------------------------------------------------ resolution
@settings(max_examples=60, deadline=None)
@given(spell_tables(), st.sampled_from(["earliest", "midpoint", "latest", "strict"]))
def test_resolve_dates_matches_period_bounds(spells, convention):
    start, end = resolve_spell_dates(spells, convention)
    want_s, want_e = _naive_resolve(spells, convention)
    for got, want in ((start, want_s), (end, want_e)):
        assert [None if np.isnat(x) else pd.Timestamp(x) for x in got] == want


def test_resolve_dates_hand_cases():
    spells = pd.DataFrame({
        "start": pd.to_datetime(["1957-01-01", "2017-12-01", "2020-01-14", None]),
        "start_precision": ["year", "month", "day", "unknown"],
        "end": pd.to_datetime(["2022-03-01", None, "2020-01-14", None]),
        "end_precision": ["month", "unknown", "day", "unknown"],
    })
    s, e = resolve_spell_dates(spells, "strict")
    assert list(s[:3]) == list(np.array(["1957-12-31", "2017-12-31", "2020-01-14"], dtype="datetime64[us]"))
    assert np.isnat(s[3])
    assert e[0] == np.datetime64("2022-03-01") and np.isnat(e[1])
    s, e = resolve_spell_dates(spells, "latest")
    assert e[0] == np.datetime64("2022-03-31") and e[2] == np.datetime64("2020-01-14")
    with pytest.raises(ValueError, match="convention"):
        resolve_spell_dates(spells, "middle")
    with pytest.raises(ValueError, match="precision"):
        resolve_spell_dates(spells.assign(start_precision=["decade", "year", "year", "year"]), "earliest")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spell_tables(), st.sampled_from(["earliest", "latest", "strict"]), st.sampled_from(["exclude", "include"]))
def test_active_intervals_agree_with_graphs_active_mask(spells, convention, undated):
    times = [eval_date(y, at) for y in range(1989, 2003, 2) for at in ("year-start", "year-end")]
    first, stop = active_intervals(spells, times, convention, undated)
    for k, t in enumerate(times):
        mask = active_mask(spells, t, dates=convention, undated=undated).to_numpy()
        assert np.array_equal((first <= k) & (k < stop), mask)


# ----------------------------------------------------------------------------------------- sweep
def hand_spells() -> pd.DataFrame:
    """A-B 1950 (open), B-C 1951 to 1960 (year precision), A-C 1952-06 (month), C-D undated,
    A-B friendship 1953-1955 (a parallel tie), D-E 1955-07-14 (day) to 1955-12-31 (day)."""
    rows = [
        ("AB", 0, "A", "B", "1950-01-01", "year", None, "unknown"),
        ("BC", 0, "B", "C", "1951-01-01", "year", "1960-01-01", "year"),
        ("AC", 0, "A", "C", "1952-06-01", "month", None, "unknown"),
        ("CD", 0, "C", "D", None, "unknown", None, "unknown"),
        ("ABf", 0, "A", "B", "1953-01-01", "year", "1955-01-01", "year"),
        ("DE", 0, "D", "E", "1955-07-14", "day", "1955-12-31", "day"),
    ]
    df = pd.DataFrame(rows, columns=["tie_id", "spell", "a", "b", "start", "start_precision", "end", "end_precision"])
    df["spell_id"] = df["tie_id"] + "#0"
    df["start"] = pd.to_datetime(df["start"])
    df["end"] = pd.to_datetime(df["end"])
    return df


def test_sweep_hand_case_year_end():
    out = sweep(hand_spells(), years=range(1950, 1962)).set_index("year")
    assert list(out.columns) == list(SWEEP_COLUMNS[1:])
    assert out["ties_active"].tolist() == [1, 2, 3, 4, 4, 3, 3, 3, 3, 3, 2, 2]
    assert out["ties_new"].tolist() == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    assert out["ties_ended"].tolist() == [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]
    # DE (1955-07-14 .. 1955-12-31) is not active on 1955-12-31: end is exclusive
    assert out.loc[1955, "nodes_active"] == 3
    assert out["edges_active"].tolist() == [1, 2, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2]
    assert out.loc[1952, "clustering"] == 1.0 and out.loc[1952, "max_kcore"] == 2
    assert out.loc[1952, "mean_degree"] == 2.0 and out.loc[1951, "mean_degree"] == 4 / 3
    assert out.loc[1951, "clustering"] == 0.0 and out.loc[1951, "max_kcore"] == 1
    assert out.loc[1960, "n_components"] == 1 and out.loc[1960, "lcc_share"] == 1.0


def test_sweep_hand_case_year_start_and_undated():
    out = sweep(hand_spells(), years=[1955, 1956], at="year-start").set_index("year")
    assert out.loc[1955, "ties_active"] == 3  # AB, BC, AC; ABf's end 1955-01-01 is exclusive
    assert out.loc[1955, "ties_ended"] == 1 and out.loc[1956, "ties_active"] == 3
    out = sweep(hand_spells(), years=[1955], undated="include").set_index("year")
    # CD (undated) counts as active; on 1955-12-31 the ties are AB, BC, AC, CD
    assert out.loc[1955, "ties_active"] == 4 and out.loc[1955, "nodes_active"] == 4
    assert out.loc[1955, "clustering"] == 3 / 5  # triangle ABC plus pendant D on C: 1 triangle, 5 triples


def test_sweep_strict_hand_case():
    out = sweep(hand_spells(), years=[1950, 1952], dates="strict", at="year-start").set_index("year")
    # strict: a "1950" start is certain only from its last day, 1950-12-31, so nothing is certainly
    # active on 1950-01-01
    assert out.loc[1950, "ties_active"] == 0 and np.isnan(out.loc[1950, "lcc_share"])
    out = sweep(hand_spells(), years=[1950, 1952], dates="strict").set_index("year")
    assert out.loc[1950, "ties_active"] == 1  # ...but AB is certainly active on 1950-12-31
    assert out.loc[1952, "ties_active"] == 3  # AB, BC, AC (started 1952-07-01 at the latest)


def test_sweep_empty_and_bad_input():
    empty = hand_spells().iloc[:0]
    out = sweep(empty, years=[2000, 2001])
    assert out["ties_active"].tolist() == [0, 0] and out["max_kcore"].tolist() == [0, 0]
    with pytest.raises(ValueError, match="increasing"):
        sweep(hand_spells(), years=[2001, 2000])
    with pytest.raises(ValueError, match="year-end"):
        sweep(hand_spells(), years=[2000], at="midyear")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(spell_tables(), st.sampled_from(["earliest", "latest", "strict"]), st.sampled_from(["exclude", "include"]),
       st.sampled_from(["year-end", "year-start"]))
def test_sweep_equals_rebuild(spells, convention, undated, at):
    years = range(1988, 2004)
    fast = sweep(spells, years, at=at, dates=convention, undated=undated)
    slow = sweep_rebuild(spells, years, at=at, dates=convention, undated=undated)
    pd.testing.assert_frame_equal(fast, slow)


@pytest.mark.slow
def test_sweep_undated_real_graph_matches_networkx(crawl):
    """The 2016 crawl has no dates: with undated="include" every year is the whole simple graph."""
    from twingraph.graphs import simple_graph

    H = simple_graph(crawl)
    out = sweep(crawl, years=[2016], undated="include").iloc[0]
    comps = [len(c) for c in nx.connected_components(H)]
    assert out["edges_active"] == H.number_of_edges() == 17401
    assert out["nodes_active"] == H.number_of_nodes()
    assert out["n_components"] == len(comps) and out["lcc_size"] == max(comps)
    assert out["clustering"] == pytest.approx(nx.transitivity(H), rel=1e-12)
    assert out["max_kcore"] == max(nx.core_number(H).values())
    assert sweep(crawl, years=[2016])["ties_active"].iloc[0] == 0  # excluded when undated


# ---------------------------------------------------------------------------------------- growth
def growth_data() -> tuple[pd.DataFrame, pd.DataFrame]:
    places = pd.DataFrame({"place_id": ["lyon", "bonn", "pek", "msk", "nyc", "x"],
                           "country": ["FRA", "DEU", "CHN", "RUS", "USA", None]})
    rows = [
        ("t1", 0, "bonn", "lyon", "1957-01-01", "year"),
        ("t1", 1, "bonn", "lyon", "1990-01-01", "year"),  # a restored spell does not form the tie again
        ("t2", 0, "lyon", "pek", "1990-05-01", "month"),
        ("t3", 0, "msk", "nyc", None, "unknown"),
        ("t4", 0, "lyon", "x", "1959-01-01", "year"),
    ]
    s = pd.DataFrame(rows, columns=["tie_id", "spell", "a", "b", "start", "start_precision"])
    s["start"] = pd.to_datetime(s["start"])
    return s, places


def test_growth_overall():
    s, places = growth_data()
    g = growth(s, places, years=range(1956, 1961))
    assert g["group"].unique().tolist() == ["all"]
    assert g["formed"].tolist() == [0, 1, 0, 1, 0]
    assert g["cumulative"].tolist() == [0, 1, 1, 2, 2]
    assert (g["n_ties"] == 4).all() and (g["n_dated"] == 3).all() and (g["dated_share"] == 0.75).all()
    full = growth(s)  # default years: 1957..1990
    assert full["year"].min() == 1957 and full["year"].max() == 1990 and full["cumulative"].iloc[-1] == 3


def test_growth_by_groups():
    s, places = growth_data()
    cp = growth(s, places, by="country_pair", years=[1990]).set_index("group")
    assert cp.loc["CHN-FRA", "formed"] == 1 and cp.loc["DEU-FRA", "cumulative"] == 1
    assert cp.loc["RUS-USA", "dated_share"] == 0.0 and cp.loc["unknown", "n_ties"] == 1
    ct = growth(s, places, by="continent", years=[1990]).set_index("group")
    # Europe: t1, t2, t4 (t4's partner unknown); Asia: t2; America and Europe: t3 undated
    assert ct.loc["Europe", "n_ties"] == 4 and ct.loc["Europe", "n_dated"] == 3
    assert ct.loc["Asia", "cumulative"] == 1 and ct.loc["America", "dated_share"] == 0.0
    pair = growth(s, places, by="continent_pair", years=[1990]).set_index("group")
    assert pair.loc["Asia-Europe", "formed"] == 1 and pair.loc["Europe", "cumulative"] == 1
    assert pair.loc["America-Europe", "n_dated"] == 0
    with pytest.raises(ValueError, match="places"):
        growth(s, by="continent")


def test_continent_of():
    assert continent_of("RUS") == "Europe" and continent_of("usa") == "America"
    assert continent_of("CHN") == "Asia" and continent_of("NAM") == "Africa"
    assert continent_of("ZZZ") is None and continent_of(None) is None
