"""Dormancy signals, score and class per tie, validated against sourced labels; one place's
portfolio of ties (see :mod:`twingraph.lifecycle`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .core import (ACTIVE_EVENTS, DORMANCY_WEIGHTS, ENDED, EU2017_COUNTRIES, QUIET_YEARS, SYSTEMATIC, Lifecycle,
                   LifecycleError, _association_ties, _key, _name_index, match_ties, read_package_csv,
                   tie_histories, tie_status)

def dormancy(lc: Lifecycle, status: pd.DataFrame | None = None, histories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Dormancy signals, score and class per tie.

    Signals (0/1 unless said)
        ``one_sided``: stated on one town's Wikidata item only (2016 crawl; 2017 query when both
        towns lie in its 25 states, so that both sides were queried);
        ``missed_by_sources``: number of sources after the tie's first sighting that cover it and
        do not list it (capped at 2 in the score);
        ``absent_newer``: seen before and dropped from the 2026 lists, which cover it;
        ``documented_end``: a documented suspension or termination not followed by a restoration;
        ``quiet``: the latest dated activity (start or documented event) is more than
        :data:`QUIET_YEARS` years before 2026;
        ``association_only``: a tie between co-members of a twinning association that no register
        or curated source attests bilaterally;
        ``recent_activity``: a documented event (signed, restored, maintained) since 2015.

    Score and class: :data:`DORMANCY_WEIGHTS`.

    Parameters
    ----------
    lc : Lifecycle
        The merged sources, their Wikidata directions and documented events.
    status : DataFrame, optional
        :func:`tie_status` of ``lc`` (computed when not given).
    histories : DataFrame, optional
        :func:`tie_histories` of ``lc`` (computed when not given).

    Returns
    -------
    DataFrame
        One row per tie of ``status``: ``tie_id``, ``a``, ``b``, ``status``, ``first_seen``,
        ``last_seen``, ``sources``, ``evidence``, the seven signals, ``latest_dated_activity``
        (year), ``dormancy_score``, ``dormancy_class`` and ``signals`` (the names of the signals
        present, ``;``-joined).
    """
    st = tie_status(lc) if status is None else status
    h = tie_histories(lc) if histories is None else histories
    d = lc.directions
    one = set(d.loc[(d["source"] == "wikidata-crawl-2016") & (d["directions"] != "both"), "tie_id"])
    ties = lc.ties.set_index("tie_id")
    places = lc.data.places.set_index("place_id")["country"]
    eu = d[(d["source"] == "wikidata-eu-2017") & (d["directions"] != "both")]
    both_eu = (places.reindex(ties.loc[eu["tie_id"], "a"]).isin(EU2017_COUNTRIES).to_numpy()
               & places.reindex(ties.loc[eu["tie_id"], "b"]).isin(EU2017_COUNTRIES).to_numpy())
    one |= set(eu.loc[both_eu, "tie_id"])
    sys_h = h[h["source"].isin(SYSTEMATIC)]
    first = sys_h[sys_h["state"] == "seen"].groupby("tie_id")["year"].min()
    later = sys_h.assign(first=sys_h["tie_id"].map(first))
    missed = later[(later["state"] == "not seen") & (later["year"] > later["first"])].groupby("tie_id").size()
    ev = lc.events[lc.events["tie_id"].notna()]
    recent = set(ev.loc[ev["event"].isin(ACTIVE_EVENTS) & (ev["date"] >= pd.Timestamp("2015-01-01")), "tie_id"])
    att = lc.data.attestations
    start = att[att["start"].notna()].groupby("tie_id")["start"].max().dt.year
    evy = ev[ev["date"].notna()].groupby("tie_id")["date"].max().dt.year
    latest = pd.concat([start, evy], axis=1).max(axis=1)
    bilateral = set(att.loc[att["source"].isin(["germany-partnerships-2015", "czechia-partnerships-2013", "curated"]),
                            "tie_id"])
    assoc = _association_ties(lc)
    out = st[["tie_id", "a", "b", "status", "first_seen", "last_seen", "sources", "evidence"]].copy()
    t = out["tie_id"]
    out["one_sided"] = t.isin(one).astype(int)
    out["missed_by_sources"] = missed.reindex(t).fillna(0).astype(int).to_numpy()
    out["absent_newer"] = (out["status"] == "dropped").astype(int)
    out["documented_end"] = out["status"].isin(ENDED).astype(int)
    out["latest_dated_activity"] = latest.reindex(t).to_numpy()
    out["quiet"] = (2026 - out["latest_dated_activity"] > QUIET_YEARS).fillna(False).astype(int)
    out["association_only"] = (t.isin(assoc) & ~t.isin(bilateral)).astype(int)
    out["recent_activity"] = t.isin(recent).astype(int)
    w = DORMANCY_WEIGHTS
    score = (w["absent_newer"] * out["absent_newer"] + w["one_sided"] * out["one_sided"]
             + w["missed_by_sources"] * out["missed_by_sources"].clip(upper=2) + w["quiet"] * out["quiet"]
             + w["association_only"] * out["association_only"] + w["recent_activity"] * out["recent_activity"])
    out["dormancy_score"] = score
    out["dormancy_class"] = np.select([out["documented_end"] == 1, score >= 3, score >= 1],
                                      ["ended", "dormant", "at risk"], "no signal")
    names = ["one_sided", "missed_by_sources", "absent_newer", "documented_end", "quiet", "association_only",
             "recent_activity"]
    out["signals"] = [";".join(n for n in names if r[n]) for r in out[names].to_dict("records")]
    return out


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n (``(nan, nan)`` when n = 0).

    Parameters
    ----------
    k : int
        Successes.
    n : int
        Trials.
    level : float
        Confidence level.

    Returns
    -------
    (float, float)
        Lower and upper bounds.

    Examples
    --------
    >>> tuple(round(x, 4) for x in wilson_interval(8, 10))
    (0.4902, 0.9433)
    """
    if n == 0:
        return float("nan"), float("nan")
    from scipy import stats

    z = float(stats.norm.ppf(0.5 + level / 2))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def validate_dormancy(lc: Lifecycle, scores: pd.DataFrame, labels: pd.DataFrame | None = None) -> dict[str, Any]:
    """Precision and recall of the dormancy class against sourced labels (``dormancy_labels.csv``).

    A tie is predicted dormant when its class is ``dormant`` or ``ended``; the labels' ``dormant``
    are positives, ``active`` negatives.  Also at every score threshold (``thresholds``) and without
    the documented-end signal (``without_documented``: the labels and the registries can share
    sources), and over every label whose two towns are known with a pair that no source lists
    counted as predicted dormant (``with_absent``).  Intervals: Wilson 95%.

    Parameters
    ----------
    lc : Lifecycle
        The merged sources the labels are matched to (:func:`match_ties`).
    scores : DataFrame
        :func:`dormancy` of ``lc``.
    labels : DataFrame, optional
        Rows with ``city_a``, ``country_a``, ``city_b``, ``country_b`` and ``label`` (only
        ``dormant`` and ``active`` rows are used); default: the packaged ``dormancy_labels.csv``.

    Returns
    -------
    dict of str to object
        ``labels``, ``matched`` (labels matched to a tie), ``dormant`` and ``active`` (matched);
        ``main``, ``without_documented`` and ``with_absent``: ``tp``, ``fp``, ``fn``, ``tn``,
        ``precision`` and ``recall`` with their Wilson bounds, ``n``; ``thresholds`` (DataFrame,
        the same at score >= 1, 2, 3, 4); ``places_matched`` (labels with both towns found),
        ``absent_by_label`` (labels of those whose pair is no tie) and ``table`` (the labels with
        their match, score and class).

    Raises
    ------
    LifecycleError
        When there are no labels.
    """
    lab = read_package_csv("dormancy_labels.csv") if labels is None else labels
    if lab is None or lab.empty:
        raise LifecycleError("no dormancy labels (twingraph/data/dormancy_labels.csv)")
    lab = lab[lab["label"].isin(["dormant", "active"])]
    m = match_ties(lc, lab)
    sc = scores.set_index("tie_id")
    m["matched"] = m["tie_id"].notna()
    mm = m[m["matched"]].copy()
    mm["score"] = sc["dormancy_score"].reindex(mm["tie_id"]).to_numpy()
    mm["class"] = sc["dormancy_class"].reindex(mm["tie_id"]).to_numpy()
    mm["documented_end"] = sc["documented_end"].reindex(mm["tie_id"]).to_numpy()
    y = (mm["label"] == "dormant").to_numpy()

    def _pr(pred: np.ndarray, truth: np.ndarray | None = None) -> dict[str, float]:
        t = y if truth is None else truth
        tp, fp, fn = int((pred & t).sum()), int((pred & ~t).sum()), int((~pred & t).sum())
        p_lo, p_hi = wilson_interval(tp, tp + fp)
        r_lo, r_hi = wilson_interval(tp, tp + fn)
        return {"tp": tp, "fp": fp, "fn": fn, "tn": int((~pred & ~t).sum()),
                "precision": tp / (tp + fp) if tp + fp else float("nan"), "precision_low": p_lo,
                "precision_high": p_hi, "recall": tp / (tp + fn) if tp + fn else float("nan"),
                "recall_low": r_lo, "recall_high": r_hi, "n": int(len(t))}

    main = _pr(mm["class"].isin(["dormant", "ended"]).to_numpy())
    without = _pr((mm["score"] >= 3).to_numpy())
    thr = pd.DataFrame([{"threshold": t, **_pr((mm["score"] >= t).to_numpy())} for t in (1, 2, 3, 4)])
    # labels whose two towns are known: a pair in no source at all counts as predicted dormant
    both = m[m["place_a"].notna() & m["place_b"].notna()].copy()
    cls = sc["dormancy_class"].reindex(both["tie_id"]).to_numpy()
    y_all = (both["label"] == "dormant").to_numpy()
    pred_all = both["tie_id"].isna().to_numpy() | np.isin(cls, ["dormant", "ended"])
    absent = _pr(pred_all, y_all)
    table = m.merge(mm[["tie_id", "score", "class"]].drop_duplicates("tie_id"), on="tie_id", how="left")
    return {"labels": len(lab), "matched": int(m["matched"].sum()), "dormant": int(y.sum()),
            "active": int((~y).sum()), "main": main, "without_documented": without, "thresholds": thr,
            "with_absent": absent, "places_matched": len(both),
            "absent_by_label": both.loc[both["tie_id"].isna(), "label"].value_counts().to_dict(), "table": table}



def validation_table(val: Mapping[str, Any]) -> pd.DataFrame:
    """:func:`validate_dormancy`'s results as one row per decision rule.

    Parameters
    ----------
    val : mapping
        :func:`validate_dormancy`'s result.

    Returns
    -------
    DataFrame
        ``rule``, the counts, precision and recall with their bounds and ``n`` of each rule, then
        ``labels`` and ``matched``.
    """
    rows = [{"rule": "class dormant or ended", **val["main"]},
            {"rule": "score >= 3 (documented ends not used)", **val["without_documented"]},
            {"rule": "class dormant or ended, or the pair in no source (labels whose towns are known)",
             **val["with_absent"]}]
    rows += [{"rule": f"score >= {r['threshold']}", **{k: v for k, v in r.items() if k != "threshold"}}
             for r in val["thresholds"].to_dict("records")]
    return pd.DataFrame(rows).assign(labels=val["labels"], matched=val["matched"])



# ------------------------------------------------------------------------------------- portfolio
def find_place(lc: Lifecycle, city: str, country: str | None = None) -> tuple[list[str], list[str]]:
    """The merged place(s) named ``city`` (in ``country``), in any source's spelling.

    Parameters
    ----------
    lc : Lifecycle
        The merged sources.
    city : str
        The name, in any spelling a source uses (matched on its normalised, transliterated form).
    country : str, optional
        ISO3 code restricting the search.

    Returns
    -------
    (list of str, list of str)
        ``(place_ids, [])`` when the name stands for one real place: one merged id, or several ids
        of one country within 10 km of each other (spellings the resolver kept apart, e.g. a list
        page's name and a QID); else ``([], candidates)``: the places sharing the name
        (``"Name (ISO3)"``, at most 8) or up to 5 close names.
    """
    import difflib

    from ..measures.geography import haversine_km

    if not hasattr(lc, "_names"):
        lc._names = _name_index(lc)  # type: ignore[attr-defined]
    full, _ = lc._names  # type: ignore[attr-defined]
    key = _key(city)
    hits: set[str] = set()
    for (cc, nm), ids in full.items():
        if nm == key and (country is None or cc == country):
            hits |= ids
    places = lc.data.places.set_index("place_id")
    if hits:
        p = places.loc[sorted(hits)]
        xy = p.dropna(subset=["lat", "lon"])
        near = len(xy) < 2 or float(np.nanmax(haversine_km(
            xy["lat"].to_numpy()[:, None], xy["lon"].to_numpy()[:, None],
            xy["lat"].to_numpy()[None, :], xy["lon"].to_numpy()[None, :]))) <= 10.0
        if p["country"].nunique(dropna=False) == 1 and near:
            return sorted(hits), []
        return [], sorted({f"{places.at[h, 'name']} ({places.at[h, 'country']})" for h in hits})[:8]
    names = sorted({nm for (cc, nm) in full if country is None or cc == country})
    return [], difflib.get_close_matches(key, names, n=5, cutoff=0.75)


def portfolio(lc: Lifecycle, place_id: str | Sequence[str], scores: pd.DataFrame | None = None,
              histories: pd.DataFrame | None = None) -> pd.DataFrame:
    """One place's ties (``place_id``: its merged id, or several ids of one place, as
    :func:`find_place` returns): partner, partner_country, sources with their dates, status with
    evidence, signals, dormancy score and class, partner coordinates.

    Parameters
    ----------
    lc : Lifecycle
        The merged sources.
    place_id : str or sequence of str
        The place's merged id(s).
    scores : DataFrame, optional
        :func:`dormancy` of ``lc`` (computed when not given).
    histories : DataFrame, optional
        :func:`tie_histories` of ``lc`` (computed when not given).

    Returns
    -------
    DataFrame
        One row per tie of the place: ``partner``, ``partner_country``, ``status``,
        ``dormancy_class``, ``dormancy_score``, ``signals``, ``sources``, ``first_seen``,
        ``last_seen``, ``evidence``, ``history`` (each source's year and state), ``tie_id``,
        ``partner_id``, ``partner_lat``, ``partner_lon``; highest score first, then by partner.
    """
    h = tie_histories(lc) if histories is None else histories
    sc = dormancy(lc, histories=h) if scores is None else scores
    ids = {place_id} if isinstance(place_id, str) else set(place_id)
    mine = sc[sc["a"].isin(ids) | sc["b"].isin(ids)].copy()
    places = lc.data.places.set_index("place_id")
    partner = np.where(mine["a"].isin(ids), mine["b"], mine["a"])
    mine["partner_id"] = partner
    mine["partner"] = places["name"].reindex(partner).to_numpy()
    mine["partner_country"] = places["country"].reindex(partner).to_numpy()
    mine["partner_lat"] = places["lat"].reindex(partner).to_numpy()
    mine["partner_lon"] = places["lon"].reindex(partner).to_numpy()
    hh = h[h["tie_id"].isin(set(mine["tie_id"]))]
    year = hh["year"].astype("string").fillna("undated")
    txt = hh["source"].astype("string").fillna("?") + " " + year + ": " + hh["state"].astype("string").fillna("?")
    obs = hh.assign(txt=txt.astype(str)).groupby("tie_id")["txt"].agg("; ".join)
    mine["history"] = obs.reindex(mine["tie_id"]).to_numpy()
    if "evidence" not in mine:  # scores from an older dormancy table
        mine["evidence"] = tie_status(lc, h).set_index("tie_id")["evidence"].reindex(mine["tie_id"]).to_numpy()
    cols = ["partner", "partner_country", "status", "dormancy_class", "dormancy_score", "signals", "sources",
            "first_seen", "last_seen", "evidence", "history", "tie_id", "partner_id", "partner_lat", "partner_lon"]
    return mine.reindex(columns=cols).sort_values(["dormancy_score", "partner"], ascending=[False, True]).reset_index(
        drop=True)


def to_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records (NaN -> None, numpy scalars -> Python).

    Parameters
    ----------
    df : DataFrame
        Any table.

    Returns
    -------
    list of dict
        One dict per row, column name to value.
    """
    out = []
    for r in df.to_dict("records"):
        out.append({k: (None if (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT else
                        v.item() if hasattr(v, "item") else v) for k, v in r.items()})
    return out
