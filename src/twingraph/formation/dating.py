"""Cross-source dating: the same tie dated by two sources, do the years agree?"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..measures.geography import haversine_km


def _alike(x: object, y: object, min_score: float) -> bool:
    from anyascii import anyascii
    from rapidfuzz import fuzz

    a, b = anyascii(str(x)).lower(), anyascii(str(y)).lower()
    return bool(fuzz.partial_ratio(a, b) >= min_score)


def dating_agreement(
    pairs_a: pd.DataFrame,
    places_a: pd.DataFrame,
    pairs_b: pd.DataFrame,
    places_b: pd.DataFrame,
    max_km: float = 10.0,
    min_name_score: float = 80.0,
) -> pd.DataFrame:
    """Partnerships dated by two sources, matched by the coordinates, countries and names of both ends.

    Two partnerships match when their endpoints pair up with the same countries, each pair of
    corresponding endpoints lies within ``max_km`` of each other, and each pair of names is alike:
    ``rapidfuzz.fuzz.partial_ratio`` of the transliterated (``anyascii``), lower-cased names at least
    ``min_name_score`` ("Cesky Krumlov (Böhm. Krummau)" and "Český Krumlov" score 100; neighbouring
    villages 10 km apart do not).  Names only in another language ("Drážďany" for Dresden) are
    missed: the count of matches is a lower bound.  Each partnership of ``pairs_a`` is matched to at
    most one of ``pairs_b`` (the nearest in summed distance), and vice versa.

    Parameters
    ----------
    pairs_a, pairs_b : DataFrame
        From :func:`partnerships`.
    places_a, places_b : DataFrame
        Their places tables (coordinates).
    max_km : float
        Largest distance between corresponding endpoints.
    min_name_score : float
        Smallest name similarity (0-100) of corresponding endpoints.

    Returns
    -------
    DataFrame
        One row per matched partnership: ``pair_a, pair_b, names_a, names_b, year_a, year_b,
        difference`` (``year_b - year_a``; ``<NA>`` when either is undated), ``distance_km`` (sum
        over both ends) and ``rule`` (``"coordinates+names"``, or ``"names"`` when an end lacks
        coordinates -- the curated registry has none -- and only names and countries decide).
    """
    def table(pairs: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
        """A copy of ``pairs`` with ``<side>_lat``, ``<side>_lon``, ``<side>_name`` for ``focal`` and ``partner``.

        Parameters
        ----------
        pairs : DataFrame
            Partnerships (``focal``, ``partner`` place ids).
        places : DataFrame
            Places table of the same source.

        Returns
        -------
        DataFrame
        """
        pl = places.set_index("place_id")
        t = pairs.copy()
        for side in ("focal", "partner"):
            t[f"{side}_lat"] = t[side].map(pl["lat"]).astype(float)
            t[f"{side}_lon"] = t[side].map(pl["lon"]).astype(float)
            t[f"{side}_name"] = t[side].map(pl["name"])
        return t

    ta, tb = table(pairs_a, places_a), table(pairs_b, places_b)
    rows = []
    for _, ra in ta.iterrows():
        ca = {ra["focal_country"], ra["partner_country"]}
        cand = tb[[{x, y} == ca for x, y in zip(tb["focal_country"], tb["partner_country"])]]
        if cand.empty:
            continue
        best = None
        for ea, eb in (("focal", "partner"), ("partner", "focal")):  # A's focal end <-> B's `ea` end
            same = (cand[f"{ea}_country"] == ra["focal_country"]) & (cand[f"{eb}_country"] == ra["partner_country"])
            c = cand[same]
            if c.empty:
                continue
            d1 = haversine_km(ra["focal_lat"], ra["focal_lon"], c[f"{ea}_lat"], c[f"{ea}_lon"])
            d2 = haversine_km(ra["partner_lat"], ra["partner_lon"], c[f"{eb}_lat"], c[f"{eb}_lon"])
            located = ~(np.isnan(d1) | np.isnan(d2))
            ok = ~located | ((d1 <= max_km) & (d2 <= max_km))
            ok &= np.array([_alike(ra["focal_name"], x, min_name_score)
                            and _alike(ra["partner_name"], y, min_name_score)
                            for x, y in zip(c[f"{ea}_name"], c[f"{eb}_name"])], dtype=bool)
            if ok.any():
                tot = np.where(ok, np.where(located, d1 + d2, 2 * max_km), np.inf)
                i = int(np.argmin(tot))
                if best is None or tot[i] < best[0]:
                    best = (float(tot[i]), c.iloc[i], ea, eb, bool(located[i]))
        if best is None:
            continue
        dist, rb, ea, eb, loc = best
        ya, yb = ra["year"], rb["year"]
        diff = int(yb) - int(ya) if pd.notna(ya) and pd.notna(yb) else pd.NA
        rows.append({"pair_a": ra["pair_id"], "pair_b": rb["pair_id"],
                     "names_a": f"{ra['focal_name']} – {ra['partner_name']}",
                     "names_b": f"{rb[f'{ea}_name']} – {rb[f'{eb}_name']}",
                     "year_a": ya, "year_b": yb, "difference": diff,
                     "distance_km": round(dist, 3) if loc else np.nan,
                     "rule": "coordinates+names" if loc else "names"})
    out = pd.DataFrame(rows, columns=["pair_a", "pair_b", "names_a", "names_b", "year_a", "year_b",
                                      "difference", "distance_km", "rule"])
    out = out.drop_duplicates("pair_b", keep="first") if len(out) else out
    for c in ("year_a", "year_b", "difference"):
        out[c] = out[c].astype("Int64")
    return out.sort_values("pair_a", kind="stable").reset_index(drop=True)


def dating_agreements(
    pairs_a: pd.DataFrame,
    places_a: pd.DataFrame,
    others: dict[str, tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]],
    source_a: str,
) -> pd.DataFrame:
    """:func:`dating_agreement` of one register against several others, stacked.

    Parameters
    ----------
    pairs_a, places_a : DataFrame
        The reference register's :func:`partnerships` and places.
    others : dict of str to (pairs_b, places_b, kwargs)
        Per other source (its name): its partnerships, places and keyword arguments of
        :func:`dating_agreement` (e.g. ``{"max_km": 15}``).
    source_a : str
        Name of the reference register.

    Returns
    -------
    DataFrame
        ``source_a``, the columns of :func:`dating_agreement`, then ``source_b``; sources in the
        order of ``others``.
    """
    parts = [dating_agreement(pairs_a, places_a, pb, plb, **kw).assign(source_b=name)
             for name, (pb, plb, kw) in others.items()]
    out = pd.concat(parts, ignore_index=True)
    out.insert(0, "source_a", source_a)
    return out


def dating_agreement_summary(agree: pd.DataFrame, by: str = "source_b") -> pd.DataFrame:
    """Counts of matched partnerships and of their dating agreement, per source.

    Parameters
    ----------
    agree : DataFrame
        From :func:`dating_agreement` / :func:`dating_agreements` (columns ``difference`` and ``by``).
    by : str
        Column naming the source.

    Returns
    -------
    DataFrame
        One row per source (sorted): ``matched``, ``dated_by_both`` (``difference`` not missing),
        ``same_year`` (difference 0) and ``within_1_year`` (absolute difference at most 1).

    Examples
    --------
    >>> a = pd.DataFrame({"source_b": ["x"] * 4, "difference": pd.array([0, 1, -3, None], dtype="Int64")})
    >>> dating_agreement_summary(a).to_dict("records")
    [{'source_b': 'x', 'matched': 4, 'dated_by_both': 3, 'same_year': 1, 'within_1_year': 2}]
    """
    rows = []
    for src, g in agree.groupby(by, sort=True):
        d = g["difference"].dropna()
        rows.append({by: src, "matched": len(g), "dated_by_both": len(d), "same_year": int((d == 0).sum()),
                     "within_1_year": int((d.abs() <= 1).sum())})
    return pd.DataFrame(rows, columns=[by, "matched", "dated_by_both", "same_year", "within_1_year"])
