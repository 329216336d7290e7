"""Issue #18, inputs, outputs and the CLI: every hostile input is one ``aligner: error:`` line and exit 2,
never a hang, a traceback, a partial output set, a leftover temporary file or a changed input."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.api import read_pair
from aligner.cli import main
from aligner.errors import InputError
from aligner.evaluate import read_beads
from aligner.export import write_outputs
from aligner.export.base import atomic_write_many
from aligner.tempfiles import STALE_SECONDS as STALE_TEMP_SECONDS, remove_stale_temps
from aligner.language import language_tag
from aligner.readers.source import parse_size, read_input
from aligner.readers.text import decode_bytes

ROOT = Path(__file__).resolve().parents[2]
ZH = "今天天气很好。\n我们去公园散步。\n公园里有很多人。\n"
EN = "The weather is nice today.\nWe went for a walk in the park.\nThe park was crowded.\n"
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX only")


def invoke(*args, input=None, env=None):
    result = CliRunner().invoke(main, [*map(str, args)], input=input, env=env)
    return result.exit_code, result.output


def align(*args, **kwargs):
    return invoke("align", *args, "-q", "--encoder", "hash", **kwargs)


def one_error(out: str, *says: str) -> bool:
    lines = out.strip().splitlines()
    return len(lines) == 1 and lines[0].startswith("aligner: error:") and all(s in lines[0] for s in says)


def run_cli(*args, **kwargs) -> subprocess.CompletedProcess:
    """The real command in a child process, for what CliRunner cannot model (devices, pipes, signals)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "aligner", *map(str, args)], env=env, timeout=120, **kwargs)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: (p.read_bytes() if p.is_file() else b"") for p in folder.iterdir()}


# ---------------------------------------------------------------- 1. one input opener, bounded


@POSIX
def test_fifo_without_writer_is_refused_at_once(tmp_path, pair):
    fifo = tmp_path / "fifo.zh"
    os.mkfifo(fifo)
    start = time.monotonic()
    code, out = align(fifo, pair[1], "-o", tmp_path / "x")
    assert code == 2 and one_error(out, "fifo.zh", "pipe"), out
    assert time.monotonic() - start < 10
    code, out = invoke("eval", fifo, pair[1])
    assert code == 2 and one_error(out, "pipe"), out


@POSIX
@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_character_devices_are_refused(tmp_path, pair, device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    code, out = align(device, pair[1], "-o", tmp_path / "x")
    assert code == 2 and one_error(out, device, "not a regular file"), out
    code, out = invoke("eval", device, device)
    assert code == 2 and one_error(out, device, "not a regular file"), out


@POSIX
def test_socket_is_refused(tmp_path, pair):
    path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
    except OSError:
        pytest.skip("cannot bind a unix socket here")
    try:
        code, out = align(path, pair[1], "-o", tmp_path / "x")
        assert code == 2 and one_error(out, "not a regular file"), out
    finally:
        server.close()


def test_input_over_the_size_limit_is_refused(tmp_path, pair):
    code, out = align(*pair, "-o", tmp_path / "x", "--max-input-size", "10")
    assert code == 2 and one_error(out, "doc.zh", "larger than 10 bytes", "--max-input-size"), out
    assert not list(tmp_path.glob("x.*"))
    code, out = align(*pair, "-o", tmp_path / "x", "--max-input-size", "1K", "--formats", "beads")
    assert code == 0, out


def test_standard_input_is_bounded_too(tmp_path, pair):
    code, out = align("-", pair[1], "-o", tmp_path / "x", "--max-input-size", "20", input=ZH * 10)
    assert code == 2 and one_error(out, "standard input", "--max-input-size"), out


def test_read_input_reads_no_more_than_the_limit_plus_one(tmp_path):
    big = tmp_path / "big"
    big.write_bytes(b"a" * 5000)
    assert read_input(str(big), 5000) == b"a" * 5000
    with pytest.raises(InputError, match="larger than 4999 bytes"):
        read_input(str(big), 4999)
    with pytest.raises(ValueError, match="max_bytes"):
        read_input(str(big), 0)


@pytest.mark.parametrize("text, size", [("200M", 200 << 20), ("1G", 1 << 30), ("4096", 4096), ("1.5k", 1536),
                                        ("2MB", 2 << 20), ("3MiB", 3 << 20)])
def test_parse_size(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "abc", "-1", "0", "10X", "1e9"])
def test_bad_max_input_size_is_one_line(tmp_path, pair, text):
    code, out = align(*pair, "-o", tmp_path / "x", "--max-input-size", text)
    assert code == 2 and one_error(out, "--max-input-size"), out


