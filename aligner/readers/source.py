"""Opening an input: the one place that decides what may be read, and how much.

Every reader (texts, bead files, verse files) goes through :func:`read_input`, so a FIFO nobody writes
to, ``/dev/zero`` or a directory is refused at once instead of hanging or filling memory.
"""

from __future__ import annotations

import os
import re
import stat
import sys

from ..errors import InputError

STDIN = "-"
# Large enough for a long novel in UTF-16; a larger input is more likely a mistake (a disk image, a
# log) than a book, and reading it whole would exhaust memory before failing.
DEFAULT_MAX_INPUT_BYTES = 100 * 1024 * 1024

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3, "t": 1024 ** 4}
_CHUNK = 1 << 20


def parse_size(text: str) -> int:
    """``"200M"``, ``"1G"``, ``"1.5g"``, ``"4096"`` (bytes) as a number of bytes (binary units)."""
    match = _SIZE.match(str(text))
    if not match or float(match.group(1)) * _UNITS[match.group(2).lower()] < 1:
        raise ValueError(f"{text!r} is not a size: give bytes or a number with K, M or G (e.g. 200M)")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def display_name(path: str) -> str:
    return "standard input" if path == STDIN else path


def read_input(path: str, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file, of a pipe (``<(cmd)``) or of ``-`` (standard input), at most ``max_bytes``.

    Directories, devices (``/dev/zero``), sockets and named pipes with no writer are refused before any
    blocking read; a larger input is refused after reading ``max_bytes + 1`` bytes, never more.
    """
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 1:
        raise ValueError(f"max_bytes must be a positive whole number of bytes, not {max_bytes!r}")
    if path == STDIN:
        return _bounded_read(sys.stdin.buffer.read, path, max_bytes)
    try:
        mode = os.stat(path).st_mode  # before opening: open() itself blocks on a FIFO with no writer
    except FileNotFoundError:
        raise InputError(f"{path}: cannot read (no such file)") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise InputError(f"{path}: is a directory, not a text file")
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise InputError(f"{path}: not a regular file (a device or socket); give a file, a pipe or '-'")
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb", buffering=0) as fh:
        mode = os.fstat(fd).st_mode  # again: the path may have been swapped since the stat
        if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
            raise InputError(f"{path}: not a regular file; give a file, a pipe or '-'")
        first = _first_pipe_chunk(fd, path, max_bytes + 1) if stat.S_ISFIFO(mode) else b""
        os.set_blocking(fd, True)
        return _bounded_read(fh.read, path, max_bytes, first)


def _first_pipe_chunk(fd: int, path: str, limit: int) -> bytes:
    """What a pipe holds now; a named pipe that nobody has opened for writing is refused (it would wait forever)."""
    try:
        data = os.read(fd, min(_CHUNK, limit))
    except BlockingIOError:  # a writer exists but has not written yet: wait for it as for stdin
        return b""
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not data:
        raise InputError(f"{path}: a named pipe with no writer (nothing to read); give a file, a pipe or '-'")
    return data


def _bounded_read(read, path: str, max_bytes: int, first: bytes = b"") -> bytes:
    parts = [first]
    size = len(first)
    try:
        while size <= max_bytes:
            chunk = read(min(_CHUNK, max_bytes + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise InputError(f"{display_name(path)}: cannot read ({exc.strerror or exc})") from None
    if size > max_bytes:
        raise InputError(f"{display_name(path)}: larger than {format_size(max_bytes)}; "
                         "raise --max-input-size if it really is one text")
    return b"".join(parts)


def format_size(n: int) -> str:
    for unit in ("G", "M", "K"):
        if n >= _UNITS[unit.lower()] and n % _UNITS[unit.lower()] == 0:
            return f"{n // _UNITS[unit.lower()]}{unit}"
    return f"{n} bytes"
