"""A corpus of hostile and broken inputs, generated (nothing large is committed).

Each builder writes one file into a folder and returns its path. Used by the hardening tests
and by the fuzz run in the benchmark script.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook

HEADER = ["条番号", "見出し", "本文"]
ROWS = [
    ["第1条", "目的", "本町は情報資産を守らなければならない。"],
    ["第2条", "分類", "情報資産は機密性により分類しなければならない。"],
]


def _xlsx(rows: list[list[object]], **sheet_kw: object) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "基準"
    for row in rows:
        ws.append(row)
    for key, value in sheet_kw.items():
        setattr(ws, key, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _raw_xlsx(sheet_xml: bytes, compress: bool = True) -> bytes:
    """A minimal workbook zip whose single sheet is ``sheet_xml``."""
    files = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet_xml,
    }  # fmt: skip
    buf = io.BytesIO()
    mode = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", mode) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _inline_row(n: int, cells: list[str]) -> bytes:
    inner = "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells)
    return f'<row r="{n}">{inner}</row>'.encode()


def _sheet(rows: bytes, prolog: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0"?>' + prolog + b'<worksheet xmlns="http://schemas.openxmlformats.org/'
        b'spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>"
    )


def text_as_xlsx(d: Path) -> Path:
    (p := d / "text.xlsx").write_text("条番号,本文\n1,本文です。\n", encoding="utf-8")
    return p


def empty(d: Path) -> Path:
    (p := d / "empty.xlsx").write_bytes(b"")
    return p


def word_as_xlsx(d: Path) -> Path:
    from docx import Document

    doc = Document()
    doc.add_paragraph("第1条　本町は情報資産を守らなければならない。")
    doc.save(p := d / "word.xlsx")
    return p


def password_protected(d: Path) -> Path:
    """An encrypted OOXML package: an OLE compound file holding EncryptedPackage."""
    name = "EncryptedPackage".encode("utf-16-le")
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + struct.pack("<HH", 0x3E, 3)
    body = header.ljust(512, b"\x00") + name + b"\x00" * 400 + "EncryptionInfo".encode("utf-16-le")
    (p := d / "protected.xlsx").write_bytes(body.ljust(4096, b"\x00"))
    return p


def corrupted_zip(d: Path) -> Path:
    data = _xlsx([HEADER, *ROWS])
    (p := d / "corrupt.xlsx").write_bytes(data[: len(data) // 2])
    return p


def zip_bomb(d: Path) -> Path:
    """A sheet that inflates ~1000:1 to over 100 MB."""
    row = _inline_row(1, ["x" * 10])
    big = _sheet(b"<!-- " + b" " * 120_000_000 + b" -->" + row)
    (p := d / "bomb.xlsx").write_bytes(_raw_xlsx(big))
    return p


def entity_bomb(d: Path) -> Path:
    """Billion laughs inside the sheet XML."""
    prolog = (
        b'<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
        b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
        b'<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>'
    )
    rows = _inline_row(1, HEADER) + _inline_row(2, ["第1条", "目的", "&lol5;"])
    (p := d / "entities.xlsx").write_bytes(_raw_xlsx(_sheet(rows, prolog)))
    return p


def million_rows(d: Path) -> Path:
    rows = _inline_row(1, HEADER) + b"".join(
        _inline_row(n, [f"第{n}条", "", "職員は守らなければならない。"])
        for n in range(2, 1_048_577)
    )
    (p := d / "million.xlsx").write_bytes(_raw_xlsx(_sheet(rows)))
    return p


def long_cells(d: Path) -> Path:
    (p := d / "long.xlsx").write_bytes(
        _xlsx(
            [
                HEADER,
                ["第1条", "長い", "職員は" + "非常に" * 20_000 + "守らなければならない。"],
                *ROWS,
            ]
        )
    )
    return p


def control_characters(d: Path) -> Path:
    rows = _inline_row(1, HEADER) + _inline_row(
        2, ["第1条", "制御", "本町は\u0007情報資産を\u001b守る。"]
    )
    rows = rows.replace("\u0007".encode(), b"&#7;").replace("\u001b".encode(), b"&#27;")
    (p := d / "controls.xlsx").write_bytes(_raw_xlsx(_sheet(rows)))
    return p


def formulas_and_links(d: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(["第1条", "式", "=1+1"])
    ws.append(["第2条", "リンク", '=HYPERLINK("http://example.com/x","見る")'])
    ws.append(["第3条", "外部", "='[other.xlsx]Sheet1'!A1"])
    ws.append(ROWS[0])
    wb.save(p := d / "formulas.xlsx")
    return p


def hidden_sheet_and_rows(d: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "基準"
    for row in [HEADER, *ROWS, ["第3条", "隠し", "隠れた行の規定も規定である。"]]:
        ws.append(row)
    ws.row_dimensions[4].hidden = True
    hidden = wb.create_sheet("作業用")
    hidden.sheet_state = "hidden"
    hidden.append(["メモ"])
    wb.save(p := d / "hidden.xlsx")
    return p


def cp932_csv(d: Path) -> Path:
    text = "条番号,見出し,本文\n第1条,目的,本町は情報資産を守らなければならない。①㈱髙\n"
    (p := d / "cp932.csv").write_bytes(text.encode("cp932"))
    return p


def mixed_encoding_csv(d: Path) -> Path:
    data = "条番号,本文\n".encode() + "第1条,本町は守る。\n".encode("cp932")
    (p := d / "mixed.csv").write_bytes(data)
    return p


def utf16_csv(d: Path) -> Path:
    text = "条番号,見出し,本文\r\n第1条,目的,本町は情報資産を守らなければならない。\r\n"
    (p := d / "utf16.csv").write_bytes(text.encode("utf-16"))
    return p


def unicode_text(d: Path) -> Path:
    """Excel's 「Unicode テキスト」: UTF-16 with BOM, tab-separated, saved as .txt."""
    text = "条番号\t見出し\t本文\r\n第1条\t目的\t本町は情報資産を守らなければならない。\r\n"
    (p := d / "unicode.txt").write_bytes(text.encode("utf-16"))
    return p


