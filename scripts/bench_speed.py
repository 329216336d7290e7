#!/usr/bin/env python3
"""Speed benchmark: where the time of `aligner align` goes, per document size and kind (issue #13).

For each kind (the Bible pair and the six literary chapters of ../shared/corpora, and a synthesized
many-short-lines Markdown-like pair) and each size (source sentences; the corpus is repeated, each copy
marked, when it is shorter), the pair is written to presplit files and run as `aligner align` does, in a
process of its own, cache off. Reported: reading and segmenting, embedding (sentences and lazily embedded
runs), the CC-CEDICT dictionary's load and lookups (zh-en; below 20,000 sentences made while the sentences
are embedded, so overlapping the embedding, not added to it), search, writing the outputs, one embedding pass
(each sentence embedded once: the physical limit), the ratio of the whole to that pass, the search alone
against it, and peak memory; the JSON lines also count the runs embedded (strings and characters, against
the sentences' characters). Targets: whole <= 1.5x, search <= 0.3x one embedding pass.

    python scripts/bench_speed.py                                   # default encoder, all kinds and sizes
    python scripts/bench_speed.py --kinds markdown --sizes 50000 --encoder hash --no-write
    python scripts/bench_speed.py --sizes 60000 --encoder hash     # its own section (speed-hash)

The kernels of the compiled search are built once per machine (aligner.native) before anything is
measured, as a user's first alignment would build them, and each measured process finds the package's bytecode
as an installed package has it (compiled first, even where PYTHONDONTWRITEBYTECODE is set).

``--from LOG...`` writes the section from the JSON lines of earlier runs (sizes measured at different
times). ``--chapters`` also times the six development chapters as a user runs them: `aligner align --presplit
--no-cache` per chapter, each a process of its own (interpreter, imports, model and dictionary loads
included; bytecode written by an untimed first run), summed (target: under 15 s).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from docsection import update_section  # noqa: E402

SHARED = ROOT.parent / "shared" / "corpora"
KINDS = ("bible", "literary", "markdown")
SIZES = (100, 1_000, 10_000, 60_000)
FORMATS = ("tmx", "tsv", "beads", "json")


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def markdown_pair(n: int) -> tuple[list[str], list[str]]:
    """n short Chinese lines (headings, list items, table rows, code) and their English, about 1.2 lines
    per source line (some items are split in two in English), deterministic."""
    topics = [("安装", "Install"), ("配置", "Configure"), ("运行", "Run"), ("测试", "Test"), ("发布", "Publish"),
              ("更新", "Update"), ("删除", "Remove"), ("检查", "Check")]
    things = [("服务器", "the server"), ("数据库", "the database"), ("缓存", "the cache"), ("插件", "the plugin"),
              ("文档", "the documentation"), ("模型", "the model"), ("索引", "the index")]
    zh, en = [], []
    for k in range(n):
        (zv, ev), (zt, et) = topics[k % len(topics)], things[(k * 3 + k // 7) % len(things)]
        shape = k % 5
        if shape == 0:
            zh.append(f"## {zv}{zt} {k}")
            en.append(f"## {ev} {et} {k}")
        elif shape == 1:
            zh.append(f"- {zv}{zt}，然后重新启动（第 {k} 步）。")
            en += [f"- {ev} {et}.", f"Then restart (step {k})."]
        elif shape == 2:
            zh.append(f"| {zt} | {k} | {zv} |")
            en.append(f"| {et} | {k} | {ev} |")
        elif shape == 3:
            zh.append(f"`aligner {ev.lower()} --id {k}`")
            en.append(f"`aligner {ev.lower()} --id {k}`")
        else:
            zh.append(f"{zv}{zt}之前，请先备份第 {k} 号文件。")
            en.append(f"Back up file {k} before you {ev.lower()} {et}.")
    return zh, en


def corpus_pair(kind: str, n: int) -> tuple[list[str], list[str]]:
    if kind == "markdown":
        return markdown_pair(n)
    if kind == "bible":
        zh, en = _lines(SHARED / "bible-en-zh" / "zh" / "001"), _lines(SHARED / "bible-en-zh" / "en" / "001")
    else:
        d = SHARED / "mac-dev-zh-en"
        zh = [s for k in sorted(os.listdir(d / "zh")) for s in _lines(d / "zh" / k)]
        en = [s for k in sorted(os.listdir(d / "en")) for s in _lines(d / "en" / k)]
    ratio = len(en) / len(zh)
    copies = -(-n // len(zh))
    # each copy marked, so that repeated sentences are embedded again as in a long book
    zh = [s if c == 0 else f"{s} ({c})" for c in range(copies) for s in zh][:n]
    en = [s if c == 0 else f"{s} ({c})" for c in range(copies) for s in en][:round(n * ratio)]
    return zh, en


def peak_mib() -> float:
    """This process's peak resident memory (VmHWM: ru_maxrss would carry the parent's across exec)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def timed(function, total: list[float], clock=time.process_time):
    """``function``, adding the seconds each call takes to ``total[0]`` and its CPU seconds to ``total[1]``
    (``clock``: the process's, all threads, or ``time.thread_time``: the calling thread's own)."""
    def run(*args, **kwargs):
        start, cpu = time.perf_counter(), clock()
        try:
            return function(*args, **kwargs)
        finally:
            total[0] += time.perf_counter() - start
            total[1] += clock() - cpu
    return run


