"""Guideline-like documents generated from catalog editions, for the import tests and benchmark.

reportlab's built-in CID fonts need no font files. The layout imitates the published
guideline (docs/domain.md §3): a cover with the label and 策定/改定 dates, a dot-leader
TOC, 第1編 総則, 第2編 例文 (基本方針, 対策基準), optionally 第3編 解説, page numbers such as
``ⅱ-12`` and ``ⅱ- 12`` in the footer, a running header, full-width numbering in some
sections and long clauses wrapped over page breaks. The texts are the catalog's own digest.

``layouts`` (:data:`LAYOUTS`, issue #12) set the same content the other ways published PDFs
are set: dot leaders to the margin in the 目次, framed 例文 and 【趣旨】/【例文】/【解説】
blocks, tables, footnotes, two columns, landscape pages, figure and blank pages, a page in a
font without a Unicode map; ``garble`` makes chosen pages unreadable. :func:`score` measures
an import against the edition it came from.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from gapcheck.catalog.model import Clause, Edition, Part
from gapcheck.diff import DiffKind, EditionDiff
from gapcheck.text.numbering import ClauseNumber, circled

MINCHO = "HeiseiMin-W3"
GOTHIC = "HeiseiKakuGo-W5"
for _font in (MINCHO, GOTHIC):
    pdfmetrics.registerFont(UnicodeCIDFont(_font))
# The same faces under another encoding, patched to Identity-H after saving: a font without a
# Unicode map, whose text pdfminer can only give as (cid:N) — a page that cannot be read.
GARBLED = {MINCHO: "GarbledMin", GOTHIC: "GarbledGo"}
for _font, _name in GARBLED.items():
    _garbled = UnicodeCIDFont(_font, isHalfWidth=True)
    _garbled.name = _garbled.fontName = _name
    pdfmetrics.registerFont(_garbled)

# Layouts of issue #12: each one a way the published PDF may be set (see write_pdf).
LAYOUTS = (
    "leaders",  # 目次 with ASCII dot leaders to the right margin: pages mostly of dots
    "leaders-mixed",  # 目次 leaders of 「…」「・」「‥」「．」「.」 in turn
    "boxed",  # 例文 in frames; 第3編 with framed 【趣旨】/【例文】/【解説】 blocks
    "tables",  # 定義 as a two-column table (term | meaning); a 改定履歴 table of dates
    "footnotes",  # superscript marks in the text, notes in small type at the foot of pages
    "two-column",  # 第2編 onward set in two columns
    "landscape",  # every fourth page of 第2編 onward in landscape
    "figures",  # figure pages (boxes with labels, arrows, a caption) between sections
    "blank",  # blank pages (running header and page number only) between sections
    "garbled",  # the 第1編 page set in a font without a Unicode map
)
# the documents the import is scored on: each layout alone, and two that combine them (a
# table's term column needs a full-width page, so tables are not set in two columns)
LAYOUT_CASES: dict[str, tuple[str, ...]] = {name: (name,) for name in LAYOUTS} | {
    "mixed": tuple(name for name in LAYOUTS if name not in ("two-column", "leaders")),
    "mixed-columns": ("two-column", "leaders", "footnotes", "figures", "blank", "landscape"),
}

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
    extra: str = ""  # a table row's text (kind ``row``)


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
    layouts: frozenset[str] = frozenset(),
    commentary_parts: frozenset[Part] = frozenset(Part),
) -> tuple[list[Entry], list[Entry]]:
    """第2編 (and, with ``commentary`` paragraphs per clause, 第3編) of ``clauses``.

    ``layouts`` (see :data:`LAYOUTS`) adds table rows for the definitions, footnotes,
    figure and blank pages between sections."""
    examples: list[Entry] = []
    boundaries = 0
    last_section: tuple[Part, int] | None = None
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
            if commentary and part in commentary_parts:
                notes.append(Entry("heading", chapters[part] + "（解説）", "ⅲ"))
        number = ClauseNumber.parse(c.number)
        if last_section is not None and last_section != (c.part, number.section):
            boundaries += 1
            if "figures" in layouts and boundaries % 4 == 1:
                examples.append(Entry("figure", f"図{boundaries} {c.headings[0]}の体系"))
            if "blank" in layouts and boundaries % 4 == 3:
                examples.append(Entry("blank", ""))
        last_section = (c.part, number.section)
        full = fullwidth_every > 0 and number.section % fullwidth_every == 1
        labels = _labels(number, full)
        # 定義 as table rows: the item's number and term on the left, its meaning on the right
        as_row = (
            "tables" in layouts
            and c.part is Part.BASIC
            and number.section == 2
            and bool(number.item)
            and not number.subitem
        )
        for k, ((node, label), heading) in enumerate(zip(labels, c.headings, strict=True)):
            sep = "\u3000" if full else " "
            if (c.part, node) not in seen:
                seen.add((c.part, node))
                if as_row and k == len(labels) - 1:
                    examples.append(Entry("row", f"{label}{sep}{heading}", extra=c.text))
                else:
                    examples.append(Entry("heading", f"{label}{sep}{heading}"))
            if commentary and c.part in commentary_parts and (c.part, node) not in seen_notes:
                seen_notes.add((c.part, node))
                notes.append(Entry("heading", f"{label}{sep}{heading}", "ⅲ"))
        if not as_row:
            note = ""
            if "footnotes" in layouts and len(examples) % 7 == 0:
                note = f"{c.heading}の具体的な運用は、別に定める実施手順による。"
            examples.append(Entry("body", c.text, extra=note))
        if commentary and c.part in commentary_parts:
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
    layouts: frozenset[str] = frozenset(),
    commentary_parts: frozenset[Part] = frozenset(Part),
) -> list[Entry]:
    examples, notes = example_entries(
        clauses, commentary, fullwidth_every, layouts, commentary_parts
    )
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
        Entry("page", "garbled" if "garbled" in layouts else "", "ⅰ"),
        Entry("heading", "第1編 総則", "ⅰ"),
        Entry("heading", "1. 本ガイドラインの目的", "ⅰ"),
        Entry("body", "本ガイドラインは、地方公共団体が情報セキュリティポリシーの策定や見直しを行う際の参考として、考え方及び例文を示すものである。", "ⅰ"),
        Entry("heading", "2. 改定の経緯", "ⅰ"),
        Entry("body", f"本ガイドラインは{established}に策定され、その後の情勢の変化に応じて改定を重ね、{revised}に改定した。", "ⅰ"),
    ]  # fmt: skip
    if "tables" in layouts:
        # a 改定履歴 table: dates and marks, little prose
        general.append(Entry("heading", "表1 改定履歴", "ⅰ"))
        for k, year in enumerate(range(13, 31, 2)):
            general.append(
                Entry(
                    "row",
                    f"平成{year}年{1 + k % 12}月",
                    "ⅰ",
                    f"第{k + 1}版 ○ {k * 3 + 1}–{k * 3 + 3}",
                )
            )
    general += [
        Entry("page", "", "ⅱ"),
        Entry("heading", "第2編 情報セキュリティポリシー（例文）"),
    ]
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


def _wrap(text: str, font: str, width: float, size: float = SIZE) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if pdfmetrics.stringWidth(current + ch, font, size) > width:
            lines.append(current)
            current = ""
        current += ch
    if current:
        lines.append(current)
    return lines or [""]


GUTTER = 24.0
LABEL_WIDTH = 180.0  # the term column of a table row
FOOT_BOTTOM = 115.0  # with footnotes, the body stops here; notes are set below
_LEADERS = ("…", "・", "‥", "．", ".")
_FIGURE_LABELS = ("組織体制", "情報資産", "物理的対策", "人的対策", "技術的対策", "運用")


class _Writer:
    def __init__(
        self,
        path: Path,
        label: str,
        encrypt: str | None = None,
        layouts: frozenset[str] = frozenset(),
        garble: frozenset[int] = frozenset(),
    ):
        self.c = canvas.Canvas(str(path), pagesize=A4, encrypt=encrypt)
        self.garble = garble
        self.page_no = 0
        self.label = label
        self.layouts = layouts
        self.page_in_part = 0
        self.roman = ""
        self.w, self.h = WIDTH, HEIGHT
        self.cols = 1
        self.col = 0
        self.y = self.h - TOP
        self.started = False
        self.garbled = False
        self.notes: list[str] = []
        self.note_count = 0
        self.toc_count = 0

    # -- geometry
    @property
    def bottom(self) -> float:
        return FOOT_BOTTOM if "footnotes" in self.layouts else BOTTOM

    @property
    def colw(self) -> float:
        return (self.w - LEFT - RIGHT - (self.cols - 1) * GUTTER) / self.cols

    @property
    def x(self) -> float:
        return LEFT + self.col * (self.colw + GUTTER)

    def font(self, name: str) -> str:
        return GARBLED[name] if self.garbled else name

    def _footer(self) -> None:
        if self.notes:
            self.c.setLineWidth(0.5)
            self.c.line(LEFT, FOOT_BOTTOM - 12, LEFT + 120, FOOT_BOTTOM - 12)
            y = FOOT_BOTTOM - 24
            for note in self.notes:
                for part in _wrap(note, MINCHO, self.w - LEFT - RIGHT, 8):
                    self.c.setFont(MINCHO, 8)
                    self.c.drawString(LEFT, y, part)
                    y -= 10
            self.notes = []
        if not self.roman:
            return
        self.page_in_part += 1
        n = self.page_in_part
        # every other page with the stray space after the hyphen (docs/domain.md §3)
        text = f"{self.roman}-{n}" if n % 2 else f"{self.roman}- {n}"
        self.c.setFont(MINCHO, 9)
        if n % 3 == 0:
            self.c.drawRightString(self.w - RIGHT, 28, text)
        else:
            self.c.drawCentredString(self.w / 2, 28, text)
        self.c.setFont(MINCHO, 8)
        self.c.drawString(LEFT, self.h - 30, f"{TITLE}（{self.label}）")

    def new_page(self, roman: str | None = None, garbled: bool = False) -> None:
        if self.started:
            self._footer()
            self.c.showPage()
        if roman is not None and roman != self.roman:
            self.roman = roman
            self.page_in_part = 0
        body = self.roman in ("ⅱ", "ⅲ")
        wide = "landscape" in self.layouts and body and (self.page_in_part + 1) % 4 == 0
        self.w, self.h = landscape(A4) if wide else A4
        self.c.setPageSize((self.w, self.h))
        self.cols = 2 if "two-column" in self.layouts and body else 1
        self.col = 0
        self.page_no += 1
        self.garbled = garbled or self.page_no in self.garble
        self.y = self.h - TOP
        self.started = True

    def advance(self) -> None:
        """The next column, or the next page."""
        if not self.started:
            self.new_page()
        elif self.col + 1 < self.cols:
            self.col += 1
            self.y = self.h - TOP
        else:
            self.new_page()

    def room(self) -> None:
        if not self.started or self.y < self.bottom:
            self.advance()

    def line(self, text: str, font: str, indent: float = 0.0) -> float:
        self.room()
        self.c.setFont(self.font(font), SIZE)
        self.c.drawString(self.x + indent, self.y, text)
        self.y -= LEADING
        return self.y + LEADING

    # -- blocks
    def paragraph(self, text: str, font: str, indent: float, framed: bool, note: str) -> None:
        pad = 6.0 if framed else 0.0
        first: float | None = None
        last, rest, part = 0.0, text, ""
        while rest:
            if self.started and self.y < self.bottom and first is not None:
                self._frame(indent, first, last, framed)
                first = None
            self.room()
            # wrapped here, not in advance: the next page may be wider (landscape) or narrower
            part = _wrap(rest, font, self.colw - indent - 2 * pad)[0]
            rest = rest[len(part) :]
            y = self.line(part, font, indent + pad)
            first = y if first is None else first
            last = y
        if first is not None:
            self._frame(indent, first, last, framed)
        if note:
            # a superscript mark after the text, the note at the foot of this page
            self.note_count += 1
            width = pdfmetrics.stringWidth(part, font, SIZE)
            self.c.setFont(MINCHO, 6)
            self.c.drawString(self.x + indent + pad + width + 1, last + 5, str(self.note_count))
            self.notes.append(f"{self.note_count} {note}")

    def _frame(self, indent: float, first: float, last: float, framed: bool) -> None:
        if framed:
            self.c.setLineWidth(0.7)
            self.c.rect(
                self.x + indent, last - 5, self.colw - indent, first - last + SIZE + 8, fill=0
            )

    def row(self, left: str, right: str) -> None:
        rest, k = right, 0
        while rest:
            self.room()
            label_width = min(LABEL_WIDTH, self.colw * 0.4)
            part = _wrap(rest, MINCHO, self.colw - label_width - 12)[0]
            rest = rest[len(part) :]
            top = self.y + SIZE + 3
            if k == 0:
                self.c.setFont(self.font(GOTHIC), SIZE)
                self.c.drawString(self.x + 6, self.y, left)
                self.c.setLineWidth(0.5)
                self.c.line(self.x, top, self.x + self.colw, top)
            self.c.setFont(self.font(MINCHO), SIZE)
            self.c.drawString(self.x + label_width + 6, self.y, part)
            self.c.line(self.x + label_width, top, self.x + label_width, top - LEADING)
            self.y -= LEADING
            k += 1
        self.c.line(self.x, self.y + SIZE + 3, self.x + self.colw, self.y + SIZE + 3)

    def toc(self, text: str, page: str) -> None:
        leaders = "leaders" in self.layouts or "leaders-mixed" in self.layouts
        if not leaders:
            self.line(f"{text} {'.' * 12} {page}", MINCHO)
            return
        leader = (
            _LEADERS[self.toc_count % len(_LEADERS)] if "leaders-mixed" in self.layouts else "."
        )
        self.toc_count += 1
        room = self.colw - pdfmetrics.stringWidth(f"{text}  {page}", MINCHO, SIZE) - 2 * SIZE
        count = max(4, int(room / pdfmetrics.stringWidth(leader, MINCHO, SIZE)))
        self.line(f"{text} {leader * count} {page}", MINCHO)

    def figure(self, caption: str) -> None:
        """A page of its own: labelled boxes joined by arrows, and a caption."""
        self.new_page()
        c = self.c
        c.setLineWidth(0.8)
        top = self.h - TOP - 60
        centres = []
        for k, label in enumerate(_FIGURE_LABELS):
            x = LEFT + 20 + (k % 3) * 160
            y = top - (k // 3) * 120
            c.rect(x, y - 10, 110, 34, fill=0)
            c.setFont(GOTHIC, SIZE)
            c.drawCentredString(x + 55, y + 2, label)
            centres.append((x + 55, y - 10))
        for (x0, y0), (x1, y1) in itertools.pairwise(centres[:3]):
            c.line(x0 + 55, y0 + 17, x1 - 55, y1 + 17)
        c.circle(self.w / 2, top - 300, 60, fill=0)
        c.setFont(GOTHIC, SIZE)
        c.drawCentredString(self.w / 2, top - 400, caption)
        self.new_page()

    def save(self) -> None:
        self._footer()
        self.c.showPage()
        self.c.save()


def write_pdf(
    entries: Iterable[Entry],
    path: Path,
    label: str,
    encrypt: str | None = None,
    layouts: Iterable[str] = (),
    garble: Iterable[int] = (),
) -> Path:
    """``entries`` as a PDF; ``layouts`` (see :data:`LAYOUTS`) choose how it is set;
    the pages numbered in ``garble`` (1-based) are set in a font without a Unicode map."""
    layouts = frozenset(layouts)
    unknown = layouts - set(LAYOUTS)
    assert not unknown, unknown
    garble = frozenset(garble)
    w = _Writer(path, label, encrypt, layouts, garble)
    w.new_page("")
    framed = "boxed" in layouts
    for e in entries:
        if e.kind == "page":
            w.new_page(e.roman, garbled=e.text == "garbled")
        elif e.kind == "blank":
            w.new_page()
            w.new_page()
        elif e.kind == "figure":
            w.figure(e.text)
        elif e.kind == "title":
            w.c.setFont(GOTHIC, 14)
            w.c.drawCentredString(w.w / 2, w.y - 120, e.text)
            w.y -= 40
        elif e.kind == "toc":
            w.toc(e.text, f"{e.roman or 'ⅱ'}-{1 + len(e.text) % 9}")
        elif e.kind == "heading":
            for part in _wrap(e.text, GOTHIC, w.colw):
                w.line(part, GOTHIC)
        elif e.kind == "row":
            w.row(e.text, e.extra)
        else:
            w.paragraph(e.text, MINCHO, SIZE, framed, e.extra)
    w.save()
    if "garbled" in layouts or garble:
        data = path.read_bytes()
        path.write_bytes(data.replace(b"/UniJIS-UCS2-HW-H", b"/Identity-H".ljust(17)))
    return path


def write_text(entries: Iterable[Entry], path: Path, encoding: str = "utf-8") -> Path:
    """The same document as a plain-text file (one paragraph a line, pages split by \\f)."""
    out = []
    for e in entries:
        if e.kind == "page":
            out.append("\f")
        elif e.kind == "toc":
            out.append(f"{e.text}……………… ⅱ-3\n")
        elif e.kind == "row":
            out.append(f"{e.text}\n{e.extra}\n")
        elif e.kind == "blank":
            out.append("\f\f")
        elif e.kind == "figure":
            pass
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
    layouts: Iterable[str] = (),
    garble: Iterable[int] = (),
    commentary_parts: Iterable[Part] = tuple(Part),
) -> Path:
    """A guideline-like PDF of ``edition`` (or of ``clauses`` with its label), set in
    ``layouts`` (see :data:`LAYOUTS`), the pages in ``garble`` unreadable; 第3編 covers
    ``commentary_parts``."""
    layouts = frozenset(layouts)
    year, month = edition.id.split("-")
    era_year = int(year) - 2018
    revised = revised or f"令和{'元' if era_year == 1 else era_year}年{int(month)}月28日"
    entries = document_entries(
        list(clauses if clauses is not None else edition.clauses),
        edition.label,
        revised=revised,
        commentary=commentary,
        layouts=layouts,
        commentary_parts=frozenset(commentary_parts),
    )
    return write_pdf(entries, path, edition.label, encrypt=encrypt, layouts=layouts, garble=garble)


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


@dataclass(frozen=True)
class Score:
    """How much of ``expected`` an import recovered (issue #5 targets: 0.99 / 0.98 / 0.98)."""

    clauses: int  # in the expected edition
    number_heading: int  # found at its number with the same headings
    exact: int  # found at its number with the same text (after normalize)
    linked: int  # found at its number with the key it has in the catalog (or a new key)

    def shares(self) -> tuple[float, float, float]:
        n = max(1, self.clauses)
        return (self.number_heading / n, self.exact / n, self.linked / n)


def score(got: Iterable[Clause], expected: Edition, base: Edition) -> Score:
    """``got`` (an imported edition's clauses) against ``expected`` (the catalog's edition):
    a key counts as linked when it is the catalog's own, or both are new to ``base``."""
    from gapcheck.text.normalize import normalize

    found = {(c.part, c.number): c for c in got}

    def base_key(key: str) -> str | None:
        return key if key in base else None

    n = heading = exact = linked = 0
    for c in expected:
        n += 1
        g = found.get((c.part, c.number))
        if g is None:
            continue
        heading += g.headings == c.headings
        exact += normalize(g.text) == normalize(c.text)
        linked += base_key(g.key) == base_key(c.key)
    return Score(n, heading, exact, linked)
