"""The bead scores of a block, compiled (search.kernel.cell_scores, overlap_table) and as numpy operations
(BandScorer's own), are the same numbers, bit for bit where numpy's log2 and power are the C library's:
every bead type, both length modes, the dictionary and dialogue terms, runs embedded for real, narrow bands
and full ones, blocks at either end."""

from __future__ import annotations

from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.search import BandScorer, SearchParams, band_around, full_band
from aligner.search.dp import PathBead, row_blocks
from aligner.search.compiled import overlap_table
from aligner.search.quotes import Dialogue

pytestmark = pytest.mark.usefixtures("compiled_kernels")  # each compiled implementation (conftest)


def _unit(rng: np.random.Generator, k: int) -> np.ndarray:
    v = rng.normal(size=(k, 8)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@settings(max_examples=120, deadline=None)
@given(st.integers(1, 25), st.integers(1, 25), st.integers(0, 10_000), st.sampled_from(["mult", "add"]),
       st.sampled_from([1.0, 0.6]), st.booleans(), st.booleans(), st.booleans(), st.sampled_from([(3, 0), (4, 6)]),
       st.booleans())
def test_compiled_and_numpy_scores_agree(same_scores, n, m, seed, length_mode, exponent, lexical, quotes, banded,
                                         shape, linear):
    rng = np.random.default_rng(seed)
    S, T = _unit(rng, n), _unit(rng, m)
    ls, lt = rng.integers(1, 40, n).astype(float), rng.integers(1, 40, m).astype(float)
    counts = (rng.integers(0, 3, (n, 16)).astype(np.uint8), rng.integers(0, 3, (m, 16)).astype(np.uint8))
    lex = counts if lexical else None
    marks = Dialogue((rng.random(n + 1) < 0.3, rng.random(m + 1) < 0.3),
                     (np.cumsum(rng.integers(0, 2, n + 1)), np.cumsum(rng.integers(0, 2, m + 1))),
                     (np.cumsum(rng.integers(0, 2, n + 1)), np.cumsum(rng.integers(0, 2, m + 1)))) if quotes else None
    p = SearchParams(max_bead=shape[0], max_split=shape[1], length_mode=length_mode, length_exponent=exponent,
                     quote_weight=0.125, dialogue_weight=0.08, turn_weight=0.05)
    runs = {(s, s + 2): _unit(rng, 1)[0] for s in range(0, n - 1, 3)}  # some runs embedded for real
    if banded:
        lo, hi = band_around([PathBead(range(i, i + 1), range(i * m // n, (i + 1) * m // n), 0.0) for i in range(n)],
                             n, m, 2)
    else:
        lo, hi = full_band(n, m)
    scorers = [BandScorer(S, T, ls, lt, p.bead_types(), p, runs, {}, lex, marks, compiled=c) for c in (False, True)]
    # both from the run vectors' products, or both from the sentences' (linear: wide vectors; the two differ
    # by rounding: tests/test_search_runs.py)
    with mock.patch.object(BandScorer, "linear", return_value=linear):
        for i0, i1 in row_blocks(lo, hi, 1, n, cells=int(rng.integers(4, 200))):
            numpy_scores, compiled_scores = (scorer(i0, i1, lo, hi) for scorer in scorers)
            same_scores(numpy_scores, compiled_scores)


def test_overlap_table_is_the_prefix_sum_of_pairwise_dot_products():
    rng = np.random.default_rng(5)
    src, tgt = rng.integers(0, 4, (7, 32)).astype(np.uint8), rng.integers(0, 4, (9, 32)).astype(np.uint8)
    pair = src.astype(np.int64) @ tgt.astype(np.int64).T
    expected = np.zeros((8, 10))
    expected[1:, 1:] = pair.cumsum(axis=0).cumsum(axis=1)
    assert np.array_equal(overlap_table(src, tgt), expected)


@settings(max_examples=60, deadline=None)
@given(st.integers(40, 120), st.integers(0, 10_000), st.booleans(), st.integers(1, 6))
def test_window_blocks_scored_in_pieces_give_the_same_scores(n, seed, compiled, window):
    """The lazy windows' blocks (a few cells per row along the path, one cell in the rows between) are
    multiplied in pieces: every cell a search reads is scored as over the whole rectangle (float32 products
    of other shapes: the same to rounding), and cells beyond a row's band stay -inf."""
    from aligner.search.scorer import _segments

    rng = np.random.default_rng(seed)
    m = n + n // 5
    S, T = _unit(rng, n), _unit(rng, m)
    ls, lt = rng.integers(1, 40, n).astype(float), rng.integers(1, 40, m).astype(float)
    lex = (rng.integers(0, 3, (n, 16)).astype(np.uint8), rng.integers(0, 3, (m, 16)).astype(np.uint8))
    p = SearchParams(max_split=6)
    scorer = BandScorer(S, T, ls, lt, p.bead_types(), p, {}, {}, lex, compiled=compiled, products=compiled)
    lo = np.arange(n + 1) * m // n  # the path's columns
    hi = lo.copy()
    for start in range(1, n - window, 9):  # windows every 9 rows, `window` cells wide
        hi[start:start + 3] = np.minimum(lo[start:start + 3] + window, m)
    hi[n] = m
    split = False
    for i0, i1 in row_blocks(lo, hi, 1, n, cells=4096):
        width = int((hi[i0:i1] - lo[i0:i1]).max()) + 1
        split |= len(_segments(lo[i0:i1], width, int(lo[i0]), min(m, int(hi[i1 - 1])) + 1)) > 1
        whole = scorer(i0, i1, lo, hi)
        for held in vars(scorer._work).values():  # the work arrays: nothing of the whole block's left there
            held.fill(np.nan)
        pieces = scorer(i0, i1, lo, hi, pieces=True)
        assert np.array_equal(np.isinf(whole), np.isinf(pieces))
        assert np.allclose(whole[np.isfinite(whole)], pieces[np.isfinite(pieces)], atol=1e-5)
    assert split  # the blocks were multiplied in pieces


def test_a_compiled_search_takes_the_run_products_only_for_narrow_vectors_on_long_documents():
    from aligner.search.compiled import NUMBA_SENTENCES
    from aligner.search.scorer import LINEAR_DIM, products_for

    assert products_for(LINEAR_DIM - 1, NUMBA_SENTENCES, True)
    assert not products_for(LINEAR_DIM, NUMBA_SENTENCES, True)  # wide: the sentences' product always
    assert not products_for(LINEAR_DIM - 1, NUMBA_SENTENCES - 1, True)  # short: the numpy search's numbers
    assert not products_for(LINEAR_DIM - 1, NUMBA_SENTENCES, False)
    p, lengths = SearchParams(), np.ones(3)
    S = np.ones((3, 8), dtype=np.float32) / np.sqrt(8)
    for compiled, products, linear in ((True, True, False), (True, False, True), (False, True, True)):
        scorer = BandScorer(S, S, lengths, lengths, p.bead_types(), p, compiled=compiled, products=products)
        assert scorer.linear() is linear
