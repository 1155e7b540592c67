"""The membership layer: registry, contract, flagging, projections, with/without statistics."""

import json

import networkx as nx
import pandas as pd
import pytest

from twingraph import associations as A
from twingraph.graphs import multigraph, project, simple_graph, to_igraph
from twingraph.measures.summary import konect_stats
from twingraph.tables import MEMBERSHIP_COLUMNS, Rejections, make_twindata, validate


# --- the registry --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def registry():
    return A.load_registry()


def test_every_registry_row_has_a_source(registry):
    assoc, members = registry
    assert (assoc["source"].str.strip() != "").all()
    assert (members["source"].str.strip() != "").all()
    assert set(members["association_id"]) <= set(assoc["association_id"])
    raw = pd.read_csv(A._registry_path("memberships.csv"), dtype=str, keep_default_na=False)
    assert (raw["source"].str.startswith("http")).all()


def test_douzelage_founders_and_member_changes(registry):
    _, m = registry
    d = m[m["association_id"] == "douzelage"].set_index("place")
    founders = d[d["joined"] == pd.Timestamp("1991-01-01")]
    assert len(founders) == 12 and set(founders["joined_precision"]) == {"year"}
    assert {"Granville", "Sherborne", "Altea", "Bad Kötzting"} <= set(founders.index)
    # Finland 2016, Lithuania 2018: the old member leaves (replaced), the new one joins
    assert d.at["Karkkila", "left"] == pd.Timestamp("2016-01-01") and d.at["Karkkila", "end_status"] == "replaced"
    assert d.at["Asikkala", "joined"] == pd.Timestamp("2014-04-01")  # admitted April 2014 (sources disagree: 2016)
    assert d.at["Prienai", "left"] == pd.Timestamp("2018-01-01") and d.at["Prienai", "end_status"] == "replaced"
    assert d.at["Rokiškis", "joined"] == pd.Timestamp("2018-01-01")
    assert set(d.loc[["Kőszeg", "Chojna", "Sigulda", "Türi"], "joined"]) == {pd.Timestamp("2004-01-01")}
    assert d.at["Sušice", "joined"] == pd.Timestamp("2004-05-13") and d.at["Sušice", "joined_precision"] == "day"
    assert len(d) == 30  # 28 current towns + the two replaced ones


def test_ubc_russian_members_suspended_in_may_2022(registry):
    _, m = registry
    u = m[(m["association_id"] == "ubc") & (m["country"] == "RUS")].set_index("place")
    assert sorted(u.index) == ["Gatchina", "Saint Petersburg"]
    assert (u["left"] == pd.Timestamp("2022-05-01")).all() and (u["left_precision"] == "month").all()
    assert (u["end_status"] == "suspended").all()


def test_registry_row_without_source_is_refused(tmp_path, registry):
    raw = pd.read_csv(A._registry_path("memberships.csv"), dtype=str, keep_default_na=False)
    raw.loc[0, "source"] = " "
    path = tmp_path / "m.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(ValueError, match="has no source"):
        A.load_registry(memberships_path=path)


def test_registry_precision_must_fit_the_date(tmp_path):
    raw = pd.read_csv(A._registry_path("memberships.csv"), dtype=str, keep_default_na=False)
    i = raw.index[raw["joined"] == "1991"][0]
    raw.loc[i, "joined_precision"] = "day"
    path = tmp_path / "m.csv"
    raw.to_csv(path, index=False)
    with pytest.raises(ValueError, match="does not fit"):
        A.load_registry(memberships_path=path)


# --- a hand-computed toy: a 4-clique of association members plus bilateral ties --------------------

