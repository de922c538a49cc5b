"""The text of a Word document as a reader sees it with every change accepted (issue #26).

python-docx's ``Paragraph.text`` reads only the runs directly under a paragraph, so text inside
tracked insertions (``w:ins``), content controls (``w:sdt``), simple fields (``w:fldSimple``),
smart tags, hyperlinks in some producers and text boxes (``w:txbxContent``) is silently lost —
a 例規 edited with 変更履歴 loses whole articles. This module walks the body's XML itself:

- tracked changes in the *accepted* view: insertions and moved-to text kept; deletions,
  moved-from text and deleted table rows dropped; a paragraph whose mark was deleted joins the
  next one, as Word shows it after 「すべての変更を反映」;
- content controls, custom XML, smart tags, hyperlinks and field results read; field codes
  (``w:instrText``) not;
- text boxes read once (the drawing's own content; the legacy VML fallback copy is skipped),
  as paragraphs after the paragraph that anchors them;
- what cannot be read as text (embedded objects such as a pasted Excel table) is counted, so
  the caller can warn the user.

The blocks are plain data: :class:`WordParagraph` and :class:`WordTable` (rows of cells of
blocks), in document order.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_P, _TBL, _TR, _TC = _w("p"), _w("tbl"), _w("tr"), _w("tc")
_T, _TAB, _BR, _CR = _w("t"), _w("tab"), _w("br"), _w("cr")
_DEL, _MOVE_FROM, _INSTR, _DEL_INSTR = (
    _w("del"),
    _w("moveFrom"),
    _w("instrText"),
    _w("delInstrText"),
)
_FLD_CHAR, _TXBX, _OBJECT = _w("fldChar"), _w("txbxContent"), _w("object")
_PPR, _RPR, _TRPR, _TCPR, _SECT = _w("pPr"), _w("rPr"), _w("trPr"), _w("tcPr"), _w("sectPr")
_PSTYLE, _VMERGE, _VAL = _w("pStyle"), _w("vMerge"), _w("val")
_NO_BREAK_HYPHEN = _w("noBreakHyphen")
_FALLBACK = f"{{{MC}}}Fallback"
_FLD_TYPE = _w("fldCharType")
_BR_TYPE = _w("type")

# property elements never hold the document's text
_PROPERTIES = frozenset({_PPR, _RPR, _TRPR, _TCPR, _SECT})


@dataclass(frozen=True)
class WordParagraph:
    text: str  # line breaks inside the paragraph as "\n"
    style: str = ""  # the paragraph style's name ("Heading 1", 「見出し 1」), "" if none


@dataclass(frozen=True)
class WordTable:
    rows: tuple[tuple[tuple[WordBlock, ...], ...], ...]  # rows → cells → blocks


WordBlock = WordParagraph | WordTable


@dataclass
class WordText:
    """A document's blocks and what could not be read as text."""

    blocks: list[WordBlock] = field(default_factory=list)
    objects: int = 0  # embedded objects (an OLE spreadsheet, an equation) with no text read


def word_text(document: Any) -> WordText:
    """The blocks of a python-docx ``Document``'s body with every tracked change accepted."""
    names = {}
    for style in document.styles:
        try:
            names[style.style_id] = style.name or ""
        except Exception:  # a damaged style entry names nothing
            continue
    walker = _Walker(names)
    blocks = list(walker.blocks(document.element.body))
    return WordText(blocks=blocks, objects=walker.objects)


def block_lines(blocks: list[WordBlock] | tuple[WordBlock, ...]) -> Iterator[str]:
    """Every line of the blocks in order; a table's cells one after another (a merged cell
    once)."""
    for block in blocks:
        if isinstance(block, WordTable):
            for row in block.rows:
                for cell in row:
                    yield from block_lines(cell)
        else:
            yield from block.text.split("\n")


def cell_text(cell: tuple[WordBlock, ...]) -> str:
    """A table cell's text, its lines joined by spaces."""
    return " ".join(line.strip() for line in block_lines(cell) if line.strip())


