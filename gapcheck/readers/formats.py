"""Read a municipality's policy from a spreadsheet or from 例規 text.

:func:`read_policy` is the one entry point. It looks at the file's content as well as its
extension (an .xls that is really .xlsx, a tab-separated 「Unicode テキスト」 saved as .txt)
and returns a :class:`~gapcheck.readers.policy.Policy`:

* spreadsheets (.xlsx/.xlsm/.xls/.csv, tab-separated text): one row per table row with text;
  ``row`` is the Excel row number, ``context`` the chapter rows above it;
* 例規 (.txt/.html/.docx): one row per 項 with its own text and per 号; ``row`` is the
  reference such as ``第23条の2第1項第3号``.

Every problem the user can fix is a :class:`PolicyFormatError` naming the file (and sheet).
The input file is only ever read, as bytes, once: its SHA-256 is of exactly what was parsed.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from hashlib import sha256
from html.parser import HTMLParser
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gapcheck.errors import PolicyFormatError
from gapcheck.io import TEXT_ENCODINGS
from gapcheck.readers.policy import Policy, PolicyRow
from gapcheck.readers.reiki import parse_reiki

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

__all__ = ["HEADER_SCAN_ROWS", "read_policy"]

HEADER_SCAN_ROWS = 30  # title rows above the header are common; the header is never far down
SPREADSHEET_EXTS = {".xlsx", ".xlsm", ".xls", ".xlsb"}

# A zip member expanding more than this ratio, and to more than _BOMB_MIN_BYTES, is treated as
# a zip bomb (one of 1028:1 has been seen); real workbooks compress about 5-20:1. Independently,
# no member may inflate beyond ``max_inflated_mb`` and no file exceed ``max_file_mb``.
_BOMB_RATIO = 200
_BOMB_MIN_BYTES = 50_000_000
MAX_ROWS = 100_000
MAX_FILE_MB = 200
MAX_INFLATED_MB = 500
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and .doc (Office 97-2003)


def read_policy(
    path: str | PathLike[str],
    *,
    sheet: str | None = None,
    encoding: str | None = None,
    max_rows: int = MAX_ROWS,
    max_file_mb: int = MAX_FILE_MB,
    max_inflated_mb: int = MAX_INFLATED_MB,
) -> Policy:
    """Read a policy file: a spreadsheet or CSV, or 例規 text (.txt, .html, .docx).

    ``sheet`` picks a workbook sheet, any of them (default: the one that looks most like a
    policy among the first MAX_SHEETS; a CSV has one sheet, named after the file, and ignores
    it). A stray cell far outside the table (XFD1048576) is ignored: only the first
    ``max_rows`` rows and MAX_COLUMNS columns are read, and memory follows the cells present;
    an .xls too large to open safely is refused. ``encoding`` overrides the
    detection for CSV and text; more than ``max_rows`` rows is an error, so a runaway sheet
    cannot exhaust memory; so is a file over ``max_file_mb`` or a workbook part inflating
    beyond ``max_inflated_mb`` (a zip bomb). Macros in .xlsm are never run: the file is only
    parsed. The input is only read, never written.

    >>> policy = read_policy("対策基準.xlsx")  # doctest: +SKIP
    >>> policy.rows[0].where  # doctest: +SKIP
    '対策基準!4行'
    """
    p = Path(path)
    if not p.exists():
        raise PolicyFormatError(
            f"{p}: ファイルが見つかりません。パスとファイル名を確認してください。"
        )
    if p.is_dir():
        raise PolicyFormatError(
            f"{p}: フォルダです。ポリシーのファイル（.xlsx、.xlsm、.xls、.csv、.txt、.html、.docx）"
            "を指定してください。"
        )
    size = p.stat().st_size
    if size > max_file_mb * 1_000_000:
        raise PolicyFormatError(
            f"{p}: ファイルが大きすぎます（{size:,} バイト、上限 {max_file_mb} MB）。"
            "ポリシーのファイルか確かめてください。正当なファイルなら --max-file-mb で上限を上げてください。"
        )
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise PolicyFormatError(f"{p}: ファイルを読めません（{exc.strerror}）。") from exc
    if not data:
        raise PolicyFormatError(
            f"{p}: ファイルが空です（0 バイト）。内容を保存したファイルを指定してください。"
        )
    digest = sha256(data).hexdigest()
    kind = _sniff(p, data, max_inflated_mb)
    if kind == "excel":
        return _read_workbook(p, data, digest, sheet, max_rows)
    if kind == "docx":
        return _reiki_policy(p, digest, _docx_lines(p, data), max_rows)
    text = _decode(p, data, encoding)
    ext = p.suffix.lower()
    if ext in {".html", ".htm", ".xhtml"} or (ext not in {".csv", ".tsv"} and _is_html(text)):
        return _reiki_policy(p, digest, _html_lines(text), max_rows)
    if ext in {".csv", ".tsv"} or _delimiter(text) == "\t":
        # Excel's 「Unicode テキスト」 is a tab-separated .txt: a table if it has a header row
        table = _delimited_sheet(p, text, max_rows)
        if ext in {".csv", ".tsv"} or table.header is not None:
            return _sheet_policy(p, digest, table, "")
    return _reiki_policy(p, digest, text.splitlines(), max_rows)


# --- what the file is ----------------------------------------------------------------------


def _sniff(path: Path, data: bytes, max_inflated_mb: int = MAX_INFLATED_MB) -> str:
    """``excel``, ``docx`` or ``text``, from the content; the extension only breaks ties."""
    ext = path.suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        names = _zip_names(path, data, max_inflated_mb)
        if any(n.startswith("xl/workbook.") for n in names):
            return "excel"
        if "word/document.xml" in names:
            if ext in SPREADSHEET_EXTS:
                raise PolicyFormatError(
                    f"{path}: このファイルは Excel ファイルとして読めません。中身は Word 文書です。"
                    "拡張子を .docx に変えるか、Excel で表を作り直してください。"
                )
            return "docx"
        raise _not_excel(path) if ext in SPREADSHEET_EXTS else _unsupported(path)
    if data.startswith(_OLE_MAGIC):
        if _ENCRYPTED_MARK in data[:1_000_000]:
            raise PolicyFormatError(
                f"{path}: パスワードで保護（暗号化）されているため読めません。"
                "Excel でパスワードを解除して保存し直してから指定してください。"
            )
        if ext == ".doc":
            raise PolicyFormatError(
                f"{path}: Word 97-2003 形式（.doc）は読めません。"
                "Word で開いて .docx 形式で保存し直してください。"
            )
        return "excel"  # calamine tells an .xls from anything else; a .doc fails there
    if data.startswith(b"%PDF"):
        raise PolicyFormatError(
            f"{path}: PDF は読めません。本文をテキスト（.txt）か Word（.docx）に書き出して"
            "指定してください。"
        )
    if ext in SPREADSHEET_EXTS:
        if _looks_like_text(data):
            raise PolicyFormatError(
                f"{path}: このファイルは Excel ファイルとして読めません。中身はテキストです。"
                "CSV なら拡張子を .csv に、例規の本文なら .txt に変えてください。"
            )
        raise _not_excel(path)
    if ext == ".docx":
        raise PolicyFormatError(
            f"{path}: このファイルは Word 文書（.docx）として読めません。"
            "Word で開いて .docx 形式で保存し直してください。"
        )
    if not _looks_like_text(data):
        raise _unsupported(path)
    return "text"


def _zip_names(path: Path, data: bytes, max_inflated_mb: int = MAX_INFLATED_MB) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PolicyFormatError(
            f"{path}: ファイルが壊れています（ZIP 形式として読めません）。"
            "元のファイルを開いて保存し直してください。"
        ) from exc
    limit = max_inflated_mb * 1_000_000
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limit or (info.file_size > _BOMB_MIN_BYTES and ratio > _BOMB_RATIO):
            raise PolicyFormatError(
                f"{path}: 展開後の大きさが異常です（{info.filename} が {info.file_size:,} バイト、"
                f"圧縮率 {ratio:,.0f} 倍。上限は {max_inflated_mb} MB かつ {_BOMB_RATIO} 倍）。"
                "安全のため読み込みを中止しました。正当なファイルなら --max-inflated-mb で上限を上げてください。"
            )
    return [info.filename for info in infos]


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return b"\x00" not in head


def _not_excel(path: Path) -> PolicyFormatError:
    return PolicyFormatError(
        f"{path}: このファイルは Excel ファイルとして読めません。"
        "Excel で開けるか確かめ、.xlsx 形式で保存し直してください。"
    )


def _unsupported(path: Path) -> PolicyFormatError:
    return PolicyFormatError(
        f"{path}: 対応していない形式です。.xlsx、.xlsm、.xls、.csv、.txt、.html、.docx の"
        "いずれかで保存してください。"
    )


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    """Text from bytes: UTF-16 with BOM, the given encoding, or utf-8-sig → utf-8 → cp932."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates: tuple[str, ...] = ("utf-16",)
    elif encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise PolicyFormatError(
                f"{path}: 文字コード名 '{encoding}' は使えません。utf-8、cp932 などを指定してください。"
            ) from exc
        candidates = (encoding,)
    else:
        candidates = TEXT_ENCODINGS
    last: UnicodeDecodeError | None = None
    for name in candidates:
        try:
            return data.decode(name).lstrip("\ufeff")
        except UnicodeDecodeError as exc:
            last = exc
    if encoding:
        raise PolicyFormatError(
            f"{path}: 指定された文字コード {encoding} では読めません（{last.start + 1 if last else 1}"
            "バイト目）。正しい文字コードを --encoding で指定してください。"
        ) from last
    raise PolicyFormatError(
        f"{path}: 文字コードを判別できません（UTF-8 でも Shift_JIS（cp932）でもありません）。"
        "UTF-8 で保存し直すか、--encoding cp932 などを指定してください。"
    ) from last


