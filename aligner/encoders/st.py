"""Any sentence-transformers model, by Hugging Face name (already downloaded) or local folder.

The aligner never downloads: a hub name is looked up in the local Hugging Face cache only, so
an offline machine gets a one-line "download it once with ..." instead of a network traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
from contextlib import contextmanager
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path
from typing import Iterator

import numpy as np

from ..errors import EncoderError
from .base import available_cores, normalise_rows

ST_MISSING = "encoder 'st:{model}' needs the extra: pip install 'aligner[st]'"

# Prefixes the model cards ask for. e5 models are trained with "query: " / "passage: "; for
# bitext both sides are queries. The instruct variant wants its task instruction (the mE5
# report's one for bitext mining). Keys are the model's folder or repo basename, lower-cased.
KNOWN_PREFIXES: dict[str, str] = {
    **{f"multilingual-e5-{size}": "query: " for size in ("small", "base", "large")},
    **{f"e5-{size}-v2": "query: " for size in ("small", "base", "large")},
    "multilingual-e5-large-instruct": "Instruct: Retrieve parallel sentences.\nQuery: ",
    "bge-m3": "",
    "labse": "",
}

# Files larger than this are fingerprinted by size, head and tail instead of read whole:
# fine-tunes of one architecture differ everywhere in their weights, so the head suffices.
_SAMPLE = 1 << 20


class STEncoder:
    """``st:MODEL``: a sentence-transformers model on ``device`` (default: cuda when available).

    The model is loaded on the first ``encode``, not here: name, signature and prefix come from
    the folder alone, so a run whose vectors are all cached never pays for importing torch.
    """

    def __init__(self, spec: str, *, device: str | None = None, batch_size: int | None = None,
                 prefix: str | None = None):
        model = spec[3:] if spec.startswith("st:") else spec
        if not model:
            raise EncoderError("encoder 'st:' needs a model: st:NAME (a downloaded hub model) or st:PATH")
        self.name = f"st:{model}"
        if not all(find_spec(module) for module in ("sentence_transformers", "torch")):
            raise EncoderError(ST_MISSING.format(model=model))
        self.folder, label = _resolve(model)
        if not any((self.folder / marker).is_file() for marker in ("modules.json", "config.json")):
            raise EncoderError(f"encoder '{self.name}': {self.folder} is not a sentence-transformers "
                               "or transformers model folder (no modules.json or config.json)")
        self.device = device
        self.batch_size = batch_size or 32
        self.prefix = _prefix(label, prefix, _saved_prompts(self.folder))
        shown_prefix = f":prefix={self.prefix!r}" if self.prefix else ""
        self.signature = (f"st:{label}@{_fingerprint(self.folder)}{shown_prefix}"
                          f":sentence-transformers-{version('sentence-transformers')}")
        self._loaded = None

    @property
    def dim(self) -> int | None:
        return _dimension(self._model())

    def encode(self, texts: list[str]) -> np.ndarray:
        model = self._model()
        if not texts:
            return np.zeros((0, self.dim or 0), dtype=np.float32)
        # Both sides of a bitext are queries; encode_query (sentence-transformers >= 5) also routes
        # asymmetric models with separate query/document towers. Always an explicit prompt (even
        # ""): it overrides any default saved with the model, so the signature says what it sees.
        encode = getattr(model, "encode_query", model.encode)
        vectors = encode(list(texts), prompt=self.prefix, batch_size=self.batch_size,
                         convert_to_numpy=True, normalize_embeddings=True, show_progress_bar=False)
        return normalise_rows(vectors)

    def _model(self):
        if self._loaded is None:
            st_module, torch = _import(self.name[3:])
            self.device = self.device or ("cuda" if torch.cuda.is_available() else "cpu")
            try:
                with _quiet_progress():
                    self._loaded = st_module.SentenceTransformer(str(self.folder), device=self.device,
                                                                 local_files_only=True)
            except Exception as exc:  # any load failure is about the user's model or device, not a bug here
                raise EncoderError(f"encoder '{self.name}' could not be loaded from {self.folder}: "
                                   f"{_one_line(exc)}") from None
            if self.device == "cpu" and torch.get_num_threads() > available_cores():
                torch.set_num_threads(available_cores())  # more threads than granted cores only thrash
        return self._loaded


def _offline() -> None:
    # Set before huggingface_hub is first imported (it reads these once): belt and braces for
    # code paths that ignore local_files_only. A user's explicit setting is respected.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def _import(model: str):
    _offline()
    try:
        import sentence_transformers
        import torch
    except ImportError:
        raise EncoderError(ST_MISSING.format(model=model)) from None
    return sentence_transformers, torch


def _resolve(model: str) -> tuple[Path, str]:
    """The local folder holding ``model`` and the label used in its signature."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path.resolve(), path.resolve().name
    if _looks_like_path(model):
        raise EncoderError(f"encoder 'st:{model}': no model folder at {path}")
    _offline()
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        raise EncoderError(ST_MISSING.format(model=model)) from None

    # Bare names such as "all-MiniLM-L6-v2" live under sentence-transformers/ on the hub.
    candidates = [model] if "/" in model else [model, f"sentence-transformers/{model}"]
    for repo in candidates:
        try:
            return Path(snapshot_download(repo, local_files_only=True)), repo
        except Exception:  # not in the local cache (or not a valid repo id): try the next
            continue
    raise EncoderError(
        f"encoder 'st:{model}': model not found locally and the aligner does not download; "
        f"download it once with `hf download {model} --local-dir DIR` and pass the local path: st:DIR")


