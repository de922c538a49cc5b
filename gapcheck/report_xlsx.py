"""The audit as an Excel workbook for the security officer, the CISO and the committee.

Sheets (issue 6): 概要 (one A4 page), 対応一覧 (every clause, reviewer columns with dropdowns),
新旧対照表（改正案） (a draft amendment in the body's own numbering), 改定の経緯, 独自規定,
廃止条項, 実施手順, 用語集, 情報. Next year the reviewer columns are read back by
:func:`gapcheck.report_xlsx.read_decisions` (``audit --previous report.xlsx``).
"""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from gapcheck import __version__
from gapcheck.audit import DECISIONS, ClauseFinding, Decision, RowStatus, Status
from gapcheck.errors import PolicyFormatError, quote
from gapcheck.model import Catalog, Edition
from gapcheck.summary import ExecutiveSummary, localize
from gapcheck.xlsx import (
    BODY_FONT,
    FONT_NAME,
    TITLE_FONT,
    a4,
    fit_height,
    put,
    save,
    table,
    underline_changes,
)

STATUS_FILL = {
    Status.COVERED: PatternFill("solid", fgColor="E2EFDA"),
    Status.OUTDATED: PatternFill("solid", fgColor="FFF2CC"),
    Status.PARTIAL: PatternFill("solid", fgColor="FCE4D6"),
    Status.MISSING: PatternFill("solid", fgColor="F8CBAD"),
    Status.REVIEW: PatternFill("solid", fgColor="DDEBF7"),
    Status.NOT_APPLICABLE: PatternFill("solid", fgColor="EDEDED"),
}
PRIORITY_FILL = {
    "高": PatternFill("solid", fgColor="F4B084"),
    "中": PatternFill("solid", fgColor="FFE699"),
    "低": PatternFill("solid", fgColor="DDEBF7"),
}
LIST_SHEET = "対応一覧"
INFO_SHEET = "情報"
REVIEW_HEADERS = ("判断", "理由", "担当", "期限")
KEY_HEADER = "条項キー（変更しないでください）"
BOLD = Font(name=FONT_NAME, size=11, bold=True)


def write_workbook(summary: ExecutiveSummary, catalog: Catalog, path: str | Path) -> Path:
    """Write the audit workbook to ``path`` (atomically)."""
    wb = Workbook()
    wb.remove(wb.active)
    _overview(wb, summary)
    _clause_list(wb, summary)
    _amendment(wb, summary)
    _history(wb, summary)
    _rows_sheet(wb, summary, RowStatus.LOCAL, "独自規定")
    _rows_sheet(wb, summary, RowStatus.OBSOLETE, "廃止条項")
    _procedures(wb, summary)
    _glossary(wb, summary)
    _info(wb, summary, catalog)
    return save(wb, path)


