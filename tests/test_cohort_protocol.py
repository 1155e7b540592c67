"""The search protocol joined to the cohorts: findings, strict "maintained", conflicts, effort, sensitivity, MI.

Every expected value is worked out by hand in the comments on a toy cohort of six ties.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from twingraph import cohorts as C

SHOCKS = pd.DataFrame({"event_id": ["russia-invasion-2022"], "date": [pd.Timestamp("2022-02-24")]})
OUT = ("city_a,country_a,subdivision_a,level_a,city_b,country_b,subdivision_b,level_b,kind,event,date,"
       "date_precision,cause,shock_id,source,note")
TIES = """cohort,city_a,country_a,city_b,country_b,in_wikipedia_2026,in_germany_register_2015,register_year
russia-2022-DEU,Aa,DEU,Ra,RUS,True,True,1990
russia-2022-DEU,Cc,DEU,Rc,RUS,False,True,1980
russia-2022-DEU,Dd,DEU,Rd,RUS,True,True,
russia-2022-USA,Ee,USA,Re,RUS,True,True,
russia-2022-USA,Ff,USA,Rf,RUS,True,True,
russia-2022-USA,Gg,USA,Rg,RUS,True,True,
"""
# first round: Aa suspended day 10; Dd maintained 2022-03-14; Cc maintained, undated (not post-shock)
OUTCOMES = OUT + """
Aa,DEU,,municipality,Ra,RUS,,municipality,twin,suspended,2022-03-06,day,war,russia-invasion-2022,https://a.example,
Dd,DEU,,municipality,Rd,RUS,,municipality,twin,maintained,2022-03-14,day,,russia-invasion-2022,https://d.example,
Cc,DEU,,municipality,Rc,RUS,,municipality,twin,maintained,,unknown,,russia-invasion-2022,https://c.example,list
"""
SEARCHES = """cohort,city_a,country_a,city_b,country_b,searched_on,corpus,queries,result,note
russia-2022-USA,Ee,USA,Re,RUS,2026-12-01,pages,q1,no documented change found,
russia-2022-USA,Ff,USA,Rf,RUS,2026-12-01,pages,q1 | q2,no documented change found,
russia-2022-USA,Gg,USA,Rg,RUS,2026-12-01,pages,q1,no documented change found,
"""
F_COLS = OUT + ",tie_id,quote,found_by,pass"
# primary: Ee suspended 2022-05-10; Dd suspended undated, note "conflict" (on ice vs maintained);
# Cc listed undated; second pass (sample Aa, Ee, Ff, Gg): Aa suspended (also first round),
# Ff terminated 2022-06-01 (only the second pass), Ee suspended (also primary)
FINDINGS = F_COLS + """
Ee,USA,,municipality,Re,RUS,,municipality,twin,suspended,2022-05-10,day,war,,https://e.example,,\
russia-2022-USA|Ee|USA|Re|RUS,q,S1 q1,primary
Dd,DEU,,municipality,Rd,RUS,,municipality,twin,suspended,,unknown,war,,https://d2.example,conflict: on ice,\
russia-2022-DEU|Dd|DEU|Rd|RUS,q,S1 q2,primary
Cc,DEU,,municipality,Rc,RUS,,municipality,twin,listed_undated,,unknown,,,https://c2.example,,\
russia-2022-DEU|Cc|DEU|Rc|RUS,q,S3 q1,primary
Aa,DEU,,municipality,Ra,RUS,,municipality,twin,suspended,2022-03-06,day,war,,https://a2.example,,\
russia-2022-DEU|Aa|DEU|Ra|RUS,q,P1 q1,second
Ff,USA,,municipality,Rf,RUS,,municipality,twin,terminated,2022-06-01,day,war,,https://f.example,,\
russia-2022-USA|Ff|USA|Rf|RUS,q,P1 q2,second
Ee,USA,,municipality,Re,RUS,,municipality,twin,suspended,2022-05-10,day,war,,https://e2.example,,\
russia-2022-USA|Ee|USA|Re|RUS,q,P1 q3,second
"""
L_COLS = ("batch,pass,step,query_no,tie_id,town,city_a,country_a,city_b,country_b,language,corpus,query,"
          "searched_on,n_results,relevant_urls,finding,note")
LOG = L_COLS + """
A,primary,S1,1,russia-2022-USA|Ee|USA|Re|RUS,,Ee,USA,Re,RUS,en,pages,x,2026-12-07,8,https://e.example,suspended,
A,primary,S1,2,russia-2022-USA|Ee|USA|Re|RUS,,Ee,USA,Re,RUS,en,pages,y,2026-12-07,8,https://e.example,none,
A,primary,S2,3,,Re,,,Re,RUS,ru,pages,z,2026-12-07,8,,none,
A,primary,S3,4,,Ee,Ee,USA,,,en,pages,w,2026-12-07,8,,none,
A,primary,S1,5,russia-2022-DEU|Dd|DEU|Rd|RUS,,Dd,DEU,Rd,RUS,de,pages,v,2026-12-07,8,https://d2.example,suspended,
D,second,P1,1,russia-2022-DEU|Aa|DEU|Ra|RUS,,Aa,DEU,Ra,RUS,en,pages,u,2026-12-07,8,,suspended,
D,second,P1,2,russia-2022-USA|Ff|USA|Rf|RUS,,Ff,USA,Rf,RUS,en,pages,u,2026-12-07,8,,terminated,
"""
SAMPLE = """draw_seed,tie_id
1,russia-2022-DEU|Aa|DEU|Ra|RUS
1,russia-2022-USA|Ee|USA|Re|RUS
1,russia-2022-USA|Ff|USA|Rf|RUS
1,russia-2022-USA|Gg|USA|Rg|RUS
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "protocol").mkdir()
    for name, text in {"cohort_russia_2022_ties.csv": TIES, "cohort_outcomes_russia_2022.csv": OUTCOMES,
                       "cohort_searches_russia_2022.csv": SEARCHES, "protocol/findings_A.csv": FINDINGS,
                       "protocol/log_A.csv": LOG, "protocol/second_pass_sample.csv": SAMPLE}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _table(root: Path, **kw) -> pd.DataFrame:
    return C.load_cohort_protocol("russia-2022", root=root, shocks=SHOCKS, **kw).set_index("city_a")


