"""SubRip subtitles (srt): each cue one unit and one sentence, its timing kept for a subtitle export."""

from __future__ import annotations

import re

from ..errors import InputError
from .document import Document, DocumentBuilder
from .source import display_name
from .text import decode_text

# srt reads "00:00:0x,500" as 0 s: every timing line is checked to be whole first.
_TIMING = re.compile(r"\s*\d+:[0-5]\d:[0-5]\d[,.]\d{1,3}\s*-->\s*\d+:[0-5]\d:[0-5]\d[,.]\d{1,3}(\s.*)?")
# Formatting inside a cue (<i>, <font color=...>, ASS overrides such as {\an8}) is no text to align.
CUE_MARKUP = re.compile(r"<[^>\n]*>|\{\\[^}\n]*\}")


def read_srt(data: bytes, path: str, max_bytes: int) -> Document:
    import srt

    name = display_name(path)
    text, encoding = decode_text(data, path)
    for number, line in enumerate(text.splitlines(), 1):
        if "-->" in line and not _TIMING.fullmatch(line):
            raise InputError(f"{name}:{number}: broken subtitle timing {line.strip()[:80]!r}")
    try:
        cues = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as exc:
        raise InputError(f"{name}: broken subtitle timings or cue structure ({str(exc).splitlines()[0][:200]})") \
            from None
    builder = DocumentBuilder()
    for cue in cues:
        add_cue(builder, name, cue.index, cue.start.total_seconds(), cue.end.total_seconds(), cue.content)
    return builder.build(path, name, encoding, cues=True)


def add_cue(builder: DocumentBuilder, name: str, label, start: float, end: float, content: str) -> None:
    """One cue as a unit (an empty one is skipped); a cue that ends before it starts is refused."""
    if end < start:
        raise InputError(f"{name}: cue {label} ends ({end:.3f} s) before it starts ({start:.3f} s)")
    builder.add(CUE_MARKUP.sub("", content), "cue", (start, end))
