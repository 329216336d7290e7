"""Plain-text input: encoding detection, and lines to paragraphs (or to sentences with presplit)."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass, field

from ..errors import InputError

# Encodings we accept when a file is not UTF-8; charset-normalizer chooses among them. Single-byte
# encodings are left out on purpose: they decode any bytes, so corrupt files would pass as text.
_LEGACY = ["gb18030", "big5"]

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060"


@dataclass
class Document:
    """A text as paragraphs; with presplit, each paragraph is already a list of sentences."""

    path: str
    encoding: str
    paragraphs: list[str] = field(default_factory=list)
    presplit: list[list[str]] | None = None


def decode_bytes(data: bytes, name: str) -> tuple[str, str]:
    """Decode a file's bytes, returning ``(text, encoding)``; raise InputError naming ``name``."""
    if data.startswith(codecs.BOM_UTF8):
        return _no_nul(_strict(data[3:], "utf-8", name), name), "utf-8-sig"
    # UTF-32 first: its little-endian BOM begins with UTF-16's, and read as UTF-16 it gave garbage
    # with a NUL between characters that was aligned without complaint.
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _no_nul(_strict(data, "utf-32", name), name), "utf-32"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _no_nul(_strict(data, "utf-16", name), name), "utf-16"
    if b"\x00" in data:
        raise InputError(f"{name}: looks like a binary file (contains NUL bytes), not plain text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_LEGACY).best()
    if best is None or _looks_binary(str(best).encode("utf-8")):
        line = data[: utf8_error.start].count(b"\n") + 1
        raise InputError(f"{name}:{line}: cannot decode the text (not UTF-8, UTF-16, GB18030 or Big5)")
    return str(best), best.encoding


def _no_nul(text: str, name: str) -> str:
    # The NUL-byte test below cannot see NUL characters in a file with a byte-order mark (UTF-16 is
    # full of NUL bytes), so they are looked for after decoding.
    if "\x00" in text:
        raise InputError(f"{name}: looks like a binary file (contains NUL characters), not plain text")
    return text


def _strict(data: bytes, encoding: str, name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(f"{name}:{line}: invalid {encoding} despite its byte-order mark") from None


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls > len(sample) * 0.05


def read_document(path: str, *, presplit: bool = False) -> Document:
    """Read a plain-text file: each non-empty line is a paragraph.

    With ``presplit`` each non-empty line is one sentence and blank lines separate paragraphs.
    """
    if not os.path.exists(path):
        raise InputError(f"{path}: no such file")
    if os.path.isdir(path):
        raise InputError(f"{path}: is a directory, not a text file")
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    text, encoding = decode_bytes(data, path)
    # U+FEFF inside the text is a byte-order mark left by concatenating files: invisible, it made a
    # visually blank line a sentence (shifting --presplit indexes) and was copied into the outputs.
    text = text.replace("\ufeff", "")
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    # a line of only zero-width characters looks blank and is one (kept inside text: ZWJ joins emoji)
    lines = [line if line.strip(_ZERO_WIDTH) else "" for line in lines]
    if not any(lines):
        raise InputError(f"{path}: the file is empty (no text to align)")
    doc = Document(path=path, encoding=encoding)
    if presplit:
        doc.presplit = []
        current: list[str] = []
        for line in lines:
            if line:
                current.append(line)
            elif current:
                doc.presplit.append(current)
                current = []
        if current:
            doc.presplit.append(current)
        doc.paragraphs = [" ".join(p) for p in doc.presplit]
    else:
        doc.paragraphs = [line for line in lines if line]
    return doc
