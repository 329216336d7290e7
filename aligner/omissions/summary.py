"""The review's summary: coverage, bead types, flag counts and the flagged paragraphs."""

from __future__ import annotations

from collections import Counter

from ..model import Alignment
from .clauses import zh_size
from .model import KINDS, NOT_OMISSIONS, Flag, ParagraphReport


def summarise(alignment: Alignment, flags: list[Flag], reports: list[ParagraphReport], cal) -> dict:
    total = sum(zh_size(s.text) for s in alignment.zh)
    lost = _missing_chars(flags, kinds=("sentence", "clause", "boilerplate"))
    boiler = _missing_chars(flags, kinds=("boilerplate",))
    content = max(1, total - boiler)
    kinds = Counter(f.kind for f in flags)
    return {
        "zh_sentences": len(alignment.zh), "en_sentences": len(alignment.en), "beads": len(alignment.beads),
        "bead_types": dict(sorted(Counter(b.type for b in alignment.beads).items(), key=lambda kv: -kv[1])),
        "zh_chars": total,
        "coverage": round(1 - lost / total, 4) if total else 1.0,
        "content_coverage": round(1 - (lost - boiler) / content, 4),
        "flags": {k: kinds.get(k, 0) for k in KINDS},
        "omissions": sum(v for k, v in kinds.items() if k not in NOT_OMISSIONS),
        "flagged_paragraphs": [r.en_paragraph for r in reports if r.flagged],
        "calibration": {"aligned_pair_cosine": round(cal.aligned, 4), "near_miss_cosine": round(cal.near_miss, 4)},
    }


def _missing_chars(flags: list[Flag], kinds: tuple[str, ...]) -> int:
    """Characters flagged missing, each counted once even where a clause and its sentence both are."""
    spans: dict[int, set[int]] = {}
    for f in flags:
        if f.kind in kinds and f.zh_sentence is not None and f.span:
            spans.setdefault(f.zh_sentence, set()).update(
                k for k in range(*f.span) if f.zh[k - f.span[0]].isalnum())
    return sum(len(v) for v in spans.values())
