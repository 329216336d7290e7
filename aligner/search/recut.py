"""A second look at adjacent beads whose common sentence boundary the translator moved.

Literary translators re-cut sentences: the first clause of a Chinese sentence ends the English sentence
before it (他们累了。/ 走进村子，天黑了。 → "They were tired when they reached the village. / It was
dark."), or an English sentence's last clause opens the next Chinese one. The gold then holds one 2-2 (2-3,
3-2) bead where the path, which sums its beads' scores, holds two smaller ones: the split scores more, as
each half is mostly right. A sentence's embedding hardly moves with the clause that crossed; the clause's
own embedding shows where it belongs. So each pair of adjacent beads is looked at once more: it is merged
when an edge clause at their common boundary (the first clause of the second bead's first sentence, the
last clause of the first bead's last sentence, on either side) matches the other bead's translation better
than its own by ``recut_merge`` (cosine) and the merged bead, embedded for real, scores at most
``recut_loss`` below the two beads' sum. Then, the same way (by ``recut_margin``), a sentence at a boundary
moves into the neighbouring bead (a 1-2 + 1-1 pair becomes 1-1 + 1-2) when it matches the other side's edge
clause of that bead better than both the edge clause and the whole edge sentence of its own bead (a sentence
of one clause is its own edge): the English sentence that ends a bead is the translation of the last clause
of its Chinese, not of the next bead's first, unless the Chinese says it in the middle.

Linear: the changed beads are first scored with approximated runs, in blocks along the path; only the
changes that lose at most ``recut_prefilter`` so (an approximated 2-2 run scores up to about 0.15 below its
embedding) have their edge clauses embedded, and only those that pass have their new runs embedded.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np

from ..model import unspaced
from .absorb import bead_score
from .dp import PathBead, block_cells, row_blocks
from .lazy import SpanSource, _embed_runs, _path_columns, both_sides
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
_ROWS_AT_ONCE = 4096  # moves whose cosines are computed in one array operation


def edge_clauses(text: str, lang: str) -> tuple[str, str] | None:
    """The first and the last clause of a sentence, or None when it has only one."""
    pieces = [p for p in (p.strip(_STRIP) for p in _BREAK.split(text)) if p]
    if len(pieces) < 2:
        return None
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


def bead_scores(scorer: BandScorer, path: list[PathBead], beads: list[tuple[range, range]]) -> np.ndarray:
    """The score of each bead (source and target ranges, neither empty) under ``scorer`` (runs it does not
    know approximated), scored in blocks of rows along the path: each bead ends on the path or one sentence
    beside it, so a row needs a cell or two per type."""
    if not beads:
        return np.zeros(0)
    lo = _path_columns(path, len(scorer.S))
    hi = lo.copy()
    ends = np.array([s.stop for s, _ in beads])
    columns = np.array([t.stop for _, t in beads])
    np.minimum.at(lo, ends, columns)
    np.maximum.at(hi, ends, columns)
    # each bead's type as its row among the types scored, from arrays (a long document's moves are a few
    # hundred thousand beads: a tuple each was megabytes)
    a = np.fromiter((len(s) for s, _ in beads), dtype=np.int64, count=len(beads))
    b = np.fromiter((len(t) for _, t in beads), dtype=np.int64, count=len(beads))
    width = int(b.max()) + 1
    code = a * width + b
    present = np.zeros(int(code.max()) + 1, dtype=bool)  # np.unique would import numpy.ma (10-17 ms)
    present[code] = True
    types = [(int(c) // width, int(c) % width) for c in np.flatnonzero(present)]
    kinds = (np.cumsum(present) - 1)[code]
    out = np.empty(len(beads))
    for i0, i1 in row_blocks(lo, hi, int(ends.min()), int(ends.max()), block_cells(scorer.compiled)):
        inside = np.flatnonzero((ends >= i0) & (ends < i1))
        if len(inside):
            block = scorer(i0, i1, lo, hi, types, pieces=True)
            out[inside] = block[kinds[inside], ends[inside] - i0, columns[inside] - lo[ends[inside]]]
    return out


Clauses = dict[tuple[int, str], np.ndarray]  # (side, clause) -> its embedding, asked once per recut


def clause_vectors(asked: list[tuple[int, str]], src: SpanSource, tgt: SpanSource, known: Clauses) -> Clauses:
    """``known`` with the clauses of ``asked`` (side, text) it lacks embedded, both sides in one call."""
    missing = [list(dict.fromkeys(text for s, text in asked if s == side and (side, text) not in known))
               for side in (0, 1)]
    for side, texts, vectors in zip((0, 1), missing, both_sides(src, tgt, "pieces", missing)):
        if texts:
            known.update(((side, text), vector) for text, vector in zip(texts, vectors))
    return known


def _edges(source: SpanSource, k: int) -> tuple[str, str] | None:
    return edge_clauses(source.texts[k], source.lang)


def clause_gains(path: list[PathBead], ks: list[int], src: SpanSource, tgt: SpanSource,
                 known: Clauses) -> np.ndarray:
    """For each pair, how much better an edge clause at the pair's common boundary matches the other bead's
    translation than its own bead's (cosines with the sums of those sentences' vectors): the largest over
    the up to four clauses, -inf where no sentence there has two clauses."""
    asks = []  # (pair, side, clause, the bead it is in, the other bead)
    for j, k in enumerate(ks):
        one, two = path[k], path[k + 1]
        for side, source in enumerate((src, tgt)):
            opening, closing = _edges(source, _side(two, side).start), _edges(source, _side(one, side).stop - 1)
            if opening:
                asks.append((j, side, opening[0], two, one))
            if closing:
                asks.append((j, side, closing[1], one, two))
    clause_vectors([(side, text) for _, side, text, _, _ in asks], src, tgt, known)
    vectors = (src.sentence_vectors(), tgt.sentence_vectors())
    gains = np.full(len(ks), -np.inf)
    for j, side, text, own, neighbour in asks:
        clause, other = known[(side, text)], vectors[1 - side]
        gains[j] = max(gains[j], _cosine(clause, other, _side(neighbour, 1 - side))
                       - _cosine(clause, other, _side(own, 1 - side)))
    return gains


def _side(bead: PathBead, side: int) -> range:
    return bead.tgt if side else bead.src


def _cosine(vector: np.ndarray, vectors: np.ndarray, run: range) -> float:
    """The cosine of ``vector`` with the sum of ``vectors`` over ``run``."""
    return _cos(vector, vectors[run.start:run.stop].sum(axis=0))


def _cos(one: np.ndarray, two: np.ndarray) -> float:
    return float(one @ two / max(float(np.linalg.norm(one) * np.linalg.norm(two)), 1e-12))


def _cosines(one: np.ndarray, two: np.ndarray) -> np.ndarray:
    """The cosine of each row of ``one`` with the same row of ``two``, shape (rows,)."""
    norms = np.linalg.norm(one, axis=1) * np.linalg.norm(two, axis=1)
    return np.einsum("ij,ij->i", one, two) / np.maximum(norms, 1e-12)


def shifts(path: list[PathBead], params: SearchParams) -> list[tuple[tuple[int, int, int], list[tuple[range, range]]]]:
    """(k, side, direction) of each boundary sentence that may move between the adjacent beads path[k] and
    path[k + 1]: on ``side``, the first bead's last sentence into the second (direction -1) or the second's
    first into the first (+1), where the bead losing it keeps one and both stay of the search's types; each
    with the two beads after the move (:func:`shifted`, made once)."""
    types = set(params.bead_types())
    out = []
    for k in range(len(path) - 1):
        if not (path[k].src and path[k].tgt and path[k + 1].src and path[k + 1].tgt):
            continue
        for side in (0, 1):
            for direction in (-1, 1):
                new = shifted(path, k, side, direction)
                if new and all((len(a), len(b)) in types for a, b in new):
                    out.append(((k, side, direction), new))
    return out


def shifted(path: list[PathBead], k: int, side: int, direction: int) -> list[tuple[range, range]] | None:
    """The two beads after the move :func:`shifts` describes, or None where a bead would be left empty."""
    one, two = path[k], path[k + 1]
    first, second = _side(one, side), _side(two, side)
    cut = first.stop + direction
    if not first.start < cut < second.stop:
        return None
    first, second = range(first.start, cut), range(cut, second.stop)
    return [(first, one.tgt), (second, two.tgt)] if side == 0 else [(one.src, first), (two.src, second)]


def shift_gains(path: list[PathBead], moves: list[tuple[int, int, int]], src: SpanSource, tgt: SpanSource,
                known: Clauses, margin: float) -> np.ndarray:
    """For each move, how much better the moving sentence matches the other side's edge of the bead it would
    join than that of its own bead: the last clause of the first bead's last sentence, the first clause of
    the second bead's first sentence (a sentence of one clause is its own edge, read from its vector); its
    own bead's edge is read twice, as that clause and as the whole sentence, and the better match counts (a
    clause said in the middle of the sentence keeps the moving sentence where it is). The joined edge is
    read first: where its match less the whole sentence's is at most ``margin``, so is the gain, and that
    bound is given instead, the own edge's clause not embedded (most moves stop there).
    Clauses in ``known`` are not embedded again; those embedded here are not kept."""
    sides = (src, tgt)
    gains = np.empty(len(moves))
    # in pieces, each piece's edges cut and clauses embedded and dropped after it: on long documents the
    # clause vectors, or the edge clauses cut, of every move at once were the search's largest objects
    for at in range(0, len(moves), _ROWS_AT_ONCE):
        piece = _edge_asks(path, moves, range(at, min(at + _ROWS_AT_ONCE, len(moves))), sides)
        here = clause_vectors([(side, joined) for _, side, joined, _ in piece if isinstance(joined, str)],
                              src, tgt, dict(known))
        rows = []  # (the moving sentence's vector, the edge it would join, its own bead's edge sentence)
        for j, other, joined, _ in piece:
            k, side, direction = moves[j]
            moving = sides[side].sentence_vectors()[_side(path[k], side).stop - (direction == -1)]
            whole = _side(path[k], other).stop - 1 if direction == -1 else _side(path[k + 1], other).start
            rows.append((moving, _edge_vector(here, sides, other, joined), sides[other].sentence_vectors()[whole]))
        moving, joined, whole = (np.stack(column) for column in zip(*rows))
        to_joined, to_whole = _cosines(moving, joined), _cosines(moving, whole)
        bound = to_joined - to_whole
        gains[at:at + len(rows)] = bound
        wanted = np.flatnonzero(bound > margin)
        if len(wanted):  # the own edge, where the joined one leaves the gain open
            clause_vectors([(piece[w][1], piece[w][3]) for w in wanted if isinstance(piece[w][3], str)], src, tgt,
                           here)
            own = np.stack([_edge_vector(here, sides, piece[w][1], piece[w][3]) for w in wanted])
            gains[at + wanted] = to_joined[wanted] - np.maximum(_cosines(moving[wanted], own), to_whole[wanted])
    return gains


def _edge_asks(path: list[PathBead], moves: list[tuple[int, int, int]], which: range,
               sides: tuple[SpanSource, SpanSource]) -> list[tuple[int, int, str | int, str | int]]:
    """For the moves ``which``: (move, the other side, its joined edge, its own edge), each edge a clause or,
    for a sentence of one clause, the sentence's index (:func:`shift_gains`); each sentence's edges cut once."""
    asks = []
    edges: dict[tuple[int, int], tuple[str, str] | None] = {}
    for j in which:
        k, side, direction = moves[j]
        other = 1 - side
        last, first = _side(path[k], other).stop - 1, _side(path[k + 1], other).start
        for i in (last, first):
            if (other, i) not in edges:
                edges[(other, i)] = _edges(sides[other], i)
        closing, opening = edges[(other, last)], edges[(other, first)]
        closing_edge, opening_edge = closing[1] if closing else last, opening[0] if opening else first
        asks.append((j, other, *((opening_edge, closing_edge) if direction == -1 else (closing_edge, opening_edge))))
    return asks


def _edge_vector(clauses: Clauses, sides: tuple[SpanSource, SpanSource], side: int, edge: str | int) -> np.ndarray:
    """An edge's vector: its clause's, or, for a sentence of one clause, the sentence's."""
    return clauses[(side, edge)] if isinstance(edge, str) else sides[side].sentence_vectors()[edge]


