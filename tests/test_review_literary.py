"""The review's literary gates (issue 12): what a clause must say to be flagged, and their parameters."""

from __future__ import annotations

import pytest

from aligner.omissions import ReviewParams
from aligner.omissions.clauses import content_chars


@pytest.mark.parametrize("clause, expected", [
    ("韦小宝喜道", 0),            # a dialogue tag alone
    ("小玄子摇手笑道", 0),
    ("韦小宝道：“这个", 0),       # a tag and a hesitation
    ("短长长长长", 2),            # a repeated sign
    ("是不大好看", 3),            # light words around little content
    ("一个叫温有方", 4),          # a name: content
    ("知道了这件事", 4),          # 知道 is not a speech tag
    ("道路两旁种满了高粱", 8),    # nor is 道 opening a noun
])
def test_content_chars(clause, expected):
    assert content_chars(clause) == expected


@pytest.mark.parametrize("changes", [{"clause_flag_at": 1.5}, {"min_clause_content": -1}, {"nearby_reach": 21},
                                     {"nearby_share": 2.0}, {"min_clause_content": 2.5},
                                     {"min_bead_confidence": 1.5}, {"min_bead_confidence": -0.1}])
def test_literary_params_are_checked(changes):
    with pytest.raises(ValueError):
        ReviewParams(**changes)


def test_no_clause_flag_in_a_doubtful_bead():
    """Clauses of beads the bead-confidence model doubts are not flagged (min_bead_confidence): the alignment,
    not the English, is in doubt there. With every bead doubted, the toy document's dropped clause goes unflagged."""
    from aligner.api import align
    from aligner.omissions import review
    from test_omissions import ToyEncoder, _toy_case

    zh_doc, en_doc, _, clause_sentence = _toy_case()
    alignment = align(zh_doc, en_doc, encoder=ToyEncoder(), src_lang="zh", tgt_lang="en")
    clauses = lambda params: {f.zh_sentence - 2 for f in review(alignment, ToyEncoder(), params).flags  # noqa: E731
                              if f.kind == "clause"}
    assert clause_sentence in clauses(ReviewParams())
    assert not clauses(ReviewParams(min_bead_confidence=1.0))
