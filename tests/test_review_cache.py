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


# ---------------------------------------------------------------- the heatmap only for the HTML page


def _no_drawing(*args, **kwargs):
    raise AssertionError("the heatmap was drawn for a review without its HTML page")


@pytest.mark.parametrize("command", [["review", "--formats", "review-json"], ["align", "--formats", "review-json,tsv"]])
def test_a_json_only_review_draws_no_heatmap_and_html_later_gets_it(warmed, tmp_path, monkeypatch, command):
    import aligner.report.heatmap as heatmap

    _, cold = warmed
    real = heatmap.heatmap_png
    monkeypatch.setattr(heatmap, "heatmap_png", _no_drawing)
    cache = tmp_path / "cache"
    done = CliRunner().invoke(main, [command[0], f"{DOC}.zh", f"{DOC}.en", "-q", "--encoder", "hash", "-o",
                                     str(tmp_path / "json"), "--cache-dir", str(cache), *command[1:]])
    assert done.exit_code == 0, done.output
    assert Path(f"{tmp_path / 'json'}.review.json").read_bytes() == cold["review.json"]
    assert json.loads(_entry(cache).read_text(encoding="utf-8"))["heatmap"] is None
    # the page asked for later: the stored review, its heatmap drawn now and kept in the entry
    monkeypatch.setattr(heatmap, "heatmap_png", real)
    monkeypatch.setattr(aligner.omissions, "review", _no_review)
    _review(tmp_path / "html", "--formats", "review-html", "--cache-dir", cache)
    assert Path(f"{tmp_path / 'html'}.review.html").read_bytes() == cold["review.html"]
    assert not Path(f"{tmp_path / 'html'}.review.json").exists()
    assert json.loads(_entry(cache).read_text(encoding="utf-8"))["heatmap"]
    monkeypatch.setattr(heatmap, "heatmap_png", _no_drawing)  # … and not drawn again
    _review(tmp_path / "again", "--cache-dir", cache)
    assert _outputs(tmp_path / "again") == cold


def test_the_page_of_a_stored_review_of_an_alignment_read_from_json(tmp_path, monkeypatch):
    """An alignment read back from its JSON has no sentence vectors: the heatmap a stored review lacks is drawn
    from the sentences embedded again, and stored."""
    from aligner import get_encoder
    from aligner.export import load_alignment, review_provider, write_outputs

    cache = tmp_path / "cache"
    done = CliRunner().invoke(main, ["align", f"{DOC}.zh", f"{DOC}.en", "-q", "--encoder", "hash", "-o",
                                     str(tmp_path / "a"), "--cache-dir", str(cache), "--formats", "json,review-json"])
    assert done.exit_code == 0, done.output
    assert json.loads(_entry(cache).read_text(encoding="utf-8"))["heatmap"] is None
    alignment = load_alignment(f"{tmp_path / 'a'}.json")
    assert alignment.src_vectors is None
    monkeypatch.setattr(aligner.omissions, "review", _no_review)
    write_outputs(alignment, str(tmp_path / "b"), ["review-html"],
                  review=review_provider(get_encoder("hash", cache_dir=cache)))
    assert "data:image/png;base64," in Path(f"{tmp_path / 'b'}.review.html").read_text(encoding="utf-8")
    assert json.loads(_entry(cache).read_text(encoding="utf-8"))["heatmap"]


def test_review_formats_option_is_checked(tmp_path):
    done = CliRunner().invoke(main, ["review", f"{DOC}.zh", f"{DOC}.en", "--encoder", "hash", "--no-cache",
                                     "-o", str(tmp_path / "x"), "--formats", "tmx"])
    assert done.exit_code == 2 and "unknown format 'tmx'" in done.output
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------- the API shares the CLI's cache


def _api_alignment(cache: Path | None):
    from aligner import align_files, get_encoder

    encoder = get_encoder("hash", cache=cache is not None, cache_dir=cache)
    return align_files(f"{DOC}.zh", f"{DOC}.en", encoder=encoder)


def test_the_api_review_reads_the_review_the_cli_stored(warmed, tmp_path, monkeypatch):
    cache, cold = warmed
    shutil.copytree(cache, tmp_path / "cache")
    alignment = _api_alignment(tmp_path / "cache")
    monkeypatch.setattr(aligner.omissions, "review", _no_review)
    found = aligner.review(alignment, cache_dir=tmp_path / "cache")  # the encoder named in the signature
    assert json.loads(json.dumps(found.to_dict())) == json.loads(cold["review.json"])
    from aligner.report import render_html

    assert render_html(found).encode("utf-8") == cold["review.html"]  # its stored heatmap


def test_the_cli_reads_the_review_the_api_stored(warmed, tmp_path, monkeypatch):
    _, cold = warmed
    cache = tmp_path / "cache"
    reviewed = aligner.review(_api_alignment(cache), encoder="hash", cache_dir=cache)
    entry = json.loads(_entry(cache).read_text(encoding="utf-8"))
    assert entry["heatmap"] is None and entry["flags"] == [f.to_dict() for f in reviewed.flags]
    monkeypatch.setattr(aligner.omissions, "review", _no_review)
    _review(tmp_path / "cli", "--cache-dir", cache)
    assert _outputs(tmp_path / "cli") == cold


def test_the_api_review_without_cache(tmp_path, monkeypatch):
    from aligner import get_encoder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))  # where a cached encoder would store
    alignment = _api_alignment(None)
    computed = []
    real = aligner.omissions.review
    monkeypatch.setattr(aligner.omissions, "review", lambda *a, **k: computed.append(1) or real(*a, **k))
    aligner.review(alignment, cache=False)
    aligner.review(alignment, encoder=get_encoder("hash", cache_dir=tmp_path / "c"), cache=False)
    assert len(computed) == 2 and not (tmp_path / "xdg").exists() and not (tmp_path / "c" / "reviews").exists()
    with pytest.raises(ValueError, match="cache_dir applies to an encoder given by name"):
        aligner.review(alignment, encoder=get_encoder("hash", cache=False), cache_dir=tmp_path)
    with pytest.raises(TypeError, match="params must be a ReviewParams"):
        aligner.review(alignment, encoder="hash", cache=False, params={"flag_at": 0.5})
