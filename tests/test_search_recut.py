"""The second look at adjacent beads whose common sentence boundary moved by a clause (search.recut). Texts
here are made up for the tests."""

from __future__ import annotations

import numpy as np
import pytest

from aligner import api
from aligner.encoders.hashing import HashingEncoder
from aligner.search import BandScorer, SearchParams
from aligner.search.absorb import bead_score
from aligner.search.dp import PathBead
from aligner.search.recut import (bead_scores, candidates, clause_gains, edge_clauses, merged, recut_beads, shift_gains,
                                  shifted, shifts)


@pytest.mark.parametrize("text, lang, expected", [
    ("他们走进村子，天已经黑了。", "zh", ("他们走进村子", "天已经黑了")),
    ("他们走进村子。", "zh", None),  # one clause
    # a piece too short to judge (a speech tag) joins the next one inward
    ("他道：“我们明天再来，你先回去吧。”", "zh", ("他道，我们明天再来", "你先回去吧")),
    ("He sat, and waited a long while in the cold.", "en", None),  # "He sat" joins the rest: one clause
    ("When they reached the old village, it was already dark outside.", "en",
     ("When they reached the old village", "it was already dark outside")),
    ("It cost 12,000 yuan in all.", "en", None),  # not a break inside a number
    ("……，！", "zh", None), ("", "en", None),  # nothing but marks
])
def test_edge_clauses(text, lang, expected):
    assert edge_clauses(text, lang) == expected


class Side:
    """A document side for the recut: sentences, their vectors, runs as their sentences' mean, and the
    clauses' vectors from a table."""

    def __init__(self, texts: list[str], lang: str, vectors: np.ndarray, clauses: dict[str, np.ndarray]):
        self.texts, self.lang, self.vectors, self.clauses = texts, lang, vectors, clauses
        self.asked: list[str] = []

    def __len__(self) -> int:
        return len(self.texts)

    def sentence_vectors(self) -> np.ndarray:
        return self.vectors

    def runs(self, spans):
        out = np.stack([self.vectors[a:b].sum(axis=0) for a, b in spans])
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def pieces(self, texts):
        self.asked += texts
        return np.stack([self.clauses[t] for t in texts])


def _unit(k: int, dim: int = 16) -> np.ndarray:
    v = np.zeros(dim, dtype=np.float32)
    v[k] = 1.0
    return v


# zh 0 says A, zh 1 says B then C; en 0 says A and B, en 1 says C: the translator moved B's clause
ZH = ["甲说了一句话。", "乙走进村子，丙已经回家了。"]
EN = ["Jia spoke when Yi came in.", "Bing had gone home."]
S = np.stack([_unit(0), (_unit(1) + _unit(2)) / np.sqrt(2)])
T = np.stack([(_unit(0) + _unit(1)) / np.sqrt(2), _unit(2)])


def _sides(opening: np.ndarray):
    src = Side(ZH, "zh", S, {"乙走进村子": opening, "甲说了一句话": _unit(0), "丙已经回家了": _unit(2)})
    tgt = Side(EN, "en", T, {})
    return src, tgt


def _run(opening: np.ndarray, scores: tuple[float, float], **options):
    params = SearchParams(**{"recut_merge": 0.25, **options})
    src, tgt = _sides(opening)
    runs: tuple[dict, dict] = ({}, {})
    scorer = BandScorer(S, T, np.ones(2), np.ones(2), params.bead_types(), params)

    def scorer_for():
        return scorer.derived(params, params.bead_types(), *runs)

    path = [PathBead(range(0, 1), range(0, 1), scores[0]), PathBead(range(1, 2), range(1, 2), scores[1])]
    return recut_beads(path, src, tgt, scorer_for, runs, params), scorer_for


def test_the_pair_merges_when_a_boundary_clause_belongs_to_the_other_bead():
    # the merged 2-2 bead scores about what the two beads sum to: within the loss limit
    _, scorer_for = _run(_unit(1), (0.0, 0.0))
    merged_score = bead_score(scorer_for(), range(0, 2), range(0, 2))
    out, _ = _run(_unit(1), (merged_score / 2 + 0.05, merged_score / 2 + 0.05))
    assert [(b.src, b.tgt) for b in out] == [(range(0, 2), range(0, 2))]
    assert out[0].score == pytest.approx(merged_score)


def test_the_pair_stays_apart_when_merges_are_off():
    _, scorer_for = _run(_unit(1), (0.0, 0.0))
    merged_score = bead_score(scorer_for(), range(0, 2), range(0, 2))
    out, _ = _run(_unit(1), (merged_score / 2 + 0.05, merged_score / 2 + 0.05), recut_margin=0.25, recut_merge=0.0)
    assert len(out) == 2


