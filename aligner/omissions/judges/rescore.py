"""Re-scoring a pairing against its neighbours: would moving a sentence across a bead boundary make a
clearly better pair? Then the English the review looked in is the wrong one: the reviewer is asked to check
the alignment (and told which English may carry the Chinese) rather than told that the English leaves it out.

A *welcome* is how much better a bead's joined Chinese matches its joined English with one more sentence on
one side, in calibration units (cosine with less cosine without). Adding a sentence the other side does not
carry dilutes the bead's vector and lowers the match; adding one it carries raises it.

- :func:`chinese_welcomes`: a Chinese sentence joining the aligned bead before or after its own (a sentence
  of a many-sentence bead only on the side it sits on: its first to the bead before, its last to the bead
  after; a sentence the search left unaligned to either);
- :func:`english_welcomes`: a bead's Chinese given the neighbouring bead's nearest English sentence, or,
  for a list of (bead, English sentence), that bead's Chinese given that sentence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..context import ReviewContext
from ..evidence import source, target, unit


@dataclass(frozen=True)
class Welcome:
    bead: int  # the neighbouring bead taking part in the better pair
    en: tuple[int, ...]  # the English that may carry the Chinese
    gain: float  # how much better the pair matches, in calibration units

    def where(self) -> str:
        """The English sentences as a reviewer reads them ("en 95" or "en 95–98")."""
        lo, hi = min(self.en), max(self.en)
        return f"en {lo}" if lo == hi else f"en {lo}–{hi}"


def gains(ctx: ReviewContext, pairs: Sequence[tuple[Sequence[int], Sequence[int], Sequence[int], Sequence[int]]]
          ) -> np.ndarray:
    """For each (Chinese, English, Chinese', English') sentence lists: the cosine of the joined Chinese' with
    the joined English' less that of the Chinese with the English, in calibration units."""
    if not pairs:
        return np.zeros(0)
    a, emb = ctx.alignment, ctx.embedder
    zh = [(source(a, z), source(a, z2)) for z, _, z2, _ in pairs]
    en = [(target(a, e), target(a, e2)) for _, e, _, e2 in pairs]
    emb.want("src", [t for both in zh for t in both])
    emb.want("tgt", [t for both in en for t in both])
    emb.run()
    src, tgt = emb.matrix("src"), emb.matrix("tgt")

    def cos(n: int) -> np.ndarray:
        return np.einsum("ij,ij->i", unit(src[emb.rows("src", [p[n] for p in zh])]),
                         unit(tgt[emb.rows("tgt", [p[n] for p in en])]))

    return (cos(1) - cos(0)).astype(np.float64) / ctx.scale


def chinese_welcomes(ctx: ReviewContext, sentences: Sequence[tuple[int, int]]) -> list[Welcome | None]:
    """For each (Chinese sentence, its bead) the neighbouring aligned bead that welcomes the sentence most,
    or None when no neighbour can take it."""
    a = ctx.alignment
    jobs = []  # (item, neighbour)
    for n, (i, bead) in enumerate(sentences):
        own = a.beads[bead].zh
        for m, edge in zip(ctx.around(bead), (min(own), max(own))):
            if m is not None and (not a.beads[bead].en or i == edge):
                jobs.append((n, m))
    welcome = gains(ctx, [(a.beads[m].zh, a.beads[m].en, sorted(a.beads[m].zh + (sentences[n][0],)), a.beads[m].en)
                          for n, m in jobs])
    return _best(len(sentences), [(n, m, a.beads[m].en) for n, m in jobs], welcome)


def english_welcomes(ctx: ReviewContext, beads: Sequence[int]) -> list[Welcome | None]:
    """For each aligned bead, the neighbouring aligned bead whose nearest English sentence, added to the
    bead's English, raises the bead's match most (that sentence as the English which may carry its
    Chinese), or None when it has no aligned neighbour."""
    a = ctx.alignment
    jobs = []  # (item, neighbour, its English sentence nearest the bead)
    for n, k in enumerate(beads):
        for m, side in zip(ctx.around(k), (-1, 0)):
            if m is not None:
                jobs.append((n, m, a.beads[m].en[side]))
    welcome = gains(ctx, [(a.beads[beads[n]].zh, a.beads[beads[n]].en, a.beads[beads[n]].zh,
                           sorted(a.beads[beads[n]].en + (j,))) for n, _, j in jobs])
    return _best(len(beads), [(n, m, (j,)) for n, m, j in jobs], welcome)


def _best(size: int, jobs: list[tuple[int, int, tuple[int, ...]]], welcome: np.ndarray
          ) -> list[Welcome | None]:
    out: list[Welcome | None] = [None] * size
    for (n, m, en), gain in zip(jobs, welcome):
        if out[n] is None or gain > out[n].gain:
            out[n] = Welcome(m, tuple(en), float(gain))
    return out
