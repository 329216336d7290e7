"""SIGKILL ``aligner align`` and ``aligner review`` at random points, then check what they left behind.

Each of ``--runs`` runs is killed after a random delay between 0 and the time a whole run takes (so the kills
land in reading, model loading, embedding, cache writes, the search and the writing of outputs). After every
kill, any output that exists must be complete (it parses). After all of them, one ordinary run of each command
must leave exactly the files that the same runs leave in a fresh folder: every temporary file a killed run left
(outputs' and caches') is cleaned up by the next run. Prints a summary; exits 1 on any failure.

    python scripts/kill_runs.py --runs 50            # the acceptance check of docs/reliability.md
    python scripts/kill_runs.py --runs 8 --encoder hash
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "corpora" / "zh-en" / "literary"
ALIGNER = [sys.executable, "-m", "aligner"]


def command(kind: str, work: Path, encoder: str) -> list[str]:
    return [*ALIGNER, kind, str(work / "doc.zh"), str(work / "doc.en"), "-o", str(work / "out" / "doc"), "-q",
            "--encoder", encoder, "--cache-dir", str(work / "cache")]


def setup(work: Path) -> None:
    (work / "out").mkdir(parents=True)
    shutil.copy(f"{DOC}.zh", work / "doc.zh")
    shutil.copy(f"{DOC}.en", work / "doc.en")


def files(work: Path) -> set[str]:
    return {str(p.relative_to(work)) for p in work.rglob("*") if p.is_file()}


def complete(path: Path) -> bool:
    """An output that exists must parse as its format."""
    try:
        if path.name.endswith(".json"):
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".tmx":
            etree.parse(str(path))
        elif path.name.endswith(".html"):
            return path.read_text(encoding="utf-8").rstrip().endswith("</html>")
        return True
    except (ValueError, etree.XMLSyntaxError):
        return False


def normalised(names: set[str]) -> set[str]:
    # the result cache names its files by a hash of the inputs: the same in both folders
    return {n for n in names if not n.endswith((".sqlite3-wal", ".sqlite3-shm"))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        clean, work = Path(tmp) / "clean", Path(tmp) / "work"
        setup(clean)
        setup(work)
        durations = {}
        for kind in ("align", "review"):
            start = time.perf_counter()
            subprocess.run(command(kind, clean, args.encoder), check=True)
            durations[kind] = time.perf_counter() - start
        expected = files(clean)
        print(f"clean runs: align {durations['align']:.1f} s, review {durations['review']:.1f} s; "
              f"{len(expected)} files")
        killed_with_temp = 0
        for k in range(args.runs):
            kind = rng.choice(("align", "review"))
            delay = rng.uniform(0, durations[kind])
            proc = subprocess.Popen(command(kind, work, args.encoder), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            before = {n for n in files(work) if n.endswith(".tmp")}
            time.sleep(delay)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            left = files(work)
            killed_with_temp += bool({n for n in left if n.endswith(".tmp")} - before)
            for name in left:
                if name.startswith("out/") and not complete(work / name):
                    failures.append(f"run {k} ({kind}, killed at {delay:.2f} s): incomplete output {name}")
        for kind in ("align", "review"):
            subprocess.run(command(kind, work, args.encoder), check=True)
        after = files(work)
        extra = normalised(after) - normalised(expected)
        missing = normalised(expected) - normalised(after)
        if extra:
            failures.append(f"left behind after the next run: {sorted(extra)}")
        if missing:
            failures.append(f"missing after the next run: {sorted(missing)}")
        print(f"{args.runs} runs killed; {killed_with_temp} left new temporary files when killed; "
              f"after one more run: {len(extra)} files left behind, {len(missing)} missing")
    for line in failures:
        print("FAIL:", line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
