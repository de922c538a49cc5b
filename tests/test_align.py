"""The alignment engine on small hand-built cases, asserted as whole results."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from gapcheck.align import Index, Settings, bigrams, containment, shared_terms
from gapcheck.catalog.loader import load_catalog
from gapcheck.synth.sample import generate_policy, write_sample

CLAUSES = [
    "職員等は、パスワードを他者に知られないように管理しなければならない。",
    "情報システム管理者は、サーバを管理区域に設置しなければならない。",
    "職員等は、業務以外の目的でウェブを閲覧してはならない。",
    "統括情報セキュリティ責任者は、不正プログラム対策ソフトウェアを常に最新の状態に保たなければならない。",
]


@pytest.fixture(scope="module")
def index():
    return Index(CLAUSES)


def _result(alignment):
    return [(p.source, p.target, p.method.value) for p in alignment.pairs]


@pytest.mark.parametrize(
    ("sources", "expected"),
    [
        # exact after normalisation (width, 本町, spacing)
        (
            ["職員等は、パスワードを他者に知られないように管理しなければならない。"],
            [(0, 0, "exact")],
        ),
        (["職員等は，ﾊﾟｽﾜｰﾄﾞを他者に知られないように 管理しなければならない。"], [(0, 0, "exact")]),
        # reworded
        (["職員は、業務と関係のないウェブサイトを閲覧してはならない。"], [(0, 2, "similarity")]),
        # local provision: nothing
        (["本町の庁舎には防犯カメラを設置する。"], []),
        # one row covering two clauses
        (
            [CLAUSES[1] + "また、" + CLAUSES[3]],
            [(0, 3, "similarity"), (0, 1, "merge")],
        ),
    ],
)
def test_align(index, sources, expected):
    assert _result(index.align(sources)) == expected


def test_split_tail_joins_its_neighbours_clause():
    # a short tail too generic to match by itself, wholly inside the neighbour's clause
    index = Index(CLAUSES, settings=Settings(accept=0.4))
    sources = [
        "統括情報セキュリティ責任者は、不正プログラム対策ソフトウェアを",
        "保たなければならない。",
    ]
    assert _result(index.align(sources)) == [(0, 3, "similarity"), (1, 3, "split")]


def test_reference_wins_when_the_text_agrees(index):
    source = ["職員等はパスワードを管理し、ウェブを業務以外で閲覧しない。"]
    assert _result(index.align(source, references=[[2]])) == [(0, 2, "reference")]
    # a reference the text does not support is ignored
    assert _result(index.align(["サーバは管理区域に置く。"], references=[[2]])) == [
        (0, 1, "similarity")
    ]


def test_groups_keep_merge_from_adding_alternative_wordings():
    old = "職員等は、パスワードを定期的に変更しなければならない。"
    new = "職員等は、パスワードが漏えいしたときは直ちに変更しなければならない。"
    idx = Index([old, new], groups=["pw", "pw"])
    result = idx.align([old + "なお、" + new])
    assert [p.target for p in result.pairs] == [1]


def test_deterministic_across_hash_seeds(tmp_path):
    """The same policy gives the same audit in processes with different string hashing (set
    and dict iteration order): twice in one process would prove nothing."""
    policy = tmp_path / "p.xlsx"
    write_sample(generate_policy(load_catalog().edition("2020-12"), seed=11, tier="heavy"), policy)
    outputs = []
    for seed in ("1", "2", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        proc = subprocess.run(
            [sys.executable, "-m", "gapcheck", "audit", str(policy), "--json"],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0])["rows"]  # a real audit, not an empty one


def test_helpers():
    assert containment(bigrams("abc"), bigrams("xabcx")) == 1.0
    assert containment(frozenset(), bigrams("a")) == 1.0
    assert shared_terms(
        "統括情報セキュリティ責任者はサーバを", "サーバと統括情報セキュリティ責任者"
    ) == (
        "統括情報セキュリティ責任者",
        "サーバ",
    )
    assert Settings().accept == 0.30


# --- context: the order prior and the 要確認 band (issue #11) --------------------------------

ORDER_TARGETS = [
    "管理区域の入退室を記録しなければならない。",
    "記録を保管しなければならない。",
    "ログを定期的に点検しなければならない。",
    "記録を保管しなければならない、",
]


@pytest.mark.parametrize(
    ("positions", "expected"),
    [
        # the near-tie goes to the clause lying between the two anchored neighbours …
        ([0, 1, 2, 20], [(0, 0, "exact", False), (1, 1, "similarity", False), (2, 2, "exact", False)]),
        # … whichever of the two that is; away from the anchors it falls to 要確認
        ([0, 20, 2, 1], [(0, 0, "exact", False), (1, 3, "similarity", True), (2, 2, "exact", False)]),
    ],
)  # fmt: skip
def test_order_prior_between_anchors(positions, expected):
    from gapcheck.align import SourceInfo, TargetInfo

    index = Index(ORDER_TARGETS, info=[TargetInfo(position=p) for p in positions])
    sources = [ORDER_TARGETS[0], "記録は保管すること。", ORDER_TARGETS[2]]
    pairs = index.align(sources, info=[SourceInfo()] * 3).pairs
    assert [(p.source, p.target, p.method.value, p.review) for p in pairs] == expected
