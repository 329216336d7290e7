"""Scoring the review's flags against a gold of the omissions a translation really makes.

A gold (one JSON file per document, ``corpora/mac-dev-zh-en/omissions/00N.json``) lists, as indexes and
character spans into the source file, the whole source sentences the translation leaves out and the
clauses it drops inside otherwise translated sentences, each ``certain`` or ``doubtful``:

    {"sentences": [{"zh": 57, "certainty": "certain", ...}],
     "clauses": [{"zh": 12, "span": [14, 27], "certainty": "certain", ...}], ...}

Matching (:func:`score_flags`): a ``sentence`` flag matches a gold whole sentence with its index; a
``clause`` flag matches a gold clause of the same sentence whose span it overlaps, or a gold whole sentence.
Precision counts every flag of the kind; a flag that matches only a doubtful item is reported apart
(``doubtful``) and counts as a false alarm in ``precision`` and as a hit in ``precision_lenient``. Recall is
over the certain items: gold sentences found by sentence flags, gold clauses by clause flags. The reviewer's
load is the number of sentence and clause flags per 100 source sentences. Counts add up over documents
(:func:`add_flag_scores`), so a set of documents is micro-averaged.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Protocol

from .errors import InputError

CERTAINTIES = ("certain", "doubtful")
SCORED_KINDS = ("sentence", "clause")  # the flags a reviewer reads as omissions of content


class FlagLike(Protocol):
    """What is read of a flag (:class:`aligner.omissions.Flag` has it)."""

    kind: str
    zh_sentence: int | None
    span: tuple[int, int] | None


@dataclass(frozen=True)
class OmissionGold:
    """One document's real omissions: ``sentences`` maps a source index to its certainty, ``clauses`` are
    (source index, start, end, certainty) with [start, end) character offsets; ``n_source`` sentences."""

    sentences: dict[int, str]
    clauses: tuple[tuple[int, int, int, str], ...]
    n_source: int


def parse_omission_gold(data: object, n_source: int, where: str = "gold") -> OmissionGold:
    """A gold's JSON object checked (shape, indexes below ``n_source``, spans ordered) and read;
    InputError naming ``where`` and the entry otherwise."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: not a JSON object")
    sentences: dict[int, str] = {}
    for k, entry in enumerate(_entries(data, "sentences", where)):
        index, certainty = _index(entry, n_source, f"{where}: sentences[{k}]")
        if index in sentences:
            raise InputError(f"{where}: sentences[{k}]: sentence {index} is listed twice")
        sentences[index] = certainty
    clauses = []
    for k, entry in enumerate(_entries(data, "clauses", where)):
        index, certainty = _index(entry, n_source, f"{where}: clauses[{k}]")
        span = entry.get("span")
        if (not isinstance(span, list) or len(span) != 2 or not all(type(x) is int for x in span)
                or not 0 <= span[0] < span[1]):
            raise InputError(f"{where}: clauses[{k}]: span must be [start, end] with 0 <= start < end")
        clauses.append((index, span[0], span[1], certainty))
    return OmissionGold(sentences, tuple(sorted(clauses)), n_source)


