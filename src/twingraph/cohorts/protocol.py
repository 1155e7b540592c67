"""The written search protocol (``SEARCH_PROTOCOL.md``) joined to the cohorts: findings, effort, conflicts.

The protocol's files live in ``twingraph/data/protocol``:

``findings_*.csv`` (and ``incidental_*.csv``: in the same columns, or naming the tie in free text)
    one row per fact, in the columns of ``cohort_outcomes_*.csv`` plus ``tie_id``, ``quote``,
    ``found_by`` and ``pass`` (``primary`` | ``second`` | ``comparison``); event ``suspended |
    terminated | maintained | listed_undated | announced | restored``;
``log_*.csv``
    one row per search query (``batch, pass, step, query_no, tie_id, town, ...``);
``status_*.csv``
    one row per tie of a primary batch (``tie_id, s1, s2, s3, complete, n_queries_tie, ...``);
``second_pass_sample.csv``, ``comparison_sample.csv``, ``state_laws.csv``
    the samples (seed 20261207) and the sourced state laws.

Rules (stated here, reported as sensitivities by the experiments):

* **Documented** = a sourced end from any round (the first round's outcome files, the protocol's
  primary pass, the independent second pass, and incidental findings naming a cohort tie).
* **Maintained** needs an explicit statement made after the shock: a ``maintained`` row whose date
  is unknown, or whose period ends before the shock day, is not counted (``maintained_dropped``);
  ``listed_undated`` (a partner-town page without a date) is never ``maintained``.
* **Conflicts.** A tie is flagged when :func:`~twingraph.cohorts.cohort_table` flags it (a
  ``maintained`` statement dated after the first end, no restoration between), when it has an
  undated end and a post-shock ``maintained`` statement (their order is unknown), or when a
  finding's note says ``conflict`` or ``contradict``.  Main rule: the documented end wins (time to
  the first documented end), unless a later restoration is documented (the end still counts; the
  restoration is recorded).  Opposite rule (sensitivity, ``resolve="maintained"``): a flagged tie is
  censored, no end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Final

import numpy as np
import pandas as pd
from scipy import stats

from ..deprecation import renamed_arguments
from ..dates import parse_partial_date, resolve_dates
from ..randomness import random_state_arg
from ..results import DeprecatedKeys, Result
from .outcomes import (
    COHORT_FILES,
    END_EVENTS,
    KEY,
    CohortError,
    _key,
    _shock_dates,
    _shock_of,
    cohort_table,
    normalize_place_name,
    read_cohort_files,
)

PROTOCOL_EVENTS: Final = ("suspended", "terminated", "maintained", "listed_undated", "announced", "restored")
#: Date of the protocol's searches (the censoring date of a tie searched by it).
PROTOCOL_DATE: Final = pd.Timestamp("2026-12-07")


@dataclass(frozen=True)
class Protocol:
    """The protocol's tables (empty frames for files not yet written)."""

    findings: pd.DataFrame
    log: pd.DataFrame
    status: pd.DataFrame
    second_sample: pd.DataFrame
    comparison_sample: pd.DataFrame
    state_laws: pd.DataFrame
    state_law_sample: pd.DataFrame = field(default_factory=pd.DataFrame)


def _csvs(root: Path, pattern: str) -> pd.DataFrame:
    frames = [pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig").assign(file=p.name)
              for p in sorted(root.glob(pattern))]
    frames = [f for f in frames if len(f.columns) > 1]
    return pd.concat(frames, ignore_index=True).replace({"": None}) if frames else pd.DataFrame()


def protocol_root(root: Path | str | None = None) -> Path:
    """Folder of the protocol files (default: the package's ``data/protocol``).

    Parameters
    ----------
    root : str or pathlib.Path, optional
        Folder; None for the packaged one.

    Returns
    -------
    pathlib.Path
    """
    return Path(str(files("twingraph") / "data" / "protocol")) if root is None else Path(root)


