"""Read a published guideline (PDF, Word or text) as one stream of lines (issue #5).

The first stage of the import (:mod:`gapcheck.importer`): PDF via pdfplumber with page
headers/footers cropped and page numbers such as ``ⅱ- 12`` removed, its text layer checked
(a scanned PDF or fonts without a Unicode map cannot be read); .docx; text.

Text is kept verbatim (the import runs on the user's own machine; DOMAIN.md §6).
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gapcheck.errors import GapcheckError, GuidelineParseError
from gapcheck.io import decode_text
from gapcheck.numbering import CIRCLED_VALUE

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


# Page numbers carry the part as a small roman numeral, often with a stray space (DOMAIN §3).
_PAGE_NO_RE = re.compile(r"[ⅰ-ⅿ]{1,4}\s*[-‐－−–—]\s*[0-9０-９]{1,4}")
_BARE_PAGE_RE = re.compile(r"^[-－—‐\s]*(?:[ivxIVX]{1,4}\s*[-－]\s*)?[0-9０-９]{1,4}[-－—‐\s]*$")
_HEADER_BAND = 0.06  # share of the page height cropped at the top and bottom
_JA_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_CID_RE = re.compile(r"\(cid:\d+\)")
_PARALLEL_PAGES = 40  # below this, one process is faster than starting workers


def read_document(
    paths: Sequence[str | os.PathLike[str]], progress: Progress | None = None
) -> Document:
    """Read the files (in order) as one stream of lines.

    >>> doc = read_document([])
    >>> doc.lines
    ()
    """
    lines: list[Line] = []
    warnings: list[str] = []
    files: list[str] = []
    pdfs = [Path(p) for p in paths if _is_pdf(Path(p))]
    total = sum(_pdf_page_count(p) for p in pdfs)
    done = 0
    for raw in paths:
        path = Path(raw)
        files.append(str(path))
        if not path.is_file():
            raise GuidelineParseError(f"{path}: ファイルが見つかりません。")
        if _is_pdf(path):

            def tick(n: int, _base: int = done) -> None:
                if progress is not None:
                    progress(_base + n, total)

            got, warn, pages = _read_pdf(path, tick)
            done += pages
        elif path.suffix.lower() == ".docx":
            got, warn = _read_docx(path), []
        elif path.suffix.lower() in (".txt", ".text", ".md", ""):
            got, warn = _read_text(path), []
        else:
            raise GuidelineParseError(
                f"{path}: この形式は読めません。PDF（テキスト付き）、Word（.docx）、"
                "テキスト（.txt）のいずれかにしてください。"
            )
        lines.extend(got)
        warnings.extend(warn)
    return Document(tuple(lines), tuple(files), done, tuple(warnings))


def _is_pdf(path: Path) -> bool:
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with path.open("rb") as fh:
            return fh.read(5) == b"%PDF-"
    except OSError:
        return False


def clean_line(text: str) -> str:
    """Remove page numbers wherever the extractor put them; trim spaces."""
    text = _PAGE_NO_RE.sub("", text).strip(" \u3000\t\r\n")
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
    import docx
    from docx.table import Table

    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx raises zip, XML and key errors alike
        raise GuidelineParseError(
            f"{path}: Word 文書として開けません（壊れているか .docx ではありません）。"
            "Word で開いて .docx として保存し直してください。"
        ) from exc
    out: list[Line] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells = dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip())
                if cells:
                    out.append(Line(clean_line(" ".join(cells)), str(path)))
            continue
        style = (block.style.name if block.style is not None else "") or ""
        is_heading = style.startswith(("Heading", "見出し", "Title", "表題"))
        for part in block.text.split("\n"):
            cleaned = clean_line(part)
            if cleaned:
                out.append(Line(cleaned, str(path), 0, True if is_heading else None))
    return [line for line in out if line.text]


# --- PDF ------------------------------------------------------------------------------------


def open_pdf(path: Path, pages: Sequence[int] | None = None) -> Any:
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
class _PageText:
    number: int
    lines: tuple[tuple[str, float, float, str], ...]  # text, x1, font size, font name
    chars: int
    cid: int
    japanese: int


def _extract_pages(path: str, first: int, last: int) -> list[_PageText]:
    """Pages ``first``..``last`` (1-based, inclusive): lines inside the body area."""
    out = []
    with open_pdf(Path(path), pages=list(range(first, last + 1))) as pdf:
        for page in pdf.pages:
            x0, top, x1, bottom = page.bbox
            band = (bottom - top) * _HEADER_BAND
            body = page.crop((x0, top + band, x1, bottom - band))
            lines = []
            for line in body.extract_text_lines(return_chars=True, strip=True):
                chars = line["chars"]
                fonts = Counter(c["fontname"] for c in chars)
                size = max((c["size"] for c in chars), default=10.0)
                lines.append(
                    (line["text"], float(line["x1"]), float(size), fonts.most_common(1)[0][0])
                )
            text = "".join(t for t, *_ in lines)
            out.append(
                _PageText(
                    number=page.page_number,
                    lines=tuple(lines),
                    chars=len(re.sub(r"\s", "", text)),
                    cid=len(_CID_RE.findall(text)),
                    japanese=len(_JA_RE.findall(text)),
                )
            )
            page.flush_cache()
            page.close()
    return out


def _read_pdf(path: Path, progress: Progress) -> tuple[list[Line], list[str], int]:
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
    return _pdf_lines(path, pages), [], total


def _check_text_layer(path: Path, pages: list[_PageText]) -> None:
    """A scanned PDF, or fonts without a Unicode map, cannot be imported (TECH-NOTES)."""
    with_text = [p for p in pages if p.chars >= 10]
    if not with_text:
        raise GuidelineParseError(
            f"{path}: PDF に文字のデータ（テキスト層）がありません（スキャンした画像の PDF です）。"
            "OCR でテキスト層を付けた PDF か、Word・テキスト版を指定してください。"
        )
    junk = [
        p.number for p in with_text if p.cid > 0 or (p.chars >= 40 and p.japanese / p.chars < 0.2)
    ]
    if junk:
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
    # right margin: where long lines end; a line reaching it was wrapped by the layout
    long_ends = sorted(x1 for _, text, x1, _, _ in rows if len(text) >= 15) or [0.0]
    right = long_ends[int(len(long_ends) * 0.9)]
    weights: Counter[str] = Counter()
    for _, text, _, _, font in rows:
        weights[font] += len(text)
    body_font = weights.most_common(1)[0][0]
    numbered = [font for _, text, _, _, font in rows if number_token(text) is not None]
    styled = bool(numbered) and sum(f != body_font for f in numbered) >= 0.6 * len(numbered)
    out = []
    for page, text, x1, size, font in rows:
        cleaned = clean_line(text)
        if cleaned:
            out.append(
                Line(
                    cleaned,
                    str(path),
                    page,
                    heading_font=(font != body_font) if styled else None,
                    wrapped=x1 >= right - 1.5 * size,
                )
            )
    return out


# =============================================================================================
# numbering at the start of a line (also used by gapcheck.guideline_parser)
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
    which would fold ① into 1 (TECH-NOTES)."""
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
