"""Long outputs are written in pieces (export.base.StreamedExporter): the same bytes as rendered whole, but
never the whole file at once (a 60,000-sentence book's outputs, rendered whole, held 150 MB)."""

from __future__ import annotations

import io
import json

import pytest

from aligner.export import get_exporter
from aligner.export.base import StreamedExporter
from aligner.export.json import alignment_to_dict
from aligner.model import Alignment, Bead, Sentence

STREAMED = ("tmx", "tsv", "beads", "json", "xliff", "xliff2")


def long_alignment(n: int = 2_500) -> Alignment:
    """``n`` beads (pieces of 1,000 units: three of them), a merge and null beads on both sides among them."""
    zh = [Sentence(f"第{k}句，“引文”。", k // 100) for k in range(n)]
    en = [Sentence(f"Sentence {k} & <{k}> \"quoted\".", k // 90) for k in range(n)]
    beads = [Bead((k,), (k,), round(0.25 + k / (4 * n), 4)) for k in range(n - 3)]
    beads += [Bead((n - 3, n - 2), (n - 3,), 0.5), Bead((n - 1,), (), -0.09), Bead((), (n - 2,), -0.09),
              Bead((), (n - 1,), -0.05)]
    return Alignment(zh, en, beads, signature={"aligner": "0.1.0", "encoder": "test:1"})


@pytest.mark.parametrize("fmt", STREAMED)
def test_streamed_pieces_are_the_rendered_bytes(fmt: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # TMX's date: the same in both renderings
    alignment = long_alignment()
    exporter = get_exporter(fmt)
    assert isinstance(exporter, StreamedExporter)
    pieces = list(exporter.pieces(alignment))
    whole = b"".join(pieces)
    assert len(pieces) >= 3 and max(map(len, pieces)) < len(whole) / 2  # written in parts, none most of it
    written = io.BytesIO()
    exporter.write(alignment, written)
    assert written.getvalue() == whole == exporter.render(alignment)


def test_streamed_json_is_json_dumps_indent_1() -> None:
    alignment = long_alignment()
    text = get_exporter("json").render(alignment).decode("utf-8")
    assert text == json.dumps(alignment_to_dict(alignment), ensure_ascii=False, indent=1) + "\n"
