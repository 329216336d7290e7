"""Check the real-omission gold of the MAC-Dev chapters (corpora/mac-dev-zh-en/omissions/00N.json).

The files hold only indexes and character spans into the shared Chinese chapters (../shared is copyrighted text we
may measure but not copy), so the shape checks run everywhere and the range checks skip when ../shared is missing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "corpora" / "mac-dev-zh-en" / "omissions"
FILES = sorted(GOLD.glob("[0-9][0-9][0-9].json"))
KEYS = {"corpus", "document", "source", "method", "sentences", "clauses"}
CERTAINTY = {"certain", "doubtful"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_NULL_BEAD = re.compile(r"^\[(\d+)\]:\[\]$")


def shape_problems(obj: object, name: str) -> list[str]:
    """Everything wrong with one gold file's structure, without looking at the Chinese text."""
    if not isinstance(obj, dict):
        return [f"{name}: top level is not an object"]
    out = []
    if set(obj) != KEYS:
        out.append(f"{name}: keys {sorted(obj)} != {sorted(KEYS)}")
    if obj.get("corpus") != "mac-dev-zh-en" or obj.get("source") != "zh":
        out.append(f"{name}: corpus/source must be mac-dev-zh-en/zh")
    if obj.get("document") != name:
        out.append(f"{name}: document {obj.get('document')!r} does not match the file name")
    if not isinstance(obj.get("method"), str) or not obj.get("method"):
        out.append(f"{name}: method must be a non-empty string")
    for kind, keys in (("sentences", {"zh", "certainty", "note"}), ("clauses", {"zh", "span", "certainty", "note"})):
        items = obj.get(kind)
        if not isinstance(items, list):
            out.append(f"{name}: {kind} is not a list")
            continue
        for k, item in enumerate(items):
            where = f"{name}: {kind}[{k}]"
            if not isinstance(item, dict) or set(item) != keys:
                out.append(f"{where}: keys must be {sorted(keys)}")
                continue
            if not isinstance(item["zh"], int) or isinstance(item["zh"], bool) or item["zh"] < 0:
                out.append(f"{where}: zh must be a non-negative integer")
            if item["certainty"] not in CERTAINTY:
                out.append(f"{where}: certainty must be one of {sorted(CERTAINTY)}")
            if not isinstance(item["note"], str) or not item["note"].strip():
                out.append(f"{where}: note must be a non-empty string")
            elif _CJK.search(item["note"]):
                out.append(f"{where}: note contains Chinese text (store indexes and spans, never the text)")
            if kind == "clauses":
                span = item["span"]
                if not (isinstance(span, list) and len(span) == 2 and all(type(x) is int for x in span)
                        and 0 <= span[0] < span[1]):
                    out.append(f"{where}: span must be [start, end) with 0 <= start < end")
    if out:
        return out
    sentences = [s["zh"] for s in obj["sentences"]]
    if len(sentences) != len(set(sentences)):
        out.append(f"{name}: a sentence is listed twice")
    for c in obj["clauses"]:
        if c["zh"] in sentences:
            out.append(f"{name}: sentence {c['zh']} is a whole-sentence omission and also has a clause")
    spans = sorted((c["zh"], *c["span"]) for c in obj["clauses"])
    for (z1, _, e1), (z2, s2, _) in zip(spans, spans[1:]):
        if z1 == z2 and s2 < e1:
            out.append(f"{name}: clause spans overlap in sentence {z1}")
    return out


def text_problems(obj: dict, name: str, zh: list[str], null_beads: list[int]) -> list[str]:
    """Everything wrong with one (well-shaped) gold file against its Chinese chapter and gold alignment."""
    out = []
    for item in obj["sentences"] + obj["clauses"]:
        if item["zh"] >= len(zh):
            out.append(f"{name}: zh {item['zh']} out of range (the chapter has {len(zh)} sentences)")
    for c in obj["clauses"]:
        if c["zh"] >= len(zh):
            continue
        line, (start, end) = zh[c["zh"]], c["span"]
        if end > len(line):
            out.append(f"{name}: span {c['span']} runs past the end of sentence {c['zh']} ({len(line)} chars)")
        elif line[start].isspace() or line[end - 1].isspace():
            out.append(f"{name}: span {c['span']} of sentence {c['zh']} starts or ends in whitespace")
    listed = {s["zh"] for s in obj["sentences"]}
    for i in null_beads:
        if i not in listed:
            out.append(f"{name}: gold null bead [{i}]:[] is missing from the sentences")
    return out


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_gold_files_exist():
    assert [p.stem for p in FILES][:3] == ["001", "002", "003"], f"gold files missing in {GOLD}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_shape(path):
    assert shape_problems(_load(path), path.stem) == []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_against_shared_chapter(path, shared):
    corpus = shared / "corpora" / "mac-dev-zh-en"
    if not corpus.is_dir():
        pytest.skip(f"{corpus} not found: the MAC-Dev chapters are missing from ../shared")
    obj = _load(path)
    assert shape_problems(obj, path.stem) == []
    zh = (corpus / "zh" / path.stem).read_text(encoding="utf-8").splitlines()
    align = (corpus / "gold" / f"{path.stem}.align").read_text(encoding="utf-8").split()
    null_beads = [int(m.group(1)) for m in map(_NULL_BEAD.match, align) if m]
    assert text_problems(obj, path.stem, zh, null_beads) == []


def _good() -> dict:
    return {"corpus": "mac-dev-zh-en", "document": "009", "source": "zh", "method": "test",
            "sentences": [{"zh": 1, "certainty": "certain", "note": "a null bead"}],
            "clauses": [{"zh": 0, "span": [3, 5], "certainty": "doubtful", "note": "a place name"}]}


def test_checks_accept_a_good_file_and_catch_bad_ones():
    zh = ["ab cd ef", "whole"]
    assert shape_problems(_good(), "009") == [] and text_problems(_good(), "009", zh, [1]) == []
    bad = _good()
    bad["clauses"].append({"zh": 0, "span": [4, 6], "certainty": "sure", "note": "x"})
    assert any("certainty" in p for p in shape_problems(bad, "009"))
    bad["clauses"][-1]["certainty"] = "certain"
    assert any("overlap" in p for p in shape_problems(bad, "009"))
    bad = _good()
    bad["sentences"].append({"zh": 1, "certainty": "certain", "note": "again"})
    bad["clauses"].append({"zh": 1, "span": [0, 2], "certainty": "certain", "note": "also"})
    assert len(shape_problems(bad, "009")) == 2
    bad = _good()
    bad["clauses"][0]["note"] = "\u4e2d\u6587"
    assert any("Chinese" in p for p in shape_problems(bad, "009"))
    for span, word in (([2, 9], "past the end"), ([2, 5], "whitespace")):
        bad = _good()
        bad["clauses"][0]["span"] = span
        assert any(word in p for p in text_problems(bad, "009", zh, [1]))
    assert any("null bead [5]" in p for p in text_problems(_good(), "009", zh + ["", "", ""], [1, 5]))
    assert any("out of range" in p for p in text_problems(_good(), "009", zh[:1], []))
