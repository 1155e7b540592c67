"""Lifecycle core: the merged sources and what each covers (:func:`build`), place matching,
documented events, each tie's history across sources and its status (see :mod:`twingraph.lifecycle`)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..cohorts import normalize_place_name
from ..exceptions import TwingraphError
from ..merge import MergeResult, merge_sources
from ..tables import TwinData

_DATA = Path(__file__).resolve().parents[1] / "data"

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
    """A CSV of the package's data folder (``twingraph/data/<name>``), or None when absent.

    Parameters
    ----------
    name : str
        File name in ``twingraph/data``.

    Returns
    -------
    DataFrame or None
        Every column as text (no value read as missing); None when the file does not exist.
    """
    path = _DATA / name
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
    known : dict of set
        Merged place ids each source names (every row of its places table).
    """

    merged: MergeResult
    sources: dict[str, TwinData]
    home: dict[str, set[str]]
    directions: pd.DataFrame
    events: pd.DataFrame = field(default_factory=pd.DataFrame)
    known: dict[str, set[str]] = field(default_factory=dict)

    @property
    def data(self) -> TwinData:
        """The merged data.

        Returns
        -------
        TwinData
            ``merged.data``.
        """
        return self.merged.data

    @property
    def ties(self) -> pd.DataFrame:
        """The merged ties.

        Returns
        -------
        DataFrame
            One row per tie: ``tie_id``, ``a``, ``b`` (from the tie's first spell).
        """
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
        from ..loaders import load

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
    partner: the one candidate pair that is a tie of the merged graph.

    Parameters
    ----------
    lc : Lifecycle
        The merged sources whose places and ties are matched.
    table : DataFrame
        Rows with ``city_a``, ``country_a``, ``city_b``, ``country_b`` (ISO3 country codes).

    Returns
    -------
    DataFrame
        A copy of ``table`` with ``place_a``, ``place_b`` (None when not found or ambiguous) and
        ``tie_id`` (None when the pair is not a tie of the merged graph).
    """
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

    Parameters
    ----------
    lc : Lifecycle
        The merged sources the events are matched to (:func:`match_ties`).
    events : DataFrame, optional
        Event rows in the curated registry's columns (``city_a``, ``country_a``, ``city_b``,
        ``country_b``, ``event``, ``date``, ...); default: every packaged ``cohort_outcomes_*.csv``
        and ``curated_tie_events.csv``, each row with its file name as ``registry``.

    Returns
    -------
    DataFrame
        One row per event row: ``tie_id`` (None when unmatched), the four place columns, ``event``,
        ``date`` (parsed; NaT when missing or unparseable), ``date_precision``, ``registry`` (file),
        ``source`` (URL), ``note``; sorted by tie and date, undated first.
    """
    if events is None:
        frames = []
        folder = _DATA
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
    places it names, and the curated registry only the ties it lists.

    Parameters
    ----------
    lc : Lifecycle
        The merged sources, their coverage and documented events (:func:`build`).

    Returns
    -------
    DataFrame
        ``tie_id``, ``source``, ``year`` (Int64), ``date`` (the source's observation date, or the
        event's), ``state``, ``start``, ``directions``, ``evidence`` (the source's reference, or the
        event's URL); sorted by tie and date, undated last.
    """
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
    with the latest observation date, else the last one given.

    Parameters
    ----------
    lc : Lifecycle
        The merged sources (the curated registry is not a listing source).

    Returns
    -------
    str
        The source's name (:data:`NEWEST` when no listing source was merged).
    """
    if NEWEST in lc.sources:
        return NEWEST
    listing = [s for s in lc.sources if s != "curated"]
    dated = [s for s in listing if lc.sources[s].observed is not None]
    if dated:
        return max(dated, key=lambda s: (lc.sources[s].observed, listing.index(s)))
    return listing[-1] if listing else NEWEST


def tie_status(lc: Lifecycle, histories: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per tie: first and last sighting, the sources seeing it, its status as of the newest
    source (:func:`newest_source`: the 2026 lists) with the evidence, and the latest documented event.

    Parameters
    ----------
    lc : Lifecycle
        The merged sources and documented events.
    histories : DataFrame, optional
        :func:`tie_histories` of ``lc`` (computed when not given).

    Returns
    -------
    DataFrame
        ``tie_id``, ``a``, ``b``, ``first_seen`` and ``last_seen`` (years; sightings by listing
        sources, not the curated registry), ``sources`` (``;``-joined, the registry included),
        ``state_2026`` (the tie's state in the newest source), ``status`` (the module docstring's
        statuses), ``evidence``, ``last_event`` and ``last_event_date``.
    """
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




def _association_ties(lc: Lifecycle) -> set[str]:
    """Ties between co-members of a twinning association (:func:`twingraph.associations.flag_associations`
    on the merged data: registry members and clique-inferred ones), computed once per :class:`Lifecycle`."""
    from ..associations import flag_associations

    if not hasattr(lc, "_assoc"):
        flagged = flag_associations(lc.data)
        lc._assoc = set(flagged.spells.loc[flagged.spells["via_association"].notna(), "tie_id"])  # type: ignore[attr-defined]
    return lc._assoc  # type: ignore[attr-defined]
