#!/usr/bin/env python3
"""Accuracy benchmark: align every gold set (presplit) and write the tables of docs/benchmarks.md.

Sets: Text+Berg test (de-fr) and its development document (textberg-dev: for choosing parameters; test is
for reporting), the Bible (en-zh, verse-merged scoring), ParIce (en-is), the MAC-Dev literary chapters (mac:
zh-en, Chinese the source side; a development set, the held-out chapters are not here) from ../shared/corpora,
and the project's own zh-en documents in corpora/zh-en. Each table carries the run's signature and the
published figures. ``--ablations`` also measures each idea of the search against the defaults.

    python scripts/benchmark.py                       # default encoder, all sets
    python scripts/benchmark.py --sets textberg,own --encoder e5-small --no-write
    python scripts/benchmark.py --sets mac --cache --no-write --param max_bead=5   # while experimenting
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, fields
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from docsection import update_section  # noqa: E402

from aligner.api import align  # noqa: E402
from aligner.encoders import encoder_signature, get_encoder  # noqa: E402
from aligner.evaluate import evaluate, merge_by_verse, read_beads  # noqa: E402
from aligner.signature import format_signature, make_signature  # noqa: E402
from aligner.search import SearchParams, pair_defaults, parse_param  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpora"

PUBLISHED = {
    "textberg": "Bertalign + LaBSE 0.936–0.940; Vecalign + LASER 0.902; Bertalign's algorithm + USE 0.914",
    "textberg-dev": "none (the development document, used to choose parameters)",
    "bible": "Vecalign + LaBSE 0.978 (verse-merged); Bertalign's algorithm + USE 0.944",
    "parice": "Bertalign's algorithm + USE about 0.69 (USE does not know Icelandic)",
    "mac": "Bertalign + LaBSE 0.911; Bertalign's algorithm + USE 0.863; Vecalign 0.863; Bleualign 0.641; "
           "hunalign 0.610; Gale–Church 0.485",
    "own": "no published figure (our own documents)",
}

# Each idea the search uses, and the parameters that switch it off.
ABLATIONS = {
    "runs embedded lazily near the path (vs approximated only)": {"overlaps": "none"},
    "runs embedded lazily (vs every run in the band, as Bertalign)": {"overlaps": "all"},
    "lazily embedded: merges that would absorb a null bead (vs the path's runs only)": {"lazy_nulls": False},
    "CC-CEDICT dictionary overlap, zh-en only (vs none)": {"lexical_weight": 0.0},
    "neighbour margin (vs plain cosine)": {"neighbour_weight": 0.0},
    "merge penalty 0.01 per extra sentence (vs none)": {"merge_penalty": 0.0},
    "cheaper runs of null beads, -0.05 after the first (vs -0.09 each)": {"skip_run": -0.09},
    "but zh → en: a source sentence left out scores skip - 0.08 (vs skip)": {"skip_source_extra": 0.0},
    "but zh → en: beads of up to 5 sentences a side (vs 4)": {"max_bead": 4},
    "length factor log2(1+min/max) (vs additive log-ratio penalty)": {"length_mode": "add"},
    "zh → en: 1-5 and 1-6 beads (vs m-n within max_bead only)": {"max_split": 0},
    "zh → en: quotation agreement at bead ends (vs none)": {"quote_weight": 0.0},
    "zh → en: quotation marks on both sides of a bead or neither (vs none)": {"dialogue_weight": 0.0},
    "zh → en: a bead holding two turns of speech on both sides penalised (vs none)": {"turn_weight": 0.0},
    "length factor softened where the document's lengths agree less (vs one exponent)": {"length_spread": 0.0},
    "zh → en: unaligned English sentences merged into a neighbour on a second look (vs left)": {"absorb_margin": 0.0},
    "zh → en: a Chinese sentence left out inside a quotation merged on the second look (vs left)":
        {"absorb_quoted": False},
    "zh → en: a boundary sentence moved to the bead whose edge clause it translates (vs left)":
        {"recut_margin": 0.0},
}


@dataclass
class GoldSet:
    name: str
    title: str
    src_lang: str
    tgt_lang: str
    docs: list  # (src sentences, tgt sentences, gold beads, label)
    verses: tuple | None = None


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_sets(names: list[str]) -> list[GoldSet]:
    sets = []
    if "textberg" in names and (SHARED / "textberg-de-fr").is_dir():
        d = SHARED / "textberg-de-fr"
        docs = [(_lines(d / f"test{k}.de"), _lines(d / f"test{k}.fr"), read_beads(d / f"test{k}.defr"), f"test{k}")
                for k in range(7)]
        sets.append(GoldSet("textberg", "Text+Berg test (de → fr, 7 documents)", "de", "fr", docs))
    if "textberg-dev" in names and (SHARED / "textberg-de-fr").is_dir():
        d = SHARED / "textberg-de-fr"
        docs = [(_lines(d / "dev.de"), _lines(d / "dev.fr"), read_beads(d / "dev.defr"), "dev")]
        sets.append(GoldSet("textberg-dev", "Text+Berg development document (de → fr)", "de", "fr", docs))
    if "bible" in names and (SHARED / "bible-en-zh").is_dir():
        d = SHARED / "bible-en-zh"
        docs = [(_lines(d / "en" / "001"), _lines(d / "zh" / "001"), read_beads(d / "gold" / "001.align"), "001")]
        sets.append(GoldSet("bible", "Bible (en → zh, verse-merged scoring)", "en", "zh", docs,
                            (_lines(d / "en.verse"), _lines(d / "zh.verse"))))
    if "parice" in names and (SHARED / "parice-en-is").is_dir():
        d = SHARED / "parice-en-is"
        docs = [(_lines(d / "eng" / f.name), _lines(d / "isl" / f.name), read_beads(f), f.stem)
                for f in sorted((d / "gold").iterdir())]
        sets.append(GoldSet("parice", "ParIce (en → is, 10 documents; reported, not targeted)", "en", "is", docs))
    if "mac" in names and (SHARED / "mac-dev-zh-en").is_dir():
        d = SHARED / "mac-dev-zh-en"
        docs = [(_lines(d / "zh" / f.stem), _lines(d / "en" / f.stem), read_beads(f), f.stem)
                for f in sorted((d / "gold").glob("*.align"))]
        sets.append(GoldSet("mac", "MAC-Dev literary chapters (zh → en, 6 chapters of 6 novels)", "zh", "en", docs))
    if "own" in names:
        docs = [(_lines(p.with_suffix(".zh")), _lines(p.with_suffix(".en")), read_beads(p), p.stem)
                for p in sorted((ROOT / "corpora" / "zh-en").glob("*.beads"))]
        if docs:
            sets.append(GoldSet("own", "Our zh → en documents (corpora/zh-en)", "zh", "en", docs))
    return sets


def run_set(gold: GoldSet, encoder, **options) -> dict:
    start = time.perf_counter()
    tests = []
    for src, tgt, _, _ in gold.docs:
        alignment = align(src, tgt, encoder=encoder, src_lang=gold.src_lang, tgt_lang=gold.tgt_lang, **options)
        beads = [(b.zh, b.en) for b in alignment.beads]
        tests.append(merge_by_verse(beads, *gold.verses) if gold.verses else beads)
    scores = evaluate([g for _, _, g, _ in gold.docs], tests)
    scores["seconds"] = time.perf_counter() - start
    if len(gold.docs) > 1:
        scores["per_document"] = {label: evaluate([g], [t])["strict"]["f1"]
                                  for (_, _, g, label), t in zip(gold.docs, tests)}
    return scores


def _f(value) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def table(gold: GoldSet, scores: dict, signature: str, cached: bool = False) -> str:
    s, lax, null = scores["strict"], scores["lax"], scores["null"] or {}
    n_src = sum(len(d[0]) for d in gold.docs)
    n_tgt = sum(len(d[1]) for d in gold.docs)
    rows = [
        f"### {gold.title}", "",
        f"{n_src} × {n_tgt} sentences. Published (strict F1): {PUBLISHED[gold.name]}.", "",
        "| metric | precision | recall | F1 |", "|---|---|---|---|",
        f"| strict | {_f(s['precision'])} | {_f(s['recall'])} | **{_f(s['f1'])}** |",
        f"| lax | {_f(lax['precision'])} | {_f(lax['recall'])} | {_f(lax['f1'])} |",
        f"| null beads (omissions) | {_f(null.get('precision'))} | {_f(null.get('recall'))} | {_f(null.get('f1'))} |",
        "", f"Time: {scores['seconds']:.1f} s "
        f"({'embeddings from the cache' if cached else 'embedding included; cache off'}, load {_load()}).  ",
        f"Signature: `{signature}`", "",
    ]
    per_doc = scores.get("per_document")
    if per_doc:
        rows += ["| document | " + " | ".join(per_doc) + " |", "|---|" + "---|" * len(per_doc),
                 "| strict F1 | " + " | ".join(_f(v) for v in per_doc.values()) + " |", ""]
    by_type = scores.get("by_type") or {}
    if by_type:
        rows += ["| bead type | gold | ours | correct | strict F1 |", "|---|---|---|---|---|"]
        for kind, v in by_type.items():
            rows.append(f"| {kind} | {v.get('gold', '')} | {v.get('test', '')} | {v.get('correct', '')} "
                        f"| {_f(v.get('f1'))} |")
        rows.append("")
    return "\n".join(rows)


def _load() -> str:
    """The 1-minute load average (timing figures on a shared machine are read against it)."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "n/a"


