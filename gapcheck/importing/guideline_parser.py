"""Parse the lines of a guideline: cover, TOC, 第2編's 例文 as clauses, 第3編's commentary.

The second stage of the import (:mod:`gapcheck.importing.importer`): :func:`parse_guideline` turns a
:class:`gapcheck.importing.document.Document` into :class:`ImportedClause` with catalog numbers,
headings, obligation level (:func:`level_of`) and whether a 実施手順 is called for
(:func:`needs_procedure_of`).
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gapcheck.catalog.model import Level, Part
from gapcheck.errors import GuidelineParseError, WarekiError
from gapcheck.importing.document import Document, Line, number_token
from gapcheck.importing.page_quality import LEADER_CHARS
from gapcheck.text.normalize import kanji_to_int, normalize
from gapcheck.text.numbering import ClauseNumber
from gapcheck.text.wareki import Wareki, find_wareki, parse_wareki


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
_TOC_RE = re.compile(
    rf"(?:[{LEADER_CHARS}]\s*){{4,}}\s*(?:[ⅰ-ⅿ]{{1,4}}\s*[-‐－−]?\s*)?[0-9０-９]*\s*$"
)
_HEN_RE = re.compile(r"^第\s*([0-9０-９一二三四五六七八九十]+)\s*編")
_SHO_RE = re.compile(r"^第\s*([0-9０-９一二三四五六七八九十]+)\s*章")
_KANA_RE = re.compile(r"^(?:[(（][ア-ン][)）]|[ア-ン](?=[\s\u3000]))")
_MARK_RE = re.compile(r"^【([^】]+)】")
_DUTY_RE = re.compile(r"なければならない|てはならない|ではならない|ならない")


def level_of(text: str) -> Level:
    """Obligation level from the modal verb (docs/domain.md §3); the strongest one wins.

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
                label = clean_label(m.group(1) + "版")
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


def clean_label(text: str) -> str:
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
        self.regions: list[str] = []  # the region each line was read in

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
        token = number_token(title)
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
        token = number_token(raw)
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
        token = number_token(raw)
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
        parser.regions.append(parser.region)
    lost_warnings, lost_error = _unreadable_pages(doc, parser.regions)
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
    if lost_error is not None and (not clauses or lost_error[0]):
        raise GuidelineParseError(lost_error[1])
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
    warnings = list(doc.warnings) + lost_warnings
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


# An import goes on past pages that cannot be read (issue #12) unless they are a substantial
# share of the 例文: more than this share of 第2編's pages (those read and those lost) stops
# it, since every clause on a lost page would count as removed from the edition.
UNREADABLE_EXAMPLES_SHARE = 0.10


def _unreadable_pages(
    doc: Document, regions: Sequence[str]
) -> tuple[list[str], tuple[bool, str] | None]:
    """Warnings naming the pages left out as unreadable, and (refuse?, message) when any
    were: refuse is True when more than :data:`UNREADABLE_EXAMPLES_SHARE` of the 例文's pages
    were lost. A lost page belongs to the region the line before it was read in."""
    if not doc.unreadable:
        return [], None
    order = {f: k for k, f in enumerate(doc.files)}
    keys = [(order.get(line.file, 0), line.page) for line in doc.lines]
    example_pages = {k for k, r in zip(keys, regions, strict=True) if r == "examples"}
    lost_examples: list[tuple[str, int]] = []
    by_file: dict[str, dict[str, list[int]]] = {}
    for file, page, kind in doc.unreadable:
        at = bisect.bisect_left(keys, (order.get(file, 0), page))  # lines are in page order
        if at > 0 and regions[at - 1] == "examples":
            lost_examples.append((file, page))
        by_file.setdefault(file, {}).setdefault(kind, []).append(page)
    warnings = []
    for file, kinds in by_file.items():
        for kind, pages in kinds.items():
            shown = _pages(pages)
            if kind == "garbled":
                warnings.append(
                    f"{file}: {shown} ページ目は文字を読み取れないため飛ばしました（フォントに文字の"
                    "対応表がないか、文字化けしています）。"
                )
            else:
                warnings.append(
                    f"{file}: {shown} ページ目は画像だけで文字のデータがないため飛ばしました"
                    "（図のページなら問題ありません。本文をスキャンしたページなら、そこは取り込まれていません）。"
                )
    if lost_examples:
        warnings.append(
            f"例文（第2編）のうち {len(lost_examples)} ページ（{_pages(p for _, p in lost_examples)} "
            "ページ目）を読み取れなかったため、そこにある条項は取り込まれず、前の版との対応では"
            "削除として数えられます。OCR でテキスト層を付け直した PDF か、Word・テキスト版で"
            "取り込み直してください。"
        )
    share = len(lost_examples) / max(1, len(example_pages) + len(lost_examples))
    files = sorted({f for f, _ in lost_examples} or set(by_file), key=lambda f: order.get(f, 0))
    lost = lost_examples or [(f, p) for f, p, _ in doc.unreadable]
    message = (
        f"{'、'.join(files)}: 例文（第2編）の {len(example_pages) + len(lost_examples)} ページのうち "
        f"{len(lost_examples)} ページ（{_pages(p for _, p in lost)} ページ目）の文字を読み取れません"
        "（フォントに文字の対応表がないか、スキャンした画像です）。"
        f"例文のページの {round(UNREADABLE_EXAMPLES_SHARE * 100)}% を超えて読めないため、取り込みを中止しました。"
        "OCR でテキスト層を付け直した PDF か、Word・テキスト版を指定してください。"
        if lost_examples
        else f"{'、'.join(files)}: {len(lost)} ページ（{_pages(p for _, p in lost)} ページ目）の文字を"
        "読み取れず、読めたページに例文（第2編の基本方針・対策基準）が見つかりません。"
        "OCR でテキスト層を付け直した PDF か、Word・テキスト版を指定してください。"
    )
    return warnings, (share > UNREADABLE_EXAMPLES_SHARE, message)


def _pages(pages: Iterable[int]) -> str:
    """「3、7、12」: at most ten page numbers, then 「…」."""
    got = sorted(set(pages))
    return "、".join(str(n) for n in got[:10]) + ("…" if len(got) > 10 else "")


__all__ = [
    "UNREADABLE_EXAMPLES_SHARE",
    "Cover",
    "ImportedClause",
    "ParsedGuideline",
    "clean_label",
    "level_of",
    "needs_procedure_of",
    "parse_cover",
    "parse_guideline",
]
