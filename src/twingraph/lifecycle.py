"""Tie lifecycle: each tie's history across dated sources, how much each source sees, tie loss
without a shock, and dormancy signals.

Sources (:data:`SYSTEMATIC`, in time order) and what each *covers*
    A source covers a tie when it would have listed it had it known it: when one of the tie's
    places is a place whose ties the source lists (its *home places*):

    ============================  ==========  ===================================================
    source                        observed    home places
    ============================  ==========  ===================================================
    czechia-partnerships-2013     2013-09-17  Czech places of the register (partnerskamesta.cz)
    germany-partnerships-2015     2015-06-18  German places of the register
    wikidata-crawl-2016           2016-09     every item of the crawl (the component reachable
                                              from Weimar: an item's P190 ties were all followed)
    wikidata-eu-2017              2017-05-29  places of the file in its 25 EU states (the query
                                              listed every P190 tie of their towns)
    wikipedia-lists-2026          2026-02-01  places stating a tie (the first town of a row: the
                                              town whose country page lists its partners)
    ============================  ==========  ===================================================

    For each tie and source the history (:func:`tie_histories`) says ``seen``, ``not seen``
    (covered, not listed) or ``not covered``.  The curated registry and the cohort registries
    (``cohort_outcomes_*.csv``) add documented events (signed, suspended, terminated, restored,
    maintained) with dates and sources (:func:`documented_events`); a fetched live-Wikidata cache
    adds P580/P582 dates and deprecated ranks as another merged source (``live=``).
Status (:func:`tie_status`), as of the newest source (the 2026 lists)
    ``suspended`` / ``terminated`` / ``ended`` (lapsed, or a live-Wikidata P582 end): a documented
    end not followed by a documented restoration;
    ``listed``: in the 2026 lists; ``dropped``: seen before, covered by the 2026 lists and absent;
    ``not covered``: seen before, the 2026 lists cover neither town.  Absence is never an end.
Tie loss (:func:`tie_loss`)
    Ties attested in 2013/2015/2016/2017 and absent in 2026, split into ``documented end``,
    ``no longer covered`` and ``dropped by the source``, with covariates for breakdowns and a
    logistic model with dyadic-robust SEs (:func:`loss_model`).
Coverage (:func:`coverage_table`)
    Per country: the ties with a town in that country, captured by the sources that cover the whole
    country (the 2026 lists if the country has a list page, the crawl, the 2017 query for its 25
    states, the German and Czech registers for their own country); log-linear capture–recapture
    (:mod:`twingraph.recapture`) where three or more sources cover it.  The sources span 2013–2026:
    the estimate is of ties that existed and were listable at some time in that span (a tie ended in
    2014 cannot be in the 2026 lists), and missed links between sources' spellings of a place
    inflate it (resolver recall 0.90).
Dormancy (:func:`dormancy`)
    Signals per tie and a documented score and class (see :data:`DORMANCY_WEIGHTS`), validated
    against sourced labels (:func:`validate_dormancy`).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import recapture
from .cohorts import normalize_place_name
from .exceptions import TwingraphError
from .merge import MergeResult, merge_sources
from .tables import TwinData

__all__ = [
    "DORMANCY_WEIGHTS",
    "EU2017_COUNTRIES",
    "LifecycleError",
    "Lifecycle",
    "SYSTEMATIC",
    "YEARS",
    "build",
    "combine_coverage",
    "coverage_table",
    "documented_events",
    "dormancy",
    "find_place",
    "loss_breakdown",
    "loss_model",
    "loss_tables",
    "newest_source",
    "plot_coverage",
    "plot_loss",
    "match_ties",
    "official_counts",
    "portfolio",
    "read_package_csv",
    "tie_histories",
    "tie_loss",
    "tie_status",
    "validate_dormancy",
    "validation_table",
    "wilson_interval",
]

SYSTEMATIC = ("czechia-partnerships-2013", "germany-partnerships-2015", "wikidata-crawl-2016", "wikidata-eu-2017",
              "wikipedia-lists-2026")
YEARS = {"czechia-partnerships-2013": 2013, "germany-partnerships-2015": 2015, "wikidata-crawl-2016": 2016,
         "wikidata-eu-2017": 2017, "wikipedia-lists-2026": 2026}
MERGE_ORDER = ("wikipedia-lists-2026", "wikidata-eu-2017", "wikidata-crawl-2016", "germany-partnerships-2015",
               "czechia-partnerships-2013", "curated")
OBSERVED_2016 = pd.Timestamp("2016-09-01")
EU2017_COUNTRIES = frozenset(
    "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU HUN IRL ITA LVA LTU NLD POL PRT ROU SVK SVN ESP SWE GBR".split())
NEWEST = "wikipedia-lists-2026"
OLDER = SYSTEMATIC[:-1]
END_EVENTS = ("suspended", "terminated", "lapsed", "ended")
ACTIVE_EVENTS = ("signed", "announced", "restored", "maintained")
ENDED = ("suspended", "terminated", "ended")  # statuses of a documented end

#: Dormancy score = sum of weight x signal (signals: see :func:`dormancy`).  Class: ``ended``
#: (documented suspension or termination), else ``dormant`` (score >= 3), ``at risk`` (1-2),
#: ``no signal`` (<= 0).  Documented recent activity (an event since 2015) subtracts 3.
DORMANCY_WEIGHTS: dict[str, float] = {
    "absent_newer": 2.0, "one_sided": 1.0, "missed_by_sources": 1.0, "quiet": 1.0, "association_only": 1.0,
    "recent_activity": -3.0,
}
QUIET_YEARS = 25


class LifecycleError(TwingraphError, ValueError):
    """A lifecycle request that cannot be answered (unknown city, missing data file)."""


def read_package_csv(name: str) -> pd.DataFrame | None:
    """A CSV of the package's data folder (``twingraph/data/<name>``), or None when absent."""
    path = Path(__file__).resolve().parent / "data" / name
    if not path.is_file():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@dataclass
class Lifecycle:
    """The merged sources with what each covers (from :func:`build`).

    Attributes
    ----------
    merged : MergeResult
    sources : dict of TwinData
        The loaded sources by name.
    home : dict of set
        Merged place ids whose ties each systematic source lists (the coverage rule above).
    directions : DataFrame
        ``tie_id``, ``source``, ``directions`` of the Wikidata sources' source ties.
    events : DataFrame
        :func:`documented_events`.
    """

    merged: MergeResult
    sources: dict[str, TwinData]
    home: dict[str, set[str]]
    directions: pd.DataFrame
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    known: dict[str, set[str]] = field(default_factory=dict)

    @property
    def data(self) -> TwinData:
        return self.merged.data

    @property
    def ties(self) -> pd.DataFrame:
        return self.merged.data.spells.drop_duplicates("tie_id")[["tie_id", "a", "b"]].reset_index(drop=True)


