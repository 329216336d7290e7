"""Bead scores for a block of band rows at once, as array operations per bead type."""

from __future__ import annotations

import copy
import threading
from typing import NamedTuple

import numpy as np

from ..scoring import length_penalty
from ..counts import CountRows, LexicalCounts
from .params import SearchParams
from .compiled import NUMBA_SENTENCES, band_columns, kernels, overlap_table
from .quotes import Dialogue, penalty_table, run_codes
from .runs import approximated, run_norms, run_table


class CellTerms(NamedTuple):
    """What a block's cells are gathered from: the products of its runs for each scored type (types, R, C,
    from column ``c0``), of its source runs with the target sentences from ``t0`` (a values, R, sentences +
    1: the last column stands for a neighbour outside the document) and of the source sentences from ``s0``
    with its target runs (b values, sentences, C); each type's row in the last two (``by_a``, ``by_b``:
    (types, 1, 1)); and the dictionary's table (:meth:`BandScorer._lexical_table`) or None."""

    products: np.ndarray
    near_t: np.ndarray
    near_s: np.ndarray
    by_a: np.ndarray
    by_b: np.ndarray
    c0: int
    t0: int
    s0: int
    lex: tuple | None


class BandScorer:
    """Scores every bead type at every band cell of a block of rows (a :data:`dp.BlockScorer`).

    A bead's score is its cosine similarity minus the mean similarity of each side with the sentences
    just outside the other side (Bertalign's neighbour margin: how much better the bead is than the same
    bead shifted by one sentence), times a length-agreement factor. Runs of sentences not embedded for
    real are approximated from their sentences' embeddings.

    For each pair of run widths (a, b), one product of the block's source runs with the target runs of
    the block's column range gives every cell; the cells of each row are then gathered from it.
    """

    def __init__(self, S: np.ndarray, T: np.ndarray, src_len: np.ndarray, tgt_len: np.ndarray,
                 types: tuple, params: SearchParams, src_runs: dict | None = None, tgt_runs: dict | None = None,
                 lexical: LexicalCounts | tuple[np.ndarray, np.ndarray] | None = None,
                 quotes: Dialogue | None = None, compiled: bool = False, products: bool = False):
        self.S, self.T = S, T
        self.compiled = compiled  # each cell's terms from the compiled kernel (search.compiled; see dp.banded_dp)
        self.products = products  # compiled: the cosines from the run vectors' products (products_for)
        # each side's quotation marks (search.quotes)
        self.quotes = quotes if quotes is not None and any(params.dialogue_weights()) else None
        if self.quotes is not None:
            self.quote_arrays = (*self.quotes.open, *self.quotes.marked, *self.quotes.turns)
        # bag-of-translations count vectors per sentence (see aligner.lexicon); runs are sums
        if lexical is not None and not isinstance(lexical, LexicalCounts):
            lexical = LexicalCounts(*lexical)
        self.lexical = lexical if lexical is not None and params.lexical_weight else None
        self.src_lex_cum, self.tgt_lex_cum = self.lexical.cum if self.lexical is not None else (np.zeros(1),) * 2
        # A run's embedding is approximated by its sentences' embeddings weighted by length^run_exponent,
        # which is closer to the encoder's embedding of the concatenation than a plain mean. The weights only
        # are kept: weighted copies of the vectors were a second copy of both documents' embeddings.
        self.src_weight = (src_len[:, None] ** params.run_exponent).astype(np.float32)
        self.tgt_weight = (tgt_len[:, None] ** params.run_exponent).astype(np.float32)
        self.types = [t for t in types if t[0] >= 1]
        self.p = params
        self.src_runs = run_table(src_runs or {}, len(S))
        self.tgt_runs = run_table(tgt_runs or {}, len(T))
        self.ratio = float(tgt_len.sum() / max(1.0, src_len.sum()))
        self.src_cum = np.concatenate([[0.0], np.cumsum(src_len)])
        self.tgt_cum = np.concatenate([[0.0], np.cumsum(tgt_len)]) / self.ratio
        self._work = threading.local()  # each thread's work arrays (dp.scored_blocks)
        self._norms: dict[int, dict[int, np.ndarray]] = {}  # see _inverse_norms
        self._penalty_tables: dict[tuple, np.ndarray] = {}  # quotes.penalty_table by weights, shared when derived

    def derived(self, params: SearchParams, types: tuple, src_runs: dict, tgt_runs: dict) -> BandScorer:
        """A scorer of the same document with other parameters (calibrated ones), bead types or embedded
        runs, sharing this one's per-sentence arrays (a book's weighted vectors are tens of megabytes, and
        fresh memory costs page faults). The parameters the shared arrays were made with must not change."""
        if any(getattr(params, k) != getattr(self.p, k) for k in _SHARED_PARAMS):
            raise ValueError(f"a derived scorer keeps {', '.join(_SHARED_PARAMS)}")
        other = copy.copy(self)
        other.p, other.types = params, [t for t in types if t[0] >= 1]
        other.src_runs, other.tgt_runs = run_table(src_runs, len(self.S)), run_table(tgt_runs, len(self.T))
        return other  # the work arrays shared too: the search uses one scorer at a time (per thread)

    def _buffer(self, name: str, shape: tuple, dtype=np.float32) -> np.ndarray:
        """A work array of this shape, reused from call to call (its contents are not kept): a block's
        products are megabytes with a large encoder, which the allocator would otherwise return to the
        system and fault in again for every block."""
        size = int(np.prod(shape))
        arrays = self._work.__dict__
        held = arrays.get(name)
        if held is None or held.size < size:
            held = arrays[name] = np.empty(size, dtype=dtype)
        return held[:size].reshape(shape)

    def _runs(self, side: int, start: int, stop: int, widths: list[int]) -> dict[int, np.ndarray]:
        """Embeddings of the runs ``[e - width, e)`` ending at ``start <= e < stop``, for each of ``widths``:
        real where embedded, else approximated for the block (zero where the run would leave the document):
        the compiled scorer's products (the numpy scorer's come from the sentences', :meth:`linear`)."""
        base, weight = (self.S, self.src_weight) if side == 0 else (self.T, self.tgt_weight)
        ends = np.arange(start, stop)
        out = {1: base[start - 1:stop - 1] if start >= 1 else base[np.maximum(ends - 1, 0)]} if 1 in widths else {}
        wide = [width for width in widths if width >= 2]
        out.update(approximated(base, weight, ends, wide))
        for width, (found, vectors) in self._real(side, start, stop, wide).items():
            out[width][found] = vectors
        return out

    def __call__(self, i0: int, i1: int, lo: np.ndarray, hi: np.ndarray, types: list | None = None,
                 pieces: bool = False) -> np.ndarray:
        """Scores of beads ending at (i, lo[i] + c) for i0 <= i < i1: (types, rows, widest row), one
        entry per type of ``types`` (default: the step types, a >= 1); -inf where a bead cannot end.

        Every bead type at once: each array below is (types, rows, widest row), so the numpy calls per
        block do not grow with the number of types (a dozen for zh-en; per type, they cost more than the
        arithmetic on a narrow band's blocks). Each cell's operations, and their float32/float64 types,
        are those of one type scored alone. ``pieces``: a block of few cells per row along a diagonal (the
        lazy windows') has the compiled scorer's products made in pieces that follow it (:func:`_segments`)."""
        return self.scores_under((self.p,), i0, i1, lo, hi, types, pieces)[0]

    def scores_under(self, params: tuple[SearchParams, ...], i0: int, i1: int, lo: np.ndarray, hi: np.ndarray,
                     types: list | None = None, pieces: bool = False) -> list[np.ndarray]:
        """What ``__call__`` gives, once under each of ``params`` (which keep the shared arrays' parameters),
        from one set of products: the calibrations score the same 1-1 beads with and without the length
        factor, and the products are most of a block's cost."""
        types = self.types if types is None else types
        n, m = len(self.S), len(self.T)
        rows = np.arange(i0, i1)
        width = int((hi[i0:i1] - lo[i0:i1]).max()) + 1
        cols = lo[i0:i1, None] + np.arange(width)[None, :]                    # (R, W) absolute columns
        valid = cols <= hi[i0:i1, None]
        cols = np.minimum(cols, m)
        c0, c1 = int(cols.min()), int(cols.max()) + 1                          # the block's column range
        outs = [np.full((len(types), len(rows), width), -np.inf) for _ in params]
        scored = [t for t in types if t[0] >= 1 and 1 <= t[1] <= m]  # a run longer than the document: -inf
        if (1, 0) in types:
            for out, p in zip(outs, params):
                out[types.index((1, 0))] = np.where((rows >= 1)[:, None] & valid, p.source_skip(), -np.inf)
        if not scored:
            return outs
        a_values, b_values = sorted({a for a, _ in scored}), sorted({b for _, b in scored})
        max_a, max_b = a_values[-1], b_values[-1]
        c1 = min(m, max(c1 - 1, max_b)) + 1  # ends are clipped up to b below: cover them
        a = np.array([t[0] for t in scored])[:, None, None]                     # (types, 1, 1)
        b = np.array([t[1] for t in scored])[:, None, None]
        products = self._buffer("products", (len(scored), len(rows), c1 - c0))  # (types, R, C)
        t0, t1 = max(0, c0 - max_b - 1), min(m, c1)
        near_t = self._buffer("near_t", (len(a_values), len(rows), t1 - t0 + 1))  # last column: outside
        near_t[:, :, -1] = 0.0
        s0 = max(0, i0 - max_a - 1)
        near_s = self._buffer("near_s", (len(b_values), min(n, i1) - s0, c1 - c0))  # (b values, sentences, C)
        if self.linear():
            self._linear_products(products, near_t, near_s, (i0, i1, c0, c1, s0, t0, t1), scored, a_values, b_values)
        else:
            self._products(products, near_t, near_s, (i0, i1, c0, c1, s0, t0), scored, a_values, b_values,
                           _segments(lo[i0:i1], width, c0, c1) if pieces else [(0, len(rows), 0, c1 - c0)])
        lex = self._lexical_table(i0, i1, c0, c1, max_a, max_b, (lo[i0:i1], hi[i0:i1])) \
            if self.lexical is not None else None
        terms = CellTerms(products, near_t, near_s, np.searchsorted(a_values, a), np.searchsorted(b_values, b),
                          c0, t0, s0, lex)
        kinds = [types.index(t) for t in scored]
        for out, p in zip(outs, params):
            if self.compiled:
                self._scores_compiled(out, np.array(kinds), terms, rows, lo[i0:i1], hi[i0:i1], a, b, p)
            else:
                out[kinds] = self._scores(terms, rows, cols, a, b, p)
                out[:, ~valid] = -np.inf
        return outs

    def linear(self) -> bool:
        """Whether the block's cosines come from one product of its sentences (:meth:`_linear_products`), as
        the numpy scorer's always do, rather than from the run vectors' products per bead type and run width
        (``products``, :func:`products_for`)."""
        return not (self.compiled and self.products)

    def _products(self, products: np.ndarray, near_t: np.ndarray, near_s: np.ndarray, corner: tuple,
                  scored: list, a_values: list, b_values: list, blocks: list) -> None:
        """The block's run products (see :meth:`scores_under`), each bead type's and the neighbour margins'
        from the run vectors, real or approximated: for each of ``blocks`` (rows and columns from the block's
        first), a product per type, source width and target width."""
        i0, i1, c0, c1, s0, t0 = corner
        n, m = len(self.S), len(self.T)
        max_a, max_b = a_values[-1], b_values[-1]
        src = self._runs(0, i0, i1, a_values)                                     # (R, d) each
        tgt = self._runs(1, c0, c1, b_values)                                     # (C, d) each
        for r0, r1, d0, d1 in blocks:
            for k, (x, y) in enumerate(scored):
                np.matmul(src[x][r0:r1], tgt[y][d0:d1].T, out=products[k, r0:r1, d0:d1])
            # neighbour margin, target side: each source run against the target sentences around its beads
            u0, u1 = max(0, c0 + d0 - max_b - 1), min(m, c0 + d1)
            for k, x in enumerate(a_values):
                np.matmul(src[x][r0:r1], self.T[u0:u1].T, out=near_t[k, r0:r1, u0 - t0:u1 - t0])
            # source side: each target run against the source sentences before and after each source run
            v0, v1 = max(0, i0 + r0 - max_a - 1), min(n, i0 + r1)
            for k, y in enumerate(b_values):
                np.matmul(self.S[v0:v1], tgt[y][d0:d1].T, out=near_s[k, v0 - s0:v1 - s0, d0:d1])

    def _linear_products(self, products: np.ndarray, near_t: np.ndarray, near_s: np.ndarray, corner: tuple,
                         scored: list, a_values: list, b_values: list) -> None:
        """What :meth:`_products` gives when every run is approximated, from one product of the block's source
        and target sentences: an approximated run is the normalised weighted sum of its sentences, so its
        cosine with a sentence or another run is a sum of weighted sentence cosines (prefix sums over the
        block, in float64) times the runs' reciprocal lengths (:func:`.runs.run_norms`). One product instead
        of one per type and width (about twenty for zh-en): the products were the numpy scorer's largest
        cost. The cosines differ from the run vectors' products in the last bits only."""
        i0, i1, c0, c1, s0, t0, t1 = corner
        pa, pb = a_values[-1], b_values[-1]
        sentences = self.S[s0:min(len(self.S), i1)] @ self.T[t0:t1].T               # (sentences, sentences)
        ns, nt = sentences.shape
        inv_s, inv_t = self._inverse_norms(0, a_values), self._inverse_norms(1, b_values)
        # prefix sums with ``pa`` / ``pb`` zero rows / columns in front: a run that would leave the document
        # reads them, and its reciprocal length (0) zeroes it
        down = np.zeros((pa + ns + 1, nt))      # source-weighted cosines summed down the source sentences
        np.cumsum(sentences * self.src_weight[s0:s0 + ns].astype(np.float64), axis=0, out=down[pa + 1:])
        across = np.zeros((ns, pb + nt + 1))    # target-weighted cosines summed across the target sentences
        tgt_weight = self.tgt_weight[t0:t1, 0].astype(np.float64)
        np.cumsum(sentences * tgt_weight, axis=1, out=across[:, pb + 1:])
        both = np.zeros((pa + ns + 1, pb + nt + 1))  # both weights, summed both ways
        np.cumsum(down * tgt_weight, axis=1, out=both[:, pb + 1:])
        rows, cols = slice(pa + i0 - s0, pa + i1 - s0), slice(pb + c0 - t0, pb + c1 - t0)
        for k, x in enumerate(a_values):  # neighbour margin, target side
            np.multiply(down[rows] - down[rows.start - x:rows.stop - x], inv_s[x][i0:i1, None],
                        out=near_t[k, :, :nt], casting="same_kind")
        for k, y in enumerate(b_values):  # source side
            np.multiply(across[:, cols] - across[:, cols.start - y:cols.stop - y], inv_t[y][c0:c1],
                        out=near_s[k], casting="same_kind")
        for k, (x, y) in enumerate(scored):
            above, left = slice(rows.start - x, rows.stop - x), slice(cols.start - y, cols.stop - y)
            runs = both[rows, cols] - both[above, cols] - both[rows, left] + both[above, left]
            runs *= inv_s[x][i0:i1, None]
            np.multiply(runs, inv_t[y][c0:c1], out=products[k], casting="same_kind")
        # runs embedded for real (the lazy rounds'): their rows and columns from their own products with the
        # other side's sentences, summed the same way; where both are real, their product
        real_s, real_t = self._real(0, i0, i1, a_values), self._real(1, c0, c1, b_values)
        for ka, x in enumerate(a_values):
            if x in real_s:
                r, vectors = real_s[x]
                direct = vectors @ self.T[t0:t1].T
                near_t[ka, r, :nt] = direct
                summed = np.zeros((len(r), pb + nt + 1))
                np.cumsum(direct * tgt_weight, axis=1, out=summed[:, pb + 1:])
                for k in (k for k, t in enumerate(scored) if t[0] == x):
                    y = scored[k][1]
                    products[k, r] = (summed[:, cols] - summed[:, cols.start - y:cols.stop - y]) * inv_t[y][c0:c1]
        for kb, y in enumerate(b_values):
            if y in real_t:
                c, vectors = real_t[y]
                direct = self.S[s0:s0 + ns] @ vectors.T
                near_s[kb][:, c] = direct
                summed = np.zeros((pa + ns + 1, len(c)))
                np.cumsum(direct * self.src_weight[s0:s0 + ns].astype(np.float64), axis=0, out=summed[pa + 1:])
                for k in (k for k, t in enumerate(scored) if t[1] == y):
                    x = scored[k][0]
                    products[k][:, c] = (summed[rows] - summed[rows.start - x:rows.stop - x]) * inv_s[x][i0:i1, None]
                    if x in real_s:
                        products[k][np.ix_(real_s[x][0], c)] = real_s[x][1] @ vectors.T

    def _real(self, side: int, start: int, stop: int, widths: list[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """The runs embedded for real among those ending at ``start <= e < stop``: for each width that has
        any, their offsets from ``start`` and their vectors."""
        runs = self.src_runs if side == 0 else self.tgt_runs
        out = {}
        for width in widths:
            if width >= 2 and width in runs:
                index, table = runs[width]
                at = index[start:stop]
                found = np.flatnonzero(at >= 0)
                if len(found):
                    out[width] = (found, table[at[found]])
        return out

    def _inverse_norms(self, side: int, widths: list[int]) -> dict[int, np.ndarray]:
        """:func:`.runs.run_norms` of one side, shared by the derived scorers: every width up to the widest
        the scorer's types have there, at the first call (the calibrations ask for one, the main pass for
        all; each call sums the runs from the first width again)."""
        known = self._norms.setdefault(side, {})
        if any(width not in known for width in widths):
            base, weight = (self.S, self.src_weight) if side == 0 else (self.T, self.tgt_weight)
            widest = max([*widths, *(t[side] for t in self.types)])
            known.update(run_norms(base, weight, list(range(1, widest + 1))))
        return known

    def _scores(self, terms: CellTerms, rows: np.ndarray, cols: np.ndarray, a: np.ndarray, b: np.ndarray,
                p: SearchParams) -> np.ndarray:
        """The scores of the scored types at every cell of the block's rows (types, R, W; ``cols`` (R, W)
        the cells' columns, clipped to the document), gathered from ``terms`` as numpy operations over
        all types at once (:func:`.kernel.cell_scores` computes the same, compiled); cells beyond a
        row's band are left for the caller to mask."""
        n, m = len(self.S), len(self.T)
        # Each term is gathered with one flat take: indexing with three broadcast arrays cost 6x more. Where
        # a term depends on the cell's end column alone, ``cols`` stands for the clipped ``ends`` (they differ
        # only in cells masked below); a term of one run width is gathered per width, then copied per type.
        c0, t0, s0 = terms.c0, terms.t0, terms.s0
        rows_in = np.arange(len(rows))[:, None]                                  # (R, 1)
        by_a, by_b = terms.by_a.ravel(), terms.by_b.ravel()
        width = terms.products.shape[2]
        # What depends on a cell's end column and its type's b alone is worked out once per (b, column of the
        # block), (B, C), and gathered: the same numbers as computing it per type and cell, fewer operations.
        b_values = np.array(sorted(set(b.ravel().tolist())))[:, None]             # (B, 1), as by_b counts them
        span = np.arange(c0, c0 + width)
        col_ends = np.minimum(np.maximum(span, b_values), m)  # spans before the document: clipped, masked later
        by_col = terms.by_b * width + (cols - c0)                                # (types, R, W) into (B, C)
        at = rows_in * width + (cols - c0)                                       # (R, W) in a row-major (R, C)
        sims = np.take(terms.products.reshape(len(by_a), -1), at, axis=1)
        outside = terms.near_t.shape[2] - 1
        left = col_ends - b_values - 1
        left_ok, right_ok = left >= 0, cols < m
        near_t = terms.near_t.reshape(len(terms.near_t), -1)
        left_t = np.take(near_t, (terms.by_a * len(rows) + rows_in) * (outside + 1)
                         + np.take(np.where(left_ok, left - t0, outside), by_col))
        right_t = np.take(np.take(near_t, rows_in * (outside + 1) + np.where(right_ok, cols - t0, outside), axis=1),
                          by_a, axis=0)
        tgt_nb = (left_t + right_t) / np.take(np.maximum(left_ok.astype(np.float32) + (span < m), 1), by_col)
        before = rows[:, None] - a - 1                                           # (types, R, 1)
        s_ok = ((before >= 0).astype(np.float32), (rows < n).astype(np.float32)[:, None])
        last = terms.near_s.shape[1] - 1
        near_s = terms.near_s.reshape(len(terms.near_s), -1)
        s_before = np.take(near_s, terms.by_b * near_s.shape[1] + np.maximum(before - s0, 0) * width
                           + (cols - c0)) * s_ok[0]
        s_after = np.take(np.take(near_s, np.minimum(rows - s0, last)[:, None] * width + (cols - c0), axis=1)
                          * s_ok[1], by_b, axis=0)                               # row n: masked
        src_nb = (s_before + s_after) / np.maximum(s_ok[0] + s_ok[1], 1)
        margins = sims - p.neighbour_share * p.neighbour_weight * (tgt_nb + src_nb)
        if terms.lex is not None:
            margins = margins + p.lexical_weight * self._dice(terms.lex, rows, a, np.take(col_ends, by_col), b)
        src_len = self.src_cum[rows[:, None]] - self.src_cum[np.maximum(rows[:, None] - a, 0)]
        tgt_len = np.take(self.tgt_cum[col_ends] - self.tgt_cum[col_ends - b_values], by_col)
        if p.length_mode == "mult":
            scores = margins * np.log2(1 + (np.minimum(src_len, tgt_len)
                                            / np.maximum(np.maximum(src_len, tgt_len), 1e-9))
                                       ** p.length_exponent)
        else:
            scores = margins - p.length_weight * length_penalty(src_len, tgt_len, 1.0)
        scores = scores - p.merge_penalty * (a + b - 2)
        if self.quotes is not None:  # dialogue_penalty, looked up from each side's run codes
            src_codes = run_codes(self.quote_arrays[0::2], rows[:, None], a)     # (types, R, 1)
            tgt_codes = np.take(run_codes(self.quote_arrays[1::2], col_ends, b_values), by_col)
            scores = scores - self._penalties(p.dialogue_weights())[src_codes << 4 | tgt_codes]
        scores[(cols[None] < b) | (rows[:, None] < a)] = -np.inf
        return scores

    def _penalties(self, weights: tuple[float, float, float]) -> np.ndarray:
        if weights not in self._penalty_tables:
            self._penalty_tables[weights] = penalty_table(weights)
        return self._penalty_tables[weights]

    def _scores_compiled(self, out: np.ndarray, kinds: np.ndarray, terms: CellTerms, rows: np.ndarray,
                         lo: np.ndarray, hi: np.ndarray, a: np.ndarray, b: np.ndarray, p: SearchParams) -> None:
        """What :meth:`_scores` gives, from the compiled kernel (bit for bit), written into ``out[kinds]``."""
        table, lex_s0, lex_t0 = terms.lex if terms.lex is not None else (np.zeros((1, 1)), 0, 0)
        quotes = self.quote_arrays if self.quotes is not None else \
            (np.zeros(1, dtype=bool),) * 2 + (np.zeros(1, dtype=np.int64),) * 4
        kernels().cell_scores(
            out, kinds, terms.products, terms.near_t, terms.near_s, a.ravel(), b.ravel(), terms.by_a.ravel(),
            terms.by_b.ravel(), int(rows[0]), lo, hi, len(self.S), len(self.T), terms.c0, terms.t0, terms.s0,
            np.float32(p.neighbour_share * p.neighbour_weight), self.src_cum, self.tgt_cum,
            p.length_mode == "mult", p.length_exponent, p.length_weight, p.merge_penalty,
            terms.lex is not None, table, lex_s0, lex_t0, self.src_lex_cum, self.tgt_lex_cum,
            p.lexical_weight, self.quotes is not None, *quotes,
            *(np.float32(w) for w in p.dialogue_weights()))

    def _lexical_table(self, i0: int, i1: int, c0: int, c1: int, max_a: int, max_b: int,
                       band: tuple[np.ndarray, np.ndarray] | None = None):
        """Prefix sums over both axes of the pairwise sentence overlaps around the block: the overlap of two
        runs is the sum of their sentences' pairwise overlaps (whole counts: exact in float64). ``band``:
        the rows' lo and hi; compiled, only the pairs their cells' runs cover are counted (the same
        overlaps: see :func:`.compiled.overlap_table`)."""
        s0, t0 = max(0, i0 - max_a), max(0, c0 - max_b)
        src, tgt = self.lexical.counts[0].rows(s0, i1), self.lexical.counts[1].rows(t0, c1 - 1)
        if self.compiled:
            needed = (None, None) if band is None else \
                band_columns(len(src), len(tgt), np.arange(i0 - s0, i1 - s0), band[0] - t0, band[1] - t0, max_a, max_b)
            return overlap_table(src, tgt, *needed), s0, t0
        src_dense, tgt_dense = _shared_columns(src, tgt)
        pair = src_dense @ tgt_dense.T
        table = np.zeros((pair.shape[0] + 1, pair.shape[1] + 1))
        table[1:, 1:] = pair.cumsum(axis=0).cumsum(axis=1)
        return table, s0, t0

    def _dice(self, lex, rows: np.ndarray, a, ends: np.ndarray, b) -> np.ndarray:
        """Dice overlap of the two sides' bags of translations for each cell, (R, W) (or every type at once:
        ``a`` and ``b`` of shape (types, 1, 1), ``ends`` (types, R, W)), at most 1: the overlap multiplies the
        counts, so a word repeated on both sides (a Morse code line of 短 and 长) scored up to 50."""
        table, s0, t0 = lex
        # The source runs' strips of the table, (run widths, R, columns + 1), differenced once per width, then
        # two gathers per cell instead of four: the table holds whole counts (exact in float64), so the
        # overlap is the same number in either order.
        a = np.asarray(a)
        widths = np.array(sorted(set(a.ravel().tolist())))
        strips = table[rows - s0] - table[np.maximum(rows - widths[:, None] - s0, 0)]
        right = (np.searchsorted(widths, a) * len(rows) + np.arange(len(rows))[:, None]) * table.shape[1] + ends - t0
        flat = strips.ravel()
        overlap = flat[right] - flat[right - b]
        src_size = self.src_lex_cum[rows[:, None]] - self.src_lex_cum[np.maximum(rows[:, None] - a, 0)]
        tgt_size = self.tgt_lex_cum[ends] - self.tgt_lex_cum[ends - b]
        return np.minimum(2 * overlap / np.maximum(tgt_size + src_size, 1), 1.0)


def _shared_columns(src: CountRows, tgt: CountRows) -> tuple[np.ndarray, np.ndarray]:
    """Both sides' count rows as dense float32 arrays over only the columns both use: a block's sentences fill
    a few hundred of the 1,024 columns, and the others add zeros to every overlap. The overlaps are whole
    counts, exact in float32 in any order, so the product gives the same numbers as over every column."""
    both = src.used() & tgt.used()
    return src.dense(np.float32, both), tgt.dense(np.float32, both)


# Vectors narrower than this make the compiled scorer's cosines from the run vectors' products on long
# documents (products_for): with USE's 512 the products per bead type and run width cost more than the float64
# sums of one product of the sentences; with the hash encoder's 64 the sums cost more (docs/algorithm.md step 9).
LINEAR_DIM = 256


def products_for(dim: int, sentences: int, compiled: bool) -> bool:
    """Whether a compiled search of ``sentences`` (both sides) with vectors of ``dim`` takes its cosines from
    the run vectors' products: narrow vectors, on documents long enough for numba's dispatchers (which a
    machine without the kernels' library uses), so that every shorter document's scores are the numpy search's
    to the bit, whichever kernels a machine has (the two ways differ in the last bits)."""
    return compiled and dim < LINEAR_DIM and sentences >= NUMBA_SENTENCES


SPARSE = 4  # a block whose rectangle is this many times its rows' cells is multiplied in narrower pieces


def _segments(lo: np.ndarray, width: int, c0: int, c1: int) -> list[tuple[int, int, int, int]]:
    """Pieces (r0, r1, d0, d1) of a block's rectangle, rows and columns counted from its first, that cover
    the ``width`` cells from ``lo`` of every row (clipped to the block's columns ``c0``..``c1``): for the
    lazy windows' blocks, a few cells per row along a diagonal (their products over the rectangle cost as
    much as the main pass's), runs of rows whose columns stay within the widest row + 16; the whole
    rectangle where it is less than SPARSE times the rows' cells."""
    rows = len(lo)
    if c1 - c0 <= SPARSE * width:
        return [(0, rows, 0, c1 - c0)]
    starts = lo.tolist()
    pieces, r0, left, right = [], 0, starts[0], starts[0]
    for r in range(1, rows + 1):
        if r < rows and max(right, starts[r]) - min(left, starts[r]) <= width + 16:
            left, right = min(left, starts[r]), max(right, starts[r])
            continue
        pieces.append((r0, r, left - c0, min(right + width, c1) - c0))
        if r < rows:
            r0, left, right = r, starts[r], starts[r]
    return pieces


# what a scorer's shared arrays depend on (BandScorer.derived)
_SHARED_PARAMS = ("run_exponent", "lexical_weight", "quote_weight", "dialogue_weight", "turn_weight")
