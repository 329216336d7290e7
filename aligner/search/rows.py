"""The DP's inner loops as array operations per row: the same contract as :mod:`aligner.search.kernel`
(same arguments, same results, ties alike; tests/test_search_kernel.py holds them equal).

Why two: where the compiled kernels' library cannot be built (:mod:`aligner.native`), numba's own dispatchers
stand in, whose load (0.6 s) costs more than they save on a document of a few thousand sentences; on long
documents and the many small windows of the lazy rounds this version's array calls per row cost tens of
seconds, the kernel almost nothing. :func:`aligner.search.dp.banded_dp` takes one or the other. Where each
step comes from is worked out for a whole block of rows at once (flat indexes into ``D`` and the block's
scores, -inf where a step has no cell), so that a row costs a gather, an argmax and the 0-1 runs: a few array
calls, not one per step type.
"""

from __future__ import annotations

import numpy as np


def relax_nulls(D, BP, chain, off, lo, width, r, null_score, extend, null_t) -> None:
    """Runs of 0-1 steps along row r (see :func:`aligner.search.kernel.relax_nulls`)."""
    w = int(width[r])
    if w >= 2:
        start = int(off[r])
        _nulls(D, BP, chain, start, w, int(lo[r]), np.arange(w), np.arange(w) * extend, null_score, extend, null_t)


def _nulls(D, BP, chain, start, w, lo, columns, offsets, null_score, extend, null_t) -> None:
    """:func:`relax_nulls` for the row of ``w`` >= 2 cells from ``D[start]`` (column ``lo``), ``columns``
    and ``offsets`` (columns times ``extend``) at least that long: made once per block by the caller."""
    if w <= NARROW:
        _nulls_narrow(D, BP, chain, start, w, lo, null_score, extend, null_t)
        return
    best = D[start:start + w]
    lead = best - offsets[:w]
    top = np.maximum.accumulate(lead)
    first = np.maximum.accumulate(np.where(lead >= top, columns[:w], 0))  # where each running max is set
    running = top[:-1] + offsets[1:w]
    running += null_score
    running -= extend
    from_left = running > best[1:] + 1e-12
    first += lo
    chain[start + 1:start + w] = first[:-1]
    np.maximum(running, best[1:], out=best[1:])
    BP[start + 1:start + w][from_left] = null_t


NARROW = 12  # rows this narrow (the lazy windows') take their 0-1 runs in a plain loop: a dozen array calls cost more


def _nulls_narrow(D, BP, chain, start, w, lo, null_score, extend, null_t) -> None:
    """:func:`_nulls` as a loop over Python floats (the kernel's loop): the same double operations in the same
    order, so the same numbers."""
    best = D[start:start + w].tolist()
    top, first, new, marks, origins = best[0], 0, [], [], []
    for c in range(1, w):
        running = top + c * extend + null_score - extend
        origins.append(first + lo)
        old = best[c]
        marks.append(running > old + 1e-12)
        new.append(running if running > old else old)
        lead = old - c * extend
        if lead >= top:
            top, first = lead, c
    D[start + 1:start + w] = new
    chain[start + 1:start + w] = origins
    BP[start + 1:start + w][np.array(marks)] = null_t


def relax_rows(D, BP, chain, G, G_open, off, lo, width, block, r0, r1, step_a, step_b, t10,
               null_score, extend, has_01, null_t, gap_t) -> None:
    """Rows r0 <= r < r1 (see :func:`aligner.search.kernel.relax_rows`)."""
    steps, W = len(step_a), block.shape[2]
    # the steps' sources, and after them the cell above (the 1-0 run continuing there: its G plus ``extend``)
    index, ok = _sources(off, lo, width, r0, r1, np.concatenate((step_a, [1]))[None, :],
                         np.concatenate((step_b, [0]))[None, :], W)
    add = np.where(ok[:, :steps], block.transpose(1, 0, 2), -np.inf)  # (rows, steps, W): the step's score
    if t10 >= 0:
        gap_index, gap_add = index[:, steps:], np.where(ok[:, steps:], extend, -np.inf)
    cand = np.full((gap_t + 1, W), -np.inf)  # steps, the 0-1 code (never a step here), the 1-0 run
    columns = np.arange(W)
    offsets = columns * extend
    # plain ints: a row's few array calls on small slices cost less than numpy scalars' arithmetic
    starts, widths, firsts = off[r0:r1].tolist(), width[r0:r1].tolist(), lo[r0:r1].tolist()
    for k, (start, w, first) in enumerate(zip(starts, widths, firsts)):
        stop = start + w
        here = cand[:, :w]
        D.take(index[k, :steps, :w], out=here[:steps], mode="clip")
        here[:steps] += add[k, :, :w]
        if t10 >= 0:
            G.take(gap_index[k, 0, :w], out=here[gap_t], mode="clip")
            here[gap_t] += gap_add[k, 0, :w]
            np.greater_equal(here[t10], here[gap_t], out=G_open[start:stop])
            np.maximum(here[t10], here[gap_t], out=G[start:stop])
        bp = here.argmax(axis=0)
        BP[start:stop] = bp
        D[start:stop] = here[bp, columns[:w]]
        if has_01 and w >= 2:
            _nulls(D, BP, chain, start, w, first, columns, offsets, null_score, extend, null_t)


def _sources(off, lo, width, r0, r1, step_a, step_b, W):
    """For rows r0..r1 - 1, each step (a, b) and column c < W: the flat index in ``D`` of the cell the step
    leaves from, (row r - a, column lo[r] + c - b), and whether that cell is in the band (its index 0
    where not). Arrays of (rows, steps, W)."""
    rows = np.arange(r0, r1)[:, None]
    prev = rows - step_a
    inside = prev >= 0
    prev = np.maximum(prev, 0)
    start = lo[rows] - step_b - lo[prev]                            # column in the previous row at c = 0
    col = start[:, :, None] + np.arange(W)
    ok = inside[:, :, None] & (col >= 0) & (col < width[prev][:, :, None])
    return np.where(ok, off[prev][:, :, None] + col, 0), ok


def relax_windows(D, BP, chain, G, G_open, off, lo, width, block, firsts, lasts, starts, step_a, step_b, t10,
                  null_score, extend, has_01, null_t, gap_t) -> None:
    """Many windows' searches (see :func:`aligner.search.kernel.relax_windows`): each window's rows given as
    arrays from its first row on, so that they read no row before it."""
    for first, last, start in zip(firsts.tolist(), lasts.tolist(), starts.tolist()):
        D[off[first] + start - lo[first]] = 0.0
        if has_01:
            relax_nulls(D, BP, chain, off, lo, width, first, null_score, extend, null_t)
        if last > first:
            relax_rows(D, BP, chain, G, G_open, off[first:], lo[first:], width[first:], block[:, first + 1:last + 1],
                       1, last - first + 1, step_a, step_b, t10, null_score, extend, has_01, null_t, gap_t)
