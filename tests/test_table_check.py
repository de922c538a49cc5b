"""Cross-checking a 新旧対照表 PDF with the computed diff (issue #5)."""

from __future__ import annotations

import pytest

from gapcheck.catalog.loader import load_catalog
from gapcheck.diff import diff_editions
from gapcheck.errors import GuidelineParseError
from gapcheck.importing.table_check import TableCheck, TableFinding, check_table
from tests.guideline_pdf import make_table_pdf

DIFF = diff_editions(load_catalog(None), "2024-10", "2025-03")


def test_table_matching_the_diff(tmp_path):
    table = make_table_pdf(tmp_path / "新旧対照表.pdf", DIFF)
    assert check_table(table, DIFF) == TableCheck(19, 19, ())


def test_table_missing_a_row(tmp_path):
    table = make_table_pdf(tmp_path / "新旧対照表.pdf", DIFF, skip=1)
    first = DIFF.changes[0]
    assert check_table(table, DIFF) == TableCheck(
        18,
        18,
        (
            TableFinding(
                "missing-in-table",
                first.number,
                f"差分の {first.number}（{first.kind.label}）が新旧対照表にありません。",
            ),
        ),
    )


def test_table_without_a_diff(tmp_path):
    table = make_table_pdf(tmp_path / "新旧対照表.pdf", DIFF)
    check = check_table(table, None)
    assert (check.rows, check.matched) == (19, 0)
    assert len(check.findings) == 19
    assert {f.kind for f in check.findings} == {"missing-in-diff"}
    assert check.findings[0] == TableFinding(
        "missing-in-diff",
        "1.(2)⑤",
        "新旧対照表の 1.(2)⑤ に当たる変更が、取り込んだ版の差分にありません。",
    )


def test_table_with_no_rows(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "empty.pdf"
    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "no table here")
    c.save()
    with pytest.raises(GuidelineParseError) as err:
        check_table(path, DIFF)
    assert str(err.value) == (
        f"{path}: 新旧対照表の行（改定後 | 改定前 の二列の表）が見つかりません。"
    )
