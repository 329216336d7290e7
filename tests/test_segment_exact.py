"""Exact text: sentences are pieces of the paragraph, never rewritten, and never cut inside a protected token
(URL, e-mail address, number, file or dotted name, inline code, Markdown link or image)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligner.segment import segment


def sentences(text: str, lang: str) -> list[str]:
    return [s.text for s in segment([text], lang)]


def assert_pieces_of(paragraph: str, parts: list[str]) -> None:
    """Each sentence is the paragraph's own text, in order, with only whitespace between them (the rule
    docs/formats.md documents: joining the sentences gives the paragraph, whitespace between them aside)."""
    at = 0
    for part in parts:
        found = paragraph.find(part, at)
        assert found >= 0, (part, paragraph)
        assert paragraph[at:found].strip() == "", (paragraph[at:found], paragraph)
        at = found + len(part)
    assert paragraph[at:].strip() == ""


@pytest.mark.parametrize("text, expected", [
    # nothing inserted: was "! [curl example](cowsay.png) ..."
    ("![curl example](cowsay.png) Run it. Done.", ["![curl example](cowsay.png) Run it.", "Done."]),
    ("He saw blood.... She ran.", ["He saw blood....", "She ran."]),
    ("He saw blood… She ran.", ["He saw blood…", "She ran."]),
    ("Then… he stopped. Ok.", ["Then… he stopped.", "Ok."]),
    ("See https://example.com/a?b=1!c. Then go.", ["See https://example.com/a?b=1!c.", "Then go."]),
    ("Pi is 3.14 and 1,000 people came. Good.", ["Pi is 3.14 and 1,000 people came.", "Good."]),
    ("Edit setup.py! Then call `a.b()`. Done.", ["Edit setup.py!", "Then call `a.b()`.", "Done."]),
    ("Mail john.doe@example.com now. Bye.", ["Mail john.doe@example.com now.", "Bye."]),
])
def test_english(text: str, expected: list[str]) -> None:
    assert sentences(text, "en") == expected


@pytest.mark.parametrize("text, expected", [
    ("访问https://example.com/a?b=1!c=2看看。好的！", ["访问https://example.com/a?b=1!c=2看看。", "好的！"]),
    ("访问https://example.com/a?b=1!好的！", ["访问https://example.com/a?b=1!", "好的！"]),  # "!" after it ends it
    ("请见 www.example.com/q?x=1。谢谢！", ["请见 www.example.com/q?x=1。", "谢谢！"]),
    ("他说：“走吧！”她笑了。", ["他说：“走吧！”", "她笑了。"]),
    ("他在门口站着：「你好！」然后走了。", ["他在门口站着：「你好！」", "然后走了。"]),
    ("等等……好吧——走。", ["等等……", "好吧——走。"]),
    ("运行 `a.b()?` 试试。版本3.14。", ["运行 `a.b()?` 试试。", "版本3.14。"]),
    ("![截图!](shot.png) 这是截图。", ["![截图!](shot.png) 这是截图。"]),
])
def test_chinese(text: str, expected: list[str]) -> None:
    assert sentences(text, "zh") == expected


# --- properties --------------------------------------------------------------------------------------------

PROTECTED = ["https://example.com/a?b=1!x.y", "www.example.org/p?q=2", "john.doe@example.com", "3.14", "1,000",
             "12:30", "setup.py", "os.path.join()", "`a.b()?`", "![logo!](img/logo.png)", "[the docs?](https://x.io/d)"]
EN_WORDS = ["The", "cat", "sat", "Mr.", "on", "it", "Dr.", "U.S.", "he", "said", "She", "ran", "e.g."]
EN_STOPS = [".", "!", "?", "....", "…", "...", '."', ".)", ""]
ZH_WORDS = ["今天", "我们", "天气", "很好", "公园", "他", "说", "走吧", "版本"]
ZH_STOPS = ["。", "！", "？", "……", "——", "。”", "！」", "?", "!", "", "，"]


def paragraphs(words: list[str], stops: list[str], joiner: st.SearchStrategy[str]) -> st.SearchStrategy:
    """(paragraph, tokens put in it) from words, stops, whitespace and protected tokens."""
    token = st.one_of(st.sampled_from(words), st.sampled_from(PROTECTED).map(lambda t: ("protected", t)))
    sentence = st.tuples(st.lists(st.tuples(token, joiner), min_size=1, max_size=8), st.sampled_from(stops))

    def build(parts):
        text, tokens = "", []
        for pieces, stop in parts:
            for tok, sep in pieces:
                if isinstance(tok, tuple):
                    tok = tok[1]
                    if text and text[-1].isascii() and not text[-1].isspace():
                        text += " "  # two Latin tokens glued together are one token ("a.b@x.org3.14")
                    tokens.append((len(text), len(text) + len(tok)))
                text += tok + sep
            text = text.rstrip() + stop + " "
        return text.strip(), tokens

    return st.lists(sentence, min_size=1, max_size=6).map(build)


EN_PARAGRAPHS = paragraphs(EN_WORDS, EN_STOPS, st.sampled_from([" ", "  ", "\t", " "]))
ZH_PARAGRAPHS = paragraphs(ZH_WORDS, ZH_STOPS, st.sampled_from(["", "", " "]))
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(paragraph: str, tokens: list[tuple[int, int]], lang: str) -> None:
    parts = sentences(paragraph, lang)
    assert_pieces_of(paragraph, parts)
    # where each sentence lies in the paragraph: no protected token straddles two
    spans, at = [], 0
    for part in parts:
        start = paragraph.find(part, at)
        spans.append((start, start + len(part)))
        at = start + len(part)
    for a, b in tokens:
        assert any(s <= a and b <= e for s, e in spans), (paragraph[a:b], parts)


@SETTINGS
@given(EN_PARAGRAPHS)
def test_english_sentences_are_exact_and_keep_protected_tokens(case) -> None:
    check(*case, "en")


@SETTINGS
@given(ZH_PARAGRAPHS)
def test_chinese_sentences_are_exact_and_keep_protected_tokens(case) -> None:
    check(*case, "zh")


@SETTINGS
@given(st.text(alphabet=st.sampled_from(list("ab. !?。！？…\"”」 \t(),:1@/`[]")), max_size=120))
def test_any_text_gives_pieces_of_itself(text: str) -> None:
    text = text.strip()
    for lang in ("en", "zh"):
        assert_pieces_of(text, sentences(text, lang))


def test_long_sentences_are_not_cut_inside_a_url() -> None:
    url = "https://example.com/" + "a,b" * 100  # commas are soft breaks everywhere else
    text = "word, " * 80 + url + " end."
    parts = sentences(text, "en")
    assert len(parts) > 1 and any(url in p for p in parts)
    assert_pieces_of(text, parts)
