"""The edition diff as an Excel workbook and an HTML page (issue #4).

Three parts, the same in both: 改定のポイント (one A4 page for executives: the substantive
changes in at most ten plain lines — what, why, who is affected — the counts and how much is
merely editorial), 新旧対照表 (改定後 | 改定前 | 備考, changed passages underlined in the new
text and struck through in the old, docs/domain.md §3) and 項番対応表 (old number → new number for
every clause of the old edition). The content is computed once (:func:`diff_pages`) and
rendered twice, like the audit's :mod:`gapcheck.render.report_xlsx` / :mod:`gapcheck.render.report_html`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from gapcheck import __version__
from gapcheck.catalog.model import Catalog, Clause, Level, Part
from gapcheck.diff import UNRECORDED, ClauseChange, DiffKind, EditionDiff, Span
from gapcheck.io import write_atomic
from gapcheck.render.html import bar_chart, render_html
from gapcheck.render.xlsx import (
    FONT_NAME,
    TITLE_FONT,
    a4,
    fit_height,
    put,
    save,
    table,
    underline_changes,
)

MAX_POINTS = 10  # 改定のポイント: at most ten lines, so it stays one page (issue #4)
REMOVED_TEXT = "（削除）"
ADDED_TEXT = "（新設）"
UNCHANGED = "変更なし"

# Plain words for each kind, for readers who have never seen a 新旧対照表.
KIND_MEANING = {
    DiffKind.ADDED: "新しく加わった決まりです。",
    DiffKind.REMOVED: "なくなった決まりです。",
    DiffKind.MODIFIED: "内容が変わった決まりです。",
    DiffKind.RENUMBERED: "番号だけが変わりました（内容は同じ）。",
    DiffKind.MOVED: "別の節に移りました（内容は同じ）。",
    DiffKind.SPLIT: "一つの決まりが複数に分かれました。",
    DiffKind.MERGED: "複数の決まりが一つにまとまりました。",
    DiffKind.EDITORIAL: "句読点や表記だけの修正です（内容は同じ）。",
}
KIND_COLOURS = {
    DiffKind.ADDED: "#c00000",
    DiffKind.REMOVED: "#7f7f7f",
    DiffKind.MODIFIED: "#f4b084",
    DiffKind.RENUMBERED: "#bdd7ee",
    DiffKind.MOVED: "#9dc3e6",
    DiffKind.SPLIT: "#ffc000",
    DiffKind.MERGED: "#ffd966",
    DiffKind.EDITORIAL: "#d9d9d9",
}

# Who a change in a section concerns. Matched on the section's title, not its number: the
# numbers shifted when 2018-09 inserted section 4 (強靭性の向上), the titles did not.
AFFECTED: tuple[tuple[str, str], ...] = (
    ("対象範囲", "情報セキュリティ担当課（用語の定義）"),
    ("組織体制", "CISO・各課の情報セキュリティ責任者"),
    ("情報資産", "情報を扱う全課"),
    ("強靭性", "情報システム担当課"),
    ("物理的", "情報システム担当課・庁舎管理の担当課"),
    ("人的", "全職員"),
    ("技術的", "情報システム担当課"),
    ("運用", "情報システム担当課・情報セキュリティ担当課"),
    ("委託", "委託・クラウドを使う全課"),
    ("外部サービス", "委託・クラウドを使う全課"),
    ("評価", "監査の担当・情報セキュリティ委員会"),
)
BASIC_AFFECTED = "幹部・情報セキュリティ委員会（方針の決定）"
DEFAULT_AFFECTED = "情報セキュリティ担当課"


def affected(part: Part, section_heading: str) -> str:
    """Who a change in this section concerns, in plain words.

    >>> affected(Part.STANDARDS, "人的セキュリティ")
    '全職員'
    """
    if part is Part.BASIC:
        return BASIC_AFFECTED
    for word, people in AFFECTED:
        if word in section_heading:
            return people
    return DEFAULT_AFFECTED


# --- the content, computed once ----------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One line of 改定のポイント: a section's substantive changes in plain words."""

    section: str  # "対策基準 4 情報システム全体の強靭性の向上"
    what: str
    why: str
    who: str
    raised: bool  # a requirement got stronger (推奨→義務…)


