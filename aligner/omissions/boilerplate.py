"""Page boilerplate of news sites: breadcrumbs, datelines, bylines, photo credits, editor lines.

These are generic patterns of Chinese (Simplified and Traditional) and English news pages; a match is
reported as ``boilerplate`` rather than as an omission, since translators drop such lines on purpose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from ..model import Bead

CREDIT = "photo credit"
_NAME = r"[\u4e00-\u9fff·•]{2,5}"  # a Chinese personal name
_NAMES = rf"{_NAME}(?:[\s、,，]+{_NAME})*"
_AGENCY = r"(?:新[华華]社|中新社|中[国國]新[闻聞]社|人民[网網]|新[华華][网網]|本[报報]|央[视視][网網]?|\S{2,6}[报報社台])"
_FIELD = (r"(?:[发發][布佈表]|更新|出版)?(?:[时時][间間]|日期)|[来來]源|作者|[责責]任[编編][辑輯]|[编編][辑輯]|"
          r"[记記]者|[摄攝]影|[图圖]片|校[对對]|[审審][核校]|[点點][击擊]|[浏瀏][览覽]|[字字]号|[分分]享")

# Whole-sentence patterns (the sentence, stripped, must match in full).
_WHOLE = [
    ("site header", re.compile(r"^\S{1,8}(?:\s*[>›»＞/|]\s*\S{1,12})+\s*[>›»＞]?$")),
    ("site header", re.compile(r"^(?:首[页頁]|[主首]页|返回[首顶頂]?[页頁部]?|正文|[网網]站首[页頁])$")),
    # short values only: "记者：您怎么看？" opens a real interview question
    ("dateline", re.compile(r"^(?:" + _FIELD + r")\s*[:：][^。！？!?]{0,30}$")),
    ("dateline", re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")),
    ("byline", re.compile(rf"^[（(]?(?:{_AGENCY})?\s*(?:[记記]者|通[讯訊][员員]|特[约約][记記]者)\s*{_NAMES}"
                          rf"(?:\s*(?:[记記]者|通[讯訊][员員])\s*{_NAMES})*\s*[)）]?$")),
    ("dateline", re.compile(rf"^[（(]?{_AGENCY}\S{{0,12}}?\d{{1,2}}月\d{{1,2}}日[电電][)）]?$")),
    (CREDIT, re.compile(rf"^[（(]?(?:{_AGENCY})?\s*(?:[记記]者)?\s*{_NAMES}\s*[摄攝](?:影)?[)）]?$")),
    (CREDIT, re.compile(r"^[（(]?(?:[图圖]|[图圖]片|[图圖]片来源|[图圖]片來源|[图圖]源)\s*[:：/].{1,30}[)）]?$")),
    # English
    (CREDIT, re.compile(r"^\((?:[A-Z][\w.]*\s?){1,3}/[^()]{2,60}\)$")),
    ("dateline", re.compile(r"^(?:Source|Editor|Editors?|Author|Reporter|Published|Updated|Photo)\s*:.*$", re.I)),
]
# Fields that mark a metadata line when two or more occur ("發佈時間:… | 來源:… | 作者:").
_META_FIELD = re.compile(r"(?:" + _FIELD + r")\s*[:：]")
# Boilerplate at the end of a real sentence (a caption followed by its credit), found as a span.
_TRAILING = [
    (CREDIT, re.compile(rf"\s*[（(]?(?:{_AGENCY})?\s*[记記]者\s*{_NAMES}\s*[摄攝](?:影)?[)）]?\s*$")),
    (CREDIT, re.compile(rf"\s*[（(](?:{_AGENCY})?\s*{_NAMES}\s*[摄攝](?:影)?[)）]\s*$")),
    (CREDIT, re.compile(r"\s*\((?:Xinhua|Photo|[A-Z]\w+)/[^()]{2,60}\)\s*$")),
    ("dateline", re.compile(rf"^\s*{_AGENCY}\S{{0,12}}?\d{{1,2}}月\d{{1,2}}日[电電]\s*[(（]?(?:[记記]者\s*{_NAMES})?[)）]?")),
    ("byline", re.compile(rf"\s*[（(](?:[记記]者|[责責]任[编編][辑輯]|[编編][辑輯])\s*[:：]?\s*{_NAMES}[)）]\s*$")),
]


@dataclass(frozen=True)
class Boilerplate:
    start: int
    end: int
    reason: str


@lru_cache(maxsize=1 << 17)  # the judges ask about each sentence several times
def whole_sentence(text: str) -> str | None:
    """The kind of boilerplate the whole sentence is (``site header``, ``dateline``…), or None."""
    stripped = text.strip()
    if not stripped:
        return None
    if len(_META_FIELD.findall(stripped)) >= 2:
        return "publication metadata"
    for reason, pattern in _WHOLE:
        if pattern.match(stripped):
            return reason
    return None


@lru_cache(maxsize=1 << 17)
def spans(text: str) -> tuple[Boilerplate, ...]:
    """Boilerplate inside a sentence: the whole of it, or a credit or dateline at one end."""
    reason = whole_sentence(text)
    if reason:
        return (Boilerplate(0, len(text), reason),)
    found = []
    for reason, pattern in _TRAILING:
        match = pattern.search(text)
        if match and match.end() > match.start() and match.group().strip():
            start, end = match.span()
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            found.append(Boilerplate(start, end, reason))
    return tuple(found)


def carried_credits(beads: Sequence[Bead], zh: Sequence[str], en: Sequence[str], src_pos: Sequence[int]
                    ) -> dict[int, int]:
    """Chinese sentences (index: the English credit carrying it) holding a photo credit that an English credit
    elsewhere carries: news pages move a photo's credit ("新华社记者 X 摄" at the photo, "(Xinhua/X)" at the
    foot), and the search cannot pair a name with its transliteration. A credit is free when its bead's other
    side has none; each free English credit carries the nearest free Chinese one (by ``src_pos``, each source
    sentence's target position on the path), one each."""
    def has_credit(text: str) -> bool:
        return any(b.reason == CREDIT for b in spans(text))

    zh_free, en_free = [], []
    for b in beads:
        zh_credits = [i for i in b.zh if has_credit(zh[i])]
        en_credits = [j for j in b.en if has_credit(en[j])]
        if not en_credits:
            zh_free += zh_credits
        if not zh_credits:
            en_free += en_credits
    out: dict[int, int] = {}
    for j in en_free:
        left = [i for i in zh_free if i not in out]
        if left:
            out[min(left, key=lambda i: abs(int(src_pos[i]) - j))] = j
    return out
