"""Sphinx configuration: the API reference is built from the numpydoc docstrings."""

from __future__ import annotations

import os
import sys
from importlib.metadata import version as _version

sys.path.insert(0, os.path.abspath("../src"))

project = "twingraph"
author = "twingraph developers"
copyright = "2026, twingraph developers"
release = _version("twingraph")
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "numpydoc",
]
autosummary_generate = False
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False
intersphinx_mapping = {}  # offline builds: no inventories are fetched
nitpicky = False
suppress_warnings = ["autodoc.import_object"] if os.environ.get("TWINGRAPH_DOCS_LENIENT") else []

html_theme = "pydata_sphinx_theme"
html_title = "twingraph"
html_theme_options = {"navigation_depth": 2, "show_toc_level": 2}
html_static_path: list[str] = []
html_last_updated_fmt = None
exclude_patterns = ["_build"]

doctest_test_doctest_blocks = ""  # docstring examples run under pytest --doctest-modules
doctest_global_setup = """
import numpy as np
import pandas as pd
import twingraph as tg
"""
