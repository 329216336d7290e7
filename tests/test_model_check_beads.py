"""check_beads' quick pass (model._plainly_valid) only lets through what the full checks accept."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner import model
from aligner.errors import InputError
from aligner.model import Bead, check_beads

_index = st.integers(0, 4) | st.sampled_from([True, np.int64(1), 1.0])
_side = st.lists(_index, max_size=2).map(tuple) | st.lists(_index, max_size=2)
_score = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([1, True, np.float64(0.5)])


def _full_checks(beads, n, m, monkeypatch) -> bool:
    with monkeypatch.context() as patched:
        patched.setattr(model, "_plainly_valid", lambda *args: False)
        try:
            check_beads(beads, n, m)
        except InputError:
            return False
    return True


@settings(max_examples=300, deadline=None)
@given(st.lists(st.builds(Bead, _side, _side, _score), max_size=5), st.integers(0, 5), st.integers(0, 5))
def test_quick_pass_agrees_with_the_full_checks(beads, n, m):
    with pytest.MonkeyPatch.context() as monkeypatch:
        if model._plainly_valid(beads, n, m):
            assert _full_checks(beads, n, m, monkeypatch)


def test_quick_pass_takes_a_plain_alignment():
    beads = [Bead((0, 1), (0,), 0.5), Bead((), (1,), -0.09), Bead((2,), (2, 3), 0.25)]
    assert model._plainly_valid(beads, 3, 4)
    assert not model._plainly_valid(beads, 3, 5)
    assert not model._plainly_valid([Bead((0,), (0,), math.nan)], 1, 1)
    assert not model._plainly_valid([Bead((True,), (0,), 0.5)], 1, 1)
