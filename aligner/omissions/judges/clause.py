"""Clauses the bead's English does not carry, by the clause model (``models/clause.json``, or
``clause-embedding.json`` without a lexicon), fitted on synthetic clause deletions by
``scripts/bench_omissions.py``. Features, in units of the document's own calibration:

- ``zgain``: how much better the bead matches its English without the clause, in robust deviations of the
  document's clauses (``gain``, the same in calibration units, is kept for the flag's reason);
- ``owncover``: its best match with a piece of the bead's own English, from a near miss;
- ``claimed``: how much better it matches that piece than the sentence's other clauses do (negative when
  the piece is really a sibling's translation);
- ``length``: log of its size over the document's median clause size;
- ``zratio``: the bead's English length for its Chinese against the document's usual;
- with a lexicon: ``zlex`` (its shrunk dictionary cover against the document's typical clause), ``sib_lex``
  (… against its sentence's other clauses), ``short_lex`` (``zratio`` × ``sib_lex``: the bead misses
  something and the dictionary says what), ``anchors`` and ``word_model``.

The clause's share of its bead is left out on purpose: synthetic deletions sit only in 1-1 beads, so it
would learn that clauses of many-sentence beads are never missing, which a loose translation disproves.
"""

from __future__ import annotations

import numpy as np

from .. import boilerplate
from ..calibrate import robust_scale
from ..clauses import content_chars, zh_size
from ..context import ReviewContext
from ..dictionary import clause_cover
from ..evidence import reach, unit
from ..logistic import load_model
from ..model import Flag
from ..params import ReviewParams
from .base import Judge, Verdict
from .carried import carriers
from .nearby import English
from .rescore import english_welcomes
from .second import carried_by_second
from .unaligned import credit_moved
from .units import Units


