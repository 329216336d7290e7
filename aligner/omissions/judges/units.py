"""The pieces of aligned beads that the clause and boilerplate judges weigh (clauses, and the whole sentences
of many-sentence beads), with the evidence both read, computed for all of them at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ...model import join_sentences
from ...segment import MAX_SENTENCE_CHARS
from .. import boilerplate
from ..clauses import Clause, en_size, split_clauses, without, zh_size
from ..context import ReviewContext
from ..dictionary import clause_cover
from ..evidence import (anchor_balance, anchor_words, cosines, en_pieces, flatten, group_max, log_ratio, pair_dots,
                        reach, target)


@dataclass(frozen=True)
class Unit:
    """A whole sentence of a many-sentence bead, or a clause, with the bead's text with and without it."""

    bead: int
    sentence: int
    clause: Clause
    kind: str  # "sentence" or "clause"
    zh_text: str  # the bead's Chinese
    rest: str  # the same without this unit
    en: tuple[int, ...]  # the bead's English sentences
    boilerplate: str | None = None


@dataclass
class Units:
    """The units of every aligned bead and their evidence, one entry per unit:

    - ``cover``: best cosine of the unit with an English piece within ``cover_reach`` sentences of the bead;
    - ``gain``: how much better the bead's Chinese matches its English without the unit;
    - ``own``: cosine with each piece of the bead's own English (flat, ``own_starts``), ``own_best`` the best;
    - ``ratio``: log of the bead's English words per Chinese character (low when the English is short);
    - ``lex``: dictionary words of the clause whose translation the bead's English has (``lex_found``) and
      how many it has (``lex_total``); ``anchors``: numbers and Latin words it lacks less those it has
      (clipped); ``word``: how well the English explains the clause's words (the document's word model).
      Neutral (0) without a lexicon."""

    items: list[Unit]
    cover: np.ndarray
    gain: np.ndarray
    own: np.ndarray
    own_starts: np.ndarray
    own_best: np.ndarray
    ratio: np.ndarray
    lex_found: np.ndarray
    lex_total: np.ndarray
    anchors: np.ndarray
    word: np.ndarray

    @classmethod
    def of(cls, ctx: ReviewContext) -> "Units":
        return cls.measure(ctx, [u for k in ctx.aligned_beads for u in bead_units(ctx, int(k))])

    @classmethod
    def measure(cls, ctx: ReviewContext, items: list[Unit]) -> "Units":
        a, p, emb = ctx.alignment, ctx.params, ctx.embedder
        english = [target(a, u.en) for u in items]
        reach_pieces = {u.en: en_pieces([a.en[j].text for j in reach(a, u.en, p.cover_reach)], p.min_clause_words)
                        for u in items}
        own_pieces = {u.en: en_pieces([a.en[j].text for j in u.en], p.min_clause_words) for u in items}
        emb.want("tgt", english)
        emb.want("tgt", [t for pieces in reach_pieces.values() for t in pieces])
        emb.want("src", [t for u in items for t in (u.zh_text, u.clause.text, u.rest) if t.strip()])
        emb.run()
        src, tgt = emb.matrix("src"), emb.matrix("tgt")
        e = tgt[emb.rows("tgt", english)]
        v = src[emb.rows("src", [u.clause.text for u in items])]
        full = cosines(src[emb.rows("src", [u.zh_text for u in items])], e).astype(np.float64)
        has_rest = np.array([bool(u.rest.strip()) for u in items], dtype=bool)
        gain = -full
        if has_rest.any():
            rest_rows = emb.rows("src", [u.rest for u in items if u.rest.strip()])
            gain[has_rest] = cosines(src[rest_rows], e[has_rest]).astype(np.float64) - full[has_rest]
        cover = _best_dots(v, tgt, emb.rows, [reach_pieces[u.en] for u in items])
        own_texts, own_starts = flatten(own_pieces[u.en] for u in items)
        owner = np.repeat(np.arange(len(items)), np.diff(own_starts))
        own = pair_dots(v, owner, tgt, emb.rows("tgt", own_texts))
        ratios = {u.bead: log_ratio(en_size(" ".join(a.en[j].text for j in u.en)), zh_size(u.zh_text))
                  for u in items}
        ratio = np.array([ratios[u.bead] for u in items])
        found = np.zeros(len(items), dtype=np.int64)
        total, anchors, word = found.copy(), np.zeros(len(items)), np.zeros(len(items))
        if ctx.words is not None and items:
            clauses = [u.clause.text for u in items]
            found, total, word = clause_cover(a, ctx.words, clauses, [u.en for u in items], p.z_clip)
            own_anchors = {text: anchor_words(text) for text in english}
            anchors = np.array([anchor_balance(anchor_words(c), own_anchors[t], p.anchor_clip)
                                for c, t in zip(clauses, english)])
        return cls(items, cover.astype(np.float64), gain, own, own_starts,
                   group_max(own, own_starts).astype(np.float64), ratio, found, total, anchors, word)

    def take(self, idx: np.ndarray) -> "Units":
        """The units ``idx`` with their evidence."""
        own = [self.own[self.own_starts[n]:self.own_starts[n + 1]] for n in idx]
        starts = np.zeros(len(idx) + 1, dtype=np.int64)
        np.cumsum([len(o) for o in own], out=starts[1:])
        return Units([self.items[n] for n in idx], self.cover[idx], self.gain[idx],
                     np.concatenate(own) if own else self.own[:0], starts, self.own_best[idx], self.ratio[idx],
                     self.lex_found[idx], self.lex_total[idx], self.anchors[idx], self.word[idx])


