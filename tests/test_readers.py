"""Reading policies: spreadsheets, CSV, and 例規 text. All data below is invented."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from gapcheck.errors import PolicyFormatError
from gapcheck.readers.formats import read_policy
from gapcheck.readers.policy import Policy

Rows = list[list[Any]]


def write_xlsx(
    path: Path, sheets: dict[str, Rows], merges: dict[str, list[str]] | None = None
) -> Path:
    """A workbook whose sheets hold ``rows`` from A1; ``merges`` are ranges like ``A3:A5``."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
        for cells in (merges or {}).get(name, []):
            ws.merge_cells(cells)
    book.save(path)
    return path


def table(policy: Policy) -> list[tuple[Any, ...]]:
    return [(r.row, r.number, r.heading, r.text, r.ref, r.context, r.note) for r in policy.rows]


# --- spreadsheets -------------------------------------------------------------------------------

FLAT_SHEET: Rows = [
    ["本町情報セキュリティ対策基準"],
    [],
    ["条番号", "見出し", "本文", "ガイドライン項番", "備考", "対応状況"],
    ["第1章", "組織体制"],
    [1, "責任者", "  本町に情報セキュリティ責任者を置く。  ", "2.(1)", None, "対応済"],
    ["2", "委員会", "委員会は年に一回以上開催する。\n議事は記録する。", "2.(5)", "令和5年改正"],
    [],
    ["第2章", "物理的セキュリティ"],
    ["第1節 サーバ等"],
    ["3", "設置場所", "サーバは施錠できる部屋に設置しなければならない。", "5.1.(1)"],
    ["4", None, "サーバの電源は二重化することが望ましい。"],
    [None, "第2節 管理区域"],
    ["5", "入退室", "管理区域への入退室を記録しなければならない。"],
]


def test_title_rows_above_header_and_chapter_rows(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "基準.xlsx", {"対策基準": FLAT_SHEET})
    policy = read_policy(path)
    ch1 = ("第1章 組織体制",)
    ch2 = "第2章 物理的セキュリティ"
    assert table(policy) == [
        (5, "1", "責任者", "本町に情報セキュリティ責任者を置く。", "2.(1)", ch1, ""),
        (
            6,
            "2",
            "委員会",
            "委員会は年に一回以上開催する。\n議事は記録する。",
            "2.(5)",
            ch1,
            "令和5年改正",
        ),
        (
            10,
            "3",
            "設置場所",
            "サーバは施錠できる部屋に設置しなければならない。",
            "5.1.(1)",
            (ch2, "第1節 サーバ等"),
            "",
        ),
        (11, "4", "", "サーバの電源は二重化することが望ましい。", "", (ch2, "第1節 サーバ等"), ""),
        (
            13,
            "5",
            "入退室",
            "管理区域への入退室を記録しなければならない。",
            "",
            (ch2, "第2節 管理区域"),
            "",
        ),
    ]
    assert (policy.kind, policy.sheet, policy.title, policy.path) == (
        "spreadsheet",
        "対策基準",
        "本町情報セキュリティ対策基準",
        str(path),
    )
    assert policy.rows[0].where == "対策基準!5行"
    assert policy.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_merged_cells_fill_number_and_heading_but_not_text(tmp_path: Path) -> None:
    rows: Rows = [
        ["項番", "項目", "対策内容", "参照"],
        ["6 人的セキュリティ"],
        ["6.1", "職員等の遵守事項", "職員は規程を守らなければならない。", "6.1.(1)"],
        [None, None, "職員は業務以外の目的で情報資産を使ってはならない。", "6.1.(2)"],
        [None, None, None],
        [None, None, "職員は退職時に情報資産を返さなければならない。", "6.1.(3)"],
        ["6.2", "研修", "職員は年に一回研修を受けなければならない。", "6.2.(1)"],
    ]
    merges = {"人的": ["A2:D2", "A3:A6", "B3:B6", "C5:C6"]}
    policy = read_policy(write_xlsx(tmp_path / "m.xlsx", {"人的": rows}, merges))
    ctx = ("6 人的セキュリティ",)
    assert table(policy) == [
        (3, "6.1", "職員等の遵守事項", "職員は規程を守らなければならない。", "6.1.(1)", ctx, ""),
        (
            4,
            "6.1",
            "職員等の遵守事項",
            "職員は業務以外の目的で情報資産を使ってはならない。",
            "6.1.(2)",
            ctx,
            "",
        ),
        (7, "6.2", "研修", "職員は年に一回研修を受けなければならない。", "6.2.(1)", ctx, ""),
    ]


