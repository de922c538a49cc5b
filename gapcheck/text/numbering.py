"""Clause numbers as printed in the guideline's 例文 (第2編).

Levels: section ``6`` → subsection ``6.4`` → item ``(1)`` → sub-item ``①``. The catalog
writes the full path, e.g. ``6.4.(1)①``; 基本方針 items have no subsection (``2.(3)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ①..⑳ are U+2460..U+2473, ㉑..㉟ U+3251..U+325F, ㊱..㊿ U+32B1..U+32BF (long lists run
# past ⑳: docs/domain.md §3).
_CIRCLED = (
    [chr(c) for c in range(0x2460, 0x2474)]
    + [chr(c) for c in range(0x3251, 0x3260)]
    + [chr(c) for c in range(0x32B1, 0x32C0)]
)
CIRCLED_VALUE = {ch: i + 1 for i, ch in enumerate(_CIRCLED)}

# \Z, not $: $ also matches before a trailing newline (「1\n」 is no catalog number)
_NUMBER_RE = re.compile(
    r"^(?P<section>[1-9][0-9]*)"
    r"(?:\.(?P<sub>[1-9][0-9]*))?"
    r"(?:\.\((?P<item>[1-9][0-9]*)\)(?P<subitem>[" + "".join(_CIRCLED) + r"])?)?\Z"
)


def circled(n: int) -> str:
    """The circled numeral for ``n`` (1..50).

    >>> circled(21)
    '㉑'
    """
    if not 1 <= n <= len(_CIRCLED):
        raise ValueError(f"no circled numeral for {n}")
    return _CIRCLED[n - 1]


@dataclass(frozen=True, order=True)
class ClauseNumber:
    """A parsed catalog number; orders as the document does.

    >>> ClauseNumber.parse("6.4.(1)①")
    ClauseNumber(section=6, sub=4, item=1, subitem=1)
    >>> str(ClauseNumber.parse("2.(3)"))
    '2.(3)'
    """

    section: int
    sub: int = 0
    item: int = 0
    subitem: int = 0

    @classmethod
    def parse(cls, text: str) -> ClauseNumber:
        m = _NUMBER_RE.match(text)
        if not m:
            raise ValueError(text)
        return cls(
            section=int(m["section"]),
            sub=int(m["sub"] or 0),
            item=int(m["item"] or 0),
            subitem=CIRCLED_VALUE[m["subitem"]] if m["subitem"] else 0,
        )

    @property
    def section_path(self) -> str:
        """``6.4`` for ``6.4.(1)①``, ``2`` for ``2.(3)``."""
        return f"{self.section}.{self.sub}" if self.sub else str(self.section)

    def __str__(self) -> str:
        out = self.section_path
        if self.item:
            out += f".({self.item})"
            if self.subitem:
                out += circled(self.subitem)
        return out


def is_valid(text: str) -> bool:
    """Whether ``text`` is a well-formed catalog number."""
    return bool(_NUMBER_RE.match(text))


__all__ = [
    "CIRCLED_VALUE",
    "ClauseNumber",
    "circled",
    "is_valid",
]