class ClauseJudge(Judge[Units]):
    def __init__(self, units: Units, skip: set[int] = frozenset()):
        self.units = units
        self.skip = skip  # sentences judged whole

    def candidates(self, ctx: ReviewContext) -> Units:
        return self.units.take(np.array([n for n, u in enumerate(self.units.items)
                                         if u.kind == "clause" and u.boilerplate is None], dtype=np.int64))

    def features(self, ctx: ReviewContext, units: Units) -> dict[str, np.ndarray]:
        p, scale = ctx.params, ctx.scale
        n = len(units.items)
        if not n:
            return {}
        gain_mid, gain_spread = robust_scale(units.gain, p.gain_floor)
        sizes = np.array([max(1, zh_size(u.clause.text)) for u in units.items], dtype=np.float64)
        ratio_mid, ratio_spread = robust_scale(units.ratio, p.ratio_floor)
        zratio = np.clip((units.ratio - ratio_mid) / ratio_spread, -p.z_clip, p.z_clip)
        zlex, sib_lex, claimed = np.zeros(n), np.zeros(n), np.zeros(n)
        words = int(units.lex_total.sum())
        rates = None
        if ctx.words is not None and words:
            # each clause's cover shrunk towards the document's pooled cover by lex_prior words' worth, so
            # that a clause of one or two dictionary words cannot look entirely missing (or entirely there)
            pooled = float(units.lex_found.sum()) / words
            rates = (units.lex_found + p.lex_prior * pooled) / (units.lex_total + p.lex_prior)
            lex_mid, lex_spread = robust_scale(rates, p.lex_floor)
            zlex = np.clip((rates - lex_mid) / lex_spread, -p.z_clip, p.z_clip)
        siblings: dict[tuple[int, int], list[int]] = {}
        for k, u in enumerate(units.items):
            siblings.setdefault((u.bead, u.sentence), []).append(k)
        for group in siblings.values():
            if len(group) < 2:
                continue
            for k in group:
                others = [o for o in group if o != k]
                if rates is not None:
                    sib = [float(rates[o]) for o in others]
                    sib_lex[k] = float(rates[k]) - sum(sib) / len(sib)
                # whether the English this clause matches best is its own or a sibling's
                lo, hi = units.own_starts[k], units.own_starts[k + 1]
                best = int(np.argmax(units.own[lo:hi]))
                rival = max(units.own[units.own_starts[o] + best] for o in others)
                claimed[k] = float(units.own[lo + best] - rival) / scale
        return {"zlex": zlex, "sib_lex": sib_lex, "anchors": units.anchors, "word_model": units.word,
                "zratio": zratio, "short_lex": zratio * sib_lex, "claimed": claimed, "gain": units.gain / scale,
                "zgain": np.clip((units.gain - gain_mid) / gain_spread, -p.z_clip, p.z_clip),
                "owncover": (units.own_best - ctx.near_miss) / scale,
                "length": np.log(sizes / float(np.median(sizes)))}

    def decide(self, ctx: ReviewContext, units: Units, features: dict[str, np.ndarray]) -> Verdict:
        """Flag the clauses the model finds missing (at ``clause_flag_at``) that say enough to be missed
        (``min_clause_content``: not a speech tag, a particle or a repeated sign), whose bead's English has no
        room for them in words its Chinese does not explain (:func:`roomy`), and the second encoder does
        not find carried (``second_encoder``, :mod:`.second`), unless the English nearby carries them: the
        English within ``nearby_reach`` sentences translates ``nearby_share`` more of their dictionary words
        than the bead's own, or a piece of the English sentences just outside the bead (``clause_reach``)
        matches them as a translation (:func:`~.carried.carriers`; the tail or head touching the bead when
        it beats the bead's own English by ``edge_margin``): content the search or the translator put next
        door. In a bead the confidence model doubts (below ``min_bead_confidence``) the alignment, not the
        English, is in doubt: such clauses become at most one ``alignment`` flag for the bead
        (:func:`alignment_flags`), not omissions."""
        a, p = ctx.alignment, ctx.params
        if not units.items:
            return Verdict()
        model = load_model("clause" if ctx.words is not None else "clause-embedding")
        confidence = model.confidence(features)
        # a clause whose words the word model finds about as well explained as an aligned pair's is rendered
        explained = features["word_model"] > p.clause_word_at if ctx.words is not None \
            else np.zeros(len(units.items), dtype=bool)
        chosen = [k for k, u in enumerate(units.items) if u.sentence not in self.skip and not explained[k]
                  and confidence[k] >= p.clause_flag_at and content_chars(u.clause.text) >= p.min_clause_content
                  and not repeats(ctx, u)]
        # English the Chinese does not explain, most of the bead's, may render the clause in other words
        left = unexplained(ctx, [units.items[k].bead for k in chosen])
        chosen = [k for k in chosen if not roomy(left.get(units.items[k].bead, (0, 0)), p)]
        chosen = [k for k, second in zip(chosen, carried_by_second(ctx, [units.items[k] for k in chosen]))
                  if not second]
        flags = []
        for k in chosen:
            u = units.items[k]
            f = {name: round(float(v[k]), 3) for name, v in features.items()}
            reason = (f"clause not covered by the bead's English: its best match there is {f['owncover']:.2f} of the "
                      f"way from a near miss to a typical aligned pair, and the bead matches its English "
                      f"{f['gain']:+.2f} calibration units better without it")
            if ctx.words is not None:
                reason += (f"; {units.lex_found[k]} of its {units.lex_total[k]} dictionary words have a translation "
                           "there")
            s = a.zh[u.sentence]
            flags.append(Flag("clause", round(float(confidence[k]), 3), reason, zh=u.clause.text,
                              zh_sentence=u.sentence, zh_paragraph=s.paragraph, en_paragraph=a.en[u.en[0]].paragraph,
                              span=(u.clause.start, u.clause.end), bead=u.bead))
        vectors = unit(ctx.embedder.matrix("src")[ctx.embedder.rows("src", [f.zh for f in flags])]) if flags \
            else np.zeros((0, 0))
        jobs = [[j for j in reach(a, a.beads[f.bead].en, p.clause_reach) if j not in a.beads[f.bead].en]
                for f in flags]
        out = Verdict()
        kept = []
        for k, f, carrier in zip(chosen, flags, carriers(
                ctx, vectors, jobs, [f.zh_sentence for f in flags], [units.items[k].en for k in chosen],
                units.own_best[chosen])):
            if carrier:
                out.moved.append(carrier.moved(ctx, f.zh_sentence, (f.zh, f.span)))
            else:
                kept.append((k, f))
        if ctx.words is not None and kept:
            # the dictionary's view of the same question, wider: the translator moved it a sentence or two
            nearby, _, _ = clause_cover(a, ctx.words, [f.zh for _, f in kept],
                                        [tuple(reach(a, units.items[k].en, p.nearby_reach)) for k, _ in kept], p.z_clip)
            own = np.array([k for k, _ in kept])
            gained = (nearby - units.lex_found[own]) / np.maximum(units.lex_total[own], 1)
            kept = [kf for kf, g in zip(kept, gained) if g < p.nearby_share]
        sure = ctx.bead_confidence
        out.flags = [f for _, f in kept if sure[f.bead] >= p.min_bead_confidence]
        out.flags += alignment_flags(ctx, [f for _, f in kept if sure[f.bead] < p.min_bead_confidence])
        return out


