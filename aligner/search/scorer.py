"""Bead scores for a block of band rows at once, as array operations per bead type."""

from __future__ import annotations

import numpy as np

from ..scoring import length_penalty, normalise, span_sums
from .params import SearchParams
from .quotes import Dialogue, dialogue_penalty


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
                 lexical: tuple[np.ndarray, np.ndarray] | None = None,
                 quotes: Dialogue | None = None):
        self.S, self.T = S, T
        # each side's quotation marks (search.quotes)
        self.quotes = quotes if quotes is not None and (params.quote_weight or params.dialogue_weight) else None
        # bag-of-translations count vectors per sentence (see aligner.lexicon); runs are sums
        self.lexical = lexical if lexical is not None and params.lexical_weight else None
        if self.lexical is not None:
            self.src_lex_cum = np.concatenate([[0.0], np.cumsum(lexical[0].sum(axis=1, dtype=np.float64))])
            self.tgt_lex_cum = np.concatenate([[0.0], np.cumsum(lexical[1].sum(axis=1, dtype=np.float64))])
        # A run's embedding is approximated by its sentences' embeddings weighted by length^run_exponent,
        # which is closer to the encoder's embedding of the concatenation than a plain mean.
        self.S_w = S * (src_len[:, None] ** params.run_exponent).astype(np.float32)
        self.T_w = T * (tgt_len[:, None] ** params.run_exponent).astype(np.float32)
        self.types = [t for t in types if t[0] >= 1]
        self.p = params
        self.src_runs = _run_table(src_runs or {}, len(S))
        self.tgt_runs = _run_table(tgt_runs or {}, len(T))
        self.ratio = float(tgt_len.sum() / max(1.0, src_len.sum()))
        self.src_cum = np.concatenate([[0.0], np.cumsum(src_len)])
        self.tgt_cum = np.concatenate([[0.0], np.cumsum(tgt_len)]) / self.ratio

    def _runs(self, side: int, ends: np.ndarray, width: int) -> np.ndarray:
        """Embeddings of the runs ``[e - width, e)``: real where embedded, else approximated (zero where
        the run would leave the document)."""
        base, weighted, runs = (self.S, self.S_w, self.src_runs) if side == 0 else (self.T, self.T_w, self.tgt_runs)
        if width == 1:
            return base[np.maximum(ends - 1, 0)]
        block = normalise(span_sums(weighted, ends, width))
        if width in runs:
            index, table = runs[width]
            rows = index[ends]
            known = rows >= 0
            block[known] = table[rows[known]]
        return block

    def __call__(self, i0: int, i1: int, lo: np.ndarray, hi: np.ndarray, types: list | None = None) -> np.ndarray:
        """Scores of beads ending at (i, lo[i] + c) for i0 <= i < i1: (types, rows, widest row), one
        entry per type of ``types`` (default: the step types, a >= 1); -inf where a bead cannot end."""
        p = self.p
        types = self.types if types is None else types
        n, m = len(self.S), len(self.T)
        rows = np.arange(i0, i1)
        width = int((hi[i0:i1] - lo[i0:i1]).max()) + 1
        cols = lo[i0:i1, None] + np.arange(width)[None, :]                    # (R, W) absolute columns
        valid = cols <= hi[i0:i1, None]
        cols = np.minimum(cols, m)
        c0, c1 = int(cols.min()), int(cols.max()) + 1                          # the block's column range
        out = np.full((len(types), len(rows), width), -np.inf)
        a_values = sorted({a for a, b in types if b >= 1})
        b_values = sorted({b for a, b in types if 1 <= b <= m})  # a run longer than the document: -inf
        if (1, 0) in types:
            out[types.index((1, 0))] = np.where((rows >= 1)[:, None], p.skip, -np.inf)
        if not a_values:
            return out
        max_a, max_b = a_values[-1], b_values[-1]
        c1 = min(m, max(c1 - 1, max_b)) + 1  # ends are clipped up to b below: cover them
        src = {a: self._runs(0, rows, a) for a in a_values}                     # (R, d) each
        tgt = {b: self._runs(1, np.arange(c0, c1), b) for b in b_values}         # (C, d) each
        # neighbour margin, target side: each source run against the target sentences around its beads
        t0, t1 = max(0, c0 - max_b - 1), min(m, c1)
        # source side: each target run against the source sentences before and after each source run
        s0, s1 = max(0, i0 - max_a - 1), min(n, i1)
        near_s = {b: self.S[s0:s1] @ tgt[b].T for b in b_values}                # (source sentences, C)
        r_idx = np.arange(len(rows))[:, None]
        s_after_row = np.minimum(rows - s0, s1 - s0 - 1)[:, None]  # row n has no sentence after: masked
        lex = self._lexical_table(i0, i1, c0, c1, max_a, max_b) if self.lexical is not None else None
        for a in a_values:
            near_t = src[a] @ self.T[t0:t1].T                                   # (R, target sentences)
            near_t = np.concatenate([near_t, np.zeros((len(rows), 1), dtype=near_t.dtype)], axis=1)
            missing = near_t.shape[1] - 1  # the zero column, for neighbours outside the document
            before = rows - a - 1
            s_before_row = np.maximum(before - s0, 0)[:, None]
            s_ok = ((before >= 0).astype(np.float32)[:, None], (rows < n).astype(np.float32)[:, None])
            src_len = (self.src_cum[rows] - self.src_cum[np.maximum(rows - a, 0)])[:, None]
            for b in b_values:
                if (a, b) not in types:
                    continue
                ends = np.minimum(np.maximum(cols, b), m)  # spans before the document: clipped, masked below
                sims = (src[a] @ tgt[b].T)[r_idx, ends - c0]
                left = ends - b - 1
                left_ok, right_ok = left >= 0, ends < m
                left_t = near_t[r_idx, np.where(left_ok, left - t0, missing)]
                right_t = near_t[r_idx, np.where(right_ok, ends - t0, missing)]
                tgt_nb = (left_t + right_t) / np.maximum(left_ok.astype(np.float32) + right_ok, 1)
                ns = near_s[b]
                s_before = ns[s_before_row, ends - c0] * s_ok[0]
                s_after = ns[s_after_row, ends - c0] * s_ok[1]
                src_nb = (s_before + s_after) / np.maximum(s_ok[0] + s_ok[1], 1)
                margins = sims - p.neighbour_share * p.neighbour_weight * (tgt_nb + src_nb)
                if lex is not None:
                    margins = margins + p.lexical_weight * self._dice(lex, rows, a, ends, b)
                tgt_len = self.tgt_cum[ends] - self.tgt_cum[ends - b]
                if p.length_mode == "mult":
                    scores = margins * np.log2(1 + (np.minimum(src_len, tgt_len)
                                                    / np.maximum(np.maximum(src_len, tgt_len), 1e-9))
                                               ** p.length_exponent)
                else:
                    scores = margins - p.length_weight * length_penalty(src_len, tgt_len, 1.0)
                scores = scores - p.merge_penalty * (a + b - 2)
                if self.quotes is not None:
                    scores = scores - dialogue_penalty(self.quotes, p.quote_weight, p.dialogue_weight, rows, a, ends, b)
                scores[(cols < b) | (rows < a)[:, None]] = -np.inf
                out[types.index((a, b))] = scores
        out[:, ~valid] = -np.inf
        return out

    def _lexical_table(self, i0: int, i1: int, c0: int, c1: int, max_a: int, max_b: int):
        """Prefix sums over both axes of the pairwise sentence overlaps around the block: the overlap of two
        runs is the sum of their sentences' pairwise overlaps (whole counts: exact in float64)."""
        src_lex, tgt_lex = self.lexical
        s0, t0 = max(0, i0 - max_a), max(0, c0 - max_b)
        pair = src_lex[s0:i1].astype(np.float32) @ tgt_lex[t0:c1 - 1].astype(np.float32).T
        table = np.zeros((pair.shape[0] + 1, pair.shape[1] + 1))
        table[1:, 1:] = pair.cumsum(axis=0).cumsum(axis=1)
        return table, s0, t0

    def _dice(self, lex, rows: np.ndarray, a: int, ends: np.ndarray, b: int) -> np.ndarray:
        """Dice overlap of the two sides' bags of translations for each cell, (R, W)."""
        table, s0, t0 = lex
        top = (rows - s0)[:, None]  # the table covers every run of the block: only empty runs need care
        bottom = np.maximum(rows - a - s0, 0)[:, None]
        right = ends - t0
        left = ends - b - t0
        overlap = table[top, right] - table[bottom, right] - table[top, left] + table[bottom, left]
        src_size = (self.src_lex_cum[rows] - self.src_lex_cum[np.maximum(rows - a, 0)])[:, None]
        tgt_size = self.tgt_lex_cum[ends] - self.tgt_lex_cum[ends - b]
        return 2 * overlap / np.maximum(tgt_size + src_size, 1)


def _run_table(runs: dict, n: int) -> dict:
    """{width: (row of the run ending at each position or -1, stacked run vectors)} for vectorised lookup."""
    table = {}
    for width in {e - s for s, e in runs}:
        spans = [(s, e) for s, e in runs if e - s == width]
        index = np.full(n + 1, -1, dtype=np.int64)
        index[[e for _, e in spans]] = np.arange(len(spans))
        table[width] = (index, np.stack([runs[span] for span in spans]))
    return table
