"""The review's literary gates (issue 12): what a clause must say to be flagged, and their parameters."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.omissions import ReviewParams
from aligner.omissions.clauses import content_chars


@pytest.mark.parametrize("clause, expected", [
    ("韦小宝喜道", 0),            # a dialogue tag alone
    ("小玄子摇手笑道", 0),
    ("韦小宝道：“这个", 0),       # a tag and a hesitation
    ("短长长长长", 2),            # a repeated sign
    ("是不大好看", 3),            # light words around little content
    ("一个叫温有方", 4),          # a name: content
    ("知道了这件事", 4),          # 知道 is not a speech tag
    ("道路两旁种满了高粱", 8),    # nor is 道 opening a noun
])
def test_content_chars(clause, expected):
    assert content_chars(clause) == expected


@pytest.mark.parametrize("changes", [{"clause_flag_at": 1.5}, {"min_clause_content": -1}, {"nearby_reach": 21},
                                     {"nearby_share": 2.0}, {"min_clause_content": 2.5},
                                     {"min_bead_confidence": 1.5}, {"min_bead_confidence": -0.1},
                                     {"host_carried_at": 10.5}, {"clause_word_at": 101.0}, {"clause_room": -1},
                                     {"clause_room": 2.5}, {"room_share": 1.5}])
def test_literary_params_are_checked(changes):
    with pytest.raises(ValueError):
        ReviewParams(**changes)


def test_no_clause_flag_in_a_doubtful_bead():
    """Clauses of beads the bead-confidence model doubts are not flagged (min_bead_confidence): the alignment,
    not the English, is in doubt there. With every bead doubted, the toy document's dropped clause is shown as
    an alignment check of its bead instead when re-scoring against the neighbours is let through
    (``rescore_at``), which is not an omission (summary, ``omissions``). At the default the toy's beads are
    right, so no neighbour makes a better pair and nothing is shown."""
    from aligner.api import align
    from aligner.omissions import review
    from test_omissions import ToyEncoder, _toy_case

    zh_doc, en_doc, _, clause_sentence = _toy_case()
    alignment = align(zh_doc, en_doc, encoder=ToyEncoder(), src_lang="zh", tgt_lang="en")
    kinds = lambda result, kind: {f.zh_sentence - 2 for f in result.flags if f.kind == kind}  # noqa: E731
    sure = review(alignment, ToyEncoder(), ReviewParams())
    assert clause_sentence in kinds(sure, "clause") and not kinds(sure, "alignment")
    assert not kinds(review(alignment, ToyEncoder(), ReviewParams(min_bead_confidence=1.0)), "alignment")
    doubted = review(alignment, ToyEncoder(), ReviewParams(min_bead_confidence=1.0, rescore_at=-10.0))
    assert not kinds(doubted, "clause")
    assert clause_sentence in kinds(doubted, "alignment")
    checks = [f for f in doubted.flags if f.kind == "alignment"]
    assert not set(map(id, checks)) & set(map(id, doubted.omissions))
    assert doubted.summary["flags"]["alignment"] == len(checks)
    assert doubted.summary["omissions"] == sum(f.kind not in ("boilerplate", "alignment") for f in doubted.flags)
    assert len({f.bead for f in checks}) == len(checks)  # one a bead


def test_alignment_check_reads_plainly_in_the_report():
    from aligner.api import align
    from aligner.omissions import review
    from aligner.report import render_html
    from aligner.report.reasons import plain_reason
    from test_omissions import ToyEncoder, _toy_case

    zh_doc, en_doc, _, _ = _toy_case()
    alignment = align(zh_doc, en_doc, encoder=ToyEncoder(), src_lang="zh", tgt_lang="en")
    result = review(alignment, ToyEncoder(), ReviewParams(min_bead_confidence=1.0, rescore_at=-10.0))
    check = next(f for f in result.flags if f.kind == "alignment" and alignment.beads[f.bead].en)
    reason = plain_reason(check, result)
    assert reason.title.startswith("The alignment of this bead is") and "not counted as one" in reason.why
    # a sentence the search left unaligned (rescore_at -10: every one a neighbour could take is a check)
    check = next(f for f in result.flags if f.kind == "alignment" and not alignment.beads[f.bead].en)
    reason = plain_reason(check, result)
    assert reason.title.startswith("This sentence is") and "with no English counterpart" in reason.why
    assert "not counted as one" in reason.why and reason.compared
    html = render_html(result)
    assert 'value="alignment"' in html and "whose alignment to check" in html


def test_a_sentence_its_own_bead_carries_is_not_flagged_whole(monkeypatch):
    """host_carried_at: a sentence of a many-sentence bead that an English sentence of its own bead matches
    as a translation does is at most partly missing. With a model that flags every candidate, the merged
    sentence its bead's English translates is flagged whole only when the check is off (10, the default), and its clauses stay
    open to the clause judge."""
    from aligner.api import align
    from aligner.omissions.context import ReviewContext
    from aligner.omissions.judges import SentenceJudge, UnalignedJudge
    from aligner.omissions.judges import sentence as sentence_module
    from test_omissions import ToyEncoder, toy_doc, toy_en

    class FlagsAll:
        def confidence(self, features):
            return np.ones(len(next(iter(features.values()))))

    monkeypatch.setattr(sentence_module, "load_model", lambda name: FlagsAll())
    zh = toy_doc(30, seed=0)
    en = [toy_en(s) for s in zh]
    # one English sentence for two Chinese ones: three words of the first, and the whole second
    en[11] = " ".join(en[11].split()[:3]) + " " + en[12]
    del en[12]
    alignment = align([zh], [en], encoder=ToyEncoder(), src_lang="zh", tgt_lang="en")
    assert next(b for b in alignment.beads if 12 in b.zh).zh == (11, 12)

    def whole(**changes):
        ctx = ReviewContext.build(alignment, ToyEncoder(), ReviewParams(**changes))
        verdict = SentenceJudge(UnalignedJudge()(ctx).pending)(ctx)
        return {f.zh_sentence for f in verdict.flags}, verdict.judged

    flagged, judged = whole(host_own_words=1000)  # off by default (the check of its own words off too)
    assert 12 in flagged
    flagged, judged = whole(host_carried_at=0.55, host_own_words=1000)
    assert 12 not in flagged and 12 not in judged
    flagged, judged = whole()  # by default the English words only it explains say as much
    assert 12 not in flagged and 12 not in judged
    flagged, judged = whole(host_carried_at=0.55)
    assert 11 in flagged  # three of its words are not a translation of it


def test_clause_flags_covering_a_sentence_become_one_sentence_flag():
    from aligner import api
    from aligner.encoders.hashing import HashingEncoder
    from aligner.omissions.judges.whole import whole_sentences
    from aligner.omissions.model import Flag

    alignment = api.align(["甲乙丙，丁戊己。", "庚辛壬。"], ["A b c.", "D e f."], encoder=HashingEncoder(),
                          src_lang="zh", tgt_lang="en")
    text = alignment.zh[0].text
    first = Flag("clause", 0.8, "r", zh=text[0:3], zh_sentence=0, span=(0, 3), bead=0)
    second = Flag("clause", 0.9, "r", zh=text[4:7], zh_sentence=0, span=(4, 7), bead=0)
    other = Flag("clause", 0.9, "r", zh="庚辛", zh_sentence=1, span=(0, 2), bead=1)
    whole, rest = whole_sentences([first, second, other], alignment, 0.9)
    assert [(f.kind, f.zh_sentence, f.span, f.confidence, f.zh) for f in whole] == [
        ("sentence", 0, (0, len(text)), 0.8, text)]
    assert rest == [other]
    assert whole_sentences([first, second], alignment, 1.5) == ([], [first, second])  # above 1: never
    assert whole_sentences([first], alignment, 0.4) == ([], [first])  # one clause is a clause flag
    assert whole_sentences([first, other], alignment, 0.9) == ([], [first, other])  # half a sentence


@pytest.fixture(scope="module")
def toy_clauses():
    """The toy document's clause flags under changed parameters (sentences counted from the text, after the two
    header lines), and the sentence whose clause its English drops."""
    from aligner.api import align
    from aligner.omissions import review
    from test_omissions import ToyEncoder, _toy_case

    zh_doc, en_doc, _, clause_sentence = _toy_case()
    alignment = align(zh_doc, en_doc, encoder=ToyEncoder(), src_lang="zh", tgt_lang="en")

    def clauses(**changes):
        return {f.zh_sentence - 2 for f in review(alignment, ToyEncoder(), ReviewParams(**changes)).flags
                if f.kind == "clause"}

    return clauses, clause_sentence


def test_a_clause_the_word_model_finds_explained_is_not_flagged(toy_clauses):
    """``clause_word_at``: the toy document's dropped clause is flagged while its words are unexplained by
    its bead's English (the default); where every score counts as explained (-100) no clause is flagged, and
    the check is off at ``z_clip`` and above."""
    clauses, clause_sentence = toy_clauses
    assert clause_sentence in clauses()
    assert not clauses(clause_word_at=-100.0)
    assert clauses(clause_word_at=5.0) == clauses(clause_word_at=100.0)


def test_a_clause_repeating_the_sentence_before_is_not_flagged():
    """``repeat_share``: half the content words of a clause in the sentence before its own (a reply that echoes
    the previous line) is a repetition a translator tells once; a clause of new words, or the check
    off (``repeat_reach`` 0), is judged as before."""
    from types import SimpleNamespace

    from aligner.model import Alignment, Bead, Sentence
    from aligner.omissions.clauses import Clause
    from aligner.omissions.judges.clause import repeats
    from aligner.omissions.judges.units import Unit
    from aligner.omissions.wordmodel import Tokens

    zh = ["他说要把院子里那扇旧木门漆成红色。", "她笑道，漆成红色的旧木门有什么好看？", "河水慢慢地涨起来。"]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence("x", 0)] * 3,
                          [Bead((i,), (i,), 0.5) for i in range(3)])

    def repeated(i, text, **changes):
        ctx = SimpleNamespace(words=SimpleNamespace(tokens=Tokens()), alignment=alignment,
                              params=ReviewParams(**changes))
        start = zh[i].index(text)
        return repeats(ctx, Unit(i, i, Clause(start, start + len(text), text), "clause", zh[i], "", (i,)))

    assert repeated(1, "漆成红色的旧木门有什么好看")
    assert not repeated(1, "漆成红色的旧木门有什么好看", repeat_reach=0)
    assert not repeated(1, "漆成红色的旧木门有什么好看", repeat_share=1.0)  # 有, 什么, 好看 are new
    assert not repeated(2, "河水慢慢地涨起来", repeat_reach=2)
    assert not repeated(0, "他说要把院子里那扇旧木门漆成红色")  # nothing before it


def test_english_no_chinese_word_translates():
    """``unexplained``: of a bead's English content words, those no word of its Chinese translates, by CC-CEDICT
    or by the document's word model: none for a close translation, two of seven for "spied out the land", one
    once the word model translates 漆 as "spy"; nothing without a lexicon. ``roomy``: more than ``clause_room``
    such words and more than ``room_share`` of the English."""
    from types import SimpleNamespace

    from aligner.model import Alignment, Bead, Sentence
    from aligner.omissions.judges.clause import roomy, unexplained
    from aligner.omissions.wordmodel import Tokens

    def left(en, model=lambda word, at: frozenset()):
        alignment = Alignment([Sentence("他把那扇旧木门漆成了红色。", 0)], [Sentence(en, 0)], [Bead((0,), (0,), 0.5)])
        words = SimpleNamespace(tokens=Tokens(), translations=model)
        return unexplained(SimpleNamespace(words=words, alignment=alignment, params=ReviewParams()), [0])[0]

    assert left("He painted the old wooden door red.") == (0, 5)
    assert left("He painted the old wooden door red and spied out the land.") == (2, 7)
    assert left("He painted the old wooden door red and spied out the land.",
                lambda word, at: frozenset({"spi"}) if word == "漆" else frozenset()) == (1, 7)
    assert unexplained(SimpleNamespace(words=None), [0]) == {}
    p = ReviewParams()
    assert roomy((4, 7), p)
    assert not roomy((3, 4), p)  # too few words for a clause
    assert not roomy((4, 9), p)  # the lexicon explains most of the English
    assert roomy((3, 4), ReviewParams(clause_room=2)) and roomy((4, 9), ReviewParams(room_share=0.4))


def test_a_clause_whose_bead_english_has_room_is_not_flagged(toy_clauses):
    """``clause_room``, ``room_share``: the toy document's dropped clause is flagged while few of its bead's
    English words are unexplained by its Chinese (one); allowing none, it is not."""
    clauses, clause_sentence = toy_clauses
    assert clause_sentence in clauses()
    assert clause_sentence in clauses(clause_room=0)  # one word is not most of the English
    assert not clauses(clause_room=0, room_share=0.0)
