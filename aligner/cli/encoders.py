"""``aligner encoders``: which sentence encoders exist, which are installed, and their signatures."""

from __future__ import annotations

import json

import click

from . import emit, main
from ..encoders import list_encoders


@main.command("encoders")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def encoders_command(as_json: bool) -> None:
    """List the sentence encoders usable with --encoder, whether each is installed, its
    dimension and its signature (what the cache and the output signature record)."""
    rows = list_encoders()
    if as_json:
        emit(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = [("name", "installed", "dim", "signature")]
    for row in rows:
        installed = "yes" if row["installed"] else f"no: pip install 'aligner[{row['extra']}]'"
        table.append((row["name"], installed, str(row["dim"]), row["signature"] or "-"))
    widths = [max(len(line[col]) for line in table) for col in range(len(table[0]) - 1)]
    for line in table:
        emit("  ".join(cell.ljust(width) for cell, width in zip(line, widths)) + "  " + line[-1])