class _Walker:
    def __init__(self, styles: dict[str, str]) -> None:
        self.styles = styles
        self.objects = 0
        self.in_field_code = False  # between a complex field's begin and separate
        self.carry = ""  # text of paragraphs whose mark was deleted, joined to the next

    def blocks(self, container: Any) -> Iterator[WordBlock]:
        for child in container.iterchildren():
            tag = child.tag
            if tag == _P:
                yield from self._paragraph(child)
            elif tag == _TBL:
                yield self._table(child)
            elif tag in (_DEL, _MOVE_FROM) or tag in _PROPERTIES or tag == _FALLBACK:
                continue
            elif isinstance(tag, str):
                # content controls (w:sdt/w:sdtContent), custom XML, w:ins around blocks, …
                yield from self.blocks(child)
        if self.carry:
            text, self.carry = self.carry, ""
            yield WordParagraph(text)

    def _table(self, tbl: Any) -> WordTable:
        rows = []
        for tr in self._descendants_until(tbl, _TR, stop=_TBL):
            if _row_deleted(tr):
                continue
            cells = []
            for tc in self._descendants_until(tr, _TC, stop=_TBL):
                if _continues_merge(tc):
                    continue  # a vertically merged cell's text stands in its first row
                cells.append(tuple(self.blocks(tc)))
            rows.append(tuple(cells))
        return WordTable(tuple(rows))

    def _descendants_until(self, element: Any, tag: str, stop: str) -> Iterator[Any]:
        """Children with ``tag`` through wrappers (sdt, customXml, ins), not into nested
        tables."""
        for child in element.iterchildren():
            if child.tag == tag:
                yield child
            elif child.tag in (stop, _DEL, _MOVE_FROM, _FALLBACK) or child.tag in _PROPERTIES:
                continue
            elif isinstance(child.tag, str):
                yield from self._descendants_until(child, tag, stop)

    def _paragraph(self, p: Any) -> Iterator[WordBlock]:
        parts: list[str] = []
        boxes: list[WordBlock] = []
        self._inline(p, parts, boxes)
        text = self.carry + "".join(parts)
        self.carry = ""
        if _mark_deleted(p):
            self.carry = text
        else:
            yield WordParagraph(text, self._style(p))
        yield from boxes

    def _style(self, p: Any) -> str:
        ppr = p.find(_PPR)
        style = ppr.find(_PSTYLE) if ppr is not None else None
        if style is None:
            return ""
        style_id = style.get(_VAL) or ""
        return self.styles.get(style_id, style_id)

    def _inline(self, element: Any, parts: list[str], boxes: list[WordBlock]) -> None:
        for child in element.iterchildren():
            tag = child.tag
            if not isinstance(tag, str) or tag in _PROPERTIES:
                continue
            if tag == _T:
                if not self.in_field_code:
                    parts.append(child.text or "")
            elif tag == _TAB:
                if not self.in_field_code:
                    parts.append("\t")
            elif tag in (_BR, _CR):
                if child.get(_BR_TYPE) not in ("page", "column"):
                    parts.append("\n")
            elif tag == _NO_BREAK_HYPHEN:
                parts.append("-")
            elif tag == _FLD_CHAR:
                kind = child.get(_FLD_TYPE)
                if kind == "begin":
                    self.in_field_code = True
                elif kind in ("separate", "end"):
                    self.in_field_code = False
            elif tag in (_DEL, _MOVE_FROM, _INSTR, _DEL_INSTR, _FALLBACK):
                continue
            elif tag == _TXBX:
                boxes.extend(self._box(child))
            elif tag == _OBJECT:
                self.objects += 1
            else:
                # runs, w:ins, w:moveTo, hyperlinks, smart tags, inline content controls,
                # simple fields' results, drawings on their way to a text box
                self._inline(child, parts, boxes)

    def _box(self, content: Any) -> list[WordBlock]:
        # a text box's paragraphs are a document of their own inside the anchoring paragraph
        outer = (self.in_field_code, self.carry)
        self.in_field_code, self.carry = False, ""
        blocks = list(self.blocks(content))
        self.in_field_code, self.carry = outer
        return blocks


def _mark_deleted(p: Any) -> bool:
    ppr = p.find(_PPR)
    rpr = ppr.find(_RPR) if ppr is not None else None
    return rpr is not None and (rpr.find(_DEL) is not None or rpr.find(_MOVE_FROM) is not None)


def _row_deleted(tr: Any) -> bool:
    trpr = tr.find(_TRPR)
    return trpr is not None and trpr.find(_DEL) is not None


def _continues_merge(tc: Any) -> bool:
    tcpr = tc.find(_TCPR)
    merge = tcpr.find(_VMERGE) if tcpr is not None else None
    return merge is not None and merge.get(_VAL) in (None, "continue")


__all__ = [
    "WordBlock",
    "WordParagraph",
    "WordTable",
    "WordText",
    "block_lines",
    "cell_text",
    "word_text",
]
