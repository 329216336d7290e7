"""The review page in a real headless Chromium, loaded from file:// with the network refused: filters,
search, keyboard, decisions kept between visits, alignment edits, and the corrections file it downloads."""

from __future__ import annotations

import json

import pytest

from aligner.api import align
from aligner.export import write_outputs
from aligner.corrections import document_of, flag_key
from test_omissions import ToyEncoder, toy_doc, toy_en  # noqa: E402 (shared toy encoder)
from test_report import EVIL, reviewed  # noqa: F401 (the reviewed toy document, markup in it)

@pytest.fixture
def written(reviewed, tmp_path):
    """doc.json (the alignment `aligner apply` reads) and doc.review.html, as `aligner align` writes them."""
    prefix = tmp_path / "doc"
    write_outputs(reviewed.alignment, str(prefix), ["json", "review-html"], encoder=ToyEncoder())
    return prefix


@pytest.fixture(scope="module")
def long_page(tmp_path_factory):
    zh = toy_doc(600, seed=3)
    en = [toy_en(s) for s in zh]
    path = tmp_path_factory.mktemp("long") / "long.review.html"
    alignment = align(zh, en, encoder=ToyEncoder(), src_lang="zh", tgt_lang="en")
    write_outputs(alignment, str(path.parent / "long"), ["review-html"], encoder=ToyEncoder())
    return path, len(alignment.beads)


def test_only_what_is_on_screen_is_drawn(long_page, open_page):
    path, beads = long_page
    page = open_page(path)
    drawn = page.locator(".bead[data-k]").count()
    assert 0 < drawn < beads / 3
    assert page.locator(f'.bead[data-k="{beads - 1}"]').count() == 0
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_selector(f'.bead[data-k="{beads - 1}"]')
    assert page.locator('.bead[data-k="0"]').count() == 0  # dropped again far from the screen
    assert page.locator(".bead[data-k]").count() < beads / 3


def _count(page) -> str:
    return page.inner_text("#count")


def test_loads_offline_and_draws_only_what_is_on_screen(written, reviewed, open_page):
    page = open_page(written.with_suffix(".review.html"))
    beads = len(reviewed.alignment.beads)
    assert _count(page).startswith(f"{beads} of {beads} beads")
    assert page.locator("mark.sentence, mark.clause").count() >= 1
    assert page.locator(".zh", has_text=EVIL).count() == 1  # markup in a sentence shown as text, never run
    assert page.locator("script").count() == 2  # the data block and the page's own script
    # plain reasons with the confidence as a word, the technical reason behind "details"
    card = page.locator(".flag.kind-sentence").first
    assert card.locator(".word").inner_text().split()[0] in ("likely", "possible")
    assert "missing from the English" in card.inner_text()
    assert not card.locator("details").evaluate("d => d.open")
    assert page.inner_text("footer").count("Signature:") == 1


def test_filters_and_search(written, reviewed, open_page):
    page = open_page(written.with_suffix(".review.html"))
    page.select_option("#show", "flagged")
    flagged = {f.bead for f in reviewed.flags if f.kind not in ("paragraph",)}
    assert page.locator(".bead[data-k]").count() == len(flagged)
    page.uncheck("input.kind[value=addition]")
    assert page.locator(".flag.kind-addition").count() == 0
    page.check("input.kind[value=addition]")
    page.select_option("#show", "all")
    a = reviewed.alignment
    for query in (a.en[20].text.split()[1], a.zh[7].text[2:6]):  # both columns
        page.fill("#search", query)
        expected = [k for k, b in enumerate(a.beads)
                    if any(query.lower() in a.zh[i].text.lower() for i in b.zh)
                    or any(query.lower() in a.en[j].text.lower() for j in b.en)]
        assert 1 <= len(expected) < len(a.beads)
        assert [int(k) for k in page.locator(".bead[data-k]").evaluate_all(
            "rows => rows.map(r => r.dataset.k)")] == expected
        assert page.locator("mark.hit").count() >= len(expected)


