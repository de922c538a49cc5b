"""Writing outputs safely: never half a report, never over an input."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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
# and charset guessers fail on short samples (TECH-NOTES.md).
TEXT_ENCODINGS = ("utf-8-sig", "utf-8", "cp932")


def decode_text(data: bytes, encodings: tuple[str, ...] = TEXT_ENCODINGS) -> str | None:
    """``data`` decoded by the first encoding that fits (UTF-16 when it has a BOM), or
    ``None`` when none does; the caller says what to do in its own words."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    for name in encodings:
        try:
            return data.decode(name).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
    return None
