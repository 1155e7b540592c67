"""Loaders of the real datasets (Wikipedia lists, Wikidata crawl) and KONECT files."""

from pathlib import Path

import pandas as pd
import pytest

from twingraph import LoadError, load
from twingraph.loaders import detect_format, load_konect, load_wikidata_crawl, load_wikipedia_lists

# ---------------------------------------------------------------- Wikipedia lists (real data)


def test_wikipedia_row_accounting(wikipedia):
    d = wikipedia
    assert d.rows_read == 26_114 + 25_917  # both files, header lines excluded (validate checks the sum)
    assert d.rejected_by_reason() == {"ambiguous-same-name": 3, "geocode-unmatched": 3}
    # every rejected geocoded row is the geocode of a rejected name pair
    assert set(d.rejections["file"]) == {"twin_cities_raw.csv", "twin_cities_geocoded.csv"}


def test_wikipedia_countries_and_subdivisions(wikipedia):
    p = wikipedia.places.set_index("place_id")
    coventry = p.loc["wp:GBR:Coventry"]
    assert coventry["country"] == "GBR" and coventry["subdivision"] == "England"
    assert p.loc["wp:DEU:Halle (Saale)", "name"] == "Halle (Saale)"  # disambiguation kept
    assert "wp:GEO:Tbilisi" in p.index  # "Georgia (country)"
    assert "wp:BGR:Varna" in p.index  # recovered from "Varna, Bulgaria" with an empty country
    assert p["country"].notna().all()
    assert p["country"].str.fullmatch(r"[A-Z]{3}").all()


def test_wikipedia_same_name_pairs(wikipedia):
    s = wikipedia.spells
    toledo = s[(s["a"] == "wp:ESP:Toledo") & (s["b"] == "wp:USA:Toledo")]
    assert len(toledo) == 1
    assert wikipedia.notes["same_name_pairs_kept"] == 118
    assert (s["a"] != s["b"]).all()


def test_wikipedia_pairs_listed_twice_merge(wikipedia):
    s = wikipedia.spells
    assert s["n_rows"].sum() == 26_114 - 3  # every loaded name row is in exactly one tie
    assert (s["n_rows"] > 1).sum() == wikipedia.notes["pairs_listed_twice"]
    assert s["tie_id"].is_unique and s["start"].isna().all()


def test_wikipedia_coordinates(wikipedia):
    p = wikipedia.places.set_index("place_id")
    lat, lon = p.loc["wp:GBR:Coventry", ["lat", "lon"]]
    assert 52.3 < lat < 52.5 and -1.6 < lon < -1.4
    assert p["lat"].notna().sum() == wikipedia.notes["places_with_coordinates"]


def test_wikipedia_rejects_bad_rows(tmp_path):
    raw = tmp_path / "raw.csv"
    raw.write_text(
        "city1,country1,city2,country2\n"
        "Coventry,England,Dresden,Germany\n"
        "Atlantis,Neverland,Dresden,Germany\n"
        "Kiel,Germany,Coventry,England, United Kingdom,extra\n"
        ",Germany,Kiel,Germany\n"
        "Nienburg,Germany,Nienburg,Germany\n"
        "Dresden,Germany,Coventry,\"England, United Kingdom\"\n",
        encoding="utf-8",
    )
    d = load_wikipedia_lists(raw)
    assert d.rows_read == 6 and d.rows_loaded == 2 and d.rows_rejected == 4
    got = dict(zip(d.rejections["line"], d.rejections["reason"]))
    assert got == {3: "unknown-country", 4: "wrong-field-count", 5: "missing-name", 6: "ambiguous-same-name"}
    assert len(d.spells) == 1 and d.spells["n_rows"].iloc[0] == 2
    assert d.spells["directions"].iloc[0] == "both"


def test_wikipedia_bad_header_is_a_clear_error(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="expected header"):
        load_wikipedia_lists(f)

# ---------------------------------------------------------------- Wikidata crawl (real data)


def test_crawl_counts(crawl):
    d = crawl
    assert d.rows_read == 34_182 + 10_055
    assert d.rows_rejected == 0
    assert len(d.spells) == 17_401  # undirected pairs, as the manifest states
    assert len(d.places) == 10_055
    # 34,182 directed rows: 4 verbatim duplicates; reciprocal pairs use 2 rows, one-sided 1
    assert d.notes["duplicate_statements"] == 4
    assert 2 * d.notes["reciprocal_ties"] + d.notes["one_sided_ties"] + 4 == 34_182
    weimar = d.places.set_index("place_id").loc["Q3955", "name"]
    assert weimar == "Weimar"


