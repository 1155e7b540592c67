"""Did ties with a Russian place end after the 2022 invasion? KM, log-rank, competing risks, Cox.

Data: the curated registry (56 ties, each fact citing a source; src/twingraph/data/CURATED.md).
Shock: ``russia-invasion-2022`` (2022-02-24); exposed = a tie between a Russian place and a place
abroad (``tg.default_rules``).

Design, stated so a reader can disagree with it
-----------------------------------------------
* **Time scale**: years (plotted as months) since the shock (``origin="window"``).  A tie enters
  at the shock, or at its start if it was signed later (left truncation); it is right-censored at
  the registry's data date ``data.observed``.  Event = any end (suspended, terminated, lapsed);
  first exit wins (Dallas–Saratov: suspended 2022-03, terminated 2025 -> suspended).
* **Unknown starts**: 5 of the 7 exposed ties have no signing date in the sources.  On this time
  scale the start does not matter once a tie is known to exist at the shock, and a tie that was
  suspended or ended after the shock did exist then.  ``tg.counting_process`` nevertheless drops
  every spell without a start (``unknown-start``), so those spells get ``start = shock date`` here
  (only spells whose end is after the shock).  Spells with unknown start *and* unknown end stay
  out.
* **Partial dates**: primary convention ``midpoint``.  An end known only to its year or month is
  put in the middle of the period.  ``earliest`` would date Dallas–Tianjin ("terminated 2025",
  attributed to Texas HB 128 of June 2025) to 2025-01-01, before its own cause.  ``midpoint``
  puts it on 2025-07-02, after the data date, so it is censored there.  The other conventions are
  in the CSVs as a sensitivity check.
* **Cox**: (A) on the same time scale, exposure from ``tg.exposure_dates``, which switches on at
  the shock; (B) on the duration scale (years since signing) over the whole history, with the
  exposure time-varying (0 before the shock, 1 after).  B uses only ties with a known start.
  SEs: model-based, and clustered by the tie's *hub* place, meaning the endpoint with more ties in
  the registry (Coventry, Alberta, Dallas...; ties broken by place_id).  The Cox estimate of a 0/1
  covariate is infinite (monotone partial likelihood) unless some end in each group happens while
  the other group has a tie at risk.  That is checked before fitting; if it fails, the model is
  reported as not estimable, together with an exact conditional test of the Poisson rate ratio
  (binomial split of the events by tie-years, assuming constant hazards).

Selection: the registry was built from press and encyclopaedia reports, largely reports of breaks.
Ties with a Russian place are in it *because* they were suspended or ended, so every exposed tie has
an event by construction.  The estimates below describe this registry, not population rates.
"""

import textwrap
import warnings

import numpy as np
import pandas as pd
from scipy import stats
from _setup import FIGURES, dataset, save, stamp

import matplotlib.pyplot as plt
import twingraph as tg

SHOCK_ID = "russia-invasion-2022"
PRIMARY = "midpoint"
CONVENTIONS = ("earliest", "midpoint", "latest")
MONTH = 12.0  # plot in months: time_years * 12

data = dataset("curated")
OBS = pd.Timestamp(data.observed)
shocks = tg.load_shocks()
rule = next(r for r in tg.default_rules(shocks) if r.shock_id == SHOCK_ID)
D = pd.Timestamp(shocks.loc[shocks["event_id"] == SHOCK_ID, "date"].iloc[0])
COV = rule.name
exposed = tg.exposure(data, rule)
exp_dates = tg.exposure_dates(data, [rule], shocks)
print(f"shock {SHOCK_ID} on {D.date()}, data date {OBS.date()}; {int(exposed.sum())} exposed spells "
      f"(undetermined: {exposed.attrs['undetermined']}); exposure_dates rows: {len(exp_dates)}")

# --- unknown starts of ties that ended after the shock: they existed at the shock -------------------
spells = data.spells.copy()
ends_after = spells["end_status"].isna() | (spells["end"] > D)  # first day of the end period > D
impute = spells["start"].isna() & spells["end"].notna() & ends_after
spells.loc[impute, ["start", "start_precision"]] = [D, "day"]
imputed = spells.loc[impute, "spell_id"].tolist()
print(f"start := shock date for {len(imputed)} spells with unknown start that ended after the shock "
      f"({int(exposed.reindex(imputed).sum())} of them exposed)")

