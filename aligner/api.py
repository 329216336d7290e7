"""The Python API: ``align(zh, en) -> Alignment``, the same job as ``aligner align``."""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Callable

import numpy as np

from .encoders import Encoder, encoder_signature, get_encoder, resolve_encoder
from .encoders.base import CheckedEncoder, check_vectors
from .encoders.source import EmbeddingSource, embed_sentences
from .errors import InputError, SwappedInputError
from .language import chinese_locale, detect_language, has_detectable_text, language_name, language_tag
from .lexicon import lexical_vectors, translates
from .memory import release_freed, settled
from .model import Alignment, Bead, Sentence, check_alignment, check_beads
from .readers.source import DEFAULT_MAX_INPUT_BYTES
from .segment import presegmented, segment
from .segment.chinese import simplified_memo
from .result_cache import ResultStore, result_key
from .search import ADAPTED, SearchParams, align_embeddings, dialogue, pair_defaults, warm_for
from .signature import make_signature

# Below this many sentences (both sides) the dictionary is looked up while the sentences are embedded (_search)
OVERLAP_SENTENCES = 20_000
# Lone surrogates cannot be encoded (OpenCC, the encoders, every export): refused where text comes in.
_SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT_ARG = ("a text (str), a list of sentences (str) or a list of paragraphs (lists of str)")


def align(
    zh: str | Sequence[str],
    en: str | Sequence[str],
    *,
    encoder: Encoder | str | None = None,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    src_locale: str | None = None,
    progress: bool = False,
    cache: bool = True,
    cache_dir: str | os.PathLike | None = None,
    **options,
) -> Alignment:
    """Align a source text (normally Chinese) with its translation (normally English).

    ``zh`` and ``en`` are each a text (split into paragraphs at newlines, then into sentences) or a
    list of sentences used as they are. A list of lists is taken as paragraphs of sentences.
    ``encoder``, ``cache`` and ``cache_dir``: as :func:`named_encoder` (``cache=False`` is ``--no-cache``: the
    embedding and alignment caches are neither read nor written).
    ``options`` are the search parameters of :class:`aligner.search.SearchParams` (``max_bead`` …).
    """
    check_languages(src_lang=src_lang, tgt_lang=tgt_lang, src_locale=src_locale)
    src, src_lang = _sentences(zh, src_lang, "zh")
    tgt, tgt_lang = _sentences(en, tgt_lang, "en")
    return align_sentences(src, tgt, encoder=named_encoder(encoder, cache, cache_dir), src_lang=src_lang,
                           tgt_lang=tgt_lang, src_locale=src_locale, progress=progress, cache=cache, **options)


def named_encoder(encoder: Encoder | str | None, cache: bool = True,
                  cache_dir: str | os.PathLike | None = None, default: str | None = None) -> Encoder:
    """The encoder an API caller means. A name (None: ``default``, else the default encoder) is built by
    :func:`aligner.get_encoder` with ``cache`` and ``cache_dir``; an encoder object is used as it is (it keeps
    its own cache, so ``cache_dir`` is refused with it)."""
    if encoder is None or isinstance(encoder, str):
        return get_encoder(encoder or default, cache=cache, cache_dir=cache_dir)
    if cache_dir is not None:
        raise ValueError("cache_dir applies to an encoder given by name; an encoder object keeps its own cache "
                         "(aligner.get_encoder(name, cache_dir=...))")
    return resolve_encoder(encoder)


def check_languages(**tags: str | None) -> None:
    """Each given tag (``src_lang="zh"``…) is shaped like a language tag; ValueError naming the argument."""
    for what, value in tags.items():
        if value is not None:
            language_tag(value, what)


