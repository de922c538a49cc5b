"""The audit as an Excel workbook for the security officer, the CISO and the committee.

Sheets (issue 6): 概要 (one A4 portrait page at 100 %, nothing under 9 pt), 対応一覧 (every
clause, reviewer columns with dropdowns: the screen's full table), 対応一覧（印刷用） (what a
meeting reads, gaps first, at 10 pt: issue #13), 新旧対照表（改正案） (a draft amendment in the
body's own numbering, 改正後 | 改正前 with the changes underlined in both), 改定の経緯, 独自規定,
廃止条項, 実施手順, 用語集, 情報. Next year the reviewer columns are read back by
:func:`gapcheck.gaps.decisions.read_decisions` (``audit --previous report.xlsx``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from gapcheck.catalog.model import Edition, Term
from gapcheck.gaps.decisions import (
    DECISIONS,
    INFO_SHEET,
    KEY_HEADER,
    LIST_SHEET,
    REVIEW_HEADERS,
)
from gapcheck.gaps.ranking import PRIORITY_FILL as PRIORITY_FILLS
from gapcheck.gaps.status import RowStatus, Status
from gapcheck.gaps.summary import (
    AmendmentEntry,
    ExecutiveSummary,
    amendment_documents,
    localize,
)
from gapcheck.render.audit_page import DIGEST_NOTE, SIMILARITY_HEADER, AuditPage, RowLine
from gapcheck.render.xlsx import (
    BODY_FONT,
    FONT_NAME,
    TITLE_FONT,
    a4,
    clean,
    fit_height,
    print_header,
    put,
    save,
    table,
    underline_changes,
)

STATUS_FILL = {s: PatternFill("solid", fgColor=s.info.fill) for s in Status}
PRIORITY_FILL = {p: PatternFill("solid", fgColor=fill) for p, fill in PRIORITY_FILLS.items()}
BOLD = Font(name=FONT_NAME, size=11, bold=True)


def write_workbook(page: AuditPage, path: str | Path) -> Path:
    """Write the audit workbook to ``path`` (atomically)."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    _overview(wb, page)
    _clause_list(wb, page)
    _print_list(wb, page)
    _amendment(wb, page.summary)
    _history(wb, page.summary)
    _rows_sheet(wb, page.local_rows, RowStatus.LOCAL, "独自規定")
    _rows_sheet(wb, page.obsolete_rows, RowStatus.OBSOLETE, "廃止条項")
    _procedures(wb, page.summary)
    _glossary(wb, page.summary)
    _info(wb, page)
    for ws in wb.worksheets:  # every printed page says whose, when, and 取扱注意 (#13)
        print_header(ws, *page.print_header)
    # the print list's decision columns are formulas: computed when the file is opened
    wb.calculation.fullCalcOnLoad = True
    return save(wb, path)


SMALL = 9  # the smallest printed type size anywhere, in points (issue #13)
SUMMARY_SCALE = 100  # 概要 prints at this fixed percentage: laid out to fit one A4 page
# 73 width units: LibreOffice draws a unit ≈ 7 pt (Excel 5.25 pt), A4 portrait minus margins
# is 523 pt
SUMMARY_WIDTHS = [8, 12, 18, 18, 17]
UNIT_PT = 7.0
_TEXT = Font(name=FONT_NAME, size=SMALL)
_TEXT_BOLD = Font(name=FONT_NAME, size=SMALL, bold=True)
_LABEL = Font(name=FONT_NAME, size=10.5, bold=True)
_SMALL_LINE = 10.5  # points per line at 9 pt (measured: LibreOffice with IPAexGothic)
GAP = 6  # points between the blocks of the summary page
DEFAULT_ROW = 15.0  # points: a row without a set height
PORTRAIT_HEIGHT = 842 - 2 * 0.6 * 72  # A4 portrait minus the top and bottom margins


def _paragraph(ws, row: int, value: object, text: str, *, font: Font = _TEXT,
               fill: PatternFill | None = None, line_height: float = _SMALL_LINE,
               width_factor: float = SMALL / 10) -> None:  # fmt: skip
    """One full-width paragraph of the summary page: a merged A:E cell sized to its text."""
    last = len(SUMMARY_WIDTHS)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
    put(ws, row, 1, value, font=font, fill=fill, border=False)
    # fit_height's estimate is made for 10-pt text: smaller type fits more per line
    fit_height(ws, row, [text], [sum(SUMMARY_WIDTHS) / width_factor], line_height=line_height)
    ws.row_dimensions[row].height -= 1  # fit_height pads 3 pt; 2 pt suffice at this size


