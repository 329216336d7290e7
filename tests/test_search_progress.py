"""Progress on standard error (the search, embedding, the review): one line per long phase off a terminal,
nothing when off or short."""

from __future__ import annotations

import aligner.search as search
from aligner import api
from aligner.encoders.hashing import HashingEncoder

SRC = [f"sentence number {k} about the river and the {w}" for k, w in enumerate(["bridge", "mill", "town"] * 8)]
TGT = [f"phrase numéro {k} sur la rivière et le {w}" for k, w in enumerate(["pont", "moulin", "ville"] * 8)]


def test_long_searches_say_each_phase_in_one_line(monkeypatch, capsys):
    monkeypatch.setattr(search, "PROGRESS_ROWS", 1)  # as if the document were long
    api.align(SRC, TGT, encoder=HashingEncoder(), src_lang="en", tgt_lang="fr", progress=True)
    lines = capsys.readouterr().err.splitlines()
    assert "aligner: search (24 rows)" in lines
    assert "aligner: search: lazy rounds (2 rounds)" in lines
    assert all(line.startswith("aligner: ") and "\r" not in line for line in lines)


def test_short_searches_and_progress_off_are_quiet(monkeypatch, capsys):
    api.align(SRC, TGT, encoder=HashingEncoder(), src_lang="en", tgt_lang="fr", progress=True)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(search, "PROGRESS_ROWS", 1)
    api.align(SRC, TGT, encoder=HashingEncoder(), src_lang="en", tgt_lang="fr")
    assert capsys.readouterr().err == ""


def test_result_cache_fingerprints_every_search_module():
    from pathlib import Path

    from aligner.result_cache import search_code_files

    package = Path(search.__file__).parent
    assert set(package.rglob("*.py")) <= set(search_code_files())
    assert {"kernel.py", "dp.py", "scorer.py"} <= {p.name for p in search_code_files()}


def test_long_reviews_say_so_in_one_line(monkeypatch, capsys):
    import aligner.omissions as omissions

    alignment = api.align(SRC, TGT, encoder=HashingEncoder(), src_lang="en", tgt_lang="fr")
    omissions.review(alignment, HashingEncoder(), progress=True)
    assert capsys.readouterr().err == ""  # 24 sentences: too short to show
    monkeypatch.setattr(omissions, "PROGRESS_SENTENCES", 1)
    omissions.review(alignment, HashingEncoder())
    assert capsys.readouterr().err == ""  # progress off
    omissions.review(alignment, HashingEncoder(), progress=True)
    assert capsys.readouterr().err.splitlines() == ["aligner: review (4 steps)"]


def test_cli_shows_progress_off_a_terminal_unless_quiet(monkeypatch, tmp_path):
    from click.testing import CliRunner

    import aligner.omissions as omissions
    from aligner.cli import main

    monkeypatch.setattr(search, "PROGRESS_ROWS", 1)
    monkeypatch.setattr(omissions, "PROGRESS_SENTENCES", 1)
    (tmp_path / "a.txt").write_text("\n".join(SRC) + "\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("\n".join(TGT) + "\n", encoding="utf-8")
    args = ["review", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--presplit", "--encoder", "hash",
            "--no-cache", "--src-lang", "en", "--tgt-lang", "fr", "-o", str(tmp_path / "out")]
    shown = CliRunner().invoke(main, args)
    assert shown.exit_code == 0, shown.output
    assert {"aligner: search (24 rows)", "aligner: review (4 steps)"} <= set(shown.stderr.splitlines())
    quiet = CliRunner().invoke(main, [*args, "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""
