"""A bilingual Excel sheet for review: one row per bead (null beads too) with source, target, score, confidence
(the probability that the bead is correct, the TMX's ``x-confidence``), bead type and the review's flags (when a
review is written in the same run; else that column is empty). ``--min-confidence`` leaves out the rows below it."""

from __future__ import annotations

import io

from ..model import Alignment
from .base import Exporter, Rated, rated
from .review import ReviewProvider
from .tmx import creation_time, xml_safe

# Column widths in characters: text columns wide enough to read a sentence or two once wrapped.
_WIDTHS = (60, 60, 8, 10, 6, 50)


class XlsxExporter(Exporter):
    name = "xlsx"
    extension = "xlsx"

    rated = True

    def __init__(self, review: ReviewProvider | None = None, min_confidence: float | None = None) -> None:
        self.review = review
        self.min_confidence = min_confidence

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
        titles = (alignment.src_lang, alignment.tgt_lang, "score", "confidence", "bead", "flags")
        for column, (title, width) in enumerate(zip(titles, _WIDTHS)):
            sheet.write_string(0, column, title, bold)
            sheet.set_column(column, column, width, number if title in ("score", "confidence") else wrap)
        rows = [(k, bead, src, tgt, p) for k, ((bead, src, tgt), p) in enumerate(zip(alignment.pairs(),
                                                                                      rated(alignment, confidence)))
                if self.min_confidence is None or p >= self.min_confidence]
        for row, (k, bead, src, tgt, p) in enumerate(rows, 1):
            sheet.write_string(row, 0, xml_safe(src), wrap)  # the sheet is XML: no lone surrogates
            sheet.write_string(row, 1, xml_safe(tgt), wrap)
            sheet.write_number(row, 2, bead.score, number)
            sheet.write_number(row, 3, p, number)
            sheet.write_string(row, 4, bead.type, wrap)
            if k in flags:
                sheet.write_string(row, 5, xml_safe(flags[k]), wrap)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(rows), len(_WIDTHS) - 1)
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
