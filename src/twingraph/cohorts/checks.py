"""Checks of the shock estimates: corrected shares, the comparison cohort, state laws and their power.

* :func:`corrected_shares`: the share ended three ways (documented; corrected for the search's
  measured sensitivity by multiple imputation; the bounds), pooled and per partner country.
* :func:`group_shares` and :func:`comparison_hazard`: the Russia cohort against the comparison groups
  (share ended with exact intervals; a Cox hazard ratio with dyadic-robust SEs, or Firth's penalised
  estimate with a profile-likelihood interval where no comparison tie ended).
* :func:`state_law_table` and :func:`power_two_proportions`: ends in US states with a law against
  ties with named countries, before and after the law, against the other states; the sample size an
  estimate would need.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from ..randomness import int_seed, random_state_arg
from ..survival import FirthCoxPH
from .models import fit_cox
from .protocol import PROTOCOL_DATE, SearchSensitivity, clopper_pearson, corrected_share

ENDED = ("suspended", "terminated")


def _at_risk(table: pd.DataFrame) -> pd.DataFrame:
    return table[~table["ended_before_shock"].astype(bool) & (table["status"] != "not researched")]


@random_state_arg()
def corrected_shares(table: pd.DataFrame, sensitivity: SearchSensitivity, *, by: str | None = "partner",
                     draws: int = 2000, random_state: Any = 0, alpha: float = 0.05) -> pd.DataFrame:
    """Share ended by the search date three ways, pooled and per value of ``by``.

    Parameters
    ----------
    table : DataFrame
        :func:`~twingraph.cohorts.load_cohort_protocol` rows (ties that ended before the shock and
        ties not researched are left out).
    sensitivity : SearchSensitivity
        :func:`~twingraph.cohorts.search_sensitivity` output (one pooled sensitivity: the second pass
        is too small to measure it per country).
    by : str, optional
        Column to split by (e.g. the partner country).
    draws, random_state
        Imputations, and the seed (int, Generator or None) whose integer value plus the set's number
        seeds :func:`~twingraph.cohorts.corrected_share` for each set.
    alpha : float
        1 - confidence level of the intervals.

    Returns
    -------
    DataFrame
        ``set``, ``n``, ``documented`` (ties with a documented end from any round),
        ``documented_by_primary`` (by the first round or the protocol's primary pass),
        ``share_documented`` with its exact interval, ``share_corrected`` with Rubin and percentile
        intervals, ``bound_upper`` (every tie without a documented change ended; ``maintained`` and
        ``announced`` ties stay), ``no_documented_change``, ``sensitivity`` and its interval,
        ``draws``, ``seed``.
    """
    base = int_seed(random_state)
    t = _at_risk(table)
    sets = {"all": t}
    if by is not None:
        sets.update({str(k): g for k, g in sorted(t.groupby(by), key=lambda kv: str(kv[0]))})
    rows = []
    for i, (name, g) in enumerate(sets.items()):
        n = len(g)
        ended = g["status"].isin(ENDED)
        d = int(ended.sum())
        dp = int((ended & g["end_first_round_or_primary"].astype(bool)).sum())
        nochange = int((g["status"] == "no documented change").sum())
        lo, hi = clopper_pearson(d, n, alpha)
        mi = corrected_share(n, d, dp, sensitivity.beta_a, sensitivity.beta_b, draws=draws,
                             random_state=base + i, alpha=alpha)
        rows.append({"set": name, "n": n, "documented": d, "documented_by_primary": dp,
                     "share_documented": d / n, "documented_lower": lo, "documented_upper": hi,
                     "share_corrected": mi["share"], "corrected_rubin_lower": mi["rubin_lower"],
                     "corrected_rubin_upper": mi["rubin_upper"], "corrected_pct_lower": mi["pct_lower"],
                     "corrected_pct_upper": mi["pct_upper"], "bound_lower": d / n,
                     "bound_upper": (d + nochange) / n, "no_documented_change": nochange,
                     "sensitivity": sensitivity.sensitivity, "sensitivity_lower": sensitivity.lower,
                     "sensitivity_upper": sensitivity.upper, "draws": draws, "seed": base + i})
    return pd.DataFrame(rows)


def group_shares(groups: dict[str, pd.DataFrame], alpha: float = 0.05) -> pd.DataFrame:
    """Share of researched ties with a documented end after the shock, per group, with exact intervals.

    Parameters
    ----------
    groups : dict of str to DataFrame
        Group name -> cohort table rows.
    alpha : float
        1 - confidence level.

    Returns
    -------
    DataFrame
        ``group``, ``n`` (researched, at risk), ``not_researched``, ``ended``, ``share_ended``,
        ``lower``, ``upper``, ``maintained`` (explicit post-shock statement), ``no_documented_change``,
        and the list-loss baseline: ``pre_shock`` ties, ``absent_2026`` (missing from the February 2026
        Wikipedia lists), ``absent_2026_share`` with its exact interval (``absent_lower``/``absent_upper``).
    """
    rows = []
    for name, g in groups.items():
        t = _at_risk(g)
        e = int(t["status"].isin(ENDED).sum())
        lo, hi = clopper_pearson(e, len(t), alpha)
        rows.append({"group": name, "n": len(t), "not_researched": int((g["status"] == "not researched").sum()),
                     "ended": e, "share_ended": e / len(t) if len(t) else np.nan, "lower": lo, "upper": hi,
                     "maintained": int(t["status"].str.startswith("maintained").sum()),
                     "no_documented_change": int((t["status"] == "no documented change").sum()),
                     **_absent(g, alpha)})
    return pd.DataFrame(rows)


def _absent(g: pd.DataFrame, alpha: float) -> dict[str, Any]:
    """List-loss baseline: pre-shock ties missing from the 2026 lists (absence is not an end)."""
    pre = g[g["pre_shock"].astype(bool)] if "pre_shock" in g else g.iloc[:0]
    k = int(pre["absent_2026"].astype(bool).sum()) if len(pre) else 0
    lo, hi = clopper_pearson(k, len(pre), alpha)
    return {"pre_shock": len(pre), "absent_2026": k, "absent_2026_share": k / len(pre) if len(pre) else np.nan,
            "absent_lower": lo, "absent_upper": hi}


def comparison_hazard(surv: pd.DataFrame, covariate: str, model: str, *,
                      dyad: tuple[str, str] = ("cluster_a", "cluster_b")) -> pd.DataFrame:
    """Hazard ratio of ``covariate`` (0/1) with dyadic-robust SEs; Firth's estimate when that is infinite.

    Parameters
    ----------
    surv : DataFrame
        Survival table (``duration`` in days, ``event``, the covariate and the dyad columns).
    covariate : str
        0/1 column.
    model : str
        Model label of the rows.
    dyad : tuple of (str, str)
        Endpoint cluster columns for the dyadic-robust SEs.

    Returns
    -------
    DataFrame
        One or two rows of :func:`~twingraph.cohorts.fit_cox` columns (``method`` = ``"Cox, dyadic
        SEs"`` and, when the Cox fit is not estimable, ``"Firth, profile likelihood"``: the penalised
        estimate, finite under a monotone likelihood; its interval is likelihood-based, not robust).
    """
    cox = fit_cox(surv, [covariate], model=model, dyad=dyad).assign(method="Cox, dyadic SEs")
    if cox["status"].iloc[0] == "fitted":
        return cox
    if surv[covariate].nunique() < 2 or surv["event"].sum() == 0:
        return cox
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            f = FirthCoxPH().fit(surv.assign(_dur=surv["duration"] / 365.25), "_dur", "event", [covariate])
        except ValueError:
            return cox
    s = f.summary.loc[covariate]
    firth = {"model": model, "covariate": covariate, "n": len(surv), "events": int(surv["event"].sum()),
             "clusters": np.nan, "se_type": "profile penalised likelihood", "coef": float(s["coef"]),
             "se": float(s["se"]), "hazard_ratio": float(s["hazard_ratio"]), "hr_lower": float(s["hr_lower"]),
             "hr_upper": float(s["hr_upper"]), "p": float(s["p"]), "status": "fitted",
             "method": "Firth, profile likelihood"}
    return pd.concat([cox, pd.DataFrame([firth])], ignore_index=True)


def state_law_table(ties: pd.DataFrame, laws: pd.DataFrame, *, state_col: str = "state",
                    ended_col: str = "ended", end_col: str = "end_date", country_col: str = "country_b",
                    observed: pd.Timestamp = PROTOCOL_DATE,
                    universe: Sequence[str] = ("CHN", "CUB", "IRN", "PRK", "RUS", "VEN", "SYR")) -> pd.DataFrame:
    """Ends in states with a law against ties with named countries vs the other states, before and after.

    For each law (a row of ``laws``: ``state``, ``date_effective`` (or ``date_signed``) and
    ``countries``, ``;``-separated ISO3), the US ties with partners in those countries are split into
    the law state and all other states (a law without a date, or naming none of ``universe``, gets
    one row saying so); ends (``ended_col`` true) are counted before the law's date
    (from the same number of days before it, so both windows are equally long, or from the
    earliest end when the law is recent) and after it (up to ``observed``), by the end's period
    (``end_first``/``end_last`` when given, else ``end_col``): an end with no date, or whose period
    contains the law's date ("2025" against a law of September 2025), counts in neither window but
    in ``ended_undated``.

    Parameters
    ----------
    ties : DataFrame
        US ties (e.g. :func:`us_partner_ties`).
    laws : DataFrame
        State laws (``state``, ``instrument``, ``date_effective`` or ``date_signed``, ``countries``).
    state_col, ended_col, end_col, country_col : str
        Columns of ``ties``: state, ended flag, end date, partner country.
    observed : pandas.Timestamp
        End of the after window.
    universe : sequence of str
        ISO3 codes a law's countries are matched against.

    Returns
    -------
    DataFrame
        ``law_state``, ``instrument``, ``date``, ``countries``, ``side`` (``law state`` / ``other
        states``), ``ties``, ``ended_before``, ``ended_after``, ``ended_undated``, ``window_days``,
        ``share_after`` (ended after / ties not ended before).
    """
    rows = []
    ends = pd.to_datetime(ties[end_col], errors="coerce")
    first = pd.to_datetime(ties["end_first"], errors="coerce") if "end_first" in ties else ends
    last = pd.to_datetime(ties["end_last"], errors="coerce") if "end_last" in ties else ends
    for law in laws.itertuples():
        when = getattr(law, "date_effective", None) or getattr(law, "date_signed", None)
        cc = [c for c in dict.fromkeys(re.findall(r"\b[A-Z]{3}\b", str(law.countries))) if c in universe]
        if not isinstance(when, str) or not when or not cc:
            rows.append({"law_state": law.state, "instrument": law.instrument, "date": None,
                         "countries": ";".join(cc), "side": "not used: no date or no listed country"})
            continue
        date = pd.Timestamp(when)
        sel = ties[country_col].isin(cc)
        window = (observed - date).days
        for side, mask in (("law state", ties[state_col] == law.state), ("other states", ties[state_col] != law.state)):
            m = sel & mask & ties[state_col].notna()
            e = m & ties[ended_col].astype(bool)
            before = e & (last < date) & (first >= date - pd.Timedelta(days=window))
            after = e & (first >= date)
            undated = e & (first.isna() | ((first < date) & (last >= date)))  # no date, or a period across the law
            at_risk = int(m.sum() - (e & (last < date)).sum())
            rows.append({"law_state": law.state, "instrument": law.instrument, "date": date.date().isoformat(),
                         "countries": ";".join(cc), "side": side, "ties": int(m.sum()),
                         "ended_before": int(before.sum()), "ended_after": int(after.sum()),
                         "ended_undated": int(undated.sum()), "window_days": window,
                         "share_after": after.sum() / at_risk if at_risk else np.nan})
    return pd.DataFrame(rows)


def power_two_proportions(p1: float, p2: float, *, alpha: float = 0.05, power: float = 0.8,
                          ratio: float = 1.0) -> int:
    """Ties needed in the first group (``ratio`` times as many in the second) to detect ``p1`` vs ``p2``.

    Two-sided test of two proportions, normal approximation with the pooled variance under the null
    (Fleiss, Levin & Paik 2003, eq. 4.14, without continuity correction).

    Parameters
    ----------
    p1, p2 : float
        Proportions of the two groups.
    alpha : float
        Two-sided significance level.
    power : float
        Power.
    ratio : float
        Size of the second group over the first.

    Returns
    -------
    int
        Size of the first group (rounded up).

    Examples
    --------
    >>> power_two_proportions(0.5, 0.25)
    58
    """
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(power)
    pbar = (p1 + ratio * p2) / (1 + ratio)
    num = za * np.sqrt((1 + 1 / ratio) * pbar * (1 - pbar)) + zb * np.sqrt(p1 * (1 - p1) + p2 * (1 - p2) / ratio)
    return int(np.ceil(num ** 2 / (p1 - p2) ** 2))


def degree_models(surv: pd.DataFrame, fits: Sequence[tuple[str, Sequence[str]]], *, partner_col: str | None = "partner",
                  dyad: tuple[str, str] = ("cluster_a", "cluster_b")) -> pd.DataFrame:
    """Several Cox models of the same ties with dyadic-robust SEs, complete cases per model, stacked.

    With ``partner_col`` each model also has partner-country dummies
    (:func:`~twingraph.cohorts.fit_cox_partners`), as the main model of experiment 08.

    Parameters
    ----------
    surv : DataFrame
        Survival table.
    fits : sequence of (str, sequence of str)
        Model name and its covariates.
    partner_col : str, optional
        Partner-country column for the dummies; None for none.
    dyad : tuple of (str, str)
        Endpoint cluster columns for the dyadic-robust SEs.

    Returns
    -------
    DataFrame
        The models' :func:`~twingraph.cohorts.fit_cox` rows, stacked.
    """
    from .models import fit_cox_partners

    parts = []
    for name, cov in fits:
        d = surv.dropna(subset=list(cov))
        parts.append(fit_cox_partners(d, list(cov), partner_col=partner_col, model=name, dyad=dyad)
                     if partner_col else fit_cox(d, list(cov), model=name, dyad=dyad))
    return pd.concat(parts, ignore_index=True)


def us_partner_ties(data: Any, researched: pd.DataFrame, countries: Sequence[str]) -> pd.DataFrame:
    """Every US tie of ``data`` with a partner in ``countries``, its state and its researched outcome.

    Parameters
    ----------
    data : TwinData
        A dataset with coordinates (e.g. the 2026 lists merged with the 2016 crawl by
        :func:`twingraph.merge`): one row per distinct pair of places.
    researched : DataFrame
        :func:`~twingraph.cohorts.load_cohort_protocol` rows (US side = side a); matched on the
        normalised names of both places and the partner's country.
    countries : sequence of str
        ISO3 codes of the partner countries.

    Returns
    -------
    DataFrame
        ``city_a``, ``city_b``, ``country_b``, ``state`` (the place's subdivision, else reverse
        geocoding by :func:`~twingraph.cohorts.us_states`), ``sources``, ``researched`` (a cohort
        tie with an outcome or a search), ``status``, ``ended``, ``end_date`` (resolved day; NaT
        when undated or not ended).
    """
    from .models import us_states
    from .outcomes import normalize_place_name

    pl = data.places.set_index("place_id")
    sp = data.spells.drop_duplicates(["a", "b"])
    ca, cb = sp["a"].map(pl["country"]), sp["b"].map(pl["country"])
    us_a = (ca == "USA") & cb.isin(countries)
    us_b = (cb == "USA") & ca.isin(countries)
    us = pd.concat([sp[us_a].assign(u=sp["a"], o=sp["b"]), sp[us_b].assign(u=sp["b"], o=sp["a"])])
    us = us.drop_duplicates(["u", "o"])
    out = pd.DataFrame({"city_a": us["u"].map(pl["name"]).to_numpy(), "city_b": us["o"].map(pl["name"]).to_numpy(),
                        "country_b": us["o"].map(pl["country"]).to_numpy(),
                        "sources": us["source"].to_numpy() if "source" in us else None})
    geo = us_states(us["u"].map(pl["lat"]).to_numpy(float), us["u"].map(pl["lon"]).to_numpy(float)).to_numpy()
    sub = us["u"].map(pl["subdivision"]).to_numpy()
    out["state"] = [s if isinstance(s, str) and s else g for s, g in zip(sub, geo)]
    r = researched[researched["country_a"] == "USA"]
    r = r.assign(_k=r["city_a"].map(normalize_place_name) + "|" + r["city_b"].map(normalize_place_name) + "|"
                 + r["country_b"])
    r = r[r["status"] != "not researched"].drop_duplicates("_k").set_index("_k")
    k = out["city_a"].map(normalize_place_name) + "|" + out["city_b"].map(normalize_place_name) + "|" + out["country_b"]
    out["researched"] = k.isin(r.index)
    out["status"] = k.map(r["status"]).fillna("not researched")
    out["ended"] = out["status"].isin(ENDED)
    out["end_date"] = pd.to_datetime(k.map(r["end_resolved"]), errors="coerce").where(out["ended"])
    # the end's period (a year-precision end can straddle a law's date)
    from ..dates import resolve_dates
    d, prec = k.map(r["end_date"]), k.map(r["end_precision"]).fillna("unknown")
    dd = d.where(out["ended"])
    out["end_first"] = pd.to_datetime(pd.Series(resolve_dates(dd, prec, "earliest")), errors="coerce")
    out["end_last"] = pd.to_datetime(pd.Series(resolve_dates(dd, prec, "latest")), errors="coerce")
    return out.sort_values(["country_b", "state", "city_a", "city_b"], na_position="last").reset_index(drop=True)
