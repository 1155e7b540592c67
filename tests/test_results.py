"""The result model (twingraph.results): one empirical p-value, TestResult and the typed results."""

from __future__ import annotations

import io
import json
import pathlib
import re
import tokenize

import numpy as np
import pandas as pd
import pytest

import twingraph
from twingraph.results import (CounterfactualResult, CountryCutResult, CoverageStudy, EstimateTable, LogrankResult,
                               SurvivalValidation, TestResult, empirical_p_value, empirical_test)

ROOT = pathlib.Path(twingraph.__file__).parent


# ------------------------------------------------------------------------------ empirical p-value
def test_empirical_p_value_by_hand() -> None:
    null = [1.0, 2.0, 3.0, 4.0]                     # mean 2.5
    # two-sided: |null - 2.5| >= |4 - 2.5| = 1.5 for 1 and 4: (1 + 2) / 5
    assert empirical_p_value(4.0, null) == pytest.approx(3 / 5)
    assert empirical_p_value(4.0, null, "greater") == pytest.approx(2 / 5)
    assert empirical_p_value(4.0, null, "less") == pytest.approx(5 / 5)
    assert empirical_p_value(0.0, null, "less") == pytest.approx(1 / 5)
    # an explicit centre
    assert empirical_p_value(4.0, null, center=4.0) == pytest.approx(5 / 5)
    # non-finite replicates are dropped; an empty null gives the formula's 1
    assert empirical_p_value(4.0, [1.0, np.nan, 4.0, np.inf], "greater") == pytest.approx(2 / 3)
    assert empirical_p_value(4.0, [], "greater") == 1.0
    with pytest.raises(ValueError, match="alternative"):
        empirical_p_value(1.0, null, "both")


def test_empirical_p_value_tolerates_floating_point_noise() -> None:
    obs = 0.1 + 0.2                                  # 0.30000000000000004
    assert empirical_p_value(obs, [0.3, 0.0], "greater") == pytest.approx(2 / 3)
    assert empirical_p_value(0.3, [obs, 1.0], "less") == pytest.approx(2 / 3)
    # two-sided: a replicate that mirrors the observation up to rounding counts
    null = np.array([0.1, 0.5, 0.3])                 # mean 0.3
    assert empirical_p_value(0.5 + 1e-15, null) == pytest.approx(3 / 4)
    # but a real difference does not
    assert empirical_p_value(0.5 + 1e-6, null) == pytest.approx(1 / 4)


def _code_without_strings(path: pathlib.Path) -> str:
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if tok.type not in (tokenize.STRING, tokenize.COMMENT):
            out.append(tok.string)
    return " ".join(out)


def test_the_empirical_p_value_is_written_once() -> None:
    pattern = re.compile(r"\(\s*1\s*\+[^;]{0,120}?\)\s*/\s*\(\s*[\w.()\[\]\s]*\+\s*1\s*\)")
    copies = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.py")
              if p.name != "results.py" and pattern.search(_code_without_strings(p))]
    assert not copies, f"an empirical p-value (1 + #) / (R + 1) outside twingraph.results: {copies}"
    assert pattern.search(_code_without_strings(ROOT / "results.py"))


# ------------------------------------------------------------------------------------ TestResult
def test_empirical_test_fields_and_frame() -> None:
    r = empirical_test(4.0, [1.0, 2.0, 3.0], "toy null", alternative="greater")
    assert (r.statistic, r.p_value, r.null_mean, r.null_sd, r.n_replicates) == (4.0, 0.25, 2.0, 1.0, 3)
    assert r.effect_size == 2.0 and r.effect_name == "observed / null mean" and r.z == 2.0
    assert r.convention == "one-sided empirical (1 + #{null >= obs}) / (R + 1)"
    # the column order of a written table (figures/geo_short_ties.csv) is the field order, then z
    assert list(r.as_dict()) == ["statistic", "p_value", "convention", "null_mean", "null_sd", "effect_size",
                                 "effect_name", "ci_low", "ci_high", "ci_level", "n_replicates", "null_model", "z"]
    f = r.to_frame()
    assert f.shape == (1, 13) and f.loc[0, "p_value"] == 0.25 and f.loc[0, "z"] == 2.0
    assert r.significant(0.3) and not r.significant(0.05)
    assert TestResult.from_null(4.0, [1.0, 2.0, 3.0], "toy null", "greater") == r
    d = empirical_test(4.0, [1.0, 2.0, 3.0], "toy", effect="difference")
    assert d.effect_size == 2.0 and d.effect_name == "observed - null mean"


def test_old_import_paths_of_the_result_model() -> None:
    from twingraph.measures import TestResult as T1
    from twingraph.measures import empirical_test as e1
    from twingraph.survival import LogrankResult as L1

    assert T1 is TestResult and e1 is empirical_test and L1 is LogrankResult


