"""The exceptions gapcheck raises when it cannot continue.

Findings (a missing clause, an unmatched row) are data, not exceptions; these are for
"this input cannot be used". Every message is Japanese, names the file/line/edition at
fault and says how to fix it. Only the CLI and the web page show them.

Errors are data (issue #22): besides the message, an error carries where it happened
(``path``, ``sheet``, ``row``) and, when the fix is a setting the person can change, a
:class:`Hint`. The library never names a command-line flag: the CLI renders a hint as its
flag (``str(exc)``, :meth:`GapcheckError.for_cli`), the web page as its form field or, where
the page has none, says so (:meth:`GapcheckError.for_web`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class HintInfo:
    """How each surface says what to change: ``cli`` and ``web`` are whole sentences."""

    cli: str
    web: str


class Hint(enum.Enum):
    """A setting the person can change to get past an error (the fix, as data)."""

    MAX_FILE_MB = "max-file-mb"
    MAX_INFLATED_MB = "max-inflated-mb"
    MAX_ROWS = "max-rows"
    ENCODING = "encoding"
    SHEET = "sheet"
    REPLACE = "replace"
    GUIDELINES = "guidelines"
    DB = "db"

    @property
    def info(self) -> HintInfo:
        return HINTS[self]


HINTS: dict[Hint, HintInfo] = {
    Hint.MAX_FILE_MB: HintInfo(
        cli="正当なファイルなら --max-file-mb で上限を上げてください。",
        web="この画面ではこの上限を変えられません。ファイルを分けるか、コマンド（gapcheck audit）で照合してください。",
    ),
    Hint.MAX_INFLATED_MB: HintInfo(
        cli="正当なファイルなら --max-inflated-mb で上限を上げてください。",
        web="この画面ではこの上限を変えられません。正当なファイルなら、コマンド（gapcheck audit）で照合してください。",
    ),
    Hint.MAX_ROWS: HintInfo(
        cli="上限は --max-rows で変えられます。",
        web="この画面ではこの上限を変えられません。",
    ),
    Hint.ENCODING: HintInfo(
        cli="文字コードは --encoding で指定できます（例: --encoding cp932）。",
        web="文字コードは「CSV・テキストの文字コード」で選べます。",
    ),
    Hint.SHEET: HintInfo(
        cli="ほかのシートの表は --sheet でシート名を指定してください。",
        web="ほかのシートの表は「シート名」の欄にシート名を入れてください。",
    ),
    Hint.REPLACE: HintInfo(
        cli="置き換えるときは --replace を付けてください（確認ファイルを反映する再実行も --replace が必要です）。",
        web="置き換えるときは「同じ id の版がすでにあれば置き換える」を選んでください。",
    ),
    Hint.DB: HintInfo(
        cli="別のファイルを --db に指定するか、壊れたファイルを削除してください。",
        web="画面の調査の記録を使えません。作業用フォルダの survey.sqlite を削除してから調査し直してください。",
    ),
    Hint.GUIDELINES: HintInfo(
        cli="--guidelines には各版のフォルダ（YYYY-MM）を含むフォルダを指定してください。",
        web="版のフォルダ（YYYY-MM）を含むフォルダを指定して起動し直してください。",
    ),
}


class GapcheckError(Exception):
    """Base class: a problem the user can fix. ``str(exc)`` is the full message as the
    command line shows it; :meth:`for_web` as the web page shows it.

    >>> e = PolicyFormatError("a.csv: 文字コードを判別できません。", path="a.csv", hint=Hint.ENCODING)
    >>> str(e).endswith("文字コードは --encoding で指定できます（例: --encoding cp932）。")
    True
    >>> "--" in e.for_web()
    False
    """

    def __init__(
        self,
        message: str = "",
        *,
        path: Path | str | None = None,
        sheet: str | None = None,
        row: int | str | None = None,
        hint: Hint | None = None,
    ):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.sheet = sheet
        self.row = row
        self.hint = hint
        super().__init__(self.for_cli())

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled whole (a parse in a child process raises it in the parent, gapcheck.isolate):
        the default would rebuild it from its message alone and lose path, sheet, row, hint."""
        return (_rebuilt, (type(self), self.args, dict(self.__dict__)))

    def for_cli(self) -> str:
        """The message with its hint as the command line's flag."""
        return self.message + (self.hint.info.cli if self.hint else "")

    def for_web(self) -> str:
        """The message with its hint as the web page's form field (never a flag)."""
        return self.message + (self.hint.info.web if self.hint else "")


