"""Calibration: skip score and merge penalty scaled to the document's own 1-1 score level."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .dp import row_blocks
from .params import CALIBRATED, SearchParams
from .scorer import BandScorer


def typical_score(scorer: BandScorer, lo: np.ndarray, hi: np.ndarray, sample: int = 400) -> float:
    """Median over (a sample of) source sentences of their best 1-1 score in the band: what a
    translation pair scores with this encoder and this document. Only the 1-1 type is scored, which
    depends on neither of the parameters calibration scales."""
    best = []
    for i0, i1 in sampled_blocks(lo, hi, sample):
        top = scorer(i0, i1, lo, hi, [(1, 1)])[0].max(axis=1)
        best.extend(top[np.isfinite(top)])
    return float(np.median(best)) if best else scorer.p.reference_score


def sampled_blocks(lo: np.ndarray, hi: np.ndarray, sample: int):
    """Row blocks (i0, i1) covering ``sample`` source rows spread evenly over the document (consecutive
    rows in one block): what the calibrations read, a fixed cost whatever the document's length."""
    n = len(lo) - 1
    picked = np.unique(np.linspace(1, n, min(n, sample)).astype(int))
    for group in np.split(picked, np.flatnonzero(np.diff(picked) != 1) + 1):
        yield from row_blocks(lo, hi, int(group[0]), int(group[-1]))


def calibrated(params: SearchParams, typical: float) -> SearchParams:
    """Skip score and merge penalty scaled to the document's own score level, so that an encoder that
    puts everything at similar cosines (e5) is not held to thresholds set for another (USE)."""
    scale = typical / params.reference_score
    if params.calibrate_low <= scale <= params.calibrate_high:
        return replace(params, calibrate=False)
    scale = float(np.clip(scale, params.calibrate_min_scale, params.calibrate_max_scale))
    return replace(params, **{k: getattr(params, k) * scale for k in CALIBRATED}, calibrate=False)
