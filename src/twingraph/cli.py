"""Command-line interface: ``twingraph info|export|fetch|stats|rank|overlap|portfolio|suggest|...``.

A source is a dataset name, a file, or a dataset expression ``a+b+c``: the sources merged into one
graph with places resolved across them (:func:`twingraph.merge_sources`).  ``twingraph overlap
a+b+c --out DIR`` prints how they overlap and writes the merge report.

User errors (unknown dataset, missing or malformed file, bad option, a full disk) print one line to
stderr, ``twingraph: error: ...``, and exit with status 2.  Bugs (e.g. a loader building tables that
break the contract, :class:`twingraph.tables.ContractError`) keep their traceback.

Whenever input rows are rejected, every command that loads data says so on stderr (count and the
top reasons; ``twingraph info SOURCE --rejections FILE`` lists them).  When nothing loads (every
row rejected, or no data rows) it is an error: ``info`` still prints its summary and writes the
rejection report, then exits 2.

``--format`` names the format of a *file*; with a dataset name (whose format is fixed) it is an
error rather than silently ignored.
"""

from __future__ import annotations

import argparse
import errno
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from .exceptions import UserError

__all__ = ["main", "info_summary"]




#: Names :func:`twingraph.load` resolves without a path (besides the dataset registry).
_BUILTIN_SOURCES = ("curated", "wikidata-live")


def _is_dataset_name(source: str) -> bool:
    from .datasets import DATASETS

    return source in DATASETS or source in _BUILTIN_SOURCES  # load() resolves names before paths


def _rejection_summary(data, top: int = 3) -> str:  # type: ignore[no-untyped-def]
    counts = sorted(data.rejected_by_reason().items(), key=lambda kv: (-kv[1], kv[0]))
    shown = ", ".join(f"{reason} {n:,}" for reason, n in counts[:top])
    more = f", {len(counts) - top} more reasons" if len(counts) > top else ""
    return f"{shown}{more}"


def _report_rejections(source: str, data) -> None:  # type: ignore[no-untyped-def]
    """One line on stderr: how many rows were rejected, the top reasons, where the full list is."""
    print(f"twingraph: {source}: {data.rows_rejected:,} of {data.rows_read:,} rows rejected "
          f"({_rejection_summary(data)}); `twingraph info {source} --rejections FILE` lists them",
          file=sys.stderr)


def _is_expression(source: str) -> bool:
    return "+" in source and not Path(source).exists()


def _column_mappings(columns: str | list[str] | None) -> dict[str | None, str]:
    """``--columns`` values -> {file or None: mapping}.

    Each value is ``mapping`` (for every file source) or ``FILE:mapping`` (for that file of a dataset
    expression only), e.g. ``--columns my.csv:a_name=origincityLabel,b_name=destinationcityLabel``.
    """
    out: dict[str | None, str] = {}
    for value in [columns] if isinstance(columns, str) else (columns or []):
        head, sep, tail = value.partition(":")
        key, mapping = (head, tail) if sep and "=" not in head else (None, value)
        if key in out:
            raise UserError(f"--columns given twice for {key or 'every file'}")
        out[key] = mapping
    return out


def _mapping_for(term: str, mappings: dict[str | None, str]) -> str | None:
    """The column mapping of one source term: its own, else the general one (files only)."""
    if _is_dataset_name(term):
        if term in mappings:
            raise UserError(f"--columns {term}:... : {term} is a dataset name read by its own loader")
        return None
    return mappings.get(term, mappings.get(None))


def _merge(source: str, fmt: str | None = None, columns: str | list[str] | None = None):  # type: ignore[no-untyped-def]
    """A dataset expression ``a+b+c``: the sources merged (:func:`twingraph.merge_sources`); file
    terms are read with their ``--columns`` mapping."""
    from .datasets import DatasetError
    from .loaders import LoadError, load
    from .merge import merge_sources, parse_expression

    if fmt:
        raise UserError("--format applies to one file, not to a dataset expression")
    mappings = _column_mappings(columns)
    try:
        terms = parse_expression(source)
        unknown = sorted(k for k in mappings if k is not None and k not in terms)
        if unknown:
            raise UserError(f"--columns names {', '.join(unknown)}, which is not a term of {source}")
        return merge_sources(*[load(t, columns=_mapping_for(t, mappings)) for t in terms])
    except (LoadError, DatasetError, FileNotFoundError, ValueError) as exc:
        raise UserError(str(exc)) from None


