"""English pieces that carry a Chinese text away from its place: content a translator moved.

A piece (an English sentence, clause or pair of clauses, as :func:`~aligner.omissions.detect.en_pieces`
gives them) carries a Chinese sentence or clause when it matches it as a translation does and better than
it matches the Chinese of its own bead: the margin says whether the piece was written for this text or for
its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..model import Alignment
from .detect import CARRIED_AT, PairCalibration, en_pieces
from .embed import Embedder
from .model import Flag

# A piece carries a text when it matches it better than it matches its own bead's Chinese by this many
# calibration units (and at least as a translation does). Chosen on synthetic moves and deletions of the
# fitting seeds (``scripts/bench_omissions.py``: English sentences moved 3-15 sentences away into another
# sentence); see docs/omissions.md for what it gains and costs.
MOVED_MARGIN = 1.25
# Clauses are looked for only in the English sentences just before and after their bead's: content the
# search put in the neighbouring bead. Further away, the Bible's recurring formulae carried 4% of the
# deleted clauses (5%: recall 0.660 -> 0.621 at 20 sentences, 0.647 at 2, 0.655 at 1).
CLAUSE_REACH = 1


@dataclass(frozen=True)
class Carrier:
    cosine: float  # of the Chinese text with the piece
    sentence: int  # the English sentence holding the piece
    piece: str
    margin: float  # cosine less the piece's best cosine with a Chinese sentence of its own bead

    def carries(self, cal: PairCalibration, scale: float) -> bool:
        """Whether the piece carries the text: it matches it as a translation does (``CARRIED_AT`` of the
        way from a near miss to a typical aligned pair), and better than its own bead's Chinese by
        ``MOVED_MARGIN`` calibration units (a high margin alone can mean only that the piece's own Chinese
        is missing)."""
        return cal.carried(self.cosine) >= CARRIED_AT and self.margin >= MOVED_MARGIN * scale

    def record(self, zh_sentence: int, cal: PairCalibration, scale: float) -> dict:
        """The review's ``moved`` record (plain types: it goes into the JSON output)."""
        return {"side": "zh", "sentence": zh_sentence, "matches": self.sentence,
                "carried": round(cal.carried(self.cosine), 3), "en": self.piece,
                "margin": round(self.margin / scale, 3)}


class Carriers:
    """Finds, among given English sentences, the piece that best carries a Chinese text. English sentences
    whose bead has no Chinese (additions) carry nothing of the Chinese and are skipped."""

    def __init__(self, alignment: Alignment, embedder: Embedder):
        self.alignment = alignment
        self.embedder = embedder
        self.bead_of = {j: k for k, b in enumerate(alignment.beads) if b.zh for j in b.en}
        self.S = np.asarray(alignment.src_vectors)

    def want(self, sentences: list[int]) -> None:
        """Ask the embedder for the pieces of these English sentences (embedded at its next ``run``)."""
        for j in sentences:
            if j in self.bead_of:
                for p in en_pieces([self.alignment.en[j].text]):
                    self.embedder.want("tgt", p)

    def find(self, jobs: list[tuple[np.ndarray, list[int]]], cal: PairCalibration, scale: float
             ) -> list[Carrier | None]:
        """For each ``(vector, sentences)``, a unit Chinese vector and the English sentences to search, the
        piece that carries it (:meth:`Carrier.carries`), or None."""
        for _, sentences in jobs:
            self.want(sentences)
        self.embedder.run()
        found = [self.best(vector, sentences) for vector, sentences in jobs]
        return [c if c and c.carries(cal, scale) else None for c in found]

    def best(self, vector: np.ndarray, sentences: list[int]) -> Carrier | None:
        """The piece of ``sentences`` most similar to ``vector`` (a unit Chinese vector), with its margin."""
        best = None
        for j in sentences:
            if j not in self.bead_of:
                continue
            texts = en_pieces([self.alignment.en[j].text])
            pieces = np.stack([self.embedder("tgt", p) for p in texts])
            pieces /= np.maximum(np.linalg.norm(pieces, axis=1, keepdims=True), 1e-9)
            cos = pieces @ vector
            t = int(np.argmax(cos))
            if best is None or cos[t] > best.cosine:
                own = list(self.alignment.beads[self.bead_of[j]].zh)
                rival = float((self.S[own] @ pieces[t]).max())
                best = Carrier(float(cos[t]), j, texts[t], float(cos[t]) - rival)
        return best


def clauses_moved(alignment: Alignment, flags: list[Flag], embedder: Embedder, cal: PairCalibration,
                  scale: float) -> list[dict]:
    """Of the clause flags, those whose clause an English piece of the sentences just outside the bead
    (``CLAUSE_REACH``) carries: content the search or the translator put in the neighbouring sentence.
    Their records (the clause as ``zh``, with its ``span``) are returned; the caller drops those flags.
    The clauses were embedded when they were scored (:func:`~aligner.omissions.detect.score_units`)."""
    flags = [f for f in flags if alignment.beads[f.bead].en]
    jobs = []
    for f in flags:
        en = alignment.beads[f.bead].en
        lo, hi = max(0, min(en) - CLAUSE_REACH), min(len(alignment.en), max(en) + CLAUSE_REACH + 1)
        v = embedder("src", f.zh)
        jobs.append((v / max(1e-9, float(np.linalg.norm(v))), [j for j in range(lo, hi) if j not in en]))
    found = Carriers(alignment, embedder).find(jobs, cal, scale)
    return [{**c.record(f.zh_sentence, cal, scale), "zh": f.zh, "span": list(f.span)}
            for f, c in zip(flags, found) if c]
