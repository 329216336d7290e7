"""``aligner align``: align a document pair and write TMX, TSV, beads and JSON."""

from __future__ import annotations

import sys

import click

from ..api import align_sentences, read_pair
from ..export import ALL_FORMATS, EXPORTERS, plan_outputs, write_outputs
from . import emit, main
from .options import default_prefix, pair_options, parse_formats
from .review import expand_review


@main.command("align")
@pair_options
@click.option("--formats", default=None, metavar="LIST",
              help="Comma-separated: tmx,tsv,beads,json,review-json,review-html (review: both) "
                   "(default: tmx,tsv,beads,json).")
@click.option("--tsv-header", is_flag=True, help="Write a header line in the TSV.")
def align_command(zh_file, en_file, prefix, presplit, encoder, options, src_lang, tgt_lang, src_locale,
                  quiet, max_bytes, formats, tsv_header):
    """Align ZH_FILE with its translation EN_FILE."""
    formats = expand_review(parse_formats(formats, known=(*ALL_FORMATS, "review"))) if formats else list(EXPORTERS)
    prefix = default_prefix(zh_file, prefix)
    plan_outputs(prefix, formats, inputs=(zh_file, en_file))  # before the work: refused outputs cost nothing
    src, tgt, sl, tl, notes = read_pair(zh_file, en_file, presplit=presplit, src_lang=src_lang, tgt_lang=tgt_lang,
                                          max_bytes=max_bytes)
    if not quiet:
        for note in notes:
            click.echo(f"aligner: {note}", err=True)
    alignment = align_sentences(src, tgt, encoder=encoder, src_lang=sl, tgt_lang=tl, src_locale=src_locale,
                                progress=not quiet and sys.stderr.isatty(), **options)
    written = write_outputs(alignment, prefix, formats, tsv_header=tsv_header, encoder=encoder)
    if not quiet:
        counts = {}
        for bead in alignment.beads:
            counts[bead.type] = counts.get(bead.type, 0) + 1
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1]))
        click.echo(f"aligner: {len(src)} × {len(tgt)} sentences, {len(alignment.beads)} beads ({summary})", err=True)
        for path in written:
            emit(path)
