"""Scoring review flags against a gold of real omissions (aligner.evaluate_review).

The gold here is hand-made over our own document corpora/zh-en/literary.zh (indexes and spans only; the
omissions are invented for the test, the file only gives the sentence count and line lengths). Expected
values are worked out in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner.errors import InputError
from aligner.evaluate_review import (add_flag_scores, flag_status, parse_omission_gold, read_omission_gold,
                                     score_flags)
from aligner.omissions import Flag

LITERARY = Path(__file__).resolve().parents[1] / "corpora" / "zh-en" / "literary.zh"
LINES = LITERARY.read_text(encoding="utf-8").splitlines()
GOLD = {
    "corpus": "zh-en", "document": "literary", "source": "zh", "method": "invented for the test",
    "sentences": [{"zh": 3, "certainty": "certain", "note": "a"}, {"zh": 40, "certainty": "certain", "note": "b"},
                  {"zh": 9, "certainty": "doubtful", "note": "c"}],
    "clauses": [{"zh": 7, "span": [2, 6], "certainty": "certain", "note": "d"},
                {"zh": 7, "span": [10, 14], "certainty": "doubtful", "note": "e"},
                {"zh": 20, "span": [0, 5], "certainty": "certain", "note": "f"}],
}


def sentence(i: int) -> Flag:
    return Flag("sentence", 0.9, "test", zh_sentence=i)


def clause(i: int, start: int, end: int) -> Flag:
    return Flag("clause", 0.9, "test", zh_sentence=i, span=(start, end))


def gold():
    return parse_omission_gold(GOLD, len(LINES))


def test_hand_made_gold_fits_the_document():
    assert all(c[2] <= len(LINES[c[0]]) for c in gold().clauses)


def test_sentence_and_clause_flags_against_the_gold():
    flags = [
        sentence(3),          # hit
        sentence(9),          # doubtful only: a false alarm in precision, a hit in lenient precision
        sentence(11),         # false alarm
        sentence(7),          # a sentence flag does not match a gold clause
        clause(7, 4, 8),      # overlaps [2, 6): hit
        clause(7, 6, 10),     # touches [2, 6) and [10, 14) without overlapping either: false alarm
        clause(40, 0, 3),     # a clause flag inside a gold whole sentence: hit (not a clause found)
        clause(20, 5, 9),     # starts where [0, 5) ends: false alarm
        Flag("addition", 0.9, "test", en_sentence=2),  # not scored
    ]
    s = score_flags(flags, gold())
    assert s["counts"]["sentence"] == {"flags": 4, "hits": 1, "doubtful": 1, "gold": 2, "found": 1}
    assert s["counts"]["clause"] == {"flags": 4, "hits": 2, "doubtful": 0, "gold": 2, "found": 1}
    assert s["sentence"] == {"precision": 0.25, "precision_lenient": 0.5, "recall": 0.5}
    assert s["clause"] == {"precision": 0.5, "precision_lenient": 0.5, "recall": 0.5}
    assert s["sentence+clause"] == {"precision": 3 / 8, "precision_lenient": 4 / 8}
    assert s["flags_per_100"] == pytest.approx(100 * 8 / len(LINES))


def test_no_flags_and_no_gold():
    s = score_flags([], parse_omission_gold({"sentences": [], "clauses": []}, 10))
    assert s["sentence"] == {"precision": None, "precision_lenient": None, "recall": None}
    assert s["flags_per_100"] == 0.0


def test_documents_add_up_before_dividing():
    one = score_flags([sentence(3), sentence(11)], gold())                     # 1 of 2 right
    two = score_flags([sentence(1)], parse_omission_gold({"sentences": [{"zh": 1, "certainty": "certain"}]}, 81))
    both = add_flag_scores([one, two])
    assert both["sentence"]["precision"] == pytest.approx(2 / 3)               # not the mean of 0.5 and 1
    assert both["sentence"]["recall"] == pytest.approx(2 / 3)                  # 3 certain sentences, 2 found
    assert both["flags_per_100"] == pytest.approx(100 * 3 / (len(LINES) + 81))


@given(st.sets(st.integers(0, len(LINES) - 1), max_size=8))
def test_flagging_exactly_the_gold_is_perfect(indexes):
    data = {"sentences": [{"zh": i, "certainty": "certain"} for i in indexes], "clauses": []}
    s = score_flags([sentence(i) for i in indexes], parse_omission_gold(data, len(LINES)))
    assert s["sentence"]["precision"] == (1.0 if indexes else None)
    assert s["sentence"]["recall"] == (1.0 if indexes else None)


@pytest.mark.parametrize("data, message", [
    ([], "not a JSON object"),
    ({"sentences": {}}, "must be a list"),
    ({"sentences": [{"zh": 500, "certainty": "certain"}]}, "below 119"),
    ({"sentences": [{"zh": True, "certainty": "certain"}]}, "below 119"),
    ({"sentences": [{"zh": 1, "certainty": "sure"}]}, "certainty"),
    ({"sentences": [{"zh": 1, "certainty": "certain"}, {"zh": 1, "certainty": "doubtful"}]}, "twice"),
    ({"clauses": [{"zh": 1, "span": [5, 5], "certainty": "certain"}]}, "span"),
    ({"clauses": [{"zh": 1, "span": [1], "certainty": "certain"}]}, "span"),
    ({"clauses": [{"zh": 1, "certainty": "certain"}]}, "span"),
])
def test_malformed_gold_is_refused(data, message):
    with pytest.raises(InputError, match=message):
        parse_omission_gold(data, len(LINES))


def test_read_omission_gold(tmp_path):
    path = tmp_path / "g.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="cannot read"):
        read_omission_gold(path, 10)
    path.write_text('{"sentences": [{"zh": 2, "certainty": "certain"}]}', encoding="utf-8")
    assert read_omission_gold(path, 10).sentences == {2: "certain"}


def test_flag_status_reads_each_flag_against_the_gold():
    g = gold()
    assert [flag_status(f, g) for f in (sentence(3), sentence(9), sentence(5), clause(7, 3, 4), clause(7, 11, 12),
                                        clause(7, 6, 10), clause(40, 0, 2))] == \
        ["right", "doubtful", "false", "right", "doubtful", "false", "right"]
    assert flag_status(Flag("alignment", 0.5, "test", zh_sentence=3, span=(0, 4)), g) == "check"
