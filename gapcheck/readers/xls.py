"""An .xls (Office 97-2003) too large to open safely, found from its BIFF records.

:func:`check_xls_extent` reads the workbook stream out of the OLE compound file
(:func:`_ole_stream`) and adds up each sheet's extent before python-calamine opens it.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

from gapcheck.errors import PolicyFormatError

# calamine builds every .xls sheet as a dense grid when it opens the file (32 bytes a cell,
# up to 65,536 x 256 cells a sheet), so the cells' extent is read from the BIFF records first.
XLS_DENSE_CELLS = 8_000_000
_XLS_CELL_RECORDS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6, 0x00BD}


def check_xls_extent(path: Path, data: bytes) -> None:
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


__all__ = [
    "XLS_DENSE_CELLS",
    "check_xls_extent",
]
