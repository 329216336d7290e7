"""scripts/bench_literary_errors.py: the stretches where path and gold part, and their kinds (made-up beads)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from aligner.search import SearchParams, pair_defaults

_SPEC = importlib.util.spec_from_file_location(
    "bench_literary_errors", Path(__file__).resolve().parents[1] / "scripts" / "bench_literary_errors.py")
errors = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(errors)

TYPES = set(SearchParams(**pair_defaults("zh", "en")).bead_types())


def test_stretches_are_the_runs_between_common_boundaries_that_differ():
    gold = [((0,), (0,)), ((1, 2), (1, 2)), ((3,), (3, 4)), ((4,), (5,))]
    path = [((0,), (0,)), ((1,), (1,)), ((2,), (2,)), ((3,), (3,)), ((4,), (4, 5))]
    assert errors.stretches(path, gold) == [([((1,), (1,)), ((2,), (2,))], [((1, 2), (1, 2))]),
                                            ([((3,), (3,)), ((4,), (4, 5))], [((3,), (3, 4)), ((4,), (5,))])]
    assert errors.stretches(gold, gold) == []


@pytest.mark.parametrize("path, gold, kind", [
    ([((1,), (1,)), ((2,), (2,))], [((1, 2), (1, 2))], "split"),
    ([((1, 2), (1, 2))], [((1,), (1,)), ((2,), (2,))], "merged"),
    ([((3,), (3,)), ((4,), (4, 5))], [((3,), (3, 4)), ((4,), (5,))], "shift en"),
    ([((3, 4), (3,)), ((5,), (4,))], [((3,), (3,)), ((4, 5), (4,))], "shift zh"),
    ([((1,), ()), ((2,), (1,))], [((1, 2), (1,))], "null"),
    ([((1,), (1, 2)), ((2,), (3,)), ((3,), (4, 5))], [((1,), (1,)), ((2,), (2, 3, 4)), ((3,), (5,))], "cascade"),
    ([((1,), (1,)), ((2, 3), (2, 3, 4))], [((1, 2, 3), (1, 2, 3, 4))], "outside"),  # 3-4: no such bead type
])
def test_kinds(path, gold, kind):
    assert errors.stretches(path, gold) == [(path, gold)]  # each example is one stretch
    assert errors.kind(path, gold, TYPES) == kind
