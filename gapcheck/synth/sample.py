"""Synthetic municipal policies, with the answer key, for tests, the demo and benchmarks.

A body is imagined to have copied the 例文 of one guideline edition and edited it the way
real bodies do (docs/domain.md §4): 本市 becomes 本町, typography drifts (、→，, ＩＤ/ID, 強靱,
総括, ハードウエア), a few clauses are dropped, local provisions appear, wording changes,
chapters move, clauses are merged or split, and the result is kept as a spreadsheet or as
例規 (条・項・号) text. Every generated row carries the catalog keys it implements, so an
aligner can be scored against the truth. Nothing here is copied from a real policy
(docs/domain.md §6): the text is the catalog's own digest, transformed.

>>> from gapcheck.catalog.loader import load_catalog
>>> sample = generate_policy(load_catalog().edition("2020-12"), seed=3, style="reiki")
>>> sample.rows[0].row
'第1条第1項'
"""

from __future__ import annotations

import functools
import itertools
import json
import random
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from gapcheck.catalog.model import ChangeKind, Clause, Edition, Part
from gapcheck.text.numbering import ClauseNumber

TIERS = ("light", "heavy")
STYLES = ("spreadsheet", "reiki")
# The body's self-reference and the head of the body (市長 → 町長, 副市長 → 副町長).
BODIES = {"本市": "市", "本町": "町", "本村": "村", "本区": "区"}

__all__ = [
    "BODIES",
    "STYLES",
    "TIERS",
    "SamplePolicy",
    "SampleRow",
    "SampleSheet",
    "generate_policy",
    "write_sample",
]


# --- the result ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SampleRow:
    """One provision of the generated policy, with its answer.

    ``sheet``/``row`` follow :class:`gapcheck.readers.policy.PolicyRow`: the sheet name and 1-based
    Excel row, or ``""`` and an article reference such as ``第23条の2第1項`` for 例規 text
    (always with 第k項; 号 as 第k項第m号). ``number`` and ``heading`` are as displayed.
    ``truth`` holds the catalog keys the row implements: two for a merged pair, the same
    key on both halves of a split clause, ``()`` for a local provision.
    """

    sheet: str
    row: int | str
    number: str
    heading: str
    text: str
    truth: tuple[str, ...]

    @property
    def is_local(self) -> bool:
        return not self.truth


@dataclass(frozen=True)
class SampleSheet:
    """One worksheet as it will be written: ``cells[0]`` is Excel row 1, ``""`` an empty cell."""

    name: str
    cells: tuple[tuple[str, ...], ...]
    merged: tuple[str, ...]  # ranges such as "A5:E5" (chapter rows)
    header_row: int


@dataclass(frozen=True)
class SamplePolicy:
    """A generated policy: its provisions with the truth, and the document to write.

    ``rows`` lists provisions only (chapter, section, title, header and blank rows are
    left out, as a reader would skip them). ``sheets`` is the workbook of a spreadsheet
    sample; ``text`` the 例規 text of a reiki sample. ``dropped`` are the edition's keys
    the body left out.
    """

    version: str
    style: str
    tier: str
    body: str
    rows: tuple[SampleRow, ...]
    title: str
    dropped: tuple[str, ...] = ()
    sheets: tuple[SampleSheet, ...] = ()
    text: str = ""

    def truth(self) -> dict[str, Any]:
        """The answer key as JSON-ready data (the ``*.truth.json`` contract)."""
        return {
            "version": self.version,
            "tier": self.tier,
            "style": self.style,
            "body": self.body,
            "title": self.title,
            "rows": [{"sheet": r.sheet, "row": r.row, "clauses": list(r.truth)} for r in self.rows],
            "dropped": list(self.dropped),
        }


# --- the tiers and the body's habits -------------------------------------------------------


@dataclass(frozen=True)
class _Tier:
    drop: float  # share of the edition's clauses left out
    merge: float  # share of clauses merged with the next one into one row
    split: float  # share of clauses split into two rows
    reword: float  # share of rows reworded
    locals: tuple[int, int]  # how many local provisions (inclusive range)
    moves: int  # chapters moved elsewhere


_TIERS = {
    "light": _Tier(drop=0.03, merge=0.0, split=0.0, reword=0.10, locals=(2, 4), moves=0),
    "heavy": _Tier(drop=0.08, merge=0.06, split=0.05, reword=0.30, locals=(5, 9), moves=2),
}


@dataclass(frozen=True)
class _Habits:
    """Typography and layout one body keeps throughout (drawn once per seed)."""

    comma: str  # "、" or "，" (some regions write ，)
    width: str  # "full" (ＩＤ, （１）), "half" (ID, (1)) or "asis"
    kyojin: str  # 強靭 / 強靱 / 強じん
    tokatsu: str  # 統括 / 総括
    ware: str  # ウェア / ウエア
    toriatsukai: str  # 取り扱い / 取扱い
    long_vowel: bool  # サーバー, コンピューター
    numbering: str  # spreadsheet: "article" (第N条第k項), "hyphen" (2―4―1), "guideline" (5.1.(1))
    header: tuple[str, str, str, str]
    title_rows: int  # 1..3 rows above the header
    two_sheets: bool  # 基本方針 and 対策基準 on separate sheets
    ref_column: bool  # a ガイドライン項番 column
    spacers: bool  # blank row before each chapter
    toc: bool  # 例規: a 目次


