"""Writing outputs safely: never half a report, never over an input."""

from __future__ import annotations

import codecs
import contextlib
import csv
import errno
import io
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from gapcheck.errors import GapcheckError, InputFileError, OutputError


def write_atomic(path: str | os.PathLike[str], data: bytes | str) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename,
    so a failure leaves either the old file or none, never a truncated one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
        # mkstemp creates 0600; a report is an ordinary file, so honour the umask instead
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# Japanese files come as UTF-8 (with or without BOM) or CP932; shift_jis fails on ①, ㈱, 髙
# and charset guessers fail on short samples (docs/domain.md §7). Older 例規集 pages and mail
# archives also come as EUC-JP or ISO-2022-JP, which the first two would read as garbage
# without an error: :func:`text_encodings` recognises them first.
TEXT_ENCODINGS = ("utf-8-sig", "utf-8", "cp932")

# ISO-2022-JP's escapes into JIS X 0208 / 0212 / 0201 (7-bit: UTF-8 accepts it as ASCII)
_JIS_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b$(D", b"\x1b(J", b"\x1b(I")
_CHARSET_RE = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.I
)


def text_encodings(data: bytes, encodings: tuple[str, ...] = TEXT_ENCODINGS) -> tuple[str, ...]:
    """The encodings to try on ``data``, most likely first: UTF-16 with a BOM; ISO-2022-JP when
    its escapes appear in 7-bit text; an HTML page's declared ``<meta charset>`` (a known name)
    before the defaults; EUC-JP before CP932 when the text is valid EUC-JP and not UTF-8 (an
    EUC-JP page decoded as CP932 turns into half-width katakana without an error)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ("utf-16",)
    head = data[:65536]
    if any(escape in head for escape in _JIS_ESCAPES) and max(head, default=0) < 0x80:
        return ("iso2022_jp_2004", "iso2022_jp_ext", *encodings)
    declared = _CHARSET_RE.search(data[:4096])
    first: tuple[str, ...] = ()
    if declared:
        try:
            name = codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            name = ""
        if name == "shift_jis":
            name = "cp932"  # what Windows means by Shift_JIS (①, ㈱, 髙)
        elif name == "euc_jp":
            name = "euc_jis_2004"
        first = (name,) if name else ()
    if _looks_euc(head):
        first = (*first, "euc_jis_2004")
    return tuple(dict.fromkeys((*first, *encodings)))


def _looks_euc(head: bytes) -> bool:
    if max(head, default=0) < 0x80:
        return False
    try:
        head.decode("utf-8")
        return False
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut at the sample's end
            return False
    try:
        text = head.decode("euc_jis_2004", errors="strict")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 2:
            return False
        text = head[: exc.start].decode("euc_jis_2004")
    wide = sum(1 for ch in text if "\u3040" <= ch <= "\u9fff")
    return wide >= 2


def decode_text(data: bytes, encodings: tuple[str, ...] = TEXT_ENCODINGS) -> str | None:
    """``data`` decoded by the first encoding that fits (see :func:`text_encodings`), or
    ``None`` when none does; the caller says what to do in its own words."""
    for name in text_encodings(data, encodings):
        try:
            return data.decode(name).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
    return None


# --- CSV cells for Excel -----------------------------------------------------------------

# OWASP "CSV injection": a cell starting with one of these is a formula to Excel/LibreOffice.
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """``value`` as a CSV cell that Excel will not run: a leading = + - @ tab or CR gets a
    single quote in front (OWASP's rule), as the workbooks already do.

    >>> csv_safe("=2+5+cmd|' /C calc'!A0")
    "'=2+5+cmd|' /C calc'!A0"
    >>> csv_safe("131016")
    '131016'
    """
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(CSV_FORMULA_START) else s


def csv_text(rows: Iterable[Iterable[object]], bom: bool = True, newline: str = "\r\n") -> str:
    """``rows`` as CSV text (UTF-8 BOM for Excel), every cell through :func:`csv_safe`."""
    buf = io.StringIO()
    if bom:
        buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator=newline)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    return buf.getvalue()


def write_csv_atomic(
    path: str | os.PathLike[str], rows: Iterable[Iterable[object]], bom: bool = True
) -> Path:
    """Write ``rows`` as a CSV for Excel (neutralised cells, BOM, CRLF), atomically."""
    return write_atomic(path, csv_text(rows, bom=bom))


# --- reading user files with a bound ------------------------------------------------------


def read_bytes_capped(path: str | os.PathLike[str], max_bytes: int, what: str) -> bytes:
    """The bytes of a *regular* file of at most ``max_bytes``.

    A FIFO, a device (``/dev/zero``) or a folder is refused before it is opened, and the read
    stops one byte past the cap, so neither blocks nor fills memory. Errors are
    :class:`GapcheckError` (Japanese, naming the file; ``what`` says what the file is for);
    a missing file raises :class:`FileNotFoundError` for the caller to word.
    """
    path = Path(path)
    st = os.stat(path)  # FileNotFoundError goes to the caller
    if not stat.S_ISREG(st.st_mode):
        raise InputFileError(
            f"{path}: 通常のファイルではありません（フォルダ・デバイス・名前付きパイプなど）。"
            f"{what}を指定してください。"
        )
    limit_mb = max_bytes / 1_000_000
    too_big = InputFileError(
        f"{path}: {what}として大きすぎます（上限 {limit_mb:g} MB）。正しいファイルか確かめてください。"
    )
    if st.st_size > max_bytes:
        raise too_big
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputFileError(f"{path}: {what}を読めません（{os_cause(exc)}）。") from exc
    if len(data) > max_bytes:  # grew while we looked
        raise too_big
    return data


# --- writing a set of outputs -------------------------------------------------------------


def os_cause(exc: OSError) -> str:
    """What went wrong, in Japanese, from an OS error's errno."""
    causes = {
        errno.ENOSPC: "ディスクの空きがありません",
        errno.EDQUOT: "ディスクの使用量の上限に達しました",
        errno.EACCES: "書き込みの権限がありません",
        errno.EPERM: "操作が許可されていません",
        errno.EROFS: "読み取り専用の場所です",
        errno.ENOTDIR: "途中にフォルダではなくファイルがあります",
        errno.EEXIST: "同じ名前のファイルがあります",
        errno.EISDIR: "同じ名前のフォルダがあります",
        errno.ENAMETOOLONG: "名前が長すぎます",
        errno.ENOENT: "フォルダがありません",
        errno.EIO: "入出力エラー",
    }
    cause = causes.get(exc.errno or 0)
    if cause is None:
        return str(exc.strerror or exc.__class__.__name__)
    return cause


def _output_error(folder: Path, exc: OSError) -> OutputError:
    return OutputError(
        f"{folder} に結果を書き出せません（{os_cause(exc)}）。前回の結果があれば、そのまま残っています。"
        "空き容量と書き込みの権限を確かめるか、--out で別のフォルダを指定してください。"
    )


def ensure_writable_dir(folder: str | os.PathLike[str]) -> Path:
    """Create ``folder`` if needed and prove a file can be written in it (a small probe that
    is removed again), so a long job fails before its work, not after. Raises
    :class:`OutputError` naming the folder and the cause."""
    folder = Path(folder)
    try:
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".gapcheck-probe.", dir=folder)
        try:
            os.write(fd, b"0" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
            Path(probe).unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(
            f"{folder} に書き込めません（{os_cause(exc)}）。"
            "書き込みの権限と空き容量を確かめるか、--out で別のフォルダを指定してください。"
        ) from exc
    return folder


class OutputSet:
    """Files of one result, written into a hidden staging folder inside ``folder`` and moved
    into place only when every one is complete: a failure (full disk, no permission) leaves
    the previous set as it was and nothing half-written.

    >>> with output_set(folder) as stage:          # doctest: +SKIP
    ...     write_atomic(stage / "audit.json", "…")
    ...     write_workbook(summary, catalog, stage / "report.xlsx")
    ... # now folder/audit.json and folder/report.xlsx, together
    """

    def __init__(self, folder: Path, stage: Path):
        self.folder = folder
        self.stage = stage

    def __truediv__(self, name: str) -> Path:
        return self.stage / name

    def final(self, staged: Path) -> Path:
        """Where a staged file ends up."""
        return self.folder / Path(staged).relative_to(self.stage)


@contextlib.contextmanager
def output_set(folder: str | os.PathLike[str]) -> Iterator[OutputSet]:
    folder = Path(folder)
    try:
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(folder))
        folder.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".gapcheck-", suffix=".tmp", dir=folder))
    except OSError as exc:
        raise _output_error(folder, exc) from exc
    try:
        try:
            yield OutputSet(folder, stage)
            names = sorted(p.name for p in stage.iterdir() if p.name != ".previous")
            for name in names:
                if (folder / name).is_dir():
                    raise IsADirectoryError(errno.EISDIR, "is a directory", str(folder / name))
            _swap_in(stage, folder, names)
        except OSError as exc:
            raise _output_error(folder, exc) from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _swap_in(stage: Path, folder: Path, names: list[str]) -> None:
    """Move the staged ``names`` into ``folder`` by renames only (one file system, no new
    space needed); if one rename fails, the files already replaced are put back, so the
    folder holds the old set or the new one, never a mix."""
    backup = stage / ".previous"
    backup.mkdir()
    saved: list[str] = []
    placed: list[str] = []
    try:
        for name in names:
            if (folder / name).exists():
                os.replace(folder / name, backup / name)
                saved.append(name)
            os.replace(stage / name, folder / name)
            placed.append(name)
    except OSError:
        for name in placed:
            with contextlib.suppress(OSError):
                os.replace(folder / name, stage / name)
        for name in saved:
            with contextlib.suppress(OSError):
                os.replace(backup / name, folder / name)
        raise


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether ``a`` and ``b`` are one file: the same resolved path, or (both existing) the
    same inode — a hard link or a second mount of it."""
    pa, pb = Path(a), Path(b)
    try:
        if pa.resolve() == pb.resolve():
            return True
        return pa.exists() and pb.exists() and os.path.samefile(pa, pb)
    except (OSError, RuntimeError):  # a symlink loop, a path too long: compare as written
        return os.path.abspath(pa) == os.path.abspath(pb)


def refuse_overwrite(
    outputs: Iterable[str | os.PathLike[str]], inputs: Iterable[tuple[str, Path | None]]
) -> None:
    """Raise :class:`OutputError` when an output would replace an input (``inputs`` are
    (role, path) pairs such as ("入力のポリシー", policy))."""
    given = [(role, Path(p)) for role, p in inputs if p is not None]
    for out in outputs:
        for role, path in given:
            if same_file(out, path):
                raise OutputError(
                    f"書き出し先 {out} は{role}（{path}）と同じファイルです。上書きすると元のファイルが"
                    "失われるため書き出しません。--out で別のフォルダを指定してください。"
                )


@contextlib.contextmanager
def os_errors_as_messages() -> Iterator[None]:
    """An OS error the library did not word itself (a read-only or full catalog folder)
    becomes an :class:`OutputError` naming the file and the cause; the command and the web
    page show it like any other message."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, GapcheckError):
            raise
        where = exc.filename or "ファイル"
        raise OutputError(
            f"{where} を読み書きできません（{os_cause(exc)}）。"
            "書き込みの権限と空き容量を確かめるか、別のフォルダを指定してください。"
        ) from exc


__all__ = [
    "CSV_FORMULA_START",
    "TEXT_ENCODINGS",
    "OutputSet",
    "csv_safe",
    "csv_text",
    "decode_text",
    "ensure_writable_dir",
    "os_cause",
    "os_errors_as_messages",
    "output_set",
    "read_bytes_capped",
    "refuse_overwrite",
    "same_file",
    "write_atomic",
    "write_csv_atomic",
]
