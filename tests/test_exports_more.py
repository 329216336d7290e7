"""XLSX, XLIFF 1.2/2.1, Moses and SRT outputs, and the unit filters (--min-score, --drop-identical)."""

from __future__ import annotations

import os
import re
import shutil
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from aligner.cli import main
from aligner.confidence import bead_confidence
from aligner.errors import InputError
from aligner.export import ALL_FORMATS, UnitFilter, write_outputs
from aligner.model import Alignment, Bead, Sentence

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "corpora" / "example"
sys.path.insert(0, str(Path(__file__).parent))
import test_omegat  # noqa: E402  (how OmegaT is run headless)


def alignment(timings: bool = False) -> Alignment:
    """Four beads: a 1-1, a 2-1, an omission (1-0) and a 1-1 whose two sides are the same text."""
    zh = ["今天天气很好。", "我们去公园。", "公园里人很多。", "=SUM(A1:A3)", "v2.0 "]
    en = ["The weather is nice today.", "We go to the park.", "=SUM(A1:A3)"]
    zh_s = [Sentence(t.strip(), 0, (2.0 * i, 2.0 * i + 1.5) if timings else None) for i, t in enumerate(zh[:4])]
    en_s = [Sentence(t, 0) for t in en]
    beads = [Bead((0,), (0,), 0.42), Bead((1, 2), (1,), 0.05), Bead((3,), (2,), 0.3)]
    return Alignment(zh=zh_s[:4], en=en_s, beads=[beads[0], beads[1], beads[2]], signature={"aligner": "test"})


