"""Validate the project's own bilingual test documents and their gold alignments (corpora/)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ZH_EN = ROOT / "corpora" / "zh-en"
EXAMPLE = ROOT / "corpora" / "example"

_BEAD = re.compile(r"^\[([0-9, ]*)\]:\[([0-9, ]*)\]$")
# Common characters that exist only in one script; enough to tell a whole document's script.
_TRADITIONAL_ONLY = set("這說們個來時後會還點為將對從開關過麼樣見給經長問聽電話當頭讓與書車門東帶")
_SIMPLIFIED_ONLY = set("这说们个来时后会还点为将对从开关过么样见给经长问听电话当头让与书车门东带")


def _indexes(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def parse_beads(path: Path) -> list[tuple[list[int], list[int]]]:
    """A tiny local reader for `[i, j]:[k]` bead lines (0-based sentence indexes, source first)."""
    beads = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        m = _BEAD.match(line)
        assert m, f"{path.name}:{n}: not a bead line: {line!r}"
        src, tgt = _indexes(m.group(1)), _indexes(m.group(2))
        assert src or tgt, f"{path.name}:{n}: empty bead"
        beads.append((src, tgt))
    return beads


def _lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _check_cover(beads, n_src: int, n_tgt: int, name: str) -> None:
    for side, total in ((0, n_src), (1, n_tgt)):
        # Read in bead order, the indexes must be exactly 0..total-1: every sentence in exactly one
        # bead, beads monotone, and each bead's indexes consecutive.
        seen = [i for bead in beads for i in bead[side]]
        assert seen == list(range(total)), (
            f"{name}: side {side} indexes are not 0..{total - 1}, each once and in order"
        )


def _documents() -> list[str]:
    return sorted(p.stem for p in ZH_EN.glob("*.beads"))


def _bead_type(bead) -> str:
    return f"{len(bead[0])}-{len(bead[1])}"


@pytest.mark.parametrize("name", _documents())
def test_presplit_document(name):
    zh, en = _lines(ZH_EN / f"{name}.zh"), _lines(ZH_EN / f"{name}.en")
    assert all(s.strip() == s and s for s in zh), f"{name}.zh: blank or padded line"
    assert all(s.strip() == s and s for s in en), f"{name}.en: blank or padded line"
    beads = parse_beads(ZH_EN / f"{name}.beads")
    _check_cover(beads, len(zh), len(en), name)


def test_example_document():
    from aligner.readers import read_document
    from aligner.segment import segment

    zh = segment(read_document(str(EXAMPLE / "example.zh.txt")).paragraphs, "zh")
    en = segment(read_document(str(EXAMPLE / "example.en.txt")).paragraphs, "en")
    beads = parse_beads(EXAMPLE / "example.beads")
    _check_cover(beads, len(zh), len(en), "example")
    types = Counter(_bead_type(b) for b in beads)
    assert types["1-0"] >= 1


def test_corpus_size_and_variety():
    names = _documents()
    assert len(names) >= 3
    n_zh = sum(len(_lines(ZH_EN / f"{n}.zh")) for n in names)
    n_en = sum(len(_lines(ZH_EN / f"{n}.en")) for n in names)
    assert n_zh >= 300 and n_en >= 300
    types = Counter(_bead_type(b) for n in names for b in parse_beads(ZH_EN / f"{n}.beads"))
    for kind in ("1-1", "1-2", "2-1", "2-2", "1-0", "0-1"):
        assert types[kind] >= 1, f"no {kind} bead in the corpus"


def test_has_traditional_and_simplified_documents():
    scripts = {}
    for name in _documents():
        text = (ZH_EN / f"{name}.zh").read_text(encoding="utf-8")
        trad = sum(ch in _TRADITIONAL_ONLY for ch in text)
        simp = sum(ch in _SIMPLIFIED_ONLY for ch in text)
        scripts[name] = "Hant" if trad > simp else "Hans"
    assert "Hant" in scripts.values(), scripts
    assert "Hans" in scripts.values(), scripts
