"""The word model's compiled pair scores against Model 1 written out plainly, and the review's per-text word
memo against the functions it remembers."""

from __future__ import annotations

import math
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.omissions.wordmodel import NULL, Tokens, WordModel, chinese_tokens, english_tokens

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
