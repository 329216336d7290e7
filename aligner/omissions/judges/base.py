"""What every judge is: ``candidates → features → decide``, over one frozen review context."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Generic, TypeVar

import numpy as np

from ..context import ReviewContext
from ..model import Flag, Moved

C = TypeVar("C")


@dataclass
class Verdict:
    """What a judge decided: flags, content found elsewhere (not flagged), and what it hands on: Chinese
    sentences left for the sentence judge (``pending``, as ``(bead, sentence)``), or sentences judged as a
    whole (``judged``: flagged, or found elsewhere), which the clause judges skip."""

    flags: list[Flag] = field(default_factory=list)
    moved: list[Moved] = field(default_factory=list)
    pending: list[tuple[int, int]] = field(default_factory=list)
    judged: set[int] = field(default_factory=set)


class Judge(ABC, Generic[C]):
    """One kind of judgement. ``features`` works on all candidates at once: one array per feature, one
    entry per candidate (the fitting script reads the same features, never a copy of them)."""

    @abstractmethod
    def candidates(self, ctx: ReviewContext) -> C: ...

    @abstractmethod
    def features(self, ctx: ReviewContext, cands: C) -> dict[str, np.ndarray]: ...

    @abstractmethod
    def decide(self, ctx: ReviewContext, cands: C, features: dict[str, np.ndarray]) -> Verdict: ...

    def __call__(self, ctx: ReviewContext) -> Verdict:
        cands = self.candidates(ctx)
        return self.decide(ctx, cands, self.features(ctx, cands))
