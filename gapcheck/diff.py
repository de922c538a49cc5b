"""What changed between two editions of the guideline (issue #4).

The net effect from OLD to NEW, which need not be adjacent: each key is followed through
the editions in between (``change.from`` of split and merged clauses), so a clause added and
removed in between appears nowhere and one changed twice shows its net change with both
editions. The result is data (:class:`EditionDiff`); the terminal summary is
:func:`render_text`, and the Excel / HTML 新旧対照表 are rendered elsewhere from the same object.
"""

from __future__ import annotations

import difflib
import enum
import functools
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from gapcheck.catalog.lineage import History, Lineage
from gapcheck.catalog.model import Catalog, ChangeKind, Clause, Edition, Level, Part
from gapcheck.errors import RequestError
from gapcheck.text.normalize import normalize


class DiffKind(enum.Enum):
    """The net change to a clause (or a group of clauses) between two editions."""

    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"
    RENUMBERED = "renumbered"
    MOVED = "moved"
    SPLIT = "split"
    MERGED = "merged"
    EDITORIAL = "editorial"

    @property
    def label(self) -> str:
        """The Japanese name used in 新旧対照表 and summaries: ``追加``, ``字句修正``…"""
        return _KIND_LABELS[self]

    @property
    def substantive(self) -> bool:
        """False for changes that leave the requirement as it was (number or wording only)."""
        return self not in (DiffKind.RENUMBERED, DiffKind.EDITORIAL)


_KIND_LABELS = {
    DiffKind.ADDED: "追加",
    DiffKind.REMOVED: "削除",
    DiffKind.MODIFIED: "変更",
    DiffKind.RENUMBERED: "項番変更",
    DiffKind.MOVED: "移動",
    DiffKind.SPLIT: "分割",
    DiffKind.MERGED: "統合",
    DiffKind.EDITORIAL: "字句修正",
}


@dataclass(frozen=True)
class Span:
    """A passage of a clause's text: ``equal`` to the other edition, or ``insert``-ed
    (new text, underlined) / ``delete``-d (old text, struck through)."""

    text: str
    op: str  # "equal" | "insert" | "delete"


@dataclass(frozen=True)
class ClauseChange:
    """One row of the 新旧対照表: what became of one clause, or of a split/merged group.

    ``section`` is the new section path (the old one for a removed clause); ``note`` joins the
    catalog's reasons for the editions in ``editions`` (those in (OLD, NEW] in which the clause
    changed); ``old_spans`` / ``new_spans`` mark the changed passages. For a group, numbers
    and texts are joined in document order and the levels are the strongest of the group.

    >>> change = ClauseChange(DiffKind.ADDED, (), ("pw.mfa",), None, "1.1.(1)", "1.1",
    ...     "多要素認証", None, "多要素認証を使う。", None, Level.DUTY, "破られやすいため。",
    ...     ("2021-01",))
    >>> change.to_dict()["new_keys"]
    ['pw.mfa']
    """

    kind: DiffKind
    old_keys: tuple[str, ...]
    new_keys: tuple[str, ...]
    old_number: str | None
    new_number: str | None
    section: str
    heading: str
    old_text: str | None
    new_text: str | None
    old_level: Level | None
    new_level: Level | None
    note: str = ""
    editions: tuple[str, ...] = ()
    old_spans: tuple[Span, ...] = ()
    new_spans: tuple[Span, ...] = ()
    part: Part = Part.STANDARDS
    section_heading: str = ""  # title of the top-level section (対策基準 6 → 人的セキュリティ)
    estimate: bool = False  # some change record behind it is our estimate, not on record

    @property
    def mark(self) -> str:
        """「（推定）」 after a change that rests on our estimate, else nothing."""
        return "（推定）" if self.estimate else ""

    @property
    def level_raised(self) -> bool:
        """The obligation got stronger (recommendation → duty, permission → recommendation…)."""
        return (
            self.old_level is not None
            and self.new_level is not None
            and self.new_level.rank > self.old_level.rank
        )

    @property
    def number(self) -> str:
        """The number as shown in summaries: ``6.4.(1)``, or ``9.3.(1)→9.4.(1)`` when it changed."""
        if self.new_number is None:
            return self.old_number or ""
        if self.old_number is None or self.old_number == self.new_number:
            return self.new_number
        return f"{self.old_number}→{self.new_number}"

    def to_dict(self) -> dict[str, object]:
        """One element of ``changes`` in the ``gapcheck diff --json`` contract."""
        return {
            "kind": self.kind.value,
            "old_keys": list(self.old_keys),
            "new_keys": list(self.new_keys),
            "old_number": self.old_number,
            "new_number": self.new_number,
            "part": self.part.value,
            "section": self.section,
            "heading": self.heading,
            "old_text": self.old_text,
            "new_text": self.new_text,
            "old_level": self.old_level.value if self.old_level else None,
            "new_level": self.new_level.value if self.new_level else None,
            "note": self.note,
            "editions": list(self.editions),
            "basis": "estimate" if self.estimate else "source",
        }


