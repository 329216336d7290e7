"""Reproducibility signature recorded in every output (in the spirit of sacrebleu's)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
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
