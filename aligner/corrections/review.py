"""Decisions on a review's flags: dismissed flags removed, notes kept."""

from __future__ import annotations

import copy
from dataclasses import dataclass, fields

from ..errors import InputError
from ..model import Alignment
from ..omissions.model import NOT_OMISSIONS, Flag
from .file import Corrections, flag_key


def apply_decisions(review: dict, corrections: Corrections, alignment: Alignment | None = None) -> dict:
    """A copy of a review (its JSON dict) with the decisions applied: dismissed flags removed, each decided flag
    that stays given its ``status`` and ``note``, every flag its ``key``, and the summary's flag counts redone.
    Decisions for flags this review does not have are counted (``decisions.not_in_review``), not an error.

    With ``alignment`` (the corrected one, of the review's documents), each flag's ``bead`` is the bead of
    that alignment holding the flag's sentence (edits renumber beads)."""
    if not isinstance(review, dict) or not isinstance(review.get("flags"), list) \
            or not all(isinstance(f, dict) and f.get("kind") for f in review["flags"]):
        raise InputError("not an aligner review (expected a JSON object with a \"flags\" list of flags)")
    out = copy.deepcopy(review)
    if alignment is not None:
        _relocate(out, alignment)
    kept, seen, dismissed = [], set(), 0
    for flag in out["flags"]:
        key = flag_key(flag)
        seen.add(key)
        decision = corrections.decisions.get(key)
        if decision and decision["status"] == "dismissed":
            dismissed += 1
            continue
        kept.append({**flag, "key": key, **(decision or {})})
    out["flags"] = kept
    summary = out.get("summary")
    if isinstance(summary, dict) and isinstance(summary.get("flags"), dict):
        summary["flags"] = {kind: sum(f.get("kind") == kind for f in kept) for kind in summary["flags"]}
        summary["omissions"] = sum(f.get("kind") not in NOT_OMISSIONS for f in kept)
    out["decisions"] = {"accepted": sum(f.get("status") == "accepted" for f in kept), "dismissed": dismissed,
                        "not_in_review": len(set(corrections.decisions) - seen)}
    return out


def _relocate(review: dict, alignment: Alignment) -> None:
    summary = review.get("summary") or {}
    counts = (summary.get("zh_sentences"), summary.get("en_sentences"))
    if counts != (len(alignment.zh), len(alignment.en)):
        raise InputError(f"the review is of other documents ({counts[0]} × {counts[1]} sentences) than the "
                         f"alignment ({len(alignment.zh)} × {len(alignment.en)})")
    holder = {}
    for k, bead in enumerate(alignment.beads):
        holder.update({("zh_sentence", i): k for i in bead.zh} | {("en_sentence", j): k for j in bead.en})
    for flag in review["flags"]:
        for field in ("zh_sentence", "en_sentence"):
            if flag.get(field) is not None:
                flag["bead"] = holder.get((field, flag[field]))
                break


@dataclass
class DecidedReview:
    """A review's JSON with the decisions applied, in the shape the review-json and xlsx exporters take."""

    data: dict

    def to_dict(self) -> dict:
        return self.data

    @property
    def flags(self) -> list[Flag]:
        names = {f.name for f in fields(Flag)}
        return [Flag(**{k: v for k, v in flag.items() if k in names}) for flag in self.data["flags"]]
