"""The Ray engine (``--engine ray``, ``pip install 'aligner[ray]'``): a Ray Data pipeline of the same steps as
the local engine: reading and segmenting as CPU tasks, embedding in a pool of actors that each hold the model
(one per GPU when the cluster has GPUs), aligning and writing as CPU tasks. Runs of sentences the search asks
for are embedded where the pair is aligned, with the model loaded once per Ray worker process."""

from __future__ import annotations

import json
import logging
import os
import pickle
import warnings
from typing import Callable

from ..encoders.base import available_cores
from ..errors import InputError
from .plan import PairSpec
from .work import Job, embed, finish, job_encoder, read

EMBED_BATCH = 32  # pairs whose sentences one actor call embeds together
# Fractions of a CPU: whole-CPU actors and tasks deadlock a 2-core Ray (the actors take every CPU).
_ACTOR_CPUS, _TASK_CPUS = 0.5, 0.5
# Ray Data's own DataContext() assigns its deprecated fields in its constructor (ray 2.60), and its __setattr__
# warns about each: nothing we set. Silenced for that call only, by message and module.
_RAY_OWN_DEPRECATIONS = r"`(use_push_based_shuffle|use_polars|use_arrow_tensor_v2)` is deprecated"


def run(items: list[tuple[PairSpec, str]], job: Job, done: Callable[[dict], None], address: str | None = None) -> None:
    """Align every (pair, key) in ``items`` on Ray (``address``: a cluster to join; else the Ray this process
    already started, or a local one), calling ``done(record)`` as each pair finishes."""
    # our own progress reports the pairs: Ray Data's INFO lines and bars would bury it (the user may say otherwise)
    os.environ.setdefault("RAY_DATA_LOG_LEVEL", "WARNING")
    try:
        import ray
    except ImportError:
        raise InputError("--engine ray needs Ray: pip install 'aligner[ray]'") from None
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _RAY_OWN_DEPRECATIONS, DeprecationWarning, r"ray\.data\.context")
        context = ray.data.DataContext.get_current()
    context.enable_progress_bars = False
    if not ray.is_initialized():
        try:
            ray.init(address=address, num_cpus=None if address else available_cores(),
                     include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            raise InputError(f"cannot start or join Ray ({address or 'local'}): {exc}") from None
    gpus = int(ray.cluster_resources().get("GPU", 0))
    cpus = ray.cluster_resources().get("CPU", 1)
    actors = gpus or max(1, int(cpus // 2))
    ds = ray.data.from_items([{"spec": pickle.dumps(spec), "key": key} for spec, key in items])
    ds = ds.map(_read, fn_kwargs={"job": job}, num_cpus=_TASK_CPUS)
    ds = ds.map_batches(_Embedder, fn_constructor_kwargs={"job": job}, batch_size=EMBED_BATCH,
                        batch_format="pandas", compute=ray.data.ActorPoolStrategy(size=actors),
                        num_gpus=1 if gpus else 0, num_cpus=1 if gpus else _ACTOR_CPUS)
    ds = ds.map(_finish, fn_kwargs={"job": job}, num_cpus=_TASK_CPUS)
    for row in ds.iter_rows():
        done(json.loads(row["record"]))


def _read(row: dict, job: Job) -> dict:
    return {"pair": pickle.dumps(read(pickle.loads(row["spec"]), row["key"], job))}


class _Embedder:
    """A Ray actor holding the model: embeds a batch of pairs' sentences in one call."""

    def __init__(self, job: Job):
        self.encoder = job_encoder(job)

    def __call__(self, batch):
        pairs = [pickle.loads(p) for p in batch["pair"]]
        vectors, share = embed(self.encoder, pairs)
        batch["vectors"] = [pickle.dumps({t: vectors[t] for t in p.texts() if t in vectors}) for p in pairs]
        batch["pair"] = [pickle.dumps(p) for p in pairs]
        batch["embed_seconds"] = share
        return batch


def _finish(row: dict, job: Job) -> dict:
    pair = pickle.loads(row["pair"])
    record = finish(pair, pickle.loads(row["vectors"]), job_encoder(job), job, float(row["embed_seconds"]))
    return {"record": json.dumps(record, ensure_ascii=False)}