def no_header(d: Path) -> Path:
    (p := d / "noheader.xlsx").write_bytes(_xlsx([["a", "b"], ["c", "d"]]))
    return p


def duplicate_headers(d: Path) -> Path:
    (p := d / "dupheader.xlsx").write_bytes(
        _xlsx([["条番号", "本文", "本文"], ["第1条", "本町は守る。", "別の本文。"]])
    )
    return p


def directory(d: Path) -> Path:
    (p := d / "folder.xlsx").mkdir()
    return p


def missing(d: Path) -> Path:
    return d / "nowhere.xlsx"


def pdf_file(d: Path) -> Path:
    (p := d / "policy.pdf").write_bytes(
        b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    )
    return p


CORPUS: dict[str, Callable[[Path], Path]] = {
    f.__name__: f
    for f in [
        text_as_xlsx, empty, word_as_xlsx, password_protected, corrupted_zip, zip_bomb,
        entity_bomb, million_rows, long_cells, control_characters, formulas_and_links,
        hidden_sheet_and_rows, cp932_csv, mixed_encoding_csv, utf16_csv, unicode_text,
        no_header, duplicate_headers, directory, missing, pdf_file,
    ]
}  # fmt: skip


def many_sheets(path: Path, count: int, table: list[list[Any]], policy_at: int | None = 1) -> Path:
    """``count`` sheets S1, S2, …: ``table`` on sheet ``policy_at`` (1-based, None: nowhere),
    a one-cell memo on every other sheet.

    Written as XML directly: openpyxl takes seconds per thousand sheets.
    """
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"

    def cell(value: Any) -> str:
        if isinstance(value, (int, float)):
            return f"<c><v>{value}</v></c>"
        return f'<c t="inlineStr"><is><t>{escape(value)}</t></is></c>'

    def sheet(rows: list[list[Any]]) -> str:
        body = "".join(
            f'<row r="{r}">{"".join(cell(v) if v is not None else "<c/>" for v in row)}</row>'
            for r, row in enumerate(rows, start=1)
        )
        return f'<worksheet xmlns="{main}"><sheetData>{body}</sheetData></worksheet>'

    numbers = range(1, count + 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
                f'ContentType="{ct}.worksheet+xml"/>'
                for n in numbers
            )
            + "</Types>",
        )
        zf.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument"'
            ' Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            + "".join(f'<sheet name="S{n}" sheetId="{n}" r:id="rId{n}"/>' for n in numbers)
            + "</sheets></workbook>",
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{pkg}">'
            + "".join(
                f'<Relationship Id="rId{n}" Type="{rel}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in numbers
            )
            + "</Relationships>",
        )
        for n in numbers:
            rows = table if n == policy_at else [[f"メモ{n}"]]
            zf.writestr(f"xl/worksheets/sheet{n}.xml", sheet(rows))
    return path
