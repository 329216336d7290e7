"""Omission detection on top of an alignment: unaligned sentences, uncovered clauses, short paragraphs.

Every decision compares a score with the same document's own distribution (aligned pairs against
near-miss pairs, typical clauses against outliers), so it carries over between encoders and between
literal and loose translations; no raw cosine threshold appears here.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..lexicon import coverage, english_keys, translates
from ..model import Alignment, Bead, join_sentences
from ..segment import MAX_SENTENCE_CHARS
from . import boilerplate
from .calibrate import between, robust_scale, sigmoid
from .clauses import Clause, en_size, split_clauses, without, zh_size
from .embed import Embedder
from .model import Flag
from .similarity import Similarity
from .wordmodel import WordModel, chinese_tokens, english_tokens

FLAG_AT = 0.5  # a candidate becomes a flag at this confidence
WINDOW = 8  # sentences either side of the path searched for content that moved
# Position of an unaligned sentence's best match between the typical near-miss (0) and the typical
# aligned pair (1) above which it counts as carried elsewhere (moved or repeated), not missing.
CARRIED_AT = 0.55
MIN_UNIT_CHARS = 2
BOILERPLATE_CONFIDENCE = 0.9  # how sure the news-page patterns are


def _cos(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / max(1e-9, float(np.linalg.norm(a) * np.linalg.norm(b))))


# ---------------------------------------------------------------- sentence level

@dataclass
class PairCalibration:
    """Typical cosine of an aligned 1-1 pair and of the best non-partner in the window, per document."""

    aligned: float
    near_miss: float

    def carried(self, best: float) -> float:
        return between(best, self.near_miss, self.aligned)


def _positions(alignment: Alignment) -> tuple[np.ndarray, np.ndarray]:
    """For each source sentence the target position of its bead on the path, and vice versa."""
    src_pos = np.zeros(len(alignment.zh), dtype=np.int64)
    tgt_pos = np.zeros(len(alignment.en), dtype=np.int64)
    i = j = 0
    for bead in alignment.beads:
        for a in bead.zh:
            src_pos[a] = j
        for b in bead.en:
            tgt_pos[b] = i
        i += len(bead.zh)
        j += len(bead.en)
    return src_pos, tgt_pos


def _window(center: int, size: int) -> slice:
    return slice(max(0, center - WINDOW), min(size, center + WINDOW + 1))


def calibrate_pairs(sim: Similarity, alignment: Alignment, src_pos: np.ndarray) -> PairCalibration:
    aligned, near = [], []
    for bead in alignment.beads:
        if len(bead.zh) == 1 and len(bead.en) == 1:
            i, j = bead.zh[0], bead.en[0]
            aligned.append(sim[i, j])
            row = sim[i, _window(src_pos[i], sim.shape[1])]
            start = max(0, src_pos[i] - WINDOW)
            if 0 <= j - start < len(row):
                row[j - start] = -1.0
            if len(row) > 1:
                near.append(row.max())
    if len(aligned) < 3:  # too few 1-1 beads to learn from: fall back on row maxima and medians
        aligned = list(sim.row_max())
        near = list(sim.row_median())
    return PairCalibration(float(np.median(aligned)), float(np.median(near)) if near else 0.0)


def sentence_flags(alignment: Alignment, sim: Similarity, cal: PairCalibration
                   ) -> tuple[list[Flag], list[dict], list[tuple[int, int]]]:
    """Boilerplate and additions (0-1 beads) as flags; the Chinese sentences of 1-0 beads that are not
    found elsewhere nearby as candidates ``(bead, sentence)``, judged against their neighbours later."""
    src_pos, tgt_pos = _positions(alignment)
    flags, moved, candidates = [], [], []
    for k, bead in enumerate(alignment.beads):
        if bead.zh and not bead.en:
            for i in bead.zh:
                flag = _unaligned(alignment, k, "zh", i, sim[i, _window(src_pos[i], sim.shape[1])],
                                  max(0, src_pos[i] - WINDOW), cal, moved)
                if flag and flag.kind == "boilerplate":
                    flags.append(flag)
                elif flag:
                    candidates.append((k, i))
        elif bead.en and not bead.zh:
            for j in bead.en:
                flag = _unaligned(alignment, k, "en", j, sim[_window(tgt_pos[j], sim.shape[0]), j],
                                  max(0, tgt_pos[j] - WINDOW), cal, moved)
                if flag:
                    flags.append(flag)
    return flags, moved, candidates


def _unaligned(alignment: Alignment, k: int, side: str, index: int, row: np.ndarray, offset: int,
               cal: PairCalibration, moved: list[dict]) -> Flag | None:
    sentence = (alignment.zh if side == "zh" else alignment.en)[index]
    text = sentence.text
    where = {"zh_sentence": index, "zh_paragraph": sentence.paragraph} if side == "zh" else \
        {"en_sentence": index, "en_paragraph": sentence.paragraph}
    bp = boilerplate.whole_sentence(text)
    if bp:
        return Flag("boilerplate", BOILERPLATE_CONFIDENCE, f"{bp}, not translated", zh=text if side == "zh" else "",
                    en=text if side == "en" else "", span=(0, len(text)) if side == "zh" else None, bead=k, **where)
    size = zh_size(text) if side == "zh" else en_size(text)
    if size < MIN_UNIT_CHARS:
        return None
    best = int(np.argmax(row)) if len(row) else -1
    carried = cal.carried(float(row[best])) if best >= 0 else 0.0
    other = int(offset + best)  # plain ints: the record goes into the JSON output
    if carried >= CARRIED_AT:
        moved.append({"side": side, "sentence": index, "matches": other, "carried": round(carried, 3)})
        if side == "en":
            return None
        # a Chinese sentence still goes to the sentence model, whose cover features weigh the match
    confidence = sigmoid(6.0 * (CARRIED_AT - carried))
    if side == "zh":
        return Flag("sentence", round(confidence, 3),
                    f"no English counterpart (best match nearby is {carried:.0%} of the way from an unrelated "
                    "sentence to a typical aligned pair)", zh=text, span=(0, len(text)), bead=k,
                    en_paragraph=_nearest_en_paragraph(alignment, k), **where)
    return Flag("addition", round(confidence, 3),
                f"no Chinese source (best match nearby is {carried:.0%} of the way from an unrelated sentence "
                "to a typical aligned pair)", en=text, bead=k, **where)


def _nearest_en_paragraph(alignment: Alignment, k: int) -> int | None:
    """The English paragraph where an omitted sentence would have gone: that of the nearest aligned bead,
    preferring the one before it in the same Chinese paragraph."""
    zh_par = alignment.paragraphs(alignment.beads[k])[0]
    before = after = None
    for b in reversed(alignment.beads[:k]):
        if b.en and b.zh:
            before = b
            break
    for b in alignment.beads[k + 1:]:
        if b.en and b.zh:
            after = b
            break
    for b in ((before, after) if before and alignment.paragraphs(before)[0] == zh_par else (after, before)):
        if b is not None:
            return alignment.paragraphs(b)[1]
    return None


# ---------------------------------------------------------------- clause level

@dataclass
class Unit:
    """A candidate inside an aligned bead: a whole sentence of a many-sentence bead, or a clause."""

    bead: int
    sentence: int
    clause: Clause
    kind: str  # "sentence" or "clause"
    zh_text: str  # the bead's Chinese (for an unaligned sentence: a neighbour's Chinese with it added)
    rest: str  # the same without this unit
    en: tuple[int, ...]  # the English sentences it is compared with
    boilerplate: str | None = None
    cover: float = 0.0
    gain: float = 0.0
    share: float = 0.0
    ratio: float = 0.0  # log of the bead's English words per Chinese character: low when the English is short
    own: float = 0.0  # best cosine with a piece of the bead's own English
    full: float = 0.0  # cosine of the bead's Chinese with its English
    features: dict | None = None
    confidence: float = 0.0
    own_sims: np.ndarray | None = None  # cosine with each piece of the bead's own English
    # dictionary words of the clause whose CC-CEDICT translation the bead's English has, and how many it has;
    # None where the language pair has no lexicon
    lex: tuple[int, int] | None = None
    anchors: int = 0  # numbers and Latin words of the clause the bead's English lacks, less those it has
    word: float = 0.0  # how well the bead's English explains the clause's words (document word model, units)


def bead_units(alignment: Alignment, k: int, bead: Bead) -> list[Unit]:
    texts = [alignment.zh[i].text for i in bead.zh]
    zh_text = join_sentences(texts, alignment.src_lang)
    units = []
    offset = 0
    sep = len(join_sentences(["", ""], alignment.src_lang))
    # each clause unit copies the bead's text: none beside an overlong sentence (see split_clauses)
    clauses = all(len(text) <= MAX_SENTENCE_CHARS for text in texts)
    for i, text in zip(bead.zh, texts):
        pieces = _sentence_pieces(text)
        whole = Clause(0, len(text), text)
        if len(bead.zh) > 1:
            bp = boilerplate.whole_sentence(text)
            units.append(Unit(k, i, whole, "sentence", zh_text,
                              zh_text[:offset] + zh_text[offset + len(text) + sep:], bead.en, bp))
        if clauses and len(pieces) > 1:
            for clause, bp in pieces:
                rest = zh_text[:offset] + without(text, clause) + zh_text[offset + len(text):]
                units.append(Unit(k, i, clause, "clause", zh_text, rest, bead.en, bp))
        offset += len(text) + sep
    return [u for u in units if zh_size(u.clause.text) >= MIN_UNIT_CHARS]


def _sentence_pieces(text: str) -> list[tuple[Clause, str | None]]:
    """Clauses of a sentence, with boilerplate (a trailing photo credit…) kept as pieces of its own."""
    bps = boilerplate.spans(text)
    if bps and bps[0].start == 0 and bps[0].end == len(text):
        return [(Clause(0, len(text), text), bps[0].reason)]
    pieces: list[tuple[Clause, str | None]] = []
    cursor = 0
    for bp in sorted(bps, key=lambda b: b.start) + [boilerplate.Boilerplate(len(text), len(text), "")]:
        segment = text[cursor:bp.start]
        for c in split_clauses(segment, "zh"):
            pieces.append((Clause(cursor + c.start, cursor + c.end, c.text), None))
        if bp.end > bp.start:
            pieces.append((Clause(bp.start, bp.end, text[bp.start:bp.end]), bp.reason))
        cursor = max(cursor, bp.end)
    return pieces


def en_pieces(sentences: list[str]) -> list[str]:
    """What a Chinese clause may be compared with: each English sentence, clause and pair of clauses."""
    return [p for s in sentences for p in _en_sentence_pieces(s)]


@lru_cache(maxsize=65536)
def _en_sentence_pieces(sentence: str) -> tuple[str, ...]:
    # every unit asks for the pieces of the English around it: a book's review splits each sentence once
    clauses = split_clauses(sentence, "en")
    if len(clauses) < 2:
        return (sentence,)
    return (sentence, *(c.text for c in clauses), *(sentence[a.start:b.end] for a, b in zip(clauses, clauses[1:])))


def unaligned_units(alignment: Alignment, candidates: list[tuple[int, int]]) -> list[Unit]:
    """An unaligned Chinese sentence tried as part of the aligned bead before it and the one after it:
    when one of them carries it (the search left it out, say, for a short "so it was"), adding it to
    that bead raises the bead's similarity and some piece of that English matches it."""
    units = []
    aligned = [k for k, b in enumerate(alignment.beads) if b.zh and b.en]
    for k, i in candidates:
        text = alignment.zh[i].text
        whole = Clause(0, len(text), text)
        before = [n for n in aligned if n < k][-1:]
        after = [n for n in aligned if n > k][:1]
        for n, first in [(n, False) for n in before] + [(n, True) for n in after]:
            nb = alignment.beads[n]
            rest = join_sentences([alignment.zh[a].text for a in nb.zh], alignment.src_lang)
            zh_text = join_sentences([text, rest] if first else [rest, text], alignment.src_lang)
            units.append(Unit(k, i, whole, "unaligned", zh_text, rest, nb.en))
    return units


