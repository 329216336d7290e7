"""Output formats (one module each, in the manner of sacrebleu's metrics) and atomic writing."""

from __future__ import annotations

import functools
import os
from typing import Iterable, Sequence

from ..confidence import bead_confidence
from ..errors import InputError
from ..model import Alignment
from .base import Exporter, UnitFilter, atomic_write_many, temp_name
from .beads import BeadsExporter
from .json import JsonExporter, load_alignment
from .moses import MosesExporter
from .review import REVIEW_EXPORTERS, review_provider
from .srt import SrtExporter, check_timings
from .tmx import TmxExporter, creation_time
from .tsv import TsvExporter
from .xlsx import XlsxExporter
from .xliff import Xliff12Exporter, Xliff21Exporter

# Written by default.
DEFAULT_FORMATS = ("tmx", "tsv", "beads", "json")
EXPORTERS: dict[str, type[Exporter]] = {
    cls.name: cls for cls in (TmxExporter, TsvExporter, BeadsExporter, JsonExporter, XlsxExporter,
                              Xliff12Exporter, Xliff21Exporter, MosesExporter, SrtExporter)
}
# The formats whose units --min-score and --drop-identical filter.
FILTERED = (TmxExporter, Xliff12Exporter, Xliff21Exporter, MosesExporter)

# Formats written on request only (they embed clauses, which costs time): review-json, review-html.
ALL_FORMATS = (*EXPORTERS, *REVIEW_EXPORTERS)

__all__ = ["ALL_FORMATS", "DEFAULT_FORMATS", "EXPORTERS", "Exporter", "UnitFilter", "check_timings",
           "get_exporter", "load_alignment", "plan_outputs", "review_provider", "write_outputs"]


def _exporter_class(fmt: str) -> type[Exporter]:
    try:
        return {**EXPORTERS, **REVIEW_EXPORTERS}[fmt]
    except KeyError:
        raise InputError(f"unknown output format {fmt!r} (known: {', '.join(ALL_FORMATS)})") from None


def get_exporter(fmt: str, *, tsv_header: bool = False, units: UnitFilter = UnitFilter(), review=None) -> Exporter:
    """The exporter of ``fmt``. ``review``: a :func:`review_provider`, required by the review formats and
    optional for xlsx (its flags column is filled only when given). ``units`` filters the translation units of
    TMX, XLIFF and Moses; of it, the xlsx (a row per bead, null beads too) takes ``min_confidence`` only."""
    cls = _exporter_class(fmt)
    if fmt in REVIEW_EXPORTERS:
        return cls(review or review_provider())
    if cls is XlsxExporter:
        return cls(review, units.min_confidence)
    if cls in FILTERED:
        return cls(units=units)
    return TsvExporter(header=tsv_header) if cls is TsvExporter else cls()


def plan_outputs(prefix: str, formats: Iterable[str], inputs: Sequence[str] = (),
                 languages: tuple[str, str] = ("zh", "en")) -> list[str]:
    """The paths ``PREFIX.<ext>`` the formats will write, checked before any work is done. ``languages``
    (source, target) name the Moses files.

    Refused (InputError): an output that is one of ``inputs`` (by name, symlink or hard link) or
    the same file as another output; a missing or unwritable output folder; a name longer than the
    filesystem allows; an output that is a folder; an invalid SOURCE_DATE_EPOCH when writing TMX or XLSX.
    """
    formats = list(dict.fromkeys(formats))
    paths = [f"{prefix}.{ext}" for fmt in formats for ext in _exporter_class(fmt).extensions(*languages)]
    directory = os.path.dirname(prefix) or "."
    if not os.path.isdir(directory):
        raise InputError(f"{directory}: output directory does not exist")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise InputError(f"{directory}: cannot write the outputs there (no write permission); give -o PREFIX")
    limit = _name_max(directory)
    temp_length = len(os.fsencode(os.path.basename(temp_name(directory))))
    for path in paths:
        if max(len(os.fsencode(os.path.basename(path))), temp_length) > limit:
            raise InputError(f"{path}: file name longer than the {limit} bytes this filesystem allows; "
                             "give a shorter -o PREFIX")
        if os.path.isdir(path):
            raise InputError(f"{path}: is a directory, cannot write the output there")
        for other in inputs:
            if _same_file(path, other):
                raise InputError(f"output {path} would overwrite the input {other} (the same file); "
                                 "give another -o PREFIX")
    for i, path in enumerate(paths):
        for other in paths[:i]:
            if _same_file(path, other):
                raise InputError(f"{path} and {other}: the same file (a link); two outputs cannot share it, "
                                 "give another -o PREFIX")
    if {"tmx", "xlsx"} & set(formats):
        creation_time()  # their date: a bad SOURCE_DATE_EPOCH is refused now, not after the alignment
    return paths


def _name_max(directory: str) -> int:
    try:
        return os.pathconf(directory, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # unknown here (Windows): the common limit
        return 255


def _same_file(a: str, b: str) -> bool:
    """Same path once links are resolved, or the same file (st_dev, st_ino) under two names (a hard link)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet)
        return False


def write_outputs(alignment: Alignment, prefix: str, formats: Iterable[str], *,
                  tsv_header: bool = False, units: UnitFilter = UnitFilter(), encoder=None, review=None) -> list[str]:
    """Write ``PREFIX.<ext>`` for each format, all or nothing; returns the paths written.

    All outputs are rendered and written to temporary files before any is moved into place,
    so a failure (a bug in one exporter, a full disk) leaves no partial set of outputs behind.
    """
    formats = list(dict.fromkeys(formats))
    languages = (alignment.src_lang, alignment.tgt_lang)
    plan_outputs(prefix, formats, languages=languages)
    # review formats: ``review`` (from review_provider) shares one review with the caller; else one is
    # made here, with ``encoder`` embedding the clauses. The xlsx shows flags only when a review is written
    # anyway: reviewing for it alone would make a cheap format costly.
    if review is None and any(fmt in REVIEW_EXPORTERS for fmt in formats):
        review = review_provider(encoder)
    exporters = [get_exporter(fmt, tsv_header=tsv_header, units=units, review=review) for fmt in formats]
    # computed once for all the formats that read it
    confidence = bead_confidence(alignment) if any(e.rated for e in exporters) else None
    writers = {}
    for exporter in exporters:
        extensions = exporter.extensions(*languages)
        if len(extensions) == 1:
            writers[f"{prefix}.{extensions[0]}"] = \
                lambda fh, exporter=exporter: exporter.write(alignment, fh, confidence)
            continue
        files = functools.cache(lambda exporter=exporter: exporter.render_files(alignment, confidence))  # once
        for k, ext in enumerate(extensions):
            writers[f"{prefix}.{ext}"] = lambda fh, files=files, k=k: fh.write(files()[k])
    try:
        return atomic_write_many(writers)
    except OSError as exc:  # read-only folder, full disk: was a traceback
        raise InputError(f"{os.path.dirname(prefix) or '.'}: cannot write the outputs ({exc.strerror or exc})") \
            from None
