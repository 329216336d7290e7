"""Paragraphs: for each English paragraph, the Chinese it should carry and the share of it flagged missing.
A paragraph is flagged when ``missing_share`` of its Chinese is missing, or when it misses a whole sentence
flagged with at least ``sure`` confidence (one doubtful clause does not make a paragraph worth a look)."""

from __future__ import annotations

import numpy as np

from ..clauses import zh_size
from ..context import ReviewContext
from ..model import Flag, ParagraphReport
from .base import Judge, Verdict


class ParagraphJudge(Judge[list[int]]):
    def __init__(self, flags: list[Flag]):
        self.flags = flags  # the sentence, clause and boilerplate flags so far
        self.reports: list[ParagraphReport] = []

    def candidates(self, ctx: ReviewContext) -> list[int]:
        return sorted({s.paragraph for s in ctx.alignment.en})

    def features(self, ctx: ReviewContext, paragraphs: list[int]) -> dict[str, np.ndarray]:
        """Per paragraph: the Chinese characters it should carry (boilerplate excluded), those flagged
        missing, and the chance that at least one of its flags is real, as the flags' own estimates say."""
        a = ctx.alignment
        owner: dict[int, int] = {}  # zh sentence -> en paragraph that should carry it
        for bead in a.beads:
            if bead.zh and bead.en:
                for i in bead.zh:
                    owner[i] = a.en[bead.en[0]].paragraph
        for f in self.flags:
            if f.kind == "sentence" and f.zh_sentence is not None and f.en_paragraph is not None:
                owner.setdefault(f.zh_sentence, f.en_paragraph)
        boiler: dict[int, int] = {}  # zh sentence -> its boilerplate characters
        for s, span in dict.fromkeys((f.zh_sentence, f.span) for f in self.flags if f.kind == "boilerplate"):
            if span:
                boiler[s] = boiler.get(s, 0) + zh_size(a.zh[s].text[span[0]:span[1]])
        by_paragraph: dict[int, list[int]] = {}
        for i, par in sorted(owner.items()):
            by_paragraph.setdefault(par, []).append(i)
        missing: dict[int, list[Flag]] = {}
        for f in self.flags:
            if f.kind in ("sentence", "clause") and f.zh_sentence in owner:
                missing.setdefault(owner[f.zh_sentence], []).append(f)
        n = len(paragraphs)
        total, lost, whole, found = np.zeros(n, int), np.zeros(n, int), np.zeros(n, bool), np.zeros(n)
        for k, par in enumerate(paragraphs):
            total[k] = sum(max(0, zh_size(a.zh[i].text) - boiler.get(i, 0)) for i in by_paragraph.get(par, []))
            own = missing.get(par, [])
            lost[k] = min(total[k], sum(zh_size(f.zh) for f in own))
            whole[k] = any(f.kind == "sentence" and f.confidence >= ctx.params.sure for f in own)
            miss = 1.0
            for f in own:
                miss *= 1.0 - f.confidence
            found[k] = 1.0 - miss if own else 0.0
        self._sentences, self._missing = by_paragraph, missing
        return {"chars": total, "missing": lost, "whole": whole, "confidence": found}

    def decide(self, ctx: ReviewContext, paragraphs: list[int], features: dict[str, np.ndarray]) -> Verdict:
        a, out = ctx.alignment, Verdict()
        for k, par in enumerate(paragraphs):
            sentences = self._sentences.get(par, [])
            total, lost = int(features["chars"][k]), int(features["missing"][k])
            share = lost / total if total else 0.0
            # one paragraph is the whole document (presplit input, a single block): its flag would only
            # repeat the sentence and clause flags, so it is reported, not flagged
            flagged = (len(paragraphs) > 1 and bool(self._missing.get(par))
                       and (bool(features["whole"][k]) or share >= ctx.params.missing_share))
            report = ParagraphReport(par, sorted({a.zh[i].paragraph for i in sentences}), sentences, total, lost,
                                     round(share, 3), flagged, round(float(features["confidence"][k]), 3))
            self.reports.append(report)
            if flagged:
                out.flags.append(Flag(
                    "paragraph", report.confidence,
                    f"{report.missing_share:.0%} of the Chinese this paragraph should carry is missing "
                    f"({report.missing_chars} of {report.zh_chars} characters)",
                    zh_paragraph=report.zh_paragraphs[0] if report.zh_paragraphs else None, en_paragraph=par))
        return out
