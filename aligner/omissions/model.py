"""What the review produces: flags, moved content, paragraph summaries and the review itself."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields

from ..model import Alignment
from .similarity import Similarity

KINDS = ("sentence", "clause", "addition", "paragraph", "boilerplate", "alignment")
# Flags shown for a check that are not omissions: page furniture, and beads whose alignment is in doubt
NOT_OMISSIONS = ("boilerplate", "alignment")


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


@dataclass(frozen=True)
class Moved(Mapping):
    """Content found away from its place, so not flagged: an unaligned sentence that matches a sentence
    nearby, or a sentence or clause that a piece of another bead's English carries. Read as a mapping of
    its set fields (the review JSON's ``moved`` records)."""

    side: str  # "zh" or "en": the side of ``sentence``
    sentence: int
    matches: int  # the other side's sentence that carries it
    carried: float  # where its match lies from a typical near miss (0) to a typical aligned pair (1)
    en: str | None = None  # the English piece that carries it
    margin: float | None = None  # how much better the piece matches it than its own Chinese (calibration units)
    zh: str | None = None  # a moved clause: its text …
    span: tuple[int, int] | None = None  # … and its character offsets in the sentence

    def to_dict(self) -> dict:
        return {f.name: (list(v) if f.name == "span" else v) for f in fields(self)
                if (v := getattr(self, f.name)) is not None}

    def __getitem__(self, key: str):
        return self.to_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.to_dict())

    def __len__(self) -> int:
        return len(self.to_dict())


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
    moved: list[Moved] = field(default_factory=list)  # content found elsewhere: not flagged
    similarity: Similarity | None = field(default=None, repr=False)  # zh × en sentence cosines, on demand
    settings: dict = field(default_factory=dict)  # the review's signature: its parameters and models
    heatmap: str | None = field(default=None, repr=False)  # its PNG (base64) when drawn already: review cache

    @property
    def omissions(self) -> list[Flag]:
        """The flags a QA pipeline fails on: everything but boilerplate and alignment checks."""
        return [f for f in self.flags if f.kind not in NOT_OMISSIONS]

    def to_dict(self) -> dict:
        return {"signature": self.alignment.signature, "review": self.settings, "src_lang": self.alignment.src_lang,
                "tgt_lang": self.alignment.tgt_lang, "summary": self.summary,
                "flags": [f.to_dict() for f in self.flags],
                "paragraphs": [asdict(p) for p in self.paragraphs], "moved": [m.to_dict() for m in self.moved]}
