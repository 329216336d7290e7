"""The data the pipeline passes along: sentences, beads and the alignment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator


@dataclass(frozen=True)
class Sentence:
    text: str
    paragraph: int  # 0-based paragraph index in its document


@dataclass(frozen=True)
class Bead:
    """One alignment unit: source (``zh``) and target (``en``) sentence indexes, 0-based."""

    zh: tuple[int, ...]
    en: tuple[int, ...]
    score: float = 0.0

    @property
    def type(self) -> str:
        return f"{len(self.zh)}-{len(self.en)}"

    @property
    def is_null(self) -> bool:
        return not self.zh or not self.en


@dataclass
class Alignment:
    """The result of aligning two documents.

    ``zh`` is the source side and ``en`` the target side, whatever the languages
    (``src_lang`` / ``tgt_lang`` say which they are).
    """

    zh: list[Sentence]
    en: list[Sentence]
    beads: list[Bead]
    src_lang: str = "zh"
    tgt_lang: str = "en"
    src_locale: str = "zh-CN"  # language tag for exports (zh-TW for Traditional input)
    tgt_locale: str = "en"
    signature: dict = field(default_factory=dict)
    # Sentence embeddings, kept for the review report and heatmap; not exported.
    src_vectors: Any = field(default=None, repr=False, compare=False)
    tgt_vectors: Any = field(default=None, repr=False, compare=False)

    def text(self, bead: Bead) -> tuple[str, str]:
        """The bead's source and target text, sentences joined as they would be read."""
        return (join_sentences([self.zh[i].text for i in bead.zh], self.src_lang),
                join_sentences([self.en[j].text for j in bead.en], self.tgt_lang))

    def pairs(self) -> Iterator[tuple[Bead, str, str]]:
        for bead in self.beads:
            zh, en = self.text(bead)
            yield bead, zh, en

    def paragraphs(self, bead: Bead) -> tuple[int | None, int | None]:
        """The paragraph of the bead's first source and first target sentence (None when that side is empty)."""
        return (self.zh[bead.zh[0]].paragraph if bead.zh else None,
                self.en[bead.en[0]].paragraph if bead.en else None)


def join_sentences(sentences: list[str], lang: str) -> str:
    """Chinese and Japanese sentences abut; others are separated by a space."""
    sep = "" if lang in ("zh", "ja") else " "
    return sep.join(sentences)
