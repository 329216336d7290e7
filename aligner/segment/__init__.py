"""Paragraphs to sentences, one segmenter per script or language."""

from __future__ import annotations

from functools import lru_cache

from ..model import Sentence, unspaced
from .base import MAX_SENTENCE_CHARS, Segmenter, cut_long


@lru_cache(maxsize=None)
def get_segmenter(lang: str) -> Segmenter:
    if unspaced(lang):
        from .chinese import ChineseSegmenter

        return ChineseSegmenter()
    from .latin import PunktSegmenter

    return PunktSegmenter(lang)


def segment(paragraphs: list[str], lang: str) -> list[Sentence]:
    """Split each paragraph into sentences, remembering the paragraph each came from."""
    segmenter = get_segmenter(lang)
    return [Sentence(text, p) for p, para in enumerate(paragraphs) for text in segmenter.split(para)]


def presegmented(paragraphs: list[list[str]]) -> list[Sentence]:
    return [Sentence(text, p) for p, para in enumerate(paragraphs) for text in para]


__all__ = ["MAX_SENTENCE_CHARS", "Segmenter", "cut_long", "get_segmenter", "presegmented", "segment"]
