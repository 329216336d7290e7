"""The review outputs, ``PREFIX.review.json`` and ``PREFIX.review.html``, as exporters so that
``aligner align --formats`` can write them atomically along with the others."""

from __future__ import annotations

import json
from typing import Callable

from ..model import Alignment
from .base import Exporter, Rated, encode_text

ReviewProvider = Callable[[Alignment], object]  # alignment -> Review, computed once for both files


class _ReviewExporter(Exporter):
    def __init__(self, provider: ReviewProvider):
        self.provider = provider


class ReviewJsonExporter(_ReviewExporter):
    name = "review-json"
    extension = "review.json"

    def render(self, alignment: Alignment, confidence: Rated = None) -> bytes:
        data = self.provider(alignment).to_dict()
        return encode_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n")


class ReviewHtmlExporter(_ReviewExporter):
    name = "review-html"
    extension = "review.html"

    def render(self, alignment: Alignment, confidence: Rated = None) -> bytes:
        from ..report import render_html

        return encode_text(render_html(self.provider(alignment)))


REVIEW_EXPORTERS = {cls.name: cls for cls in (ReviewJsonExporter, ReviewHtmlExporter)}


def review_provider(encoder=None, params=None, progress: bool = False) -> ReviewProvider:
    """A provider that reviews each alignment once, however many review files are written. ``params``: the
    review's :class:`~aligner.omissions.ReviewParams` (its defaults by default); ``progress``: the review's
    progress on standard error."""
    cache: dict[int, tuple[Alignment, object]] = {}

    def provide(alignment: Alignment):
        hit = cache.get(id(alignment))
        if hit is None or hit[0] is not alignment:
            from ..review_cache import cached_review

            hit = cache[id(alignment)] = (alignment, cached_review(alignment, encoder, params, progress))
        return hit[1]

    return provide
