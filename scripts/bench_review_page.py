#!/usr/bin/env python3
"""The review page at scale (issue #15): its size, and how fast it opens and filters in headless Chromium.

For each size N it writes the synthetic N-sentence documents of ``bench_review_memory.py`` (no corpus text),
runs ``aligner review --encoder hash --no-cache`` on them, and opens PREFIX.review.html from file:// in
Debian's Chromium through Playwright (network refused). It reports the page's bytes (and bytes a bead: the
page must grow linearly), the time from navigation to the first rows drawn, and the time of three filters
(beads with flags, a search, a paragraph), each measured in the page from the event to the rows drawn and
laid out. The issue's target: a 10,000-bead page opens and filters in under 2 s.

    python scripts/bench_review_page.py                       # N = 2,500, 5,000, 10,000 (and more beads)
    python scripts/bench_review_page.py --sizes 12000 --no-doc
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_review_memory import documents  # noqa: E402  (the same synthetic documents)
from docsection import update_section  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("ALIGNER_CHROMIUM", "/usr/bin/chromium")

FILTER = """([id, value]) => {
  const el = document.getElementById(id), t = performance.now();
  el.value = value;
  el.dispatchEvent(new Event(id === "search" ? "input" : "change"));
  document.body.offsetHeight;  // the rows drawn and laid out
  return performance.now() - t;
}"""


def review_page(n: int, folder: Path) -> Path:
    zh, en = documents(n)
    (folder / "doc.zh").write_text(zh, encoding="utf-8")
    (folder / "doc.en").write_text(en, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "aligner", "review", str(folder / "doc.zh"), str(folder / "doc.en"),
                    "--presplit", "--encoder", "hash", "--no-cache", "-q", "-o", str(folder / "doc")],
                   check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return folder / "doc.review.html"


def measure(page_path: Path, browser) -> dict:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.route("http*://**/*", lambda route: route.abort())
    page = context.new_page()
    start = time.perf_counter()
    page.goto(page_path.as_uri())
    page.wait_for_selector(".bead[data-k]")
    opened = time.perf_counter() - start
    beads = page.evaluate("alignerReview.beads().length")
    drawn = page.locator(".bead[data-k]").count()
    word = page.evaluate("JSON.parse(document.getElementById('review-data').textContent).en[7].split(' ')[0]")
    filters = {"flagged": page.evaluate(FILTER, ["show", "flagged"]),
               "search": page.evaluate(FILTER, ["search", word.lower()]),
               "paragraph": page.evaluate(FILTER, ["unit", "3"])}
    context.close()
    return {"beads": beads, "drawn": drawn, "open_s": opened, **{k: v / 1000 for k, v in filters.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[3600, 7200, 14400],
                        help="Chinese sentences per document (14,400 give about 10,000 beads)")
    parser.add_argument("--no-doc", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for n in args.sizes:
            folder = Path(tmp) / str(n)
            folder.mkdir()
            page = review_page(n, folder)
            figures = measure(page, browser) | {"bytes": page.stat().st_size, "load": Path("/proc/loadavg").read_text().split()[0]}
            rows.append(figures)
            print(f"{figures['beads']:>6} beads: {figures['bytes'] / 1e6:.2f} MB ({figures['bytes'] / figures['beads']:.0f} B a bead), "
                  f"opened in {figures['open_s']:.2f} s with {figures['drawn']} rows drawn; filters: flagged "
                  f"{figures['flagged']:.3f} s, search {figures['search']:.3f} s, paragraph {figures['paragraph']:.3f} s "
                  f"(load {figures['load']})", flush=True)
        browser.close()
    table = ["| beads | page | bytes a bead | opened | rows drawn | filter: flagged | search | paragraph | load |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    table += [f"| {r['beads']:,} | {r['bytes'] / 1e6:.2f} MB | {r['bytes'] / r['beads']:.0f} | {r['open_s']:.2f} s | "
              f"{r['drawn']} | {r['flagged']:.3f} s | {r['search']:.3f} s | {r['paragraph']:.3f} s | {r['load']} |"
              for r in rows]
    if not args.no_doc:
        update_section("review-page", "## Review page at scale\n\n`scripts/bench_review_page.py`: synthetic "
                       "documents (hash encoder), the page opened from file:// in headless Chromium (1440×900), "
                       "time to the first rows drawn and of each filter from its event to the rows laid out; "
                       "load is the 1-minute load average of this 2-core machine, shared.\n\n" + "\n".join(table))


if __name__ == "__main__":
    main()
