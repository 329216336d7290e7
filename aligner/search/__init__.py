"""The alignment search: dynamic programming over beads inside a band found coarse-to-fine.

One module per responsibility: ``params`` (what can be tuned), ``dp`` (the banded DP engine), ``scorer``
(bead scores for a block of band rows; ``runs``: the run vectors it reads; the dictionary's count vectors
are :mod:`aligner.counts`, shared with the lexicon that makes them), ``band`` (coarse to fine),
``calibrate`` (thresholds scaled to the document), ``lazy`` (sentence runs embedded near the path, then
searched again), ``absorb`` (a second look at the target sentences the path left unaligned) and ``recut``
(a second look at adjacent beads whose common sentence boundary the translator moved by a clause).
"""

from __future__ import annotations

import threading
from functools import lru_cache

import numpy as np

from .absorb import absorb_nulls, absorbing_runs
from .band import search_band
from .calibrate import calibrated, calibration_rows, typical_and_spread
from .compiled import wanted as compiled_kernels_wanted
from ..counts import CountRows, LexicalCounts
from ..encoders.base import one_blas_thread
from ..memory import release_freed
from .dp import PathBead, band_around, banded_dp, full_band, scoring_threads
from .lazy import SpanSource, _embed_runs, _spans_in_band, lazy_round
from .lengths import softened
from .params import ADAPTED, CALIBRATED, FLOAT_RANGES, INT_RANGES, MAX_PARAM, SearchParams, pair_defaults, parse_param
from ..progress import phase_bar
from .quotes import Dialogue, dialogue, quote_states
from .recut import recut_beads
from .scorer import BandScorer, products_for

PROGRESS_ROWS = 10_000  # a search this long takes seconds: worth showing its progress

__all__ = ["ADAPTED", "BandScorer", "CALIBRATED", "Dialogue", "FLOAT_RANGES", "INT_RANGES", "MAX_PARAM", "PathBead",
           "SearchParams", "SpanSource", "align_embeddings", "band_around", "banded_dp", "calibrated", "dialogue",
           "full_band", "pair_defaults",
           "parse_param", "quote_states", "typical_and_spread", "warm_for"]


def align_embeddings(src: SpanSource, tgt: SpanSource, params: SearchParams, *,
                     src_lengths: np.ndarray, tgt_lengths: np.ndarray,
                     lexical: tuple[CountRows, CountRows] | None = None,
                     quotes: Dialogue | None = None, progress: bool = False
                     ) -> tuple[list[PathBead], SearchParams]:
    """Align two documents given their embedding sources (sentences now, sentence runs on demand): the path,
    and the parameters it was searched with (``params`` with skip and merge penalty calibrated).

    ``lexical``: optional per-sentence count vectors of each side (same columns on both sides; dense arrays
    or :class:`aligner.counts.CountRows`) whose overlap is added to the score with ``params.lexical_weight``.
    ``quotes``: each side's quotation marks (:func:`dialogue`), for the dialogue terms
    (``params.dialogue_weights``). ``progress``: a bar for the main pass when the document is long enough for
    it to take seconds.
    """
    compiled = compiled_kernels_wanted(len(src) + len(tgt))
    reference = params  # the second look's limit stays in these units (search.absorb)
    warm_for(len(src), len(tgt))
    S, T = src.sentence_vectors(), tgt.sentence_vectors()
    counts = LexicalCounts(*lexical) if lexical is not None and params.lexical_weight else None
    n, m = len(S), len(T)
    products = products_for(S.shape[1], n + m, compiled)
    types = params.bead_types()
    with one_thread():
        lo, hi = search_band(S, T, src_lengths, tgt_lengths, params, params.band, compiled, products)
    release_freed(n + m)  # after each stage: its freed memory under the next one's peak (aligner.memory)
    src_runs: dict = {}
    tgt_runs: dict = {}
    if params.overlaps == "all":
        _embed_runs(src, tgt, _spans_in_band(lo, hi, params.widest()), src_runs, tgt_runs)
    shared = BandScorer(S, T, src_lengths, tgt_lengths, types, params, {}, {}, counts, quotes, compiled, products)

    def scorer_for(p: SearchParams, kinds: tuple = types) -> BandScorer:
        return shared.derived(p, kinds, src_runs, tgt_runs)

    with one_thread():
        scorer = scorer_for(params)
        if params.calibrate:
            typical, spread = typical_and_spread(scorer, *calibration_rows(lo, hi, m), bool(params.length_spread))
            tuned = softened(calibrated(params, typical), spread)
            if any(getattr(tuned, k) != getattr(params, k) for k in ADAPTED):
                scorer = scorer_for(tuned)
            params = tuned
        path = banded_dp(n, m, lo, hi, types, scorer, params.skip, null_extend=params.null_extend(),
                         progress=progress and n >= PROGRESS_ROWS, compiled=compiled,
                         threads=scoring_threads(compiled))
    del scorer  # each stage below scores with a scorer of its own, knowing the runs embedded by then: one
    # kept alive beside the next stage's held a second copy of a book's run tables (tens of megabytes)
    release_freed(n + m)
    if params.overlaps == "lazy":
        rounds = phase_bar("search: lazy rounds", params.lazy_rounds, "round", progress and n >= PROGRESS_ROWS)
        for _ in range(params.lazy_rounds):
            rounds.update()
            found = lazy_round(path, src, tgt, (src_runs, tgt_runs), scorer_for, types, params, (lo, hi), compiled)
            if found is None:
                break
            path = found
            release_freed(n + m)
        rounds.close()
    if params.absorb_margin:  # a second look at the target sentences left unaligned (search.absorb)
        quoted = quotes.open[0] if quotes is not None and params.absorb_quoted else None
        _embed_runs(src, tgt, absorbing_runs(path, types, quoted), src_runs, tgt_runs)
        with one_thread():
            path = absorb_nulls(path, scorer_for(params), params.absorb_margin - reference.skip, types, quoted,
                                reference.skip_source_extra)
    if params.recut_margin or params.recut_merge:  # adjacent beads whose boundary moved by a clause (search.recut)
        with one_thread():
            path = recut_beads(path, src, tgt, lambda: scorer_for(params), (src_runs, tgt_runs), params)
        release_freed(n + m)
    return path, params


def warm_for(n: int, m: int) -> None:
    """When a search of ``n`` x ``m`` sentences will use the compiled kernels, start loading them in a thread
    of their own, once per process: called before the sentences are embedded, their load overlaps the
    encoder's work instead of following it."""
    if compiled_kernels_wanted(n + m):
        _start_warming()


@lru_cache(maxsize=1)
def _start_warming() -> None:
    threading.Thread(target=_warm_kernel, daemon=True).start()


def _warm_kernel() -> None:
    """Load the compiled kernels (:mod:`.compiled`) in a thread of their own, so that their load overlaps the
    encoder's work instead of following it."""
    try:
        from .compiled import kernels

        kernels()
    except Exception:  # noqa: BLE001 - only a head start: the search's own load reports any failure
        pass


def one_thread():
    """BLAS on one thread: the search's products are small, and threads waiting for each other cost more
    than they give (10x on a loaded 2-core machine); the encoder, called between, keeps its threads."""
    return one_blas_thread()
