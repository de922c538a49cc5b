"""Import a published edition of the guideline (PDF, Word or text) as a catalog edition (issue #5).

A pipeline of stages, each usable alone:

1. :func:`read_document` — the files as one stream of :class:`Line` (PDF via pdfplumber with
   page headers/footers cropped and page numbers such as ``ⅱ- 12`` removed; .docx; text).
2. :func:`parse_guideline` — cover (label, 策定/改定 dates), TOC (to check headings),
   第2編's 例文 as :class:`ImportedClause` with catalog numbers, 第3編's commentary.
3. :func:`link_to_base` — keys from the base edition through the alignment engine
   (:class:`gapcheck.align.Index`), with lineage and the links a person should confirm.
4. :func:`import_guideline` — all of it, written as ``edition.yaml`` + ``clauses.yaml``
   into the user's catalog folder, validated by the catalog loader before it is moved in.

:func:`check_table` compares a 新旧対照表 PDF with the computed diff.

Text is kept verbatim (the import runs on the user's own machine; DOMAIN.md §6).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import sys
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from gapcheck.align import Index, bigrams, containment
from gapcheck.catalog import EDITION_ID_RE, KEY_RE, bundled_dir, load_catalog_from, read_yaml
from gapcheck.diff import EditionDiff, diff_editions, mark_changes
from gapcheck.errors import CatalogError, GapcheckError, GuidelineParseError
from gapcheck.io import decode_text, write_atomic
from gapcheck.model import Catalog, ChangeKind, Clause, Edition, Level, Part
from gapcheck.normalize import kanji_to_int, normalize
from gapcheck.numbering import CIRCLED_VALUE, ClauseNumber
from gapcheck.wareki import Wareki, WarekiError, find_wareki, parse_wareki

Progress = Callable[[int, int], None]  # (pages done, pages in all)

# --- score bands (documented in README "gapcheck import-guideline") ---------------------------
# TF-IDF cosine (character 2–3-grams, the audit's engine) between an imported clause and a
# base clause. On 2024-10 → 2025-03 the clauses the catalog records as modified keep ≥ 0.6
# with their predecessor, while added clauses reach at most ~0.5 with their nearest
# neighbour; the band between is where a person should look.
LINK_SURE = 0.60  # at or above: linked without asking
LINK_MAYBE = 0.35  # [0.35, 0.60): linked (or added) provisionally and listed in review.yaml
HEADING_FLOOR = 0.20  # same number and heading: linked from here (listed below LINK_MAYBE)
SPLIT_CONTAINMENT = 0.80  # a second piece of a base clause lies wholly inside it
MERGE_CONTAINMENT = 0.80  # an imported clause contains nearly all of a second base clause

DRAFT = "（下書き）"
REVIEW_FILE = "review.yaml"
COMMENTARY_FILE = "commentary.yaml"


def default_catalog_dir() -> Path:
    """The per-user folder that imported editions go to when ``--guidelines`` is not given.

    Linux: ``$XDG_DATA_HOME/gapcheck/editions`` (``~/.local/share/gapcheck/editions``);
    macOS: ``~/Library/Application Support/gapcheck/editions``; Windows:
    ``%APPDATA%\\gapcheck\\editions``. Never inside the installed package.
    """
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "gapcheck" / "editions"


# =============================================================================================
# 1. reading
# =============================================================================================


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


def _clean(text: str) -> str:
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
    pages = [[c for c in map(_clean, chunk.splitlines()) if c] for chunk in text.split("\f")]
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
                    out.append(Line(_clean(" ".join(cells)), str(path)))
            continue
        style = (block.style.name if block.style is not None else "") or ""
        is_heading = style.startswith(("Heading", "見出し", "Title", "表題"))
        for part in block.text.split("\n"):
            cleaned = _clean(part)
            if cleaned:
                out.append(Line(cleaned, str(path), 0, True if is_heading else None))
    return [line for line in out if line.text]


# --- PDF ------------------------------------------------------------------------------------


def _open_pdf(path: Path, pages: Sequence[int] | None = None) -> Any:
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
    with _open_pdf(path) as pdf:
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
    with _open_pdf(Path(path), pages=list(range(first, last + 1))) as pdf:
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
    numbered = [font for _, text, _, _, font in rows if _number_token(text) is not None]
    styled = bool(numbered) and sum(f != body_font for f in numbered) >= 0.6 * len(numbered)
    out = []
    for page, text, x1, size, font in rows:
        cleaned = _clean(text)
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
# 2. parsing
# =============================================================================================


@dataclass(frozen=True)
class Cover:
    """What the cover says: the label and the 策定 / 改定 dates."""

    label: str | None = None  # "令和7年3月版"
    established: Wareki | None = None
    revised: Wareki | None = None

    @property
    def month_id(self) -> str | None:
        """The month of the latest date on the cover, ``YYYY-MM``."""
        date = self.revised or self.established
        return date.month_id if date is not None and date.month is not None else None


@dataclass(frozen=True)
class ImportedClause:
    """One clause of the imported 例文, before it has a key."""

    number: str  # catalog form: 6.4.(1)①
    part: Part
    headings: tuple[str, ...]
    text: str
    level: Level
    needs_procedure: bool
    where: str = ""  # "file p.N" of its first line
    commentary: str = ""

    @property
    def heading(self) -> str:
        return self.headings[-1] if self.headings else ""


@dataclass(frozen=True)
class ParsedGuideline:
    cover: Cover
    clauses: tuple[ImportedClause, ...]
    toc: tuple[tuple[Part, str, str], ...] = ()  # (part, number path, title)
    warnings: tuple[str, ...] = ()


_LABEL_RE = re.compile(
    r"[（(]\s*((?:令和|平成|昭和|㋿)\s*[元0-9０-９一二三四五六七八九十]+\s*年\s*"
    r"[0-9０-９一二三四五六七八九十]+\s*月)\s*版\s*[)）]"
)
_TOC_RE = re.compile(r"(?:[.．・…‥·︙]\s*){4,}\s*(?:[ⅰ-ⅿ]{1,4}\s*[-‐－−]?\s*)?[0-9０-９]*\s*$")
_HEN_RE = re.compile(r"^第\s*([0-9０-９一二三四五六七八九十]+)\s*編")
_SHO_RE = re.compile(r"^第\s*([0-9０-９一二三四五六七八九十]+)\s*章")
_D = "[0-9０-９]"
_DOT = "[.．]"
_SUB_RE = re.compile(rf"^({_D}{{1,2}})\s*{_DOT}\s*({_D}{{1,2}})\s*{_DOT}?(?![0-9０-９])")
_SEC_RE = re.compile(rf"^({_D}{{1,2}})\s*{_DOT}(?![0-9０-９])")
_ITEM_RE = re.compile(rf"^[(（]\s*({_D}{{1,2}})\s*[)）]")
_SUBITEM_RE = re.compile("^([" + "".join(CIRCLED_VALUE) + "])")
_KANA_RE = re.compile(r"^(?:[(（][ア-ン][)）]|[ア-ン](?=[\s\u3000]))")
_MARK_RE = re.compile(r"^【([^】]+)】")
_DUTY_RE = re.compile(r"なければならない|てはならない|ではならない|ならない")


def _number_token(raw: str) -> tuple[str, int, int, re.Match[str]] | None:
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


def level_of(text: str) -> Level:
    """Obligation level from the modal verb (DOMAIN.md §3); the strongest one wins.

    >>> level_of("職員等は、…することが望ましい。").value
    'recommendation'
    """
    if _DUTY_RE.search(text):
        return Level.DUTY
    if "望ましい" in text:
        return Level.RECOMMENDATION
    if "できる" in text:
        return Level.PERMISSION
    return Level.DUTY


def needs_procedure_of(text: str) -> bool:
    """Whether a clause calls for a 実施手順: it speaks of 手順, マニュアル or 計画."""
    return bool(re.search("手順|マニュアル|計画", text))


def parse_cover(lines: Sequence[Line]) -> Cover:
    """Label and dates from the lines before the TOC (or the first 編)."""
    label = established = revised = None
    for line in lines:
        m = _LABEL_RE.search(line.text)
        if m and label is None:
            try:
                parse_wareki(m.group(1))
                label = _clean_label(m.group(1) + "版")
            except WarekiError:
                pass  # an impossible date is no label (令和元年4月)
        for matched, w in find_wareki(line.text):
            rest = unicodedata.normalize("NFKC", line.text).split(matched, 1)[1][:6]
            if "改定" in rest or "改訂" in rest:
                revised = (
                    w
                    if revised is None
                    or w.year * 100 + (w.month or 0) >= revised.year * 100 + (revised.month or 0)
                    else revised
                )
            elif "策定" in rest:
                established = w
    return Cover(label, established, revised)


def _clean_label(text: str) -> str:
    out = unicodedata.normalize("NFKC", text).strip().strip("「」『』()（） ")
    return re.sub(r"\s+", "", out.replace("㋿", "令和"))


@dataclass
class _Node:
    number: ClauseNumber
    heading: str | None
    headings: tuple[str, ...]
    where: str
    text: list[str] = field(default_factory=list)
    heading_open: bool = False  # the heading may continue on the next line


class _Parser:
    """Walks the lines; state is the current 編, chapter and numbering path."""

    def __init__(self) -> None:
        self.hen = 0
        self.part: Part | None = None
        self.region = "front"  # front | examples | commentary
        self.path: dict[str, _Node | None] = {
            "sec": None,
            "sub": None,
            "item": None,
            "subitem": None,
        }
        self.nodes: list[tuple[Part, _Node]] = []
        self.toc: list[tuple[Part, str, str]] = []
        self.toc_part: Part | None = None
        self.toc_hen = 0
        self.commentary: dict[tuple[Part, str], list[str]] = {}
        self.comment_key: tuple[Part, str] | None = None
        self.comment_mark = ""
        self.cover_end = 0

    # -- structure markers
    def _chapter_part(self, text: str, number: int) -> Part | None:
        if "基本方針" in text:
            return Part.BASIC
        if "対策基準" in text:
            return Part.STANDARDS
        return {1: Part.BASIC, 2: Part.STANDARDS}.get(number)

    def feed(self, index: int, line: Line) -> None:
        raw = line.text
        if _TOC_RE.search(raw):
            self._toc(raw)
            if not self.cover_end:
                self.cover_end = index
            return
        if raw.strip() in ("目次", "目 次", "目　次") and not self.cover_end:
            self.cover_end = index
            return
        short = len(raw) <= 50 and not raw.rstrip().endswith("。")
        m = _HEN_RE.match(raw) if short else None
        if m:
            self.cover_end = self.cover_end or index
            self.hen = kanji_to_int(m.group(1))
            self.region = {2: "examples", 3: "commentary"}.get(self.hen, "front")
            self.part = None
            self._reset("sec")
            return
        m = _SHO_RE.match(raw) if short else None
        if m:
            part = self._chapter_part(raw, kanji_to_int(m.group(1)))
            if (
                self.region == "front"
                and self.hen == 0
                and ("基本方針" in raw or "対策基準" in raw)
            ):
                self.region = "examples"  # no 編 markers at all: a document of the 例文 only
            if self.region in ("examples", "commentary"):
                self.part = part
                self._reset("sec")
            return
        if self.region == "front" or self.part is None:
            return
        if self.region == "commentary":
            self._comment(line)
            return
        self._example(line)

    def _toc(self, raw: str) -> None:
        title = _TOC_RE.sub("", raw).strip()
        m = _HEN_RE.match(title)
        if m:
            self.toc_hen = kanji_to_int(m.group(1))
            self.toc_part = None
            return
        m = _SHO_RE.match(title)
        if m:
            if self.toc_hen in (0, 2):
                self.toc_part = self._chapter_part(title, kanji_to_int(m.group(1)))
            return
        token = _number_token(title)
        if self.toc_part is None or token is None or token[0] not in ("sec", "sub"):
            return
        level, a, b, match = token
        rest = title.lstrip(" \u3000")[match.end() :].strip(" \u3000")
        self.toc.append((self.toc_part, f"{a}.{b}" if level == "sub" else str(a), rest))

    def _reset(self, level: str) -> None:
        order = ["sec", "sub", "item", "subitem"]
        for name in order[order.index(level) :]:
            self.path[name] = None

    def _accept(self, level: str, a: int, b: int) -> ClauseNumber | None:
        """The number a numbered line would take, or None when it does not fit the sequence
        (a wrapped body line that merely starts with ``(1)`` or ``1.5``)."""
        sec, sub, item, subitem = (self.path[k] for k in ("sec", "sub", "item", "subitem"))
        cur_sec = sec.number.section if sec else 0
        if level == "sec":
            # the first section of a chapter may be any (an excerpt); later ones run on
            return ClauseNumber(a) if cur_sec < a <= cur_sec + 3 or not cur_sec else None
        if level == "sub":
            if a == cur_sec and sec is not None:
                prev = sub.number.sub if sub else 0
                # "6.4." is distinctive enough to open a section at any subsection
                return ClauseNumber(a, b) if prev < b <= prev + 3 or not prev else None
            fits = cur_sec < a <= cur_sec + 3 or not cur_sec
            return ClauseNumber(a, b) if fits and b == 1 else None
        parent = sub or sec
        if parent is None:
            return None
        if level == "item":
            prev = item.number.item if item else 0
            if prev < a <= prev + 3:
                return ClauseNumber(parent.number.section, parent.number.sub, a)
            return None
        if item is None:
            return None
        prev = subitem.number.subitem if subitem else 0
        if prev < a <= prev + 3:
            n = item.number
            return ClauseNumber(n.section, n.sub, n.item, a)
        return None

    def _example(self, line: Line) -> None:
        raw = line.text
        token = _number_token(raw)
        number = self._accept(*token[:3]) if token else None
        current = self._current()
        if number is None or token is None:
            if current is None:
                return  # text before the first numbered item (a chapter's preamble)
            if current.heading_open and not current.text and line.heading_font:
                current.heading = (current.heading or "") + raw  # a wrapped heading
                current.headings = (*current.headings[:-1], current.heading)
                return
            current.heading_open = False
            current.text.append(raw)
            return
        level, _, _, match = token
        rest = raw.lstrip(" \u3000\t")[match.end() :].strip(" \u3000\t")
        if line.heading_font is not None:
            is_heading = line.heading_font and bool(rest)
        else:
            is_heading = (
                bool(rest) and not rest.endswith("。") and not line.wrapped and len(rest) <= 60
            )
        parent_headings = self._parent_headings(level)
        node = _Node(
            number=number,
            heading=rest if is_heading else None,
            headings=(*parent_headings, rest) if is_heading else parent_headings,
            where=f"{Path(line.file).name} p.{line.page}" if line.page else Path(line.file).name,
            heading_open=is_heading,
        )
        if not is_heading and rest:
            node.text.append(rest)
        self._reset(level)
        self.path[level] = node
        assert self.part is not None
        self.nodes.append((self.part, node))

    def _parent_headings(self, level: str) -> tuple[str, ...]:
        order = ["sec", "sub", "item", "subitem"]
        for name in reversed(order[: order.index(level)]):
            node = self.path[name]
            if node is not None:
                return node.headings
        return ()

    def _current(self) -> _Node | None:
        for name in ("subitem", "item", "sub", "sec"):
            if self.path[name] is not None:
                return self.path[name]
        return None

    def _comment(self, line: Line) -> None:
        raw = line.text
        token = _number_token(raw)
        number = self._accept(*token[:3]) if token else None
        if token is not None and number is not None:
            level = token[0]
            node = _Node(number=number, heading=None, headings=(), where="")
            self._reset(level)
            self.path[level] = node
            assert self.part is not None
            self.comment_key = (self.part, str(number))
            self.comment_mark = ""
            return
        m = _MARK_RE.match(raw)
        if m:
            self.comment_mark = m.group(1)
            raw = raw[m.end() :].strip()
            if not raw:
                return
        if self.comment_key is None or "例文" in self.comment_mark:
            return
        self.commentary.setdefault(self.comment_key, []).append(raw)


def parse_guideline(doc: Document) -> ParsedGuideline:
    """The cover, TOC, 例文 clauses and commentary of a read document.

    Raises :class:`GuidelineParseError` when no 例文 can be found.
    """
    parser = _Parser()
    for i, line in enumerate(doc.lines):
        parser.feed(i, line)
    cover = parse_cover(doc.lines[: parser.cover_end or min(len(doc.lines), 40)])
    clauses: list[ImportedClause] = []
    for part, node in parser.nodes:
        text = "".join(node.text).strip()
        if not text:
            continue
        number = str(node.number)
        headings = tuple(h for h in node.headings if h)
        commentary = "".join(parser.commentary.get((part, number), []))
        clauses.append(
            ImportedClause(
                number=number,
                part=part,
                headings=headings,
                text=text,
                level=level_of(text),
                needs_procedure=needs_procedure_of(text),
                where=node.where,
                commentary=commentary,
            )
        )
    names = "、".join(Path(f).name for f in doc.files)
    if not clauses:
        raise GuidelineParseError(
            f"{names}: 例文（第2編の基本方針・対策基準）が見つかりません。"
            "「第2編」「第1章 情報セキュリティ基本方針」「第2章 情報セキュリティ対策基準」の"
            "見出しと、1. / 1.1. / (1) / ① の項番がある本編のファイルを指定してください。"
        )
    order = [list(Part).index(c.part) for c in clauses]
    keyed = sorted(
        zip(order, clauses, strict=True), key=lambda t: (t[0], ClauseNumber.parse(t[1].number))
    )
    warnings = list(doc.warnings)
    if [c for _, c in keyed] != clauses:
        warnings.append(
            "本文の項番が順番どおりに並んでいない箇所があったため、項番の順に並べ替えました。"
        )
    seen: dict[tuple[Part, str], ImportedClause] = {}
    for _, c in keyed:
        slot = (c.part, c.number)
        if slot in seen:
            raise GuidelineParseError(
                f"{names}: {c.part.value} {c.number} が二度出てきます（{seen[slot].where} と {c.where}）。"
                "同じ文書を二度指定していないか、第2編以外（第3編の解説など）の見出しが混じって"
                "いないか確認してください。"
            )
        seen[slot] = c
    warnings.extend(_check_toc(parser.toc, [c for _, c in keyed]))
    return ParsedGuideline(cover, tuple(c for _, c in keyed), tuple(parser.toc), tuple(warnings))


def _check_toc(
    toc: Sequence[tuple[Part, str, str]], clauses: Sequence[ImportedClause]
) -> list[str]:
    """The TOC is not content, but its section titles must agree with the headings found."""
    found: dict[tuple[Part, str], str] = {}
    for c in clauses:
        n = ClauseNumber.parse(c.number)
        if c.headings:
            found.setdefault((c.part, str(n.section)), c.headings[0])
        if n.sub and len(c.headings) >= 2:
            found.setdefault((c.part, f"{n.section}.{n.sub}"), c.headings[1])
    out = []
    for part, number, title in toc:
        heading = found.get((part, number))
        if heading is None:
            if not any(
                k[0] is part and (k[1] == number or k[1].startswith(number + ".")) for k in found
            ):
                out.append(f"目次にある {part.value} {number}「{title}」が本文に見つかりません。")
        elif normalize(heading) != normalize(title):
            out.append(
                f"目次の {part.value} {number}「{title}」と本文の見出し「{heading}」が一致しません。"
            )
    return out


# =============================================================================================
# 3. linking to the base edition
# =============================================================================================


@dataclass(frozen=True)
class Candidate:
    key: str
    number: str
    score: float


@dataclass(frozen=True)
class Uncertain:
    """An imported clause whose link a person should confirm (listed in review.yaml)."""

    part: Part
    number: str
    heading: str
    text: str
    proposed: str  # the base key it was linked to, or "added"
    candidates: tuple[Candidate, ...]
    reason: str


@dataclass(frozen=True)
class Linked:
    """The imported clauses as catalog clauses of the new edition, and the base keys ended."""

    clauses: tuple[Clause, ...]
    removed: tuple[tuple[str, str], ...]  # (key, drafted note)
    uncertain: tuple[Uncertain, ...]
    counts: dict[str, int]
    commentary: dict[str, str]


ADDED = "added"


def link_to_base(
    imported: Sequence[ImportedClause],
    base: Edition | None,
    new_id: str,
    taken_keys: Iterable[str] = (),
    forced: dict[tuple[Part, str], str] | None = None,
) -> Linked:
    """Give each imported clause its key: its predecessor's, or a new one with lineage.

    ``taken_keys`` are every key ever used in the catalog (a retired key is never reused);
    ``forced`` maps (part, number) to a base key or ``"added"`` (the officer's review).

    Same number and high similarity keep the key; otherwise the alignment engine pairs texts
    (exact text first, then TF-IDF cosine). One base key continued by several clauses is a
    split, several base keys ending in one clause a merge.
    """
    forced = dict(forced or {})
    base_clauses = list(base.clauses) if base is not None else []
    n_imp, n_base = len(imported), len(base_clauses)
    link: dict[int, list[int]] = {i: [] for i in range(n_imp)}
    uncertain: dict[int, Uncertain] = {}
    by_key = {c.key: j for j, c in enumerate(base_clauses)}
    by_slot = {(c.part, c.number): j for j, c in enumerate(base_clauses)}
    by_heading: dict[str, list[int]] = {}
    for j, c in enumerate(base_clauses):
        by_heading.setdefault(normalize(c.heading), []).append(j)
    imp_norm = [normalize(c.text) for c in imported]
    if n_base:
        index = Index([c.text for c in base_clauses])
        sim = index.similarity(imp_norm)
        imp_bigrams = [bigrams(t) for t in imp_norm]
    claimed: dict[int, list[int]] = {}

    def claim(i: int, j: int) -> None:
        link[i].append(j)
        claimed.setdefault(j, []).append(i)

    def candidates(i: int, k: int = 3) -> tuple[Candidate, ...]:
        if not n_base:
            return ()
        order = sorted(range(n_base), key=lambda j: (-float(sim[i, j]), j))[:k]
        return tuple(
            Candidate(base_clauses[j].key, base_clauses[j].number, round(float(sim[i, j]), 3))
            for j in order
            if sim[i, j] > 0.05
        )

    done: set[int] = set()
    # 0. the officer's decisions
    for i, c in enumerate(imported):
        decision = forced.pop((c.part, c.number), None)
        if decision is None:
            continue
        done.add(i)
        if decision != ADDED:
            if decision not in by_key:
                raise GuidelineParseError(
                    f"確認ファイルの {c.part.value} {c.number}: キー '{decision}' は基の版"
                    f" {base.id if base else '（なし）'} にありません。基の版のキーか added を書いてください。"
                )
            claim(i, by_key[decision])
    if forced:
        part, number = next(iter(forced))
        raise GuidelineParseError(
            f"確認ファイルの {part.value} {number} は取り込んだ文書にありません。"
            "確認ファイルがこの文書のものか確かめてください。"
        )
    if n_base:
        base_norm = {normalize(c.text): j for j, c in reversed(list(enumerate(base_clauses)))}
        # 1. same number, high similarity (or identical text); with the same heading a
        #    lower similarity will do (a rewritten clause keeps its place and title)
        for i, c in enumerate(imported):
            j = by_slot.get((c.part, c.number))
            if i in done or j is None or j in claimed:
                continue
            score = float(sim[i, j])
            same_heading = _same_heading(c, base_clauses[j])
            if imp_norm[i] == normalize(base_clauses[j].text) or score >= LINK_SURE:
                pass
            elif same_heading and score >= LINK_MAYBE:
                pass
            elif same_heading and score >= HEADING_FLOOR:
                uncertain[i] = _uncertain(
                    c,
                    base_clauses[j].key,
                    candidates(i),
                    "項番と見出しは同じですが、本文が大きく変わっています。同じ条項の改定か確認してください。",
                )
            else:
                continue
            claim(i, j)
            done.add(i)
        # 2. identical text elsewhere (renumbered), or the same heading and a fair similarity
        for i in range(n_imp):
            j = base_norm.get(imp_norm[i])
            if i not in done and j is not None and j not in claimed:
                claim(i, j)
                done.add(i)
        for i, c in enumerate(imported):
            if i in done:
                continue
            same = [
                j
                for j in by_heading.get(normalize(c.heading), ())
                if j not in claimed and base_clauses[j].part is c.part and sim[i, j] >= LINK_MAYBE
            ]
            if len(same) == 1:
                claim(i, same[0])
                done.add(i)
        # 3. best remaining match, strongest first
        rest = sorted(
            (i for i in range(n_imp) if i not in done), key=lambda i: -float(sim[i].max())
        )
        for i in rest:
            order = sorted(range(n_base), key=lambda j: (-float(sim[i, j]), j))
            best = order[0]
            score = float(sim[i, best])
            c = imported[i]
            if score < LINK_MAYBE:
                continue  # added, nothing close
            if best not in claimed:
                claim(i, best)
                if score < LINK_SURE:
                    uncertain[i] = _uncertain(
                        c,
                        base_clauses[best].key,
                        candidates(i),
                        "類似度が中程度です。同じ条項の改定か、別の条項か確認してください。",
                    )
                continue
            inside = containment(imp_bigrams[i], index.bigrams_of(best))
            if score >= LINK_SURE and inside >= SPLIT_CONTAINMENT:
                claim(i, best)  # a second piece of the same base clause: split
                continue
            free = next(
                (j for j in order[1:] if j not in claimed and sim[i, j] >= LINK_MAYBE), None
            )
            if free is not None:
                claim(i, free)
                if float(sim[i, free]) < LINK_SURE:
                    uncertain[i] = _uncertain(
                        c,
                        base_clauses[free].key,
                        candidates(i),
                        "最も近い条項は別の条項に対応済みのため、次に近い条項に対応付けました。",
                    )
                continue
            uncertain[i] = _uncertain(
                c,
                ADDED,
                candidates(i),
                f"{base_clauses[best].number} に似ていますが、その条項は別の条項に対応済みのため追加としました。",
            )
        # 4. merge: a base clause nobody continues, wholly inside an imported clause
        for j, _old in enumerate(base_clauses):
            if j in claimed:
                continue
            old_bigrams = index.bigrams_of(j)
            for i in sorted(range(n_imp), key=lambda i: -float(sim[i, j])):
                if sim[i, j] < LINK_MAYBE:
                    break
                if link[i] and containment(old_bigrams, imp_bigrams[i]) >= MERGE_CONTAINMENT:
                    claim(i, j)
                    break
    return _build(imported, base_clauses, link, claimed, uncertain, new_id, set(taken_keys))


def _same_heading(c: ImportedClause, old: Clause) -> bool:
    return bool(c.heading) and normalize(c.heading) == normalize(old.heading)


def _uncertain(
    c: ImportedClause, proposed: str, cands: tuple[Candidate, ...], reason: str
) -> Uncertain:
    return Uncertain(c.part, c.number, c.heading, c.text, proposed, cands, reason)


def new_key(new_id: str, part: Part, number: str, taken: set[str]) -> str:
    """A key for a clause with no predecessor: ``imp.2026-03.6-4-1-1`` (基本方針:
    ``imp.2026-03.basic-2-3``), never one used before.

    >>> new_key("2026-03", Part.STANDARDS, "6.4.(1)①", set())
    'imp.2026-03.6-4-1-1'
    """
    n = ClauseNumber.parse(number)
    parts = [n.section, n.sub, n.item, n.subitem] if n.sub else [n.section, n.item, n.subitem]
    while parts and parts[-1] == 0:
        parts.pop()
    slug = "-".join(str(p) for p in parts)
    stem = f"imp.{new_id}.{'basic-' if part is Part.BASIC else ''}{slug}"
    key, k = stem, 2
    while key in taken:
        key, k = f"{stem}-v{k}", k + 1
    assert KEY_RE.match(key), key
    taken.add(key)
    return key


def _build(
    imported: Sequence[ImportedClause],
    base_clauses: list[Clause],
    link: dict[int, list[int]],
    claimed: dict[int, list[int]],
    uncertain: dict[int, Uncertain],
    new_id: str,
    taken: set[str],
) -> Linked:
    counts = dict.fromkeys(
        ["unchanged", "added", "modified", "renumbered", "split", "merged", "removed"], 0
    )
    out: list[Clause] = []
    commentary: dict[str, str] = {}
    for i, c in enumerate(imported):
        js = sorted(link[i])
        group_imps = {i2 for j in js for i2 in claimed[j]}
        if not js:
            key = new_key(new_id, c.part, c.number, taken)
            clause = _clause(
                c,
                key,
                c.text,
                c.level,
                c.needs_procedure,
                plain=f"{DRAFT}新たに「{c.heading or c.number}」について、{_gist(c.text)}ことが定められました。",
                change=(
                    ChangeKind.ADDED,
                    f"{DRAFT}新たに「{c.heading or c.number}」が定められました。",
                    (),
                    None,
                ),
            )
            counts["added"] += 1
        elif len(js) == 1 and group_imps == {i}:
            old = base_clauses[js[0]]
            same_text = normalize(old.text) == normalize(c.text)
            # a difference that vanishes under normalize() (width, spaces, variant spellings)
            # is not a change: keep the base wording, level and procedure flag
            text = old.text if same_text else c.text
            level = old.level if same_text else c.level
            needs = old.needs_procedure if same_text else c.needs_procedure
            renumbered = old.number != c.number or old.part is not c.part
            old_number = old.number if old.number != c.number else None
            if not same_text or level != old.level:
                note = _modified_note(old, c)
                clause = _clause(
                    c,
                    old.key,
                    text,
                    level,
                    needs,
                    plain=f"{DRAFT}{old.plain}（{note.removeprefix(DRAFT)}）",
                    change=(ChangeKind.MODIFIED, note, (), old_number),
                )
                counts["modified"] += 1
            elif renumbered:
                clause = _clause(
                    c,
                    old.key,
                    text,
                    level,
                    needs,
                    plain=old.plain,
                    change=(ChangeKind.RENUMBERED, "", (), old_number),
                )
                counts["renumbered"] += 1
            else:
                clause = _clause(c, old.key, text, level, needs, plain=old.plain, change=None)
                counts["unchanged"] += 1
        else:
            kind = ChangeKind.MERGED if len(js) > 1 else ChangeKind.SPLIT
            sources = tuple(base_clauses[j].key for j in js)
            olds = "、".join(f"{base_clauses[j].number}" for j in js)
            key = new_key(new_id, c.part, c.number, taken)
            if kind is ChangeKind.MERGED:
                note = f"{DRAFT}前の版の {olds} がこの条項にまとめられました。"
            else:
                note = f"{DRAFT}前の版の {olds} が分けられ、その一部がこの条項になりました。"
            clause = _clause(
                c,
                key,
                c.text,
                c.level,
                c.needs_procedure,
                plain=f"{DRAFT}{base_clauses[js[0]].plain}（{note.removeprefix(DRAFT)}）",
                change=(kind, note, sources, None),
            )
            counts[kind.value] += 1
        if c.commentary:
            commentary[clause.key] = c.commentary
        out.append(clause)
    removed = []
    for j, old in enumerate(base_clauses):
        if j not in claimed:
            removed.append(
                (
                    old.key,
                    f"{DRAFT}{old.number}「{old.heading}」に当たる規定が新しい版に見当たりません。"
                    "削除されたか、他の条項にまとめられた可能性があります。",
                )
            )
    counts["removed"] = len(removed)
    return Linked(
        tuple(out),
        tuple(removed),
        tuple(uncertain[i] for i in sorted(uncertain)),
        counts,
        commentary,
    )


def _gist(text: str, limit: int = 60) -> str:
    first = re.split(r"(?<=。)", text, maxsplit=1)[0].rstrip("。")
    for ending in (
        "しなければならない",
        "なければならない",
        "することが望ましい",
        "することができる",
    ):
        if first.endswith(ending):
            first = first[: -len(ending)] + ("する" if ending != "なければならない" else "")
            break
    return first if len(first) <= limit else first[:limit] + "…"


def _modified_note(old: Clause, new: ImportedClause) -> str:
    parts = []
    if old.level != new.level:
        parts.append(f"求める強さが{old.level.label}から{new.level.label}に変わりました")
    _, new_spans = mark_changes(old.text, new.text)
    inserted = [s.text for s in new_spans if s.op == "insert" and len(s.text.strip()) >= 2]
    if inserted:
        longest = max(inserted, key=len)
        snippet = longest if len(longest) <= 40 else longest[:40] + "…"
        parts.append(f"「{snippet}」などが加わりました")
    elif old.text != new.text:
        parts.append("書きぶりが改められました")
    return f"{DRAFT}「{new.heading or new.number}」の規定で、" + "、".join(parts) + "。"


def _clause(
    c: ImportedClause,
    key: str,
    text: str,
    level: Level,
    needs: bool,
    plain: str,
    change: tuple[ChangeKind, str, tuple[str, ...], str | None] | None,
) -> Clause:
    from gapcheck.model import Change

    return Clause(
        key=key,
        number=c.number,
        part=c.part,
        headings=c.headings or (c.number,),
        text=text,
        level=level,
        needs_procedure=needs,
        plain=plain,
        change=None if change is None else Change(change[0], change[1], change[2], change[3]),
    )


# =============================================================================================
# 4. the whole import
# =============================================================================================


@dataclass(frozen=True)
class TableFinding:
    """One disagreement between a 新旧対照表 and the computed diff.

    ``kind``: ``missing-in-table`` (the diff has a change the table lacks),
    ``missing-in-diff`` (a table row with no matching change), ``text-mismatch``
    (the 改定後 text differs from the imported clause).
    """

    kind: str
    number: str
    message: str


@dataclass(frozen=True)
class TableCheck:
    rows: int
    matched: int
    findings: tuple[TableFinding, ...]


@dataclass(frozen=True)
class ImportResult:
    """What :func:`import_guideline` did; ``path`` is the edition folder written."""

    edition: Edition
    base: Edition | None
    path: Path
    pages: int
    counts: dict[str, int]
    uncertain: tuple[Uncertain, ...]
    warnings: tuple[str, ...]
    review_path: Path | None
    table: TableCheck | None = None
    replaced_bundled: bool = False


def import_guideline(
    files: Sequence[str | os.PathLike[str]],
    version: str,
    catalog_dir: str | os.PathLike[str] | None = None,
    label: str | None = None,
    date: str | None = None,
    base: str | None = None,
    replace_existing: bool = False,
    review: str | os.PathLike[str] | None = None,
    check_table_file: str | os.PathLike[str] | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import ``files`` (one edition, possibly in parts) as edition ``version`` into
    ``catalog_dir`` (default :func:`default_catalog_dir`), linked to ``base``.

    Nothing is written unless the whole edition validates with the catalog loader; the
    edition folder appears in one rename.

    Example::

        import_guideline(["本編.pdf"], "2026-03", "~/gapcheck-editions", base="2025-03")
    """
    root = Path(catalog_dir).expanduser() if catalog_dir is not None else default_catalog_dir()
    if not EDITION_ID_RE.match(version):
        raise GapcheckError(f"--version '{version}' は YYYY-MM 形式にしてください（例: 2026-03）。")
    if date is not None and not EDITION_ID_RE.match(date):
        raise GapcheckError(f"--date '{date}' は YYYY-MM 形式にしてください（例: 2026-03）。")
    target = root / version
    if target.exists() and not replace_existing:
        raise GapcheckError(
            f"版 {version} はすでに {target} にあります。置き換えるときは --replace を付けて"
            "ください（確認ファイルを反映する再実行も --replace が必要です）。"
        )
    forced = load_review(review) if review is not None else None
    catalog = _current_catalog(root, exclude=version)
    previous = _previous(catalog, version)
    if base is not None and base != previous:
        catalog.edition(base)  # an unknown id gets the usual message
        raise GapcheckError(
            f"--base には、カタログで {version} の直前にある版 {previous or '（なし）'} を"
            f"指定してください（指定: {base}）。版の系譜は直前の版との対応で記録します。"
        )
    base_ed = catalog.edition(previous) if previous else None

    doc = read_document(files, progress)
    parsed = parse_guideline(doc)
    warnings = list(parsed.warnings)
    label = _check_cover(parsed.cover, label, date, version, warnings)
    edition_date = date or parsed.cover.month_id or version

    taken = {c.key for ed in catalog.editions for c in ed} | {
        r.key for ed in catalog.editions for r in ed.removed
    }
    linked = link_to_base(parsed.clauses, base_ed, version, taken, forced)
    summary = _summary(label, base_ed, linked.counts)
    notes = [
        f"{DRAFT}{', '.join(Path(f).name for f in files)} から gapcheck import-guideline で取り込みました。"
        "条項の本文は原文のままです。plain と change.note の「（下書き）」は担当者が確認して書き直してください。"
    ]
    if parsed.cover.established or parsed.cover.revised:
        dates = " / ".join(
            f"{w}{what}"
            for w, what in ((parsed.cover.established, "策定"), (parsed.cover.revised, "改定"))
            if w
        )
        notes.append(f"表紙の日付: {dates}")
    meta: dict[str, Any] = {
        "id": version,
        "label": label,
        "date": edition_date,
        "previous": previous,
        "summary": summary,
        "notes": notes,
    }
    if previous is None:
        del meta["previous"]
    if linked.removed:
        meta["removed"] = [{"key": k, "note": n} for k, n in linked.removed]

    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".import-{version}-", dir=root))
    try:
        folder = staging / version
        write_atomic(folder / "edition.yaml", _edition_yaml(meta))
        write_atomic(folder / "clauses.yaml", _clauses_yaml(linked.clauses, label))
        review_path = None
        if linked.uncertain:
            write_atomic(folder / REVIEW_FILE, _review_yaml(version, base_ed, linked.uncertain))
            review_path = target / REVIEW_FILE
        if linked.commentary:
            write_atomic(
                folder / COMMENTARY_FILE,
                _dump([{"key": k, "commentary": v} for k, v in linked.commentary.items()]),
            )
        try:
            validated = load_catalog_from([bundled_dir(), root, staging])
        except CatalogError as exc:
            raise GapcheckError(
                f"取り込んだ版はカタログの検証に通らなかったため、書き込みませんでした: {exc}"
            ) from exc
        table = None
        if check_table_file is not None:
            result = diff_editions(validated, previous, version) if previous else None
            table = check_table(check_table_file, result)
        _move_into_place(folder, target, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    edition = validated.edition(version)
    edition = replace(edition, path=str(target))
    return ImportResult(
        edition=edition,
        base=base_ed,
        path=target,
        pages=doc.pages,
        counts=linked.counts,
        uncertain=linked.uncertain,
        warnings=tuple(warnings),
        review_path=review_path,
        table=table,
        replaced_bundled=(bundled_dir() / version).is_dir(),
    )


def _current_catalog(root: Path, exclude: str) -> Catalog:
    """The catalog as it stands, without the user's copy of the edition being (re)imported."""
    roots = [bundled_dir()]
    if root.is_dir() and any(
        c.is_dir() and EDITION_ID_RE.match(c.name) and c.name != exclude for c in root.iterdir()
    ):
        view = Path(tempfile.mkdtemp(prefix=".view-"))
        try:
            for child in root.iterdir():
                if child.is_dir() and EDITION_ID_RE.match(child.name) and child.name != exclude:
                    _link_or_copy(child, view / child.name)
            if (root / "glossary.yaml").is_file():
                _link_or_copy(root / "glossary.yaml", view / "glossary.yaml")
            return load_catalog_from([*roots, view])
        finally:
            shutil.rmtree(view, ignore_errors=True)
    return load_catalog_from(roots)


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.symlink(src, dst, target_is_directory=src.is_dir())
    except OSError:  # Windows without the symlink privilege
        if src.is_dir():
            shutil.copytree(src, dst)
        else:
            shutil.copy2(src, dst)


def _previous(catalog: Catalog, version: str) -> str | None:
    older = [i for i in catalog.ids if i < version and i != version]
    newer = [i for i in catalog.ids if i > version]
    if newer and version not in catalog.ids:
        raise GapcheckError(
            f"版 {version} より新しい版（{', '.join(newer)}）がすでにあります。版は最新の後ろに"
            "加えるか、同じ id の版を置き換える形でしか取り込めません。"
        )
    return older[-1] if older else None


def _check_cover(
    cover: Cover, label: str | None, date: str | None, version: str, warnings: list[str]
) -> str:
    """Label and date against the cover: a contradiction is an error (the wrong file or a
    typo would otherwise enter the catalog); an id that differs from the cover's month is a
    warning (ids are the officer's choice)."""
    given = _clean_label(label) if label else None
    if given and not given.endswith("版"):
        given += "版"
    if given and cover.label and normalize(given) != normalize(cover.label):
        raise GapcheckError(
            f"--label「{given}」が表紙の「{cover.label}」と一致しません。表紙どおりに指定するか、"
            "取り込むファイルが正しいか確認してください。"
        )
    final = given or cover.label
    if not final:
        raise GapcheckError(
            "表紙から版の名称（例: 令和8年3月版）を読み取れませんでした。--label で指定してください。"
        )
    cover_month = cover.month_id
    if date and cover_month and date != cover_month:
        raise GapcheckError(
            f"--date {date} が表紙の改定日（{cover.revised or cover.established}、{cover_month}）と一致しません。"
            "表紙どおりに指定するか、取り込むファイルが正しいか確認してください。"
        )
    try:
        label_month = parse_wareki(final.removesuffix("版")).month_id
    except WarekiError:
        label_month = None
    when = date or cover_month
    if label_month and when and label_month != when:
        warnings.append(f"版の名称「{final}」（{label_month}）と公表の月 {when} が一致しません。")
    if (cover_month or label_month) and version != (cover_month or label_month):
        warnings.append(f"版の id {version} が表紙の月 {cover_month or label_month} と異なります。")
    return final


def _summary(label: str, base: Edition | None, counts: dict[str, int]) -> str:
    parts = [f"{name} {counts[k]}" for k, name in _COUNT_NAMES if k != "unchanged" and counts[k]]
    against = f"{base.label}と比べて" if base else ""
    body = "、".join(parts) if parts else "変更なし"
    return f"{DRAFT}{label}を取り込みました（{against}{body}）。改定の内容と理由を担当者が書き直してください。"


_COUNT_NAMES = (
    ("unchanged", "変更なし"),
    ("added", "追加"),
    ("modified", "変更"),
    ("renumbered", "項番変更"),
    ("split", "分割"),
    ("merged", "統合"),
    ("removed", "削除"),
)


def _dump(data: Any) -> str:
    return yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False
    )


