"""The exceptions gapcheck raises when it cannot continue.

Findings (a missing clause, an unmatched row) are data, not exceptions; these are for
"this input cannot be used". Every message is Japanese, names the file/line/edition at
fault and says how to fix it. Only the CLI prints them (as ``Error: …``).
"""

from __future__ import annotations

from pathlib import Path


class GapcheckError(Exception):
    """Base class: a problem the user can fix. ``str(exc)`` is the full message."""


class CatalogError(GapcheckError, ValueError):
    """The guideline catalog (bundled or a user's folder) is inconsistent.

    >>> str(CatalogError("キーが重複しています。", path=Path("2025-03/clauses.yaml"), line=12))
    '2025-03/clauses.yaml:12: キーが重複しています。'
    """

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(self._render())

    def _render(self) -> str:
        if self.path is None:
            return self.message
        where = str(self.path) if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


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


class PolicyFormatError(GapcheckError, ValueError):
    """A municipality's policy file cannot be read as a policy."""


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