# --- spreadsheets: header detection -----------------------------------------------------------

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


# --- spreadsheets: rows -----------------------------------------------------------------------

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


def _title_above(grid: list[list[str]], header: _Header) -> str:
    for cells in grid[: header.index]:
        for value in cells:
            if value:
                return value
    return ""


@dataclass
class _Sheet:
    name: str
    grid: list[list[str]]
    header: _Header | None = None
    rows: list[PolicyRow] = field(default_factory=list)

    @property
    def usable(self) -> bool:
        return self.header is not None and ("text" in self.header.roles or bool(self.header.levels))


def _parse_sheet(name: str, grid: list[list[str]]) -> _Sheet:
    result = _Sheet(name, grid, _find_header(grid))
    if result.usable:
        assert result.header is not None
        result.rows = _table_rows(grid, name, result.header)
    return result


def _sheet_error(path: Path, sheet: _Sheet, label: str) -> PolicyFormatError:
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


def _cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).strip()
    return "" if text in {"nan", "NaN", "None", "<NA>"} else text


def _read_workbook(
    path: Path, data: bytes, digest: str, sheet: str | None, max_rows: int
) -> Policy:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    if data.startswith(_OLE_MAGIC):
        _check_xls_extent(path, data)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        # worksheets only (hidden ones too): a chart or macro sheet holds no table
        names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        if sheet is not None and sheet not in names:
            raise PolicyFormatError(
                f"{path}: シート「{sheet}」がありません。このファイルのシート: {_name_list(names)}"
            )
        # Only the first MAX_SHEETS sheets are examined (a 10,000-sheet workbook stays fast);
        # --sheet reaches any sheet by name.
        wanted = [sheet] if sheet is not None else names[:MAX_SHEETS]
        archive = zipfile.ZipFile(io.BytesIO(data)) if data.startswith(_ZIP_MAGIC) else None
        parts = _sheet_parts(archive) if archive is not None else {}
        strings: list[list[str]] = []  # the shared strings, once read
        grids: dict[str, list[list[str]]] = {}
        for name in wanted:
            grid = _bounded_grid(path, archive, book, name, parts.get(name), max_rows, strings)
            if grid is None:  # small enough for a dense read
                grid = _dense_grid(path, book, name, max_rows)
            grids[name] = grid
    except PolicyFormatError:
        raise
    except Exception as exc:  # calamine's errors differ by format; all mean "not readable"
        raise _not_excel(path) from exc
    sheets = [_parse_sheet(name, grid) for name, grid in grids.items()]
    if sheet is not None:
        return _sheet_policy(path, digest, sheets[0], f"シート「{sheet}」の")
    usable = [s for s in sheets if s.usable]
    if not usable:
        with_header = [s for s in sheets if s.header is not None] or sheets
        if len(sheets) == 1 or with_header is not sheets:
            error = _sheet_error(path, with_header[0], f"シート「{with_header[0].name}」の")
        else:
            label = f"どのシート（{', '.join(wanted)}）にも"
            if len(names) > len(wanted):
                label = f"先頭の {len(wanted)} シート（{wanted[0]} 〜 {wanted[-1]}）のどれにも"
            error = _sheet_error(path, sheets[0], label)
        if len(names) > len(wanted):
            error = PolicyFormatError(
                f"{error}シートが {len(names):,} 枚あるため、先頭の {MAX_SHEETS} 枚だけを"
                "調べました。ほかのシートの表は --sheet でシート名を指定してください。"
            )
        raise error
    # The sheet that looks most like a policy (a header row and the most text), plus any
    # other sheet of provisions: 基本方針 and 対策基準 are often kept on separate sheets.
    chosen = max(usable, key=lambda s: sum(len(r.text) for r in s.rows))
    parts_used = [s for s in usable if s is chosen or _looks_like_provisions(s)]
    if len(parts_used) == 1:
        return _sheet_policy(path, digest, chosen, "")
    return Policy(
        path=str(path),
        sha256=digest,
        kind="spreadsheet",
        rows=tuple(r for s in parts_used for r in s.rows),
        sheet=", ".join(s.name for s in parts_used),
        title=_title_above(chosen.grid, chosen.header) if chosen.header else "",
    )