def align_texts(tmp_path: Path, src: str, tgt: str, formats: str, prefix: str = "out"):
    """``aligner align`` (hash encoder) of two texts written to files; the click result."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(src, encoding="utf-8")
    b.write_text(tgt, encoding="utf-8")
    return CliRunner().invoke(main, ["align", str(a), str(b), "--encoder", "hash", "--no-cache", "-q",
                                     "-o", str(tmp_path / prefix), "--formats", formats])


def units_of(path: Path) -> list[tuple[str, str]]:
    tree = etree.parse(str(path))
    return [tuple(tuv.findtext("seg") for tuv in tu.iter("tuv")) for tu in tree.iter("tu")]


# --- the unit filters ----------------------------------------------------------------------------------------

def test_tmx_min_score_and_drop_identical(tmp_path: Path) -> None:
    write_outputs(alignment(), str(tmp_path / "all"), ["tmx"])
    assert len(units_of(tmp_path / "all.tmx")) == 3
    write_outputs(alignment(), str(tmp_path / "min"), ["tmx"], units=UnitFilter(min_score=0.1))
    assert [zh for zh, _ in units_of(tmp_path / "min.tmx")] == ["今天天气很好。", "=SUM(A1:A3)"]
    write_outputs(alignment(), str(tmp_path / "same"), ["tmx"], units=UnitFilter(drop_identical=True))
    assert "=SUM(A1:A3)" not in {zh for zh, _ in units_of(tmp_path / "same.tmx")}


def test_unit_filter_identical_ignores_whitespace_only() -> None:
    a = Alignment(zh=[Sentence("a  b", 0), Sentence("x", 0)], en=[Sentence("a b", 0), Sentence("X", 0)],
                  beads=[Bead((0,), (0,), 0.0), Bead((1,), (1,), 0.0)], src_lang="de", tgt_lang="en")
    assert [src for _, src, _ in UnitFilter(drop_identical=True).units(a)] == ["x"]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "0.1", True])
def test_unit_filter_refuses_a_non_number(bad) -> None:
    with pytest.raises(ValueError, match="min_score"):
        UnitFilter(min_score=bad)


def test_cli_min_score_and_drop_identical(tmp_path: Path) -> None:
    zh, en = EXAMPLE / "example.zh.txt", EXAMPLE / "example.en.txt"
    args = ["align", str(zh), str(en), "--encoder", "hash", "--no-cache", "-q", "--formats", "tmx,tsv"]
    assert CliRunner().invoke(main, [*args, "-o", str(tmp_path / "all")]).exit_code == 0
    result = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "min"), "--min-score", "0.1"])
    assert result.exit_code == 0, result.output
    scores = [float(tu.find("prop[@type='x-score']").text) for tu in etree.parse(str(tmp_path / "min.tmx")).iter("tu")]
    assert scores and min(scores) >= 0.1 and len(scores) < len(units_of(tmp_path / "all.tmx"))
    # the TSV keeps every bead: it is for review, not a translation memory
    assert (tmp_path / "min.tsv").read_bytes() == (tmp_path / "all.tsv").read_bytes()
    result = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "bad"), "--min-score", "nan"])
    assert result.exit_code == 2 and not list(tmp_path.glob("bad.*"))


# --- XLSX ----------------------------------------------------------------------------------------------------

def test_xlsx_opens_with_the_expected_cells(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    write_outputs(alignment(), str(tmp_path / "book"), ["xlsx"])
    sheet = openpyxl.load_workbook(tmp_path / "book.xlsx").active
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
    confidence = bead_confidence(alignment())
    assert rows[0] == ("zh", "en", "score", "confidence", "bead", "flags")
    assert rows[1] == ("今天天气很好。", "The weather is nice today.", 0.42, confidence[0], "1-1", None)
    assert rows[2][:5] == ("我们去公园。公园里人很多。", "We go to the park.", 0.05, confidence[1], "2-1")
    assert rows[3][0] == "=SUM(A1:A3)"  # text, not a formula
    assert sheet.freeze_panes == "A2"
    assert sheet["A2"].alignment.wrap_text
    assert sheet.column_dimensions["A"].width > 30


def test_xlsx_is_reproducible_with_source_date_epoch(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    write_outputs(alignment(), str(tmp_path / "a"), ["xlsx"])
    write_outputs(alignment(), str(tmp_path / "b"), ["xlsx"])
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "soon")
    with pytest.raises(InputError, match="SOURCE_DATE_EPOCH"):
        write_outputs(alignment(), str(tmp_path / "c"), ["xlsx"])


def test_xlsx_has_the_flags_when_a_review_is_written(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    result = align_texts(tmp_path, "今天天气很好。我们去公园散步。公园里有很多人。孩子们在草地上玩。老人们在下棋。\n",
                         "The weather is nice today. The park was crowded.\n", "xlsx,review-json")
    assert result.exit_code == 0, result.output
    import json

    flagged = {f["bead"] for f in json.loads((tmp_path / "out.review.json").read_text())["flags"]
               if f.get("bead") is not None}
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx").active
    cells = {row - 2: sheet.cell(row, 6).value for row in range(2, sheet.max_row + 1)}
    assert flagged and all(cells[k] for k in flagged)


# --- XLIFF ---------------------------------------------------------------------------------------------------

def example_alignment(tmp_path: Path, formats: str) -> Path:
    result = CliRunner().invoke(main, ["align", str(EXAMPLE / "example.zh.txt"), str(EXAMPLE / "example.en.txt"),
                                       "--encoder", "hash", "--no-cache", "-q", "-o", str(tmp_path / "ex"),
                                       "--formats", f"tmx,{formats}"])
    assert result.exit_code == 0, result.output
    return tmp_path / "ex"


def test_xliff12_round_trips_through_translate_toolkit(tmp_path: Path) -> None:
    xliff = pytest.importorskip("translate.storage.xliff")
    prefix = example_alignment(tmp_path, "xliff")
    store = xliff.xlifffile.parsefile(str(prefix) + ".xlf")
    assert (store.getsourcelanguage(), store.gettargetlanguage()) == ("zh-CN", "en")
    assert [(u.source, u.target) for u in store.units] == units_of(Path(str(prefix) + ".tmx"))
    root = etree.parse(str(prefix) + ".xlf").getroot()
    assert root.get("version") == "1.2"
    assert {t.get("state") for t in root.iter("{urn:oasis:names:tc:xliff:document:1.2}target")} == {"translated"}


def test_xliff21_round_trips_through_translate_toolkit(tmp_path: Path) -> None:
    xliff2 = pytest.importorskip("translate.storage.xliff2")
    prefix = example_alignment(tmp_path, "xliff2")
    path = Path(str(prefix) + ".xliff2.xlf")
    store = xliff2.Xliff2File.parsefile(str(path))
    assert (store.getsourcelanguage(), store.gettargetlanguage()) == ("zh-CN", "en")
    assert [(u.source, u.target) for u in store.units] == units_of(Path(str(prefix) + ".tmx"))
    root = etree.parse(str(path)).getroot()
    assert root.get("version") == "2.1"
    assert {s.get("state") for s in root.iter("{urn:oasis:names:tc:xliff:document:2.0}segment")} == {"translated"}


@pytest.mark.skipif(test_omegat.OMEGAT is None, reason="OmegaT not installed: apt-get install omegat")
def test_omegat_imports_the_xliff(tmp_path: Path) -> None:
    prefix = example_alignment(tmp_path, "xliff")
    xlf = Path(str(prefix) + ".xlf")
    n_units = len(units_of(Path(str(prefix) + ".tmx")))
    project = tmp_path / "project"
    for sub in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (project / sub).mkdir(parents=True)
    (project / "omegat.project").write_text(test_omegat.PROJECT.format(src="zh-CN", tgt="en"), encoding="utf-8")
    shutil.copyfile(xlf, project / "source" / "doc.xlf")
    log = test_omegat.run_omegat(project, tmp_path / "omegat-config")
    complaints = [line for line in log.splitlines()
                  if re.search(r"\b(Warning|Error|SEVERE)\b|Exception", line)]
    assert not complaints, "\n".join(complaints)
    total, _ = test_omegat.segment_stats(project)
    assert total == n_units  # OmegaT read one segment per unit
    written = etree.parse(str(project / "target" / "doc.xlf")).getroot()
    assert written.tag == "{urn:oasis:names:tc:xliff:document:1.2}xliff"


# --- bead confidence in XLIFF and XLSX ------------------------------------------------------------------------

X12, X2, MDA = ("{urn:oasis:names:tc:xliff:document:1.2}", "{urn:oasis:names:tc:xliff:document:2.0}",
                "{urn:oasis:names:tc:xliff:metadata:2.0}")


def _xliff_confidences(prefix: Path) -> tuple[list[str], list[str]]:
    """Each unit's confidence in the XLIFF 1.2 (al:confidence) and 2.1 (mda:meta type=confidence) files."""
    v12 = [u.get("{urn:aligner:xliff:1.2}confidence")
           for u in etree.parse(f"{prefix}.xlf").getroot().iter(X12 + "trans-unit")]
    v21 = [m.text for m in etree.parse(f"{prefix}.xliff2.xlf").getroot().iter(MDA + "meta")
           if m.get("type") == "confidence"]
    return v12, v21