def _rich(*parts: tuple[str, bool]) -> CellRichText:
    """Rich text of (text, bold) parts at the summary's type size."""
    plain = InlineFont(rFont=FONT_NAME, sz=SMALL)
    bold = InlineFont(rFont=FONT_NAME, sz=SMALL, b=True)
    return CellRichText([TextBlock(bold if b else plain, clean(t)) for t, b in parts if t])


def page_terms(texts: list[str], glossary: Iterable[Term]) -> list[Term]:
    """Glossary terms used in ``texts`` that the texts do not already explain in brackets
    (「データの予備（バックアップ）」 needs no footnote)."""
    text = " ".join(texts)
    out: list[Term] = []
    for t in glossary:
        names = [n for n in (t.term, *t.aliases) if n and n in text]
        if not names:
            continue
        explained = any(
            f"（{n}）" in text or f"({n})" in text or f"{n}（" in text or f"{n}(" in text
            for n in names
        )
        if not explained:
            out.append(t)
    return out


def _overview(wb: Workbook, page: AuditPage) -> None:
    """概要: one A4 portrait page at 100 % with nothing smaller than 9 pt (issue #13).

    Everything flows in full-width paragraphs (merged A:E); the chart sits beside the status
    table inside a two-cell anchor, so it can never cover the rows below it.
    """
    ws = wb.create_sheet("概要")
    s = page.summary
    report = page.report
    for col, w in enumerate(SUMMARY_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = w
    put(
        ws,
        1,
        1,
        "情報セキュリティポリシー点検結果（概要）",
        font=TITLE_FONT,
        border=False,
        wrap=False,
    )
    ws.row_dimensions[1].height = 21
    meta = f"照合先: {report.target.label}　点検日: {page.today}　対象: {page.policy_name}"
    _paragraph(ws, 2, meta, meta)
    lead = s.headline + s.lag_sentence
    _paragraph(ws, 3, lead, lead, font=Font(name=FONT_NAME, size=10, bold=True),
               line_height=13, width_factor=1.05)  # fmt: skip

    ws.row_dimensions[4].height = GAP
    r = 5
    put(
        ws,
        r,
        1,
        f"条項の状況（全{len(report.clauses)}条項）",
        font=_LABEL,
        border=False,
        wrap=False,
    )
    put(ws, r + 1, 1, "件数", font=_TEXT_BOLD)
    put(ws, r + 1, 2, "状況", font=_TEXT_BOLD)
    for n, (status, count) in enumerate(page.counts):
        # plain numbers: LibreOffice copies a cell's 「件」 format into the bar labels and
        # then wraps the longest one under its bar
        put(ws, r + 2 + n, 1, count, font=_TEXT)
        put(ws, r + 2 + n, 2, status.title, font=_TEXT, fill=STATUS_FILL[status])
    status_last = r + 1 + len(Status)
    for row in range(r + 1, status_last + 1):
        ws.row_dimensions[row].height = 13
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.legend = None
    data = Reference(ws, min_col=1, min_row=r + 1, max_row=status_last)
    cats = Reference(ws, min_col=2, min_row=r + 2, max_row=status_last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.x_axis.scaling.orientation = "maxMin"  # the table's order, top to bottom
    chart.y_axis.delete = True  # every bar carries its number: no scale needed
    chart.y_axis.majorGridlines = None
    chart.x_axis.delete = False
    # room to the right of the longest bar for its label (LibreOffice drops labels that
    # would leave the plot area)
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = max(report.counts.values(), default=0) * 1.45 + 1
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.dataLabels.position = "outEnd"
    for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(chart.dataLabels, flag, False)
    chart.gapWidth = 40
    # beside the table (columns C:E) and exactly as tall as its rows: whatever the row
    # heights, the chart cannot reach the next block (issue #13: it covered the header)
    # the stub types ``anchor`` as a cell reference only; openpyxl also takes an anchor object
    chart.anchor = TwoCellAnchor(  # type: ignore[assignment]
        _from=AnchorMarker(col=2, row=r, colOff=0, rowOff=0),
        to=AnchorMarker(col=len(SUMMARY_WIDTHS), row=status_last, colOff=0, rowOff=0),
    )
    ws.add_chart(chart)

    r = status_last + 2
    actions = s.top_actions
    ws.row_dimensions[status_last + 1].height = GAP
    put(ws, r, 1, f"優先して取り組むこと（上位{len(actions)}件）", font=_LABEL, border=False,
        wrap=False)  # fmt: skip
    for n, a in enumerate(actions, 1):
        head = f"{n}. 優先度「{a.priority}」 {a.title}"
        r += 1
        _paragraph(ws, r, _rich((head, True)), head, fill=PRIORITY_FILL.get(a.priority))
        body = f"求められること: {a.what}　理由: {a.why}"
        r += 1
        _paragraph(ws, r, _rich(("求められること: ", True), (a.what + "　", False),
                                ("理由: ", True), (a.why, False)), body)  # fmt: skip
    # where the body stands and what happens if it does nothing: usually the same words for
    # every action, so said once with the numbers they apply to
    shared = [part for label, text in page.shared for part in ((label, True), (text, False))]
    if shared:
        r += 1
        _paragraph(ws, r, _rich(*shared), "".join(p for p, _ in shared))

    r += 1
    ws.row_dimensions[r].height = GAP
    r += 1
    put(ws, r, 1, "委員会で決めていただくこと", font=_LABEL, border=False, wrap=False)
    for n, text in enumerate(s.decisions, 1):
        r += 1
        _paragraph(ws, r, f"{n}. {text}", f"{n}. {text}")
    # jargon on this page, explained on this page (docs/domain.md §5: at first use)
    printed = [s.headline, s.lag_sentence, *s.decisions] + [
        f"{a.title}{a.what}{a.why}{a.affects_us}{a.if_nothing}{a.ranked}" for a in actions
    ]
    terms = page_terms(printed, s.glossary)
    if terms:
        r += 1
        ws.row_dimensions[r].height = GAP
        r += 1
        put(ws, r, 1, "用語の説明", font=_LABEL, border=False, wrap=False)
        r += 1
        parts: list[tuple[str, bool]] = []
        for t in terms:
            parts += [(f"{t.term}: ", True), (f"{t.plain}　", False)]
        _paragraph(ws, r, _rich(*parts), "".join(p for p, _ in parts))
    ws.print_area = f"A1:{get_column_letter(len(SUMMARY_WIDTHS))}{r}"
    height = sum(ws.row_dimensions[n].height or DEFAULT_ROW for n in range(1, r + 1))
    # laid out for one page at 100 %; should a body's texts run longer, shrink rather than
    # spill onto a second page (tests/test_report_print.py checks the demo stays at 100 %)
    a4(ws, scale=SUMMARY_SCALE) if height <= PORTRAIT_HEIGHT else a4(ws, one_page=True)


def _clause_list(wb: Workbook, page: AuditPage) -> None:
    """対応一覧: every clause, every column, for the screen (filters, reviewer dropdowns).
    The printed version is 対応一覧（印刷用）; the key column is hidden (issue #13)."""
    ws = wb.create_sheet(LIST_SHEET)
    headers = ["項番", "見出し", "区分", "状況", "優先度", "やさしい説明", "ガイドラインの内容",
               f"{page.body}の規定", "場所", SIMILARITY_HEADER, "対応案", *REVIEW_HEADERS,
               KEY_HEADER, BASIS_HEADER]  # fmt: skip
    widths = [12, 18, 10, 10, 7, 34, 40, 40, 14, 12, 24, 10, 20, 10, 11, 22, 24]
    rows = []
    for c in page.clauses:
        f, d = c.finding, c.finding.decision
        rows.append([
            f.clause.display_number, "・".join(f.clause.headings[-2:]), f.clause.level.label.split("（")[0],
            c.status, c.priority, c.plain, c.text, c.body_text, c.where, c.similarity, c.suggestion,
            d.decision if d else "", d.reason if d else "", d.owner if d else "", d.due if d else "",
            f.key, f.clause.basis.label,
        ])  # fmt: skip
    last = table(ws, 1, headers, rows, widths)
    for r, c in enumerate(page.clauses, 2):
        ws.cell(row=r, column=4).fill = STATUS_FILL[c.finding.status]
        prio = ws.cell(row=r, column=5).value
        if prio:
            ws.cell(row=r, column=5).fill = PRIORITY_FILL[prio]
        ws.cell(row=r, column=10).number_format = '0"%"'
    ws.column_dimensions[KEY_COLUMN].hidden = True  # read back by name, never read by a person
    dv = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"', allow_blank=True)
    dv.error = f"{' / '.join(DECISIONS)} から選んでください。"
    dv.errorTitle = "判断"
    dv.prompt = "対応済 / 改定予定 / 対象外 / 要検討"
    ws.add_data_validation(dv)
    dv.add(f"L2:L{max(last, 2)}")
    a4(ws, landscape=True)


KEY_COLUMN = "P"  # 条項キー in 対応一覧
PRINT_SHEET = "対応一覧（印刷用）"
# 106 units × 7 pt: within A4 landscape minus margins (770 pt) at 100 %, 10-pt type
PRINT_WIDTHS = [11, 16, 9, 5, 31, 12, 7, 8, 7]


def _print_list(wb: Workbook, page: AuditPage) -> None:
    """対応一覧（印刷用）: the columns a meeting reads, at 10 pt on A4 landscape, the clauses
    that need work first and the compliant ones summarised in one line (issue #13). The
    decision columns follow 対応一覧 (looked up by clause key, so sorting there is safe)."""
    ws = wb.create_sheet(PRINT_SHEET)
    headers = ["項番", "見出し", "状況", "優先度", "やさしい説明", "対応案", "判断", "担当", "期限"]
    widths = PRINT_WIDTHS
    rows = [
        [c.finding.clause.display_number, "・".join(c.finding.clause.headings[-2:]), c.status,
         c.priority, c.plain, c.suggestion, "", "", ""]
        for c in page.open_first
    ]  # fmt: skip
    last = table(ws, 1, headers, rows, widths, filters=False)
    source = {"判断": "L", "担当": "N", "期限": "O"}
    for r, c in enumerate(page.open_first, 2):
        ws.cell(row=r, column=3).fill = STATUS_FILL[c.finding.status]
        prio = ws.cell(row=r, column=4).value
        if prio:
            ws.cell(row=r, column=4).fill = PRIORITY_FILL[prio]
        for col, name in enumerate(("判断", "担当", "期限"), 7):
            ws.cell(row=r, column=col).value = lookup_formula(source[name], c.key)
    ws.merge_cells(start_row=last + 1, start_column=1, end_row=last + 1, end_column=len(headers))
    put(ws, last + 1, 1, page.omitted, border=False)
    a4(ws, landscape=True, scale=100)


def lookup_formula(column: str, key: str) -> str:
    """The reviewer's entry in 対応一覧 for ``key`` (empty while there is none)."""
    ref = f"'{LIST_SHEET}'!${column}:${column}"
    keys = f"'{LIST_SHEET}'!${KEY_COLUMN}:${KEY_COLUMN}"
    key = key.replace('"', '""')
    return f'=IFERROR(INDEX({ref},MATCH("{key}",{keys},0))&"","")'


def _amendment(wb: Workbook, s: ExecutiveSummary) -> None:
    """新旧対照表（改正案）: 改正後 | 改正前, the changed passages underlined in both columns,
    「（新設）」 and 「（削除）」 for whole provisions (the government's convention, #13)."""
    ws = wb.create_sheet("新旧対照表（改正案）")
    put(ws, 1, 1, AMEND_LEGEND, border=False, wrap=False)
    documents = amendment_documents(s.amendment)
    if not documents:
        table(ws, 2, AMEND_HEADERS, [["", "改正が必要な規定はありません。", "", ""]], AMEND_WIDTHS)
    top = 2
    for document, entries in documents:
        # one table per document: the 基本方針 and the 対策基準 are amended separately
        put(ws, top, 1, f"{s.body}{document}の改正案", font=BOLD, border=False, wrap=False)
        rows = [[e.label, *amendment_cells(e), e.note] for e in entries]
        top = table(ws, top + 1, AMEND_HEADERS, rows, AMEND_WIDTHS, filters=False, freeze=False)
        top += 2
    ws.print_title_rows = None
    a4(ws, landscape=True)


AMEND_HEADERS = ["条", "改正後", "改正前", "備考"]
AMEND_WIDTHS = [16, 50, 50, 24]
AMEND_LEGEND = "下線部が改正する部分です。"


def amendment_cells(e: AmendmentEntry) -> tuple[object, object]:
    """The 改正後 and 改正前 cells of one amendment entry."""
    if e.kind == "delete":
        proposed: object = "（削除）"
    else:
        proposed = underline_changes([(sp.text, sp.op) for sp in e.proposed], "insert")
    if not e.current:
        return proposed, "（新設）"
    return proposed, underline_changes([(sp.text, sp.op) for sp in e.current], "delete")


def _history(wb: Workbook, s: ExecutiveSummary) -> None:
    ws = wb.create_sheet("改定の経緯")
    rows = [[h.label, h.summary, f"{h.affecting}件"] for h in s.history]
    if not rows:
        rows = [["—", "準拠している版から照合先の版までの間に改定はありません。", "0件"]]
    table(ws, 1, ["版", "主な改定内容", f"{s.body}に関係する見直し"], rows, [16, 80, 16])
    a4(ws, landscape=True)


def _rows_sheet(wb: Workbook, lines: Sequence[RowLine], status: RowStatus, name: str) -> None:
    ws = wb.create_sheet(name)
    rows = [
        [r.finding.row.where, r.finding.row.number, r.finding.row.heading, r.finding.row.text,
         r.removed or status.explanation]
        for r in lines
    ]  # fmt: skip
    if not rows:
        rows = [["", "", "", f"{status.title}はありません。", ""]]
    last_col = "削除された条項（最後に載っていた版）" if status is RowStatus.OBSOLETE else "説明"
    table(ws, 1, ["場所", "番号", "見出し", "規定", last_col], rows, [14, 12, 18, 60, 30])
    a4(ws, landscape=True)


def _procedures(wb: Workbook, s: ExecutiveSummary) -> None:
    ws = wb.create_sheet("実施手順")
    rows = [
        [p.finding.clause.display_number, "・".join(p.finding.clause.headings[-2:]),
         p.finding.status.title, "記載あり" if p.named else "記載なし（整備が必要）",
         localize(p.finding.clause.plain, s.body)]
        for p in s.procedures
    ]  # fmt: skip
    last = table(
        ws, 1, ["項番", "見出し", "状況", "手順の記載", "説明"], rows, [14, 24, 10, 18, 60]
    )
    for r in range(2, last + 1):
        if str(ws.cell(row=r, column=4).value).startswith("記載なし"):
            ws.cell(row=r, column=4).fill = STATUS_FILL[Status.MISSING]
    a4(ws, landscape=True)


def _glossary(wb: Workbook, s: ExecutiveSummary) -> None:
    ws = wb.create_sheet("用語集")
    table(ws, 1, ["用語", "やさしい説明"], [[t.term, t.plain] for t in s.glossary], [24, 90])
    a4(ws)


BASIS_HEADER = "番号・見出しの根拠"


def _estimate_note(target: Edition) -> str:
    estimated = target.estimated_clauses()
    return (
        f"{target.label}の{len(target)}条項のうち{len(target) - estimated}件は、番号と見出しを総務省の"
        f"公表資料や団体の例規で確かめられたものです。残る{estimated}件の番号・見出しと、「（推定）」"
        "の付いた改定理由は、本カタログが整理したものです（「条項一覧」の「番号・見出しの根拠」列）。"
    )


def _info(wb: Workbook, page: AuditPage) -> None:
    ws = wb.create_sheet(INFO_SHEET)
    report = page.report
    info = dict(page.info)
    # 照合先の版 holds the edition id: read back with last year's decisions (gaps/decisions.py)
    rows = [
        ["ツール", info["ツール"]],
        ["作成日時", dt.datetime.now().strftime("%Y-%m-%d %H:%M")],
        ["照合先の版", report.target.id],
        ["照合先の名称", report.target.label],
        ["準拠している版", report.follows_label or ""],
        *(["判定の根拠", line] for line in page.summary.evidence),
        ["入力ファイル", page.policy_name],
        ["SHA-256", report.policy.sha256],
        ["シート", report.policy.sheet],
        ["カタログの版", info["カタログの版"]],
        ["注意", "本書の" + DIGEST_NOTE],
        ["推定", _estimate_note(report.target)],
    ]  # fmt: skip
    table(ws, 1, ["項目", "内容"], rows, [18, 90], filters=False)
    a4(ws)


__all__ = ["BODY_FONT", "write_workbook"]
