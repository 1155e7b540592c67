"""Formation dynamics (twingraph.formation): hand-computed cases, statsmodels cross-checks, real series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from twingraph import formation as F
from twingraph.exceptions import TwingraphWarning


# ----------------------------------------------------------------------------------- small tables
def _pairs(rows):  # type: ignore[no-untyped-def]
    df = pd.DataFrame(rows, columns=["focal", "partner", "year"])
    df["year"] = df["year"].astype("Int64")
    return df


def test_formation_counts_years_and_decades():
    p = pd.DataFrame(
        {
            "partner_country": ["FRA", "FRA", "FRA", "POL", "POL"],
            "year": pd.array([1958, 1963, 1963, 1991, None], dtype="Int64"),
        }
    )
    c = F.formation_counts(p, years=range(1958, 1995))
    fra = c[c["group"] == "FRA"].set_index("year")["formed"]
    assert fra[1963] == 2 and fra[1958] == 1 and fra.sum() == 3
    pol = c[c["group"] == "POL"].iloc[0]
    assert (pol["n_pairs"], pol["n_dated"], pol["dated_share"]) == (2, 1, 0.5)
    d = F.formation_counts(p, years=range(1950, 2000), period=10)
    assert d[d["group"] == "FRA"].set_index("year")["formed"].to_dict() == {1950: 1, 1960: 2, 1970: 0, 1980: 0, 1990: 0}


def test_event_units_from_registry_rows():
    assert F.event_units({"actors": "FRA;DEU", "targets": None}, "DEU") == ["FRA"]
    assert F.event_units({"actors": None, "targets": "POL;CZE;SVK"}, "CZE") == ["POL", "SVK"]
    assert F.event_units({"actors": "DEU", "targets": ""}, "DEU") == []


def test_event_study_design_by_hand():
    counts = pd.DataFrame(
        {
            "group": ["A"] * 4 + ["B"] * 4 + ["Z"] * 4,
            "year": [2000, 2001, 2002, 2003] * 3,
            "formed": [1, 2, 3, 4, 2, 2, 2, 2, 0, 0, 0, 0],
        }
    )
    design = F.event_study_design(counts, 2002, ["A"], window=(-2, 1), reference=-1)
    d = design.table
    # Z has no formation in the window: dropped; rows = 2 units x 4 years
    assert design.dropped_units == ["Z"] and len(d) == 8 and design.treated == ["A"]
    assert list(d.columns) == ["unit", "year", "k", "treated", "post", "y", "lead_2", "lag_0", "lag_1"]
    a = d[d["unit"] == "A"]
    assert a["k"].tolist() == [-2, -1, 0, 1]
    assert a["lead_2"].tolist() == [1, 0, 0, 0]
    assert a["lag_0"].tolist() == [0, 0, 1, 0] and a["lag_1"].tolist() == [0, 0, 0, 1]
    assert a["post"].tolist() == [0, 0, 1, 1]
    b = d[d["unit"] == "B"]
    assert (b[["lead_2", "lag_0", "lag_1", "post", "treated"]].to_numpy() == 0).all()
    # a placeholder year left out: its rows and its dummy go
    e = F.event_study_design(counts, 2002, ["A"], window=(-2, 1), exclude_years=[2003]).table
    assert "lag_1" not in e.columns and sorted(set(e["year"])) == [2000, 2001, 2002]
    with pytest.raises(ValueError, match="reference year"):
        F.event_study_design(counts, 2002, ["A"], window=(-2, 1), exclude_years=[2001])
    with pytest.raises(ValueError, match="lack years"):
        F.event_study_design(counts, 2003, ["A"], window=(-2, 2))


def _simulated_panel(
    rr: float,
    seed: int = 7,
    n_units: int = 40,
    n_treated: int = 8,  # type: ignore[no-untyped-def]
    alpha: float = 0.0,
):
    rng = np.random.default_rng(seed)
    years = np.arange(1980, 2000)
    unit_fe = rng.normal(1.0, 0.5, n_units)
    year_fe = np.linspace(0, 0.8, len(years))
    rows = []
    for u in range(n_units):
        for t, yr in enumerate(years):
            eff = np.log(rr) if (u < n_treated and yr >= 1990) else 0.0
            mu = np.exp(unit_fe[u] + year_fe[t] + eff)
            if alpha > 0:  # NB2: gamma-Poisson mixture with variance mu + alpha mu^2
                mu = rng.gamma(1 / alpha, alpha * mu)
            rows.append({"group": f"u{u:02d}", "year": int(yr), "formed": int(rng.poisson(mu))})
    return pd.DataFrame(rows), [f"u{u:02d}" for u in range(n_treated)]


def test_event_study_matches_statsmodels_formula_and_recovers_rate_ratio():
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    counts, treated = _simulated_panel(rr=2.0)
    res = F.event_study(counts, 1990, treated, window=(-5, 5), family="poisson")
    d = res.design.table
    ref = smf.glm("y ~ C(unit) + C(year) + post", data=d, family=sm.families.Poisson()).fit(cov_type="HC1")
    assert res.post["coef"] == pytest.approx(ref.params["post"], abs=1e-6)
    assert res.post["se"] == pytest.approx(ref.bse["post"], rel=1e-4)
    assert res.post["ci_low"] < 2.0 < res.post["ci_high"]
    lags = res.coefficients[res.coefficients["k"] >= 0]
    assert ((lags["ci_low"] < 2.0) & (2.0 < lags["ci_high"])).all()
    # no pre-trend was simulated: the joint test of the leads does not reject at 1%
    assert res.pretrend["df"] == 4 and res.pretrend["p_value"] > 0.01
    assert res.pretrend["slope_ci_low"] < 1.0 < res.pretrend["slope_ci_high"]
    nb = F.event_study(counts, 1990, treated, window=(-5, 5), family="negbin")
    assert nb.post["ci_low"] < 2.0 < nb.post["ci_high"]


def test_event_study_negbin_on_overdispersed_counts():
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    counts, treated = _simulated_panel(rr=2.0, seed=11, alpha=0.3)
    res = F.event_study(counts, 1990, treated, window=(-5, 5), family="negbin")
    assert 0.15 < res.notes["alpha"] < 0.5
    assert res.post["ci_low"] < 2.0 < res.post["ci_high"]
    # same alpha in statsmodels' formula GLM gives the same coefficient
    ref = smf.glm(
        "y ~ C(unit) + C(year) + post", data=res.design.table, family=sm.families.NegativeBinomial(alpha=res.notes["alpha"])
    ).fit()
    assert res.post["coef"] == pytest.approx(ref.params["post"], abs=1e-6)


def test_event_study_null_effect_covers_one():
    counts, treated = _simulated_panel(rr=1.0, seed=3)
    res = F.event_study(counts, 1990, treated, window=(-5, 5), family="poisson")
    assert res.post["ci_low"] < 1.0 < res.post["ci_high"]


# ------------------------------------------------------------------------------- attachment kernel
def test_exact_poisson_interval_published_values():
    # Garwood intervals, e.g. Ulm (1990) Am J Epidemiol 131:373 table: n=0 -> (0, 3.689), n=10 -> (4.795, 18.390)
    lo, hi = F.exact_poisson_interval([0, 10])
    assert lo[0] == 0 and hi[0] == pytest.approx(3.689, abs=1e-3)
    assert lo[1] == pytest.approx(4.795, abs=1e-3) and hi[1] == pytest.approx(18.390, abs=1e-3)


def test_attachment_counts_by_hand():
    # x: partners in 2000, 2002, 2002, 2004; y: 2001, 2002; z: 2003 (never at risk before the end)
    p = _pairs(
        [
            ("x", "a", 2000),
            ("x", "b", 2002),
            ("x", "c", 2002),
            ("x", "d", 2004),
            ("y", "e", 2001),
            ("y", "f", 2002),
            ("z", "g", 2004),
        ]
    )
    c = F.attachment_counts(p).set_index(["year", "k"])
    # x: k=1 in 2001, 2002 (gains 2 in 2002); k=3 in 2003, 2004 (gains 1 in 2004)
    # y: k=1 in 2002 (gains 1); k=2 in 2003, 2004.  z enters in 2004 (k=0 unobserved).
    expect = {
        (2001, 1): (1, 0),
        (2002, 1): (2, 3),
        (2003, 2): (1, 0),
        (2003, 3): (1, 0),
        (2004, 2): (1, 0),
        (2004, 3): (1, 1),
    }
    assert {k: tuple(v) for k, v in c[["n_at_risk", "gained"]].iterrows()} == expect
    ak = F.attachment_kernel(p, bins=(1, 2, 3), n_replicates=0)
    kern = ak.kernel.set_index("label")
    # yearly mean rates: 2001: 0/1, 2002: 3/2, 2003: 0/2, 2004: 1/2
    # expected k=1: 1*0 + 2*1.5 = 3 (observed 3); k=2: 1*0 + 1*0.5 = 0.5 (obs 0); k=3: 0 + 0.5 (obs 1)
    assert kern.loc["1", "expected"] == pytest.approx(3.0) and kern.loc["1", "relative_rate"] == pytest.approx(1.0)
    assert kern.loc["2", "expected"] == pytest.approx(0.5) and kern.loc["2", "observed"] == 0
    assert kern.loc["3+", "relative_rate"] == pytest.approx(2.0)
    _, hi = F.exact_poisson_interval(1)
    assert kern.loc["3+", "ci_high"] == pytest.approx(float(hi) / 0.5)


def _grow(kernel, n_years=40, new_nodes=15, new_edges=25, seed=0):  # type: ignore[no-untyped-def]
    """Simulated register: each year new towns join with one partner and existing towns gain partners
    with probability proportional to kernel(k)."""
    rng = np.random.default_rng(seed)
    deg: list[int] = []
    rows = []
    for t in range(n_years):
        if deg:
            w = np.array([kernel(k) for k in deg], dtype=float)
            targets = rng.choice(len(deg), size=new_edges, p=w / w.sum())
            for i in targets:
                rows.append((f"n{i}", f"p{len(rows)}", 1950 + t))
            for i in targets:
                deg[i] += 1
        for _ in range(new_nodes):
            deg.append(1)
            rows.append((f"n{len(deg) - 1}", f"p{len(rows)}", 1950 + t))
    return _pairs(rows)


@pytest.mark.parametrize(("kernel", "alpha"), [(lambda k: k, 1.0), (lambda k: 1.0, 0.0)])
def test_attachment_exponent_recovers_simulated_kernel(kernel, alpha):
    # four simulated registers; each estimate has a standard error of about 0.045
    est = [F.attachment_kernel(_grow(kernel, seed=s), n_replicates=0).alpha_ for s in range(4)]
    assert abs(np.mean(est) - alpha) < 0.08
    assert all(abs(a - alpha) < 0.2 for a in est)


def test_concentrated_alpha_equals_glm_with_year_effects():
    c = F.attachment_counts(_grow(lambda k: k**0.7, seed=2))
    assert F._alpha_concentrated(c) == pytest.approx(F._fit_alpha(c)[0], abs=1e-4)


def test_attachment_null_is_reproducible():
    p = _grow(lambda k: k, n_years=15)
    a = F.attachment_kernel(p, n_replicates=3, random_state=5)
    b = F.attachment_kernel(p, n_replicates=3, random_state=5)
    np.testing.assert_array_equal(a.null_alpha_, b.null_alpha_)
    assert len(a.null_kernel_) == len(a.kernel)


# ----------------------------------------------------------------------------------- geography
def test_coordinate_country_check():
    pl = pd.DataFrame(
        {
            "place_id": ["peking_in_usa", "beijing", "waidhaus", "nowhere"],
            "lat": [39.9, 39.9, 49.64, np.nan],
            "lon": [-75.1, 116.4, 12.50, np.nan],
            "country": ["CHN", "CHN", "DEU", "FRA"],
        }
    )
    chk = F.coordinate_country_check(pl)
    assert bool(chk.loc["peking_in_usa", "flagged"]) and chk.loc["peking_in_usa", "coords_country"] == "USA"
    assert not chk.loc["beijing", "flagged"] and chk.loc["beijing", "coords_country"] == "CHN"
    assert not chk.loc["waidhaus", "flagged"]  # on the Czech border, in Germany
    assert not chk.loc["nowhere", "flagged"] and np.isnan(chk.loc["nowhere", "km_to_country"])


def test_dating_agreement_by_hand():
    pa = pd.DataFrame(
        {
            "pair_id": ["a1", "a2"],
            "focal": ["de:Cham", "de:Selb"],
            "partner": ["cz:Klattau", "cz:Pardubitz"],
            "focal_country": ["DEU", "DEU"],
            "partner_country": ["CZE", "CZE"],
            "year": pd.array([1993, 2000], dtype="Int64"),
        }
    )
    pla = pd.DataFrame(
        {
            "place_id": ["de:Cham", "de:Selb", "cz:Klattau", "cz:Pardubitz"],
            "name": ["Cham", "Selb", "Klatovy (Klattau)", "Pardubice (Pardubitz)"],
            "lat": [49.22, 50.17, 49.39, 50.04],
            "lon": [12.66, 12.13, 13.29, 15.78],
        }
    )
    pb = pd.DataFrame(
        {
            "pair_id": ["b1", "b2"],
            "focal": ["cz:K", "cz:N"],
            "partner": ["de:C", "de:S"],
            "focal_country": ["CZE", "CZE"],
            "partner_country": ["DEU", "DEU"],
            "year": pd.array([1992, 1991], dtype="Int64"),
        }
    )
    plb = pd.DataFrame(
        {
            "place_id": ["cz:K", "cz:N", "de:C", "de:S"],
            "name": ["Klatovy", "Nejdek", "Cham", "Selb"],  # Nejdek is not Pardubice
            "lat": [49.395, 50.32, 49.221, 50.171],
            "lon": [13.295, 12.73, 12.661, 12.131],
        }
    )
    m = F.dating_agreement(pa, pla, pb, plb)
    assert m["pair_a"].tolist() == ["a1"] and m["pair_b"].tolist() == ["b1"]
    assert int(m["difference"].iloc[0]) == -1 and m["rule"].iloc[0] == "coordinates+names"


def test_dating_agreements_stack_and_summary():
    pa = pd.DataFrame({"pair_id": ["a1"], "focal": ["de:Cham"], "partner": ["cz:Klattau"], "focal_country": ["DEU"],
                       "partner_country": ["CZE"], "year": pd.array([1993], dtype="Int64")})
    pla = pd.DataFrame({"place_id": ["de:Cham", "cz:Klattau"], "name": ["Cham", "Klatovy (Klattau)"],
                        "lat": [49.22, 49.39], "lon": [12.66, 13.29]})
    pb = pd.DataFrame({"pair_id": ["b1"], "focal": ["cz:K"], "partner": ["de:C"], "focal_country": ["CZE"],
                       "partner_country": ["DEU"], "year": pd.array([1992], dtype="Int64")})
    plb = pd.DataFrame({"place_id": ["cz:K", "de:C"], "name": ["Klatovy", "Cham"],
                        "lat": [49.395, 49.221], "lon": [13.295, 12.661]})
    # the same source twice under two names, once with a radius too small to match (the ends are ~0.5 km apart)
    m = F.dating_agreements(pa, pla, {"wide": (pb, plb, {}), "narrow": (pb, plb, {"max_km": 0.01})}, source_a="A")
    assert m.columns[0] == "source_a" and m.columns[-1] == "source_b"
    assert m["source_b"].tolist() == ["wide"] and m["source_a"].tolist() == ["A"]
    diff = pd.DataFrame({"source_b": ["y", "x", "x", "x", "x"],
                         "difference": pd.array([5, 0, 1, -3, None], dtype="Int64")})
    summ = F.dating_agreement_summary(diff)
    assert summ.values.tolist() == [["x", 4, 3, 1, 2], ["y", 1, 1, 0, 0]]


def test_event_times_filters_country_and_years():
    ev = pd.DataFrame({"date": pd.to_datetime(["1963-01-22", "1990-10-03", "2020-01-01", "1970-01-01"]),
                       "actors": ["DEU;FRA", "DEU", "DEU;FRA", "POL"], "targets": ["", "FRA", None, "DEU"]})
    t = F.event_times(ev, "FRA", "DEU", range(1946, 2015))
    assert t == pytest.approx([1963 + 21 / 365.25, 1990 + 275 / 365.25])  # 2020 is outside the years
    assert F.event_times(ev, "POL", "DEU", range(1946, 2015)) == [1970.0]


def test_event_studies_equals_single_runs_and_skips_missing_events():
    counts, treated = _simulated_panel(rr=2.0)
    pairs = counts.loc[counts.index.repeat(counts["formed"]), ["group", "year"]]
    pairs = pairs.rename(columns={"group": "partner_country"}).assign(year=lambda d: d["year"].astype("Int64"))
    events = pd.DataFrame({"date": [pd.Timestamp("1990-06-01")], "actors": ["DEU;u00"], "targets": [""]},
                          index=pd.Index(["ev"], name="event_id"))
    specs = [("ev", "DEU", "partner_country", treated, ["u39"]), ("missing", "DEU", "partner_country", None, []),
             ("ev", "DEU", "partner_country", None, [])]
    with pytest.warns(TwingraphWarning, match="skipped 1 event.*: missing"):
        coefs, summ = F.event_studies(specs, events, {"DEU": pairs}, {"DEU": range(1980, 2000)}, window=(-5, 5),
                                      family="poisson")
    assert summ["treated"].tolist() == [";".join(treated), "u00"]  # None: the event's units other than DEU
    c = F.formation_counts(pairs, years=range(1980, 2000))
    one = F.event_study(c, 1990, treated, window=(-5, 5), units=[g for g in c["group"].unique() if g != "u39"],
                        family="poisson")
    assert summ["n_units"].iloc[0] == one.n_units == 39
    assert summ["post_rate_ratio"].iloc[0] == pytest.approx(one.post["rate_ratio"])
    first = coefs.iloc[: len(one.coefficients)]
    assert first["rate_ratio"].tolist() == pytest.approx(one.coefficients["rate_ratio"].tolist(), nan_ok=True)
    assert set(coefs["event"]) == {"ev"} and len(coefs) == 2 * len(one.coefficients)


def test_formation_by_source_top_groups_and_period_labels():
    a = pd.DataFrame({"partner_country": ["FRA", "FRA", "POL"], "year": pd.array([1950, 1952, 1952], dtype="Int64")})
    b = pd.DataFrame({"partner_country": ["DEU"], "year": pd.array([1951], dtype="Int64")})
    y = F.formation_by_source({"a": a, "b": b}, {"b": range(1950, 1953), "a": range(1950, 1953)})
    assert y["dataset"].tolist() == ["b"] * 3 + ["a"] * 3  # in the order of ``years``
    assert y.loc[y["dataset"] == "a", "formed"].tolist() == [1, 0, 2]
    assert y.loc[y["dataset"] == "a", "cumulative"].tolist() == [1, 1, 3]
    assert y.loc[y["dataset"] == "b", "cumulative"].tolist() == [0, 1, 1]
    c = pd.DataFrame({"group": ["FRA", "POL", "USA", "FRA", "USA", "ITA"], "year": [1950, 1950, 1950, 1960, 1960, 1960],
                      "formed": [3, 1, 2, 4, 1, 1]})
    t = F.top_groups_by_period(c, n=2)  # FRA 7, USA 3 kept; POL 1 and ITA 1 pooled
    assert list(t.columns) == ["FRA", "USA", "other"]
    assert t.loc[1950].tolist() == [3, 2, 1] and t.loc[1960].tolist() == [4, 1, 1]
    assert t.to_numpy().sum() == c["formed"].sum()
    assert F.period_labels([1990, 2010]) == ["1990s", "2010s"]
    assert F.period_labels([2000, 2010], [3, 4], last=(2010, "2010-14")) == ["2000s\n3", "2010-14\n4"]


# ------------------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def de_pairs(shared_data):  # type: ignore[no-untyped-def]
    import twingraph as tg

    return F.partnerships(tg.load("germany-partnerships-2015"))


def test_real_partnerships_merge_kinds(de_pairs):
    assert (de_pairs["focal_country"] == "DEU").all()  # the focal country: the register's own
    assert len(de_pairs) == 5859  # 5,866 ties; 7 pairs listed with two kinds (Berlin - St. Petersburg f+p, ...)
    kati = de_pairs[de_pairs["partner"] == "de15:MLI:Kati"]
    assert kati["year"].tolist() == [2009] and kati["kinds"].iloc[0] == "friendship;twin"


def test_real_german_french_series_around_1963(shared_data, de_pairs):
    # independent count from the raw file: pairs (town, postcode, partner) with a French partner, earliest year
    raw = pd.read_csv(
        shared_data / "germany-partnerships-2015" / "TwinTowns_clean.csv", dtype=str, keep_default_na=False
    )
    fr = raw[raw["country"] == "France"].copy()
    fr["seit"] = fr["seit"].astype(int)
    first = fr.groupby(["municipality", "plz", "partnergemeinde"])["seit"].min()
    by_year = first.value_counts()
    c = F.formation_counts(de_pairs, years=range(1950, 2015))
    fra = c[c["group"] == "FRA"].set_index("year")["formed"]
    for y in range(1956, 1971):
        assert fra[y] == by_year.get(y, 0)
    assert [int(fra[y]) for y in range(1960, 1967)] == [31, 23, 22, 41, 55, 47, 72]
    res = F.event_study(c, 1963, ["FRA"], window=(-6, 6), family="poisson")
    # measured (reported, not an expectation): French formation after 1963 is 1.7x its 1957-62 level
    # relative to other partner countries (Poisson; NB gives the same point estimate)
    assert res.post["rate_ratio"] == pytest.approx(1.708, abs=0.01)
    assert res.post["ci_low"] > 1.0


def test_event_study_year_without_treated_formation_is_not_estimated():
    counts, treated = _simulated_panel(rr=2.0, seed=5, n_treated=1)
    counts.loc[(counts["group"] == treated[0]) & (counts["year"] == 1986), "formed"] = 0  # k = -4
    res = F.event_study(counts, 1990, treated, window=(-5, 5), family="poisson")
    row = res.coefficients.set_index("k").loc[-4]
    assert row["treated_count"] == 0 and np.isnan(row["rate_ratio"])
    assert res.notes["leads_without_treated_formation"] == ["lead_4"] and res.pretrend["df"] == 3


# ------------------------------------------------------------------- placebo inference, year handling
def test_placebo_test_is_exhaustive_for_one_treated_unit_and_rejects_a_large_effect():
    counts, treated = _simulated_panel(rr=10.0, n_treated=1, seed=4)
    res = F.event_study(counts, 1990, treated, window=(-5, 5), family="poisson")
    pt = F.placebo_test(counts, 1990, treated, window=(-5, 5), n_draws=199)
    assert pt.statistic == pytest.approx(res.post["coef"], abs=1e-6)  # the same PPML statistic
    assert pt.effect_size == pytest.approx(res.post["rate_ratio"], rel=1e-6)
    n_controls = counts["group"].nunique() - 1
    assert pt.exhaustive and pt.n_placebos == pt.n_replicates == n_controls
    # a 10x effect beats every placebo: p is the smallest possible, 1 / (controls + 1)
    assert pt.p_value == pytest.approx(1 / (n_controls + 1)) == pytest.approx(pt.min_p)
    # the placebo coefficients of units without an effect centre on zero
    assert abs(np.median(pt.coefs)) < 0.3 and pt.null_mean == pytest.approx(np.mean(pt.coefs))
    with pytest.warns(DeprecationWarning, match="use .statistic"):  # the old dict access, for one release
        assert pt["observed"] == pt.statistic


def test_placebo_test_samples_sets_reproducibly_and_finds_no_effect_under_the_null():
    counts, treated = _simulated_panel(rr=1.0, n_treated=3, seed=8)
    a = F.placebo_test(counts, 1990, treated, window=(-5, 5), n_draws=40, random_state=1)
    b = F.placebo_test(counts, 1990, treated, window=(-5, 5), n_draws=40, random_state=1)
    assert not a.exhaustive and a.n_placebos == 40
    np.testing.assert_array_equal(a.coefs, b.coefs)
    assert a.p_value > 0.05


def test_event_studies_report_placebo_columns_and_event_names():
    counts, _ = _simulated_panel(rr=3.0, n_treated=1, seed=2)
    pairs = pd.DataFrame({"focal": [f"t{i}" for i in range(len(counts))], "partner": "p",
                          "partner_country": counts["group"].to_numpy(), "year": counts["year"].to_numpy()})
    pairs = pairs.loc[pairs.index.repeat(counts["formed"].to_numpy())].reset_index(drop=True)
    ev = pd.DataFrame({"event_id": ["e"], "date": [pd.Timestamp("1990-06-01")], "actors": ["u00"], "targets": [""],
                       "name": ["An event"]}).set_index("event_id")
    _, summ = F.event_studies([("e", "X", "partner_country", ["u00"], [])], ev, {"X": pairs},
                              {"X": range(1980, 2001)}, window=(-5, 5), placebo_draws=50, family="poisson")
    row = summ.iloc[0]
    assert row["event_name"] == "An event" and row["placebo_exhaustive"]
    assert row["placebo_p_value"] == pytest.approx(1 / (row["placebo_n"] + 1))


def test_attachment_kernel_treats_excluded_years_as_undated():
    p = _grow(lambda k: k, n_years=20, seed=3)
    full = F.attachment_kernel(p, n_replicates=0)
    drop = F.attachment_kernel(p, n_replicates=0, exclude_years=[1960])
    ref = F.attachment_kernel(p[p["year"] != 1960], n_replicates=0)
    assert drop.alpha_ == pytest.approx(ref.alpha_) and drop.alpha_ != pytest.approx(full.alpha_)
    assert int(drop.counts["gained"].sum()) == int(ref.counts["gained"].sum())
    cut = F.attachment_kernel(p, n_replicates=0, last_year=1960)
    assert int(cut.counts["year"].max()) == 1960


def test_attachment_null_summary():
    p = _grow(lambda k: k, n_years=12)
    ak = F.attachment_kernel(p, n_replicates=9, random_state=2)
    ns = ak.null_summary()
    r = ak.null_alpha_
    assert ns["null_mean"] == pytest.approx(r.mean()) and ns["difference"] == pytest.approx(ak.alpha_ - r.mean())
    assert ns["p_value"] == (1 + np.sum(np.abs(r - r.mean()) >= abs(ak.alpha_ - r.mean()) - 1e-12)) / 10