# hub place of each tie: the endpoint with more ties in the registry (cluster for robust SEs)
ties_per_place = pd.concat([data.spells.drop_duplicates("tie_id")[c] for c in ("a", "b")]).value_counts()


def hub(df: pd.DataFrame) -> pd.Series:
    da, db = df["a"].map(ties_per_place), df["b"].map(ties_per_place)
    return df["a"].where((da > db) | ((da == db) & (df["a"] <= df["b"])), df["b"])


def window_table(conv: str) -> pd.DataFrame:
    cp = tg.counting_process(spells, origin="window", window_start=D, observed=OBS, exposures=exp_dates,
                             date_convention=conv)
    cp["hub"] = hub(cp)
    return cp


def group_of(cp: pd.DataFrame) -> pd.Series:
    per_spell = cp.groupby("id")[COV].max()
    return cp["id"].map(per_spell).astype(int)


def exact_rate_ratio(cp: pd.DataFrame) -> dict:
    """Exact conditional test of the Poisson rate ratio exposed/unexposed (constant hazards)."""
    py = (cp["stop"] - cp["start"]).groupby(cp[COV]).sum()
    ev = cp.groupby(COV)["event"].sum()
    x1, x0 = int(ev.get(1.0, 0)), int(ev.get(0.0, 0))
    py1, py0 = float(py.get(1.0, 0.0)), float(py.get(0.0, 0.0))
    n = x1 + x0
    lo_p = stats.beta.ppf(0.025, x1, n - x1 + 1) if x1 > 0 else 0.0
    hi_p = stats.beta.ppf(0.975, x1 + 1, n - x1) if x1 < n else 1.0
    to_rr = lambda p: np.inf if p >= 1 else p / (1 - p) * py0 / py1  # noqa: E731
    p_val = stats.binomtest(x1, n, py1 / (py1 + py0)).pvalue
    rr = (x1 / py1) / (x0 / py0) if x0 > 0 else np.inf
    return {"coef": np.log(rr) if np.isfinite(rr) else np.inf, "se": np.nan, "hazard_ratio": rr,
            "hr_lower": to_rr(lo_p), "hr_upper": to_rr(hi_p), "p": p_val,
            "tie_years_exposed": py1, "tie_years_unexposed": py0, "events_exposed": x1, "events_unexposed": x0}


def monotone(cp: pd.DataFrame) -> str | None:
    """Why the Cox MLE of a 0/1 covariate is infinite, or None if it is finite.

    It is finite iff some exposed end has an unexposed row at risk at that time and some unexposed end
    has an exposed row at risk (risk set: rows with start < t <= stop).  Otherwise the partial
    likelihood rises towards beta -> +inf (or -inf).
    """
    x, st, sp = cp[COV].to_numpy(), cp["start"].to_numpy(), cp["stop"].to_numpy()
    found = {0.0: False, 1.0: False}
    for t, xi in zip(sp[cp["event"] == 1], x[cp["event"] == 1]):
        other = (st < t) & (sp >= t) & (x != xi)
        found[xi] |= bool(other.any())
    if found[0.0] and found[1.0]:
        return None
    if not found[0.0]:
        return "no unexposed end while an exposed tie is at risk (HR -> infinity)"
    return "no exposed end while an unexposed tie is at risk (HR -> 0)"