# English sentences either side of a bead also searched for a clause: content the search put in the
# neighbouring bead (or the translator moved a sentence up) is misplaced, not missing.
COVER_REACH = 2


def _reach(alignment: Alignment, en: tuple[int, ...]) -> list[str]:
    lo, hi = max(0, min(en) - COVER_REACH), min(len(alignment.en), max(en) + COVER_REACH + 1)
    return [alignment.en[j].text for j in range(lo, hi)]


def score_units(alignment: Alignment, units: list[Unit], embedder: Embedder,
                model: WordModel | None = None) -> list[Unit]:
    """Compute ``cover`` (best cosine of the unit with a piece of the English around it) and ``gain``
    (how much the Chinese matches its English better without the unit: positive when the English lacks it)."""
    for u in units:
        en_sents = [alignment.en[j].text for j in u.en]
        embedder.want("tgt", join_sentences(en_sents, alignment.tgt_lang))
        for p in en_pieces(_reach(alignment, u.en)):
            embedder.want("tgt", p)
        for text in (u.zh_text, u.clause.text, u.rest):
            if text.strip():
                embedder.want("src", text)
    embedder.run()
    for u in units:
        en_sents = [alignment.en[j].text for j in u.en]
        e = embedder("tgt", join_sentences(en_sents, alignment.tgt_lang))
        pieces = np.stack([embedder("tgt", p) for p in en_pieces(_reach(alignment, u.en))])
        own = np.stack([embedder("tgt", p) for p in en_pieces(en_sents)])
        full = _cos(embedder("src", u.zh_text), e)
        u.full = full
        v = embedder("src", u.clause.text)
        u.cover = float((pieces @ v).max())
        u.own_sims = own @ v
        u.own = float(u.own_sims.max())
        u.gain = (_cos(embedder("src", u.rest), e) - full) if u.rest.strip() else -full
        u.share = zh_size(u.clause.text) / max(1, zh_size(u.zh_text))
        u.ratio = math.log((en_size(" ".join(en_sents)) + 1) / (zh_size(u.zh_text) + 1))
    lexical_cover(alignment, units, model)
    return units