def _name_list(names: list[str]) -> str:
    """Sheet names for a message: all of them, or the first MAX_SHEETS and a count."""
    if len(names) <= MAX_SHEETS:
        return ", ".join(names)
    return f"{', '.join(names[:MAX_SHEETS])} ほか {len(names) - MAX_SHEETS:,} シート"


# --- spreadsheets: never a dense rectangle to a far cell ---------------------------------------
#
# calamine builds a dense grid from A1 to the farthest cell with a value: one
# stray value in XFD1048576 asks for 512 GiB and aborts the process. So the extent of each
# sheet is checked first: a sheet that fits in DENSE_CELLS within MAX_COLUMNS columns and
# max_rows + 1 rows is read as before; any other is read cell by cell, keeping only the cells
# in the first MAX_COLUMNS columns and max_rows rows (a policy has a few thousand rows and
# some 30 columns), so memory follows the cells present. Stray cells beyond are ignored; a
# sheet with more than max_rows rows of content is still refused.

MAX_SHEETS = 50
MAX_COLUMNS = 200
DENSE_CELLS = 4_000_000
_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_TAG_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_ROW_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?row\b([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?row>)", re.S
)
_ROW_NUMBER_RE = re.compile(rb".*?\br\s*=\s*[\"']([0-9]{1,7})[\"']")
_CELL_TAG_OR_REF_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s>/])(?:[^>]*?\br\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7})[\"'])?"
)
_BAD_CHAR_REF_RE = re.compile(rb"&#(x[0-9a-fA-F]{1,6}|[0-9]{1,7});")
_CELL_REF_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7})[\"']"
)
_REF_RE = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_SCAN_SLICE = 4_000_000


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part inside an .xlsx/.xlsm (empty if the workbook is unusual)."""
    from defusedxml import ElementTree

    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return {}
    targets = {}
    for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    parts = {}
    for node in workbook.iter():  # by local name: transitional and strict namespaces alike
        if _local(node.tag) == "sheet":
            rid = next((v for k, v in node.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid)
            if target is not None:
                parts[str(node.get("name"))] = target
    return parts


def _dense_grid(path: Path, book: CalamineWorkbook, name: str, max_rows: int) -> list[list[str]]:
    """A sheet known to be small, read whole from A1 as calamine gives it: every row as wide
    as the widest, empty cells ``""``."""
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=max_rows + 1)
    if len(rows) > max_rows:
        raise _too_many(path, f"シート「{name}」の行数", max_rows)
    if rows and rows[0] and isinstance(rows[0][0], str):
        rows[0][0] = rows[0][0].removeprefix("\ufeff")  # text pasted from a file with a BOM
    return [["" if v in _NA_WORDS else _value_text(v) for v in row] for row in rows]


# A cell holding only one of these words was read as empty by pandas' read_excel, which gapcheck
# used before it read with calamine directly; kept for sheets read whole, so results stay the same.
_NA_WORDS = frozenset(
    {"", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
     "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"}
)  # fmt: skip


def _bounded_grid(
    path: Path,
    archive: zipfile.ZipFile | None,
    book: CalamineWorkbook,
    name: str,
    part: str | None,
    max_rows: int,
    strings: list[list[str]],
) -> list[list[str]] | None:
    """The sheet's grid read cell by cell, or None when a dense read is safe and cheap.

    ``strings`` caches the workbook's shared strings and date styles across sheets.
    """
    if archive is not None:
        if part is None:
            return None
        try:
            xml = archive.read(part)
        except KeyError:
            return None
        if _xml_fits(xml, max_rows):
            return None
        if not strings:
            strings.append(_shared_strings(archive))
            strings.append(_date_styles(archive))
        return _xml_grid(path, name, xml, strings[0], strings[1], max_rows)
    # .xls: calamine's own dimensions (at most 65,536 x 256 cells) decide
    calamine_sheet = book.get_sheet_by_name(name)
    if _dense_ok(calamine_sheet.height, calamine_sheet.width, max_rows):
        return None
    grid: list[list[str]] = []
    filled = 0
    for values in calamine_sheet.iter_rows():
        cells = [_value_text(v) for v in values[:MAX_COLUMNS]]
        if any(cells):
            filled += 1
            if filled > max_rows:
                raise _too_many(path, f"シート「{name}」の行数", max_rows)
        if len(grid) < max_rows:
            grid.append(cells)
    return _trim(grid)


def _xml_fits(xml: bytes, max_rows: int) -> bool:
    """Whether every cell element of a worksheet's XML lies within a safe dense rectangle."""
    height = width = cells = refs = 0
    start = 0
    while start < len(xml):  # in slices cut before a tag, so that memory stays small
        end = xml.find(b"<", start + _SCAN_SLICE)
        end = len(xml) if end < 0 else end
        piece = xml[start:end]
        start = end
        cells += len(_CELL_TAG_RE.findall(piece))
        found = _CELL_REF_RE.findall(piece)
        if found:
            refs += len(found)
            height = max(height, max(int(row) for _, row in found))
            width = max(width, max(_column_index(c.decode()) for c in {c for c, _ in found}) + 1)
        if refs < cells:
            break  # some cells have no reference: their place needs the rows
    if refs == cells:
        return _dense_ok(height, width, max_rows)
    # Cells without a reference sit after the previous cell of their row (calamine does the same)
    height = width = 0
    for row in _ROW_RE.finditer(xml):
        given = _ROW_NUMBER_RE.match(row.group(1))
        height = int(given.group(1)) if given else height + 1
        col = 0
        for cell in _CELL_TAG_OR_REF_RE.finditer(row.group(2) or b""):
            col = _column_index(cell.group(1).decode()) + 1 if cell.group(1) else col + 1
            height = max(height, int(cell.group(2))) if cell.group(2) else height
            width = max(width, col)
        if not _dense_ok(height, width, max_rows):
            return False
    return True


