"""Length calibration: a softer length factor for a document whose translation varies lengths freely.

The factor log2(1 + (min/max) ** length_exponent) keeps beads of matching length. Literary translators
expand and condense far more than the writers of reports or yearbooks (median |ln length ratio| of the gold
1-1 beads: 0.15–0.35 in Chinese novels, 0.10–0.16 in our documents and Text+Berg), and there the factor
breaks up right beads: a short Chinese line translated by two English sentences loses half its score when
the second is added. The spread is measured on the document itself, without a first search: the best 1-1
match of sampled source sentences by margin alone (no length factor), the more similar half of them.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..scoring import median
from .params import SearchParams
from .scorer import BandScorer


def length_spread(scorer: BandScorer, lo: np.ndarray, blocks: list[tuple[np.ndarray, np.ndarray]]) -> float | None:
    """Median |ln(source length / scaled target length)| of the better half of the sampled sentences' best
    1-1 matches: ``blocks`` of (sampled rows, their 1-1 scores by margin alone, :func:`margin_only`, over
    the band's cells of each row from ``lo``); None when nothing is sampled."""
    best, logs = [], []
    for rows, block in blocks:
        cols = block.argmax(axis=1)
        top = block[np.arange(len(rows)), cols]
        ends = lo[rows] + cols
        ok = np.isfinite(top) & (ends >= 1)
        src = scorer.src_cum[rows[ok]] - scorer.src_cum[rows[ok] - 1]
        tgt = scorer.tgt_cum[ends[ok]] - scorer.tgt_cum[ends[ok] - 1]
        best.extend(top[ok])
        logs.extend(np.abs(np.log(np.maximum(src, 1e-9) / np.maximum(tgt, 1e-9))))
    if not best:
        return None
    best_a, logs_a = np.array(best), np.array(logs)
    return median(logs_a[best_a >= median(best_a)])


def margin_only(params: SearchParams) -> SearchParams:
    """``params`` scoring beads by their margin alone (the length agreement left out)."""
    return replace(params, length_mode="add", length_weight=0.0)


def softened(params: SearchParams, spread: float | None) -> SearchParams:
    """``params`` with the length exponent scaled by length_spread / ``spread`` when the document's lengths
    agree less than ``length_spread`` (never below ``length_exponent_min`` times it)."""
    if spread is None or not params.length_spread or spread <= params.length_spread:
        return params
    scale = max(params.length_spread / spread, params.length_exponent_min)
    return replace(params, length_exponent=params.length_exponent * scale)
