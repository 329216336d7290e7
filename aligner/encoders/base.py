"""The encoder protocol: anything with a name and ``encode(list[str]) -> ndarray``."""

from __future__ import annotations

import os
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Encoder(Protocol):
    """A sentence encoder. ``encode`` returns one L2-normalised float32 row per text."""

    name: str

    def encode(self, texts: list[str]) -> np.ndarray: ...


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
    """Available cores less those other processes keep busy (the 1-minute load average), at least one.

    BLAS threads that share a core with another busy process spin and wait: measured here, with one core
    busy, two threads encoded 2.2x slower than one (idle, two were 1.3x faster)."""
    cores = available_cores()
    try:
        busy = int(os.getloadavg()[0] + 0.5)
    except (AttributeError, OSError):  # no load average on this platform
        return cores
    return max(1, min(cores, cores - busy))


def normalise_rows(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.ndim != 2:
        raise ValueError(f"an encoder must return a 2-D array, got shape {vectors.shape}")
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
