"""An on-disk embedding cache that wraps any encoder.

One SQLite file per encoder signature, in WAL mode with a busy timeout, so concurrent runs
share it safely; least-recently-used rows are evicted past a size limit. The cache is an
optimisation only: if it is corrupt, locked for too long or unwritable, it warns once on stderr
and the encoder carries on without it.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import numpy as np
from filelock import FileLock, Timeout

from .base import UNIT_TOLERANCE, Encoder, check_vectors, encode_groups, encoder_signature

DEFAULT_MAX_BYTES = 1 << 30
# Rough per-row cost beyond the vector itself (key, LRU index entry, page slack), so that
# ``max_bytes`` tracks the file size rather than just the payload.
_ROW_OVERHEAD = 160
# Concurrent runs wait this long for each other's writes before giving up on the cache.
_BUSY_SECONDS = 30.0
_SCHEMA = 1
_warned: set[str] = set()
_SCHEMA_SQL = (
    # A rowid table (not WITHOUT ROWID keyed by the hash): rows are appended in rowid order and
    # pack their pages, where random hash keys would leave 1-2 KB rows in half-empty pages.
    """CREATE TABLE IF NOT EXISTS vectors (
        key BLOB NOT NULL UNIQUE, vec BLOB NOT NULL, size INTEGER NOT NULL, used INTEGER NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS vectors_used ON vectors(used)",
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value)",
    # A running byte total, so the size check after each write needs no table scan.
    """CREATE TRIGGER IF NOT EXISTS vectors_added AFTER INSERT ON vectors BEGIN
        UPDATE meta SET value = value + NEW.size WHERE name = 'bytes'; END""",
    """CREATE TRIGGER IF NOT EXISTS vectors_removed AFTER DELETE ON vectors BEGIN
        UPDATE meta SET value = value - OLD.size WHERE name = 'bytes'; END""",
)

T = TypeVar("T")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/aligner/embeddings`` (``~/.cache/...`` when unset) on Linux."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("aligner", appauthor=False)) / "embeddings"


def cache_key(signature: str, text: str) -> bytes:
    # surrogatepass: texts decoded with surrogateescape must still get a key.
    return hashlib.sha256(f"{signature}\0{text}".encode("utf-8", "surrogatepass")).digest()


