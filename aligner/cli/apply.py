"""``aligner apply``: a reviewer's corrections applied to an alignment, written in every output format."""

from __future__ import annotations

import click

from ..errors import InputError
from . import emit, main
from .options import export_options

# With --review: the decided review and the sheet that shows its flags beside the beads.
REVIEW_OUTPUTS = ("review-json", "xlsx")


@main.command("apply")
@click.argument("alignment_file", type=click.Path(dir_okay=True, readable=False))
@click.argument("corrections_file", type=click.Path(dir_okay=True, readable=False))
@click.option("-o", "--output", "prefix", metavar="PREFIX", required=True, help="Output path prefix.")
@click.option("--review", "review_file", type=click.Path(dir_okay=True, readable=False), default=None,
              metavar="REVIEW.json", help="Also write PREFIX.review.json and PREFIX.xlsx from this review (of the "
                                          "same documents), dismissed flags left out and notes kept.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@export_options
def apply_command(alignment_file, corrections_file, prefix, review_file, quiet, formats, tsv_header, units):
    """Apply CORRECTIONS_FILE (saved by the review page) to ALIGNMENT_FILE (the PREFIX.json of ``aligner
    align``) and write the corrected alignment, in the formats of ``aligner align``."""
    from ..api import apply_corrections
    from ..corrections import DecidedReview, apply_decisions, load_corrections
    from ..export import check_timings, load_alignment, plan_outputs, write_outputs
    from ..export.json import read_json

    inputs = tuple(p for p in (alignment_file, corrections_file, review_file) if p is not None)
    if review_file is not None:
        if "review-html" in formats:
            raise InputError("--review writes PREFIX.review.json from REVIEW.json; leave review-html out of --formats")
        formats = list(dict.fromkeys([*formats, *REVIEW_OUTPUTS]))
    plan_outputs(prefix, formats, inputs=inputs)
    alignment = load_alignment(alignment_file)
    corrections = load_corrections(corrections_file)
    try:
        corrected = apply_corrections(alignment, corrections)
    except InputError as e:
        raise InputError(f"{corrections_file}: {e}") from None
    review = None
    if review_file is not None:
        data = read_json(review_file)
        try:
            decided = apply_decisions(data, corrections, corrected)
        except InputError as e:
            raise InputError(f"{review_file}: {e}") from None
        review = lambda _: DecidedReview(decided)  # noqa: E731  (the exporters' review provider)
    if "srt" in formats:
        check_timings(corrected.zh, corrected.en)
    languages = (corrected.src_lang, corrected.tgt_lang)
    plan_outputs(prefix, formats, inputs=inputs, languages=languages)  # the languages name the Moses files
    written = write_outputs(corrected, prefix, formats, tsv_header=tsv_header, units=units, review=review)
    if not quiet:
        decisions = (f"; {decided['decisions']['dismissed']} flags dismissed, {decided['decisions']['not_in_review']}"
                     " decisions for flags not in this review" if review else
                     f"; {len(corrections.decisions)} flag decisions not used (give --review REVIEW.json)"
                     if corrections.decisions else "")
        click.echo(f"aligner: {len(corrections.edits)} edits applied, {len(corrected.beads)} beads{decisions}", err=True)
        for path in written:
            emit(path)
