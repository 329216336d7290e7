"""The steps each pair goes through, the same for every engine: read and segment, embed (many pairs' sentences
in one call), align with :func:`aligner.api.align_sentences` and write the outputs and the done-record."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from ..api import align_sentences, read_pair
from ..encoders import Encoder, get_encoder
from ..encoders.base import WrappedEncoder
from ..encoders.source import prepare_texts
from ..errors import AlignerError, SwappedInputError
from ..export import review_provider, write_outputs
from ..model import Alignment, Sentence
from ..readers.source import DEFAULT_MAX_INPUT_BYTES
from .plan import PairSpec, pair_prefix
from .records import write_record


@dataclass(frozen=True)
class Job:
    """What every pair of a batch shares: where and what to write, and the encoder to build in each worker."""

    out_dir: str
    formats: tuple[str, ...]
    tsv_header: bool = False
    review: bool = False
    encoder: str | None = None  # a name for get_encoder; None: the default
    cache: bool = False
    cache_dir: str | None = None
    device: str | None = None
    batch_size: int | None = None
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES
    threads: int | None = None  # encoding threads per worker (the local engine shares the cores out)

    def outputs_key(self) -> dict:
        """The settings that change a pair's outputs (not where they go, nor how the encoder is cached)."""
        return {"formats": list(self.formats), "tsv_header": self.tsv_header, "review": self.review}


_encoders: dict[tuple, Encoder] = {}


def job_encoder(job: Job) -> Encoder:
    """The job's encoder, built once per process (a worker keeps its model loaded for all its pairs)."""
    key = (job.encoder, job.cache, job.cache_dir, job.device, job.batch_size, job.threads)
    if key not in _encoders:
        _encoders[key] = get_encoder(job.encoder, cache=job.cache, cache_dir=job.cache_dir, device=job.device,
                                     batch_size=job.batch_size, threads=job.threads)
    return _encoders[key]


@dataclass
class Prepared:
    """A pair read and segmented, waiting for its vectors (``error`` set when reading or embedding failed)."""

    spec: PairSpec
    key: str
    src: list[Sentence] = field(default_factory=list)
    tgt: list[Sentence] = field(default_factory=list)
    src_lang: str = ""
    tgt_lang: str = ""
    error: Exception | None = None
    seconds: float = 0.0

    def texts(self) -> list[str]:
        """The texts the encoder is given for this pair's sentences, source then target."""
        return prepare_texts([s.text for s in self.src], self.src_lang) + \
            prepare_texts([s.text for s in self.tgt], self.tgt_lang)


def read(spec: PairSpec, key: str, job: Job) -> Prepared:
    start = time.perf_counter()
    pair = Prepared(spec, key)
    try:
        pair.src, pair.tgt, pair.src_lang, pair.tgt_lang, _ = read_pair(
            spec.zh, spec.en, presplit=spec.presplit, input_format=spec.input_format, src_lang=spec.src_lang, tgt_lang=spec.tgt_lang,
            max_bytes=job.max_bytes)
    except Exception as exc:  # noqa: BLE001 - reported in the pair's record
        pair.error = exc
    pair.seconds = time.perf_counter() - start
    return pair


def embed(encoder: Encoder, pairs: list[Prepared]) -> tuple[dict[str, np.ndarray], float]:
    """Vectors of every sentence of ``pairs`` (each distinct text once), computed in one call, and each pair's
    share of the time it took. An encoder failure fails each pair, with its message."""
    start = time.perf_counter()
    texts = list(dict.fromkeys(t for p in pairs if p.error is None for t in p.texts()))
    try:
        vectors = dict(zip(texts, encoder.encode(texts))) if texts else {}
    except Exception as exc:  # noqa: BLE001 - the encoder failed on these texts: each pair says so
        for pair in pairs:
            pair.error = pair.error or exc
        vectors = {}
    return vectors, (time.perf_counter() - start) / max(1, len(pairs))


class PrecomputedEncoder(WrappedEncoder):
    """``inner`` answering from vectors computed beforehand; only texts not among them (runs of sentences the
    search asks for) reach ``inner``."""

    def __init__(self, inner: Encoder, vectors: dict[str, np.ndarray]):
        super().__init__(inner)
        self.vectors = vectors

    def encode(self, texts: list[str]) -> np.ndarray:
        texts = list(texts)
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.inner.encode(missing)))
        if not texts:
            return self.inner.encode(texts)
        return np.stack([self.vectors[t] for t in texts])