# calamine builds every .xls sheet as a dense grid when it opens the file (32 bytes a cell,
# up to 65,536 x 256 cells a sheet), so the cells' extent is read from the BIFF records first.
XLS_DENSE_CELLS = 8_000_000
_XLS_CELL_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6, 0x00BD}


def _check_xls_extent(path: Path, data: bytes) -> None:
    """Refuse an .xls whose sheets would need more than XLS_DENSE_CELLS cells in all."""
    try:
        found = _xls_too_wide(data)
    except Exception:  # not a readable compound file or BIFF stream: calamine says so
        return
    if found is not None:
        sheet, last, cells = found
        raise PolicyFormatError(
            f"{path}: シート「{sheet}」の使用範囲が広すぎます（{last} まで、{cells:,} セル）。"
            "安全のため読み込みを中止しました。表の外にある不要なセルを Excel で削除するか、"
            ".xlsx 形式で保存し直してください。"
        )


def _xls_too_wide(data: bytes) -> tuple[str, str, int] | None:
    """(sheet name, last cell, cells) of the sheet that takes the total over the limit."""
    stream = _ole_stream(data, ("Workbook", "Book"))
    if stream is None:
        return None
    total = 0
    names: list[str] = []  # BOUNDSHEET records, in sheet order
    sheet = depth = 0  # substreams nest: a chart inside a sheet has its own BOF and EOF
    bounds: list[int] | None = None  # min row, max row, min col, max col of this sheet
    pos = 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if kind == 0x0085 and len(body) >= 8:  # BOUNDSHEET: a sheet's name
            wide = body[7] & 1
            raw = body[8 : 8 + body[6] * (2 if wide else 1)]
            names.append(raw.decode("utf-16-le" if wide else "latin-1", "replace"))
        elif kind == 0x0809:  # BOF
            if depth == 0 and struct.unpack_from("<H", body, 2)[0] != 0x0005:  # not globals
                sheet += 1
                bounds = None
            depth += 1
        elif kind == 0x000A:  # EOF
            depth = max(depth - 1, 0)
            if depth == 0 and bounds is not None:
                cells = (bounds[1] - bounds[0] + 1) * (bounds[3] - bounds[2] + 1)
                total += cells
                if total > XLS_DENSE_CELLS:
                    name = names[sheet - 1] if sheet <= len(names) else f"{sheet}枚目"
                    return name, f"{_column_letters(bounds[3])}{bounds[1] + 1}", cells
                bounds = None
        elif kind in _XLS_CELL_RECORDS and len(body) >= 6:
            row, col = struct.unpack_from("<HH", body)
            last_col = struct.unpack_from("<H", body, len(body) - 2)[0] if kind == 0x00BD else col
            if bounds is None:
                bounds = [row, row, col, last_col]
            else:
                bounds = [
                    min(bounds[0], row),
                    max(bounds[1], row),
                    min(bounds[2], col),
                    max(bounds[3], last_col),
                ]
    return None


