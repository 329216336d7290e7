"""Freed memory given back to the system between the stages of a long alignment, and the cyclic collector
kept off a document's long-lived records.

Each stage of a long search (the coarse passes, the main pass, a lazy round, the re-cut) frees tens of
megabytes of arrays and objects, which glibc's allocator keeps for later use; the next stage's new arrays,
sized otherwise, mostly do not fit in them, so its peak stood on top of them. ``malloc_trim`` hands the free
pages back (docs/algorithm.md, step 9). Elsewhere (not Linux, or a C library without it) this
does nothing.
"""

from __future__ import annotations

import ctypes
import gc
import sys
from contextlib import contextmanager
from functools import lru_cache
from typing import Callable, Iterator

# From this many sentences (both sides) a stage's freed memory is given back: below, it is a few megabytes,
# and each call walks the allocator's free lists (about a millisecond).
RELEASE_SENTENCES = 8_000


def release_freed(sentences: int) -> None:
    """Give the pages freed so far back to the system where the document has ``sentences`` (both sides) of
    at least RELEASE_SENTENCES."""
    trim = _malloc_trim() if sentences >= RELEASE_SENTENCES else None
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # the process's own C library
    except (OSError, AttributeError):  # musl and others have none
        return None


@contextmanager
def settled() -> Iterator[Callable[[], None]]:
    """Within it, the objects alive on entry (a document's sentences, which live as long as its alignment) are
    left out of the cyclic collector's passes (``gc.freeze``), and so are those alive when the callable it
    gives is called (their records and vectors, once embedded); on leaving they are all handed back to the
    collector (``gc.unfreeze``), so a cycle among them is still collected, only later. The search makes many
    short-lived objects, and each full pass walked the long-lived ones again: at 10,000 Markdown lines 4 full
    passes took 0.17 s (docs/algorithm.md, step 9). Where objects are frozen already (by the program that
    calls this, before it forks, or by another alignment running in a thread), it does nothing: unfreezing on
    leaving would hand theirs back too."""
    if gc.get_freeze_count():
        yield lambda: None
        return
    gc.freeze()
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()
