"""XLIFF 1.2 and 2.1: a bilingual file for CAT tools, one unit per bead with text on both sides, its target
marked translated. Null beads are left out, as in the TMX; ``--min-score``/``--drop-identical`` filter alike."""

from __future__ import annotations

from lxml import etree

from ..model import Alignment
from ..signature import format_signature, package_version
from .base import Exporter, UnitFilter
from .tmx import xml_safe

XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2 = "urn:oasis:names:tc:xliff:document:2.0"  # XLIFF 2.1 keeps 2.0's namespace, with version="2.1"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PRESERVE = "preserve"  # the text is the input's own, spaces included
ORIGINAL = "aligner-source"  # the file the units came from; an alignment does not record input names


class _XliffExporter(Exporter):
    def __init__(self, *, units: UnitFilter = UnitFilter()) -> None:
        self.units = units

    @staticmethod
    def _text(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
        element = etree.SubElement(parent, tag, attrs)
        element.text = xml_safe(text)
        return element

    @staticmethod
    def _serialise(root: etree._Element) -> bytes:
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class Xliff12Exporter(_XliffExporter):
    name = "xliff"
    extension = "xlf"

    def render(self, alignment: Alignment) -> bytes:
        ns = f"{{{XLIFF12}}}"
        root = etree.Element(ns + "xliff", version="1.2", nsmap={None: XLIFF12})
        file = etree.SubElement(root, ns + "file", {
            "original": ORIGINAL, "datatype": "plaintext",
            "source-language": alignment.src_locale, "target-language": alignment.tgt_locale})
        header = etree.SubElement(file, ns + "header")
        etree.SubElement(header, ns + "tool", {"tool-id": "aligner", "tool-name": "aligner",
                                               "tool-version": str(alignment.signature.get("aligner")
                                                                   or package_version())})
        self._text(header, ns + "note", f"aligner signature: {format_signature(alignment.signature)}")
        body = etree.SubElement(file, ns + "body")
        for n, (bead, src, tgt) in enumerate(self.units.units(alignment), 1):
            unit = etree.SubElement(body, ns + "trans-unit", {"id": str(n), "approved": "no", _XML_SPACE: _PRESERVE})
            self._text(unit, ns + "source", src)
            self._text(unit, ns + "target", tgt, state="translated")
            self._text(unit, ns + "note", f"bead {bead.type}, score {bead.score:.4f}, "
                                          f"sentences {_indexes(bead.zh)} : {_indexes(bead.en)}")
        return self._serialise(root)


class Xliff21Exporter(_XliffExporter):
    name = "xliff2"
    extension = "xliff2.xlf"

    def render(self, alignment: Alignment) -> bytes:
        ns = f"{{{XLIFF2}}}"
        root = etree.Element(ns + "xliff", {"version": "2.1", "srcLang": alignment.src_locale,
                                            "trgLang": alignment.tgt_locale}, nsmap={None: XLIFF2})
        file = etree.SubElement(root, ns + "file", id="f1", original=ORIGINAL)
        notes = etree.SubElement(file, ns + "notes")
        self._text(notes, ns + "note", f"aligner signature: {format_signature(alignment.signature)}")
        for n, (bead, src, tgt) in enumerate(self.units.units(alignment), 1):
            unit = etree.SubElement(file, ns + "unit", {"id": f"u{n}", _XML_SPACE: _PRESERVE})
            unit_notes = etree.SubElement(unit, ns + "notes")
            self._text(unit_notes, ns + "note", f"bead {bead.type}, score {bead.score:.4f}, "
                                                f"sentences {_indexes(bead.zh)} : {_indexes(bead.en)}")
            segment = etree.SubElement(unit, ns + "segment", state="translated")
            self._text(segment, ns + "source", src)
            self._text(segment, ns + "target", tgt)
        return self._serialise(root)


def _indexes(indexes: tuple[int, ...]) -> str:
    return ",".join(map(str, indexes))
