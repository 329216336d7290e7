"""The banded DP engine: the best monotone bead path through a band of the lattice.

The lattice point (i, j) means "the first i source and first j target sentences are aligned". A band
gives, for each row i, the columns lo[i]..hi[i] the search may visit. The band's cells are stored in flat
arrays allocated once (row r at ``off[r]:off[r + 1]``), and bead scores are asked for a block of rows at a
time, so the scorer works on whole arrays rather than one row.
"""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

import numpy as np

from ..encoders.base import free_cores
from ..progress import phase_bar
from .compiled import kernels
from . import rows  # with the package: imported by the first search, it was compiled inside it (no bytecode kept)

# scores(i0, i1, lo, hi): array (types with a >= 1, i1 - i0, width) of the scores of beads ending at
# (i, lo[i] + c) for rows i0 <= i < i1; cells beyond hi[i] are ignored.
BlockScorer = Callable[[int, int, np.ndarray, np.ndarray], np.ndarray]
BLOCK_CELLS = 1 << 15  # lattice cells scored at once: bounds the scorer's working memory and waste
ARRAY_BLOCK_CELLS = 1 << 13  # the same for the numpy scorer (see block_cells)


@dataclass(frozen=True)
class PathBead:
    src: range
    tgt: range
    score: float


def block_cells(compiled: bool) -> int:
    """The rectangle a block of rows may span: the compiled scorer's; smaller for the numpy one, whose
    products over a block's rectangle (six times the band's cells at 32,768) cost more than its calls."""
    return BLOCK_CELLS if compiled else ARRAY_BLOCK_CELLS


def row_blocks(lo: np.ndarray, hi: np.ndarray, first: int, last: int, cells: int = BLOCK_CELLS):
    """Consecutive row ranges [i0, i1) covering first..last whose rectangle (rows times the columns any of
    them spans) stays near ``cells``: the scorer's products cover that rectangle, so on a narrow diagonal
    band a block must not be too tall either."""
    lo, hi = lo[first:last + 1].tolist(), hi[first:last + 1].tolist()  # plain ints, indexed from first
    i, last = 0, last - first
    while i <= last:
        j, left, right = i + 1, lo[i], hi[i]
        while j <= last and (j - i + 1) * (max(right, hi[j]) - min(left, lo[j]) + 1) <= cells:
            left, right = min(left, lo[j]), max(right, hi[j])
            j += 1
        yield first + i, first + j
        i = j


def scoring_threads(compiled: bool) -> int:
    """Threads to score a long search's blocks in (:func:`scored_blocks`): the cores other processes leave
    free. A short search (numpy, ``compiled`` false) keeps one: its blocks are mostly Python."""
    return free_cores() if compiled else 1


def scored_blocks(scores: BlockScorer, blocks: Iterable[tuple[int, int]], lo: np.ndarray, hi: np.ndarray,
                  threads: int = 1) -> Iterator[tuple[int, int, np.ndarray]]:
    """(i0, i1, scores of rows i0..i1 - 1) for each block, in order; with ``threads`` > 1, the next blocks
    are scored meanwhile in that many threads (a block's products and compiled kernels release the GIL,
    and the scores of a cell do not depend on the other blocks: the same values). ``scores`` must then be
    callable from several threads at once, and ``lo``, ``hi`` must not change until the last block."""
    if threads <= 1:
        yield from ((b0, b1, scores(b0, b1, lo, hi)) for b0, b1 in blocks)
        return
    blocks = iter(blocks)
    with ThreadPoolExecutor(threads, thread_name_prefix="aligner-scores") as pool:
        ahead = deque((b0, b1, pool.submit(scores, b0, b1, lo, hi)) for b0, b1 in _take(blocks, 2 * threads))
        while ahead:
            b0, b1, block = ahead.popleft()
            ahead.extend((c0, c1, pool.submit(scores, c0, c1, lo, hi)) for c0, c1 in _take(blocks, 1))
            yield b0, b1, block.result()


def _take(items: Iterator, count: int) -> list:
    return [item for _, item in zip(range(count), items)]


