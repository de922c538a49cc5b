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

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from gapcheck.readers.policy import PolicyRow
from gapcheck.text.normalize import kanji_to_int
from gapcheck.text.wareki import find_wareki

__all__ = ["ReikiText", "document_part", "parse_reiki"]

_SP = r"[ \t\u3000]"
_N = r"[0-9０-９]+|[〇一二三四五六七八九十百]+"
_CHAPTER_RE = re.compile(rf"^第({_N})(編|章|節|款)((?:の(?:{_N}))*)(?:{_SP}*(.*))?$")
_ARTICLE_RE = re.compile(rf"^第({_N})条((?:の(?:{_N}))*){_SP}*(.*)$")
_CAPTION_RE = re.compile(r"^[（(]([^（）()]{2,40})[）)]$")
_PARAGRAPH_RE = re.compile(rf"^([0-9０-９]+){_SP}+(.*)$")
# a line that opens by citing an item (「①の規定にかかわらず」) continues the text: not a label
_CITING = r"(?!の|に|及び|又は|から|まで|を|により|による|で定め)"
_ITEM_RE = re.compile(
    rf"^(?:[（(]([0-9０-９]+)[）)]{_CITING}|([一二三四五六七八九十]+){_SP}){_SP}*(.*)$"
)
_SUBITEM_RE = re.compile(rf"^(?:[（(][ア-ンｱ-ﾝ][）)]|[ア-ンｱ-ﾝ](?:{_SP}|$))")
# 番号型 labels (the guideline's numbering without 条)
_DAI_RE = re.compile(
    rf"^第([0-9０-９]+|[一二三四五六七八九十]+)(?![0-9０-９条章節款編項号])(?:{_SP}+|$)(.*)$"
)
_DOTTED_RE = re.compile(rf"^([0-9０-９]+(?:[.．―\-－][0-9０-９]+)+)[.．]?(?:{_SP}+|$)(.*)$")
_NUMBER_RE = re.compile(rf"^([0-9０-９]+)(?:[.．](?![0-9０-９]){_SP}*|{_SP}+|$)(.*)$")
_PAREN_RE = re.compile(rf"^[（(]([0-9０-９]+)[）)]{_CITING}{_SP}*(.*)$")
_CIRCLED_RE = re.compile(rf"^([①-⑳㉑-㉟㊱-㊿]){_CITING}{_SP}*(.*)$")
_JO_RE = re.compile(rf"^(序|前文)(?:{_SP}+(.*))?$")
_AMEND_RE = re.compile(
    r"[（(](?:明治|大正|昭和|平成|令和|[明大昭平令])[0-9０-９元一二三四五六七八九十]"
    r"[^（）()]*?(?:改正|追加|削除|全改|繰上|繰下|旧|一部)[^（）()]*[）)]"
)
# 「(改正(平27訓令第7号・教委訓令第6号))」: a whole line recording amendments
_AMEND_LINE_RE = re.compile(r"^[（(]\s*(?:改正|一部改正|全部改正|追加|削除)")
_ERA_YEAR_RE = re.compile(
    r"(明治|大正|昭和|平成|令和|(?<![訓政省府法])[明大昭平令])\s*([0-9０-９]{1,2}|元)"
)
_ERA_START = {"明": 1867, "大": 1911, "昭": 1925, "平": 1988, "令": 2018}
_SUPPLEMENT_RE = re.compile(rf"^[附付]{_SP}*則(?:{_SP}|[（(]|$)")
_HISTORY_RE = re.compile(
    r"^[・•●○◯\-\s]*(?:(?:明治|大正|昭和|平成|令和)[^。]{1,16}日)"
    r"[\s　]*(?:制定|改正|一部改正|全部改正|全面改正|施行|策定|改定)?[\s　]*$"
)
_DATE_LINE_RE = re.compile(
    r"^[（(]?(?:明治|大正|昭和|平成|令和)[^。、]{1,14}日[^。、]{0,24}[）)]?$"
)
_NUMBER_LINE_RE = re.compile(
    r"^[/／]?(?:[^\s。、]{0,12}(?:訓令|告示|規則|規程|条例|要綱)(?:甲|乙)?第[0-9０-９一二三四五六七八九十百]+号[/／・]?)+$"
)
# an article line whose 「第」「条」 a 例規集 export lost: 「1 この規程は…」 under 「(目的)」
_BARE_ARTICLE_RE = re.compile(rf"^([0-9０-９]{{1,3}}){_SP}*([^0-9０-９.．、。,）)\s].*)$")
# a date whose 「年」「月」「日」 were lost with it: 「平成18321」
_BARE_DATE_RE = re.compile(r"(?:明治|大正|昭和|平成|令和)[0-9０-９]{4,6}(?![0-9０-９年])")
_DEFINITION_CONTEXT = ("定義", "用語")
# words by which a 項 announces the 号 below it (「次の各号に掲げる」「次のとおり」「以下の」)
_LEAD_IN_RE = re.compile(r"次の|次に|以下の|下記|各号|用語|とおり|掲げる|[:：]$")
_DEFINITION_LEAD = re.compile(r"用語の(?:意義|定義|意味)|用語は|次の各号に掲げる用語")
_TERM_SPLIT = re.compile(
    r"^[「『]?([^\s　。、,:：「」『』（）()]{1,24}?(?:[（(][^（）()]{1,30}[）)])?)[」』]?"
    r"(?:[\s　]+|[:：]|とは、?)(.+)$"
)
# several terms defined in one provision, only in the explicit 「…とは」 form
_TERMS_SPLIT = re.compile(
    r"^([^\s　。,:：「」『』（）()]{2,16}?(?:、[^\s　。,:：「」『』（）()]{2,16}?)+)とは、?(.+)$"
)
_TITLE_MAX = 30
_HEADS = ("jo", "dai", "dotted", "number")  # 番号型 labels at the top of the outline
_RUN_IN_RE = re.compile(r"^([^\s　。、,（）()]{2,15})(?:　|\s{2,})(.+)$")
_BOILERPLATE_RE = re.compile(
    r"^(?:更新日|掲載日|ページID|ページの先頭|ここから|本文へ|メニュー|ホーム|トップ|改正$|印刷)"
)
_INSTRUMENT_RE = re.compile(r"方針|基準|規程|規則|要綱|要領|ポリシー|訓令")
# an instrument's own title (「南川市情報セキュリティ対策基準」), not a heading inside one
_INSTRUMENT_TITLE_RE = re.compile(
    r"情報セキュリティ.{0,12}(?:方針|基準|規程|規則|要綱|要領|ポリシー)$"
)
# an instrument's title that names its body (「霧ヶ丘町情報セキュリティ基本方針」), not a heading such as
# 「情報セキュリティの取組の方針」 inside a page
_BODY_TITLE_RE = re.compile(r"^\S{1,8}?[都道府県市区町村]\S{0,8}?情報セキュリティ")
_LEADER_RE = re.compile(
    r"(?:[…‥]{2,}|[・･]{3,}|[.．]{4,}|[-－—―]{4,})[\s　]*[0-9０-９ⅰ-ⅿ\-－]*[\s　]*$"
)
# 「目次」 as 例規集 pages print it: alone, spaced, or in brackets (<目次>, 【目次】)
_TOC_MARK_RE = re.compile(r"^[<＜〈【\[［(（]?目[ 　]?次[>＞〉】\]］)）]?$")
# a numbered 目次 entry in the guideline's numbering: 「1 目的」「1目的」「(1)ネットワーク」「第3 適用範囲」「序 …」
_TOC_ENTRY_RE = re.compile(
    r"^(?:第?[0-9０-９]+(?:[.．][0-9０-９]+)*[.．]?|[（(][0-9０-９]+[）)]|[①-⑳]|序)[ 　]*[^\s0-9０-９.．]"
)
_TOC_ENTRY_MAX = 40
_BARE_NUMBER_RE = re.compile(
    r"^(?:[0-9０-９]{1,2}[.．]?|[（(][0-9０-９]{1,2}[）)]|第[0-9０-９]{1,2})$"
)


