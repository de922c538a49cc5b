"""Statuses, edition inference and carried decisions on a small hand-built catalog."""

from __future__ import annotations

import json

import pytest

from gapcheck.catalog.loader import load_catalog, load_catalog_from
from gapcheck.errors import PolicyFormatError
from gapcheck.gaps.audit import audit
from gapcheck.gaps.decisions import Decision, read_decisions
from gapcheck.readers.policy import Policy, PolicyRow


@pytest.fixture
def catalog(make_catalog):
    return load_catalog_from([make_catalog()])


def _policy(*texts: str) -> Policy:
    rows = tuple(
        PolicyRow(sheet="本文", row=n + 3, number=f"第{n + 1}条", heading="", text=t)
        for n, t in enumerate(texts)
    )
    return Policy("policy.xlsx", "0" * 64, "spreadsheet", rows)


OLD_POLICY = _policy(
    "職員はパスワードを十分な長さにしなければならない。",  # same in both editions
    "職員はパスワードを他人に教えてはならない。",  # the 2020-01 wording of pw.share
    "職員はパスワードを紙に書いてはならない。",  # removed in 2021-01
    "本町の庁舎には防犯カメラを設置する。",  # local
)


def test_statuses_and_follows(catalog):
    report = audit(OLD_POLICY, catalog)
    assert report.target.id == "2021-01"
    assert report.flatten(["key", "status", "follows", "rows"]) == [
        ["pw.mfa", "missing", None, []],
        ["pw.length", "covered", "2021-01", [3]],
        ["pw.share", "outdated", "2020-01", [4]],
    ]
    assert [(r.row.row, r.status.value, r.clauses) for r in report.rows] == [
        (3, "matched", ("pw.length",)),
        (4, "matched", ("pw.share",)),
        (5, "obsolete", ("pw.paper",)),
        (6, "local", ()),
    ]
    # an older wording and a removed clause, in two places: at most 令和2年1月版; nothing
    # shows how much older, so no lag is stated
    assert (report.follows, report.follows_label, report.lag_years) == (
        "2020-01",
        "令和2年1月版以前",
        None,
    )
    assert report.counts == {
        "covered": 1, "outdated": 1, "partial": 0, "missing": 1, "review": 0, "not-applicable": 0,
        "unread": 0,
    }  # fmt: skip


def test_up_to_date_policy(catalog):
    report = audit(
        _policy(
            "重要なシステムでは多要素認証を使わなければならない。",
            "職員はパスワードを十分な長さにしなければならない。",
            "職員はパスワードを誰にも教えず、共用してはならない。",
        ),
        catalog,
    )
    assert report.flatten(["key", "status"]) == [
        ["pw.mfa", "covered"], ["pw.length", "covered"], ["pw.share", "covered"],
    ]  # fmt: skip
    assert (report.follows, report.lag_years) == ("2021-01", 0.0)


@pytest.mark.parametrize(
    ("text", "status", "named"),
    [
        # the named element is absent: 一部不足, and the report says what is missing
        ("重要なシステムでは認証を使う。", "partial", ["不足: 多要素認証"]),
        # the same content in the body's own words: 対応済み, however far from our digest
        ("重要なシステムでは二要素の確認を使わなければならない。", "covered", []),
    ],
)
def test_partial_only_for_a_named_missing_element(catalog, text, status, named):
    report = audit(_policy(text), catalog)
    finding = report.clauses[0]
    assert (finding.key, finding.status.value, [e.text for e in finding.elements]) == (
        "pw.mfa", status, named,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("text", "status", "named"),
    [
        # holds the element 2021-01 changed
        ("職員は自分のパスワードを他人に教えないこと。", "outdated",
         ["旧版の要素: 他人に教えない → 令和3年1月版から「誰とも共用しない」"]),
        # the new element is there too: the body has moved on
        ("職員はパスワードを他人に教えず、共用もしないこと。", "covered", []),
    ],
)  # fmt: skip
def test_outdated_only_for_a_held_old_element(catalog, text, status, named):
    report = audit(_policy(text), catalog)
    finding = report.clauses[2]
    assert (finding.key, finding.status.value, [e.text for e in finding.elements]) == (
        "pw.share", status, named,
    )  # fmt: skip


def test_target_older_edition(catalog):
    report = audit(OLD_POLICY, catalog, target="2020-01")
    assert report.flatten(["key", "status"]) == [
        ["pw.length", "covered"], ["pw.share", "covered"], ["pw.paper", "covered"],
    ]  # fmt: skip
    # three matched clauses and nothing that only one edition has: too little to judge
    assert (report.follows, report.lag_years) == (None, None)
    assert report.follows_label == "判定できません（照合できた条項が 3 件と少ないため）"


def test_decisions_carried_forward(catalog):
    decisions = [
        Decision("pw.length", "対象外", reason="全職員ICカード認証のため", target="2020-01"),
        Decision("pw.share", "改定予定", owner="情報政策課", due="2026-03", target="2020-01"),
        Decision("pw.paper", "対応済", target="2020-01", number="1.1.(3)"),
    ]
    report = audit(OLD_POLICY, catalog, decisions=decisions)
    assert report.flatten(["key", "status", "decision", "recheck"]) == [
        ["pw.mfa", "missing", None, False],
        ["pw.length", "not-applicable", "対象外", False],  # unchanged since: kept as is
        ["pw.share", "outdated", "改定予定", True],  # the clause changed: 要再確認
    ]
    # the decision on a clause that no longer exists is listed, not lost
    assert [d.key for d in report.orphan_decisions] == ["pw.paper"]


