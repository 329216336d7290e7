"""The whole alignment as JSON, for later steps (review, re-export), and its loader."""

from __future__ import annotations

import json
import math
import uuid
from typing import Any

from ..confidence import bead_confidence
from ..errors import InputError
from ..model import Alignment, Bead, Sentence, check_alignment
from .base import Exporter

FORMAT_VERSION = 1


def alignment_to_dict(alignment: Alignment) -> dict[str, Any]:
    """Everything but the sentence vectors, which are large and cheap to recompute. Each bead's ``confidence``
    is written for the reader; loading recomputes it."""
    return {
        "format_version": FORMAT_VERSION,
        "signature": alignment.signature,
        "src_lang": alignment.src_lang,
        "tgt_lang": alignment.tgt_lang,
        "src_locale": alignment.src_locale,
        "tgt_locale": alignment.tgt_locale,
        "source": {"sentences": [_sentence(s) for s in alignment.zh]},
        "target": {"sentences": [_sentence(s) for s in alignment.en]},
        "beads": [{"zh": list(b.zh), "en": list(b.en), "score": b.score, "type": b.type, "confidence": p}
                  for b, p in zip(alignment.beads, bead_confidence(alignment))],
    }


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


class JsonExporter(Exporter):
    name = "json"
    extension = "json"

    def render(self, alignment: Alignment) -> bytes:
        text = _dumps(alignment_to_dict(alignment))
        # Lone surrogates cannot be UTF-8; backslashreplace writes them as "\udXXX", which is
        # exactly their JSON escape (they only occur inside strings), so they load back intact.
        return (text + "\n").encode("utf-8", errors="backslashreplace")


def _sentence(s: Sentence) -> dict[str, Any]:
    return {"text": s.text, "paragraph": s.paragraph}


def _dumps(data: dict[str, Any]) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=1)``, the same text, several times faster: with an
    indent, json formats in Python, value by value (seconds for a book); here the long lists of sentences
    and beads are laid out from templates, each string and number encoded by json's own C functions."""
    marker = f"\0lists-{uuid.uuid4().hex}-"
    lists = {"source": data["source"]["sentences"], "target": data["target"]["sentences"], "beads": data["beads"]}
    outline = {**data, "source": {"sentences": marker + "source"}, "target": {"sentences": marker + "target"},
               "beads": marker + "beads"}
    text = json.dumps(outline, ensure_ascii=False, indent=1)
    for name, items in lists.items():
        depth = 1 if name == "beads" else 2
        text = text.replace(_string(marker + name), _list(items, depth), 1)
    return text


def _list(items: list[dict[str, Any]], depth: int) -> str:
    """A list of flat dicts (values: scalars or lists of scalars) as json's indent=1 lays it out at ``depth``."""
    if not items:
        return "[]"
    inner, key_pad = " " * (depth + 1), " " * (depth + 2)
    keys: dict[str, str] = {}  # each key's line start, encoded once
    opening, closing, between = f"{inner}{{\n", f"\n{inner}}}", ",\n"
    rows = []
    for item in items:
        if not item:
            rows.append(f"{inner}{{}}")
            continue
        fields = []
        for k, v in item.items():
            start = keys.get(k) or keys.setdefault(k, f"{key_pad}{_string(k)}: ")
            fields.append(start + (_scalar(v) if v.__class__ is not list else _nested(v, depth + 2)))
        rows.append(opening + between.join(fields) + closing)
    return "[\n" + between.join(rows) + f"\n{' ' * depth}]"


def _nested(value: Any, depth: int) -> str:
    if isinstance(value, list):
        if not value:
            return "[]"
        pad = " " * (depth + 1)
        return "[\n" + ",\n".join(pad + _scalar(v) for v in value) + f"\n{' ' * depth}]"
    return _scalar(value)


def _scalar(value: Any) -> str:
    if value.__class__ is str:
        return _string(value)
    if value.__class__ is int:
        return int.__repr__(value)
    if value.__class__ is float and math.isfinite(value):
        return float.__repr__(value)
    return json.dumps(value, ensure_ascii=False)  # anything rarer: as json writes it


_string = json.encoder.encode_basestring  # json's own (C) encoder for ensure_ascii=False
