"""Which gaps to act on first: one ranking for the terminal, the workbook and the HTML (#13).

A committee reads five actions. They should be the ones that matter, not the first five in
clause order. A gap ranks higher when

* the guideline makes it a **duty** (a recommendation or permission counts less);
* it bears on an **incident, a leak or an outage** (incident response, backups, malware,
  access, outsourcing… :data:`RISK_WORDS`);
* the body is **further behind** (no provision at all > an old wording > a missing part);
* it applies to **every body**: a safeguard for a feature the body may not use (画面転送,
  β'モデル, ガバメントクラウド …, listed in ``guideline_versions/conditions.yaml``) ranks lower;
* it changed **after the edition the body follows** (the part of the guideline it has not
  caught up with).

Headings that only announce a list (基本方針 6 「次に掲げる対策を講じる」) and definitions are
not actions: the heading's items are ranked themselves, and missing definitions are one line
for the committee (:func:`missing_definitions`). The top of the list is spread across sections
(:func:`spread`), so one long section does not take every place. Each ranked gap carries the
reasons for its place, in words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gapcheck.catalog.model import Catalog, ChangeKind, Clause, Edition, Level, Part
from gapcheck.gaps.report import AuditReport, ClauseFinding
from gapcheck.gaps.status import GAP_STATUSES, Status
from gapcheck.gaps.wording import is_definition

PRIORITIES = ("高", "中", "低")  # most urgent first: a priority's place is its order
# each priority's background in the workbook and the HTML pages, defined once (issue #22)
PRIORITY_FILL = {"高": "F4B084", "中": "FFE699", "低": "DDEBF7"}


def priority_order(priority: str) -> int:
    """Where ``priority`` sorts (高 first); a clause without one after every priority."""
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


def priority_css() -> str:
    """The ``.prio-<priority>`` background classes of the HTML reports."""
    return " ".join(f".prio-{p} {{ background: #{PRIORITY_FILL[p].lower()}; }}" for p in PRIORITIES)


# What a gap in the clause exposes the body to, when it is left open.
RISK_WORDS = re.compile(
    r"インシデント|ランサムウェア|バックアップ|復旧|漏えい|不正アクセス|不正プログラム|"
    r"ウイルス|脆弱性|委託|多要素認証|二要素認証|標的型|マイナンバー利用事務系|CSIRT|攻撃|"
    r"停電|障害|災害|業務継続"
)
_LEVEL = {Level.DUTY: 3.0, Level.RECOMMENDATION: 1.5, Level.PERMISSION: 0.5}
_LEVEL_WORD = {Level.DUTY: "義務", Level.RECOMMENDATION: "推奨", Level.PERMISSION: "任意"}
RISK = 1.5
CONDITIONAL = -2.0
RECENT = 0.5
HIGH, MEDIUM = 6.0, 4.5  # score thresholds for 高 and 中
_LIST_RE = re.compile(r"次に掲げる|次に定める|次の各号|次のとおり|各号")


@dataclass(frozen=True)
class RankedGap:
    """A gap with its place: ``score`` orders, ``priority`` is what people read, ``reasons``
    say why it ranks there (「義務・規定がない・事故や漏えいに直結」)."""

    finding: ClauseFinding
    score: float
    priority: str  # 高 / 中 / 低
    reasons: tuple[str, ...]
    condition: str = ""  # 「画面転送方式を採る場合」 when it applies only then

    @property
    def key(self) -> str:
        return self.finding.key

    @property
    def why_ranked(self) -> str:
        return "・".join(self.reasons)


def announces_list(clause: Clause, edition: Edition) -> bool:
    """A clause whose text only introduces its items (基本方針 6, 8.5.(1)): it has items of its
    own in ``edition`` and says 「次に掲げる…」. Its items are what a body acts on."""
    if not _LIST_RE.search(clause.text):
        return False
    return any(
        c.part is clause.part
        and c.number != clause.number
        and c.number.startswith(clause.number)
        and c.number[len(clause.number) :][:1] not in "0123456789"  # 1 is not the parent of 10
        for c in edition
    )


def actionable(clause: Clause, edition: Edition) -> bool:
    """Whether a gap in ``clause`` is an action of its own (not a heading, not a definition)."""
    return not is_definition(clause) and not announces_list(clause, edition)


def _changed_after(clause: Clause, catalog: Catalog, follows: str, target: str) -> bool:
    for ed in catalog.between(follows, target):  # the catalog's order, not string order
        c = ed.get(clause.key)
        if c is not None and c.change is not None and c.change.kind is not ChangeKind.RENUMBERED:
            return True
    return False


def rank_gap(finding: ClauseFinding, report: AuditReport, catalog: Catalog) -> RankedGap:
    """The place of one gap, with its reasons."""
    clause = finding.clause
    condition = catalog.conditions.get(clause.key, "")
    score = _LEVEL[clause.level] + finding.status.info.weight
    reasons = [_LEVEL_WORD[clause.level], finding.status.info.behind]
    if RISK_WORDS.search(f"{clause.text}{''.join(clause.headings)}"):
        score += RISK
        reasons.append("事故・漏えい・停止に直結")
    if condition:
        score += CONDITIONAL
        reasons.append(f"{condition}のみ")
    else:
        reasons.append("すべての団体に適用")
    if report.follows and _changed_after(clause, catalog, report.follows, report.target.id):
        score += RECENT
        reasons.append("準拠している版より後に改定")
    priority = "高" if score >= HIGH else "中" if score >= MEDIUM else "低"
    return RankedGap(finding, score, priority, tuple(reasons), condition)


def rank_gaps(report: AuditReport, catalog: Catalog, absent: bool = True) -> tuple[RankedGap, ...]:
    """Every actionable gap, most important first (ties in document order).

    ``absent=False`` leaves out 未対応 clauses: with too little of a policy read, a clause not
    found is no evidence that the policy lacks it (issue #11).
    """
    edition = report.target
    ranked = [
        rank_gap(f, report, catalog)
        for f in report.clauses
        if f.status in GAP_STATUSES
        and (absent or f.status is not Status.MISSING)
        and actionable(f.clause, edition)
    ]
    order = {f.key: n for n, f in enumerate(report.clauses)}
    return tuple(sorted(ranked, key=lambda r: (-r.score, order[r.key])))


def section_of(clause: Clause) -> tuple[Part, str]:
    """The part and top-level section a clause belongs to (基本方針 is one section)."""
    return (clause.part, "" if clause.part is Part.BASIC else clause.number.split(".")[0])


def spread(ranked: Sequence[RankedGap], n: int, per_section: int = 2) -> tuple[RankedGap, ...]:
    """The first ``n`` of ``ranked``, at most ``per_section`` from one section while others
    still have gaps, in the order picked (so the first five of ten are the five).

    >>> spread([], 5)
    ()
    """
    chosen: list[RankedGap] = []
    taken: dict[tuple[Part, str], int] = {}
    for r in ranked:
        if len(chosen) == n:
            break
        sec = section_of(r.finding.clause)
        if taken.get(sec, 0) < per_section:
            chosen.append(r)
            taken[sec] = taken.get(sec, 0) + 1
    for r in ranked:  # fewer sections than places: fill by rank
        if len(chosen) == n:
            break
        if r not in chosen:
            chosen.append(r)
    return tuple(chosen)


def missing_definitions(report: AuditReport) -> tuple[ClauseFinding, ...]:
    """Definitions the guideline has and the policy lacks (one line for the committee)."""
    return tuple(f for f in report.clauses if f.status in GAP_STATUSES and is_definition(f.clause))


__all__ = [
    "CONDITIONAL",
    "PRIORITIES",
    "PRIORITY_FILL",
    "RECENT",
    "RISK",
    "RISK_WORDS",
    "RankedGap",
    "actionable",
    "announces_list",
    "missing_definitions",
    "priority_css",
    "priority_order",
    "rank_gap",
    "rank_gaps",
    "section_of",
    "spread",
]
