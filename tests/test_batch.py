"""``aligner batch``: many pairs, resumable, one corpus and summary; the local and the Ray engine agree."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner

from aligner.batch import Defaults, Job, folder_pairs, manifest_pairs, run_batch
from aligner.cli import main
from aligner.export import load_alignment

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["Anna", "Boris", "Chen", "Dora", "Emil", "Farah", "Goran", "Hana"]
THINGS = [("本书", "books"), ("个苹果", "apples"), ("辆车", "cars"), ("张地图", "maps"), ("把伞", "umbrellas")]
PLACES = [("北京", "Beijing"), ("上海", "Shanghai"), ("广州", "Guangzhou"), ("成都", "Chengdu")]


def sentence_pair(rng: random.Random) -> tuple[str, str]:
    """One sentence and its translation from a small template grammar (names and numbers are shared, so
    the hash encoder, which knows no language, still finds the pairs)."""
    name, (zh_thing, en_thing), (zh_place, en_place) = rng.choice(NAMES), rng.choice(THINGS), rng.choice(PLACES)
    n, year = rng.randint(2, 99), rng.randint(1950, 2030)
    if rng.random() < 0.5:
        return f"{name}在{year}年买了{n}{zh_thing}。", f"{name} bought {n} {en_thing} in {year}."
    return f"{year}年,{name}在{zh_place}卖了{n}{zh_thing}。", f"In {year}, {name} sold {n} {en_thing} in {en_place}."


def write_pair(folder: Path, name: str, seed: int) -> tuple[Path, Path]:
    rng = random.Random(seed)
    paragraphs = [[sentence_pair(rng) for _ in range(rng.randint(1, 4))] for _ in range(rng.randint(1, 3))]
    zh, en = folder / f"{name}.zh.txt", folder / f"{name}.en.txt"
    zh.write_text("\n".join("".join(z for z, _ in p) for p in paragraphs) + "\n", encoding="utf-8")
    en.write_text("\n".join(" ".join(e for _, e in p) for p in paragraphs) + "\n", encoding="utf-8")
    return zh, en


def make_manifest(folder: Path, n: int, corrupt: bool = True) -> Path:
    """``n`` pairs written by the test and, with ``corrupt``, one whose Chinese file is binary."""
    docs = folder / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    lines = ["id\tzh\ten"]
    for k in range(n):
        zh, en = write_pair(docs, f"d{k:04d}", k)
        lines.append(f"p{k:04d}\tdocs/{zh.name}\tdocs/{en.name}")
    if corrupt:
        (docs / "bad.zh.txt").write_bytes(b"\x00\x01\x02 not text")
        (docs / "bad.en.txt").write_text("Some text.\n")
        lines.append("bad\tdocs/bad.zh.txt\tdocs/bad.en.txt")
    manifest = folder / "pairs.tsv"
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def batch(*args: str, ok: bool = True):
    result = CliRunner().invoke(main, ["batch", "--encoder", "hash", "--no-cache", *args])
    if ok:
        assert result.exit_code == 0, result.output
    return result


def corpus_ids(out: Path) -> list[str]:
    return [line.split("\t", 1)[0] for line in (out / "corpus.tsv").read_text(encoding="utf-8").splitlines()[1:]]


def check_outputs(out: Path, expect_done: int) -> dict:
    """Every output is complete and valid, no temporary file is left, and the corpus has each pair once."""
    import pyarrow.parquet as pq

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["done"] == expect_done
    ids = corpus_ids(out)
    for pair in summary["pair_results"]:
        if pair["status"] == "done":
            alignment = load_alignment(str(out / "pairs" / f"{pair['id']}.json"))
            assert ids.count(pair["id"]) == len(alignment.beads) == pair["beads"]
            assert (out / "pairs" / f"{pair['id']}.beads").read_text().count("\n") == len(alignment.beads)
    assert len(ids) == sum(p.get("beads", 0) for p in summary["pair_results"])
    table = pq.read_table(out / "corpus.parquet")
    assert table.column_names == ["pair_id", "bead", "zh", "en", "score", "confidence", "flags"]
    assert table.column("pair_id").to_pylist() == ids
    src = (out / "corpus.src").read_text(encoding="utf-8").splitlines()
    assert len(src) == len((out / "corpus.tgt").read_text(encoding="utf-8").splitlines())
    from lxml import etree

    assert len(etree.parse(str(out / "corpus.tmx")).findall(".//tu")) == len(src)
    assert not [p for p in out.rglob(".aligner-*")]
    return summary


@pytest.fixture(scope="module")
def two_hundred(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch200")
    manifest = make_manifest(folder, 200)
    result = batch(str(manifest), "-o", str(folder / "local"), "--workers", "2")
    return folder, manifest, result


def test_two_hundred_pairs_and_a_corrupt_one(two_hundred):
    folder, _, result = two_hundred
    summary = check_outputs(folder / "local", 200)
    assert summary["failed"] == 1 and "bad" in summary["needs_attention"]
    bad = next(p for p in summary["pair_results"] if p["id"] == "bad")
    assert "binary" in bad["error"]
    assert "200 of 201 pairs aligned, 1 failed" in result.output


def test_each_pair_is_written_as_the_single_pair_command_would(two_hundred, tmp_path):
    folder, _, _ = two_hundred
    docs, out = folder / "docs", folder / "local" / "pairs"
    CliRunner().invoke(main, ["align", str(docs / "d0007.zh.txt"), str(docs / "d0007.en.txt"), "-o",
                              str(tmp_path / "one"), "--encoder", "hash", "--no-cache", "-q"])
    assert (tmp_path / "one.beads").read_text() == (out / "p0007.beads").read_text()
    assert (tmp_path / "one.tsv").read_text() == (out / "p0007.tsv").read_text()
    assert load_alignment(str(tmp_path / "one.json")).signature == load_alignment(str(out / "p0007.json")).signature


def test_a_rerun_skips_what_is_done_and_redoes_what_changed(tmp_path):
    manifest = make_manifest(tmp_path, 6)
    out = tmp_path / "out"
    batch(str(manifest), "-o", str(out), "--workers", "1")
    first = (out / "pairs" / "p0003.json").stat().st_mtime_ns
    result = batch(str(manifest), "-o", str(out))
    assert "0 pairs to align, 7 done by an earlier run" in result.output  # the failed one is not retried
    write_pair(tmp_path / "docs", "d0002", 99)  # changed input
    (out / "pairs" / "p0004.tsv").unlink()  # a missing output
    result = batch(str(manifest), "-o", str(out), "--retry-failed")
    assert "3 pairs to align, 4 done by an earlier run" in result.output
    assert (out / "pairs" / "p0003.json").stat().st_mtime_ns == first
    check_outputs(out, 6)
    result = batch(str(manifest), "-o", str(out), "--max-bead", "2")  # another signature: all again
    assert "7 pairs to align" in result.output


def test_kill_9_halfway_then_rerun(tmp_path):
    manifest = make_manifest(tmp_path, 200, corrupt=False)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "aligner", "batch", str(manifest), "-o", str(out), "--encoder", "hash",
               "--no-cache", "--workers", "1", "-q"]
    proc = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list((out / "records").glob("*.json"))) < 100:
        assert proc.poll() is None, proc.stderr.read().decode()
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    finished = len(list((out / "records").glob("*.json")))
    assert 100 <= finished < 200
    assert not (out / "summary.json").exists()
    rerun = subprocess.run(command[:-1], env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    done_before = int(rerun.stderr.split(" done by an earlier run")[0].rsplit(", ", 1)[1])
    assert done_before >= finished - 1  # a record is the last thing a pair writes
    check_outputs(out, 200)


@pytest.mark.slow
def test_ray_engine_gives_what_the_local_engine_gives(two_hundred):
    ray = pytest.importorskip("ray", reason="the Ray engine needs ray (pip install 'aligner[ray]')")
    folder, manifest, _ = two_hundred
    specs = manifest_pairs(str(manifest), Defaults())
    job = Job(out_dir=str(folder / "ray"), formats=("tmx", "tsv", "beads", "json"), encoder="hash", cache=False)
    ray.init(num_cpus=2, include_dashboard=False)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            summary = run_batch(specs, job, engine="ray")
    finally:
        ray.shutdown()
    # no deprecated Ray API of ours; Ray's own DataContext deprecations silenced where it makes them
    assert not [w for w in caught if issubclass(w.category, DeprecationWarning)], [str(w.message) for w in caught]
    local = json.loads((folder / "local" / "summary.json").read_text(encoding="utf-8"))
    check_outputs(folder / "ray", 200)

    def comparable(s):
        return [{k: v for k, v in p.items() if k not in ("seconds", "outputs")} for p in s["pair_results"]]

    assert comparable(summary) == comparable(local)
    assert {k: v for k, v in summary.items() if k not in ("seconds", "pair_results")} == \
        {k: v for k, v in local.items() if k not in ("seconds", "pair_results")}
    for name in ("corpus.tsv", "corpus.src", "corpus.tgt"):
        assert (folder / "ray" / name).read_bytes() == (folder / "local" / name).read_bytes()
    for spec in specs[:-1]:
        assert (folder / "ray" / "pairs" / f"{spec.id}.beads").read_bytes() == \
            (folder / "local" / "pairs" / f"{spec.id}.beads").read_bytes()


def test_jsonl_manifest_with_per_pair_settings(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    a = write_pair(docs, "a", 1)
    b = write_pair(docs, "b", 2)
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(json.dumps({"zh": f"docs/{a[0].name}", "en": f"docs/{a[1].name}", "max_bead": 1}) + "\n"
                        + json.dumps({"zh": str(b[0]), "en": str(b[1]), "id": "second", "src_locale": "zh-TW"})
                        + "\n", encoding="utf-8")
    batch(str(manifest), "-o", str(tmp_path / "out"))
    first = load_alignment(str(tmp_path / "out" / "pairs" / "a.json"))  # id from the file name
    assert first.signature["params"]["max_bead"] == 1 and all(max(len(b.zh), len(b.en)) <= 1 for b in first.beads)
    assert load_alignment(str(tmp_path / "out" / "pairs" / "second.json")).src_locale == "zh-TW"


@pytest.mark.parametrize("line, message", [
    ('{"zh": "a.txt"}', "no en file given"),
    ('{"zh": "a", "en": "b", "colour": 1}', "unknown setting 'colour'"),
    ('{"zh": "a", "en": "b", "max_bead": 99}', "max_bead must be"),
    ('{"zh": "a", "en": "b", "id": "../x"}', "cannot name a file"),
    ('{"zh": "a", "en": "b"}\n{"zh": "a", "en": "c"}', "two pairs have the id 'a'"),
    ("[1, 2]", "expected a JSON object"),
    ("{", "invalid JSON"),
])
def test_bad_manifests_are_one_error_line(tmp_path, line, message):
    manifest = tmp_path / "m.jsonl"
    manifest.write_text(line + "\n", encoding="utf-8")
    result = batch(str(manifest), "-o", str(tmp_path / "out"), ok=False)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and result.output.startswith("aligner: error: ") and message in result.output


def test_no_output_may_overwrite_an_input(tmp_path):
    out = tmp_path / "out"
    (out / "pairs").mkdir(parents=True)
    zh, _ = write_pair(out / "pairs", "x", 3)
    target = out / "pairs" / "x.tsv"  # pair x's TSV output
    target.write_text("Anna bought 3 books.\n")
    manifest = tmp_path / "m.tsv"
    manifest.write_text(f"{zh}\t{target}\tx\n", encoding="utf-8")
    result = batch(str(manifest), "-o", str(out), ok=False)
    assert result.exit_code == 2 and "would overwrite an input" in result.output
    assert target.read_text() == "Anna bought 3 books.\n" and not (out / "summary.json").exists()
    summary_named = tmp_path / "summary.json"  # the manifest is an input too
    summary_named.write_text(f"{zh}\t{zh}\ty\n", encoding="utf-8")
    result = batch(str(summary_named), "-o", str(tmp_path), ok=False)
    assert result.exit_code == 2 and "would overwrite an input" in result.output


def test_folders_pair_by_stem_and_by_regex(tmp_path):
    zh_dir, en_dir = tmp_path / "zh", tmp_path / "en"
    zh_dir.mkdir()
    en_dir.mkdir()
    for k in range(3):
        zh, en = write_pair(tmp_path, f"t{k}", k)
        zh.rename(zh_dir / f"ch{k}.txt")
        en.rename(en_dir / f"chapter-{k}.txt")
    with pytest.raises(Exception, match="no file names pair up"):
        folder_pairs(str(zh_dir), str(en_dir), Defaults())
    specs = folder_pairs(str(zh_dir), str(en_dir), Defaults(), "regex", r"(\d+)")
    assert [s.id for s in specs] == ["0", "1", "2"]
    batch(str(zh_dir), str(en_dir), "-o", str(tmp_path / "out"), "--pair-by", "regex", "--pair-regex", r"(\d+)")
    check_outputs(tmp_path / "out", 3)


def test_the_summary_names_the_pairs_that_look_wrong(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    rows = []
    for k in range(4):
        zh, en = write_pair(docs, f"ok{k}", k)
        rows.append(f"ok{k}\t{zh}\t{en}")
    zh, en = write_pair(docs, "swap", 7)
    rows.append(f"swapped\t{en}\t{zh}")
    short = docs / "short.en.txt"
    short.write_text("Anna bought 3 books.\n")
    rng = random.Random(5)
    long = docs / "long.zh.txt"
    long.write_text("".join(sentence_pair(rng)[0] for _ in range(12)) + "\n", encoding="utf-8")
    rows.append(f"lopsided\t{long}\t{short}")
    weird = docs / "<script>odd.zh.txt"
    weird.write_bytes(b"\x00")
    rows.append(f"odd\t{weird}\t{short}")
    (tmp_path / "m.tsv").write_text("\n".join(["id\tzh\ten", *rows]) + "\n", encoding="utf-8")
    batch(str(tmp_path / "m.tsv"), "-o", str(tmp_path / "out"))
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["needs_attention"] == ["swapped", "lopsided", "odd"]
    why = {p["id"]: " ".join(p["problems"]) for p in summary["pair_results"]}
    assert "probably swapped" in why["swapped"] and "sentence counts differ" in why["lopsided"]
    page = (tmp_path / "out" / "summary.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;odd" in page and "<script>odd" not in page


def test_review_adds_omission_flags(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    zh, en = write_pair(docs, "r", 11)
    (tmp_path / "m.tsv").write_text(f"{zh}\t{en}\n", encoding="utf-8")
    batch(str(tmp_path / "m.tsv"), "-o", str(tmp_path / "out"), "--review")
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert "omissions" in summary["pair_results"][0]
    assert (tmp_path / "out" / "pairs" / "r.review.html").exists()
    plain = tmp_path / "plain"
    batch(str(tmp_path / "m.tsv"), "-o", str(plain))
    assert "omissions" not in json.loads((plain / "summary.json").read_text())["pair_results"][0]


def test_a_crash_in_one_pair_is_reported_not_fatal(tmp_path, monkeypatch):
    import aligner.batch.work as work

    manifest = make_manifest(tmp_path, 3, corrupt=False)
    real = work.align_sentences

    def crash_on_the_second(src, *args, **kwargs):
        if src[0].text == manifest_first_sentence:
            raise RuntimeError("a bug")
        return real(src, *args, **kwargs)

    manifest_first_sentence = (tmp_path / "docs" / "d0001.zh.txt").read_text(encoding="utf-8").split("。")[0] + "。"
    monkeypatch.setattr(work, "align_sentences", crash_on_the_second)
    specs = manifest_pairs(str(manifest), Defaults())
    summary = run_batch(specs, Job(out_dir=str(tmp_path / "out"), formats=("tsv",), encoder="hash", cache=False),
                        workers=1)
    assert summary["done"] == 2 and summary["needs_attention"] == ["p0001"]
    assert summary["pair_results"][1]["error"] == "RuntimeError: a bug"


def test_an_unknown_encoder_is_refused_before_anything_is_made(tmp_path):
    for side in ("zh", "en"):
        (tmp_path / side).mkdir()
    zh, en = write_pair(tmp_path / "zh", "x", 3)
    os.replace(en, tmp_path / "en" / "x.txt")
    os.replace(zh, tmp_path / "zh" / "x.txt")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["batch", "--encoder", "nope", str(tmp_path / "zh"), str(tmp_path / "en"),
                                       "-o", str(out)])
    assert result.exit_code == 3 and "unknown encoder 'nope'" in result.output
    assert not out.exists()