def _overview(wb: Workbook, s: ExecutiveSummary) -> None:
    ws = wb.create_sheet("概要")
    report = s.report
    widths = [10, 30, 34, 34, 34]
    for col, w in enumerate(widths, 1):
        ws.column_dimensions[chr(64 + col)].width = w
    put(
        ws,
        1,
        1,
        "情報セキュリティポリシー点検結果（概要）",
        font=TITLE_FONT,
        border=False,
        wrap=False,
    )
    put(ws, 2, 1, f"照合先: {report.target.label}　点検日: {dt.date.today():%Y年%m月%d日}",
        border=False, wrap=False)  # fmt: skip
    ws.merge_cells("A3:E3")
    put(ws, 3, 1, s.headline + s.lag_sentence, font=Font(name=FONT_NAME, size=13, bold=True),
        border=False)  # fmt: skip
    # 13-pt bold runs about a quarter wider than the body text the estimate is made for
    fit_height(ws, 3, [s.headline + s.lag_sentence], [sum(widths[:5]) / 1.3], line_height=19)

    put(ws, 5, 1, "条項の状況", font=BOLD, border=False, wrap=False)
    put(ws, 6, 1, "件数", font=BOLD)
    put(ws, 6, 2, "状況", font=BOLD)
    for n, status in enumerate(Status):
        put(ws, 7 + n, 1, report.counts[status.value], number_format='0"件"')
        put(ws, 7 + n, 2, status.title, fill=STATUS_FILL[status])
    chart = BarChart()
    chart.type = "bar"
    chart.style = 10
    chart.title = "条項の状況（件数）"
    chart.legend = None
    chart.y_axis.title = "件"
    data = Reference(ws, min_col=1, min_row=6, max_row=6 + len(Status))
    cats = Reference(ws, min_col=2, min_row=7, max_row=6 + len(Status))
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(cats)
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    for flag in ("showSerName", "showCatName", "showLegendKey", "showPercent"):
        setattr(chart.dataLabels, flag, False)
    chart.gapWidth = 40
    chart.height, chart.width = 6.2, 15
    ws.add_chart(chart, "C5")

    top = 8 + len(Status) + 3  # below the table and the chart (6.2 cm ≈ 11 rows)
    put(ws, top, 1, "優先して取り組むこと（上位5件）", font=BOLD, border=False, wrap=False)
    headers = ["優先度", "条項", "何が求められているか", "なぜ（理由）", "何もしないと"]
    rows = []
    for a in s.top_actions:
        rows.append([
            a.priority, f"{a.title}\n{a.affects_us}\n（順位の理由: {a.ranked}）", a.what, a.why,
            a.if_nothing,
        ])  # fmt: skip
    last = table(ws, top + 1, headers, rows, widths, filters=False, freeze=False)
    for r in range(top + 2, last + 1):
        prio = ws.cell(row=r, column=1).value
        ws.cell(row=r, column=1).fill = PRIORITY_FILL.get(prio, PRIORITY_FILL["低"])
    r = last + 2
    put(ws, r, 1, "委員会で決めていただくこと", font=BOLD, border=False, wrap=False)
    for n, text in enumerate(s.decisions, 1):
        ws.merge_cells(start_row=r + n, start_column=1, end_row=r + n, end_column=5)
        put(ws, r + n, 1, f"{n}. {text}", border=False)
        fit_height(ws, r + n, [f"{n}. {text}"], [sum(widths)])
    # jargon on this page, explained (DOMAIN.md §5: at first use)
    page_text = " ".join([s.headline, s.lag_sentence, *s.decisions] + [
        f"{a.title}{a.what}{a.why}{a.affects_us}{a.if_nothing}" for a in s.top_actions])  # fmt: skip
    terms = [t for t in s.glossary if any(n in page_text for n in (t.term, *t.aliases))]
    if terms:
        r = r + len(s.decisions) + 2
        put(ws, r, 1, "用語の説明", font=BOLD, border=False, wrap=False)
        for n, t in enumerate(terms, 1):
            ws.merge_cells(start_row=r + n, start_column=1, end_row=r + n, end_column=5)
            put(
                ws,
                r + n,
                1,
                f"{t.term}: {t.plain}",
                font=Font(name=FONT_NAME, size=9),
                border=False,
            )
            fit_height(ws, r + n, [f"{t.term}: {t.plain}"], [sum(widths)], line_height=12)
    ws.print_title_rows = None
    a4(ws, landscape=True, one_page=True)