def banded_dp(n: int, m: int, lo: np.ndarray, hi: np.ndarray, types: tuple, scores: BlockScorer,
              null_score: float = 0.0, start: tuple[int, int] = (0, 0),
              null_extend: float | None = None, progress: bool = False, compiled: bool = False,
              threads: int = 1) -> list[PathBead]:
    """Best monotone bead path from ``start`` to (n, m) inside the band (rows indexed absolutely).

    ``scores`` gives the scores of the beads with a >= 1 in the order of ``types`` (see BlockScorer);
    0-1 beads (target sentences left unaligned) score ``null_score``. With ``null_extend``, a 1-0 or 0-1
    bead that continues a run of such beads on the same side scores ``null_extend`` instead (affine gaps:
    a block left out costs less per sentence than scattered ones); a 1-0 bead's first score is what
    ``scores`` gives it. ``progress``: a bar of the rows (see :func:`progress.phase_bar`). ``compiled``:
    the inner loops from :mod:`.kernel` (compiled, :mod:`.compiled`) rather than :mod:`.rows` (numpy): the same
    results, worth the kernels' load time from a thousand sentences. ``threads``: the blocks scored ahead in that
    many threads (:func:`scored_blocks`).
    """
    if compiled:
        loaded = kernels()  # loaded on first use
        relax_nulls, relax_rows = loaded.relax_nulls, loaded.relax_rows
    else:
        relax_nulls, relax_rows = rows.relax_nulls, rows.relax_rows

    steps = [t for t in types if t[0] >= 1]
    null_t = len(steps)  # backpointer code of a 0-1 step
    gap_t = null_t + 1   # backpointer code of a 1-0 step that continues a run of them
    t10 = steps.index((1, 0)) if null_extend is not None and (1, 0) in steps else -1
    extend = null_score if null_extend is None else null_extend
    i0, j0 = start
    lo_r = np.ascontiguousarray(lo[i0:n + 1], dtype=np.int64)  # row r is row i0 + r of the lattice
    widths = np.ascontiguousarray(hi[i0:n + 1], dtype=np.int64) - lo_r + 1
    off = np.concatenate([[0], np.cumsum(widths)])
    D = np.full(int(off[-1]), -np.inf)       # best score of each band cell
    BP = np.full(int(off[-1]), null_t, dtype=np.int8)
    chain = np.full(int(off[-1]), -1, dtype=np.int32)  # where the run of 0-1 beads ending at a cell starts (a column)
    cells = int(off[-1]) if t10 >= 0 else 1
    G = np.full(cells, -np.inf)               # best score of each cell reached by a 1-0 bead
    G_open = np.ones(cells, dtype=bool)       # whether that 1-0 bead starts its run
    step_a = np.array([a for a, _ in steps], dtype=np.int64)
    step_b = np.array([b for _, b in steps], dtype=np.int64)
    has_01 = (0, 1) in types
    D[j0 - lo_r[0]] = 0.0
    if has_01:
        relax_nulls(D, BP, chain, off, lo_r, widths, 0, float(null_score), float(extend), null_t)
    bar = phase_bar("search", n - i0, "row", progress)
    for b0, b1, block in scored_blocks(scores, row_blocks(lo, hi, i0 + 1, n, block_cells(compiled)), lo, hi, threads):
        bar.update(b1 - b0)
        block = np.ascontiguousarray(block, dtype=np.float64)
        relax_rows(D, BP, chain, G, G_open, off, lo_r, widths, block, b0 - i0, b1 - i0, step_a, step_b, t10,
                   float(null_score), float(extend), has_01, null_t, gap_t)
    bar.close()

    if hi[n] != m or not np.isfinite(D[off[n - i0] + m - lo[n]]):
        raise RuntimeError("the search band does not reach the end of both documents")
    # row r's cell of column j: first_cell[r] + j (plain ints: a numpy scalar's arithmetic per step of the walk
    # back cost more than the lazy windows' small searches)
    first_cell = (off[:-1] - lo_r).tolist()
    return _walk_back((D, BP, chain, G, G_open), first_cell, i0, start, (n, m), steps,
                      (null_score, extend, null_extend), (null_t, gap_t))


