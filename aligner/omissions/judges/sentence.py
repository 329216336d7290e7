"""Whole-sentence omissions: is a Chinese sentence carried by the English the search gave it (or, for an
unaligned sentence, by the English of the neighbouring bead that welcomes it most)?

Features, in units of the document's own calibration (the gap between a typical aligned 1-1 pair and a
typical near miss), so no raw cosine threshold appears here:

- ``gain``: how much better the host bead's Chinese matches its English *without* the sentence;
- ``cover``: the sentence's best cosine with an English sentence within ``cover_reach`` of the host;
- ``pieces``: its best cosine with an English sentence, clause or pair of clauses within ``piece_reach``;
- ``unaligned``: the search itself left the sentence unaligned;
- ``length``: log of its length over the document's median sentence length (short sentences are folded
  into a neighbour's English and move the bead's vector too little for ``gain`` to say much), and
  ``length_u``, the same for an unaligned sentence only;
- ``share``: its share of the characters of the host's Chinese (with it);
- ``length_gain``: how much better the host English's length fits the Chinese without the sentence, in
  robust deviations of the document's 1-1 length ratios (Gale and Church's evidence);
- ``anchors``: numbers and Latin words only it has that the host English lacks, less those it has;
- with a lexicon, the ``dict_`` features (:meth:`~aligner.omissions.dictionary.DictionaryWords.sentence_features`).

The model (``models/sentence.json``, or ``sentence-embedding.json`` without a lexicon) is fitted on synthetic
deletions by ``scripts/bench_omissions.py``.
"""

from __future__ import annotations

import math

import numpy as np

from ..calibrate import robust_scale
from ..context import ReviewContext
from ..dictionary import DictionaryWords
from ..evidence import (anchor_balance, anchor_words, en_pieces, flatten, group_max, numbers, pair_dots, reach,
                        source, target, text_size, unit)
from ..logistic import load_model
from ..model import Flag
from .base import Judge, Verdict
from .carried import Turns, carriers, turns_kept
from .hosts import Candidate, candidates, displaced_beads
from .nearby import moved_share
from .rescore import Welcome, chinese_welcomes


