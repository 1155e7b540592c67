"""Maps on real land: Natural Earth country outlines, an equal-area projection, ties by country pair.

* :func:`countries` reads the ``natural-earth-110m`` dataset (registered in
  :mod:`twingraph.datasets` with its pinned origin and sha256) as a GeoDataFrame with one row per
  ISO3 code (``iso3, name, continent, geometry``; lon/lat, EPSG:4326).
* :data:`EQUAL_EARTH` (EPSG:8857, Šavrič, Patterson & Jenny 2019) is the default projection: areas
  are true to scale, so a choropleth does not inflate high-latitude countries.  Projection goes
  through geopandas/pyproj, never by hand.
* :func:`shared_borders` lists the country pairs whose polygons touch (shapely), for gravity models.
* :func:`draw_choropleth` and :func:`draw_country_pairs` draw on a matplotlib axes; ties are
  aggregated by country pair (one great-circle arc per pair, width and colour by the number of
  ties) instead of one arc per tie.  :data:`EUROPE` is a lon/lat box for a Europe panel.

References
----------
Šavrič, B., Patterson, T. & Jenny, B. (2019). The Equal Earth map projection. International
Journal of Geographical Information Science 33(3), 454-465.
Natural Earth, 1:110m Cultural Vectors, Admin 0 - Countries. https://www.naturalearthdata.com/
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import datasets
from .measures.geography import great_circle_path

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd
    from matplotlib.axes import Axes

__all__ = ["DATASET", "EQUAL_EARTH", "EUROPE", "countries", "shared_borders", "project_lonlat",
           "label_countries", "country_populations",
           "draw_choropleth", "draw_country_pairs", "set_extent"]

DATASET = "natural-earth-110m"
_FILE = "ne_110m_admin_0_countries.geojson"
#: Equal Earth (world), metres
EQUAL_EARTH = "EPSG:8857"
#: lon/lat box (west, east, south, north) for a Europe panel
EUROPE = (-12.0, 42.0, 34.0, 71.0)
# Natural Earth writes -99 as ISO_A3 for a few countries (France, Norway, Kosovo, ...): fall back to
# ISO_A3_EH, then ADM0_A3; Kosovo is XKX in twingraph (country_converter), KOS in Natural Earth.
_FIX = {"KOS": "XKX"}


def countries(root: Path | None = None) -> gpd.GeoDataFrame:
    """Natural Earth 1:110m countries, one row per ISO3 code, in lon/lat (EPSG:4326).

    Parameters
    ----------
    root : Path, optional
        Data directory (default :func:`twingraph.datasets.data_dir`).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``iso3, name, continent, geometry``, sorted by ``iso3``; features sharing an ISO3
        (none at 1:110m after the fallbacks) are dissolved.

    Raises
    ------
    twingraph.datasets.DatasetError
        When the file is missing or fails its sha256 (run ``twingraph fetch natural-earth-110m``).
    """
    import geopandas as gpd

    w = gpd.read_file(datasets.path(DATASET, _FILE, root=root))
    iso = w["ISO_A3"].where(w["ISO_A3"] != "-99", w["ISO_A3_EH"])
    iso = iso.where(iso != "-99", w["ADM0_A3"]).replace(_FIX)
    out = gpd.GeoDataFrame({"iso3": iso, "name": w["NAME"], "continent": w["CONTINENT"]},
                           geometry=w.geometry, crs=w.crs or "EPSG:4326")
    out = out.dissolve(by="iso3", aggfunc="first", sort=True).reset_index()
    return out[["iso3", "name", "continent", "geometry"]]


def country_populations(root: Path | None = None) -> pd.Series:
    """Population estimate per ISO3 code from Natural Earth 1:110m (``POP_EST``; the 2019-2020
    estimates shipped with version 5), summed over features sharing a code.

    Parameters
    ----------
    root : Path, optional
        Data folder (default :func:`twingraph.datasets.data_dir`).

    Returns
    -------
    pandas.Series
        Indexed by ISO3, named ``pop_est``; countries whose estimate is missing or 0 are left out.
    """
    import geopandas as gpd

    w = gpd.read_file(datasets.path(DATASET, _FILE, root=root))
    iso = w["ISO_A3"].where(w["ISO_A3"] != "-99", w["ISO_A3_EH"])
    iso = iso.where(iso != "-99", w["ADM0_A3"]).replace(_FIX)
    pop = pd.Series(pd.to_numeric(w["POP_EST"], errors="coerce").to_numpy(), index=iso.to_numpy())
    pop = pop.groupby(level=0).sum()
    return pop[pop > 0].rename("pop_est").rename_axis("iso3")


def shared_borders(world: gpd.GeoDataFrame | None = None) -> set[tuple[str, str]]:
    """Country pairs ``(a, b)``, ``a < b``, whose 1:110m polygons touch or overlap (a land border).

    Parameters
    ----------
    world : GeoDataFrame, optional
        Output of :func:`countries` (read when omitted).

    Returns
    -------
    set of (str, str)

    Notes
    -----
    Computed with shapely ``intersects`` on the generalised 1:110m outlines, so very short borders
    can be missed and islands have none (e.g. GBR-IRL share one; FRA-GBR do not).
    """
    w = countries() if world is None else world
    sidx = w.sindex
    geoms, codes = list(w.geometry), list(w["iso3"])
    out: set[tuple[str, str]] = set()
    for i, g in enumerate(geoms):
        for j in sidx.query(g, predicate="intersects"):
            if j > i:
                out.add(tuple(sorted((codes[i], codes[int(j)]))))  # type: ignore[arg-type]
    return out


def project_lonlat(lon: Any, lat: Any, crs: str = EQUAL_EARTH) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat degrees to ``crs`` (pyproj, ``always_xy``).

    Parameters
    ----------
    lon, lat : array of float
        Degrees.
    crs : str
        Target CRS.

    Returns
    -------
    x, y : numpy.ndarray
    """
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    x, y = t.transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x), np.asarray(y)


