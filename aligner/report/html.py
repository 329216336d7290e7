"""Render a :class:`~aligner.omissions.Review` as one self-contained HTML page."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from jinja2 import Environment, PackageLoader, select_autoescape

from ..language import language_name
from ..model import Alignment
from ..omissions import Flag, Review
from ..signature import format_signature
from .heatmap import heatmap_png


@dataclass
class Segment:
    text: str
    kind: str | None = None  # the flag kind highlighting it, None for carried text
    reason: str = ""


@dataclass
class Row:
    index: int
    type: str
    score: float
    band: str  # "good", "fair", "poor" relative to this document, or "null"
    zh: list[tuple[int, list[Segment]]]
    en: list[tuple[int, str]]
    flags: list[Flag] = field(default_factory=list)


def environment() -> Environment:
    # autoescape everything: the page shows untrusted text (a sentence may contain "<script>")
    return Environment(loader=PackageLoader("aligner.report", "templates"),
                       autoescape=select_autoescape(default=True, default_for_string=True),
                       trim_blocks=True, lstrip_blocks=True)


def _segments(text: str, flags: list[Flag]) -> list[Segment]:
    """Split a sentence into carried and flagged stretches (flags with spans; the first flag wins)."""
    marks: list[Flag | None] = [None] * len(text)
    for f in sorted(flags, key=lambda f: f.kind != "boilerplate"):
        if f.span:
            for k in range(max(0, f.span[0]), min(len(text), f.span[1])):
                marks[k] = marks[k] or f
    out: list[Segment] = []
    for ch, f in zip(text, marks):
        kind, reason = (f.kind, f.reason) if f else (None, "")
        if out and out[-1].kind == kind and out[-1].reason == reason:
            out[-1].text += ch
        else:
            out.append(Segment(ch, kind, reason))
    return out


def _bands(alignment: Alignment) -> tuple[float, float]:
    scores = [b.score for b in alignment.beads if not b.is_null]
    if not scores:
        return 0.0, 0.0
    # thirds of this document's own scores: the scale of bead scores depends on the encoder and search
    return float(np.quantile(scores, 1 / 3)), float(np.quantile(scores, 2 / 3))


def rows(review: Review) -> list[Row]:
    alignment = review.alignment
    low, high = _bands(alignment)
    by_sentence: dict[int, list[Flag]] = {}
    by_bead: dict[int, list[Flag]] = {}
    for f in review.flags:
        if f.zh_sentence is not None and f.kind != "paragraph":
            by_sentence.setdefault(f.zh_sentence, []).append(f)
        if f.bead is not None:
            by_bead.setdefault(f.bead, []).append(f)
    out = []
    for k, bead in enumerate(alignment.beads):
        band = "null" if bead.is_null else ("good" if bead.score >= high else "fair" if bead.score >= low else "poor")
        out.append(Row(k, bead.type, bead.score, band,
                       [(i, _segments(alignment.zh[i].text, by_sentence.get(i, []))) for i in bead.zh],
                       [(j, alignment.en[j].text) for j in bead.en], by_bead.get(k, [])))
    return out


def _zh_lang(alignment: Alignment) -> str:
    locale = (alignment.src_locale or "").lower()
    if alignment.src_lang != "zh":
        return alignment.src_locale or alignment.src_lang
    return "zh-Hant" if locale in ("zh-tw", "zh-hk", "zh-mo", "zh-hant") else "zh-Hans"


def render_html(review: Review, *, heatmap: bool = True) -> str:
    alignment = review.alignment
    paragraphs = []
    en_by_par: dict[int, list[str]] = {}
    for s in alignment.en:
        en_by_par.setdefault(s.paragraph, []).append(s.text)
    for p in review.paragraphs:
        paragraphs.append({"report": p, "en": " ".join(en_by_par.get(p.en_paragraph, [])),
                           "missing": [f for f in review.flags if f.kind in ("sentence", "clause")
                                       and f.en_paragraph == p.en_paragraph]})
    template = environment().get_template("review.html.j2")
    return template.render(
        review=review, summary=review.summary, rows=rows(review), paragraphs=paragraphs,
        signature=format_signature(alignment.signature) if alignment.signature else "",
        zh_lang=_zh_lang(alignment), en_lang=alignment.tgt_locale or alignment.tgt_lang,
        src_name=language_name(alignment.src_lang), tgt_name=language_name(alignment.tgt_lang),
        heatmap=heatmap_png(alignment, review.similarity) if heatmap and review.similarity is not None
        and min(review.similarity.shape) else None,
        flags=[f for f in review.flags if f.kind != "paragraph"], moved=_moved(review))


def _moved(review: Review) -> list[dict]:
    """The review's moved sentences and clauses with their text and the text that carries them (the piece,
    if known)."""
    alignment = review.alignment
    out = []
    for m in review.moved:
        own, other = (alignment.zh, alignment.en) if m["side"] == "zh" else (alignment.en, alignment.zh)
        out.append({**m, "text": m.get("zh") or own[m["sentence"]].text,  # a clause, or the whole sentence
                    "there": m.get("en") or other[m["matches"]].text})
    return out