def _two_sheets(tmp_path: Path) -> Path:
    return write_xlsx(
        tmp_path / "二枚.xlsm",
        {
            "表紙": [["情報セキュリティ対策基準"], ["令和6年4月1日"]],
            "改定履歴": [["番号", "内容"], ["1", "初版を作成した。"]],
            "基準": [
                ["番号", "見出し", "本文"],
                ["1", "分類", "情報資産は機密性により分類しなければならない。"],
                ["2", "表示", "分類した情報資産には分類を表示しなければならない。"],
            ],
        },
    )


@pytest.mark.parametrize(
    ("sheet", "expected_sheet", "expected"),
    [
        (
            None,
            "基準",
            [
                (2, "1", "分類", "情報資産は機密性により分類しなければならない。", "", (), ""),
                (3, "2", "表示", "分類した情報資産には分類を表示しなければならない。", "", (), ""),
            ],
        ),
        ("改定履歴", "改定履歴", [(2, "1", "", "初版を作成した。", "", (), "")]),
    ],
)
def test_sheet_choice(
    tmp_path: Path, sheet: str | None, expected_sheet: str, expected: list
) -> None:
    policy = read_policy(_two_sheets(tmp_path), sheet=sheet)
    assert (policy.sheet, table(policy)) == (expected_sheet, expected)


def test_level_columns_with_text_column(tmp_path: Path) -> None:
    rows: Rows = [
        ["章", "節", "条", "項", "本文"],
        ["第1章 総則", None, "第1条", "1", "この基準は情報資産を守るために定める。"],
        [None, None, "第2条", "1", "用語の意味は別表のとおりとする。"],
        [None, None, None, "２", "前項の別表は毎年見直す。"],
        [
            "第2章 物理的セキュリティ",
            "第1節 サーバ等",
            "第3条",
            None,
            "サーバは施錠できる部屋に置く。",
        ],
        [None, "第2節 管理区域", "第4条", "1", "管理区域には許可された者だけが入れる。"],
    ]
    policy = read_policy(write_xlsx(tmp_path / "l.xlsx", {"Sheet1": rows}, {"Sheet1": ["A2:A4"]}))
    ch2 = "第2章 物理的セキュリティ"
    assert table(policy) == [
        (2, "第1条第1項", "", "この基準は情報資産を守るために定める。", "", ("第1章 総則",), ""),
        (3, "第2条第1項", "", "用語の意味は別表のとおりとする。", "", ("第1章 総則",), ""),
        (4, "第2条第2項", "", "前項の別表は毎年見直す。", "", ("第1章 総則",), ""),
        (5, "第3条", "", "サーバは施錠できる部屋に置く。", "", (ch2, "第1節 サーバ等"), ""),
        (
            6,
            "第4条第1項",
            "",
            "管理区域には許可された者だけが入れる。",
            "",
            (ch2, "第2節 管理区域"),
            "",
        ),
    ]


def test_level_columns_text_in_last_filled(tmp_path: Path) -> None:
    rows: Rows = [
        ["対策一覧"],
        ["大項目", "中項目", "小項目", "ガイドライン対応"],
        ["1 組織体制", "(1) 責任者", "最高情報セキュリティ責任者を置く。", "2.(1)"],
        [None, None, "最高情報セキュリティ責任者は副町長とする。", "2.(1)"],
        [None, "(2) 委員会", "情報セキュリティ委員会を置く。"],
        ["2 物理的セキュリティ"],
        [None, "サーバは施錠できる部屋に設置しなければならない。"],
        [None, "(1) 管理区域"],
        [None, None, "管理区域の入口には鍵をかける"],
    ]
    merges = {"一覧": ["A3:A5", "B3:B4"]}
    policy = read_policy(write_xlsx(tmp_path / "b.xlsx", {"一覧": rows}, merges))
    ch1, ch2 = "1 組織体制", "2 物理的セキュリティ"
    assert table(policy) == [
        (3, "", "", "最高情報セキュリティ責任者を置く。", "2.(1)", (ch1, "(1) 責任者"), ""),
        (4, "", "", "最高情報セキュリティ責任者は副町長とする。", "2.(1)", (ch1, "(1) 責任者"), ""),
        (5, "", "", "情報セキュリティ委員会を置く。", "", (ch1, "(2) 委員会"), ""),
        (7, "", "", "サーバは施錠できる部屋に設置しなければならない。", "", (ch2,), ""),
        (9, "", "", "管理区域の入口には鍵をかける", "", (ch2, "(1) 管理区域"), ""),
    ]
    assert policy.title == "対策一覧"