def test_findings_join_and_strict_maintained(root: Path) -> None:
    t = _table(root)
    # Cc: its only "maintained" row is undated -> not counted; the listing is not "maintained" either
    assert t.loc["Cc", "status"] == "no documented change"
    assert t.loc["Cc", "maintained_dropped"] == 1 and t.loc["Cc", "listed_undated"] == 1
    # Ee: end found by the primary pass, dated 2022-05-10
    assert t.loc["Ee", "status"] == "suspended"
    assert t.loc["Ee", "end_round"] == "primary" and bool(t.loc["Ee", "end_first_round_or_primary"])
    assert t.loc["Ee", "end_resolved"] == pd.Timestamp("2022-05-10")
    # Ff: only the second pass found its end
    assert t.loc["Ff", "status"] == "terminated" and t.loc["Ff", "end_round"] == "second"
    assert not bool(t.loc["Ff", "end_first_round_or_primary"])
    assert t.loc["Aa", "end_round"] == "first round"
    # without the second pass Ff has no documented end
    assert _table(root, passes=("primary",)).loc["Ff", "status"] == "no documented change"


def test_conflict_rule_and_its_opposite(root: Path) -> None:
    t = _table(root)
    # Dd: maintained 2022-03-14 and an undated "on ice" finding noted as a conflict
    assert bool(t.loc["Dd", "conflict_protocol"]) and t.loc["Dd", "status"] == "suspended"
    assert t.loc["Dd", "resolved_by"] == "rule: end wins"
    assert t["conflict_protocol"].sum() == 1
    m = _table(root, resolve="maintained")
    assert m.loc["Dd", "status"] == "maintained (conflict)" and m.loc["Ee", "status"] == "suspended"
    s = C.survival_table(m.reset_index()).table
    assert s["event"].sum() == t["status"].isin(["suspended", "terminated"]).sum() - 1 == 3


