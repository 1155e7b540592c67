"""Loader for KONECT networks (``out.<name>`` TSV files), e.g. KONECT's "twin" (Sister cities).

The format (KONECT handbook, "File formats"): lines starting with ``%`` are comments; the first is
``% <format> <weights>`` (``sym``/``asym``/``bip``, ``unweighted``/``positive``/``posweighted``/
``signed``/``multiweighted``/...), an optional second ``% <m> <n> [<n2>]`` gives the edge and node
counts.  Every other line is ``u v [weight [time]]`` separated by whitespace, with 1-based integer
node ids.  Optional files beside it: ``meta.<name>`` (``key: value`` lines) and entity names in
``ent.<name>.<...>.name`` (one line per node, line i = node i).

Conventions:

* Nodes are ``1..n`` with ``n = max(n from the size line, largest id loaded)``; every node becomes a
  place (``place_id = "konect:<id>"``), isolated ones included, so node counts match KONECT's.
  Memory follows the data, not the ids: an id far beyond what the file can describe is rejected
  (``id-out-of-range``): beyond ``max(2 n, n + 1000)`` when the size line declares ``n`` nodes, beyond
  ``max(20 m, 10000)`` for ``m`` edge rows without one; a size line declaring more nodes than that
  is not a plausible header (:class:`KonectFormatError`).  A size line that disagrees with the file
  (ids beyond its ``n``, more than twice as many nodes declared as used, another edge count) is
  reported in ``notes["header_mismatch"]`` (shown by ``twingraph info``).
* Each edge row is a tie statement; rows naming the same unordered pair merge into one tie
  (``n_rows`` counts them, ``notes["multi_edge_rows"]`` the extra rows).  For a ``sym`` network,
  KONECT stores each edge once; for ``asym``, u->v and v->u merge into one tie with
  ``directions = "both"``.
* Loops (``u == v``) cannot be twinnings and are rejected (``self-loop``); so are rows with
  non-integer or non-positive ids, ids out of range (above), too few fields, or an unreadable timestamp.
* The optional time column (Unix seconds) becomes the spell's start (day precision); when merged
  rows disagree the earliest is kept and ``conflict`` is set.  Weights are not part of the twinning
  model: their presence is counted in ``notes["weighted_rows"]``.
* ``observed`` is read from ``meta.<name>``'s ``timeiso`` line when there is one (see
  :func:`observed_from_meta`), so survival tables need no ``observed=``.
* Bipartite (``bip``) files are rejected as a whole: a twinning network is one-mode.
"""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pandas as pd

from ..exceptions import KonectFormatError
from ._io import bounded_lines
from ..tables import Rejections, TwinData, make_twindata
from ._accumulate import TieAccumulator

__all__ = ["KonectFormatError", "load_konect"]

_ID = re.compile(r"[0-9]+")
#: longer ids are rejected before int() (Python refuses ints of more than 4,300 digits)
_MAX_ID_DIGITS = 18


def _read_names(folder: Path, name: str) -> list[str] | None:
    for cand in sorted(folder.glob(f"ent.{glob.escape(name)}.*name")):
        return cand.read_text(encoding="utf-8-sig", errors="replace").splitlines()
    return None


def _read_meta(folder: Path, name: str) -> dict[str, str]:
    meta_file = folder / f"meta.{name}"
    meta: dict[str, str] = {}
    if meta_file.is_file():
        for line in meta_file.read_text(encoding="utf-8-sig", errors="replace").splitlines():
            if ":" in line:
                k, v = line.split(":", 1)
                meta[k.strip()] = v.strip()
    return meta


def _scan(path: Path) -> tuple[list[str], list[int], int]:
    """First pass: the format line, the size line and the number of data lines (streamed)."""
    fmt: list[str] = []
    sizes: list[int] = []
    n_data = 0
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        for line_no, line in enumerate(bounded_lines(fh, path.name), start=1):
            text = line.strip()
            if not text:
                continue
            if not text.startswith("%"):
                n_data += 1
                continue
            fields = text.lstrip("%").split()
            if not fmt and fields:
                fmt = fields
                if fields[0] == "bip":
                    raise KonectFormatError(f"{path}: bipartite KONECT network; twinning networks are one-mode")
                if fields[0] not in ("sym", "asym"):
                    raise KonectFormatError(f"{path}: line {line_no}: unknown KONECT format {fields[0]!r}")
            elif not sizes and fields and all(f.isdigit() and len(f) <= _MAX_ID_DIGITS for f in fields):
                sizes = [int(f) for f in fields]
    if not fmt:
        raise KonectFormatError(f"{path}: no '% sym|asym ...' header line: not a KONECT out.* file")
    return fmt, sizes, n_data