def test_extension_that_lies_is_read_by_content(tmp_path: Path) -> None:
    """An .xlsx saved under .xls (or .csv) is still a workbook."""
    book = write_xlsx(tmp_path / "a.xlsx", {"基準": FLAT_SHEET})
    for name in ("a.xls", "a.csv"):
        (tmp_path / name).write_bytes(book.read_bytes())
        assert table(read_policy(tmp_path / name)) == table(read_policy(book))


def test_xls(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    ws = book.add_sheet("基準")
    for r, row in enumerate([["題名"], ["番号", "本文"], ["1", "端末は施錠保管する。"]]):
        for c, value in enumerate(row):
            ws.write(r, c, value)
    book.save(str(tmp_path / "old.xls"))
    policy = read_policy(tmp_path / "old.xls")
    assert table(policy) == [(3, "1", "", "端末は施錠保管する。", "", (), "")]


# --- CSV and Unicode text -------------------------------------------------------------------------

CSV_ROWS = [
    ["対策基準一覧"],
    [],
    ["No.", "件名", "規定内容", "備考"],
    ["1", "持出し", "端末を持ち出すときは①申請し許可を得る。", ""],
    ["2", "廃棄", "媒体は読めない状態にして廃棄する。\n記録を残す。", "髙橋係長確認"],
]
CSV_EXPECTED = [
    (4, "1", "持出し", "端末を持ち出すときは①申請し許可を得る。", "", (), ""),
    (5, "2", "廃棄", "媒体は読めない状態にして廃棄する。\n記録を残す。", "", (), "髙橋係長確認"),
]


def _delimited(rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "encoding"),
    [
        ("cp932.csv", _delimited(CSV_ROWS).encode("cp932"), None),
        ("cp932.csv", _delimited(CSV_ROWS).encode("cp932"), "cp932"),
        ("bom.csv", _delimited(CSV_ROWS).encode("utf-8-sig"), None),
        ("plain.csv", _delimited(CSV_ROWS).encode("utf-8"), None),
        ("unicode.txt", _delimited(CSV_ROWS, "\t").encode("utf-16"), None),
        ("unicode.csv", _delimited(CSV_ROWS, "\t").encode("utf-16"), None),
        ("tabs.tsv", _delimited(CSV_ROWS, "\t").encode("utf-8"), None),
    ],
)
def test_csv_encodings(tmp_path: Path, name: str, data: bytes, encoding: str | None) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    policy = read_policy(path, encoding=encoding)
    assert table(policy) == CSV_EXPECTED
    assert (policy.kind, policy.sheet, policy.title) == ("spreadsheet", path.stem, "対策基準一覧")
    assert policy.rows[0].where == f"{path.stem}!4行"


# --- 例規 -----------------------------------------------------------------------------------------

REIKI = """\
○本町情報セキュリティ対策規程
平成18年3月31日
訓令第5号
目次
第1章　総則（第1条・第2条）
第3章の2　情報システム全体の強靭性の向上（第23条の2・第23条の3）
附則

第1章　総則
（目的）
第1条　この規程は、本町が保有する情報資産の機密性、完全性及び可用性を維持するため、
必要な事項を定めるものとする。
（定義）
第２条　この規程において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。
(1)　ネットワーク　コンピュータ等を相互に接続するための通信網をいう。
(2)　情報システム　コンピュータ及びネットワークで構成され、
情報処理を行う仕組みをいう。
第2章　組織体制
第1節　責任者
（最高情報セキュリティ責任者）
第十二条　本町に最高情報セキュリティ責任者を置き、副町長をもって充てる。(平18訓令5・一部改正)
２　最高情報セキュリティ責任者は、情報セキュリティ対策に関する最終的な権限を有する。
3 最高情報セキュリティ責任者が不在のときは、あらかじめ指名した者がその職務を代行する。
第2節　委員会
第13条　情報セキュリティ委員会は、次に掲げる事項を審議する。
一　情報セキュリティポリシーの改定に関すること。
二　情報セキュリティ対策の実施状況に関すること。
ア　自己点検の結果
イ　監査の結果
三　その他必要な事項
第3章の2　情報システム全体の強靭性の向上
（マイナンバー利用事務系）
第23条の2　マイナンバー利用事務系は、他の領域と通信できないようにしなければならない。
2　前項の規定にかかわらず、次の各号のいずれにも該当する通信は、許可することができる。
（１）　通信経路を限定していること。
（２）　通信の内容を記録していること。
(平30訓令3・追加)
（インターネット接続系）
第二十三条の三　インターネット接続系の端末では、重要な情報を扱ってはならない。
附　則
この訓令は、平成18年4月1日から施行する。
第99条　附則の後ろは読まない。
"""