@dataclass(frozen=True)
class CompareRow:
    """One row of the 新旧対照表."""

    change: ClauseChange
    number: str  # "対策基準\n4.4.(3)→5.4.(3)"
    new_spans: tuple[Span, ...]  # empty for a removed clause (shown as （削除）)
    old_spans: tuple[Span, ...]  # empty for an added clause (shown as （新設）)
    remarks: tuple[str, ...]
    raised: bool


@dataclass(frozen=True)
class MapRow:
    """One row of the 項番対応表: a clause of the old edition and what became of it."""

    part: str
    old_number: str
    new_number: str
    heading: str
    kind: str
    editions: str


@dataclass(frozen=True)
class DiffPages:
    """Everything the workbook and the HTML page show."""

    diff: EditionDiff
    title: str
    meta: str
    lead: str
    points: tuple[Point, ...]
    counts: tuple[tuple[DiffKind, int], ...]
    editorial: str
    rows: tuple[CompareRow, ...]
    mapping: tuple[MapRow, ...]


def diff_pages(diff: EditionDiff, catalog: Catalog) -> DiffPages:
    """The content of the three parts, ready to render."""
    old, new = diff.old, diff.new
    scope = f"（節 {diff.section}）" if diff.section else ""
    substantive = diff.substantive()
    raised = [c for c in substantive if c.level_raised]
    steps = len(catalog.between(old.id, new.id))
    if substantive:
        lead = (
            f"{old.label}から{new.label}までに{steps}回の改定があり、"
            f"内容が変わった決まりは{len(substantive)}件です。"
        )
        if raised:
            lead += f"うち{len(raised)}件は求められる強さが上がりました（推奨→義務など）。"
        if estimated := sum(1 for c in substantive if c.estimate):
            lead += (
                f"「（推定）」の{estimated}件は、改定の時期や置き場所を総務省の公表資料で"
                "確かめられず、本カタログが整理したものです。"
            )
    else:
        lead = f"{old.label}から{new.label}までに、内容の変わった決まりはありません。"
    renumbered = diff.counts[DiffKind.RENUMBERED.value]
    editorial_n = diff.counts[DiffKind.EDITORIAL.value]
    if renumbered or editorial_n:
        editorial = (
            f"このほか{renumbered}件は番号が変わっただけ、{editorial_n}件は句読点や表記の修正だけで、"
            "内容は変わっていません。"
        )
    else:
        editorial = "番号だけの変更や、表記だけの修正はありません。"
    if diff.unrecorded:
        editorial += UNRECORDED.format(old=old.label, n=diff.unrecorded)
    return DiffPages(
        diff=diff,
        title=f"{old.label} → {new.label} の改定のポイント{scope}",
        meta=(
            f"比較: {old.label}（{old.id}）→ {new.label}（{new.id}）{scope}　"
            f"作成日: {dt.date.today():%Y年%m月%d日}　gapcheck {__version__}"
        ),
        lead=lead,
        points=points(diff),
        counts=tuple((k, diff.counts[k.value]) for k in DiffKind),
        editorial=editorial,
        rows=tuple(_compare_row(c, catalog) for c in diff.changes),
        mapping=mapping(diff, catalog),
    )


def points(diff: EditionDiff, limit: int = MAX_POINTS) -> tuple[Point, ...]:
    """The substantive changes grouped by section, at most ``limit`` lines.

    The 基本方針 is one group (the committee decides it as a whole); each 対策基準 section is
    another. When there are more groups than lines, the smallest share the last line.
    """
    groups: dict[tuple[Part, str], list[ClauseChange]] = {}
    for c in diff.substantive():
        key = (c.part, "" if c.part is Part.BASIC else c.section_heading)
        groups.setdefault(key, []).append(c)
    keys = list(groups)
    if len(keys) > limit:
        keep = set(sorted(keys, key=lambda k: -len(groups[k]))[: limit - 1])
        rest = [c for k in keys if k not in keep for c in groups[k]]
        keys = [k for k in keys if k in keep]
        lines = [_point(_group_title(groups[k][0]), groups[k]) for k in keys]
        titles = "・".join(dict.fromkeys(_short_title(c) for c in rest))
        lines.append(_point(f"そのほか（{titles}）", rest))
        return tuple(lines)
    return tuple(_point(_group_title(groups[k][0]), groups[k]) for k in keys)


