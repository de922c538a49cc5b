"""Read a published guideline (PDF, Word or text) as one stream of lines (issue #5).

The first stage of the import (:mod:`gapcheck.importing.importer`): PDF via pdfplumber with page
headers/footers cropped and page numbers such as ``ⅱ- 12`` removed, its text layer checked
(a scanned PDF or fonts without a Unicode map cannot be read); .docx; text. The formats are
registered once in :data:`GUIDELINE_FORMATS` (issue #22), which the web page and the command's
help list too.

Published PDFs are laid out in many ways (issue #12): table cells are split where a wide gap
separates them, two-column pages are read column by column, footnotes in small type at the
foot of a page and superscript marks are left out, as are the labels and caption of a figure;
landscape pages have their own right margin. Each page is judged readable or not on the text
that matters (:func:`page_verdict`); pages that cannot be read are left out and listed in
:attr:`Document.unreadable`, for :mod:`gapcheck.importing.guideline_parser` to warn or refuse.

Text is kept verbatim (the import runs on the user's own machine; docs/domain.md §6).
"""

from __future__ import annotations

import itertools
import math
import os
import re
import unicodedata
from abc import abstractmethod
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gapcheck.errors import GapcheckError, GuidelineParseError
from gapcheck.importing.page_quality import (
    MIN_JUDGED,
    PAGE_NO_RE,
    page_verdict,
)
from gapcheck.io import decode_text
from gapcheck.readers.registry import FileFormat, Registry
from gapcheck.text.numbering import CIRCLED_VALUE

Progress = Callable[[int, int], None]  # (pages done, pages in all)


@dataclass(frozen=True)
class Line:
    """One line of the document as extracted, before any normalisation.

    ``heading_font`` is True/False when the PDF sets headings in their own font (None when
    unknown: text, Word, single-font PDFs); ``wrapped`` when the line runs to the right
    margin, i.e. the sentence continues on the next line.
    """

    text: str
    file: str
    page: int = 0
    heading_font: bool | None = None
    wrapped: bool = False


@dataclass(frozen=True)
class Document:
    lines: tuple[Line, ...]
    files: tuple[str, ...]
    pages: int = 0
    warnings: tuple[str, ...] = ()
    # pages left out because they cannot be read: (file, page, "garbled" | "image")
    unreadable: tuple[tuple[str, int, str], ...] = ()


# Page numbers carry the part as a small roman numeral, often with a stray space
# (docs/domain.md §3).
_BARE_PAGE_RE = re.compile(r"^[-－—‐\s]*(?:[ivxIVX]{1,4}\s*[-－]\s*)?[0-9０-９]{1,4}[-－—‐\s]*$")
_HEADER_BAND = 0.06  # share of the page height cropped at the top and bottom
_PARALLEL_PAGES = 40  # below this, one process is faster than starting workers


def read_document(
    paths: Sequence[str | os.PathLike[str]],
    progress: Progress | None = None,
    max_pages: int | None = None,
) -> Document:
    """Read the files (in order) as one stream of lines; PDFs of more than ``max_pages``
    pages in all are refused before any page is read.

    >>> doc = read_document([])
    >>> doc.lines
    ()
    """
    lines: list[Line] = []
    warnings: list[str] = []
    files: list[str] = []
    unreadable: list[tuple[str, int, str]] = []
    counted = [(Path(p), n) for p in paths if (n := _pages_of(Path(p)))]
    total = sum(n for _, n in counted)
    if max_pages is not None and total > max_pages:
        raise GuidelineParseError(
            f"{counted[0][0]}: PDF が {total:,} ページあり、長すぎます（上限 {max_pages} ページ）。"
            "必要な部分だけの PDF かテキストを指定してください。"
        )
    done = 0
    for raw in paths:
        path = Path(raw)
        files.append(str(path))
        if not path.is_file():
            raise GuidelineParseError(f"{path}: ファイルが見つかりません。")
        fmt = _format_of(path)
        if fmt is None:
            raise GuidelineParseError(
                f"{path}: この形式は読めません。{GUIDELINE_FORMATS.labels()}のいずれかにしてください。"
            )

        def tick(n: int, _base: int = done) -> None:
            if progress is not None:
                progress(_base + n, total)

        got, warn, pages, skipped = fmt.read(path, tick)
        unreadable.extend(skipped)
        done += pages
        lines.extend(got)
        warnings.extend(warn)
    return Document(tuple(lines), tuple(files), done, tuple(warnings), tuple(unreadable))