_CH1 = ("第1章　総則",)
_SEC1 = ("第2章　組織体制", "第1節　責任者")
_SEC2 = ("第2章　組織体制", "第2節　委員会")
_CH3 = ("第3章の2　情報システム全体の強靭性の向上",)
_CISO = "最高情報セキュリティ責任者"
REIKI_EXPECTED = [
    (
        "第1条第1項",
        "目的",
        "この規程は、本町が保有する情報資産の機密性、完全性及び可用性を維持するため、必要な事項を定めるものとする。",
        _CH1,
        "",
    ),
    (
        "第2条第1項",
        "定義",
        "この規程において、次の各号に掲げる用語の意義は、当該各号に定めるところによる。",
        _CH1,
        "",
    ),
    (
        "第2条第1項第1号",
        "定義",
        "ネットワーク　コンピュータ等を相互に接続するための通信網をいう。",
        _CH1,
        "",
    ),
    (
        "第2条第1項第2号",
        "定義",
        "情報システム　コンピュータ及びネットワークで構成され、情報処理を行う仕組みをいう。",
        _CH1,
        "",
    ),
    (
        "第12条第1項",
        _CISO,
        "本町に最高情報セキュリティ責任者を置き、副町長をもって充てる。",
        _SEC1,
        "(平18訓令5・一部改正)",
    ),
    (
        "第12条第2項",
        _CISO,
        "最高情報セキュリティ責任者は、情報セキュリティ対策に関する最終的な権限を有する。",
        _SEC1,
        "",
    ),
    (
        "第12条第3項",
        _CISO,
        "最高情報セキュリティ責任者が不在のときは、あらかじめ指名した者がその職務を代行する。",
        _SEC1,
        "",
    ),
    ("第13条第1項", "", "情報セキュリティ委員会は、次に掲げる事項を審議する。", _SEC2, ""),
    ("第13条第1項第1号", "", "情報セキュリティポリシーの改定に関すること。", _SEC2, ""),
    (
        "第13条第1項第2号",
        "",
        "情報セキュリティ対策の実施状況に関すること。\nア　自己点検の結果\nイ　監査の結果",
        _SEC2,
        "",
    ),
    ("第13条第1項第3号", "", "その他必要な事項", _SEC2, ""),
    (
        "第23条の2第1項",
        "マイナンバー利用事務系",
        "マイナンバー利用事務系は、他の領域と通信できないようにしなければならない。",
        _CH3,
        "",
    ),
    (
        "第23条の2第2項",
        "マイナンバー利用事務系",
        "前項の規定にかかわらず、次の各号のいずれにも該当する通信は、許可することができる。",
        _CH3,
        "",
    ),
    ("第23条の2第2項第1号", "マイナンバー利用事務系", "通信経路を限定していること。", _CH3, ""),
    (
        "第23条の2第2項第2号",
        "マイナンバー利用事務系",
        "通信の内容を記録していること。",
        _CH3,
        "(平30訓令3・追加)",
    ),
    (
        "第23条の3第1項",
        "インターネット接続系",
        "インターネット接続系の端末では、重要な情報を扱ってはならない。",
        _CH3,
        "",
    ),
]


def reiki_table(policy: Policy) -> list[tuple[Any, ...]]:
    assert all(r.sheet == "" and r.row == r.number and r.ref == "" for r in policy.rows)
    return [(r.row, r.heading, r.text, r.context, r.note) for r in policy.rows]


def _html(text: str) -> str:
    """The same text as a web page: blocks, <br>, a source line break inside a paragraph."""
    body = []
    for line in text.splitlines():
        if line.startswith("第1条"):
            body.append(f"<p>{line}<br>")
        elif line.startswith("必要な"):
            body.append(f"{line}</p>")
        elif line.startswith("第") and "章" in line[:5]:
            body.append(f"<h2>{line}</h2>")
        elif line.startswith("第13条"):
            body.append(f"<div>{line[:10]}\n    {line[10:]}</div>")
        else:
            body.append(f"<p>{line}</p>")
    return (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>例規集</title>"
        "<style>p { margin: 0 }</style><script>var x = '第1条　偽物';</script></head>\n"
        "<body>" + "\n".join(body) + "</body></html>"
    )


