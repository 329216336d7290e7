"""Alignments remembered on disk beside the embedding cache, so re-running the same job is instant.

The key covers everything the search result depends on: package version and a fingerprint of the search
code, encoder signature, search parameters, languages and every sentence with its paragraph. Only the beads are stored; the rest of an
Alignment is rebuilt from the input. Like the embedding cache, it is an optimisation only: any problem
reading or writing it means computing the alignment again, and an entry that fails the checks an
alignment must pass (damaged or edited by hand) is recomputed and overwritten, with one warning.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
from functools import lru_cache
from pathlib import Path

from .errors import InputError
from .model import Bead, Sentence, check_beads
from .search import ADAPTED
from .tempfiles import remove_stale_temps, temp_name

MAX_FILES = 200  # alignments kept; the oldest go first
_warned: set[str] = set()


def search_code_files() -> list[Path]:
    """The code a stored result depends on: the whole search package, the scoring and lexicon modules it
    uses (with the dictionary behind the lexicon), and the API that calls it."""
    here = Path(__file__).parent
    own = [here / name for name in ("api.py", "scoring.py", "lexicon.py", "cedict.py")]
    return own + sorted((here / "search").rglob("*.py"))


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """The search code itself, so that an edited checkout never gets a result computed by older code."""
    digest = hashlib.sha256()
    for path in search_code_files():
        digest.update(path.read_bytes())
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
        """The store next to a cached encoder's database (cleared of what killed runs left); None for an
        encoder without a cache."""
        from .encoders.cache import CachedEncoder

        if not isinstance(encoder, CachedEncoder):
            return None
        store = cls(Path(encoder.path).parent / "alignments")
        store.remove_stale()
        return store

    def get(self, key: str, n_src: int, n_tgt: int) -> tuple[list[Bead], dict[str, float]] | None:
        """The beads and the calibrated search parameters stored under ``key`` for ``n_src`` source and
        ``n_tgt`` target sentences, or None (nothing stored, or an entry that fails the checks)."""
        path = self.folder / f"{key}.json"
        try:
            raw = path.read_bytes()
        except OSError:  # none stored
            return None
        try:
            data = json.loads(raw.decode("utf-8"))
            beads = [Bead(tuple(zh), tuple(en), score) for zh, en, score in data["beads"]]
            check_beads(beads, n_src, n_tgt)
            calibrated = data["calibrated"]
            if not isinstance(calibrated, dict) or not all(
                    k in ADAPTED and isinstance(v, float) and math.isfinite(v) for k, v in calibrated.items()):
                raise InputError(f"calibrated parameters {calibrated!r} are not finite values of {ADAPTED}")
        except (InputError, KeyError, TypeError, ValueError) as exc:
            if str(self.folder) not in _warned:
                _warned.add(str(self.folder))
                print(f"aligner: warning: stored alignment {path} was corrupt ({exc}); recomputed", file=sys.stderr)
            return None
        return beads, calibrated

    def put(self, key: str, beads: list[Bead], calibrated: dict[str, float]) -> None:
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data = json.dumps({"beads": [[list(b.zh), list(b.en), b.score] for b in beads], "calibrated": calibrated})
            tmp = temp_name(self.folder)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
            os.replace(tmp, self.folder / f"{key}.json")
            tmp = None
            files = sorted(self.folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
            for old in files[:-MAX_FILES]:
                old.unlink(missing_ok=True)
        except OSError:
            pass
        finally:
            if tmp is not None:  # interrupted, or the disk was full
                Path(tmp).unlink(missing_ok=True)

    def remove_stale(self) -> None:
        """Delete the temporary files of runs that were killed while writing. (A writer whose pid this process
        cannot see, in another container, only loses that one entry: its os.replace fails and is ignored.)"""
        remove_stale_temps(self.folder)
