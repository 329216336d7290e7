"""Bead scores: embedding similarity of sentence runs, hub correction, length and bead-type priors."""

from __future__ import annotations

import numpy as np


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def median(values) -> float:
    """``np.median`` of finite values, the same number, without its NaN check, which imports ``numpy.ma``
    (20-30 ms of every process that aligns)."""
    ordered = np.sort(np.asarray(values).ravel())
    half = len(ordered) // 2
    return float(ordered[half] if len(ordered) % 2 else (ordered[half - 1] + ordered[half]) / 2)


def length_penalty(src_len: np.ndarray, tgt_len: np.ndarray, ratio: float) -> np.ndarray:
    """Squared log of how far a bead's length ratio is from the document's, capped at 1 (loose translation)."""
    deviation = np.log((tgt_len + 10.0) / (ratio * src_len + 10.0))
    return np.minimum(deviation * deviation, 1.0)

