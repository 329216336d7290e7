"""Coarse to fine: the band the full search visits, from the path found on block averages of the documents."""

from __future__ import annotations

import numpy as np

from ..scoring import normalise
from .dp import band_around, banded_dp, full_band, scoring_threads
from .params import SearchParams
from .scorer import BandScorer

# Full search below this many lattice cells; above, search a downsampled copy first (recursively). Small: at
# 100 x 120 sentences the band around the coarse path is under half the lattice, and the path the same on
# every benchmark document (docs/benchmarks.md, wave 10), the calibration reading whole rows below
# calibrate.WHOLE_ROWS_CELLS.
FULL_SEARCH_CELLS = 5_000
DOWNSAMPLE = 4
COARSE_TYPES = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))


def _blocks(vectors: np.ndarray, lengths: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Each block of ``size`` sentences' normalised vector sum and total length. The sums as a reshaped sum
    (``np.add.reduceat`` took a fifth of the coarse passes at 1,000 sentences; its order of addition differs,
    and so a coarse band's edges may, which the paths of 35 benchmark documents did not notice)."""
    n, full = len(vectors), len(vectors) // size * size
    sums = vectors[:full].reshape(-1, size, vectors.shape[1]).sum(axis=1)
    if full < n:
        sums = np.concatenate([sums, vectors[full:].sum(axis=0, keepdims=True)])
    return normalise(sums).astype(np.float32), np.add.reduceat(lengths, np.arange(0, n, size))


def search_band(S: np.ndarray, T: np.ndarray, src_len: np.ndarray, tgt_len: np.ndarray, params: SearchParams,
                width: int, compiled: bool = False, products: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The band to search: all of it when small, else ``width`` around the path found on block averages
    (``compiled``: see :func:`.dp.banded_dp`; ``products``: :class:`.scorer.BandScorer`'s)."""
    n, m = len(S), len(T)
    if n * m <= FULL_SEARCH_CELLS or min(n, m) < 4 * DOWNSAMPLE:
        return full_band(n, m)
    S2, ls2 = _blocks(S, src_len, DOWNSAMPLE)
    T2, lt2 = _blocks(T, tgt_len, DOWNSAMPLE)
    lo2, hi2 = search_band(S2, T2, ls2, lt2, params, 2 * DOWNSAMPLE, compiled, products)
    scorer = BandScorer(S2, T2, ls2, lt2, COARSE_TYPES, params, compiled=compiled, products=products)
    rough = banded_dp(len(S2), len(T2), lo2, hi2, COARSE_TYPES, scorer, params.skip, null_extend=params.null_extend(),
                      compiled=compiled, threads=scoring_threads(compiled))
    return band_around(rough, n, m, width, (DOWNSAMPLE, DOWNSAMPLE))
