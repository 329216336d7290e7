"""The review's judges, one kind of judgement each (see :mod:`.base`), in the order the review asks them:
unaligned sentences, whole sentences, clauses and boilerplate inside beads, then paragraphs."""

from .base import Judge, Verdict
from .clause import BoilerplateJudge, ClauseJudge
from .paragraph import ParagraphJudge
from .sentence import SentenceJudge
from .unaligned import UnalignedJudge

__all__ = ["BoilerplateJudge", "ClauseJudge", "Judge", "ParagraphJudge", "SentenceJudge", "UnalignedJudge",
           "Verdict"]