def _walk_back(cells: tuple, first_cell: list[int], base: int, start: tuple[int, int], end: tuple[int, int],
               steps: list, scores: tuple, codes: tuple[int, int]) -> list[PathBead]:
    """The path the backpointers give from ``end`` back to ``start`` (lattice points), the cells of row i
    at ``first_cell[i - base]``; ``cells``: D, BP, chain, G, G_open; ``scores``: the 0-1 bead's, a run's
    next one's and a 1-0 run's next one's; ``codes``: the backpointers of a 0-1 step and of a 1-0 step
    continuing a run."""
    D, BP, chain, G, G_open = cells
    null_score, extend, null_extend = scores
    null_t, gap_t = codes

    def at(arr: np.ndarray, i: int, j: int):
        return arr[first_cell[i - base] + j]

    i0, j0 = start
    path = []
    i, j, in_gap = *end, False
    while i > i0 or j > j0:
        if in_gap:  # inside a run of 1-0 beads
            opens = at(G_open, i, j)
            before = at(D, i - 1, j) if opens else at(G, i - 1, j)
            path.append(PathBead(range(i - 1, i), range(j, j), float(at(G, i, j) - before)))
            i, in_gap = i - 1, not opens
            continue
        t = at(BP, i, j)
        if t == null_t:
            k = int(at(chain, i, j))
            for jj in range(j - 1, k - 1, -1):
                path.append(PathBead(range(i, i), range(jj, jj + 1), float(null_score if jj == k else extend)))
            j = k
            continue
        if t == gap_t:
            path.append(PathBead(range(i - 1, i), range(j, j), float(null_extend)))
            i, in_gap = i - 1, True
            continue
        a, b = steps[t]
        score = at(D, i, j) - at(D, i - a, j - b)
        path.append(PathBead(range(i - a, i), range(j - b, j), float(score)))
        i, j = i - a, j - b
    path.reverse()
    return path


# A window of window_paths: (i0, j0, i1, j1, first_lo, first_hi): the search from lattice point (i0, j0) to
# (i1, j1), row i0 of it spanning columns first_lo..first_hi
Window = tuple[int, int, int, int, int, int]


def window_paths(windows: list[Window], lo: np.ndarray, hi: np.ndarray, types: tuple, scores: BlockScorer,
                 null_score: float = 0.0, null_extend: float | None = None,
                 compiled: bool = False) -> list[list[PathBead]]:
    """For each window (i0, j0, i1, j1, first_lo, first_hi), in order: what :func:`banded_dp` gives for
    ``(i1, j1, lo, hi, types, scores, null_score, start=(i0, j0), null_extend, compiled)`` with row i0's
    columns ``first_lo..first_hi`` (a window's first row may be another's last), the windows not overlapping
    otherwise. Many small windows (the lazy rounds') are searched in one call of the kernels
    (relax_windows: their rows laid one after another, each window's first row its own), as many at a time as
    fill about :func:`block_cells` cells, which each small search's own arrays and calls cost more than; a
    window larger than that alone, as :func:`banded_dp` does. ``scores`` is asked for rows i0 + 1..i1 of each
    window, in order (``lo``, ``hi`` as given, restored after each large window)."""
    loaded = kernels() if compiled else rows
    steps = [t for t in types if t[0] >= 1]
    codes = (len(steps), len(steps) + 1)  # the backpointers of a 0-1 step and of a 1-0 step continuing a run
    t10 = steps.index((1, 0)) if null_extend is not None and (1, 0) in steps else -1
    extend = null_score if null_extend is None else null_extend
    fixed = (np.array([a for a, _ in steps], dtype=np.int64), np.array([b for _, b in steps], dtype=np.int64), t10,
             float(null_score), float(extend), (0, 1) in types, *codes)
    budget = block_cells(compiled)
    out: list[list[PathBead]] = []
    group: list[Window] = []
    size = [0, 0]  # the group's rows and widest row: its block's rectangle

    def flush() -> None:
        if group:
            out.extend(_searched_together(group, lo, hi, scores, loaded, steps, fixed,
                                          (null_score, extend, null_extend), codes))
            group.clear()
        size[:] = [0, 0]

    for window in windows:
        i0, j0, i1, j1, first_lo, first_hi = window
        width = max(int((hi[i0 + 1:i1 + 1] - lo[i0 + 1:i1 + 1]).max(initial=0)), first_hi - first_lo) + 1
        if (i1 - i0 + 1) * width > budget:
            flush()
            kept = lo[i0], hi[i0]
            lo[i0], hi[i0] = first_lo, first_hi
            try:
                out.append(banded_dp(i1, j1, lo, hi, types, scores, null_score, start=(i0, j0),
                                     null_extend=null_extend, compiled=compiled))
            finally:
                lo[i0], hi[i0] = kept
            continue
        if (size[0] + i1 - i0 + 1) * max(size[1], width) > budget:
            flush()
        group.append(window)
        size[:] = [size[0] + i1 - i0 + 1, max(size[1], width)]
    flush()
    return out


