"""``aligner review``: align a pair and write the omission review, PREFIX.review.json and .review.html."""

from __future__ import annotations

import sys

import click

from . import emit, main
from .options import align_pair, keyed_params, pair_options

# Exit status of --fail-on-omission when an omission or addition is flagged: distinct from
# the error codes (2 input, 3 encoder) so a QA pipeline can tell "omissions found" from "failed".
OMISSION_EXIT = 4
REVIEW_FORMATS = ("review-json", "review-html")


def expand_review(formats: list[str]) -> list[str]:
    """``review`` in a format list stands for both review files."""
    out: list[str] = []
    for fmt in formats:
        out += list(REVIEW_FORMATS) if fmt == "review" else [fmt]
    return list(dict.fromkeys(out))


@main.command("review")
@pair_options
@click.option("--fail-on-omission", is_flag=True,
              help=f"Exit with status {OMISSION_EXIT} when any omission or addition (not boilerplate or an "
                   "alignment check) is flagged.")
@click.option("--formats", default="review", metavar="LIST",
              help="The review files to write: review-json, review-html, or review for both (the default).")
@click.option("--review-param", "review_params", multiple=True, metavar="KEY=VALUE",
              help="A review parameter (see docs/omissions.md), e.g. --review-param flag_at=0.7; repeatable.")
def review_command(zh_file, en_file, prefix, presplit, input_format, encoder, options, src_lang, tgt_lang,
                   src_locale, quiet, max_bytes, fail_on_omission, formats, review_params):
    """Align ZH_FILE with EN_FILE (or the two languages of ZH_FILE alone) and report what the English leaves
    out. Input formats as for ``aligner align``."""
    from ..export import review_provider, write_outputs
    from ..omissions import ReviewParams
    from .options import parse_formats

    formats = expand_review(parse_formats(formats, known=(*REVIEW_FORMATS, "review")))
    # checked before the alignment, so a bad value costs no embedding
    settings = ReviewParams(**keyed_params(review_params, ReviewParams, "--review-param"))
    model = encoder  # built by pair_options: one encoder for the alignment and the clauses
    alignment, prefix = align_pair(zh_file, en_file, prefix, formats, presplit=presplit,
                                   input_format=input_format, encoder=model, options=options, src_lang=src_lang,
                                   tgt_lang=tgt_lang, src_locale=src_locale, quiet=quiet, max_bytes=max_bytes)
    provider = review_provider(model, settings, progress=not quiet)
    written = write_outputs(alignment, prefix, formats, review=provider)
    result = provider(alignment)  # the review just written, not computed again
    if not quiet:
        s = result.summary
        kinds = ", ".join(f"{k}: {v}" for k, v in s["flags"].items() if v)
        click.echo(f"aligner: coverage {s['coverage']:.1%}, {s['omissions']} flagged"
                   + (f" ({kinds})" if kinds else ""), err=True)
        for path in written:
            emit(path)
    if fail_on_omission and result.omissions:
        sys.exit(OMISSION_EXIT)