class TimedEncoder:
    """Wraps an encoder to add up the time spent embedding, and the texts and characters embedded."""

    def __init__(self, inner):
        self.inner, self.name, self.seconds, self.texts = inner, inner.name, [0.0, 0.0], [0, 0]
        from aligner.encoders.base import encode_groups

        self._encode = timed(inner.encode, self.seconds)
        self._encode_groups = timed(partial(encode_groups, inner), self.seconds)

    def encode(self, texts):
        self.texts[0] += len(texts)
        self.texts[1] += sum(map(len, texts))
        return self._encode(texts)

    def encode_groups(self, groups):
        self.texts[0] += sum(map(len, groups))
        self.texts[1] += sum(len(text) for group in groups for text in group)
        return self._encode_groups(groups)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def child(kind: str, n: int, encoder_name: str) -> dict:
    from aligner import api
    from aligner.api import align_sentences, read_pair
    from aligner.encoders import get_encoder
    from aligner.export import plan_outputs, write_outputs

    zh, en = corpus_pair(kind, n)
    with tempfile.TemporaryDirectory() as tmp:
        zh_file, en_file, prefix = f"{tmp}/doc.zh", f"{tmp}/doc.en", f"{tmp}/out"
        Path(zh_file).write_text("\n".join(zh) + "\n", encoding="utf-8")
        Path(en_file).write_text("\n".join(en) + "\n", encoding="utf-8")
        encoder = TimedEncoder(get_encoder(encoder_name, cache=False))
        encoder.encode(zh[:8])  # load the model outside the timings
        start, cpu = time.perf_counter(), time.process_time()
        encoder.encode(zh)
        encoder.encode(en)
        one_pass, pass_cpu = time.perf_counter() - start, time.process_time() - cpu
        encoder.seconds[:], encoder.texts[:] = [0.0, 0.0], [0, 0]
        # the dictionary's load and lookups (zh-en), in a thread of their own while the sentences are embedded
        lexicon = [0.0, 0.0]
        api.lexical_vectors = timed(api.lexical_vectors, lexicon, time.thread_time)
        phase = [0.0, 0.0]
        start, cpu = time.perf_counter(), time.process_time()
        plan_outputs(prefix, FORMATS, inputs=(zh_file, en_file))
        src, tgt, sl, tl, _ = read_pair(zh_file, en_file, presplit=True)
        read, read_cpu = time.perf_counter() - start, time.process_time() - cpu
        alignment = timed(align_sentences, phase)(src, tgt, encoder=encoder, src_lang=sl, tgt_lang=tl)
        aligned, aligned_cpu = phase
        start, write_start = time.perf_counter(), time.process_time()
        write_outputs(alignment, prefix, FORMATS, encoder=encoder.inner)
        write, write_cpu = time.perf_counter() - start, time.process_time() - write_start
        whole_cpu = time.process_time() - cpu
    # the search: the alignment's time less the encoder's and, where the dictionary ran in line (long
    # documents), the dictionary's; beside the embedding, any of its time not hidden counts as the search's,
    # and its CPU is taken from the embedding's, which the process's clock counted it in
    beside = len(src) + len(tgt) < api.OVERLAP_SENTENCES
    embed, search = encoder.seconds[0], aligned - encoder.seconds[0] - (0.0 if beside else lexicon[0])
    cpu = {"read": read_cpu, "embed": encoder.seconds[1] - (lexicon[1] if beside else 0.0), "lexicon": lexicon[1],
           "search": aligned_cpu - encoder.seconds[1] - (0.0 if beside else lexicon[1]), "write": write_cpu,
           "whole": whole_cpu, "one_pass": pass_cpu}
    whole = read + aligned + write
    # what the search embedded beyond the sentences: the lazily embedded runs, their number and characters
    runs = {"strings": encoder.texts[0] - len(zh) - len(en),
            "chars": encoder.texts[1] - sum(map(len, zh)) - sum(map(len, en)),
            "sentence_chars": sum(map(len, zh)) + sum(map(len, en))}
    return {"kind": kind, "n": len(src), "m": len(tgt), "runs": runs, "read": read, "embed": embed,
            "lexicon": lexicon[0], "search": search, "write": write, "whole": whole, "one_pass": one_pass, "ratio": whole / one_pass,
            "search_ratio": search / one_pass, "cpu": cpu, "peak_mib": peak_mib(), "load": os.getloadavg()[0]}


