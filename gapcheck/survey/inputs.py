"""The input folder: walking it, the key of each input, and which body each file belongs to.

:func:`walk` lists the regular files under the folder; symbolic links are never followed, each
is a :class:`~gapcheck.survey.results.Skipped` with the reason. File names are shown as a person
can read them (:func:`display_name`: a name that is not UTF-8 is decoded as cp932, or
escaped). An input's key is its SHA-256 (:func:`digest_of`, several files of one body combined).
:func:`identify` tells whose file it is: the 全国地方公共団体コード at the start of its name,
else the name of a body of the master (:mod:`gapcheck.survey.bodies`) in it.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gapcheck.survey.bodies import PREFECTURES, Body, code_from_filename, kind_from_name
from gapcheck.survey.results import Skipped

_JUNK = {"thumbs.db", "desktop.ini"}
# a `gapcheck audit --json` result, taken as it is; never a policy format's extension
AUDIT_JSON = ".json"


# --- walking the input folder ------------------------------------------------------------


@dataclass(frozen=True)
class InputFile:
    rel: str  # relative to the input folder, "/"-separated, always printable (see display_name)
    path: str  # absolute, as the OS gives it (may hold surrogate escapes of a non-UTF-8 name)
    size: int
    mtime_ns: int
    odd_name: bool = False  # the name is not UTF-8 (shown decoded as cp932 or escaped)

    @property
    def audit_json(self) -> bool:
        """An earlier audit's JSON rather than a policy."""
        return self.rel.lower().endswith(AUDIT_JSON)


def walk(root: Path, exclude: Iterable[Path] = ()) -> tuple[list[InputFile], list[Skipped]]:
    """Regular files under ``root``, recursively, in a stable order.

    Every file is an input, whatever its name: the policy readers tell its format from its
    content (:data:`~gapcheck.readers.kinds.POLICY_FORMATS`), so a file of a registered
    format is read under any extension, and one they cannot read (a .doc, a text named
    .xlsx) is recorded with the reason and how to fix it rather than silently left out.
    Hidden entries (``.name``), Office lock files (``~$…``) and Thumbs.db/desktop.ini are
    ignored. Symbolic links are never followed: one pointing out of the folder could read
    anything, a loop would never end, and one pointing inside would count a file twice.
    Each is listed as :class:`Skipped` with the reason.
    """
    root = root.resolve()
    excluded = {p.resolve() for p in exclude}
    files: list[InputFile] = []
    skipped: list[Skipped] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            skipped.append(
                Skipped(
                    _rel(root, Path(folder)), "フォルダを開けません（権限を確認してください）。"
                )
            )
            continue
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith((".", "~$")) or name.lower() in _JUNK:
                continue
            path = Path(entry.path)
            if path in excluded:
                continue
            rel = _rel(root, path)
            if entry.is_symlink():
                skipped.append(Skipped(rel, _link_reason(path, root)))
            elif entry.is_dir(follow_symlinks=False):
                subfolders.append(path)
            elif entry.is_file(follow_symlinks=False):
                st = entry.stat(follow_symlinks=False)
                files.append(
                    InputFile(
                        rel, str(path), st.st_size, st.st_mtime_ns, not printable_name(str(path))
                    )
                )
        stack.extend(reversed(subfolders))
    files.sort(key=lambda f: f.rel)
    return files, skipped


def _rel(root: Path, path: Path) -> str:
    return display_name(path.relative_to(root).as_posix())


