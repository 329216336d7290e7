"""Scoring an alignment against a gold alignment.

The strict and lax precision/recall/F1 follow the definition of Vecalign's ``score.py``
(Thompson & Koehn 2019, after Sennrich & Volk 2011), reimplemented here:

* Beads are compared as sets per document (duplicates count once; ``[]:[]`` is ignored).
* Precision: every test bead counts, null beads (``[3]:[]``, ``[]:[4]``) included. A test bead is a
  strict hit if the gold has exactly that bead; otherwise it is a lax hit if one of its source
  sentences is linked in the gold to one of its target sentences (so a null test bead that is not
  exactly in the gold is never a lax hit).
* Recall: the same matching with the roles swapped (gold beads looked up in the test), after
  dropping null beads from BOTH sides: omissions are not rewarded or penalised by recall.
* Counts are summed over documents before dividing (micro-average); 0/0 gives 0.0.

Extra views, not in ``score.py``: null-sentence (omission) P/R/F1, strict F1 per bead type, and the
verse merge used to score the Bible corpus (:func:`merge_by_verse`).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Sequence

from .errors import InputError
from .readers.source import DEFAULT_MAX_INPUT_BYTES, read_input

Indexes = tuple[int, ...]
BeadPair = tuple[Indexes, Indexes]

# One bead line: "[0, 1]:[2]" with an optional trailing ":0.873" score.
_INDEXES = r"\[\s*(?:\d+\s*(?:,\s*\d+\s*)*)?\]"
_BEAD_LINE = re.compile(rf"^\s*({_INDEXES})\s*:\s*({_INDEXES})\s*(?::\s*(\S+)\s*)?$")


# ---------------------------------------------------------------- reading and writing beads

def _parse_indexes(field: str) -> Indexes:
    inner = field.strip()[1:-1]
    return tuple(int(x) for x in inner.split(",")) if inner.strip() else ()


def read_text_lines(path: str | Path, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> list[str]:
    """A UTF-8 file's lines (a byte-order mark is allowed), read through :func:`read_input`'s checks."""
    data = read_input(str(path), max_bytes)
    try:
        return data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def read_beads(path: str | Path, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> list[BeadPair]:
    """Read a bead file: one ``[src]:[tgt]`` (optionally ``:score``) per line, blank lines skipped.

    The order of indexes inside a bead is kept as written (Vecalign compares them as tuples).
    """
    lines = read_text_lines(path, max_bytes)

    beads: list[BeadPair] = []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        match = _BEAD_LINE.match(line)
        if match is None:
            raise InputError(f"{path}:{lineno}: not a bead line, expected e.g. '[0, 1]:[2]': {line.strip()[:60]!r}")
        if match.group(3) is not None:
            try:
                float(match.group(3))
            except ValueError:
                raise InputError(f"{path}:{lineno}: bead score is not a number: {match.group(3)[:30]!r}") from None
        beads.append((_parse_indexes(match.group(1)), _parse_indexes(match.group(2))))
    return beads


def format_bead(src: Sequence[int], tgt: Sequence[int], score: float | None = None) -> str:
    """``[0, 1]:[2]``, or ``[0, 1]:[2]:0.8730`` with a score; :func:`read_beads` reads it back."""
    text = f"[{', '.join(map(str, src))}]:[{', '.join(map(str, tgt))}]"
    return text if score is None else f"{text}:{score:.4f}"


def bead_type(bead: BeadPair) -> str:
    """``"2-1"`` for two source sentences and one target sentence."""
    return f"{len(bead[0])}-{len(bead[1])}"


# ---------------------------------------------------------------- verse merge (Bible corpus)

def merge_by_verse(beads: Sequence[BeadPair], src_verses: Sequence[str],
                   tgt_verses: Sequence[str]) -> list[BeadPair]:
    """Merge runs of consecutive beads that lie within one and the same verse.

    The rule of Bertalign's Bible evaluation (``bin/eval_bible.py``, 2021): each bead gets a verse
    label when all its source sentences share one verse and all its target sentences share one verse,
    and the two are equal, or one side is empty (a null bead takes the other side's verse); any other
    bead has no label. A bead is appended to the previous one when both carry the same label. Only the
    test alignment is merged: the gold is verse-derived already.
    """
    merged: list[BeadPair] = []
    previous: str | None = None
    for bead in beads:
        label = _verse_label(bead, src_verses, tgt_verses)
        if label is not None and label == previous:
            src, tgt = merged[-1]
            merged[-1] = (src + bead[0], tgt + bead[1])
        else:
            merged.append((tuple(bead[0]), tuple(bead[1])))
        previous = label
    return merged


def _verse_label(bead: BeadPair, src_verses: Sequence[str], tgt_verses: Sequence[str]) -> str | None:
    src = _side_verses(bead[0], src_verses, "source")
    tgt = _side_verses(bead[1], tgt_verses, "target")
    if len(src) > 1 or len(tgt) > 1:
        return None
    both = src | tgt  # a null bead takes the verse of its non-empty side
    label = both.pop() if len(both) == 1 else None
    return label or None  # a blank verse id never merges (as in Bertalign)


def _side_verses(indexes: Indexes, verses: Sequence[str], side: str) -> set[str]:
    for i in indexes:
        if i >= len(verses):
            raise InputError(f"{side} sentence {i} is beyond the {len(verses)} lines of the {side} verse file")
    return {verses[i] for i in indexes}


# ---------------------------------------------------------------- scoring


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0  # score.py's value for a division by zero


def _prf(precision: float, recall: float) -> dict:
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _bead_set(beads: Iterable[BeadPair], keep_null: bool = True) -> set[BeadPair]:
    """Beads as a set, minus ``[]:[]``, and minus null beads unless ``keep_null``."""
    return {(tuple(s), tuple(t)) for s, t in beads
            if (s or t) and (keep_null or (s and t))}


def _hits(reference: set[BeadPair], candidates: set[BeadPair]) -> tuple[int, int]:
    """(strict hits, lax hits) of ``candidates`` looked up in ``reference``.

    Lax: the candidate shares a source sentence with some reference bead that links it to one of the
    candidate's target sentences.
    """
    linked: dict[int, set[int]] = defaultdict(set)
    for src, tgt in reference:
        for i in src:
            linked[i].update(tgt)
    strict = lax = 0
    for bead in candidates:
        if bead in reference:
            strict += 1
            lax += 1
        elif any(j in linked[i] for i in bead[0] for j in bead[1]):
            lax += 1
    return strict, lax


def _null_units(beads: Iterable[BeadPair]) -> set[tuple[str, int]]:
    """Sentences left unaligned: ("src", i) for beads with no target, ("tgt", j) for no source."""
    units: set[tuple[str, int]] = set()
    for src, tgt in beads:
        if not tgt:
            units.update(("src", i) for i in src)
        if not src:
            units.update(("tgt", j) for j in tgt)
    return units


def evaluate(gold_docs: Sequence[Sequence[BeadPair]], test_docs: Sequence[Sequence[BeadPair]]) -> dict:
    """Score test alignments against gold ones, document i against document i.

    Returns ``strict``, ``lax`` and ``null`` (each ``precision``/``recall``/``f1``; ``null`` and
    ``by_type`` entries also carry ``gold``/``test``/``correct`` counts; ``null`` scores are None when
    neither side leaves a sentence unaligned), ``by_type`` (strict scores per bead type, e.g.
    ``"2-1"``), ``documents`` and ``beads`` (counts).
    """
    if len(gold_docs) != len(test_docs):
        raise ValueError(f"{len(gold_docs)} gold documents but {len(test_docs)} test documents")

    counts: Counter[str] = Counter()
    type_tp: Counter[str] = Counter()
    type_gold: Counter[str] = Counter()
    type_test: Counter[str] = Counter()
    for gold_beads, test_beads in zip(gold_docs, test_docs):
        gold, test = _bead_set(gold_beads), _bead_set(test_beads)

        strict, lax = _hits(gold, test)
        counts.update(p_strict=strict, p_lax=lax, p_total=len(test))
        gold_links, test_links = _bead_set(gold_beads, keep_null=False), _bead_set(test_beads, keep_null=False)
        strict, lax = _hits(test_links, gold_links)
        counts.update(r_strict=strict, r_lax=lax, r_total=len(gold_links))

        gold_null, test_null = _null_units(gold), _null_units(test)
        counts.update(null_tp=len(gold_null & test_null), null_gold=len(gold_null), null_test=len(test_null))

        type_gold.update(bead_type(b) for b in gold)
        type_test.update(bead_type(b) for b in test)
        type_tp.update(bead_type(b) for b in gold & test)

    def section(tp_p: int, n_p: int, tp_r: int, n_r: int) -> dict:
        return _prf(_ratio(tp_p, n_p), _ratio(tp_r, n_r))

    by_type = {}
    for kind in sorted(type_gold.keys() | type_test.keys(), key=_type_order):
        by_type[kind] = section(type_tp[kind], type_test[kind], type_tp[kind], type_gold[kind])
        by_type[kind].update(gold=type_gold[kind], test=type_test[kind], correct=type_tp[kind])

    null = section(counts["null_tp"], counts["null_test"], counts["null_tp"], counts["null_gold"])
    if not counts["null_gold"] and not counts["null_test"]:
        # No omission on either side: nothing to score, rather than a misleading 0.0.
        null.update(precision=None, recall=None, f1=None)
    null.update(gold=counts["null_gold"], test=counts["null_test"], correct=counts["null_tp"])
    return {
        "strict": section(counts["p_strict"], counts["p_total"], counts["r_strict"], counts["r_total"]),
        "lax": section(counts["p_lax"], counts["p_total"], counts["r_lax"], counts["r_total"]),
        "null": null,
        "by_type": by_type,
        "documents": len(gold_docs),
        "beads": {"gold": sum(type_gold.values()), "test": sum(type_test.values())},
    }


def _type_order(kind: str) -> tuple[int, int, str]:
    """1-1 first, then by size, nulls last: the order people read alignment tables in."""
    src, tgt = (int(x) for x in kind.split("-"))
    return (src == 0 or tgt == 0, src + tgt, kind)
