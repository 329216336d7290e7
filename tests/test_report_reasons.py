"""The review page's plain-language reasons, reading units and summary in words (report/reasons.py, units.py)."""

from __future__ import annotations

import pytest

from aligner.model import Alignment, Bead, Sentence
from aligner.omissions import Flag, ParagraphReport, Review
from aligner.report.reasons import flag_word, moved_reason, plain_reason
from aligner.report.units import WINDOW, sentence_units, summary_lines


def _alignment(paragraphs_en=(0, 0, 0, 1, 1, 1)) -> Alignment:
    zh = [Sentence(f"中文句子{i}。", 0) for i in range(7)]
    en = [Sentence(f"English sentence {j}.", p) for j, p in enumerate(paragraphs_en)]
    beads = [Bead((0, 1), (0,), 1.0), Bead((2,), (1,), 0.2), Bead((3,), (), 0.0), Bead((), (2,), 0.0),
             Bead((4,), (3,), 1.0), Bead((5, 6), (4, 5), 1.0)]
    return Alignment(zh, en, beads)


def _review(alignment: Alignment, flags: list[Flag]) -> Review:
    reports = [ParagraphReport(1, [0], [4, 5, 6], 30, 12, 0.4, True, 0.8)]
    summary = {"coverage": 0.9, "content_coverage": 0.92, "flagged_paragraphs": [1]}
    return Review(alignment, flags, reports, summary)


FLAGS = {  # name: (flag, title, compared side, compared sentences, words the reason must use)
    "sentence of a 2-1 bead": (Flag("sentence", 0.9, "tech", zh="中文句子1。", zh_sentence=1, bead=0),
                               "A whole sentence is likely missing from the English", "en", (0,),
                               "translates the other Chinese sentences"),
    "sentence of a 1-1 bead": (Flag("sentence", 0.6, "tech", zh="中文句子2。", zh_sentence=2, bead=1),
                               "A whole sentence is possibly missing from the English", "en", (1,),
                               "belongs with a neighbouring sentence"),
    "sentence left alone": (Flag("sentence", 0.7, "tech", zh="中文句子3。", zh_sentence=3, bead=2),
                            "A whole sentence is likely missing from the English", "en", (1, 2),
                            "found no English sentence"),
    "clause": (Flag("clause", 0.55, "tech", zh="句子", zh_sentence=4, span=(2, 4), bead=4),
               "Part of a sentence is possibly missing from the English", "en", (3,), "this part of the sentence"),
    "addition": (Flag("addition", 0.8, "tech", en="English sentence 2.", en_sentence=2, bead=3),
                 "This English sentence is likely an addition with no Chinese source", "zh", (3, 4),
                 "may have added it"),
    "boilerplate": (Flag("boilerplate", 0.9, "byline, not translated", zh="中文", zh_sentence=5, span=(0, 2),
                         bead=5), "Boilerplate left untranslated (90% sure it is boilerplate)", "en", (4, 5),
                    "not counted as an omission"),
    "paragraph": (Flag("paragraph", 0.8, "tech", en_paragraph=1), "English paragraph 2 is likely missing content",
                  "", (), "About 40% of the Chinese"),
}


@pytest.mark.parametrize("name", FLAGS)
def test_each_kind_reads_in_plain_words(name):
    flag, title, side, compared, words = FLAGS[name]
    alignment = _alignment()
    reason = plain_reason(flag, _review(alignment, [flag]))
    assert (reason.title, reason.compared_side, reason.compared) == (title, side, compared)
    assert words in reason.why and "calibration" not in reason.why and "tech" not in reason.why
    assert reason.word == ("likely" if flag.kind == "boilerplate" else flag_word(flag.confidence))


def test_confidence_words_and_unknown_kinds():
    assert [flag_word(p) for p in (0.5, 0.69, 0.7, 1.0)] == ["possible", "possible", "likely", "likely"]
    with pytest.raises(ValueError, match="no plain reason"):
        plain_reason(Flag("other", 0.9, "x"), _review(_alignment(), []))


def test_moved_content_is_not_missing():
    reason = moved_reason({"side": "en", "sentence": 2, "matches": 6, "carried": 0.9}, _alignment())
    assert reason.title == "Moved, not missing: a sentence carried elsewhere in the Chinese"
    assert (reason.compared_side, reason.compared) == ("zh", (6,)) and "Chinese sentence 7" in reason.why


def test_units_are_paragraphs_or_windows():
    units = sentence_units(_alignment())
    assert units.kind == "paragraph" and units.labels == ["Paragraph 1", "Paragraph 2"]
    assert units.en == [0, 0, 0, 1, 1, 1]
    assert units.zh == [0, 0, 0, 0, 1, 1, 1]  # the unaligned sentence 3 is read with the English before it
    flat = sentence_units(_alignment(paragraphs_en=(0, 1, 2, 3, 4, 5)))  # one sentence a paragraph: windows
    assert flat.kind == "window" and flat.labels == ["Sentences 1–6"] and set(flat.zh) == {0}
    long = Alignment([Sentence("中。", 0)] * 50, [Sentence("E.", 0)] * 50,
                     [Bead((i,), (i,), 1.0) for i in range(50)])
    assert sentence_units(long).labels == [f"Sentences {a + 1}–{min(50, a + WINDOW)}" for a in range(0, 50, WINDOW)]


def test_summary_in_words():
    alignment = _alignment()
    flags = [f for f, *_ in FLAGS.values()]
    lines = summary_lines(_review(alignment, flags), sentence_units(alignment))
    assert [line["text"] for line in lines] == [
        "The English carries 90.0% of the Chinese text (92.0% leaving boilerplate aside).",
        "7 Chinese sentences and 6 English sentences in 6 beads; without a counterpart: 1 Chinese sentence and "
        "1 English sentence.",
        "6 things to check: 3 whole sentences (2 likely), 1 part of a sentence, 1 addition (1 likely) and "
        "1 piece of boilerplate.",
        "Content is missing or added in 1 paragraph:"]
    assert lines[-1]["links"] == [{"unit": 1, "label": "Paragraph 2"}]
    quiet = summary_lines(_review(alignment, []), sentence_units(alignment))
    assert quiet[-1] == {"text": "Nothing is flagged."}
