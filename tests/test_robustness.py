"""Regression tests for unusual inputs found by a robustness sweep of the CLI: each bad input gives one
``aligner: error:`` line and a non-zero exit with no output left behind; each good one works."""

import codecs
import json
import os
import sys

import pytest
from click.testing import CliRunner

from aligner.cli import main
from aligner.evaluate import read_beads

ZH = "今天天气很好。\n我们去公园散步。\n公园里有很多人。\n"
EN = "The weather is nice today.\nWe went for a walk in the park.\nThe park was crowded.\n"


def invoke(*args):
    result = CliRunner().invoke(main, [*map(str, args)])
    return result.exit_code, result.output


def one_error_line(out):
    lines = out.strip().splitlines()
    return len(lines) == 1 and lines[0].startswith("aligner: error:")


def align(zh, en, *args):
    return invoke("align", zh, en, "-q", "--encoder", "hash", *args)


# ---------------------------------------------------------------- readers


def test_utf32_with_bom_is_read_as_utf32(tmp_path, pair):
    # Its BOM starts with UTF-16's: it was read as UTF-16, a NUL between characters, and aligned.
    zh = tmp_path / "u32.zh"
    zh.write_bytes(ZH.encode("utf-32"))
    code, out = align(zh, pair[1], "-o", tmp_path / "x", "--formats", "json")
    assert code == 0, out
    doc = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert [s["text"] for s in doc["source"]["sentences"]] == ZH.split()


@pytest.mark.parametrize("bom, encoding", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF8, "utf-8")])
def test_nul_characters_behind_a_bom_are_refused(tmp_path, pair, bom, encoding):
    zh = tmp_path / "nul.zh"
    zh.write_bytes(bom + ("今天天气很好。\x00\n" + ZH).encode(encoding))
    code, out = align(zh, pair[1], "-o", tmp_path / "x")
    assert code == 2 and one_error_line(out) and "NUL" in out, out
    assert not list(tmp_path.glob("x.*"))


def test_byte_order_marks_inside_the_text_are_dropped(tmp_path, pair):
    # Concatenated BOM files: a line holding only U+FEFF was a sentence, shifting --presplit indexes; so
    # was a line holding only a zero-width space.
    zh = tmp_path / "cat.zh"
    zh.write_text("今天天气很好。\n\ufeff\n\ufeff我们去公园散步。\n\u200b\n公园里有很多人。\n", encoding="utf-8")
    code, out = align(zh, pair[1], "--presplit", "-o", tmp_path / "x", "--formats", "json")
    assert code == 0, out
    doc = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert [s["text"] for s in doc["source"]["sentences"]] == ZH.split()


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_unreadable_input_is_one_error_line(tmp_path, pair):
    pair[0].chmod(0)
    code, out = align(*pair, "-o", tmp_path / "x")
    assert code == 2 and one_error_line(out) and "cannot read" in out, out


# ---------------------------------------------------------------- outputs


def test_output_prefix_naming_a_folder_writes_inside_it(tmp_path, pair):
    # "-o out/" gave hidden files out/.tmx, out/.tsv ...
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, out = align(*pair, "-o", f"{out_dir}{os.sep}", "--formats", "tsv,beads")
    assert code == 0, out
    assert sorted(p.name for p in out_dir.iterdir()) == ["doc.beads", "doc.tsv"]


def test_output_that_is_a_folder_leaves_no_partial_set(tmp_path, pair):
    # x.tsv a folder: x.tmx was moved into place, then os.replace raised IsADirectoryError.
    (tmp_path / "x.tsv").mkdir()
    code, out = align(*pair, "-o", tmp_path / "x", "--formats", "tmx,tsv")
    assert code == 2 and one_error_line(out) and "x.tsv" in out, out
    assert not (tmp_path / "x.tmx").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.en", "doc.zh", "x.tsv"]


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root may write a read-only folder")
def test_read_only_output_folder_is_one_error_line(tmp_path, pair):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        code, out = align(*pair, "-o", ro / "x")
        assert code == 2 and one_error_line(out) and "cannot write" in out, out
        assert not os.listdir(ro)
    finally:
        ro.chmod(0o755)