def _first_few(items: list[str], limit: int, form: str) -> str:
    """「「a」、「b」など」: the first ``limit`` items for a warning, each in ``form``."""
    return "、".join(form.format(i) for i in items[:limit]) + ("など" if len(items) > limit else "")


def _branch(suffix: str) -> str:
    """``の二`` / ``の２`` → ``の2`` (枝番, possibly several)."""
    return "".join(f"の{kanji_to_int(n)}" for n in re.findall(_N, suffix))


def _is_title(text: str) -> bool:
    """A heading or a defined term rather than a sentence: short, no 。 and no 、."""
    t = text.strip()
    return bool(t) and len(t) <= _TITLE_MAX and not re.search(r"[。、,]", t)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def amendment_years(note: str) -> list[str]:
    """Years named in an amendment note: 「(平18訓令5・一部改正)」 → ``["2006"]``."""
    out = []
    for era, year in _ERA_YEAR_RE.findall(note):
        n = 1 if year == "元" else int(unicodedata.normalize("NFKC", year))
        out.append(str(_ERA_START[era[0]] + n))
    return out


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
        self._bare_dates.extend(_BARE_DATE_RE.findall(line))
        if self.mode == "supplement":
            if self._next_instrument(line, marked):
                return
            self._dates(line)
            return
        if _AMEND_LINE_RE.match(line):
            self._dates(line)
            self._notes([line])
            return
        notes = _AMEND_RE.findall(line)
        for note in notes:
            self._dates(note)
        line = _AMEND_RE.sub("", line).strip()
        if not line:
            self._notes(notes)
            return
        if _LEADER_RE.search(line):  # a 目次 line with dot leaders and a page number
            self.toc.append(_LEADER_RE.sub("", line).strip())
            return
        if self.mode == "toc" and self._toc(line):
            return
        if _TOC_MARK_RE.match(line):
            self.mode = "toc"
            return
        if _SUPPLEMENT_RE.match(line) and (len(self.rows) > self._since or self.unit is not None):
            self._flush()
            self._dates(line)
            self.mode = "supplement"
            return
        if _HISTORY_RE.match(line) or (self.mode == "pre" and _DATE_LINE_RE.match(line)):
            self._dates(line, enact=self.mode == "pre" and not self.rows and "改正" not in line)
            return
        if self.mode == "pre" and _NUMBER_LINE_RE.match(line):
            return
        if m := _CHAPTER_RE.match(line):
            self._flush()
            self.mode = "body"
            rank = {"編": 0, "章": 1, "節": 2, "款": 3}[m.group(2)]
            while self.chapters and self.chapters[-1][0] >= rank:
                self.chapters.pop()
            self.chapters.append((rank, line))
            self.caption, self.article, self.outline = "", None, []
            self.pending_notes.clear()  # a chapter's own amendment note concerns no row
            return
        if m := _ARTICLE_RE.match(line):
            self._article(m, notes)
            return
        if m := self._bare_article(line):
            self._article(m, notes)
            return
        if (m := _CAPTION_RE.match(line)) and not _ITEM_RE.match(line):
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
            rows=tuple(_unique_refs(rows, self.title)),
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
            _is_title(line)
            and len(line) >= 6
            and bool(_INSTRUMENT_RE.search(line))
            and not _SUPPLEMENT_RE.match(line)
            and not line.startswith(("この", "附", "付", "改正"))
        )
        if not (title and (marked or _INSTRUMENT_TITLE_RE.search(line))):
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
        if _SUPPLEMENT_RE.match(line) or line in {"附則", "付則"}:
            self.mode = "body"
            return True
        key = re.sub(r"[\s　]", "", entry)
        if _CHAPTER_RE.match(line):
            if key not in self._toc_seen:
                self._toc_seen.add(key)
                self.toc.append(entry)
                return True
        elif _TOC_ENTRY_RE.match(line) and len(line) <= _TOC_ENTRY_MAX and "。" not in line:
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
        self.article = f"第{self._article_no}条{_branch(m.group(2))}"
        self.paragraph, self.item, self.outline = 1, 0, []
        self.lost, self._item_style, self._bare_caption = "", "", ""
        rest = m.group(3).strip()
        # 「第1条 対象範囲」: the caption on the article's own line, the text below it
        own = ""
        if rest and _is_title(rest) and not rest.endswith(("する", "とする", "ない")):
            self.caption, rest, own = rest, "", rest
        self.definition_article = any(w in self.caption for w in _DEFINITION_CONTEXT) or bool(
            _DEFINITION_LEAD.search(rest)
        )
        self._start(f"{self.article}第1項", self.caption, rest, notes)
        if self.unit is not None:
            self.unit.fallback = own

    def _in_article(self, line: str, notes: list[str]) -> bool:
        m = _PARAGRAPH_RE.match(line)
        if m and kanji_to_int(m.group(1)) == self.paragraph + 1:
            self._flush()
            self.paragraph, self.item = self.paragraph + 1, 0
            self._start(self._article_ref(), self.caption, m.group(2), notes)
            return True
        m = _ITEM_RE.match(line)
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
        m = _BARE_ARTICLE_RE.match(line)
        if m is None or kanji_to_int(m.group(1)) != self._article_no + 1:
            return None
        self._bare_articles.append(f"（{self._bare_caption}）{m.group(1)}")
        return _ARTICLE_RE.match(f"第{m.group(1)}条 {m.group(2)}")

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
        return text.endswith("。") and not _LEAD_IN_RE.search(text)

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
            ("jo", _JO_RE),
            ("dai", _DAI_RE),
            ("dotted", _DOTTED_RE),
            ("number", _NUMBER_RE),
            ("paren", _PAREN_RE),
            ("circled", _CIRCLED_RE),
        ):
            m = pattern.match(line)
            if m is None:
                continue
            label = m.group(1)
            rest = (m.group(2) or "").strip()
            if kind == "number" and (
                len(_nfkc(label)) > 2 or not (rest or _BARE_NUMBER_RE.match(line))
            ):
                return False  # 「2025年…」 or a bare figure is text, not a number
            if kind in ("number", "paren") and not rest and kanji_to_int(label) != self._next(kind):
                return kind == "number"  # alone and out of sequence: a page number, dropped
            if heading := self._items_heading(kind):
                self.outline = [("jo", heading, "")]
            self._flush()
            self.mode = "body"
            if kind == "dotted":
                label = re.sub(r"[―\-－]", "-", _nfkc(label))
            elif kind == "paren":
                label = f"({kanji_to_int(label)})"
            elif kind in ("dai",):
                label = f"第{kanji_to_int(label)}"
            elif kind == "number":
                label = str(kanji_to_int(label))
            self._push_outline(kind, label)
            self._bare = not rest
            title = rest if _is_title(rest) else ""
            self.outline[-1] = (kind, label, title)
            if title or not rest:
                if any(w in title for w in _DEFINITION_CONTEXT):
                    self.definition_article = True
                elif len(self.outline) == 1:
                    self.definition_article = False
                self._notes(notes)
                return True
            if len(self.outline) == 1:
                self.definition_article = bool(_DEFINITION_LEAD.search(rest))
            heading = self._outline_heading()
            if kind in ("dai", "dotted", "number") and (m := _RUN_IN_RE.match(rest)):
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
        elif kind in _HEADS and not (kind == "number" and "dai" in kinds):
            cut = next((n for n, k in enumerate(kinds) if k in _HEADS), len(kinds))
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
            if _SUBITEM_RE.match(line):  # ア items stay in their 号, each on its own line
                self.unit.parts.append("\n")
            elif self.unit.title and len(self.unit.parts) == 1:
                self.unit.parts.append("\u3000")  # 「(1) ネットワーク」 / its explanation
            self.unit.parts.append(line)
            self._notes(notes)
            return
        if self.outline and self.article is None:
            # the text under 「1 目的」 or 「(1) ネットワーク」
            kind, label, title = self.outline[-1]
            if not title and _is_title(line) and kind != "jo" and self._bare:
                self.outline[-1] = (kind, label, line)  # 「1」 alone, then 「目的」
                if any(w in line for w in _DEFINITION_CONTEXT):
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
            if _is_title(line) and not _BOILERPLATE_RE.match(line):
                # the first short line, or a later one that names the instrument
                if not self.title or (
                    _INSTRUMENT_RE.search(line) and not _INSTRUMENT_RE.search(self.title)
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
            and _is_title(line)
            and _INSTRUMENT_TITLE_RE.search(line)
            and _BODY_TITLE_RE.match(line)
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
            if len(unit.parts) > 1 and _is_title(unit.parts[-1]):
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
        title = text if item and _is_title(text) and not re.search(_SP, text) else ""
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
        if unit.ref.endswith("第1項") and _DEFINITION_LEAD.search(text):
            self.definition_article = True
        term = _term(text, unit.title) if (unit.definition or _looks_defined(text)) else ""
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


def document_part(*names: str) -> str:
    """基本方針 or 対策基準 when a title or chapter heading says which, else ``""``.

    >>> document_part("第2章　情報セキュリティ対策基準")
    '対策基準'
    """
    for name in names:
        basic, standards = "基本方針" in name, "対策基準" in name or "実施基準" in name
        if basic != standards:
            return "基本方針" if basic else "対策基準"
    return ""


def _unique_refs(rows: list[PolicyRow], title: str) -> list[PolicyRow]:
    """Every row a locator a person can find (issue #21): where a document holds two parts
    or instruments numbered alike (基本方針 2(3) and 対策基準 2(3)), each reference starts
    with its part — or its chapter where the parts do not tell."""

    def unique(candidate: list[PolicyRow]) -> bool:
        return len({str(r.row) for r in candidate}) == len(candidate)

    if unique(rows):
        return rows

    def prefixed(r: PolicyRow, label: str) -> PolicyRow:
        ref = f"{label} {r.row}" if label else str(r.row)
        return replace(r, row=ref, number=ref)

    parts = [prefixed(r, document_part(*r.context, title)) for r in rows]
    if unique(parts):
        return parts
    return [prefixed(r, r.context[0].split()[0] if r.context else "") for r in rows]


@functools.lru_cache(maxsize=1 << 14)  # a survey meets the same definitions in many bodies
def definition_term(text: str, heading: str = "") -> str:
    """The term a provision defines, when it reads as a definition (「機密性　…をいう。」, or
    a heading 「機密性」 over 「…をいう。」); ``""`` otherwise."""
    if _looks_defined(text):
        return _term(text, "")
    if not re.search(r"をいう[。）)]?$", text.strip()):
        return ""
    if m := _TERMS_SPLIT.match(text):
        return m.group(1)  # several terms defined at once: 「機密性、完全性及び可用性とは」
    if heading and _is_title(heading):
        return heading
    return ""


def _looks_defined(text: str) -> bool:
    """「情報システム　…をいう。」: a definition even where the article line was lost."""
    return bool(
        re.search(r"(?:をいう|を指す|のことをいう|のこと)[。）)]?$", text.strip())
    ) and bool(_TERM_SPLIT.match(text))


def _term(text: str, title: str) -> str:
    if title:
        return title
    m = _TERM_SPLIT.match(text)
    return m.group(1) if m else ""


_RUN_SPLIT_RE = re.compile(
    rf"(?<=[。）)]){_SP}*(?=第[0-9０-９一二三四五六七八九十]+条|[（(][0-9０-９]+[）)]|[0-9０-９]{{1,2}}{_SP})"
    rf"|{_SP}+(?=[（(][0-9０-９]+[）)]{_SP}?\S|第[0-9０-９]+条{_SP})"
)


def _unrun(lines: Iterable[str]) -> Iterable[str]:
    """Lines as provisions: a very long line (a PDF's whole text on one line) is cut before
    each 第N条, (N) or N that follows a full stop."""
    for line in lines:
        if len(line) > 400:
            yield from _RUN_SPLIT_RE.split(line)
        else:
            yield line


def parse_reiki(lines: Iterable[str], max_rows: int | None = None) -> ReikiText:
    """Read 例規 text line by line.

    >>> text = parse_reiki(["(定義)", "第2条 用語の意義は次のとおりとする。", "(1) 機密性 見てよい者だけが見られる状態をいう。"])
    >>> [(r.row, r.heading, r.term) for r in text.rows]
    [('第2条第1項', '定義', ''), ('第2条第1項第1号', '定義', '機密性')]
    """
    reader = _Reader()
    for line in _unrun(lines):
        reader.feed(line)
        if max_rows is not None and len(reader.rows) > max_rows:
            break
    return reader.close()
