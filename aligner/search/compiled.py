"""The search's compiled kernels (:mod:`.kernel`) as the search calls them: a shared library built once per
machine and opened without numba (:mod:`aligner.native`, about 2 ms) where there is one or can be, else numba's own
dispatchers (about 0.6 s to load, numba and LLVM, most of it Python holding the GIL the encoder's threads share).
The same functions compiled by the same numba either way: the same results, which are also the numpy search's
(:mod:`.rows`; the scorer's cosines as :func:`.scorer.products_for` makes them), so which one a document gets
changes its time only."""

from __future__ import annotations

import threading

import numpy as np

from ..counts import CountRows
from ..native import Library

# The kernels and their arguments (aligner.native.Library)
SEARCH = Library("search", "aligner.search.kernel", (
    ("relax_nulls", "!f8[:] !i1[:] !i4[:] i8[:] i8[:] i8[:] i8 f8 f8 i8"),
    ("relax_rows", "!f8[:] !i1[:] !i4[:] !f8[:] !b1[:] i8[:] i8[:] i8[:] f8[:,:,:] i8 i8 i8[:] i8[:] i8 f8 f8 b1 "
                   "i8 i8"),
    ("relax_windows", "!f8[:] !i1[:] !i4[:] !f8[:] !b1[:] i8[:] i8[:] i8[:] f8[:,:,:] i8[:] i8[:] i8[:] i8[:] "
                      "i8[:] i8 f8 f8 b1 i8 i8"),
    ("cell_scores", "!f8[:,:,:] i8[:] f4[:,:,:] f4[:,:,:] f4[:,:,:] i8[:] i8[:] i8[:] i8[:] i8 i8[:] i8[:] i8 i8 i8 "
                    "i8 i8 f4 f8[:] f8[:] b1 f8 f8 f8 b1 f8[:,:] i8 i8 f8[:] f8[:] f8 b1 b1[:] b1[:] i8[:] i8[:] "
                    "i8[:] i8[:] f4 f4 f4"),
    ("band_columns", "i8 i8 i8[:] i8[:] i8[:] i8 i8 !i8[:] !i8[:]"),
    ("overlap_cells", "i8[:] i4[:] u1[:] i8[:] i4[:] u1[:] i8[:] i8[:] !f8[:] !f8[:,:]"),
))

# Where the library cannot be built, numba's dispatchers serve documents from this many sentences (both sides):
# their load costs more than the numpy search of a shorter one (docs/algorithm.md, Search).
NUMBA_SENTENCES = 8_000
_lock = threading.Lock()
_active: list = []  # the kernels once loaded: a namespace (native) or the numba module


def wanted(sentences: int) -> bool:
    """Whether a search of ``sentences`` (both sides) should use the compiled kernels: every one where this
    machine's library is built (opened in about 2 ms, they save 6–8 ms at 100 sentences) or can be (the first
    alignment on a machine builds it: about 2 s, once, while its sentences are embedded), else from
    NUMBA_SENTENCES; and every one once kernels are loaded."""
    from .. import native

    return bool(_active) or native.built(SEARCH) or native.buildable(SEARCH) or sentences >= NUMBA_SENTENCES


def kernels():
    """The kernels (relax_nulls, relax_rows, relax_windows, cell_scores, band_columns, overlap_cells), loaded on
    the first call, once per process (another thread asking meanwhile waits for them)."""
    with _lock:
        if not _active:
            from .. import native

            found = native.load(SEARCH)
            if found is None:
                from . import kernel

                kernel.warm()
                found = kernel
            _active.append(found)
        return _active[0]


def band_columns(rows: int, cols: int, ends: np.ndarray, lo: np.ndarray, hi: np.ndarray, max_a: int,
                 max_b: int) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``rows`` source sentences, the first and last target sentence the runs of a block's cells
    pair it with (:func:`.kernel.band_columns`)."""
    first, last = np.full(rows, cols, dtype=np.int64), np.zeros(rows, dtype=np.int64)
    kernels().band_columns(rows, cols, ends, lo, hi, max_a, max_b, first, last)
    return first, last


def overlap_table(src, tgt, first=None, last=None) -> np.ndarray:
    """Prefix sums over both axes of the pairwise overlaps (dot products) of the count vectors ``src``
    (rows) and ``tgt`` (columns), :class:`aligner.counts.CountRows` or dense arrays, with a zero first row and
    column: what :meth:`aligner.search.scorer.BandScorer._lexical_table` builds from dense products (whole
    counts, so the same values). ``first``/``last``: for each source sentence, the target sentences whose
    overlap with it is needed (default all); the others count as 0, which cancels out of the overlap of
    every pair of runs inside those ranges (four corners of whole numbers), so a block's sparse band costs
    its cells, not its rectangle."""
    src, tgt = CountRows.of(src), CountRows.of(tgt)
    if first is None:
        first, last = np.zeros(len(src), dtype=np.int64), np.full(len(src), len(tgt), dtype=np.int64)
    table = np.zeros((len(src) + 1, len(tgt) + 1))
    kernels().overlap_cells(src.starts, src.columns, src.counts, tgt.starts, tgt.columns, tgt.counts, first, last,
                            np.zeros(src.dim), table)
    return table