@simplified_memo()  # the encoder and the dictionary convert the same sentences; forgotten when the alignment is done
def align_sentences(
    src: list[Sentence],
    tgt: list[Sentence],
    *,
    encoder: Encoder | str | None,
    src_lang: str,
    tgt_lang: str,
    src_locale: str | None = None,
    progress: bool = False,
    cache: bool = True,
    **options,
) -> Alignment:
    """Align two already segmented documents; ``cache=False``: the alignment cache beside a cached encoder is
    neither read nor written."""
    check_languages(src_lang=src_lang, tgt_lang=tgt_lang, src_locale=src_locale)
    if not src or not tgt:
        raise InputError("nothing to align: one side has no sentences")
    encoder = resolve_encoder(encoder)
    params = SearchParams(**{**pair_defaults(src_lang, tgt_lang), **options})
    signature = make_signature(encoder_signature(encoder),
                               {**params.as_dict(), "src_lang": src_lang, "tgt_lang": tgt_lang})
    checked = CheckedEncoder(encoder)  # one for both sides, so both have the same width
    src_embed = EmbeddingSource(checked, [s.text for s in src], src_lang, progress)
    tgt_embed = EmbeddingSource(checked, [s.text for s in tgt], tgt_lang, progress)
    store = ResultStore.beside(encoder) if cache else None
    key = result_key(signature, src, tgt) if store else ""
    found = store.get(key, len(src), len(tgt)) if store else None
    if found is None:
        found = _search(src, tgt, src_embed, tgt_embed, params)
        check_beads(found[0], len(src), len(tgt))  # the last guard: no output covers less than the input
        if store:
            store.put(key, *found)
    beads, calibrated = found
    if calibrated:
        signature["calibrated"] = calibrated
    return Alignment(
        zh=src, en=tgt, beads=beads, src_lang=src_lang, tgt_lang=tgt_lang,
        src_locale=src_locale or _locale(src, src_lang), tgt_locale=_locale(tgt, tgt_lang),
        signature=signature, src_vectors=src_embed.sentence_vectors(), tgt_vectors=tgt_embed.sentence_vectors(),
    )


def review(alignment: Alignment, encoder: Encoder | str | None = None, params=None, *, progress: bool = False,
           cache: bool = True, cache_dir: str | os.PathLike | None = None):
    """``aligner review`` as a function: the :class:`aligner.Review` of what the translation leaves out of
    ``alignment`` (:func:`aligner.omissions.review`), read from or stored in the review cache that the CLI
    uses, beside the embedding cache.

    ``encoder`` embeds clauses; it must be the encoder the alignment was made with (by default the one named
    in its signature). Given by name (or None), it is built with ``cache`` and ``cache_dir`` as
    :func:`aligner.get_encoder` builds it; an encoder object is used as it is (an uncached one has no review
    cache). ``cache=False`` neither reads nor writes the caches (``--no-cache``). ``params``: the review's
    :class:`aligner.ReviewParams`; ``progress``: its steps on standard error. A review read from the cache
    has no ``similarity``; :func:`aligner.report.render_html` draws its heatmap from the alignment's sentence
    vectors.
    """
    from .omissions import _encoder_name
    from .review_cache import ReviewSource

    check_alignment(alignment)
    encoder = named_encoder(encoder, cache, cache_dir, default=_encoder_name(alignment))
    return ReviewSource(encoder, params, progress, cache=cache)(alignment)


def review_encoder(alignment: Alignment, encoder: Encoder | str | None,
                   recorded: Callable[[Alignment], str | None]) -> Encoder:
    """Check what :func:`aligner.review` was given and return the encoder to review with: ``encoder`` (by
    default ``recorded(alignment)``, the one the alignment names), its outputs checked to have the width of
    the alignment's sentence vectors, which are checked too (and normalised in place)."""
    check_alignment(alignment)
    for side, sentences in (("zh", alignment.zh), ("en", alignment.en)):
        _refuse_surrogates([s.text for s in sentences], f"alignment.{side}", lambda k: f"[{k}].text")
    if encoder is None or (isinstance(encoder, str) and not encoder):
        encoder = recorded(alignment)
    encoder = resolve_encoder(encoder)
    dim = None
    for attr, sentences in (("src_vectors", alignment.zh), ("tgt_vectors", alignment.en)):
        vectors = getattr(alignment, attr)
        if vectors is not None:
            vectors = check_vectors(vectors, len(sentences), f"{encoder.name} (alignment.{attr})", dim)
            dim = vectors.shape[1]
            setattr(alignment, attr, vectors)
    return CheckedEncoder(encoder, dim)


def _search(src: list[Sentence], tgt: list[Sentence], src_embed: EmbeddingSource, tgt_embed: EmbeddingSource,
            params: SearchParams) -> tuple[list[Bead], dict[str, float]]:
    """The beads, and the parameters calibration changed (skip, skip_run, merge_penalty) with their values."""
    warm_for(len(src), len(tgt))  # a long document's compiled search loads while the sentences are embedded
    with settled() as settle:
        # The dictionary's lookups and the quotation marks need no vectors: made in a thread while the sentences
        # are embedded (the encoder leaves part of a core idle; its Chinese conversion is shared,
        # simplified_memo), except in long documents, whose temporaries would then add up (+25 MiB at 140,000
        # sentences)
        if len(src) + len(tgt) < OVERLAP_SENTENCES:
            with ThreadPoolExecutor(1, thread_name_prefix="aligner-terms") as pool:
                terms = pool.submit(contextvars.copy_context().run, _text_terms, src_embed, tgt_embed, params)
                embed_sentences([src_embed, tgt_embed])
                lexical, quotes = terms.result()
        else:
            lexical, quotes = _text_terms(src_embed, tgt_embed, params)
            release_freed(len(src) + len(tgt))  # the lookups' temporaries, under the search's peak
            embed_sentences([src_embed, tgt_embed])
        settle()  # the sentences' records and vectors live as long as the search
        path, used = align_embeddings(src_embed, tgt_embed, params,
                                      src_lengths=_lengths(src), tgt_lengths=_lengths(tgt),
                                      lexical=lexical, quotes=quotes, progress=src_embed.progress)
    calibrated = {k: round(getattr(used, k), 6) for k in ADAPTED if getattr(used, k) != getattr(params, k)}
    return [Bead(tuple(b.src), tuple(b.tgt), round(float(b.score), 4)) for b in path], calibrated


