"""The DP's inner loops as array operations per row: the same contract as :mod:`aligner.search.kernel`
(same arguments, same results, ties alike; tests/test_search_kernel.py holds them equal).

Why two: the compiled kernel costs about a second per process to load (numba and LLVM), which is more than
this version spends on a document of a few hundred sentences; on long documents and the many small windows
of the lazy rounds this version's dozen array calls per row cost tens of seconds, the kernel almost nothing.
:func:`aligner.search.dp.banded_dp` takes one or the other.
"""

from __future__ import annotations

import numpy as np


def relax_nulls(D, BP, chain, off, lo, width, r, null_score, extend, null_t) -> None:
    """Runs of 0-1 steps along row r (see :func:`aligner.search.kernel.relax_nulls`)."""
    cells = slice(off[r], off[r + 1])
    best, w = D[cells], int(width[r])
    offsets = np.arange(w) * extend
    lead = best - offsets
    top = np.maximum.accumulate(lead)
    first = np.maximum.accumulate(np.where(lead >= top, np.arange(w), 0))  # where each running max is set
    running = np.full(w, -np.inf)
    running[1:] = top[:-1] + offsets[1:] + null_score - extend
    from_left = running > best + 1e-12
    chain[cells][1:] = first[:-1] + int(lo[r])
    best[:] = np.maximum(running, best)
    BP[cells][from_left] = null_t


def relax_rows(D, BP, chain, G, G_open, off, lo, width, block, r0, r1, step_a, step_b, t10,
               null_score, extend, has_01, null_t, gap_t) -> None:
    """Rows r0 <= r < r1 (see :func:`aligner.search.kernel.relax_rows`)."""
    steps = list(zip(step_a.tolist(), step_b.tolist()))
    max_a, max_b = int(step_a.max()), int(step_b.max())
    for r in range(r0, r1):
        cells, w = slice(off[r], off[r + 1]), int(width[r])
        base = int(lo[r]) - max_b
        prev = np.full((max_a + 1, w + max_b), -np.inf)
        for a in range(1, min(max_a, r) + 1):
            prev[a] = _shifted(D[off[r - a]:off[r - a + 1]], int(lo[r - a]), base, w + max_b)
        cand = np.stack([prev[a, max_b - b: max_b - b + w] for a, b in steps]) + block[:, r - r0, :w]
        if t10 >= 0:
            cont = _shifted(G[off[r - 1]:off[r]], int(lo[r - 1]), int(lo[r]), w) + extend
            G_open[cells] = cand[t10] >= cont
            G[cells] = np.maximum(cand[t10], cont)
            cand = np.concatenate([cand, np.full((gap_t - len(steps), w), -np.inf), cont[None]])
        bp = np.argmax(cand, axis=0)
        BP[cells] = bp
        D[cells] = np.take_along_axis(cand, bp[None, :], axis=0)[0]
        if has_01:
            relax_nulls(D, BP, chain, off, lo, width, r, null_score, extend, null_t)


def _shifted(row: np.ndarray, row_lo: int, lo: int, width: int) -> np.ndarray:
    """A previous row's values laid out on this row's columns (-inf where that row has no cell)."""
    out = np.full(width, -np.inf)
    c0, c1 = max(row_lo, lo), min(row_lo + len(row), lo + width)
    if c1 > c0:
        out[c0 - lo: c1 - lo] = row[c0 - row_lo: c1 - row_lo]
    return out