def _group_title(c: ClauseChange) -> str:
    if c.part is Part.BASIC:
        return Part.BASIC.value
    return f"{c.part.value} {c.section.split('.')[0]} {c.section_heading}"


def _short_title(c: ClauseChange) -> str:
    return Part.BASIC.value if c.part is Part.BASIC else c.section_heading


def _point(title: str, changes: Sequence[ClauseChange]) -> Point:
    by_kind = [f"{k.label}{n}" for k in DiffKind if (n := sum(1 for c in changes if c.kind is k))]
    lead = _pick(changes)
    examples = [lead.heading] + [c.heading for c in changes if c is not lead]
    examples = list(dict.fromkeys(h for h in examples if h))
    what = f"{len(changes)}件（{'・'.join(by_kind)}）。主なもの: {'、'.join(examples[:3])}"
    what += " など。" if len(examples) > 3 else "。"
    raised = [c for c in changes if c.level_raised]
    if raised:
        what += "推奨から義務などに強まったもの: " + "、".join(c.heading for c in raised[:3]) + "。"
    who = "・".join(
        dict.fromkeys(p for c in changes for p in affected(c.part, c.section_heading).split("・"))
    )
    return Point(title, what, _reasons(lead, changes), who, bool(raised))


WHY_LINES = 3  # reasons shown per section on the points page; the 新旧対照表 has every one


def _reasons(lead: ClauseChange, changes: Sequence[ClauseChange]) -> str:
    """Each change's own reason (the lead's first), one line per distinct reason: a section
    with 14 changes is not explained by the reason of one of them."""
    by_reason: dict[str, list[ClauseChange]] = {}
    for c in [lead, *(c for c in changes if c is not lead)]:
        by_reason.setdefault(reason(c.note) + c.mark, []).append(c)
    if len(by_reason) == 1:
        return next(iter(by_reason))
    lines = [f"{cs[0].heading}: {why}" for why, cs in list(by_reason.items())[:WHY_LINES]]
    if len(by_reason) > WHY_LINES:
        lines.append(f"ほか{len(by_reason) - WHY_LINES}件の理由は新旧対照表の備考にあります。")
    return "\n".join(lines)


def _pick(changes: Sequence[ClauseChange]) -> ClauseChange:
    """The change that stands for its section: a strengthened duty first, then a new or
    changed duty, then the first one."""

    def weight(c: ClauseChange) -> int:
        if c.level_raised:
            return 0
        if c.new_level is Level.DUTY and c.kind in (DiffKind.ADDED, DiffKind.MODIFIED):
            return 1
        return 2

    return min(changes, key=weight)


_WHEN = re.compile(r"^(?:令和|平成)[^、]{1,12}?の(?:改定|[^、]{0,12}見直し)で、")
_CAUSES = (
    ("ため、", "ためです。"),
    ("ことから、", "ためです。"),
    ("を受け、", "を受けたものです。"),
    ("を踏まえ、", "を踏まえたものです。"),
    ("に合わせ、", "に合わせたものです。"),
)
REASON_WIDTH = 70


def reason(note: str) -> str:
    """The cause in a catalog note as one short sentence.

    >>> reason("令和5年3月の改定で、被害が相次いだため、復旧手順が求められるようになりました。")
    '被害が相次いだためです。'
    """
    first = note.split(" / ")[0].strip()
    if not first:
        return "（理由の記載はありません）"
    first = _WHEN.sub("", first)
    hits = [(first.find(m), m, end) for m, end in _CAUSES if first.find(m) > 0]
    if hits:
        pos, marker, ending = min(hits)
        cause = first[:pos]
        if marker == "ことから、" and cause.endswith("こと"):
            cause = cause[:-2]
        if len(cause) <= REASON_WIDTH:
            return cause + ending
    sentence = first.split("。")[0]
    return sentence[: REASON_WIDTH - 1] + "…" if len(sentence) > REASON_WIDTH else sentence + "。"


def _short_level(level: Level) -> str:
    return level.label.split("（")[0]