class SentenceJudge(Judge[list[Candidate]]):
    def __init__(self, pending: list[tuple[int, int]], carried: set[int] = frozenset()):
        self.pending = pending  # the unaligned Chinese sentences handed on, as (bead, sentence)
        self.carried = carried  # … and those of them a sentence nearby carries (moved or repeated)

    def candidates(self, ctx: ReviewContext) -> list[Candidate]:
        return candidates(ctx, self.pending, displaced_beads(ctx))

    def features(self, ctx: ReviewContext, cands: list[Candidate]) -> dict[str, np.ndarray]:
        if not cands:
            return {}
        a, p, emb = ctx.alignment, ctx.params, ctx.embedder
        hosts = [a.beads[c.host].en for c in cands]
        english = [target(a, en) for en in hosts]
        with_, without = [source(a, c.zh_with) for c in cands], [source(a, c.zh_without) for c in cands]
        own = [a.zh[c.sentence].text for c in cands]
        piece_texts, starts = flatten(en_pieces([a.en[j].text for j in reach(a, en, p.piece_reach)],
                                                p.min_clause_words) for en in hosts)
        emb.want("tgt", english)
        emb.want("src", with_ + [t for t in without if t] + own)
        emb.want("tgt", piece_texts)
        emb.run()
        src, tgt = emb.matrix("src"), emb.matrix("tgt")
        e = unit(tgt[emb.rows("tgt", english)])
        full = np.einsum("ij,ij->i", unit(src[emb.rows("src", with_)]), e)
        has_rest = np.array([bool(c.zh_without) for c in cands])
        rest = np.zeros(len(cands), dtype=full.dtype)
        rest[has_rest] = np.einsum("ij,ij->i", unit(src[emb.rows("src", [t for t in without if t])]), e[has_rest])
        cells, cover_starts = flatten(reach(a, en, p.cover_reach) for en in hosts)
        owner = np.repeat(np.arange(len(cands)), np.diff(cover_starts))
        sentences = np.array([c.sentence for c in cands])
        cover = group_max(ctx.sim.pairs(sentences[owner], np.array(cells)), cover_starts).astype(np.float64)
        v = unit(src[emb.rows("src", own)])
        piece_rows = emb.rows("tgt", piece_texts)
        pieces = group_max(pair_dots(v, np.repeat(np.arange(len(cands)), np.diff(starts)), unit(tgt[piece_rows]),
                                     np.arange(len(piece_rows))), starts).astype(np.float64)
        lengths = np.array([len(t) for t in own], dtype=np.float64)
        median_len = float(np.median([len(s.text) for s in a.zh])) or 1.0
        unaligned = np.array([float(c.unaligned) for c in cands])
        f = {"gain": (rest.astype(np.float64) - full) / ctx.scale, "cover": (cover - ctx.near_miss) / ctx.scale,
             "pieces": (pieces - ctx.near_miss) / ctx.scale, "unaligned": unaligned,
             "length": np.log(np.maximum(1, lengths) / median_len),
             "share": lengths / np.maximum(1, [sum(len(a.zh[x].text) for x in c.zh_with) for c in cands]),
             "length_gain": _length_gain(ctx, cands), "anchors": _anchors(ctx, cands)}
        f["length_u"] = f["length"] * unaligned
        if ctx.words is not None:  # built here, and let go after: only this judge reads it
            dictionary = DictionaryWords.of(a, ctx.words, p)
            f.update(dictionary.sentence_features(a, list(sentences), hosts, [c.zh_without for c in cands]))
        return f

    def scored(self, ctx: ReviewContext, cands: list[Candidate], features: dict[str, np.ndarray]
               ) -> list[Candidate]:
        """The candidates with their features and confidence, an unaligned sentence with only its more
        welcoming host (the one where adding it lowers the match least), by sentence."""
        best: dict[int, int] = {}
        for n, c in enumerate(cands):
            if not (c.unaligned and c.sentence in best and features["gain"][best[c.sentence]] <= features["gain"][n]):
                best[c.sentence] = n
        model = load_model("sentence" if ctx.words else "sentence-embedding")
        confidence = model.confidence(features)
        out = []
        for n in sorted(best.values(), key=lambda n: cands[n].sentence):
            c = cands[n]
            c.features = {k: round(float(v[n]), 3) for k, v in features.items()}
            c.confidence = float(confidence[n])
            out.append(c)
        return out

    def decide(self, ctx: ReviewContext, cands: list[Candidate], features: dict[str, np.ndarray]) -> Verdict:
        """Flag the sentences the model finds missing, unless a piece of another bead's English within
        ``moved_reach`` sentences carries them (:func:`~.carried.carriers`, next door included): translators of
        news move content into the lead or a later paragraph; such a sentence is not missing. Nor is a sentence of a
        many-sentence bead carried nearby by words and by the encoder alike: ``nearby_share`` of its own words
        translated within ``nearby_reach`` sentences and not by its bead (:func:`~.nearby.moved_share`), and
        its best English match around its host (``cover``) ``carried_at`` of the way to a typical pair.
        Literary translators fold an image into the neighbouring sentence; each witness alone also fires on
        the Bible's recurring formulae. Its clauses are then judged as any others (part of it may still be
        missing). So are those of a sentence its own bead's English carries at least in part
        (:func:`carried_by_bead`): at most part of it is missing. An unaligned sentence is left to the
        search's verdict, which weighed that English already (docs/omissions.md has the figures). A sentence
        still missing that the neighbouring bead's English welcomes by ``rescore_at`` units (re-scored,
        :func:`~.rescore.chinese_welcomes`) is an ``alignment`` flag naming that English, not an omission, and so
        is one that opens a speech turn in an exchange whose English opens as many turns as its Chinese
        (:func:`~.carried.turns_kept`): the English keeps the turn, paired with another.
        So is a sentence the search left unaligned that the model does not find missing and no English
        sentence nearby carries (``carried``): its English must be somewhere, most likely in the neighbouring
        bead that welcomes it most, and a reviewer is told so rather than nothing."""
        a, p = ctx.alignment, ctx.params
        scored = self.scored(ctx, cands, features) if cands else []
        # the sentences to account for: those the model finds missing, and the unaligned ones it does not that
        # no English sentence nearby carries
        judged = [c for c in scored if c.confidence >= p.flag_at or (c.unaligned and c.sentence not in self.carried)]
        S = np.asarray(a.src_vectors)
        jobs = [[j for j in reach(a, a.beads[c.host].en, p.moved_reach) if j not in a.beads[c.host].en]
                for c in judged]
        out = Verdict()
        merged = [c for c in judged if not c.unaligned]
        shares = dict(zip((c.sentence for c in merged), moved_share(
            ctx, [a.zh[c.sentence].text for c in merged], [a.beads[c.host].en for c in merged],
            [c.sentence for c in merged])))
        missing, unsure = [], []
        sentences = [c.sentence for c in judged]
        hosts = [a.beads[c.host].en for c in judged]
        own = np.array([max(float(ctx.sim[c.sentence, j]) for j in en) for c, en in zip(judged, hosts)])
        found = carriers(ctx, S[sentences], jobs, sentences, hosts, own, [numbers(a.zh[i].text) for i in sentences])
        for c, carrier in zip(judged, found):
            if carrier:
                c.moved = carrier.moved(ctx, c.sentence)
                out.moved.append(c.moved)
                out.judged.add(c.sentence)
                continue
            if c.confidence < p.flag_at:
                unsure.append(c)
                continue
            cover = ctx.cal.carried(c.features["cover"] * ctx.scale + ctx.near_miss)
            if shares.get(c.sentence, 0.0) >= p.nearby_share and cover >= p.carried_at:
                continue
            if carried_by_bead(ctx, c):
                continue  # its clauses are judged instead
            missing.append(c)
        welcomes = chinese_welcomes(ctx, [(c.sentence, c.bead) for c in missing + unsure])
        for c, welcome in zip(missing, welcomes):
            out.flags.append(_flag(ctx, c, welcome if welcome and welcome.gain >= p.rescore_at else None,
                                   turns=turns_kept(ctx, c.sentence, c.bead)))
            out.judged.add(c.sentence)
        for c, welcome in zip(unsure, welcomes[len(missing):]):
            out.flags.append(_flag(ctx, c, welcome, unsure=True))
            out.judged.add(c.sentence)
        return out