def _best_dots(v: np.ndarray, tgt: np.ndarray, rows, groups: list[list[str]]) -> np.ndarray:
    """For each row of ``v``, its best dot product with the (raw) vectors of its group of English texts."""
    texts, starts = flatten(groups)
    owner = np.repeat(np.arange(len(groups)), np.diff(starts))
    return group_max(pair_dots(v, owner, tgt, rows("tgt", texts)), starts)


def bead_units(ctx: ReviewContext, k: int) -> list[Unit]:
    """The units of bead ``k``: each sentence of a many-sentence bead, and each clause of a sentence of two
    or more (boilerplate such as a trailing photo credit a piece of its own); none below ``min_chars``."""
    a, p = ctx.alignment, ctx.params
    bead = a.beads[k]
    texts = [a.zh[i].text for i in bead.zh]
    zh_text = join_sentences(texts, a.src_lang)
    units = []
    offset = 0
    sep = len(join_sentences(["", ""], a.src_lang))
    # each clause unit copies the bead's text: none beside an overlong sentence (see split_clauses)
    clauses = all(len(text) <= MAX_SENTENCE_CHARS for text in texts)
    for i, text in zip(bead.zh, texts):
        pieces = sentence_pieces(text, p.min_clause_chars)
        if len(bead.zh) > 1:
            units.append(Unit(k, i, Clause(0, len(text), text), "sentence", zh_text,
                              zh_text[:offset] + zh_text[offset + len(text) + sep:], bead.en,
                              boilerplate.whole_sentence(text)))
        if clauses and len(pieces) > 1:
            for clause, bp in pieces:
                rest = zh_text[:offset] + without(text, clause) + zh_text[offset + len(text):]
                units.append(Unit(k, i, clause, "clause", zh_text, rest, bead.en, bp))
        offset += len(text) + sep
    return [u for u in units if zh_size(u.clause.text) >= p.min_chars]


def sentence_pieces(text: str, min_chars: int) -> list[tuple[Clause, str | None]]:
    """Clauses of a sentence, with boilerplate (a trailing photo credit…) kept as pieces of its own."""
    bps = boilerplate.spans(text)
    if bps and bps[0].start == 0 and bps[0].end == len(text):
        return [(Clause(0, len(text), text), bps[0].reason)]
    pieces: list[tuple[Clause, str | None]] = []
    cursor = 0
    for bp in sorted(bps, key=lambda b: b.start) + [boilerplate.Boilerplate(len(text), len(text), "")]:
        for c in split_clauses(text[cursor:bp.start], "zh", min_chars=min_chars):
            pieces.append((Clause(cursor + c.start, cursor + c.end, c.text), None))
        if bp.end > bp.start:
            pieces.append((Clause(bp.start, bp.end, text[bp.start:bp.end]), bp.reason))
        cursor = max(cursor, bp.end)
    return pieces
