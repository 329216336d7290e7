"""TMX 1.4 translation memory: one ``<tu>`` per bead with text on both sides."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from typing import Iterable, Iterator

from lxml import etree

from ..errors import InputError
from ..model import Alignment, Bead
from ..signature import format_signature, package_version
from .base import Rated, StreamedExporter, UnitFilter
from .xmltext import framed, xml_attr, xml_safe, xml_text

DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


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


class TmxExporter(StreamedExporter):
    name = "tmx"
    extension = "tmx"

    def __init__(self, *, creationdate: datetime | None = None, units: UnitFilter = UnitFilter()) -> None:
        self.creationdate = creationdate
        self.units = units

    rated = True

    def pieces(self, alignment: Alignment, confidence: Rated = None) -> Iterator[bytes]:
        sides = (xml_attr(alignment.src_locale), xml_attr(alignment.tgt_locale))
        units = (tmx_tu(bead_props(bead, p), *zip(sides, (zh, en)))
                 for bead, zh, en, p in self.units.rated_units(alignment, confidence))
        return tmx_document(alignment.src_locale, str(alignment.signature.get("aligner") or package_version()),
                            format_signature(alignment.signature), units, self.creationdate)


def tmx_document(srclang: str, tool_version: str, signature: str, units: Iterable[str],
                 when: datetime | None = None) -> Iterator[bytes]:
    """A TMX file's bytes, in pieces: its header and the translation units (each from :func:`tmx_tu`)."""
    root = etree.Element("tmx", version="1.4")
    root.append(tmx_header(srclang, tool_version, signature, when))
    body = etree.SubElement(root, "body")
    return framed(root, body, units, xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype=DOCTYPE)


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
    etree.SubElement(header, "prop", type="x-aligner-signature").text = xml_safe(signature)
    return header


def bead_props(bead: Bead, confidence: float) -> list[tuple[str, str]]:
    return [("x-score", f"{bead.score:.4f}"), ("x-confidence", f"{confidence:.4f}"), ("x-bead", bead.type),
            ("x-zh-sentences", ",".join(map(str, bead.zh))), ("x-en-sentences", ",".join(map(str, bead.en)))]


def tmx_tu(props: list[tuple[str, str]], *sides: tuple[str, str]) -> str:
    """A translation unit in the body (:func:`aligner.export.xmltext.framed`): its props (type: a name of ours,
    with nothing to escape; value), then one ``tuv`` per side (language tag, already :func:`xml_attr`-escaped;
    text)."""
    return "".join(["    <tu>\n", *[f'      <prop type="{type_}">{xml_text(value)}</prop>\n' for type_, value in props],
                    *[f'      <tuv xml:lang="{lang}">\n        <seg>{xml_text(text)}</seg>\n      </tuv>\n'
                      for lang, text in sides], "    </tu>\n"])
