"""Reading a guideline document (PDF, Word, text) as lines (issue #5): page numbers and
running headers removed, several files read as one stream; checked through the parsed clauses.
"""

from __future__ import annotations

import docx

from gapcheck.catalog.loader import load_catalog
from gapcheck.importing.document import read_document
from gapcheck.importing.guideline_parser import parse_guideline
from tests.guideline_pdf import document_entries, small_clauses, write_pdf

ED = load_catalog(None).edition("2025-03")


def test_page_numbers_removed_and_wrapped_lines_joined(tmp_path):
    text = "\n".join(
        [
            "第2編 情報セキュリティポリシー（例文）",
            "第2章 情報セキュリティ対策基準",
            "６．　人的セキュリティ",
            "６．４．　ID及びパスワード等の管理",
            "（１）　ICカード等の取扱い",
            "職員等は、認証に使うICカード等を他人と",
            "ⅱ- 12",
            "\f地方公共団体における情報セキュリティポリシーに関するガイドライン ⅱ-13",
            "共有してはならない。次の事項を守らなければならない。",
            "ⅱ-13",
            "\f地方公共団体における情報セキュリティポリシーに関するガイドライン ⅱ-14",
            "（ア）　紛失時は直ちに届け出ること。",
            "ア　他人に貸さないこと。",
            "(2) パスワードの取扱い",
            "職員等は、パスワードを適切に管理することが望ましい。手順は別に定める。",
            "① パスワードの秘匿",
            "職員等は、パスワードを秘密にし、照会に応じてはならない。",
            "②　職員等は、必要に応じてパスワードを変更することができる。",
        ]
    )
    path = tmp_path / "g.txt"
    path.write_text(text, encoding="cp932")
    parsed = parse_guideline(read_document([path]))
    got = [
        (c.number, c.headings[-1], c.text, c.level.value, c.needs_procedure) for c in parsed.clauses
    ]
    assert got == [
        ("6.4.(1)", "ICカード等の取扱い",
         "職員等は、認証に使うICカード等を他人と共有してはならない。次の事項を守らなければならない。"
         "（ア）　紛失時は直ちに届け出ること。ア　他人に貸さないこと。", "duty", False),
        ("6.4.(2)", "パスワードの取扱い",
         "職員等は、パスワードを適切に管理することが望ましい。手順は別に定める。", "recommendation", True),
        ("6.4.(2)①", "パスワードの秘匿", "職員等は、パスワードを秘密にし、照会に応じてはならない。", "duty", False),
        ("6.4.(2)②", "パスワードの取扱い",
         "職員等は、必要に応じてパスワードを変更することができる。", "permission", False),
    ]  # fmt: skip


def test_docx_input(tmp_path):
    clauses = small_clauses(ED)[:6]
    document = docx.Document()
    for e in document_entries(clauses, "令和7年3月版"):
        if e.kind != "page":
            document.add_paragraph(e.text)
    path = tmp_path / "本編.docx"
    document.save(path)
    parsed = parse_guideline(read_document([path]))
    assert [(c.number, c.text) for c in parsed.clauses] == [(c.number, c.text) for c in clauses]
    assert parsed.cover.label == "令和7年3月版"


def test_parts_in_several_files(tmp_path):
    entries = document_entries(small_clauses(ED), "令和7年3月版")
    half = len(entries) // 2
    first = write_pdf(entries[:half], tmp_path / "1.pdf", "令和7年3月版")
    second = write_pdf(entries[half:], tmp_path / "2.pdf", "令和7年3月版")
    parsed = parse_guideline(read_document([first, second]))
    assert len(parsed.clauses) == len(small_clauses(ED))
