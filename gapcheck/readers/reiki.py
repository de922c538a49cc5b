"""The structure of 例規 text: which lines are provisions, where each sits, and its dates.

Real policies are laid out in two families (issue #11, docs/real-texts.md):

* 条文型 — ``第N条`` articles with 項 (``2 …``) and 号 (``(1) …``/``一 …``), captions
  ``(目的)`` on the line above or on the article's own line (``第1条 対象範囲``), grouped in
  第N章/節/款, with 枝番 (``第23条の2``);
* 番号型 — the guideline's own numbering without 条: ``1 目的`` / ``第1 目的`` / ``5.1`` /
  ``2―4―1``, then ``(1)``, ``①``; 序 or 前文 prose before the first number.

Both share: 目次 (skipped, but its entries are kept), definitions whose term and explanation
sit on one line or two, ア/イ sub-items (kept inside their 号), 附則 and 改正 notes (not
provisions, but their dates are evidence of when the policy was last revised).

Copies from 例規集 pages are often damaged, and the reader says so in ``warnings`` (Japanese,
for the user) rather than guess silently: 号 whose article line was lost are read as
``第1条の後の第1号``, not as 第1条's; captions left without their article are named;
「1 この規程は…」 under a caption (「第」「条」 lost) is read as 第1条; items before any number
take the heading line above them (``取組の柱(1)``), never ``前文(1)``; a web
page's own introduction above the instrument's title is not its 前文.

:func:`parse_reiki` turns lines into :class:`ReikiText`: rows with their reference
(``第2条第1項第5号`` or ``2(5)``), caption, context (chapter and parent headings) and, for a
definition, its term.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from gapcheck.readers.policy import PolicyRow
from gapcheck.readers.reiki_lines import (
    AMEND_LINE_RE,
    AMEND_RE,
    ARTICLE_RE,
    BARE_ARTICLE_RE,
    BARE_DATE_RE,
    BARE_NUMBER_RE,
    BODY_TITLE_RE,
    BOILERPLATE_RE,
    CAPTION_RE,
    CHAPTER_RE,
    CIRCLED_RE,
    DAI_RE,
    DATE_LINE_RE,
    DEFINITION_CONTEXT,
    DEFINITION_LEAD,
    DOTTED_RE,
    HEADS,
    HISTORY_RE,
    INSTRUMENT_RE,
    INSTRUMENT_TITLE_RE,
    ITEM_RE,
    JO_RE,
    LEAD_IN_RE,
    LEADER_RE,
    NUMBER_LINE_RE,
    NUMBER_RE,
    PARAGRAPH_RE,
    PAREN_RE,
    RUN_IN_RE,
    SP,
    SUBITEM_RE,
    SUPPLEMENT_RE,
    TOC_ENTRY_MAX,
    TOC_ENTRY_RE,
    TOC_MARK_RE,
    amendment_years,
    branch,
    is_title,
    nfkc,
    unrun,
)
from gapcheck.readers.reiki_terms import defined_term, looks_defined, unique_refs
from gapcheck.text.normalize import kanji_to_int
from gapcheck.text.wareki import find_wareki

__all__ = ["ReikiText", "parse_reiki"]


def _first_few(items: list[str], limit: int, form: str) -> str:
    """「「a」、「b」など」: the first ``limit`` items for a warning, each in ``form``."""
    return "、".join(form.format(i) for i in items[:limit]) + ("など" if len(items) > limit else "")


@dataclass
class _Unit:
    ref: str
    heading: str
    context: tuple[str, ...]
    parts: list[str]
    notes: list[str]
    title: str = ""  # the item's own short first line: a defined term or a heading
    definition: bool = False
    fallback: str = ""  # the article line's own words, when they were taken as its caption


@dataclass(frozen=True)
class ReikiText:
    """What :func:`parse_reiki` found: rows, the title, the 目次 entries and the dates.

    ``enacted`` is the first date above the first provision (``YYYY-MM-DD``); ``revised``
    every date of an amendment or 附則 found anywhere (``YYYY-MM-DD`` or ``YYYY`` when a
    note names only the year), sorted.
    """

    rows: tuple[PolicyRow, ...]
    title: str = ""
    toc: tuple[str, ...] = ()
    enacted: str = ""
    revised: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # what looked damaged in the text, for the user (Japanese)


@dataclass
class _Reader:
    chapters: list[tuple[int, str]] = field(default_factory=list)
    caption: str = ""
    article: str | None = None
    paragraph: int = 0
    item: int = 0
    outline: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, label, title)
    unit: _Unit | None = None
    pending_notes: list[str] = field(default_factory=list)
    rows: list[PolicyRow] = field(default_factory=list)
    title: str = ""
    toc: list[str] = field(default_factory=list)
    mode: str = "pre"  # pre → (toc) → body → supplement
    link_block: bool = False
    enacted: str = ""
    revised: set[str] = field(default_factory=set)
    definition_article: bool = False
    warnings: list[str] = field(default_factory=list)
    lost: str = ""  # the article after which a lost article's 号 are read (「第1条の後の第1号」)
    _item_style: str = ""  # "paren" for (1), "kanji" for 一: a list restarts only in its style
    _bare: bool = False  # the last number stood alone on its line: its heading may follow
    _toc_seen: set[str] = field(default_factory=set)  # 目次 chapter entries, spaces removed
    _toc_first: str = ""  # the first numbered 目次 entry, spaces removed
    _since: int = 0  # rows read before this instrument began (a page may show two)
    _intro: int = 0  # rows of a web page's own introduction, read above the instrument's title
    _bare_caption: str = ""  # a caption with no article read under it yet
    _captions_alone: list[str] = field(default_factory=list)  # captions whose article was lost
    _article_no: int = 0  # the last article's number (第12条の2 → 12)
    _bare_articles: list[str] = field(default_factory=list)  # 「1 …」 read as 第1条 (lost 第/条)
    _bare_dates: list[str] = field(default_factory=list)  # 「平成18321」: a date without 年月日

    # --- dates -----------------------------------------------------------------------------

    def _dates(self, text: str, *, enact: bool = False) -> None:
        found = False
        for _, w in find_wareki(text):
            d = w.date()
            iso = d.isoformat() if d else (w.month_id if w.month else str(w.year))
            if enact and not self.enacted:
                self.enacted = iso
            else:
                self.revised.add(iso)
            found = True
        if not found and not enact:
            self.revised.update(amendment_years(text))

    # --- lines -----------------------------------------------------------------------------

    def feed(self, raw: str) -> None:
        line = raw.strip()
        marked = line.startswith(("○", "◯"))  # 例規集 pages mark an instrument's title so
        line = line.lstrip("○◯")
        if not line:
            return
        # 例規集 pages repeat a cited instrument's name between "[" and "]" lines (a tooltip)
        if line == "[":
            self.link_block = True
            return
        if self.link_block:
            if line == "]":
                self.link_block = False
            return
        self._bare_dates.extend(BARE_DATE_RE.findall(line))
        if self.mode == "supplement":
            if self._next_instrument(line, marked):
                return
            self._dates(line)
            return
        if AMEND_LINE_RE.match(line):
            self._dates(line)
            self._notes([line])
            return
        notes = AMEND_RE.findall(line)
        for note in notes:
            self._dates(note)
        line = AMEND_RE.sub("", line).strip()
        if not line:
            self._notes(notes)
            return
        if LEADER_RE.search(line):  # a 目次 line with dot leaders and a page number
            self.toc.append(LEADER_RE.sub("", line).strip())
            return
        if self.mode == "toc" and self._toc(line):
            return
        if TOC_MARK_RE.match(line):
            self.mode = "toc"
            return
        if SUPPLEMENT_RE.match(line) and (len(self.rows) > self._since or self.unit is not None):
            self._flush()
            self._dates(line)
            self.mode = "supplement"
            return
        if HISTORY_RE.match(line) or (self.mode == "pre" and DATE_LINE_RE.match(line)):
            self._dates(line, enact=self.mode == "pre" and not self.rows and "改正" not in line)
            return
        if self.mode == "pre" and NUMBER_LINE_RE.match(line):
            return
        if m := CHAPTER_RE.match(line):
            self._flush()
            self.mode = "body"
            rank = {"編": 0, "章": 1, "節": 2, "款": 3}[m.group(2)]
            while self.chapters and self.chapters[-1][0] >= rank:
                self.chapters.pop()
            self.chapters.append((rank, line))
            self.caption, self.article, self.outline = "", None, []
            self.pending_notes.clear()  # a chapter's own amendment note concerns no row
            return
        if m := ARTICLE_RE.match(line):
            self._article(m, notes)
            return
        if m := self._bare_article(line):
            self._article(m, notes)
            return
        if (m := CAPTION_RE.match(line)) and not ITEM_RE.match(line):
            self._flush()
            self.mode = "body"
            if self._bare_caption:
                self._captions_alone.append(self._bare_caption)
            self.caption = self._bare_caption = m.group(1).strip()
            if self.article is None:
                self.outline = []  # the items of an earlier lost article are not its parents
            self.definition_article = False
            self._notes(notes)
            return
        if self.article is not None and self._in_article(line, notes):
            return
        if self.article is None and self._numbered(line, notes):
            return
        self._prose(line, notes)

    def close(self) -> ReikiText:
        self._flush()
        rows = self.rows
        if len(rows) > self._intro:
            rows = rows[self._intro :]  # the page's introduction is not the instrument's
        if any(
            r.row != "前文" and str(r.row).startswith("第") and "条" in str(r.row) for r in rows
        ):
            # a web page's introduction above an instrument in articles is not a provision
            rows = [r for r in rows if r.row != "前文"]
        return ReikiText(
            rows=tuple(unique_refs(rows, self.title)),
            title=self.title,
            toc=tuple(self.toc),
            enacted=self.enacted,
            revised=tuple(sorted(self.revised)),
            warnings=tuple(self.warnings + self._damage_warnings() + self._lost_caption_warning()),
        )

    def _damage_warnings(self) -> list[str]:
        """Warnings for numbers that lost their 「第」「条」 and dates that lost 「年」「月」「日」."""
        out = []
        if bare := self._bare_articles:
            named = _first_few(bare, 2, "「{}」")
            out.append(
                f"条番号の「第」「条」が抜けているようです（{named}、{len(bare)} か所）。見出しの"
                "次の行の先頭の数字を条番号として第1条、第2条…と読みました。"
                "例規集の原本のページで条番号を確かめてください。"
            )
        if dates := self._bare_dates:
            named = _first_few(dates, 2, "「{}」")
            out.append(
                f"日付の「年」「月」「日」が抜けているようです（{named}）。この日付は制定・改正日"
                "として読んでいません。例規集の原本のページで日付を確かめてください。"
            )
        return out

    def _lost_caption_warning(self) -> list[str]:
        """One warning for the captions a 例規集 copy kept without their article lines."""
        lost = self._captions_alone
        if not lost:
            return []
        named = _first_few(lost, 3, "（{}）")
        return [
            f"条の見出し{named}の後に条文がありません（{len(lost)} か所）。"
            "例規集の写しで条の行が抜けたとみられます。例規集の原本のページで条文を確かめてください。"
        ]

    def _next_instrument(self, line: str, marked: bool) -> bool:
        """After a 附則, the title of the next instrument a 例規集 page shows (基本方針, then
        対策基準): read it as a new instrument rather than as more 附則 (issue #21)."""
        title = (
            is_title(line)
            and len(line) >= 6
            and bool(INSTRUMENT_RE.search(line))
            and not SUPPLEMENT_RE.match(line)
            and not line.startswith(("この", "附", "付", "改正"))
        )
        if not (title and (marked or INSTRUMENT_TITLE_RE.search(line))):
            return False
        self._flush()
        self.mode = "pre"
        self.chapters = [(-1, line)]  # the instrument, above its chapters, in every context
        self.caption, self.article, self.outline = "", None, []
        self.pending_notes.clear()
        self.definition_article = False
        self.lost, self._bare_caption, self._article_no = "", "", 0  # its own articles
        self._toc_seen, self._toc_first = set(), ""  # its own 目次, if it has one
        self._since = len(self.rows)
        return True

    # --- 目次 ------------------------------------------------------------------------------

    def _toc(self, line: str) -> bool:
        """Take a 目次 entry; False when the line is no longer part of the 目次.

        Entries are chapter headings and, in the guideline's numbering, numbered titles
        (「1 目的」「(1) ネットワーク」「第3 適用範囲」, issue #21) — never a sentence. The 目次 ends
        at the first line that is not an entry, or at an entry seen already (the text
        itself begins with the first chapter or item again)."""
        entry = re.sub(r"[（(]第[^（）()]*[）)]$", "", line).strip()
        if SUPPLEMENT_RE.match(line) or line in {"附則", "付則"}:
            self.mode = "body"
            return True
        key = re.sub(r"[\s　]", "", entry)
        if CHAPTER_RE.match(line):
            if key not in self._toc_seen:
                self._toc_seen.add(key)
                self.toc.append(entry)
                return True
        elif TOC_ENTRY_RE.match(line) and len(line) <= TOC_ENTRY_MAX and "。" not in line:
            # numbered entries repeat under each chapter ((1) in 2 and in 4): only the first
            # one seen again means the text has begun
            if key != self._toc_first:
                self._toc_first = self._toc_first or key
                self.toc.append(entry)
                return True
        self.mode = "body"  # the first chapter again, or the text itself: the 目次 is over
        return False

    # --- 条文型 ----------------------------------------------------------------------------

    def _article(self, m: re.Match[str], notes: list[str]) -> None:
        self._flush()
        self.mode = "body"
        self._article_no = kanji_to_int(m.group(1))
        self.article = f"第{self._article_no}条{branch(m.group(2))}"
        self.paragraph, self.item, self.outline = 1, 0, []
        self.lost, self._item_style, self._bare_caption = "", "", ""
        rest = m.group(3).strip()
        # 「第1条 対象範囲」: the caption on the article's own line, the text below it
        own = ""
        if rest and is_title(rest) and not rest.endswith(("する", "とする", "ない")):
            self.caption, rest, own = rest, "", rest
        self.definition_article = any(w in self.caption for w in DEFINITION_CONTEXT) or bool(
            DEFINITION_LEAD.search(rest)
        )
        self._start(f"{self.article}第1項", self.caption, rest, notes)
        if self.unit is not None:
            self.unit.fallback = own

    def _in_article(self, line: str, notes: list[str]) -> bool:
        m = PARAGRAPH_RE.match(line)
        if m and kanji_to_int(m.group(1)) == self.paragraph + 1:
            self._flush()
            self.paragraph, self.item = self.paragraph + 1, 0
            self._start(self._article_ref(), self.caption, m.group(2), notes)
            return True
        m = ITEM_RE.match(line)
        if m is None:
            return False
        n = kanji_to_int(m.group(1) or m.group(2))
        style = "paren" if m.group(1) else "kanji"
        restart = n == 1 and self.item > 0 and style == self._item_style
        if n != self.item + 1 and not restart:
            return False  # a sub-item ((1) under 一) or a figure: text of the 号 being read
        if restart or (n == 1 and self._lead_in_missing()):
            self._lose_article(line)
        self._flush()
        self.item, self._item_style = n, style if n == 1 else self._item_style
        self._start(self._article_ref(), self.caption, m.group(3), notes, item=True)
        return True

    def _bare_article(self, line: str) -> re.Match[str] | None:
        """「1 この規程は…」 straight under a caption, numbered next after the last article:
        the article line of an export that lost 「第」「条」 (read as 「第1条 この規程は…」)."""
        if not self._bare_caption or self.outline:
            return None
        m = BARE_ARTICLE_RE.match(line)
        if m is None or kanji_to_int(m.group(1)) != self._article_no + 1:
            return None
        self._bare_articles.append(f"（{self._bare_caption}）{m.group(1)}")
        return ARTICLE_RE.match(f"第{m.group(1)}条 {m.group(2)}")

    def _article_ref(self) -> str:
        """``第2条第1項第5号``; after a lost article ``第1条の後の第1号`` (its 第1項 is the lost
        lead-in, so only a later 項 is named)."""
        if not self.lost:
            ref = f"{self.article}第{self.paragraph}項"
        else:
            ref = f"{self.lost}の後の" + (f"第{self.paragraph}項" if self.paragraph > 1 else "")
        return ref + (f"第{self.item}号" if self.item else "")

    def _lead_in_missing(self) -> bool:
        """A first 号 under a 項 that does not announce a list: a whole sentence such as
        「この規則は、…を目的とする。」 with no 「次の各号」「次のとおり」「次に掲げる」「用語」.
        The 例規集 copy lost the article the 号 belong to (most often 第2条 定義)."""
        unit = self.unit
        if unit is None or unit.title or not unit.ref.endswith("項"):
            return False
        text = "".join(unit.parts).strip()
        return text.endswith("。") and not LEAD_IN_RE.search(text)

    def _lose_article(self, line: str) -> None:
        """Read the 号 from ``line`` on as the items of an article that is not in the text,
        located after the last article found, and say so (issue: 定義 filed under 第1条)."""
        self._flush()
        if not self.lost:
            self.lost = self.article or ""
        self.paragraph, self.item, self._item_style = 1, 0, ""
        self.caption = ""
        self.definition_article = False
        self.warnings.append(
            f"{self.lost}の後の「{line[:20]}」から始まる号は、それを含む条（「次の各号に掲げる"
            "用語の意義は…」などの条の本文）が見つかりません。写しで条の行が抜けたとみられるため、"
            f"{self.lost}の号とはせず「{self.lost}の後の第1号」のように読みました。"
            "例規集の原本のページで、どの条の号か確かめてください。"
        )

    # --- 番号型 ----------------------------------------------------------------------------

    def _numbered(self, line: str, notes: list[str]) -> bool:
        """A line opening with the guideline's own numbering: 1 / 第1 / 5.1 / (1) / ①."""
        for kind, pattern in (
            ("jo", JO_RE),
            ("dai", DAI_RE),
            ("dotted", DOTTED_RE),
            ("number", NUMBER_RE),
            ("paren", PAREN_RE),
            ("circled", CIRCLED_RE),
        ):
            m = pattern.match(line)
            if m is None:
                continue
            label = m.group(1)
            rest = (m.group(2) or "").strip()
            if kind == "number" and (
                len(nfkc(label)) > 2 or not (rest or BARE_NUMBER_RE.match(line))
            ):
                return False  # 「2025年…」 or a bare figure is text, not a number
            if kind in ("number", "paren") and not rest and kanji_to_int(label) != self._next(kind):
                return kind == "number"  # alone and out of sequence: a page number, dropped
            if heading := self._items_heading(kind):
                self.outline = [("jo", heading, "")]
            self._flush()
            self.mode = "body"
            if kind == "dotted":
                label = re.sub(r"[―\-－]", "-", nfkc(label))
            elif kind == "paren":
                label = f"({kanji_to_int(label)})"
            elif kind in ("dai",):
                label = f"第{kanji_to_int(label)}"
            elif kind == "number":
                label = str(kanji_to_int(label))
            self._push_outline(kind, label)
            self._bare = not rest
            title = rest if is_title(rest) else ""
            self.outline[-1] = (kind, label, title)
            if title or not rest:
                if any(w in title for w in DEFINITION_CONTEXT):
                    self.definition_article = True
                elif len(self.outline) == 1:
                    self.definition_article = False
                self._notes(notes)
                return True
            if len(self.outline) == 1:
                self.definition_article = bool(DEFINITION_LEAD.search(rest))
            heading = self._outline_heading()
            if kind in ("dai", "dotted", "number") and (m := RUN_IN_RE.match(rest)):
                # 「2 定義　この基準で使用する…」: a heading run into its text
                heading, rest = m.group(1), m.group(2)
                self.outline[-1] = (kind, label, heading)
            self._start(self._ref(), heading, rest, notes, item=True)
            return True
        return False

    def _next(self, kind: str) -> int:
        """The number a new item of ``kind`` would take (1 when there is none yet)."""
        for k, label, _ in reversed(self.outline):
            if k == kind:
                digits = re.sub(r"\D", "", label)
                return int(digits) + 1 if digits else 1
        return 1

    def _push_outline(self, kind: str, label: str) -> None:
        """A label replaces its equal and everything below it; a top-level label replaces any
        other top-level one, except 「1」 under 「第1」, which is a level below."""
        kinds = [k for k, _, _ in self.outline]
        if kind in kinds:
            cut = kinds.index(kind)
        elif kind in HEADS and not (kind == "number" and "dai" in kinds):
            cut = next((n for n, k in enumerate(kinds) if k in HEADS), len(kinds))
        else:
            cut = len(kinds)
        del self.outline[cut:]
        self.outline.append((kind, label, ""))

    def _ref(self) -> str:
        out = ""
        for _, label, _ in self.outline:
            # 「第1 総則」 then 「1 目的」: 第1-1, never 第11
            out += ("-" if out and out[-1].isdigit() and label[0].isdigit() else "") + label
        return out

    def _outline_heading(self) -> str:
        titles = [t for _, _, t in self.outline if t]
        return titles[-1] if titles else self.caption

    # --- text ------------------------------------------------------------------------------

    def _prose(self, line: str, notes: list[str]) -> None:
        if self._page_intro_ends(line):
            return
        if self.unit is not None:
            if SUBITEM_RE.match(line):  # ア items stay in their 号, each on its own line
                self.unit.parts.append("\n")
            elif self.unit.title and len(self.unit.parts) == 1:
                self.unit.parts.append("\u3000")  # 「(1) ネットワーク」 / its explanation
            self.unit.parts.append(line)
            self._notes(notes)
            return
        if self.outline and self.article is None:
            # the text under 「1 目的」 or 「(1) ネットワーク」
            kind, label, title = self.outline[-1]
            if not title and is_title(line) and kind != "jo" and self._bare:
                self.outline[-1] = (kind, label, line)  # 「1」 alone, then 「目的」
                if any(w in line for w in DEFINITION_CONTEXT):
                    self.definition_article = True
                self._bare = False
                return
            self._bare = False
            heading = title or self._outline_heading()
            unit = self._start(self._ref(), heading, line, notes)
            if title and kind in ("paren", "circled"):  # a defined term, not a heading
                unit.title = title
                unit.parts.insert(0, title + "\u3000")
            return
        if self.mode == "pre" and len(self.rows) == self._intro:
            if is_title(line) and not BOILERPLATE_RE.match(line):
                # the first short line, or a later one that names the instrument
                if not self.title or (
                    INSTRUMENT_RE.search(line) and not INSTRUMENT_RE.search(self.title)
                ):
                    self.title = line
                return
            if (
                line.endswith("。")
                and len(line) >= 40
                and self.article is None
                and not line.startswith(("※", "＊", "*"))  # a page's note, not a 前文
            ):
                if not re.search(r"全部を改正する。$|廃止する。$", line):
                    self._start("前文", "", line, notes)
                    self.outline = [("jo", "前文", "")]
            return

    def _page_intro_ends(self, line: str) -> bool:
        """「霧ヶ丘町情報セキュリティ基本方針」 below a web page's own prose (「…を紹介しています。」):
        the prose was the page's introduction, not the instrument's 前文. It is kept apart
        (dropped once the instrument has a row of its own) and the instrument starts here."""
        unit = self.unit
        if not (
            self.mode == "pre"
            and unit is not None
            and unit.ref == "前文"
            and is_title(line)
            and INSTRUMENT_TITLE_RE.search(line)
            and BODY_TITLE_RE.match(line)
        ):
            return False
        self._flush()
        self._intro = len(self.rows)
        self.outline = []
        self.title = line
        return True

    def _items_heading(self, kind: str) -> str:
        """For (1) or ① with no number or article above: the nearest heading a person can find
        on the page — a short line closing the 前文 (「取組の柱」), taken out of
        it, or the caption of an article whose line was lost — never 「前文(1)」."""
        if kind not in ("paren", "circled") or self.article is not None:
            return ""
        unit = self.unit
        if self.outline == [("jo", "前文", "")] and unit is not None and unit.ref == "前文":
            if len(unit.parts) > 1 and is_title(unit.parts[-1]):
                return unit.parts.pop().strip()
            return ""
        if not self.outline and self.caption:
            return self.caption
        return ""

    def _notes(self, notes: list[str]) -> None:
        (self.unit.notes if self.unit is not None else self.pending_notes).extend(notes)

    def _start(
        self, ref: str, heading: str, text: str, notes: list[str], *, item: bool = False
    ) -> _Unit:
        """Open a new unit (the one being read from now on) and return it."""
        self._bare_caption = ""
        context = tuple(label for _, label in self.chapters)
        if self.outline and self.article is None:
            context += tuple(f"{lab} {t}".strip() for _, lab, t in self.outline[:-1])
        text = text.strip()
        title = text if item and is_title(text) and not re.search(SP, text) else ""
        self.unit = _Unit(
            ref,
            heading,
            context,
            [text],
            [*self.pending_notes, *notes],
            title=title,
            definition=self.definition_article,
        )
        self.pending_notes = []
        return self.unit

    def _flush(self) -> None:
        unit, self.unit = self.unit, None
        if unit is None:
            return
        text = "".join(unit.parts).strip()
        if not text and unit.fallback:
            text = unit.fallback  # 「第5条 …」 cut off after a few words: keep what is there
        if not text:
            # 「第5条」 alone before its 号, or a bare heading: its notes go to the next row
            self.pending_notes.extend(unit.notes)
            return
        if unit.ref.endswith("第1項") and DEFINITION_LEAD.search(text):
            self.definition_article = True
        term = defined_term(text, unit.title) if (unit.definition or looks_defined(text)) else ""
        self.rows.append(
            PolicyRow(
                sheet="",
                row=unit.ref,
                number=unit.ref,
                heading=unit.heading,
                text=text,
                context=unit.context,
                note="".join(unit.notes),
                term=term,
            )
        )


def parse_reiki(lines: Iterable[str], max_rows: int | None = None) -> ReikiText:
    """Read 例規 text line by line.

    >>> text = parse_reiki(["(定義)", "第2条 用語の意義は次のとおりとする。", "(1) 機密性 見てよい者だけが見られる状態をいう。"])
    >>> [(r.row, r.heading, r.term) for r in text.rows]
    [('第2条第1項', '定義', ''), ('第2条第1項第1号', '定義', '機密性')]
    """
    reader = _Reader()
    for line in unrun(lines):
        reader.feed(line)
        if max_rows is not None and len(reader.rows) > max_rows:
            break
    return reader.close()
