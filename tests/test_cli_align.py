"""`aligner align` end to end: outputs, input encodings, and every bad input as one line and an exit code."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from aligner.cli import main
from aligner.evaluate import read_beads

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "corpora" / "example"
ZH = "今天天气很好。我们去公园散步。公园里有很多人。\n孩子们在草地上玩。老人们在下棋。\n"
EN = "The weather is nice today. We went for a walk in the park. The park was crowded.\n" \
     "Children played on the grass. Old men were playing chess.\n"


def run(*args):
    result = CliRunner().invoke(main, ["align", *map(str, args)])
    return result.exit_code, result.output


def write(path, data):
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


@pytest.fixture
def pair(tmp_path):
    return write(tmp_path / "doc.zh.txt", ZH), write(tmp_path / "doc.en.txt", EN)


def covers_all(beads, n, m):
    return sorted(i for b in beads for i in b[0]) == list(range(n)) and \
        sorted(j for b in beads for j in b[1]) == list(range(m))


def test_all_outputs_by_default_next_to_the_chinese_file(pair, tmp_path):
    code, out = run(*pair, "-q")
    assert code == 0, out
    for ext in ("tmx", "tsv", "beads", "json"):
        assert (tmp_path / f"doc.{ext}").exists()
    doc = json.loads((tmp_path / "doc.json").read_text(encoding="utf-8"))
    assert doc["signature"]["encoder"].startswith("use:")
    assert covers_all(read_beads(tmp_path / "doc.beads"), 5, 5)


def test_example_matches_its_gold(tmp_path):
    code, out = run(EXAMPLE / "example.zh.txt", EXAMPLE / "example.en.txt", "-o", tmp_path / "ex", "-q")
    assert code == 0, out
    test = set(read_beads(tmp_path / "ex.beads"))
    gold = set(read_beads(EXAMPLE / "example.beads"))
    assert len(test & gold) >= 0.8 * len(gold)


def test_presplit_indexes_count_non_empty_lines(tmp_path):
    zh = write(tmp_path / "a.zh", "第一句。\n\n第二句。\n第三句。\n")
    en = write(tmp_path / "a.en", "First sentence.\nSecond sentence.\n\nThird sentence.\n")
    code, out = run(zh, en, "--presplit", "-o", tmp_path / "a", "--formats", "beads,json", "-q")
    assert code == 0, out
    assert covers_all(read_beads(tmp_path / "a.beads"), 3, 3)
    doc = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert [s["paragraph"] for s in doc["source"]["sentences"]] == [0, 1, 1]


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_legacy_encodings(tmp_path, encoding):
    zh = write(tmp_path / "z.txt", ZH.encode(encoding))
    en = write(tmp_path / "e.txt", EN)
    code, out = run(zh, en, "-o", tmp_path / "z", "--formats", "beads")
    assert code == 0, out
    if encoding == "gb18030":
        assert "gb18030" in out


def test_big5_traditional_gets_zh_tw(tmp_path):
    zh = write(tmp_path / "z.txt", "今天天氣很好。我們去公園散步。\n".encode("big5"))
    en = write(tmp_path / "e.txt", "The weather is nice today. We went for a walk in the park.\n")
    code, out = run(zh, en, "-o", tmp_path / "z", "--formats", "tmx")
    assert code == 0, out
    assert "big5" in out
    tmx = etree.parse(str(tmp_path / "z.tmx"))
    assert tmx.find("header").get("srclang") == "zh-TW"


def test_control_characters_and_a_huge_unpunctuated_line(tmp_path):
    zh = write(tmp_path / "z.txt", "第一段\x07有控制字符。\n" + "没有标点的文字" * 40_000 + "\n")
    en = write(tmp_path / "e.txt", "The first paragraph\x07 has a control character.\n" + "text without stops " * 16_000 + "\n")
    code, out = run(zh, en, "-o", tmp_path / "z", "--formats", "tmx,beads", "-q")
    assert code == 0, out
    etree.parse(str(tmp_path / "z.tmx"))


@pytest.mark.parametrize("make, message", [
    (lambda d: (d / "missing.txt", write(d / "e.txt", EN)), "no such file"),
    (lambda d: (write(d / "z.txt", ""), write(d / "e.txt", EN)), "empty"),
    (lambda d: (write(d / "z.txt", "\n  \n"), write(d / "e.txt", EN)), "empty"),
    (lambda d: (write(d / "z.bin", b"\x00\x01\x02binary\x00" * 50), write(d / "e.txt", EN)), "binary"),
    (lambda d: (write(d / "z.txt", b"caf\xe9 \xff\xfa\xff au lait\n" * 3), write(d / "e.txt", EN)), "cannot decode"),
    (lambda d: (write(d / "z.txt", ZH), write(d / "e.txt", ZH)), "same language"),
    (lambda d: (write(d / "z.txt", EN), write(d / "e.txt", EN)), "same language"),
    (lambda d: (d, write(d / "e.txt", EN)), "directory"),
])
def test_bad_input_is_one_line_and_non_zero(tmp_path, make, message):
    zh, en = make(tmp_path)
    code, out = run(zh, en, "-o", tmp_path / "out")
    assert code != 0
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("aligner: error:"), out
    assert "Traceback" not in out and message in lines[0]
    assert not list(tmp_path.glob("out.*"))


def test_missing_output_directory(pair, tmp_path):
    code, out = run(*pair, "-o", tmp_path / "nowhere" / "x")
    assert code != 0 and "output directory does not exist" in out and len(out.strip().splitlines()) == 1


def test_unknown_format_and_encoder(pair, tmp_path):
    code, out = run(*pair, "-o", tmp_path / "x", "--formats", "docx")
    assert code != 0 and "docx" in out
    code, out = run(*pair, "-o", tmp_path / "x", "--encoder", "nope")
    assert code != 0 and "unknown encoder" in out and len(out.strip().splitlines()) == 1


def test_seed_article(shared, tmp_path):
    seed = shared / "corpora" / "seed"
    code, out = run(seed / "xinhua-2024-12-04.zh.txt", seed / "xinhua-2024-12-04.en.txt", "-o", tmp_path / "seed", "-q",
                    "--formats", "tmx,tsv,beads,json")
    assert code == 0, out
    tmx = etree.parse(str(tmp_path / "seed.tmx"))
    dtd = etree.DTD(str(shared / "schemas" / "tmx14.dtd"))
    assert dtd.validate(tmx), dtd.error_log
    assert tmx.find("header").get("srclang") == "zh-TW"
    assert {t.get("{http://www.w3.org/XML/1998/namespace}lang") for t in tmx.iter("tuv")} == {"zh-TW", "en"}
    doc = json.loads((tmp_path / "seed.json").read_text(encoding="utf-8"))
    n, m = len(doc["source"]["sentences"]), len(doc["target"]["sentences"])
    assert covers_all(read_beads(tmp_path / "seed.beads"), n, m)
    assert len((tmp_path / "seed.tsv").read_text(encoding="utf-8").splitlines()) == len(doc["beads"])


def test_review_command_end_to_end(pair, tmp_path):
    result = CliRunner().invoke(main, ["review", *map(str, pair), "-o", str(tmp_path / "r"), "-q"])
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "r.review.json").read_text(encoding="utf-8"))
    assert {"signature", "summary", "flags"} <= set(report)
    assert (tmp_path / "r.review.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")


def test_search_parameters_from_the_command_line(pair, tmp_path):
    code, out = run(*pair, "-o", tmp_path / "p", "--formats", "json", "-q", "--param", "skip=-0.2", "--param", "max-bead=3")
    assert code == 0, out
    params = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))["signature"]["params"]
    assert params["skip"] == -0.2 and params["max_bead"] == 3
    for bad in ("nope=1", "skip=abc", "max_bead=0"):
        code, out = run(*pair, "-o", tmp_path / "p", "--param", bad)
        assert code != 0 and len(out.strip().splitlines()) == 1 and out.startswith("aligner: error: --param"), out