def cox_rows(cp: pd.DataFrame, model: str, conv: str) -> list[dict]:
    ev = cp.groupby(COV)["event"].sum()
    base = {"model": model, "date_convention": conv, "covariate": COV,
            "n_spells": cp["id"].nunique(), "n_episodes": len(cp), "events": int(cp["event"].sum()),
            "events_exposed": int(ev.get(1.0, 0)), "events_unexposed": int(ev.get(0.0, 0)),
            "clusters": np.nan}
    why = monotone(cp)
    if why:
        with warnings.catch_warnings():  # tg.CoxPH detects it too (NotEstimableWarning) and reports no HR
            warnings.simplefilter("ignore")
            f = tg.CoxPH().fit(cp, covariates=[COV], cluster="hub").summary.loc[COV]
        rows = [{**base, "method": "Cox", "se_type": "-", "coef": np.nan, "se": np.nan, "hazard_ratio": np.nan,
                 "hr_lower": np.nan, "hr_upper": np.nan, "p": np.nan,
                 "status": f"not estimable: monotone partial likelihood, {why}; tg.CoxPH: {f['status']}"}]
    else:
        rows = []
        for se_type, cl in (("model-based", None), ("clustered by hub place", "hub")):
            f = tg.CoxPH().fit(cp, covariates=[COV], cluster=cl)
            s = f.summary.loc[COV]
            rows.append({**base, "method": "Cox", "se_type": se_type, "coef": s["coef"], "se": s["se"],
                         "hazard_ratio": s["hazard_ratio"], "hr_lower": s["hr_lower"], "hr_upper": s["hr_upper"],
                         "p": s["p"], "clusters": f.n_clusters_ if cl else np.nan,
                         "status": f"fitted; {base['events_unexposed']} unexposed / {base['events_exposed']} "
                                   "exposed events: CI is wide, Wald p unreliable at this size"})
    if model.startswith("A"):
        rr = exact_rate_ratio(cp)
        rows.append({**base, "method": "exact conditional Poisson rate ratio", "se_type": "exact (Clopper-Pearson)",
                     **{k: rr[k] for k in ("coef", "se", "hazard_ratio", "hr_lower", "hr_upper", "p")},
                     "status": f"constant-hazard rate ratio; tie-years exposed {rr['tie_years_exposed']:.2f}, "
                               f"unexposed {rr['tie_years_unexposed']:.1f}"})
    return rows


# --- per convention: KM, medians, log-rank, Cox -----------------------------------------------------
summary, cox, km_rows = [], [], []
tables = {}
for conv in CONVENTIONS:
    cp = window_table(conv)
    assert cp["id"].is_unique, "one episode per spell expected on the window scale"
    tables[conv] = cp
    g = group_of(cp)
    lr = tg.logrank_test(cp["stop"], cp["event"], g, entry=cp["start"])
    row = {"date_convention": conv, "logrank_chi2": lr.statistic, "logrank_p": lr.p_value,
           "excluded": "; ".join(f"{k}={v}" for k, v in cp.attrs["excluded"].items() if v),
           "imputed_start_at_shock": len(imputed)}
    for val, name in ((1, "exposed"), (0, "rest")):
        sub = cp[g == val]
        km = tg.KaplanMeier().fit(sub["stop"], sub["event"], entry=sub["start"], label=name)
        row[f"n_{name}"] = len(sub)
        row[f"events_{name}"] = int(sub["event"].sum())
        row[f"median_years_{name}"] = km.median_survival_time_
        row[f"median_days_{name}"] = km.median_survival_time_ * 365.25
        if conv == PRIMARY:
            t = km.summary.reset_index()
            end = t.iloc[[-1]].assign(timeline=sub["stop"].max(), at_risk=np.nan, observed=0.0)
            t = pd.concat([t.assign(row="KM step"), end.assign(row="end of follow-up (curve drawn flat to here)")])
            km_rows.append(t.assign(group=name, date_convention=conv, time_months=t["timeline"] * MONTH)
                           .rename(columns={"timeline": "time_years"}))
            tables[f"km_{name}"] = km
    summary.append(row)
    cox += cox_rows(cp, "A: years since shock (window), exposure from exposure_dates", conv)
    cpb = tg.counting_process(data, origin="start", observed=OBS, exposures=exp_dates, date_convention=conv)
    cpb["hub"] = hub(cpb)
    cox += cox_rows(cpb, "B: years since signing, full history, time-varying exposure (known starts only)", conv)

summary = pd.DataFrame(summary)
cox = pd.DataFrame(cox)
cox.insert(0, "shock", SHOCK_ID)
note = ("curated registry = a selection of documented ties, mostly documented breaks; exposed ties are in it "
        "because they ended: not population rates")
cox["caveat"] = note
summary["caveat"] = note
km_table = pd.concat(km_rows, ignore_index=True)[
    ["date_convention", "group", "row", "time_years", "time_months", "at_risk", "observed", "survival", "se", "lower",
     "upper"]]
