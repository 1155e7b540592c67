"""``twingraph reproduce``: run every experiment script in order, writing into ``figures/``.

Scripts are the ``*.py`` files of the experiments folder, run in name order (``01_…``, ``02_…``) as
separate processes with the folder's parent as working directory, so each is independent and
re-runnable on its own (``python experiments/01_….py``).  A progress bar shows which is running; a
failing script is reported with its exit status and the run goes on, so one broken figure does not
hide the others; the exit status is non-zero if any failed.  Afterwards ``figures/README.md`` is
generated from every script's ``CAPTIONS`` as the script held them when it finished (captured by
running each script through :mod:`runpy`; scripts not run this time are read statically).

Before anything runs, the datasets every selected script needs are checked (each script declares
``DATASETS = (...)`` at module level, read with :mod:`ast` without importing the script; a script
without it is scanned for dataset names).  When any is missing from the data directory
(``$TWINGRAPH_DATA_DIR`` or the cache) the run stops at once with one line saying what to do.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import tempfile
import sys
import time
from pathlib import Path

from tqdm import tqdm

__all__ = ["reproduce", "experiment_scripts", "declared_datasets", "missing_datasets", "declared_captions",
           "figures_readme", "write_figures_readme"]

_BUILTIN = ("curated",)  # shipped inside the package: always available


def declared_datasets(script: Path) -> tuple[str, ...]:
    """The dataset names a script needs: its module-level ``DATASETS`` tuple, read without importing it.

    A script without ``DATASETS`` is scanned for string constants that name a registered dataset,
    including the literal constants it imports from a sibling module (``from _setup import REAL``).
    Raises ``ValueError`` when ``DATASETS`` is not a literal tuple/list of strings.

    Parameters
    ----------
    script : Path
        Experiment script.

    Returns
    -------
    tuple of str
        ``DATASETS`` as written, or the names found (sorted).
    """
    from .datasets import DATASETS as REGISTRY

    tree = ast.parse(Path(script).read_text(encoding="utf-8"), filename=str(script))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "DATASETS" for t in targets) and node.value is not None:
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                value = None
            if not (isinstance(value, (tuple, list)) and all(isinstance(v, str) for v in value)):
                raise ValueError(f"{script}: DATASETS must be a literal tuple of dataset names")
            return tuple(value)
    known = set(REGISTRY) | {"wikidata-live"}
    found = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    for node in tree.body:
        sibling = Path(script).parent / f"{getattr(node, 'module', None)}.py"
        if isinstance(node, ast.ImportFrom) and not node.level and sibling.is_file():
            found |= _literal_strings(sibling, {a.name for a in node.names})
    return tuple(sorted(found & known))


def _literal_strings(module: Path, names: set[str]) -> set[str]:
    """Strings held by the module-level literal constants ``names`` of ``module``."""
    out: set[str] = set()
    for node in ast.parse(module.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in names for t in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                continue
            items = value if isinstance(value, (tuple, list, set, frozenset)) else (value,)
            out |= {v for v in items if isinstance(v, str)}
    return out


def _available(name: str, root: Path) -> bool:
    from .datasets import DATASETS as REGISTRY

    if name in _BUILTIN:
        return True
    if name == "wikidata-live":
        return any(root.glob("wikidata-live/p190-*/*.json"))
    return all((root / name / f.name).is_file() for f in REGISTRY[name].files)


def missing_datasets(scripts: list[Path], root: Path | None = None) -> list[str]:
    """Names needed by ``scripts`` that are absent from ``root`` (default: the data directory).

    Parameters
    ----------
    scripts : list of Path
        Experiment scripts.
    root : Path, optional
        Data folder.

    Returns
    -------
    list of str
        In order of first need (``ValueError`` for a name that is not a dataset).
    """
    from .datasets import DATASETS as REGISTRY
    from .datasets import data_dir

    root = root or data_dir()
    needed: dict[str, None] = {}
    for script in scripts:
        for name in declared_datasets(script):
            if name not in REGISTRY and name not in _BUILTIN and name != "wikidata-live":
                raise ValueError(f"{script.name}: unknown dataset {name!r} in DATASETS")
            needed[name] = None
    return [n for n in needed if not _available(n, root)]


def _missing_message(missing: list[str]) -> str:
    from .datasets import data_dir

    fetches = " and ".join(f"`twingraph fetch {n}" + (" --contact YOU`" if n == "wikidata-live" else "`")
                           for n in missing)
    return (f"twingraph: error: the experiments need {', '.join(missing)}, not found in {data_dir()}: set "
            f"TWINGRAPH_DATA_DIR to a folder that holds them, or run {fetches}")


def _module_constants(tree: ast.Module) -> dict[str, object]:
    """Module-level names bound to literal values (``N = 500``, ``T = (50, 100)``)."""
    out: dict[str, object] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                continue
    return out


def declared_captions(script: Path) -> dict[str, str]:
    """A script's module-level ``CAPTIONS`` dict (output file -> caption), read without running it.

    ``CAPTIONS`` must be a dict of string keys to string values built from literals, f-strings and
    the script's own module-level literal constants (``N_REPLICATES = 500``); anything else (a
    call, an imported name) raises ``ValueError`` naming the script.  A script without
    ``CAPTIONS`` gives ``{}``.

    Parameters
    ----------
    script : Path

    Returns
    -------
    dict of str to str
        In the order written in the script.
    """
    tree = ast.parse(Path(script).read_text(encoding="utf-8"), filename=str(script))
    consts = _module_constants(tree)
    for node in tree.body:
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "CAPTIONS" for t in node.targets)):
            names = {n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)}
            calls = [n for n in ast.walk(node.value) if isinstance(n, (ast.Call, ast.Attribute, ast.Lambda))]
            unknown = names - set(consts)
            if calls or unknown:
                what = f"names {sorted(unknown)}" if unknown else "calls or attributes"
                raise ValueError(f"{Path(script).name}: CAPTIONS may use literals and the script's literal "
                                 f"constants only, not {what}")
            value = eval(compile(ast.Expression(node.value), str(script), "eval"),  # noqa: S307
                         {"__builtins__": {}}, dict(consts))
            if not (isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str)
                                                    for k, v in value.items())):
                raise ValueError(f"{Path(script).name}: CAPTIONS must map file names to caption strings")
            return value
    return {}


def figures_readme(folder: Path, figures: Path | None = None,
                   captions: dict[str, dict[str, str]] | None = None) -> str:
    """The text of ``figures/README.md``: one section per experiment script, in run order.

    Each section has the script's name and the first paragraph of its docstring, then one bullet per
    output file in ``CAPTIONS``, sorted by name (marked *not generated* when the file is absent from ``figures``).
    Files in ``figures`` that no caption mentions are listed at the end, so nothing goes
    undescribed.  The text depends only on the scripts and the file names: no dates, sorted,
    ``\\n`` line ends, so two runs write identical bytes.

    Parameters
    ----------
    folder : Path
        The experiments folder.
    figures : Path, optional
        The output folder (default: ``folder/../figures``).
    captions : dict, optional
        Script file name -> the ``CAPTIONS`` the script held when it finished (captured by
        :func:`reproduce`, so computed captions are exact); scripts not in it are read statically
        with :func:`declared_captions`, and when that is impossible the section says so.

    Returns
    -------
    str
    """
    folder = Path(folder)
    figures = Path(figures) if figures is not None else folder.resolve().parent / "figures"
    present = ({p.name for p in figures.iterdir() if p.is_file() and not p.name.startswith(".")}
               if figures.is_dir() else set())
    lines = ["# Figures and tables", "",
             "Generated by `twingraph reproduce` from each experiment's `CAPTIONS`; do not edit by hand.",
             "Every figure is written as a 300-dpi PNG and a vector PDF of the same name.", ""]
    described: set[str] = {"README.md"}
    for script in experiment_scripts(folder):
        note = ""
        if captions is not None and script.name in captions:
            caps = captions[script.name]
        else:
            try:
                caps = declared_captions(script)
            except ValueError:
                caps, note = {}, "(CAPTIONS are computed when the script runs: run `twingraph reproduce` to list them)"
        doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
        lines += [f"## {script.name}", ""]
        if doc:  # the docstring's first paragraph, joined, so a heading never stops mid-sentence
            lines += [" ".join(doc.strip().split("\n\n")[0].split()), ""]
        if not caps:
            lines += [note or "(no CAPTIONS declared)", ""]
        for name, caption in sorted(caps.items()):  # the same order whether captured now or cached
            described.add(name)
            if name.endswith(".png"):
                described.add(name[:-4] + ".pdf")
            flag = "" if name in present or not present else " *(not generated)*"
            lines.append(f"- `{name}`{flag}: {' '.join(caption.split())}")
        lines.append("")
    rest = sorted(present - described)
    if rest:
        lines += ["## Files without a caption", ""] + [f"- `{n}`" for n in rest] + [""]
    return "\n".join(lines)


def write_figures_readme(folder: Path, figures: Path | None = None,
                         captions: dict[str, dict[str, str]] | None = None) -> Path:
    """Write :func:`figures_readme` to ``figures/README.md``; returns its path.

    Parameters
    ----------
    folder : Path
        The experiments folder.
    figures : Path, optional
        The output folder (default: ``folder/../figures``, created if needed).
    captions : dict, optional
        Captured captions (:func:`figures_readme`).

    Returns
    -------
    Path
    """
    folder = Path(folder)
    figures = Path(figures) if figures is not None else folder.resolve().parent / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    out = figures / "README.md"
    out.write_bytes(figures_readme(folder, figures, captions).encode("utf-8"))
    return out


# Runs one experiment script as ``python script.py`` would (its folder first on sys.path, __main__),
# then writes the CAPTIONS it holds at the end as JSON to the path in $TWINGRAPH_CAPTIONS_OUT.
_RUNNER = (
    "import json, os, runpy, sys\n"
    "script = sys.argv[1]\n"
    "sys.path.insert(0, os.path.dirname(script))\n"
    "sys.argv = [script]\n"
    "ns = runpy.run_path(script, run_name='__main__')\n"
    "caps = ns.get('CAPTIONS') or {}\n"
    "with open(os.environ['TWINGRAPH_CAPTIONS_OUT'], 'w', encoding='utf-8') as fh:\n"
    "    json.dump({str(k): str(v) for k, v in dict(caps).items()}, fh)\n"
)


#: the captions each script held when it last finished (script name -> CAPTIONS), kept beside the
#: figures so that ``reproduce --only X`` rewrites the README with every other script's captions intact
CAPTIONS_CACHE = ".captions.json"


def read_captions_cache(figures: Path) -> dict[str, dict[str, str]]:
    """The captions captured by earlier runs (empty when there is no readable cache).

    Parameters
    ----------
    figures : Path
        The output folder.

    Returns
    -------
    dict
        Script file name -> its captured ``CAPTIONS``.
    """
    try:
        doc = json.loads((Path(figures) / CAPTIONS_CACHE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(doc, dict):
        return {}
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in doc.items() if isinstance(v, dict)}


def write_captions_cache(figures: Path, captions: dict[str, dict[str, str]]) -> Path:
    """Write the captured captions (sorted keys, ``\n`` line ends: identical bytes for identical captions).

    Parameters
    ----------
    figures : Path
        The output folder.
    captions : dict
        Script file name -> its captured ``CAPTIONS``.

    Returns
    -------
    Path
        The cache file.
    """
    out = Path(figures) / CAPTIONS_CACHE
    out.write_bytes((json.dumps(captions, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8"))
    return out


def experiment_scripts(folder: Path, only: str | None = None) -> list[Path]:
    """The experiment scripts of ``folder`` in run order: ``*.py`` not starting with ``_``, sorted by name.

    Parameters
    ----------
    folder : Path
        The experiments folder.
    only : str, optional
        Keep the scripts whose file name contains it.

    Returns
    -------
    list of Path
    """
    scripts = sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))
    return [p for p in scripts if only is None or only in p.name]


def reproduce(folder: Path = Path("experiments"), only: str | None = None) -> int:
    """Run the experiment scripts; returns 0 if all succeeded, 1 otherwise.

    Parameters
    ----------
    folder : Path
        The experiments folder (figures go to its parent's ``figures``).
    only : str, optional
        Run only the scripts whose file name contains it.

    Returns
    -------
    int
        Exit status: 0, 1 when a script failed, 2 when nothing could run (no folder or scripts, a
        dataset missing or undeclarable).
    """
    folder = Path(folder)
    if not folder.is_dir():
        print(f"twingraph: error: no experiments folder at {folder.resolve()}", file=sys.stderr)
        return 2
    scripts = experiment_scripts(folder, only)
    if not scripts:
        print(f"twingraph: error: no experiment scripts in {folder}", file=sys.stderr)
        return 2
    try:
        missing = missing_datasets(scripts)
    except (ValueError, SyntaxError) as exc:
        print(f"twingraph: error: {exc}", file=sys.stderr)
        return 2
    if missing:
        print(_missing_message(missing), file=sys.stderr)
        return 2
    failed = []
    figures = folder.resolve().parent / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    names = {p.name for p in experiment_scripts(folder)}
    # captions of the scripts not run this time come from the last run that ran them
    captured = {k: v for k, v in read_captions_cache(figures).items() if k in names}
    t_all = time.perf_counter()
    tmp = tempfile.TemporaryDirectory(prefix="twingraph-captions-")
    bar = tqdm(scripts, unit="script", desc="reproduce")
    for script in bar:
        bar.set_postfix_str(script.name)
        t0 = time.perf_counter()
        out_json = Path(tmp.name) / f"{script.stem}.json"
        env = {**os.environ, "TWINGRAPH_CAPTIONS_OUT": str(out_json)}
        proc = subprocess.run([sys.executable, "-c", _RUNNER, str(script.resolve())],
                              cwd=folder.resolve().parent, env=env)
        if proc.returncode == 0 and out_json.is_file():
            captured[script.name] = json.loads(out_json.read_text(encoding="utf-8"))
        dt = time.perf_counter() - t0
        status = "ok" if proc.returncode == 0 else f"FAILED (exit {proc.returncode})"
        tqdm.write(f"{script.name:<40} {status:<18} {dt:7.1f} s")
        if proc.returncode != 0:
            failed.append(script.name)
    tmp.cleanup()
    tqdm.write(f"{'total':<40} {len(scripts)} script(s){'':<8} {time.perf_counter() - t_all:7.1f} s")
    write_captions_cache(figures, captured)
    readme = write_figures_readme(folder, captions=captured)
    tqdm.write(f"wrote {readme}")
    if failed:
        print(f"twingraph: {len(failed)} experiment(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
