"""Shared fixtures: a private embedding cache, the ../shared data, a cheap deterministic encoder, the
comparison of the compiled and numpy search scores, each compiled implementation in turn."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory):
    """Tests never write to the user's real cache folder."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


@pytest.fixture(scope="session")
def shared() -> Path:
    if not (SHARED / "corpora").is_dir():
        pytest.skip(f"../shared/corpora not found (looked in {SHARED}): shared test data is missing")
    return SHARED


@pytest.fixture(scope="module", params=["native", "numba"])
def compiled_kernels(request):
    """The search's compiled kernels as a module's tests use them: the machine code loaded without numba
    (aligner.native), then numba's own dispatchers (search.kernel)."""
    from aligner import native
    from aligner.search import compiled, kernel

    if request.param == "native":
        found = native.load(compiled.SEARCH)
        assert found is not None, "the native kernels could not be built or loaded here"
    else:
        kernel.warm()
        found = kernel
    saved = list(compiled._active)
    compiled._active[:] = [found]
    yield request.param
    compiled._active[:] = saved


@pytest.fixture(scope="session")
def use_encoder():
    from aligner.encoders import get_encoder

    return get_encoder("use")


# A three-sentence pair that aligns one to one: the robustness and hostile-input tests' default input.
PAIR_ZH = "今天天气很好。\n我们去公园散步。\n公园里有很多人。\n"
PAIR_EN = "The weather is nice today.\nWe went for a walk in the park.\nThe park was crowded.\n"


@pytest.fixture
def pair(tmp_path):
    """``doc.zh`` and ``doc.en`` in tmp_path (PAIR_ZH, PAIR_EN)."""
    zh, en = tmp_path / "doc.zh", tmp_path / "doc.en"
    zh.write_text(PAIR_ZH, encoding="utf-8")
    en.write_text(PAIR_EN, encoding="utf-8")
    return zh, en


def _numpy_math_is_libm() -> bool:
    """Whether numpy's log2 and power give the C library's results here, as numba's do. numpy's builds for
    AVX-512 use vector versions of their own, which differ from it in the last bit now and then."""
    x = np.linspace(1.0, 2.0, 4097)
    return (all(float(v) == math.log2(float(w)) for v, w in zip(np.log2(x), x))
            and all(float(v) == float(w) ** 0.6 for v, w in zip(x ** 0.6, x)))


@pytest.fixture(scope="session")
def same_scores():
    """``check(a, b)``: the numpy and compiled search scores are the same numbers: bit for bit where numpy's
    log2 and power are the C library's, else the same cells scored (the same -inf) and the same scores
    but for the last bits of their terms."""
    exact = _numpy_math_is_libm()

    def check(a: np.ndarray, b: np.ndarray) -> None:
        if exact:
            assert a.tobytes() == b.tobytes()  # -0.0 and 0.0 alike
            return
        assert a.shape == b.shape and np.array_equal(np.isinf(a), np.isinf(b))
        finite = np.isfinite(a)
        # scores are sums of terms of order 1, so an ulp of a term is about 1e-16 of a score that cancels
        np.testing.assert_allclose(a[finite], b[finite], rtol=0, atol=1e-12)

    return check