km_table = km_table.rename(columns={"observed": "events"})
km_table["caveat"] = note
cox.to_csv(FIGURES / "cox_2022.csv", index=False)
km_table.to_csv(FIGURES / "km_2022.csv", index=False)
summary.to_csv(FIGURES / "km_2022_logrank.csv", index=False)
pd.set_option("display.width", 220)
print(summary.drop(columns="caveat").to_string(index=False))
print(cox[["model", "date_convention", "method", "se_type", "hazard_ratio", "hr_lower", "hr_upper", "p",
           "events_exposed", "events_unexposed", "clusters"]].to_string(index=False))

# --- competing risks among exposed ties (primary convention) ----------------------------------------
cp = tables[PRIMARY]
ex_cp = cp[group_of(cp) == 1]
# event_type is None for a censored row, so events= is not needed (passing it trips a read-only-array bug)
cifs = {c: tg.CumulativeIncidence().fit(ex_cp["stop"], ex_cp["event_type"], cause=c, label=c)
        for c in ("suspended", "terminated")}
cif_table = pd.concat([f.summary.reset_index().assign(cause=c) for c, f in cifs.items()], ignore_index=True)
cif_table = cif_table.rename(columns={"timeline": "time_years"})
cif_table["time_months"] = cif_table["time_years"] * MONTH
cif_table.insert(0, "date_convention", PRIMARY)
cif_table.to_csv(FIGURES / "cif_2022.csv", index=False)
print(ex_cp[["id", "stop", "event_type"]].assign(days=ex_cp["stop"] * 365.25).to_string(index=False))

# --- figure -------------------------------------------------------------------------------------------
prim = summary.set_index("date_convention").loc[PRIMARY]
cpp = tables[PRIMARY]
fig = plt.figure(figsize=(12, 8))
gs = fig.add_gridspec(2, 2, height_ratios=[3.0, 1.3], hspace=0.5, wspace=0.25)
ax = fig.add_subplot(gs[0, 0])
colors = {"exposed": "#c0392b", "rest": "#3b6ea8"}
for name, v in (("exposed", 1), ("rest", 0)):
    km = tables[f"km_{name}"]
    last = cpp.loc[group_of(cpp) == v, "stop"].max()  # draw each curve to its last follow-up time
    t = np.r_[km.timeline_, last] * MONTH
    sv = np.r_[km.survival_function_.iloc[:, 0], km.survival_function_.iloc[-1, 0]]
    lo = np.r_[km.confidence_interval_.iloc[:, 0], km.confidence_interval_.iloc[-1, 0]]
    hi = np.r_[km.confidence_interval_.iloc[:, 1], km.confidence_interval_.iloc[-1, 1]]
    n, e = int(prim[f"n_{name}"]), int(prim[f"events_{name}"])
    late = int((cpp.loc[group_of(cpp) == v, "start"] > 0).sum())
    label = (f"tie with a Russian place (n={n}, {e} ends)" if name == "exposed"
             else f"all other ties (n={n}, {late} signed later enter then; {e} ends)")
    ax.step(t, sv, where="post", color=colors[name], label=label, lw=1.8)
    ax.fill_between(t, lo, hi, step="post", alpha=0.2, color=colors[name], lw=0)
tmax = (OBS - D).days / 365.25 * MONTH
ax.set_xlim(-1, tmax + 1)
ax.set_ylim(0, 1.05)
ax.set_xlabel(f"months since 24 Feb 2022 (censored at data date {OBS.date()})")
ax.set_ylabel("share of ties not suspended or ended")
med = prim["median_days_exposed"]
ax.set_title(f"Kaplan–Meier, with 95% bands: ties with a Russian place vs the rest\n"
             f"log-rank χ² = {prim['logrank_chi2']:.0f}, p < 1e-15; median: exposed {med:.0f} days, rest not reached",
             fontsize=10)
ax.legend(loc="center right", fontsize=8, frameon=False)
ticks = [0, 6, 12, 18, 24, 30, 36]
ax.set_xticks(ticks)
xform = ax.get_xaxis_transform()
ax.text(-1, -0.2, "at risk:", transform=xform, ha="right", fontsize=7, color="0.3")
for k, (name, v) in enumerate((("exposed", 1), ("rest", 0))):
    sub = cpp[group_of(cpp) == v]
    for m in ticks:
        n = int(((sub["start"] * MONTH <= m) & (sub["stop"] * MONTH > m)).sum())
        ax.text(m, -0.26 - 0.06 * k, str(n), transform=xform, ha="center", fontsize=7, color=colors[name])
    ax.text(-1, -0.26 - 0.06 * k, name, transform=xform, ha="right", fontsize=7, color=colors[name])

