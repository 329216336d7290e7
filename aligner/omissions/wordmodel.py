"""A word translation model learnt from the document itself: IBM Model 1 over its confident 1-1 pairs.

CC-CEDICT knows the common senses of words; a document has its own: the Bible's 后裔 is "seed", a report's
工程 is "the line" or "the project", a novel's names recur on every page. Five rounds of EM over the
document's better half of 1-1 pairs (by bead score) learn t(Chinese word | English key), and a clause is
scored by how well the English of its bead explains its words, against how well aligned pairs explain
theirs. Chinese–English only, like the dictionary it builds on (its Chinese words are CC-CEDICT's).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from functools import lru_cache
from itertools import islice

import numpy as np

from ..lexicon import CHINESE_STOPWORDS, chinese_words, english_keys
from ..model import Alignment
from .calibrate import robust_scale

ROUNDS = 5
NULL = ""  # the empty English word, which Chinese words with no translation attach to
FLOOR = 1e-6  # probability of a pair never seen together
SPREAD_FLOOR = 0.1  # least spread of the document's pair scores (mean log-probabilities per word)
# Words of a sentence (or clause) the model reads, the first ones: a pair costs the product of its two sides'
# words to train and to score, so an overlong line must not cost the square of its length. Only presplit input
# or the API gives one: the segmenter cuts sentences at 600 characters, fewer words than this on either side.
MAX_WORDS = 400


@lru_cache(maxsize=65536)
def chinese_tokens(text: str) -> tuple[str, ...]:
    """Content words (at most ``MAX_WORDS``): dictionary segmentation, function words and punctuation left out."""
    words = (w for w, _ in chinese_words(text) if w not in CHINESE_STOPWORDS and any(c.isalnum() for c in w))
    return tuple(islice(words, MAX_WORDS))


@lru_cache(maxsize=65536)
def english_tokens(text: str) -> tuple[str, ...]:
    """Content-word keys (at most ``MAX_WORDS``)."""
    return tuple(english_keys(text)[:MAX_WORDS])


class WordModel:
    """t(Chinese word | English key), and the document's typical score of an aligned pair."""

    def __init__(self, table: dict[str, dict[str, float]], mid: float, spread: float):
        self.table = table  # Chinese word -> {English key: t(word | key)}
        self.mid = mid
        self.spread = spread

    def prob(self, word: str, key: str) -> float:
        """t(word | key); 0 for a pair never seen together."""
        return self.table.get(word, {}).get(key, 0.0)

    def translated(self, word: str, keys: set[str], at: float) -> bool:
        """Whether one of ``keys`` translates ``word`` with probability ``at`` or more (the smaller of the two
        sets is read: a long English has many keys, a rare word few translations)."""
        known = self.table.get(word, {})
        if len(known) < len(keys):
            return any(p >= at for e, p in known.items() if e in keys)
        return any(known.get(e, 0.0) >= at for e in keys)

    @classmethod
    def of(cls, alignment: Alignment) -> "WordModel":
        ones = [b for b in alignment.beads if len(b.zh) == 1 and len(b.en) == 1]
        pairs = [(chinese_tokens(alignment.zh[b.zh[0]].text), english_tokens(alignment.en[b.en[0]].text))
                 for b in ones]
        median = float(np.median([b.score for b in ones])) if ones else 0.0
        confident = [p for p, b in zip(pairs, ones) if b.score >= median and p[0] and p[1]]
        model = cls(_train(confident), 0.0, 1.0)
        scores = np.array([model.explain(z, e) for z, e in pairs if z])
        model.mid, model.spread = robust_scale(scores, SPREAD_FLOOR)
        return model

    def explain(self, zh: tuple[str, ...], en: tuple[str, ...]) -> float:
        """Mean log-probability of the Chinese words given the English (Model 1, NULL included)."""
        if not zh:
            return 0.0
        counts = _counts(en)
        size = len(en) + 1
        total = 0.0
        for w in zh:
            known = self.table.get(w, {})
            mass = matched = 0  # of the English words the model pairs with the word (the review's hot loop)
            if len(known) < len(counts):
                for e, p in known.items():
                    if (n := counts.get(e)) is not None:
                        mass += p * n
                        matched += n
            else:
                for e, n in counts.items():
                    if (p := known.get(e)) is not None:
                        mass += p * n
                        matched += n
            total += math.log((mass + FLOOR * (size - matched)) / size)
        return total / len(zh)

    def units(self, zh: tuple[str, ...], en: tuple[str, ...]) -> float:
        """:meth:`explain` in robust deviations from the document's typical aligned pair."""
        return (self.explain(zh, en) - self.mid) / self.spread


@lru_cache(maxsize=65536)
def _counts(en: tuple[str, ...]) -> Counter:
    """English words with their counts, NULL once (shared: the review asks about each sentence often)."""
    counts = Counter(en)
    counts[NULL] += 1
    return counts


def _train(pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> dict[str, dict[str, float]]:
    """EM over every (Chinese word, English word) cell of every pair at once: a cell's share of its Chinese
    word's probability mass (E step), then each pair type's share of its English word's counts (M step)."""
    index: dict[tuple[str, str], int] = {}
    cell_type: list[int] = []
    cell_word: list[int] = []  # which Chinese word occurrence (of all pairs) a cell belongs to
    occurrence = 0
    for zh, en in pairs:
        words = en + (NULL,)
        for w in zh:
            for e in words:
                cell_type.append(index.setdefault((w, e), len(index)))
                cell_word.append(occurrence)
            occurrence += 1
    if not index:
        return {}
    types = np.array(cell_type)
    groups = np.array(cell_word)
    english = {e: n for n, e in enumerate({e for _, e in index})}
    type_en = np.array([english[e] for _, e in index])
    table = np.ones(len(index))
    for _ in range(ROUNDS):
        values = table[types]
        shares = values / np.bincount(groups, values)[groups]
        counts = np.bincount(types, shares, minlength=len(index))
        table = counts / np.bincount(type_en, counts)[type_en]
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for (w, e), p in zip(index, table.tolist()):
        out[w][e] = p
    return dict(out)
