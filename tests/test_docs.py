"""Documentation contracts: api.rst covers every public module; numpydoc validation of the listed modules."""

from __future__ import annotations

import importlib.util
import pathlib
import pkgutil
import re
import subprocess
import sys

import pytest

import twingraph

REPO = pathlib.Path(__file__).resolve().parents[1]


def _public_modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(twingraph.__path__, "twingraph.")
                  if not any(p.startswith("_") for p in m.name.split(".")[1:]))


def test_api_rst_covers_every_public_module() -> None:
    text = (REPO / "docs" / "api.rst").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\.\. automodule:: (twingraph[\w.]*)", text, flags=re.M))
    missing = sorted(set(_public_modules()) - documented - {"twingraph.__main__"})
    assert not missing, f"docs/api.rst has no automodule for: {missing}"
    stale = sorted(documented - set(_public_modules()) - {"twingraph"})
    assert not stale, f"docs/api.rst documents modules that do not exist: {stale}"


def test_numpydoc_list_names_existing_files_and_the_new_floor_one_modules() -> None:
    files = (REPO / ".ci" / "numpydoc_files").read_text(encoding="utf-8").split()
    assert all((REPO / f).is_file() for f in files)
    for f in ("randomness", "exceptions", "results", "deprecation", "geo", "names", "membership"):
        assert f"src/twingraph/{f}.py" in files
    assert "src/twingraph/survival/base.py" in files and "src/twingraph/loaders/_rows.py" in files


@pytest.mark.skipif(importlib.util.find_spec("numpydoc") is None, reason="numpydoc is in the [docs] extra")
def test_numpydoc_lint_passes_on_the_listed_modules() -> None:
    files = (REPO / ".ci" / "numpydoc_files").read_text(encoding="utf-8").split()
    run = subprocess.run([sys.executable, "-m", "numpydoc", "lint", *files], cwd=REPO, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stdout + run.stderr
