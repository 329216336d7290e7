"""Bag-of-translations vectors from CC-CEDICT: a lexical signal for Chinese–English alignment.

Each sentence becomes hashed counts of English lemma-ish keys: an English sentence its content words,
a Chinese sentence the English words of the dictionary definitions of the words it is made of. Both sides
land in the same columns, so the overlap of two spans (``aligner.search.scorer.BandScorer._dice``) says how
many dictionary translations they share, a signal that does not depend on the encoder and that holds
up where a loose or literary translation moves the sentence embeddings apart.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from functools import cached_property, lru_cache

import numpy as np

from .cedict import CHECKED_BYTES, CHINESE_STOPWORDS, Cedict, cedict
from .counts import CountRows
from .derived import load_or_build_arrays, source_hash
from .model import pieces
from .segment.chinese import to_simplified_many

KEYS_PER_WORD = 6    # a Chinese word's translations beyond the first few are rare senses: noise

# Function words and definition filler; kept small, because both sides drop them alike and the score
# is a ratio of shared to total keys, so what remains matters more than a complete list.
STOPWORDS = frozenset("""
a an the and or but if of to in on at by for from with without into onto upon as than then so not no nor
be is are am was were been being do does did done have has had having will would shall should can could
may might must i me my mine we us our you your he him his she her it its they them their this that these
those there here who whom whose which what when where why how all any some each every such own same other
very too also just only even still yet more most much many few one's oneself sb sth sb's sth's etc e.g
i.e lit fig esp abbr used usu ok s t o about up out off over again once
""".split())

# Whole senses that are cross-references or grammar notes, not translations.
_NOISE_SENSE = re.compile(
    r"^(?:surname |(?:old |archaic |japanese |erhua |euphemistic |literary |ancient |dialect )?variant of|"
    r"cl:|see |see also|also written|also pr\.|used in |pr\. |taiwan pr\.|kangxi radical|"
    r"\"[^\"]*\" radical|radical in chinese)", re.IGNORECASE)
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")          # labels "(literary)", pinyin "[ge4]"
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")                 # English tokens, lowercased text
_DOUBLED = re.compile(r"([b-df-hj-np-tv-z])\1$")


@lru_cache(maxsize=65536)
def english_key(word: str) -> str | None:
    """The lemma-ish key of a lowercased English word, or None for a stopword.

    Crude suffix stripping (-ing, -ly, -ed, -es, -s, then a final e, a doubled consonant, y → i), applied
    alike to sentences and to dictionary definitions: the keys only have to agree, not be real lemmas
    ("moving", "moved", "move" → "mov"; "cities", "city" → "citi"; "died", "die" → "di").
    """
    if word in STOPWORDS:
        return None
    if word.isdigit():
        return word  # numbers are strong anchors and read the same on both sides
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 3:
        for suffix, stem in (("ing", 3), ("ly", 3), ("ed", 2), ("es", 2), ("s", 3)):
            if word.endswith(suffix) and len(word) - len(suffix) >= stem and not word.endswith(("ss", "us", "is")):
                word = word[: -len(suffix)]
                break
    word = _country_stem(word)
    if len(word) > 2 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 3:
        word = _DOUBLED.sub(r"\1", word)
    if len(word) > 2 and word.endswith("y"):
        word = word[:-1] + "i"
    if len(word) < 2 or word in STOPWORDS:
        return None
    return word


def _country_stem(word: str) -> str:
    """Country and demonym to one key: 中方 is "the Chinese side" where the English says "China", 柬 is
    "Cambodia" where it says "Cambodian" (china/chinese -> chin, korea/korean -> kore, cambodia/cambodian
    -> cambodi, america/american -> americ)."""
    if len(word) >= 6 and word.endswith("ese"):
        return word[:-3]
    if len(word) >= 6 and word.endswith(("ian", "ean", "can")):
        return word[:-2]
    if len(word) >= 5 and word.endswith(("ia", "na", "ea", "ca")):
        return word[:-1]
    return word


def english_keys(text: str) -> list[str]:
    """Content-word keys of an English text, one per occurrence."""
    return [k for k in map(english_key, _WORD.findall(text.lower())) if k is not None]


def _sense_keys(definitions: str) -> list[str]:
    """The distinct content keys of one entry's senses ("/"-separated), skipping cross-references and labels."""
    keys: list[str] = []
    for sense in definitions.split("/"):
        sense = sense.strip()
        if not sense or _NOISE_SENSE.match(sense):
            continue
        for key in english_keys(_BRACKETS.sub(" ", sense)):
            if key not in keys:
                keys.append(key)
    return keys


def _word_keys(word: str, readings: list[str]) -> tuple[str, ...]:
    """A headword's English keys (``readings``: the definitions of each of its readings,
    :meth:`aligner.cedict.Cedict.readings`): its readings' keys interleaved (so one reading's long list does
    not crowd out another's first senses: 后 "queen" and 後 "after" share the simplified form), capped."""
    if word in CHINESE_STOPWORDS:
        return ()
    lists = [_sense_keys(defs) for defs in readings]
    keys: list[str] = []
    for rank in range(max((len(k) for k in lists), default=0)):
        for found in lists:
            if rank < len(found) and found[rank] not in keys:
                keys.append(found[rank])
    return tuple(keys[:KEYS_PER_WORD])


