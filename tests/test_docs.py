"""Every parameter and every command-line command and option is documented (in the manner of sqlite-utils'
tests/test_docs.py): a new one without a line in README.md or docs/ fails here."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import click
import pytest

from aligner.cli import main
from aligner.omissions import ReviewParams
from aligner.search import SearchParams

ROOT = Path(__file__).resolve().parents[1]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def _table_rows(path: Path) -> set[str]:
    """The names in the first column of the document's tables (``| `name` | …``)."""
    return set(re.findall(r"^\| `([a-z_]+)` \|", path.read_text(encoding="utf-8"), re.M))


@pytest.mark.parametrize("name", [f.name for f in fields(SearchParams)])
def test_search_params_are_documented(name):
    assert name in _table_rows(ROOT / "docs" / "algorithm.md")


@pytest.mark.parametrize("name", [f.name for f in fields(ReviewParams)])
def test_review_params_are_documented(name):
    assert name in _table_rows(ROOT / "docs" / "omissions.md")


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out = []
    for name, command in sorted(group.commands.items()):
        out.append((f"{prefix}{name}", command))
        if isinstance(command, click.Group):
            out += _commands(command, f"{prefix}{name} ")
    return out


COMMANDS = _commands(main)


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_commands_are_documented(name):
    assert f"aligner {name}" in DOCS


@pytest.mark.parametrize("command, option", [
    (name, opt) for name, command in COMMANDS for param in command.params if isinstance(param, click.Option)
    for opt in param.opts if opt.startswith("--")])
def test_options_are_documented(command, option):
    assert re.search(re.escape(option) + r"(?![\w-])", DOCS), f"aligner {command} {option}"


def test_review_params_table_gives_the_defaults():
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", (ROOT / "docs" / "omissions.md").read_text(encoding="utf-8"),
                           re.M))
    for f in fields(ReviewParams):
        given = rows[f.name].strip().strip('"') if isinstance(f.default, str) else float(rows[f.name])
        assert given == f.default, f.name


def test_search_params_table_gives_the_defaults():
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([^|]+) \|", (ROOT / "docs" / "algorithm.md").read_text(encoding="utf-8"),
                           re.M))
    for f in fields(SearchParams):
        given = rows[f.name].strip()
        if isinstance(f.default, bool):
            assert given == str(f.default).lower(), f.name
        elif isinstance(f.default, str):
            assert given == f.default, f.name
        else:
            assert float(given.replace("−", "-")) == f.default, f.name
