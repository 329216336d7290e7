"""Sentence encoders: the protocol, the bundled default and the registry of names."""

from __future__ import annotations

from .base import Encoder, encoder_signature
from ..errors import EncoderError

DEFAULT_ENCODER = "use"


def get_encoder(name: str | None = None) -> Encoder:
    """Build an encoder from its CLI name (``use``, ``e5-small``, ``st:MODEL``)."""
    name = name or DEFAULT_ENCODER
    if name == "use":
        from .use import USEEncoder

        return USEEncoder()
    raise EncoderError(f"unknown encoder '{name}' (known: use)")


__all__ = ["DEFAULT_ENCODER", "Encoder", "encoder_signature", "get_encoder"]