def _edition_yaml(meta: dict[str, Any]) -> str:
    return f"# {meta['label']} — imported by gapcheck import-guideline (verbatim text)\n" + _dump(
        meta
    )


def _clauses_yaml(clauses: Sequence[Clause], label: str) -> str:
    blocks = []
    for c in clauses:
        item: dict[str, Any] = {
            "key": c.key,
            "number": c.number,
            "part": c.part.value,
            "headings": list(c.headings),
            "level": c.level.value,
            "needs_procedure": c.needs_procedure,
            "text": c.text,
            "plain": c.plain,
        }
        if c.change is not None:
            change: dict[str, Any] = {"kind": c.change.kind.value}
            if c.change.note:
                change["note"] = c.change.note
            if c.change.sources:
                change["from"] = list(c.change.sources)
            if c.change.old_number is not None:
                change["old_number"] = c.change.old_number
            item["change"] = change
        blocks.append(_dump([item]))
    return f"# {label} — clauses in document order, imported verbatim\n" + "\n".join(blocks)


def _review_yaml(version: str, base: Edition | None, items: Sequence[Uncertain]) -> str:
    head = (
        "# 取り込みの確認リスト（gapcheck import-guideline）\n"
        "# 各項目の key を確かめてください: 前の版の条項キー（同じ条項の改定）か added（新しい条項）。\n"
        "# 書き換えたら、同じコマンドに --review このファイル --replace を付けて再実行します。\n"
    )
    data = {
        "edition": version,
        "base": base.id if base else None,
        "links": [
            {
                "part": u.part.value,
                "number": u.number,
                "heading": u.heading,
                "text": u.text if len(u.text) <= 120 else u.text[:120] + "…",
                "reason": u.reason,
                "candidates": [
                    {"key": c.key, "number": c.number, "score": c.score} for c in u.candidates
                ],
                "key": u.proposed,
            }
            for u in items
        ],
    }
    return head + _dump(data)