def _load(source: str, fmt: str | None, allow_empty: bool = False,  # type: ignore[no-untyped-def]
          columns: str | list[str] | None = None, enrich: bool = False):
    """Load ``source``; report rejected rows on stderr; nothing loaded is a :class:`UserError`.

    With ``allow_empty`` the data are returned even when nothing loaded (``info`` reports first,
    then fails through :func:`_fail_if_empty`).
    """
    from .datasets import DatasetError
    from .loaders import LoadError, load

    if fmt and _is_dataset_name(source):
        raise UserError(f"--format {fmt} applies to files; {source} is a dataset name read by its own loader")
    try:
        if _is_expression(source):
            data = _merge(source, fmt, columns).data
        else:
            mappings = _column_mappings(columns)
            if set(mappings) - {None, source}:
                raise UserError(f"--columns names {', '.join(sorted(str(k) for k in mappings if k))}, "
                                f"not the source {source}")
            data = load(source, format=fmt, columns=mappings.get(source, mappings.get(None)))
    except (LoadError, DatasetError, FileNotFoundError) as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:  # unreadable file, a device, ...
        raise UserError(f"cannot read {exc.filename or source}: {exc.strerror or exc}") from None
    if data.rows_rejected and data.rows_loaded:
        _report_rejections(source, data)
    if not allow_empty:
        _fail_if_empty(source, data)
    if enrich:  # --enrich-population: GeoNames populations where no source has one
        from .resolve import enrich_population

        data, _ = enrich_population(data)
    return data


def _fail_if_empty(source: str, data) -> None:  # type: ignore[no-untyped-def]
    if data.rows_loaded:
        return
    if data.rows_rejected:
        raise UserError(f"{source}: nothing loaded: all {data.rows_rejected:,} rows rejected "
                        f"({_rejection_summary(data)}); `twingraph info {source} --rejections FILE` lists them")
    raise UserError(f"{source}: nothing loaded: no data rows")


def _check_parent(target: str | Path) -> None:
    """The nearest existing ancestor of ``target`` must be a folder (else mkdir says "File exists")."""
    for parent in Path(target).absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise UserError(f"cannot write {target}: {parent} is not a directory")
            return


