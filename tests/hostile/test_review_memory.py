"""Issue #18: the review is linear in memory. The zh × en cosines are read on demand (cells, windows, blocks),
never as an n × m array; the heatmap is averaged from summed vectors; one overlong line costs linear time."""

from __future__ import annotations

import random
import tracemalloc

import numpy as np
import pytest
from click.testing import CliRunner

from aligner.api import align
from aligner.cli import main
from aligner.encoders import get_encoder
from aligner.model import Alignment, Bead, Sentence
from aligner.omissions import review, similarity
from aligner.omissions.clauses import split_clauses
from aligner.omissions.similarity import Similarity
from aligner.omissions.wordmodel import MAX_WORDS, chinese_tokens, english_tokens
from aligner.report import render_html
from aligner.report.heatmap import MAX_CELLS, _downsample
from aligner.segment import MAX_SENTENCE_CHARS


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def _vectors(n: int, m: int, seed: int = 0, dtype=np.float32) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 6)).astype(dtype), rng.normal(size=(m, 6)).astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n, m", [(1, 1), (2, 3), (7, 5), (8, 6), (61, 47)])
def test_median_is_numpys_median_of_the_matrix(monkeypatch, n, m, dtype):
    monkeypatch.setattr(similarity, "BLOCK_CELLS", 50)  # several blocks
    S, T = _vectors(n, m, seed=n * m, dtype=dtype)
    sim = Similarity(S, T)
    dense = np.concatenate(list(sim.row_blocks()))
    assert dense.shape == (n, m)
    assert sim.median() == float(np.median(dense))
    ordered = np.sort(dense, axis=None)
    for rank in {0, dense.size // 2, dense.size - 1}:  # the fallback used when the sample's bracket misses
        assert sim._radix(rank) == ordered[rank]


def test_median_with_ties_zeros_and_negatives(monkeypatch):
    S = np.array([[1.0], [0.0], [-1.0], [0.0], [-0.0]], dtype=np.float32)
    T = np.array([[1.0], [-0.0], [2.0], [-3.0]], dtype=np.float32)
    assert Similarity(S, T).median() == float(np.median(S @ T.T))
    monkeypatch.setattr(similarity, "_KEPT", 0)  # the bracket "holds too many": radix selection
    assert Similarity(S, T).median() == float(np.median(S @ T.T))
    assert np.isnan(Similarity(S[:0], T).median())


def test_row_statistics_and_windows_are_the_dense_ones(monkeypatch):
    monkeypatch.setattr(similarity, "BLOCK_CELLS", 64)
    S, T = _vectors(40, 23)
    sim, dense = Similarity(S, T), S @ T.T
    assert np.allclose(sim.row_max(), dense.max(axis=1))
    assert np.allclose(sim.row_median(), np.median(dense, axis=1))
    assert np.allclose(sim[3, 2:9], dense[3, 2:9]) and np.allclose(sim[5:30, 7], dense[5:30, 7])
    assert np.isclose(sim[39, 22], dense[39, 22])


def _dense_downsample(dense: np.ndarray, limit: int) -> np.ndarray:
    """The heatmap's averaging as it was done on the full matrix (NaN padding, nanmean over blocks)."""
    fi, fj = max(1, -(-dense.shape[0] // limit)), max(1, -(-dense.shape[1] // limit))
    n, m = -(-dense.shape[0] // fi) * fi, -(-dense.shape[1] // fj) * fj
    padded = np.full((n, m), np.nan)
    padded[: dense.shape[0], : dense.shape[1]] = dense
    return np.nanmean(padded.reshape(n // fi, fi, m // fj, fj), axis=(1, 3))


@pytest.mark.parametrize("n, m, limit", [(1001, 10, 400), (1203, 845, 400), (37, 53, 10), (5, 5, 400)])
def test_heatmap_blocks_equal_the_dense_average(n, m, limit):
    S, T = _vectors(n, m, seed=3)
    small, fi, fj = _downsample(Similarity(S, T), limit)
    assert small.shape == (-(-n // fi), -(-m // fj)) and max(small.shape) <= limit
    assert np.allclose(small, _dense_downsample(S.astype(np.float64) @ T.T.astype(np.float64), limit), atol=1e-9)


def _big_alignment(n: int) -> Alignment:
    """n 1-1 beads with vectors given (no encoder call for sentences), a German–French pair (no lexicon)."""
    rng = np.random.default_rng(0)
    S = _unit(rng.normal(size=(n, 64)))
    T = _unit(S + 0.5 * rng.normal(size=(n, 64)))
    alignment = Alignment([Sentence(f"Satz {k}.", k // 20) for k in range(n)],
                          [Sentence(f"Phrase {k}.", k // 20) for k in range(n)],
                          [Bead((k,), (k,), 0.5) for k in range(n)], src_lang="de", tgt_lang="fr")
    alignment.src_vectors, alignment.tgt_vectors = S, T
    return alignment


def test_review_of_a_long_document_never_holds_an_n_by_m_array(monkeypatch):
    n = 3000
    monkeypatch.setattr(similarity, "BLOCK_CELLS", 1 << 15)
    alignment = _big_alignment(n)
    encoder = get_encoder("hash", cache=False)
    largest = []
    product = Similarity.__getitem__

    def recorded(self, key):
        out = product(self, key)
        largest.append(np.size(out))
        return out

    monkeypatch.setattr(Similarity, "__getitem__", recorded)
    cells = Similarity.pairs

    def counted(self, rows, cols):
        if len(rows):
            largest.append(int(np.bincount(rows).max()))  # the most cells read of one row at once
        return cells(self, rows, cols)

    monkeypatch.setattr(Similarity, "pairs", counted)
    peaks = []
    tracemalloc.start()
    try:
        result = review(alignment, encoder=encoder)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.reset_peak()
        small, _, _ = _downsample(result.similarity, MAX_CELLS)  # the heatmap's picture: all it reads of the cells
        peaks.append(tracemalloc.get_traced_memory()[1])
    finally:
        tracemalloc.stop()
    assert small.shape == (MAX_CELLS - 25, MAX_CELLS - 25)  # blocks of 8 sentences
    assert "data:image/png;base64," in render_html(result)
    assert isinstance(result.similarity, Similarity) and not any(
        isinstance(v, np.ndarray) and v.size >= n * n for v in vars(result.similarity).values())
    assert max(largest) < n  # cells and windows only
    dense = n * n * 4
    assert max(peaks) < dense / 4, f"peaks {peaks}: an n × m float32 array is {dense / 1e6:.0f} MB"


def _long_pair(chars: int) -> tuple[str, str]:
    rng = random.Random(chars)
    zh = "".join(rng.choices("天地日月山水火木金土人心手口目耳风雨云雪春夏秋冬东南西北，", k=chars)) + "。"
    en = " ".join(rng.choices("river city bridge road mountain water fire wood metal , earth".split(),
                              k=chars // 3)) + "."
    return zh, en


def test_overlong_sentence_is_read_in_bounded_pieces():
    zh, en = _long_pair(20_000)
    assert len(chinese_tokens(zh)) == MAX_WORDS and len(english_tokens(en)) == MAX_WORDS
    assert [c.text for c in split_clauses(zh, "zh")] == [zh[:-1]]  # one clause (its 。 trimmed): no square cost
    assert len(split_clauses(en, "en")) == 1
    short = zh[:MAX_SENTENCE_CHARS]
    assert len(split_clauses(short, "zh")) > 1  # sentences the segmenter makes are still split


def test_review_of_a_long_line_is_linear():
    """A 50,000-character line in a short document: about 0.5 kB of Python objects per character at the peak
    (splitting it into clauses, each compared with the rest of its bead, took the square: gigabytes)."""
    chars = 50_000
    zh, en = _long_pair(chars)
    encoder = get_encoder("hash", cache=False)
    others = [f"第{k}号。" for k in range(30)], [f"No {k}." for k in range(30)]
    alignment = align([others[0][:15] + [zh] + others[0][15:]], [others[1][:15] + [en] + others[1][15:]],
                      encoder=encoder, src_lang="zh", tgt_lang="en")
    assert zh in [s.text for s in alignment.zh]
    tracemalloc.start()
    try:
        result = review(alignment, encoder=encoder)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert not [f for f in result.flags if f.kind == "clause" and alignment.zh[f.zh_sentence].text == zh]
    assert peak < 1000 * chars, f"peak {peak / 1e6:.0f} MB for a {chars}-character line"


def test_cli_reviews_a_ten_thousand_character_line(tmp_path):
    zh, en = _long_pair(10_000)
    (tmp_path / "a.zh").write_text("第一句。\n" + zh + "\n最后一句。\n", encoding="utf-8")
    (tmp_path / "a.en").write_text("The first.\n" + en + "\nThe last.\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["review", str(tmp_path / "a.zh"), str(tmp_path / "a.en"), "--presplit",
                                       "--encoder", "hash", "--no-cache", "-q", "-o", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.review.json").exists() and (tmp_path / "r.review.html").exists()
