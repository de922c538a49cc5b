"""Statuses argued from named elements (issue #21): gapcheck/gaps/elements.py, the catalog's
elements.yaml and edition.yaml ``dating``, and the audit's use of them on texts of our own."""

from __future__ import annotations

import pytest
import yaml

from gapcheck import load_catalog
from gapcheck.catalog.loader import load_catalog_from
from gapcheck.errors import CatalogError
from gapcheck.gaps.audit import audit
from gapcheck.gaps.elements import (
    check_elements,
    check_level,
    has_elements,
    wording_changes,
    wording_gaps,
)
from gapcheck.readers.formats import read_policy
from gapcheck.readers.policy import Policy, PolicyRow
from gapcheck.text.normalize import normalize


@pytest.fixture(scope="module")
def bundled():
    return load_catalog()


@pytest.mark.parametrize(
    ("key", "held", "around", "texts"),
    [
        # the old three levels, and nothing of the five: 旧版のまま, naming both
        ("asset.classification.confidentiality", "機密性3、機密性2、機密性1に分類する", "",
         ["旧版の要素: 機密性3・2・1の三段階 → 令和6年10月版から「自治体機密性3・2・1の五段階」"
          .replace("自治体機密性3・2・1の五段階", "自治体機密性3A・3B・3C・2・1の五段階")]),
        # the five levels are there too: moved on
        ("asset.classification.confidentiality", "機密性3a、3b、3c、2、1に分類する", "", []),
        # a required element absent from the provision and all around it
        ("basic.scope.assets", "電磁的記録媒体及びネットワーク", "電磁的記録媒体及びネットワーク",
         ["不足: 印刷した文書", "不足: システム関連文書"]),
        # … present in a neighbouring provision: nothing missing
        ("basic.scope.assets", "電磁的記録媒体", "電磁的記録媒体。これらを印刷した文書、仕様書", []),
        # an element recorded as an estimate says so
        ("tech.intrusion.response", "攻撃を受けたときはシステムを停止し、県に連絡する", "",
         ["不足: 初動対応の手順（推定）"]),
        # only_in: provision — the login's own factor; an IC card of the next rule is not it
        ("tech.access.remote.authentication", "外部から接続する者の本人確認を行い、通信を暗号化する",
         "外部から接続する者の本人確認を行い、通信を暗号化する。端末はICカードで施錠する",
         ["不足: 多要素認証"]),
        ("tech.access.remote.authentication", "本人確認は多要素認証で行い、通信を暗号化する", "", []),
    ],
    ids=["old-levels", "new-levels", "absent", "beside", "estimate", "only-in-provision",
         "in-the-provision"],
)  # fmt: skip
def test_check_elements(bundled, key, held, around, texts):
    found, _ = check_elements(bundled, key, bundled.latest, normalize(held), normalize(around))
    assert [f.text for f in found] == texts


def test_check_elements_respects_the_target_edition(bundled):
    """Against 令和5年3月版 the five levels are not yet asked for."""
    held = normalize("機密性3、機密性2、機密性1に分類する")
    found, _ = check_elements(
        bundled, "asset.classification.confidentiality", bundled.edition("2023-03"), held, held
    )
    assert found == ()


def test_old_element_places_the_text_before_the_change(bundled):
    held = normalize("職員等（非常勤職員及び臨時職員を含む。）")
    found, follows = check_elements(bundled, "scope.terms.staff", bundled.latest, held, held)
    assert ([f.kind for f in found], follows) == (["old"], "2018-09")


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("機密性2以上の情報を送るときは暗号化に努めるものとする。",
         "旧版の要素: 努力義務（努める・望ましい） → 令和4年3月版から「義務（しなければならない）」（推定）"),
        ("機密性2以上の情報を送るときは暗号化しなければならない。", None),
    ],
    ids=["still-a-recommendation", "a-duty"],
)  # fmt: skip
def test_check_level(bundled, text, named):
    clause = bundled.latest.get("asset.manage.transmission")
    found = check_level(bundled, clause, bundled.latest, normalize(text))
    assert (found.text if found else None) == named


def test_has_elements(bundled):
    assert has_elements(bundled, "ops.law.compliance.copyright", bundled.latest, "著作権法")
    assert not has_elements(bundled, "ops.law.compliance.copyright", bundled.latest, "地方公務員法")
    assert not has_elements(bundled, "basic.purpose", bundled.latest, "目的")  # no elements


@pytest.mark.parametrize(
    ("old", "current", "held", "texts"),
    [
        ("職員は、パスワードを他人に教えてはならない。",
         "職員は、パスワードを誰とも共用してはならない。",
         "職員は、パスワードを他人に教えてはならない。",
         ["旧版の要素: パスワードを他人に教えてはならない → 令和3年1月版から「パスワードを誰とも共用してはならない」"]),
        # the row already has the new phrase: nothing to name
        ("監査を行う。", "監査を行い、結果を公表する。", "監査を行い、結果を公表する。", []),
    ],
    ids=["changed", "caught-up"],
)  # fmt: skip
def test_wording_changes(old, current, held, texts):
    found = wording_changes(old, current, normalize(held), "2021-01", "令和3年1月版")
    assert [f.text for f in found] == texts


def test_wording_gaps():
    held = normalize("監査を実施し、結果を保存する。")
    found = wording_gaps("年1回以上、監査を実施し、結果をCISOに報告する。", held)
    assert [f.text for f in found] == ["不足: 年1回以上", "不足: 結果をCISOに報告する"]


# --- the audit on texts of our own -------------------------------------------------------


def _policy(*rows: tuple[str, str]) -> Policy:
    return Policy(
        "p.txt",
        "0" * 64,
        "reiki",
        tuple(PolicyRow("", ref, ref, "", text) for ref, text in rows),
    )


