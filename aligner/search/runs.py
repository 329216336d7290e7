"""Run vectors for the scorer: approximated from the sentences' vectors, and tables of the embedded ones."""

from __future__ import annotations

import numpy as np

from ..scoring import normalise


def approximated(weighted: np.ndarray, ends: np.ndarray, widths: list[int]) -> dict[int, np.ndarray]:
    """The approximated embeddings of the runs ``[e - width, e)`` for each of ``widths`` (>= 2): the
    normalised sum of their sentences' ``weighted`` vectors, zero where the run would leave the document.
    The sums grow one sentence at a time for all widths together, adding in the order one width alone would."""
    out: dict[int, np.ndarray] = {}
    if not widths:
        return out
    total = weighted[np.maximum(ends - 1, 0)].astype(np.float32)
    for width in range(2, max(widths) + 1):
        total += weighted[np.maximum(ends - width, 0)]  # rows whose run leaves the document: zeroed below
        if width in widths:
            inside = (ends >= width) & (ends <= len(weighted))
            out[width] = normalise(np.where(inside[:, None], total, np.float32(0)))
    return out


def run_table(runs: dict, n: int) -> dict:
    """{width: (row of the run ending at each position or -1, stacked run vectors)} for vectorised lookup."""
    table = {}
    for width in {e - s for s, e in runs}:
        spans = [(s, e) for s, e in runs if e - s == width]
        index = np.full(n + 1, -1, dtype=np.int64)
        index[[e for _, e in spans]] = np.arange(len(spans))
        table[width] = (index, np.stack([runs[span] for span in spans]))
    return table