_HEADERS = (("条番号", "見出し", "本文", "備考"), ("項番", "項目", "規定内容", "備考"))


def _habits(rng: random.Random, body: str) -> _Habits:
    return _Habits(
        comma="，" if rng.random() < (0.35 if body != "本市" else 0.15) else "、",
        width=rng.choice(("full", "half", "asis", "asis")),
        kyojin=rng.choice(("強靭", "強靱", "強じん")),
        tokatsu="総括" if rng.random() < 0.25 else "統括",
        ware="ウエア" if rng.random() < 0.3 else "ウェア",
        toriatsukai=rng.choice(("取り扱い", "取扱い")),
        long_vowel=rng.random() < 0.3,
        numbering=rng.choice(("article", "article", "hyphen", "guideline")),
        header=rng.choice(_HEADERS),
        title_rows=rng.randint(1, 3),
        two_sheets=rng.random() < 0.4,
        ref_column=rng.random() < 0.3,
        spacers=rng.random() < 0.5,
        toc=rng.random() < 0.5,
    )


# --- the document skeleton ----------------------------------------------------------------


@dataclass
class _Unit:
    """A paragraph (項) or an item (号), or a spreadsheet row."""

    text: str
    truth: tuple[str, ...]
    heading: str
    gnum: str  # guideline number of the first truth key ("" for local)
    items: list[_Unit] = field(default_factory=list)
    continuation: bool = False  # second half of a split clause
    split: bool = False  # either half of a split clause
    note: str = ""  # 備考


@dataclass
class _Article:
    heading: str
    units: list[_Unit]
    gnum: str
    branch: bool = False  # 枝番 (第23条の2): added after enactment
    amendment: str = ""  # 「(令3訓令2・一部改正)」


@dataclass
class _Section:
    number: int  # the guideline's subsection (5.1 → 1); 0 when the chapter has none
    title: str
    articles: list[_Article]


@dataclass
class _Chapter:
    part: Part
    number: int  # the guideline's section (0 for the 基本方針 chapter)
    title: str
    sections: list[_Section]


def _group_key(clause: Clause) -> tuple[Part, int, int, int]:
    n = ClauseNumber.parse(clause.number)
    if clause.part is Part.BASIC:
        return (clause.part, n.section, 0, 0)
    return (clause.part, n.section, n.sub, n.item)


def _is_head(clause: Clause) -> bool:
    n = ClauseNumber.parse(clause.number)
    return n.item == 0 if clause.part is Part.BASIC else n.subitem == 0


def _article_heading(clauses: list[Clause]) -> str:
    """The 見出し of an article: the heading at the article's level (item, or 基本方針 item)."""
    first = clauses[0]
    if not first.headings:
        return ""
    _part, _section, sub, _item = _group_key(first)
    level = 0 if first.part is Part.BASIC else (2 if sub else 1)
    return first.headings[min(level, len(first.headings) - 1)]


def _skeleton(kept: list[Clause], rng: random.Random) -> list[_Chapter]:
    chapters: list[_Chapter] = []
    groups: dict[tuple[Part, int, int, int], list[Clause]] = {}
    for clause in kept:
        groups.setdefault(_group_key(clause), []).append(clause)
    for (part, section, sub, _item), clauses in groups.items():
        if (
            not chapters
            or chapters[-1].part is not part
            or chapters[-1].number != (section if part is Part.STANDARDS else 0)
        ):
            title = clauses[0].headings[0] if part is Part.STANDARDS else "基本方針"
            chapters.append(_Chapter(part, section if part is Part.STANDARDS else 0, title, []))
        chapter = chapters[-1]
        if not chapter.sections or chapter.sections[-1].number != sub:
            title = clauses[0].headings[1] if sub and len(clauses[0].headings) > 1 else ""
            chapter.sections.append(_Section(sub, title, []))
        chapter.sections[-1].articles.append(_article(clauses, rng))
    return chapters


def _unit(clause: Clause) -> _Unit:
    return _Unit(clause.text, (clause.key,), clause.heading, clause.number)


def _article(clauses: list[Clause], rng: random.Random) -> _Article:
    head = clauses[0] if _is_head(clauses[0]) else None
    rest = clauses[1:] if head else clauses
    if head is not None and rest and ("次" in head.text or rng.random() < 0.2):
        # a lead-in such as 「次に掲げる事項」 takes the children as 号
        lead = _unit(head)
        lead.items = [_unit(c) for c in rest]
        units = [lead]
    else:
        units = [_unit(c) for c in clauses]
    return _Article(_article_heading(clauses), units, clauses[0].number)


def _articles(chapters: list[_Chapter]) -> Iterable[_Article]:
    for chapter in chapters:
        for section in chapter.sections:
            yield from section.articles


def _sibling_lists(chapters: list[_Chapter]) -> Iterable[list[_Unit]]:
    """Every list of units that sit side by side (an article's 項, a 項's 号)."""
    for article in _articles(chapters):
        yield article.units
        for unit in article.units:
            if unit.items:
                yield unit.items


