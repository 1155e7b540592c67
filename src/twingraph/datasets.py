"""The dataset registry: pinned public origins, sha256 hashes, and the local data directory.

Each dataset is a folder of files, laid out as ``<data_dir>/<dataset>/<file>``.  The data directory is
``$TWINGRAPH_DATA_DIR`` when set, else the platform cache (``pooch.os_cache("twingraph")``).  A
directory holding the files already (e.g. a read-only snapshot) works as is: files are only
*verified* there, and written only by :func:`fetch`.

A file whose sha256 does not match (corrupted, truncated by an interrupted download) is re-fetched by
:func:`fetch`; :func:`path` reports it clearly instead of reading it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .exceptions import DatasetError

__all__ = ["DATASETS", "Dataset", "DataFile", "data_dir", "path", "fetch", "DatasetError", "sha256"]


@dataclass(frozen=True)
class DataFile:
    name: str
    url: str
    sha256: str


@dataclass(frozen=True)
class Dataset:
    name: str
    description: str
    origin: str
    licence: str
    files: tuple[DataFile, ...]
    loader: str  # loader function name in twingraph.loaders


_HEKMAN = "https://raw.githubusercontent.com/Hekman/twincities/84ebdec26ee6878367953cfbc56311ae6452752b"
_L3V = "https://raw.githubusercontent.com/L3viathan/sister-cities/d3028c22c7e47f18947eb39a41c13e4f2751342e"
_MUENCH = "https://raw.githubusercontent.com/muenchdo/TwinTowns/e2511afcd1b4a619a92cd7eb106e383932f2bd9b"
_ECONOMIA = "https://raw.githubusercontent.com/economia/partnerska-mesta/421d5eabf8fd2f6a6f705217e2b1d117fb3d181d"
_NE = "https://raw.githubusercontent.com/jarvis-wu/my-flight-map/7adc13d55c1a9067f00bfafb09c159a086a48b94"

DATASETS: dict[str, Dataset] = {
    "wikipedia-lists-2026": Dataset(
        name="wikipedia-lists-2026",
        description="26,114 city pairs scraped in Feb 2026 from English Wikipedia's 'List of twin towns "
        "and sister cities in <country>' pages, and 25,917 of them geocoded. Names, no ids, no dates.",
        origin="github.com/Hekman/twincities @ 84ebdec26ee6878367953cfbc56311ae6452752b",
        licence="MIT",
        files=(
            DataFile("twin_cities_raw.csv", f"{_HEKMAN}/twin_cities_raw.csv",
                     "e2d2e542f319fe45ddaf588b9cf6308c7fc17dbceb3c9b16c64fabfbbe7923c1"),
            DataFile("twin_cities_geocoded.csv", f"{_HEKMAN}/app/public/twin_cities.csv",
                     "0964bc76ba1dffa002c1c7257292bf42f1c828d2df44aab22490341a708dd60a"),
        ),
        loader="load_wikipedia_lists",
    ),
    "wikidata-crawl-2016": Dataset(
        name="wikidata-crawl-2016",
        description="Wikidata P190 statements crawled in Sept 2016 outwards from Weimar: 34,182 directed "
        "QID pairs and their (German) labels. No dates.",
        origin="github.com/L3viathan/sister-cities @ d3028c22c7e47f18947eb39a41c13e4f2751342e",
        licence="Wikidata content CC0; the repository states no licence",
        files=(
            DataFile("relations.tsv", f"{_L3V}/relations.tsv",
                     "97a24bcf23989728ecfbecb20322237a8800836709931fb750ae92e372294154"),
            DataFile("names.tsv", f"{_L3V}/names.tsv",
                     "d088a22ad6ea7bcca7301a0dbc8698b90e86aec1bb576edab9fb83e85fff0a04"),
        ),
        loader="load_wikidata_crawl",
    ),
    "germany-partnerships-2015": Dataset(
        name="germany-partnerships-2015",
        description="5,881 partnerships of German municipalities compiled in 2015, each with the year it "
        "began (1913-2014) and its form (p twinning / f friendship / k contact); states and coordinates.",
        origin="github.com/muenchdo/TwinTowns @ e2511afcd1b4a619a92cd7eb106e383932f2bd9b",
        licence="MIT",
        files=(
            DataFile("TwinTowns_clean.csv", f"{_MUENCH}/data/data/TwinTowns_clean.csv",
                     "3e33c37fbd89cc6ce603069355c30449c59c0dc46af638aa0166dbd93ab43b93"),
            DataFile("LICENSE", f"{_MUENCH}/LICENSE.txt",
                     "21f64548a10d363ef527f36db662a1a535ae33123af90bc76928962f5b30b28d"),
        ),
        loader="load_germany_register",
    ),
    "czechia-partnerships-2013": Dataset(
        name="czechia-partnerships-2013",
        description="966 partnerships of Czech municipalities scraped in Sept 2013 from partnerskamesta.cz, "
        "with the year begun (0 = unknown), Czech names and coordinates.",
        origin="github.com/economia/partnerska-mesta @ 421d5eabf8fd2f6a6f705217e2b1d117fb3d181d",
        licence="no licence stated (facts)",
        files=(
            DataFile("vztahy.tsv", f"{_ECONOMIA}/vztahy.tsv",
                     "06ce3471375fed1f1fef0ed2c746f303796f2eef6555594d3f772358896375ed"),
        ),
        loader="load_czechia_register",
    ),
    "natural-earth-110m": Dataset(
        name="natural-earth-110m",
        description="Natural Earth 1:110m admin-0 country polygons (177 features with ISO_A3, CONTINENT, "
        "POP_EST): land and country outlines for maps (twingraph.maps), not a twinning network.",
        origin="github.com/jarvis-wu/my-flight-map @ 7adc13d55c1a9067f00bfafb09c159a086a48b94",
        licence="public domain (Natural Earth)",
        files=(
            DataFile("ne_110m_admin_0_countries.geojson", f"{_NE}/ne_110m_admin_0_countries.geojson",
                     "a4d67eac9c75d5b6f20170d2b07bb53ea791536b0c8e5ebae3ba94df093f76e0"),
        ),
        loader="",  # outlines, read by twingraph.maps.countries()
    ),
}


def data_dir() -> Path:
    """``$TWINGRAPH_DATA_DIR`` if set, else the platform cache directory for twingraph."""
    env = os.environ.get("TWINGRAPH_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("twingraph"))


def sha256(file: Path) -> str:
    h = hashlib.sha256()
    with open(file, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _get(name: str) -> Dataset:
    try:
        return DATASETS[name]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise DatasetError(f"unknown dataset {name!r}; known datasets: {known}") from None


def path(name: str, file: str, root: Path | None = None, verify: bool = True) -> Path:
    """Local path of one file of a dataset, verified against its sha256; never downloads.

    Raises :class:`DatasetError` with a one-line explanation when the file is missing or corrupted.
    """
    ds = _get(name)
    entry = next((f for f in ds.files if f.name == file), None)
    if entry is None:
        raise DatasetError(f"dataset {name!r} has no file {file!r}")
    root = root or data_dir()
    local = root / name / file
    if not local.is_file():
        raise DatasetError(
            f"{local} is missing: run `twingraph fetch {name}` (or set TWINGRAPH_DATA_DIR to a folder "
            f"that holds {name}/{file})"
        )
    if verify:
        got = sha256(local)
        if got != entry.sha256:
            raise DatasetError(
                f"{local} is corrupted or incomplete (sha256 {got[:12]}…, expected {entry.sha256[:12]}…): "
                f"run `twingraph fetch {name}` to download it again"
            )
    return local


def _root_cause(exc: BaseException) -> BaseException:
    """The innermost exception of a chain (``requests`` wraps urllib3 wraps socket errors)."""
    seen = {id(exc)}
    while True:
        nxt = exc.__cause__ or exc.__context__
        if nxt is None or id(nxt) in seen:
            return exc
        seen.add(id(nxt))
        exc = nxt


def _short_reason(exc: BaseException, limit: int = 120) -> str:
    """One short phrase for a download failure: the HTTP status, or the innermost cause."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    if status is not None:
        return f"HTTP {status} {getattr(response, 'reason', '') or ''}".strip()
    root = _root_cause(exc)
    text = str(getattr(root, "strerror", None) or root) or root.__class__.__name__
    # urllib3 messages carry the object repr before the reason: keep what follows the last ": "
    text = " ".join(text.split()).rsplit("): ", 1)[-1]
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _BelowWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.WARNING


