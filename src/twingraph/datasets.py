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
    """One file of a dataset: file name, download URL and expected sha256 (hex)."""

    name: str
    url: str
    sha256: str


@dataclass(frozen=True)
class Dataset:
    """A registered dataset: name, description, origin, licence, its files and the loader function's name."""

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
_ROGORIDO = "https://raw.githubusercontent.com/rogorido/sistercities/6bb5473459b9f7e16f59ecd0a2f9d76c3ccf9ce6"
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
    "wikidata-eu-2017": Dataset(
        name="wikidata-eu-2017",
        description="24,926 Wikidata P190 ties of towns (with coordinates) in 25 EU states, queried from WDQS in "
        "May 2017, one SPARQL query per country (kept beside the data): English labels, coordinates, "
        "populations, distances; no QIDs, no dates.",
        origin="github.com/rogorido/sistercities @ 6bb5473459b9f7e16f59ecd0a2f9d76c3ccf9ce6",
        licence="Wikidata content CC0; the repository states no licence",
        files=(
            DataFile("austria.tsv", f"{_ROGORIDO}/sparql/data/austria.tsv",
                     "b0d11258a2f9fa1a9fce54ea78b896e34b7e9b1a133109a4e4cc0f6a3e259846"),
            DataFile("belgium.tsv", f"{_ROGORIDO}/sparql/data/belgium.tsv",
                     "f66e7faab9f2d1cce727b452870a0a88bd63abb637cf3cff75f1408b51176d7c"),
            DataFile("bulgaria.tsv", f"{_ROGORIDO}/sparql/data/bulgaria.tsv",
                     "1d4a2355c332a2fca53b363e9ba489d628bfd1107eb7c92787edf5b9111c91a5"),
            DataFile("croatia.tsv", f"{_ROGORIDO}/sparql/data/croatia.tsv",
                     "12800997d119b4f193c2c88dd423f1d0db57d2a04239969de36415f9a0c45a5a"),
            DataFile("cyprus.tsv", f"{_ROGORIDO}/sparql/data/cyprus.tsv",
                     "e897d8e702176f22d9c139a2d0010d1d5d19dcbe302247fa0a7d7343c8e8ac11"),
            DataFile("czech.tsv", f"{_ROGORIDO}/sparql/data/czech.tsv",
                     "2ccdf9f1c3bc26f7174fd7c87d38f3778c7ef81735a4c4cdaaf946dd736470cf"),
            DataFile("denmark.tsv", f"{_ROGORIDO}/sparql/data/denmark.tsv",
                     "c8772cf3b7d665992e45de5108ad629d32fe19910c651afa472f1d58988938c7"),
            DataFile("estonia.tsv", f"{_ROGORIDO}/sparql/data/estonia.tsv",
                     "84f8fc01f1dd8e97643f685333b1e357d88912e2a2c348e801a47bb7cd1174c0"),
            DataFile("finland.tsv", f"{_ROGORIDO}/sparql/data/finland.tsv",
                     "35119a3d9193486df6d05437d9ebccae13d9da2110ef3f98d2718fd7ee40faf3"),
            DataFile("france.tsv", f"{_ROGORIDO}/sparql/data/france.tsv",
                     "c8bffdbca802a437c42008c92be2153e84a395365bd37fffaa5d27b3402d1224"),
            DataFile("germany.tsv", f"{_ROGORIDO}/sparql/data/germany.tsv",
                     "7e0922d3fa364a38ecb44b4c1827fcd61ab8bbd44f15c83af2875a619a20f1b5"),
            DataFile("hungary.tsv", f"{_ROGORIDO}/sparql/data/hungary.tsv",
                     "7b72c2482ce3179fa1998fa6cd0da214714b613a5ad2aac7fbebd45210bdff2b"),
            DataFile("ireland.tsv", f"{_ROGORIDO}/sparql/data/ireland.tsv",
                     "8239959532b5b68a49b0f24b62f85d4e87cfa1a2611688b1adeeeac5a838948a"),
            DataFile("italy.tsv", f"{_ROGORIDO}/sparql/data/italy.tsv",
                     "e1abb542ab17c90e4bf1081b9a8b98afb4064c8519af18dde076c7cefed7a992"),
            DataFile("latvia.tsv", f"{_ROGORIDO}/sparql/data/latvia.tsv",
                     "47bb0fba85de510c16ba6de13414c6a03bfe790c0a4456c33887a6e2203fd72d"),
            DataFile("lithuania.tsv", f"{_ROGORIDO}/sparql/data/lithuania.tsv",
                     "eb3bebbd0ef9a93668b8c4545f1dd960be0a0fb62c44dd659dcaa1ff0b4899ab"),
            DataFile("netherlands.tsv", f"{_ROGORIDO}/sparql/data/netherlands.tsv",
                     "bd7985663a244140d6d7c59166191a2118af046ae97bba0f1ff7e682ba640c25"),
            DataFile("poland.tsv", f"{_ROGORIDO}/sparql/data/poland.tsv",
                     "2ad5f1cef5fef78801825424a7a9350c563cfc5fdb48fe925aa97ec9a14eedda"),
            DataFile("portugal.tsv", f"{_ROGORIDO}/sparql/data/portugal.tsv",
                     "ed3470642034d14dc0b01cec4d1fc30e11acf1509239e8880ac00d5cb50048cd"),
            DataFile("romania.tsv", f"{_ROGORIDO}/sparql/data/romania.tsv",
                     "c0cb2185becaf98558d0c524fd414eb80c1d975421cd99d9d59d7af1226d78f6"),
            DataFile("slovakia.tsv", f"{_ROGORIDO}/sparql/data/slovakia.tsv",
                     "9a5e7d06632bfd36f1913fc0109d9450ae0f56311ca06245994836914bbec41a"),
            DataFile("slovenia.tsv", f"{_ROGORIDO}/sparql/data/slovenia.tsv",
                     "5211868b994fae187765e940596e3e2b9857c301d3c573d7b055d548ccb6a909"),
            DataFile("spain.tsv", f"{_ROGORIDO}/sparql/data/spain.tsv",
                     "37a0dbfd07d6b3a0ef819e9d9a5a5b170b59ee92be07bbf64cbcad11110b3e7a"),
            DataFile("sweden.tsv", f"{_ROGORIDO}/sparql/data/sweden.tsv",
                     "22f370346ec3e80ef9c2b97a1fe98ff897cfaf8d7c1a4e51a00d32a18ac9548b"),
            DataFile("uk.tsv", f"{_ROGORIDO}/sparql/data/uk.tsv",
                     "7cfc996cfdd1bfedfff1724aadc60b77eb6aa16843ba2f509620565cf04f5ca2"),
            DataFile("queries/austria.sparql", f"{_ROGORIDO}/sparql/queries/austria.sparql",
                     "606416f7b375c78ba6a266f3930a028c2ec9f8f52fb5dbaa76e2b86765135cd8"),
            DataFile("queries/belgium.sparql", f"{_ROGORIDO}/sparql/queries/belgium.sparql",
                     "9b1a098e9d72c011bd2e1ea386250d0ca47fdc968c8427a530de26b761947c62"),
            DataFile("queries/bulgaria.sparql", f"{_ROGORIDO}/sparql/queries/bulgaria.sparql",
                     "77129b6ae1e52863df2c8fb5df19a14e7bb47f09b45ee6c7b3285c08ca656500"),
            DataFile("queries/croatia.sparql", f"{_ROGORIDO}/sparql/queries/croatia.sparql",
                     "7e4f84b414914210f69fb8c21695d8618cad71f51be73c2b2e5600732c88b72b"),
            DataFile("queries/cyprus.sparql", f"{_ROGORIDO}/sparql/queries/cyprus.sparql",
                     "e2450e4c14af18796c7a75894b567d469c27abcd39fac25af82bba49b4b94274"),
            DataFile("queries/czech.sparql", f"{_ROGORIDO}/sparql/queries/czech.sparql",
                     "1a9b0fb38caf2ff2f460fb01b09c8418cafaab64136df2e3e30131d9bc8708c5"),
            DataFile("queries/denmark.sparql", f"{_ROGORIDO}/sparql/queries/denmark.sparql",
                     "c31f7dcbe96bdf63a05375dfe793532902dc61ee068a25c95366f233dda9296b"),
            DataFile("queries/estonia.sparql", f"{_ROGORIDO}/sparql/queries/estonia.sparql",
                     "3bb3345258685ac8054bf70bc32f6350c84d68fa06a1be59c743e580f6ef7e02"),
            DataFile("queries/finland.sparql", f"{_ROGORIDO}/sparql/queries/finland.sparql",
                     "2f737b0f88f79750d6ff4714ee98992a6a7201c464eeaf5f4447fe35b11f53f6"),
            DataFile("queries/france.sparql", f"{_ROGORIDO}/sparql/queries/france.sparql",
                     "83241ff6bf3e3979cc92695c7e5230fd9d8d591b9443dfaef837e6d90b870aaa"),
            DataFile("queries/germany.sparql", f"{_ROGORIDO}/sparql/queries/germany.sparql",
                     "84959447581ee2950a697d53655464449af11885c3380d7f7916284fb618bfaa"),
            DataFile("queries/greece.sparql", f"{_ROGORIDO}/sparql/queries/greece.sparql",
                     "f42d91b2712451247e46944d97af35acc553ce8dfe20e26a07c8b9df7ae13b1d"),
            DataFile("queries/hungary.sparql", f"{_ROGORIDO}/sparql/queries/hungary.sparql",
                     "0cb5f0dfc269b44137af1554138db562b68461eca6c64651170c47b0c05d2849"),
            DataFile("queries/ireland.sparql", f"{_ROGORIDO}/sparql/queries/ireland.sparql",
                     "7d0df8b607a929ff937e68b3d7e932b65be1483dafdd8c041bec7a47b2c0a5e7"),
            DataFile("queries/italy.sparql", f"{_ROGORIDO}/sparql/queries/italy.sparql",
                     "1e8901e5b64819334032dc7ccb5b7899ae3247a8a18dd73091839687565a2f3c"),
            DataFile("queries/latvia.sparql", f"{_ROGORIDO}/sparql/queries/latvia.sparql",
                     "ae7aed2d5e70c6fbf7fd6babc4075fea84c4832dc8091a7d18823091351bd312"),
            DataFile("queries/lithuania.sparql", f"{_ROGORIDO}/sparql/queries/lithuania.sparql",
                     "f5b66e7a28eb1211e5266019d4019c25737ec9853a7922f888c371cdd8b64915"),
            DataFile("queries/netherlands.sparql", f"{_ROGORIDO}/sparql/queries/netherlands.sparql",
                     "f9074d9a26179d2b5ae4f878c8e8fdb63b62ced5b788205164666c07d3a8fa27"),
            DataFile("queries/poland.sparql", f"{_ROGORIDO}/sparql/queries/poland.sparql",
                     "76fc23ea1578efd3f464ab4c0ebd379ed1c51b93643fa09a598e00b5a17b0c62"),
            DataFile("queries/portugal.sparql", f"{_ROGORIDO}/sparql/queries/portugal.sparql",
                     "03ce38836c1d3226e8e8abd9bb7607cc4a58c4f4adf76d523bdf4df69dfe2597"),
            DataFile("queries/romania.sparql", f"{_ROGORIDO}/sparql/queries/romania.sparql",
                     "2d0de4d6034ee1ff4b181136ff64aeff784e772eea85b094b14347efb1353c0d"),
            DataFile("queries/slovakia.sparql", f"{_ROGORIDO}/sparql/queries/slovakia.sparql",
                     "7f12ac38e3588ef582726f10049d60f24395361a08ccc8f6a5277ba057aad47d"),
            DataFile("queries/slovenia.sparql", f"{_ROGORIDO}/sparql/queries/slovenia.sparql",
                     "a94ba0cd69c1da24f1c0109a169f7da59c66efd2d61f9bdf66accbb78c8eb32f"),
            DataFile("queries/spain.sparql", f"{_ROGORIDO}/sparql/queries/spain.sparql",
                     "058face7aa32545e5ea6a8414c4cdd0e3ca37a6306a3f3e569a99bfc84abb70c"),
            DataFile("queries/sweden.sparql", f"{_ROGORIDO}/sparql/queries/sweden.sparql",
                     "d0ca9399b7655f9d662b80348dd7a47725b9eef546c6c16971d3041151895794"),
            DataFile("queries/uk.sparql", f"{_ROGORIDO}/sparql/queries/uk.sparql",
                     "4adfc0903f8b136102d8c1312dddf92db97db36e723b854279d37504bf276d49"),
        ),
        loader="load_wikidata_eu",
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
    """``$TWINGRAPH_DATA_DIR`` if set, else the platform cache directory for twingraph.

    Returns
    -------
    Path
    """
    env = os.environ.get("TWINGRAPH_DATA_DIR")
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("twingraph"))


def sha256(file: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks.

    Parameters
    ----------
    file : Path
        The file.

    Returns
    -------
    str
        Hex digest.
    """
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

    Parameters
    ----------
    name : str
        Dataset name.
    file : str
        File name within the dataset.
    root : Path, optional
        Data folder (default :func:`data_dir`).
    verify : bool
        Check the sha256.

    Returns
    -------
    Path
        ``root/name/file``.
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
        """Keep records of level WARNING and above.

        Parameters
        ----------
        record : logging.LogRecord
            The record.

        Returns
        -------
        bool
        """
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
                got = pooch.retrieve(  # a file in a sub-folder ("queries/x.sparql") goes there
                    url=url, known_hash=f"sha256:{f.sha256}", fname=Path(f.name).name,
                    path=local.parent, progressbar=progress,
                )
        except ValueError as exc:  # pooch: hash mismatch after download
            raise DatasetError(f"download of {name}/{f.name} from {url} failed its hash check: "
                               f"{_short_reason(exc, 200)}") from None
        except OSError as exc:  # network (requests' errors are OSErrors), HTTP status, disk, permissions
            raise DatasetError(f"could not download {name}/{f.name} from {url}: {_short_reason(exc)}") from None
        out.append(Path(got))
    return out