# --- local provisions ---------------------------------------------------------------------

# (guideline section the provision sits in, 見出し, text). Written as the body's own rules on
# matters the guideline does not cover; 本市/市長 are substituted like the 例文.
_LOCALS: tuple[tuple[int, str, str], ...] = (
    (
        5,
        "庁舎の防犯カメラ",
        "総務課長は、庁舎の出入口及び執務室の周辺に防犯カメラを設置し、"
        "その録画データを30日間保存した後、消去しなければならない。",
    ),
    (
        5,
        "公用携帯電話の貸与",
        "情報セキュリティ管理者は、公用携帯電話を職員に貸与するときは、"
        "貸与簿に記録し、紛失したときは直ちに届け出させなければならない。",
    ),
    (
        2,
        "議会との連絡",
        "統括情報セキュリティ責任者は、議会事務局との連絡体制を整え、重大な事案が"
        "生じたときは、議長に速やかに報告しなければならない。",
    ),
    (2, "庶務", "情報セキュリティに関する庶務は、総務課情報政策係において処理する。"),
    (
        6,
        "退職時の誓約",
        "職員は、退職するときは、在職中に知り得た情報を漏らさない旨の誓約書を"
        "所属長に提出しなければならない。",
    ),
    (6, "名札の着用", "職員は、勤務時間中は、所定の名札を見やすい位置に着用しなければならない。"),
    (
        5,
        "執務室の鍵の管理",
        "執務室の鍵は、各課の庶務担当が保管し、貸し出すときは、その都度鍵管理簿に"
        "記録しなければならない。",
    ),
    (
        8,
        "住民への公表",
        "本市は、住民の個人情報が漏えいしたときは、被害の拡大防止に配慮した上で、"
        "その概要を本市のホームページで公表するものとする。",
    ),
    (
        8,
        "防災行政無線の操作",
        "防災行政無線の操作卓は、総務課長が指名した職員以外の者に操作させてはならない。",
    ),
    (3, "紙文書の保存期間", "紙の文書の保存期間は、本市文書管理規程の定めるところによる。"),
    (
        10,
        "委員会の会議録",
        "情報セキュリティ委員会の会議録は、総務課において5年間保存しなければならない。",
    ),
    (
        9,
        "指定管理者の情報の取扱い",
        "指定管理者に公の施設の管理を行わせる場合の情報の取扱いは、協定書に定めるところによる。",
    ),
    (
        6,
        "執務室内での撮影",
        "所属長は、来庁者が執務室内を撮影しようとするときは、事前に許可を得させなければならない。",
    ),
    (
        7,
        "庁用車のドライブレコーダー",
        "庁用車のドライブレコーダーの映像は、事故の確認に必要な場合"
        "に限り、総務課長の承認を得て閲覧することができる。",
    ),
)
_CLOSING = (
    "委任",
    "この訓令に定めるもののほか、情報セキュリティ対策に関し必要な事項は、市長が別に定める。",
)


def _add_locals(chapters: list[_Chapter], count: int, rng: random.Random) -> None:
    standards = [c for c in chapters if c.part is Part.STANDARDS]
    if not standards:
        return
    for section_no, heading, text in rng.sample(_LOCALS, count):
        chapter = next((c for c in standards if c.number == section_no), rng.choice(standards))
        section = rng.choice(chapter.sections)
        article = _Article(heading, [_Unit(text, (), heading, "")], "", branch=True)
        if section.articles:
            section.articles.insert(rng.randint(1, len(section.articles)), article)
        else:
            article.branch = False
            section.articles.append(article)


# --- rewording ----------------------------------------------------------------------------

_GODAN = dict(zip("わらかがさたまば", "うるくぐすつむぶ", strict=True))
# Plain swaps a body's drafter makes; every entry keeps the sentence grammatical.
_SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("必要に応じて", ("必要に応じ",)),
    ("速やかに", ("遅滞なく", "直ちに")),
    ("場合には、", ("ときは、",)),
    ("場合は、", ("ときは、",)),
    ("電磁的記録媒体", ("外部記録媒体", "記録媒体")),
    ("定期的に", ("年1回以上", "随時")),
    ("外部委託事業者", ("委託事業者", "受託者")),
    ("許可", ("承認",)),
    ("することが望ましい", ("するよう努めるものとする", "するよう努めなければならない")),
    ("行う", ("実施する",)),
    ("確認し", ("点検し",)),
    ("又は", ("若しくは",)),
    ("手順", ("マニュアル",)),
    ("情報セキュリティインシデント", ("セキュリティ事故", "インシデント")),
    ("職員等", ("職員",)),
    ("講じ", ("とら",)),  # 講じなければ → とらなければ
)
_PROVISOS = (
    "ただし、CISOが特に認めた場合は、この限りでない。",
    "ただし、災害その他やむを得ない事情があるときは、この限りでない。",
    "ただし、本市が別に定める場合を除く。",
    "ただし、軽微なものについては、口頭で行うことができる。",
    "この場合において、統括情報セキュリティ責任者は、その内容を記録しなければならない。",
)
_OPEN, _CLOSE = "（(「", "）)」"


