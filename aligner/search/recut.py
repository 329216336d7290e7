"""A second look at adjacent beads whose common sentence boundary the translator moved.

Literary translators re-cut sentences: the first clause of a Chinese sentence ends the English sentence
before it (他们累了。/ 走进村子，天黑了。 → "They were tired when they reached the village. / It was
dark."), or an English sentence's last clause opens the next Chinese one. The gold then holds one 2-2 (2-3,
3-2) bead where the path, which sums its beads' scores, holds two smaller ones: the split scores more, as
each half is mostly right. A sentence's embedding hardly moves with the clause that crossed; the clause's
own embedding shows where it belongs. So each pair of adjacent beads is looked at once more: it is merged
when an edge clause at their common boundary (the first clause of the second bead's first sentence, the
last clause of the first bead's last sentence, on either side) matches the other bead's translation better
than its own by ``recut_margin`` (cosine) and the merged bead, embedded for real, scores at most
``recut_loss`` below the two beads' sum.

Linear: the merged beads are first scored with approximated runs, in blocks along the path; only the pairs
whose merge loses at most ``recut_prefilter`` so (an approximated 2-2 run scores up to about 0.15 below its
embedding) have their edge clauses embedded, and only those that pass have their merged runs embedded.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from ..model import unspaced
from .absorb import bead_score
from .dp import PathBead, block_cells, row_blocks
from .lazy import SpanSource, _embed_runs, _path_columns
from .params import SearchParams
from .scorer import BandScorer

# Clause breaks: full- and half-width commas, semicolons and colons (not inside a number: 12,000), dashes
# and ellipses. A piece shorter than MIN_CLAUSE (meaningful characters of Chinese, words of English) says
# too little for an encoder to judge (a speech tag 他道：), and joins the next piece inward.
_BREAK = re.compile(r"[，；：、,;:](?!\d)|——|…{1,2}|\s[-–—]{1,2}\s")
_STRIP = " \t\u3000\"'“”‘’「」『』《》()（）[]【】。．.!?！？…，,;；:：、—-"
_CHARS = re.compile(r"[^\W_]")
_WORDS = re.compile(r"[A-Za-z0-9]+")
MIN_CLAUSE = {True: 5, False: 3}  # unspaced (characters), spaced (words)


def edge_clauses(text: str, lang: str) -> tuple[str, str] | None:
    """The first and the last clause of a sentence, or None when it has only one."""
    pieces = [p.strip(_STRIP) for p in _BREAK.split(text)]
    pieces = [p for p in pieces if p]
    zh = unspaced(lang)
    size = (lambda p: len(_CHARS.findall(p))) if zh else (lambda p: len(_WORDS.findall(p)))
    glue = "，" if zh else ", "

    def grown(order: list[str]) -> tuple[int, list[str]]:
        taken, total = [], 0
        for piece in order:
            taken.append(piece)
            total += size(piece)
            if total >= MIN_CLAUSE[zh]:
                break
        return len(taken), taken

    n_first, first = grown(pieces)
    n_last, last = grown(pieces[::-1])
    if n_first + n_last > len(pieces):
        return None
    return glue.join(first), glue.join(last[::-1])


def candidates(path: list[PathBead], params: SearchParams) -> list[int]:
    """Indexes k of the adjacent beads path[k], path[k + 1] that may merge: both have both sides, and the
    merged bead is within the sizes the search's beads may have on each side."""
    out = []
    for k in range(len(path) - 1):
        one, two = path[k], path[k + 1]
        if one.src and one.tgt and two.src and two.tgt and len(one.src) + len(two.src) <= params.max_bead \
                and len(one.tgt) + len(two.tgt) <= params.widest():
            out.append(k)
    return out


def merged(path: list[PathBead], k: int) -> tuple[range, range]:
    return range(path[k].src.start, path[k + 1].src.stop), range(path[k].tgt.start, path[k + 1].tgt.stop)