def cache_path(signature: str, cache_dir: str | os.PathLike | None = None) -> Path:
    """The database file for one encoder signature: readable slug plus a hash that makes it unique."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", signature).strip("-.")[:60]
    digest = hashlib.sha256(signature.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return Path(cache_dir or default_cache_dir()) / f"{slug}-{digest}.v{_SCHEMA}.sqlite3"


class CachedEncoder:
    """``inner`` with its vectors remembered on disk; same name, signature and dim."""

    def __init__(self, inner: Encoder, cache_dir: str | os.PathLike | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES):
        self.inner = inner
        self.name = inner.name
        self.signature = encoder_signature(inner)
        self.path = cache_path(self.signature, cache_dir)
        self.max_bytes = max_bytes
        self._store: _Store | None = None
        self._pid = 0
        self._disabled = False
        self._lock = threading.Lock()
        self._width: int | None = None  # of every vector this encoder has given, once known

    @property
    def dim(self) -> int | None:
        # Asked of the inner encoder only when wanted: an st: model loads itself to answer.
        return getattr(self.inner, "dim", None)

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.encode_groups([texts])[0]

    def encode_groups(self, groups: list[list[str]]) -> list[np.ndarray]:
        """Each group's vectors as :meth:`encode` gives them one group after another (a text missing from two
        groups is embedded once, with the first), the missing texts of all groups embedded in one call of the
        inner encoder (:func:`encode_groups`)."""
        groups = [list(group) for group in groups]
        keys = [[cache_key(self.signature, text) for text in group] for group in groups]
        wanted = {key for own in keys for key in own}
        found, damaged = self._with_store(lambda s: s.get(wanted), ({}, 0)) if wanted else ({}, 0)
        if damaged and f"{self.path}#entry" not in _warned:
            _warned.add(f"{self.path}#entry")
            print(f"aligner: warning: embedding cache entry for {damaged} text(s) in {self.path} was corrupt; "
                  "recomputed", file=sys.stderr)
        if found:
            self._width = len(next(iter(found.values())))
        missing: list[dict[bytes, str]] = []  # each distinct missing text once, in first-seen order
        taken: set[bytes] = set(found)
        for own, group in zip(keys, groups):
            missing.append({})
            for key, text in zip(own, group):
                if key not in taken:
                    missing[-1][key] = text
                    taken.add(key)
        if any(missing):
            fresh = {}
            for ask, raw in zip(missing, encode_groups(self.inner, [list(m.values()) for m in missing])):
                if ask:
                    vectors = check_vectors(raw, len(ask), self.name, self._width)
                    self._width = vectors.shape[1]
                    fresh.update(zip(ask, vectors))
            self._with_store(lambda s: s.put(fresh, self.max_bytes), None)
            found.update(fresh)
        # an empty group: the inner encoder owns the empty shape
        return [np.stack([found[key] for key in own]) if own else self.inner.encode([]) for own in keys]

    def _with_store(self, action: Callable[[_Store], T], fallback: T) -> T:
        with self._lock:
            store = self._open()
            if store is None:
                return fallback
            try:
                return action(store)
            except (sqlite3.Error, OSError, Timeout) as exc:
                self._disable(exc)
                return fallback

    def _open(self) -> _Store | None:
        if self._disabled:
            return None
        # An SQLite connection must not cross a fork: a child process opens its own.
        if self._store is None or self._pid != os.getpid():
            try:
                self._store, self._pid = _Store(self.path, self.signature), os.getpid()
            except (sqlite3.Error, OSError, Timeout) as exc:
                self._disable(exc)
                return None
        return self._store

    def _disable(self, exc: BaseException) -> None:
        self._disabled = True
        if self._store is not None and self._pid == os.getpid():
            self._store.close()
        self._store = None
        if str(self.path) not in _warned:
            _warned.add(str(self.path))
            print(f"aligner: warning: embedding cache unusable, continuing without it "
                  f"({self.path}: {exc})", file=sys.stderr)


class _Store:
    """The SQLite file: vectors keyed by hash, an LRU clock, and a running byte total."""

    def __init__(self, path: Path, signature: str):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=_BUSY_SECONDS, isolation_level=None,
                                  check_same_thread=False)
        try:
            # Two runs creating the same new file at once could race on the switch to WAL.
            with FileLock(f"{path}.lock", timeout=_BUSY_SECONDS):
                # Only takes effect on a new file: 16 KiB pages hold 7-10 vectors of 1.5-2 KiB
                # with little slack, where 4 KiB pages would hold 1-2.
                self.db.execute("PRAGMA page_size=16384")
                self.db.execute("PRAGMA journal_mode=WAL")
                with self._write():
                    self._create(signature)
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable enough for a cache
        except BaseException:
            self.db.close()
            raise

    def _create(self, signature: str) -> None:
        # One statement at a time: executescript would COMMIT the surrounding transaction first.
        for statement in _SCHEMA_SQL:
            self.db.execute(statement)
        self.db.executemany("INSERT OR IGNORE INTO meta VALUES (?, ?)",
                            [("bytes", 0), ("clock", 0), ("signature", signature)])

    @contextmanager
    def _write(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so the busy timeout applies; a deferred
        # transaction that upgrades from read to write can fail at once instead of waiting.
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _tick(self) -> int:
        self.db.execute("UPDATE meta SET value = value + 1 WHERE name = 'clock'")
        return int(self.db.execute("SELECT value FROM meta WHERE name = 'clock'").fetchone()[0])

    def get(self, keys: set[bytes]) -> tuple[dict[bytes, np.ndarray], int]:
        """The sound vectors stored under ``keys``, and how many damaged ones were found (and deleted, so
        that fresh vectors can take their place): wrong byte length, NaN, infinity, zero or not unit length."""
        found: dict[bytes, np.ndarray] = {}
        damaged: list[tuple[bytes]] = []
        width = self.db.execute("SELECT value FROM meta WHERE name = 'width'").fetchone()
        for chunk in _chunks(list(keys)):
            rows = self.db.execute(f"SELECT key, vec FROM vectors WHERE key IN ({_marks(chunk)})", chunk).fetchall()
            sound = _sound_vectors([blob for _, blob in rows], width[0] if width else None)
            for (key, _), vec in zip(rows, sound):
                if vec is None:
                    damaged.append((key,))
                else:
                    found[key] = vec
        if found or damaged:
            with self._write():
                tick = self._tick()
                for chunk in _chunks(list(found)):  # one statement a chunk: executemany cost ~7 µs a row
                    self.db.execute(f"UPDATE vectors SET used = ? WHERE key IN ({_marks(chunk)})", [tick, *chunk])
                self.db.executemany("DELETE FROM vectors WHERE key = ?", damaged)
        return found, len(damaged)

    def put(self, vectors: dict[bytes, np.ndarray], max_bytes: int) -> None:
        with self._write():
            tick = self._tick()
            rows = []
            for key, vec in vectors.items():
                blob = np.ascontiguousarray(vec, dtype=np.float32).tobytes()
                rows.append((key, blob, len(blob) + _ROW_OVERHEAD, tick))
            # Every vector of one signature has the same size, recorded to check reads by; the fresh
            # vectors were checked, so their size also replaces a damaged record.
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('width', ?)", (len(rows[0][1]),))
            # OR IGNORE: another run may have stored the same text meanwhile; the vector is the same.
            self.db.executemany("INSERT OR IGNORE INTO vectors (key, vec, size, used) VALUES (?, ?, ?, ?)",
                                rows)
            self._evict(max_bytes)

    def _evict(self, max_bytes: int) -> None:
        excess = int(self.db.execute("SELECT value FROM meta WHERE name = 'bytes'").fetchone()[0]) - max_bytes
        if excess <= 0:
            return
        victims: list[tuple[bytes]] = []
        cursor = self.db.execute("SELECT key, size FROM vectors ORDER BY used, key")
        while excess > 0 and (batch := cursor.fetchmany(256)):
            for key, size in batch:
                victims.append((key,))
                excess -= size
                if excess <= 0:
                    break
        cursor.close()
        self.db.executemany("DELETE FROM vectors WHERE key = ?", victims)

    def close(self) -> None:
        self.db.close()


def _chunks(keys: list[bytes], size: int = 500) -> list[list[bytes]]:
    """``keys`` in chunks that stay under SQLite's bound-parameter limit."""
    return [keys[start:start + size] for start in range(0, len(keys), size)]


def _marks(chunk: list[bytes]) -> str:
    return ",".join("?" * len(chunk))


def _sound_vectors(blobs: list[object], width: object) -> list[np.ndarray | None]:
    """The stored vectors, None for each damaged one (a cache is only as good as what it gives back), all
    checked at once."""
    if not isinstance(width, int) or width <= 0 or width % 4:
        return [None] * len(blobs)
    fits = [isinstance(b, bytes) and len(b) == width for b in blobs]
    rows = np.frombuffer(b"".join(b for b, ok in zip(blobs, fits) if ok), dtype=np.float32).reshape(-1, width // 4)
    good = np.isfinite(rows).all(axis=1) & rows.any(axis=1)
    good[good] = np.abs(np.linalg.norm(rows[good], axis=1) - 1) <= UNIT_TOLERANCE
    checked = iter(zip(rows, good.tolist()))
    out: list[np.ndarray | None] = []
    for ok in fits:
        vec, sound = next(checked) if ok else (None, False)
        out.append(vec if sound else None)
    return out
