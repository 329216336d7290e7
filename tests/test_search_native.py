"""The compiled kernels as a shared library built once per machine (aligner.native): opened by a fresh process
without numba or llvmlite, strict about the arrays they write, rebuilt when damaged, and replaced by numba's
dispatchers where they cannot be built."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from aligner import native
from aligner.search import compiled, kernel, rows
from aligner.search.compiled import SEARCH


def _fresh(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ))


def test_a_fresh_process_opens_them_without_numba_or_llvmlite():
    assert native.load(SEARCH) is not None  # built into the tests' private cache folder, if not yet
    out = _fresh("import sys, time; from aligner import native; from aligner.search.compiled import SEARCH; "
                 "t = time.perf_counter(); k = native.load(SEARCH); "
                 "print(k is not None, 'numba' in sys.modules, 'llvmlite' in sys.modules, time.perf_counter() - t)")
    found = out.stdout.split()
    assert found[:3] == ["True", "False", "False"], out.stderr
    assert float(found[3]) < 0.2  # about 2 ms; numba's own load, 0.6 s


def _row(width: int = 6):
    D = np.array([0.0, -1.0, 0.5, -np.inf, 0.2, 0.1][:width])
    return D, np.zeros(width, dtype=np.int8), np.full(width, -1, dtype=np.int32), \
        np.array([0, width], dtype=np.int64), np.array([3, 0], dtype=np.int64), np.array([width, 0], dtype=np.int64)


def test_they_compute_what_the_array_version_does_and_convert_what_they_only_read():
    k = native.load(SEARCH)
    D, BP, chain, off, lo, width = _row()
    expected = [a.copy() for a in (D, BP, chain)]
    rows.relax_nulls(*expected, off, lo, width, 0, -0.1, -0.05, 7)
    k.relax_nulls(D, BP, chain, off.astype(np.int32), lo, width, 0, -0.1, -0.05, 7)  # read: converted
    for got, want in zip((D, BP, chain), expected):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("bad", ["dtype", "strided", "readonly"])
def test_an_array_they_write_must_be_theirs_exactly(bad):
    k = native.load(SEARCH)
    D, BP, chain, off, lo, width = _row()
    if bad == "dtype":
        D = D.astype(np.float32)
    elif bad == "strided":
        D = np.repeat(D, 2)[::2]
    else:
        D.flags.writeable = False
    with pytest.raises(TypeError, match="C-contiguous"):
        k.relax_nulls(D, BP, chain, off, lo, width, 0, -0.1, -0.05, 7)


def _elsewhere(monkeypatch, tmp_path):
    """native's library kept in ``tmp_path`` (built or not, as a test makes it)."""
    from aligner import derived

    monkeypatch.setattr(derived, "derived_dir", lambda: tmp_path)
    monkeypatch.setattr(native, "derived_dir", lambda: tmp_path)
    return native.library_path(SEARCH)


def test_a_damaged_library_is_built_again(monkeypatch, tmp_path):
    path = _elsewhere(monkeypatch, tmp_path)
    path.write_bytes(b"not a library")
    assert native.load(SEARCH) is not None
    assert path.read_bytes()[:4] == b"\x7fELF"


def test_without_a_compiler_there_is_no_build_and_numbas_dispatchers_serve(monkeypatch, tmp_path):
    path = _elsewhere(monkeypatch, tmp_path)
    monkeypatch.setattr(native, "_compiler", lambda: None)
    assert not native.buildable(SEARCH)
    assert native.load(SEARCH) is None and not path.exists()
    monkeypatch.setattr(compiled, "_active", [])
    assert compiled.kernels() is kernel


def test_a_failed_build_is_recorded_and_not_tried_again(monkeypatch, tmp_path):
    path = _elsewhere(monkeypatch, tmp_path)
    monkeypatch.setattr(native, "_compiler", lambda: "/bin/false")  # a compiler that fails to link
    assert native.buildable(SEARCH)
    assert native.load(SEARCH) is None
    assert path.with_suffix(".failed").exists() and not native.buildable(SEARCH)


def test_a_build_leaves_no_work_folder_and_sweeps_a_killed_ones(monkeypatch, tmp_path):
    """A build works in a temporary folder of its own, removed whether it succeeds or fails; the folder of a
    build that was killed (its process gone) is removed by the next build."""
    from aligner.tempfiles import PREFIX

    path = _elsewhere(monkeypatch, tmp_path)
    killed = tmp_path / f"{PREFIX}999999999-0123456789ab.tmp"
    killed.mkdir()
    (killed / "0.o").write_bytes(b"half")
    monkeypatch.setattr(native, "_compiler", lambda: "/bin/false")
    assert native.load(SEARCH) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.with_suffix(".failed").name]


def test_a_folder_that_cannot_be_written_gets_no_build(monkeypatch, tmp_path):
    _elsewhere(monkeypatch, tmp_path)
    monkeypatch.setattr(native.os, "access", lambda path, mode: False)  # as a read-only folder answers
    assert not native.buildable(SEARCH)
    assert native.load(SEARCH) is None


def test_machines_of_two_kinds_sharing_a_cache_folder_keep_each_their_own_library(monkeypatch, tmp_path):
    _elsewhere(monkeypatch, tmp_path)
    for cpu in ("one", "other", "one"):
        monkeypatch.setattr(native, "_machine_id", lambda cpu=cpu: cpu)
        assert native.load(SEARCH) is not None
    assert sorted(p.name.split("-")[2] for p in tmp_path.glob("search-kernels-*.so")) == ["one", "other"]


def test_numba_loaded_after_them_still_has_its_runtime():
    # the library defines numba's runtime functions as weak aborts: numba, loaded later in the same process
    # (the review's word model), must keep its own
    out = _fresh("""
import numpy as np
from aligner import native
from aligner.search.compiled import SEARCH
assert native.load(SEARCH) is not None
from numba import njit

@njit
def f(x):
    if x > 1:
        raise ValueError("raised")
    return np.ones(x)  # allocated by numba's runtime

assert f(1).sum() == 1.0
try:
    f(3)
except ValueError as e:
    print(e)
""")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "raised"


def test_an_alignment_with_the_library_built_imports_neither_numba_nor_llvmlite():
    assert native.load(SEARCH) is not None
    out = _fresh("""
import sys
import aligner
from aligner.encoders.hashing import HashingEncoder
from aligner.search import compiled
zh = ["第一句话。", "第二句话很长。", "第三句。"] * 5
en = ["The first sentence.", "The second sentence is long.", "The third."] * 5
aligner.align(zh, en, encoder=HashingEncoder(), src_lang="zh", tgt_lang="en", cache=False)
print(bool(compiled._active), "numba" in sys.modules, "llvmlite" in sys.modules)
""")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "False", "False"]
