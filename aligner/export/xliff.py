"""XLIFF 1.2 and 2.1: a bilingual file for CAT tools, one unit per bead with text on both sides, its target
marked translated. Null beads are left out, as in the TMX; ``--min-score``/``--min-confidence``/``--drop-identical``
filter alike.

Each unit carries its bead's confidence (the TMX's ``x-confidence``) where each version puts a tool's data about
a unit. XLIFF 1.2 has no element for it (``match-quality`` belongs to ``<alt-trans>``, a candidate translation;
``<prop>`` is not in the strict schema): CAT tools put their score in an attribute of their own namespace on
``<trans-unit>`` (memoQ ``mq:percent``, Phrase ``m:score``), which the schema's ``##other`` wildcard admits; ours
is ``al:confidence`` (declared in ``schemas/aligner-xliff12.xsd`` for strict validation), and the note says it in
words for the tools that show notes (OmegaT). XLIFF 2.1 has the Metadata module: an ``<mda:metadata>`` group
before the unit's notes.
"""

from __future__ import annotations

from typing import Iterator

from lxml import etree

from ..model import Alignment
from ..signature import format_signature, package_version
from .base import Rated, StreamedExporter, UnitFilter
from .xmltext import framed, xml_safe, xml_text

XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF2 = "urn:oasis:names:tc:xliff:document:2.0"  # XLIFF 2.1 keeps 2.0's namespace, with version="2.1"
ALIGNER = "urn:aligner:xliff:1.2"  # our extension attributes in XLIFF 1.2 (schemas/aligner-xliff12.xsd)
METADATA = "urn:oasis:names:tc:xliff:metadata:2.0"
ORIGINAL = "aligner-source"  # the file the units came from; an alignment does not record input names
# A unit as lxml pretty-prints it (aligner/export/xmltext.py); xml:space="preserve": the text is the input's own,
# spaces included.
_UNIT12 = """      <trans-unit id="{n}" approved="no" xml:space="preserve" al:confidence="{confidence}">
        <source>{src}</source>
        <target state="translated">{tgt}</target>
        <note>{note}</note>
      </trans-unit>
"""
_UNIT21 = """    <unit id="u{n}" xml:space="preserve">
      <mda:metadata>
        <mda:metaGroup category="aligner">
          <mda:meta type="confidence">{confidence}</mda:meta>
          <mda:meta type="score">{score}</mda:meta>
          <mda:meta type="bead">{bead}</mda:meta>
        </mda:metaGroup>
      </mda:metadata>
      <notes>
        <note>{note}</note>
      </notes>
      <segment state="translated">
        <source>{src}</source>
        <target>{tgt}</target>
      </segment>
    </unit>
"""


class _XliffExporter(StreamedExporter):
    rated = True

    def __init__(self, *, units: UnitFilter = UnitFilter()) -> None:
        self.units = units

    @staticmethod
    def _text(parent: etree._Element, tag: str, text: str, **attrs: str) -> etree._Element:
        element = etree.SubElement(parent, tag, attrs)
        element.text = xml_safe(text)
        return element

    def _serialise(self, root: etree._Element, parent: etree._Element, template: str, alignment: Alignment,
                   confidence: Rated) -> Iterator[bytes]:
        """The document ``root`` with one unit per bead as ``template`` lays it out, as children of ``parent``."""
        units = (template.format(n=n, src=xml_text(src), tgt=xml_text(tgt), note=_note(bead, p),
                                 confidence=f"{p:.4f}", score=f"{bead.score:.4f}", bead=bead.type)
                 for n, (bead, src, tgt, p) in enumerate(self.units.rated_units(alignment, confidence), 1))
        return framed(root, parent, units, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class Xliff12Exporter(_XliffExporter):
    name = "xliff"
    extension = "xlf"

    def pieces(self, alignment: Alignment, confidence: Rated = None) -> Iterator[bytes]:
        ns = f"{{{XLIFF12}}}"
        root = etree.Element(ns + "xliff", version="1.2", nsmap={None: XLIFF12, "al": ALIGNER})
        file = etree.SubElement(root, ns + "file", {
            "original": ORIGINAL, "datatype": "plaintext",
            "source-language": alignment.src_locale, "target-language": alignment.tgt_locale})
        header = etree.SubElement(file, ns + "header")
        etree.SubElement(header, ns + "tool", {"tool-id": "aligner", "tool-name": "aligner",
                                               "tool-version": str(alignment.signature.get("aligner")
                                                                   or package_version())})
        self._text(header, ns + "note", f"aligner signature: {format_signature(alignment.signature)}")
        body = etree.SubElement(file, ns + "body")
        return self._serialise(root, body, _UNIT12, alignment, confidence)


class Xliff21Exporter(_XliffExporter):
    name = "xliff2"
    extension = "xliff2.xlf"

    def pieces(self, alignment: Alignment, confidence: Rated = None) -> Iterator[bytes]:
        ns = f"{{{XLIFF2}}}"
        root = etree.Element(ns + "xliff", {"version": "2.1", "srcLang": alignment.src_locale,
                                            "trgLang": alignment.tgt_locale},
                             nsmap={None: XLIFF2, "mda": METADATA})
        file = etree.SubElement(root, ns + "file", id="f1", original=ORIGINAL)
        notes = etree.SubElement(file, ns + "notes")
        self._text(notes, ns + "note", f"aligner signature: {format_signature(alignment.signature)}")
        return self._serialise(root, file, _UNIT21, alignment, confidence)


def _note(bead, confidence: float) -> str:
    """A unit's note: its bead (no character to escape)."""
    return (f"bead {bead.type}, score {bead.score:.4f}, confidence {confidence:.4f}, "
            f"sentences {_indexes(bead.zh)} : {_indexes(bead.en)}")


def _indexes(indexes: tuple[int, ...]) -> str:
    return ",".join(map(str, indexes))
