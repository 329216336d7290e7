"""A bilingual SRT for subtitle input: one cue per bead, the source line above the target line, timed from the
first to the last cue of the bead (source cues first, else the target's).

The interface it needs from the readers: each :class:`~aligner.model.Sentence` read from a subtitle cue carries
``timing = (start, end)`` in seconds; sentences of other inputs have ``timing = None``.
"""

from __future__ import annotations

from datetime import timedelta

from ..errors import InputError
from ..model import Alignment, Sentence
from .base import Exporter, Rated, encode_text


def check_timings(src: list[Sentence], tgt: list[Sentence]) -> None:
    """InputError unless some sentence has a cue timing (the input was subtitles): asked for at once, before
    the alignment, so a run asking ``--formats srt`` of plain text costs nothing."""
    if not any(s.timing for s in (*src, *tgt)):
        raise InputError("--formats srt: the inputs have no cue timings; an aligned SRT needs subtitle input "
                         "(.srt or .vtt)")


class SrtExporter(Exporter):
    name = "srt"
    extension = "srt"

    def render(self, alignment: Alignment, confidence: Rated = None) -> bytes:
        import srt

        check_timings(alignment.zh, alignment.en)
        cues = []
        for bead, src, tgt in alignment.pairs():
            timings = [alignment.zh[i].timing for i in bead.zh if alignment.zh[i].timing] \
                or [alignment.en[j].timing for j in bead.en if alignment.en[j].timing]
            if not timings:  # a sentence from outside any cue: nothing says when to show it
                continue
            start, end = min(t[0] for t in timings), max(t[1] for t in timings)
            content = "\n".join(text for text in (src, tgt) if text)
            cues.append(srt.Subtitle(len(cues) + 1, timedelta(seconds=start), timedelta(seconds=end), content))
        return encode_text(srt.compose(cues))
