"""Dictionary evidence (CC-CEDICT, :mod:`aligner.lexicon`, and the document's own word model): which of a
Chinese text's words the English around it translates. Independent of the encoder, and strong where an
embedding is weak (a short sentence folded into a long bead, a clause of a few words). Chinese–English
only: the review context has none for other pairs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from ..model import Alignment
from .evidence import reach, target
from .params import ReviewParams
from .wordmodel import WordModel


@dataclass
class DictionaryWords:
    """Each Chinese sentence's dictionary words (as their sets of English translation keys, one shared set a
    word: ``senses``), each English sentence's keys, the document's typical share of an aligned English
    sentence's keys that its Chinese explains, and the document's own word model."""

    zh: list[list[frozenset[str]]]
    senses: dict[str, frozenset[str]]
    en: list[frozenset[str]]
    explained: float
    model: WordModel
    params: ReviewParams

    @classmethod
    def of(cls, alignment: Alignment, model: WordModel, params: ReviewParams) -> "DictionaryWords":
        senses: dict[str, frozenset[str]] = {}
        zh = []
        tokens = model.tokens
        for s in alignment.zh:
            words = tokens.zh_words(s.text)
            zh.append([senses.setdefault(w, frozenset(keys)) for w, keys in words if keys])
            for w, keys in words:
                senses.setdefault(w, frozenset(keys))
        en = [frozenset(tokens.en_keys(s.text)) for s in alignment.en]
        shares = [len(en[b.en[0]] & _keys(zh, b.zh)) / len(en[b.en[0]]) for b in alignment.beads
                  if len(b.zh) == 1 and len(b.en) == 1 and en[b.en[0]]]
        explained = max(float(np.median(shares)) if shares else 0.0, params.min_explained)
        return cls(zh, senses, en, explained, model, params)

    def sentence_features(self, alignment: Alignment, sentences: list[int], hosts: list[tuple[int, ...]],
                          without: list[tuple[int, ...]]) -> dict[str, np.ndarray]:
        """The dictionary features of whole sentences, each against a host English (``hosts``: its English
        sentences) with the rest of the host's Chinese (``without``):

        - ``dict_cover``: how many of the sentence's dictionary words have their translation in the host
          English, over how many have it anywhere within ``dict_reach`` English sentences;
        - ``dict_rest``: the share of the host English's keys that the rest of the host's Chinese explains,
          over the document's typical share for an aligned 1-1 pair;
        - ``dict_gain``: the share of the host English's keys that only this sentence explains, likewise;
        - ``dict_distinct``: of the sentence's words the rest of the host's Chinese lacks, the share the
          host English translates (by CC-CEDICT or by the word model);
        - ``dict_model``: how well the host English explains the sentence's words by the word model, against
          the English sentence nearby that explains them best, in the model's deviations;
        - ``own_words`` (not a model feature: :func:`~.judges.sentence.carried_by_bead` reads it): how many
          of the host English's words the sentence's words translate (CC-CEDICT or the word model) and those
          of no other Chinese sentence within ``own_reach`` sentences of it do, counted as often as they
          occur: an English word said twice ("he opened two windows and closed two doors") that one
          other sentence explains once is the sentence's own the second time.

        The word model scores each distinct (sentence, English) pair once, all in one call."""
        p, tokens = self.params, self.model.tokens
        pairs: dict[tuple, int] = {}
        spans = [reach(alignment, en, p.dict_reach) for en in hosts]
        for i, en, span in zip(sentences, hosts, spans):
            for j in span:
                pairs.setdefault((i, j), len(pairs))
            pairs.setdefault((i, en), len(pairs))
        scores = self.model.explain_pairs([
            (tokens.zh_tokens(alignment.zh[i].text),
             tokens.en_tokens(alignment.en[j].text) if isinstance(j, int)
             else tuple(t for b in j for t in tokens.en_tokens(alignment.en[b].text))) for i, j in pairs])
        out = {k: np.zeros(len(sentences)) for k in ("dict_cover", "dict_rest", "dict_gain", "dict_distinct",
                                                      "dict_model", "own_words")}
        hosts_keys: dict[tuple[int, ...], frozenset[str]] = {}
        known: dict[str, frozenset[str]] = {}  # each word's keys (_known)
        found: dict[int, Counter[str]] = {}  # each sentence's (_translated)
        host_counts: dict[tuple[int, ...], Counter[str]] = {}  # each host English's keys, as often as they occur
        nearby: dict[tuple[int, int], set[str]] = {}  # candidates of one host share their reach
        for n, (i, en, span, rest_idx) in enumerate(zip(sentences, hosts, spans, without)):
            if (host := hosts_keys.get(en)) is None:
                host = hosts_keys[en] = frozenset().union(*(self.en[j] for j in en))
            if (near := nearby.get((span.start, span.stop))) is None:
                near = nearby[span.start, span.stop] = set().union(*(self.en[j] for j in span))
            words = self.zh[i]
            covered = sum(1 for w in words if not w.isdisjoint(host))
            anywhere = sum(1 for w in words if not w.isdisjoint(near))
            rest = host & _keys(self.zh, rest_idx)
            own = (host & _keys(self.zh, (i,))) - rest
            size = len(host) + p.lex_prior
            siblings = set().union(*(tokens.zh_tokens(alignment.zh[x].text) for x in rest_idx))
            distinct = [w for w in dict.fromkeys(tokens.zh_tokens(alignment.zh[i].text)) if w not in siblings]
            translated = sum(1 for w in distinct if not self._known(w, known).isdisjoint(host))
            around = range(max(0, i - p.own_reach), min(len(alignment.zh), i + p.own_reach + 1))
            if (said := host_counts.get(en)) is None:
                said = host_counts[en] = Counter(k for j in en for k in tokens.en_keys(alignment.en[j].text))
            others = [self._translated(alignment, x, known, found) for x in around if x != i]
            for k, times in self._translated(alignment, i, known, found).items():
                if (left := said[k] - sum(c[k] for c in others)) > 0:
                    out["own_words"][n] += min(times, left)
            best = max(scores[pairs[(i, j)]] for j in span)
            # a sentence none of whose words has a translation nearby gives no evidence either way (1)
            out["dict_cover"][n] = (covered + 1) / (anywhere + 1)
            out["dict_rest"][n] = (len(rest) + p.lex_prior * self.explained) / size / self.explained - 1
            out["dict_gain"][n] = len(own) / size / self.explained
            out["dict_distinct"][n] = (translated + 1) / (len(distinct) + 2)
            out["dict_model"][n] = (scores[pairs[(i, en)]] - best) / self.model.spread
        out["dict_model"] = np.clip(out["dict_model"], -p.z_clip, p.z_clip)
        return out

    def _known(self, word: str, known: dict[str, frozenset[str]]) -> frozenset[str]:
        """A word's English keys by CC-CEDICT or by the word model (at ``word_translation_at``), found once."""
        if word not in known:
            known[word] = self.senses.get(word, frozenset()) | self.model.translations(word,
                                                                                       self.params.word_translation_at)
        return known[word]

    def _translated(self, alignment: Alignment, i: int, known: dict[str, frozenset[str]],
                    found: dict[int, Counter[str]]) -> Counter[str]:
        """The English keys of Chinese sentence ``i``'s words (:meth:`_known`), each with how many of its words
        translate it, found once."""
        if i not in found:
            found[i] = Counter(k for w in self.model.tokens.zh_tokens(alignment.zh[i].text)
                               for k in self._known(w, known))
        return found[i]


