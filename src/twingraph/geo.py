"""Great-circle distance (floor 1): the package's one haversine.

Distances are on a sphere of radius :data:`EARTH_RADIUS_KM` (the IUGG mean radius, 6371.0088 km);
coordinates are decimal degrees.  :func:`haversine_km` is vectorised (numpy broadcasting);
:func:`haversine_km_scalar` is the same formula for two points without numpy overhead (place
resolution compares millions of single pairs).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["EARTH_RADIUS_KM", "haversine_km", "haversine_km_scalar"]

#: Mean Earth radius (IUGG), km.
EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: Any, lon1: Any, lat2: Any, lon2: Any, radius: float = EARTH_RADIUS_KM) -> np.ndarray:
    """Great-circle distance in km between points given in degrees (vectorised, numpy).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float or array-like
        Coordinates in degrees (broadcast against each other); NaN gives NaN.
    radius : float
        Sphere radius in km.

    Returns
    -------
    ndarray of float

    Examples
    --------
    >>> round(float(haversine_km(0, 0, 0, 1)), 3)   # one degree of the equator
    111.195
    """
    p1, p2 = np.radians(np.asarray(lat1, dtype=float)), np.radians(np.asarray(lat2, dtype=float))
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    h = np.sin(dphi / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2.0) ** 2
    return 2.0 * radius * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def haversine_km_scalar(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """:func:`haversine_km` for two scalar points (``math``, no numpy overhead).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : float
        Coordinates in degrees.

    Returns
    -------
    float

    Examples
    --------
    >>> round(haversine_km_scalar(0.0, 0.0, 0.0, 1.0), 3)
    111.195
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(max(h, 0.0), 1.0)))
