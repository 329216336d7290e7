#!/usr/bin/env python3
"""Fit the bead confidence model (aligner/confidence.py) on the gold sets, held out by document.

Every gold document is aligned with the default search (encoder ``use``), each bead labelled correct when the
gold has exactly that bead (strict), and a logistic model fitted on the features of
:func:`aligner.confidence.bead_features`. Calibration is measured leaving one document out: each document's
beads are predicted by a model fitted on the others. The thresholds of the words are chosen on those held-out
predictions: "likely" where the beads at or above it were correct at ``--likely-accuracy`` (90%) or more, and no
lower than that probability itself;
"possible" from ``--possible`` (0.5: more likely right than wrong, the model being calibrated). The final model (fitted on every document) goes to
aligner/models/confidence.json with the sets, the held-out figures and the reliability table, which also goes
to docs/benchmarks.md (section ``confidence``).

Sets: our zh-en documents and the README example (corpora/), the six MAC-Dev chapters and Text+Berg (test and
development documents) from ../shared/corpora. Not the Bible (scored verse-merged: a bead's strictness is not
defined sentence by sentence) nor ParIce (USE does not know Icelandic). Needs scikit-learn (``pip install
'.[fit]'``).

    python scripts/fit_confidence.py                    # all sets, writes the model and the table
    python scripts/fit_confidence.py --sets own,example --no-write
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from benchmark import SHARED, GoldSet, _lines, load_sets  # noqa: E402
from docsection import update_section  # noqa: E402

from aligner.api import align  # noqa: E402
from aligner.confidence import FEATURES, MODEL_PATH, bead_features, probabilities  # noqa: E402
from aligner.encoders import encoder_signature, get_encoder  # noqa: E402
from aligner.evaluate import read_beads  # noqa: E402

SETS = "own,example,mac,textberg,textberg-dev"
BINS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
C = 1.0  # sklearn's default inverse regularisation: the features are few and on comparable scales


def gold_sets(names: list[str]) -> list[GoldSet]:
    """benchmark.py's sets, plus the README example (raw text) and the MAC-Dev chapters (presplit)."""
    sets = load_sets(names)
    if "example" in names:
        d = ROOT / "corpora" / "example"
        sets.append(GoldSet("example", "README example (raw text)", "zh", "en",
                            [(d.joinpath("example.zh.txt").read_text(encoding="utf-8"),
                              d.joinpath("example.en.txt").read_text(encoding="utf-8"),
                              read_beads(d / "example.beads"), "example")]))
    if "mac" in names and (SHARED / "mac-dev-zh-en").is_dir():
        d = SHARED / "mac-dev-zh-en"
        docs = [(_lines(d / "zh" / f.stem), _lines(d / "en" / f.stem), read_beads(f), f"mac-{f.stem}")
                for f in sorted((d / "gold").glob("*.align"))]
        sets.append(GoldSet("mac", "MAC-Dev literary chapters (zh → en, presplit)", "zh", "en", docs))
    return sets


def labelled(gold: GoldSet, encoder) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """(document label, features, correct) for each document of the set."""
    out = []
    for src, tgt, beads, label in gold.docs:
        alignment = align(src, tgt, encoder=encoder, src_lang=gold.src_lang, tgt_lang=gold.tgt_lang)
        truth = {(tuple(a), tuple(b)) for a, b in beads}
        correct = np.array([(b.zh, b.en) in truth for b in alignment.beads], dtype=float)
        out.append((f"{gold.name}/{label}", bead_features(alignment), correct))
        print(f"{gold.name}/{label}: {len(correct)} beads, {correct.mean():.3f} correct", file=sys.stderr, flush=True)
    return out


def fit(X: np.ndarray, y: np.ndarray) -> dict:
    clf = LogisticRegression(C=C, max_iter=1000).fit(X, y)
    return {"features": list(FEATURES), "weights": [round(float(w), 6) for w in clf.coef_[0]],
            "intercept": round(float(clf.intercept_[0]), 6)}


def held_out(docs: list[tuple[str, np.ndarray, np.ndarray]]) -> np.ndarray:
    """Each document's beads predicted by the model fitted on all the other documents."""
    parts = []
    for k in range(len(docs)):
        X = np.concatenate([d[1] for j, d in enumerate(docs) if j != k])
        y = np.concatenate([d[2] for j, d in enumerate(docs) if j != k])
        parts.append(probabilities(docs[k][1], fit(X, y)))
    return np.concatenate(parts)


def threshold(p: np.ndarray, y: np.ndarray, accuracy: float) -> float:
    """The lowest probability at which the beads predicted at or above it were correct at ``accuracy``."""
    order = np.argsort(-p)
    running = np.cumsum(y[order]) / np.arange(1, len(y) + 1)
    ok = np.flatnonzero(running >= accuracy)
    # the last prefix that still meets the accuracy, cut between distinct values of p
    return round(float(p[order][ok[-1]]), 4) if ok.size else 1.0


def reliability(p: np.ndarray, y: np.ndarray) -> list[dict]:
    rows = []
    for lo, hi in zip(BINS[:-1], BINS[1:]):
        inside = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if inside.any():
            rows.append({"bin": f"{lo:.1f}–{hi:.1f}", "beads": int(inside.sum()),
                         "predicted": round(float(p[inside].mean()), 3), "observed": round(float(y[inside].mean()), 3)})
    return rows


