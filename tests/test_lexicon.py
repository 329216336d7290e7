"""CC-CEDICT bag-of-translations vectors: shared keys for translations, none for unrelated text."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner import api
from aligner.encoders.hashing import HashingEncoder
from aligner.lexicon import chinese_keys, chinese_words, coverage, english_keys, lexical_vectors

ZH = ["我的父亲是一位老师。", "他每天早上骑自行车去学校。", "冬天的河水很冷。", "市场上有很多新鲜的水果。",
      "火车站离我们的村子很远。", "医生说她需要休息。"]
EN = ["My father is a teacher.", "Every morning he rides a bicycle to school.", "In winter the river water is cold.",
      "There is a lot of fresh fruit at the market.", "The railway station is far from our village.",
      "The doctor said she needed rest."]


def test_translation_pair_shares_keys_unrelated_pair_does_not():
    zh, en = set(chinese_keys("我的父亲是一位老师。")), set(english_keys("My father is a teacher."))
    assert {"father", "teacher"} <= zh & en
    assert not set(chinese_keys("冬天的河水很冷。")) & en


def test_english_keys_normalise_inflections_and_drop_stopwords():
    assert english_keys("The teachers taught; a teacher teaches") == ["teacher", "taught", "teacher", "teach"]
    assert english_keys("moving moved move") == ["mov"] * 3


def test_vectors_overlap_on_the_diagonal():
    src, tgt = lexical_vectors(ZH, "zh").dense(), lexical_vectors(EN, "en").dense()
    assert src.shape == (len(ZH), 1024) and src.dtype == np.uint8
    overlap = src @ tgt.T
    assert (overlap.argmax(axis=1) == np.arange(len(ZH))).all()


def test_traditional_input_gives_the_same_keys():
    assert chinese_keys("我的父親是一位老師。") == chinese_keys("我的父亲是一位老师。")


def test_other_languages_give_zero_vectors():
    assert not lexical_vectors(["Mein Vater ist Lehrer."], "de").dense().any()
    assert lexical_vectors([], "zh").dense().shape == (0, 1024)


def test_lexical_weight_aligns_a_pair_with_exact_cover():
    # the hashing encoder sees no similarity across scripts: the dictionary term carries the alignment
    diagonal = {((k,), (k,)) for k in range(len(ZH))}
    found = {}
    for weight in (0.0, 1.0):
        alignment = api.align(ZH, EN, encoder=HashingEncoder(), src_lang="zh", tgt_lang="en", lexical_weight=weight)
        assert [i for b in alignment.beads for i in b.zh] == list(range(len(ZH)))
        assert [j for b in alignment.beads for j in b.en] == list(range(len(EN)))
        found[weight] = len(diagonal & {(b.zh, b.en) for b in alignment.beads})
    assert found[1.0] >= 4 > found[0.0]


def test_chinese_words_segment_longest_first_and_keep_latin_words():
    words = chinese_words("火车站在2019年见到Obama。")
    assert [w for w, _ in words] == ["火车站", "在", "2019", "年", "见到", "obama", "。"]
    assert dict(words)["火车站"] and not dict(words)["在"] and dict(words)["2019"] == ("2019",)


def test_coverage_counts_dictionary_words_with_a_translation_in_the_english():
    en = set(english_keys("My father is a teacher."))
    covered, total = coverage("我的父亲是一位老师。", en)
    assert covered == 2 and total >= covered  # father, teacher
    covered, total = coverage("冬天的河水很冷。", en)
    assert covered == 0 and total >= 2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet="一个中国人民大学生的了在后後行银长城市场经济龍門語，。 abcXYZ019'\n\t-𠀀", max_size=30),
                max_size=30), st.sampled_from(["zh", "en"]))
def test_lexical_vectors_count_each_texts_keys(texts, lang):
    """The document-at-once arrays count exactly the keys chinese_words / english_keys give each text."""
    import zlib

    dim = 64
    expected = np.zeros((len(texts), dim), dtype=np.uint8)
    for row, text in enumerate(texts):
        keys = english_keys(text) if lang == "en" else [k for _, ks in chinese_words(text) for k in ks]
        for key in keys:
            expected[row, zlib.crc32(key.encode()) % dim] += 1
    assert np.array_equal(lexical_vectors(texts, lang, dim).dense(), expected)
