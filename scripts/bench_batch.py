#!/usr/bin/env python3
"""Batch benchmark: ``aligner batch`` against ``aligner align`` run once per pair, and against one embedding
pass over the same sentences; peak memory for 100 and for 1,000 pairs.

Pairs: windows of 30-60 consecutive gold beads of the Bible pair in ../shared/corpora (Chinese sentences as
the source, one sentence per line, ``--presplit``), cut at run time into a temporary folder (never copied into
the project). The embedding cache is off everywhere, so each run embeds what it needs.

1. ``aligner align`` once per pair on a sample (default 20), sequentially; its mean time is extrapolated.
2. ``aligner batch`` (local engine, every core) on the first 100 pairs and on all of them, each in its own
   process tree: wall time, and the peak resident memory of the largest process in it.
3. One embedding pass: every sentence of all the pairs, as the encoder is given them, in batches of 1,000 in
   one process (all cores): the floor for any aligner that embeds each sentence once.

    python scripts/bench_batch.py                       # 1,000 pairs, results into docs/benchmarks.md
    python scripts/bench_batch.py --pairs 200 --sample 5 --no-write
"""

from __future__ import annotations

import argparse
import ast
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from docsection import update_section  # noqa: E402

BIBLE = ROOT.parent / "shared" / "corpora" / "bible-en-zh"
# Runs a command and prints the peak RSS (KiB) of its largest process: ru_maxrss of the waited-for children.
MEASURE = ("import resource, subprocess, sys; rc = subprocess.run(sys.argv[1:]).returncode; "
           "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(rc)")


def make_pairs(folder: Path, n: int, seed: int = 1) -> list[tuple[str, Path, Path]]:
    """``n`` pairs of 30-60 Chinese sentences and their English, from random windows of the Bible gold."""
    en = (BIBLE / "en" / "001").read_text(encoding="utf-8").splitlines()
    zh = (BIBLE / "zh" / "001").read_text(encoding="utf-8").splitlines()
    beads = [tuple(ast.literal_eval(f"[{line.replace(':', ',', 1)}]"))
             for line in (BIBLE / "gold" / "001.align").read_text().splitlines() if line.strip()]
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    pairs = []
    for k in range(n):
        start, zh_lines, en_lines = rng.randrange(len(beads) - 80), [], []
        want = rng.randint(30, 60)
        for src, tgt in beads[start:]:
            zh_lines += [zh[j] for j in tgt]
            en_lines += [en[i] for i in src]
            if len(zh_lines) >= want:
                break
        zh_path, en_path = folder / f"p{k:04d}.zh.txt", folder / f"p{k:04d}.en.txt"
        zh_path.write_text("\n".join(zh_lines) + "\n", encoding="utf-8")
        en_path.write_text("\n".join(en_lines) + "\n", encoding="utf-8")
        pairs.append((f"p{k:04d}", zh_path, en_path))
    return pairs


def measured(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of the largest process of ``command``."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    return seconds, int(done.stdout.split()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--small", type=int, default=100, help="the smaller batch, for the memory comparison")
    parser.add_argument("--sample", type=int, default=20, help="pairs run one by one with aligner align")
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    if not BIBLE.is_dir():
        sys.exit(f"{BIBLE} not found: the benchmark reads its pairs from the shared corpora")
    aligner = [sys.executable, "-m", "aligner"]
    load_before = os.getloadavg()[1]
    os.environ["PYTHONPATH"] = str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        pairs = make_pairs(tmp / "docs", args.pairs)
        sentences = sum(len(p.read_text(encoding="utf-8").splitlines()) for _, zh, en in pairs for p in (zh, en))
        for n in (args.small, args.pairs):
            (tmp / f"m{n}.tsv").write_text("".join(f"{zh}\t{en}\t{i}\n" for i, zh, en in pairs[:n]), encoding="utf-8")
        common = ["--encoder", args.encoder, "--no-cache", "--presplit", "-q"]

        single = []
        (tmp / "single").mkdir()
        for pair_id, zh, en in pairs[:args.sample]:
            start = time.perf_counter()
            subprocess.run([*aligner, "align", str(zh), str(en), "-o", str(tmp / "single" / pair_id), *common],
                           check=True, capture_output=True)
            single.append(time.perf_counter() - start)
        per_pair = sum(single) / len(single)
        print(f"aligner align: {per_pair:.2f} s per pair (mean of {len(single)})", flush=True)

        runs = {}
        for n in (args.small, args.pairs):
            runs[n] = measured([*aligner, "batch", str(tmp / f"m{n}.tsv"), "-o", str(tmp / f"out{n}"), *common])
            print(f"aligner batch, {n} pairs: {runs[n][0]:.1f} s, peak {runs[n][1]:.0f} MiB", flush=True)

        from aligner.encoders.source import prepare_texts
        from aligner.encoders import get_encoder

        encoder = get_encoder(args.encoder, cache=False)
        texts = [text for _, zh, en in pairs for path, lang in ((zh, "zh"), (en, "en"))
                 for text in prepare_texts(path.read_text(encoding="utf-8").splitlines(), lang)]
        start = time.perf_counter()
        for k in range(0, len(texts), 1000):
            encoder.encode(texts[k:k + 1000])
        embed = time.perf_counter() - start
        print(f"one embedding pass: {embed:.1f} s for {len(texts)} sentences", flush=True)

    seconds, peak = runs[args.pairs]
    rate = args.pairs / seconds
    rows = [
        ("`aligner align` once per pair", f"{per_pair * args.pairs:.0f} (extrapolated from {len(single)} pairs)",
         f"{1 / per_pair:.2f}", "–"),
        (f"`aligner batch`, {args.small} pairs", f"{runs[args.small][0]:.0f}",
         f"{args.small / runs[args.small][0]:.2f}", f"{runs[args.small][1]:.0f}"),
        (f"`aligner batch`, {args.pairs} pairs", f"{seconds:.0f}", f"{rate:.2f}", f"{peak:.0f}"),
        (f"one embedding pass over the {args.pairs} pairs' sentences", f"{embed:.0f}",
         f"{args.pairs / embed:.2f}", "–"),
    ]
    table = "\n".join(["| run | seconds | pairs/s | peak MiB (largest process) |", "|---|---|---|---|",
                       *[f"| {' | '.join(row)} |" for row in rows]])
    checks = [
        f"- batch vs the per-pair command: {per_pair * args.pairs / seconds:.1f}× faster (target ≥ 3×)",
        f"- batch vs one embedding pass: {seconds / embed:.2f}× its time (target ≤ 1.3×)",
        f"- peak memory, {args.pairs} vs {args.small} pairs: {peak / runs[args.small][1]:.2f}× (target ≤ 1.2×)",
    ]
    markdown = "\n".join([
        "## Batch", "",
        f"`python scripts/bench_batch.py`: {args.pairs} pairs of 30–60 Chinese sentences and their English "
        f"(windows of the Bible pair, {sentences} sentences in all, `--presplit`), encoder `{args.encoder}`, "
        f"cache off, {os.cpu_count()} CPUs visible, {len(os.sched_getaffinity(0))} usable; 5-minute load average "
        f"{load_before:.1f} at the start and {os.getloadavg()[1]:.1f} at the end (other work shared the cores: "
        "the figures are noisy).", "",
        table, "", *checks, "",
        "Per GPU: unmeasured here (no GPU on the benchmark machine).",
    ])
    print(markdown)
    if not args.no_write:
        update_section("batch", markdown)


if __name__ == "__main__":
    main()
