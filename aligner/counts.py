"""Per-sentence count vectors stored by rows: only each sentence's non-zero columns (compressed sparse rows).

A sentence's bag of dictionary translations (:func:`aligner.lexicon.lexical_vectors`) fills a few dozen of
its 1,024 hashed columns: a book's dense rows (60,000 + 47,611 Bible verses) took 110 MB, these 14 MB.
Hand-written rather than ``scipy.sparse``: the search needs three arrays and a dense slice, and importing
scipy would cost every short alignment a few tenths of a second.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np


@dataclass(frozen=True)
class CountRows:
    """Row r's counts are ``counts[starts[r]:starts[r + 1]]`` in ``columns[...]`` (ascending, non-zero); a
    slice of rows (:meth:`rows`) shares the other rows' arrays."""

    starts: np.ndarray   # (rows + 1,) int64
    columns: np.ndarray  # int32
    counts: np.ndarray   # uint8: wrapped at 256, as the dense vectors were
    dim: int

    @classmethod
    def from_cells(cls, cells: np.ndarray, counts: np.ndarray, rows: int, dim: int) -> CountRows:
        """From distinct ascending cells ``row * dim + column`` and their counts (zeros dropped)."""
        keep = counts != 0
        cells, counts = cells[keep], counts[keep]
        starts = np.searchsorted(cells, np.arange(rows + 1, dtype=np.int64) * dim)
        return cls(starts.astype(np.int64), (cells % dim).astype(np.int32), counts.astype(np.uint8), dim)

    @classmethod
    def counted(cls, cells: np.ndarray, rows: int, dim: int) -> CountRows:
        """From cells ``row * dim + column`` in any order, each occurrence counted (wrapped at 256, as
        ``np.add.at`` on uint8 was). Sorted and counted by hand: ``np.unique`` imports ``numpy.ma``, 10-17 ms
        of a 100-sentence alignment."""
        cells = np.sort(cells)
        firsts = np.flatnonzero(np.r_[len(cells) > 0, cells[1:] != cells[:-1]])
        counts = np.diff(np.r_[firsts, len(cells)])
        return cls.from_cells(cells[firsts], counts % 256, rows, dim)

    @classmethod
    def from_dense(cls, dense: np.ndarray) -> CountRows:
        dense = np.asarray(dense, dtype=np.uint8)
        cells = np.flatnonzero(dense)
        return cls.from_cells(cells, dense.reshape(-1)[cells], dense.shape[0], dense.shape[1])

    @classmethod
    def stacked(cls, parts: list[CountRows], dim: int) -> CountRows:
        """The rows of ``parts`` one after another (a document made a slice at a time)."""
        before = np.cumsum([0] + [part.starts[-1] - part.starts[0] for part in parts])
        starts = [np.zeros(1, dtype=np.int64)] + [part.starts[1:] - part.starts[0] + first
                                                   for part, first in zip(parts, before)]
        entries = [slice(part.starts[0], part.starts[-1]) for part in parts]
        return cls(np.concatenate(starts).astype(np.int64),
                   np.concatenate([np.zeros(0, dtype=np.int32)] + [p.columns[e] for p, e in zip(parts, entries)]),
                   np.concatenate([np.zeros(0, dtype=np.uint8)] + [p.counts[e] for p, e in zip(parts, entries)]), dim)

    @classmethod
    def of(cls, counts: CountRows | np.ndarray) -> CountRows:
        """``counts`` stored by rows (a dense (rows, dim) array is converted)."""
        return counts if isinstance(counts, CountRows) else cls.from_dense(counts)

    def rows(self, start: int, stop: int) -> CountRows:
        """Rows ``start:stop``, clipped to the rows there are as a slice is."""
        stop = max(start, min(stop, len(self)))
        return replace(self, starts=self.starts[start:stop + 1])

    def __len__(self) -> int:
        return len(self.starts) - 1

    def used(self) -> np.ndarray:
        """Which of the ``dim`` columns any row counts, shape (dim,)."""
        mark = np.zeros(self.dim, dtype=bool)
        mark[self.columns[self.starts[0]:self.starts[-1]]] = True
        return mark

    def dense(self, dtype: type = np.uint8, keep: np.ndarray | None = None) -> np.ndarray:
        """The rows as a dense (rows, dim) array (the search multiplies them in float32: made so, not copied);
        with ``keep`` (a boolean mask of the columns), over only those columns, in their order."""
        first, last = self.starts[0], self.starts[-1]
        rows, columns = np.repeat(np.arange(len(self)), np.diff(self.starts)), self.columns[first:last]
        counts = self.counts[first:last]
        if keep is None:
            out = np.zeros((len(self), self.dim), dtype=dtype)
        else:
            kept = keep[columns]
            rows, columns, counts = rows[kept], (np.cumsum(keep) - 1)[columns[kept]], counts[kept]
            out = np.zeros((len(self), int(keep.sum())), dtype=dtype)
        out[rows, columns] = counts
        return out

    def totals(self) -> np.ndarray:
        """Each row's sum of counts (float64, whole numbers)."""
        running = np.concatenate([[0.0], np.cumsum(self.counts, dtype=np.float64)])
        return running[self.starts[1:]] - running[self.starts[:-1]]


class LexicalCounts:
    """Both sides' bag-of-translations count vectors (:func:`aligner.lexicon.lexical_vectors`; dense arrays
    are stored by rows too) and each side's running total of keys, prepared once per document."""

    def __init__(self, src: CountRows | np.ndarray, tgt: CountRows | np.ndarray):
        self.counts = (CountRows.of(src), CountRows.of(tgt))
        self.cum = tuple(np.concatenate([[0.0], np.cumsum(side.totals())]) for side in self.counts)
