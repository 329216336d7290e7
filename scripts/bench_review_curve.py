#!/usr/bin/env python3
"""The review's operating points on real translations: precision, recall and flags per 100 Chinese sentences
of the sentence and clause flags on the MAC-Dev chapters (against the gold of their real omissions, certain
items; see ``bench_review_gold.py``) as each kind's threshold (``flag_at``, ``clause_flag_at``) moves, the
other held at its default. The chapters are aligned once; only the review is repeated. Writes the section
``review-curve`` of docs/benchmarks.md.

    python scripts/bench_review_curve.py [--encoder use] [--no-write]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_review_gold import CHAPTERS, GOLD, _f, _lines  # noqa: E402
from docsection import update_section  # noqa: E402

from aligner.api import align  # noqa: E402
from aligner.encoders import get_encoder  # noqa: E402
from aligner.evaluate_review import add_flag_scores, read_omission_gold, score_flags  # noqa: E402
from aligner.omissions import ReviewParams, review  # noqa: E402

POINTS = {"sentence": ("flag_at", (0.3, 0.5, 0.7, 0.9)),
          "clause": ("clause_flag_at", (0.5, 0.6, 0.7, 0.8, 0.9, 0.95))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--no-write", action="store_true", help="print, do not update docs/benchmarks.md")
    args = parser.parse_args()
    golds = sorted(GOLD.glob("[0-9][0-9][0-9].json"))
    if not CHAPTERS.is_dir() or not golds:
        sys.exit(f"bench_review_curve: {CHAPTERS} or the gold files in {GOLD} not found")
    encoder = get_encoder(args.encoder)
    docs = []
    for path in golds:
        zh, en = _lines(CHAPTERS / "zh" / path.stem), _lines(CHAPTERS / "en" / path.stem)
        docs.append((align(zh, en, encoder=encoder, src_lang="zh", tgt_lang="en"), read_omission_gold(path, len(zh))))
    rows = ["## Review operating points on real omissions (MAC-Dev chapters)", "",
            "Each kind's threshold moved, the other at its default; certain gold items, all six chapters "
            "(`scripts/bench_review_curve.py`). Load: flags of that kind per 100 Chinese sentences.", "",
            "| kind | parameter | value | flags | precision | found / gold | flags / 100 zh |", "|---|---|---|---|---|---|---|"]
    for kind, (name, values) in POINTS.items():
        for value in values:
            params = replace(ReviewParams(), **{name: value})
            total = add_flag_scores(score_flags(review(a, encoder, params=params).flags, gold) for a, gold in docs)
            c = total["counts"][kind]
            rows.append(f"| {kind} | `{name}` | {value} | {c['flags']} | {_f(total[kind]['precision'])} "
                        f"| {c['found']}/{c['gold']} | {100 * c['flags'] / total['n_source']:.1f} |")
            print(rows[-1], flush=True)
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "n/a"
    rows += ["", f"Load average {load}."]
    if not args.no_write:
        update_section("review-curve", "\n".join(rows))


if __name__ == "__main__":
    main()
