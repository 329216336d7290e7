"""Temporary files (and folders) of our own: named so that those a killed run left behind can be told from
those of a run still writing, and removed by the next run that writes to the same folder (outputs, the
result cache, the derived data and the search kernels' build)."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import stat
import time

PREFIX = ".aligner-"
_NAME = re.compile(r"\.aligner-(\d+)-[0-9a-f]{12}\.tmp")
# A temporary file older than this is a leftover even if its pid is alive again (reused).
STALE_SECONDS = 3600


def temp_name(directory: str | os.PathLike) -> str:
    """A fresh temporary name in ``directory``: a dot-file (a glob for PREFIX.* never sees a half-written
    file), short whatever the final name (no name-length limit to hit), carrying our pid."""
    return os.path.join(directory, f"{PREFIX}{os.getpid()}-{secrets.token_hex(6)}.tmp")


def remove_stale_temps(directory: str | os.PathLike) -> list[str]:
    """Remove the temporary files and folders of runs that were killed (SIGKILL, power cut): those whose
    process is gone, or older than STALE_SECONDS (the pid may have been reused). Returns the paths removed."""
    removed = []
    try:
        names = [name for name in os.listdir(directory) if name.startswith(PREFIX)]
    except OSError:
        return removed  # an unreadable or missing folder: the write that follows reports it
    for name in names:
        match = _NAME.fullmatch(name)
        path = os.path.join(directory, name)
        try:
            found = os.lstat(path)
            if match and (not _alive(int(match.group(1))) or time.time() - found.st_mtime > STALE_SECONDS):
                if stat.S_ISDIR(found.st_mode):
                    shutil.rmtree(path)
                else:
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
