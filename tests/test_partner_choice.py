"""The partner-choice model (twingraph.partner_choice) and `twingraph suggest`: hand-computed cases,
agreement with networkx's link-prediction indices and statsmodels' conditional logit, recovery of
simulated coefficients (with and without the sampling correction)."""

from __future__ import annotations

import json
import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import sparse

from twingraph import partner_choice as pc
from twingraph.cli import main
from twingraph.measures.geography import haversine_km


def toy(lat, lon, country, pop=None, ties=(), years=None, gazetteer=True, borders=(), languages=None, bloc=None):
    """A ChoiceData built by hand."""
    n = len(lat)
    country = np.asarray(country, dtype=object)
    codes, cc = np.unique(country, return_inverse=True)
    languages = languages or {}
    L = np.array([[float(bool(set(languages.get(a, ())) & set(languages.get(b, ())))) for b in codes] for a in codes])
    bset = {tuple(sorted(p)) for p in borders}
    B = np.array([[float(tuple(sorted((a, b))) in bset) for b in codes] for a in codes])
    pop = np.full(n, np.nan) if pop is None else np.asarray(pop, float)
    unknown = ~np.isfinite(pop)
    t = pd.DataFrame(list(ties), columns=["i", "j"]) if ties else pd.DataFrame({"i": [], "j": []}, dtype=int)
    t["year"] = np.nan if years is None else np.asarray(years, float)
    t["pair_id"] = [f"{a}|{b}" for a, b in zip(t["i"], t["j"])]
    return pc.ChoiceData(ids=np.array([f"p{k}" for k in range(n)]), names=np.array([f"P{k}" for k in range(n)]),
                         country=country, country_code=cc, countries=codes, lat=np.asarray(lat, float),
                         lon=np.asarray(lon, float), log_pop=np.log(np.where(unknown, 5000.0, pop)),
                         pop_unknown=unknown.astype(float),
                         bloc=np.full(n, np.nan) if bloc is None else np.asarray(bloc, float),
                         usable=np.ones(n, bool), ties=t, border_matrix=B, language_matrix=L,
                         in_gazetteer=np.full(n, gazetteer))


# ----------------------------------------------------------------------------------- features
def test_pair_features_hand_computed():
    # 0 -- 1 -- 2, 0 -- 3, 3 -- 2 : places 0 and 2 share partners 1 and 3
    cd = toy([0, 0, 0, 1, 0], [0, 1, 2, 1, 3], ["AAA", "BBB", "AAA", "BBB", "CCC"], pop=[1e4, np.nan, 2e5, 5e4, 1e3],
             ties=[(0, 1), (1, 2), (0, 3), (3, 2)], years=[1980] * 4, borders=[("AAA", "BBB")],
             languages={"AAA": ["x"], "BBB": ["y"], "CCC": ["x", "z"]}, bloc=[0, 1, 0, 1, np.nan])
    st = pc._state(cd, cd.ties)
    X = pd.DataFrame(pc.pair_features(cd, st, [0, 0, 0], [2, 4, 1], [1995, 1985, 1995]), columns=list(pc.FEATURES))
    km02 = haversine_km(0, 0, 0, 2)
    assert X.loc[0, "log_km"] == pytest.approx(math.log(km02))
    assert X["same_country"].tolist() == [1, 0, 0]
    assert X["border"].tolist() == [0, 0, 1]
    assert X["shared_language"].tolist() == [1, 1, 0]
    assert X.loc[0, "log_population"] == pytest.approx(math.log(2e5))
    assert X["population_unknown"].tolist() == [0, 0, 1]
    assert X.loc[0, "log_partners"] == pytest.approx(math.log(3))          # place 2 has partners 1, 3
    assert X.loc[0, "log_common_partners"] == pytest.approx(math.log(3))   # 1 + 2 shared partners
    assert X["closes_triangle"].tolist() == [1, 0, 0]
    # ties between AAA and BBB: 0-1, 1-2, 0-3, 3-2 = 4; place 0 has 2 partners in BBB, none in AAA
    assert np.expm1(X.loc[2, "log_country_pair_ties"]) == pytest.approx(4)
    assert np.expm1(X.loc[2, "log_focal_in_country"]) == pytest.approx(2)
    assert np.expm1(X.loc[0, "log_focal_in_country"]) == pytest.approx(0)
    assert np.expm1(X.loc[2, "log_candidate_in_country"]) == pytest.approx(2)  # place 1's partners in AAA: 0, 2
    assert X["east_west"].tolist() == [0, 0, 1]
    assert X["east_west_after_1990"].tolist() == [0, 0, 1]