def level_change(c: ClauseChange) -> str:
    """「推奨→義務（強化）」 when the obligation level changed, else ""."""
    if c.old_level is None or c.new_level is None or c.old_level == c.new_level:
        return ""
    how = "強化" if c.level_raised else "緩和"
    return f"{_short_level(c.old_level)}→{_short_level(c.new_level)}（{how}）"


# the government's convention for a 新旧対照表: changed passages underlined in both columns
LEGEND = "下線部が改定された部分です（改定後・改定前の両方に付けています）。"
ESTIMATE_REMARK = "（推定）総務省の公表資料で確かめられない、本カタログの整理です。"


def _labels(editions: Sequence[str], catalog: Catalog) -> str:
    return "、".join(catalog.edition(e).label for e in editions)


def _compare_row(c: ClauseChange, catalog: Catalog) -> CompareRow:
    remarks = [f"〔{c.kind.label}{c.mark}〕"]
    if c.old_number and c.new_number and c.old_number != c.new_number:
        remarks[0] += f" 項番 {c.old_number}→{c.new_number}"
    if level := level_change(c):
        remarks.append(f"★{level}" if c.level_raised else level)
    if c.note:
        remarks.append(c.note)
    if c.estimate:
        remarks.append(ESTIMATE_REMARK)
    if c.editions:
        remarks.append(f"改定: {_labels(c.editions, catalog)}")
    head = f"【{c.heading}】\n" if c.heading else ""
    new_spans = (Span(head, "equal"), *c.new_spans) if c.new_text is not None else ()
    old_spans = (Span(head, "equal"), *c.old_spans) if c.old_text is not None else ()
    return CompareRow(
        change=c,
        number=f"{c.part.value}\n{c.number}",
        new_spans=new_spans,
        old_spans=old_spans,
        remarks=tuple(remarks),
        raised=c.level_raised,
    )


def mapping(diff: EditionDiff, catalog: Catalog) -> tuple[MapRow, ...]:
    """Every clause of the old edition (of the section, with ``--section``) → its new number."""
    by_old: dict[str, ClauseChange] = {k: c for c in diff.changes for k in c.old_keys}
    clauses: Sequence[Clause] = (
        diff.old.in_section(diff.section) if diff.section else diff.old.clauses
    )
    rows = []
    for clause in clauses:
        change = by_old.get(clause.key)
        if change is None:
            after = diff.new.get(clause.key)
            new_number = after.number if after else clause.number
            rows.append(
                MapRow(clause.part.value, clause.number, new_number, clause.heading, UNCHANGED, "")
            )
            continue
        rows.append(
            MapRow(
                part=clause.part.value,
                old_number=clause.number,
                new_number=change.new_number or REMOVED_TEXT,
                heading=clause.heading,
                kind=change.kind.label + change.mark,
                editions=_labels(change.editions, catalog),
            )
        )
    return tuple(rows)


# --- Excel -------------------------------------------------------------------------------

BOLD = Font(name=FONT_NAME, size=11, bold=True)
LEAD_FONT = Font(name=FONT_NAME, size=13, bold=True)
RAISED_FILL = PatternFill("solid", fgColor="FFF2CC")
POINT_WIDTHS = [28, 54, 48, 30]


def write_diff_workbook(diff: EditionDiff, catalog: Catalog, path: str | Path) -> Path:
    """Write 改定のポイント, 新旧対照表 and 項番対応表 to ``path`` (atomically)."""
    pages = diff_pages(diff, catalog)
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    _points_sheet(wb, pages)
    _compare_sheet(wb, pages)
    _mapping_sheet(wb, pages)
    return save(wb, path)


