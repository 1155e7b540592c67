"""Fuzzing the file loaders (hypothesis): random bytes, random lines, and mutated rows.

Each loader is fed (a) random bytes, (b) random lines of printable text and separators, (c) valid
rows *generated here* (a small sample written for this test, no shared data) and then mutated
(characters deleted, inserted or replaced, fields duplicated or dropped, lines repeated).
Whatever comes in, :func:`twingraph.load` must either

* return tables whose rows reconcile (``rows_read == rows_loaded + rows_rejected``, one rejection
  row per rejected input row: :func:`twingraph.tables.validate` raises ``ContractError`` otherwise,
  which is not a ``LoadError`` and so fails the test), or
* raise the package's own one-line error (:class:`twingraph.loaders.LoadError`);

never another exception (a traceback), and its memory stays bounded (tracemalloc peak under
``MEMORY_LIMIT`` for inputs of at most a few kB).  The CLI turns the same inputs into exit 0 or a
one-line ``twingraph: error:`` (exit 2).

Examples are derandomised so CI is deterministic; ``TWINGRAPH_FUZZ_EXAMPLES=2000`` runs a longer,
random campaign locally.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twingraph.loaders import LoadError, load

_N = int(os.environ.get("TWINGRAPH_FUZZ_EXAMPLES", "0"))
FUZZ = settings(max_examples=_N or 40, deadline=None, derandomize=not _N,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
MEMORY_LIMIT = 64 * 2**20  # bytes; inputs are a few kB, so anything near this is a leak or a blow-up

# --------------------------------------------------------------------------- valid rows, made here
CITIES = [("Coventry", "England"), ("Dresden", "Germany"), ("Volgograd", "Russia"), ("Kraków", "Poland"),
          ("Toledo, Ohio", "United States"), ("São Paulo", "Brazil"), ("Halle (Saale)", "Germany"),
          ("Ōsaka", "Japan")]
ISO = {"England": "GBR", "Germany": "DEU", "Russia": "RUS", "Poland": "POL", "United States": "USA",
       "Brazil": "BRA", "Japan": "JPN"}
CURATED_HEADER = ("city_a,country_a,subdivision_a,level_a,city_b,country_b,subdivision_b,level_b,kind,event,"
                  "date,date_precision,cause,shock_id,source,note")


def _csv(x: str) -> str:
    return f'"{x}"' if "," in x else x


def wikipedia_rows(pairs: list[tuple[int, int]]) -> str:
    rows = [f"{_csv(CITIES[i][0])},{CITIES[i][1]},{_csv(CITIES[j][0])},{CITIES[j][1]}" for i, j in pairs]
    return "city1,country1,city2,country2\n" + "\n".join(rows) + "\n"


def crawl_rows(pairs: list[tuple[int, int]]) -> str:
    return "".join(f"Q{100 + i}\tQ{100 + j}\n" for i, j in pairs)


def konect_rows(pairs: list[tuple[int, int]]) -> str:
    body = "".join(f"{i + 1} {j + 1} 1 {946684800 + 86400 * k}\n" for k, (i, j) in enumerate(pairs))
    return f"% sym unweighted\n% {len(pairs)} {len(CITIES)} {len(CITIES)}\n" + body


def curated_rows(pairs: list[tuple[int, int]]) -> str:
    rows = []
    for k, (i, j) in enumerate(pairs):
        (a, ca), (b, cb) = CITIES[i], CITIES[j]
        event = ("signed", "suspended", "terminated")[k % 3]
        rows.append(f"{_csv(a)},{ISO[ca]},,municipality,{_csv(b)},{ISO[cb]},,municipality,twin,{event},"
                    f"{1950 + k}-0{1 + k % 9},month,,,seed:fuzz.txt,")
    return CURATED_HEADER + "\n" + "\n".join(rows) + "\n"


def sparql_doc(pairs: list[tuple[int, int]]) -> str:
    def uri(q: int) -> dict[str, str]:
        return {"type": "uri", "value": f"http://www.wikidata.org/entity/Q{100 + q}"}

    bindings = []
    for k, (i, j) in enumerate(pairs):
        bindings.append({
            "a": uri(i), "b": uri(j), "aLabel": {"type": "literal", "value": CITIES[i][0]},
            "bLabel": {"type": "literal", "value": CITIES[j][0]},
            "st": {"type": "uri", "value": f"http://www.wikidata.org/entity/statement/Q{100 + i}-{k}"},
            "rank": {"type": "uri", "value": "http://wikiba.se/ontology#NormalRank"},
            "start": {"type": "literal", "value": f"{1960 + k}-01-01T00:00:00Z"},
            "startPrec": {"type": "literal", "value": "9"},
            "aIso": {"type": "literal", "value": ISO[CITIES[i][1]]},
            "bIso": {"type": "literal", "value": ISO[CITIES[j][1]]},
        })
    return json.dumps({"head": {"vars": sorted({k for b in bindings for k in b})},
                       "results": {"bindings": bindings}}, ensure_ascii=False)


def entity_doc(pairs: list[tuple[int, int]]) -> str:
    claims = [{"mainsnak": {"snaktype": "value", "property": "P190",
                            "datavalue": {"type": "wikibase-entityid",
                                          "value": {"entity-type": "item", "id": f"Q{100 + j}"}}},
               "type": "statement", "rank": "normal", "id": f"Q{100 + i}${k}"}
              for k, (i, j) in enumerate(pairs)]
    entity = {"id": "Q100", "type": "item", "labels": {"en": {"language": "en", "value": CITIES[0][0]}},
              "claims": {"P190": claims}}
    return json.dumps({"entities": {"Q100": entity}}, ensure_ascii=False)


FORMATS = {
    "wikipedia": ("pairs.csv", wikipedia_rows),
    "wikidata-crawl": ("relations.tsv", crawl_rows),
    "konect": ("out.fuzz", konect_rows),
    "curated": ("curated.csv", curated_rows),
    "sparql-json": ("page-0.json", sparql_doc),
    "entity-json": ("Q100.json", entity_doc),
}

pairs_st = st.lists(st.tuples(st.integers(0, len(CITIES) - 1), st.integers(0, len(CITIES) - 1)),
                    min_size=1, max_size=12)


HOSTILE = [b"", b"x", b"-1", b"0", b"1e400", b"nan", b"inf", b"-inf", b"99999999999999999999", b"\xff\xfe",
           b"Q", b"Q0", b"Q-5", b'"', b'"unterminated', b"1.5", "é".encode(), b"1000000000", b"9" * 40,
           b"2024-13-45", b"0000-00-00", b"year", b"decade", b"http://www.wikidata.org/entity/Q1"]


@st.composite
def mutated(draw, make) -> bytes:  # type: ignore[no-untyped-def]
    """A valid text from ``make`` with a few random edits (bytes, so invalid UTF-8 can appear)."""
    data = bytearray(make(draw(pairs_st)).encode("utf-8"))
    for _ in range(draw(st.integers(1, 6))):
        op = draw(st.sampled_from(["field", "field", "field", "delete", "insert", "replace", "dup-line",
                                   "drop-line", "sep", "truncate"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "field":  # one field of one line becomes a hostile token
            lines = bytes(data).split(b"\n")
            k = draw(st.integers(0, len(lines) - 1))
            sep = next((c for c in (b"\t", b",", b" ") if c in lines[k]), b" ")
            fields = lines[k].split(sep)
            fields[draw(st.integers(0, len(fields) - 1))] = draw(st.sampled_from(HOSTILE))
            lines[k] = sep.join(fields)
            data = bytearray(b"\n".join(lines))
        elif op == "delete" and data:
            del data[pos:pos + draw(st.integers(1, 8))]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=6) | st.sampled_from(
                [b",", b"\t", b"\n", b'"', b"%", b"-1", b"0", b"99999999999999999999", b"\xff", b"\r\n", b"{"]))
        elif op == "replace" and data:
            data[pos] = draw(st.integers(0, 255))
        elif op in ("dup-line", "drop-line"):
            lines = bytes(data).split(b"\n")
            k = draw(st.integers(0, len(lines) - 1))
            lines = lines[:k] + ([lines[k]] * 2 if op == "dup-line" else []) + lines[k + 1:]
            data = bytearray(b"\n".join(lines))
        elif op == "sep":
            data = bytearray(bytes(data).replace(*draw(st.sampled_from(
                [(b",", b";"), (b"\t", b" "), (b",", b",,"), (b"\n", b"\r")]))))
        elif op == "truncate":
            del data[pos:]
    return bytes(data)


random_lines = st.lists(
    st.text(alphabet=st.sampled_from(list("Qq0123456789 ,\t%\"-.{}[]:abcxyz\u00e9\u0000")), max_size=40),
    max_size=20,
).map(lambda lines: "\n".join(lines).encode("utf-8"))


# ------------------------------------------------------------------------------------- checking
def check_load(fmt: str, payload: bytes) -> None:
    name = FORMATS[fmt][0]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(payload)
        tracemalloc.start()
        try:
            try:
                data = load(path, format=fmt)
            except LoadError as exc:
                msg = str(exc)
                assert msg and "\n" not in msg and len(msg) < 1000, msg
                return
            finally:
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
        finally:
            pass
        assert peak < MEMORY_LIMIT, f"{fmt}: peak {peak / 2**20:.1f} MiB for {len(payload)} bytes"
    # rows_read == loaded + rejected (one rejection row each) is enforced by tables.validate: a breach
    # raises ContractError, which is not a LoadError and fails this test
    assert data.rows_loaded >= 0 and data.rows_read >= data.rows_loaded
    reasons = data.rejections["reason"]
    assert reasons.map(lambda r: isinstance(r, str) and r != "" and "\n" not in r).all()


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@FUZZ
@given(payload=st.binary(max_size=3000))
def test_random_bytes(fmt, payload):
    check_load(fmt, payload)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@FUZZ
@given(payload=random_lines)
def test_random_lines(fmt, payload):
    check_load(fmt, payload)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@FUZZ
@given(data=st.data())
def test_mutated_rows(fmt, data):
    check_load(fmt, data.draw(mutated(FORMATS[fmt][1])))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@given(pairs=pairs_st)
@settings(max_examples=15, deadline=None, derandomize=True)
def test_generated_rows_load_and_reconcile(fmt, pairs):
    """The unmutated sample loads (a guard that the generators above produce the real formats)."""
    name, make = FORMATS[fmt]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(make(pairs), encoding="utf-8")
        data = load(path, format=fmt)
    distinct = {tuple(sorted(p)) for p in pairs if p[0] != p[1]}
    if fmt == "curated":  # the packaged shock registry (events) is read too
        assert data.rows_read > len(pairs) and data.rows_loaded >= len(pairs) - sum(a == b for a, b in pairs)
    elif fmt != "entity-json":  # one document: its statements, not rows of a file
        assert data.rows_read == len(pairs)
    if fmt in ("konect", "wikidata-crawl", "wikipedia"):
        assert data.spells["tie_id"].nunique() == len(distinct)


@pytest.mark.parametrize("fmt", ["konect", "wikipedia"])
@given(data=st.data())
@settings(max_examples=20, deadline=None, derandomize=True)
def test_cli_gives_exit_0_or_one_line(fmt, data):
    from twingraph.cli import main

    payload = data.draw(mutated(FORMATS[fmt][1]))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / FORMATS[fmt][0]
        path.write_bytes(payload)
        err, out = io.StringIO(), io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            status = main(["info", str(path), "--format", fmt, "--json"])
    lines = err.getvalue().splitlines()
    assert status in (0, 2)
    assert all(line.startswith("twingraph: ") for line in lines), lines
    if status == 2:
        assert lines[-1].startswith("twingraph: error: ")


# ------------------------------------------------------------ the national registers (dataset-only)
def germany_rows(pairs: list[tuple[int, int]]) -> str:
    from twingraph.loaders.germany_register import COLUMNS

    rows = [",".join(COLUMNS)]
    for k, (i, j) in enumerate(pairs):
        town, partner = CITIES[i][0], CITIES[j]
        rows.append(f"{_csv(town)},{10000 + i},Sachsen,Saxony,51.0,13.7,{_csv(town + ', Germany')},"
                    f"{_csv(partner[0])},{partner[1]},{partner[1]},Europa,Europe,{1960 + k},{'pfk'[k % 3]},"
                    f"50.0,20.0,{_csv(partner[0])}")
    return "\n".join(rows) + "\n"


def czechia_rows(pairs: list[tuple[int, int]]) -> str:
    from twingraph.loaders.czechia_register import COLUMNS

    rows = ["\t".join(COLUMNS)]
    for k, (i, j) in enumerate(pairs):
        rows.append("\t".join([f"S-{500000 + i}", "49.9", "14.1", CITIES[i][0], "Česká republika", f"F-{3000 + j}",
                               "50.7", "7.8", CITIES[j][0], "Německo", str(1990 + k)]))
    return "\n".join(rows) + "\n"


def _register(name: str):  # type: ignore[no-untyped-def]
    if name == "germany":
        from twingraph.loaders.germany_register import load_germany_register

        return "TwinTowns_clean.csv", germany_rows, load_germany_register
    from twingraph.loaders.czechia_register import load_czechia_register

    return "vztahy.tsv", czechia_rows, load_czechia_register


def check_register(name: str, payload: bytes) -> None:
    """The register loaders' documented error is a one-line ``ValueError`` (never a ContractError)."""
    from twingraph.tables import ContractError

    fname, _, loader = _register(name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / fname
        path.write_bytes(payload)
        tracemalloc.start()
        try:
            data = loader(path)
        except ContractError:
            raise
        except ValueError as exc:
            assert str(exc) and "\n" not in str(exc), str(exc)
            return
        finally:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    assert peak < MEMORY_LIMIT
    assert data.rows_loaded >= 0 and data.rows_read >= data.rows_loaded


@pytest.mark.parametrize("name", ["germany", "czechia"])
@FUZZ
@given(payload=st.binary(max_size=3000) | random_lines)
def test_register_random_input(name, payload):
    check_register(name, payload)


@pytest.mark.parametrize("name", ["germany", "czechia"])
@FUZZ
@given(data=st.data())
def test_register_mutated_rows(name, data):
    check_register(name, data.draw(mutated(_register(name)[1])))


@pytest.mark.parametrize("name", ["germany", "czechia"])
@given(pairs=pairs_st)
@settings(max_examples=10, deadline=None, derandomize=True)
def test_register_generated_rows_load(name, pairs):
    fname, make, loader = _register(name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / fname
        path.write_text(make(pairs), encoding="utf-8")
        data = loader(path)
    assert data.rows_read == len(pairs)
    assert data.rows_loaded >= 1 or all(a == b for a, b in pairs)