def test_an_article_holding_two_clauses_covers_both(bundled):
    """One article in the body's own words holds the CISO's appointment and the adviser:
    both are 対応済み, shown at that article (issue #21)."""
    report = audit(
        _policy(
            ("第5条第1項", "本町に最高情報セキュリティ責任者（CISO）を置き、副町長をもって充てる。"
             "CISOは町の情報セキュリティ対策の全般について最終的な権限と責任を持つ。"),
            ("第5条第2項", "CISOは、情報セキュリティについて専門の知見を持つ外部の者を"
             "最高情報セキュリティアドバイザーとして置くことができる。"),
        ),
        bundled,
    )  # fmt: skip
    found = {f.key: (f.status.value, [report.rows[i].row.where for i in f.rows])
             for f in report.clauses if f.key.startswith("org.ciso.")}  # fmt: skip
    assert found["org.ciso.appointment"] == ("covered", ["第5条第1項"])
    assert found["org.ciso.adviser"][1] == ["第5条第2項"]


@pytest.mark.parametrize(
    ("text", "around"),
    [
        # 「第20条に定める」: the cited article's rows stand around the provision
        ("庁外から接続するときは、第20条に定める方法により本人を確認する。", [0, 1, 2, 3, 4]),
        ("庁外から接続するときは、7.2(2)に定める措置を講じる。", [0, 1, 2, 5]),
        # no citation: the neighbours only
        ("庁外から接続するときは、本人を確認する。", [0, 1, 2]),
    ],
    ids=["article", "number", "none"],
)
def test_a_cited_provision_counts_as_around(text, around):
    """An element may stand in a provision the matched one cites (issue #21)."""
    from gapcheck.gaps.classify import Context

    refs = ["第8条第1項", "第9条第1項", "第10条第1項", "第20条第1項", "第20条第2項", "7.2(2)"]
    texts = [normalize(t) for t in (text, "a", "b", "c", "d", "e")]
    context = Context(texts=texts, bigrams=[frozenset()] * 6, articles=[""] * 6, refs=refs)
    assert context.around([0]) == around


# --- the catalog files -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"pw.mfa": {"needs": []}}, "要素 'pw.mfa' には require と changed だけを書いてください。"),
        ({"pw.mfa": {"require": [{"name": "多要素認証"}]}},
         "要素 'pw.mfa' の any に語を一つ以上書いてください。"),
        ({"pw.mfa": {"require": [{"name": "x", "any": ["多要素認証を使わなければならない。"]}]}},
         "要素 'pw.mfa' の any に文が含まれています。語（30 字以内、句点なし）だけを書いてください。"),
        ({"pw.share": {"changed": [{"old": "a", "old_any": ["a"]}]}},
         "要素 'pw.share' の changed には in（変えた版の ID）が必要です。"),
        ({"pw.share": {"changed": [{"in": "R3", "old": "a", "old_any": ["a"]}]}},
         "要素 'pw.share' の in は版の ID（例: 2024-10）にしてください。"),
        ({"pw.mfa": {"require": [{"name": "x", "any": ["多要素"], "only_in": "article"}]}},
         "要素 'pw.mfa' の only_in に書けるのは provision だけです"),
    ],
    ids=["unknown-field", "no-spelling", "a-sentence", "no-edition", "bad-edition", "bad-only-in"],
)  # fmt: skip
def test_bad_elements_file(make_catalog, content, message):
    root = make_catalog()
    (root / "elements.yaml").write_text(yaml.safe_dump(content, allow_unicode=True), "utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog_from([root])
    assert message in str(info.value) and str(root / "elements.yaml") in str(info.value)


def test_dating_of_an_imported_edition_is_its_own(make_catalog, tmp_path):
    """A new edition's topic dates a text without a code change (issue #21)."""

    def mutate(meta, clauses, glossary):
        meta["2021-01"]["dating"] = {"topics": [{"what": "共用禁止", "pattern": "共用"}]}

    catalog = load_catalog_from([make_catalog(mutate)])
    path = tmp_path / "p.txt"
    path.write_text(
        "第1条 職員はパスワードを十分な長さにしなければならない。\n"
        "第2条 職員はパスワードを誰にも教えず、共用してはならない。\n",
        encoding="utf-8",
    )
    report = audit(read_policy(path), catalog)
    assert [(c.kind, c.edition, c.what) for c in report.evidence.clues][:1] == [
        ("topic", "2021-01", "共用禁止")
    ]


def test_bad_dating_pattern(make_catalog):
    def mutate(meta, clauses, glossary):
        meta["2021-01"]["dating"] = {"topics": [{"what": "x", "pattern": "共用("}]}

    root = make_catalog(mutate)
    with pytest.raises(CatalogError) as info:
        load_catalog_from([root])
    assert "dating の pattern '共用(' は正規表現として読めません" in str(info.value)


def test_a_topic_does_not_count_in_an_excluded_sentence(bundled, tmp_path):
    """「機密性2以上」 beside 「約款による外部サービス」 is the 2015-03 … 2020-12 rule, not the
    2022-03 split (issue #21: two independent policies were dated 2022-03 by it)."""
    path = tmp_path / "p.txt"
    path.write_text(
        "第1条 約款による外部サービスの利用に当たり、機密性2以上の情報を取り扱わないこととする。\n"
        "第2条 機密性2以上の情報を取り扱う外部サービスは、担当課長の承認を得て利用する。\n",
        encoding="utf-8",
    )
    report = audit(read_policy(path), bundled)
    found = [(c.what, c.where) for c in report.evidence.clues if c.kind == "topic"]
    assert found == [("機密性2以上を扱う外部サービスの区分", "第2条第1項")]
