"""Link imported clauses to the base edition: keys, lineage and drafted notes (issue #5).

The third stage of the import (:mod:`gapcheck.importing.importer`): :func:`link_to_base` gives each
:class:`gapcheck.importing.guideline_parser.ImportedClause` its predecessor's key or a new one
(:func:`new_key`) through the alignment engine (:class:`gapcheck.align.Index`), records
splits, merges and removals, drafts ``plain`` and ``change.note`` (marked :data:`DRAFT`) and
lists the links a person should confirm (:class:`Uncertain`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from gapcheck.align import Index, bigrams, containment
from gapcheck.catalog.loader import KEY_RE
from gapcheck.catalog.model import ChangeKind, Clause, Edition, Level, Part
from gapcheck.diff import mark_changes
from gapcheck.errors import GuidelineParseError
from gapcheck.importing.guideline_parser import ImportedClause
from gapcheck.text.normalize import normalize
from gapcheck.text.numbering import ClauseNumber

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
# Same place (number and the headings above it) with other wording (issue #12): the second
# voice of 2025-03 scores 0.11–0.9 with its own predecessor; a free clause elsewhere scoring
# more than PLACE_RIVAL times as much is more likely the predecessor (renumbered).
PLACE_FLOOR = 0.05
PLACE_RIVAL = 2.0

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
        # 2b. same place (issue #12): an independently worded text of the same edition (the
        #     real guideline imported over our digest) keeps the numbers and the headings above
        #     each clause while its sentences share little with ours. Same part and number,
        #     same headings above it, and no free clause elsewhere clearly closer: linked, and
        #     listed for review when the similarity is below LINK_MAYBE.
        free = np.ones(n_base, dtype=bool)
        for j in claimed:
            free[j] = False
        for i, c in enumerate(imported):
            j = by_slot.get((c.part, c.number))
            if i in done or j is None or not free[j]:
                continue
            old = base_clauses[j]
            score = float(sim[i, j])
            if not _same_place(c, old, score):
                continue
            others = np.where(free, sim[i], 0.0)
            others[j] = 0.0
            rival = float(others.max())
            if rival >= LINK_SURE or rival > PLACE_RIVAL * score:
                continue  # more likely another clause, renumbered: left to the next pass
            claim(i, j)
            free[j] = False
            done.add(i)
            if score < LINK_MAYBE and not _same_heading(c, old):
                uncertain[i] = _uncertain(
                    c,
                    old.key,
                    candidates(i),
                    "項番と上位の見出しは前の版と同じですが、本文の書きぶりが大きく異なります。"
                    "同じ条項か確認してください。",
                )
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


def _same_place(c: ImportedClause, old: Clause, score: float) -> bool:
    """The same headings above the clause (its section, subsection…); at the top level,
    where there are none, the same heading or a fair similarity."""
    if len(c.headings) != len(old.headings) or score < PLACE_FLOOR:
        return False
    if len(c.headings) == 1:
        return _same_heading(c, old) or score >= HEADING_FLOOR
    return all(
        normalize(a) == normalize(b)
        for a, b in zip(c.headings[:-1], old.headings[:-1], strict=True)
    )


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
