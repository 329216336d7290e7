"""Aligning imports only what it uses: the review package (scipy among it) comes with the first review name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_align_does_not_import_the_review():
    code = ("import sys, aligner, aligner.api, aligner.cli.align\n"
            "assert 'aligner.omissions' not in sys.modules and 'scipy' not in sys.modules, 'imported early'\n"
            "from aligner import review, Review, ReviewParams\n"
            "assert 'aligner.omissions' in sys.modules and callable(review)\n"
            "try:\n    aligner.no_such_name\nexcept AttributeError:\n    pass\nelse:\n    raise SystemExit('no error')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
