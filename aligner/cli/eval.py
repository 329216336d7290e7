"""``aligner eval GOLD TEST``: score bead files against gold ones (Vecalign's strict/lax metric)."""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePath

import click

from . import emit, main
from ..errors import InputError
from ..evaluate import evaluate, merge_by_verse, read_beads, read_text_lines
from .options import max_input_size_option
from ..signature import format_signature, make_signature


@main.command("eval")
# readable=False: read_beads reports an unreadable file as one line; click printed its usage text.
@click.argument("gold", type=click.Path(path_type=Path, readable=False))
@click.argument("test", type=click.Path(path_type=Path, readable=False))
@click.option("--verses", nargs=2, type=click.Path(path_type=Path), metavar="SRC_VERSES TGT_VERSES",
              help="Verse id of each source / target sentence, one per line: merge test beads within a "
                   "verse before scoring (Bible corpus).")
@click.option("--glob", "pattern", default="*", show_default=True,
              help="Which files of a GOLD folder are gold bead files.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@max_input_size_option
def eval_command(gold: Path, test: Path, verses: tuple[Path, Path] | None, pattern: str, as_json: bool,
                 max_bytes: int) -> None:
    """Score the alignment(s) TEST against GOLD: strict/lax precision, recall and F1 (Vecalign's
    definition, micro-averaged over documents), unaligned-sentence scores and strict F1 per bead type.

    GOLD and TEST are bead files ([0, 1]:[2] per line) or folders of them; a gold file's counterpart in
    a TEST folder has the same name or the same stem (test0.defr -> test0.beads).
    """
    pairs = _pair_files(gold, test, pattern)
    gold_docs = [_read_nonempty(g, max_bytes) for g, _ in pairs]
    test_docs = [_read_nonempty(t, max_bytes) for _, t in pairs]
    if verses:
        src_verses, tgt_verses = (_read_verses(p, max_bytes) for p in verses)
        test_docs = [merge_by_verse(doc, src_verses, tgt_verses) for doc in test_docs]

    result = evaluate(gold_docs, test_docs)
    signature = make_signature("n/a", {"metric": "vecalign-score", "verses": bool(verses)})
    if as_json:
        result["files"] = [[str(g), str(t)] for g, t in pairs]
        result["signature"] = signature
        result["signature_line"] = format_signature(signature)
        emit(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        emit(_table(result))
        emit(format_signature(signature))


def _pair_files(gold: Path, test: Path, pattern: str) -> list[tuple[Path, Path]]:
    """Gold files and their test counterparts, in gold file-name order."""
    for path, role in ((gold, "gold"), (test, "test")):
        if not path.exists():
            raise InputError(f"{path}: {role} path not found")
    if gold.is_dir():
        if not test.is_dir():
            raise InputError(f"{test}: gold {gold} is a folder, so the test must be a folder too")
        for folder in (gold, test):
            _check_listable(folder)
        # Only files inside GOLD: '../*' or '/etc/*' would score (or, as test counterparts, pick) files
        # from anywhere.
        if PurePath(pattern).is_absolute() or ".." in PurePath(pattern).parts:
            raise InputError(f"--glob {pattern!r}: must name files inside {gold} (no '..', no absolute path)")
        try:
            gold_files = sorted(p for p in gold.glob(pattern) if p.is_file() and not p.name.startswith("."))
        except (ValueError, NotImplementedError, IndexError) as exc:
            # pathlib's own complaints about '', '.': they were tracebacks
            raise InputError(f"--glob {pattern!r}: not a usable file pattern inside {gold} ({exc or 'invalid'})") \
                from None
        if not gold_files:
            raise InputError(f"{gold}: no gold files matching {pattern!r}")
        root = gold.resolve()
        for path in gold_files:  # a symlinked folder inside GOLD can still lead out of it
            if not path.parent.resolve().is_relative_to(root):
                raise InputError(f"--glob {pattern!r}: matches {path}, in a folder outside {gold}")
        return [(g, _counterpart(g, test)) for g in gold_files]
    return [(gold, _counterpart(gold, test) if test.is_dir() else test)]


def _check_listable(folder: Path) -> None:
    # glob() and iterdir() on an unreadable folder said "no gold files" or raised PermissionError
    try:
        os.listdir(folder)
    except OSError as exc:
        raise InputError(f"{folder}: cannot read the folder ({exc.strerror or exc})") from None


def _read_nonempty(path: Path, max_bytes: int):
    """A bead file's beads; an empty one is refused: the aligner never writes one, so it is a failed or
    truncated run, and scoring it as 0.0 (or, as gold, scoring nothing) hid that. So is one whose beads
    are all ``[]:[]``: scoring ignores those, so it scored as an empty file."""
    beads = read_beads(path, max_bytes)
    if not beads:
        raise InputError(f"{path}: no beads (empty bead file)")
    if not any(src or tgt for src, tgt in beads):
        raise InputError(f"{path}: no sentence in any bead (only []:[]), nothing to score")
    return beads


def _counterpart(gold_file: Path, test_dir: Path) -> Path:
    """The test file for ``gold_file``: same name, else same stem (a ``.beads`` file first)."""
    exact = test_dir / gold_file.name
    if exact.is_file():
        return exact
    same_stem = sorted(p for p in test_dir.iterdir() if p.is_file() and p.stem == gold_file.stem)
    beads = [p for p in same_stem if p.suffix == ".beads"]
    if len(beads) == 1 or len(same_stem) == 1:
        return (beads or same_stem)[0]
    if not same_stem:
        raise InputError(f"{gold_file}: no test file {gold_file.stem}.* in {test_dir}")
    names = ", ".join(p.name for p in same_stem)
    raise InputError(f"{gold_file}: several test files could be its counterpart in {test_dir}: {names}")


def _read_verses(path: Path, max_bytes: int) -> list[str]:
    verses = [line.strip() for line in read_text_lines(path, max_bytes)]
    if not any(verses):
        raise InputError(f"{path}: empty verse file (one verse id per sentence expected)")
    return verses


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _table(result: dict) -> str:
    """Strict / lax / null scores side by side, then strict scores per bead type."""
    columns = ("strict", "lax", "null")
    lines = [f"{'':<10}" + "".join(f"{c:>8}" for c in columns)]
    for metric in ("precision", "recall", "f1"):
        lines.append(f"{metric:<10}" + "".join(f"{_fmt(result[c][metric]):>8}" for c in columns))
    null = result["null"]
    lines.append(f"documents: {result['documents']}  beads gold/test: {result['beads']['gold']}/"
                 f"{result['beads']['test']}  unaligned sentences gold/test/both: "
                 f"{null['gold']}/{null['test']}/{null['correct']}")
    lines.append("")
    lines.append(f"{'type':<10}{'gold':>6}{'test':>6}{'P':>8}{'R':>8}{'F1':>8}   (strict)")
    for kind, row in result["by_type"].items():
        lines.append(f"{kind:<10}{row['gold']:>6}{row['test']:>6}"
                     + "".join(f"{_fmt(row[m]):>8}" for m in ("precision", "recall", "f1")))
    return "\n".join(lines)
