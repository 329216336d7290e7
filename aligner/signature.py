"""Reproducibility signature recorded in every output (in the spirit of sacrebleu's)."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version


@lru_cache(maxsize=1)
def package_version() -> str:
    """The installed package's version, read once (the metadata lookup costs about a millisecond)."""
    try:
        return version("aligner")
    except PackageNotFoundError:  # running from a source tree without install
        return "0+unknown"


def make_signature(encoder: str, params: dict) -> dict:
    return {"aligner": package_version(), "encoder": encoder, "params": dict(sorted(params.items()))}


def format_signature(sig: dict) -> str:
    """One line, e.g. ``aligner:0.1.0|encoder:use-m3:0.2.1|max_bead:4``; parameters the search calibrated to
    the document follow as ``calibrated:skip=-0.045,…``."""
    parts = [f"aligner:{sig.get('aligner', '?')}", f"encoder:{sig.get('encoder', '?')}"]
    parts += [f"{k}:{v}" for k, v in sig.get("params", {}).items()]
    if sig.get("calibrated"):
        parts.append("calibrated:" + ",".join(f"{k}={v}" for k, v in sorted(sig["calibrated"].items())))
    return "|".join(parts)


def format_review_signature(settings: dict) -> str:
    """The review's settings on one line: its parameters, then each fitted model it read as a short digest of
    its weights (``review|flag_at:0.5|…|models:clause=1a2b3c4d,…``); the review JSON has them in full."""
    parts = ["review"] + [f"{k}:{v}" for k, v in sorted(settings.get("params", {}).items())]
    models = settings.get("models", {})
    if models:
        parts.append("models:" + ",".join(
            f"{name}={hashlib.sha256(json.dumps(model, sort_keys=True).encode()).hexdigest()[:8]}"
            for name, model in sorted(models.items())))
    return "|".join(parts)