def test_keyboard_decisions_and_notes_survive_a_reload(written, reviewed, open_page):
    path = written.with_suffix(".review.html")
    page = open_page(path)
    page.keyboard.press("j")
    focused = page.locator(".flag.focus")
    assert focused.count() == 1
    page.keyboard.press("a")
    assert page.locator(".flag.focus.accepted").count() == 1
    page.keyboard.press("j")
    page.keyboard.press("d")
    assert page.locator(".flag.dismissed").count() == 1
    note = page.locator(".flag.dismissed input.note")
    note.fill("a name, not content")
    note.press("Enter")
    note.blur()
    assert "1 accepted, 1 dismissed" in _count(page)
    page.reload()
    page.wait_for_selector(".bead[data-k]")
    assert "1 accepted, 1 dismissed" in _count(page)
    assert page.locator(".flag.dismissed input.note").input_value() == "a name, not content"
    data = page.evaluate("alignerReview.corrections()")
    keys = {flag_key(f) for f in reviewed.flags}
    assert {f["status"] for f in data["flags"]} == {"accepted", "dismissed"} and {f["key"] for f in data["flags"]} <= keys
    assert [f.get("note") for f in data["flags"] if f["status"] == "dismissed"] == ["a name, not content"]


def _bead(page, k):
    page.locator(f'.bead[data-k="{k}"] .num').click()
    return page.locator(f'.bead[data-k="{k}"]')


def test_merge_split_move_untranslated_and_download(written, reviewed, open_page, tmp_path):
    page = open_page(written.with_suffix(".review.html"))
    beads = reviewed.alignment.beads
    n = len(beads)
    _bead(page, 5).locator("button[data-op=merge]").click()
    assert _count(page).startswith(f"{n - 1} of {n - 1} beads")
    merged = _bead(page, 5)
    assert "edited" in merged.get_attribute("class")
    merged.locator("select.at[data-side=zh]").select_option("1")
    merged.locator("select.at[data-side=en]").select_option("1")
    merged.locator("button[data-op=split]").click()
    assert _count(page).startswith(f"{n} of {n} beads")
    _bead(page, 8).locator("button[data-op=untranslated][data-side=src]").first.click()
    page.click("#undo")
    page.click("#undo")
    assert "1 edits" in _count(page)
    with page.expect_download() as info:
        page.click("#download")
    download = info.value
    assert download.suggested_filename == "doc.corrections.json"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert data["format"] == "aligner-corrections" and data["version"] == 1
    assert data["document"] == document_of(reviewed.alignment)
    b5, b6 = beads[5], beads[6]
    assert data["edits"] == [{"op": "merge", "src": list(b5.zh), "tgt": list(b5.en)}]
    assert data["alignment_signature"] and data["saved"].endswith("Z")


def test_the_last_bead_cannot_be_merged_and_a_stale_edit_is_dropped(written, open_page):
    page = open_page(written.with_suffix(".review.html"))
    last = page.evaluate("alignerReview.beads().length") - 1
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_selector(f'.bead[data-k="{last}"]')
    assert _bead(page, last).locator("button[data-op=merge]").is_disabled()
    # edits kept from an earlier visit that no longer fit are dropped, saying so
    key = page.evaluate("Object.keys(localStorage)[0] || null")
    store = "aligner-review:" + page.evaluate("JSON.parse(document.getElementById('review-data').textContent).doc.src_sha256")
    assert key is None or key.startswith(store)
    page.evaluate("""s => localStorage.setItem(s, JSON.stringify({decisions: {}, edits: [
        {op: "merge", src: [0], tgt: [0]}, {op: "move", side: "src", sentence: 999, to: "next"}]}))""",
                  store + ":" + page.evaluate("JSON.parse(document.getElementById('review-data').textContent).doc.tgt_sha256"))
    page.reload()
    page.wait_for_selector(".bead[data-k]")
    assert "1 edits" in _count(page)
    assert "Edit 2 no longer fits (sentence out of range)" in page.inner_text("#status")


