"""The MAC-Dev chapters' alignment errors by kind: where our path and the gold part, and how.

Each chapter (`--presplit`, Chinese the source side, the zh → en defaults) is aligned and cut into
*stretches*: the shortest runs of beads that end on a boundary both the path and the gold have. A stretch
whose beads differ is one error, classified by its shape (in this order):

- outside: a gold bead of a size the search has no bead type for (3-5, 2-4 with ``max_bead`` 4);
- null: a 1-0 or 0-1 bead on either side (a real omission merged, a sentence left out that the gold merges);
- split: the gold has one bead of two or more Chinese sentences (a 2-2, 2-3, 3-2 ...), the path several
  (usually each partly right: the translator moved a sentence boundary by a clause);
- merged: the path has one bead where the gold has several;
- shift: two beads each, one boundary in another place (by side: English, Chinese, both);
- cascade: several boundaries off in a row.

A stretch is *dialogue* when any of its sentences holds a quotation mark (``search.quotes``). Printed, not
written into the docs (docs/algorithm.md quotes the table with the run it came from).

    python scripts/bench_literary_errors.py                      # the defaults
    python scripts/bench_literary_errors.py --param recut_margin=0.1 --list   # and each stretch's beads
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchmark import _options, load_sets  # noqa: E402

from aligner.api import align  # noqa: E402
from aligner.encoders import get_encoder  # noqa: E402
from aligner.evaluate import evaluate  # noqa: E402
from aligner.search import SearchParams, pair_defaults  # noqa: E402
from aligner.search.quotes import marked_counts  # noqa: E402

KINDS = ("split", "shift", "merged", "null", "cascade", "outside")
Beads = list[tuple[tuple[int, ...], tuple[int, ...]]]


def stretches(path: Beads, gold: Beads) -> list[tuple[Beads, Beads]]:
    """The (path, gold) runs of beads between the boundaries (source, target sentences before it) both have,
    those that differ only."""
    def ends(beads: Beads) -> list[tuple[int, int]]:
        out, i, j = [], 0, 0
        for src, tgt in beads:
            i, j = i + len(src), j + len(tgt)
            out.append((i, j))
        return out

    common = set(ends(path)) & set(ends(gold))

    def runs(beads: Beads) -> list[Beads]:
        out, run = [], []
        for bead, end in zip(beads, ends(beads)):
            run.append(bead)
            if end in common:
                out.append(run)
                run = []
        return out

    return [(p, g) for p, g in zip(runs(path), runs(gold)) if p != g]


def kind(path: Beads, gold: Beads, types: set[tuple[int, int]]) -> str:
    if any((len(s), len(t)) not in types for s, t in gold if s and t):
        return "outside"
    if any(not s or not t for s, t in path + gold):
        return "null"
    if len(gold) == 1:
        return "split"
    if len(path) == 1:
        return "merged"
    if len(path) == len(gold) == 2:
        moved = [side for side in (0, 1) if len(path[0][side]) != len(gold[0][side])]
        return "shift " + {(0,): "zh", (1,): "en"}.get(tuple(moved), "both")
    return "cascade"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="a search parameter")
    parser.add_argument("--cache", action="store_true", help="use the embedding cache (experiments)")
    parser.add_argument("--list", action="store_true", help="also print each stretch's path and gold beads")
    args = parser.parse_args()
    options = _options(args.param)
    sets = load_sets(["mac"])
    if not sets:
        sys.exit("the MAC-Dev chapters (../shared/corpora/mac-dev-zh-en) are not there")
    types = set(SearchParams(**{**pair_defaults("zh", "en"), **options}).bead_types())
    encoder = get_encoder("use", cache=args.cache)
    table: dict[str, Counter] = {}
    for src, tgt, gold, label in sets[0].docs:
        beads = [(tuple(b.zh), tuple(b.en)) for b in align(src, tgt, encoder=encoder, src_lang="zh", tgt_lang="en",
                                                            cache=args.cache, **options).beads]
        gold = [(tuple(s), tuple(t)) for s, t in gold]
        marked = marked_counts(src), marked_counts(tgt)
        counts = table[f"{label} ({evaluate([gold], [beads])['strict']['f1']:.3f})"] = Counter()
        for path, want in stretches(beads, gold):
            found = kind(path, want, types)
            i0, j0 = min(i for s, _ in want for i in s), min(j for _, t in want for j in t)
            i1, j1 = 1 + max(i for s, _ in want for i in s), 1 + max(j for _, t in want for j in t)
            spoken = marked[0][i1] > marked[0][i0] or marked[1][j1] > marked[1][j0]
            counts[found.split()[0]] += 1
            counts[found] += found.startswith("shift")
            counts["dialogue"] += spoken
            if args.list:
                print(f"{label} zh{i0}-{i1 - 1} en{j0}-{j1 - 1} {found}{' (dialogue)' if spoken else ''}: "
                      f"path {path} gold {want}")
    columns = [*KINDS[:2], "shift en", "shift zh", "shift both", *KINDS[2:], "dialogue"]
    print("| chapter (strict F1) | stretches | " + " | ".join(columns) + " |")
    print("|:---|" + "---:|" * (len(columns) + 1))
    total = Counter()
    for label, counts in table.items():
        total.update(counts)
        print(f"| {label} | {sum(counts[k] for k in KINDS)} | " + " | ".join(str(counts[c]) for c in columns) + " |")
    print(f"| all | {sum(total[k] for k in KINDS)} | " + " | ".join(str(total[c]) for c in columns) + " |")


if __name__ == "__main__":
    main()
