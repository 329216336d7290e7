#!/usr/bin/env python3
"""Time of ``aligner review`` with warm caches on the Bible pair (issue #13: at most 5 s).

Runs ``aligner review zh/001 en/001 --presplit`` (../shared/corpora/bible-en-zh, the default ``use``
encoder, the default cache folder or ``--cache-dir``) ``--runs`` times in a subprocess each; the first run
fills the embedding and result caches where they are cold, the later ones are the warm figure. Prints each
run's wall and CPU seconds (user + system, from ``os.wait4``), peak memory and the load average.

    python scripts/bench_review_speed.py
    python scripts/bench_review_speed.py --runs 3 --cache-dir /tmp/aligner-cache
    python scripts/bench_review_speed.py --review-param second_encoder=e5-small
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench_review_memory import load_average, measure  # scripts/ is on the path of a script run from it

ROOT = Path(__file__).resolve().parents[1]
BIBLE = ROOT.parent / "shared" / "corpora" / "bible-en-zh"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2, help="runs; the first warms the caches")
    parser.add_argument("--cache-dir", default=None, help="embedding cache folder (default: the user's)")
    parser.add_argument("--corpus", default=str(BIBLE), help="folder with zh/001 and en/001")
    parser.add_argument("--review-param", action="append", default=[], metavar="KEY=VALUE",
                        help="passed on to aligner review (e.g. second_encoder=e5-small); repeatable")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if not (corpus / "zh" / "001").is_file():
        sys.exit(f"no Bible pair in {corpus}")
    print(f"# aligner review bible zh/001 en/001 --presplit (use encoder); load {load_average()}")
    print(f"{'run':>4} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} status")
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "aligner", "review", str(corpus / "zh" / "001"), str(corpus / "en" / "001"),
                   "--presplit", "--quiet", "-o", str(Path(tmp, "bible"))]
        command += ["--cache-dir", args.cache_dir] if args.cache_dir else []
        command += [a for kv in args.review_param for a in ("--review-param", kv)]
        for run in range(1, args.runs + 1):
            wall, cpu, peak, code = measure(command)
            print(f"{run:>4} {wall:>8.1f} {cpu:>8.1f} {peak:>8.0f} {code}", flush=True)
    print(f"# load average after: {load_average()}")


if __name__ == "__main__":
    main()
