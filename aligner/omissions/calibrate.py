"""Per-document calibration: scores are judged against the document's own distribution, never a fixed
raw cosine, because cosines shift with the encoder, the language pair and how loose the translation is."""

from __future__ import annotations

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