def _docx(path: Path, text: str) -> Path:
    """The same text as Word: the 目次 in a table, one soft line break inside a paragraph."""
    document = docx.Document()
    lines = text.splitlines()
    start, end = lines.index("目次"), lines.index("附則")
    for line in lines[:start]:
        document.add_paragraph(line)
    toc = document.add_table(rows=end - start + 1, cols=1)
    for row, line in zip(toc.rows, lines[start : end + 1], strict=True):
        row.cells[0].text = line
    for line in lines[end + 1 :]:
        if line.startswith("第1条"):
            paragraph = document.add_paragraph(line)
        elif line.startswith("必要な"):
            run = paragraph.add_run()
            run.add_break()
            paragraph.add_run(line)
        else:
            document.add_paragraph(line)
    document.save(path)
    return path


def _write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize(
    "make",
    [
        lambda p: _write(p / "規程.txt", REIKI),
        lambda p: _write(p / "規程.txt", REIKI.replace("\n", "\r\n").encode("cp932")),
        lambda p: _write(p / "規程.html", _html(REIKI)),
        lambda p: _write(p / "規程.htm", _html(REIKI).encode("cp932")),
        lambda p: _docx(p / "規程.docx", REIKI),
        lambda p: _write(p / "規程.txt", REIKI.encode("euc_jp")),
        lambda p: _write(p / "規程.txt", REIKI.encode("iso2022_jp")),
        lambda p: _write(
            p / "規程.html",
            _html(REIKI).replace("charset='utf-8'", "charset='EUC-JP'").encode("euc_jp"),
        ),
        lambda p: _write(
            p / "規程.html",
            _html(REIKI).replace("<meta charset='utf-8'>", "").encode("euc_jp"),
        ),
    ],
    ids=[
        "txt-utf8",
        "txt-cp932-crlf",
        "html",
        "htm-cp932",
        "docx",
        "txt-euc-jp",
        "txt-iso-2022-jp",
        "html-meta-euc-jp",
        "html-undeclared-euc-jp",
    ],
)
def test_reiki(tmp_path: Path, make: Callable[[Path], Path]) -> None:
    policy = read_policy(make(tmp_path))
    assert reiki_table(policy) == REIKI_EXPECTED
    assert (policy.kind, policy.sheet, policy.title) == (
        "reiki",
        "",
        "本町情報セキュリティ対策規程",
    )
    assert policy.rows[4].where == "第12条第1項"


def test_reiki_common_heading_and_article_without_text(tmp_path: Path) -> None:
    text = (
        "（記録媒体）\n"
        "第5条　記録媒体は施錠できる場所に保管する。\n"
        "第6条\n"
        "（1）記録媒体を持ち出すときは許可を得ること。(令2規程4・一部改正)\n"
        "（2）記録媒体を廃棄するときは記録を消去すること。\n"
    )
    (tmp_path / "r.txt").write_text(text, encoding="utf-8")
    assert reiki_table(read_policy(tmp_path / "r.txt")) == [
        ("第5条第1項", "記録媒体", "記録媒体は施錠できる場所に保管する。", (), ""),
        (
            "第6条第1項第1号",
            "記録媒体",
            "記録媒体を持ち出すときは許可を得ること。",
            (),
            "(令2規程4・一部改正)",
        ),
        ("第6条第1項第2号", "記録媒体", "記録媒体を廃棄するときは記録を消去すること。", (), ""),
    ]


# --- errors ---------------------------------------------------------------------------------------


def _xlsx_bytes(sheets: dict[str, Rows]) -> bytes:
    buffer = io.BytesIO()
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(buffer)
    return buffer.getvalue()


def _docx_bytes() -> bytes:
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("第1条　文書です。")
    document.save(buffer)
    return buffer.getvalue()


GOOD = [
    ["番号", "本文"],
    ["1", "端末を施錠する。"],
    ["2", "媒体を暗号化する。"],
    ["3", "鍵を保管する。"],
]
NO_HEADER = [["この表には見出し行がない。"], ["端末を施錠する。"]]

