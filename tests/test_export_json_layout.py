"""The JSON exporter lays out its text itself (speed): it must be json.dumps(indent=1)'s, byte for byte."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from aligner.export.json import _pieces, alignment_to_dict
from aligner.model import Alignment, Bead, Sentence

_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)) | st.sampled_from(["\ud800", "\n", '"', "\\"]))
_number = st.integers(-5, 10**6) | st.floats(allow_nan=True, allow_infinity=True) | st.booleans() | st.none()
_sentences = st.lists(st.builds(Sentence, _text, st.integers(0, 10**6)), max_size=5)
_indexes = st.lists(st.integers(0, 10**6), max_size=3).map(tuple)
_beads = st.lists(st.tuples(st.builds(Bead, _indexes, _indexes, _number), _number), max_size=5)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_text, _number | _text, max_size=3), _sentences, _sentences, _beads, st.none() | _text)
def test_layout_is_json_dumps_indent_1(signature, source, target, rated, locale):
    beads, confidence = [b for b, _ in rated], [p for _, p in rated]
    alignment = Alignment(source, target, beads, src_locale=locale, signature=signature)
    data = {**alignment_to_dict(alignment, lists=False),
            "source": {"sentences": [{"text": s.text, "paragraph": s.paragraph} for s in source]},
            "target": {"sentences": [{"text": s.text, "paragraph": s.paragraph} for s in target]},
            "beads": [{"zh": list(b.zh), "en": list(b.en), "score": b.score, "type": b.type, "confidence": p}
                      for b, p in rated]}
    assert "".join(_pieces(alignment, confidence)) == json.dumps(data, ensure_ascii=False, indent=1)