def toy():
    """K4 on a,b,c,d (an association of four towns), plus bilateral ties d-e, e-f, a-f."""
    places = [{"place_id": p, "name": n, "country": "FRA"}
              for p, n in zip("abcdef", ["Aa", "Bé", "Cc", "Dd", "Ee", "Ff"])]
    pairs = [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"), ("b", "d"), ("c", "d"), ("d", "e"), ("e", "f"), ("a", "f")]
    spells = [{"tie_id": f"{u}-{v}", "a": u, "b": v} for u, v in pairs]
    data = make_twindata(places, spells, Rejections(), len(pairs), len(pairs), "toy")
    assoc = pd.DataFrame({"association_id": ["x"], "name": ["X"], "kind": ["twinning association"],
                          "founded": [pd.Timestamp("1991-01-01")], "founded_precision": ["year"],
                          "source": ["seed:test"], "note": [None]})
    mem = pd.DataFrame({"association_id": "x", "place_id": None, "place": ["Aa", "Be", "Cc", "Dd"],
                        "country": "FRA", "joined": pd.NaT, "joined_precision": "unknown", "left": pd.NaT,
                        "left_precision": "unknown", "end_status": None, "end_cause": None, "basis": "registry",
                        "source": "seed:test", "note": None})
    mem["joined"] = pd.to_datetime(mem["joined"])
    mem["left"] = pd.to_datetime(mem["left"])
    return data, (assoc, mem)


def test_clique_of_members_is_flagged():
    data, reg = toy()
    f = A.flag_associations(data, registry=reg, infer=False)
    flagged = set(f.spells.loc[f.spells["via_association"].notna(), "tie_id"])
    assert flagged == {"a-b", "a-c", "a-d", "b-c", "b-d", "c-d"}  # "Bé" matched "Be" (accents)
    assert f.notes["association_ties"] == 6
    validate(f)


def test_stats_with_and_without_by_hand():
    data, reg = toy()
    f = A.flag_associations(data, registry=reg, infer=False)
    g_all, _ = to_igraph(simple_graph(f))
    g_wo, _ = to_igraph(simple_graph(f, associations="exclude"))
    s_all, s_wo = konect_stats(g_all, distances=False), konect_stats(g_wo, distances=False)
    # K4 has 4 triangles; a-d-e-f-a is a 4-cycle: no triangle.  Without the clique: a path f-a, d-e-f.
    assert s_all["triangles"] == 4 and s_wo["triangles"] == 0
    assert s_all["n_edges"] == 9 and s_wo["n_edges"] == 3
    # wedges = sum d(d-1)/2: degrees a4 b3 c3 d4 e2 f2 -> 6+3+3+6+1+1 = 20; without: a1 d1 e2 f2 -> 2
    assert s_all["wedges"] == 20 and s_wo["wedges"] == 2
    assert s_all["transitivity"] == pytest.approx(3 * 4 / 20)
    sh = A.explained_shares(g_all, g_wo)
    assert sh["triangle_share"] == 1.0 and sh["edge_share"] == pytest.approx(6 / 9)
    assert sh["wedge_share"] == pytest.approx(18 / 20)
    # networkx cross-check on the projected graphs
    assert nx.transitivity(simple_graph(f)) == pytest.approx(s_all["transitivity"])
    assert nx.transitivity(simple_graph(f, associations="exclude")) == 0.0


def test_groups_projection_is_bipartite_layer():
    data, reg = toy()
    f = A.flag_associations(data, registry=reg, infer=False)
    H = simple_graph(f, associations="groups")
    assert H.nodes["assoc:x"]["kind"] == "association"
    assert sorted(H["assoc:x"]) == ["a", "b", "c", "d"]
    assert not H.has_edge("a", "b") and H.has_edge("a", "f")
    assert H.number_of_edges() == 3 + 4


def test_project_flags_an_unflagged_graph_itself(monkeypatch):
    """project(associations=...) on an unflagged graph gives what flagging first gives."""
    from twingraph import membership

    data, reg = toy()
    monkeypatch.setattr(membership, "load_registry", lambda *a, **k: reg)
    flagged = A.flag_associations(data, registry=reg)
    for mode in ("exclude", "groups"):
        mine = project(multigraph(data), associations=mode)
        ref = project(multigraph(flagged), associations=mode)
        assert sorted(mine.edges(data=True)) == sorted(ref.edges(data=True)), mode
        assert sorted(mine.nodes) == sorted(ref.nodes) and mine.number_of_edges() < 9
    H = project(multigraph(data), associations="exclude")
    assert not H.has_edge("a", "b") and H.has_edge("a", "f")
    with pytest.raises(ValueError, match="unknown associations mode"):
        project(multigraph(data), associations="drop")


def test_contract_rejects_bad_memberships():
    data, reg = toy()
    f = A.attach(data, registry=reg, infer=False)
    assert tuple(f.memberships.columns) == MEMBERSHIP_COLUMNS
    bad = f.memberships.copy()
    bad.loc[0, "place_id"] = "nowhere"
    with pytest.raises(ValueError, match="unknown places"):
        validate(type(f)(**{**f.__dict__, "memberships": bad}))
    bad = f.memberships.copy()
    bad.loc[0, "end_status"] = "vanished"
    with pytest.raises(ValueError, match="end_status"):
        validate(type(f)(**{**f.__dict__, "memberships": bad}))
    bad = f.memberships.copy()
    bad.loc[0, "source"] = ""
    with pytest.raises(ValueError, match="no source"):
        validate(type(f)(**{**f.__dict__, "memberships": bad}))


def test_infer_members_near_clique():
    G = nx.complete_graph([f"m{i}" for i in range(10)])
    G.add_edges_from(("dup", f"m{i}") for i in range(8))   # a second spelling linked to 8 of 10
    G.add_edges_from([("m0", "out"), ("m1", "out")])        # a bilateral partner of two members
    got = A.infer_members(G, ["m0", "m1", "m2"], min_seeds=3, min_size=10, near=0.75)
    assert got == sorted([f"m{i}" for i in range(10)] + ["dup"])
    assert A.infer_members(G, ["m0", "m1"], min_seeds=3) == []


def test_match_places_kinds():
    pl = pd.DataFrame({"place_id": ["p1", "p2", "p3", "p4"],
                       "name": ["Saint Petersburg", "Haaren – Esch", "Lima", "Lima"],
                       "country": ["RUS", "NLD", "PER", "PER"]})
    ms = pd.DataFrame({"place": ["St. Petersburg", "Haaren", "Lima", "Kalmar"],
                       "country": ["RUS", "NLD", "PER", "SWE"]})
    got = A.match_places(ms, pl)
    assert got["match"].tolist() == ["exact", "component", "ambiguous", "none"]  # two Limas: refuse to guess
    assert got["place_id"].tolist()[:2] == ["p1", "p2"]


def test_membership_spells_feed_survival(registry):
    from twingraph.survival import counting_process

    _, m = registry
    s = A.membership_spells(m)
    assert len(s) == len(m)
    k = s.set_index("tie_id")
    assert k.at["douzelage:Karkkila|FIN", "end_status"] == "terminated"
    assert k.at["douzelage:Karkkila|FIN", "end_cause"].startswith("replaced")
    assert k.at["ubc:Saint Petersburg|RUS", "end_status"] == "suspended"
    cp = counting_process(s[s["start"].notna()].drop(columns="association_id"), observed="2026-02-01")
    ev = cp.loc[cp["event"] == 1, "tie_id"].tolist()
    assert ev == ["douzelage:Karkkila|FIN"]  # the only dated membership with a dated end


def test_co_membership_projection(registry):
    _, m = registry
    C = A.co_membership(m[m["association_id"].isin(["douzelage", "cerc"])])
    assert C.number_of_nodes() == 42
    assert C["Altea|ESP"]["Granville|FRA"]["weight"] == 1
    assert not C.has_edge("Altea|ESP", "Cissé|FRA")


# --- the real data: the numbers issue 9 measured -------------------------------------------------

@pytest.fixture(scope="module")
def flagged(shared_data):
    from twingraph import load

    return A.flag_associations(load("wikipedia-lists-2026"))


@pytest.mark.slow
def test_wikipedia_without_associations(flagged):
    t = A.structure_with_without(flagged, distances=False)
    assert t.at["transitivity", "with associations"] == pytest.approx(0.1676, abs=5e-4)
    assert t.at["transitivity", "bilateral (excluded)"] == pytest.approx(0.0479, abs=5e-4)
    assert t.at["degree_assortativity", "bilateral (excluded)"] == pytest.approx(0.2137, abs=5e-4)
    assert t.at["explained_triangle_share", "with associations"] == pytest.approx(0.757, abs=0.005)
    assert t.at["explained_edges_removed", "with associations"] == 838


@pytest.mark.slow
def test_wikipedia_douzelage_clique_and_matches(flagged):
    m = flagged.memberships
    dz = m[(m["association_id"] == "douzelage") & m["place_id"].notna()]
    assert len(dz) == 30 and (dz["basis"] == "registry").all()
    G = simple_graph(flagged, isolates=False)
    current = dz[dz["left"].isna()]["place_id"]
    sub = G.subgraph(current)
    assert sub.number_of_nodes() == 28 and sub.number_of_edges() == 28 * 27 // 2
    rep = pd.DataFrame(flagged.notes["association_matches"]).set_index("association_id")
    assert rep.at["douzelage", "match_rate"] == 1.0
    cerc = m[(m["association_id"] == "cerc")]
    # the 32-node near-clique (with two spellings of four places) plus Slivo Pole/Svoge: 34 places,
    # 12 of them sourced in the registry, the rest inferred
    assert cerc["place_id"].nunique() == 34 and (cerc["basis"] == "registry").sum() == 12


@pytest.mark.slow
def test_cli_stats_associations_exclude(shared_data, capsys):
    from twingraph.cli import main

    assert main(["stats", "wikipedia-lists-2026", "--associations", "exclude", "--no-distances", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n_edges"] == 24_858 - 838
    assert out["transitivity"] == pytest.approx(0.0479, abs=5e-4)


def test_rankings_do_not_depend_on_n_jobs():
    """Each (network, measure) score runs serially inside one worker task: the same table, bit for bit."""
    data, reg = toy()
    f = A.flag_associations(data, registry=reg, infer=False)
    serial = A.rankings_with_without(f, top=3, n_jobs=1)
    parallel = A.rankings_with_without(f, top=3, n_jobs=2)
    pd.testing.assert_frame_equal(serial.table, parallel.table, check_exact=True)
    assert serial.explained == parallel.explained
