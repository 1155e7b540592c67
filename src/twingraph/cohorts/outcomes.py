"""Cohort files in, one tidy row per tie out: reading, validation, outcome rules, survival input, shares ended.

The rules are in the docstring of :mod:`twingraph.cohorts` and in ``COHORTS.md``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from ..deprecation import renamed_arguments
from ..dates import parse_partial_date, resolve_dates
from ..exceptions import TwingraphError
from ..results import TableResult
from ..survival import CumulativeIncidence, KaplanMeier, at_risk_counts


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
        """The family's files under ``root``, each list sorted.

        Parameters
        ----------
        root : Path
            Folder of the cohort files.

        Returns
        -------
        tuple of (list of Path, list of Path, list of Path)
            Ties files (``cohort_<stem>_ties*.csv`` and ``cohort_<stem>_crawl*.csv``), outcomes files
            (``cohort_outcomes_<stem>*.csv``) and searches files (``cohort_searches_<stem>*.csv``).
        """
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
    """The provenance flags among ``columns``: ``in_<source>_<year>`` or a key of :data:`SOURCE_OBSERVED`.

    Parameters
    ----------
    columns : sequence of str
        Column names.

    Returns
    -------
    list of str
        In the order of ``columns``.
    """
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
        cohort listed in several files are merged (provenance flags OR-ed).  A crawl row keyed to
        the cohort files' spelling of its tie keeps its own key in ``crawl_key`` (else ``None``).

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
    if t.duplicated(["cohort", "tie_key"]).any():
        agg: dict[str, Any] = {c: "first" for c in t.columns if c not in ("cohort", "tie_key")}
        agg.update({c: "max" for c in flags})
        agg["file"] = lambda x: ";".join(sorted(set(x)))
        t = t.groupby(["cohort", "tie_key"], sort=False, as_index=False).agg(agg)
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
    (and the validation asks for its outcome or search).  A matched row keeps its crawl key in
    ``crawl_key``.
    """
    if "in_cohort_file" not in t.columns:
        return t.assign(crawl_key=None)
    crawl = t["in_cohort_file"].notna()
    known = t[~crawl]
    have = set(zip(known["cohort"], known["tie_key"]))
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
                row = r.copy()
                for k in (*KEY, "tie_key"):
                    row[k] = known.loc[j, k]
                row["crawl_key"] = r["tie_key"]
                extra.append(row)
    t = t.assign(crawl_key=None)
    return pd.concat([t.drop(index=drop), pd.DataFrame(extra)], ignore_index=True) if extra else t


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
        from ..shocks import load_shocks
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


