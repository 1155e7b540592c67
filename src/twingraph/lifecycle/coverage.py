"""Coverage: capture-recapture per country (or country pair) and per source, beside official
counts (see :mod:`twingraph.lifecycle`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from .. import recapture
from .core import EU2017_COUNTRIES, NEWEST, SYSTEMATIC, Lifecycle, read_package_csv, tie_histories

def _country_sources(lc: Lifecycle) -> dict[str, set[str]]:
    """Countries each systematic source covers as a whole."""
    places = lc.data.places.set_index("place_id")["country"]
    page = set(places.reindex(sorted(lc.home.get(NEWEST, set()))).dropna())
    all_c = set(places.dropna())
    return {"wikipedia-lists-2026": page, "wikidata-crawl-2016": all_c,
            "wikidata-eu-2017": set(EU2017_COUNTRIES), "germany-partnerships-2015": {"DEU"},
            "czechia-partnerships-2013": {"CZE"}}


def official_counts(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """One official count per country from the packaged ``official_counts.csv``: national totals
    only (rows whose ``count_kind`` names a partner country, a region, a subset or counts
    municipalities rather than ties are left out), the most recent year, then the largest count.

    Parameters
    ----------
    table : DataFrame, optional
        Rows in the columns of ``official_counts.csv`` (``country``, ``count``, ``year``,
        ``count_kind``, ``source``, all text); default: the packaged file.

    Returns
    -------
    DataFrame
        ``country``, ``official_count`` (int), ``official_year``, ``official_kind``,
        ``official_source``; empty (with these columns) when there is no table.
    """
    t = read_package_csv("official_counts.csv") if table is None else table
    if t is None or t.empty:
        return pd.DataFrame(columns=["country", "official_count", "official_year", "official_kind", "official_source"])
    t = t.copy()
    text = t["count_kind"].fillna("")
    subset = text.str.contains(r"\bwith\b|not ties|sever|terminat|Brandenburg|Saxon|North Rhine|Galician|Guanajuato|"
                               r"\bin (?:Ukraine|Russia)\b|aggregate|continental|sum over", case=False, regex=True)
    subset |= text.str.contains(r"\b[A-Z][A-Za-z]+-[A-Z][a-z]+", case=True, regex=True)  # "Japan-China", "US-Taiwan"
    t = t[~subset & t["country"].str.fullmatch(r"[A-Z]{3}") & (t["country"] != "XEU")]
    t["_count"] = pd.to_numeric(t["count"], errors="coerce")
    t["_year"] = pd.to_numeric(t["year"], errors="coerce")
    t = t.dropna(subset=["_count"]).sort_values(["country", "_year", "_count"], ascending=[True, False, False],
                                                na_position="last", kind="stable")
    best = t.groupby("country").head(1)
    return pd.DataFrame({"country": best["country"], "official_count": best["_count"].astype(int),
                         "official_year": best["_year"], "official_kind": best["count_kind"],
                         "official_source": best["source"]}).reset_index(drop=True)


def coverage_table(lc: Lifecycle, histories: pd.DataFrame | None = None, countries: Sequence[str] | None = None,
                   min_sources: int = 3, min_ties: int = 50, criterion: str = "aic",
                   pairs: bool = False, known_places: bool = False) -> pd.DataFrame:
    """Capture–recapture per country (or per country pair, ``pairs=True``) and per source.

    One row per (unit, source) plus a row ``source = "all"`` (the union): ``observed``,
    ``estimated_total`` with its profile 95% interval, ``capture_prob`` = observed / estimate (and
    its interval), the selected ``model`` (and the model BIC would select, with its estimate),
    ``chao_lb``, and the official count when known (with
    ``share_of_official`` = observed / official count, a cross-check that needs no model).

    ``known_places=True`` restricts each unit to ties whose two towns every one of its sources
    knows (names any tie of): a tie a source lists under a spelling the resolver did not link to
    the others' then drops out instead of posing as two ties each seen once, which inflates the
    estimate.  The estimate is then of ties among those towns only (``population`` column).

    Parameters
    ----------
    lc : Lifecycle
        The merged sources and what each covers.
    histories : DataFrame, optional
        :func:`tie_histories` of ``lc`` (computed when not given).
    countries : sequence of str, optional
        Only these units (ISO3 codes, or ``"AAA-BBB"`` pairs in sorted order with ``pairs=True``).
    min_sources : int
        Fewest systematic sources covering a unit for it to be estimated.
    min_ties : int
        Fewest ties its sources see for a unit to be estimated.
    criterion : {"aic", "bic"}
        Model selection (:func:`twingraph.recapture.estimate`); the other criterion's choice is
        reported beside it.
    pairs : bool
        Units are country pairs instead of countries.
    known_places : bool
        Keep only ties whose two towns every source of the unit knows.

    Returns
    -------
    DataFrame
        ``country`` (the unit), ``source``, ``observed``, ``estimated_total``, ``ci_low``,
        ``ci_high``, ``official_count``, ``official_year``, ``official_source``, ``official_kind``,
        ``share_of_official``, ``capture_prob``, ``capture_low``, ``capture_high``, ``model``,
        ``n_sources``, ``chao_lb``, ``population``, and the other criterion's ``model_*`` and
        ``estimated_total_*``; empty when no unit qualifies.
    """
    h = tie_histories(lc) if histories is None else histories
    seen = h[(h["state"] == "seen") & h["source"].isin(SYSTEMATIC)]
    member = pd.crosstab(seen["tie_id"], seen["source"]).clip(upper=1)
    ties = lc.ties.set_index("tie_id")
    places = lc.data.places.set_index("place_id")["country"]
    ca = places.reindex(ties["a"]).to_numpy()
    cb = places.reindex(ties["b"]).to_numpy()
    cov = _country_sources(lc)
    units: dict[str, np.ndarray] = {}
    if pairs:
        key = np.array(["-".join(sorted((str(x), str(y)))) for x, y in zip(ca, cb)])
        for u in pd.Series(key).value_counts().index:
            if "None" in u or "nan" in u:
                continue
            units[u] = key == u
    else:
        for c in sorted({x for x in (*ca, *cb) if isinstance(x, str)}):
            units[c] = (ca == c) | (cb == c)
    rows = []
    for unit, mask in units.items():
        if countries is not None and unit not in countries:
            continue
        members = set(unit.split("-"))
        srcs = [s for s in SYSTEMATIC if s in member.columns and members & cov[s]]
        if known_places and srcs:
            knows = [lc.known[s] for s in srcs]
            a_ok = np.array([all(x in k for k in knows) for x in ties["a"]])
            b_ok = np.array([all(x in k for k in knows) for x in ties["b"]])
            mask = mask & a_ok & b_ok
        ids = ties.index[mask]
        m = member.reindex(ids).fillna(0)[srcs] if srcs else None
        if m is None or len(srcs) < min_sources:
            continue
        m = m[m.sum(axis=1) > 0]
        if len(m) < min_ties:
            continue
        counts = recapture.capture_counts(m.to_numpy())
        kmax = min(4, len(srcs) * (len(srcs) - 1) // 2)
        est = recapture.estimate(counts, criterion=criterion, max_interactions=kmax)
        other = "bic" if criterion == "aic" else "aic"
        ok = est.table[est.table["converged"] & ~est.table["runaway"]]
        alt = (ok if len(ok) else est.table).sort_values([other, "model"]).iloc[0]
        base = {"country": unit, "population": "ties among towns all sources know" if known_places else "all ties",
                f"model_{other}": alt["model"], f"estimated_total_{other}": alt["N"], "n_sources": len(srcs),
                "model": est.model, "chao_lb": est.chao_lb,
                "estimated_total": est.N, "ci_low": est.ci_low, "ci_high": est.ci_high}
        rows.append({**base, "source": "all", "observed": len(m), "capture_prob": len(m) / est.N,
                     "capture_low": len(m) / est.ci_high, "capture_high": len(m) / est.ci_low})
        for s, r in zip(srcs, est.capture.itertuples(index=False)):
            rows.append({**base, "source": s, "observed": int(r.observed), "capture_prob": r.p_hat,
                         "capture_low": r.p_low, "capture_high": r.p_high})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    off = official_counts()
    out = out.merge(off, on="country", how="left")
    out["share_of_official"] = out["observed"] / out["official_count"]
    cols = ["country", "source", "observed", "estimated_total", "ci_low", "ci_high", "official_count",
            "official_year", "official_source", "official_kind", "share_of_official", "capture_prob", "capture_low",
            "capture_high",
            "model", "n_sources", "chao_lb", "population", f"model_{'bic' if criterion == 'aic' else 'aic'}",
            f"estimated_total_{'bic' if criterion == 'aic' else 'aic'}"]
    return out.reindex(columns=cols)


def combine_coverage(all_ties: pd.DataFrame, known: pd.DataFrame) -> pd.DataFrame:
    """Both populations of :func:`coverage_table` in one table, with ``extrapolated_total`` on the
    all-ties rows of each source: the ties the source lists in the country divided by its capture
    probability among the towns every source knows (a Horvitz–Thompson-type total that borrows the
    share from the population where linkage is reliable; it assumes the source holds the same share
    of the other towns' ties, and counts a tie listed under two unlinked spellings twice).

    Parameters
    ----------
    all_ties : DataFrame
        :func:`coverage_table` of all ties.
    known : DataFrame
        :func:`coverage_table` with ``known_places=True``.

    Returns
    -------
    DataFrame
        The rows of ``all_ties`` with ``extrapolated_total`` (NaN on ``source = "all"`` rows and
        where the source has no estimate among known towns), then the rows of ``known``.
    """
    k = known[known["source"] != "all"].set_index(["country", "source"])["capture_prob"]
    out = all_ties.copy()
    p = k.reindex(pd.MultiIndex.from_arrays([out["country"], out["source"]])).to_numpy()
    out["extrapolated_total"] = np.where(out["source"] != "all", out["observed"] / p, np.nan)
    return pd.concat([out, known], ignore_index=True)
