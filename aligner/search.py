"""The alignment search: dynamic programming over beads inside a band found coarse-to-fine.

The lattice point (i, j) means "the first i source and first j target sentences are aligned". A band
gives, for each row i, the columns lo[i]..hi[i] the search may visit; bands come from the path found on
a coarser copy of the documents (blocks of sentences averaged), so time and memory grow linearly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from numbers import Integral, Real
from typing import Callable, Protocol

import numpy as np

from .scoring import length_penalty, normalise, span_sums

# Full search below this many lattice cells; above, search a downsampled copy first.
FULL_SEARCH_CELLS = 400_000
DOWNSAMPLE = 4
COARSE_TYPES = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2))
MAX_PARAM = 1000.0  # largest weight or score a search parameter may have (a cosine is at most 1)
# The range of each whole-number parameter, chosen so that the largest still finishes in reasonable time
# (docs/algorithm.md, Parameters: the largest together took 6x the defaults). lazy_reach beyond max_bead adds
# no run; lazy rounds stop anyway once no new run is wanted.
INT_RANGES = {"max_bead": (1, 8), "band": (0, 100), "lazy_reach": (0, 8), "lazy_rounds": (0, 10)}
# The typical best 1-1 score for which skip and merge_penalty were tuned (USE on our documents).
REFERENCE_SCORE = 0.41
CALIBRATED = ("skip", "skip_run", "merge_penalty")  # the parameters calibration scales


def parse_param(kind: type, value: str):
    """``value`` (text from the command line or a manifest) parsed as a ``kind`` (SearchParams checks its
    range); ValueError says what it takes."""
    value = value.strip()
    if kind is bool:
        # Anything but a yes-word used to mean False, so a typo (calibrate=ture) silently turned it off.
        word = value.lower()
        if word not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise ValueError("true or false")
        return word in ("1", "true", "yes", "on")
    try:
        return kind(value)
    except ValueError:
        raise ValueError({int: "a whole number", float: "a number"}.get(kind, f"a {kind.__name__}")) from None


@dataclass
class SearchParams:
    max_bead: int = 4            # most sentences on one side of a bead
    band: int = 10               # sentences either side of the coarse path searched at full resolution
    merge_penalty: float = 0.01  # per sentence beyond 1-1
    length_weight: float = 0.05  # with length_mode add: weight of the squared log length ratio
    calibrate: bool = True       # scale skip and merge penalty to the document's typical 1-1 score
    overlaps: str = "lazy"       # embed sentence runs: lazy (near the path), all (in the band), none
    lazy_reach: int = 0          # lazy: also embed runs that differ from the path's by this many sentences
    lazy_rounds: int = 2         # lazy: re-searches with newly embedded runs
    lazy_nulls: bool = True      # lazy: also embed the merges that would absorb each null bead into a neighbour
    lexical_weight: float = 0.35  # CC-CEDICT overlap weight (aligner.lexicon; zh-en only); 0.35 measured
    neighbour_weight: float = 0.9  # how much of the neighbours' similarity is subtracted
    length_mode: str = "mult"    # length agreement: mult (log2(1 + min/max)) or add (log-ratio penalty)
    skip: float = -0.09          # score of a 1-0 or 0-1 bead
    skip_run: float = -0.05      # score of a 1-0 or 0-1 bead that continues a run of them on the same side

    def __post_init__(self):
        for f in fields(self):
            # plain Python values (numpy scalars too), so that the signature and cache key are JSON
            setattr(self, f.name, _checked(f.name, getattr(self, f.name), f.default))
        if self.overlaps not in ("lazy", "all", "none"):
            raise ValueError("overlaps must be lazy, all or none")
        if self.length_mode not in ("mult", "add"):
            raise ValueError("length_mode must be mult or add")

    def null_extend(self) -> float | None:
        """What banded_dp needs for runs of null beads: None when they cost the same as single ones."""
        return None if self.skip_run == self.skip else self.skip_run

    def bead_types(self) -> tuple[tuple[int, int], ...]:
        # 1-0, 0-1 and m-n with m, n <= max_bead and m + n <= max_bead + 1 (1-4 and 2-3 at 4)
        return tuple((a, b) for a in range(self.max_bead + 1) for b in range(self.max_bead + 1)
                     if (a, b) in ((1, 0), (0, 1)) or (a >= 1 and b >= 1 and a + b <= self.max_bead + 1))

    def as_dict(self) -> dict:
        return asdict(self)


def _checked(name: str, value, default):
    """``value`` as a plain value of its default's kind, within its range (API callers and --param alike)."""
    if isinstance(default, bool):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name} must be true or false")
        return bool(value)
    if isinstance(default, int):
        # counts and widths: a negative band made the search crawl (band=-1: 80 s for 800 lines) or crash,
        # a huge lazy_reach never finished
        low, high = INT_RANGES[name]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral) or not low <= value <= high:
            raise ValueError(f"{name} must be a whole number >= {low} and <= {high}")
        return int(value)
    if isinstance(default, float):
        # scores are sums of these times cosines: nan, inf or beyond this overflow and crash the search
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real) or not abs(value) <= MAX_PARAM:
            raise ValueError(f"{name} must be a number between -{MAX_PARAM:g} and {MAX_PARAM:g}")
        return float(value)
    return str(value) if isinstance(value, str) else value  # choices: __post_init__ names them