ax2 = fig.add_subplot(gs[0, 1])
for c, col in (("suspended", "#e67e22"), ("terminated", "#7d3c98")):
    f = cifs[c]
    t = np.r_[f.timeline_ * MONTH, 6.5]  # nobody left at risk: the CIF stays flat
    y = np.r_[f.cumulative_density_.iloc[:, 0], f.cumulative_density_.iloc[-1, 0]]
    ax2.step(t, y, where="post", color=col, lw=1.8, label=f"{c} ({int((ex_cp['event_type'] == c).sum())} ties)")
ax2.set_xlim(-0.2, 6.5)
ax2.set_ylim(0, 1.05)
ax2.set_xlabel("months since 24 Feb 2022 (zoom: all exposed ties ended by month 6)")
ax2.set_ylabel("cumulative incidence (Aalen–Johansen)")
ax2.set_title(f"Ties with a Russian place (n={len(ex_cp)}): suspended vs terminated\n"
              "competing risks, first exit wins (Dallas–Saratov: suspended)", fontsize=10)
ax2.legend(loc="upper left", fontsize=8, frameon=False)

a_prim = cox[(cox["date_convention"] == PRIMARY) & cox["model"].str.startswith("A")]
rr = a_prim[a_prim["method"].str.startswith("exact")].iloc[0]


def cox_line(letter: str, conv: str) -> str:
    r = cox[(cox["date_convention"] == conv) & cox["model"].str.startswith(letter) & (cox["method"] == "Cox")]
    r = r[r["se_type"] != "model-based"].iloc[0]
    head = (f"{r['n_spells']} ties, {r['events_exposed']} ends while exposed, "
            f"{r['events_unexposed']} while not")
    if np.isnan(r["hazard_ratio"]):
        why = r["status"].split("likelihood, ")[1].split(";")[0]
        return f"{head}: NOT ESTIMABLE, {why}."
    return (f"{head}: HR {r['hazard_ratio']:.3g} (95% CI {r['hr_lower']:.3g}–{r['hr_upper']:.3g}), "
            f"p = {r['p']:.2g}, SE clustered on {int(r['clusters'])} hub places.")


py1 = rr["status"].split("exposed ")[1].split(",")[0]
lines = [
    f"Cox A, time since the invasion ('{PRIMARY}' dates): {cox_line('A', PRIMARY)}",
    f"      With 'earliest' dates, Dallas–Tianjin ('terminated 2025') ends on 2025-01-01, before the HB 128 it is "
    f"attributed to: {cox_line('A', 'earliest')}",
    f"      Exact conditional test of the rate ratio (constant hazards; {int(rr['events_exposed'])} ends in {py1} "
    f"exposed tie-years, none in {rr['status'].split('unexposed ')[1]} unexposed): 95% CI of the rate ratio "
    f"starts at {rr['hr_lower']:.0f}, p = {rr['p']:.1g}.",
    f"Cox B, years since signing, exposure time-varying, known starts only: {cox_line('B', PRIMARY)}",
    f"Unknown signing dates: {len(imputed)} of the 7 exposed ties enter at the invasion. They were suspended or ended "
    f"after it, so they existed then; tg.counting_process would drop them.",
    "SELECTION: the curated registry collects documented ties, mostly documented breaks. Ties with a Russian place are "
    "in it because they ended, so every exposed tie has an event by construction. These curves describe this registry, "
    "not the rate at which twinnings with Russia ended.",
]
fig.text(0.07, 0.25, "\n".join(textwrap.fill(x, 165, subsequent_indent="      ") for x in lines), fontsize=8,
         va="top", ha="left")
fig.suptitle("Twinning ties after Russia's invasion of Ukraine (24 Feb 2022): curated registry, 56 ties",
             fontsize=12, y=0.98)
stamp(fig, f"curated registry (56 cited ties, data date {OBS.date()}); shock registry event {SHOCK_ID}; "
           f"dates: {PRIMARY} of partial dates")
save(fig, "survival_2022.png")