def _write_rejections(data, target: str) -> None:  # type: ignore[no-untyped-def]
    """The rejection report as CSV; missing parent folders are created (as ``export --out`` does)."""
    out = Path(target)
    _check_parent(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        data.rejections.to_csv(out, index=False)
    except OSError as exc:
        raise UserError(f"cannot write {target}: {exc.strerror or exc}") from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def info_summary(data) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """The numbers ``twingraph info`` reports, as a JSON-serialisable dict.

    Parameters
    ----------
    data : TwinData
        Loaded data.

    Returns
    -------
    dict of str to object
    """
    import networkx as nx

    from .graphs import simple_graph

    s = data.spells
    ties = data.ties
    G = simple_graph(data, isolates=False)
    countries = data.places["country"].dropna()
    return {
        "source": data.source,
        "rows_read": data.rows_read,
        "rows_loaded": data.rows_loaded,
        "rows_rejected": data.rows_rejected,
        "rejected_by_reason": data.rejected_by_reason(),
        "n_places": int(len(data.places)),
        "n_ties": int(s["tie_id"].nunique()),
        "n_spells": int(len(s)),
        "n_countries": int(countries.nunique()),
        "dated_share": float(ties["start"].notna().mean()) if len(ties) else 0.0,
        "n_ended": int(ties["end_status"].notna().sum()),
        "n_components": int(nx.number_connected_components(G)) if G.number_of_nodes() else 0,
        "n_events": int(len(data.events)),
        "observed": data.observed.date().isoformat() if data.observed is not None else None,
        "notes": {k: v for k, v in data.notes.items() if isinstance(v, (int, float, str))},
    }


def _cmd_info(args: argparse.Namespace) -> int:
    data = _load(args.source, args.format, allow_empty=True, columns=args.columns, enrich=args.enrich_population)
    summary = info_summary(data)
    if args.rejections:
        _write_rejections(data, args.rejections)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        _fail_if_empty(args.source, data)
        return 0
    print(f"source            {summary['source']}")
    print(f"rows read         {summary['rows_read']:,}")
    print(f"rows loaded       {summary['rows_loaded']:,}")
    print(f"rows rejected     {summary['rows_rejected']:,}")
    for reason, n in summary["rejected_by_reason"].items():
        print(f"  {reason:<24} {n:,}")
    for key, label in (("n_places", "places"), ("n_ties", "ties"), ("n_spells", "spells"),
                       ("n_countries", "countries"), ("n_ended", "ended ties"), ("n_components", "components"),
                       ("n_events", "events")):
        print(f"{label:<18}{summary[key]:,}")
    print(f"dated share       {summary['dated_share']:.3f}  (ties with a known start)")
    if summary["observed"]:
        print(f"observed          {summary['observed']}")
    for k, v in summary["notes"].items():
        print(f"note: {k} = {v}")
    _fail_if_empty(args.source, data)
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from .export import export

    data = _load(args.source, args.input_format, columns=args.columns, enrich=args.enrich_population)
    if args.format == "csv" and Path(args.out).exists() and not Path(args.out).is_dir():
        raise UserError(f"cannot write {args.out}: it exists and is not a directory (--format csv writes a "
                        "folder of tables)")
    _check_parent(args.out)
    try:
        written = export(data, args.out, args.format)
    except OSError as exc:
        raise UserError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    if args.rejections:
        _write_rejections(data, args.rejections)
    print(f"wrote {', '.join(str(p) for p in written)}")
    return 0


_WIKIMEDIA_HOSTS = ("wikidata.org", "wikimedia.org", "wikipedia.org")


def _is_wikimedia(url: str) -> bool:
    from urllib.parse import urlsplit

    host = (urlsplit(url).hostname or "").lower()
    return any(host == h or host.endswith("." + h) for h in _WIKIMEDIA_HOSTS)


def _report_retry(failure: dict[str, object]) -> None:
    print(f"twingraph: {failure['what']}: {_shorten(str(failure['problem']))}; retry {failure['attempt']}/"
          f"{failure['max_retries']} in {float(failure['wait']):.0f} s", file=sys.stderr, flush=True)  # type: ignore[arg-type]


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fetch_wikidata_live(args: argparse.Namespace) -> int:
    import os

    from .datasets import data_dir
    from .loaders.wikidata_client import DEFAULT_ENDPOINT
    from .loaders.wikidata_live import (WikidataClient, WikidataFetchError, default_user_agent, fetch_p190,
                                        parse_sparql_pages)

    if args.page_size < 1:
        raise UserError("--page-size must be at least 1")
    endpoint_url = args.endpoint or DEFAULT_ENDPOINT
    contact = args.contact or os.environ.get("TWINGRAPH_CONTACT")
    if not contact and _is_wikimedia(endpoint_url):
        raise UserError("fetch wikidata-live needs --contact URL-OR-EMAIL (or $TWINGRAPH_CONTACT): Wikimedia's "
                        "User-Agent policy asks every client to say how to reach its operator")
    root = Path(args.dir) if args.dir else data_dir()
    endpoint = {"endpoint": args.endpoint} if args.endpoint else {}
    client = WikidataClient(user_agent=default_user_agent(contact), cache_dir=root, on_retry=_report_retry,
                            **endpoint)
    try:
        paths = fetch_p190(client, countries=args.countries or None, page_size=args.page_size,
                           progress=not args.quiet)
    except WikidataFetchError as exc:
        raise UserError(f"{_shorten(str(exc))} (cached pages are kept: run the same command again to resume)") from None
    data = parse_sparql_pages(paths)
    print(f"{len(paths)} pages cached under {root / 'wikidata-live'}; {data}")
    return 0


def _cmd_fetch(args: argparse.Namespace) -> int:
    from .datasets import DatasetError, fetch

    if args.name == "wikidata-live":
        return _fetch_wikidata_live(args)
    try:
        paths = fetch(args.name, root=Path(args.dir) if args.dir else None, progress=not args.quiet,
                      quiet=args.quiet)
    except DatasetError as exc:
        raise UserError(str(exc)) from None
    for p in paths:
        print(p)
    return 0


def _cmd_stats(args: argparse.Namespace) -> int:
    from .graphs import simple_graph, to_igraph
    from .measures.summary import konect_stats

    g = _large_konect_graph(args)
    if g is None:
        data = _load(args.source, args.format, columns=args.columns, enrich=args.enrich_population)
        g, _ = to_igraph(simple_graph(data, isolates=True, associations=args.associations))  # flags itself
    stats = konect_stats(g, distances=not args.no_distances)
    if args.json:
        print(json.dumps(stats, indent=2))
        return 0
    se: Any = stats.pop("distances_se", None) or {}
    for k, v in stats.items():
        text = _text_value(v, 'not computed (--no-distances)' if args.no_distances else 'n/a')
        if isinstance(se, dict) and se.get(k) is not None:
            text += f" ± {_text_value(se[k])} (SE)"
        if k == "diameter" and "distances" in stats:
            text = f">= {text} (largest distance found)"
        if k == "distances":
            print(f"{k:<26}{v}")
            continue
        print(f"{k:<26}{text}")
    return 0


def _large_konect_graph(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """A large KONECT file (``loaders.konect.FAST_ROWS`` rows and more, nothing to reject) read
    straight into an igraph graph by :func:`twingraph.loaders.konect.konect_edge_arrays`; None
    for everything else (dataset names, expressions, other formats, options that need the
    tables, irregular rows), which :func:`_load` then reads row by row."""
    if (args.columns or args.enrich_population or args.associations != "include"
            or _is_dataset_name(args.source) or _is_expression(args.source)):
        return None
    path = Path(args.source)
    if not path.is_file():
        return None
    from .loaders import detect_format
    from .loaders.konect import konect_edge_arrays

    try:
        fmt = args.format or detect_format(path)
    except (ValueError, OSError):
        return None
    if fmt != "konect":
        return None
    try:
        arrays = konect_edge_arrays(path)
    except (ValueError, OSError):
        return None
    if arrays is None:
        return None
    import igraph as ig

    n, edges = arrays
    print(f"{path.name}: {n:,} nodes, {len(edges):,} edges read as arrays (large regular KONECT file)",
          file=sys.stderr)
    return ig.Graph(n=n, edges=edges, directed=False)


def _text_value(v: object, missing: str = "n/a") -> str:
    """One value of a text table: thousands separators, 6 significant digits, never "None" or "nan"."""
    if v is None or (isinstance(v, float) and v != v):
        return missing
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, float):
        return f"{v:,.6g}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _cmd_rank(args: argparse.Namespace) -> int:
    from .graphs import simple_graph, to_igraph
    from .measures.centrality import rank_table

    data = _load(args.source, args.format, columns=args.columns, enrich=args.enrich_population)
    g, _ = to_igraph(simple_graph(data, isolates=False, associations=args.associations))  # flags itself
    if args.associations == "groups":  # rank places only, not the association nodes
        g.delete_vertices([v.index for v in g.vs if str(v["name"]).startswith("assoc:")])
    table = rank_table(g, by=args.by, top=args.top)
    if args.json:
        print(table.to_json(orient="records", force_ascii=False))
    else:
        print(table.astype(object).where(table.notna(), "–").to_string(index=False))
    return 0


def _cmd_overlap(args: argparse.Namespace) -> int:
    from .merge import absent_ties, overlap_report

    result = _merge(args.source, columns=args.columns)
    data = result.data
    if data.rows_rejected:
        _report_rejections(args.source, data)
    rep = overlap_report(data)
    absent = {f"{a} not in {b}": absent_ties(data, a, b) for a in result.sources for b in result.sources if a != b}
    if args.out:
        out = Path(args.out)
        try:
            out.mkdir(parents=True, exist_ok=True)
            result.resolution.decisions.to_csv(out / "place_decisions.csv", index=False)
            result.resolution.groups().to_csv(out / "place_groups.csv", index=False)
            data.attestations.to_csv(out / "attestations.csv", index=False, date_format="%Y-%m-%d")
            result.date_conflicts.to_csv(out / "date_conflicts.csv", index=False, date_format="%Y-%m-%d")
            result.status_conflicts.to_csv(out / "status_conflicts.csv", index=False, date_format="%Y-%m-%d")
            rep["pairwise"].to_csv(out / "overlap.csv", index=False, float_format="%.4f")  # type: ignore[union-attr]
            for k, df in absent.items():
                name = f"absent_{k.replace(' not in ', '__not_in__')}.csv"
                df.to_csv(out / name, index=False, date_format="%Y-%m-%d")
        except OSError as exc:
            raise UserError(f"cannot write {args.out}: {exc.strerror or exc}") from None
    summary = {
        "sources": result.sources, "rows_read": data.rows_read, "rows_loaded": data.rows_loaded,
        "rows_rejected": data.rows_rejected, "places": len(data.places),
        "ties": int(data.spells["tie_id"].nunique()), "ties_by_n_sources": rep["by_n_sources"],
        "pairwise": rep["pairwise"].to_dict("records"),  # type: ignore[union-attr]
        "absent": {k: len(v) for k, v in absent.items()},
        "date_conflicts": int(result.date_conflicts["tie_id"].nunique()),
        "status_conflicts": int(result.status_conflicts["tie_id"].nunique()),
    }
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    print(f"sources           {' + '.join(result.sources)}")
    print(f"rows read/loaded/rejected  {data.rows_read:,} / {data.rows_loaded:,} / {data.rows_rejected:,}")
    print(f"places {len(data.places):,}; ties {summary['ties']:,}")
    for k, v in rep["by_n_sources"].items():  # type: ignore[union-attr]
        print(f"ties attested by {k:<3} sources  {v:,}")
    for r in summary["pairwise"]:
        print(f"{r['source_a']} ties in {r['source_b']}: {r['in_b']:,} of {r['ties_a']:,} ({r['share']:.1%}); "
              f"of those whose two places {r['source_b']} knows: {r['covered_in_b']:,} of {r['covered']:,} "
              f"({r['share_covered']:.1%})")
    for k, v in summary["absent"].items():
        print(f"absent: ties of {k} (both places known there): {v:,}")
    print(f"ties with disagreeing dates {summary['date_conflicts']:,}; ended by one source, active in a later one "
          f"{summary['status_conflicts']:,}")
    return 0


def _cmd_portfolio(args: argparse.Namespace) -> int:
    from .datasets import DatasetError
    from .lifecycle import LifecycleError
    from .loaders import LoadError, load
    from .merge import parse_expression
    from .portfolio import run

    try:
        sources = [load(s) for s in parse_expression(args.sources)] if args.sources else None
        if args.out:
            _check_parent(Path(args.out) / "x")
        print(run(args.city, args.country, args.json, args.out, sources))
    except (LifecycleError, LoadError, DatasetError) as exc:
        raise UserError(str(exc)) from None
    return 0


def _cmd_validate_survival(args: argparse.Namespace) -> int:
    from .simulate import validate_survival

    if args.replicates < 2:
        raise UserError("--replicates must be at least 2")
    if args.hazard_ratio <= 0:
        raise UserError("--hazard-ratio must be positive")
    if args.jobs == 0:
        raise UserError("--jobs must be a positive number of processes (or negative, joblib-style)")
    if args.dyadic:
        from .simulate import dyadic_coverage

        table, _ = dyadic_coverage(args.replicates, shock_hr=args.hazard_ratio, random_state=args.seed,
                                   n_jobs=args.jobs, pseudo_true_replicates=args.pseudo_true_replicates)
        cols = ["scenario", "se_type", "n_replicates", "n_not_estimable", "coverage", "coverage_wilson_lo",
                "coverage_wilson_hi", "se_over_sd", "pseudo_true_log_hr"]
        if args.json:
            print(table[cols].to_json(orient="records"))
        else:
            print(table[cols].to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        return 0
    result = validate_survival(n_replicates=args.replicates, hazard_ratio=args.hazard_ratio, random_state=args.seed,
                               n_jobs=args.jobs)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    else:
        for k, v in result.items():
            print(f"{k:<22}{v}")
    return 0


def _cmd_reproduce(args: argparse.Namespace) -> int:
    from .reproduce import reproduce

    return reproduce(Path(args.experiments), only=args.only)


# --- suggest (issue 24): candidate partners with reasons; kept in one block ------------------------------
_REASON = {"log_km": "distance {v:,.0f} km", "same_country": "same country", "border": "neighbouring countries",
           "shared_language": "shared official language", "log_population": "population {v:,.0f}",
           "population_unknown": "population unknown", "log_partners": "{v:,.0f} partners",
           "log_common_partners": "{v:,.0f} common partners", "closes_triangle": "closes a triangle",
           "log_country_pair_ties": "{v:,.0f} ties between the countries",
           "log_focal_in_country": "{v:,.0f} of its partners in that country",
           "log_candidate_in_country": "{v:,.0f} partners in its country", "co_member": "fellow association member",
           "east_west": "across the former Iron Curtain"}
_EXP = {"log_km", "log_population", "log_partners", "log_common_partners", "log_country_pair_ties",
        "log_focal_in_country", "log_candidate_in_country"}


def _cmd_suggest(args: argparse.Namespace) -> int:
    import numpy as np

    from . import maps, partner_choice as pc

    data = _load(args.source, None, enrich=args.enrich_population)
    from .exceptions import DatasetError

    try:
        borders = maps.shared_borders()
    except DatasetError:  # Natural Earth not in the data directory: no border feature
        borders = set()
    cd = pc.prepare(data, borders)
    idx, close = pc.find_place(cd, args.city, args.country)
    if idx is None:
        where = f" in {args.country.upper()}" if args.country else ""
        raise UserError(f"no place called {args.city!r}{where} in {args.source}; close matches: "
                        + (", ".join(close) or "none"))
    model = pc.fit_partner_choice(cd, features=pc.STATIC_FEATURES, folds=5, max_events=args.events,
                                  random_state=args.seed)
    top = pc.distinct_candidates(pc.score_candidates(model, cd, idx).head(20 * args.top), cd).head(args.top)
    feats = model.features
    out = []
    for _, r in top.iterrows():
        reasons = []
        for f in sorted(feats, key=lambda f: -abs(r[f"c_{f}"])):
            x = float(r[f"x_{f}"])
            if abs(r[f"c_{f}"]) < 0.005 or (f not in _EXP and x == 0):
                continue
            v = float(np.expm1(x)) if f in _EXP and f != "log_km" and f != "log_population" else float(np.exp(x))
            reasons.append({"feature": f, "value": v if f in _EXP else x, "contribution": round(float(r[f"c_{f}"]), 4),
                            "text": _REASON.get(f, f).format(v=v)})
        out.append({"partner": r["name"], "country": r["country"], "place_id": r["place_id"],
                    "score": round(float(r["score"]), 4), "probability": float(r["probability"]), "reasons": reasons,
                    "aliases": [a for a in str(r["aliases"]).split(";") if a]})
    focal = {"place": str(cd.names[idx]), "country": str(cd.country[idx]) or None, "place_id": str(cd.ids[idx]),
             "has_coordinates": bool(np.isfinite(cd.lat[idx]) and np.isfinite(cd.lon[idx]))}
    if args.json:
        print(json.dumps({"focal": focal, "source": args.source, "candidates": out,
                          "model": model.estimates.table[["term", "coef", "se"]].to_dict("records")},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"partners suggested for {focal['place']} ({focal['country'] or 'country unknown'}), {args.source}"
          + ("" if focal["has_coordinates"] else " [no coordinates: distance not used]"))
    print("(score: log-odds of the conditional logit; reasons: the log-odds each feature adds against an "
          "average candidate)")
    for k, c in enumerate(out, 1):
        why = "; ".join(f"{x['text']} ({x['contribution']:+.2f})" for x in c["reasons"][:4])
        print(f"{k:>3}. {c['partner']} ({c['country']})  score {c['score']:.2f}  p {c['probability']:.2g}  {why}")
    return 0


def _add_suggest(sub: Any) -> None:
    sp = sub.add_parser("suggest", help="candidate partners for a place, with each feature's contribution")
    sp.add_argument("city", help="place name (case and accents ignored)")
    sp.add_argument("--country", help="ISO3 code of the place's country (to pick among homonyms)")
    sp.add_argument("--top", type=_positive_int, default=10, help="how many candidates (default 10)")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--source", default="wikipedia-lists-2026+wikidata-crawl-2016",
                    help="dataset or expression (default: the 2026 lists and the 2016 crawl merged)")
    sp.add_argument("--enrich-population", action="store_true", help="GeoNames populations (slower)")
    sp.add_argument("--events", type=_positive_int, default=4000, help="ties used to fit the model (default 4000)")
    sp.add_argument("--seed", type=int, default=0)
    sp.set_defaults(func=_cmd_suggest)
# --- end suggest -------------------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (``twingraph: error: ...``, exit 2) like every other user error."""

    def error(self, message: str) -> NoReturn:
        """Print ``twingraph: error: [<subcommand>: ]<message>`` and exit with status 2.

        Parameters
        ----------
        message : str
            argparse's message.
        """
        self.exit(2, f"twingraph: error: {self.prog.removeprefix('twingraph ')}: {message}\n"
                     if self.prog != "twingraph" else f"twingraph: error: {message}\n")


_FORMAT_HELP = "format of a file source (detected when omitted; an error with a dataset name)"


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    p = _Parser(prog="twingraph", description="Network science of town twinning.")
    p.add_argument("--version", action="version", version=f"twingraph {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    def source_cmd(name: str, help: str) -> argparse.ArgumentParser:
        """Add a subcommand that reads a source (``source``, ``--columns``, ``--enrich-population``).

        Parameters
        ----------
        name : str
            Subcommand name.
        help : str
            Its help line.

        Returns
        -------
        argparse.ArgumentParser
        """
        sp = sub.add_parser(name, help=help)
        sp.add_argument("source", help="dataset name (wikipedia-lists-2026, wikidata-crawl-2016, "
                        "germany-partnerships-2015, czechia-partnerships-2013, curated), file path, "
                        "or a dataset expression name+name+... (the sources merged, places resolved)")
        sp.add_argument("--columns", action="append",
                        help="for a table file: canonical=column,... (a_name=origincityLabel,b_lat=...); in a "
                        "dataset expression FILE:canonical=column,... for one file (repeat the option per file)")
        sp.add_argument("--enrich-population", action="store_true",
                        help="fill missing populations from the offline GeoNames gazetteer (same country and "
                        "name, within 10 km; see twingraph.resolve.enrich_population)")
        return sp

    sp = source_cmd("info", "row accounting and size of a dataset or file")
    sp.add_argument("--format", help=_FORMAT_HELP)
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--rejections", metavar="CSV", help="write the rejection report to this CSV")
    sp.set_defaults(func=_cmd_info)

    sp = source_cmd("export", "export the graph for Gephi and friends")
    sp.add_argument("--format", required=True, choices=["graphml", "gexf", "edgelist", "csv"])
    sp.add_argument("--input-format", help=_FORMAT_HELP)
    sp.add_argument("--out", required=True, help="output path (for csv: a directory)")
    sp.add_argument("--rejections", metavar="CSV", help="also write the rejection report to this CSV")
    sp.set_defaults(func=_cmd_export)

    sp = sub.add_parser("fetch", help="download a dataset (or wikidata-live) into the data directory")
    sp.add_argument("name")
    sp.add_argument("--dir", help="data directory (default: $TWINGRAPH_DATA_DIR or the platform cache)")
    sp.add_argument("--quiet", action="store_true", help="no progress bar and no download messages")
    sp.add_argument("--contact", help="wikidata-live: URL or e-mail for the User-Agent (required by Wikimedia's "
                    "policy for its endpoints; or set $TWINGRAPH_CONTACT)")
    sp.add_argument("--countries", nargs="*", help="wikidata-live: only these country QIDs (partitions)")
    sp.add_argument("--endpoint", help="wikidata-live: SPARQL endpoint (default: the Wikidata Query Service)")
    sp.add_argument("--page-size", type=int, default=5000, help="wikidata-live: rows per page (default 5000)")
    sp.set_defaults(func=_cmd_fetch)

    sp = source_cmd("stats", "KONECT-style statistics table")
    sp.add_argument("--format", help=_FORMAT_HELP)
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--no-distances", action="store_true", help="skip the all-pairs distance statistics")
    sp.add_argument("--associations", choices=["include", "exclude", "groups"], default="include",
                    help="ties between co-members of a twinning association (Douzelage, ...): keep them (default), "
                         "drop them (the bilateral network), or replace them by place-association edges")
    sp.set_defaults(func=_cmd_stats)

    sp = source_cmd("rank", "top-N places by a centrality")
    sp.add_argument("--format", help=_FORMAT_HELP)
    sp.add_argument("--by", default="degree",
                    choices=["betweenness", "degree", "pagerank", "eigenvector", "harmonic", "closeness", "core"])
    sp.add_argument("--top", type=_positive_int, default=20, help="how many places (at least 1; default 20)")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--associations", choices=["include", "exclude", "groups"], default="include",
                    help="ties between co-members of a twinning association: keep, drop, or replace by "
                         "place-association edges (association nodes are not ranked)")
    sp.set_defaults(func=_cmd_rank)

    sp = sub.add_parser("overlap", help="merge a dataset expression (a+b+...) and report how the sources overlap")
    sp.add_argument("source", help="dataset expression, e.g. wikipedia-lists-2026+wikidata-crawl-2016")
    sp.add_argument("--out", help="folder for the merge report CSVs (place decisions, attestations, conflicts, ...)")
    sp.add_argument("--columns", action="append",
                    help="FILE:canonical=column,... for a table file of the expression (repeat per file)")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=_cmd_overlap)

    sp = sub.add_parser("portfolio", help="one city's ties: partners, sources, status, dormancy signals, map")
    sp.add_argument("city", help="city name as any source spells it")
    sp.add_argument("--country", type=str.upper, help="ISO3 code of the city's country (for homonyms)")
    sp.add_argument("--json", action="store_true", help="print JSON: {city, country, ties: [...]}")
    sp.add_argument("--out", help="folder for portfolio_<city>.csv and the map (PNG + PDF)")
    sp.add_argument("--sources", help="dataset expression to build from (default: the five dated sources "
                    "and the curated registry)")
    sp.set_defaults(func=_cmd_portfolio)

    sp = sub.add_parser("validate-survival", help="simulation check of the Cox estimator's bias and coverage")
    sp.add_argument("--replicates", type=int, default=200)
    sp.add_argument("--hazard-ratio", type=float, default=2.0)
    sp.add_argument("--seed", type=int, default=0)
    sp.add_argument("--jobs", type=int, default=2)
    sp.add_argument("--dyadic", action="store_true",
                    help="coverage of model-based, one-way, two-way and dyadic SEs under place frailty "
                         "(twingraph.simulate.dyadic_coverage) instead")
    sp.add_argument("--pseudo-true-replicates", type=int, default=300,
                    help="with --dyadic: replicates pooled to estimate the pseudo-true log-HR")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=_cmd_validate_survival)

    _add_suggest(sub)

    sp = sub.add_parser("reproduce", help="run every experiment script, writing into figures/")
    sp.add_argument("--experiments", default="experiments", help="folder of experiment scripts")
    sp.add_argument("--only", help="run only scripts whose name contains this text")
    sp.set_defaults(func=_cmd_reproduce)
    return p


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a file descriptor
        pass


def main(argv: list[str] | None = None) -> int:
    """Run the command line: parse ``argv`` and dispatch to the subcommand.

    Parameters
    ----------
    argv : list of str, optional
        Arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        Exit status: the subcommand's, 2 for a user error or an unwritable output, 130 when
        interrupted, 0 on a closed pipe.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        status = int(args.func(args))
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not in an "Exception ignored" at exit
        return status
    except UserError as exc:
        print(f"twingraph: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("twingraph: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `twingraph info X | head`
        _silence_stdout()
        return 0
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            raise
        _silence_stdout()
        print(f"twingraph: error: cannot write output: {exc.strerror}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
