"""The exporter base class and atomic file writing."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from typing import BinaryIO, Callable, ClassVar, Mapping

from ..model import Alignment
from ..tempfiles import remove_stale_temps, temp_name

Writer = Callable[[BinaryIO], None]



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