def test_logrank_result_is_a_test_result_that_unpacks() -> None:
    res = twingraph.logrank_test([1, 2, 3, 4, 5, 6], [1, 1, 1, 1, 1, 1], [0, 0, 0, 1, 1, 1])
    assert isinstance(res, TestResult) and isinstance(res, LogrankResult)
    chi2, p, dof, dropped = res
    assert chi2 == pytest.approx(5.05166, abs=1e-5) and dof == 1 and dropped == 0  # R survdiff
    assert p == pytest.approx(0.02461, abs=1e-5) and res.convention == "log-rank chi-square(1)"
    assert res.as_dict()["dof"] == 1


# -------------------------------------------------------------------------------- typed results
def test_estimate_table() -> None:
    t = pd.DataFrame({"term": ["x"], "coef": [0.5]})
    e = EstimateTable(table=t, n_obs=10, method="poisson", info={"pseudo_r2": 0.3})
    assert e["pseudo_r2"] == 0.3 and e["n_obs"] == 10 and e.to_frame().equals(t)
    with pytest.raises(KeyError):
        e["nothing"]


def test_simulation_results_keep_their_old_shapes() -> None:
    from twingraph.simulate import dyadic_coverage, validate_survival

    v = validate_survival(n_replicates=3, n_jobs=1, n_ties=100, n_places=50, random_state=2)
    assert isinstance(v, SurvivalValidation)
    assert v["replicates"] == 3 == v.replicates and v["seed"] == 2 and v["bias_scale"] == "log hazard ratio"
    assert v.n_used + v.n_not_estimable == 3
    assert json.loads(json.dumps(v.as_dict()))["n_ties"] == 100
    assert [k for k, _ in v.items()] == v.keys() and v.keys()[0] == "replicates"
    study = dyadic_coverage(4, {"independent": {}}, n_places=40, n_ties=100, pseudo_true_replicates=2,
                            random_state=1, n_jobs=1)
    assert isinstance(study, CoverageStudy)
    summary, reps = study
    assert summary is study.summary and reps is study.replicates and len(reps) == 4
    assert study.to_frame().equals(summary) and len(summary) == 4   # one row per SE type


def test_counterfactual_results() -> None:
    import networkx as nx

    from twingraph.counterfactual import counterfactual_removal, country_cut_null

    res = counterfactual_removal(nx.path_graph(6), [(2, 3)], measures=("lcc",), n_replicates=5, random_state=0)
    assert isinstance(res, CounterfactualResult) and (res.k, res.n, res.m) == (1, 6, 5)
    lcc = res.table.set_index("measure").loc["lcc_size"]
    assert (lcc["baseline"], lcc["observed"]) == (6.0, 3.0)
    assert res.to_frame().equals(res.table) and res.replicates.shape == (5, 2)
    assert res.as_dict()["random_state"] == 0
    G = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    nx.set_node_attributes(G, {"a": "A", "b": "B", "c": "C", "d": "D"}, "country")
    cut = country_cut_null(G, "B")
    assert isinstance(cut, CountryCutResult) and isinstance(cut.matched, TestResult)
    assert cut.focal == "B" and cut.n_countries == 4 and cut.table["country"].iloc[0] in {"B", "C"}
    assert cut.baseline == pytest.approx(nx.global_efficiency(G))


def test_table_results_replace_dataframe_attrs() -> None:
    """No source module stores facts in ``DataFrame.attrs`` (they are lost by most pandas operations);
    table-returning functions give a TableResult with typed fields, and for one release the result still
    answers DataFrame access, with a DeprecationWarning."""
    from twingraph.cohorts import CohortSurvival
    from twingraph.measures.gravity import DecaySlopes, decay_slopes
    from twingraph.results import TableResult

    src = pathlib.Path(twingraph.__file__).parent
    users = [str(p.relative_to(src)) for p in src.rglob("*.py")
             if p.name != "results.py" and re.search(r"\.attrs\b", p.read_text(encoding="utf-8"))]
    assert users == []
    km = np.logspace(1, 4, 20)
    t = pd.DataFrame({"bin_lo_km": km, "km_mid": km, "n_pairs": 1e9, "n_ties": 1e9 * 1e-3 * (km / 10) ** -1.0})
    res = decay_slopes(t, candidates_km=[300, 1000])
    assert isinstance(res, DecaySlopes) and isinstance(res, TableResult) and issubclass(CohortSurvival, TableResult)
    assert res.n_bins == 20 and len(res.coef) == 3 and res.to_frame().equals(res.table)
    assert res.to_frame() is not res.table  # a copy
    with pytest.warns(DeprecationWarning, match="use .table"):
        assert res["slope"].tolist() == res.table["slope"].tolist()
    with pytest.warns(DeprecationWarning, match="use .table"):
        assert len(res) == 2
    with pytest.warns(DeprecationWarning, match="use .table"):
        assert list(res.columns) == list(res.table.columns)
    with pytest.raises(AttributeError):
        res._private  # noqa: B018  (private names are not forwarded)
