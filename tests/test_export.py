"""Exporters: TMX validity and escaping, TSV/beads shape, JSON round trip, atomic writing."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from aligner.confidence import bead_confidence
from aligner.errors import InputError
from aligner.evaluate import read_beads
from aligner.export import DEFAULT_FORMATS, load_alignment, write_outputs
from aligner.export.beads import BeadsExporter
from aligner.export.json import JsonExporter
from aligner.export.tmx import TmxExporter, xml_safe
from aligner.export.tsv import TsvExporter
from aligner.model import Alignment, Bead, Sentence

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DTD_PATH = SHARED / "schemas" / "tmx14.dtd"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

NASTY = "A&B <b>x</b> \"q\" 'a' 😀 中文，繁體\x00\x01\x08\x0b\x0c\x1f\ufffe\uffff\ud800\ttab\nnl\rcr"
NASTY_CLEAN = "A&B <b>x</b> \"q\" 'a' 😀 中文，繁體\ttab\nnl\rcr"


@pytest.fixture(scope="module")
def dtd() -> etree.DTD:
    if not DTD_PATH.is_file():
        pytest.skip(f"TMX DTD not found at {DTD_PATH} (the shared/ checkout beside the repository)")
    return etree.DTD(str(DTD_PATH))


def make_alignment(locale: str = "zh-CN") -> Alignment:
    zh = [Sentence("第一句。", 0), Sentence("第二句。", 0), Sentence(NASTY, 1), Sentence("多余。", 1)]
    en = [Sentence("First and second.", 0), Sentence(NASTY, 1), Sentence("Extra.", 2)]
    beads = [Bead((0, 1), (0,), 0.87312), Bead((2,), (1,), 0.5), Bead((3,), (), 0.0), Bead((), (2,), 0.0)]
    return Alignment(zh, en, beads, src_locale=locale,
                     signature={"aligner": "0.1.0", "encoder": "test:1", "params": {"max_bead": 4}})


def parse_tmx(data: bytes) -> etree._ElementTree:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    return etree.ElementTree(etree.fromstring(data, parser))


def tu_texts(tree: etree._ElementTree) -> list[tuple[str, str]]:
    return [tuple(seg.text or "" for seg in tu.iter("seg")) for tu in tree.iter("tu")]


# --- TMX ---------------------------------------------------------------------------------------

def test_tmx_valid_and_header(dtd: etree.DTD) -> None:
    data = TmxExporter().render(make_alignment("zh-TW"))
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">")
    tree = parse_tmx(data)
    assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    header = tree.find("header")
    assert tree.getroot().get("version") == "1.4"
    assert header.get("srclang") == "zh-TW"
    assert header.get("creationtool") == "aligner" and header.get("creationtoolversion") == "0.1.0"
    assert (header.get("datatype"), header.get("segtype"), header.get("adminlang"), header.get("o-tmf")) == \
        ("plaintext", "sentence", "en", "aligner")
    assert re.fullmatch(r"\d{8}T\d{6}Z", header.get("creationdate"))
    assert header.findtext("prop[@type='x-aligner-signature']") == "aligner:0.1.0|encoder:test:1|max_bead:4"
    langs = [tuv.get(XML_LANG) for tuv in tree.iter("tuv")]
    assert langs == ["zh-TW", "en"] * 2


def test_tmx_skips_null_beads_and_records_bead(dtd: etree.DTD) -> None:
    tree = parse_tmx(TmxExporter().render(make_alignment()))
    tus = tree.findall("body/tu")
    assert len(tus) == 2
    first = tus[0]
    assert first.findtext("prop[@type='x-bead']") == "2-1"
    assert first.findtext("prop[@type='x-score']") == "0.8731"
    assert first.findtext("prop[@type='x-zh-sentences']") == "0,1"


def test_tmx_text_round_trip() -> None:
    tree = parse_tmx(TmxExporter().render(make_alignment()))
    assert tu_texts(tree) == [("第一句。第二句。", "First and second."), (NASTY_CLEAN, NASTY_CLEAN)]


def test_tmx_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    a = make_alignment()
    assert TmxExporter().render(a) == TmxExporter().render(a)
    assert b'creationdate="19700101T000000Z"' in TmxExporter().render(a)


# --- random alignments -------------------------------------------------------------------------

CHARS = st.one_of(st.characters(), st.sampled_from(list("&<>\"'\t\n\r\x00\x01\x0b\x1c\x85\u2028\ufffe\uffff\ud800中文😀")))
TEXTS = st.text(CHARS, max_size=12)
BEAD_SHAPES = st.sampled_from([(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (3, 1), (1, 3)])


@st.composite
def alignments(draw: st.DrawFn) -> Alignment:
    """A random monotone exact cover of both sides' sentences by beads."""
    shapes = draw(st.lists(BEAD_SHAPES, max_size=12))
    beads, i, j = [], 0, 0
    for a, b in shapes:
        score = draw(st.floats(-1, 1, allow_nan=False))
        beads.append(Bead(tuple(range(i, i + a)), tuple(range(j, j + b)), score))
        i, j = i + a, j + b

    def side(n: int) -> list[Sentence]:
        steps = draw(st.lists(st.booleans(), min_size=n, max_size=n))  # True: a new paragraph
        paragraphs = [sum(steps[:k + 1]) for k in range(n)]
        return [Sentence(draw(TEXTS), p) for p in paragraphs]

    return Alignment(side(i), side(j), beads, src_lang=draw(st.sampled_from(["zh", "en"])),
                     src_locale=draw(st.sampled_from(["zh-CN", "zh-TW"])),
                     signature={"aligner": "0.1.0", "encoder": draw(TEXTS), "params": {}})


