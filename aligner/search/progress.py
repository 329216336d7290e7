"""Progress of the search's long phases on standard error: a bar on a terminal, one line per phase
elsewhere (a log file or a pipe, where a redrawn bar would be noise)."""

from __future__ import annotations

import sys

from tqdm import tqdm


def phase_bar(desc: str, total: int, unit: str, enabled: bool) -> tqdm:
    """A bar of ``total`` ``unit``s, drawn only on a terminal; elsewhere one line now, when ``enabled``."""
    terminal = enabled and sys.stderr.isatty()
    if enabled and not terminal:
        print(f"aligner: {desc} ({total:,} {unit}s)", file=sys.stderr, flush=True)
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False, disable=not terminal)