def merged_scores(scorer: BandScorer, path: list[PathBead], ks: list[int]) -> np.ndarray:
    """The score of each pair's merged bead under ``scorer`` (runs it does not know approximated), scored in
    blocks of rows along the path: each merged bead ends on the path, so a row needs one cell per type."""
    if not ks:
        return np.zeros(0)
    n = len(scorer.S)
    lo = _path_columns(path, n)
    ends = np.array([path[k + 1].src.stop for k in ks])
    kinds = [(len(path[k].src) + len(path[k + 1].src), len(path[k].tgt) + len(path[k + 1].tgt)) for k in ks]
    types = sorted(set(kinds))
    out = np.empty(len(ks))
    for i0, i1 in row_blocks(lo, lo, int(ends.min()), int(ends.max()), block_cells(scorer.compiled)):
        inside = np.flatnonzero((ends >= i0) & (ends < i1))
        if len(inside):
            block = scorer(i0, i1, lo, lo, types, pieces=True)
            out[inside] = block[[types.index(kinds[j]) for j in inside], ends[inside] - i0, 0]
    return out


def clause_gains(path: list[PathBead], ks: list[int], src: SpanSource, tgt: SpanSource) -> np.ndarray:
    """For each pair, how much better an edge clause at the pair's common boundary matches the other bead's
    translation than its own bead's (cosines with the sums of those sentences' vectors): the largest over
    the up to four clauses, -inf where no sentence there has two clauses."""
    asks = []  # (pair, side, clause, the bead it is in, the other bead)
    for j, k in enumerate(ks):
        one, two = path[k], path[k + 1]
        for side, source in enumerate((src, tgt)):
            opening = edge_clauses(source.texts[_side(two, side).start], source.lang)
            closing = edge_clauses(source.texts[_side(one, side).stop - 1], source.lang)
            if opening:
                asks.append((j, side, opening[0], two, one))
            if closing:
                asks.append((j, side, closing[1], one, two))
    gains = np.full(len(ks), -np.inf)
    for side, source in enumerate((src, tgt)):
        mine = [ask for ask in asks if ask[1] == side]
        if not mine:
            continue
        other = (tgt, src)[side].sentence_vectors()
        for (j, _, _, own, neighbour), clause in zip(mine, source.pieces([ask[2] for ask in mine])):
            gains[j] = max(gains[j], _cosine(clause, other, _side(neighbour, 1 - side))
                           - _cosine(clause, other, _side(own, 1 - side)))
    return gains


def _side(bead: PathBead, side: int) -> range:
    return bead.tgt if side else bead.src


def _cosine(vector: np.ndarray, vectors: np.ndarray, run: range) -> float:
    total = vectors[run.start:run.stop].sum(axis=0)
    return float(vector @ total / max(float(np.linalg.norm(vector) * np.linalg.norm(total)), 1e-12))


def recut_beads(path: list[PathBead], src: SpanSource, tgt: SpanSource, scorer_for: Callable[[], BandScorer],
                runs: tuple[dict, dict], params: SearchParams) -> list[PathBead]:
    """``path`` with the adjacent beads the module docstring describes merged, in path order (a bead merges
    once). ``scorer_for()`` scores under the search's parameters with the runs of ``runs`` (each side's
    embedded runs, which this extends)."""
    limit = params.recut_loss
    ks = candidates(path, params)
    if not ks:
        return path
    sums = np.array([path[k].score + path[k + 1].score for k in ks])
    ks = [k for k, loss in zip(ks, sums - merged_scores(scorer_for(), path, ks)) if loss <= params.recut_prefilter]
    if not ks:
        return path
    ks = [k for k, gain in zip(ks, clause_gains(path, ks, src, tgt)) if gain > params.recut_margin]
    if not ks:
        return path
    spans = [merged(path, k) for k in ks]
    _embed_runs(src, tgt, ({(s.start, s.stop) for s, _ in spans if len(s) > 1},
                           {(t.start, t.stop) for _, t in spans if len(t) > 1}), *runs)
    scorer = scorer_for()
    out: list[PathBead | None] = list(path)
    for k, (s, t) in zip(ks, spans):
        if out[k] is None or out[k + 1] is None:  # already merged with its other neighbour
            continue
        score = bead_score(scorer, s, t)
        if path[k].score + path[k + 1].score - score <= limit:
            out[k], out[k + 1] = PathBead(s, t, score), None
    return [bead for bead in out if bead is not None]