_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_LATIN = re.compile(r"[A-Za-z]{2,}")


def anchor_words(text: str) -> set[str]:
    """Numbers (thousands separators dropped) and Latin words: they read the same in both languages."""
    return {n.replace(",", "") for n in _NUMBER.findall(text)} | {w.lower() for w in _LATIN.findall(text)}


def anchor_balance(own: set[str], english: set[str]) -> int:
    """Anchors of a Chinese text its English lacks, less those it has."""
    return len(own - english) - len(own & english)


def lexical_cover(alignment: Alignment, units: list[Unit], model: WordModel | None = None) -> None:
    """Set ``lex``, ``anchors`` and ``word`` of each unit from the CC-CEDICT lexicon and the document's own
    word model (:mod:`~aligner.omissions.wordmodel`): evidence independent of the encoder that still works
    for a clause of a few words, where sentence embeddings are weak. Only Chinese–English has a lexicon;
    other pairs keep the neutral defaults. ``model``: the document's word model, when the caller has it."""
    if not translates(alignment.src_lang, alignment.tgt_lang):
        return

    words = model or WordModel.of(alignment)
    english: dict[tuple[int, ...], tuple[set[str], set[str], tuple[str, ...]]] = {}
    for u in units:
        if u.en not in english:
            text = join_sentences([alignment.en[j].text for j in u.en], alignment.tgt_lang)
            english[u.en] = set(english_keys(text)), anchor_words(text), english_tokens(text)
        keys, anchors, _ = english[u.en]
        u.lex = coverage(u.clause.text, keys)
        u.anchors = anchor_balance(anchor_words(u.clause.text), anchors)
    pairs = [(chinese_tokens(u.clause.text), english[u.en][2]) for u in units]
    for u, (zh, _), word in zip(units, pairs, words.units(pairs)):
        u.word = float(np.clip(word, -Z_CLIP, Z_CLIP)) if zh else 0.0


