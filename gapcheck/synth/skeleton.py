"""The document skeleton: the kept clauses grouped into chapters, sections, articles and units.

Chapters and sections follow the guideline's sections; an article is one guideline item (or
one 基本方針 section), its units the 項, with 号 under a lead-in such as 「次に掲げる事項」.
The body's edits (:mod:`gapcheck.synth.transform`) work on this tree, and the renderers lay
it out.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from gapcheck.catalog.model import Clause, Part
from gapcheck.text.numbering import ClauseNumber


@dataclass
class Unit:
    """A paragraph (項) or an item (号), or a spreadsheet row."""

    text: str
    truth: tuple[str, ...]
    heading: str
    gnum: str  # guideline number of the first truth key ("" for local)
    items: list[Unit] = field(default_factory=list)
    continuation: bool = False  # second half of a split clause
    split: bool = False  # either half of a split clause
    note: str = ""  # 備考


@dataclass
class Article:
    heading: str
    units: list[Unit]
    gnum: str
    branch: bool = False  # 枝番 (第23条の2): added after enactment
    amendment: str = ""  # 「(令3訓令2・一部改正)」


@dataclass
class _Section:
    number: int  # the guideline's subsection (5.1 → 1); 0 when the chapter has none
    title: str
    articles: list[Article]


@dataclass
class Chapter:
    part: Part
    number: int  # the guideline's section (0 for the 基本方針 chapter)
    title: str
    sections: list[_Section]


def _group_key(clause: Clause) -> tuple[Part, int, int, int]:
    n = ClauseNumber.parse(clause.number)
    if clause.part is Part.BASIC:
        return (clause.part, n.section, 0, 0)
    return (clause.part, n.section, n.sub, n.item)


def _is_head(clause: Clause) -> bool:
    n = ClauseNumber.parse(clause.number)
    return n.item == 0 if clause.part is Part.BASIC else n.subitem == 0


def _article_heading(clauses: list[Clause]) -> str:
    """The 見出し of an article: the heading at the article's level (item, or 基本方針 item)."""
    first = clauses[0]
    if not first.headings:
        return ""
    _part, _section, sub, _item = _group_key(first)
    level = 0 if first.part is Part.BASIC else (2 if sub else 1)
    return first.headings[min(level, len(first.headings) - 1)]


def build_skeleton(kept: list[Clause], rng: random.Random) -> list[Chapter]:
    chapters: list[Chapter] = []
    groups: dict[tuple[Part, int, int, int], list[Clause]] = {}
    for clause in kept:
        groups.setdefault(_group_key(clause), []).append(clause)
    for (part, section, sub, _item), clauses in groups.items():
        if (
            not chapters
            or chapters[-1].part is not part
            or chapters[-1].number != (section if part is Part.STANDARDS else 0)
        ):
            title = clauses[0].headings[0] if part is Part.STANDARDS else "基本方針"
            chapters.append(Chapter(part, section if part is Part.STANDARDS else 0, title, []))
        chapter = chapters[-1]
        if not chapter.sections or chapter.sections[-1].number != sub:
            title = clauses[0].headings[1] if sub and len(clauses[0].headings) > 1 else ""
            chapter.sections.append(_Section(sub, title, []))
        chapter.sections[-1].articles.append(_article(clauses, rng))
    return chapters


def _unit(clause: Clause) -> Unit:
    return Unit(clause.text, (clause.key,), clause.heading, clause.number)


def _article(clauses: list[Clause], rng: random.Random) -> Article:
    head = clauses[0] if _is_head(clauses[0]) else None
    rest = clauses[1:] if head else clauses
    if head is not None and rest and ("次" in head.text or rng.random() < 0.2):
        # a lead-in such as 「次に掲げる事項」 takes the children as 号
        lead = _unit(head)
        lead.items = [_unit(c) for c in rest]
        units = [lead]
    else:
        units = [_unit(c) for c in clauses]
    return Article(_article_heading(clauses), units, clauses[0].number)


def walk_articles(chapters: list[Chapter]) -> Iterable[Article]:
    for chapter in chapters:
        for section in chapter.sections:
            yield from section.articles


def sibling_lists(chapters: list[Chapter]) -> Iterable[list[Unit]]:
    """Every list of units that sit side by side (an article's 項, a 項's 号)."""
    for article in walk_articles(chapters):
        yield article.units
        for unit in article.units:
            if unit.items:
                yield unit.items


__all__ = [
    "Article",
    "Chapter",
    "Unit",
    "build_skeleton",
    "sibling_lists",
    "walk_articles",
]
