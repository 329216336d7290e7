"""Shared fixtures: a private embedding cache, the ../shared data, a cheap deterministic encoder."""

from __future__ import annotations

import os
from pathlib import Path

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
