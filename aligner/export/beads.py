"""The bead list: one line per bead, ``[0, 1]:[2]:0.8731`` (0-based sentence indexes)."""

from __future__ import annotations

from typing import Iterator

from ..evaluate import format_bead  # one format for writing and for evaluate.read_beads
from ..model import Alignment
from .base import Rated, StreamedExporter, joined


class BeadsExporter(StreamedExporter):
    name = "beads"
    extension = "beads"

    def pieces(self, alignment: Alignment, confidence: Rated = None) -> Iterator[bytes]:
        for piece in joined(format_bead(b.zh, b.en, b.score) + "\n" for b in alignment.beads):
            yield piece.encode("ascii")
