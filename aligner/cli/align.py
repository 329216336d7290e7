"""``aligner align``: align a document pair and write TMX, TSV, beads and JSON, or the formats asked for."""

from __future__ import annotations

import math

import click

from ..errors import InputError
from ..export import UnitFilter, write_outputs
from . import emit, main
from .options import FORMATS_HELP, align_pair, chosen_formats, pair_options

def _finite(ctx, param, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):  # FloatRange lets nan through
        raise InputError(f"--min-score {value}: not a number")
    return value


@main.command("align")
@pair_options
@click.option("--formats", default=None, metavar="LIST", help=FORMATS_HELP)
@click.option("--tsv-header", is_flag=True, help="Write a header line in the TSV.")
@click.option("--min-score", type=click.FloatRange(-1000, 1000), default=None, metavar="X", callback=_finite,
              help="TMX, XLIFF, Moses: leave out units whose bead score is below X.")
@click.option("--drop-identical", is_flag=True,
              help="TMX, XLIFF, Moses: leave out units whose two sides are the same text (markup, numbers, names).")
def align_command(zh_file, en_file, prefix, presplit, input_format, encoder, options, src_lang, tgt_lang,
                  src_locale, quiet, max_bytes, formats, tsv_header, min_score, drop_identical):
    """Align ZH_FILE with its translation EN_FILE, or the two languages of ZH_FILE alone (XLIFF, TMX, or a
    document holding both).

    The input format follows the extension (.md, .html, .docx, .pdf, .srt, .xlf…; any other: text), or
    --input-format.
    """
    formats = chosen_formats(formats)
    alignment, prefix = align_pair(zh_file, en_file, prefix, formats, presplit=presplit,
                                   input_format=input_format, encoder=encoder, options=options, src_lang=src_lang,
                                   tgt_lang=tgt_lang, src_locale=src_locale, quiet=quiet, max_bytes=max_bytes)
    written = write_outputs(alignment, prefix, formats, tsv_header=tsv_header, encoder=encoder,
                            units=UnitFilter(min_score, drop_identical))
    if not quiet:
        counts = {}
        for bead in alignment.beads:
            counts[bead.type] = counts.get(bead.type, 0) + 1
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        click.echo(f"aligner: {len(alignment.zh)} × {len(alignment.en)} sentences, {len(alignment.beads)} beads ({summary})", err=True)
        for path in written:
            emit(path)
