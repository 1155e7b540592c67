"""Bounded reading: every loader reads its files through these, so no input can exhaust memory.

A twinning table is small (the largest real source, the 2026 Wikipedia lists, is 1.3 MB; a KONECT
edge list of a million places is tens of MB).  Three limits turn a hostile or mistaken input (a
device such as ``/dev/zero``, a binary blob, a file with no line breaks) into one clear
:class:`~twingraph.loaders.LoadError`-style message instead of a process that grows until the
machine kills it:

* only **regular files** are read (not devices, FIFOs or sockets: they can be endless and cannot be
  read twice, which format detection needs);
* a file may be at most :data:`MAX_FILE_BYTES` long (``$TWINGRAPH_MAX_FILE_BYTES`` overrides it);
* a line may be at most :data:`MAX_LINE_CHARS` characters long; lines are read with a bounded
  ``readline``, so a file without line breaks costs at most that much memory.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from ..exceptions import TwingraphError

__all__ = ["MAX_FILE_BYTES", "MAX_LINE_CHARS", "InputTooLarge", "bounded_lines", "check_readable", "first_line"]

#: the longest file any loader reads (bytes); ``$TWINGRAPH_MAX_FILE_BYTES`` overrides it
MAX_FILE_BYTES = 2 * 1024**3
#: the longest line any loader reads (characters)
MAX_LINE_CHARS = 1024**2


class InputTooLarge(TwingraphError, ValueError):
    """An input breaks one of the reading limits (not a regular file, too large, a line too long)."""


def _max_file_bytes() -> int:
    text = os.environ.get("TWINGRAPH_MAX_FILE_BYTES", "")
    return int(text) if text.isdigit() else MAX_FILE_BYTES


def check_readable(path: Path | str) -> Path:
    """Refuse anything but a regular file of at most the size limit.

    Parameters
    ----------
    path : path-like
        The file about to be read.

    Returns
    -------
    pathlib.Path
        ``path``, when it may be read.

    Raises
    ------
    InputTooLarge
        ``path`` is a device, FIFO or socket, or larger than the limit.
    """
    p = Path(path)
    mode = p.stat().st_mode
    if not stat.S_ISREG(mode):
        kind = ("a character device" if stat.S_ISCHR(mode) else "a block device" if stat.S_ISBLK(mode)
                else "a FIFO" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a file")
        raise InputTooLarge(f"{p}: is {kind}, not a regular file; twingraph reads tables of ties from files")
    limit = _max_file_bytes()
    size = p.stat().st_size
    if size > limit:
        raise InputTooLarge(f"{p}: {size:,} bytes, more than the {limit:,}-byte limit for one input file "
                            "(set TWINGRAPH_MAX_FILE_BYTES to raise it)")
    return p


def bounded_lines(fh: IO[str], name: str = "input", limit: int = MAX_LINE_CHARS) -> Iterator[str]:
    """The lines of an open text file, each read with a bounded ``readline``.

    Parameters
    ----------
    fh : text file
        Open for reading.
    name : str
        The file's name, for the message.
    limit : int
        The longest line allowed, in characters.

    Yields
    ------
    str
        Each line, with its line break.

    Raises
    ------
    InputTooLarge
        A line is longer than ``limit`` (at most ``limit + 1`` characters are ever held).
    """
    line_no = 0
    while True:
        line = fh.readline(limit + 1)
        if not line:
            return
        line_no += 1
        if len(line) > limit and not line.endswith("\n"):
            raise InputTooLarge(f"{name}: line {line_no:,} is longer than {limit:,} characters: "
                                "not a text table of ties")
        yield line


def first_line(path: Path, limit: int = MAX_LINE_CHARS) -> str:
    """The first non-empty line of a text file (stripped), read within the limits.

    Parameters
    ----------
    path : pathlib.Path
        A regular file (checked by :func:`check_readable`).
    limit : int
        The longest line allowed, in characters.

    Returns
    -------
    str
        The line, or ``""`` for a file with no non-empty line.
    """
    check_readable(path)
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        for line in bounded_lines(fh, str(path), limit):
            if line.strip():
                return line.strip()
    return ""