def read_protocol(root: Path | str | None = None) -> Protocol:
    """Read every protocol file; findings get ``tie_key`` (from ``tie_id`` when given, else the places).

    Parameters
    ----------
    root : str or pathlib.Path, optional
        Folder of the protocol files (:func:`protocol_root`).

    Returns
    -------
    Protocol

    Raises
    ------
    CohortError
        A finding has an unknown event or no source.
    """
    base = protocol_root(root)
    inc = _csvs(base, "incidental_*.csv")
    free = _free_text_ties(inc[inc["tie"].notna()]) if "tie" in inc else inc.iloc[:0]
    if "tie" in inc:
        inc = inc[inc["tie"].isna()]
    f = pd.concat([_csvs(base, "findings_*.csv"), inc, free], ignore_index=True)
    if len(f) and "city_a" in f:
        f = f[f["city_a"].notna() & f["event"].notna()].reset_index(drop=True)
    if len(f):
        bad = f[~f["event"].isin(PROTOCOL_EVENTS)]
        if len(bad):
            raise CohortError(f"{bad['file'].iloc[0]}: unknown event {bad['event'].iloc[0]!r}")
        if f["source"].isna().any():
            raise CohortError(f"{f.loc[f['source'].isna(), 'file'].iloc[0]}: finding without a source")
        f["tie_key"] = _key(f.fillna({k: "" for k in KEY}))
        tid = f["tie_id"].fillna("")
        cohort_id = tid.str.count(r"\|") == 4  # cohort|city_a|country_a|city_b|country_b (comparison: qid|qid)
        f.loc[cohort_id, "tie_key"] = tid[cohort_id].str.split("|", n=1).str[1]
    log = _csvs(base, "log_*.csv")  # search logs only (log_E, another task's log, has no step)
    if len(log) and "step" in log:
        log = log[log["step"].notna()].reset_index(drop=True)
    one = {k: _csvs(base, k + ".csv")
           for k in ("second_pass_sample", "comparison_sample", "state_laws", "state_law_sample")}
    return Protocol(f, log, _csvs(base, "status_*.csv"), one["second_pass_sample"], one["comparison_sample"],
                    one["state_laws"], one["state_law_sample"])


_TIE_COUNTRIES = re.compile(r"^(?P<a>[^()]+?) \((?P<ca>[A-Z]{3})\) - (?P<b>[^()]+?) \((?P<cb>[A-Z]{3})\)$")
_TIE_PAIR = re.compile(r"^(?P<names>[^()]+) \((?P<ca>[A-Z]{3})-(?P<cb>[A-Z]{3})\)$")


def _free_text_ties(df: pd.DataFrame) -> pd.DataFrame:
    """Findings rows from an incidental file that names the tie in free text (``tie``, ``event``, ...).

    Two forms are read: ``"A (DEU) - B (RUS)"`` and ``"A-B (GBR-RUS)"`` (every split at a hyphen is a
    candidate; only a candidate that is a cohort tie joins it).  Each is given in both orientations
    (the cohort files put the non-Russian place first).  Lists of several ties are not read.
    """
    rows = []
    for r in df.itertuples(index=False):
        text = str(r.tie).strip()
        cands: list[tuple[str, str, str, str]] = []
        if "," in text or ";" in text:  # a list of ties
            continue
        if m := _TIE_COUNTRIES.match(text):
            cands.append((m["a"].strip(), m["ca"], m["b"].strip(), m["cb"]))
        elif m := _TIE_PAIR.match(text):
            names = m["names"]
            cands += [(names[:i].strip(), m["ca"], names[i + 1:].strip(), m["cb"])
                      for i, ch in enumerate(names) if ch in "-–" and names[:i].strip() and names[i + 1:].strip()]
        for a, ca, b, cb in cands:
            for x in ((a, ca, b, cb), (b, cb, a, ca)):
                rows.append({"city_a": x[0], "country_a": x[1], "city_b": x[2], "country_b": x[3], "event": r.event,
                             "date": getattr(r, "date", None), "date_precision": None, "source": r.source,
                             "note": getattr(r, "note", None), "quote": getattr(r, "quote", None),
                             "found_by": getattr(r, "found_by", None), "pass": "primary", "tie_id": None,
                             "file": getattr(r, "file", None)})
    return pd.DataFrame(rows)


def _post_shock(dates: pd.Series, precision: pd.Series, shock: pd.Series) -> np.ndarray:
    """Whether each dated statement can be after the shock (its period's last day >= the shock day)."""
    parsed = [parse_partial_date(x) if x is not None else (None, "unknown") for x in dates]
    first = pd.Series([p[0] for p in parsed], index=dates.index)
    prec = pd.Series([p[1] if p[0] is not None else "unknown" for p in parsed], index=dates.index)
    prec = prec.where(precision.isna() | first.isna(), precision)
    hi = pd.Series(resolve_dates(first, prec, "latest"), index=dates.index)
    return (hi.notna() & (hi >= pd.to_datetime(shock))).to_numpy()


def _town_queries(log: pd.DataFrame, step: str, side: str, towns: pd.Series) -> pd.Series:
    """Queries of ``step`` logged on each of ``towns`` (a row's town: ``town``, else ``city_<side>``)."""
    if log.empty:
        return pd.Series(0, index=towns.index)
    rows = log[log["step"] == step]
    n = rows["town"].fillna(rows[f"city_{side}"]).fillna("").map(normalize_place_name).value_counts()
    return towns.map(normalize_place_name).map(n).fillna(0).astype(int)


