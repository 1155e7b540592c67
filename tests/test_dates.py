import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from twingraph.dates import format_partial_date, parse_partial_date, period_bounds, resolve_dates


@pytest.mark.parametrize(
    "text, expected, precision",
    [
        ("1957", "1957-01-01", "year"),
        ("1957-10", "1957-10-01", "month"),
        ("2020-01-14", "2020-01-14", "day"),
        ("+1956-04-09T00:00:00Z", "1956-04-09", "day"),  # Wikidata day precision
        ("+1944-00-00T00:00:00Z", "1944-01-01", "year"),  # Wikidata year precision writes 00
        ("+2017-12-00T00:00:00Z", "2017-12-01", "month"),
    ],
)
def test_parse_partial_date(text, expected, precision):
    ts, prec = parse_partial_date(text)
    assert ts == pd.Timestamp(expected)
    assert prec == precision


@pytest.mark.parametrize("text", ["", None, float("nan")])
def test_missing_date_is_unknown(text):
    assert parse_partial_date(text) == (None, "unknown")


@pytest.mark.parametrize("text", ["soon", "1957-13", "2019-02-30", "99999"])
def test_bad_dates_raise(text):
    with pytest.raises(ValueError):
        parse_partial_date(text)


def test_period_bounds():
    assert period_bounds(pd.Timestamp("1957-01-01"), "year") == (pd.Timestamp("1957-01-01"), pd.Timestamp("1958-01-01"))
    assert period_bounds(pd.Timestamp("2017-12-01"), "month") == (pd.Timestamp("2017-12-01"), pd.Timestamp("2018-01-01"))
    assert period_bounds(pd.Timestamp("2020-01-14"), "day") == (pd.Timestamp("2020-01-14"), pd.Timestamp("2020-01-15"))
    assert period_bounds(None, "unknown") == (None, None)


@given(st.dates(min_value=pd.Timestamp("1000-01-01").date(), max_value=pd.Timestamp("2200-12-31").date()),
       st.sampled_from(["day", "month", "year"]))
def test_format_parse_roundtrip_and_bounds_contain_date(d, precision):
    ts = pd.Timestamp(d)
    text = format_partial_date(ts, precision)
    first, prec = parse_partial_date(text)
    assert prec == precision
    lo, hi = period_bounds(first, prec)
    assert lo <= ts < hi


def test_resolve_dates_conventions():
    dates = pd.to_datetime(["1957-01-01", "1957-10-01", "1960-02-01", "1999-12-31", None, "1957-01-01"])
    prec = ["year", "month", "month", "day", "unknown", "unknown"]
    exp = {
        "earliest": ["1957-01-01", "1957-10-01", "1960-02-01", "1999-12-31", None, None],
        "midpoint": ["1957-07-02", "1957-10-16", "1960-02-15", "1999-12-31", None, None],
        "latest": ["1957-12-31", "1957-10-31", "1960-02-29", "1999-12-31", None, None],
    }
    for conv, want in exp.items():
        got = pd.Series(resolve_dates(dates, prec, conv))
        assert got.tolist()[:4] == list(pd.to_datetime(want[:4]))
        assert got.iloc[4:].isna().all()
    with pytest.raises(ValueError):
        resolve_dates(dates, prec, "first")


def test_resolve_dates_one_precision_and_length_check():
    got = resolve_dates(pd.to_datetime(["2000-02-01", "2001-02-01"]), "month", "latest")
    assert list(got.astype("datetime64[D]").astype(str)) == ["2000-02-29", "2001-02-28"]
    with pytest.raises(ValueError, match="precisions"):
        resolve_dates(pd.to_datetime(["2000-02-01"]), ["month", "day"], "latest")