def test_candidates_exclude_self_partners_and_places_known_only_from_the_future():
    cd = toy([0, 0, 0, 0], [0, 1, 2, 3], ["AAA"] * 4, ties=[(0, 1)], years=[1990], gazetteer=False)
    st = pc._state(cd, cd.ties.iloc[:0])
    assert pc._candidates(cd, st, 0).tolist() == []           # nobody is in the network yet
    st = pc._state(cd, cd.ties)
    assert pc._candidates(cd, st, 0).tolist() == []           # 1 is already its partner; 2, 3 unknown
    assert pc._candidates(cd, st, 2).tolist() == [0, 1]
    assert pc._candidates(cd, st, 0, known_only=False).tolist() == [2, 3]


def test_link_indices_agree_with_networkx():
    G = nx.gnp_random_graph(60, 0.08, seed=3)
    A = nx.to_scipy_sparse_array(G, nodelist=range(60), format="csr")
    pairs = list(nx.non_edges(G))
    src, dst = np.array(pairs).T
    got = pc.link_indices(sparse.csr_matrix(A), src, dst)
    cn = [len(list(nx.common_neighbors(G, u, v))) for u, v in pairs]
    aa = [p for _, _, p in nx.adamic_adar_index(G, pairs)]
    pa = [p for _, _, p in nx.preferential_attachment(G, pairs)]
    np.testing.assert_array_equal(got["common_neighbours"], cn)
    np.testing.assert_allclose(got["adamic_adar"], aa, rtol=1e-12)
    np.testing.assert_array_equal(got["preferential_attachment"], pa)


# ------------------------------------------------------------------------------------ metrics
def test_ranking_metrics_hand_computed():
    # scores 4 3 2 2 1 0, positives at 3 and one of the tied 2s
    s = np.array([4, 3, 2, 2, 1, 0.0])
    pos = np.array([False, True, True, False, False, False])
    m = pc.ranking_metrics(s, pos, ks=(1, 3, 6))
    # AUC: pos 3 beats 3 of 4 negatives (loses to 4); pos 2 beats 1, 0, ties one 2 (half), loses to 4: 2.5
    assert m["auc"] == pytest.approx((3 + 2.5) / 8)
    assert m["precision@1"] == 0 and m["recall@1"] == 0
    # top 3: 4, 3 and one of the two 2s (a positive with probability 1/2): 1.5 hits
    assert m["precision@3"] == pytest.approx(1.5 / 3) and m["recall@3"] == pytest.approx(0.75)
    assert m["recall@6"] == 1 and m["precision@6"] == pytest.approx(2 / 6)


def test_ranking_metrics_constant_score_is_chance():
    m = pc.ranking_metrics(np.zeros(10), np.arange(10) < 2, ks=(5,))
    assert m["auc"] == 0.5 and m["recall@5"] == pytest.approx(0.5) and m["precision@5"] == pytest.approx(0.2)


# ------------------------------------------------------------------------------------- fitting
def test_conditional_logit_closed_form():
    # one binary feature, pairs (chosen, other): chosen has x=1 three times, x=0 once -> b = log 3
    X = np.array([[[1.0], [0.0]]] * 3 + [[[0.0], [1.0]]])
    coef, V, U, ll = pc.fit_conditional_logit(X, ridge=0.0)
    assert coef[0] == pytest.approx(math.log(3), abs=1e-8)
    # information = sum p(1-p) = 4 * 3/16
    assert V[0, 0] == pytest.approx(1 / (4 * 3 / 16), rel=1e-6)
    assert ll == pytest.approx(3 * math.log(0.75) + math.log(0.25))
    assert U.sum() == pytest.approx(0, abs=1e-8)


