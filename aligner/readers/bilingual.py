"""One document in two languages (the Chinese text then its English, or paragraphs interleaved) split into
its source and target documents, paragraph by paragraph, by script: Han or not."""

from __future__ import annotations

from dataclasses import replace
from itertools import accumulate

from ..errors import InputError
from ..language import mostly_han
from .document import Document, Skipped


def split_languages(doc: Document, name: str) -> tuple[Document, Document]:
    """The paragraphs mostly in Han characters (``language.mostly_han``: the source) and the others (the target), each keeping its
    kind, timing and presplit sentences. A paragraph without letters (a number) goes with the one before it.
    Skipped items go with the paragraph they stand in or before (the source side at the end)."""
    sides: list[int] = []
    for text in doc.paragraphs:
        if any(ch.isalpha() for ch in text) or not sides:
            sides.append(0 if mostly_han(text) else 1)
        else:
            sides.append(sides[-1])
    if len(set(sides)) < 2:
        raise InputError(f"{name}: holds text in one language only ({'Chinese' if sides[0] == 0 else 'no Chinese'});"
                         " give its translation as a second file")
    return _side(doc, sides, 0), _side(doc, sides, 1)


def _side(doc: Document, sides: list[int], side: int) -> Document:
    keep = [k for k, s in enumerate(sides) if s == side]
    position = [0, *accumulate(s == side for s in sides)]  # this side's paragraphs before each paragraph

    def pick(values):
        return None if values is None else [values[k] for k in keep]

    def owner(item: Skipped) -> int:
        return sides[item.at] if item.at < len(sides) else 0

    return replace(doc, paragraphs=pick(doc.paragraphs), presplit=pick(doc.presplit), kinds=pick(doc.kinds),
                   timings=pick(doc.timings),
                   skipped=[replace(item, at=position[item.at]) for item in doc.skipped if owner(item) == side])