def _random_edit(rng, beads) -> dict:
    """An edit of the page's kinds on ``beads`` ([[zh], [en]] lists), valid or not."""
    k = rng.randrange(len(beads))
    zh, en = beads[k]
    op = rng.choice(["merge", "split", "move", "untranslated"])
    if op == "merge":
        return {"op": op, "src": zh, "tgt": en}
    if op == "split":
        return {"op": op, "src": zh, "tgt": en, "at_src": rng.randint(0, len(zh)), "at_tgt": rng.randint(0, len(en))}
    side, own = rng.choice([("src", zh), ("tgt", en)]) if zh and en else (("src", zh) if zh else ("tgt", en))
    sentence = rng.choice(own)
    if op == "move":
        return {"op": op, "side": side, "sentence": sentence, "to": rng.choice(["previous", "next"])}
    return {"op": op, "side": side, "sentence": sentence}


def test_the_page_edits_beads_as_aligner_apply_does(written, reviewed, open_page):
    """Random edit sequences: the page's beads after each accepted edit are apply_edits' beads, and the page
    refuses exactly the edits apply_edits refuses."""
    import random

    from aligner.corrections import apply_edits, parse_corrections
    from aligner.errors import InputError

    page = open_page(written.with_suffix(".review.html"))
    alignment = reviewed.alignment
    rng = random.Random(11)
    kept: list[dict] = []
    refused = 0
    for _ in range(60):
        beads = page.evaluate("alignerReview.beads().map(b => [b.zh, b.en])")
        edit = _random_edit(rng, beads)
        said = page.evaluate("e => alignerReview.edit(e)", edit)
        base = {"format": "aligner-corrections", "version": 1, "document": document_of(alignment), "flags": [],
                "edits": kept + [edit]}
        try:
            expected = apply_edits(alignment, parse_corrections(base))
        except InputError:
            assert said.startswith("Cannot "), edit
            refused += 1
            continue
        assert not said, (edit, said)
        kept.append(edit)
        assert page.evaluate("alignerReview.beads().map(b => [b.zh, b.en])") == \
            [[list(b.zh), list(b.en)] for b in expected.beads], edit
    assert len(kept) >= 20 and refused >= 5
    assert page.evaluate("alignerReview.corrections().edits") == kept


def test_downloaded_corrections_go_through_aligner_apply(written, reviewed, open_page, tmp_path):
    from click.testing import CliRunner
    from lxml import etree

    from aligner.cli import main

    page = open_page(written.with_suffix(".review.html"))
    beads = reviewed.alignment.beads
    _bead(page, 2).locator("button[data-op=merge]").click()
    split = next(k for k, b in enumerate(beads) if k > 10 and len(b.zh) == 1 and len(b.en) == 1)
    row = _bead(page, split - 1)  # one bead fewer before it after the merge
    row.locator("select.at[data-side=zh]").select_option("1")
    row.locator("select.at[data-side=en]").select_option("0")
    row.locator("button[data-op=split]").click()
    page.locator(".flag .fa button[data-act=dismissed]").first.click()
    with page.expect_download() as info:
        page.click("#download")
    saved = tmp_path / "doc.corrections.json"
    info.value.save_as(saved)
    out = tmp_path / "fixed"
    result = CliRunner().invoke(main, ["apply", str(written.with_suffix(".json")), str(saved), "-o", str(out),
                                       "--formats", "tmx", "-q"])
    assert result.exit_code == 0, result.output
    units = [(tu.findtext("prop[@type='x-zh-sentences']"), tu.findtext("prop[@type='x-en-sentences']"))
             for tu in etree.parse(str(out.with_suffix(".tmx"))).iter("tu")]
    merged = (",".join(map(str, beads[2].zh + beads[3].zh)), ",".join(map(str, beads[2].en + beads[3].en)))
    assert merged in units
    split_zh, split_en = str(beads[split].zh[0]), str(beads[split].en[0])
    assert all(split_zh != zh and split_en != en for zh, en in units)  # both now stand alone: no unit
    shown = page.evaluate("alignerReview.beads().filter(b => b.zh.length && b.en.length)"
                          ".map(b => [b.zh.join(','), b.en.join(',')])")
    assert [list(u) for u in units] == shown
