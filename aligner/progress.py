"""Progress of the long phases (embedding, search, review) on standard error: a bar on a terminal, one
line per phase elsewhere (a log file or a pipe, where a redrawn bar would be noise)."""

from __future__ import annotations

import sys

from tqdm import tqdm


class _Silent:
    """What a bar that shows nothing needs to do (the lazy rounds run thousands of small searches: a
    disabled tqdm each cost more than some of them)."""

    def update(self, steps: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def phase_bar(desc: str, total: int, unit: str, enabled: bool) -> tqdm | _Silent:
    """A bar of ``total`` ``unit``s, drawn only on a terminal; elsewhere one line now, when ``enabled``."""
    if not enabled:
        return _Silent()
    if not sys.stderr.isatty():
        print(f"aligner: {desc} ({total:,} {unit}s)", file=sys.stderr, flush=True)
        return _Silent()
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False)
