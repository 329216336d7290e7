"""aligner.corrections: the corrections file checked, edits applied (examples and properties), decisions."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner import apply_corrections
from aligner.corrections import (Corrections, apply_decisions, apply_edits, document_of, flag_key,
                                 parse_corrections)
from aligner.errors import InputError
from aligner.model import Alignment, Bead, Sentence, check_beads
from aligner.omissions.model import Flag


def make(beads: list[tuple[tuple, tuple]], scores=None) -> Alignment:
    n_zh = sum(len(z) for z, _ in beads)
    n_en = sum(len(e) for _, e in beads)
    scores = scores or [0.0 if not (z and e) else 0.3 for z, e in beads]
    return Alignment([Sentence(f"中文{i}。", 0) for i in range(n_zh)], [Sentence(f"English {j}.", 0) for j in range(n_en)],
                     [Bead(tuple(z), tuple(e), s) for (z, e), s in zip(beads, scores)])


BASE = [((0,), (0,)), ((1, 2), (1,)), ((3,), (2, 3)), ((4,), ()), ((5,), (4,))]


def corrections(alignment: Alignment, edits=(), flags=(), **extra) -> dict:
    return {"format": "aligner-corrections", "version": 1, "document": document_of(alignment),
            "alignment_signature": "", "flags": list(flags), "edits": list(edits), "saved": "2026-12-03T14:00:00Z",
            **extra}


def beads_after(edits, beads=BASE) -> list[tuple]:
    a = make(beads)
    return [(b.zh, b.en) for b in apply_corrections(a, corrections(a, edits)).beads]


@pytest.mark.parametrize("edit, expected", [
    ({"op": "merge", "src": [0], "tgt": [0]}, [((0, 1, 2), (0, 1)), *BASE[2:]]),
    ({"op": "merge", "src": [3], "tgt": []}, [*BASE[:2], ((3, 4), (2, 3)), BASE[4]]),  # named by its first sentence
    ({"op": "split", "src": [1, 2], "tgt": [1], "at_src": 1, "at_tgt": 1}, [BASE[0], ((1,), (1,)), ((2,), ()), *BASE[2:]]),
    ({"op": "split", "src": [3], "tgt": [2, 3], "at_src": 0, "at_tgt": 1}, [*BASE[:2], ((), (2,)), ((3,), (3,)), *BASE[3:]]),
    ({"op": "move", "side": "src", "sentence": 2, "to": "next"}, [BASE[0], ((1,), (1,)), ((2, 3), (2, 3)), *BASE[3:]]),
    ({"op": "move", "side": "src", "sentence": 4, "to": "previous"}, [*BASE[:2], ((3, 4), (2, 3)), BASE[4]]),
    ({"op": "move", "side": "tgt", "sentence": 2, "to": "previous"}, [BASE[0], ((1, 2), (1, 2)), ((3,), (3,)), *BASE[3:]]),
    ({"op": "untranslated", "side": "tgt", "sentence": 3}, [*BASE[:2], ((3,), (2,)), ((), (3,)), *BASE[3:]]),
    ({"op": "untranslated", "side": "src", "sentence": 1}, [BASE[0], ((1,), ()), ((2,), (1,)), *BASE[2:]]),
    ({"op": "untranslated", "side": "src", "sentence": 4}, BASE),  # already on its own: nothing to do
])
def test_each_edit(edit, expected):
    assert beads_after([edit]) == expected


def test_untranslated_in_the_middle_splits_the_bead_around_it():
    beads = [((0, 1, 2), (0, 1))]
    assert beads_after([{"op": "untranslated", "side": "src", "sentence": 1}], beads) == \
        [((0,), (0,)), ((1,), ()), ((2,), (1,))]


@pytest.mark.parametrize("signature, src_null", [
    ({}, -0.09),  # before skip_source_extra: a 1-0 bead scored skip
    ({"params": {"skip_source_extra": 0.08}}, -0.17),
    ({"params": {"skip_source_extra": 0.08}, "calibrated": {"skip": -0.18, "skip_source_extra": 0.16}}, -0.34),
    # a skip the user set, which calibration left as it was (or calibration off): the search's, not the default
    ({"params": {"skip": -0.2, "skip_source_extra": 0.05}}, -0.25)])
def test_a_null_bead_made_by_an_edit_scores_as_the_searchs(signature, src_null):
    a = make(BASE)
    a.signature = signature
    edits = [{"op": "untranslated", "side": "src", "sentence": 1}, {"op": "untranslated", "side": "tgt", "sentence": 3}]
    scores = {(b.zh, b.en): b.score for b in apply_corrections(a, corrections(a, edits)).beads}
    assert scores[(1,), ()] == pytest.approx(src_null)
    skip = signature.get("calibrated", {}).get("skip", signature.get("params", {}).get("skip", -0.09))
    assert scores[(), (3,)] == pytest.approx(skip)


def test_edits_apply_in_order_and_the_alignment_given_is_unchanged():
    a = make(BASE)
    before = copy.deepcopy(a.beads)
    edits = [{"op": "merge", "src": [0], "tgt": [0]}, {"op": "split", "src": [0, 1, 2], "tgt": [0, 1], "at_src": 1,
                                                        "at_tgt": 1}]
    out = apply_corrections(a, corrections(a, edits))
    assert [(b.zh, b.en) for b in out.beads] == [((0,), (0,)), ((1, 2), (1,)), *BASE[2:]]
    assert a.beads == before and out.signature["corrections"] == {"edits": 2}


@pytest.mark.parametrize("edit, says", [
    ({"op": "merge", "src": [5], "tgt": [4]}, "edit 1 (merge): the last bead has no next bead"),
    ({"op": "merge", "src": [9], "tgt": []}, "src sentence 9 is not in the alignment"),
    ({"op": "merge", "src": [0], "tgt": [1]}, "no bead holds the source sentences [0] and target sentences [1]"),
    ({"op": "split", "src": [1], "tgt": [1], "at_src": 1, "at_tgt": 0}, "no bead holds exactly"),
    ({"op": "split", "src": [1, 2], "tgt": [1], "at_src": 0, "at_tgt": 0}, "leaves a bead without sentences"),
    ({"op": "split", "src": [1, 2], "tgt": [1], "at_src": 3, "at_tgt": 0}, "cannot split"),
    ({"op": "move", "side": "src", "sentence": 1, "to": "next"}, "not the last of its bead"),
    ({"op": "move", "side": "src", "sentence": 0, "to": "previous"}, "no previous bead"),
    ({"op": "untranslated", "side": "tgt", "sentence": 5}, "tgt sentence 5 is not in the alignment"),
])
def test_an_edit_that_does_not_fit_is_named(edit, says):
    a = make(BASE)
    with pytest.raises(InputError, match="corrections edit 1") as e:
        apply_corrections(a, corrections(a, [edit]))
    assert says in str(e.value)


def _bad(a: Alignment) -> list:
    good = corrections(a)
    other = make(BASE[:-1])
    return [
        ([], "not an aligner corrections file"),
        ({**good, "format": "other"}, "not an aligner corrections file"),
        ({**good, "version": 2}, "version 2 is not supported"),
        ({**good, "version": True}, "version True is not supported"),
        ({**good, "document": document_of(other)}, "made for another document"),
        ({**good, "document": {**good["document"], "src_sha256": "0" * 64}}, "made for another document"),
        ({**good, "document": {"src_sha256": 1}}, "\"document\" must be an object"),
        ({**good, "extra": 1}, "unknown field 'extra'"),
        ({**good, "edits": {}}, "\"edits\" must be a list"),
        ({**good, "edits": [{"op": "glue"}]}, "edit 1: expected an object with \"op\""),
        ({**good, "edits": [{"op": "merge", "src": [0]}]}, "edit 1 (merge): expected the fields src, tgt"),
        ({**good, "edits": [{"op": "merge", "src": [-1], "tgt": []}]}, "src [-1] is not a list of sentence indexes"),
        ({**good, "edits": [{"op": "merge", "src": [2, 1], "tgt": []}]}, "in increasing order"),
        ({**good, "edits": [{"op": "merge", "src": [], "tgt": []}]}, "names no sentence"),
        ({**good, "edits": [{"op": "move", "side": "src", "sentence": 1, "to": "up"}]}, "to 'up' is not one of"),
        ({**good, "edits": [{"op": "move", "side": "src", "sentence": True, "to": "next"}]}, "not a whole number"),
        ({**good, "edits": [{"op": "untranslated", "side": "src", "sentence": 1}] * 2}, "marked untranslated twice"),
        ({**good, "edits": [{"op": "untranslated", "side": "src", "sentence": 60}]}, "not in the alignment"),
        ({**good, "flags": [{"key": "k", "status": "maybe"}]}, "status 'maybe' is not one of"),
        ({**good, "flags": [{"key": "k", "status": "accepted"}] * 2}, "decided twice"),
        ({**good, "flags": [{"key": "", "status": "accepted"}]}, "\"key\" must be a non-empty string"),
        ({**good, "flags": [{"key": "k", "status": "accepted", "note": 3}]}, "\"note\" must be a string"),
        ({**good, "flags": [{"key": "k", "status": "accepted", "by": "me"}]}, "expected {\"key\", \"status\""),
    ]


@pytest.mark.parametrize("case", range(len(_bad(make(BASE)))))
def test_a_bad_file_is_one_clear_error(case):
    a = make(BASE)
    data, says = _bad(a)[case]
    with pytest.raises(InputError, match=None) as e:
        apply_corrections(a, data)
    assert says in str(e.value) and "\n" not in str(e.value)


def test_api_misuse():
    with pytest.raises(TypeError, match="expected an Alignment"):
        apply_corrections("not an alignment", corrections(make(BASE)))


# ---------------------------------------------------------------- properties

@st.composite
def alignments(draw) -> Alignment:
    shapes = draw(st.lists(st.sampled_from([(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1)]),
                           min_size=1, max_size=12))
    beads, i, j = [], 0, 0
    for a, b in shapes:
        beads.append((tuple(range(i, i + a)), tuple(range(j, j + b))))
        i, j = i + a, j + b
    return make(beads)


def _valid_edit(draw, beads: list[Bead]) -> dict | None:
    """An edit the contract allows on these beads, or None."""
    op = draw(st.sampled_from(["merge", "split", "move", "untranslated"]))
    k = draw(st.integers(0, len(beads) - 1))
    b = beads[k]
    if op == "merge" and k + 1 < len(beads):
        return {"op": "merge", "src": list(b.zh), "tgt": list(b.en)}
    if op == "split" and len(b.zh) + len(b.en) >= 2:
        cuts = [(x, y) for x in range(len(b.zh) + 1) for y in range(len(b.en) + 1)
                if (x or y) and (x < len(b.zh) or y < len(b.en))]
        x, y = draw(st.sampled_from(cuts))
        return {"op": "split", "src": list(b.zh), "tgt": list(b.en), "at_src": x, "at_tgt": y}
    side = draw(st.sampled_from([s for s, v in (("src", b.zh), ("tgt", b.en)) if v]))
    held = b.zh if side == "src" else b.en
    if op == "move":
        to = draw(st.sampled_from([t for t, ok in (("previous", k > 0), ("next", k + 1 < len(beads))) if ok] or [None]))
        return to and {"op": "move", "side": side, "sentence": held[0] if to == "previous" else held[-1], "to": to}
    if op == "untranslated":
        return {"op": "untranslated", "side": side, "sentence": draw(st.sampled_from(held))}
    return None


@settings(max_examples=300, deadline=None)
@given(alignments(), st.data())
def test_any_valid_edits_give_sound_beads(alignment, data):
    edits: list[dict] = []
    current = alignment
    for _ in range(data.draw(st.integers(1, 8))):
        edit = _valid_edit(data.draw, current.beads)
        if edit is None or (edit["op"] == "untranslated" and any(
                e["op"] == "untranslated" and (e["side"], e["sentence"]) == (edit["side"], edit["sentence"])
                for e in edits)):
            continue
        edits.append(edit)
        current = apply_edits(alignment, parse_corrections(corrections(alignment, edits)))  # never refused
        check_beads(current.beads, len(alignment.zh), len(alignment.en))
        if edit["op"] == "untranslated":
            side = "zh" if edit["side"] == "src" else "en"
            lone = (edit["sentence"],)
            assert any(getattr(b, side) == lone and not getattr(b, "en" if side == "zh" else "zh")
                       for b in current.beads)


@settings(max_examples=200, deadline=None)
@given(alignments(), st.data())
def test_a_refused_file_changes_nothing(alignment, data):
    before = copy.deepcopy(alignment)
    k = data.draw(st.integers(0, len(alignment.zh) + len(alignment.en) + 3))
    bad = corrections(alignment, [{"op": "untranslated", "side": "src", "sentence": len(alignment.zh) + k}])
    with pytest.raises(InputError):
        apply_corrections(alignment, bad)
    assert alignment == before


# ---------------------------------------------------------------- flag keys and decisions

def test_flag_keys_are_stable_and_distinct():
    clause = Flag("clause", 0.9, "r", zh="一个分句", zh_sentence=3, span=(2, 6), bead=1)
    assert flag_key(clause) == flag_key(clause.to_dict()) == flag_key(Flag("clause", 0.5, "other", zh="一个分句",
                                                                              zh_sentence=3, span=(2, 6), bead=7))
    assert flag_key(clause).startswith("clause:src:3:2-6:") and len(flag_key(clause).split(":")[-1]) == 12
    addition = Flag("addition", 0.9, "r", en="Added.", en_sentence=4)
    assert flag_key(addition).startswith("addition:tgt:4:-:")
    paragraph = Flag("paragraph", 0.9, "r", en_paragraph=2)
    assert flag_key(paragraph).startswith("paragraph:tgt:2:-:")
    assert len({flag_key(f) for f in (clause, addition, paragraph)}) == 3


def review_dict(alignment: Alignment) -> dict:
    flags = [Flag("sentence", 0.9, "r", zh=alignment.zh[4].text, zh_sentence=4, span=(0, 4), bead=3),
             Flag("clause", 0.8, "r", zh="中文", zh_sentence=1, span=(0, 2), bead=1),
             Flag("addition", 0.7, "r", en=alignment.en[3].text, en_sentence=3, bead=2)]
    return {"summary": {"zh_sentences": len(alignment.zh), "en_sentences": len(alignment.en),
                        "flags": {"sentence": 1, "clause": 1, "addition": 1, "paragraph": 0, "boilerplate": 0},
                        "omissions": 3},
            "flags": [f.to_dict() for f in flags]}


def test_decisions_drop_dismissed_flags_and_keep_notes():
    a = make(BASE)
    review = review_dict(a)
    keys = [flag_key(f) for f in review["flags"]]
    c = parse_corrections(corrections(a, [{"op": "untranslated", "side": "src", "sentence": 1}], flags=[
        {"key": keys[0], "status": "dismissed"}, {"key": keys[2], "status": "accepted", "note": "a gloss"},
        {"key": "sentence:src:99:-:000000000000", "status": "dismissed"}]))
    out = apply_decisions(review, c, apply_edits(a, c))
    assert [f["key"] for f in out["flags"]] == keys[1:]
    assert out["flags"][1]["status"] == "accepted" and out["flags"][1]["note"] == "a gloss"
    assert "status" not in out["flags"][0]
    assert out["decisions"] == {"accepted": 1, "dismissed": 1, "not_in_review": 1}
    assert out["summary"]["flags"]["sentence"] == 0 and out["summary"]["omissions"] == 2
    assert out["flags"][0]["bead"] == 1  # source sentence 1 is now the null bead [1]:[] (bead 1)
    assert len(review["flags"]) == 3  # the review given is unchanged


def test_decisions_refuse_a_review_of_other_documents():
    a = make(BASE)
    c = parse_corrections(corrections(a))
    with pytest.raises(InputError, match="the review is of other documents"):
        apply_decisions(review_dict(make(BASE[:-1])), c, a)
    with pytest.raises(InputError, match="not an aligner review"):
        apply_decisions({"flags": [1]}, c)


def test_corrections_dataclass_passes_through():
    a = make(BASE)
    c = parse_corrections(corrections(a))
    assert isinstance(c, Corrections) and apply_corrections(a, c).beads == a.beads
