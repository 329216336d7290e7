"""Evidence the judges share, computed for many candidates at once: embedding cosines (whole rows, or the
best over a ragged group of English pieces per candidate), text sizes and length ratios, anchors (numbers
and Latin words), and the English pieces a Chinese text is compared with.

Ragged groups are flat arrays with ``starts`` (group ``k`` is ``flat[starts[k]:starts[k + 1]]``), so that
the judges' ``features`` are array operations instead of a Python loop per candidate.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from ..model import Alignment, join_sentences, unspaced
from ..scoring import normalise
from .clauses import en_size, split_clauses, zh_size

_FLOATS_AT_ONCE = 1 << 18  # vector entries gathered at once per side by pair_dots (1 MB of float32)


def flatten(groups: Iterable[Sequence]) -> tuple[list, np.ndarray]:
    """The groups' items in one list, and where each group starts (one more start: the end)."""
    flat: list = []
    starts = [0]
    for group in groups:
        flat.extend(group)
        starts.append(len(flat))
    return flat, np.array(starts, dtype=np.int64)


def cosines(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Cosine of each row of ``A`` with the same row of ``B``."""
    dots = np.einsum("ij,ij->i", A, B)
    norms = np.linalg.norm(A, axis=1) * np.linalg.norm(B, axis=1)
    return dots / np.maximum(norms, 1e-9)


def pair_dots(A: np.ndarray, rows: np.ndarray, B: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``A[rows[k]] · B[cols[k]]`` for each k, in blocks (memory bounded whatever the number of pairs)."""
    out = np.empty(len(rows), dtype=np.result_type(A, B))
    step = max(1, _FLOATS_AT_ONCE // max(1, A.shape[1]))
    for lo in range(0, len(rows), step):
        hi = lo + step
        out[lo:hi] = np.einsum("ij,ij->i", A[rows[lo:hi]], B[cols[lo:hi]])
    return out


def group_max(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """The largest value of each non-empty group (empty groups are left out)."""
    full = np.flatnonzero(np.diff(starts))
    return np.maximum.reduceat(values, starts[full]) if len(full) else values[:0]


def group_argmax(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Flat index of each non-empty group's first largest value (empty groups are left out)."""
    sizes = np.diff(starts)
    best = np.repeat(group_max(values, starts), sizes[sizes > 0])
    hit = np.flatnonzero(values == best)
    return hit[np.searchsorted(hit, starts[:-1][sizes > 0])]


def unit(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    return normalise(np.asarray(vectors))


def text_size(text: str, lang: str) -> int:
    """Characters for languages written without spaces, words for the others."""
    return zh_size(text) if unspaced(lang) else en_size(text)


def log_ratio(target_size: int, source_size: int) -> float:
    """Log of a target size over a source size, both smoothed by one."""
    return math.log((target_size + 1) / (source_size + 1))


def reach(alignment: Alignment, en: Sequence[int], width: int) -> range:
    """The English sentences of ``en`` and ``width`` either side."""
    return range(max(0, min(en) - width), min(len(alignment.en), max(en) + width + 1))


def source(alignment: Alignment, idx: Iterable[int]) -> str:
    return join_sentences([alignment.zh[i].text for i in idx], alignment.src_lang)


def target(alignment: Alignment, idx: Iterable[int]) -> str:
    return join_sentences([alignment.en[j].text for j in idx], alignment.tgt_lang)


def en_pieces(sentences: Iterable[str], min_words: int) -> list[str]:
    """What a Chinese text may be compared with: each English sentence, clause and pair of clauses."""
    return [p for s in sentences for p in sentence_pieces(s, min_words)]


@lru_cache(maxsize=65536)
def sentence_pieces(sentence: str, min_words: int) -> tuple[str, ...]:
    # every candidate asks for the pieces of the English around it: a book's review splits each sentence once
    clauses = split_clauses(sentence, "en", min_words=min_words)
    if len(clauses) < 2:
        return (sentence,)
    return (sentence, *(c.text for c in clauses), *(sentence[a.start:b.end] for a, b in zip(clauses, clauses[1:])))


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN = re.compile(r"[A-Za-z]{2,}")


@lru_cache(maxsize=65536)
def anchor_words(text: str) -> frozenset[str]:
    """Numbers (thousands separators dropped) and Latin words: they read the same in both languages."""
    return numbers(text) | {w.lower() for w in _LATIN.findall(text)}


def numbers(text: str) -> frozenset[str]:
    """The numbers of a text (thousands separators dropped): a time or a count reads the same in both languages."""
    return frozenset(n.replace(",", "") for n in _NUMBER.findall(text))


def numbers_conflict(zh: frozenset[str], en: frozenset[str]) -> bool:
    """Whether an English text contradicts a Chinese one's numbers: each has a number the other lacks (a
    second later, another year), where a translation keeps them."""
    return bool(zh - en) and bool(en - zh)


# An opening quotation mark: Chinese, one not glued to a character (这个“好”字 quotes a word inside the sentence);
# English, one at the start or after a space or an opening bracket or dash, before a word (an apostrophe sits
# inside a word or after it: "you'd", "the boys' mother").
_ZH_TURN = re.compile(r"(?<!\w)[“「『]")
_EN_TURN = re.compile(r"(?:^|(?<=[\s(\[—–-]))[\"“'‘](?=[\w….])")
# A quotation resumed after its speech tag ('…,' said Lin, '…'; “……”他说，“……”): the same turn
_ZH_RESUMED = re.compile(r"[”」』][^“”「」『』。！？]{1,6}[，：][“「『]")
_EN_RESUMED = re.compile(r"[,.!?…—–-][\"”'’]\s+(?:\S+\s+){0,3}\S+,\s+[\"“'‘](?=[\w….])")
# An English sentence ending in a quotation closed and its speech tag ('…,' he said.)
_EN_TAGGED = re.compile(r"[,.!?…—–-][\"”'’]\s+(?:\S+\s+){0,3}\S+[.!?]$")


def speech_turns(texts: Sequence[str], lang: str, before: str = "") -> int:
    """How many speech turns (quotations) consecutive sentences open; a quotation resumed after its tag in the
    same sentence is one turn. An English sentence that opens with a quotation right after one ending in a
    quotation and its tag ("'Forty years of watching him,' he said. 'You pick it up.'") goes on with that
    speaker's turn, where Chinese keeps one quotation; ``before``: the sentence before the first."""
    if unspaced(lang):
        return sum(len(_ZH_TURN.findall(t)) - len(_ZH_RESUMED.findall(t)) for t in (t.strip() for t in texts))
    turns = 0
    for text in texts:
        found = _EN_TURN.findall(text := text.strip())
        turns += len(found) - len(_EN_RESUMED.findall(text)) - \
            bool(found and text[0] in "\"“'‘" and _EN_TAGGED.search(before))
        before = text
    return turns


def anchor_balance(own: set[str] | frozenset[str], english: set[str] | frozenset[str], clip: int) -> float:
    """Anchors of a Chinese text its English lacks, less those it has, clipped to ``±clip``."""
    return float(max(-clip, min(clip, len(own - english) - len(own & english))))
