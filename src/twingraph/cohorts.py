"""Shock cohorts: every tie exposed to a shock, followed to a sourced outcome or to a logged search.

A *cohort* is a set of ties defined before looking at outcomes (e.g. every tie between a Russian
place and a German place in the 2015 German register).  Three files describe it, shipped in
``twingraph/data`` (see ``COHORTS.md`` and ``CURATED.md`` there):

``cohort_<stem>_ties*.csv``
    one row per tie: ``cohort, city_a, country_a, city_b, country_b`` and provenance flags
    ``in_<source>_<year>`` (True when the source lists the tie), optional ``register_year`` (year the
    tie began, from a register) and ``subdivision_a``;
``cohort_outcomes_<stem>*.csv``
    sourced facts, one row per fact, in the columns of ``curated_tie_events.csv`` (event
    ``suspended | terminated | lapsed | restored | maintained | announced`` with date, precision and
    source URL);
``cohort_searches_<stem>*.csv``
    the negative results: one row per cohort tie with no documented change (date of the search,
    corpus, queries, result).

:func:`cohort_table` joins them into one tidy row per tie and **fails** (:class:`CohortError`) when a
tie has neither a sourced outcome nor a logged search.  :func:`survival_table` turns the table into
durations for :mod:`twingraph.survival` (time origin = the shock date, in days), and the helpers
below compute Kaplan–Meier shares ended, Aalen–Johansen cumulative incidences, Cox fits with a
clear "not estimable" and the sensitivity bounds for undocumented outcomes.

Design rules (the reasons are in ``COHORTS.md``):

* **Survivorship.**  A tie is *pre-shock attested* when a source observed before the shock lists it
  (:data:`SOURCE_OBSERVED`).  Ties known only from the February 2026 Wikipedia lists are
  conditioned on being listed in 2026 (lists drop many ended ties): they enter sensitivity analyses
  only.  A pre-shock tie missing from the 2026 lists gets the flag ``absent_2026``: a separate,
  unsourced status, never a documented end.
* **Outcome of a tie** = its first documented end (``suspended``; ``terminated`` and ``lapsed`` both
  count as ``terminated``) on or after the shock; first exit wins (a later termination of a
  suspended tie is kept in ``later_events``).  ``announced`` is not an end; ``maintained`` is a
  documented survival to its date; ``restored`` is recorded.  An end whose period lies wholly
  before the shock takes the tie out of the risk set (``ended_before_shock``).
* **Partial dates** are resolved by :func:`twingraph.dates.resolve_dates`, with the period clipped
  to start at the shock (an end "in February 2022" caused by the 24 February invasion is after
  it).  Undated ends are placed at the median time of the dated documented ends of the same table
  (flagged ``imputed``); a ``maintained`` fact inside an end's period bounds the end from below
  (``end_after_maintained``); an undated end beside a dated one (often a later status report, "still
  resting in February 2025") makes the dated one an upper bound, and the end is placed at the
  earlier of the two.
* **Censoring**: a tie without a documented end is censored at its search date (the search log's
  ``searched_on``; :data:`RESEARCH_DATE` for ties researched into the outcome file), or, with
  ``maintained="date"``, a maintained tie at its last documented date.
* **Conflicts** between sources are flagged, not resolved: a ``maintained`` fact certainly after the
  first end with no restoration between, an undated ``maintained`` fact beside an end, or a
  researcher's note saying that sources disagree.

References: Aalen & Johansen (1978), *Scand. J. Statist.* 5, 141–150 (cumulative incidence);
Heinze & Schemper (2001), *Biometrics* 57, 114–119 (monotone likelihood in Cox regression);
Aronow, Samii & Assenova (2015), *Political Analysis* 23, 564–577 (dyadic-robust SEs).
"""

from __future__ import annotations

import contextlib
import io
import re
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from .dates import parse_partial_date, resolve_dates
from .exceptions import TwingraphError
from .survival import CoxPH, CumulativeIncidence, KaplanMeier, at_risk_counts
from .tables import TwinData

__all__ = [
    "COHORT_FILES",
    "COHORT_SHOCKS",
    "END_EVENTS",
    "RESEARCH_DATE",
    "SOURCE_OBSERVED",
    "CohortError",
    "CohortFiles",
    "at_risk",
    "attach_membership",
    "check_us_states",
    "cohort_table",
    "cox_covariates",
    "cumulative_incidence",
    "dyadic_supported",
    "fit_cox",
    "fit_cox_partners",
    "link_places",
    "link_qid_degrees",
    "load_cohort",
    "normalize_place_name",
    "outcome_counts",
    "partner_sets",
    "plot_competing",
    "plot_forest",
    "plot_map",
    "plot_map_panels",
    "plot_share_ended",
    "plot_share_ended_panels",
    "provenance_columns",
    "read_cohort_files",
    "sensitivity_tables",
    "share_ended",
    "share_ended_sets",
    "sourced_events",
    "survival_table",
    "survivorship",
    "us_states",
]

KEY: Final = ("city_a", "country_a", "city_b", "country_b")
#: Outcome events that end a tie (``lapsed`` is counted as ``terminated`` for competing risks).
END_EVENTS: Final = {"suspended": "suspended", "terminated": "terminated", "lapsed": "terminated"}
OUTCOME_EVENTS: Final = ("suspended", "terminated", "lapsed", "restored", "maintained", "announced", "signed")
#: The date the research files were compiled (the search date of every logged search): the
#: censoring date of a tie whose outcome row carries no later search.
RESEARCH_DATE: Final = pd.Timestamp("2026-12-01")
#: When each provenance source observed its ties (the first day after its compilation period).
#: A provenance column ``in_<name>`` not listed here is dated by a trailing year (``..._2016``).
SOURCE_OBSERVED: Final = {
    "in_germany_register_2015": pd.Timestamp("2016-01-01"),   # compiled in 2015
    "in_czech_register_2013": pd.Timestamp("2013-10-01"),     # scraped Sept 2013
    "in_wikidata_crawl_2016": pd.Timestamp("2016-10-01"),     # crawled Sept 2016
    "in_crawl_2016": pd.Timestamp("2016-10-01"),
    "in_wikipedia_2026": pd.Timestamp("2026-03-01"),          # scraped Feb 2026
}
#: Cohort (the file's ``cohort`` value, or its prefix before the partner country) -> shock event id
#: in ``curated_events.csv``; ``None`` = no registered shock (descriptive only).
COHORT_SHOCKS: Final = {
    "russia-2022": "russia-invasion-2022",
    "china-CZE": "prague-taipei-2019",
    "china-SWE": None,
    "texas-hb128": "texas-hb128-2025",
    "indiana-2024": "indiana-ban-2024",
}


class CohortError(TwingraphError, ValueError):
    """A cohort file is malformed, or a cohort tie has neither a sourced outcome nor a logged search."""


@dataclass(frozen=True)
class CohortFiles:
    """File-name stem of one family of cohort files in ``twingraph/data``."""

    stem: str

    def paths(self, root: Path) -> tuple[list[Path], list[Path], list[Path]]:
        ties = sorted(set(root.glob(f"cohort_{self.stem}_ties*.csv"))
                      | set(root.glob(f"cohort_{self.stem}_crawl*.csv")))
        return (ties, sorted(root.glob(f"cohort_outcomes_{self.stem}*.csv")),
                sorted(root.glob(f"cohort_searches_{self.stem}*.csv")))


COHORT_FILES: Final = {"russia-2022": CohortFiles("russia_2022"), "china": CohortFiles("china"),
                       "us-state-laws": CohortFiles("us_state_laws")}


# ----------------------------------------------------------------------------------------------
# reading and validating
# ----------------------------------------------------------------------------------------------

def _key(df: pd.DataFrame) -> pd.Series:
    return df[list(KEY)].astype(str).apply(lambda c: c.str.strip()).agg("|".join, axis=1)


def provenance_columns(columns: Sequence[str]) -> list[str]:
    """The provenance flags among ``columns``: ``in_<source>_<year>`` or a key of :data:`SOURCE_OBSERVED`."""
    return [c for c in columns if c in SOURCE_OBSERVED or re.fullmatch(r"in_\w+_\d{4}", c)]


_CRAWL_FILE = re.compile(r"crawl(\d{4})")


def _read(paths: Sequence[Path | str], required: Sequence[str]) -> pd.DataFrame:
    frames = []
    for p in paths:
        df = pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        missing = [c for c in required if c not in df.columns]
        if missing:
            raise CohortError(f"{Path(p).name}: missing column(s) {', '.join(missing)}")
        m = _CRAWL_FILE.search(Path(p).stem)
        if m and "cohort" in df.columns:
            # a crawl cohort file (cohort_<stem>_crawl2016.csv): every row is attested by that crawl;
            # "russia-2022-crawl2016-USA" is the tie's cohort "russia-2022-USA"
            df = df.assign(cohort=df["cohort"].str.replace(f"-crawl{m.group(1)}", "", regex=False))
            df[f"in_crawl_{m.group(1)}"] = df.get(f"in_crawl_{m.group(1)}", "True")
        frames.append(df.assign(file=Path(p).name, line=np.arange(2, len(df) + 2)))
    if not frames:
        return pd.DataFrame(columns=[*required, "file", "line"])
    return pd.concat(frames, ignore_index=True).replace({"": None})