def _text_terms(src: EmbeddingSource, tgt: EmbeddingSource, params: SearchParams) -> tuple:
    """The search's terms read from the texts alone: each side's dictionary count vectors (None where the
    pair has no dictionary or its weight is 0) and the quotation marks (None without dialogue terms). The
    target side first: beside the embedding, the encoder converts the Chinese source meanwhile, which the
    dictionary then reads."""
    lexical = None
    if params.lexical_weight > 0 and (translates(src.lang, tgt.lang) or translates(tgt.lang, src.lang)):
        target = lexical_vectors(tgt.texts, tgt.lang)
        lexical = (lexical_vectors(src.texts, src.lang), target)
    quotes = dialogue(src.texts, tgt.texts) if any(params.dialogue_weights()) else None
    return lexical, quotes


def _sentences(doc: object, lang: str | None, arg: str) -> tuple[list[Sentence], str]:
    """A document (the argument ``arg`` of align) as sentences, and its language (``lang``, or detected here)."""
    if isinstance(doc, str):
        _refuse_surrogates(doc.splitlines(), arg, lambda k: f" line {k + 1}")
        lang = lang or detect_language(doc)
        return segment([line.strip() for line in doc.splitlines() if line.strip()], lang), lang
    if not isinstance(doc, Sequence) or isinstance(doc, (bytes, bytearray, Mapping)):
        raise TypeError(f"align() takes for {arg} {_TEXT_ARG}; got {type(doc).__name__}")
    items = list(doc)
    if not items:
        raise InputError(f"{arg}: nothing to align (an empty list); pass {_TEXT_ARG}")
    nested = all(isinstance(p, (list, tuple)) for p in items)
    paragraphs = [list(p) for p in items] if nested else [items]
    for p, para in enumerate(paragraphs):
        for k, s in enumerate(para):
            if not isinstance(s, str):
                where = f"{arg}[{p}][{k}]" if nested else f"{arg}[{k}]"
                raise TypeError(f"align() takes for {arg} {_TEXT_ARG}; {where} is a {type(s).__name__}")
        _refuse_surrogates(para, arg, (lambda k, p=p: f"[{p}][{k}]") if nested else (lambda k: f"[{k}]"))
    sentences = presegmented(paragraphs)
    if not sentences:
        raise InputError(f"{arg}: nothing to align (only empty paragraphs); pass {_TEXT_ARG}")
    return sentences, lang or detect_language(" ".join(s.text for s in sentences[:400]))


def _refuse_surrogates(texts: list[str], arg: str, where) -> None:
    """InputError naming the first text (``arg`` + ``where(index)``) holding a lone surrogate."""
    for k, text in enumerate(texts):
        found = _SURROGATE.search(text)
        if found:
            raise InputError(f"{arg}{where(k)} holds a lone surrogate (U+{ord(found.group()):04X}) at character "
                             f"{found.start()}, which is not valid Unicode; pass text decoded from real UTF-8")


def _lengths(sentences: list[Sentence]) -> np.ndarray:
    return np.array([max(1, len(s.text)) for s in sentences], dtype=np.float64)


def _locale(sentences: list[Sentence], lang: str) -> str:
    if lang == "zh":
        return chinese_locale("".join(s.text for s in sentences[:2000]))
    return lang