def _flag(ctx: ReviewContext, c: Candidate, welcome: Welcome | None, unsure: bool = False,
          turns: Turns | None = None) -> Flag:
    """The sentence flag of a missing sentence, or, where re-scoring finds a neighbouring bead whose English
    welcomes it (``welcome``), an ``alignment`` flag naming that English, and where it is a speech turn of an
    exchange whose English keeps as many turns (``turns``, :func:`~.carried.turns_kept`), one naming the
    exchange's English; for an ``unsure`` unaligned sentence (neither missing nor carried), an ``alignment``
    flag naming the most welcoming English."""
    a, f, s = ctx.alignment, c.features, ctx.alignment.zh[c.sentence]
    en_par = ctx.nearest_en_paragraph(c.bead) if c.unaligned else a.en[a.beads[c.bead].en[0]].paragraph
    if unsure:
        kind = "alignment"
        reason = (f"check the alignment: the search left zh {c.sentence} unaligned, but the review finds it "
                  f"neither clearly missing (sentence model {c.confidence:.2f}) nor carried by an English sentence "
                  "nearby")
        if welcome:
            reason += (f"; its English may be in {welcome.where()}: that bead matches its English "
                       f"{welcome.gain:+.2f} calibration units better with this sentence added")
    elif welcome:
        kind = "alignment"
        reason = (f"check the alignment: the English of zh {c.sentence} may be in {welcome.where()}; that bead "
                  f"matches its English {welcome.gain:+.2f} calibration units better with this sentence added")
    elif turns:
        kind = "alignment"
        reason = (f"check the alignment: zh {c.sentence} is a speech turn, and the English around it "
                  f"(en {turns.first}–{turns.last}) opens {turns.en} speech turns, its Chinese {turns.zh}: its "
                  "English is most likely among them")
    else:
        kind, where = "sentence", "left unaligned by the search; " if c.unaligned else ""
        reason = (f"no English counterpart: {where}the nearby English matches the Chinese "
                  f"{f['gain']:+.2f} calibration units better without it, and its best English match is "
                  f"{f['cover']:.2f} of the way from a near miss to a typical aligned pair")
    return Flag(kind, round(c.confidence, 3), reason, zh=s.text, zh_sentence=c.sentence, zh_paragraph=s.paragraph,
                en_paragraph=en_par, span=(0, len(s.text)), bead=c.bead)


