"""Graphs from tables: multigraph, projection conventions, snapshots, igraph, country graph."""

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from twingraph import active_mask, country_graph, multigraph, project, simple_graph, snapshot, to_igraph
from twingraph.tables import Rejections, make_twindata


def toy():
    """Three places; A-B has two spells (suspended 2022-03, restored 2024) and a second tie kind."""
    places = [
        {"place_id": "A", "name": "Coventry", "country": "GBR", "lat": 52.4, "lon": -1.5},
        {"place_id": "B", "name": "Volgograd", "country": "RUS", "lat": 48.7, "lon": 44.5},
        {"place_id": "C", "name": "Dresden", "country": "DEU", "lat": 51.0, "lon": 13.7},
        {"place_id": "D", "name": "Kiel", "country": "DEU"},
    ]
    spells = [
        {"tie_id": "AB", "a": "A", "b": "B", "start": "1944-01-01", "start_precision": "year",
         "end": "2022-03-01", "end_precision": "month", "end_status": "suspended"},
        {"tie_id": "AB", "a": "A", "b": "B", "start": "2024-01-01", "start_precision": "year"},
        {"tie_id": "AB-f", "a": "A", "b": "B", "kind": "friendship", "start": "1990-05-01", "start_precision": "month"},
        {"tie_id": "AC", "a": "A", "b": "C", "start": "1956-01-01", "start_precision": "year"},
        {"tie_id": "CD", "a": "C", "b": "D"},
    ]
    return make_twindata(places, spells, Rejections(), rows_read=5, rows_loaded=5, source="toy")


def test_multigraph_one_edge_per_spell():
    G = multigraph(toy())
    assert G.number_of_edges() == 5
    assert G.number_of_edges("A", "B") == 3
    assert set(G["A"]["B"]) == {"AB#0", "AB#1", "AB-f#0"}
    assert G["A"]["B"]["AB#0"]["end_status"] == "suspended"
    assert G.nodes["A"]["name"] == "Coventry"


@pytest.mark.parametrize("convention, weight", [("ties", 2), ("spells", 3), ("binary", 1)])
def test_projection_conventions(convention, weight):
    H = project(multigraph(toy()), weights=convention)
    assert isinstance(H, nx.Graph) and not H.is_multigraph()
    assert H["A"]["B"]["weight"] == weight
    assert H["A"]["C"]["weight"] == 1
    assert H.degree("A") == 2  # distinct partners, whatever the weights


def test_projection_rejects_unknown_convention():
    with pytest.raises(ValueError, match="unknown weights"):
        project(multigraph(toy()), weights="sum")


@pytest.mark.parametrize(
    "at, convention, expected",
    [
        ("1944-06-01", "earliest", {"AB#0"}),
        ("1944-06-01", "strict", set()),  # "1944" is not certainly over by June
        ("1945-01-01", "strict", {"AB#0"}),
        ("1944-12-31", "strict", {"AB#0"}),  # ...but it is by its last day
        ("1956-12-30", "latest", {"AB#0"}),  # "1956" resolves to 1956-12-31 under "latest"
        ("1956-12-31", "latest", {"AB#0", "AC#0"}),
        ("1956-07-02", "midpoint", {"AB#0", "AC#0"}),
        ("1956-07-01", "midpoint", {"AB#0"}),
        ("2022-02-28", "earliest", {"AB#0", "AB-f#0", "AC#0"}),
        ("2022-03-01", "earliest", {"AB-f#0", "AC#0"}),  # suspended "2022-03" ends at the month's first day
        ("2022-03-30", "latest", {"AB#0", "AB-f#0", "AC#0"}),  # ...or on its last day under "latest"
        ("2022-03-31", "latest", {"AB-f#0", "AC#0"}),
        ("2023-06-01", "earliest", {"AB-f#0", "AC#0"}),
        ("2024-06-01", "earliest", {"AB#1", "AB-f#0", "AC#0"}),
    ],
)
def test_snapshot_precision(at, convention, expected):
    G = snapshot(toy(), at, dates=convention)
    assert {k for _, _, k in G.edges(keys=True)} == expected
    assert G.number_of_nodes() == 4