def _sentences(text: str) -> list[str]:
    """Split at 。 outside brackets: 「情報(印刷した文書を含む。)並びに」 is one sentence."""
    out: list[str] = []
    depth = start = 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif ch == "。" and depth == 0:
            out.append(text[start : i + 1])
            start = i + 1
    if start < len(text):
        out.append(text[start:])
    return out or [text]


def _monoshitosuru(text: str, rng: random.Random) -> str:
    """〜なければならない → 〜ものとする, conjugating the verb (守らなければ → 守る)."""

    def sub(m: re.Match[str]) -> str:
        kana = m.group(1)
        stem = kana + "る" if kana not in _GODAN else _GODAN[kana]
        return stem + "ものとする"

    if "しなければならない" in text:
        return text.replace("しなければならない", "するものとする", 1)
    return re.sub(
        r"([えけげせぜてでねべめれじちみわらかがさたまば])なければならない", sub, text, count=1
    )


def _synonym(text: str, rng: random.Random) -> str:
    options = [(old, new) for old, new in _SYNONYMS if old in text]
    if not options or rng.random() < 0.25:
        changed = _monoshitosuru(text, rng)
        if changed != text:
            return changed
    if not options:
        return text
    old, new = rng.choice(options)
    return text.replace(old, rng.choice(new), 1)


_COND = re.compile(r"^([^、。]{2,30}?)は、([^。]{4,60}?(?:場合|とき))(?:には|は)?、(.+)$", re.S)
# two nouns of a list such as 「機密性、完全性及び可用性」 (no particles inside)
_LIST = re.compile(
    r"([^、。（）「」をはがにでとのへもや]{2,10})、([^、。（）「」をはがにでとのへもや]{2,10})及び"
)


def _reorder(text: str, rng: random.Random) -> str:
    """Move a condition before the subject, or swap two listed nouns."""
    first, *rest = _sentences(text)
    m = _COND.match(first)
    if m:
        subject, cond, tail = m.groups()
        return f"{cond}は、{subject}は、{tail}" + "".join(rest)
    m = _LIST.search(text)
    if m:
        return text[: m.start()] + f"{m.group(2)}、{m.group(1)}及び" + text[m.end() :]
    if len(rest) == 1 and not rest[0].startswith(("ただし", "この場合")):
        return rest[0] + first
    return _synonym(text, rng)


def _proviso(text: str, rng: random.Random) -> str:
    return text + rng.choice(_PROVISOS)


def _shorten(text: str, rng: random.Random) -> str:
    """Drop parentheticals, a trailing sentence or a stray 等."""
    shorter = re.sub(r"（[^（）]{1,30}）|\([^()]{1,30}\)", "", text)
    if shorter != text:
        return shorter
    parts = _sentences(text)
    if len(parts) > 1:
        return "".join(parts[:-1])
    return re.sub(r"等(?=[のをにがは])", "", text, count=1)


_LIGHT_OPS: tuple[Callable[[str, random.Random], str], ...] = (_synonym, _reorder, _proviso)
_HEAVY_OPS: tuple[Callable[[str, random.Random], str], ...] = (
    _synonym,
    _synonym,
    _reorder,
    _shorten,
    _proviso,
)


def _reword(text: str, heavy: bool, rng: random.Random) -> str:
    if not heavy:
        return rng.choice(_LIGHT_OPS)(text, rng)
    for op in rng.sample(_HEAVY_OPS, rng.randint(2, 3)):
        text = op(text, rng)
    return text


# --- substitutions and typography ---------------------------------------------------------

_FULL = {
    c: chr(ord(c) + 0xFEE0)
    for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz()"
}
_HALF = {v: k for k, v in _FULL.items()}


def _to_full(text: str) -> str:
    return "".join(_FULL.get(c, c) for c in text)


def _to_half(text: str) -> str:
    return "".join(_HALF.get(c, c) for c in text)


def _localize(text: str, body: str, habits: _Habits, reiki: bool) -> str:
    """The body's name, titles and typography (docs/domain.md §4) applied to one text."""
    suffix = BODIES[body]
    text = text.replace("本市", body).replace("市長", f"{suffix}長")
    if reiki:
        text = text.replace("本基本方針", "この訓令").replace("本対策基準", "この訓令")
    text = text.replace("強靭", habits.kyojin).replace("統括", habits.tokatsu)
    text = text.replace("ウェア", habits.ware)
    other = "取扱い" if habits.toriatsukai == "取り扱い" else "取り扱い"
    text = text.replace(other, habits.toriatsukai)
    if habits.long_vowel:
        text = re.sub(r"(サーバ|コンピュータ|ルータ|ユーザ)(?!ー)", r"\1ー", text)
    if habits.width == "full":
        text = _to_full(text)
    elif habits.width == "half":
        text = _to_half(text)
    return text.replace("、", habits.comma)


# --- the generator -----------------------------------------------------------------------


VOICES = ("digest", "municipal")