ERRORS: list[tuple[str, str, Any, dict[str, Any], str]] = [
    (
        "missing",
        "無い.xlsx",
        None,
        {},
        "{p}: ファイルが見つかりません。パスとファイル名を確認してください。",
    ),
    (
        "directory",
        "dir",
        "dir",
        {},
        "{p}: フォルダです。ポリシーのファイル（.xlsx、.xlsm、.xls、.csv、.txt、.html、.docx、.pdf）を指定してください。",
    ),
    (
        "empty",
        "空.csv",
        b"",
        {},
        "{p}: ファイルが空です（0 バイト）。内容を保存したファイルを指定してください。",
    ),
    (
        "text-as-xlsx",
        "t.xlsx",
        "番号,本文\n1,端末を施錠する。\n".encode(),
        {},
        "{p}: このファイルは Excel ファイルとして読めません。中身はテキストです。CSV なら拡張子を .csv に、例規の本文なら .txt に変えてください。",
    ),
    (
        "word-as-xlsx",
        "w.xlsx",
        _docx_bytes(),
        {},
        "{p}: このファイルは Excel ファイルとして読めません。中身は Word 文書です。拡張子を .docx に変えるか、Excel で表を作り直してください。",
    ),
    (
        "binary-as-xlsx",
        "b.xlsx",
        b"\x00\x01\x02\x03garbage",
        {},
        "{p}: このファイルは Excel ファイルとして読めません。Excel で開けるか確かめ、.xlsx 形式で保存し直してください。",
    ),
    (
        "broken-xls",
        "b.xls",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        {},
        "{p}: このファイルは Excel ファイルとして読めません。Excel で開けるか確かめ、.xlsx 形式で保存し直してください。",
    ),
    (
        "corrupt-zip",
        "c.xlsx",
        _xlsx_bytes({"S": GOOD})[:300],
        {},
        "{p}: ファイルが壊れています（ZIP 形式として読めません）。元のファイルを開いて保存し直してください。",
    ),
    (
        "word-97",
        "w.doc",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        {},
        "{p}: Word 97-2003 形式（.doc）は読めません。Word で開いて .docx 形式で保存し直してください。",
    ),
    (
        "pdf",
        "p.txt",
        b"%PDF-1.4\n",
        {},
        # a PDF under any name is read as a PDF (issue #21); this one is cut short
        "{p}: PDF を読み込めません（壊れているか、途中で切れています）。ダウンロードし直してから指定してください。",
    ),
    (
        "bad-docx",
        "d.docx",
        "第1条　本文".encode(),
        {},
        "{p}: このファイルは Word 文書（.docx）として読めません。Word で開いて .docx 形式で保存し直してください。",
    ),
    (
        "undecodable-csv",
        "u.csv",
        b"No,\x85\x40\x85\x41\n",
        {},
        "{p}: 文字コードを判別できません（UTF-8 でも Shift_JIS（cp932）でもありません）。UTF-8 で保存し直すか、正しい文字コードを指定してください。文字コードは --encoding で指定できます（例: --encoding cp932）。",
    ),
    (
        "wrong-encoding",
        "e.csv",
        "No,本文\n".encode(),
        {"encoding": "ascii"},
        "{p}: 指定された文字コード ascii では読めません（4バイト目）。正しい文字コードを指定してください。文字コードは --encoding で指定できます（例: --encoding cp932）。",
    ),
    (
        "unclosed-quote-csv",
        "q.csv",
        '番号,本文\n1,"端末を施錠する。\n2,媒体を暗号化する。\n3,鍵を保管する。\n'.encode(),
        {},
        '{p}: 2行目の2列目で始まる「"」が閉じられていないため、それ以降の 3 行が一つのセルとして読まれてしまいます。その行の「"」を消すか「""」と二つ重ねてから、もう一度指定してください（Excel で開いて CSV として保存し直すと、正しく囲まれます）。',
    ),
    (
        "unknown-encoding",
        "e.csv",
        b"No,text\n",
        {"encoding": "sjis-x"},
        "{p}: 文字コード名 'sjis-x' は使えません。utf-8、cp932 などを指定してください。",
    ),
    (
        "no-header-xlsx",
        "n.xlsx",
        _xlsx_bytes({"本文": NO_HEADER}),
        {},
        "{p}: シート「本文」の最初の30行に見出し行が見つかりません。「本文」（または「内容」「規定内容」）などの列名を持つ見出し行を表の先頭に付けてください。",
    ),
    (
        "no-header-sheets",
        "n.xlsx",
        _xlsx_bytes({"表紙": NO_HEADER, "別紙": NO_HEADER}),
        {},
        "{p}: どのシート（表紙, 別紙）にも最初の30行に見出し行が見つかりません。「本文」（または「内容」「規定内容」）などの列名を持つ見出し行を表の先頭に付けてください。",
    ),
    (
        "no-header-sheet-given",
        "n.xlsx",
        _xlsx_bytes({"表紙": NO_HEADER, "基準": GOOD}),
        {"sheet": "表紙"},
        "{p}: シート「表紙」の最初の30行に見出し行が見つかりません。「本文」（または「内容」「規定内容」）などの列名を持つ見出し行を表の先頭に付けてください。",
    ),
    (
        "no-header-csv",
        "n.csv",
        "説明だけの行\n端末を施錠する。\n".encode(),
        {},
        "{p}: 最初の30行に見出し行が見つかりません。「本文」（または「内容」「規定内容」）などの列名を持つ見出し行を表の先頭に付けてください。",
    ),
    (
        "no-text-column",
        "x.xlsx",
        _xlsx_bytes({"基準": [["題名"], ["条番号", "見出し", "備考"], ["1", "分類", ""]]}),
        {},
        "{p}: シート「基準」の見出し行（2行目）に本文の列がありません（見つかった列: 条番号, 見出し, 備考）。規定の文章がある列に「本文」「内容」などの列名を付けてください。",
    ),
    (
        "no-text-column-csv",
        "x.csv",
        "条番号,見出し,備考\n1,分類,\n".encode(),
        {},
        "{p}: 見出し行（1行目）に本文の列がありません（見つかった列: 条番号, 見出し, 備考）。規定の文章がある列に「本文」「内容」などの列名を付けてください。",
    ),
    (
        "unknown-sheet",
        "s.xlsx",
        _xlsx_bytes({"表紙": NO_HEADER, "基準": GOOD}),
        {"sheet": "別紙"},
        "{p}: シート「別紙」がありません。このファイルのシート: 表紙, 基準",
    ),
    (
        "too-many-rows",
        "r.xlsx",
        _xlsx_bytes({"基準": GOOD}),
        {"max_rows": 3},
        "{p}: シート「基準」の行数が上限の 3 行を超えています。不要な行を削除するか、ファイルを分割してください。上限は --max-rows で変えられます。",
    ),
    (
        "too-many-rows-csv",
        "r.csv",
        _delimited(GOOD).encode(),
        {"max_rows": 3},
        "{p}: 行数が上限の 3 行を超えています。不要な行を削除するか、ファイルを分割してください。上限は --max-rows で変えられます。",
    ),
    (
        "too-many-articles",
        "r.txt",
        "第1条　一つ目。\n第2条　二つ目。\n".encode(),
        {"max_rows": 1},
        "{p}: 条文の項・号の数が上限の 1 行を超えています。不要な行を削除するか、ファイルを分割してください。上限は --max-rows で変えられます。",
    ),
    (
        "no-articles",
        "r.txt",
        "情報セキュリティについての説明文です。\n条文はありません。\n".encode(),
        {},
        "{p}: 規定（「第1条　…」や「1　目的」「(1)　…」で始まる行）が見つかりません。例規の本文を指定するか、表なら「本文」などの列名を持つ見出し行を付けた CSV か Excel にしてください。",
    ),
]


