"""Lazy embedding of sentence runs: embed for real the runs near the path, then search again around them."""

from __future__ import annotations

from functools import partial
from typing import Callable, Protocol

import numpy as np

from ..encoders.base import one_blas_thread
from .dp import PathBead, block_cells, row_blocks, scored_blocks, scoring_threads, window_paths
from .params import SearchParams
from .scorer import BandScorer


class SpanSource(Protocol):
    texts: list[str]
    lang: str

    def __len__(self) -> int: ...
    def sentence_vectors(self) -> np.ndarray: ...
    def runs(self, spans: list[tuple[int, int]]) -> np.ndarray: ...
    def pieces(self, texts: list[str]) -> np.ndarray: ...
    # optional: def both(self, other, method, asks) -> [self.method(asks[0]), other.method(asks[1])], in one call


def lazy_round(path: list[PathBead], src: SpanSource, tgt: SpanSource, runs: tuple[dict, dict],
               scorer_for: Callable[[SearchParams], BandScorer], types: tuple, params: SearchParams,
               band: tuple[np.ndarray, np.ndarray], compiled: bool = False) -> list[PathBead] | None:
    """One lazy round: the runs near ``path`` not embedded yet embedded (into ``runs``, each side's), and the
    windows they touch searched again with ``scorer_for(params)``; None where there were none to embed. Its
    sets of spans live only as long as the round (a book's are megabytes)."""
    n, m = len(src), len(tgt)
    wanted = _spans_near(path, n, m, params.widest(), params.lazy_reach)
    if params.lazy_nulls:
        _add_null_merges(path, params.widest(), wanted)
    new = _embed_runs(src, tgt, wanted, *runs)
    if not any(new):
        return None
    changed = _touched(path, new, n, m)
    with one_blas_thread():
        return _realign_windows(path, changed, scorer_for(params), types, params, band, compiled=compiled)


def _realign_windows(path: list[PathBead], changed: list[int], scorer: BandScorer, types: tuple,
                     params: SearchParams, band: tuple[np.ndarray, np.ndarray], reach: int = 1,
                     compiled: bool = False) -> list[PathBead]:
    """Search again only around the beads whose scores changed, keeping the rest of the path: the cells of
    the search's ``band`` between each window's first and last lattice points (a window can grow long where
    many runs were embedded, and a whole rectangle would then cost its square)."""
    windows: list[list[int]] = []
    for k in changed:
        k0, k1 = max(0, k - reach), min(len(path) - 1, k + reach)
        if windows and k0 <= windows[-1][1] + 1:
            windows[-1][1] = k1
        else:
            windows.append([k0, k1])
    # every window's band in one pair of arrays (a window scores rows i0 + 1..i1, so no row is scored by
    # two), scored in a few large blocks rather than one small block per window; other rows get one cell,
    # which no search reads, on the path: the blocks then follow the windows' diagonal (BandScorer pieces)
    lo = _path_columns(path, len(band[0]) - 1)
    hi = lo.copy()
    spans = []
    for k0, k1 in windows:
        i0, j0, i1, j1 = path[k0].src.start, path[k0].tgt.start, path[k1].src.stop, path[k1].tgt.stop
        rows = slice(i0 + 1, i1 + 1)
        # np.minimum / maximum and plain ints: np.clip's checks cost more than the windows' own small searches
        lo[rows] = np.minimum(np.maximum(band[0][rows], j0), j1)
        hi[rows] = np.minimum(np.maximum(band[1][rows], j0), j1)
        spans.append((i0, j0, i1, j1))
    scores = _RowStore(scorer, lo, hi, [(i0 + 1, i1) for i0, _, i1, _ in spans], scoring_threads(compiled))
    # each window's start row with columns of its own (the row may end the window before)
    searched = window_paths([(i0, j0, i1, j1, min(max(int(band[0][i0]), j0), j1), min(max(int(band[1][i0]), j0), j1))
                             for i0, j0, i1, j1 in spans], lo, hi, types, scores, params.skip,
                            null_extend=params.null_extend(), compiled=compiled)
    out: list[PathBead] = []
    done = 0
    for (k0, k1), found in zip(windows, searched):
        out.extend(path[done:k0])
        out.extend(found)
        done = k1 + 1
    out.extend(path[done:])
    return out


def _path_columns(path: list[PathBead], n: int) -> np.ndarray:
    """For each row 0..n, the column where the path leaves it (a row inside a bead: the bead's end)."""
    beads = [bead for bead in path if len(bead.src)]
    stops = np.array([bead.src.stop for bead in beads], dtype=np.int64)
    ends = np.array([bead.tgt.stop for bead in beads], dtype=np.int64)
    return np.concatenate([[0], ends[np.searchsorted(stops, np.arange(1, n + 1))]])


GROUP_GAP = 48  # rows between two windows scored in the same blocks rather than apart