@functools.lru_cache(maxsize=1)
def municipal_voice() -> dict[str, tuple[str, str]]:
    """key → (caption, text) of the second voice (gapcheck/data/voice_municipal.yaml)."""
    import importlib.resources

    raw = yaml.safe_load(
        importlib.resources.files("gapcheck")
        .joinpath("data/voice_municipal.yaml")
        .read_text(encoding="utf-8")
    )
    return {item["key"]: (item.get("caption", ""), item["text"]) for item in raw}


def _in_municipal_voice(edition: Edition) -> Edition:
    """``edition`` with each clause worded and captioned in the second voice, where it has
    one (clauses removed before the newest edition keep the digest's words)."""
    from gapcheck.catalog.loader import load_catalog

    voice = municipal_voice()
    latest = load_catalog().latest
    clauses = []
    for c in edition.clauses:
        now = latest.get(c.key)
        # the voice words the newest edition: a clause changed since keeps this edition's words
        if c.key in voice and now is not None and now.text == c.text:
            caption, text = voice[c.key]
            headings = (*c.headings[:-1], caption or c.heading) if c.headings else c.headings
            c = replace(c, text=text, headings=headings)
        clauses.append(c)
    return replace(edition, clauses=tuple(clauses))


def generate_policy(
    edition: Edition,
    *,
    seed: int = 0,
    tier: str = "light",
    style: str = "spreadsheet",
    body: str = "本町",
    name: str = "○○",
    voice: str = "digest",
) -> SamplePolicy:
    """A synthetic policy derived from ``edition``'s 例文, with the truth for every row.

    ``tier`` is ``light`` (substitutions, ~3% dropped, ~10% lightly reworded, 2–4 local
    provisions) or ``heavy`` (also chapters moved, ~8% dropped, merges, splits, ~30%
    reworded, 5–9 local provisions). ``style`` is ``spreadsheet`` or ``reiki``; ``body`` one
    of 本市 / 本町 / 本村 / 本区; ``name`` the place name in the title. The same arguments
    always give the same policy. ``voice`` is ``digest`` (our catalog's own sentences) or
    ``municipal``: a second, independent wording in 例規 style with its own captions, for
    clauses the newest edition still holds (issue #11).

    >>> from gapcheck.catalog.loader import load_catalog
    >>> sample = generate_policy(load_catalog().edition("2020-12"), seed=1)
    >>> sample.title
    '○○町情報セキュリティ対策基準'
    """
    if tier not in _TIERS:
        raise ValueError(f"tier '{tier}' は {' / '.join(TIERS)} のいずれかにしてください。")
    if style not in STYLES:
        raise ValueError(f"style '{style}' は {' / '.join(STYLES)} のいずれかにしてください。")
    if voice not in VOICES:
        raise ValueError(f"voice '{voice}' は {' / '.join(VOICES)} のいずれかにしてください。")
    if voice == "municipal":
        edition = _in_municipal_voice(edition)
    if body not in BODIES:
        raise ValueError(f"body '{body}' は {' / '.join(BODIES)} のいずれかにしてください。")
    rng = random.Random(seed)
    spec = _TIERS[tier]
    habits = _habits(rng, body)
    clauses = list(edition.clauses)

    dropped = set(rng.sample([c.key for c in clauses], round(spec.drop * len(clauses))))
    kept = [c for c in clauses if c.key not in dropped]
    chapters = _skeleton(kept, rng)

    if spec.split:
        _split(chapters, spec.split, len(clauses), rng)
    if spec.merge:
        _merge(chapters, spec.merge, len(clauses), rng)
    _reword_units(chapters, spec.reword, tier == "heavy", rng)
    _add_locals(chapters, rng.randint(*spec.locals), rng)
    for _ in range(spec.moves):
        _move_chapter(chapters, rng)

    kind = BODIES[body]
    suffix = "情報セキュリティ対策基準"
    title = f"{name}{kind}{suffix}"
    _branch_added(chapters, edition, rng)
    if style == "spreadsheet":
        sheets, rows = _render_sheets(chapters, habits, body, title, name + kind, rng)
        sample_text = ""
    else:
        sample_text, rows = _render_reiki(chapters, habits, body, title, edition, rng)
        sheets = []
    return SamplePolicy(
        version=edition.id,
        style=style,
        tier=tier,
        body=body,
        rows=tuple(rows),
        title=title,
        dropped=tuple(c.key for c in clauses if c.key in dropped),
        sheets=tuple(sheets),
        text=sample_text,
    )


def _split(chapters: list[_Chapter], share: float, total: int, rng: random.Random) -> None:
    """Split clauses of two sentences or more into two units carrying the same key."""
    candidates = [
        (siblings, unit)
        for siblings in _sibling_lists(chapters)
        for unit in siblings
        if not unit.items and len(_sentences(unit.text)) > 1
    ]
    for siblings, unit in rng.sample(candidates, min(len(candidates), round(share * total))):
        parts = _sentences(unit.text)
        cut = rng.randint(1, len(parts) - 1)
        second = replace(unit, text="".join(parts[cut:]), continuation=True, split=True, items=[])
        unit.text = "".join(parts[:cut])
        unit.split = True
        siblings.insert(_index(siblings, unit) + 1, second)


