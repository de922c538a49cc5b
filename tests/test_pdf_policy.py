"""Policies published only as PDF (issue #21): a text-layer PDF is read as 例規 text, an
image-only PDF is refused with a message, and the input is never changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from gapcheck import load_catalog
from gapcheck.errors import PolicyFormatError
from gapcheck.gaps.audit import audit
from gapcheck.readers.formats import read_policy

MINCHO = "HeiseiMin-W3"
pdfmetrics.registerFont(UnicodeCIDFont(MINCHO))

# Our own text, in the layout a 町's 規程 is printed: captions above articles, 項 and 号.
POLICY_LINES = [
    "青葉町情報セキュリティ規程",
    "第1章　総則",
    "（目的）",
    "第1条　この規程は、町が持つ情報を守るために必要な事項を定めるものとする。",
    "（定義）",
    "第2条　この規程で使う用語の意味は、次のとおりとする。",
    "(1)　ネットワーク　パソコン等をつなぐ通信網及びその機器をいう。",
    "(2)　情報システム　パソコン、ネットワーク及び記録媒体で業務の情報を処理する仕組みをいう。",
    "第2章　組織",
    "（最高情報セキュリティ責任者）",
    "第3条　副町長を最高情報セキュリティ責任者（CISO）とし、町の情報セキュリティに関する事務を"
    "総括させる。",
    "2　CISOは、情報セキュリティの専門的な知見を持つ者を助言者として置くことができる。",
]


def _text_pdf(path: Path, lines: list[str], *, pages: int = 1) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    per_page = -(-len(lines) // pages)
    for p in range(pages):
        y = 760  # below the running-header band a printed page leaves
        c.setFont(MINCHO, 10.5)
        for line in lines[p * per_page : (p + 1) * per_page]:
            # long lines wrap at 44 characters, as a printed page does
            for start in range(0, len(line), 44):
                c.drawString(50, y, line[start : start + 44])
                y -= 16
        c.drawString(290, 30, f"- {p + 1} -")  # a page number, not a provision
        c.showPage()
    c.save()
    return path


def _scan(path: Path) -> Path:
    c = canvas.Canvas(str(path), pagesize=A4)
    for i in range(2):
        c.rect(50, 100 + i * 300, 400, 200, fill=1)
        c.showPage()
    c.save()
    return path


def test_text_layer_pdf_is_read_as_reiki(tmp_path):
    path = _text_pdf(tmp_path / "規程.pdf", POLICY_LINES, pages=2)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    policy = read_policy(path)
    assert policy.kind == "reiki"
    assert policy.sha256 == before == hashlib.sha256(path.read_bytes()).hexdigest()
    assert [(r.row, r.heading) for r in policy.rows] == [
        ("第1条第1項", "目的"),
        ("第2条第1項", "定義"),
        ("第2条第1項第1号", "定義"),
        ("第2条第1項第2号", "定義"),
        ("第3条第1項", "最高情報セキュリティ責任者"),
        ("第3条第2項", "最高情報セキュリティ責任者"),
    ]
    # a wrapped line is one provision again, with nothing lost at the page's right margin
    assert policy.rows[4].text.endswith("事務を総括させる。")
    report = audit(policy, load_catalog())
    assert report.read_summary["rows"] == 6


def test_image_only_pdf_is_refused(tmp_path):
    path = _scan(tmp_path / "scan.pdf")
    with pytest.raises(PolicyFormatError) as info:
        read_policy(path)
    assert str(info.value) == (
        f"{path}: PDF に文字のデータ（テキスト層）がありません（スキャンした画像の PDF です）。"
        "OCR でテキスト層を付けた PDF か、Word・テキスト版を指定してください。"
    )


def test_broken_pdf_is_refused(tmp_path):
    good = _text_pdf(tmp_path / "ok.pdf", POLICY_LINES).read_bytes()
    path = tmp_path / "broken.pdf"
    path.write_bytes(good[: len(good) // 3])
    with pytest.raises(PolicyFormatError) as info:
        read_policy(path)
    assert str(info.value) == (
        f"{path}: PDF を読み込めません（壊れているか、途中で切れています）。"
        "ダウンロードし直してから指定してください。"
    )


def test_a_pdf_too_long_for_a_policy_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr("gapcheck.readers.texts.MAX_PDF_PAGES", 1)
    path = _text_pdf(tmp_path / "長い.pdf", POLICY_LINES, pages=2)
    with pytest.raises(PolicyFormatError) as info:
        read_policy(path)
    assert str(info.value) == (
        f"{path}: PDF が 2 ページあり、長すぎます（上限 1 ページ）。"
        "必要な部分だけの PDF かテキストを指定してください。"
    )
