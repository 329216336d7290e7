"""Paragraph level: for each English paragraph, the Chinese it should carry and the share that is missing."""

from __future__ import annotations

from ..model import Alignment
from .clauses import zh_size
from .model import Flag, ParagraphReport

# A paragraph is flagged when this share of its Chinese is missing, or when it misses a whole sentence
# flagged with at least SURE confidence (one doubtful clause does not make a paragraph worth a look).
MISSING_SHARE = 0.15
SURE = 0.7


def paragraph_reports(alignment: Alignment, flags: list[Flag]) -> list[ParagraphReport]:
    owner: dict[int, int] = {}  # zh sentence -> en paragraph that should carry it
    for k, bead in enumerate(alignment.beads):
        if bead.zh and bead.en:
            for i in bead.zh:
                owner[i] = alignment.en[bead.en[0]].paragraph
    for f in flags:
        if f.kind == "sentence" and f.zh_sentence is not None and f.en_paragraph is not None:
            owner.setdefault(f.zh_sentence, f.en_paragraph)
    boiler = {(f.zh_sentence, f.span) for f in flags if f.kind == "boilerplate"}
    missing: dict[int, list[Flag]] = {}
    for f in flags:
        if f.kind in ("sentence", "clause") and f.zh_sentence in owner:
            missing.setdefault(owner[f.zh_sentence], []).append(f)
    reports = []
    for par in sorted({s.paragraph for s in alignment.en}):
        sentences = sorted(i for i, p in owner.items() if p == par)
        total = 0
        for i in sentences:
            text = alignment.zh[i].text
            bp = sum(zh_size(text[a:b]) for s, (a, b) in ((s, sp) for s, sp in boiler if sp) if s == i)
            total += max(0, zh_size(text) - bp)
        own = missing.get(par, [])
        lost = min(total, sum(zh_size(f.zh) for f in own))
        share = lost / total if total else 0.0
        whole = any(f.kind == "sentence" and f.confidence >= SURE for f in own)
        flagged = bool(own) and (whole or share >= MISSING_SHARE)
        # confidence: the chance that at least one of its flags is real, as the flags' own estimates say
        miss = 1.0
        for f in own:
            miss *= 1.0 - f.confidence
        reports.append(ParagraphReport(
            par, sorted({alignment.zh[i].paragraph for i in sentences}), sentences, total, lost,
            round(share, 3), flagged, round(1.0 - miss, 3) if own else 0.0))
    return reports


def paragraph_flags(alignment: Alignment, reports: list[ParagraphReport]) -> list[Flag]:
    flags = []
    for r in reports:
        if r.flagged:
            flags.append(Flag("paragraph", r.confidence,
                              f"{r.missing_share:.0%} of the Chinese this paragraph should carry is missing "
                              f"({r.missing_chars} of {r.zh_chars} characters)",
                              zh_paragraph=r.zh_paragraphs[0] if r.zh_paragraphs else None,
                              en_paragraph=r.en_paragraph))
    return flags
