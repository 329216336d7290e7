"""EPUB (ebooklib): the chapters in spine order, each chapter's XHTML through the HTML reader."""

from __future__ import annotations

import io

from ..errors import InputError
from .containers import check_zip, library_errors
from .document import Document, DocumentBuilder
from .html import add_html
from .source import display_name
from .text import decode_text


def read_epub(data: bytes, path: str, max_bytes: int) -> Document:
    from ebooklib import epub

    name = display_name(path)
    archive = check_zip(data, name, "EPUB", max_bytes)
    if "META-INF/encryption.xml" in archive.namelist():
        raise InputError(f"{name}: encrypted (DRM-protected) EPUB; give an unprotected copy")
    builder = DocumentBuilder()
    with library_errors(name, "EPUB"):
        book = epub.read_epub(io.BytesIO(data), {"ignore_ncx": True})
        if not book.spine:
            raise InputError(f"{name}: an EPUB without a spine (no reading order of its chapters)")
        for idref, *_ in book.spine:
            item = book.get_item_with_id(idref)
            if item is None:
                raise InputError(f"{name}: the spine names a chapter {idref!r} the EPUB does not hold")
            text, _ = decode_text(item.get_content(), f"{name}:{item.get_name()}")
            add_html(builder, text, f"{name}:{item.get_name()}")
    return builder.build(path, name)