@dataclass(frozen=True)
class PathBead:
    src: range
    tgt: range
    score: float


class SpanSource(Protocol):
    def __len__(self) -> int: ...
    def sentence_vectors(self) -> np.ndarray: ...
    def runs(self, spans: list[tuple[int, int]]) -> np.ndarray: ...


# ---------------------------------------------------------------- the banded DP engine

RowScorer = Callable[[int, np.ndarray], np.ndarray]
_CHUNK = 2048  # positions per block of run embeddings held at once


def banded_dp(n: int, m: int, lo: np.ndarray, hi: np.ndarray, types: tuple, row_scores: RowScorer,
              null_score: float = 0.0, start: tuple[int, int] = (0, 0),
              null_extend: float | None = None) -> list[PathBead]:
    """Best monotone bead path from ``start`` to (n, m) inside the band (rows indexed absolutely).

    ``row_scores(i, cols)`` returns the scores of beads ending at (i, cols), one row per type with
    a >= 1 in the order of ``types``; 0-1 beads (target sentences left unaligned) score ``null_score``.
    With ``null_extend``, a 1-0 or 0-1 bead that continues a run of such beads on the same side scores
    ``null_extend`` instead (affine gaps: a block left out costs less per sentence than scattered ones);
    a 1-0 bead's first score is what ``row_scores`` gives it.
    """
    steps = [t for t in types if t[0] >= 1]
    null_t = len(steps)  # backpointer code of a 0-1 step
    gap_t = null_t + 1   # backpointer code of a 1-0 step that continues a run of them
    t10 = steps.index((1, 0)) if null_extend is not None and (1, 0) in steps else None
    extend = null_score if null_extend is None else null_extend
    max_a = max(a for a, _ in steps)
    max_b = max(b for _, b in steps)
    i0, j0 = start
    D: list[np.ndarray] = []  # D[i - i0]: best score of each band cell of row i
    BP: list[np.ndarray] = []
    G: list[np.ndarray] = []  # best score of each cell reached by a 1-0 bead (when runs are cheaper)
    G_open: list[np.ndarray] = []  # whether that 1-0 bead starts its run
    chain: list[np.ndarray] = []  # where the run of 0-1 beads ending at each cell starts (absolute column)
    for i in range(i0, n + 1):
        width = int(hi[i] - lo[i] + 1)
        if i == i0:
            best = np.full(width, -np.inf)
            best[j0 - lo[i]] = 0.0
            bp = np.full(width, null_t, dtype=np.int8)
            if t10 is not None:
                G.append(np.full(width, -np.inf))
                G_open.append(np.ones(width, dtype=bool))
        else:
            # previous rows laid out on this row's columns shifted left by max_b, -inf outside their bands
            base = int(lo[i]) - max_b
            prev = np.full((max_a + 1, width + max_b), -np.inf)
            for a in range(1, min(max_a, i - i0) + 1):
                prev[a] = _shifted(D[i - a - i0], int(lo[i - a]), base, width + max_b)
            cand = np.stack([prev[a, max_b - b: max_b - b + width] for a, b in steps]) + row_scores(i, np.arange(lo[i], hi[i] + 1))
            if t10 is not None:
                cont = _shifted(G[-1], int(lo[i - 1]), int(lo[i]), width) + null_extend
                G_open.append(cand[t10] >= cont)
                G.append(np.maximum(cand[t10], cont))
                cand = np.concatenate([cand, np.full((gap_t - len(steps), width), -np.inf), cont[None]])
            bp = np.argmax(cand, axis=0).astype(np.int8)
            best = np.take_along_axis(cand, bp[None, :].astype(np.intp), axis=0)[0]
        starts = np.zeros(0, dtype=np.int64)
        if (0, 1) in types:
            # runs of 0-1 steps along the row: best[j] = max_k best[k] + null_score + extend * (j - k - 1)
            offsets = np.arange(width) * extend
            lead = best - offsets
            top = np.maximum.accumulate(lead)
            first = np.maximum.accumulate(np.where(lead >= top, np.arange(width), 0))  # where each running max is set
            running = np.full(width, -np.inf)
            running[1:] = top[:-1] + offsets[1:] + null_score - extend
            from_left = running > best + 1e-12
            starts = np.full(width, -1, dtype=np.int64)
            starts[1:] = first[:-1] + int(lo[i])
            best = np.maximum(running, best)
            bp[from_left] = null_t
        D.append(best)
        BP.append(bp)
        chain.append(starts)
    if hi[n] != m or not np.isfinite(D[n - i0][m - lo[n]]):
        raise RuntimeError("the search band does not reach the end of both documents")
    path = []
    i, j, in_gap = n, m, False
    while i > i0 or j > j0:
        r = i - i0
        if in_gap:  # inside a run of 1-0 beads
            opens = G_open[r][j - lo[i]]
            before = D[r - 1] if opens else G[r - 1]
            path.append(PathBead(range(i - 1, i), range(j, j), float(G[r][j - lo[i]] - before[j - lo[i - 1]])))
            i, in_gap = i - 1, not opens
            continue
        t = BP[r][j - lo[i]]
        if t == null_t:
            k = int(chain[r][j - lo[i]])
            for jj in range(j - 1, k - 1, -1):
                path.append(PathBead(range(i, i), range(jj, jj + 1), float(null_score if jj == k else extend)))
            j = k
            continue
        if t == gap_t:
            path.append(PathBead(range(i - 1, i), range(j, j), float(null_extend)))
            i, in_gap = i - 1, True
            continue
        a, b = steps[t]
        score = D[r][j - lo[i]] - D[r - a][j - b - lo[i - a]]
        path.append(PathBead(range(i - a, i), range(j - b, j), float(score)))
        i, j = i - a, j - b
    path.reverse()
    return path


