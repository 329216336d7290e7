"""Freed memory handed back between the stages of a long alignment (aligner.memory)."""

from __future__ import annotations

import sys

import pytest

from aligner import memory


def test_given_back_from_the_threshold_only(monkeypatch):
    calls = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda: calls.append)
    memory.release_freed(memory.RELEASE_SENTENCES - 1)
    assert calls == []
    memory.release_freed(memory.RELEASE_SENTENCES)
    assert calls == [0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim is Linux's")
def test_the_c_library_trims_here():
    trim = memory._malloc_trim()
    if trim is None:  # a C library without it (musl): nothing to call, and nothing fails
        pytest.skip("this C library has no malloc_trim")
    assert trim(0) in (0, 1)
    memory.release_freed(memory.RELEASE_SENTENCES)


def test_settled_leaves_the_living_out_of_the_collector_and_hands_them_back():
    """Inside, what was alive on entry and at each ``settle()`` is frozen (out of the collector's passes);
    after, even when the block fails, nothing is, and a cycle made frozen is collected again."""
    import gc
    import weakref

    from aligner.memory import settled

    class Node:
        pass

    assert gc.get_freeze_count() == 0
    with pytest.raises(RuntimeError):
        with settled() as settle:
            entered = gc.get_freeze_count()
            assert entered > 0
            cycle = Node()
            cycle.me = cycle
            settle()
            assert gc.get_freeze_count() > entered
            alive = weakref.ref(cycle)
            del cycle
            gc.collect()
            assert alive() is not None  # frozen: left alone
            raise RuntimeError("the search failed")
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert alive() is None


def test_settled_leaves_a_callers_frozen_objects_frozen():
    """A program that froze its own objects (before forking) keeps them frozen: settled does nothing then (a
    cycle of theirs, dropped, is still left alone by the collector after the alignment)."""
    import gc
    import weakref

    from aligner.memory import settled

    class Node:
        pass

    theirs = Node()
    theirs.me = theirs
    alive = weakref.ref(theirs)
    del theirs
    gc.freeze()
    try:
        with settled() as settle:
            settle()
        assert gc.get_freeze_count() > 0
        gc.collect()
        assert alive() is not None
    finally:
        gc.unfreeze()
    gc.collect()
    assert alive() is None
