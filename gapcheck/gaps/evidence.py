"""Which edition a policy follows, from evidence only (issue #11).

Absence is not evidence of age: a policy excerpt without cloud rules may simply stop before
them, and a body may keep its own wording. Only what is *present* counts:

* **topics an edition introduced** (``マイナンバー利用事務系`` → at least 平成30年9月版), found
  anywhere in the text, its 目次 or its title (each edition's ``dating: topics`` in its
  edition.yaml, facts in docs/real-texts.md: an imported edition brings its own);
* **clauses an edition added**, matched with confidence → at least that edition;
* **wordings that later editions changed**, or clauses they removed, matched with confidence
  in at least two places → at most the last edition with that wording;
* **a layout later editions dropped**: 外部委託 as a part of 運用 in the 目次 → at most
  平成22年11月版 (平成27年3月版 gave outsourcing its own section; ``dating: layouts``).

The result is a range (「令和2年12月版〜令和4年3月版相当」) with the provisions behind it, or
「判定できません」 with the reason. Dates in 附則 and 改正 notes are reported beside it (when
the text was last revised) but never used as a bound: an excerpt rarely shows every revision.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from gapcheck.catalog.model import Catalog, Edition, Topic
from gapcheck.text.normalize import normalize

# the level of a 目次 entry: 第N章 > 第N節 > 第N款, or 6 > 6.4 > 6.4.1
_TOC_LEVEL_RES = (
    (
        re.compile(r"^第[0-9０-９一二三四五六七八九十百]+章(?:の[0-9０-９一二三四五六七八九十]+)?"),
        1,
    ),
    (re.compile(r"^第[0-9０-９一二三四五六七八九十百]+節"), 2),
    (re.compile(r"^第[0-9０-９一二三四五六七八九十百]+款"), 3),
    (re.compile(r"^[0-9０-９]+[.．][0-9０-９]+[.．][0-9０-９]+"), 3),
    (re.compile(r"^[0-9０-９]+[.．][0-9０-９]+"), 2),
    (re.compile(r"^[0-9０-９]+(?:[.．](?![0-9０-９])|\s|　)"), 1),
)

TOO_FEW = 10  # fewer confidently matched clauses than this, and no topic: too little to judge
STRONG = 0.6  # a single clause match this strong is evidence on its own


@dataclass(frozen=True)
class Clue:
    """One piece of evidence: ``kind`` is ``topic``, ``added`` (a clause an edition added),
    ``wording`` (a wording later changed), ``removed`` (a clause later removed) or ``layout``
    (a layout of the 目次 later editions dropped);
    ``bound`` is ``lower`` (at least ``edition``) or ``upper`` (at most ``edition``)."""

    kind: str
    bound: str
    edition: str
    what: str  # plain Japanese: the topic or the clause
    where: str  # the row reference(s) it was found in
    label: str = ""  # the edition's label (令和2年12月版)

    @property
    def bound_label(self) -> str:
        """以降 (at least) or 以前 (at most)."""
        return "以降" if self.bound == "lower" else "以前"

    def to_dict(self) -> dict[str, str]:
        return {
            "kind": self.kind,
            "bound": self.bound,
            "edition": self.edition,
            "what": self.what,
            "where": self.where,
            "label": self.label,
        }


@dataclass(frozen=True)
class EditionRange:
    """The editions the evidence allows, oldest to newest (``None``: no bound that side)."""

    lower: str | None
    upper: str | None
    clues: tuple[Clue, ...]
    matched: int  # clauses matched with confidence
    mixed: bool = False  # newer topics beside wordings of an older edition (枝番 catch-up)
    reason: str = ""  # why no judgement, when there is none

    @property
    def judged(self) -> bool:
        return self.lower is not None or self.upper is not None

    @property
    def key_clues(self) -> tuple[Clue, ...]:
        """What a summary shows: the two newest lower bounds and the upper bounds (the clues
        are sorted lower first, newest first)."""
        lower = [c for c in self.clues if c.bound == "lower"][:2]
        upper = [c for c in self.clues if c.bound == "upper"][:2]
        return (*lower, *upper)

    def label(self, catalog: Catalog) -> str:
        """「令和2年12月版〜令和4年3月版相当」, 「平成30年9月版以降」, … or 「判定できません（…）」."""
        if not self.judged:
            return f"判定できません（{self.reason}）"
        lo = catalog.edition(self.lower).label if self.lower else None
        hi = catalog.edition(self.upper).label if self.upper else None
        toc = bool(self.clues) and all(c.where.startswith("目次") for c in self.clues)
        by = "（目次の見出しによる）" if toc else ""  # only the 目次 was read: say so (#21)
        if self.mixed:
            by = "。目次の見出しによる" if toc else ""
            return f"{lo}の内容を一部含む（旧版の書きぶりも残る{by}）"
        if lo and hi:
            return (f"{lo}相当" if lo == hi else f"{lo}〜{hi}相当") + by
        if lo:
            return (f"{lo}相当" if self.lower == catalog.latest.id else f"{lo}以降") + by
        return f"{hi}以前{by}"

    def to_dict(self) -> dict[str, object]:
        return {
            "lower": self.lower,
            "upper": self.upper,
            "mixed": self.mixed,
            "matched": self.matched,
            "reason": self.reason,
            "clues": [c.to_dict() for c in self.clues],
        }


@dataclass(frozen=True)
class MatchedClause:
    """What the audit knows of one matched clause, for weighing evidence."""

    key: str
    added_in: str | None  # the edition that added it (None: present in the oldest edition)
    wording_last: str | None  # last edition of the matched wording when older than the target's
    removed_after: str | None  # for an obsolete row: the last edition holding the clause
    score: float
    where: str
    what: str


def topic_clues(catalog: Catalog, texts: Sequence[tuple[str, str]]) -> list[Clue]:
    """Topics found in ``(where, text)`` pairs; each topic once, at its first place."""
    norms = [normalize(text) for _, text in texts]
    whole = "\n".join(norms)
    starts = list(itertools.accumulate((len(n) + 1 for n in norms[:-1]), initial=0))
    # each edition's own topics (edition.yaml ``dating``, issue #21): the whole text is
    # searched once per topic, and only the rows a match falls in are looked at (a survey
    # dates 1,788 policies of ~300 rows each)
    first: list[tuple[int, int, str, Topic]] = []
    order = 0
    for ed in catalog.editions:
        for t in ed.topics:
            order += 1
            row = _first_row(t, whole, norms, starts)
            if row is not None:
                first.append((row, order, ed.id, t))
    out: dict[str, Clue] = {}
    for row, _, edition, t in sorted(first, key=lambda f: (f[0], f[1])):
        if t.what not in out:
            out[t.what] = Clue("topic", "lower", edition, t.what, texts[row][0])
    return list(out.values())


def _first_row(topic: Topic, whole: str, norms: Sequence[str], starts: Sequence[int]) -> int | None:
    """The first row holding ``topic`` (「約款による外部サービス…機密性2以上」 with the
    excluded words in the same sentence is the older rule, not the topic)."""
    rx = re.compile(topic.pattern)  # cached by re
    pos = 0
    while (m := rx.search(whole, pos)) is not None:
        row = bisect.bisect_right(starts, m.start()) - 1
        norm = norms[row]
        # a match inside the row (not one running across two rows), and with an
        # ``exclude`` in a sentence without the excluded words
        if rx.search(norm) and (
            not topic.exclude
            or any(rx.search(s) and not re.search(topic.exclude, s) for s in norm.split("。"))
        ):
            return row
        if row + 1 >= len(starts):
            break
        pos = starts[row + 1]
    return None


def _toc_level(entry: str) -> int | None:
    for pattern, level in _TOC_LEVEL_RES:
        if pattern.match(entry.strip()):
            return level
    return None


def layout_clues(catalog: Catalog, texts: Sequence[tuple[str, str]]) -> list[Clue]:
    """Layouts of older editions found in the 目次 (the ``目次`` entries of ``texts``, in
    order): an entry matching a layout whose nearest higher-level entry matches its parent."""
    out: dict[str, Clue] = {}
    parents: dict[int, str] = {}
    for where, text in texts:
        if where != "目次":
            continue
        level = _toc_level(text)
        if level is None:
            continue
        parents = {n: t for n, t in parents.items() if n < level}
        parent = parents[max(parents)] if parents else ""
        entry = normalize(text)
        for ed in catalog.editions:
            for lay in ed.layouts:
                if (
                    lay.what not in out
                    and parent
                    and re.search(lay.entry, entry)
                    and not (lay.exclude and re.search(lay.exclude, entry))
                    and re.search(lay.parent, normalize(parent))
                ):
                    where = f"目次「{text.strip()}」"
                    out[lay.what] = Clue("layout", "upper", ed.id, lay.what, where)
        parents[level] = text
    return list(out.values())


def edition_range(
    catalog: Catalog,
    target: Edition,
    matches: Sequence[MatchedClause],
    texts: Sequence[tuple[str, str]],
) -> EditionRange:
    """Weigh the evidence; see the module docstring for what counts."""
    pos = {e: n for n, e in enumerate(catalog.ids)}
    clues = topic_clues(catalog, texts)
    clues += [c for c in layout_clues(catalog, texts) if pos[c.edition] < pos[target.id]]
    # clauses an edition added: one strong match, or two matches, of the same edition
    added: dict[str, list[MatchedClause]] = {}
    for m in matches:
        if m.added_in and m.added_in in pos:
            added.setdefault(m.added_in, []).append(m)
    for edition, ms in added.items():
        if len(ms) >= 2 or any(m.score >= STRONG for m in ms):
            best = sorted(ms, key=lambda m: -m.score)[:3]
            what = "、".join(m.what for m in best)
            clues.append(Clue("added", "lower", edition, what, "、".join(m.where for m in best)))
    # older wordings and removed clauses: at least two places agreeing
    olds: list[tuple[str, MatchedClause]] = []
    for m in matches:
        e = m.wording_last or m.removed_after
        if e is not None and e in pos and pos[e] < pos[target.id]:
            olds.append((e, m))
    if len(olds) >= 2:
        # the oldest edition that enough of them agree on (two at least, a quarter of them)
        # (or two strong matches: near-copies of an older wording are telling on their own)
        olds.sort(key=lambda em: pos[em[0]])
        strong = [em for em in olds if em[1].score >= STRONG]
        newest = strong[1][0] if len(strong) >= 2 else olds[max(2, -(-len(olds) // 4)) - 1][0]
        supporting = [m for e, m in olds if pos[e] <= pos[newest]][:3]
        kind = "removed" if all(m.removed_after for m in supporting) else "wording"
        clues.append(
            Clue(
                kind,
                "upper",
                newest,
                "、".join(m.what for m in supporting),
                "、".join(m.where for m in supporting),
            )
        )
    lowers = [c.edition for c in clues if c.bound == "lower"]
    uppers = [c.edition for c in clues if c.bound == "upper"]
    lower = max(lowers, key=pos.__getitem__) if lowers else None
    upper = min(uppers, key=pos.__getitem__) if uppers else None
    mixed = False
    if lower and upper and pos[lower] > pos[upper]:
        mixed, upper = True, None
    reason = ""
    if lower is None and upper is None:
        n = len(matches)
        reason = (
            f"照合できた条項が {n} 件と少ないため"
            if n < TOO_FEW
            else "どの版かを示す規定（その版で加わった条項や用語）が見つからないため"
        )
    order = {"lower": 0, "upper": 1}
    clues = [replace(c, label=catalog.edition(c.edition).label) for c in clues]
    clues.sort(key=lambda c: (order[c.bound], -pos[c.edition]))
    return EditionRange(lower, upper, tuple(clues), len(matches), mixed, reason)


__all__ = [
    "STRONG",
    "TOO_FEW",
    "Clue",
    "EditionRange",
    "MatchedClause",
    "edition_range",
    "layout_clues",
    "topic_clues",
]