Change = tuple[int, list[tuple[range, range]]]  # beads path[k], path[k + 1] become these


def _looked_at(path: list[PathBead], changes: list[Change], gains: Callable[[list[int]], np.ndarray],
               margin: float, src: SpanSource, tgt: SpanSource, scorer_for: Callable[[], BandScorer],
               runs: tuple[dict, dict], params: SearchParams) -> list[PathBead]:
    """``path`` with the ``changes`` made whose new beads, scored with approximated runs, lose at most
    ``recut_prefilter`` against the two beads' sum, whose ``gains`` (called with the indexes of those
    changes) exceed ``margin``, and whose new beads, embedded, lose at most ``recut_loss``; in path
    order, each bead changed once."""
    if not changes:
        return path
    new = [bead for _, beads in changes for bead in beads]
    scores = iter(bead_scores(scorer_for(), path, new))
    approx = [sum(next(scores) for _ in beads) for _, beads in changes]
    kept = [j for j, (k, _) in enumerate(changes)
            if path[k].score + path[k + 1].score - approx[j] <= params.recut_prefilter]
    if not kept:
        return path
    kept = [j for j, gain in zip(kept, gains(kept)) if gain > margin]
    if not kept:
        return path
    wide = [bead for j in kept for bead in changes[j][1]]
    _embed_runs(src, tgt, ({(a.start, a.stop) for a, _ in wide if len(a) > 1},
                           {(b.start, b.stop) for _, b in wide if len(b) > 1}), *runs)
    scorer = scorer_for()
    out: list[list[PathBead]] = [[bead] for bead in path]
    changed: set[int] = set()
    for j in kept:
        k, beads = changes[j]
        if k in changed or k + 1 in changed:  # a bead changes once
            continue
        made = [PathBead(a, b, bead_score(scorer, a, b)) for a, b in beads]
        if path[k].score + path[k + 1].score - sum(bead.score for bead in made) <= params.recut_loss:
            out[k], out[k + 1] = made, []
            changed.update((k, k + 1))
    return [bead for beads in out for bead in beads]


def recut_beads(path: list[PathBead], src: SpanSource, tgt: SpanSource, scorer_for: Callable[[], BandScorer],
                runs: tuple[dict, dict], params: SearchParams) -> list[PathBead]:
    """``path`` with the adjacent beads the module docstring describes merged (where ``recut_merge``), then the
    boundary sentences it describes moved (where ``recut_margin``). ``scorer_for()`` scores under the search's
    parameters with the runs of ``runs`` (each side's embedded runs, which this extends)."""
    known: Clauses = {}
    if params.recut_merge:
        ks = candidates(path, params)
        merges = [(k, [merged(path, k)]) for k in ks]
        path = _looked_at(path, merges, lambda kept, before=path: clause_gains(before, [ks[j] for j in kept], src,
                                                                              tgt, known),
                          params.recut_merge, src, tgt, scorer_for, runs, params)
    if not params.recut_margin:
        return path
    moves, changes = [], []
    for move, beads in shifts(path, params):
        moves.append(move)
        changes.append((move[0], beads))
    return _looked_at(path, changes, lambda kept, before=path: shift_gains(before, [moves[j] for j in kept], src, tgt,
                                                                           known, params.recut_margin),
                      params.recut_margin, src, tgt, scorer_for, runs, params)
