"""Degree statistics: Gini/Lorenz, KONECT power-law exponent, CSN power-law fit and bootstrap."""

from __future__ import annotations

import math

import igraph as ig
import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from twingraph.measures import degree as Dg
from twingraph.measures._common import as_igraph

STAR = ig.Graph([(0, 1), (0, 2), (0, 3), (0, 4)])
PATH4 = ig.Graph([(0, 1), (1, 2), (2, 3)])


def test_basic_degree_stats():
    g = ig.Graph(n=6, edges=[(0, 1), (0, 2), (0, 3), (0, 4)])  # star + isolated vertex
    assert Dg.max_degree(g) == 4
    assert Dg.mean_degree(g) == pytest.approx(8 / 6)  # 2m/n, isolated vertex included
    k, p = Dg.degree_ccdf(g)
    assert k.tolist() == [0, 1, 4]
    assert p.tolist() == pytest.approx([1.0, 5 / 6, 1 / 6])


def test_gini_hand_computed_and_konect_formula():
    # sorted degrees 1,1,1,1,4: 2*(1+2+3+4+20)/(5*8) - 6/5 = 0.3
    assert Dg.gini(STAR) == pytest.approx(0.3)
    # degree-0 vertices are ignored (KONECT drops them)
    assert Dg.gini(np.array([0, 0, 4, 1, 1, 1, 1])) == pytest.approx(0.3)
    assert Dg.gini(ig.Graph.Ring(10)) == pytest.approx(0.0)
    # konect_gini_direct.m: 1 - (2 sum(s) - 1)/n with s the normalised cumulative sums
    rng = np.random.default_rng(0)
    d = rng.integers(1, 50, size=200)
    s = np.cumsum(np.sort(d)) / d.sum()
    assert Dg.gini(d) == pytest.approx(1 - (2 * s.sum() - 1) / len(d))


def test_lorenz_curve_area_gives_gini():
    rng = np.random.default_rng(1)
    d = rng.integers(1, 30, size=100)
    x, y = Dg.lorenz_curve(d)
    assert x[0] == 0 and y[0] == 0 and x[-1] == pytest.approx(1) and y[-1] == pytest.approx(1)
    area = np.sum((y[1:] + y[:-1]) / 2 * np.diff(x))
    assert 1 - 2 * area == pytest.approx(Dg.gini(d))


def test_konect_power_law_exponent_hand_computed():
    assert Dg.powerlaw_exponent_konect(STAR) == pytest.approx(1 + 5 / math.log(4))
    assert Dg.powerlaw_exponent_konect(PATH4) == pytest.approx(1 + 4 / (2 * math.log(2)))
    # d_min is the smallest *positive* degree, zeros are dropped
    assert Dg.powerlaw_exponent_konect(np.array([0, 2, 4, 8])) == pytest.approx(1 + 3 / (math.log(2) + math.log(4)))
    assert math.isnan(Dg.powerlaw_exponent_konect(ig.Graph.Ring(5)))


def test_edge_distribution_entropy():
    assert Dg.edge_distribution_entropy(ig.Graph.Full(5)) == pytest.approx(1.0)
    p = np.array([4, 1, 1, 1, 1]) / 8
    assert Dg.edge_distribution_entropy(STAR) == pytest.approx(-(p * np.log(p)).sum() / math.log(5))


def test_konect_alpha_grid_is_matlab_range():
    grid = Dg.KONECT_ALPHA_GRID
    assert len(grid) == 800 and grid[0] == pytest.approx(1.001) and grid[-1] == pytest.approx(8.991)
    # KONECT's published tail exponent for "twin" (2.99100) lies on this grid
    assert np.any(np.isclose(grid, 2.991))


def test_sampler_matches_pmf():
    rng = np.random.default_rng(2)
    x = Dg.sample_discrete_powerlaw(2.5, 2, 200_000, rng)
    assert x.min() == 2
    norm = special.zeta(2.5, 2)
    for k in (2, 3, 5):
        assert np.mean(x == k) == pytest.approx(k ** -2.5 / norm, abs=0.004)
    # tail beyond the exact table is sampled too
    y = Dg.sample_discrete_powerlaw(1.5, 1, 20_000, rng, table_max=100)
    assert np.mean(y > 100) == pytest.approx(special.zeta(1.5, 101) / special.zeta(1.5, 1), abs=0.01)


def test_ks_matches_brute_force():
    rng = np.random.default_rng(3)
    x = Dg.sample_discrete_powerlaw(2.2, 3, 500, rng)
    alpha, xmin = 2.3, 3
    grid = np.arange(xmin, x.max() + 1)
    fit = 1 - special.zeta(alpha, grid + 1.0) / special.zeta(alpha, xmin)
    emp = np.array([np.mean(x <= k) for k in grid])
    assert Dg.powerlaw_ks(x, alpha, xmin) == pytest.approx(np.abs(fit - emp).max())


