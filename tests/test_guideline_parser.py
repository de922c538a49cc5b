"""Parsing a read guideline: cover, numbering, headings, levels and commentary (issue #5)."""

from __future__ import annotations

import pytest

from gapcheck.catalog.loader import load_catalog
from gapcheck.importing.document import Line, read_document
from gapcheck.importing.guideline_parser import Cover, parse_cover, parse_guideline
from gapcheck.text.wareki import parse_wareki
from tests.guideline_pdf import document_entries, make_guideline_pdf, small_clauses, write_text

ED = load_catalog(None).edition("2025-03")


def test_small_pdf_numbers_headings_and_texts(tmp_path):
    clauses = small_clauses(ED)
    pdf = make_guideline_pdf(tmp_path / "g.pdf", ED, clauses)
    parsed = parse_guideline(read_document([pdf]))
    assert [(c.part, c.number, c.headings) for c in parsed.clauses] == [
        (c.part, c.number, c.headings) for c in clauses
    ]
    assert [c.text for c in parsed.clauses] == [c.text for c in clauses]
    assert [c.level for c in parsed.clauses] == [c.level for c in clauses]
    assert parsed.cover == Cover(
        "令和7年3月版", parse_wareki("平成13年3月30日"), parse_wareki("令和7年3月28日")
    )
    assert parsed.warnings == ()


def test_first_part_and_commentary_are_not_clauses(tmp_path):
    clauses = small_clauses(ED)[:4]
    entries = document_entries(clauses, "令和7年3月版", commentary=2)
    parsed = parse_guideline(read_document([write_text(entries, tmp_path / "g.txt")]))
    assert [c.number for c in parsed.clauses] == [c.number for c in clauses]
    assert parsed.clauses[0].commentary.startswith("本項は、目的について定めるものである。（注1）")


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["（令和6年10月版）", "平成15年3月18日策定", "令和6年10月2日改定"],
            ("令和6年10月版", "2024-10"),
        ),
        (["(令和７年３月版)", "令和七年三月二十八日 改定"], ("令和7年3月版", "2025-03")),
        (["ガイドライン", "平成30年9月25日 策定"], (None, "2018-09")),
        (["（令和元年4月版）"], (None, None)),
    ],
)
def test_parse_cover(lines, expected):
    cover = parse_cover([Line(t, "c.pdf", 1) for t in lines])
    assert (cover.label, cover.month_id) == expected
