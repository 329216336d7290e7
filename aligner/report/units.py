"""The page's reading units and its summary in words.

A unit is an English paragraph, or, for a text without usable paragraph breaks (one paragraph, or one
sentence a line as presplit files are), a window of English sentences. Every sentence gets the unit it is
read in, so the page's paragraph filter and view stay right after the reader merges or splits beads.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..language import language_name
from ..model import Alignment
from ..omissions import Review
from ..omissions.model import NOT_OMISSIONS
from .reasons import flag_word

WINDOW = 20  # English sentences a unit, for texts without paragraph breaks
MIN_PARAGRAPH = 1.5  # mean English sentences a paragraph below which paragraphs are not worth reading by


@dataclass
class Units:
    kind: str  # "paragraph" or "window"
    labels: list[str]
    zh: list[int]  # the unit of each source sentence
    en: list[int]  # the unit of each target sentence
    of_paragraph: dict[int, int] = field(default_factory=dict)  # English paragraph -> unit


def sentence_units(alignment: Alignment) -> Units:
    paragraphs = sorted({s.paragraph for s in alignment.en})
    by_paragraph = len(paragraphs) > 1 and len(alignment.en) / len(paragraphs) >= MIN_PARAGRAPH
    if by_paragraph:
        of_paragraph = {p: u for u, p in enumerate(paragraphs)}
        en = [of_paragraph[s.paragraph] for s in alignment.en]
        labels = [f"Paragraph {u + 1}" for u in range(len(paragraphs))]
    else:
        en = [j // WINDOW for j in range(len(alignment.en))]
        of_paragraph = {}  # a paragraph is read in the window of its first sentence
        for j, s in enumerate(alignment.en):
            of_paragraph.setdefault(s.paragraph, en[j])
        labels = [f"Sentences {u * WINDOW + 1}–{min(len(alignment.en), (u + 1) * WINDOW)}"
                  for u in range(-(-len(alignment.en) // WINDOW))] or ["Sentences"]
    zh = [0] * len(alignment.zh)
    current = 0
    for bead in alignment.beads:  # a source sentence is read with its bead's English, or the English before it
        current = en[bead.en[0]] if bead.en else current
        for i in bead.zh:
            zh[i] = current
    return Units("paragraph" if by_paragraph else "window", labels, zh, en, of_paragraph)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else many or one + 's'}"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def summary_lines(review: Review, units: Units) -> list[dict]:
    """The summary as sentences (``text``), the last naming the flagged units (``links``: unit and label)."""
    alignment, s = review.alignment, review.summary
    src, tgt = language_name(alignment.src_lang), language_name(alignment.tgt_lang)
    lines = [{"text": f"The {tgt} carries {s['coverage']:.1%} of the {src} text "
                      f"({s['content_coverage']:.1%} leaving boilerplate aside)."}]
    alone_zh = sum(1 for b in alignment.beads if b.zh and not b.en)
    alone_en = sum(1 for b in alignment.beads if b.en and not b.zh)
    lines.append({"text": f"{_count(len(alignment.zh), src + ' sentence')} and "
                          f"{_count(len(alignment.en), tgt + ' sentence')} in {_count(len(alignment.beads), 'bead')}"
                          f"; without a counterpart: {_count(alone_zh, src + ' sentence')} and "
                          f"{_count(alone_en, tgt + ' sentence')}."})
    flags = [f for f in review.flags if f.kind != "paragraph"]
    if not flags:
        lines.append({"text": "Nothing is flagged."})
        return lines
    names = {"sentence": ("whole sentence", "whole sentences"), "clause": ("part of a sentence", "parts of sentences"),
             "addition": ("addition", "additions"), "boilerplate": ("piece of boilerplate", "pieces of boilerplate"),
             "alignment": ("bead whose alignment to check", "beads whose alignment to check")}
    kinds = Counter(f.kind for f in flags)
    likely = Counter(f.kind for f in flags if flag_word(f.confidence, review) == "likely")
    parts = [_count(kinds[k], *names[k]) + (f" ({likely[k]} likely)" if k != "boilerplate" and likely[k] else "")
             for k in names if kinds[k]]
    lines.append({"text": f"{_count(len(flags), 'thing')} to check: {_and(parts)}."})
    flagged = sorted({units.of_paragraph[p] for p in s["flagged_paragraphs"] if p in units.of_paragraph}
                     if units.kind == "paragraph" else
                     {units.zh[f.zh_sentence] if f.zh_sentence is not None else units.en[f.en_sentence]
                      for f in flags if f.kind not in NOT_OMISSIONS and (f.zh_sentence, f.en_sentence) != (None, None)})
    if flagged:
        where = (("paragraph", "paragraphs") if units.kind == "paragraph" else
                 (f"stretch of {WINDOW} {tgt} sentences", f"stretches of {WINDOW} {tgt} sentences"))
        lines.append({"text": f"Content is missing or added in {_count(len(flagged), *where)}:",
                      "links": [{"unit": u, "label": units.labels[u] if units.kind == "paragraph"
                                 else units.labels[u].removeprefix("Sentences ")} for u in flagged]})
    return lines
