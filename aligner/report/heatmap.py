"""The zh × en similarity heatmap with the alignment path, as a base64 PNG for inlining in HTML."""

from __future__ import annotations

import base64
import io

import numpy as np

from ..model import Alignment
from ..omissions.model import Review
from ..omissions.similarity import Similarity

MAX_CELLS = 400  # per side; larger matrices are averaged down in blocks so the PNG stays small


def _downsample(sim: Similarity, limit: int) -> tuple[np.ndarray, int, int]:
    """Mean cosine over blocks of rows and columns, at most ``limit`` a side, and the block sizes."""
    fi = max(1, int(np.ceil(sim.shape[0] / limit)))
    fj = max(1, int(np.ceil(sim.shape[1] / limit)))
    return sim.block_means(fi, fj), fi, fj


def heatmap_of(review: Review) -> str | None:
    """The review's heatmap: the one it holds (from the review cache), else drawn from its similarities or,
    for a review read from the cache, from its alignment's sentence vectors (None without either)."""
    if review.heatmap is not None:
        return review.heatmap
    sim, alignment = review.similarity, review.alignment
    if sim is None and alignment.src_vectors is not None and alignment.tgt_vectors is not None:
        sim = Similarity(alignment.src_vectors, alignment.tgt_vectors)
    return heatmap_png(review.alignment, sim) if sim is not None and min(sim.shape) else None


def heatmap_png(alignment: Alignment, sim: Similarity, limit: int = MAX_CELLS) -> str:
    """Base64 PNG: cosine of every Chinese (rows) and English (columns) sentence, path drawn on top."""
    import matplotlib

    matplotlib.use("Agg")  # no display, no GUI toolkit: works in CI and on servers
    import matplotlib.pyplot as plt

    small, fi, fj = _downsample(sim, limit)
    fig, ax = plt.subplots(figsize=(7, 7 * min(2.0, max(0.5, small.shape[0] / max(1, small.shape[1])))), dpi=100)
    try:
        image = ax.imshow(small, cmap="viridis", aspect="auto", interpolation="nearest",
                          extent=(0, sim.shape[1], sim.shape[0], 0))
        xs, ys = [], []
        for bead in alignment.beads:  # the path: bead centres, null beads at the edge they sit on
            if bead.zh and bead.en:
                ys.append((bead.zh[0] + bead.zh[-1] + 1) / 2)
                xs.append((bead.en[0] + bead.en[-1] + 1) / 2)
        ax.plot(xs, ys, color="#ff4040", linewidth=1.0, marker="." if len(xs) < 200 else None, markersize=3)
        nulls = [(b.zh[0] + 0.5, "zh") for b in alignment.beads if b.zh and not b.en]
        if nulls:
            ax.scatter([0.3] * len(nulls), [y for y, _ in nulls], marker=">", color="#ff9900", s=12,
                       label="Chinese left unaligned")
            ax.legend(loc="upper right", fontsize=7)
        ax.set_xlabel("English sentence" + (f" (blocks of {fj})" if fj > 1 else ""))
        ax.set_ylabel("Chinese sentence" + (f" (blocks of {fi})" if fi > 1 else ""))
        fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="cosine")
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
    finally:
        plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")
