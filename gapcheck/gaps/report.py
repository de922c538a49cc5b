"""The audit's result as data: a finding per clause of the target edition and per row of the
body's policy (:class:`AuditReport`), with the ``gapcheck audit --json`` contract. Rendering
lives in :mod:`gapcheck.render`."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gapcheck.catalog.model import Clause, Edition
from gapcheck.gaps.elements import ElementFinding
from gapcheck.gaps.evidence import EditionRange
from gapcheck.gaps.status import RowStatus, Status
from gapcheck.readers.policy import Policy, PolicyRow

if TYPE_CHECKING:
    from gapcheck.gaps.decisions import Decision

__all__ = ["PART_READ", "THIN_INPUT", "AuditReport", "ClauseFinding", "RowFinding", "thin_below"]


# Fewer clauses matched than THIN_INPUT, or fewer than PART_READ of a part: the input does not
# hold that much of the policy, and its absent clauses are 未照合, not 未対応 (issue #21).
THIN_INPUT = 10


PART_READ = 3


def thin_below(clauses: int) -> int:
    """Fewer matched clauses than this, of an edition of ``clauses``, is too little read to
    call anything missing (THIN_INPUT, scaled down for a tiny test catalog)."""
    return min(THIN_INPUT, max(1, clauses // 4))


@dataclass(frozen=True)
class ClauseFinding:
    """One clause of the target edition and where it stands in the policy."""

    clause: Clause
    status: Status
    rows: tuple[int, ...] = ()  # indices into AuditReport.rows
    score: float = 0.0
    follows: str | None = None  # newest edition whose wording the body's text matches
    method: str = ""
    coverage: float = 0.0  # share of the clause's wording found in the matched rows
    decision: Decision | None = None
    recheck: bool = False  # the clause changed since the decision was made (要再確認)
    evidence: tuple[str, ...] = ()
    # the named reasons for 一部不足 / 旧版のまま (issue #21): every gap names what it is
    elements: tuple[ElementFinding, ...] = ()
    # the last edition of the older wording (or predecessor's) the rows are closest to:
    # evidence of the edition the text follows, whatever the status
    wording_last: str | None = None

    @property
    def key(self) -> str:
        return self.clause.key


@dataclass(frozen=True)
class RowFinding:
    """One row of the body's policy and what it corresponds to."""

    row: PolicyRow
    status: RowStatus
    clauses: tuple[str, ...] = ()  # target-edition keys (or the removed key, for obsolete)
    score: float = 0.0
    method: str = ""
    follows: str | None = None


@dataclass(frozen=True, eq=False)
class AuditReport:
    """The audit's result: every clause of ``target`` and every row of the policy."""

    policy: Policy
    target: Edition
    follows: str | None  # edition id the policy as a whole follows
    follows_label: str
    lag_years: float | None
    clauses: tuple[ClauseFinding, ...]
    rows: tuple[RowFinding, ...]
    orphan_decisions: tuple[Decision, ...] = ()
    evidence: EditionRange | None = None  # the range of editions and the provisions behind it

    @property
    def follows_range(self) -> tuple[str | None, str | None]:
        """(at least, at most) edition ids the evidence allows."""
        return (self.evidence.lower, self.evidence.upper) if self.evidence else (None, None)

    @functools.cached_property
    def read_summary(self) -> dict[str, int]:
        """How much of the input was read and matched, for an honest summary."""
        rc = self.row_counts
        return {
            "rows": len(self.rows),
            "matched": rc["matched"] + rc["obsolete"],
            "review": rc["review"],
            "local": rc["local"],
            "clauses_matched": sum(
                1
                for f in self.clauses
                if f.status not in (Status.MISSING, Status.REVIEW, Status.UNREAD)
            ),
        }

    @functools.cached_property
    def counts(self) -> dict[str, int]:
        """Clauses by status, every status present (zero included)."""
        out = {s.value: 0 for s in Status}
        for f in self.clauses:
            out[f.status.value] += 1
        return out

    @functools.cached_property
    def row_counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in RowStatus}
        for r in self.rows:
            out[r.status.value] += 1
        return out

    def flatten(self, fields: Sequence[str]) -> list[list[object]]:
        """Clause findings as rows of ``fields`` (e.g. ``["key", "status"]``), for tests/tables."""
        out: list[list[object]] = []
        for f in self.clauses:
            values = {
                "key": f.key,
                "number": f.clause.number,
                "status": f.status.value,
                "follows": f.follows,
                "score": f.score,
                "rows": [self.rows[i].row.row for i in f.rows],
                "decision": f.decision.decision if f.decision else None,
                "recheck": f.recheck,
            }
            out.append([values[name] for name in fields])
        return out

    def to_dict(self) -> dict[str, object]:
        """The ``gapcheck audit --json`` contract."""
        return {
            "target": self.target.id,
            "target_label": self.target.label,
            "follows": self.follows,
            "follows_label": self.follows_label,
            "lag_years": self.lag_years,
            "follows_range": list(self.follows_range),
            "evidence": self.evidence.to_dict() if self.evidence else None,
            "read": self.read_summary,
            "policy": {
                "path": self.policy.path,
                "sha256": self.policy.sha256,
                "kind": self.policy.kind,
                "sheet": self.policy.sheet,
                "title": self.policy.title,
                "enacted": self.policy.enacted,
                "revised": list(self.policy.revised),
                "warnings": list(self.policy.warnings),
            },
            "counts": self.counts,
            "row_counts": self.row_counts,
            "clauses": [
                {
                    "key": f.key,
                    "number": f.clause.number,
                    "part": f.clause.part.value,
                    "heading": f.clause.heading,
                    "level": f.clause.level.value,
                    "status": f.status.value,
                    "follows": f.follows,
                    "rows": [_row_ref(self.rows[i].row) for i in f.rows],
                    "score": f.score,
                    "coverage": f.coverage,
                    "method": f.method,
                    "evidence": list(f.evidence),
                    "elements": [e.to_dict() for e in f.elements],
                    "decision": f.decision.to_dict() if f.decision else None,
                    "recheck": f.recheck,
                }
                for f in self.clauses
            ],
            "rows": [
                {
                    **_row_ref(r.row),
                    "number": r.row.number,
                    "heading": r.row.heading,
                    "status": r.status.value,
                    "clauses": list(r.clauses),
                    "score": r.score,
                    "method": r.method,
                    "follows": r.follows,
                }
                for r in self.rows
            ],
            "orphan_decisions": [d.to_dict() for d in self.orphan_decisions],
        }


def _row_ref(row: PolicyRow) -> dict[str, object]:
    return {"sheet": row.sheet, "row": row.row}
