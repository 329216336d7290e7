"""``summary.json`` and ``summary.html``: per pair its counts, coverage, bead types, mean score, omission flags
(with ``--review``) and time, and which pairs look wrong, so a person sees at once which documents need them."""

from __future__ import annotations

import json
import math
import os
from collections import Counter
from dataclasses import dataclass

from ..export.base import atomic_write_many
from .plan import SUMMARY_FILES

SUMMARY_VERSION = 1


@dataclass(frozen=True)
class Limits:
    """When a pair looks wrong: less than ``min_coverage`` of its sentences in linked beads, or one side with
    more than ``max_count_ratio`` times the other's sentences."""

    min_coverage: float = 0.5
    max_count_ratio: float = 2.0

    def __post_init__(self):
        if not (isinstance(self.min_coverage, (int, float)) and 0 <= self.min_coverage <= 1):
            raise ValueError(f"min_coverage must be a number from 0 to 1, not {self.min_coverage!r}")
        if not (isinstance(self.max_count_ratio, (int, float)) and math.isfinite(self.max_count_ratio)
                and self.max_count_ratio >= 1):
            raise ValueError(f"max_count_ratio must be a number of at least 1, not {self.max_count_ratio!r}")


def build_summary(records: list[dict], limits: Limits, seconds: float, skipped: set[str]) -> dict:
    """The summary of a batch from its pairs' records (in the batch's order); ``skipped`` names the pairs
    done by an earlier run."""
    done = [r for r in records if r["status"] == "done"]
    # the languages most pairs have: a pair with them the other way round was probably given swapped
    usual = Counter((r["stats"]["src_lang"], r["stats"]["tgt_lang"]) for r in done).most_common(1)
    pairs = []
    for record in records:
        row = {"id": record["id"], "zh": record["zh"], "en": record["en"], "status": record["status"],
               "skipped": record["id"] in skipped, "seconds": record.get("seconds", 0.0)}
        if record["status"] == "done":
            row.update(record["stats"])
            row["outputs"] = record["outputs"]
        else:
            row["error"] = record.get("error", "")
            row["swapped"] = record.get("swapped", False)
        row["problems"] = problems(row, limits, usual[0][0] if usual else None)
        pairs.append(row)
    types: Counter = Counter()
    for r in done:
        types.update(r["stats"]["bead_types"])
    return {
        "format_version": SUMMARY_VERSION,
        "pairs": len(records), "done": len(done), "failed": len(records) - len(done), "skipped": len(skipped),
        "needs_attention": [p["id"] for p in pairs if p["problems"]],
        "sentences": {"src": sum(r["stats"]["src_sentences"] for r in done),
                      "tgt": sum(r["stats"]["tgt_sentences"] for r in done)},
        "bead_types": dict(sorted(types.items())),
        "limits": {"min_coverage": limits.min_coverage, "max_count_ratio": limits.max_count_ratio},
        "seconds": round(seconds, 3),
        "pair_results": pairs,
    }


def problems(pair: dict, limits: Limits, usual: tuple[str, str] | None) -> list[str]:
    """Why a pair needs a person, in words; empty when it looks right."""
    if pair["status"] != "done":
        return [f"{'probably swapped' if pair.get('swapped') else 'failed'}: {pair.get('error', '')}"]
    found = []
    langs = (pair["src_lang"], pair["tgt_lang"])
    if usual and langs == usual[::-1] and usual[0] != usual[1]:
        found.append(f"probably swapped: the {usual[0]} file is {langs[0]} and the {usual[1]} file is {langs[1]}")
    if pair["coverage"] < limits.min_coverage:
        found.append(f"low coverage ({pair['coverage']:.0%} of the sentences linked): probably not a translation "
                     "of each other")
    counts = sorted((pair["src_sentences"], pair["tgt_sentences"]))
    if counts[1] > limits.max_count_ratio * counts[0]:
        found.append(f"sentence counts differ {counts[1] / counts[0]:.1f}× ({pair['src_sentences']} and "
                     f"{pair['tgt_sentences']}): a truncated or mismatched document?")
    return found


def write_summary(out_dir: str, summary: dict) -> list[str]:
    from ..report.html import environment

    page = environment().get_template("batch.html.j2").render(summary=summary)
    data = (json.dumps(summary, ensure_ascii=False, indent=1) + "\n").encode("utf-8", "backslashreplace")
    json_path, html_path = (os.path.join(out_dir, name) for name in SUMMARY_FILES)
    return atomic_write_many({json_path: lambda fh: fh.write(data),
                              html_path: lambda fh: fh.write(page.encode("utf-8", "backslashreplace"))})
