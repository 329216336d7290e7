"""English pieces that carry a Chinese text away from its place: content a translator moved.

A piece (an English sentence, clause or pair of clauses, :func:`~aligner.omissions.evidence.en_pieces`)
carries a Chinese sentence or clause when it matches it as a translation does and better than it matches the
Chinese of its own bead: the margin says whether the piece was written for this text or for its own. The
sentence and clause judges ask before they flag.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..context import ReviewContext
from ..evidence import flatten, group_argmax, pair_dots, sentence_pieces, unit
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


def carriers(ctx: ReviewContext, vectors: np.ndarray, sentences: list[list[int]], zh: list[int]
             ) -> list[Carrier | None]:
    """For each unit Chinese vector (of a text of Chinese sentence ``zh[n]``) and the English sentences to
    search for it, the piece that carries it, or None: the most similar piece (English sentences whose bead
    has no Chinese carry nothing and are skipped) when it matches as a translation does (``carried_at`` of
    the way from a near miss to a typical aligned pair), better than its own bead's Chinese by ``moved_margin``
    calibration units (a high margin alone can mean only that the piece's own Chinese is missing), and better
    than any other Chinese sentence the search left unaligned within ``moved_reach`` English sentences of it:
    one English piece carries one of them, the one it matches best."""
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
    for n, best in zip(full, group_argmax(cos, starts)):
        j, text = cells[best]
        own = list(a.beads[bead_of[j]].zh)
        margin = float(cos[best]) - float((S[own] @ pieces[where[best]]).max())
        carrier = Carrier(float(cos[best]), j, text, margin)
        near = orphans[(np.abs(ctx.src_pos[orphans] - j) <= p.moved_reach) & (orphans != zh[n])]
        if ctx.cal.carried(carrier.cosine) >= p.carried_at and margin >= p.moved_margin * ctx.scale and \
                not (S[near] @ pieces[where[best]] > carrier.cosine).any():
            out[n] = carrier
    return out