_QUIET_FILTER = _BelowWarning()


@contextmanager
def _pooch_quiet(quiet: bool) -> Iterator[None]:
    """Drop pooch's INFO messages (``Downloading data from ...``) for the duration, then restore.

    A filter rather than ``setLevel``: pooch's logger lives outside the logging hierarchy, so its
    level cache is never cleared and a changed level would stick (or not take effect).
    """
    if not quiet:
        yield
        return
    import pooch

    log = pooch.get_logger()
    log.addFilter(_QUIET_FILTER)
    try:
        yield
    finally:
        log.removeFilter(_QUIET_FILTER)


def fetch(name: str, root: Path | None = None, progress: bool = False, base_url: str | None = None,
          quiet: bool = False) -> list[Path]:
    """Download every file of a dataset into ``<root>/<name>/`` (hash-checked with pooch).

    Files already present with the right hash are not downloaded again; a file with the wrong hash is
    replaced.  ``base_url`` replaces the origin (``<base_url>/<file>``) — for mirrors and tests.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`.
    root : pathlib.Path, optional
        Data directory (default :func:`data_dir`).
    progress : bool
        Show pooch's progress bar.
    base_url : str, optional
        Mirror to download from instead of the pinned origin.
    quiet : bool
        Silence pooch's "Downloading data from ..." messages for this call.

    Returns
    -------
    list of pathlib.Path
        The local files, in registry order.

    Raises
    ------
    DatasetError
        Unknown dataset, a download that fails (one short line: file, URL, reason) or fails its hash.
    """
    import pooch

    ds = _get(name)
    root = root or data_dir()
    target = root / name
    out = []
    for f in ds.files:
        local = target / f.name
        if local.is_file() and sha256(local) == f.sha256:
            out.append(local)
            continue
        url = f"{base_url.rstrip('/')}/{f.name}" if base_url else f.url
        try:
            with _pooch_quiet(quiet):
                got = pooch.retrieve(
                    url=url, known_hash=f"sha256:{f.sha256}", fname=f.name, path=target, progressbar=progress,
                )
        except ValueError as exc:  # pooch: hash mismatch after download
            raise DatasetError(f"download of {name}/{f.name} from {url} failed its hash check: "
                               f"{_short_reason(exc, 200)}") from None
        except OSError as exc:  # network (requests' errors are OSErrors), HTTP status, disk, permissions
            raise DatasetError(f"could not download {name}/{f.name} from {url}: {_short_reason(exc)}") from None
        out.append(Path(got))
    return out