def _options(pairs: list[str]) -> dict:
    """``--param KEY=VALUE`` pairs as search options, parsed as SearchParams' fields."""
    kinds = {f.name: type(f.default) for f in fields(SearchParams)}
    options = {}
    for pair in pairs:
        key, _, value = pair.partition("=")
        if key not in kinds:
            raise SystemExit(f"benchmark: unknown parameter {key!r}")
        options[key] = parse_param(kinds[key], value)
    return options


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="textberg,textberg-dev,bible,parice,mac,own")
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--ablations", action="store_true", help="also measure each idea against the defaults")
    parser.add_argument("--no-write", action="store_true", help="print, do not update docs/benchmarks.md")
    parser.add_argument("--cache", action="store_true", help="use the embedding cache (experiments; times drop)")
    parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE", help="a search parameter")
    args = parser.parse_args()
    options = _options(args.param)
    if not SHARED.is_dir():
        print(f"note: {SHARED} not found; only our own corpora are measured", file=sys.stderr)
    encoder = get_encoder(args.encoder, cache=args.cache)
    sets = load_sets(args.sets.split(","))
    parts = [f"Encoder `{args.encoder}`; every sentence list aligned as given (`--presplit`), scored with "
             "`aligner eval` (Vecalign's strict and lax metric, plus null-bead P/R/F1).", ""]
    summary = {}
    for gold in sets:
        scores = run_set(gold, encoder, **options)
        summary[gold.name] = scores["strict"]["f1"]
        per_doc = " ".join(f"{k} {v:.3f}" for k, v in scores.get("per_document", {}).items())
        print(f"{gold.name}: strict F1 {scores['strict']['f1']:.4f} ({scores['seconds']:.1f} s, load {_load()})"
              + (f" [{per_doc}]" if per_doc else ""), flush=True)
        params = SearchParams(**{**pair_defaults(gold.src_lang, gold.tgt_lang), **options})
        sig = format_signature(make_signature(encoder_signature(encoder), params.as_dict()))
        parts.append(table(gold, scores, sig, args.cache))
    if not args.no_write:
        update_section(f"accuracy-{args.encoder}", "\n".join([f"## Accuracy: encoder {args.encoder}", "", *parts]))
    if args.ablations:
        rows = ["## What each idea gained", "",
                "Strict F1 with the defaults, and with one idea switched off (encoder `use`).", "",
                "| idea | " + " | ".join(g.name for g in sets) + " |", "|:---|" + "---:|" * len(sets),
                "| defaults | " + " | ".join(f"{summary[g.name]:.3f}" for g in sets) + " |"]
        for idea, off in ABLATIONS.items():
            cells = []
            for gold in sets:
                f1 = run_set(gold, encoder, **{**options, **off})["strict"]["f1"]
                cells.append(f"{f1:.3f} ({f1 - summary[gold.name]:+.3f})")
                print(f"{idea} / {gold.name}: {f1:.4f}", flush=True)
            rows.append(f"| without: {idea} | " + " | ".join(cells) + " |")
        if not args.no_write:
            update_section("ablations", "\n".join(rows))


if __name__ == "__main__":
    main()