def build(sources: Sequence[TwinData] | None = None, live: TwinData | None = None,
          events: pd.DataFrame | None = None) -> Lifecycle:
    """Load (unless given) and merge the sources of :data:`MERGE_ORDER` (plus ``live``), and derive
    coverage and documented events.

    Parameters
    ----------
    sources : sequence of TwinData, optional
        Already loaded sources (any subset; names as in :data:`SYSTEMATIC` or ``"curated"``).
    live : TwinData, optional
        ``twingraph.load("wikidata-live")`` when a fetched cache exists.
    events : DataFrame, optional
        Tie events in the curated registry's columns (default: the packaged curated and cohort files).

    Returns
    -------
    Lifecycle
    """
    if sources is None:
        from .loaders import load

        sources = [load(s) for s in MERGE_ORDER]
    datas = list(sources) + ([live] if live is not None else [])
    by_name = {d.source: d for d in datas}
    res = merge_sources(*datas)
    gmap = res.resolution.mapping()
    home: dict[str, set[str]] = {}
    for name, d in by_name.items():
        p = d.places
        if name == "wikipedia-lists-2026":
            s = d.spells
            ids = set(s.loc[s["directions"].isin(["a->b", "both"]), "a"]) | set(
                s.loc[s["directions"].isin(["b->a", "both"]), "b"])
        elif name == "wikidata-eu-2017":
            ids = set(p.loc[p["country"].isin(EU2017_COUNTRIES), "place_id"])
        elif name == "germany-partnerships-2015":
            ids = set(p.loc[p["country"] == "DEU", "place_id"])
        elif name == "czechia-partnerships-2013":
            ids = set(p.loc[p["country"] == "CZE", "place_id"])
        elif name in ("wikidata-crawl-2016", "wikidata-live"):
            ids = set(p["place_id"])
        else:
            continue
        home[name] = {gmap[(name, x)] for x in ids}
    att = res.data.attestations
    dirs = []
    for name in ("wikidata-crawl-2016", "wikidata-eu-2017", "wikidata-live"):
        if name in by_name:
            sd = by_name[name].spells.drop_duplicates("tie_id").set_index("tie_id")["directions"]
            a = att[att["source"] == name]
            dirs.append(pd.DataFrame({"tie_id": a["tie_id"].to_numpy(), "source": name,
                                      "directions": sd.reindex(a["source_tie_id"]).to_numpy()}))
    directions = (pd.concat(dirs, ignore_index=True) if dirs
                  else pd.DataFrame(columns=["tie_id", "source", "directions"]))
    known = {name: {gmap[(name, x)] for x in d.places["place_id"]} for name, d in by_name.items()}
    lc = Lifecycle(merged=res, sources=by_name, home=home, directions=directions, known=known)
    lc.events = documented_events(lc, events)
    if "wikidata-live" in by_name:
        lc.events = pd.concat([lc.events, _live_events(lc)], ignore_index=True)
    return lc


def _live_events(lc: Lifecycle) -> pd.DataFrame:
    """Dated events of live Wikidata's statements: P580 start (``signed``), P582 end (the
    statement's end status, else ``ended``), deprecated rank (``deprecated``, undated)."""
    live = lc.sources["wikidata-live"].spells
    att = lc.data.attestations
    a = att[att["source"] == "wikidata-live"]
    tie_of = dict(zip(a["source_tie_id"], a["tie_id"]))
    rows = []
    for sp in live.to_dict("records"):
        t = tie_of.get(sp["tie_id"])
        if t is None:
            continue
        base = {"tie_id": t, "registry": "wikidata-live", "source": sp["reference"], "note": "live Wikidata qualifier"}
        if pd.notna(sp["start"]):
            rows.append({**base, "event": "signed", "date": sp["start"], "date_precision": sp["start_precision"]})
        if pd.notna(sp["end"]) or (isinstance(sp["end_status"], str) and sp["end_status"]):
            ev = sp["end_status"] if isinstance(sp["end_status"], str) and sp["end_status"] else "ended"
            rows.append({**base, "event": ev, "date": sp["end"], "date_precision": sp["end_precision"]})
        if sp["rank"] == "deprecated":
            rows.append({**base, "event": "deprecated", "date": pd.NaT, "date_precision": "unknown"})
    return pd.DataFrame(rows, columns=lc.events.columns)


# ------------------------------------------------------------------------------------ place matching
def _key(name: object) -> str:
    """Matching key: anyascii transliteration (ß -> ss, ø -> o) of the normalised name."""
    from anyascii import anyascii

    return normalize_place_name(anyascii(str(name)))


def _name_index(lc: Lifecycle) -> tuple[dict[tuple[str, str], set[str]], dict[tuple[str, str], set[str]]]:
    gmap = lc.merged.resolution.mapping()
    merged_country = lc.data.places.set_index("place_id")["country"]
    full: dict[tuple[str, str], set[str]] = defaultdict(set)
    base: dict[tuple[str, str], set[str]] = defaultdict(set)
    for name, d in lc.sources.items():
        for pid, nm, cc in zip(d.places["place_id"], d.places["name"], d.places["country"]):
            g = gmap[(name, pid)]
            country = merged_country.get(g) if cc is None or pd.isna(cc) else cc
            if not isinstance(country, str):
                continue
            full[(country, _key(nm))].add(g)
            base[(country, _key(re.sub(r"\s*\(.*?\)", "", str(nm))))].add(g)
    return full, base


def _candidates(lc: Lifecycle, name: str, cc: str) -> set[str]:
    if not hasattr(lc, "_names"):
        lc._names = _name_index(lc)  # type: ignore[attr-defined]
    full, base = lc._names  # type: ignore[attr-defined]
    hit = full.get((cc, _key(name)), set())
    return hit or base.get((cc, _key(re.sub(r"\s*\(.*?\)", "", name))), set())


def match_ties(lc: Lifecycle, table: pd.DataFrame) -> pd.DataFrame:
    """Match rows naming two places (``city_a, country_a, city_b, country_b``) to merged places and
    ties: the normalised, transliterated name in the country in any source's spelling, else the
    name without a parenthesised qualifier.  A name standing for several places is resolved by the
    partner: the one candidate pair that is a tie of the merged graph.  Adds ``place_a``,
    ``place_b`` (None when not found or ambiguous) and ``tie_id`` (None when the pair is not a tie
    of the merged graph)."""
    ties = {(a, b): t for t, a, b in lc.ties.itertuples(index=False)}
    out = table.copy()
    pa: list[str | None] = []
    pb: list[str | None] = []
    tids: list[str | None] = []
    x: str | None
    y: str | None
    for na, ca, nb, cb in zip(out["city_a"], out["country_a"], out["city_b"], out["country_b"]):
        ha, hb = _candidates(lc, str(na), str(ca)), _candidates(lc, str(nb), str(cb))
        pairs = [(x, y) for x in ha for y in hb if x != y and (min(x, y), max(x, y)) in ties]
        if len(pairs) == 1:
            x, y = pairs[0]
        else:
            x = next(iter(ha)) if len(ha) == 1 else None
            y = next(iter(hb)) if len(hb) == 1 else None
        pa.append(x)
        pb.append(y)
        tids.append(ties.get((min(x, y), max(x, y))) if x and y and x != y else None)
    out["place_a"], out["place_b"], out["tie_id"] = pa, pb, tids
    return out


