"""The alignment search: invariants that must hold whatever the input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner import api
from aligner.encoders.hashing import HashingEncoder
from aligner.scoring import median, normalise
from aligner.search import BandScorer, PathBead, SearchParams, band_around, banded_dp, full_band, typical_and_spread

ENC = HashingEncoder()
WORDS = ["river", "mountain", "bridge", "teacher", "market", "winter", "letter", "garden", "station", "engine",
         "harbour", "village", "doctor", "window", "summer", "forest", "castle", "silver", "button", "island"]
# distinct sentences for the recovery test: a copy is only recoverable if sentences differ
DISTINCT = [f"{a} {b} {c} {d}" for a, b, c, d in zip(WORDS, WORDS[3:] + WORDS[:3], WORDS[7:] + WORDS[:7],
                                                        WORDS[12:] + WORDS[:12])]


def by_rows(row_scores):
    """A block scorer (what banded_dp asks for) from a function giving one row's scores at given columns."""
    def block(i0, i1, lo, hi):
        width = int((hi[i0:i1] - lo[i0:i1]).max()) + 1
        out = [row_scores(i, np.arange(lo[i], lo[i] + width)) for i in range(i0, i1)]
        return np.stack(out, axis=1)
    return block


def check_exact_cover(beads, n, m):
    src = [i for b in beads for i in b.zh]
    tgt = [j for b in beads for j in b.en]
    assert src == list(range(n))  # every sentence once, in order: monotone
    assert tgt == list(range(m))
    assert all(b.zh or b.en for b in beads)


sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)


@settings(max_examples=40, deadline=None)
@given(st.lists(sentence, min_size=1, max_size=30), st.lists(sentence, min_size=1, max_size=30),
       st.integers(1, 5), st.sampled_from(["lazy", "all", "none"]), st.booleans(),
       st.sampled_from([-0.09, -0.05, -0.2]), st.sampled_from([0, 1, 10]))
def test_every_sentence_in_exactly_one_bead(src, tgt, max_bead, overlaps, lazy_nulls, skip_run, band):
    from unittest import mock

    from aligner.search import band as coarse

    # a tiny full-search limit sends these small documents through the coarse-to-fine band, as a book would go
    with mock.patch.object(coarse, "FULL_SEARCH_CELLS", 40):
        alignment = api.align(src, tgt, encoder=ENC, src_lang="en", tgt_lang="de", max_bead=max_bead,
                              overlaps=overlaps, lazy_nulls=lazy_nulls, skip_run=skip_run, band=band)
    check_exact_cover(alignment.beads, len(src), len(tgt))
    assert all(len(b.zh) <= max_bead and len(b.en) <= max_bead for b in alignment.beads)


