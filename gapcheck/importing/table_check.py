"""Cross-check a two-column 新旧対照表 (改定後 | 改定前) PDF with the computed diff (issue #5).

:func:`check_table` reads the table (:func:`read_table`) and reports rows the diff lacks,
changes the table lacks and 改定後 texts that differ from the imported clauses, as
:class:`TableFinding` records.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from gapcheck.diff import EditionDiff
from gapcheck.errors import GapcheckError, GuidelineParseError
from gapcheck.importing.document import clean_line, open_pdf
from gapcheck.text.normalize import normalize
from gapcheck.text.numbering import CIRCLED_VALUE, ClauseNumber


@dataclass(frozen=True)
class TableFinding:
    """One disagreement between a 新旧対照表 and the computed diff.

    ``kind``: ``missing-in-table`` (the diff has a change the table lacks),
    ``missing-in-diff`` (a table row with no matching change), ``text-mismatch``
    (the 改定後 text differs from the imported clause).
    """

    kind: str
    number: str
    message: str


@dataclass(frozen=True)
class TableCheck:
    rows: int
    matched: int
    findings: tuple[TableFinding, ...]


@dataclass(frozen=True)
class TableRow:
    new_number: str | None  # None: 削除
    old_number: str | None  # None: 新設
    new_text: str
    old_text: str


_ABSENT = ("新設", "削除", "（略）", "(略)", "なし")


def read_table(path: str | os.PathLike[str]) -> list[TableRow]:
    """Rows of a two-column 新旧対照表 PDF (改定後 | 改定前), from its ruled table or, when
    the page has no rules, from the two halves of the page."""
    path = Path(path)
    rows: list[TableRow] = []
    with open_pdf(path) as pdf:
        try:
            for page in pdf.pages:
                tables = page.extract_tables()
                if not tables:
                    x0, top, x1, bottom = page.bbox
                    mid = (x0 + x1) / 2
                    left = page.crop((x0, top, mid, bottom)).extract_text() or ""
                    right = page.crop((mid, top, x1, bottom)).extract_text() or ""
                    tables = [[[left, right]]]
                for table in tables:
                    for cells in table:
                        cells = [c or "" for c in cells]
                        if len(cells) < 2:
                            continue
                        row = _table_row(cells[0], cells[-1])
                        if row is not None:
                            rows.append(row)
                page.flush_cache()
        except GapcheckError:
            raise
        except Exception as exc:
            raise GuidelineParseError(f"{path}: 新旧対照表の PDF を読み込めません。") from exc
    return rows


def _cell(text: str) -> tuple[str | None, str]:
    """(number, heading and text) of one cell; the heading may wrap, so it is kept."""
    lines = [clean_line(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines or (any(a in lines[0] for a in _ABSENT) and len(lines) == 1):
        return None, ""
    number = _catalog_number(lines[0])
    return number, "".join(lines)


def _catalog_number(first: str) -> str | None:
    """``6.4.(1)①`` from the start of a cell such as ``６．４．（１）① ICカード等の取扱い``."""
    m = re.match(r"^\s*([0-9０-９.．()（）]+)([" + "".join(CIRCLED_VALUE) + r"]?)", first)
    if not m:
        return None
    core = unicodedata.normalize("NFKC", m.group(1)).replace(" ", "")
    mm = re.match(r"^(\d+)\.(?:(\d+)\.?)?(?:\((\d+)\))?", core)
    if not mm:
        return None
    item = int(mm.group(3) or 0)
    sub = CIRCLED_VALUE[m.group(2)] if m.group(2) and item else 0
    number = ClauseNumber(int(mm.group(1)), int(mm.group(2) or 0), item, sub)
    return str(number)


def _table_row(left: str, right: str) -> TableRow | None:
    if "改定後" in left and "改定前" in right:
        return None  # header
    new_number, new_text = _cell(left)
    old_number, old_text = _cell(right)
    if new_number is None and old_number is None:
        return None
    return TableRow(new_number, old_number, new_text, old_text)


def check_table(path: str | os.PathLike[str], diff: EditionDiff | None) -> TableCheck:
    """Compare a 新旧対照表 with the computed diff: rows the diff lacks, changes the table
    lacks, and 改定後 texts that differ from the imported ones."""
    rows = read_table(path)
    if not rows:
        raise GuidelineParseError(
            f"{path}: 新旧対照表の行（改定後 | 改定前 の二列の表）が見つかりません。"
        )
    findings: list[TableFinding] = []
    changes = list(diff.changes) if diff is not None else []
    by_new = {n: ch for ch in changes for n in (ch.new_number or "").split("、") if n}
    by_old = {
        n: ch
        for ch in changes
        for n in (ch.old_number or "").split("、")
        if n and not ch.new_number
    }
    used: set[int] = set()
    matched = 0
    for row in rows:
        change = (
            by_new.get(row.new_number or "") if row.new_number else by_old.get(row.old_number or "")
        )
        label = row.new_number or row.old_number or ""
        if change is None:
            findings.append(
                TableFinding(
                    "missing-in-diff",
                    label,
                    f"新旧対照表の {label} に当たる変更が、取り込んだ版の差分にありません。",
                )
            )
            continue
        used.add(id(change))
        matched += 1
        if (
            row.new_text
            and change.new_text
            and normalize(change.new_text) not in normalize(row.new_text)
        ):
            findings.append(
                TableFinding(
                    "text-mismatch",
                    label,
                    f"新旧対照表の {label}（改定後）の本文が、取り込んだ条項の本文と一致しません。",
                )
            )
    for change in changes:
        if id(change) not in used and change.kind.substantive:
            findings.append(
                TableFinding(
                    "missing-in-table",
                    change.number,
                    f"差分の {change.number}（{change.kind.label}）が新旧対照表にありません。",
                )
            )
    return TableCheck(len(rows), matched, tuple(findings))


__all__ = [
    "TableCheck",
    "TableFinding",
    "TableRow",
    "check_table",
    "read_table",
]