def _index(siblings: list[_Unit], unit: _Unit) -> int:
    """Position by identity (units with equal fields are still different provisions)."""
    return next(i for i, u in enumerate(siblings) if u is unit)


def _merge(chapters: list[_Chapter], share: float, total: int, rng: random.Random) -> None:
    """Merge pairs of neighbouring clauses into one unit carrying both keys."""

    def mergeable(unit: _Unit) -> bool:
        return not unit.items and not unit.split and len(unit.truth) == 1

    pairs = [
        (siblings, a, b)
        for siblings in _sibling_lists(chapters)
        for a, b in itertools.pairwise(siblings)
        if mergeable(a) and mergeable(b)
    ]
    rng.shuffle(pairs)
    used: set[int] = set()
    done = 0
    for siblings, a, b in pairs:
        if done >= round(share * total):
            break
        if id(a) in used or id(b) in used:
            continue
        used.update((id(a), id(b)))
        a.text += b.text
        a.truth = (*a.truth, *b.truth)
        del siblings[_index(siblings, b)]
        done += 1


def _reword_units(chapters: list[_Chapter], share: float, heavy: bool, rng: random.Random) -> None:
    units = [u for siblings in _sibling_lists(chapters) for u in siblings]
    for unit in rng.sample(units, round(share * len(units))):
        new = _reword(unit.text, heavy, rng)
        if new != unit.text:
            unit.text = new
            unit.note = "改正" if rng.random() < 0.2 else unit.note


def _move_chapter(chapters: list[_Chapter], rng: random.Random) -> None:
    """Move one 対策基準 chapter (not the first) to another place among them."""
    positions = [i for i, c in enumerate(chapters) if c.part is Part.STANDARDS]
    if len(positions) < 3:
        return
    source = rng.choice(positions[1:])
    chapter = chapters.pop(source)
    targets = [p for p in positions[1:] if p != source]
    chapters.insert(rng.choice(targets), chapter)


def _branch_added(chapters: list[_Chapter], edition: Edition, rng: random.Random) -> None:
    """Articles made only of clauses this edition added became 枝番 articles (docs/domain.md §4)."""
    for article in _articles(chapters):
        keys = [
            k for u in article.units for k in (*u.truth, *(k for i in u.items for k in i.truth))
        ]
        clauses = [edition.get(k) for k in keys]
        if keys and all(c and c.change and c.change.kind is ChangeKind.ADDED for c in clauses):
            article.branch = rng.random() < 0.7


# --- spreadsheet --------------------------------------------------------------------------

_DASH = "\u2015"  # ― as in 2―4―1


def _column(i: int) -> str:
    return chr(ord("A") + i)


def _render_sheets(
    chapters: list[_Chapter],
    habits: _Habits,
    body: str,
    title: str,
    place: str,
    rng: random.Random,
) -> tuple[list[SampleSheet], list[SampleRow]]:
    if habits.two_sheets:
        parts = [
            (
                "基本方針",
                [c for c in chapters if c.part is Part.BASIC],
                f"{place}情報セキュリティ基本方針",
            ),
            ("対策基準", [c for c in chapters if c.part is Part.STANDARDS], title),
        ]
        parts = [p for p in parts if p[1]]
    else:
        parts = [(rng.choice(("対策基準", "ポリシー", "一覧")), chapters, title)]
    sheets: list[SampleSheet] = []
    rows: list[SampleRow] = []
    for name, part_chapters, sheet_title in parts:
        sheet, sheet_rows = _render_sheet(name, part_chapters, habits, body, sheet_title, rng)
        sheets.append(sheet)
        rows.extend(sheet_rows)
    return sheets, rows


