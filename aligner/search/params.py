"""The search parameters: every value that changes an alignment, checked and recorded in its signature."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from numbers import Integral, Real

import numpy as np

MAX_PARAM = 1000.0  # largest weight or score a search parameter may have (a cosine is at most 1)
# The range of each whole-number parameter, chosen so that the largest still finishes in reasonable time
# (docs/algorithm.md, Parameters: the largest together took 6x the defaults). lazy_reach beyond max_bead adds
# no run; lazy rounds stop anyway once no new run is wanted.
INT_RANGES = {"max_bead": (1, 8), "max_split": (0, 8), "band": (0, 100), "lazy_reach": (0, 8),
              "lazy_rounds": (0, 10)}
# The range of each number whose meaning bounds it more tightly than MAX_PARAM: a score level is a cosine,
# the calibration's bands lie either side of a scale of 1, a share of the neighbour margin is a share; a
# run's weights are lengths to the power run_exponent (36 overflowed float32: the band lost its end).
FLOAT_RANGES = {"reference_score": (0.01, 1.0), "calibrate_low": (0.01, 1.0), "calibrate_high": (1.0, 100.0),
                "calibrate_min_scale": (0.01, 1.0), "calibrate_max_scale": (1.0, 100.0),
                "neighbour_share": (0.0, 1.0), "length_exponent": (0.01, 10.0), "length_spread": (0.0, 10.0),
                "length_exponent_min": (0.01, 1.0), "absorb_margin": (0.0, 1.0), "run_exponent": (0.0, 4.0),
                "recut_margin": (0.0, 2.0), "recut_merge": (0.0, 2.0), "recut_loss": (0.0, 1.0),
                "recut_prefilter": (0.0, 1.0)}
CALIBRATED = ("skip", "skip_run", "skip_source_extra", "merge_penalty")  # the parameters calibration scales
ADAPTED = CALIBRATED + ("length_exponent",)  # all a calibration may change (recorded with the alignment)
# Defaults of their own for a language pair (source, target), where the general ones cannot serve it: Chinese
# literature in English splits one Chinese sentence into up to six English ones and is half dialogue (MAC-Dev
# chapters, docs/algorithm.md); the same split limit costs the German-French yearbooks their caption blocks,
# and Icelandic quotation marks read the other way round. Its short English sentences continuing a split
# score low alone and are left unaligned where the translator merged them (absorb_margin), and its translators
# move sentence boundaries by a clause (recut_margin; the merges of recut_merge cost review precision). Its
# beads stay within 4 sentences a side (max_bead 5 costs MAC-Dev two beads); other pairs' reach 5. Its
# translators really leave Chinese sentences out (what the review looks for), where the other pairs' 1-0 beads
# were mostly sentences the gold merges into a neighbour (skip_source_extra).
PAIR_DEFAULTS = {("zh", "en"): {"max_bead": 4, "max_split": 6, "quote_weight": 0.125, "dialogue_weight": 0.08,
                               "turn_weight": 0.05, "absorb_margin": 0.05, "absorb_quoted": True,
                               "recut_margin": 0.25, "skip_source_extra": 0.0}}


def pair_defaults(src_lang: str, tgt_lang: str) -> dict:
    """The search parameters whose default differs for this language pair (primary subtags compared)."""
    return dict(PAIR_DEFAULTS.get((src_lang.split("-")[0].lower(), tgt_lang.split("-")[0].lower()), {}))


def parse_param(kind: type, value: str):
    """``value`` (text from the command line or a manifest) parsed as a ``kind`` (SearchParams checks its
    range); ValueError says what it takes."""
    value = value.strip()
    if kind is bool:
        # Anything but a yes-word used to mean False, so a typo (calibrate=ture) silently turned it off.
        word = value.lower()
        if word not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise ValueError("true or false")
        return word in ("1", "true", "yes", "on")
    try:
        return kind(value)
    except ValueError:
        raise ValueError({int: "a whole number", float: "a number"}.get(kind, f"a {kind.__name__}")) from None


@dataclass
class SearchParams:
    max_bead: int = 5            # most sentences on one side of a bead (docs/algorithm.md, wave 10)
    max_split: int = 0           # 1-n beads up to this many target sentences, beyond max_bead (0: none)
    band: int = 10               # sentences either side of the coarse path searched at full resolution
    merge_penalty: float = 0.01  # per sentence beyond 1-1
    length_weight: float = 0.05  # with length_mode add: weight of the squared log length ratio
    calibrate: bool = True       # scale skip and merge penalty to the document's typical 1-1 score
    overlaps: str = "lazy"       # embed sentence runs: lazy (near the path), all (in the band), none
    lazy_reach: int = 0          # lazy: also embed runs that differ from the path's by this many sentences
    lazy_rounds: int = 2         # lazy: re-searches with newly embedded runs
    lazy_nulls: bool = True      # lazy: also embed the merges that would absorb each null bead into a neighbour
    lexical_weight: float = 0.35  # CC-CEDICT overlap weight (aligner.lexicon; zh-en only); 0.35 measured
    neighbour_weight: float = 0.9  # how much of the neighbours' similarity is subtracted
    length_mode: str = "mult"    # length agreement: mult (log2(1 + min/max)) or add (log-ratio penalty)
    skip: float = -0.09          # score of a 1-0 or 0-1 bead
    skip_run: float = -0.05      # score of a 1-0 or 0-1 bead that continues a run of them on the same side
    skip_source_extra: float = 0.08  # a 1-0 bead (source sentence left out) starting a run scores skip less this
    run_exponent: float = 0.75   # an approximated run weighs its sentences by length ** run_exponent
    neighbour_share: float = 0.5  # each side's share of the neighbour margin (0.5: the two sides' mean)
    reference_score: float = 0.41  # typical best 1-1 score the skip and merge penalty were tuned at (USE)
    calibrate_low: float = 0.75   # calibration leaves the parameters alone when typical / reference_score
    calibrate_high: float = 1.33  # lies between these: the spread of documents under the tuning encoder
    calibrate_min_scale: float = 0.25  # outside it, the scale applied is clipped to these bounds
    calibrate_max_scale: float = 2.0
    quote_weight: float = 0.0    # penalty of a bead end inside a quotation on one side only (search.quotes)
    dialogue_weight: float = 0.0  # penalty of a bead with quotation marks on one side only (search.quotes)
    turn_weight: float = 0.0     # penalty of a bead holding two turns of speech on both sides (search.quotes)
    length_exponent: float = 1.0  # with length_mode mult: log2(1 + (min/max) ** length_exponent)
    length_spread: float = 0.18  # calibration: lengths agreeing less than this soften the length factor (0: never)
    length_exponent_min: float = 0.4  # the softened exponent (length_spread / the document's) is at least this
    absorb_margin: float = 0.0   # a 0-1 bead joins a neighbour losing at most -skip (uncalibrated) + this (0: off)
    absorb_quoted: bool = False  # with absorb_margin: also a 1-0 bead that begins inside a quotation (search.absorb)
    recut_margin: float = 0.0    # a boundary sentence moves into the neighbouring bead when a clause at their
    #                              boundary says so by this much (cosine; search.recut; 0: off) ...
    recut_merge: float = 0.0     # ... adjacent beads merge when one does by this much (0: off) ...
    recut_loss: float = 0.15     # ... and the new beads, embedded, lower the pair's summed score by at most this
    recut_prefilter: float = 0.2  # recut looks only where the new beads, approximated, lose at most this

    def __post_init__(self):
        for f in fields(self):
            # plain Python values (numpy scalars too), so that the signature and cache key are JSON
            setattr(self, f.name, _checked(f.name, getattr(self, f.name), f.default))
        if self.overlaps not in ("lazy", "all", "none"):
            raise ValueError("overlaps must be lazy, all or none")
        if self.length_mode not in ("mult", "add"):
            raise ValueError("length_mode must be mult or add")

    def dialogue_weights(self) -> tuple[float, float, float]:
        """The weights of the dialogue terms (search.quotes): quote, dialogue, turn; all 0: none."""
        return self.quote_weight, self.dialogue_weight, self.turn_weight

    def source_skip(self) -> float:
        """The score of a 1-0 bead that starts a run (a 0-1 bead scores ``skip``)."""
        return self.skip - self.skip_source_extra

    def null_extend(self) -> float | None:
        """What banded_dp needs for runs of null beads: None when they cost the same as single ones."""
        return None if self.skip_run == self.skip else self.skip_run

    def bead_types(self) -> tuple[tuple[int, int], ...]:
        # 1-0, 0-1 and m-n with m, n <= max_bead and m + n <= max_bead + 1 (1-4 and 2-3 at 4); then 1-n up to
        # max_split: a translator splits one long sentence into many, rarely merges many (asymmetric lattice)
        return tuple((a, b) for a in range(self.max_bead + 1) for b in range(self.max_bead + 1)
                     if (a, b) in ((1, 0), (0, 1)) or (a >= 1 and b >= 1 and a + b <= self.max_bead + 1)) \
            + tuple((1, b) for b in range(self.max_bead + 1, self.max_split + 1))

    def widest(self) -> int:
        """The most sentences a bead has on either side (the longest run the search may embed)."""
        return max(self.max_bead, self.max_split)

    def as_dict(self) -> dict:
        return asdict(self)


def _checked(name: str, value, default):
    """``value`` as a plain value of its default's kind, within its range (API callers and --param alike)."""
    if isinstance(default, bool):
        if not isinstance(value, (bool, np.bool_)):
            raise ValueError(f"{name} must be true or false")
        return bool(value)
    if isinstance(default, int):
        # counts and widths: a negative band made the search crawl (band=-1: 80 s for 800 lines) or crash,
        # a huge lazy_reach never finished
        low, high = INT_RANGES[name]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Integral) or not low <= value <= high:
            raise ValueError(f"{name} must be a whole number >= {low} and <= {high}")
        return int(value)
    if isinstance(default, float) and name in FLOAT_RANGES:
        low, high = FLOAT_RANGES[name]
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real) or not low <= value <= high:
            raise ValueError(f"{name} must be a number >= {low:g} and <= {high:g}")
        return float(value)
    if isinstance(default, float):
        # scores are sums of these times cosines: nan, inf or beyond this overflow and crash the search
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, Real) or not abs(value) <= MAX_PARAM:
            raise ValueError(f"{name} must be a number between -{MAX_PARAM:g} and {MAX_PARAM:g}")
        return float(value)
    return str(value) if isinstance(value, str) else value  # choices: __post_init__ names them
