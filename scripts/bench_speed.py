#!/usr/bin/env python3
"""Speed benchmark: end-to-end time against the embedding limit, and how the search scales.

1. For a document pair (default: the Bible pair in ../shared/corpora, presplit): the time to embed each
   sentence once with the chosen encoder (the physical limit of an aligner), the end-to-end time of the
   alignment, their ratio, the strings embedded per sentence, and peak memory. The cache is off.
2. Scaling with a trivial encoder (precomputed random vectors; no model) at 1k, 10k and 50k source sentences
   (target 1.2× as many), each size in its own process so its peak memory is its own.

    python scripts/bench_speed.py                  # both parts, results into docs/benchmarks.md
    python scripts/bench_speed.py --sizes 1000 --no-write
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from docsection import update_section  # noqa: E402

from aligner.api import align  # noqa: E402
from aligner.encoders import encoder_signature, get_encoder  # noqa: E402
from aligner.signature import format_signature  # noqa: E402

BIBLE = ROOT.parent / "shared" / "corpora" / "bible-en-zh"


class CountingEncoder:
    """Wraps an encoder to count the strings it embeds."""

    def __init__(self, inner):
        self.inner, self.name, self.strings = inner, inner.name, 0
        self.signature = encoder_signature(inner)

    def encode(self, texts):
        self.strings += len(texts)
        return self.inner.encode(texts)


class SyntheticEncoder:
    """'Embeds' the synthetic sentences ``s<k>``/``t<k>`` by lookup; a run is the sum of its sentences."""

    name = signature = "synthetic-64d"

    def __init__(self, vectors: dict[str, np.ndarray]):
        self.vectors = vectors

    def encode(self, texts):
        out = np.stack([sum(self.vectors[w] for w in text.split()) for text in texts]).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def synthetic_pair(n: int, seed: int = 0):
    """n source sentences; each is translated 1-1 (70%), split in two (25%) or left out (5%)."""
    rng = np.random.default_rng(seed)
    dim = 64
    vectors, src, tgt = {}, [], []
    for k in range(n):
        v = rng.normal(size=dim)
        vectors[f"s{k}"] = v
        src.append(f"s{k}")
        r = rng.random()
        pieces = 0 if r < 0.05 else 2 if r < 0.30 else 1
        for _ in range(pieces):
            name = f"t{len(tgt)}"
            vectors[name] = v / pieces + rng.normal(scale=0.6, size=dim)
            tgt.append(name)
    return src, tgt, SyntheticEncoder(vectors)


def peak_mib() -> float:
    """This process's peak resident memory. (ru_maxrss would be wrong in the child processes: Linux keeps
    the parent's high-water mark across exec; VmHWM belongs to the new address space.)"""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scaling_child(n: int) -> dict:
    src, tgt, encoder = synthetic_pair(n)
    start = time.perf_counter()
    alignment = align(src, tgt, encoder=encoder, src_lang="xx", tgt_lang="yy")
    seconds = time.perf_counter() - start
    return {"n": len(src), "m": len(tgt), "seconds": seconds, "peak_mib": peak_mib(), "beads": len(alignment.beads)}


def run_scaling(sizes: list[int]) -> list[dict]:
    rows = []
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"scaling {rows[-1]}", flush=True)
    return rows


def run_document(src_path: Path, tgt_path: Path, encoder_name: str) -> dict:
    src = [s for s in src_path.read_text(encoding="utf-8").splitlines() if s.strip()]
    tgt = [s for s in tgt_path.read_text(encoding="utf-8").splitlines() if s.strip()]
    encoder = CountingEncoder(get_encoder(encoder_name, cache=False))
    encoder.encode(src[:50])  # load the model outside the timings
    start = time.perf_counter()
    encoder.encode(src)
    encoder.encode(tgt)
    limit = time.perf_counter() - start
    encoder.strings = 0
    start = time.perf_counter()
    alignment = align(src, tgt, encoder=encoder)
    total = time.perf_counter() - start
    return {"n": len(src), "m": len(tgt), "limit": limit, "total": total, "ratio": total / limit,
            "strings_per_sentence": encoder.strings / (len(src) + len(tgt)),
            "peak_mib": peak_mib(),
            "signature": format_signature(alignment.signature)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--src", type=Path, default=BIBLE / "en" / "001")
    parser.add_argument("--tgt", type=Path, default=BIBLE / "zh" / "001")
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--skip-document", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(scaling_child(args.child)))
        return
    lines = ["## Speed", "", "Measured by `scripts/bench_speed.py` on this machine (2 cores); cache off.", ""]
    if not args.skip_document:
        if not args.src.exists():
            sys.exit(f"bench_speed: {args.src} not found (the shared corpora are beside the checkout)")
        doc = run_document(args.src, args.tgt, args.encoder)
        print(f"document {doc}", flush=True)
        lines += [f"### End to end: {args.src.parent.parent.name} ({doc['n']} × {doc['m']} sentences, presplit)", "",
                  "| embed each sentence once (limit) | end to end | ratio | strings embedded per sentence | peak memory |",
                  "|---|---|---|---|---|",
                  f"| {doc['limit']:.1f} s | {doc['total']:.1f} s | {doc['ratio']:.2f}× | "
                  f"{doc['strings_per_sentence']:.2f} | {doc['peak_mib']:.0f} MiB |", "",
                  f"Signature: `{doc['signature']}`", ""]
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if sizes:
        rows = run_scaling(sizes)
        base = rows[0]
        lines += ["### Scaling of the search (trivial encoder: precomputed 64-d vectors)", "",
                  "| source × target sentences | time | time per source sentence | peak memory |", "|---|---|---|---|"]
        for r in rows:
            lines.append(f"| {r['n']:,} × {r['m']:,} | {r['seconds']:.1f} s | "
                         f"{1e3 * r['seconds'] / r['n']:.2f} ms ({r['seconds'] / base['seconds'] * base['n'] / r['n']:.2f}× the "
                         f"{base['n']:,} rate) | {r['peak_mib']:.0f} MiB |")
    if not args.no_write:
        update_section("speed", "\n".join(lines))


if __name__ == "__main__":
    main()
