"""The DP's inner loops as array operations per row: the same contract as :mod:`aligner.search.kernel`
(same arguments, same results, ties alike; tests/test_search_kernel.py holds them equal).

Why two: the compiled kernel costs about a second per process to load (numba and LLVM), which is more than
this version spends on a document of a few thousand sentences; on long documents and the many small windows
of the lazy rounds this version's array calls per row cost tens of seconds, the kernel almost nothing.
:func:`aligner.search.dp.banded_dp` takes one or the other. Where each step comes from is worked out for a
whole block of rows at once (flat indexes into ``D`` and the block's scores, -inf where a step has no
cell), so that a row costs a gather, an argmax and the 0-1 runs: a few array calls, not one per step type.
"""

from __future__ import annotations

import numpy as np


def relax_nulls(D, BP, chain, off, lo, width, r, null_score, extend, null_t) -> None:
    """Runs of 0-1 steps along row r (see :func:`aligner.search.kernel.relax_nulls`)."""
    w = int(width[r])
    if w < 2:
        return
    cells = slice(off[r], off[r + 1])
    best, columns = D[cells], np.arange(w)
    offsets = columns * extend
    lead = best - offsets
    top = np.maximum.accumulate(lead)
    first = np.maximum.accumulate(np.where(lead >= top, columns, 0))  # where each running max is set
    running = top[:-1] + offsets[1:] + null_score - extend
    from_left = running > best[1:] + 1e-12
    chain[cells][1:] = first[:-1] + int(lo[r])
    np.maximum(running, best[1:], out=best[1:])
    BP[cells][1:][from_left] = null_t


def relax_rows(D, BP, chain, G, G_open, off, lo, width, block, r0, r1, step_a, step_b, t10,
               null_score, extend, has_01, null_t, gap_t) -> None:
    """Rows r0 <= r < r1 (see :func:`aligner.search.kernel.relax_rows`)."""
    steps, W = len(step_a), block.shape[2]
    index, ok = _sources(off, lo, width, r0, r1, step_a[None, :], step_b[None, :], W)
    add = np.where(ok, np.moveaxis(block, 0, 1), -np.inf)  # (rows, steps, W): the step's score
    if t10 >= 0:  # the 1-0 run continuing the cell above: its G plus ``extend``
        gap_index, gap_ok = _sources(off, lo, width, r0, r1, np.ones((1, 1), dtype=np.int64),
                                     np.zeros((1, 1), dtype=np.int64), W)
        gap_add = np.where(gap_ok, extend, -np.inf)
    cand = np.full((gap_t + 1, W), -np.inf)  # steps, the 0-1 code (never a step here), the 1-0 run
    columns = np.arange(W)
    for r in range(r0, r1):
        w, cells = int(width[r]), slice(off[r], off[r + 1])
        here = cand[:, :w]
        np.take(D, index[r - r0, :, :w], out=here[:steps], mode="clip")
        here[:steps] += add[r - r0, :, :w]
        if t10 >= 0:
            np.take(G, gap_index[r - r0, 0, :w], out=here[gap_t], mode="clip")
            here[gap_t] += gap_add[r - r0, 0, :w]
            G_open[cells] = here[t10] >= here[gap_t]
            np.maximum(here[t10], here[gap_t], out=G[cells])
        bp = here.argmax(axis=0)
        BP[cells] = bp
        D[cells] = here[bp, columns[:w]]
        if has_01:
            relax_nulls(D, BP, chain, off, lo, width, r, null_score, extend, null_t)


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