@given(alignments())
@settings(max_examples=150, deadline=None)
def test_tmx_property(alignment: Alignment) -> None:
    tree = parse_tmx(TmxExporter().render(alignment))
    if DTD_PATH.is_file():
        dtd = etree.DTD(str(DTD_PATH))
        assert dtd.validate(tree), dtd.error_log.filter_from_errors()
    expected = [tuple(map(xml_safe, alignment.text(b))) for b in alignment.beads if not b.is_null]
    assert tu_texts(tree) == expected


@given(alignments(), st.booleans())
@settings(max_examples=150, deadline=None)
def test_tsv_property(alignment: Alignment, header: bool) -> None:
    text = TsvExporter(header=header).render(alignment).decode("utf-8")
    lines = text.splitlines()
    assert text == "".join(line + "\n" for line in lines)  # only \n ends lines, and every line
    assert len(lines) == len(alignment.beads) + header
    for line, bead in zip(lines[header:], alignment.beads):
        cells = line.split("\t")
        assert len(cells) == 7
        assert cells[3] == bead.type
        assert 0 <= float(cells[6]) <= 1  # confidence
        zh_par, en_par = alignment.paragraphs(bead)
        assert cells[4:6] == ["" if zh_par is None else str(zh_par), "" if en_par is None else str(en_par)]
        if not bead.zh:
            assert cells[0] == ""


@given(alignments())
@settings(max_examples=150, deadline=None)
def test_beads_property(alignment: Alignment) -> None:
    lines = BeadsExporter().render(alignment).decode("ascii").splitlines()
    assert len(lines) == len(alignment.beads)
    zh, en = [], []
    for line in lines:
        m = re.fullmatch(r"\[([\d, ]*)\]:\[([\d, ]*)\]:(-?\d+\.\d{4})", line)
        assert m, line
        zh += [int(x) for x in m[1].split(", ") if x]
        en += [int(x) for x in m[2].split(", ") if x]
    assert zh == list(range(len(alignment.zh)))
    assert en == list(range(len(alignment.en)))


@given(alignments())
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_json_round_trip_property(alignment: Alignment) -> None:
    alignment.src_vectors = object()  # vectors are not exported, and not compared
    with tempfile.TemporaryDirectory() as d:
        prefix = os.path.join(d, "out")
        assert write_outputs(alignment, prefix, ["json"]) == [prefix + ".json"]
        assert load_alignment(prefix + ".json") == alignment