def _column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _ole_stream(data: bytes, names: tuple[str, ...]) -> bytes | None:
    """A stream of an OLE compound file (the container of .xls), or None if absent."""
    shift = 1 << struct.unpack_from("<H", data, 0x1E)[0]
    mini_size = 1 << struct.unpack_from("<H", data, 0x20)[0]
    first_dir, _, cutoff, first_mini, _, first_difat, difat_count = struct.unpack_from(
        "<IIIIIII", data, 0x30
    )
    if shift not in (512, 4096) or mini_size != 64:
        raise ValueError("unusual sector size")

    def sector(sid: int) -> bytes:
        start = (sid + 1) * shift
        if sid >= 0xFFFFFFFA or start + shift > len(data) + shift:
            raise ValueError("bad sector")
        return data[start : start + shift]

    fat_sids = [v for v in struct.unpack_from("<109I", data, 0x4C) if v < 0xFFFFFFFA]
    sid, seen = first_difat, 0
    while sid < 0xFFFFFFFA and seen < difat_count:
        values = struct.unpack(f"<{shift // 4}I", sector(sid))
        fat_sids += [v for v in values[:-1] if v < 0xFFFFFFFA]
        sid, seen = values[-1], seen + 1
    fat: list[int] = []
    for fat_sid in fat_sids:
        fat += struct.unpack(f"<{shift // 4}I", sector(fat_sid))

    def chain(sid: int, table: list[int]) -> Iterator[int]:
        for _ in range(len(table) + 1):
            if sid >= 0xFFFFFFFA:
                return
            yield sid
            sid = table[sid]
        raise ValueError("sector chain loops")

    directory = b"".join(sector(s) for s in chain(first_dir, fat))
    root_start = struct.unpack_from("<I", directory, 0x74)[0]
    for offset in range(0, len(directory) - 127, 128):
        entry = directory[offset : offset + 128]
        length = struct.unpack_from("<H", entry, 0x40)[0]
        name = entry[: max(length - 2, 0)].decode("utf-16-le", "replace")
        if entry[0x42] != 2 or name not in names:
            continue
        start, size = struct.unpack_from("<II", entry, 0x74)
        if size >= cutoff:
            return b"".join(sector(s) for s in chain(start, fat))[:size]
        mini_fat: list[int] = []
        for s in chain(first_mini, fat):
            mini_fat += struct.unpack(f"<{shift // 4}I", sector(s))
        mini_stream = b"".join(sector(s) for s in chain(root_start, fat))
        return b"".join(
            mini_stream[m * mini_size : (m + 1) * mini_size] for m in chain(start, mini_fat)
        )[:size]
    return None


