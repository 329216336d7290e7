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
                                     {"nearby_share": 2.0}, {"min_clause_content": 2.5}])
def test_literary_params_are_checked(changes):
    with pytest.raises(ValueError):
        ReviewParams(**changes)