def test_effort(root: Path) -> None:
    t = _table(root)
    # Ee: two S1 queries + one S2 on Re + one S3 on Ee = 4; complete; first round had 1 query
    assert t.loc["Ee", "n_queries_protocol"] == 4 and bool(t.loc["Ee", "protocol_complete"])
    assert t.loc["Ee", "n_queries_total"] == 5
    assert t.loc["Ee", "relevant_urls"] == 1 and t.loc["Ee", "hits"] == 2  # one primary + one second finding
    # Dd: S1 only -> incomplete
    assert t.loc["Dd", "n_queries_protocol"] == 1 and not bool(t.loc["Dd", "protocol_complete"])
    assert t.loc["Gg", "n_queries_protocol"] == 0 and t.loc["Gg", "hits"] == 0


def test_sensitivity_from_second_pass(root: Path) -> None:
    t = C.load_cohort_protocol("russia-2022", root=root, shocks=SHOCKS)
    sens = C.search_sensitivity(t, C.read_protocol(root / "protocol"))
    # second-pass ends in the sample: Aa, Ee, Ff; also found earlier: Aa (first round), Ee (primary)
    assert (sens.second_ends, sens.also_found, sens.sample) == (3, 2, 4)
    assert sens.sensitivity == pytest.approx(2 / 3) and sens.second_only == ["russia-2022-USA|Ff|USA|Rf|RUS"]
    lo, hi = sens.lower, sens.upper
    # Clopper–Pearson: the lower limit solves P(X >= 2 | p) = 0.025, the upper P(X <= 2 | p) = 0.025
    assert stats.binom.sf(1, 3, lo) == pytest.approx(0.025) and stats.binom.cdf(2, 3, hi) == pytest.approx(0.025)
    assert (sens.beta_a, sens.beta_b) == (3, 2)
    with pytest.warns(DeprecationWarning, match="use .beta_a"):  # the old dict access, for one release
        assert sens["beta_a"] == 3


def test_clopper_pearson_edges() -> None:
    assert C.clopper_pearson(0, 10)[0] == 0.0 and C.clopper_pearson(10, 10)[1] == 1.0
    assert C.clopper_pearson(0, 10)[1] == pytest.approx(1 - 0.025 ** (1 / 10))  # (1 - p)^10 = 0.025


def test_corrected_share_known_answer() -> None:
    # sensitivity fixed at 1/2: 20 ends found among 100 -> 40 true ends, so each of the 80 ties without a
    # documented end is ended with p = (40 - 20) / 80 = 1/4: imputed ends ~ Bin(80, 1/4), mean 20, var 15;
    # pooled share 0.4, between-imputation variance 15 / 100^2 = 0.0015
    r = C.corrected_share(100, 20, 20, 1e6, 1e6, draws=20000, random_state=7)
    assert r["share"] == pytest.approx(0.4, abs=0.002) and r["mean_p"] == pytest.approx(0.25, abs=1e-3)
    assert r["between_var"] == pytest.approx(0.0015, rel=0.05)
    # Rubin: total = mean within (q(1-q)/n, about 0.4*0.6/100 = 0.0024) + (1 + 1/M) between
    assert r["rubin_upper"] - r["share"] == pytest.approx(1.96 * np.sqrt(0.0024 + 0.0015), rel=0.03)
    # perfect detection: nothing is imputed, the share is the documented one
    p = C.corrected_share(100, 20, 20, 1e7, 1, draws=500, random_state=1)
    assert p["share"] == pytest.approx(0.2, abs=1e-3) and p["pct_lower"] == p["pct_upper"] == 0.2
    # ends found only by the second pass are already documented: 22 documented, 20 by the primary,
    # s = 1/2 -> 40 true ends, p = (40 - 22) / 78
    q = C.corrected_share(100, 22, 20, 1e6, 1e6, draws=20000, random_state=2)
    assert q["mean_p"] == pytest.approx(18 / 78, abs=1e-3)
    # seeded: same draws, same answer
    assert C.corrected_share(50, 5, 5, 3, 2, random_state=3) == C.corrected_share(50, 5, 5, 3, 2, random_state=3)


