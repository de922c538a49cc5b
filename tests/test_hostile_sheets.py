"""Hostile workbooks (issue 14, items 1 and 10): a far stray cell, thousands of sheets.

One value in XFD1048576 used to make the reader allocate a dense 512 GiB grid and abort the
process; 10,000 sheets took minutes. Each case is built here, read, and must give the whole
expected result (or the exact message) quickly, leaving the input unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from gapcheck.errors import PolicyFormatError
from gapcheck.readers.formats import read_policy
from tests.corpus import many_sheets

TABLE: list[list[Any]] = [
    ["情報セキュリティ対策基準"],
    [],
    ["条番号", "見出し", "本文", "備考"],
    [1, "目的", "本町の情報資産を守る。", None],
    ["第2条", "定義", "この基準で用いる用語は次のとおり。", "改正 2024.4"],
    [3.5, None, "職員は端末を施錠保管する。", None],
]
EXPECTED = [
    (4, "1", "目的", "本町の情報資産を守る。", ""),
    (5, "第2条", "定義", "この基準で用いる用語は次のとおり。", "改正 2024.4"),
    (6, "3.5", "", "職員は端末を施錠保管する。", ""),
]
# A guard against the catastrophic reads these cases once caused (36 s, GBs), not a speed
# target (those are measured by `make bench-hostile`): CPU seconds of this process, which a
# busy machine or a parallel test run does not inflate the way it inflates wall time.
RUNAWAY_CPU = 5.0


def digest_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(policy: Any) -> list[tuple[int, str, str, str, str]]:
    return [(r.row, r.number, r.heading, r.text, r.note) for r in policy.rows]


def _workbook(path: Path, stray: dict[str, Any], title: str = "基準") -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = title
    for row in TABLE:
        ws.append(row)
    for ref, value in stray.items():
        ws[ref] = value
    book.save(path)
    return path


def _read(path: Path, **options: Any) -> Any:
    before = digest_of(path)
    start = time.process_time()
    try:
        return read_policy(path, **options)
    finally:
        assert time.process_time() - start < RUNAWAY_CPU
        assert digest_of(path) == before  # the input is only ever read


# --- item 1: one far cell ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "stray",
    [
        {"XFD1048576": "x"},  # the last cell Excel has: a dense read asked for 512 GiB
        {"CV1048576": "x"},  # 100 columns x 1M rows: a dense read took 3.6 GB and 36 s
        {"XFD1": "x"},  # far to the right
        {"A1048576": "x"},  # far down
        {"GR100000": "x"},  # within max_rows, but 200 columns x 100,000 rows dense
        {"GS7": "x"},  # column 201: beyond the columns read, ignored
        {"XFD1048576": 12345, "ZZ500000": "=1+1", "B1048575": True},
        {"XFD1048576": "   "},  # blank text: no content at all
    ],
    ids=lambda stray: ",".join(stray),
)
def test_a_far_stray_cell_leaves_the_table_readable(tmp_path: Path, stray: dict[str, Any]) -> None:
    path = _workbook(tmp_path / "far.xlsx", stray)
    policy = _read(path)
    assert _rows(policy) == EXPECTED
    assert (policy.sheet, policy.title) == ("基準", "情報セキュリティ対策基準")


def test_a_far_cell_reads_the_table_like_a_plain_workbook(tmp_path: Path) -> None:
    """The cell-by-cell read gives what the ordinary read gives: numbers, rich text, rows."""
    plain = tmp_path / "plain.xlsx"
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "対策基準"
    for row in TABLE:
        ws.append(row)
    ws["C7"] = CellRichText(["パスワードは", TextBlock(InlineFont(b=True), "定期的に"), "変える。"])
    ws["A8"], ws["C8"], ws["D8"] = 7, "改行を\n含む本文。", dt.datetime(2024, 4, 1)
    ws["C9"], ws["D9"] = "  前後の空白  ", 45000  # shown as 令和5年3月15日
    ws["D9"].number_format = 'ggge"年"m"月"d"日"'
    ws["C10"], ws["D10"] = "時刻。", dt.time(12, 30)
    ws["C11"], ws["D11"] = "金額。", 1234.5
    ws["D11"].number_format = '"第"General"号"'
    book.save(plain)
    ws["XFD1048576"] = "x"
    far = tmp_path / "far.xlsx"
    book.save(far)
    assert _rows(_read(far)) == _rows(_read(plain))
    assert _rows(_read(far))[3:] == [
        (7, "3.5", "", "パスワードは定期的に変える。", ""),
        (8, "7", "", "改行を\n含む本文。", "2024-04-01 00:00:00"),
        (9, "7", "", "前後の空白", "2023-03-15 00:00:00"),
        (10, "7", "", "時刻。", "12:30:00"),
        (11, "7", "", "金額。", "1234.5"),
    ]


@pytest.mark.parametrize(
    ("stray", "options", "message"),
    [
        (
            {"XFD1048576": "x"},
            {"max_rows": 3},
            "シート「基準」の行数が上限の 3 行を超えています。不要な行を削除するか、ファイルを"
            "分割してください。上限は --max-rows で変えられます。",
        ),
        (
            {"XFD1048576": "x"},
            {"sheet": "別紙"},
            "シート「別紙」がありません。このファイルのシート: 基準",
        ),
    ],
    ids=["too-many-rows", "unknown-sheet"],
)
def test_far_cell_errors_are_the_usual_ones(
    tmp_path: Path, stray: dict[str, Any], options: dict[str, Any], message: str
) -> None:
    path = _workbook(tmp_path / "far.xlsx", stray)
    with pytest.raises(PolicyFormatError) as caught:
        _read(path, **options)
    assert str(caught.value) == f"{path}: {message}"


def test_stray_cells_beyond_max_rows_are_ignored(tmp_path: Path) -> None:
    """A table within max_rows and a few stray cells far below: the table is read."""
    path = _workbook(tmp_path / "far.xlsx", {"A50": "x", "XFD1048576": "y"})
    assert _rows(_read(path, max_rows=20)) == EXPECTED


def _xls(path: Path, far: list[tuple[int, int]], sheets: int = 1) -> Path:
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    for n in range(sheets):
        ws = book.add_sheet("基準" if n == 0 else f"別紙{n}")
        for r, row in enumerate(TABLE):
            for c, value in enumerate(row):
                if value is not None:
                    ws.write(r, c, value)
        for row, col in far:
            ws.write(row, col, "x")
    book.save(str(path))
    return path


@pytest.mark.parametrize(
    "far",
    [[(5000, 250)], [(65535, 0)], [(0, 255), (20000, 100)]],
    ids=["IV5001", "A65536", "IV1+CW20001"],
)
def test_a_far_cell_in_an_xls_is_read_within_bounds(tmp_path: Path, far: list) -> None:
    """Up to XLS_DENSE_CELLS cells of extent: read (past MAX_COLUMNS, cell by cell)."""
    assert _rows(_read(_xls(tmp_path / "far.xls", far))) == EXPECTED


@pytest.mark.parametrize(
    ("far", "sheets", "message"),
    [
        # calamine builds every .xls sheet densely when it opens the file: 512 MB a sheet;
        # the sheet that takes the workbook past XLS_DENSE_CELLS in all is named
        (
            [(65535, 255)],
            1,
            "シート「基準」の使用範囲が広すぎます（IV65536 まで、16,777,216 セル）。",
        ),
        (
            [(40000, 99)],
            3,
            "シート「別紙1」の使用範囲が広すぎます（CV40001 まで、4,000,100 セル）。",
        ),
    ],
    ids=["IV65536", "three-sheets-CV40001"],
)
def test_an_xls_too_wide_to_open_is_refused(
    tmp_path: Path, far: list, sheets: int, message: str
) -> None:
    path = _xls(tmp_path / "far.xls", far, sheets)
    with pytest.raises(PolicyFormatError) as caught:
        _read(path)
    assert str(caught.value) == (
        f"{path}: {message}安全のため読み込みを中止しました。表の外にある不要なセルを Excel で"
        "削除するか、.xlsx 形式で保存し直してください。"
    )


# --- item 10: thousands of sheets ---------------------------------------------------------------


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Callable[[int | None], Path]:
    folder = tmp_path_factory.mktemp("many")
    made: dict[int | None, Path] = {}

    def build(policy_at: int | None) -> Path:
        if policy_at not in made:
            made[policy_at] = many_sheets(folder / f"many{policy_at}.xlsx", 2_000, TABLE, policy_at)
        return made[policy_at]

    return build


@pytest.mark.parametrize(
    ("policy_at", "options", "sheet"),
    [
        (1, {}, "S1"),
        (50, {}, "S50"),  # the last sheet examined on its own
        (1_999, {"sheet": "S1999"}, "S1999"),  # --sheet reaches any sheet
    ],
)
def test_many_sheets_are_read_quickly(
    many: Callable[[int | None], Path], policy_at: int, options: dict[str, Any], sheet: str
) -> None:
    policy = _read(many(policy_at), **options)
    assert _rows(policy) == EXPECTED
    assert policy.sheet == sheet


SHEET_NAMES = ", ".join(f"S{n}" for n in range(1, 51))


@pytest.mark.parametrize(
    ("policy_at", "options", "message"),
    [
        (
            1_999,
            {},
            "先頭の 50 シート（S1 〜 S50）のどれにも最初の30行に見出し行が見つかりません。"
            "「本文」（または「内容」「規定内容」）などの列名を持つ見出し行を表の先頭に付けてください。"
            "シートが 2,000 枚あるため、先頭の 50 枚だけを調べました。"
            "ほかのシートの表は --sheet でシート名を指定してください。",
        ),
        (
            None,
            {"sheet": "基準"},
            f"シート「基準」がありません。このファイルのシート: {SHEET_NAMES} ほか 1,950 シート",
        ),
    ],
    ids=["policy-beyond-the-first-50", "unknown-sheet"],
)
def test_many_sheets_messages(
    many: Callable[[int | None], Path], policy_at: int | None, options: dict[str, Any], message: str
) -> None:
    path = many(policy_at)
    with pytest.raises(PolicyFormatError) as caught:
        _read(path, **options)
    assert str(caught.value) == f"{path}: {message}"


# --- issue 26: every spelling of a far cell is seen; the check parses the XML -----------------


def _rewritten(path: Path, edits: dict[str, Callable[[bytes], bytes]]) -> Path:
    """``path`` with some of its parts rewritten (part name → edit), as a hand-made or
    crafted workbook would have them."""
    import zipfile

    out = path.with_name(f"crafted-{path.name}")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, edits.get(info.filename, lambda b: b)(data))
    return out


SHEET = "xl/worksheets/sheet1.xml"
FAR = b'r="XFD1048576"'


@pytest.mark.parametrize(
    "edits",
    [
        {SHEET: lambda b: b.replace(FAR, b'r="xfd1048576"')},  # lower case
        {SHEET: lambda b: b.replace(FAR, b'r="XFD0001048576"')},  # leading zeros
        {SHEET: lambda b: b.replace(FAR, b'r=" XFD1048576 "')},  # spaces in the value
        # rows closed with a space (legal XML): a lazy regex once scanned to the end per row
        {SHEET: lambda b: b.replace(b"</row>", b"</row >")},
        # the relationships without their namespace: the sheet is still found and checked
        {
            "xl/_rels/workbook.xml.rels": lambda b: b.replace(
                b' xmlns="http://schemas.openxmlformats.org/package/2006/relationships"', b""
            )
        },
        # only the declared dimension is far
        {SHEET: lambda b: b.replace(b"<c " + FAR, b'<c r="Z1"')},
    ],
    ids=["lower-case", "leading-zeros", "spaces", "row-end-space", "rels-no-namespace", "dim"],
)
def test_no_spelling_of_a_far_cell_escapes_the_check(
    tmp_path: Path, edits: dict[str, Callable[[bytes], bytes]]
) -> None:
    path = _rewritten(_workbook(tmp_path / "far.xlsx", {"XFD1048576": "x"}), edits)
    assert _rows(_read(path)) == EXPECTED


def test_a_workbook_whose_sheets_cannot_be_told_apart_is_checked_whole(tmp_path: Path) -> None:
    """An entity declared in workbook.xml hides which part holds which sheet: every part is
    checked, and one that cannot be (that one, or a far cell) stops the read with a message,
    never a dense read. Excel never writes a DOCTYPE: the file was made by hand or crafted."""
    doctype = {"xl/workbook.xml": lambda b: b'<!DOCTYPE workbook [<!ENTITY e "x">]>' + b}
    for stray in ({"XFD1048576": "x"}, {}):
        path = _rewritten(_workbook(tmp_path / f"far{len(stray)}.xlsx", stray), doctype)
        with pytest.raises(PolicyFormatError) as caught:
            _read(path)
        assert str(caught.value) == (
            f"{path}: ブックの内部の構成（シートと内部ファイルの対応）を読み取れず、範囲外のセルが"
            "ないことを確かめられないため、読むのをやめました。Excel などで開き、別名で保存し"
            "直してからもう一度お試しください。"
        )
