"""``aligner align``: align a document pair and write TMX, TSV, beads and JSON, or the formats asked for."""

from __future__ import annotations

import click

from ..export import REVIEW_EXPORTERS, review_provider, write_outputs
from . import emit, main
from .options import align_pair, export_options, pair_options


@main.command("align")
@pair_options
@export_options
def align_command(zh_file, en_file, prefix, presplit, input_format, encoder, options, src_lang, tgt_lang,
                  src_locale, quiet, max_bytes, formats, tsv_header, units):
    """Align ZH_FILE with its translation EN_FILE, or the two languages of ZH_FILE alone (XLIFF, TMX, or a
    document holding both).

    The input format follows the extension (.md, .html, .docx, .pdf, .srt, .xlf…; any other: text), or
    --input-format.
    """
    alignment, prefix = align_pair(zh_file, en_file, prefix, formats, presplit=presplit,
                                   input_format=input_format, encoder=encoder, options=options, src_lang=src_lang,
                                   tgt_lang=tgt_lang, src_locale=src_locale, quiet=quiet, max_bytes=max_bytes)
    # a review among the formats: reviewed once, with its progress shown
    review = review_provider(encoder, progress=not quiet) if set(formats) & set(REVIEW_EXPORTERS) else None
    written = write_outputs(alignment, prefix, formats, tsv_header=tsv_header, encoder=encoder,
                            units=units, review=review)
    if not quiet:
        counts = {}
        for bead in alignment.beads:
            counts[bead.type] = counts.get(bead.type, 0) + 1
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        click.echo(f"aligner: {len(alignment.zh)} × {len(alignment.en)} sentences, {len(alignment.beads)} beads ({summary})", err=True)
        for path in written:
            emit(path)