def _render_sheet(
    name: str,
    chapters: list[_Chapter],
    habits: _Habits,
    body: str,
    title: str,
    rng: random.Random,
) -> tuple[SampleSheet, list[SampleRow]]:
    number_h, heading_h, text_h, note_h = habits.header
    header = (
        [number_h, heading_h, text_h]
        + (["ガイドライン項番"] if habits.ref_column else [])
        + [note_h]
    )
    width = len(header)
    cells: list[list[str]] = []
    merged: list[str] = []
    rows: list[SampleRow] = []

    def loc(text: str) -> str:
        return _localize(text, body, habits, reiki=False)

    def add(*values: str) -> int:
        cells.append(list(values) + [""] * (width - len(values)))
        return len(cells)

    add(f"{title}　新旧対照用一覧")
    if habits.title_rows >= 2:
        add(f"令和{rng.randint(3, 7)}年4月1日現在")
    if habits.title_rows >= 3:
        add("（所管：総務課情報政策係）")
    header_row = add(*header)

    all_gnums = [u.gnum for a in _articles(chapters) for u in a.units if u.gnum]
    article_no = 0
    previous = ""
    standards_no = 0
    for chapter_no, chapter in enumerate(chapters, start=1):
        if chapter.part is Part.STANDARDS:
            standards_no += 1
        if habits.spacers and chapter_no > 1:
            add()
        if habits.numbering == "guideline":
            label = (
                "基本方針"
                if chapter.part is Part.BASIC
                else f"{_num(str(standards_no), habits)}. {chapter.title}"
            )
            shown = standards_no
        else:
            label = f"第{chapter_no}章 {chapter.title}"
            shown = chapter_no
        r = add(loc(label))
        merged.append(f"A{r}:{_column(width - 1)}{r}")
        in_chapter = 0
        for section in chapter.sections:
            if section.title:
                number = {
                    "article": f"第{section.number}節",
                    "hyphen": f"{shown}{_DASH}{section.number}",
                    "guideline": _num(f"{shown}.{section.number}", habits),
                }[habits.numbering]
                add(number, loc(section.title))
            in_section = 0
            base = ""  # the last article's number without 枝番
            branch_no = 1
            for article in section.articles:
                if article.branch and base:
                    branch_no += 1
                    number_base = f"{base}の{branch_no}"
                else:
                    article_no += 1
                    in_chapter += 1
                    in_section += 1
                    branch_no = 1
                    if habits.numbering == "article":
                        base = f"第{article_no}条"
                    elif section.number:
                        base = _DASH.join(map(str, (shown, section.number, in_section)))
                    else:
                        base = _DASH.join(map(str, (shown, in_chapter)))
                    number_base = base
                single = len(article.units) == 1 and not article.units[0].items
                for k, unit in enumerate(article.units, start=1):
                    for m, part in [(None, unit), *enumerate(unit.items, start=1)]:
                        if habits.numbering == "guideline":
                            number = _guideline_number(habits, part, shown, chapter, previous)
                        else:
                            number = _own_number(habits, number_base, k, m, single)
                        previous = number or previous
                        heading, text = loc(part.heading), loc(part.text)
                        r = add(number, heading, text, *_extra(habits, part, all_gnums, rng))
                        rows.append(SampleRow(name, r, number, heading, text, part.truth))
    sheet = SampleSheet(
        name=name,
        cells=tuple(tuple(row) for row in cells),
        merged=tuple(merged),
        header_row=header_row,
    )
    return sheet, rows


def _num(text: str, habits: _Habits) -> str:
    return _to_full(text).replace(".", "．") if habits.width == "full" else text


def _guideline_number(
    habits: _Habits, unit: _Unit, shown: int, chapter: _Chapter, previous: str
) -> str:
    """The 例文 number kept (5.1.(1)), its chapter renumbered to the body's order."""
    if unit.continuation:
        return ""
    if not unit.gnum:  # a provision of the body's own goes after its neighbour: 5.1.(3)の2
        return f"{previous}の2" if previous else ""
    number = unit.gnum
    if chapter.part is Part.STANDARDS:
        number = re.sub(r"^\d+", str(shown), number)
    return _num(number, habits)


def _own_number(habits: _Habits, base: str, k: int, m: int | None, single: bool) -> str:
    """第12条第2項第3号, or 3―2―1―2(3) in hyphen numbering."""
    if habits.numbering == "article":
        out = base if single and m is None else f"{base}第{k}項"
        return out + (f"第{m}号" if m is not None else "")
    out = base if single and m is None else f"{base}{_DASH}{k}"
    return out + (f"({m})" if m is not None else "")


def _extra(habits: _Habits, unit: _Unit, gnums: list[str], rng: random.Random) -> list[str]:
    """The optional ガイドライン項番 cell (mostly right, some blank or wrong) and 備考."""
    out = []
    if habits.ref_column:
        ref = unit.gnum
        roll = rng.random()
        if ref and roll < 0.08:
            ref = ""
        elif ref and roll < 0.12:
            ref = rng.choice(gnums)
        out.append(_num(ref, habits) if ref else "")
    note = unit.note
    if not unit.truth and rng.random() < 0.3:
        note = "独自規定"
    out.append(note)
    return out


# --- 例規 text ----------------------------------------------------------------------------


def _era(year: int) -> tuple[str, str, int]:
    """(era, abbreviation, year in era) for a date in late March of ``year``."""
    return ("令和", "令", year - 2018) if year >= 2020 else ("平成", "平", year - 1988)


def _kanji_date(year: int, month: int, day: int) -> str:
    era, _abbr, y = _era(year)
    return f"{era}{'元' if y == 1 else y}年{month}月{day}日"


def _zen(n: int) -> str:
    return _to_full(str(n))


