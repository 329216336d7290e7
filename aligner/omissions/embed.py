"""Batched, memoised embedding of the extra strings the review needs (clauses, beads without a clause)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from ..encoders import Encoder
from ..segment.chinese import to_simplified


class Embedder:
    """Collect strings first (``want``), embed them in one batch per side (``run``), then look them up, one
    (``embedder(side, text)``) or many as rows of one matrix (``rows`` into ``matrix``).

    Chinese is converted to Simplified first, as the aligner does, so clause and sentence vectors agree.
    """

    def __init__(self, encoder: Encoder, src_lang: str, tgt_lang: str):
        self.encoder = encoder
        self.langs = {"src": src_lang, "tgt": tgt_lang}
        self._wanted: dict[str, set[str]] = {"src": set(), "tgt": set()}
        self._rows: dict[str, dict[str, int]] = {"src": {}, "tgt": {}}
        self._blocks: dict[str, list[np.ndarray]] = {"src": [], "tgt": []}

    def want(self, side: str, texts: str | Iterable[str]) -> None:
        known, wanted = self._rows[side], self._wanted[side]
        wanted.update(t for t in ([texts] if isinstance(texts, str) else texts) if t not in known)

    def run(self) -> None:
        for side, texts in self._wanted.items():
            todo = sorted(texts)
            if not todo:
                continue
            prepared = [to_simplified(t) if self.langs[side] == "zh" else t for t in todo]
            vectors = np.asarray(self.encoder.encode(prepared), dtype=np.float32)
            rows = self._rows[side]
            base = len(rows)
            rows.update((text, base + n) for n, text in enumerate(todo))
            self._blocks[side] = [np.concatenate(self._blocks[side] + [vectors])]
            texts.clear()

    def matrix(self, side: str) -> np.ndarray:
        """Every vector of the side embedded so far, one row each (see :meth:`rows`)."""
        return self._blocks[side][0] if self._blocks[side] else np.zeros((0, 0), dtype=np.float32)

    def rows(self, side: str, texts: Iterable[str]) -> np.ndarray:
        """The rows of ``texts`` in :meth:`matrix`."""
        rows = self._rows[side]
        return np.fromiter((rows[t] for t in texts), dtype=np.int64)

    def __call__(self, side: str, text: str) -> np.ndarray:
        return self.matrix(side)[self._rows[side][text]]