class KeyTable:
    """Every headword's English keys (:func:`_word_keys`), derived once per machine and kept beside the
    dictionary (:func:`key_table`): row r's keys are ``ids[starts[r]:starts[r + 1]]`` in the vocabulary,
    whose CRC-32 ``crc`` gives their hashed columns. Deriving them on first use cost a document of 100
    sentences 50 ms and one of 1,000 a quarter of a second, and held every row's keys for the process."""

    def __init__(self, arrays: dict[str, np.ndarray]):
        self.starts, self.ids, self.crc, self._vocab = arrays["starts"], arrays["ids"], arrays["crc"], arrays["vocab"]

    @cached_property
    def vocab(self) -> list[str]:
        return self._vocab.tobytes().decode("utf-8").split("\n")

    def keys(self, rows: Iterable[int]) -> dict[int, tuple[str, ...]]:
        """{row: its keys} for the distinct ``rows`` (-1, no headword: none)."""
        vocab, found = self.vocab, {-1: ()}
        for row in set(rows) - {-1}:
            found[row] = tuple(vocab[k] for k in self.ids[self.starts[row]:self.starts[row + 1]].tolist())
        return found

    def columns(self, rows: np.ndarray, dim: int) -> tuple[np.ndarray, np.ndarray]:
        """How many keys each of ``rows`` (>= 0) has, and their columns of ``dim``, one row after another."""
        first, sizes = self.starts[rows], self.starts[rows + 1] - self.starts[rows]
        before = np.cumsum(sizes) - sizes
        at = np.repeat(first - before, sizes) + np.arange(int(sizes.sum()))
        return sizes, (self.crc[self.ids[at]] % dim).astype(np.int64)


@lru_cache(maxsize=1)
def key_table() -> KeyTable:
    """The dictionary's :class:`KeyTable`, stored as arrays (:func:`aligner.derived.load_or_build_arrays`)
    keyed by the dictionary's own key and this module's code (about 2 CPU s to derive, once)."""
    table = cedict()
    key = f"{table.key}\0{source_hash(__file__)}"
    return KeyTable(load_or_build_arrays("cedict-keys", key, lambda: _derived_keys(table), unchecked=CHECKED_BYTES))


def _derived_keys(table: Cedict) -> dict[str, np.ndarray]:
    vocab: dict[str, int] = {}
    by_readings: dict[bytes, tuple[str, ...]] = {}  # a Traditional and a Simplified headword share entries
    ids: list[int] = []
    sizes = np.zeros(len(table), dtype=np.int64)
    blob, offsets = table.definitions.tobytes(), table.def_offsets.tolist()
    for row, word in enumerate(table.headwords.split("\n")):
        readings = blob[offsets[row]:offsets[row + 1]]
        keys = () if word in CHINESE_STOPWORDS else by_readings.get(readings)
        if keys is None:
            keys = by_readings[readings] = _word_keys(word, readings.decode("utf-8").split("\n"))
        ids.extend(vocab.setdefault(k, len(vocab)) for k in keys)
        sizes[row] = len(keys)
    return {"starts": np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64), "ids": np.array(ids, dtype=np.int32),
            "crc": np.array([zlib.crc32(k.encode("utf-8")) for k in vocab], dtype=np.uint32),
            "vocab": np.frombuffer("\n".join(vocab).encode("utf-8"), dtype=np.uint8)}


Words = tuple[tuple[str, tuple[str, ...]], ...]


def chinese_words(text: str) -> Words:
    """The words of a Chinese text (Traditional or Simplified) with their dictionary-translation keys.

    Latin words and numbers inside the text are words of their own whose key is themselves; function
    words and characters the dictionary lacks come with no keys. Words are given in the Simplified form.
    """
    return chinese_words_many([text])[0]


def chinese_words_many(texts: list[str]) -> list[Words]:
    """:func:`chinese_words` of each text, the distinct texts segmented together (in bulk, array operations:
    :meth:`aligner.cedict.Cedict.segment`). Nothing is kept between calls: a review keeps its document's
    words (:class:`aligner.omissions.wordmodel.Tokens`)."""
    new = list(dict.fromkeys(texts))
    pieces = [[(m.group(1), m.group(2)) for m in _SCRIPT_RUN.finditer(t)] for t in to_simplified_many(new)]
    segmented = cedict().segment([chinese for p in pieces for _, chinese in p if chinese])
    keys = key_table().keys(row for words in segmented for _, row in words)
    found: dict[str, Words] = {}
    runs = iter(segmented)
    for text, parts in zip(new, pieces):
        words: list[tuple[str, tuple[str, ...]]] = []
        for latin, chinese in parts:
            if latin:
                words.extend((w, (k,)) for w in _WORD.findall(latin.lower()) if (k := english_key(w)) is not None)
            else:
                words.extend((w, keys[row]) for w, row in next(runs))
        found[text] = tuple(words)
    return [found[t] for t in texts]


