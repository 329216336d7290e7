"""The local engine: a process pool (one worker per available core), each worker loading the model once and
taking chunks of pairs, whose sentences it embeds in one call."""

from __future__ import annotations

import multiprocessing
import signal
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Callable

from ..encoders.base import available_cores
from ..errors import AlignerError
from .plan import PairSpec
from .work import Job, job_encoder, run_chunk

CHUNK_PAIRS = 32  # pairs per unit of work: large embedding batches, yet an even spread over the workers


def run(items: list[tuple[PairSpec, str]], job: Job, done: Callable[[dict], None], workers: int | None = None) -> None:
    """Align every (pair, key) in ``items``, calling ``done(record)`` as each pair finishes."""
    workers = max(1, min(workers or available_cores(), len(items)))
    size = max(1, min(CHUNK_PAIRS, -(-len(items) // workers)))
    chunks = [items[k:k + size] for k in range(0, len(items), size)]
    if workers == 1:  # no pool to start: the model this process has already loaded serves
        for chunk in chunks:
            for record in run_chunk(chunk, job):
                done(record)
        return
    # each worker's encoding threads on cores of their own: two threads sharing a core are slower than one
    job = replace(job, threads=max(1, available_cores() // workers))
    # spawn: a fresh interpreter per worker, not a fork of a parent holding threads and a loaded model
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(job,))
    try:
        pending = {pool.submit(run_chunk, chunk, job) for chunk in chunks}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                for record in future.result():
                    done(record)
    except BrokenProcessPool:
        raise AlignerError("a worker process died (out of memory, or killed); the pairs it finished are kept: "
                           "run the same command again to go on") from None
    except BaseException:  # Ctrl-C, SIGTERM: stop the workers; the pairs in flight are lost, the rest kept
        pool.shutdown(wait=False, cancel_futures=True)
        for process in multiprocessing.active_children():
            process.terminate()
        raise
    pool.shutdown()


def _start_worker(job: Job) -> None:
    # Ctrl-C reaches the whole process group: the parent alone decides, and stops the workers
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    job_encoder(job)
