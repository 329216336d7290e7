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
from scipy import sparse

from ..lexicon import CHINESE_STOPWORDS, chinese_words, english_keys
from ..model import Alignment
from .calibrate import robust_scale
from .params import ReviewParams

NULL = ""  # the empty English word, which Chinese words with no translation attach to
# Words of a sentence (or clause) the model reads, the first ones: a pair costs the product of its two sides'
# words to train and to score, so an overlong line must not cost the square of its length. Only presplit input
# or the API gives one: the segmenter cuts sentences at 600 characters, fewer words than this on either side.
MAX_WORDS = 400
_CELLS_AT_ONCE = 1 << 19  # (Chinese word, English word) cells scored at once (bounds the memory of scoring)


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

    def __init__(self, table: dict[str, dict[str, float]], mid: float, spread: float,
                 floor: float = ReviewParams.word_floor):
        self.table = table  # Chinese word -> {English key: t(word | key)}
        self.mid = mid
        self.spread = spread
        self.floor = floor  # probability of a pair never seen together
        # The same table as a sparse matrix (Chinese word × English key), so that many pairs are scored by one
        # vectorised lookup instead of a Python loop over words (the review scores ~20 pairs a candidate).
        self._rows = {w: i for i, w in enumerate(table)}
        self._cols: dict[str, int] = {}
        rows, cols, values = [], [], []
        for r, known in enumerate(table.values()):
            for e, p in known.items():
                rows.append(r)
                cols.append(self._cols.setdefault(e, len(self._cols)))
                values.append(p)
        self._table = sparse.csr_matrix((np.array(values, dtype=np.float64), (rows, cols)),
                                        shape=(len(self._rows), len(self._cols)))
        self._table.sort_indices()
        self._english_seen: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}
        self._chinese_seen: dict[tuple[str, ...], np.ndarray] = {}

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
    def of(cls, alignment: Alignment, params: ReviewParams = ReviewParams()) -> "WordModel":
        """Trained on the document's better half of 1-1 pairs (``word_rounds`` of EM); ``word_floor`` and
        ``word_spread_floor`` as :class:`~aligner.omissions.params.ReviewParams` says."""
        ones = [b for b in alignment.beads if len(b.zh) == 1 and len(b.en) == 1]
        pairs = [(chinese_tokens(alignment.zh[b.zh[0]].text), english_tokens(alignment.en[b.en[0]].text))
                 for b in ones]
        median = float(np.median([b.score for b in ones])) if ones else 0.0
        confident = [p for p, b in zip(pairs, ones) if b.score >= median and p[0] and p[1]]
        model = cls(_train(confident, params.word_rounds), 0.0, 1.0, params.word_floor)
        scores = model.explain_pairs([(z, e) for z, e in pairs if z])
        model.mid, model.spread = robust_scale(scores, params.word_spread_floor)
        return model

    def explain_pairs(self, pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> np.ndarray:
        """Mean log-probability of the Chinese words given the English (Model 1, NULL included) of each
        (Chinese, English) pair, shape (len(pairs),); 0 for an empty Chinese side.

        For each Chinese word w: log((sum of t(w|e) * count(e) over the English words + floor * the count of
        those never seen with w) / (len(en) + 1)), averaged over the Chinese words. Pairs are scored in blocks
        of at most ``_CELLS_AT_ONCE`` (word, English word) cells: memory stays bounded whatever their number."""
        out, block, cells = [], [], 0
        for pair in pairs:
            size = len(pair[0]) * (len(pair[1]) + 1)
            if block and cells + size > _CELLS_AT_ONCE:
                out.append(self._explain_block(block))
                block, cells = [], 0
            block.append(pair)
            cells += size
        out.append(self._explain_block(block))
        return np.concatenate(out)

    def _explain_block(self, pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> np.ndarray:
        n = len(pairs)
        known = [self._chinese(zh) for zh, _ in pairs]  # each Chinese word the table knows …
        rows = np.concatenate(known) if known else np.zeros(0, dtype=np.int64)
        owner_ = np.repeat(np.arange(n), [len(k) for k in known])  # … and the pair it belongs to
        lengths = np.array([len(zh) for zh, _ in pairs], dtype=np.float64)
        total = (lengths - np.bincount(owner_, minlength=n)) * math.log(self.floor)  # words with no translation
        if len(rows) and self._table.nnz:
            cols, counts, starts = self._english_counts([en for _, en in pairs])
            width = np.diff(starts)[owner_]  # the English words each Chinese word is read against
            word = np.repeat(np.arange(len(rows)), width)  # one cell per (Chinese word, English word)
            at = np.repeat(starts[owner_], width) + np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width)
            found = np.asarray(self._table[rows[word], cols[at]]).ravel() if len(word) else np.zeros(0)
            seen = found > 0  # every pair the model learnt has a positive probability
            mass = np.bincount(word, found * counts[at], minlength=len(rows))
            matched = np.bincount(word, seen * counts[at], minlength=len(rows))
            sizes = np.array([len(en) + 1 for _, en in pairs], dtype=np.float64)[owner_]
            total += np.bincount(owner_, np.log((mass + self.floor * (sizes - matched)) / sizes), minlength=n)
        return np.divide(total, lengths, out=np.zeros(n), where=lengths > 0)

    def _chinese(self, zh: tuple[str, ...]) -> np.ndarray:
        # remembered: the review reads each Chinese sentence against ~20 English sentences nearby
        if (found := self._chinese_seen.get(zh)) is None:
            found = self._chinese_seen[zh] = np.array([r for w in zh if (r := self._rows.get(w)) is not None],
                                                      dtype=np.int64)
        return found

    def _english_counts(self, ens: list[tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The known English keys (NULL once) of each text with their counts, flat, and where each text's
        entries start (``starts[k]:starts[k + 1]``)."""
        parts = [self._english(en) for en in ens]
        starts = np.zeros(len(parts) + 1, dtype=np.int64)
        np.cumsum([len(cols) for cols, _ in parts], out=starts[1:])
        return (np.concatenate([cols for cols, _ in parts]), np.concatenate([counts for _, counts in parts]),
                starts)

    def _english(self, en: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
        # remembered: the review reads each English sentence against ~20 candidates nearby
        if (found := self._english_seen.get(en)) is None:
            known = [(c, n) for e, n in _counts(en).items() if (c := self._cols.get(e)) is not None]
            found = self._english_seen[en] = (np.array([c for c, _ in known], dtype=np.int64),
                                              np.array([n for _, n in known], dtype=np.float64))
        return found

    def units(self, pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> np.ndarray:
        """:meth:`explain_pairs` in robust deviations from the document's typical aligned pair."""
        return (self.explain_pairs(pairs) - self.mid) / self.spread


@lru_cache(maxsize=65536)
def _counts(en: tuple[str, ...]) -> Counter:
    """English words with their counts, NULL once (shared: the review asks about each sentence often)."""
    counts = Counter(en)
    counts[NULL] += 1
    return counts


def _train(pairs: list[tuple[tuple[str, ...], tuple[str, ...]]], rounds: int) -> dict[str, dict[str, float]]:
    """EM over every (Chinese word, English word) cell of every pair at once: a cell's share of its Chinese
    word's probability mass (E step), then each pair type's share of its English word's counts (M step)."""
    zh_ids: dict[str, int] = {}
    en_ids: dict[str, int] = {NULL: 0}
    zh_flat = np.array([zh_ids.setdefault(w, len(zh_ids)) for zh, _ in pairs for w in zh], dtype=np.int64)
    en_lists = [[en_ids.setdefault(e, len(en_ids)) for e in en] + [0] for _, en in pairs]  # NULL last
    en_flat = np.array([e for ids in en_lists for e in ids], dtype=np.int64)
    en_starts = np.cumsum([0] + [len(ids) for ids in en_lists])[:-1]
    owner = np.repeat(np.arange(len(pairs)), [len(zh) for zh, _ in pairs])  # the pair of each word occurrence
    width = np.array([len(ids) for ids in en_lists], dtype=np.int64)[owner]
    groups = np.repeat(np.arange(len(zh_flat)), width)  # which Chinese word occurrence a cell belongs to
    if not len(groups):
        return {}
    at = np.repeat(en_starts[owner], width) + np.arange(width.sum()) - np.repeat(np.cumsum(width) - width, width)
    codes = zh_flat[groups] * len(en_ids) + en_flat[at]
    # pair types numbered in order of first appearance, as the cells are read (the sums below keep that order)
    unique, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(unique), dtype=np.int64)
    rank[order] = np.arange(len(unique))
    types = rank[inverse.ravel()]
    ordered = unique[order]
    type_en = ordered % len(en_ids)
    table = np.ones(len(unique))
    for _ in range(rounds):
        values = table[types]
        shares = values / np.bincount(groups, values)[groups]
        counts = np.bincount(types, shares, minlength=len(unique))
        table = counts / np.bincount(type_en, counts)[type_en]
    zh_words, en_words = list(zh_ids), list(en_ids)
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for w, e, p in zip((ordered // len(en_ids)).tolist(), type_en.tolist(), table.tolist()):
        out[zh_words[w]][en_words[e]] = p
    return dict(out)