def test_xliff_and_xlsx_carry_the_tmx_confidence(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    prefix = example_alignment(tmp_path, "xliff,xliff2,xlsx")
    tmx = [p.text for p in etree.parse(f"{prefix}.tmx").getroot().iter("prop") if p.get("type") == "x-confidence"]
    assert len(tmx) > 3 and _xliff_confidences(prefix) == (tmx, tmx)
    unit = next(etree.parse(f"{prefix}.xliff2.xlf").getroot().iter(X2 + "unit"))
    assert [child.tag for child in unit] == [MDA + "metadata", X2 + "notes", X2 + "segment"]  # the core's order
    sheet = openpyxl.load_workbook(f"{prefix}.xlsx").active
    rated = [f"{row[3]:.4f}" for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] and row[1]]
    assert rated == tmx
    first = next(etree.parse(f"{prefix}.xlf").getroot().iter(X12 + "trans-unit")).find(X12 + "note")
    assert f"confidence {tmx[0]}," in first.text  # in words, for the tools that show notes (OmegaT)


def test_min_confidence_filters_xliff_and_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    everything = example_alignment(tmp_path, "xliff,xliff2,xlsx")
    all12, _ = _xliff_confidences(everything)
    cut = sorted(all12)[len(all12) // 2]  # about half the units stay
    result = CliRunner().invoke(main, ["align", str(EXAMPLE / "example.zh.txt"), str(EXAMPLE / "example.en.txt"),
                                       "--encoder", "hash", "--no-cache", "-q", "-o", str(tmp_path / "cut"),
                                       "--formats", "xliff,xliff2,xlsx", "--min-confidence", cut])
    assert result.exit_code == 0, result.output
    kept12, kept21 = _xliff_confidences(tmp_path / "cut")
    assert kept12 == kept21 == [p for p in all12 if float(p) >= float(cut)] and len(kept12) < len(all12)
    rows = list(openpyxl.load_workbook(tmp_path / "cut.xlsx").active.iter_rows(min_row=2, values_only=True))
    all_rows = list(openpyxl.load_workbook(f"{everything}.xlsx").active.iter_rows(min_row=2, values_only=True))
    assert rows == [row for row in all_rows if row[3] >= float(cut)] and len(rows) < len(all_rows)


def test_the_xliff12_confidence_attribute_is_declared_for_strict_validation(tmp_path: Path) -> None:
    """XLIFF 1.2's strict schema admits an attribute of another namespace on <trans-unit> only when a schema
    declares it (processContents="strict"): ours does, and refuses a value that is not a probability."""
    from importlib.resources import files

    ours = files("aligner.export") / "schemas" / "aligner-xliff12.xsd"
    wildcard = etree.XMLSchema(etree.fromstring(f"""
        <xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:test" elementFormDefault="qualified">
          <xsd:import namespace="urn:aligner:xliff:1.2" schemaLocation="{Path(str(ours)).as_uri()}"/>
          <xsd:element name="unit"><xsd:complexType>
            <xsd:anyAttribute namespace="##other" processContents="strict"/>
          </xsd:complexType></xsd:element>
        </xsd:schema>""".encode()))
    prefix = example_alignment(tmp_path, "xliff")
    for unit in etree.parse(f"{prefix}.xlf").getroot().iter(X12 + "trans-unit"):
        probe = etree.Element("{urn:test}unit", {k: v for k, v in unit.attrib.items() if k.startswith("{urn:aligner")})
        assert len(probe.attrib) == 1 and wildcard.validate(probe), wildcard.error_log
    assert not wildcard.validate(etree.Element("{urn:test}unit", {"{urn:aligner:xliff:1.2}confidence": "1.5"}))
    assert not wildcard.validate(etree.Element("{urn:test}unit", {"{urn:aligner:xliff:1.2}colour": "red"}))


# --- Moses ---------------------------------------------------------------------------------------------------

def test_moses_files_have_equal_line_counts_and_leave_out_null_beads(tmp_path: Path) -> None:
    paths = write_outputs(alignment(), str(tmp_path / "corpus"), ["moses"])
    assert paths == [str(tmp_path / "corpus.zh"), str(tmp_path / "corpus.en")]
    zh = (tmp_path / "corpus.zh").read_text(encoding="utf-8").splitlines()
    en = (tmp_path / "corpus.en").read_text(encoding="utf-8").splitlines()
    assert len(zh) == len(en) == 3
    assert zh[1] == "我们去公园。公园里人很多。" and en[1] == "We go to the park."


def test_moses_files_are_named_by_the_languages_read(tmp_path: Path) -> None:
    result = align_texts(tmp_path, "Der Hund schläft. Die Katze spielt im Garten.\n",
                         "The dog sleeps. The cat plays in the garden.\n", "moses", prefix="c")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("c.*")) == ["c.de", "c.en"]
    assert len((tmp_path / "c.de").read_text().splitlines()) == len((tmp_path / "c.en").read_text().splitlines())


