"""Chinese sentence splitting (Simplified and Traditional) and script conversion for encoders."""

from __future__ import annotations

import threading
from functools import lru_cache

from .base import Segmenter, Span


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


_SIMPLIFIED: dict[str, str] = {}  # remembered: the encoder and the dictionary both read a document's sentences
CACHED_TEXTS = 1 << 17
_CONVERTING = threading.Lock()


def to_simplified_many(texts: list[str]) -> list[str]:
    """:func:`to_simplified` of each text, each distinct text converted once, those not seen before together
    (OpenCC's phrases never hold a line break, so the texts joined by one convert as they do alone)."""
    with _CONVERTING:  # the encoder's and the dictionary's threads (aligner.api) share the texts
        new = [t for t in dict.fromkeys(texts) if t not in _SIMPLIFIED]
        if new:
            joined = "\n".join(new)
            converted = _t2s().convert(joined).split("\n") if joined.count("\n") == len(new) - 1 \
                else list(map(to_simplified, new))
            if len(_SIMPLIFIED) + len(new) > CACHED_TEXTS:
                _SIMPLIFIED.clear()
            # an unchanged text is kept once, not twice
            _SIMPLIFIED.update((t, t if s == t else s) for t, s in zip(new, converted))
        return [_SIMPLIFIED[t] for t in texts]


class ChineseSegmenter(Segmenter):
    lang = "zh"

    def __init__(self):
        import punkt

        # punkt's Chinese rules: 。！？ and half-width forms, closing quotes after the stop, ……, 3.5, U.S.
        self._punkt = punkt.tokenizer_for("chinese")

    def _spans(self, paragraph: str) -> list[Span]:
        return list(self._punkt.span_tokenize(paragraph))