def _looks_like_path(model: str) -> bool:
    # Hub ids are "name" or "org/name"; anything else (absolute, ./, ~, deeper) is meant as a folder.
    return (model.startswith(("/", ".", "~")) or model.count("/") > 1 or os.sep != "/" and os.sep in model)


def _prefix(label: str, explicit: str | None, saved: dict) -> str:
    """The text put before every sentence: explicit, else the known table, else the model's own
    default prompt, else its "query" prompt (both sides of a bitext are alike), else none."""
    if explicit is not None:
        return explicit
    known = KNOWN_PREFIXES.get(label.rsplit("/", 1)[-1].lower())
    if known is not None:
        return known
    prompts = saved.get("prompts") or {}
    return prompts.get(saved.get("default_prompt_name")) or prompts.get("query") or ""


def _saved_prompts(folder: Path) -> dict:
    """The prompt settings saved with the model (read directly, so nothing needs loading)."""
    try:
        saved = json.loads((folder / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return saved if isinstance(saved, dict) else {}


def _dimension(model) -> int | None:
    # get_embedding_dimension is the newer name; older releases only have the long one.
    getter = getattr(model, "get_embedding_dimension", None) or getattr(
        model, "get_sentence_embedding_dimension", None)
    try:
        return int(getter()) if getter else None
    except (TypeError, ValueError):
        return None


def _fingerprint(folder: Path) -> str:
    """A short content hash of a model folder, so two models in look-alike folders differ."""
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file() and _hashed(p, folder)):
        size = file.stat().st_size
        digest.update(f"{file.relative_to(folder).as_posix()}\0{size}\0".encode())
        with open(file, "rb") as fh:
            digest.update(fh.read(_SAMPLE))
            if size > 2 * _SAMPLE:
                fh.seek(-_SAMPLE, os.SEEK_END)
                digest.update(fh.read(_SAMPLE))
    return digest.hexdigest()[:10]


def _hashed(file: Path, folder: Path) -> bool:
    # Model cards and hidden bookkeeping (.cache, .git) change without changing the model.
    parts = file.relative_to(folder).parts
    return file.suffix.lower() != ".md" and not any(part.startswith(".") for part in parts)


@contextmanager
def _quiet_progress() -> Iterator[None]:
    """Silence transformers' "Loading weights" bars while the model loads; restore them after."""
    try:
        from transformers.utils import logging as hf_logging
    except ImportError:
        yield
        return
    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