def test_undated_placement_rules(root: Path) -> None:
    t = _table(root).reset_index()
    d = {rule: C.survival_table(t, undated=rule).table.set_index("tie_id")["duration"] for rule in C.UNDATED_RULES}
    dd = "russia-2022-DEU|Dd|DEU|Rd|RUS"
    # Dd's end is undated; its search (protocol log) is 2026-12-07 = day 1747 after 2022-02-24
    obs = (pd.Timestamp("2026-12-07") - pd.Timestamp("2022-02-24")).days
    assert d["shock"][dd] == 0 and d["search"][dd] == obs and d["midpoint"][dd] == obs / 2
    # median of the dated ends: Aa day 10, Ee day 75 (2022-05-10), Ff day 97 (2022-06-01) -> 75
    assert d["median"][dd] == 75
    # a subset's undated end can take the whole cohort's median
    assert C.survival_table(t, median_days=40).table.set_index("tie_id")["duration"][dd] == 40
    with pytest.raises(ValueError):
        C.survival_table(t, undated="never")


# --------------------------------------------------------------------------------------------------
# checks: corrected shares, comparison, state laws, power, plots
# --------------------------------------------------------------------------------------------------

def test_corrected_shares_table(root: Path) -> None:
    t = C.load_cohort_protocol("russia-2022", root=root, shocks=SHOCKS)
    sens = C.SearchSensitivity(sample=8, searched=8, second_ends=2, also_found=1, sensitivity=0.5, lower=0.1,
                               upper=0.9, beta_a=1_000_000, beta_b=1_000_000)
    out = C.corrected_shares(t, sens, by="country_a", draws=4000, random_state=3).set_index("set")
    # all six ties at risk: ends Aa, Dd, Ee (primary or first round), Ff (second pass only) -> 4 documented,
    # 3 by the primary; s = 1/2 -> 6 true ends: the 2 ties without an end (Cc, Gg) both ended, share 1
    assert (out.loc["all", "n"], out.loc["all", "documented"], out.loc["all", "documented_by_primary"]) == (6, 4, 3)
    assert out.loc["all", "share_documented"] == pytest.approx(4 / 6)
    assert out.loc["all", "share_corrected"] == pytest.approx(1.0, abs=2e-3)  # s a hair above 1/2 in some draws
    assert out.loc["all", "bound_upper"] == pytest.approx(1.0)  # Cc and Gg: no documented change
    # DEU: Aa, Cc, Dd -> ends Aa, Dd (both early): p = (2/0.5 - 2) / 1 -> clipped to 1
    assert out.loc["DEU", "documented"] == 2 and out.loc["DEU", "share_corrected"] == pytest.approx(1.0, abs=2e-3)


