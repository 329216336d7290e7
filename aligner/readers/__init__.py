"""Reading input documents: one module per format, chosen by file extension or ``input_format``.

Each reader takes the file's bytes (read through :func:`read_input`, bounded) and returns a
:class:`Document`; the bilingual formats (XLIFF, TMX) hold both sides, and any other document can hold
both languages too (:func:`read_sides` with one file splits it by script).
"""

from __future__ import annotations

import importlib
import os

from ..errors import InputError
from .document import Document, Skipped, require_text, unwrap
from .source import DEFAULT_MAX_INPUT_BYTES, display_name, read_input
from .text import decode_bytes

# format name -> "module:function"; imported on use, so plain text needs none of the format libraries.
READERS = {
    "text": "text:read_text",
    "text-blank": "text:read_text_blank",
    "markdown": "markdown:read_markdown",
    "html": "html:read_html",
    "docx": "docx:read_docx",
    "odt": "odt:read_odt",
    "epub": "epub:read_epub",
    "pdf": "pdf:read_pdf",
    "srt": "srt:read_srt",
    "vtt": "vtt:read_vtt",
    "xliff": "xliff:read_xliff",
    "tmx": "tmx:read_tmx",
}
# Formats holding a source and a target side: their reader returns both documents.
BILINGUAL = ("xliff", "tmx")
_SIDES = ("source", "target")
TEXT_FORMATS = ("text", "text-blank")  # the ones --presplit applies to
EXTENSIONS = {
    ".txt": "text", ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html",
    ".xhtml": "html", ".docx": "docx", ".odt": "odt", ".epub": "epub", ".pdf": "pdf", ".srt": "srt",
    ".vtt": "vtt", ".xlf": "xliff", ".xliff": "xliff", ".sdlxliff": "xliff", ".tmx": "tmx",
}


def format_of(path: str, input_format: str | None = None) -> str:
    """``input_format`` if given (checked), else the format the extension names, else plain text."""
    if input_format is not None:
        if input_format not in READERS:
            raise ValueError(f"input_format {input_format!r}: not one of {', '.join(READERS)}")
        return input_format
    return EXTENSIONS.get(os.path.splitext(path)[1].lower(), "text")


def _reader(fmt: str):
    module, function = READERS[fmt].split(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), function)


def _read(path: str, fmt: str, presplit: bool, max_bytes: int):
    if presplit and fmt not in TEXT_FORMATS:
        raise InputError(f"{display_name(path)}: --presplit applies to plain text only, not to {fmt}")
    data = read_input(path, max_bytes)
    if fmt in TEXT_FORMATS:
        return _reader(fmt)(data, path, max_bytes, presplit=presplit)
    return _reader(fmt)(data, path, max_bytes)


def read_document(path: str, *, input_format: str | None = None, presplit: bool = False,
                  max_bytes: int = DEFAULT_MAX_INPUT_BYTES, side: int = 0) -> Document:
    """One document from ``path`` (``-``: standard input). Of a bilingual file (XLIFF, TMX), ``side`` 0 is
    the source and 1 the target."""
    fmt = format_of(path, input_format)
    doc = _read(path, fmt, presplit, max_bytes)
    return require_text(doc[side], f"{display_name(path)} ({_SIDES[side]} side)") if fmt in BILINGUAL else doc


def read_sides(zh_path: str, en_path: str | None = None, *, input_format: str | None = None,
               presplit: bool = False, max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
               ) -> list[tuple[str, Document]]:
    """The source and target documents, each with the name to give it in messages.

    With two paths, the first gives the source (the source side of a bilingual file) and the second the
    target. With one, it holds both: the two sides of an XLIFF or TMX file, or any other document whose
    paragraphs are in two languages, split by script (:func:`bilingual.split_languages`).
    """
    if en_path is not None:
        return [(display_name(zh_path), read_document(zh_path, input_format=input_format, presplit=presplit,
                                                      max_bytes=max_bytes, side=0)),
                (display_name(en_path), read_document(en_path, input_format=input_format, presplit=presplit,
                                                      max_bytes=max_bytes, side=1))]
    from .bilingual import split_languages

    fmt = format_of(zh_path, input_format)
    name = display_name(zh_path)
    read = _read(zh_path, fmt, presplit, max_bytes)
    sides = read if fmt in BILINGUAL else split_languages(read, name)
    named = [(f"{name} ({_SIDES[k]} side)", doc) for k, doc in enumerate(sides)]
    return [(label, require_text(doc, label)) for label, doc in named]


__all__ = ["BILINGUAL", "Document", "EXTENSIONS", "READERS", "Skipped", "decode_bytes", "format_of", "read_document",
           "read_input", "read_sides", "unwrap"]
