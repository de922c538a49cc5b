"""A municipality's own policy, as read from a spreadsheet or from 例規 text.

Readers keep where every provision came from (sheet and row, or article), so reports can
point the officer back to it. This module holds the model; the readers live beside it,
entered through :func:`gapcheck.readers.formats.read_policy`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyRow:
    """One provision of the body's policy.

    ``sheet``/``row``: the spreadsheet sheet name and 1-based row number as Excel shows it;
    for 例規 text ``sheet`` is ``""`` and ``row`` the article reference such as
    ``第23条の2第1項第3号``. ``number`` and ``heading`` are the body's own, as displayed;
    ``ref`` an explicit guideline reference from the file (``6.4.(1)``), if any;
    ``context`` the enclosing chapter/section headings (and, for the guideline's own numbering,
    the parent items' headings); ``term`` the term a definition defines.
    """

    sheet: str
    row: int | str
    number: str
    heading: str
    text: str
    ref: str = ""
    context: tuple[str, ...] = ()
    note: str = ""
    term: str = ""  # for a definition, the term it defines (「機密性」)

    @property
    def where(self) -> str:
        """Human reference: ``本文!12行`` or ``第23条の2第1項``."""
        if self.sheet:
            return f"{self.sheet}!{self.row}行"
        return str(self.row)


@dataclass(frozen=True)
class Policy:
    """A policy document: its rows in document order and where it came from."""

    path: str
    sha256: str
    kind: str  # "spreadsheet" or "reiki"
    rows: tuple[PolicyRow, ...]
    sheet: str = ""  # the sheet read, for spreadsheets
    title: str = ""  # e.g. 「本町情報セキュリティ対策基準」 when the file shows one
    enacted: str = ""  # 制定 date found above the text (YYYY-MM-DD), if any
    revised: tuple[str, ...] = ()  # dates of amendments (附則, 改正 notes, 改正履歴), sorted
    toc: tuple[
        str, ...
    ] = ()  # 目次 entries (章・節 titles), also when the excerpt has no provision
    # what the reader found damaged in a 例規 text (a lost article line, numbers without
    # 「第」「条」), in Japanese, each naming the place and asking to check the 例規集 page
    warnings: tuple[str, ...] = ()


__all__ = [
    "Policy",
    "PolicyRow",
]
