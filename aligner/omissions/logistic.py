"""Fitted models as data: logistic models read from the JSON files under ``aligner/omissions/models/`` that
``scripts/bench_omissions.py --fit-sentences/--fit-clauses ... --write`` writes, with the seeds and held-out
figures each came from (``fitted``).

Confidence 0.5 is put at the model's ``operating_point`` (a probability chosen on held-out seeds: where
precision and recall meet, or the most recall at the precision aimed for), so that the review's one
``flag_at`` means the same for every model.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class LogisticModel:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    intercept: float  # as fitted
    operating_point: float  # the model probability that becomes confidence 0.5
    fitted: dict = field(default_factory=dict, compare=False, hash=False)  # how: command, seeds, figures

    def __post_init__(self):
        if len(self.features) != len(self.weights) or not 0.0 < self.operating_point < 1.0:
            raise ValueError("a logistic model needs one weight per feature and an operating point in (0, 1)")

    @property
    def bias(self) -> float:
        """The intercept moved so that the operating point is confidence 0.5."""
        p = self.operating_point
        return self.intercept - math.log(p / (1.0 - p))

    def confidence(self, features: dict[str, np.ndarray]) -> np.ndarray:
        """The confidence of each candidate from its feature columns (named as in ``features``; others are
        ignored), summed in the model's feature order."""
        total = np.zeros(len(next(iter(features.values()))) if features else 0)
        for name, weight in zip(self.features, self.weights):
            total = total + weight * np.asarray(features[name], dtype=np.float64)
        return sigmoid(self.bias + total)

    def to_json(self) -> dict:
        return {"features": list(self.features), "weights": list(self.weights), "intercept": self.intercept,
                "operating_point": self.operating_point, "fitted": self.fitted}

    def write(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def from_json(cls, data: dict) -> "LogisticModel":
        return cls(tuple(data["features"]), tuple(float(w) for w in data["weights"]), float(data["intercept"]),
                   float(data["operating_point"]), dict(data.get("fitted", {})))


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30.0, 30.0)))


MODELS = ("sentence", "sentence-embedding", "clause", "clause-embedding")


@lru_cache(maxsize=None)
def load_model(name: str) -> LogisticModel:
    """One of the package's fitted models (``MODELS``): ``-embedding`` for language pairs without a lexicon."""
    if name not in MODELS:
        raise ValueError(f"no review model {name!r}: one of {', '.join(MODELS)}")
    text = resources.files(__package__).joinpath("models", f"{name}.json").read_text(encoding="utf-8")
    return LogisticModel.from_json(json.loads(text))