def test_moses_output_never_overwrites_an_input(tmp_path: Path) -> None:
    # book.zh gives the default prefix "book", and Moses would write book.zh
    zh, en = tmp_path / "book.zh", tmp_path / "book.txt"
    zh.write_text("今天天气很好。\n", encoding="utf-8")
    en.write_text("The weather is nice today.\n", encoding="utf-8")
    before = zh.read_bytes()
    result = CliRunner().invoke(main, ["align", str(zh), str(en), "--encoder", "hash", "--no-cache",
                                       "--formats", "moses"])
    assert result.exit_code == 2 and "would overwrite the input" in result.output
    assert zh.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["book.txt", "book.zh"]


# --- SRT -----------------------------------------------------------------------------------------------------

def test_srt_from_cue_timings(tmp_path: Path) -> None:
    srt = pytest.importorskip("srt")
    write_outputs(alignment(timings=True), str(tmp_path / "film"), ["srt"])
    cues = list(srt.parse((tmp_path / "film.srt").read_text(encoding="utf-8")))
    assert [c.content.split("\n") for c in cues] == [
        ["今天天气很好。", "The weather is nice today."],
        ["我们去公园。公园里人很多。", "We go to the park."],
        ["=SUM(A1:A3)", "=SUM(A1:A3)"]]
    assert (cues[1].start, cues[1].end) == (timedelta(seconds=2), timedelta(seconds=5.5))