def test_conditional_logit_matches_statsmodels():
    from statsmodels.discrete.conditional_models import ConditionalLogit

    rng = np.random.default_rng(5)
    E, R, beta = 300, 6, np.array([0.8, -0.5])
    X = rng.normal(size=(E, R, 2))
    u = X @ beta + rng.gumbel(size=(E, R))
    ch = u.argmax(1)
    # put the chosen alternative first
    X = np.stack([np.r_[X[e, [ch[e]]], np.delete(X[e], ch[e], 0)] for e in range(E)])
    coef, V, _, ll = pc.fit_conditional_logit(X, ridge=0.0)
    y = np.tile(np.r_[1, np.zeros(R - 1)], E)
    ref = ConditionalLogit(y, X.reshape(-1, 2), groups=np.repeat(np.arange(E), R))
    # statsmodels' log-likelihood, gradient and Hessian at our estimate: the same maximum
    assert ref.loglike(coef) == pytest.approx(ll, rel=1e-12)
    np.testing.assert_allclose(ref.score(coef), 0, atol=1e-8)
    np.testing.assert_allclose(V, np.linalg.inv(-ref.hessian(coef)), rtol=1e-6)
    # and its own (BFGS) fit lands within its tolerance of ours
    fit = ref.fit(method="bfgs", gtol=1e-10, maxiter=1000, disp=0)
    np.testing.assert_allclose(coef, fit.params, rtol=1e-3)
    assert ref.loglike(coef) >= ref.loglike(fit.params.to_numpy() if hasattr(fit.params, "to_numpy") else fit.params)


def simulated(beta_km=-1.5, beta_pop=0.8, n=400, events=600, seed=11):
    """Places in a 10 x 20 degree box; each event's partner drawn from the full choice set."""
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(40, 50, n), rng.uniform(0, 20, n)
    pop = np.exp(rng.normal(10, 1, n))
    focal = rng.integers(0, n, events)
    ties = []
    for i in focal:
        km = np.maximum(haversine_km(lat[i], lon[i], lat, lon), 1.0)
        v = beta_km * np.log(km) + beta_pop * np.log(pop)
        v[i] = -np.inf
        p = np.exp(v - v.max())
        ties.append((i, int(rng.choice(n, p=p / p.sum()))))
    return toy(lat, lon, ["AAA"] * n, pop=pop, ties=ties, years=[2000] * events)


def test_recovers_simulated_coefficients_with_the_sampling_correction():
    cd = simulated()
    m = pc.fit_partner_choice(cd, features=("log_km", "log_population"), n_alternatives=30, uniform=0.3,
                              random_state=2)
    t = m.estimates.table.set_index("term")
    for term, truth in (("log_km", -1.5), ("log_population", 0.8)):
        assert t.loc[term, "ci_low"] < truth < t.loc[term, "ci_high"], t
        assert abs(t.loc[term, "coef"] - truth) < 0.15
    # without the correction the distance-weighted proposal biases the distance coefficient
    raw = pc.fit_partner_choice(cd, features=("log_km", "log_population"), n_alternatives=30, uniform=0.3,
                                correct=False, random_state=2).estimates.table.set_index("term")
    assert abs(raw.loc["log_km", "coef"] + 1.5) > 3 * abs(t.loc["log_km", "coef"] + 1.5)
    assert abs(raw.loc["log_km", "coef"] + 1.5) > 0.3


def test_uniform_sampling_needs_no_correction():
    cd = simulated(events=300)
    kw = dict(features=("log_km", "log_population"), n_alternatives=30, uniform=1.0, random_state=4)
    a = pc.fit_partner_choice(cd, **kw).coef
    b = pc.fit_partner_choice(cd, correct=False, **kw).coef
    np.testing.assert_allclose(a, b, rtol=1e-8)


def test_fit_is_seeded():
    cd = simulated(events=200)
    kw = dict(features=("log_km", "log_population"), n_alternatives=10)
    np.testing.assert_array_equal(pc.fit_partner_choice(cd, random_state=7, **kw).coef,
                                  pc.fit_partner_choice(cd, random_state=7, **kw).coef)


def test_evaluate_split_beats_chance_on_simulated_future():
    cd = simulated(events=500)
    cd.ties["year"] = np.r_[np.full(400, 1990.0), np.full(100, 2000.0)]
    ev = pc.evaluate_split(cd, 1995, ks=(5,), n_boot=200, features=("log_km", "log_population"),
                           n_alternatives=20, random_state=1)
    s = ev.summary.set_index(["method", "metric"])
    assert set(s.index.get_level_values(0)) == {"model", "gravity", *pc.BASELINES}
    assert s.loc[("model", "auc"), "ci_low"] > 0.8
    assert s.loc[("model", "auc"), "n_replicates"] == 200
    # the model equals gravity alone here (same features): zero difference
    assert s.loc[("gravity", "auc"), "value"] == pytest.approx(s.loc[("model", "auc"), "value"], abs=0.02)


