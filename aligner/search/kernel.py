"""The search's inner loops, compiled (numba): the best step into each band cell of a block of rows and the
runs of 0-1 steps along a row (in Python a dozen array operations per row, which cost more than the scores
themselves on long documents and on the many small windows of the lazy rounds); and the scores of a
block's cells (a gather per bead type and term over each block's rectangle cost more than the products).

The DP's arrays are those of :func:`aligner.search.dp.banded_dp`: the band's cells stored flat, row r at
``off[r]:off[r + 1]``, covering columns ``lo[r]..lo[r] + width[r] - 1``. Ties go to the earlier step type
(as ``np.argmax`` would), so paths do not depend on how the loops are written.
"""

from __future__ import annotations

import math

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
    _relax(D, BP, chain, G, G_open, off, lo, width, block, r0, r1, r0, 0, step_a, step_b, t10, null_score, extend,
           has_01, null_t, gap_t)


@njit(cache=True, nogil=True)
def relax_windows(D, BP, chain, G, G_open, off, lo, width, block, firsts, lasts, starts, step_a, step_b, t10,
                  null_score, extend, has_01, null_t, gap_t):  # pragma: no cover (compiled)
    """Searches of many windows in one call, each on rows of its own: window k's rows firsts[k]..lasts[k],
    from column starts[k] of its first row (score 0; its other cells as D holds them, -inf) through that
    row's 0-1 runs (:func:`relax_nulls`), then its other rows as :func:`relax_rows` (``block[t, r, c]``,
    rows numbered as D's), which read no row before the window's first."""
    for k in range(len(firsts)):
        first = firsts[k]
        D[off[first] + starts[k] - lo[first]] = 0.0
        if has_01:
            relax_nulls(D, BP, chain, off, lo, width, first, null_score, extend, null_t)
        _relax(D, BP, chain, G, G_open, off, lo, width, block, first + 1, lasts[k] + 1, 0, first, step_a, step_b,
               t10, null_score, extend, has_01, null_t, gap_t)


@njit(cache=True, nogil=True)
def _relax(D, BP, chain, G, G_open, off, lo, width, block, r0, r1, b0, floor, step_a, step_b, t10,
           null_score, extend, has_01, null_t, gap_t):  # pragma: no cover (compiled)
    """:func:`relax_rows` of rows r0 <= r < r1, their scores ``block[t, r - b0, c]``, no row before ``floor``."""
    for r in range(r0, r1):
        base = off[r]
        for c in range(width[r]):
            j = lo[r] + c
            best = -np.inf
            bp = 0
            ten = -np.inf
            for t in range(len(step_a)):
                p = r - step_a[t]
                if p < floor:
                    continue
                pc = j - step_b[t] - lo[p]
                if pc < 0 or pc >= width[p]:
                    continue
                value = D[off[p] + pc] + block[t, r - b0, c]
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
    """Load the kernels for the argument types banded_dp and the scorer give them (numba reads its
    on-disk cache, or compiles, on the first call of each)."""
    one = np.ones(2, dtype=np.int64)
    off, lo = np.array([0, 1, 2], dtype=np.int64), np.zeros(2, dtype=np.int64)
    cells = (np.zeros(2), np.zeros(2, dtype=np.int8), np.zeros(2, dtype=np.int32))
    relax_nulls(*cells, off, lo, one, 0, 0.0, 0.0, 1)
    relax_rows(*cells, np.zeros(2), np.ones(2, dtype=bool), off, lo, one, np.zeros((1, 1, 1)), 1, 2,
               one[:1], one[:1], -1, 0.0, 0.0, True, 1, 2)
    relax_windows(*cells, np.zeros(2), np.ones(2, dtype=bool), off, lo, one, np.zeros((1, 2, 1)), one[:1] - 1,
                  one[:1], one[:1] - 1, one[:1], one[:1], -1, 0.0, 0.0, True, 1, 2)
    block, table, f = np.zeros((1, 1, 2), dtype=np.float32), np.zeros((2, 2)), np.float32(0.0)
    flags, counts, z = np.zeros(2, dtype=bool), np.zeros(2, dtype=np.int64), one[:1] - 1
    cell_scores(np.zeros((1, 1, 2)), z, block, block, block, one[:1], one[:1], z, z, 1, lo[:1], lo[:1], 1, 1, 0, 0,
                0, f, np.zeros(2), np.zeros(2), True, 1.0, 0.0, 0.0, True, table, 0, 0, np.zeros(2), np.zeros(2), 0.0,
                True, flags, flags, counts, counts, counts, counts, f, f, f)
    columns, entries = np.zeros(1, dtype=np.int32), np.ones(1, dtype=np.uint8)
    overlap_cells(one[:1] - 1, columns, entries, one[:1] - 1, columns, entries, one[:1] - 1, one[:1], np.zeros(2), table)
    band_columns(1, 1, one[:1], one[:1], one[:1], 1, 1, one[:1].copy(), one[:1] - 1)


