"""What the generator returns: the policy's provisions with their answers, and the document.

:class:`SamplePolicy` holds the :class:`SampleRow` provisions (each with the catalog keys it
implements) and either the :class:`SampleSheet` workbook or the 例規 text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["SamplePolicy", "SampleRow", "SampleSheet"]


@dataclass(frozen=True)
class SampleRow:
    """One provision of the generated policy, with its answer.

    ``sheet``/``row`` follow :class:`gapcheck.readers.policy.PolicyRow`: the sheet name and 1-based
    Excel row, or ``""`` and an article reference such as ``第23条の2第1項`` for 例規 text
    (always with 第k項; 号 as 第k項第m号). ``number`` and ``heading`` are as displayed.
    ``truth`` holds the catalog keys the row implements: two for a merged pair, the same
    key on both halves of a split clause, ``()`` for a local provision.
    """

    sheet: str
    row: int | str
    number: str
    heading: str
    text: str
    truth: tuple[str, ...]

    @property
    def is_local(self) -> bool:
        return not self.truth


@dataclass(frozen=True)
class SampleSheet:
    """One worksheet as it will be written: ``cells[0]`` is Excel row 1, ``""`` an empty cell."""

    name: str
    cells: tuple[tuple[str, ...], ...]
    merged: tuple[str, ...]  # ranges such as "A5:E5" (chapter rows)
    header_row: int


@dataclass(frozen=True)
class SamplePolicy:
    """A generated policy: its provisions with the truth, and the document to write.

    ``rows`` lists provisions only (chapter, section, title, header and blank rows are
    left out, as a reader would skip them). ``sheets`` is the workbook of a spreadsheet
    sample; ``text`` the 例規 text of a reiki sample. ``dropped`` are the edition's keys
    the body left out.
    """

    version: str
    style: str
    tier: str
    body: str
    rows: tuple[SampleRow, ...]
    title: str
    dropped: tuple[str, ...] = ()
    sheets: tuple[SampleSheet, ...] = ()
    text: str = ""

    def truth(self) -> dict[str, Any]:
        """The answer key as JSON-ready data (the ``*.truth.json`` contract)."""
        return {
            "version": self.version,
            "tier": self.tier,
            "style": self.style,
            "body": self.body,
            "title": self.title,
            "rows": [{"sheet": r.sheet, "row": r.row, "clauses": list(r.truth)} for r in self.rows],
            "dropped": list(self.dropped),
        }
