#!/usr/bin/env python3
"""The review on real translations: its flags on the MAC-Dev literary chapters against the gold of the
omissions their translators really made (``corpora/mac-dev-zh-en/omissions/00N.json``, read bilingually;
see that folder's README), scored by :func:`aligner.evaluate_review.score_flags`.

Each chapter with a gold file is aligned with the defaults (``--presplit``, Chinese the source side) and
reviewed; the section ``review-gold`` of docs/benchmarks.md gets sentence-flag precision and recall,
clause-flag precision and recall, sentence+clause precision and flags per 100 Chinese sentences, against the
issue's targets (sentence P >= 0.7, sentence+clause P >= 0.6, <= 3 flags per 100).

    python scripts/bench_review_gold.py [--encoder use] [--gold corpora/mac-dev-zh-en/omissions] [--no-write] [--list]

``--list`` also prints every sentence, clause and alignment flag with its gold status (``right``: matches a
certain item, ``doubtful``, ``false``; alignment checks are not scored: ``check``), by index and span only,
for reading each one bilingually against the chapter and its gold alignment.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from docsection import update_section  # noqa: E402

from aligner.api import align  # noqa: E402
from aligner.encoders import get_encoder  # noqa: E402
from aligner.evaluate_review import (SCORED_KINDS, add_flag_scores, flag_status, read_omission_gold,  # noqa: E402
                                     score_flags)
from aligner.omissions import review  # noqa: E402

CHAPTERS = ROOT.parent / "shared" / "corpora" / "mac-dev-zh-en"
GOLD = ROOT / "corpora" / "mac-dev-zh-en" / "omissions"
TARGETS = "sentence P ≥ 0.7, sentence+clause P ≥ 0.6, at most 3 flags per 100 Chinese sentences"


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _f(value) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _row(label: str, s: dict, checks: int) -> str:
    c = s["counts"]
    sent, clause, both = s["sentence"], s["clause"], s["sentence+clause"]
    return (f"| {label} | {c['sentence']['flags']} | {_f(sent['precision'])} ({_f(sent['precision_lenient'])}) "
            f"| {c['sentence']['found']}/{c['sentence']['gold']} | {c['clause']['flags']} "
            f"| {_f(clause['precision'])} ({_f(clause['precision_lenient'])}) "
            f"| {c['clause']['found']}/{c['clause']['gold']} "
            f"| {_f(both['precision'])} ({_f(both['precision_lenient'])}) | {s['flags_per_100']:.1f} | {checks} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--gold", type=Path, default=GOLD, help="folder of the 00N.json gold files")
    parser.add_argument("--no-write", action="store_true", help="print, do not update docs/benchmarks.md")
    parser.add_argument("--list", action="store_true", help="print every flag with its gold status")
    args = parser.parse_args()
    if not CHAPTERS.is_dir():
        sys.exit(f"bench_review_gold: {CHAPTERS} not found")
    golds = sorted(args.gold.glob("[0-9][0-9][0-9].json")) if args.gold.is_dir() else []
    if not golds:
        sys.exit(f"bench_review_gold: no gold files (00N.json) in {args.gold}")
    encoder = get_encoder(args.encoder)
    start = time.perf_counter()
    per_doc, checks = {}, {}
    doubtful = 0
    for path in golds:
        zh, en = _lines(CHAPTERS / "zh" / path.stem), _lines(CHAPTERS / "en" / path.stem)
        gold = read_omission_gold(path, len(zh))
        doubtful += sum(c == "doubtful" for c in [*gold.sentences.values(), *(c[-1] for c in gold.clauses)])
        alignment = align(zh, en, encoder=encoder, src_lang="zh", tgt_lang="en")
        flags = review(alignment, encoder).flags
        if args.list:
            for f in flags:
                if f.kind in (*SCORED_KINDS, "alignment") and f.zh_sentence is not None:
                    print(f"{path.stem} {f.kind:9s} zh {f.zh_sentence:4d} span {f.span} bead {f.bead} "
                          f"confidence {f.confidence:.3f} {flag_status(f, gold)}")
        per_doc[path.stem] = score_flags(flags, gold)
        checks[path.stem] = sum(f.kind == "alignment" for f in flags)
        print(_row(path.stem, per_doc[path.stem], checks[path.stem]), flush=True)
    total = add_flag_scores(per_doc.values())
    seconds = time.perf_counter() - start
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "n/a"
    rows = [
        "## Review against real omissions (MAC-Dev chapters)", "",
        f"The review's flags on {len(per_doc)} literary chapters (aligned with the defaults, encoder "
        f"`{args.encoder}`) against the gold of what their translators really left out, read bilingually "
        "(`corpora/mac-dev-zh-en/omissions/`; certain items scored, "
        f"{doubtful} doubtful ones reported apart). Targets: {TARGETS}.", "",
        "Precision counts flags that match a certain gold item; in brackets, also those that match only a "
        "doubtful one. A sentence flag matches a gold whole sentence; a clause flag a gold clause it overlaps "
        "or a gold whole sentence. Recall: certain gold items found by flags of the same kind. *Alignment "
        "checks*: beads the confidence model doubts whose clauses look untranslated, sentences a neighbouring "
        "bead's English welcomes, and sentences the search left unaligned that are neither missing nor carried "
        "nearby, shown to the reviewer "
        "as a bead to check and not as an omission (not scored, not in the flags per 100).", "",
        "| chapter | sentence flags | sentence P | sentences found | clause flags | clause P | clauses found "
        "| sentence+clause P | flags / 100 zh | alignment checks |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *(_row(k, v, checks[k]) for k, v in per_doc.items()),
        _row("**all**", total, sum(checks.values())), "",
        f"{total['n_source']} Chinese sentences; {seconds:.0f} s aligning and reviewing (load {load}).",
    ]
    print("\n".join(rows[-3:]))
    for kind in SCORED_KINDS:
        print(f"{kind}: {total[kind]}")
    print(f"sentence+clause: {total['sentence+clause']}; flags per 100: {total['flags_per_100']:.2f}")
    if not args.no_write:
        update_section("review-gold", "\n".join(rows))


if __name__ == "__main__":
    main()
