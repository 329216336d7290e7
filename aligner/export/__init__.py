"""Output formats (one module each, in the manner of sacrebleu's metrics) and atomic writing."""

from __future__ import annotations

import os
from typing import Iterable

from ..errors import InputError
from ..model import Alignment
from .base import Exporter, atomic_write, atomic_write_many
from .beads import BeadsExporter
from .json import JsonExporter, load_alignment
from .review import REVIEW_EXPORTERS, review_provider
from .tmx import TmxExporter
from .tsv import TsvExporter

EXPORTERS: dict[str, type[Exporter]] = {
    cls.name: cls for cls in (TmxExporter, TsvExporter, BeadsExporter, JsonExporter)
}

# Formats written on request only (they embed clauses, which costs time): review-json, review-html.
ALL_FORMATS = (*EXPORTERS, *REVIEW_EXPORTERS)

__all__ = ["ALL_FORMATS", "EXPORTERS", "Exporter", "atomic_write", "get_exporter", "load_alignment", "review_provider",
           "write_outputs"]


def get_exporter(fmt: str, *, tsv_header: bool = False, review=None) -> Exporter:
    if fmt in REVIEW_EXPORTERS:
        return REVIEW_EXPORTERS[fmt](review or review_provider())
    try:
        cls = EXPORTERS[fmt]
    except KeyError:
        raise InputError(f"unknown output format {fmt!r} (known: {', '.join(ALL_FORMATS)})") from None
    return TsvExporter(header=tsv_header) if cls is TsvExporter else cls()


def write_outputs(alignment: Alignment, prefix: str, formats: Iterable[str], *,
                  tsv_header: bool = False, encoder=None, review=None) -> list[str]:
    """Write ``PREFIX.<ext>`` for each format, all or nothing; returns the paths written.

    All outputs are rendered and written to temporary files before any is moved into place,
    so a failure (a bug in one exporter, a full disk) leaves no partial set of outputs behind.
    """
    # review formats: ``review`` (from review_provider) shares one review with the caller; else one is
    # made here, with ``encoder`` embedding the clauses
    review = review or review_provider(encoder)
    exporters = [get_exporter(fmt, tsv_header=tsv_header, review=review) for fmt in dict.fromkeys(formats)]
    directory = os.path.dirname(prefix) or "."
    if not os.path.isdir(directory):
        raise InputError(f"{directory}: output directory does not exist")
    writers = {f"{prefix}.{exp.extension}": (lambda fh, exp=exp: exp.write(alignment, fh)) for exp in exporters}
    # Checked before anything is written: os.replace onto a folder fails only after the outputs
    # before it were moved into place, leaving a partial set (and a traceback).
    for path in writers:
        if os.path.isdir(path):
            raise InputError(f"{path}: is a directory, cannot write the output there")
    try:
        return atomic_write_many(writers)
    except OSError as exc:  # read-only folder, full disk: was a traceback
        raise InputError(f"{directory}: cannot write the outputs ({exc.strerror or exc})") from None