@renamed_arguments(convention="dates")
def cohort_table(ties: pd.DataFrame, outcomes: pd.DataFrame, searches: pd.DataFrame, *,
                 shocks: pd.DataFrame | None = None, dates: str = "midpoint",
                 unresearched: str = "error") -> pd.DataFrame:
    """One tidy row per cohort tie: places, provenance, outcome with its source, or the search log.

    Parameters
    ----------
    ties, outcomes, searches : DataFrame
        As returned by :func:`read_cohort_files`.
    shocks : DataFrame, optional
        The shock registry (``event_id``, ``date``); default :func:`twingraph.shocks.load_shocks`.
    dates : {"earliest", "midpoint", "latest"}
        How a partial end date becomes a day (after clipping its period to start at the shock); the
        old keyword ``convention=`` still works, with a DeprecationWarning.
    unresearched : {"error", "report"}
        A tie with neither a sourced outcome nor a logged search raises (default), or is kept with
        status ``"not researched"`` (left out of :func:`survival_table`) so that work in progress
        can be inspected.

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
        Outcome rows about ties outside the cohort are ignored (:func:`outside_cohort` lists them).

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
        res = _tie_outcome(o_by.get(t["tie_key"], outcomes.iloc[:0]), sdate, dates)
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
    return pd.DataFrame(rows)


def outside_cohort(ties: pd.DataFrame, outcomes: pd.DataFrame) -> pd.DataFrame:
    """Outcome rows about ties that are not in the cohort (:func:`cohort_table` ignores them).

    Parameters
    ----------
    ties, outcomes : DataFrame
        As read by :func:`read_cohort_files`.

    Returns
    -------
    DataFrame
        The rows of ``outcomes`` whose ``tie_key`` is not a key of ``ties`` (with ``file`` and ``line``).
    """
    return outcomes[~outcomes["tie_key"].isin(set(ties["tie_key"]))]


@renamed_arguments(convention="dates")
def load_cohort(name: str, *, root: Path | str | None = None, shocks: pd.DataFrame | None = None,
                dates: str = "midpoint", unresearched: str = "error") -> pd.DataFrame:
    """Read and validate a shipped cohort family (``"russia-2022"``, ``"china"``, ``"us-state-laws"``).

    Parameters
    ----------
    name : str
        A key of :data:`COHORT_FILES`.
    root : path, optional
        Folder holding the files (default: the package's ``data`` folder).
    shocks, dates, unresearched
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
    return cohort_table(t, o, s, shocks=shocks, dates=dates, unresearched=unresearched)


def survivorship(table: pd.DataFrame) -> pd.DataFrame:
    """Per cohort: pre-shock ties, how many the 2026 lists miss, and what is documented about them.

    Parameters
    ----------
    table : DataFrame
        Rows of :func:`cohort_table`.

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


UNDATED_RULES: Final = ("median", "shock", "midpoint", "search")


@dataclass(frozen=True, eq=False)
class CohortSurvival(TableResult):
    """:func:`survival_table`: durations since the shock, and how they were made.

    Attributes
    ----------
    table : DataFrame
        ``tie_id``, ``cohort``, ``duration``, ``event``, ``event_type``, ``imputed``, covariates.
    median_days : float
        The median time of the dated documented ends (or the ``median_days`` given) used to place
        undated ends; NaN when there is none.
    dropped : int
        Rows of the cohort table left out (no registered shock, ended before it, not researched).
    undated_ends : int
        Documented ends without a date, placed by the ``undated`` rule.
    """

    median_days: float
    dropped: int
    undated_ends: int


def _surv(surv: pd.DataFrame | CohortSurvival) -> pd.DataFrame:
    return surv.table if isinstance(surv, CohortSurvival) else surv


def survival_table(table: pd.DataFrame, *, scenario: str = "documented", maintained: str = "observed",
                   covariates: Sequence[str] = (), undated: str = "median",
                   median_days: float | None = None) -> CohortSurvival:
    """Durations since the shock (days) with event flags and competing event types.

    Parameters
    ----------
    table : DataFrame
        Rows of :func:`cohort_table` (ties of cohorts with a registered shock; ties that ended
        before the shock, and ties not researched, are dropped and counted in ``dropped``).
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
    undated : {"median", "shock", "midpoint", "search"}
        Where an undated end is placed: at the median time of the dated documented ends (default),
        on the shock day, halfway between the shock and the tie's search date, or at the search date
        (the latest it can be).  A reported sensitivity (:data:`UNDATED_RULES`).
    median_days : float, optional
        The median to use instead of the table's own (e.g. the whole cohort's, for a subset that
        has undated ends but no dated one).

    Returns
    -------
    CohortSurvival
        ``table``: ``tie_id``, ``cohort``, ``duration`` (days since the shock, >= 0), ``event``
        (0/1), ``event_type`` (``suspended`` | ``terminated`` | None), ``imputed`` (why a time was
        imputed, or ""), the covariates; ``median_days`` (the median used), ``dropped``,
        ``undated_ends``.
    """
    t = table[table["shock_date"].notna() & ~table["ended_before_shock"] & (table["status"] != "not researched")].copy()
    dropped = int(len(table) - len(t))
    ended = t["status"].isin(["suspended", "terminated"])
    dated_days = (pd.to_datetime(t["end_resolved"]) - t["shock_date"]).dt.days.astype(float)
    exact = ended & ~t["end_upper_bound"].astype(bool) & dated_days.notna()
    median = float(np.median(dated_days[exact])) if exact.any() else np.nan
    if median_days is not None:
        median = float(median_days)
    dur = (t["observed"] - t["shock_date"]).dt.days.astype(float)
    obs = dur.copy()
    if maintained == "date":
        m = (t["status"] == "maintained") & t["last_maintained"].notna()
        dur = dur.where(~m, (t["last_maintained"] - t["shock_date"]).dt.days.clip(lower=0))
    elif maintained != "observed":
        raise ValueError("maintained must be 'observed' or 'date'")
    event = ended.astype(int)
    etype = t["status"].where(ended, None)
    imputed = pd.Series("", index=t.index)
    undated_end = ended & dated_days.isna()
    dur = dur.where(~ended, dated_days)
    if undated not in UNDATED_RULES:
        raise ValueError(f"undated must be one of {UNDATED_RULES}, not {undated!r}")
    place = {"median": pd.Series(median, index=t.index), "shock": pd.Series(0.0, index=t.index),
             "midpoint": obs / 2, "search": obs}[undated]
    dur[undated_end] = place[undated_end]
    imputed[undated_end] = f"undated end placed by rule {undated!r}"
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
    return CohortSurvival(out.reset_index(drop=True), median_days=median, dropped=dropped,
                          undated_ends=int(undated_end.sum()))


def _at(timeline: np.ndarray, values: np.ndarray, t: float) -> float:
    i = int(np.searchsorted(timeline, t, side="right")) - 1
    return float(values[max(i, 0)])


def at_risk(surv: pd.DataFrame | CohortSurvival, months: Sequence[float]) -> list[int]:
    """Number of ties at risk at each time ``months`` (duration >= t, the risk set of an end at t, as R's
    ``summary(survfit, times=)``), from :func:`twingraph.survival.at_risk_counts`.

    Parameters
    ----------
    surv : DataFrame or CohortSurvival
        From :func:`survival_table` (``duration`` in days, ``event``).
    months : sequence of float
        Times, in months since the shock.

    Returns
    -------
    list of int
        One count per time.
    """
    surv = _surv(surv)
    km = KaplanMeier().fit(surv["duration"].to_numpy(float) / DAYS_PER_MONTH, surv["event"])
    return [int(x) for x in at_risk_counts(km, list(months))["at_risk"]]


def share_ended(surv: pd.DataFrame | CohortSurvival, months: Sequence[float] = (6, 12, 24),
                alpha: float = 0.05) -> pd.DataFrame:
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
    surv = _surv(surv)
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
        ``"<label>: <country>"``) and ``n`` (ties in the survival table).  Undated ends of a subset
        are placed at the median of the whole table's dated ends.
    """
    parts = [share_ended(s := survival_table(g, median_days=survival_table(d).median_days), months)
             .assign(set=k, n=len(s.table))
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


def cumulative_incidence(surv: pd.DataFrame | CohortSurvival, months: Sequence[float] = (6, 12, 24),
                         alpha: float = 0.05) -> pd.DataFrame:
    """Aalen–Johansen cumulative incidence of ``suspended`` and of ``terminated`` at given months.

    Parameters
    ----------
    surv : DataFrame
        From :func:`survival_table` (``duration`` in days, ``event``, ``event_type``).
    months : sequence of float
        Times, in months since the shock.
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame
        ``cause``, ``month``, ``events`` (of that cause by then), ``cumulative_incidence``,
        ``lower``, ``upper`` (a cause that never occurs has incidence 0 and no interval).
    """
    surv = _surv(surv)
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

    Parameters
    ----------
    table : DataFrame
        Rows of :func:`cohort_table`.
    months : sequence of float
        Times, in months since the shock.
    scenarios : sequence of str
        Scenarios of :func:`survival_table`.

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
        out.append(r.assign(scenario=sc, n=len(s.table), total_events=int(s.table["event"].sum()),
                            median_days=s.median_days))
    cols = ["scenario", "n", "total_events", "median_days", "month", "at_risk", "events", "share_ended",
            "lower", "upper"]
    return pd.concat(out, ignore_index=True)[cols]



def normalize_place_name(name: object) -> str:
    """Matching key of a place name: NFKD, accents dropped, lower case, punctuation and dashes to spaces.

    Parameters
    ----------
    name : object
        A name (converted with ``str``).

    Returns
    -------
    str

    Examples
    --------
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
