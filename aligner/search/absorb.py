"""A second look at the target sentences the path left unaligned (0-1 beads).

Literary translators split one Chinese sentence into several English ones, and a short sentence that
continues the translation (the second line of a reply, a comment closing a description) scores low against
the Chinese on its own: the path leaves it out where the translator merged it into its neighbour. Each such
sentence is looked at once more, merged into the bead before it (else the bead after it) with that run
embedded for real: the merge is kept when it lowers the neighbour's score by at most ``limit``, which lies
``absorb_margin`` beyond the skip score as given, before calibration. A sentence that costs its neighbour
more — a translator's own explanatory addition — stays unaligned. The calibrated skip score would shrink
the limit in the loose translations that need it and widen it where an encoder scores everything high,
letting an unrelated added sentence in (docs/algorithm.md). Linear: a few bead scores per 0-1 bead, and
only those runs embedded.
"""

from __future__ import annotations

import numpy as np

from .dp import PathBead
from .scorer import BandScorer


def bead_score(scorer: BandScorer, src: range, tgt: range) -> float:
    """The score of the bead ``src``:``tgt`` (both sides non-empty) under ``scorer``."""
    lo = np.full(len(scorer.S) + 1, tgt.stop, dtype=np.int64)
    return float(scorer(src.stop, src.stop + 1, lo, lo, [(len(src), len(tgt))])[0, 0, 0])


def absorbing_runs(path: list[PathBead], types: tuple) -> set[tuple[int, int]]:
    """The target runs :func:`absorb_nulls` may score (to be embedded for real first)."""
    return {run for _, merges in _candidates(path, types) for _, run in merges}


def _candidates(path: list[PathBead], types: tuple):
    """For each 0-1 bead: its index and the merges into a neighbour that make a bead of ``types``, the bead
    before first, as (neighbour's index, merged target run)."""
    for k, bead in enumerate(path):
        if bead.src:
            continue
        merges = []
        for other in (k - 1, k + 1):
            near = path[other] if 0 <= other < len(path) else None
            if near is not None and near.src and near.tgt and (len(near.src), len(near.tgt) + 1) in types:
                merges.append((other, (min(near.tgt.start, bead.tgt.start), max(near.tgt.stop, bead.tgt.stop))))
        if merges:
            yield k, merges


def absorb_nulls(path: list[PathBead], scorer: BandScorer, limit: float, types: tuple) -> list[PathBead]:
    """``path`` with each 0-1 bead merged into the bead before it, else the one after it, where the merged
    bead scores at most ``limit`` below the neighbour alone (``scorer`` knows the runs of
    :func:`absorbing_runs`). A bead takes at most one such sentence."""
    out: list[PathBead | None] = list(path)
    for k, merges in _candidates(path, types):
        for other, run in merges:
            near = out[other]
            if near is None or near.tgt != path[other].tgt:  # already merged with another
                continue
            merged = bead_score(scorer, near.src, range(*run))
            if bead_score(scorer, near.src, near.tgt) - merged <= limit:
                out[other], out[k] = PathBead(near.src, range(*run), merged), None
                break
    return [bead for bead in out if bead is not None]
