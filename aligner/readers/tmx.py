"""TMX (lxml): a bilingual file, each translation unit a paragraph of both documents. The source is the
header's ``srclang`` (else each unit's first variant), the target the first other variant."""

from __future__ import annotations

from ..errors import InputError
from .containers import local_name, parse_xml
from .document import Document
from .source import display_name
from .xliff import bilingual_documents, inline_text

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_tmx(data: bytes, path: str, max_bytes: int) -> tuple[Document, Document]:
    name = display_name(path)
    root = parse_xml(data, name, "TMX")
    if local_name(root) != "tmx":
        raise InputError(f"{name}: not TMX (the root element is <{local_name(root)}>, not <tmx>)")
    header = next((e for e in root if local_name(e) == "header"), None)
    srclang = (header.get("srclang", "") if header is not None else "").lower()
    units = []
    for tu in root.iter("{*}tu"):
        variants = [(tuv.get(_XML_LANG, tuv.get("lang", "")).lower(),
                     " ".join(inline_text(seg) for seg in tuv if local_name(seg) == "seg"))
                    for tuv in tu if local_name(tuv) == "tuv"]
        if not variants:
            continue
        source = next((v for v in variants if srclang not in ("", "*all*") and v[0].split("-")[0]
                       == srclang.split("-")[0]), variants[0])
        target = next((v for v in variants if v is not source), ("", ""))
        units.append((source[1], target[1]))
    return bilingual_documents(units, path)
