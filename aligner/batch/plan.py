"""What a batch will do, decided before any work: the pairs (from a manifest or two folders), their options,
and every output path, checked against every input (no output may overwrite an input)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from dataclasses import dataclass, field, fields
from typing import Iterable

from ..errors import InputError
from ..export import plan_outputs
from ..language import language_tag
from ..readers import format_of
from ..readers.source import DEFAULT_MAX_INPUT_BYTES, read_input
from ..readers.text import decode_bytes
from ..search import SearchParams, parse_param

PAIR_BY = ("stem", "regex")
# Per-pair settings a manifest may give beside the search parameters.
PAIR_SETTINGS = {"presplit": bool, "input_format": str, "src_lang": str, "tgt_lang": str, "src_locale": str}
SEARCH_KEYS = {f.name: type(f.default) for f in fields(SearchParams)}
# An id names files: letters, digits, and . _ - inside (no path separator, no hidden file).
_ID = re.compile(r"[\w][\w.-]{0,199}")
PAIRS_DIR, RECORDS_DIR = "pairs", "records"
CORPUS_FILES = ("corpus.tsv", "corpus.parquet", "corpus.src", "corpus.tgt", "corpus.tmx")
SUMMARY_FILES = ("summary.json", "summary.html")


@dataclass(frozen=True)
class PairSpec:
    """One document pair and what is asked of it: ``options`` are search parameters (sorted key, value pairs)."""

    id: str
    zh: str
    en: str
    presplit: bool = False
    input_format: str | None = None
    src_lang: str | None = None
    tgt_lang: str | None = None
    src_locale: str | None = None
    options: tuple[tuple[str, object], ...] = ()

    def settings(self) -> dict:
        """Everything that changes this pair's alignment, as JSON-ready values (for its done-record key)."""
        return {"presplit": self.presplit, "input_format": self.input_format, "src_lang": self.src_lang,
                "tgt_lang": self.tgt_lang, "src_locale": self.src_locale, "options": dict(self.options)}


@dataclass(frozen=True)
class Defaults:
    """The batch's own options, which a manifest row may override."""

    presplit: bool = False
    input_format: str | None = None
    src_lang: str | None = None
    tgt_lang: str | None = None
    src_locale: str | None = None
    options: dict = field(default_factory=dict)


