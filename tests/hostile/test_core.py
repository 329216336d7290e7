"""Hostile inputs to the core (issue #18): search parameters, encoder output, the embedding and result
caches, alignments handed to review, temporary files and API arguments. Each bad input gives one clear
error (or is healed with one warning); nothing crashes, hangs or writes an output that covers less than
the input or holds NaN."""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import aligner
from aligner.api import align, align_sentences
from aligner.cli import main
from aligner.encoders import get_encoder
from aligner.encoders.base import CheckedEncoder, check_vectors
from aligner.encoders.cache import CachedEncoder
from aligner.encoders.hashing import HashingEncoder
from aligner.errors import AlignerError, EncoderError, InputError
from aligner.model import Alignment, Bead, Sentence, check_alignment
from aligner.omissions import review
from aligner.result_cache import ResultStore
from aligner.tempfiles import PREFIX as TEMP_PREFIX, STALE_SECONDS
from aligner.search import INT_RANGES, SearchParams

ROOT = Path(__file__).resolve().parents[2]
# Invented sentences; the hash encoder aligns a text with a copy of itself, so the target is the source
# with a little changed.
SRC = [f"Sentence number {k} talks about the {w} in the garden." for k, w in
       enumerate(["apples", "pears", "roses", "birds", "bees", "trees", "stones", "paths", "ponds",
                  "frogs", "fences", "gates", "benches", "lamps", "hedges", "clouds", "snails", "worms"])]
TGT = [s.replace("garden", "yard") for s in SRC[:8]] + [SRC[8] + " " + SRC[9]] + \
      [s.replace("the", "a") for s in SRC[10:16]] + [SRC[17]]  # 18 source sentences, 16 target ones


@pytest.fixture(scope="module")
def hash_encoder():
    return get_encoder("hash", cache=False)


def cached_hash(folder) -> CachedEncoder:
    return get_encoder("hash", cache_dir=folder)


def one_line(exc: BaseException) -> bool:
    text = str(exc)
    return bool(text.strip()) and "\n" not in text


def sound(alignment: Alignment) -> None:
    check_alignment(alignment)
    assert all(math.isfinite(b.score) for b in alignment.beads)


def invoke(*args):
    result = CliRunner().invoke(main, [*map(str, args)])
    return result.exit_code, result.output


def one_error_line(out: str) -> bool:
    lines = out.strip().splitlines()
    return len(lines) == 1 and lines[0].startswith("aligner: error:")


@pytest.fixture
def pair(tmp_path):
    src, tgt = tmp_path / "doc.src", tmp_path / "doc.tgt"
    src.write_text("\n".join(SRC) + "\n", encoding="utf-8")
    tgt.write_text("\n".join(t.replace("a ", "la ") for t in TGT) + "\n", encoding="utf-8")
    return src, tgt


def cli_align(src, tgt, *args):
    return invoke("align", src, tgt, "-q", "--encoder", "hash", "--presplit", "--src-lang", "en",
                  "--tgt-lang", "fr", *args)


# ---------------------------------------------------------------- 1. search parameters


@pytest.mark.parametrize("name", sorted(INT_RANGES))
def test_every_whole_number_parameter_has_a_range(name):
    low, high = INT_RANGES[name]
    assert SearchParams(**{name: high}).as_dict()[name] == high
    assert SearchParams(**{name: low}).as_dict()[name] == low
    for bad in (low - 1, high + 1, 10 ** 6):
        with pytest.raises(ValueError, match=rf"{name} must be a whole number >= {low} and <= {high}"):
            SearchParams(**{name: bad})


def test_every_int_field_is_in_the_range_table():
    ints = {f.name for f in fields(SearchParams) if type(f.default) is int}
    assert ints == set(INT_RANGES)


def test_docs_table_matches_the_ranges():
    text = (ROOT / "docs" / "algorithm.md").read_text(encoding="utf-8")
    for name, (low, high) in INT_RANGES.items():
        assert re.search(rf"\| `{name}` \| {SearchParams().as_dict()[name]} \| {low} to {high} \|", text), name
    for f in fields(SearchParams):
        assert f"| `{f.name}` |" in text, f.name


def test_huge_lazy_reach_is_refused_not_run(hash_encoder):
    # lazy_reach=1000000 on 18x16 sentences never finished
    with pytest.raises(ValueError, match="lazy_reach must be a whole number >= 0 and <= 8"):
        align(SRC, TGT, encoder=hash_encoder, src_lang="en", tgt_lang="fr", lazy_reach=1_000_000)


def test_huge_lazy_reach_on_the_cli(tmp_path, pair):
    code, out = cli_align(*pair, "-o", tmp_path / "x", "--param", "lazy_reach=1000000")
    assert code == 2 and one_error_line(out) and "lazy_reach" in out, out
    assert not list(tmp_path.glob("x.*"))


def test_the_largest_values_finish(hash_encoder):
    start = time.perf_counter()
    a = align(SRC, TGT, encoder=hash_encoder, src_lang="en", tgt_lang="fr",
              **{name: high for name, (_, high) in INT_RANGES.items()}, overlaps="all")
    assert time.perf_counter() - start < 20
    sound(a)


def test_numpy_scalars_become_plain_values(tmp_path):
    # "float32 is not JSON serializable" from the result cache key
    a = align(SRC, TGT, encoder=cached_hash(tmp_path), src_lang="en", tgt_lang="fr",
              skip=np.float32(-0.1), max_bead=np.int64(3), calibrate=np.bool_(False), overlaps=np.str_("lazy"))
    params = a.signature["params"]
    assert type(params["skip"]) is float and type(params["max_bead"]) is int and type(params["calibrate"]) is bool
    assert type(params["overlaps"]) is str and params["max_bead"] == 3
    json.dumps(a.signature)
    sound(a)


@pytest.mark.parametrize("name, value", [
    ("skip", np.float64("nan")), ("skip", np.float32(5000)), ("skip", np.bool_(True)), ("skip", "0.1"),
    ("max_bead", np.int64(9)), ("max_bead", 2.5), ("max_bead", "3"), ("max_bead", np.bool_(True)),
    ("calibrate", np.int64(1)), ("overlaps", 5),
])
def test_bad_numpy_or_python_values_are_refused(name, value):
    with pytest.raises(ValueError, match=f"^{name} must be"):
        SearchParams(**{name: value})


# ---------------------------------------------------------------- 2. encoder output


class Returns:
    """An encoder that returns ``make(texts)``."""

    def __init__(self, make, name="bad"):
        self.make, self.name = make, name

    def encode(self, texts):
        return self.make(texts)


def unit(n, d=8):
    v = np.ones((n, d), dtype=np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


BAD_OUTPUTS = {
    "too few rows": lambda t: unit(max(0, len(t) - 1)),
    "one-dimensional": lambda t: unit(len(t))[:, 0],
    "three-dimensional": lambda t: unit(len(t))[None],
    "complex": lambda t: unit(len(t)).astype(np.complex64),
    "nan": lambda t: np.where(np.arange(len(t))[:, None] == 0, np.nan, unit(len(t))),
    "inf": lambda t: np.full((len(t), 8), np.inf),
    "zero row": lambda t: np.zeros((len(t), 8)),
    "strings": lambda t: np.array([["x"] * 8] * len(t)),
    "ragged": lambda t: [[1.0] * (k + 1) for k in range(len(t))],
    "no columns": lambda t: np.zeros((len(t), 0)),
    "None": lambda t: None,
}


@pytest.mark.parametrize("kind", sorted(BAD_OUTPUTS))
def test_bad_encoder_output_is_one_encoder_error(kind):
    with pytest.raises(EncoderError, match="an encoder must return a 2-D array of finite real numbers") as err:
        align(SRC, TGT, encoder=Returns(BAD_OUTPUTS[kind]), src_lang="en", tgt_lang="fr")
    assert one_line(err.value)


@pytest.mark.parametrize("kind", ["nan", "too few rows", "zero row"])
def test_the_embedding_cache_stores_no_bad_vectors(tmp_path, kind):
    cached = CachedEncoder(Returns(BAD_OUTPUTS[kind], name=f"bad-{kind}"), tmp_path)
    with pytest.raises(EncoderError):
        cached.encode(["a", "b"])
    with sqlite3.connect(cached.path) as db:
        assert db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] == 0