@njit(cache=True, nogil=True)
def cell_scores(out, kinds, products, near_t, near_s, type_a, type_b, by_a, by_b, i0, lo, hi, n, m, c0, t0, s0,
                margin_weight, src_cum, tgt_cum, mult, length_exponent, length_weight, merge_penalty, has_lex,
                table, lex_s0, lex_t0, src_lex_cum, tgt_lex_cum, lexical_weight, has_quotes, src_open, tgt_open,
                src_marked, tgt_marked, src_turns, tgt_turns, quote_weight, dialogue_weight,
                turn_weight):  # pragma: no cover (compiled)
    """The scores of a block's cells, written to ``out[kinds[t]]`` for each scored type t, as
    :meth:`aligner.search.scorer.BandScorer._scores` computes them with numpy: the same operations on the
    same float32 and float64 values in the same order, so the two agree bit for bit where numpy's log2 and
    power are the C library's (docs/algorithm.md); one pass over the band's cells instead of a dozen gathers
    of every (type, row, cell) of the block's rectangle. Cells that cannot end a bead stay as ``out`` has them
    (-inf)."""
    outside = near_t.shape[2] - 1
    last = near_s.shape[1] - 1
    one, zero = np.float32(1.0), np.float32(0.0)
    for t in range(len(type_a)):
        a, b, ka, kb = type_a[t], type_b[t], by_a[t], by_b[t]
        penalty_ab = merge_penalty * (a + b - 2)
        for r in range(len(lo)):
            i = i0 + r
            if i < a:
                continue
            before = i - a - 1
            ok_before = one if before >= 0 else zero
            ok_after = one if i < n else zero
            s_before_row = max(before - s0, 0)
            s_after_row = min(i - s0, last)
            src_len = src_cum[i] - src_cum[max(i - a, 0)]
            for e in range(max(lo[r], b), min(hi[r], m) + 1):
                left = e - b - 1
                left_t = near_t[ka, r, left - t0 if left >= 0 else outside]
                right_t = near_t[ka, r, e - t0 if e < m else outside]
                count = (one if left >= 0 else zero) + (one if e < m else zero)
                tgt_nb = (left_t + right_t) / max(count, one)
                s_before = near_s[kb, s_before_row, e - c0] * ok_before
                s_after = near_s[kb, s_after_row, e - c0] * ok_after
                src_nb = (s_before + s_after) / max(ok_before + ok_after, one)
                margin = np.float64(products[t, r, e - c0] - margin_weight * (tgt_nb + src_nb))
                if has_lex:
                    top, bottom = i - lex_s0, max(i - a - lex_s0, 0)
                    right, left_l = e - lex_t0, e - b - lex_t0
                    overlap = table[top, right] - table[bottom, right] - table[top, left_l] + table[bottom, left_l]
                    sizes = (tgt_lex_cum[e] - tgt_lex_cum[e - b]) + (src_lex_cum[i] - src_lex_cum[max(i - a, 0)])
                    margin = margin + lexical_weight * min(2 * overlap / max(sizes, 1.0), 1.0)
                tgt_len = tgt_cum[e] - tgt_cum[e - b]
                if mult:
                    ratio = min(src_len, tgt_len) / max(max(src_len, tgt_len), 1e-9)
                    if length_exponent != 1.0:  # x ** 1.0 is x: pow costs more than the rest of the cell
                        ratio = ratio ** length_exponent
                    score = margin * math.log2(1 + ratio)
                else:
                    deviation = math.log((tgt_len + 10.0) / (1.0 * src_len + 10.0))
                    score = margin - length_weight * min(deviation * deviation, 1.0)
                score = score - penalty_ab
                if has_quotes:
                    penalty = zero
                    if quote_weight != 0:
                        start = one if src_open[max(i - a, 0)] != tgt_open[max(e - b, 0)] else zero
                        end = one if src_open[i] != tgt_open[e] else zero
                        penalty += quote_weight * (np.float32(0.5) * (start + end))
                    if dialogue_weight != 0:
                        src_mark = src_marked[i] > src_marked[max(i - a, 0)]
                        tgt_mark = tgt_marked[e] > tgt_marked[max(e - b, 0)]
                        penalty += dialogue_weight * (one if src_mark != tgt_mark else zero)
                    if turn_weight != 0:
                        src_turn = src_turns[i] > src_turns[max(i - a + 1, 0)]
                        tgt_turn = tgt_turns[e] > tgt_turns[max(e - b + 1, 0)]
                        penalty += turn_weight * (one if src_turn and tgt_turn else zero)
                    score = score - np.float64(penalty)
                out[kinds[t], r, e - lo[r]] = score


