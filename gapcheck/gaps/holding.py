"""Which provisions hold which clauses beyond the alignment's one clause per provision
(issue #21): a second clause an article holds (taken or 要確認), the items of one list that go
together, the 要確認 worth asking, and what the input does not reach (未照合)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from gapcheck.align import Alignment, Method, Pair, SourceInfo
from gapcheck.catalog.model import Edition, Part, parent_key
from gapcheck.gaps.classify import ALSO, BEYOND, SUGGESTED, Context
from gapcheck.gaps.elements import has_elements
from gapcheck.gaps.report import PART_READ, ClauseFinding, thin_below
from gapcheck.gaps.status import Status
from gapcheck.gaps.wording import WordingIndex
from gapcheck.readers.policy import Policy, PolicyRow

__all__ = ["ALSO", "BEYOND", "SUGGESTED", "asked", "newer_unasked", "second_matches", "unread"]


# A clause no row matched is suggested (要確認) with the provision matched to a neighbouring
# clause when the provision's text is this similar to it and it ranks among the provision's
# few most similar clauses (issue #21; benchmarks/whole_policy.py).
SIBLING_SIMILARITY = 0.20


NAMED_SIMILARITY = 0.12  # … or from this similarity when it holds every named element


# … and is taken as held (not 要確認) from this similarity with every named element: on the
# four whole policies, 8 more clauses right and no gap missed (0.12: one missed)
NAMED_TAKEN = 0.16


SIBLING_RANK = 3


# A clause no row matched is taken as held by the provision most similar to it when that
# similarity reaches ALSO_ACCEPT and the clause ranks among the provision's ALSO_RANK + 1 most
# similar clauses; from ALSO_REVIEW it is suggested (要確認). On the development policies of
# benchmarks/whole: 57 of 57 accepted right, 79 of 80 from 0.30 (issue #21).
ALSO_ACCEPT = 0.30


ALSO_REVIEW = 0.25


ALSO_RANK = 2


# A suggested clause is taken as held when this share of its words stands in what the
# provision says beyond its own clauses (a 規程's article holding two or three clauses in its
# own words). On the development policies of benchmarks/whole: 15 of 15 taken right (the
# nearest wrong candidates reach 0.23); the held-out ones were measured after (issue #21).
REMAINDER_TAKEN = 0.25


PIECE_MIN = 12  # characters of a sentence compared on its own


PIECE_ROW = 120  # … taken from provisions at least this long (an article holding several)


# where one duty of a long provision ends and the next begins: a sentence, or 「…とともに、」
# (「…IDを管理するとともに、開発環境と運用環境を分離し…」: two clauses in one sentence)
_PIECE_RE = re.compile(r"。|とともに、|と共に、")


def asked(
    alignment: Alignment,
    policy: Policy,
    infos: Sequence[SourceInfo],
    windex: WordingIndex,
    clauses: int,
) -> dict[int, list[Pair]]:
    """The pairs per row, with 要確認 only where a person has a reason to look (issue #21).

    要確認 keeps a clause a body may well have from being reported 未対応. A row merely
    moderately close in words to a clause, whose caption does not name the clause either, is
    therefore not asked about where that could not happen: the clause is matched to another
    row, or the input is too thin for any clause to be called missing (an excerpt: every
    unmatched clause is 未照合). Such a row is shown as a provision gapcheck found no
    counterpart for. A row whose caption names the clause (「（目的）」 over a purpose article
    in other words) is always asked about. Items of one list go
    together: a 要確認 item whose sibling in the same list is matched to the same clause is
    that clause's item too (「農業委員会の事務局」 beside 「教育委員会の事務局」). Not a
    definition: each item of a definition list defines a term of its own."""
    by_source = alignment.by_source()
    named = alignment.named
    listed: set[tuple[str, str]] = set()
    held: set[str] = set()  # clauses a row is confidently matched to
    for i, pairs in by_source.items():
        if not pairs[0].review:
            held.update(windex.wordings[p.target].key for p in pairs)
            if parent := _list_of(policy.rows[i]):
                listed.add((parent, windex.wordings[pairs[0].target].key))
    thin = len(held) < thin_below(clauses)
    out: dict[int, list[Pair]] = {}
    for i, pairs in by_source.items():
        first = pairs[0]
        if first.review:
            key = windex.wordings[first.target].key
            parent = _list_of(policy.rows[i]) if not infos[i].term else ""
            if parent and (parent, key) in listed:
                pairs = [replace(p, review=False) for p in pairs]
            elif named is not None and not named[i, first.target] and (thin or key in held):
                continue
        out[i] = pairs
    return out


def newer_unasked(
    findings: list[ClauseFinding], lower: str | None, windex: WordingIndex
) -> list[ClauseFinding]:
    """A clause an edition added after every edition the body confidently shows is not
    suggested from a mere resemblance (issue #21): a policy at 令和2年12月版 level that
    speaks of wireless LAN in general does not hold the 2025-03 rule for wireless LAN in
    the マイナンバー利用事務系. The edition is judged from confident matches only, so the
    suggestions do not argue for themselves."""
    if lower is None:
        return findings
    ids = windex.catalog.ids
    at = ids.index(lower)
    out = []
    for f in findings:
        added = windex.added_in.get(f.key)
        if f.method in (SUGGESTED, BEYOND) and added in ids and ids.index(added) > at:
            f = ClauseFinding(f.clause, Status.MISSING)
        out.append(f)
    return out


def _list_of(row: PolicyRow) -> str:
    """The list an item row belongs to (its reference without the item's own number), or
    ``""`` for a row that is no item."""
    ref = unicodedata.normalize("NFKC", str(row.row)).replace(" ", "")
    m = _LIST_ITEM_RE.search(ref)
    return ref[: m.start()] if m and m.start() > 0 else ""


# the item's own number at the end of a row reference: 第3号, (2), ②, イ
_LIST_ITEM_RE = re.compile(r"(?:第[0-9]+号|\([0-9]+\)|[①-⑳]|[ア-ン])$")


def second_matches(
    edition: Edition,
    windex: WordingIndex,
    alignment: Alignment,
    by_source: dict[int, list[Pair]],
    clause_rows: dict[str, list[tuple[int, int]]],
    context: Context,
) -> dict[str, str]:
    """Clauses no row was matched to that a provision matched to another clause holds too:
    one article in the body's own words often holds two or three clauses of the guideline
    (issue #21), and the alignment gives each provision one clause (a second one only to a
    near-copy).

    A provision whose text is clearly close to the clause, the clause among the few it is
    closest to, is taken as holding it (its status then follows from the clause's elements
    like any match). A weaker candidate — moderately close, or matched to a neighbouring
    clause (same parent, the parent, a child) and close enough, or holding every named element
    of the clause — is shown as 要確認 with that provision, never as 対応済み; unless it holds
    every named element and its words are near (:data:`NAMED_TAKEN`): then it is taken.

    A provision that is an exact copy of one clause holds no other. Adds the pairs to
    ``clause_rows``; returns, per key, :data:`ALSO` (taken), :data:`BEYOND` (taken from what the provision
    says beyond its own clauses, :data:`REMAINDER_TAKEN`) or :data:`SUGGESTED` (要確認).
    """
    sim = alignment.similarity
    if not len(sim):
        return {}
    copies = [i for i, pairs in by_source.items() if any(p.method is Method.EXACT for p in pairs)]
    exact = set(copies)
    # only a provision matched to a clause (the alignment's own judgement) can hold another;
    # a local provision stays local, a copy of one clause holds no other
    matched = [i for i, pairs in by_source.items() if pairs and not pairs[0].review]
    unmatched = sorted(set(range(len(sim))) - set(matched) | exact)
    if unmatched:
        sim = sim.copy()
        sim[unmatched, :] = 0.0
    rows_of: dict[str, list[int]] = {}
    for key, pairs in clause_rows.items():
        rows_of.setdefault(parent_key(key), []).extend(i for i, _ in pairs)
        rows_of.setdefault(key, []).extend(i for i, _ in pairs)  # rows of the parent itself
    unmatched_set = set(unmatched)
    out: dict[str, str] = {}
    missing = [c for c in edition if c.key not in clause_rows]
    if not missing:
        return out
    # a long article holds several clauses, each in a sentence or two: compared sentence by
    # sentence, one clause's words are not diluted by the others'
    pieces = [
        (i, t)
        for i, text in enumerate(context.texts)
        if len(text) >= PIECE_ROW and len(_PIECE_RE.split(text)) >= 3 and i not in unmatched_set
        for t in _PIECE_RE.split(text)
        if len(t) >= PIECE_MIN
    ]
    piece_sim = windex.index.similarity([t for _, t in pieces]) if pieces else None
    for c in missing:
        current = windex.current(c.key, edition.id)
        column = sim[:, current]
        best = int(np.argmax(column))
        score = float(column[best])
        near = score >= ALSO_REVIEW and _rank_of(windex, sim[best], c.key) <= ALSO_RANK
        taken = near and score >= ALSO_ACCEPT
        if not near and piece_sim is not None:
            # a sentence of a long article: only ever a suggestion (short texts score high)
            k = int(np.argmax(piece_sim[:, current]))
            piece = float(piece_sim[k, current])
            if piece >= ALSO_REVIEW and _rank_of(windex, piece_sim[k], c.key) <= ALSO_RANK:
                best, near = pieces[k][0], True
        if not near:
            parent = parent_key(c.key)
            candidates = {*rows_of.get(parent, ()), *rows_of.get(c.key, ())}
            candidates |= {i for i, _ in clause_rows.get(parent, ())}
            sibling = max(candidates, key=lambda i: float(sim[i, current]), default=None)
            if sibling is None:
                continue
            # the clause's named elements all stand in the provision (著作権法 in a list of laws)
            named = float(sim[sibling, current]) >= NAMED_SIMILARITY and has_elements(
                windex.catalog, c.key, edition, context.texts[sibling]
            )
            if not named and (
                float(sim[sibling, current]) < SIBLING_SIMILARITY
                or _rank_of(windex, sim[sibling], c.key) > SIBLING_RANK
            ):
                continue
            best = sibling
            # every named element stands in the provision, and its words are near
            taken = named and float(sim[sibling, current]) >= NAMED_TAKEN
        beyond = not taken and (
            _remainder(windex, by_source, context, best, current) >= REMAINDER_TAKEN
        )
        clause_rows[c.key] = [(best, current)]
        out[c.key] = ALSO if taken else BEYOND if beyond else SUGGESTED
    return out


def _remainder(
    windex: WordingIndex,
    by_source: dict[int, list[Pair]],
    context: Context,
    row: int,
    current: int,
) -> float:
    """Share of the clause's words (bigrams of its present wording) that stand in the part of
    provision ``row`` its own clauses do not explain: what the provision says beyond them."""
    own: set[str] = set()
    for p in by_source.get(row, ()):
        own |= windex.index.bigrams_of(p.target)
    wanted = windex.index.bigrams_of(current)
    return len((context.bigrams[row] - own) & wanted) / max(1, len(wanted))


def _rank_of(windex: WordingIndex, scores: np.ndarray, key: str) -> int:
    """Place of ``key`` among the clauses a row is most similar to (0: the most similar)."""
    seen: list[str] = []
    for j in np.argsort(-scores, kind="stable")[: 4 * (SIBLING_RANK + 1)]:
        k = windex.wordings[int(j)].key
        if k == key:
            return len(seen)
        if k not in seen:
            seen.append(k)
    return len(seen) + 1


def unread(findings: list[ClauseFinding], edition: Edition) -> list[ClauseFinding]:
    """未照合 rather than 未対応 where the input does not reach (issue #21): every clause when
    too little matched (an excerpt, a 目次 alone); a whole part (基本方針, 対策基準) with
    hardly a clause matched (the body sent one of its two instruments); and, in a part that
    was read, the clauses after the last one matched (an excerpt that stops part-way). An
    absent clause is evidence of a gap only inside what was read."""
    # findings are in the edition's order: a finding's index is its place
    parts = [f.clause.part for f in findings]
    sizes = Counter(parts)
    reached: dict[Part, int] = {}
    seen: Counter[Part] = Counter()
    total = 0
    for n, f in enumerate(findings):
        if f.status is not Status.MISSING and f.status is not Status.UNREAD:
            seen[parts[n]] += 1
            reached[parts[n]] = n
            total += f.status is not Status.REVIEW
    thin = total < thin_below(len(edition))
    unread_part = {p: seen[p] < min(PART_READ, max(1, k // 4)) for p, k in sizes.items()}
    return [
        replace(f, status=Status.UNREAD)
        if f.status is Status.MISSING
        and (thin or unread_part[parts[n]] or n > reached.get(parts[n], -1))
        else f
        for n, f in enumerate(findings)
    ]
