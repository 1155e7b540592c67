"""Wikidata entity JSON loader: P190 ties from ``Special:EntityData/<QID>.json`` documents.

Each document is ``{"entities": {"<QID>": entity}}`` in the canonical Wikibase JSON format
(https://doc.wikimedia.org/Wikibase/master/php/docs_topics_json.html).  From each entity we read
``claims.P190[]`` -- target ``mainsnak.datavalue.value.id``, ``rank``, statement ``id``, qualifiers
P580 start / P582 end / P585 point in time (``datavalue.value.time`` and ``.precision``) and P1534
end cause -- plus the place attributes ``labels.en.value``, P31, P17, P625
(``value.latitude/longitude``, Earth only), P1082 (``value.amount`` such as ``"+123456"``) and, for
country items, P298 (ISO 3166-1 alpha-3).  Place attributes use the best-ranked claims (preferred,
else normal; never deprecated), as the ``wdt:`` "truthy" values do.

Conventions (shared with :mod:`twingraph.loaders.wikidata_live`; the merging of statements into
ties and spells, the date rules and the place levels are documented in
:mod:`twingraph.loaders.wikidata_statements`):

- A row is one P190 claim.  ``rows_read`` = P190 claims in all documents; rejections (``file`` =
  the document path or ``"<doc N>"``, ``line`` = 1-based index of the claim in the entity's P190
  list): ``missing-qid`` (a "no value"/"unknown value" snak), ``self-tie``, ``bad-date``,
  ``bad-rank``, ``duplicate-entity`` (the same entity in two documents: its second copy's claims).
- Country ISO3 of a place: P298 of its P17 country when that country's document is among the
  inputs, otherwise the built-in :data:`~twingraph.loaders.wikidata_statements.COUNTRY_ISO3` map
  of common country QIDs (Q183 DEU, Q142 FRA, Q145 GBR, Q30 USA, ...), otherwise ``None``
  (``notes["unresolved_country"]``).  Pass ``include_countries=True`` to :func:`fetch_entities` to
  fetch the country documents too (they are large: megabytes each).
- End-cause labels (for telling a suspension from a termination) come from the cause's document
  when it is among the inputs.
- ``observed`` = the day of the latest ``modified`` timestamp of the documents (when they have one).
- Partner items without a document become places named by their QID (level ``unknown``).
- Country documents and other entities without P190 claims only lend attributes; they are not
  places unless a loaded tie touches them.
"""

from __future__ import annotations

import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ..tables import Rejections, TwinData
from ._rows import Reject, Row, RowReader
from .wikidata_client import (
    DEFAULT_ENTITY_URL,
    WikidataClient,
    WikidataFetchError,
    _check_entities,
    atomic_write_json,
    read_cached_json,
)
from .wikidata_statements import (
    _QID,
    COUNTRY_ISO3,
    EARTH,
    PlaceInfo,
    Statement,
    build_twindata,
    wikidata_time,
)

__all__ = ["DEFAULT_ENTITY_URL", "entity_cache_path", "fetch_entities", "load_entity_json"]

SOURCE = "wikidata-entity"
_RANKS = ("preferred", "normal", "deprecated")


def entity_cache_path(cache_dir: str | os.PathLike[str], qid: str) -> Path:
    """Where :func:`fetch_entities` keeps ``<qid>``: ``<cache>/wikidata-entity/<qid>.json``.

    Parameters
    ----------
    cache_dir : str or path-like
        The cache folder.
    qid : str
        Item id.

    Returns
    -------
    Path
    """
    return Path(cache_dir) / "wikidata-entity" / f"{qid}.json"


