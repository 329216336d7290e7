"""Sentence splitting: the tricky cases the aligner's users meet."""

import time
from functools import lru_cache

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
    assert chinese.to_simplified_many(texts) == [chinese.to_simplified(t) for t in texts]
    with chinese.simplified_memo():
        assert chinese.to_simplified_many(texts) == [chinese.to_simplified(t) for t in texts]
        assert chinese.to_simplified_many(texts[:3]) == [chinese.to_simplified(t) for t in texts[:3]]


def _counting_converter(monkeypatch) -> list[str]:
    """The texts OpenCC is given from now on, one entry per text (joined texts split again)."""
    from aligner.segment import chinese

    real, seen = chinese._t2s(), []

    class Counting:
        def convert(self, text):
            seen.extend(text.split("\n"))
            return real.convert(text)

    monkeypatch.setattr(chinese, "_t2s", lru_cache(maxsize=1)(Counting))
    return seen


def test_the_simplified_memo_lives_as_long_as_its_document(monkeypatch):
    """Within a memo (one document's alignment) a text is converted once; outside any, nothing is kept between
    calls (a batch worker holds no book's text between documents); nested memos are the outer one."""
    from aligner.segment import chinese

    seen = _counting_converter(monkeypatch)
    chinese.to_simplified_many(["後來", "後來"])
    chinese.to_simplified_many(["後來"])
    assert seen == ["後來", "後來"] and chinese._MEMO.get() is None
    seen.clear()
    with chinese.simplified_memo():
        chinese.to_simplified_many(["後來", "頭髮"])
        with chinese.simplified_memo():
            assert chinese.to_simplified_many(["頭髮", "發現"]) == ["头发", "发现"]
        chinese.to_simplified_many(["發現", "後來"])
    assert seen == ["後來", "頭髮", "發現"] and chinese._MEMO.get() is None


def test_a_full_memo_starts_again_without_losing_a_text(monkeypatch):
    from aligner.segment import chinese

    monkeypatch.setattr(chinese, "CACHED_TEXTS", 3)
    with chinese.simplified_memo():
        chinese.to_simplified_many(["後來", "頭髮"])
        assert chinese.to_simplified_many(["後來", "發現", "乾隆"]) == ["后来", "发现", "乾隆"]
        assert chinese.to_simplified_many(["後來"]) == ["后来"]


def test_align_converts_each_sentence_once_and_keeps_none(monkeypatch):
    """The dictionary and the encoder read the same Chinese sentences: converted once per alignment, and
    forgotten after it."""
    import aligner
    from aligner.segment import chinese

    zh_text = ["後來他們走了。", "頭髮白了。", "我們發現了一本書。"]
    en_text = ["Later they left.", "The hair turned white.", "We found a book."]
    seen = _counting_converter(monkeypatch)
    aligner.align(zh_text, en_text, encoder=aligner.get_encoder("hash", cache=False), src_lang="zh", tgt_lang="en")
    assert all(seen.count(t) == 1 for t in zh_text) and chinese._MEMO.get() is None


def _opencc_keys():
    """The t2s test (segment.t2s_keys) and OpenCC's own converter; skips where the test cannot be made."""
    import opencc

    from aligner.segment import t2s_keys

    test = t2s_keys.unchanged_test()
    if test is None:
        pytest.skip("this OpenCC's dictionaries cannot be read (no opencc_dict tool): every text is converted")
    found = t2s_keys._installed()
    return test, opencc.OpenCC("t2s"), t2s_keys._changing(found[0], found[1])


def test_texts_said_unchanged_are_their_own_t2s_conversion(shared):
    """Every text the test keeps as it is, OpenCC keeps as it is: real Simplified and Traditional text, each
    key of several characters that no changing character finds, each inside a sentence, and each changing
    character; and OpenCC changes the texts the test sends it (it is not sending everything)."""
    test, converter, (characters, keys) = _opencc_keys()
    lines = []
    for path in sorted((shared / "corpora" / "mac-dev-zh-en" / "zh").iterdir()):
        lines += path.read_text(encoding="utf-8").splitlines()
    lines += (shared / "corpora" / "seed" / "xinhua-2024-12-04.zh.txt").read_text(encoding="utf-8").splitlines()
    # keys of several characters none of which changes alone, as OpenCC 1.2's dictionaries hold them (and the
    # ones this OpenCC's hold)
    known = ["深沈", "回覆", "瞭然", "英哩", "捏坏", "甦生"]
    lines += [f"他说{key}了。" for key in known + keys] + list(characters) + [f"这是{c}字" for c in characters[::7]]
    assert not any(test(f"他说{key}了。") for key in known if converter.convert(key) != key)
    kept = [line for line in lines if test(line)]
    assert all(converter.convert(line) == line for line in kept)
    assert keys and len(characters) > 1000  # what the dictionaries hold: many characters, a few keys
    sent = [line for line in lines if not test(line)]
    assert sum(converter.convert(line) != line for line in sent) > 0.9 * len(sent)
    assert len(kept) > 1000  # the Simplified chapters' lines, nearly all


