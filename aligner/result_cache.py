"""Alignments remembered on disk beside the embedding cache, so re-running the same job is instant.

The key covers everything the search result depends on: package version and a fingerprint of the search
code, encoder signature, search parameters, languages and every sentence with its paragraph. Only the beads are stored; the rest of an
Alignment is rebuilt from the input. Like the embedding cache, it is an optimisation only: any problem
reading or writing it means computing the alignment again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from .model import Bead, Sentence

MAX_FILES = 200  # alignments kept; the oldest go first


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """The search code itself, so that an edited checkout never gets a result computed by older code."""
    digest = hashlib.sha256()
    for name in ("api.py", "search.py", "scoring.py", "lexicon.py"):
        digest.update((Path(__file__).parent / name).read_bytes())
    return digest.hexdigest()[:16]


def result_key(signature: dict, src: list[Sentence], tgt: list[Sentence]) -> str:
    payload = json.dumps([_code_fingerprint(), signature, [(s.text, s.paragraph) for s in src],
                          [(s.text, s.paragraph) for s in tgt]], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


class ResultStore:
    def __init__(self, folder: Path):
        self.folder = folder

    @classmethod
    def beside(cls, encoder: object) -> "ResultStore | None":
        """The store next to a cached encoder's database; None for an encoder without a cache."""
        from .encoders.cache import CachedEncoder

        if not isinstance(encoder, CachedEncoder):
            return None
        return cls(Path(encoder.path).parent / "alignments")

    def get(self, key: str) -> tuple[list[Bead], dict[str, float]] | None:
        """The beads and the calibrated search parameters stored under ``key``, or None."""
        try:
            data = json.loads((self.folder / f"{key}.json").read_text(encoding="utf-8"))
            beads = [Bead(tuple(zh), tuple(en), float(score)) for zh, en, score in data["beads"]]
            return beads, {str(k): float(v) for k, v in data["calibrated"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, beads: list[Bead], calibrated: dict[str, float]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data = json.dumps({"beads": [[list(b.zh), list(b.en), b.score] for b in beads], "calibrated": calibrated})
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
            os.replace(tmp, self.folder / f"{key}.json")
            files = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
            for old in files[:-MAX_FILES]:
                old.unlink(missing_ok=True)
        except OSError:
            pass
