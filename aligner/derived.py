"""Data derived from installed files (the CC-CEDICT dictionary, the USE tokenizer and unpacked weights), kept
on disk so that a process loads it instead of parsing the source again. Not a per-document cache: it holds
nothing of the user's texts, so it stays on under ``--no-cache``.

Each entry is one file in the user cache folder (beside the embeddings): a header, the SHA-256 of the
payload, then the payload (:mod:`marshal` or :mod:`pickle`). It is written atomically and checked on load;
a damaged or stale file is rebuilt (a damaged one with one warning), and a folder that cannot be written
only means building the data again in every process. Arrays (:func:`load_or_build_arrays`) are mapped from
their file rather than read, so that a process reads only the pages it touches.
"""

from __future__ import annotations

import gc
import hashlib
import json
import marshal
import mmap
import os
import sys
from pathlib import Path
from typing import Any, Callable, Protocol, TypeVar

import numpy as np

from .tempfiles import remove_stale_temps, temp_name

T = TypeVar("T")


class Codec(Protocol):
    __name__: str

    def dumps(self, value: Any, /) -> bytes: ...
    def loads(self, data: bytes, /) -> Any: ...


_MAGIC = b"aligner-derived-v1\n"
_ARRAYS_MAGIC = b"aligner-derived-arrays-v1\n"
# Arrays this large are mapped without a checksum: hashing them would read them whole, which is what mapping
# saves (the USE embedding table: 65 MB, of which a document touches a few rows); their size is checked.
UNCHECKED_BYTES = 1 << 24
_ALIGN = 64


def derived_dir() -> Path:
    """``$XDG_CACHE_HOME/aligner/derived`` (``~/.cache/...`` when unset) on Linux."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("aligner", appauthor=False)) / "derived"


def load_or_build(name: str, key: str, build: Callable[[], T], folder: Path | None = None,
                  codec: Codec = marshal) -> T:
    """The value stored as ``name`` under ``key`` (anything the stored data depends on: versions, sizes,
    the building code), else ``build()``, stored for the next process. ``codec``: :mod:`marshal` (plain
    containers, fastest) or :mod:`pickle` (objects; only ever files this module wrote and checksummed)."""
    path = _path(name, key, codec.__name__, folder)
    value = _load(path, codec)
    if value is not None:
        return value
    value = build()
    _store(path, [_MAGIC, hashlib.sha256(body := codec.dumps(value)).digest(), body], name)
    return value


def load_or_build_arrays(name: str, key: str, build: Callable[[], dict[str, np.ndarray] | None],
                         folder: Path | None = None, unchecked: int = UNCHECKED_BYTES) -> dict[str, np.ndarray] | None:
    """As :func:`load_or_build`, for a dict of arrays (``build`` may return None: nothing to store), which
    come back read-only and mapped from the file. The checksum covers the index and every array smaller
    than ``unchecked`` bytes (the file records which); larger ones are checked by their size only."""
    path = _path(name, key, "arrays", folder)
    found = _load_arrays(path)
    if found is not None:
        return found
    value = build()
    if value is None:
        return None
    arrays = sorted(((k, np.asarray(v)) for k, v in value.items()),
                    key=lambda item: item[1].nbytes >= unchecked)  # the checked ones first
    index, offset = {}, 0
    for k, array in arrays:
        offset += -offset % _ALIGN
        index[k] = [array.dtype.str, list(array.shape), offset]
        offset += array.nbytes
    checked = max([index[k][2] + a.nbytes for k, a in arrays if a.nbytes < unchecked], default=0)
    head = json.dumps({"arrays": index, "checked": checked}).encode()
    head += b" " * (-(len(_ARRAYS_MAGIC) + 32 + 8 + len(head)) % _ALIGN)  # the data 64-byte aligned
    data = bytearray(offset)
    for k, array in arrays:
        data[index[k][2]:index[k][2] + array.nbytes] = array.tobytes()  # in C order
    hashed = len(head).to_bytes(8, "little") + head
    digest = hashlib.sha256(hashed + memoryview(data)[:checked]).digest()
    _store(path, [_ARRAYS_MAGIC, digest, hashed, data], name)
    return _load_arrays(path) or value  # mapped as in later processes, unless it could not be stored


def source_hash(module_file: str) -> str:
    """The SHA-256 of a module's source (``__file__``): in the key of the data its code derives."""
    return hashlib.sha256(Path(module_file).read_bytes()).hexdigest()


def _path(name: str, key: str, suffix: str, folder: Path | None) -> Path:
    key = f"{key}\0{suffix}\0{sys.version_info[:2]}\0{marshal.version}"  # formats are the interpreter's
    return (folder or derived_dir()) / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.{suffix}"


def _load_arrays(path: Path) -> dict[str, np.ndarray] | None:
    try:
        with open(path, "rb") as fh:
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except OSError:  # not built yet (or unreadable: built again, as when missing)
        return None
    except ValueError:  # an empty file, which mmap refuses
        return _damaged(path)
    try:
        start = len(_ARRAYS_MAGIC) + 32
        size = int.from_bytes(mapped[start:start + 8], "little")
        layout = json.loads(mapped[start + 8:start + 8 + size])
        base = start + 8 + size
        digest = hashlib.sha256(memoryview(mapped)[start:base + layout["checked"]]).digest()
        if mapped[:len(_ARRAYS_MAGIC)] != _ARRAYS_MAGIC or mapped[len(_ARRAYS_MAGIC):start] != digest:
            raise ValueError("checksum")
        found = {}
        for k, (dtype, shape, offset) in layout["arrays"].items():
            found[k] = np.frombuffer(mapped, dtype=np.dtype(dtype), count=int(np.prod(shape)),
                                     offset=base + offset).reshape(shape)
        return found
    except (ValueError, TypeError, KeyError, IndexError, UnicodeDecodeError):  # any bad layout: rebuilt
        return _damaged(path)


def _damaged(path: Path) -> None:
    print(f"aligner: warning: cached derived data {path} was damaged; rebuilt", file=sys.stderr)
    return None


def _load(path: Path, codec: Codec):
    try:
        raw = path.read_bytes()
    except OSError:  # not built yet (or unreadable: built again, as when missing)
        return None
    body = memoryview(raw)[len(_MAGIC) + 32:]  # not a copy
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
    return _damaged(path)


def _store(path: Path, parts: list, name: str) -> None:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temps(path.parent)
        tmp = temp_name(path.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            for part in parts:
                fh.write(part)
        os.replace(tmp, path)
        tmp = None
        for old in path.parent.glob(f"{name}-*"):  # built for earlier keys or formats: never read again
            if old != path and old.stem.rsplit("-", 1)[0] == name:
                old.unlink(missing_ok=True)
    except OSError:  # a read-only or full cache folder: the data is simply built again next time
        pass
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
