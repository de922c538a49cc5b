"""An .xlsx/.xlsm worksheet read from its XML cell by cell, so memory follows the cells present.

:func:`xml_fits` scans a worksheet's XML for its extent without parsing it; a sheet that does
not fit a dense rectangle (:mod:`gapcheck.readers.cells`) is read by :func:`xml_grid`, which
writes every value as python-calamine would (shared strings, dates, booleans).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from gapcheck.readers.cells import MAX_COLUMNS, cell_text, dense_ok, value_text
from gapcheck.readers.sheets import too_many

_SHEET_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_BAD_CHAR_REF_RE = re.compile(rb"&#(x[0-9a-fA-F]{1,6}|[0-9]{1,7});")


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part inside an .xlsx/.xlsm (empty if the workbook is unusual)."""
    from defusedxml import ElementTree

    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        return {}
    targets = {}
    for rel in rels.iter():  # by local name: a rels part without its namespace is read too
        if _local(rel.tag) != "Relationship":
            continue
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


def cell_position(ref: str) -> tuple[int, int] | None:
    """(row, column), 0-based, of a cell reference as spreadsheet programs read it: letters
    in either case, leading zeros ignored (「xfd01048576」 is XFD1048576); None if it is no
    reference.

    >>> cell_position("B3"), cell_position("xfd001048576"), cell_position("3B")
    ((2, 1), (1048575, 16383), None)
    """
    m = _ANY_REF_RE.match(ref)
    if m is None or m.group(2) == "0":
        return None
    return int(m.group(2)) - 1, _column_index(m.group(1).upper())


# on an attribute's value, not on markup; at most 12 digits (a row number beyond any sheet,
# and an int() that cannot be made slow)
_ANY_REF_RE = re.compile(r"\s*([A-Za-z]{1,3})0*([0-9]{1,12})\s*\Z")


class _Beyond(Exception):
    """A cell (or the sheet's declared dimension) lies outside the dense rectangle."""


def archive_fits(archive: zipfile.ZipFile, max_rows: int) -> bool:
    """Whether every XML part of the workbook fits a dense rectangle: the check when the sheets
    cannot be told from the workbook's own parts (a DOCTYPE in workbook.xml, a missing
    relationship), so that no worksheet escapes it."""
    for info in archive.infolist():
        if info.filename.lower().endswith(".xml") and not xml_fits(archive.read(info), max_rows):
            return False
    return True


def xml_fits(xml: bytes, max_rows: int) -> bool:
    """Whether every cell of a worksheet's XML, and the dimension it declares, lies within a
    safe dense rectangle. The XML is parsed (expat, no tree kept; a DOCTYPE is refused), so
    no spelling of a reference (lower case, leading zeros, a closing tag with a space)
    escapes the check; a sheet that is not well-formed does not fit either, and the cell
    by cell reader then reports it."""
    import xml.parsers.expat as expat

    at = [0, 0]  # the current row (1-based) and the previous cell's column (1-based)
    extent = [0, 0]  # the farthest row and column seen
    limit_rows = max_rows + 1

    def far(height: int, width: int) -> None:
        if not dense_ok(height, width, max_rows):
            raise _Beyond

    def start(name: str, attrs: dict[str, str]) -> None:
        # most elements are c, v and row; a prefixed name is compared by its local part
        local = name if ":" not in name else name.rpartition(":")[2]
        if local == "c":
            ref = attrs.get("r")
            if ref is None:
                at[1] += 1
            else:
                place = cell_position(ref)
                if place is None:
                    raise _Beyond  # a cell no one can place: read cell by cell
                at[0], at[1] = place[0] + 1, place[1] + 1
            if at[0] > limit_rows or at[1] > MAX_COLUMNS:
                far(at[0], at[1])
            extent[0] = max(extent[0], at[0])
            extent[1] = max(extent[1], at[1])
        elif local == "row":
            given = attrs.get("r", "").strip()
            at[0] = int(given) if given.isdigit() and len(given) <= 12 else at[0] + 1
            at[1] = 0
            if at[0] > limit_rows:
                far(at[0], 1)
        elif local == "dimension":
            corner = cell_position(attrs.get("ref", "A1").rpartition(":")[2])
            if corner is None:
                raise _Beyond
            far(corner[0] + 1, corner[1] + 1)

    def refuse(*_: object) -> None:
        raise _Beyond  # no DOCTYPE, no entity: the cell by cell reader refuses it

    parser = expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(xml, True)
    except (_Beyond, expat.ExpatError):
        return False
    return dense_ok(extent[0], extent[1], max_rows)


def shared_strings(archive: zipfile.ZipFile) -> list[str]:
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


def date_styles(archive: zipfile.ZipFile) -> list[str]:
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
    """An Excel date serial as :func:`value_text` writes calamine's value: ``2024-04-01 00:00:00``."""
    import datetime as dt

    try:
        moment = dt.datetime(1899, 12, 30) + dt.timedelta(milliseconds=round(serial * 86_400_000))
    except (OverflowError, ValueError):
        return value_text(serial)
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


def xml_grid(
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
            place = cell_position(cell.get("r") or "")
            if place is not None:
                row_index, col = place
            else:
                col += 1
            text = _xml_cell_text(cell, strings, dates)
            if text:
                if not row_has_text:
                    row_has_text = True
                    filled += 1
                    if filled > max_rows:
                        raise too_many(path, f"シート「{name}」の行数", max_rows)
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
            return cell_text(_rich_text(child))
    if value is None:
        return ""
    if kind == "s":
        try:
            return cell_text(strings[int(value)])
        except (ValueError, IndexError):
            return ""
    if kind == "b":
        return "True" if value.strip() == "1" else "False"
    if kind == "n":
        try:
            number = float(value)
        except ValueError:
            return cell_text(value)
        style = node.get("s", "0")
        if style.isdigit() and int(style) < len(dates) and dates[int(style)]:
            return _serial_text(number)
        return value_text(number)
    return cell_text(value)


__all__ = [
    "archive_fits",
    "cell_position",
    "date_styles",
    "shared_strings",
    "sheet_parts",
    "xml_fits",
    "xml_grid",
]