def _shifted(row: np.ndarray, row_lo: int, lo: int, width: int) -> np.ndarray:
    """A previous row's values laid out on this row's columns (-inf where that row has no cell)."""
    out = np.full(width, -np.inf)
    c0, c1 = max(row_lo, lo), min(row_lo + len(row), lo + width)
    if c1 > c0:
        out[c0 - lo: c1 - lo] = row[c0 - row_lo: c1 - row_lo]
    return out


def full_band(n: int, m: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)


def band_around(path: list[PathBead], n: int, m: int, width: int, scale: tuple[float, float] = (1, 1)) -> tuple[np.ndarray, np.ndarray]:
    """Columns within ``width`` of a (possibly coarser, ``scale``d) path, for each row of the finer lattice."""
    si, sj = scale
    lo = np.full(n + 1, m, dtype=np.int64)
    hi = np.zeros(n + 1, dtype=np.int64)
    for bead in path:
        r0, r1 = int(bead.src.start * si), min(n, int(np.ceil(bead.src.stop * si)))
        c0, c1 = int(bead.tgt.start * sj), min(m, int(np.ceil(bead.tgt.stop * sj)))
        rows = slice(max(0, r0 - width), min(n, r1 + width) + 1)
        lo[rows] = np.minimum(lo[rows], max(0, c0 - width))
        hi[rows] = np.maximum(hi[rows], min(m, c1 + width))
    lo = np.minimum.accumulate(lo[::-1])[::-1]  # keep the band monotone and connected
    hi = np.maximum.accumulate(hi)
    lo[0], hi[n] = 0, m
    lo = np.minimum(lo, hi)
    return lo, hi


