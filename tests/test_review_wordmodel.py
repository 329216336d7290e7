"""The word model's compiled pair scores against Model 1 written out plainly, and the review's per-text word
memo against the functions it remembers."""

from __future__ import annotations

import math
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.omissions.wordmodel import NULL, Tokens, WordModel, chinese_tokens, english_tokens


@pytest.fixture(autouse=True, params=["native", "numba"])
def word_kernels(request, monkeypatch):
    """Each test with the word model's kernels from the library loaded without numba, then numba's own."""
    from aligner.omissions import word_kernels, wordmodel
    from aligner import native

    found = native.load(wordmodel.WORDS) if request.param == "native" else word_kernels
    assert found is not None, "the word model's kernels could not be built or loaded here"
    monkeypatch.setattr(wordmodel, "_loaded", [found])
    return request.param


ZH = [f"z{k}" for k in range(12)]
EN = [f"e{k}" for k in range(12)] + [NULL]


def model1(model: WordModel, zh: tuple[str, ...], en: tuple[str, ...]) -> float:
    """Mean over the Chinese words of log((sum of t(w|e) * count(e) + floor * count of English words never
    seen with w) / (len(en) + 1)), NULL counted once; log(floor) for a word the table lacks."""
    if not zh:
        return 0.0
    counts = Counter(en)
    counts[NULL] += 1
    size = len(en) + 1
    total = 0.0
    for w in zh:
        known = model.table.get(w)
        if known is None:
            total += math.log(model.floor)
            continue
        mass = sum(known.get(e, 0.0) * n for e, n in counts.items())
        matched = sum(n for e, n in counts.items() if known.get(e, 0.0) > 0)
        total += math.log((mass + model.floor * (size - matched)) / size)
    return total / len(zh)


tables = st.dictionaries(st.sampled_from(ZH[:9]), st.dictionaries(st.sampled_from(EN), st.floats(1e-6, 1.0),
                                                                    min_size=1), max_size=9)
sides = st.tuples(st.lists(st.sampled_from(ZH), max_size=6).map(tuple),
                  st.lists(st.sampled_from(EN[:-1]), max_size=8).map(tuple))


@settings(max_examples=150, deadline=None)
@given(tables, st.lists(sides, max_size=12))
def test_pair_scores_are_model1(table, pairs):
    model = WordModel(table, 0.0, 1.0)
    scores = model.explain_pairs(pairs)
    assert scores.shape == (len(pairs),)
    for score, (zh, en) in zip(scores, pairs):
        assert math.isclose(score, model1(model, zh, en), rel_tol=1e-12, abs_tol=1e-12)


def test_a_large_table_probes_past_collisions():
    # 3,000 cells in a hash table of 8,192 slots: many probe further than their first slot
    table = {f"z{r}": {f"e{c}": (r * 61 + c) % 97 / 97 + 0.01 for c in range(r % 7, 60, 7)} for r in range(350)}
    model = WordModel(table, 0.0, 1.0)
    pairs = [((f"z{r}", f"z{(r * 13) % 350}", "unknown"), tuple(f"e{(r + k) % 60}" for k in range(9)))
             for r in range(350)]
    for score, (zh, en) in zip(model.explain_pairs(pairs), pairs):
        assert math.isclose(score, model1(model, zh, en), rel_tol=1e-12)


def test_tokens_remember_what_the_functions_give():
    tokens = Tokens()
    zh = ["他们在河边的城市里住了三年。", "ABC公司2024年的报告", ""]
    en = ["They lived in the river city for three years.", "The ABC company's 2024 report", ""]
    tokens.segment(zh)
    for text in zh:
        assert tokens.zh_tokens(text) == chinese_tokens(text)
    for text in en:
        assert tokens.en_tokens(text) == english_tokens(text)
    assert tokens.zh_tokens("城市") == chinese_tokens("城市")  # not segmented beforehand


def test_clauses_are_scored_by_a_model_that_did_not_learn_their_bead():
    """A model finds the pairs it learnt from explained, whatever they say: a name seen in one pair only is
    attached to that pair's English. Held out (``word_folds`` 2), the pair is scored by the models learnt
    without its fold, which never saw the name (nor does CC-CEDICT know it): unexplained in every split. With
    one fold the clauses are scored by the model learnt from every pair."""
    from aligner.model import Alignment, Bead, Sentence
    from aligner.omissions.params import ReviewParams

    zh = ["亚伯兰住在迦南地。", "后裔要像星那样多。", "你的后裔必蒙福。", "我要赐福给你。", "地土都归你。", "他们都住在城里。"]
    en = ["Abram dwelled in the land of Canaan.", "Thy seed shall be as the stars.", "Thy seed shall be blessed.",
          "I will bless thee.", "All the land is thine.", "They all lived in the city."]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence(t, 0) for t in en],
                          [Bead((i,), (i,), 0.5) for i in range(6)])
    pair = [(chinese_tokens("亚伯兰"), english_tokens(en[0]))]
    model = WordModel.of(alignment, ReviewParams(word_splits=3))
    held = model.held_out
    assert held is not None and len(held.models) == 3 and all(len(m) == 2 for m in held.models)
    assert len({tuple(sorted(f.items())) for f in held.folds}) > 1  # the splits differ
    learnt = model.explain_pairs(pair)[0]
    held_out = held.explain(pair, [(0,)])[0]
    assert held_out == pytest.approx(math.log(model.floor))  # never seen: the floor
    assert held_out < learnt - 5
    # in one split, a bead of the other fold is scored by the model that learnt the pair
    one_split = WordModel.of(alignment, ReviewParams(word_splits=1)).held_out
    assert one_split.folds[0][(0,)] != one_split.folds[0][(1,)]
    assert one_split.explain(pair, [(1,)])[0] > held_out + 5
    one = WordModel.of(alignment, ReviewParams(word_folds=1))
    assert one.held_out is None
    assert one.clause_units(pair, [(0,)]) == pytest.approx(one.units(pair))


def test_both_kernels_give_the_same_bits(word_kernels, monkeypatch):
    """The library's machine code and numba's dispatchers: the same functions compiled by the same numba."""
    from aligner.omissions import word_kernels as dispatchers
    from aligner.omissions import wordmodel

    table = {f"z{r}": {f"e{c}": (r * 31 + c) % 89 / 89 + 0.01 for c in range(r % 5, 40, 5)} for r in range(120)}
    pairs = [((f"z{r}", f"z{(r * 7) % 120}", "unknown"), tuple(f"e{(r + k) % 40}" for k in range(7)))
             for r in range(120)]
    found = [WordModel(table, 0.0, 1.0).explain_pairs(pairs)]
    monkeypatch.setattr(wordmodel, "_loaded", [dispatchers])
    found.append(WordModel(table, 0.0, 1.0).explain_pairs(pairs))
    assert found[0].tobytes() == found[1].tobytes()


def test_a_review_process_with_the_library_built_never_imports_numba(word_kernels):
    import subprocess
    import sys

    if word_kernels != "native":
        pytest.skip("the library's case")
    code = ("import sys\n"
            "from aligner.omissions.wordmodel import WordModel\n"
            "m = WordModel({'z': {'e': 0.5}}, 0.0, 1.0)\n"
            "assert m.explain_pairs([(('z',), ('e',))]).shape == (1,)\n"
            "assert 'numba' not in sys.modules and 'llvmlite' not in sys.modules, sorted(sys.modules)\n")
    subprocess.run([sys.executable, "-c", code], check=True)
