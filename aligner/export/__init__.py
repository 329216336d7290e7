"""Output formats (one module each, in the manner of sacrebleu's metrics) and atomic writing."""

from __future__ import annotations

import os
from typing import Iterable, Sequence

from ..errors import InputError
from ..model import Alignment
from .base import Exporter, atomic_write_many, temp_name
from .beads import BeadsExporter
from .json import JsonExporter, load_alignment
from .review import REVIEW_EXPORTERS, review_provider
from .tmx import TmxExporter, creation_time
from .tsv import TsvExporter

EXPORTERS: dict[str, type[Exporter]] = {
    cls.name: cls for cls in (TmxExporter, TsvExporter, BeadsExporter, JsonExporter)
}

# Formats written on request only (they embed clauses, which costs time): review-json, review-html.
ALL_FORMATS = (*EXPORTERS, *REVIEW_EXPORTERS)

__all__ = ["ALL_FORMATS", "EXPORTERS", "Exporter", "get_exporter", "load_alignment", "plan_outputs",
           "review_provider", "write_outputs"]


def _exporter_class(fmt: str) -> type[Exporter]:
    try:
        return {**EXPORTERS, **REVIEW_EXPORTERS}[fmt]
    except KeyError:
        raise InputError(f"unknown output format {fmt!r} (known: {', '.join(ALL_FORMATS)})") from None


def get_exporter(fmt: str, *, tsv_header: bool = False, review=None) -> Exporter:
    cls = _exporter_class(fmt)
    if fmt in REVIEW_EXPORTERS:
        return cls(review or review_provider())
    return TsvExporter(header=tsv_header) if cls is TsvExporter else cls()


def plan_outputs(prefix: str, formats: Iterable[str], inputs: Sequence[str] = ()) -> list[str]:
    """The paths ``PREFIX.<ext>`` the formats will write, checked before any work is done.

    Refused (InputError): an output that is one of ``inputs`` (by name, symlink or hard link) or
    the same file as another output; a missing or unwritable output folder; a name longer than the
    filesystem allows; an output that is a folder; an invalid SOURCE_DATE_EPOCH when writing TMX.
    """
    formats = list(dict.fromkeys(formats))
    paths = [f"{prefix}.{_exporter_class(fmt).extension}" for fmt in formats]
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
    if "tmx" in formats:
        creation_time()  # a bad SOURCE_DATE_EPOCH is refused now, not after the alignment
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
                  tsv_header: bool = False, encoder=None, review=None) -> list[str]:
    """Write ``PREFIX.<ext>`` for each format, all or nothing; returns the paths written.

    All outputs are rendered and written to temporary files before any is moved into place,
    so a failure (a bug in one exporter, a full disk) leaves no partial set of outputs behind.
    """
    formats = list(dict.fromkeys(formats))
    paths = plan_outputs(prefix, formats)
    # review formats: ``review`` (from review_provider) shares one review with the caller; else one is
    # made here, with ``encoder`` embedding the clauses
    review = review or review_provider(encoder)
    exporters = [get_exporter(fmt, tsv_header=tsv_header, review=review) for fmt in formats]
    writers = {path: (lambda fh, exp=exp: exp.write(alignment, fh)) for path, exp in zip(paths, exporters)}
    try:
        return atomic_write_many(writers)
    except OSError as exc:  # read-only folder, full disk: was a traceback
        raise InputError(f"{os.path.dirname(prefix) or '.'}: cannot write the outputs ({exc.strerror or exc})") \
            from None
