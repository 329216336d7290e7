"""A bilingual Excel sheet for review: one row per bead (null beads too) with source, target, score, bead type
and the review's flags (when a review is written in the same run; else that column is empty)."""

from __future__ import annotations

import io

from ..model import Alignment
from .base import Exporter, Rated
from .review import ReviewProvider
from .tmx import creation_time, xml_safe

# Column widths in characters: text columns wide enough to read a sentence or two once wrapped.
_WIDTHS = (60, 60, 8, 6, 50)


class XlsxExporter(Exporter):
    name = "xlsx"
    extension = "xlsx"

    def __init__(self, review: ReviewProvider | None = None) -> None:
        self.review = review

    def render(self, alignment: Alignment, confidence: Rated = None) -> bytes:
        import xlsxwriter

        flags = self._flags(alignment)
        buffer = io.BytesIO()
        # in_memory: no temporary files of XlsxWriter's own; strings_to_*: text stays text ("=1+1", "007")
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                                "strings_to_numbers": False, "strings_to_urls": False})
        workbook.set_properties({"title": "aligner alignment", "created": creation_time().replace(tzinfo=None)})
        sheet = workbook.add_worksheet("alignment")
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        number = workbook.add_format({"num_format": "0.0000", "valign": "top"})
        bold = workbook.add_format({"bold": True, "bg_color": "#F0F0F0", "bottom": 1})
        for column, (title, width) in enumerate(zip((alignment.src_lang, alignment.tgt_lang, "score", "bead",
                                                     "flags"), _WIDTHS)):
            sheet.write_string(0, column, title, bold)
            sheet.set_column(column, column, width, number if title == "score" else wrap)
        for row, (k, (bead, src, tgt)) in enumerate(enumerate(alignment.pairs()), 1):
            sheet.write_string(row, 0, xml_safe(src), wrap)  # the sheet is XML: no lone surrogates
            sheet.write_string(row, 1, xml_safe(tgt), wrap)
            sheet.write_number(row, 2, bead.score, number)
            sheet.write_string(row, 3, bead.type, wrap)
            if k in flags:
                sheet.write_string(row, 4, xml_safe(flags[k]), wrap)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(alignment.beads), len(_WIDTHS) - 1)
        workbook.close()
        return buffer.getvalue()

    def _flags(self, alignment: Alignment) -> dict[int, str]:
        """Per bead index, its review flags as lines ``kind: text (reason)``."""
        if self.review is None:
            return {}
        lines: dict[int, list[str]] = {}
        for flag in self.review(alignment).flags:
            if flag.bead is not None:
                lines.setdefault(flag.bead, []).append(f"{flag.kind}: {flag.zh or flag.en} ({flag.reason})")
        return {k: "\n".join(v) for k, v in lines.items()}