def _is_pdf(path: Path) -> bool:
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(5) == b"%PDF-"
    except OSError:
        return False


# --- the formats a guideline comes in (issue #22) ------------------------------------------

# what reading one file gives: its lines, warnings, pages read, pages left out as unreadable
_Read = tuple[list[Line], list[str], int, list[tuple[str, int, str]]]


class GuidelineFormat(FileFormat):
    """A format the guideline is published in, registered once in :data:`GUIDELINE_FORMATS`
    (the import's dispatch, the web page's file input and messages list it): recognised by
    its extension, read into lines."""

    def detect(self, path: Path) -> bool:
        return path.suffix.lower() in self.extensions

    def pages(self, path: Path) -> int:
        """Pages counted before anything is read (progress, ``max_pages``); 0 if none."""
        return 0

    @abstractmethod
    def read(self, path: Path, progress: Progress) -> _Read:
        """The file's lines; ``progress(pages done, pages in the file)`` as pages are read."""


class GuidelinePdf(GuidelineFormat):
    """A PDF with a text layer, under any name (its first bytes say so)."""

    name, extensions, display = "pdf", (".pdf",), "PDF"

    def label(self) -> str:
        return "PDF（テキスト付き）"

    def detect(self, path: Path) -> bool:
        return _is_pdf(path)

    def pages(self, path: Path) -> int:
        return _pdf_page_count(path)

    def read(self, path: Path, progress: Progress) -> _Read:
        return _read_pdf(path, progress)


class GuidelineWord(GuidelineFormat):
    name, extensions, display = "docx", (".docx",), "Word"

    def read(self, path: Path, progress: Progress) -> _Read:
        return _read_docx(path), [], 0, []


class GuidelineText(GuidelineFormat):
    """Text (UTF-8 or cp932), also a file without an extension; form feeds part pages."""

    name, extensions, display = "text", (".txt", ".text", ".md"), "テキスト"

    def detect(self, path: Path) -> bool:
        return path.suffix == "" or super().detect(path)

    def read(self, path: Path, progress: Progress) -> _Read:
        return _read_text(path), [], 0, []


GUIDELINE_FORMATS: Registry[GuidelineFormat] = Registry()
for _format in (GuidelinePdf(), GuidelineWord(), GuidelineText()):
    GUIDELINE_FORMATS.register(_format)


def _format_of(path: Path) -> GuidelineFormat | None:
    return next((f for f in GUIDELINE_FORMATS if f.detect(path)), None)


def _pages_of(path: Path) -> int:
    fmt = _format_of(path)
    return fmt.pages(path) if fmt is not None else 0


def clean_line(text: str) -> str:
    """Remove page numbers wherever the extractor put them; trim spaces."""
    text = PAGE_NO_RE.sub("", text).strip(" \u3000\t\r\n")
    return "" if _BARE_PAGE_RE.match(text) else text


def _read_text(path: Path) -> list[Line]:
    data = path.read_bytes()
    text = decode_text(data)
    if text is None:
        raise GuidelineParseError(
            f"{path}: 文字コードを判別できません。UTF-8 か Shift_JIS（cp932）で保存してください。"
        )
    pages = [[c for c in map(clean_line, chunk.splitlines()) if c] for chunk in text.split("\f")]
    # running headers/footers: first or last line of a page repeated on other pages
    edges = Counter(line for page in pages for line in {page[0], page[-1]} if page)
    repeated = {line for line, n in edges.items() if n >= 2} if len(pages) > 1 else set()
    out = []
    for number, page in enumerate(pages, start=1):
        for k, line in enumerate(page):
            if (k == 0 or k == len(page) - 1) and line in repeated:
                continue
            out.append(Line(line, str(path), number))
    return out


