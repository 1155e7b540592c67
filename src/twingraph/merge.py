"""Merge several sources into one :class:`~twingraph.tables.TwinData` with provenance.

:func:`merge` resolves places across (and within) the sources with
:func:`twingraph.resolve.resolve_places`, re-keys every tie on the resolved places, and merges the
ties that name the same pair of real places (whatever their kind).  :func:`merge_sources` returns
the same data with the merge report: the place decisions, the date and status conflicts.

Conventions
-----------
Places
    One row per resolved place; ``place_id`` = the QID when a source has one, else the id of the
    first source's row.  Each attribute comes from the first source (in the order given) that has
    it (names: so give the English-named source first); ``population`` is the largest known.
Ties
    ``tie_id = "<a>|<b>"`` on the resolved ids; ``source`` = the attesting sources joined by ``";"``
    in input order; ``n_rows`` = the input rows of every source; ``reference`` = ``"<source>=<ref>"``
    joined by ``" ; "``.  A pair of places is one merged tie whatever the kinds the sources give.
    Kinds come from the sources that tell kinds apart (more than one kind among their ties: the
    German register's twinning / friendship / contact) over those that call every tie a twinning
    (the lists, the crawl): ``kind`` is ``twin`` when such a source says so, else its first known
    kind; that source's rows of another kind (a friendship that later became a twinning) stay in
    the attestations and do not date the tie.  Every source spell of the tie is a row of the
    ``attestations`` table with that source's observation date.
Dates
    The spells of the source with the most dated fields form the tie's spells (a source that dates
    a tie beats one that only lists it).  When another source dates the same single-spell tie, the
    values are pooled: dates whose periods overlap agree, and the finer one is kept (1989 and
    1989-05-12 give 1989-05-12); dates whose periods are disjoint disagree: the spell keeps the
    earliest start (latest end), gets ``conflict = True``, and both values stay in the attestations
    and in :attr:`MergeResult.date_conflicts`.
Status
    A tie one source ends and another lists as active *after* that end (its observation date is
    after the end's whole period: a tie ended "in 2016" may have been active in September 2016;
    with no end date, any later listing counts) is reported in :attr:`MergeResult.status_conflicts`,
    not resolved: the spell keeps the end a source states and ``conflict = True``.  A source that
    saw the tie active *before* the end does not contradict it.  A tie present in one source and
    absent from a later one is not ended: :func:`absent_ties` lists such ties.
Row accounting
    ``rows_read`` and ``rows_loaded`` are the sums over the sources; the rejections are the
    sources' (``file`` = ``"<source>/<file>"``) plus one ``self-tie-after-resolution`` row per input
    row of a tie whose two places resolved to one place (a town twinned with its own district
    spelled two ways), so ``rows_read == rows_loaded + rows_rejected`` holds for the merge.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .dates import period_bounds
from .resolve import Resolution, resolution_summary, resolve_places
from .tables import (
    ATTESTATION_COLUMNS,
    PLACE_COLUMNS,
    Rejections,
    TwinData,
    make_twindata,
    pair_key,
)

__all__ = ["MergeResult", "absent_ties", "merge", "merge_sources", "overlap_report", "parse_expression"]


@dataclass
class MergeResult:
    """What :func:`merge_sources` returns.

    Attributes
    ----------
    data : TwinData
        The merged tables (with ``attestations``).
    resolution : Resolution
        The place resolution and its decisions (the merge report).
    date_conflicts : DataFrame
        One row per (tie, field, source) of ties whose sources give disjoint dates.
    status_conflicts : DataFrame
        Ties one source ends and another lists as active after that end.
    sources : list of str
        The merged sources, in order.
    """

    data: TwinData
    resolution: Resolution
    date_conflicts: pd.DataFrame
    status_conflicts: pd.DataFrame
    sources: list[str] = field(default_factory=list)


def parse_expression(expr: str) -> list[str]:
    """Split a dataset expression ``"a+b+c"`` into its sources (names or paths), in order.

    Parameters
    ----------
    expr : str
        ``name+name+...`` (``ValueError`` for an empty or repeated term).

    Returns
    -------
    list of str

    Examples
    --------
    >>> parse_expression("wikipedia-lists-2026+wikidata-crawl-2016")
    ['wikipedia-lists-2026', 'wikidata-crawl-2016']
    """
    parts = [p.strip() for p in str(expr).split("+")]
    if any(not p for p in parts):
        raise ValueError(f"bad dataset expression {expr!r}: empty term (use name+name+...)")
    if len(set(parts)) != len(parts):
        raise ValueError(f"bad dataset expression {expr!r}: a source appears twice")
    return parts


def _load_all(sources: Sequence[TwinData | str | Path]) -> list[TwinData]:
    out = []
    for s in sources:
        if isinstance(s, TwinData):
            out.append(s)
        else:
            from .loaders import load

            out.append(load(s))
    return out


def _ref_rows(reference: object, n_rows: int) -> list[tuple[str, int]]:
    """``"file:3;7"`` -> ``[("file", 3), ("file", 7)]``; ``n_rows`` placeholders when unparsable."""
    text = str(reference or "")
    m = re.match(r"^(.*):(\d+)((?:;\d+)*)$", text)
    if m:
        lines = [int(m.group(2))] + [int(x) for x in m.group(3).split(";") if x]
        if len(lines) == n_rows:
            return [(m.group(1), x) for x in lines]
    return [(text, 0)] * max(int(n_rows), 1)


def _pool(values: list[tuple[pd.Timestamp, str, str]], latest: bool) -> tuple[pd.Timestamp, str, bool]:
    """Pool dated values ``(ts, precision, source)``: overlapping periods agree (finest wins);
    disjoint periods conflict (earliest start / latest end kept)."""
    known = [v for v in values if not pd.isna(v[0]) and v[1] != "unknown"]
    if not known:
        return pd.NaT, "unknown", False
    order = {"day": 0, "month": 1, "year": 2}
    bounds = [period_bounds(ts, p) for ts, p, _ in known]
    conflict = any(b1[1] <= b2[0] or b2[1] <= b1[0]  # type: ignore[operator]
                   for i, b1 in enumerate(bounds) for b2 in bounds[i + 1:])
    if conflict:
        pick = max(known, key=lambda v: v[0]) if latest else min(known, key=lambda v: v[0])
        return pick[0], pick[1], True
    pick = min(known, key=lambda v: (order.get(v[1], 3), v[0]))
    return pick[0], pick[1], False


def merge_sources(
    *sources: TwinData | str | Path,
    overrides: str | Path | pd.DataFrame | None | bool = None,
    **resolve_options: object,
) -> MergeResult:
    """Merge sources (loaded :class:`TwinData`, dataset names or paths) with the merge report.

    Parameters
    ----------
    *sources : TwinData, str or Path
        In priority order: the first source names the places.
    overrides : path, DataFrame, None or False
        Must-link / cannot-link pairs for :func:`twingraph.resolve.resolve_places` (``None``: the
        file shipped with the package; ``False``: none).
    **resolve_options
        Passed to :func:`twingraph.resolve.resolve_places` (``max_km``, ``near_km``, ...).

    Returns
    -------
    MergeResult
    """
    datas = _load_all(sources)
    if not datas:
        raise ValueError("merge needs at least one source")
    names = [d.source for d in datas]
    if len(set(names)) != len(names):
        raise ValueError(f"sources must have distinct names, got {names}")
    res = resolve_places(datas, overrides=overrides, **resolve_options)  # type: ignore[arg-type]
    gmap = res.mapping()
    rank = {s: k for k, s in enumerate(names)}

    # ---- places
    p = res.places.copy()
    p["_rank"] = p["source"].map(rank)
    full = pd.concat([d.places.assign(source=d.source) for d in datas], ignore_index=True)
    full["global_id"] = [gmap[(s, q)] for s, q in zip(full["source"], full["place_id"], strict=True)]
    full["_rank"] = full["source"].map(rank)
    full = full.sort_values(["global_id", "_rank"], kind="stable")
    firsts = full.groupby("global_id", sort=True).first()  # first non-null per column, in source order
    places = firsts.reindex(columns=[c for c in PLACE_COLUMNS if c != "place_id"]).reset_index()
    places = places.rename(columns={"global_id": "place_id"})
    places["population"] = full.groupby("global_id", sort=True)["population"].max().to_numpy()
    qid = places["place_id"].where(places["place_id"].str.fullmatch(r"Q[1-9][0-9]*"), places["qid"])
    places["qid"] = qid

    # ---- ties
    rej = Rejections()
    rows_read = rows_loaded = 0
    for d in datas:
        rows_read += d.rows_read
        rows_loaded += d.rows_loaded
        for r in d.rejections.itertuples(index=False):
            rej.add(f"{d.source}/{r.file}", int(r.line), str(r.reason), str(r.detail), str(r.raw))
    groups: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    self_ties = 0
    for d in datas:
        for sp in d.spells.to_dict("records"):
            ga, gb = gmap[(d.source, sp["a"])], gmap[(d.source, sp["b"])]
            if ga == gb:
                self_ties += 1
                for file, line in _ref_rows(sp["reference"], int(sp["n_rows"])):
                    rej.add(f"{d.source}/{file}", line, "self-tie-after-resolution",
                            f"{sp['a']} and {sp['b']} resolve to one place {ga}", str(sp["tie_id"]))
                rows_loaded -= int(sp["n_rows"])
                continue
            groups[pair_key(ga, gb)].append((d.source, sp))

    observed = {d.source: d.observed for d in datas}
    kind_aware = {d.source for d in datas if d.spells["kind"].nunique() > 1}
    spells_out: list[dict[str, object]] = []
    attest: list[dict[str, object]] = []
    date_conf: list[dict[str, object]] = []
    status_conf: list[dict[str, object]] = []
    for (a, b), members in sorted(groups.items()):
        tie_id = f"{a}|{b}"
        members.sort(key=lambda m: (rank[m[0]], str(m[1]["tie_id"]), int(m[1]["spell"])))
        by_src: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for src, sp in members:
            by_src[src].append(sp)
            attest.append({
                "tie_id": tie_id, "source": src, "source_tie_id": sp["tie_id"], "source_a": sp["a"],
                "source_b": sp["b"], "kind": sp["kind"], "start": sp["start"],
                "start_precision": sp["start_precision"], "end": sp["end"], "end_precision": sp["end_precision"],
                "end_status": sp["end_status"], "observed": observed[src], "reference": sp["reference"],
            })
        srcs = sorted(by_src, key=rank.__getitem__)
        # attesting units: one per source tie (a source can give two ties that resolve to one pair)
        units: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
        for src, sp in members:
            units[(src, str(sp["tie_id"]))].append(sp)

        def info(sps: list[dict[str, Any]]) -> int:
            return sum(int(sp["start_precision"] != "unknown") + int(sp["end_precision"] != "unknown")
                       + int(sp["end_status"] is not None and not pd.isna(sp["end_status"])) for sp in sps)

        # kinds: a source that tells kinds apart (the register's twinning / friendship / contact)
        # decides over one that calls every tie a twinning (the lists, the crawl)
        aware = [str(sp["kind"]) for s in srcs if s in kind_aware for sp in by_src[s] if sp["kind"] != "unknown"]
        kinds = aware or [str(sp["kind"]) for s in srcs for sp in by_src[s] if sp["kind"] != "unknown"]
        kind = "twin" if "twin" in kinds else (kinds[0] if kinds else "unknown")
        # a kind-aware source's rows of another kind (a friendship before the twinning) stay in
        # the attestations only and do not date the tie
        same_kind = {u: v for u, v in units.items()
                     if u[0] not in kind_aware or str(v[0]["kind"]) in (kind, "unknown")} or units
        base_key = max(same_kind, key=lambda u: (info(units[u]), len(units[u]), -rank[u[0]]))
        base = [dict(sp) for sp in sorted(units[base_key], key=lambda sp: int(sp["spell"]))]
        conflict = any(bool(sp["conflict"]) for _, sp in members)
        if len(same_kind) > 1 and all(len(v) == 1 for v in same_kind.values()):
            sp = base[0]
            ordered = sorted(same_kind, key=lambda u: (rank[u[0]], u[1]))
            for fld, latest in (("start", False), ("end", True)):
                vals = [(units[u][0][fld], str(units[u][0][f"{fld}_precision"]), u[0]) for u in ordered]
                ts, prec, bad = _pool(vals, latest)
                sp[fld], sp[f"{fld}_precision"] = ts, prec
                if bad:
                    conflict = True
                    for v in vals:
                        if not pd.isna(v[0]):
                            date_conf.append({"tie_id": tie_id, "field": fld, "source": v[2], "date": v[0],
                                              "precision": v[1]})
            ended = [u for u in ordered if units[u][0]["end_status"] is not None
                     and not pd.isna(units[u][0]["end_status"])]
            if ended and (sp["end_status"] is None or pd.isna(sp["end_status"])):
                first = units[ended[0]][0]
                sp["end_status"], sp["end_cause"] = first["end_status"], first["end_cause"]
        # status: ended by one source, listed active by another that looked after the end
        last = base[-1]
        ended_by = [(s, sp) for s in srcs for sp in by_src[s][-1:]
                    if sp["end_status"] is not None and not pd.isna(sp["end_status"])]
        for s_end, sp_end in ended_by:
            end_day = sp_end["end"]
            # the end's whole period must be over when the other source saw the tie active
            # (a tie ended "in 2016" may still have been active in September 2016)
            end_after = None if pd.isna(end_day) else period_bounds(end_day, str(sp_end["end_precision"]))[1]
            for s in srcs:
                spx = by_src[s][-1]
                active = spx["end_status"] is None or pd.isna(spx["end_status"])
                obs = observed[s]
                if active and obs is not None and (end_after is None or obs >= end_after):
                    conflict = True
                    status_conf.append({"tie_id": tie_id, "ended_by": s_end, "end": end_day,
                                        "end_status": sp_end["end_status"], "active_in": s, "observed": obs})
        n_extra = sum(int(sp["n_rows"]) for u, sps in units.items() if u != base_key for sp in sps)
        reference = " ; ".join(f"{src}={sp['reference']}" for src, sp in members)
        for k, sp in enumerate(base):
            spells_out.append({
                "tie_id": tie_id, "spell": k, "a": a, "b": b, "kind": kind,
                "start": sp["start"], "start_precision": sp["start_precision"],
                "end": sp["end"], "end_precision": sp["end_precision"],
                "end_status": sp["end_status"], "end_cause": sp["end_cause"], "rank": sp["rank"],
                "directions": "both" if len({str(m[1]["directions"]) for m in members}) > 1 else sp["directions"],
                "n_rows": int(sp["n_rows"]) + (n_extra if sp is last else 0), "conflict": conflict,
                "source": ";".join(srcs), "reference": reference,
            })
    obs_all = [o for o in observed.values() if o is not None]
    notes: dict[str, object] = {
        "sources": " + ".join(names),
        "input_places": len(res.places),
        "merged_places": len(places),
        "self_ties_after_resolution": self_ties,
        "date_conflicts": len({c["tie_id"] for c in date_conf}),
        "status_conflicts": len({c["tie_id"] for c in status_conf}),
    }
    for k, v in resolution_summary(res)["decisions"].items():  # type: ignore[union-attr]
        notes[f"decisions[{k}]"] = v
    att = pd.DataFrame(attest, columns=list(ATTESTATION_COLUMNS))
    for c in ("start", "end", "observed"):
        att[c] = pd.to_datetime(att[c])
    data = make_twindata(places, spells_out, rej, rows_read, rows_loaded, source=" + ".join(names),
                         observed=max(obs_all) if obs_all else None, notes=notes)
    data.attestations = att.sort_values(["tie_id", "source", "source_tie_id"], kind="stable").reset_index(drop=True)
    counts = overlap_report(data)["by_n_sources"]
    for k, v in counts.items():  # type: ignore[union-attr]
        data.notes[f"ties_attested_by_{k}"] = v
    dc = pd.DataFrame(date_conf, columns=["tie_id", "field", "source", "date", "precision"])
    sc = pd.DataFrame(status_conf, columns=["tie_id", "ended_by", "end", "end_status", "active_in", "observed"])
    return MergeResult(data=data, resolution=res, date_conflicts=dc, status_conflicts=sc, sources=names)


def merge(*sources: TwinData | str | Path, overrides: str | Path | pd.DataFrame | None | bool = None,
          **resolve_options: object) -> TwinData:
    """One :class:`TwinData` from several sources: places resolved once, ties with provenance.

    Parameters
    ----------
    *sources : TwinData, str or Path
        Loaded data, dataset names or file paths, in priority order (the first names the places).
    overrides : path, DataFrame, None or False
        Must-link / cannot-link pairs (``None``: the file shipped with the package).
    **resolve_options
        Passed to :func:`twingraph.resolve.resolve_places`.

    Returns
    -------
    TwinData
        With ``attestations`` (which sources attest each tie, with their dates and observation
        dates) and the counts of the merge in ``notes``.  :func:`merge_sources` also gives the
        merge report.

    Examples
    --------
    >>> import twingraph
    >>> data = twingraph.merge("wikipedia-lists-2026", "wikidata-crawl-2016")   # doctest: +SKIP
    >>> data.attestations.groupby("tie_id")["source"].nunique().value_counts()  # doctest: +SKIP
    """
    return merge_sources(*sources, overrides=overrides, **resolve_options).data


def overlap_report(data: TwinData) -> dict[str, Any]:
    """How the sources of a merged :class:`TwinData` overlap.

    Parameters
    ----------
    data : TwinData
        Merged data (:func:`merge`), with ``attestations``.

    Returns
    -------
    dict
        ``by_n_sources``: ties attested by 1, 2, 3+ sources (``{"1": n, "2": n, "3+": n}``);
        ``pairwise``: a DataFrame with, for each ordered pair of sources (A, B), A's ties, those
        B also attests and the share, and the same restricted to A's ties whose two places B
        knows (``covered``: B could have listed the tie).
    """
    att = data.attestations
    n_src = att.groupby("tie_id")["source"].nunique() if len(att) else pd.Series(dtype=int)
    by_n = {"1": int((n_src == 1).sum()), "2": int((n_src == 2).sum()), "3+": int((n_src >= 3).sum())}
    ties_of = {s: set(g["tie_id"]) for s, g in att.groupby("source")} if len(att) else {}
    places_of: dict[str, set[str]] = {}
    for s, g in att.groupby("source") if len(att) else []:
        ends = data.spells.drop_duplicates("tie_id").set_index("tie_id").loc[sorted(set(g["tie_id"])), ["a", "b"]]
        places_of[str(s)] = set(ends["a"]) | set(ends["b"])
    tie_ends = data.spells.drop_duplicates("tie_id").set_index("tie_id")[["a", "b"]]
    rows = []
    for sa, ta in ties_of.items():
        for sb, tb in ties_of.items():
            if sa == sb:
                continue
            ends = tie_ends.loc[sorted(ta)]
            cov = ends["a"].isin(places_of[sb]) & ends["b"].isin(places_of[sb])
            covered = set(ends.index[cov])
            rows.append({"source_a": sa, "source_b": sb, "ties_a": len(ta), "in_b": len(ta & tb),
                         "share": len(ta & tb) / len(ta) if ta else float("nan"),
                         "covered": len(covered), "covered_in_b": len(covered & tb),
                         "share_covered": len(covered & tb) / len(covered) if covered else float("nan")})
    pair = pd.DataFrame(rows, columns=["source_a", "source_b", "ties_a", "in_b", "share", "covered",
                                       "covered_in_b", "share_covered"])
    return {"by_n_sources": by_n, "pairwise": pair}


def absent_ties(data: TwinData, seen_in: str, absent_from: str) -> pd.DataFrame:
    """Ties ``seen_in`` attests and ``absent_from`` does not, although it knows both places.

    A tie seen in 2015 and absent from the 2026 lists is a fact to report, not a termination: the
    table gives both observation dates and the start the first source states.

    Parameters
    ----------
    data : TwinData
        Merged data, with ``attestations``.
    seen_in, absent_from : str
        Source names.

    Returns
    -------
    DataFrame
        ``tie_id``, ``a``, ``b``, names, ``start``, ``start_precision``, ``kind``,
        ``seen_observed``, ``absent_observed``.
    """
    att = data.attestations
    seen = att[att["source"] == seen_in].drop_duplicates("tie_id")
    other = att[att["source"] == absent_from]
    ends = data.spells.drop_duplicates("tie_id").set_index("tie_id")[["a", "b"]]
    known = set(ends.loc[sorted(set(other["tie_id"])), "a"]) | set(ends.loc[sorted(set(other["tie_id"])), "b"])
    cand = seen[~seen["tie_id"].isin(set(other["tie_id"]))]
    e = ends.loc[cand["tie_id"]]
    keep = (e["a"].isin(known) & e["b"].isin(known)).to_numpy()
    cand = cand[keep]
    names = data.places.set_index("place_id")["name"]
    obs_other = other["observed"].dropna()
    out = pd.DataFrame({
        "tie_id": cand["tie_id"].to_numpy(),
        "a": e["a"].to_numpy()[keep], "b": e["b"].to_numpy()[keep],
        "name_a": names.reindex(e["a"].to_numpy()[keep]).to_numpy(),
        "name_b": names.reindex(e["b"].to_numpy()[keep]).to_numpy(),
        "start": cand["start"].to_numpy(), "start_precision": cand["start_precision"].to_numpy(),
        "kind": cand["kind"].to_numpy(), "seen_observed": cand["observed"].to_numpy(),
        "absent_observed": obs_other.iloc[0] if len(obs_other) else pd.NaT,
    })
    return out.sort_values("tie_id").reset_index(drop=True)
