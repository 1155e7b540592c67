"""Loaders: sources -> tidy tables (:class:`twingraph.tables.TwinData`).

:func:`load` resolves a dataset name (see :data:`twingraph.datasets.DATASETS`, plus ``"curated"``)
or a file path, detecting the file format from its name and first line unless ``format`` is given.

Formats: ``wikipedia`` (``city1,country1,city2,country2`` CSV), ``wikidata-crawl`` (QID pairs TSV),
``konect`` (``out.<name>``), ``curated`` (the registry's tie-event CSV), ``sparql-json`` (cached
pages of the live Wikidata query), ``entity-json`` (``Special:EntityData/Q….json``), ``table``
(any CSV/TSV of ties with canonical or mapped columns: :mod:`twingraph.loaders.table`).

``"wikidata-live"`` loads the pages of the live P190 query cached under ``<data dir>/wikidata-live/``
by ``twingraph fetch wikidata-live`` (loading never touches the network).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from .. import datasets
from ..exceptions import LoadError
from ..tables import ContractError, TwinData
from ._io import InputTooLarge, check_readable, first_line
from .konect import KonectFormatError, load_konect
from .wikidata_crawl import load_wikidata_crawl
from .wikipedia import load_wikipedia_lists

__all__ = [
    "FORMATS",
    "KonectFormatError",
    "LoadError",
    "detect_format",
    "load",
    "load_konect",
    "load_wikidata_crawl",
    "load_wikipedia_lists",
]

FORMATS = ("wikipedia", "wikidata-crawl", "konect", "curated", "sparql-json", "entity-json", "table")


def detect_format(path: Path) -> str:
    """Guess a file's format from its name and first non-empty line.

    Parameters
    ----------
    path : Path
        The file.

    Returns
    -------
    str
        One of :data:`FORMATS` (``LoadError`` when it cannot tell).
    """
    name = path.name
    if name.startswith("out."):
        return "konect"
    first = first_line(path)
    if first.startswith("%"):
        return "konect"
    if first.startswith("city1,country1,city2,country2"):
        return "wikipedia"
    if first.startswith("city1,country1,lat1"):
        raise LoadError(f"{path}: this is the geocoded companion of the Wikipedia lists; load the dataset "
                        "wikipedia-lists-2026 (it joins the coordinates) or the raw city1,country1,city2,country2 file")
    if first.startswith("city_a,country_a"):
        return "curated"
    header = {h.strip() for h in re.split(r"[\t,]", first)}
    if {"a_name", "b_name"} <= header:
        return "table"
    if first.startswith("Q") and "\t" in first:
        fields = first.split("\t")
        if len(fields) == 2 and all(re.fullmatch(r"Q[1-9][0-9]*", f.strip()) for f in fields):
            return "wikidata-crawl"
        raise LoadError(f"{path}: looks like a QID label file, not QID pairs; load the dataset "
                        "wikidata-crawl-2016 by name to join labels to the relations")
    if first.startswith("{"):
        with open(path, encoding="utf-8", errors="replace") as fh:
            text = fh.read(2000)
        if '"entities"' in text:
            return "entity-json"
        if '"results"' in text or '"head"' in text:
            return "sparql-json"
    raise LoadError(f"{path}: cannot tell its format; pass --format ({', '.join(FORMATS)})")


def _registry_loader(name: str):  # type: ignore[no-untyped-def]
    """The loader function a registry entry names (:attr:`twingraph.datasets.Dataset.loader`):
    ``"load_x"`` in this package or in its submodule ``x``, or ``"module:function"``."""
    import importlib

    module, _, func = name.rpartition(":")
    mod = importlib.import_module(f".{module}", __name__) if module else importlib.import_module(__name__)
    if hasattr(mod, func):
        return getattr(mod, func)
    try:  # convention: load_<module> lives in loaders/<module>.py
        return getattr(importlib.import_module(f".{func.removeprefix('load_')}", __name__), func)
    except (ImportError, AttributeError):
        raise LoadError(f"the dataset registry names an unknown loader {name!r}") from None


def _load_file(path: Path, fmt: str, columns: str | dict[str, str] | None = None) -> TwinData:
    if fmt == "table":
        from .table import load_table

        return load_table(path, columns=columns)
    if columns:
        raise LoadError(f"column mappings are for --format table, not {fmt}")
    if fmt == "konect":
        return load_konect(path)
    if fmt == "wikipedia":
        return load_wikipedia_lists(path, source=str(path))
    if fmt == "wikidata-crawl":
        return load_wikidata_crawl(path, source=str(path))
    if fmt == "curated":
        from .curated import load_curated

        return load_curated(tie_events_path=path)
    if fmt == "sparql-json":
        from .wikidata_live import parse_sparql_pages

        return parse_sparql_pages([path])
    if fmt == "entity-json":
        from .wikidata_entity import load_entity_json

        return load_entity_json([path])
    raise LoadError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def load(source: str | Path, format: str | None = None, root: Path | None = None,
         columns: str | dict[str, str] | None = None) -> TwinData:
    """Load a dataset by name (``"wikipedia-lists-2026"``, ``"wikidata-crawl-2016"``,
    ``"germany-partnerships-2015"``, ``"czechia-partnerships-2013"``, ``"curated"``) or a file by path.

    A registered dataset is read by the loader its registry entry names, with its files (LICENSE
    excluded) in registry order.  ``columns`` maps canonical column names to a table's own
    (``format="table"``, see :mod:`twingraph.loaders.table`).  A forced ``format`` that loads none
    of a file's rows returns the tables with every row in the rejection report; the CLI makes that
    an error.  Raises :class:`LoadError` / :class:`twingraph.datasets.DatasetError` with a
    one-line message for user errors.

    Parameters
    ----------
    source : str or Path
        Dataset name (also ``"wikidata-live"``: the newest cached pages) or file path.
    format : str, optional
        Format of a file (:data:`FORMATS`); detected when omitted (``"table"`` with ``columns``).
    root : Path, optional
        Data folder (default :func:`twingraph.datasets.data_dir`).
    columns : str or dict, optional
        Canonical column name -> the table's column.

    Returns
    -------
    TwinData
    """
    key = str(source)
    if key == "wikidata-live":
        from .wikidata_live import parse_sparql_pages

        # cached pages only: fetching is explicit (`twingraph fetch wikidata-live`); the newest
        # page set is used, whatever page size it was fetched with
        sets = sorted((root or datasets.data_dir()).glob("wikidata-live/p190-*"), key=lambda p: p.stat().st_mtime)
        pages = sorted(sets[-1].glob("*.json")) if sets else []
        if not pages:
            raise LoadError("no cached Wikidata pages: run `twingraph fetch wikidata-live` first")
        return parse_sparql_pages(pages)
    if key == "curated":
        from .curated import load_curated

        return load_curated()
    if key in datasets.DATASETS:
        ds = datasets.DATASETS[key]
        if not ds.loader:
            raise LoadError(f"{key} is a map layer (country outlines for twingraph.maps), not a twinning "
                            f"dataset; `twingraph fetch {key}` downloads it")
        files = [datasets.path(key, f.name, root=root) for f in ds.files if f.name != "LICENSE"]
        return _registry_loader(ds.loader)(*files, source=key)
    path = Path(source)
    if not path.exists():
        known = ", ".join(sorted([*datasets.DATASETS, "curated", "wikidata-live"]))
        raise LoadError(f"{source}: no such file, and not a dataset name (known: {known})")
    if path.is_dir():
        raise LoadError(f"{source}: is a directory; give a file")
    try:
        check_readable(path)
        fmt = format or ("table" if columns else detect_format(path))
        return _load_file(path, fmt, columns)
    except ContractError:  # a loader built tables that break the contract: a bug, keep the traceback
        raise
    except (KonectFormatError, LoadError, InputTooLarge) as exc:
        raise LoadError(str(exc)) from None
    except csv.Error as exc:  # a field beyond csv's field size limit, a NUL byte, ...
        raise LoadError(f"{path}: not a readable table ({exc})") from None
    except UnicodeDecodeError as exc:
        raise LoadError(f"{path}: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    except ValueError as exc:
        msg = str(exc)
        raise LoadError(msg if msg.startswith(str(path)) else f"{path}: {msg}") from None