def test_snapshot_undated():
    d = toy()
    assert "CD#0" not in {k for *_, k in snapshot(d, "2025-01-01").edges(keys=True)}
    assert "CD#0" in {k for *_, k in snapshot(d, "2025-01-01", undated="include").edges(keys=True)}


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=pd.Timestamp("1900-01-01").date(), max_value=pd.Timestamp("2030-01-01").date()))
def test_strict_within_earliest_and_latest(day):
    """Certainly-active spells are active under both resolutions of a partial date."""
    s = toy().spells
    strict = active_mask(s, day, "strict")
    assert not (strict & ~active_mask(s, day, "earliest")).any()
    assert not (strict & ~active_mask(s, day, "latest")).any()


def test_to_igraph_stable_mapping_and_attributes():
    H = simple_graph(toy())
    g, ids = to_igraph(H)
    assert ids == sorted(H.nodes()) and g.vs["name"] == ids
    assert g.vcount() == 4 and g.ecount() == 3
    i, j = ids.index("A"), ids.index("B")
    assert g.es[g.get_eid(i, j)]["weight"] == 2.0
    assert g.vs[i]["label"] == "Coventry" and g.vs[i]["country"] == "GBR"
    assert g.degree() == [d for _, d in sorted(H.degree())]
    with pytest.raises(TypeError):
        to_igraph(multigraph(toy()))


def test_country_graph():
    C = country_graph(toy())
    assert C["GBR"]["RUS"]["weight"] == 2  # two ties (twin + friendship), spells counted once
    assert C["GBR"]["DEU"]["weight"] == 1
    assert C["DEU"]["DEU"]["weight"] == 1  # domestic tie Dresden-Kiel as a self-loop


def test_real_graph_sizes(wikipedia):
    G = simple_graph(wikipedia)
    assert G.number_of_nodes() == len(wikipedia.places)
    assert G.number_of_edges() == wikipedia.spells["tie_id"].nunique()  # no parallel ties in the lists
    g, ids = to_igraph(G)
    assert g.ecount() == G.number_of_edges()
    assert sorted(g.degree()) == sorted(d for _, d in G.degree())
    C = country_graph(wikipedia)
    assert sum(d["weight"] for *_, d in C.edges(data=True)) == G.number_of_edges()


def test_ended_spell_with_unknown_end_date():
    """'Cancelled' with no date (Edirne-Burgas): never certainly active; open under 'latest'."""
    places = [{"place_id": "E", "name": "Edirne", "country": "TUR"}, {"place_id": "B", "name": "Burgas", "country": "BGR"}]
    spells = [{"tie_id": "BE", "a": "B", "b": "E", "start": "2000-01-01", "start_precision": "year",
               "end_status": "terminated"}]
    d = make_twindata(places, spells, Rejections(), rows_read=1, rows_loaded=1, source="toy")
    assert not active_mask(d.spells, "2010-01-01", "earliest").any()
    assert not active_mask(d.spells, "2010-01-01", "strict").any()
    assert active_mask(d.spells, "2010-01-01", "latest").all()


def test_contract_accepts_overlapping_partial_dates_and_rejects_inverted_spells():
    places = [{"place_id": "A"}, {"place_id": "B"}]
    ok = [{"tie_id": "AB", "a": "A", "b": "B", "start": "2018-10-01", "start_precision": "month",
           "end": "2018-01-01", "end_precision": "year", "end_status": "terminated"}]
    d = make_twindata(places, ok, Rejections(), rows_read=1, rows_loaded=1, source="toy")
    assert d.spells["end_status"].iloc[0] == "terminated"
    bad = [dict(ok[0], start="2019-01-01", start_precision="day")]
    with pytest.raises(ValueError, match="ends before it starts"):
        make_twindata(places, bad, Rejections(), rows_read=1, rows_loaded=1, source="toy")
    with pytest.raises(ValueError, match="two different places"):
        make_twindata(places, [dict(ok[0], b="A")], Rejections(), rows_read=1, rows_loaded=1, source="toy")
