"""Bead confidence: the calibrated probability that a bead is correct, from the bead's own evidence.

A small logistic model over a few features of each bead (its score, its type, how its score stands against
the document's other beads and its neighbours') gives the probability; its weights and the thresholds of the
words ("likely", "possible", "unlikely") are data, fitted on gold alignments held out by document by
``scripts/fit_confidence.py`` and stored in ``aligner/models/confidence.json`` with the figures they were
measured at (docs/benchmarks.md, the reliability table).
"""

from __future__ import annotations

import functools
import json
import math
from itertools import chain
from pathlib import Path

import numpy as np

from .model import Alignment
from .scoring import median

MODEL_PATH = Path(__file__).parent / "models" / "confidence.json"
WORDS = ("likely", "possible", "unlikely")
# The features, in the order of the model's weights (confidence.json names them too: a mismatch is refused).
FEATURES = ("score", "relative", "null", "merged", "neighbours", "null_neighbours", "margin", "length_mismatch",
            "short", "sentences")


@functools.cache
def load_model(path: Path = MODEL_PATH) -> dict:
    """The fitted model (weights, intercept, thresholds). Its feature names must be :data:`FEATURES`."""
    model = json.loads(path.read_text(encoding="utf-8"))
    if tuple(model["features"]) != FEATURES or len(model["weights"]) != len(FEATURES):
        raise ValueError(f"{path}: fitted for features {model['features']}, this aligner computes {FEATURES}")
    return model


def bead_features(alignment: Alignment) -> np.ndarray:
    """One row of :data:`FEATURES` per bead:

    - ``score``: the bead's score (0 for a null bead: its score is the search's constant skip cost);
    - ``relative``: the score minus the median score of the document's non-null beads (what this encoder
      and this document make of a typical pair);
    - ``null``: 1 for a 1-0 or 0-1 bead; ``merged``: 1 for a bead of more than one sentence on a side;
    - ``neighbours``: the lower ``relative`` of the previous and next beads (a null neighbour counts as the
      document's lowest), for a bead in a stretch the search found hard;
    - ``null_neighbours``: how many of the two neighbours are null beads;
    - ``margin``: the score minus the mean score of the neighbours (0 for a null bead);
    - ``length_mismatch``: how far the bead's length ratio (target to source characters) is from the
      document's, as an absolute log ratio (0 for a null bead);
    - ``short``: log(1 + characters) of the bead's shorter side, in source characters (short pairs are the
      ones encoders confuse); ``sentences``: the bead's sentences on both sides.
    """
    beads = alignment.beads
    out = np.zeros((len(beads), len(FEATURES)))
    if not beads:
        return out
    src_size = np.fromiter(map(len, (b.zh for b in beads)), np.int64, len(beads))
    tgt_size = np.fromiter(map(len, (b.en for b in beads)), np.int64, len(beads))
    null = (src_size == 0) | (tgt_size == 0)
    real = ~null
    scores = np.fromiter((b.score for b in beads), np.float64, len(beads))
    padded_scores = np.pad(scores, 1, mode="edge")  # at an end, the bead itself
    scores[null] = 0.0
    typical = median(scores[real]) if real.any() else 0.0
    relative = np.where(null, 0.0, scores - typical)
    context = np.where(null, relative[real].min() if real.any() else 0.0, relative)
    padded = np.concatenate([[np.inf], context, [np.inf]])
    neighbours = np.minimum(padded[:-2], padded[2:])
    null_padded = np.concatenate([[0.0], null, [0.0]])
    neighbour_mean = (padded_scores[:-2] + padded_scores[2:]) / 2
    src_chars = _bead_chars(alignment.zh, beads, "zh", src_size)
    tgt_chars = _bead_chars(alignment.en, beads, "en", tgt_size)
    ratio = max(float(tgt_chars.sum()), 1.0) / max(float(src_chars.sum()), 1.0)
    out[:, 0] = scores
    out[:, 1] = relative
    out[:, 2] = null
    out[:, 3] = real & (np.maximum(src_size, tgt_size) > 1)
    out[:, 4] = np.where(np.isfinite(neighbours), neighbours, 0.0)  # a one-bead document has no neighbour
    out[:, 5] = null_padded[:-2] + null_padded[2:]
    out[:, 6] = np.where(null, 0.0, scores - neighbour_mean)
    out[:, 7] = np.where(null, 0.0, np.abs(np.log((tgt_chars + 1) / (src_chars * ratio + 1))))
    out[:, 8] = np.where(null, 0.0, np.log1p(np.minimum(src_chars, tgt_chars / ratio)))
    out[:, 9] = src_size + tgt_size
    return out


def _bead_chars(sentences: list, beads: list, side: str, sizes: np.ndarray) -> np.ndarray:
    """Characters of each bead's sentences on one side (``side``: "zh" or "en"; ``sizes``: their counts)."""
    lengths = np.fromiter(map(len, (s.text for s in sentences)), np.float64, len(sentences))
    taken = np.fromiter(chain.from_iterable(getattr(b, side) for b in beads), np.int64, int(sizes.sum()))
    return np.bincount(np.repeat(np.arange(len(beads)), sizes), weights=lengths[taken], minlength=len(beads))


def probabilities(features: np.ndarray, model: dict) -> np.ndarray:
    """The logistic model's probability for each row of features."""
    z = features @ np.asarray(model["weights"], dtype=float) + float(model["intercept"])
    return 1.0 / (1.0 + np.exp(-z))


def bead_confidence(alignment: Alignment) -> list[float]:
    """The probability that each bead of ``alignment`` is correct (0–1, one per bead, rounded to 4 places)."""
    if not alignment.beads:
        return []
    return [round(float(p), 4) for p in probabilities(bead_features(alignment), load_model())]


def confidence_word(p: float) -> str:
    """``"likely"`` (beads this sure were correct at 90% or more on held-out documents), ``"possible"`` or
    ``"unlikely"``; the thresholds are the fitted model's."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not math.isfinite(p) or not 0 <= p <= 1:
        raise ValueError(f"a confidence is a probability from 0 to 1, got {p!r}")
    thresholds = load_model()["thresholds"]
    if p >= thresholds["likely"]:
        return "likely"
    return "possible" if p >= thresholds["possible"] else "unlikely"