def carried_by_bead(ctx: ReviewContext, c: Candidate) -> bool:
    """Whether a sentence of a many-sentence bead is carried, at least in part, by the bead's English: the
    English has ``host_own_words`` words that only it explains among the Chinese around (``own_words``: a
    translator who condenses two sentences into one keeps words of both, while a deletion merged into its
    neighbour's bead leaves English that is all the neighbour's), an English sentence of the bead matches it
    as a translation does (``host_carried_at``), or the bead matches its English less than ``merged_gain_at``
    units better without it (the merged English carries it as well as the rest)."""
    p = ctx.params
    return not c.unaligned and (c.features.get("own_words", 0) >= p.host_own_words
                                or c.features["gain"] < p.merged_gain_at or _host_match(ctx, c) >= p.host_carried_at)


def _host_match(ctx: ReviewContext, c: Candidate) -> float:
    """Where the sentence's best match with an English sentence of its own bead lies from a typical near miss
    (0) to a typical aligned pair (1)."""
    return float(ctx.cal.carried(max(float(ctx.sim[c.sentence, j]) for j in ctx.alignment.beads[c.host].en)))


def _length_gain(ctx: ReviewContext, cands: list[Candidate]) -> np.ndarray:
    """How many deviations closer to the document's typical log length ratio (of its 1-1 pairs) the host's
    English is without the sentence, clipped to ``z_clip``."""
    a = ctx.alignment
    zh = np.array([text_size(s.text, a.src_lang) for s in a.zh], dtype=np.float64)
    en = np.array([text_size(s.text, a.tgt_lang) for s in a.en], dtype=np.float64)
    ones = [(b.zh[0], b.en[0]) for b in a.beads if len(b.zh) == 1 and len(b.en) == 1]
    ratios = np.array([math.log((en[j] + 1) / (zh[i] + 1)) for i, j in ones])
    mid, spread = robust_scale(ratios, ctx.params.length_ratio_floor)
    out = np.zeros(len(cands))
    for n, c in enumerate(cands):
        host = sum(en[j] for j in a.beads[c.host].en)
        with_it = abs(math.log((host + 1) / (sum(zh[i] for i in c.zh_with) + 1)) - mid)
        without = abs(math.log((host + 1) / (sum(zh[i] for i in c.zh_without) + 1)) - mid) if c.zh_without \
            else with_it
        out[n] = (with_it - without) / spread
    return np.clip(out, -ctx.params.z_clip, ctx.params.z_clip)


def _anchors(ctx: ReviewContext, cands: list[Candidate]) -> np.ndarray:
    """Numbers and Latin words of the sentence (and not of the rest of the host's Chinese) that the host's
    English lacks, less those it has: a heading "9 数据加密" or a date merged into the next sentence's bead
    leaves its number behind."""
    a = ctx.alignment
    out = np.zeros(len(cands))
    for n, c in enumerate(cands):
        own = anchor_words(a.zh[c.sentence].text).difference(*(anchor_words(a.zh[x].text) for x in c.zh_without))
        english = frozenset().union(*(anchor_words(a.en[j].text) for j in a.beads[c.host].en))
        out[n] = anchor_balance(own, english, ctx.params.anchor_clip)
    return out