def read_cohort_files(ties: Sequence[Path | str], outcomes: Sequence[Path | str],
                      searches: Sequence[Path | str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read cohort definition, outcome and search files (several of each are concatenated).

    Parameters
    ----------
    ties, outcomes, searches : sequence of path
        CSV files in the layouts of the module docstring.

    Returns
    -------
    (ties, outcomes, searches) : tuple of DataFrame
        Strings as in the files (empty cells are ``None``) plus ``file`` and ``line``; ties of one
        cohort listed in several files are merged (provenance flags OR-ed).

    Raises
    ------
    CohortError
        A file lacks a required column, or an outcome row has an unknown event.
    """
    t = _read(ties, ("cohort", *KEY))
    o = _read(outcomes, (*KEY, "event", "date", "date_precision", "source"))
    s = _read(searches, (*KEY, "searched_on", "queries", "result"))
    bad = o[~o["event"].isin(OUTCOME_EVENTS)]
    if len(bad):
        r = bad.iloc[0]
        raise CohortError(f"{r['file']}:{r['line']}: unknown event {r['event']!r}; expected one of {OUTCOME_EVENTS}")
    nosrc = o[o["source"].isna()]
    if len(nosrc):
        r = nosrc.iloc[0]
        raise CohortError(f"{r['file']}:{r['line']}: outcome without a source")
    t["tie_key"] = _key(t)
    flags = provenance_columns(t.columns)
    for c in flags:
        t[c] = t[c].fillna("False").str.strip().str.lower().map({"true": True, "false": False})
        if t[c].isna().any():
            raise CohortError(f"provenance column {c} must be True/False")
    t = _align_crawl_names(t, set(_key(o)) | set(_key(s)))
    aliases = t.attrs.get("aliases", [])
    if t.duplicated(["cohort", "tie_key"]).any():
        agg: dict[str, Any] = {c: "first" for c in t.columns if c not in ("cohort", "tie_key")}
        agg.update({c: "max" for c in flags})
        agg["file"] = lambda x: ";".join(sorted(set(x)))
        t = t.groupby(["cohort", "tie_key"], sort=False, as_index=False).agg(agg)
    t.attrs["aliases"] = aliases
    for df in (o, s):
        df["tie_key"] = _key(df)
    return t, o, s


def _tokens(name: str) -> set[str]:
    return set(normalize_place_name(name).split())


def _align_crawl_names(t: pd.DataFrame, researched: set[str]) -> pd.DataFrame:
    """Key crawl rows to the cohort files' spelling of the same tie.

    A row of a crawl file (it has ``in_cohort_file``) whose key is in no other ties file and has
    neither an outcome nor a search row (``researched``: the keys of those files) takes the key of
    the row of the same cohort with one place equal (name and country) and the other's words
    contained in each other's ("Ingolstadt–Moscow" = "Ingolstadt–Central AO (Moscow)",
    "Kaarina–Sovetsky, Leningrad Oblast" = "Kaarina–Sovetsky").  Several such rows are all
    attested only when the crawl names a joint place that contains each ("Bloomington–Normal"–
    Vladimir = Bloomington–Vladimir and Normal–Vladimir); otherwise the crawl row keeps its key
    (and the validation asks for its outcome or search).  Matches: ``attrs["aliases"]``.
    """
    if "in_cohort_file" not in t.columns:
        return t
    crawl = t["in_cohort_file"].notna()
    known = t[~crawl]
    have = set(zip(known["cohort"], known["tie_key"]))
    aliases: list[tuple[str, str, str]] = []
    extra: list[pd.Series] = []
    drop: list[Any] = []
    for i in t.index[crawl]:
        r = t.loc[i]
        if (r["cohort"], r["tie_key"]) in have or r["tie_key"] in researched:
            continue
        cands = known[known["cohort"] == r["cohort"]]
        hits = []
        for j, c in cands.iterrows():
            for same, other in (("a", "b"), ("b", "a")):
                if normalize_place_name(c[f"city_{same}"]) != normalize_place_name(r[f"city_{same}"]) \
                        or c[f"country_{same}"] != r[f"country_{same}"] \
                        or c[f"country_{other}"] != r[f"country_{other}"]:
                    continue
                x, y = _tokens(c[f"city_{other}"]), _tokens(r[f"city_{other}"])
                if x <= y or y <= x:
                    hits.append(j)
        hits = sorted(set(hits))
        joint = len(hits) > 1 and all(
            _tokens(known.loc[j, "city_a"]) | _tokens(known.loc[j, "city_b"])
            <= _tokens(r["city_a"]) | _tokens(r["city_b"]) for j in hits)
        if len(hits) == 1 or joint:
            drop.append(i)
            for j in hits:
                aliases.append((r["cohort"], r["tie_key"], known.loc[j, "tie_key"]))
                row = r.copy()
                for k in (*KEY, "tie_key"):
                    row[k] = known.loc[j, k]
                extra.append(row)
    out = pd.concat([t.drop(index=drop), pd.DataFrame(extra)], ignore_index=True) if extra else t
    out.attrs["aliases"] = aliases
    return out


def _source_observed(flag: str) -> pd.Timestamp:
    if flag in SOURCE_OBSERVED:
        return SOURCE_OBSERVED[flag]
    m = re.search(r"(\d{4})$", flag)
    if not m:
        raise CohortError(f"provenance column {flag}: no observation date known (add it to SOURCE_OBSERVED)")
    return pd.Timestamp(f"{int(m.group(1)) + 1}-01-01")


def _shock_of(cohort: str) -> str | None:
    if cohort in COHORT_SHOCKS:
        return COHORT_SHOCKS[cohort]
    for prefix, sid in COHORT_SHOCKS.items():
        if cohort.startswith(prefix + "-"):
            return sid
    return None


def _shock_dates(shocks: pd.DataFrame | None) -> dict[str, pd.Timestamp]:
    if shocks is None:
        from .shocks import load_shocks
        shocks = load_shocks()
    return dict(zip(shocks["event_id"], pd.to_datetime(shocks["date"])))


def _clipped(dates: pd.Series, precision: pd.Series, lo: Any, convention: str) -> np.ndarray:
    """Resolve partial dates; a period overlapping ``lo`` (one date or one per row) is clipped to start
    there, then ``convention`` picks the day."""
    first = pd.Series(resolve_dates(dates, precision, "earliest"))
    last = pd.Series(resolve_dates(dates, precision, "latest"))
    lo = pd.Series(pd.to_datetime(lo), index=first.index) if np.ndim(lo) else pd.Series(lo, index=first.index)
    first = first.where(first >= lo, lo).where(last >= lo, first)  # clip only periods that reach lo
    if convention == "earliest":
        out = first
    elif convention == "latest":
        out = last
    elif convention == "midpoint":
        out = first + ((last - first + pd.Timedelta(days=1)) // 2).dt.floor("D")  # as dates.resolve_dates
    else:
        raise ValueError(f"convention must be earliest, midpoint or latest, not {convention!r}")
    return out.to_numpy("datetime64[us]")


def _tie_outcome(rows: pd.DataFrame, shock: pd.Timestamp | None, convention: str) -> dict[str, Any]:
    """Summarise one tie's outcome rows (see the module docstring for the rules)."""
    out: dict[str, Any] = {"status": "no documented change", "end_date": pd.NaT, "end_precision": None,
                           "end_source": None, "end_resolved": pd.NaT, "end_upper_bound": False,
                           "end_after_maintained": False,
                           "ended_before_shock": False,
                           "last_maintained": pd.NaT, "maintained_undated": False, "restored": pd.NaT,
                           "later_events": "", "conflict": False, "conflict_reason": "", "n_outcome_rows": len(rows)}
    if rows.empty:
        return out
    parsed = [parse_partial_date(x) for x in rows["date"]]
    r = rows.assign(first=[p[0] for p in parsed], prec=[p[1] if p[0] is not None else "unknown" for p in parsed])
    r["prec"] = np.where(r["date_precision"].notna() & r["first"].notna(), r["date_precision"], r["prec"])
    lo = shock if shock is not None else pd.Timestamp.min
    r["lo"] = pd.Series(resolve_dates(r["first"], r["prec"], "earliest"), index=r.index)
    r["hi"] = pd.Series(resolve_dates(r["first"], r["prec"], "latest"), index=r.index)
    # a documented survival inside an end's period bounds the end from below (Witten: maintained
    # 2022-03, suspended "2022")
    m_lo = r.loc[r["event"] == "maintained", "lo"].dropna()
    bound = [max([lo, *[m for m in m_lo if pd.notna(a) and a <= m <= b]]) for a, b in zip(r["lo"], r["hi"])]
    r["t"] = pd.Series(_clipped(r["first"], r["prec"], bound, convention), index=r.index)
    r["bounded"] = [b > lo for b in bound]
    ends = r[r["event"].isin(list(END_EVENTS))]
    before = ends[ends["hi"].notna() & (ends["hi"] < lo)] if shock is not None else ends.iloc[:0]
    ends = ends.drop(before.index)
    maint = r[r["event"] == "maintained"]
    out["last_maintained"] = maint["hi"].max() if maint["hi"].notna().any() else pd.NaT
    out["maintained_undated"] = bool(maint["hi"].isna().any())
    if len(before) and ends.empty:
        out.update(status="ended before shock", ended_before_shock=True, end_date=before["first"].iloc[0],
                   end_precision=before["prec"].iloc[0], end_source=before["source"].iloc[0])
        return out
    notes = rows.get("note", pd.Series(dtype=object)).fillna("").str.lower()
    reasons = []
    if notes.str.contains("disagree").any():
        reasons.append("a researcher's note says sources disagree")
    if not ends.empty:
        dated = ends[ends["t"].notna()].sort_values("t", kind="stable")
        first = dated.iloc[0] if len(dated) else ends.iloc[0]
        out.update(status=END_EVENTS[first["event"]], end_date=first["first"], end_precision=first["prec"],
                   end_source=first["source"], end_resolved=first["t"] if len(dated) else pd.NaT,
                   end_upper_bound=len(dated) > 0 and len(dated) < len(ends),
                   end_after_maintained=bool(first["bounded"]) and first["event"] in END_EVENTS)
        others = ends.drop(first.name)
        later = others[others["event"].map(END_EVENTS) != END_EVENTS[first["event"]]]
        out["later_events"] = "; ".join(f"{e} {d or 'undated'}" for e, d in zip(later["event"], later["date"]))
        rest = r[r["event"] == "restored"]
        if rest["lo"].notna().any():
            out["restored"] = rest["lo"].min()
        end_hi = first["hi"] if pd.notna(first["hi"]) else pd.NaT
        after = maint[maint["lo"].notna() & pd.notna(end_hi) & (maint["lo"] > end_hi)]
        if pd.notna(out["restored"]):
            after = after[after["lo"] < out["restored"]]
        if len(after):
            reasons.append("a 'maintained' fact dated after the first end, no restoration between")
        if out["maintained_undated"]:
            reasons.append("an undated 'maintained' fact beside an end")
    elif (r["event"] == "announced").any():
        out["status"] = "announced"
    elif len(maint):
        out["status"] = "maintained"
    out["conflict"] = bool(reasons)
    out["conflict_reason"] = "; ".join(reasons)
    return out


def cohort_table(ties: pd.DataFrame, outcomes: pd.DataFrame, searches: pd.DataFrame, *,
                 shocks: pd.DataFrame | None = None, convention: str = "midpoint",
                 unresearched: str = "error") -> pd.DataFrame:
    """One tidy row per cohort tie: places, provenance, outcome with its source, or the search log.

    Parameters
    ----------
    ties, outcomes, searches : DataFrame
        As returned by :func:`read_cohort_files`.
    shocks : DataFrame, optional
        The shock registry (``event_id``, ``date``); default :func:`twingraph.shocks.load_shocks`.
    convention : {"earliest", "midpoint", "latest"}
        How a partial end date becomes a day (after clipping its period to start at the shock).
    unresearched : {"error", "report"}
        A tie with neither a sourced outcome nor a logged search raises (default), or is kept with
        status ``"not researched"`` (left out of :func:`survival_table`, counted in
        ``attrs["not_researched"]``) so that work in progress can be inspected.

    Returns
    -------
    DataFrame
        ``tie_id`` (``cohort|tie_key``), ``cohort``, the four key columns, ``shock_id``,
        ``shock_date``, ``sources`` (provenance flags that are True), ``pre_shock`` (attested by a
        source observed before the shock), ``in_2026``, ``absent_2026`` (pre-shock and not in the
        2026 lists: unsourced), ``earlier_source`` (a source other than the 2026 lists),
        ``start_year``, ``qid_a``/``qid_b`` (from a crawl file), ``status`` (``suspended``,
        ``terminated``, ``announced``, ``maintained``, ``no documented change``, ``ended before shock``,
        ``not researched``),
        ``end_date``/``end_precision``/``end_source``/``end_resolved``, ``end_upper_bound`` (an
        undated end report beside the dated one: the end is on or before it), ``last_maintained``,
        ``restored``, ``later_events``, ``conflict``/``conflict_reason``, ``searched_on``,
        ``search_result``, ``n_queries``, ``observed`` (censoring date) and ``n_outcome_rows``.
        Outcome rows about ties outside the cohort are ignored (they are counted in
        ``attrs["outcomes_outside_cohort"]``).

    Raises
    ------
    CohortError
        A cohort tie has neither a sourced outcome nor a logged search (all such ties are listed).

    Examples
    --------
    >>> t = load_cohort("russia-2022")                  # doctest: +SKIP
    >>> t.groupby(["pre_shock", "status"]).size()       # doctest: +SKIP
    """
    o_keys, s_keys = set(outcomes["tie_key"]), set(searches["tie_key"])
    missing = ties[~ties["tie_key"].isin(o_keys | s_keys)]
    if unresearched not in ("error", "report"):
        raise ValueError("unresearched must be 'error' or 'report'")
    if len(missing) and unresearched == "error":
        listed = "; ".join(f"{c}: {k}" for c, k in zip(missing["cohort"], missing["tie_key"]))
        raise CohortError(f"{len(missing)} cohort tie(s) with neither a sourced outcome nor a logged search: {listed}")
    sdates = _shock_dates(shocks)
    flags = provenance_columns(ties.columns)
    o_by = dict(tuple(outcomes.groupby("tie_key", sort=False)))
    s_first = searches.drop_duplicates("tie_key").set_index("tie_key")
    rows = []
    for _, t in ties.iterrows():
        sid = _shock_of(t["cohort"])
        sdate = sdates.get(sid) if sid else None
        if sid and sdate is None:
            raise CohortError(f"cohort {t['cohort']}: shock {sid} is not in the shock registry")
        src = [c for c in flags if bool(t[c])]
        pre = bool(sdate is not None and any(_source_observed(c) <= sdate for c in src))
        res = _tie_outcome(o_by.get(t["tie_key"], outcomes.iloc[:0]), sdate, convention)
        if t["tie_key"] not in o_keys and t["tie_key"] not in s_keys:
            res["status"] = "not researched"
        srch = s_first.loc[t["tie_key"]] if t["tie_key"] in s_first.index else None
        sub = t.get("subdivision_a")
        if sub is None and t["tie_key"] in o_by and "subdivision_a" in outcomes.columns:
            subs = o_by[t["tie_key"]]["subdivision_a"].dropna()
            sub = subs.iloc[0] if len(subs) else None
        searched = pd.Timestamp(srch["searched_on"]) if srch is not None else pd.NaT
        year = pd.to_numeric(t.get("register_year"), errors="coerce")
        rows.append({
            "tie_id": f"{t['cohort']}|{t['tie_key']}", "cohort": t["cohort"],
            **{k: t[k] for k in KEY}, "subdivision_a": sub,
            "shock_id": sid, "shock_date": sdate if sdate is not None else pd.NaT,
            "sources": ";".join(c.removeprefix("in_") for c in src), "pre_shock": pre,
            "in_2026": bool(t.get("in_wikipedia_2026", False)),
            "absent_2026": pre and "in_wikipedia_2026" in flags and not bool(t["in_wikipedia_2026"]),
            "earlier_source": any(c != "in_wikipedia_2026" for c in src),
            "start_year": year, "qid_a": t.get("qid_a"), "qid_b": t.get("qid_b"), **res,
            "searched_on": searched, "search_result": None if srch is None else srch["result"],
            "n_queries": 0 if srch is None else len(str(srch["queries"]).split(" | ")),
            "observed": searched if pd.notna(searched) else RESEARCH_DATE,
        })
    out = pd.DataFrame(rows)
    out.attrs["outcomes_outside_cohort"] = int((~outcomes["tie_key"].isin(set(ties["tie_key"]))).sum())
    out.attrs["convention"] = convention
    out.attrs["not_researched"] = len(missing)
    return out


def load_cohort(name: str, *, root: Path | str | None = None, shocks: pd.DataFrame | None = None,
                convention: str = "midpoint", unresearched: str = "error") -> pd.DataFrame:
    """Read and validate a shipped cohort family (``"russia-2022"``, ``"china"``, ``"us-state-laws"``).

    Parameters
    ----------
    name : str
        A key of :data:`COHORT_FILES`.
    root : path, optional
        Folder holding the files (default: the package's ``data`` folder).
    shocks, convention, unresearched
        Passed to :func:`cohort_table`.

    Returns
    -------
    DataFrame
        :func:`cohort_table` of the family's files.
    """
    if name not in COHORT_FILES:
        raise CohortError(f"unknown cohort {name!r}; known: {', '.join(COHORT_FILES)}")
    base = Path(str(files("twingraph") / "data")) if root is None else Path(root)
    t, o, s = read_cohort_files(*COHORT_FILES[name].paths(base))
    if t.empty:
        raise CohortError(f"no cohort_{COHORT_FILES[name].stem}_ties*.csv in {base}")
    return cohort_table(t, o, s, shocks=shocks, convention=convention, unresearched=unresearched)


def survivorship(table: pd.DataFrame) -> pd.DataFrame:
    """Per cohort: pre-shock ties, how many the 2026 lists miss, and what is documented about them.

    Returns
    -------
    DataFrame
        One row per cohort: ``ties``, ``pre_shock``, ``only_2026`` (known only from the 2026 lists:
        conditioned on being listed then), ``absent_2026`` and its share of ``pre_shock``,
        ``absent_2026_documented_end`` (absent and with a sourced end) and
        ``absent_2026_no_record`` (absent, no sourced outcome: status unknown, *not* an end), and,
        whatever the shock, ``earlier_source`` (ties listed by a source older than the 2026 lists)
        and ``earlier_absent_2026`` (of those, missing from the 2026 lists).
    """
    g = table.groupby("cohort", sort=True)
    ended = table["status"].isin(["suspended", "terminated"])
    out = pd.DataFrame({
        "ties": g.size(),
        "pre_shock": g["pre_shock"].sum(),
        "only_2026": g.apply(lambda d: int((~d["earlier_source"] & d["in_2026"]).sum()), include_groups=False),
        "not_researched": (table["status"] == "not researched").groupby(table["cohort"]).sum(),
        "absent_2026": g["absent_2026"].sum(),
        "absent_2026_documented_end": (table["absent_2026"] & ended).groupby(table["cohort"]).sum(),
        "absent_2026_no_record": (table["absent_2026"] & (table["status"] == "no documented change"))
        .groupby(table["cohort"]).sum(),
    })
    out["absent_2026_share"] = (out["absent_2026"] / out["pre_shock"].where(out["pre_shock"] > 0)).round(4)
    # whatever the shock (Sweden–China has none registered): ties of an earlier source missing in 2026
    earlier = table["earlier_source"].astype(bool)
    out["earlier_source"] = earlier.groupby(table["cohort"]).sum()
    out["earlier_absent_2026"] = (earlier & ~table["in_2026"].astype(bool)).groupby(table["cohort"]).sum()
    return out.reset_index()


# ----------------------------------------------------------------------------------------------
# survival input
# ----------------------------------------------------------------------------------------------

DAYS_PER_MONTH: Final = 365.25 / 12


def survival_table(table: pd.DataFrame, *, scenario: str = "documented", maintained: str = "observed",
                   covariates: Sequence[str] = ()) -> pd.DataFrame:
    """Durations since the shock (days) with event flags and competing event types.

    Parameters
    ----------
    table : DataFrame
        Rows of :func:`cohort_table` (ties of cohorts with a registered shock; ties that ended
        before the shock, and ties not researched, are dropped and counted in ``attrs["dropped"]``).
    scenario : {"documented", "undocumented-ended", "all-undocumented-ended", "absent-2026-ended"}
        ``"documented"``: only sourced ends are events (the lower bound).  ``"undocumented-ended"``:
        every tie with *no documented change* (search only) is an undocumented suspension at the
        median time of the documented dated ends (the upper bound).  ``"all-undocumented-ended"``:
        also ``maintained`` and ``announced`` ties, each at the later of that median and its last
        documented date.  ``"absent-2026-ended"``: only pre-shock ties absent from the 2026 lists with
        no documented change are suspended at the median (absence taken as evidence of an end).
    maintained : {"observed", "date"}
        Censor a tie without a documented end at its observation date (default), or a
        ``maintained`` tie at its last dated ``maintained`` fact (undated facts: observation date).
    covariates : sequence of str
        Columns of ``table`` to carry along.

    Returns
    -------
    DataFrame
        ``tie_id``, ``cohort``, ``duration`` (days since the shock, >= 0), ``event`` (0/1),
        ``event_type`` (``suspended`` | ``terminated`` | None), ``imputed`` (why a time was
        imputed, or ""), the covariates.  ``attrs["median_days"]`` holds the median used.
    """
    t = table[table["shock_date"].notna() & ~table["ended_before_shock"] & (table["status"] != "not researched")].copy()
    dropped = int(len(table) - len(t))
    ended = t["status"].isin(["suspended", "terminated"])
    dated_days = (pd.to_datetime(t["end_resolved"]) - t["shock_date"]).dt.days.astype(float)
    exact = ended & ~t["end_upper_bound"].astype(bool) & dated_days.notna()
    median = float(np.median(dated_days[exact])) if exact.any() else np.nan
    dur = (t["observed"] - t["shock_date"]).dt.days.astype(float)
    if maintained == "date":
        m = (t["status"] == "maintained") & t["last_maintained"].notna()
        dur = dur.where(~m, (t["last_maintained"] - t["shock_date"]).dt.days.clip(lower=0))
    elif maintained != "observed":
        raise ValueError("maintained must be 'observed' or 'date'")
    event = ended.astype(int)
    etype = t["status"].where(ended, None)
    imputed = pd.Series("", index=t.index)
    undated = ended & dated_days.isna()
    dur = dur.where(~ended, dated_days)
    dur[undated] = median
    imputed[undated] = "undated end at the median documented time"
    # an undated end beside a dated one: the end is on or before the dated report
    bound = ended & t["end_upper_bound"].astype(bool) & (dated_days > median)
    dur[bound] = median
    imputed[bound] = "undated end beside a later dated report: at the median documented time"
    if scenario != "documented":
        if scenario == "undocumented-ended":
            sel = t["status"] == "no documented change"
        elif scenario == "all-undocumented-ended":
            sel = t["status"].isin(["no documented change", "maintained", "announced"])
        elif scenario == "absent-2026-ended":
            sel = (t["status"] == "no documented change") & t["absent_2026"]
        else:
            raise ValueError(f"unknown scenario {scenario!r}")
        alive = (t["last_maintained"] - t["shock_date"]).dt.days.astype(float)
        at = np.fmax(median, alive.fillna(-np.inf)).where(sel)
        dur = dur.where(~sel, at)
        event = event.where(~sel, 1)
        etype = etype.where(~sel, "suspended")
        imputed[sel] = f"scenario {scenario}: undocumented suspension"
    out = pd.DataFrame({"tie_id": t["tie_id"], "cohort": t["cohort"], "duration": dur.clip(lower=0),
                        "event": event.astype(int), "event_type": etype, "imputed": imputed})
    for c in covariates:
        out[c] = t[c]
    out = out.reset_index(drop=True)
    out.attrs.update(median_days=median, dropped=dropped, scenario=scenario)
    return out


def _at(timeline: np.ndarray, values: np.ndarray, t: float) -> float:
    i = int(np.searchsorted(timeline, t, side="right")) - 1
    return float(values[max(i, 0)])


def at_risk(surv: pd.DataFrame, months: Sequence[float]) -> list[int]:
    """Number of ties at risk at each time ``months`` (duration >= t, the risk set of an end at t, as R's
    ``summary(survfit, times=)``), from :func:`twingraph.survival.at_risk_counts`."""
    km = KaplanMeier().fit(surv["duration"].to_numpy(float) / DAYS_PER_MONTH, surv["event"])
    return [int(x) for x in at_risk_counts(km, list(months))["at_risk"]]


def share_ended(surv: pd.DataFrame, months: Sequence[float] = (6, 12, 24), alpha: float = 0.05) -> pd.DataFrame:
    """Kaplan–Meier cumulative share ended (1 - S) at the given months since the shock, with CI.

    Parameters
    ----------
    surv : DataFrame
        From :func:`survival_table` (``duration`` in days, ``event``).
    months : sequence of float
        Times (months of 365.25/12 days).
    alpha : float
        1 - confidence level (log-log Greenwood band of :class:`twingraph.survival.KaplanMeier`).

    Returns
    -------
    DataFrame
        ``month``, ``at_risk``, ``events`` (cumulative), ``share_ended``, ``lower``, ``upper``.
    """
    km = KaplanMeier(alpha=alpha).fit(surv["duration"].to_numpy(float) / DAYS_PER_MONTH, surv["event"])
    s = km.survival_function_.iloc[:, 0].to_numpy()
    lo, hi = km.confidence_interval_.iloc[:, 0].to_numpy(), km.confidence_interval_.iloc[:, 1].to_numpy()
    d = surv["duration"].to_numpy(float) / DAYS_PER_MONTH
    rows = []
    for m in months:
        rows.append({"month": m, "at_risk": at_risk(surv, [m])[0],
                     "events": int(((d <= m) & (surv["event"].to_numpy() == 1)).sum()),
                     "share_ended": 1 - _at(km.timeline_, s, m),
                     "lower": 1 - _at(km.timeline_, hi, m), "upper": 1 - _at(km.timeline_, lo, m)})
    return pd.DataFrame(rows)


def partner_sets(table: pd.DataFrame, label: str, min_n: int = 1,
                 partner_col: str = "partner") -> dict[str, pd.DataFrame]:
    """A cohort table and its partner-country subsets, for curves drawn per partner country.

    Parameters
    ----------
    table : DataFrame
        :func:`cohort_table` rows with a ``partner_col`` column.
    label : str
        Prefix of the keys (``"<label>: all"``, ``"<label>: <country>"``).
    min_n : int
        Smallest number of ties of a partner country given its own subset.
    partner_col : str
        Column of the partner country.

    Returns
    -------
    dict of str to DataFrame
        ``"<label>: all"`` first, then the countries with at least ``min_n`` ties in sorted order;
        only ``"all"`` when the table has a single partner country.

    Examples
    --------
    >>> t = pd.DataFrame({"partner": ["DEU", "DEU", "USA"]})
    >>> list(partner_sets(t, "pre", min_n=2))
    ['pre: all', 'pre: DEU']
    """
    col = table[partner_col]
    big = [c for c, n in col.value_counts().items() if n >= min_n] if col.nunique() > 1 else []
    return {f"{label}: all": table, **{f"{label}: {c}": table[col == c] for c in sorted(big)}}


def share_ended_sets(tables: dict[str, pd.DataFrame], months: Sequence[float] = (6, 12, 24),
                     min_n: int = 1, partner_col: str = "partner") -> pd.DataFrame:
    """:func:`share_ended` of each table and of each of its :func:`partner_sets`, stacked.

    Parameters
    ----------
    tables : dict of str to DataFrame
        Label -> :func:`cohort_table` rows (with ``partner_col``).
    months : sequence of float
        Months since the shock.
    min_n, partner_col
        See :func:`partner_sets`.

    Returns
    -------
    DataFrame
        The columns of :func:`share_ended`, then ``set`` (``"<label>: all"`` or
        ``"<label>: <country>"``) and ``n`` (ties in the survival table).
    """
    parts = [share_ended(s := survival_table(g), months).assign(set=k, n=len(s))
             for lab, d in tables.items() for k, g in partner_sets(d, lab, min_n, partner_col).items()]
    return pd.concat(parts)


def outcome_counts(table: pd.DataFrame) -> pd.DataFrame:
    """Number of ties by cohort, provenance (``pre_shock``) and outcome ``status``.

    Parameters
    ----------
    table : DataFrame
        :func:`cohort_table` rows.

    Returns
    -------
    DataFrame
        ``cohort``, ``pre_shock``, ``status``, ``ties``, sorted by the first three.

    Examples
    --------
    >>> t = pd.DataFrame({"cohort": ["a", "a", "a"], "pre_shock": [True, True, False],
    ...                   "status": ["suspended", "suspended", "maintained"]})
    >>> outcome_counts(t)["ties"].tolist()
    [1, 2]
    """
    return table.groupby(["cohort", "pre_shock", "status"]).size().rename("ties").reset_index()


def cumulative_incidence(surv: pd.DataFrame, months: Sequence[float] = (6, 12, 24),
                         alpha: float = 0.05) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence of ``suspended`` and of ``terminated`` at given months.

    Returns
    -------
    DataFrame
        ``cause``, ``month``, ``events`` (of that cause by then), ``cumulative_incidence``,
        ``lower``, ``upper`` (a cause that never occurs has incidence 0 and no interval).
    """
    d = surv["duration"].to_numpy(float) / DAYS_PER_MONTH
    rows = []
    for cause in ("suspended", "terminated"):
        n = (surv["event_type"] == cause).to_numpy()
        if not n.any():
            rows += [{"cause": cause, "month": m, "events": 0, "cumulative_incidence": 0.0,
                      "lower": np.nan, "upper": np.nan} for m in months]
            continue
        f = CumulativeIncidence(alpha=alpha).fit(d, surv["event_type"].where(surv["event"] == 1), cause=cause)
        v = f.cumulative_density_.iloc[:, 0].to_numpy()
        lo, hi = f.confidence_interval_.iloc[:, 0].to_numpy(), f.confidence_interval_.iloc[:, 1].to_numpy()
        rows += [{"cause": cause, "month": m, "events": int((n & (d <= m)).sum()),
                  "cumulative_incidence": _at(f.timeline_, v, m), "lower": _at(f.timeline_, lo, m),
                  "upper": _at(f.timeline_, hi, m)} for m in months]
    return pd.DataFrame(rows)


def sensitivity_tables(table: pd.DataFrame, months: Sequence[float] = (6, 12, 24),
                       scenarios: Sequence[str] = ("documented", "undocumented-ended", "all-undocumented-ended",
                                                   "absent-2026-ended")) -> pd.DataFrame:
    """Share ended at ``months`` under each outcome scenario of :func:`survival_table` (the bounds).

    Returns
    -------
    DataFrame
        ``scenario``, ``n``, ``events``, ``median_days`` (imputation time), and the columns of
        :func:`share_ended`.
    """
    out = []
    for sc in scenarios:
        s = survival_table(table, scenario=sc)
        r = share_ended(s, months)
        out.append(r.assign(scenario=sc, n=len(s), total_events=int(s["event"].sum()),
                            median_days=s.attrs["median_days"]))
    cols = ["scenario", "n", "total_events", "median_days", "month", "at_risk", "events", "share_ended",
            "lower", "upper"]
    return pd.concat(out, ignore_index=True)[cols]


# ----------------------------------------------------------------------------------------------
# Cox regression with an explicit "not estimable"
# ----------------------------------------------------------------------------------------------

def _monotone_binary(surv: pd.DataFrame, col: str) -> str | None:
    """Why the Cox estimate of a 0/1 covariate is infinite (no event on one side while both are at risk)."""
    x = surv[col].to_numpy(float)
    if set(np.unique(x[~np.isnan(x)])) - {0.0, 1.0}:
        return None
    t, e = surv["duration"].to_numpy(float), surv["event"].to_numpy() == 1
    found = {0.0: False, 1.0: False}
    for ti, xi in zip(t[e], x[e]):
        found[xi] |= bool(((t >= ti) & (x != xi)).any())
    if not found[0.0] and not found[1.0]:
        return f"{col}: no event while the other group is at risk"
    if not found[1.0]:
        return f"{col}: no event with {col}=1 while {col}=0 is at risk (HR -> 0)"
    if not found[0.0]:
        return f"{col}: no event with {col}=0 while {col}=1 is at risk (HR -> infinity)"
    return None


def dyadic_supported() -> bool:
    """Whether :class:`twingraph.survival.CoxPH` offers dyadic-robust SEs (``dyad_cols``)."""
    import inspect

    return "dyad_cols" in inspect.signature(CoxPH.fit).parameters


def fit_cox(surv: pd.DataFrame, covariates: Sequence[str], cluster: str | None = None,
            model: str = "", *, dyad: tuple[str, str] | None = None) -> pd.DataFrame:
    """Cox model of the hazard of any end (suspended or terminated), one row per covariate.

    Rows with a missing covariate are dropped (counted in ``n``).  Fewer than two events per
    covariate, a covariate that is constant, a 0/1 covariate whose partial likelihood is monotone
    (every event on one side while the other side is at risk), or a fit that
    :class:`twingraph.survival.CoxPH` flags as not converged or not estimable, gives
    ``status = "not estimable: ..."`` and no numbers [1]_.

    Parameters
    ----------
    surv : DataFrame
        :func:`survival_table` output with the covariate columns.
    covariates : sequence of str
        Numeric columns.
    cluster : str, optional
        Column of cluster labels for one-way sandwich SEs (one endpoint of the tie).
    model : str
        Label copied to the output.
    dyad : (str, str), optional
        The two endpoint columns for dyadic-robust SEs [2]_: ties
        sharing either place are dependent.  Needs a :class:`~twingraph.survival.CoxPH` with
        ``dyad_cols``; exclusive with ``cluster``.

    Returns
    -------
    DataFrame
        ``model``, ``covariate``, ``n``, ``events``, ``clusters``, ``se_type``, ``coef``, ``se``,
        ``hazard_ratio``, ``hr_lower``, ``hr_upper``, ``p``, ``status``.

    References
    ----------
    .. [1] Heinze, G. & Schemper, M. (2001). A solution to the problem of monotone likelihood in Cox
       regression. *Biometrics* 57, 114–119.
    .. [2] Aronow, P. M., Samii, C. & Assenova, V. A. (2015). Cluster-robust variance estimation for
       dyadic data. *Political Analysis* 23, 564–577.
    """
    if dyad is not None and cluster is not None:
        raise ValueError("give cluster or dyad, not both")
    if dyad is not None and not dyadic_supported():
        raise NotImplementedError("dyadic SEs need twingraph.survival.CoxPH with dyad_cols")
    cols = list(covariates) + ([cluster] if cluster else []) + (list(dyad) if dyad else [])
    d = surv.dropna(subset=cols)
    n_events = int(d["event"].sum())
    se_type = (f"dyadic-robust on ({dyad[0]}, {dyad[1]})" if dyad else
               f"sandwich clustered by {cluster}" if cluster else "model-based")
    base: dict[str, Any] = {"model": model, "n": len(d), "events": n_events, "clusters": np.nan, "se_type": se_type}
    why = [f"{c}: constant" for c in covariates if d[c].nunique() < 2]
    why += [w for c in covariates if (w := _monotone_binary(d, c))]
    if n_events < 2 * len(covariates):
        why.append(f"{n_events} event(s) for {len(covariates)} covariate(s) (fewer than 2 per covariate)")
    fit = None
    if not why:
        kw: dict[str, Any] = {"dyad_cols": dyad} if dyad else {"cluster": cluster}
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            try:
                fit = CoxPH().fit(d.assign(_dur=d["duration"] / 365.25), duration_col="_dur",
                                  covariates=list(covariates), **kw)
            except ValueError as err:  # e.g. collinear covariates (newer CoxPH)
                why.append(str(err))
        estimable = getattr(fit, "estimable_", None)
        if estimable is not None and not bool(np.all(estimable)):
            why.append("monotone partial likelihood in " + ", ".join(estimable.index[~estimable.to_numpy()]))
        elif fit is not None and not fit.converged_:
            why.append("partial likelihood has no finite maximum (CoxPH did not converge)")
    if why or fit is None:
        return pd.DataFrame([{**base, "covariate": c, "coef": np.nan, "se": np.nan, "hazard_ratio": np.nan,
                              "hr_lower": np.nan, "hr_upper": np.nan, "p": np.nan,
                              "status": "not estimable: " + "; ".join(why)} for c in covariates])
    s = fit.summary
    base["clusters"] = fit.n_clusters_ if (cluster or dyad) else np.nan
    return pd.DataFrame([{**base, "covariate": c, **{k: float(s.loc[c, k]) for k in
                                                        ("coef", "se", "hazard_ratio", "hr_lower", "hr_upper", "p")},
                          "status": "fitted"} for c in covariates])


def cox_covariates(linked: pd.DataFrame, reference_country: str = "DEU") -> pd.DataFrame:
    """Covariates for :func:`fit_cox` from :func:`link_places` output (side a = the non-Russian place).

    Returns
    -------
    DataFrame
        ``linked`` plus ``tie_age_decades`` ((shock year - start year) / 10; NaN without a start
        year), ``log10_distance_km``, ``log2_degree_a`` / ``log2_degree_b`` (log2(1 + other
        partners in the linked dataset): the tie itself is not counted, so a tie missing from the
        linked data does not lower its own places' degrees), ``log2_degree_2016_a`` / ``_b`` (the same
        from :func:`link_qid_degrees`, measured before the shock), ``partner_<ISO3>`` dummies of ``country_a`` against
        ``reference_country``, and ``cluster_a`` / ``cluster_b`` (each side's place id, or its name
        when unmatched): the dyad of a tie, for clustered or dyadic-robust SEs.
    """
    out = linked.copy()
    out["tie_age_decades"] = (pd.to_datetime(out["shock_date"]).dt.year - out["start_year"]) / 10
    out["log10_distance_km"] = np.log10(out["distance_km"].astype(float))
    for side in ("a", "b"):
        other = out[f"degree_{side}"].astype(float) - out["in_data"].astype(float)
        out[f"log2_degree_{side}"] = np.log2(1 + other)
        if f"degree_2016_{side}" in out:  # the crawl lists every crawl-attested tie: minus the tie itself
            out[f"log2_degree_2016_{side}"] = np.log2(out[f"degree_2016_{side}"].astype(float))
    for cc in sorted(set(out["country_a"]) - {reference_country}):
        out[f"partner_{cc}"] = (out["country_a"] == cc).astype(int)
    for side in ("a", "b"):
        out[f"cluster_{side}"] = out[f"place_{side}"].fillna(out[f"country_{side}"] + ":" + out[f"city_{side}"])
    return out


def fit_cox_partners(surv: pd.DataFrame, covariates: Sequence[str], cluster: str | None = None, *,
                     partner_col: str = "country_a", model: str = "",
                     dyad: tuple[str, str] | None = None) -> pd.DataFrame:
    """Cox model with partner-country dummies, leaving out countries without a documented end.

    A partner country whose ties have no event makes its dummy's estimate -infinity (monotone
    likelihood).  Its ties are left out of the model and it gets one row ``status = "not
    estimable: no documented end among n ties"``; the remaining countries get dummies
    ``partner_<ISO3>_vs_<REF>`` against the one with the most ties (the reference, which gets a row
    ``"reference"``).

    Parameters
    ----------
    surv : DataFrame
        :func:`survival_table` output carrying ``partner_col``, ``covariates`` and ``cluster``.
    covariates : sequence of str
        Other covariates.
    cluster : str, optional
        Cluster column for sandwich SEs.
    dyad : (str, str), optional
        Endpoint columns for dyadic-robust SEs (see :func:`fit_cox`).
    partner_col : str
        Column with the partner country.
    model : str
        Label.

    Returns
    -------
    DataFrame
        Rows of :func:`fit_cox` plus the reference and not-estimable countries.
    """
    ev = surv.groupby(partner_col)["event"].agg(["sum", "size"])
    keep = ev[ev["sum"] > 0].sort_values(["size", "sum"], ascending=False)
    ref = keep.index[0] if len(keep) else None
    d = surv[surv[partner_col].isin(keep.index)].copy()
    dummies = []
    for cc in sorted(keep.index.drop(ref)) if ref is not None else []:
        d[f"partner_{cc}_vs_{ref}"] = (d[partner_col] == cc).astype(int)
        dummies.append(f"partner_{cc}_vs_{ref}")
    rows = [fit_cox(d, dummies + list(covariates), cluster, model, dyad=dyad)] if len(d) else []
    extra = [{"model": model, "covariate": f"partner_{ref}", "n": int(ev.loc[ref, "size"]),
              "events": int(ev.loc[ref, "sum"]), "status": "reference"}] if ref is not None else []
    extra += [{"model": model, "covariate": f"partner_{cc}", "n": int(r["size"]), "events": 0,
               "status": f"not estimable: no documented end among {int(r['size'])} ties"}
              for cc, r in ev[ev["sum"] == 0].iterrows()]
    return pd.concat(rows + [pd.DataFrame(extra)], ignore_index=True)


# ----------------------------------------------------------------------------------------------
# linking cohort ties to places of a loaded dataset
# ----------------------------------------------------------------------------------------------

def normalize_place_name(name: object) -> str:
    """Matching key of a place name: NFKD, accents dropped, lower case, punctuation and dashes to spaces.

    >>> normalize_place_name("Berlin – Neukölln")
    'berlin neukolln'
    """
    s = unicodedata.normalize("NFKD", str(name))
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^\w]+", " ", s).split())


def _base_name(name: str) -> str:
    """Name without a parenthesised qualifier, unless the qualifier says it is another unit (district)."""
    if re.search(r"\((?:[^)]*\b(?:district|region|county|kreis|landkreis|oblast)\b[^)]*)\)", str(name), re.IGNORECASE):
        return normalize_place_name(name)
    return normalize_place_name(re.sub(r"\s*\(.*?\)", "", str(name)))


def link_places(table: pd.DataFrame, data: TwinData) -> pd.DataFrame:
    """Attach coordinates, degree and distance from a loaded dataset to each cohort tie.

    Matching rule (documented; replace by :mod:`twingraph.resolve` when available): a cohort place
    ``(name, ISO3)`` matches the dataset place with the same country and the same
    :func:`normalize_place_name`; failing that, the same name with parenthesised qualifiers removed
    (``"Oberursel (Taunus)"`` -> ``oberursel``), only if exactly one place of that country has it.
    Homonyms merged by the dataset's own loader (several Bloomingtons in one place) are not split.

    Parameters
    ----------
    table : DataFrame
        :func:`cohort_table` output.
    data : TwinData
        E.g. ``twingraph.load("wikipedia-lists-2026")``.

    Returns
    -------
    DataFrame
        ``table`` plus ``place_a``/``place_b`` (place ids or None), ``lat_a``, ``lon_a``,
        ``lat_b``, ``lon_b``, ``degree_a``, ``degree_b`` (distinct partners in ``data``),
        ``distance_km`` (great circle) and ``in_data`` (the pair is a tie of ``data``).
        ``attrs["match_rate"]`` = share of place ends matched.
    """
    from .graphs import simple_graph
    from .measures.geography import haversine_km

    pl = data.places.assign(_full=data.places["name"].map(normalize_place_name),
                            _base=data.places["name"].map(_base_name))
    full = pl.drop_duplicates(["country", "_full"]).set_index(["country", "_full"])["place_id"]
    uniq = pl.groupby(["country", "_base"])["place_id"].agg(lambda x: x.iloc[0] if len(x) == 1 else None)
    G = simple_graph(data)
    deg = dict(G.degree())
    coords = data.places.set_index("place_id")[["lat", "lon"]]
    pairs = set(zip(data.spells["a"], data.spells["b"]))
    out = table.copy()
    for side in ("a", "b"):
        ids = []
        for name, cc in zip(out[f"city_{side}"], out[f"country_{side}"]):
            pid = full.get((cc, normalize_place_name(name)))
            if pid is None:
                pid = uniq.get((cc, _base_name(name)))
            ids.append(pid)
        out[f"place_{side}"] = ids
        c = coords.reindex(out[f"place_{side}"])
        out[f"lat_{side}"], out[f"lon_{side}"] = c["lat"].to_numpy(), c["lon"].to_numpy()
        out[f"degree_{side}"] = [deg.get(p, np.nan) if p is not None else np.nan for p in ids]
    out["distance_km"] = haversine_km(out["lat_a"], out["lon_a"], out["lat_b"], out["lon_b"])
    out["in_data"] = [(a, b) in pairs or (b, a) in pairs for a, b in zip(out["place_a"], out["place_b"])]
    n = 2 * len(out)
    out.attrs.update(table.attrs)
    out.attrs["match_rate"] = float((out["place_a"].notna().sum() + out["place_b"].notna().sum()) / n) if n else np.nan
    return out


def link_qid_degrees(table: pd.DataFrame, data: TwinData, suffix: str = "2016") -> pd.DataFrame:
    """Degrees of the tie's places in a QID-keyed dataset (e.g. the 2016 Wikidata crawl): pre-shock degrees.

    Parameters
    ----------
    table : DataFrame
        :func:`cohort_table` output with ``qid_a`` / ``qid_b`` (crawl-attested ties; None elsewhere).
    data : TwinData
        Places carry ``qid``; degree = distinct partners in :func:`twingraph.graphs.simple_graph`.
    suffix : str
        Column suffix: ``degree_<suffix>_a`` / ``degree_<suffix>_b``.

    Returns
    -------
    DataFrame
        ``table`` plus the two degree columns (NaN without a QID or a place with it).
    """
    from .graphs import simple_graph

    deg = dict(simple_graph(data).degree())
    by_qid = data.places.dropna(subset=["qid"]).drop_duplicates("qid").set_index("qid")["place_id"]
    out = table.copy()
    for side in ("a", "b"):
        pid = out[f"qid_{side}"].map(by_qid) if f"qid_{side}" in out else pd.Series(np.nan, index=out.index)
        out[f"degree_{suffix}_{side}"] = pid.map(deg).astype(float)
    out.attrs.update(table.attrs)
    return out


def attach_membership(table: pd.DataFrame, members: pd.DataFrame, column: str = "association") -> pd.DataFrame:
    """Flag ties with a place in a membership list (hook for association membership).

    Parameters
    ----------
    table : DataFrame
        :func:`cohort_table` output.
    members : DataFrame
        Columns ``name`` and ``country`` (ISO3): places that are members (e.g. of an association of
        twinned towns).  Matched by :func:`normalize_place_name` within the country.
    column : str
        Name of the new 0/1 column (1 = either end of the tie is a member).

    Returns
    -------
    DataFrame
        ``table`` with ``column`` added.
    """
    keys = set(zip(members["country"], members["name"].map(normalize_place_name)))
    out = table.copy()
    hit = np.zeros(len(out), bool)
    for side in ("a", "b"):
        hit |= np.array([(c, normalize_place_name(n)) in keys
                         for n, c in zip(out[f"city_{side}"], out[f"country_{side}"])])
    out[column] = hit.astype(int)
    return out


# ----------------------------------------------------------------------------------------------
# US states from coordinates (GeoNames, offline)
# ----------------------------------------------------------------------------------------------

def us_states(lat: Any, lon: Any) -> pd.Series:
    """US state of each coordinate pair, offline, from the nearest GeoNames place (``reverse_geocoder``).

    The nearest populated place (GeoNames ``cities1000``) decides; near a state line it can be the
    neighbour state.  Points whose nearest place is outside the USA, and missing coordinates, give
    None.

    Parameters
    ----------
    lat, lon : array-like of float

    Returns
    -------
    Series of str or None

    References
    ----------
    .. [1] ``reverse_geocoder`` (thampiman/reverse-geocoder), GeoNames data, k-d tree search.

    Examples
    --------
    >>> us_states([32.7767, 39.1653], [-96.7970, -86.5264]).tolist()
    ['Texas', 'Indiana']
    """
    import reverse_geocoder  # type: ignore[import-untyped]

    la, lo = np.asarray(lat, float), np.asarray(lon, float)
    ok = np.isfinite(la) & np.isfinite(lo)
    out: list[str | None] = [None] * len(la)
    if ok.any():
        with contextlib.redirect_stdout(io.StringIO()):  # the package prints a loading message
            hits = reverse_geocoder.search(list(zip(la[ok], lo[ok])), mode=1)
        for i, h in zip(np.flatnonzero(ok), hits):
            out[i] = h["admin1"] if h["cc"] == "US" else None
    return pd.Series(out, dtype=object)


def check_us_states(table: pd.DataFrame, data: TwinData) -> tuple[pd.DataFrame, dict[str, float]]:
    """Reverse-geocode the US end (side a) of cohort ties and compare with the researchers' states.

    Parameters
    ----------
    table : DataFrame
        :func:`cohort_table` rows; ``subdivision_a`` holds the researchers' state where they gave one.
    data : TwinData
        Dataset with coordinates (linked by :func:`link_places`).

    Returns
    -------
    (rows, summary)
        Per US tie: ``state_geocoded`` and ``agrees``; summary: ``us_ties``, ``with_coordinates``,
        ``geocoded`` (a US state found), ``match_rate`` (= geocoded / us_ties), ``with_research_state``,
        ``comparable`` (both states known), ``agree``.
    """
    us = link_places(table[table["country_a"] == "USA"], data)
    us["state_geocoded"] = us_states(us["lat_a"], us["lon_a"]).to_numpy()
    known = us["subdivision_a"].notna() & us["state_geocoded"].notna()
    us["agrees"] = (us["state_geocoded"] == us["subdivision_a"]).where(known)
    summary = {"us_ties": len(us), "with_coordinates": int(us["lat_a"].notna().sum()),
               "geocoded": int(us["state_geocoded"].notna().sum()),
               "match_rate": float(us["state_geocoded"].notna().mean()) if len(us) else np.nan,
               "with_research_state": int(us["subdivision_a"].notna().sum()), "comparable": int(known.sum()),
               "agree": int(us["agrees"].fillna(False).astype(bool).sum())}
    return us, summary


def sourced_events(shock_id: str | None = None, path: Path | str | None = None) -> pd.DataFrame:
    """The curated registry's events as a table of sourced facts (no curve, no test on it).

    The curated registry collects documented ties, mostly documented breaks: it is selected on the
    outcome, so it is shown as a list of facts, each with its source, not as survival curves.

    Parameters
    ----------
    shock_id : str, optional
        Keep rows whose ``shock_id`` is this shock (default: every row with an event other than
        ``signed``).
    path : path, optional
        ``curated_tie_events.csv`` (default: the packaged file).

    Returns
    -------
    DataFrame
        ``date``, ``date_precision``, ``place_a``, ``place_b`` ("name (ISO3)"), ``kind``, ``event``,
        ``cause``, ``shock_id``, ``source``, sorted by date (undated last), then places.
    """
    src = files("twingraph") / "data" / "curated_tie_events.csv" if path is None else Path(path)
    with src.open(encoding="utf-8") as fh:
        df = pd.read_csv(fh, dtype=str, keep_default_na=False).replace({"": None})
    df = df[df["event"] != "signed"]
    if shock_id is not None:
        df = df[df["shock_id"] == shock_id]
    df = df.assign(place_a=df["city_a"] + " (" + df["country_a"] + ")",
                   place_b=df["city_b"] + " (" + df["country_b"] + ")")
    cols = ["date", "date_precision", "place_a", "place_b", "kind", "event", "cause", "shock_id", "source"]
    return df.sort_values(["date", "place_a", "place_b"], na_position="last")[cols].reset_index(drop=True)


# ----------------------------------------------------------------------------------------------
# drawing (matplotlib imported lazily, as in twingraph.survival)
# ----------------------------------------------------------------------------------------------

#: Okabe–Ito colour-blind-safe palette (black first).
PALETTE: Final = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#CC79A7", "#0072B2", "#D55E00", "#F0E442")
#: Outcome colours for maps.
STATUS_COLORS: Final = {"no documented change": "0.6", "maintained": "#009E73", "announced": "#E69F00",
                        "suspended": "#D55E00", "terminated": "#0072B2"}


def plot_share_ended(ax: Any, sets: dict[str, pd.DataFrame], ticks: Sequence[float] = tuple(range(0, 49, 6)),
                     colors: Sequence[str] = PALETTE, risk_ax: Any = None) -> Any:
    """Kaplan–Meier share ended (1 - S) by month for several cohort tables, with numbers at risk.

    The first set is drawn thick with its 95% band, the others dashed.  The numbers at risk (ties
    with duration > t, :func:`at_risk`) at each tick go into ``risk_ax`` (an axis below ``ax``
    sharing its x range; one row per curve), or under ``ax`` when ``risk_ax`` is None.

    Parameters
    ----------
    ax : matplotlib Axes
    sets : dict
        Label -> :func:`cohort_table` rows.
    ticks : sequence of float
        Months at which to print the numbers at risk (also the x ticks).
    colors : sequence of str
    risk_ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib Axes
    """
    n = len(sets)
    for k, ((name, g), col) in enumerate(zip(sets.items(), colors)):
        s = survival_table(g)
        f = KaplanMeier().fit(s["duration"] / DAYS_PER_MONTH, s["event"])
        t = np.r_[f.timeline_, s["duration"].max() / DAYS_PER_MONTH]
        y = 1 - np.r_[f.survival_function_.iloc[:, 0], f.survival_function_.iloc[-1, 0]]
        ax.step(t, y, where="post", color=col, lw=2.2 if k == 0 else 1.3, ls="-" if k == 0 else "--",
                label=f"{name} (n={len(s)}, {int(s['event'].sum())} ends)")
        if k == 0:
            ci = f.confidence_interval_.to_numpy()
            ax.fill_between(t, 1 - np.r_[ci[:, 1], ci[-1, 1]], 1 - np.r_[ci[:, 0], ci[-1, 0]], step="post",
                            color=col, alpha=0.12, lw=0)
        for m, r in zip(ticks, at_risk(s, ticks)):
            if risk_ax is None:
                ax.text(m, -0.19 - 0.045 * k, str(r), transform=ax.get_xaxis_transform(), ha="center", fontsize=7,
                        color=col)
            else:
                risk_ax.text(m, n - 1 - k, str(r), ha="center", va="center", fontsize=7, color=col)
        if risk_ax is not None:
            risk_ax.text(ticks[0] - 3, n - 1 - k, name, ha="right", va="center", fontsize=7, color=col)
    ax.set(xticks=list(ticks), xlim=(ticks[0] - 1, ticks[-1]), ylim=(0, 1), xlabel="months since the shock",
           ylabel="cumulative share suspended or terminated (1 − KM)")
    if risk_ax is None:
        ax.text(ticks[0] - 1, -0.145, "number at risk (rows = curves):", transform=ax.get_xaxis_transform(),
                fontsize=7)
    else:
        risk_ax.set(xlim=ax.get_xlim(), ylim=(-0.6, n - 0.4), xticks=[], yticks=[])
        risk_ax.set_title("number at risk", fontsize=7, loc="left")
        for side in ("top", "right", "bottom", "left"):
            risk_ax.spines[side].set_visible(False)
    return ax


def plot_competing(ax: Any, table: pd.DataFrame, horizon: float = 48) -> Any:
    """Aalen–Johansen incidence of suspension and termination: documented (solid) and the upper bound
    where every tie without a documented change is suspended at the median documented time (dotted)."""
    for sc, ls, lab in (("documented", "-", "documented"), ("undocumented-ended", ":", "bound: no change = suspended")):
        s = survival_table(table, scenario=sc)
        causes = (("suspended", "#D55E00"), ("terminated", "#0072B2"))
        for cause, col in causes if sc == "documented" else causes[:1]:
            if not (s["event_type"] == cause).any():
                if sc == "documented":
                    ax.axhline(0, color=col, label=f"{cause}: no documented case")
                continue
            f = CumulativeIncidence().fit(s["duration"] / DAYS_PER_MONTH, s["event_type"], cause=cause)
            v = f.cumulative_density_.iloc[:, 0].to_numpy()
            ax.step(np.r_[f.timeline_, horizon], np.r_[v, v[-1]], where="post", color=col, ls=ls,
                    label=f"{cause}: {lab}")
    ax.set(xlim=(-1, horizon), ylim=(-0.01, 1), xlabel="months since the shock",
           ylabel="cumulative incidence (Aalen–Johansen)")
    return ax


def plot_forest(ax: Any, cox: pd.DataFrame) -> Any:
    """Forest plot of the fitted rows of :func:`fit_cox` output (hazard ratios, log scale, 95% CI)."""
    shown = cox[cox["status"] == "fitted"].reset_index(drop=True)
    y = np.arange(len(shown))[::-1]
    ax.errorbar(shown["hazard_ratio"], y, fmt="s", color="black", capsize=3,
                xerr=[shown["hazard_ratio"] - shown["hr_lower"], shown["hr_upper"] - shown["hazard_ratio"]])
    ax.axvline(1, color="0.6", lw=0.8)
    ax.set(xscale="log", yticks=y, ylim=(-0.7, len(shown) - 0.3), xlabel="hazard ratio (95% CI)")
    ax.set_yticklabels([f"{c}  [{m}; n={n}, {e} ends]" for c, m, n, e in
                        zip(shown["covariate"], shown["model"], shown["n"], shown["events"])], fontsize=7)
    return ax


def plot_map(ax: Any, table: pd.DataFrame, world: Any, extent: tuple[float, float, float, float]) -> Any:
    """Cohort ties (linked, with coordinates) as great circles coloured by outcome on country outlines.

    ``world`` is a GeoDataFrame of outlines (e.g. Natural Earth); ``extent`` = (lon0, lon1, lat0,
    lat1).  Ties attested before the shock are drawn thick.
    """
    from .measures.geography import great_circle_path

    world.plot(ax=ax, color="0.94", edgecolor="0.65", lw=0.3)
    for st, col in STATUS_COLORS.items():
        g = table[table["status"] == st].dropna(subset=["lon_a", "lon_b"])
        for r in g.itertuples():
            for piece in great_circle_path(r.lat_a, r.lon_a, r.lat_b, r.lon_b, 40):
                ax.plot(piece[:, 0], piece[:, 1], color=col, lw=1.3 if r.pre_shock else 0.6, alpha=0.75)
        ax.plot([], [], color=col, label=f"{st} ({int((table['status'] == st).sum())})")
    x0, x1, y0, y1 = extent
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xticks=[], yticks=[], xlabel="", ylabel="",
           aspect=1 / np.cos(np.radians((y0 + y1) / 2)))
    return ax


def plot_share_ended_panels(axes: Sequence[Any], risk_axes: Sequence[Any], panels: dict[str, dict[str, pd.DataFrame]],
                            ticks: Sequence[float] = tuple(range(0, 49, 6)), xlabel: str = "months since the shock",
                            ) -> None:
    """:func:`plot_share_ended` of several sets of :func:`partner_sets`, one panel each.

    Curves are labelled by the part of each key after ``": "`` (the partner country, or ``all``).

    Parameters
    ----------
    axes, risk_axes : sequence of matplotlib Axes
        Curve and numbers-at-risk axes, zipped with ``panels``.
    panels : dict
        Panel title -> :func:`partner_sets` output.
    ticks : sequence of float
        Months of the x ticks and of the numbers at risk.
    xlabel : str
        x-axis label.
    """
    for ax, risk, (title, sets) in zip(axes, risk_axes, panels.items()):
        plot_share_ended(ax, {k.split(": ")[1]: g for k, g in sets.items()}, ticks, risk_ax=risk)
        ax.set(title=title, xlabel=xlabel)
        ax.legend(fontsize=7, frameon=False, loc="upper left", title="partner country", title_fontsize=7)


def plot_map_panels(table: pd.DataFrame, world: Any, extents: Sequence[tuple[float, float, float, float]],
                    width_ratios: Sequence[float] = (1, 1.7), figsize: tuple[float, float] = (15, 5)) -> Any:
    """A figure of :func:`plot_map` panels side by side, the outcome legend under the last one.

    Parameters
    ----------
    table : DataFrame
        Linked cohort table (``lat_a, lon_a, lat_b, lon_b``, ``status``, ``pre_shock``).
    world : GeoDataFrame
        Country outlines.
    extents : sequence of (lon0, lon1, lat0, lat1)
        One per panel.
    width_ratios : sequence of float
        Relative panel widths.
    figsize : tuple of float
        Figure size (inches).

    Returns
    -------
    matplotlib Figure
    """
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(extents), figsize=figsize, squeeze=False,
                             gridspec_kw={"width_ratios": list(width_ratios), "wspace": 0.03})
    for ax, extent in zip(axes[0], extents):
        plot_map(ax, table, world, extent)
    axes[0, -1].legend(fontsize=7, loc="upper left", bbox_to_anchor=(0, -0.02), ncol=5, frameon=False,
                       title="outcome (thick = attested before the shock)", title_fontsize=7)
    return fig