def tie_effort(table: pd.DataFrame, proto: Protocol) -> pd.DataFrame:
    """Search effort and hits per cohort tie, from the protocol's logs, status files and findings.

    Parameters
    ----------
    table : DataFrame
        Cohort ties (``tie_id``, ``city_a``, ``country_a``, ``city_b``, ``country_b``).
    proto : Protocol
        The protocol's tables.

    Returns
    -------
    DataFrame
        ``tie_id``, ``n_queries_protocol`` (S1/P queries naming the tie, plus S2 queries on its town B
        and S3 queries on its town A), ``protocol_complete`` (the status file's ``complete``, or
        S1, S2 and S3 all logged), ``searched_protocol`` (any protocol query), ``hits`` (protocol
        findings about the tie, any event, any pass) and ``relevant_urls`` (distinct URLs the
        protocol's tie queries marked relevant).
    """
    log = proto.log
    out = table[["tie_id", *KEY]].copy()
    if log.empty:
        out = out.assign(n_queries_protocol=0, protocol_complete=False, searched_protocol=False, relevant_urls=0)
    else:
        tie_rows = log[log["tie_id"].notna()]
        by_tie = tie_rows.groupby("tie_id")
        n_tie = by_tie.size()
        urls = by_tie["relevant_urls"].agg(
            lambda s: len({u.strip() for x in s.dropna() for u in str(x).replace(" ; ", ";").split(";") if u.strip()}))
        steps = by_tie["step"].agg(lambda s: set(s))
        n2, n3 = _town_queries(log, "S2", "b", out["city_b"]), _town_queries(log, "S3", "a", out["city_a"])
        out["n_queries_protocol"] = out["tie_id"].map(n_tie).fillna(0).astype(int) + n2 + n3
        has1 = out["tie_id"].map(steps).map(lambda s: isinstance(s, set) and "S1" in s)
        out["protocol_complete"] = has1 & (n2 > 0) & (n3 > 0)
        out["searched_protocol"] = out["n_queries_protocol"] > 0
        out["relevant_urls"] = out["tie_id"].map(urls).fillna(0).astype(int)
    st = proto.status
    if len(st) and "complete" in st:
        done = st.drop_duplicates("tie_id").set_index("tie_id")["complete"].astype(str).str.lower()
        known = out["tie_id"].isin(done.index)
        flagged = out.loc[known, "tie_id"].map(done).isin(["true", "1", "yes", "complete"])
        out.loc[known, "protocol_complete"] = out.loc[known, "protocol_complete"].astype(bool) | flagged
    f = proto.findings
    keys = _key(out)
    out["hits"] = keys.map(f.groupby("tie_key").size() if len(f) else pd.Series(dtype=int)).fillna(0).astype(int)
    return out.drop(columns=list(KEY))


def protocol_outcomes(proto: Protocol, passes: tuple[str, ...] = ("primary", "second")) -> pd.DataFrame:
    """The protocol's findings of ``passes`` as outcome rows (``listed_undated`` left out), with ``pass``.

    Parameters
    ----------
    proto : Protocol
        The protocol's tables.
    passes : tuple of str
        Passes kept (values of the ``pass`` column).

    Returns
    -------
    DataFrame
        A copy of the findings rows kept (the empty findings frame as is when there are none).
    """
    f = proto.findings
    if f.empty:
        return f
    f = f[f["pass"].isin(passes) & (f["event"] != "listed_undated")]
    return f.copy()


def protocol_searches(proto: Protocol, ties: pd.DataFrame) -> pd.DataFrame:
    """One search row per cohort tie the protocol searched (the layout of ``cohort_searches_*.csv``).

    Parameters
    ----------
    proto : Protocol
        The protocol's tables.
    ties : DataFrame
        Cohort ties with ``cohort``, ``tie_key`` and the place columns.

    Returns
    -------
    DataFrame
        The place columns, ``searched_on`` (latest logged date), ``queries`` (joined with `` | ``),
        ``result``, ``tie_key``, ``file``, ``line``.
    """
    log = proto.log
    if log.empty:
        return pd.DataFrame(columns=[*KEY, "searched_on", "queries", "result", "tie_key"])
    rows = []
    tie_ids = ties["cohort"] + "|" + ties["tie_key"]
    g = log[log["tie_id"].notna()].groupby("tie_id")
    for tid, key, r in zip(tie_ids, ties["tie_key"], ties.itertuples()):
        if tid not in g.groups:
            continue
        q = g.get_group(tid)
        rows.append({"city_a": r.city_a, "country_a": r.country_a, "city_b": r.city_b, "country_b": r.country_b,
                     "searched_on": max(q["searched_on"].dropna(), default=str(PROTOCOL_DATE.date())),
                     "queries": " | ".join(q["query"].fillna("")), "result": "protocol search",
                     "tie_key": key, "file": "protocol/log", "line": 0})
    return pd.DataFrame(rows, columns=[*KEY, "searched_on", "queries", "result", "tie_key", "file", "line"])


