"""Short documents (the seed article's kind): one English piece carries one unaligned Chinese sentence, and
a word model too short of pairs to learn from can give way to the dictionary (``min_word_pairs``)."""

from __future__ import annotations

import numpy as np
import pytest

from aligner.model import Alignment, Bead, Sentence
from aligner.omissions import ReviewParams
from test_omissions import _context


@pytest.mark.parametrize("rival, carries", [
    ([0.0, 0.0, 0.0, 1.0], True),    # the other unaligned sentence is unrelated to the piece
    ([0.3, 0.95, 0.0, 0.0], False),  # ... or it matches the piece as well as the text: the piece is its
])
def test_one_piece_carries_one_unaligned_sentence(rival, carries):
    from aligner.omissions.context import PairCalibration
    from aligner.omissions.judges.carried import carriers

    piece = "The minister met the visiting delegation on Tuesday."
    english = [0.3, 0.95, 0.0, 0.0]

    class Fixed:
        name = "fixed"

        def encode(self, texts):
            v = np.array([english] * len(texts), dtype=np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

    zh = ["部长会见了代表团。", "双方签署了协议。", "会见在周二举行。"]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence(piece, 0)],
                          [Bead((0,), (0,), 0.5), Bead((1,), (), -0.09), Bead((2,), (), -0.09)])
    vectors = np.vstack([np.eye(4)[:2], np.array(rival) + 1e-9 * np.eye(4)[2]]).astype(np.float32)
    alignment.src_vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    alignment.tgt_vectors = Fixed().encode([piece])
    ctx = _context(alignment, Fixed(), cal=PairCalibration(aligned=0.6, near_miss=0.4), scale=0.2)
    (best,) = carriers(ctx, alignment.src_vectors[1:2], [[0]], [1])
    assert (best is not None) is carries
    # the rival itself is not its own rival
    (other,) = carriers(ctx, alignment.src_vectors[2:], [[0]], [2])
    assert (other is not None) is (not carries)


def test_too_few_pairs_to_learn_from_the_dictionary_stands_in():
    from aligner.omissions.wordmodel import WordModel, chinese_tokens, english_tokens

    zh = ["他的后裔必得地土。", "后裔要像星那样多。", "你的后裔必蒙福。", "我要赐福给你。", "地土都归你。"]
    en = ["His seed shall possess the land.", "Thy seed shall be as the stars.", "Thy seed shall be blessed.",
          "I will bless thee.", "All the land is thine."]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence(t, 0) for t in en],
                          [Bead((i,), (i,), 0.5) for i in range(5)])
    learnt = WordModel.of(alignment)  # off by default: EM even on five pairs
    assert learnt.prob("后裔", "se") > 0.3
    model = WordModel.of(alignment, ReviewParams(min_word_pairs=6))
    assert model.prob("后裔", "se") == 0.0  # CC-CEDICT does not know the KJV's "seed"
    senses = model.table["星"]
    assert senses and all(p == pytest.approx(1 / len(senses)) for p in senses.values())
    carried, missing = model.explain_pairs([(chinese_tokens("我要赐福给你"), english_tokens("I will bless thee.")),
                                            (chinese_tokens("我要赐福给你"), english_tokens("All the land is thine."))])
    assert carried > missing


@pytest.mark.parametrize("value", [-1, 1.5, 100001])
def test_min_word_pairs_is_checked(value):
    with pytest.raises(ValueError):
        ReviewParams(min_word_pairs=value)
