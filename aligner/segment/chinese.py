"""Chinese sentence splitting (Simplified and Traditional) and script conversion for encoders."""

from __future__ import annotations

from functools import lru_cache

from .base import Segmenter, Span


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


class ChineseSegmenter(Segmenter):
    lang = "zh"

    def __init__(self):
        import punkt

        # punkt's Chinese rules: 。！？ and half-width forms, closing quotes after the stop, ……, 3.5, U.S.
        self._punkt = punkt.tokenizer_for("chinese")

    def _spans(self, paragraph: str) -> list[Span]:
        return list(self._punkt.span_tokenize(paragraph))
