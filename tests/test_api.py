"""The Python API does what the CLI does: texts or sentence lists in, an Alignment out."""

import numpy as np
import pytest

import aligner
from aligner.encoders.hashing import HashingEncoder
from aligner.errors import InputError
from aligner.result_cache import ResultStore

ZH = "今天天气很好。我们去公园散步。\n公园里有很多人。"
EN = "The weather is nice today. We went for a walk in the park.\nThe park was crowded."


def test_texts_are_segmented_and_languages_detected(use_encoder):
    alignment = aligner.align(ZH, EN, encoder=use_encoder)
    assert (alignment.src_lang, alignment.tgt_lang) == ("zh", "en")
    assert [s.paragraph for s in alignment.zh] == [0, 0, 1]
    assert [(b.zh, b.en) for b in alignment.beads] == [((0,), (0,)), ((1,), (1,)), ((2,), (2,))]
    assert alignment.src_locale == "zh-CN"
    assert [zh for _, zh, _ in alignment.pairs()][0] == "今天天气很好。"


def test_paragraphs_of_sentences_keep_their_paragraphs():
    alignment = aligner.align([["a b c", "d e f"], ["g h i"]], ["a b c", "d e f", "g h i"], encoder=HashingEncoder(),
                              src_lang="en", tgt_lang="de")
    assert [s.paragraph for s in alignment.zh] == [0, 0, 1]
    assert [s.paragraph for s in alignment.en] == [0, 0, 0]


class Precomputed:
    """Users can bring their own embeddings: any object with a name and encode()."""

    name = "precomputed"

    def __init__(self, table):
        self.table = table

    def encode(self, texts):
        return np.stack([self.table.get(t, np.ones(3) / np.sqrt(3)) for t in texts])


def test_any_encoder_object_is_accepted():
    table = {"甲。": np.array([1.0, 0, 0]), "乙。": np.array([0, 1.0, 0]),
             "A.": np.array([1.0, 0, 0]), "B.": np.array([0, 1.0, 0])}
    alignment = aligner.align(["甲。", "乙。"], ["A.", "B."], encoder=Precomputed(table), src_lang="zh", tgt_lang="en")
    assert [(b.zh, b.en) for b in alignment.beads] == [((0,), (0,)), ((1,), (1,))]
    assert alignment.signature["encoder"] == "precomputed"


def test_bad_arguments():
    with pytest.raises(TypeError):
        aligner.align([1, 2], ["a"], encoder=HashingEncoder())
    with pytest.raises(InputError):
        aligner.align([], ["a"], encoder=HashingEncoder(), src_lang="en", tgt_lang="de")
    with pytest.raises(ValueError):
        aligner.align(["a"], ["a"], encoder=HashingEncoder(), src_lang="en", tgt_lang="de", max_bead=0)


def test_align_files(tmp_path, use_encoder):
    (tmp_path / "z.txt").write_text(ZH, encoding="utf-8")
    (tmp_path / "e.txt").write_text(EN, encoding="utf-8")
    alignment = aligner.align_files(str(tmp_path / "z.txt"), str(tmp_path / "e.txt"), encoder=use_encoder)
    assert len(alignment.beads) == 3


def test_a_second_run_reuses_the_cached_alignment(tmp_path, monkeypatch):
    from aligner import api
    from aligner.encoders.cache import CachedEncoder

    encoder = CachedEncoder(HashingEncoder(), tmp_path)
    src, tgt = ["a b c d", "e f g h", "i j k l"], ["a b c d", "e f g h", "i j k l"]
    first = aligner.align(src, tgt, encoder=encoder, src_lang="en", tgt_lang="de")
    monkeypatch.setattr(api, "_search", lambda *a, **k: pytest.fail("searched again"))
    again = aligner.align(src, tgt, encoder=encoder, src_lang="en", tgt_lang="de")
    assert again.beads == first.beads and again.signature == first.signature
    # other parameters are another result
    monkeypatch.undo()
    other = aligner.align(src, tgt, encoder=encoder, src_lang="en", tgt_lang="de", max_bead=2)
    assert other.signature != first.signature