@renamed_arguments(convention="dates")
def load_cohort_protocol(name: str, *, root: Path | str | None = None, protocol: Protocol | None = None,
                         passes: tuple[str, ...] = ("primary", "second", "comparison", "state-law"),
                         shocks: pd.DataFrame | None = None,
                         dates: str = "midpoint", resolve: str = "end") -> pd.DataFrame:
    """:func:`~twingraph.cohorts.load_cohort` with the protocol's findings, effort and rules applied.

    Parameters
    ----------
    name : str
        Cohort family (``"russia-2022"``, ``"china"``, ``"us-state-laws"``).
    root : path, optional
        Folder of the cohort files (default: the package's ``data``).
    protocol : Protocol, optional
        Default :func:`read_protocol` of ``root/protocol``.
    passes : tuple of str
        Which passes' findings join the outcomes (``("primary",)`` = without the second pass and
        the comparison and state-law passes' incidental findings about cohort ties).
    shocks : DataFrame, optional
        Shock registry; default :func:`twingraph.shocks.load_shocks`.
    dates : str
        Resolution of partial dates (:func:`~twingraph.cohorts.cohort_table`).
    resolve : {"end", "maintained"}
        Conflict rule: documented end wins (default) or the maintained statement wins (the flagged
        tie is censored, status ``"maintained (conflict)"``).

    Returns
    -------
    DataFrame
        The columns of :func:`~twingraph.cohorts.cohort_table` plus ``end_round`` (``first round``,
        ``primary``, ``second`` or ``incidental``: where the first documented end came from),
        ``end_first_round_or_primary`` (the tie's documented end is among those of the first round or
        the primary pass), ``end_found_early`` (those rounds found any end row of the tie),
        ``maintained_dropped`` (maintained rows without a post-shock date, not counted),
        ``listed_undated``, ``conflict_protocol``, ``resolved_by`` and the :func:`tie_effort`
        columns; ``n_queries_total`` = first-round queries + protocol queries.
    """
    if resolve not in ("end", "maintained"):
        raise ValueError("resolve must be 'end' or 'maintained'")
    base = Path(str(files("twingraph") / "data")) if root is None else Path(root)
    proto = read_protocol(base / "protocol") if protocol is None else protocol
    t, o, s = read_cohort_files(*COHORT_FILES[name].paths(base))
    o = o.assign(**{"pass": "first round"})
    po = protocol_outcomes(proto, passes)
    if len(po):
        po = po[po["tie_key"].isin(set(t["tie_key"]))]
        # a second-pass finding about a tie outside its sample is documentation, not part of the sensitivity
        # (and a comparison-pass finding that names a cohort tie is incidental to that cohort)
        inc = (po["tie_id"].isna() & (po["pass"] == "second")) | po["pass"].isin(["comparison", "state-law"])
        po = po.assign(**{"pass": np.where(inc, "incidental", po["pass"])})
    allo = pd.concat([o, po], ignore_index=True) if len(po) else o
    # maintained only with a statement after the shock
    sdates = _shock_dates(shocks)
    coh = dict(zip(t["tie_key"], t["cohort"]))
    shock = allo["tie_key"].map(lambda k: sdates.get(_shock_of(coh.get(k, "")) or "", pd.NaT))
    maint = allo["event"] == "maintained"
    weak = maint & ~_post_shock(allo["date"], allo["date_precision"], shock)
    dropped = allo[weak].groupby("tie_key").size()
    allo = allo[~weak]
    ps = protocol_searches(proto, t.assign(tie_key=t["tie_key"]))
    srch = pd.concat([ps, s], ignore_index=True) if len(ps) else s
    tab = cohort_table(t, allo, srch, shocks=shocks, dates=dates, unresearched="report")
    keys = tab["tie_id"].str.split("|", n=1).str[1]
    tab["maintained_dropped"] = keys.map(dropped).fillna(0).astype(int)
    f = proto.findings
    lu = f[f["event"] == "listed_undated"].groupby("tie_key").size() if len(f) else pd.Series(dtype=int)
    tab["listed_undated"] = keys.map(lu).fillna(0).astype(int)
    # a tie whose only rows were a dropped "maintained" or an undated listing was researched: no documented change
    seen = (tab["status"] == "not researched") & ((tab["maintained_dropped"] > 0) | (tab["listed_undated"] > 0))
    tab.loc[seen, "status"] = "no documented change"
    ends = allo[allo["event"].isin(list(END_EVENTS))]
    rounds = ends.groupby("tie_key")["pass"].agg(lambda x: set(x))
    r = keys.map(rounds)
    ended = tab["status"].isin(["suspended", "terminated"])
    early = r.map(lambda x: isinstance(x, set) and bool(x & {"first round", "primary"}))
    tab["end_first_round_or_primary"] = ended & early.astype(bool)
    tab["end_found_early"] = early.astype(bool)  # any end row of those rounds, even one before the shock
    order = ("first round", "primary", "second", "incidental")
    tab["end_round"] = [next((k for k in order if k in x), None) if isinstance(x, set) and e else None
                        for x, e in zip(r, ended)]
    note = allo["note"].fillna("").str.lower().str.contains("conflict|contradict")
    noted = set(allo.loc[note, "tie_key"])
    post_maint = set(allo.loc[allo["event"] == "maintained", "tie_key"])
    undated_end = ended & tab["end_resolved"].isna()
    tab["conflict_protocol"] = (ended & (keys.isin(noted) | (undated_end & keys.isin(post_maint)))
                                | tab["conflict"].astype(bool))
    tab["resolved_by"] = np.where(tab["conflict_protocol"], f"rule: {resolve} wins", "")
    if resolve == "maintained":
        flip = tab["conflict_protocol"] & ended
        tab.loc[flip, "status"] = "maintained (conflict)"
        for c in ("end_date", "end_resolved"):
            tab.loc[flip, c] = pd.NaT
        tab.loc[flip, "end_upper_bound"] = False
    eff = tie_effort(tab, proto)
    tab = tab.merge(eff, on="tie_id", how="left")
    first = s.drop_duplicates("tie_key").set_index("tie_key")["queries"].map(lambda q: len(str(q).split(" | ")))
    tab["n_queries"] = keys.map(first).fillna(0).astype(int).to_numpy()  # first round only
    tab["n_queries_total"] = tab["n_queries"] + tab["n_queries_protocol"]
    return tab