def _render_reiki(
    chapters: list[_Chapter],
    habits: _Habits,
    body: str,
    title: str,
    edition: Edition,
    rng: random.Random,
) -> tuple[str, list[SampleRow]]:
    def loc(text: str) -> str:
        return _localize(text, body, habits, reiki=True)

    edition_year = int(edition.id[:4])
    enacted = rng.randint(2003, min(2007, edition_year - 1))
    years = sorted(
        rng.sample(range(enacted + 2, edition_year + 1), min(3, edition_year - enacted - 1))
    )
    amendments = [(y, rng.choice((25, 28, 30, 31)), rng.randint(1, 15)) for y in years]
    amendments.append((edition_year + 1, 31, rng.randint(1, 15)))  # the catch-up to this edition
    enact_no = rng.randint(1, 20)

    def note(entries: list[tuple[int, int, int]], what: str) -> str:
        return (
            "("
            + "・".join(f"{_era(y)[1]}{_era(y)[2]}訓令{n}" for y, _d, n in entries)
            + f"・{what})"
        )

    # the closing 委任 article every 訓令 ends with, a provision of the body's own
    last = chapters[-1].sections[-1]
    last.articles.append(_Article(_CLOSING[0], [_Unit(_CLOSING[1], (), _CLOSING[0], "")], ""))

    body_lines: list[str] = []
    rows: list[SampleRow] = []
    toc: list[str] = []
    article_no = 0
    branch_no = 1
    for chapter_no, chapter in enumerate(chapters, start=1):
        ch_title = "総則" if chapter.part is Part.BASIC else loc(chapter.title)
        body_lines += ["", f"第{chapter_no}章　{ch_title}"]
        first = article_no + 1
        for section_no, section in enumerate(chapter.sections, start=1):
            if section.title:
                body_lines += [f"第{section_no}節　{loc(section.title)}"]
            for article in section.articles:
                branch = article.branch and article_no > 0
                if branch:
                    branch_no += 1
                    ref = f"第{article_no}条の{branch_no}"
                else:
                    article_no += 1
                    branch_no = 1
                    ref = f"第{article_no}条"
                body_lines += [f"（{loc(article.heading)}）"]
                for k, unit in enumerate(article.units, start=1):
                    label = ref if k == 1 else _zen(k)
                    body_lines.append(f"{label}　{loc(unit.text)}")
                    rows.append(
                        SampleRow(
                            "",
                            f"{ref}第{k}項",
                            label,
                            loc(article.heading),
                            loc(unit.text),
                            unit.truth,
                        )
                    )
                    for m, item in enumerate(unit.items, start=1):
                        body_lines.append(f"({m})　{loc(item.text)}")
                        rows.append(
                            SampleRow(
                                "",
                                f"{ref}第{k}項第{m}号",
                                f"({m})",
                                loc(article.heading),
                                loc(item.text),
                                item.truth,
                            )
                        )
                if branch:
                    body_lines.append(note(amendments[-1:], "追加"))
                elif rng.random() < 0.15:
                    picked = sorted(rng.sample(amendments, rng.randint(1, min(2, len(amendments)))))
                    body_lines.append(note(picked, "一部改正"))
        toc.append(f"第{chapter_no}章　{ch_title}(第{first}条―第{article_no}条)")

    head = [title, "", _kanji_date(enacted, 3, 31), f"訓令第{enact_no}号", ""]
    head.append(
        "改正　" + "\n　　　".join(f"{_kanji_date(y, 3, d)}訓令第{n}号" for y, d, n in amendments)
    )
    if habits.toc:
        head += ["", "目次", *toc, "附則"]
    tail = ["", "附　則", f"この訓令は、{_kanji_date(enacted, 4, 1)}から施行する。"]
    for y, d, n in amendments:
        tail += [
            f"附　則（{_kanji_date(y, 3, d)}訓令第{n}号）",
            f"この訓令は、{_kanji_date(y, 4, 1)}から施行する。",
        ]
    text = "\n".join([*head, *body_lines, *tail]).replace("、", habits.comma) + "\n"
    return text, rows


# --- writing ------------------------------------------------------------------------------


def write_sample(sample: SamplePolicy, out: Path, truth: Path | None = None) -> None:
    """Write ``sample`` to ``out`` (.xlsx or UTF-8 .txt) and its truth JSON beside it.

    The truth goes to ``truth`` or, by default, ``out`` with ``.truth.json`` for a suffix.

    >>> write_sample(sample, Path("sample.xlsx"))  # doctest: +SKIP
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if sample.style == "spreadsheet":
        _write_xlsx(sample, out)
    else:
        out.write_text(sample.text, encoding="utf-8")
    truth = truth or out.with_name(out.stem + ".truth.json")
    truth.write_text(
        json.dumps(sample.truth(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _write_xlsx(sample: SamplePolicy, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    wb.remove(wb.worksheets[0])  # the empty sheet a new workbook starts with
    for sheet in sample.sheets:
        ws = wb.create_sheet(sheet.name[:31])
        for r, values in enumerate(sheet.cells, start=1):
            for c, value in enumerate(values, start=1):
                if value:
                    cell = ws.cell(row=r, column=c, value=value)
                    if value[0] in "=+-@":  # never let text run as a formula
                        cell.data_type = "s"
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for r in range(1, sheet.header_row):
            ws.cell(row=r, column=1).font = Font(bold=r == 1, size=14 if r == 1 else 11)
        for cell in ws[sheet.header_row]:
            cell.font = Font(bold=True)
        for rng in sheet.merged:
            ws.merge_cells(rng)
            ws[rng.split(":")[0]].font = Font(bold=True)
        ws.freeze_panes = ws.cell(row=sheet.header_row + 1, column=1)
        columns = max(len(v) for v in sheet.cells)
        for c in range(columns):
            body = [v[c] for v in sheet.cells[sheet.header_row - 1 :] if len(v) > c]
            widest = max((_display_width(v) for v in body if len(v) < 40), default=8)
            has_long = any(len(v) >= 40 for v in body)
            ws.column_dimensions[_column(c)].width = 80 if has_long else min(max(widest + 2, 8), 40)
    wb.save(out)
