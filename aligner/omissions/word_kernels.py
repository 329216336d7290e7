"""The word model's compiled loops (:mod:`.wordmodel`): its table as a hash table of cells, and the pairs'
scores read from it. numba functions over the caller's arrays (they allocate nothing), so that they are also
built into a library loaded without numba (:mod:`aligner.native`, ``wordmodel.WORDS``)."""

from __future__ import annotations

import numpy as np
from numba import njit

_SPREAD = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: consecutive cell codes land far apart


@njit(cache=True, nogil=True)
def cell_table(indptr, indices, data, width, codes, values):  # pragma: no cover (compiled)
    """The sparse table (CSR) as an open-addressing hash table of cell codes (row * width + column) and
    values, into ``codes`` (all -1, a power of two at least twice the cells long) and ``values``: one probe
    or two per lookup, where a binary search in a row of the CSR matrix costs a dozen (the review looks up
    ~100 million cells at 30,000 sentences)."""
    mask = len(codes) - 1
    for r in range(len(indptr) - 1):
        for at in range(indptr[r], indptr[r + 1]):
            code = r * width + indices[at]
            h = (np.uint64(code) * _SPREAD) >> np.uint64(32)
            slot = np.int64(h) & mask
            while codes[slot] != -1:
                slot = (slot + 1) & mask
            codes[slot] = code
            values[slot] = data[at]


@njit(cache=True, nogil=True)
def explain(codes, values, width, rows, zh_starts, zh_len, zh_at, cols, counts, en_starts, en_size, en_at,
            log_floor, floor, out):  # pragma: no cover (compiled)
    """:meth:`.wordmodel.WordModel.explain_pairs` of pair p = (Chinese side ``zh_at[p]``, English side
    ``en_at[p]``) into ``out[p]`` (left as it is for an empty Chinese side): a side's known word rows
    (``rows``) and its English keys with counts (``cols``, ``counts``) flat, from its ``*_starts``; t(w|e)
    from the hash table of :func:`cell_table`. Sums run in the order the words come, as
    :func:`numpy.bincount` would sum them."""
    mask = len(codes) - 1
    for p in range(len(zh_at)):
        z, e = zh_at[p], en_at[p]
        if zh_len[z] == 0:
            continue
        size = en_size[e]
        logs = 0.0
        for k in range(zh_starts[z], zh_starts[z + 1]):
            mass = 0.0
            matched = 0.0
            for x in range(en_starts[e], en_starts[e + 1]):
                code = rows[k] * width + cols[x]
                slot = np.int64((np.uint64(code) * _SPREAD) >> np.uint64(32)) & mask
                while codes[slot] != -1 and codes[slot] != code:
                    slot = (slot + 1) & mask
                if codes[slot] == code and values[slot] > 0:
                    mass += values[slot] * counts[x]
                    matched += counts[x]
            logs += np.log((mass + floor * (size - matched)) / size)
        out[p] = ((zh_len[z] - (zh_starts[z + 1] - zh_starts[z])) * log_floor + logs) / zh_len[z]