def test_output_write_error_is_one_error_line(tmp_path, pair, monkeypatch):
    # The same path as a read-only folder or a full disk, whoever runs the tests (root ignores 0o555).
    import aligner.export as export

    def fail(writers):
        raise PermissionError(13, "Permission denied", "x")

    monkeypatch.setattr(export, "atomic_write_many", fail)
    code, out = align(*pair, "-o", tmp_path / "x")
    assert code == 2 and one_error_line(out) and "Permission denied" in out, out


@pytest.mark.parametrize("value", [",", " ", " , "])
def test_formats_naming_nothing_is_an_error(tmp_path, pair, value):
    # "--formats ," wrote no file and exited 0.
    code, out = align(*pair, "-o", tmp_path / "x", "--formats", value)
    assert code == 2 and one_error_line(out) and "no format" in out, out


# ---------------------------------------------------------------- --param


@pytest.mark.parametrize("param, says", [
    ("skip=nan", "between"), ("skip=inf", "between"), ("neighbour_weight=-inf", "between"),
    ("band=-1", ">= 0"), ("band=-100", ">= 0"), ("lazy_rounds=-1", ">= 0"), ("lazy_reach=-2", ">= 0"),
    ("calibrate=maybe", "true or false"), ("band=1.5", "whole number"), ("skip=abc", "number"),
    # a huge finite weight overflowed the scores into nan (the same RuntimeError); a misspelt length_mode
    # silently meant "add"
    ("neighbour_weight=1e308", "between"), ("lexical_weight=-1e308", "between"), ("length_mode=mul", "mult or add"),
])
def test_bad_param_values_are_refused(tmp_path, pair, param, says):
    # nan/inf and band=-100 crashed the search with a RuntimeError traceback; band=-1 made it crawl;
    # calibrate=maybe silently meant false.
    code, out = align(*pair, "-o", tmp_path / "x", "--param", param)
    assert code == 2 and one_error_line(out) and says in out, out


@pytest.mark.parametrize("param", ["calibrate=off", "calibrate=YES", "band=0", "max_bead=1", "skip=-1e3"])
def test_edge_param_values_work(tmp_path, pair, param):
    code, out = align(*pair, "-o", tmp_path / "x", "--param", param, "--formats", "beads")
    assert code == 0, out
    assert read_beads(tmp_path / "x.beads")


# ---------------------------------------------------------------- eval


@pytest.fixture
def bead_dirs(tmp_path):
    gold, test = tmp_path / "gold", tmp_path / "test"
    gold.mkdir()
    test.mkdir()
    (gold / "a.beads").write_text("[0]:[0]\n[1]:[1]\n")
    (test / "a.beads").write_text("[0]:[0]\n[1]:[1]\n")
    return gold, test


@pytest.mark.parametrize("pattern", ["", ".", "/etc/*"])
def test_eval_unusable_glob_is_one_error_line(bead_dirs, pattern):
    # pathlib raised ValueError / IndexError / NotImplementedError: tracebacks
    code, out = invoke("eval", *bead_dirs, "--glob", pattern)
    assert code == 2 and one_error_line(out) and "--glob" in out, out


@pytest.mark.parametrize("content", ["", "\n\n"])
@pytest.mark.parametrize("side", ["gold", "test"])
def test_eval_empty_bead_file_is_refused(bead_dirs, content, side):
    # scored silently as 0.0 (test) or as nothing to find (gold)
    (bead_dirs[side == "test"] / "a.beads").write_text(content)
    code, out = invoke("eval", *bead_dirs)
    assert code == 2 and one_error_line(out) and "no beads" in out, out


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="needs a non-root POSIX user")
def test_eval_unreadable_file_is_one_error_line(bead_dirs):
    path = bead_dirs[1] / "a.beads"
    path.chmod(0)
    code, out = invoke("eval", bead_dirs[0] / "a.beads", path)
    assert code == 2 and one_error_line(out) and "cannot read" in out, out
