"""Excel workbooks (.xlsx/.xlsm/.xlsb/.xls) through python-calamine: which sheets, read how.

:func:`read_workbook` reads the first MAX_SHEETS worksheets (or the one asked for) and keeps
the one that looks most like a policy, plus any other sheet of provisions. Each sheet is read
whole when small (:func:`_dense_grid`) or else cell by cell (:func:`_bounded_grid`, with
:mod:`gapcheck.readers.xlsx` for worksheet XML); an .xls too large to open is refused first
(:mod:`gapcheck.readers.xls`). The grids become rows in :mod:`gapcheck.readers.sheets`.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from gapcheck.errors import Hint, PolicyFormatError
from gapcheck.readers.cells import MAX_COLUMNS, dense_ok, value_text
from gapcheck.readers.policy import Policy
from gapcheck.readers.sheets import (
    looks_like_provisions,
    parse_sheet,
    sheet_error,
    sheet_policy,
    title_above,
    too_many,
)
from gapcheck.readers.sniff import OLE_MAGIC, ZIP_MAGIC, not_excel
from gapcheck.readers.xls import check_xls_extent
from gapcheck.readers.xlsx import (
    archive_fits,
    date_styles,
    shared_strings,
    sheet_parts,
    xml_fits,
    xml_grid,
)

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

MAX_SHEETS = 50


def read_workbook(path: Path, data: bytes, digest: str, sheet: str | None, max_rows: int) -> Policy:
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    if data.startswith(OLE_MAGIC):
        check_xls_extent(path, data)
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
        archive = zipfile.ZipFile(io.BytesIO(data)) if data.startswith(ZIP_MAGIC) else None
        parts = sheet_parts(archive) if archive is not None else {}
        if archive is not None and any(n not in parts for n in wanted):
            # which part holds which sheet is not known: every part is checked, or none read
            if not archive_fits(archive, max_rows):
                raise PolicyFormatError(
                    f"{path}: ブックの内部の構成（シートと内部ファイルの対応）を読み取れず、"
                    "範囲外のセルがないことを確かめられないため、読むのをやめました。"
                    "Excel などで開き、別名で保存し直してからもう一度お試しください。",
                    path=path,
                )
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
        raise not_excel(path) from exc
    sheets = [parse_sheet(name, grid) for name, grid in grids.items()]
    if sheet is not None:
        return sheet_policy(path, digest, sheets[0], f"シート「{sheet}」の")
    usable = [s for s in sheets if s.usable]
    if not usable:
        with_header = [s for s in sheets if s.header is not None] or sheets
        if len(sheets) == 1 or with_header is not sheets:
            error = sheet_error(path, with_header[0], f"シート「{with_header[0].name}」の")
        else:
            label = f"どのシート（{', '.join(wanted)}）にも"
            if len(names) > len(wanted):
                label = f"先頭の {len(wanted)} シート（{wanted[0]} 〜 {wanted[-1]}）のどれにも"
            error = sheet_error(path, sheets[0], label)
        if len(names) > len(wanted):
            error = PolicyFormatError(
                f"{error}シートが {len(names):,} 枚あるため、先頭の {MAX_SHEETS} 枚だけを調べました。",
                path=path,
                hint=Hint.SHEET,
            )
        raise error
    # The sheet that looks most like a policy (a header row and the most text), plus any
    # other sheet of provisions: 基本方針 and 対策基準 are often kept on separate sheets.
    chosen = max(usable, key=lambda s: sum(len(r.text) for r in s.rows))
    parts_used = [s for s in usable if s is chosen or looks_like_provisions(s)]
    if len(parts_used) == 1:
        return sheet_policy(path, digest, chosen, "")
    return Policy(
        path=str(path),
        sha256=digest,
        kind="spreadsheet",
        rows=tuple(r for s in parts_used for r in s.rows),
        sheet=", ".join(s.name for s in parts_used),
        title=title_above(chosen.grid, chosen.header) if chosen.header else "",
    )


def _name_list(names: list[str]) -> str:
    """Sheet names for a message: all of them, or the first MAX_SHEETS and a count."""
    if len(names) <= MAX_SHEETS:
        return ", ".join(names)
    return f"{', '.join(names[:MAX_SHEETS])} ほか {len(names) - MAX_SHEETS:,} シート"


def _dense_grid(path: Path, book: CalamineWorkbook, name: str, max_rows: int) -> list[list[str]]:
    """A sheet known to be small, read whole from A1 as calamine gives it: every row as wide
    as the widest, empty cells ``""``."""
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=max_rows + 1)
    if len(rows) > max_rows:
        raise too_many(path, f"シート「{name}」の行数", max_rows)
    if rows and rows[0] and isinstance(rows[0][0], str):
        rows[0][0] = rows[0][0].removeprefix("\ufeff")  # text pasted from a file with a BOM
    return [["" if v in _NA_WORDS else value_text(v) for v in row] for row in rows]


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
        if xml_fits(xml, max_rows):
            return None
        if not strings:
            strings.append(shared_strings(archive))
            strings.append(date_styles(archive))
        return xml_grid(path, name, xml, strings[0], strings[1], max_rows)
    # .xls: calamine's own dimensions (at most 65,536 x 256 cells) decide
    calamine_sheet = book.get_sheet_by_name(name)
    if dense_ok(calamine_sheet.height, calamine_sheet.width, max_rows):
        return None
    grid: list[list[str]] = []
    filled = 0
    for values in calamine_sheet.iter_rows():
        cells = [value_text(v) for v in values[:MAX_COLUMNS]]
        if any(cells):
            filled += 1
            if filled > max_rows:
                raise too_many(path, f"シート「{name}」の行数", max_rows)
        if len(grid) < max_rows:
            grid.append(cells)
    return _trim(grid)


def _trim(grid: list[list[str]]) -> list[list[str]]:
    while grid and not any(grid[-1]):
        grid.pop()
    return grid


__all__ = [
    "MAX_SHEETS",
    "read_workbook",
]
