"""Sentences the search left unaligned (1-0 and 0-1 beads): page boilerplate, additions, content carried by
a sentence nearby (moved or repeated), and Chinese sentences handed on to the sentence judge."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import boilerplate
from ..clauses import en_size, zh_size
from ..context import ReviewContext
from ..logistic import sigmoid
from ..model import Flag, Moved
from .base import Judge, Verdict


@dataclass(frozen=True)
class Unaligned:
    bead: int
    side: str  # "zh" or "en"
    index: int  # the sentence on that side


class UnalignedJudge(Judge[list[Unaligned]]):
    def candidates(self, ctx: ReviewContext) -> list[Unaligned]:
        return [Unaligned(k, side, i) for k, b in enumerate(ctx.alignment.beads) if not (b.zh and b.en)
                for side, idx in (("zh", b.zh), ("en", b.en)) for i in idx]

    def features(self, ctx: ReviewContext, cands: list[Unaligned]) -> dict[str, np.ndarray]:
        """``carried``: where the sentence's best match within ``window`` sentences of the path lies from a
        typical near miss (0) to a typical aligned pair (1); ``matches``: that sentence; ``size``: the
        sentence's meaningful characters (Chinese) or words."""
        carried, matches, size = np.zeros(len(cands)), np.full(len(cands), -1), np.zeros(len(cands))
        sim, a = ctx.sim, ctx.alignment
        for n, c in enumerate(cands):
            if c.side == "zh":
                window = ctx.window(int(ctx.src_pos[c.index]), sim.shape[1])
                row = sim[c.index, window]
                size[n] = zh_size(a.zh[c.index].text)
            else:
                window = ctx.window(int(ctx.tgt_pos[c.index]), sim.shape[0])
                row = sim[window, c.index]
                size[n] = en_size(a.en[c.index].text)
            if len(row):
                best = int(np.argmax(row))
                carried[n], matches[n] = ctx.cal.carried(float(row[best])), window.start + best
        return {"carried": carried, "matches": matches, "size": size}

    def decide(self, ctx: ReviewContext, cands: list[Unaligned], features: dict[str, np.ndarray]) -> Verdict:
        """Boilerplate is flagged as such; a sentence below ``min_chars`` is let be; one carried from
        ``carried_at`` on is recorded as moved (a Chinese one still goes to the sentence judge, whose cover
        features weigh the match); an English one otherwise is an addition, as sure as its match is weak."""
        p, a = ctx.params, ctx.alignment
        out = Verdict()
        credits = ctx.credits
        for c, carried, other, size in zip(cands, features["carried"], features["matches"], features["size"]):
            text = (a.zh if c.side == "zh" else a.en)[c.index].text
            where = {"zh_sentence": c.index, "zh_paragraph": a.zh[c.index].paragraph} if c.side == "zh" else \
                {"en_sentence": c.index, "en_paragraph": a.en[c.index].paragraph}
            if c.side == "zh" and c.index in credits:
                out.moved.append(credit_moved(ctx, c.index, credits[c.index]))
                continue
            if bp := boilerplate.whole_sentence(text):
                out.flags.append(Flag("boilerplate", p.boilerplate_confidence, f"{bp}, not translated",
                                      zh=text if c.side == "zh" else "", en=text if c.side == "en" else "",
                                      span=(0, len(text)) if c.side == "zh" else None, bead=c.bead, **where))
                continue
            if size < p.min_chars:
                continue
            carried = float(carried)
            if carried >= p.carried_at:
                out.moved.append(Moved(c.side, c.index, int(other), round(carried, 3)))
            if c.side == "zh":
                out.pending.append((c.bead, c.index))
                continue
            confidence = round(float(sigmoid(p.unaligned_slope * (p.carried_at - carried))), 3)
            if carried < p.carried_at and confidence >= p.flag_at:
                out.flags.append(Flag(
                    "addition", confidence,
                    f"no Chinese source (best match nearby is {carried:.0%} of the way from an unrelated sentence "
                    "to a typical aligned pair)", en=text, bead=c.bead, **where))
        return out


def credit_moved(ctx: ReviewContext, sentence: int, en: int, clause: tuple[str, tuple[int, int]] | None = None
                 ) -> Moved:
    """The review's record of a Chinese credit (a whole sentence, or a ``clause``: its text and span) that the
    English credit ``en`` carries."""
    zh, span = clause if clause else (None, None)
    return Moved("zh", sentence, en, round(float(ctx.cal.carried(float(ctx.sim[sentence, en]))), 3),
                 ctx.alignment.en[en].text, zh=zh, span=span)
