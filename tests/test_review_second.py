"""The second encoder's opinion on clause flags (``second_encoder``, ``second_tolerance``): checked, off by
default, measured like the first encoder's gains, skipped with one warning when it cannot be loaded."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from aligner import ReviewParams, review
from aligner.api import align
from aligner.cli import main
from aligner.errors import EncoderError
from aligner.omissions.context import ReviewContext
from aligner.omissions.evidence import cosines, target
from aligner.omissions.judges import second
from aligner.omissions.judges.units import Units

ZH = ["今天天气很好，阳光明媚，我们一早就出门了。", "我们去公园散步，看了很多花，还喂了鸽子。", "公园里有很多人。",
      "孩子们在草地上玩耍，笑声不断，大人们坐在长椅上聊天。"]
EN = ["The weather was nice today and we went out early.", "We went for a walk in the park and saw many flowers.",
      "The park was crowded.", "Children played on the grass, laughing."]


@pytest.fixture(scope="module")
def alignment():
    return align([ZH], [EN], encoder="hash", src_lang="zh", tgt_lang="en")


def _clauses(alignment, params):
    ctx = ReviewContext.build(alignment, second.get_encoder("hash", cache=False), params)
    return ctx, [u for u in Units.of(ctx).items if u.kind == "clause"]


@pytest.mark.parametrize("name", ["nope", "st", 3, None])
def test_a_bad_second_encoder_is_refused(name):
    with pytest.raises(ValueError, match="review parameter second_encoder"):
        ReviewParams(second_encoder=name)


def test_off_by_default(alignment):
    assert "second_encoder" not in review(alignment, "hash").to_dict()["review"]
    ctx, units = _clauses(alignment, ReviewParams())
    assert units and ReviewParams().second_encoder == ""
    assert second.second_gains(ctx, units) is None
    assert not second.carried_by_second(ctx, units).any()


def test_gains_and_the_tolerance(alignment):
    ctx, units = _clauses(alignment, ReviewParams(second_encoder="hash"))
    gains = second.second_gains(ctx, units)
    enc = second.second_encoder("hash", cache=False)
    u = units[0]
    e = enc.encode([target(alignment, u.en)])
    full, rest = enc.encode([u.zh_text]), enc.encode([u.rest])
    assert gains[0] == pytest.approx(float(cosines(full, e)[0] - cosines(rest, e)[0]), abs=1e-6)
    assert second.carried_by_second(ctx, units).tolist() == (gains > ctx.params.second_tolerance).tolist()
    for tolerance, carried in ((-2.0, True), (2.0, False)):
        ctx, _ = _clauses(alignment, ReviewParams(second_encoder="hash", second_tolerance=tolerance))
        assert (second.carried_by_second(ctx, units) == carried).all()


def test_a_carried_clause_is_not_flagged(alignment, monkeypatch):
    everything = ReviewParams(clause_flag_at=0.0, min_clause_content=0, min_bead_confidence=0.0, nearby_share=1.0,
                              clause_word_at=100.0)
    flagged = [f for f in review(alignment, "hash", everything, cache=False).flags if f.kind == "clause"]
    assert flagged
    monkeypatch.setattr(second, "second_gains", lambda ctx, units: np.ones(len(units)))  # reviewed again, not read
    assert not [f for f in review(alignment, "hash", everything, cache=False).flags if f.kind == "clause"]


def test_it_shares_the_first_encoders_cache(tmp_path, monkeypatch):
    cached = second.get_encoder("hash", cache_dir=tmp_path)
    assert second._cache_of(second.CheckedEncoder(cached)) == (str(tmp_path), True)
    assert second._cache_of(second.get_encoder("hash", cache=False)) == (None, False)


def test_an_encoder_that_cannot_load_is_skipped_with_one_warning(alignment, monkeypatch, capsys):
    def broken(name, **_):
        raise EncoderError("no such model here")

    second.second_encoder.cache_clear()
    monkeypatch.setattr(second, "get_encoder", broken)
    named = review(alignment, "hash", ReviewParams(second_encoder="e5-small"))
    assert named.to_dict()["review"]["second_encoder"] is None
    try:
        params = ReviewParams(second_encoder="e5-small", clause_flag_at=0.0, min_clause_content=0,
                              min_bead_confidence=0.0)
        plain = review(alignment, "hash", ReviewParams(clause_flag_at=0.0, min_clause_content=0,
                                                       min_bead_confidence=0.0)).flags
        assert review(alignment, "hash", params).flags == plain
        review(alignment, "hash", params)
    finally:
        second.second_encoder.cache_clear()
    err = capsys.readouterr().err
    assert err.count("aligner: warning: second encoder 'e5-small'") == 1 and "Traceback" not in err


def test_cli_sets_it(tmp_path):
    zh, en = tmp_path / "a.zh", tmp_path / "a.en"
    zh.write_text("\n".join(ZH) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")
    base = ["review", str(zh), str(en), "--encoder", "hash", "--no-cache", "-q", "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(main, base + ["--review-param", "second_encoder=hash",
                                              "--review-param", "second_tolerance=0.02"])
    assert result.exit_code == 0, result.output
    params = json.loads((tmp_path / "out.review.json").read_text(encoding="utf-8"))["review"]["params"]
    assert (params["second_encoder"], params["second_tolerance"]) == ("hash", 0.02)
    recorded = json.loads((tmp_path / "out.review.json").read_text(encoding="utf-8"))["review"]["second_encoder"]
    assert recorded.startswith("hash")
    result = CliRunner().invoke(main, base + ["--review-param", "second_encoder=nope"])
    assert result.exit_code == 2 and result.output.count("aligner: error:") == 1, result.output