def test_align_cache_and_cache_dir_as_the_cli(tmp_path):
    """``cache_dir`` puts the embedding and alignment caches where it says; ``cache=False`` writes none."""
    zh, en = ["甲乙丙。", "丁戊己。"], ["A b c.", "D e f."]
    first = aligner.align(zh, en, encoder="hash", cache_dir=tmp_path / "c")
    stored = sorted(p.relative_to(tmp_path) for p in (tmp_path / "c").rglob("*") if p.is_file())
    assert stored, "nothing cached under cache_dir"
    again = aligner.align(zh, en, encoder="hash", cache_dir=tmp_path / "c")
    assert [(b.zh, b.en, b.score) for b in again.beads] == [(b.zh, b.en, b.score) for b in first.beads]
    aligner.align(zh, en, encoder="hash", cache=False, cache_dir=tmp_path / "off")
    assert not (tmp_path / "off").exists()
    cached = aligner.get_encoder("hash", cache_dir=tmp_path / "object")
    aligner.align(zh, en, encoder=cached, cache=False)  # the object keeps its embedding cache; no alignment stored
    assert not [p for p in (tmp_path / "object").rglob("*") if p.is_file() and ResultStore.subfolder in p.parts]
    with pytest.raises(ValueError, match="cache_dir applies to an encoder given by name"):
        aligner.align(zh, en, encoder=HashingEncoder(), cache_dir=tmp_path)


ZH_LINES = ["今天天气很好。", "我们去公园散步。", "他说：“明天见。”", "晚上我们吃了饺子。", "她读了一本书。"]
EN_LINES = ["The weather is fine today.", "We go for a walk in the park.", "He said: \"See you tomorrow.\"",
            "In the evening we ate dumplings.", "She read a book."]


def test_the_dictionary_beside_the_embedding_gives_the_beads_it_gives_after_it(monkeypatch):
    from aligner import api

    beside = aligner.align(ZH_LINES, EN_LINES, encoder=HashingEncoder(), src_lang="zh", tgt_lang="en")
    monkeypatch.setattr(api, "OVERLAP_SENTENCES", 0)  # every document looked up after its embedding
    after = aligner.align(ZH_LINES, EN_LINES, encoder=HashingEncoder(), src_lang="zh", tgt_lang="en")
    assert beside.beads == after.beads and beside.signature == after.signature


def test_an_error_of_the_dictionary_thread_reaches_the_caller(monkeypatch):
    from aligner import api

    def broken(texts, lang):
        raise InputError("dictionary broken")

    monkeypatch.setattr(api, "lexical_vectors", broken)
    with pytest.raises(InputError, match="dictionary broken"):
        aligner.align(ZH_LINES, EN_LINES, encoder=HashingEncoder(), src_lang="zh", tgt_lang="en")


@pytest.mark.parametrize("built, buildable, short", [
    (True, False, True),    # the library is there: every search compiled
    (False, True, True),    # it can be built: the first alignment builds it
    (False, False, False),  # it cannot: numba's dispatchers only for long documents
])
def test_which_searches_are_compiled(monkeypatch, built, buildable, short):
    from aligner import native
    from aligner.search import compiled

    monkeypatch.setattr(compiled, "_active", [])
    monkeypatch.setattr(native, "built", lambda library: built)
    monkeypatch.setattr(native, "buildable", lambda library: buildable)
    assert compiled.wanted(200) is short
    assert compiled.wanted(compiled.NUMBA_SENTENCES - 1) is short
    assert compiled.wanted(compiled.NUMBA_SENTENCES) is True
    monkeypatch.setattr(compiled, "_active", [object()])
    assert compiled.wanted(200) is True  # kernels loaded (numba's, by a long document): used for every search


def test_a_compiled_searchs_kernels_start_loading_before_its_sentences_are_embedded(monkeypatch):
    from aligner import api, search

    events = []
    monkeypatch.setattr(search, "_start_warming", lambda: events.append("warm"))
    monkeypatch.setattr(search, "compiled_kernels_wanted", lambda sentences: sentences >= 1_000)
    search.warm_for(100, 100)
    assert events == []  # a numpy search loads nothing
    search.warm_for(1_000, 0)
    assert events == ["warm"]
    events.clear()

    class Recording(HashingEncoder):
        def encode(self, texts):
            events.append("encode")
            return super().encode(texts)

    monkeypatch.setattr(api, "warm_for", lambda n, m: events.append("warm"))
    aligner.align(ZH_LINES, EN_LINES, encoder=Recording(), src_lang="zh", tgt_lang="en")
    assert events[0] == "warm" and "encode" in events