def finish(pair: Prepared, vectors: dict[str, np.ndarray], encoder: Encoder, job: Job,
           embed_seconds: float = 0.0) -> dict:
    """Align the pair, write its outputs and its done-record (a failed record when anything goes wrong);
    returns the record without its corpus rows."""
    start = time.perf_counter()
    record: dict = {"id": pair.spec.id, "key": pair.key, "zh": pair.spec.zh, "en": pair.spec.en}
    try:
        if pair.error is not None:
            raise pair.error
        model = PrecomputedEncoder(encoder, vectors)
        alignment = align_sentences(pair.src, pair.tgt, encoder=model, src_lang=pair.src_lang,
                                    tgt_lang=pair.tgt_lang, src_locale=pair.spec.src_locale,
                                    **dict(pair.spec.options))
        review = review_provider(model) if job.review else None
        flags = _bead_flags(alignment, review(alignment)) if review else {}
        outputs = write_outputs(alignment, pair_prefix(job.out_dir, pair.spec.id), job.formats,
                                tsv_header=job.tsv_header, encoder=model, review=review)
        record.update(status="done", outputs=outputs, signature=alignment.signature,
                      stats=pair_stats(alignment, review(alignment) if review else None),
                      rows=corpus_rows(alignment, flags))
    except Exception as exc:  # noqa: BLE001 - a pair that fails, for any reason, never stops the batch
        record.update(status="failed", error=_message(exc), swapped=isinstance(exc, SwappedInputError), outputs=[])
    record["seconds"] = round(pair.seconds + embed_seconds + time.perf_counter() - start, 4)
    write_record(job.out_dir, record)
    record.pop("rows", None)
    return record


def _message(exc: Exception) -> str:
    """An error in words: ours as they are, anything else (a bug) with its type, for the report."""
    return str(exc) if isinstance(exc, AlignerError) else f"{type(exc).__name__}: {exc}"


def pair_stats(alignment: Alignment, review=None) -> dict:
    """What the summary shows of a pair: sentence counts, languages, bead types, coverage and mean score."""
    types: dict[str, int] = {}
    for bead in alignment.beads:
        types[bead.type] = types.get(bead.type, 0) + 1
    linked = [b for b in alignment.beads if not b.is_null]
    covered = sum(len(b.zh) + len(b.en) for b in linked)
    stats = {"src_sentences": len(alignment.zh), "tgt_sentences": len(alignment.en),
             "src_lang": alignment.src_lang, "tgt_lang": alignment.tgt_lang,
             "src_locale": alignment.src_locale, "tgt_locale": alignment.tgt_locale,
             "beads": len(alignment.beads), "bead_types": dict(sorted(types.items())),
             "coverage": round(covered / (len(alignment.zh) + len(alignment.en)), 4),
             "mean_score": round(float(np.mean([b.score for b in linked])), 4) if linked else None}
    if review is not None:
        stats["omissions"] = {k: v for k, v in review.summary["flags"].items() if v}
    return stats


def _bead_flags(alignment: Alignment, review) -> dict[int, list[str]]:
    """The review's flag kinds on each bead (by index), from the sentences each flag names."""
    bead_of_src = {i: k for k, b in enumerate(alignment.beads) for i in b.zh}
    bead_of_tgt = {j: k for k, b in enumerate(alignment.beads) for j in b.en}
    flags: dict[int, list[str]] = {}
    for flag in review.flags:
        k = bead_of_src.get(flag.zh_sentence) if flag.zh_sentence is not None else bead_of_tgt.get(flag.en_sentence)
        if k is not None and flag.kind not in flags.setdefault(k, []):
            flags[k].append(flag.kind)
    return flags


def corpus_rows(alignment: Alignment, flags: dict[int, list[str]]) -> list[list]:
    """One row per bead for the combined corpus: bead (``[0, 1]:[2]``), zh, en, score, confidence, flags."""
    from ..confidence import bead_confidence
    from ..evaluate import format_bead

    return [[format_bead(bead.zh, bead.en), zh, en, bead.score, p, flags.get(k, [])]
            for k, ((bead, zh, en), p) in enumerate(zip(alignment.pairs(), bead_confidence(alignment)))]


def run_chunk(items: list[tuple[PairSpec, str]], job: Job) -> list[dict]:
    """The local engine's unit of work: read some pairs, embed all their sentences at once, align each."""
    encoder = job_encoder(job)
    pairs = [read(spec, key, job) for spec, key in items]
    vectors, share = embed(encoder, pairs)
    return [finish(pair, vectors, encoder, job, share) for pair in pairs]
