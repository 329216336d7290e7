"""Dialogue: a sentence that opens a speech turn, in an exchange whose English keeps as many turns, is an
alignment check, not an omission; and the sentence's own English words, counted as often as they occur."""

from __future__ import annotations

import dataclasses

import pytest

from aligner.model import Alignment, Bead, Sentence
from aligner.omissions import ReviewParams
from test_omissions import _context


@pytest.mark.parametrize("texts, lang, turns", [
    (["他说：“明天见。”"], "zh", 1),
    (["这个“好”字他总写错。"], "zh", 0),                        # a word quoted inside the sentence
    (["「好。」", "他笑了笑。", "「再来。」"], "zh", 2),
    (["'Fine.", "We meet at noon.'"], "en", 1),                 # one turn over two sentences
    (["You'd better ask the boys' mother!'"], "en", 0),        # apostrophes and a closing quote
    (["'Sit down,' said Lin, 'and rest a while.'"], "en", 1),    # resumed after its tag: one turn
    (["“来了，”他说，“快走。”"], "zh", 1),
    (['"Forty years of watching him," he said.', '"You pick it up."'], "en", 1),  # the tag ends the sentence
    (["'Come here!' called Tom, and Ann began to run.", "'Wait!'"], "en", 2),  # the next speaker
])
def test_speech_turns_count_the_quotations_sentences_open(texts, lang, turns):
    from aligner.omissions.evidence import speech_turns

    assert speech_turns(texts, lang) == turns


def test_a_turn_after_a_tagged_quotation_before_the_sentences_goes_on():
    from aligner.omissions.evidence import speech_turns

    assert speech_turns(['"You pick it up."'], "en", '"Forty years," he said.') == 0
    assert speech_turns(['"You pick it up."'], "en", "He smiled.") == 1


# our own dialogue: two friends arrange a match; the English gives the second turn to the third one's bead
ZH = ["小林说：“明天中午再比一次。”", "老周道：“一言为定，不见不散。”", "小林哈哈大笑：“好，不见不散。”", "两人各自回家。"]
EN = ["Lin said: 'Tomorrow at noon, once more.'", "'Done!'", "Lin laughed. 'See you there!'", "Both went home."]


def _dialogue(en: list[str], beads: list[Bead]):
    alignment = Alignment([Sentence(t, 0) for t in ZH], [Sentence(t, 0) for t in en], beads)
    return _context(alignment)


def test_a_turn_whose_exchange_keeps_its_turns_is_kept():
    from aligner.omissions.judges.carried import turns_kept

    # the search left the second turn unaligned and gave its English to the third
    beads = [Bead((0,), (0,), 0.5), Bead((1,), (), -0.1), Bead((2,), (1, 2), 0.1), Bead((3,), (3,), 0.5)]
    kept = turns_kept(_dialogue(EN, beads), 1, 1)
    assert kept is not None and (kept.first, kept.last, kept.zh, kept.en) == (0, 3, 3, 3)
    assert turns_kept(_dialogue(EN, beads), 3, 3) is None  # narration opens no turn


def test_a_turn_the_english_leaves_out_is_not_kept():
    from aligner.omissions.judges.carried import turns_kept

    en = [EN[0], EN[2], EN[3]]  # the second turn's English left out
    beads = [Bead((0,), (0,), 0.5), Bead((1,), (), -0.1), Bead((2,), (1,), 0.1), Bead((3,), (2,), 0.5)]
    assert turns_kept(_dialogue(en, beads), 1, 1) is None
    ctx = _dialogue(EN, [Bead((0,), (0,), 0.5), Bead((1,), (), -0.1), Bead((2,), (1, 2), 0.1), Bead((3,), (3,), 0.5)])
    assert turns_kept(dataclasses.replace(ctx, params=ReviewParams(turn_reach=0)), 1, 1) is None  # off


@pytest.mark.parametrize("value", [-1, 21, 1.5, True])
def test_turn_reach_is_checked(value):
    with pytest.raises(ValueError):
        ReviewParams(turn_reach=value)


def _own_words(zh: list[str], en: str) -> float:
    """``own_words`` of the second sentence of a 2-1 bead (our own sentences), a 1-1 bead after it."""
    from aligner.omissions.dictionary import DictionaryWords

    alignment = Alignment([Sentence(t, 0) for t in [*zh, "天黑了。"]], [Sentence(en, 0), Sentence("It got dark.", 0)],
                          [Bead((0, 1), (0,), 0.5), Bead((2,), (1,), 0.5)])
    ctx = _context(alignment)
    features = DictionaryWords.of(alignment, ctx.words, ctx.params).sentence_features(alignment, [1], [(0,)], [(0,)])
    return float(features["own_words"][0])


def test_own_words_count_an_english_word_as_often_as_it_occurs():
    # closed, doors, and the second "two": its sibling explains one "two" only
    assert _own_words(["他打开了两扇窗户。", "接着他关上了两扇门。"], "He opened two windows and closed two doors.") == 3
    # without a 两 of its own, neither "two" is the sentence's
    assert _own_words(["他打开了两扇窗户。", "接着他关上了门。"], "He opened two windows and closed two doors.") == 2


def test_a_kept_turn_is_an_alignment_check_naming_the_english():
    from aligner.omissions.judges.carried import Turns
    from aligner.omissions.judges.hosts import Candidate
    from aligner.omissions.judges.sentence import _flag

    beads = [Bead((0,), (0,), 0.5), Bead((1,), (), -0.1), Bead((2,), (1, 2), 0.1), Bead((3,), (3,), 0.5)]
    ctx = _dialogue(EN, beads)
    c = Candidate(1, 1, 2, True, (1, 2), (2,), {"gain": 0.4, "cover": -0.5}, 0.9)
    assert _flag(ctx, c, None).kind == "sentence"
    flag = _flag(ctx, c, None, turns=Turns(0, 3, 3, 3))
    assert flag.kind == "alignment" and "en 0–3" in flag.reason and flag.confidence == 0.9
