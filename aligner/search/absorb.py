"""A second look at the sentences the path left unaligned: target sentences (0-1 beads), and source
sentences inside a quotation (1-0 beads).

Literary translators split one Chinese sentence into several English ones, and a short sentence that
continues the translation (the second line of a reply, a comment closing a description) scores low against
the Chinese on its own: the path leaves it out where the translator merged it into its neighbour. Each such
sentence is looked at once more, merged into the bead before it (else the bead after it) with that run
embedded for real: the merge is kept when it lowers the neighbour's score by at most ``limit``, which lies
``absorb_margin`` beyond the skip score as given, before calibration. A sentence that costs its neighbour
more — a translator's own explanatory addition — stays unaligned. The calibrated skip score would shrink
the limit in the loose translations that need it and widen it where an encoder scores everything high,
letting an unrelated added sentence in (docs/algorithm.md).

A source sentence left out is an omission the review reports, and merging it costs real omissions as much
as wrong ones (docs/algorithm.md); but one that begins inside a quotation is a piece of a turn cut at ？ or ！
(她笑道：“好啊？ / 周嫂子。”), whose English is nearly always the turn's own sentence: it is looked at the
same way, merged into the bead before it only, where the turn opened. Linear: a few bead scores per null
bead, and only those runs embedded.
"""

from __future__ import annotations

import numpy as np

from .dp import PathBead
from .scorer import BandScorer


def bead_score(scorer: BandScorer, src: range, tgt: range) -> float:
    """The score of the bead ``src``:``tgt`` (both sides non-empty) under ``scorer``."""
    lo = np.full(len(scorer.S) + 1, tgt.stop, dtype=np.int64)
    return float(scorer(src.stop, src.stop + 1, lo, lo, [(len(src), len(tgt))])[0, 0, 0])


def absorbing_runs(path: list[PathBead], types: tuple, quoted: np.ndarray | None = None
                   ) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """The source and target runs :func:`absorb_nulls` may score (to be embedded for real first)."""
    runs: tuple[set, set] = (set(), set())
    for _, merges in _candidates(path, types, quoted):
        for other, merged in merges:
            for side, (old, new) in enumerate(zip((path[other].src, path[other].tgt), merged)):
                if len(new) > len(old):
                    runs[side].add((new.start, new.stop))
    return runs


def _candidates(path: list[PathBead], types: tuple, quoted: np.ndarray | None):
    """For each null bead looked at again: its index and the merges into a neighbour that make a bead of
    ``types``, the bead before first, as (neighbour's index, (merged source, merged target)). ``quoted``:
    whether the source side is inside a quotation before each sentence (:func:`.quotes.quote_states`), or
    None to leave every 1-0 bead."""
    for k, bead in enumerate(path):
        if bead.src and (bead.tgt or quoted is None or not quoted[bead.src.start]):
            continue  # a bead with both sides, or a 1-0 bead outside quotations
        merges = []
        for other in (k - 1, k + 1) if not bead.src else (k - 1,):
            near = path[other] if 0 <= other < len(path) else None
            if near is None or not (near.src and near.tgt):
                continue
            merged = _joined(near.src, bead.src), _joined(near.tgt, bead.tgt)
            if (len(merged[0]), len(merged[1])) in types:
                merges.append((other, merged))
        if merges:
            yield k, merges


def _joined(run: range, other: range) -> range:
    """The run of ``run`` and the adjacent ``other`` together (``run`` when ``other`` is empty)."""
    return range(min(run.start, other.start), max(run.stop, other.stop)) if other else run


def absorb_nulls(path: list[PathBead], scorer: BandScorer, limit: float, types: tuple,
                 quoted: np.ndarray | None = None, source_extra: float = 0.0) -> list[PathBead]:
    """``path`` with each null bead of :func:`_candidates` merged into the bead before it, else the one
    after it, where the merged bead scores at most ``limit`` below the neighbour alone (``scorer`` knows
    the runs of :func:`absorbing_runs`); a 1-0 bead at most ``limit + source_extra``, what leaving it out
    costs more (``SearchParams.skip_source_extra``). A bead takes at most one such sentence."""
    out: list[PathBead | None] = list(path)
    for k, merges in _candidates(path, types, quoted):
        for other, (src, tgt) in merges:
            near = out[other]
            if near is None or near != path[other]:  # already merged with another
                continue
            merged = bead_score(scorer, src, tgt)
            if bead_score(scorer, near.src, near.tgt) - merged <= limit + (source_extra if path[k].src else 0.0):
                out[other], out[k] = PathBead(src, tgt, merged), None
                break
    return [bead for bead in out if bead is not None]
