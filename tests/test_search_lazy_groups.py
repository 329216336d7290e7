"""The lazy rounds score their windows' rows in groups: near windows together, far ones apart."""

from __future__ import annotations

from aligner.search.lazy import _grouped


def test_near_windows_joined_far_ones_apart():
    assert _grouped([(100, 120), (5, 10), (20, 30), (3, 2)], gap=16) == [(5, 30), (100, 120)]
    assert _grouped([(5, 10), (27, 30)], gap=16) == [(5, 10), (27, 30)]   # 17 rows apart
    assert _grouped([(5, 10), (26, 30)], gap=16) == [(5, 30)]
    assert _grouped([(4, 3)]) == [] and _grouped([]) == []  # a window without source rows scores none


def test_a_row_store_frees_its_scorer_without_the_cyclic_collector():
    """A round's row store holds its scorer (and the scorer its run tables) only as long as it is used: a
    reference cycle through its blocks kept the last round's tables alive beside the next round's."""
    import gc
    import weakref

    import numpy as np

    from aligner.search import BandScorer, SearchParams, full_band
    from aligner.search.lazy import _RowStore

    rng = np.random.default_rng(0)
    S, T = (rng.normal(size=(k, 8)).astype(np.float32) for k in (12, 14))
    S /= np.linalg.norm(S, axis=1, keepdims=True)
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    p = SearchParams()
    scorer = BandScorer(S, T, np.ones(12), np.ones(14), p.bead_types(), p)
    lo, hi = full_band(12, 14)
    store = _RowStore(scorer, lo, hi, [(1, 4), (8, 10)])
    assert store(1, 4, lo, hi).shape[1] == 3
    alive = weakref.ref(scorer)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del scorer, store
        assert alive() is None
    finally:
        if was_enabled:
            gc.enable()