def _clause_list(wb: Workbook, s: ExecutiveSummary) -> None:
    ws = wb.create_sheet(LIST_SHEET)
    report = s.report
    headers = ["項番", "見出し", "区分", "状況", "優先度", "やさしい説明", "ガイドラインの内容",
               f"{s.body}の規定", "場所", "類似度", "対応案", *REVIEW_HEADERS, KEY_HEADER,
               BASIS_HEADER]  # fmt: skip
    widths = [12, 18, 10, 10, 7, 34, 40, 40, 14, 8, 24, 10, 20, 10, 11, 22, 24]
    rows = []
    for f in report.clauses:
        body_text = "\n".join(report.rows[i].row.text for i in f.rows)
        where = "、".join(report.rows[i].row.where for i in f.rows)
        d = f.decision
        rows.append([
            f.clause.display_number, "・".join(f.clause.headings[-2:]), f.clause.level.label.split("（")[0],
            f.status.title + ("（要再確認）" if f.recheck else ""), s.priorities.get(f.key, ""),
            localize(f.clause.plain, s.body), localize(f.clause.text, s.body), body_text, where,
            round(f.score * 100) if f.rows else "", _suggestion(f),
            d.decision if d else "", d.reason if d else "", d.owner if d else "", d.due if d else "",
            f.key, f.clause.basis.label,
        ])  # fmt: skip
    last = table(ws, 1, headers, rows, widths)
    for r, f in enumerate(report.clauses, 2):
        ws.cell(row=r, column=4).fill = STATUS_FILL[f.status]
        prio = ws.cell(row=r, column=5).value
        if prio:
            ws.cell(row=r, column=5).fill = PRIORITY_FILL[prio]
        ws.cell(row=r, column=10).number_format = '0"%"'
    dv = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"', allow_blank=True)
    dv.error = f"{' / '.join(DECISIONS)} から選んでください。"
    dv.errorTitle = "判断"
    dv.prompt = "対応済 / 改定予定 / 対象外 / 要検討"
    ws.add_data_validation(dv)
    dv.add(f"L2:L{max(last, 2)}")
    a4(ws, landscape=True)


def _suggestion(f: ClauseFinding) -> str:
    return {
        Status.MISSING: "新たに規定するか、対象外の理由を記録",
        Status.OUTDATED: "最新版の内容に改正",
        Status.PARTIAL: "不足する内容を追記",
        Status.REVIEW: "示した規定を読み、対応しているか判断",
        Status.COVERED: "",
        Status.NOT_APPLICABLE: "",
    }[f.status]


def _amendment(wb: Workbook, s: ExecutiveSummary) -> None:
    """新旧対照表（改正案）: proposed | current, changed passages marked."""
    ws = wb.create_sheet("新旧対照表（改正案）")
    rows = [
        [
            e.label,
            underline_changes([(sp.text, sp.op) for sp in e.proposed], "insert"),
            underline_changes([(sp.text, sp.op) for sp in e.current], "delete")
            if e.current
            else "（新設）",
            e.note,
        ]
        for e in s.amendment
    ]
    if not rows:
        rows = [["", "改正が必要な規定はありません。", "", ""]]
    table(ws, 1, ["条", "改正案", "現行", "備考"], rows, [16, 50, 50, 24])
    a4(ws, landscape=True)


def _history(wb: Workbook, s: ExecutiveSummary) -> None:
    ws = wb.create_sheet("改定の経緯")
    rows = [[h.label, h.summary, f"{h.affecting}件"] for h in s.history]
    if not rows:
        rows = [["—", "準拠している版から照合先の版までの間に改定はありません。", "0件"]]
    table(ws, 1, ["版", "主な改定内容", f"{s.body}に関係する見直し"], rows, [16, 80, 16])
    a4(ws, landscape=True)


def _rows_sheet(wb: Workbook, s: ExecutiveSummary, status: RowStatus, name: str) -> None:
    ws = wb.create_sheet(name)
    report = s.report
    rows = []
    for r in report.rows:
        if r.status is not status:
            continue
        extra = "、".join(r.clauses) if status is RowStatus.OBSOLETE else ""
        rows.append(
            [r.row.where, r.row.number, r.row.heading, r.row.text, extra or status.explanation]
        )
    if not rows:
        rows = [["", "", "", f"{status.title}はありません。", ""]]
    last_col = "削除された条項" if status is RowStatus.OBSOLETE else "説明"
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
    estimated = sum(1 for c in target if c.basis.estimate)
    return (
        f"{target.label}の{len(target)}条項のうち{len(target) - estimated}件は、番号と見出しを総務省の"
        f"公表資料や団体の例規で確かめられたものです。残る{estimated}件の番号・見出しと、「（推定）」"
        "の付いた改定理由は、本カタログが整理したものです（「条項一覧」の「番号・見出しの根拠」列）。"
    )


