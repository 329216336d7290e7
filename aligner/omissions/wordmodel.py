"""A word translation model learnt from the document itself: IBM Model 1 over its confident 1-1 pairs.

CC-CEDICT knows the common senses of words; a document has its own: the Bible's 后裔 is "seed", a report's
工程 is "the line" or "the project", a novel's names recur on every page. Five rounds of EM over the
document's better half of 1-1 pairs (by bead score) learn t(Chinese word | English key), and a clause is
scored by how well the English of its bead explains its words, against how well aligned pairs explain
theirs. Chinese–English only, like the dictionary it builds on (its Chinese words are CC-CEDICT's).

A model scores the pairs it learnt from as explained whatever they say: EM attaches every Chinese word of a
pair to some English word of it, a clause the English really leaves out included. Clauses are therefore
scored held out (:class:`HeldOut`): by models learnt without their bead, against aligned pairs scored the
same way.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice

import numpy as np
from scipy import sparse

from ..lexicon import CHINESE_STOPWORDS, Words, chinese_words_many, english_keys
from ..model import Alignment
from .. import native
from .calibrate import robust_scale
from .params import ReviewParams

NULL = ""  # the empty English word, which Chinese words with no translation attach to
# Words of a sentence (or clause) the model reads, the first ones: a pair costs the product of its two sides'
# words to train and to score, so an overlong line must not cost the square of its length. Only presplit input
# or the API gives one: the segmenter cuts sentences at 600 characters, fewer words than this on either side.
MAX_WORDS = 400


def chinese_tokens(text: str) -> tuple[str, ...]:
    """Content words (at most ``MAX_WORDS``): dictionary segmentation, function words and punctuation left out."""
    return content_words(chinese_words_many([text])[0])


def content_words(words: Words) -> tuple[str, ...]:
    """The content words of a segmented Chinese text (see :func:`chinese_tokens`)."""
    content = (w for w, _ in words if w not in CHINESE_STOPWORDS and any(c.isalnum() for c in w))
    return tuple(islice(content, MAX_WORDS))


def english_tokens(text: str) -> tuple[str, ...]:
    """Content-word keys (at most ``MAX_WORDS``)."""
    return tuple(english_keys(text)[:MAX_WORDS])


class Tokens:
    """The words of each text a review reads, found once and remembered for the whole review (its judges
    read each sentence and clause many times: the word model, the dictionary's features, the clause cover);
    Chinese is segmented in bulk (:func:`~aligner.lexicon.chinese_words_many`). Memory: the document's
    words, once."""

    def __init__(self) -> None:
        self._zh: dict[str, Words] = {}
        self._zh_tokens: dict[str, tuple[str, ...]] = {}
        self._en: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def segment(self, texts: Iterable[str]) -> None:
        """Segment the Chinese ``texts`` not seen yet, all at once."""
        new = [t for t in dict.fromkeys(texts) if t not in self._zh]
        self._zh.update(zip(new, chinese_words_many(new)))

    def zh_words(self, text: str) -> Words:
        """:func:`~aligner.lexicon.chinese_words` of ``text``."""
        if (found := self._zh.get(text)) is None:
            self.segment([text])
            found = self._zh[text]
        return found

    def zh_tokens(self, text: str) -> tuple[str, ...]:
        """:func:`chinese_tokens` of ``text``."""
        if (found := self._zh_tokens.get(text)) is None:
            found = self._zh_tokens[text] = content_words(self.zh_words(text))
        return found

    def en_keys(self, text: str) -> tuple[str, ...]:
        """:func:`~aligner.lexicon.english_keys` of ``text``."""
        return self._english(text)[0]

    def en_tokens(self, text: str) -> tuple[str, ...]:
        """:func:`english_tokens` of ``text``."""
        return self._english(text)[1]

    def _english(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if (found := self._en.get(text)) is None:
            keys = tuple(english_keys(text))
            found = self._en[text] = keys, keys[:MAX_WORDS]
        return found


class WordModel:
    """t(Chinese word | English key), and the document's typical score of an aligned pair."""

    def __init__(self, table: dict[str, dict[str, float]], mid: float, spread: float,
                 floor: float = ReviewParams.word_floor, tokens: Tokens | None = None):
        self.tokens = tokens or Tokens()  # the document's words, shared by everything that reads them
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
        self._cells: tuple[np.ndarray, np.ndarray] | None = None  # the table as a hash table (_cell_table)
        self._english_seen: dict[tuple[str, ...], tuple[np.ndarray, np.ndarray]] = {}
        self._chinese_seen: dict[tuple[str, ...], np.ndarray] = {}
        self.held_out: HeldOut | None = None  # the clauses' scorer (see :meth:`clause_units`)

    def prob(self, word: str, key: str) -> float:
        """t(word | key); 0 for a pair never seen together."""
        return self.table.get(word, {}).get(key, 0.0)

    def translations(self, word: str, at: float) -> frozenset[str]:
        """The English keys that translate ``word`` with probability ``at`` or more."""
        return frozenset(e for e, p in self.table.get(word, {}).items() if p >= at)

    @classmethod
    def of(cls, alignment: Alignment, params: ReviewParams = ReviewParams()) -> "WordModel":
        """Trained on the document's better half of 1-1 pairs (``word_rounds`` of EM); ``word_floor`` and
        ``word_spread_floor`` as :class:`~aligner.omissions.params.ReviewParams` says. With fewer than
        ``min_word_pairs`` of them EM learns noise: CC-CEDICT's senses stand in, each equally likely. With
        ``word_folds`` above 1, the held-out models that score clauses (:class:`HeldOut`) come with it."""
        tokens = Tokens()
        tokens.segment(s.text for s in alignment.zh)
        ones = [b for b in alignment.beads if len(b.zh) == 1 and len(b.en) == 1]
        pairs = [(tokens.zh_tokens(alignment.zh[b.zh[0]].text), tokens.en_tokens(alignment.en[b.en[0]].text))
                 for b in ones]
        median = float(np.median([b.score for b in ones])) if ones else 0.0
        confident = [n for n, (p, b) in enumerate(zip(pairs, ones)) if b.score >= median and p[0] and p[1]]
        learnt = len(confident) >= params.min_word_pairs
        senses = _senses(alignment, tokens) if not learnt or params.word_folds > 1 else {}
        table = _train([pairs[n] for n in confident], params.word_rounds) if learnt else senses
        model = cls(table, 0.0, 1.0, params.word_floor, tokens)
        kept = [n for n, (z, _) in enumerate(pairs) if z]
        model.mid, model.spread = robust_scale(model.explain_pairs([pairs[n] for n in kept]), params.word_spread_floor)
        if learnt and params.word_folds > 1:
            k = params.word_folds
            # the first split deals the pairs to the folds by their English sentence in turn, the others in fixed
            # random orders of the English sentences: by sentence, not by place among the confident pairs, so
            # that beads changed elsewhere (another search parameter) leave every other pair in its fold
            orders = [np.arange(len(alignment.en))] + [np.random.RandomState(s).permutation(len(alignment.en))
                                                       for s in range(1, params.word_splits)]
            folds = tuple({ones[n].en: int(order[ones[n].en[0]]) % k for n in confident} for order in orders)
            # each fold's model learns from the other folds' pairs; CC-CEDICT's senses for the words it never saw
            models = tuple(tuple(cls({**senses, **_train([pairs[n] for n in confident if fold[ones[n].en] != f],
                                                          params.word_rounds)}, 0.0, 1.0, params.word_floor, tokens)
                                 for f in range(k)) for fold in folds)
            model.held_out = HeldOut(models, folds, 0.0, 1.0)
            scores = model.held_out.explain([pairs[n] for n in kept], [ones[n].en for n in kept])
            model.held_out.mid, model.held_out.spread = robust_scale(scores, params.word_spread_floor)
        return model

    def explain_pairs(self, pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> np.ndarray:
        """Mean log-probability of the Chinese words given the English (Model 1, NULL included) of each
        (Chinese, English) pair, shape (len(pairs),); 0 for an empty Chinese side.

        For each Chinese word w: log((sum of t(w|e) * count(e) over the English words + floor * the count of
        those never seen with w) / (len(en) + 1)), averaged over the Chinese words. Each distinct side is
        looked up once; the (word, English word) cells are read by a compiled loop (:func:`_explain`), so
        memory is that of the distinct sides whatever the number of pairs."""
        zh_seen: dict[tuple[str, ...], int] = {}
        en_seen: dict[tuple[str, ...], int] = {}
        zh_at = np.fromiter((zh_seen.setdefault(zh, len(zh_seen)) for zh, _ in pairs), np.int64, len(pairs))
        en_at = np.fromiter((en_seen.setdefault(en, len(en_seen)) for _, en in pairs), np.int64, len(pairs))
        known = [self._chinese(zh) for zh in zh_seen]  # each Chinese side's words the table knows
        zh_starts = np.zeros(len(known) + 1, dtype=np.int64)
        np.cumsum([len(k) for k in known], out=zh_starts[1:])
        rows = np.concatenate(known) if known else np.zeros(0, dtype=np.int64)
        zh_len = np.array([len(zh) for zh in zh_seen], dtype=np.float64)
        cols, counts, en_starts = self._english_counts(list(en_seen))
        en_size = np.array([len(en) + 1 for en in en_seen], dtype=np.float64)
        t = self._table
        if self._cells is None:
            self._cells = _cell_table(t)
        out = np.zeros(len(pairs))
        _kernels().explain(*self._cells, t.shape[1], rows, zh_starts, zh_len, zh_at, cols, counts, en_starts,
                           en_size, en_at, math.log(self.floor), self.floor, out)
        return out

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
        if not parts:
            return np.zeros(0, dtype=np.int64), np.zeros(0), starts
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

    def clause_units(self, pairs: list[tuple[tuple[str, ...], tuple[str, ...]]], beads: list[tuple[int, ...]]
                     ) -> np.ndarray:
        """:meth:`units` of (clause, its bead's English) pairs, the bead's English sentences ``beads``, held
        out where the model has :attr:`held_out` (``word_folds`` above 1)."""
        if self.held_out is None:
            return self.units(pairs)
        return (self.held_out.explain(pairs, beads) - self.held_out.mid) / self.held_out.spread


@dataclass
class HeldOut:
    """Word models each learnt without one fold of the document's confident 1-1 pairs, CC-CEDICT's senses
    standing in for the words a model never saw, for each of several splits of the pairs into folds. A text
    of a bead is scored, in each split, by the model learnt without that bead's fold (any bead outside the
    confident pairs: by its first English sentence), and the splits' scores are averaged: which clause a
    model learnt from a few dozen pairs happens to explain moves with the split. The aligned pairs are
    scored the same way (``mid``, ``spread``)."""

    models: tuple[tuple[WordModel, ...], ...]  # per split, one model per fold
    folds: tuple[dict[tuple[int, ...], int], ...]  # per split, a confident pair's English sentences -> its fold
    mid: float
    spread: float

    def explain(self, pairs: list[tuple[tuple[str, ...], tuple[str, ...]]], beads: list[tuple[int, ...]]
                ) -> np.ndarray:
        """:meth:`WordModel.explain_pairs` of each pair by the models that did not learn from its bead,
        averaged over the splits."""
        out = np.zeros(len(pairs))
        for models, fold in zip(self.models, self.folds):
            which = np.array([fold.get(b, b[0] % len(models) if b else 0) for b in beads], dtype=np.int64)
            for f, model in enumerate(models):
                at = np.flatnonzero(which == f)
                if len(at):
                    out[at] += model.explain_pairs([pairs[n] for n in at])
        return out / len(self.models)


def _senses(alignment: Alignment, tokens: Tokens) -> dict[str, dict[str, float]]:
    """CC-CEDICT's senses of the document's Chinese words as a table, each sense of a word equally likely."""
    return {w: {k: 1 / len(keys) for k in keys} for s in alignment.zh for w, keys in tokens.zh_words(s.text) if keys}


def _counts(en: tuple[str, ...]) -> Counter:
    """English words with their counts, NULL once (last)."""
    counts = Counter(en)
    counts[NULL] += 1
    return counts


# The word model's kernels (word_kernels) as a library built once per machine and opened without numba, whose
# own load costs a review process about half a second (aligner.native); numba's dispatchers where it cannot be
WORDS = native.Library("words", "aligner.omissions.word_kernels", (
    ("cell_table", "i8[:] i8[:] f8[:] i8 !i8[:] !f8[:]"),
    ("explain", "i8[:] f8[:] i8 i8[:] i8[:] f8[:] i8[:] i8[:] f8[:] i8[:] f8[:] i8[:] f8 f8 !f8[:]"),
))
_lock = threading.Lock()
_loaded: list = []


def _kernels():
    """The word model's kernels (cell_table, explain), loaded on the first call, once per process."""
    with _lock:
        if not _loaded:
            found = native.load(WORDS)
            if found is None:
                from . import word_kernels as found
            _loaded.append(found)
        return _loaded[0]


def _cell_table(table: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """The table as the hash table of :func:`.word_kernels.cell_table`: at most half full."""
    size = 2
    while size < 2 * len(table.data):
        size *= 2
    codes, values = np.full(size, -1, dtype=np.int64), np.zeros(size)
    _kernels().cell_table(table.indptr.astype(np.int64), table.indices.astype(np.int64),
                          table.data.astype(np.float64), table.shape[1], codes, values)
    return codes, values


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