# ---------------------------------------------------------------- scoring inside a band

class BandScorer:
    """Scores every bead type at every band cell of one row.

    A bead's score is its cosine similarity minus the mean similarity of each side with the sentences
    just outside the other side (Bertalign's neighbour margin: how much better the bead is than the same
    bead shifted by one sentence), times a length-agreement factor. Runs of sentences not embedded for
    real are approximated from their sentences' embeddings.
    """

    def __init__(self, S: np.ndarray, T: np.ndarray, src_len: np.ndarray, tgt_len: np.ndarray,
                 types: tuple, params: SearchParams, src_runs: dict | None = None, tgt_runs: dict | None = None,
                 lexical: tuple[np.ndarray, np.ndarray] | None = None):
        self.S, self.T = S, T
        # bag-of-translations count vectors per sentence (see aligner.lexicon); runs are sums
        self.lexical = lexical if lexical is not None and params.lexical_weight else None
        if self.lexical is not None:
            self.src_lex_size = lexical[0].sum(axis=1, dtype=np.float64)
            self.tgt_lex_cum = np.concatenate([[0.0], np.cumsum(lexical[1].sum(axis=1, dtype=np.float64))])
        # A run's embedding is approximated by its sentences' embeddings weighted by length^0.75,
        # which is closer to the encoder's embedding of the concatenation than a plain mean.
        self.S_w = S * (src_len[:, None] ** 0.75).astype(np.float32)
        self.T_w = T * (tgt_len[:, None] ** 0.75).astype(np.float32)
        self.types = [t for t in types if t[0] >= 1]
        self._type_set = set(self.types)
        self.a_values = sorted({a for a, _ in self.types})
        self.b_values = sorted({b for _, b in self.types if b >= 1})
        self.p = params
        self._chunks: dict = {}
        self.src_runs = _run_table(src_runs or {}, len(S))
        self.tgt_runs = _run_table(tgt_runs or {}, len(T))
        self.ratio = float(tgt_len.sum() / max(1.0, src_len.sum()))
        self.src_cum = np.concatenate([[0.0], np.cumsum(src_len)])
        self.tgt_cum = np.concatenate([[0.0], np.cumsum(tgt_len)]) / self.ratio

    def _vectors(self, base: np.ndarray, weighted: np.ndarray, runs: dict, ends: np.ndarray, width: int) -> np.ndarray:
        """Embeddings of the runs ``[e - width, e)``: real where embedded, else approximated.

        Rows are visited in order, so runs are built a chunk of positions at a time and old chunks dropped:
        memory stays bounded on book-length documents.
        """
        if width == 1:
            return base[ends - 1]
        first, last = int(ends[0]) // _CHUNK, int(ends[-1]) // _CHUNK
        blocks = [self._run_chunk(base, weighted, runs, width, c) for c in range(first, last + 1)]
        block = blocks[0] if len(blocks) == 1 else np.concatenate(blocks)
        return block[ends - first * _CHUNK]

    def _run_chunk(self, base: np.ndarray, weighted: np.ndarray, runs: dict, width: int, chunk: int) -> np.ndarray:
        key = (id(base), width, chunk)
        block = self._chunks.get(key)
        if block is None:
            for old in [k for k in self._chunks if k[:2] == key[:2] and k[2] < chunk - 1]:
                del self._chunks[old]
            ends = np.arange(chunk * _CHUNK, min((chunk + 1) * _CHUNK, len(base) + 1))
            block = normalise(span_sums(weighted, ends, width))
            if width in runs:
                index, table = runs[width]
                rows = index[ends]
                known = rows >= 0
                block[known] = table[rows[known]]
            self._chunks[key] = block
        return block

    def __call__(self, i: int, cols: np.ndarray) -> np.ndarray:
        """Scores of beads ending at (i, cols), one row per step type (a >= 1) in ``self.types`` order."""
        p = self.p
        n, m = len(self.S), len(self.T)
        width = len(cols)
        out = np.full((len(self.types), width), -np.inf)
        a_values = [a for a in self.a_values if i - a >= 0]
        b_values = [b for b in self.b_values if b <= m]
        if not a_values:
            return out
        src_vecs = np.stack([self.S[i - 1] if a == 1 else
                             self._run_chunk(self.S, self.S_w, self.src_runs, a, i // _CHUNK)[i % _CHUNK]
                             for a in a_values])
        b_arr = np.array(b_values)[:, None]
        # spans that would start before the document are clipped here and masked out below
        ends = np.minimum(np.maximum(cols[None, :], b_arr), m)                       # (B, W)
        tv = np.stack([self._vectors(self.T, self.T_w, self.tgt_runs, ends[k], b) for k, b in enumerate(b_values)])
        sims = tv @ src_vecs.T                                                       # (B, W, A)
        # neighbour margin, target side: each source run against the target sentences around its bead
        t0 = max(0, int(cols[0]) - b_values[-1] - 1)
        near_t = src_vecs @ self.T[t0: min(m, max(int(cols[-1]), b_values[-1]) + 1)].T
        near_t = np.concatenate([near_t, np.zeros((len(a_values), 1), dtype=near_t.dtype)], axis=1)
        missing = near_t.shape[1] - 1  # index of the zero column, for neighbours outside the document
        left = ends - b_arr - 1
        left_ok, right_ok = left >= 0, ends < m
        left_t = near_t[:, np.where(left_ok, left - t0, missing)]                    # (A, B, W)
        right_t = near_t[:, np.where(right_ok, ends - t0, missing)]
        tgt_nb = np.moveaxis(left_t + right_t, 0, -1) / np.maximum(left_ok.astype(np.float32) + right_ok, 1)[..., None]
        # source side: each target run against the source sentences before and after each source run
        before = np.array(a_values)
        s_ok = np.append(i - before - 1 >= 0, i < n).astype(np.float32)
        s_idx = np.append(np.maximum(i - before - 1, 0), min(i, n - 1))
        near_s = (tv @ self.S[s_idx].T) * s_ok                                       # (B, W, A + 1)
        src_nb = (near_s[..., :-1] + near_s[..., -1:]) / np.maximum(s_ok[:-1] + s_ok[-1], 1)
        margins = sims - 0.5 * p.neighbour_weight * (tgt_nb + src_nb)
        if self.lexical is not None:
            margins = margins + p.lexical_weight * self._lexical(i, a_values, ends, b_values)
        src_len = self.src_cum[i] - self.src_cum[i - before]                         # (A,)
        tgt_len = (self.tgt_cum[ends] - self.tgt_cum[ends - b_arr])[..., None]       # (B, W, 1)
        if p.length_mode == "mult":
            scores = margins * np.log2(1 + np.minimum(src_len, tgt_len) / np.maximum(np.maximum(src_len, tgt_len), 1e-9))
        else:
            scores = margins - p.length_weight * length_penalty(src_len, tgt_len, 1.0)
        scores = scores - p.merge_penalty * (before + b_arr[..., None] - 2)
        scores[np.broadcast_to((cols[None, :] < b_arr)[..., None], scores.shape)] = -np.inf
        a_pos = {a: k for k, a in enumerate(a_values)}
        b_pos = {b: k for k, b in enumerate(b_values)}
        for t, (a, b) in enumerate(self.types):
            if a in a_pos:
                if b == 0:
                    out[t] = p.skip
                elif b in b_pos:
                    out[t] = scores[b_pos[b], :, a_pos[a]]
        return out


    def _lexical(self, i: int, a_values: list[int], ends: np.ndarray, b_values: list[int]) -> np.ndarray:
        """Dice overlap of the two sides' bags of translations, (B, W, A) like the similarities.

        The overlap of two runs is the sum of their sentences' pairwise overlaps, so one small product per
        row and prefix sums give every bead type at once.
        """
        src_lex, tgt_lex = self.lexical
        t0 = max(0, int(ends.min()) - b_values[-1])
        t1 = int(ends.max())
        pair = src_lex[[i - a for a in a_values]].astype(np.float32) @ tgt_lex[t0:t1].astype(np.float32).T
        runs = np.cumsum(pair, axis=0)                          # run of a source sentences × each target sentence
        cum = np.concatenate([np.zeros((len(a_values), 1)), np.cumsum(runs, axis=1)], axis=1)
        b_arr = np.array(b_values)[:, None]
        overlap = cum[:, ends - t0] - cum[:, ends - b_arr - t0]  # (A, B, W)
        src_size = np.cumsum(self.src_lex_size[[i - a for a in a_values]])
        tgt_size = self.tgt_lex_cum[ends] - self.tgt_lex_cum[ends - b_arr]
        dice = 2 * np.moveaxis(overlap, 0, -1) / np.maximum(tgt_size[..., None] + src_size, 1)
        return dice


def _run_table(runs: dict, n: int) -> dict:
    """{width: (row of the run ending at each position or -1, stacked run vectors)} for vectorised lookup."""
    table = {}
    for width in {e - s for s, e in runs}:
        spans = [(s, e) for s, e in runs if e - s == width]
        index = np.full(n + 1, -1, dtype=np.int64)
        index[[e for _, e in spans]] = np.arange(len(spans))
        table[width] = (index, np.stack([runs[span] for span in spans]))
    return table


# ---------------------------------------------------------------- coarse to fine

def _blocks(vectors: np.ndarray, lengths: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    n = len(vectors)
    starts = np.arange(0, n, size)
    sums = np.add.reduceat(vectors, starts, axis=0)
    return normalise(sums).astype(np.float32), np.add.reduceat(lengths, starts)


def search_band(S: np.ndarray, T: np.ndarray, src_len: np.ndarray, tgt_len: np.ndarray, params: SearchParams,
                width: int) -> tuple[np.ndarray, np.ndarray]:
    """The band to search: all of it when small, else ``width`` around the path found on block averages."""
    n, m = len(S), len(T)
    if n * m <= FULL_SEARCH_CELLS or min(n, m) < 4 * DOWNSAMPLE:
        return full_band(n, m)
    S2, ls2 = _blocks(S, src_len, DOWNSAMPLE)
    T2, lt2 = _blocks(T, tgt_len, DOWNSAMPLE)
    lo2, hi2 = search_band(S2, T2, ls2, lt2, params, 2 * DOWNSAMPLE)
    scorer = BandScorer(S2, T2, ls2, lt2, COARSE_TYPES, params)
    rough = banded_dp(len(S2), len(T2), lo2, hi2, COARSE_TYPES, scorer, params.skip, null_extend=params.null_extend())
    return band_around(rough, n, m, width, (DOWNSAMPLE, DOWNSAMPLE))


def align_embeddings(src: SpanSource, tgt: SpanSource, params: SearchParams, *,
                     src_lengths: np.ndarray, tgt_lengths: np.ndarray,
                     lexical: tuple[np.ndarray, np.ndarray] | None = None
                     ) -> tuple[list[PathBead], SearchParams]:
    """Align two documents given their embedding sources (sentences now, sentence runs on demand): the path,
    and the parameters it was searched with (``params`` with skip and merge penalty calibrated).

    ``lexical``: optional per-sentence count vectors of each side (same columns on both sides) whose
    overlap is added to the score with ``params.lexical_weight``.
    """
    S, T = src.sentence_vectors(), tgt.sentence_vectors()
    n, m = len(S), len(T)
    types = params.bead_types()
    lo, hi = search_band(S, T, src_lengths, tgt_lengths, params, params.band)
    src_runs: dict = {}
    tgt_runs: dict = {}
    if params.overlaps == "all":
        _embed_runs(src, tgt, _spans_in_band(lo, hi, params.max_bead), src_runs, tgt_runs)
    scorer = BandScorer(S, T, src_lengths, tgt_lengths, types, params, src_runs, tgt_runs, lexical)
    if params.calibrate:
        tuned = calibrated(params, typical_score(scorer, lo, hi))
        if (tuned.skip, tuned.merge_penalty) != (params.skip, params.merge_penalty):
            scorer = BandScorer(S, T, src_lengths, tgt_lengths, types, tuned, src_runs, tgt_runs, lexical)
        params = tuned
    path = banded_dp(n, m, lo, hi, types, scorer, params.skip, null_extend=params.null_extend())
    if params.overlaps == "lazy":
        for _ in range(params.lazy_rounds):
            wanted = _spans_near(path, n, m, params.max_bead, params.lazy_reach)
            if params.lazy_nulls:
                _add_null_merges(path, params.max_bead, wanted)
            new = _embed_runs(src, tgt, wanted, src_runs, tgt_runs)
            if not any(new):
                break
            changed = _touched(path, new, n, m)
            scorer = BandScorer(S, T, src_lengths, tgt_lengths, types, params, src_runs, tgt_runs, lexical)
            path = _realign_windows(path, changed, scorer, types, params)
    return path, params


def typical_score(scorer: BandScorer, lo: np.ndarray, hi: np.ndarray, sample: int = 400) -> float:
    """Median over (a sample of) source sentences of their best 1-1 score in the band: what a
    translation pair scores with this encoder and this document."""
    n = len(lo) - 1
    t11 = scorer.types.index((1, 1))
    best = []
    for i in np.unique(np.linspace(1, n, min(n, sample)).astype(int)):
        row = scorer(int(i), np.arange(lo[i], hi[i] + 1))[t11]
        if np.isfinite(row).any():
            best.append(row[np.isfinite(row)].max())
    return float(np.median(best)) if best else REFERENCE_SCORE


def calibrated(params: SearchParams, typical: float) -> SearchParams:
    """Skip score and merge penalty scaled to the document's own score level, so that an encoder that
    puts everything at similar cosines (e5) is not held to thresholds set for another (USE)."""
    scale = typical / REFERENCE_SCORE
    if 0.75 <= scale <= 1.33:  # the spread of documents under the encoder the defaults were tuned with
        return replace(params, calibrate=False)
    scale = float(np.clip(scale, 0.25, 2.0))
    return replace(params, **{k: getattr(params, k) * scale for k in CALIBRATED}, calibrate=False)


def _realign_windows(path: list[PathBead], changed: list[int], scorer: BandScorer, types: tuple,
                     params: SearchParams, reach: int = 1) -> list[PathBead]:
    """Search again only around the beads whose scores changed, keeping the rest of the path."""
    windows: list[list[int]] = []
    for k in changed:
        k0, k1 = max(0, k - reach), min(len(path) - 1, k + reach)
        if windows and k0 <= windows[-1][1] + 1:
            windows[-1][1] = k1
        else:
            windows.append([k0, k1])
    n = path[-1].src.stop
    out: list[PathBead] = []
    done = 0
    for k0, k1 in windows:
        out.extend(path[done:k0])
        i0, j0, i1, j1 = path[k0].src.start, path[k0].tgt.start, path[k1].src.stop, path[k1].tgt.stop
        lo, hi = np.full(n + 1, j0, dtype=np.int64), np.full(n + 1, j1, dtype=np.int64)
        out.extend(banded_dp(i1, j1, lo, hi, types, scorer, params.skip, start=(i0, j0),
                             null_extend=params.null_extend()))
        done = k1 + 1
    out.extend(path[done:])
    return out


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
    new: tuple[set, set] = (set(), set())
    for side, (source, spans, store) in enumerate(((src, wanted[0], src_runs), (tgt, wanted[1], tgt_runs))):
        missing = sorted(s for s in spans if s not in store)
        if missing:
            new[side].update(missing)
            for span, vec in zip(missing, source.runs(missing)):
                store[span] = vec
    return new
