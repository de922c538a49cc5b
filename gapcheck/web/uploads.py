"""Uploads kept inside a private temporary folder, with the readers' limits (issue #16).

Every upload is written under a folder made by :func:`tempfile.mkdtemp` (mode 0700) with a
name of our choosing built from the sent name's last part: a sent name never chooses where
a file goes. A zip of policies is checked entry by entry before anything is written
(absolute names, ``..``, links, too many entries, a declared size or ratio of a bomb) and the
bytes actually inflated are counted again while writing, since a zip's headers can lie.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import unicodedata
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from pathlib import Path, PurePosixPath
from typing import Any

from starlette.datastructures import UploadFile

from gapcheck.errors import UploadError, quote
from gapcheck.readers.formats import MAX_FILE_MB, MAX_INFLATED_MB

MB = 1_000_000
CHUNK = 1 << 20
# a survey holds one or a few files per body; sample-nation makes at most 20,000 bodies
MAX_SURVEY_FILES = 20_000
MAX_SURVEY_MB = 4 * MAX_INFLATED_MB  # the whole folder or zip, inflated
ZIP_RATIO = 200  # a policy compresses ≈ 5–20×; text of one repeated byte ≈ 1000×
ZIP_RATIO_MIN_BYTES = 10 * MB  # small entries may compress as they like
MAX_NAME = 120  # characters kept of a sent file name


def private_dir(prefix: str, parent: str | os.PathLike[str] | None = None) -> Path:
    """A new folder only this user can open (``mkdtemp`` makes it 0700)."""
    return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))


# --- names ----------------------------------------------------------------------------------

_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


def safe_part(name: str) -> str:
    """One path component a sent name may give: NFC, no control or Windows-reserved
    characters, not ``.``/``..``, not hidden, at most :data:`MAX_NAME` characters.

    >>> safe_part("..")
    ''
    >>> safe_part("対策基準<2026>.xlsx")
    '対策基準_2026_.xlsx'
    """
    part = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" ")
    if part in ("", ".", "..") or part.startswith("."):
        return ""
    if len(part) > MAX_NAME:
        stem, dot, ext = part.rpartition(".")
        part = (
            stem[: MAX_NAME - len(ext) - 1] + dot + ext
            if dot and len(ext) < 10
            else part[:MAX_NAME]
        )
    return part


def safe_name(sent: str | None, default: str = "upload") -> str:
    """The file name part of a sent name (browsers may send ``C:\\fakepath\\x`` or a
    relative path), made safe with :func:`safe_part`."""
    parts = re.split(r"[\\/]", sent or "")
    return safe_part(parts[-1]) or default


def safe_relpath(sent: str, strip_top: bool = False) -> PurePosixPath | None:
    """A relative path inside an upload folder from a sent name (a folder upload sends
    ``policies/東京都/131016.xlsx``); ``None`` for a name that would leave the folder, is
    absolute, or names nothing. ``strip_top`` drops the chosen folder's own name.

    >>> safe_relpath("policies/131016_千代田区.xlsx", strip_top=True)
    PurePosixPath('131016_千代田区.xlsx')
    >>> safe_relpath("../etc/passwd") is None, safe_relpath("/etc/passwd") is None
    (True, True)
    """
    if not sent or sent.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", sent):
        return None
    raw = [p for p in re.split(r"[\\/]", sent) if p not in ("", ".")]
    if any(p == ".." for p in raw):
        return None
    if strip_top and len(raw) > 1:
        raw = raw[1:]
    parts = [safe_part(p) for p in raw]
    if not parts or any(not p for p in parts[:-1]) or not parts[-1]:
        return None
    return PurePosixPath(*parts)


def strip_folders(message: str, folders: list[Path]) -> str:
    """A library message without our temporary folders: ``/tmp/…/対策基準.xlsx: …`` names
    the file as the person chose it."""
    for folder in sorted(folders, key=lambda f: -len(str(f))):
        message = message.replace(str(folder) + os.sep, "").replace(str(folder), "")
    return message


# --- request bodies -------------------------------------------------------------------------

Message = MutableMapping[str, Any]


def limited_receive(
    receive: Callable[[], Awaitable[Message]], max_bytes: int
) -> Callable[[], Awaitable[Message]]:
    """``receive`` that refuses a body longer than ``max_bytes`` (413), whatever the
    Content-Length said."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > max_bytes:
                raise UploadError(too_large_request(max_bytes), 413)
        return message

    return wrapped


def too_large_request(max_bytes: int) -> str:
    return (
        f"送信されたファイルが大きすぎます（上限 合計 {max_bytes // MB:,} MB）。"
        "ポリシーのファイルか確かめ、不要なファイルを除いてから送ってください。"
    )


def too_large_file(name: str, max_mb: int) -> str:
    # the reader's own wording, without its command-line option
    return (
        f"{name}: ファイルが大きすぎます（上限 {max_mb} MB）。"
        "ポリシーのファイルか確かめてください。"
    )


async def _chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK):
        yield chunk


async def save_upload(
    upload: UploadFile, dest: Path, max_mb: int = MAX_FILE_MB, shown: str | None = None
) -> Path:
    """Copy ``upload`` to ``dest`` (whose parent is one of our private folders), refusing
    more than ``max_mb``; ``shown`` names the file in a message."""
    dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    written = 0
    with open(dest, "xb") as out:  # never onto an existing file or through a link
        async for chunk in _chunks(upload):
            written += len(chunk)
            if written > max_mb * MB:
                raise UploadError(too_large_file(shown or dest.name, max_mb), 413)
            out.write(chunk)
    return dest


# --- zip archives ---------------------------------------------------------------------------


