"""The corrections file: read and checked (one InputError per problem), the document hashes and the flag keys."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Mapping

from ..errors import InputError
from ..export.json import read_json
from ..model import Alignment, Sentence

FORMAT = "aligner-corrections"
VERSION = 1
STATUSES = ("accepted", "dismissed")
# Each edit's fields and their kinds ("indexes": a list of sentence indexes; "index": one).
EDIT_FIELDS = {
    "merge": {"src": "indexes", "tgt": "indexes"},
    "split": {"src": "indexes", "tgt": "indexes", "at_src": "index", "at_tgt": "index"},
    "move": {"side": ("src", "tgt"), "sentence": "index", "to": ("previous", "next")},
    "untranslated": {"side": ("src", "tgt"), "sentence": "index"},
}
_TOP = {"format", "version", "document", "alignment_signature", "flags", "edits", "saved"}
_DOCUMENT = ("src_sha256", "tgt_sha256", "src_sentences", "tgt_sentences")


@dataclass(frozen=True)
class Corrections:
    document: dict  # the side hashes and sentence counts of the documents it was made for
    decisions: dict  # flag key -> {"status": ..., "note": ...}
    edits: tuple[dict, ...]  # in the order they are applied


def sentences_sha256(sentences: list[Sentence]) -> str:
    """The sha256 (hex) of one side's sentence texts joined by newlines, UTF-8."""
    return hashlib.sha256("\n".join(s.text for s in sentences).encode("utf-8", "surrogatepass")).hexdigest()


def document_of(alignment: Alignment) -> dict:
    """What a corrections file records of the documents it is made for (its ``document`` object)."""
    return {"src_sha256": sentences_sha256(alignment.zh), "tgt_sha256": sentences_sha256(alignment.en),
            "src_sentences": len(alignment.zh), "tgt_sentences": len(alignment.en)}


def flag_key(flag: Any) -> str:
    """A flag's name that survives a re-run: ``kind:side:index:start-end:sha256(text)[:12]``.

    ``flag`` is a review Flag or its dict. Side ``src`` (the sentence's index) for flags on a source sentence,
    ``tgt`` for those on a target sentence (additions); a paragraph flag has neither and is named by its
    target paragraph. The span is ``-`` when there is none; the text is the flag's source or target text.
    """
    get = flag.get if isinstance(flag, Mapping) else lambda name: getattr(flag, name)
    if get("zh_sentence") is not None:
        side, index, text = "src", get("zh_sentence"), get("zh") or ""
    elif get("en_sentence") is not None:
        side, index, text = "tgt", get("en_sentence"), get("en") or ""
    else:
        side, index, text = "tgt", get("en_paragraph"), get("en") or ""
    span = get("span")
    where = f"{span[0]}-{span[1]}" if span else "-"
    digest = hashlib.sha256(str(text).encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{get('kind')}:{side}:{'-' if index is None else index}:{where}:{digest}"


def load_corrections(path: str) -> Corrections:
    """Read and check a corrections file; one InputError naming the file and the problem."""
    data = read_json(path)
    try:
        return parse_corrections(data)
    except InputError as e:
        raise InputError(f"{path}: {e}") from None


def parse_corrections(data: object) -> Corrections:
    """A corrections file's content (parsed JSON) checked: InputError on the first problem found."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"not an aligner corrections file (expected a JSON object with \"format\": \"{FORMAT}\")")
    if type(data.get("version")) is not int or data["version"] != VERSION:
        raise InputError(f"corrections version {data.get('version')!r} is not supported (this aligner reads {VERSION})")
    unknown = sorted(set(data) - _TOP)
    if unknown:
        raise InputError(f"unknown field {unknown[0]!r} (known: {', '.join(sorted(_TOP))})")
    document = data.get("document")
    if not isinstance(document, dict) or set(document) != set(_DOCUMENT):
        raise InputError(f"\"document\" must be an object with {', '.join(_DOCUMENT)}")
    for key in _DOCUMENT:
        value = document[key]
        if key.endswith("sha256") and not (isinstance(value, str) and len(value) == 64):
            raise InputError(f"document.{key} must be a sha256 in hex")
        if key.endswith("sentences") and not _is_index(value):
            raise InputError(f"document.{key} must be a whole number")
    for key in ("alignment_signature", "saved"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise InputError(f"\"{key}\" must be a string")
    return Corrections(dict(document), _decisions(data.get("flags", [])), _edits(data.get("edits", [])))


def _is_index(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _decisions(flags: object) -> dict:
    if not isinstance(flags, list):
        raise InputError("\"flags\" must be a list")
    decisions: dict = {}
    for k, item in enumerate(flags):
        where = f"flag decision {k + 1}"
        if not isinstance(item, dict) or not {"key", "status"} <= set(item) <= {"key", "status", "note"}:
            raise InputError(f"{where}: expected {{\"key\", \"status\"[, \"note\"]}}")
        key, status, note = item["key"], item["status"], item.get("note")
        if not isinstance(key, str) or not key:
            raise InputError(f"{where}: \"key\" must be a non-empty string")
        if status not in STATUSES:
            raise InputError(f"{where}: status {status!r} is not one of {', '.join(STATUSES)}")
        if note is not None and not isinstance(note, str):
            raise InputError(f"{where}: \"note\" must be a string")
        if key in decisions:
            raise InputError(f"{where}: flag {key!r} is decided twice")
        decisions[key] = {"status": status, **({"note": note} if note else {})}
    return decisions


def _edits(edits: object) -> tuple[dict, ...]:
    if not isinstance(edits, list):
        raise InputError("\"edits\" must be a list")
    seen: set = set()
    for k, edit in enumerate(edits):
        where = f"edit {k + 1}"
        fields = EDIT_FIELDS.get(edit.get("op")) if isinstance(edit, dict) and isinstance(edit.get("op"), str) \
            else None
        if fields is None:
            raise InputError(f"{where}: expected an object with \"op\" one of {', '.join(EDIT_FIELDS)}")
        if set(edit) != {"op", *fields}:
            raise InputError(f"{where} ({edit['op']}): expected the fields {', '.join(fields)}")
        for name, kind in fields.items():
            value = edit[name]
            ok = (isinstance(value, list) and all(_is_index(v) for v in value)
                  and value == sorted(set(value))) if kind == "indexes" else \
                _is_index(value) if kind == "index" else value in kind
            if not ok:
                raise InputError(f"{where} ({edit['op']}): {name} {value!r} is not "
                                 + {"indexes": "a list of sentence indexes in increasing order",
                                    "index": "a whole number"}.get(kind, f"one of {', '.join(kind)}"))
        if "src" in fields and not edit["src"] and not edit["tgt"]:
            raise InputError(f"{where} ({edit['op']}): names no sentence")
        if edit["op"] == "untranslated":
            if (edit["side"], edit["sentence"]) in seen:
                raise InputError(f"{where}: {edit['side']} sentence {edit['sentence']} is marked untranslated twice")
            seen.add((edit["side"], edit["sentence"]))
    return tuple(edits)


def check_document(alignment: Alignment, corrections: Corrections) -> None:
    """InputError unless the corrections were made for this alignment's documents."""
    if document_of(alignment) != corrections.document:
        d = corrections.document
        raise InputError(f"corrections made for another document ({d['src_sentences']} × {d['tgt_sentences']} "
                         f"sentences, other texts) than this alignment ({len(alignment.zh)} × {len(alignment.en)})")