def test_vectors_not_unit_length_are_normalised_with_one_warning(capsys, hash_encoder):
    scaled = Returns(lambda t: 3 * hash_encoder.encode(t), name="unnormalised-test")
    a = align(SRC, TGT, encoder=scaled, src_lang="en", tgt_lang="fr")
    b = align(SRC, TGT, encoder=hash_encoder, src_lang="en", tgt_lang="fr")
    err = capsys.readouterr().err
    assert err.count("not unit length") == 1, err
    assert np.allclose(np.linalg.norm(a.src_vectors, axis=1), 1, atol=1e-5)
    assert a.beads == b.beads


def test_unit_vectors_are_kept_bit_for_bit(hash_encoder):
    v = hash_encoder.encode(SRC)
    assert np.array_equal(check_vectors(v, len(SRC), "hash"), v)


def test_an_encoder_that_changes_width_between_calls(hash_encoder):
    calls = []

    def varying(texts):
        calls.append(1)
        return unit(len(texts), 8 if len(calls) == 1 else 16)

    with pytest.raises(EncoderError, match="rows 16 wide where the vectors before them .* were 8"):
        align(SRC, TGT, encoder=Returns(varying), src_lang="en", tgt_lang="fr")


def test_the_cached_encoder_keeps_one_width(tmp_path):
    calls = []

    def varying(texts):
        calls.append(1)
        return unit(len(texts), 8 if len(calls) == 1 else 16)

    cached = CachedEncoder(Returns(varying, name="varying"), tmp_path)
    cached.encode(["a"])
    with pytest.raises(EncoderError, match="rows 16 wide where .* were 8"):
        cached.encode(["b"])


def test_review_with_an_encoder_of_another_width(hash_encoder):
    a = align(SRC, TGT, encoder=hash_encoder, src_lang="en", tgt_lang="fr")
    with pytest.raises(EncoderError, match="rows 32 wide where .* were 64"):
        review(a, encoder=HashingEncoder(dim=32))


def test_review_refuses_broken_vectors_in_the_alignment(hash_encoder):
    a = align(SRC, TGT, encoder=hash_encoder, src_lang="en", tgt_lang="fr")
    a.src_vectors = a.src_vectors[:-1]
    with pytest.raises(EncoderError, match="17 rows for 18 texts"):
        review(a, encoder=hash_encoder)


# ---------------------------------------------------------------- 3. self-healing caches


def _rows(path):
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT key, vec FROM vectors").fetchall())


