"""The exporter base class and atomic file writing."""

from __future__ import annotations

import math
import os
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from numbers import Real
from itertools import islice
from typing import BinaryIO, Callable, ClassVar, Iterable, Iterator, Mapping, Sequence

from ..confidence import bead_confidence
from ..model import Alignment, Bead
from ..tempfiles import remove_stale_temps, temp_name

Writer = Callable[[BinaryIO], None]
# Each bead's confidence (:func:`aligner.confidence.bead_confidence`) when the caller has computed it (once for
# all the formats it writes); None: the exporter computes it if it needs it.
Rated = Sequence[float] | None


def rated(alignment: Alignment, confidence: Rated) -> Sequence[float]:
    """``confidence``, or the alignment's bead confidence computed now."""
    return bead_confidence(alignment) if confidence is None else confidence


class Exporter(ABC):
    """One output format. Subclasses set ``name`` and ``extension`` and implement ``render`` (or, laid out unit by
    unit, derive from :class:`StreamedExporter` and implement ``pieces``); a format of several files (Moses)
    overrides ``extensions`` and ``render_files`` instead."""

    name: ClassVar[str]
    extension: ClassVar[str]
    rated: bool = False  # whether it writes or filters on the beads' confidence (per instance for a filter)

    @classmethod
    def extensions(cls, src_lang: str, tgt_lang: str) -> tuple[str, ...]:
        """The file name endings this format writes for a pair of languages (known before any work)."""
        return (cls.extension,)

    @abstractmethod
    def render(self, alignment: Alignment, confidence: Rated = None) -> bytes:
        """The whole file's content."""

    def write(self, alignment: Alignment, fh: BinaryIO, confidence: Rated = None) -> None:
        for piece in self.pieces(alignment, confidence):
            fh.write(piece)

    def pieces(self, alignment: Alignment, confidence: Rated = None) -> Iterable[bytes]:
        """The file's content in pieces, written one after the other."""
        return (self.render(alignment, confidence),)

    def render_files(self, alignment: Alignment, confidence: Rated = None) -> list[bytes]:
        """Each file's content, in the order of :meth:`extensions` (for a format of several files)."""
        return [self.render(alignment, confidence)]


class StreamedExporter(Exporter):
    """A format laid out piece by piece (:meth:`pieces`), so that writing a book never holds its whole file
    (rendered whole, a book's outputs were the largest thing a long alignment held: docs/formats.md, Writing)."""

    @abstractmethod
    def pieces(self, alignment: Alignment, confidence: Rated = None) -> Iterator[bytes]:
        """The file's content in pieces of a bounded number of units."""

    def render(self, alignment: Alignment, confidence: Rated = None) -> bytes:
        return b"".join(self.pieces(alignment, confidence))


def joined(items: Iterable[str], size: int = 1000) -> Iterator[str]:
    """``items`` joined ``size`` at a time: the pieces a streamed format writes."""
    items = iter(items)
    while batch := list(islice(items, size)):
        yield "".join(batch)


@dataclass(frozen=True)
class UnitFilter:
    """Which beads become translation units (TMX, XLIFF, Moses): never null beads (nothing to translate from
    or to); with ``min_score``, none scoring below it; with ``min_confidence``, none whose confidence (the
    probability that the bead is correct, :mod:`aligner.confidence`) is below it; with ``drop_identical``, none
    whose two sides are the same text once whitespace runs are one space (markup, numbers, names: nothing a
    translator learns from)."""

    min_score: float | None = None
    drop_identical: bool = False
    min_confidence: float | None = None

    def __post_init__(self) -> None:
        if self.min_score is not None and (isinstance(self.min_score, bool) or not isinstance(self.min_score, Real)
                                           or not math.isfinite(self.min_score)):
            raise ValueError(f"min_score must be a finite number, got {self.min_score!r}")
        if self.min_confidence is not None and (isinstance(self.min_confidence, bool)
                                                or not isinstance(self.min_confidence, Real)
                                                or not 0 <= self.min_confidence <= 1):
            raise ValueError(f"min_confidence must be a number from 0 to 1, got {self.min_confidence!r}")

    def units(self, alignment: Alignment, confidence: Rated = None) -> Iterator[tuple[Bead, str, str]]:
        if confidence is None and self.min_confidence is None:  # not read: not computed
            confidence = [math.nan] * len(alignment.beads)
        for bead, src, tgt, _ in self.rated_units(alignment, confidence):
            yield bead, src, tgt

    def rated_units(self, alignment: Alignment, confidence: Rated = None) -> Iterator[tuple[Bead, str, str, float]]:
        """The units with each one's confidence."""
        for bead, p in zip(alignment.beads, rated(alignment, confidence)):
            if bead.is_null or (self.min_score is not None and bead.score < self.min_score):
                continue
            if self.min_confidence is not None and p < self.min_confidence:
                continue
            src, tgt = alignment.text(bead)
            if self.drop_identical and " ".join(src.split()) == " ".join(tgt.split()):
                continue
            yield bead, src, tgt, p


def encode_text(text: str) -> bytes:
    # Decoded input never holds lone surrogates, but Python strings may; "?" beats a crash
    # halfway through writing the outputs.
    return text.encode("utf-8", errors="replace")


def atomic_write_many(writers: Mapping[str, Writer]) -> list[str]:
    """Write several files so that either all of them appear, complete, or none does.

    Every file is first written to a temporary file in its target directory (so the final
    ``os.replace`` is a rename on one filesystem, hence atomic); only when all have been
    written are they moved into place. On any error, Ctrl-C or SIGTERM (which the CLI turns into
    SystemExit) the temporary files are removed; those a SIGKILL left behind are removed by the next
    run writing to the same folder.
    """
    for directory in {os.path.dirname(path) or "." for path in writers}:
        remove_stale_temps(directory)
    staged: list[tuple[str, str]] = []
    try:
        with ExitStack() as files:
            written = []
            for path, writer in writers.items():
                tmp = temp_name(os.path.dirname(path))
                # os.open with 0o666 lets the umask decide the final permissions, as for a plain
                # open(); tempfile would leave the outputs private (0o600).
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                staged.append((tmp, path))
                fh = files.enter_context(os.fdopen(fd, "wb"))
                writer(fh)
                fh.flush()
                written.append(fh.fileno())
            # each on disk before any is renamed; together, so that the file system's journal commits them
            # at once (one after the other, four small files took 5 ms, more than writing them)
            with ThreadPoolExecutor(len(written)) if len(written) > 1 else nullcontext() as pool:
                list((pool.map if pool else map)(os.fsync, written))
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            try:
                os.unlink(tmp)
            except FileNotFoundError:  # already renamed into place
                pass
        raise
    return [path for _, path in staged]