@dataclass(frozen=True, eq=False)
class EditionDiff:
    """Every change from edition ``old`` to ``new``, ordered by the new edition's numbering,
    removed clauses at their old place (after the clause that preceded them)."""

    old: Edition
    new: Edition
    changes: tuple[ClauseChange, ...]
    section: str | None = None  # the --section filter, if any
    # clauses of NEW whose history before it is not held (OLD is an outline edition)
    unrecorded: int = 0

    @functools.cached_property
    def counts(self) -> dict[str, int]:
        """Changes by kind, every kind present (zero included)."""
        out = {k.value: 0 for k in DiffKind}
        for c in self.changes:
            out[c.kind.value] += 1
        return out

    def substantive(self) -> tuple[ClauseChange, ...]:
        """The changes that alter a requirement (renumbering and editorial ones left out)."""
        return tuple(c for c in self.changes if c.kind.substantive)

    def flatten(self, fields: Sequence[str]) -> list[list[object]]:
        """Changes as rows of ``fields`` (e.g. ``["kind", "old_keys", "new_keys"]``).

        Keys and editions come as lists, kinds and levels as their values.
        """
        out = []
        for c in self.changes:
            values: dict[str, object] = {
                "kind": c.kind.value,
                "old_keys": list(c.old_keys),
                "new_keys": list(c.new_keys),
                "old_number": c.old_number,
                "new_number": c.new_number,
                "number": c.number,
                "part": c.part.value,
                "section": c.section,
                "heading": c.heading,
                "old_text": c.old_text,
                "new_text": c.new_text,
                "old_level": c.old_level.value if c.old_level else None,
                "new_level": c.new_level.value if c.new_level else None,
                "level_raised": c.level_raised,
                "note": c.note,
                "editions": list(c.editions),
                "basis": "estimate" if c.estimate else "source",
            }
            out.append([values[name] for name in fields])
        return out

    def to_dict(self) -> dict[str, object]:
        """The ``gapcheck diff --json`` contract."""
        return {
            "old": self.old.id,
            "new": self.new.id,
            "counts": self.counts,
            "unrecorded": self.unrecorded,
            "changes": [c.to_dict() for c in self.changes],
        }


# --- the diff ----------------------------------------------------------------------------


