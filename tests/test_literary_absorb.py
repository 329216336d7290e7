"""The second look at unaligned sentences (search.absorb): which 0-1 beads, and which 1-0 beads inside a
quotation, join a neighbour."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from aligner import api
from aligner.encoders.hashing import HashingEncoder
from aligner.search import BandScorer, SearchParams
from aligner.search.absorb import absorb_nulls, absorbing_runs, bead_score
from aligner.search.dp import PathBead

TYPES = SearchParams(max_bead=4).bead_types()  # the zh → en pair's m-n beads (PAIR_DEFAULTS)


class TableScorer:
    """A scorer whose bead scores come from a table {(src range, tgt range): score} (0 when absent)."""

    def __init__(self, n: int, table: dict):
        self.S = np.zeros((n, 1))
        self.table = table

    def __call__(self, i0, i1, lo, hi, types):
        (a, b), j = types[0], int(lo[i0])
        return np.array([[[self.table.get((range(i0 - a, i0), range(j - b, j)), 0.0)]]])


def _path(*beads):
    return [PathBead(range(*s), range(*t), 0.0) for s, t in beads]


def _spans(path):
    return [((b.src.start, b.src.stop), (b.tgt.start, b.tgt.stop)) for b in path]


PATH = _path(((0, 1), (0, 1)), ((1, 1), (1, 2)), ((1, 2), (2, 3)))  # [0]:[0]  []:[1]  [1]:[2]


@pytest.mark.parametrize("table, expected", [
    # the merge with the bead before loses 0.1: within the limit, taken even though the one after loses less
    ({(range(0, 1), range(0, 1)): 0.5, (range(0, 1), range(0, 2)): 0.4, (range(1, 2), range(2, 3)): 0.5,
      (range(1, 2), range(1, 3)): 0.45}, [((0, 1), (0, 2)), ((1, 2), (2, 3))]),
    # the bead before loses too much: the bead after takes it
    ({(range(0, 1), range(0, 1)): 0.5, (range(0, 1), range(0, 2)): 0.2, (range(1, 2), range(2, 3)): 0.5,
      (range(1, 2), range(1, 3)): 0.45}, [((0, 1), (0, 1)), ((1, 2), (1, 3))]),
    # both lose too much (a translator's own addition): left unaligned
    ({(range(0, 1), range(0, 1)): 0.5, (range(0, 1), range(0, 2)): 0.2, (range(1, 2), range(2, 3)): 0.5,
      (range(1, 2), range(1, 3)): 0.3}, [((0, 1), (0, 1)), ((1, 1), (1, 2)), ((1, 2), (2, 3))]),
])
def test_a_0_1_bead_joins_the_bead_before_else_after_within_the_limit(table, expected):
    assert _spans(absorb_nulls(PATH, TableScorer(2, table), 0.12, TYPES)) == expected
    assert _spans(absorb_nulls(PATH, TableScorer(2, table), 0.12, TYPES, source_extra=1.0)) == expected  # 1-0 only


def test_the_merged_bead_carries_its_own_score():
    table = {(range(0, 1), range(0, 1)): 0.5, (range(0, 1), range(0, 2)): 0.45}
    assert absorb_nulls(PATH, TableScorer(2, table), 0.12, TYPES)[0].score == pytest.approx(0.45)


def test_only_merges_into_allowed_bead_types():
    path = _path(((0, 2), (0, 3)), ((2, 2), (3, 4)), ((2, 3), (4, 5)))  # 2-3, 0-1, 1-1
    assert absorbing_runs(path, TYPES) == (set(), {(3, 5)})  # 2-4 is not a bead type at max_bead 4: the 1-1 only
    assert absorbing_runs(path, SearchParams(max_bead=5).bead_types()) == (set(), {(0, 4), (3, 5)})


def test_a_bead_takes_one_sentence_and_1_0_beads_are_left_alone():
    path = _path(((0, 1), (0, 1)), ((1, 1), (1, 2)), ((1, 2), (2, 2)), ((2, 2), (2, 3)))  # 1-1 0-1 1-0 0-1
    assert absorbing_runs(path, TYPES) == (set(), {(0, 2)})  # the second 0-1 has no real bead next to it
    path = _path(((0, 0), (0, 1)), ((0, 1), (1, 2)), ((1, 1), (2, 3)))  # 0-1 1-1 0-1: the first takes the bead
    merged = absorb_nulls(path, TableScorer(1, {}), 0.5, TYPES)
    assert _spans(merged) == [((0, 1), (0, 2)), ((1, 1), (2, 3))]


QUOTED = _path(((0, 1), (0, 1)), ((1, 2), (1, 1)), ((2, 3), (1, 2)))  # [0]:[0]  [1]:[]  [2]:[1]


@pytest.mark.parametrize("inside, loss, extra, expected", [
    # the Chinese sentence begins inside a quotation and the merge loses 0.1: it joins the bead before
    (True, 0.1, 0.0, [((0, 2), (0, 1)), ((2, 3), (1, 2))]),
    # the merge loses too much (a real omission): left out
    (True, 0.2, 0.0, _spans(QUOTED)),
    # ... unless leaving a source sentence out costs that much more (skip_source_extra)
    (True, 0.2, 0.1, [((0, 2), (0, 1)), ((2, 3), (1, 2))]),
    # outside a quotation: left out whatever the merge costs (the review reports it)
    (False, 0.0, 0.0, _spans(QUOTED)),
])
def test_a_1_0_bead_inside_a_quotation_joins_the_bead_before(inside, loss, extra, expected):
    quoted = np.array([False, inside, False, False])
    table = {(range(0, 1), range(0, 1)): 0.5, (range(0, 2), range(0, 1)): 0.5 - loss,
             (range(2, 3), range(1, 2)): 0.5, (range(1, 3), range(1, 2)): 0.5}  # the bead after: never
    assert absorbing_runs(QUOTED, TYPES, quoted) == ({(0, 2)} if inside else set(), set())
    assert _spans(absorb_nulls(QUOTED, TableScorer(3, table), 0.12, TYPES, quoted, extra)) == expected


@given(st.lists(st.sampled_from(["11", "01", "10", "12", "21"]), min_size=1, max_size=12),
       st.floats(0, 1), st.integers(0, 2 ** 16))
def test_the_path_still_covers_both_documents_in_order(kinds, limit, seed):  # every 1-0 inside a quotation
    beads, i, j = [], 0, 0
    for a, b in kinds:
        beads.append(((i, i + int(a)), (j, j + int(b))))
        i, j = i + int(a), j + int(b)
    rng = np.random.default_rng(seed)
    scorer = TableScorer(i, {})
    scorer.table = {(range(*s), range(t0, t1 + d)): float(rng.random()) for s, (t0, t1) in beads for d in (0, 1)}
    scorer.table.update({(range(s0, s1 + 1), range(*t)): float(rng.random()) for (s0, s1), t in beads})
    out = absorb_nulls(_path(*beads), scorer, limit, TYPES, np.ones(i + 1, dtype=bool))
    assert [k for b in out for k in b.src] == list(range(i)) and [k for b in out for k in b.tgt] == list(range(j))
    assert len(out) >= len(beads) - kinds.count("01") - kinds.count("10")


def test_bead_score_is_the_scorers_cell():
    rng = np.random.default_rng(0)
    S, T = rng.normal(size=(5, 8)).astype(np.float32), rng.normal(size=(7, 8)).astype(np.float32)
    S /= np.linalg.norm(S, axis=1, keepdims=True)
    T /= np.linalg.norm(T, axis=1, keepdims=True)
    p = SearchParams()
    scorer = BandScorer(S, T, np.ones(5), np.ones(7), p.bead_types(), p)
    lo, hi = np.zeros(6, dtype=np.int64), np.full(6, 7, dtype=np.int64)
    block = scorer(3, 4, lo, hi, [(2, 3)])
    assert bead_score(scorer, range(1, 3), range(2, 5)) == pytest.approx(block[0, 0, 5])


@pytest.mark.parametrize("options, expected", [({}, (0.05, True)), ({"absorb_margin": 0.0}, (0.0, True)),
                                              ({"absorb_quoted": False}, (0.05, False))])
def test_the_pair_default_reaches_the_signature(options, expected):
    alignment = api.align(["你好。", "他走了。"], ["Hello.", "He left."], encoder=HashingEncoder(), src_lang="zh",
                          tgt_lang="en", **options)
    params = alignment.signature["params"]
    assert (params["absorb_margin"], params["absorb_quoted"]) == expected


def test_the_margin_is_checked():
    with pytest.raises(ValueError, match="absorb_margin"):
        SearchParams(absorb_margin=-0.1)
