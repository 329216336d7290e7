"""ReviewParams (checked, recorded in the review's signature, settable from the API and the CLI), the fitted
models as data, and the typed moved records."""

from __future__ import annotations

import json
from dataclasses import fields

import numpy as np
import pytest
from click.testing import CliRunner

from aligner import ReviewParams, review
from aligner.api import align
from aligner.cli import main
from aligner.omissions.logistic import MODELS, LogisticModel, load_model
from aligner.omissions.model import Moved
from aligner.omissions.params import RANGES

ZH = ["今天天气很好，阳光明媚。", "我们去公园散步，看了很多花。", "公园里有很多人。", "孩子们在草地上玩耍，笑声不断。"]
EN = ["The weather is nice today.", "We went for a walk in the park and saw many flowers.", "The park was crowded.",
      "Children played on the grass."]


def test_every_parameter_has_a_range_and_a_checked_default():
    numbers = [f for f in fields(ReviewParams) if not isinstance(f.default, str)]  # the rest name encoders
    assert set(RANGES) == {f.name for f in numbers}
    for f in numbers:
        low, high = RANGES[f.name]
        assert low <= f.default <= high, f.name
        assert type(low) is type(f.default), f.name


@pytest.mark.parametrize("changes", [{"flag_at": 1.5}, {"flag_at": float("nan")}, {"window": 0}, {"window": 2.5},
                                     {"cover_reach": True}, {"z_clip": "5"}, {"moved_reach": 10_000}])
def test_bad_values_are_refused_with_one_clear_error(changes):
    with pytest.raises(ValueError, match="review parameter"):
        ReviewParams(**changes)


def test_values_are_plain_python_and_frozen():
    params = ReviewParams(window=np.int64(4), flag_at=np.float32(0.75))
    assert type(params.window) is int and type(params.flag_at) is float
    json.dumps(params.as_dict())
    with pytest.raises(AttributeError):
        params.window = 3


@pytest.fixture(scope="module")
def alignment():
    return align([ZH], [EN], encoder="hash", src_lang="zh", tgt_lang="en")


def test_api_takes_params_and_records_them_in_the_signature(alignment):
    default = review(alignment, "hash")
    strict = review(alignment, "hash", params=ReviewParams(flag_at=1.0))
    assert default.to_dict()["review"]["params"] == ReviewParams().as_dict()
    data = json.loads(json.dumps(strict.to_dict()))
    assert data["review"]["params"]["flag_at"] == 1.0
    assert set(data["review"]["models"]) == {"sentence", "clause"}  # zh-en: the dictionary models
    assert data["signature"] == alignment.signature  # the alignment's own signature is kept as it was
    assert not [f for f in strict.flags if f.kind in ("sentence", "clause", "addition")]
    with pytest.raises(TypeError, match="ReviewParams"):
        review(alignment, "hash", params={"flag_at": 0.5})


def test_cli_review_param(tmp_path):
    zh, en = tmp_path / "a.zh", tmp_path / "a.en"
    zh.write_text("\n".join(ZH) + "\n", encoding="utf-8")
    en.write_text("\n".join(EN) + "\n", encoding="utf-8")
    base = ["review", str(zh), str(en), "--encoder", "hash", "--no-cache", "-q", "-o", str(tmp_path / "out")]
    result = CliRunner().invoke(main, base + ["--review-param", "flag_at=0.8", "--review-param", "moved-reach=5"])
    assert result.exit_code == 0, result.output
    params = json.loads((tmp_path / "out.review.json").read_text(encoding="utf-8"))["review"]["params"]
    assert (params["flag_at"], params["moved_reach"]) == (0.8, 5)
    for bad in (["flag_at=2"], ["nope=1"], ["window"], ["window=1", "window=2"], ["window=x"]):
        result = CliRunner().invoke(main, base + [a for b in bad for a in ("--review-param", b)])
        assert result.exit_code == 2 and result.output.count("aligner: error:") == 1, (bad, result.output)
        assert "Traceback" not in result.output


@pytest.mark.parametrize("name", MODELS)
def test_models_are_package_data_with_their_provenance(name, tmp_path):
    model = load_model(name)
    assert len(model.features) == len(model.weights) and 0 < model.operating_point < 1
    assert model.fitted["command"].startswith("scripts/bench_omissions.py")
    assert model.fitted["fit_seeds"] and model.fitted["held_out_seeds"]
    model.write(tmp_path / "m.json")
    again = LogisticModel.from_json(json.loads((tmp_path / "m.json").read_text(encoding="utf-8")))
    assert again == model
    # confidence 0.5 where the model's probability is its operating point
    features = {k: np.zeros(1) for k in model.features}
    shifted = LogisticModel(model.features, model.weights, model.intercept, 1 / (1 + np.exp(-model.intercept)))
    assert abs(float(shifted.confidence(features)[0]) - 0.5) < 1e-12


def test_a_malformed_model_is_refused():
    with pytest.raises(ValueError):
        LogisticModel(("a", "b"), (1.0,), 0.0, 0.5)
    with pytest.raises(ValueError):
        LogisticModel(("a",), (1.0,), 0.0, 1.0)
    with pytest.raises(ValueError, match="no review model"):
        load_model("nope")


def test_moved_record_reads_as_its_json_mapping():
    sentence = Moved("en", 3, 2, 0.7)
    clause = Moved("zh", 5, 9, 1.2, en="a piece", margin=2.5, zh="一个分句", span=(3, 7))
    assert dict(sentence) == {"side": "en", "sentence": 3, "matches": 2, "carried": 0.7}
    assert "span" not in sentence and sentence.get("margin") is None
    assert list(clause) == ["side", "sentence", "matches", "carried", "en", "margin", "zh", "span"]
    assert clause.to_dict()["span"] == [3, 7] and json.dumps(clause.to_dict())
