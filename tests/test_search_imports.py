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
    _runs_clean(code)


def test_align_does_not_import_numpy_ma():
    """np.unique and np.isin import numpy.ma (10-17 ms, a tenth of aligning 100 sentences): the dictionary's
    lookups and counts do without them (once the dictionary's derived arrays are built: here by the same
    alignment run first in this process, as another checkout sharing the cache may have rebuilt them)."""
    code = ("import sys, numpy as np, aligner\n"
            "class Toy:\n    name = 'toy'\n"
            "    def encode(self, texts):\n"
            "        v = np.array([[len(t) % 7 + 1, t.count('a') + 1, 1.0] for t in texts], dtype=np.float32)\n"
            "        return v / np.linalg.norm(v, axis=1, keepdims=True)\n"
            "aligner.align(['我们在北京。', '他的书在桌子上。'], ['We are in Beijing.', 'His book is on the table.'],\n"
            "              encoder=Toy(), src_lang='zh', tgt_lang='en', cache=False)\n"
            "assert 'numpy.ma' not in sys.modules, 'numpy.ma imported'\n")
    exec(code.replace("assert 'numpy.ma'", "# "), {})
    _runs_clean(code)


def _runs_clean(code: str) -> None:
    """``code`` run in a fresh interpreter, which must exit cleanly."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
