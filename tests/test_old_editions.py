"""The outline editions 平成18年9月版 and 平成22年11月版 (issue #12): what they hold, their
lineage to 平成27年3月版, and that a policy in the 平成22 layout is placed by evidence while a
modern one is not dragged back. The policies below are written by us, not copied."""

from __future__ import annotations

import pytest

from gapcheck import load_catalog
from gapcheck.catalog.model import ChangeKind, Depth, Part
from gapcheck.gaps.audit import audit
from gapcheck.readers.formats import read_policy


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_editions_and_chain(catalog):
    got = [
        (e.id, e.label, e.ordinal, e.depth, e.previous)
        for e in catalog.editions
        if e.id in ("2006-09", "2010-11", "2015-03")
    ]
    assert got == [
        ("2006-09", "平成18年9月版", 3, Depth.OUTLINE, None),
        ("2010-11", "平成22年11月版", 4, Depth.OUTLINE, "2006-09"),
        ("2015-03", "平成27年3月版", 5, Depth.FULL, "2010-11"),
    ]
    assert catalog.ids[:2] == ["2006-09", "2010-11"]


def test_basic_policy_has_ten_items(catalog):
    for version in ("2006-09", "2010-11"):
        items = [
            c.number
            for c in catalog.edition(version)
            if c.part is Part.BASIC and "." not in c.number
        ]
        assert items == [str(n) for n in range(1, 11)], version


def test_2010_standards_have_seven_sections_with_outsourcing_in_operation(catalog):
    ed = catalog.edition("2010-11")
    sections: dict[str, str] = {}
    for c in ed:
        if c.part is Part.STANDARDS:
            sections.setdefault(c.number.split(".")[0], c.headings[0])
    assert sections == {
        "1": "組織体制",
        "2": "情報資産の分類と管理方法",
        "3": "物理的セキュリティ",
        "4": "人的セキュリティ",
        "5": "技術的セキュリティ",
        "6": "運用",
        "7": "評価・見直し",
    }
    outsourcing = [(c.number, c.headings[:2]) for c in ed if c.key.startswith("ext.outsourcing.")]
    assert outsourcing == [
        ("6.4.(1)①", ("運用", "外部委託")),
        ("6.4.(2)", ("運用", "外部委託")),
        ("6.4.(3)①", ("運用", "外部委託")),
    ]
    # 平成27年3月版 moved them to their own section, on record
    new = catalog.edition("2015-03")
    moved = [
        (c.key, c.number, c.change.kind, c.change.old_number, c.change.basis.estimate)
        for c in new
        if c.key.startswith("ext.outsourcing.") and c.change
    ]
    assert moved == [
        ("ext.outsourcing.selection.measures", "8.1.(1)①", ChangeKind.MOVED, "6.4.(1)①", False),
        ("ext.outsourcing.contract", "8.1.(2)", ChangeKind.MOVED, "6.4.(2)", False),
        ("ext.outsourcing.check.periodic", "8.1.(3)①", ChangeKind.MOVED, "6.4.(3)①", False),
    ]


def test_2006_introduced_the_named_items(catalog):
    ed = catalog.edition("2006-09")
    added = [
        (c.key, c.change.basis.estimate)
        for c in ed
        if c.change and c.change.kind is ChangeKind.ADDED
    ]
    assert added == [
        ("phys.terminal.theft", False),
        ("human.rules.takeout", False),
        ("human.rules.private-devices", False),
    ]
    # wireless LAN existed since 平成15年3月版: present and on record, not "added" here
    wlan = ed.get("tech.net.wireless.lan")
    assert wlan is not None and wlan.change is None and not wlan.basis.estimate


def test_every_key_continues_into_2015(catalog):
    """Each key of an outline edition goes on in the next one (the loader enforces it; here the
    whole picture): same key, number changes recorded, nothing removed."""
    old, new = catalog.edition("2010-11"), catalog.edition("2015-03")
    assert new.removed == ()
    renumbered = {}
    for c in old:
        nxt = new.get(c.key)
        assert nxt is not None, c.key
        assert nxt.text == c.text and nxt.level == c.level, c.key
        if nxt.number != c.number:
            renumbered[c.key] = (c.number, nxt.change.old_number, nxt.change.kind)
        else:
            assert nxt.change is None, c.key
    assert all(old_n == rec for old_n, rec, _ in renumbered.values())
    kinds = sorted({k.value for _, _, k in renumbered.values()})
    assert kinds == ["moved", "renumbered"]
    assert len(renumbered) == 40  # 39 対策基準 clauses and 基本方針 6.(7) → 6.(8)
    assert {c.key for c in catalog.edition("2006-09")} <= {c.key for c in old}


def test_every_entry_has_an_explicit_basis():
    """The YAML states ``basis`` for every clause and change (a missing one would load as an
    estimate silently)."""
    import yaml

    from gapcheck.catalog.loader import bundled_dir

    for version in ("2006-09", "2010-11"):
        for item in yaml.safe_load((bundled_dir() / version / "clauses.yaml").read_text("utf-8")):
            assert item["basis"] in ("source", "estimate"), item["key"]
            assert bool(item.get("sources")) == (item["basis"] == "source"), item["key"]
            if "change" in item:
                assert item["change"]["basis"] in ("source", "estimate"), item["key"]
    for item in yaml.safe_load((bundled_dir() / "2015-03" / "clauses.yaml").read_text("utf-8")):
        if "change" in item:
            assert item["change"].get("basis") in ("source", "estimate"), item["key"]


def test_estimates_counted(catalog):
    got = {
        v: (len(catalog.edition(v)), catalog.edition(v).to_dict()["estimated_clauses"])
        for v in ("2006-09", "2010-11")
    }
    assert got == {"2006-09": (29, 25), "2010-11": (60, 43)}