def load_review(path: str | os.PathLike[str]) -> dict[tuple[Part, str], str]:
    """The officer's decisions from a review file: (part, number) → base key or ``added``."""
    path = Path(path)
    try:
        raw = read_yaml(path)
    except CatalogError as exc:
        raise GapcheckError(f"確認ファイルを読めません: {exc}") from exc
    links = raw.get("links") if isinstance(raw, dict) else None
    if not isinstance(links, list):
        raise GapcheckError(f"{path}: 確認ファイルには links: の並びが必要です。")
    out: dict[tuple[Part, str], str] = {}
    for item in links:
        line = item.get("__line__") if isinstance(item, dict) else None
        try:
            part = Part(str(item["part"]))
            number, key = str(item["number"]), str(item["key"]).strip()
        except (KeyError, TypeError, ValueError):
            raise GapcheckError(
                f"{path}:{line}: 各項目に part（基本方針/対策基準）、number、key が必要です。"
            ) from None
        if key != ADDED and not KEY_RE.match(key):
            raise GapcheckError(
                f"{path}:{line}: key '{key}' は前の版の条項キーか added にしてください。"
            )
        out[(part, number)] = key
    return out


def _move_into_place(folder: Path, target: Path, staging: Path) -> None:
    """Swap the validated folder in with renames: the catalog holds the old edition or the
    new one, never a mix."""
    if target.exists():
        old = staging / ".previous"
        os.replace(target, old)
        try:
            os.replace(folder, target)
        except BaseException:
            os.replace(old, target)
            raise
    else:
        os.replace(folder, target)


