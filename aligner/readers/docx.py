"""DOCX (python-docx): body paragraphs and table cells in document order; heading and list styles give
the kind; page headers and footers are kept out of alignment as skipped items (they repeat on each page)."""

from __future__ import annotations

import io

from .containers import check_zip, library_errors
from .document import Document, DocumentBuilder
from .source import display_name


def read_docx(data: bytes, path: str, max_bytes: int) -> Document:
    import docx
    from docx.table import Table

    name = display_name(path)
    check_zip(data, name, "DOCX", max_bytes)
    builder = DocumentBuilder()

    def add_blocks(container, kind: str) -> None:
        for block in container.iter_inner_content():
            if isinstance(block, Table):
                seen = set()
                for row in block.rows:
                    for cell in row.cells:
                        if id(cell._tc) not in seen:  # a merged cell is listed once per grid column
                            seen.add(id(cell._tc))
                            add_blocks(cell, "cell")
            else:
                builder.add(block.text, _kind(block, kind))

    with library_errors(name, "DOCX"):
        document = docx.Document(io.BytesIO(data))
        add_blocks(document, "p")
        for section in document.sections:
            for part, kind in ((section.header, "header"), (section.footer, "footer")):
                if not part.is_linked_to_previous:
                    for paragraph in part.paragraphs:
                        if paragraph.text.strip():
                            builder.skip(kind, paragraph.text)
    return builder.build(path, name)


def _kind(paragraph, default: str) -> str:
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.startswith("Heading") or style == "Title":
        return "heading"
    if "Quote" in style:
        return "quote"
    return "item" if style.startswith("List") else default