def _searched_together(windows: list[Window], lo: np.ndarray, hi: np.ndarray, scores: BlockScorer, loaded,
                       steps: list, fixed: tuple, walk_scores: tuple, codes: tuple[int, int]) -> list[list[PathBead]]:
    """:func:`window_paths` of a group of small windows, in one call of ``loaded.relax_windows``."""
    sizes = np.array([i1 - i0 + 1 for i0, _, i1, _, _, _ in windows], dtype=np.int64)
    lasts = np.cumsum(sizes) - 1
    firsts = lasts - sizes + 1
    row_lo = np.concatenate([np.r_[first_lo, lo[i0 + 1:i1 + 1]] for i0, _, i1, _, first_lo, _ in windows])
    row_hi = np.concatenate([np.r_[first_hi, hi[i0 + 1:i1 + 1]] for i0, _, i1, _, _, first_hi in windows])
    widths = row_hi - row_lo + 1
    off = np.concatenate([[0], np.cumsum(widths)])
    block = np.full((len(steps), int(lasts[-1]) + 1, int(widths.max())), -np.inf)
    for (i0, _, i1, _, _, _), first in zip(windows, firsts.tolist()):
        if i1 > i0:
            part = scores(i0 + 1, i1 + 1, lo, hi)
            block[:, first + 1:first + 1 + i1 - i0, :part.shape[2]] = part
    D = np.full(int(off[-1]), -np.inf)
    BP = np.full(int(off[-1]), codes[0], dtype=np.int8)
    chain = np.full(int(off[-1]), -1, dtype=np.int32)
    gaps = int(off[-1]) if fixed[2] >= 0 else 1
    G, G_open = np.full(gaps, -np.inf), np.ones(gaps, dtype=bool)
    loaded.relax_windows(D, BP, chain, G, G_open, off, row_lo, widths, block, firsts, lasts,
                         np.array([j0 for _, j0, _, _, _, _ in windows], dtype=np.int64), *fixed)
    first_cell = (off[:-1] - row_lo).tolist()
    out = []
    for (i0, j0, i1, j1, _, _), first, last in zip(windows, firsts.tolist(), lasts.tolist()):
        if row_hi[last] != j1 or not np.isfinite(D[off[last] + j1 - row_lo[last]]):
            raise RuntimeError("the search band does not reach the end of both documents")
        out.append(_walk_back((D, BP, chain, G, G_open), first_cell, i0 - first, (i0, j0), (i1, j1), steps,
                              walk_scores, codes))
    return out


def full_band(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)


def band_around(path: list[PathBead], n: int, m: int, width: int, scale: tuple[float, float] = (1, 1)) -> tuple[np.ndarray, np.ndarray]:
    """Columns within ``width`` of a (possibly coarser, ``scale``d) path, for each row of the finer lattice."""
    si, sj = scale
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for bead in path:
        r0, r1 = int(bead.src.start * si), min(n, int(np.ceil(bead.src.stop * si)))
        c0, c1 = int(bead.tgt.start * sj), min(m, int(np.ceil(bead.tgt.stop * sj)))
        rows = slice(max(0, r0 - width), min(n, r1 + width) + 1)
        lo[rows] = np.minimum(lo[rows], max(0, c0 - width))
        hi[rows] = np.maximum(hi[rows], min(m, c1 + width))
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # keep the band monotone and connected
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    lo = np.minimum(lo, hi)
    return lo, hi
