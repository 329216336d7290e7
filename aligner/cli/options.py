"""Options shared by the commands that read a document pair and embed it."""

from __future__ import annotations

import functools
import math
import os
import stat

import click

from ..errors import InputError
from ..export import DEFAULT_FORMATS
from ..language import language_tag
from ..readers import EXTENSIONS, READERS
from ..search import INT_RANGES, parse_param
from ..readers.source import DEFAULT_MAX_INPUT_BYTES, STDIN, display_name, format_size, parse_size


def pair_options(func):
    """Input options: the same on ``align`` and ``review``."""
    options = [
        # readable=False: read_document reports an unreadable file as one "aligner: error:" line;
        # click's check printed its usage text instead.
        click.argument("zh_file", type=click.Path(dir_okay=True, readable=False)),
        # optional: without it, ZH_FILE holds both languages (XLIFF, TMX, or a bilingual document)
        click.argument("en_file", type=click.Path(dir_okay=True, readable=False), required=False),
        click.option("-o", "--output", "prefix", metavar="PREFIX",
                     help="Output path prefix (default: the Chinese file's name, next to it)."),
        click.option("--swap", is_flag=True,
                     help="Exchange the two files (for a translation given before its source); --src-lang and "
                          "--tgt-lang name the languages in the exchanged order."),
    ]

    @functools.wraps(func)
    def with_encoder(*args, no_cache, cache_dir, device, batch_size, max_bead, params, swap, **kwargs):
        from ..encoders import get_encoder

        if swap:  # before anything else, so the outputs are named after the source file as usual
            kwargs["zh_file"], kwargs["en_file"] = kwargs["en_file"], kwargs["zh_file"]
        kwargs["options"] = checked_options(kwargs, params, max_bead)
        kwargs["encoder"] = get_encoder(kwargs.get("encoder"), cache=not no_cache, cache_dir=cache_dir,
                                        device=device, batch_size=batch_size)
        return func(*args, **kwargs)

    return with_options(with_encoder, options + shared_options())


def shared_options() -> list:
    """The options of every command that reads and embeds document pairs (align, review, batch)."""
    return [
        click.option("--presplit", is_flag=True,
                     help="Plain text: one sentence per non-empty line; blank lines separate paragraphs."),
        click.option("--input-format", type=click.Choice(list(READERS)), default=None,
                     help="Format of the inputs (default: by extension, else text; text-blank: blank lines "
                          "separate paragraphs of hard-wrapped lines)."),
        click.option("--encoder", default=None, metavar="NAME", help="Sentence encoder (default: use)."),
        click.option("--max-bead", type=click.IntRange(*INT_RANGES["max_bead"]), default=None,
                     help="Most sentences on one side of a bead."),
        click.option("--src-lang", default=None, metavar="L", help="Source language (default: detected)."),
        click.option("--tgt-lang", default=None, metavar="L", help="Target language (default: detected)."),
        click.option("--src-locale", default=None, metavar="TAG",
                     help="Language tag for the source in TMX (default: zh-CN or zh-TW by script)."),
        click.option("-q", "--quiet", is_flag=True, help="No progress or notes on stderr."),
        max_input_size_option,
        click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache."),
        click.option("--cache-dir", default=None, type=click.Path(file_okay=False),
                     help="Embedding cache folder (default: the platform's user cache folder)."),
        click.option("--device", default=None, help="Device for st: encoders (cuda, cpu; default: auto)."),
        click.option("--batch-size", type=click.IntRange(1), default=None, help="Batch size for st: encoders."),
        click.option("--param", "params", multiple=True, metavar="KEY=VALUE",
                     help="A search parameter (see docs/algorithm.md), e.g. --param skip=-0.05; repeatable."),
    ]


def with_options(func, options: list):
    for option in reversed(options):
        func = option(func)
    return func