def words(p: np.ndarray, y: np.ndarray, thresholds: dict) -> dict:
    out = {}
    for word, inside in (("likely", p >= thresholds["likely"]),
                         ("possible", (p >= thresholds["possible"]) & (p < thresholds["likely"])),
                         ("unlikely", p < thresholds["possible"])):
        out[word] = {"beads": int(inside.sum()), "correct": round(float(y[inside].mean()), 3) if inside.any() else None}
    return out


def markdown(model: dict, seconds: float) -> str:
    h = model["held_out"]
    rows = ["## Bead confidence: calibration held out by document", "",
            f"Written by `scripts/fit_confidence.py` (encoder `{model['encoder']}`, default search). Each gold "
            "document's beads are predicted by the logistic model fitted on the other documents; a bead is correct "
            "when the gold has exactly that bead (strict). Documents: " + ", ".join(model["documents"]) + ".", "",
            "| predicted probability | beads | mean predicted | observed correct |", "|---|---:|---:|---:|"]
    rows += [f"| {r['bin']} | {r['beads']} | {r['predicted']:.3f} | {r['observed']:.3f} |" for r in h["reliability"]]
    rows += ["", f"Held out: {h['beads']} beads, {h['correct']:.3f} correct; Brier score {h['brier']:.4f} "
             f"(always predicting the base rate: {h['brier_base']:.4f}).", "",
             "| word | predicted probability | beads (held out) | correct |", "|---|---:|---:|---:|"]
    t = model["thresholds"]
    ranges = {"likely": f"p ≥ {t['likely']:.4f}", "possible": f"{t['possible']:.4f} ≤ p < {t['likely']:.4f}",
              "unlikely": f"p < {t['possible']:.4f}"}
    for w, v in h["words"].items():
        shown = "n/a" if v["correct"] is None else f"{v['correct']:.3f}"
        rows.append(f"| {w} | {ranges[w]} | {v['beads']} | {shown} |")
    rows += ["", "Per set (held out): " + "; ".join(f"{name} {v['beads']} beads, likely {v['likely']} at "
                                                    f"{'n/a' if v['likely_correct'] is None else format(v['likely_correct'], '.3f')}"
                                                    for name, v in h["sets"].items()) + ".",
             "", f"Fitting time {seconds:.0f} s (aligning included; results cache on; load average "
                 f"{Path('/proc/loadavg').read_text().split()[0] if Path('/proc/loadavg').exists() else 'n/a'}).", ""]
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=SETS)
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--likely-accuracy", type=float, default=0.9,
                        help="held-out accuracy the beads called likely must reach")
    parser.add_argument("--possible", type=float, default=0.5,
                        help="probability from which a bead is called possible (more likely right than wrong)")
    parser.add_argument("--no-write", action="store_true", help="print, write neither the model nor the doc")
    args = parser.parse_args()
    start = time.perf_counter()
    encoder = get_encoder(args.encoder)
    docs = [d for gold in gold_sets(args.sets.split(",")) for d in labelled(gold, encoder)]
    X = np.concatenate([d[1] for d in docs])
    y = np.concatenate([d[2] for d in docs])
    p = held_out(docs)
    # no lower than the accuracy itself: a bead called likely is on its own that probable, not only its group
    thresholds = {"likely": max(args.likely_accuracy, threshold(p, y, args.likely_accuracy)), "possible": args.possible}
    sets = {}
    offset = 0
    for label, features, _ in docs:
        name = label.split("/")[0]
        entry = sets.setdefault(name, {"slices": []})
        entry["slices"].append(slice(offset, offset + len(features)))
        offset += len(features)
    per_set = {}
    for name, entry in sets.items():
        idx = np.concatenate([np.arange(len(y))[s] for s in entry["slices"]])
        likely = p[idx] >= thresholds["likely"]
        per_set[name] = {"beads": int(len(idx)), "likely": int(likely.sum()),
                         "likely_correct": round(float(y[idx][likely].mean()), 3) if likely.any() else None}
    model = {
        **fit(X, y),
        "thresholds": thresholds,
        "encoder": encoder_signature(encoder),
        "documents": [d[0] for d in docs],
        "held_out": {
            "method": "leave one document out", "beads": int(len(y)), "correct": round(float(y.mean()), 4),
            "brier": round(float(np.mean((p - y) ** 2)), 4), "brier_base": round(float(np.mean((y.mean() - y) ** 2)), 4),
            "likely_accuracy_target": args.likely_accuracy, "reliability": reliability(p, y),
            "words": words(p, y, thresholds), "sets": per_set,
        },
        "fitted_by": "scripts/fit_confidence.py", "regularisation_C": C,
        "solver": f"scikit-learn {sklearn.__version__} LogisticRegression (lbfgs): deterministic, no random seed",
    }
    text = json.dumps(model, ensure_ascii=False, indent=1) + "\n"
    print(markdown(model, time.perf_counter() - start))
    if not args.no_write:
        MODEL_PATH.parent.mkdir(exist_ok=True)
        MODEL_PATH.write_text(text, encoding="utf-8")
        update_section("confidence", markdown(model, time.perf_counter() - start))


if __name__ == "__main__":
    main()
