"""One error base: every exception class defined in twingraph derives from TwingraphError (and every
warning from TwingraphWarning), keeps its builtin base, and stays importable from its old home."""

from __future__ import annotations

import ast
import importlib
import inspect
import pathlib
import pkgutil

import pytest

import twingraph
from twingraph import exceptions as E

ROOT = pathlib.Path(twingraph.__file__).parent


def _defined_classes() -> list[tuple[str, type]]:
    """Every class defined at module level anywhere in the package (private modules included)."""
    out = []
    for info in pkgutil.walk_packages(twingraph.__path__, "twingraph."):
        mod = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(mod, inspect.isclass):
            if obj.__module__ == info.name:
                out.append((f"{info.name}.{obj.__qualname__}", obj))
    return out


CLASSES = _defined_classes()


def test_the_walk_sees_the_package() -> None:
    names = {n for n, _ in CLASSES}
    assert {"twingraph.exceptions.ContractError", "twingraph.cohorts.CohortError",
            "twingraph.loaders.wikidata_client.WikidataFetchError"} <= names
    # the walk sees every source file (a file that fails to import would hide its classes)
    files = {p for p in ROOT.rglob("*.py")}
    assert len(files) == sum(1 for _ in pkgutil.walk_packages(twingraph.__path__, "twingraph.")) + 1


@pytest.mark.parametrize("name", sorted(n for n, c in CLASSES if issubclass(c, BaseException)))
def test_every_package_error_derives_from_the_base(name: str) -> None:
    cls = dict(CLASSES)[name]
    if issubclass(cls, Warning):
        assert issubclass(cls, E.TwingraphWarning), f"{name} must subclass twingraph.exceptions.TwingraphWarning"
    else:
        assert issubclass(cls, E.TwingraphError), f"{name} must subclass twingraph.exceptions.TwingraphError"


def test_no_exception_class_is_defined_outside_the_walk() -> None:
    """Classes defined inside functions are invisible to the walk: there must be none deriving from
    an exception."""
    for path in ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for node in ast.walk(fn):
                    if isinstance(node, ast.ClassDef):
                        bases = {ast.unparse(b) for b in node.bases}
                        assert not any("Error" in b or "Exception" in b or "Warning" in b for b in bases), \
                            f"{path.name}: {node.name} is an exception defined inside a function"


@pytest.mark.parametrize(("where", "name", "builtin"), [
    ("twingraph.cli", "UserError", Exception),
    ("twingraph.datasets", "DatasetError", RuntimeError),
    ("twingraph.tables", "ContractError", ValueError),
    ("twingraph.cohorts", "CohortError", ValueError),
    ("twingraph.loaders", "LoadError", ValueError),
    ("twingraph.loaders.konect", "KonectFormatError", ValueError),
    ("twingraph.loaders.wikidata_client", "WikidataFetchError", RuntimeError),
    ("twingraph.survival.cox", "NotEstimableWarning", RuntimeWarning),
    ("twingraph.randomness", "RandomStateError", TypeError),
    ("twingraph", "DatasetError", RuntimeError),
    ("twingraph", "LoadError", ValueError),
])
def test_old_homes_and_builtin_bases_are_kept(where: str, name: str, builtin: type) -> None:
    cls = getattr(importlib.import_module(where), name) if where != "twingraph.randomness" \
        else getattr(E, name)
    assert issubclass(cls, builtin)
    if hasattr(E, name):
        assert cls is getattr(E, name)


def test_one_except_clause_catches_a_loader_error(tmp_path: pathlib.Path) -> None:
    with pytest.raises(E.TwingraphError):
        twingraph.load(str(tmp_path / "missing.csv"))
    with pytest.raises(ValueError):   # the builtin base still catches it
        twingraph.load(str(tmp_path / "missing.csv"))
