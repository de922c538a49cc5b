"""What 例規 text says about its provisions, for the readers and the audit: the part a
title or chapter names (:func:`document_part`), the term a definition defines
(:func:`definition_term`), and references made unique across parts (:func:`unique_refs`)."""

from __future__ import annotations

import functools
import re
from dataclasses import replace

from gapcheck.readers.policy import PolicyRow
from gapcheck.readers.reiki_lines import is_title

__all__ = ["defined_term", "definition_term", "document_part", "looks_defined", "unique_refs"]

_TERM_SPLIT = re.compile(
    r"^[「『]?([^\s　。、,:：「」『』（）()]{1,24}?(?:[（(][^（）()]{1,30}[）)])?)[」』]?"
    r"(?:[\s　]+|[:：]|とは、?)(.+)$"
)
# several terms defined in one provision, only in the explicit 「…とは」 form
_TERMS_SPLIT = re.compile(
    r"^([^\s　。,:：「」『』（）()]{2,16}?(?:、[^\s　。,:：「」『』（）()]{2,16}?)+)とは、?(.+)$"
)


def document_part(*names: str) -> str:
    """基本方針 or 対策基準 when a title or chapter heading says which, else ``""``.

    >>> document_part("第2章　情報セキュリティ対策基準")
    '対策基準'
    """
    for name in names:
        basic, standards = "基本方針" in name, "対策基準" in name or "実施基準" in name
        if basic != standards:
            return "基本方針" if basic else "対策基準"
    return ""


def unique_refs(rows: list[PolicyRow], title: str) -> list[PolicyRow]:
    """Every row a locator a person can find (issue #21): where a document holds two parts
    or instruments numbered alike (基本方針 2(3) and 対策基準 2(3)), each reference starts
    with its part — or its chapter where the parts do not tell."""

    def unique(candidate: list[PolicyRow]) -> bool:
        return len({str(r.row) for r in candidate}) == len(candidate)

    if unique(rows):
        return rows

    def prefixed(r: PolicyRow, label: str) -> PolicyRow:
        ref = f"{label} {r.row}" if label else str(r.row)
        return replace(r, row=ref, number=ref)

    parts = [prefixed(r, document_part(*r.context, title)) for r in rows]
    if unique(parts):
        return parts
    return [prefixed(r, r.context[0].split()[0] if r.context else "") for r in rows]


@functools.lru_cache(maxsize=1 << 14)  # a survey meets the same definitions in many bodies
def definition_term(text: str, heading: str = "") -> str:
    """The term a provision defines, when it reads as a definition (「機密性　…をいう。」, or
    a heading 「機密性」 over 「…をいう。」); ``""`` otherwise."""
    if looks_defined(text):
        return defined_term(text, "")
    if not re.search(r"をいう[。）)]?$", text.strip()):
        return ""
    if m := _TERMS_SPLIT.match(text):
        return m.group(1)  # several terms defined at once: 「機密性、完全性及び可用性とは」
    if heading and is_title(heading):
        return heading
    return ""


def looks_defined(text: str) -> bool:
    """「情報システム　…をいう。」: a definition even where the article line was lost."""
    return bool(
        re.search(r"(?:をいう|を指す|のことをいう|のこと)[。）)]?$", text.strip())
    ) and bool(_TERM_SPLIT.match(text))


def defined_term(text: str, title: str) -> str:
    if title:
        return title
    m = _TERM_SPLIT.match(text)
    return m.group(1) if m else ""