def test_group_shares_and_firth_fallback() -> None:
    # 10 exposed ties, 6 end (days 10..60); 10 comparison ties, none ends: the Cox MLE is infinite,
    # Firth's is finite and above 1; exact CI of 6/10 and 0/10
    rows = []
    for i in range(20):
        exposed = i < 10
        ended = exposed and i < 6
        rows.append({"tie_id": str(i), "status": "suspended" if ended else "no documented change",
                     "ended_before_shock": False, "duration": 10.0 * (i + 1) if ended else 1000.0,
                     "event": int(ended), "x": int(exposed), "cluster_a": f"a{i}", "cluster_b": f"b{i % 4}"})
    df = pd.DataFrame(rows)
    sh = C.group_shares({"exposed": df[df["x"] == 1], "other": df[df["x"] == 0]}).set_index("group")
    assert sh.loc["exposed", "share_ended"] == 0.6 and sh.loc["other", "upper"] == pytest.approx(1 - 0.025 ** 0.1)
    hr = C.comparison_hazard(df, "x", "toy")
    assert hr["status"].iloc[0].startswith("not estimable") and hr["method"].iloc[1] == "Firth, profile likelihood"
    assert 1 < hr["hazard_ratio"].iloc[1] < np.inf and hr["hr_lower"].iloc[1] > 1


def test_state_law_table_counts() -> None:
    ties = pd.DataFrame({
        "state": ["Texas", "Texas", "Texas", "Ohio", "Ohio", "Ohio", None],
        "country_b": ["CHN", "CHN", "RUS", "CHN", "CUB", "CHN", "CHN"],
        "ended": [True, True, False, True, False, False, True],
        "end_date": pd.to_datetime(["2025-10-01", "2024-01-01", None, "2025-12-01", None, None, "2025-10-01"])})
    laws = pd.DataFrame({"state": ["Texas", "Florida"], "instrument": ["HB 128", "288.860"],
                         "date_signed": [None, None], "date_effective": ["2025-09-01", None],
                         "countries": ["CHN;IRN;PRK;RUS + others under ch. 2275", "CHN;CUB"]})
    t = C.state_law_table(ties, laws, observed=pd.Timestamp("2026-09-01"))
    tx = t[t["law_state"] == "Texas"].set_index("side")
    # window 365 days: Texas ties with CHN/RUS: 3, ended before (2024-01-01 is more than 365 days before: not
    # in the window), after 1; Ohio's CUB tie is not a law country: Ohio 2 ties, 1 ended after; the
    # stateless tie is left out
    assert tx.loc["law state", "ties"] == 3 and tx.loc["law state", "ended_before"] == 0
    assert tx.loc["law state", "ended_after"] == 1 and tx.loc["law state", "share_after"] == pytest.approx(1 / 2)
    assert tx.loc["other states", "ties"] == 2 and tx.loc["other states", "ended_after"] == 1
    assert tx.loc["law state", "countries"] == "CHN;IRN;PRK;RUS" and tx.loc["law state", "window_days"] == 365
    assert t.loc[t["law_state"] == "Florida", "side"].iloc[0].startswith("not used")


def test_power_two_proportions() -> None:
    # Fleiss: p1 = 0.5, p2 = 0.25 -> pooled 0.375; (1.96 sqrt(2 * 0.375 * 0.625) + 0.8416 sqrt(0.25 + 0.1875))^2
    # / 0.0625 = 57.7 -> 58 per group
    assert C.power_two_proportions(0.5, 0.25) == 58
    n1 = C.power_two_proportions(0.3, 0.1, ratio=4)
    assert n1 < C.power_two_proportions(0.3, 0.1)  # more controls, fewer in the first group


