"""The DP's two inner loops, compiled (search.kernel) and as array operations (search.rows), give the same
paths and scores: ties, unreachable cells, narrow bands, runs of null beads, windows that start inside."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.search import SearchParams, band_around, banded_dp, full_band
from aligner.search.dp import PathBead

pytestmark = pytest.mark.usefixtures("compiled_kernels")  # each compiled implementation (conftest)


def _scorer(rng: np.random.Generator, steps: int, ties: bool):
    """Block scores drawn once per cell: from a few values (many ties) or continuous, some -inf."""
    cache: dict = {}

    def scores(i0, i1, lo, hi):
        width = int((hi[i0:i1] - lo[i0:i1]).max()) + 1
        out = np.empty((steps, i1 - i0, width))
        for r in range(i0, i1):
            if r not in cache:
                values = rng.choice([-0.2, 0.0, 0.1, 0.3], size=(steps, 64)) if ties else rng.normal(size=(steps, 64))
                values[rng.random((steps, 64)) < 0.1] = -np.inf
                cache[r] = values
            out[:, r - i0, :] = cache[r][:, :width]
        return out
    return scores


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 30), st.integers(1, 30), st.integers(0, 10_000), st.sampled_from([None, -0.05, -0.3]),
       st.sampled_from([1, 2, 4]), st.booleans(), st.booleans())
def test_compiled_and_array_loops_agree(n, m, seed, null_extend, max_bead, ties, banded):
    types = SearchParams(max_bead=max_bead).bead_types()
    if banded:  # a diagonal band, as coarse-to-fine gives
        lo, hi = band_around([PathBead(range(i, i + 1), range(i * m // n, (i + 1) * m // n), 0.0) for i in range(n)],
                             n, m, 2)
    else:
        lo, hi = full_band(n, m)
    steps = sum(1 for t in types if t[0] >= 1)
    paths = []
    for compiled in (False, True):
        try:
            paths.append(banded_dp(n, m, lo, hi, types, _scorer(np.random.default_rng(seed), steps, ties), -0.1,
                                   null_extend=null_extend, compiled=compiled))
        except RuntimeError as exc:  # the band cannot reach the end: both must say so
            paths.append(str(exc))
    assert paths[0] == paths[1]


def test_a_window_starting_inside_the_lattice_agrees():
    types = SearchParams().bead_types()
    lo, hi = full_band(12, 14)
    steps = sum(1 for t in types if t[0] >= 1)
    paths = [banded_dp(12, 14, lo, hi, types, _scorer(np.random.default_rng(3), steps, True), -0.1, start=(4, 5),
                       null_extend=-0.05, compiled=compiled) for compiled in (False, True)]
    assert paths[0] == paths[1] and paths[0][0].src.start == 4 and paths[0][0].tgt.start == 5


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 20), st.integers(0, 10_000), st.booleans())
def test_narrow_rows_loop_gives_the_array_versions_numbers(w, seed, ties):
    """search.rows takes a narrow row's 0-1 runs in a plain loop: D, BP and chain as the array version has them."""
    from aligner.search import rows

    rng = np.random.default_rng(seed)
    values = rng.choice([-0.2, 0.0, 0.1, -np.inf], size=w) if ties else rng.normal(size=w)
    found = []
    for narrow in (0, 100):
        D, BP, chain = values.copy(), np.full(w, 3, dtype=np.int8), np.full(w, -1, dtype=np.int32)
        old, rows.NARROW = rows.NARROW, narrow
        try:
            rows._nulls(D, BP, chain, 0, w, 7, np.arange(w), np.arange(w) * -0.05, -0.09, -0.05, 9)
        finally:
            rows.NARROW = old
        found.append((D.tobytes(), BP.tobytes(), chain.tobytes()))
    assert found[0] == found[1]