# A body's rule in the 平成22 layout: 7 sections, 外部委託 inside 運用, CISO named (our wording).
H22 = """○架空町情報セキュリティ規程

平成23年4月1日
訓令第2号

目次
第1章 基本方針(第1条―第4条)
第2章 対策基準
第1節 組織体制(第5条・第6条)
第2節 情報資産の分類と管理方法(第7条)
第3節 物理的セキュリティ(第8条)
第4節 人的セキュリティ(第9条・第10条)
第5節 技術的セキュリティ(第11条)
第6節 運用(第12条―第14条)
第1款 情報システムの監視(第12条)
第2款 外部委託(第13条・第14条)
第7節 評価・見直し(第15条)
附則

第1章 基本方針

(目的)
第1条 この規程は、町が持つ情報資産の秘密を守り、内容が正しく保たれ、必要なときに使えるようにするため、情報セキュリティ対策の基本となる事項を定めるものとする。

(適用範囲)
第2条 この規程は、町長部局、議会事務局及び各行政委員会に適用する。

(職員の遵守義務)
第3条 職員は、情報セキュリティの大切さを理解し、この規程及び実施手順を守らなければならない。

(対策基準及び実施手順)
第4条 町は、具体的な遵守事項を定めた対策基準と、業務ごとの作業手順を定めた実施手順を作るものとする。

第2章 対策基準

第1節 組織体制

(最高情報セキュリティ責任者)
第5条 副町長を最高情報セキュリティ責任者(CISO)とし、町の情報資産の管理及び対策について最終的な権限と責任を持たせる。

(統括情報セキュリティ責任者)
第6条 総務課長を統括情報セキュリティ責任者とし、CISOを補佐させる。

第2節 情報資産の分類と管理方法

(分類)
第7条 情報資産は、機密性、完全性及び可用性により分類し、分類に応じて扱う。

第3節 物理的セキュリティ

(盗難防止)
第8条 情報システム管理者は、パソコンや記録媒体が盗まれないよう、ワイヤーで固定し、又は鍵のかかる場所にしまう。

第4節 人的セキュリティ

(持ち出し)
第9条 職員は、パソコンや記録媒体を庁舎の外へ持ち出すときは、あらかじめ情報セキュリティ管理者の許可を受けなければならない。

(私物パソコン)
第10条 職員は、支給されていないパソコンや記録媒体を業務に使ってはならない。

第5節 技術的セキュリティ

(無線LAN)
第11条 無線LANを使うときは、解読されにくい暗号と、接続する者を確かめる認証を用いなければならない。

第6節 運用

第1款 情報システムの監視

(監視)
第12条 統括情報セキュリティ責任者は、情報システムを常に監視しなければならない。

第2款 外部委託

(委託先の選定)
第13条 情報セキュリティ管理者は、委託先を選ぶとき、委託する業務に見合った対策をとれるかを確かめなければならない。

(契約)
第14条 委託の契約には、守るべき事項と違反したときの扱いを書かなければならない。

第7節 評価・見直し

(監査)
第15条 CISOは、定期的に情報セキュリティ監査を行わせなければならない。

附則
この訓令は、平成23年4月1日から施行する。
"""

# The same body after a 令和 revision: outsourcing beside external services, 三層の対策.
MODERN = (
    H22.replace("第6節 運用(第12条―第14条)\n第1款 情報システムの監視(第12条)\n第2款 外部委託(第13条・第14条)\n",
                "第6節 運用(第12条)\n第6節の2 情報システム全体の強靭性の向上(第12条の2)\n")
    .replace("第7節 評価・見直し(第15条)", "第7節 業務委託と外部サービスの利用(第13条・第14条)\n第8節 評価・見直し(第15条)")
    .replace("第6節 運用\n\n第1款 情報システムの監視\n\n", "第6節 運用\n\n")
    .replace("第2款 外部委託\n\n", "第7節 業務委託と外部サービスの利用\n\n(強靭性)\n第12条の2 マイナンバー利用事務系は、他の領域と通信できないようにしなければならない。\n\n")
    .replace("第7節 評価・見直し\n\n(監査)", "第8節 評価・見直し\n\n(監査)")
)  # fmt: skip


def _audit(tmp_path, name, text, catalog):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return audit(read_policy(path), catalog)


def test_h22_layout_is_placed(tmp_path, catalog):
    report = _audit(tmp_path, "h22.txt", H22, catalog)
    ev = report.evidence
    assert (ev.lower, ev.upper, ev.mixed) == ("2006-09", "2010-11", False)
    assert report.follows_label == "平成18年9月版〜平成22年11月版相当"
    kinds = sorted(
        (c.kind, c.bound, c.edition) for c in ev.clues if c.edition in ("2006-09", "2010-11")
    )
    assert kinds == [
        ("added", "lower", "2006-09"),
        ("layout", "upper", "2010-11"),
        ("topic", "lower", "2006-09"),
        ("topic", "lower", "2006-09"),
    ]
    layout = next(c for c in ev.clues if c.kind == "layout")
    assert (layout.what, layout.where) == (
        "外部委託を「運用」の一部に置く構成",
        "目次「第2款 外部委託」",
    )


def test_modern_layout_is_not_dragged_back(tmp_path, catalog):
    assert "第2款 外部委託" not in MODERN and "業務委託と外部サービスの利用" in MODERN
    report = _audit(tmp_path, "modern.txt", MODERN, catalog)
    ev = report.evidence
    assert ev.lower == "2018-09" and not ev.mixed
    assert ev.upper is None or catalog.ids.index(ev.upper) >= catalog.ids.index("2018-09")
    assert not [c for c in ev.clues if c.kind == "layout"]
    assert report.follows_label.startswith("平成30年9月版")