class _RowStore:
    """Bead scores of the given row ranges, computed in large blocks, served to many small searches. The
    blocks are scored as the searches reach them, in row order, and each row is dropped once served: the
    windows of a book's first round cover most of its band, whose scores held at once took 290 MB."""

    def __init__(self, scorer: BandScorer, lo: np.ndarray, hi: np.ndarray, ranges: list[tuple[int, int]],
                 threads: int = 1):
        lo, hi = lo.copy(), hi.copy()  # the searches change their start rows
        self.lo, self.hi = lo, hi
        cells = block_cells(scorer.compiled)
        # the blocks read the local arrays, not self: a generator holding self kept the round's scorer and its
        # run tables alive after the round, until the cyclic collector ran
        blocks = (b for first, last in _grouped(ranges) for b in row_blocks(lo, hi, first, last, cells))
        self.blocks = scored_blocks(partial(scorer, pieces=True), blocks, lo, hi, threads)
        self.rows: dict[int, np.ndarray] = {}

    def __call__(self, i0: int, i1: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        while i1 - 1 not in self.rows:
            b0, b1, block = next(self.blocks)
            self.rows.update((i, block[:, i - b0, :self.hi[i] - self.lo[i] + 1]) for i in range(b0, b1))
        while next(iter(self.rows)) < i0:  # rows between windows, which no search asks for
            del self.rows[next(iter(self.rows))]
        block = np.full((len(self.rows[i0]), i1 - i0, int((hi[i0:i1] - lo[i0:i1]).max()) + 1), -np.inf)
        for i in range(i0, i1):
            block[:, i - i0, :hi[i] - lo[i] + 1] = self.rows.pop(i)
        return block


def _grouped(ranges: list[tuple[int, int]], gap: int = GROUP_GAP) -> list[tuple[int, int]]:
    """The windows' row ranges, those less than ``gap`` rows apart joined: a block that spans the rows
    between two windows scores their one cell each, but its products cover the whole rectangle, so far
    apart windows (the second round's few, spread over a book) are scored each on its own."""
    groups: list[list[int]] = []
    for first, last in sorted(r for r in ranges if r[0] <= r[1]):
        if groups and first - groups[-1][1] <= gap:
            groups[-1][1] = max(groups[-1][1], last)
        else:
            groups.append([first, last])
    return [(first, last) for first, last in groups]


def _spans_in_band(lo, hi, width):
    src_spans, tgt_spans = set(), set()
    n = len(lo) - 1
    for i in range(n + 1):
        for a in range(2, width + 1):
            if i - a >= 0:
                src_spans.add((i - a, i))
        for j in range(lo[i], hi[i] + 1):
            for b in range(2, width + 1):
                if j - b >= 0:
                    tgt_spans.add((j - b, j))
    return src_spans, tgt_spans


def _spans_near(path: list[PathBead], n: int, m: int, width: int, reach: int):
    """Runs worth embedding for real: those the path merges, and their variations by ``reach`` sentences."""
    src_spans, tgt_spans = set(), set()
    for bead in path:
        if len(bead.src) <= 1 and len(bead.tgt) <= 1:
            continue
        for spans, r, limit in ((src_spans, bead.src, n), (tgt_spans, bead.tgt, m)):
            # one boundary moved at a time: the alternatives a search in the window will weigh
            for d0, d1 in {(d, 0) for d in range(-reach, reach + 1)} | {(0, d) for d in range(-reach, reach + 1)}:
                s, e = r.start + d0, r.stop + d1
                if 0 <= s and e <= limit and 2 <= e - s <= width:
                    spans.add((s, e))
    return src_spans, tgt_spans


def _add_null_merges(path: list[PathBead], width: int, wanted: tuple[set, set]) -> None:
    """Add to ``wanted`` the runs that merge each null bead into the bead before or after it: the
    approximation of a run can be low enough that a sentence is left out where a merge was right."""
    for k, bead in enumerate(path):
        side = 0 if bead.src else 1
        if bead.src and bead.tgt:
            continue
        mine = (bead.src, bead.tgt)[side]
        for other in path[max(0, k - 1): k] + path[k + 1: k + 2]:
            theirs = (other.src, other.tgt)[side]
            if other.src and other.tgt and len(theirs) + len(mine) <= width:
                wanted[side].add((min(theirs.start, mine.start), max(theirs.stop, mine.stop)))


def _touched(path: list[PathBead], spans: tuple[set, set], n: int, m: int) -> list[int]:
    """Indexes of the beads a newly embedded span overlaps on either side: a bead with sentences on that
    side shares one with the span, an empty side lies strictly inside it. Linear in the path and the
    spans (a book has thousands of each)."""
    sides = []
    for found, size in zip(spans, (n, m)):
        cover = np.zeros(size + 1, dtype=np.int64)
        inner = np.zeros(size + 1, dtype=np.int64)
        for a, b in found:
            cover[a] += 1
            cover[b] -= 1
            inner[a + 1] += 1
            inner[b] -= 1
        sides.append((np.concatenate([[0], np.cumsum(np.cumsum(cover) > 0)]), np.cumsum(inner) > 0))
    out = []
    for k, bead in enumerate(path):
        for r, (covered, inside) in zip((bead.src, bead.tgt), sides):
            if (covered[r.stop] > covered[r.start]) if len(r) else inside[r.start]:
                out.append(k)
                break
    return out


def _embed_runs(src: SpanSource, tgt: SpanSource, wanted, src_runs: dict, tgt_runs: dict) -> tuple[set, set]:
    """Embed the wanted runs not yet known; returns the spans newly embedded on each side."""
    missing = [sorted(s for s in spans if s not in store) for spans, store in zip(wanted, (src_runs, tgt_runs))]
    for spans, store, vectors in zip(missing, (src_runs, tgt_runs), both_sides(src, tgt, "runs", missing)):
        if spans:
            store.update(zip(spans, vectors))
    return set(missing[0]), set(missing[1])


def both_sides(src: SpanSource, tgt: SpanSource, method: str, asks: list[list]) -> list[np.ndarray | None]:
    """``src.method(asks[0])`` and ``tgt.method(asks[1])`` (``method``: "runs" or "pieces"), None for a side
    that asks nothing: in one encoder call where the sources can (``both``, as EmbeddingSource)."""
    if all(asks) and hasattr(src, "both") and hasattr(tgt, "both"):
        return list(src.both(tgt, method, asks))
    return [getattr(source, method)(items) if items else None for source, items in zip((src, tgt), asks)]