def median_rows(rows: list[dict]) -> list[dict]:
    """One row per kind and size: the median run by whole / pass (of an even number, the lower middle one),
    with ``runs_measured`` and ``ratios`` (the lowest and highest whole / pass), in the table's order. A
    single run's whole / pass moves by about ±0.1 on this shared machine at 100 and 1,000 sentences."""
    groups: dict[tuple[str, int], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["kind"], row["n"]), []).append(row)
    out = []
    for (kind, n), runs in sorted(groups.items(), key=lambda item: (
            KINDS.index(item[0][0]) if item[0][0] in KINDS else len(KINDS), item[0][1])):
        runs = sorted(runs, key=lambda r: r["ratio"])
        out.append({**runs[(len(runs) - 1) // 2], "runs_measured": len(runs),
                    "ratios": (runs[0]["ratio"], runs[-1]["ratio"])})
    return out


def _installed_env(folder: str, encoder: str) -> dict:
    """The environment of a measured process: bytecode kept (in ``folder``) as an installed package has it,
    even where PYTHONDONTWRITEBYTECODE is set (there every process compiled each module it imported, those a
    search imports as it goes inside the measurement): the package compiled, and what a run imports besides
    written by an untimed run of the smallest document."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONPYCACHEPREFIX": f"{folder}/bytecode"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "aligner")], check=True, env=env,
                   capture_output=True)
    subprocess.run([sys.executable, __file__, "--child", "markdown", "100", encoder], check=True, env=env,
                   capture_output=True)
    return env


def chapters_end_to_end(encoder: str) -> tuple[float, float]:
    """Seconds for `aligner align --presplit --no-cache` on each of the six development chapters, summed:
    wall-clock, and CPU (user + system, all threads; less sensitive to what else the machine runs), after a
    first, untimed run, bytecode kept as :func:`_installed_env` says."""
    d = SHARED / "mac-dev-zh-en"
    names = sorted(os.listdir(d / "zh"))
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        env = _installed_env(tmp, encoder)

        def run(name: str) -> None:
            subprocess.run([sys.executable, "-m", "aligner", "align", "--presplit", "--no-cache", "-q", "--encoder",
                            encoder, str(d / "zh" / name), str(d / "en" / name), "-o", f"{tmp}/{name}"],
                           check=True, capture_output=True, env=env, cwd=tmp)
        run(names[0])
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        for name in names:
            start = time.perf_counter()
            run(name)
            total += time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return total, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--encoder", default="use")
    parser.add_argument("--repeat", type=int, default=3,
                        help="measure each kind and size this many times, each in a process of its own; the table "
                             "shows the median run (by whole / pass) and the range over the runs (default 3)")
    parser.add_argument("--chapters", action="store_true", help="also the six chapters end to end, as a user runs them")
    parser.add_argument("--no-write", action="store_true", help="print, do not update docs/benchmarks.md")
    parser.add_argument("--from", dest="logs", nargs="+", metavar="LOG",
                        help="write the section from the JSON lines earlier runs printed (rows, chapters), not measure")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, n, encoder = args.child
        print(json.dumps(child(kind, int(n), encoder)))
        return
    kinds = [k for k in args.kinds.split(",") if k]
    rows, chapters = [], None
    if args.logs:
        for log in args.logs:
            for line in Path(log).read_text(encoding="utf-8").splitlines():
                found = json.loads(line) if line.startswith("{") else {}
                if "kind" in found:
                    rows.append(found)
                elif "chapters_end_to_end" in found:
                    chapters = found
    elif any(k != "markdown" for k in kinds) and not SHARED.is_dir():
        sys.exit(f"bench_speed: {SHARED} not found (the shared corpora are beside the checkout)")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not args.logs and args.sizes.strip(","):
        # the machine's one-time set-up, as a user's first run does it (the search's compiled kernels: a few
        # seconds), here rather than inside the first measurement that needs it
        from aligner import native
        from aligner.search.compiled import SEARCH

        native.load(SEARCH)
        bytecode = tempfile.TemporaryDirectory()  # removed when the script ends
        env = _installed_env(bytecode.name, args.encoder)
    for kind in [] if args.logs else kinds:
        for n in (int(s) for s in args.sizes.split(",") if s):
            for _ in range(args.repeat):
                out = subprocess.run([sys.executable, __file__, "--child", kind, str(n), args.encoder],
                                     capture_output=True, text=True, check=True, env=env)
                rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
                print(json.dumps(rows[-1]), flush=True)
    rows = median_rows(rows)
    section = "speed" if args.encoder == "use" else f"speed-{args.encoder}"
    lines = ["## Speed" + ("" if args.encoder == "use" else f": encoder {args.encoder}"), "",
             f"Measured by `scripts/bench_speed.py` on this machine (2 cores, shared: the load average is given); "
             f"encoder `{args.encoder}`, cache off, presplit. "
             + ("Targets (issue #13): whole ≤ 1.5× and search ≤ 0.3× one embedding pass." if args.encoder == "use" else
                "This encoder costs almost nothing: the table shows what the rest costs on long documents "
                "(target, issue #13: 50,000 × 60,000 in ≤ 15 s and ≤ 500 MB).")
             + " Below 20,000 sentences the dictionary is looked up while the sentences are embedded: its time "
               "overlaps the embedding's."
             + " Each kind and size is measured in several processes (runs), one after the other; the row is the "
               "run with the median whole / pass, and the range of whole / pass over the runs follows it."
             + " Each time is wall-clock, then in brackets CPU seconds (user + system, all threads), which the "
               "machine's other work disturbs less; the ratios likewise.", "",
             "| kind | source × target | read + segment | embedding | dictionary | search | writing | whole "
             "| one embedding pass | whole / pass | search / pass | runs: whole / pass | peak memory | load |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        c = r["cpu"]
        cells = " | ".join(f"{r[k]:.2f} s ({c[k]:.2f})" for k in ("read", "embed", "lexicon", "search", "write", "whole",
                                                                  "one_pass"))
        low, high = r["ratios"]
        lines.append(f"| {r['kind']} | {r['n']:,} × {r['m']:,} | {cells} | {r['ratio']:.2f}× ({c['whole'] / c['one_pass']:.2f}×) | "
                     f"{r['search_ratio']:.2f}× ({c['search'] / c['one_pass']:.2f}×) | {r['runs_measured']}: "
                     f"{low:.2f}–{high:.2f}× | {r['peak_mib']:.0f} MiB | {r['load']:.1f} |")
    if args.chapters and not args.logs:
        load = os.getloadavg()[0]
        seconds, cpu = chapters_end_to_end(args.encoder)
        chapters = {"chapters_end_to_end": seconds, "cpu": cpu, "load": load}
        print(json.dumps(chapters), flush=True)
    if chapters:
        lines += ["", f"The six development chapters end to end (`aligner align --presplit --no-cache` per chapter, "
                      f"each a process of its own, summed; target under 15 s): {chapters['chapters_end_to_end']:.1f} s "
                      f"wall-clock, {chapters['cpu']:.1f} s CPU (load {chapters['load']:.1f})."]
    if not args.no_write:
        update_section(section, "\n".join(lines))


if __name__ == "__main__":
    main()
