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

from .evidence import pair_dots

BLOCK_CELLS = 1 << 22  # cells computed at once by a pass over the whole matrix (16 MB of float32)
# The median: cells sampled to bracket it, and the most cells kept from the
# bracket (about 4 × cells / √sample are expected: 7 million for 30,000 × 30,000) before the slower exact
# radix selection, ``_DIGIT_BITS`` a pass, takes over.
_SAMPLE = 1 << 18
_KEPT = 4 * BLOCK_CELLS
_DRAW = 1 << 14  # cells of a sample drawn at once
_DIGIT_BITS = 16


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

    def pairs(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The cells ``(rows[k], cols[k])``, computed in blocks (memory bounded whatever their number)."""
        return pair_dots(self.S, np.asarray(rows), self.T, np.asarray(cols))

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
        """The median of all cells, exactly ``np.median`` of the matrix, in memory linear in the document."""
        if self._median is None:
            size = self.shape[0] * self.shape[1]
            if not size:
                return math.nan
            ranks = sorted({(size - 1) // 2, size // 2})
            middle = self._bracketed(ranks) or [self._radix(rank) for rank in ranks]
            # np.median of the middle values: the same arithmetic (and dtype) as on the whole matrix
            self._median = float(np.median(np.array(middle, dtype=self.dtype)))
        return self._median

    def _bracketed(self, ranks: list[int]) -> list[np.generic] | None:
        """The values of the given ranks (0: the smallest), in one pass: a fixed sample of cells brackets
        them, and the pass counts the cells below the bracket and keeps those inside it, among which the ranks
        are selected. None when the bracket missed (rarely) or held more than ``_KEPT`` cells."""
        size = self.shape[0] * self.shape[1]
        sample = np.sort(self.sample(min(size, _SAMPLE)))
        reach = 2 * math.sqrt(len(sample))  # four standard errors of a sample's median, in sample ranks
        lo = sample[max(0, int(ranks[0] / size * len(sample) - reach))]
        hi = sample[min(len(sample) - 1, int(ranks[-1] / size * len(sample) + reach) + 1)]
        below, kept, count = 0, [], 0
        for block in self.row_blocks():
            below += int(np.count_nonzero(block < lo))
            kept.append(block[(block >= lo) & (block <= hi)])
            count += kept[-1].size
            if count > _KEPT:
                return None
        if not all(below <= rank < below + count for rank in ranks):
            return None
        inside = np.sort(np.concatenate(kept))
        return [inside[rank - below] for rank in ranks]

    def sample(self, cells: int) -> np.ndarray:
        """``cells`` cells drawn at random (a fixed draw: the same every time), drawn and computed in blocks."""
        m, rng = self.shape[1], np.random.default_rng(0)
        out = np.empty(cells, dtype=self.dtype)
        for lo in range(0, cells, _DRAW):
            drawn = rng.integers(self.shape[0] * m, size=min(_DRAW, cells - lo))
            out[lo:lo + len(drawn)] = self.pairs(drawn // m, drawn % m)
        return out

    def typical(self, exact: int, sample: int) -> float:
        """The median of all cells when there are at most ``exact`` of them (:meth:`median`), else the median
        of a fixed draw of ``sample`` cells: the exact median reads every cell, which grows with the square of
        the document (at 30,000 sentences a side, 900 million cells), and a draw of half a million moves it by far
        less than the cosines' own noise."""
        if self.shape[0] * self.shape[1] <= exact:
            return self.median()
        values = self.sample(sample)
        return float(np.median(values, overwrite_input=True))

    def _radix(self, rank: int) -> np.generic:
        """The value of the given rank (0: the smallest), by radix selection over the values' sort keys,
        ``_DIGIT_BITS`` bits a pass (two passes for float32): slower than :meth:`_bracketed`, never misses."""
        bits = self.dtype.itemsize * 8
        unsigned = np.dtype(f"u{self.dtype.itemsize}")
        mask = (1 << _DIGIT_BITS) - 1
        prefix = 0  # the top ``known`` bits of the key of the value sought
        for known in range(0, bits, _DIGIT_BITS):
            shift = bits - known - _DIGIT_BITS
            counts = np.zeros(mask + 1, dtype=np.int64)
            for block in self.row_blocks():
                keys = _sort_keys(block.astype(self.dtype, copy=False).ravel(), unsigned)
                if known:
                    keys = keys[(keys >> (shift + _DIGIT_BITS)) == prefix]
                counts += np.bincount(((keys >> shift) & mask).astype(np.intp), minlength=mask + 1)
            below = np.cumsum(counts)
            digit = int(np.searchsorted(below, rank, side="right"))
            rank -= int(below[digit - 1]) if digit else 0
            prefix = (prefix << _DIGIT_BITS) | digit
        return _from_sort_key(np.array([prefix], dtype=unsigned), self.dtype)[0]

    def block_means(self, fi: int, fj: int) -> np.ndarray:
        """Mean cosine over blocks of ``fi`` rows by ``fj`` columns (the last ones smaller where the sides do
        not divide): the mean of S[I] @ T[J].T is sum(S[I]) · sum(T[J]) / (|I| |J|), no matrix needed."""
        starts_i, starts_j = np.arange(0, self.shape[0], fi), np.arange(0, self.shape[1], fj)
        rows = np.add.reduceat(self.S.astype(np.float64), starts_i, axis=0)
        cols = np.add.reduceat(self.T.astype(np.float64), starts_j, axis=0)
        sizes_i = np.diff(np.append(starts_i, self.shape[0]))
        sizes_j = np.diff(np.append(starts_j, self.shape[1]))
        return (rows @ cols.T) / np.outer(sizes_i, sizes_j)



def _sort_keys(values: np.ndarray, unsigned: np.dtype) -> np.ndarray:
    """Unsigned integers ordered as the floats are: the sign bit set on positives, all bits flipped on
    negatives."""
    bits = values.view(unsigned)
    sign = unsigned.type(1 << (unsigned.itemsize * 8 - 1))
    return np.where(bits & sign, ~bits, bits | sign)


def _from_sort_key(keys: np.ndarray, dtype: np.dtype) -> np.ndarray:
    sign = keys.dtype.type(1 << (keys.dtype.itemsize * 8 - 1))
    return np.where(keys & sign, keys & ~sign, ~keys).view(dtype)
