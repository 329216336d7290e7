"""The bead list: one line per bead, ``[0, 1]:[2]:0.8731`` (0-based sentence indexes)."""

from __future__ import annotations

from ..evaluate import format_bead  # one format for writing and for evaluate.read_beads
from ..model import Alignment
from .base import Exporter, Rated


class BeadsExporter(Exporter):
    name = "beads"
    extension = "beads"

    def render(self, alignment: Alignment, confidence: Rated = None) -> bytes:
        return "".join(format_bead(b.zh, b.en, b.score) + "\n" for b in alignment.beads).encode("ascii")
