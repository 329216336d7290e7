"""Plain-language reasons for the review page, built from a flag's fields and the alignment.

The review's own ``Flag.reason`` is technical (calibration units, match shares); a translator needs what is
missing, the text it was compared with, why we think so, and how sure we are in a word. The technical reason
stays in the JSON and behind the page's "details" toggle.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from ..language import language_name
from ..model import Alignment
from ..omissions import Flag, Review
from ..omissions import ReviewParams


@dataclass(frozen=True)
class Reason:
    title: str  # one line: what we think happened, with the confidence word
    word: str  # "likely" or "possible"
    why: str  # why we think so, in words
    compared_side: str  # "en" or "zh": the side of ``compared``; "" when there is nothing to show
    compared: tuple[int, ...]  # the sentences the text was compared with

    def to_dict(self) -> dict:
        return asdict(self)


def flag_word(confidence: float, review: Review | None = None) -> str:
    """A flag's confidence in a word: "likely" from the confidence the review's paragraph judge calls sure
    (``ReviewParams.sure``, as the review was run)."""
    sure = review.settings.get("params", {}).get("sure", ReviewParams.sure) if review is not None else ReviewParams.sure
    return "likely" if confidence >= sure else "possible"


def _adverb(word: str) -> str:
    return {"possible": "possibly"}.get(word, word)


def _neighbours(alignment: Alignment, bead: int | None, side: str) -> tuple[int, ...]:
    """The ``side`` sentences just before and after bead ``bead`` (the nearest beads that have some)."""
    if bead is None:
        return ()
    beads = alignment.beads

    def of(b):
        return b.en if side == "en" else b.zh

    before = next((of(b)[-1] for b in reversed(beads[:bead]) if of(b)), None)
    after = next((of(b)[0] for b in beads[bead + 1:] if of(b)), None)
    return tuple(s for s in (before, after) if s is not None)


def plain_reason(flag: Flag, review: Review) -> Reason:
    """What ``flag`` means for a translator (all kinds but moved content; see :func:`moved_reason`)."""
    alignment = review.alignment
    src, tgt = language_name(alignment.src_lang), language_name(alignment.tgt_lang)
    word = flag_word(flag.confidence, review)
    how = _adverb(word)
    bead = alignment.beads[flag.bead] if flag.bead is not None else None
    own = tuple(bead.en) if bead else ()
    if flag.kind == "sentence":
        if own and len(bead.zh) > 1:
            why = (f"The {tgt} beside it translates the other {src} sentences of this pair, "
                   f"but nothing in it says what this sentence says.")
            return Reason(f"A whole sentence is {how} missing from the {tgt}", word, why, "en", own)
        if own:
            why = (f"The {tgt} it was paired with says something else (it belongs with a neighbouring "
                   f"sentence), and no {tgt} nearby says what this sentence says.")
            return Reason(f"A whole sentence is {how} missing from the {tgt}", word, why, "en", own)
        why = (f"The aligner found no {tgt} sentence for it, and the {tgt} sentences around this place "
               f"say something else.")
        return Reason(f"A whole sentence is {how} missing from the {tgt}", word, why, "en",
                      _neighbours(alignment, flag.bead, "en"))
    if flag.kind == "clause":
        why = (f"The rest of the sentence is translated in the {tgt} beside it, but no part of that {tgt} "
               f"matches this part of the sentence.")
        return Reason(f"Part of a sentence is {how} missing from the {tgt}", word, why, "en", own)
    if flag.kind == "addition":
        why = (f"No {src} sentence at this place or nearby says what this {tgt} sentence says: the translator "
               f"may have added it, or its {src} is missing from the source file.")
        return Reason(f"This {tgt} sentence is {how} an addition with no {src} source", word, why, "zh",
                      _neighbours(alignment, flag.bead, "zh"))
    if flag.kind == "boilerplate":
        why = ("It looks like page furniture (a dateline, byline, photo credit or site header) that "
               "translations usually leave out; it is shown for a check and not counted as an omission.")
        return Reason(f"Boilerplate left untranslated ({flag.confidence:.0%} sure it is boilerplate)",
                      "likely", why, "en" if own else "", own)
    if flag.kind == "alignment" and not own:
        why = (f"The aligner left this sentence with no {tgt} counterpart, and its {tgt} may sit in a "
               f"neighbouring pair (the technical details name the likeliest). Check the alignment here before "
               f"reading it as an omission; it is not counted as one.")
        return Reason(f"This sentence is {how} paired wrongly", word, why, "en",
                      _neighbours(alignment, flag.bead, "en"))
    if flag.kind == "alignment":
        why = (f"Part of this sentence seems untranslated, but the pairing of this bead is itself in doubt: the "
               f"{tgt} for it may sit in a neighbouring bead. Check the alignment here before reading it as an "
               f"omission; it is not counted as one.")
        return Reason(f"The alignment of this bead is {how} wrong", word, why, "en", own)
    if flag.kind == "paragraph":
        report = next((p for p in review.paragraphs if p.en_paragraph == flag.en_paragraph), None)
        share = f"about {report.missing_share:.0%} of" if report else "part of"
        why = (f"{share.capitalize()} the {src} this {tgt} paragraph should carry has no translation in it "
               f"(the sentence and clause flags of the paragraph, added up).")
        return Reason(f"{tgt} paragraph {flag.en_paragraph + 1 if flag.en_paragraph is not None else '?'} is "
                      f"{how} missing content", word, why, "", ())
    raise ValueError(f"no plain reason for flag kind {flag.kind!r}")


def moved_reason(moved: dict, alignment: Alignment) -> Reason:
    """Why a sentence or clause without a counterpart in its place is not flagged: the other side carries it."""
    here, there = ("zh", "en") if moved["side"] == "zh" else ("en", "zh")
    names = {"zh": language_name(alignment.src_lang), "en": language_name(alignment.tgt_lang)}
    what = "part of a sentence" if moved.get("zh") and moved["side"] == "zh" else "a sentence"
    why = (f"It has no counterpart at its own place, but {names[there]} sentence {moved['matches'] + 1} "
           f"says the same thing: the translator moved it, nothing is missing.")
    return Reason(f"Moved, not missing: {what} carried elsewhere in the {names[there]}", "likely", why,
                  there, (moved["matches"],))
