"""A trivial, dependency-free encoder: hashed character n-grams. For tests and timing the search alone.

It knows no language: a sentence is only similar to one sharing its characters, so it aligns a text
with a copy of itself, not with a translation.

Each n-gram of `` text `` (UTF-8) counts in bucket ``zlib.crc32(ngram) % dim``; the CRC is computed for the
n-grams starting at every position of the texts joined, a million characters at a time, with numpy (the same
numbers as zlib's, :func:`_crc32`), which keeps the encoder cheap next to the search and the review it is used
to time (107,611 Bible verses: 4.2 → 0.8 s of CPU).
"""

from __future__ import annotations

import zlib

import numpy as np

from ..model import pieces
from .base import normalise_rows

_CHARS_AT_ONCE = 1 << 20  # characters hashed at once: bounds the per-character arrays (about 40 bytes each)


class HashingEncoder:
    name = "hash"

    def __init__(self, dim: int = 64, n: int = 3):
        self.dim, self.n = dim, n
        self.signature = f"hash:{dim}x{n}gram"

    def encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for piece in pieces((len(t) + 2 for t in texts), _CHARS_AT_ONCE):
            out[piece] = self._counts(texts[piece])
        out[:, 0] += 1e-3  # an empty text still gets a direction
        return normalise_rows(out)

    def _counts(self, texts: list[str]) -> np.ndarray:
        """Each text's n-gram counts per bucket."""
        padded = [f" {text} " for text in texts]
        lengths = np.fromiter(map(len, padded), np.int64, len(padded))
        chars = np.frombuffer("".join(padded).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ends = np.cumsum(lengths)
        # a gram of n characters starts at every position but the last n - 1 of each text; a text shorter
        # than n (an empty one, for n = 3) is one shorter gram, hashed by zlib itself
        valid = np.ones(max(len(chars) - self.n + 1, 0), dtype=bool)
        for k in range(1, self.n):
            valid[(ends - k)[(k <= lengths) & (ends - k < len(valid))]] = False
        # bucket numbers, row * dim + bucket, in 32 bits where they fit: the per-character arrays are what
        # this costs
        size = np.int32 if len(texts) * self.dim < 1 << 31 else np.int64
        keys = np.repeat(np.arange(0, len(texts) * self.dim, self.dim, dtype=size), lengths)[:len(valid)]
        keys += (_crc32(chars, self.n) % np.uint32(self.dim)).astype(size)
        short = np.flatnonzero(lengths < self.n)
        keys = np.concatenate([keys[valid], [k * self.dim + zlib.crc32(padded[k].encode("utf-8", "surrogatepass"))
                                             % self.dim for k in short.tolist()]]).astype(size)
        return np.bincount(keys, minlength=len(texts) * self.dim).reshape(len(texts), self.dim)


def _crc32(chars: np.ndarray, n: int) -> np.ndarray:
    """zlib.crc32 of the UTF-8 bytes of the n characters from each position of ``chars`` (but the last n - 1),
    as uint32.

    The CRC is affine in its input: feeding a character's bytes to the register R gives Z^w(R) ^ K, where
    Z is a zero byte's step, w the character's UTF-8 width and K what the character gives from R = 0. So a
    gram's CRC is Z^W(initial) ^ the XOR over its characters of Z^(widths after it)(K): a few table
    lookups per gram, the tables computed by zlib itself for each distinct character.
    """
    distinct, ids = np.unique(chars, return_inverse=True) if len(chars) < 1 << 16 else _dense(chars)
    utf8 = [chr(c).encode("utf-8", "surrogatepass") for c in distinct.tolist()]
    shifts = 4 * (n - 1) + 1  # widths after a character: 0 .. 4 (n - 1)
    # values[c * shifts + s] = Z^s(K of character c)
    values = np.array([[_zeros(s, zlib.crc32(b, 0xFFFFFFFF) ^ 0xFFFFFFFF) for s in range(shifts)] for b in utf8],
                      dtype=np.uint32).reshape(-1)
    width = np.array([len(b) for b in utf8], dtype=np.int32)[ids]
    start = np.array([_zeros(w, 0xFFFFFFFF) for w in range(4 * n + 1)], dtype=np.uint32)
    ids = ids.astype(np.int32) * np.int32(shifts)  # 32-bit working arrays: a book has millions of grams
    grams = max(len(chars) - n + 1, 0)
    after = np.zeros(grams, dtype=np.int32)
    crc = np.zeros(grams, dtype=np.uint32)
    for k in reversed(range(n)):
        crc ^= values[ids[k:k + grams] + after]
        after += width[k:k + grams]
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
