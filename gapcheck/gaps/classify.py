"""A clause's status from named evidence (issue #21): the evidence gathered from the provisions
matched to it (:func:`clause_finding`), and the status chosen from that evidence alone
(:func:`classify`, a pure function tested from a table)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from gapcheck.align import Alignment, Method, Pair, containment
from gapcheck.catalog.model import Clause, Edition
from gapcheck.gaps.elements import (
    ElementFinding,
    check_elements,
    check_level,
    kept_until,
    wording_changes,
    wording_gaps,
)
from gapcheck.gaps.report import ClauseFinding
from gapcheck.gaps.status import Status
from gapcheck.gaps.wording import WordingIndex
from gapcheck.readers.policy import PolicyRow

__all__ = [
    "NEAR_COPY",
    "SUGGESTED",
    "ClauseEvidence",
    "Context",
    "article_of",
    "classify",
    "clause_finding",
]


ALSO = "also"  # the method of a clause taken as held by a provision matched to another


SUGGESTED = "sibling"  # … and of one only suggested (要確認)


# … and of one taken because the provision says it beyond its own clause (gaps/holding.py):
# evidence of holding, not of age, and only for a clause the body's edition already had
BEYOND = "beyond"


# A row follows an older wording only when it is clearly closer to it than to the target's.
OUTDATED_MARGIN = 0.02


# Below this share of the target wording's bigrams found in a near-copy: the words it leaves
# out are named (一部不足).
PARTIAL_CONTAINMENT = 0.45


# Wording can be compared only between near-copies: below this text similarity the row says the
# same thing in its own words (real policies, issues #11 and #21), so neither an older wording
# nor a missing share of our digest's characters is evidence; only a named element is
# (gaps/elements.py).
NEAR_COPY_WORDING = 0.8


# Closeness to an older wording dates a text (gaps/evidence.py) from this similarity on.
NEAR_COPY = 0.45


# Rows on each side of a matched provision where a required element may stand instead, and
# the most rows of the same article looked at on each side.
AROUND = 2


ARTICLE_SPAN = 12


@dataclass(frozen=True)
class ClauseEvidence:
    """What the body's matched provisions show about one clause: all a status is chosen from."""

    matched: bool  # a provision was matched to the clause (or taken as holding it)
    copy: bool = False  # every provision is an exact copy of the clause's present wording
    asked: bool = False  # the provisions are only 要確認 (suggested, or every pair in the band)
    old: tuple[ElementFinding, ...] = ()  # elements an edition changed that the body still holds
    absent: tuple[ElementFinding, ...] = ()  # named elements absent from the provision and around


def classify(evidence: ClauseEvidence) -> Status:
    """The status ``evidence`` supports, and no more (issue #21): 旧版のまま only with an old
    element named, 一部不足 only with an absent element named, else 対応済み.

    >>> classify(ClauseEvidence(matched=True, old=()))
    <Status.COVERED: 'covered'>
    """
    if not evidence.matched:
        return Status.MISSING
    if evidence.copy:
        return Status.COVERED
    if evidence.asked:
        return Status.REVIEW
    if evidence.old:
        return Status.OUTDATED
    if evidence.absent:
        return Status.PARTIAL
    return Status.COVERED


def clause_finding(
    clause: Clause,
    pairs: list[tuple[int, int]],
    windex: WordingIndex,
    alignment: Alignment,
    by_source: dict[int, list[Pair]],
    context: Context,
    edition: Edition,
    second: str = "",
) -> ClauseFinding:
    """One clause's finding: the evidence its matched provisions give (``pairs``: row index,
    wording index; ``second``: :data:`ALSO` / :data:`SUGGESTED` when taken from a provision
    matched to another clause), and the status :func:`classify` chooses from it."""
    if not pairs:
        return ClauseFinding(clause, classify(ClauseEvidence(matched=False)))
    current = windex.current(clause.key, edition.id)
    rows = tuple(sorted({i for i, _ in pairs}))
    methods = [p for i in rows for p in by_source.get(i, ())]
    if not second and _copies(pairs, methods, current):
        # a copy of the edition's own wording holds its elements by construction
        # (elements.yaml spellings are checked against the clause text)
        return ClauseFinding(
            clause, classify(ClauseEvidence(matched=True, copy=True)), rows=rows, score=1.0,
            method=Method.EXACT.value, follows=windex.wordings[current].last, coverage=1.0,
        )  # fmt: skip
    sim = alignment.similarity
    s_current = max(float(sim[i, current]) for i in rows)
    best_j, s_best = _closest_wording(clause, pairs, windex, sim, current, s_current)
    if s_current >= 0.999 and any(p.method is Method.EXACT for p in methods):
        coverage = 1.0  # a copy of the current wording (most rows of a survey): nothing to count
    else:
        held_bigrams = frozenset().union(*(context.bigrams[i] for i in rows))
        coverage = containment(windex.index.bigrams_of(current), held_bigrams)
    held = "".join(context.texts[i] for i in rows)
    old, absent = _named(clause, windex, edition, context, rows, held, current, best_j, s_best)
    if not absent and not old and s_current >= NEAR_COPY_WORDING and coverage < PARTIAL_CONTAINMENT:
        absent = wording_gaps(clause.text, held)
    evidence = ClauseEvidence(
        matched=True,
        asked=second == SUGGESTED or all(p.review for p in methods),
        old=old,
        absent=absent,
    )
    status = classify(evidence)
    named = old + absent if status in (Status.OUTDATED, Status.PARTIAL) else ()
    said = tuple(dict.fromkeys(t for p in methods for t in p.evidence))[:5]
    if second == SUGGESTED:
        said = ("同じ節の条項に対応する規定に、この条項の内容も含まれている可能性があります",)
    elif second == BEYOND:
        said = ("別の条項に対応する規定が、その条項を超えてこの条項の内容も定めています",)
    w = windex.wordings[best_j]
    return ClauseFinding(
        clause,
        status,
        rows=rows,
        score=round(max(s_current, s_best), 4),
        follows=kept_until(windex.catalog, old) if status is Status.OUTDATED else w.last,
        wording_last=w.last if best_j != current else None,
        method=second or (methods[0].method.value if methods else ""),
        coverage=round(coverage, 3),
        evidence=said + tuple(f.text for f in named),
        elements=named,
    )


