"""Literary Chinese–English: the asymmetric lattice (1-n beads up to max_split), the quotation term of the
bead score and the language pair's own defaults. Texts here are made up for the tests."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner import api
from aligner.encoders.hashing import HashingEncoder
from aligner.search import BandScorer, SearchParams, dialogue, pair_defaults, quote_states
from aligner.search.quotes import (dialogue_penalty, marked_counts, marked_mismatch, merged_turns, penalty_table,
                                    quote_mismatch, run_codes, turn_counts)

ENC = HashingEncoder()


def test_quotation_state_after_each_chinese_sentence():
    zh = ["他笑道：“好，", "你上来！”", "两人都笑了。", "她问：「去哪里？」", "“走吧。"]
    assert quote_states(zh).tolist() == [False, True, False, False, False, True]  # after 0..5 sentences


def test_english_single_quotes_and_apostrophes():
    en = ["'Very well!' he replied.", "'On guard, boy!", "Don't move.'", "It's the boys' room.",
          "'We fight for money.", "I'll bring my stake.'", "She said, “Wait,", "please.”"]
    # an apostrophe inside a word or after a plural's s neither opens nor closes a quotation
    assert quote_states(en).tolist() == [False, False, True, False, False, True, False, True, False]


def test_a_quotation_inside_a_quotation_closes_only_itself():
    zh = ["她道：“俗话说：‘好事多磨。", "’你别急。", "再等等。”", "两人走了。", "他说：“看‘你’"]
    assert quote_states(zh).tolist() == [False, True, True, False, False, True]
    en = ["'It was all \"your nephew\" this", "and that.'", "He said, \"the 'embers'", "glowed.\""]
    assert quote_states(en).tolist() == [False, True, False, True, False]


def test_a_stray_closing_mark_closes_nothing():
    # a curly apostrophe after a plural (the boys’ room) is read as a closing single quote: no ‘ is open
    assert quote_states(["“Look at the boys’ room,", "and the hall.”"]).tolist() == [False, True, False]


def test_quoted_words_ending_in_s_and_dashes_close_their_quotation():
    en = ["Mourners known as 'wailers' came.", "It's the boys' room.", "'Too-tah – too-tah –'", "Done."]
    assert quote_states(en).tolist() == [False, False, False, False, False]


def test_straight_double_quotes_toggle():
    assert quote_states(['He said "go', 'now" and left.', "Done."]).tolist() == [False, True, False, False]


def test_quote_mismatch_counts_each_end_half():
    src = np.array([False, True, False, False])   # inside a quotation after source sentence 1 only
    tgt = np.array([False, False, True, False, False])  # after target sentence 2 only
    rows = np.array([1, 2, 3])
    ends = np.array([[1, 2], [2, 3], [3, 4]])
    got = quote_mismatch((src, tgt), rows, 1, ends, 1)
    # (0, 0)-(1, 1): the end is inside on the source side only -> 0.5; (0, 1)-(1, 2): both ends agree -> 0;
    # (1, 1)-(2, 2): both ends differ -> 1; (1, 2)-(2, 3): 0; (2, 2)-(3, 3): the start differs -> 0.5; (2, 3)-(3, 4): 0
    assert got.tolist() == [[0.5, 0.0], [1.0, 0.0], [0.5, 0.0]]


def test_marked_sentences_and_their_mismatch():
    assert marked_counts(["他说：“走。”", "两人走了。", "“好。", "It's fine."]).tolist() == [0, 1, 1, 2, 2]
    src = marked_counts(["“a”", "b", "c"])         # marked: 1 0 0
    tgt = marked_counts(["x", "'y'", "z", "w"])    # marked: 0 1 0 0
    rows = np.array([1, 2, 3])
    ends = np.array([[1, 2], [2, 3], [3, 4]])
    # beads of one sentence a side: [0]:[0] 1 vs 0, [0]:[1] 1 vs 1; [1]:[1] 0 vs 1, [1]:[2] 0 vs 0; [2]:[2], [2]:[3] 0 vs 0
    assert marked_mismatch((src, tgt), rows, 1, ends, 1).tolist() == [[1, 0], [1, 0], [0, 0]]


def test_a_bead_holding_two_turns_on_both_sides():
    zh = ["他道：“走。”", "她道：“好。”", "两人走了。"]       # turns begin at sentences 0 and 1
    en = ["'Go,' he said.", "'Fine.'", "They left.", "'Wait!'"]  # at 0, 1 and 3
    marks = dialogue(zh, en)
    assert marks.turns[0].tolist() == [0, 1, 2, 2] and marks.turns[1].tolist() == [0, 1, 2, 2, 3]
    rows = np.array([2, 3])
    ends = np.array([[2, 3], [2, 3]])
    # 2-1 beads hold one turn on the English side; of the 2-2 beads only [0, 1]:[0, 1] holds two on both
    assert merged_turns(marks.turns, rows, 2, ends, 1).tolist() == [[0, 0], [0, 0]]
    assert merged_turns(marks.turns, rows, 2, ends, 2).tolist() == [[1, 0], [0, 0]]
    assert merged_turns(marks.turns, np.array([3]), 3, np.array([[4]]), 4).tolist() == [[1]]


def test_dialogue_is_its_three_arrays():  # each text's marks are found once for all three
    zh = ["他道：“走。", "‘你侄儿’，她说。”", "两人走了。", "“好！”"]
    en = ["'Go,' he said.", "The boys' room.", "known as 'wailers' came", "\"Wait!\"", "'em all"]
    marks = dialogue(zh, en)
    for side, texts in enumerate((zh, en)):
        states = quote_states(texts)
        assert marks.open[side].tolist() == states.tolist()
        assert marks.marked[side].tolist() == marked_counts(texts).tolist()
        assert marks.turns[side].tolist() == turn_counts(texts, states).tolist()
        assert marks.marked[side].dtype == marks.turns[side].dtype == np.int64


@pytest.mark.parametrize("weights", [(0.3, 0.0, 0.0), (0.0, 0.2, 0.0), (0.0, 0.0, 0.1), (0.3, 0.2, 0.1)])
def test_the_dialogue_terms_lower_exactly_the_mismatched_beads(weights):
    rng = np.random.default_rng(3)
    n, m = 6, 8
    S, T = (rng.normal(size=(k, 8)).astype(np.float32) for k in (n, m))
    S /= np.linalg.norm(S, axis=1, keepdims=True)
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    marks = dialogue(["“a", "b”", "c", "d", "“e", "f”"], ["'a", "b", "c'", "d", "e", "'f", "g'", "h"])
    lo, hi = np.zeros(n + 1, dtype=np.int64), np.full(n + 1, m, dtype=np.int64)
    plain_p, quoted_p = SearchParams(), SearchParams(quote_weight=weights[0], dialogue_weight=weights[1],
                                                     turn_weight=weights[2])
    plain = BandScorer(S, T, np.ones(n), np.ones(m), plain_p.bead_types(), plain_p, quotes=marks)(1, n + 1, lo, hi)
    quoted = BandScorer(S, T, np.ones(n), np.ones(m), quoted_p.bead_types(), quoted_p,
                        quotes=marks)(1, n + 1, lo, hi)
    types = [t for t in plain_p.bead_types() if t[0] >= 1]
    rows = np.arange(1, n + 1)
    for k, (a, b) in enumerate(types):
        if b == 0:
            assert np.array_equal(plain[k], quoted[k])  # null beads: the path pays at the next real bead
            continue
        ends = np.minimum(np.maximum(lo[rows, None] + np.arange(m + 1), b), m)
        expected = weights[0] * quote_mismatch(marks.open, rows, a, ends, b) \
            + weights[1] * marked_mismatch(marks.marked, rows, a, ends, b) \
            + weights[2] * merged_turns(marks.turns, rows, a, ends, b)
        finite = np.isfinite(plain[k])
        assert np.allclose(plain[k][finite] - quoted[k][finite], expected[finite])


def test_bead_types_grow_on_the_target_side_only():
    base = SearchParams(max_bead=4).bead_types()
    split = SearchParams(max_bead=4, max_split=6).bead_types()
    assert set(split) - set(base) == {(1, 5), (1, 6)}
    assert SearchParams(max_bead=4, max_split=3).bead_types() == base  # not beyond max_bead: nothing added
    assert SearchParams(max_bead=4, max_split=6).widest() == 6 and SearchParams().widest() == 5


@given(st.integers(1, 8), st.integers(0, 8))
def test_bead_types_are_within_their_limits(max_bead, max_split):
    for a, b in SearchParams(max_bead=max_bead, max_split=max_split).bead_types():
        assert a <= max_bead and b <= max(max_bead, max_split)
        assert a <= 1 or b <= max_bead


def test_pair_defaults():
    assert pair_defaults("zh", "en") == {"max_bead": 4, "max_split": 6, "quote_weight": 0.125,
                                         "dialogue_weight": 0.08, "turn_weight": 0.05, "absorb_margin": 0.05,
                                         "absorb_quoted": True, "recut_margin": 0.25, "skip_source_extra": 0.0}
    assert pair_defaults("zh-Hant", "EN") == pair_defaults("zh", "en")
    assert pair_defaults("en", "zh") == {} and pair_defaults("de", "fr") == {}


@pytest.mark.parametrize("options, expected", [
    ({}, (4, 6, 0.125, 0.08)),
    ({"max_bead": 5, "max_split": 0, "quote_weight": 0.0, "dialogue_weight": 0.0}, (5, 0, 0.0, 0.0))])
def test_the_pair_defaults_reach_the_signature_and_yield_to_the_caller(options, expected):
    alignment = api.align(["“你好。”", "他走了。"], ["'Hello.'", "He left."], encoder=ENC, src_lang="zh",
                          tgt_lang="en", **options)
    params = alignment.signature["params"]
    assert (params["max_bead"], params["max_split"], params["quote_weight"], params["dialogue_weight"]) == expected


def test_other_pairs_keep_the_general_defaults():
    alignment = api.align(["a b c"], ["a b c"], encoder=ENC, src_lang="en", tgt_lang="de")
    params = alignment.signature["params"]
    assert (params["max_bead"], params["max_split"], params["quote_weight"]) == (5, 0, 0.0)


def test_a_long_split_is_found():
    # one source sentence whose words are spread over six target sentences
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu".split()
    src = [" ".join(words), "omega psi chi"]
    tgt = [" ".join(words[k:k + 2]) for k in range(0, 12, 2)] + ["omega psi chi"]
    beads = api.align(src, tgt, encoder=ENC, src_lang="en", tgt_lang="de", max_split=6).beads
    assert [(b.zh, b.en) for b in beads] == [((0,), (0, 1, 2, 3, 4, 5)), ((1,), (6,))]


def test_softened_length_factor():
    from aligner.search.lengths import softened

    p = SearchParams()
    assert softened(p, None) == p and softened(p, 0.18) == p and softened(p, 0.1) == p
    assert softened(p, 0.36).length_exponent == pytest.approx(0.5)
    assert softened(p, 5.0).length_exponent == pytest.approx(0.4)  # never below length_exponent_min
    assert softened(SearchParams(length_spread=0.0), 5.0).length_exponent == 1.0  # switched off
    assert softened(SearchParams(length_exponent=2.0), 0.36).length_exponent == pytest.approx(1.0)


def _spread(src_len, tgt_len):
    from aligner.search import typical_and_spread

    n = len(src_len)
    V = np.eye(n, dtype=np.float32)  # sentence k of each side matches only sentence k of the other
    scorer = BandScorer(V, V.copy(), np.asarray(src_len, float), np.asarray(tgt_len, float), ((1, 1),), SearchParams())
    return typical_and_spread(scorer, np.zeros(n + 1, dtype=np.int64), np.full(n + 1, n, dtype=np.int64))[1]


def test_length_spread_reads_the_documents_own_length_agreement():
    lengths = [10.0, 20, 30, 40, 50, 60, 70, 80]
    assert _spread(lengths, lengths) == pytest.approx(0.0)
    assert _spread(lengths, [3 * x for x in lengths]) == pytest.approx(0.0)  # the overall ratio is scaled out
    jitter = [x * (1.5 if k % 2 else 1 / 1.5) for k, x in enumerate(lengths)]
    assert _spread(lengths, jitter) > 0.3


def test_the_length_exponent_is_recorded_when_calibration_changes_it():
    src = [" ".join(["w%d" % k] * (1 + 5 * (k % 2))) for k in range(12)]
    tgt = [" ".join(["w%d" % k] * (6 - 5 * (k % 2))) for k in range(12)]  # lengths swapped: a wide spread
    alignment = api.align(src, tgt, encoder=ENC, src_lang="en", tgt_lang="de")
    assert 0.4 <= alignment.signature["calibrated"]["length_exponent"] < 1.0
    plain = api.align(src, tgt, encoder=ENC, src_lang="en", tgt_lang="de", length_spread=0.0)
    assert "length_exponent" not in plain.signature.get("calibrated", {})


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([(0.125, 0.08, 0.05), (0.3, 0.0, 0.1), (0.0, 0.2, 0.0)]))
def test_penalty_table_of_run_codes_is_dialogue_penalty(seed, weights):
    """The numpy scorer's lookup (quotes.penalty_table of each side's run_codes) gives dialogue_penalty's
    float32 numbers for every bead type, row and end."""
    rng = np.random.default_rng(seed)
    marks_src = ["“a", "b”", "c", "d", "“e", "f”", "g", "“h”"]
    marks_tgt = ["'a", "b", "c'", "d", "e", "'f", "g'", "h", "“i”", "j"]
    src = [marks_src[k] for k in rng.integers(0, len(marks_src), 9)]
    tgt = [marks_tgt[k] for k in rng.integers(0, len(marks_tgt), 11)]
    marks = dialogue(src, tgt)
    table = penalty_table(weights)
    rows = np.arange(1, len(src) + 1)
    for a in range(1, 5):
        for b in range(1, 7):
            ends = np.minimum(np.maximum(np.arange(len(tgt) + 1)[None, :].repeat(len(rows), 0), b), len(tgt))
            src_codes = run_codes((marks.open[0], marks.marked[0], marks.turns[0]), rows, a)[:, None]
            tgt_codes = run_codes((marks.open[1], marks.marked[1], marks.turns[1]), ends, b)
            expected = dialogue_penalty(marks, weights, rows, a, ends, b)
            assert table[src_codes << 4 | tgt_codes].tobytes() == expected.tobytes()
