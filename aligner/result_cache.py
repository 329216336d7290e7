"""Results remembered on disk beside the embedding cache, so re-running the same job is instant.

Alignments: the key covers everything the search result depends on: package version and a fingerprint of the
search code, encoder signature, search parameters, languages and every sentence with its paragraph. Only the
beads are stored; the rest of an Alignment is rebuilt from the input. Reviews (:mod:`.review_cache`) are kept
the same way in a folder of their own. Like the embedding cache, a store is an optimisation only: any problem
reading or writing it means computing the result again, and an entry that fails the checks a result must
pass (damaged or edited by hand) is recomputed and overwritten, with one warning.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

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


@lru_cache(maxsize=4)
def code_fingerprint(files: tuple[Path, ...]) -> str:
    """The code itself, so that an edited checkout never gets a result computed by older code."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def content_key(*parts: object) -> str:
    """The hash of ``parts`` (JSON values) naming an entry."""
    payload = json.dumps(parts, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def sentence_key(sentences: Sequence[Sentence]) -> list[tuple[str, int]]:
    return [(s.text, s.paragraph) for s in sentences]


def result_key(signature: dict, src: list[Sentence], tgt: list[Sentence]) -> str:
    return content_key(code_fingerprint(tuple(search_code_files())), signature, sentence_key(src),
                       sentence_key(tgt))


Entry = TypeVar("Entry")


class JsonStore:
    """A folder of JSON entries named by key: written atomically, the oldest beyond MAX_FILES removed."""

    subfolder = ""  # its name beside the embedding cache
    what = "result"  # in the warning about a damaged entry

    def __init__(self, folder: Path):
        self.folder = folder

    @classmethod
    def beside(cls, encoder: object):
        """The store next to a cached encoder's database (cleared of what killed runs left); None for an
        encoder without a cache."""
        from .encoders.cache import CachedEncoder

        if not isinstance(encoder, CachedEncoder):
            return None
        store = cls(Path(encoder.path).parent / cls.subfolder)
        store.remove_stale()
        return store

    def load(self, key: str, parse: Callable[[object], Entry]) -> Entry | None:
        """``parse`` of the JSON stored under ``key``, or None: nothing stored, or an entry that ``parse``
        refuses (InputError, KeyError, TypeError, ValueError) or that is not JSON, with one warning."""
        path = self.folder / f"{key}.json"
        try:
            raw = path.read_bytes()
        except OSError:  # none stored
            return None
        try:
            return parse(json.loads(raw.decode("utf-8")))
        except (InputError, KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            if str(self.folder) not in _warned:
                _warned.add(str(self.folder))
                print(f"aligner: warning: stored {self.what} {path} was corrupt ({exc}); recomputed",
                      file=sys.stderr)
            return None

    def save(self, key: str, value: object) -> None:
        tmp = None
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            data = json.dumps(value, ensure_ascii=False)
            tmp = temp_name(self.folder)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass") as fh:
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


class ResultStore(JsonStore):
    subfolder = "alignments"
    what = "alignment"

    def get(self, key: str, n_src: int, n_tgt: int) -> tuple[list[Bead], dict[str, float]] | None:
        """The beads and the calibrated search parameters stored under ``key`` for ``n_src`` source and
        ``n_tgt`` target sentences, or None (nothing stored, or an entry that fails the checks)."""
        def parse(data) -> tuple[list[Bead], dict[str, float]]:
            beads = [Bead(tuple(zh), tuple(en), score) for zh, en, score in data["beads"]]
            check_beads(beads, n_src, n_tgt)
            calibrated = data["calibrated"]
            if not isinstance(calibrated, dict) or not all(
                    k in ADAPTED and isinstance(v, float) and math.isfinite(v) for k, v in calibrated.items()):
                raise InputError(f"calibrated parameters {calibrated!r} are not finite values of {ADAPTED}")
            return beads, calibrated

        return self.load(key, parse)

    def put(self, key: str, beads: list[Bead], calibrated: dict[str, float]) -> None:
        self.save(key, {"beads": [[list(b.zh), list(b.en), b.score] for b in beads], "calibrated": calibrated})