def clopper_pearson(x: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Exact binomial confidence interval for ``x`` successes in ``n`` trials.

    Parameters
    ----------
    x : int
        Successes.
    n : int
        Trials.
    alpha : float
        1 - confidence level.

    Returns
    -------
    tuple of (float, float)
        ``(lower, upper)``; NaNs when ``n == 0``.

    Examples
    --------
    >>> [round(v, 4) for v in clopper_pearson(7, 10)]
    [0.3475, 0.9333]
    """
    if n == 0:
        return (np.nan, np.nan)
    lo = 0.0 if x == 0 else float(stats.beta.ppf(alpha / 2, x, n - x + 1))
    hi = 1.0 if x == n else float(stats.beta.ppf(1 - alpha / 2, x + 1, n - x))
    return lo, hi


@dataclass(frozen=True)
class SearchSensitivity(DeprecatedKeys, Result):
    """:func:`search_sensitivity`: how many second-pass ends the other rounds also found.

    It still answers the dict keys it replaces (``res["sensitivity"]``), with a
    :class:`DeprecationWarning`, for one release.

    Attributes
    ----------
    sample, searched : int
        Ties drawn for the second pass; of them, ties with a second-pass query.
    second_ends, also_found : int
        Ties with a second-pass end (n); of them, also found by the first round or the primary pass (x).
    sensitivity, lower, upper : float
        x / n with its exact (Clopper–Pearson) interval.
    beta_a, beta_b : int
        The Beta(x + 1, n - x + 1) posterior used by :func:`corrected_share`.
    second_only : list of str
        Tie ids whose end only the second pass found.
    """

    sample: int
    searched: int
    second_ends: int
    also_found: int
    sensitivity: float
    lower: float
    upper: float
    beta_a: int
    beta_b: int
    second_only: list[str] = field(default_factory=list)


def search_sensitivity(table: pd.DataFrame, proto: Protocol, alpha: float = 0.05) -> SearchSensitivity:
    """Sensitivity of the search for ends, from the independent second pass.

    Of the second-pass sample's ties with an end documented by the second pass, the share whose end
    was also documented by the first round or the protocol's primary pass (any end row, also one
    dated before the tie's shock, ``end_found_early``), with an exact
    (Clopper–Pearson) interval and the Beta(x + 1, n - x + 1) posterior (uniform prior) used by
    :func:`corrected_share`.

    Parameters
    ----------
    table : DataFrame
        :func:`load_cohort_protocol` output (every family concatenated).
    proto : Protocol
        The protocol's tables.
    alpha : float
        1 - confidence level of the interval.

    Returns
    -------
    SearchSensitivity
        ``sample`` (ties drawn), ``searched`` (with a second-pass query), ``second_ends`` (n),
        ``also_found`` (x), ``sensitivity``, ``lower``, ``upper``, ``beta_a``, ``beta_b``,
        ``second_only`` (the tie ids found only by the second pass).
    """
    samp = set(proto.second_sample["tie_id"]) if len(proto.second_sample) else set()
    f = proto.findings
    sec = f[(f["pass"] == "second") & f["tie_id"].isin(samp)] if len(f) else f
    searched = set(proto.log.loc[proto.log["pass"] == "second", "tie_id"].dropna()) & samp if len(proto.log) else set()
    ends = set(sec.loc[sec["event"].isin(list(END_EVENTS)), "tie_id"]) if len(sec) else set()
    by = table.drop_duplicates("tie_id").set_index("tie_id")["end_found_early"]
    found = {t for t in ends if bool(by.get(t, False))}
    n, x = len(ends), len(found)
    lo, hi = clopper_pearson(x, n, alpha)
    return SearchSensitivity(sample=len(samp), searched=len(searched), second_ends=n, also_found=x,
                             sensitivity=x / n if n else np.nan, lower=lo, upper=hi, beta_a=x + 1, beta_b=n - x + 1,
                             second_only=sorted(ends - found))


@random_state_arg()
def corrected_share(n: int, documented: int, detected_by_primary: int, beta_a: float, beta_b: float, *,
                    draws: int = 2000, random_state: int | np.random.Generator | None = None,
                    alpha: float = 0.05) -> dict[str, float]:
    """Share ended corrected for imperfect detection, by multiple imputation.

    Each imputation draws the search's sensitivity ``s ~ Beta(beta_a, beta_b)``; the true number of
    ends is then ``detected_by_primary / s`` (the ends the primary search and earlier rounds found,
    scaled up), so each of the ``n - documented`` ties without a documented end gets an end with
    probability ``p = (detected_by_primary / s - documented) / (n - documented)`` (clipped to [0, 1]);
    the imputed ends are drawn as Bernoulli(p).  The pooled share is the mean over imputations; the
    interval combines the imputations by Rubin's rules (within variance ``q (1 - q) / n``, normal
    approximation) and, separately, as the percentiles of the pooled draws.

    Parameters
    ----------
    n : int
        Ties at risk.
    documented : int
        Ties with a documented end (any round).
    detected_by_primary : int
        Of those, ends documented by the primary search or earlier rounds (what the sensitivity refers to).
    beta_a, beta_b : float
        Posterior of the sensitivity (e.g. from :func:`search_sensitivity`).
    draws : int
        Number of imputations.
    random_state : int or Generator, optional
        Seed.
    alpha : float
        1 - level of both intervals.

    Returns
    -------
    dict
        ``share`` (pooled), ``rubin_lower``/``rubin_upper``, ``pct_lower``/``pct_upper``,
        ``within_var``, ``between_var``, ``draws``, ``mean_p`` (mean imputation probability).

    Examples
    --------
    A sensitivity known to be one half (a very peaked Beta): 20 of 100 ties found means about 40.

    >>> r = corrected_share(100, 20, 20, 50000, 50000, draws=4000, random_state=1)
    >>> round(r["share"], 2)
    0.4
    """
    rng = np.random.default_rng(random_state)
    s = rng.beta(beta_a, beta_b, size=draws)
    rest = n - documented
    p = np.clip((detected_by_primary / np.maximum(s, 1e-12) - documented) / max(rest, 1), 0.0, 1.0)
    q = (documented + rng.binomial(rest, p)) / n
    w = q * (1 - q) / n
    qbar, wbar, b = float(q.mean()), float(w.mean()), float(q.var(ddof=1)) if draws > 1 else 0.0
    total = wbar + (1 + 1 / draws) * b
    z = float(stats.norm.ppf(1 - alpha / 2))
    return {"share": qbar, "rubin_lower": max(0.0, qbar - z * np.sqrt(total)),
            "rubin_upper": min(1.0, qbar + z * np.sqrt(total)),
            "pct_lower": float(np.quantile(q, alpha / 2)), "pct_upper": float(np.quantile(q, 1 - alpha / 2)),
            "within_var": wbar, "between_var": b, "draws": draws, "mean_p": float(p.mean())}


def _provenance(sources: pd.Series) -> dict[str, pd.Series]:
    """The provenance flags of a sample's ``sources`` column (``;``-joined dataset names)."""
    src = sources.fillna("")
    return {"in_wikidata_crawl_2016": src.str.contains("wikidata-crawl-2016"),
            "in_germany_register_2015": src.str.contains("germany-partnerships-2015"),
            "in_wikipedia_2026": src.str.contains("wikipedia-lists-2026")}


