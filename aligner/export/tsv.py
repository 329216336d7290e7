"""Tab-separated pairs: zh, en, score, bead type, zh paragraph, en paragraph, confidence."""

from __future__ import annotations

import re

from ..confidence import bead_confidence
from ..model import Alignment
from .base import Exporter, encode_text

COLUMNS = ("zh", "en", "score", "type", "zh_paragraph", "en_paragraph", "confidence")

# Tabs and newlines would break the columns and rows; the other characters are line breaks to
# str.splitlines() and to some spreadsheet importers.
_BREAKS = re.compile("[\t\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def tsv_cell(text: str) -> str:
    return _BREAKS.sub(" ", text)


class TsvExporter(Exporter):
    """One line per bead, null beads included (empty text and paragraph on the missing side)."""

    name = "tsv"
    extension = "tsv"

    def __init__(self, *, header: bool = False) -> None:
        self.header = header

    def render(self, alignment: Alignment) -> bytes:
        lines = ["\t".join(COLUMNS)] if self.header else []
        for (bead, zh, en), confidence in zip(alignment.pairs(), bead_confidence(alignment)):
            zh_par, en_par = alignment.paragraphs(bead)
            lines.append("\t".join((
                tsv_cell(zh), tsv_cell(en), f"{bead.score:.4f}", bead.type,
                "" if zh_par is None else str(zh_par), "" if en_par is None else str(en_par), f"{confidence:.4f}",
            )))
        return encode_text("".join(line + "\n" for line in lines))