def _item_id(snak: Mapping[str, Any] | None) -> str | None:
    """The item QID of a value snak (``value.id`` or ``value["numeric-id"]``), else None."""
    if not isinstance(snak, Mapping) or snak.get("snaktype", "value") != "value":
        return None
    value = (snak.get("datavalue") or {}).get("value")
    if not isinstance(value, Mapping):
        return None
    qid = value.get("id")
    if qid is None and value.get("numeric-id") is not None and value.get("entity-type", "item") == "item":
        qid = f"Q{value['numeric-id']}"
    return str(qid) if qid and _QID.match(str(qid)) else None


def _best(claims: Mapping[str, Any], prop: str) -> list[Mapping[str, Any]]:
    """Main snaks of the best-ranked claims of ``prop`` (preferred, else normal)."""
    listed = [c for c in claims.get(prop, []) or [] if isinstance(c, Mapping)]
    for rank in ("preferred", "normal"):
        chosen = [c.get("mainsnak") or {} for c in listed if c.get("rank", "normal") == rank]
        if chosen:
            return [s for s in chosen if s.get("snaktype", "value") == "value"]
    return []


def _label(entity: Mapping[str, Any]) -> str | None:
    en = (entity.get("labels") or {}).get("en")
    return str(en["value"]) if isinstance(en, Mapping) and en.get("value") else None


def _place_info(entity: Mapping[str, Any], counts: Counter[str]) -> tuple[PlaceInfo, list[str]]:
    """Attributes of one entity, and the QIDs of its P17 countries."""
    claims = entity.get("claims") or {}
    info = PlaceInfo()
    label = _label(entity)
    if label:
        info.labels.add(label)
    info.types.update(q for q in (_item_id(s) for s in _best(claims, "P31")) if q)
    countries = [q for q in (_item_id(s) for s in _best(claims, "P17")) if q]
    for snak in _best(claims, "P625"):
        value = (snak.get("datavalue") or {}).get("value") or {}
        try:
            lat, lon = float(value["latitude"]), float(value["longitude"])
        except (KeyError, TypeError, ValueError):
            counts["bad_attribute_values"] += 1
            continue
        if value.get("globe", EARTH) == EARTH and -90 <= lat <= 90 and -180 <= lon <= 180:
            info.coords.add((lat, lon))
    for snak in _best(claims, "P1082"):
        value = (snak.get("datavalue") or {}).get("value") or {}
        try:
            info.populations.add(float(str(value["amount"])))
        except (KeyError, TypeError, ValueError):
            counts["bad_attribute_values"] += 1
    return info, countries


def _qualifier_dates(st: Statement, qualifiers: Mapping[str, Any], counts: Counter[str]) -> None:
    """Add P580/P582/P585 qualifier values to ``st``; raise ValueError for an unreadable one."""
    for prop, which in (("P580", "start"), ("P582", "end"), ("P585", "point")):
        for snak in qualifiers.get(prop, []) or []:
            if not isinstance(snak, Mapping) or snak.get("snaktype", "value") != "value":
                counts["unknown_value_dates"] += 1  # "unknown value"/"no value": not a date
                continue
            value = (snak.get("datavalue") or {}).get("value") or {}
            try:
                ts, precision = wikidata_time(value.get("time"), value.get("precision"))
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{prop} {value.get('time')!r}: {exc}") from exc
            st.add_date(which, ts, precision, prop)


def _documents(
    paths_or_docs: Iterable[str | os.PathLike[str] | Mapping[str, Any]],
) -> Iterable[tuple[str, Mapping[str, Any]]]:
    for i, item in enumerate(paths_or_docs, start=1):
        if isinstance(item, Mapping):
            doc, name = item, f"<doc {i}>"
        else:
            name = str(item)
            doc = json.loads(Path(item).read_text(encoding="utf-8"))
        _check_entities(doc)
        yield name, doc


