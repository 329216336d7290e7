"""Sentence splitting: the tricky cases the aligner's users meet."""

import time

import pytest

from aligner.segment import MAX_SENTENCE_CHARS, segment


def zh(text):
    return [s.text for s in segment([text], "zh")]


def en(text):
    return [s.text for s in segment([text], "en")]


@pytest.mark.parametrize("text, expected", [
    ("今天下雨了。我们不出门！你呢？", ["今天下雨了。", "我们不出门！", "你呢？"]),
    ("他說：「你好。」然後走了。", ["他說：「你好。」", "然後走了。"]),
    ("她说：“我明白了。”大家都笑了。", ["她说：“我明白了。”", "大家都笑了。"]),
    ("价格是3.5元。很便宜!真的吗?", ["价格是3.5元。", "很便宜!", "真的吗?"]),
    ("他想了很久……终于开口了。", ["他想了很久……", "终于开口了。"]),
    ("美国U.S.政府发表声明。会议结束。", ["美国U.S.政府发表声明。", "会议结束。"]),
    ("這是繁體中文。還有一句！", ["這是繁體中文。", "還有一句！"]),
])
def test_chinese(text, expected):
    assert zh(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
    ("The talks were held on Dec. 3, 2024 in Beijing. Both sides agreed.",
     ["The talks were held on Dec. 3, 2024 in Beijing.", "Both sides agreed."]),
    ("The U.S. Army is large. It grew by 3.5 percent.", ["The U.S. Army is large.", "It grew by 3.5 percent."]),
    ("J. R. R. Tolkien wrote it. Readers loved it.", ["J. R. R. Tolkien wrote it.", "Readers loved it."]),
    ('"Really?" she asked. "Yes."', ['"Really?" she asked.', '"Yes."']),
])
def test_english(text, expected):
    assert en(text) == expected


def test_paragraph_ids_follow_lines():
    sentences = segment(["第一段。还是第一段。", "第二段。"], "zh")
    assert [s.paragraph for s in sentences] == [0, 0, 1]


def test_unpunctuated_text_is_cut_to_bounded_sentences():
    text = "word " * 60_000  # 300,000 characters pulled out of a PDF, no stop anywhere
    start = time.perf_counter()
    sentences = en(text)
    assert time.perf_counter() - start < 10
    assert all(len(s) <= MAX_SENTENCE_CHARS for s in sentences)
    assert "".join(sentences).replace(" ", "") == text.replace(" ", "")


def test_long_chinese_line_is_cut():
    sentences = zh("这是一个没有句号的很长的段落，" * 200)
    assert len(sentences) > 1 and all(len(s) <= MAX_SENTENCE_CHARS for s in sentences)


def test_control_characters_survive():
    assert en("Tab\there. Bell\x07 rings.") == ["Tab\there.", "Bell\x07 rings."]


def test_to_simplified_many_converts_each_text_as_alone():
    """Texts are converted together (joined by line breaks) and each distinct one once: the same as one by one,
    line breaks inside a text included."""
    from aligner.segment import chinese

    texts = ["後來他們乾隆年間", "", "後來", "頭髮\n發現", "电脑 電腦", "後來", "abc"]
    chinese._SIMPLIFIED.clear()
    assert chinese.to_simplified_many(texts) == [chinese.to_simplified(t) for t in texts]
    assert chinese.to_simplified_many(texts[:3]) == [chinese.to_simplified(t) for t in texts[:3]]
