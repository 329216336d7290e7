"""Render a :class:`~aligner.omissions.Review` as one self-contained HTML page.

The page is a working tool: the sentences, beads and flags travel as one JSON data block, and the inlined
script (``static/review.js``) draws only the rows on screen, filters, records decisions and alignment edits
in the browser's local storage, and downloads them as a corrections file (docs/formats.md).
"""

from __future__ import annotations

from importlib.resources import files

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from ..confidence import WORDS, bead_confidence, confidence_word
from ..language import language_name
from ..model import Alignment
from ..omissions import Review
from ..signature import format_review_signature, format_signature
from .heatmap import heatmap_of
from ..corrections import document_of, flag_key
from .reasons import moved_reason, plain_reason
from .units import sentence_units, summary_lines


def environment() -> Environment:
    # autoescape everything: the page shows untrusted text (a sentence may contain "<script>")
    env = Environment(loader=PackageLoader("aligner.report", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    # the data block: characters as they are (not \uXXXX: a third of the size for Chinese), compact; tojson
    # still escapes <, >, & and ' so no text can close the script element
    env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "separators": (",", ":")}
    return env


def _static(name: str) -> Markup:
    """An inlined script or style sheet of ours (never contains "</script" or "</style")."""
    return Markup((files("aligner.report") / "static" / name).read_text(encoding="utf-8"))


def _zh_lang(alignment: Alignment) -> str:
    locale = (alignment.src_locale or "").lower()
    if alignment.src_lang != "zh":
        return alignment.src_locale or alignment.src_lang
    return "zh-Hant" if locale in ("zh-tw", "zh-hk", "zh-mo", "zh-hant") else "zh-Hans"


def page_data(review: Review) -> dict:
    """Everything the page's script shows and edits, in plain JSON types (each sentence's text once)."""
    alignment = review.alignment
    units = sentence_units(alignment)
    flags = []
    for f in review.flags:
        reason = plain_reason(f, review)
        unit = (units.zh[f.zh_sentence] if f.zh_sentence is not None
                else units.en[f.en_sentence] if f.en_sentence is not None
                else units.of_paragraph.get(f.en_paragraph))
        flags.append({"key": flag_key(f), "kind": f.kind, "conf": f.confidence, "zs": f.zh_sentence,
                      "es": f.en_sentence, "span": list(f.span) if f.span else None, "text": f.zh or f.en,
                      "unit": unit, "details": f.reason, **reason.to_dict()})
    moved = []
    for m in review.moved:
        own = alignment.zh if m["side"] == "zh" else alignment.en
        moved.append({"side": m["side"], "sentence": m["sentence"], "text": m.get("zh") or own[m["sentence"]].text,
                      **moved_reason(m, alignment).to_dict()})
    confidence = bead_confidence(alignment)
    return {
        "doc": {**document_of(alignment),
                "signature": format_signature(alignment.signature) if alignment.signature else "",
                "review_signature": format_review_signature(review.settings) if review.settings else ""},
        "lang": {"zh": _zh_lang(alignment), "en": alignment.tgt_locale or alignment.tgt_lang,
                 "src": language_name(alignment.src_lang), "tgt": language_name(alignment.tgt_lang)},
        "zh": [s.text for s in alignment.zh], "en": [s.text for s in alignment.en],
        "units": {"kind": units.kind, "labels": units.labels, "zh": units.zh, "en": units.en},
        "words": list(WORDS),
        # [source sentences, target sentences, confidence, index of its word in "words"]
        "beads": [[list(b.zh), list(b.en), p, WORDS.index(confidence_word(p))]
                  for b, p in zip(alignment.beads, confidence)],
        "flags": flags, "moved": moved, "summary": summary_lines(review, units),
    }


def render_html(review: Review, *, heatmap: bool = True) -> str:
    data = page_data(review)
    return environment().get_template("review.html.j2").render(
        data=data, lang=data["lang"], signature=data["doc"]["signature"],
        review_signature=data["doc"]["review_signature"],
        style=_static("review.css"), edits=_static("edits.js"), window=_static("window.js"),
        script=_static("review.js"),
        heatmap=heatmap_of(review) if heatmap else None)
