"""The compiled dictionary table counts only the sentence pairs a block's cells use (search.kernel.band_columns):
the scores stay those of the numpy version on the bands the lazy rounds give their windows (a
window's rows clipped to its rectangle, the rows between windows one cell each: not monotone)."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.search import BandScorer, SearchParams
from aligner.search.dp import row_blocks

pytestmark = pytest.mark.usefixtures("compiled_kernels")  # each compiled implementation (conftest)


@settings(max_examples=80, deadline=None)
@given(st.integers(2, 30), st.integers(2, 30), st.integers(0, 10_000), st.sampled_from([(3, 0), (4, 6)]))
def test_scores_on_an_irregular_band_match_the_numpy_version(same_scores, n, m, seed, shape):
    rng = np.random.default_rng(seed)
    S = rng.normal(size=(n, 8)).astype(np.float32)
    T = rng.normal(size=(m, 8)).astype(np.float32)
    S /= np.linalg.norm(S, axis=1, keepdims=True)
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    counts = (rng.integers(0, 3, (n, 16)).astype(np.uint8), rng.integers(0, 3, (m, 16)).astype(np.uint8))
    p = SearchParams(max_bead=shape[0], max_split=shape[1], lexical_weight=0.5)
    lo = rng.integers(0, m + 1, n + 1)
    hi = np.minimum(lo + rng.integers(0, 4, n + 1) * rng.integers(0, 2, n + 1) * 3, m)  # many one-cell rows
    ls, lt = rng.integers(1, 40, n).astype(float), rng.integers(1, 40, m).astype(float)
    numpy_scorer, compiled = (BandScorer(S, T, ls, lt, p.bead_types(), p, {}, {}, counts, compiled=c)
                              for c in (False, True))
    with mock.patch.object(BandScorer, "linear", return_value=False):  # both from the run vectors' products
        for i0, i1 in row_blocks(lo, hi, 1, n, cells=int(rng.integers(4, 200))):
            same_scores(numpy_scorer(i0, i1, lo, hi), compiled(i0, i1, lo, hi))


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 12), st.integers(0, 12), st.integers(0, 10_000), st.sampled_from([0.0, 0.7, 0.95]))
def test_overlaps_over_the_shared_columns_are_every_columns(n, m, seed, sparsity):
    """The numpy table multiplies the count rows over the columns both sides use only: the same pairwise
    overlaps as over all of them, to the bit."""
    from aligner.counts import CountRows
    from aligner.search.scorer import _shared_columns

    rng = np.random.default_rng(seed)
    src, tgt = (rng.integers(0, 4, (k, 64)).astype(np.uint8) * (rng.random((k, 64)) > sparsity) for k in (n, m))
    rows = CountRows.from_dense(src), CountRows.from_dense(tgt)
    for start, stop in ((0, n), (n // 3, n)):  # a slice of rows, as a block takes
        part = rows[0].rows(start, stop)
        shared = _shared_columns(part, rows[1])
        whole = part.dense(np.float32) @ rows[1].dense(np.float32).T
        assert (shared[0] @ shared[1].T).tobytes() == whole.tobytes()