@settings(max_examples=20, deadline=None)
@given(st.permutations(DISTINCT), st.data())
def test_copy_with_deletions_is_recovered(src, data):
    """A document aligned with a copy of itself that lost some sentences: the rest align 1-1. Without the
    other pairs' prior against 1-0 beads (skip_source_extra, zh -> en's setting): with it, a lost sentence is
    merged into a neighbour more often (docs/algorithm.md, wave 10)."""
    drop = data.draw(st.sets(st.integers(0, len(src) - 1), max_size=len(src) // 4))
    tgt = [s for k, s in enumerate(src) if k not in drop]
    alignment = api.align(src, tgt, encoder=ENC, src_lang="en", tgt_lang="de", skip_source_extra=0.0)
    check_exact_cover(alignment.beads, len(src), len(tgt))
    one_to_one = {(b.zh[0], b.en[0]) for b in alignment.beads if b.type == "1-1"}
    kept = [k for k in range(len(src)) if k not in drop]
    expected = set(zip(kept, range(len(tgt))))
    assert len(one_to_one & expected) >= 0.8 * len(expected)


def test_banded_dp_prefers_the_diagonal():
    n = m = 6
    lo, hi = full_band(n, m)

    def scores(i, cols):
        return np.stack([np.where((cols == i) & (a == 1) & (b == 1), 1.0, -1.0) if b else np.full(len(cols), -0.5)
                         for a, b in SearchParams().bead_types() if a >= 1])

    path = banded_dp(n, m, lo, hi, SearchParams().bead_types(), by_rows(scores), -0.5)
    assert [(list(b.src), list(b.tgt)) for b in path] == [([k], [k]) for k in range(n)]


def test_band_is_monotone_and_reaches_both_ends():
    path = banded_dp(4, 4, *full_band(4, 4), ((1, 1), (1, 0), (0, 1)),
                     by_rows(lambda i, cols: np.stack([np.zeros(len(cols)), np.full(len(cols), -1.0)])), -1.0)
    lo, hi = band_around(path, 40, 44, 3, (10, 11))
    assert lo[0] == 0 and hi[-1] == 44
    assert np.all(np.diff(lo) >= 0) and np.all(np.diff(hi) >= 0) and np.all(lo <= hi)
    assert np.all(lo[1:] <= hi[:-1] + 1)  # rows overlap, so a path always exists


def test_long_documents_use_a_band():
    rng = np.random.default_rng(0)
    words = [" ".join(rng.choice(WORDS, 6)) + f" {k}" for k in range(900)]
    alignment = api.align(words, words, encoder=ENC, src_lang="en", tgt_lang="de")
    assert sum(b.type == "1-1" and b.zh == b.en for b in alignment.beads) >= 890


def test_signature_records_encoder_and_parameters():
    alignment = api.align(["a b c"], ["a b c"], encoder=ENC, src_lang="en", tgt_lang="de", max_bead=3)
    assert alignment.signature["encoder"] == "hash:64x3gram"
    assert alignment.signature["params"]["max_bead"] == 3


def test_lexical_overlap_of_runs_matches_a_direct_count():
    from aligner.search import BandScorer

    rng = np.random.default_rng(1)
    n, m, dim = 9, 11, 16
    src_lex = rng.integers(0, 3, (n, dim)).astype(np.uint8)
    tgt_lex = rng.integers(0, 3, (m, dim)).astype(np.uint8)
    params = SearchParams(lexical_weight=1.0)
    vecs = lambda k: np.eye(k, 4, dtype=np.float32)  # noqa: E731
    scorer = BandScorer(vecs(n), vecs(m), np.ones(n), np.ones(m), params.bead_types(), params,
                        lexical=(src_lex, tgt_lex))
    i0, i1, c0, c1 = 5, 8, 3, 9  # a block of rows and its column range
    table = scorer._lexical_table(i0, i1, c0, c1, 3, 2)
    rows = np.arange(i0, i1)
    ends = np.array([[4, 5, 7], [3, 6, 8], [5, 7, 8]])
    for a in (1, 2, 3):
        for b in (1, 2):
            dice = scorer._dice(table, rows, a, ends, b)
            for r, i in enumerate(rows):
                for w, e in enumerate(ends[r]):
                    s, t = src_lex[i - a:i].sum(0).astype(float), tgt_lex[e - b:e].sum(0).astype(float)
                    # counts multiply in the overlap: a word repeated on both sides must not lift the
                    # term above a perfect match
                    assert dice[r, w] == min(2 * s @ t / max(s.sum() + t.sum(), 1), 1.0)
    assert (scorer._dice(table, rows, 3, ends, 2) == 1.0).any()  # some cells are capped


def test_thresholds_follow_the_encoders_score_level():
    from aligner.search import calibrated

    params = SearchParams()
    reference = params.reference_score
    same = calibrated(params, reference * 1.1)  # within the spread the defaults were tuned on
    assert (same.skip, same.merge_penalty) == (params.skip, params.merge_penalty)
    low = calibrated(params, reference * 0.5)  # an encoder that scores translations half as high
    assert low.skip == pytest.approx(params.skip * 0.5) and low.merge_penalty == pytest.approx(params.merge_penalty * 0.5)
    assert not low.calibrate
    assert calibrated(params, reference * 0.1).skip == pytest.approx(params.skip * 0.25)  # clipped
    # the band and the clip are parameters: a narrower band scales where the default does not
    narrow = calibrated(SearchParams(calibrate_high=1.05), reference * 1.1)
    assert narrow.skip == pytest.approx(params.skip * 1.1)
    assert calibrated(SearchParams(calibrate_min_scale=0.5), reference * 0.1).skip == pytest.approx(params.skip * 0.5)
    assert calibrated(SearchParams(reference_score=reference * 0.5), reference * 0.5).skip == params.skip


@pytest.mark.parametrize("name", ["reference_score", "calibrate_low", "calibrate_high", "calibrate_min_scale",
                                  "calibrate_max_scale", "neighbour_share"])
def test_bounded_numbers_are_checked(name):
    from aligner.search import FLOAT_RANGES

    low, high = FLOAT_RANGES[name]
    assert SearchParams(**{name: low}).as_dict()[name] == low and SearchParams(**{name: high}).as_dict()[name] == high
    for bad in (low - 0.001, high + 0.001, float("nan"), True):
        with pytest.raises(ValueError, match=f"{name} must be a number >= {low:g} and <= {high:g}"):
            SearchParams(**{name: bad})


def test_neighbour_share_weighs_the_margin():
    rng = np.random.default_rng(0)
    S, T = normalise(rng.normal(size=(6, 8))).astype(np.float32), normalise(rng.normal(size=(7, 8))).astype(np.float32)
    lengths = (np.full(6, 10.0), np.full(7, 10.0))
    lo, hi = full_band(6, 7)
    def score(**kw):
        return BandScorer(S, T, *lengths, ((1, 1),), SearchParams(**kw))(1, 6, lo, hi, [(1, 1)])
    assert np.array_equal(score(neighbour_share=0.0), score(neighbour_weight=0.0))
    assert np.allclose(score(neighbour_share=0.25, neighbour_weight=0.9), score(neighbour_share=0.5, neighbour_weight=0.45))
    assert not np.allclose(score(), score(neighbour_share=0.25))


def _best_total(n, m, types, score, null_score, null_extend):
    """Exhaustive search: the best total over every monotone path, a run of null beads on one side
    paying ``null_extend`` after its first bead."""
    from functools import lru_cache

    @lru_cache(maxsize=None)
    def best(i, j, last):
        if (i, j) == (n, m):
            return 0.0
        options = []
        for a, b in types:
            if i + a <= n and j + b <= m:
                if (a, b) == (0, 1):
                    s = null_extend if last == (0, 1) else null_score
                elif (a, b) == (1, 0):
                    s = null_extend if last == (1, 0) else score(i + 1, j + 1, a, b)
                else:
                    s = score(i + a, j + b, a, b)
                options.append(s + best(i + a, j + b, (a, b)))
        return max(options) if options else -np.inf

    return best(0, 0, None)


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(0, 10_000), st.sampled_from([None, -0.3, -0.1, -0.5]))
def test_banded_dp_finds_the_best_path_with_cheaper_null_runs(n, m, seed, null_extend):
    types = ((1, 0), (0, 1), (1, 1), (1, 2), (2, 1), (2, 2))
    steps = [t for t in types if t[0] >= 1]
    table = np.random.default_rng(seed).normal(0, 1, (n + 1, m + 1, 3, 3)).round(2)

    def score(i, j, a, b):
        return -0.5 if b == 0 else float(table[i, j, a, b])

    def rows(i, cols):
        return np.stack([[score(i, int(j), a, b) if j >= b else -np.inf for j in cols] for a, b in steps])

    path = banded_dp(n, m, *full_band(n, m), types, by_rows(rows), -0.5, null_extend=null_extend)
    expected = _best_total(n, m, types, score, -0.5, -0.5 if null_extend is None else null_extend)
    assert sum(b.score for b in path) == pytest.approx(expected)
    assert [i for b in path for i in b.src] == list(range(n)) and [j for b in path for j in b.tgt] == list(range(m))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([(1, 1), (1, 0), (0, 1), (2, 1), (1, 2)]), min_size=1, max_size=30), st.data())