def _searched_sample(t: pd.DataFrame, pass_name: str, proto: Protocol, shocks: pd.DataFrame | None, dates: str,
                     maintained_after: pd.Timestamp | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """:func:`~twingraph.cohorts.cohort_table` of a sample searched by the pass ``pass_name``.

    ``t`` holds ``cohort``, the key columns, provenance flags and ``sample_tie_id``; outcomes are the
    pass's findings (``listed_undated`` left out; ``maintained`` only dated after ``maintained_after``
    when given); a tie is searched when a logged query of the pass names it.  Returns the table (with
    ``sample_tie_id``), the pass's log rows and the table's tie keys.
    """
    t = t.assign(tie_key=_key(t))
    f = proto.findings
    if len(f):
        f = f[(f["pass"] == pass_name) & (f["event"] != "listed_undated") & f["tie_key"].isin(set(t["tie_key"]))]
    if len(f) and maintained_after is not None:
        f = f[~((f["event"] == "maintained")
                & ~_post_shock(f["date"], f["date_precision"], pd.Series(maintained_after, index=f.index)))]
    o = f if len(f) else pd.DataFrame(columns=[*KEY, "event", "date", "date_precision", "source", "tie_key"])
    log = proto.log
    plog = log[log["pass"] == pass_name] if len(log) else log
    searched = t[t["sample_tie_id"].isin(set(plog["tie_id"].dropna()))] if len(plog) else t.iloc[:0]
    s = searched.assign(searched_on=str(PROTOCOL_DATE.date()), queries="protocol", result="protocol search")
    tab = cohort_table(t, o, s, shocks=shocks, dates=dates, unresearched="report")
    keys = tab["tie_id"].str.split("|", n=1).str[1]
    tab["sample_tie_id"] = keys.map(t.set_index("tie_key")["sample_tie_id"]).to_numpy()
    return tab, plog, keys


#: Cohort label of each comparison group (``cohort_table`` dates its shock from the ``russia-2022`` prefix).
COMPARISON_GROUPS: Final = {"western-town-non-russian-partner": "russia-2022-comparison-western",
                            "russian-place-non-sanctioning-partner": "russia-2022-comparison-russian"}


@renamed_arguments(convention="dates")
def comparison_cohort(proto: Protocol, *, shocks: pd.DataFrame | None = None,
                      dates: str = "midpoint") -> pd.DataFrame:
    """The comparison sample followed through the same attestation and searches as the Russia cohort.

    Ties of ``comparison_sample.csv`` (attested by the 2016 crawl or the 2015 German register: the
    Western cohort towns' ties with non-Russian partners, Russian places' ties with partners in
    non-sanctioning countries), with the findings of the ``comparison`` pass matched by place names
    and countries (a namesake with another country does not match), the same strict "maintained"
    rule, and the time origin of the Russia cohort (24 February 2022).  Ties not yet searched have
    status ``"not researched"``.

    Parameters
    ----------
    proto : Protocol
        The protocol's tables.
    shocks : DataFrame, optional
        Shock registry; default :func:`twingraph.shocks.load_shocks`.
    dates : str
        Resolution of partial dates (:func:`~twingraph.cohorts.cohort_table`).

    Returns
    -------
    DataFrame
        :func:`~twingraph.cohorts.cohort_table` columns plus ``group``, ``sample_tie_id``,
        ``n_queries_protocol`` (the comparison pass's S1 queries naming the tie, S2 queries on its
        town B and S3 queries on its town A), ``protocol_complete`` (all three ran) and ``hits``.
    """
    samp = proto.comparison_sample
    if samp.empty:
        return pd.DataFrame()
    samp = samp.copy()
    rus = samp["group"].str.startswith("russian")
    samp.loc[rus & samp["country_a"].isna(), "country_a"] = "RUS"  # the sample's Russian side (e.g. Jelabuga)
    t = samp.assign(cohort=samp["group"].map(COMPARISON_GROUPS), **_provenance(samp["sources"]))
    t = t[["cohort", *KEY, "in_wikidata_crawl_2016", "in_germany_register_2015", "in_wikipedia_2026", "tie_id",
           "group"]].rename(columns={"tie_id": "sample_tie_id"})
    tab, clog, keys = _searched_sample(t, "comparison", proto, shocks, dates,
                                       maintained_after=_shock_dates(shocks)["russia-invasion-2022"])
    tab["group"] = keys.map(t.set_index(_key(t))["group"]).to_numpy()
    # effort as for the cohort: S1 naming the tie, S2 on its town B, S3 on its town A (comparison pass only)
    q1 = tab["sample_tie_id"].map(clog.groupby("tie_id").size() if len(clog) else {}).fillna(0).astype(int)
    q2, q3 = _town_queries(clog, "S2", "b", tab["city_b"]), _town_queries(clog, "S3", "a", tab["city_a"])
    tab["n_queries_protocol"] = q1 + q2 + q3
    tab["protocol_complete"] = (q1 > 0) & (q2 > 0) & (q3 > 0)
    allf = proto.findings
    hits = allf[allf["pass"] == "comparison"].groupby("tie_key").size() if len(allf) else pd.Series(dtype=int)
    tab["hits"] = keys.map(hits).fillna(0).astype(int).to_numpy()
    return tab


def protocol_coverage(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Does every cohort tie have a documented outcome or a protocol-complete search log?

    Parameters
    ----------
    tables : dict of str to DataFrame
        Cohort family -> :func:`load_cohort_protocol` table.

    Returns
    -------
    DataFrame
        One row per family and one ``all`` row: ``ties``, ``documented_end`` (suspended or
        terminated), ``protocol_complete`` (S1, S2 and S3 all ran), ``complete_without_end`` (the
        ties whose "no documented end" rests on a complete search), ``neither`` (no documented end
        and an incomplete search: the issue's criterion asks for 0) and ``n_queries_protocol`` (mean
        protocol queries per tie).

    Examples
    --------
    >>> t = pd.DataFrame({"status": ["suspended", "no documented change", "maintained"],
    ...                   "protocol_complete": [False, True, False], "n_queries_protocol": [1, 3, 1]})
    >>> protocol_coverage({"x": t}).loc[0, ["documented_end", "complete_without_end", "neither"]].tolist()
    [1, 1, 1]
    """
    rows = []
    for name, t in [*tables.items(), ("all", pd.concat(list(tables.values()), ignore_index=True))]:
        ended = t["status"].isin(list(END_EVENTS))
        complete = t["protocol_complete"].astype(bool)
        rows.append({"family": name, "ties": len(t), "documented_end": int(ended.sum()),
                     "protocol_complete": int(complete.sum()), "complete_without_end": int((complete & ~ended).sum()),
                     "neither": int((~complete & ~ended).sum()),
                     "n_queries_protocol": float(t["n_queries_protocol"].mean()) if len(t) else np.nan})
    return pd.DataFrame(rows)


@renamed_arguments(convention="dates")
def state_law_sample_cohort(proto: Protocol, *, shocks: pd.DataFrame | None = None,
                            dates: str = "midpoint") -> pd.DataFrame:
    """The US ties with partners in the state laws' countries that no cohort holds, as searched.

    ``state_law_sample.csv`` lists every US tie of the 2026 lists and the 2016 crawl with a partner in
    CHN, CUB, IRN, PRK, RUS or VEN that is in no cohort file; each was given the tie-specific query
    (S1, pass ``state-law``), so that ends in law states and in other states rest on the same search
    (:func:`~twingraph.cohorts.us_partner_ties` reads this table beside the cohorts').

    Parameters
    ----------
    proto : Protocol
        From :func:`read_protocol`.
    shocks : DataFrame, optional
        Shock registry; default :func:`twingraph.shocks.load_shocks`.
    dates : {"earliest", "midpoint", "latest"}
        How a partial end date becomes a day.

    Returns
    -------
    DataFrame
        :func:`~twingraph.cohorts.cohort_table` columns (cohort ``us-partners``, no shock) plus
        ``sample_tie_id`` and ``n_queries_protocol``; ties without a logged query are ``not
        researched``.  Empty when the sample file is absent.
    """
    samp = proto.state_law_sample
    if samp.empty:
        return pd.DataFrame()
    flags = _provenance(samp["sources"])
    t = samp.assign(cohort="us-partners", in_wikidata_crawl_2016=flags["in_wikidata_crawl_2016"],
                    in_wikipedia_2026=flags["in_wikipedia_2026"])
    t = t[["cohort", *KEY, "subdivision_a", "in_wikidata_crawl_2016", "in_wikipedia_2026", "tie_id"]].rename(
        columns={"tie_id": "sample_tie_id"})
    tab, slog, _ = _searched_sample(t, "state-law", proto, shocks, dates)
    n = slog.groupby("tie_id").size() if len(slog) else pd.Series(dtype=int)
    tab["n_queries_protocol"] = tab["sample_tie_id"].map(n).fillna(0).astype(int)
    return tab
