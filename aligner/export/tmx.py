"""TMX 1.4 translation memory: one ``<tu>`` per bead with text on both sides."""

from __future__ import annotations

import os
import re
from datetime import datetime, timezone

from lxml import etree

from ..errors import InputError
from ..model import Alignment, Bead
from ..signature import format_signature, package_version
from .base import Exporter, UnitFilter

# XML 1.0 forbids C0 controls other than tab, newline and CR, the non-characters U+FFFE/U+FFFF,
# and (as UTF-8 cannot carry them) lone surrogates; lxml refuses strings containing them.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot represent."""
    return _XML_ILLEGAL.sub("", text)


def tmx_date(when: datetime) -> str:
    """TMX's date format, always UTC: ``YYYYMMDDThhmmssZ``."""
    return when.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def creation_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH (reproducible-builds.org: the output then is byte-for-byte reproducible).

    A set but malformed or out-of-range value is an error, as that specification asks: ignoring it
    would silently break the reproducibility it was set for.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.now(timezone.utc)
    try:
        if not epoch.isdecimal():
            raise ValueError
        when = datetime.fromtimestamp(int(epoch), timezone.utc)
        tmx_date(when)
    except (ValueError, OverflowError, OSError):
        raise InputError(f"SOURCE_DATE_EPOCH={epoch[:40]!r}: not a time (seconds since 1970, up to year 9999)") \
            from None
    return when


class TmxExporter(Exporter):
    name = "tmx"
    extension = "tmx"

    def __init__(self, *, creationdate: datetime | None = None, units: UnitFilter = UnitFilter()) -> None:
        self.creationdate = creationdate
        self.units = units

    def render(self, alignment: Alignment) -> bytes:
        root = etree.Element("tmx", version="1.4")
        root.append(tmx_header(alignment.src_locale, str(alignment.signature.get("aligner") or package_version()),
                               format_signature(alignment.signature), self.creationdate))
        body = etree.SubElement(root, "body")
        for bead, zh, en, confidence in self.units.rated_units(alignment):
            body.append(tmx_tu(bead_props(bead, confidence), (alignment.src_locale, zh), (alignment.tgt_locale, en)))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                              pretty_print=True, doctype=DOCTYPE)


def tmx_header(srclang: str, tool_version: str, signature: str, when: datetime | None = None) -> etree._Element:
    header = etree.Element("header", {
        "creationtool": "aligner",
        "creationtoolversion": tool_version,
        "datatype": "plaintext",
        "segtype": "sentence",
        "adminlang": "en",
        # OmegaT only uses a TMX whose srclang is its project's source language (or *all*).
        "srclang": srclang,
        "o-tmf": "aligner",
        "creationdate": tmx_date(when or creation_time()),
    })
    _prop(header, "x-aligner-signature", signature)
    return header


def bead_props(bead: Bead, confidence: float) -> list[tuple[str, str]]:
    return [("x-score", f"{bead.score:.4f}"), ("x-confidence", f"{confidence:.4f}"), ("x-bead", bead.type),
            ("x-zh-sentences", ",".join(map(str, bead.zh))), ("x-en-sentences", ",".join(map(str, bead.en)))]


def tmx_tu(props: list[tuple[str, str]], *sides: tuple[str, str]) -> etree._Element:
    """A translation unit: its props, then one ``tuv`` per (language tag, text) side."""
    tu = etree.Element("tu")
    for type_, value in props:
        _prop(tu, type_, value)
    for lang, text in sides:
        tuv = etree.SubElement(tu, "tuv", {_XML_LANG: lang})
        etree.SubElement(tuv, "seg").text = xml_safe(text)
    return tu


def _prop(parent: etree._Element, type_: str, value: str) -> None:
    etree.SubElement(parent, "prop", type=type_).text = xml_safe(value)