def test_touched_beads_are_those_a_new_span_overlaps(shapes, data):
    from aligner.search import PathBead
    from aligner.search.lazy import _touched

    path, i, j = [], 0, 0
    for a, b in shapes:
        path.append(PathBead(range(i, i + a), range(j, j + b), 0.0))
        i, j = i + a, j + b
    spans = []
    for size in (i, j):
        starts = data.draw(st.lists(st.integers(0, max(0, size - 1)), max_size=4)) if size else []
        spans.append({(s, min(size, s + data.draw(st.integers(1, 3)))) for s in starts})

    def overlaps(r, span):  # the definition: a shared sentence, or an empty side strictly inside the span
        return r.start < span[1] and span[0] < r.stop

    expected = [k for k, bead in enumerate(path) if any(overlaps(bead.src, s) for s in spans[0])
                or any(overlaps(bead.tgt, s) for s in spans[1])]
    assert _touched(path, (spans[0], spans[1]), i, j) == expected


@pytest.mark.parametrize("bad", [{"max_bead": 5.0}, {"band": -1}, {"lazy_rounds": True}, {"calibrate": "yes"},
                                 {"skip": float("nan")}, {"neighbour_weight": 1e308}, {"length_mode": "mul"},
                                 {"max_bead": 9}])
def test_search_params_refuse_wrong_kinds_and_ranges(bad):
    with pytest.raises(ValueError):
        SearchParams(**bad)


def test_search_params_take_whole_numbers_for_scores_and_numpy_numbers():
    assert SearchParams(skip=-1, merge_penalty=0).skip == -1
    assert SearchParams(skip=np.float32(-0.1), max_bead=np.int64(3)).max_bead == 3


