"""The sentence judge's candidates: each Chinese sentence to be judged whole, with the aligned bead whose
English is tested for it (its host)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .. import boilerplate
from ..clauses import alnum, en_size, zh_size
from ..context import ReviewContext
from ..evidence import numbers, numbers_conflict
from ..model import Alignment, Moved
from .rescore import gains


@dataclass
class Candidate:
    sentence: int
    bead: int  # the bead the sentence is in (for an unaligned one: its own 1-0 bead)
    host: int  # the aligned bead whose English is tested for it
    unaligned: bool
    zh_with: tuple[int, ...]  # host Chinese with the sentence
    zh_without: tuple[int, ...]  # … and without it
    features: dict[str, float] = field(default_factory=dict)
    confidence: float = 0.0
    moved: Moved | None = None  # where further away the English carries it


def candidates(ctx: ReviewContext, unaligned: list[tuple[int, int]], displaced: set[int] = frozenset()
               ) -> list[Candidate]:
    """Every Chinese sentence of a bead with two or more Chinese sentences, and every unaligned one (tried
    with the aligned bead before it and the one after it). A sentence whose English carries nothing (page
    boilerplate such as a photo credit, or a repeat of an earlier English sentence such as a caption given
    again at the foot of the page) counts as unaligned, whatever the search paired it with, and so do the
    Chinese sentences of the ``displaced`` beads (:func:`displaced_beads`)."""
    a, p = ctx.alignment, ctx.params
    out = []
    repeats = repeated_english(a, p.min_repeat_words)
    empty = {int(k) for k in ctx.aligned_beads
             if all(j in repeats or boilerplate.whole_sentence(a.en[j].text) for j in a.beads[k].en)}
    empty |= set(displaced)
    unaligned = unaligned + [(k, i) for k in sorted(empty) for i in a.beads[k].zh]
    aligned = np.array([k for k in ctx.aligned_beads if k not in empty], dtype=np.int64)
    # A sentence repeated word for word (a photo caption repeating the lead) needs translating once: a
    # copy is not missing when another copy sits in a bead with English.
    translated: dict[str, set[int]] = {}  # core -> the aligned beads holding a copy
    seen: Counter[str] = Counter()  # core -> its copies in aligned beads
    for k in aligned:
        for i in a.beads[k].zh:
            translated.setdefault(c := core(a.zh[i].text), set()).add(int(k))
            seen[c] += 1
    for k in aligned:
        bead = a.beads[k]
        if len(bead.zh) >= 2:
            for i in bead.zh:
                c = core(a.zh[i].text)
                if eligible(a, i, p.min_chars) and not (c and seen[c] >= 2):  # another copy is aligned
                    out.append(Candidate(i, int(k), int(k), False, bead.zh, tuple(x for x in bead.zh if x != i)))
    for k, i in unaligned:
        if not eligible(a, i, p.min_chars) or translated.get(core(a.zh[i].text), set()) - {k}:
            continue
        for n in ctx.around(k, aligned):
            if n is not None:
                host = a.beads[n].zh
                out.append(Candidate(i, k, n, True, tuple(sorted(host + (i,))), host))
    return out


def displaced_beads(ctx: ReviewContext) -> set[int]:
    """1-1 beads whose English is a neighbour's: the pair scores below the same pair shifted by a sentence
    (a bead score under 0, the neighbour margin being part of it), the English matches a Chinese sentence of
    the bead before or after better than its own by ``displaced_margin`` calibration units, and that bead's
    Chinese matches its own English at least ``displaced_welcome`` units better with this English added
    (:func:`~.rescore.gains`: re-scored, the neighbour would be the better pair). When a translator drops the
    English of a sentence beside a 1-2 bead, the search tends to hand the orphaned Chinese the neighbour's
    second English sentence rather than leave it unaligned; the pair then fits worse than its shifted
    neighbours, and the neighbour takes the English back. A loose literary pair scores under 0 too, but its
    neighbour does not want its English. So are the :func:`misnumbered_beads`."""
    beads, sim, p = ctx.alignment.beads, ctx.sim, ctx.params
    shifted = []  # (bead, the neighbour whose Chinese its English matches better)
    for k, b in enumerate(beads):
        if len(b.zh) != 1 or len(b.en) != 1 or b.score >= 0:
            continue
        i, j = b.zh[0], b.en[0]
        shifted += [(k, n) for n in (k - 1, k + 1) if 0 <= n < len(beads) and beads[n].en and beads[n].zh
                    and max(sim[x, j] for x in beads[n].zh) - sim[i, j] >= p.displaced_margin * ctx.scale]
    welcome = gains(ctx, [(beads[n].zh, beads[n].en, beads[n].zh, sorted(beads[n].en + beads[k].en))
                          for k, n in shifted])
    return {k for (k, _), w in zip(shifted, welcome) if w >= p.displaced_welcome} | misnumbered_beads(ctx)


def misnumbered_beads(ctx: ReviewContext) -> set[int]:
    """1-1 beads whose English has the numbers of a neighbouring bead's Chinese and not its own, while its own
    numbers are in no English next door: the search, misled by sentences that read alike but for a number
    (two Morse lines a second apart), paired it with its neighbour's English."""
    a = ctx.alignment
    beads = a.beads
    zh_numbers, en_numbers = ([numbers(s.text) for s in side] for side in (a.zh, a.en))  # each sentence's once
    out = set()
    for k, b in enumerate(beads):
        if len(b.zh) != 1 or len(b.en) != 1:
            continue
        zh, en = zh_numbers[b.zh[0]], en_numbers[b.en[0]]
        if not numbers_conflict(zh, en):
            continue
        around = [m for m in (k - 1, k + 1) if 0 <= m < len(beads)]
        nearby = frozenset().union(*(en_numbers[j] for m in around for j in beads[m].en))
        if not (zh - en) & nearby and any(beads[m].en and en - zh <= frozenset().union(
                *(zh_numbers[i] for i in beads[m].zh)) for m in around):
            out.add(k)
    return out


def repeated_english(alignment: Alignment, min_words: int) -> set[int]:
    """English sentences repeating an earlier one word for word (credits aside). Short ones ("No.") are left
    out: they can translate a Chinese sentence each time."""
    first: set[str] = set()
    repeats = set()
    for j, s in enumerate(alignment.en):
        if en_size(s.text) < min_words:
            continue
        text = core(s.text).lower()
        if text in first:
            repeats.add(j)
        first.add(text)
    return repeats


@lru_cache(maxsize=1 << 17)
def core(text: str) -> str:
    """The sentence without boilerplate (a trailing photo credit) and spaces: what a repeat shares."""
    for bp in sorted(boilerplate.spans(text), key=lambda b: -b.start):
        text = text[:bp.start] + text[bp.end:]
    return alnum(text)


def eligible(alignment: Alignment, i: int, min_chars: int) -> bool:
    text = alignment.zh[i].text
    return zh_size(text) >= min_chars and boilerplate.whole_sentence(text) is None
