"""``aligner apply`` end to end: corrected outputs, the decided review, re-runs, and every refused file."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from aligner.cli import main
from aligner.corrections import document_of, flag_key
from aligner.export import load_alignment

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT / "corpora" / "zh-en" / "news"


def cli(*args):
    result = CliRunner().invoke(main, [*map(str, args)])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The news document aligned and reviewed (hash encoder): run.json, run.review.json."""
    folder = tmp_path_factory.mktemp("apply")
    for command in ("align", "review"):
        code, _, err = cli(command, f"{NEWS}.zh", f"{NEWS}.en", "--presplit", "--encoder", "hash", "--no-cache",
                           "-q", "-o", folder / "run")
        assert code == 0, err
    return folder


def corrections_for(alignment, review: dict | None = None) -> dict:
    b = alignment.beads
    flags = []
    if review:
        flags = [{"key": flag_key(review["flags"][0]), "status": "dismissed"},
                 {"key": flag_key(review["flags"][1]), "status": "accepted", "note": "checked"}]
    return {"format": "aligner-corrections", "version": 1, "document": document_of(alignment),
            "alignment_signature": "", "flags": flags, "saved": "2026-12-03T14:00:00Z",
            "edits": [{"op": "merge", "src": list(b[0].zh), "tgt": list(b[0].en)},
                      {"op": "untranslated", "side": "src", "sentence": b[5].zh[0]}]}


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def tmx_units(path: Path) -> list[tuple[str, str]]:
    return [(tu.findtext("prop[@type='x-zh-sentences']"), tu.findtext("prop[@type='x-en-sentences']"))
            for tu in etree.parse(str(path)).iter("tu")]


def test_apply_writes_the_corrected_alignment_in_every_format(run, tmp_path):
    alignment = load_alignment(str(run / "run.json"))
    fix = write_json(tmp_path / "fix.json", corrections_for(alignment))
    code, out, err = cli("apply", run / "run.json", fix, "-o", tmp_path / "out", "--formats",
                         "tmx,tsv,beads,json,xlsx,xliff,moses")
    assert code == 0, err
    assert len(out.splitlines()) == 8 and "2 edits applied" in err
    first = alignment.beads[0].zh + alignment.beads[1].zh
    units = tmx_units(tmp_path / "out.tmx")
    assert units[0] == (",".join(map(str, first)), ",".join(map(str, alignment.beads[0].en + alignment.beads[1].en)))
    corrected = load_alignment(str(tmp_path / "out.json"))
    lone = alignment.beads[5].zh[0]
    assert any(b.zh == (lone,) and not b.en for b in corrected.beads)
    assert len(units) == sum(not b.is_null for b in corrected.beads)
    assert (tmp_path / "out.beads").read_text().count("\n") == len(corrected.beads)


def test_the_same_file_keeps_its_decisions_on_a_re_run(run, tmp_path):
    alignment = load_alignment(str(run / "run.json"))
    review = json.loads((run / "run.review.json").read_text(encoding="utf-8"))
    fix = write_json(tmp_path / "fix.json", corrections_for(alignment, review))
    code, _, err = cli("align", f"{NEWS}.zh", f"{NEWS}.en", "--presplit", "--encoder", "hash", "--no-cache", "-q",
                       "-o", tmp_path / "again")
    assert code == 0, err
    for name, source in (("first", run / "run.json"), ("second", tmp_path / "again.json")):
        code, _, err = cli("apply", source, fix, "-o", tmp_path / name, "--review", run / "run.review.json")
        assert code == 0, err
    for ext in ("tmx", "tsv", "beads", "review.json"):
        first = (tmp_path / f"first.{ext}").read_bytes()
        assert first == (tmp_path / f"second.{ext}").read_bytes() or ext == "tmx"  # TMX: its creation date
    assert tmx_units(tmp_path / "first.tmx") == tmx_units(tmp_path / "second.tmx")
    decided = json.loads((tmp_path / "first.review.json").read_text(encoding="utf-8"))
    assert len(decided["flags"]) == len(review["flags"]) - 1
    assert decided["flags"][0]["note"] == "checked" and decided["flags"][0]["status"] == "accepted"
    assert decided["decisions"] == {"accepted": 1, "dismissed": 1, "not_in_review": 0}
    assert (tmp_path / "first.xlsx").exists()


