"""A trivial, dependency-free encoder: hashed character n-grams. For tests and timing the search alone.

It knows no language: a sentence is only similar to one sharing its characters, so it aligns a text
with a copy of itself, not with a translation.

Each n-gram of `` text `` (UTF-8) counts in bucket ``zlib.crc32(ngram) % dim``; the CRC is computed for all
n-grams of all texts at once with numpy (the same numbers as zlib's, :func:`_crc32`), which keeps the
encoder cheap next to the search and the review it is used to time.
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
        crc = _crc32(chars, first, size, self.n)
        counts = np.bincount(row * self.dim + crc % self.dim, minlength=len(texts) * self.dim)
        out = counts.reshape(len(texts), self.dim).astype(np.float32)
        out[:, 0] += 1e-3  # an empty text still gets a direction
        return normalise_rows(out)


def _crc32(chars: np.ndarray, first: np.ndarray, size: np.ndarray, n: int) -> np.ndarray:
    """zlib.crc32 of the UTF-8 bytes of each gram ``chars[first:first + size]`` (size <= n), as uint32.

    The CRC is affine in its input: feeding a character's bytes to the register R gives Z^w(R) ^ K, where
    Z is a zero byte's step, w the character's UTF-8 width and K what the character gives from R = 0. So a
    gram's CRC is Z^W(initial) ^ the XOR over its characters of Z^(widths after it)(K): a few table
    lookups per gram, the tables computed by zlib itself for each distinct character.
    """
    distinct, ids = np.unique(chars, return_inverse=True) if len(chars) < 1 << 16 else _dense(chars)
    utf8 = [chr(c).encode("utf-8", "surrogatepass") for c in distinct.tolist()]
    shifts = 4 * (n - 1) + 1  # widths after a character: 0 .. 4 (n - 1)
    # values[c, s] = Z^s(K of character c); the last row is "no character" (past a short gram's end)
    values = np.zeros((len(distinct) + 1, shifts), dtype=np.uint32)
    values[:-1] = [[_zeros(s, zlib.crc32(b, 0xFFFFFFFF) ^ 0xFFFFFFFF) for s in range(shifts)] for b in utf8]
    width = np.array([len(b) for b in utf8] + [0], dtype=np.int32)
    start = np.array([_zeros(w, 0xFFFFFFFF) for w in range(4 * n + 1)], dtype=np.uint32)
    ids = ids.astype(np.int32)  # 32-bit working arrays: a book has millions of grams
    at = [np.where(k < size, ids[np.minimum(first + k, len(chars) - 1)], np.int32(len(distinct))) for k in range(n)]
    after = np.zeros(len(first), dtype=np.int32)
    crc = np.zeros(len(first), dtype=np.uint32)
    for k in reversed(range(n)):
        crc ^= values[at[k], after]
        after += width[at[k]]
    return crc ^ start[after] ^ np.uint32(0xFFFFFFFF)


def _zeros(count: int, register: int) -> int:
    """The CRC register after ``count`` zero bytes from ``register``."""
    return zlib.crc32(bytes(count), register ^ 0xFFFFFFFF) ^ 0xFFFFFFFF


def _dense(chars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.unique(chars, return_inverse=True) without sorting a long text: a table over all code points."""
    present = np.zeros(0x110000, dtype=bool)
    present[chars] = True
    distinct = np.flatnonzero(present).astype(np.uint32)
    index = np.zeros(0x110000, dtype=np.int32)
    index[distinct] = np.arange(len(distinct))
    return distinct, index[chars]