def manifest_pairs(path: str, defaults: Defaults, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> list[PairSpec]:
    """The pairs a manifest lists: JSON Lines (``.jsonl``: one object per line with ``zh``, ``en``, optional
    ``id`` and settings) or TSV (columns zh, en, optional id; a header row naming the columns allows settings
    columns). Relative paths are taken from the manifest's folder."""
    text, _ = decode_bytes(read_input(path, max_bytes), path)
    base = os.path.dirname(os.path.abspath(path))
    rows = _jsonl_rows(text, path) if path.endswith((".jsonl", ".ndjson")) else _tsv_rows(text, path)
    specs = [_spec(row, where, base, defaults) for where, row in rows]
    if not specs:
        raise InputError(f"{path}: the manifest lists no pair")
    return _unique(specs, path)


def _jsonl_rows(text: str, path: str) -> Iterable[tuple[str, dict]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise InputError(f"{path}:{number}: expected a JSON object with zh and en")
        yield f"{path}:{number}", row


def _tsv_rows(text: str, path: str) -> Iterable[tuple[str, dict]]:
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    columns = ["zh", "en", "id"]
    for number, cells in enumerate(reader, 1):
        if not any(c.strip() for c in cells) or cells[0].startswith("#"):
            continue
        cells = [c.strip() for c in cells]
        if number == 1 and {"zh", "en"} <= set(cells):
            columns = cells
            continue
        if len(cells) > len(columns):
            raise InputError(f"{path}:{number}: {len(cells)} columns where the manifest has {len(columns)} "
                             f"({', '.join(columns)})")
        yield f"{path}:{number}", {k: v for k, v in zip(columns, cells) if v != ""}


def _spec(row: dict, where: str, base: str, defaults: Defaults) -> PairSpec:
    for key in ("zh", "en"):
        if not isinstance(row.get(key), str) or not row[key]:
            raise InputError(f"{where}: no {key} file given")
    unknown = set(row) - {"zh", "en", "id"} - set(PAIR_SETTINGS) - set(SEARCH_KEYS)
    if unknown:
        raise InputError(f"{where}: unknown setting {sorted(unknown)[0]!r} (known: "
                         f"{', '.join([*PAIR_SETTINGS, *SEARCH_KEYS])})")
    zh, en = (os.path.join(base, os.path.expanduser(row[k])) for k in ("zh", "en"))
    settings = {k: _value(row[k], kind, k, where) for k, kind in PAIR_SETTINGS.items() if k in row}
    options = {**defaults.options,
               **{k: _value(row[k], kind, k, where) for k, kind in SEARCH_KEYS.items() if k in row}}
    try:
        SearchParams(**options)
        for key in ("src_lang", "tgt_lang", "src_locale"):
            if settings.get(key) is not None:
                language_tag(settings[key], key)
        format_of(zh, settings.get("input_format"))  # a format no reader has is refused here, not per pair
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from None
    pair_id = row.get("id")
    pair_id = default_id(zh) if pair_id is None else str(pair_id)
    if not _ID.fullmatch(pair_id):
        raise InputError(f"{where}: id {pair_id!r} cannot name a file (letters, digits, '.', '_' and '-' only, "
                         "not starting with '.' or '-')")
    return PairSpec(id=pair_id, zh=zh, en=en,
                    presplit=settings.get("presplit", defaults.presplit),
                    input_format=settings.get("input_format", defaults.input_format),
                    src_lang=settings.get("src_lang", defaults.src_lang),
                    tgt_lang=settings.get("tgt_lang", defaults.tgt_lang),
                    src_locale=settings.get("src_locale", defaults.src_locale),
                    options=tuple(sorted(options.items())))


def _value(value: object, kind: type, key: str, where: str):
    """A setting's value: text (TSV) parsed as ``kind``; JSON's own numbers and booleans must be of that kind."""
    if isinstance(value, str) and kind is not str:
        try:
            return parse_param(kind, value)
        except ValueError as exc:
            raise InputError(f"{where}: {key} takes {exc}") from None
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InputError(f"{where}: {key} takes a {kind.__name__}, not {value!r}")
    return value


def default_id(zh_path: str) -> str:
    """A pair's id when none is given: the Chinese file's name without its extensions, made safe for a file name."""
    name = os.path.basename(zh_path).split(".")[0] or "pair"
    return re.sub(r"[^\w.-]", "_", name).lstrip("-") or "pair"


def folder_pairs(zh_dir: str, en_dir: str, defaults: Defaults, pair_by: str = "stem",
                 pattern: str | None = None) -> list[PairSpec]:
    """Pairs from two folders: files with the same key, the name up to its first dot (``stem``) or the
    first group of ``pattern`` (``regex``: e.g. ``(\\d+)`` pairs ``ch01.zh.txt`` with ``chapter-01.txt``)."""
    if pair_by not in PAIR_BY:
        raise InputError(f"--pair-by {pair_by!r}: expected one of {', '.join(PAIR_BY)}")
    if pair_by == "regex":
        if not pattern:
            raise InputError("--pair-by regex needs --pair-regex PATTERN (its first group, or the match, is the key)")
        try:
            regex = re.compile(pattern)
        except re.error as exc:
            raise InputError(f"--pair-regex {pattern!r}: not a regular expression ({exc})") from None
    sides = []
    for folder in (zh_dir, en_dir):
        try:
            names = sorted(n for n in os.listdir(folder)
                           if not n.startswith(".") and os.path.isfile(os.path.join(folder, n)))
        except OSError as exc:
            raise InputError(f"{folder}: cannot list the folder ({exc.strerror or exc})") from None
        keyed: dict[str, str] = {}
        for name in names:
            if pair_by == "stem":
                key = name.split(".")[0]
            else:
                found = regex.search(name)
                if not found:
                    continue
                key = found.group(1) if regex.groups else found.group(0)
            if key in keyed:
                raise InputError(f"{folder}: {keyed[key]} and {name} both pair by {key!r}; rename one or "
                                 "use --pair-by regex")
            keyed[key] = name
        sides.append(keyed)
    (zh, en) = sides
    common = sorted(set(zh) & set(en))
    if not common:
        raise InputError(f"{zh_dir} and {en_dir}: no file names pair up (--pair-by {pair_by})")
    specs = [PairSpec(id=re.sub(r"[^\w.-]", "_", key).lstrip("-.") or "pair",
                      zh=os.path.join(zh_dir, zh[key]), en=os.path.join(en_dir, en[key]),
                      presplit=defaults.presplit, input_format=defaults.input_format, src_lang=defaults.src_lang, tgt_lang=defaults.tgt_lang,
                      src_locale=defaults.src_locale, options=tuple(sorted(defaults.options.items())))
             for key in common]
    return _unique(specs, f"{zh_dir} and {en_dir}")


def _unique(specs: list[PairSpec], where: str) -> list[PairSpec]:
    seen: dict[str, PairSpec] = {}
    for spec in specs:
        if spec.id in seen:
            raise InputError(f"{where}: two pairs have the id {spec.id!r} ({seen[spec.id].zh} and {spec.zh}); "
                             "give each pair its own id")
        seen[spec.id] = spec
    return specs


def pair_prefix(out_dir: str, pair_id: str) -> str:
    return os.path.join(out_dir, PAIRS_DIR, pair_id)


def plan_batch(specs: list[PairSpec], out_dir: str, formats: list[str], extra_inputs: Iterable[str] = ()) -> None:
    """Create the output folders and check every output path before any work (:func:`plan_outputs` for each
    pair, the combined corpus and the summary); InputError if any would be written over an input."""
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise InputError(f"{out_dir}: not a folder; -o takes the folder the batch writes in")
    try:
        for sub in (PAIRS_DIR, RECORDS_DIR):
            os.makedirs(os.path.join(out_dir, sub), exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot create the output folder ({exc.strerror or exc})") from None
    inputs = _identities([*(p for s in specs for p in (s.zh, s.en)), *extra_inputs])
    outputs = [os.path.join(out_dir, name) for name in (*CORPUS_FILES, *SUMMARY_FILES)]
    for spec in specs:  # folder, name length, SOURCE_DATE_EPOCH
        outputs += plan_outputs(pair_prefix(out_dir, spec.id), formats)
    for path in outputs:
        if os.path.isdir(path):
            raise InputError(f"{path}: is a directory, cannot write the output there")
        if _identity(path) in inputs or os.path.realpath(path) in inputs:
            raise InputError(f"output {path} would overwrite an input of the batch; give another -o folder")


def _identities(paths: Iterable[str]) -> set:
    """Each input's real path and (device, inode): a set, so checking a million outputs stays linear."""
    found: set = set()
    for path in paths:
        found.add(os.path.realpath(path))
        found.add(_identity(path))
    found.discard(None)
    return found


def _identity(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino
