"""Which edition a policy follows, from evidence only (issue #11): whole results of
:func:`gapcheck.gaps.evidence.edition_range` for each kind of evidence."""

from __future__ import annotations

import pytest

from gapcheck import load_catalog
from gapcheck.gaps.evidence import MatchedClause, edition_range


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def match(key, *, added=None, last=None, removed=None, score=0.9, where="第1条"):
    return MatchedClause(key, added, last, removed, score, where, key)


CASES = [
    # nothing that only some editions have, and few matches: no judgement
    ("too-few", [match("basic.purpose")], [], (None, None, False, "照合できた条項が 1 件と少ないため"),
     "判定できません（照合できた条項が 1 件と少ないため）"),
    # many matches, none telling: still no judgement, with the other reason
    ("nothing-telling", [match(f"k{i}") for i in range(12)], [],
     (None, None, False, "どの版かを示す規定（その版で加わった条項や用語）が見つからないため"),
     "判定できません（どの版かを示す規定（その版で加わった条項や用語）が見つからないため）"),
    # a topic an edition introduced: a lower bound only
    ("topic", [], [("第2条第1項第8号", "テレワークの実施")], ("2020-12", None, False, ""),
     "令和2年12月版以降"),
    # one weak match of an added clause is not enough; two are
    ("one-weak-added", [match("a", added="2023-03", score=0.4)], [], (None, None, False,
     "照合できた条項が 1 件と少ないため"), "判定できません（照合できた条項が 1 件と少ないため）"),
    ("two-added", [match("a", added="2023-03", score=0.4), match("b", added="2023-03", score=0.4)],
     [], ("2023-03", None, False, ""), "令和5年3月版以降"),
    # older wordings in two places: an upper bound; with a lower bound, a range
    ("range", [match("a", added="2018-09"), match("b", last="2020-12"), match("c", last="2020-12")],
     [], ("2018-09", "2020-12", False, ""), "平成30年9月版〜令和2年12月版相当"),
    ("single", [match("a", added="2020-12"), match("b", last="2020-12"), match("c", last="2020-12")],
     [], ("2020-12", "2020-12", False, ""), "令和2年12月版相当"),
    # newer topics beside older wordings: a body that caught up by 枝番 articles
    ("mixed", [match("b", last="2018-09"), match("c", removed="2018-09")],
     [("目次", "第3章の2 ガバメントクラウドの利用")], ("2023-03", None, True, ""),
     "令和5年3月版の内容を一部含む（旧版の書きぶりも残る）"),
    # a role name the 平成18年9月 rewrite introduced: a lower bound
    ("topic-2006", [], [("第5条第1項", "副町長を最高情報セキュリティ責任者とする")],
     ("2006-09", None, False, ""), "平成18年9月版以降"),
    # 外部委託 placed under 運用 in the 目次: at most 平成22年11月版; with the role name, a range
    ("layout", [], [("目次", "第6節 運用"), ("目次", "第1款 監視"), ("目次", "第2款 外部委託"),
                    ("第5条第1項", "統括情報セキュリティ責任者を置く")],
     ("2006-09", "2010-11", False, ""), "平成18年9月版〜平成22年11月版相当"),
    # outsourcing beside external services, or a 運用 entry at the same level: no layout clue
    ("layout-modern", [], [("目次", "第7章 運用"), ("目次", "第8章 業務委託と外部サービスの利用"),
                           ("目次", "第1節 業務委託")], (None, None, False,
     "照合できた条項が 0 件と少ないため"), "判定できません（照合できた条項が 0 件と少ないため）"),
    # the layout beside a newer topic: a body that caught up by 枝番 articles
    ("layout-mixed", [], [("目次", "6. 運用"), ("目次", "6.4 外部委託"),
                          ("目次", "第3章の2 情報システム全体の強靭性の向上")],
     ("2018-09", None, True, ""), "平成30年9月版の内容を一部含む（旧版の書きぶりも残る。目次の見出しによる）"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("matches", "texts", "expected", "label"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_edition_range(catalog, matches, texts, expected, label):
    result = edition_range(catalog, catalog.latest, matches, texts)
    assert (result.lower, result.upper, result.mixed, result.reason) == expected
    assert result.label(catalog) == label


def test_layout_clue_is_not_used_against_an_older_target(catalog):
    """Auditing against 平成22年11月版 itself, its own layout is no bound."""
    texts = [("目次", "第6節 運用"), ("目次", "第2款 外部委託")]
    result = edition_range(catalog, catalog.edition("2010-11"), [], texts)
    assert (result.lower, result.upper, result.clues) == (None, None, ())
