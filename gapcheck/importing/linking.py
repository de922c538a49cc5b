"""Link imported clauses to the base edition: keys, lineage and drafted notes (issue #5).

The third stage of the import (:mod:`gapcheck.importing.importer`): :func:`link_to_base`
gives each :class:`gapcheck.importing.guideline_parser.ImportedClause` its predecessor's key
or a new one (:func:`new_key`) through the alignment engine (:class:`gapcheck.align.Matching`:
its exact, best-match, split and merge passes and thresholds, with this module's passes on
clause numbers and headings in between), records splits, merges and removals, drafts
``plain`` and ``change.note`` (marked :data:`DRAFT`) and lists the links a person should
confirm (:class:`Uncertain`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gapcheck.align import Index, Matching, Settings, ranked
from gapcheck.catalog.model import ChangeKind, Clause, Edition, Level, Part
from gapcheck.catalog.yamlfile import KEY_RE
from gapcheck.diff import mark_changes
from gapcheck.errors import GuidelineParseError
from gapcheck.importing.guideline_parser import ImportedClause
from gapcheck.text.normalize import normalize
from gapcheck.text.numbering import ClauseNumber

# The thresholds (link_sure, link_maybe, heading_floor, place_floor, place_rival and the
# split/merge containments) are the alignment engine's: gapcheck.align.Settings.
SHOWN = 3  # candidates listed in review.yaml for a clause to confirm…
SHOWN_FLOOR = 0.05  # …from this similarity

DRAFT = "（下書き）"


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

    The officer's decisions first; then, through the alignment engine
    (:class:`gapcheck.align.Matching`), the same number, identical text elsewhere, the same
    heading, the same place, the best remaining match and merges. One base key continued by
    several clauses is a split, several base keys ending in one clause a merge.
    """
    base_clauses = list(base.clauses) if base is not None else []
    decisions = _decisions(imported, base, forced or {})
    taken = set(taken_keys)
    if not base_clauses:
        return _build(imported, base_clauses, [[] for _ in imported], {}, new_id, taken)
    m = Matching(Index([c.text for c in base_clauses]), [c.text for c in imported])
    for i, j in decisions.items():
        if j is None:
            m.settle(i)
        else:
            m.claim(i, j)
    review = _same_number(m, imported, base_clauses)
    m.exact_pass()
    _same_heading_elsewhere(m, imported, base_clauses)
    review |= _same_place(m, imported, base_clauses)
    review |= _best_match(m, imported, base_clauses)
    m.merge_pass()
    targets = [sorted(m.targets_of(i)) for i in range(len(imported))]
    return _build(imported, base_clauses, targets, review, new_id, taken)


def _decisions(
    imported: Sequence[ImportedClause], base: Edition | None, forced: dict[tuple[Part, str], str]
) -> dict[int, int | None]:
    """The officer's decisions: imported clause → base clause index, or None for added."""
    left = dict(forced)
    by_key = {c.key: j for j, c in enumerate(base.clauses if base is not None else ())}
    out: dict[int, int | None] = {}
    for i, c in enumerate(imported):
        decision = left.pop((c.part, c.number), None)
        if decision is None:
            continue
        if decision != ADDED and decision not in by_key:
            raise GuidelineParseError(
                f"確認ファイルの {c.part.value} {c.number}: キー '{decision}' は基の版"
                f" {base.id if base else '（なし）'} にありません。基の版のキーか added を書いてください。"
            )
        out[i] = None if decision == ADDED else by_key[decision]
    if left:
        part, number = next(iter(left))
        raise GuidelineParseError(
            f"確認ファイルの {part.value} {number} は取り込んだ文書にありません。"
            "確認ファイルがこの文書のものか確かめてください。"
        )
    return out


def _same_number(
    m: Matching, imported: Sequence[ImportedClause], base_clauses: Sequence[Clause]
) -> dict[int, Uncertain]:
    """Same part and number, and identical text or a sure similarity; with the same heading
    a lower similarity will do (a rewritten clause keeps its place and title), listed for
    review below ``link_maybe``."""
    cfg = m.index.settings
    slots = _slots(base_clauses)
    review: dict[int, Uncertain] = {}
    for i, c in enumerate(imported):
        j = slots.get((c.part, c.number))
        if j is None or m.is_settled(i) or not m.is_free(j):
            continue
        score = m.score(i, j)
        same_heading = _same_heading(c, base_clauses[j])
        if (
            m.sources[i] == m.index.texts[j]
            or score >= cfg.link_sure
            or (same_heading and score >= cfg.link_maybe)
        ):
            m.claim(i, j)
        elif same_heading and score >= cfg.heading_floor:
            m.claim(i, j)
            review[i] = _uncertain(m, i, c, base_clauses[j].key, base_clauses, _REWRITTEN)
    return review


