"""Reviews remembered on disk beside the alignments (:mod:`.result_cache`), so reviewing the same alignment
again costs only reading the inputs and writing the report. The CLI, the batch and :func:`aligner.review`
share it (:class:`ReviewSource`).

The key covers the package version (in the alignment's signature), a fingerprint of the review code (the
omissions package with its fitted models, the confidence model, lexicon and heatmap modules) and of the heatmap's
drawing library, the alignment (signature, sentences with their paragraphs, beads), the encoder signature
and the review parameters. The entry holds what the review found (flags, paragraphs, moved content,
summary, settings) and, once a review page has been written, the heatmap PNG; an entry that fails the
checks a review must pass (truncated, edited, an index out of range) is recomputed and overwritten, with one
warning.
"""

from __future__ import annotations

import base64
import binascii
import math
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path

from .encoders import Encoder, encoder_signature
from .errors import InputError
from .model import Alignment
from .omissions import KINDS, Flag, Moved, ParagraphReport, Review, ReviewParams
from .result_cache import JsonStore, code_fingerprint, content_key, search_code_files, sentence_key
from .segment.chinese import simplified_memo

_PNG = b"\x89PNG\r\n\x1a\n"


def review_code_files() -> list[Path]:
    """The code and data a stored review depends on, beyond the search's (which made its alignment)."""
    here = Path(__file__).parent
    omissions = sorted(p for p in (here / "omissions").rglob("*") if p.suffix in (".py", ".json"))
    own = [here / name for name in ("confidence.py", "model.py", "report/heatmap.py")]
    return search_code_files() + omissions + own + sorted((here / "models").glob("*.json"))


def review_key(alignment: Alignment, encoder: Encoder, params: ReviewParams) -> str:
    beads = [[list(b.zh), list(b.en), b.score] for b in alignment.beads]
    return content_key(code_fingerprint(tuple(review_code_files())), version("matplotlib"), alignment.signature,
                       sentence_key(alignment.zh), sentence_key(alignment.en), beads, encoder_signature(encoder),
                       params.as_dict())


def _index(value: object, size: int, what: str, optional: bool = True) -> None:
    if value is None and optional:
        return
    if type(value) is not int or not 0 <= value < size:
        raise InputError(f"{what} {value!r} is not an index below {size}")


def _number(value: object, what: str) -> None:
    if type(value) not in (int, float) or not math.isfinite(value):
        raise InputError(f"{what} {value!r} is not a finite number")


def _span(span: object, text: str, what: str) -> tuple[int, int] | None:
    if span is None:
        return None
    if not isinstance(span, list) or len(span) != 2 or not all(type(x) is int for x in span) \
            or not 0 <= span[0] <= span[1] <= len(text):
        raise InputError(f"{what} span {span!r} does not lie in its sentence")
    return span[0], span[1]


def _flag(data: dict, alignment: Alignment) -> Flag:
    flag = Flag(**data)
    if flag.kind not in KINDS or not isinstance(flag.reason, str) or not isinstance(flag.zh, str) \
            or not isinstance(flag.en, str):
        raise InputError(f"flag {data!r} has a wrong kind or text")
    _number(flag.confidence, "flag confidence")
    _index(flag.zh_sentence, len(alignment.zh), "flag zh_sentence")
    _index(flag.en_sentence, len(alignment.en), "flag en_sentence")
    _index(flag.bead, len(alignment.beads), "flag bead")
    for side, sentences in (("zh", alignment.zh), ("en", alignment.en)):
        _index(getattr(flag, f"{side}_paragraph"), sentences[-1].paragraph + 1, f"flag {side}_paragraph")
    text = alignment.zh[flag.zh_sentence].text if flag.zh_sentence is not None else ""
    flag.span = _span(flag.span, text, "flag")
    return flag


def _moved(data: dict, alignment: Alignment) -> Moved:
    sides = {"zh": alignment.zh, "en": alignment.en}
    if data.get("side") not in sides:
        raise InputError(f"moved record {data!r} has no side zh or en")
    mine, other = sides[data["side"]], sides["en" if data["side"] == "zh" else "zh"]
    _index(data["sentence"], len(mine), "moved sentence", optional=False)
    _index(data["matches"], len(other), "moved matches", optional=False)
    _number(data["carried"], "moved carried")
    if data.get("margin") is not None:
        _number(data["margin"], "moved margin")
    if not all(isinstance(data.get(k), (str, type(None))) for k in ("en", "zh")):
        raise InputError(f"moved record {data!r} has a text that is not a string")
    span = _span(data.get("span"), mine[data["sentence"]].text, "moved")
    return Moved(**{**data, "span": span})