def test_signature_records_the_calibrated_parameters(tmp_path, monkeypatch):
    """An encoder that scores translations far below USE's level makes the search scale skip and merge
    penalty; the signature records the values used, and a cached result keeps them."""
    from aligner.encoders.cache import CachedEncoder
    from aligner.signature import format_signature

    class Flat:
        """Every pair of sentences at a similar, low cosine (as e5 puts everything close together)."""
        name = "flat"
        signature = "flat:1"
        dim = 8

        def encode(self, texts):
            rng = np.random.default_rng(0)
            base = np.ones((len(texts), self.dim), dtype=np.float32)
            v = base + 0.05 * rng.standard_normal((len(texts), self.dim)).astype(np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

    zh = [f"第{i}句话在这里。" for i in range(12)]
    en = [f"Sentence {i} is here." for i in range(12)]
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    encoder = CachedEncoder(Flat(), tmp_path / "cache")
    first = api.align(zh, en, encoder=encoder, src_lang="zh", tgt_lang="en")
    calibrated = first.signature["calibrated"]
    assert set(calibrated) == {"skip", "skip_run", "merge_penalty"}
    assert calibrated["skip"] != first.signature["params"]["skip"]
    assert "|calibrated:merge_penalty=" in format_signature(first.signature)
    again = api.align(zh, en, encoder=encoder, src_lang="zh", tgt_lang="en")  # from the result cache
    assert again.signature["calibrated"] == calibrated and again.beads == first.beads
    plain = api.align(zh, en, encoder=encoder, src_lang="zh", tgt_lang="en", calibrate=False)
    assert "calibrated" not in plain.signature


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 7), st.integers(1, 9), st.integers(0, 10_000), st.sampled_from(["mult", "add"]))
def test_block_scores_match_each_bead_scored_alone(n, m, seed, length_mode):
    """The block scorer against the definition, one bead at a time: cosine of the two runs minus the
    neighbour margin, plus the dictionary's Dice overlap, times the length factor, minus the merge penalty."""
    from aligner.scoring import length_penalty
    from aligner.search import BandScorer

    rng = np.random.default_rng(seed)
    unit = lambda k: (lambda v: v / np.linalg.norm(v, axis=1, keepdims=True))(rng.normal(size=(k, 8)).astype(np.float32))  # noqa: E731
    S, T = unit(n), unit(m)
    ls, lt = rng.integers(1, 30, n).astype(float), rng.integers(1, 30, m).astype(float)
    lex = (rng.integers(0, 3, (n, 16)).astype(np.uint8), rng.integers(0, 3, (m, 16)).astype(np.uint8))
    p = SearchParams(length_mode=length_mode)
    scorer = BandScorer(S, T, ls, lt, p.bead_types(), p, lexical=lex)
    lo = np.minimum(np.arange(n + 1) // 2, m)
    hi = np.minimum(lo + rng.integers(0, m + 1, n + 1), m)
    lo, hi = np.minimum.accumulate(lo[::-1])[::-1], np.maximum.accumulate(hi)
    i0 = int(rng.integers(1, n + 1))
    block = scorer(i0, n + 1, lo, hi)
    ratio = lt.sum() / ls.sum()

    def run(V, L, s, e):
        v = (V[s:e] * (L[s:e, None] ** 0.75)).sum(0)
        return V[s] if e - s == 1 else v / np.linalg.norm(v)

    for t, (a, b) in enumerate(scorer.types):
        for i in range(i0, n + 1):
            for j in range(lo[i], hi[i] + 1):
                got = block[t, i - i0, j - lo[i]]
                if (a, b) == (1, 0):
                    assert got == p.skip - p.skip_source_extra
                    continue
                if i < a or j < b:
                    assert got == -np.inf
                    continue
                x, y = run(S, ls, i - a, i), run(T, lt, j - b, j)
                t_nb = [x @ T[k] for k in (j - b - 1, j) if 0 <= k < m]
                s_nb = [y @ S[k] for k in (i - a - 1, i) if 0 <= k < n]
                margin = x @ y - 0.45 * (np.mean(t_nb or [0]) + np.mean(s_nb or [0]))
                sl, tl = lex[0][i - a:i].sum(0).astype(float), lex[1][j - b:j].sum(0).astype(float)
                margin += 0.35 * min(2 * sl @ tl / max(sl.sum() + tl.sum(), 1), 1.0)
                src_len, tgt_len = ls[i - a:i].sum(), lt[j - b:j].sum() / ratio
                if length_mode == "mult":
                    want = margin * np.log2(1 + min(src_len, tgt_len) / max(src_len, tgt_len))
                else:
                    want = margin - 0.05 * length_penalty(src_len, tgt_len, 1.0)
                assert got == pytest.approx(want - 0.01 * (a + b - 2), abs=1e-5)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, width=32), min_size=1, max_size=40), st.booleans())