def set_extent(ax: Axes, box: tuple[float, float, float, float], crs: str = EQUAL_EARTH) -> None:
    """Limit ``ax`` (projected coordinates) to a lon/lat ``box = (west, east, south, north)``.

    Parameters
    ----------
    ax : matplotlib Axes
        Axes in ``crs`` coordinates.
    box : tuple of float
        ``(west, east, south, north)`` in degrees.
    crs : str
        The axes' CRS.
    """
    w, e, s, n = box
    lo = np.r_[np.linspace(w, e, 50), np.full(50, e), np.linspace(e, w, 50), np.full(50, w)]
    la = np.r_[np.full(50, s), np.linspace(s, n, 50), np.full(50, n), np.linspace(n, s, 50)]
    x, y = project_lonlat(lo, la, crs)
    ax.set_xlim(x.min(), x.max())
    ax.set_ylim(y.min(), y.max())


def draw_choropleth(ax: Axes, world: gpd.GeoDataFrame, values: Mapping[str, Any] | pd.Series | None = None,
                    colors: Mapping[Any, str] | None = None, cmap: str = "viridis", norm: Any = None,
                    crs: str = EQUAL_EARTH, missing: str = "#e8e8e8", edgecolor: str = "white",
                    linewidth: float = 0.3) -> Any:
    """Fill each country by ``values[iso3]`` (numeric through ``cmap``/``norm``, or categorical
    through ``colors``); countries without a value are light grey.  Returns the ScalarMappable
    for a colour bar (None for categorical values).

    Parameters
    ----------
    ax : matplotlib Axes
        Target axes.
    world : GeoDataFrame
        Country outlines with ``iso3`` (:func:`countries`).
    values : mapping or pandas.Series, optional
        ISO3 -> value; None draws the outlines only.
    colors : mapping, optional
        Category -> colour, for categorical values.
    cmap : str
        Colour map of numeric values.
    norm : matplotlib Normalize, optional
        Default: linear over the values' range.
    crs : str
        Projection.
    missing : str
        Colour of countries without a value.
    edgecolor : str
        Border colour.
    linewidth : float
        Border width.

    Returns
    -------
    matplotlib.cm.ScalarMappable or None
    """
    import matplotlib as mpl

    w = world.to_crs(crs)
    w.plot(ax=ax, color=missing, edgecolor=edgecolor, linewidth=linewidth)
    ax.set_axis_off()
    ax.set_aspect("equal")
    if values is None:
        return None
    v = pd.Series(values)
    has = w[w["iso3"].isin(v.index)].copy()
    has["value"] = has["iso3"].map(v)
    if colors is not None:
        has.plot(ax=ax, color=[colors[x] for x in has["value"]], edgecolor=edgecolor, linewidth=linewidth)
        sm = None
    else:
        norm = norm or mpl.colors.Normalize(vmin=float(v.min()), vmax=float(v.max()))
        has.plot(ax=ax, column="value", cmap=cmap, norm=norm, edgecolor=edgecolor, linewidth=linewidth)
        sm = mpl.cm.ScalarMappable(norm=norm, cmap=cmap)
    ax.set_axis_off()
    ax.set_aspect("equal")
    return sm