def _dense_ok(height: int, width: int, max_rows: int) -> bool:
    return height <= max_rows + 1 and width <= MAX_COLUMNS and height * width <= DENSE_CELLS


def _value_text(value: Any) -> str:
    """A calamine value as text: 1.0 → ``1``, a date → ``2024-04-01 00:00:00``."""
    import datetime as dt

    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return _cell_text(value)


def _trim(grid: list[list[str]]) -> list[list[str]]:
    while grid and not any(grid[-1]):
        grid.pop()
    return grid


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    """The shared strings table; phonetic guides (rPh, furigana) are not text."""
    from defusedxml import ElementTree

    try:
        xml = archive.read("xl/sharedStrings.xml")
    except KeyError:
        return []
    strings: list[str] = []
    for item in ElementTree.fromstring(xml):
        if _local(item.tag) == "si":
            strings.append(_rich_text(item))
    return strings


# Excel's built-in number formats that show a date or time
_DATE_FORMAT_IDS = {*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)}
_FORMAT_NOISE_RE = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.|general', re.IGNORECASE)


def _date_styles(archive: zipfile.ZipFile) -> list[str]:
    """For each cell style (the ``s`` of a cell): "d" if it shows a date or time, else ""."""
    from defusedxml import ElementTree

    try:
        styles = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except Exception:
        return []
    custom = {}
    for node in styles.iter(f"{{{_SHEET_NS}}}numFmt"):
        code = _FORMAT_NOISE_RE.sub("", node.get("formatCode", ""))
        custom[node.get("numFmtId")] = any(ch in code for ch in "ymdhsegYMDHSEG")
    result: list[str] = []
    for xfs in styles.iter(f"{{{_SHEET_NS}}}cellXfs"):
        for xf in xfs:
            fmt = xf.get("numFmtId", "0")
            is_date = custom.get(fmt, fmt.isdigit() and int(fmt) in _DATE_FORMAT_IDS)
            result.append("d" if is_date else "")
    return result


