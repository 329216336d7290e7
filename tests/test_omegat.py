"""The TMX that ``aligner align --formats tmx`` writes imports into OmegaT and its matches are applied.

A throwaway OmegaT project gets the Chinese text as its source file and our TMX in ``tm/auto/``
(OmegaT 3.x inserts exact matches from there into untranslated segments on load); OmegaT then
runs headless (``--mode=console-translate``) and the target file must hold our English.
Needs the ``omegat`` command (Debian: ``apt-get install omegat``); skips without it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from aligner.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "corpora" / "example"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Three Traditional Chinese sentences and their translation: the TMX's srclang is zh-TW.
TRADITIONAL_ZH = "臺北的捷運系統今年新增了兩條路線。許多通勤族表示，上班時間因此縮短了將近半小時。" \
                 "市政府計畫在明年繼續擴建。\n"
TRADITIONAL_EN = "Taipei's metro system added two new lines this year. Many commuters say their journey " \
                 "to work is now almost half an hour shorter. The city government plans to expand the " \
                 "network further next year.\n"

PROJECT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<omegat>
    <project version="1.0">
        <source_dir>__DEFAULT__</source_dir>
        <target_dir>__DEFAULT__</target_dir>
        <tm_dir>__DEFAULT__</tm_dir>
        <glossary_dir>__DEFAULT__</glossary_dir>
        <glossary_file>__DEFAULT__</glossary_file>
        <dictionary_dir>__DEFAULT__</dictionary_dir>
        <source_lang>{src}</source_lang>
        <target_lang>{tgt}</target_lang>
        <source_tok>org.omegat.tokenizer.LuceneSmartChineseTokenizer</source_tok>
        <target_tok>org.omegat.tokenizer.LuceneEnglishTokenizer</target_tok>
        <sentence_seg>true</sentence_seg>
        <support_default_translations>true</support_default_translations>
        <remove_tags>false</remove_tags>
    </project>
</omegat>
"""

OMEGAT = shutil.which("omegat")
pytestmark = pytest.mark.skipif(OMEGAT is None, reason="OmegaT not installed: apt-get install omegat")


def make_project(where: Path, src_lang: str, tgt_lang: str, source_text: Path, tmx: Path) -> Path:
    project = where / "project"
    # OmegaT only accepts a folder holding omegat.project *and* omegat/, and wants target/ to exist.
    for sub in ("source", "target", "tm/auto", "omegat", "glossary", "dictionary"):
        (project / sub).mkdir(parents=True)
    (project / "omegat.project").write_text(PROJECT.format(src=src_lang, tgt=tgt_lang), encoding="utf-8")
    shutil.copyfile(source_text, project / "source" / "doc.txt")
    shutil.copyfile(tmx, project / "tm" / "auto" / tmx.name)
    return project


def run_omegat(project: Path, config: Path) -> str:
    # Debian's launcher passes its arguments on unquoted ($*): a path with a space would split.
    assert not re.search(r"\s", str(project) + str(config)), f"OmegaT launcher cannot take {project}"
    env = dict(os.environ, JAVA_TOOL_OPTIONS="-Djava.awt.headless=true")
    env.pop("DISPLAY", None)
    proc = subprocess.run([OMEGAT, "--mode=console-translate", f"--config-dir={config}",
                           "--disable-project-locking", str(project)],
                          capture_output=True, text=True, timeout=50, env=env)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"OmegaT failed ({proc.returncode}):\n{log[-3000:]}"
    return log


def segment_stats(project: Path) -> tuple[int, int]:
    """(total, remaining) segments from OmegaT's omegat/project_stats.txt."""
    text = (project / "omegat" / "project_stats.txt").read_text(encoding="utf-8")
    total = int(re.search(r"^Total:\s+(\d+)", text, re.M).group(1))
    remaining = int(re.search(r"^Remaining:\s+(\d+)", text, re.M).group(1))
    return total, remaining


def read_tmx(path: Path) -> tuple[str, list[tuple[int, str, str]]]:
    """srclang and, per <tu>, (Chinese sentences in it, Chinese text, English text)."""
    tree = etree.parse(str(path), etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False))
    units = []
    for tu in tree.iter("tu"):
        props = {p.get("type"): p.text for p in tu.iter("prop")}
        zh, en = (tuv.findtext("seg") for tuv in tu.iter("tuv"))
        units.append((len(props["x-zh-sentences"].split(",")), zh, en))
    return tree.getroot().find("header").get("srclang"), units


@pytest.mark.parametrize("case", ["example", "traditional"])
def test_omegat_imports_the_tmx_and_applies_its_matches(case: str, tmp_path: Path) -> None:
    if case == "example":
        zh_file, en_file, locale = EXAMPLE / "example.zh.txt", EXAMPLE / "example.en.txt", "zh-CN"
    else:
        zh_file, en_file, locale = tmp_path / "trad.zh.txt", tmp_path / "trad.en.txt", "zh-TW"
        zh_file.write_text(TRADITIONAL_ZH, encoding="utf-8")
        en_file.write_text(TRADITIONAL_EN, encoding="utf-8")

    result = CliRunner().invoke(main, ["align", str(zh_file), str(en_file), "-o", str(tmp_path / "out"),
                                       "--formats", "tmx", "-q"])
    assert result.exit_code == 0, result.output
    tmx = tmp_path / "out.tmx"
    srclang, units = read_tmx(tmx)
    assert srclang == locale

    project = make_project(tmp_path, srclang, "en", zh_file, tmx)
    log = run_omegat(project, tmp_path / "omegat-config")

    # OmegaT read the whole file, saw the right source language, and had nothing to complain about.
    assert "TMXR_INFO_READING_COMPLETE" in log, log[-3000:]
    assert f"Source language: {locale}" in log, log[-3000:]
    complaints = [line for line in log.splitlines()
                  if re.search(r"\b(Warning|Error|SEVERE)\b|Exception|TMXR_WARNING|TMXR_ERROR", line)]
    assert not complaints, "\n".join(complaints)

    # Every unit with a single Chinese sentence is one OmegaT segment, matched exactly: its English
    # is in the translated document. (A multi-sentence bead can only match where OmegaT's segmenter
    # keeps its sentences together; an omission has no <tu> at all.)
    target = (project / "target" / "doc.txt").read_text(encoding="utf-8")
    single = [(zh, en) for n, zh, en in units if n == 1]
    assert single, "no one-sentence units to look for"
    missing = [(zh, en) for zh, en in single if en not in target]
    assert not missing, f"OmegaT did not apply these units: {missing}"
    total, remaining = segment_stats(project)
    assert total - remaining >= len(single), (total, remaining, len(single))
    if case == "traditional":
        assert (total, remaining) == (3, 0)
