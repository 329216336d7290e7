"""Tab-separated pairs: zh, en, score, bead type, zh paragraph, en paragraph, confidence."""

from __future__ import annotations

import re
from typing import Iterator

from ..model import Alignment, join_sentences
from .base import Rated, StreamedExporter, encode_text, joined, rated

COLUMNS = ("zh", "en", "score", "type", "zh_paragraph", "en_paragraph", "confidence")

# Tabs and newlines would break the columns and rows; the other characters are line breaks to
# str.splitlines() and to some spreadsheet importers.
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def tsv_cell(text: str) -> str:
    return _BREAKS.sub(" ", text)


class TsvExporter(StreamedExporter):
    """One line per bead, null beads included (empty text and paragraph on the missing side)."""

    name = "tsv"
    extension = "tsv"
    rated = True

    def __init__(self, *, header: bool = False) -> None:
        self.header = header

    def pieces(self, alignment: Alignment, confidence: Rated = None) -> Iterator[bytes]:
        if self.header:
            yield encode_text("\t".join(COLUMNS) + "\n")
        for piece in joined(self._lines(alignment, confidence)):
            yield encode_text(piece)

    @staticmethod
    def _lines(alignment: Alignment, confidence: Rated) -> Iterator[str]:
        # each sentence made a cell once: a break replaced in a sentence is replaced in the beads holding it
        src, tgt = ([tsv_cell(s.text) for s in side] for side in (alignment.zh, alignment.en))
        src_par, tgt_par = ([str(s.paragraph) for s in side] for side in (alignment.zh, alignment.en))
        for bead, p in zip(alignment.beads, rated(alignment, confidence)):
            zh, en = bead.zh, bead.en
            yield (f"{_cell(src, zh, alignment.src_lang)}\t{_cell(tgt, en, alignment.tgt_lang)}\t"
                   f"{bead.score:.4f}\t{bead.type}\t{src_par[zh[0]] if zh else ''}\t"
                   f"{tgt_par[en[0]] if en else ''}\t{p:.4f}\n")


def _cell(cells: list[str], indexes: tuple[int, ...], lang: str) -> str:
    return cells[indexes[0]] if len(indexes) == 1 else join_sentences([cells[i] for i in indexes], lang)