def test_score_candidates_contributions_sum_to_centred_score():
    cd = simulated(events=200)
    m = pc.fit_partner_choice(cd, features=("log_km", "log_population"), n_alternatives=10, random_state=0)
    sc = pc.score_candidates(m, cd, 0)
    c = sc[["c_log_km", "c_log_population"]].sum(axis=1)
    np.testing.assert_allclose(c, sc["score"] - sc["score"].mean(), atol=1e-9)
    assert sc["probability"].sum() == pytest.approx(1)
    assert sc["score"].is_monotonic_decreasing


def test_find_place():
    cd = toy([0, 0, 1], [0, 1, 1], ["AAA", "BBB", "BBB"], ties=[(0, 1)], years=[1990])
    cd.names = np.array(["Halle (Saale)", "Köln", "Koln"], dtype=object)
    assert pc.find_place(cd, "KÖLN", "BBB")[0] in (1, 2)
    assert pc.find_place(cd, "koln", "bbb")[0] == 1            # homonyms: the one with more partners
    idx, close = pc.find_place(cd, "Kolm")
    assert idx is None and close[0].startswith(("Köln", "Koln"))


# ---------------------------------------------------------------------------------------- CLI
def test_suggest_json_and_text(capsys):
    assert main(["suggest", "Ostrava", "--source", "czechia-partnerships-2013", "--top", "3", "--json",
                 "--events", "300"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["focal"]["place"] == "Ostrava" and out["focal"]["country"] == "CZE"
    assert len(out["candidates"]) == 3
    c = out["candidates"][0]
    assert {"partner", "country", "score", "reasons"} <= set(c)
    assert all({"feature", "contribution", "text"} <= set(r) for r in c["reasons"])
    assert [x["score"] for x in out["candidates"]] == sorted((x["score"] for x in out["candidates"]), reverse=True)


def test_suggest_unknown_place_is_one_line_with_close_matches(capsys):
    assert main(["suggest", "Ostrva", "--source", "czechia-partnerships-2013"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("twingraph: error: no place called 'Ostrva'")
    assert "Ostrava (CZE)" in err[0]


def test_focal_without_coordinates_or_country_gets_no_distance_or_country_part():
    cd = simulated(events=200)
    m = pc.fit_partner_choice(cd, features=("log_km", "same_country", "log_population"), n_alternatives=10,
                              random_state=0)
    cd.lat[0] = np.nan
    cd.country[0] = ""
    cd.usable[0] = False
    sc = pc.score_candidates(m, cd, 0)
    assert len(sc) > 0 and 0 not in sc["candidate"].to_numpy()
    assert np.allclose(sc["c_log_km"], 0, atol=1e-12) and np.allclose(sc["c_same_country"], 0, atol=1e-12)
    assert sc["c_log_population"].abs().max() > 0


def test_results_follow_the_result_model():
    from twingraph.results import Result

    cd = simulated(events=200)
    m = pc.fit_partner_choice(cd, features=("log_km", "log_population"), n_alternatives=10, random_state=0)
    assert isinstance(m, Result) and list(m.to_frame()["term"]) == ["log_km", "log_population"]


def test_distinct_candidates_folds_spellings_of_one_place():
    # P1 and P2: one place (1.1 km apart, same country) under two spellings; P3 is 11 km away
    cd = toy([50.0, 50.01, 50.0, 50.1], [18.0, 18.0, 18.0, 18.0], ["CZE", "POL", "POL", "POL"])
    scored = pd.DataFrame({"candidate": [1, 2, 3], "name": ["P1", "P2", "P3"], "country": ["POL"] * 3,
                           "score": [3.0, 2.0, 1.0], "probability": [0.5, 0.3, 0.2]})
    out = pc.distinct_candidates(scored, cd, km=2.0)
    assert out["name"].tolist() == ["P1", "P3"]
    assert out["aliases"].tolist() == ["P2", ""]
    assert out["probability"].tolist() == pytest.approx([0.8, 0.2])