def all_units(alignment: Alignment, candidates: list[tuple[int, int]]) -> list[Unit]:
    units = [u for k, b in enumerate(alignment.beads) if b.zh and b.en for u in bead_units(alignment, k, b)]
    return units + unaligned_units(alignment, candidates)




def sentence_omissions(alignment: Alignment, scored: list) -> list[Flag]:
    """Flags for the whole sentences :mod:`aligner.omissions.sentences` judged missing."""
    flags = []
    for c in scored:
        if c.confidence < FLAG_AT or c.moved:
            continue
        s = alignment.zh[c.sentence]
        f = c.features
        where = "left unaligned by the search; " if c.unaligned else ""
        reason = (f"no English counterpart: {where}the nearby English matches the Chinese "
                  f"{f['gain']:+.2f} calibration units better without it, and its best English match is "
                  f"{f['cover']:.2f} of the way from a near miss to a typical aligned pair")
        en_par = _nearest_en_paragraph(alignment, c.bead) if c.unaligned else \
            alignment.en[alignment.beads[c.bead].en[0]].paragraph
        flags.append(Flag("sentence", round(c.confidence, 3), reason, zh=s.text, zh_sentence=c.sentence,
                          zh_paragraph=s.paragraph, en_paragraph=en_par, span=(0, len(s.text)), bead=c.bead))
    return flags


