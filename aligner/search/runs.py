"""Run vectors for the scorer: approximated from the sentences' vectors, and tables of the embedded ones."""

from __future__ import annotations

import numpy as np

from ..scoring import normalise


def approximated(vectors: np.ndarray, weights: np.ndarray, ends: np.ndarray, widths: list[int]
                 ) -> dict[int, np.ndarray]:
    """The approximated embeddings of the runs ``[e - width, e)`` for each of ``widths`` (>= 2): the
    normalised sum of their sentences' ``vectors`` times their ``weights`` (float32, one row each), zero where
    the run would leave the document. The sums grow one sentence at a time for all widths together, adding in
    the order one width alone would; each row is weighted as it is gathered (the same float32 products as
    weighting the whole document first, without its copy)."""
    out: dict[int, np.ndarray] = {}
    if not widths:
        return out
    first = np.maximum(ends - 1, 0)
    total = (vectors[first] * weights[first]).astype(np.float32, copy=False)
    for width in range(2, max(widths) + 1):
        rows = np.maximum(ends - width, 0)  # rows whose run leaves the document: zeroed below
        total += vectors[rows] * weights[rows]
        if width in widths:
            inside = (ends >= width) & (ends <= len(vectors))
            out[width] = normalise(np.where(inside[:, None], total, np.float32(0)))
    return out


def run_norms(vectors: np.ndarray, weights: np.ndarray, widths: list[int]) -> dict[int, np.ndarray]:
    """For each of ``widths`` (>= 1), the reciprocal length of each run's weighted sum, the runs ``[e - width,
    e)`` for every end ``e`` (float64, ``len(vectors) + 1`` each; 0 where the run would leave the document):
    what turns a sum of weighted sentence cosines into the cosine of approximated runs (scorer, linear).
    From the dot products of each sentence with the next few (the Gram matrix's diagonals near the main
    one, prefix-summed): a run's squared length is the sum of its pairs' weighted dot products. Summing the
    runs' vectors and measuring them cost three times as much (16 ms at 1,200 sentences)."""
    n, widest = len(vectors), max(widths, default=0)
    weight = weights[:, 0].astype(np.float64)
    prefix = []  # prefix sums of each diagonal d: the weighted dot products of sentences x and x + d
    for d in range(min(widest, n)):
        pairs = np.einsum("ij,ij->i", vectors[:n - d], vectors[d:]) * weight[:n - d] * weight[d:]
        prefix.append(np.concatenate([[0.0], np.cumsum(pairs)]))
    out: dict[int, np.ndarray] = {}
    for width in widths:
        inverse = out[width] = np.zeros(n + 1)
        if width > n:
            continue
        ends = np.arange(width, n + 1)
        square = prefix[0][ends] - prefix[0][ends - width]
        for d in range(1, width):  # the pairs (x, x + d) inside the run: e - width <= x <= e - 1 - d
            square += 2 * (prefix[d][ends - d] - prefix[d][ends - width])
        np.divide(1.0, np.sqrt(np.maximum(square, 0.0)), out=inverse[width:], where=square > 0)
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
