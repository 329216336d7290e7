"""Plain-text input: encoding detection, and lines to paragraphs (or to sentences with presplit, or blank-line
separated paragraphs of hard-wrapped lines)."""

from __future__ import annotations

import codecs
import re
from functools import lru_cache

from ..errors import InputError
from .document import Document, unwrap
from .source import display_name

# Encodings we accept when a file is not UTF-8. Single-byte encodings are left out on purpose: they
# decode any bytes, so corrupt files would pass as text. Listed in order of preference on a tie: most
# GBK bytes are valid Big5 too (and the reverse), and mainland text is the commoner.
_LEGACY = ("gb18030", "big5", "big5hkscs")  # Big5-HKSCS: Big5 with Hong Kong's characters, tried after it

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060"
_CJK_PUNCTUATION = re.compile("[\u3000-\u303f\uff00-\uffef]")


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
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            return utf16
        raise InputError(f"{name}: looks like a binary file (contains NUL bytes), not plain text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    readings = []
    for encoding in _LEGACY:
        try:
            readings.append((data.decode(encoding), encoding))
        except UnicodeDecodeError:
            pass
    # max keeps the first (GB18030) on a tie
    best = max(readings, key=lambda reading: common_share(reading[0])) if readings else None
    if best is None or _looks_binary(best[0].encode("utf-8")):
        line = data[: utf8_error.start].count(b"\n") + 1
        raise InputError(f"{name}:{line}: cannot decode the text (not UTF-8, UTF-16, GB18030, Big5 or Big5-HKSCS)")
    return best


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """``(text, encoding)`` when ``data`` is clearly UTF-16 without a byte-order mark: an even length, every NUL
    byte on the same side of its pair (the high byte of ASCII characters), and decoding to text with no
    control characters but tab and line ends; else None."""
    if len(data) % 2:
        return None
    odd_nuls = data[1::2].count(0)
    even_nuls = data[0::2].count(0)
    if odd_nuls and even_nuls:
        return None
    encoding = "utf-16-le" if odd_nuls else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if any(ch < " " and ch not in "\t\n\r" for ch in text):
        return None
    return text, encoding


@lru_cache(maxsize=1)
def _common_han() -> frozenset[str]:
    """The commonest Han characters: GB2312's level 1 (3755, Simplified) and Big5's level 1 (5401, Traditional)."""
    codes = [("gb2312", bytes((lead, trail))) for lead in range(0xB0, 0xD8) for trail in range(0xA1, 0xFF)]
    codes += [("big5", bytes((lead, trail))) for lead in range(0xA4, 0xC7) for trail in (*range(0x40, 0x7F),
              *range(0xA1, 0xFF)) if (lead, trail) <= (0xC6, 0x7E)]
    chars = set()
    for encoding, code in codes:
        try:
            chars.add(code.decode(encoding))
        except UnicodeDecodeError:  # the few unassigned codes at the end of a level
            pass
    return frozenset(chars)


def common_share(text: str) -> float:
    """Share of the non-ASCII characters (CJK punctuation aside) that are common Han characters.

    Text read with the wrong one of GB18030 and Big5 turns into rare characters, symbols and kana
    ("中文" in GBK read as Big5 is "笢恅"), so the right reading scores near 1 and the wrong one far lower.
    """
    common = _common_han()
    chars = [ch for ch in text if ord(ch) > 0x7F and not _CJK_PUNCTUATION.match(ch)]
    return sum(ch in common for ch in chars) / len(chars) if chars else 0.0


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


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """A text format's bytes as text (encoding detected) without stray byte-order marks, and the encoding."""
    text, encoding = decode_bytes(data, display_name(path))
    # U+FEFF inside the text is a byte-order mark left by concatenating files: invisible, it made a
    # visually blank line a sentence (shifting --presplit indexes) and was copied into the outputs.
    return text.replace("\ufeff", ""), encoding


def _lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    # a line of only zero-width characters looks blank and is one (kept inside text: ZWJ joins emoji)
    return [line if line.strip(_ZERO_WIDTH) else "" for line in lines]


def _blocks(lines: list[str]) -> list[list[str]]:
    """Runs of non-empty lines, split at blank lines."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def read_text(data: bytes, path: str, max_bytes: int, presplit: bool = False, blank_lines: bool = False) -> Document:
    """Plain text: each non-empty line is a paragraph. With ``presplit`` each non-empty line is one sentence
    and blank lines separate paragraphs; with ``blank_lines`` (hard-wrapped text) blank lines separate
    paragraphs and the lines of one are joined (:func:`unwrap`)."""
    text, encoding = decode_text(data, path)
    lines = _lines(text)
    if not any(lines):
        raise InputError(f"{display_name(path)}: the file is empty (no text to align)")
    doc = Document(path=path, encoding=encoding)
    if presplit:
        doc.presplit = _blocks(lines)
        doc.paragraphs = [" ".join(p) for p in doc.presplit]
    elif blank_lines:
        doc.paragraphs = [unwrap("\n".join(block)) for block in _blocks(lines)]
    else:
        doc.paragraphs = [line for line in lines if line]
    return doc


def read_text_blank(data: bytes, path: str, max_bytes: int, presplit: bool = False) -> Document:
    return read_text(data, path, max_bytes, presplit=presplit, blank_lines=True)
