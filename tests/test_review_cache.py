"""The review cache (aligner/review_cache.py): a second review of the same alignment reads the stored review
and writes the same files byte for byte; ``--no-cache`` bypasses it; a damaged or edited entry is dropped,
recomputed and overwritten, with one warning."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import aligner.omissions
from aligner.cli import main
from aligner.report.heatmap import heatmap_of
from aligner.review_cache import ReviewStore, review_code_files

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "corpora" / "zh-en" / "literary"
OUTPUTS = ("review.json", "review.html")


def _review(prefix: Path, *args) -> str:
    result = CliRunner().invoke(main, ["review", f"{DOC}.zh", f"{DOC}.en", "-q", "--encoder", "hash", "-o",
                                       str(prefix), *map(str, args)])
    assert result.exit_code == 0, result.output
    return result.output


def _outputs(prefix: Path) -> dict[str, bytes]:
    return {ext: Path(f"{prefix}.{ext}").read_bytes() for ext in OUTPUTS}


def _entry(cache: Path) -> Path:
    (entry,) = (cache / "reviews").glob("*.json")
    return entry


@pytest.fixture(scope="module")
def warmed(tmp_path_factory):
    """A cache holding the literary review, and the files the review wrote (computed, not read)."""
    folder = tmp_path_factory.mktemp("warm")
    _review(folder / "cold", "--cache-dir", folder / "cache")
    return folder / "cache", _outputs(folder / "cold")


def _no_review(*args, **kwargs):
    raise AssertionError("the review was computed, not read from the cache")


def test_a_second_review_reads_the_cache_and_writes_the_same_bytes(warmed, tmp_path, monkeypatch):
    cache, cold = warmed
    data = json.loads(_entry(cache).read_text(encoding="utf-8"))
    assert data["flags"] and data["paragraphs"] and data["heatmap"]  # the cases below bite
    shutil.copytree(cache, tmp_path / "cache")
    monkeypatch.setattr(aligner.omissions, "review", _no_review)
    assert _review(tmp_path / "warm", "--cache-dir", tmp_path / "cache") == ""
    assert _outputs(tmp_path / "warm") == cold


def test_no_cache_bypasses_the_review_cache(tmp_path):
    _review(tmp_path / "a", "--no-cache")
    _review(tmp_path / "b", "--cache-dir", tmp_path / "cache", "--review-param", "flag_at=0.9")
    _review(tmp_path / "c", "--cache-dir", tmp_path / "cache")  # other parameters: another entry
    assert len(list((tmp_path / "cache" / "reviews").glob("*.json"))) == 2
    assert _outputs(tmp_path / "a") == _outputs(tmp_path / "c")


def _set(path: tuple, value):
    def change(data):
        *head, last = path
        for step in head:
            data = data[step]
        data[last] = value
    return change


CORRUPT = {
    "flag sentence out of range": _set(("flags", 0, "zh_sentence"), 10_000),
    "flag sentence negative": _set(("flags", 0, "zh_sentence"), -1),
    "flag sentence a float": _set(("flags", 0, "zh_sentence"), 1.0),
    "flag sentence a bool": _set(("flags", 0, "zh_sentence"), True),
    "flag bead out of range": _set(("flags", 0, "bead"), 10_000),
    "flag kind unknown": _set(("flags", 0, "kind"), "typo"),
    "flag confidence a string": _set(("flags", 0, "confidence"), "0.5"),
    "flag span beyond its sentence": _set(("flags", 0, "span"), [0, 10_000]),
    "flag field unknown": _set(("flags", 0, "colour"), "red"),
    "flag not an object": _set(("flags", 0), [1, 2]),
    "moved sentence out of range": _set(("moved",), [{"side": "zh", "sentence": 0, "matches": 10_000, "carried": 0.5}]),
    "moved side unknown": _set(("moved",), [{"side": "fr", "sentence": 0, "matches": 0, "carried": 0.5}]),
    "moved span beyond": _set(("moved",), [{"side": "zh", "sentence": 0, "matches": 0, "carried": 0.5,
                                            "span": [0, 10_000]}]),
    "paragraph sentence out of range": _set(("paragraphs", 0, "zh_sentences"), [10_000]),
    "paragraph flagged a number": _set(("paragraphs", 0, "flagged"), 1),
    "summary a list": _set(("summary",), []),
    "heatmap not a PNG": _set(("heatmap",), "aGVsbG8="),
    "heatmap not base64": _set(("heatmap",), "?!"),
    "flags missing": lambda d: d.pop("flags"),
    "not an object": lambda d: d.clear(),
}


@pytest.mark.parametrize("kind", sorted(CORRUPT) + ["truncated", "not UTF-8"])
def test_a_damaged_entry_is_recomputed_with_one_warning(warmed, tmp_path, kind):
    cache, cold = warmed
    shutil.copytree(cache, tmp_path / "cache")
    entry = _entry(tmp_path / "cache")
    stored = entry.read_bytes()
    if kind in CORRUPT:
        data = json.loads(stored)
        CORRUPT[kind](data)
        entry.write_text(json.dumps(data), encoding="utf-8")
    else:
        entry.write_bytes(stored[: len(stored) // 2] if kind == "truncated" else b"\xff" + stored)
    out = _review(tmp_path / "again", "--cache-dir", tmp_path / "cache")
    assert out.count("was corrupt") == 1 and "stored review" in out and "recomputed" in out, out
    assert _outputs(tmp_path / "again") == cold
    assert entry.read_bytes() == stored  # overwritten with the sound review


def test_the_key_covers_the_review_code_and_models():
    names = {p.relative_to(ROOT / "aligner").as_posix() for p in review_code_files()}
    assert {"omissions/__init__.py", "omissions/judges/sentence.py", "omissions/models/sentence.json",
            "models/confidence.json", "confidence.py", "report/heatmap.py", "search/dp.py"} <= names


def test_a_review_without_a_cache_draws_its_heatmap_from_its_similarities(tmp_path):
    assert ReviewStore.beside("hash") is None
    from aligner.api import align
    from aligner.omissions import review

    done = review(align(["一。", "二。"], ["One.", "Two."], encoder="hash"), encoder="hash")
    assert done.heatmap is None and heatmap_of(done)