# =============================================================================================
# 新旧対照表
# =============================================================================================


@dataclass(frozen=True)
class TableRow:
    new_number: str | None  # None: 削除
    old_number: str | None  # None: 新設
    new_text: str
    old_text: str


_ABSENT = ("新設", "削除", "（略）", "(略)", "なし")


def read_table(path: str | os.PathLike[str]) -> list[TableRow]:
    """Rows of a two-column 新旧対照表 PDF (改定後 | 改定前), from its ruled table or, when
    the page has no rules, from the two halves of the page."""
    path = Path(path)
    rows: list[TableRow] = []
    with _open_pdf(path) as pdf:
        try:
            for page in pdf.pages:
                tables = page.extract_tables()
                if not tables:
                    x0, top, x1, bottom = page.bbox
                    mid = (x0 + x1) / 2
                    left = page.crop((x0, top, mid, bottom)).extract_text() or ""
                    right = page.crop((mid, top, x1, bottom)).extract_text() or ""
                    tables = [[[left, right]]]
                for table in tables:
                    for cells in table:
                        cells = [c or "" for c in cells]
                        if len(cells) < 2:
                            continue
                        row = _table_row(cells[0], cells[-1])
                        if row is not None:
                            rows.append(row)
                page.flush_cache()
        except GapcheckError:
            raise
        except Exception as exc:
            raise GuidelineParseError(f"{path}: 新旧対照表の PDF を読み込めません。") from exc
    return rows


