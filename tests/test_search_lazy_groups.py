"""The lazy rounds score their windows' rows in groups: near windows together, far ones apart."""

from __future__ import annotations

from aligner.search.lazy import _grouped


def test_near_windows_joined_far_ones_apart():
    assert _grouped([(100, 120), (5, 10), (20, 30), (3, 2)], gap=16) == [(5, 30), (100, 120)]
    assert _grouped([(5, 10), (27, 30)], gap=16) == [(5, 10), (27, 30)]   # 17 rows apart
    assert _grouped([(5, 10), (26, 30)], gap=16) == [(5, 30)]
    assert _grouped([(4, 3)]) == [] and _grouped([]) == []  # a window without source rows scores none
