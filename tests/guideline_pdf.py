"""Guideline-like documents generated from catalog editions, for the import tests and benchmark.

reportlab's built-in CID fonts need no font files (TECH-NOTES.md). The layout imitates the
published guideline (DOMAIN.md §3): a cover with the label and 策定/改定 dates, a dot-leader
TOC, 第1編 総則, 第2編 例文 (基本方針, 対策基準), optionally 第3編 解説, page numbers such as
``ⅱ-12`` and ``ⅱ- 12`` in the footer, a running header, full-width numbering in some
sections and long clauses wrapped over page breaks. The texts are the catalog's own digest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from gapcheck.diff import DiffKind, EditionDiff
from gapcheck.model import Clause, Edition, Part
from gapcheck.numbering import ClauseNumber, circled

MINCHO = "HeiseiMin-W3"
GOTHIC = "HeiseiKakuGo-W5"
for _font in (MINCHO, GOTHIC):
    pdfmetrics.registerFont(UnicodeCIDFont(_font))

WIDTH, HEIGHT = A4
LEFT, RIGHT = 60.0, 60.0
TOP, BOTTOM = 70.0, 70.0
SIZE, LEADING = 10.5, 16.0
TITLE = "地方公共団体における情報セキュリティポリシーに関するガイドライン"
_FULL = str.maketrans("0123456789.()", "０１２３４５６７８９．（）")


@dataclass(frozen=True)
class Entry:
    """One paragraph of the document: ``kind`` is body, heading, toc, title, page."""

    kind: str
    text: str
    roman: str = "ⅱ"  # part numeral of the page numbers from here on


def _labels(number: ClauseNumber, full: bool) -> list[tuple[str, str]]:
    """(node id, printed label) for each level of a clause number."""
    out = [(f"{number.section}", f"{number.section}.")]
    if number.sub:
        out.append((f"{number.section}.{number.sub}", f"{number.section}.{number.sub}."))
    if number.item:
        out.append((f"{out[-1][0]}.({number.item})", f"({number.item})"))
    if number.subitem:
        out.append((f"{out[-1][0]}{circled(number.subitem)}", circled(number.subitem)))
    if full:
        out = [(i, label.translate(_FULL)) for i, label in out]
    return out


def example_entries(
    clauses: Iterable[Clause],
    commentary: int = 0,
    fullwidth_every: int = 3,
) -> tuple[list[Entry], list[Entry]]:
    """第2編 (and, with ``commentary`` paragraphs per clause, 第3編) of ``clauses``."""
    examples: list[Entry] = []
    notes: list[Entry] = []
    seen: set[tuple[Part, str]] = set()
    seen_notes: set[tuple[Part, str]] = set()
    part = None
    chapters = {
        Part.BASIC: "第1章 情報セキュリティ基本方針",
        Part.STANDARDS: "第2章 情報セキュリティ対策基準",
    }
    for c in clauses:
        if c.part is not part:
            part = c.part
            examples.append(Entry("heading", chapters[part]))
            if commentary:
                notes.append(Entry("heading", chapters[part] + "（解説）", "ⅲ"))
        number = ClauseNumber.parse(c.number)
        full = fullwidth_every > 0 and number.section % fullwidth_every == 1
        for (node, label), heading in zip(_labels(number, full), c.headings, strict=True):
            sep = "\u3000" if full else " "
            if (c.part, node) not in seen:
                seen.add((c.part, node))
                examples.append(Entry("heading", f"{label}{sep}{heading}"))
            if commentary and (c.part, node) not in seen_notes:
                seen_notes.add((c.part, node))
                notes.append(Entry("heading", f"{label}{sep}{heading}", "ⅲ"))
        examples.append(Entry("body", c.text))
        if commentary:
            notes.append(Entry("heading", "【趣旨】", "ⅲ"))
            notes.append(Entry("body", f"本項は、{c.heading}について定めるものである。", "ⅲ"))
            notes.append(Entry("heading", "【例文】", "ⅲ"))
            notes.append(Entry("body", c.text, "ⅲ"))
            notes.append(Entry("heading", "【解説】", "ⅲ"))
            for k in range(commentary):
                notes.append(Entry("body", _commentary(c, k), "ⅲ"))
    return examples, notes


def _commentary(c: Clause, k: int) -> str:
    return (
        f"（注{k + 1}）{c.heading}に関しては、各地方公共団体の規模や体制に応じて具体的な運用を"
        f"定めることが考えられる。例文の趣旨は、{c.text}という点にある。実施手順においては、"
        "担当者、確認の頻度、記録の方法等を明らかにし、定期的に見直すことが重要である。"
    )


def document_entries(
    clauses: Sequence[Clause],
    label: str,
    established: str = "平成13年3月30日",
    revised: str = "令和7年3月28日",
    commentary: int = 0,
    fullwidth_every: int = 3,
) -> list[Entry]:
    examples, notes = example_entries(clauses, commentary, fullwidth_every)
    cover = [
        Entry("title", TITLE, ""),
        Entry("title", f"（{label}）", ""),
        Entry("title", f"{established} 策定", ""),
        Entry("title", f"{revised} 改定", ""),
        Entry("title", "総務省", ""),
        Entry("page", "", "ⅰ"),
    ]
    toc = [Entry("heading", "目次", "ⅰ"), Entry("toc", "第1編 総則", "ⅰ")]
    toc.append(Entry("toc", "第2編 情報セキュリティポリシー（例文）", "ⅰ"))
    for e in examples:
        if e.kind == "heading" and (e.text.startswith("第") or _toc_level(e.text)):
            toc.append(Entry("toc", e.text, "ⅰ"))
    if commentary:
        toc.append(Entry("toc", "第3編 情報セキュリティポリシー（解説）", "ⅰ"))
    general = [
        Entry("page", "", "ⅰ"),
        Entry("heading", "第1編 総則", "ⅰ"),
        Entry("heading", "1. 本ガイドラインの目的", "ⅰ"),
        Entry("body", "本ガイドラインは、地方公共団体が情報セキュリティポリシーの策定や見直しを行う際の参考として、考え方及び例文を示すものである。", "ⅰ"),
        Entry("heading", "2. 改定の経緯", "ⅰ"),
        Entry("body", f"本ガイドラインは{established}に策定され、その後の情勢の変化に応じて改定を重ね、{revised}に改定した。", "ⅰ"),
        Entry("page", "", "ⅱ"),
        Entry("heading", "第2編 情報セキュリティポリシー（例文）"),
    ]  # fmt: skip
    out = cover + toc + general + examples
    if commentary:
        out += [
            Entry("page", "", "ⅲ"),
            Entry("heading", "第3編 情報セキュリティポリシー（解説）", "ⅲ"),
        ]
        out += notes
    return out


def _toc_level(text: str) -> bool:
    """Sections and subsections go into the TOC (``6.`` / ``６．４．``)."""
    head = (
        text.split(" ")[0]
        .split("\u3000")[0]
        .translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    )
    return bool(head) and head.endswith(".") and head.replace(".", "").isdigit()


def _wrap(text: str, font: str, width: float) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(current + ch, font, SIZE) > width:
            lines.append(current)
            current = ""
        current += ch
    if current:
        lines.append(current)
    return lines or [""]


class _Writer:
    def __init__(self, path: Path, label: str, encrypt: str | None = None):
        self.c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
        self.label = label
        self.page_in_part = 0
        self.roman = ""
        self.y = HEIGHT - TOP
        self.started = False

    def _footer(self) -> None:
        if not self.roman:
            return
        self.page_in_part += 1
        n = self.page_in_part
        text = f"{self.roman}-{n}" if n % 2 else f"{self.roman}- {n}"  # the stray space (DOMAIN §3)
        self.c.setFont(MINCHO, 9)
        if n % 3 == 0:
            self.c.drawRightString(WIDTH - RIGHT, 28, text)
        else:
            self.c.drawCentredString(WIDTH / 2, 28, text)
        self.c.setFont(MINCHO, 8)
        self.c.drawString(LEFT, HEIGHT - 30, f"{TITLE}（{self.label}）")

    def new_page(self, roman: str | None = None) -> None:
        if self.started:
            self._footer()
            self.c.showPage()
        if roman is not None and roman != self.roman:
            self.roman = roman
            self.page_in_part = 0
        self.y = HEIGHT - TOP
        self.started = True

    def line(self, text: str, font: str, x: float = LEFT) -> None:
        if not self.started or self.y < BOTTOM:
            self.new_page()
        self.c.setFont(font, SIZE)
        self.c.drawString(x, self.y, text)
        self.y -= LEADING

    def save(self) -> None:
        self._footer()
        self.c.showPage()
        self.c.save()


def write_pdf(entries: Iterable[Entry], path: Path, label: str, encrypt: str | None = None) -> Path:
    w = _Writer(path, label, encrypt)
    w.new_page("")
    for e in entries:
        if e.kind == "page":
            w.new_page(e.roman)
        elif e.kind == "title":
            w.c.setFont(GOTHIC, 14)
            w.c.drawCentredString(WIDTH / 2, w.y - 120, e.text)
            w.y -= 40
        elif e.kind == "toc":
            dots = "." * 12
            w.line(f"{e.text} {dots} {e.roman or 'ⅱ'}-{1 + len(e.text) % 9}", MINCHO)
        elif e.kind == "heading":
            for part in _wrap(e.text, GOTHIC, WIDTH - LEFT - RIGHT):
                w.line(part, GOTHIC)
        else:
            indent = SIZE
            for part in _wrap(e.text, MINCHO, WIDTH - LEFT - RIGHT - indent):
                w.line(part, MINCHO, LEFT + indent)
    w.save()
    return path


def write_text(entries: Iterable[Entry], path: Path, encoding: str = "utf-8") -> Path:
    """The same document as a plain-text file (one paragraph a line, pages split by \\f)."""
    out = []
    for e in entries:
        if e.kind == "page":
            out.append("\f")
        elif e.kind == "toc":
            out.append(f"{e.text}……………… ⅱ-3\n")
        else:
            out.append(e.text + "\n")
    path.write_text("".join(out), encoding=encoding)
    return path


def make_guideline_pdf(
    path: Path,
    edition: Edition,
    clauses: Sequence[Clause] | None = None,
    commentary: int = 0,
    revised: str | None = None,
    encrypt: str | None = None,
) -> Path:
    """A guideline-like PDF of ``edition`` (or of ``clauses`` with its label)."""
    year, month = edition.id.split("-")
    era_year = int(year) - 2018
    revised = revised or f"令和{'元' if era_year == 1 else era_year}年{int(month)}月28日"
    entries = document_entries(
        list(clauses if clauses is not None else edition.clauses),
        edition.label,
        revised=revised,
        commentary=commentary,
    )
    return write_pdf(entries, path, edition.label, encrypt=encrypt)


def make_table_pdf(path: Path, diff: EditionDiff, skip: int = 0) -> Path:
    """A two-column 新旧対照表 (改定後 | 改定前) of ``diff``; ``skip`` leaves out that many rows."""
    style = ParagraphStyle("cell", fontName=MINCHO, fontSize=9, leading=13, wordWrap="CJK")
    head = ParagraphStyle("head", fontName=GOTHIC, fontSize=10, leading=14)

    def cell(number: str | None, heading: str, text: str | None, absent: str) -> Paragraph:
        if number is None or text is None:
            return Paragraph(absent, style)
        return Paragraph(f"{number} {heading}<br/>{text}", style)

    rows = [[Paragraph("改定後", head), Paragraph("改定前", head)]]
    for change in diff.changes[skip:]:
        if change.kind in (DiffKind.SPLIT, DiffKind.MERGED):
            continue
        rows.append(
            [
                cell(change.new_number, change.heading, change.new_text, "（削除）"),
                cell(change.old_number, change.heading, change.old_text, "（新設）"),
            ]
        )
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=40, rightMargin=40)
    table = Table(rows, colWidths=[(WIDTH - 80) / 2] * 2, repeatRows=1)
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    doc.build([table])
    return path


def small_clauses(edition):
    """A few sections of ``edition``: 基本方針 1–3 (full-width numbering in 1) and 対策基準 6.4."""
    return [
        c
        for c in edition
        if (c.part is Part.BASIC and c.section in ("1", "2", "3"))
        or (c.part is Part.STANDARDS and c.section == "6.4")
    ]