def _serial_text(serial: float) -> str:
    """An Excel date serial as :func:`_value_text` writes calamine's value: ``2024-04-01 00:00:00``."""
    import datetime as dt

    try:
        moment = dt.datetime(1899, 12, 30) + dt.timedelta(milliseconds=round(serial * 86_400_000))
    except (OverflowError, ValueError):
        return _value_text(serial)
    return str(moment.time()) if 0 <= serial < 1 else str(moment)


def _rich_text(node: Any) -> str:
    """Text of an <si> or <is>: its <t> and the <t> of its runs, without phonetic runs."""
    parts = []
    for child in node:
        tag = _local(child.tag)
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child if _local(t.tag) == "t")
    return "".join(parts)


def _xml_grid(
    path: Path, name: str, xml: bytes, strings: list[str], dates: list[str], max_rows: int
) -> list[list[str]]:
    """The first max_rows rows and MAX_COLUMNS columns of a worksheet, from the cells present.

    The standard (C) parser is used for speed; as with defusedxml, a DOCTYPE is refused, so no
    entity can be declared or fetched.
    """
    from xml.etree import ElementTree

    rows: dict[int, dict[int, str]] = {}
    filled = 0
    row_index = -1
    if b"<!DOCTYPE" in xml:
        raise ValueError("DOCTYPE in a worksheet")  # reported as an unreadable workbook
    if b"&#" in xml:  # control characters (&#7;) are not XML 1.0: expat refuses them
        xml = _BAD_CHAR_REF_RE.sub(_xml_char_ref, xml)
    for _, node in ElementTree.iterparse(io.BytesIO(xml), events=("end",)):
        if node.tag != "row" and not node.tag.endswith("}row"):
            continue
        given = node.get("r")
        row_index = int(given) - 1 if given and given.isdigit() else row_index + 1
        col = -1
        row_has_text = False
        for cell in node:
            ref = _REF_RE.match(cell.get("r") or "")
            if ref:
                col = _column_index(ref.group(1))
                row_index = int(ref.group(2)) - 1
            else:
                col += 1
            text = _xml_cell_text(cell, strings, dates)
            if text:
                if not row_has_text:
                    row_has_text = True
                    filled += 1
                    if filled > max_rows:
                        raise _too_many(path, f"シート「{name}」の行数", max_rows)
                if row_index < max_rows and col < MAX_COLUMNS:
                    rows.setdefault(row_index, {})[col] = text
        node.clear()  # an empty element stays: about 60 bytes a row
    height = max(rows, default=-1) + 1
    grid: list[list[str]] = []
    for index in range(height):
        cells = rows.get(index, {})
        line = [""] * (max(cells, default=-1) + 1)
        for col, text in cells.items():
            line[col] = text
        grid.append(line)
    return grid


def _xml_char_ref(match: re.Match[bytes]) -> bytes:
    token = match.group(1)
    code = int(token[1:], 16) if token.startswith(b"x") else int(token)
    allowed = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD
    return match.group(0) if allowed or 0x10000 <= code <= 0x10FFFF else b""


def _xml_cell_text(node: Any, strings: list[str], dates: list[str]) -> str:
    kind = node.get("t", "n")
    value = None
    for child in node:
        tag = _local(child.tag)
        if tag == "v":
            value = child.text or ""
        elif tag == "is":
            return _cell_text(_rich_text(child))
    if value is None:
        return ""
    if kind == "s":
        try:
            return _cell_text(strings[int(value)])
        except (ValueError, IndexError):
            return ""
    if kind == "b":
        return "True" if value.strip() == "1" else "False"
    if kind == "n":
        try:
            number = float(value)
        except ValueError:
            return _cell_text(value)
        style = node.get("s", "0")
        if style.isdigit() and int(style) < len(dates) and dates[int(style)]:
            return _serial_text(number)
        return _value_text(number)
    return _cell_text(value)


def _looks_like_provisions(sheet: _Sheet) -> bool:
    """Several rows, most of them sentences (a revision-history or cover sheet is not)."""
    sentences = sum(1 for r in sheet.rows if r.text.rstrip().endswith("。"))
    return len(sheet.rows) >= 3 and sentences >= 0.6 * len(sheet.rows)


