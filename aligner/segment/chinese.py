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


@lru_cache(maxsize=1)
def _unchanged():
    """A test of the texts OpenCC would leave as they are (:mod:`.t2s_keys`), or None."""
    from .t2s_keys import unchanged_test

    return unchanged_test()


# A call converting more characters than this loads OpenCC rather than test its texts: the test costs about
# 85 ns a character, OpenCC's conversion about 30 once loaded, and its load (about 4 ms) is worth about 70,000
TEST_CHARS = 50_000


def _converted(texts: list[str]) -> list[str]:
    """Each text in Simplified characters. Until OpenCC is loaded, the texts it would leave as they are are
    kept as they are without it (loading it costs a process about 4 ms; Simplified text never needs it),
    unless they are many (TEST_CHARS); once it is, every text goes to it."""
    small = sum(map(len, texts)) <= TEST_CHARS
    test = _unchanged() if small and not _t2s.cache_info().currsize else None
    todo = [t for t in texts if not test(t)] if test is not None else texts
    if not todo:
        return list(texts)
    joined = "\n".join(todo)
    # OpenCC's phrases never hold a line break, so the texts joined by one convert as they do alone
    converted = _t2s().convert(joined).split("\n") if joined.count("\n") == len(todo) - 1 \
        else [_t2s().convert(t) for t in todo]
    if len(todo) == len(texts):
        return converted
    done = dict(zip(todo, converted))
    return [done.get(t, t) for t in texts]


def to_simplified(text: str) -> str:
    return _converted([text])[0]


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
    once for the document), those not seen before together."""
    memo = _MEMO.get()
    memo = {} if memo is None else memo
    new = [t for t in dict.fromkeys(texts) if t not in memo]
    if not new:
        return [memo[t] for t in texts]
    converted = _converted(new)
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
