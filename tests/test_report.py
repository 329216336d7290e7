"""The review report: escaping, page structure, self-containedness, headless Chromium, and the CLI.

The browser test needs Chromium (Debian: ``apt-get install -y chromium``) and skips without it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner import review
from aligner.api import align
from aligner.cli import main
from aligner.export import write_outputs
from aligner.report import render_html
from aligner.omissions.similarity import Similarity
from aligner.report.heatmap import _downsample
from test_omissions import ToyEncoder, toy_doc, toy_en  # noqa: E402 (shared toy encoder)

import numpy as np

EVIL = "<script>alert('x')</script>"


@pytest.fixture(scope="module")
def reviewed():
    zh = toy_doc(30, seed=7)
    en = [toy_en(s) for s in zh]
    del en[12]  # an omission
    zh[3] = zh[3].replace("。", EVIL + "。")
    en.append("x9 " + EVIL)  # an addition with markup
    alignment = align([zh[:15], zh[15:]], [en[:14], en[14:]], encoder=ToyEncoder(), src_lang="zh", tgt_lang="en")
    alignment.src_locale = "zh-TW"
    return review(alignment, encoder=ToyEncoder())


def test_html_is_escaped_and_self_contained(reviewed):
    page = render_html(reviewed)
    assert EVIL not in page and "&lt;script&gt;" in page
    assert page.count("<script>") == 1  # only the filter's own script
    assert not re.search(r"""(?:src|href)=["'](?!data:|#)""", page), "no external resources"
    assert "@import" not in page and "url(" not in page
    assert 'lang="zh-Hant"' in page and 'lang="en"' in page
    assert "data:image/png;base64," in page and "@media print" in page
    assert 'id="only-flagged"' in page
    assert "Signature:" in page and "encoder:toy:1" in page
    assert 'class="sentence"' in page  # the missing sentence highlighted
    # each flag links to its bead's row
    for f in reviewed.flags:
        if f.bead is not None and f.kind != "paragraph":
            assert f'href="#bead-{f.bead}"' in page and f'id="bead-{f.bead}"' in page


def test_moved_sentences_listed_with_their_carrier(reviewed):
    from dataclasses import replace

    assert 'id="moved"' not in render_html(reviewed, heatmap=False)
    moved = {"side": "zh", "sentence": 3, "matches": 20, "carried": 0.9, "en": "x1 " + EVIL, "margin": 2.0}
    page = render_html(replace(reviewed, moved=[moved]), heatmap=False)
    section = page[page.index('id="moved"'):page.index('id="beads"')]
    assert "zh 3" in section and "en 20" in section
    assert "x1 &lt;script&gt;" in section  # the carrying piece, escaped
    assert EVIL not in page


def test_heatmap_downsampling():
    small, fi, fj = _downsample(Similarity(np.ones((1001, 10)), np.eye(10)), 400)
    assert small.shape == (334, 10) and (fi, fj) == (3, 1)


def test_review_formats_written_atomically(reviewed, tmp_path):
    prefix = str(tmp_path / "doc")
    written = write_outputs(reviewed.alignment, prefix, ["json", "review-json", "review-html"],
                            encoder=ToyEncoder())
    assert sorted(Path(p).name for p in written) == ["doc.json", "doc.review.html", "doc.review.json"]
    data = json.loads(Path(prefix + ".review.json").read_text(encoding="utf-8"))
    assert {"signature", "summary", "flags"} <= set(data)
    assert {f["kind"] for f in data["flags"]} >= {"sentence", "addition"}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def _browser() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.skipif(_browser() is None, reason="Chromium not installed (apt-get install -y chromium)")
def test_renders_in_headless_chromium(reviewed, tmp_path):
    page = tmp_path / "review.html"
    page.write_text(render_html(reviewed), encoding="utf-8")
    shot = tmp_path / "shot.png"
    base = [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            f"--user-data-dir={tempfile.mkdtemp()}", "--enable-logging=stderr", "--v=0"]
    run = subprocess.run(base + [f"--screenshot={shot}", "--window-size=1400,2000", page.as_uri()],
                         capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000
    assert "CONSOLE" not in run.stderr and "Uncaught" not in run.stderr, run.stderr[-2000:]
    # the DOM after scripts ran: structure present, markup shown as text
    dom = subprocess.run(base + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    for marker in ('id="summary"', 'class="beads"', 'class="paragraphs"', 'id="heatmap"', 'id="only-flagged"'):
        assert marker in dom
    assert "&lt;script&gt;alert" in dom
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", dom)


def test_cli_review_and_fail_on_omission(tmp_path, monkeypatch):
    zh = toy_doc(12, seed=2)
    en = [toy_en(s) for s in zh]
    del en[5]
    zh_file, en_file = tmp_path / "a.zh.txt", tmp_path / "a.en.txt"
    zh_file.write_text("\n".join(zh) + "\n", encoding="utf-8")
    en_file.write_text("\n".join(en) + "\n", encoding="utf-8")
    import aligner.encoders

    # the toy encoder everywhere: the CLI, align and review all build encoders through this one function
    monkeypatch.setattr(aligner.encoders, "get_encoder", lambda name=None, **kw: ToyEncoder())
    runner = CliRunner()
    args = ["review", str(zh_file), str(en_file), "-o", str(tmp_path / "out"), "--presplit",
            "--src-lang", "zh", "--tgt-lang", "en", "-q"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out.review.json").exists() and (tmp_path / "out.review.html").exists()
    result = runner.invoke(main, args + ["--fail-on-omission"])
    assert result.exit_code == 4
    result = runner.invoke(main, ["align", str(zh_file), str(en_file), "-o", str(tmp_path / "al"), "--presplit",
                                  "--src-lang", "zh", "--tgt-lang", "en", "-q", "--formats", "tsv,review"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("al.*")) == ["al.review.html", "al.review.json", "al.tsv"]
