"""Golden tables: the review's flags and moved records at default settings, pinned on the project's own
documents (one sentence a line) and the seed article, so that changes meant to keep its behaviour (memory,
speed) are seen to keep it. Only indexes, spans, kinds and rounded numbers are stored, never text.

Regenerate a table only for a change meant to alter the review, and say why in its commit.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from aligner.api import align_sentences, read_pair
from aligner.omissions import review

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "corpora" / "seed"

# name: ((aligned-pair cosine, near-miss cosine, coverage),
#        flags as (kind, zh sentence, en sentence, en paragraph, span, confidence),
#        moved as (side, sentence, matches, carried, margin, span))
GOLDEN = {
    'literary': (
        (0.6299, 0.2693, 0.9715),
        [('sentence', 33, None, 0, (0, 18), 0.723),
         ('sentence', 58, None, 0, (0, 13), 0.961),
         ('sentence', 76, None, 0, (0, 23), 0.828),
         ('sentence', 82, None, 0, (0, 14), 0.992),
         ('addition', None, 87, 0, None, 0.944)],
        [],
    ),
    'news': (
        (0.5603, 0.2856, 0.9641),
        [('boilerplate', 1, None, None, (0, 15), 0.9),
         ('addition', None, 17, 0, None, 0.843),
         ('sentence', 19, None, 0, (0, 17), 0.504),
         ('sentence', 37, None, 0, (0, 20), 0.705),
         ('addition', None, 45, 0, None, 0.995),
         ('sentence', 80, None, 0, (0, 17), 0.829),
         ('sentence', 89, None, 0, (0, 30), 0.591),
         ('sentence', 103, None, 0, (0, 20), 0.834)],
        [],
    ),
    'technical': (
        (0.7237, 0.3652, 0.9579),
        [('sentence', 5, None, 0, (0, 28), 1.0),
         ('sentence', 9, None, 0, (0, 17), 0.913),
         ('sentence', 13, None, 0, (0, 22), 0.989),
         ('addition', None, 32, 0, None, 0.996),
         ('sentence', 32, None, 0, (0, 27), 0.984),
         ('alignment', 57, None, 0, (0, 10), 0.093),
         ('sentence', 105, None, 0, (0, 33), 1.0)],
        [],
    ),
    'travel': (
        (0.6347, 0.3144, 0.9451),
        [('addition', None, 7, 0, None, 0.98),
         ('sentence', 18, None, 0, (0, 17), 0.996),
         ('sentence', 29, None, 0, (0, 18), 0.998),
         ('addition', None, 36, 0, None, 0.994),
         ('clause', 51, None, 0, (0, 6), 0.802),
         ('sentence', 57, None, 0, (0, 18), 0.994),
         ('sentence', 70, None, 0, (0, 20), 0.999)],
        [],
    ),
    'seed': (
        (0.5556, 0.4761, 0.8685),
        [('boilerplate', 0, None, None, (0, 8), 0.9),
         ('boilerplate', 2, None, None, (0, 50), 0.9),
         ('sentence', 8, None, 3, (0, 30), 0.586),
         ('sentence', 11, None, 3, (0, 25), 0.871),
         ('alignment', 17, None, 6, (0, 27), 0.034),
         ('clause', 18, None, 7, (48, 54), 0.935),
         ('clause', 18, None, 7, (74, 91), 0.775),
         ('sentence', 25, None, 10, (0, 10), 0.81),
         ('paragraph', None, None, 3, None, 0.947),
         ('paragraph', None, None, 7, None, 0.985),
         ('paragraph', None, None, 11, None, 0.81)],
        [('zh', 7, 16, -1.243, None, None),
         ('zh', 10, 3, 2.263, 4.064, None),
         ('zh', 18, 8, 1.967, 2.968, (26, 36))],
    ),
}


def _paths(name: str) -> tuple[str, str, bool]:
    if name == "seed":
        return str(SEED / "xinhua-2024-12-04.zh.txt"), str(SEED / "xinhua-2024-12-04.en.txt"), False
    doc = ROOT / "corpora" / "zh-en" / name
    return str(doc.with_suffix(".zh")), str(doc.with_suffix(".en")), True


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_review_golden(name, use_encoder):
    zh, en, presplit = _paths(name)
    if name == "seed" and not Path(zh).exists():
        pytest.skip(f"seed article not found in {SEED} (../shared is missing)")
    src, tgt, sl, tl, _ = read_pair(zh, en, presplit=presplit)
    result = review(align_sentences(src, tgt, encoder=use_encoder, src_lang=sl, tgt_lang=tl), encoder=use_encoder)
    calibration, flags, moved = GOLDEN[name]
    c = result.summary["calibration"]
    assert (c["aligned_pair_cosine"], c["near_miss_cosine"], result.summary["coverage"]) == calibration
    assert [(f.kind, f.zh_sentence, f.en_sentence, f.en_paragraph, tuple(f.span) if f.span else None,
             round(f.confidence, 3)) for f in result.flags] == flags
    assert [(m["side"], m["sentence"], m["matches"], m["carried"], m.get("margin"),
             tuple(m["span"]) if "span" in m else None) for m in result.moved] == moved