def _cell(text: str) -> tuple[str | None, str]:
    """(number, heading and text) of one cell; the heading may wrap, so it is kept."""
    lines = [_clean(line) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if not lines or (any(a in lines[0] for a in _ABSENT) and len(lines) == 1):
        return None, ""
    number = _catalog_number(lines[0])
    return number, "".join(lines)


def _catalog_number(first: str) -> str | None:
    """``6.4.(1)①`` from the start of a cell such as ``６．４．（１）① ICカード等の取扱い``."""
    m = re.match(r"^\s*([0-9０-９.．()（）]+)([" + "".join(CIRCLED_VALUE) + r"]?)", first)
    if not m:
        return None
    core = unicodedata.normalize("NFKC", m.group(1)).replace(" ", "")
    mm = re.match(r"^(\d+)\.(?:(\d+)\.?)?(?:\((\d+)\))?", core)
    if not mm:
        return None
    item = int(mm.group(3) or 0)
    sub = CIRCLED_VALUE[m.group(2)] if m.group(2) and item else 0
    number = ClauseNumber(int(mm.group(1)), int(mm.group(2) or 0), item, sub)
    return str(number)


def _table_row(left: str, right: str) -> TableRow | None:
    if "改定後" in left and "改定前" in right:
        return None  # header
    new_number, new_text = _cell(left)
    old_number, old_text = _cell(right)
    if new_number is None and old_number is None:
        return None
    return TableRow(new_number, old_number, new_text, old_text)


def check_table(path: str | os.PathLike[str], diff: EditionDiff | None) -> TableCheck:
    """Compare a 新旧対照表 with the computed diff: rows the diff lacks, changes the table
    lacks, and 改定後 texts that differ from the imported ones."""
    rows = read_table(path)
    if not rows:
        raise GuidelineParseError(
            f"{path}: 新旧対照表の行（改定後 | 改定前 の二列の表）が見つかりません。"
        )
    findings: list[TableFinding] = []
    changes = list(diff.changes) if diff is not None else []
    by_new = {n: ch for ch in changes for n in (ch.new_number or "").split("、") if n}
    by_old = {
        n: ch
        for ch in changes
        for n in (ch.old_number or "").split("、")
        if n and not ch.new_number
    }
    used: set[int] = set()
    matched = 0
    for row in rows:
        change = (
            by_new.get(row.new_number or "") if row.new_number else by_old.get(row.old_number or "")
        )
        label = row.new_number or row.old_number or ""
        if change is None:
            findings.append(
                TableFinding(
                    "missing-in-diff",
                    label,
                    f"新旧対照表の {label} に当たる変更が、取り込んだ版の差分にありません。",
                )
            )
            continue
        used.add(id(change))
        matched += 1
        if (
            row.new_text
            and change.new_text
            and normalize(change.new_text) not in normalize(row.new_text)
        ):
            findings.append(
                TableFinding(
                    "text-mismatch",
                    label,
                    f"新旧対照表の {label}（改定後）の本文が、取り込んだ条項の本文と一致しません。",
                )
            )
    for change in changes:
        if id(change) not in used and change.kind.substantive:
            findings.append(
                TableFinding(
                    "missing-in-table",
                    change.number,
                    f"差分の {change.number}（{change.kind.label}）が新旧対照表にありません。",
                )
            )
    return TableCheck(len(rows), matched, tuple(findings))


# =============================================================================================
# the summary people read
# =============================================================================================


def render_import(result: ImportResult, default_folder: bool = False) -> str:
    """The Japanese summary ``gapcheck import-guideline`` prints."""
    ed, counts = result.edition, result.counts
    parts = {p: sum(c.part is p for c in ed) for p in Part}
    out = [
        f"取り込みました: {ed.label}（{ed.id}） {len(ed)} 条項"
        f"（基本方針 {parts[Part.BASIC]} / 対策基準 {parts[Part.STANDARDS]}）"
        + (f"、{result.pages} ページ" if result.pages else "")
    ]
    if result.base is not None:
        out.append(f"前の版: {result.base.label}（{result.base.id}）との対応")
        out.append(" / ".join(f"{name} {counts[key]}" for key, name in _COUNT_NAMES))
    if result.replaced_bundled:
        out.append(f"同梱の {ed.id}（要約の本文）の代わりに、この取り込んだ版が使われます。")
    if result.uncertain:
        out.append(f"\n確認が必要な対応付け: {len(result.uncertain)} 件")
        for u in result.uncertain:
            best = u.candidates[0] if u.candidates else None
            cand = f"{best.key}（{best.number}、類似度 {best.score:.2f}）" if best else "候補なし"
            decided = "追加" if u.proposed == ADDED else f"{u.proposed} に対応"
            out.append(
                f"  {u.part.value} {u.number} {u.heading}: {decided}／最も近い前の版: {cand}"
            )
        out.append(
            f"  {result.review_path} の key を確かめ、--review {result.review_path} --replace を"
            "付けて再実行すると反映されます。"
        )
    for w in result.warnings:
        out.append(f"注意: {w}")
    if result.table is not None:
        t = result.table
        out.append(
            f"\n新旧対照表との照合: {t.rows} 行のうち {t.matched} 行が差分と対応、食い違い {len(t.findings)} 件"
        )
        for f in t.findings:
            out.append(f"  [{f.kind}] {f.message}")
    out.append(f"\n書き出し先: {result.path}")
    out.append("plain（やさしい説明）と change.note の「（下書き）」を確認して書き直してください。")
    if default_folder:
        out.append(
            f"他のコマンドでこの版を使うには --guidelines {result.path.parent} を付けるか、"
            f"環境変数 GAPCHECK_GUIDELINES={result.path.parent} を設定してください。"
        )
    return "\n".join(out) + "\n"