def roomy(left: tuple[int, int], p: ReviewParams) -> bool:
    """Whether a bead's English, of which ``left`` = (unexplained, all) content words its Chinese does not
    explain (:func:`unexplained`), has room for a clause the lexicon finds untranslated: more than
    ``clause_room`` such words, and more than ``room_share`` of its words. A translator who renders a clause in
    other words leaves them behind ("spy out the land", "paid attention"), and where the lexicon explains less
    than half of the English its silence about the clause says little; English cut down to the rest's
    translation has few. The share keeps a close translation of a long sentence's first clauses, whose English
    the lexicon half explains, from hiding its last ones."""
    unexplained, words = left
    return unexplained > p.clause_room and unexplained > p.room_share * words


def repeats(ctx: ReviewContext, u) -> bool:
    """Whether, with a lexicon, ``repeat_share`` or more of the clause's content words are in the Chinese of the
    ``repeat_reach`` sentences before its own: a translator tells a repeated image once (a reply that echoes
    the previous line, an event the sentence before has just told), and the English of the first telling
    carries it."""
    p = ctx.params
    if ctx.words is None or not p.repeat_reach:
        return False
    tokens, zh = ctx.words.tokens, ctx.alignment.zh
    words = set(tokens.zh_tokens(u.clause.text))
    before = set().union(*(tokens.zh_tokens(zh[i].text) for i in range(max(0, u.sentence - p.repeat_reach),
                                                                       u.sentence)))
    return bool(words) and len(words & before) >= p.repeat_share * len(words)


def unexplained(ctx: ReviewContext, beads: list[int]) -> dict[int, tuple[int, int]]:
    """With a lexicon, for each of ``beads``: how many content words (keys) of its English no word of its Chinese
    translates, by CC-CEDICT or the document's word model (:class:`~.nearby.English`), and how many it has.
    Without a lexicon: none."""
    if ctx.words is None:
        return {}
    a, tokens = ctx.alignment, ctx.words.tokens
    english = English(ctx)
    out = {}
    for k in dict.fromkeys(beads):
        bead = a.beads[k]
        words = [w for i in bead.zh for w in tokens.zh_words(a.zh[i].text)]
        senses = dict(words)
        known = frozenset().union(*(english.translations(senses, w) for w, _ in words))
        keys = english.keys(bead.en)
        out[k] = len(keys - known), len(keys)
    return out