def test_min_confidence_leaves_out_the_less_sure_units(run, tmp_path):
    alignment = load_alignment(str(run / "run.json"))
    fix = write_json(tmp_path / "fix.json", {**corrections_for(alignment), "edits": []})
    cli("apply", run / "run.json", fix, "-o", tmp_path / "all", "--formats", "tmx", "-q")
    props = [float(tu.findtext("prop[@type='x-confidence']")) for tu in etree.parse(str(tmp_path / "all.tmx")).iter("tu")]
    cut = sorted(props)[len(props) // 2]
    code, _, err = cli("apply", run / "run.json", fix, "-o", tmp_path / "sure", "--formats", "tmx",
                       "--min-confidence", cut)
    assert code == 0, err
    kept = [float(tu.findtext("prop[@type='x-confidence']")) for tu in etree.parse(str(tmp_path / "sure.tmx")).iter("tu")]
    assert kept == [p for p in props if p >= cut] and len(kept) < len(props)


def _tampered(alignment) -> list:
    good = corrections_for(alignment)
    n = len(alignment.zh)
    return [
        ({**good, "document": {**good["document"], "tgt_sha256": "f" * 64}}, "made for another document"),
        ({**good, "version": 2}, "version 2 is not supported"),
        ({**good, "edits": [{"op": "untranslated", "side": "src", "sentence": n}]}, f"src sentence {n} is not in"),
        ({**good, "edits": [{"op": "untranslated", "side": "tgt", "sentence": 3}] * 2}, "marked untranslated twice"),
        ({**good, "edits": [{"op": "move", "side": "src", "sentence": 0, "to": "previous"}]}, "no previous bead"),
        ("{not json", "invalid JSON"),
    ]


@pytest.mark.parametrize("case", range(6))
def test_a_tampered_or_foreign_file_is_refused_and_nothing_is_written(run, tmp_path, case):
    data, says = _tampered(load_alignment(str(run / "run.json")))[case]
    fix = tmp_path / "fix.json"
    fix.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    before = {p: p.read_bytes() for p in (run / "run.json", run / "run.review.json", fix)}
    code, out, err = cli("apply", run / "run.json", fix, "-o", tmp_path / "out", "--review", run / "run.review.json")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"aligner: error: {fix}") and says in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fix.json"]
    assert all(p.read_bytes() == data for p, data in before.items())


@pytest.mark.parametrize("args, says", [
    (["-o", "{run}/run"], "would overwrite the input"),
    (["-o", "{tmp}/out", "--review", "{run}/run.json"], "not an aligner review"),
    (["-o", "{tmp}/out", "--review", "{run}/run.review.json", "--formats", "review-html"], "leave review-html out"),
    (["-o", "{tmp}/out", "--min-confidence", "1.5"], "--min-confidence"),
    ([], "Missing option '-o'"),
])
def test_bad_options(run, tmp_path, args, says):
    fix = write_json(tmp_path / "fix.json", corrections_for(load_alignment(str(run / "run.json"))))
    code, _, err = cli("apply", run / "run.json", fix, *[a.format(run=run, tmp=tmp_path) for a in args])
    assert code == 2 and err.count("\n") == 1 and says in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fix.json"]


def test_a_review_of_other_documents_is_refused(run, tmp_path):
    alignment = load_alignment(str(run / "run.json"))
    review = json.loads((run / "run.review.json").read_text(encoding="utf-8"))
    review["summary"]["zh_sentences"] += 1
    fix = write_json(tmp_path / "fix.json", corrections_for(alignment))
    other = write_json(tmp_path / "other.review.json", review)
    code, _, err = cli("apply", run / "run.json", fix, "-o", tmp_path / "out", "--review", other)
    assert code == 2 and "the review is of other documents" in err


# ---------------------------------------------------------------- fuzz: a corrections file changed at random

JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers(-3, 200) | st.floats(allow_nan=True)
                           | st.text(max_size=8), lambda inner: st.lists(inner, max_size=3)
                           | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=6)


@st.composite
def spoiled(draw, good: dict):
    data = json.loads(json.dumps(good))
    for _ in range(draw(st.integers(1, 3))):
        node = data
        path = []
        while isinstance(node, (dict, list)) and node and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
            path.append(key)
            node = node[key]
        target = data
        for key in path[:-1]:
            target = target[key]
        if path:
            target[path[-1]] = draw(JSON_VALUES)
        elif isinstance(data, dict):
            data[draw(st.sampled_from(["edits", "flags", "document", "version", "x"]))] = draw(JSON_VALUES)
    return data


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(data=st.data())
def test_fuzz_apply_is_all_or_nothing(run, data):
    alignment = load_alignment(str(run / "run.json"))
    fixed = data.draw(spoiled(corrections_for(alignment)))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        shutil.copy(run / "run.json", folder / "run.json")
        fix = write_json(folder / "fix.json", fixed)
        before = {p.name: p.read_bytes() for p in folder.iterdir()}
        code, _, err = cli("apply", folder / "run.json", fix, "-o", folder / "out", "-q")
        assert code in (0, 2) and "Traceback" not in err, err
        after = {p.name: p.read_bytes() for p in folder.iterdir()}
        assert all(after[name] == data for name, data in before.items())
        if code == 0:
            assert set(after) - set(before) == {"out.tmx", "out.tsv", "out.beads", "out.json"}
        else:
            assert err.count("\n") == 1 and err.startswith("aligner: error: ") and set(after) == set(before), err
