"""Moses line-aligned files for MT training: ``PREFIX.<src_lang>`` and ``PREFIX.<tgt_lang>``, line k of one the
translation of line k of the other; one line per translation unit (null beads left out; ``--min-score`` and
``--drop-identical`` filter as for TMX)."""

from __future__ import annotations

from ..model import Alignment
from .base import Exporter, Rated, UnitFilter, encode_text
from .tsv import tsv_cell


class MosesExporter(Exporter):
    name = "moses"
    extension = "{lang}"  # one file per language, named by its code

    def __init__(self, *, units: UnitFilter = UnitFilter()) -> None:
        self.units = units
        self.rated = units.min_confidence is not None

    @classmethod
    def extensions(cls, src_lang: str, tgt_lang: str) -> tuple[str, ...]:
        return src_lang, tgt_lang

    def render(self, alignment: Alignment, confidence: Rated = None) -> bytes:
        return self.render_files(alignment, confidence)[0]

    def render_files(self, alignment: Alignment, confidence: Rated = None) -> list[bytes]:
        src_lines, tgt_lines = [], []
        for _, src, tgt in self.units.units(alignment, confidence):
            # a line break inside a unit would shift every later line of one file against the other
            src_lines.append(tsv_cell(src) + "\n")
            tgt_lines.append(tsv_cell(tgt) + "\n")
        return [encode_text("".join(src_lines)), encode_text("".join(tgt_lines))]