def _sheet_policy(path: Path, digest: str, sheet: _Sheet, label: str) -> Policy:
    if not sheet.usable:
        raise _sheet_error(path, sheet, label)
    assert sheet.header is not None
    return Policy(
        path=str(path),
        sha256=digest,
        kind="spreadsheet",
        rows=tuple(sheet.rows),
        sheet=sheet.name,
        title=_title_above(sheet.grid, sheet.header),
    )


def _too_many(path: Path, what: str, max_rows: int) -> PolicyFormatError:
    return PolicyFormatError(
        f"{path}: {what}が上限の {max_rows:,} 行を超えています。"
        "不要な行を削除するか、ファイルを分割してください（上限は --max-rows で変えられます）。"
    )


def _delimiter(text: str) -> str:
    head = text.splitlines()[:HEADER_SCAN_ROWS]
    tabs = sum(line.count("\t") for line in head)
    commas = sum(line.count(",") for line in head)
    return "\t" if tabs > commas else ","


def _delimited_sheet(path: Path, text: str, max_rows: int) -> _Sheet:
    """A CSV or tab-separated table, as a sheet named like Excel names a CSV's tab."""
    grid: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)):
            if len(grid) >= max_rows:
                raise _too_many(path, "行数", max_rows)
            grid.append([value.strip() for value in record])
    except csv.Error as exc:
        raise PolicyFormatError(
            f"{path}: {len(grid) + 1}行目を CSV として読めません（{exc}）。"
            "Excel で開いて CSV として保存し直してください。"
        ) from exc
    return _parse_sheet(path.stem, grid)


# --- 例規 text: getting lines -------------------------------------------------------------------


def _is_html(text: str) -> bool:
    head = text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html"))


class _HTMLText(HTMLParser):
    """Visible text, one line per block; script/style (and the <title>) dropped."""

    SKIP = frozenset({"script", "style", "title", "template", "noscript"})
    BLOCK = frozenset(
        "address article aside blockquote br caption dd div dl dt figcaption footer form h1 h2"
        " h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td tfoot th thead tr"
        " ul".split()
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skip += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
            if tag == "pre":
                self.pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skip = max(self.skip - 1, 0)
        elif tag in self.BLOCK:
            self.parts.append("\n")
            if tag == "pre":
                self.pre = max(self.pre - 1, 0)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if not self.pre:
            # Source line breaks are not text breaks; in Japanese they join with nothing.
            data = re.sub(r"[ \t\r\n\f]*[\r\n][ \t\r\n\f]*", "", data)
            data = re.sub(r"[ \t\f]+", " ", data)
        self.parts.append(data)


def _html_lines(text: str) -> list[str]:
    parser = _HTMLText()
    parser.feed(text)
    parser.close()
    return "".join(parser.parts).splitlines()


def _docx_lines(path: Path, data: bytes) -> list[str]:
    import docx  # python-docx

    try:
        document = docx.Document(io.BytesIO(data))
        return list(_docx_block_lines(document.iter_inner_content()))
    except PolicyFormatError:
        raise
    except Exception as exc:
        raise PolicyFormatError(
            f"{path}: このファイルは Word 文書（.docx）として読めません。"
            "Word で開いて .docx 形式で保存し直してください。"
        ) from exc


def _docx_block_lines(blocks: Iterable[Any]) -> Iterator[str]:
    """Paragraph and table-cell text in document order (a merged cell once)."""
    from docx.table import Table

    for block in blocks:
        if isinstance(block, Table):
            for row in block.rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    yield from _docx_block_lines(cell.iter_inner_content())
        else:
            yield from block.text.split("\n")


def _reiki_policy(path: Path, digest: str, lines: Iterable[str], max_rows: int) -> Policy:
    parsed = parse_reiki(lines, max_rows=max_rows)
    if len(parsed.rows) > max_rows:
        raise _too_many(path, "条文の項・号の数", max_rows)
    if not parsed.rows and not parsed.toc:
        raise PolicyFormatError(
            f"{path}: 規定（「第1条　…」や「1　目的」「(1)　…」で始まる行）が見つかりません。"
            "例規の本文を指定するか、表なら「本文」などの列名を持つ見出し行を付けた CSV か Excel に"
            "してください。"
        )
    return Policy(
        path=str(path),
        sha256=digest,
        kind="reiki",
        rows=parsed.rows,
        title=parsed.title,
        enacted=parsed.enacted,
        revised=parsed.revised,
        toc=parsed.toc,
    )