# A clause's omission model: logistic weights fitted on synthetic clause deletions (one seed, 2%, 5% and 10% of
# the gold 1-1 beads of the project's documents and the Bible; ``scripts/bench_omissions.py --fit-clauses
# 1,2``) and checked on another seed. Features (see :func:`clause_features`) are in the document's own units.
# The clause's share of its bead is left out on purpose: synthetic deletions sit only in 1-1 beads, so it
# would learn that clauses of many-sentence beads are never missing, which a loose translation disproves.
CLAUSE_WEIGHTS = {"zgain": 0.65, "owncover": -0.35, "length": 1.33, "anchors": 2.16, "zlex": -0.32,
                  "sib_lex": -1.87, "zratio": -0.96, "short_lex": 1.01, "claimed": -0.92, "word_model": -0.16}
# Fitted intercept -5.87, moved so that confidence 0.5 is model probability 0.31: the most held-out recall at
# held-out precision 0.7, the aim (precision / recall over the clauses, pooled over the three deletion
# rates: 0.70 / 0.66 held-out, 0.72 / 0.69 in-sample; at 0.35 0.74 / 0.64 held-out, 0.75 / 0.65 in-sample; without the document's
# word model 0.72 / 0.64 at 0.35; the embedding-only model of before, refitted on the same deletions: 0.71 /
# 0.52 held-out).
CLAUSE_BIAS = -5.07
# Language pairs without a lexicon: the same fit without the dictionary features (``--fit-clauses
# 1,2,zgain,owncover,length,zratio,claimed``: 0.75 / 0.66 in-sample, 0.73 / 0.63 held-out at probability 0.35;
# on six more seeds of zh-en deletions at 5% it finds 0.66 of them against the full model's 0.70, the bead's
# length ratio carrying much of what the dictionary says about a bead missing content).
CLAUSE_EMBEDDING_WEIGHTS = {"zgain": 0.91, "owncover": -0.44, "length": 1.8, "zratio": -1.0, "claimed": -0.99}
CLAUSE_EMBEDDING_BIAS = -4.64  # fitted -5.26, moved like CLAUSE_BIAS


