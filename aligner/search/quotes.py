"""Dialogue: whether each point between sentences lies inside a quotation, and which sentences hold speech.

Translators move speech tags and split or join a speaker's sentences, but a quotation that is open on one
side at a bead boundary is nearly always open on the other (a Chinese “……” turn is one English '……' turn).
A bead that ends where one side is inside a quotation and the other is not is penalised (``quote_weight``);
so is a bead with quotation marks on one side only (``dialogue_weight``: a reply given to the narration
next to it), and one that holds two turns of speech on both sides, where it could be split between them
(``turn_weight``). A few lookups per lattice cell, linear like the rest of the score.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import numpy as np

# Marks that open and close a quotation; the straight double quote toggles. English single quotes are
# read by position: an apostrophe inside a word (don't) or after a plural's s (the boys' room) is neither.
_OPEN = "“「『‘"
_CLOSE = "”」』’"
_MARK = re.compile(f"[{_OPEN}{_CLOSE}\"]")
_SINGLE, _STRAIGHT = _OPEN.index("‘"), len(_OPEN)  # the kinds of straight single and double quotes
_SINGLE_OPEN = re.compile(r"(?:^|(?<=[\s(\[—–-]))'(?=[\w\"“(.…—-])")
_SINGLE_CLOSE = re.compile(r"(?<=[.,!?;:…—–\-\w])'(?=[\s)\]—–,.;:!?]|$)")
_QUOTED_WORDS = re.compile(r"(?:^|[\s(\[—–-])'[\w-]+(?:\s[\w-]+){0,2}$")  # 'a few words' just opened


class Dialogue(NamedTuple):
    """Both sides' quotation marks as the scorer reads them: ``open`` (:func:`quote_states`), ``marked``
    (:func:`marked_counts`) and ``turns`` (:func:`turn_counts`), each a (source, target) pair."""
    open: tuple[np.ndarray, np.ndarray]
    marked: tuple[np.ndarray, np.ndarray]
    turns: tuple[np.ndarray, np.ndarray]


def dialogue(src: list[str], tgt: list[str]) -> Dialogue:
    # each text's marks found once for the three arrays (finding them is most of the cost)
    marks = list(map(_marks, src)), list(map(_marks, tgt))
    states = _states(marks[0]), _states(marks[1])
    return Dialogue(states, (_marked(marks[0]), _marked(marks[1])),
                    (_turns(marks[0], states[0]), _turns(marks[1], states[1])))


def quote_states(texts: list[str]) -> np.ndarray:
    """``inside[k]``: whether a quotation is open after the first ``k`` sentences, shape (len(texts) + 1,).

    The open quotations are a stack of mark kinds, so a quotation inside a quotation (Chinese “…‘…’…”,
    English '…"…"…') closes only itself. A closing mark closes the innermost open quotation of its kind and
    any left open inside it; one whose kind is not open is a stray (a curly apostrophe) and closes nothing.
    An opening mark of a kind already open reopens it at that depth: a paragraph-style quotation left open
    (a new turn opening without a close), or an elision ('em) read as an opening quote.
    """
    return _states(list(map(_marks, texts)))


def marked_counts(texts: list[str]) -> np.ndarray:
    """How many of the first ``k`` sentences hold a quotation mark, shape (len(texts) + 1,)."""
    return _marked(list(map(_marks, texts)))


def turn_counts(texts: list[str], states: np.ndarray) -> np.ndarray:
    """How many of the first ``k`` sentences begin a turn of speech: they open a quotation where none was
    open before them (``states``: :func:`quote_states` of ``texts``), shape (len(texts) + 1,)."""
    return _turns(list(map(_marks, texts)), states)


Marks = list[list[tuple[str, int]]]  # each text's :func:`_marks`


def _states(marks: Marks) -> np.ndarray:
    out = np.zeros(len(marks) + 1, dtype=bool)
    stack: list[int] = []
    for k, found in enumerate(marks):
        for role, kind in found:
            if kind in stack:  # closed (with those inside it), or reopened at its depth
                del stack[stack.index(kind):]
                if role != "open":
                    continue
            elif role == "close":  # a stray
                continue
            stack.append(kind)
        out[k + 1] = bool(stack)
    return out


def _marked(marks: Marks) -> np.ndarray:
    return np.concatenate([[0], np.cumsum([bool(found) for found in marks])]).astype(np.int64)


def _turns(marks: Marks, states: np.ndarray) -> np.ndarray:
    inside = states.tolist()
    turns = [not inside[k] and any(role != "close" for role, _ in found) for k, found in enumerate(marks)]
    return np.concatenate([[0], np.cumsum(turns)]).astype(np.int64)


def _marks(text: str) -> list[tuple[str, int]]:
    """The text's quotation marks in order, as (role, kind): role "open", "close" or "toggle" (a straight
    double quote); kind the pair's index in ``_OPEN`` (straight single quotes are the curly ones' kind),
    ``_STRAIGHT`` for the straight double quote."""
    found: list[tuple[int, str, int]] = []
    for match in _MARK.finditer(text):  # only the marks: most characters are none
        k, ch = match.start(), match.group()
        if ch in _OPEN and not (ch == "‘" and _inside_word(text, k)):
            found.append((k, "open", _OPEN.index(ch)))
        elif ch in _CLOSE and not (ch == "’" and _inside_word(text, k)):
            found.append((k, "close", _CLOSE.index(ch)))
        elif ch == '"':
            found.append((k, "toggle", _STRAIGHT))
    if "'" in text:
        found += [(m.start(), "open", _SINGLE) for m in _SINGLE_OPEN.finditer(text)]
        found += [(m.start(), "close", _SINGLE) for m in _SINGLE_CLOSE.finditer(text)
                  if not _plural_possessive(text, m.start())]
    return [(role, kind) for _, role, kind in sorted(found)]


def _inside_word(text: str, k: int) -> bool:
    return 0 < k < len(text) - 1 and text[k - 1].isalpha() and text[k + 1].isalpha()


def _plural_possessive(text: str, k: int) -> bool:
    """``s'`` followed by a word: the boys' room (a closing quote after a word ending in s is rarer), unless
    a single quote opened up to three words before (known as 'wailers' came): a quoted term, closed."""
    return k > 0 and text[k - 1] == "s" and bool(re.match(r"\s+[a-z]", text[k + 1:])) \
        and not _QUOTED_WORDS.search(text, 0, k)


def quote_mismatch(states: tuple[np.ndarray, np.ndarray], rows: np.ndarray, a: int, ends: np.ndarray,
                   b: int) -> np.ndarray:
    """For beads of ``a`` source and ``b`` target sentences ending at (rows[r], ends[r, c]): how many of
    their two ends (start and end, half each) lie inside a quotation on one side only, (R, W). Both ends
    count, so that a path cannot step over a mismatched point with a null bead. ``a`` and ``b`` may be
    arrays of shape (types, 1, 1) with ``ends`` (types, R, W): every bead type at once."""
    src, tgt = states
    start = src[np.maximum(rows[:, None] - a, 0)] != tgt[np.maximum(ends - b, 0)]
    end = src[rows][:, None] != tgt[ends]
    return 0.5 * (start.astype(np.float32) + end)


def marked_mismatch(counts: tuple[np.ndarray, np.ndarray], rows: np.ndarray, a: int, ends: np.ndarray,
                    b: int) -> np.ndarray:
    """For beads of ``a`` source and ``b`` target sentences ending at (rows[r], ends[r, c]): 1 where one
    side holds a quotation mark and the other none, else 0, (R, W) (or every type at once, as above)."""
    src, tgt = counts
    src_marked = src[rows[:, None]] > src[np.maximum(rows[:, None] - a, 0)]
    return (src_marked != (tgt[ends] > tgt[np.maximum(ends - b, 0)])).astype(np.float32)


def merged_turns(counts: tuple[np.ndarray, np.ndarray], rows: np.ndarray, a: int, ends: np.ndarray,
                 b: int) -> np.ndarray:
    """For beads of ``a`` source and ``b`` target sentences ending at (rows[r], ends[r, c]): 1 where a
    sentence after the first begins a turn of speech on both sides, else 0, (R, W) (or every type at once,
    as above). Such a bead could be split between the turns: translators keep a speaker's turn whole, and
    a reply scores low on its own, so the sum of scores merges it with the turn next to it."""
    src, tgt = counts
    src_turn = src[rows[:, None]] > src[np.maximum(rows[:, None] - a + 1, 0)]
    return (src_turn & (tgt[ends] > tgt[np.maximum(ends - b + 1, 0)])).astype(np.float32)


def dialogue_penalty(marks: Dialogue, weights: tuple[float, float, float], rows: np.ndarray, a: int,
                     ends: np.ndarray, b: int) -> np.ndarray:
    """What the three dialogue terms (``weights``: quote, dialogue, turn) take off the scores of these beads,
    (R, W)."""
    quote_weight, dialogue_weight, turn_weight = weights
    out = np.zeros(ends.shape, dtype=np.float32)
    if quote_weight:
        out += quote_weight * quote_mismatch(marks.open, rows, a, ends, b)
    if dialogue_weight:
        out += dialogue_weight * marked_mismatch(marks.marked, rows, a, ends, b)
    if turn_weight:
        out += turn_weight * merged_turns(marks.turns, rows, a, ends, b)
    return out


def run_codes(arrays: tuple[np.ndarray, np.ndarray, np.ndarray], stops: np.ndarray, width) -> np.ndarray:
    """What the three dialogue terms read of one side's runs of ``width`` sentences ending at ``stops``
    (``arrays``: that side's ``open``, ``marked`` and ``turns`` of :class:`Dialogue`), as four bits: open at
    its start, open at its end, holds a mark, a sentence after the first begins a turn (the reads of
    :func:`quote_mismatch`, :func:`marked_mismatch`, :func:`merged_turns`; tests/test_literary.py holds
    :func:`penalty_table` of these codes equal to :func:`dialogue_penalty`)."""
    opened, marked, turns = arrays
    start = np.maximum(stops - width, 0)
    return (opened[start].astype(np.int64) | opened[stops].astype(np.int64) << 1
            | (marked[stops] > marked[start]).astype(np.int64) << 2
            | (turns[stops] > turns[np.maximum(stops - width + 1, 0)]).astype(np.int64) << 3)


def penalty_table(weights: tuple[float, float, float]) -> np.ndarray:
    """:func:`dialogue_penalty` of a bead whose source and target runs have the :func:`run_codes` s and t, at
    ``s << 4 | t``: the same float32 numbers, computed once for the 256 pairs rather than a dozen gathers and
    comparisons per bead type and cell (the numpy scorer's dialogue terms). Each pair is made a bead of two
    sentences a side, ending at the last of three positions of its own, whose arrays give those bits."""
    pairs = np.arange(256)
    k = 3 * pairs + 2  # each pair's run ends here, its start (width 2) at k - 2

    def side(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        opened, marked, turns = np.zeros(768, dtype=bool), np.zeros(768, dtype=np.int64), np.zeros(768, dtype=np.int64)
        opened[k - 2], opened[k] = codes & 1, codes >> 1 & 1
        marked[k] = codes >> 2 & 1
        turns[k] = codes >> 3 & 1
        return opened, marked, turns

    (src_open, src_marked, src_turns), (tgt_open, tgt_marked, tgt_turns) = side(pairs >> 4), side(pairs & 15)
    marks = Dialogue((src_open, tgt_open), (src_marked, tgt_marked), (src_turns, tgt_turns))
    return dialogue_penalty(marks, weights, k, 2, k[:, None], 2)[:, 0]