def checked_options(kwargs: dict, params: tuple[str, ...], max_bead: int | None) -> dict:
    """The language options checked (InputError naming the option) and the search options they give."""
    for key, option in (("src_lang", "--src-lang"), ("tgt_lang", "--tgt-lang"), ("src_locale", "--src-locale")):
        if kwargs[key] is not None:
            try:
                language_tag(kwargs[key], option)
            except ValueError as exc:
                raise InputError(str(exc)) from None
    return search_options(params, max_bead)


def _max_input_size(ctx, param, value: str) -> int:
    try:
        return parse_size(value)
    except ValueError as exc:
        raise InputError(f"--max-input-size: {exc}") from None


max_input_size_option = click.option(
    "--max-input-size", "max_bytes", default=format_size(DEFAULT_MAX_INPUT_BYTES), metavar="SIZE",
    callback=_max_input_size, show_default=True, help="Refuse an input file larger than this (e.g. 200M, 1G, bytes).")


def search_options(params: tuple[str, ...], max_bead: int | None) -> dict:
    """``--param KEY=VALUE`` pairs as SearchParams keyword arguments, typed like the defaults."""
    from ..search import SearchParams

    preset = {"max_bead": (max_bead, f"--max-bead {max_bead}")} if max_bead else {}
    return keyed_params(params, SearchParams, "--param", preset)


def keyed_params(items: tuple[str, ...], cls: type, flag: str, preset: dict | None = None) -> dict:
    """``flag KEY=VALUE`` pairs as keyword arguments of the parameter class ``cls`` (SearchParams,
    ReviewParams), typed like its defaults and checked by it. ``preset``: values given by other options,
    ``{key: (value, how it was given)}``."""
    from dataclasses import fields

    known = {f.name: f for f in fields(cls)}
    options = {k: v for k, (v, _) in (preset or {}).items()}
    given = {k: how for k, (_, how) in (preset or {}).items()}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in known:
            raise InputError(f"{flag} {item!r}: expected KEY=VALUE with KEY one of {', '.join(known)}")
        kind = type(known[key].default)
        try:
            parsed = parse_param(kind, value)
        except ValueError as exc:
            raise InputError(f"{flag} {item!r}: {key} takes {exc}") from None
        # Two different values for one parameter: the last one silently won.
        if key in options and options[key] != parsed:
            raise InputError(f"{flag} {item!r} conflicts with {given[key]}: give {key} once")
        options[key] = parsed
        given[key] = f"{flag} {item!r}"
    try:
        cls(**options)
    except ValueError as exc:
        raise InputError(f"{flag}: {exc}") from None
    return options