def draw_country_pairs(ax: Axes, pairs: pd.DataFrame, anchors: pd.DataFrame, crs: str = EQUAL_EARTH,
                       cmap: str = "viridis", norm: Any = None, max_width: float = 2.5, n: int = 40,
                       path: str = "great_circle") -> Any:
    """One arc per country pair, width and colour by its number of ties.

    Parameters
    ----------
    ax : Axes
        Axes in ``crs`` coordinates (draw the land first, e.g. with :func:`draw_choropleth`).
    pairs : DataFrame
        Columns ``country_a, country_b, n_ties``.
    anchors : DataFrame
        Indexed by ISO3 with ``lon, lat`` (e.g. the median position of the country's places).
    crs, cmap, norm, max_width, n
        Projection; colour map and (log) norm of ``n_ties``; widest line in points; points per arc.
    path : {"great_circle", "curve"}
        ``"great_circle"``: the geodesic, split where it crosses the map's edge (the antimeridian);
        ``"curve"``: a gentle quadratic Bezier curve between the two projected anchors, bowed
        northward by 15% of its length, which never crosses the edge (a trans-Pacific pair is then
        drawn across the map, not over the Pacific; say so).

    Returns
    -------
    matplotlib.cm.ScalarMappable
        For a colour bar.
    """
    import matplotlib as mpl
    from matplotlib.collections import LineCollection

    p = pairs[pairs["country_a"].isin(anchors.index) & pairs["country_b"].isin(anchors.index)]
    p = p.sort_values("n_ties", kind="mergesort")  # biggest drawn last, on top
    norm = norm or mpl.colors.LogNorm(vmin=max(1, p["n_ties"].min()), vmax=p["n_ties"].max())
    cm = mpl.colormaps[cmap]
    segs, cols, widths = [], [], []
    if path not in ("great_circle", "curve"):
        raise ValueError(f"unknown path {path!r}; use 'great_circle' or 'curve'")
    t = np.linspace(0, 1, n)[:, None]
    for r in p.itertuples():
        a, b = anchors.loc[r.country_a], anchors.loc[r.country_b]
        if path == "curve":
            x, y = project_lonlat([a["lon"], b["lon"]], [a["lat"], b["lat"]], crs)
            p0, p2 = np.array([x[0], y[0]]), np.array([x[1], y[1]])
            perp = np.array([-(p2 - p0)[1], (p2 - p0)[0]])
            perp = -perp if perp[1] < 0 else perp  # bow poleward, as great circles do
            mid = (p0 + p2) / 2 + 0.15 * perp
            pieces = [(1 - t) ** 2 * p0 + 2 * (1 - t) * t * mid + t ** 2 * p2]
        else:
            pieces = [np.c_[project_lonlat(piece[:, 0], piece[:, 1], crs)]
                      for piece in great_circle_path(a["lat"], a["lon"], b["lat"], b["lon"], n)]
        for seg in pieces:
            segs.append(seg)
            f = float(norm(r.n_ties))
            cols.append(cm(f))
            widths.append(0.2 + max_width * f)
    ax.add_collection(LineCollection(segs, colors=cols, linewidths=widths, capstyle="round"))
    return mpl.cm.ScalarMappable(norm=norm, cmap=cm)


def label_countries(ax: Axes, anchors: pd.DataFrame, codes: Any, crs: str = EQUAL_EARTH,
                    fontsize: float = 5.5) -> None:
    """Write each ISO3 code in ``codes`` at its anchor (``anchors``: ISO3 index, ``lon, lat``),
    dark text on a white halo so it stays legible over arcs.

    Parameters
    ----------
    ax : matplotlib Axes
        Axes in ``crs`` coordinates.
    anchors : DataFrame
        Indexed by ISO3 with ``lon, lat``.
    codes : iterable of str
        Codes to write (those without an anchor are skipped).
    crs : str
        Projection.
    fontsize : float
        Font size.
    """
    import matplotlib.patheffects as pe

    a = anchors.loc[[c for c in codes if c in anchors.index]]
    x, y = project_lonlat(a["lon"], a["lat"], crs)
    for code, xi, yi in zip(a.index, x, y):
        ax.text(xi, yi, code, fontsize=fontsize, ha="center", va="center", color="0.1", zorder=5,
                path_effects=[pe.withStroke(linewidth=1.5, foreground="white")])
