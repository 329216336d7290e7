"""ODT (odfpy): paragraphs, headings, list items and table cells in document order."""

from __future__ import annotations

import io

from ..errors import InputError
from .containers import check_zip, library_errors
from .document import Document, DocumentBuilder
from .source import display_name

_KINDS = {"table:table-cell": "cell", "text:list-item": "item"}
# Not running text: change-tracking records, form controls, declarations.
_LEFT_OUT = {"text:tracked-changes", "office:forms", "text:sequence-decls", "text:variable-decls",
             "text:user-field-decls"}


def read_odt(data: bytes, path: str, max_bytes: int) -> Document:
    from odf import teletype
    from odf.opendocument import load

    name = display_name(path)
    archive = check_zip(data, name, "ODT", max_bytes)
    builder = DocumentBuilder()

    def walk(node, kind: str) -> None:
        for child in node.childNodes:
            tag = getattr(child, "tagName", None)
            if tag in ("text:p", "text:h"):
                builder.add(teletype.extractText(child), "heading" if tag == "text:h" else kind)
            elif tag and tag not in _LEFT_OUT:
                walk(child, _KINDS.get(tag, kind))

    with library_errors(name, "ODT"):
        manifest = "META-INF/manifest.xml"
        if manifest in archive.namelist() and b"encryption-data" in archive.read(manifest):
            raise InputError(f"{name}: password-protected (encrypted); save it without a password")
        walk(load(io.BytesIO(data)).text, "p")
    return builder.build(path, name)
