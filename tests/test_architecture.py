"""The package's layering (see README, "Architecture"): a module imports only from its own floor or
floors below, and no two modules import each other in a circle.

Floors: 1 facts (dates, countries, the table contract, the dataset registry, the randomness contract,
the result model, the error base); 2 data in (loaders, place
resolution, merging, graphs); 3 analyses (measures, time, survival, shocks, associations, formation,
cohorts); 4 experiments on the model (simulation, counterfactuals); 5 faces (plotting, export, reproduce,
CLI).  Package ``__init__`` files re-export and are exempt from the floor rule.
"""

from __future__ import annotations

import ast
import pathlib

import networkx as nx
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1] / "src" / "twingraph"

FLOORS: dict[str, int] = {
    "dates": 1, "countries": 1, "tables": 1, "datasets": 1, "randomness": 1, "exceptions": 1, "results": 1,
    "deprecation": 1, "geo": 1, "names": 1, "_parallel": 1,
    "loaders": 2, "resolve": 2, "_unionfind": 2, "merge": 2, "graphs": 2, "membership": 2,
    "measures": 3, "temporal": 3, "survival": 3, "shocks": 3, "associations": 3, "formation": 3,
    "cohorts": 3, "recapture": 3, "lifecycle": 3, "portfolio": 5, "partner_choice": 3, "literature": 3,
    "simulate": 4, "counterfactual": 4,
    "plotting": 5, "maps": 5, "export": 5, "reproduce": 5, "cli": 5, "__main__": 5,
}


def _modules() -> dict[str, pathlib.Path]:
    out = {}
    for p in ROOT.rglob("*.py"):
        parts = ("twingraph",) + p.relative_to(ROOT).with_suffix("").parts
        out[".".join(parts).removesuffix(".__init__")] = p
    return out


def _imports(name: str, path: pathlib.Path, known: set[str]) -> set[str]:
    """Intra-package modules ``name`` imports (module level and inside functions)."""
    pkg = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = pkg.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in known else base)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {m for m in found if m in known and m != name}


def _floor(module: str) -> int:
    key = module.split(".")[1] if "." in module else ""
    if key not in FLOORS:
        raise AssertionError(f"{module}: no floor assigned; add it to FLOORS in tests/test_architecture.py")
    return FLOORS[key]


MODULES = _modules()
GRAPH = nx.DiGraph()
for _name, _path in MODULES.items():
    GRAPH.add_node(_name)
    GRAPH.add_edges_from((_name, dep) for dep in _imports(_name, _path, set(MODULES)))


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not _is_package(m)))
def test_no_upward_import(module):
    mine = _floor(module)
    upward = sorted(d for d in GRAPH.successors(module) if not _is_package(d) and _floor(d) > mine)
    assert not upward, f"{module} (floor {mine}) imports from above: {upward}"


def test_no_import_cycles():
    sub = GRAPH.subgraph(m for m in MODULES if not _is_package(m))
    cycles = [sorted(c) for c in nx.strongly_connected_components(sub) if len(c) > 1]
    assert not cycles, f"import cycles: {cycles}"


def test_the_checker_sees_imports():
    """The checker itself: known edges are found (a test of the test)."""
    assert GRAPH.has_edge("twingraph.graphs", "twingraph.dates")
    assert GRAPH.has_edge("twingraph.survival.counting", "twingraph.tables")


EXPERIMENTS = ROOT.parents[1] / "experiments"


@pytest.mark.parametrize("script", sorted(p.name for p in EXPERIMENTS.glob("[0-9]*.py")))
def test_experiments_stay_thin(script):
    """Experiment scripts read, call the public API, draw and write: at most 120 lines, and every
    script declares the datasets it needs and its captions."""
    text = (EXPERIMENTS / script).read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 120, f"{script} has {len(text.splitlines())} lines: move logic into the library"
    tree = ast.parse(text)
    names = {t.id for node in tree.body if isinstance(node, ast.Assign) for t in node.targets if isinstance(t, ast.Name)}
    assert {"DATASETS", "CAPTIONS"} <= names, f"{script} must declare DATASETS and CAPTIONS"


def test_floors_list_only_modules_that_exist():
    """Every name in FLOORS is a module or package of twingraph today (no stale entries)."""
    present = {m.split(".")[1] for m in MODULES if "." in m}
    stale = sorted(set(FLOORS) - present)
    assert not stale, f"FLOORS names modules that do not exist: {stale}"


MAX_LINES = 1000


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_under_a_thousand_lines(module):
    n = len(MODULES[module].read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{module} has {n} lines (limit {MAX_LINES}): split it by concern"
