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

import numpy as np
import pandas as pd

from ..exceptions import KonectFormatError
from ._io import bounded_lines
from ..tables import Rejections, TwinData, make_twindata
from ._accumulate import TieAccumulator
from ._rows import Reject, Row, RowReader, line_rows

__all__ = ["KonectFormatError", "load_konect", "konect_edge_arrays", "FAST_ROWS"]

#: :func:`konect_edge_arrays` answers for files of at least this many data rows (smaller files go
#: through :func:`load_konect`, whose tables the other commands need anyway)
FAST_ROWS = 100_000

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
    acc = TieAccumulator("", path.name)  # place ids sort as strings: a < b in string order
    max_id = rows_loaded = weighted = 0
    used: set[int] = set()

    def _edge(row: Row) -> tuple[int, int, int, pd.Timestamp, bool]:
        parts = row.fields
        if len(parts) < 2:
            raise Reject("too-few-fields")
        if not (_ID.fullmatch(parts[0]) and _ID.fullmatch(parts[1])):
            raise Reject("bad-node-id", "ids must be integers")
        if max(len(parts[0]), len(parts[1])) > _MAX_ID_DIGITS:
            raise Reject("id-out-of-range", f"an id of {max(len(parts[0]), len(parts[1])):,} digits", row.raw[:200])
        u, v = int(parts[0]), int(parts[1])
        if u < 1 or v < 1:
            raise Reject("bad-node-id", "ids are 1-based")
        if max(u, v) > id_limit:
            raise Reject("id-out-of-range", f"id {max(u, v):,} is {why}", row.raw[:200])
        if u == v:
            raise Reject("self-loop")
        start = pd.NaT
        if len(parts) >= 4:
            try:
                start = pd.Timestamp(int(float(parts[3])), unit="s").normalize()
            except (ValueError, OverflowError):
                raise Reject("bad-time") from None
        is_weighted = False
        if len(parts) >= 3:
            try:
                is_weighted = float(parts[2]) != 1.0
            except ValueError:
                raise Reject("bad-weight") from None
        return row.line, u, v, start, is_weighted

    edges = RowReader(path.name, rej)
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        for line_no, u, v, start, is_weighted in edges.records(line_rows(bounded_lines(fh, path.name), sep=None,
                                                                         comment="%"), _edge):
            rows_loaded += 1
            weighted += is_weighted
            max_id = max(max_id, u, v)
            used.update((u, v))
            acc.add(f"konect:{u}", f"konect:{v}", line_no, start=start, start_precision="day")
    rows_read = edges.rows_read
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


def konect_edge_arrays(path: Path, min_rows: int = FAST_ROWS) -> tuple[int, np.ndarray] | None:
    """The simple graph of a large, regular KONECT file as arrays, streamed without Python objects.

    Returns ``(n, edges)``: ``n`` nodes (``max(size line's n, largest id)``, as :func:`load_konect`)
    and the distinct unordered pairs as a 0-based ``int64`` array (m x 2, ``u < v``, sorted).  The
    same graph as ``load_konect`` + :func:`twingraph.graphs.simple_graph` (vertex ``i`` = KONECT id
    ``i + 1``), in a fraction of the time and memory: the data rows are parsed by pandas' C reader
    straight into integer arrays.  Returns None, so that the caller uses :func:`load_konect` and
    its row-by-row accounting, whenever the file is smaller than ``min_rows`` data rows or anything
    would be rejected or noted by it: a row that is not two positive integer ids, a self-loop, an
    id out of range, weights or timestamps, a ``%`` after the header, a bipartite or unknown format.

    Parameters
    ----------
    path : pathlib.Path
        The ``out.<name>`` file.
    min_rows : int
        Files with fewer data rows go to :func:`load_konect`.

    Returns
    -------
    tuple of (int, numpy.ndarray) or None
        ``(n, edges)``, or None when :func:`load_konect` must read the file.
    """
    import io

    from ._io import check_readable

    path = Path(path)
    check_readable(path)
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    head_end = 0
    header: list[list[str]] = []
    while True:  # the leading comment lines (and blank lines among them)
        nl = raw.find(b"\n", head_end)
        line = raw[head_end: len(raw) if nl < 0 else nl].strip()
        if line and not line.startswith(b"%"):
            break
        if line:
            header.append(line.decode("utf-8", "replace").lstrip("%").split())
        if nl < 0:
            head_end = len(raw)
            break
        head_end = nl + 1
    body = raw[head_end:]
    if not header or not header[0] or header[0][0] not in ("sym", "asym") or b"%" in body or b"+" in body:
        return None
    n_rows = body.count(b"\n") + (0 if body.endswith(b"\n") or not body else 1)
    if n_rows < min_rows:
        return None
    sizes = next(([int(f) for f in h] for h in header[1:]
                  if h and all(f.isdigit() and len(f) <= _MAX_ID_DIGITS for f in h)), [])
    header_n = sizes[1] if len(sizes) >= 2 else None
    try:
        df = pd.read_csv(io.BytesIO(body), sep=r"\s+", header=None, engine="c", dtype=np.int64)
    except (ValueError, pd.errors.ParserError):
        return None
    if df.shape[1] != 2 or len(df) != n_rows:  # weights/timestamps, ragged or blank rows: the full loader
        return None
    e = df.to_numpy(dtype=np.int64)
    del df
    cap = max(20 * n_rows, 10_000)
    if header_n is not None and header_n > cap:
        return None
    id_limit = max(2 * header_n, header_n + 1000) if header_n is not None else cap
    if len(e) == 0 or e.min() < 1 or e.max() > id_limit or np.any(e[:, 0] == e[:, 1]):
        return None
    n = max(int(e.max()), header_n or 0)
    lo = np.minimum(e[:, 0], e[:, 1]) - 1
    hi = np.maximum(e[:, 0], e[:, 1]) - 1
    del e
    key = np.unique(lo * n + hi)
    return n, np.stack([key // n, key % n], axis=1)
