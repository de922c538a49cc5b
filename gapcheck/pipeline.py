"""The audit as one library call, as the ``gapcheck audit`` command runs it (issue #15).

::

    from gapcheck import load_catalog
    from gapcheck.pipeline import render_audit_text, run_audit, write_audit_reports

    catalog = load_catalog()
    report = run_audit("対策基準.xlsx", catalog, previous="reports/2025/report.xlsx")
    print(render_audit_text(report, catalog))
    write_audit_reports(report, catalog, "reports/2026")

The click layer (:mod:`gapcheck.cli`) only turns options into these arguments and prints.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from gapcheck.catalog.model import Catalog
from gapcheck.gaps.audit import AuditReport, Decision, RowStatus, Status, audit, load_decisions
from gapcheck.gaps.ranking import rank_gaps, spread
from gapcheck.gaps.summary import is_thin, summarize
from gapcheck.io import output_set, write_atomic
from gapcheck.readers.formats import read_policy
from gapcheck.render.report_html import write_html
from gapcheck.render.report_xlsx import read_decisions, write_workbook

AUDIT_OUTPUTS = ("audit.json", "report.xlsx", "report.html")
TERMINAL_TOP = 10  # gaps listed in the terminal; the reports' five are the first five


def run_audit(
    policy_path: str | os.PathLike[str],
    catalog: Catalog,
    *,
    target: str = "latest",
    sheet: str | None = None,
    encoding: str | None = None,
    previous: str | os.PathLike[str] | None = None,
    limits: dict[str, int] | None = None,
) -> AuditReport:
    """Read a policy (and last year's report.xlsx or audit.json) and audit it against
    ``target``. An unknown edition fails before any file is read."""
    catalog.edition(target)
    decisions: tuple[Decision, ...] = ()
    if previous is not None:
        prev = Path(previous)
        is_workbook = prev.suffix.lower() in (".xlsx", ".xlsm")
        decisions = read_decisions(prev) if is_workbook else load_decisions(prev)
    policy = read_policy(policy_path, sheet=sheet, encoding=encoding, **(limits or {}))
    return audit(policy, catalog, target=target, decisions=decisions)


def write_audit_reports(
    report: AuditReport, catalog: Catalog, out: str | os.PathLike[str]
) -> list[Path]:
    """audit.json, the workbook and the HTML page as one set: written into a staging folder
    and moved into ``out`` only when all three are complete (a full disk or a read-only
    folder leaves last run's set as it was). Returns the final paths."""
    summary = summarize(report, catalog)
    with output_set(Path(out)) as stage:
        staged = [
            write_atomic(
                stage / "audit.json",
                json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n",
            ),
            write_workbook(summary, catalog, stage / "report.xlsx"),
            write_html(summary, catalog, stage / "report.html"),
        ]
    return [stage.final(p) for p in staged]


def render_audit_text(report: AuditReport, catalog: Catalog) -> str:
    """The terminal summary: what was read, the edition followed and why, the counts, and
    the gaps to act on first (the ranking every report uses)."""
    policy = report.policy
    where = f"（シート: {policy.sheet}）" if policy.sheet else ""
    read = report.read_summary
    lines = [
        f"ポリシー: {policy.path}{where} {len(report.rows)} 行",
        f"照合先: {report.target.label}（{report.target.id}）",
        f"読み込んだ規定 {read['rows']} 件: 照合できた {read['matched']} 件 / 要確認 {read['review']} 件"
        f" / 独自規定 {read['local']} 件",
    ]
    if report.follows is None:
        lines.append(f"準拠している版: {report.follows_label}")
    elif report.lag_years is not None:
        lag = "遅れなし" if report.lag_years == 0 else f"最新版から {report.lag_years} 年の遅れ"
        lines.append(f"準拠している版: {report.follows_label}（{lag}）")
    else:
        lines.append(f"準拠している版: {report.follows_label}（遅れの年数は示しません）")
    if report.evidence is not None:
        lines += [
            f"  根拠: {clue.what}（{clue.where}）→ {clue.label}{clue.bound_label}"
            for clue in report.evidence.key_clues
        ]
    counts = " / ".join(f"{s.title} {report.counts[s.value]}" for s in Status)
    lines.append(f"条項 {len(report.clauses)}: {counts}")
    row_counts = " / ".join(f"{r.title} {report.row_counts[r.value]}" for r in RowStatus)
    lines.append(f"行 {len(report.rows)}: {row_counts}")
    if is_thin(report):
        lines.append(
            "照合できた条項が少ないため、「未対応」は規定がないことを意味しません（抜粋や独自の構成の可能性）。"
        )
        return "\n".join(lines) + "\n"
    top = spread(rank_gaps(report, catalog), TERMINAL_TOP)
    if top:
        lines.append(f"\n優先して取り組む条項（上位{len(top)}件。理由は順位の根拠）:")
        for r in top:
            c = r.finding.clause
            lines.append(
                f"  [{r.priority}] {c.display_number}  {c.heading}  〔{r.finding.status.title}〕"
            )
            lines.append(f"        {r.why_ranked}")
    if report.orphan_decisions:
        lines.append(
            f"\n現在の版にない条項への前回の判断: {len(report.orphan_decisions)} 件（JSON の orphan_decisions）"
        )
    return "\n".join(lines) + "\n"