def diff_editions(catalog: Catalog, old: str, new: str, section: str | None = None) -> EditionDiff:
    """The net changes from edition ``old`` to the newer edition ``new``.

    ``section`` keeps the changes in one section as :meth:`Edition.in_section` selects it
    (``"6"``, ``"6.4"``, ``"基本方針"``): new clauses by their new section, removed ones by
    their old section.

    >>> from gapcheck import load_catalog
    >>> d = diff_editions(load_catalog(), "2023-03", "2025-03")
    >>> d.counts["removed"], d.new.label
    (0, '令和7年3月版')
    """
    old_ed, new_ed = catalog.edition(old), catalog.edition(new)
    ids = catalog.ids
    if ids.index(old_ed.id) >= ids.index(new_ed.id):
        # the example: the two editions the other way round, or the one before and this one
        lo, hi = sorted((old_ed, new_ed), key=lambda e: ids.index(e.id))
        if lo is hi:
            lo = catalog.editions[max(ids.index(hi.id) - 1, 0)]
        raise RequestError(
            f"比較元には比較先より古い版を指定してください（指定: {old_ed.label}（{old_ed.id}）→ "
            f"{new_ed.label}（{new_ed.id}））。例: gapcheck diff {lo.id} {hi.id}"
        )
    between = catalog.between(old_ed.id, new_ed.id)
    lineage = Lineage(between)
    old_pos = {c.key: i for i, c in enumerate(old_ed)}
    new_pos = {c.key: i for i, c in enumerate(new_ed)}

    changes: list[ClauseChange] = []
    # keys in both editions
    section_map = _majority_sections(old_ed, new_ed)
    for clause in new_ed:
        before = old_ed.get(clause.key)
        if before is not None:
            change = _compare(before, clause, section_map, lineage)
            if change is not None:
                changes.append(change)
    # keys only in OLD: removed, or continued in NEW by split / merge
    groups: dict[str, set[str]] = {}  # old key -> the NEW keys continuing it
    for clause in old_ed:
        if clause.key in new_ed:
            continue
        succ = lineage.successors(clause.key, new_ed)
        if succ:
            groups[clause.key] = set(succ)
        else:
            keys = {clause.key} | lineage.descendants(clause.key)
            changes.append(_removed(clause, lineage.history(keys)))
    reached: set[str] = set()
    for old_keys, new_keys in _components(groups):
        olds = sorted(old_keys, key=old_pos.__getitem__)
        news = sorted(new_keys, key=new_pos.__getitem__)
        reached |= new_keys
        keys = set(olds) | set(news)
        keys |= {k for o in olds for k in lineage.descendants(o)} & {
            k for n in news for k in lineage.ancestors(n)
        }
        changes.append(
            _group(
                [old_ed.clauses[old_pos[k]] for k in olds],
                [new_ed.clauses[new_pos[k]] for k in news],
                lineage,
                lineage.history(keys),
            )
        )
    # keys only in NEW and not continuing an OLD key: added
    unrecorded = 0
    for clause in new_ed:
        if clause.key not in old_ed and clause.key not in reached:
            keys = {clause.key} | lineage.ancestors(clause.key)
            history = lineage.history(keys)
            if not history.editions:
                # first held by the edition after an outline one: below the depth we hold
                # for the older edition, so not a change we can show (nor claim as added)
                unrecorded += 1
                continue
            changes.append(_added(clause, history))

    if section is not None:
        changes = _in_section(changes, old_ed, new_ed, section)
    return EditionDiff(
        old=old_ed,
        new=new_ed,
        changes=tuple(_ordered(changes, old_ed, new_ed)),
        section=section,
        unrecorded=unrecorded,
    )


def _majority_sections(old: Edition, new: Edition) -> dict[tuple[Part, str], tuple[Part, str]]:
    """Each old section → the new section most of its continuing keys went to.

    Whole sections that shift (2018-09 inserted section 4, so 4–9 became 5–10) are thus
    renumbering; only a clause leaving its section's company is a move. Ties go to the
    section with the same path, then to the one earliest in the new edition.
    """
    votes: dict[tuple[Part, str], Counter[tuple[Part, str]]] = {}
    order: dict[tuple[Part, str], int] = {}
    for i, c in enumerate(new):
        order.setdefault((c.part, c.section), i)
        before = old.get(c.key)
        if before is not None:
            votes.setdefault((before.part, before.section), Counter())[(c.part, c.section)] += 1
    return {
        src: max(counter, key=lambda t: (counter[t], t == src, -order[t]))
        for src, counter in votes.items()
    }