CORRUPT_VECTORS = {
    "nan": lambda blob: np.full(len(blob) // 4, np.nan, dtype=np.float32).tobytes(),
    "inf": lambda blob: np.full(len(blob) // 4, np.inf, dtype=np.float32).tobytes(),
    "zero": lambda blob: bytes(len(blob)),
    "not unit": lambda blob: (np.frombuffer(blob, dtype=np.float32) * 2).tobytes(),
    "short": lambda blob: blob[:-4],
    "long": lambda blob: blob + blob,
    "text": lambda blob: "not a vector",
}


@pytest.mark.parametrize("kind", sorted(CORRUPT_VECTORS))
def test_corrupt_embedding_cache_entries_are_recomputed(tmp_path, capsys, kind):
    texts = ["one", "two", "three"]
    expected = HashingEncoder().encode(texts)
    first = cached_hash(tmp_path)
    first.encode(texts)
    first._store.close()
    rows = _rows(first.path)
    with sqlite3.connect(first.path) as db:
        for key, blob in list(rows.items())[:2]:
            db.execute("UPDATE vectors SET vec = ? WHERE key = ?", (CORRUPT_VECTORS[kind](blob), key))
    again = cached_hash(tmp_path)
    assert np.array_equal(again.encode(texts), expected)
    assert np.array_equal(again.encode(texts), expected)
    again._store.close()
    err = capsys.readouterr().err
    assert err.count("was corrupt; recomputed") == 1, err
    assert _rows(first.path) == rows  # the broken rows were replaced


def test_a_corrupt_width_record_heals(tmp_path, capsys):
    first = cached_hash(tmp_path)
    first.encode(["one"])
    first._store.close()
    with sqlite3.connect(first.path) as db:
        db.execute("UPDATE meta SET value = 12 WHERE name = 'width'")
    again = cached_hash(tmp_path)
    again.encode(["one"])
    again._store.close()
    assert "was corrupt" in capsys.readouterr().err
    with sqlite3.connect(first.path) as db:
        assert db.execute("SELECT value FROM meta WHERE name = 'width'").fetchone()[0] == 64 * 4


def _stored(folder) -> Path:
    (entry,) = (Path(folder) / "alignments").glob("*.json")
    return entry


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _set_score(data, value):
    data["beads"][0][2] = value


CORRUPT_RESULTS = {
    "index out of range": lambda d: d["beads"][0][0].__setitem__(0, 99),
    "negative index": lambda d: d["beads"][-1][0].__setitem__(0, -1),
    "cut to one bead": lambda d: d.__setitem__("beads", d["beads"][:1]),
    "bead repeated": lambda d: d["beads"].insert(0, d["beads"][0]),
    "beads reversed": lambda d: d["beads"].reverse(),
    "nan score": lambda d: _set_score(d, float("nan")),
    "string score": lambda d: _set_score(d, "0.5"),
    "empty bead": lambda d: d["beads"].insert(0, [[], [], 0.0]),
    "float index": lambda d: d["beads"][0][0].__setitem__(0, 0.0),
    "nan calibrated": lambda d: d.__setitem__("calibrated", {"skip": float("nan")}),
    "unknown calibrated": lambda d: d.__setitem__("calibrated", {"band": 3.0}),
    "not a dict": lambda d: d.clear(),
}


@pytest.mark.parametrize("kind", sorted(CORRUPT_RESULTS) + ["not JSON", "not UTF-8"])
def test_corrupt_result_cache_entries_are_recomputed(tmp_path, capsys, kind):
    good = align(SRC, TGT, encoder=cached_hash(tmp_path), src_lang="en", tgt_lang="fr")
    entry = _stored(tmp_path)
    stored = entry.read_text(encoding="utf-8")
    if kind in CORRUPT_RESULTS:
        _edit(entry, CORRUPT_RESULTS[kind])
    else:
        entry.write_bytes(stored.encode()[:40] if kind == "not JSON" else b"\xff" + stored.encode())
    again = align(SRC, TGT, encoder=cached_hash(tmp_path), src_lang="en", tgt_lang="fr")
    err = capsys.readouterr().err
    assert err.count("was corrupt") == 1 and "recomputed" in err, err
    assert again.beads == good.beads and again.signature == good.signature
    assert entry.read_text(encoding="utf-8") == stored  # overwritten with the sound result


def test_a_nan_score_in_the_result_cache_reaches_no_output(tmp_path, pair):
    cache = tmp_path / "cache"
    assert cli_align(*pair, "-o", tmp_path / "a", "--cache-dir", cache, "--formats", "json,beads")[0] == 0
    _edit(_stored(cache), lambda d: _set_score(d, float("nan")))
    code, out = cli_align(*pair, "-o", tmp_path / "b", "--cache-dir", cache, "--formats", "json,beads")
    assert code == 0, out
    for ext in ("json", "beads"):
        text = (tmp_path / f"b.{ext}").read_text(encoding="utf-8")
        assert "nan" not in text.lower() and text == (tmp_path / f"a.{ext}").read_text(encoding="utf-8")


def test_a_truncated_result_cache_entry_covers_everything_on_the_cli(tmp_path, pair):
    # a cache entry cut to one bead gave outputs covering 1 of 18 sentences, exit 0
    cache = tmp_path / "cache"
    assert cli_align(*pair, "-o", tmp_path / "a", "--cache-dir", cache, "--formats", "beads")[0] == 0
    _edit(_stored(cache), CORRUPT_RESULTS["cut to one bead"])
    code, out = cli_align(*pair, "-o", tmp_path / "b", "--cache-dir", cache, "--formats", "beads")
    assert code == 0 and "was corrupt" in out, out
    assert (tmp_path / "b.beads").read_text() == (tmp_path / "a.beads").read_text()


# ---------------------------------------------------------------- 4. one alignment check


def _alignment(hash_encoder) -> Alignment:
    return align(SRC, TGT, encoder=hash_encoder, src_lang="en", tgt_lang="fr")


BROKEN = {
    "missing bead": lambda a: a.beads.pop(3),
    "bead twice": lambda a: a.beads.insert(1, a.beads[1]),
    "out of range": lambda a: a.beads.append(Bead((len(a.zh),), (), 0.0)),
    "negative": lambda a: a.beads.__setitem__(0, Bead((-1,), a.beads[0].en, 0.0)),
    "nan score": lambda a: a.beads.__setitem__(0, replace(a.beads[0], score=float("nan"))),
    "empty bead": lambda a: a.beads.append(Bead((), (), 0.0)),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_review_refuses_an_unsound_alignment(hash_encoder, kind):
    # an alignment missing beads was reviewed with coverage 1.0
    a = _alignment(hash_encoder)
    BROKEN[kind](a)
    with pytest.raises(InputError) as err:
        review(a, encoder=hash_encoder)
    assert one_line(err.value)


@pytest.mark.parametrize("kind", ["missing bead", "bead twice", "nan score"])
def test_load_alignment_uses_the_same_check(tmp_path, hash_encoder, kind):
    from aligner.export import load_alignment
    from aligner.export.json import alignment_to_dict

    a = _alignment(hash_encoder)
    BROKEN[kind](a)
    path = tmp_path / "a.json"
    path.write_text(json.dumps(alignment_to_dict(a)), encoding="utf-8")
    with pytest.raises(InputError, match=f"^{re.escape(str(path))}: not an aligner alignment: bead") as err:
        load_alignment(str(path))
    assert one_line(err.value)


@pytest.mark.parametrize("value", [None, "text", 5, [Bead((0,), (0,))]])
def test_review_of_something_else(value):
    with pytest.raises(TypeError, match="expected an Alignment"):
        review(value)


def test_review_refuses_a_bad_encoder(hash_encoder):
    with pytest.raises(TypeError, match="encoder must be a name"):
        review(_alignment(hash_encoder), encoder=5)


@pytest.mark.parametrize("spoil, says", [
    (lambda beads: beads[:-1], "each sentence must be in exactly one bead"),
    (lambda beads: [replace(beads[0], score=float("nan"))] + beads[1:], "a score must be a finite number"),
])
def test_the_search_result_is_checked_before_it_is_stored(tmp_path, monkeypatch, spoil, says):
    import aligner.api as api

    real = api._search
    monkeypatch.setattr(api, "_search", lambda *args: (spoil(real(*args)[0]), {}))
    with pytest.raises(InputError, match=says):
        align(SRC, TGT, encoder=cached_hash(tmp_path), src_lang="en", tgt_lang="fr")
    assert not list(tmp_path.glob("alignments/*"))


# ---------------------------------------------------------------- 5. temporary files


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_result_cache_temp_files_are_named_and_cleaned(tmp_path):
    store = ResultStore(tmp_path)
    store.put("k", [Bead((0,), (0,), 0.5)], {})
    assert [p.name for p in tmp_path.iterdir()] == ["k.json"]
    old = time.time() - STALE_SECONDS - 60
    dead = tmp_path / f"{TEMP_PREFIX}{_dead_pid()}-{'a' * 12}.tmp"
    mine = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-{'b' * 12}.tmp"
    mine_old = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-{'c' * 12}.tmp"
    odd = tmp_path / f"{TEMP_PREFIX}x-{'d' * 12}.tmp"
    other = tmp_path / "notes.tmp"
    for p in (dead, mine, mine_old, odd, other):
        p.write_text("{")
    os.utime(mine_old, (old, old))
    store.remove_stale()
    # a name not of our making is not ours to remove
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["k.json", mine.name, odd.name, other.name])


def test_the_store_beside_an_encoder_sweeps_stale_files(tmp_path):
    encoder = cached_hash(tmp_path)
    folder = Path(encoder.path).parent / "alignments"
    folder.mkdir(parents=True)
    stale = folder / f"{TEMP_PREFIX}{_dead_pid()}-{'e' * 12}.tmp"
    stale.write_text("{")
    align(SRC, TGT, encoder=encoder, src_lang="en", tgt_lang="fr")
    assert not stale.exists() and len(list(folder.glob("*.json"))) == 1


@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError])
def test_an_interrupted_write_leaves_no_temp_file(tmp_path, monkeypatch, error):
    def fail(*_):
        raise error()

    monkeypatch.setattr(os, "replace", fail)
    store = ResultStore(tmp_path)
    if error is KeyboardInterrupt:
        with pytest.raises(KeyboardInterrupt):
            store.put("k", [Bead((0,), (0,), 0.5)], {})
    else:
        store.put("k", [Bead((0,), (0,), 0.5)], {})
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- 6. API arguments