def read_pair(zh_path: str, en_path: str | None = None, *, presplit: bool = False, input_format: str | None = None,
              src_lang: str | None = None, tgt_lang: str | None = None, max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
              ) -> tuple[list[Sentence], list[Sentence], str, str, list[str]]:
    """Read and segment two files (either may be ``-``, standard input, but not both), or one file holding
    both languages (``en_path`` None: an XLIFF or TMX file, or a document in two languages); returns the
    sentences, the languages, and notes for the user. Each file is refused above ``max_bytes``. The format
    is taken from the extension, or ``input_format`` (see :data:`aligner.readers.READERS`)."""
    from .readers import format_of, read_sides
    from .readers.source import STDIN, display_name

    check_languages(src_lang=src_lang, tgt_lang=tgt_lang)
    format_of(zh_path, input_format)  # a bad input_format is a ValueError before anything is read
    if zh_path == en_path == STDIN:
        raise InputError("both inputs are '-': standard input can be only one of them")
    notes = []
    sides = []
    for (name, doc), lang in zip(read_sides(zh_path, en_path, input_format=input_format, presplit=presplit,
                                            max_bytes=max_bytes), (src_lang, tgt_lang)):
        if doc.encoding not in (None, "utf-8", "utf-8-sig"):
            notes.append(f"{display_name(doc.path)}: read as {doc.encoding}")
        text = "\n".join(doc.paragraphs[:200])
        # Without letters (digits, punctuation, emoji) or in a script detection cannot tell apart
        # (Arabic), detection said "en" and the error blamed "the same language".
        if not (has_detectable_text(text) if lang is None else any(ch.isalpha() for ch in text)):
            raise InputError(f"{name}: no text in a language we can align (only digits, punctuation, symbols"
                             + (" or an unsupported script; give its language with --src-lang/--tgt-lang if it "
                                "is text)" if lang is None else ")"))
        detected = detect_language(text)
        lang = lang or detected
        sentences = presegmented(doc.presplit) if doc.presplit is not None else segment(doc.paragraphs, lang)
        if not sentences:
            raise InputError(f"{name}: no sentences found")
        if doc.timings is not None:  # subtitles: each cue is one sentence and paragraph, its timing kept
            sentences = [replace(s, timing=doc.timings[s.paragraph]) for s in sentences]
        sides.append((sentences, lang, detected, name))
    (src, sl, src_detected, src_name), (tgt, tl, tgt_detected, tgt_name) = sides
    names = f"{src_name} and {tgt_name}"
    # zh -> en is the default direction: an unlabelled pair read as Chinese *into* another language is almost
    # surely two files in the wrong order (it put the English in the TMX source and the review's Chinese column).
    if tgt_detected == "zh" != src_detected and not (src_lang or tgt_lang):
        raise SwappedInputError(f"{names}: the first file looks {language_name(src_detected)} and the second Chinese; "
                         "give the Chinese file first (--swap exchanges them), or set --src-lang and --tgt-lang "
                         f"to align {src_detected} into zh")
    if src_detected == tgt_detected and not (src_lang and tgt_lang):
        raise InputError(f"{names}: both files look like the same language ({src_detected}); "
                         "give the source text and its translation (or set both --src-lang and --tgt-lang)")
    if sl == tl:  # set so by --src-lang/--tgt-lang: advising to set them, as above, is no help
        raise InputError(f"{names}: source and target are both {sl}; give a text and its translation "
                         "in two languages")
    src_how, tgt_how = ("given" if lang else "detected" for lang in (src_lang, tgt_lang))
    notes.append(f"languages {sl} → {tl} ({src_how})" if src_how == tgt_how
                 else f"languages {sl} ({src_how}) → {tl} ({tgt_how})")
    return src, tgt, sl, tl, list(dict.fromkeys(notes))  # one file's note once, when it holds both sides


def align_files(zh_path: str, en_path: str | None = None, *, presplit: bool = False, input_format: str | None = None,
                encoder: Encoder | str | None = None, src_lang: str | None = None, tgt_lang: str | None = None,
                src_locale: str | None = None, progress: bool = False, cache: bool = True,
                cache_dir: str | os.PathLike | None = None, **options) -> Alignment:
    """``aligner align`` as a function: read, segment and align two files, or one holding both languages
    (``en_path`` None), in any input format (:func:`read_pair`); ``encoder``, ``cache``, ``cache_dir`` as
    :func:`align`."""
    src, tgt, sl, tl, _ = read_pair(zh_path, en_path, presplit=presplit, input_format=input_format,
                                    src_lang=src_lang, tgt_lang=tgt_lang)
    return align_sentences(src, tgt, encoder=named_encoder(encoder, cache, cache_dir), src_lang=sl, tgt_lang=tl,
                           src_locale=src_locale, progress=progress, cache=cache, **options)


def apply_corrections(alignment: Alignment, corrections) -> Alignment:
    """``aligner apply`` as a function: ``alignment`` with the edits of a corrections file (its path, its
    parsed JSON, or a :class:`aligner.corrections.Corrections`) applied. InputError when the file is not
    valid, was made for other documents or an edit does not fit; the given alignment is not changed."""
    from .corrections import Corrections, apply_edits, load_corrections, parse_corrections

    if isinstance(corrections, str):
        corrections = load_corrections(corrections)
    elif not isinstance(corrections, Corrections):
        corrections = parse_corrections(corrections)
    return apply_edits(alignment, corrections)
