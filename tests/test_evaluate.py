"""Evaluation: Vecalign's strict/lax metric, null and per-type scores, verse merge, ``aligner eval``.

Expected values are computed by hand in the comments next to each case.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.errors import InputError
from aligner.evaluate import evaluate, format_bead, merge_by_verse, read_beads

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
needs_corpora = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/corpora not found")

# A 2-1 gold bead that the test splits into a 1-1 and a 1-0 bead.
GOLD_21 = [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,))]
TEST_SPLIT = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), (2,))]


def scores(result: dict, kind: str) -> tuple[float, float, float]:
    return result[kind]["precision"], result[kind]["recall"], result[kind]["f1"]


def test_gold_against_itself_is_perfect():
    gold = [((0,), (0,)), ((1, 2), (1,)), ((3,), ()), ((), (2,)), ((4,), (3, 4))]
    result = evaluate([gold], [gold])
    assert scores(result, "strict") == (1.0, 1.0, 1.0)
    assert scores(result, "lax") == (1.0, 1.0, 1.0)
    assert scores(result, "null") == (1.0, 1.0, 1.0)
    assert result["documents"] == 1


def test_recall_ignores_null_beads():
    # The test leaves out the gold's 1-0 bead: precision 2/2, recall 2/2 (null gold beads don't count).
    gold = [((0,), (0,)), ((1,), ()), ((2,), (1,))]
    test = [((0,), (0,)), ((2,), (1,))]
    result = evaluate([gold], [test])
    assert scores(result, "strict") == (1.0, 1.0, 1.0)
    assert scores(result, "lax") == (1.0, 1.0, 1.0)


def test_wrong_null_beads_cost_precision():
    # Test beads [0]:[0] (hit), [1]:[] and []:[1] (misses, never lax hits): P = 1/3.
    # Recall over non-null beads: [0]:[0] found, [1]:[1] not: R = 1/2.  F1 = 2*(1/3)(1/2)/(5/6) = 0.4.
    gold = [((0,), (0,)), ((1,), (1,))]
    test = [((0,), (0,)), ((1,), ()), ((), (1,))]
    result = evaluate([gold], [test])
    for kind in ("strict", "lax"):
        p, r, f = scores(result, kind)
        assert p == pytest.approx(1 / 3) and r == pytest.approx(1 / 2) and f == pytest.approx(0.4)


def test_split_2_1_bead_strict_and_lax():
    # Precision over 4 test beads: 2 exact; [1]:[1] overlaps gold [1,2]:[1] (lax); [2]:[] does not.
    #   strict 2/4, lax 3/4.
    # Recall over 3 gold links: 2 exact; [1,2]:[1] overlaps test [1]:[1] (lax).  strict 2/3, lax 3/3.
    result = evaluate([GOLD_21], [TEST_SPLIT])
    assert scores(result, "strict") == pytest.approx((0.5, 2 / 3, 4 / 7))
    assert scores(result, "lax") == pytest.approx((0.75, 1.0, 6 / 7))


def test_lax_needs_overlap_on_both_sides():
    # [0]:[1] shares source 0 with gold [0]:[0] but not its target: not even a lax hit.
    # [1,2]:[1,2] overlaps gold [1]:[1] on both sides: lax hit.
    gold = [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    test = [((0,), (1,)), ((1, 2), (1, 2))]
    result = evaluate([gold], [test])
    assert scores(result, "strict")[:2] == (0.0, 0.0)
    # Recall: gold [1]:[1] and [2]:[2] overlap test [1,2]:[1,2]; gold [0]:[0] meets test [0]:[1] only.
    assert scores(result, "lax")[:2] == pytest.approx((1 / 2, 2 / 3))


def test_null_sentence_scores():
    # Gold leaves source 1, target 1 and source 3 unaligned; the test only source 1.
    # P = 1/1, R = 1/3, F1 = 0.5.
    gold = [((0,), (0,)), ((1,), ()), ((), (1,)), ((2,), (2,)), ((3,), ())]
    test = [((0,), (0,)), ((1,), ()), ((2,), (1, 2)), ((3,), (3,))]
    null = evaluate([gold], [test])["null"]
    assert (null["precision"], null["recall"], null["f1"]) == pytest.approx((1.0, 1 / 3, 0.5))
    assert (null["gold"], null["test"], null["correct"]) == (3, 1, 1)


def test_null_sentence_must_be_on_the_same_side():
    # Gold: source 1 unaligned.  Test: target 1 unaligned.  Same index, other side: no hit.
    gold = [((0,), (0,)), ((1,), ()), ((2,), (1,))]
    test = [((0,), (0,)), ((1, 2), (2,)), ((), (1,))]
    null = evaluate([gold], [test])["null"]
    assert null["correct"] == 0 and null["f1"] == 0.0


def test_null_scores_undefined_without_any_omission():
    null = evaluate([[((0,), (0,))]], [[((0,), (0,))]])["null"]
    assert null["f1"] is None and null["gold"] == null["test"] == 0


def test_scores_by_bead_type():
    # Gold: 1-1 x2, 2-1 x1.  Test: 1-1 x3, 1-0 x1.  Exact hits: two 1-1.
    by_type = evaluate([GOLD_21], [TEST_SPLIT])["by_type"]
    assert list(by_type) == ["1-1", "2-1", "1-0"]
    assert (by_type["1-1"]["precision"], by_type["1-1"]["recall"]) == pytest.approx((2 / 3, 1.0))
    assert by_type["1-1"]["f1"] == pytest.approx(0.8)
    assert (by_type["2-1"]["gold"], by_type["2-1"]["test"], by_type["2-1"]["f1"]) == (1, 0, 0.0)
    assert (by_type["1-0"]["gold"], by_type["1-0"]["test"], by_type["1-0"]["f1"]) == (0, 1, 0.0)


def test_micro_average_over_documents():
    # Doc A: 1/1 precision, 1/1 recall.  Doc B: 1/2 precision, 1/3 recall.
    # Micro: P = 2/3, R = 2/4, F1 = 4/7 (a macro average would give P 0.75, R 0.667).
    gold_a, test_a = [((0,), (0,))], [((0,), (0,))]
    gold_b = [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    test_b = [((0, 1), (0, 1)), ((2,), (2,))]
    result = evaluate([gold_a, gold_b], [test_a, test_b])
    assert scores(result, "strict") == pytest.approx((2 / 3, 1 / 2, 4 / 7))
    assert result["documents"] == 2


def test_documents_must_pair_up():
    with pytest.raises(ValueError):
        evaluate([[]], [])


# ---------------------------------------------------------------- verse merge

SRC_VERSES = ["v1", "v1", "v2", "v3"]
TGT_VERSES = ["v1", "v2", "v2", "v3", "v3"]


def test_merge_by_verse():
    # Labels: v1, v1 (null bead takes its source's verse), v2, v2, v3.
    test = [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((), (2,)), ((3,), (3, 4))]
    merged = merge_by_verse(test, SRC_VERSES, TGT_VERSES)
    assert merged == [((0, 1), (0,)), ((2,), (1, 2)), ((3,), (3, 4))]
    assert scores(evaluate([merged], [merged]), "strict") == (1.0, 1.0, 1.0)
    assert scores(evaluate([merged], [test]), "strict") != (1.0, 1.0, 1.0)


def test_merge_by_verse_keeps_cross_verse_beads_apart():
    # [1,2]:[1] spans v1 and v2, so it has no verse and merges with neither neighbour.
    test = [((0,), (0,)), ((1, 2), (1,)), ((), (2,))]
    assert merge_by_verse(test, SRC_VERSES, TGT_VERSES) == test


def test_merge_by_verse_blank_verse_never_merges():
    assert merge_by_verse([((0,), (0,)), ((1,), ())], ["", ""], [""]) == [((0,), (0,)), ((1,), ())]


def test_merge_by_verse_rejects_short_verse_file():
    with pytest.raises(InputError, match="beyond the 4 lines"):
        merge_by_verse([((4,), (0,))], SRC_VERSES, TGT_VERSES)


# ---------------------------------------------------------------- bead files


def test_read_and_format_beads(tmp_path):
    assert format_bead((0, 1), (2,)) == "[0, 1]:[2]"
    assert format_bead((0, 1), (2,), 0.873) == "[0, 1]:[2]:0.8730"
    assert format_bead((), (3,)) == "[]:[3]"
    path = tmp_path / "a.beads"
    path.write_text("[0, 1]:[2]\n\n[2]:[]:0.5\n[]:[3]:0.8730\n[3,4]:[4, 5]\n", encoding="utf-8")
    assert read_beads(path) == [((0, 1), (2,)), ((2,), ()), ((), (3,)), ((3, 4), (4, 5))]


@pytest.mark.parametrize("line", ["[0]-[1]", "[0]:[x]", "[0]:[1]:high", "0:1", "[0]:[1]:0.5:extra"])
def test_malformed_bead_line_names_file_and_line(tmp_path, line):
    path = tmp_path / "bad.beads"
    path.write_text(f"[0]:[0]\n{line}\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_beads(path)
    message = str(info.value)
    assert message.startswith(f"{path}:2: ") and "\n" not in message


def test_unreadable_bead_file(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        read_beads(tmp_path / "missing.beads")


# ---------------------------------------------------------------- aligner eval


def write_beads(path: Path, beads) -> Path:
    path.write_text("".join(format_bead(s, t) + "\n" for s, t in beads), encoding="utf-8")
    return path


def run_cli(*args: str):
    from aligner.cli import main  # imported here so the scoring tests run even if the CLI is broken

    return CliRunner().invoke(main, ["eval", *map(str, args)])


def test_cli_text_output(tmp_path):
    gold = write_beads(tmp_path / "gold.align", GOLD_21)
    test = write_beads(tmp_path / "test.beads", TEST_SPLIT)
    result = run_cli(gold, test)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["strict", "lax", "null"]
    assert lines[1].split()[:3] == ["precision", "0.500", "0.750"]
    assert any(line.split()[:3] == ["2-1", "1", "0"] for line in lines)
    assert "metric:vecalign-score" in lines[-1] and "verses:False" in lines[-1]


def test_cli_json_and_folders(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "out").mkdir()
    write_beads(tmp_path / "gold" / "doc1.defr", GOLD_21)  # matched by stem
    write_beads(tmp_path / "gold" / "doc2.defr", [((0,), (0,))])  # matched by exact name
    (tmp_path / "gold" / "doc2.de").write_text("not beads\n", encoding="utf-8")  # left out by --glob
    write_beads(tmp_path / "out" / "doc1.beads", TEST_SPLIT)
    write_beads(tmp_path / "out" / "doc1.tsv", [])  # a .beads file is preferred to other stems
    write_beads(tmp_path / "out" / "doc2.defr", [((0,), (0,))])
    result = run_cli(tmp_path / "gold", tmp_path / "out", "--json", "--glob", "*.defr")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    # Micro-average: strict P = (2+1)/(4+1), R = (2+1)/(3+1).
    assert (data["strict"]["precision"], data["strict"]["recall"]) == pytest.approx((0.6, 0.75))
    assert data["documents"] == 2
    assert [Path(t).name for _, t in data["files"]] == ["doc1.beads", "doc2.defr"]
    assert data["signature"]["params"] == {"metric": "vecalign-score", "verses": False}


def test_cli_verses(tmp_path):
    gold = write_beads(tmp_path / "gold.align", [((0, 1), (0,)), ((2,), (1, 2)), ((3,), (3, 4))])
    test = write_beads(tmp_path / "test.beads", [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((), (2,)),
                                                  ((3,), (3, 4))])
    src = tmp_path / "src.verse"
    tgt = tmp_path / "tgt.verse"
    src.write_text("\n".join(SRC_VERSES) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(TGT_VERSES) + "\n", encoding="utf-8")
    data = json.loads(run_cli(gold, test, "--verses", src, tgt, "--json").stdout)
    assert data["strict"]["f1"] == 1.0 and data["signature"]["params"]["verses"] is True


def test_cli_empty_verse_file_is_named(tmp_path):
    gold = write_beads(tmp_path / "gold.align", [((0, 1), (0,))])
    empty = tmp_path / "src.verse"
    empty.write_text("\n", encoding="utf-8")
    result = run_cli(gold, gold, "--verses", empty, empty)
    assert result.exit_code == 2 and "src.verse: empty verse file" in result.output


def test_cli_missing_counterpart(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "out").mkdir()
    write_beads(tmp_path / "gold" / "doc1.align", GOLD_21)
    write_beads(tmp_path / "gold" / "doc2.align", GOLD_21)
    write_beads(tmp_path / "out" / "doc1.beads", GOLD_21)
    result = run_cli(tmp_path / "gold", tmp_path / "out")
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and "doc2.align" in result.stderr


def test_cli_malformed_file_is_one_line(tmp_path):
    gold = write_beads(tmp_path / "gold.align", GOLD_21)
    test = tmp_path / "test.beads"
    test.write_text("[0]:[0]\noops\n", encoding="utf-8")
    result = run_cli(gold, test)
    assert result.exit_code != 0
    assert result.stderr.count("\n") == 1 and f"{test}:2:" in result.stderr


# ---------------------------------------------------------------- shared corpora


@needs_corpora
def test_textberg_gold_against_itself():
    corpus = SHARED / "textberg-de-fr"
    result = run_cli(corpus, corpus, "--glob", "test*.defr", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == 7 and data["beads"]["gold"] == 916
    for kind in ("strict", "lax", "null"):
        assert data[kind]["f1"] == 1.0


@needs_corpora
def test_bible_gold_survives_verse_merge():
    corpus = SHARED / "bible-en-zh"
    gold = read_beads(corpus / "gold" / "001.align")
    src = (corpus / "en.verse").read_text(encoding="utf-8").splitlines()
    tgt = (corpus / "zh.verse").read_text(encoding="utf-8").splitlines()
    result = evaluate([gold], [merge_by_verse(gold, src, tgt)])
    assert scores(result, "strict") == (1.0, 1.0, 1.0)