def _info(wb: Workbook, s: ExecutiveSummary, catalog: Catalog) -> None:
    ws = wb.create_sheet(INFO_SHEET)
    report = s.report
    rows = [
        ["ツール", f"gapcheck {__version__}"],
        ["作成日時", dt.datetime.now().strftime("%Y-%m-%d %H:%M")],
        ["照合先の版", report.target.id],
        ["照合先の名称", report.target.label],
        ["準拠している版", report.follows_label or ""],
        *(["判定の根拠", line] for line in s.evidence),
        ["入力ファイル", Path(report.policy.path).name],
        ["SHA-256", report.policy.sha256],
        ["シート", report.policy.sheet],
        ["カタログの版", ", ".join(catalog.ids)],
        ["注意", "本書の条項の文章はガイドラインの要旨を独自にまとめたものです。原文は総務省の公表資料で確認してください。"],
        ["推定", _estimate_note(report.target)],
    ]  # fmt: skip
    table(ws, 1, ["項目", "内容"], rows, [18, 90], filters=False)
    a4(ws)


# --- reading the reviewer columns back ----------------------------------------------------


MAX_PREVIOUS_XLSX_BYTES = 100_000_000


def read_decisions(path: str | Path) -> tuple[Decision, ...]:
    """Reviewer decisions from last year's workbook (also after Excel/LibreOffice re-saved it)."""
    import pandas as pd

    path = Path(path)
    try:  # a regular file of bounded size only: never /dev/zero, a FIFO or a folder
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            raise PolicyFormatError(
                f"{path}: 通常のファイルではありません（フォルダ・デバイス・名前付きパイプなど）。"
                "gapcheck が書き出した報告書（.xlsx）を指定してください。"
            )
    except FileNotFoundError as exc:
        raise PolicyFormatError(f"{path}: 前回の結果ファイルが見つかりません。") from exc
    if st.st_size > MAX_PREVIOUS_XLSX_BYTES:
        raise PolicyFormatError(
            f"{path}: 前回の報告書として大きすぎます（上限 {MAX_PREVIOUS_XLSX_BYTES // 1_000_000} MB）。"
            "gapcheck が書き出した報告書（.xlsx）を指定してください。"
        )
    try:
        book = pd.ExcelFile(path, engine="calamine")
        if LIST_SHEET not in book.sheet_names:
            raise PolicyFormatError(
                f"{path}: シート「{LIST_SHEET}」がありません。gapcheck が書き出した報告書（.xlsx）を指定してください。"
            )
        frame = pd.read_excel(book, sheet_name=LIST_SHEET, dtype=str, header=0).fillna("")
        info = pd.read_excel(book, sheet_name=INFO_SHEET, dtype=str, header=0).fillna("")
    except PolicyFormatError:
        raise
    except Exception as exc:
        raise PolicyFormatError(
            f"{path}: 前回の報告書として読めません（{exc.__class__.__name__}）。"
        ) from exc
    missing = [h for h in (*REVIEW_HEADERS, KEY_HEADER) if h not in frame.columns]
    if missing:
        raise PolicyFormatError(
            f"{path}: シート「{LIST_SHEET}」に列 {', '.join(missing)} がありません。列名は変えずに保存してください。"
        )
    target = ""
    for _, item in info.iterrows():
        if str(item.iloc[0]) == "照合先の版":
            target = str(item.iloc[1])
    out = []
    for n, item in frame.iterrows():
        decision = str(item["判断"]).strip()
        if not decision:
            continue
        if decision not in DECISIONS:
            raise PolicyFormatError(
                f"{path}: シート「{LIST_SHEET}」の {n + 2} 行目の判断 '{quote(decision)}' は"
                f" {' / '.join(DECISIONS)} のいずれかにしてください。"
            )
        out.append(
            Decision(
                key=str(item[KEY_HEADER]).strip(),
                decision=decision,
                reason=str(item["理由"]).strip(),
                owner=str(item["担当"]).strip(),
                due=str(item["期限"]).strip(),
                target=target,
                number=str(item["項番"]).strip(),
            )
        )
    return tuple(out)


__all__ = ["BODY_FONT", "read_decisions", "write_workbook"]