def _same_heading_elsewhere(
    m: Matching, imported: Sequence[ImportedClause], base_clauses: Sequence[Clause]
) -> None:
    """The one free base clause of the same part and heading with a fair similarity."""
    floor = m.index.settings.link_maybe
    by_heading: dict[str, list[int]] = {}
    for j, old in enumerate(base_clauses):
        by_heading.setdefault(normalize(old.heading), []).append(j)
    for i, c in enumerate(imported):
        if m.is_settled(i):
            continue
        same = [
            j
            for j in by_heading.get(normalize(c.heading), ())
            if m.is_free(j) and base_clauses[j].part is c.part and m.score(i, j) >= floor
        ]
        if len(same) == 1:
            m.claim(i, same[0])


def _same_place(
    m: Matching, imported: Sequence[ImportedClause], base_clauses: Sequence[Clause]
) -> dict[int, Uncertain]:
    """Same place (issue #12): an independently worded text of the same edition (the real
    guideline imported over our digest) keeps the numbers and the headings above each clause
    while its sentences share little with ours. Same part and number, same headings above
    it, and no free clause elsewhere clearly closer: linked, and listed for review when the
    similarity is below ``link_maybe`` and the heading differs."""
    cfg = m.index.settings
    slots = _slots(base_clauses)
    review: dict[int, Uncertain] = {}
    for i, c in enumerate(imported):
        j = slots.get((c.part, c.number))
        if j is None or m.is_settled(i) or not m.is_free(j):
            continue
        old = base_clauses[j]
        score = m.score(i, j)
        if not _same_headings_above(c, old, score, cfg):
            continue
        rival = m.rival(i, j)
        if rival >= cfg.link_sure or rival > cfg.place_rival * score:
            continue  # more likely another clause, renumbered: left to the next pass
        m.claim(i, j)
        if score < cfg.link_maybe and not _same_heading(c, old):
            review[i] = _uncertain(m, i, c, old.key, base_clauses, _REWORDED)
    return review


def _best_match(
    m: Matching, imported: Sequence[ImportedClause], base_clauses: Sequence[Clause]
) -> dict[int, Uncertain]:
    """The engine's best remaining match (:meth:`gapcheck.align.Matching.best_pass`), with a
    reason for each link to confirm and each close clause added."""
    pairs, declined = m.best_pass()
    review: dict[int, Uncertain] = {}
    for p in pairs:
        if p.review:
            closest = p.target == int(ranked(m.similarity[p.source])[0])
            reason = _MEDIUM if closest else _NEXT
            key = base_clauses[p.target].key
            review[p.source] = _uncertain(
                m, p.source, imported[p.source], key, base_clauses, reason
            )
    for i in declined:
        number = base_clauses[int(ranked(m.similarity[i])[0])].number
        reason = f"{number} に似ていますが、その条項は別の条項に対応済みのため追加としました。"
        review[i] = _uncertain(m, i, imported[i], ADDED, base_clauses, reason)
    return review


_REWRITTEN = (
    "項番と見出しは同じですが、本文が大きく変わっています。同じ条項の改定か確認してください。"
)
_REWORDED = (
    "項番と上位の見出しは前の版と同じですが、本文の書きぶりが大きく異なります。"
    "同じ条項か確認してください。"
)
_MEDIUM = "類似度が中程度です。同じ条項の改定か、別の条項か確認してください。"
_NEXT = "最も近い条項は別の条項に対応済みのため、次に近い条項に対応付けました。"


def _slots(base_clauses: Sequence[Clause]) -> dict[tuple[Part, str], int]:
    return {(c.part, c.number): j for j, c in enumerate(base_clauses)}


def _same_headings_above(c: ImportedClause, old: Clause, score: float, cfg: Settings) -> bool:
    """The same headings above the clause (its section, subsection…); at the top level,
    where there are none, the same heading or a fair similarity."""
    if len(c.headings) != len(old.headings) or score < cfg.place_floor:
        return False
    if len(c.headings) == 1:
        return _same_heading(c, old) or score >= cfg.heading_floor
    return all(
        normalize(a) == normalize(b)
        for a, b in zip(c.headings[:-1], old.headings[:-1], strict=True)
    )


def _same_heading(c: ImportedClause, old: Clause) -> bool:
    return bool(c.heading) and normalize(c.heading) == normalize(old.heading)