Z_CLIP = 5.0  # robust z-scores are clipped: a very uniform document would make them explode


# A clause's dictionary cover is shrunk towards the document's pooled cover by this many words' worth, so
# that a clause of one or two dictionary words cannot look entirely missing (or entirely there).
LEX_PRIOR_WORDS = 2.0
LEX_FLOOR = 0.05  # least spread of clause covers in a document (a share of its dictionary words)
RATIO_FLOOR = 0.05  # least spread of the log length ratio of beads in a document
ANCHOR_CLIP = 2  # two missing numbers or names are evidence enough; more say no more


def _lexical_rates(units: list[Unit]) -> dict[int, float]:
    """Each clause's shrunk dictionary cover, by ``id`` of the unit; empty without a lexicon."""
    known = [u for u in units if u.lex is not None]
    words = sum(u.lex[1] for u in known)
    if not words:
        return {}
    pooled = sum(u.lex[0] for u in known) / words
    return {id(u): (u.lex[0] + LEX_PRIOR_WORDS * pooled) / (u.lex[1] + LEX_PRIOR_WORDS) for u in known}


def _claimed(u: Unit, others: list[Unit]) -> float:
    """How much better the clause matches its best piece of the bead's English than the sentence's other
    clauses do: negative when that piece is really another clause's translation and this one borrowed it."""
    if u.own_sims is None:
        return 0.0
    best = int(np.argmax(u.own_sims))
    rivals = [o.own_sims[best] for o in others if o.own_sims is not None]  # siblings share the bead's English
    return float(u.own_sims[best] - max(rivals)) if rivals else 0.0


def clause_features(units: list[Unit], scale: float, near_miss: float) -> list[dict]:
    """Features of each clause, in units of the document's own calibration (see :func:`clause_flags`)."""
    if not units:
        return []
    cover_mid, cover_spread = robust_scale(np.array([u.cover for u in units]), 0.02)
    gain_mid, gain_spread = robust_scale(np.array([u.gain for u in units]), 0.005)
    sizes = np.array([max(1, zh_size(u.clause.text)) for u in units], dtype=np.float64)
    median_size = float(np.median(sizes))
    siblings: dict[tuple[int, int], list[Unit]] = {}
    for u in units:
        siblings.setdefault((u.bead, u.sentence), []).append(u)
    ratio_mid, ratio_spread = robust_scale(np.array([u.ratio for u in units]), RATIO_FLOOR)
    rates = _lexical_rates(units)
    lex_mid, lex_spread = robust_scale(np.array(list(rates.values())), LEX_FLOOR) if rates else (0.0, 1.0)
    out = []
    for u, size in zip(units, sizes):
        others = [o for o in siblings[(u.bead, u.sentence)] if o is not u]
        rate = rates.get(id(u))
        sib_rates = [rates[id(o)] for o in others if id(o) in rates]
        sib_lex = rate - float(np.mean(sib_rates)) if rate is not None and sib_rates else 0.0
        zratio = float(np.clip((u.ratio - ratio_mid) / ratio_spread, -Z_CLIP, Z_CLIP))
        out.append({
            # dictionary cover against the document's typical clause, and against the sentence's other clauses
            "zlex": float(np.clip((rate - lex_mid) / lex_spread, -Z_CLIP, Z_CLIP)) if rate is not None else 0.0,
            "sib_lex": sib_lex,
            "anchors": float(np.clip(u.anchors, -ANCHOR_CLIP, ANCHOR_CLIP)),
            "word_model": u.word,
            # an English shorter than the document's usual for this much Chinese, and whether this clause is
            # the one whose words it lacks: the bead misses something, and the dictionary says what
            "zratio": zratio,
            "short_lex": zratio * sib_lex,
            # whether the English this clause matches best is its own or a sibling's
            "claimed": _claimed(u, others) / scale,
            # the odd one out of its sentence: gain above, cover below the other clauses'
            "sib_gain": (u.gain - max(o.gain for o in others)) / scale if others else 0.0,
            "sib_cover": (u.cover - min(o.cover for o in others)) / scale if others else 0.0,
            "gain": u.gain / scale,
            "zgain": float(np.clip((u.gain - gain_mid) / gain_spread, -Z_CLIP, Z_CLIP)),
            "cover": (u.cover - near_miss) / scale,
            "zcover": float(np.clip((u.cover - cover_mid) / cover_spread, -Z_CLIP, Z_CLIP)),
            "own": (u.own - u.cover) / scale,
            "owncover": (u.own - near_miss) / scale,
            "bead": (u.full - near_miss) / scale,
            "share": u.share,
            "length": math.log(size / median_size),
        })
    return out