def _cell_scorer(seed: int, steps: int, ties: bool):
    """Block scores drawn per row from the row's own seed, by column: a cell's scores whatever rows are asked
    first and whatever columns its row spans."""
    def scores(i0, i1, lo, hi):
        width = int((hi[i0:i1] - lo[i0:i1]).max()) + 1
        out = np.full((steps, i1 - i0, width), -np.inf)
        for r in range(i0, i1):
            rng = np.random.default_rng(seed * 1000 + r)
            values = rng.choice([-0.2, 0.0, 0.1, 0.3], size=(steps, 128)) if ties else rng.normal(size=(steps, 128))
            values[rng.random((steps, 128)) < 0.1] = -np.inf
            out[:, r - i0, :hi[r] - lo[r] + 1] = values[:, lo[r]:hi[r] + 1]
        return out
    return scores


@settings(max_examples=120, deadline=None)
@given(st.integers(2, 40), st.integers(2, 40), st.integers(0, 10_000), st.sampled_from([None, -0.05]),
       st.sampled_from([2, 4]), st.booleans(), st.sampled_from([4, 40, 1 << 15]), st.data())
def test_windows_searched_together_are_each_windows_own_search(n, m, seed, null_extend, max_bead, ties, budget,
                                                               data):
    """window_paths (the lazy rounds' windows, many in one kernel call, grouped by a budget of cells; larger
    ones alone) gives each window what banded_dp gives it alone, numpy's loops and the compiled ones alike:
    windows between a path's lattice points, some sharing a row (one's end, the next's start), with their
    start rows' columns of their own."""
    from aligner.search import dp

    types = SearchParams(max_bead=max_bead).bead_types()
    steps = sum(1 for t in types if t[0] >= 1)
    lo, hi = band_around([PathBead(range(i, i + 1), range(i * m // n, (i + 1) * m // n), 0.0) for i in range(n)],
                         n, m, 3)
    scorer = _cell_scorer(seed, steps, ties)
    try:
        path = banded_dp(n, m, lo, hi, types, scorer, -0.1, null_extend=null_extend)
    except RuntimeError:
        return
    points = sorted({(b.src.start, b.tgt.start) for b in path} | {(n, m)})
    cuts = sorted(data.draw(st.sets(st.integers(0, len(points) - 1), min_size=2, max_size=8)))
    pairs = [(cuts[k], cuts[k + 1]) for k in range(len(cuts) - 1) if data.draw(st.booleans()) or k == 0]
    spans = [(*points[a], *points[b]) for a, b in pairs]
    # each window's rows inside its own columns, as the lazy rounds give them (search.lazy)
    inside = lo.copy(), hi.copy()
    for i0, j0, i1, j1 in spans:
        for side, edge in zip(inside, (lo, hi)):
            side[i0 + 1:i1 + 1] = np.minimum(np.maximum(edge[i0 + 1:i1 + 1], j0), j1)
    windows = [(i0, j0, i1, j1, min(max(int(lo[i0]), j0), j1), min(max(int(hi[i0]), j0), j1))
               for i0, j0, i1, j1 in spans]
    found = {}
    for compiled in (False, True):
        alone = []
        for i0, j0, i1, j1, first_lo, first_hi in windows:
            band = inside[0].copy(), inside[1].copy()
            band[0][i0], band[1][i0] = first_lo, first_hi
            try:  # a window whose end no finite path reaches (a -inf score drawn): both must say so
                alone.append(banded_dp(i1, j1, *band, types, scorer, -0.1, start=(i0, j0), null_extend=null_extend,
                                       compiled=compiled))
            except RuntimeError as exc:
                alone = str(exc)
                break
        old = dp.BLOCK_CELLS, dp.ARRAY_BLOCK_CELLS
        dp.BLOCK_CELLS = dp.ARRAY_BLOCK_CELLS = budget
        band = inside[0].copy(), inside[1].copy()
        try:
            together = dp.window_paths(windows, *band, types, scorer, -0.1, null_extend=null_extend,
                                       compiled=compiled)
        except RuntimeError as exc:
            together = str(exc)
        finally:
            dp.BLOCK_CELLS, dp.ARRAY_BLOCK_CELLS = old
        assert together == alone
        assert all(np.array_equal(a, b) for a, b in zip(band, inside))  # the band as it was given
        found[compiled] = together
    assert found[False] == found[True]
