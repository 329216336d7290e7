#!/usr/bin/env python3
"""Memory and time of ``aligner review`` on long synthetic documents (issue #18: the review must be linear).

For each size N it writes an N-sentence Chinese document and an English "translation" of it (synthetic text,
no corpus sentences: random characters and words; each English sentence repeats its Chinese sentence's
numbers, which the hashing encoder sees, and about one in twenty is dropped or merged into its neighbour, so
the alignment is not trivial and the review has omissions to find), then runs ``aligner align`` and
``aligner review`` on them with ``--encoder hash --no-cache`` in a subprocess each and reports their wall time
and peak resident memory (the child's own ``ru_maxrss``, from ``os.wait4``). The review command aligns too:
its figures include the alignment's.

    python scripts/bench_review_memory.py                     # N = 7,500, 15,000, 30,000
    python scripts/bench_review_memory.py --sizes 2000 --review-only
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHARS = "天地日月山水火木金土人心手口目耳风雨云雪春夏秋冬东南西北上下左右大小多少高低长短前后里外城河路桥"
WORDS = ("river city bridge road mountain water fire wood metal earth heart hand mouth eye ear wind rain cloud "
         "snow spring summer autumn winter east south west north upper lower left right large small many few "
         "high low long short front back inside outside").split()
DROP_EVERY = 20  # about one English sentence in this many is dropped, and as many are merged into the next
PARAGRAPH = 20  # sentences per paragraph (a blank line between, --presplit)


def documents(n: int, seed: int = 0) -> tuple[str, str]:
    """An n-sentence Chinese document and its noisy English "translation", one sentence a line."""
    rng = random.Random(seed)
    zh, en, pending = [], [], ""
    for k in range(n):
        numbers = [str(rng.randrange(10, 100000)) for _ in range(rng.randint(1, 3))]
        clauses = ["".join(rng.choices(CHARS, k=rng.randint(5, 12))) for _ in range(rng.randint(1, 3))]
        zh.append("，".join(c + (numbers[i] if i < len(numbers) else "") for i, c in enumerate(clauses)) + "。")
        words = rng.choices(WORDS, k=rng.randint(6, 18)) + numbers
        rng.shuffle(words)
        sentence = " ".join(words).capitalize() + "."
        fate = rng.randrange(DROP_EVERY)
        if fate == 0:
            continue  # dropped: an omission for the review to find
        if fate == 1:
            pending += sentence[:-1] + ", "  # merged into the next English sentence
            continue
        en.append(pending + sentence)
        pending = ""
    if pending:
        en.append(pending.rstrip(", ") + ".")

    def lines(sentences: list[str]) -> str:
        return "".join(s + "\n" + ("\n" if (i + 1) % PARAGRAPH == 0 else "") for i, s in enumerate(sentences))

    return lines(zh), lines(en)


def measure(args: list[str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system: what a loaded machine inflates least), peak RSS in MB and
    exit status of one command."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code:
        sys.stderr.write(proc.stderr.read().decode("utf-8", "replace")[-2000:])
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code  # ru_maxrss: KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="7500,15000,30000", help="sentence counts, comma-separated")
    parser.add_argument("--review-only", action="store_true", help="skip timing ``aligner align`` alone")
    args = parser.parse_args()
    aligner = [sys.executable, "-m", "aligner"]
    env_note = f"PYTHONPATH={os.environ.get('PYTHONPATH', '')}" if os.environ.get("PYTHONPATH") else ""
    print(f"# aligner review --encoder hash --no-cache --presplit {env_note}".rstrip())
    print(f"# load average before: {load_average()}")
    print(f"{'N':>7} {'command':>7} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} status")
    for n in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            zh_text, en_text = documents(n)
            zh, en = Path(tmp, "doc.zh"), Path(tmp, "doc.en")
            zh.write_text(zh_text, encoding="utf-8")
            en.write_text(en_text, encoding="utf-8")
            common = [str(zh), str(en), "--presplit", "--encoder", "hash", "--no-cache", "--quiet",
                      "-o", str(Path(tmp, "out"))]
            for command in ([] if args.review_only else ["align"]) + ["review"]:
                wall, cpu, peak, code = measure(aligner + [command] + common)
                print(f"{n:>7} {command:>7} {wall:>8.1f} {cpu:>8.1f} {peak:>8.0f} {code}", flush=True)
    print(f"# load average after: {load_average()}")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (timings on a shared machine are read with them)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) if Path("/proc/loadavg").exists() else "?"


if __name__ == "__main__":
    main()