def _compare(
    old: Clause,
    new: Clause,
    section_map: dict[tuple[Part, str], tuple[Part, str]],
    lineage: Lineage,
) -> ClauseChange | None:
    if old.text != new.text or old.level != new.level:
        if old.level == new.level and is_editorial(old.text, new.text):
            kind = DiffKind.EDITORIAL
        else:
            kind = DiffKind.MODIFIED
    elif old.number != new.number:
        moved = section_map[(old.part, old.section)] != (new.part, new.section)
        # a move the catalog records (外部委託 out of 運用 in 2015) stays a move even when
        # its whole subsection went along
        moved = moved or lineage.recorded(new.key, ChangeKind.MOVED)
        kind = DiffKind.MOVED if moved else DiffKind.RENUMBERED
    else:
        return None
    editions, note, estimate = lineage.history({new.key})
    if not editions and kind in (DiffKind.RENUMBERED, DiffKind.MOVED):
        # the catalog records pure renumbering without a reason: name the editions anyway,
        # so a 項番対応表 can say when the number changed
        editions, note, estimate = lineage.history({new.key}, numbering=True)
    old_spans, new_spans = mark_changes(old.text, new.text)
    return ClauseChange(
        kind=kind,
        old_keys=(old.key,),
        new_keys=(new.key,),
        old_number=old.number,
        new_number=new.number,
        section=new.section,
        heading=new.heading,
        old_text=old.text,
        new_text=new.text,
        old_level=old.level,
        new_level=new.level,
        note=note,
        editions=editions,
        old_spans=old_spans,
        new_spans=new_spans,
        part=new.part,
        section_heading=_section_heading(new),
        estimate=estimate,
    )


def _removed(old: Clause, history: History) -> ClauseChange:
    editions, note, estimate = history
    return ClauseChange(
        kind=DiffKind.REMOVED,
        old_keys=(old.key,),
        new_keys=(),
        old_number=old.number,
        new_number=None,
        section=old.section,
        heading=old.heading,
        old_text=old.text,
        new_text=None,
        old_level=old.level,
        new_level=None,
        note=note,
        editions=editions,
        old_spans=(Span(old.text, "delete"),),
        new_spans=(),
        part=old.part,
        section_heading=_section_heading(old),
        estimate=estimate,
    )


def _added(new: Clause, history: History) -> ClauseChange:
    editions, note, estimate = history
    return ClauseChange(
        kind=DiffKind.ADDED,
        old_keys=(),
        new_keys=(new.key,),
        old_number=None,
        new_number=new.number,
        section=new.section,
        heading=new.heading,
        old_text=None,
        new_text=new.text,
        old_level=None,
        new_level=new.level,
        note=note,
        editions=editions,
        old_spans=(),
        new_spans=(Span(new.text, "insert"),),
        part=new.part,
        section_heading=_section_heading(new),
        estimate=estimate,
    )


def _group(
    olds: list[Clause],
    news: list[Clause],
    lineage: Lineage,
    history: History,
) -> ClauseChange:
    if len(olds) == 1 and len(news) == 1:
        created = lineage.created.get(news[0].key)
        kind = DiffKind.MERGED if created is ChangeKind.MERGED else DiffKind.SPLIT
    else:
        kind = DiffKind.MERGED if len(olds) >= len(news) else DiffKind.SPLIT
    editions, note, estimate = history
    old_text = "\n".join(c.text for c in olds)
    new_text = "\n".join(c.text for c in news)
    old_spans, new_spans = mark_changes(old_text, new_text)
    return ClauseChange(
        kind=kind,
        old_keys=tuple(c.key for c in olds),
        new_keys=tuple(c.key for c in news),
        old_number="、".join(c.number for c in olds),
        new_number="、".join(c.number for c in news),
        section=news[0].section,
        heading=news[0].heading,
        old_text=old_text,
        new_text=new_text,
        old_level=max((c.level for c in olds), key=lambda lv: lv.rank),
        new_level=max((c.level for c in news), key=lambda lv: lv.rank),
        note=note,
        editions=editions,
        old_spans=old_spans,
        new_spans=new_spans,
        part=news[0].part,
        section_heading=_section_heading(news[0]),
        estimate=estimate,
    )