def _rebuilt(cls: type[GapcheckError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class CatalogError(GapcheckError, ValueError):
    """The guideline catalog (bundled or a user's folder) is inconsistent.

    >>> str(CatalogError("キーが重複しています。", path=Path("2025-03/clauses.yaml"), line=12))
    '2025-03/clauses.yaml:12: キーが重複しています。'
    """

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        *,
        hint: Hint | None = None,
    ):
        self.line = line
        super().__init__(message, path=path, row=line, hint=hint)

    def _where(self) -> str:
        if self.path is None:
            return ""
        return (str(self.path) if self.line is None else f"{self.path}:{self.line}") + ": "

    def for_cli(self) -> str:
        return self._where() + super().for_cli()

    def for_web(self) -> str:
        return self._where() + super().for_web()


class UnknownVersionError(GapcheckError, LookupError):
    """An edition id that the catalog does not hold."""

    def __init__(self, version: str, known: list[str]):
        self.version = version
        self.known = known
        super().__init__(
            f"版 '{version}' はカタログにありません。利用できる版: {', '.join(known)}"
            "（`gapcheck versions` で一覧を表示できます）"
        )


class GuidelineParseError(GapcheckError, ValueError):
    """A guideline document (PDF, Word, text) could not be turned into clauses."""


class GuidelineImportError(GapcheckError, ValueError):
    """An edition cannot be imported as asked (its id, date, base edition, review file, or
    an edition already in the catalog)."""


class PolicyFormatError(GapcheckError, ValueError):
    """A municipality's policy file cannot be read as a policy."""


class RequestError(GapcheckError, ValueError):
    """What was asked cannot be done with the catalog as it is: a comparison the wrong way
    round, a section with no clauses, a whole policy from an edition held in outline only."""


class InputFileError(GapcheckError, OSError):
    """An input file that is no regular file, is too large, or cannot be read."""


class ServerError(GapcheckError, OSError):
    """The local web page cannot be started (the port is taken or refused)."""


class ArchiveError(GapcheckError, ValueError):
    """A survey archive (SQLite) cannot be opened or is of another layout."""


class MasterError(GapcheckError, ValueError):
    """The survey master CSV cannot be used."""


class UploadError(GapcheckError):
    """An upload refused before any policy is read; ``status`` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class JobError(GapcheckError):
    """A survey run by the web page in its own process ended without a result."""


class WarekiError(ValueError):
    """Text that is not a 和暦 date, or names a date that never existed (caught by the readers:
    an internal error, never shown as such)."""


class OutputError(GapcheckError, OSError):
    """An output folder or file cannot be written (permissions, full disk, a file in the way)."""


def quote(text: object, limit: int = 80) -> str:
    """``text`` for an error line: at most ``limit`` characters, cut with ``…``, on one line.

    >>> quote("あ" * 100)[-3:]
    'ああ…'
    >>> len(quote("x" * 10_000))
    81
    """
    s = " ".join(str(text).split())
    return s if len(s) <= limit else s[:limit] + "…"


__all__ = [
    "HINTS",
    "ArchiveError",
    "CatalogError",
    "GapcheckError",
    "GuidelineImportError",
    "GuidelineParseError",
    "Hint",
    "HintInfo",
    "InputFileError",
    "JobError",
    "MasterError",
    "OutputError",
    "PolicyFormatError",
    "RequestError",
    "ServerError",
    "UnknownVersionError",
    "UploadError",
    "WarekiError",
    "quote",
]