@pytest.mark.parametrize(
    ("name", "content", "kwargs", "message"),
    [case[1:] for case in ERRORS],
    ids=[case[0] for case in ERRORS],
)
def test_errors(
    tmp_path: Path, name: str, content: Any, kwargs: dict[str, Any], message: str
) -> None:
    path = tmp_path / name
    if content == "dir":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(PolicyFormatError) as info:
        read_policy(path, **kwargs)
    assert str(info.value) == message.format(p=path)


def test_third_party_errors_are_chained(tmp_path: Path) -> None:
    path = tmp_path / "c.xlsx"
    path.write_bytes(_xlsx_bytes({"S": GOOD})[:300])
    with pytest.raises(PolicyFormatError) as info:
        read_policy(path)
    assert info.value.__cause__ is not None


def test_input_is_not_modified(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "基準.xlsx", {"対策基準": FLAT_SHEET})
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    read_policy(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["基準.xlsx"]


def test_basic_policy_and_standards_on_separate_sheets_are_both_read(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path / "方針と基準.xlsx",
        {
            "改定履歴": [["番号", "内容"], ["1", "初版"], ["2", "一部改正"], ["3", "一部改正"]],
            "基本方針": [
                ["条番号", "本文"],
                ["第1条", "本町は情報資産を守らなければならない。"],
                ["第2条", "職員はこの方針を守らなければならない。"],
                ["第3条", "本町は対策基準を定めなければならない。"],
            ],
            "対策基準": [
                ["条番号", "本文"],
                ["第1条", "情報資産は機密性により分類しなければならない。"],
                ["第2条", "分類した情報資産には分類を表示しなければならない。"],
                ["第3条", "サーバは管理区域に置かなければならない。"],
                ["第4条", "職員はパスワードを他人に教えてはならない。"],
            ],
        },
    )
    policy = read_policy(path)
    assert policy.sheet == "基本方針, 対策基準"
    assert [(r.sheet, r.row, r.number) for r in policy.rows] == [
        ("基本方針", 2, "第1条"),
        ("基本方針", 3, "第2条"),
        ("基本方針", 4, "第3条"),
        ("対策基準", 2, "第1条"),
        ("対策基準", 3, "第2条"),
        ("対策基準", 4, "第3条"),
        ("対策基準", 5, "第4条"),
    ]


# --- cell values --------------------------------------------------------------------------------

CELL_VALUES = [
    ("integer", 3.0, "3"),
    ("fraction", 1.5, "1.5"),
    ("large", 12345678901.0, "12345678901"),
    ("boolean", True, "True"),
    ("datetime", datetime.datetime(2024, 4, 1, 9, 30), "2024-04-01 09:30:00"),
    ("date", datetime.date(2024, 4, 1), "2024-04-01 00:00:00"),
    ("time", datetime.time(9, 30), "09:30:00"),
    ("duration", datetime.timedelta(hours=30), "1 day, 6:00:00"),
    ("spaces", "\u3000 余白 \u3000", "余白"),
    ("dash", "-", "-"),
    ("lowercase-none", "none", "none"),
    # pandas' read_excel took these for "no value"; a sheet read whole still does
    *((f"na-{word}", word, "") for word in ("nan", "NA", "N/A", "n/a", "null", "None", "#N/A")),
]


@pytest.mark.parametrize(
    ("value", "text"), [c[1:] for c in CELL_VALUES], ids=[c[0] for c in CELL_VALUES]
)
def test_cell_values_as_text(tmp_path: Path, value: Any, text: str) -> None:
    path = write_xlsx(
        tmp_path / "値.xlsx",
        {"基準": [["番号", "本文", "備考"], ["1", "端末は施錠保管する。", value]]},
    )
    assert [r.note for r in read_policy(path).rows] == [text]


XLS_VALUES = [("integer", 3.0, "3"), ("fraction", 1.5, "1.5"), ("boolean", True, "True"),
              ("spaces", "  余白  ", "余白"), ("na", "NA", "")]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "text"), [c[1:] for c in XLS_VALUES], ids=[c[0] for c in XLS_VALUES]
)
def test_xls_cell_values_as_text(tmp_path: Path, value: Any, text: str) -> None:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    ws = book.add_sheet("基準")
    for c, header in enumerate(["番号", "本文", "備考"]):
        ws.write(0, c, header)
    ws.write(1, 0, "1")
    ws.write(1, 1, "端末は施錠保管する。")
    ws.write(1, 2, value)
    book.save(str(tmp_path / "値.xls"))
    assert [r.note for r in read_policy(tmp_path / "値.xls").rows] == [text]


def test_byte_order_mark_before_the_first_header_is_ignored(tmp_path: Path) -> None:
    """Text pasted from a UTF-8 file can bring its BOM into A1."""
    path = write_xlsx(
        tmp_path / "bom.xlsx", {"基準": [["\ufeff番号", "本文"], ["1", "端末は施錠保管する。"]]}
    )
    assert table(read_policy(path)) == [(2, "1", "", "端末は施錠保管する。", "", (), "")]


def test_hidden_sheets_count_and_chart_sheets_do_not(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "隠し.xlsx", {"表紙": [["対策基準"]], "基準": GOOD})
    book = openpyxl.load_workbook(path)
    book["基準"].sheet_state = "hidden"
    book.create_chartsheet("グラフ")
    book.save(path)
    assert read_policy(path).sheet == "基準"
    with pytest.raises(PolicyFormatError) as info:
        read_policy(path, sheet="別紙")
    assert (
        str(info.value) == f"{path}: シート「別紙」がありません。このファイルのシート: 表紙, 基準"
    )
