"""What the review produces: flags, paragraph summaries and the review itself."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..model import Alignment
from .similarity import Similarity

KINDS = ("sentence", "clause", "addition", "paragraph", "boilerplate")


@dataclass
class Flag:
    kind: str  # one of KINDS
    confidence: float  # 0-1: how sure the reviewer can be that this content is really missing
    reason: str
    zh: str = ""  # the missing Chinese text, an exact substring of sentence ``zh_sentence``
    en: str = ""  # for additions: the English text with no Chinese source
    zh_sentence: int | None = None
    en_sentence: int | None = None
    zh_paragraph: int | None = None
    en_paragraph: int | None = None
    span: tuple[int, int] | None = None  # character offsets of ``zh`` in its sentence
    bead: int | None = None  # index in alignment.beads

    def to_dict(self) -> dict:
        data = asdict(self)
        data["span"] = list(self.span) if self.span else None
        return data


@dataclass
class ParagraphReport:
    """One English paragraph and the Chinese content it should carry."""

    en_paragraph: int
    zh_paragraphs: list[int]
    zh_sentences: list[int]
    zh_chars: int  # Chinese characters (boilerplate excluded) this paragraph should carry
    missing_chars: int
    missing_share: float
    flagged: bool
    confidence: float


@dataclass
class Review:
    alignment: Alignment
    flags: list[Flag]
    paragraphs: list[ParagraphReport]
    summary: dict
    moved: list[dict] = field(default_factory=list)  # unaligned sentences found elsewhere: not flagged
    similarity: Similarity | None = field(default=None, repr=False)  # zh × en sentence cosines, on demand

    @property
    def omissions(self) -> list[Flag]:
        """The flags a QA pipeline fails on: everything but boilerplate."""
        return [f for f in self.flags if f.kind != "boilerplate"]

    def to_dict(self) -> dict:
        return {"signature": self.alignment.signature, "src_lang": self.alignment.src_lang,
                "tgt_lang": self.alignment.tgt_lang, "summary": self.summary,
                "flags": [f.to_dict() for f in self.flags],
                "paragraphs": [asdict(p) for p in self.paragraphs], "moved": self.moved}