def documented_events(lc: Lifecycle, events: pd.DataFrame | None = None) -> pd.DataFrame:
    """Documented tie events of the curated registry and the cohort registries, matched to ties.

    Returns one row per event row: ``tie_id`` (None when unmatched), ``event``, ``date``,
    ``date_precision``, ``registry`` (file), ``source`` (URL), ``note``."""
    if events is None:
        frames = []
        folder = Path(__file__).resolve().parent / "data"
        for path in sorted(folder.glob("cohort_outcomes_*.csv")) + [folder / "curated_tie_events.csv"]:
            df = pd.read_csv(path, dtype=str, keep_default_na=False)
            frames.append(df.assign(registry=path.name))
        events = pd.concat(frames, ignore_index=True)
    ev = match_ties(lc, events)
    ev["date"] = pd.to_datetime(ev["date"].str.slice(0, 10).where(ev["date"] != "", None), errors="coerce",
                                format="mixed")
    cols = ["tie_id", "city_a", "country_a", "city_b", "country_b", "event", "date", "date_precision", "registry",
            "source", "note"]
    return ev.reindex(columns=cols).sort_values(["tie_id", "date"], na_position="first", kind="stable").reset_index(
        drop=True)


# ------------------------------------------------------------------------------------- histories
def tie_histories(lc: Lifecycle) -> pd.DataFrame:
    """One row per (tie, source): ``state`` = ``seen`` / ``not seen`` / ``not covered``, with the
    source's observation date, year, the tie's start date in that source and who states it
    (Wikidata sources); plus one row per documented event (``state`` = the event).  The systematic
    sources follow the coverage rules of the module docstring; any other merged source covers the
    places it names, and the curated registry only the ties it lists."""
    ties = lc.ties
    att = lc.data.attestations
    dirs = lc.directions.drop_duplicates(["tie_id", "source"]).set_index(["tie_id", "source"])["directions"]
    rows = []
    others = sorted((s for s in lc.sources if s not in SYSTEMATIC),
                    key=lambda s: (lc.sources[s].observed or pd.Timestamp.max, s))
    for src in [s for s in SYSTEMATIC if s in lc.sources] + others:
        a = att[att["source"] == src].drop_duplicates("tie_id").set_index("tie_id")
        seen = ties["tie_id"].isin(a.index)
        # other sources cover the places they name; the curated registry only the ties it lists
        home = lc.home.get(src, set() if src == "curated" else lc.known.get(src, set()))
        obs = lc.sources[src].observed
        covered = ties["a"].isin(home) | ties["b"].isin(home)
        state = np.where(seen, "seen", np.where(covered, "not seen", "not covered"))
        start = a["start"].reindex(ties["tie_id"]).to_numpy()
        d = dirs.reindex(pd.MultiIndex.from_arrays([ties["tie_id"], [src] * len(ties)])).to_numpy()
        rows.append(pd.DataFrame({"tie_id": ties["tie_id"], "source": src,
                                  "year": YEARS.get(src, obs.year if obs is not None else pd.NA),
                                  "date": obs, "state": state, "start": start,
                                  "directions": d, "evidence": np.where(seen, a["reference"].reindex(
                                      ties["tie_id"]).to_numpy(), None)}))
    ev = lc.events[lc.events["tie_id"].notna()]
    rows.append(pd.DataFrame({"tie_id": ev["tie_id"], "source": ev["registry"], "year": ev["date"].dt.year,
                              "date": ev["date"], "state": ev["event"], "start": pd.NaT, "directions": None,
                              "evidence": ev["source"]}))
    out = pd.concat(rows, ignore_index=True)
    out["year"] = out["year"].astype("Int64")
    return out.sort_values(["tie_id", "date"], na_position="last", kind="stable").reset_index(drop=True)


def newest_source(lc: Lifecycle) -> str:
    """The source statuses are read against: the 2026 lists when merged, else the listing source
    with the latest observation date, else the last one given."""
    if NEWEST in lc.sources:
        return NEWEST
    listing = [s for s in lc.sources if s != "curated"]
    dated = [s for s in listing if lc.sources[s].observed is not None]
    if dated:
        return max(dated, key=lambda s: (lc.sources[s].observed, listing.index(s)))
    return listing[-1] if listing else NEWEST


