"""Every bad input of a format reader is one line, exit 2, and no output; a Markdown README keeps its markup
out of the aligned text and its links whole."""

from __future__ import annotations

import functools
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligner.cli import main

from .fixtures import EN, ZH, write_docx, write_epub, write_text, write_xliff

BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>')


def _no_spine(path):
    data = path.read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            content = old.read(info)
            if info.filename.endswith(".opf"):
                start, end = content.index(b"<spine"), content.index(b"</spine>") + len(b"</spine>")
                content = content[:start] + b'<spine toc="ncx"></spine>' + content[end:]
            new.writestr(info, content)
    path.write_bytes(out.getvalue())


def _pdf(path, *, text: bool = True, password: str | None = None):
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), encrypt=StandardEncryption(password) if password else None)
    if text:
        pdf.drawString(72, 720, EN[1])
    pdf.rect(100, 100, 200, 200, fill=1)  # a scanned page is a picture: no text layer
    pdf.showPage()
    pdf.save()


def _big_docx(path):
    import docx

    document = docx.Document()
    for _ in range(2000):
        document.add_paragraph(EN[1])  # compresses well: small file, large when unpacked
    document.save(path)


CASES = {
    "pdf-without-text-layer": ("en.pdf", lambda p: _pdf(p, text=False), [], "no text layer"),
    "password-protected-pdf": ("en.pdf", lambda p: _pdf(p, password="secret"), [], "password-protected"),
    "password-protected-docx": ("en.docx", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
                                [], "password-protected"),
    "corrupt-zip": ("en.docx", lambda p: p.write_bytes(write_docx(p, EN).read_bytes()[:3000]), [], "damaged"),
    "corrupt-odt": ("en.odt", lambda p: p.write_bytes(b"PK\x03\x04" + bytes(100)), [], "damaged"),
    "epub-without-spine": ("en.epub", lambda p: _no_spine(write_epub(p, EN)), [], "without a spine"),
    "zip-bomb": ("en.docx", _big_docx, ["--max-input-size", "200K"], "unpacks to more than 200K"),
    "srt-broken-timings": ("en.srt", lambda p: p.write_text("1\n00:00:01,000 --> 00:00:0x,500\nHello.\n"), [],
                           "broken subtitle timing"),
    "srt-lenient-timing": ("en.srt", lambda p: p.write_text("1\n00:00:01,000 --> 00:00:02,500 x\n\n2\n"
                                                            "00:00:03,000 --> 0:0:4\nHi.\n"), [], "broken subtitle timing"),
    "srt-ends-before-start": ("en.srt", lambda p: p.write_text("1\n00:00:05,000 --> 00:00:01,000\nHello.\n"), [],
                              "ends"),
    "vtt-broken-timings": ("en.vtt", lambda p: p.write_text("WEBVTT\n\n00:01.000 --> 00:0x.000\nHello.\n"), [],
                           "broken WebVTT"),
    "xliff-entity-bomb": ("en.xlf", lambda p: p.write_text(BOMB + '<xliff version="1.2"><file><body><trans-unit '
                          'id="1"><source>&lol3;</source></trans-unit></body></file></xliff>'), [], "entities"),
    "tmx-not-xml": ("en.tmx", lambda p: p.write_bytes(b"\x00\x01 not xml"), [], "not well-formed"),
    "markdown-presplit": ("en.md", lambda p: p.write_text("# Title\n\nText."), ["--presplit"], "plain text only"),
    "html-empty": ("en.html", lambda p: p.write_text("<html><body><script>x</script></body></html>"), [],
                   "no text to align"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_and_no_output(case, tmp_path):
    name, make, options, message = CASES[case]
    zh = write_text(tmp_path / "zh.txt", ZH)
    make(tmp_path / name)
    before = sorted(p.name for p in tmp_path.iterdir())
    result = CliRunner().invoke(main, ["align", str(zh), str(tmp_path / name), "--encoder", "hash", "--no-cache",
                                       *options])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2 and len(lines) == 1 and lines[0].startswith("aligner: error: "), result.stderr
    assert message in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_bilingual_file_in_one_language_says_so(tmp_path):
    path = write_text(tmp_path / "one.txt", EN)
    result = CliRunner().invoke(main, ["align", str(path), "--encoder", "hash", "--no-cache"])
    assert result.exit_code == 2 and "one language only" in result.stderr


def test_an_entity_bomb_in_xliff_with_two_files_too(tmp_path):
    path = tmp_path / "doc.xlf"
    path.write_text(BOMB + "<xliff/>")
    result = CliRunner().invoke(main, ["align", str(path), str(write_xliff(tmp_path / "b.xlf", ZH, EN)),
                                       "--encoder", "hash", "--no-cache"])
    assert result.exit_code == 2 and "entities" in result.stderr


README_ZH = """\
[![构建](https://img.shields.io/badge/build-passing-green.svg)](https://ci.example.com/p) [![PyPI](https://img.shields.io/pypi/v/tidy.svg)](https://pypi.org/project/tidy/)

<p align="center"><img src="docs/logo.png" width="120"></p>

# tidy：整理照片的小工具

tidy 按拍摄日期整理照片。它读取 EXIF 信息，
然后把文件移到按年月命名的文件夹里。详见[使用手册](https://tidy.example.com/docs/manual.html?lang=zh#start)。

## 安装

```bash
pip install tidy==2.1
```

| 选项 | 说明 |
|---|---|
| `--dry-run` | 只显示计划，不移动文件。 |
| `--keep` | 保留原文件。 |

如有问题，请发邮件到 help@tidy.example.com 或查看 [常见问题](FAQ.md)。
"""
README_EN = """\
[![Build](https://img.shields.io/badge/build-passing-green.svg)](https://ci.example.com/p) [![PyPI](https://img.shields.io/pypi/v/tidy.svg)](https://pypi.org/project/tidy/)

<p align="center"><img src="docs/logo.png" width="120"></p>

# tidy: a small tool for sorting photos

tidy sorts photos by the date they were taken. It reads their EXIF data
and moves each file into a folder named by year and month. See the [user manual](https://tidy.example.com/docs/manual.html?lang=en#start) for details.

## Installation

```bash
pip install tidy==2.1
```

| Option | Meaning |
|---|---|
| `--dry-run` | Only show the plan, do not move files. |
| `--keep` | Keep the original files. |

For help, write to help@tidy.example.com or read the [frequently asked questions](FAQ.md).
"""


def test_markdown_readme_pair_keeps_markup_out_and_links_whole(tmp_path):
    zh, en = tmp_path / "README.zh.md", tmp_path / "README.md"
    zh.write_text(README_ZH, encoding="utf-8")
    en.write_text(README_EN, encoding="utf-8")
    result = CliRunner().invoke(main, ["align", str(zh), str(en), "--encoder", "hash", "--no-cache", "-q",
                                       "--formats", "json", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    for side in ("source", "target"):
        sentences = [s["text"] for s in data[side]["sentences"]]
        for text in sentences:
            assert any(ch.isalnum() for ch in text), text  # no markup-only unit
            for markup in ("](", "![", "<p", "<img", "```", "http", "|---", "shields.io"):
                assert markup not in text, (markup, text)
    en_text = [s["text"] for s in data["target"]["sentences"]]
    zh_text = [s["text"] for s in data["source"]["sentences"]]
    # link text whole, inside one sentence (with what surrounds it)
    assert any("See the user manual for details." in t for t in en_text), en_text
    assert any("read the frequently asked questions." in t for t in en_text), en_text
    assert any("详见使用手册。" in t for t in zh_text), zh_text
    assert any("然后把文件移到" in t and "它读取 EXIF 信息" in t for t in zh_text), zh_text  # wrapped lines joined
    assert "--dry-run" in en_text and "Installation" in en_text


@functools.cache
def valid_files() -> dict[str, bytes]:
    """A valid file of each format (cached: not a fixture, whose value hypothesis would print in full)."""
    from .fixtures import MONOLINGUAL, write_srt, write_tmx, write_vtt

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {fmt: write(folder / f"en.{ext}", EN).read_bytes() for fmt, (ext, write) in MONOLINGUAL.items()}
        files["srt"] = write_srt(folder / "en.srt", EN).read_bytes()
        files["vtt"] = write_vtt(folder / "en.vtt", EN).read_bytes()
        files["xliff"] = write_xliff(folder / "en.xlf", ZH, EN).read_bytes()
        files["tmx"] = write_tmx(folder / "en.tmx", ZH, EN).read_bytes()
    return files


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "2000")) // 20, deadline=None,
          suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_damaged_files_of_every_format_are_one_input_error(data, tmp_path_factory):
    """A valid file of each format with bytes changed, cut or inserted reads or fails with one InputError."""
    from aligner.errors import InputError
    from aligner.readers import READERS, read_sides

    fmt = data.draw(st.sampled_from(sorted(valid_files())))
    raw = bytearray(valid_files()[fmt])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip":
            raw[at] ^= data.draw(st.integers(1, 255))
        elif action == "cut":
            del raw[at:at + data.draw(st.integers(1, 64))]
        else:
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=16))
    path = tmp_path_factory.mktemp("damaged") / "doc"
    path.write_bytes(bytes(raw))
    assert fmt in READERS
    try:
        read_sides(str(path), str(path), input_format=fmt, max_bytes=1 << 20)
    except InputError as exc:
        assert "\n" not in str(exc)
