"""The review outputs, ``PREFIX.review.json`` and ``PREFIX.review.html``, as exporters so that
``aligner align --formats`` can write them atomically along with the others."""

from __future__ import annotations

import json
from typing import Callable

from ..model import Alignment
from .base import Exporter, Rated, encode_text

# alignment -> Review, computed once for all the files that read it; ``heatmap=True``: with its heatmap drawn
ReviewProvider = Callable[..., object]


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

        return encode_text(render_html(self.provider(alignment, heatmap=True)))


REVIEW_EXPORTERS = {cls.name: cls for cls in (ReviewJsonExporter, ReviewHtmlExporter)}


def review_provider(encoder=None, params=None, progress: bool = False) -> ReviewProvider:
    """A provider that reviews each alignment once, however many review files are written, through the review
    cache beside ``encoder``'s (:class:`aligner.review_cache.ReviewSource`). ``params``: the review's
    :class:`~aligner.omissions.ReviewParams` (its defaults by default); ``progress``: the review's progress on
    standard error."""
    from ..review_cache import ReviewSource

    return ReviewSource(encoder, params, progress)
