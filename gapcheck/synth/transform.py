"""The body's edits to the skeleton: local provisions, split and merged clauses, rewording,
moved chapters and 枝番 articles.

Each function changes the chapters in place and draws from the generator's one random
source, so the order :func:`gapcheck.synth.sample.generate_policy` calls them in is part of
the output.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import replace

from gapcheck.catalog.model import ChangeKind, Edition, Part
from gapcheck.synth.reword import reword, split_sentences
from gapcheck.synth.skeleton import Article, Chapter, Unit, sibling_lists, walk_articles

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
CLOSING = (
    "委任",
    "この訓令に定めるもののほか、情報セキュリティ対策に関し必要な事項は、市長が別に定める。",
)


def add_locals(chapters: list[Chapter], count: int, rng: random.Random) -> None:
    standards = [c for c in chapters if c.part is Part.STANDARDS]
    if not standards:
        return
    for section_no, heading, text in rng.sample(_LOCALS, count):
        chapter = next((c for c in standards if c.number == section_no), rng.choice(standards))
        section = rng.choice(chapter.sections)
        article = Article(heading, [Unit(text, (), heading, "")], "", branch=True)
        if section.articles:
            section.articles.insert(rng.randint(1, len(section.articles)), article)
        else:
            article.branch = False
            section.articles.append(article)


# --- split, merged, reworded and moved provisions -----------------------------------------


def split_units(chapters: list[Chapter], share: float, total: int, rng: random.Random) -> None:
    """Split clauses of two sentences or more into two units carrying the same key."""
    candidates = [
        (siblings, unit)
        for siblings in sibling_lists(chapters)
        for unit in siblings
        if not unit.items and len(split_sentences(unit.text)) > 1
    ]
    for siblings, unit in rng.sample(candidates, min(len(candidates), round(share * total))):
        parts = split_sentences(unit.text)
        cut = rng.randint(1, len(parts) - 1)
        second = replace(unit, text="".join(parts[cut:]), continuation=True, split=True, items=[])
        unit.text = "".join(parts[:cut])
        unit.split = True
        siblings.insert(_index(siblings, unit) + 1, second)


def _index(siblings: list[Unit], unit: Unit) -> int:
    """Position by identity (units with equal fields are still different provisions)."""
    return next(i for i, u in enumerate(siblings) if u is unit)


def merge(chapters: list[Chapter], share: float, total: int, rng: random.Random) -> None:
    """Merge pairs of neighbouring clauses into one unit carrying both keys."""

    def mergeable(unit: Unit) -> bool:
        return not unit.items and not unit.split and len(unit.truth) == 1

    pairs = [
        (siblings, a, b)
        for siblings in sibling_lists(chapters)
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


def reword_units(chapters: list[Chapter], share: float, heavy: bool, rng: random.Random) -> None:
    units = [u for siblings in sibling_lists(chapters) for u in siblings]
    for unit in rng.sample(units, round(share * len(units))):
        new = reword(unit.text, heavy, rng)
        if new != unit.text:
            unit.text = new
            unit.note = "改正" if rng.random() < 0.2 else unit.note


def move_chapter(chapters: list[Chapter], rng: random.Random) -> None:
    """Move one 対策基準 chapter (not the first) to another place among them."""
    positions = [i for i, c in enumerate(chapters) if c.part is Part.STANDARDS]
    if len(positions) < 3:
        return
    source = rng.choice(positions[1:])
    chapter = chapters.pop(source)
    targets = [p for p in positions[1:] if p != source]
    chapters.insert(rng.choice(targets), chapter)


def branch_added(chapters: list[Chapter], edition: Edition, rng: random.Random) -> None:
    """Articles made only of clauses this edition added became 枝番 articles (docs/domain.md §4)."""
    for article in walk_articles(chapters):
        keys = [
            k for u in article.units for k in (*u.truth, *(k for i in u.items for k in i.truth))
        ]
        clauses = [edition.get(k) for k in keys]
        if keys and all(c and c.change and c.change.kind is ChangeKind.ADDED for c in clauses):
            article.branch = rng.random() < 0.7


__all__ = [
    "CLOSING",
    "add_locals",
    "branch_added",
    "merge",
    "move_chapter",
    "reword_units",
    "split_units",
]