def _components(groups: dict[str, set[str]]) -> list[tuple[set[str], set[str]]]:
    """Old keys that share a successor belong to one change (a merge); one old key with
    several successors is a split."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for old, news in groups.items():
        for n in news:
            parent[find("old:" + old)] = find("new:" + n)
    out: dict[str, tuple[set[str], set[str]]] = {}
    for old, news in groups.items():
        olds, continued = out.setdefault(find("old:" + old), (set(), set()))
        olds.add(old)
        continued |= news
    return list(out.values())


def _section_heading(clause: Clause) -> str:
    return clause.headings[0] if clause.headings else ""


def _in_section(
    changes: list[ClauseChange], old: Edition, new: Edition, section: str
) -> list[ClauseChange]:
    new_keys = {c.key for c in new.in_section(section)}
    old_keys = {c.key for c in old.in_section(section)}
    if not new_keys and not old_keys:
        raise RequestError(
            f"{old.label} にも {new.label} にも節 '{section}' の条項はありません"
            "（例: 6 / 6.4 / 基本方針）。"
        )

    def inside(c: ClauseChange) -> bool:
        return bool(new_keys & set(c.new_keys) if c.new_keys else old_keys & set(c.old_keys))

    return [c for c in changes if inside(c)]


def _ordered(changes: list[ClauseChange], old: Edition, new: Edition) -> list[ClauseChange]:
    """New edition's order; a removed clause goes right after the row of the clause that
    preceded it in the old edition (the 新旧対照表 convention: removed text at its old place)."""
    new_pos = {c.key: i for i, c in enumerate(new)}
    # where each continuing old key's row sits
    anchor: dict[str, int] = {c.key: new_pos[c.key] for c in old if c.key in new_pos}
    for ch in changes:
        if ch.new_keys:
            pos = min(new_pos[k] for k in ch.new_keys)
            for k in ch.old_keys:
                anchor[k] = pos
    old_list = list(old)

    def sort_key(ch: ClauseChange) -> tuple[int, int, int]:
        if ch.new_keys:
            return (min(new_pos[k] for k in ch.new_keys), 0, 0)
        i = next(n for n, c in enumerate(old_list) if c.key == ch.old_keys[0])
        for prev in reversed(old_list[:i]):
            if prev.key in anchor:
                return (anchor[prev.key], 1, i)
        return (-1, 1, i)

    return sorted(changes, key=sort_key)


# --- marking changed passages ------------------------------------------------------------

# Phrase-sized tokens: a kanji run with the kana that follows it (okurigana, particles), a
# katakana word, a latin/digit run, a run of kana on its own, spaces; anything else alone.
_TOKEN_RE = re.compile(
    r"[\u4e00-\u9fff\u3400-\u4dbf々〆ヶ]+[\u3041-\u3096ゝゞ]*"
    r"|[\u30a1-\u30faー\uff66-\uff9f]+"
    r"|[A-Za-z0-9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+"
    r"|[\u3041-\u3096ゝゞ]+"
    r"|\s+"
    r"|."
)


def tokenize(text: str) -> list[str]:
    """Split Japanese text into phrase-sized tokens for marking changes.

    >>> tokenize("職員は年1回以上、パスワードを変更する。")
    ['職員は', '年', '1', '回以上', '、', 'パスワード', 'を', '変更する', '。']
    """
    return _TOKEN_RE.findall(text)


def mark_changes(old: str, new: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """The old and new text as spans, the changed passages marked ``delete`` / ``insert``.

    Works on phrase-sized tokens (:func:`tokenize`) and absorbs one-token equal gaps
    between changes, so a 新旧対照表 underlines readable phrases, not scattered characters.

    >>> old, new = mark_changes("監査を年1回以上行う。", "監査を年2回以上行う。")
    >>> [(s.text, s.op) for s in new]
    [('監査を年', 'equal'), ('2', 'insert'), ('回以上行う。', 'equal')]
    >>> [s.op for s in mark_changes("強靱にする，又は", "強靭にする、又は")[1]]
    ['equal']
    """
    a, b = tokenize(old), tokenize(new)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # a difference of punctuation, width, kanji variant or okurigana alone (「，」→「、」,
    # 強靱→強靭) is not marked: only substantive changes are, so the real ones stand out
    real = [
        tag != "equal" and _editorial_form("".join(a[i1:i2])) != _editorial_form("".join(b[j1:j2]))
        for tag, i1, i2, j1, j2 in ops
    ]
    old_spans: list[Span] = []
    new_spans: list[Span] = []
    for n, (_tag, i1, i2, j1, j2) in enumerate(ops):
        # a one-token equal gap between two changes joins them, so marks do not fragment
        changed = real[n] or (i2 - i1 <= 1 and 0 < n < len(ops) - 1 and real[n - 1] and real[n + 1])
        _append(old_spans, "".join(a[i1:i2]), "delete" if changed else "equal")
        _append(new_spans, "".join(b[j1:j2]), "insert" if changed else "equal")
    return tuple(old_spans), tuple(new_spans)


def _append(spans: list[Span], text: str, op: str) -> None:
    """Add a span, joining it to the last one when the op is the same (one side's equal
    text around an insertion on the other side stays one span)."""
    if not text:
        return
    if spans and spans[-1].op == op:
        spans[-1] = Span(spans[-1].text + text, op)
    else:
        spans.append(Span(text, op))


# --- editorial changes -------------------------------------------------------------------

_PUNCT_RE = re.compile(r"[、。・,.，．\s]")
# One okurigana kana between two kanji (書き換え/書換え, 取り扱い/取扱い); particles such as
# の・を・は are not okurigana and stay, so 市の職員 and 市職員 remain different.
_OKURIGANA_RE = re.compile(
    r"(?<=[\u4e00-\u9fff々])[いきくけしちりみえれせじびわ](?=[\u4e00-\u9fff々])"
)


def _editorial_form(text: str) -> str:
    return _OKURIGANA_RE.sub("", _PUNCT_RE.sub("", normalize(text)))


def is_editorial(old: str, new: str) -> bool:
    """Whether two different texts differ only in width, punctuation (、。・ and spaces),
    kanji variants or okurigana (docs/domain.md §7) — a 字句修正, not a change of requirement.

    >>> is_editorial("情報を取り扱い、強靱にする。", "情報を取扱い，強靭にする。")
    True
    >>> is_editorial("機密性2以上", "機密性3以上")
    False
    """
    return old != new and _editorial_form(old) == _editorial_form(new)


# --- terminal summary --------------------------------------------------------------------

NOTE_WIDTH = 60


UNRECORDED = (
    "{old}は概要のみを収録しているため、{n}件の条項はこの版より前の経緯が分からず、"
    "差分に含めていません。"
)


def render_text(diff: EditionDiff) -> str:
    """A short Japanese summary: the two editions, counts by kind, then the substantive
    changes one line each, grouped by section.

    >>> from gapcheck import load_catalog
    >>> print(render_text(diff_editions(load_catalog(), "2024-10", "2025-03")).splitlines()[0])
    令和6年10月版 → 令和7年3月版
    """
    header = f"{diff.old.label} → {diff.new.label}"
    if diff.section:
        header += f"（節 {diff.section}）"
    counts = " / ".join(f"{k.label} {diff.counts[k.value]}" for k in DiffKind)
    lines = [header, f"件数: {counts}"]
    if diff.unrecorded:
        lines.append(UNRECORDED.format(old=diff.old.label, n=diff.unrecorded))
    substantive = diff.substantive()
    if not substantive:
        lines.append("実質的な変更はありません。")
        return "\n".join(lines) + "\n"
    lines.append("実質的な変更（節ごと）:")
    current: tuple[str, str, str] | None = None
    for change in substantive:
        group = (change.part.value, _top_section(change), change.section_heading)
        if group != current:
            current = group
            lines.append(" ".join(p for p in group if p))
        lines.append("  " + _summary_line(change))
    if any(c.estimate for c in substantive):
        lines.append("（推定）: 総務省の公表資料で確かめられない、本カタログの整理による変更です。")
    return "\n".join(lines) + "\n"


def _top_section(change: ClauseChange) -> str:
    return change.section.split(".")[0]


def _short_level(level: Level) -> str:
    return level.label.split("（")[0]


def _summary_line(change: ClauseChange) -> str:
    line = f"〔{change.kind.label}{change.mark}〕 {change.number}"
    if change.heading:
        line += f" {change.heading}"
    if change.old_level and change.new_level and change.old_level != change.new_level:
        line += f"（{_short_level(change.old_level)}→{_short_level(change.new_level)}）"
    if change.note:
        note = change.note
        if len(note) > NOTE_WIDTH:
            note = note[: NOTE_WIDTH - 1] + "…"
        line += f" — {note}"
    return line


__all__ = [
    "ClauseChange",
    "DiffKind",
    "EditionDiff",
    "Span",
    "diff_editions",
    "is_editorial",
    "mark_changes",
    "render_text",
    "tokenize",
]