def test_the_pair_stays_apart_when_its_clauses_are_where_they_belong():
    out, scorer_for = _run(_unit(2), (0.0, 0.0))  # the opening clause says C, like its own bead's English
    assert [(b.src, b.tgt) for b in out] == [(range(0, 1), range(0, 1)), (range(1, 2), range(1, 2))]


def test_the_pair_stays_apart_when_the_merge_costs_too_much():
    _, scorer_for = _run(_unit(1), (0.0, 0.0))
    merged_score = bead_score(scorer_for(), range(0, 2), range(0, 2))
    out, _ = _run(_unit(1), (merged_score / 2 + 0.1, merged_score / 2 + 0.1), recut_loss=0.15)
    assert len(out) == 2


def test_clause_gains_reads_every_edge_clause_once():
    src, tgt = _sides(_unit(1))
    path = [PathBead(range(0, 1), range(0, 1), 0.0), PathBead(range(1, 2), range(1, 2), 0.0)]
    gains = clause_gains(path, [0], src, tgt, {})
    assert src.asked == ["乙走进村子"]  # zh 0 has one clause; en 0 and en 1 none
    # the opening clause (B) against en 0 (A and B) and against its own en 1 (C)
    assert gains[0] == pytest.approx(1 / np.sqrt(2))


def test_bead_scores_are_the_scorers_cells():
    rng = np.random.default_rng(1)
    src, tgt = ((v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)
                for v in (rng.normal(size=(n, 8)) for n in (5, 7)))
    p = SearchParams()
    scorer = BandScorer(src, tgt, np.ones(5), np.ones(7), p.bead_types(), p)
    path = [PathBead(range(0, 1), range(0, 2), 0.0), PathBead(range(1, 2), range(2, 3), 0.0),
            PathBead(range(2, 3), range(3, 3), 0.0), PathBead(range(3, 4), range(3, 5), 0.0),
            PathBead(range(4, 5), range(5, 7), 0.0)]
    ks = candidates(path, p)
    assert ks == [0, 3]  # a bead with an empty side never merges
    # the merged beads end on the path; a moved sentence's beads one column beside it
    beads = [merged(path, k) for k in ks] + shifted(path, 0, 1, -1)
    assert beads[2:] == [(range(0, 1), range(0, 1)), (range(1, 2), range(1, 3))]
    got = bead_scores(scorer, path, beads)
    assert got.tolist() == pytest.approx([bead_score(scorer, a, b) for a, b in beads])


def test_candidates_stay_within_the_bead_sizes():
    path = [PathBead(range(0, 3), range(0, 1), 0.0), PathBead(range(3, 5), range(1, 2), 0.0)]
    assert candidates(path, SearchParams(max_bead=4)) == []  # 5 source sentences: beyond max_bead
    assert candidates(path, SearchParams(max_bead=5)) == [0]


@pytest.mark.parametrize("src_lang, tgt_lang, options, expected", [
    ("zh", "en", {}, (0.25, 0.0)), ("zh", "en", {"recut_margin": 0.0, "recut_merge": 0.3}, (0.0, 0.3)),
    ("en", "de", {}, (0.0, 0.0))])
def test_the_pair_default_reaches_the_signature(src_lang, tgt_lang, options, expected):
    alignment = api.align(["你好，朋友。", "他走了。"], ["Hello, my good friend.", "He left."],
                          encoder=HashingEncoder(), src_lang=src_lang, tgt_lang=tgt_lang, **options)
    params = alignment.signature["params"]
    assert (params["recut_margin"], params["recut_merge"]) == expected


def test_the_parameters_are_checked():
    for name in ("recut_margin", "recut_merge", "recut_loss", "recut_prefilter"):
        with pytest.raises(ValueError, match=name):
            SearchParams(**{name: -0.1})


def test_shifts_keep_both_beads_within_the_types():
    path = [PathBead(range(0, 1), range(0, 2), 0.0), PathBead(range(1, 2), range(2, 3), 0.0)]
    # only the first bead's last English sentence may move: the second has one, and each side's one Chinese
    assert shifts(path, SearchParams()) == [((0, 1, -1), [(range(0, 1), range(0, 1)), (range(1, 2), range(1, 3))])]
    assert shifted(path, 0, 1, -1) == [(range(0, 1), range(0, 1)), (range(1, 2), range(1, 3))]
    assert shifted(path, 0, 1, 1) is None and shifted(path, 0, 0, -1) is None
    assert shifts(path, SearchParams(max_bead=1)) == []  # 1-2 is not a bead type at max_bead 1


