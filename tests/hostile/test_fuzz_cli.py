"""Hypothesis drives the CLI over generated files (encodings, control characters, sizes, line shapes) and
options, and checks the promises of docs/reliability.md on every case:

- the exit status is 0, 2 or 3, and a failure is one ``aligner: error:`` line, never a traceback;
- the outputs are all there (success) or none is (failure), and no temporary file is left behind;
- the input files are unchanged, byte for byte.

Runs in-process (click's CliRunner) with the ``hash`` encoder: about 2,000 cases in well under 3 minutes.
``FUZZ_EXAMPLES`` changes the number of cases (e.g. 20000 for a long local run).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from aligner.cli import main
from aligner.cli.options import default_prefix

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "2000"))

# Our own phrases (no corpus text): enough real Chinese and English for the aligner to find sentences.
ZH_PIECES = ["今天天气很好。", "我们去公园散步。", "公园里有很多人！", "孩子们在草地上玩？", "老人们在下棋；",
             "他说：“明天见。”", "第3章", "价格是12.5元。", "……", "——", "《红楼梦》", "http://例子.cn/a?b=1!",
             "今天天氣很好。", "我們去公園散步。"]
EN_PIECES = ["The weather is nice today.", "We went for a walk in the park.", "The park was crowded!",
             "Were the children playing?", "Old men played chess;", '"See you tomorrow," he said.',
             "Chapter 3", "It cost 12.5 yuan.", "...", "Mr. Smith left at 3 p.m.", "e.g. this one",
             "See https://example.com/a?b=1!"]
ODD = ["", " ", "\t", "\u200b", "\ufeff", "\x00", "\x07", "\x1b[31m", "\u202e", "🙂", "١٢٣", "مرحبا", "!!!", "123",
       "\ud7ff", "\U0010ffff", "a" * 3000, "中" * 3000, "\x0c", "\u2028", "\u3000"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "gb18030", "big5", "gbk", "latin-1"]
NEWLINES = ["\n", "\r\n", "\r"]


def _line(pieces: list[str]):
    word = st.one_of(st.sampled_from(pieces), st.sampled_from(ODD),
                     st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=12))
    return st.lists(word, max_size=6).map("".join)


@st.composite
def documents(draw, pieces: list[str]) -> bytes:
    kind = draw(st.integers(0, 19))
    if kind == 0:
        return draw(st.binary(max_size=300))
    if kind >= 10:  # a plain document: the success paths need inputs worth aligning
        lines = draw(st.lists(st.lists(st.sampled_from(pieces), min_size=1, max_size=4).map(" ".join),
                              min_size=1, max_size=12))
        return "\n".join(lines).encode("utf-8")
    lines = draw(st.lists(_line(pieces), max_size=12))
    text = draw(st.sampled_from(NEWLINES)).join(lines)
    encoding = draw(st.sampled_from(ENCODINGS))
    return text.encode(encoding, errors=draw(st.sampled_from(["replace", "ignore"])))


DEFAULT_FORMATS = ["tmx", "tsv", "beads", "json"]
# moses writes PREFIX.<src_lang> and PREFIX.<tgt_lang> (doc.en is an input name); srt is refused for text input
FORMATS = [*DEFAULT_FORMATS, "xlsx", "xliff", "xliff2", "moses", "srt"]
EXT = {"tmx": "tmx", "tsv": "tsv", "beads": "beads", "json": "json", "review-json": "review.json",
       "review-html": "review.html", "xlsx": "xlsx", "xliff": "xlf", "xliff2": "xliff2.xlf", "srt": "srt"}


@st.composite
def invocations(draw):
    command = draw(st.sampled_from(["align"] * 8 + ["review"]))
    args: list[str] = []
    if draw(st.booleans()):
        args.append("--presplit")
    formats = DEFAULT_FORMATS
    if command == "align" and draw(st.booleans()):
        formats = draw(st.lists(st.sampled_from(FORMATS), min_size=1, max_size=4, unique=True))
        args += ["--formats", ",".join(formats)]
    if command == "align" and draw(st.integers(0, 4)) == 0:
        args += draw(st.sampled_from([["--drop-identical"], ["--min-score", "0.1"], ["--min-score", "nan"],
                                      ["--min-score", "x"], ["--min-score", "-1e9"],
                                      ["--min-confidence", "0.9"], ["--min-confidence", "1.5"],
                                      ["--min-confidence", "nan"]]))
    if draw(st.integers(0, 5)) == 0:
        args.append("--swap")
    if command == "review":
        formats = ["review-json", "review-html"]
    if draw(st.integers(0, 4)) == 0:
        args += ["--max-bead", draw(st.sampled_from([*"12345678", "0", "9", "-1", "x"]))]
    if draw(st.integers(0, 6)) == 0:
        key = draw(st.sampled_from(["skip", "band", "lazy_reach", "lazy_rounds", "merge_penalty", "overlaps",
                                    "calibrate", "max_bead", "nonsense", "length_mode"]))
        value = draw(st.sampled_from(["-0.05", "0", "3", "-1", "1e308", "nan", "inf", "1000000", "true", "x",
                                      "all", ""]))
        args += ["--param", f"{key}={value}"]
    if draw(st.integers(0, 5)) == 0:
        flag = draw(st.sampled_from(["--src-lang", "--tgt-lang", "--src-locale"]))
        args += [flag, draw(st.sampled_from(["zh", "en", "de", "zh-TW", "x\x01", "", "en\nzh", "ü"]))]
    # the English file sometimes has the name an output would take (data loss if written over)
    en_name = draw(st.sampled_from(["doc.en"] * 4 + ["doc.json", "doc.tmx", "doc.review.json"]))
    use_prefix = draw(st.booleans())
    return command, args, formats, en_name, use_prefix


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(zh=documents(ZH_PIECES), en=documents(EN_PIECES), call=invocations())
def test_cli_never_fails_badly(zh: bytes, en: bytes, call):
    command, args, formats, en_name, use_prefix = call
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "doc.txt").write_bytes(zh)
        (folder / en_name).write_bytes(en)
        (folder / "out").mkdir()
        before = _snapshot(folder)
        # --swap makes the second file the source, which names the outputs by default
        source = folder / (en_name if "--swap" in args else "doc.txt")
        prefix = folder / "out" / "doc" if use_prefix else Path(default_prefix(str(source), None))
        argv = [command, str(folder / "doc.txt"), str(folder / en_name), "-q", "--encoder", "hash", "--no-cache",
                *(["-o", str(prefix)] if use_prefix else []), *args]
        before_there = set(_snapshot(prefix.parent))
        result = CliRunner().invoke(main, argv)
        event(f"{command} exit {result.exit_code}")
        detail = f"argv={argv!r}\nstdout={result.stdout!r}\nstderr={result.stderr!r}"
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            f"{type(result.exception).__name__}: {result.exception}\n{detail}"
        assert result.exit_code in (0, 2, 3), detail
        assert "Traceback" not in result.stderr, detail
        for name, data in before.items():  # inputs never touched
            assert (folder / name).read_bytes() == data, f"input {name} changed\n{detail}"
        outputs = {f"{prefix}.{EXT[f]}" for f in formats if f != "moses"}
        present = {p for p in outputs if os.path.exists(p)}
        if result.exit_code == 0:
            assert present == outputs, detail
            new = {str(prefix.parent / name) for name in set(_snapshot(prefix.parent)) - before_there}
            assert len(new - outputs) == (2 if "moses" in formats else 0), detail  # PREFIX.<src>, PREFIX.<tgt>
        else:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("aligner: error: "), detail
            new = set(_snapshot(folder)) - set(before)
            assert not new and not any((folder / "out").iterdir()), f"partial outputs {new}\n{detail}"
        leftovers = [p for p in folder.rglob("*") if p.name.endswith(".tmp")]
        assert not leftovers, f"temporary files left: {leftovers}\n{detail}"