def tie_status(lc: Lifecycle, histories: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per tie: first and last sighting, the sources seeing it, its status as of the newest
    source (:func:`newest_source`: the 2026 lists) with the evidence, and the latest documented event."""
    h = tie_histories(lc) if histories is None else histories
    listed = h[h["source"].isin(set(lc.sources)) & (h["state"] == "seen")]
    seen = listed[listed["source"] != "curated"]  # the registry's "observed" is its latest entry, not a sighting
    first = seen.groupby("tie_id")["year"].min()
    last = seen.groupby("tie_id")["year"].max()
    srcs = listed.groupby("tie_id")["source"].agg(lambda s: ";".join(s))
    ref = newest_source(lc)
    obs = lc.sources[ref].observed if ref in lc.sources else None
    when = f" ({obs:%Y-%m})" if obs is not None else ""
    newest = h[h["source"] == ref].drop_duplicates("tie_id").set_index("tie_id")["state"]
    ev = lc.events[lc.events["tie_id"].notna()].copy()
    ev["_ord"] = ev["date"].fillna(pd.Timestamp("1900-01-01"))
    ev = ev.sort_values(["tie_id", "_ord"], kind="stable")
    last_ev = ev.groupby("tie_id").tail(1).set_index("tie_id")
    ended = ev[ev["event"].isin(END_EVENTS + ("restored",))].groupby("tie_id").tail(1).set_index("tie_id")
    ties = lc.ties.copy()
    ties["first_seen"] = first.reindex(ties["tie_id"]).to_numpy()
    ties["last_seen"] = last.reindex(ties["tie_id"]).to_numpy()
    ties["sources"] = srcs.reindex(ties["tie_id"]).to_numpy()
    ties["state_2026"] = newest.reindex(ties["tie_id"]).to_numpy()
    end_ev = ended["event"].reindex(ties["tie_id"]).to_numpy()
    status, evidence = [], []
    for t, st, e, ls in zip(ties["tie_id"], ties["state_2026"], end_ev, ties["last_seen"]):
        if isinstance(e, str) and e in END_EVENTS:
            r = ended.loc[t]
            status.append(e if e in ("terminated", "suspended") else "ended")
            evidence.append(f"{e} {'' if pd.isna(r['date']) else r['date'].date()} ({r['source']})".replace("  ", " "))
        elif st == "seen":
            status.append("listed")
            evidence.append(f"{ref}{when}")
        elif st == "not seen":
            status.append("dropped")
            evidence.append(f"last seen {ls}; absent from {ref}, which lists a town of the tie")
        else:
            status.append("not covered")
            evidence.append(f"last seen {ls}; {ref} lists neither town" if pd.notna(ls) else "registry only")
    ties["status"], ties["evidence"] = status, evidence
    ties["last_event"] = last_ev["event"].reindex(ties["tie_id"]).to_numpy()
    ties["last_event_date"] = last_ev["date"].reindex(ties["tie_id"]).to_numpy()
    return ties


# ------------------------------------------------------------------------------------- tie loss
def _covariates(lc: Lifecycle, ties: pd.DataFrame) -> pd.DataFrame:
    from .graphs import simple_graph
    from .measures.geography import haversine_km

    places = lc.data.places.set_index("place_id")
    out = ties.copy()
    for side in ("a", "b"):
        c = places.reindex(out[side])
        out[f"country_{side}"] = c["country"].to_numpy()
        out[f"lat_{side}"], out[f"lon_{side}"] = c["lat"].to_numpy(), c["lon"].to_numpy()
    out["distance_km"] = haversine_km(out["lat_a"], out["lon_a"], out["lat_b"], out["lon_b"])
    deg = dict(simple_graph(lc.data).degree())
    da, db = out["a"].map(deg).astype(float), out["b"].map(deg).astype(float)
    out["degree_max"], out["degree_min"] = np.maximum(da, db), np.minimum(da, db)
    att = lc.data.attestations
    starts = att[att["start"].notna()].groupby("tie_id")["start"].min()
    out["start_year"] = starts.reindex(out["tie_id"]).dt.year.to_numpy()
    out["association"] = out["tie_id"].isin(_association_ties(lc))
    return out


def _association_ties(lc: Lifecycle) -> set[str]:
    """Ties between co-members of a twinning association (:func:`twingraph.associations.flag_associations`
    on the merged data: registry members and clique-inferred ones), computed once per :class:`Lifecycle`."""
    from .associations import flag_associations

    if not hasattr(lc, "_assoc"):
        flagged = flag_associations(lc.data)
        lc._assoc = set(flagged.spells.loc[flagged.spells["via_association"].notna(), "tie_id"])  # type: ignore[attr-defined]
    return lc._assoc  # type: ignore[attr-defined]


def tie_loss(lc: Lifecycle, status: pd.DataFrame | None = None) -> pd.DataFrame:
    """Ties attested by a source of 2013–2017, with their fate in 2026 (``fate``: ``listed``,
    ``documented end``, ``no longer covered``, ``dropped``) and covariates (countries, distance,
    degrees in the merged graph, earliest dated start, association co-membership)."""
    st = tie_status(lc) if status is None else status
    old = st[st["first_seen"].notna() & (st["first_seen"] <= 2017)].copy()
    fate = np.select([old["status"].isin(ENDED) & (old["state_2026"] != "seen"),
                      old["state_2026"] == "seen", old["state_2026"] == "not covered"],
                     ["documented end", "listed", "no longer covered"], "dropped")
    old["fate"] = fate
    return _covariates(lc, old).reset_index(drop=True)


def loss_breakdown(loss: pd.DataFrame, by: str, min_n: int = 30) -> pd.DataFrame:
    """Shares of each fate by a column (``country`` counts a tie under both of its countries;
    ``age``, ``distance``, ``degree`` are binned; ``shock`` separates ties with a Russian or
    Belarusian town, a Chinese town, and the rest: the no-shock baseline), groups with at least
    ``min_n`` ties."""
    df = loss.copy()
    if by == "country":
        df = pd.concat([df.assign(group=df["country_a"]), df[df["country_b"] != df["country_a"]].assign(
            group=df["country_b"])], ignore_index=True)
    elif by == "age":
        df["group"] = pd.cut(2026 - df["start_year"], [0, 20, 30, 40, 50, 60, 200],
                             labels=["<20", "20-29", "30-39", "40-49", "50-59", "60+"], right=False).astype(str)
        df.loc[df["start_year"].isna(), "group"] = "undated"
    elif by == "distance":
        df["group"] = pd.cut(df["distance_km"], [0, 250, 500, 1000, 2000, 5000, 25000],
                             labels=["<250", "250-500", "500-1000", "1000-2000", "2000-5000", "5000+"]).astype(str)
    elif by == "degree":
        df["group"] = pd.cut(df["degree_max"], [0, 5, 10, 20, 50, 1e9],
                             labels=["1-5", "6-10", "11-20", "21-50", "51+"]).astype(str)
    elif by == "association":
        df["group"] = np.where(df["association"], "co-members", "bilateral")
    elif by == "shock":  # ties exposed to a documented shock of 2013-2026 (Russia 2022, China) vs the rest
        cc = df[["country_a", "country_b"]]
        df["group"] = np.select([cc.isin(["RUS", "BLR"]).any(axis=1), cc.isin(["CHN"]).any(axis=1)],
                                ["Russian or Belarusian town", "Chinese town"], "neither (no shock)")
    else:
        raise LifecycleError(f"unknown breakdown {by!r}")
    tab = pd.crosstab(df["group"], df["fate"])
    for f in ("listed", "dropped", "no longer covered", "documented end"):
        if f not in tab:
            tab[f] = 0
    tab["n"] = tab.sum(axis=1)
    tab["absent_2026"] = tab["n"] - tab["listed"]
    tab["share_absent"] = tab["absent_2026"] / tab["n"]
    covered = tab["n"] - tab["no longer covered"]
    tab["share_dropped_of_covered"] = tab["dropped"] / covered.where(covered > 0)
    out = tab[tab["n"] >= min_n].reset_index().rename(columns={"group": by})
    return out.sort_values("n", ascending=False).reset_index(drop=True)


def loss_model(loss: pd.DataFrame) -> pd.DataFrame:
    """Logistic model of ``dropped`` against ``listed`` among ties the 2026 lists cover and no
    documented end: log2 distance, log2 degrees (larger and smaller end), decades since the dated
    start (undated: indicator), association co-members, same country; odds ratios with
    dyadic-robust 95% intervals (:func:`twingraph.survival.robust.dyadic_variance`)."""
    from .survival.robust import dyadic_variance

    d = loss[loss["fate"].isin(["dropped", "listed"])].dropna(subset=["distance_km", "degree_max"]).copy()
    d = d[d["distance_km"] > 0]
    y = (d["fate"] == "dropped").to_numpy(float)
    undated = d["start_year"].isna()
    X = pd.DataFrame({
        "intercept": 1.0,
        "log2_distance_km": np.log2(d["distance_km"]),
        "log2_degree_larger": np.log2(d["degree_max"]),
        "log2_degree_smaller": np.log2(d["degree_min"]),
        "decades_since_start": np.where(undated, 0.0, (2026 - d["start_year"].fillna(2026)) / 10),
        "undated": undated.astype(float),
        "association": d["association"].astype(float),
        "same_country": (d["country_a"] == d["country_b"]).astype(float),
    })
    Xm = X.to_numpy(float)
    beta = np.zeros(Xm.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-(Xm @ beta)))
        w = p * (1 - p)
        step = np.linalg.solve(Xm.T @ (Xm * w[:, None]), Xm.T @ (y - p))
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    p = 1 / (1 + np.exp(-(Xm @ beta)))
    bread = np.linalg.inv(Xm.T @ (Xm * (p * (1 - p))[:, None]))
    V, _ = dyadic_variance(Xm * (y - p)[:, None], bread, d["a"].to_numpy(), d["b"].to_numpy())
    se = np.sqrt(np.diag(V))
    se_model = np.sqrt(np.diag(bread))
    z = 1.959963984540054
    return pd.DataFrame({"term": X.columns, "coef": beta, "se_dyadic": se, "se_model": se_model,
                         "odds_ratio": np.exp(beta), "ci_low": np.exp(beta - z * se),
                         "ci_high": np.exp(beta + z * se), "n": len(d), "n_dropped": int(y.sum())})


# ------------------------------------------------------------------------------------- coverage
def _country_sources(lc: Lifecycle) -> dict[str, set[str]]:
    """Countries each systematic source covers as a whole."""
    places = lc.data.places.set_index("place_id")["country"]
    page = set(places.reindex(sorted(lc.home.get(NEWEST, set()))).dropna())
    all_c = set(places.dropna())
    return {"wikipedia-lists-2026": page, "wikidata-crawl-2016": all_c,
            "wikidata-eu-2017": set(EU2017_COUNTRIES), "germany-partnerships-2015": {"DEU"},
            "czechia-partnerships-2013": {"CZE"}}


def official_counts(table: pd.DataFrame | None = None) -> pd.DataFrame:
    """One official count per country from the packaged ``official_counts.csv``: national totals
    only (rows whose ``count_kind`` names a partner country, a region, a subset or counts
    municipalities rather than ties are left out), the most recent year, then the largest count."""
    t = read_package_csv("official_counts.csv") if table is None else table
    if t is None or t.empty:
        return pd.DataFrame(columns=["country", "official_count", "official_year", "official_kind", "official_source"])
    t = t.copy()
    text = t["count_kind"].fillna("")
    subset = text.str.contains(r"\bwith\b|not ties|sever|terminat|Brandenburg|Saxon|North Rhine|Galician|Guanajuato|"
                               r"\bin (?:Ukraine|Russia)\b|aggregate|continental|sum over", case=False, regex=True)
    subset |= text.str.contains(r"\b[A-Z][A-Za-z]+-[A-Z][a-z]+", case=True, regex=True)  # "Japan-China", "US-Taiwan"
    t = t[~subset & t["country"].str.fullmatch(r"[A-Z]{3}") & (t["country"] != "XEU")]
    t["_count"] = pd.to_numeric(t["count"], errors="coerce")
    t["_year"] = pd.to_numeric(t["year"], errors="coerce")
    t = t.dropna(subset=["_count"]).sort_values(["country", "_year", "_count"], ascending=[True, False, False],
                                                na_position="last", kind="stable")
    best = t.groupby("country").head(1)
    return pd.DataFrame({"country": best["country"], "official_count": best["_count"].astype(int),
                         "official_year": best["_year"], "official_kind": best["count_kind"],
                         "official_source": best["source"]}).reset_index(drop=True)


def coverage_table(lc: Lifecycle, histories: pd.DataFrame | None = None, countries: Sequence[str] | None = None,
                   min_sources: int = 3, min_ties: int = 50, criterion: str = "aic",
                   pairs: bool = False, known_places: bool = False) -> pd.DataFrame:
    """Capture–recapture per country (or per country pair, ``pairs=True``) and per source.

    One row per (unit, source) plus a row ``source = "all"`` (the union): ``observed``,
    ``estimated_total`` with its profile 95% interval, ``capture_prob`` = observed / estimate (and
    its interval), the selected ``model`` (and the model BIC would select, with its estimate),
    ``chao_lb``, and the official count when known (with
    ``share_of_official`` = observed / official count, a cross-check that needs no model).

    ``known_places=True`` restricts each unit to ties whose two towns every one of its sources
    knows (names any tie of): a tie a source lists under a spelling the resolver did not link to
    the others' then drops out instead of posing as two ties each seen once, which inflates the
    estimate.  The estimate is then of ties among those towns only (``population`` column)."""
    h = tie_histories(lc) if histories is None else histories
    seen = h[(h["state"] == "seen") & h["source"].isin(SYSTEMATIC)]
    member = pd.crosstab(seen["tie_id"], seen["source"]).clip(upper=1)
    ties = lc.ties.set_index("tie_id")
    places = lc.data.places.set_index("place_id")["country"]
    ca = places.reindex(ties["a"]).to_numpy()
    cb = places.reindex(ties["b"]).to_numpy()
    cov = _country_sources(lc)
    units: dict[str, np.ndarray] = {}
    if pairs:
        key = np.array(["-".join(sorted((str(x), str(y)))) for x, y in zip(ca, cb)])
        for u in pd.Series(key).value_counts().index:
            if "None" in u or "nan" in u:
                continue
            units[u] = key == u
    else:
        for c in sorted({x for x in (*ca, *cb) if isinstance(x, str)}):
            units[c] = (ca == c) | (cb == c)
    rows = []
    for unit, mask in units.items():
        if countries is not None and unit not in countries:
            continue
        members = set(unit.split("-"))
        srcs = [s for s in SYSTEMATIC if s in member.columns and members & cov[s]]
        if known_places and srcs:
            knows = [lc.known[s] for s in srcs]
            a_ok = np.array([all(x in k for k in knows) for x in ties["a"]])
            b_ok = np.array([all(x in k for k in knows) for x in ties["b"]])
            mask = mask & a_ok & b_ok
        ids = ties.index[mask]
        m = member.reindex(ids).fillna(0)[srcs] if srcs else None
        if m is None or len(srcs) < min_sources:
            continue
        m = m[m.sum(axis=1) > 0]
        if len(m) < min_ties:
            continue
        counts = recapture.capture_counts(m.to_numpy())
        kmax = min(4, len(srcs) * (len(srcs) - 1) // 2)
        est = recapture.estimate(counts, criterion=criterion, max_interactions=kmax)
        other = "bic" if criterion == "aic" else "aic"
        ok = est.table[est.table["converged"] & ~est.table["runaway"]]
        alt = (ok if len(ok) else est.table).sort_values([other, "model"]).iloc[0]
        base = {"country": unit, "population": "ties among towns all sources know" if known_places else "all ties",
                f"model_{other}": alt["model"], f"estimated_total_{other}": alt["N"], "n_sources": len(srcs),
                "model": est.model, "chao_lb": est.chao_lb,
                "estimated_total": est.N, "ci_low": est.ci_low, "ci_high": est.ci_high}
        rows.append({**base, "source": "all", "observed": len(m), "capture_prob": len(m) / est.N,
                     "capture_low": len(m) / est.ci_high, "capture_high": len(m) / est.ci_low})
        for s, r in zip(srcs, est.capture.itertuples(index=False)):
            rows.append({**base, "source": s, "observed": int(r.observed), "capture_prob": r.p_hat,
                         "capture_low": r.p_low, "capture_high": r.p_high})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    off = official_counts()
    out = out.merge(off, on="country", how="left")
    out["share_of_official"] = out["observed"] / out["official_count"]
    cols = ["country", "source", "observed", "estimated_total", "ci_low", "ci_high", "official_count",
            "official_year", "official_source", "official_kind", "share_of_official", "capture_prob", "capture_low",
            "capture_high",
            "model", "n_sources", "chao_lb", "population", f"model_{'bic' if criterion == 'aic' else 'aic'}",
            f"estimated_total_{'bic' if criterion == 'aic' else 'aic'}"]
    return out.reindex(columns=cols)


def combine_coverage(all_ties: pd.DataFrame, known: pd.DataFrame) -> pd.DataFrame:
    """Both populations of :func:`coverage_table` in one table, with ``extrapolated_total`` on the
    all-ties rows of each source: the ties the source lists in the country divided by its capture
    probability among the towns every source knows (a Horvitz–Thompson-type total that borrows the
    share from the population where linkage is reliable; it assumes the source holds the same share
    of the other towns' ties, and counts a tie listed under two unlinked spellings twice)."""
    k = known[known["source"] != "all"].set_index(["country", "source"])["capture_prob"]
    out = all_ties.copy()
    p = k.reindex(pd.MultiIndex.from_arrays([out["country"], out["source"]])).to_numpy()
    out["extrapolated_total"] = np.where(out["source"] != "all", out["observed"] / p, np.nan)
    return pd.concat([out, known], ignore_index=True)


# ------------------------------------------------------------------------------------- dormancy
def dormancy(lc: Lifecycle, status: pd.DataFrame | None = None, histories: pd.DataFrame | None = None) -> pd.DataFrame:
    """Dormancy signals, score and class per tie.

    Signals (0/1 unless said)
        ``one_sided``: stated on one town's Wikidata item only (2016 crawl; 2017 query when both
        towns lie in its 25 states, so that both sides were queried);
        ``missed_by_sources``: number of sources after the tie's first sighting that cover it and
        do not list it (capped at 2 in the score);
        ``absent_newer``: seen before and dropped from the 2026 lists, which cover it;
        ``documented_end``: a documented suspension or termination not followed by a restoration;
        ``quiet``: the latest dated activity (start or documented event) is more than
        :data:`QUIET_YEARS` years before 2026;
        ``association_only``: a tie between co-members of a twinning association that no register
        or curated source attests bilaterally;
        ``recent_activity``: a documented event (signed, restored, maintained) since 2015.

    Score and class: :data:`DORMANCY_WEIGHTS`; ``status`` and ``histories`` default to
    :func:`tie_status` and :func:`tie_histories` of ``lc``.
    """
    st = tie_status(lc) if status is None else status
    h = tie_histories(lc) if histories is None else histories
    d = lc.directions
    one = set(d.loc[(d["source"] == "wikidata-crawl-2016") & (d["directions"] != "both"), "tie_id"])
    ties = lc.ties.set_index("tie_id")
    places = lc.data.places.set_index("place_id")["country"]
    eu = d[(d["source"] == "wikidata-eu-2017") & (d["directions"] != "both")]
    both_eu = (places.reindex(ties.loc[eu["tie_id"], "a"]).isin(EU2017_COUNTRIES).to_numpy()
               & places.reindex(ties.loc[eu["tie_id"], "b"]).isin(EU2017_COUNTRIES).to_numpy())
    one |= set(eu.loc[both_eu, "tie_id"])
    sys_h = h[h["source"].isin(SYSTEMATIC)]
    first = sys_h[sys_h["state"] == "seen"].groupby("tie_id")["year"].min()
    later = sys_h.assign(first=sys_h["tie_id"].map(first))
    missed = later[(later["state"] == "not seen") & (later["year"] > later["first"])].groupby("tie_id").size()
    ev = lc.events[lc.events["tie_id"].notna()]
    recent = set(ev.loc[ev["event"].isin(ACTIVE_EVENTS) & (ev["date"] >= pd.Timestamp("2015-01-01")), "tie_id"])
    att = lc.data.attestations
    start = att[att["start"].notna()].groupby("tie_id")["start"].max().dt.year
    evy = ev[ev["date"].notna()].groupby("tie_id")["date"].max().dt.year
    latest = pd.concat([start, evy], axis=1).max(axis=1)
    bilateral = set(att.loc[att["source"].isin(["germany-partnerships-2015", "czechia-partnerships-2013", "curated"]),
                            "tie_id"])
    assoc = _association_ties(lc)
    out = st[["tie_id", "a", "b", "status", "first_seen", "last_seen", "sources", "evidence"]].copy()
    t = out["tie_id"]
    out["one_sided"] = t.isin(one).astype(int)
    out["missed_by_sources"] = missed.reindex(t).fillna(0).astype(int).to_numpy()
    out["absent_newer"] = (out["status"] == "dropped").astype(int)
    out["documented_end"] = out["status"].isin(ENDED).astype(int)
    out["latest_dated_activity"] = latest.reindex(t).to_numpy()
    out["quiet"] = (2026 - out["latest_dated_activity"] > QUIET_YEARS).fillna(False).astype(int)
    out["association_only"] = (t.isin(assoc) & ~t.isin(bilateral)).astype(int)
    out["recent_activity"] = t.isin(recent).astype(int)
    w = DORMANCY_WEIGHTS
    score = (w["absent_newer"] * out["absent_newer"] + w["one_sided"] * out["one_sided"]
             + w["missed_by_sources"] * out["missed_by_sources"].clip(upper=2) + w["quiet"] * out["quiet"]
             + w["association_only"] * out["association_only"] + w["recent_activity"] * out["recent_activity"])
    out["dormancy_score"] = score
    out["dormancy_class"] = np.select([out["documented_end"] == 1, score >= 3, score >= 1],
                                      ["ended", "dormant", "at risk"], "no signal")
    names = ["one_sided", "missed_by_sources", "absent_newer", "documented_end", "quiet", "association_only",
             "recent_activity"]
    out["signals"] = [";".join(n for n in names if r[n]) for r in out[names].to_dict("records")]
    return out


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion k/n (``(nan, nan)`` when n = 0).

    >>> tuple(round(x, 4) for x in wilson_interval(8, 10))
    (0.4902, 0.9433)
    """
    if n == 0:
        return float("nan"), float("nan")
    from scipy import stats

    z = float(stats.norm.ppf(0.5 + level / 2))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def validate_dormancy(lc: Lifecycle, scores: pd.DataFrame, labels: pd.DataFrame | None = None) -> dict[str, Any]:
    """Precision and recall of the dormancy class against sourced labels (``dormancy_labels.csv``).

    A tie is predicted dormant when its class is ``dormant`` or ``ended``; the labels' ``dormant``
    are positives, ``active`` negatives.  Also at every score threshold (``thresholds``) and without
    the documented-end signal (``without_documented``: the labels and the registries can share
    sources), and over every label whose two towns are known with a pair that no source lists
    counted as predicted dormant (``with_absent``).  Intervals: Wilson 95%.
    """
    lab = read_package_csv("dormancy_labels.csv") if labels is None else labels
    if lab is None or lab.empty:
        raise LifecycleError("no dormancy labels (twingraph/data/dormancy_labels.csv)")
    lab = lab[lab["label"].isin(["dormant", "active"])]
    m = match_ties(lc, lab)
    sc = scores.set_index("tie_id")
    m["matched"] = m["tie_id"].notna()
    mm = m[m["matched"]].copy()
    mm["score"] = sc["dormancy_score"].reindex(mm["tie_id"]).to_numpy()
    mm["class"] = sc["dormancy_class"].reindex(mm["tie_id"]).to_numpy()
    mm["documented_end"] = sc["documented_end"].reindex(mm["tie_id"]).to_numpy()
    y = (mm["label"] == "dormant").to_numpy()

    def pr(pred: np.ndarray, truth: np.ndarray | None = None) -> dict[str, float]:
        t = y if truth is None else truth
        tp, fp, fn = int((pred & t).sum()), int((pred & ~t).sum()), int((~pred & t).sum())
        p_lo, p_hi = wilson_interval(tp, tp + fp)
        r_lo, r_hi = wilson_interval(tp, tp + fn)
        return {"tp": tp, "fp": fp, "fn": fn, "tn": int((~pred & ~t).sum()),
                "precision": tp / (tp + fp) if tp + fp else float("nan"), "precision_low": p_lo,
                "precision_high": p_hi, "recall": tp / (tp + fn) if tp + fn else float("nan"),
                "recall_low": r_lo, "recall_high": r_hi, "n": int(len(t))}

    main = pr(mm["class"].isin(["dormant", "ended"]).to_numpy())
    without = pr((mm["score"] >= 3).to_numpy())
    thr = pd.DataFrame([{"threshold": t, **pr((mm["score"] >= t).to_numpy())} for t in (1, 2, 3, 4)])
    # labels whose two towns are known: a pair in no source at all counts as predicted dormant
    both = m[m["place_a"].notna() & m["place_b"].notna()].copy()
    cls = sc["dormancy_class"].reindex(both["tie_id"]).to_numpy()
    y_all = (both["label"] == "dormant").to_numpy()
    pred_all = both["tie_id"].isna().to_numpy() | np.isin(cls, ["dormant", "ended"])
    absent = pr(pred_all, y_all)
    table = m.merge(mm[["tie_id", "score", "class"]].drop_duplicates("tie_id"), on="tie_id", how="left")
    return {"labels": len(lab), "matched": int(m["matched"].sum()), "dormant": int(y.sum()),
            "active": int((~y).sum()), "main": main, "without_documented": without, "thresholds": thr,
            "with_absent": absent, "places_matched": len(both),
            "absent_by_label": both.loc[both["tie_id"].isna(), "label"].value_counts().to_dict(), "table": table}


# ------------------------------------------------------------------------------------- portfolio
def find_place(lc: Lifecycle, city: str, country: str | None = None) -> tuple[list[str], list[str]]:
    """The merged place(s) named ``city`` (in ``country``), in any source's spelling.

    Returns ``(place_ids, [])`` when the name stands for one real place: one merged id, or several
    ids of one country within 10 km of each other (spellings the resolver kept apart, e.g. a list
    page's name and a QID); else ``([], candidates)``: the places sharing the name
    (``"Name (ISO3)"``) or the close names."""
    import difflib

    from .measures.geography import haversine_km

    if not hasattr(lc, "_names"):
        lc._names = _name_index(lc)  # type: ignore[attr-defined]
    full, _ = lc._names  # type: ignore[attr-defined]
    key = _key(city)
    hits: set[str] = set()
    for (cc, nm), ids in full.items():
        if nm == key and (country is None or cc == country):
            hits |= ids
    places = lc.data.places.set_index("place_id")
    if hits:
        p = places.loc[sorted(hits)]
        xy = p.dropna(subset=["lat", "lon"])
        near = len(xy) < 2 or float(np.nanmax(haversine_km(
            xy["lat"].to_numpy()[:, None], xy["lon"].to_numpy()[:, None],
            xy["lat"].to_numpy()[None, :], xy["lon"].to_numpy()[None, :]))) <= 10.0
        if p["country"].nunique(dropna=False) == 1 and near:
            return sorted(hits), []
        return [], sorted({f"{places.at[h, 'name']} ({places.at[h, 'country']})" for h in hits})[:8]
    names = sorted({nm for (cc, nm) in full if country is None or cc == country})
    return [], difflib.get_close_matches(key, names, n=5, cutoff=0.75)


def portfolio(lc: Lifecycle, place_id: str | Sequence[str], scores: pd.DataFrame | None = None,
              histories: pd.DataFrame | None = None) -> pd.DataFrame:
    """One place's ties (``place_id``: its merged id, or several ids of one place, as
    :func:`find_place` returns): partner, partner_country, sources with their dates, status with
    evidence, signals, dormancy score and class, partner coordinates."""
    h = tie_histories(lc) if histories is None else histories
    sc = dormancy(lc, histories=h) if scores is None else scores
    ids = {place_id} if isinstance(place_id, str) else set(place_id)
    mine = sc[sc["a"].isin(ids) | sc["b"].isin(ids)].copy()
    places = lc.data.places.set_index("place_id")
    partner = np.where(mine["a"].isin(ids), mine["b"], mine["a"])
    mine["partner_id"] = partner
    mine["partner"] = places["name"].reindex(partner).to_numpy()
    mine["partner_country"] = places["country"].reindex(partner).to_numpy()
    mine["partner_lat"] = places["lat"].reindex(partner).to_numpy()
    mine["partner_lon"] = places["lon"].reindex(partner).to_numpy()
    hh = h[h["tie_id"].isin(set(mine["tie_id"]))]
    year = hh["year"].astype("string").fillna("undated")
    txt = hh["source"].astype("string").fillna("?") + " " + year + ": " + hh["state"].astype("string").fillna("?")
    obs = hh.assign(txt=txt.astype(str)).groupby("tie_id")["txt"].agg("; ".join)
    mine["history"] = obs.reindex(mine["tie_id"]).to_numpy()
    if "evidence" not in mine:  # scores from an older dormancy table
        mine["evidence"] = tie_status(lc, h).set_index("tie_id")["evidence"].reindex(mine["tie_id"]).to_numpy()
    cols = ["partner", "partner_country", "status", "dormancy_class", "dormancy_score", "signals", "sources",
            "first_seen", "last_seen", "evidence", "history", "tie_id", "partner_id", "partner_lat", "partner_lon"]
    return mine.reindex(columns=cols).sort_values(["dormancy_score", "partner"], ascending=[False, True]).reset_index(
        drop=True)


def to_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records (NaN -> None, numpy scalars -> Python)."""
    out = []
    for r in df.to_dict("records"):
        out.append({k: (None if (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT else
                        v.item() if hasattr(v, "item") else v) for k, v in r.items()})
    return out



# ------------------------------------------------------------------------------------- tables and figures
SOURCE_LABELS = {"czechia-partnerships-2013": "CZ register 2013", "germany-partnerships-2015": "DE register 2015",
                 "wikidata-crawl-2016": "Wikidata crawl 2016", "wikidata-eu-2017": "Wikidata EU 2017",
                 "wikipedia-lists-2026": "Wikipedia lists 2026"}
_CB = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000"]
FATES = ("listed", "dropped", "no longer covered", "documented end")


def loss_tables(loss: pd.DataFrame) -> pd.DataFrame:
    """Every breakdown of :func:`tie_loss` in one long table (``by``, ``group``, fate counts and
    shares): by attesting source, country, age, distance, degree and association membership."""
    bysrc = pd.concat([loss[loss["sources"].str.contains(s)].assign(group=s) for s in OLDER])
    src = pd.crosstab(bysrc["group"], bysrc["fate"]).reindex(columns=list(FATES), fill_value=0)
    src["n"] = src.sum(axis=1)
    src["absent_2026"] = src["n"] - src["listed"]
    src["share_absent"] = src["absent_2026"] / src["n"]
    src["share_dropped_of_covered"] = src["dropped"] / (src["n"] - src["no longer covered"])
    parts = [src.reset_index().assign(by="source")]
    parts += [loss_breakdown(loss, by).rename(columns={by: "group"}).assign(by=by)
              for by in ("shock", "country", "age", "distance", "degree", "association")]
    return pd.concat(parts, ignore_index=True)


def validation_table(val: Mapping[str, Any]) -> pd.DataFrame:
    """:func:`validate_dormancy`'s results as one row per decision rule."""
    rows = [{"rule": "class dormant or ended", **val["main"]},
            {"rule": "score >= 3 (documented ends not used)", **val["without_documented"]},
            {"rule": "class dormant or ended, or the pair in no source (labels whose towns are known)",
             **val["with_absent"]}]
    rows += [{"rule": f"score >= {r['threshold']}", **{k: v for k, v in r.items() if k != "threshold"}}
             for r in val["thresholds"].to_dict("records")]
    return pd.DataFrame(rows).assign(labels=val["labels"], matched=val["matched"])


def plot_coverage(axes: Any, cov: pd.DataFrame, sim: pd.DataFrame, summ: pd.DataFrame) -> None:
    """(a) observed, estimated (both populations) and official totals per country; (b) share of
    the ties among known towns each source holds; (c) simulation: relative error and coverage."""
    show = set(cov.loc[(cov["n_sources"] >= 3) | cov["official_count"].notna(), "country"])
    allc = cov[(cov["source"] == "all") & (cov["population"] == "all ties") & cov["country"].isin(show)]
    known = cov[(cov["source"] == "all") & (cov["population"] != "all ties") & cov["country"].isin(show)]
    order = allc.sort_values("observed")["country"].tolist()
    y = {c: i for i, c in enumerate(order)}
    ax = axes[0]
    for df, col, dy, fill in ((allc, _CB[0], 0.15, "white"), (known, _CB[2], -0.15, _CB[2])):
        yy = df["country"].map(y) + dy
        ax.hlines(yy, df["ci_low"], df["ci_high"].clip(upper=3e5), color=col, lw=1.2)
        ax.plot(df["estimated_total"], yy, "o", mfc=fill, color=col, ms=5)
    ax.plot(allc["observed"], allc["country"].map(y), "|", color="0.3", ms=9, label="seen by any source")
    ax.plot(allc["official_count"], allc["country"].map(y), "x", color=_CB[3], ms=7, mew=2, label="official count")
    ax.plot([], [], "o", mfc="white", color=_CB[0], label="estimate, all ties")
    ax.plot([], [], "o", color=_CB[2], label="estimate, ties among towns every source knows")
    nsrc = allc.set_index("country")["n_sources"]
    ax.set(xscale="log", yticks=range(len(order)), yticklabels=[f"{c} ({nsrc[c]})" for c in order],
           xlabel="ties (log scale); countries with 3+ sources or an official count (number of sources)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0.0, -0.08), ncol=2)
    ax = axes[1]
    ks = known[known["n_sources"] >= 3].sort_values("observed")["country"].tolist()
    per = cov[(cov["population"] != "all ties") & cov["country"].isin(ks) & (cov["source"] != "all")]
    for k, src in enumerate(s for s in SYSTEMATIC if s in set(per["source"])):
        g = per[per["source"] == src].set_index("country").reindex(ks)
        yy = np.arange(len(ks)) + (k - 2) * 0.15
        ax.errorbar(g["capture_prob"], yy, xerr=[g["capture_prob"] - g["capture_low"],
                                                 g["capture_high"] - g["capture_prob"]],
                    fmt="o", ms=3, color=_CB[k], label=SOURCE_LABELS[src], lw=0.8)
    ax.set(yticks=range(len(ks)), yticklabels=ks, xlim=(0, 1), xlabel="share of the ties among known towns held")
    ax.legend(fontsize=7, loc="lower left")
    ax = axes[2]
    for i, (name, g) in enumerate(sim.groupby("scenario", sort=False)):
        ax.boxplot(g["N_hat"] / g["N_true"] - 1, positions=[i], widths=0.5, showfliers=False)
        s = summ.set_index("scenario").loc[name]
        ax.text(i, 0.4, f"cover\n{s['coverage']:.2f}", ha="center", fontsize=8)
    ax.axhline(0, color="0.5", lw=0.8)
    ax.set(xticks=range(len(summ)), ylim=(-0.45, 0.5), ylabel="relative error of the estimate")
    ax.set_xticklabels(summ["scenario"].str.replace(" + ", "\n+ "), fontsize=7, rotation=30)


def plot_loss(axes: Any, loss: pd.DataFrame, tables: pd.DataFrame, model: pd.DataFrame) -> None:
    """(a) 2026 state of each older source's ties; (b) share dropped among covered ties by degree,
    distance and age; (c) the loss model's odds ratios with dyadic-robust intervals."""
    src = tables[tables["by"] == "source"].set_index("group").reindex(list(OLDER))
    share = src[list(FATES)].div(src["n"], axis=0).rename(index=SOURCE_LABELS)
    left = np.zeros(len(share))
    for k, f in enumerate(FATES):
        axes[0].barh(range(len(share)), share[f], left=left, color=_CB[k], label=f, height=0.7)
        left += share[f].to_numpy()
    axes[0].set(yticks=range(len(share)), yticklabels=share.index, xlabel="share of the source's ties, by 2026 state")
    axes[0].set_xlim(0, 1.42)
    axes[0].set_xticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
    axes[0].legend(fontsize=7, loc="center right")
    bins = {"degree": ["1-5", "6-10", "11-20", "21-50", "51+"],
            "distance": ["<250", "250-500", "500-1000", "1000-2000", "2000-5000", "5000+"],
            "age": ["<20", "20-29", "30-39", "40-49", "50-59", "60+"]}
    for k, (by, labels) in enumerate(bins.items()):
        b = tables[tables["by"] == by].set_index("group").reindex(labels)
        axes[1].plot(range(len(b)), b["share_dropped_of_covered"], "o-", color=_CB[k], label=by)
        for i, g in enumerate(labels):
            axes[1].annotate(g, (i, b["share_dropped_of_covered"].iloc[i]), fontsize=6, color=_CB[k],
                             xytext=(2, 3), textcoords="offset points")
    axes[1].set(xlabel="bin (low to high): larger end's degree, distance (km), years since the dated start",
                ylabel="share dropped among covered ties", ylim=(0, 1))
    axes[1].legend(fontsize=8)
    m = model[model["term"] != "intercept"]
    axes[2].errorbar(m["odds_ratio"], range(len(m)), fmt="o", color=_CB[0],
                     xerr=[m["odds_ratio"] - m["ci_low"], m["ci_high"] - m["odds_ratio"]])
    axes[2].axvline(1, color="0.5", lw=0.8)
    axes[2].set(xscale="log", yticks=range(len(m)), yticklabels=m["term"],
                xlabel="odds ratio of being dropped (dyadic-robust 95% CI)")
    axes[2].set_xticks([0.25, 0.5, 1, 2], ["0.25", "0.5", "1", "2"])
    axes[2].minorticks_off()
