"""What every reader returns: a :class:`Document` of paragraphs (the units the aligner segments), what
kind of unit each is, cue timings, and the markup kept out of alignment; and the one rule for joining
the lines of a hard-wrapped paragraph."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..errors import InputError

# Han, kana, Hangul syllables, CJK punctuation and full-width forms: text written without spaces, so a
# line break between two of them is no word break.
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Skipped:
    """Markup kept out of alignment but not lost: code blocks, HTML, images, link targets, page headers.

    ``at`` is the paragraph it stood in (``inline``) or before (a block; ``len(paragraphs)`` at the end).
    """

    at: int
    kind: str
    text: str
    inline: bool = False


@dataclass
class Document:
    """A text as paragraphs; with presplit, each paragraph is already a list of sentences.

    ``kinds`` says what each paragraph was (``p``, ``heading``, ``item``, ``cell``, ``quote``, ``cue``…;
    None for plain text), ``timings`` the (start, end) seconds of each subtitle cue, ``skipped`` the
    markup left out. ``encoding`` is how the bytes were decoded, None for a container format (DOCX, PDF…).
    """

    path: str
    encoding: str | None
    paragraphs: list[str] = field(default_factory=list)
    presplit: list[list[str]] | None = None
    kinds: list[str] | None = None
    timings: list[tuple[float, float]] | None = None
    skipped: list[Skipped] = field(default_factory=list)


def unwrap(text: str) -> str:
    """Whitespace runs (line breaks of hard-wrapped text included) as one space, or as nothing between two
    CJK characters: a wrapped Chinese line gained a space in the middle of a word."""
    def join(match: re.Match) -> str:
        before, after = match.string[match.start() - 1: match.start()], match.string[match.end(): match.end() + 1]
        breaks = any(ch in "\n\r\u2028\u2029\x0b\x0c" for ch in match.group())
        return "" if breaks and _CJK.match(before) and _CJK.match(after) else " "

    return _SPACE.sub(join, text.strip())


class DocumentBuilder:
    """Collects a reader's units in reading order; units without a letter or digit (a table rule, a lone
    bullet) are recorded as skipped ``symbols`` rather than aligned."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.kinds: list[str] = []
        self.timings: list[tuple[float, float]] = []
        self.skipped: list[Skipped] = []

    def add(self, text: str, kind: str = "p", timing: tuple[float, float] | None = None) -> None:
        text = unwrap(text)
        if not _WORD.search(text):
            # a line of badges or images: what it held stood between paragraphs, not in the next one
            here = len(self.paragraphs)
            self.skipped = [replace(s, inline=False) if s.at == here and s.inline else s for s in self.skipped]
            if text:
                self.skip("symbols", text)
            return
        self.paragraphs.append(text)
        self.kinds.append(kind)
        if timing is not None:
            self.timings.append(timing)

    def skip(self, kind: str, text: str, inline: bool = False) -> None:
        self.skipped.append(Skipped(len(self.paragraphs), kind, text, inline))

    def build(self, path: str, name: str, encoding: str | None = None, cues: bool = False) -> Document:
        """The Document; ``cues``: each unit is one sentence (subtitles). InputError when nothing is left."""
        return require_text(self.document(path, encoding, cues), name)

    def document(self, path: str, encoding: str | None = None, cues: bool = False) -> Document:
        """The Document, even an empty one (a side of a bilingual file that may not be used)."""
        return Document(path=path, encoding=encoding, paragraphs=self.paragraphs,
                        presplit=[[p] for p in self.paragraphs] if cues else None, kinds=self.kinds,
                        timings=self.timings if cues else None, skipped=self.skipped)


def require_text(doc: Document, name: str) -> Document:
    if not doc.paragraphs:
        raise InputError(f"{name}: no text to align in it")
    return doc
