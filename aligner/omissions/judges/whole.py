"""Clause flags that together cover a sentence, reported as that sentence: a reviewer reads one flag where
the English left out the whole of it (the search paired it with an English sentence it does not carry)."""

from __future__ import annotations

from ...model import Alignment
from ..clauses import zh_size
from ..model import Flag


def whole_sentences(flags: list[Flag], alignment: Alignment, share: float) -> tuple[list[Flag], list[Flag]]:
    """The ``clause`` flags of ``flags`` whose spans cover at least ``share`` of a sentence's letters and
    digits, as one ``sentence`` flag each (the least confident clause's confidence: all of them must be
    right), and the other flags as they were. Returns (sentence flags, remaining flags)."""
    by_sentence: dict[int, list[Flag]] = {}
    for f in flags:
        if f.kind == "clause" and f.zh_sentence is not None and f.span is not None:
            by_sentence.setdefault(f.zh_sentence, []).append(f)
    whole: dict[int, Flag] = {}
    for i, group in by_sentence.items():
        text = alignment.zh[i].text
        size = zh_size(text)
        if len(group) < 2 or not size or sum(zh_size(text[a:b]) for a, b in {f.span for f in group}) < share * size:
            continue
        weakest = min(group, key=lambda f: f.confidence)
        every = "both" if len(group) == 2 else f"all {len(group)}"
        reason = (f"no English counterpart: {every} of its clauses are missing from its bead's English (the least "
                  f"sure at {weakest.confidence:.2f}); the search paired it with English that does not carry it")
        whole[i] = Flag("sentence", weakest.confidence, reason, zh=text, zh_sentence=i,
                        zh_paragraph=weakest.zh_paragraph, en_paragraph=weakest.en_paragraph,
                        span=(0, len(text)), bead=weakest.bead)
    rest = [f for f in flags if not (f.kind == "clause" and f.zh_sentence in whole)]
    return list(whole.values()), rest
