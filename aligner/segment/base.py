"""The segmenter interface: sentences are cut out of the paragraph, never rewritten.

Every segmenter finds sentence *spans*; the sentences are the paragraph's own characters between them, with the
whitespace at their ends left out. So joining a paragraph's sentences, each gap put back, gives the paragraph
(docs/formats.md, "Exact text"). No cut falls inside a protected token (a URL, an e-mail address, a number, a
file name or dotted name, inline code, a Markdown link or image).
"""

from __future__ import annotations

import re

Span = tuple[int, int]

# Text pulled from PDFs can hold whole pages without a stop; cut such runs so no bead grows unbounded
# and the encoder never sees a giant input.
MAX_SENTENCE_CHARS = 600
_SOFT_BREAKS = re.compile(r"(?<=[,;:，；：、)\]）」』”])\s*|\s+")

# Characters a URL or e-mail token does not run into: space, CJK text and punctuation, brackets and quotes.
_NOT_URL = r"\s<>\"'`\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
# Trailing characters that end the sentence around a token rather than the token itself.
_TRAILING = ".,;:!?)]}'\"”’"
PROTECTED = re.compile("|".join((
    r"`[^`\n]{1,200}`",                                     # inline code: `a.b()`
    r"!?\[[^\[\]\n]{0,300}\]\([^()\s]{0,500}\)",            # Markdown image or link: ![alt](x.png), [text](url)
    rf"(?:[A-Za-z][A-Za-z0-9+.-]{{1,15}}://|www\.)[^{_NOT_URL}]+",  # URLs: https://x.org/a?b=1
    r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",  # e-mail addresses
    r"\d+(?:[.,:]\d+)+",                                    # numbers: 3.14, 1,000, 12:30
    r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)+(?:\([^()\s]{0,80}\))?",  # file and dotted names: setup.py, a.b()
)))


def protected_spans(text: str) -> list[Span]:
    """Where the tokens no sentence cut may fall inside are (URLs without their sentence-final stop)."""
    spans = []
    for m in PROTECTED.finditer(text):
        start, end = m.span()
        if not m.group().startswith(("`", "[", "!")):
            end = start + len(m.group().rstrip(_TRAILING))
        if end - start > 1:
            spans.append((start, end))
    return spans


def inside(position: int, spans: list[Span]) -> bool:
    return any(start < position < end for start, end in spans)


class Segmenter:
    lang = "und"

    def split(self, paragraph: str) -> list[str]:
        """Split one paragraph into sentences, none longer than MAX_SENTENCE_CHARS, each a piece of ``paragraph``."""
        protected = protected_spans(paragraph)
        out: list[str] = []
        for start, end in merge_spans(self._spans(paragraph), protected, self._continues, paragraph):
            out.extend(paragraph[a:b] for a, b in cut_long(paragraph, start, end, protected))
        return [s for s in out if s]

    def _spans(self, paragraph: str) -> list[Span]:
        """Sentence spans in order; the characters between them are whitespace only."""
        raise NotImplementedError

    def _continues(self, sentence: str) -> bool:
        """True when ``sentence`` carries on the one before it (no cut between them)."""
        return False


def merge_spans(spans: list[Span], protected: list[Span], continues, text: str) -> list[Span]:
    """``spans`` with the cuts inside a protected token, or before a continuing sentence, undone."""
    merged: list[Span] = []
    for start, end in spans:
        if merged and (inside(start, protected) or inside(merged[-1][1], protected)
                       or continues(text[start:end])):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return [_trim(text, a, b) for a, b in merged]


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def cut_long(text: str, start: int, end: int, protected: list[Span] = (),
             limit: int = MAX_SENTENCE_CHARS) -> list[Span]:
    """Cut ``text[start:end]`` when longer than ``limit`` at the last soft break (comma, space) before the limit
    that is outside the protected tokens (else at the limit)."""
    pieces = []
    while end - start > limit:
        window = text[start:start + limit]
        cut = max((start + m.end() for m in _SOFT_BREAKS.finditer(window)
                   if m.end() > limit // 2 and not inside(start + m.end(), protected)), default=start + limit)
        pieces.append(_trim(text, start, cut))
        start, end = _trim(text, cut, end)
    pieces.append(_trim(text, start, end))
    return pieces
