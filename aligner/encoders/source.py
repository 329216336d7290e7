"""What the search embeds: one side's sentences, and runs of consecutive sentences on demand."""

from __future__ import annotations

import numpy as np

from ..model import join_sentences, unspaced
from ..segment.chinese import to_simplified_many
from .base import CheckedEncoder
from .use_runs import SentenceStates, recording

# The encoder never needs more than this; longer inputs only cost time.
MAX_ENCODER_CHARS = 2000
_PROGRESS_BATCH = 1000  # sentences embedded between progress updates


def prepare_texts(texts: list[str], lang: str) -> list[str]:
    """Sentences as the encoder is given them: cut to MAX_ENCODER_CHARS, Chinese in Simplified characters
    (converted together, each distinct text once)."""
    cut = [t[:MAX_ENCODER_CHARS] for t in texts]
    return to_simplified_many(cut) if lang == "zh" else cut


class EmbeddingSource:
    """Embeddings of one side's sentences and of runs of consecutive sentences, computed on demand.

    Runs are embedded when asked for, so the search pays only for the candidates it looks at.
    ``encoder`` is the CheckedEncoder both sides share: the search trusts the vectors it gives.
    """

    def __init__(self, encoder: CheckedEncoder, texts: list[str], lang: str, progress: bool = False):
        self.encoder = encoder
        self.progress = progress
        self.lang = lang
        self.texts = texts
        self._sentences: np.ndarray | None = None
        self._prepared: list[str] = []
        # what the encoder recorded of the sentences to compose runs from (USE only), for this document's life
        self._states = SentenceStates(abutting=unspaced(lang))

    def __len__(self) -> int:
        return len(self.texts)

    def _encode(self, prepared: list[str], unit: str = "sentence") -> np.ndarray:
        """``prepared`` texts embedded; ``unit`` names them in the progress line (sentences, or runs of them)."""
        if self.progress and len(prepared) > _PROGRESS_BATCH:
            from ..progress import phase_bar

            parts = []
            bar = phase_bar(f"embedding ({self.lang})", len(prepared), unit, True)
            for k in range(0, len(prepared), _PROGRESS_BATCH):
                parts.append(self.encoder.encode(prepared[k:k + _PROGRESS_BATCH]))
                bar.update(len(parts[-1]))
            bar.close()
            return np.concatenate(parts)
        return self.encoder.encode(prepared)

    def sentence_vectors(self) -> np.ndarray:
        if self._sentences is None:
            self._prepared = prepare_texts(self.texts, self.lang)
            with recording(self.encoder, self._states):
                self._sentences = self._encode(self._prepared)
        return self._sentences

    def pieces(self, texts: list[str]) -> np.ndarray:
        """Embeddings of pieces of this side's sentences (clauses: search.recut), prepared as they are."""
        return self._encode(prepare_texts(texts, self.lang), "clause")

    def runs(self, spans: list[tuple[int, int]]) -> np.ndarray:
        """Embeddings of the concatenated sentences ``texts[start:end]`` for each span. Not remembered here:
        the search keeps each run it asks for, and a second copy of a book's runs is megabytes."""
        sentences = self.sentence_vectors()
        wide = sorted({s for s in spans if s[1] - s[0] > 1})
        if not wide:
            return np.stack([sentences[a] for a, _ in spans]) if spans \
                else np.zeros((0, sentences.shape[1]), dtype=np.float32)
        joined = prepare_texts([join_sentences(self.texts[a:b], self.lang) for a, b in wide], self.lang)
        with recording(self.encoder, self._states) as states:
            if states is not None:  # composed from the sentences where the encoder can
                states.runs.update((text, tuple(self._prepared[a:b])) for text, (a, b) in zip(joined, wide))
            vectors = self._encode(joined, "run")
        if list(spans) == wide:  # what the search asks: distinct runs, in order
            return vectors
        found = dict(zip(wide, vectors))
        return np.stack([sentences[a] if b - a == 1 else found[(a, b)] for a, b in spans])