def alignment_flags(ctx: ReviewContext, clauses: list[Flag]) -> list[Flag]:
    """At most one ``alignment`` flag per bead for the clause flags ``clauses`` of beads the confidence model
    doubts: where re-scoring finds the bead's Chinese matching its English at least ``rescore_at`` units
    better with the neighbouring bead's nearest English sentence added (:func:`~.rescore.english_welcomes`),
    the bead's most confident clause, with the bead's doubt as its confidence and that English named. A
    doubted bead with untranslated-looking clauses and no better neighbour is left alone: on literary text
    those are loose pairs (docs/omissions.md)."""
    sure, at = ctx.bead_confidence, ctx.params.rescore_at
    by_bead: dict[int, list[Flag]] = {}
    for f in clauses:
        by_bead.setdefault(f.bead, []).append(f)
    out = []
    for (bead, group), welcome in zip(by_bead.items(), english_welcomes(ctx, list(by_bead))):
        if welcome is None or welcome.gain < at:
            continue
        top = max(group, key=lambda f: f.confidence)
        which = f"this clause and {len(group) - 1} more of the bead seem" if len(group) > 1 else "this clause seems"
        reason = (f"check the alignment: the confidence model gives this bead {sure[bead]:.2f}, and {which} "
                  f"untranslated in its English (clause model {top.confidence:.2f}); the English of zh "
                  f"{top.zh_sentence} may be in {welcome.where()}: the bead matches {welcome.gain:+.2f} calibration "
                  "units better with it")
        out.append(Flag("alignment", round(1.0 - sure[bead], 3), reason, zh=top.zh, zh_sentence=top.zh_sentence,
                        zh_paragraph=top.zh_paragraph, en_paragraph=top.en_paragraph, span=top.span, bead=bead))
    return out


class BoilerplateJudge(Judge[Units]):
    """Boilerplate inside aligned beads (a trailing photo credit, a dateline sentence of a many-sentence
    bead) that the English does not seem to carry: cheap to show (it is not an omission), so it needs only a
    below-typical match, and its confidence is that of the pattern."""

    def __init__(self, units: Units, skip: set[int] = frozenset()):
        self.units = units
        self.skip = skip

    def candidates(self, ctx: ReviewContext) -> Units:
        return self.units.take(np.array([n for n, u in enumerate(self.units.items)
                                         if u.boilerplate is not None and u.sentence not in self.skip],
                                        dtype=np.int64))

    def features(self, ctx: ReviewContext, units: Units) -> dict[str, np.ndarray]:
        """``below``: how far below the document's typical clause the unit's cover is and above it its gain,
        in robust deviations (the typical unit: the clauses, or without any, every unit not boilerplate)."""
        p, every = ctx.params, self.units
        clauses = [n for n, u in enumerate(every.items) if u.kind == "clause" and u.boilerplate is None]
        real = clauses or [n for n, u in enumerate(every.items) if u.boilerplate is None]
        cover_mid, cover_spread = robust_scale(every.cover[real], p.cover_floor)
        gain_mid, gain_spread = robust_scale(every.gain[real], p.gain_floor)
        return {"below": (cover_mid - units.cover) / cover_spread + (units.gain - gain_mid) / gain_spread}

    def decide(self, ctx: ReviewContext, units: Units, features: dict[str, np.ndarray]) -> Verdict:
        """Flag what the English does not seem to carry, unless it is a photo credit an English credit
        elsewhere carries (:attr:`ReviewContext.credits`): that is recorded as moved."""
        a = ctx.alignment
        credits = ctx.credits
        out = Verdict()
        for u, below in zip(units.items, features.get("below", ())):
            if below <= 0:
                continue
            if u.boilerplate == boilerplate.CREDIT and u.sentence in credits:
                out.moved.append(credit_moved(ctx, u.sentence, credits[u.sentence],
                                              (u.clause.text, (u.clause.start, u.clause.end))))
                continue
            out.flags.append(Flag(
                "boilerplate", ctx.params.boilerplate_confidence, f"{u.boilerplate}, not translated", zh=u.clause.text,
                zh_sentence=u.sentence, zh_paragraph=a.zh[u.sentence].paragraph, en_paragraph=a.en[u.en[0]].paragraph,
                span=(u.clause.start, u.clause.end), bead=u.bead))
        return out