@njit(cache=True, nogil=True)
def band_columns(rows, cols, ends, lo, hi, max_a, max_b, first, last):  # pragma: no cover (compiled)
    """For each of ``rows`` source sentences, the target sentences the runs of a block's cells pair it with,
    into ``first`` and ``last`` (given as ``cols`` and 0): row r's runs end at source sentence ``ends[r]`` (at
    most ``max_a`` long) and at the target sentences ``lo[r]..hi[r]`` (at most ``max_b`` long), all relative
    to the table's first sentences. The caller's arrays, so that the kernel allocates nothing (aligner.native
    calls it without numba's runtime)."""
    for r in range(len(ends)):
        c0, c1 = max(lo[r] - max_b, 0), min(hi[r], cols)
        for s in range(max(ends[r] - max_a, 0), min(ends[r], rows)):
            first[s] = min(first[s], c0)
            last[s] = max(last[s], c1)


@njit(cache=True, nogil=True)
def overlap_cells(src_starts, src_columns, src_counts, tgt_starts, tgt_columns, tgt_counts, first, last, spread,
                  table):  # pragma: no cover (compiled)
    """:func:`aligner.search.compiled.overlap_table` into ``table`` (zeros, (rows + 1, cols + 1)): each source
    sentence's counts spread over ``spread`` (zeros, one slot per column) once, then read at each target
    sentence's columns (a sentence has a few dozen of the 1,024)."""
    rows, cols = len(src_starts) - 1, len(tgt_starts) - 1
    for s in range(rows):
        if first[s] >= last[s]:
            continue
        for q in range(src_starts[s], src_starts[s + 1]):
            spread[src_columns[q]] = src_counts[q]
        for t in range(first[s], last[s]):
            pair = 0.0
            for q in range(tgt_starts[t], tgt_starts[t + 1]):
                pair += spread[tgt_columns[q]] * tgt_counts[q]
            table[s + 1, t + 1] = pair
        for q in range(src_starts[s], src_starts[s + 1]):
            spread[src_columns[q]] = 0.0
    for s in range(rows):
        for t in range(cols):
            table[s + 1, t + 1] += table[s, t + 1] + table[s + 1, t] - table[s, t]
