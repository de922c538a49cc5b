"""The reports in the programs people open them with (LibreOffice, Chromium)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from gapcheck.catalog.loader import load_catalog
from gapcheck.gaps.audit import audit
from gapcheck.gaps.decisions import read_decisions
from gapcheck.readers.formats import read_policy
from gapcheck.render.audit_page import audit_page
from gapcheck.render.report_html import write_html
from gapcheck.render.report_xlsx import write_workbook
from gapcheck.synth.sample import generate_policy, write_sample

from .clients import chromium, pdf_page_texts, soffice_convert


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("clients")
    catalog = load_catalog()
    write_sample(generate_policy(catalog.edition("2018-09"), seed=11), tmp / "policy.xlsx")
    report = audit(read_policy(tmp / "policy.xlsx"), catalog)
    page = audit_page(report, catalog)
    return (
        tmp,
        write_workbook(page, tmp / "report.xlsx"),
        write_html(page, tmp / "report.html"),
    )


def test_overview_prints_on_one_page(reports):
    tmp, workbook, _ = reports
    pdf = soffice_convert(workbook, "pdf", tmp / "pdf", tmp / "lo-profile")
    pages = pdf_page_texts(pdf)
    assert "点検結果（概要）" in pages[0]
    assert "委員会で決めていただくこと" in pages[0]  # the last block of 概要 is on page 1
    assert "点検結果（概要）" not in pages[1]
    assert "やさしい説明" in pages[1]  # page 2 starts the next sheet (対応一覧)


def test_decisions_survive_a_libreoffice_resave(reports):
    tmp, workbook, _ = reports
    wb = load_workbook(workbook)
    wb["対応一覧"]["L2"] = "対象外"
    wb["対応一覧"]["M2"] = "該当業務なし"
    edited = tmp / "edited.xlsx"
    wb.save(edited)
    resaved_dir = tmp / "resaved"
    resaved = soffice_convert(
        edited, "xlsx:Calc MS Excel 2007 XML", resaved_dir, tmp / "lo-profile"
    )
    decisions = read_decisions(resaved)
    assert [(d.decision, d.reason, d.target) for d in decisions] == [
        ("対象外", "該当業務なし", "2025-03")
    ]


def test_html_renders_and_prints_in_chromium(reports):
    tmp, _, page = reports
    pdf = tmp / "page.pdf"
    result = chromium(
        [f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri()], tmp / "chrome"
    )
    assert pdf.exists() and pdf.stat().st_size > 10_000, result.stderr[-2000:]
    console = [
        line for line in result.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line
    ]
    assert console == []
    pages = pdf_page_texts(pdf)
    assert len(pages) > 1
    assert "概要" in pages[0]
    shot = tmp / "page.png"
    chromium([f"--screenshot={shot}", "--window-size=1280,1800", page.as_uri()], tmp / "chrome")
    assert shot.exists() and shot.stat().st_size > 10_000
