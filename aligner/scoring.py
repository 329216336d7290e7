"""Bead scores: embedding similarity of sentence runs, hub correction, length and bead-type priors."""

from __future__ import annotations

import numpy as np


def span_sums(vectors: np.ndarray, ends: np.ndarray, width: int) -> np.ndarray:
    """Sum of ``vectors[e-width:e]`` for each end ``e`` (zero where the span leaves the document)."""
    out = np.zeros((len(ends), vectors.shape[1]), dtype=np.float32)
    ok = (ends >= width) & (ends <= len(vectors))
    inside = ends[ok]
    if len(inside):  # summed in float32 from the last sentence back, the rows selected once
        total = vectors[inside - 1].astype(np.float32)
        for k in range(2, width + 1):
            total += vectors[inside - k]
        out[ok] = total
    return out


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-9)


def length_penalty(src_len: np.ndarray, tgt_len: np.ndarray, ratio: float) -> np.ndarray:
    """Squared log of how far a bead's length ratio is from the document's, capped at 1 (loose translation)."""
    deviation = np.log((tgt_len + 10.0) / (ratio * src_len + 10.0))
    return np.minimum(deviation * deviation, 1.0)

