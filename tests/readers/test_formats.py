"""The same bilingual text in every input format gives the same sentences, and so the same beads, as plain
text; the structure each format has (kinds, cue timings, skipped markup) is kept in the Document."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from aligner.api import align_sentences, read_pair
from aligner.cli import main
from aligner.readers import format_of, read_document, read_sides

from .fixtures import EN, MONOLINGUAL, ZH, write_srt, write_text, write_tmx, write_vtt, write_xliff


def beads_of(zh_path, en_path=None, **kwargs):
    src, tgt, sl, tl, _ = read_pair(str(zh_path), None if en_path is None else str(en_path), **kwargs)
    alignment = align_sentences(src, tgt, encoder="hash", src_lang=sl, tgt_lang=tl)
    return [s.text for s in src], [s.text for s in tgt], [(b.zh, b.en) for b in alignment.beads]


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    folder = tmp_path_factory.mktemp("plain")
    return beads_of(write_text(folder / "zh.txt", ZH), write_text(folder / "en.txt", EN))


@pytest.mark.parametrize("fmt", sorted(MONOLINGUAL))
def test_every_format_gives_the_beads_of_plain_text(fmt, plain, tmp_path):
    extension, write = MONOLINGUAL[fmt]
    zh, en = write(tmp_path / f"zh.{extension}", ZH), write(tmp_path / f"en.{extension}", EN)
    given = fmt if fmt == "text-blank" else None  # .txt is plain text unless told
    if given is None:
        assert format_of(str(zh)) == fmt
    assert beads_of(zh, en, input_format=given) == plain


@pytest.mark.parametrize("fmt", ["xliff-1.2", "xliff-2.0", "tmx"])
def test_a_bilingual_file_alone_gives_the_beads_of_plain_text(fmt, plain, tmp_path):
    path = write_tmx(tmp_path / "doc.tmx", ZH, EN) if fmt == "tmx" else \
        write_xliff(tmp_path / "doc.xlf", ZH, EN, version=fmt.split("-")[1])
    assert beads_of(path) == plain


def test_a_bilingual_file_gives_its_source_as_zh_file_and_its_target_as_en_file(plain, tmp_path):
    path = write_xliff(tmp_path / "doc.xlf", ZH, EN)
    assert beads_of(path, path) == plain
    assert beads_of(path, write_text(tmp_path / "en.txt", EN)) == plain


@pytest.mark.parametrize("order", ["interleaved", "chinese-first"])
def test_one_document_in_both_languages_is_split_by_script(order, plain, tmp_path):
    paras = [p for pair in zip(ZH, EN) for p in pair] if order == "interleaved" else ZH + EN
    assert beads_of(write_text(tmp_path / "both.txt", paras)) == plain


@pytest.mark.parametrize("fmt", ["srt", "vtt"])
def test_subtitles_are_cues_with_their_timings(fmt, plain, tmp_path):
    zh_sentences, en_sentences, beads = plain
    write = write_srt if fmt == "srt" else write_vtt
    zh, en = write(tmp_path / f"zh.{fmt}", zh_sentences), write(tmp_path / f"en.{fmt}", en_sentences)
    assert beads_of(zh, en) == plain
    doc = read_document(str(zh))
    assert doc.presplit == [[s] for s in zh_sentences]
    assert doc.timings[:2] == [(0.0, 1.5), (2.0, 3.5)] and set(doc.kinds) == {"cue"}


def test_kinds_and_skipped_markup_are_kept(tmp_path):
    extension, write = MONOLINGUAL["markdown"]
    doc = read_document(str(write(tmp_path / f"en.{extension}", EN)))
    assert doc.kinds == ["heading", "p", "item", "quote", "cell", "p"]
    kinds = {item.kind for item in doc.skipped}
    assert {"link", "image", "html", "code"} <= kinds
    assert any(item.text == "https://example.com/a_b.html?x=1" and item.at == 5 and item.inline
               for item in doc.skipped)
    for fmt, kinds in (("docx", ["heading", "p", "item", "quote", "cell", "p"]),
                       ("html", ["heading", "p", "item", "quote", "cell", "p"])):
        extension, write = MONOLINGUAL[fmt]
        doc = read_document(str(write(tmp_path / f"en.{extension}", EN)))
        assert doc.kinds == kinds
        assert [item.kind for item in doc.skipped] == (["header"] if fmt == "docx" else ["code"])
    pdf = read_document(str(MONOLINGUAL["pdf"][1](tmp_path / "en.pdf", EN)))
    assert [item.text for item in pdf.skipped if item.kind == "page-header"] == \
        ["The Small Town Book 小镇之书", "1", "The Small Town Book 小镇之书", "2"]


def test_text_blank_joins_wrapped_lines(tmp_path):
    path = MONOLINGUAL["text-blank"][1](tmp_path / "zh.txt", ZH)
    assert read_document(str(path)).paragraphs != ZH  # as plain text each line is a paragraph
    assert read_document(str(path), input_format="text-blank").paragraphs == ZH


def test_cli_single_file_and_input_format(tmp_path):
    path = write_xliff(tmp_path / "book.xlf", ZH, EN)
    result = CliRunner().invoke(main, ["align", str(path), "--encoder", "hash", "--no-cache", "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "book.tmx").exists() and not (tmp_path / "book.xlf.tmx").exists()
    # --input-format overrides the extension: read as plain text, the XML itself is the text
    result = CliRunner().invoke(main, ["align", str(path), "--input-format", "text", "--encoder", "hash",
                                       "--no-cache", "-q", "-o", str(tmp_path / "r"), "--formats", "json"])
    assert result.exit_code == 0, result.output
    source = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["source"]["sentences"]
    assert any("<source>" in s["text"] for s in source)


def test_help_lists_the_formats():
    result = CliRunner().invoke(main, ["align", "--help"])
    for fmt in ("text-blank", "markdown", "html", "docx", "odt", "epub", "pdf", "srt", "vtt", "xliff", "tmx"):
        assert fmt in result.output


def test_read_sides_names_the_two_sides(tmp_path):
    path = write_tmx(tmp_path / "doc.tmx", ZH, EN)
    (src_name, src), (tgt_name, tgt) = read_sides(str(path))
    assert src.paragraphs == ZH and tgt.paragraphs == EN and "source" in src_name and "target" in tgt_name


def test_an_untranslated_xliff_gives_its_source(plain, tmp_path):
    path = write_xliff(tmp_path / "new.xlf", ZH, [""] * len(ZH))
    assert beads_of(path, write_text(tmp_path / "en.txt", EN)) == plain
    result = CliRunner().invoke(main, ["align", str(path), "--encoder", "hash", "--no-cache"])
    assert result.exit_code == 2 and "(target side): no text to align" in result.stderr


def test_pdf_joins_a_paragraph_over_a_page_break_and_keeps_a_compound_hyphen(tmp_path):
    from reportlab.pdfgen import canvas

    pages = [["The old harbour is a well-known place for walkers.",  # the document writes the compound whole
              "A short note.", "The ferry leaves at seven and crosses the", "bay while the town is still well-"],
             ["known for its quiet mornings, and the infor-", "mation office opens at nine."]]
    path = tmp_path / "en.pdf"
    pdf = canvas.Canvas(str(path))
    for page, lines in enumerate(pages):
        y = 740
        for k, line in enumerate(lines):
            pdf.drawString(72, y, line)
            y -= 45 if page == 0 and k < 2 else 15  # the first two lines are paragraphs of their own
        pdf.showPage()
    pdf.save()
    assert read_document(str(path)).paragraphs == [
        "The old harbour is a well-known place for walkers.", "A short note.",
        "The ferry leaves at seven and crosses the bay while the town is still well-known for its quiet "
        "mornings, and the information office opens at nine."]
