"""Count vectors stored by rows (aligner.counts.CountRows): the dense rows they stand for, sliced and summed."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.counts import CountRows


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 12), st.integers(1, 40), st.integers(0, 2**32 - 1), st.integers(0, 14), st.integers(0, 14))
def test_rows_stand_for_their_dense_counts(rows, dim, seed, start, stop):
    rng = np.random.default_rng(seed)
    dense = (rng.integers(0, 4, (rows, dim)) * (rng.random((rows, dim)) < 0.2)).astype(np.uint8)
    stored = CountRows.from_dense(dense)
    assert len(stored) == rows and np.array_equal(stored.dense(), dense)
    assert np.array_equal(stored.totals(), dense.sum(axis=1, dtype=np.float64))
    start = min(start, rows)
    part = stored.rows(start, stop)
    assert np.array_equal(part.dense(), dense[start:stop].reshape(-1, dim))
    assert np.array_equal(part.totals(), dense[start:stop].sum(axis=1, dtype=np.float64))
    assert CountRows.of(stored) is stored


def test_cells_wrap_and_drop_zero_counts():
    stored = CountRows.from_cells(np.array([1, 5, 6]), np.array([3, 0, 1]), 2, 4)
    assert np.array_equal(stored.dense(), [[0, 3, 0, 0], [0, 0, 1, 0]])
    assert list(stored.starts) == [0, 1, 2] and len(stored.columns) == 2


def test_used_columns_and_a_dense_array_over_some_of_them():
    stored = CountRows.from_cells(np.array([1, 3, 6]), np.array([3, 2, 1]), 2, 4)
    assert list(stored.used()) == [False, True, True, True]
    keep = np.array([True, False, True, True])
    assert np.array_equal(stored.dense(np.float32, keep), [[0, 0, 2], [0, 1, 0]])


def test_stacked_rows_are_the_parts_one_after_another():
    rng = np.random.default_rng(3)
    dense = [rng.integers(0, 3, (k, 8)).astype(np.uint8) for k in (3, 0, 5)]
    parts = [CountRows.from_dense(d) for d in dense]
    parts[2] = CountRows.from_dense(np.vstack([dense[0], dense[2]])).rows(3, 8)  # a slice: starts not from 0
    assert np.array_equal(CountRows.stacked(parts, 8).dense(), np.vstack(dense))
    assert len(CountRows.stacked([], 8)) == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3 * 9 - 1), max_size=60))
def test_counted_cells_are_numpys_unique_counts(cells):
    cells = np.array(cells, dtype=np.int64)
    stored = CountRows.counted(cells, 3, 9)
    dense = np.zeros(27, dtype=np.int64)
    np.add.at(dense, cells, 1)
    assert np.array_equal(stored.dense(), (dense % 256).reshape(3, 9))
