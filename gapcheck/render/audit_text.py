"""The audit as terminal text, laid out from the
:class:`~gapcheck.render.audit_page.AuditPage`: what was read, the edition followed and why,
the counts, and the gaps to act on first (the ranking every report uses)."""

from __future__ import annotations

from gapcheck.gaps.status import RowStatus
from gapcheck.render.audit_page import AuditPage

__all__ = ["audit_text"]


def audit_text(page: AuditPage) -> str:
    report = page.report
    policy = report.policy
    where = f"（シート: {policy.sheet}）" if policy.sheet else ""
    read = report.read_summary
    lines = [
        f"ポリシー: {policy.path}{where} {len(report.rows)} 行",
        f"照合先: {report.target.label}（{report.target.id}）",
        f"読み込んだ規定 {read['rows']} 件: 照合できた {read['matched']} 件 / 要確認 {read['review']} 件"
        f" / 独自規定 {read['local']} 件",
        *(f"読み取りの注意: {w}" for w in policy.warnings),
        f"準拠している版: {page.follows_line}",
    ]
    if report.evidence is not None:
        lines += [
            f"  根拠: {clue.what}（{clue.where}）→ {clue.label}{clue.bound_label}"
            for clue in report.evidence.key_clues
        ]
    counts = " / ".join(f"{s.title} {n}" for s, n in page.counts)
    lines.append(f"条項 {len(report.clauses)}: {counts}")
    row_counts = " / ".join(f"{r.title} {report.row_counts[r.value]}" for r in RowStatus)
    lines.append(f"行 {len(report.rows)}: {row_counts}")
    if page.thin:
        lines.append(
            "照合できた条項が少ないため、残りの条項は「未照合」とし、規定の有無を判断していません（抜粋や独自の構成の可能性）。"
        )
        return "\n".join(lines) + "\n"
    if page.ranked:
        lines.append(f"\n優先して取り組む条項（上位{len(page.ranked)}件。理由は順位の根拠）:")
        for r in page.ranked:
            c = r.finding.clause
            lines.append(
                f"  [{r.priority}] {c.display_number}  {c.heading}  〔{r.finding.status.title}〕"
            )
            for e in r.finding.elements[:2]:  # what is missing or changed (issue #21)
                lines.append(f"        {e.text}")
            lines.append(f"        {r.why_ranked}")
    if report.orphan_decisions:
        lines.append(
            f"\n現在の版にない条項への前回の判断: {len(report.orphan_decisions)} 件（JSON の orphan_decisions）"
        )
    return "\n".join(lines) + "\n"