def test_beads_example(tmp_path: Path) -> None:
    alignment = make_alignment()
    assert BeadsExporter().render(alignment).decode().splitlines() == \
        ["[0, 1]:[0]:0.8731", "[2]:[1]:0.5000", "[3]:[]:0.0000", "[]:[2]:0.0000"]
    (path,) = write_outputs(alignment, str(tmp_path / "book"), ["beads"])
    assert read_beads(path) == [(b.zh, b.en) for b in alignment.beads]  # the evaluator reads it back


def test_tsv_example() -> None:
    alignment = make_alignment()
    lines = TsvExporter(header=True).render(alignment).decode().splitlines()
    p = [f"{x:.4f}" for x in bead_confidence(alignment)]
    assert lines[0] == "zh\ten\tscore\ttype\tzh_paragraph\ten_paragraph\tconfidence"
    assert lines[1] == f"第一句。第二句。\tFirst and second.\t0.8731\t2-1\t0\t0\t{p[0]}"
    assert lines[3] == f"多余。\t\t0.0000\t1-0\t1\t\t{p[2]}"
    assert lines[4] == f"\tExtra.\t0.0000\t0-1\t\t2\t{p[3]}"


# --- JSON loader errors ------------------------------------------------------------------------

@pytest.mark.parametrize("content", ["{not json", "[]", '{"src_lang": "zh"}', ""])
def test_load_alignment_bad(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(InputError, match=re.escape(str(path))):
        load_alignment(str(path))


def test_load_alignment_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_alignment(str(tmp_path / "nope.json"))


# --- write_outputs -----------------------------------------------------------------------------

def test_write_outputs_all_formats(tmp_path: Path) -> None:
    prefix = str(tmp_path / "book")
    paths = write_outputs(make_alignment(), prefix, list(DEFAULT_FORMATS), tsv_header=True)
    assert sorted(os.listdir(tmp_path)) == sorted(["book.tmx", "book.tsv", "book.beads", "book.json"])
    assert paths == [f"{prefix}.{ext}" for ext in ("tmx", "tsv", "beads", "json")]
    assert (tmp_path / "book.tsv").read_text(encoding="utf-8").startswith("zh\ten\t")


def test_write_outputs_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_write(self: JsonExporter, alignment: Alignment, fh, confidence=None) -> None:
        fh.write(b'{"half": ')
        raise RuntimeError("boom")

    monkeypatch.setattr(JsonExporter, "write", broken_write)
    prefix = tmp_path / "book"
    with pytest.raises(RuntimeError, match="boom"):
        write_outputs(make_alignment(), str(prefix), ["tmx", "tsv", "json", "beads"])
    assert list(tmp_path.glob("book.*")) == []
    assert os.listdir(tmp_path) == []  # no temporary files left either


def test_write_outputs_keeps_old_files_on_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "book.tsv").write_text("old")
    monkeypatch.setattr(TmxExporter, "pieces", lambda self, a, confidence=None: iter([1 / 0]))
    with pytest.raises(ZeroDivisionError):
        write_outputs(make_alignment(), str(tmp_path / "book"), ["tsv", "tmx"])
    assert os.listdir(tmp_path) == ["book.tsv"]
    assert (tmp_path / "book.tsv").read_text() == "old"


def test_write_outputs_missing_dir(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    with pytest.raises(InputError, match=f"{re.escape(str(missing))}: output directory does not exist"):
        write_outputs(make_alignment(), str(missing / "book"), ["tsv"])


def test_write_outputs_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="known: tmx, tsv, beads, json"):
        write_outputs(make_alignment(), str(tmp_path / "book"), ["tsv", "docx"])
    assert os.listdir(tmp_path) == []


def test_write_outputs_relative_prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert write_outputs(make_alignment(), "book", ["beads"]) == ["book.beads"]
    assert (tmp_path / "book.beads").is_file()
