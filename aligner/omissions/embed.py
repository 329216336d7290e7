"""Batched, memoised embedding of the extra strings the review needs (clauses, beads without a clause)."""

from __future__ import annotations

import numpy as np

from ..encoders import Encoder
from ..segment.chinese import to_simplified


class Embedder:
    """Collect strings first (``want``), embed them in one batch per language (``run``), then look up.

    Chinese is converted to Simplified first, as the aligner does, so clause and sentence vectors agree.
    """

    def __init__(self, encoder: Encoder, src_lang: str, tgt_lang: str):
        self.encoder = encoder
        self.langs = {"src": src_lang, "tgt": tgt_lang}
        self._wanted: dict[str, set[str]] = {"src": set(), "tgt": set()}
        self._vectors: dict[tuple[str, str], np.ndarray] = {}

    def want(self, side: str, text: str) -> None:
        if (side, text) not in self._vectors:
            self._wanted[side].add(text)

    def run(self) -> None:
        for side, texts in self._wanted.items():
            todo = sorted(texts)
            if not todo:
                continue
            prepared = [to_simplified(t) if self.langs[side] == "zh" else t for t in todo]
            vectors = np.asarray(self.encoder.encode(prepared), dtype=np.float32)
            for text, vector in zip(todo, vectors):
                self._vectors[(side, text)] = vector
            texts.clear()

    def __call__(self, side: str, text: str) -> np.ndarray:
        return self._vectors[(side, text)]