class NoName:
    def encode(self, texts):
        return unit(len(texts))


class NoEncode:
    name = "no-encode"


@pytest.mark.parametrize("zh, kind, says", [
    (None, TypeError, "got NoneType"),
    (5, TypeError, "got int"),
    ({"a": 1}, TypeError, "got dict"),
    (b"bytes", TypeError, "got bytes"),
    ({"a", "b"}, TypeError, "got set"),
    ([[["深"]]], TypeError, r"zh\[0\]\[0\] is a list"),
    (["a", ["b"]], TypeError, r"zh\[1\] is a list"),
    ([1, 2], TypeError, r"zh\[0\] is a int"),
    ([], InputError, "nothing to align"),
    ([[]], InputError, "nothing to align"),
    ("", InputError, "nothing to align"),
    (["ok", "bad \ud800 here"], InputError, r"zh\[1\] holds a lone surrogate \(U\+D800\) at character 4"),
    ([["ok"], ["fine", "\udcff"]], InputError, r"zh\[1\]\[1\] holds a lone surrogate"),
    ("ok\nbad \ud800", InputError, "zh line 2 holds a lone surrogate"),
])
def test_bad_api_arguments(hash_encoder, zh, kind, says):
    with pytest.raises(kind, match=says) as err:
        align(zh, TGT, encoder=hash_encoder, src_lang="en", tgt_lang="fr")
    assert one_line(err.value)
    if kind is TypeError:
        assert "a text (str), a list of sentences (str) or a list of paragraphs (lists of str)" in str(err.value)


