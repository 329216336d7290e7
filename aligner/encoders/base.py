"""The encoder protocol: anything with a name and ``encode(list[str]) -> ndarray``."""

from __future__ import annotations

import os
import sys
import time
from functools import lru_cache
from typing import Protocol, runtime_checkable

import numpy as np
from threadpoolctl import ThreadpoolController

from ..errors import EncoderError


@runtime_checkable
class Encoder(Protocol):
    """A sentence encoder. ``encode`` returns one L2-normalised float32 row per text. It may also have
    ``encode_groups(groups) -> list of arrays``, each group's vectors as ``encode`` would give that group
    alone, in one call (:func:`encode_groups`)."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


def encode_groups(encoder: Encoder, groups: list[list[str]]) -> list[np.ndarray]:
    """Each group's vectors as ``encoder.encode(group)`` gives them, in one call of the encoder's
    ``encode_groups`` where it has one (a USE encoder shares its threads among the groups), else a call per
    group. Every group keeps its place, empty ones too. The method is looked up on the encoder's class: a
    wrapper that hands other names to its inner encoder (``__getattr__``) keeps its own ``encode``."""
    method = getattr(type(encoder), "encode_groups", None)
    groups = [list(group) for group in groups]
    if method is None:
        return [encoder.encode(group) for group in groups]
    out = list(method(encoder, groups))
    if len(out) != len(groups):
        raise EncoderError(f"encoder {getattr(encoder, 'name', '?')!r} returned {len(out)} groups of vectors "
                           f"for {len(groups)}")
    return out


def groups_throughout(encoder: object) -> bool:
    """Whether ``encoder`` and every encoder under it (``inner``, the wrappers' chain) has ``encode_groups``:
    only then does a grouped call reach the bottom encoder as one call."""
    while encoder is not None:
        if getattr(type(encoder), "encode_groups", None) is None:
            return False
        encoder = getattr(encoder, "inner", None)
    return True


def encoder_signature(encoder: object) -> str:
    """An encoder's identity for signatures and cache keys: its ``signature`` if it has one, else its name."""
    return str(getattr(encoder, "signature", None) or getattr(encoder, "name", type(encoder).__name__))


def available_cores() -> int:
    """Cores this process may really run on (containers often show more than they grant)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def free_cores() -> int:
    """Available cores less those other processes keep busy now, at least one.

    Threads that share a core with another busy process wait for it: measured here, with one core busy, two
    BLAS threads encoded 2.2x slower than one. "Now" is the count of tasks running or ready to run, less this
    process's own (Linux); elsewhere the 1-minute load average, which also counts this process's own recent
    work and, in a series of runs, that of the runs before it. A look stands for FREE_CORES_FOR seconds: each
    takes about 2 ms of waiting, and one alignment of a short document calls the encoder four or five times."""
    global _looked
    now = time.monotonic()
    if _looked is not None and now - _looked[0] < FREE_CORES_FOR:
        return _looked[1]
    _looked = (now, _free_cores())
    return _looked[1]


FREE_CORES_FOR = 0.5
_looked: tuple[float, int] | None = None  # (when, free cores) of the last look


def _free_cores() -> int:
    cores = available_cores()
    busy = running_elsewhere()
    if busy is None:
        try:
            busy = int(os.getloadavg()[0] + 0.5)
        except (AttributeError, OSError):  # no load average on this platform
            return cores
    return max(1, min(cores, cores - busy))


def running_elsewhere(looks: int = 3) -> int | None:
    """Tasks of other processes running or ready to run, the median of a few looks a millisecond apart (a
    steadily busy process is in all of them); None without Linux's /proc."""
    counts = []
    try:
        for look in range(looks):
            if look:
                time.sleep(0.001)
            with open("/proc/loadavg", encoding="ascii") as file:
                total = int(file.read().split()[3].split("/")[0])
            own = 0
            for task in os.listdir("/proc/self/task"):
                try:
                    with open(f"/proc/self/task/{task}/stat", encoding="ascii", errors="replace") as file:
                        own += file.read().rpartition(")")[2].split()[0] == "R"
                except OSError:  # the thread ended meanwhile
                    pass
            counts.append(max(0, total - own))
    except (OSError, ValueError, IndexError):
        return None
    return sorted(counts)[len(counts) // 2]


def one_blas_thread():
    """BLAS on one thread while the block runs (the encoder's threads and the search's products are each
    better on one; see their callers), through :func:`_blas`."""
    return _blas().limit(limits=1, user_api="blas")


@lru_cache(maxsize=1)
def _blas() -> ThreadpoolController:
    """The process's thread pools, looked up once (each ``threadpool_limits`` scanned the loaded libraries
    again: 2-7 ms a call, four calls a search and one per encoder call). The products' BLAS is numpy's,
    loaded with it, before."""
    return ThreadpoolController()


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise ValueError(f"an encoder must return a 2-D array, got shape {vectors.shape}")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


# How far a row's length may be from 1 before it counts as not normalised (float32 rounding is ~1e-7).
UNIT_TOLERANCE = 1e-3
_REQUIREMENT = ("an encoder must return a 2-D array of finite real numbers, one non-zero row per text, "
                "all rows the same width")
_warned_unnormalised: set[str] = set()


def vectors_problem(vectors: np.ndarray, n_rows: int, dim: int | None = None) -> str | None:
    """What is wrong with ``vectors`` as ``n_rows`` sentence embeddings (``dim`` wide when given), or None.

    Lengths other than 1 are not a problem here (see :func:`check_vectors`); a zero row is, as it has
    no direction to compare."""
    if vectors.dtype.kind not in "fiu":
        return f"an array of {vectors.dtype}"
    if vectors.ndim != 2:
        return f"shape {vectors.shape}"
    if vectors.shape[0] != n_rows:
        return f"{vectors.shape[0]} rows for {n_rows} texts"
    if n_rows and vectors.shape[1] == 0:
        return "rows of width 0"
    if dim is not None and n_rows and vectors.shape[1] != dim:
        return (f"rows {vectors.shape[1]} wide where the vectors before them (this encoder's, or an "
                f"alignment's) were {dim}")
    finite = np.isfinite(vectors).all(axis=1)
    if not finite.all():
        return f"NaN or infinity in row {int(np.argmin(finite))}"
    zero = ~vectors.any(axis=1)
    if zero.any():
        return f"an all-zero row ({int(np.argmax(zero))})"
    return None


def check_vectors(vectors: object, n_texts: int, name: str, dim: int | None = None) -> np.ndarray:
    """An encoder's output for ``n_texts`` texts as unit-length float32 rows, or EncoderError saying why not.

    Rows that are not unit length are normalised, with one warning per encoder name: cosines are only
    dot products of unit vectors, and an encoder that forgets to normalise is still usable.
    """
    try:
        array = np.asarray(vectors)
    except (TypeError, ValueError) as exc:  # ragged lists and the like
        raise EncoderError(f"encoder {name!r} returned something that is not an array ({exc}); "
                           f"{_REQUIREMENT}") from None
    problem = vectors_problem(array, n_texts, dim)
    if problem:
        raise EncoderError(f"encoder {name!r} returned {problem}; {_REQUIREMENT}")
    # squares summed in float64 without a float64 copy of the whole array (a review checks ~100,000 rows)
    norms = np.sqrt(np.einsum("ij,ij->i", array, array, dtype=np.float64))[:, None]
    out = array.astype(np.float32)  # unit rows are kept bit for bit
    off = ~(np.abs(norms[:, 0] - 1) <= UNIT_TOLERANCE)  # finite values whose squares overflow are off too
    if off.any():
        wide = array[off].astype(np.float64)
        norms = np.linalg.norm(wide, axis=1, keepdims=True)
        if not np.isfinite(norms).all():  # finite values whose squares overflow
            wide /= np.abs(wide).max(axis=1, keepdims=True)
            norms = np.linalg.norm(wide, axis=1, keepdims=True)
        if name not in _warned_unnormalised:
            _warned_unnormalised.add(name)
            print(f"aligner: warning: encoder {name!r} returned vectors that are not unit length; "
                  "normalising them", file=sys.stderr)
        out[off] = wide / norms
    return out


class WrappedEncoder:
    """An encoder in front of ``inner``, under its name and signature: outputs are signed as by ``inner``."""

    def __init__(self, inner: Encoder):
        self.inner = inner
        self.name = inner.name
        self.signature = encoder_signature(inner)


class CheckedEncoder(WrappedEncoder):
    """``inner`` with every output checked by :func:`check_vectors`, all of one width: the first call's,
    or ``dim`` when given (the width of vectors already computed elsewhere)."""

    def __init__(self, inner: Encoder, dim: int | None = None):
        super().__init__(inner)
        self.dim = dim

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        vectors = check_vectors(self.inner.encode(texts), len(texts), self.name, self.dim)
        if texts:
            self.dim = vectors.shape[1]
        return vectors

    def encode_groups(self, groups: list[list[str]]) -> list[np.ndarray]:
        """:meth:`encode` of each group, in one call of the inner encoder (:func:`encode_groups`)."""
        groups = [list(group) for group in groups]
        out = []
        for group, raw in zip(groups, encode_groups(self.inner, groups)):
            out.append(check_vectors(raw, len(group), self.name, self.dim))
            if group:
                self.dim = out[-1].shape[1]
        return out
