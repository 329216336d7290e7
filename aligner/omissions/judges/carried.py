"""English pieces that carry a Chinese text away from its place: content a translator moved.

A piece (an English sentence, clause or pair of clauses, :func:`~aligner.omissions.evidence.en_pieces`)
carries a Chinese sentence or clause when it matches it as a translation does and better than it matches the
Chinese of its own bead: the margin says whether the piece was written for this text or for its own. The
sentence and clause judges ask before they flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..clauses import alnum
from ..context import ReviewContext
from ..evidence import (flatten, group_argmax, numbers, numbers_conflict, pair_dots, sentence_pieces, speech_turns,
                        unit)
from ..model import Moved


@dataclass(frozen=True)
class Carrier:
    cosine: float  # of the Chinese text with the piece
    sentence: int  # the English sentence holding the piece
    piece: str
    margin: float  # cosine less the piece's best cosine with a Chinese sentence of its own bead

    def moved(self, ctx: ReviewContext, zh_sentence: int, clause: tuple[str, tuple[int, int]] | None = None
              ) -> Moved:
        """The review's record of the text this piece carries (a clause: with its text and span)."""
        zh, span = clause if clause else (None, None)
        return Moved("zh", zh_sentence, self.sentence, round(float(ctx.cal.carried(self.cosine)), 3), self.piece,
                     round(self.margin / ctx.scale, 3), zh, span)


@dataclass(frozen=True)
class Turns:
    first: int  # the first and last English sentence read
    last: int
    zh: int  # the speech turns the Chinese opens
    en: int  # … and the English


def turns_kept(ctx: ReviewContext, sentence: int, bead: int) -> Turns | None:
    """For a Chinese sentence that opens a speech turn (a quotation), the English of the beads within
    ``turn_reach`` of its bead (its own included) when it opens at least as many turns as their Chinese, the
    sentence's own included; None otherwise (or when it opens none). Literary translators redistribute a
    dialogue's turns over its sentences, so the search may pair a turn's English with the next turn or leave
    the turn unaligned; a turn left out leaves the exchange's English a turn short."""
    a, r = ctx.alignment, ctx.params.turn_reach
    if not r or not speech_turns([a.zh[sentence].text], a.src_lang):
        return None
    beads = a.beads[max(0, bead - r):bead + r + 1]
    zh = [i for b in beads for i in b.zh]
    en = [j for b in beads for j in b.en]
    zh_turns = speech_turns([a.zh[i].text for i in zh], a.src_lang)
    en_turns = speech_turns([a.en[j].text for j in en], a.tgt_lang, a.en[en[0] - 1].text if en and en[0] else "")
    return Turns(en[0], en[-1], zh_turns, en_turns) if en_turns >= zh_turns else None


def carriers(ctx: ReviewContext, vectors: np.ndarray, sentences: list[list[int]], zh: list[int],
             hosts: list[tuple[int, ...]] | None = None, own: np.ndarray | None = None,
             texts_numbers: list[frozenset[str]] | None = None) -> list[Carrier | None]:
    """For each unit Chinese vector (of a text of Chinese sentence ``zh[n]``) and the English sentences to
    search for it, the piece that carries it, or None: the most similar piece (English sentences whose bead
    has no Chinese carry nothing and are skipped) when it matches as a translation does (``carried_at`` of
    the way from a near miss to a typical aligned pair), better than its own bead's Chinese by ``moved_margin``
    calibration units (a high margin alone can mean only that the piece's own Chinese is missing), and better
    than any other Chinese sentence the search left unaligned within ``moved_reach`` English sentences of it:
    one English piece carries one of them, the one it matches best.

    Given each unit's host English (``hosts``: the English sentences it was tested against) and its best
    cosine there (``own``), a piece *next door* may carry it too: the tail of the English sentence just before
    the host or the head of the one just after (a clause or pair of clauses at the edge that touches the host).
    A translator who folds a clause into the neighbouring sentence leaves that sentence's own Chinese matching
    the piece too (the scene is the same), so the margin over its own Chinese only needs to be positive; the
    piece must instead match the unit ``edge_margin`` units better than the unit's own host English does.

    Given each unit's numbers (``texts_numbers``: whole sentences), a piece next door whose English sentence
    contradicts them (:func:`~aligner.omissions.evidence.numbers_conflict`) carries nothing: next door, where the
    margin over the piece's own Chinese is waived, lines alike but for a time or a count are told apart by it."""
    a, p = ctx.alignment, ctx.params
    orphans = np.array([i for b in a.beads if not b.en for i in b.zh], dtype=np.int64)
    bead_of = {j: k for k, b in enumerate(a.beads) if b.zh for j in b.en}
    sentences = [[j for j in js if j in bead_of] for js in sentences]
    texts = {j: sentence_pieces(a.en[j].text, p.min_clause_words) for js in sentences for j in js}
    ctx.embedder.want("tgt", [t for pieces in texts.values() for t in pieces])
    ctx.embedder.run()
    cells, starts = flatten([(j, t) for j in js for t in texts[j]] for js in sentences)
    if not cells:
        return [None] * len(sentences)
    rows, where = np.unique(ctx.embedder.rows("tgt", [t for _, t in cells]), return_inverse=True)
    pieces = unit(ctx.embedder.matrix("tgt")[rows])
    owner = np.repeat(np.arange(len(sentences)), np.diff(starts))
    cos = pair_dots(np.asarray(vectors), owner, pieces, where)
    full = np.flatnonzero(np.diff(starts))
    out: list[Carrier | None] = [None] * len(sentences)
    S = np.asarray(a.src_vectors)

    def carrier(n: int, best: int, at_least: float) -> Carrier | None:
        j, text = cells[best]
        margin = float(cos[best]) - float((S[list(a.beads[bead_of[j]].zh)] @ pieces[where[best]]).max())
        near = orphans[(np.abs(ctx.src_pos[orphans] - j) <= p.moved_reach) & (orphans != zh[n])]
        if ctx.cal.carried(float(cos[best])) >= p.carried_at and margin >= at_least and \
                not (S[near] @ pieces[where[best]] > cos[best]).any():
            return Carrier(float(cos[best]), j, text, margin)
        return None

    for n, best in zip(full, group_argmax(cos, starts)):
        out[n] = carrier(n, best, p.moved_margin * ctx.scale)
    if hosts is None or own is None:
        return out
    for n in full:
        if out[n] is not None:
            continue
        edge = [k for k in range(starts[n], starts[n + 1]) if _at_edge(a.en, cells[k], hosts[n])]
        if edge:
            best = max(edge, key=lambda k: cos[k])
            j = cells[best][0]
            if cos[best] - own[n] >= p.edge_margin * ctx.scale and \
                    not (texts_numbers is not None and numbers_conflict(texts_numbers[n], numbers(a.en[j].text))):
                out[n] = carrier(n, best, 0.0)
    return out


def _at_edge(en, cell: tuple[int, str], host: tuple[int, ...]) -> bool:
    """Whether the piece is the tail of the English sentence just before the host or the head of the one just
    after (a part of it, not the whole sentence)."""
    j, piece = cell
    text, part = alnum(en[j].text), alnum(piece)  # clauses leave the sentence's outer punctuation out
    return part != text and (j == min(host) - 1 and text.endswith(part) or
                             j == max(host) + 1 and text.startswith(part))

