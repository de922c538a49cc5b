"""The skeleton laid out as a workbook: title rows, a header, chapter rows and one row per
provision, numbered the body's way (第N条第k項, 2―4―1 or the 例文's 5.1.(1)).
"""

from __future__ import annotations

import random
import re

from gapcheck.catalog.model import Part
from gapcheck.synth.habits import Habits, localize, to_full
from gapcheck.synth.result import SampleRow, SampleSheet
from gapcheck.synth.skeleton import Chapter, Unit, walk_articles

_DASH = "\u2015"  # ― as in 2―4―1


def column_letter(i: int) -> str:
    return chr(ord("A") + i)


def render_sheets(
    chapters: list[Chapter],
    habits: Habits,
    body: str,
    title: str,
    place: str,
    rng: random.Random,
) -> tuple[list[SampleSheet], list[SampleRow]]:
    if habits.two_sheets:
        parts = [
            (
                "基本方針",
                [c for c in chapters if c.part is Part.BASIC],
                f"{place}情報セキュリティ基本方針",
            ),
            ("対策基準", [c for c in chapters if c.part is Part.STANDARDS], title),
        ]
        parts = [p for p in parts if p[1]]
    else:
        parts = [(rng.choice(("対策基準", "ポリシー", "一覧")), chapters, title)]
    sheets: list[SampleSheet] = []
    rows: list[SampleRow] = []
    for name, part_chapters, sheet_title in parts:
        sheet, sheet_rows = _render_sheet(name, part_chapters, habits, body, sheet_title, rng)
        sheets.append(sheet)
        rows.extend(sheet_rows)
    return sheets, rows


def _render_sheet(
    name: str,
    chapters: list[Chapter],
    habits: Habits,
    body: str,
    title: str,
    rng: random.Random,
) -> tuple[SampleSheet, list[SampleRow]]:
    number_h, heading_h, text_h, note_h = habits.header
    header = (
        [number_h, heading_h, text_h]
        + (["ガイドライン項番"] if habits.ref_column else [])
        + [note_h]
    )
    width = len(header)
    cells: list[list[str]] = []
    merged: list[str] = []
    rows: list[SampleRow] = []

    def loc(text: str) -> str:
        return localize(text, body, habits, reiki=False)

    def add(*values: str) -> int:
        cells.append(list(values) + [""] * (width - len(values)))
        return len(cells)

    add(f"{title}　新旧対照用一覧")
    if habits.title_rows >= 2:
        add(f"令和{rng.randint(3, 7)}年4月1日現在")
    if habits.title_rows >= 3:
        add("（所管：総務課情報政策係）")
    header_row = add(*header)

    all_gnums = [u.gnum for a in walk_articles(chapters) for u in a.units if u.gnum]
    article_no = 0
    previous = ""
    standards_no = 0
    for chapter_no, chapter in enumerate(chapters, start=1):
        if chapter.part is Part.STANDARDS:
            standards_no += 1
        if habits.spacers and chapter_no > 1:
            add()
        if habits.numbering == "guideline":
            label = (
                "基本方針"
                if chapter.part is Part.BASIC
                else f"{_num(str(standards_no), habits)}. {chapter.title}"
            )
            shown = standards_no
        else:
            label = f"第{chapter_no}章 {chapter.title}"
            shown = chapter_no
        r = add(loc(label))
        merged.append(f"A{r}:{column_letter(width - 1)}{r}")
        in_chapter = 0
        for section in chapter.sections:
            if section.title:
                number = {
                    "article": f"第{section.number}節",
                    "hyphen": f"{shown}{_DASH}{section.number}",
                    "guideline": _num(f"{shown}.{section.number}", habits),
                }[habits.numbering]
                add(number, loc(section.title))
            in_section = 0
            base = ""  # the last article's number without 枝番
            branch_no = 1
            for article in section.articles:
                if article.branch and base:
                    branch_no += 1
                    number_base = f"{base}の{branch_no}"
                else:
                    article_no += 1
                    in_chapter += 1
                    in_section += 1
                    branch_no = 1
                    if habits.numbering == "article":
                        base = f"第{article_no}条"
                    elif section.number:
                        base = _DASH.join(map(str, (shown, section.number, in_section)))
                    else:
                        base = _DASH.join(map(str, (shown, in_chapter)))
                    number_base = base
                single = len(article.units) == 1 and not article.units[0].items
                for k, unit in enumerate(article.units, start=1):
                    for m, part in [(None, unit), *enumerate(unit.items, start=1)]:
                        if habits.numbering == "guideline":
                            number = _guideline_number(habits, part, shown, chapter, previous)
                        else:
                            number = _own_number(habits, number_base, k, m, single)
                        previous = number or previous
                        heading, text = loc(part.heading), loc(part.text)
                        r = add(number, heading, text, *_extra(habits, part, all_gnums, rng))
                        rows.append(SampleRow(name, r, number, heading, text, part.truth))
    sheet = SampleSheet(
        name=name,
        cells=tuple(tuple(row) for row in cells),
        merged=tuple(merged),
        header_row=header_row,
    )
    return sheet, rows


def _num(text: str, habits: Habits) -> str:
    return to_full(text).replace(".", "．") if habits.width == "full" else text


def _guideline_number(
    habits: Habits, unit: Unit, shown: int, chapter: Chapter, previous: str
) -> str:
    """The 例文 number kept (5.1.(1)), its chapter renumbered to the body's order."""
    if unit.continuation:
        return ""
    if not unit.gnum:  # a provision of the body's own goes after its neighbour: 5.1.(3)の2
        return f"{previous}の2" if previous else ""
    number = unit.gnum
    if chapter.part is Part.STANDARDS:
        number = re.sub(r"^\d+", str(shown), number)
    return _num(number, habits)


def _own_number(habits: Habits, base: str, k: int, m: int | None, single: bool) -> str:
    """第12条第2項第3号, or 3―2―1―2(3) in hyphen numbering."""
    if habits.numbering == "article":
        out = base if single and m is None else f"{base}第{k}項"
        return out + (f"第{m}号" if m is not None else "")
    out = base if single and m is None else f"{base}{_DASH}{k}"
    return out + (f"({m})" if m is not None else "")


def _extra(habits: Habits, unit: Unit, gnums: list[str], rng: random.Random) -> list[str]:
    """The optional ガイドライン項番 cell (mostly right, some blank or wrong) and 備考."""
    out = []
    if habits.ref_column:
        ref = unit.gnum
        roll = rng.random()
        if ref and roll < 0.08:
            ref = ""
        elif ref and roll < 0.12:
            ref = rng.choice(gnums)
        out.append(_num(ref, habits) if ref else "")
    note = unit.note
    if not unit.truth and rng.random() < 0.3:
        note = "独自規定"
    out.append(note)
    return out


__all__ = [
    "column_letter",
    "render_sheets",
]
