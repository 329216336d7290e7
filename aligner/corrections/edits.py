"""Edits of an alignment's beads (merge, split, move, untranslated), applied in order and checked."""

from __future__ import annotations

from dataclasses import replace

from ..errors import InputError
from ..model import Alignment, Bead, check_alignment, check_beads
from ..search import SearchParams
from .file import Corrections, check_document


def apply_edits(alignment: Alignment, corrections: Corrections) -> Alignment:
    """The alignment with the corrections' edits applied in order (a new Alignment; the given one is unchanged).

    InputError, naming the edit, when the corrections were made for other documents or an edit does not fit the
    beads as they stand after the edits before it. A bead an edit makes scores as the bead it came from (a
    merge: the mean of the two); a sentence marked untranslated scores as the search's null beads.
    """
    check_alignment(alignment)
    check_document(alignment, corrections)
    beads = [(list(b.zh), list(b.en), b.score) for b in alignment.beads]
    # the skip the search used: calibrated where calibration changed it, else the one it was given
    calibrated, given = alignment.signature.get("calibrated", {}), alignment.signature.get("params", {})
    skip = float(calibrated.get("skip", given.get("skip", SearchParams().skip)))
    # a signature without skip_source_extra predates it: its 1-0 beads scored skip
    extra = float(calibrated.get("skip_source_extra", given.get("skip_source_extra", 0.0)))
    nulls = (skip - extra, skip)  # a 1-0 bead's score, a 0-1 bead's
    for k, edit in enumerate(corrections.edits):
        try:
            _EDITS[edit["op"]](beads, edit, nulls)
        except InputError as e:
            raise InputError(f"corrections edit {k + 1} ({edit['op']}): {e}") from None
    result = [Bead(tuple(zh), tuple(en), score) for zh, en, score in beads]
    check_beads(result, len(alignment.zh), len(alignment.en))
    signature = {**alignment.signature, "corrections": {"edits": len(corrections.edits)}}
    return replace(alignment, beads=result, signature=signature)


def _find(beads: list, side: int, sentence: int) -> int:
    for k, bead in enumerate(beads):
        if sentence in bead[side]:
            return k
    raise InputError(f"{('src', 'tgt')[side]} sentence {sentence} is not in the alignment")


def _named(beads: list, edit: dict, exact: bool) -> int:
    """The bead the edit names: the one holding its first source sentence (first target one if it names no
    source sentence), which must hold every sentence named (exactly those when ``exact``)."""
    src, tgt = edit["src"], edit["tgt"]
    k = _find(beads, 0, src[0]) if src else _find(beads, 1, tgt[0])
    zh, en, _ = beads[k]
    if (zh, en) != (src, tgt) if exact else not (set(src) <= set(zh) and set(tgt) <= set(en)):
        raise InputError(f"no bead holds {'exactly ' if exact else ''}the source sentences {src} and target "
                         f"sentences {tgt} (the bead there holds {zh} and {en})")
    return k


def _merge(beads: list, edit: dict, nulls: tuple[float, float]) -> None:
    k = _named(beads, edit, exact=False)
    if k + 1 == len(beads):
        raise InputError("the last bead has no next bead to merge with")
    (zh, en, s), (zh2, en2, s2) = beads[k], beads[k + 1]
    beads[k:k + 2] = [(zh + zh2, en + en2, round((s + s2) / 2, 4))]


def _split(beads: list, edit: dict, nulls: tuple[float, float]) -> None:
    k = _named(beads, edit, exact=True)
    zh, en, score = beads[k]
    a, b = edit["at_src"], edit["at_tgt"]
    if a > len(zh) or b > len(en):
        raise InputError(f"cannot split {len(zh)} source and {len(en)} target sentences at {a} and {b}")
    first, second = (zh[:a], en[:b]), (zh[a:], en[b:])
    if not any(first) or not any(second):
        raise InputError(f"splitting at {a} and {b} leaves a bead without sentences")
    beads[k:k + 1] = [_scored(*first, score, nulls), _scored(*second, score, nulls)]


def _move(beads: list, edit: dict, nulls: tuple[float, float]) -> None:
    side, i, back = ("src", "tgt").index(edit["side"]), edit["sentence"], edit["to"] == "previous"
    k = _find(beads, side, i)
    other = k - 1 if back else k + 1
    if not 0 <= other < len(beads):
        raise InputError(f"{edit['side']} sentence {i} is in the {'first' if back else 'last'} bead: "
                         f"there is no {edit['to']} bead")
    if beads[k][side][0 if back else -1] != i:
        raise InputError(f"{edit['side']} sentence {i} is not the {'first' if back else 'last'} of its bead")
    moved = [list(beads[other][0]), list(beads[other][1])]
    moved[side] = moved[side] + [i] if back else [i] + moved[side]
    left = [list(beads[k][0]), list(beads[k][1])]
    left[side].remove(i)
    was_null = not (beads[other][0] and beads[other][1])
    pair = [_scored(*moved, beads[k][2] if was_null else beads[other][2], nulls), _scored(*left, beads[k][2], nulls)]
    lo = min(k, other)
    beads[lo:lo + 2] = [p for p in (pair if back else pair[::-1]) if p[0] or p[1]]


def _untranslated(beads: list, edit: dict, nulls: tuple[float, float]) -> None:
    """The sentence becomes a null bead; taken from the middle of a bead, it splits the bead around it, the
    other side's sentences shared between the two parts in proportion to their sentences."""
    side, i = ("src", "tgt").index(edit["side"]), edit["sentence"]
    k = _find(beads, side, i)
    mine, theirs, score = beads[k][side], beads[k][1 - side], beads[k][2]
    if mine == [i] and not theirs:
        return  # already a null bead of its own
    at = mine.index(i)
    before, after = mine[:at], mine[at + 1:]
    cut = len(theirs) if not after else 0 if not before else round(len(theirs) * len(before) / (len(mine) - 1))
    parts = [(before, theirs[:cut]), ([i], []), (after, theirs[cut:])]
    beads[k:k + 1] = [_scored(*(p if side == 0 else p[::-1]), score, nulls) for p in parts if p[0] or p[1]]


def _scored(zh: list, en: list, score: float, nulls: tuple[float, float]) -> tuple:
    """A bead an edit made: the score of the bead it came from, or the search's null score (1-0, 0-1) when it
    is null."""
    return zh, en, score if zh and en else nulls[0] if zh else nulls[1]


_EDITS = {"merge": _merge, "split": _split, "move": _move, "untranslated": _untranslated}