def read_omission_gold(path: str | Path, n_source: int) -> OmissionGold:
    """The gold file at ``path`` for a source document of ``n_source`` sentences."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read the omission gold: {exc}") from None
    return parse_omission_gold(data, n_source, str(path))


def _entries(data: dict, key: str, where: str) -> list:
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InputError(f"{where}: {key} must be a list of objects")
    return entries


def _index(entry: dict, n_source: int, where: str) -> tuple[int, str]:
    index, certainty = entry.get("zh"), entry.get("certainty")
    if type(index) is not int or not 0 <= index < n_source:
        raise InputError(f"{where}: zh must be a sentence index below {n_source}")
    if certainty not in CERTAINTIES:
        raise InputError(f"{where}: certainty must be one of {', '.join(CERTAINTIES)}")
    return index, certainty


def score_flags(flags: Iterable[FlagLike], gold: OmissionGold) -> dict:
    """Precision and recall of the sentence and clause flags of one document against its gold (see the
    module's docstring), their union (``sentence+clause``), and ``flags_per_100`` source sentences."""
    counts = {kind: {"flags": 0, "hits": 0, "doubtful": 0, "gold": 0, "found": 0} for kind in SCORED_KINDS}
    found_sentences: set[int] = set()
    found_clauses: set[tuple[int, int, int, str]] = set()
    for flag in flags:
        if flag.kind not in SCORED_KINDS or flag.zh_sentence is None:
            continue
        c = counts[flag.kind]
        c["flags"] += 1
        matched = _matches(flag, gold)
        certain = [m for m in matched if m[-1] == "certain"]
        if certain:
            c["hits"] += 1
        elif matched:
            c["doubtful"] += 1
        if flag.kind == "sentence":
            found_sentences.update(m[0] for m in certain if len(m) == 2)
        else:
            found_clauses.update(m for m in certain if len(m) == 4)
    counts["sentence"]["gold"] = sum(c == "certain" for c in gold.sentences.values())
    counts["sentence"]["found"] = len(found_sentences)
    counts["clause"]["gold"] = sum(c[-1] == "certain" for c in gold.clauses)
    counts["clause"]["found"] = len(found_clauses)
    return _rates({"counts": counts, "n_source": gold.n_source})


def flag_status(flag: FlagLike, gold: OmissionGold) -> str:
    """How one flag reads against the gold: ``right`` (it matches a certain item), ``doubtful`` (only doubtful
    ones), ``false``; ``check`` for a kind that is not scored (an alignment check)."""
    if flag.kind not in SCORED_KINDS or flag.zh_sentence is None:
        return "check"
    matched = _matches(flag, gold)
    return "right" if any(m[-1] == "certain" for m in matched) else "doubtful" if matched else "false"


def add_flag_scores(scores: Iterable[dict]) -> dict:
    """Several documents' :func:`score_flags` results as one (counts added, then divided)."""
    counts = {kind: {"flags": 0, "hits": 0, "doubtful": 0, "gold": 0, "found": 0} for kind in SCORED_KINDS}
    n_source = 0
    for score in scores:
        n_source += score["n_source"]
        for kind in SCORED_KINDS:
            for key, value in score["counts"][kind].items():
                counts[kind][key] += value
    return _rates({"counts": counts, "n_source": n_source})


def _matches(flag: FlagLike, gold: OmissionGold) -> list[tuple]:
    """The gold items a flag matches: (index, certainty) for a whole sentence, the clause tuple for a clause."""
    i = flag.zh_sentence
    out: list[tuple] = [(i, gold.sentences[i])] if i in gold.sentences else []
    if flag.kind == "clause" and flag.span is not None:
        start, end = flag.span
        out += [c for c in gold.clauses if c[0] == i and c[1] < end and start < c[2]]
    return out


def _rates(score: dict) -> dict:
    counts = score["counts"]
    for kind in SCORED_KINDS:
        c = counts[kind]
        score[kind] = {"precision": _ratio(c["hits"], c["flags"]),
                       "precision_lenient": _ratio(c["hits"] + c["doubtful"], c["flags"]),
                       "recall": _ratio(c["found"], c["gold"]) if c["gold"] else None}
    both = {key: sum(counts[k][key] for k in SCORED_KINDS) for key in ("flags", "hits", "doubtful")}
    score["sentence+clause"] = {"precision": _ratio(both["hits"], both["flags"]),
                                "precision_lenient": _ratio(both["hits"] + both["doubtful"], both["flags"])}
    score["flags_per_100"] = 100 * both["flags"] / score["n_source"] if score["n_source"] else 0.0
    return score


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None  # no flag of the kind: no precision to report
