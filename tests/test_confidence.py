"""Bead confidence: probabilities per bead, words with the fitted thresholds."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from aligner.confidence import FEATURES, bead_confidence, bead_features, confidence_word, load_model
from aligner.model import Alignment, Bead, Sentence


def _alignment(beads: list[Bead]) -> Alignment:
    n_zh = sum(len(b.zh) for b in beads)
    n_en = sum(len(b.en) for b in beads)
    return Alignment([Sentence(f"z{i}", 0) for i in range(n_zh)], [Sentence(f"e{j}", 0) for j in range(n_en)], beads)


def test_one_probability_per_bead_and_higher_scores_are_surer():
    beads = [Bead((0,), (0,), 0.5), Bead((1,), (1,), 0.05), Bead((2,), (), -0.09), Bead((3,), (2,), 0.45)]
    p = bead_confidence(_alignment(beads))
    assert len(p) == 4 and all(0 <= x <= 1 for x in p)
    assert p[0] > p[1]


def test_features_are_the_models():
    assert tuple(load_model()["features"]) == FEATURES
    assert bead_features(_alignment([])).shape == (0, len(FEATURES))
    one = bead_features(_alignment([Bead((0,), (0,), 0.3)]))
    assert one.shape == (1, len(FEATURES)) and all(math.isfinite(v) for v in one[0])


def test_words_follow_the_fitted_thresholds():
    t = load_model()["thresholds"]
    assert 0 < t["possible"] < t["likely"] <= 1
    assert confidence_word(1.0) == "likely"
    assert confidence_word(t["likely"]) == "likely"
    assert confidence_word((t["likely"] + t["possible"]) / 2) == "possible"
    assert confidence_word(0.0) == "unlikely"


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan"), "0.5", None, True])
def test_confidence_word_refuses_what_is_not_a_probability(bad):
    with pytest.raises(ValueError):
        confidence_word(bad)


def test_held_out_likely_beads_are_correct_nine_times_in_ten():
    held = load_model()["held_out"]
    assert held["words"]["likely"]["correct"] >= 0.9
    assert held["method"] == "leave one document out"


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.floats(-1, 1)), min_size=1, max_size=30))
def test_any_beads_get_probabilities(rows):
    beads = [Bead(tuple(range(a)), tuple(range(b)), s) for a, b, s in rows if a or b]
    p = bead_confidence(_alignment([Bead(b.zh, b.en, b.score) for b in beads])) if beads else []
    assert all(0 <= x <= 1 for x in p) and len(p) == len(beads)


def test_every_gold_set_held_out_meets_the_likely_promise():
    for name, held in load_model()["held_out"]["sets"].items():
        assert held["likely"] == 0 or held["likely_correct"] >= 0.9, name


def test_the_reliability_table_is_the_models():
    text = (Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    section = text[text.index("<!-- begin:confidence -->"):text.index("<!-- end:confidence -->")]
    for row in load_model()["held_out"]["reliability"]:
        assert f"| {row['bin']} | {row['beads']} | {row['predicted']:.3f} | {row['observed']:.3f} |" in section