def test_crawl_rejections(tmp_path):
    rel = tmp_path / "relations.tsv"
    rel.write_text("Q1\tQ2\nQ2\tQ1\nQ3\tQ3\nfoo\tQ1\nQ4\n\nQ1\tQ5\n")
    d = load_wikidata_crawl(rel)
    assert d.rows_read == 6  # the blank line is not a row
    assert dict(zip(d.rejections["line"], d.rejections["reason"])) == {3: "self-tie", 4: "bad-qid", 5: "wrong-field-count"}
    s = d.spells.set_index("tie_id")
    assert s.loc["wd:Q1|Q2", "directions"] == "both" and s.loc["wd:Q1|Q2", "n_rows"] == 2
    assert s.loc["wd:Q1|Q5", "directions"] == "a->b"

# ---------------------------------------------------------------- KONECT


KONECT_TWIN_LIKE = """% sym unweighted
% 6 7 7
1 2
2 3
3 1
3 4
5 6
1 2
"""


def test_konect_counts_nodes_and_edges(tmp_path):
    f = tmp_path / "out.toy"
    f.write_text(KONECT_TWIN_LIKE)
    d = load_konect(f)
    assert len(d.places) == 7  # node 7 is isolated but exists (n from the size line)
    assert d.spells["tie_id"].nunique() == 5
    assert d.notes["multi_edge_rows"] == 1
    assert d.rows_read == 6 == d.rows_loaded
    from twingraph import simple_graph

    G = simple_graph(d)
    assert G.number_of_nodes() == 7 and G.number_of_edges() == 5


def test_konect_times_names_and_rejections(tmp_path):
    (tmp_path / "ent.tiny.city.name").write_text("Coventry\nVolgograd\nDresden\n")
    (tmp_path / "meta.tiny").write_text("name: Tiny\ncategory: Infrastructure\n")
    f = tmp_path / "out.tiny"
    f.write_text("% asym unweighted\n1 2 1 -820540800\n2 1 1 -820540800\n1 3 1 -436060800\n3 3\nx 2\n4\n0 1\n1 2 1 notatime\n")
    d = load_konect(f)
    assert d.rows_read == 8 and d.rows_loaded == 3
    assert dict(zip(d.rejections["line"], d.rejections["reason"])) == {
        5: "self-loop", 6: "bad-node-id", 7: "too-few-fields", 8: "bad-node-id", 9: "bad-time"}
    s = d.spells.set_index("tie_id")
    assert s.loc["konect:1|konect:2", "directions"] == "both"
    assert s.loc["konect:1|konect:2", "start"] == pd.Timestamp("1944-01-01")
    assert d.places.set_index("place_id").loc["konect:2", "name"] == "Volgograd"
    assert d.notes["meta"]["category"] == "Infrastructure"


def test_konect_not_konect(tmp_path):
    f = tmp_path / "out.bad"
    f.write_text("1 2\n")
    with pytest.raises(LoadError, match="no '% sym"):
        load(f)
    g = tmp_path / "out.bip"
    g.write_text("% bip unweighted\n1 2\n")
    with pytest.raises(LoadError, match="bipartite"):
        load(g)


def test_detect_format(tmp_path):
    cases = {"a.csv": ("city1,country1,city2,country2\n", "wikipedia"),
             "r.tsv": ("Q1\tQ2\n", "wikidata-crawl"),
             "net.txt": ("% sym unweighted\n1 2\n", "konect")}
    for name, (text, fmt) in cases.items():
        p = tmp_path / name
        p.write_text(text)
        assert detect_format(p) == fmt
    junk = tmp_path / "junk.bin"
    junk.write_text("hello\n")
    with pytest.raises(LoadError, match="cannot tell its format"):
        load(junk)


def test_load_errors_are_clear(tmp_path):
    with pytest.raises(LoadError, match="not a dataset name"):
        load("no-such-dataset")
    with pytest.raises(LoadError, match="is a directory"):
        load(tmp_path)


def test_konect_edge_arrays_give_the_loaders_simple_graph(tmp_path):
    import numpy as np

    from twingraph.graphs import simple_graph
    from twingraph.loaders.konect import konect_edge_arrays, load_konect

    p = tmp_path / "out.toy"
    p.write_text("% sym unweighted\n% 6 9 9\n1 2\n2 3\n3 1\n2 1\n5 7\n7 5\n")
    n, e = konect_edge_arrays(p, min_rows=0)
    G = simple_graph(load_konect(p), isolates=True)
    assert n == G.number_of_nodes() == 9
    ref = sorted(tuple(sorted(int(x.split(":")[1]) - 1 for x in uv)) for uv in G.edges())
    assert [tuple(r) for r in e.tolist()] == ref
    assert konect_edge_arrays(p) is None  # small files: the row-by-row loader
    bad = tmp_path / "out.bad"
    bad.write_text("% sym unweighted\n1 2\n3 3\n")  # a self-loop: left to the loader's accounting
    assert konect_edge_arrays(bad, min_rows=0) is None
    w = tmp_path / "out.w"
    w.write_text("% sym positive\n1 2 5\n")
    assert konect_edge_arrays(w, min_rows=0) is None
    assert np.issubdtype(e.dtype, np.integer)
