"""The audit reports: the workbook (reopened with openpyxl), the HTML page, plain language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from openpyxl.cell.rich_text import CellRichText

from gapcheck.catalog.loader import load_catalog, load_catalog_from
from gapcheck.gaps.audit import audit
from gapcheck.gaps.decisions import Decision, read_decisions
from gapcheck.readers.formats import read_policy
from gapcheck.readers.policy import Policy, PolicyRow
from gapcheck.render.audit_page import audit_page
from gapcheck.render.html import annotate_terms
from gapcheck.render.report_html import render
from gapcheck.render.report_xlsx import write_workbook
from gapcheck.synth.sample import generate_policy, write_sample
from gapcheck.text.plain import average_sentence_length, problems

SHEETS = ["概要", "対応一覧", "対応一覧（印刷用）", "新旧対照表（改正案）", "改定の経緯", "独自規定", "廃止条項", "実施手順",
          "用語集", "情報"]  # fmt: skip
PAYLOADS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@cmd", '=HYPERLINK("http://example.com","x")',
            "<script>alert(1)</script>"]  # fmt: skip


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    """A fictional town following 令和2年12月版, with hostile text in a local row."""
    tmp = tmp_path_factory.mktemp("town")
    catalog = load_catalog()
    generated = generate_policy(catalog.edition("2020-12"), seed=7)
    write_sample(generated, tmp / "policy.xlsx", tmp / "truth.json")
    policy = read_policy(tmp / "policy.xlsx")
    hostile = tuple(
        PolicyRow(sheet="対策基準", row=900 + n, number=f"第9{n}条", heading=p, text=p)
        for n, p in enumerate(PAYLOADS)
    )
    policy = Policy(policy.path, policy.sha256, policy.kind, policy.rows + hostile, policy.sheet)
    report = audit(policy, catalog)
    page = audit_page(report, catalog)
    path = write_workbook(page, tmp / "report.xlsx")
    return catalog, report, page, path


def test_workbook_sheets_chart_dropdowns(town):
    _, report, page, path = town
    summary = page.summary
    wb = load_workbook(path, rich_text=True)
    assert wb.sheetnames == SHEETS
    overview = wb["概要"]
    assert len(overview._charts) == 1
    assert overview["A3"].value == summary.headline + summary.lag_sentence
    assert int(overview.page_setup.paperSize) == 9  # A4
    assert (overview.page_setup.scale, overview.page_setup.orientation) == (100, "portrait")
    listing = wb["対応一覧"]
    assert listing.max_row == 1 + len(report.clauses)
    assert listing.freeze_panes == "A2"
    assert listing.auto_filter.ref.startswith("A1:")
    (dv,) = listing.data_validations.dataValidation
    assert dv.formula1 == '"対応済,改定予定,対象外,要検討"'
    assert str(dv.sqref) == f"L2:L{listing.max_row}"
    assert listing.print_title_rows == "$1:$1"


def test_no_text_becomes_a_formula_or_link(town):
    *_, path = town
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                # the only formulas: the printed list's look-ups of the reviewer's entries
                if ws.title == "対応一覧（印刷用）" and cell.column in (7, 8, 9) and cell.row > 1:
                    assert cell.value in ("", None) or cell.value.startswith("=IFERROR(INDEX(")
                else:
                    assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                assert cell.hyperlink is None
    local = [c.value for c in wb["独自規定"]["D"] if c.value]
    for payload in PAYLOADS:
        assert payload in local


def test_amendment_marks_changes_with_underline(town):
    _, _, page, path = town
    summary = page.summary
    ws = load_workbook(path, rich_text=True)["新旧対照表（改正案）"]
    assert [c.value for c in ws[1]] == ["下線部が改正する部分です。", None, None, None]
    # one table per document, each titled and with its own header row
    titles = [c.value for c in ws["A"] if isinstance(c.value, str) and c.value.endswith("の改正案")]
    headers = [r for r in ws.iter_rows(values_only=True) if r == ("条", "改正後", "改正前", "備考")]
    assert (titles, len(headers)) == (["本町基本方針の改正案", "本町対策基準の改正案"], 2)
    rich = [c for c in ws["B"][2:] if isinstance(c.value, CellRichText)]
    deleted = [e for e in summary.amendment if e.kind == "delete"]
    assert len(rich) == len(summary.amendment) - len(deleted)
    assert [c.value for c in ws["B"][2:] if c.value == "（削除）"] == ["（削除）"] * len(deleted)
    underlined = [
        b for c in rich for b in c.value if not isinstance(b, str) and b.font.u == "single"
    ]
    assert underlined
    new = [e for e in summary.amendment if e.kind == "new"]
    assert new and all("（新設）" in e.label for e in new)
    # the body's own name replaces the guideline's 本市 (docs/domain.md §4)
    assert summary.body == "本町"
    assert not any("本市" in sp.text for e in summary.amendment for sp in e.proposed)


def test_decisions_round_trip_through_the_workbook(town, tmp_path):
    catalog, report, _, path = town
    wb = load_workbook(path)
    ws = wb["対応一覧"]
    ws["L2"], ws["M2"], ws["N2"], ws["O2"] = (
        "対象外",
        "該当する業務がない",
        "情報政策課",
        "2026-03-31",
    )
    ws["L3"] = "改定予定"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    decisions = read_decisions(edited)
    keys = [c.key for c in report.target][:2]
    assert decisions == (
        Decision(keys[0], "対象外", "該当する業務がない", "情報政策課", "2026-03-31", "2025-03",
                 report.clauses[0].clause.display_number),
        Decision(keys[1], "改定予定", "", "", "", "2025-03", report.clauses[1].clause.display_number),
    )  # fmt: skip
    again = audit(report.policy, catalog, decisions=decisions)
    assert again.clauses[0].status.value == "not-applicable"


def test_plain_language_rules(town):
    catalog, _, page, _ = town
    texts = [text for _, text in page.texts]
    assert problems(texts) == []
    assert average_sentence_length(texts) <= 50
    # every glossary term is explained (footnote) at its first use on the page
    html = render(page)
    section = html.split('id="s-summary"')[1].split('id="s-list"')[0]
    visible = re.sub(r"<[^>]+>", "", section)
    for term in catalog.glossary:
        names = [n for n in (term.term, *term.aliases) if n in visible]
        if not names:
            continue
        first = min(names, key=visible.index)
        idx = section.index(first)
        assert section[max(0, idx - 200) : idx].rfind('class="term"') != -1, term.term


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "対策基準 4.(1)⑦ を直してください。",
            ["見出しのない項番: 4.(1)⑦（対策基準 4.(1)⑦ を直してください。…）"],
        ),
        ("対策基準 4.(1)⑦（画面転送）を直してください。", []),
        (
            "見直しが必要な条項は 12 あります。",
            ["単位のない数: 12（見直しが必要な条項は 12 あります。…）"],
        ),
        ("見直しが必要な条項は12件です。令和7年3月版です。", []),
        ("あ" * 60 + "。", ["一文の平均が61字です（50字以内に）"]),
    ],
)
def test_plain_language_checker(text, expected):
    assert problems([text]) == expected


def test_html_is_self_contained_and_escaped(town):
    _, _, page, _ = town
    html = render(page)
    assert html.startswith('<!DOCTYPE html>\n<html lang="ja">')
    assert "<script" not in html.replace("&lt;script&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    urls = set(re.findall(r"https?://[^\s\"'<>&]+", html)) - {"http://www.w3.org/2000/svg"}
    assert urls == {"http://example.com"}  # only inside the escaped payload text
    assert '<a href="http' not in html
    assert "<svg" in html and '<u class="chg">' in html
    assert 'scope="col"' in html


def test_annotate_terms_marks_first_use_only():
    from gapcheck.catalog.model import Term

    marked, notes = annotate_terms(["LGWANとLGWAN", "LGWAN接続系"], [
        Term("LGWAN", "行政専用の網"), Term("LGWAN接続系", "LGWANにつながる系統")])  # fmt: skip
    assert [str(m) for m in marked] == [
        '<span class="term" title="行政専用の網">LGWAN<sup><a href="#term-1">※1</a></sup></span>とLGWAN',
        '<span class="term" title="LGWANにつながる系統">LGWAN接続系<sup><a href="#term-2">※2</a>'
        "</sup></span>",
    ]
    assert [t.term for t in notes] == ["LGWAN", "LGWAN接続系"]


def test_html_golden(make_catalog, update_golden, golden_dir):
    catalog = load_catalog_from([make_catalog()])
    rows = (
        PolicyRow("本文", 3, "第1条", "パスワード", "職員はパスワードを他人に教えてはならない。"),
        PolicyRow("本文", 4, "第2条", "防犯", "本町の庁舎には防犯カメラを設置する。<b>"),
    )
    report = audit(Policy("町の規程.xlsx", "ab" * 32, "spreadsheet", rows, "本文"), catalog)
    html = render(audit_page(report, catalog, today=dt.date(2026, 4, 1)))
    golden = golden_dir / "audit_small.html"
    if update_golden:
        golden.write_text(html, encoding="utf-8")
    assert html == golden.read_text(encoding="utf-8")
