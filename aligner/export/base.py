"""The exporter base class and atomic file writing."""

from __future__ import annotations

import os
import re
import secrets
import time
from abc import ABC, abstractmethod
from typing import BinaryIO, Callable, ClassVar, Mapping

from ..model import Alignment

Writer = Callable[[BinaryIO], None]

_TEMP_PREFIX = ".aligner-"
_TEMP = re.compile(r"\.aligner-(\d+)-[0-9a-f]{12}\.tmp")
# A temporary file older than this is a leftover even if its pid is alive again (reused).
STALE_TEMP_SECONDS = 3600


class Exporter(ABC):
    """One output format. Subclasses set ``name`` and ``extension`` and implement ``render``."""

    name: ClassVar[str]
    extension: ClassVar[str]

    @abstractmethod
    def render(self, alignment: Alignment) -> bytes:
        """The whole file's content."""

    def write(self, alignment: Alignment, fh: BinaryIO) -> None:
        fh.write(self.render(alignment))


def encode_text(text: str) -> bytes:
    # Decoded input never holds lone surrogates, but Python strings may; "?" beats a crash
    # halfway through writing the outputs.
    return text.encode("utf-8", errors="replace")


def atomic_write_many(writers: Mapping[str, Writer]) -> list[str]:
    """Write several files so that either all of them appear, complete, or none does.

    Every file is first written to a temporary file in its target directory (so the final
    ``os.replace`` is a rename on one filesystem, hence atomic); only when all have been
    written are they moved into place. On any error, Ctrl-C or SIGTERM (which the CLI turns into
    SystemExit) the temporary files are removed; those a SIGKILL left behind are removed by the next
    run writing to the same folder.
    """
    for directory in {os.path.dirname(path) or "." for path in writers}:
        remove_stale_temps(directory)
    staged: list[tuple[str, str]] = []
    try:
        for path, writer in writers.items():
            tmp = temp_name(os.path.dirname(path))
            # os.open with 0o666 lets the umask decide the final permissions, as for a plain
            # open(); tempfile would leave the outputs private (0o600).
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as fh:
                writer(fh)
                fh.flush()
                os.fsync(fh.fileno())
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:  # already renamed into place
                pass
        raise
    return [path for _, path in staged]


def temp_name(directory: str) -> str:
    """A fresh temporary name in ``directory``: a dot-file (a glob for PREFIX.* never sees a half-written
    output), short whatever the output's name (no name-length limit to hit), carrying our pid so a later
    run can tell a killed run's leftovers from a live run's files."""
    return os.path.join(directory, f"{_TEMP_PREFIX}{os.getpid()}-{secrets.token_hex(6)}.tmp")


def remove_stale_temps(directory: str) -> list[str]:
    """Remove the temporary files of runs that were killed (SIGKILL, power cut): those whose process is
    gone, or older than STALE_TEMP_SECONDS (the pid may have been reused). Returns the paths removed."""
    removed = []
    try:
        names = [name for name in os.listdir(directory) if name.startswith(_TEMP_PREFIX)]
    except OSError:
        return removed  # an unreadable folder: the write that follows reports it
    for name in names:
        match = _TEMP.fullmatch(name)
        path = os.path.join(directory, name)
        try:
            if match and (not _alive(int(match.group(1)))
                          or time.time() - os.lstat(path).st_mtime > STALE_TEMP_SECONDS):
                os.unlink(path)
                removed.append(path)
        except OSError:  # removed meanwhile by its own run, or not ours to remove
            pass
    return removed


def _alive(pid: int) -> bool:
    # On Windows os.kill(pid, 0) terminates the process: there, leftovers go by age only.
    if pid == os.getpid() or os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except PermissionError:  # another user's live process
        return True
    except (ProcessLookupError, OverflowError):  # gone, or not a pid at all
        return False
    return True