def _copies(pairs: list[tuple[int, int]], methods: list[Pair], current: int) -> bool:
    """Every provision behind the clause is an exact copy of its present wording."""
    return (
        all(j == current for _, j in pairs)
        and bool(methods)
        and all(p.method is Method.EXACT and p.target == current for p in methods)
    )


def _closest_wording(
    clause: Clause,
    pairs: list[tuple[int, int]],
    windex: WordingIndex,
    sim: np.ndarray,
    current: int,
    s_current: float,
) -> tuple[int, float]:
    """The wording the rows are closest to, of this clause or of a predecessor (split or
    merged since): evidence of the edition the text follows, not by itself of a status."""
    best_j, s_best = current, s_current
    for i, j in pairs:
        s = float(sim[i, j])
        telling = s >= NEAR_COPY or windex.wordings[j].key != clause.key
        if telling and s > s_best + OUTDATED_MARGIN:
            best_j, s_best = j, s
    return best_j, s_best


def _named(
    clause: Clause,
    windex: WordingIndex,
    edition: Edition,
    context: Context,
    rows: tuple[int, ...],
    held: str,
    current: int,
    best_j: int,
    s_best: float,
) -> tuple[tuple[ElementFinding, ...], tuple[ElementFinding, ...]]:
    """The named elements: old ones the provisions hold (a changed element, a softer level
    than the edition's, an older near-copy's changed words) and absent ones."""
    found, _ = check_elements(
        windex.catalog,
        clause.key,
        edition,
        held,
        lambda: "".join(context.texts[k] for k in context.around(rows)),
    )
    old = tuple(f for f in found if f.kind == "old")
    if not old and (softer := check_level(windex.catalog, clause, edition, held)):
        old = (softer,)
    absent = tuple(f for f in found if f.kind == "absent")
    w = windex.wordings[best_j]
    if not old and best_j != current and w.key == clause.key and s_best >= NEAR_COPY_WORDING:
        after = windex.catalog.ids[windex.catalog.ids.index(w.last) + 1]
        old = wording_changes(w.text, clause.text, held, after, windex.catalog.edition(after).label)
    return old, absent


@dataclass(frozen=True)
class Context:
    """The policy's rows in matching form, and which rows stand around a provision."""

    texts: list[str]  # normalised row texts
    bigrams: list[frozenset[str]]
    articles: list[str]  # the article (第N条…) or top number a row belongs to, "" if none
    refs: list[str]  # each row's reference, normalised (第12条第1項, 7.2(2)②)

    def around(self, rows: Sequence[int]) -> list[int]:
        """``rows``, their neighbours, the other rows of the same article, and the
        provisions they refer to (「7.2(2)に定める措置」, 「第12条の規定により」)."""
        n = len(self.texts)
        out = {k for i in rows for k in range(max(0, i - AROUND), min(n, i + AROUND + 1))}
        for i in rows:
            for cited in _CITED_RE.findall(self.texts[i]):
                target = cited.replace(".(", "(")
                hits = [k for k, ref in enumerate(self.refs) if ref.startswith(target)]
                out.update(hits[:ARTICLE_SPAN])
        articles = {self.articles[i] for i in rows} - {""}
        if articles:
            for i in rows:
                k = i
                while k > 0 and self.articles[k - 1] in articles and i - k < ARTICLE_SPAN:
                    k -= 1
                    out.add(k)
                k = i
                while k < n - 1 and self.articles[k + 1] in articles and k - i < ARTICLE_SPAN:
                    k += 1
                    out.add(k)
        return sorted(out)


_ARTICLE_RE = re.compile(r"^第[0-9]+条(?:の[0-9]+)*")


# a provision cited in a row's (normalised) text: 第12条(の2), 7.2(2), 6.1.(3)
_CITED_RE = re.compile(
    r"第[0-9]+条(?:の[0-9]+)*|(?<![0-9.])[0-9]{1,2}\.[0-9]{1,2}(?:\.?\([0-9]{1,2}\))?"
)


def article_of(row: PolicyRow) -> str:
    ref = unicodedata.normalize("NFKC", str(row.row))
    if m := _ARTICLE_RE.match(ref):
        return m.group(0)
    return ""
