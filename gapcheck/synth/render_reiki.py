"""The skeleton laid out as 例規 text: a 訓令 with its enactment and amendments, chapters,
条・項・号, amendment notes and 附則.
"""

from __future__ import annotations

import random

from gapcheck.catalog.model import Edition, Part
from gapcheck.synth.habits import Habits, localize, to_full
from gapcheck.synth.result import SampleRow
from gapcheck.synth.skeleton import Article, Chapter, Unit
from gapcheck.synth.transform import CLOSING


def _era(year: int) -> tuple[str, str, int]:
    """(era, abbreviation, year in era) for a date in late March of ``year``."""
    return ("令和", "令", year - 2018) if year >= 2020 else ("平成", "平", year - 1988)


def _kanji_date(year: int, month: int, day: int) -> str:
    era, _abbr, y = _era(year)
    return f"{era}{'元' if y == 1 else y}年{month}月{day}日"


def _zen(n: int) -> str:
    return to_full(str(n))


def render_reiki(
    chapters: list[Chapter],
    habits: Habits,
    body: str,
    title: str,
    edition: Edition,
    rng: random.Random,
) -> tuple[str, list[SampleRow]]:
    def loc(text: str) -> str:
        return localize(text, body, habits, reiki=True)

    edition_year = int(edition.id[:4])
    enacted = rng.randint(2003, min(2007, edition_year - 1))
    years = sorted(
        rng.sample(range(enacted + 2, edition_year + 1), min(3, edition_year - enacted - 1))
    )
    amendments = [(y, rng.choice((25, 28, 30, 31)), rng.randint(1, 15)) for y in years]
    amendments.append((edition_year + 1, 31, rng.randint(1, 15)))  # the catch-up to this edition
    enact_no = rng.randint(1, 20)

    def note(entries: list[tuple[int, int, int]], what: str) -> str:
        return (
            "("
            + "・".join(f"{_era(y)[1]}{_era(y)[2]}訓令{n}" for y, _d, n in entries)
            + f"・{what})"
        )

    # the closing 委任 article every 訓令 ends with, a provision of the body's own
    last = chapters[-1].sections[-1]
    last.articles.append(Article(CLOSING[0], [Unit(CLOSING[1], (), CLOSING[0], "")], ""))

    body_lines: list[str] = []
    rows: list[SampleRow] = []
    toc: list[str] = []
    article_no = 0
    branch_no = 1
    for chapter_no, chapter in enumerate(chapters, start=1):
        ch_title = "総則" if chapter.part is Part.BASIC else loc(chapter.title)
        body_lines += ["", f"第{chapter_no}章　{ch_title}"]
        first = article_no + 1
        for section_no, section in enumerate(chapter.sections, start=1):
            if section.title:
                body_lines += [f"第{section_no}節　{loc(section.title)}"]
            for article in section.articles:
                branch = article.branch and article_no > 0
                if branch:
                    branch_no += 1
                    ref = f"第{article_no}条の{branch_no}"
                else:
                    article_no += 1
                    branch_no = 1
                    ref = f"第{article_no}条"
                body_lines += [f"（{loc(article.heading)}）"]
                for k, unit in enumerate(article.units, start=1):
                    label = ref if k == 1 else _zen(k)
                    body_lines.append(f"{label}　{loc(unit.text)}")
                    rows.append(
                        SampleRow(
                            "",
                            f"{ref}第{k}項",
                            label,
                            loc(article.heading),
                            loc(unit.text),
                            unit.truth,
                        )
                    )
                    for m, item in enumerate(unit.items, start=1):
                        body_lines.append(f"({m})　{loc(item.text)}")
                        rows.append(
                            SampleRow(
                                "",
                                f"{ref}第{k}項第{m}号",
                                f"({m})",
                                loc(article.heading),
                                loc(item.text),
                                item.truth,
                            )
                        )
                if branch:
                    body_lines.append(note(amendments[-1:], "追加"))
                elif rng.random() < 0.15:
                    picked = sorted(rng.sample(amendments, rng.randint(1, min(2, len(amendments)))))
                    body_lines.append(note(picked, "一部改正"))
        toc.append(f"第{chapter_no}章　{ch_title}(第{first}条―第{article_no}条)")

    head = [title, "", _kanji_date(enacted, 3, 31), f"訓令第{enact_no}号", ""]
    head.append(
        "改正　" + "\n　　　".join(f"{_kanji_date(y, 3, d)}訓令第{n}号" for y, d, n in amendments)
    )
    if habits.toc:
        head += ["", "目次", *toc, "附則"]
    tail = ["", "附　則", f"この訓令は、{_kanji_date(enacted, 4, 1)}から施行する。"]
    for y, d, n in amendments:
        tail += [
            f"附　則（{_kanji_date(y, 3, d)}訓令第{n}号）",
            f"この訓令は、{_kanji_date(y, 4, 1)}から施行する。",
        ]
    text = "\n".join([*head, *body_lines, *tail]).replace("、", habits.comma) + "\n"
    return text, rows


__all__ = [
    "render_reiki",
]