def load_entity_json(paths_or_docs: Iterable[str | os.PathLike[str] | Mapping[str, Any]],
                     source: str = SOURCE) -> TwinData:
    """Load P190 ties and their places from Special:EntityData JSON documents (paths or dicts).

    Conventions as in the module docstring; ties, spells, dates, conflicts and notes follow
    :mod:`twingraph.loaders.wikidata_statements` exactly, as the SPARQL loader
    :mod:`twingraph.loaders.wikidata_live` does (reciprocal claims merge into one tie).

    Parameters
    ----------
    paths_or_docs : iterable of str, path-like or mapping
        Files, or already decoded documents.
    source : str
        Dataset name.

    Returns
    -------
    TwinData
    """
    rej = Rejections()
    counts: Counter[str] = Counter()
    entities: dict[str, tuple[str, Mapping[str, Any]]] = {}
    duplicates: list[tuple[str, Mapping[str, Any]]] = []
    redirects: dict[str, str] = {}
    for name, doc in _documents(paths_or_docs):
        stem = Path(name).stem
        ids = {str(e.get("id", k)) for k, e in doc["entities"].items() if isinstance(e, Mapping)}
        if _QID.match(stem) and len(ids) == 1 and stem not in ids:
            redirects[stem] = next(iter(ids))  # fetched as <stem>, served as its redirect target
        for key, entity in doc["entities"].items():
            if not isinstance(entity, Mapping) or "missing" in entity:
                counts["missing_entities"] += 1
                continue
            qid = str(entity.get("id", key))
            if key != qid:
                redirects[key] = qid
            if qid in entities:
                duplicates.append((name, entity))
            else:
                entities[qid] = (name, entity)

    iso3 = dict(COUNTRY_ISO3)
    labels: dict[str, str] = {}
    for qid, (_, entity) in entities.items():
        codes = [str(s["datavalue"]["value"]).upper() for s in _best(entity.get("claims") or {}, "P298")
                 if isinstance((s.get("datavalue") or {}).get("value"), str)]
        if codes:
            iso3[qid] = sorted(codes)[0]
        label = _label(entity)
        if label:
            labels[qid] = label

    rows_read = rows_loaded = 0
    statements: dict[str, Statement] = {}
    for name, entity in duplicates:  # every claim of a document read twice is rejected (not parsed)
        for line, _claim in enumerate((entity.get("claims") or {}).get("P190", []) or [], start=1):
            rows_read += 1
            rej.add(name, line, "duplicate-entity", f"{entity.get('id')} already read from another document")
    for qid, (name, entity) in entities.items():

        def _claim_row(row: Row, qid: str = qid, name: str = name) -> tuple[int, Statement, Mapping[str, Any]]:
            claim = row.data
            target = _item_id(claim.get("mainsnak") if isinstance(claim, Mapping) else None)
            if target is None:
                raise Reject("missing-qid", f"{qid}: P190 claim without an item value")
            target = redirects.get(target, target)
            if target == qid:
                raise Reject("self-tie", f"{qid} twinned with itself")
            rank = claim.get("rank", "normal")
            if rank not in _RANKS:
                raise Reject("bad-rank", f"rank={rank!r}")
            st = Statement(str(claim.get("id") or f"{qid}${name}:{row.line}"), qid, target, rank)
            qualifiers = claim.get("qualifiers") or {}
            try:
                _qualifier_dates(st, qualifiers, counts)
            except ValueError as exc:
                raise Reject("bad-date", str(exc)) from None
            return row.line, st, qualifiers

        reader = RowReader(name, rej)
        claims = (Row(line, [], json.dumps(c, ensure_ascii=False)[:1000], c)
                  for line, c in enumerate((entity.get("claims") or {}).get("P190", []) or [], start=1))
        for line, st, qualifiers in reader.records(claims, _claim_row):
            sid = st.sid
            for snak in qualifiers.get("P1534", []) or []:
                cause = _item_id(snak)
                if cause:
                    st.causes.add(cause)
                    if cause in labels:
                        st.cause_labels.add(labels[cause])
            st.rows = 1
            rows_loaded += 1
            if sid in statements:  # the same statement id twice: merge rather than double count
                counts["repeated_statement_ids"] += 1
                st.sid = f"{sid}#{line}"
            statements[st.sid] = st
        rows_read += reader.rows_read

    infos: dict[str, PlaceInfo] = defaultdict(PlaceInfo)
    for qid, (_, entity) in entities.items():
        info, countries = _place_info(entity, counts)
        for c in countries:
            info.add_country(c, iso3.get(c))
        infos[qid] = info
    data = build_twindata(statements.values(), infos, rej, rows_read, rows_loaded, source, counts, iso3)
    # the documents say when they describe the items: ``modified`` (ISO 8601, UTC); the latest
    # day is the data's observation date (ties with no end are right-censored there)
    modified = []
    for _, entity in entities.values():
        stamp = entity.get("modified") if isinstance(entity, Mapping) else None
        if isinstance(stamp, str):
            try:
                modified.append(pd.Timestamp(stamp).tz_localize(None) if pd.Timestamp(stamp).tzinfo is None
                                else pd.Timestamp(stamp).tz_convert(None))
            except ValueError:
                counts["bad_modified"] += 1
    if modified:
        data.observed = max(modified).normalize()
    data.notes.update({
        "entities": len(entities),
        "redirects": dict(sorted(redirects.items())),
        "missing_entities": int(counts.get("missing_entities", 0)),
        "unknown_value_dates": int(counts.get("unknown_value_dates", 0)),
        "repeated_statement_ids": int(counts.get("repeated_statement_ids", 0)),
    })
    return data


