"""A trivial, dependency-free encoder: hashed character n-grams. For tests and timing the search alone.

It knows no language: a sentence is only similar to one sharing its characters, so it aligns a text
with a copy of itself, not with a translation.

Each n-gram of `` text `` (UTF-8) counts in bucket ``zlib.crc32(ngram) % dim``; the CRC is computed for all
n-grams of all texts at once with numpy (the same numbers as zlib's, a byte at a time), which keeps the
encoder cheap next to the search and the review it is used to time.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .base import normalise_rows


class HashingEncoder:
    name = "hash"

    def __init__(self, dim: int = 64, n: int = 3):
        self.dim, self.n = dim, n
        self.signature = f"hash:{dim}x{n}gram"

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        padded = [f" {text} " for text in texts]
        lengths = np.array([len(p) for p in padded], dtype=np.int64)
        chars = np.frombuffer("".join(padded).encode("utf-32-le"), dtype=np.uint32)
        starts = np.cumsum(lengths) - lengths
        grams = np.maximum(1, lengths - self.n + 1)  # a text shorter than n has one shorter gram
        row = np.repeat(np.arange(len(texts)), grams)
        first = np.repeat(starts, grams) + np.arange(grams.sum()) - np.repeat(np.cumsum(grams) - grams, grams)
        size = np.minimum(self.n, np.repeat(starts + lengths, grams) - first)
        crc = _crc32([first + k for k in range(self.n)], size, *_utf8(chars))
        counts = np.bincount(row * self.dim + crc % self.dim, minlength=len(texts) * self.dim)
        out = counts.reshape(len(texts), self.dim).astype(np.float32)
        out[:, 0] += 1e-3  # an empty text still gets a direction
        return normalise_rows(out)


@lru_cache(maxsize=1)
def _crc_table() -> np.ndarray:
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0xEDB88320), table >> 1)
    return table


def _utf8(chars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each code point's UTF-8 bytes, shape (len(chars), 4), and how many of them it has."""
    width = 1 + (chars >= 0x80) + (chars >= 0x800) + (chars >= 0x10000)
    out = np.zeros((len(chars), 4), dtype=np.uint32)
    lead = np.array([0, 0, 0xC0, 0xE0, 0xF0], dtype=np.uint32)[width]
    for j in range(4):  # byte j of a w-byte character carries bits 6 * (w - 1 - j) and up
        shift = np.clip(6 * (width - 1 - j), 0, None).astype(np.uint32)
        bits = chars >> shift
        out[:, j] = np.where(j == 0, lead | bits, 0x80 | (bits & 0x3F))
    return np.where(np.arange(4) < width[:, None], out, 0), width


def _crc32(positions: list[np.ndarray], size: np.ndarray, data: np.ndarray, width: np.ndarray) -> np.ndarray:
    """zlib.crc32 of each gram: the UTF-8 bytes of characters ``positions[k]`` for k < ``size``."""
    table = _crc_table()
    crc = np.full(len(size), 0xFFFFFFFF, dtype=np.uint32)
    for k, at in enumerate(positions):
        on = k < size
        at = np.where(on, at, 0)
        for j in range(4):
            step = table[(crc ^ data[at, j]) & 0xFF] ^ (crc >> 8)
            crc = np.where(on & (j < width[at]), step, crc)
    return crc ^ np.uint32(0xFFFFFFFF)
