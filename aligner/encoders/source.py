"""What the search embeds: one side's sentences, and runs of consecutive sentences on demand."""

from __future__ import annotations

from contextlib import ExitStack

import numpy as np

from ..model import join_sentences, unspaced
from ..segment.chinese import to_simplified_many
from .base import CheckedEncoder, encode_groups, groups_throughout
from .use_runs import SentenceStates, recording, recording_groups

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
        return _encode(self.encoder, prepared, f"embedding ({self.lang})", unit, self.progress)

    def sentence_vectors(self) -> np.ndarray:
        if self._sentences is None:
            embed_sentences([self])
        return self._sentences

    def pieces(self, texts: list[str]) -> np.ndarray:
        """Embeddings of pieces of this side's sentences (clauses: search.recut), prepared as they are."""
        return embed_sides("pieces", [(self, texts)])[0]

    def runs(self, spans: list[tuple[int, int]]) -> np.ndarray:
        """Embeddings of the concatenated sentences ``texts[start:end]`` for each span. Not remembered here:
        the search keeps each run it asks for, and a second copy of a book's runs is megabytes."""
        return embed_sides("runs", [(self, spans)])[0]

    def both(self, other: EmbeddingSource, method: str, asks: tuple[list, list]) -> list[np.ndarray]:
        """``self.method(asks[0])`` and ``other.method(asks[1])`` (``method``: "runs" or "pieces"), in one
        encoder call where the two share their encoder (:func:`embed_sides`)."""
        if other.encoder is not self.encoder:
            return [getattr(self, method)(asks[0]), getattr(other, method)(asks[1])]
        return embed_sides(method, [(self, asks[0]), (other, asks[1])])

    def _runs_plan(self, spans: list[tuple[int, int]]) -> tuple[list[str], list[tuple[int, int]]]:
        """The texts to embed for :meth:`runs` (each distinct span of two sentences or more, joined, in
        order) and those spans."""
        self.sentence_vectors()
        wide = sorted({s for s in spans if s[1] - s[0] > 1})
        return prepare_texts([join_sentences(self.texts[a:b], self.lang) for a, b in wide], self.lang), wide

    def _runs_of(self, spans: list[tuple[int, int]], wide: list[tuple[int, int]],
                 vectors: np.ndarray) -> np.ndarray:
        """The vectors of ``spans`` from the sentences' and the embedded ``wide`` runs'."""
        sentences = self.sentence_vectors()
        if not wide:
            return np.stack([sentences[a] for a, _ in spans]) if spans \
                else np.zeros((0, sentences.shape[1]), dtype=np.float32)
        if list(spans) == wide:  # what the search asks: distinct runs, in order
            return vectors
        found = dict(zip(wide, vectors))
        return np.stack([sentences[a] if b - a == 1 else found[(a, b)] for a, b in spans])


def embed_sentences(sources: list[EmbeddingSource]) -> None:
    """The sentences of each source not embedded yet, those of sources sharing their encoder in one call
    (:func:`.base.encode_groups`: the sides of a short document then share the encoder's threads), each
    recorded into its own source's states; one call each where a side shows a progress bar (over
    _PROGRESS_BATCH sentences: a call gives the bar nothing to show until it returns), or where a wrapper in
    the encoder's chain would split the grouped call into calls that record into both sides' states."""
    todo = [source for source in dict.fromkeys(sources) if source._sentences is None]
    for source in todo:
        source._prepared = prepare_texts(source.texts, source.lang)
    first = todo[0] if todo else None
    shared = len(todo) > 1 and all(source.encoder is first.encoder for source in todo)
    if shared and groups_throughout(first.encoder) and not (first.progress and max(map(len, todo)) > _PROGRESS_BATCH):
        with recording_groups(first.encoder, [source._states for source in todo]):
            vectors = encode_groups(first.encoder, [source._prepared for source in todo])
        for source, own in zip(todo, vectors):
            source._sentences = own
    else:
        for source in todo:
            with recording(source.encoder, source._states):
                source._sentences = source._encode(source._prepared)
    for source in todo:
        source._states.records = False  # the runs are composed from these records, not recorded


def embed_sides(method: str, asks: list[tuple[EmbeddingSource, list]]) -> list[np.ndarray]:
    """Each source's runs (``method`` "runs": spans of its sentences) or pieces of its sentences ("pieces":
    texts), all in one call of the encoder the sources share: each call streams the model's weights and
    starts its threads again, and the sides' runs are composed on the threads together (a small document's
    runs are one batch a side, which composed one after the other)."""
    plans = [source._runs_plan(items) if method == "runs" else (prepare_texts(items, source.lang), [])
             for source, items in asks]
    texts = [text for joined, _ in plans for text in joined]
    with ExitStack() as stack:
        for (source, _), (joined, wide) in zip(asks, plans):
            states = stack.enter_context(recording(source.encoder, source._states)) if wide else None
            if states is not None:  # composed from the sentences where the encoder can
                states.runs.update((text, tuple(source._prepared[a:b])) for text, (a, b) in zip(joined, wide))
        first = asks[0][0]
        label = f"embedding ({', '.join(source.lang for source, _ in asks)})"
        vectors = _encode(first.encoder, texts, label, "run" if method == "runs" else "clause", first.progress) \
            if texts else np.zeros((0, first.sentence_vectors().shape[1]), dtype=np.float32)
    out, at = [], 0
    for (source, items), (joined, wide) in zip(asks, plans):
        mine = vectors[at:at + len(joined)]
        at += len(joined)
        out.append(source._runs_of(items, wide, mine) if method == "runs" else mine)
    return out


def _encode(encoder: CheckedEncoder, prepared: list[str], label: str, unit: str, progress: bool) -> np.ndarray:
    """``prepared`` texts embedded; over _PROGRESS_BATCH of them with a progress bar (``label``, ``unit``)."""
    if progress and len(prepared) > _PROGRESS_BATCH:
        from ..progress import phase_bar

        parts = []
        bar = phase_bar(label, len(prepared), unit, True)
        for k in range(0, len(prepared), _PROGRESS_BATCH):
            parts.append(encoder.encode(prepared[k:k + _PROGRESS_BATCH]))
            bar.update(len(parts[-1]))
        bar.close()
        return np.concatenate(parts)
    return encoder.encode(prepared)