def test_plots_draw(root: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cox = pd.DataFrame({"model": ["m1", "m1", "m2"], "covariate": ["log2_degree_a", "partner_FIN_vs_DEU", "x"],
                        "n": [10, 10, 8], "events": [5, 5, 0], "hazard_ratio": [1.5, 0.5, np.nan],
                        "hr_lower": [1.1, 0.2, np.nan], "hr_upper": [2.0, 1.2, np.nan],
                        "status": ["fitted", "fitted", "not estimable: x"]})
    fig = C.plot_forest_panels(cox)
    axes = fig.axes
    assert len(axes) == 2 and axes[0].get_title(loc="left") == "m1 (n = 10 ties, 5 ends)"
    assert [t.get_text() for t in axes[0].get_yticklabels()] == ["partners of the non-Russian place, 2026 (per 2×)",
                                                                "partner country FIN (vs DEU)"]
    plt.close(fig)


def test_comparison_cohort(tmp_path: Path) -> None:
    sample = ("draw_seed,group,tie_id,city_a,country_a,city_b,country_b,qid_a,qid_b,sources\n"
              "1,western-town-non-russian-partner,Q1|Q2,Aa,DEU,Halifax,CAN,Q1,Q2,wikidata-crawl-2016\n"
              "1,western-town-non-russian-partner,Q1|Q3,Aa,DEU,Pp,POL,Q1,Q3,wikidata-crawl-2016\n"
              "1,russian-place-non-sanctioning-partner,Q4|Q5,Jelabuga,,Safranbolu,TUR,Q4,Q5,wikidata-crawl-2016\n")
    findings = F_COLS + """
Aa,DEU,,municipality,Halifax,GBR,,municipality,twin,maintained,2023,year,,,https://h.example,NAMESAKE,Q1|Q2,q,S1,comparison
Aa,DEU,,municipality,Pp,POL,,municipality,twin,terminated,2023-05-01,day,,,https://p.example,,Q1|Q3,q,S1,comparison
Jelabuga,RUS,,municipality,Safranbolu,TUR,,municipality,twin,maintained,2019,year,,,https://j.example,,Q4|Q5,q,S1,comparison
"""
    log = L_COLS + """
D,comparison,S1,1,Q1|Q2,,Aa,DEU,Halifax,CAN,de,pages,x,2026-12-07,8,,none,
D,comparison,S1,2,Q1|Q3,,Aa,DEU,Pp,POL,de,pages,x,2026-12-07,8,,terminated,
D,comparison,S3,3,,Aa,Aa,DEU,,,de,pages,x,2026-12-07,8,,none,
D,comparison,S2,4,,Pp,,,Pp,POL,pl,pages,x,2026-12-07,8,,none,
A,primary,S2,5,,Halifax,,,Halifax,CAN,en,pages,x,2026-12-07,8,,none,
"""
    for name, text in {"comparison_sample.csv": sample, "findings_D.csv": findings, "log_D.csv": log}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    c = C.comparison_cohort(C.read_protocol(tmp_path), shocks=SHOCKS).set_index("city_b")
    # Halifax: the finding names Halifax GBR (a namesake), so it does not match; searched, nothing found
    # effort as for the cohort: S1 on the tie + S3 on Aa (+ S2 on Pp); a primary-pass S2 on Halifax does not count
    assert c.loc["Halifax", "status"] == "no documented change" and c.loc["Halifax", "n_queries_protocol"] == 2
    assert c.loc["Pp", "n_queries_protocol"] == 3 and c["protocol_complete"].tolist() == [False, True, False]
    assert c.loc["Pp", "status"] == "terminated" and c.loc["Pp", "end_resolved"] == pd.Timestamp("2023-05-01")
    # Jelabuga (no country in the sample) is the Russian side; its 2019 statement is pre-shock; not searched yet
    assert c.loc["Safranbolu", "country_a"] == "RUS" and c.loc["Safranbolu", "status"] == "not researched"
    assert set(c["group"]) == {"western-town-non-russian-partner", "russian-place-non-sanctioning-partner"}
    # none is in the 2026 lists: the list-loss baseline counts all three, and the researched one ended
    g = C.group_shares({"all": c.reset_index()}).iloc[0]
    assert (g["pre_shock"], g["absent_2026"], g["n"], g["ended"]) == (3, 3, 2, 1)


def test_attested_by() -> None:
    import dataclasses

    from twingraph.counterfactual import attested_by

    @dataclasses.dataclass
    class D:
        places: pd.DataFrame
        spells: pd.DataFrame

    d = D(pd.DataFrame({"place_id": ["p", "q", "r", "s"]}),
          pd.DataFrame({"a": ["p", "q", "r"], "b": ["q", "r", "s"],
                        "source": ["crawl", "lists;register", "lists"]}))
    sub = attested_by(d, ["crawl", "register"])
    assert sub.spells["source"].tolist() == ["crawl", "lists;register"]
    assert sub.places["place_id"].tolist() == ["p", "q", "r"]  # s only in a dropped spell


def test_read_protocol_skips_other_logs_and_reads_incidental(root: Path) -> None:
    (root / "protocol" / "log_E.csv").write_text("batch,task,query_no,query\nE1,1,1,counts\n", encoding="utf-8")
    (root / "protocol" / "incidental_A.csv").write_text(
        "tie,event,date,source\nRg (RUS) - Gg (USA),suspended,2022-04,https://g0.example\n"
        "Cc-Rc (DEU-RUS),terminated,,https://c3.example\n\"Gg (USA) - Rg, Rh (RUS)\",suspended,,https://x.example\n",
        encoding="utf-8")
    (root / "protocol" / "incidental_B.csv").write_text(F_COLS + """
Gg,USA,,municipality,Rg,RUS,,municipality,twin,suspended,2022-04-01,day,war,,https://g.example,,,q,S1 q9,primary
""", encoding="utf-8")
    pr = C.read_protocol(root / "protocol")
    assert len(pr.log) == 7 and set(pr.log["step"]) == {"S1", "S2", "S3", "P1"}  # log_E left out
    t = C.load_cohort_protocol("russia-2022", root=root, shocks=SHOCKS, protocol=pr).set_index("city_a")
    # the incidental primary findings (no tie_id) document Gg's end, found by the primary pass; the
    # free-text one, written with the Russian place first, is turned round; a list of ties is not read
    assert t.loc["Gg", "status"] == "suspended" and t.loc["Gg", "end_round"] == "primary"
    assert (pr.findings["source"] == "https://g0.example").sum() == 2  # both orientations
    assert not (pr.findings["source"] == "https://x.example").any()
    # "Cc-Rc (DEU-RUS)": split at the hyphen, an undated termination of Cc
    assert t.loc["Cc", "status"] == "terminated" and pd.isna(t.loc["Cc", "end_resolved"])


def test_state_law_period_across_the_law() -> None:
    # an end known only as "2025" cannot be placed before or after a law of 2025-09-01
    ties = pd.DataFrame({"state": ["Texas", "Texas"], "country_b": ["CHN", "CHN"], "ended": [True, True],
                         "end_date": pd.to_datetime(["2025-09-25", "2025-10-02"]),
                         "end_first": pd.to_datetime(["2025-01-01", "2025-10-02"]),
                         "end_last": pd.to_datetime(["2025-12-31", "2025-10-02"])})
    laws = pd.DataFrame({"state": ["Texas"], "instrument": ["HB 128"], "date_effective": ["2025-09-01"],
                         "countries": ["CHN"]})
    r = C.state_law_table(ties, laws, observed=pd.Timestamp("2026-12-07")).set_index("side").loc["law state"]
    assert (r["ended_before"], r["ended_after"], r["ended_undated"]) == (0, 1, 1)


def test_comparison_pass_finding_documents_a_cohort_tie(root: Path) -> None:
    (root / "protocol" / "findings_G.csv").write_text(F_COLS + """
Gg,USA,,municipality,Rg,RUS,,municipality,twin,terminated,2022-03-02,day,war,,https://g9.example,,,q,S1 q80,comparison
""", encoding="utf-8")
    t = _table(root)
    assert t.loc["Gg", "status"] == "terminated" and t.loc["Gg", "end_round"] == "incidental"
    assert not bool(t.loc["Gg", "end_found_early"])  # not a find of the first round or the primary pass
    assert _table(root, passes=("primary",)).loc["Gg", "status"] == "no documented change"


def test_dates_keyword_and_its_shim(root: Path) -> None:
    new = C.load_cohort_protocol("russia-2022", root=root, shocks=SHOCKS, dates="earliest")
    with pytest.warns(DeprecationWarning, match="use dates="):
        old = C.load_cohort_protocol("russia-2022", root=root, shocks=SHOCKS, convention="earliest")
    assert new["end_resolved"].equals(old["end_resolved"])
    for fn in (C.cohort_table, C.load_cohort, C.load_cohort_protocol, C.comparison_cohort):
        assert fn.__renamed_arguments__ == {"convention": "dates"}


def test_shipped_protocol_leaves_no_tie_without_an_outcome_or_a_complete_search() -> None:
    """Issue 18's criterion on the shipped research files: every tie of every cohort family (Russia 2022,
    China, US state laws) has a documented end or a protocol-complete search (S1, S2 and S3 logged), and
    every comparison tie had the same three steps."""
    proto = C.read_protocol()
    fam = {n: C.load_cohort_protocol(n, protocol=proto) for n in ("russia-2022", "china", "us-state-laws")}
    cover = C.protocol_coverage(fam).set_index("family")
    assert cover["neither"].tolist() == [0, 0, 0, 0]
    assert cover.loc["all", "ties"] == sum(len(t) for t in fam.values()) == 505
    assert (cover["documented_end"] + cover["complete_without_end"] <= cover["ties"]).all()
    comp = C.comparison_cohort(proto)
    assert len(comp) == 80 and comp["protocol_complete"].all() and (comp["n_queries_protocol"] >= 3).all()


def test_state_law_sample_cohort(tmp_path: Path) -> None:
    """Ties no cohort holds get their outcome from the state-law pass: a logged query makes a tie
    researched, a state-law finding gives its end, an unsearched tie stays 'not researched'."""
    sample = ("group,tie_id,city_a,country_a,subdivision_a,city_b,country_b,sources\n"
              "us,us-partners|Mobile|USA|Heze|CHN,Mobile,USA,Alabama,Heze,CHN,wikipedia-lists-2026\n"
              "us,us-partners|Tulsa|USA|Zhuhai|CHN,Tulsa,USA,Oklahoma,Zhuhai,CHN,wikidata-crawl-2016\n"
              "us,us-partners|Provo|USA|Havana|CUB,Provo,USA,Utah,Havana,CUB,wikipedia-lists-2026\n")
    findings = F_COLS + """
Tulsa,USA,Oklahoma,municipality,Zhuhai,CHN,,municipality,twin,terminated,2024-05,month,,,https://t.example,,us-partners|Tulsa|USA|Zhuhai|CHN,q,S1 q2,state-law
Provo,USA,Utah,municipality,Havana,CUB,,municipality,twin,terminated,2020,year,,,https://p.example,,us-partners|Provo|USA|Havana|CUB,q,S1 q9,comparison
"""
    log = L_COLS + """
US,state-law,S1,1,us-partners|Mobile|USA|Heze|CHN,,Mobile,USA,Heze,CHN,en,pages,x,2026-12-07,8,,none,
US,state-law,S1,2,us-partners|Tulsa|USA|Zhuhai|CHN,,Tulsa,USA,Zhuhai,CHN,en,pages,x,2026-12-07,8,,terminated,
"""
    for name, text in {"state_law_sample.csv": sample, "findings_N.csv": findings, "log_N.csv": log}.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    t = C.state_law_sample_cohort(C.read_protocol(tmp_path), shocks=SHOCKS).set_index("city_a")
    assert t.loc["Mobile", "status"] == "no documented change" and t.loc["Mobile", "n_queries_protocol"] == 1
    assert t.loc["Tulsa", "status"] == "terminated" and t.loc["Tulsa", "end_resolved"] == pd.Timestamp("2024-05-16")
    # another pass's finding does not count, and an unsearched tie is not researched
    assert t.loc["Provo", "status"] == "not researched" and t.loc["Provo", "n_queries_protocol"] == 0
    assert C.state_law_sample_cohort(C.read_protocol(tmp_path / "none")).empty
