"""Chinese sentence splitting (Simplified and Traditional) and script conversion for encoders."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from .base import Segmenter, Span


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


# The texts converted within a document's alignment (:func:`simplified_memo`): the encoder and the dictionary both
# read its sentences. None outside one, so no process keeps a document's text once its alignment is done.
_MEMO: ContextVar[dict[str, str] | None] = ContextVar("simplified_memo", default=None)
CACHED_TEXTS = 1 << 17  # a book's sentences and runs; the memo starts again when full


@contextmanager
def simplified_memo() -> Iterator[None]:
    """Within it (one document's alignment; also a decorator), :func:`to_simplified_many` converts each text
    once; leaving the outermost one forgets them."""
    token = _MEMO.set({}) if _MEMO.get() is None else None
    try:
        yield
    finally:
        if token is not None:
            _MEMO.reset(token)


def to_simplified_many(texts: list[str]) -> list[str]:
    """:func:`to_simplified` of each text, each distinct text converted once (in a :func:`simplified_memo`,
    once for the document), those not seen before together (OpenCC's phrases never hold a line break, so the
    texts joined by one convert as they do alone)."""
    memo = _MEMO.get()
    memo = {} if memo is None else memo
    new = [t for t in dict.fromkeys(texts) if t not in memo]
    if not new:
        return [memo[t] for t in texts]
    joined = "\n".join(new)
    converted = _t2s().convert(joined).split("\n") if joined.count("\n") == len(new) - 1 \
        else list(map(to_simplified, new))
    fresh = {t: t if s == t else s for t, s in zip(new, converted)}  # an unchanged text is kept once, not twice
    result = [fresh[t] if t in fresh else memo[t] for t in texts]
    if len(memo) + len(fresh) > CACHED_TEXTS:
        memo.clear()
    memo.update(fresh)
    return result


class ChineseSegmenter(Segmenter):
    lang = "zh"

    def __init__(self):
        import punkt

        # punkt's Chinese rules: 。！？ and half-width forms, closing quotes after the stop, ……, 3.5, U.S.
        self._punkt = punkt.tokenizer_for("chinese")

    def _spans(self, paragraph: str) -> list[Span]:
        return list(self._punkt.span_tokenize(paragraph))
