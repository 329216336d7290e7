"""The review report: escaping, page structure, self-containedness, headless Chromium, and the CLI.

The browser test needs Chromium (Debian: ``apt-get install -y chromium``) and skips without it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner import ReviewParams, review
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


def _data(page: str) -> dict:
    start = page.index('<script type="application/json" id="review-data">') + len('<script type="application/json" id="review-data">')
    return json.loads(page[start:page.index("</script>", start)])


def test_html_is_escaped_and_self_contained(reviewed):
    page = render_html(reviewed)
    assert EVIL not in page and "\\u003cscript\\u003e" in page  # the data block cannot be closed by a sentence
    assert page.count("<script") == 2  # the data block and the page's own script
    assert not re.search(r"""(?:src|href)=["'](?!data:|#)""", page), "no external resources"
    assert "@import" not in page and "url(" not in page and "http" not in page.split("<footer>")[0].lower()
    assert 'lang="en"' in page and "data:image/png;base64," in page and "@media print" in page
    data = _data(page)
    assert data["lang"] == {"zh": "zh-Hant", "en": "en", "src": "Chinese", "tgt": "English"}
    assert any(EVIL in t for t in data["zh"])  # the text itself, unchanged
    # the signature sits in the footer, not at the top
    assert page.index("Signature:") > page.index("<footer>") and "encoder:toy:1" in page
    assert data["doc"]["signature"].startswith("aligner") or "encoder:toy:1" in data["doc"]["signature"]
    # and the review's own settings below it: parameters and a digest of each fitted model it read
    review_line = data["doc"]["review_signature"]
    assert page.index("Review: review|") > page.index("Signature:") and f"sure:{ReviewParams().sure}" in review_line
    assert "models:" in review_line


def test_page_data_is_linear_and_keyed(reviewed):
    from aligner.corrections import document_of, flag_key

    data = _data(render_html(reviewed, heatmap=False))
    alignment = reviewed.alignment
    assert data["doc"] | {"signature": None, "review_signature": None} == \
        document_of(alignment) | {"signature": None, "review_signature": None}
    assert [f["key"] for f in data["flags"]] == [flag_key(f) for f in reviewed.flags]
    assert len(data["beads"]) == len(alignment.beads)
    assert [b[:2] for b in data["beads"]] == [[list(b.zh), list(b.en)] for b in alignment.beads]
    assert all(0 <= b[2] <= 1 and data["words"][b[3]] in ("likely", "possible", "unlikely") for b in data["beads"])
    assert len(data["units"]["zh"]) == len(alignment.zh) and len(data["units"]["en"]) == len(alignment.en)
    for f in data["flags"]:  # plain words up front, the technical reason kept for "details"
        assert f["word"] in ("likely", "possible") and f["why"] and f["title"]
        assert f["details"] == next(g.reason for g in reviewed.flags if flag_key(g) == f["key"])


def test_moved_sentences_listed_with_their_carrier(reviewed):
    from dataclasses import replace

    moved = {"side": "zh", "sentence": 3, "matches": 20, "carried": 0.9, "en": "x1 " + EVIL, "margin": 2.0}
    data = _data(render_html(replace(reviewed, moved=[moved]), heatmap=False))
    assert data["moved"] == [{"side": "zh", "sentence": 3, "text": reviewed.alignment.zh[3].text,
                              "title": "Moved, not missing: a sentence carried elsewhere in the English",
                              "word": "likely", "why": data["moved"][0]["why"], "compared_side": "en",
                              "compared": [20]}]
    assert "English sentence 21 says the same thing" in data["moved"][0]["why"]


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