def test_characters_around_the_keys_never_fool_the_test():
    """Any text over the keys' own characters, changing characters and plain ones: kept only where OpenCC
    keeps it."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    test, converter, (characters, keys) = _opencc_keys()
    known = ["深沈", "回覆", "瞭然", "英哩", "捏坏", "甦生"]  # as in the test above
    alphabet = sorted(set("".join(keys + known)) | set(characters[::50]) | set("的了是在一说他她人"))

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.sampled_from(alphabet + keys + known), max_size=12))
    def check(pieces):
        text = "".join(pieces)
        if test(text):
            assert converter.convert(text) == text

    check()


def test_simplified_text_is_converted_without_loading_opencc():
    """A Simplified document never loads OpenCC (about 4 ms a process); a Traditional one does, and converts."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from aligner.segment.chinese import to_simplified_many, _unchanged\n"
            "if _unchanged() is None: print('skip'); sys.exit()\n"
            "assert to_simplified_many(['我们今天去公园散步。', '他说：“好的。”']) == "
            "['我们今天去公园散步。', '他说：“好的。”']\n"
            "assert 'opencc' not in sys.modules\n"
            "assert to_simplified_many(['後來他們走了。', '好的']) == ['后来他们走了。', '好的']\n"
            "assert 'opencc' in sys.modules\n"
            "print('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    if out == "skip":
        pytest.skip("this OpenCC's dictionaries cannot be read: every text is converted")
    assert out == "ok"


def test_a_long_call_converts_with_opencc_rather_than_test_every_text(monkeypatch):
    """Past TEST_CHARS characters in one call, OpenCC is loaded and converts them (testing each text would
    cost more than its load); the results are the same."""
    from aligner.segment import chinese

    texts = ["我们今天去公园散步。", "後來他們走了。", "好的"] * 4
    expected = [chinese._t2s().convert(t) for t in texts]
    chinese._t2s.cache_clear()
    tested = []
    real = chinese._unchanged()
    monkeypatch.setattr(chinese, "_unchanged", lambda: (lambda text: tested.append(text) or real(text)))
    monkeypatch.setattr(chinese, "TEST_CHARS", 12)  # the distinct texts hold 19 characters; the first two 17
    assert chinese.to_simplified_many(texts) == expected and not tested
    chinese._t2s.cache_clear()
    assert chinese.to_simplified_many(texts[::2][:1] + texts[2:3]) == [expected[0], expected[2]]
    assert tested == [texts[0], texts[2]]


def test_without_a_readable_dictionary_every_text_goes_to_opencc(monkeypatch, tmp_path):
    """Where OpenCC's dictionaries cannot be read (its tool fails, or is not there), the failure is kept (no
    later process tries again) and there is no test: every text is converted by OpenCC, as before."""
    from pathlib import Path

    from aligner import derived
    from aligner.segment import t2s_keys

    found = t2s_keys._installed()
    if found is None:
        pytest.skip("this OpenCC is not laid out as the PyPI package: there is no test to lose")
    monkeypatch.setattr(derived, "derived_dir", lambda: tmp_path)
    calls, real = [], t2s_keys._changing

    def failing(tool, files):
        calls.append(tool)
        return real(Path("/bin/false"), files)

    monkeypatch.setattr(t2s_keys, "_changing", failing)
    assert t2s_keys.unchanged_test() is None and t2s_keys.unchanged_test() is None
    assert len(calls) == 1  # the failure is stored
    monkeypatch.setattr(t2s_keys, "_installed", lambda: None)
    assert t2s_keys.unchanged_test() is None
