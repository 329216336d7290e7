"""The data the pipeline passes along: sentences, beads and the alignment."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import chain
from numbers import Integral, Real
from typing import Any, Iterable, Iterator

from .errors import InputError


@dataclass(frozen=True, slots=True)  # slots: a book has a hundred thousand
class Sentence:
    text: str
    paragraph: int  # 0-based paragraph index in its document
    timing: tuple[float, float] | None = None  # (start, end) seconds of the subtitle cue it came from


@dataclass(frozen=True, slots=True)
class Bead:
    """One alignment unit: source (``zh``) and target (``en``) sentence indexes, 0-based."""

    zh: tuple[int, ...]
    en: tuple[int, ...]
    score: float = 0.0

    @property
    def type(self) -> str:
        return f"{len(self.zh)}-{len(self.en)}"

    @property
    def is_null(self) -> bool:
        return not self.zh or not self.en


@dataclass
class Alignment:
    """The result of aligning two documents.

    ``zh`` is the source side and ``en`` the target side, whatever the languages
    (``src_lang`` / ``tgt_lang`` say which they are).
    """

    zh: list[Sentence]
    en: list[Sentence]
    beads: list[Bead]
    src_lang: str = "zh"
    tgt_lang: str = "en"
    src_locale: str = "zh-CN"  # language tag for exports (zh-TW for Traditional input)
    tgt_locale: str = "en"
    signature: dict = field(default_factory=dict)
    # Sentence embeddings, kept for the review report and heatmap; not exported.
    src_vectors: Any = field(default=None, repr=False, compare=False)
    tgt_vectors: Any = field(default=None, repr=False, compare=False)

    def text(self, bead: Bead) -> tuple[str, str]:
        """The bead's source and target text, sentences joined as they would be read."""
        return (join_sentences([self.zh[i].text for i in bead.zh], self.src_lang),
                join_sentences([self.en[j].text for j in bead.en], self.tgt_lang))

    def pairs(self) -> Iterator[tuple[Bead, str, str]]:
        for bead in self.beads:
            zh, en = self.text(bead)
            yield bead, zh, en

    def paragraphs(self, bead: Bead) -> tuple[int | None, int | None]:
        """The paragraph of the bead's first source and first target sentence (None when that side is empty)."""
        return (self.zh[bead.zh[0]].paragraph if bead.zh else None,
                self.en[bead.en[0]].paragraph if bead.en else None)


def check_alignment(alignment: object) -> None:
    """TypeError unless ``alignment`` is an Alignment of sentences; InputError unless its beads are sound
    (:func:`check_beads`). One rule for the search's result, the result cache and an alignment to review."""
    if not isinstance(alignment, Alignment):
        raise TypeError(f"expected an Alignment (from aligner.align() or aligner.load_alignment()), "
                        f"got {type(alignment).__name__}")
    for side, sentences in (("source", alignment.zh), ("target", alignment.en)):
        if not isinstance(sentences, list) or not all(isinstance(s, Sentence) and isinstance(s.text, str)
                                                      for s in sentences):
            raise TypeError(f"the alignment's {side} sentences must be a list of Sentence(text, paragraph)")
    if not isinstance(alignment.beads, list) or not all(isinstance(b, Bead) for b in alignment.beads):
        raise TypeError("the alignment's beads must be a list of Bead(zh, en, score)")
    if not isinstance(alignment.signature, dict):
        raise TypeError("the alignment's signature must be a dict")
    check_beads(alignment.beads, len(alignment.zh), len(alignment.en))


def check_beads(beads: list[Bead], n_src: int, n_tgt: int) -> None:
    """InputError unless the beads take each of ``n_src`` source and ``n_tgt`` target sentences exactly once,
    in order, and every bead has a sentence and a finite score."""
    if _plainly_valid(beads, n_src, n_tgt):  # the checks below cost a book's beads tenths of a second
        return
    for k, bead in enumerate(beads):
        if not isinstance(bead.zh, (tuple, list)) or not isinstance(bead.en, (tuple, list)):
            raise InputError(f"bead {k}: its sentences must be tuples of indexes")
        if not bead.zh and not bead.en:
            raise InputError(f"bead {k} has no sentence on either side")
        if isinstance(bead.score, bool) or not isinstance(bead.score, Real) or not math.isfinite(bead.score):
            raise InputError(f"bead {k} has score {bead.score!r}; a score must be a finite number")
    for side, n, indexes in (("source", n_src, [(k, i) for k, b in enumerate(beads) for i in b.zh]),
                             ("target", n_tgt, [(k, i) for k, b in enumerate(beads) for i in b.en])):
        for due, (k, i) in enumerate(indexes):
            if isinstance(i, bool) or not isinstance(i, Integral) or not 0 <= i < n:
                raise InputError(f"bead {k} has {side} sentence {i!r}; the {side} side has sentences 0 to {n - 1}")
            if i != due:
                raise InputError(f"bead {k} has {side} sentence {i} where {due} is due: "
                                 "each sentence must be in exactly one bead, in order")
        if len(indexes) != n:
            raise InputError(f"the beads take {len(indexes)} of the {n} {side} sentences: "
                             "each sentence must be in exactly one bead")


def _plainly_valid(beads: list[Bead], n_src: int, n_tgt: int) -> bool:
    """Whether the beads pass :func:`check_beads` for the plain reason: tuples of ints taking each sentence in
    order, no empty bead, float scores that are finite (anything else goes through the checks that name it)."""
    if any(b.zh.__class__ is not tuple or b.en.__class__ is not tuple or not (b.zh or b.en)
           or b.score.__class__ is not float or not math.isfinite(b.score) for b in beads):
        return False
    src, tgt = list(chain.from_iterable(b.zh for b in beads)), list(chain.from_iterable(b.en for b in beads))
    return src == list(range(n_src)) and tgt == list(range(n_tgt)) \
        and all(i.__class__ is int for i in src) and all(i.__class__ is int for i in tgt)


def pieces(sizes: Iterable[int], limit: int) -> Iterator[slice]:
    """Consecutive slices of items whose ``sizes`` add up to ``limit`` or a little more (the last: less): a
    book's array work a piece at a time, so that its per-character arrays stay small."""
    first, total, k = 0, 0, -1
    for k, size in enumerate(sizes):
        total += size
        if total >= limit:
            yield slice(first, k + 1)
            first, total = k + 1, 0
    if first <= k:
        yield slice(first, k + 1)


def unspaced(lang: str) -> bool:
    """Whether the language is written without spaces between words and sentences (Chinese, Japanese)."""
    return lang in ("zh", "ja")


def join_sentences(sentences: list[str], lang: str) -> str:
    """Chinese and Japanese sentences abut; others are separated by a space."""
    return ("" if unspaced(lang) else " ").join(sentences)