_LATIN_RUN = "[A-Za-z0-9]+"
_SCRIPT_RUN = re.compile(f"({_LATIN_RUN})|([^\\x00-\\x7f]+)")


def chinese_keys(text: str) -> list[str]:
    """Dictionary-translation keys of a Chinese text: each word's keys once (see :func:`chinese_words`)."""
    return [key for _, keys in chinese_words(text) for key in keys]


def coverage(zh: str, en_keys: set[str]) -> tuple[int, int]:
    """How many of the Chinese text's dictionary words have a translation among ``en_keys`` (the keys of
    an English text, :func:`english_keys`), and how many dictionary words it has."""
    words = [keys for _, keys in chinese_words(zh) if keys]
    return sum(1 for keys in words if not en_keys.isdisjoint(keys)), len(words)


def translates(src_lang: str, tgt_lang: str) -> bool:
    """Whether the lexicon gives translations from ``src_lang`` into ``tgt_lang`` (Chinese into English)."""
    return (src_lang, tgt_lang) == ("zh", "en")


def lexical_vectors(texts: list[str], lang: str, dim: int = 1024) -> CountRows:
    """Hashed counts of English translation keys per sentence, ``len(texts)`` rows of ``dim`` columns, uint8
    (counts never get near 255 in a sentence), stored by rows (:class:`aligner.counts.CountRows`).

    English sentences give their content words; Chinese ones the translations of their words in CC-CEDICT
    (:func:`chinese_words`). Other languages give empty rows, which add nothing to the alignment score. A
    slice of the document at once, in arrays: its words are never Python objects (segmenting a book into
    tuples of words cost seconds), only its distinct words and dictionary rows are.
    """
    if lang not in ("en", "zh"):
        return CountRows.from_cells(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), len(texts), dim)
    parts = []
    for piece in pieces(map(len, texts), _CHARS_AT_ONCE):
        texts_in = texts[piece]
        found = (_english_columns(texts_in, dim) if lang == "en" else _chinese_columns(texts_in, dim))
        # sorted and counted (np.add.at was seconds)
        parts.append(CountRows.counted(np.concatenate([rows * dim + columns for rows, columns in found]),
                                       len(texts_in), dim))
    return CountRows.stacked(parts, dim)


_CHARS_AT_ONCE = 1 << 18  # characters at once: bounds the arrays of their words and keys (a book's took 230 MB)


_WORD_OR_BREAK = re.compile(f"{_WORD.pattern}|\n")
_LATIN = re.compile(_LATIN_RUN)  # the Latin words of a Chinese text


def _column(key: str | None, dim: int) -> int:
    return -1 if key is None else zlib.crc32(key.encode("utf-8")) % dim


def _english_columns(texts: list[str], dim: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(text, column) of each content-word key of each text, texts in order (:func:`english_keys`)."""
    tokens = _WORD_OR_BREAK.findall("\n".join(t.replace("\n", " ") for t in texts).lower())
    column = {word: _column(english_key(word), dim) for word in set(tokens)}
    column["\n"] = -2
    ids = np.fromiter(map(column.__getitem__, tokens), np.int64, len(tokens))
    keep = ids >= 0
    return [(np.cumsum(ids == -2)[keep], ids[keep])]


def _chinese_columns(texts: list[str], dim: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """(text, column) of each dictionary-translation key of each text's words, texts in order: its Chinese
    words (:meth:`aligner.cedict.Cedict.words` over the runs of non-ASCII characters), then its Latin ones."""
    simplified = to_simplified_many(texts)
    joined = "\n".join(simplified)
    starts = np.cumsum([0] + [len(t) + 1 for t in simplified[:-1]])
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    wide = np.flatnonzero(points > 0x7F)
    bounds = np.concatenate([[0], np.flatnonzero(np.diff(wide) != 1) + 1, [len(wide)]])
    first, _, rows = cedict().words(points[wide], np.diff(bounds))
    known = rows >= 0
    per_word, columns = key_table().columns(rows[known], dim)
    text = np.searchsorted(starts, wide[first[known]], side="right") - 1
    # the Latin words: findall's, in order, start where a letter or digit follows none
    latin = _LATIN.findall(joined)
    column = {word: _column(english_key(word.lower()), dim) for word in set(latin)}
    latin_columns = np.fromiter(map(column.__getitem__, latin), np.int64, len(latin))
    folded = points | 32  # A-Z as a-z
    alnum = ((points >= 48) & (points <= 57)) | ((folded >= 97) & (folded <= 122))
    latin_at = np.flatnonzero(alnum & ~np.concatenate([[False], alnum[:-1]]))
    keep = latin_columns >= 0
    return [(np.repeat(text, per_word), columns),
            (np.searchsorted(starts, latin_at[keep], side="right") - 1, latin_columns[keep])]
