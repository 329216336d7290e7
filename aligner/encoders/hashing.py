"""A trivial, dependency-free encoder: hashed character n-grams. For tests and timing the search alone.

It knows no language: a sentence is only similar to one sharing its characters, so it aligns a text
with a copy of itself, not with a translation.
"""

from __future__ import annotations

import zlib

import numpy as np

from .base import normalise_rows


class HashingEncoder:
    name = "hash"

    def __init__(self, dim: int = 64, n: int = 3):
        self.dim, self.n = dim, n
        self.signature = f"hash:{dim}x{n}gram"

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            padded = f" {text} "
            for k in range(max(1, len(padded) - self.n + 1)):
                out[row, zlib.crc32(padded[k:k + self.n].encode()) % self.dim] += 1.0
        out[:, 0] += 1e-3  # an empty text still gets a direction
        return normalise_rows(out)