def test_fit_recovers_exponent_and_is_the_mle():
    rng = np.random.default_rng(4)
    x = Dg.sample_discrete_powerlaw(2.5, 1, 30_000, rng)
    fit = Dg.fit_powerlaw(x, xmin=1)
    assert fit.alpha == pytest.approx(2.5, abs=0.03)
    # numerical maximiser agrees with a fine brute-force scan of the log-likelihood
    a = np.linspace(2.3, 2.7, 4001)
    ll = -a * np.log(x).sum() - len(x) * np.log(special.zeta(a, 1))
    assert fit.alpha == pytest.approx(a[np.argmax(ll)], abs=2e-4)
    grid_fit = Dg.fit_powerlaw(x, xmin=1, alpha_grid=Dg.KONECT_ALPHA_GRID)
    assert np.isclose(Dg.KONECT_ALPHA_GRID, grid_fit.alpha).any()
    assert abs(grid_fit.alpha - fit.alpha) <= 0.006


def test_fit_chooses_xmin_of_a_shifted_tail():
    rng = np.random.default_rng(5)
    tail = Dg.sample_discrete_powerlaw(2.7, 10, 5000, rng)
    body = rng.integers(1, 10, size=5000)  # uniform body below 10
    fit = Dg.fit_powerlaw(np.concatenate([body, tail]))
    # the uniform body is rejected; above the true xmin any cut fits, KS noise picks one
    assert 10 <= fit.xmin <= 30
    assert fit.alpha == pytest.approx(2.7, abs=0.15)
    assert fit.n == 10_000 and fit.n_tail == int(np.sum(np.concatenate([body, tail]) >= fit.xmin))


def test_fit_on_graph_uses_positive_degrees():
    g = ig.Graph(n=5, edges=[(0, 1), (0, 2), (0, 3)])
    fit = Dg.fit_powerlaw(g)
    assert fit.n == 4  # the isolated vertex is dropped
    with pytest.raises(ValueError):
        Dg.fit_powerlaw(np.array([1.5, 2.0]))


def test_bootstrap_pvalue_distinguishes_power_law_from_poisson():
    rng = np.random.default_rng(6)
    pl = Dg.sample_discrete_powerlaw(2.5, 1, 2000, rng)
    p_pl, ks = Dg.powerlaw_pvalue(pl, n_replicates=40, random_state=1)
    assert len(ks) == 40 and p_pl > 0.1
    pois = rng.poisson(8, size=4000) + 1
    p_pois, _ = Dg.powerlaw_pvalue(pois, n_replicates=40, random_state=1)
    assert p_pois < p_pl
    # reproducible
    assert Dg.powerlaw_pvalue(pl, n_replicates=10, random_state=3)[1].tolist() == Dg.powerlaw_pvalue(pl, n_replicates=10, random_state=3)[1].tolist()


@settings(max_examples=30, deadline=None)
@given(n=st.integers(2, 50), p=st.floats(0.05, 0.6), seed=st.integers(0, 10_000))
def test_degree_stats_agree_with_networkx(n, p, seed):
    G = nx.gnp_random_graph(n, p, seed=seed)
    g = as_igraph(G)
    degs = np.array([d for _, d in sorted(G.degree())])
    assert Dg.degrees(g).tolist() == degs.tolist()
    assert Dg.max_degree(g) == max(degs)
    assert Dg.mean_degree(g) == pytest.approx(2 * G.number_of_edges() / n)
    pos = np.sort(degs[degs > 0]).astype(float)
    if len(pos):
        # Gini via mean absolute difference: G = sum_ij |xi - xj| / (2 n^2 mean)
        mad = np.abs(pos[:, None] - pos[None, :]).sum() / (2 * len(pos) ** 2 * pos.mean())
        assert Dg.gini(g) == pytest.approx(mad)


def test_compare_tail_fits_detects_the_generating_law() -> None:
    # lognormal data: the lognormal must win against the power law; discrete power-law data:
    # the exponential must lose (positive LR), with the exact discrete MLE alpha near the truth
    rng = np.random.default_rng(5)
    ln = np.maximum(1, np.round(rng.lognormal(1.0, 1.0, 4000))).astype(int)
    t = Dg.compare_tail_fits(ln, xmin=3).set_index("alternative")
    assert t.loc["lognormal", "loglik_ratio"] < 0
    pl = Dg.sample_discrete_powerlaw(2.5, 2, 4000, rng)
    t = Dg.compare_tail_fits(pl, xmin=2).set_index("alternative")
    assert t.loc["exponential", "loglik_ratio"] > 0 and t.loc["exponential", "favoured"] == "power_law"
    assert t["alpha"].iloc[0] == pytest.approx(2.5, abs=0.1)
    assert t.loc["truncated_power_law", "loglik_ratio"] <= 1e-6  # nested: never better than the truncated law
