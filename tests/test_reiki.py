"""The 例規 reader on every real layout (issue #11). All texts are our own, in the layouts
real 例規集 show: captions above or beside 第N条, the guideline's numbering without 条,
definitions on one line or two, 目次, 附則 and 改正 notes, 序 prose."""

from __future__ import annotations

from pathlib import Path

import pytest

from gapcheck.readers.formats import read_policy
from gapcheck.readers.reiki import parse_reiki
from gapcheck.readers.reiki_lines import amendment_years


def table(text: str) -> list[tuple[str, str, str, str]]:
    parsed = parse_reiki(text.strip().splitlines())
    return [(str(r.row), r.heading, r.term, r.text) for r in parsed.rows]


LAYOUTS = [
    (
        "caption-above",
        """
○架空町情報安全規程
令和2年4月1日
訓令第3号
(目的)
第1条 この規程は、町の情報を守るための基本を定める。
(定義)
第2条 この規程において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。
(1) 機密性 見てよい者だけが情報を見られる状態をいう。
(2) 課等 町の課及び室をいう。
""",
        [
            ("第1条第1項", "目的", "", "この規程は、町の情報を守るための基本を定める。"),
            (
                "第2条第1項",
                "定義",
                "",
                "この規程において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。",
            ),
            (
                "第2条第1項第1号",
                "定義",
                "機密性",
                "機密性 見てよい者だけが情報を見られる状態をいう。",
            ),
            ("第2条第1項第2号", "定義", "課等", "課等 町の課及び室をいう。"),
        ],
    ),
    (
        "caption-on-the-article-line",
        """
第1条 対象範囲
この基準は、村の全ての課に適用する。
2 議会事務局にも適用する。
第2条 管理区域への入室
""",
        [
            ("第1条第1項", "対象範囲", "", "この基準は、村の全ての課に適用する。"),
            ("第1条第2項", "対象範囲", "", "議会事務局にも適用する。"),
            ("第2条第1項", "管理区域への入室", "", "管理区域への入室"),
        ],
    ),
    (
        "guideline-numbering-two-line-definitions",
        """
1 目的
この方針は、区の情報資産を守るための考え方を示す。
2 定義
(1) ネットワーク
機器同士をつなぐ通信の網をいう。
(2) 可用性
必要なときに使える状態をいう。
""",
        [
            ("1", "目的", "", "この方針は、区の情報資産を守るための考え方を示す。"),
            (
                "2(1)",
                "ネットワーク",
                "ネットワーク",
                "ネットワーク\u3000機器同士をつなぐ通信の網をいう。",
            ),
            ("2(2)", "可用性", "可用性", "可用性\u3000必要なときに使える状態をいう。"),
        ],
    ),
    (
        "dai-numbering-and-circled-items",
        """
第1 組織体制
(1) CISO
① 副市長をCISOとする。
② CISOは方針を最終決定する。
""",
        [
            ("第1(1)①", "CISO", "", "副市長をCISOとする。"),
            ("第1(1)②", "CISO", "", "CISOは方針を最終決定する。"),
        ],
    ),
    (
        "hyphen-numbering",
        """
2―4―1 情報資産の分類
情報資産は機密性により分類する。
""",
        [("2-4-1", "情報資産の分類", "", "情報資産は機密性により分類する。")],
    ),
    (
        "jo-prose",
        """
序 この方針の位置付け
本方針は、市の情報を扱う全ての者が守る最も基本の約束事を述べるものである。
""",
        [
            (
                "序",
                "この方針の位置付け",
                "",
                "本方針は、市の情報を扱う全ての者が守る最も基本の約束事を述べるものである。",
            )
        ],
    ),
    (
        "article-line-lost-in-an-excerpt",
        """
(目的)
第1条 この規則は、電算処理の適正な運営を図ることを目的とする。
(1) 情報システム 電子計算機とその周辺機器の一式をいう。
""",
        [
            ("第1条第1項", "目的", "", "この規則は、電算処理の適正な運営を図ることを目的とする。"),
            (
                # not 第1条第1項第1号: 第1条 does not say this (see test_lost_article_*)
                "第1条の後の第1号",
                "",
                "情報システム",
                "情報システム 電子計算機とその周辺機器の一式をいう。",
            ),
        ],
    ),
    (
        # issue #21: a 例規集 page shows the 基本方針, its 附則, then the 対策基準, each
        # numbered 第1, 第2 …: both are read, and every locator says which one it is in
        "two-instruments-on-one-page",
        """
○北里市情報安全基本方針
令和元年6月1日
制定
第1 目的
市の情報を守る考え方を定める。
第2 適用範囲
市長部局と各委員会に適用する。
附 則
この方針は、令和元年7月1日から施行する。
○北里市情報安全対策基準
令和元年6月1日
制定
第1 目的
方針に基づき、守るべき事項を定める。
第2 組織
1 副市長を責任者とする。
""",
        [
            ("基本方針 第1", "目的", "", "市の情報を守る考え方を定める。"),
            ("基本方針 第2", "適用範囲", "", "市長部局と各委員会に適用する。"),
            ("対策基準 第1", "目的", "", "方針に基づき、守るべき事項を定める。"),
            ("対策基準 第2-1", "組織", "", "副市長を責任者とする。"),
        ],
    ),
    (
        # a line opening by citing an item continues that item's text (「①の規定にかかわらず」)
        "line-citing-an-item",
        """
4 ネットワークの分離
(1) 住民情報系
① 分離 住民情報系は他の系と通信できないようにする。
② 例外 国の機関との接続は認める。
①の規定にかかわらず、安全が確かめられた通信は認める。
③ 認証 端末には二つの要素で利用者を確かめる。
""",
        [
            ("4(1)①", "住民情報系", "", "分離 住民情報系は他の系と通信できないようにする。"),
            (
                "4(1)②",
                "住民情報系",
                "",
                "例外 国の機関との接続は認める。①の規定にかかわらず、安全が確かめられた通信は認める。",
            ),
            ("4(1)③", "住民情報系", "", "認証 端末には二つの要素で利用者を確かめる。"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "expected"), [(t, e) for _, t, e in LAYOUTS], ids=[n for n, _, _ in LAYOUTS]
)
def test_layouts(text: str, expected: list[tuple[str, str, str, str]]) -> None:
    assert table(text) == expected


def test_toc_skipped_but_kept_and_dates_read() -> None:
    parsed = parse_reiki(
        """
○架空市情報安全規程
平成20年3月31日
訓令第9号
目次
第1章 総則(第1条・第2条)
第2章 情報システム全体の強靭性の向上(第3条)
附則
第1章 総則
(目的)
第1条 この規程は、市の情報を守る。
(平30訓令5・一部改正)
附 則
この訓令は、令和3年4月1日から施行する。
""".strip().splitlines()
    )
    assert [str(r.row) for r in parsed.rows] == ["第1条第1項"]
    assert parsed.rows[0].context == ("第1章 総則",)
    assert parsed.toc == ("第1章 総則", "第2章 情報システム全体の強靭性の向上")
    assert (parsed.title, parsed.enacted, parsed.revised) == (
        "架空市情報安全規程",
        "2008-03-31",
        ("2018", "2021-04-01"),
    )


@pytest.mark.parametrize(
    "mark", ["目次", "<目次>", "【目次】"], ids=["plain", "angle", "lenticular"]
)
def test_numbered_toc_is_not_read_as_provisions(mark: str) -> None:
    """A 目次 in the guideline's numbering (「1目的」「(1)ネットワーク」, entries that repeat
    under each chapter, a comma in a title) is kept as 目次, not read as provisions; the text
    begins where its first entry comes again (issue #21)."""
    text = f"""
○西ノ浦村情報安全方針
{mark}
第1章 基本方針
1目的
2定義
 (1)ネットワーク
 (2)情報システム
第2章 対策基準
1組織
4物理的な安全
 (1)ネットワーク
8監査、点検等
第1章 基本方針
1 目的
村の情報を守る考え方を定める。
"""
    parsed = parse_reiki(text.strip().splitlines())
    assert [(str(r.row), r.text) for r in parsed.rows] == [("1", "村の情報を守る考え方を定める。")]
    assert len(parsed.toc) == 10  # every entry, the repeated (1) included


def test_revision_history_list_is_dates_not_rows() -> None:
    parsed = parse_reiki(
        [
            "・平成15年8月1日制定",
            "・令和5年4月1日改正",
            "1 趣旨",
            "この方針は区の情報を守るための方針である。",
        ]
    )
    assert (parsed.enacted, parsed.revised) == ("2003-08-01", ("2023-04-01",))
    assert [str(r.row) for r in parsed.rows] == ["1"]


@pytest.mark.parametrize(
    ("note", "years"),
    [("(平18訓令5・一部改正)", ["2006"]), ("(改正(平27訓令第7号・教委訓令第6号))", ["2015"]),
     ("(令元規則2・全改)", ["2019"])],
)  # fmt: skip
def test_amendment_years(note: str, years: list[str]) -> None:
    assert amendment_years(note) == years


def test_number_alone_with_its_heading_below_and_page_numbers_ignored() -> None:
    # PDF text: the number and its heading on separate lines; a stray page number mid-text
    assert table(
        "1\n目的\nこの方針は、市の情報を守るための考え方を示すものである。\n7\n2\n定義\n"
        "(1)ネットワーク\n機器をつなぐ通信網をいう。\n"
    ) == [
        ("1", "目的", "", "この方針は、市の情報を守るための考え方を示すものである。"),
        ("2(1)", "ネットワーク", "ネットワーク", "ネットワーク\u3000機器をつなぐ通信網をいう。"),
    ]


def test_a_whole_text_on_one_line_is_cut_into_provisions() -> None:
    line = (
        "○架空町情報安全方針 第1条 この方針は、町の情報資産を守るための基本を定めるものとする。"
        "第2条 この方針において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。"
        "(1) 機密性 見てよい者だけが見られる状態をいう。(2) 完全性 書き換えられていない状態をいう。"
        + "なお、" * 120
        + "以上。"
    )
    assert [row for row, *_ in table(line)] == [
        "第1条第1項",
        "第2条第1項",
        "第2条第1項第1号",
        "第2条第1項第2号",
    ]


def test_heading_run_into_its_text_and_two_level_numbering() -> None:
    assert table(
        "第1 総則\n1 目的　この基準は、区の情報を守るための基準を定める。\n2 定義\n"
        "この基準で使用する用語の意義は、次に定めるところによる。\n"
        "(1) 住民情報系　住民の記録を扱うシステムの領域をいう。\n"
    ) == [
        ("第1-1", "目的", "", "この基準は、区の情報を守るための基準を定める。"),
        ("第1-2", "定義", "", "この基準で使用する用語の意義は、次に定めるところによる。"),
        ("第1-2(1)", "定義", "住民情報系", "住民情報系　住民の記録を扱うシステムの領域をいう。"),
    ]


def test_lost_article_definitions_are_not_filed_under_the_article_above() -> None:
    # a 例規集 copy dropped 「(定義)」 and 「第2条 …次の各号に掲げる用語の意義は…」: the 号 are
    # not 第1条's (第1条 says nothing of them), they keep their terms, and the user is told
    parsed = parse_reiki(
        [
            "(趣旨)",
            "第1条 この規則は、霧ヶ丘町の端末と記録の扱いについて必要な事項を定めるものとする。",
            "(1) 可搬媒体 持ち運べる形で電子記録を収める物をいう。",
            "(2) 管理端末 設定の変更に使う専用の端末をいう。",
            "2 前項に掲げるもののほか、この規則の用語は町の文書規程の例による。",
            "(管理者)",
            "第3条 町長は、情報の管理者を置く。",
        ]
    )
    assert [(str(r.row), r.heading, r.term) for r in parsed.rows] == [
        ("第1条第1項", "趣旨", ""),
        ("第1条の後の第1号", "", "可搬媒体"),
        ("第1条の後の第2号", "", "管理端末"),
        ("第1条の後の第2項", "", ""),
        ("第3条第1項", "管理者", ""),
    ]
    (warning,) = parsed.warnings
    assert "第1条の後" in warning and "例規集の原本" in warning


def test_items_under_a_lead_in_stay_in_their_article() -> None:
    # the usual case: the 項 announces its 号, so they are its own, and nothing is reported
    parsed = parse_reiki(
        [
            "第4条 委員会は、次に掲げる事務を行う。",
            "(1) 規程の見直しに関すること。",
            "(2) 研修の計画に関すること。",
        ]
    )
    assert [str(r.row) for r in parsed.rows] == [
        "第4条第1項",
        "第4条第1項第1号",
        "第4条第1項第2号",
    ]
    assert parsed.warnings == ()


def test_a_restarted_list_is_a_lost_article_not_glued_to_the_last_item() -> None:
    # 「一 …」「二 …」 under 第2条, then 「一 …」 again: the article of the second list was lost;
    # its first 号 must not be glued to 第2条's 第2号, and イ/ロ stay inside their 号
    rows = table(
        "(職員の責務)\n第二条 職員は、次に掲げる事項に注意しなければならない。\n一 記録の保護\n"
        "二 端末の施錠\n一 課等 町の組織規則に定める課及び室をいう。\n"
        "二 記録 次に掲げるものをいう。\nイ 紙の台帳\nロ 電子の台帳\n"
        "三 端末 職員が使う電子計算機をいう。\n"
    )
    assert rows == [
        ("第2条第1項", "職員の責務", "", "職員は、次に掲げる事項に注意しなければならない。"),
        ("第2条第1項第1号", "職員の責務", "", "記録の保護"),
        ("第2条第1項第2号", "職員の責務", "", "端末の施錠"),
        ("第2条の後の第1号", "", "課等", "課等 町の組織規則に定める課及び室をいう。"),
        ("第2条の後の第2号", "", "", "記録 次に掲げるものをいう。\nイ 紙の台帳\nロ 電子の台帳"),
        ("第2条の後の第3号", "", "端末", "端末 職員が使う電子計算機をいう。"),
    ]


def test_sub_items_stay_in_their_item_and_items_are_not_glued() -> None:
    # ア/イ and (ア)/(イ) under a 号 are the 号's text; the next 号 opens its own row
    rows = table(
        "第5条 職員は、次に掲げる措置をとる。\n(1) 端末の管理\nア 離席時に画面を閉じる。\n"
        "(ア) 五分で自動的に閉じる設定とする。\nイ 持出しを記録する。\n(2) 記録の管理\n"
        "(3) 鍵の管理\n"
    )
    assert rows == [
        ("第5条第1項", "", "", "職員は、次に掲げる措置をとる。"),
        (
            "第5条第1項第1号",
            "",
            "",
            "端末の管理\nア 離席時に画面を閉じる。\n(ア) 五分で自動的に閉じる設定とする。\n"
            "イ 持出しを記録する。",
        ),
        ("第5条第1項第2号", "", "", "記録の管理"),
        ("第5条第1項第3号", "", "", "鍵の管理"),
    ]


def test_reader_warnings_reach_the_policy(tmp_path: Path) -> None:
    source = tmp_path / "規則.txt"
    source.write_text(
        "(目的)\n第1条 この規則は、町の情報を守ることを目的とする。\n"
        "(1) 外部記録 町の外で保管する記録をいう。\n",
        encoding="utf-8",
    )
    policy = read_policy(source)
    assert [str(r.row) for r in policy.rows] == ["第1条第1項", "第1条の後の第1号"]
    assert len(policy.warnings) == 1 and "第1条の後" in policy.warnings[0]


def test_items_after_a_lost_heading_are_located_by_the_heading_above() -> None:
    # a web page: prose, then a short heading whose number was lost, then (1) (2): not 前文(1)
    rows = table(
        "霧ヶ丘町情報セキュリティ基本方針\n"
        "町は、住民から預かる情報を守ることが行政への信頼の土台であると考え、次の方針を掲げます。\n"
        "取組の柱\n(1)体制づくり\n 全ての課にまたがる推進の体制を整えます。\n"
        "(2)規程の整備\n 守るべき事項を規程にまとめ、職員に周知します。\n"
    )
    assert [(r, h) for r, h, _, _ in rows] == [
        ("前文", ""),
        ("取組の柱(1)", "体制づくり"),
        ("取組の柱(2)", "規程の整備"),
    ]
    assert "取組の柱" not in rows[0][3]  # the heading is not glued to the 前文


def test_items_under_a_caption_whose_article_line_was_lost() -> None:
    # a 例規集 copy kept the captions but lost the article lines: the items are located by the
    # caption above them, and the captions left alone are reported
    parsed = parse_reiki(
        [
            "(目的)",
            "(用語)",
            "(1)端末職員が使う電子計算機をいう。",
            "(2)記録紙又は電子の台帳をいう。",
            "(責任者)",
            "(研修)",
        ]
    )
    assert [str(r.row) for r in parsed.rows] == ["用語(1)", "用語(2)"]
    (warning,) = parsed.warnings
    # (研修) ends the text: an excerpt may stop after a caption, so it is not counted
    assert "（目的）" in warning and "（責任者）" in warning and "2 か所" in warning


def test_a_web_page_introduction_is_not_the_instruments_preamble() -> None:
    # the page says why it publishes the policy, then the policy's own title and text
    page = (
        "霧ヶ丘町の情報セキュリティ\n"
        "このページでは、霧ヶ丘町が定めた情報セキュリティの基本的な方針を紹介しています。ご覧ください。\n"
        "霧ヶ丘町情報セキュリティ基本方針\n"
        "町は、住民の情報を守るため、全ての職員が次の方針に従って情報を取り扱うことを宣言する。\n"
        "1 目的\nこの方針は、町の情報資産を守るための考え方を示す。\n"
    )
    parsed = parse_reiki(page.splitlines())
    assert parsed.title == "霧ヶ丘町情報セキュリティ基本方針"
    assert [(str(r.row), r.text[:4]) for r in parsed.rows] == [
        ("前文", "町は、住"),
        ("1", "この方針"),
    ]
    # a page with nothing but its introduction keeps it (the file is still read)
    only = parse_reiki(page.splitlines()[:3])
    assert [(str(r.row), r.text[:4]) for r in only.rows] == [("前文", "このペー")]


def test_articles_whose_dai_and_jo_were_lost_in_the_export() -> None:
    # a 例規集 export dropped 「第」「条」 (and 「年」「月」「日」): caption, then 1, 2, 3 …
    parsed = parse_reiki(
        [
            "○霧ヶ丘町情報安全規程",
            "平成18321",
            "(目的)",
            "1 この規程は、霧ヶ丘町の情報資産を守るために必要な事項を定めるものとする。",
            "(定義)",
            "2 この規程において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。",
            "(1) 端末 職員が業務に使う電子計算機をいう。",
            "(管理者)",
            "3 町長は、情報の管理者を置く。",
            "2 管理者は、総務課長をもって充てる。",
        ]
    )
    assert [(str(r.row), r.heading, r.term) for r in parsed.rows] == [
        ("第1条第1項", "目的", ""),
        ("第2条第1項", "定義", ""),
        ("第2条第1項第1号", "定義", "端末"),
        ("第3条第1項", "管理者", ""),
        ("第3条第2項", "管理者", ""),
    ]
    assert parsed.enacted == ""  # 平成18321 is not taken for a date
    numbers, dates = parsed.warnings
    assert "「第」「条」が抜けて" in numbers and "3 か所" in numbers and "例規集の原本" in numbers
    assert "平成18321" in dates and "例規集の原本" in dates


def test_a_number_under_a_caption_out_of_sequence_is_not_an_article() -> None:
    # 「5 …」 under the first caption does not continue 1, 2, 3 …: nothing is invented
    parsed = parse_reiki(["(目的)", "5 この規程は、町の情報を守るための基本を定める。"])
    assert not any(str(r.row).startswith("第") for r in parsed.rows)
    assert not any("「第」「条」" in w for w in parsed.warnings)
