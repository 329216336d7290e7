"""Many document pairs in one run (``aligner batch``): plan every output first, skip the pairs already done,
align the rest with an engine (``local``: a process pool; ``ray``: Ray Data), then write the combined corpus
and the summary from the pairs' done-records. No engine is imported until it is used."""

from __future__ import annotations

import os
import sys
import time
from typing import Iterable

from ..encoders.base import encoder_signature
from ..errors import InputError
from ..signature import format_signature
from .corpus import write_corpus
from .plan import Defaults, PairSpec, folder_pairs, manifest_pairs, plan_batch
from .records import is_current, pair_key, read_record
from .summary import Limits, build_summary, write_summary
from .work import Job, job_encoder

ENGINES = ("local", "ray")

__all__ = ["ENGINES", "Defaults", "Job", "Limits", "PairSpec", "folder_pairs", "manifest_pairs", "run_batch"]


class Progress:
    """Pairs and sentences done: tqdm bars on a terminal, else one line per phase (logs stay readable)."""

    def __init__(self, enabled: bool, total: int):
        self.enabled, self.total = enabled, total
        self.pairs = self.sentences = self.failed = 0
        self.bars = None
        if enabled and sys.stderr.isatty():
            from tqdm import tqdm

            self.bars = (tqdm(total=total, desc="pairs", unit="pair", file=sys.stderr),
                         tqdm(desc="sentences", unit="sent", file=sys.stderr))

    def say(self, line: str) -> None:
        if self.enabled:
            print(f"aligner: batch: {line}", file=sys.stderr)

    def __call__(self, record: dict) -> None:
        sentences = sum(record.get("stats", {}).get(k, 0) for k in ("src_sentences", "tgt_sentences"))
        self.pairs += 1
        self.sentences += sentences
        self.failed += record["status"] != "done"
        if self.bars:
            self.bars[0].update(1)
            self.bars[1].update(sentences)

    def close(self, seconds: float) -> None:
        if self.bars:
            for bar in self.bars:
                bar.close()
        self.say(f"aligned {self.pairs - self.failed} pairs ({self.sentences} sentences), {self.failed} failed, "
                 f"in {seconds:.1f} s")


def run_batch(specs: list[PairSpec], job: Job, *, limits: Limits = Limits(), engine: str = "local",
              workers: int | None = None, retry_failed: bool = False, ray_address: str | None = None,
              inputs: Iterable[str] = (), progress: bool = False) -> dict:
    """Align every pair of ``specs`` into ``job.out_dir`` and return the summary (also written as summary.json
    and summary.html). A pair done by an earlier run with the same inputs, settings and encoder is skipped;
    one that failed is retried only with ``retry_failed``. ``inputs``: other files no output may overwrite
    (the manifest). A pair's failure is in the summary; InputError only for what stops the whole batch."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r} (known: {', '.join(ENGINES)})")
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int) or workers < 1):
        raise ValueError(f"workers must be a whole number of at least 1, not {workers!r}")
    start = time.perf_counter()
    plan_batch(specs, job.out_dir, list(job.formats), inputs)
    signature = encoder_signature(job_encoder(job))  # an unknown encoder stops the batch here (exit 3)
    todo, skipped = [], set()
    for spec in specs:
        key = pair_key(spec, signature, job.outputs_key(), job.max_bytes)
        if is_current(read_record(job.out_dir, spec.id), key, retry_failed):
            skipped.add(spec.id)
        else:
            todo.append((spec, key))
    report = Progress(progress, len(todo))
    report.say(f"{len(todo)} pairs to align" + (f", {len(skipped)} done by an earlier run" if skipped else "")
               + f" (engine {engine})")
    if todo:
        if engine == "ray":
            from . import ray as ray_engine

            ray_engine.run(todo, job, report, address=ray_address or os.environ.get("RAY_ADDRESS"))
        else:
            from . import local

            local.run(todo, job, report, workers)
    report.close(time.perf_counter() - start)
    records = []
    for spec in specs:
        record = read_record(job.out_dir, spec.id) or {"id": spec.id, "status": "failed",
                                                        "error": "no record of this pair"}
        record.pop("rows", None)  # the corpus reads them again, one pair at a time
        records.append({"zh": spec.zh, "en": spec.en, **record})
    done = [r for r in records if r["status"] == "done"]
    locales = {r["stats"]["src_locale"] for r in done}
    first = dict(done[0]["signature"]) if done else {}
    first.pop("calibrated", None)  # each pair's own calibration is in its own outputs
    summary = build_summary(records, limits, time.perf_counter() - start, skipped)
    try:
        write_corpus(job.out_dir, [s.id for s in specs], locales.pop() if len(locales) == 1 else "*all*",
                     format_signature(first))
        write_summary(job.out_dir, summary)
    except OSError as exc:  # a full disk: the pairs are done and recorded, a rerun writes these
        raise InputError(f"{job.out_dir}: cannot write the corpus and summary ({exc.strerror or exc}); the "
                         "pairs are done: run the same command again once there is room") from None
    report.say(f"wrote the corpus and the summary in {job.out_dir}; {len(summary['needs_attention'])} pairs "
               "need a person")
    return summary
