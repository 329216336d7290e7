"""Output formats (one module each, in the manner of sacrebleu's metrics) and atomic writing."""

from __future__ import annotations

import os
from typing import Iterable

from ..errors import InputError
from ..model import Alignment
from .base import Exporter, atomic_write, atomic_write_many
from .beads import BeadsExporter
from .json import JsonExporter, load_alignment
from .tmx import TmxExporter
from .tsv import TsvExporter

EXPORTERS: dict[str, type[Exporter]] = {
    cls.name: cls for cls in (TmxExporter, TsvExporter, BeadsExporter, JsonExporter)
}

__all__ = ["EXPORTERS", "Exporter", "atomic_write", "get_exporter", "load_alignment", "write_outputs"]


def get_exporter(fmt: str, *, tsv_header: bool = False) -> Exporter:
    try:
        cls = EXPORTERS[fmt]
    except KeyError:
        raise InputError(f"unknown output format {fmt!r} (known: {', '.join(EXPORTERS)})") from None
    return TsvExporter(header=tsv_header) if cls is TsvExporter else cls()


def write_outputs(alignment: Alignment, prefix: str, formats: Iterable[str], *,
                  tsv_header: bool = False) -> list[str]:
    """Write ``PREFIX.<ext>`` for each format, all or nothing; returns the paths written.

    All outputs are rendered and written to temporary files before any is moved into place,
    so a failure (a bug in one exporter, a full disk) leaves no partial set of outputs behind.
    """
    exporters = [get_exporter(fmt, tsv_header=tsv_header) for fmt in dict.fromkeys(formats)]
    directory = os.path.dirname(prefix) or "."
    if not os.path.isdir(directory):
        raise InputError(f"{directory}: output directory does not exist")
    return atomic_write_many({
        f"{prefix}.{exp.extension}": (lambda fh, exp=exp: exp.write(alignment, fh))
        for exp in exporters
    })