def load_konect(path: Path, source: str | None = None) -> TwinData:
    """Load a KONECT ``out.<name>`` file (and its ``meta``/``ent`` companions when present).

    Parameters
    ----------
    path : pathlib.Path
        The ``out.<name>`` file.
    source : str, optional
        Name recorded as the data's source (default: the path).

    Returns
    -------
    TwinData
        Places ``konect:1 .. konect:n``, one tie per unordered pair, rejected rows with reasons.

    Raises
    ------
    KonectFormatError
        No ``% sym|asym`` line, a bipartite network, or an implausible size line.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no such file: {path}")
    name = path.name[4:] if path.name.startswith("out.") else path.stem
    fmt, header_sizes, n_data = _scan(path)
    cap = max(20 * n_data, 10_000)  # the most nodes n_data edge rows can plausibly come with
    header_n = header_sizes[1] if len(header_sizes) >= 2 else None
    if header_n is not None and header_n > cap:
        raise KonectFormatError(f"{path}: the size line declares {header_n:,} nodes for {n_data:,} edge rows: "
                                "not a plausible KONECT header")
    if header_n is not None:
        id_limit = max(2 * header_n, header_n + 1000)
        why = f"far beyond the {header_n:,} nodes the size line declares"
    else:
        id_limit = cap
        why = f"far beyond what {n_data:,} edge rows can name (KONECT ids run 1..n)"
    rej = Rejections()
    rows_read = rows_loaded = 0
    acc = TieAccumulator("", path.name)  # place ids sort as strings: a < b in string order
    max_id = 0
    used: set[int] = set()
    weighted = 0
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        for line_no, line in enumerate(bounded_lines(fh, path.name), start=1):
            text = line.strip()
            if not text or text.startswith("%"):
                continue
            rows_read += 1
            parts = text.split()
            if len(parts) < 2:
                rej.add(path.name, line_no, "too-few-fields", "", text)
                continue
            if not (_ID.fullmatch(parts[0]) and _ID.fullmatch(parts[1])):
                rej.add(path.name, line_no, "bad-node-id", "ids must be integers", text)
                continue
            if max(len(parts[0]), len(parts[1])) > _MAX_ID_DIGITS:
                rej.add(path.name, line_no, "id-out-of-range",
                        f"an id of {max(len(parts[0]), len(parts[1])):,} digits", text[:200])
                continue
            u, v = int(parts[0]), int(parts[1])
            if u < 1 or v < 1:
                rej.add(path.name, line_no, "bad-node-id", "ids are 1-based", text)
                continue
            if max(u, v) > id_limit:
                rej.add(path.name, line_no, "id-out-of-range", f"id {max(u, v):,} is {why}", text[:200])
                continue
            if u == v:
                rej.add(path.name, line_no, "self-loop", "", text)
                continue
            start = pd.NaT
            if len(parts) >= 4:
                try:
                    start = pd.Timestamp(int(float(parts[3])), unit="s").normalize()
                except (ValueError, OverflowError):
                    rej.add(path.name, line_no, "bad-time", "", text)
                    continue
            if len(parts) >= 3:
                try:
                    if float(parts[2]) != 1.0:
                        weighted += 1
                except ValueError:
                    rej.add(path.name, line_no, "bad-weight", "", text)
                    continue
            rows_loaded += 1
            max_id = max(max_id, u, v)
            used.update((u, v))
            acc.add(f"konect:{u}", f"konect:{v}", line_no, start=start, start_precision="day")
    n = max(max_id, header_n or 0)
    labels = _read_names(path.parent, name)
    places = [
        {"place_id": f"konect:{i}", "name": labels[i - 1] if labels and i <= len(labels) else str(i),
         "konect_id": str(i), "level": "unknown"}
        for i in range(1, n + 1)
    ]
    notes: dict[str, object] = {"konect_format": " ".join(fmt), "multi_edge_rows": acc.merged_rows,
                                "weighted_rows": weighted, "meta": _read_meta(path.parent, name)}
    mismatch = []
    if header_sizes:
        notes["header_edges"] = header_sizes[0]
        if header_sizes[0] != rows_read:
            mismatch.append(f"size line says {header_sizes[0]:,} edges, file has {rows_read:,} rows")
            notes["header_edges_mismatch"] = mismatch[-1]
    if header_n is not None:
        notes["header_nodes"] = header_n
        if max_id > header_n:
            mismatch.append(f"size line says {header_n:,} nodes, edges name ids up to {max_id:,}")
        elif header_n > 2 * max(len(used), 1):
            mismatch.append(f"size line says {header_n:,} nodes, edges use only {len(used):,} of them")
    if mismatch:
        notes["header_mismatch"] = "; ".join(mismatch)
    return make_twindata(places, acc.records(), rej, rows_read, rows_loaded,
                         source=source or str(path), notes=notes, observed=observed_from_meta(notes["meta"]))  # type: ignore[arg-type]


def observed_from_meta(meta: dict[str, str]) -> pd.Timestamp | None:
    """The observation date KONECT's ``meta.<name>`` states in ``timeiso`` (e.g. ``2017-10-22``).

    KONECT gives the date (or a ``start/end`` range, whose end is taken) when the data was
    collected; a year or a month stands for its first day.  ``None`` when absent or unreadable.

    Parameters
    ----------
    meta : dict
        ``meta.<name>`` as key -> value.

    Returns
    -------
    pandas.Timestamp or None
    """
    text = meta.get("timeiso", "")
    found = re.findall(r"\d{4}(?:-\d{2}(?:-\d{2})?)?", text)
    if not found:
        return None
    try:
        return pd.Timestamp(found[-1])
    except ValueError:
        return None
