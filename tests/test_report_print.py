"""The audit reports on paper (issue #13): one-page summary at 9 pt or more, a chart that
covers nothing, a readable printed clause list, the government's change marks, a header
with the body, the date and 「取扱注意」 and a page number on every page, no clause keys."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from gapcheck.catalog.loader import load_catalog, load_catalog_from
from gapcheck.gaps.audit import audit
from gapcheck.gaps.decisions import read_decisions
from gapcheck.gaps.status import Status
from gapcheck.pipeline import DEMO_EDITION, DEMO_SEED
from gapcheck.readers.formats import read_policy
from gapcheck.readers.policy import Policy, PolicyRow
from gapcheck.render.audit_page import audit_page
from gapcheck.render.report_html import render, write_html
from gapcheck.render.report_xlsx import (
    KEY_HEADER,
    LIST_SHEET,
    PORTRAIT_HEIGHT,
    PRINT_SHEET,
    PRINT_WIDTHS,
    SUMMARY_WIDTHS,
    UNIT_PT,
    lookup_formula,
    write_workbook,
)
from gapcheck.synth.sample import generate_policy, write_sample

from .clients import chromium, pdf_page_texts, soffice_convert

_DAY = dt.date.today()
TODAY = f"{_DAY.year}年{_DAY.month}月{_DAY.day}日"
HEADER = ("本町 情報セキュリティポリシー点検結果", "取扱注意", f"点検日 {TODAY}")
PORTRAIT_WIDTH = 595 - 2 * 0.5 * 72  # A4 portrait minus the side margins, in points
LANDSCAPE_WIDTH = 842 - 2 * 0.5 * 72


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """What `gapcheck demo` writes: the fictional town on 令和2年12月版."""
    tmp = tmp_path_factory.mktemp("demo")
    catalog = load_catalog()
    generated = generate_policy(catalog.edition(DEMO_EDITION), seed=DEMO_SEED, tier="light")
    write_sample(generated, tmp / "policy.xlsx", tmp / "truth.json")
    report = audit(read_policy(tmp / "policy.xlsx"), catalog)
    page = audit_page(report, catalog)
    return (
        tmp,
        catalog,
        page,
        write_workbook(page, tmp / "report.xlsx"),
        write_html(page, tmp / "report.html"),
    )


def _fonts(ws, rows):
    """Every type size used in ``rows`` (cell fonts and rich-text runs)."""
    sizes = set()
    for row in ws.iter_rows(min_row=rows[0], max_row=rows[-1]):
        for cell in row:
            if cell.value in (None, ""):
                continue
            if isinstance(cell.value, CellRichText):
                sizes |= {b.font.sz for b in cell.value if not isinstance(b, str)}
            else:
                sizes.add(cell.font.sz)
    return sizes


def _print_rows(ws):
    first, last = re.findall(r"\$[A-Z]+\$(\d+)", ws.print_area)
    return list(range(int(first), int(last) + 1))


def test_summary_is_one_a4_page_at_9pt_or_more(demo):
    *_, path, _ = demo
    ws = load_workbook(path, rich_text=True)["概要"]
    setup = ws.page_setup
    rows = _print_rows(ws)
    height = sum(ws.row_dimensions[r].height or 15 for r in rows)
    widths = [ws.column_dimensions[c].width for c in "ABCDE"]
    scale = setup.scale / 100
    assert (setup.paperSize, setup.orientation, ws.sheet_properties.pageSetUpPr.fitToPage) == (
        9, "portrait", False)  # fmt: skip
    assert widths == SUMMARY_WIDTHS
    assert sum(widths) * UNIT_PT * scale <= PORTRAIT_WIDTH
    assert height * scale <= PORTRAIT_HEIGHT
    assert min(_fonts(ws, rows)) * scale >= 9


def test_chart_sits_beside_the_status_table_and_labels_every_bar(demo):
    *_, path, _ = demo
    ws = load_workbook(path)["概要"]
    (chart,) = ws._charts
    anchor = chart.anchor
    rows = range(anchor._from.row + 1, anchor.to.row + 1)  # 1-based rows it covers
    cols = range(anchor._from.col + 1, anchor.to.col + 1)
    under = [
        ws.cell(row=r, column=c).coordinate
        for r in rows
        for c in cols
        if ws.cell(row=r, column=c).value not in (None, "")
    ]
    titles = ("状況", *(s.title for s in Status))
    status_rows = [r for r in range(1, 20) if ws.cell(row=r, column=2).value in titles]
    assert under == []
    assert (list(rows), list(cols)) == (status_rows, [3, 4, 5])
    assert ws.cell(row=max(rows) + 2, column=1).value.startswith("優先して取り組むこと")
    labels = chart.dataLabels
    assert (labels.showVal, labels.showCatName, labels.showSerName) == (True, False, False)


def test_every_printed_page_has_the_header_and_a_page_number(demo):
    *_, path, _ = demo
    wb = load_workbook(path)
    found = {
        ws.title: (ws.oddHeader.left.text, ws.oddHeader.center.text, ws.oddHeader.right.text,
                   ws.oddFooter.left.text, ws.oddFooter.center.text)
        for ws in wb.worksheets
    }  # fmt: skip
    assert found == {name: (*HEADER, "&A", "&P / &N ページ") for name in wb.sheetnames}


def test_printed_clause_list_is_readable_gaps_first(demo):
    _, _, summary, path, _ = demo
    wb = load_workbook(path)
    ws = wb[PRINT_SHEET]
    headers = [c.value for c in ws[1]]
    widths = [ws.column_dimensions[chr(65 + n)].width for n in range(len(headers))]
    gaps = [f for f in summary.report.clauses if f.status.value in (
        "missing", "outdated", "partial", "review")]  # fmt: skip
    body = list(ws.iter_rows(min_row=2, max_row=1 + len(gaps), values_only=True))
    assert headers == ["項番", "見出し", "状況", "優先度", "やさしい説明", "対応案", "判断", "担当",
                       "期限"]  # fmt: skip
    assert widths == PRINT_WIDTHS and sum(widths) * UNIT_PT <= LANDSCAPE_WIDTH
    assert (ws.page_setup.scale, ws.page_setup.orientation) == (100, "landscape")
    assert min(_fonts(ws, range(1, ws.max_row + 1))) >= 9
    assert [r[3] for r in body] == sorted((r[3] for r in body), key=["高", "中", "低", None].index)
    assert {r[2] for r in body} == {f.status.title for f in gaps} >= {"未対応", "旧版のまま"}
    by_number = {f.clause.display_number: f.key for f in gaps}
    assert [r[6:] for r in body] == [
        tuple(lookup_formula(c, by_number[r[0]]) for c in "LNO") for r in body
    ]
    assert ws.cell(row=2 + len(gaps), column=1).value == (
        "対応済み236件・対象外0件の条項は印刷を省略しています（全条項は画面の一覧にあります）。"
    )
    assert ws.max_row == 2 + len(gaps)
    # the full list keeps every column on screen; its clause key is hidden but still there
    listing = wb[LIST_SHEET]
    key_col = [c.value for c in listing[1]].index(KEY_HEADER)
    assert listing.column_dimensions[chr(65 + key_col)].hidden is True
    assert listing.max_column == 17


def test_lookup_formula():
    assert lookup_formula("L", 'a"b') == (
        '=IFERROR(INDEX(\'対応一覧\'!$L:$L,MATCH("a""b",\'対応一覧\'!$P:$P,0))&"","")'
    )


def test_no_clause_key_where_a_person_reads(demo):
    _, catalog, summary, path, page = demo
    keys = {c.key for ed in catalog.editions for c in ed} | {
        k for r in summary.report.rows for k in r.clauses
    }
    pattern = re.compile("|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)))
    wb = load_workbook(path)
    seen = []
    for ws in wb.worksheets:
        hidden = {k for k, d in ws.column_dimensions.items() if d.hidden}
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or cell.data_type == "f":
                    continue
                if cell.column_letter in hidden:
                    continue
                if isinstance(cell.value, str) and pattern.search(cell.value):
                    seen.append((ws.title, cell.coordinate, pattern.search(cell.value).group(0)))
    visible = re.sub(
        r"<style.*?</style>|<[^>]+>", " ", page.read_text(encoding="utf-8"), flags=re.S
    )
    assert seen == []
    assert pattern.findall(visible) == []
    removed = [c.value for c in wb["廃止条項"]["E"][1:]]
    assert removed == [
        "令和4年3月版 対策基準 5.4.(6)（職員等の利用する端末や電磁的記録媒体等の管理・旧式の可搬記録媒体の管理）",
        "令和4年3月版 対策基準 7.4.(3)②（職員等の遵守事項・定期的な全ファイル検査）",
    ]


def test_similarity_says_what_it_compares_with(demo):
    *_, path, _ = demo
    ws = load_workbook(path)[LIST_SHEET]
    headers = [c.value for c in ws[1]]
    col = headers.index("最も近い版の文言との類似度")
    status = headers.index("状況")
    outdated = {row[col] for row in ws.iter_rows(min_row=2, values_only=True)
                if row[status] == "旧版のまま"}  # fmt: skip
    covered = {type(row[col]) for row in ws.iter_rows(min_row=2, values_only=True)
               if row[status] == "対応済み"}  # fmt: skip
    # e.g. 「令和2年12月版の文言と一致」, 「令和4年3月版の文言と98%」: never a bare 100%
    assert [
        v for v in outdated if not re.fullmatch(r"(平成|令和)\d+年\d+月版の文言と(一致|\d\d?%)", v)
    ] == []
    assert "令和2年12月版の文言と一致" in outdated
    assert covered == {int}


def test_amendment_underlines_both_columns(make_catalog, tmp_path):
    catalog = load_catalog_from([make_catalog()])
    rows = (
        PolicyRow("本文", 3, "第1条", "長さ", "職員はパスワードを十分な長さにしなければならない。"),
        PolicyRow("本文", 4, "第2条", "共有", "職員はパスワードを他人に教えてはならない。"),
        PolicyRow("本文", 5, "第3条", "紙", "職員はパスワードを紙に書いてはならない。"),
    )
    report = audit(Policy("規程.xlsx", "ab" * 32, "spreadsheet", rows, "本文"), catalog)
    page = audit_page(report, catalog, today=dt.date(2026, 4, 1))
    path = write_workbook(page, tmp_path / "small.xlsx")
    ws = load_workbook(path, rich_text=True)["新旧対照表（改正案）"]

    def marks(value):
        if not isinstance(value, CellRichText):
            return value
        for b in value:
            assert isinstance(b, str) or not b.font.strike  # never struck through
        return [(b.text, b.font.u == "single") for b in value if not isinstance(b, str)]

    table = [[marks(c.value) for c in row] for row in ws.iter_rows(min_row=1)]
    assert table == [
        ["下線部が改正する部分です。", None, None, None],
        ["本市対策基準の改正案", None, None, None],
        ["条", "改正後", "改正前", "備考"],
        ["冒頭（新設）", [("重要なシステムでは多要素認証を使わなければならない。", True)],
         "（新設）", "対策基準 1.1.(1)（人的セキュリティ・ID及びパスワード等の管理）を新たに規定"],
        ["第2条 共有",
         [("職員はパスワードを", False), ("誰にも教えず、共用してはならない", True), ("。", False)],
         [("職員はパスワードを", False), ("他人に教えてはならない", True), ("。", False)],
         "令和3年1月版 対策基準 1.1.(3) に合わせて改正"],
        ["第3条 紙", "（削除）", [("職員はパスワードを紙に書いてはならない。", True)],
         "国の指針で削除された内容に基づく規定"],
    ]  # fmt: skip
    html = render(page)
    section = html.split('id="s-amend"')[1].split("</section>")[0]
    assert "<del" not in section and "line-through" not in section
    assert section.count('<u class="chg">') == 4
    assert "下線部が改正する部分です。" in section and "（削除）" in section


def test_html_print_rules(demo):
    *_, page = demo
    html = page.read_text(encoding="utf-8")
    css = html.split("<style>")[1].split("</style>")[0]
    sizes = [float(v) for v in re.findall(r"font-size:\s*([\d.]+)pt", css)]
    assert min(sizes) >= 9
    assert re.findall(r"@(top-left|top-center|top-right|bottom-center) \{ content: ([^;]+);", css) == [
        ("top-left", f'"{HEADER[0]}"'), ("top-center", f'"{HEADER[1]}"'),
        ("top-right", f'"{HEADER[2]}"'), ("bottom-center", 'counter(page) " / " counter(pages) " ページ"'),
    ]  # fmt: skip
    assert ".screen-only, tr.ok, .np { display: none !important; }" in css
    listing = html.split('id="s-list"')[1].split("</section>")[0]
    assert listing.count('<tr class="ok">') == 236
    assert "対応済み236件・対象外0件の条項は印刷を省略しています" in listing


def test_workbook_prints_as_designed_in_libreoffice(demo, tmp_path):
    """One LibreOffice conversion: 概要 is page 1 only, every page carries the header and
    its number, the printed list shows a decision entered in 対応一覧."""
    _, _, page, path, _ = demo
    wb = load_workbook(path)
    listing = wb[LIST_SHEET]
    first_gap = page.open_first[0].finding  # the first row of the printed list
    row = 2 + page.report.clauses.index(first_gap)
    listing[f"L{row}"], listing[f"N{row}"], listing[f"O{row}"] = "改定予定", "情報政策課", "2027-03"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    pages = pdf_page_texts(soffice_convert(edited, "pdf", tmp_path, tmp_path / "lo"))[:-1]
    numbered = [bool(re.search(rf"\b{n} / {len(pages)} ページ", p)) for n, p in enumerate(pages, 1)]
    headed = [all(h in p for h in HEADER) for p in pages]
    assert numbered == [True] * len(pages) and headed == [True] * len(pages)
    assert "用語の説明" in pages[0] and "業務委託:" in pages[0]  # the last block of 概要
    assert "点検結果（概要）" not in pages[1]
    printed = [p for p in pages if re.search(rf"^\s*{re.escape(PRINT_SHEET)}\s", p, re.M)]
    assert printed and "改定予定" in printed[0] and "情報政策課" in printed[0]
    assert [d.decision for d in read_decisions(edited)] == ["改定予定"]


def test_html_prints_as_designed_in_chromium(demo, tmp_path):
    *_, page = demo
    pdf = tmp_path / "page.pdf"
    result = chromium(
        [f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()], tmp_path / "chrome"
    )
    assert pdf.exists(), result.stderr[-2000:]
    pages = pdf_page_texts(pdf)[:-1]
    numbered = [f"{n} / {len(pages)} ページ" in p for n, p in enumerate(pages, 1)]
    headed = [all(h in p for h in HEADER) for p in pages]
    assert numbered == [True] * len(pages) and headed == [True] * len(pages)
    assert "用語の説明" in pages[0] and "何もしないと" in pages[0]
    assert "対応一覧" in pages[1] and "情報セキュリティポリシー点検結果（" not in pages[1]
    listing = "".join(p for p in pages if "印刷を省略" in p or "対応案" in p)
    assert "対応済み236件・対象外0件の条項は印刷を省略しています" in listing
