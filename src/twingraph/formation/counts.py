"""Partnerships of a dated register and formation counts per year or period."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from ..tables import TwinData


# ------------------------------------------------------------------------------------- partnerships
def partnerships(data: TwinData, focal: str | None = None) -> pd.DataFrame:
    """One row per partnership (unordered pair of places, any kind) of a register.

    Parameters
    ----------
    data : TwinData
        A loaded register (or any source with dated spells).
    focal : str, optional
        ISO3 code of the register's home country (``"DEU"``, ``"CZE"``).  Default: the country
        most places belong to.  The focal endpoint of a pair is the one in that country (the first
        one, ``a``, when both or neither are).

    Returns
    -------
    DataFrame
        ``pair_id, focal, partner, focal_country, partner_country, focal_subdivision, year, kinds,
        n_ties``: ``year`` (``Int64``) is the earliest start year over the pair's spells (``<NA>``
        when none is dated); ``kinds`` joins the pair's tie kinds with ``";"``.  Sorted by
        ``pair_id``.

    Examples
    --------
    >>> p = partnerships(tg.load("germany-partnerships-2015"))     # doctest: +SKIP
    >>> p["year"].min()                                             # doctest: +SKIP
    1913
    """
    places = data.places.set_index("place_id")
    if focal is None:
        focal = str(places["country"].value_counts().idxmax())
    s = data.spells
    year = pd.to_datetime(s["start"]).dt.year.where(s["start_precision"] != "unknown")
    df = pd.DataFrame({"a": s["a"].to_numpy(), "b": s["b"].to_numpy(), "kind": s["kind"].to_numpy(),
                       "year": year.to_numpy()})
    g = df.groupby(["a", "b"], sort=True)
    pairs = g.agg(year=("year", "min"), kinds=("kind", lambda x: ";".join(sorted(set(x)))),
                  n_ties=("kind", "size")).reset_index()
    ca = pairs["a"].map(places["country"])
    cb = pairs["b"].map(places["country"])
    swap = (cb == focal) & (ca != focal)
    pairs["focal"] = pairs["a"].where(~swap, pairs["b"])
    pairs["partner"] = pairs["b"].where(~swap, pairs["a"])
    pairs["focal_country"] = pairs["focal"].map(places["country"])
    pairs["partner_country"] = pairs["partner"].map(places["country"])
    pairs["focal_subdivision"] = pairs["focal"].map(places["subdivision"])
    pairs["pair_id"] = pairs["a"] + "|" + pairs["b"]
    pairs["year"] = pairs["year"].astype("Int64")
    cols = ["pair_id", "focal", "partner", "focal_country", "partner_country", "focal_subdivision",
            "year", "kinds", "n_ties"]
    return pairs[cols].sort_values("pair_id", kind="stable").reset_index(drop=True)


def formation_counts(
    pairs: pd.DataFrame,
    by: str | None = "partner_country",
    years: Iterable[int] | None = None,
    period: int = 1,
    groups: Sequence[str] | None = None,
) -> pd.DataFrame:
    """New partnerships per year (or per ``period`` years) and group, with each group's coverage.

    Parameters
    ----------
    pairs : DataFrame
        From :func:`partnerships`.
    by : str or None
        Column to group by (``"partner_country"``, ``"focal_subdivision"``, ...); ``None``: one
        group ``"all"``.
    years : iterable of int, optional
        Years to report (default: the range of dated years).  Pairs dated outside are counted in
        ``n_dated`` but not in any row.
    period : int
        1 for years; 10 for decades (``year`` is then the first year of the period, e.g. 1960).
    groups : sequence of str, optional
        Groups to report (default: every group present); a group with no pair gets zero rows.

    Returns
    -------
    DataFrame
        ``group, year, formed, n_pairs, n_dated, dated_share``; ``n_pairs`` counts the group's
        partnerships, ``n_dated`` those with a year (constant within a group).

    Examples
    --------
    >>> p = pd.DataFrame({"partner_country": ["FRA", "FRA", "POL"], "year": pd.array([1963, 1963, None], "Int64")})
    >>> formation_counts(p, years=[1963]).to_dict("records")[0]
    {'group': 'FRA', 'year': 1963, 'formed': 2, 'n_pairs': 2, 'n_dated': 2, 'dated_share': 1.0}
    """
    key = pairs[by].fillna("unknown").astype(str) if by is not None else pd.Series("all", index=pairs.index)
    yr = pairs["year"].astype("Int64")
    dated = yr.dropna().astype(int)
    if years is None:
        ys = list(range(int(dated.min()), int(dated.max()) + 1)) if len(dated) else []
    else:
        ys = sorted(int(y) for y in years)
    if period < 1:
        raise ValueError("period must be >= 1")
    bins = sorted({y - y % period for y in ys}) if period > 1 else ys
    gs = sorted(set(key)) if groups is None else list(groups)
    rows = []
    for grp in gs:
        mask = (key == grp).to_numpy()
        gy = yr[mask].dropna().astype(int)
        gy = gy[gy.isin(ys)] if ys else gy
        per = (gy - gy % period) if period > 1 else gy
        counts = per.value_counts()
        n = int(mask.sum())
        nd = int(yr[mask].notna().sum())
        for b in bins:
            rows.append({"group": grp, "year": int(b), "formed": int(counts.get(b, 0)), "n_pairs": n,
                         "n_dated": nd, "dated_share": nd / n if n else float("nan")})
    cols = ["group", "year", "formed", "n_pairs", "n_dated", "dated_share"]
    return pd.DataFrame(rows, columns=cols)


def formation_by_source(pairs: dict[str, pd.DataFrame], years: dict[str, Iterable[int]]) -> pd.DataFrame:
    """New partnerships per year of several registers, stacked, with their running totals.

    Parameters
    ----------
    pairs : dict of str to DataFrame
        :func:`partnerships` of each register (its name).
    years : dict of str to iterable of int
        Years counted for each register (the order of the output).

    Returns
    -------
    DataFrame
        :func:`formation_counts` (``by=None``) of each register with ``dataset`` and
        ``cumulative`` (running sum of ``formed`` within the register, from the first year shown).
    """
    out = pd.concat([formation_counts(pairs[n], by=None, years=ys).assign(dataset=n) for n, ys in years.items()])
    out["cumulative"] = out.groupby("dataset")["formed"].cumsum()
    return out


def top_groups_by_period(counts: pd.DataFrame, n: int = 8, other: str = "other") -> pd.DataFrame:
    """Formation per period of the ``n`` groups with most formation, the rest pooled as ``other``.

    Parameters
    ----------
    counts : DataFrame
        :func:`formation_counts` output (``group``, ``year``, ``formed``).
    n : int
        Number of groups kept.
    other : str
        Name of the pooled rest.

    Returns
    -------
    DataFrame
        Index ``year`` (period start), columns the top groups by total formation (descending),
        then ``other``; values the summed ``formed``.

    Examples
    --------
    >>> c = pd.DataFrame({"group": ["A", "B", "C", "A"], "year": [1950, 1950, 1960, 1960], "formed": [1, 2, 4, 5]})
    >>> top_groups_by_period(c, n=1).to_dict("list")
    {'A': [1, 5], 'other': [2, 4]}
    """
    tot = counts.groupby("group")["formed"].sum().sort_values(ascending=False)
    top = list(tot.index[:n])
    return counts.assign(group=counts["group"].where(counts["group"].isin(top), other)).pivot_table(
        index="year", columns="group", values="formed", aggfunc="sum")[top + [other]]


def period_labels(starts: Iterable[int], counts: Iterable[Any] | None = None,
                  last: tuple[int, str] | None = None) -> list[str]:
    """Axis labels of periods (decades): ``"1950s"``, optionally with a count on a second line.

    Parameters
    ----------
    starts : iterable of int
        First years of the periods.
    counts : iterable, optional
        A number per period, shown under the label.
    last : (int, str), optional
        Periods starting at or after ``last[0]`` are labelled ``last[1]`` (an incomplete last
        period, e.g. ``(2010, "2010-14")``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> period_labels([1990, 2000, 2010], [5, 7, 1], last=(2010, "2010-14"))
    ['1990s\\n5', '2000s\\n7', '2010-14\\n1']
    """
    st = list(starts)
    labels = [last[1] if last is not None and p >= last[0] else f"{p}s" for p in st]
    if counts is None:
        return labels
    return [f"{lab}\n{c}" for lab, c in zip(labels, counts)]


# -------------------------------------------------------------------------------------- event study
