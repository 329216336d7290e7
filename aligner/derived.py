"""Data derived from installed files (the CC-CEDICT dictionary, the USE tokenizer and unpacked weights), kept
on disk so that a process loads it instead of parsing the source again. Not a per-document cache: it holds
nothing of the user's texts, so it stays on under ``--no-cache``.

Each entry is one file in the user cache folder (beside the embeddings): a header, the SHA-256 of the
payload, then the payload (:mod:`marshal` or :mod:`pickle`). It is written atomically and checked on load;
a damaged or stale file is rebuilt (a damaged one with one warning), and a folder that cannot be written
only means building the data again in every process.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import sys
from pathlib import Path
from typing import Any, Callable, Protocol, TypeVar

from .tempfiles import remove_stale_temps, temp_name

T = TypeVar("T")


class Codec(Protocol):
    __name__: str

    def dumps(self, value: Any, /) -> bytes: ...
    def loads(self, data: bytes, /) -> Any: ...


_MAGIC = b"aligner-derived-v1\n"


def derived_dir() -> Path:
    """``$XDG_CACHE_HOME/aligner/derived`` (``~/.cache/...`` when unset) on Linux."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("aligner", appauthor=False)) / "derived"


def load_or_build(name: str, key: str, build: Callable[[], T], folder: Path | None = None,
                  codec: Codec = marshal) -> T:
    """The value stored as ``name`` under ``key`` (anything the stored data depends on: versions, sizes,
    the building code), else ``build()``, stored for the next process. ``codec``: :mod:`marshal` (plain
    containers, fastest) or :mod:`pickle` (objects; only ever files this module wrote and checksummed)."""
    key = f"{key}\0{codec.__name__}\0{sys.version_info[:2]}\0{marshal.version}"  # formats are the interpreter's
    path = (folder or derived_dir()) / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.{codec.__name__}"
    value = _load(path, codec)
    if value is not None:
        return value
    value = build()
    _store(path, value, codec, name)
    return value


def _load(path: Path, codec: Codec):
    try:
        raw = path.read_bytes()
    except OSError:  # not built yet (or unreadable: built again, as when missing)
        return None
    body = memoryview(raw)[len(_MAGIC) + 32:]  # not a copy: the USE weights are 80 MB
    if raw[:len(_MAGIC)] == _MAGIC and raw[len(_MAGIC):len(_MAGIC) + 32] == hashlib.sha256(body).digest():
        collecting = gc.isenabled()
        gc.disable()  # hundreds of thousands of new containers: collections would double the time
        try:
            return codec.loads(body)
        except Exception:  # noqa: BLE001 - any decoding failure (another Python, a changed class) means rebuild
            pass
        finally:
            if collecting:
                gc.enable()
    print(f"aligner: warning: cached derived data {path} was damaged; rebuilt", file=sys.stderr)
    return None


def _store(path: Path, value, codec: Codec, name: str) -> None:
    body = codec.dumps(value)
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(path.parent)
        tmp = temp_name(path.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(_MAGIC + hashlib.sha256(body).digest() + body)
        os.replace(tmp, path)
        tmp = None
        for old in path.parent.glob(f"{name}-*{path.suffix}"):  # built for earlier keys: never read again
            if old != path and old.stem.rsplit("-", 1)[0] == name:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only or full cache folder: the data is simply built again next time
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