def _paragraph(data: dict, alignment: Alignment) -> ParagraphReport:
    report = ParagraphReport(**data)
    _index(report.en_paragraph, alignment.en[-1].paragraph + 1, "paragraph en_paragraph", optional=False)
    for k in report.zh_paragraphs:
        _index(k, alignment.zh[-1].paragraph + 1, "paragraph zh_paragraphs", optional=False)
    for k in report.zh_sentences:
        _index(k, len(alignment.zh), "paragraph zh_sentences", optional=False)
    for name in ("zh_chars", "missing_chars", "missing_share", "confidence"):
        _number(getattr(report, name), f"paragraph {name}")
    if type(report.flagged) is not bool:
        raise InputError(f"paragraph flagged {report.flagged!r} is not true or false")
    return report


def _heatmap(png: object) -> str | None:
    if png is not None and (not isinstance(png, str) or not base64.b64decode(png, validate=True).startswith(_PNG)):
        raise InputError("the heatmap is not a base64 PNG")
    return png


class ReviewStore(JsonStore):
    subfolder = "reviews"
    what = "review"

    def get(self, key: str, alignment: Alignment) -> Review | None:
        """The review of ``alignment`` stored under ``key``, or None (nothing stored, or an entry that fails
        the checks)."""
        def parse(data) -> Review:
            if not isinstance(data["summary"], dict) or not isinstance(data["settings"], dict):
                raise InputError("the summary or the settings are not objects")
            try:
                heatmap = _heatmap(data["heatmap"])
            except binascii.Error as exc:
                raise InputError(f"the heatmap is not base64 ({exc})") from exc
            return Review(alignment, [_flag(f, alignment) for f in data["flags"]],
                          [_paragraph(p, alignment) for p in data["paragraphs"]], data["summary"],
                          [_moved(m, alignment) for m in data["moved"]], settings=data["settings"], heatmap=heatmap)

        return self.load(key, parse)

    def put(self, key: str, review: Review) -> None:
        self.save(key, {"flags": [f.to_dict() for f in review.flags],
                        "paragraphs": [asdict(p) for p in review.paragraphs],
                        "moved": [m.to_dict() for m in review.moved], "summary": review.summary,
                        "settings": review.settings, "heatmap": review.heatmap})


class ReviewSource:
    """Reviews (:func:`aligner.omissions.review`) through the review store beside ``encoder``'s cache (none
    for an encoder without one, or with ``cache`` False: ``--no-cache``), each alignment reviewed once however
    many outputs read it. ``params``: the review's; ``progress``: the review's, when it is computed.

    The heatmap (a second or two of matplotlib) is drawn only when asked for (the HTML page shows it, the JSON
    does not) and then stored with the review; a stored review without one gets it drawn and its entry updated.
    """

    def __init__(self, encoder: Encoder | None, params: ReviewParams | None = None, progress: bool = False,
                 cache: bool = True):
        if params is not None and not isinstance(params, ReviewParams):
            raise TypeError(f"params must be a ReviewParams, not {type(params).__name__}")
        self.encoder, self.params, self.progress = encoder, params, progress
        self.store = ReviewStore.beside(encoder) if cache else None
        self._done: dict[int, tuple[Alignment, str, Review]] = {}  # id(alignment) -> (alignment, key, review)

    def __call__(self, alignment: Alignment, *, heatmap: bool = False) -> Review:
        from .omissions import review

        hit = self._done.get(id(alignment))
        if hit is None or hit[0] is not alignment:
            key = review_key(alignment, self.encoder, self.params or ReviewParams()) if self.store else ""
            found = self.store.get(key, alignment) if self.store else None
            if found is None:
                with simplified_memo():  # its judges read the same sentences and clauses in Simplified
                    found = review(alignment, encoder=self.encoder, params=self.params, progress=self.progress)
                if heatmap:  # drawn before the entry is stored: one write
                    found.heatmap = self._heatmap(found)
                if self.store:
                    self.store.put(key, found)
            hit = self._done[id(alignment)] = (alignment, key, found)
        _, key, found = hit
        if heatmap and found.heatmap is None:
            found.heatmap = self._heatmap(found)
            if self.store and found.heatmap is not None:
                self.store.put(key, found)
        return found

    def _heatmap(self, found: Review) -> str | None:
        """The review's heatmap, drawn from its similarities, else from the alignment's sentence vectors (a
        stored review), embedded here if the alignment has none (one read from a JSON file)."""
        from .report.heatmap import heatmap_of

        alignment = found.alignment
        if found.similarity is None and (alignment.src_vectors is None or alignment.tgt_vectors is None):
            from .omissions import _encoder_name
            from .omissions.context import _sentence_vectors
            from .omissions.embed import Embedder
            from .api import review_encoder

            encoder = review_encoder(alignment, self.encoder, _encoder_name)
            _sentence_vectors(alignment, Embedder(encoder, alignment.src_lang, alignment.tgt_lang))
        return heatmap_of(found)