def default_prefix(zh_file: str, prefix: str | None) -> str:
    if prefix and os.path.basename(prefix) not in ("", ".", ".."):
        return prefix
    # Standard input or a pipe (<(cmd) is /dev/fd/63) has no folder of its own to write next to.
    if zh_file == STDIN or _is_pipe(zh_file):
        raise InputError(f"{display_name(zh_file)}: not a file the outputs can be written next to; give -o PREFIX")
    # -o out/ (or -o .) names a folder: the outputs go in it, named as by default. Taken as a
    # prefix it gave hidden files, out/.tmx (or ..tmx).
    base = os.path.basename(zh_file)
    stem, extension = os.path.splitext(base)
    if extension.lower() in EXTENSIONS:
        base = stem
    for suffix in (".zh", ".zho", ".chi"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    base = base.removesuffix(".zh")
    return os.path.join(prefix if prefix else os.path.dirname(zh_file), base)


def _is_pipe(path: str) -> bool:
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:  # missing or unreadable: reading it says so
        return False


FORMATS_HELP = ("Comma-separated, of: tmx, tsv, beads, json (the default set), xlsx, xliff (1.2), xliff2 (2.1), "
                "moses (PREFIX.<src> and PREFIX.<tgt>), srt (subtitle input), review-json, review-html "
                "(review: both).")


def _finite(ctx, param, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):  # FloatRange lets nan through
        raise InputError(f"--{param.name.replace('_', '-')} {value}: not a number")
    return value


def export_options(func):
    """The output options of ``align`` and ``apply``: ``formats`` (chosen), ``tsv_header`` and ``units`` (the
    UnitFilter of --min-score, --min-confidence and --drop-identical)."""

    @functools.wraps(func)
    def with_units(*args, formats, min_score, min_confidence, drop_identical, **kwargs):
        from ..export import UnitFilter

        return func(*args, formats=chosen_formats(formats),
                    units=UnitFilter(min_score, drop_identical, min_confidence), **kwargs)

    return with_options(with_units, [
        click.option("--formats", default=None, metavar="LIST", help=FORMATS_HELP),
        click.option("--tsv-header", is_flag=True, help="Write a header line in the TSV."),
        click.option("--min-score", type=click.FloatRange(-1000, 1000), default=None, metavar="X", callback=_finite,
                     help="TMX, XLIFF, Moses: leave out units whose bead score is below X."),
        click.option("--min-confidence", type=click.FloatRange(0, 1), default=None, metavar="P", callback=_finite,
                     help="TMX, XLIFF, Moses, XLSX: leave out units (rows) whose confidence (the probability that "
                          "the bead is correct, as in the x-confidence column) is below P."),
        click.option("--drop-identical", is_flag=True,
                     help="TMX, XLIFF, Moses: leave out units whose two sides are the same text (markup, numbers, "
                          "names)."),
    ])


def chosen_formats(value: str | None) -> list[str]:
    """The output formats of ``--formats`` (``review`` standing for both review files), else the default set."""
    from ..export import ALL_FORMATS
    from .review import expand_review

    return expand_review(parse_formats(value, known=(*ALL_FORMATS, "review"))) if value else list(DEFAULT_FORMATS)


def parse_formats(value: str | None, known=DEFAULT_FORMATS) -> list[str]:
    if not value:
        return list(known)
    formats = [f.strip().lower() for f in value.split(",") if f.strip()]
    if not formats:  # "--formats ," wrote nothing and still succeeded
        raise InputError(f"--formats {value!r}: no format given (known: {', '.join(known)})")
    unknown = [f for f in formats if f not in known]
    if unknown:
        raise InputError(f"--formats: unknown format {unknown[0]!r} (known: {', '.join(known)})")
    return formats


def align_pair(zh_file: str, en_file: str | None, prefix: str | None, formats, *, presplit: bool,
               input_format: str | None, encoder, options: dict, src_lang: str | None, tgt_lang: str | None,
               src_locale: str | None, quiet: bool, max_bytes: int):
    """What ``align`` and ``review`` share: plan the outputs (before any work: refused outputs cost nothing),
    read and align the pair (``en_file`` None: ``zh_file`` holds both). Returns the alignment and the prefix."""
    from ..api import align_sentences, read_pair
    from ..export import check_timings, plan_outputs

    prefix = default_prefix(zh_file, prefix)
    inputs = tuple(path for path in (zh_file, en_file) if path is not None)
    plan_outputs(prefix, formats, inputs=inputs, languages=(src_lang or "zh", tgt_lang or "en"))
    src, tgt, sl, tl, notes = read_pair(zh_file, en_file, presplit=presplit, input_format=input_format,
                                        src_lang=src_lang, tgt_lang=tgt_lang, max_bytes=max_bytes)
    # again with the languages read: they name the Moses files
    plan_outputs(prefix, formats, inputs=inputs, languages=(sl, tl))
    if "srt" in formats:
        check_timings(src, tgt)
    if not quiet:
        for note in notes:
            click.echo(f"aligner: {note}", err=True)
    alignment = align_sentences(src, tgt, encoder=encoder, src_lang=sl, tgt_lang=tl, src_locale=src_locale,
                                progress=not quiet, **options)
    return alignment, prefix
