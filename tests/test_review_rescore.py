"""Re-scoring a pairing against its neighbours (``judges/rescore.py``): alignment checks only where a
neighbouring bead would make a clearly better pair, with that English named; displaced 1-1 beads; unaligned
sentences neither missing nor carried, and credits carried by an English credit elsewhere."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.model import Alignment, Bead, Sentence
from aligner.omissions import Flag, ReviewParams
from test_omissions import ToyEncoder, _context, toy_doc, toy_en


def _alignment(zh, en, beads):
    return Alignment([Sentence(t, 0) for t in zh], [Sentence(t, 0) for t in en],
                     [Bead(tuple(z), tuple(e), 0.3) for z, e in beads])


ZH = toy_doc(8, seed=5)
EN = [toy_en(s) for s in ZH]


def test_a_sentence_the_next_beads_english_carries_is_welcomed_there():
    from aligner.omissions.judges.rescore import chinese_welcomes

    # zh 3 left unaligned while its English sits in the next bead's
    shifted = _alignment(ZH, EN, [([0], [0]), ([1], [1]), ([2], [2]), ([3], []), ([4], [3, 4]), ([5], [5])])
    (welcome,) = chinese_welcomes(_context(shifted), [(3, 3)])
    assert welcome.bead == 4 and welcome.en == (3, 4) and welcome.where() == "en 3–4" and welcome.gain > 0.3
    # zh 3's English is really missing: no neighbour wants it
    missing = _alignment(ZH, EN[:3] + EN[4:], [([0], [0]), ([1], [1]), ([2], [2]), ([3], []), ([4], [3]),
                                               ([5], [4])])
    (welcome,) = chinese_welcomes(_context(missing), [(3, 3)])
    assert welcome.gain < 0
    # a sentence of a many-sentence bead moves only to the side it sits on
    merged = _alignment(ZH, EN, [([0], [0]), ([1, 2], [1]), ([3], [2, 3])])
    (first, last) = chinese_welcomes(_context(merged), [(1, 1), (2, 1)])
    assert first.bead == 0 and last.bead == 2 and last.gain > 0 > first.gain


def test_a_bead_missing_the_english_its_neighbour_holds():
    from aligner.omissions.judges.rescore import english_welcomes

    zh = [ZH[0], ZH[1], ZH[2]]
    en = [EN[0], EN[1], EN[2]]
    # en 1 (zh 1's English) went to the bead before
    wrong = _alignment(zh, en, [([0], [0, 1]), ([1], [2]), ([2], [])])
    right = _alignment(zh, en, [([0], [0]), ([1], [1]), ([2], [2])])
    (welcome,) = english_welcomes(_context(wrong), [1])
    assert welcome.bead == 0 and welcome.en == (1,) and welcome.gain > 0.3
    assert english_welcomes(_context(right), [1])[0].gain < 0


def test_alignment_checks_only_where_a_neighbour_makes_a_better_pair(monkeypatch):
    from aligner.omissions.judges import clause as clause_module
    from aligner.omissions.judges.rescore import Welcome

    ctx = _context(_alignment(ZH, EN, [([k], [k]) for k in range(8)]))
    clauses = [Flag("clause", 0.8, "", zh="甲乙丙丁", zh_sentence=3, span=(0, 4), bead=3),
               Flag("clause", 0.95, "", zh="戊己庚辛", zh_sentence=3, span=(5, 9), bead=3),
               Flag("clause", 0.75, "", zh="子丑寅卯", zh_sentence=6, span=(0, 4), bead=6)]
    welcomes = {3: Welcome(2, (2,), 1.4), 6: Welcome(7, (7,), 0.4)}
    monkeypatch.setattr(clause_module, "english_welcomes", lambda ctx, beads: [welcomes[k] for k in beads])
    checks = clause_module.alignment_flags(ctx, clauses)
    sure = ctx.bead_confidence
    assert [(f.kind, f.bead, f.span, f.confidence) for f in checks] == [("alignment", 3, (5, 9), round(1 - sure[3], 3))]
    assert "and 1 more" in checks[0].reason and "the English of zh 3 may be in en 2" in checks[0].reason
    lenient = _context(ctx.alignment, params=ReviewParams(rescore_at=0.0))
    assert [f.bead for f in clause_module.alignment_flags(lenient, clauses)] == [3, 6]
    assert clause_module.alignment_flags(ctx, []) == []


def test_displaced_only_when_the_neighbour_takes_its_english_back(monkeypatch):
    from aligner.omissions.judges import hosts
    from aligner.omissions.similarity import Similarity

    zh = ["三个月没人上发条。", "墙上挂满了钟。", "它们都在走。"]
    en = ["Nobody had wound them.", "How could they still be going?", "They were all going."]
    sim = Similarity(np.array([[0.6, 0.5, 0.1], [0.1, 0.0, 0.1], [0.1, 0.1, 0.6]]), np.eye(3))
    beads = [Bead((0,), (0,), 0.4), Bead((1,), (1,), -0.05), Bead((2,), (2,), 0.4)]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence(t, 0) for t in en], beads)
    asked = []

    def gains(welcome):
        def fake(ctx, pairs):
            asked.extend(pairs)
            return np.full(len(pairs), welcome)
        return fake

    monkeypatch.setattr(hosts, "gains", gains(0.3))
    assert hosts.displaced_beads(_context(alignment, sim=sim, scale=0.2)) == {1}
    assert asked[0] == ((0,), (0,), (0,), [0, 1])  # bead 0's Chinese, with and without en 1
    monkeypatch.setattr(hosts, "gains", gains(-0.3))  # a loose pair: the neighbour does not want its English
    assert hosts.displaced_beads(_context(alignment, sim=sim, scale=0.2)) == set()
    params = ReviewParams(displaced_welcome=-0.5)
    assert hosts.displaced_beads(_context(alignment, sim=sim, scale=0.2, params=params)) == {1}


def test_a_missing_sentence_a_neighbour_welcomes_is_an_alignment_check(monkeypatch):
    from aligner.omissions.judges import SentenceJudge, UnalignedJudge
    from aligner.omissions.judges import sentence as sentence_module

    class FlagsAll:
        def confidence(self, features):
            return np.ones(len(next(iter(features.values()))))

    monkeypatch.setattr(sentence_module, "load_model", lambda name: FlagsAll())
    # zh 3's English is the first half of the next bead's
    en = EN[:3] + [EN[3][:-1] + " " + EN[4]] + EN[5:]
    alignment = _alignment(ZH, en, [([0], [0]), ([1], [1]), ([2], [2]), ([3], []), ([4], [3]), ([5], [4]),
                                    ([6], [5]), ([7], [6])])

    def flags(**changes):
        ctx = _context(alignment, params=ReviewParams(**changes))
        return {f.zh_sentence: f for f in SentenceJudge(UnalignedJudge()(ctx).pending)(ctx).flags}

    check = flags(rescore_at=0.2)[3]
    assert check.kind == "alignment" and "the English of zh 3 may be in en 3" in check.reason
    assert flags(rescore_at=10.0)[3].kind == "sentence"


def test_an_unaligned_sentence_neither_missing_nor_carried_is_an_alignment_check(monkeypatch):
    from aligner.omissions.judges import SentenceJudge, UnalignedJudge
    from aligner.omissions.judges import sentence as sentence_module

    class Unsure:
        def confidence(self, features):
            return np.full(len(next(iter(features.values()))), 0.2)

    monkeypatch.setattr(sentence_module, "load_model", lambda name: Unsure())
    en = EN[:3] + [EN[3][:-1] + " " + EN[4]] + EN[5:]
    alignment = _alignment(ZH, en, [([0], [0]), ([1], [1]), ([2], [2]), ([3], []), ([4], [3]), ([5], [4]),
                                    ([6], [5]), ([7], [6])])
    ctx = _context(alignment)
    pending = UnalignedJudge()(ctx).pending
    (check,) = SentenceJudge(pending)(ctx).flags
    assert check.kind == "alignment" and check.zh_sentence == 3 and check.confidence == 0.2
    assert "neither clearly missing" in check.reason and "may be in en 3" in check.reason
    # an English sentence nearby carries it (the unaligned judge found it): nothing to report
    assert SentenceJudge(pending, {3})(ctx).flags == []
    # the report says so plainly, with the English around it, and does not count it as an omission
    from aligner.omissions import review
    from aligner.report.reasons import plain_reason

    result = review(alignment, ToyEncoder())
    check = next(f for f in result.flags if f.kind == "alignment" and f.zh_sentence == 3)
    reason = plain_reason(check, result)
    assert reason.title == "This sentence is possibly paired wrongly" and reason.compared == (2, 3)
    assert check not in result.omissions


def test_a_chinese_credit_an_english_credit_elsewhere_carries_is_moved():
    from aligner.omissions.judges import UnalignedJudge

    zh = ZH[:3] + ["新华社记者 张三 摄"] + ZH[3:6]
    en = EN[:3] + EN[3:6] + ["(Xinhua/Zhang San)"]
    # the Chinese credit under the photo, the English one at the foot of the page, paired with a sentence
    beads = [([0], [0]), ([1], [1]), ([2], [2]), ([3], []), ([4], [3]), ([5], [4]), ([6], [5, 6])]
    verdict = UnalignedJudge()(_context(_alignment(zh, en, beads)))
    assert not [f for f in verdict.flags if f.kind == "boilerplate"]
    assert [(m.sentence, m.matches, m.en) for m in verdict.moved] == [(3, 6, "(Xinhua/Zhang San)")]
    # without an English credit, it is boilerplate the English leaves out
    verdict = UnalignedJudge()(_context(_alignment(zh, en[:6], beads[:-1] + [([6], [5])])))
    assert [(f.kind, f.zh_sentence) for f in verdict.flags] == [("boilerplate", 3)] and not verdict.moved


@pytest.mark.parametrize("changes", [{"rescore_at": 10.5}, {"displaced_welcome": -11.0}, {"rescore_at": "1"}])
def test_rescore_params_are_checked(changes):
    with pytest.raises(ValueError):
        ReviewParams(**changes)
