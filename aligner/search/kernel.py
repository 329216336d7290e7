"""The DP's inner loops, compiled (numba): the best step into each band cell of a block of rows, and the
runs of 0-1 steps along a row. In Python these were a dozen array operations per row, which cost more
than the scores themselves on long documents and on the many small windows of the lazy rounds.

Arrays are those of :func:`aligner.search.dp.banded_dp`: the band's cells stored flat, row r at
``off[r]:off[r + 1]``, covering columns ``lo[r]..lo[r] + width[r] - 1``. Ties go to the earlier step type
(as ``np.argmax`` would), so paths do not depend on how the loops are written.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def relax_nulls(D, BP, chain, off, lo, width, r, null_score, extend, null_t):  # pragma: no cover (compiled)
    """Runs of 0-1 steps along row r: D[j] = max(D[j], max_k D[k] + null_score + extend * (j - k - 1)),
    ``chain`` the k each run starts from (the last k reaching the maximum of D[k] - extend * k)."""
    base = off[r]
    top = -np.inf
    first = 0
    for c in range(width[r]):
        old = D[base + c]
        if c >= 1:
            running = top + c * extend + null_score - extend
            chain[base + c] = first + lo[r]
            if running > old + 1e-12:
                BP[base + c] = null_t
            if running > old:
                D[base + c] = running
        lead = old - c * extend
        if lead >= top:
            top = lead
            first = c


@njit(cache=True, nogil=True)
def relax_rows(D, BP, chain, G, G_open, off, lo, width, block, r0, r1, step_a, step_b, t10,
               null_score, extend, has_01, null_t, gap_t):  # pragma: no cover (compiled)
    """Rows r0 <= r < r1 (``block[t, r - r0, c]``: the score of step type t ending at column lo[r] + c):
    each cell's best step (BP) and score (D); with ``t10 >= 0``, also the best 1-0 run ending there (G,
    G_open), which may continue the cell above for ``extend``; then the row's 0-1 runs."""
    for r in range(r0, r1):
        base = off[r]
        for c in range(width[r]):
            j = lo[r] + c
            best = -np.inf
            bp = 0
            ten = -np.inf
            for t in range(len(step_a)):
                p = r - step_a[t]
                if p < 0:
                    continue
                pc = j - step_b[t] - lo[p]
                if pc < 0 or pc >= width[p]:
                    continue
                value = D[off[p] + pc] + block[t, r - r0, c]
                if t == t10:
                    ten = value
                if value > best:
                    best = value
                    bp = t
            if t10 >= 0:
                cont = -np.inf
                pc = j - lo[r - 1]
                if 0 <= pc < width[r - 1]:
                    cont = G[off[r - 1] + pc] + extend
                G_open[base + c] = ten >= cont
                G[base + c] = max(ten, cont)
                if cont > best:
                    best = cont
                    bp = gap_t
            D[base + c] = best
            BP[base + c] = bp
        if has_01:
            relax_nulls(D, BP, chain, off, lo, width, r, null_score, extend, null_t)


def warm() -> None:
    """Load both kernels for the argument types banded_dp gives them (numba reads its on-disk cache, or
    compiles, on the first call of each)."""
    one = np.ones(2, dtype=np.int64)
    off, lo = np.array([0, 1, 2], dtype=np.int64), np.zeros(2, dtype=np.int64)
    cells = (np.zeros(2), np.zeros(2, dtype=np.int8), np.zeros(2, dtype=np.int64))
    relax_nulls(*cells, off, lo, one, 0, 0.0, 0.0, 1)
    relax_rows(*cells, np.zeros(2), np.ones(2, dtype=bool), off, lo, one, np.zeros((1, 1, 1)), 1, 2,
               one[:1], one[:1], -1, 0.0, 0.0, True, 1, 2)
