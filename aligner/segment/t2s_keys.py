"""Which texts OpenCC's Traditional-to-Simplified conversion (``t2s``) leaves as they are, known without
loading OpenCC (its import and its dictionaries cost a process about 4 ms), from OpenCC's own dictionaries.

The conversion cuts a text into the longest keys of its dictionaries (the config's normalization, then its
conversion chain) and puts each key's first value in its place, copying the characters no key starts. A key
whose value is itself changes nothing, so a text where no changing key can match is its own conversion. A
changing key of one character matches only where that character is; one of several characters only where
all of them are: it is found by one of its characters that changes alone (麼 in 么麼), or, for the few with
none (深沈, 回覆), by looking for the key itself. The dictionaries are read once per machine (OpenCC's
``opencc_dict`` tool writes them as text) and kept with the derived data (:mod:`aligner.derived`); where
they cannot be read, every text goes to OpenCC.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from importlib.util import find_spec
from pathlib import Path
from typing import Callable

from ..derived import load_or_build, source_hash


def unchanged_test() -> Callable[[str], bool] | None:
    """A test of a text: True where t2s certainly leaves it as it is (False: it may not); None where this
    OpenCC's dictionaries cannot be read (then every text is converted)."""
    found = _installed()
    if found is None:
        return None
    tool, files, stamped = found
    try:
        key = "\0".join([source_hash(__file__)] + [f"{p}:{s.st_size}:{s.st_mtime_ns}"
                                                    for p, s in ((p, p.stat()) for p in stamped)])
    except OSError:
        return None
    changing = load_or_build("opencc-t2s-keys", key, lambda: _changing(tool, files))
    if not changing:
        return None
    characters = frozenset(changing[0])
    keys: dict[str, list[str]] = {}  # by first character: a text is searched for those whose first it holds
    for key in changing[1]:
        keys.setdefault(key[0], []).append(key)
    firsts = frozenset(keys)

    def unchanged(text: str) -> bool:
        return characters.isdisjoint(text) and not any(k in text for c in firsts.intersection(text) for k in keys[c])

    return unchanged


def _installed() -> tuple[Path, list[tuple[str, Path]], list[Path]] | None:
    """OpenCC's dictionary tool, the t2s config's dictionaries (type, file), and every file the conversion
    depends on (the config, the dictionaries, the package's module and library), without importing it; None
    where it is not laid out as the opencc package from PyPI (its clib folder)."""
    try:
        spec = find_spec("opencc")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    package = Path(spec.origin).parent
    share, tool = package / "clib" / "share" / "opencc", package / "clib" / "bin" / "opencc_dict"
    config = share / "t2s.json"
    try:
        nodes = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = [(node.get("type"), share / node["file"]) for node in _dict_nodes(nodes) if "file" in node]
    libraries = sorted((package / "clib").glob("opencc_clib*"))
    if not tool.is_file() or not files or not libraries:
        return None
    return tool, files, [config, Path(spec.origin), *libraries, *(path for _, path in files)]


def _dict_nodes(node: object) -> list[dict]:
    """Every dictionary the config names, at any depth (normalization, conversion chain, groups)."""
    if isinstance(node, list):
        return [found for item in node for found in _dict_nodes(item)]
    if not isinstance(node, dict):
        return []
    return ([node] if "type" in node else []) + [found for value in node.values() for found in _dict_nodes(value)]


def _changing(tool: Path, files: list[tuple[str, Path]]) -> tuple:
    """The characters that change alone, and the keys of several characters none of which does; () where a
    dictionary cannot be read (a type this code does not know, the tool failing): stored, so that later
    processes do not try again."""
    entries: list[tuple[str, str]] = []
    try:
        with tempfile.TemporaryDirectory() as work:
            for kind, path in files:
                if kind == "ocd2":
                    text = Path(work) / f"{path.stem}.txt"
                    subprocess.run([str(tool), "-i", str(path), "-o", str(text), "-f", "ocd2", "-t", "text"],
                                   check=True, capture_output=True, timeout=120)
                elif kind == "text":
                    text = path
                else:
                    return ()
                for line in text.read_text(encoding="utf-8").splitlines():
                    key, _, values = line.partition("\t")
                    if key:
                        entries.append((key, values.split(" ")[0]))
    except (OSError, subprocess.SubprocessError, UnicodeDecodeError):
        return ()
    characters = {key for key, value in entries if len(key) == 1 and value != key}
    keys = sorted(key for key, value in entries
                  if len(key) > 1 and value != key and characters.isdisjoint(key))
    return "".join(sorted(characters)), keys
