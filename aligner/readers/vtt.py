"""WebVTT subtitles (webvtt-py): each cue one unit and one sentence, its timing kept."""

from __future__ import annotations

from ..errors import InputError
from .document import Document, DocumentBuilder
from .source import display_name
from .srt import add_cue
from .text import decode_text


def read_vtt(data: bytes, path: str, max_bytes: int) -> Document:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    name = display_name(path)
    text, encoding = decode_text(data, path)
    try:
        captions = webvtt.from_string(text.replace("\r\n", "\n").replace("\r", "\n"), strict=True).captions
    except (MalformedFileError, MalformedCaptionError, ValueError) as exc:
        raise InputError(f"{name}: broken WebVTT timings or cue structure ({exc})") from None
    builder = DocumentBuilder()
    for k, caption in enumerate(captions, 1):
        add_cue(builder, name, caption.identifier or k, caption.start_time.in_milliseconds() / 1000,
                caption.end_time.in_milliseconds() / 1000, caption.text)
    return builder.build(path, name, encoding, cues=True)