def fetch_entities(client: WikidataClient, qids: Iterable[str], *, include_countries: bool = False,
                   refresh: bool = False, progress: bool = False) -> list[Path]:
    """Fetch ``Special:EntityData/<qid>.json`` for each QID into ``client.cache_dir``; return paths.

    The URL comes from ``client.entity_url`` (a ``{qid}`` template, so tests can point it at
    127.0.0.1).  Documents already cached (``<cache>/wikidata-entity/<qid>.json``, written
    atomically) are not fetched again unless ``refresh``.  With ``include_countries`` the P17
    countries of the fetched items are fetched as well, so ISO3 codes come from their P298.
    Raises :class:`~twingraph.loaders.wikidata_client.WikidataFetchError` naming the QID.

    Parameters
    ----------
    client : WikidataClient
        Client with a ``cache_dir``.
    qids : iterable of str
        Items to fetch.
    include_countries : bool
        Also fetch the items' P17 countries.
    refresh : bool
        Fetch again even when cached.
    progress : bool
        Show a progress bar.

    Returns
    -------
    list of Path
        One cache file per item fetched or read (countries included), in fetch order.
    """
    from tqdm.auto import tqdm

    if client.cache_dir is None:
        raise ValueError("the WikidataClient needs a cache_dir to fetch into")
    todo = list(dict.fromkeys(str(q).strip() for q in qids))
    bad = [q for q in todo if not _QID.match(q)]
    if bad:
        raise ValueError(f"not QIDs: {bad[:5]}")
    paths: list[Path] = []
    done: set[str] = set()
    bar = tqdm(total=len(todo), desc="Wikidata entities", unit="item", disable=not progress)
    while todo:
        qid = todo.pop(0)
        if qid in done:
            continue
        done.add(qid)
        path = entity_cache_path(client.cache_dir, qid)
        doc = None if refresh else read_cached_json(path, _check_entities)
        if doc is None:
            try:
                doc = client.entity(qid)
            except WikidataFetchError as exc:
                exc.partition = qid
                raise
            atomic_write_json(path, doc)
        paths.append(path)
        bar.update(1)
        if include_countries:
            for entity in doc["entities"].values():
                if isinstance(entity, Mapping):
                    for c in (_item_id(s) for s in _best(entity.get("claims") or {}, "P17")):
                        if c and c not in done and c not in todo:
                            todo.append(c)
                            bar.total += 1
    bar.close()
    return paths
