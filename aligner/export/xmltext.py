"""XML documents of many units (TMX, XLIFF): the frame (declaration, root, header) built and serialised by lxml,
the units laid out from templates in lxml's pretty-printed layout and escaped as libxml2 escapes. Building an
lxml element for every prop and side cost seconds for a book, several times the rest of the writing; the bytes
are the same (tests/test_export_xml.py compares them with lxml's)."""

from __future__ import annotations

import re
from itertools import islice
from typing import Iterable, Iterator

from lxml import etree

# XML 1.0 forbids C0 controls other than tab, newline and CR, the non-characters U+FFFE/U+FFFF,
# and (as UTF-8 cannot carry them) lone surrogates; lxml refuses strings containing them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ILLEGAL_CLASS = _XML_ILLEGAL.pattern[1:-1]
# what xml_text and xml_attr change: most texts have none of it and are returned as they are
_TEXT_SPECIAL = re.compile(f"[&<>\r{_ILLEGAL_CLASS}]")
_ATTR_SPECIAL = re.compile(f"[&<>\"\n\r\t{_ILLEGAL_CLASS}]")
_MARKER = "aligner-units-go-here"


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot represent."""
    return _XML_ILLEGAL.sub("", text)


def xml_text(text: str) -> str:
    """``text`` (made :func:`xml_safe`) as libxml2 writes an element's content."""
    if _TEXT_SPECIAL.search(text) is None:
        return text
    return xml_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def xml_attr(value: str) -> str:
    """``value`` (made :func:`xml_safe`) as libxml2 writes an attribute's value between double quotes."""
    if _ATTR_SPECIAL.search(value) is None:
        return value
    return (xml_safe(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;"))


def framed(root: etree._Element, parent: etree._Element, units: Iterable[str], **tostring) -> Iterator[bytes]:
    """The document ``root`` (serialised with lxml's ``tostring`` options, pretty-printed) with ``units``, each
    the text of one child of ``parent`` and its lines, indented for its depth, placed as its last children;
    in pieces, so that a long corpus can be written as it is read."""
    units = iter(units)
    first = list(islice(units, _UNITS_AT_ONCE))
    if not first:  # as lxml writes an element without children: <body/>
        yield etree.tostring(root, **tostring)
        return
    parent.append(etree.Comment(_MARKER))
    document = etree.tostring(root, **tostring)
    parent.remove(parent[-1])
    at = document.index(f"<!--{_MARKER}-->".encode("ascii"))
    yield document[:document.rindex(b"\n", 0, at) + 1]
    while first:
        yield "".join(first).encode("utf-8")
        first = list(islice(units, _UNITS_AT_ONCE))
    yield document[document.index(b"\n", at) + 1:]


_UNITS_AT_ONCE = 1000
