"""The survey's reports: a national workbook, an HTML page and per-clause rows (issue 7).

Statuses, counts and the catalog's own explanations only: no policy text is ever written
(the survey never keeps any). Every file is written atomically.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.worksheet.worksheet import Worksheet

from gapcheck.gaps.status import GAP_STATUSES, Status
from gapcheck.io import csv_safe, write_atomic
from gapcheck.render.html import bar_chart, render_html
from gapcheck.render.xlsx import TITLE_FONT, a4, fit_height, put, save, table
from gapcheck.survey.results import (
    BEHIND,
    CHANGED_REASON,
    CODE_STATUS,
    CRASHED,
    FLAG_INFO,
    NOTE,
    UNKNOWN_EDITION,
    GroupRow,
    SurveyResult,
    share,
    share_text,
)

__all__ = [
    "summary_lines",
    "write_clauses_csv",
    "write_survey",
    "write_survey_html",
    "write_survey_workbook",
]

SHEETS = (
    "概要",
    "都道府県別",
    "区分・規模別",
    "遅れている団体",
    "未対応の多い条項",
    "推移",
    "読み取れない資料",
    "注記",
)
CLAUSE_COLUMNS = ("団体コード", "団体名", "条項キー", "項番", "状態", "状態名")
_BAR = "#2E75B6"
_BAR_NEWEST = "#548235"


def write_survey(result: SurveyResult, out: str | Path) -> list[Path]:
    """survey.xlsx, survey.html and clauses.csv in ``out``."""
    out = Path(out)
    return [
        write_survey_workbook(result, out / "survey.xlsx"),
        write_survey_html(result, out / "survey.html"),
        write_clauses_csv(result, out / "clauses.csv"),
    ]


# --- shared wording ------------------------------------------------------------------------


def _years(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}年"


def _label(result: SurveyResult, edition: str | None) -> str:
    if edition is None or edition == UNKNOWN_EDITION:
        return "判定できず"
    return result.labels.get(edition, edition)


def summary_lines(result: SurveyResult) -> list[str]:
    """The headline figures in short Japanese sentences (terminal, 概要, HTML)."""
    n = len(result.bodies)
    lines = [
        f"{result.year}年の調査: {n}団体の準拠している版を{result.target.label}と照合して推定しました"
        f"（資料 {result.audited + result.reused}件: 今回照合 {result.audited}件、"
        f"前回の結果を再利用 {result.reused}件）。",
        f"最新版（{result.target.label}）に沿っている団体: {result.newest}団体（{share_text(result.share_newest)}）。",
        f"最新版からの遅れの中央値: {_years(result.median_lag)}。",
        f"{BEHIND}版以上遅れている団体: {len(result.behind)}団体。",
    ]
    # what the figures above leave out: bodies whose edition the evidence does not pin (#11)
    unknown = sum(1 for b in result.bodies if "no-match" in b.flags)
    ranged = sum(1 for b in result.bodies if "range" in b.flags)
    if unknown or ranged:
        lines.append(
            f"版を一つに絞れず、上の集計に含めていない団体: {unknown + ranged}団体"
            f"（判定できない {unknown}団体、版の範囲までわかる {ranged}団体）。"
        )
    if result.failed:
        lines.append(
            f"読み取れなかった資料: {len(result.failed)}件（理由は「読み取れない資料」を参照）。"
        )
        crashed = sum(1 for f in result.failed if f.reason.startswith(CRASHED))
        if crashed:
            lines.append(
                f"うち照合の処理を異常終了させた資料: {crashed}件"
                "（次回からは、ファイルが変わるまで読まずに失敗として記録します）。"
            )
        changed = sum(1 for f in result.failed if f.reason == CHANGED_REASON)
        if changed:
            lines.append(
                f"うち読み取り中に書き換えられた資料: {changed}件"
                "（コピーや保存が終わってから、もう一度調べてください）。"
            )
    else:
        lines.append("読み取れなかった資料はありません。")
    flagged = sum(1 for b in result.bodies if "no-code" in b.flags)
    if flagged:
        lines.append(f"団体コードが分からずファイル名で集計した資料: {flagged}件。")
    odd = sum(1 for b in result.bodies if "name-encoding" in b.flags)
    if odd:
        lines.append(
            f"ファイル名が UTF-8 でない資料: {odd}件（Shift_JIS として読める名前はそのように表示しています）。"
        )
    return lines


def _distribution(result: SurveyResult) -> list[tuple[str, int, float | None]]:
    n = len(result.bodies) or 1
    return [(_label(result, e), c, share(c / n)) for e, c in result.by_version.items()]


# --- workbook ------------------------------------------------------------------------------


def write_survey_workbook(result: SurveyResult, path: str | Path) -> Path:
    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    _overview(wb.create_sheet(SHEETS[0]), result)
    _groups_sheet(
        wb.create_sheet(SHEETS[1]), "都道府県別の状況", "都道府県", result.by_prefecture, scale=True
    )
    ws = wb.create_sheet(SHEETS[2])
    end = _group_table(ws, 1, "区分別（都道府県・市・区・町・村）", "区分", result.by_kind)
    _group_table(ws, end + 3, "人口規模別", "人口規模", result.by_size)
    a4(ws, landscape=True)
    _behind_sheet(wb.create_sheet(SHEETS[3]), result)
    _clauses_sheet(wb.create_sheet(SHEETS[4]), result)
    _trend_sheet(wb.create_sheet(SHEETS[5]), result)
    _failed_sheet(wb.create_sheet(SHEETS[6]), result)
    _note_sheet(wb.create_sheet(SHEETS[7]), result)
    return save(wb, path)


def _title(ws: Worksheet, text: str, sub: str = "") -> None:
    put(ws, 1, 1, text, font=TITLE_FONT, border=False, wrap=False)
    if sub:
        put(ws, 2, 1, sub, border=False, wrap=False)


def _overview(ws: Worksheet, result: SurveyResult) -> None:
    _title(
        ws,
        "情報セキュリティポリシーの改定状況 全国調査",
        f"照合先: {result.target.label}　調査年: {result.year}年",
    )
    r = 4
    for line in summary_lines(result):
        put(ws, r, 1, line, border=False, wrap=False)
        r += 1
    r += 1
    top = r
    rows = [(label, count, share) for label, count, share in _distribution(result)]
    last = table(
        ws,
        top,
        ["準拠している版", "団体数", "割合"],
        rows,
        [22, 10, 10],
        filters=False,
        freeze=False,
    )
    for row in range(top + 1, last + 1):
        ws.cell(row=row, column=3).number_format = "0.0%"
    if last > top:
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = "準拠している版ごとの団体数"
        chart.y_axis.title = "団体数"
        chart.legend = None
        chart.add_data(Reference(ws, min_col=2, min_row=top, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=top + 1, max_row=last))
        chart.x_axis.scaling.orientation = "maxMin"  # oldest at the top, as in the table
        chart.height, chart.width = 9, 16
        ws.add_chart(chart, f"E{top}")
    ws.column_dimensions["A"].width = 24
    a4(ws, landscape=True, one_page=True)


_GROUP_HEADERS = (
    "団体数",
    "最新版",
    "最新版の割合",
    "遅れの中央値（年）",
    "平均対応率",
    f"{BEHIND}版以上遅れ",
)


def _group_rows(rows: Sequence[GroupRow]) -> list[list[object]]:
    return [
        [
            g.label,
            g.bodies,
            g.newest,
            share(g.share_newest),
            g.median_lag,
            share(g.mean_coverage),
            g.behind,
        ]
        for g in rows
    ]


def _group_table(ws: Worksheet, top: int, title: str, name: str, rows: Sequence[GroupRow]) -> int:
    put(ws, top, 1, title, font=TITLE_FONT, border=False, wrap=False)
    last = table(
        ws, top + 1, [name, *_GROUP_HEADERS], _group_rows(rows), [14, 9, 9, 13, 19, 11, 12],
        filters=False, freeze=False,
    )  # fmt: skip
    for row in range(top + 2, last + 1):
        ws.cell(row=row, column=4).number_format = "0.0%"
        ws.cell(row=row, column=6).number_format = "0.0%"
        ws.cell(row=row, column=5).number_format = "0.0"
    return last


def _groups_sheet(
    ws: Worksheet, title: str, name: str, rows: Sequence[GroupRow], scale: bool
) -> None:
    last = _group_table(ws, 1, title, name, rows)
    ws.freeze_panes = "B3"
    if scale and last > 2:
        # greener where more bodies are on the newest edition / less behind
        ws.conditional_formatting.add(
            f"D3:D{last}",
            ColorScaleRule(start_type="min", start_color="F8696B", mid_type="percentile",
                           mid_value=50, mid_color="FFEB84", end_type="max", end_color="63BE7B"),
        )  # fmt: skip
        ws.conditional_formatting.add(
            f"E3:E{last}",
            ColorScaleRule(start_type="min", start_color="63BE7B", mid_type="percentile",
                           mid_value=50, mid_color="FFEB84", end_type="max", end_color="F8696B"),
        )  # fmt: skip
    a4(ws, landscape=False)


def _behind_sheet(ws: Worksheet, result: SurveyResult) -> None:
    _title(ws, f"{BEHIND}版以上遅れている団体", f"{len(result.behind)}団体（遅れの大きい順）")
    rows = [
        [b.code or "", b.prefecture, b.name, b.kind, _label(result, b.follows), b.editions_behind,
         b.lag_years, share(b.coverage), "、".join(FLAG_INFO[f][0] for f in b.flags)]
        for b in result.behind
    ]  # fmt: skip
    last = table(
        ws, 3, ["団体コード", "都道府県", "団体名", "区分", "準拠している版", "遅れ（版）", "遅れ（年）", "対応率", "注意"],
        rows, [10, 10, 16, 8, 16, 9, 9, 9, 18],
    )  # fmt: skip
    for row in range(4, last + 1):
        ws.cell(row=row, column=8).number_format = "0.0%"
    a4(ws, landscape=True)


UPTAKE_NOTE = (
    "割合は、その条項の今の文言が入った版以降に準拠している団体（対象の団体）のうち、"
    "規定がないか旧版の文言のままの団体の割合です。まだその版に追いついていない団体は数えません。"
    "追いついたのに対応が少ない条項は、国が改定の趣旨をより丁寧に説明すべき条項の候補です。"
    "義務・推奨の条項に限り、見出しだけの条項、用語の定義、特定の機能を使う場合だけの条項は除いています。"
)


def _clauses_sheet(ws: Worksheet, result: SurveyResult) -> None:
    top = result.top_clauses()
    _title(ws, "版に追いついた団体でも対応の少ない条項（上位20）", UPTAKE_NOTE)
    rows = [
        [n, g.clause.part.value, g.clause.number, " > ".join(g.clause.headings),
         f"{result.labels[g.since]}以降", g.bodies, *(n for _, n in g.gaps), share(g.share),
         g.clause.plain]
        for n, g in enumerate(top, 1)
    ]  # fmt: skip
    last = table(
        ws, 3, ["順位", "編", "項番", "見出し", "この文言の版", "対象の団体",
                *(s.title for s in GAP_STATUSES), "未対応・旧版の割合", "やさしい説明"],
        rows, [6, 9, 10, 30, 14, 9, *(9 for _ in GAP_STATUSES), 19, 60],
    )  # fmt: skip
    for row in range(4, last + 1):
        ws.cell(row=row, column=7 + len(GAP_STATUSES)).number_format = "0.0%"  # the share
    a4(ws, landscape=True)


def _trend_sheet(ws: Worksheet, result: SurveyResult) -> None:
    _title(ws, "年ごとの推移", f"調査の記録（{result.target.label}との照合）にある各年の集計です。")
    editions = [e for e, _ in result.editions]
    rows = [
        [t.year, t.bodies, t.newest, share(t.share_newest), t.median_lag, t.failed,
         *(t.by_version.get(e, 0) for e in editions)]
        for t in result.trend
    ]  # fmt: skip
    headers = ["年", "団体数", "最新版", "最新版の割合", "遅れの中央値（年）", "読み取れず",
               *(result.labels[e] for e in editions)]  # fmt: skip
    last = table(
        ws, 3, headers, rows, [7, 9, 9, 13, 19, 11, *([14] * len(editions))], filters=False
    )
    for row in range(4, last + 1):
        ws.cell(row=row, column=4).number_format = "0.0%"
    if len(result.trend) < 2:
        put(ws, last + 2, 1, "前年以前の記録がないため、推移は来年以降の調査から表示されます。",
            border=False, wrap=False)  # fmt: skip
    a4(ws, landscape=True)


def _failed_sheet(ws: Worksheet, result: SurveyResult) -> None:
    _title(
        ws,
        "読み取れなかった資料",
        f"{len(result.failed)}件。理由に沿って直し、もう一度調査してください。",
    )
    rows = [[f.file, f.code or "", f.reason] for f in result.failed]
    rows += [[s.file, "", f"（読み飛ばし）{s.reason}"] for s in result.skipped]
    table(ws, 3, ["ファイル", "団体コード", "理由"], rows, [40, 10, 80])
    a4(ws, landscape=True)


def _note_sheet(ws: Worksheet, result: SurveyResult) -> None:
    _title(ws, "この集計で言えること・言えないこと")
    widths = [22, 100]
    r = 3
    for text in NOTE:
        # one paragraph across both columns, its height estimated like the tables'
        put(ws, r, 1, f"・{text}", border=False)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        fit_height(ws, r, [f"・{text}"], [sum(widths)])
        r += 1
    r += 1
    put(ws, r, 1, "注意の印の意味", font=TITLE_FONT, border=False, wrap=False)
    table(ws, r + 1, ["印", "意味"], [[t, e] for t, e in FLAG_INFO.values()], widths,
          filters=False, freeze=False)  # fmt: skip
    a4(ws, landscape=True)


# --- HTML ----------------------------------------------------------------------------------


def _scale(value: float | None, low: float, high: float, reverse: bool = False) -> str:
    """A background colour from red (worse) through yellow to green (better)."""
    if value is None or high <= low:
        return ""
    t = (value - low) / (high - low)
    t = 1 - t if reverse else t
    stops = ((248, 105, 107), (255, 235, 132), (99, 190, 123))
    a, b, u = (stops[0], stops[1], t * 2) if t < 0.5 else (stops[1], stops[2], t * 2 - 1)
    rgb = (round(x + (y - x) * u) for x, y in zip(a, b, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def write_survey_html(result: SurveyResult, path: str | Path) -> Path:
    dist = _distribution(result)
    # the chart's label column is narrow: edition ids (2015-03), full labels in the table
    chart = bar_chart(
        [("判定できず" if e == UNKNOWN_EDITION else e, count,
          _BAR_NEWEST if e == result.target.id else _BAR)
         for e, count in result.by_version.items()],
        width=560,
    )  # fmt: skip
    shares = [g.share_newest for g in result.by_prefecture if g.share_newest is not None]
    lags = [g.median_lag for g in result.by_prefecture if g.median_lag is not None]
    prefectures = [
        (g, _scale(g.share_newest, min(shares, default=0), max(shares, default=1)),
         _scale(g.median_lag, min(lags, default=0), max(lags, default=1), reverse=True))
        for g in result.by_prefecture
    ]  # fmt: skip
    trend_chart = bar_chart(
        [(f"{t.year}年", t.newest, _BAR_NEWEST) for t in result.trend], width=560
    )
    html = render_html(
        "survey.html.j2",
        title=f"情報セキュリティポリシーの改定状況 全国調査（{result.year}年）",
        result=result,
        lines=summary_lines(result),
        dist=dist,
        chart=chart,
        prefectures=prefectures,
        trend_chart=trend_chart,
        top=result.top_clauses(),
        uptake_note=UPTAKE_NOTE,
        labels=result.labels,
        note=NOTE,
        flag_info=FLAG_INFO,
        label=lambda e: _label(result, e),
        pct=share_text,
        years=_years,
        behind_n=BEHIND,
        status=Status,
    )
    return write_atomic(path, html)


# --- per-clause rows -----------------------------------------------------------------------


def write_clauses_csv(result: SurveyResult, path: str | Path) -> Path:
    """Every body × clause of the target (UTF-8 with BOM, for Excel): a workbook could not
    hold 1,788 × 338 rows comfortably, a CSV can.

    600,000 rows: each field is quoted once (the body's, and each clause × status), not once
    per row; the bytes are those of :func:`csv.writer` row by row (≈ 1.2 → 0.2 s).
    """
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CLAUSE_COLUMNS)
    tails = [
        {ch: _csv_fields(c.key, c.number, status.value, status.title) + "\r\n"
         for ch, status in CODE_STATUS.items()}
        for c in result.target.clauses
    ]  # fmt: skip
    for b in result.bodies:
        codes = result.statuses.get(b.body, "")
        head = _csv_fields(b.code or "", b.name) + ","
        buf.write("".join(head + tail[ch] for tail, ch in zip(tails, codes, strict=False)))
    return write_atomic(path, buf.getvalue())


def _csv_fields(*fields: str) -> str:
    """``fields`` as :func:`csv.writer` writes them in a row (quoted where needed)."""
    one = io.StringIO()
    csv.writer(one, lineterminator="").writerow([csv_safe(f) for f in fields])
    return one.getvalue()
