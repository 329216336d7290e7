"""Guessing a text's language and Chinese script, enough to pick a segmenter and a locale."""

from __future__ import annotations

import re
from collections import Counter

from .segment.base import PROTECTED

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_WORD = re.compile(r"[^\W\d_]+")
# A word in a script written with spaces: letters that are not Han, kana or Hangul.
_OTHER_WORD = re.compile(r"[^\W\d_\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+")
_MARKUP = re.compile(r"<[^<>\n]{1,200}>")  # HTML tags in Markdown: <img src=...>, <br/>

SAMPLE_CHARS = 50000  # enough text to decide; reading more only costs time
# A Han (kana, Hangul) character weighs as much as this many words of a spaced script: at 0.5 a text is
# Chinese when its Han characters are at least half as many as its other words (Chinese words run 1-2 characters).
CJK_WEIGHT = 0.5
KANA_SHARE = 0.1  # Japanese writes a third or more of its CJK characters in kana; Chinese almost none
# Letters of the scripts we detect and segment: Han, kana, Hangul, Latin, Greek, Cyrillic.
_SEGMENTED_LETTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
                               r"A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0370-\u03ff\u0400-\u04ff]")
# BCP 47's shape, enough to keep junk (control characters, spaces, "x<y") out of TMX attributes and
# segmenter names: a 2-3 letter primary language, then hyphenated subtags (zh-Hant-TW, en-GB, de-1996).
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")

# A few hundred of the commonest words would be overkill: these separate the languages we segment.
_STOPWORDS = {
    "en": "the of and to in is that it was for on with as he be by at are this his from".split(),
    "de": "der die und den das ist nicht zu von mit sich des auf für im dem ein eine auch".split(),
    "fr": "le la les de des et est un une du que qui dans en pour pas au sur il elle".split(),
    "es": "el la los las de y que en un una por con para es del se no al lo".split(),
    "it": "il di che la e un una per non sono della gli le del con si nel".split(),
    "pt": "de que o a os as um uma para com não do da em se por no na".split(),
    "nl": "de het een van en in is dat op te zijn met voor niet aan er".split(),
    "is": "og að í á er ekki sem við til það var með hann um en af".split(),
    "sv": "och att det som en på är av för med till den har inte om".split(),
}


_NAMES = {"zh": "Chinese", "en": "English", "ja": "Japanese", "ko": "Korean", "de": "German", "fr": "French",
          "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch", "is": "Icelandic", "sv": "Swedish",
          "da": "Danish", "no": "Norwegian", "fi": "Finnish", "ru": "Russian", "el": "Greek", "tr": "Turkish",
          "pl": "Polish", "cs": "Czech"}


def language_tag(value: str, what: str) -> str:
    """``value`` if it is shaped like a language tag (``zh``, ``en-GB``, ``zh-Hant-TW``), else ValueError (TypeError
    for a non-string) naming ``what``."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a language tag such as 'zh' or 'en', or None; got {value!r}")
    if not _LANGUAGE_TAG.fullmatch(value):
        raise ValueError(f"{what} {value!r}: not a language tag (e.g. zh, en, zh-TW: letters, digits and hyphens)")
    return value


def has_detectable_text(text: str) -> bool:
    """True when ``text`` has letters of a script :func:`detect_language` tells apart (not only digits,
    punctuation, emoji, or a script such as Arabic that it would call English)."""
    return _SEGMENTED_LETTER.search(text) is not None


def _sample(text: str) -> str:
    """The text detection reads: its start, without URLs, e-mail addresses, file names, code and tags."""
    return _MARKUP.sub(" ", PROTECTED.sub(" ", text[:SAMPLE_CHARS]))


def _script_counts(sample: str) -> tuple[int, int, int, int]:
    """Han, kana and Hangul characters, and words of other scripts."""
    return (*(len(p.findall(sample)) for p in (_HAN, _KANA, _HANGUL)), len(_OTHER_WORD.findall(sample)))


def _weighs(cjk: int, words: int) -> bool:
    return cjk > 0 and cjk >= CJK_WEIGHT * words


def mostly_han(text: str) -> bool:
    """Whether Han characters weigh as much as the other words (``CJK_WEIGHT``): the rule that makes a text
    Chinese in :func:`detect_language`, and a paragraph of a bilingual document the source."""
    han, _, _, words = _script_counts(_sample(text))
    return _weighs(han, words)


def detect_language(text: str) -> str:
    """ISO 639-1 code: zh, ja, ko by script, else the best stopword match among a few Latin-script languages.

    Scripts are weighed in words: a Han, kana or Hangul character counts as one, a run of other letters as one,
    after URLs, e-mail addresses, file names, inline code, Markdown links and HTML tags are taken out. So a
    Chinese README with its code and links is Chinese, and an English text quoting a few Chinese names is not.
    """
    sample = _sample(text)
    han, kana, hangul, words = _script_counts(sample)
    if kana > KANA_SHARE * (han + kana) and _weighs(han + kana, words):
        return "ja"
    if hangul > han and _weighs(hangul, words):
        return "ko"
    if _weighs(han, words):
        return "zh"
    counts = Counter(w.lower() for w in _WORD.findall(sample))
    scores = {lang: sum(counts[w] for w in stop) for lang, stop in _STOPWORDS.items()}
    best = max(scores, key=scores.get)
    return best if scores[best] > 0 else "en"


def language_name(code: str) -> str:
    """English name of a language code for reports ("zh-TW" -> "Chinese"); the code itself when unknown."""
    return _NAMES.get(code.split("-")[0].lower(), code)


def is_traditional(text: str) -> bool:
    """True when converting to Simplified changes a noticeable share of the Han characters."""
    from .segment.chinese import to_simplified

    han = "".join(_HAN.findall(text[:20000]))
    if not han:
        return False
    changed = sum(a != b for a, b in zip(han, to_simplified(han)))
    return changed > 0.03 * len(han)


def chinese_locale(text: str) -> str:
    return "zh-TW" if is_traditional(text) else "zh-CN"