# zh 0 says A; zh 1 says B, then C; en 0 says A, en 1 B, en 2 C; the path gave en 1 to zh 0
SHIFT_ZH = ["甲说了一句话，他笑了起来。", "乙走进了村子，丙已经回家了。"]
SHIFT_EN = ["Jia spoke.", "Yi came in.", "Bing went home."]


def _shift(opening: np.ndarray, slack: float, zh: list[str] = SHIFT_ZH, first: np.ndarray | None = None):
    params = SearchParams(max_bead=1, max_split=3, recut_margin=0.25)  # no merge: 2 source sentences
    clauses = {"甲说了一句话": _unit(0), "他笑了起来": _unit(0), "乙走进了村子": opening, "丙已经回家了": _unit(2)}
    src = Side(zh, "zh", np.stack([_unit(0) if first is None else first, (_unit(1) + _unit(2)) / np.sqrt(2)]),
               clauses)
    tgt = Side(SHIFT_EN, "en", np.stack([_unit(0), _unit(1), _unit(2)]), {})
    runs: tuple[dict, dict] = ({}, {})
    scorer = BandScorer(src.vectors, tgt.vectors, np.ones(2), np.ones(3), params.bead_types(), params)

    def scorer_for():
        return scorer.derived(params, params.bead_types(), *runs)

    runs[1][(1, 3)] = tgt.runs([(1, 3)])[0]
    target = bead_score(scorer_for(), range(0, 1), range(0, 1)) + bead_score(scorer_for(), range(1, 2), range(1, 3))
    path = [PathBead(range(0, 1), range(0, 2), target / 2 + slack),
            PathBead(range(1, 2), range(2, 3), target / 2 + slack)]
    return recut_beads(path, src, tgt, scorer_for, runs, params)


def test_a_boundary_sentence_moves_to_the_bead_whose_clause_it_translates():
    out = _shift(_unit(1), 0.05)  # zh 1 opens with B, which en 1 says: it moves, losing 0.1 of score
    assert [(b.src, b.tgt) for b in out] == [(range(0, 1), range(0, 1)), (range(1, 2), range(1, 3))]


@pytest.mark.parametrize("opening, slack", [(_unit(2), 0.05), (_unit(1), 0.1)])
def test_a_boundary_sentence_stays_unless_a_clause_says_so_and_the_move_is_cheap(opening, slack):
    out = _shift(opening, slack)  # zh 1 opens with C (nothing to move for), or the move loses 0.2
    assert [(b.src, b.tgt) for b in out] == [(range(0, 1), range(0, 2)), (range(1, 2), range(2, 3))]


def test_a_boundary_sentence_stays_where_its_own_beads_edge_sentence_says_it():
    # zh 0 ends with a clause saying A, but says B in its middle, as en 1 does: en 1 stays
    out = _shift(_unit(1), 0.05, first=(_unit(0) + 2 * _unit(1)) / np.sqrt(5))
    assert len(out) == 2 and out[0].tgt == range(0, 2)


def test_a_sentence_of_one_clause_is_its_own_edge():
    out = _shift(_unit(1), 0.05, ["甲说了一句话。", SHIFT_ZH[1]])  # zh 0's edge is zh 0 itself (A)
    assert [(b.src, b.tgt) for b in out] == [(range(0, 1), range(0, 1)), (range(1, 2), range(1, 3))]
    out = _shift(_unit(0), 0.05, ["甲说了一句话。", SHIFT_ZH[1]])  # zh 1 opens with A: en 1 stays
    assert len(out) == 2 and out[0].tgt == range(0, 2)


@pytest.mark.parametrize("opening, asked", [(_unit(1), ["乙走进了村子", "他笑了起来"]), (_unit(2), ["乙走进了村子"])])
def test_the_own_edge_clause_is_embedded_only_where_the_joined_one_may_pass(opening, asked):
    # en 1 would join zh 1, which opens with ``opening``: only against B (what en 1 says) can the move pass,
    # so only then is zh 0's closing clause (its own bead's edge) needed
    clauses = {"乙走进了村子": opening, "他笑了起来": _unit(1)}
    src = Side(SHIFT_ZH, "zh", np.stack([_unit(0), (_unit(1) + _unit(2)) / np.sqrt(2)]), clauses)
    tgt = Side(SHIFT_EN, "en", np.stack([_unit(0), _unit(1), _unit(2)]), {})
    path = [PathBead(range(0, 1), range(0, 2), 0.0), PathBead(range(1, 2), range(2, 3), 0.0)]
    gains = shift_gains(path, [(0, 1, -1)], src, tgt, {}, 0.25)
    assert src.asked == asked
    # the joined clause matches en 1 fully, and so does the own clause, which keeps it: gain 0; else the bound 0
    assert gains.tolist() == pytest.approx([0.0])
