"""Approximated runs weight each sentence as it is gathered: the same float32 numbers as summing a weighted
copy of the whole document (what the scorer kept before, a second copy of a book's vectors)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.scoring import normalise
from aligner.search.runs import approximated


def _weighted_copy(vectors: np.ndarray, weights: np.ndarray, ends: np.ndarray, width: int) -> np.ndarray:
    weighted = vectors * weights
    total = weighted[np.maximum(ends - 1, 0)].astype(np.float32)
    for k in range(2, width + 1):
        total += weighted[np.maximum(ends - k, 0)]
    inside = (ends >= width) & (ends <= len(vectors))
    return normalise(np.where(inside[:, None], total, np.float32(0)))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.integers(0, 1_000), st.sampled_from([0.75, 1.0, 0.0]),
       st.sampled_from([np.float32, np.float64]))
def test_approximated_is_the_weighted_copys_sums(n, seed, exponent, dtype):
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, 8)).astype(dtype)
    weights = (rng.integers(1, 60, n)[:, None].astype(float) ** exponent).astype(np.float32)
    ends = np.sort(rng.integers(0, n + 1, 12))
    runs = approximated(vectors, weights, ends, [2, 3, 5])
    for width, found in runs.items():
        assert found.dtype == np.float32
        assert found.tobytes() == _weighted_copy(vectors, weights, ends, width).tobytes()
        assert not found[ends < width].any()  # runs that would start before the document


def test_source_runs_any_order_repeated_and_single_sentences():
    """EmbeddingSource.runs keeps nothing (the search keeps the runs it asks for): any spans come back as the
    encoder embeds their joined sentences, a one-sentence span as the sentence's own vector."""
    from aligner.encoders.base import CheckedEncoder
    from aligner.encoders.hashing import HashingEncoder
    from aligner.encoders.source import EmbeddingSource

    texts = [f"sentence number {k}." for k in range(6)]
    encoder = CheckedEncoder(HashingEncoder())
    source = EmbeddingSource(encoder, texts, "en")
    spans = [(3, 5), (0, 2), (1, 2), (3, 5), (0, 3)]
    expected = encoder.encode([" ".join(texts[a:b]) for a, b in spans])
    assert source.runs(spans).tobytes() == expected.tobytes()
    assert source.runs(sorted(set(spans) - {(1, 2)})).tobytes() == \
        encoder.encode([" ".join(texts[a:b]) for a, b in [(0, 2), (0, 3), (3, 5)]]).tobytes()
    assert source.runs([]).shape == (0, 64)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 30), st.integers(1, 30), st.integers(0, 10_000), st.booleans(), st.booleans(),
       st.sampled_from([(3, 0), (4, 6)]))
def test_linear_scores_are_the_run_vectors_scores(n, m, seed, banded, real, shape):
    """The numpy scorer takes every cosine from one product of the sentences (BandScorer._linear_products),
    and of the runs embedded for real with the other side's sentences: the scores of the run vectors' own
    products, to float rounding, at every cell of every bead type, -inf at the same cells."""
    from unittest import mock

    from aligner.search import BandScorer, SearchParams, band_around, full_band
    from aligner.search.dp import PathBead, row_blocks
    from aligner.search.runs import run_norms

    rng = np.random.default_rng(seed)
    S, T = (normalise(rng.normal(size=(k, 8))).astype(np.float32) for k in (n, m))
    lengths = (rng.integers(1, 40, n).astype(float), rng.integers(1, 40, m).astype(float))
    p = SearchParams(max_bead=shape[0], max_split=shape[1])
    # some runs embedded for real on each side (the lazy rounds'), or none
    runs = [{(s, s + w): normalise(rng.normal(size=8)).astype(np.float32) for s in range(0, k - w + 1, 3)}
            if real else {} for k, w in ((n, 2), (m, 3))]
    scorer = BandScorer(S, T, *lengths, p.bead_types(), p, *runs)
    assert scorer.linear()
    lo, hi = band_around([PathBead(range(i, i + 1), range(i * m // n, (i + 1) * m // n), 0.0) for i in range(n)],
                         n, m, 2) if banded else full_band(n, m)
    for i0, i1 in row_blocks(lo, hi, 1, n, 64):
        linear = scorer(i0, i1, lo, hi)
        with mock.patch.object(BandScorer, "linear", return_value=False):
            direct = scorer(i0, i1, lo, hi)
        assert np.array_equal(np.isfinite(linear), np.isfinite(direct))
        assert np.allclose(linear[np.isfinite(linear)], direct[np.isfinite(direct)], atol=1e-5)
    inverse = run_norms(S, scorer.src_weight, [1, 2])
    assert inverse[2][1] == 0 and (n < 2 or np.isclose(inverse[2][n],
                                                       1 / np.linalg.norm((S * scorer.src_weight)[n - 2:].sum(0))))