def _uncertain(
    m: Matching,
    i: int,
    c: ImportedClause,
    proposed: str,
    base_clauses: Sequence[Clause],
    reason: str,
) -> Uncertain:
    """Imported clause ``i`` to confirm, with the base clauses most like it."""
    row = m.similarity[i]
    candidates = tuple(
        Candidate(base_clauses[j].key, base_clauses[j].number, round(float(row[j]), 3))
        for j in (int(j) for j in ranked(row)[:SHOWN])
        if row[j] > SHOWN_FLOOR
    )
    return Uncertain(c.part, c.number, c.heading, c.text, proposed, candidates, reason)


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
    base_clauses: Sequence[Clause],
    targets: Sequence[Sequence[int]],
    uncertain: dict[int, Uncertain],
    new_id: str,
    taken: set[str],
) -> Linked:
    """The catalog clauses of the new edition, their changes drafted, from the base clauses
    each imported clause continues (``targets``, sorted)."""
    claimed: dict[int, list[int]] = {}
    for i, js in enumerate(targets):
        for j in js:
            claimed.setdefault(j, []).append(i)
    out: list[Clause] = []
    for i, c in enumerate(imported):
        js = targets[i]
        if not js:
            out.append(_added(c, new_key(new_id, c.part, c.number, taken)))
        elif len(js) == 1 and set(claimed[js[0]]) == {i}:
            out.append(_continued(c, base_clauses[js[0]]))
        else:
            olds = [base_clauses[j] for j in js]
            out.append(_lineage(c, olds, new_key(new_id, c.part, c.number, taken)))
    removed = tuple(
        (
            old.key,
            f"{DRAFT}{old.number}「{old.heading}」に当たる規定が新しい版に見当たりません。"
            "削除されたか、他の条項にまとめられた可能性があります。",
        )
        for j, old in enumerate(base_clauses)
        if j not in claimed
    )
    counts = dict.fromkeys(
        ["unchanged", "added", "modified", "renumbered", "split", "merged", "removed"], 0
    )
    for clause in out:
        counts[clause.change.kind.value if clause.change else "unchanged"] += 1
    counts["removed"] = len(removed)
    return Linked(
        tuple(out),
        removed,
        tuple(uncertain[i] for i in sorted(uncertain)),
        counts,
        {clause.key: c.commentary for clause, c in zip(out, imported, strict=True) if c.commentary},
    )


def _added(c: ImportedClause, key: str) -> Clause:
    """A clause with no predecessor."""
    return _clause(
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


def _continued(c: ImportedClause, old: Clause) -> Clause:
    """The one continuation of a base clause: its key, unchanged, renumbered or modified."""
    same_text = normalize(old.text) == normalize(c.text)
    # a difference that vanishes under normalize() (width, spaces, variant spellings)
    # is not a change: keep the base wording, level and procedure flag
    text = old.text if same_text else c.text
    level = old.level if same_text else c.level
    needs = old.needs_procedure if same_text else c.needs_procedure
    old_number = old.number if old.number != c.number else None
    if not same_text or level != old.level:
        note = _modified_note(old, c)
        return _clause(
            c,
            old.key,
            text,
            level,
            needs,
            plain=f"{DRAFT}{old.plain}（{note.removeprefix(DRAFT)}）",
            change=(ChangeKind.MODIFIED, note, (), old_number),
        )
    if old.number != c.number or old.part is not c.part:
        change = (ChangeKind.RENUMBERED, "", (), old_number)
        return _clause(c, old.key, text, level, needs, plain=old.plain, change=change)
    return _clause(c, old.key, text, level, needs, plain=old.plain, change=None)


def _lineage(c: ImportedClause, olds: Sequence[Clause], key: str) -> Clause:
    """A piece of a split base clause, or the clause several base clauses merged into."""
    kind = ChangeKind.MERGED if len(olds) > 1 else ChangeKind.SPLIT
    numbers = "、".join(old.number for old in olds)
    if kind is ChangeKind.MERGED:
        note = f"{DRAFT}前の版の {numbers} がこの条項にまとめられました。"
    else:
        note = f"{DRAFT}前の版の {numbers} が分けられ、その一部がこの条項になりました。"
    return _clause(
        c,
        key,
        c.text,
        c.level,
        c.needs_procedure,
        plain=f"{DRAFT}{olds[0].plain}（{note.removeprefix(DRAFT)}）",
        change=(kind, note, tuple(old.key for old in olds), None),
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
    from gapcheck.catalog.model import Change

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


__all__ = [
    "ADDED",
    "DRAFT",
    "SHOWN",
    "SHOWN_FLOOR",
    "Candidate",
    "Linked",
    "Uncertain",
    "link_to_base",
    "new_key",
]
