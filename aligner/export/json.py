"""The whole alignment as JSON, for later steps (review, re-export), and its loader."""

from __future__ import annotations

import json
import math
import uuid
from typing import Any, Iterator, Sequence

from ..confidence import bead_confidence
from ..errors import InputError
from ..model import Alignment, Bead, Sentence, check_alignment
from .base import Rated, StreamedExporter, joined, rated

FORMAT_VERSION = 1


def alignment_to_dict(alignment: Alignment, *, lists: bool = True) -> dict[str, Any]:
    """Everything but the sentence vectors, which are large and cheap to recompute. Each bead's ``confidence``
    is written for the reader; loading recomputes it. Without ``lists``, the sentences and beads are left
    out (the exporter lays them out itself)."""
    outline = {
        "format_version": FORMAT_VERSION,
        "signature": alignment.signature,
        "src_lang": alignment.src_lang,
        "tgt_lang": alignment.tgt_lang,
        "src_locale": alignment.src_locale,
        "tgt_locale": alignment.tgt_locale,
    }
    if not lists:
        return outline
    return {**outline,
            "source": {"sentences": [_sentence(s) for s in alignment.zh]},
            "target": {"sentences": [_sentence(s) for s in alignment.en]},
            "beads": [{"zh": list(b.zh), "en": list(b.en), "score": b.score, "type": b.type, "confidence": p}
                      for b, p in zip(alignment.beads, bead_confidence(alignment))]}


def alignment_from_dict(data: dict[str, Any]) -> Alignment:
    """The inverse of :func:`alignment_to_dict`; raises KeyError/TypeError/ValueError on bad data and
    InputError on beads that do not take every sentence once (:func:`aligner.model.check_alignment`)."""
    zh = [Sentence(str(s["text"]), int(s["paragraph"])) for s in data["source"]["sentences"]]
    en = [Sentence(str(s["text"]), int(s["paragraph"])) for s in data["target"]["sentences"]]
    beads = [Bead(tuple(int(v) for v in b["zh"]), tuple(int(v) for v in b["en"]), float(b["score"]))
             for b in data["beads"]]
    alignment = Alignment(
        zh=zh, en=en, beads=beads,
        src_lang=data["src_lang"], tgt_lang=data["tgt_lang"],
        src_locale=data["src_locale"], tgt_locale=data["tgt_locale"],
        signature=dict(data.get("signature") or {}),
    )
    check_alignment(alignment)
    return alignment


def read_json(path: str) -> Any:
    """A JSON file's content; one InputError naming the file when it cannot be read, decoded or parsed."""
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise InputError(f"{path}: not UTF-8 ({e.reason} at byte {e.start})") from None
    except json.JSONDecodeError as e:
        raise InputError(f"{path}:{e.lineno}: invalid JSON: {e.msg}") from None
    except RecursionError:
        raise InputError(f"{path}: invalid JSON: nested too deeply") from None


def load_alignment(path: str) -> Alignment:
    """Read an alignment written by the ``json`` exporter."""
    data = read_json(path)
    if not isinstance(data, dict):
        raise InputError(f"{path}: not an aligner alignment (expected a JSON object)")
    version = data.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise InputError(f"{path}: alignment format version {version!r} is not supported "
                         f"(this aligner reads version {FORMAT_VERSION})")
    try:
        return alignment_from_dict(data)
    except KeyError as e:
        raise InputError(f"{path}: not an aligner alignment: missing key {e}") from None
    except (InputError, TypeError, ValueError, AttributeError) as e:
        raise InputError(f"{path}: not an aligner alignment: {e}") from None


class JsonExporter(StreamedExporter):
    name = "json"
    extension = "json"
    rated = True

    def pieces(self, alignment: Alignment, confidence: Rated = None) -> Iterator[bytes]:
        # Lone surrogates cannot be UTF-8; backslashreplace writes them as "\udXXX", which is
        # exactly their JSON escape (they only occur inside strings), so they load back intact.
        for piece in _pieces(alignment, rated(alignment, confidence)):
            yield piece.encode("utf-8", errors="backslashreplace")
        yield b"\n"


def _sentence(s: Sentence) -> dict[str, Any]:
    return {"text": s.text, "paragraph": s.paragraph}


def _pieces(alignment: Alignment, confidence: Sequence[float]) -> Iterator[str]:
    """``json.dumps(alignment_to_dict(alignment), ensure_ascii=False, indent=1)``, the same text in pieces, many
    times faster: with an indent, json formats in Python, value by value (seconds for a book); here the long
    lists of sentences and beads are laid out from templates, each string and number encoded by json's own C
    functions (tests/test_export_json_layout.py compares the two), a thousand rows at a time."""
    marker = f"\0lists-{uuid.uuid4().hex}-"
    data = alignment_to_dict(alignment, lists=False)
    outline = {**data, "source": {"sentences": marker + "source"}, "target": {"sentences": marker + "target"},
               "beads": marker + "beads"}
    text = json.dumps(outline, ensure_ascii=False, indent=1)
    lists = {"source": _sentences(alignment.zh), "target": _sentences(alignment.en),
             "beads": _beads(alignment.beads, confidence)}
    at = 0
    for start, name in sorted((text.index(_string(marker + name)), name) for name in lists):
        yield text[at:start]
        yield from lists[name]
        at = start + len(_string(marker + name))
    yield text[at:]


def _sentences(sentences: list[Sentence]) -> Iterator[str]:
    """The sentences as json's indent=1 lays out their list at depth 2."""
    rows = (f'   {{\n    "text": {_string(s.text)},\n    "paragraph": {_scalar(s.paragraph)}\n   }}' for s in sentences)
    return _laid_out(rows, "  ")


def _beads(beads: list[Bead], confidence: Sequence[float]) -> Iterator[str]:
    """The beads as json's indent=1 lays out their list at depth 1."""
    rows = (f'  {{\n   "zh": {_indexes(b.zh)},\n   "en": {_indexes(b.en)},\n   "score": {_scalar(b.score)},\n'
            f'   "type": {_string(b.type)},\n   "confidence": {_scalar(p)}\n  }}' for b, p in zip(beads, confidence))
    return _laid_out(rows, " ")


def _laid_out(rows: Iterator[str], indent: str) -> Iterator[str]:
    """A list of ``rows`` as json's indent lays it out, its closing bracket after ``indent``, in pieces."""
    pieces = joined(f",\n{row}" for row in rows)
    first = next(pieces, None)
    if first is None:
        yield "[]"
        return
    yield "[" + first[1:]
    yield from pieces
    yield f"\n{indent}]"


def _indexes(indexes: tuple[int, ...]) -> str:
    """A bead's side as json's indent=1 lays out a list of numbers at depth 2."""
    if not indexes:
        return "[]"
    return "[\n" + ",\n".join(f"    {_scalar(i)}" for i in indexes) + "\n   ]"


def _scalar(value: Any) -> str:
    if value.__class__ is int:
        return int.__repr__(value)
    if value.__class__ is float and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value, ensure_ascii=False)  # anything rarer: as json writes it


_string = json.encoder.encode_basestring  # json's own (C) encoder for ensure_ascii=False