def clause_flags(alignment: Alignment, units: list[Unit], skip: set[int] = frozenset(), scale: float = 0.1,
                 near_miss: float = 0.0) -> list[Flag]:
    """Clauses the bead's English does not carry (by the clause model), and boilerplate the English lacks.

    Whole sentences are judged by :mod:`aligner.omissions.sentences`; here only clauses (and boilerplate
    sentences inside many-sentence beads) are decided. ``skip``: sentences already flagged whole.
    ``scale`` and ``near_miss``: the document's calibration (:func:`~aligner.omissions.calibrate.pair_scale`).
    """
    clauses = [u for u in units if u.kind == "clause" and u.boilerplate is None]
    weights, bias = (CLAUSE_WEIGHTS, CLAUSE_BIAS) if any(u.lex is not None for u in clauses) else \
        (CLAUSE_EMBEDDING_WEIGHTS, CLAUSE_EMBEDDING_BIAS)
    for u, f in zip(clauses, clause_features(clauses, scale, near_miss)):
        u.features = {k: round(v, 3) for k, v in f.items()}
        u.confidence = sigmoid(bias + sum(w * f[k] for k, w in weights.items()))
    real = clauses or [u for u in units if u.boilerplate is None]
    cover_mid, cover_spread = robust_scale(np.array([u.cover for u in real]), 0.02)
    gain_mid, gain_spread = robust_scale(np.array([u.gain for u in real]), 0.005)
    flags = []
    for u in units:
        if u.sentence in skip:
            continue
        s = alignment.zh[u.sentence]
        en_par = alignment.en[u.en[0]].paragraph
        if u.boilerplate is not None:
            # boilerplate the English does not seem to carry: cheap to show (it is not an omission), so
            # it needs only a below-typical match, and its confidence is that of the pattern
            if (cover_mid - u.cover) / cover_spread + (u.gain - gain_mid) / gain_spread <= 0:
                continue
            flags.append(Flag("boilerplate", BOILERPLATE_CONFIDENCE, f"{u.boilerplate}, not translated",
                              zh=u.clause.text, zh_sentence=u.sentence, zh_paragraph=s.paragraph,
                              en_paragraph=en_par, span=(u.clause.start, u.clause.end), bead=u.bead))
            continue
        if u.kind != "clause" or u.confidence < FLAG_AT:
            continue
        f = u.features
        reason = (f"clause not covered by the bead's English: its best match there is {f['owncover']:.2f} of the "
                  f"way from a near miss to a typical aligned pair, and the bead matches its English "
                  f"{f['gain']:+.2f} calibration units better without it")
        if u.lex is not None:
            reason += f"; {u.lex[0]} of its {u.lex[1]} dictionary words have a translation there"
        flags.append(Flag("clause", round(u.confidence, 3), reason, zh=u.clause.text, zh_sentence=u.sentence,
                          zh_paragraph=s.paragraph, en_paragraph=en_par,
                          span=(u.clause.start, u.clause.end), bead=u.bead))
    return flags