@pytest.mark.parametrize("encoder", [5, NoName(), NoEncode(), 3.5, ["hash"]])
def test_bad_encoders(encoder):
    with pytest.raises(TypeError, match="encoder must be a name .*None for the default, or an object") as err:
        align(SRC, TGT, encoder=encoder, src_lang="en", tgt_lang="fr")
    assert one_line(err.value)


@pytest.mark.parametrize("arg", ["src_lang", "tgt_lang", "src_locale"])
def test_bad_language_arguments(hash_encoder, arg):
    with pytest.raises(TypeError, match=f"{arg} must be a language tag"):
        align(SRC, TGT, encoder=hash_encoder, **{"src_lang": "en", "tgt_lang": "fr", arg: 5})
    with pytest.raises(ValueError, match=f"{arg} .*: not a language tag"):
        align(SRC, TGT, encoder=hash_encoder, **{"src_lang": "en", "tgt_lang": "fr", arg: "x\x01"})


def test_unknown_search_option(hash_encoder):
    with pytest.raises(TypeError, match="bogus"):
        align(SRC, TGT, encoder=hash_encoder, src_lang="en", tgt_lang="fr", bogus=1)


def test_review_refuses_lone_surrogates(hash_encoder):
    a = _alignment(hash_encoder)
    a.en[2] = Sentence("broken \udc80", a.en[2].paragraph)
    with pytest.raises(InputError, match=r"alignment.en\[2\].text holds a lone surrogate"):
        review(a, encoder=hash_encoder)


