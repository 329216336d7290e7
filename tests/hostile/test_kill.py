"""Runs killed with SIGKILL leave nothing that the next run does not clean up (scripts/kill_runs.py; the
acceptance figure is its 50-run default with the real encoder, docs/reliability.md)."""

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "kill_runs.py"


def test_killed_runs_leave_nothing_behind():
    result = subprocess.run([sys.executable, str(SCRIPT), "--runs", "6", "--encoder", "hash", "--seed", "1"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
