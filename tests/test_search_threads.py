"""The search's blocks scored ahead in threads (search.dp.scored_blocks) give what one thread gives: the same
blocks in the same order, the same path and bead scores, whichever thread scored a block."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from aligner.search import BandScorer, SearchParams, band_around, banded_dp
from aligner.search.dp import PathBead, row_blocks, scored_blocks


def _problem(seed: int, n: int = 300, m: int = 380, compiled: bool = True):
    rng = np.random.default_rng(seed)
    S = rng.normal(size=(n, 16)).astype(np.float32)
    T = rng.normal(size=(m, 16)).astype(np.float32)
    S /= np.linalg.norm(S, axis=1, keepdims=True)
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    ls, lt = rng.integers(1, 60, n).astype(float), rng.integers(1, 60, m).astype(float)
    lex = (rng.integers(0, 3, (n, 32)).astype(np.uint8), rng.integers(0, 3, (m, 32)).astype(np.uint8))
    p = SearchParams(lexical_weight=0.35)
    scorer = BandScorer(S, T, ls, lt, p.bead_types(), p, lexical=lex, compiled=compiled, products=compiled)
    lo, hi = band_around([PathBead(range(i, i + 1), range(i * m // n, (i + 1) * m // n), 0.0) for i in range(n)],
                         n, m, 6)
    return scorer, p, lo, hi


@pytest.mark.parametrize("compiled", [False, True])
def test_blocks_scored_in_threads_are_the_blocks_of_one_thread(compiled):
    scorer, _, lo, hi = _problem(1, compiled=compiled)
    blocks = list(row_blocks(lo, hi, 1, len(lo) - 1, cells=600))
    alone = list(scored_blocks(scorer, blocks, lo, hi, 1))
    for threads in (2, 4):
        together = list(scored_blocks(scorer, blocks, lo, hi, threads))
        assert [(b0, b1) for b0, b1, _ in together] == blocks
        assert all(x.tobytes() == y.tobytes() for (_, _, x), (_, _, y) in zip(alone, together))


def test_a_scorer_called_from_several_threads_at_once_keeps_its_work_arrays_apart():
    scorer, _, lo, hi = _problem(2)
    blocks = list(row_blocks(lo, hi, 1, len(lo) - 1, cells=900)) * 4
    alone = [scorer(b0, b1, lo, hi).tobytes() for b0, b1 in blocks]
    with ThreadPoolExecutor(4) as pool:
        together = list(pool.map(lambda b: scorer(b[0], b[1], lo, hi).tobytes(), blocks))
    assert together == alone


def test_the_path_does_not_depend_on_the_threads():
    scorer, p, lo, hi = _problem(3)
    n, m = len(lo) - 1, int(hi[-1])
    paths = [banded_dp(n, m, lo, hi, p.bead_types(), scorer, p.skip, null_extend=p.null_extend(), compiled=True,
                       threads=threads) for threads in (1, 2)]
    assert paths[0] == paths[1] and len(paths[0]) > 100