def test_align_sentences_still_takes_sentences(hash_encoder):
    src = [Sentence(t, 0) for t in SRC]
    tgt = [Sentence(t, 0) for t in TGT]
    sound(align_sentences(src, tgt, encoder=hash_encoder, src_lang="en", tgt_lang="fr"))


def test_checked_encoder_passes_the_name_and_signature():
    checked = CheckedEncoder(HashingEncoder())
    assert (checked.name, checked.signature) == ("hash", "hash:64x3gram")
    assert checked.encode([]).shape[0] == 0


# ---------------------------------------------------------------- property test

def _property_test():
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    chars = st.one_of(st.characters(exclude_categories=()), st.sampled_from("abc xyz。，的是\n"),
                      st.sampled_from(["\ud800", "\udfff", "\x00", "\r", "\x85", "\u2028", "\x1b"]))
    text = st.text(chars, max_size=40)
    sentences = st.lists(text, min_size=1, max_size=6)
    paragraphs = st.lists(sentences, min_size=1, max_size=3)
    bad = st.one_of(st.none(), st.integers(), st.dictionaries(text, st.integers(), max_size=2), st.just([]),
                    st.lists(st.one_of(text, st.integers(), st.lists(st.lists(text, max_size=2), max_size=2)),
                             max_size=3),
                    st.builds(np.float32, st.floats(width=32)))
    # mostly documents that can be aligned, one in eight of another kind (one_of would weigh each kind alike)
    doc = st.integers(0, 7).flatmap(lambda k: (bad, text, sentences, paragraphs)[min(k, 1 + k % 3)])
    number = st.one_of(st.integers(0, 8), st.floats(-1, 1), st.booleans(), st.sampled_from(["lazy", "all", "none"]),
                       st.builds(np.float32, st.floats(-2, 2, width=32)), st.builds(np.int64, st.integers(-3, 12)),
                       st.builds(np.bool_, st.booleans()), st.integers(), st.floats(allow_nan=True),
                       st.sampled_from(["x", "mult", "add"]))
    names = [f.name for f in fields(SearchParams)] + ["bogus"]
    options = st.dictionaries(st.sampled_from(names), number, max_size=3)
    encoder = get_encoder("hash", cache=False)

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(doc, doc, options, st.sampled_from([None, "en", "zh", "fr"]))
    def check(zh, en, opts, lang):
        try:
            result = align(zh, en, encoder=encoder, src_lang=lang, tgt_lang=lang and "de", **opts)
        except (AlignerError, TypeError, ValueError) as exc:
            assert one_line(exc), repr(exc)
            return
        sound(result)

    return check


test_api_property = _property_test()


def test_package_exports_are_unchanged():
    assert aligner.align is align