def _points_sheet(wb: Workbook, p: DiffPages) -> None:
    ws = wb.create_sheet("改定のポイント")
    span = len(POINT_WIDTHS)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=span)
    put(ws, 1, 1, p.title, font=TITLE_FONT, border=False, wrap=False)
    ws.row_dimensions[1].height = 24
    put(ws, 2, 1, p.meta, border=False, wrap=False)
    ws.merge_cells(start_row=3, start_column=1, end_row=3, end_column=span)
    put(ws, 3, 1, p.lead, font=LEAD_FONT, border=False)
    fit_height(ws, 3, [p.lead], [sum(POINT_WIDTHS) * 0.8], line_height=18)

    put(ws, 5, 1, "主な改定（節ごと）", font=BOLD, border=False, wrap=False)
    rows = [[pt.section, pt.what, pt.why, pt.who] for pt in p.points]
    if not rows:
        rows = [["—", "内容の変わった決まりはありません。", "", ""]]
    headers = ["節", "何が変わったか", "なぜ", "だれに関係するか"]
    last = table(ws, 6, headers, rows, POINT_WIDTHS, filters=False, freeze=False)
    for r, pt in enumerate(p.points, 7):
        if pt.raised:
            ws.cell(row=r, column=2).fill = RAISED_FILL

    top = last + 2
    put(ws, top, 1, "改定の件数（種類ごと）", font=BOLD, border=False, wrap=False)
    count_rows = [[k.label, f"{n}件　{KIND_MEANING[k]}"] for k, n in p.counts]
    last = table(
        ws, top + 1, ["種類", "件数と意味"], count_rows, POINT_WIDTHS[:2], filters=False,
        freeze=False,
    )  # fmt: skip
    ws.merge_cells(start_row=last + 2, start_column=1, end_row=last + 2, end_column=span)
    put(ws, last + 2, 1, p.editorial, font=BOLD, border=False)
    note = "新旧対照表・項番対応表のシートに、すべての変更を載せています。"
    put(ws, last + 3, 1, note, border=False, wrap=False)
    ws.print_title_rows = None  # one page: nothing to repeat
    a4(ws, landscape=True, one_page=True)


def _compare_sheet(wb: Workbook, p: DiffPages) -> None:
    ws = wb.create_sheet("新旧対照表")
    d = p.diff
    title = f"新旧対照表（{d.old.label} → {d.new.label}）　{LEGEND}"
    put(ws, 1, 1, title, font=BOLD, border=False, wrap=False)
    headers = ["項番", f"改定後（{d.new.label}）", f"改定前（{d.old.label}）", "備考"]
    widths = [16, 50, 50, 34]
    rows: list[list[object]] = []
    for row in p.rows:
        new = (
            underline_changes([(s.text, s.op) for s in row.new_spans], "insert", "underline")
            if row.new_spans
            else REMOVED_TEXT
        )
        old = (
            underline_changes([(s.text, s.op) for s in row.old_spans], "delete", "underline")
            if row.old_spans
            else ADDED_TEXT
        )
        rows.append([row.number, new, old, "\n".join(row.remarks)])
    if not rows:
        rows = [["", "変更はありません。", "", ""]]
    table(ws, 2, headers, rows, widths)
    for r, row in enumerate(p.rows, 3):
        if row.raised:
            ws.cell(row=r, column=4).fill = RAISED_FILL
    a4(ws, landscape=True)


def _mapping_sheet(wb: Workbook, p: DiffPages) -> None:
    ws = wb.create_sheet("項番対応表")
    d = p.diff
    headers = ["編", f"改定前の項番（{d.old.label}）", f"改定後の項番（{d.new.label}）",
               "見出し", "種類", "改定した版"]  # fmt: skip
    rows = [[m.part, m.old_number, m.new_number, m.heading, m.kind, m.editions] for m in p.mapping]
    table(ws, 1, headers, rows, [10, 22, 22, 40, 10, 34])
    a4(ws, landscape=True)


# --- HTML --------------------------------------------------------------------------------


def render_diff_html(diff: EditionDiff, catalog: Catalog) -> str:
    """The three parts as one self-contained page (no scripts, no external requests)."""
    pages = diff_pages(diff, catalog)
    chart = bar_chart([(k.label, n, KIND_COLOURS[k]) for k, n in pages.counts])
    return render_html(
        "diff.html.j2",
        title=pages.title,
        pages=pages,
        diff=diff,
        chart=chart,
        meanings=KIND_MEANING,
        removed_text=REMOVED_TEXT,
        added_text=ADDED_TEXT,
        legend=LEGEND,
    )


def write_diff_html(diff: EditionDiff, catalog: Catalog, path: str | Path) -> Path:
    """Write the HTML page to ``path`` (atomically)."""
    return write_atomic(path, render_diff_html(diff, catalog))


__all__ = [
    "DiffPages",
    "affected",
    "diff_pages",
    "reason",
    "render_diff_html",
    "write_diff_html",
    "write_diff_workbook",
]