def test_srt_without_timings_is_refused_before_the_work(tmp_path: Path, monkeypatch) -> None:
    with pytest.raises(InputError, match="no cue timings"):
        write_outputs(alignment(), str(tmp_path / "film"), ["srt", "tmx"])
    assert os.listdir(tmp_path) == []
    import aligner.api

    monkeypatch.setattr(aligner.api, "align_sentences", lambda *a, **k: pytest.fail("aligned anyway"))
    result = CliRunner().invoke(main, ["align", str(EXAMPLE / "example.zh.txt"), str(EXAMPLE / "example.en.txt"),
                                       "--encoder", "hash", "-o", str(tmp_path / "x"), "--formats", "srt,tmx"])
    assert result.exit_code == 2 and result.output.count("aligner: error:") == 1
    assert os.listdir(tmp_path) == []


# --- the format list -----------------------------------------------------------------------------------------

def test_help_and_readme_list_every_format() -> None:
    help_text = " ".join(CliRunner().invoke(main, ["align", "--help"]).output.split())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    formats_doc = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    for fmt in ALL_FORMATS:
        assert re.search(rf"\b{re.escape(fmt)}\b", help_text), fmt
        assert f"`{fmt}`" in readme, fmt
        assert f"`{fmt}`" in formats_doc, fmt


def test_subtitle_pair_in_aligned_bilingual_srt_out(tmp_path: Path) -> None:
    """The SRT reader's cue timings reach the SRT exporter: the Chinese cues' timings, both texts."""
    srt = pytest.importorskip("srt")
    zh = [(1.0, 2.5, "今天天气很好。"), (3.0, 4.0, "我们去公园散步。")]
    en = [(1.1, 2.4, "The weather is nice today."), (3.1, 4.1, "We went for a walk in the park.")]
    for name, cues in (("film.zh.srt", zh), ("film.en.srt", en)):
        (tmp_path / name).write_text(srt.compose([srt.Subtitle(k + 1, timedelta(seconds=a), timedelta(seconds=b), t)
                                                  for k, (a, b, t) in enumerate(cues)]), encoding="utf-8")
    result = CliRunner().invoke(main, ["align", str(tmp_path / "film.zh.srt"), str(tmp_path / "film.en.srt"), "-q",
                                       "--encoder", "hash", "--src-lang", "zh", "--tgt-lang", "en",
                                       "-o", str(tmp_path / "out"), "--formats", "srt"])
    assert result.exit_code == 0, result.output
    out = list(srt.parse((tmp_path / "out.srt").read_text(encoding="utf-8")))
    assert [(c.start.total_seconds(), c.end.total_seconds()) for c in out] == [(1.0, 2.5), (3.0, 4.0)]
    assert [c.content.splitlines() for c in out] == [[zh[0][2], en[0][2]], [zh[1][2], en[1][2]]]
