"""What holds a policy file's content, from its bytes: before anything is parsed.

:func:`container_kind` tells a zip (with its member names), an OLE container (Office 97-2003), a
PDF, text and other bytes apart, and refuses what no reader can take (a zip bomb:
:func:`_zip_names`, an encrypted workbook, a .doc) with a message saying how to fix it. Which
format the content is, the extension only breaking ties, is decided by the formats
themselves (:mod:`gapcheck.readers.kinds`). :func:`decode` turns text bytes into ``str``
(UTF-16 with a BOM, UTF-8, cp932).
"""

from __future__ import annotations

import codecs
import io
import zipfile
from pathlib import Path

from gapcheck.errors import Hint, PolicyFormatError
from gapcheck.io import text_encodings

# A zip member expanding more than this ratio, and to more than _BOMB_MIN_BYTES, is treated as
# a zip bomb (one of 1028:1 has been seen); real workbooks compress about 5-20:1. Independently,
# no member may inflate beyond ``max_inflated_mb`` (see gapcheck.readers.formats).
_BOMB_RATIO = 200
_BOMB_MIN_BYTES = 50_000_000
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls and .doc (Office 97-2003)


def container_kind(path: Path, data: bytes, max_inflated_mb: int) -> tuple[str, tuple[str, ...]]:
    """What holds the content, from the bytes alone: ``zip`` (with its member names), ``ole``
    (Office 97-2003), ``pdf``, ``text`` or ``binary``.

    What no format could read is refused here, whatever the extension: a broken zip or a zip
    bomb (:func:`_zip_names`), an encrypted Office file, a Word 97-2003 .doc. Which format the
    content is, and whether its extension agrees, is for the formats to say
    (:mod:`gapcheck.readers.kinds`).
    """
    if data.startswith(ZIP_MAGIC):
        return "zip", tuple(_zip_names(path, data, max_inflated_mb))
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTED_MARK in data[:1_000_000]:
            raise PolicyFormatError(
                f"{path}: パスワードで保護（暗号化）されているため読めません。"
                "Excel でパスワードを解除して保存し直してから指定してください。"
            )
        if path.suffix.lower() == ".doc":
            raise PolicyFormatError(
                f"{path}: Word 97-2003 形式（.doc）は読めません。"
                "Word で開いて .docx 形式で保存し直してください。"
            )
        return "ole", ()  # calamine tells an .xls from anything else; a .doc fails there
    if data.startswith(b"%PDF"):
        return "pdf", ()  # a text-layer PDF is read as 例規 text (issue #21); a scan is refused
    return ("text" if _looks_like_text(data) else "binary"), ()


def _zip_names(path: Path, data: bytes, max_inflated_mb: int) -> list[str]:
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
                "安全のため読み込みを中止しました。",
                path=path,
                hint=Hint.MAX_INFLATED_MB,
            )
    return [info.filename for info in infos]


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    return b"\x00" not in head


def not_excel(path: Path) -> PolicyFormatError:
    return PolicyFormatError(
        f"{path}: このファイルは Excel ファイルとして読めません。"
        "Excel で開けるか確かめ、.xlsx 形式で保存し直してください。"
    )


def decode(path: Path, data: bytes, encoding: str | None) -> str:
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
        candidates = text_encodings(data)
    last: UnicodeDecodeError | None = None
    for name in candidates:
        try:
            return data.decode(name).lstrip("\ufeff")
        except UnicodeDecodeError as exc:
            last = exc
    if encoding:
        raise PolicyFormatError(
            f"{path}: 指定された文字コード {encoding} では読めません（{last.start + 1 if last else 1}"
            "バイト目）。正しい文字コードを指定してください。",
            path=path,
            hint=Hint.ENCODING,
        ) from last
    raise PolicyFormatError(
        f"{path}: 文字コードを判別できません（UTF-8 でも Shift_JIS（cp932）でもありません）。"
        "UTF-8 で保存し直すか、正しい文字コードを指定してください。",
        path=path,
        hint=Hint.ENCODING,
    ) from last


__all__ = [
    "OLE_MAGIC",
    "ZIP_MAGIC",
    "container_kind",
    "decode",
    "not_excel",
]
