"""CC-CEDICT segmentation: the bulk (array) path and the per-text path give the same words."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.cedict import BULK_CHARS, cedict
from aligner.lexicon import chinese_words, chinese_words_many

# common characters, some that only start or end words, one the dictionary lacks (𠀀), and Traditional forms
_CHARS = "一个中国人民大学生的了是在和后後行银长城市场经济发展不知道么我们你他她它𠀀龍門語终端上变成前面"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=_CHARS, min_size=1, max_size=30), min_size=1, max_size=40))
def test_bulk_and_per_text_segmentation_agree(runs):
    table = cedict()
    padded = runs + ["中" * BULK_CHARS]  # long enough for the array path
    bulk = table.segment(padded)[:len(runs)]
    assert bulk == [table.segment([run])[0] for run in runs]  # short: the per-text path
    for run, words in zip(runs, bulk):
        assert "".join(w for w, _ in words) == run
        assert all((row >= 0) == (w in table.index) for w, row in words)


def test_classic_cases():
    words = [w for w, _ in chinese_words("一个中国")]
    assert words == ["一", "个", "中国"]  # not 一/个中/国 (left to right alone)
    assert chinese_words_many(["一个中国", "abc 中国"])[0] == chinese_words("一个中国")
    assert [w for w, keys in chinese_words("他在北京") if keys] == ["北京"]


# Runs where the two greedy walks tie on words and single characters (our own sentences): the walk whose
# single characters are function words or localisers wins (终端/上, not 终/端上); otherwise the backward one.
TIES = {
    "他在终端上输入命令": "他 在 终端 上 输入 命令",  # forward: the localiser 上 stands alone
    "天气变成了晴天": "天气 变成 了 晴天",  # forward: the particle 了 stands alone
    "她眼中的泪水": "她 眼中 的 泪水",  # forward
    "这里面有三本书": "这 里面 有 三 本 书",  # backward: 这 stands alone, not 面
    "他在前面等我": "他 在 前面 等 我",  # backward
    "我不知道": "我 不 知道",  # backward: neither single character is free, the classic default
    "你说的确实在理": "你 说 的 确实 在理",  # backward
}


def test_ties_prefer_free_single_characters():
    table = cedict()
    runs = list(TIES)
    bulk = table.segment(runs + ["中" * BULK_CHARS])[:len(runs)]
    for run, words in zip(runs, bulk):
        assert " ".join(w for w, _ in words) == TIES[run]
        assert [w for w, _ in table.segment([run])[0]] == TIES[run].split()
