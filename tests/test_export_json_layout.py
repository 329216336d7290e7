"""The JSON exporter lays out its text itself (speed): it must be json.dumps(indent=1)'s, byte for byte."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.export.json import _dumps

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(["\ud800", "\n", '"', "\\"]))
_number = st.integers(-5, 10**6) | st.floats(allow_nan=True, allow_infinity=True) | st.booleans() | st.none()
_sentences = st.lists(st.fixed_dictionaries({"text": _text, "paragraph": st.integers(0, 10**6)}), max_size=5)
_beads = st.lists(st.fixed_dictionaries({"zh": st.lists(st.integers(0, 10**6), max_size=3),
                                         "en": st.lists(st.integers(0, 10**6), max_size=3),
                                         "score": _number, "type": _text, "confidence": _number}), max_size=5)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_text, _number | _text, max_size=3), _sentences, _sentences, _beads)
def test_layout_is_json_dumps_indent_1(signature, source, target, beads):
    data = {"format_version": 1, "signature": signature, "src_lang": "zh", "tgt_lang": "en", "src_locale": None,
            "tgt_locale": "en", "source": {"sentences": source}, "target": {"sentences": target}, "beads": beads}
    assert _dumps(data) == json.dumps(data, ensure_ascii=False, indent=1)