def _entry_name(info: zipfile.ZipInfo) -> str:
    """The entry's name as its maker meant it: a zip made by Windows' Explorer on a Japanese
    PC stores cp932 names without the UTF-8 flag, which :mod:`zipfile` decodes as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("cp932")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _is_link(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return info.create_system == 3 and stat.S_ISLNK(mode)


def extract_zip(
    archive: Path,
    dest: Path,
    *,
    max_files: int = MAX_SURVEY_FILES,
    max_total_mb: int = MAX_SURVEY_MB,
    max_file_mb: int = MAX_FILE_MB,
    ratio: int = ZIP_RATIO,
) -> list[Path]:
    """Extract the zip ``archive`` (a folder of policies) into ``dest``, or refuse it with an
    :class:`UploadError` naming the entry and the reason. Folders inside are kept;
    ``__MACOSX`` and hidden entries are left out."""
    shown = archive.name
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadError(
            f"{shown}: ZIP ファイルとして読めません（{exc}）。"
            "ポリシーを集めたフォルダを ZIP に圧縮し直してください。"
        ) from exc
    with zf:
        plan = _plan(zf, shown, max_files, max_total_mb, max_file_mb, ratio)
        written: list[Path] = []
        total = 0
        for info, rel in plan:
            target = dest.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            size = 0
            try:
                with zf.open(info) as src, open(target, "xb") as out:
                    while chunk := src.read(CHUNK):
                        size += len(chunk)
                        total += len(chunk)
                        if size > max_file_mb * MB or total > max_total_mb * MB:
                            raise UploadError(_bomb(shown, _entry_name(info)), 413)
                        out.write(chunk)
            except FileExistsError:
                raise UploadError(
                    f"{shown}: ZIP の中に同じ名前のファイルが二つあります（{quote(str(rel))}）。"
                    "どちらか一方にしてから ZIP にしてください。"
                ) from None
            except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
                raise UploadError(
                    f"{shown}: ZIP の中の {quote(str(rel))} を展開できません（{exc}）。"
                    "ZIP を作り直してください。"
                ) from exc
            except NotImplementedError as exc:  # a compression method zipfile lacks
                raise UploadError(
                    f"{shown}: ZIP の中の {quote(str(rel))} は対応していない圧縮方式です。"
                    "Windows の「送る → 圧縮（zip 形式）フォルダー」で作り直してください。"
                ) from exc
            written.append(target)
    return written


def _bomb(shown: str, name: str) -> str:
    return (
        f"{shown}: ZIP を展開すると大きくなりすぎます（{quote(name)}）。圧縮爆弾の可能性が"
        "あるため受け付けません。ポリシーのファイルだけを ZIP にしてください。"
    )


def _plan(
    zf: zipfile.ZipFile,
    shown: str,
    max_files: int,
    max_total_mb: int,
    max_file_mb: int,
    ratio: int,
) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """Check every entry before anything is written; the files to extract and where."""
    infos = zf.infolist()
    if len(infos) > max_files * 2:  # folders count too; refuse before looping over millions
        raise UploadError(_too_many(shown, len(infos), max_files), 413)
    plan = []
    declared = 0
    for info in infos:
        name = _entry_name(info)
        if _is_link(info):
            raise UploadError(
                f"{shown}: ZIP の中にリンク（シンボリックリンク）があります（{quote(name)}）。"
                "安全のため受け付けません。リンクではない実際のファイルを ZIP にしてください。"
            )
        rel = safe_relpath(name)
        if rel is None and (
            name.startswith(("/", "\\"))
            or re.match(r"^[A-Za-z]:", name)
            or ".." in re.split(r"[\\/]", name)
        ):
            raise UploadError(
                f"{shown}: ZIP の中に、展開するとフォルダの外を指す名前があります（{quote(name)}）。"
                "安全のため受け付けません。ポリシーを集めたフォルダから ZIP を作り直してください。"
            )
        if info.is_dir() or rel is None or rel.parts[0] == "__MACOSX":
            continue  # a folder entry, or a hidden file (.DS_Store) the survey ignores anyway
        if info.flag_bits & 0x1:
            raise UploadError(
                f"{shown}: ZIP の中の {quote(name)} にパスワードがかかっています。"
                "パスワードなしで ZIP を作り直してください。"
            )
        declared += info.file_size
        too_big = info.file_size > max_file_mb * MB or declared > max_total_mb * MB
        squeezed = info.file_size > ZIP_RATIO_MIN_BYTES and info.file_size > ratio * max(
            info.compress_size, 1
        )
        if too_big or squeezed:
            raise UploadError(_bomb(shown, name), 413)
        plan.append((info, rel))
        if len(plan) > max_files:
            raise UploadError(_too_many(shown, len(infos), max_files), 413)
    if not plan:
        raise UploadError(
            f"{shown}: ZIP の中にファイルがありません。ポリシーのファイルを集めたフォルダを"
            "ZIP にしてください。"
        )
    return plan


def _too_many(shown: str, count: int, max_files: int) -> str:
    return (
        f"{shown}: ZIP の中のファイルが多すぎます（{count:,} 件、上限 {max_files:,} 件）。"
        "何回かに分けて調査してください。"
    )


__all__ = [
    "CHUNK",
    "MAX_NAME",
    "MAX_SURVEY_FILES",
    "MAX_SURVEY_MB",
    "MB",
    "ZIP_RATIO",
    "ZIP_RATIO_MIN_BYTES",
    "Message",
    "extract_zip",
    "limited_receive",
    "private_dir",
    "safe_name",
    "safe_part",
    "safe_relpath",
    "save_upload",
    "strip_folders",
    "too_large_file",
    "too_large_request",
]
