"""The small chores of writing Excel well, shared by every workbook gapcheck writes.

Bold header, frozen panes, wrapped text, widths counting East-Asian wide characters as 2,
row heights estimated for wrapped Japanese text (neither openpyxl nor LibreOffice fits them),
A4 print setup, and user text that can never run as a formula.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment, Border, Color, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gapcheck.io import write_atomic
from gapcheck.text.textout import display_width

FONT_NAME = "BIZ UDPゴシック"  # LibreOffice substitutes IPAexGothic where it is absent
FONT_SIZE = 10
LINE_HEIGHT = 13.5  # points per line at FONT_SIZE
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(name=FONT_NAME, size=FONT_SIZE, bold=True, color="FFFFFF")
BODY_FONT = Font(name=FONT_NAME, size=FONT_SIZE)
TITLE_FONT = Font(name=FONT_NAME, size=16, bold=True)
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
# XML 1.0 forbids most C0 controls; openpyxl raises on them, so drop them first.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_FORMULA_START = ("=", "+", "-", "@")
MAX_CELL = 32_767  # Excel's limit on characters in a cell
_CUT = "…（以下省略）"


def clean(text: object) -> str:
    """Text safe for a cell: no XML-illegal characters or lone surrogates, within Excel's
    32,767-character limit."""
    out = _ILLEGAL.sub("", "" if text is None else str(text))
    return out if len(out) <= MAX_CELL else out[: MAX_CELL - len(_CUT)] + _CUT


def put(ws: Worksheet, row: int, col: int, value: object, *, font: Font = BODY_FONT,
        fill: PatternFill | None = None, border: bool = True, wrap: bool = True,
        number_format: str | None = None) -> None:  # fmt: skip
    """Write one cell. Strings are always stored as text, never as a formula."""
    cell = ws.cell(row=row, column=col)
    if isinstance(value, CellRichText):
        cell.value = value
    elif isinstance(value, str):
        text = clean(value)
        cell.value = text
        cell.data_type = "s"  # '=1+1' stays text in Excel and LibreOffice
        if text.startswith(_FORMULA_START):
            cell.quotePrefix = True
    else:
        # openpyxl checks the type itself (ValueError on what a cell cannot hold) and also
        # takes numpy numbers, which its stub's value type leaves out
        cell.value = value  # type: ignore[assignment]
    cell.font = font
    if fill is not None:
        cell.fill = fill
    if border:
        cell.border = BORDER
    if wrap:
        cell.alignment = WRAP
    if number_format:
        cell.number_format = number_format


def table(ws: Worksheet, top: int, headers: Sequence[str], rows: Iterable[Sequence[object]],
          widths: Sequence[int], *, filters: bool = True, freeze: bool = True) -> int:  # fmt: skip
    """A header row at ``top`` and the rows below it; returns the last row written.

    ``widths`` are column widths in half-width characters; row heights follow the text.
    """
    for col, (name, width) in enumerate(zip(headers, widths, strict=True), 1):
        put(ws, top, col, name, font=HEADER_FONT, fill=HEADER_FILL)
        ws.column_dimensions[get_column_letter(col)].width = width
    r = top
    for values in rows:
        r += 1
        for col, value in enumerate(values, 1):
            put(ws, r, col, value)
        fit_height(ws, r, [str(v) for v in values], widths)
    fit_height(ws, top, list(headers), widths)
    if filters and r > top:
        ws.auto_filter.ref = f"A{top}:{get_column_letter(len(headers))}{r}"
    if freeze:
        ws.freeze_panes = f"A{top + 1}"
    ws.print_title_rows = f"{top}:{top}"
    return r


def fit_height(ws: Worksheet, row: int, texts: Sequence[str], widths: Sequence[float],
               line_height: float = LINE_HEIGHT) -> None:  # fmt: skip
    """Estimate the row height for wrapped text (each wide character counts 2)."""
    lines = 1
    for text, width in zip(texts, widths, strict=False):
        # A wide character takes about 1.5 width units at this font size, not 2 (measured
        # on LibreOffice PDFs with IPAexGothic).
        usable = max(width - 1, 1)
        n = sum(
            max(1, math.ceil(display_width(part) * 0.75 / usable)) for part in str(text).split("\n")
        )
        lines = max(lines, n)
    ws.row_dimensions[row].height = min(409, lines * line_height + 3)


def underline_changes(
    spans: Iterable[tuple[str, str]], mark: str = "insert", style: str = "underline"
) -> CellRichText:
    """Rich text with the spans whose op is ``mark`` underlined (the 新旧対照表 convention
    for both columns) or, with ``style="strike"``, struck through (見え消し)."""
    plain = InlineFont(rFont=FONT_NAME, sz=FONT_SIZE)
    if style == "underline":
        marked = InlineFont(
            rFont=FONT_NAME, sz=FONT_SIZE, u="single", b=True, color=Color("C00000")
        )
    else:
        marked = InlineFont(rFont=FONT_NAME, sz=FONT_SIZE, strike=True, color=Color("7F7F7F"))
    parts = []
    for text, op in spans:
        if not text:
            continue
        parts.append(TextBlock(marked if op == mark else plain, clean(text)))
    return CellRichText(parts) if parts else CellRichText("")


def a4(ws: Worksheet, *, landscape: bool = False, fit_width: bool = True,
       one_page: bool = False, scale: int | None = None) -> None:  # fmt: skip
    """A4 print setup; ``one_page`` scales the whole sheet onto a single page; ``scale``
    prints at that fixed percentage instead (the sheet is laid out to fit it, issue #13)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = True
    fit = ws.sheet_properties.pageSetUpPr
    assert fit is not None  # openpyxl gives every new sheet one
    if scale is not None:
        fit.fitToPage = False
        ws.page_setup.scale = scale
        return
    fit.fitToPage = fit_width or one_page
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0


def print_header(ws: Worksheet, left: str, centre: str, right: str) -> None:
    """The same header on every printed page, and ``page / pages`` with the sheet name in
    the footer (issue #13: who the report is about, when, 「取扱注意」, a page number)."""

    def escape(text: str) -> str:  # '&' starts a header code in Excel and LibreOffice
        return clean(text).replace("&", "&&")

    header, footer = ws.oddHeader, ws.oddFooter
    assert header is not None and footer is not None  # openpyxl gives every new sheet both
    header.left.text, header.center.text = escape(left), escape(centre)
    header.right.text = escape(right)
    footer.left.text = "&A"  # the sheet name
    footer.center.text = "&P / &N ページ"
    for part in (header.left, header.center, header.right, footer.left, footer.center):
        part.size, part.font = 9, f"{FONT_NAME},Regular"


def sheet_title(name: str) -> str:
    """Excel allows at most 31 characters and no []:*?/\\ in a sheet title."""
    return re.sub(r"[\[\]:*?/\\]", "_", name)[:31]


def save(wb: Workbook, path: str | Path) -> Path:
    """Save atomically: a failure leaves no half-written workbook behind."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return write_atomic(path, buffer.getvalue())


__all__ = [
    "BODY_FONT",
    "BORDER",
    "FONT_NAME",
    "FONT_SIZE",
    "HEADER_FILL",
    "HEADER_FONT",
    "LINE_HEIGHT",
    "MAX_CELL",
    "THIN",
    "TITLE_FONT",
    "WRAP",
    "a4",
    "clean",
    "fit_height",
    "print_header",
    "put",
    "save",
    "sheet_title",
    "table",
    "underline_changes",
]