def test_json_round_trip_of_decisions(catalog, tmp_path):
    data = audit(OLD_POLICY, catalog).to_dict()
    data["clauses"][1]["decision"] = {
        "decision": "対象外",
        "reason": "不要",
        "owner": "",
        "due": "",
    }
    path = tmp_path / "last.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert read_decisions(path) == (
        Decision("pw.length", "対象外", reason="不要", target="2021-01", number="1.1.(2)"),
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "not json",
            "前回の結果として読めません。`gapcheck audit --json` で出力した JSON を指定してください。",
        ),
        (
            '{"target": "2021-01", "clauses": [], "n": ' + "9" * 5000 + "}",
            "前回の結果として読めません。`gapcheck audit --json` で出力した JSON を指定してください。",
        ),
        (
            "{}",
            "前回の結果に clauses がありません。`gapcheck audit --json` の出力を指定してください。",
        ),
        (
            '{"clauses": [{"number": "1.1.(1)", "decision": {"decision": "済"}}]}',
            "clauses の 1 件目（1.1.(1)）の判断 '済' は 対応済 / 改定予定 / 対象外 / 要検討 のいずれかにしてください。",
        ),
    ],
)
def test_bad_decision_files(tmp_path, content, message):
    path = tmp_path / "last.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PolicyFormatError) as info:
        read_decisions(path)
    assert str(info.value) == f"{path}: {message}"


def test_json_contract(catalog):
    data = audit(OLD_POLICY, catalog).to_dict()
    assert {"target", "follows", "lag_years", "counts", "clauses", "rows"} <= data.keys()
    assert data["clauses"][2] | {"score": None, "coverage": None, "evidence": None} == {
        "key": "pw.share", "number": "1.1.(3)", "part": "対策基準",
        "heading": "ID及びパスワード等の管理", "level": "duty", "status": "outdated",
        "follows": "2020-01", "rows": [{"sheet": "本文", "row": 4}], "score": None,
        "coverage": None, "method": "exact", "evidence": None, "decision": None,
        "recheck": False,
        "elements": [{
            "kind": "old", "element": "他人に教えない", "new": "誰とも共用しない",
            "edition": "2021-01", "estimate": False, "source": "catalog",
            "text": "旧版の要素: 他人に教えない → 令和3年1月版から「誰とも共用しない」",
        }],
    }  # fmt: skip
    assert data["rows"][3] == {
        "sheet": "本文", "row": 6, "number": "第4条", "heading": "", "status": "local",
        "clauses": [], "score": 0.0, "method": "", "follows": None,
    }  # fmt: skip


@pytest.mark.parametrize("version", ["2015-03", "2020-12", "2023-03", "2025-03"])
def test_bundled_edition_copied_verbatim_is_recognised(version):
    """A body that copied edition V's 例文 word for word follows V, with nothing local."""
    catalog = load_catalog()
    edition = catalog.edition(version)
    policy = _policy(*(c.text.replace("本市", "本町") for c in edition))
    report = audit(policy, catalog)
    assert report.follows == version
    assert report.row_counts["local"] == 0
    # from the catalog alone: the newest edition's clauses that neither stood in V nor
    # continue (by split or merge) a clause of V are the ones a copy of V lacks
    held = {c.key for c in edition}
    for later in catalog.between(version, catalog.latest.id):
        held |= {c.key for c in later if c.change and set(c.change.sources) & held}
    expected_missing = {c.key for c in catalog.latest} - held
    assert {f.key for f in report.clauses if f.status.value == "missing"} == expected_missing


@pytest.mark.parametrize("version", ["2015-03", "2018-09", "2022-03", "2024-10"])
def test_standards_without_basic_policy_still_date_correctly(version):
    """Many bodies keep 基本方針 in a separate instrument: its absence is not evidence."""
    catalog = load_catalog()
    policy = _policy(*(c.text for c in catalog.edition(version) if c.part.value == "対策基準"))
    assert audit(policy, catalog).follows == version


def test_a_removed_clause_is_cited_by_number_and_heading_never_by_key(catalog):
    from gapcheck.gaps.audit import _removed_title

    assert _removed_title("pw.paper", "2020-01", catalog) == (
        "廃止された条項 令和2年1月版 対策基準 1.1.(3)（ID及びパスワード等の管理）"
    )


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # a web page's prose naming topics, no provision: no edition from nothing (#21)
        (
            "このページでは町の取組を紹介します。町ではガバメントクラウドへの移行を進め、"
            "テレワークの環境も整えています。お問い合わせは担当課までお願いします。\n",
            "判定できません（照合できた条項が 0 件と少ないため）",
        ),
        # a 目次 alone dates the text by its headings, and says so
        (
            "○青葉町情報安全規程\n目次\n第1章 総則（第1条―第3条）\n"
            "第3章の2 情報システム全体の強靭性の向上（第20条の2―第20条の5）\n附則\n",
            "平成30年9月版以降（目次の見出しによる）",
        ),
    ],
    ids=["prose", "toc-only"],
)
def test_thin_text_is_dated_only_by_what_it_holds(tmp_path, text, label):
    from gapcheck.readers.formats import read_policy

    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    assert audit(read_policy(path), load_catalog()).follows_label == label
