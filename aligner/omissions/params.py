"""The review's parameters: every threshold, reach, prior, floor and clip it judges with, one home each,
checked, and recorded in the review's signature (``Review.to_dict()["review"]``).

The fitted models' weights are data, not parameters (:mod:`~aligner.omissions.logistic`); their names are
recorded in the signature too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from numbers import Integral, Real

import numpy as np

# (low, high) of each parameter. Reaches are bounded so that one candidate's work stays small.
RANGES = {
    "flag_at": (0.0, 1.0), "clause_flag_at": (0.0, 1.0), "clause_word_at": (-100.0, 100.0),
    "min_clause_content": (0, 100), "nearby_reach": (0, 20), "nearby_share": (0.0, 1.0),
    "min_bead_confidence": (0.0, 1.0), "carried_at": (-10.0, 10.0), "unaligned_slope": (0.0, 100.0),
    "boilerplate_confidence": (0.0, 1.0), "window": (1, 100), "min_chars": (1, 100),
    "min_calibration_pairs": (1, 1000), "min_scale_share": (0.0, 1.0), "scale_floor": (1e-6, 1.0),
    "median_cells": (1 << 10, 1 << 40), "median_sample": (1 << 10, 1 << 24),
    "cover_reach": (0, 20), "piece_reach": (0, 20), "moved_reach": (0, 200), "dict_reach": (0, 50),
    "clause_reach": (0, 20), "lex_prior": (0.0, 100.0), "z_clip": (0.1, 100.0), "anchor_clip": (0, 100),
    "lex_floor": (1e-6, 1.0), "ratio_floor": (1e-6, 10.0), "cover_floor": (1e-6, 1.0), "gain_floor": (1e-6, 1.0),
    "length_ratio_floor": (1e-6, 10.0), "min_explained": (1e-6, 1.0), "word_translation_at": (0.0, 1.0),
    "displaced_margin": (-10.0, 10.0), "min_repeat_words": (1, 1000), "moved_margin": (-10.0, 10.0),
    "edge_margin": (-10.0, 10.0), "missing_share": (0.0, 1.0), "sure": (0.0, 1.0), "min_clause_chars": (1, 100),
    "min_clause_words": (1, 100),
    "word_rounds": (0, 50), "word_floor": (1e-12, 0.1), "word_spread_floor": (1e-6, 10.0),
    "second_tolerance": (-2.0, 2.0), "host_carried_at": (-10.0, 10.0), "merged_gain_at": (-10.0, 10.0),
    "host_own_words": (1, 1000), "own_reach": (0, 20),
    "whole_share": (0.0, 10.0), "displaced_welcome": (-10.0, 10.0), "rescore_at": (-10.0, 10.0),
    "min_word_pairs": (0, 100000), "word_folds": (1, 10), "word_splits": (1, 10),
    "repeat_reach": (0, 20), "repeat_share": (0.0, 1.0), "clause_room": (0, 1000), "room_share": (0.0, 1.0),
    "turn_reach": (0, 20),
}


@dataclass(frozen=True)
class ReviewParams:
    # deciding
    flag_at: float = 0.5                 # a sentence candidate becomes a flag at this confidence ...
    clause_flag_at: float = 0.7          # ... and a clause at this one (literary clauses: docs/omissions.md)
    # a clause needs this many distinct content characters, not counting a speech tag (X道：“) or particles
    # and pronouns, to be flagged: "是不大好看" or "韦小宝喜道" are not what a reviewer should read
    min_clause_content: int = 4
    # ... and, with a lexicon, words the document's own word model finds unexplained by its bead's English:
    # below this many robust deviations from the document's aligned pairs (at or above z_clip: no such check)
    clause_word_at: float = -0.7
    # ... and, with a lexicon, not when repeat_share of its content words are in the repeat_reach Chinese
    # sentences before its own (0: no such check): a repetition the translator tells once
    repeat_reach: int = 1
    repeat_share: float = 0.5
    # ... nor, with a lexicon, when more than clause_room content words of its bead's English, and more than
    # room_share of them, are translated by no word of the bead's Chinese: the translator rendered something in
    # other words, and the English has room for the clause (clause_room: the 95th percentile of the rightly
    # flagged synthetic deletions, --fit-clause-room; 1000: no such check)
    clause_room: int = 3
    room_share: float = 0.5
    # a clause is carried nearby, not missing, when the English within nearby_reach sentences of its bead
    # translates this share of its dictionary words more than the bead's own English does; so is a sentence
    # of a many-sentence bead when this share of its own words (those the Chinese around lacks) is translated
    # there and not in its bead, and its best English match nearby reaches carried_at
    nearby_reach: int = 2
    nearby_share: float = 0.3
    # below this bead confidence (aligner.confidence; 0.5 is its "possible") the alignment, not the English,
    # is in doubt: no clause of the bead is flagged (at most one alignment check, see rescore_at)
    min_bead_confidence: float = 0.5
    # re-scored against a neighbour (judges/rescore.py): a doubted bead whose Chinese matches its English this
    # many units better with the neighbouring bead's nearest English sentence added is an alignment check
    # (naming that English; below it, nothing is shown); a flagged sentence that the neighbouring bead's
    # English welcomes this much is an alignment check, not an omission
    rescore_at: float = 1.0
    # a second encoder's opinion on clause flags (judges/second.py; "" = none): a clause whose removal
    # lowers its match of the bead by more than second_tolerance (a cosine) is carried, not flagged
    second_encoder: str = ""
    second_tolerance: float = 0.0103
    boilerplate_confidence: float = 0.9  # how sure the news-page patterns are
    # An unaligned sentence whose best match nearby lies this far from the typical near miss (0) to the
    # typical aligned pair (1) is carried elsewhere (moved or repeated), not missing (see nearby_share) ...
    carried_at: float = 0.55
    # a sentence of a many-sentence bead that its bead's own English matches this well (same scale) is at
    # most partly missing: not flagged whole, its clauses are judged instead. Off (10) by default: it costs
    # synthetic recall (docs/omissions.md, "Third reading"); 0.55, carried_at's value, is the one measured
    host_carried_at: float = 10.0
    # nor is one whose bead matches its shared English less than this many units better without it: the
    # merged English carries it at least as well as it carries the rest. Off (-10) by default: at 0 it costs
    # synthetic recall (docs/omissions.md, "Sixth reading")
    merged_gain_at: float = -10.0
    # nor is one whose bead's English has this many words (CC-CEDICT or word-model translations) that its own
    # words translate and those of no other Chinese sentence within own_reach sentences do: English only it
    # explains. A deletion merged into a neighbour's bead leaves English that is all the neighbour's; a
    # literary two-into-one sentence keeps words of both (docs/omissions.md, "Seventh reading")
    host_own_words: int = 2
    own_reach: int = 3
    # a sentence about to be flagged whole that opens a speech turn, where the beads within turn_reach of its
    # own open as many turns in English as in Chinese (its own included), is an alignment check: the exchange's
    # English keeps its turn, paired elsewhere (0: no such check; docs/omissions.md, "Eighth reading")
    turn_reach: int = 2
    # clause flags covering this share of a sentence's letters and digits are one sentence flag (above 1:
    # never); the clauses each need their own flag, so a sentence is not called missing on less
    whole_share: float = 0.9
    unaligned_slope: float = 6.0         # ... and its confidence falls this steeply past that point
    min_chars: int = 2                   # meaningful characters a sentence or clause needs to be judged
    # calibration (the document's own unit: aligned pairs against near misses)
    window: int = 8                      # sentences either side of the path searched for near misses
    min_calibration_pairs: int = 3       # 1-1 beads needed to calibrate; fewer: row maxima and medians
    # the unit is at least this share of the gap between a typical aligned and a typical unrelated pair (a
    # short, repetitive document's near misses come close to its aligned pairs), and at least scale_floor
    min_scale_share: float = 0.35
    scale_floor: float = 0.02
    # the typical unrelated pair is the median of all cells of the similarity matrix up to median_cells,
    # and beyond of a fixed draw of median_sample cells (the exact median reads every cell: quadratic)
    median_cells: int = 1 << 22
    median_sample: int = 1 << 19
    # reaches: English sentences either side of the host bead searched for ...
    cover_reach: int = 2                 # ... a sentence or clause as a whole
    piece_reach: int = 1                 # ... a clause or pair of clauses carrying a sentence
    moved_reach: int = 20                # ... a piece of another bead's English carrying a sentence (moved)
    dict_reach: int = 8                  # ... dictionary translations of its words (its translatability)
    clause_reach: int = 1                # ... a piece carrying a flagged clause (content moved next door)
    # priors, floors and clips
    lex_prior: float = 2.0               # dictionary shares are shrunk to the document's by this many words
    z_clip: float = 5.0                  # robust z-scores and model scores say no more beyond this
    anchor_clip: int = 2                 # missing numbers or names: two say all there is to say
    lex_floor: float = 0.05              # least spread of clause dictionary covers (a share of words)
    ratio_floor: float = 0.05            # least spread of the beads' log length ratios (clauses)
    cover_floor: float = 0.02            # least spread of clause covers (a cosine)
    gain_floor: float = 0.005            # least spread of clause gains (a cosine)
    length_ratio_floor: float = 0.1      # least spread of the 1-1 pairs' log length ratios (sentences)
    min_explained: float = 0.05          # least typical share of an aligned English the dictionary explains
    word_translation_at: float = 0.1     # word-model probability from which a word counts as translated
    # moved and displaced content
    displaced_margin: float = 0.5        # a 1-1 bead's English is a neighbour's by this many units ...
    displaced_welcome: float = 0.0       # ... and the neighbour matches this much better with it (units)
    min_repeat_words: int = 8            # an English sentence this long, given twice, is a repeat
    moved_margin: float = 1.25           # a piece carries a text better than its own Chinese by this many units
    # ... or, the tail or head of the English sentence next to its host, better than its host English does
    edge_margin: float = 1.5
    # paragraphs: flagged when this share of their Chinese is missing, or a sentence flagged this surely
    missing_share: float = 0.15
    sure: float = 0.7
    # clause splitting: pieces smaller than this are joined to a neighbour
    min_clause_chars: int = 5
    min_clause_words: int = 3
    # the document's word model (IBM Model 1)
    word_rounds: int = 5                 # EM rounds ...
    min_word_pairs: int = 0              # ... over at least this many confident 1-1 pairs; fewer: the dictionary
    # clauses are scored by models learnt without their bead (this many folds of the confident pairs; 1: by
    # the model learnt from all of them, which finds its own pairs' clauses explained, missing ones included)
    word_folds: int = 2
    word_splits: int = 3                 # ... in this many splits of the pairs into folds, their scores averaged
    word_floor: float = 1e-6             # probability of a pair never seen together
    word_spread_floor: float = 0.1       # least spread of the document's pair scores

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, _checked(f.name, getattr(self, f.name), f.default))

    def as_dict(self) -> dict:
        return asdict(self)


def _checked(name: str, value, default):
    """``value`` as a plain value of its default's kind within its range (API callers and the CLI alike)."""
    if isinstance(default, str):  # an encoder's name, or "" for none
        if not isinstance(value, str):
            raise ValueError(f"review parameter {name} must be an encoder's name or empty")
        if value:
            from ..encoders import check_encoder_name
            from ..errors import EncoderError

            try:
                check_encoder_name(value)
            except EncoderError as exc:
                raise ValueError(f"review parameter {name}: {exc}") from None
        return value
    low, high = RANGES[name]
    if isinstance(default, int):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral) or not low <= value <= high:
            raise ValueError(f"review parameter {name} must be a whole number >= {low} and <= {high}")
        return int(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real) or not low <= value <= high:
        raise ValueError(f"review parameter {name} must be a number between {low:g} and {high:g}")
    return float(value)
