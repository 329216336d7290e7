"""Content a translator moved a sentence or two, seen by words: of a Chinese text's own words, the share
that the English near its bead translates and its bead's English does not (the sentence judge's "carried
nearby" check, the words' half of it; the encoder's half is the sentence's ``cover``).

Words the neighbouring Chinese also has are left out: their English is the neighbours' (the Bible's 神 and 说
recur in every verse, so the next verse's "God said" says nothing about a deleted one). A word is translated
by an English text when one of its CC-CEDICT senses or the document's word model (at
``word_translation_at``) finds it there. Chinese–English only (the context's word model); other pairs get 0.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..context import ReviewContext
from ..evidence import reach, target


class English:
    """The English keys of sentences and groups of sentences, and each word's translations, each found
    once (the words themselves come from the review's :class:`~..wordmodel.Tokens`)."""

    def __init__(self, ctx: ReviewContext):
        self.ctx = ctx
        self.seen: dict[tuple[int, ...], frozenset[str]] = {}
        self.known: dict[str, frozenset[str]] = {}

    def keys(self, js: Sequence[int]) -> frozenset[str]:
        js = tuple(js)
        if js not in self.seen:
            text = target(self.ctx.alignment, js)
            self.seen[js] = frozenset(self.ctx.words.tokens.en_keys(text)) if js else frozenset()
        return self.seen[js]

    def translations(self, senses: dict[str, tuple[str, ...]], word: str) -> frozenset[str]:
        """The English keys ``word`` translates to: its CC-CEDICT ``senses`` and the word model's."""
        if (known := self.known.get(word)) is None:
            known = self.known[word] = frozenset(senses.get(word, ())) | \
                self.ctx.words.translations(word, self.ctx.params.word_translation_at)
        return known

    def translates(self, senses: dict[str, tuple[str, ...]], word: str, keys: frozenset[str]) -> bool:
        return not keys.isdisjoint(self.translations(senses, word))


def moved_share(ctx: ReviewContext, texts: Sequence[str], own: Sequence[Sequence[int]],
                sentences: Sequence[int]) -> np.ndarray:
    """For each Chinese text (a sentence or a clause of sentence ``sentences[n]``) and its bead's English
    ``own[n]``: the share of its own words translated within ``nearby_reach`` English sentences of ``own[n]``
    but not by ``own[n]``. Its own words are those of no other Chinese sentence whose bead holds that nearby
    English."""
    a, p = ctx.alignment, ctx.params
    out = np.zeros(len(texts))
    if ctx.words is None:
        return out
    bead_of = {j: k for k, b in enumerate(a.beads) for j in b.en}
    english, tokens = English(ctx), ctx.words.tokens
    for n, (text, en, i) in enumerate(zip(texts, own, sentences)):
        near = [j for j in reach(a, en, p.nearby_reach) if j not in en]
        others = {x for j in near for x in a.beads[bead_of[j]].zh if x != i}
        shared = set().union(*(tokens.zh_tokens(a.zh[x].text) for x in others))
        words = [w for w in dict.fromkeys(tokens.zh_tokens(text)) if w not in shared]
        if words:
            senses, mine, there = dict(tokens.zh_words(text)), english.keys(en), english.keys(near)
            out[n] = sum(english.translates(senses, w, there) and not english.translates(senses, w, mine)
                         for w in words) / len(words)
    return out
