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


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
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


def xml_fits(xml: bytes, max_rows: int) -> bool:
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
        return dense_ok(height, width, max_rows)
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
        if not dense_ok(height, width, max_rows):
            return False
    return True


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
    "date_styles",
    "shared_strings",
    "sheet_parts",
    "xml_fits",
    "xml_grid",
]
