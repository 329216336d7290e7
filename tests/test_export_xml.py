"""TMX and XLIFF units are laid out from templates (speed, aligner/export/xmltext.py): the bytes must be those
lxml writes for the same elements, whatever the text holds (markup characters, controls, lone surrogates)."""

from __future__ import annotations

from datetime import datetime, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from aligner.export import get_exporter
from aligner.export.tmx import DOCTYPE, TmxExporter, bead_props, tmx_header
from aligner.export.xliff import ALIGNER, METADATA, ORIGINAL, XLIFF12, XLIFF2, _note
from aligner.export.xmltext import xml_safe
from aligner.model import Alignment, Bead, Sentence
from aligner.signature import format_signature

_XML = "{http://www.w3.org/XML/1998/namespace}"
_text = st.text(alphabet=st.characters() | st.sampled_from(list("&<>\"'\r\n\t\x00\x0b\ufffe]") + ["\ud800"]),
                max_size=12)
WHEN = datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


@st.composite
def alignments(draw) -> Alignment:
    """Up to four 1-1 beads (and a null bead), a locale with attribute characters."""
    n = draw(st.integers(0, 4))
    zh = [Sentence(draw(_text), 0) for _ in range(n + 1)]
    en = [Sentence(draw(_text), 0) for _ in range(n)]
    beads = [Bead((k,), (k,), draw(st.floats(-2, 2))) for k in range(n)] + [Bead((n,), ())]
    locale = draw(st.sampled_from(["zh-CN", 'a"b&c<d>\te\nf']))
    return Alignment(zh, en, beads, src_locale=locale, signature={"aligner": "0.1", "x": draw(_text)})


def _sub(parent, tag, text=None, **attrs):
    element = etree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = xml_safe(text)
    return element


def lxml_tmx(a: Alignment, confidence) -> bytes:
    root = etree.Element("tmx", version="1.4")
    root.append(tmx_header(a.src_locale, "0.1", format_signature(a.signature), WHEN))
    body = etree.SubElement(root, "body")
    for (bead, zh, en), p in zip(a.pairs(), confidence):
        if bead.is_null:
            continue
        tu = etree.SubElement(body, "tu")
        for type_, value in bead_props(bead, p):
            _sub(tu, "prop", value, type=type_)
        for lang, text in ((a.src_locale, zh), (a.tgt_locale, en)):
            _sub(etree.SubElement(tu, "tuv", {_XML + "lang": lang}), "seg", text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype=DOCTYPE)


def _units(a: Alignment, confidence):
    return enumerate(((b, s, t, p) for (b, s, t), p in zip(a.pairs(), confidence) if not b.is_null), 1)


def lxml_xliff12(a: Alignment, confidence) -> bytes:
    ns = f"{{{XLIFF12}}}"
    root = etree.Element(ns + "xliff", version="1.2", nsmap={None: XLIFF12, "al": ALIGNER})
    file = _sub(root, ns + "file", **{"original": ORIGINAL, "datatype": "plaintext",
                                      "source-language": a.src_locale, "target-language": a.tgt_locale})
    header = _sub(file, ns + "header")
    _sub(header, ns + "tool", **{"tool-id": "aligner", "tool-name": "aligner", "tool-version": "0.1"})
    _sub(header, ns + "note", f"aligner signature: {format_signature(a.signature)}")
    body = _sub(file, ns + "body")
    for n, (bead, src, tgt, p) in _units(a, confidence):
        unit = _sub(body, ns + "trans-unit", **{"id": str(n), "approved": "no", _XML + "space": "preserve",
                                                f"{{{ALIGNER}}}confidence": f"{p:.4f}"})
        _sub(unit, ns + "source", src)
        _sub(unit, ns + "target", tgt, state="translated")
        _sub(unit, ns + "note", _note(bead, p))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def lxml_xliff21(a: Alignment, confidence) -> bytes:
    ns, mda = f"{{{XLIFF2}}}", f"{{{METADATA}}}"
    root = etree.Element(ns + "xliff", {"version": "2.1", "srcLang": a.src_locale, "trgLang": a.tgt_locale},
                         nsmap={None: XLIFF2, "mda": METADATA})
    file = _sub(root, ns + "file", id="f1", original=ORIGINAL)
    _sub(_sub(file, ns + "notes"), ns + "note", f"aligner signature: {format_signature(a.signature)}")
    for n, (bead, src, tgt, p) in _units(a, confidence):
        unit = _sub(file, ns + "unit", **{"id": f"u{n}", _XML + "space": "preserve"})
        group = _sub(_sub(unit, mda + "metadata"), mda + "metaGroup", category="aligner")
        for type_, value in (("confidence", f"{p:.4f}"), ("score", f"{bead.score:.4f}"), ("bead", bead.type)):
            _sub(group, mda + "meta", value, type=type_)
        _sub(_sub(unit, ns + "notes"), ns + "note", _note(bead, p))
        segment = _sub(unit, ns + "segment", state="translated")
        _sub(segment, ns + "source", src)
        _sub(segment, ns + "target", tgt)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@settings(max_examples=150, deadline=None)
@given(alignments(), st.floats(0, 1))
def test_units_are_laid_out_as_lxml_writes_them(alignment, p):
    confidence = [p] * len(alignment.beads)
    assert TmxExporter(creationdate=WHEN).render(alignment, confidence) == lxml_tmx(alignment, confidence)
    alignment.signature["aligner"] = "0.1"
    assert get_exporter("xliff").render(alignment, confidence) == lxml_xliff12(alignment, confidence)
    assert get_exporter("xliff2").render(alignment, confidence) == lxml_xliff21(alignment, confidence)