def printable_name(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def display_name(text: str) -> str:
    r"""A path as a person can read it, safe to print, store and write anywhere.

    On Linux a file name that is not UTF-8 (``unzip`` of a Windows zip keeps the cp932
    bytes) arrives as a ``str`` with surrogate escapes, which no report can encode. Each
    such ``/``-separated part is decoded as cp932 where that works, otherwise shown with
    backslash escapes (``\x93``); a UTF-8 part is left alone.

    >>> display_name(os.fsdecode(b"13_\x93\x8c\x8b\x9e/\x93\xfa\x96\x7b.xlsx"))
    '13_東京/日本.xlsx'
    >>> display_name(os.fsdecode(b"\xff\xfe.txt"))
    '\\xff\\xfe.txt'
    """
    if printable_name(text):
        return text
    parts = []
    for part in text.split("/"):
        if printable_name(part):
            parts.append(part)
            continue
        try:
            raw = part.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:  # a lone surrogate not made by the OS
            parts.append(part.encode("utf-8", "backslashreplace").decode("ascii"))
            continue
        try:
            decoded = raw.decode("cp932")
        except UnicodeDecodeError:
            decoded = raw.decode("utf-8", "backslashreplace")
        parts.append(decoded if decoded.isprintable() else raw.decode("utf-8", "backslashreplace"))
    return "/".join(parts)


def _link_reason(path: Path, root: Path) -> str:
    try:
        target = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return "リンク先がありません（切れたリンクか循環するリンク）。読み飛ばしました。"
    if not target.is_relative_to(root):
        return "入力フォルダの外を指すリンクです。安全のため読み飛ばしました。"
    return "フォルダ内を指すリンクです。二重に数えないよう、リンク先そのものだけを調べます。"


# --- an input's key ----------------------------------------------------------------------


def stamp(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns)


def sha256_of(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def digest_of(paths: Sequence[str]) -> str:
    """The input key of ``paths``: a file's SHA-256, or the combined key of several files."""
    if len(paths) == 1:
        return sha256_of(paths[0])
    return several_digest(sha256_of(p) for p in paths)


def several_digest(hashes: Iterable[str]) -> str:
    joined = "\n".join(sorted(hashes))
    return hashlib.sha256(f"several\n{joined}".encode()).hexdigest()


# --- identifying bodies -------------------------------------------------------------------

_SEP = re.compile(r"[_\-\s　・.（(]+")


@dataclass(frozen=True)
class Identity:
    body: str
    code: str | None
    name: str
    prefecture: str
    kind: str
    population: int | None
    flags: tuple[str, ...]


class Names:
    """Finds a master body whose name appears in a file name (for files without a code)."""

    def __init__(self, master: dict[str, Body]):
        self.municipal = [b for b in master.values() if b.kind != "都道府県"]
        self.prefectural = [b for b in master.values() if b.kind == "都道府県"]

    def find(self, rel: str) -> Body | None:
        stem = Path(rel).stem
        found = [b for b in self.municipal if b.name in stem]
        if found:
            longest = max(len(b.name) for b in found)
            found = [b for b in found if len(b.name) == longest]
            if len(found) > 1:  # 府中市 (東京都 / 広島県): the folder or name must say which
                found = [b for b in found if b.prefecture in rel]
            return found[0] if len(found) == 1 else None
        found = [b for b in self.prefectural if b.name in stem]
        return found[0] if len(found) == 1 else None


def identify(rel: str, master: dict[str, Body], names: Names, strict: bool) -> Identity:
    """Who a file belongs to: the code at the start of its name, else a master name in it.

    ``strict`` (a master was given) flags codes that the master does not list.
    """
    code = code_from_filename(Path(rel).name)
    if code is not None:
        body = master.get(code)
        if body is not None:
            return _identity(body, ())
        prefecture = PREFECTURES[int(code[:2]) - 1]
        name = _name_from_stem(Path(rel).stem[len(code) :]) or code
        if name == code and code[2:5] == "000":
            name = prefecture
        return Identity(
            body=code,
            code=code,
            name=name,
            prefecture=prefecture,
            kind=kind_from_name(name, prefecture) if name != code else "",
            population=None,
            flags=("not-in-master",) if strict else (),
        )
    body = names.find(rel)
    if body is not None:
        return _identity(body, ("name-matched",))
    return Identity(
        body=f"file:{rel}",
        code=None,
        name=Path(rel).name,
        prefecture="",
        kind="",
        population=None,
        flags=("no-code",),
    )


def _identity(body: Body, flags: tuple[str, ...]) -> Identity:
    return Identity(
        body.code, body.code, body.name, body.prefecture, body.kind, body.population, flags
    )


def _name_from_stem(rest: str) -> str:
    """``_千代田区_対策基準`` → ``千代田区`` (the first word, if it names a body)."""
    for word in _SEP.split(rest):
        if word and kind_from_name(word):
            return word
    return ""


__all__ = [
    "AUDIT_JSON",
    "Identity",
    "InputFile",
    "Names",
    "digest_of",
    "display_name",
    "identify",
    "printable_name",
    "several_digest",
    "sha256_of",
    "stamp",
    "walk",
]
