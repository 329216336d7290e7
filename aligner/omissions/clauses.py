"""Clause splitting with character offsets, so a flagged clause is an exact substring of its sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import unspaced
from ..segment import MAX_SENTENCE_CHARS
from .params import ReviewParams

# Full-width and half-width clause punctuation. The half-width comma only splits when it is not between
# digits (12,000), and 、 (enumeration comma) splits too: tiny pieces are merged back below.
_ZH_BREAK = re.compile(r"[，；：、,;:](?!\d)|——|…{1,2}")
_EN_BREAK = re.compile(r"[,;:](?!\d)|\s[-–—]{1,2}\s|\s(?=\((?!\d))")
# Pieces that only frame a clause: a speaker tag ("X said") or a bare date or time word. Translators render
# them in other forms ("on Tuesday", "Xi said, ...") or fold them in, so they are joined to the next piece.
_FRAME = re.compile(r"^(?:.{1,8}(?:表示|指出|强调|強調|认为|認為|说|說|称|稱|介绍|介紹|宣布|透露)|"
                    r"[\d一二三四五六七八九十〇零]+[年月日号號](?:[\d一二三四五六七八九十]+[月日号號])*(?:[上下]午|晚|早)?|"
                    r"(?:当前|當前|目前|同时|同時|此外|另外|其中|然而|因此|据悉|據悉|与此同时|與此同時))$")
_STRIP = " \t\u3000\"'“”‘’「」『』《》()（）[]【】。．.!?！？…，,;；:：、—-"


# A speech tag opening a clause ("韦小宝喜道：“", "小玄子摇手笑道") and the characters that carry little
# content of their own (particles, pronouns, light verbs and adverbs): what is left is what a reader would
# miss (:func:`content_chars`).
_SPEECH_TAG = re.compile(r"^[^“”「」]{0,12}?(?<![知难難])(?:道|说|說|问|問|叫|喊|骂|罵)[：:]\s*[“「『]?|"
                         r"^[^“”「」]{1,12}?(?<![知难難])(?:道|说|說|问|問)$")
_LIGHT = frozenset("的了着著过過是在也都就还還又把被这這那个個么麼什呢吗嗎吧啊呀哦之其而与與和或但却卻所以为為"
                   "我你他她它们們不有很太得地怎样樣便即则則已将將再才只此")


@dataclass(frozen=True)
class Clause:
    start: int  # character offsets in the sentence: sentence[start:end] is the clause
    end: int
    text: str


_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum() accepts, counted in C


def alnum(text: str) -> str:
    """The text's letters and digits (what ``str.isalnum`` accepts), in order."""
    return "".join(_ALNUM.findall(text))


def zh_size(text: str) -> int:
    return len(_ALNUM.findall(text))


def content_chars(text: str) -> int:
    """Distinct letters and digits of a Chinese clause, less an opening speech tag and light characters
    (:data:`_LIGHT`): "短长长长长" has two, "这个…… 什么书" one."""
    return len(set(alnum(_SPEECH_TAG.sub("", text))) - _LIGHT)


def en_size(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9]+", text))


def _pieces(sentence: str, pattern: re.Pattern) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in pattern.finditer(sentence):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(sentence)))
    return spans


def _trim(sentence: str, start: int, end: int) -> tuple[int, int]:
    while start < end and sentence[start] in _STRIP:
        start += 1
    while end > start and sentence[end - 1] in _STRIP:
        end -= 1
    return start, end


def split_clauses(sentence: str, lang: str = "zh", min_chars: int = ReviewParams.min_clause_chars,
                  min_words: int = ReviewParams.min_clause_words) -> list[Clause]:
    """Clauses of one sentence, tiny pieces merged into a neighbour; empty pieces dropped. Pieces shorter
    than ``min_chars`` meaningful characters (Chinese, Japanese) or ``min_words`` words are joined to a
    neighbour: "當前" or "安全" alone say too little for an encoder to judge, and a reviewer does not need
    them separately.

    A sentence longer than the segmenter makes them (:data:`~aligner.segment.MAX_SENTENCE_CHARS`; only
    presplit input or the API gives one) is one clause: the review compares each clause of a bead with the
    rest of the bead, which would cost the square of the sentence's length.
    """
    if len(sentence) > MAX_SENTENCE_CHARS:
        start, end = _trim(sentence, 0, len(sentence))
        return [Clause(start, end, sentence[start:end])] if end > start else []
    pattern, size, minimum = (_ZH_BREAK, zh_size, min_chars) if unspaced(lang) else (_EN_BREAK, en_size, min_words)
    spans = [(a, b) for a, b in (_trim(sentence, *s) for s in _pieces(sentence, pattern)) if b > a]
    merged: list[list[int]] = []
    pending_start: int | None = None  # a tiny piece waiting to be joined to the next one
    for a, b in spans:
        framing = unspaced(lang) and _FRAME.match(sentence[a:b])
        if pending_start is not None:
            a, pending_start = pending_start, None
        if size(sentence[a:b]) < minimum or framing:
            pending_start = a
            continue
        merged.append([a, b])
    if pending_start is not None:  # a tiny last piece joins the previous clause
        if merged:
            merged[-1][1] = spans[-1][1]
        else:
            merged.append([pending_start, spans[-1][1]])
    return [Clause(a, b, sentence[a:b]) for a, b in merged]


def without(sentence: str, clause: Clause) -> str:
    """The sentence with one clause cut out (its punctuation left, which encoders shrug off)."""
    return sentence[: clause.start] + sentence[clause.end:]