def test_median_is_numpys(values, single):
    """scoring.median (no numpy.ma import) gives np.median's number, float32 and float64 alike."""
    array = np.array(values, dtype=np.float32 if single else np.float64)
    assert median(array) == float(np.median(array))
    assert median(values) == float(np.median(values))


def test_calibration_reads_whole_rows_of_a_small_lattice():
    """A small document is searched in a band, but its calibration is that of the whole lattice: the band
    changes what is searched, not the parameters (a row's best 1-1 score may lie outside the band)."""
    from aligner.search.calibrate import WHOLE_ROWS_CELLS, calibration_rows

    rng = np.random.default_rng(3)
    n, m = 80, 90
    S, T = (normalise(rng.normal(size=(k, 32))).astype(np.float32) for k in (n, m))
    lengths = (rng.integers(5, 40, n).astype(float), rng.integers(5, 40, m).astype(float))
    params = SearchParams()
    scorer = BandScorer(S, T, *lengths, params.bead_types(), params)
    path = [PathBead(range(i, i + 1), range(i, i + 1), 0.0) for i in range(n)]
    path.append(PathBead(range(n, n), range(n, m), 0.0))
    narrow = band_around(path, n, m, 2)
    whole = typical_and_spread(scorer, *full_band(n, m))
    assert typical_and_spread(scorer, *calibration_rows(*narrow, m)) == whole
    assert typical_and_spread(scorer, *narrow) != whole  # the band alone would move it
    wide = WHOLE_ROWS_CELLS // n + 1  # a lattice too large to read whole rows of: the band
    big = band_around(path, n, wide, 2)
    assert all(x is y for x, y in zip(calibration_rows(*big, wide), big))


def test_small_documents_are_searched_in_a_band_with_the_whole_lattices_path():
    from unittest import mock

    from aligner.search import band as coarse

    rng = np.random.default_rng(1)
    src = [" ".join(rng.choice(WORDS, 5)) + f" {k}" for k in range(110)]
    tgt = [s for k, s in enumerate(src) if k % 9] + [" ".join(rng.choice(WORDS, 4)) for _ in range(10)]
    lo, hi = coarse.search_band(np.zeros((110, 4)), np.zeros((len(tgt), 4)), np.ones(110), np.ones(len(tgt)),
                                SearchParams(), 10)
    assert (hi - lo + 1).sum() < 0.6 * 111 * (len(tgt) + 1)  # a band, not the lattice
    banded = api.align(src, tgt, encoder=ENC, src_lang="en", tgt_lang="de")
    with mock.patch.object(coarse, "FULL_SEARCH_CELLS", 10**9):
        whole = api.align(src, tgt, encoder=ENC, src_lang="en", tgt_lang="de")
    assert banded.beads == whole.beads
    assert banded.signature.get("calibrated") == whole.signature.get("calibrated")


@pytest.mark.parametrize("extra, beads", [
    (0.0, [((0,), (0,)), ((1,), ()), ((2,), (1,))]),
    (None, [((0,), (0,)), ((1,), ()), ((2,), (1,))]),  # the default, 0.08: -0.17 against the merge's cost
    (0.3, [((0,), (0,)), ((1, 2), (1,))])])  # leaving it out costs more than the merge loses
def test_a_source_sentence_left_out_scores_skip_less_skip_source_extra(extra, beads):
    src = ["alpha beta gamma delta epsilon", "omega psi", "zeta eta theta iota kappa"]
    tgt = ["alpha beta gamma delta epsilon", "zeta eta theta iota kappa"]
    options = {} if extra is None else {"skip_source_extra": extra}
    alignment = api.align(src, tgt, encoder=ENC, src_lang="en", tgt_lang="de", calibrate=False, **options)
    assert [(b.zh, b.en) for b in alignment.beads] == beads
    nulls = [b.score for b in alignment.beads if not b.en]
    assert nulls == ([] if extra == 0.3 else [pytest.approx(-0.09 - (0.08 if extra is None else extra))])


def test_skip_source_extra_is_calibrated_and_zh_en_leaves_sentences_out_at_skip():
    from aligner.search import calibrated, pair_defaults

    assert calibrated(SearchParams(), 2 * SearchParams().reference_score).skip_source_extra == pytest.approx(0.16)
    assert pair_defaults("zh", "en")["skip_source_extra"] == 0.0
    alignment = api.align(["你好。"], ["Hello."], encoder=ENC, src_lang="zh", tgt_lang="en")
    assert alignment.signature["params"]["skip_source_extra"] == 0.0
