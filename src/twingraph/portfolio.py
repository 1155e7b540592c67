"""``twingraph portfolio CITY``: one city's partnership portfolio for the people who review
partnerships: every tie with partner, partner country, the sources and their dates, status with
evidence, dormancy signals, score and class (:mod:`twingraph.lifecycle`), and a map.

Floor 5 (a face): it builds :func:`twingraph.lifecycle.build` from the sources (default: the five
dated sources and the curated registry; ``--sources a+b+...`` for others) and draws with
:mod:`twingraph.maps`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from . import lifecycle as L

__all__ = ["CLASS_COLOURS", "city_portfolio", "draw_portfolio_map", "render_text"]

CLASS_COLOURS = {"ended": "#D55E00", "dormant": "#E69F00", "at risk": "#56B4E9", "no signal": "#009E73"}


class PortfolioError(L.LifecycleError):
    """An unknown or ambiguous city (the message names close matches)."""


def city_portfolio(city: str, country: str | None = None,
                   sources: list[Any] | None = None) -> tuple[str, pd.DataFrame, tuple[float, float] | None]:
    """The merged place named ``city``: its name, its :func:`twingraph.lifecycle.portfolio` and
    its coordinates (None when unknown).

    Raises :class:`PortfolioError` naming close matches when no single place has that name.

    Parameters
    ----------
    city : str
        City name.
    country : str, optional
        ISO3 code, to pick among namesakes.
    sources : list of TwinData, optional
        Sources for :func:`twingraph.lifecycle.build` (default: loaded there).

    Returns
    -------
    tuple of (str, DataFrame, tuple of (float, float) or None)
        Name, portfolio table and ``(lat, lon)``.
    """
    lc = L.build(sources)
    pids, close = L.find_place(lc, city, country)
    if not pids:
        where = f" in {country}" if country else ""
        hint = f"; close matches: {', '.join(close)}" if close else "; no close matches"
        what = "ambiguous city" if close and any("(" in c for c in close) else "unknown city"
        raise PortfolioError(f"{what} {city!r}{where}{hint} (use --country ISO3)")
    p = lc.data.places.set_index("place_id").loc[pids].dropna(subset=["lat", "lon"])
    first = lc.data.places.set_index("place_id").loc[pids[0]]
    xy = (float(p["lat"].iloc[0]), float(p["lon"].iloc[0])) if len(p) else None
    return str(first["name"]), L.portfolio(lc, pids), xy


def render_text(name: str, table: pd.DataFrame) -> str:
    """A plain-text listing, one tie per line.

    Parameters
    ----------
    name : str
        City name.
    table : DataFrame
        Its portfolio.

    Returns
    -------
    str
    """
    lines = [f"{name}: {len(table)} ties"]
    for r in table.itertuples(index=False):
        lines.append(f"  {r.partner} ({r.partner_country}) | {r.status} | dormancy {r.dormancy_class} "
                     f"({r.dormancy_score:g}) | signals: {r.signals or '-'} | seen {r.sources or '-'}")
    return "\n".join(lines)


def draw_portfolio_map(name: str, lat: float, lon: float, table: pd.DataFrame, path: Path) -> Path:
    """A map (Equal Earth, cropped to the city and its partners) with the city, each partner
    coloured by dormancy class and a line to it; written as PNG (and PDF) beside ``path``.

    Parameters
    ----------
    name : str
        City name.
    lat, lon : float
        Its coordinates.
    table : DataFrame
        Its portfolio (``partner_lat``, ``partner_lon``, ``dormancy_class``).
    path : Path
        Target PNG path.

    Returns
    -------
    Path
        The first file written.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from . import maps
    from .plotting import save_figure

    world = maps.countries()
    fig, ax = plt.subplots(figsize=(11, 6))
    maps.draw_choropleth(ax, world)
    t = table.dropna(subset=["partner_lat", "partner_lon"])
    x0, y0 = maps.project_lonlat([lon], [lat])
    xs, ys = maps.project_lonlat(t["partner_lon"].to_numpy(), t["partner_lat"].to_numpy())
    for xx, yy, cls in zip(xs, ys, t["dormancy_class"]):
        ax.plot([x0[0], xx], [y0[0], yy], color=CLASS_COLOURS.get(cls, "0.5"), lw=0.8, alpha=0.7)
        ax.plot(xx, yy, "o", color=CLASS_COLOURS.get(cls, "0.5"), ms=4)
    ax.plot(x0, y0, "*", color="black", ms=12)
    lons = [lon, *t["partner_lon"].tolist()]
    lats = [lat, *t["partner_lat"].tolist()]
    w, e, so, no = min(lons) - 8, max(lons) + 8, min(lats) - 6, max(lats) + 6
    if e - w < 40:  # at least a region's width around the city
        w, e = (w + e) / 2 - 20, (w + e) / 2 + 20
    if no - so < 25:
        so, no = (so + no) / 2 - 12.5, (so + no) / 2 + 12.5
    maps.set_extent(ax, (max(w, -180), min(e, 180), max(so, -85), min(no, 85)))
    for cls, col in CLASS_COLOURS.items():
        ax.plot([], [], "o", color=col, label=f"{cls} ({int((table['dormancy_class'] == cls).sum())})")
    ax.legend(loc="lower left", fontsize=8, title="dormancy class")
    ax.set_title(f"{name}: {len(table)} partnerships ({len(table) - len(t)} partners without coordinates)",
                 loc="left", fontsize=10)
    paths = save_figure(fig, path.name, path.parent)
    plt.close(fig)
    return paths[0]


def run(city: str, country: str | None, as_json: bool, out: str | None, sources: list[Any] | None) -> str:
    """What the command prints; with ``out``, also writes ``portfolio_<city>.csv`` and the map.

    Parameters
    ----------
    city : str
        City name.
    country : str or None
        ISO3 code.
    as_json : bool
        JSON instead of text.
    out : str or None
        Output folder for the CSV and the map.
    sources : list of TwinData or None
        Sources (:func:`city_portfolio`).

    Returns
    -------
    str
    """
    import sys

    name, table, xy = city_portfolio(city, country, sources)
    if out:
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        stem = "portfolio_" + re.sub(r"[^\w]+", "_", name).strip("_")
        table.to_csv(folder / f"{stem}.csv", index=False)
        if xy is None:
            print(f"twingraph: map skipped: {name} has no coordinates", file=sys.stderr)
        else:
            try:
                draw_portfolio_map(name, xy[0], xy[1], table, folder / f"{stem}.png")
            except Exception as exc:  # noqa: BLE001 - a missing map dataset should not lose the table
                print(f"twingraph: map skipped: {exc}", file=sys.stderr)
    if as_json:
        ties = L.to_records(table.drop(columns=["partner_lat", "partner_lon"]))
        return json.dumps({"city": name, "country": country, "ties": ties}, indent=2, ensure_ascii=False, default=str)
    return render_text(name, table)