def test_standard_input_as_one_side(tmp_path, pair):
    code, out = align("-", pair[1], "-o", tmp_path / "x", "--formats", "beads", input=ZH)
    assert code == 0, out
    assert len(read_beads(tmp_path / "x.beads")) == 3
    code, out = align(pair[0], "-", "-o", tmp_path / "y", "--formats", "beads", input=EN)
    assert code == 0, out


def test_standard_input_for_both_sides_is_refused(tmp_path):
    code, out = align("-", "-", "-o", tmp_path / "x", input=ZH)
    assert code == 2 and one_error(out, "both inputs are '-'"), out
    with pytest.raises(InputError, match="standard input"):
        read_pair("-", "-")


def test_standard_input_needs_an_output_prefix(tmp_path, pair):
    code, out = align("-", pair[1], input=ZH)
    assert code == 2 and one_error(out, "standard input", "give -o PREFIX"), out


@POSIX
def test_process_substitution_works_with_o_and_asks_for_it_without(tmp_path, pair):
    if not os.path.exists("/dev/fd"):
        pytest.skip("no /dev/fd")
    args = f"-m aligner align <(cat {pair[0]}) <(cat {pair[1]}) -q --encoder hash --formats beads"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(["bash", "-c", f"{sys.executable} {args}"], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2 and one_error(done.stderr, "give -o PREFIX"), done.stderr
    done = subprocess.run(["bash", "-c", f"{sys.executable} {args} -o {tmp_path / 'x'}"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(read_beads(tmp_path / "x.beads")) == 3


# ---------------------------------------------------------------- 2. outputs planned before the work


def test_default_prefix_landing_on_the_english_input_is_refused(tmp_path):
    # book.txt -> prefix "book" -> book.json is the English input
    zh, en = tmp_path / "book.txt", tmp_path / "book.json"
    zh.write_text(ZH, encoding="utf-8")
    en.write_text(EN, encoding="utf-8")
    before = snapshot(tmp_path)
    code, out = align(zh, en)
    assert code == 2 and one_error(out, "book.json", "overwrite the input"), out
    assert snapshot(tmp_path) == before


def test_output_prefix_making_an_input_an_output_is_refused(tmp_path):
    zh, en = tmp_path / "chap.tsv", tmp_path / "chap.en"
    zh.write_text(ZH, encoding="utf-8")
    en.write_text(EN, encoding="utf-8")
    before = snapshot(tmp_path)
    code, out = align(zh, en, "-o", tmp_path / "chap")
    assert code == 2 and one_error(out, "chap.tsv", "overwrite the input"), out
    assert snapshot(tmp_path) == before


@POSIX
@pytest.mark.parametrize("link", [os.symlink, os.link])
def test_output_linked_to_an_input_is_refused(tmp_path, pair, link):
    link(pair[1], tmp_path / "x.tsv")
    before = snapshot(tmp_path)
    code, out = align(*pair, "-o", tmp_path / "x")
    assert code == 2 and one_error(out, "x.tsv", "overwrite the input"), out
    assert snapshot(tmp_path) == before


@POSIX
@pytest.mark.parametrize("link", [os.symlink, os.link])
def test_two_outputs_of_one_run_on_the_same_file_are_refused(tmp_path, pair, link):
    (tmp_path / "x.tsv").write_text("old\n")
    link(tmp_path / "x.tsv", tmp_path / "x.json")
    code, out = align(*pair, "-o", tmp_path / "x")
    assert code == 2 and one_error(out, "x.json", "x.tsv", "same file"), out
    assert (tmp_path / "x.tsv").read_text() == "old\n"


def test_outputs_are_checked_before_the_inputs_are_read(tmp_path):
    # the English side is not even text: the output conflict is reported first, before any reading
    zh, en = tmp_path / "book.txt", tmp_path / "book.json"
    zh.write_text(ZH, encoding="utf-8")
    en.write_bytes(b"\x00\x01binary")
    code, out = align(zh, en)
    assert code == 2 and one_error(out, "overwrite the input"), out


def test_unwritable_output_folder_is_refused_up_front(tmp_path, pair, monkeypatch):
    # os.access, not a chmod: root may write a 0o555 folder
    import aligner.export as export

    monkeypatch.setattr(export.os, "access", lambda path, mode: False)
    code, out = align(*pair, "-o", tmp_path / "x")
    assert code == 2 and one_error(out, "cannot write", "-o PREFIX"), out


def test_too_long_an_output_name_is_refused_up_front(tmp_path, pair):
    code, out = align(*pair, "-o", tmp_path / ("x" * 260))
    assert code == 2 and one_error(out, "file name longer than"), out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.en", "doc.zh"]
    # a name that fits, with the temporary names short whatever the output's length
    code, out = align(*pair, "-o", tmp_path / ("y" * 240), "--formats", "beads")
    assert code == 0, out


# ---------------------------------------------------------------- 3. temporary files


def test_interrupt_while_writing_leaves_no_file(tmp_path, pair, monkeypatch):
    from aligner.export.tsv import TsvExporter

    def interrupted(self, alignment, confidence=None):
        raise KeyboardInterrupt

    monkeypatch.setattr(TsvExporter, "pieces", interrupted)
    code, out = align(*pair, "-o", tmp_path / "x", "--formats", "beads,tsv,json")
    assert code == 130 and "interrupted" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.en", "doc.zh"]


_SLOW_WRITE = """
import sys, time
from aligner.cli import _terminate_as_exit
from aligner.export.base import atomic_write_many

def slow(fh):
    fh.write(b"half")
    fh.flush()
    print("writing", flush=True)
    time.sleep(60)

_terminate_as_exit()
atomic_write_many({sys.argv[1] + "/a.tsv": lambda fh: fh.write(b"done"), sys.argv[1] + "/b.tsv": slow})
"""


def _start_slow_write(folder: Path) -> subprocess.Popen:
    child = subprocess.Popen([sys.executable, "-c", _SLOW_WRITE, str(folder)], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert child.stdout.readline().strip() == "writing"
    assert len(os.listdir(folder)) == 2  # two temporary files, nothing in place yet
    return child


@POSIX
def test_sigterm_while_writing_removes_the_temporary_files(tmp_path):
    child = _start_slow_write(tmp_path)
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=30) == 128 + signal.SIGTERM
    assert os.listdir(tmp_path) == []


@POSIX
def test_leftovers_of_a_killed_run_are_removed_by_the_next(tmp_path, pair):
    out = tmp_path / "out"
    out.mkdir()
    child = _start_slow_write(out)
    child.kill()
    child.wait(timeout=30)
    leftovers = os.listdir(out)
    assert len(leftovers) == 2 and all(n.startswith(".aligner-") for n in leftovers)
    code, text = align(*pair, "-o", out / "x", "--formats", "beads")
    assert code == 0, text
    assert os.listdir(out) == ["x.beads"]


def test_only_stale_temporary_files_are_removed(tmp_path):
    mine = tmp_path / f".aligner-{os.getpid()}-0123456789ab.tmp"  # a live run's (ours)
    old = tmp_path / f".aligner-{os.getpid()}-ba9876543210.tmp"  # a live pid, but hours old: pid reused
    other = tmp_path / ".aligner-notes.tmp"  # not a name we make
    for path in (mine, old, other):
        path.write_bytes(b"x")
    past = time.time() - STALE_TEMP_SECONDS - 60
    os.utime(old, (past, past))
    assert remove_stale_temps(str(tmp_path)) == [str(old)]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([mine.name, other.name])


def test_temporary_names_are_short_and_carry_the_pid(tmp_path, monkeypatch):
    opened = []
    real = os.open

    def recording_open(path, *args, **kwargs):
        opened.append(os.path.basename(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", recording_open)
    atomic_write_many({str(tmp_path / ("n" * 200 + ".tsv")): lambda fh: fh.write(b"x")})
    assert opened[0].startswith(f".aligner-{os.getpid()}-") and len(opened[0]) < 40


# ---------------------------------------------------------------- 4. standard output


@POSIX
def test_full_disk_on_stdout_is_one_error_line_and_the_files_stay(tmp_path, pair):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    with open("/dev/full", "w") as full:
        done = run_cli("align", *pair, "-o", tmp_path / "x", "--encoder", "hash", "--formats", "beads,tsv",
                       stdout=full, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 2, done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.startswith("aligner: ") or "error" in line]
    assert one_error("\n".join(lines), "standard output"), done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
    assert (tmp_path / "x.beads").exists() and (tmp_path / "x.tsv").exists()


@POSIX
def test_closed_pipe_on_stdout_is_quiet(tmp_path, pair):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = (f"{sys.executable} -m aligner align {pair[0]} {pair[1]} -o {tmp_path / 'x'} --encoder hash "
               f"--formats beads,tsv 2>{tmp_path / 'err'} | head -c 0; exit ${{PIPESTATUS[0]}}")
    done = subprocess.run(["bash", "-c", command], env=env, timeout=120)
    err = (tmp_path / "err").read_text()
    assert done.returncode == 0, err
    assert "Traceback" not in err and "error" not in err and "Exception ignored" not in err, err


# ---------------------------------------------------------------- 5. language tags


@pytest.mark.parametrize("option, value", [("--src-locale", "zh\x07CN"), ("--src-locale", "zh CN"),
                                           ("--src-locale", "<x>"), ("--src-lang", "z"),
                                           ("--tgt-lang", "en\nfr"), ("--tgt-lang", "")])
def test_malformed_language_tags_are_one_line(tmp_path, pair, option, value):
    code, out = align(*pair, "-o", tmp_path / "x", option, value)
    assert code == 2 and one_error(out, option, "not a language tag"), out
    assert not list(tmp_path.glob("x.*"))


def test_well_formed_locale_reaches_the_tmx(tmp_path, pair):
    code, out = align(*pair, "-o", tmp_path / "x", "--src-locale", "zh-Hant-TW", "--formats", "tmx")
    assert code == 0, out
    assert 'srclang="zh-Hant-TW"' in (tmp_path / "x.tmx").read_text(encoding="utf-8")


def test_language_tag_api():
    assert language_tag("en-GB", "tgt_lang") == "en-GB"
    with pytest.raises(ValueError, match="src_lang"):
        read_pair("a", "b", src_lang="zh\x00")


# ---------------------------------------------------------------- 6. SOURCE_DATE_EPOCH


@pytest.mark.parametrize("value", ["99999999999999", "-5", "1e9", "abc", "12 34"])
def test_bad_source_date_epoch_is_one_line_before_the_work(tmp_path, pair, value):
    # Chosen behaviour: an error naming the variable (reproducible-builds.org asks malformed values to
    # fail), raised when planning the outputs, so no output is written.
    code, out = align(*pair, "-o", tmp_path / "x", env={"SOURCE_DATE_EPOCH": value})
    assert code == 2 and one_error(out, "SOURCE_DATE_EPOCH"), out
    assert not list(tmp_path.glob("x.*"))
    code, out = align(*pair, "-o", tmp_path / "x", "--formats", "beads", env={"SOURCE_DATE_EPOCH": value})
    assert code == 0, out  # no TMX, no date needed


def test_good_source_date_epoch_is_used(tmp_path, pair):
    code, out = align(*pair, "-o", tmp_path / "x", "--formats", "tmx", env={"SOURCE_DATE_EPOCH": "0"})
    assert code == 0, out
    assert 'creationdate="19700101T000000Z"' in (tmp_path / "x.tmx").read_text(encoding="utf-8")


# ---------------------------------------------------------------- 7. GB18030 or Big5


def test_one_line_gbk_file_is_gb18030_not_big5():
    assert decode_bytes("中文".encode("gbk"), "x") == ("中文", "gb18030")
    assert decode_bytes("你好，世界。\n".encode("gbk"), "x") == ("你好，世界。\n", "gb18030")


@pytest.mark.parametrize("text", ["今天天氣很好。我們去公園散步。", "台灣", "中華民國", "電腦"])
def test_real_big5_stays_big5(text):
    assert decode_bytes(text.encode("big5"), "x") == (text, "big5")


def test_gbk_file_end_to_end(tmp_path, pair):
    zh = tmp_path / "gbk.zh"
    zh.write_bytes(ZH.encode("gbk"))
    code, out = invoke("align", zh, pair[1], "-o", tmp_path / "x", "--encoder", "hash", "--formats", "tsv")
    assert code == 0 and "read as gb18030" in out, out
    assert "今天天气很好。" in (tmp_path / "x.tsv").read_text(encoding="utf-8")


# ---------------------------------------------------------------- 8. language messages, conflicting options


@pytest.mark.parametrize("content", ["... !!! ???\n", "12345 67890\n", "😀😀 🎉\n", "مرحبا بالعالم\n"])
def test_text_in_no_language_we_can_align_says_so(tmp_path, pair, content):
    other = tmp_path / "other.txt"
    other.write_text(content, encoding="utf-8")
    code, out = align(pair[0], other, "-o", tmp_path / "x")
    assert code == 2 and one_error(out, "other.txt", "no text in a language we can align"), out
    assert "same language" not in out


def test_same_language_set_for_both_sides(tmp_path, pair):
    code, out = align(*pair, "-o", tmp_path / "x", "--src-lang", "zh", "--tgt-lang", "zh")
    assert code == 2 and one_error(out, "source and target are both zh"), out
    assert "set both" not in out


@pytest.mark.parametrize("args", [("--param", "max_bead=2", "--max-bead", "5"),
                                  ("--param", "skip=-0.1", "--param", "skip=-0.2")])
def test_conflicting_option_values_are_refused(tmp_path, pair, args):
    code, out = align(*pair, "-o", tmp_path / "x", *args)
    assert code == 2 and one_error(out, "conflicts"), out


def test_the_same_value_twice_is_fine(tmp_path, pair):
    code, out = align(*pair, "-o", tmp_path / "x", "--formats", "beads", "--param", "max_bead=5",
                      "--max-bead", "5", "--param", "max-bead=5")
    assert code == 0, out


# ---------------------------------------------------------------- 9. eval


@pytest.fixture
def bead_dirs(tmp_path):
    gold, test = tmp_path / "gold", tmp_path / "test"
    gold.mkdir()
    test.mkdir()
    for folder in (gold, test):
        (folder / "a.beads").write_text("[0]:[0]\n[1]:[1]\n")
    return gold, test


@pytest.mark.parametrize("side", [0, 1])
def test_eval_unreadable_folder_says_so(bead_dirs, monkeypatch, side):
    # os.listdir made to fail, not a chmod: root reads a 0o000 folder
    real = os.listdir

    def listdir(path="."):
        if Path(path) == bead_dirs[side]:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "listdir", listdir)
    code, out = invoke("eval", *bead_dirs)
    assert code == 2 and one_error(out, str(bead_dirs[side]), "cannot read"), out
    assert "no gold files" not in out


@pytest.mark.parametrize("pattern", ["../*.beads", "../gold/*", "sub/../../*"])
def test_eval_glob_leaving_gold_is_refused(bead_dirs, pattern):
    code, out = invoke("eval", *bead_dirs, "--glob", pattern)
    assert code == 2 and one_error(out, "--glob", "inside"), out


@POSIX
def test_eval_glob_through_a_symlinked_folder_is_refused(bead_dirs, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "b.beads").write_text("[0]:[0]\n")
    os.symlink(outside, bead_dirs[0] / "link")
    code, out = invoke("eval", *bead_dirs, "--glob", "link/*")
    assert code == 2 and one_error(out, "--glob", "outside"), out


def test_eval_gold_without_any_sentence_is_refused(bead_dirs):
    (bead_dirs[0] / "a.beads").write_text("[]:[]\n[]:[]\n")
    code, out = invoke("eval", *bead_dirs)
    assert code == 2 and one_error(out, "a.beads", "only []:[]"), out


def test_eval_size_limit(bead_dirs):
    code, out = invoke("eval", *bead_dirs, "--max-input-size", "5")
    assert code == 2 and one_error(out, "a.beads", "--max-input-size"), out
    code, out = invoke("eval", *bead_dirs, "--max-input-size", "1K")
    assert code == 0, out


def test_write_outputs_api_checks_the_plan_too(tmp_path):
    from aligner.model import Alignment, Bead, Sentence

    alignment = Alignment(zh=[Sentence("中文。", 0)], en=[Sentence("Chinese.", 0)], beads=[Bead((0,), (0,), 1.0)],
                          )
    with pytest.raises(InputError, match="longer than"):
        write_outputs(alignment, str(tmp_path / ("z" * 300)), ["tsv"])
    assert not os.listdir(tmp_path)