def _keys(zh: list[list[frozenset[str]]], sentences: tuple[int, ...]) -> set[str]:
    return set().union(*(w for i in sentences for w in zh[i]))


def clause_cover(alignment: Alignment, model: WordModel, clauses: list[str], en: list[tuple[int, ...]], z_clip: float
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each clause with its bead's English: how many of its dictionary words have their translation
    there, how many it has, and how well the English explains its words by the word model (held out:
    :meth:`~.wordmodel.WordModel.clause_units`; in the model's deviations, clipped to ``z_clip``; 0 for a
    clause without content words)."""
    tokens = model.tokens
    tokens.segment(clauses)
    keys: dict[tuple[int, ...], tuple[set[str], tuple[str, ...]]] = {}
    for e in en:
        if e not in keys:
            text = target(alignment, e)
            keys[e] = set(tokens.en_keys(text)), tokens.en_tokens(text)
    found = np.zeros(len(clauses), dtype=np.int64)
    total = np.zeros(len(clauses), dtype=np.int64)
    for n, (text, e) in enumerate(zip(clauses, en)):
        words = [k for _, k in tokens.zh_words(text) if k]
        found[n] = sum(1 for k in words if not keys[e][0].isdisjoint(k))
        total[n] = len(words)
    pairs = [(tokens.zh_tokens(text), keys[e][1]) for text, e in zip(clauses, en)]
    has_words = np.array([bool(zh) for zh, _ in pairs])
    z = np.clip(model.clause_units(pairs, en), -z_clip, z_clip) if pairs else np.zeros(0)
    return found, total, np.where(has_words, z, 0.0)
