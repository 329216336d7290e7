"""The review context: what every judge reads, built once per review and never changed afterwards.

Every decision compares a score with the same document's own distribution (aligned pairs against near-miss
pairs), so it carries over between encoders and between literal and loose translations; no raw cosine
threshold appears in the judges.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ..confidence import bead_confidence
from ..encoders import Encoder
from ..lexicon import translates
from ..model import Alignment
from .boilerplate import carried_credits
from .embed import Embedder
from .params import ReviewParams
from .similarity import Similarity
from .wordmodel import WordModel

_CHUNK = 1024  # beads whose near-miss windows are scored at once


@dataclass(frozen=True)
class PairCalibration:
    """Typical cosine of an aligned 1-1 pair and of the best non-partner in the window, per document."""

    aligned: float
    near_miss: float

    def carried(self, best):
        """Where ``best`` (a cosine, or an array of them) lies from a typical near miss (0) to a typical
        aligned pair (1); 0.5 when the two coincide."""
        if self.aligned - self.near_miss < 1e-6:
            return best * 0 + 0.5
        return (best - self.near_miss) / (self.aligned - self.near_miss)


@dataclass(frozen=True)
class ReviewContext:
    alignment: Alignment
    params: ReviewParams
    embedder: Embedder
    sim: Similarity
    cal: PairCalibration
    scale: float  # the document's calibration unit (see :func:`pair_scale`) …
    near_miss: float  # … and the level it is measured from
    src_pos: np.ndarray  # for each source sentence the target position of its bead on the path
    tgt_pos: np.ndarray  # … and vice versa
    words: WordModel | None  # the document's word model, where the pair has a lexicon (the one gate)

    @classmethod
    def build(cls, alignment: Alignment, encoder: Encoder, params: ReviewParams) -> "ReviewContext":
        embedder = Embedder(encoder, alignment.src_lang, alignment.tgt_lang)
        sim = Similarity(*_sentence_vectors(alignment, embedder))
        src_pos, tgt_pos = positions(alignment)
        cal = calibrate_pairs(sim, alignment, src_pos, params)
        scale, near = pair_scale(cal.aligned, cal.near_miss, sim.typical(params.median_cells, params.median_sample), params)
        words = WordModel.of(alignment, params) if translates(alignment.src_lang, alignment.tgt_lang) else None
        return cls(alignment, params, embedder, sim, cal, scale, near, src_pos, tgt_pos, words)

    def window(self, center: int, size: int) -> slice:
        return slice(max(0, center - self.params.window), min(size, center + self.params.window + 1))

    @cached_property
    def aligned_beads(self) -> np.ndarray:
        """The beads with both sides, in order."""
        return np.array([k for k, b in enumerate(self.alignment.beads) if b.zh and b.en], dtype=np.int64)

    @cached_property
    def bead_confidence(self) -> list[float]:
        """Each bead's probability of being right (:func:`aligner.confidence.bead_confidence`), read by
        several judges."""
        return bead_confidence(self.alignment)

    @cached_property
    def credits(self) -> dict[int, int]:
        """The Chinese photo credits an English credit elsewhere carries (:func:`.boilerplate.carried_credits`),
        read by the unaligned and boilerplate judges."""
        a = self.alignment
        return carried_credits(a.beads, [s.text for s in a.zh], [s.text for s in a.en], self.src_pos)

    def around(self, k: int, among: np.ndarray | None = None) -> tuple[int | None, int | None]:
        """The bead before ``k`` and the one after it among ``among`` (sorted bead indexes; by default the
        aligned beads), None where there is none."""
        among = self.aligned_beads if among is None else among
        at = int(np.searchsorted(among, k))
        after = at + 1 if at < len(among) and among[at] == k else at
        return (int(among[at - 1]) if at > 0 else None), (int(among[after]) if after < len(among) else None)

    def nearest_en_paragraph(self, k: int) -> int | None:
        """The English paragraph where bead ``k``'s omitted Chinese would have gone: that of the nearest
        aligned bead, preferring the one before it in the same Chinese paragraph."""
        a = self.alignment
        before, after = self.around(k)
        same = before is not None and a.paragraphs(a.beads[before])[0] == a.paragraphs(a.beads[k])[0]
        for n in ((before, after) if same else (after, before)):
            if n is not None:
                return a.paragraphs(a.beads[n])[1]
        return None


def pair_scale(aligned: float, near_miss: float, unrelated: float, params: ReviewParams) -> tuple[float, float]:
    """The document's calibration unit (the gap between a typical aligned pair and a typical near miss, but
    at least ``min_scale_share`` of the gap to a typical unrelated pair) and the near-miss level it is
    measured from."""
    scale = max(aligned - near_miss, params.min_scale_share * (aligned - unrelated), params.scale_floor)
    return scale, aligned - scale


def positions(alignment: Alignment) -> tuple[np.ndarray, np.ndarray]:
    """For each source sentence the target position of its bead on the path, and vice versa."""
    src_pos = np.zeros(len(alignment.zh), dtype=np.int64)
    tgt_pos = np.zeros(len(alignment.en), dtype=np.int64)
    i = j = 0
    for bead in alignment.beads:
        src_pos[list(bead.zh)] = j
        tgt_pos[list(bead.en)] = i
        i += len(bead.zh)
        j += len(bead.en)
    return src_pos, tgt_pos


def calibrate_pairs(sim: Similarity, alignment: Alignment, src_pos: np.ndarray, params: ReviewParams
                    ) -> PairCalibration:
    """The median cosine of the 1-1 beads and the median of their best non-partner within ``window``
    target sentences of the path; row maxima and medians where there are too few 1-1 beads."""
    ones = np.array([(b.zh[0], b.en[0]) for b in alignment.beads if len(b.zh) == 1 and len(b.en) == 1],
                    dtype=np.int64).reshape(-1, 2)
    if len(ones) < params.min_calibration_pairs:
        medians = sim.row_median()
        return PairCalibration(float(np.median(sim.row_max())), float(np.median(medians)) if len(medians) else 0.0)
    m, w = sim.shape[1], params.window
    aligned, near = [], []
    for lo in range(0, len(ones), _CHUNK):
        i, j = ones[lo:lo + _CHUNK, 0], ones[lo:lo + _CHUNK, 1]
        aligned.append(sim.pairs(i, j))
        cols = src_pos[i, None] + np.arange(-w, w + 1)  # the window of each row, clipped to the document
        inside = (cols >= 0) & (cols < m)
        row = sim.pairs(np.repeat(i, 2 * w + 1), np.clip(cols, 0, m - 1).ravel()).reshape(cols.shape)
        row = np.where(inside & (cols != j[:, None]), row, -np.inf)
        row = np.where(inside & (cols == j[:, None]), -1.0, row)
        near.append(row.max(axis=1)[inside.sum(axis=1) > 1])
    near_all = np.concatenate(near)
    return PairCalibration(float(np.median(np.concatenate(aligned))),
                           float(np.median(near_all)) if len(near_all) else 0.0)


def _sentence_vectors(alignment: Alignment, embedder: Embedder) -> tuple[np.ndarray, np.ndarray]:
    if alignment.src_vectors is not None and alignment.tgt_vectors is not None:
        return np.asarray(alignment.src_vectors), np.asarray(alignment.tgt_vectors)
    embedder.want("src", [s.text for s in alignment.zh])
    embedder.want("tgt", [s.text for s in alignment.en])
    embedder.run()
    S = embedder.matrix("src")[embedder.rows("src", [s.text for s in alignment.zh])]
    T = embedder.matrix("tgt")[embedder.rows("tgt", [s.text for s in alignment.en])]
    alignment.src_vectors, alignment.tgt_vectors = S, T
    return S, T
