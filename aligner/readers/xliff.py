"""XLIFF 1.2 and 2.x (lxml): a bilingual file, each translation unit a paragraph of the source document and,
when translated, of the target document. Inline codes (ph, bpt, ept, it) are no text and are left out."""

from __future__ import annotations

from lxml import etree

from .containers import local_name, parse_xml
from .document import Document, DocumentBuilder, unwrap
from .source import display_name

# XLIFF 1.2's native-code elements hold markup as text; 2.x's ph/sc/ec are empty anyway.
CODES = {"ph", "bpt", "ept", "it", "ut", "sub"}


def inline_text(element: etree._Element, codes: set[str] = CODES) -> str:
    """The text of a segment, inline markup (g, pc, mrk, hi) kept as its text and native codes left out."""
    parts = [element.text or ""]
    for child in element:
        if local_name(child) and local_name(child) not in codes:
            parts.append(inline_text(child, codes))
        parts.append(child.tail or "")
    return "".join(parts)


def bilingual_documents(units: list[tuple[str, str]], path: str) -> tuple[Document, Document]:
    """The source and target documents of (source, target) text pairs; an empty target adds nothing. A side
    may be empty (an untranslated file gives its source): the caller checks the side it uses."""
    sides = (DocumentBuilder(), DocumentBuilder())
    for pair in units:
        for builder, text in zip(sides, pair):
            builder.add(text, "segment")
    return sides[0].document(path), sides[1].document(path)


def read_xliff(data: bytes, path: str, max_bytes: int) -> tuple[Document, Document]:
    root = parse_xml(data, display_name(path), "XLIFF")
    units = []
    for unit in root.iter():
        if local_name(unit) not in ("trans-unit", "unit"):  # 1.2 and 2.x
            continue
        # 2.x: a unit's segments (and ignorables) in order; 1.2: the trans-unit's own source and target
        holders = [s for s in unit if local_name(s) in ("segment", "ignorable")] or [unit]
        units.append((_side(holders, "source"), _side(holders, "target")))
    return bilingual_documents(units, path)


def _side(holders: list[etree._Element], tag: str) -> str:
    return unwrap("\n".join(inline_text(e) for holder in holders for e in holder if local_name(e) == tag))
