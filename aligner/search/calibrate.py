"""Calibration: skip score and merge penalty scaled to the document's own 1-1 score level."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..scoring import median
from .dp import full_band, row_blocks
from .lengths import length_spread, margin_only
from .params import CALIBRATED, SearchParams
from .scorer import BandScorer

SAMPLE_GAP = 32  # sampled rows closer than this are scored in the same blocks
# Below this many lattice cells the sampled rows are read whole, not within the search's band: a row's best
# 1-1 score may lie outside a narrow band, and the band should change what is searched, not the parameters.
WHOLE_ROWS_CELLS = 400_000


def calibration_rows(lo: np.ndarray, hi: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """The columns the calibrations read in each row: the whole row on a small lattice, else the band."""
    n = len(lo) - 1
    return full_band(n, m) if n * m <= WHOLE_ROWS_CELLS else (lo, hi)


def typical_and_spread(scorer: BandScorer, lo: np.ndarray, hi: np.ndarray, spread: bool = True,
                       sample: int = 400) -> tuple[float, float | None]:
    """The document's typical score: the median over (a sample of) source sentences of their best 1-1
    score in the band, what a translation pair scores with this encoder and this document; and with
    ``spread``, how freely its lengths vary (:func:`.lengths.length_spread`, read from the same rows' 1-1
    scores without the length factor), else None. Only the 1-1 type is scored, which depends on neither of
    the parameters calibration scales, and once for both: the two differ only in the length factor, and the
    products were half of the calibrations' cost."""
    best, flat = [], []
    params = (scorer.p, margin_only(scorer.p)) if spread else (scorer.p,)
    for i0, i1, picked in sampled_blocks(lo, hi, sample):
        scores = scorer.scores_under(params, i0, i1, lo, hi, [(1, 1)])
        top = scores[0][0][picked].max(axis=1)
        best.extend(top[np.isfinite(top)])
        if spread:
            flat.append((i0 + picked, scores[1][0][picked]))
    typical = median(best) if best else scorer.p.reference_score
    return typical, length_spread(scorer, lo, flat) if spread else None


def sampled_blocks(lo: np.ndarray, hi: np.ndarray, sample: int, gap: int = SAMPLE_GAP):
    """Row blocks (i0, i1, picked) covering ``sample`` source rows spread evenly over the document, ``picked``
    the sampled rows' offsets in the block: what the calibrations read, a fixed cost whatever the document's
    length. Sampled rows less than ``gap`` apart share blocks, the rows between scored too: a row's one type
    costs far less than a scorer call (400 calls of one or two rows were 0.25 s of CPU on 1,000 sentences)."""
    n = len(lo) - 1
    picked = np.linspace(1, n, min(n, sample)).astype(int)
    picked = picked[np.diff(picked, prepend=0) > 0]  # ascending: its distinct values (np.unique imports numpy.ma)
    for group in np.split(picked, np.flatnonzero(np.diff(picked) >= gap) + 1):
        for i0, i1 in row_blocks(lo, hi, int(group[0]), int(group[-1])):
            inside = group[(group >= i0) & (group < i1)]
            if len(inside):
                yield i0, i1, inside - i0


def calibrated(params: SearchParams, typical: float) -> SearchParams:
    """Skip score and merge penalty scaled to the document's own score level, so that an encoder that
    puts everything at similar cosines (e5) is not held to thresholds set for another (USE)."""
    scale = typical / params.reference_score
    if params.calibrate_low <= scale <= params.calibrate_high:
        return replace(params, calibrate=False)
    scale = float(np.clip(scale, params.calibrate_min_scale, params.calibrate_max_scale))
    return replace(params, **{k: getattr(params, k) * scale for k in CALIBRATED}, calibrate=False)
