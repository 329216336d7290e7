"""The zh × en sentence cosines the review reads, computed on demand from the sentence vectors.

The full matrix grows with the square of the document (30,000 sentences a side: 3.6 GB of float32, and
more for its copies), while the review reads only cells near the alignment path, a few row statistics, one
global median and a downsampled picture. Whatever reads every cell does so in blocks of ``BLOCK_CELLS``, so
memory stays linear in the document; the values are those of the dense ``S @ T.T`` (float rounding aside).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np

BLOCK_CELLS = 1 << 22  # cells computed at once by a pass over the whole matrix (16 MB of float32)
_DIGIT_BITS = 16  # the exact median is found 16 bits of its bit pattern a pass
_SAMPLE = 1 << 16  # cells sampled to guess where the median lies


class Similarity:
    """Cosines of Chinese sentences (rows, vectors ``S``) with English ones (columns, ``T``), with numpy
    indexing: ``sim[i, j]`` is a cell, ``sim[i, a:b]`` part of a row, ``sim[a:b, j]`` part of a column."""

    def __init__(self, S: np.ndarray, T: np.ndarray):
        self.S, self.T = np.asarray(S), np.asarray(T)
        self.shape = (len(self.S), len(self.T))
        self.dtype = np.result_type(self.S, self.T)
        self._median: float | None = None

    def __getitem__(self, key: tuple) -> np.ndarray:
        rows, cols = key
        return self.S[rows] @ self.T[cols].T

    def row_blocks(self) -> Iterator[np.ndarray]:
        """The matrix as consecutive blocks of whole rows, ``BLOCK_CELLS`` cells at most (one row at least)."""
        step = max(1, BLOCK_CELLS // max(1, self.shape[1]))
        for lo in range(0, self.shape[0], step):
            yield self.S[lo:lo + step] @ self.T.T

    def row_max(self) -> np.ndarray:
        return self._rows(lambda block: block.max(axis=1))

    def row_median(self) -> np.ndarray:
        return self._rows(lambda block: np.median(block, axis=1))

    def _rows(self, statistic: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
        return np.concatenate([statistic(block) for block in self.row_blocks()] or [np.zeros(0, self.dtype)])

    def median(self) -> float:
        """The median of all cells, exactly ``np.median`` of the matrix, in memory linear in the document: the
        one or two middle values are selected by radix passes over blocks (one pass, usually, for float32)."""
        if self._median is None:
            size = self.shape[0] * self.shape[1]
            if not size:
                return math.nan
            patterns = self._select(sorted({(size - 1) // 2, size // 2}))
            middle = np.array(patterns, dtype=f"u{self.dtype.itemsize}").view(self.dtype)
            self._median = float(np.median(middle))  # the same arithmetic (and dtype) as on the whole matrix
        return self._median

    def _select(self, ranks: list[int]) -> list[int]:
        """The bit patterns of the cells of the given ranks (0: the smallest value).

        Radix selection, a 16-bit digit of the patterns at a time (most significant first): the histogram of
        the next digit over the cells sharing the digits found so far locates each rank; the floats' order is
        read off it (:func:`_digit_order`). The pass for the first digit also histograms the second digit
        under the first digits a sample of cells puts near the ranks, which for float32 usually finishes."""
        digits = self.dtype.itemsize * 8 // _DIGIT_BITS
        found = dict.fromkeys(ranks, ())  # rank -> the digits of its pattern found so far
        left = dict(zip(ranks, ranks))  # rank -> its rank among the cells sharing those digits
        histograms: dict[tuple[int, ...], np.ndarray] = {}
        for level in range(digits):
            wanted = {prefix for prefix in found.values() if prefix not in histograms}
            if wanted:
                histograms.update(self._histograms(wanted | (self._guesses(ranks) if not level else set())))
            for rank, prefix in found.items():
                order = _digit_order(prefix)
                below = np.cumsum(histograms[prefix][order])
                at = int(np.searchsorted(below, left[rank], side="right"))
                left[rank] -= int(below[at - 1]) if at else 0
                found[rank] = prefix + (int(order[at]),)
        return [int.from_bytes(np.array(found[rank][::-1], dtype="<u2").tobytes(), "little") for rank in ranks]

    def _histograms(self, prefixes: set[tuple[int, ...]]) -> dict[tuple[int, ...], np.ndarray]:
        """For each prefix (digits, most significant first), the histogram of the next digit over the cells
        whose patterns start with it: one pass over the matrix."""
        out = {prefix: np.zeros(1 << _DIGIT_BITS, dtype=np.int64) for prefix in prefixes}
        width = self.dtype.itemsize * 8 // _DIGIT_BITS
        for block in self.row_blocks():
            # the patterns as 16-bit words, most significant last (little-endian)
            words = block.astype(self.dtype, copy=False).reshape(-1).view(f"<u{self.dtype.itemsize}").view("<u2")
            words = words.reshape(-1, width)
            for prefix, histogram in out.items():
                chosen = np.ones(len(words), dtype=bool) if prefix else None
                for k, digit in enumerate(prefix):
                    chosen &= words[:, width - 1 - k] == digit
                column = words[:, width - 1 - len(prefix)]
                histogram += np.bincount(column if chosen is None else column[chosen], minlength=1 << _DIGIT_BITS)
        return out

    def _guesses(self, ranks: list[int]) -> set[tuple[int, ...]]:
        """First digits of the patterns that a fixed sample of cells puts at the ranks (within a few standard
        errors): where the second digit's histogram is worth taking in the first pass."""
        size = self.shape[0] * self.shape[1]
        rng = np.random.default_rng(0)
        cells = rng.integers(size, size=min(size, _SAMPLE))
        values = np.sort(np.einsum("ij,ij->i", self.S[cells // self.shape[1]], self.T[cells % self.shape[1]])
                         .astype(self.dtype))
        reach = 4 * math.sqrt(len(values)) / 2 + 1  # four standard errors of a sample quantile near the median
        picked = set()
        for rank in ranks:
            at = rank / size * len(values)
            near = values[max(0, int(at - reach)):int(at + reach) + 1]
            top = near.view(f"<u{self.dtype.itemsize}").view("<u2").reshape(len(near), -1)[:, -1]
            picked |= {(int(d),) for d in top}
        return picked

    def block_means(self, fi: int, fj: int) -> np.ndarray:
        """Mean cosine over blocks of ``fi`` rows by ``fj`` columns (the last ones smaller where the sides do
        not divide): the mean of S[I] @ T[J].T is sum(S[I]) · sum(T[J]) / (|I| |J|), no matrix needed."""
        starts_i, starts_j = np.arange(0, self.shape[0], fi), np.arange(0, self.shape[1], fj)
        rows = np.add.reduceat(self.S.astype(np.float64), starts_i, axis=0)
        cols = np.add.reduceat(self.T.astype(np.float64), starts_j, axis=0)
        sizes_i = np.diff(np.append(starts_i, self.shape[0]))
        sizes_j = np.diff(np.append(starts_j, self.shape[1]))
        return (rows @ cols.T) / np.outer(sizes_i, sizes_j)


def _digit_order(prefix: tuple[int, ...]) -> np.ndarray:
    """The next digits after ``prefix`` in the order of their floats. The first digit holds the sign bit:
    negatives (sign set) come first, counting down, and under a negative prefix the digits count down too."""
    up = np.arange(1 << _DIGIT_BITS)
    half = 1 << (_DIGIT_BITS - 1)
    if not prefix:
        return np.concatenate([up[:half - 1:-1], up[:half]])
    return up[::-1] if prefix[0] >= half else up
