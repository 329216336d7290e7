"""The segmenter interface, and the cutting of overlong 'sentences' shared by every language."""

from __future__ import annotations

import re

# Text pulled from PDFs can hold whole pages without a stop; cut such runs so no bead grows unbounded
# and the encoder never sees a giant input.
MAX_SENTENCE_CHARS = 600
_SOFT_BREAKS = re.compile(r"(?<=[,;:，；：、)\]）」』”])\s*|\s+")


class Segmenter:
    lang = "und"
    joiner = " "

    def split(self, paragraph: str) -> list[str]:
        """Split one paragraph into sentences, none longer than MAX_SENTENCE_CHARS."""
        out: list[str] = []
        for sentence in self._split(paragraph):
            out.extend(cut_long(sentence))
        return [s for s in out if s]

    def _split(self, paragraph: str) -> list[str]:
        raise NotImplementedError


def cut_long(sentence: str, limit: int = MAX_SENTENCE_CHARS) -> list[str]:
    """Cut a sentence longer than ``limit`` at the last soft break (comma, space) before the limit."""
    pieces = []
    while len(sentence) > limit:
        window = sentence[:limit]
        cut = max((m.end() for m in _SOFT_BREAKS.finditer(window) if m.end() > limit // 2), default=limit)
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    pieces.append(sentence.strip())
    return pieces
