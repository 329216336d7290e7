"""The compiled kernels kept as machine code (search.native): loaded by a fresh process without numba, strict
about the arrays they write, and replaced by numba's dispatchers where they cannot be built."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from aligner.search import compiled, kernel, native, rows


def test_a_fresh_process_loads_them_without_importing_numba():
    native.load()  # built into the tests' private cache folder, if not yet
    code = ("import sys, time; from aligner.search import native; t = time.perf_counter(); k = native.load(); "
            "print(k is not None, 'numba' in sys.modules, time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=dict(os.environ)).stdout.split()
    assert out[:2] == ["True", "False"]
    assert float(out[2]) < 1.0  # numba's own load: about 0.6 s; these, about 0.03 s


def _row(width: int = 6):
    D = np.array([0.0, -1.0, 0.5, -np.inf, 0.2, 0.1][:width])
    return D, np.zeros(width, dtype=np.int8), np.full(width, -1, dtype=np.int32), \
        np.array([0, width], dtype=np.int64), np.array([3, 0], dtype=np.int64), np.array([width, 0], dtype=np.int64)


def test_they_compute_what_the_array_version_does_and_convert_what_they_only_read():
    k = native.load()
    D, BP, chain, off, lo, width = _row()
    expected = [a.copy() for a in (D, BP, chain)]
    rows.relax_nulls(*expected, off, lo, width, 0, -0.1, -0.05, 7)
    k.relax_nulls(D, BP, chain, off.astype(np.int32), lo, width, 0, -0.1, -0.05, 7)  # read: converted
    for got, want in zip((D, BP, chain), expected):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("bad", ["dtype", "strided", "readonly"])
def test_an_array_they_write_must_be_theirs_exactly(bad):
    k = native.load()
    D, BP, chain, off, lo, width = _row()
    if bad == "dtype":
        D = D.astype(np.float32)
    elif bad == "strided":
        D = np.repeat(D, 2)[::2]
    else:
        D.flags.writeable = False
    with pytest.raises(TypeError, match="C-contiguous"):
        k.relax_nulls(D, BP, chain, off, lo, width, 0, -0.1, -0.05, 7)


def test_without_them_the_search_uses_numbas_dispatchers(monkeypatch):
    def fail():
        raise RuntimeError("no compiler here")

    monkeypatch.setattr(native, "_key", lambda: "a key never built")
    monkeypatch.setattr(native, "_build", fail)
    assert native.load() is None
    monkeypatch.setattr(compiled, "_active", [])
    assert compiled.kernels() is kernel


def test_a_folder_that_cannot_be_written_gets_numbas_dispatchers_not_a_build_per_process(monkeypatch, tmp_path):
    built = []
    monkeypatch.setattr(native, "derived_dir", lambda: tmp_path)
    monkeypatch.setattr(native.os, "access", lambda path, mode: False)  # as a read-only folder answers
    monkeypatch.setattr(native, "load_or_build", lambda name, key, build: built.append(name) or build())
    assert native.load() is None
    assert len(built) == 1  # asked to build, and refused before compiling anything


def test_machines_of_two_kinds_sharing_a_cache_folder_keep_each_their_own_code(monkeypatch, tmp_path):
    import llvmlite.binding as llvm

    from aligner import derived

    monkeypatch.setattr(derived, "derived_dir", lambda: tmp_path)
    monkeypatch.setattr(native, "_build", lambda: {"objects": [], "names": {}, "externals": []})
    for cpu in ("one", "other", "one"):
        monkeypatch.setattr(llvm, "get_host_cpu_name", lambda cpu=cpu: cpu)
        native.load()  # an empty payload: stored, then refused as code (None)
    assert len(list(tmp_path.glob("search-kernels-*"))) == 2


def test_numba_loaded_after_them_still_has_its_runtime():
    # the kernels bind numba's runtime symbols to abort when numba is not loaded: numba, loaded later in the
    # same process (the review's word model), must get its own back (it registers them as it starts)
    code = """
import numpy as np
from aligner.search import native
assert native.load() is not None
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
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "raised"
