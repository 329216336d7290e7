"""Content carried next door (the tail of the English sentence before a bead, or the head of the one after)
and sentences of a many-sentence bead that the merged English carries: neither is an omission."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.model import Alignment, Bead, Sentence
from aligner.omissions import ReviewParams
from test_omissions import _context

BEFORE = "She closed the shutters, lit a candle, and waited until the storm passed over the village."
TAIL = "and waited until the storm passed over the village"
HEAD = "She closed the shutters"
HOST = "In the morning the roads were flooded."


def _edge_case(carrier: str):
    """Two 1-1 beads; the piece ``carrier`` of the first bead's English matches the second bead's Chinese as a
    translation does, and the first bead's own Chinese almost as well (the same scene): a margin over its own
    Chinese below ``moved_margin``."""
    from aligner.omissions.context import PairCalibration

    def vector(text: str) -> list[float]:
        return [0.7, 0.75, 0.0] if text == carrier else [0.0, 0.0, 1.0] if text == HOST else [1.0, 0.0, 0.0]

    class Fixed:
        name = "fixed"

        def encode(self, texts):
            v = np.array([vector(t) for t in texts], dtype=np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

    zh = [Sentence("她关上百叶窗，点了一支蜡烛。", 0), Sentence("她一直等到暴风雨过去，早上路都淹了。", 0)]
    en = [Sentence(BEFORE, 0), Sentence(HOST, 0)]
    alignment = Alignment(zh, en, [Bead((0,), (0,), 0.5), Bead((1,), (1,), 0.1)])
    alignment.src_vectors = np.eye(3, dtype=np.float32)[:2]
    alignment.tgt_vectors = Fixed().encode([BEFORE, HOST])
    return alignment, _context(alignment, Fixed(), cal=PairCalibration(aligned=0.6, near_miss=0.4), scale=0.2)


@pytest.mark.parametrize("carrier, own, carried", [
    (TAIL, 0.3, True),    # the tail touching the host, far better than the host's own English
    (TAIL, 0.65, False),  # ... but the host's own English matches the text nearly as well
    (HEAD, 0.3, False),   # the head of the sentence before is not next door
])
def test_the_tail_of_the_english_before_carries_a_text(carrier, own, carried):
    from aligner.omissions.judges.carried import carriers

    alignment, ctx = _edge_case(carrier)
    text = alignment.src_vectors[1:2]
    (plain,) = carriers(ctx, text, [[0]], [1])
    assert plain is None  # its margin over its own Chinese is below moved_margin
    (edge,) = carriers(ctx, text, [[0]], [1], [(1,)], np.array([own]))
    assert (edge is not None) is carried
    assert edge is None or (edge.sentence == 0 and edge.piece == TAIL)
    far = ReviewParams(edge_margin=10.0)
    import dataclasses

    (off,) = carriers(dataclasses.replace(ctx, params=far), text, [[0]], [1], [(1,)], np.array([own]))
    assert off is None


@pytest.mark.parametrize("name, value", [("edge_margin", 11.0), ("merged_gain_at", -11.0), ("edge_margin", True),
                                         ("host_own_words", 0), ("own_reach", 21)])
def test_new_parameters_are_checked(name, value):
    with pytest.raises(ValueError):
        ReviewParams(**{name: value})


@pytest.mark.parametrize("gain, unaligned, params, carried", [
    (-0.2, False, {"merged_gain_at": 0.0}, True),   # the bead matches its English no better without it
    (0.4, False, {"merged_gain_at": 0.0}, False),   # ... clearly better: it may be missing
    (-0.2, True, {"merged_gain_at": 0.0}, False),   # an unaligned sentence has no bead English of its own
    (-0.2, False, {}, False),                       # the check off (the default)
])
def test_a_sentence_the_merged_english_carries_is_not_missing_whole(gain, unaligned, params, carried):
    import dataclasses

    from aligner.omissions.judges.hosts import Candidate
    from aligner.omissions.judges.sentence import carried_by_bead

    alignment, ctx = _edge_case(TAIL)
    ctx = dataclasses.replace(ctx, params=ReviewParams(**params))
    c = Candidate(1, 1, 1, unaligned, (0, 1), (0,), {"gain": gain})
    assert carried_by_bead(ctx, c) is carried


def _own_words(neighbour: tuple[str, str]) -> float:
    """``own_words`` of the second sentence of a 2-1 bead whose English translates both (our own sentences),
    with a 1-1 bead after it (``neighbour``: its Chinese and English)."""
    from aligner.omissions.dictionary import DictionaryWords

    zh = [Sentence(t, 0) for t in ("他走进房间。", "他在电脑终端上快速输入。", neighbour[0])]
    en = [Sentence(t, 0) for t in ("He entered the room and typed rapidly at the computer terminal.", neighbour[1])]
    alignment = Alignment(zh, en, [Bead((0, 1), (0,), 0.5), Bead((2,), (1,), 0.5)])
    ctx = _context(alignment)
    features = DictionaryWords.of(alignment, ctx.words, ctx.params).sentence_features(alignment, [1], [(0,)], [(0,)])
    return float(features["own_words"][0])


def test_own_words_are_english_words_only_the_sentence_explains():
    # computer, terminal, rapidly: its own (终端 read as 终端/上); entered and room are its sibling's
    assert _own_words(("天黑了。", "It got dark.")) == 3
    # a Chinese sentence nearby also says 电脑: "computer" is no longer the sentence's own
    assert _own_words(("电脑坏了。", "The computer broke.")) == 2


@pytest.mark.parametrize("own_words, unaligned, params, carried", [
    (2, False, {}, True),                       # two English words only it explains: carried in part
    (1, False, {}, False),                      # one may be chance (a deletion's neighbour sharing a word)
    (2, False, {"host_own_words": 3}, False),
    (2, True, {}, False),                       # an unaligned sentence has no bead English of its own
])
def test_a_sentence_whose_own_words_its_bead_translates_is_not_missing_whole(own_words, unaligned, params, carried):
    import dataclasses

    from aligner.omissions.judges.hosts import Candidate
    from aligner.omissions.judges.sentence import carried_by_bead

    alignment, ctx = _edge_case(TAIL)
    ctx = dataclasses.replace(ctx, params=ReviewParams(**params))
    c = Candidate(1, 1, 1, unaligned, (0, 1), (0,), {"gain": 0.4, "own_words": own_words})
    assert carried_by_bead(ctx, c) is carried


def test_numbers_conflict_when_each_side_has_a_number_the_other_lacks():
    from aligner.omissions.evidence import numbers, numbers_conflict

    assert numbers("读数是 1,108:21:35。") == {"1108", "21", "35"}
    assert numbers_conflict(frozenset({"35"}), frozenset({"36"}))
    assert not numbers_conflict(frozenset({"35"}), frozenset({"35", "7"}))  # the English adds one: no conflict
    assert not numbers_conflict(frozenset({"35"}), frozenset())


def test_a_pair_given_its_neighbours_numbers_is_misnumbered():
    """Three readings alike but for the last number (our own sentences); the English leaves out the third, and
    the search pairs each Chinese reading with the English one before it."""
    from aligner.omissions.judges.hosts import misnumbered_beads

    zh = ["第一次读数是1108:21:37。", "第二次读数是1108:21:36。", "第三次读数是1108:21:35。", "倒计时继续。"]
    en = ["The first reading was 1108:21:37.", "The second reading was 1108:21:36.", "The countdown went on."]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence(t, 0) for t in en],
                          [Bead((0,), (), -0.1), Bead((1,), (0,), 0.1), Bead((2,), (1,), 0.1), Bead((3,), (2,), 0.5)])
    # the second reading's own number is in the English next door: its pair is only shifted, not misnumbered;
    # the third's is nowhere, and its English has the second's number
    assert misnumbered_beads(_context(alignment)) == {2}


def test_a_piece_whose_sentence_contradicts_the_texts_numbers_carries_nothing():
    from aligner.omissions.judges.carried import carriers

    alignment, ctx = _edge_case(TAIL)
    text, own = alignment.src_vectors[1:2], np.array([0.3])
    assert carriers(ctx, text, [[0]], [1], [(1,)], own, [frozenset()])[0] is not None  # BEFORE has no number
    alignment.en[0] = Sentence(BEFORE.replace("a candle", "2 candles"), 0)  # the tail unchanged
    (same,) = carriers(ctx, text, [[0]], [1], [(1,)], own, [frozenset({"2"})])
    (other,) = carriers(ctx, text, [[0]], [1], [(1,)], own, [frozenset({"3"})])
    assert same is not None and other is None
