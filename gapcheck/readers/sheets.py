"""A table of text cells → policy rows: the header row, the hierarchy, the CSV reader.

Every spreadsheet ends here as a grid (a list of rows of text cells, from
:mod:`gapcheck.readers.workbooks` or :func:`delimited_sheet` for CSV/TSV).
:func:`parse_sheet` finds the header row among the first HEADER_SCAN_ROWS rows by its column
names (本文, 見出し, 条番号, 大項目 …) and makes one :class:`~gapcheck.readers.policy.PolicyRow`
per row with text: merged cells filled down, chapter rows without text kept as ``context``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from gapcheck.errors import Hint, PolicyFormatError
from gapcheck.readers.policy import Policy, PolicyRow

__all__ = ["HEADER_SCAN_ROWS"]

HEADER_SCAN_ROWS = 30  # title rows above the header are common; the header is never far down


# --- header detection -----------------------------------------------------------------------

_ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "number": ("条番号", "項番", "番号", "条項", "no", "no.", "№"),
    "heading": ("見出し", "項目", "件名", "タイトル"),
    "text": ("本文", "内容", "規定内容", "条文", "規定", "対策内容"),
    "ref": ("ガイドライン項番", "対応項番", "gl項番", "ガイドライン対応", "参照"),
    "note": ("備考",),
    "status": ("対応状況",),  # recognised so it counts towards a header, then ignored
}
_NAME_ROLE = {name: role for role, names in _ROLE_NAMES.items() for name in names}
# Level columns: each holds one level of the hierarchy; article levels build the number.
_GROUP_LEVELS = (
    *("編", "章", "節", "款"),
    *("大項目", "中項目", "小項目", "細項目"),
    *("大分類", "中分類", "小分類", "細分類"),
)
_ARTICLE_LEVELS = ("条", "項", "号")
_TRAILING_NOTE_RE = re.compile(r"[(（][^()（）]*[)）]$|※.*$")


def _header_key(cell: str) -> str:
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", cell)).lower()
    return _TRAILING_NOTE_RE.sub("", key) or key


@dataclass
class _Header:
    index: int  # 0-based row index in the grid
    roles: dict[str, int]  # role → column
    levels: list[tuple[int, str]]  # (column, level name), left to right
    names: list[str]  # every non-empty header cell, for messages


def _find_header(grid: list[list[str]]) -> _Header | None:
    for index, cells in enumerate(grid[:HEADER_SCAN_ROWS]):
        roles: dict[str, int] = {}
        levels: list[tuple[int, str]] = []
        for col, cell in enumerate(cells):
            key = _header_key(cell) if cell else ""
            role = _NAME_ROLE.get(key)
            if role is None and "ガイドライン" in key and ("項番" in key or "対応" in key):
                role = "ref"
            if role is not None:
                roles.setdefault(role, col)
            elif key in _GROUP_LEVELS or key in _ARTICLE_LEVELS:
                levels.append((col, key))
        if len(roles) + len(levels) >= 2 or "text" in roles:
            return _Header(index, roles, levels, [c for c in cells if c])
    return None


# --- rows -----------------------------------------------------------------------------------

_NUM = r"[0-9０-９〇一二三四五六七八九十百千]+"
_GROUP_RANK = {"編": 0, "章": 1, "節": 2, "款": 3, "目": 4}
_RANK_PATTERNS: tuple[tuple[re.Pattern[str], int | None], ...] = (
    (re.compile(r"^\(\d+\)"), 5),
    (re.compile(r"^[①-⑳㉑-㉟㊱-㊿]"), 6),
    (re.compile(r"^第\d+(?:\s|$)"), 1),  # web pages numbered 第1, 第2
)


def _rank(label: str) -> int | None:
    """Depth of a chapter-row label: 第3章 → 1, 第1節 → 2, 5.1 → 2, (1) → 5; None if unknown."""
    s = unicodedata.normalize("NFKC", label).strip()
    m = re.match(rf"^第{_NUM}(編|章|節|款|目)", s)
    if m:
        return _GROUP_RANK[m.group(1)]
    m = re.match(r"^\d+(?:[.\-―]\d+)*(?=[.\s]|$)", s)
    if m:
        return len(re.split(r"[.\-―]", m.group(0)))
    for pattern, rank in _RANK_PATTERNS:
        if pattern.match(s):
            return rank
    return None


def _push(stack: list[tuple[int | None, str]], label: str) -> None:
    """Keep the chain of headings: a new one replaces its equals and anything deeper."""
    rank = _rank(label)
    if rank is None:
        if stack and stack[-1][0] is None:
            stack.pop()
    else:
        while stack and (stack[-1][0] is None or stack[-1][0] >= rank):
            stack.pop()
    stack.append((rank, label))


def _looks_like_sentence(value: str) -> bool:
    return "。" in value or len(value) >= 40


def _article_part(level: str, value: str) -> str:
    """``第10条`` stays; a bare ``2`` in a 項 column becomes ``第2項``."""
    if value.startswith("第"):
        return value
    if unicodedata.normalize("NFKC", value).isdigit():
        return f"第{unicodedata.normalize('NFKC', value)}{level}"
    return value


def _table_rows(grid: list[list[str]], sheet: str, header: _Header) -> list[PolicyRow]:
    """One PolicyRow per row with text; merged (blank) number/heading/level cells filled down."""

    def cell(cells: list[str], role: str) -> str:
        col = header.roles.get(role)
        return cells[col] if col is not None and col < len(cells) else ""

    text_col = header.roles.get("text")
    level_names = [name for _, name in header.levels]
    state = [""] * len(header.levels)  # level values filled down, hierarchically
    stack: list[tuple[int | None, str]] = []  # chapter rows without text
    carry_number = carry_heading = ""
    rows: list[PolicyRow] = []
    for index in range(header.index + 1, len(grid)):
        cells = grid[index]
        values = [cells[col] if col < len(cells) else "" for col, _ in header.levels]
        if text_col is not None:
            text = cells[text_col] if text_col < len(cells) else ""
            text_level = None
        else:  # 大項目/中項目/小項目: the text is in the last filled level cell
            filled = [k for k, v in enumerate(values) if v]
            text, text_level = "", None
            if filled and (
                filled[-1] == len(values) - 1 or _looks_like_sentence(values[filled[-1]])
            ):
                text_level = filled[-1]
                text = values[text_level]
                values[text_level] = ""
        changed = False
        for k, value in enumerate(values):
            if value:
                state[k] = value
                state[k + 1 :] = [""] * (len(state) - k - 1)
                changed = True
        if text_level is not None:
            state[text_level:] = [""] * (len(state) - text_level)
        if changed:
            stack.clear()
        number, heading = cell(cells, "number"), cell(cells, "heading")
        if not text:
            if number or heading:  # a chapter row: context for the rows below
                _push(stack, " ".join(v for v in (number, heading) if v))
                carry_number = carry_heading = ""
            continue
        if number:  # a new number starts a new provision: its heading is its own
            carry_number, carry_heading = number, heading
        elif heading:
            carry_heading = heading
        groups = [
            v for v, name in zip(state, level_names, strict=True) if v and name in _GROUP_LEVELS
        ]
        articles = "".join(
            _article_part(name, v)
            for v, name in zip(state, level_names, strict=True)
            if v and name in _ARTICLE_LEVELS
        )
        rows.append(
            PolicyRow(
                sheet=sheet,
                row=index + 1,
                number=carry_number or articles,
                heading=carry_heading,
                text=text,
                ref=cell(cells, "ref"),
                context=tuple(groups) + tuple(label for _, label in stack),
                note=cell(cells, "note"),
            )
        )
    return rows


def title_above(grid: list[list[str]], header: _Header) -> str:
    for cells in grid[: header.index]:
        for value in cells:
            if value:
                return value
    return ""


# --- a sheet and its policy -------------------------------------------------------------------


@dataclass
class Sheet:
    name: str
    grid: list[list[str]]
    header: _Header | None = None
    rows: list[PolicyRow] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.header is not None and ("text" in self.header.roles or bool(self.header.levels))


def parse_sheet(name: str, grid: list[list[str]]) -> Sheet:
    result = Sheet(name, grid, _find_header(grid))
    if result.usable:
        assert result.header is not None
        result.rows = _table_rows(grid, name, result.header)
    return result


def sheet_error(path: Path, sheet: Sheet, label: str) -> PolicyFormatError:
    if sheet.header is None:
        return PolicyFormatError(
            f"{path}: {label}最初の{HEADER_SCAN_ROWS}行に見出し行が見つかりません。"
            "「本文」（または「内容」「規定内容」）などの列名を持つ見出し行を表の先頭に付けてください。"
        )
    return PolicyFormatError(
        f"{path}: {label}見出し行（{sheet.header.index + 1}行目）に本文の列がありません"
        f"（見つかった列: {', '.join(sheet.header.names)}）。"
        "規定の文章がある列に「本文」「内容」などの列名を付けてください。"
    )


def looks_like_provisions(sheet: Sheet) -> bool:
    """Several rows, most of them sentences (a revision-history or cover sheet is not)."""
    sentences = sum(1 for r in sheet.rows if r.text.rstrip().endswith("。"))
    return len(sheet.rows) >= 3 and sentences >= 0.6 * len(sheet.rows)


def sheet_policy(path: Path, digest: str, sheet: Sheet, label: str) -> Policy:
    if not sheet.usable:
        raise sheet_error(path, sheet, label)
    assert sheet.header is not None
    return Policy(
        path=str(path),
        sha256=digest,
        kind="spreadsheet",
        rows=tuple(sheet.rows),
        sheet=sheet.name,
        title=title_above(sheet.grid, sheet.header),
    )


def too_many(path: Path, what: str, max_rows: int) -> PolicyFormatError:
    return PolicyFormatError(
        f"{path}: {what}が上限の {max_rows:,} 行を超えています。"
        "不要な行を削除するか、ファイルを分割してください。",
        path=path,
        hint=Hint.MAX_ROWS,
    )


# --- CSV and tab-separated text ----------------------------------------------------------------


def sniff_delimiter(text: str) -> str:
    head = text.splitlines()[:HEADER_SCAN_ROWS]
    tabs = sum(line.count("\t") for line in head)
    commas = sum(line.count(",") for line in head)
    return "\t" if tabs > commas else ","


def delimited_sheet(path: Path, text: str, max_rows: int) -> Sheet:
    """A CSV or tab-separated table, as a sheet named like Excel names a CSV's tab.

    A quote that is never closed makes the csv module read the rest of the file into one cell
    without an error; a cell whose later lines themselves look like rows (two or more with the
    delimiter) is refused, naming the line where the quote opened."""
    grid: list[list[str]] = []
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1  # the physical line where the next record begins
    try:
        for record in reader:
            if len(grid) >= max_rows:
                raise too_many(path, "行数", max_rows)
            for column, value in enumerate(record, start=1):
                _unclosed_quote(path, value, delimiter, start, column)
            grid.append([value.strip() for value in record])
            start = reader.line_num + 1
    except csv.Error as exc:
        raise PolicyFormatError(
            f"{path}: {len(grid) + 1}行目を CSV として読めません（{exc}）。"
            "Excel で開いて CSV として保存し直してください。"
        ) from exc
    return parse_sheet(path.stem, grid)


def _unclosed_quote(path: Path, value: str, delimiter: str, line: int, column: int) -> None:
    lines = value.split("\n")[1:]
    if sum(1 for part in lines if delimiter in part) < 2:
        return
    raise PolicyFormatError(
        f'{path}: {line}行目の{column}列目で始まる「"」が閉じられていないため、'
        f"それ以降の {len(lines)} 行が一つのセルとして読まれてしまいます。"
        'その行の「"」を消すか「""」と二つ重ねてから、もう一度指定してください'
        "（Excel で開いて CSV として保存し直すと、正しく囲まれます）。",
        path=path,
        row=line,
    )