def _read_docx(path: Path) -> list[Line]:
    """The document's lines with every tracked change accepted (see readers.wordxml); a table
    row is one line of its cells; a heading style marks a heading."""
    import docx

    from gapcheck.readers.wordxml import WordTable, cell_text, word_text

    try:
        text = word_text(docx.Document(str(path)))
    except Exception as exc:  # python-docx raises zip, XML and key errors alike
        raise GuidelineParseError(
            f"{path}: Word 文書として開けません（壊れているか .docx ではありません）。"
            "Word で開いて .docx として保存し直してください。"
        ) from exc
    out: list[Line] = []
    for block in text.blocks:
        if isinstance(block, WordTable):
            for row in block.rows:
                cells = dict.fromkeys(t for t in map(cell_text, row) if t)
                if cells:
                    out.append(Line(clean_line(" ".join(cells)), str(path)))
            continue
        is_heading = block.style.startswith(("Heading", "見出し", "Title", "表題"))
        for part in block.text.split("\n"):
            cleaned = clean_line(part)
            if cleaned:
                out.append(Line(cleaned, str(path), 0, True if is_heading else None))
    return [line for line in out if line.text]


# --- PDF ------------------------------------------------------------------------------------


def open_pdf(path: Path, pages: list[int] | None = None) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(str(path), pages=pages)
    except Exception as exc:  # pdfplumber wraps pdfminer's errors in PdfminerException
        inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
        if isinstance(inner, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise GuidelineParseError(
                f"{path}: PDF にパスワード（暗号化）が掛かっていて読めません。"
                "パスワードを解除した PDF を保存してから取り込んでください。"
            ) from exc
        raise GuidelineParseError(
            f"{path}: PDF を読み込めません（壊れているか、途中で切れています）。"
            "ダウンロードし直してから取り込んでください。"
        ) from exc


def _pdf_page_count(path: Path) -> int:
    with open_pdf(path) as pdf:
        try:
            return len(pdf.pages)
        except Exception as exc:
            raise GuidelineParseError(
                f"{path}: PDF を読み込めません（壊れているか、途中で切れています）。"
                "ダウンロードし直してから取り込んでください。"
            ) from exc


@dataclass(frozen=True)
class _Seg:
    """A run of text on one visual line: a whole line, a table cell or one column's part."""

    text: str
    x0: float
    x1: float
    top: float
    size: float
    font: str


@dataclass(frozen=True)
class _PageText:
    number: int
    # text, room (distance from the line's end to its column's right edge, or None when the
    # reader compares with the document's usual right margin), x1, size, font, width key
    lines: tuple[tuple[str, float | None, float, float, str, int], ...]
    verdict: str
    chars: int


_SUPERSCRIPT = 0.65  # characters at most this share of a line's largest size are marks (¹ ※1)
_GAP = 2.0  # a horizontal gap wider than this many character widths splits a line (table cells)
_FOOTNOTE_RE = re.compile(r"^\s*(?:※|＊|\*|[(（]?注|[0-9０-９]{1,2}[\s\u3000)）])")
_CAPTION_RE = re.compile(r"^\s*[<＜〈(（]?\s*[図表]\s*[0-9０-９]")


def _segments(line: dict[str, Any]) -> list[_Seg]:
    """A line split where a wide gap separates its characters (cells of a table, columns).

    Characters set clearly smaller than the line's own size are superscripts (footnote marks)
    and are dropped."""
    chars = sorted(line["chars"], key=lambda c: c["x0"])
    big = max((c["size"] for c in chars if c["text"].strip()), default=0.0)
    if not big:
        return []
    chars = [c for c in chars if c["size"] > _SUPERSCRIPT * big or not c["text"].strip()]
    size = Counter(round(c["size"], 1) for c in chars if c["text"].strip()).most_common(1)[0][0]
    groups: list[list[dict[str, Any]]] = []
    for c in chars:
        if groups and c["x0"] - groups[-1][-1]["x1"] <= _GAP * size:
            groups[-1].append(c)
        else:
            groups.append([c])
    out = []
    for group in groups:
        if len(groups) == 1 and len(group) == len(line["chars"]):
            text = line["text"]  # pdfplumber's own spacing
        else:
            parts = [group[0]["text"]]
            for a, b in itertools.pairwise(group):
                if b["x0"] - a["x1"] > 3 and a["text"] != " " and b["text"] != " ":
                    parts.append(" ")
                parts.append(b["text"])
            text = "".join(parts)
        text = text.strip()
        if not text:
            continue
        fonts = Counter(c["fontname"] for c in group)
        out.append(
            _Seg(
                text,
                float(group[0]["x0"]),
                float(group[-1]["x1"]),
                float(min(c["top"] for c in group)),
                float(max(c["size"] for c in group)),
                fonts.most_common(1)[0][0],
            )
        )
    return out


def _gutter(segs: list[_Seg], left: float, right: float) -> float | None:
    """The x of the gap between two columns of text, or None for a one-column page.

    Two columns: a vertical strip near the middle that (almost) no segment crosses, with
    lines on both sides in like numbers. A table of short labels beside long text (one
    label a row) is not two columns: its left side has far fewer lines."""
    if len(segs) < 8:
        return None
    width = right - left
    lo, hi = left + 0.35 * width, left + 0.65 * width
    covered = [False] * int(hi - lo + 1)
    for s in segs:
        a, b = max(s.x0, lo), min(s.x1, hi)
        for k in range(int(a - lo), int(b - lo) + 1) if b >= a else ():
            if 0 <= k < len(covered):
                covered[k] = True
    gaps = [lo + k for k, c in enumerate(covered) if not c]
    if not gaps:
        return None
    mid = left + width / 2
    x = min(gaps, key=lambda g: abs(g - mid))
    west = [s for s in segs if s.x1 <= x]
    east = [s for s in segs if s.x0 >= x]
    if not west or not east or len(segs) - len(west) - len(east) > 0.1 * len(segs):
        return None
    balanced = min(len(west), len(east)) >= 4 and len(west) >= 0.5 * len(east) >= 0.25 * len(west)
    # the last page of a part may fill its right column only in part: the left column is
    # still running text, many of its lines ending at the column's edge (a table's labels
    # end wherever they end, and its right side, the wrapped text, has the more lines)
    edge = max(s.x1 for s in west)
    full = sum(edge - s.x1 <= 1.5 * s.size for s in west)
    running = len(east) <= len(west) and full >= max(3, 0.3 * len(west))
    return x if balanced or running else None


def _figure_boxes(page: Any, width: float) -> list[tuple[float, float, float, float]]:
    """Small drawn shapes and pictures: the boxes of a figure (not a frame around a paragraph)."""
    out = []
    for obj in (*page.rects, *page.curves, *page.images):
        w = float(obj["x1"]) - float(obj["x0"])
        if 0 < w < 0.45 * width:
            out.append(
                (float(obj["x0"]), float(obj["top"]), float(obj["x1"]), float(obj["bottom"]))
            )
    return out


def _labels(segs: list[_Seg], box: tuple[float, float, float, float]) -> list[_Seg]:
    """The labels of a figure box: one or two short lines set in its middle. A frame around
    a paragraph (a boxed 例文, even in a narrow column) holds left-aligned running text."""
    x0, top, x1, bottom = box
    held = [s for s in segs if x0 - 2 <= s.x0 and s.x1 <= x1 + 2 and top - 2 <= s.top <= bottom]
    if not 1 <= len(held) <= 2:
        return []
    for s in held:
        left, right = s.x0 - x0, x1 - s.x1
        centred = min(left, right) >= s.size and abs(left - right) <= max(6.0, 0.2 * (x1 - x0))
        if len(s.text) > 20 or not centred:
            return []
    return held


def _page_lines(page: Any) -> tuple[list[tuple[str, float | None, float, float, str]], float]:
    """The body lines of one page in reading order, and the share of it covered by images."""
    x0, top, x1, bottom = page.bbox
    band = (bottom - top) * _HEADER_BAND
    body = page.crop((x0, top + band, x1, bottom - band))
    segs = [
        s
        for line in body.extract_text_lines(return_chars=True, strip=True)
        for s in _segments(line)
    ]
    area = max((x1 - x0) * (bottom - top), 1.0)
    image_share = (
        sum(
            (float(i["x1"]) - float(i["x0"])) * (float(i["bottom"]) - float(i["top"]))
            for i in page.images
        )
        / area
    )
    if not segs:
        return [], image_share
    sizes: Counter[float] = Counter()
    for s in segs:
        sizes[round(s.size, 1)] += len(s.text)
    size = sizes.most_common(1)[0][0]
    # superscript marks that pdfplumber set on a line of their own
    segs = [s for s in segs if not (s.size <= _SUPERSCRIPT * size and len(s.text) <= 3)]
    # footnotes: a block of smaller type at the foot of the page, opened by ※ / 注 / a number
    k = len(segs)
    while k > 0 and segs[k - 1].size <= 0.85 * size:
        k -= 1
    if k < len(segs) and any(_FOOTNOTE_RE.match(s.text) for s in segs[k:]) and k > 0:
        segs = segs[:k]
    # figures: labels inside small boxes, and the caption of a page that has them
    boxes = _figure_boxes(body, x1 - x0)
    labels = {id(s) for box in boxes for s in _labels(segs, box)}
    if labels or body.images:
        segs = [s for s in segs if id(s) not in labels and not _CAPTION_RE.match(s.text)]
    if not segs:
        return [], image_share
    left = min(s.x0 for s in segs)
    right = max(s.x1 for s in segs)
    gutter = _gutter(segs, left, right)
    if gutter is None:
        return [(s.text, None, s.x1, s.size, s.font) for s in segs], image_share
    # two columns: each column top to bottom; a line across both (a title) ends a band
    out: list[tuple[str, float | None, float, float, str]] = []
    west: list[_Seg] = []
    east: list[_Seg] = []

    def flush() -> None:
        for side in (west, east):
            edge = max((s.x1 for s in side), default=0.0)
            out.extend((s.text, edge - s.x1, s.x1, s.size, s.font) for s in side)
            side.clear()

    for s in sorted(segs, key=lambda s: (s.top, s.x0)):
        if s.x1 <= gutter:
            west.append(s)
        elif s.x0 >= gutter:
            east.append(s)
        else:
            flush()
            out.append((s.text, None, s.x1, s.size, s.font))
    flush()
    return out, image_share


def _extract_pages(path: str, first: int, last: int) -> list[_PageText]:
    """Pages ``first``..``last`` (1-based, inclusive): lines inside the body area."""
    out = []
    with open_pdf(Path(path), pages=list(range(first, last + 1))) as pdf:
        for page in pdf.pages:
            lines, image_share = _page_lines(page)
            text = "".join(t for t, *_ in lines)
            width = round(float(page.width))
            out.append(
                _PageText(
                    number=page.page_number,
                    lines=tuple((*line, width) for line in lines),
                    verdict=page_verdict(text, image_share),
                    chars=len(re.sub(r"\s", "", text)),
                )
            )
            page.flush_cache()
            page.close()
    return out


def _read_pdf(
    path: Path, progress: Progress
) -> tuple[list[Line], list[str], int, list[tuple[str, int, str]]]:
    total = _pdf_page_count(path)
    chunk = max(4, math.ceil(total / 16))
    ranges = [(s, min(s + chunk - 1, total)) for s in range(1, total + 1, chunk)]
    pages: list[_PageText] = []
    done = 0
    try:
        if total < _PARALLEL_PAGES or (os.cpu_count() or 1) < 2:
            for first, last in ranges:
                pages.extend(_extract_pages(str(path), first, last))
                done += last - first + 1
                progress(done, total)
        else:
            with ProcessPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
                futures = [pool.submit(_extract_pages, str(path), a, b) for a, b in ranges]
                for (first, last), future in zip(ranges, futures, strict=True):
                    pages.extend(future.result())
                    done += last - first + 1
                    progress(done, total)
    except GapcheckError:
        raise
    except Exception as exc:
        raise GuidelineParseError(
            f"{path}: PDF を読み込めません（壊れているか、途中で切れています）。"
            "ダウンロードし直してから取り込んでください。"
        ) from exc
    _check_text_layer(path, pages)
    skipped = [(str(path), p.number, p.verdict) for p in pages if p.verdict in ("garbled", "image")]
    readable = [p for p in pages if p.verdict not in ("garbled", "image")]
    return _pdf_lines(path, readable), [], total, skipped


def _check_text_layer(path: Path, pages: list[_PageText]) -> None:
    """A scanned PDF, or one whose fonts have no Unicode map, cannot be imported at all;
    single pages that cannot be read are judged later (unreadable pages)."""
    if not any(p.chars >= MIN_JUDGED for p in pages):
        raise GuidelineParseError(
            f"{path}: PDF に文字のデータ（テキスト層）がありません（スキャンした画像の PDF です）。"
            "OCR でテキスト層を付けた PDF か、Word・テキスト版を指定してください。"
        )
    junk = [p.number for p in pages if p.verdict == "garbled"]
    if not junk or any(p.verdict == "text" for p in pages):
        return
    shown = "、".join(str(n) for n in junk[:10]) + ("…" if len(junk) > 10 else "")
    raise GuidelineParseError(
        f"{path}: {len(junk)} ページ（{shown} ページ目）の文字を読み取れません"
        "（フォントに文字の対応表がなく (cid:N) や意味のない文字になります）。"
        "OCR でテキスト層を付け直した PDF か、Word・テキスト版を指定してください。"
    )


def _pdf_lines(path: Path, pages: list[_PageText]) -> list[Line]:
    rows = [(p.number, *row) for p in pages for row in p.lines]
    if not rows:
        return []
    # right margin: where long lines end, for each page width (portrait, landscape); a line
    # reaching it was wrapped by the layout. Two-column pages measure from their column.
    ends: dict[int, list[float]] = {}
    for _, text, room, x1, _, _, width in rows:
        if room is None and len(text) >= 15:
            ends.setdefault(width, []).append(x1)
    right = {w: sorted(xs)[int(len(xs) * 0.9)] for w, xs in ends.items()}
    weights: Counter[str] = Counter()
    for _, text, _, _, _, font, _ in rows:
        weights[font] += len(text)
    body_font = weights.most_common(1)[0][0]
    numbered = [font for _, text, _, _, _, font, _ in rows if number_token(text) is not None]
    styled = bool(numbered) and sum(f != body_font for f in numbered) >= 0.6 * len(numbered)
    out = []
    for page, text, room, x1, size, font, width in rows:
        cleaned = clean_line(text)
        if not cleaned:
            continue
        if room is None:
            room = right.get(width, x1) - x1
        out.append(
            Line(
                cleaned,
                str(path),
                page,
                heading_font=(font != body_font) if styled else None,
                wrapped=room <= 1.5 * size,
            )
        )
    return out


# =============================================================================================
# numbering at the start of a line (also used by gapcheck.importing.guideline_parser)
# =============================================================================================

_D = "[0-9０-９]"
_DOT = "[.．]"
_SUB_RE = re.compile(rf"^({_D}{{1,2}})\s*{_DOT}\s*({_D}{{1,2}})\s*{_DOT}?(?![0-9０-９])")
_SEC_RE = re.compile(rf"^({_D}{{1,2}})\s*{_DOT}(?![0-9０-９])")
_ITEM_RE = re.compile(rf"^[(（]\s*({_D}{{1,2}})\s*[)）]")
_SUBITEM_RE = re.compile("^([" + "".join(CIRCLED_VALUE) + "])")


def number_token(raw: str) -> tuple[str, int, int, re.Match[str]] | None:
    """The numbering at the start of a raw line: (level, a, b, match); level is
    ``sub`` (5.1.), ``sec`` (5.), ``item`` ((1)) or ``subitem`` (①). Detected before NFKC,
    which would fold ① into 1 (docs/domain.md §7)."""
    text = raw.lstrip(" \u3000\t")
    for level, pattern in (("sub", _SUB_RE), ("sec", _SEC_RE), ("item", _ITEM_RE)):
        m = pattern.match(text)
        if m:
            a = int(unicodedata.normalize("NFKC", m.group(1)))
            b = int(unicodedata.normalize("NFKC", m.group(2))) if level == "sub" else 0
            return level, a, b, m
    m = _SUBITEM_RE.match(text)
    if m:
        return "subitem", CIRCLED_VALUE[m.group(1)], 0, m
    return None


__all__ = [
    "GUIDELINE_FORMATS",
    "Document",
    "GuidelineFormat",
    "GuidelinePdf",
    "GuidelineText",
    "GuidelineWord",
    "Line",
    "Progress",
    "clean_line",
    "number_token",
    "open_pdf",
    "read_document",
]
