"""``aligner batch``: align many document pairs, listed in a manifest or paired by name across two folders."""

from __future__ import annotations

import os

import click

from ..errors import InputError
from . import emit, main
from .options import FORMATS_HELP, checked_options, chosen_formats, shared_options, with_options
from .review import REVIEW_FORMATS


def _batch_options(func):
    return with_options(func, [
        click.argument("inputs", nargs=-1, required=True, type=click.Path(readable=False)),
        click.option("-o", "--output", "out_dir", required=True, metavar="DIR",
                     help="Folder for everything the batch writes (made if missing)."),
        click.option("--pair-by", type=click.Choice(["stem", "regex"]), default="stem", show_default=True,
                     help="With two folders: pair files by the name up to the first dot, or by --pair-regex."),
        click.option("--pair-regex", default=None, metavar="REGEX",
                     help="With --pair-by regex: the key is the first group (or the match) in each file name."),
        click.option("--formats", default=None, metavar="LIST", help="Each pair's outputs. " + FORMATS_HELP),
        click.option("--tsv-header", is_flag=True, help="Write a header line in each pair's TSV."),
        click.option("--review", is_flag=True,
                     help="Review every pair for omissions (costly): flags in the summary and the corpus, "
                          "and the review files per pair."),
        click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                     help="local: a process pool on this machine; ray: Ray Data (pip install 'aligner[ray]')."),
        click.option("--workers", type=click.IntRange(1, 1024), default=None,
                     help="Local engine: worker processes (default: the cores this process may use)."),
        click.option("--ray-address", default=None, metavar="ADDR",
                     help="Ray engine: the cluster to join (default: RAY_ADDRESS, else a local Ray)."),
        click.option("--retry-failed", is_flag=True, help="Align again the pairs that failed in an earlier run."),
        click.option("--min-coverage", type=click.FloatRange(0, 1), default=0.5, show_default=True,
                     help="A pair with less of its sentences linked is listed as needing a person."),
        click.option("--max-count-ratio", type=click.FloatRange(1, 1000), default=2.0, show_default=True,
                     help="A pair with one side this many times longer (in sentences) is listed too."),
        *shared_options(),
    ])


@main.command("batch")
@_batch_options
def batch_command(inputs, out_dir, pair_by, pair_regex, formats, tsv_header, review, engine, workers, ray_address,
                  retry_failed, min_coverage, max_count_ratio, presplit, input_format, encoder, max_bead, src_lang, tgt_lang,
                  src_locale, quiet, max_bytes, no_cache, cache_dir, device, batch_size, params):
    """Align many pairs: INPUTS is a manifest (TSV or .jsonl) or two folders (Chinese, English)."""
    from ..batch import Defaults, Job, Limits, folder_pairs, manifest_pairs, run_batch
    from ..encoders import check_encoder_name

    check_encoder_name(encoder, device)  # before any output folder is made
    options = checked_options({"src_lang": src_lang, "tgt_lang": tgt_lang, "src_locale": src_locale},
                              params, max_bead)
    formats = chosen_formats(formats)
    if review:
        formats = list(dict.fromkeys([*formats, *REVIEW_FORMATS]))
    defaults = Defaults(presplit=presplit, input_format=input_format, src_lang=src_lang, tgt_lang=tgt_lang, src_locale=src_locale,
                        options=options)
    if len(inputs) == 1:
        if os.path.isdir(inputs[0]):
            raise InputError(f"{inputs[0]}: a folder; give a manifest, or two folders (Chinese, English)")
        specs = manifest_pairs(inputs[0], defaults, max_bytes)
    elif len(inputs) == 2:
        for folder in inputs:
            if not os.path.isdir(folder):
                raise InputError(f"{folder}: not a folder; give a manifest, or two folders (Chinese, English)")
        specs = folder_pairs(inputs[0], inputs[1], defaults, pair_by, pair_regex)
    else:
        raise InputError(f"{len(inputs)} inputs: give a manifest, or two folders (Chinese, English)")
    job = Job(out_dir=out_dir, formats=tuple(formats), tsv_header=tsv_header, review=review,
              encoder=encoder, cache=not no_cache, cache_dir=cache_dir, device=device,
              batch_size=batch_size, max_bytes=max_bytes)
    summary = run_batch(specs, job, limits=Limits(min_coverage, max_count_ratio), engine=engine, workers=workers,
                        retry_failed=retry_failed, ray_address=ray_address,
                        inputs=inputs if len(inputs) == 1 else (), progress=not quiet)
    if not quiet:
        click.echo(f"aligner: {summary['done']} of {summary['pairs']} pairs aligned, {summary['failed']} failed, "
                   f"{len(summary['needs_attention'])} need a person (see summary.html)", err=True)
    emit(os.path.join(out_dir, "summary.json"))
