"""A second encoder's opinion on the clause flags the clause judge would raise.

The default encoder does not see many a paraphrase the English does carry (docs/omissions.md, "Second
reading"). A second encoder (``second_encoder``) measures each flagged clause's gain: how much its bead's
Chinese matches the bead's English better with the clause than without it. A clause whose removal lowers
the second encoder's match by more than ``second_tolerance`` is taken as carried, not flagged. Off by
default: on the MAC-Dev chapters it removed right flags rather than false ones (figures and how the
tolerance was chosen: docs/omissions.md, "A second encoder").
"""

from __future__ import annotations

import sys
from functools import lru_cache

import numpy as np

from ...encoders import CachedEncoder, Encoder, encoder_signature, get_encoder
from ...encoders.base import CheckedEncoder
from ...errors import AlignerError
from ..context import ReviewContext
from ..embed import Embedder
from ..evidence import cosines, target
from .units import Unit


@lru_cache(maxsize=4)
def second_encoder(name: str, cache_dir: str | None = None, cache: bool = True) -> Encoder | None:
    """The encoder named ``name`` (with the embedding cache in ``cache_dir`` unless ``cache`` is off),
    loaded once per process; None, after one warning on stderr, where it cannot be loaded (the review then
    goes without its opinion)."""
    try:
        return CheckedEncoder(get_encoder(name, cache=cache, cache_dir=cache_dir))
    except (AlignerError, ImportError, OSError, RuntimeError) as exc:
        print(f"aligner: warning: second encoder {name!r} could not be loaded ({exc}); clause flags are "
              "not checked by it", file=sys.stderr)
        return None


def _cache_of(encoder: object) -> tuple[str | None, bool]:
    """Where the first encoder keeps its embedding cache, and whether it has one (the second follows it)."""
    while encoder is not None:
        if isinstance(encoder, CachedEncoder):
            return str(encoder.path.parent), True
        encoder = getattr(encoder, "inner", None)
    return None, False


def second_signature(ctx: ReviewContext) -> str | None:
    """The signature of the second encoder the review names (None where it cannot be loaded)."""
    encoder = second_encoder(ctx.params.second_encoder, *_cache_of(ctx.embedder.encoder))
    return encoder_signature(encoder) if encoder is not None else None


def second_gains(ctx: ReviewContext, units: list[Unit]) -> np.ndarray | None:
    """For each unit, the second encoder's cosine of its bead's Chinese with the bead's English less that
    of the bead's Chinese without it (0 where nothing is left without it); None when the step is off
    (``second_encoder`` empty) or its encoder cannot be loaded."""
    a, name = ctx.alignment, ctx.params.second_encoder
    encoder = second_encoder(name, *_cache_of(ctx.embedder.encoder)) if name and units else None
    if encoder is None:
        return None
    emb = Embedder(encoder, a.src_lang, a.tgt_lang)
    english = [target(a, u.en) for u in units]
    rests = [u.rest if u.rest.strip() else u.zh_text for u in units]
    emb.want("tgt", english)
    emb.want("src", [u.zh_text for u in units] + rests)
    emb.run()
    src, e = emb.matrix("src"), emb.matrix("tgt")[emb.rows("tgt", english)]
    full = cosines(src[emb.rows("src", [u.zh_text for u in units])], e)
    return (full - cosines(src[emb.rows("src", rests)], e)).astype(np.float64)


def carried_by_second(ctx: ReviewContext, units: list[Unit]) -> np.ndarray:
    """Which of ``units`` (clauses about to be flagged) the second encoder finds carried: removing them
    lower its match of the bead by more than ``second_tolerance``. All False when the step is off."""
    gains = second_gains(ctx, units)
    if gains is None:
        return np.zeros(len(units), dtype=bool)
    return gains > ctx.params.second_tolerance
