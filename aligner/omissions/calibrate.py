"""Per-document calibration: scores are judged against the document's own distribution, never a fixed
raw cosine, because cosines shift with the encoder, the language pair and how loose the translation is."""

from __future__ import annotations

import math

import numpy as np

# 1.4826 * MAD estimates the standard deviation of normal data, robust to the outliers we are hunting.
_MAD_SCALE = 1.4826


def robust_scale(values: np.ndarray, floor: float) -> tuple[float, float]:
    """Median and robust spread (never below ``floor``, so a very uniform document does not turn
    tiny differences into huge z-scores)."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 0:
        return 0.0, floor
    median = float(np.median(values))
    spread = _MAD_SCALE * float(np.median(np.abs(values - median)))
    return median, max(spread, floor)


def robust_z(values: np.ndarray, reference: np.ndarray | None = None, floor: float = 0.02) -> np.ndarray:
    median, spread = robust_scale(values if reference is None else reference, floor)
    return (np.asarray(values, dtype=np.float64) - median) / spread


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


def between(value: float, low: float, high: float) -> float:
    """Where ``value`` lies from ``low`` (0) to ``high`` (1); 0.5 when the two references coincide."""
    if high - low < 1e-6:
        return 0.5
    return (value - low) / (high - low)


# The unit of a document's calibrated features is the gap between a typical aligned pair and a typical near
# miss, but at least this share of the gap to a typical unrelated pair: in a short, repetitive document
# (every sentence about the same two countries, a caption repeated) near misses come close to aligned pairs
# and the unit would shrink to noise.
MIN_SCALE_SHARE = 0.35


def pair_scale(aligned: float, near_miss: float, unrelated: float) -> tuple[float, float]:
    """The document's calibration unit and the near-miss level it is measured from."""
    scale = max(aligned - near_miss, MIN_SCALE_SHARE * (aligned - unrelated), 0.02)
    return scale, aligned - scale
